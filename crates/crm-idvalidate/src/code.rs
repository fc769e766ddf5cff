//! Stable finding codes and their severities.

use std::fmt;

/// How serious a finding is. A record's status is its worst finding's severity.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, nothing wrong (the input was reformatted, the century was ambiguous).
    Info,
    /// Possibly wrong: check it (an old region code, an implausible age).
    Warning,
    /// Certainly wrong: the number cannot be a real NIK / KK as written.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// The overall verdict on a number or record: its worst severity, or valid.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// No finding worse than [`Severity::Info`].
    Valid,
    /// At least one [`Severity::Warning`], no error.
    Warning,
    /// At least one [`Severity::Error`].
    Error,
}

impl Status {
    /// The status for a set of codes.
    pub fn of(codes: &[Code]) -> Status {
        match codes.iter().map(|c| c.severity()).max() {
            Some(Severity::Error) => Status::Error,
            Some(Severity::Warning) => Status::Warning,
            _ => Status::Valid,
        }
    }

    /// `"valid"`, `"warning"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal, $severity:ident;)*) => {
        /// A stable finding code. The text form (`NIK_LENGTH`) never changes meaning once
        /// released; new codes may be added.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable text form, e.g. `"NIK_LENGTH"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// This code's bit in a 64-bit set (codes are declared in documentation order).
            pub(crate) fn bit(self) -> u64 {
                1 << (self as u32)
            }

