//! An in-memory table of typed cells, and filtering it by simple predicates.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::cell::Cell;
use crate::error::{Error, ErrorKind, Result};
use crate::reader::{Reader, column_index};

/// Named columns and rows of [`Cell`]s; every row has one cell per column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<String>) -> Table {
        Table { columns, rows: Vec::new() }
    }

    /// Reads the remaining rows of a reader. Non-empty cells outside the header's columns are
    /// an error here; [`Merger`](crate::Merger) reports such rows as rejects instead.
    ///
    /// # Errors
    /// The reader's errors, and [`ErrorKind::InvalidParameter`] for a ragged row.
    pub fn from_reader(reader: &mut Reader) -> Result<Table> {
        let mut table = Table::new(reader.headers().to_vec());
        for row in reader.rows() {
            let row = row?;
            if let Some((column, _)) = row.stray_cells().first() {
                return Err(Error::new(ErrorKind::InvalidParameter {
                    name: "row",
                    reason: "it has a value in a column without a header".into(),
                })
                .at_row(row.number())
                .at_column(column));
            }
            table.rows.push(row.into_cells());
        }
        Ok(table)
    }

    /// The column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }

    /// Consumes the table and returns its rows.
    pub fn into_rows(self) -> Vec<Vec<Cell>> {
        self.rows
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Appends a row; a shorter row is padded with empty cells.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`] when the row has more cells than the table has columns.
    pub fn push_row(&mut self, mut row: Vec<Cell>) -> Result<()> {
        if row.len() > self.columns.len() {
            return Err(ErrorKind::InvalidParameter {
                name: "row",
                reason: format!("{} cells for {} columns", row.len(), self.columns.len()),
            }
            .into());
        }
        row.resize(self.columns.len(), Cell::Empty);
        self.rows.push(row);
        Ok(())
    }

    /// Adds a column filled with `fill`, returning its index; an existing column of that name
    /// is reused.
    pub fn add_column(&mut self, name: &str, fill: Cell) -> usize {
        if let Some(i) = self.columns.iter().position(|c| c == name) {
            return i;
        }
        self.columns.push(name.to_owned());
        for row in &mut self.rows {
            row.push(fill.clone());
        }
        self.columns.len() - 1
    }

    /// The index of a column by name (exact, then normalised).
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumn`] listing the columns.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        column_index(&self.columns, name)
    }

    /// Keeps the rows for which `keep` returns `true` and returns how many were removed.
    pub fn retain(&mut self, mut keep: impl FnMut(&[Cell]) -> bool) -> usize {
        let before = self.rows.len();
        self.rows.retain(|r| keep(r));
        before - self.rows.len()
    }

    /// Rewrites a column's phone numbers in their national form
    /// ([`crm_core::normalize_phone`]: `+62 812-3456-7890` → `081234567890`), as text so
    /// the leading zero stays; returns how many cells changed. Cells that are not phone
    /// numbers (letters, a wrong length) are left as they are.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumn`] when the column is not in the table.
    pub fn normalize_phones(&mut self, column: &str) -> Result<usize> {
        let col = self.column_index(column)?;
        let mut changed = 0;
        for row in &mut self.rows {
            let cell = &mut row[col];
            if cell.is_empty() {
                continue;
            }
            let Some(phone) = crm_core::normalize_phone(&cell.to_text()) else { continue };
            let new = Cell::String(phone);
            if *cell != new {
                *cell = new;
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Removes the rows at these indices (any order, repeats ignored) and returns how many
    /// were removed; indices past the end are ignored.
    pub fn remove_rows(&mut self, indices: impl IntoIterator<Item = usize>) -> usize {
        let mut drop = vec![false; self.rows.len()];
        for i in indices {
            if let Some(d) = drop.get_mut(i) {
                *d = true;
            }
        }
        let mut i = 0;
        self.retain(|_| {
            i += 1;
            !drop[i - 1]
        })
    }

    /// Keeps the rows that match every filter and returns how many were removed.
    ///
    /// A row that a filter cannot compare (text that is not a number under `plafon >=
    /// 10000000`) does not match, and is counted in [`FilterReport::not_comparable`] for
    /// the first filter it could not pass, so the caller can report it.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumn`] when a filter names a column the table does not have.
    ///
    /// ```
    /// use crm_excel::{Cell, Filter, Table};
    /// let mut t = Table::new(vec!["branch".into(), "plafon".into()]);
    /// t.push_row(vec!["Bekasi".into(), Cell::Int(5_000_000)])?;
    /// t.push_row(vec!["Bogor".into(), Cell::Int(20_000_000)])?;
    /// t.push_row(vec!["Depok".into(), "Rp 12.500.000".into()])?;
    /// t.push_row(vec!["Bandung".into(), "abc".into()])?;
    /// let report = t.filter(&["plafon >= 10000000".parse::<Filter>()?])?;
    /// assert_eq!((report.removed, t.len()), (2, 2));
    /// assert_eq!(report.not_comparable, [1]); // "abc" is not a number
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    pub fn filter(&mut self, filters: &[Filter]) -> Result<FilterReport> {
        let bound: Vec<(usize, &Filter)> = filters
            .iter()
            .map(|f| Ok((self.column_index(&f.column)?, f)))
            .collect::<Result<_>>()?;
        let mut not_comparable = vec![0u64; filters.len()];
        let removed = self.retain(|row| {
            for (k, (i, f)) in bound.iter().enumerate() {
                match f.evaluate(&row[*i]) {
                    Some(true) => {}
                    Some(false) => return false,
                    None => {
                        not_comparable[k] += 1;
                        return false;
                    }
                }
            }
            true
        });
        Ok(FilterReport { removed, not_comparable })
    }
}

/// What [`Table::filter`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FilterReport {
    /// Rows removed (not matching, including the ones counted in `not_comparable`).
    pub removed: usize,
    /// Per filter, in the order given: removed rows whose cell it could not compare (not a
    /// number where the filter compares numbers, not a date where it compares dates).
    pub not_comparable: Vec<u64>,
}

/// A comparison in a [`Filter`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Op {
    /// `=`: equal (numbers numerically, dates as dates, text case-insensitively, trimmed).
    Eq,
    /// `!=`: not equal.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `~`: the text contains the value, case-insensitively.
    Contains,
    /// `!~`: the text does not contain the value.
    NotContains,
    /// `in a|b|c`: equal to one of the values.
    In(Vec<String>),
    /// `is empty`.
    IsEmpty,
    /// `is not empty`.
    NotEmpty,
}

