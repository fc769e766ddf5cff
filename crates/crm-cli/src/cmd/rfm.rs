//! `crm rfm`: RFM features, scores and segments from a transaction file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use crm_excel::{Cell, ReaderBuilder, Table, XlsxWriter};
use crm_rfm::{
    Binning, FeatureBuilder, FeatureOptions, Features, FrequencyBasis, MonetaryBasis, ReturnPolicy,
    ScoreOptions, Scores, SegmentRules, Segments,
};

use crate::args::{FrequencyArg, MethodArg, MonetaryArg, ReturnsArg, RfmArgs};
use crate::cmd::excel::{OutKind, out_kind};
use crate::summary::thousands;

/// What a run produced, for the demo and the tests.
#[derive(Debug)]
pub(crate) struct RfmOutcome {
    pub(crate) features: Features,
    pub(crate) scores: Scores,
    pub(crate) rules: SegmentRules,
}

impl RfmOutcome {
    pub(crate) fn segments(&self) -> Segments<'_> {
        self.rules.assign(&self.scores)
    }
}

/// Whether a path ends in `.parquet` (case ignored).
fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

pub(crate) fn run(args: &RfmArgs) -> anyhow::Result<RfmOutcome> {
    // Parquet output goes through crm-arrow; the other kinds are crm-excel's.
    let kind = if is_parquet(&args.out) {
        None
    } else {
        let out = args.out.display();
        let kind = out_kind(&args.out);
        Some(kind.map_err(|_| {
            anyhow!("{out}: the output must end in .csv, .xlsx or .parquet, or be - (stdout)")
        })?)
    };
    let as_of = crate::cmd::id::as_of(Some(&args.as_of))?;
    let rules = load_rules(&args.segments)?;
    let frequency = match args.frequency {
        Some(FrequencyArg::Rows) => FrequencyBasis::Rows,
        Some(FrequencyArg::Days) => FrequencyBasis::Days,
        Some(FrequencyArg::Invoices) => FrequencyBasis::Invoices,
        None if args.invoice_col.is_some() => FrequencyBasis::Invoices,
        None => FrequencyBasis::Rows,
    };
    if frequency == FrequencyBasis::Invoices && args.invoice_col.is_none() {
        bail!("--frequency invoices needs --invoice-col");
    }
    let options = FeatureOptions::default()
        .frequency(frequency)
        .monetary(match args.monetary {
            MonetaryArg::Total => MonetaryBasis::Total,
            MonetaryArg::Mean => MonetaryBasis::MeanPerPurchase,
        })
        .returns(match args.returns {
            ReturnsArg::Net => ReturnPolicy::Net,
            ReturnsArg::Ignore => ReturnPolicy::Ignore,
            ReturnsArg::AsPurchase => ReturnPolicy::AsPurchase,
        });
    let method = match args.method {
        MethodArg::Quantile => Binning::Quantile,
        MethodArg::Ntile => Binning::Ntile,
    };

    let started = Instant::now();
    let columns = Columns {
        customer: &args.customer_col,
        date: &args.date_col,
        amount: &args.amount_col,
        invoice: args.invoice_col.as_deref(),
        keys: &args.by,
    };
    let is_workbook =
        crm_arrow::Format::from_path(&args.input) == Some(crm_arrow::Format::Workbook);
    let features = if is_workbook {
        let mut builder = FeatureBuilder::new(as_of, options);
        read_workbook(&args.input, args.sheet.as_deref(), &columns, &mut builder)?;
        builder.finish().with_context(|| args.input.display().to_string())?
    } else {
        read_arrow(&args.input, &columns, as_of, options)?
    };
    let read = started.elapsed();

    let started = Instant::now();
    let scores = Scores::compute(&features, &ScoreOptions::new(args.bins, method))?;
    let outcome = RfmOutcome { features, scores, rules };
    let segments = outcome.segments();
    let compute = started.elapsed();

    let started = Instant::now();
    match kind {
        None => write_parquet(&args.out, &args.by, &outcome, &segments)?,
        Some(OutKind::Table) => {
            let rejected = outcome.features.rejects().len();
            if args.out.as_os_str() == "-" && rejected > 0 {
                return Err(crm_arrow::Error::RejectsNeedAFile { rows: rejected })
                    .with_context(|| args.input.display().to_string());
            }
            write_customers_csv(&args.out, &args.by, &outcome, &segments)?;
            if !outcome.features.rejects().is_empty() {
                let path = rejects_path(&args.out);
                write_rejects_csv(&path, &outcome.features)?;
                eprintln!("wrote {}", path.display());
            }
        }
        Some(OutKind::Xlsx) => write_xlsx(&args.out, &args.by, &outcome, &segments)?,
    }
    if let Some(path) = &args.report {
        let html = crm_report::rfm(
            &outcome.features,
            &outcome.scores,
            &segments,
            &args.input.display().to_string(),
        );
        std::fs::write(path, html).with_context(|| path.display().to_string())?;
        eprintln!("wrote {}", path.display());
    }
    let write = started.elapsed();
    if std::env::var_os("CRM_TIMING").is_some() {
        eprintln!(
            "timing read={:.3} compute={:.3} write={:.3}",
            read.as_secs_f64(),
            compute.as_secs_f64(),
            write.as_secs_f64()
        );
    }
    print_summary(args, &outcome, &segments);
    Ok(outcome)
}