            /// How serious the finding is.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

codes! {
    /// Spaces, dots, dashes or a leading `'` were removed before parsing.
    NikReformatted = "NIK_REFORMATTED", Info;
    /// Excel scientific notation such as `3.20411E+15`: the digits are lost.
    NikExcelNotation = "NIK_EXCEL_NOTATION", Error;
    /// A character other than an ASCII digit.
    NikNonDigit = "NIK_NON_DIGIT", Error;
    /// Not 16 digits.
    NikLength = "NIK_LENGTH", Error;
    /// A placeholder: all zeros, one repeated digit, `1234567890123456`.
    NikPlaceholder = "NIK_PLACEHOLDER", Error;
    /// A temporary number with birth date `000000` (OpenSID "NIK sementara").
    NikTemporary = "NIK_TEMPORARY", Error;
    /// Digits 1-2 are not one of the 38 provinces.
    NikProvinceUnknown = "NIK_PROVINCE_UNKNOWN", Error;
    /// Digits 1-4 are not a current or former regency.
    NikRegencyUnknown = "NIK_REGENCY_UNKNOWN", Error;
    /// Digits 1-4 are a former regency code (e.g. pre-2022 Papua), still valid on old NIKs.
    NikRegencyHistorical = "NIK_REGENCY_HISTORICAL", Warning;
    /// Digits 1-6 are not a current or former district of a known regency.
    NikDistrictUnknown = "NIK_DISTRICT_UNKNOWN", Warning;
    /// Digits 1-6 are a former district code.
    NikDistrictHistorical = "NIK_DISTRICT_HISTORICAL", Warning;
    /// Day not in 01-31 (men) or 41-71 (women).
    NikDayInvalid = "NIK_DAY_INVALID", Error;
    /// Month not in 01-12.
    NikMonthInvalid = "NIK_MONTH_INVALID", Error;
    /// No real date in either century (31 February, 29 February of a non-leap year), or a
    /// birth date after `as_of`.
    NikDateInvalid = "NIK_DATE_INVALID", Error;
    /// Serial 0000.
    NikSerialZero = "NIK_SERIAL_ZERO", Error;
    /// Both 19YY and 20YY give a plausible age; the later one was chosen.
    NikCenturyAmbiguous = "NIK_CENTURY_AMBIGUOUS", Info;
    /// Age under 17 (KTP age) or over 100 at `as_of`.
    NikAgeImplausible = "NIK_AGE_IMPLAUSIBLE", Warning;
    /// Spaces, dots, dashes or a leading `'` were removed before parsing.
    KkReformatted = "KK_REFORMATTED", Info;
    /// Excel scientific notation.
    KkExcelNotation = "KK_EXCEL_NOTATION", Error;
    /// A character other than an ASCII digit.
    KkNonDigit = "KK_NON_DIGIT", Error;
    /// Not 16 digits.
    KkLength = "KK_LENGTH", Error;
    /// A placeholder or temporary number.
    KkPlaceholder = "KK_PLACEHOLDER", Error;
    /// Digits 1-2 are not one of the 38 provinces.
    KkProvinceUnknown = "KK_PROVINCE_UNKNOWN", Error;
    /// Digits 1-4 are not a current or former regency.
    KkRegencyUnknown = "KK_REGENCY_UNKNOWN", Error;
    /// Digits 1-4 are a former regency code.
    KkRegencyHistorical = "KK_REGENCY_HISTORICAL", Warning;
    /// Digits 1-6 are not a current or former district.
    KkDistrictUnknown = "KK_DISTRICT_UNKNOWN", Warning;
    /// Digits 1-6 are a former district code.
    KkDistrictHistorical = "KK_DISTRICT_HISTORICAL", Warning;
    /// Day 41-71: a woman's NIK was entered as the KK number.
    KkLooksLikeNik = "KK_LOOKS_LIKE_NIK", Error;
    /// Digits 7-12 are not a real date (or it is after `as_of`).
    KkDateInvalid = "KK_DATE_INVALID", Error;
    /// The issue year only fits the 1900s (20YY would be after `as_of`).
    KkIssueYearOld = "KK_ISSUE_YEAR_OLD", Warning;
    /// Serial 0000.
    KkSerialZero = "KK_SERIAL_ZERO", Error;
    /// The NIK's birth date differs from the recorded one.
    NikDobMismatch = "NIK_DOB_MISMATCH", Warning;
    /// The NIK's birth date is the recorded one with day and month swapped.
    NikDobSwapped = "NIK_DOB_SWAPPED", Warning;
    /// The NIK's sex (day +40) differs from the recorded gender.
    NikGenderMismatch = "NIK_GENDER_MISMATCH", Warning;
    /// The NIK came from a number cell and ends in 0: Excel keeps 15 significant digits, so
    /// the 16th was probably lost (store NIKs as text).
    NikExcelTruncated = "NIK_EXCEL_TRUNCATED", Warning;
    /// The same NIK appears on records with different names or birth dates in the batch.
    NikDuplicate = "NIK_DUPLICATE", Warning;
    /// The KK number equals the NIK.
    KkEqualsNik = "KK_EQUALS_NIK", Error;
    /// No name given.
    NameMissing = "NAME_MISSING", Error;
    /// Digits in a name.
    NameDigits = "NAME_DIGITS", Error;
    /// A character other than letters, spaces, joining `'` / `-`, dots after abbreviations
    /// and commas before degrees.
    NameInvalidChar = "NAME_INVALID_CHAR", Error;
    /// Letters outside A-Z (accents); KTP names are plain Latin letters.
    NameNonLatin = "NAME_NON_LATIN", Warning;
    /// Longer than 60 characters.
    NameTooLong = "NAME_TOO_LONG", Warning;
    /// Fewer than two letters.
    NameTooShort = "NAME_TOO_SHORT", Error;
    /// The same letter four or more times in a row.
    NameRepeated = "NAME_REPEATED", Warning;
    /// One word only (allowed on documents issued before 2022).
    NameOneWord = "NAME_ONE_WORD", Warning;
    /// No birthplace given.
    BirthplaceMissing = "BIRTHPLACE_MISSING", Warning;
    /// The birthplace matched an official name through an alias, old spelling or a fuzzy
    /// match (the canonical name is in the output).
    BirthplaceCorrected = "BIRTHPLACE_CORRECTED", Info;
    /// The birthplace matched no official name above the threshold.
    BirthplaceUnknown = "BIRTHPLACE_UNKNOWN", Warning;
    /// The recorded birth date is not a date in a form [`crm_core::parse_date`] reads
    /// (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYYMMDD, ...).
    BirthDateInvalid = "BIRTH_DATE_INVALID", Error;
    /// The recorded gender is not one of L/P, M/F, Laki-laki/Perempuan, Pria/Wanita.
    GenderInvalid = "GENDER_INVALID", Error;
    /// Many NIKs of the batch end in 0: Excel probably cut the 16th digit (it keeps 15).
    BatchExcelTruncationSuspected = "BATCH_EXCEL_TRUNCATION_SUSPECTED", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Code, UnknownCode> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s).ok_or(UnknownCode)
    }
}

/// The error of parsing a [`Code`] from text that is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown finding code")]
pub struct UnknownCode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_text() {
        for &code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
        }
        assert_eq!("NOPE".parse::<Code>(), Err(UnknownCode));
    }

    #[test]
    fn codes_fit_a_64_bit_set_in_order() {
        assert!(Code::ALL.len() <= 64);
        for (i, code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.bit(), 1 << i);
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), Code::ALL.len());
    }

    #[test]
    fn status_is_the_worst_severity() {
        assert_eq!(Status::of(&[]), Status::Valid);
        assert_eq!(Status::of(&[Code::NikReformatted]), Status::Valid);
        assert_eq!(
            Status::of(&[Code::NikReformatted, Code::NikRegencyHistorical]),
            Status::Warning
        );
        assert_eq!(Status::of(&[Code::NikRegencyHistorical, Code::NikLength]), Status::Error);
    }
}
