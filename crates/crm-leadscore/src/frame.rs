//! A small typed column table: numeric, categorical, boolean and date columns with missing
//! values, filled from text (the CLI reads files with crm-excel), and its schema.

use chrono::{NaiveDate, NaiveDateTime};
use crm_core::{
    AmountError, DateError, is_missing, parse_amount, parse_bool, parse_date, parse_datetime,
};
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

/// A value or a row of [`Frame::from_text`]'s input that did not fit. The frame is still
/// built (the value is read as missing); the caller decides whether to report, reject or
/// stop. Problems never quote the value, which may be personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Problem {
    /// A value that is not of its column's type (possible with a type override, or for an
    /// ambiguous number such as `1.250` in a numeric column); it is read as missing.
    BadValue {
        /// 1-based row: the position in the `rows` given (`rows[0]` is row 1).
        row: u64,
        /// The column.
        column: String,
        /// The column's type.
        expected: ColumnType,
        /// Why the value is not of that type (`not a number`, `ambiguous number: ...`).
        reason: String,
    },
    /// A row with more or fewer fields than there are headers: missing fields are read as
    /// missing values, extra fields are ignored.
    FieldCount {
        /// 1-based row: the position in the `rows` given.
        row: u64,
        /// Fields expected: the number of headers.
        expected: usize,
        /// Fields the row has.
        found: usize,
    },
}

impl Problem {
    /// The 1-based row of the problem.
    pub fn row(&self) -> u64 {
        match self {
            Problem::BadValue { row, .. } | Problem::FieldCount { row, .. } => *row,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::BadValue { row, column, expected, reason } => {
                write!(f, "row {row}, column {column:?} ({expected}): {reason}; read as missing")
            }
            Problem::FieldCount { row, expected, found } if found < expected => write!(
                f,
                "row {row}: {found} fields for {expected} columns; the last {} read as missing",
                expected - found
            ),
            Problem::FieldCount { row, expected, found } => write!(
                f,
                "row {row}: {found} fields for {expected} columns; the last {} ignored",
                found - expected
            ),
        }
    }
}

impl std::fmt::Display for ColumnType {
    /// `numeric`, `categorical`, `boolean`, `date` or `datetime` (the names in a saved
    /// model's schema).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ColumnType::Numeric => "numeric",
            ColumnType::Categorical => "categorical",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::DateTime => "datetime",
        })
    }
}

/// Reads every non-missing cell with `read`: the values (missing where refused) and the
/// 0-based positions of the refused ones with the reason.
fn read_values<T>(
    cells: &[&str],
    read: impl Fn(&str) -> Result<T, String>,
) -> (Vec<Option<T>>, Vec<(usize, String)>) {
    let mut bad = Vec::new();
    let values = cells
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if is_missing(t) {
                return None;
            }
            read(t).map_err(|reason| bad.push((i, reason))).ok()
        })
        .collect();
    (values, bad)
}

/// Whether a value counts as a number when typing a column: a number as crm-core reads
/// amounts (`125000`, `-3.5`, `12,5`, `15.000.000`, `Rp 15.000.000`), or text that would
/// be one but for the ambiguity of `1.250` (reported per value instead of turning an amount
/// column into a categorical one).
fn numberish(text: &str) -> bool {
    matches!(parse_amount(text), Ok(_) | Err(AmountError::Ambiguous))
}

impl Frame {
    /// A table from columns.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when lengths differ or a name repeats.
    pub fn new(columns: Vec<Column>) -> Result<Frame, Error> {
        let rows = columns.first().map_or(0, |c| c.values.len());
        for (i, c) in columns.iter().enumerate() {
            if c.values.len() != rows {
                return Err(Error::InvalidParameter {
                    name: "columns",
                    reason: format!("{:?} has {} rows, not {rows}", c.name, c.values.len()),
                });
            }
            if columns[..i].iter().any(|d| d.name == c.name) {
                return Err(Error::InvalidParameter {
                    name: "columns",
                    reason: format!("{:?} appears twice", c.name),
                });
            }
        }
        Ok(Frame { columns, rows })
    }

