//! Merging many branch files and sheets into one table with aligned columns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cell::Cell;
use crate::error::{Error, Result};
use crate::header::Aliases;
use crate::reader::{Format, HeaderRow, Passwords, Reader, SheetSelector, Workbook, dedupe_names};
use crate::table::Table;

/// The provenance columns [`Merger`] appends.
pub const SOURCE_COLUMNS: [&str; 3] = ["source_file", "source_sheet", "source_row"];

/// Which sheets of each workbook to merge.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sheets {
    /// The first sheet.
    First,
    /// Every sheet.
    All,
    /// The sheet with this name, in every workbook.
    Named(String),
}

/// Merges branch files (workbooks or CSV) into one [`Table`].
///
/// Headers are aligned by their canonical name through [`Aliases`] (so `No HP`, `NO_HP` and
/// `Handphone` become one `phone` column), columns appear in the order they are first seen,
/// and `source_file`, `source_sheet`, `source_row` record where each row came from.
/// Every input row ends up in the table, among the blank rows, in the rejects, or among the
/// rows above a header row, which are counted ([`SourceReport::rows_above_header`]).
///
/// ```no_run
/// use crm_excel::{Merger, Passwords};
/// let mut passwords = Passwords::new();
/// passwords.add("rahasia");
/// let merged = Merger::new().passwords(passwords).merge(&["bekasi.xlsx", "bogor.xlsx"])?;
/// println!("{} rows, {} rejected", merged.table.len(), merged.report.rejects.len());
/// # Ok::<(), crm_excel::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Merger {
    aliases: Aliases,
    passwords: Passwords,
    header: HeaderRow,
    sheets: Sheets,
    provenance: bool,
    infer_types: bool,
}

impl Default for Merger {
    fn default() -> Merger {
        Merger::new()
    }
}

/// Why a row was not merged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectReason {
    /// The row has values in columns that have no header (a ragged row).
    ValuesWithoutHeader {
        /// The columns holding them (letters for workbooks, field numbers for text).
        columns: Vec<String>,
    },
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::ValuesWithoutHeader { columns } => {
                write!(f, "values in columns without a header: {}", columns.join(", "))
            }
        }
    }
}

/// A row that was not merged, with where it was and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Reject {
    /// The file.
    pub file: PathBuf,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// The 1-based row or line.
    pub row: u64,
    /// Why.
    pub reason: RejectReason,
}

/// What was read from one sheet (or CSV file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceReport {
    /// The file.
    pub file: PathBuf,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// Whether the file was encrypted.
    pub encrypted: bool,
    /// The 1-based header row (`None` with [`HeaderRow::None`]).
    pub header_row: Option<u64>,
    /// Rows above the header row, not read (see [`Reader::rows_above_header`]).
    pub rows_above_header: usize,
    /// Each header as written, with the column it was mapped to.
    pub columns: Vec<(String, String)>,
    /// Data rows merged.
    pub rows: usize,
    /// Rows with no value at all (skipped).
    pub blank_rows: usize,
    /// Rows rejected (see [`MergeReport::rejects`]).
    pub rejected_rows: usize,
    /// Merged columns this source does not have (filled with empty cells).
    pub missing_columns: Vec<String>,
}

/// What [`Merger::merge`] did, source by source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// One entry per sheet or CSV file read, in input order.
    pub sources: Vec<SourceReport>,
    /// The rows not merged, with reasons.
    pub rejects: Vec<Reject>,
}

impl MergeReport {
    /// Total data rows merged.
    pub fn rows(&self) -> usize {
        self.sources.iter().map(|s| s.rows).sum()
    }

    /// Total blank rows skipped.
    pub fn blank_rows(&self) -> usize {
        self.sources.iter().map(|s| s.blank_rows).sum()
    }

    /// Total rows above header rows, not read.
    pub fn rows_above_header(&self) -> usize {
        self.sources.iter().map(|s| s.rows_above_header).sum()
    }
}

/// The merged table and its report.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// The rows, columns aligned, with provenance columns last.
    pub table: Table,
    /// What came from where.
    pub report: MergeReport,
}

/// One source's rows before they are aligned: its report index, the merged column of each of
/// its columns, its rows and their row numbers.
type Part = (usize, Vec<usize>, Vec<Vec<Cell>>, Vec<u64>);

impl Merger {
    /// A merger with the built-in aliases, no passwords, automatic header rows, the first
    /// sheet of each workbook, provenance columns and type inference on.
    pub fn new() -> Merger {
        Merger {
            aliases: Aliases::builtin(),
            passwords: Passwords::new(),
            header: HeaderRow::Auto,
            sheets: Sheets::First,
            provenance: true,
            infer_types: true,
        }
    }

    /// The header aliases. Default: [`Aliases::builtin`].
    #[must_use]
    pub fn aliases(mut self, aliases: Aliases) -> Merger {
        self.aliases = aliases;
        self
    }

    /// Passwords for encrypted workbooks. Default: none.
    #[must_use]
    pub fn passwords(mut self, passwords: Passwords) -> Merger {
        self.passwords = passwords;
        self
    }

    /// Where the header row is. Default: [`HeaderRow::Auto`].
    #[must_use]
    pub fn header_row(mut self, header: HeaderRow) -> Merger {
        self.header = header;
        self
    }

    /// Which sheets to merge. Default: [`Sheets::First`].
    #[must_use]
    pub fn sheets(mut self, sheets: Sheets) -> Merger {
        self.sheets = sheets;
        self
    }

    /// Whether to append `source_file`, `source_sheet` and `source_row`. Default: `true`.
    #[must_use]
    pub fn provenance(mut self, yes: bool) -> Merger {
        self.provenance = yes;
        self
    }