pub(crate) fn load_rules(spec: &str) -> anyhow::Result<SegmentRules> {
    Ok(match spec {
        "r-rfm" => SegmentRules::r_rfm(),
        "rf-map" => SegmentRules::rf_map(),
        path => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("--segments {path}: not r-rfm, rf-map or a readable file")
            })?;
            SegmentRules::parse_csv(&text).with_context(|| path.to_string())?
        }
    })
}

struct Columns<'a> {
    customer: &'a str,
    date: &'a str,
    amount: &'a str,
    invoice: Option<&'a str>,
    /// Extra grouping columns (`--by`).
    keys: &'a [String],
}

impl Columns<'_> {
    /// The flag that names column `name`.
    fn flag(&self, name: &str) -> &'static str {
        if name == self.customer {
            "--customer-col"
        } else if name == self.date {
            "--date-col"
        } else if name == self.amount {
            "--amount-col"
        } else if Some(name) == self.invoice {
            "--invoice-col"
        } else {
            "--by"
        }
    }

    /// Column indices in `headers` of the extra keys.
    fn find_keys(&self, headers: &[String], file: &Path) -> anyhow::Result<Vec<usize>> {
        self.keys.iter().map(|name| column(headers, name, "--by", file)).collect()
    }

    /// Column indices (customer, date, amount, invoice) in `headers`.
    fn find(&self, headers: &[String], file: &Path) -> anyhow::Result<[Option<usize>; 4]> {
        let names = [Some(self.customer), Some(self.date), Some(self.amount), self.invoice];
        let flags = ["--customer-col", "--date-col", "--amount-col", "--invoice-col"];
        let mut out = [None; 4];
        for (k, name) in names.iter().enumerate() {
            if let Some(name) = name {
                out[k] = Some(column(headers, name, flags[k], file)?);
            }
        }
        Ok(out)
    }
}

/// The index of the column a flag names (case, spaces and a BOM ignored).
fn column(headers: &[String], name: &str, flag: &str, file: &Path) -> anyhow::Result<usize> {
    match crm_core::find_column(headers, name) {
        Some(i) => Ok(i),
        None => bail!(
            "{}: {flag} {name:?}: no such column (columns: {})",
            file.display(),
            crm_excel::column_list(headers)
        ),
    }
}

