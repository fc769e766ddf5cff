//! Merging many branch files and sheets into one table with aligned columns, then filtering
//! and de-duplicating it with every row accounted for, source by source.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::cell::Cell;
use crate::dedup::{Dedup, DedupReport, Origin};
use crate::error::{Error, ErrorKind, Result};
use crate::header::Aliases;
use crate::reader::{Format, HeaderRow, Passwords, Reader, SheetSelector, Workbook, dedupe_names};
use crate::table::{Filter, Table};

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

/// A file to merge, and the name its rows are known by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Its name in the `source_file` column and the [`MergeReport`], unique among the inputs
    /// of one merge: `jakarta/leads.xlsx` for a file found in the folder `jakarta`, the file
    /// name for a file given by itself (see [`collect_inputs`]).
    pub name: String,
}

impl Input {
    /// A file named by its file name.
    pub fn new(path: impl AsRef<Path>) -> Input {
        let path = path.as_ref();
        Input { path: path.to_path_buf(), name: file_name(path) }
    }
}

/// The last part of a path, or the whole path when it has none.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Merges branch files (workbooks or CSV) into one [`Table`], then optionally rewrites phone
/// numbers, filters and de-duplicates it, counting every row against its source.
///
/// Headers are aligned by their canonical name through [`Aliases`] (so `No HP`, `NO_HP` and
/// `Handphone` become one `phone` column), columns appear in the order they are first seen,
/// and `source_file`, `source_sheet`, `source_row` record where each row came from.
/// Every input row is counted once in its [`SourceReport`]: above the header row, blank,
/// rejected, filtered out, dropped as a duplicate (charged to the source of the dropped row),
/// or kept; the kept rows are the table.
///
/// ```no_run
/// use crm_excel::{Dedup, Keep, Merger, Passwords, collect_inputs};
/// let mut passwords = Passwords::new();
/// passwords.add("rahasia");
/// let inputs = collect_inputs(&["jakarta", "bandung"])?;
/// let merged = Merger::new()
///     .passwords(passwords)
///     .filter("plafon >= 10000000".parse()?)
///     .dedup(Dedup::new(Keep::First).key_auto("phone"))
///     .merge_inputs(&inputs)?;
/// for source in &merged.report.sources {
///     println!("{}: {} kept of {}", source.name, source.rows_kept, source.rows_read());
/// }
/// assert_eq!(merged.report.rows_kept(), merged.table.len());
/// # Ok::<(), crm_excel::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Merger {
    opener: Option<Opener>,
    aliases: Aliases,
    passwords: Passwords,
    header: HeaderRow,
    sheets: Sheets,
    provenance: bool,
    infer_types: bool,
    phone_columns: Vec<String>,
    filters: Vec<Filter>,
    dedup: Option<Dedup>,
}

impl Default for Merger {
    fn default() -> Merger {
        Merger::new()
    }
}

/// Why a row was not merged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reject {
    /// The file.
    pub file: PathBuf,
    /// The name of its source ([`Input::name`]).
    pub source: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// The 1-based row or line.
    pub row: u64,
    /// Why.
    pub reason: RejectReason,
}

/// What was read from one sheet (or CSV file), and what became of its rows.
///
/// The rows below the header are `blank_rows + rejected_rows + rows` ([`rows_read`]), and
/// `rows = filtered_out + duplicates_removed + rows_kept`.
///
/// [`rows_read`]: SourceReport::rows_read
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SourceReport {
    /// The file.
    pub file: PathBuf,
    /// The name of the source ([`Input::name`]), as in the `source_file` column.
    pub name: String,
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
    /// Data rows read (neither blank nor rejected), before filtering and de-duplication.
    pub rows: usize,
    /// Rows with no value at all (skipped).
    pub blank_rows: usize,
    /// Rows rejected (see [`MergeReport::rejects`]).
    pub rejected_rows: usize,
    /// Data rows removed by the filters ([`Merger::filter`]).
    pub filtered_out: usize,
    /// Data rows dropped as duplicates of another row ([`Merger::dedup`]).
    pub duplicates_removed: usize,
    /// Data rows in the merged table.
    pub rows_kept: usize,
    /// Merged columns this source does not have (filled with empty cells).
    pub missing_columns: Vec<String>,
}

