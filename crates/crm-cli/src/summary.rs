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
    let value = value.trim();
    if value.chars().count() <= 6 { value.to_string() } else { mask(value) }
}

/// Masks personal data for reports: `081234567890` → `0812****7890`, short values keep only
/// their last two characters.
pub(crate) fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n >= 10 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 8))
    } else if n > 2 {
        format!("{}{}", "*".repeat(n - 2), chars[n - 2..].iter().collect::<String>())
    } else {
        "*".repeat(n)
    }
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

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask("081234567890"), "0812****7890");
        assert_eq!(mask("3201014101900001"), "3201********0001");
        assert_eq!(mask("budi"), "**di");
        assert_eq!(mask("ab"), "**");
    }
}
