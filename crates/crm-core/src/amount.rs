//! Amounts of money and other numbers as branch files and exports write them.
//!
//! Indonesian workbooks group thousands with `.` and write decimals after `,`
//! (`Rp 15.000.000`, `12,5`); system exports write `15000000.00`. Both are read, and text
//! that could be either (`1.250`: one thousand two hundred and fifty, or one and a quarter?)
//! is refused rather than guessed.

use std::fmt;

/// Why a text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountError {
    /// Empty or only whitespace (a missing value, not a zero).
    Empty,
    /// Not a number in any accepted form.
    NotANumber,
    /// A single `.` or `,` followed by exactly three digits, as in `1.250`, which is either
    /// a thousands separator or a decimal point. Write `1250`, `1.250,00` or `1,25`.
    Ambiguous,
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountError::Empty => "empty",
            AmountError::NotANumber => "not a number",
            AmountError::Ambiguous => {
                "ambiguous number: one separator before three digits could group thousands or mark decimals"
            }
        })
    }
}

impl std::error::Error for AmountError {}

/// Reads an amount.
///
/// Accepted, surrounding whitespace ignored (the crate docs have the full table):
/// * plain numbers: `125000`, `-3000.50`, `+7`, `1e6`, `.5`;
/// * an optional currency prefix `Rp` or `IDR` (any case, with or without a space or `.`),
///   after an optional sign: `Rp 12.500.000`, `-Rp5.000`, `IDR 1.000,50`;
/// * thousands grouped with `.` and decimals after `,` (`15.000.000`, `1.250,75`, `12,5`),
///   or grouped with `,` and decimals after `.` (`1,250,000.50`). Groups after the first
///   have exactly three digits.
///
/// A single separator followed by exactly three digits (`1.250`, `2,500`) is
/// [`AmountError::Ambiguous`], except after a currency prefix, where it groups thousands
/// (Rupiah are written without decimals: `Rp 1.250` is 1250). `NaN` and infinities are not
/// numbers.
///
/// # Errors
/// [`AmountError`] says why the text is not an amount; it never repeats the text.
///
/// ```
/// use crm_core::{parse_amount, AmountError};
/// assert_eq!(parse_amount("125000.50"), Ok(125000.5));
/// assert_eq!(parse_amount("Rp 15.000.000"), Ok(15_000_000.0));
/// assert_eq!(parse_amount("12,5"), Ok(12.5));
/// assert_eq!(parse_amount("1.250,75"), Ok(1250.75));
/// assert_eq!(parse_amount("1,250,000.50"), Ok(1_250_000.5));
/// assert_eq!(parse_amount("Rp 1.250"), Ok(1250.0));
/// assert_eq!(parse_amount("1.250"), Err(AmountError::Ambiguous));
/// assert_eq!(parse_amount("abc"), Err(AmountError::NotANumber));
/// assert_eq!(parse_amount(" "), Err(AmountError::Empty));
/// ```
pub fn parse_amount(text: &str) -> Result<f64, AmountError> {
    let t = text.trim_ascii();
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    if let Some(v) = plain_fast(t.as_bytes()) {
        return Ok(v);
    }
    let (negative, body) = match t.as_bytes()[0] {
        b'-' => (true, t[1..].trim_ascii_start()),
        b'+' => (false, t[1..].trim_ascii_start()),
        _ => (false, t),
    };
    let (currency, body) = strip_currency(body);
    // A sign may also follow the currency: `Rp -5.000`.
    let (negative, body) = match body.as_bytes().first() {
        Some(b'-') if currency && !negative => (true, &body[1..]),
        Some(b'+') if currency => (negative, &body[1..]),
        _ => (negative, body),
    };
    let v = unsigned(body, currency)?;
    Ok(if negative { -v } else { v })
}

/// Up to 15 significant digits with an optional sign and `.`: one exact division, which is
/// correctly rounded like `str::parse` (both operands are exact doubles). Returns `None`
/// for anything else, which then takes the general path.
fn plain_fast(b: &[u8]) -> Option<f64> {
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut scale: Option<usize> = None;
    let mut n_digits = 0;
    for (i, &c) in digits.iter().enumerate() {
        if c == b'.' && scale.is_none() {
            scale = Some(digits.len() - i - 1);
        } else if c.is_ascii_digit() {
            m = m * 10 + u64::from(c - b'0');
            n_digits += 1;
        } else {
            return None;
        }
    }
    // `1.250` takes the general path, which refuses it.
    let int_digits = n_digits - scale.unwrap_or(0);
    if n_digits == 0 || n_digits > 15 || (scale == Some(3) && ambiguous_head(&digits[..int_digits]))
    {
        return None;
    }
    const POW10: [f64; 16] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let v = m as f64 / POW10[scale.unwrap_or(0)];
    Some(if negative { -v } else { v })
}

