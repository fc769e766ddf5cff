//! Yes/no values and missing-value markers as forms and exports write them.

/// Reads a yes/no value, ignoring case and surrounding whitespace.
///
/// | true | false |
/// |---|---|
/// | `1`, `true`, `t`, `yes`, `y`, `ya`, `iya`, `benar`, `hadir` | `0`, `false`, `f`, `no`, `n`, `tidak`, `tdk`, `bukan`, `salah`, `tidak hadir` |
///
/// `hadir` / `tidak hadir` (present / absent) are how event attendance is recorded.
/// Anything else is `None`, including empty text: a missing answer is not a "no"
/// (see [`is_missing`]).
///
/// ```
/// use crm_core::parse_bool;
/// assert_eq!(parse_bool("Ya"), Some(true));
/// assert_eq!(parse_bool(" tidak "), Some(false));
/// assert_eq!(parse_bool("hadir"), Some(true));
/// assert_eq!(parse_bool(""), None);
/// assert_eq!(parse_bool("mungkin"), None);
/// ```
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim_ascii();
    // The longest accepted word is "tidak hadir" (11 bytes): longer text is not a boolean
    // and is not lowercased.
    if t.len() > 11 {
        return None;
    }
    let mut buf = [0u8; 11];
    let lower = &mut buf[..t.len()];
    lower.copy_from_slice(t.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        b"1" | b"true" | b"t" | b"yes" | b"y" | b"ya" | b"iya" | b"benar" | b"hadir" => Some(true),
        b"0" | b"false" | b"f" | b"no" | b"n" | b"tidak" | b"tdk" | b"bukan" | b"salah"
        | b"tidak hadir" => Some(false),
        _ => None,
    }
}

/// Whether a value is missing: empty or whitespace, `NA`, `N/A`, `null`, `None`, `NaN`
/// (any case) or a lone `-`, the markers exports and pandas write for "no value".
///
/// ```
/// use crm_core::is_missing;
/// assert!(is_missing(" "));
/// assert!(is_missing("N/A"));
/// assert!(is_missing("-"));
/// assert!(!is_missing("0"));
/// assert!(!is_missing("-5"));
/// ```
pub fn is_missing(text: &str) -> bool {
    let t = text.trim_ascii();
    t.is_empty()
        || t == "-"
        || ["na", "n/a", "null", "none", "nan"].iter().any(|m| t.eq_ignore_ascii_case(m))
}
