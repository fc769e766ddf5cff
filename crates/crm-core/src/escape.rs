//! Escaping text for the two places CRM output is opened by people: HTML (reports, e-mail
//! bodies) and CSV files opened in Excel.

use std::borrow::Cow;

/// Escapes text for HTML element content and quoted attribute values: `&`, `<`, `>`, `"`
/// and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#x27;` (OWASP's recommendation).
///
/// ```
/// use crm_core::escape_html;
/// assert_eq!(escape_html(r#"<a href="x">Budi & 'Sari'</a>"#),
///            "&lt;a href=&quot;x&quot;&gt;Budi &amp; &#x27;Sari&#x27;&lt;/a&gt;");
/// ```
pub fn escape_html(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether a spreadsheet would read a text cell as a formula (CSV injection): it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a plain number
/// (`-5000`, `+62`, `-12.5` stay numbers).
///
/// ```
/// use crm_core::is_formula_like;
/// assert!(is_formula_like("=HYPERLINK(\"http://x\",\"x\")"));
/// assert!(is_formula_like("@SUM(1+1)"));
/// assert!(!is_formula_like("-5000"));
/// assert!(!is_formula_like("Budi"));
/// ```
pub fn is_formula_like(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    match first {
        '=' | '@' | '\t' | '\r' => true,
        '+' | '-' => {
            let rest = &text[1..];
            let numeric = !rest.is_empty()
                && rest.bytes().all(|c| c.is_ascii_digit() || c == b'.')
                && rest.bytes().any(|c| c.is_ascii_digit())
                && rest.bytes().filter(|&c| c == b'.').count() <= 1;
            !numeric
        }
        _ => false,
    }
}

/// Neutralises a text cell for a CSV file that people open in Excel, as OWASP recommends
/// against CSV injection: text a spreadsheet would run as a formula ([`is_formula_like`])
/// gets a leading `'`, which Excel and LibreOffice show as text. Other text is unchanged.
///
/// ```
/// use crm_core::neutralize_formula;
/// assert_eq!(neutralize_formula("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
/// assert_eq!(neutralize_formula("-5000"), "-5000");
/// assert_eq!(neutralize_formula("Jl. Merdeka 1"), "Jl. Merdeka 1");
/// ```
pub fn neutralize_formula(text: &str) -> Cow<'_, str> {
    if is_formula_like(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}
