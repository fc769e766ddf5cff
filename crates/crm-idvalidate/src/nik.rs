//! NIK: the 16-digit national identity number on the KTP.
//!
//! `PP KK CC DDMMYY SSSS`: digits 1-6 are the Kemendagri code of the district where the NIK
//! was first registered, 7-12 the birth date with 40 added to the day for women, 13-16 a
//! serial from 0001. The year has two digits; the century is resolved against an `as_of`
//! date the caller gives (this crate never reads the clock).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::code::{Code, Status};
use crate::digits::{CodeSet, Digits, Kind, Region, Shape, normalize, resolve_region};
use crate::error::ParseError;

/// Sex as encoded in a NIK.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Day 01-31.
    Male,
    /// Day 41-71 (40 added).
    Female,
}

impl Gender {
    /// `"male"` or `"female"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// A NIK whose structure, region and date are valid.
///
/// Holding a `Nik` proves the number passed every Error-level check; Warning-level facts
/// (a former region code, an unknown district) are visible through [`Nik::region`].
///
/// ```
/// use chrono::NaiveDate;
/// use crm_idvalidate::{Gender, Nik};
/// let nik = Nik::parse("3204 1146 0997 0001")?;
/// assert_eq!(nik.region().regency_name(), "Kabupaten Bandung");
/// assert_eq!(nik.region().district_name(), Some("Katapang"));
/// assert_eq!(nik.gender(), Gender::Female);
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// assert_eq!(nik.birth_date(as_of).unwrap().date(), NaiveDate::from_ymd_opt(1997, 9, 6).unwrap());
/// assert_eq!(nik.to_string(), "3204114609970001");
/// assert_eq!(nik.masked(), "3204********0001");
/// # Ok::<(), crm_idvalidate::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: [u8; 16],
    region: Region,
    day: u8,
    month: u8,
    yy: u8,
    gender: Gender,
    serial: u16,
}

/// A birth date with its century resolved.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BirthDate {
    date: NaiveDate,
    other_century: Option<NaiveDate>,
}

impl BirthDate {
    /// The birth date: the latest of 19YY / 20YY that is not after `as_of`.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The same day a century earlier, when that is also a plausible birth date (age at most
    /// 100 at `as_of`).
    pub fn other_century(&self) -> Option<NaiveDate> {
        self.other_century
    }
}

/// Everything rules 1-13 find in one input.
pub(crate) struct Analysis {
    pub(crate) digits: Digits,
    pub(crate) codes: CodeSet,
    pub(crate) region: Option<Region>,
    pub(crate) day: u32,
    pub(crate) month: u32,
    pub(crate) yy: u32,
    pub(crate) serial: u32,
}

impl Analysis {
    /// Digits 7-12 with the region and serial, and the checks that do not depend on the kind
    /// of number.
    pub(crate) fn new(digits: Digits, kind: Kind) -> Analysis {
        let mut codes = CodeSet::default();
        if digits.reformatted {
            codes.insert(if kind == Kind::Nik {
                Code::NikReformatted
            } else {
                Code::KkReformatted
            });
        }
        let region = resolve_region(&digits, kind, &mut codes);
        Analysis {
            day: digits.num(6, 8),
            month: digits.num(8, 10),
            yy: digits.num(10, 12),
            serial: digits.num(12, 16),
            digits,
            codes,
            region,
        }
    }
}

/// A real calendar date `day`/`month`/`year`.
pub(crate) fn date(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Whether `day`/`month` exist in 19YY or 20YY (the hot path: no date is built).
pub(crate) fn exists_in_a_century(yy: u32, month: u32, day: u32) -> bool {
    let leap = |y: u32| y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    let days = |y: u32| match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    };
    day >= 1 && (day <= days(2000 + yy) || day <= days(1900 + yy))
}

fn analyze(digits: Digits) -> Analysis {
    let mut a = Analysis::new(digits, Kind::Nik);
    if a.digits.is_placeholder() {
        a.codes.insert(Code::NikPlaceholder);
    }
    if a.digits.num(6, 12) == 0 {
        a.codes.insert(Code::NikTemporary);
    }
    let day = if a.day > 40 { a.day - 40 } else { a.day };
    let day_ok = (1..=31).contains(&day);
    if !day_ok {
        a.codes.insert(Code::NikDayInvalid);
    }
    // The date digits are reported at their first problem: day, then month, then calendar.
    let month_ok = (1..=12).contains(&a.month);
    if day_ok && !month_ok {
        a.codes.insert(Code::NikMonthInvalid);
    }
    if day_ok && month_ok && !exists_in_a_century(a.yy, a.month, day) {
        a.codes.insert(Code::NikDateInvalid);
    }
    if a.serial == 0 {
        a.codes.insert(Code::NikSerialZero);
    }
    a
}

