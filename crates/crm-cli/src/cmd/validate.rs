//! `crm id validate`: a customer file checked record by record.

use crate::cmd::write_table;
use anyhow::{Context, bail};
use crm_excel::{Aliases, Cell, ReaderBuilder, Table, TableStyle, XlsxWriter};
use crm_idvalidate::{BirthplaceMatcher, Record, RecordValidator, Status};

use crate::args::{FailOn, ValidateArgs};
use crate::cmd::excel::{OutKind, load_passwords, out_kind};
use crate::summary::thousands;

/// What the run found.
#[derive(Debug)]
pub(crate) struct ValidateOutcome {
    pub(crate) records: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) failed: bool,
}

/// The record fields, their flags and the canonical column names that find them by header.
const FIELDS: [(&str, &str); 6] = [
    ("nik", "--nik-col"),
    ("kk", "--kk-col"),
    ("name", "--name-col"),
    ("birthplace", "--birthplace-col"),
    ("birth_date", "--birthdate-col"),
    ("gender", "--gender-col"),
];

pub(crate) fn run(args: &ValidateArgs) -> anyhow::Result<ValidateOutcome> {
    let kind = out_kind(&args.out)?;
    let as_of = crate::cmd::id::as_of(args.as_of.as_deref())?;
    let mut builder = ReaderBuilder::new();
    builder.passwords(load_passwords(&args.passwords)?).infer_types(false);
    if let Some(sheet) = &args.sheet {
        builder.sheet_name(sheet);
    }
    let mut reader = crate::cmd::open(&args.input, &builder)?;
    let headers = reader.headers().to_vec();

    // Columns: named by flag (an unknown name is an error), else found by header alias.
    let given = [
        &args.nik_col,
        &args.kk_col,
        &args.name_col,
        &args.birthplace_col,
        &args.birthdate_col,
        &args.gender_col,
    ];
    let aliases = Aliases::builtin();
    let mut columns: [Option<usize>; 6] = [None; 6];
    for (i, ((canonical, flag), name)) in FIELDS.iter().zip(given).enumerate() {
        columns[i] = match name {
            Some(name) => {
                Some(reader.column_index(name).with_context(|| format!("{flag} {name:?}"))?)
            }
            None => headers.iter().position(|h| aliases.resolve(h) == *canonical),
        };
    }
    if columns.iter().all(Option::is_none) {
        bail!(
            "{}: no NIK, KK, name, birthplace, birth date or gender column found; name one with --nik-col etc. (columns: {})",
            args.input.display(),
            crm_excel::column_list(&headers)
        );
    }

    // Every row is kept; values past the header (ragged rows) go to an `extra` column.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut extras: Vec<String> = Vec::new();
    let mut numbers: Vec<u64> = Vec::new();
    let mut nik_was_number: Vec<bool> = Vec::new();
    for row in reader.rows() {
        let row = row?;
        numbers.push(row.number());
        let nik_cell = columns[0].and_then(|c| row.cells().get(c));
        nik_was_number.push(matches!(nik_cell, Some(Cell::Int(_) | Cell::Float(_))));
        extras.push(
            row.stray_cells()
                .iter()
                .map(|(c, v)| format!("{c}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        );
        rows.push(row.cells().iter().map(|c| c.to_text().into_owned()).collect());
    }
    let records: Vec<Record<'_>> = rows
        .iter()
        .zip(&nik_was_number)
        .map(|(r, &nik_was_number)| {
            let get = |i: usize| columns[i].map(|c| r[c].as_str());
            Record {
                nik: get(0),
                kk: get(1),
                name: get(2),
                birthplace: get(3),
                birth_date: get(4),
                gender: get(5),
                nik_was_number,
            }
        })
        .collect();
    let validator =
        RecordValidator::new(as_of).birthplaces(BirthplaceMatcher::new().threshold(args.threshold));
    let bar = crate::progress::bytes(records.len() as u64, "validating");
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let batch = validator.validate_batch(&records, |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    let n_records = records.len();
    drop(records);

    // The data: input columns, then the verdict columns.
    let mut out_columns = headers.clone();
    let has_extra = extras.iter().any(|e| !e.is_empty());
    if has_extra {
        out_columns.push("extra".into());
    }
    for c in [
        "status",
        "codes",
        "nik_birth_date",
        "nik_gender",
        "birthplace_canonical",
        "birthplace_score",
    ] {
        out_columns.push(c.into());
    }
    let mut data = Table::new(out_columns);
    for ((row, extra), result) in rows.into_iter().zip(extras).zip(&batch.results) {
        let mut cells: Vec<Cell> = row
            .into_iter()
            .map(|t| if t.is_empty() { Cell::Empty } else { Cell::String(t) })
            .collect();
        cells.resize(headers.len(), Cell::Empty);
        if has_extra {
            cells.push(if extra.is_empty() { Cell::Empty } else { Cell::String(extra) });
        }
        let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
        cells.push(Cell::from(result.status.as_str()));
        cells.push(if codes.is_empty() { Cell::Empty } else { Cell::String(codes.join(";")) });
        cells.push(result.nik_birth_date.map_or(Cell::Empty, Cell::Date));
        cells.push(result.nik_gender.map_or(Cell::Empty, |g| Cell::from(g.as_str())));
        let place = result.birthplace.as_ref();
        cells.push(place.and_then(|m| m.place).map_or(Cell::Empty, |p| Cell::from(p.name)));
        cells.push(place.map_or(Cell::Empty, |m| Cell::Float((m.score * 10.0).round() / 10.0)));
        data.push_row(cells)?;
    }
    let count = |s: Status| batch.summary.by_status.get(&s).copied().unwrap_or(0);
    match kind {
        OutKind::Table => write_table(&args.out, &data)?,
        OutKind::Xlsx => {
            // The sheets are filled in parallel: the data sheet is the long one.
            let (summary, errors) = (summary_table(&batch), errors_table(&batch, &numbers));
            let mut xlsx = XlsxWriter::new();
            xlsx.table_style(Some(TableStyle::Medium2));
            xlsx.write_tables(&[("Data", &data), ("Summary", &summary), ("Errors", &errors)])?;
            xlsx.save(&args.out)?;
        }
    }
    if let Some(path) = &args.report {
        let html =
            crm_report::validation(&batch, &args.input.display().to_string(), &as_of.to_string());
        std::fs::write(path, html).with_context(|| path.display().to_string())?;
        eprintln!("wrote {}", path.display());
    }
    let outcome = ValidateOutcome {
        records: n_records,
        errors: count(Status::Error),
        warnings: count(Status::Warning),
        failed: match args.fail_on {
            Some(FailOn::Error) => count(Status::Error) > 0,
            Some(FailOn::Warning) => count(Status::Error) + count(Status::Warning) > 0,
            None => false,
        },
    };
    eprintln!(
        "validated {} records of {}: {} valid, {} warning, {} error",
        thousands(outcome.records as u64),
        args.input.display(),
        thousands(count(Status::Valid) as u64),
        thousands(outcome.warnings as u64),
        thousands(outcome.errors as u64)
    );
    let mut top: Vec<_> = batch.summary.by_code.iter().collect();
    top.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
    for (code, n) in top.iter().take(8) {
        eprintln!("  {:<34} {}", code.as_str(), thousands(**n as u64));
    }
    for f in &batch.batch_findings {
        eprintln!("  batch: {}: {}", f.code, f.message);
    }
    eprintln!("wrote {}", args.out.display());
    Ok(outcome)
}

/// Counts by status, by code, and by field x code.
fn summary_table(batch: &crm_idvalidate::BatchResult) -> Table {
    let mut t =
        Table::new(["section", "field", "code", "severity", "count"].map(String::from).to_vec());
    for (status, n) in &batch.summary.by_status {
        let _ = t.push_row(vec![
            "status".into(),
            Cell::Empty,
            Cell::from(status.as_str()),
            Cell::Empty,
            Cell::Int(*n as i64),
        ]);
    }
    for (code, n) in &batch.summary.by_code {
        let severity = code.severity().to_string();
        let _ = t.push_row(vec![
            "code".into(),
            Cell::Empty,
            Cell::from(code.as_str()),
            Cell::String(severity),
            Cell::Int(*n as i64),
        ]);
    }
    for ((field, code), n) in &batch.summary.by_field_code {
        let row = vec![
            "field x code".into(),
            Cell::from(field.as_str()),
            Cell::from(code.as_str()),
            Cell::String(code.severity().to_string()),
            Cell::Int(*n as i64),
        ];
        let _ = t.push_row(row);
    }
    t
}

/// One row per finding, with the record's row in the input (messages are already masked).
fn errors_table(batch: &crm_idvalidate::BatchResult, numbers: &[u64]) -> Table {
    let mut t =
        Table::new(["row", "field", "code", "severity", "message"].map(String::from).to_vec());
    for (i, r) in batch.results.iter().enumerate() {
        for f in &r.findings {
            let _ = t.push_row(vec![
                Cell::Int(numbers.get(i).copied().unwrap_or(0) as i64),
                Cell::from(f.field.as_str()),
                Cell::from(f.code.as_str()),
                Cell::String(f.severity().to_string()),
                Cell::String(f.message.clone()),
            ]);
        }
    }
    for f in &batch.batch_findings {
        let _ = t.push_row(vec![
            Cell::Empty,
            Cell::from(f.field.as_str()),
            Cell::from(f.code.as_str()),
            Cell::String(f.severity().to_string()),
            Cell::String(f.message.clone()),
        ]);
    }
    t
}
