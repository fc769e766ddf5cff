//! `crm txt repair`.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek};

use anyhow::{Context, bail};
use crm_excel::{
    Cell, LineJoin, RepairEvent, RepairOptions, RepairReject, RepairStats, Repairer, TextEncoding,
    XlsxWriter, repair_to_csv,
};

use crate::args::{EncodingArg, JoinArg, RepairArgs};
use crate::cmd::excel::{OutKind, out_kind};
use crate::summary::thousands;

/// Creates an output file with `len` bytes of disk space reserved up front.
///
/// On Linux (ext4 here) writing into reserved blocks is several times cheaper than letting
/// the kernel allocate them as pages are written: a 1.36 GB repair output took 4.3 s without
/// and about 1.3 s with (docs/benchmarks.md). The caller truncates the file to its real
/// length at the end. Where reserving fails or is unsupported, the file is simply created.
fn create_preallocated(path: &std::path::Path, len: u64) -> std::io::Result<File> {
    let file = File::create(path)?;
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::fs::fallocate(&file, rustix::fs::FallocateFlags::empty(), 0, len);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = len;
    Ok(file)
}

/// Parses `--delimiter`: one ASCII character, or `tab`.
fn delimiter(arg: &str) -> anyhow::Result<u8> {
    match arg {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        s => bail!("--delimiter must be one ASCII character or `tab`, not {s:?}"),
    }
}

pub(crate) fn repair(args: &RepairArgs) -> anyhow::Result<RepairStats> {
    let kind = out_kind(&args.out)?;
    let is_parquet = args.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if is_parquet {
        // The repair streams records of any size in constant memory; a Parquet writer would
        // hold each row group of text. Repair to CSV, then convert.
        bail!(
            "{}: crm txt repair writes .csv, .xlsx or - (stdout), not Parquet",
            args.out.display()
        );
    }
    if args.columns == 0 {
        bail!("--columns must be at least 1");
    }
    let options = RepairOptions::new(args.columns)
        .delimiter(delimiter(&args.delimiter)?)
        .quote(if args.no_quotes { None } else { Some(b'"') })
        .has_header(!args.no_header)
        .join(match args.join {
            JoinArg::Space => LineJoin::Space,
            JoinArg::None => LineJoin::Nothing,
            JoinArg::Newline => LineJoin::Newline,
        })
        .encoding(match args.encoding {
            EncodingArg::Auto => TextEncoding::Auto,
            EncodingArg::Windows1252 => TextEncoding::Windows1252,
        });
    let input = File::open(&args.input).with_context(|| args.input.display().to_string())?;
    let len = input.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = crate::progress::bytes(len, "repairing");
    let reader = BufReader::with_capacity(1 << 18, bar.wrap_read(input));
    let rejects =
        File::create(&args.rejects).with_context(|| args.rejects.display().to_string())?;
    let rejects = BufWriter::with_capacity(1 << 16, rejects);
    let in_name = args.input.display().to_string();
    let stats = match kind {
        OutKind::Table if args.out.as_os_str() == "-" => {
            let out = BufWriter::with_capacity(1 << 16, std::io::stdout());
            repair_to_csv(reader, options, out, rejects).with_context(|| in_name.clone())?
        }
        OutKind::Table => {
            let mut out = create_preallocated(&args.out, len)
                .with_context(|| args.out.display().to_string())?;
            let stats = repair_to_csv(reader, options, &mut out, rejects)
                .with_context(|| in_name.clone())?;
            // Cut the preallocated file to what was written.
            let written = out.stream_position()?;
            out.set_len(written).with_context(|| args.out.display().to_string())?;
            stats
        }
        OutKind::Xlsx => {
            repair_to_xlsx(reader, options, args, rejects).with_context(|| in_name.clone())?
        }
    };
    bar.finish_and_clear();
    print_stats(&stats, args);
    Ok(stats)
}

/// Streams the repaired records into a constant-memory workbook, typing fields with
/// [`Cell::infer`] (identifiers with leading zeros or 16 digits stay text).
fn repair_to_xlsx(
    reader: impl std::io::BufRead,
    options: RepairOptions,
    args: &RepairArgs,
    rejects: impl std::io::Write,
) -> anyhow::Result<RepairStats> {
    let columns = options.columns();
    let has_header = !args.no_header;
    let mut repairer = Repairer::new(reader, options);
    let mut xlsx = XlsxWriter::new();
    let mut rej = csv::Writer::from_writer(rejects);
    rej.write_record(RepairReject::CSV_HEADER)?;
    if !has_header {
        let headers: Vec<String> = (1..=columns).map(|i| format!("column_{i}")).collect();
        xlsx.begin_sheet("Data", &headers)?;
    }
    let mut cells: Vec<Cell> = Vec::with_capacity(columns);
    while let Some(event) = repairer.next_event()? {
        match event {
            RepairEvent::Header(h) => {
                let headers: Vec<String> = h.iter().map(str::to_owned).collect();
                xlsx.begin_sheet("Data", &headers)?;
            }
            RepairEvent::Record(r) => {
                cells.clear();
                cells.extend(r.iter().map(Cell::infer));
                xlsx.write_row(&cells)?;
            }
            RepairEvent::Reject(r) => rej.write_record(r.into_csv_record())?,
        }
    }
    rej.flush()?;
    xlsx.save(&args.out)?;
    Ok(repairer.stats().clone())
}

fn print_stats(s: &RepairStats, args: &RepairArgs) {
    eprintln!("read {} lines of {}", thousands(s.lines), args.input.display());
    eprintln!("  intact records:   {}", thousands(s.intact));
    eprintln!(
        "  repaired records: {} (from {} lines)",
        thousands(s.repaired),
        thousands(s.repaired_lines)
    );
    eprintln!(
        "  rejected:         {} ({} lines)",
        thousands(s.rejected),
        thousands(s.rejected_lines)
    );
    if s.blank_lines > 0 {
        eprintln!("  blank lines:      {}", thousands(s.blank_lines));
    }
    if s.transcoded > 0 {
        eprintln!("  decoded as Windows-1252: {} records", thousands(s.transcoded));
    }
    eprintln!("  success rate:     {:.4}%", s.success_rate() * 100.0);
    eprintln!("wrote {} and {}", args.out.display(), args.rejects.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("|").unwrap(), b'|');
        assert_eq!(delimiter("tab").unwrap(), b'\t');
        assert_eq!(delimiter(";").unwrap(), b';');
        assert!(delimiter("||").is_err());
    }
}
