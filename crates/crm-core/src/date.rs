//! Dates and date-times as exports, branch workbooks and forms write them.
//!
//! The parser is written by hand over bytes because it runs once per transaction line
//! (tens of millions per file): no allocation, no locale, no regular expression.

use std::fmt;

/// A calendar date (proleptic Gregorian, years 1 to 9999).
///
/// ```
/// use crm_core::Date;
/// let d = Date::new(2024, 2, 29).unwrap();
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert_eq!(Date::new(2025, 2, 29), None);
/// assert!(Date::new(2025, 3, 14).unwrap() > d);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Date {
    // Field order gives the derived ordering: year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if `year` is 1-9999, `month` 1-12 and `day` exists in that month.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
            return None;
        }
        (day <= days_in_month(year, month)).then_some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The year, 1-9999.
    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The month, 1-12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }
}

impl fmt::Display for Date {
    /// ISO 8601: `2025-03-14`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    /// [`parse_date`], with an error for text it does not accept.
    fn from_str(s: &str) -> Result<Date, DateError> {
        parse_date(s).ok_or(DateError)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;

    fn try_from(s: String) -> Result<Date, DateError> {
        s.parse()
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// A time of day, to the nanosecond.
///
/// ```
/// use crm_core::Time;
/// assert_eq!(Time::new(9, 5, 0, 0).unwrap().to_string(), "09:05:00");
/// assert_eq!(Time::new(24, 0, 0, 0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
}

impl Time {
    /// Midnight, `00:00:00`.
    pub const MIDNIGHT: Time = Time { hour: 0, minute: 0, second: 0, nanosecond: 0 };

    /// The time, if `hour` is 0-23, `minute` and `second` 0-59 and `nanosecond` below 10^9.
    /// Leap seconds are not represented.
    pub fn new(hour: u32, minute: u32, second: u32, nanosecond: u32) -> Option<Time> {
        (hour < 24 && minute < 60 && second < 60 && nanosecond < 1_000_000_000).then_some(Time {
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            nanosecond,
        })
    }

    /// The hour, 0-23.
    pub fn hour(self) -> u32 {
        u32::from(self.hour)
    }

    /// The minute, 0-59.
    pub fn minute(self) -> u32 {
        u32::from(self.minute)
    }

    /// The second, 0-59.
    pub fn second(self) -> u32 {
        u32::from(self.second)
    }

    /// The fraction of the second in nanoseconds, below 10^9.
    pub fn nanosecond(self) -> u32 {
        self.nanosecond
    }
}

impl fmt::Display for Time {
    /// `HH:MM:SS`, then `.` and the fraction when it is not zero (trailing zeros dropped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)?;
        if self.nanosecond != 0 {
            let digits = format!("{:09}", self.nanosecond);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

/// A date with, when the text gave one, a time of day.
///
/// ```
/// use crm_core::parse_datetime;
/// let dt = parse_datetime("14/03/2025 10:22").unwrap();
/// assert_eq!(dt.to_string(), "2025-03-14 10:22:00");
/// assert_eq!(parse_datetime("2025-03-14").unwrap().time(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DateTime {
    date: Date,
    time: Option<Time>,
}

impl DateTime {
    /// A date-time from its parts; `None` for a date alone.
    pub fn new(date: Date, time: Option<Time>) -> DateTime {
        DateTime { date, time }
    }

    /// The date.
    pub fn date(self) -> Date {
        self.date
    }

    /// The time of day, if the text had one.
    pub fn time(self) -> Option<Time> {
        self.time
    }

    /// The time of day, midnight for a date alone.
    pub fn time_or_midnight(self) -> Time {
        self.time.unwrap_or(Time::MIDNIGHT)
    }
}

impl fmt::Display for DateTime {
    /// `2025-03-14 10:22:05`, or `2025-03-14` for a date alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some(t) => write!(f, "{} {t}", self.date),
            None => write!(f, "{}", self.date),
        }
    }
}

/// Text that is not a date in one of the accepted forms (see the [crate] docs).
///
/// It carries no part of the text: a date column may hold a birth date, which is personal
/// data, and callers name the field and row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateError;

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a date (use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY or YYYYMMDD)")
    }
}

impl std::error::Error for DateError {}