/// A predicate on one column, parsed from text such as `plafon >= 10000000`,
/// `branch in Bekasi|Bogor`, `status != closed`, `name ~ budi`, `email is not empty`.
///
/// Values may be quoted with `"` or `'`; the column may be any header spelling that
/// normalises to the column's name.
///
/// `>`, `>=`, `<` and `<=` compare numbers or dates, never text: their value must be a
/// number or a date in crm-core's forms (`10000000`, `Rp 10.000.000`, `12,5`,
/// `31/01/2024`). A cell is read the same way (text `15.000.000` is fifteen million), and a
/// cell that is not a number (or not a date) does not match: [`Filter::evaluate`] says it
/// could not compare it. `=` and `!=` compare numbers numerically when both sides are
/// numbers, dates as dates, and anything else as trimmed, case-insensitive text.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    column: String,
    op: Op,
    value: String,
    operand: Operand,
}

/// The filter value, read once as a number and as a date: `20240131` is both, and which
/// one applies depends on the cell (a date cell compares it as a date).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Operand {
    number: Option<f64>,
    date: Option<chrono::NaiveDate>,
}

impl Operand {
    fn read(value: &str) -> Operand {
        Operand {
            number: crm_core::parse_amount(value).ok(),
            date: crm_core::parse_date(value).map(Into::into),
        }
    }

    /// Neither a number nor a date: only text comparisons apply.
    fn is_text(self) -> bool {
        self.number.is_none() && self.date.is_none()
    }
}

/// Operators in the order they are searched for (longer first).
type MakeOp = fn(&str) -> Op;

const OPS: &[(&str, MakeOp)] = &[
    (" is not empty", |_| Op::NotEmpty),
    (" is empty", |_| Op::IsEmpty),
    (" in ", |v| Op::In(v.split('|').map(|s| s.trim().to_owned()).collect())),
    ("!=", |_| Op::Ne),
    (">=", |_| Op::Ge),
    ("<=", |_| Op::Le),
    ("!~", |_| Op::NotContains),
    ("=", |_| Op::Eq),
    (">", |_| Op::Gt),
    ("<", |_| Op::Lt),
    ("~", |_| Op::Contains),
];