    /// Types columns from text, with crm-core's conventions for every value (the
    /// crm-core crate docs table the accepted forms).
    ///
    /// A column is
    /// * **boolean** when every non-missing value is `0` or `1`, or a yes/no word
    ///   (`ya`/`tidak`, `true`/`false`, `hadir`, ...: [`crm_core::parse_bool`]);
    /// * else **numeric** when every non-missing value is a number
    ///   ([`crm_core::parse_amount`]: `125000`, `-3.5`, `12,5`, `15.000.000`,
    ///   `Rp 15.000.000`) or an ambiguous one like `1.250` (a thousands separator or a
    ///   decimal point?): the column stays numeric and each ambiguous value is a
    ///   [`Problem::BadValue`], read as missing, rather than a guess;
    /// * else a **date**, or a **datetime** when some value has a time of day, when every
    ///   one is a date ([`crm_core::parse_date`]: `2025-03-14`, `14/03/2025`,
    ///   `14-03-2025`, ...; a compact `20250314` is a number first);
    /// * else **categorical**.
    ///
    /// `types` overrides the guess for named columns. Missing: [`crm_core::is_missing`]
    /// (empty, `NA`, `N/A`, `null`, `None`, `NaN`, `-`). A column with no value at all is
    /// categorical.
    ///
    /// Nothing is dropped silently: values that do not fit their column's type (possible
    /// with an override, or ambiguous numbers) become missing, and rows with more or fewer
    /// fields than `headers` are read as far as they go; each is a [`Problem`] with its
    /// 1-based row (`rows[0]` is row 1), in row order, for the caller to report.
    ///
    /// ```
    /// use crm_leadscore::{ColumnType, Frame, Problem};
    ///
    /// let headers = ["income", "contacted"].map(String::from).to_vec();
    /// let rows = vec![
    ///     vec!["Rp 15.000.000".to_string(), "ya".to_string()],
    ///     vec!["12,5".to_string()],
    ///     vec!["1.250".to_string(), "tidak".to_string()],
    /// ];
    /// let (frame, problems) = Frame::from_text(&headers, &rows, &[]);
    /// assert_eq!(frame.column("income")?.values.column_type(), ColumnType::Numeric);
    /// assert_eq!(frame.column("contacted")?.values.column_type(), ColumnType::Boolean);
    /// assert_eq!(problems[0], Problem::FieldCount { row: 2, expected: 2, found: 1 });
    /// assert_eq!(problems[1].to_string(),
    ///     "row 3, column \"income\" (numeric): ambiguous number: one separator before three \
    ///      digits could group thousands or mark decimals; read as missing");
    /// # Ok::<(), crm_leadscore::Error>(())
    /// ```
    pub fn from_text(
        headers: &[String],
        rows: &[Vec<String>],
        types: &[(String, ColumnType)],
    ) -> (Frame, Vec<Problem>) {
        let mut columns = Vec::with_capacity(headers.len());
        let mut problems: Vec<Problem> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.len() != headers.len())
            .map(|(i, r)| Problem::FieldCount {
                row: i as u64 + 1,
                expected: headers.len(),
                found: r.len(),
            })
            .collect();
        for (j, name) in headers.iter().enumerate() {
            let cell = |i: usize| rows[i].get(j).map_or("", String::as_str);
            let present: Vec<&str> = (0..rows.len()).map(cell).filter(|t| !is_missing(t)).collect();
            let given = types.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
            let guess = || {
                if present.is_empty() {
                    ColumnType::Categorical
                } else if present.iter().all(|t| matches!(t.trim(), "0" | "1"))
                    || present.iter().all(|t| parse_bool(t).is_some())
                {
                    ColumnType::Boolean
                } else if present.iter().all(|t| numberish(t)) {
                    ColumnType::Numeric
                } else if present.iter().all(|t| parse_date(t).is_some()) {
                    let timed = present
                        .iter()
                        .any(|t| parse_datetime(t).is_some_and(|d| d.time().is_some()));
                    if timed { ColumnType::DateTime } else { ColumnType::Date }
                } else {
                    ColumnType::Categorical
                }
            };
            let ty = given.unwrap_or_else(guess);
            let cells: Vec<&str> = (0..rows.len()).map(cell).collect();
            let mut problems_of = |reasons: Vec<(usize, String)>| {
                problems.extend(reasons.into_iter().map(|(i, reason)| Problem::BadValue {
                    row: i as u64 + 1,
                    column: name.clone(),
                    expected: ty,
                    reason,
                }))
            };
            let values = match ty {
                ColumnType::Numeric => {
                    let (v, bad) =
                        read_values(&cells, |t| parse_amount(t).map_err(|e| e.to_string()));
                    problems_of(bad);
                    Values::Numeric(v)
                }
                ColumnType::Boolean => {
                    let (v, bad) = read_values(&cells, |t| {
                        parse_bool(t).ok_or_else(|| "not a yes/no value".into())
                    });
                    problems_of(bad);
                    Values::Boolean(v)
                }
                ColumnType::Date => {
                    let (v, bad) = read_values(&cells, |t| {
                        parse_date(t).map(NaiveDate::from).ok_or_else(|| DateError.to_string())
                    });
                    problems_of(bad);
                    Values::Date(v)
                }
                ColumnType::DateTime => {
                    let (v, bad) = read_values(&cells, |t| {
                        parse_datetime(t)
                            .map(NaiveDateTime::from)
                            .ok_or_else(|| DateError.to_string())
                    });
                    problems_of(bad);
                    Values::DateTime(v)
                }
                ColumnType::Categorical => Values::Categorical(
                    cells
                        .iter()
                        .map(|t| Some(t.trim().to_string()).filter(|t| !is_missing(t)))
                        .collect(),
                ),
            };
            columns.push(Column { name: name.clone(), values });
        }
        // Row order; within a row the field count first, then the columns in order.
        problems.sort_by_key(Problem::row);
        (Frame { columns, rows: rows.len() }, problems)
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
        self.columns.iter().find(|c| c.name == name).ok_or_else(|| Error::MissingColumn {
            name: name.into(),
            // A header row may be a data row: personal-looking names are masked.
            available: self
                .columns
                .iter()
                .map(|c| crm_core::mask_if_personal(&c.name).into_owned())
                .collect(),
        })
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
