//! Input normalisation shared by NIK and KK: the 16 digits, whatever the spreadsheet did.

use crate::code::Code;
use crate::region::{self, District, Historical, Province, Regency};

/// Which number a check is about, for picking its codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Nik,
    Kk,
}

/// Why text is not 16 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    ExcelNotation,
    NonDigit { ch: char, pos: usize },
    Length { found: usize },
}

/// 16 ASCII digits and whether anything had to be removed to get them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Digits {
    pub(crate) ascii: [u8; 16],
    pub(crate) reformatted: bool,
}

/// Extracts the 16 digits: trims, drops a leading `'` (Excel's text marker) and spaces, dots
/// and dashes anywhere; detects Excel's scientific notation (`3.20411E+15`).
pub(crate) fn normalize(input: &str) -> Result<Digits, Shape> {
    let bytes = input.as_bytes();
    // The common case: exactly 16 ASCII digits.
    if let Ok(ascii) = <[u8; 16]>::try_from(bytes)
        && ascii.iter().all(u8::is_ascii_digit)
    {
        return Ok(Digits { ascii, reformatted: false });
    }
    let trimmed = input.trim();
    let body = trimmed.strip_prefix('\'').unwrap_or(trimmed);
    if looks_like_excel_notation(body) {
        return Err(Shape::ExcelNotation);
    }
    let mut ascii = [0u8; 16];
    let mut n = 0usize;
    for (pos, ch) in input.chars().enumerate() {
        match ch {
            '0'..='9' => {
                if let Some(slot) = ascii.get_mut(n) {
                    *slot = ch as u8;
                }
                n += 1;
            }
            ' ' | '.' | '-' | '\t' | '\u{a0}' => {}
            '\'' if pos == leading_quote_position(input) => {}
            _ => return Err(Shape::NonDigit { ch, pos: pos + 1 }),
        }
    }
    if n != 16 {
        return Err(Shape::Length { found: n });
    }
    Ok(Digits { ascii, reformatted: true })
}

/// The char index of the first non-space character when it is `'`, else `usize::MAX`.
fn leading_quote_position(input: &str) -> usize {
    input
        .chars()
        .position(|c| !c.is_whitespace())
        .filter(|&i| input.chars().nth(i) == Some('\''))
        .unwrap_or(usize::MAX)
}

/// `3.20411E+15`, `3,2E15`, `3E+15`: a number Excel showed in scientific notation.
fn looks_like_excel_notation(s: &str) -> bool {
    let Some(e) = s.find(['E', 'e']) else { return false };
    let (mantissa, exponent) = (&s[..e], &s[e + 1..]);
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.as_bytes()[0].is_ascii_digit()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

impl Digits {
    /// The number formed by digits `from..to`.
    pub(crate) fn num(&self, from: usize, to: usize) -> u32 {
        self.ascii[from..to].iter().fold(0, |acc, &x| acc * 10 + u32::from(x - b'0'))
    }

    /// The digits as ASCII.
    pub(crate) fn ascii(&self) -> [u8; 16] {
        self.ascii
    }

    /// One digit repeated, or the `1234567890123456` test number.
    pub(crate) fn is_placeholder(&self) -> bool {
        self.ascii.iter().all(|&x| x == self.ascii[0]) || &self.ascii == b"1234567890123456"
    }
}

/// The regency digits of a number, resolved.
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "snake_case"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegencyCode {
    /// A current regency or city.
    Current(&'static Regency),
    /// A former code (e.g. Papua before 2022), with its current equivalent.
    Historical(&'static Historical),
}

/// The district digits of a number, resolved.
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "snake_case"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DistrictCode {
    /// A current district.
    Current(&'static District),
    /// A former code, with its current equivalent.
    Historical(&'static Historical),
    /// Not in the current or archived lists (the archives reach back to 2015), or not looked
    /// up because the regency code is a former one.
    Unknown,
}

/// Where a number was registered: digits 1-6, resolved against the official tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    code: [u8; 6],
    province: &'static Province,
    regency: RegencyCode,
    district: DistrictCode,
}

impl Region {
    /// The province.
    pub fn province(&self) -> &'static Province {
        self.province
    }

    /// The regency, current or former.
    pub fn regency(&self) -> RegencyCode {
        self.regency
    }

    /// The district, current, former or unknown.
    pub fn district(&self) -> DistrictCode {
        self.district
    }

    /// Digits 1-2 as written.
    pub fn province_code(&self) -> &str {
        self.code_str(2)
    }

    /// Digits 1-4 as written.
    pub fn regency_code(&self) -> &str {
        self.code_str(4)
    }

    /// Digits 1-6 as written.
    pub fn district_code(&self) -> &str {
        self.code_str(6)
    }

    fn code_str(&self, len: usize) -> &str {
        // ASCII digits by construction.
        std::str::from_utf8(&self.code[..len]).unwrap_or("")
    }

    /// The regency's current name (for a former code, the name of its successor).
    pub fn regency_name(&self) -> &'static str {
        match self.regency {
            RegencyCode::Current(r) => r.name(),
            RegencyCode::Historical(h) => h.current_name(),
        }
    }

    /// The district's current name, if known.
    pub fn district_name(&self) -> Option<&'static str> {
        match self.district {
            DistrictCode::Current(d) => Some(d.name()),
            DistrictCode::Historical(h) => Some(h.current_name()),
            DistrictCode::Unknown => None,
        }
    }

    /// The current code of a former regency code.
    pub fn current_regency_code(&self) -> Option<&'static str> {
        match self.regency {
            RegencyCode::Historical(h) => Some(h.current_code()),
            RegencyCode::Current(_) => None,
        }
    }

    /// The current code of a former district code.
    pub fn current_district_code(&self) -> Option<&'static str> {
        match self.district {
            DistrictCode::Historical(h) => Some(h.current_code()),
            _ => None,
        }
    }
}

