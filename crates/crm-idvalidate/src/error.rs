//! The error of parsing a NIK or KK.

use crate::code::Code;

/// The crate's `Result`: the error is a [`ParseError`] unless another is named.
pub type Result<T, E = ParseError> = std::result::Result<T, E>;

/// Why text is not a valid NIK or KK. Neither the messages nor the values repeat the number
/// itself or its date digits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Excel showed the number in scientific notation (`3.20411E+15`): its digits are lost.
    #[error("number in Excel scientific notation; its last digits are lost")]
    ExcelNotation,
    /// A character that is not an ASCII digit (spaces, dots and dashes are allowed).
    #[error("invalid character {ch:?} at position {pos}")]
    NonDigit {
        /// The character.
        ch: char,
        /// Its 1-based position in the input.
        pos: usize,
    },
    /// Not 16 digits.
    #[error("expected 16 digits, found {found}")]
    Length {
        /// How many digits there were.
        found: usize,
    },
    /// A placeholder such as all zeros, one repeated digit or `1234567890123456`.
    #[error("placeholder number, not a real one")]
    Placeholder,
    /// A temporary number (digits 7-12 are `000000`).
    #[error("temporary number (date digits 000000)")]
    Temporary,
    /// Digits 1-2 are not a province.
    #[error("unknown province code {code:?}")]
    UnknownProvince {
        /// The 2 digits.
        code: String,
    },
    /// Digits 1-4 are not a current or former regency.
    #[error("unknown regency code {code:?}")]
    UnknownRegency {
        /// The 4 digits.
        code: String,
    },
    /// The day digits (7-8) are out of range (NIK: 01-31 or 41-71; KK: 01-31).
    ///
    /// The date variants carry no digits: with a masked number (`3204********0001`) they
    /// would give back the masked middle, and the day tells a woman's NIK by its +40.
    #[error("invalid day (digits 7-8)")]
    Day,
    /// The month digits (9-10) are not 01-12.
    #[error("invalid month (digits 9-10)")]
    Month,
    /// Day, month and year (digits 7-12) are no real date in either century.
    #[error("digits 7-12 are no real date")]
    Date,
    /// Day 41-71 in a KK: a woman's NIK was entered as the family card number.
    #[error("digits 7-8 are a woman's NIK day (41-71), not a family card date")]
    LooksLikeNik,
    /// Digits 13-16 are 0000.
    #[error("serial number 0000")]
    SerialZero,
}

impl ParseError {
    /// The finding code of this error for a NIK.
    pub fn nik_code(&self) -> Code {
        match self {
            ParseError::ExcelNotation => Code::NikExcelNotation,
            ParseError::NonDigit { .. } => Code::NikNonDigit,
            ParseError::Length { .. } => Code::NikLength,
            ParseError::Placeholder => Code::NikPlaceholder,
            ParseError::Temporary => Code::NikTemporary,
            ParseError::UnknownProvince { .. } => Code::NikProvinceUnknown,
            ParseError::UnknownRegency { .. } => Code::NikRegencyUnknown,
            ParseError::Day => Code::NikDayInvalid,
            ParseError::Month => Code::NikMonthInvalid,
            ParseError::Date | ParseError::LooksLikeNik => Code::NikDateInvalid,
            ParseError::SerialZero => Code::NikSerialZero,
        }
    }

    /// The finding code of this error for a KK.
    pub fn kk_code(&self) -> Code {
        match self {
            ParseError::ExcelNotation => Code::KkExcelNotation,
            ParseError::NonDigit { .. } => Code::KkNonDigit,
            ParseError::Length { .. } => Code::KkLength,
            ParseError::Placeholder | ParseError::Temporary => Code::KkPlaceholder,
            ParseError::UnknownProvince { .. } => Code::KkProvinceUnknown,
            ParseError::UnknownRegency { .. } => Code::KkRegencyUnknown,
            ParseError::Day | ParseError::Month | ParseError::Date => Code::KkDateInvalid,
            ParseError::LooksLikeNik => Code::KkLooksLikeNik,
            ParseError::SerialZero => Code::KkSerialZero,
        }
    }
}