impl FromStr for Filter {
    type Err = Error;

    fn from_str(expr: &str) -> Result<Filter> {
        let invalid =
            |reason| -> Error { ErrorKind::InvalidFilter { expr: expr.to_owned(), reason }.into() };
        let lower = expr.to_ascii_lowercase();
        let (at, token, make) = OPS
            .iter()
            .filter_map(|(tok, make)| lower.find(tok).map(|at| (at, *tok, make)))
            .min_by_key(|(at, tok, _)| (*at, std::cmp::Reverse(tok.len())))
            .ok_or_else(|| {
                invalid("no operator (=, !=, >, >=, <, <=, ~, !~, in, is empty, is not empty)")
            })?;
        let column = expr[..at].trim();
        let raw_value = expr[at + token.len()..].trim();
        if column.is_empty() {
            return Err(invalid("no column before the operator"));
        }
        let value = unquote(raw_value);
        let op = make(value);
        let needs_value = !matches!(op, Op::IsEmpty | Op::NotEmpty);
        if needs_value && value.is_empty() && raw_value.is_empty() {
            return Err(invalid("no value after the operator (quote \"\" to compare with empty)"));
        }
        // `plafon >== 10` or `plafon => 10`: a second operator where the value starts.
        if needs_value
            && !matches!(op, Op::In(_))
            && raw_value.starts_with(['=', '<', '>', '!', '~'])
        {
            return Err(invalid(
                "malformed operator (use =, !=, >, >=, <, <=, ~, !~; quote a value starting with one)",
            ));
        }
        let operand = Operand::read(value);
        let ordering = matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le);
        if ordering && operand.is_text() {
            return Err(invalid(
                "> >= < <= compare numbers or dates; the value is neither (use = or ~ for text)",
            ));
        }
        Ok(Filter { column: column.to_owned(), op, value: value.to_owned(), operand })
    }
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

impl Filter {
    /// The column the filter tests.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The comparison.
    pub fn op(&self) -> &Op {
        &self.op
    }

    /// Whether a cell satisfies the filter: [`evaluate`](Self::evaluate) is `Some(true)`.
    pub fn matches(&self, cell: &Cell) -> bool {
        self.evaluate(cell) == Some(true)
    }

    /// Whether a cell satisfies the filter, or `None` when an ordering filter (`>`, `>=`,
    /// `<`, `<=`) cannot compare it: a non-empty cell that is not a number (for a numeric
    /// value) or not a date (for a date value). Empty cells are `Some(false)` for
    /// orderings.
    ///
    /// ```
    /// use crm_excel::{Cell, Filter};
    /// let f: Filter = "plafon >= 10000000".parse()?;
    /// assert_eq!(f.evaluate(&Cell::Int(12_000_000)), Some(true));
    /// assert_eq!(f.evaluate(&"15.000.000".into()), Some(true));
    /// assert_eq!(f.evaluate(&"12,5".into()), Some(false));
    /// assert_eq!(f.evaluate(&"abc".into()), None);
    /// assert_eq!(f.evaluate(&Cell::Empty), Some(false));
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    pub fn evaluate(&self, cell: &Cell) -> Option<bool> {
        let order = |want: fn(Ordering) -> bool| -> Option<bool> {
            if cell.is_empty() {
                return Some(false);
            }
            ordered(cell, self.operand).map(want)
        };
        Some(match &self.op {
            Op::IsEmpty => cell.is_empty(),
            Op::NotEmpty => !cell.is_empty(),
            Op::Eq => equals(cell, &self.value, self.operand),
            Op::Ne => !equals(cell, &self.value, self.operand),
            Op::Gt => return order(Ordering::is_gt),
            Op::Ge => return order(Ordering::is_ge),
            Op::Lt => return order(Ordering::is_lt),
            Op::Le => return order(Ordering::is_le),
            Op::Contains => contains(cell, &self.value),
            Op::NotContains => !contains(cell, &self.value),
            Op::In(values) => values.iter().any(|v| equals(cell, v, Operand::read(v))),
        })
    }
}

