//! Formatting helpers for the summaries printed on stderr.

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A bad field's text for a message: as it is when short (up to 6 characters: `ya`,
/// `tidak`, `1,5`), else masked like personal data, since a misplaced column could hold some.
pub(crate) fn excerpt(value: &str) -> String {
    crm_core::excerpt(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(6_000_000), "6,000,000");
    }
}
