//! Reading dates and amounts from text, the way exports write them.
//!
//! The parsers are hand-written because they run once per transaction line (tens of
//! millions per file): no allocation, no locale.

use chrono::{Datelike, NaiveDate};

/// Reads a date from the forms exports use: ISO `2025-03-14` (a time part after `T` or a
/// space is ignored), `14/03/2025` and `14-03-2025` (day first, as in Indonesia), and
/// compact `20250314`. Returns `None` for anything else, including impossible dates.
///
/// ```
/// use crm_rfm::parse_date;
/// let d = parse_date("2025-03-14 10:22:05").unwrap();
/// assert_eq!(d.to_string(), "2025-03-14");
/// assert_eq!(parse_date("14/03/2025"), Some(d));
/// assert_eq!(parse_date("20250314"), Some(d));
/// assert_eq!(parse_date("2025-02-30"), None);
/// ```
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.trim().as_bytes();
    let (y, m, d) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        if b.len() > 10 && !matches!(b[10], b'T' | b' ') {
            return None;
        }
        (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?)
    } else if b.len() == 10 && (b[2] == b'/' && b[5] == b'/' || b[2] == b'-' && b[5] == b'-') {
        (num(&b[6..10])?, num(&b[3..5])?, num(&b[0..2])?)
    } else if b.len() == 8 {
        (num(&b[0..4])?, num(&b[4..6])?, num(&b[6..8])?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

fn num(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + d as u32;
    }
    Some(n)
}

/// Reads an amount: an optional sign, digits, an optional `.` and decimals (`125000`,
/// `-3000.50`, `1e6`). Thousands separators and decimal commas are refused rather than
/// guessed (`1.250` could be either). Returns `None` when the text is not a number.
///
/// ```
/// use crm_rfm::parse_amount;
/// assert_eq!(parse_amount("125000.50"), Some(125000.5));
/// assert_eq!(parse_amount(" -3000 "), Some(-3000.0));
/// assert_eq!(parse_amount("1,250,000"), None);
/// ```
pub fn parse_amount(text: &str) -> Option<f64> {
    let t = text.trim();
    let b = t.as_bytes();
    // Fast path: up to 15 significant digits and at most 15 decimals, then one exact division
    // (both operands are exact doubles, so the quotient is correctly rounded, as `str::parse`).
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if !digits.is_empty() && digits.len() <= 16 {
        let mut m: u64 = 0;
        let mut scale: Option<usize> = None;
        let mut n_digits = 0;
        let mut ok = true;
        for (i, &c) in digits.iter().enumerate() {
            if c == b'.' && scale.is_none() {
                scale = Some(digits.len() - i - 1);
            } else if c.is_ascii_digit() {
                m = m * 10 + u64::from(c - b'0');
                n_digits += 1;
            } else {
                ok = false;
                break;
            }
        }
        if ok && n_digits > 0 && n_digits <= 15 {
            const POW10: [f64; 16] = [
                1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15,
            ];
            let v = m as f64 / POW10[scale.unwrap_or(0)];
            return Some(if neg { -v } else { v });
        }
    }
    if t.bytes().any(|c| c == b',') {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Days since 0001-01-01 (proleptic Gregorian), the crate's internal day number.
pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The date of a day number.
pub(crate) fn from_day_number(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).expect("day numbers come from dates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_match_std_parse() {
        for s in ["0", "0.1", "125000.50", "99999999999.99", "-0.07", "123456789012345", "1.5e3"] {
            assert_eq!(parse_amount(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in ["", "-", ".", "1.2.3", "abc", "NaN", "inf", "1,5"] {
            assert_eq!(parse_amount(s), None, "{s}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1997-01-01T00:00:00").unwrap().to_string(), "1997-01-01");
        assert_eq!(parse_date("31-12-1999").unwrap().to_string(), "1999-12-31");
        for s in ["", "1997-1-1", "1997/01/01", "2025-13-01", "2025-01-01x", "2a250101"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        let d = parse_date("2024-02-29").unwrap();
        assert_eq!(from_day_number(day_number(d)), d);
    }
}