/// Reads a date in one of the accepted forms, ignoring a valid time of day after it.
///
/// The forms, surrounding whitespace ignored (the crate docs have the full table):
/// year first `2025-03-14` or `2025/03/14`; day first, as Indonesian forms write it,
/// `14/03/2025`, `14-03-2025` or `14.03.2025`; compact `20250314`. Day and month may have one
/// digit when separated. Returns `None` for anything else, including impossible dates
/// (`2025-02-29`), two-digit years and text after a time of day.
///
/// ```
/// use crm_core::parse_date;
/// let d = parse_date("2025-03-14 10:22:05").unwrap();
/// assert_eq!(d.to_string(), "2025-03-14");
/// assert_eq!(parse_date("14/03/2025"), Some(d));
/// assert_eq!(parse_date("14-3-2025"), Some(d));
/// assert_eq!(parse_date("20250314"), Some(d));
/// assert_eq!(parse_date("2025-02-29"), None);
/// assert_eq!(parse_date("03/14/25"), None);
/// ```
pub fn parse_date(text: &str) -> Option<Date> {
    parse_datetime(text).map(DateTime::date)
}

/// Reads a date in one of [`parse_date`]'s forms, optionally followed by `T` or spaces and a
/// time of day: `H:MM`, `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction` (up to 9 digits), then
/// optionally `Z` or an offset (`+07:00`, `+0700`). The time is kept as written: an offset
/// is accepted but not applied, so `2025-03-14T23:30:00+07:00` is 23:30 on the 14th.
///
/// ```
/// use crm_core::parse_datetime;
/// let dt = parse_datetime("2025-03-14T10:22:05.250Z").unwrap();
/// assert_eq!(dt.to_string(), "2025-03-14 10:22:05.25");
/// assert_eq!(dt.time().unwrap().hour(), 10);
/// assert_eq!(parse_datetime("14-03-2025 7:05").unwrap().to_string(), "2025-03-14 07:05:00");
/// assert_eq!(parse_datetime("2025-03-14 25:00"), None);
/// ```
pub fn parse_datetime(text: &str) -> Option<DateTime> {
    let b = text.trim_ascii().as_bytes();
    let (date, rest) = date_prefix(b)?;
    if rest.is_empty() {
        return Some(DateTime { date, time: None });
    }
    let rest = match rest[0] {
        b'T' | b't' => &rest[1..],
        b' ' => rest.trim_ascii_start(),
        _ => return None,
    };
    Some(DateTime { date, time: Some(parse_time(rest)?) })
}

/// The date at the start of `b` and the bytes after it.
fn date_prefix(b: &[u8]) -> Option<(Date, &[u8])> {
    let lead = digits(b);
    match b.get(lead) {
        // Year first: YYYY-M-D or YYYY/M/D.
        Some(&sep @ (b'-' | b'/')) if lead == 4 => {
            let (month, i) = field(b, 5)?;
            if b.get(i) != Some(&sep) {
                return None;
            }
            let (day, j) = field(b, i + 1)?;
            Some((Date::new(num(&b[..4]) as i32, month, day)?, &b[j..]))
        }
        // Day first: D/M/YYYY, D-M-YYYY or D.M.YYYY.
        Some(&sep @ (b'/' | b'-' | b'.')) if (1..=2).contains(&lead) => {
            let day = num(&b[..lead]);
            let (month, i) = field(b, lead + 1)?;
            if b.get(i) != Some(&sep) {
                return None;
            }
            let year_len = digits(&b[i + 1..]);
            if year_len != 4 {
                return None;
            }
            let year = num(&b[i + 1..i + 5]) as i32;
            Some((Date::new(year, month, day)?, &b[i + 5..]))
        }
        // Compact YYYYMMDD, alone or before a time.
        None | Some(b'T' | b't' | b' ') if lead == 8 => {
            let date = Date::new(num(&b[..4]) as i32, num(&b[4..6]), num(&b[6..8]))?;
            Some((date, &b[8..]))
        }
        _ => None,
    }
}

/// A one- or two-digit field starting at `at`, and the index after it.
fn field(b: &[u8], at: usize) -> Option<(u32, usize)> {
    let n = digits(b.get(at..)?);
    (1..=2).contains(&n).then(|| (num(&b[at..at + n]), at + n))
}

