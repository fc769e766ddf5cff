//! KK: the 16-digit family card (Kartu Keluarga) number.
//!
//! `PP KK CC DDMMYY SSSS`: digits 1-6 are the district that issued the card, 7-12 the date the
//! family was recorded (no +40, year 20YY unless that is after `as_of`), 13-16 a family
//! serial. Unlike a NIK, a KK number changes when a family moves or splits, so its region
//! may legitimately differ from its members' NIKs.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::code::{Code, Status};
use crate::digits::{Kind, Region, normalize};
use crate::error::ParseError;
use crate::nik::{Analysis, date, exists_in_a_century, shape_codes, shape_error};

/// A KK number whose structure, region and date are valid.
///
/// ```
/// use chrono::NaiveDate;
/// use crm_idvalidate::Kk;
/// let kk = Kk::parse("3273012501190001")?;
/// assert_eq!(kk.region().district_name(), Some("Sukasari"));
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// assert_eq!(kk.issue_date(as_of).unwrap().to_string(), "2019-01-25");
/// # Ok::<(), crm_idvalidate::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kk {
    digits: [u8; 16],
    region: Region,
    day: u8,
    month: u8,
    yy: u8,
    serial: u16,
}

fn analyze(digits: crate::digits::Digits) -> Analysis {
    let mut a = Analysis::new(digits, Kind::Kk);
    if a.digits.is_placeholder() || a.digits.num(6, 12) == 0 {
        a.codes.insert(Code::KkPlaceholder);
    }
    if (41..=71).contains(&a.day) {
        a.codes.insert(Code::KkLooksLikeNik);
    } else if !exists_in_a_century(a.yy, a.month, a.day) {
        a.codes.insert(Code::KkDateInvalid);
    }
    if a.serial == 0 {
        a.codes.insert(Code::KkSerialZero);
    }
    a
}

fn first_error(a: &Analysis) -> Option<ParseError> {
    let text =
        |from: usize, to: usize| String::from_utf8_lossy(&a.digits.ascii[from..to]).into_owned();
    let c = a.codes;
    if c.contains(Code::KkPlaceholder) {
        Some(ParseError::Placeholder)
    } else if c.contains(Code::KkProvinceUnknown) {
        Some(ParseError::UnknownProvince { code: text(0, 2) })
    } else if c.contains(Code::KkRegencyUnknown) {
        Some(ParseError::UnknownRegency { code: text(0, 4) })
    } else if c.contains(Code::KkLooksLikeNik) {
        Some(ParseError::LooksLikeNik)
    } else if c.contains(Code::KkDateInvalid) {
        Some(ParseError::Date)
    } else if c.contains(Code::KkSerialZero) {
        Some(ParseError::SerialZero)
    } else {
        None
    }
}

/// The issue date: 20YY, or 19YY when 20YY is after `as_of`; the flag says it was 19YY.
fn resolve_issue(day: u32, month: u32, yy: u32, as_of: NaiveDate) -> Option<(NaiveDate, bool)> {
    match date(2000 + yy, month, day).filter(|d| *d <= as_of) {
        Some(d) => Some((d, false)),
        None => date(1900 + yy, month, day).filter(|d| *d <= as_of).map(|d| (d, true)),
    }
}

impl Kk {
    /// Parses a KK number. Spaces, dots, dashes and a leading `'` are removed first.
    ///
    /// # Errors
    /// The first Error-level problem: shape, placeholder, province, regency, a woman's NIK
    /// date, invalid date, serial 0000.
    pub fn parse(input: &str) -> Result<Kk, ParseError> {
        let a = analyze(normalize(input).map_err(shape_error)?);
        if let Some(e) = first_error(&a) {
            return Err(e);
        }
        Kk::from_analysis(&a).ok_or(ParseError::Length { found: 16 })
    }

    fn from_analysis(a: &Analysis) -> Option<Kk> {
        Some(Kk {
            digits: a.digits.ascii(),
            region: a.region?,
            day: u8::try_from(a.day).ok()?,
            month: u8::try_from(a.month).ok()?,
            yy: u8::try_from(a.yy).ok()?,
            serial: u16::try_from(a.serial).ok()?,
        })
    }

