//! `crm excel merge` and `crm excel split`.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cmd::write_table;
use crm_excel::{
    Aliases, Cell, Dedup, DedupReport, ErrorKind, HeaderRow, Keep, MergeReport, Merged, Merger,
    Origin, Passwords, ReaderBuilder, Sheets, Table, TableStyle, XlsxWriter, collect_inputs,
    split_by,
};

use crate::args::{HeaderArgs, KeepArg, MergeArgs, PasswordArgs, SplitArgs};
use crate::summary::thousands;
use crm_core::mask;

/// Rows listed one by one on stderr before "... and N more".
const MAX_LISTED: usize = 10;

/// The passwords from `--password` and `--passwords`.
pub(crate) fn load_passwords(args: &PasswordArgs) -> anyhow::Result<Passwords> {
    let mut passwords = Passwords::new();
    for p in &args.passwords {
        passwords.add(p);
    }
    if let Some(path) = &args.password_file {
        let file = File::open(path).with_context(|| path.display().to_string())?;
        passwords.extend_from_csv(file).with_context(|| path.display().to_string())?;
    }
    Ok(passwords)
}

/// The header row `--header-row` and `--no-header` ask for.
pub(crate) fn header_row(args: &HeaderArgs) -> HeaderRow {
    match (args.header_row, args.no_header) {
        (_, true) => HeaderRow::None,
        (Some(n), false) => HeaderRow::Row(n),
        (None, false) => HeaderRow::Auto,
    }
}

/// A sheet without a header row found: say how to read it.
pub(crate) fn with_header_hint(err: crm_excel::Error) -> anyhow::Error {
    if matches!(err.kind(), ErrorKind::NoHeader { .. }) {
        anyhow::anyhow!(
            "{err}; give the header row with --header-row N, or read every row as data with \
             --no-header"
        )
    } else {
        err.into()
    }
}

/// Output kinds, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutKind {
    /// A workbook: every table as a sheet.
    Xlsx,
    /// One table per file: `.csv`, `.parquet`, or `-` (CSV on standard output).
    Table,
}

pub(crate) fn out_kind(path: &Path) -> anyhow::Result<OutKind> {
    if path.as_os_str() == "-" {
        return Ok(OutKind::Table);
    }
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("xlsx") => Ok(OutKind::Xlsx),
        Some("csv" | "parquet") => Ok(OutKind::Table),
        _ => bail!(
            "{}: the output must end in .xlsx, .csv or .parquet, or be - (CSV on standard output)",
            path.display()
        ),
    }
}