/// Whether digits before a single separator could be a first thousands group: 1 to 3
/// digits, not a lone `0` (`0.125` is only a decimal).
fn ambiguous_head(head: &[u8]) -> bool {
    (1..=3).contains(&head.len()) && head != b"0"
}

/// Removes `Rp`, `Rp.`, `IDR` (any case) and the spaces after it.
fn strip_currency(s: &str) -> (bool, &str) {
    for prefix in ["rp.", "rp", "idr"] {
        // Compared as bytes: the text may have a multi-byte character where the prefix
        // would end (found by fuzzing), and an ASCII match ends on a character boundary.
        let n = prefix.len();
        if s.as_bytes().get(..n).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes())) {
            return (true, s[n..].trim_ascii_start());
        }
    }
    (false, s)
}

/// The value of an unsigned number in one of the grouped forms.
fn unsigned(s: &str, currency: bool) -> Result<f64, AmountError> {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_digit() || b[0] == b'.' || b[0] == b',') {
        return Err(AmountError::NotANumber);
    }
    let dots = b.iter().filter(|&&c| c == b'.').count();
    let commas = b.iter().filter(|&&c| c == b',').count();
    // Which separator groups thousands, and which marks decimals.
    let (group, decimal) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) if dots > 1 => (Some(b'.'), None),
        (0, _) if commas > 1 => (Some(b','), None),
        (1, 0) | (0, 1) => {
            let sep = if dots == 1 { b'.' } else { b',' };
            let at = b.iter().position(|&c| c == sep).expect("counted");
            let after = &b[at + 1..];
            let three = after.len() == 3 && after.iter().all(u8::is_ascii_digit);
            if three && ambiguous_head(&b[..at]) {
                if currency { (Some(sep), None) } else { return Err(AmountError::Ambiguous) }
            } else {
                (None, Some(sep))
            }
        }
        _ => {
            // Both: the last one marks decimals and must appear once.
            let last = *b.iter().rev().find(|&&c| c == b'.' || c == b',').expect("counted");
            let (group, count) = if last == b'.' { (b',', dots) } else { (b'.', commas) };
            if count != 1 {
                return Err(AmountError::NotANumber);
            }
            (Some(group), Some(last))
        }
    };
    let (int_part, frac_part) = match decimal {
        Some(d) => {
            let at = b.iter().rposition(|&c| c == d).expect("counted");
            (&b[..at], Some(&b[at + 1..]))
        }
        None => (b, None),
    };
    let mut canonical = String::with_capacity(b.len());
    match group {
        Some(g) => {
            let mut groups = int_part.split(|&c| c == g);
            let first = groups.next().unwrap_or_default();
            if first.is_empty() || first.len() > 3 || !first.iter().all(u8::is_ascii_digit) {
                return Err(AmountError::NotANumber);
            }
            canonical.extend(first.iter().map(|&c| c as char));
            for part in groups {
                if part.len() != 3 || !part.iter().all(u8::is_ascii_digit) {
                    return Err(AmountError::NotANumber);
                }
                canonical.extend(part.iter().map(|&c| c as char));
            }
        }
        None => {
            // Exponents are allowed only in plain numbers (`1e6`, `1.5E-3`).
            if !int_part.iter().all(|&c| c.is_ascii_digit()) {
                let plain = decimal.is_none_or(|d| d == b'.');
                return std_parse(s, plain);
            }
            canonical.extend(int_part.iter().map(|&c| c as char));
        }
    }
    if let Some(frac) = frac_part {
        if !frac.iter().all(u8::is_ascii_digit) {
            let plain = group.is_none() && decimal == Some(b'.');
            return if plain { std_parse(s, true) } else { Err(AmountError::NotANumber) };
        }
        if canonical.is_empty() && frac.is_empty() {
            return Err(AmountError::NotANumber);
        }
        canonical.push('.');
        canonical.extend(frac.iter().map(|&c| c as char));
    }
    std_parse(&canonical, true)
}

/// `str::parse::<f64>` limited to finite values written with digits (no `inf`, `NaN`).
fn std_parse(s: &str, allowed: bool) -> Result<f64, AmountError> {
    let digits_only =
        s.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'));
    if !allowed || !digits_only || !s.bytes().any(|c| c.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(AmountError::NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_equals_std_parse() {
        for s in ["0", "0.1", "125000.50", "99999999999.99", "-0.07", "123456789012345", "0.125"] {
            assert_eq!(parse_amount(s), Ok(s.parse::<f64>().unwrap()), "{s}");
        }
    }

    #[test]
    fn the_fast_path_leaves_ambiguous_text_to_the_general_path() {
        assert_eq!(plain_fast(b"1.250"), None);
        assert_eq!(plain_fast(b"1250.000"), Some(1250.0));
    }
}
