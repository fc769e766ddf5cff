//! The official region codes (kode wilayah Kemendagri): provinces, regencies, districts, and
//! the former codes that old NIKs still carry.
//!
//! The tables are the crate's `data/*.csv`, extracted from cahyadsn/wilayah (MIT, Kepmendagri
//! 300.2.2-2138/2025: 38 provinces, 514 regencies, 7,285 districts) plus 630 former codes
//! (see `data/SOURCE.md`). They are embedded in the binary and indexed on first use; lookups
//! never allocate (arrays for provinces and regencies, binary search for districts).
//! Codes are always strings of digits, never numbers (`"1101"`, not `1101`).

use std::sync::OnceLock;

/// A province (2-digit code).
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Province {
    code: &'static str,
    name: &'static str,
}

impl Province {
    /// The 2-digit code, e.g. `"32"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The official name, e.g. `"Jawa Barat"`.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// A regency (kabupaten) or city (kota), 4-digit code.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Regency {
    code: &'static str,
    name: &'static str,
}

impl Regency {
    /// The 4-digit code, e.g. `"3204"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The official name with its `Kabupaten` / `Kota` prefix, e.g. `"Kabupaten Bandung"`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether this is a city (kota, codes 71-99) rather than a kabupaten.
    pub fn is_city(&self) -> bool {
        self.code.as_bytes().get(2).is_some_and(|&b| b >= b'7')
    }
}

/// A district (kecamatan), 6-digit code.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct District {
    code: &'static str,
    name: &'static str,
}

impl District {
    /// The 6-digit code, e.g. `"320411"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The official name, e.g. `"Katapang"`.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// A former regency or district code and the code that replaced it.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Historical {
    old_code: &'static str,
    old_name: &'static str,
    current_code: &'static str,
    current_name: &'static str,
}

impl Historical {
    /// The former code, as old NIKs carry it.
    pub fn old_code(&self) -> &'static str {
        self.old_code
    }

    /// The name it had.
    pub fn old_name(&self) -> &'static str {
        self.old_name
    }

    /// The code of the same place today.
    pub fn current_code(&self) -> &'static str {
        self.current_code
    }

    /// The name of the same place today.
    pub fn current_name(&self) -> &'static str {
        self.current_name
    }
}

pub(crate) struct Tables {
    provinces: Vec<Province>,
    regencies: Vec<Regency>,
    districts: Vec<District>,
    /// Province code (0-99) → index in `provinces`.
    province_index: [Option<u8>; 100],
    /// Regency code (0-9999) → index in `regencies`.
    regency_index: Vec<Option<u16>>,
    /// (index of the regency in `regencies`) * 100 + district digits → index in `districts`
    /// + 1 (0: none). District digits run 01-99, so every lookup is one array read.
    district_slots: Vec<u16>,
    historical_regencies: Vec<(u32, Historical)>,
    historical_districts: Vec<(u32, Historical)>,
}

const PROVINCES: &str = include_str!("../data/provinces.csv");
const REGENCIES: &str = include_str!("../data/regencies.csv");
const DISTRICTS: &str = include_str!("../data/districts.csv");
const HISTORICAL: &str = include_str!("../data/historical_codes.csv");

/// The fields of one CSV line; quoted fields lose their quotes (the tables hold no escaped
/// quotes).
pub(crate) fn csv_fields(line: &'static str) -> Vec<&'static str> {
    let mut out = Vec::with_capacity(8);
    let mut rest = line.trim_end_matches('\r');
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            out.push(&quoted[..end]);
            rest = quoted.get(end + 1..).unwrap_or("");
            rest = rest.strip_prefix(',').unwrap_or(rest);
            if rest.is_empty() {
                break;
            }
        } else {
            match rest.find(',') {
                Some(i) => {
                    out.push(&rest[..i]);
                    rest = &rest[i + 1..];
                }
                None => {
                    out.push(rest);
                    break;
                }
            }
        }
    }
    out
}

fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).map(csv_fields)
}

fn number(code: &str) -> Option<u32> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code.parse().ok()
}

pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let provinces: Vec<Province> =
            rows(PROVINCES).map(|f| Province { code: f[0], name: f[1] }).collect();
        let regencies: Vec<Regency> =
            rows(REGENCIES).map(|f| Regency { code: f[0], name: f[2] }).collect();
        let mut districts: Vec<District> =
            rows(DISTRICTS).map(|f| District { code: f[0], name: f[2] }).collect();
        districts.sort_by_key(|d| number(d.code));
        let mut province_index = [None; 100];
        for (i, p) in provinces.iter().enumerate() {
            if let Some(n) = number(p.code).filter(|&n| n < 100) {
                province_index[n as usize] = u8::try_from(i).ok();
            }
        }
        let mut regency_index = vec![None; 10_000];
        for (i, r) in regencies.iter().enumerate() {
            if let Some(n) = number(r.code).filter(|&n| n < 10_000) {
                regency_index[n as usize] = u16::try_from(i).ok();
            }
        }
        let district_codes: Vec<u32> =
            districts.iter().map(|d| number(d.code).unwrap_or(u32::MAX)).collect();
        let mut district_slots = vec![0u16; regencies.len() * 100];
        for (i, &code) in district_codes.iter().enumerate() {
            let regency = regency_index.get((code / 100) as usize).copied().flatten();
            if let (Some(r), Ok(slot)) = (regency, u16::try_from(i + 1)) {
                district_slots[usize::from(r) * 100 + (code % 100) as usize] = slot;
            }
        }
        let mut historical_regencies = Vec::new();
        let mut historical_districts = Vec::new();
        for f in rows(HISTORICAL) {
            let (
                Some(level),
                Some(&old_code),
                Some(&old_name),
                Some(&current_code),
                Some(&current_name),
            ) = (f.first(), f.get(1), f.get(2), f.get(4), f.get(5))
            else {
                continue;
            };
            let Some(n) = number(old_code) else { continue };
            let h = Historical { old_code, old_name, current_code, current_name };
            match *level {
                "regency" => historical_regencies.push((n, h)),
                "district" => historical_districts.push((n, h)),
                _ => {}
            }
        }
        historical_regencies.sort_by_key(|(n, _)| *n);
        historical_districts.sort_by_key(|(n, _)| *n);
        Tables {
            provinces,
            regencies,
            districts,
            province_index,
            regency_index,
            district_slots,
            historical_regencies,
            historical_districts,
        }
    })
}