/// The first Error-level finding as a [`ParseError`], in the order of the rules.
fn first_error(a: &Analysis) -> Option<ParseError> {
    let text =
        |from: usize, to: usize| String::from_utf8_lossy(&a.digits.ascii[from..to]).into_owned();
    let c = a.codes;
    if c.contains(Code::NikPlaceholder) {
        Some(ParseError::Placeholder)
    } else if c.contains(Code::NikTemporary) {
        Some(ParseError::Temporary)
    } else if c.contains(Code::NikProvinceUnknown) {
        Some(ParseError::UnknownProvince { code: text(0, 2) })
    } else if c.contains(Code::NikRegencyUnknown) {
        Some(ParseError::UnknownRegency { code: text(0, 4) })
    } else if c.contains(Code::NikDayInvalid) {
        Some(ParseError::Day)
    } else if c.contains(Code::NikMonthInvalid) || !(1..=12).contains(&a.month) {
        Some(ParseError::Month)
    } else if c.contains(Code::NikDateInvalid) {
        Some(ParseError::Date)
    } else if c.contains(Code::NikSerialZero) {
        Some(ParseError::SerialZero)
    } else {
        None
    }
}

/// The codes of an input that is not 16 digits: the shape error, after the reformatting note
/// when separators were removed before counting.
pub(crate) fn shape_codes(input: &str, shape: Shape, reformatted: Code, error: Code) -> Vec<Code> {
    let separators = input.trim().contains([' ', '.', '-', '\'']);
    if matches!(shape, Shape::Length { .. }) && separators {
        vec![reformatted, error]
    } else {
        vec![error]
    }
}

pub(crate) fn shape_error(shape: Shape) -> ParseError {
    match shape {
        Shape::ExcelNotation => ParseError::ExcelNotation,
        Shape::NonDigit { ch, pos } => ParseError::NonDigit { ch, pos },
        Shape::Length { found } => ParseError::Length { found },
    }
}

impl Nik {
    /// Parses a NIK. Spaces, dots, dashes and a leading `'` are removed first.
    ///
    /// # Errors
    /// The first Error-level problem, in the order of the rules: shape (Excel notation,
    /// non-digit, length), placeholder, temporary, province, regency, day, month, date, serial.
    pub fn parse(input: &str) -> Result<Nik, ParseError> {
        let digits = normalize(input).map_err(shape_error)?;
        let a = analyze(digits);
        if let Some(e) = first_error(&a) {
            return Err(e);
        }
        Nik::from_analysis(&a).ok_or(ParseError::Length { found: 16 })
    }

    fn from_analysis(a: &Analysis) -> Option<Nik> {
        let region = a.region?;
        let (day, gender) =
            if a.day > 40 { (a.day - 40, Gender::Female) } else { (a.day, Gender::Male) };
        Some(Nik {
            digits: a.digits.ascii(),
            region,
            day: u8::try_from(day).ok()?,
            month: u8::try_from(a.month).ok()?,
            yy: u8::try_from(a.yy).ok()?,
            gender,
            serial: u16::try_from(a.serial).ok()?,
        })
    }

    /// Whether `input` parses as a NIK (`Nik::parse(input).is_ok()`).
    pub fn is_valid(input: &str) -> bool {
        Nik::parse(input).is_ok()
    }

    /// Where the NIK was first registered.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// Sex, from the day digits.
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// Digits 13-16.
    pub fn serial(&self) -> u16 {
        self.serial
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or("")
    }

    /// The NIK with digits 5-12 hidden, for logs: `3204********0001` ([`crm_core::mask`],
    /// the masking rule every crm-rs crate shares).
    pub fn masked(&self) -> String {
        crm_core::mask(self.as_str())
    }

    /// The birth date, its century resolved against `as_of`: the latest of 19YY / 20YY that
    /// is not after `as_of`. `None` when both are after it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    /// let nik = crm_idvalidate::Nik::parse("3174071708450001")?;
    /// assert_eq!(nik.birth_date(as_of).unwrap().date().to_string(), "1945-08-17");
    /// let baby = crm_idvalidate::Nik::parse("3171011201260001")?;
    /// let b = baby.birth_date(as_of).unwrap();
    /// assert_eq!((b.date().to_string(), b.other_century().map(|d| d.to_string())),
    ///            ("2026-01-12".to_string(), Some("1926-01-12".to_string())));
    /// # Ok::<(), crm_idvalidate::ParseError>(())
    /// ```
    pub fn birth_date(&self, as_of: NaiveDate) -> Option<BirthDate> {
        resolve_century(u32::from(self.day), u32::from(self.month), u32::from(self.yy), as_of)
    }
}

