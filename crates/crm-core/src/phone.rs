//! Indonesian phone numbers.
//!
//! Numbers reach CRM files as `+62 812-3456-7890`, `62812...`, `0062812...`, `0812...`, and,
//! after a round trip through Excel's number format, `812...` with the leading zero lost.
//! They are compared in one national form, `0812...`.

/// The national form of an Indonesian phone number: `0` and 8 to 12 more digits.
///
/// Spaces, `-`, `.`, `/` and brackets are dropped, and a leading `+`. Then `62` or `0062`
/// (the country code, when 9 to 12 digits follow it) becomes `0`, and a mobile number that
/// lost its leading zero in Excel (`8` and 8 to 11 more digits) gets it back. Returns
/// `None` for text with any other character (letters, `*`), a wrong length, or a number
/// that does not start with one `0` afterwards (`00...` is an international number left
/// over). The national form is a fixed point: normalising it again gives it back.
///
/// ```
/// use crm_core::normalize_phone;
/// assert_eq!(normalize_phone("+62 812-3456-7890").as_deref(), Some("081234567890"));
/// assert_eq!(normalize_phone("0062812345678").as_deref(), Some("0812345678"));
/// assert_eq!(normalize_phone("81234567890").as_deref(), Some("081234567890"));
/// assert_eq!(normalize_phone("(021) 555 1234").as_deref(), Some("0215551234"));
/// assert_eq!(normalize_phone("0812-ABCD"), None);
/// assert_eq!(normalize_phone("12345"), None);
/// ```
pub fn normalize_phone(text: &str) -> Option<String> {
    let t = text.trim_ascii();
    let t = t.strip_prefix('+').unwrap_or(t);
    let mut digits = String::with_capacity(t.len() + 1);
    for c in t.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    // After the country code, the national number without its trunk `0`; `+62 (0)812...`
    // writes that zero anyway.
    let national_len = |rest: &str| (9..=12).contains(&rest.len());
    // A national number never starts `00` (that is the international prefix again), so one
    // trunk zero at most is dropped and what follows it is not another zero.
    let after_code = |rest: &str| -> Option<String> {
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        (national_len(rest) && !rest.starts_with('0')).then(|| format!("0{rest}"))
    };
    let national = if let Some(n) = digits.strip_prefix("0062").and_then(after_code) {
        n
    } else if let Some(n) = digits.strip_prefix("62").and_then(after_code) {
        n
    } else if digits.starts_with('8') && (9..=12).contains(&digits.len()) {
        format!("0{digits}")
    } else {
        digits
    };
    let national_form = national.starts_with('0') && !national.starts_with("00");
    (national_form && (9..=13).contains(&national.len())).then_some(national)
}

/// Whether a national-form number ([`normalize_phone`]) is a mobile number: `08` and 8 to
/// 11 more digits.
///
/// ```
/// use crm_core::is_mobile;
/// assert!(is_mobile("081234567890"));
/// assert!(!is_mobile("0215551234"));
/// ```
pub fn is_mobile(national: &str) -> bool {
    national.starts_with("08")
        && (10..=13).contains(&national.len())
        && national.bytes().all(|c| c.is_ascii_digit())
}

/// The national form of a mobile number: [`normalize_phone`], then [`is_mobile`].
///
/// ```
/// use crm_core::normalize_mobile;
/// assert_eq!(normalize_mobile("+62 812 3456 7890").as_deref(), Some("081234567890"));
/// assert_eq!(normalize_mobile("(021) 555 1234"), None);
/// ```
pub fn normalize_mobile(text: &str) -> Option<String> {
    normalize_phone(text).filter(|n| is_mobile(n))
}