    /// Whether `input` parses as a KK number (`Kk::parse(input).is_ok()`).
    pub fn is_valid(input: &str) -> bool {
        Kk::parse(input).is_ok()
    }

    /// The issuing region.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// Digits 13-16.
    pub fn serial(&self) -> u16 {
        self.serial
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or("")
    }

    /// The number with digits 5-12 hidden, for logs: `3273********0001` ([`crm_core::mask`]).
    pub fn masked(&self) -> String {
        crm_core::mask(self.as_str())
    }

    /// The recording / issue date: 20YY, or 19YY when 20YY is after `as_of`; `None` when both
    /// are after it.
    pub fn issue_date(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        resolve_issue(u32::from(self.day), u32::from(self.month), u32::from(self.yy), as_of)
            .map(|(d, _)| d)
    }
}

impl fmt::Display for Kk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kk {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Kk, ParseError> {
        Kk::parse(s)
    }
}

/// Everything found about one KK input.
///
/// Serialised (feature `serde`), `kk` is the full number: mask it before logging.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KkCheck {
    /// Every finding, in documentation order.
    pub codes: Vec<Code>,
    /// The parsed number, when there is no Error-level finding.
    pub kk: Option<Kk>,
    /// The issuing region, when province and regency are known.
    pub region: Option<Region>,
    /// The issue date, when digits 7-12 make a date not after `as_of`.
    pub issue_date: Option<NaiveDate>,
    /// Digits 13-16, when the input has 16 digits.
    pub serial: Option<u16>,
}

impl KkCheck {
    /// The worst severity among the codes.
    pub fn status(&self) -> Status {
        Status::of(&self.codes)
    }

    /// Whether no finding is an error.
    pub fn is_valid(&self) -> bool {
        self.status() != Status::Error
    }
}

/// Checks a KK input against every rule, resolving the issue year against `as_of`.
///
/// ```
/// use chrono::NaiveDate;
/// use crm_idvalidate::{check_kk, Code};
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// // A woman's NIK (day 46) pasted into the KK column:
/// assert_eq!(check_kk("3204114609970001", as_of).codes, [Code::KkLooksLikeNik]);
/// ```
pub fn check_kk(input: &str, as_of: NaiveDate) -> KkCheck {
    let digits = match normalize(input) {
        Ok(d) => d,
        Err(shape) => {
            let codes =
                shape_codes(input, shape, Code::KkReformatted, shape_error(shape).kk_code());
            return KkCheck { codes, kk: None, region: None, issue_date: None, serial: None };
        }
    };
    let mut a = analyze(digits);
    let date_ok =
        !(a.codes.contains(Code::KkLooksLikeNik) || a.codes.contains(Code::KkDateInvalid));
    let issued = if date_ok { resolve_issue(a.day, a.month, a.yy, as_of) } else { None };
    match issued {
        None if date_ok => a.codes.insert(Code::KkDateInvalid),
        Some((_, true)) => a.codes.insert(Code::KkIssueYearOld),
        _ => {}
    }
    let kk =
        if first_error(&a).is_none() && issued.is_some() { Kk::from_analysis(&a) } else { None };
    KkCheck {
        codes: a.codes.iter().collect(),
        kk,
        region: a.region,
        issue_date: issued.map(|(d, _)| d),
        serial: u16::try_from(a.serial).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn year_is_20yy_unless_that_is_in_the_future() {
        let c = check_kk("3273012501990001", as_of());
        assert_eq!(c.codes, [Code::KkIssueYearOld]);
        assert_eq!(c.issue_date.unwrap().to_string(), "1999-01-25");
        assert_eq!(check_kk("3273012501190001", as_of()).codes, []);
    }

    #[test]
    fn a_womans_nik_is_not_a_kk() {
        assert_eq!(
            Kk::parse("3204114609970001").unwrap_err().to_string(),
            "digits 7-8 are a woman's NIK day (41-71), not a family card date"
        );
    }

    #[test]
    fn invalid_dates_and_serials() {
        assert_eq!(check_kk("3273010119170002", as_of()).codes, [Code::KkDateInvalid]);
        assert_eq!(check_kk("3273012501190000", as_of()).codes, [Code::KkSerialZero]);
        assert_eq!(check_kk("32730125011900", as_of()).codes, [Code::KkLength]);
    }
}