/// A cell as a number, read from text the way branch files write numbers. Text that is an
/// identifier by [`Cell::infer`]'s rule (digits only, with a leading zero or more than 15 of
/// them: a phone number, a NIK, a code such as `007`) is not a number: a NIK compared as an
/// f64 would equal its neighbour.
fn cell_number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Int(i) => Some(*i as f64),
        Cell::Float(f) => Some(*f),
        Cell::String(s) => {
            let t = s.trim();
            let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            if digits && ((t.len() > 1 && t.starts_with('0')) || t.len() > 15) {
                return None;
            }
            crm_core::parse_amount(t).ok()
        }
        _ => None,
    }
}

/// The cell against a numeric or date operand; `None` when the cell is not of its kind.
fn ordered(cell: &Cell, operand: Operand) -> Option<Ordering> {
    if let Cell::Date(_) | Cell::DateTime(_) = cell {
        return Some(cell.as_date()?.cmp(&operand.date?));
    }
    if let Some(b) = operand.number
        && let Some(a) = cell_number(cell)
    {
        return a.partial_cmp(&b);
    }
    Some(cell.as_date()?.cmp(&operand.date?))
}

/// Equality: numerically or as dates when both sides are, else as trimmed,
/// case-insensitive text. An empty cell equals only an empty value.
fn equals(cell: &Cell, value: &str, operand: Operand) -> bool {
    if cell.is_empty() {
        return value.trim().is_empty();
    }
    if let Some(o) = ordered(cell, operand) {
        return o == Ordering::Equal;
    }
    if let Cell::Bool(b) = cell {
        let v = value.trim().to_ascii_lowercase();
        if matches!(v.as_str(), "true" | "false") {
            return *b == (v == "true");
        }
    }
    cell.to_text().trim().to_lowercase() == value.trim().to_lowercase()
}