/// Reads a workbook sheet (or any file crm-excel reads) into the builder.
fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    columns: &Columns<'_>,
    builder: &mut FeatureBuilder,
) -> anyhow::Result<()> {
    let mut rb = ReaderBuilder::new();
    if let Some(sheet) = sheet {
        rb.sheet_name(sheet);
    }
    let mut reader = rb.from_path(path)?;
    let headers = reader.headers().to_vec();
    let idx = columns.find(&headers, path)?;
    let key_idx = columns.find_keys(&headers, path)?;
    for row in reader.rows() {
        let row = row?;
        let number = row.number();
        let text = |k: usize| -> String {
            idx[k]
                .and_then(|i| row.cells().get(i))
                .map(|c| match c {
                    Cell::Date(d) => d.to_string(),
                    Cell::DateTime(dt) => dt.date().to_string(),
                    other => other.to_text().into_owned(),
                })
                .unwrap_or_default()
        };
        let invoice = idx[3].map(|_| text(3));
        let key_text: Vec<String> = key_idx
            .iter()
            .map(|&i| row.cells().get(i).map(|c| c.to_text().into_owned()).unwrap_or_default())
            .collect();
        let keys: Vec<&str> = key_text.iter().map(String::as_str).collect();
        builder.push_text_with_keys(
            number,
            &text(0),
            &text(1),
            &text(2),
            invoice.as_deref(),
            &keys,
        );
    }
    Ok(())
}

/// Reads a CSV or Parquet file (or CSV on standard input) through crm-arrow: CSV on all
/// cores, only the named columns decoded; typed columns (dates, numbers) are taken as they
/// are and text ones parsed as in a CSV file.
fn read_arrow(
    path: &Path,
    columns: &Columns<'_>,
    as_of: chrono::NaiveDate,
    options: FeatureOptions,
) -> anyhow::Result<Features> {
    let mut wanted = crm_arrow::RfmColumns::new(columns.customer, columns.date, columns.amount)
        .keys(columns.keys.iter().cloned());
    if let Some(invoice) = columns.invoice {
        wanted = wanted.invoice(invoice);
    }
    crm_arrow::rfm_features_of_file(path, &wanted, as_of, options).map_err(|e| match e {
        // Name the flag that asked for the column.
        crm_arrow::Error::MissingColumn { file, column, available } => {
            anyhow!(
                "{file}: {} {column:?}: no such column (columns: {available})",
                columns.flag(&column)
            )
        }
        e => e.into(),
    })
}