impl SourceReport {
    /// The rows below the header row: blank, rejected and data rows.
    pub fn rows_read(&self) -> usize {
        self.blank_rows + self.rejected_rows + self.rows
    }
}

/// What [`Merger::merge`] did, source by source.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MergeReport {
    /// One entry per sheet or CSV file read, in input order.
    pub sources: Vec<SourceReport>,
    /// The rows not merged, with reasons.
    pub rejects: Vec<Reject>,
    /// Phone numbers rewritten by [`Merger::normalize_phone`].
    pub phones_normalized: usize,
    /// Per filter, in the order given to [`Merger::filter`]: rows it removed because it
    /// could not compare their cell (text that is not a number under `plafon >= 10000000`;
    /// see [`Filter::evaluate`]). They are part of the sources' `filtered_out`.
    pub not_comparable: Vec<u64>,
    /// The duplicates dropped by [`Merger::dedup`], with the origin of both rows (the row
    /// indices are into the table as it was before they were dropped).
    pub dedup: DedupReport,
}

impl MergeReport {
    /// Total data rows read, before filtering and de-duplication.
    pub fn rows(&self) -> usize {
        self.sources.iter().map(|s| s.rows).sum()
    }

    /// Total rows below header rows (see [`SourceReport::rows_read`]).
    pub fn rows_read(&self) -> usize {
        self.sources.iter().map(SourceReport::rows_read).sum()
    }

    /// Total rows filtered out.
    pub fn filtered_out(&self) -> usize {
        self.sources.iter().map(|s| s.filtered_out).sum()
    }

    /// Total duplicates dropped.
    pub fn duplicates_removed(&self) -> usize {
        self.sources.iter().map(|s| s.duplicates_removed).sum()
    }

    /// Total rows kept: the rows of the merged table.
    pub fn rows_kept(&self) -> usize {
        self.sources.iter().map(|s| s.rows_kept).sum()
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

/// A function that opens the inputs of a format crm-excel does not read ([`Merger::opener`]).
type OpenFn = dyn Fn(&Path) -> Option<Result<Reader>> + Send + Sync;

#[derive(Clone)]
struct Opener(std::sync::Arc<OpenFn>);

impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Opener(..)")
    }
}

impl Merger {
    /// A merger with the built-in aliases, no passwords, automatic header rows, the first
    /// sheet of each workbook, provenance columns and type inference on.
    pub fn new() -> Merger {
        Merger {
            opener: None,
            aliases: Aliases::builtin(),
            passwords: Passwords::new(),
            header: HeaderRow::Auto,
            sheets: Sheets::First,
            provenance: true,
            infer_types: true,
            phone_columns: Vec::new(),
            filters: Vec::new(),
            dedup: None,
        }
    }

    /// Opens the inputs crm-excel cannot: `open` is asked first for every input and returns
    /// `None` for those it leaves to crm-excel (crm-arrow passes its Parquet reader here, so
    /// `crm excel merge` merges `.parquet` files too, without crm-excel depending on Arrow).
    /// The reader it returns is merged like a CSV file's: its rows keep their numbers.
    ///
    /// ```
    /// use crm_excel::{Cell, Merger, Reader, Row};
    /// let merger = Merger::new().opener(|path| {
    ///     let is_memory = path.extension().is_some_and(|e| e == "mem");
    ///     is_memory.then(|| {
    ///         let rows = vec![Ok(Row::new(1, vec![Cell::from("Budi")]))];
    ///         Ok(Reader::from_rows(vec!["Nama".into()], rows).with_file(path))
    ///     })
    /// });
    /// let merged = merger.merge(&["branch.mem"])?;
    /// assert_eq!(merged.table.rows()[0][0], Cell::from("Budi"));
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    #[must_use]
    pub fn opener<F>(mut self, open: F) -> Merger
    where
        F: Fn(&Path) -> Option<Result<Reader>> + Send + Sync + 'static,
    {
        self.opener = Some(Opener(std::sync::Arc::new(open)));
        self
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

    /// Rewrites a merged column's phone numbers as `08...` text (see
    /// [`Table::normalize_phones`]) before filtering and de-duplicating; repeatable.
    /// Default: none.
    #[must_use]
    pub fn normalize_phone(mut self, column: &str) -> Merger {
        self.phone_columns.push(column.to_owned());
        self
    }

    /// Keeps only the rows matching this filter (all filters must match); repeatable.
    /// Filters run before de-duplication, so a duplicate that passes them is kept over one
    /// that does not. Default: none.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Merger {
        self.filters.push(filter);
        self
    }