/// The region of digits 1-6 (`"320411"`) when the province and regency are known.
#[cfg(feature = "serde")]
pub(crate) fn region_from_code(code: &str) -> Option<Region> {
    let code = code.as_bytes();
    if code.len() != 6 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut ascii = [b'0'; 16];
    ascii[..6].copy_from_slice(code);
    resolve_region(&Digits { ascii, reformatted: false }, Kind::Nik, &mut CodeSet::default())
}

/// The region checks of rules 6-8: a resolved region (if the province and regency are
/// known) and the codes found.
pub(crate) fn resolve_region(d: &Digits, kind: Kind, codes: &mut CodeSet) -> Option<Region> {
    let pick = |nik: Code, kk: Code| if kind == Kind::Nik { nik } else { kk };
    let t = region::tables();
    let Some(province) = t.province(d.num(0, 2)) else {
        codes.insert(pick(Code::NikProvinceUnknown, Code::KkProvinceUnknown));
        return None;
    };
    let regency_number = d.num(0, 4);
    let (regency, district) = if let Some(r) = t.regency(regency_number) {
        let district_number = d.num(0, 6);
        let district = if let Some(x) = t.district(district_number) {
            DistrictCode::Current(x)
        } else if let Some(h) = t.historical_district(district_number) {
            codes.insert(pick(Code::NikDistrictHistorical, Code::KkDistrictHistorical));
            DistrictCode::Historical(h)
        } else {
            codes.insert(pick(Code::NikDistrictUnknown, Code::KkDistrictUnknown));
            DistrictCode::Unknown
        };
        (RegencyCode::Current(r), district)
    } else if let Some(h) = t.historical_regency(regency_number) {
        codes.insert(pick(Code::NikRegencyHistorical, Code::KkRegencyHistorical));
        let district = t
            .historical_district(d.num(0, 6))
            .map_or(DistrictCode::Unknown, DistrictCode::Historical);
        (RegencyCode::Historical(h), district)
    } else {
        codes.insert(pick(Code::NikRegencyUnknown, Code::KkRegencyUnknown));
        return None;
    };
    let mut code = [0u8; 6];
    code.copy_from_slice(&d.ascii[..6]);
    Some(Region { code, province, regency, district })
}

/// A small set of [`Code`]s (there are fewer than 64), kept in documentation order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CodeSet(u64);

impl CodeSet {
    pub(crate) fn insert(&mut self, code: Code) {
        self.0 |= code.bit();
    }

    pub(crate) fn contains(&self, code: Code) -> bool {
        self.0 & code.bit() != 0
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = Code> {
        Code::ALL.iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, &c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! shape {
        ($name:ident, $input:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(normalize($input).map(|d| d.reformatted), $expected);
            }
        };
    }

    shape!(plain, "3204110609970001", Ok(false));
    shape!(spaces, "3204 1106 0997 0001", Ok(true));
    shape!(dots_and_dashes, "32.04.11-060997-0001", Ok(true));
    shape!(leading_quote, "'3204110609970001", Ok(true));
    shape!(surrounding_space, " 3204110609970001 ", Ok(true));
    shape!(excel, "3.20411E+15", Err(Shape::ExcelNotation));
    shape!(excel_lower, "3.204110609970001e15", Err(Shape::ExcelNotation));
    shape!(letter, "32041106099700O1", Err(Shape::NonDigit { ch: 'O', pos: 15 }));
    shape!(short, "320411060997000", Err(Shape::Length { found: 15 }));
    shape!(long, "32041106099700011", Err(Shape::Length { found: 17 }));
    shape!(empty, "", Err(Shape::Length { found: 0 }));
    shape!(quote_inside, "3204'110609970001", Err(Shape::NonDigit { ch: '\'', pos: 5 }));
    shape!(unicode_digit, "３204110609970001", Err(Shape::NonDigit { ch: '３', pos: 1 }));

    #[test]
    fn placeholders() {
        assert!(normalize("0000000000000000").unwrap().is_placeholder());
        assert!(normalize("1234567890123456").unwrap().is_placeholder());
        assert!(!normalize("3204110609970001").unwrap().is_placeholder());
    }

    #[test]
    fn code_set_keeps_documentation_order() {
        let mut s = CodeSet::default();
        s.insert(Code::NikSerialZero);
        s.insert(Code::NikLength);
        assert!(s.contains(Code::NikLength));
        assert_eq!(s.iter().collect::<Vec<_>>(), [Code::NikLength, Code::NikSerialZero]);
    }
}