/// Writes the customers as Parquet with crm-arrow's RFM schema (the CSV's columns, typed),
/// and the rejects beside them as `OUT.rejects.parquet`.
fn write_parquet(
    path: &Path,
    by: &[String],
    outcome: &RfmOutcome,
    segments: &Segments<'_>,
) -> anyhow::Result<()> {
    let options = crm_arrow::WriteOptions::new();
    let batch = crm_arrow::rfm_batch(&outcome.features, &outcome.scores, segments, by);
    crm_arrow::write(path, &batch.schema(), std::slice::from_ref(&batch), &options)?;
    if !outcome.features.rejects().is_empty() {
        let rejects = crm_arrow::rejects_batch(&outcome.features);
        let path = rejects_path(path);
        crm_arrow::write(&path, &rejects.schema(), std::slice::from_ref(&rejects), &options)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// `OUT.rejects.csv` beside `OUT` (`.parquet` for a Parquet output).
fn rejects_path(out: &Path) -> PathBuf {
    let stem = out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = if is_parquet(out) { "parquet" } else { "csv" };
    out.with_file_name(format!("{stem}.rejects.{ext}"))
}

const HEADER: &str = "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment,first_purchase,last_purchase\n";

fn write_csv_field(out: &mut Vec<u8>, s: &str) {
    let s: &str = &match crate::cmd::csv_formulas() {
        crm_excel::CsvFormulas::Raw => std::borrow::Cow::Borrowed(s),
        _ => crm_core::neutralize_formula(s),
    };
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// The output header: `HEADER` with the `--by` columns after the customer id.
fn header(by: &[String]) -> Vec<String> {
    let mut h: Vec<String> = HEADER.trim_end().split(',').map(String::from).collect();
    for (k, name) in by.iter().enumerate() {
        h.insert(1 + k, name.clone());
    }
    h
}

fn write_customers_csv(
    path: &Path,
    by: &[String],
    outcome: &RfmOutcome,
    segments: &Segments<'_>,
) -> anyhow::Result<()> {
    let file: Box<dyn Write> = if path.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(path).with_context(|| path.display().to_string())?)
    };
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut head = Vec::new();
    for (k, h) in header(by).iter().enumerate() {
        if k > 0 {
            head.push(b',');
        }
        write_csv_field(&mut head, h);
    }
    head.push(b'\n');
    w.write_all(&head)?;
    let names: Vec<Vec<u8>> = outcome
        .rules
        .names()
        .map(|n| {
            let mut v = Vec::new();
            write_csv_field(&mut v, n);
            v
        })
        .collect();
    // Lines are formatted in blocks, two at a time on two threads, and written in order.
    let format = |rows: std::ops::Range<usize>| -> Vec<u8> {
        let mut out = Vec::with_capacity(rows.len() * 96);
        let (mut ints, mut floats) = (itoa::Buffer::new(), ryu::Buffer::new());
        for i in rows {
            let c = outcome.features.customer(i);
            write_csv_field(&mut out, c.id);
            for key in outcome.features.keys(i) {
                out.push(b',');
                write_csv_field(&mut out, key);
            }
            let s = outcome.scores.get(i);
            for n in [c.recency_days, c.frequency] {
                out.push(b',');
                out.extend_from_slice(ints.format(n).as_bytes());
            }
            out.push(b',');
            push_f64(&mut out, c.monetary, &mut floats);
            for n in [u32::from(s.r), u32::from(s.f), u32::from(s.m), s.value()] {
                out.push(b',');
                out.extend_from_slice(ints.format(n).as_bytes());
            }
            out.push(b',');
            out.extend_from_slice(&names[segments.index(i)]);
            for date in [c.first_purchase, c.last_purchase] {
                out.push(b',');
                push_date(&mut out, date);
            }
            out.push(b'\n');
        }
        out
    };
    const BLOCK: usize = 1 << 17;
    let n = outcome.features.len();
    let mut start = 0;
    while start < n {
        let mid = (start + BLOCK).min(n);
        let end = (mid + BLOCK).min(n);
        let (a, b) = std::thread::scope(|scope| {
            let second = scope.spawn(|| format(mid..end));
            let first = format(start..mid);
            (first, second.join().expect("formatting does not panic"))
        });
        w.write_all(&a)?;
        w.write_all(&b)?;
        start = end;
    }
    w.flush().with_context(|| path.display().to_string())?;
    Ok(())
}

/// Appends `v` in `Display`'s form (the shortest digits that read back to `v`, no exponent),
/// with ryu for numbers from 1e-5 to 1e16 in magnitude (`1.0` dropping its `.0`): three
/// times faster, and the same text except where two shortest digit strings are equally
/// close to `v`, which needs 17 significant digits (in the unit test's 400,010 numbers from
/// 1e-22 to 1e22: 605 times, all above 1e11): there the last digit may differ, and both
/// read back to `v`.
fn push_f64(out: &mut Vec<u8>, v: f64, buf: &mut ryu::Buffer) {
    let magnitude = v.abs();
    if v.is_finite() && (magnitude == 0.0 || (1e-5..1e16).contains(&magnitude)) {
        let text = buf.format_finite(v);
        out.extend_from_slice(text.strip_suffix(".0").unwrap_or(text).as_bytes());
    } else {
        let _ = write!(out, "{v}");
    }
}

/// Appends a date as `Display` writes it (`2025-03-14`).
fn push_date(out: &mut Vec<u8>, date: chrono::NaiveDate) {
    use chrono::Datelike;
    let (y, m, d) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&y) {
        let _ = write!(out, "{date}");
        return;
    }
    let digit = |n: u32| b'0' + n as u8;
    let y = y as u32;
    out.extend_from_slice(&[
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
        b'-',
        digit(m / 10),
        digit(m % 10),
        b'-',
        digit(d / 10),
        digit(d % 10),
    ]);
}