fn contains(cell: &Cell, value: &str) -> bool {
    cell.to_text().to_lowercase().contains(&value.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(expr: &str) -> Filter {
        expr.parse().unwrap()
    }

    macro_rules! matches_cell {
        ($name:ident, $expr:expr, $cell:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(f($expr).matches(&$cell), $expected);
            }
        };
    }

    matches_cell!(eq_number, "plafon = 5000000", Cell::Int(5_000_000), true);
    matches_cell!(eq_text_case_insensitive, "branch = bekasi", Cell::from("BEKASI "), true);
    matches_cell!(ne_text, "status != closed", Cell::from("open"), true);
    matches_cell!(ge_number, "plafon >= 10", Cell::Float(10.0), true);
    matches_cell!(lt_number, "plafon < 10", Cell::Int(11), false);
    matches_cell!(gt_date, "date > 2024-01-31", Cell::infer("2024-02-01"), true);
    matches_cell!(le_date_indonesian, "date <= 31/01/2024", Cell::infer("2024-02-01"), false);
    matches_cell!(contains, "name ~ budi", Cell::from("Budi Santoso"), true);
    matches_cell!(not_contains, "name !~ budi", Cell::from("Siti"), true);
    matches_cell!(in_list, "branch in Bekasi|Bogor", Cell::from("bogor"), true);
    matches_cell!(not_in_list, "branch in Bekasi|Bogor", Cell::from("Depok"), false);
    matches_cell!(is_empty, "email is empty", Cell::Empty, true);
    matches_cell!(is_not_empty, "email is not empty", Cell::from(" "), false);
    matches_cell!(empty_is_not_greater, "plafon > 0", Cell::Empty, false);
    matches_cell!(empty_is_not_smaller, "plafon < 0", Cell::Empty, false);
    matches_cell!(quoted_value, "name = \"Budi S\"", Cell::from("budi s"), true);
    matches_cell!(column_with_spaces, "No HP = 0812", Cell::from("0812"), true);
    matches_cell!(bool_value, "aktif = true", Cell::Bool(true), true);
    matches_cell!(ge_text_grouped, "plafon >= 10000000", Cell::from("15.000.000"), true);
    matches_cell!(ge_text_rupiah, "plafon >= 10000000", Cell::from("Rp 12.500.000"), true);
    matches_cell!(ge_decimal_comma, "plafon >= 10", Cell::from("12,5"), true);
    matches_cell!(ge_value_rupiah, "plafon >= Rp 10.000.000", Cell::Int(10_000_000), true);
    matches_cell!(ge_text_not_a_number, "plafon >= 10000000", Cell::from("abc"), false);
    matches_cell!(lt_text_not_a_number, "plafon < 10000000", Cell::from("abc"), false);
    matches_cell!(eq_text_number, "plafon = 5000000", Cell::from("5.000.000"), true);
    // Identifiers stay text: a 16-digit NIK is not its f64 neighbour, `007` is not `7`.
    matches_cell!(eq_nik_as_text, "nik = 9171011201260000", Cell::from("9171011201260001"), false);
    matches_cell!(eq_nik_itself, "nik = 9171011201260001", Cell::from("9171011201260001"), true);
    matches_cell!(eq_code_leading_zero, "kode = 7", Cell::from("007"), false);
    // A compact date value compares date cells as dates, numbers as numbers.
    matches_cell!(gt_compact_date, "tanggal > 20240131", Cell::infer("2024-02-01"), true);
    matches_cell!(gt_compact_number, "n > 20240131", Cell::Int(20240132), true);

    #[test]
    fn orderings_cannot_compare_text_and_say_so() {
        assert_eq!(f("plafon >= 10000000").evaluate(&Cell::from("abc")), None);
        assert_eq!(f("plafon >= 10000000").evaluate(&Cell::from("1.250")), None);
        assert_eq!(f("date > 2024-01-31").evaluate(&Cell::from("kemarin")), None);
        assert_eq!(f("plafon >= 10000000").evaluate(&Cell::Empty), Some(false));
    }

    #[test]
    fn a_malformed_operator_is_an_error_naming_the_expression() {
        for expr in ["plafon >== 10000000", "plafon => 10", "plafon =< 10", "plafon <> 10"] {
            let err = expr.parse::<Filter>().unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid filter {expr:?}: malformed operator")),
                "{err}"
            );
        }
        assert_eq!(f("formula = \"=SUM\"").evaluate(&Cell::from("=sum")), Some(true));
    }

    #[test]
    fn an_ordering_needs_a_number_or_a_date() {
        let err = "name > M".parse::<Filter>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid filter \"name > M\": > >= < <= compare numbers or dates; the value is neither (use = or ~ for text)"
        );
    }

    #[test]
    fn table_filter_counts_rows_it_could_not_compare() {
        let mut t = Table::new(vec!["plafon".into(), "kota".into()]);
        for (p, k) in [("abc", "Bogor"), ("12,5", "Bogor"), ("20000000", "Depok"), ("x", "Depok")] {
            t.push_row(vec![Cell::infer(p), k.into()]).unwrap();
        }
        let report = t.filter(&[f("kota = Depok"), f("plafon >= 10000000")]).unwrap();
        assert_eq!(report, FilterReport { removed: 3, not_comparable: vec![0, 1] });
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn column_with_spaces_is_kept() {
        assert_eq!(f("No HP != 0812").column(), "No HP");
    }

    #[test]
    fn filter_without_operator_is_an_error() {
        let err = "plafon 10".parse::<Filter>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid filter \"plafon 10\": no operator (=, !=, >, >=, <, <=, ~, !~, in, is empty, is not empty)"
        );
    }

    #[test]
    fn filter_without_value_is_an_error() {
        assert!("plafon >=".parse::<Filter>().is_err());
        assert!(" = x".parse::<Filter>().is_err());
    }

    #[test]
    fn table_filter_names_missing_column() {
        let mut t = Table::new(vec!["a".into()]);
        let err = t.filter(&[f("b = 1")]).unwrap_err();
        assert_eq!(err.to_string(), "no column named \"b\" (columns: a)");
    }

    #[test]
    fn phones_are_normalised_as_text() {
        let mut t = Table::new(vec!["phone".into()]);
        for c in [
            Cell::Int(81234567890),
            Cell::from("+62 812-3456-7890"),
            Cell::from("n/a"),
            Cell::Empty,
        ] {
            t.push_row(vec![c]).unwrap();
        }
        assert_eq!(t.normalize_phones("phone").unwrap(), 2);
        let col: Vec<String> = t.rows().iter().map(|r| r[0].to_string()).collect();
        assert_eq!(col, ["081234567890", "081234567890", "n/a", ""]);
    }

    #[test]
    fn push_row_pads_and_refuses_long_rows() {
        let mut t = Table::new(vec!["a".into(), "b".into()]);
        t.push_row(vec![Cell::Int(1)]).unwrap();
        assert_eq!(t.rows()[0], vec![Cell::Int(1), Cell::Empty]);
        assert!(t.push_row(vec![Cell::Int(1), Cell::Int(2), Cell::Int(3)]).is_err());
    }
}