/// Writes `sheets` and the rejects by crm-arrow's layout ([`crm_arrow::write_sheets`]): all
/// sheets and a Rejects sheet in an .xlsx, else the first sheet with the rejects beside it as
/// `OUT.rejects.csv` / `OUT.rejects.parquet`.
pub(crate) fn write_with_rejects(
    out: &Path,
    sheets: &[(&str, &Table)],
    rejects: &Table,
) -> anyhow::Result<()> {
    let written = crm_arrow::write_sheets(out, sheets, rejects, &crate::cmd::write_options())?;
    for path in written.iter().skip(1) {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// What `merge` produced.
#[derive(Debug)]
pub(crate) struct MergeOutcome {
    pub(crate) rows: usize,
    pub(crate) duplicates: usize,
    pub(crate) rejected: usize,
    pub(crate) filtered: usize,
    pub(crate) sources: usize,
    pub(crate) phones_normalized: usize,
}

pub(crate) fn merge(args: &MergeArgs) -> anyhow::Result<MergeOutcome> {
    let kind = out_kind(&args.out)?;
    let inputs = collect_inputs(&args.inputs)?;
    if inputs.is_empty() {
        bail!("no .xlsx, .xlsm, .xlsb, .xls, .ods or .csv files in the inputs given");
    }
    let passwords = load_passwords(&args.passwords)?;
    let aliases = match &args.alias {
        Some(path) => Aliases::builtin_and_file(path)?,
        None => Aliases::builtin(),
    };
    let sheets = match (&args.sheet, args.all_sheets) {
        (Some(name), _) => Sheets::Named(name.clone()),
        (None, true) => Sheets::All,
        (None, false) => Sheets::First,
    };
    let mut merger = Merger::new()
        .opener(crm_arrow::parquet_opener)
        .aliases(aliases)
        .passwords(passwords)
        .header_row(header_row(&args.header))
        .sheets(sheets);
    for column in &args.normalize_phones {
        merger = merger.normalize_phone(column);
    }
    for filter in &args.filters {
        merger = merger.filter(filter.parse()?);
    }
    if !args.keys.is_empty() {
        let keep = match args.keep {
            KeepArg::First => Keep::First,
            KeepArg::Last => Keep::Last,
            KeepArg::MostComplete => Keep::MostComplete,
        };
        merger = merger.dedup(args.keys.iter().fold(Dedup::new(keep), |d, k| d.key_auto(k)));
    }
    let spinner = crate::progress::spinner(&format!("merging {} files", inputs.len()));
    let merged = merger.merge_inputs(&inputs);
    spinner.finish_and_clear();
    let Merged { table, report } = merged.map_err(with_header_hint)?;
    let duplicates = duplicates_table(&report.dedup)?;
    if let Some(path) = &args.duplicates_out {
        write_table(path, &duplicates)?;
    }
    if let Some(path) = &args.rejects_out {
        write_table(path, &rejects_table(&report))?;
    }
    match kind {
        OutKind::Xlsx => {
            let mut xlsx = XlsxWriter::new();
            xlsx.write_table("Data", &table)?;
            xlsx.table_style(Some(TableStyle::Medium2));
            xlsx.write_table("Summary", &summary_table(&report))?;
            if !duplicates.is_empty() {
                xlsx.write_table("Duplicates", &duplicates)?;
            }
            if !report.rejects.is_empty() {
                xlsx.write_table("Rejected", &rejects_table(&report))?;
            }
            xlsx.save(&args.out)?;
        }
        OutKind::Table => write_table(&args.out, &table)?,
    }
    let outcome = MergeOutcome {
        rows: table.len(),
        duplicates: report.duplicates_removed(),
        rejected: report.rejects.len(),
        filtered: report.filtered_out(),
        sources: report.sources.len(),
        phones_normalized: report.phones_normalized,
    };
    print_merge_summary(&report, &outcome, args, kind);
    Ok(outcome)
}

/// One row per dropped duplicate: where it was, where the kept row is, the masked key.
fn duplicates_table(dups: &DedupReport) -> anyhow::Result<Table> {
    let mut out = Table::new(
        [
            "dropped_file",
            "dropped_sheet",
            "dropped_row",
            "kept_file",
            "kept_sheet",
            "kept_row",
            "key_masked",
        ]
        .map(String::from)
        .to_vec(),
    );
    let cells = |origin: Option<&Origin>| -> [Cell; 3] {
        match origin {
            Some(o) => [
                Cell::String(o.source.clone()),
                o.sheet.clone().map_or(Cell::Empty, Cell::String),
                Cell::Int(o.row as i64),
            ],
            None => [Cell::Empty, Cell::Empty, Cell::Empty],
        }
    };
    for d in &dups.duplicates {
        let mut row = Vec::with_capacity(7);
        row.extend(cells(d.dropped.as_ref()));
        row.extend(cells(d.kept.as_ref()));
        row.push(Cell::String(mask(&d.key)));
        out.push_row(row)?;
    }
    Ok(out)
}

fn rejects_table(report: &MergeReport) -> Table {
    let mut out = Table::new(["file", "sheet", "row", "reason"].map(String::from).to_vec());
    for r in &report.rejects {
        // Four cells for four columns: this cannot fail.
        let _ = out.push_row(vec![
            Cell::String(r.source.clone()),
            r.sheet.clone().map_or(Cell::Empty, Cell::String),
            Cell::Int(r.row as i64),
            Cell::String(r.reason.to_string()),
        ]);
    }
    out
}

/// One row per source and a TOTAL row, as the library counted them.
fn summary_table(report: &MergeReport) -> Table {
    let columns = [
        "source_file",
        "source_sheet",
        "encrypted",
        "header_row",
        "rows_above_header",
        "rows_read",
        "blank_rows",
        "rejected_rows",
        "filtered_out",
        "duplicates_removed",
        "rows_kept",
        "missing_columns",
    ];
    let mut out = Table::new(columns.map(String::from).to_vec());
    let int = |n: usize| Cell::Int(n as i64);
    for s in &report.sources {
        // As many cells as columns: this cannot fail.
        let _ = out.push_row(vec![
            Cell::String(s.name.clone()),
            s.sheet.clone().map_or(Cell::Empty, Cell::String),
            Cell::Bool(s.encrypted),
            s.header_row.map_or(Cell::Empty, |r| Cell::Int(r as i64)),
            int(s.rows_above_header),
            int(s.rows_read()),
            int(s.blank_rows),
            int(s.rejected_rows),
            int(s.filtered_out),
            int(s.duplicates_removed),
            int(s.rows_kept),
            Cell::String(s.missing_columns.join(", ")),
        ]);
    }
    let _ = out.push_row(vec![
        Cell::from("TOTAL"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        int(report.rows_above_header()),
        int(report.rows_read()),
        int(report.blank_rows()),
        int(report.rejects.len()),
        int(report.filtered_out()),
        int(report.duplicates_removed()),
        int(report.rows_kept()),
        Cell::Empty,
    ]);
    out
}

fn print_merge_summary(
    report: &MergeReport,
    outcome: &MergeOutcome,
    args: &MergeArgs,
    kind: OutKind,
) {
    eprintln!(
        "merged {} sources: {} rows read",
        outcome.sources,
        thousands(report.rows_read() as u64)
    );
    for s in &report.sources {
        let mut line = format!("  {}", s.name);
        if let Some(sheet) = &s.sheet {
            line.push_str(&format!(" [{sheet}]"));
        }
        if s.encrypted {
            line.push_str(" (encrypted)");
        }
        line.push_str(&format!(": {} rows", thousands(s.rows as u64)));
        if s.rows_above_header > 0 {
            line.push_str(&format!(
                "; {} rows above the header (row {}) not read",
                thousands(s.rows_above_header as u64),
                s.header_row.unwrap_or_default()
            ));
        }
        if s.filtered_out > 0 {
            line.push_str(&format!("; {} filtered out", thousands(s.filtered_out as u64)));
        }
        if s.duplicates_removed > 0 {
            line.push_str(&format!(
                "; {} duplicates removed",
                thousands(s.duplicates_removed as u64)
            ));
        }
        if s.rows_kept != s.rows {
            line.push_str(&format!("; {} kept", thousands(s.rows_kept as u64)));
        }
        if !s.missing_columns.is_empty() {
            line.push_str(&format!("; missing columns: {}", s.missing_columns.join(", ")));
        }
        eprintln!("{line}");
    }
    if report.rows_above_header() > 0 {
        eprintln!(
            "  rows above header rows, not read: {} (give the header row with --header-row N, \
             or read every row with --no-header)",
            thousands(report.rows_above_header() as u64)
        );
    }
    eprintln!("  blank rows skipped: {}", thousands(report.blank_rows() as u64));
    eprintln!("  rows rejected: {}", thousands(outcome.rejected as u64));
    for r in report.rejects.iter().take(MAX_LISTED) {
        let sheet = r.sheet.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        eprintln!("    {}{sheet} row {}: {}", r.source, r.row, r.reason);
    }
    if report.rejects.len() > MAX_LISTED {
        eprintln!("    ... and {} more", report.rejects.len() - MAX_LISTED);
    }
    if !args.normalize_phones.is_empty() {
        eprintln!(
            "  phone numbers rewritten as 08...: {}",
            thousands(outcome.phones_normalized as u64)
        );
    }
    if !args.filters.is_empty() {
        eprintln!(
            "  filtered out: {} ({})",
            thousands(outcome.filtered as u64),
            args.filters.join("; ")
        );
        for (expr, n) in args.filters.iter().zip(&report.not_comparable) {
            if *n > 0 {
                eprintln!(
                    "    {} of them not a number or date where `{expr}` compares one",
                    thousands(*n)
                );
            }
        }
    }
    if !args.keys.is_empty() {
        eprintln!(
            "  duplicates removed: {} (key: {})",
            thousands(outcome.duplicates as u64),
            args.keys.join(" + ")
        );
    }
    let sheets = match kind {
        OutKind::Xlsx => {
            " (sheets: Data, Summary".to_owned()
                + if outcome.duplicates > 0 { ", Duplicates" } else { "" }
                + if outcome.rejected > 0 { ", Rejected)" } else { ")" }
        }
        OutKind::Table => String::new(),
    };
    eprintln!("wrote {}: {} rows{sheets}", args.out.display(), thousands(outcome.rows as u64));
}

/// What `split` produced.
#[derive(Debug)]
pub(crate) struct SplitOutcome {
    pub(crate) files: Vec<PathBuf>,
}

pub(crate) fn split(args: &SplitArgs) -> anyhow::Result<SplitOutcome> {
    let mut builder = ReaderBuilder::new();
    builder.passwords(load_passwords(&args.passwords)?).header_row(header_row(&args.header));
    if let Some(sheet) = &args.sheet {
        builder.sheet_name(sheet);
    }
    let mut reader = crate::cmd::open(&args.input, &builder)?;
    let mut table = Table::new(reader.headers().to_vec());
    let mut rejected = Vec::new();
    for row in reader.rows() {
        let row = row?;
        if row.is_blank() {
            continue;
        }
        if row.stray_cells().is_empty() {
            table.push_row(row.into_cells())?;
        } else {
            rejected.push(row.number());
        }
    }
    let groups = split_by(&table, &args.by)?;
    std::fs::create_dir_all(&args.out_dir).with_context(|| args.out_dir.display().to_string())?;
    let mut files = Vec::with_capacity(groups.len());
    for group in &groups {
        let path = args.out_dir.join(format!("{}.xlsx", group.file_stem));
        let mut xlsx = XlsxWriter::new();
        xlsx.table_style(Some(TableStyle::Medium2));
        xlsx.write_table(&group.name, &group.table)?;
        xlsx.save(&path)?;
        files.push(path);
    }
    eprintln!(
        "split {} rows by {:?} into {} workbooks in {}",
        thousands(table.len() as u64),
        args.by,
        groups.len(),
        args.out_dir.display()
    );
    for (group, path) in groups.iter().zip(&files) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        eprintln!("  {name}: {} rows", thousands(group.table.len() as u64));
    }
    if reader.rows_above_header() > 0 {
        eprintln!(
            "  rows above the header (row {}), not read: {} (give the header row with \
             --header-row N, or read every row with --no-header)",
            reader.header_row().unwrap_or_default(),
            thousands(reader.rows_above_header() as u64)
        );
    }
    if !rejected.is_empty() {
        let listed: Vec<String> = rejected.iter().take(MAX_LISTED).map(u64::to_string).collect();
        eprintln!(
            "  rows rejected (values in columns without a header): {} (rows {}{})",
            rejected.len(),
            listed.join(", "),
            if rejected.len() > MAX_LISTED { ", ..." } else { "" }
        );
    }
    Ok(SplitOutcome { files })
}