    /// Drops duplicate rows (after filtering), charging each to the source of the row
    /// dropped. Default: none.
    #[must_use]
    pub fn dedup(mut self, dedup: Dedup) -> Merger {
        self.dedup = Some(dedup);
        self
    }

    /// Merges the files, in the order given, each named by its file name ([`Input::new`];
    /// names that repeat become the path as given, then get ` (2)`, ` (3)`, ...).
    ///
    /// # Errors
    /// As [`Merger::merge_inputs`].
    pub fn merge<P: AsRef<Path>>(&self, paths: &[P]) -> Result<Merged> {
        let inputs: Vec<Input> = paths.iter().map(Input::new).collect();
        self.merge_inputs(&unique_names(inputs))
    }

    /// Merges the inputs, in the order given.
    ///
    /// # Errors
    /// The first file that cannot be opened or read (wrong password, missing sheet, no
    /// header, corrupt file), with its position; a column that a phone rewrite, a filter or
    /// the de-duplication names and the merged table lacks
    /// ([`ErrorKind::MissingColumn`]); two inputs of the same name
    /// ([`ErrorKind::InvalidParameter`]).
    /// Bad rows are not errors: they are in [`MergeReport::rejects`].
    pub fn merge_inputs(&self, inputs: &[Input]) -> Result<Merged> {
        let mut names: HashSet<&str> = HashSet::new();
        for input in inputs {
            if !names.insert(&input.name) {
                return Err(ErrorKind::InvalidParameter {
                    name: "inputs",
                    reason: format!("two inputs are named {:?}", input.name),
                }
                .into());
            }
        }
        let mut columns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut parts: Vec<Part> = Vec::new();
        let mut report = MergeReport::default();
        for input in inputs {
            let path = input.path.as_path();
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
                    name: input.name.clone(),
                    sheet: reader.position().sheet.clone(),
                    encrypted,
                    header_row: reader.header_row(),
                    rows_above_header: reader.rows_above_header(),
                    columns: reader.headers().iter().cloned().zip(canonical).collect(),
                    rows: 0,
                    blank_rows: 0,
                    rejected_rows: 0,
                    filtered_out: 0,
                    duplicates_removed: 0,
                    rows_kept: 0,
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
                            source: input.name.clone(),
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
        // The source (index into `report.sources`) and row number of each table row, kept
        // beside the table so rows are accounted for even without provenance columns.
        let mut origins: Vec<(usize, u64)> = Vec::new();
        for (i, mapping, rows, numbers) in parts {
            let source = &report.sources[i];
            for (cells, number) in rows.into_iter().zip(numbers) {
                let mut out = vec![Cell::Empty; width];
                for (cell, &m) in cells.into_iter().zip(&mapping) {
                    out[m] = cell;
                }
                if self.provenance {
                    out.push(Cell::String(source.name.clone()));
                    out.push(source.sheet.clone().map_or(Cell::Empty, Cell::String));
                    out.push(Cell::Int(number as i64));
                }
                table.push_row(out)?;
                origins.push((i, number));
            }
        }
        for column in &self.phone_columns {
            report.phones_normalized += table.normalize_phones(column)?;
        }
        if !self.filters.is_empty() {
            let bound: Vec<(usize, &Filter)> = self
                .filters
                .iter()
                .map(|f| Ok((table.column_index(f.column())?, f)))
                .collect::<Result<_>>()?;
            let mut passed = Vec::with_capacity(table.len());
            let mut not_comparable = vec![0u64; bound.len()];
            table.retain(|row| {
                let mut keep = true;
                for (k, (c, f)) in bound.iter().enumerate() {
                    match f.evaluate(&row[*c]) {
                        Some(true) => continue,
                        Some(false) => {}
                        None => not_comparable[k] += 1,
                    }
                    keep = false;
                    break;
                }
                passed.push(keep);
                keep
            });
            report.not_comparable = not_comparable;
            let mut passed = passed.into_iter();
            origins.retain(|&(i, _)| {
                let keep = passed.next().unwrap_or(true);
                if !keep {
                    report.sources[i].filtered_out += 1;
                }
                keep
            });
        }
        if let Some(dedup) = &self.dedup {
            let origin = |row_idx: usize| {
                let (i, row) = origins[row_idx];
                let source = &report.sources[i];
                Some(Origin { source: source.name.clone(), sheet: source.sheet.clone(), row })
            };
            let found = dedup.find_with(&table, origin)?;
            let mut dropped = vec![false; table.len()];
            for d in &found.duplicates {
                dropped[d.dropped_row_idx] = true;
                report.sources[origins[d.dropped_row_idx].0].duplicates_removed += 1;
            }
            table.remove_rows(found.duplicates.iter().map(|d| d.dropped_row_idx));
            let mut dropped = dropped.into_iter();
            origins.retain(|_| !dropped.next().unwrap_or(false));
            report.dedup = found;
        }
        for &(i, _) in &origins {
            report.sources[i].rows_kept += 1;
        }
        Ok(Merged { table, report })
    }

    /// Opens the sheets of one file to merge.
    fn open(&self, path: &Path) -> Result<(Vec<Reader>, bool)> {
        if let Some(opened) = self.opener.as_ref().and_then(|o| (o.0)(path)) {
            return Ok((vec![opened?], false));
        }
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

/// The readable files among `paths`, with their names: files as given, named by their file
/// name, and for folders the files in them (not recursive) with a workbook or text
/// extension, sorted by name and named `folder/file` by the folder's own name
/// (`jakarta/leads.xlsx` for `leads.xlsx` in `data/jakarta/`); Excel's `~$` lock files are
/// skipped.
///
/// Names are unique: when two inputs would share one (two folders called `jakarta`, the
/// same file name given twice in different folders), each of them is named by its path as
/// given instead, and a name that still repeats gets ` (2)`, ` (3)`, ...
///
/// # Errors
/// I/O errors naming the path (a path that does not exist, an unreadable folder).
pub fn collect_inputs<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::from(e).in_file(path))?;
        if meta.is_dir() {
            // `.` and `..` have no name of their own: use the folder's real name.
            let folder = match path.file_name() {
                Some(name) => name.to_string_lossy().into_owned(),
                None => std::fs::canonicalize(path)
                    .map_or_else(|_| path.display().to_string(), |p| file_name(&p)),
            };
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
            out.extend(found.into_iter().map(|p| {
                let name = format!("{folder}/{}", file_name(&p));
                Input { path: p, name }
            }));
        } else {
            out.push(Input::new(path));
        }
    }
    Ok(unique_names(out))
}

/// Makes the names of `inputs` unique (see [`collect_inputs`]).
fn unique_names(mut inputs: Vec<Input>) -> Vec<Input> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for input in &inputs {
        *counts.entry(input.name.clone()).or_default() += 1;
    }
    for input in &mut inputs {
        if counts[&input.name] > 1 {
            input.name = input.path.display().to_string();
        }
    }
    let mut taken: HashSet<String> = HashSet::new();
    for input in &mut inputs {
        let mut name = input.name.clone();
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = format!("{} ({n})", input.name);
        }
        input.name = name;
    }
    inputs
}
