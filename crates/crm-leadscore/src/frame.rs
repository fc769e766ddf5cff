//! A small typed column table: numeric, categorical, boolean and date columns with missing
//! values, filled from text (the CLI reads files with crm-excel), and its schema.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColumnType {
    /// Numbers.
    Numeric,
    /// Labels.
    Categorical,
    /// Yes / no.
    Boolean,
    /// Dates (a time part is read but only the date is kept).
    Date,
    /// Dates with a time of day (lead arrival, call time): features include the hour.
    DateTime,
}

/// A column's values; `None` is missing.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Values {
    /// Numbers.
    Numeric(Vec<Option<f64>>),
    /// Labels (trimmed).
    Categorical(Vec<Option<String>>),
    /// Yes / no.
    Boolean(Vec<Option<bool>>),
    /// Dates.
    Date(Vec<Option<NaiveDate>>),
    /// Dates with a time of day.
    DateTime(Vec<Option<NaiveDateTime>>),
}

impl Values {
    /// The type.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Values::Numeric(_) => ColumnType::Numeric,
            Values::Categorical(_) => ColumnType::Categorical,
            Values::Boolean(_) => ColumnType::Boolean,
            Values::Date(_) => ColumnType::Date,
            Values::DateTime(_) => ColumnType::DateTime,
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Numeric(v) => v.len(),
            Values::Categorical(v) => v.len(),
            Values::Boolean(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::DateTime(v) => v.len(),
        }
    }

    /// Whether row `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Values::Numeric(v) => v[i].is_none(),
            Values::Categorical(v) => v[i].is_none(),
            Values::Boolean(v) => v[i].is_none(),
            Values::Date(v) => v[i].is_none(),
            Values::DateTime(v) => v[i].is_none(),
        }
    }

    fn select(&self, rows: &[usize]) -> Values {
        match self {
            Values::Numeric(v) => Values::Numeric(rows.iter().map(|&i| v[i]).collect()),
            Values::Categorical(v) => {
                Values::Categorical(rows.iter().map(|&i| v[i].clone()).collect())
            }
            Values::Boolean(v) => Values::Boolean(rows.iter().map(|&i| v[i]).collect()),
            Values::Date(v) => Values::Date(rows.iter().map(|&i| v[i]).collect()),
            Values::DateTime(v) => Values::DateTime(rows.iter().map(|&i| v[i]).collect()),
        }
    }

    /// The dates of a date or date-time column (`None` for other types).
    pub fn dates(&self) -> Option<Vec<Option<NaiveDate>>> {
        match self {
            Values::Date(v) => Some(v.clone()),
            Values::DateTime(v) => Some(v.iter().map(|x| x.map(|t| t.date())).collect()),
            _ => None,
        }
    }
}

/// One named column.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The name.
    pub name: String,
    /// The values.
    pub values: Values,
}

/// Column names and types, saved with every model.
pub type Schema = Vec<(String, ColumnType)>;

/// A table of typed columns of equal length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    columns: Vec<Column>,
    rows: usize,
}

/// Reads a number: digits with an optional sign and `.` decimals; `1.250.000` and `1,5` are
/// not numbers (ambiguous).
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || t.contains(',') {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads a yes/no value: `1/0`, `true/false`, `yes/no`, `y/n`, `ya/tidak`.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "ya" => Some(true),
        "0" | "false" | "no" | "n" | "tidak" => Some(false),
        _ => None,
    }
}

/// Reads a date: `YYYY-MM-DD` (a time part after `T` or a space is ignored) or `DD/MM/YYYY`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let head = t.split(['T', ' ']).next().unwrap_or("");
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%d/%m/%Y"))
        .ok()
}

/// Reads a date with a time of day: a [`parse_date`] date followed by `HH:MM` or
/// `HH:MM:SS` (after `T` or a space); a date alone is midnight.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let date = parse_date(t)?;
    let time = match t.split_once(['T', ' ']) {
        None => NaiveTime::MIN,
        Some((_, rest)) => {
            let rest = rest.trim().trim_end_matches('Z');
            NaiveTime::parse_from_str(rest, "%H:%M:%S%.f")
                .or_else(|_| NaiveTime::parse_from_str(rest, "%H:%M"))
                .ok()?
        }
    };
    Some(date.and_time(time))
}

/// Whether a date text carries a time of day.
fn has_time(text: &str) -> bool {
    text.trim().split_once(['T', ' ']).is_some_and(|(_, rest)| rest.contains(':'))
}

fn missing(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("null") || t == "-"
}

impl Frame {
    /// A table from columns.
    ///
    /// # Errors
    /// [`Error::Parameter`] when lengths differ or a name repeats.
    pub fn new(columns: Vec<Column>) -> Result<Frame, Error> {
        let rows = columns.first().map_or(0, |c| c.values.len());
        for (i, c) in columns.iter().enumerate() {
            if c.values.len() != rows {
                return Err(Error::Parameter {
                    name: "columns",
                    message: format!("{:?} has {} rows, not {rows}", c.name, c.values.len()),
                });
            }
            if columns[..i].iter().any(|d| d.name == c.name) {
                return Err(Error::Parameter {
                    name: "columns",
                    message: format!("{:?} appears twice", c.name),
                });
            }
        }
        Ok(Frame { columns, rows })
    }