/// `H:MM[:SS[.f]]` then an optional zone.
fn parse_time(b: &[u8]) -> Option<Time> {
    let h = digits(b);
    if !(1..=2).contains(&h) || b.get(h) != Some(&b':') {
        return None;
    }
    let hour = num(&b[..h]);
    let minute = two(b, h + 1)?;
    let mut i = h + 3;
    let mut second = 0;
    let mut nanosecond = 0;
    if b.get(i) == Some(&b':') {
        second = two(b, i + 1)?;
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let n = digits(&b[i + 1..]);
            if n == 0 || n > 9 {
                return None;
            }
            nanosecond = num(&b[i + 1..i + 1 + n]) * 10u32.pow(9 - n as u32);
            i += 1 + n;
        }
    }
    if !zone(&b[i..]) {
        return None;
    }
    Time::new(hour, minute, second, nanosecond)
}

/// Empty, `Z`, or `±HH:MM` / `±HHMM` / `±HH` (hours up to 14, minutes up to 59).
fn zone(b: &[u8]) -> bool {
    match b {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', rest @ ..] => {
            let ok = |h: u32, m: u32| h <= 14 && m < 60;
            match rest {
                [_, _] => two(rest, 0).is_some_and(|h| ok(h, 0)),
                [_, _, b':', _, _] | [_, _, _, _] => {
                    let m_at = if rest.len() == 5 { 3 } else { 2 };
                    matches!((two(rest, 0), two(rest, m_at)), (Some(h), Some(m)) if ok(h, m))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The number of leading ASCII digits.
fn digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Two digits at `at`.
fn two(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 2)?;
    (digits(s) == 2).then(|| num(s))
}

/// The value of ASCII digits (at most 9 of them, checked by the callers).
fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(feature = "chrono")]
mod chrono_interop {
    use super::{Date, DateTime, Time};
    use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

    impl From<Date> for NaiveDate {
        fn from(d: Date) -> NaiveDate {
            NaiveDate::from_ymd_opt(d.year(), d.month(), d.day())
                .expect("a Date is always a valid chrono date")
        }
    }

    impl From<NaiveDate> for Date {
        /// # Panics
        /// When the year is outside 1-9999 (chrono allows more).
        fn from(d: NaiveDate) -> Date {
            Date::new(d.year(), d.month(), d.day()).expect("years 1-9999")
        }
    }

    impl From<Time> for NaiveTime {
        fn from(t: Time) -> NaiveTime {
            NaiveTime::from_hms_nano_opt(t.hour(), t.minute(), t.second(), t.nanosecond())
                .expect("a Time is always a valid chrono time")
        }
    }

    impl From<NaiveTime> for Time {
        /// A leap second (chrono's nanosecond >= 10^9) becomes the last nanosecond before it.
        fn from(t: NaiveTime) -> Time {
            Time::new(t.hour(), t.minute(), t.second(), t.nanosecond().min(999_999_999))
                .expect("chrono times are in range")
        }
    }

    impl From<DateTime> for NaiveDateTime {
        /// A date alone is midnight.
        fn from(dt: DateTime) -> NaiveDateTime {
            NaiveDate::from(dt.date()).and_time(dt.time_or_midnight().into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_month_follow_the_gregorian_rules() {
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2025, 4), 30);
    }

    #[test]
    fn every_day_of_four_centuries_round_trips_through_its_iso_text() {
        let mut n = 0;
        for year in [1, 1899, 1900, 1999, 2000, 2024, 2100, 9999] {
            for month in 1..=12 {
                for day in 1..=31 {
                    let Some(d) = Date::new(year, month, day) else { continue };
                    assert_eq!(parse_date(&d.to_string()), Some(d));
                    let compact = d.to_string().replace('-', "");
                    assert_eq!(parse_date(&compact), Some(d));
                    n += 1;
                }
            }
        }
        assert_eq!(n, 365 * 6 + 366 * 2);
    }

    #[test]
    fn fractions_scale_to_nanoseconds() {
        let t = |s: &str| parse_datetime(s).and_then(DateTime::time).map(Time::nanosecond);
        assert_eq!(t("2025-01-01 00:00:00.5"), Some(500_000_000));
        assert_eq!(t("2025-01-01 00:00:00.000000001"), Some(1));
        assert_eq!(t("2025-01-01 00:00:00.0000000001"), None);
    }
}
