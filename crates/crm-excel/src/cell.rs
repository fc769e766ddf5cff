//! Typed cell values shared by every reader and writer.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// One cell of a sheet or field of a delimited file.
///
/// Identifiers such as NIK and phone numbers keep every digit: text that looks like a number
/// but has a leading zero, a `+` sign or more than 15 digits stays [`Cell::String`], and
/// integral numbers from workbooks become [`Cell::Int`] rather than a float.
/// The `Display` form is the text a user would type back (`2024-03-01`, `12.5`, `0812...`).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Cell {
    /// No value.
    #[default]
    Empty,
    /// Text.
    String(String),
    /// A whole number.
    Int(i64),
    /// A number with a fractional part.
    Float(f64),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// A calendar date without a time of day.
    Date(NaiveDate),
    /// A date with a time of day.
    DateTime(NaiveDateTime),
    /// A spreadsheet error value such as `#N/A`, kept as its text.
    Error(String),
}

/// Whole numbers up to this many digits are read as [`Cell::Int`] from text; longer digit
/// strings (NIK, KK, account numbers) stay text so no digit is ever lost.
const MAX_INT_DIGITS: usize = 15;

impl Cell {
    /// Whether the cell has no value (empty, or text that is only white space).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::String(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The text of a [`Cell::String`], or `None` for other kinds.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::String(s) => Some(s),
            _ => None,
        }
    }

    /// The cell as display text, borrowing when it already is text.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::String(s) | Cell::Error(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }

    /// The cell as a number, if it is one or is text in one of the shared amount forms
    /// ([`crm_core::parse_amount`]: `125000.50`, `15.000.000`, `Rp 12.500.000`, `12,5`; the
    /// ambiguous `1.250` is not a number).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            Cell::String(s) => crm_core::parse_amount(s).ok(),
            _ => None,
        }
    }

    /// The cell as a date: a date, the date part of a date-time, or text in a supported date
    /// format (see [`Cell::infer`]).
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            Cell::DateTime(dt) => Some(dt.date()),
            Cell::String(s) => match Cell::infer(s.trim()) {
                Cell::Date(d) => Some(d),
                Cell::DateTime(dt) => Some(dt.date()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A short name of the kind of value, for messages: `"empty"`, `"text"`, `"number"`, ...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Cell::Empty => "empty",
            Cell::String(_) => "text",
            Cell::Int(_) | Cell::Float(_) => "number",
            Cell::Bool(_) => "boolean",
            Cell::Date(_) => "date",
            Cell::DateTime(_) => "date-time",
            Cell::Error(_) => "error",
        }
    }

    /// Infers a typed cell from text, as read from CSV.
    ///
    /// The rules, in order:
    /// * empty text is [`Cell::Empty`];
    /// * `true` / `false` (any case) are [`Cell::Bool`];
    /// * an optional `-` and 1 to 15 digits without a leading zero is [`Cell::Int`];
    ///   so `0812...`, `+62...` and 16-digit NIKs stay text;
    /// * a plain decimal (`-12.50`, no exponent, no leading zero before other digits) is
    ///   [`Cell::Float`];
    /// * text in one of the shared date forms ([`crm_core::parse_datetime`]: `YYYY-MM-DD`,
    ///   Indonesian `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, ...) is [`Cell::Date`], and
    ///   followed by a time of day (` HH:MM[:SS]`, or after `T`) [`Cell::DateTime`];
    ///   compact `YYYYMMDD` stays a number (the rule above comes first);
    /// * anything else is [`Cell::String`], unchanged (not trimmed).
    ///
    /// ```
    /// use crm_excel::Cell;
    /// assert_eq!(Cell::infer("42"), Cell::Int(42));
    /// assert_eq!(Cell::infer("081234567890"), Cell::String("081234567890".into()));
    /// assert_eq!(Cell::infer("3201010101010001"), Cell::String("3201010101010001".into()));
    /// assert_eq!(Cell::infer("17/08/1945").to_string(), "1945-08-17");
    /// ```
    pub fn infer(text: &str) -> Cell {
        if text.is_empty() {
            return Cell::Empty;
        }
        let bytes = text.as_bytes();
        let first = bytes[0];
        if first.is_ascii_digit() || first == b'-' {
            if let Some(cell) = infer_number(text) {
                return cell;
            }
            if first.is_ascii_digit()
                && let Some(cell) = parse_date_time(text)
            {
                return cell;
            }
        } else if (first == b't' || first == b'T' || first == b'f' || first == b'F')
            && text.len() <= 5
        {
            if text.eq_ignore_ascii_case("true") {
                return Cell::Bool(true);
            }
            if text.eq_ignore_ascii_case("false") {
                return Cell::Bool(false);
            }
        }
        Cell::String(text.to_owned())
    }
}

