//! Customer names as written on a KTP (Permendagri 73/2022 "Pencatatan Nama").
//!
//! Names are Latin letters and spaces; an apostrophe or hyphen may join letters (`Ma'ruf`,
//! `Siti-Aminah`) and dots may follow abbreviated titles (`H. Ahmad`, `Dr.`); at most 60
//! characters; two or more words are expected, but documents issued before 2022 may carry
//! one-word names, so a single word is only a warning.

use crate::code::{Code, Status};

/// The most characters a name may have (spaces included).
pub const MAX_NAME_CHARS: usize = 60;

/// What [`check_name`] found.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameCheck {
    /// The name trimmed, with runs of spaces collapsed and in upper case, as KTPs print it.
    pub normalized: String,
    /// Every finding, in documentation order.
    pub codes: Vec<Code>,
}

impl NameCheck {
    /// The worst severity among the codes.
    pub fn status(&self) -> Status {
        Status::of(&self.codes)
    }
}

/// Checks a customer name.
///
/// ```
/// use crm_idvalidate::{check_name, Code};
/// let c = check_name("  siti   nur'aini ");
/// assert_eq!((c.normalized.as_str(), c.codes.as_slice()), ("SITI NUR'AINI", &[][..]));
/// assert_eq!(check_name("Budi 123").codes, [Code::NameDigits]);
/// assert_eq!(check_name("Sukarno").codes, [Code::NameOneWord]);
/// ```
pub fn check_name(input: &str) -> NameCheck {
    let normalized: String = input.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    let mut codes = Vec::new();
    if normalized.is_empty() {
        codes.push(Code::NameMissing);
        return NameCheck { normalized, codes };
    }
    let chars: Vec<char> = normalized.chars().collect();
    if chars.iter().any(char::is_ascii_digit) {
        codes.push(Code::NameDigits);
    }
    let allowed = |i: usize, c: char| -> bool {
        let letter = |j: Option<&char>| j.is_some_and(|c| c.is_alphabetic());
        match c {
            c if c.is_alphabetic() => true,
            ' ' | '0'..='9' => true,
            // Joining letters: Ma'ruf, Siti-Aminah.
            '\'' | '-' => {
                letter(i.checked_sub(1).and_then(|j| chars.get(j))) && letter(chars.get(i + 1))
            }
            // After an abbreviation: H. Ahmad, S.Kom.
            '.' => letter(i.checked_sub(1).and_then(|j| chars.get(j))),
            ',' => true,
            _ => false,
        }
    };
    if chars.iter().enumerate().any(|(i, &c)| !allowed(i, c)) {
        codes.push(Code::NameInvalidChar);
    }
    if chars.iter().any(|c| c.is_alphabetic() && !c.is_ascii_alphabetic()) {
        codes.push(Code::NameNonLatin);
    }
    if chars.len() > MAX_NAME_CHARS {
        codes.push(Code::NameTooLong);
    }
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    if letters < 2 {
        codes.push(Code::NameTooShort);
    }
    if has_run(&chars, 4) {
        codes.push(Code::NameRepeated);
    }
    if letters >= 2 && !normalized.contains(' ') {
        codes.push(Code::NameOneWord);
    }
    codes.sort();
    NameCheck { normalized, codes }
}

/// The same letter `n` or more times in a row (`AAAA`, keyboard mashing).
fn has_run(chars: &[char], n: usize) -> bool {
    chars.windows(n).any(|w| w[0].is_alphabetic() && w.iter().all(|&c| c == w[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! name {
        ($test:ident, $input:expr, [$($code:ident),*]) => {
            #[test]
            fn $test() {
                assert_eq!(check_name($input).codes, Vec::<Code>::from([$(Code::$code),*]));
            }
        };
    }

    name!(two_words, "Budi Santoso", []);
    name!(apostrophe, "Ma'ruf Amin", []);
    name!(hyphen, "Siti-Aminah Lubis", []);
    name!(title, "H. Ahmad Dahlan", []);
    name!(degree, "Dewi Lestari, S.Kom.", []);
    name!(one_word, "Sukarno", [NameOneWord]);
    name!(digits, "Budi 2", [NameDigits]);
    name!(symbols, "Budi @ Santoso", [NameInvalidChar]);
    name!(stray_quote, "'Budi Santoso", [NameInvalidChar]);
    name!(non_latin, "Bùdi Santoso", [NameNonLatin]);
    name!(repeated, "Aaaaa Bbb", [NameRepeated]);
    name!(single_letter, "A", [NameTooShort]);
    name!(empty, "   ", [NameMissing]);

    #[test]
    fn too_long() {
        assert_eq!(check_name(&"Abcde ".repeat(11)).codes, [Code::NameTooLong]);
    }

    #[test]
    fn normalised_form() {
        assert_eq!(check_name(" budi \t santoso ").normalized, "BUDI SANTOSO");
    }
}