fn write_rejects_csv(path: &Path, features: &Features) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| path.display().to_string())?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    w.write_record(["row", "field", "reason"])?;
    for r in features.rejects() {
        w.write_record([r.row.to_string(), r.field.to_string(), r.reason.to_string()])?;
    }
    w.flush()?;
    Ok(())
}

fn write_xlsx(
    path: &Path,
    by: &[String],
    outcome: &RfmOutcome,
    segments: &Segments<'_>,
) -> anyhow::Result<()> {
    let f = &outcome.features;
    let mut customers = Table::new(header(by));
    for (i, c) in f.iter().enumerate() {
        let s = outcome.scores.get(i);
        let mut row = vec![Cell::from(c.id)];
        row.extend(f.keys(i).map(Cell::from));
        row.extend([
            Cell::Int(i64::from(c.recency_days)),
            Cell::Int(i64::from(c.frequency)),
            Cell::Float(c.monetary),
            Cell::Int(i64::from(s.r)),
            Cell::Int(i64::from(s.f)),
            Cell::Int(i64::from(s.m)),
            Cell::Int(i64::from(s.value())),
            Cell::from(segments.name(i)),
            Cell::Date(c.first_purchase),
            Cell::Date(c.last_purchase),
        ]);
        customers.push_row(row)?;
    }
    let thresholds = thresholds_table(&outcome.scores);
    let segment_summary = segments_table(outcome, segments);
    let coverage = coverage_table(outcome);
    let mut rejects = Table::new(vec!["row".into(), "field".into(), "reason".into()]);
    for r in f.rejects() {
        rejects.push_row(vec![
            Cell::Int(r.row as i64),
            Cell::from(r.field),
            Cell::String(r.reason.to_string()),
        ])?;
    }
    let mut sheets = vec![
        ("Customers", &customers),
        ("Thresholds", &thresholds),
        ("Segments", &segment_summary),
        ("Coverage", &coverage),
    ];
    if !rejects.is_empty() {
        sheets.push(("Rejects", &rejects));
    }
    let mut xlsx = XlsxWriter::new();
    xlsx.write_tables(&sheets)?;
    xlsx.save(path)?;
    Ok(())
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Float)
}

fn thresholds_table(scores: &Scores) -> Table {
    let cols = ["dimension", "method", "score", "above", "up_to", "customers", "min", "max"];
    let mut t = Table::new(cols.map(String::from).to_vec());
    for th in scores.thresholds() {
        let method = match th.binning {
            Binning::Quantile => "quantile",
            Binning::Ntile => "ntile",
            _ => "cut points",
        };
        for b in &th.bins {
            let _ = t.push_row(vec![
                Cell::from(th.dimension.as_str()),
                Cell::from(method),
                Cell::Int(i64::from(b.score)),
                opt(b.above),
                opt(b.up_to),
                Cell::Int(b.customers as i64),
                opt(b.min),
                opt(b.max),
            ]);
        }
    }
    t
}

fn segments_table(outcome: &RfmOutcome, segments: &Segments<'_>) -> Table {
    let cols = [
        "segment",
        "customers",
        "share",
        "purchases",
        "revenue",
        "average_order_value",
        "median_recency_days",
        "median_frequency",
        "median_monetary",
    ];
    let mut t = Table::new(cols.map(String::from).to_vec());
    for s in segments.summary(&outcome.features) {
        let _ = t.push_row(vec![
            Cell::String(s.segment),
            Cell::Int(s.customers as i64),
            Cell::Float(s.share),
            Cell::Int(s.purchases as i64),
            Cell::Float(s.revenue),
            opt(s.average_order_value),
            opt(s.median_recency_days),
            opt(s.median_frequency),
            opt(s.median_monetary),
        ]);
    }
    t
}

