//! The subcommands.

pub(crate) mod campaign;
pub(crate) mod excel;
pub(crate) mod id;
pub(crate) mod leads;
pub(crate) mod mail;
pub(crate) mod rfm;
pub(crate) mod segment;
pub(crate) mod txt;
pub(crate) mod validate;

/// How CSV outputs treat formula-like text: set once from `--raw-csv` before a command runs.
static CSV_FORMULAS: std::sync::OnceLock<crm_excel::CsvFormulas> = std::sync::OnceLock::new();

/// Sets how CSV outputs treat formula-like text (`--raw-csv`).
pub(crate) fn set_csv_formulas(raw: bool) {
    let formulas =
        if raw { crm_excel::CsvFormulas::Raw } else { crm_excel::CsvFormulas::Neutralize };
    let _ = CSV_FORMULAS.set(formulas);
}

/// The CSV formula policy of this run.
pub(crate) fn csv_formulas() -> crm_excel::CsvFormulas {
    CSV_FORMULAS.get().copied().unwrap_or_default()
}

/// Writes a table as CSV with this run's formula policy.
pub(crate) fn write_csv<W: std::io::Write>(
    table: &crm_excel::Table,
    wtr: W,
) -> crm_excel::Result<()> {
    crm_excel::write_csv_with(table, wtr, csv_formulas())
}

/// crm-arrow's write options with this run's formula policy.
pub(crate) fn write_options() -> crm_arrow::WriteOptions {
    crm_arrow::WriteOptions::new().csv_formulas(csv_formulas())
}

/// Writes one table by the path's extension (`.csv`, `.parquet`, `.xlsx`, `-`).
pub(crate) fn write_table(path: &std::path::Path, table: &crm_excel::Table) -> anyhow::Result<()> {
    crm_arrow::write_table(path, table, &write_options())?;
    Ok(())
}

/// Opens any input by its extension (`.csv`, workbooks, `.parquet`, `-` for CSV on stdin),
/// with the hint for a sheet whose header row was not found.
pub(crate) fn open(
    path: &std::path::Path,
    builder: &crm_excel::ReaderBuilder,
) -> anyhow::Result<crm_excel::Reader> {
    match crm_arrow::open(path, builder) {
        Ok(reader) => Ok(reader),
        Err(crm_arrow::Error::Excel(e)) => Err(excel::with_header_hint(e)),
        Err(e) => Err(e.into()),
    }
}