/// The oldest age taken as plausible for the other century (rule 16's bound).
const MAX_PLAUSIBLE_AGE: i32 = 100;

/// The latest of 19YY / 20YY not after `as_of`, and the other one if it is plausible too.
fn resolve_century(day: u32, month: u32, yy: u32, as_of: NaiveDate) -> Option<BirthDate> {
    let recent = date(2000 + yy, month, day).filter(|d| *d <= as_of);
    let old = date(1900 + yy, month, day).filter(|d| *d <= as_of);
    match (recent, old) {
        (Some(date), old) => {
            let plausible = old.filter(|o| years_between(*o, as_of) <= MAX_PLAUSIBLE_AGE);
            Some(BirthDate { date, other_century: plausible })
        }
        (None, Some(date)) => Some(BirthDate { date, other_century: None }),
        (None, None) => None,
    }
}

/// Whole years from `from` to `to` (an age).
pub(crate) fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Nik {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Nik, ParseError> {
        Nik::parse(s)
    }
}

/// Everything found about one NIK input: all codes (not only the first error), and the
/// fields that could be derived even when the number is invalid.
///
/// Serialised (feature `serde`), `nik` is the full number: mask it before logging.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NikCheck {
    /// Every finding, in documentation order.
    pub codes: Vec<Code>,
    /// The parsed NIK, when there is no Error-level finding.
    pub nik: Option<Nik>,
    /// The region, when province and regency are known.
    pub region: Option<Region>,
    /// The birth date, when day, month and year make a date not after `as_of`.
    pub birth_date: Option<BirthDate>,
    /// The sex, when the day digits are valid.
    pub gender: Option<Gender>,
    /// Digits 13-16, when the input has 16 digits.
    pub serial: Option<u16>,
}

impl NikCheck {
    /// The worst severity among the codes.
    pub fn status(&self) -> Status {
        Status::of(&self.codes)
    }

    /// Whether no finding is an error.
    pub fn is_valid(&self) -> bool {
        self.status() != Status::Error
    }
}