fn coverage_table(outcome: &RfmOutcome) -> Table {
    let cov = outcome.rules.coverage(outcome.scores.bins());
    let cols = ["segment", "cells", "cells_won", "shadowed_by", "note"];
    let mut t = Table::new(cols.map(String::from).to_vec());
    for r in &cov.rules {
        let note = if r.outside {
            "outside the score range"
        } else if r.is_dead() {
            "never matches"
        } else {
            ""
        };
        let _ = t.push_row(vec![
            Cell::from(r.name.as_str()),
            Cell::Int(r.cells as i64),
            Cell::Int(r.won as i64),
            Cell::String(r.shadowed_by.join("; ")),
            Cell::from(note),
        ]);
    }
    let others: Vec<String> = cov.others.iter().map(|s| s.to_string()).collect();
    let _ = t.push_row(vec![
        Cell::from(crm_rfm::OTHERS),
        Cell::Int(others.len() as i64),
        Cell::Int(others.len() as i64),
        Cell::Empty,
        Cell::String(others.join(" ")),
    ]);
    t
}

fn print_summary(args: &RfmArgs, outcome: &RfmOutcome, segments: &Segments<'_>) {
    let f = &outcome.features;
    let u = f.usage();
    eprintln!(
        "read {} rows of {}: {} used, {} after {}, {} returns ignored, {} rejected",
        thousands(u.rows),
        args.input.display(),
        thousands(u.used),
        thousands(u.after_as_of),
        f.as_of(),
        thousands(u.returns_ignored),
        thousands(u.rejected)
    );
    for r in f.rejects().iter().take(5) {
        eprintln!("  rejected: {r}");
    }
    let returns_only = f.returns_only().len();
    if returns_only > 0 {
        eprintln!("  {returns_only} customers with returns only get no scores");
    }
    eprintln!("{} customers scored", thousands(f.len() as u64));
    for s in segments.summary(f) {
        if s.customers > 0 {
            eprintln!(
                "  {:<22} {:>10}  {:>5.1}%",
                s.segment,
                thousands(s.customers as u64),
                100.0 * s.share
            );
        }
    }
    let cov = outcome.rules.coverage(outcome.scores.bins());
    for r in cov.rules.iter().filter(|r| r.is_dead()) {
        eprintln!("  note: rule {:?} never matches with these bins", r.name);
    }
    eprintln!("wrote {}", args.out.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_are_written_as_display_writes_them() {
        let mut buf = ryu::Buffer::new();
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut values = vec![0.0, -0.0, 1.0, 100.0, 0.1, 1e-5, 9.99e-6, 1e16, 9.9e15, 123456.789];
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let exp = (s % 44) as i32 - 22;
            let x = f64::from_bits(s >> 12 | 0x3ff0_0000_0000_0000) - 1.0;
            values.push(x * 10f64.powi(exp) * if s & 1 == 0 { 1.0 } else { -1.0 });
            values.push((s % 100_000_000) as f64 / 100.0);
        }
        let mut same = 0;
        let n = values.len();
        for v in values {
            let mut out = Vec::new();
            push_f64(&mut out, v, &mut buf);
            let text = String::from_utf8(out).unwrap();
            // The same number back, in Display's shape: no exponent, no `.0`.
            assert_eq!(text.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{v:e}: {text}");
            assert!(!text.contains('e') && !text.ends_with(".0"), "{v:e}: {text}");
            assert_eq!(text.len(), v.to_string().len(), "{v:e}: {text}");
            same += usize::from(text == v.to_string());
        }
        // Both are shortest round-trip digits; they differ only where two are equally close
        // (605 of these 400,010 numbers, all above 1e11).
        assert!(same as f64 > 0.998 * n as f64, "{same} of {n}");
        for date in ["0001-01-01", "2025-03-14", "9999-12-31", "1970-01-01"] {
            let date: chrono::NaiveDate = date.parse().unwrap();
            let mut out = Vec::new();
            push_date(&mut out, date);
            assert_eq!(String::from_utf8(out).unwrap(), date.to_string());
        }
    }
}