impl Tables {
    /// The province with this 2-digit code number (`32` for Jawa Barat).
    pub(crate) fn province(&'static self, code: u32) -> Option<&'static Province> {
        let i = (*self.province_index.get(code as usize)?)?;
        self.provinces.get(usize::from(i))
    }

    /// The current regency with this 4-digit code number.
    pub(crate) fn regency(&'static self, code: u32) -> Option<&'static Regency> {
        let i = (*self.regency_index.get(code as usize)?)?;
        self.regencies.get(usize::from(i))
    }

    /// The current district with this 6-digit code number.
    pub(crate) fn district(&'static self, code: u32) -> Option<&'static District> {
        let regency = (*self.regency_index.get((code / 100) as usize)?)?;
        let slot = *self.district_slots.get(usize::from(regency) * 100 + (code % 100) as usize)?;
        self.districts.get(usize::from(slot).checked_sub(1)?)
    }

    /// The former regency with this 4-digit code number.
    pub(crate) fn historical_regency(&'static self, code: u32) -> Option<&'static Historical> {
        let i = self.historical_regencies.binary_search_by_key(&code, |(n, _)| *n).ok()?;
        Some(&self.historical_regencies[i].1)
    }

    /// The former district with this 6-digit code number.
    pub(crate) fn historical_district(&'static self, code: u32) -> Option<&'static Historical> {
        let i = self.historical_districts.binary_search_by_key(&code, |(n, _)| *n).ok()?;
        Some(&self.historical_districts[i].1)
    }
}

/// The province with this 2-digit code.
///
/// ```
/// assert_eq!(crm_idvalidate::province("32").unwrap().name(), "Jawa Barat");
/// assert!(crm_idvalidate::province("99").is_none());
/// ```
pub fn province(code: &str) -> Option<&'static Province> {
    number(code).filter(|_| code.len() == 2).and_then(|n| tables().province(n))
}

/// The current regency or city with this 4-digit code (Kemendagri numbering, not BPS).
///
/// ```
/// assert_eq!(crm_idvalidate::regency("3171").unwrap().name(), "Kota Administrasi Jakarta Pusat");
/// ```
pub fn regency(code: &str) -> Option<&'static Regency> {
    number(code).filter(|_| code.len() == 4).and_then(|n| tables().regency(n))
}

/// The current district with this 6-digit code.
///
/// ```
/// assert_eq!(crm_idvalidate::district("320411").unwrap().name(), "Katapang");
/// ```
pub fn district(code: &str) -> Option<&'static District> {
    number(code).filter(|_| code.len() == 6).and_then(|n| tables().district(n))
}

/// A former regency code (4 digits) or district code (6 digits), with its current
/// equivalent.
///
/// ```
/// let merauke = crm_idvalidate::historical("9101").unwrap();
/// assert_eq!(merauke.current_code(), "9301");
/// ```
pub fn historical(code: &str) -> Option<&'static Historical> {
    let n = number(code)?;
    match code.len() {
        4 => tables().historical_regency(n),
        6 => tables().historical_district(n),
        _ => None,
    }
}

/// Every province, in code order.
pub fn provinces() -> &'static [Province] {
    &tables().provinces
}

/// Every current regency and city, in code order.
pub fn regencies() -> &'static [Regency] {
    &tables().regencies
}

/// Every current district, in code order.
pub fn districts() -> &'static [District] {
    &tables().districts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_kepmendagri_2025() {
        assert_eq!(provinces().len(), 38);
        assert_eq!(regencies().len(), 514);
        assert_eq!(regencies().iter().filter(|r| r.is_city()).count(), 98);
        assert_eq!(districts().len(), 7_285);
        assert_eq!(tables().historical_regencies.len() + tables().historical_districts.len(), 630);
    }

    #[test]
    fn kemendagri_not_bps_codes() {
        // BPS numbers Jakarta's cities differently: 3171 is Jakarta Selatan there.
        assert_eq!(regency("3171").unwrap().name(), "Kota Administrasi Jakarta Pusat");
        assert_eq!(regency("3174").unwrap().name(), "Kota Administrasi Jakarta Selatan");
        assert_eq!(province("91").unwrap().name(), "Papua");
    }

    #[test]
    fn every_district_is_found_by_its_code() {
        for d in districts() {
            assert_eq!(district(d.code()), Some(d));
        }
        assert!(district("320400").is_none());
        assert!(district("999999").is_none());
    }

    #[test]
    fn codes_must_have_their_length() {
        assert!(regency("101").is_none());
        assert!(district("32041").is_none());
        assert!(province("032").is_none());
        assert!(province("3a").is_none());
    }

    #[test]
    fn quoted_csv_fields_are_split() {
        assert_eq!(csv_fields("a,\"b, c\",d"), ["a", "b, c", "d"]);
        assert_eq!(csv_fields("a,,\"x\""), ["a", "", "x"]);
    }

    #[test]
    fn former_papua_codes_map_to_today() {
        let h = historical("9101").unwrap();
        assert_eq!((h.current_code(), h.current_name()), ("9301", "Kabupaten Merauke"));
        assert!(historical("3204").is_none());
    }
}