    /// Types columns from text. A column is numeric when every non-missing value is a
    /// number, boolean when every one is yes/no (and it is not numeric with values other
    /// than 0/1), a date when every one is a date, else categorical; `types` overrides the
    /// guess for named columns. Missing: empty, `NA`, `null`, `-`.
    ///
    /// Values that do not fit their column's type (possible only with an override) become
    /// missing and are listed as `(column, 0-based row)` for the caller to report.
    pub fn from_text(
        headers: &[String],
        rows: &[Vec<String>],
        types: &[(String, ColumnType)],
    ) -> (Frame, Vec<(String, usize)>) {
        let mut columns = Vec::with_capacity(headers.len());
        let mut bad = Vec::new();
        for (j, name) in headers.iter().enumerate() {
            let cell = |i: usize| rows[i].get(j).map_or("", String::as_str);
            let present: Vec<&str> = (0..rows.len()).map(cell).filter(|t| !missing(t)).collect();
            let given = types.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
            let guess = || {
                if present.iter().all(|t| parse_number(t).is_some()) && !present.is_empty() {
                    if present.iter().all(|t| matches!(t.trim(), "0" | "1")) {
                        ColumnType::Boolean
                    } else {
                        ColumnType::Numeric
                    }
                } else if !present.is_empty() && present.iter().all(|t| parse_bool(t).is_some()) {
                    ColumnType::Boolean
                } else if !present.is_empty() && present.iter().all(|t| parse_date(t).is_some()) {
                    if present.iter().any(|t| has_time(t))
                        && present.iter().all(|t| parse_datetime(t).is_some())
                    {
                        ColumnType::DateTime
                    } else {
                        ColumnType::Date
                    }
                } else {
                    ColumnType::Categorical
                }
            };
            let ty = given.unwrap_or_else(guess);
            let mut note = |i: usize| bad.push((name.clone(), i));
            let values = match ty {
                ColumnType::Numeric => Values::Numeric(
                    (0..rows.len())
                        .map(|i| {
                            let t = cell(i);
                            if missing(t) {
                                return None;
                            }
                            let v = parse_number(t);
                            if v.is_none() {
                                note(i)
                            }
                            v
                        })
                        .collect(),
                ),
                ColumnType::Boolean => Values::Boolean(
                    (0..rows.len())
                        .map(|i| {
                            let t = cell(i);
                            if missing(t) {
                                return None;
                            }
                            let v = parse_bool(t);
                            if v.is_none() {
                                note(i)
                            }
                            v
                        })
                        .collect(),
                ),
                ColumnType::Date => Values::Date(
                    (0..rows.len())
                        .map(|i| {
                            let t = cell(i);
                            if missing(t) {
                                return None;
                            }
                            let v = parse_date(t);
                            if v.is_none() {
                                note(i)
                            }
                            v
                        })
                        .collect(),
                ),
                ColumnType::DateTime => Values::DateTime(
                    (0..rows.len())
                        .map(|i| {
                            let t = cell(i);
                            if missing(t) {
                                return None;
                            }
                            let v = parse_datetime(t);
                            if v.is_none() {
                                note(i)
                            }
                            v
                        })
                        .collect(),
                ),
                ColumnType::Categorical => Values::Categorical(
                    (0..rows.len())
                        .map(|i| Some(cell(i).trim().to_string()).filter(|t| !missing(t)))
                        .collect(),
                ),
            };
            columns.push(Column { name: name.clone(), values });
        }
        (Frame { columns, rows: rows.len() }, bad)
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// A column by name.
    ///
    /// # Errors
    /// [`Error::MissingColumn`].
    pub fn column(&self, name: &str) -> Result<&Column, Error> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::MissingColumn(name.into()))
    }

    /// The schema.
    pub fn schema(&self) -> Schema {
        self.columns.iter().map(|c| (c.name.clone(), c.values.column_type())).collect()
    }

    /// These rows, in this order.
    pub fn select(&self, rows: &[usize]) -> Frame {
        Frame {
            columns: self
                .columns
                .iter()
                .map(|c| Column { name: c.name.clone(), values: c.values.select(rows) })
                .collect(),
            rows: rows.len(),
        }
    }

    /// A yes/no target: `true` where the column equals `positive` (case-insensitive; for a
    /// boolean column `positive` is ignored and `true` is positive; for a numeric column 1).
    /// Rows with a missing target are `None`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`].
    pub fn target(&self, name: &str, positive: Option<&str>) -> Result<Vec<Option<bool>>, Error> {
        let c = self.column(name)?;
        Ok(match &c.values {
            Values::Boolean(v) => v.clone(),
            Values::Numeric(v) => v.iter().map(|x| x.map(|x| x == 1.0)).collect(),
            Values::Categorical(v) => {
                let pos = positive.unwrap_or("yes");
                v.iter().map(|x| x.as_ref().map(|s| s.eq_ignore_ascii_case(pos))).collect()
            }
            Values::Date(v) => v.iter().map(|x| x.map(|_| true)).collect(),
            Values::DateTime(v) => v.iter().map(|x| x.map(|_| true)).collect(),
        })
    }
}