/// Checks a NIK input against every rule and derives what it can, resolving the century
/// against `as_of` (a birth date after `as_of` is `NIK_DATE_INVALID`).
///
/// ```
/// use chrono::NaiveDate;
/// use crm_idvalidate::{check_nik, Code, Status};
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// let check = check_nik("9101010101850001", as_of); // Merauke before the 2022 split
/// assert_eq!(check.status(), Status::Warning);
/// assert_eq!(check.codes, [Code::NikRegencyHistorical]);
/// assert_eq!(check.region.unwrap().current_regency_code(), Some("9301"));
/// ```
pub fn check_nik(input: &str, as_of: NaiveDate) -> NikCheck {
    let digits = match normalize(input) {
        Ok(d) => d,
        Err(shape) => {
            return NikCheck {
                codes: shape_codes(
                    input,
                    shape,
                    Code::NikReformatted,
                    shape_error(shape).nik_code(),
                ),
                nik: None,
                region: None,
                birth_date: None,
                gender: None,
                serial: None,
            };
        }
    };
    let mut a = analyze(digits);
    let day = if a.day > 40 { a.day - 40 } else { a.day };
    let date_ok = !(a.codes.contains(Code::NikDayInvalid)
        || a.codes.contains(Code::NikMonthInvalid)
        || a.codes.contains(Code::NikDateInvalid));
    let birth_date = if date_ok { resolve_century(day, a.month, a.yy, as_of) } else { None };
    match birth_date {
        None if date_ok => a.codes.insert(Code::NikDateInvalid),
        Some(b) if b.other_century.is_some() => a.codes.insert(Code::NikCenturyAmbiguous),
        _ => {}
    }
    let gender = match a.day {
        1..=31 => Some(Gender::Male),
        41..=71 => Some(Gender::Female),
        _ => None,
    };
    let nik = if first_error(&a).is_none() && birth_date.is_some() {
        Nik::from_analysis(&a)
    } else {
        None
    };
    NikCheck {
        codes: a.codes.iter().collect(),
        nik,
        region: a.region,
        birth_date,
        gender,
        serial: u16::try_from(a.serial).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    macro_rules! parse_err {
        ($name:ident, $input:expr, $message:expr) => {
            #[test]
            fn $name() {
                assert_eq!(Nik::parse($input).unwrap_err().to_string(), $message);
            }
        };
    }

    parse_err!(length_is_counted_in_digits, "3204 1106 0997 001", "expected 16 digits, found 15");
    parse_err!(letters_are_named, "320411abcdef0001", "invalid character 'a' at position 7");
    parse_err!(
        excel_notation,
        "3.20411E+15",
        "number in Excel scientific notation; its last digits are lost"
    );
    parse_err!(placeholder, "1111111111111111", "placeholder number, not a real one");
    parse_err!(temporary, "5201070000000004", "temporary number (date digits 000000)");
    parse_err!(unknown_province, "9904110609970001", "unknown province code \"99\"");
    parse_err!(unknown_regency, "3299110609970001", "unknown regency code \"3299\"");
    parse_err!(day_32, "3204113209970001", "invalid day (digits 7-8)");
    parse_err!(day_72, "3204117209970001", "invalid day (digits 7-8)");
    parse_err!(month_13, "3204110613970001", "invalid month (digits 9-10)");
    parse_err!(february_30, "3204113002970001", "digits 7-12 are no real date");
    parse_err!(serial_zero, "3204110609970000", "serial number 0000");

    #[test]
    fn women_have_forty_added_to_the_day() {
        let nik = Nik::parse("3204114609970001").unwrap();
        assert_eq!(nik.gender(), Gender::Female);
        assert_eq!(
            nik.birth_date(as_of()).unwrap().date(),
            NaiveDate::from_ymd_opt(1997, 9, 6).unwrap()
        );
    }

    #[test]
    fn leap_day_needs_a_leap_year_in_some_century() {
        assert!(Nik::parse("7105102902000439").is_ok(), "2000 is a leap year");
        assert!(Nik::parse("7105102902040439").is_ok(), "2004 is a leap year");
        assert!(Nik::parse("7105102902020439").is_err(), "neither 1902 nor 2002");
    }

    #[test]
    fn century_is_the_latest_not_after_as_of() {
        let nik = Nik::parse("3204110609050001").unwrap();
        let b = nik.birth_date(as_of()).unwrap();
        assert_eq!(b.date().year(), 2005);
        assert_eq!(b.other_century(), None, "121 years is not a plausible age");
        let baby = Nik::parse("3204110609260001").unwrap().birth_date(as_of()).unwrap();
        assert_eq!(baby.other_century().map(|d| d.year()), Some(1926), "100 years is");
        let future = Nik::parse("3204110609270001").unwrap();
        assert_eq!(future.birth_date(as_of()).unwrap().date().year(), 1927);
    }

    #[test]
    fn calendar_check_agrees_with_chrono() {
        for yy in 0..100 {
            for month in 0..14 {
                for day in 0..33 {
                    let chrono = date(2000 + yy, month, day)
                        .or_else(|| date(1900 + yy, month, day))
                        .is_some();
                    assert_eq!(exists_in_a_century(yy, month, day), chrono, "{day}/{month}/{yy}");
                }
            }
        }
    }

    #[test]
    fn round_trip_through_text() {
        let nik = Nik::parse("32.04.11-460997-0001").unwrap();
        assert_eq!(nik.to_string().parse::<Nik>().unwrap(), nik);
    }

    #[test]
    fn check_reports_every_code() {
        let c = check_nik("1100000000000000", as_of());
        let codes: Vec<&str> = c.codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            codes,
            ["NIK_TEMPORARY", "NIK_REGENCY_UNKNOWN", "NIK_DAY_INVALID", "NIK_SERIAL_ZERO"]
        );
        assert_eq!(c.status(), Status::Error);
    }

    #[test]
    fn birth_after_as_of_is_invalid() {
        // Both 1997 and 1897 are after this as_of.
        let as_of = NaiveDate::from_ymd_opt(1890, 1, 1).unwrap();
        let c = check_nik("3204110609970001", as_of);
        assert_eq!(c.codes, [Code::NikDateInvalid]);
        assert!(c.nik.is_none());
    }

    #[test]
    fn masking_keeps_region_and_serial() {
        assert_eq!(Nik::parse("3201014101900001").unwrap().masked(), "3201********0001");
        assert_eq!(crate::mask("1234"), "****");
        assert_eq!(crate::mask("320101410190000"), "32***********00");
        assert_eq!(crate::mask("Budi Santoso"), "Bu********so");
    }
}
