//! Parsing and validation of Indonesian identity numbers: the NIK on the KTP card and the KK
//! family card number, against the official Kemendagri region codes.
//!
//! # Overview
//! * [`Nik::parse`] and [`Kk::parse`] turn text into typed values (spaces, dots, dashes and
//!   Excel's leading `'` are removed; Excel's scientific notation is its own error). A parsed
//!   value proves the number passed every Error-level rule; [`Region`] says where it was
//!   registered, with former codes (pre-2022 Papua, Kalimantan Utara before 2012, ...) kept
//!   as [`RegencyCode::Historical`] / [`DistrictCode::Historical`].
//! * [`check_nik`] and [`check_kk`] apply every rule at once and return all findings as
//!   stable [`Code`]s with a [`Severity`] and an overall [`Status`], plus whatever fields
//!   could be derived ([`NikCheck`], [`KkCheck`]). The birth year's century and the KK
//!   issue year are resolved against an `as_of` date the caller passes: this crate does no
//!   I/O and never reads the clock.
//! * [`check_name`] applies the KTP naming rules; [`BirthplaceMatcher`] matches free-text
//!   birthplaces to official names (prefixes, aliases, pre-1972 spelling, fuzzy matching).
//! * [`RecordValidator`] checks whole customer [`Record`]s: every field, the NIK against the
//!   recorded birth date and gender, KK against NIK; [`RecordValidator::validate_batch`] runs
//!   in parallel, flags NIKs shared by different people and Excel-truncated NIKs, and
//!   returns a [`Summary`] by status, code, field and field × code.
//! * [`province`], [`regency`], [`district`] and [`historical`] look codes up in the
//!   embedded tables (38 provinces, 514 regencies, 7,285 districts, 630 former codes).
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use crm_idvalidate::{check_nik, Code, Gender, Nik, Status};
//!
//! let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
//! let nik = Nik::parse("3171015708900002")?;
//! assert_eq!(nik.region().regency_name(), "Kota Administrasi Jakarta Pusat");
//! assert_eq!(nik.gender(), Gender::Female);
//! assert_eq!(nik.birth_date(as_of).unwrap().date().to_string(), "1990-08-17");
//!
//! // All findings of a damaged number, for an audit trail:
//! let check = check_nik("3171 0132 0290 0000", as_of);
//! assert_eq!(check.status(), Status::Error);
//! assert_eq!(check.codes, [Code::NikReformatted, Code::NikDayInvalid, Code::NikSerialZero]);
//! # Ok::<(), crm_idvalidate::ParseError>(())
//! ```
//!
//! # Crate features
//! * **serde** - derives `Serialize` for every result and report type: [`NikCheck`],
//!   [`KkCheck`], [`NameCheck`], [`RecordResult`], [`BatchResult`], [`Finding`], [`Summary`],
//!   [`PlaceMatch`], [`Region`] and the table rows ([`Province`], [`Regency`], [`District`],
//!   [`Historical`], [`RegencyCode`], [`DistrictCode`]), and for the params [`RecordValidator`],
//!   [`BirthplaceMatcher`] and the input [`Record`]. All of them except the table rows also
//!   implement `Deserialize`; a [`Region`] or [`Place`] is read back by looking its code up in
//!   the tables. [`Code`] serialises as its stable text (`"NIK_LENGTH"`), [`Nik`] and [`Kk`] as
//!   their 16 digits (in full: mask before logging), [`Status`], [`Severity`], [`Field`],
//!   [`Gender`], [`MatchKind`] and [`PlaceLevel`] as their lower-case names (`"birth_date"`,
//!   `"old_spelling"`), and dates as `YYYY-MM-DD`. Off by default.
//!
//! # Dependencies
//! crm-core (the shared date, mask and missing-value rules), rapidfuzz (birthplace
//! similarity) and rayon (batch validation) are the chosen crates; chrono for dates; serde
//! only with the feature.
//!
//! # Data
//! The region tables come from cahyadsn/wilayah (MIT; Kepmendagri 300.2.2-2138/2025), see
//! `data/SOURCE.md` and `data/LICENSE-cahyadsn-wilayah.txt`. Codes are Kemendagri codes, not
//! BPS codes (which differ for 164 regencies).

mod birthplace;
mod code;
mod digits;
mod error;
mod kk;
mod name;
mod nik;
mod record;
mod region;
#[cfg(feature = "serde")]
mod serde_impl;

pub use crate::birthplace::{
    BirthplaceMatcher, MatchKind, Place, PlaceLevel, PlaceMatch, normalize_place,
};
pub use crate::code::{Code, Severity, Status, UnknownCode};
pub use crate::digits::{DistrictCode, RegencyCode, Region};
pub use crate::error::{ParseError, Result};
pub use crate::kk::{Kk, KkCheck, check_kk};
pub use crate::name::{MAX_NAME_CHARS, NameCheck, check_name};
pub use crate::nik::{BirthDate, Gender, Nik, NikCheck, check_nik};
pub use crate::record::{
    BatchResult, Field, Finding, Record, RecordResult, RecordValidator, Summary,
};
pub use crate::region::{
    District, Historical, Province, Regency, district, districts, historical, province, provinces,
    regencies, regency,
};
/// Masks a NIK, KK or other personal data for logs (`3201********0001`): crm-core's one
/// masking rule, re-exported.
pub use crm_core::mask;