fn infer_number(text: &str) -> Option<Cell> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let b = digits.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    // A leading zero marks an identifier (phone, postal code), except for "0" and "0.5".
    if b[0] == b'0' && int_len > 1 {
        return None;
    }
    if int_len == b.len() {
        if int_len > MAX_INT_DIGITS {
            return None;
        }
        return text.parse::<i64>().ok().map(Cell::Int);
    }
    if b[int_len] != b'.' {
        return None;
    }
    let frac = &b[int_len + 1..];
    if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) || int_len + frac.len() > 17 {
        return None;
    }
    text.parse::<f64>().ok().map(Cell::Float)
}

/// A date or date-time in one of crm-core's forms.
fn parse_date_time(text: &str) -> Option<Cell> {
    let dt = crm_core::parse_datetime(text)?;
    let date = NaiveDate::from(dt.date());
    Some(match dt.time() {
        None => Cell::Date(date),
        Some(t) => Cell::DateTime(date.and_time(t.into())),
    })
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::String(s) | Cell::Error(s) => f.write_str(s),
            Cell::Int(i) => write!(f, "{i}"),
            Cell::Float(x) => write!(f, "{x}"),
            Cell::Bool(true) => f.write_str("TRUE"),
            Cell::Bool(false) => f.write_str("FALSE"),
            Cell::Date(d) => write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Cell::DateTime(dt) => write!(
                f,
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second()
            ),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::String(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::String(s)
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Float(x)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl From<NaiveDateTime> for Cell {
    fn from(dt: NaiveDateTime) -> Cell {
        Cell::DateTime(dt)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Empty, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! infer {
        ($name:ident, $text:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(Cell::infer($text), $expected);
            }
        };
    }

    fn date(y: i32, m: u32, d: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn text(s: &str) -> Cell {
        Cell::String(s.to_owned())
    }

    infer!(empty_is_empty, "", Cell::Empty);
    infer!(int, "1500000", Cell::Int(1_500_000));
    infer!(negative_int, "-42", Cell::Int(-42));
    infer!(zero_is_int, "0", Cell::Int(0));
    infer!(leading_zero_stays_text, "0812345678", text("0812345678"));
    infer!(plus_prefix_stays_text, "+6281234", text("+6281234"));
    infer!(nik_stays_text, "3201014101900001", text("3201014101900001"));
    infer!(fifteen_digits_is_int, "123456789012345", Cell::Int(123_456_789_012_345));
    infer!(float, "12.50", Cell::Float(12.5));
    infer!(zero_point_five, "0.5", Cell::Float(0.5));
    infer!(exponent_stays_text, "3.2E+15", text("3.2E+15"));
    infer!(trailing_dot_stays_text, "12.", text("12."));
    infer!(bool_true, "TRUE", Cell::Bool(true));
    infer!(bool_false, "false", Cell::Bool(false));
    infer!(iso_date, "2024-02-29", date(2024, 2, 29));
    infer!(indonesian_date, "17/08/1945", date(1945, 8, 17));
    infer!(dashed_indonesian_date, "01-12-2023", date(2023, 12, 1));
    infer!(invalid_date_stays_text, "31/02/2024", text("31/02/2024"));
    infer!(
        iso_date_time,
        "2024-01-05T08:30:00",
        Cell::DateTime(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap().and_hms_opt(8, 30, 0).unwrap())
    );
    infer!(
        date_time_without_seconds,
        "05/01/2024 08:30",
        Cell::DateTime(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap().and_hms_opt(8, 30, 0).unwrap())
    );
    infer!(untrimmed_text_is_kept, " Budi ", text(" Budi "));

    #[test]
    fn display_round_trips_inferred_values() {
        for s in ["42", "-7", "12.5", "TRUE", "2024-02-29", "2024-01-05 08:30:00", "0812"] {
            let shown = Cell::infer(s).to_string();
            assert_eq!(Cell::infer(&shown), Cell::infer(s), "{s}");
        }
    }

    #[test]
    fn whitespace_text_is_empty() {
        assert!(Cell::String("  ".into()).is_empty());
        assert!(!Cell::Int(0).is_empty());
    }

    #[test]
    fn as_date_reads_text_dates() {
        assert_eq!(text("17/08/1945").as_date(), NaiveDate::from_ymd_opt(1945, 8, 17));
        assert_eq!(text("nope").as_date(), None);
    }
}