    /// Whether CSV fields are typed with [`Cell::infer`]. Default: `true`.
    #[must_use]
    pub fn infer_types(mut self, yes: bool) -> Merger {
        self.infer_types = yes;
        self
    }

    /// Merges the files, in the order given.
    ///
    /// # Errors
    /// The first file that cannot be opened or read (wrong password, missing sheet, no
    /// header, corrupt file), with its position.
    /// Bad rows are not errors: they are in [`MergeReport::rejects`].
    pub fn merge<P: AsRef<Path>>(&self, paths: &[P]) -> Result<Merged> {
        let mut columns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut parts: Vec<Part> = Vec::new();
        let mut report = MergeReport::default();
        for path in paths {
            let path = path.as_ref();
            let (readers, encrypted) = self.open(path)?;
            for mut reader in readers {
                let canonical: Vec<String> = dedupe_names(
                    reader.headers().iter().map(|h| self.aliases.resolve(h)).collect(),
                );
                let mapping: Vec<usize> = canonical
                    .iter()
                    .map(|name| {
                        *index.entry(name.clone()).or_insert_with(|| {
                            columns.push(name.clone());
                            columns.len() - 1
                        })
                    })
                    .collect();
                let mut source = SourceReport {
                    file: path.to_path_buf(),
                    sheet: reader.position().sheet.clone(),
                    encrypted,
                    header_row: reader.header_row(),
                    rows_above_header: reader.rows_above_header(),
                    columns: reader.headers().iter().cloned().zip(canonical).collect(),
                    rows: 0,
                    blank_rows: 0,
                    rejected_rows: 0,
                    missing_columns: Vec::new(),
                };
                let mut rows = Vec::new();
                let mut numbers = Vec::new();
                for row in reader.rows() {
                    let row = row?;
                    if row.is_blank() {
                        source.blank_rows += 1;
                    } else if !row.stray_cells().is_empty() {
                        source.rejected_rows += 1;
                        report.rejects.push(Reject {
                            file: path.to_path_buf(),
                            sheet: source.sheet.clone(),
                            row: row.number(),
                            reason: RejectReason::ValuesWithoutHeader {
                                columns: row.stray_cells().iter().map(|(c, _)| c.clone()).collect(),
                            },
                        });
                    } else {
                        numbers.push(row.number());
                        rows.push(row.into_cells());
                        source.rows += 1;
                    }
                }
                report.sources.push(source);
                parts.push((report.sources.len() - 1, mapping, rows, numbers));
            }
        }
        for (i, mapping, _, _) in &parts {
            let present: Vec<bool> = {
                let mut p = vec![false; columns.len()];
                for &m in mapping {
                    p[m] = true;
                }
                p
            };
            report.sources[*i].missing_columns =
                columns.iter().zip(present).filter(|(_, p)| !p).map(|(c, _)| c.clone()).collect();
        }
        let width = columns.len();
        let mut all_columns = columns;
        if self.provenance {
            all_columns.extend(SOURCE_COLUMNS.iter().map(|s| (*s).to_owned()));
        }
        let mut table = Table::new(all_columns);
        for (i, mapping, rows, numbers) in parts {
            let source = &report.sources[i];
            let file_name = source.file.file_name().map_or_else(
                || source.file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            for (cells, number) in rows.into_iter().zip(numbers) {
                let mut out = vec![Cell::Empty; width];
                for (cell, &m) in cells.into_iter().zip(&mapping) {
                    out[m] = cell;
                }
                if self.provenance {
                    out.push(Cell::String(file_name.clone()));
                    out.push(source.sheet.clone().map_or(Cell::Empty, Cell::String));
                    out.push(Cell::Int(number as i64));
                }
                table.push_row(out)?;
            }
        }
        Ok(Merged { table, report })
    }

    /// Opens the sheets of one file to merge.
    fn open(&self, path: &Path) -> Result<(Vec<Reader>, bool)> {
        if Format::from_path(path) == Some(Format::Csv) {
            let mut builder = crate::ReaderBuilder::new();
            builder.header_row(self.header).infer_types(self.infer_types);
            return Ok((vec![builder.from_path(path)?], false));
        }
        let mut book = Workbook::open(path, &self.passwords)?;
        let selectors: Vec<SheetSelector> = match &self.sheets {
            Sheets::First => vec![SheetSelector::Index(0)],
            Sheets::All => (0..book.sheet_names().len()).map(SheetSelector::Index).collect(),
            Sheets::Named(name) => vec![SheetSelector::Name(name.clone())],
        };
        let encrypted = book.was_encrypted();
        let mut readers = Vec::with_capacity(selectors.len());
        for selector in &selectors {
            match book.sheet(selector, self.header) {
                Ok(r) => readers.push(r),
                // An empty extra sheet (notes, a blank "Sheet2") has no header: skip it when
                // merging every sheet, but not when the user named it.
                Err(e)
                    if self.sheets == Sheets::All
                        && matches!(e.kind(), crate::ErrorKind::NoHeader { scanned: 0 }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok((readers, encrypted))
    }
}

/// The readable files among `paths`: files as given, and for folders the files in them (not
/// recursive) with a workbook or text extension, sorted by name; Excel's `~$` lock files are
/// skipped.
///
/// # Errors
/// I/O errors naming the path (a path that does not exist, an unreadable folder).
pub fn collect_inputs<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::from(e).in_file(path))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in std::fs::read_dir(path).map_err(|e| Error::from(e).in_file(path))? {
                let p = entry.map_err(|e| Error::from(e).in_file(path))?.path();
                let lock =
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("~$"));
                if p.is_file() && !lock && Format::from_path(&p).is_some() {
                    found.push(p);
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(path.to_path_buf());
        }
    }
    Ok(out)
}
