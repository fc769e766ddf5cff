//! Masking personal data (NIK, KK, phone numbers, e-mail addresses, names) for logs,
//! errors and reports.
//!
//! One rule, so that the same value looks the same wherever it is printed: a phone number
//! masked in a CLI summary, an identity-check report and a send log is the same string.

/// Masks a value for logs, errors and reports.
///
/// * An e-mail address (text with `@` after at least one character) keeps the first
///   character of its local part and the domain: `b***@acme.co.id`.
/// * Other text of 16 or more characters (a NIK, a KK) keeps its first and last four:
///   `3204********0001`, so the region and serial stay readable.
/// * 9 to 15 characters (a phone number, a truncated NIK, a name) keep the first and last
///   two: `08********90`.
/// * Up to 8 characters are hidden completely: `****`.
///
/// Characters are counted, not bytes, and control characters never pass through.
///
/// ```
/// use crm_core::mask;
/// assert_eq!(mask("3201014101900001"), "3201********0001");
/// assert_eq!(mask("081234567890"), "08********90");
/// assert_eq!(mask("Budi"), "****");
/// assert_eq!(mask("budi.santoso@acme.co.id"), "b***@acme.co.id");
/// ```
pub fn mask(value: &str) -> String {
    let value = value.trim();
    if let Some((local, domain)) = value.rsplit_once('@')
        && !local.is_empty()
    {
        return mask_email_parts(local, domain);
    }
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let keep = match n {
        0..=8 => return "*".repeat(n),
        9..=15 => 2,
        _ => 4,
    };
    chars[..keep]
        .iter()
        .chain(std::iter::repeat_n(&'*', n - 2 * keep))
        .chain(&chars[n - keep..])
        .map(|&c| if c.is_control() { '*' } else { c })
        .collect()
}

/// Masks a value only when it looks like personal data: an `@` (an e-mail address) or six
/// or more digits (a phone number, a NIK); other text is returned as it is. For names that
/// are usually harmless but may be data in disguise, such as the "headers" of a file whose
/// first row is a data row, listed in an error message.
///
/// ```
/// use crm_core::mask_if_personal;
/// assert_eq!(mask_if_personal("no_hp"), "no_hp");
/// assert_eq!(mask_if_personal("081234567890"), "08********90");
/// assert_eq!(mask_if_personal("budi@mail.id"), "b***@mail.id");
/// ```
pub fn mask_if_personal(value: &str) -> std::borrow::Cow<'_, str> {
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    if value.contains('@') || digits >= 6 {
        std::borrow::Cow::Owned(mask(value))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// Masks an e-mail address: the first character of the local part, `***`, and the domain
/// (`b***@acme.co.id`); text without `@` is masked by [`mask`]. This is [`mask`] for
/// addresses, for callers that want to say which kind of value they mask.
///
/// ```
/// assert_eq!(crm_core::mask_email("budi.santoso@acme.co.id"), "b***@acme.co.id");
/// assert_eq!(crm_core::mask_email("not an address"), "no**********ss");
/// ```
pub fn mask_email(address: &str) -> String {
    mask(address)
}

fn mask_email_parts(local: &str, domain: &str) -> String {
    let first: String = local.chars().take(1).filter(|c| !c.is_control()).collect();
    if domain.contains(|c: char| c.is_control()) {
        format!("{first}***")
    } else {
        format!("{first}***@{domain}")
    }
}

/// A bad field's text for a message: as it is (trimmed) when short, up to 6 characters
/// (`ya`, `tidak`, `1,5`), else [`mask`]ed, since a field in the wrong column can hold a
/// phone number or a NIK.
///
/// ```
/// use crm_core::excerpt;
/// assert_eq!(excerpt(" tidak "), "tidak");
/// assert_eq!(excerpt("081234567890"), "08********90");
/// ```
pub fn excerpt(value: &str) -> String {
    let value = value.trim();
    if value.chars().count() <= 6 { value.to_owned() } else { mask(value) }
}
