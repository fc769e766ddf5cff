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

    /// Rewrites a column's phone numbers in their national form (see
    /// [`normalize_phone`](crate::normalize_phone)), as text so the leading zero stays;
    /// returns how many cells changed. Cells without digits are left as they are.
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
            let phone = crate::normalize_phone(&cell.to_text());
            if phone.is_empty() {
                continue;
            }
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
    /// # Errors
    /// [`ErrorKind::MissingColumn`] when a filter names a column the table does not have.
    ///
    /// ```
    /// use crm_excel::{Cell, Filter, Table};
    /// let mut t = Table::new(vec!["branch".into(), "plafon".into()]);
    /// t.push_row(vec!["Bekasi".into(), Cell::Int(5_000_000)])?;
    /// t.push_row(vec!["Bogor".into(), Cell::Int(20_000_000)])?;
    /// let removed = t.filter(&["plafon >= 10000000".parse::<Filter>()?])?;
    /// assert_eq!((removed, t.len()), (1, 1));
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    pub fn filter(&mut self, filters: &[Filter]) -> Result<usize> {
        let bound: Vec<(usize, &Filter)> = filters
            .iter()
            .map(|f| Ok((self.column_index(&f.column)?, f)))
            .collect::<Result<_>>()?;
        Ok(self.retain(|row| bound.iter().all(|(i, f)| f.matches(&row[*i]))))
    }
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
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    column: String,
    op: Op,
    value: String,
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
        Ok(Filter { column: column.to_owned(), op, value: value.to_owned() })
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

    /// Whether a cell satisfies the filter.
    pub fn matches(&self, cell: &Cell) -> bool {
        match &self.op {
            Op::IsEmpty => cell.is_empty(),
            Op::NotEmpty => !cell.is_empty(),
            Op::Eq => compare(cell, &self.value) == Some(Ordering::Equal),
            Op::Ne => compare(cell, &self.value) != Some(Ordering::Equal),
            Op::Gt => compare(cell, &self.value) == Some(Ordering::Greater),
            Op::Ge => {
                matches!(compare(cell, &self.value), Some(Ordering::Greater | Ordering::Equal))
            }
            Op::Lt => compare(cell, &self.value) == Some(Ordering::Less),
            Op::Le => matches!(compare(cell, &self.value), Some(Ordering::Less | Ordering::Equal)),
            Op::Contains => contains(cell, &self.value),
            Op::NotContains => !contains(cell, &self.value),
            Op::In(values) => values.iter().any(|v| compare(cell, v) == Some(Ordering::Equal)),
        }
    }
}

fn contains(cell: &Cell, value: &str) -> bool {
    cell.to_text().to_lowercase().contains(&value.to_lowercase())
}

/// Compares a cell with a filter value: numerically when both are numbers, as dates when the
/// cell is a date, otherwise as trimmed case-insensitive text. Empty cells only equal `""`.
fn compare(cell: &Cell, value: &str) -> Option<Ordering> {
    if cell.is_empty() {
        // An empty cell equals only an empty value and is neither smaller nor greater.
        return value.trim().is_empty().then_some(Ordering::Equal);
    }
    match cell {
        Cell::Int(_) | Cell::Float(_) => {
            let (a, b) = (cell.as_f64()?, value.trim().parse::<f64>().ok());
            if let Some(b) = b {
                return a.partial_cmp(&b);
            }
        }
        Cell::Date(_) | Cell::DateTime(_) => {
            if let Some(b) = Cell::from(value.trim()).as_date() {
                return cell.as_date()?.partial_cmp(&b);
            }
        }
        Cell::Bool(b) => {
            let v = value.trim().to_ascii_lowercase();
            if matches!(v.as_str(), "true" | "false") {
                return Some(b.cmp(&(v == "true")));
            }
        }
        _ => {}
    }
    let text = cell.to_text();
    Some(text.trim().to_lowercase().cmp(&value.trim().to_lowercase()))
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
