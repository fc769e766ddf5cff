//! Column names: the one rule every crm-rs crate finds a column by.

/// Normalises a column name for matching: lower case, every run of characters that are not
/// letters or digits (spaces, `.`, `-`, `_`, a byte-order mark) becomes one `_`, and
/// leading and trailing ones are dropped.
///
/// ```
/// use crm_core::normalize_header;
/// assert_eq!(normalize_header("  No. HP "), "no_hp");
/// assert_eq!(normalize_header("NO_HP"), "no_hp");
/// assert_eq!(normalize_header("\u{feff}Tgl-Lahir"), "tgl_lahir");
/// ```
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut pending_sep = false;
    for ch in header.chars() {
        if ch.is_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.extend(ch.to_lowercase());
        } else {
            pending_sep = true;
        }
    }
    out
}

/// The index of the column `name` among `headers`: the first header equal to it, else the
/// first whose [`normalize_header`] form equals its own (`customer_id` finds `Customer ID`,
/// `tgl lahir` finds `Tgl-Lahir`). `None` when no header matches; say which columns exist
/// with [`column_list`].
///
/// ```
/// use crm_core::find_column;
/// let headers = ["Nama", "No. HP", "no_hp", "Tgl Lahir"];
/// assert_eq!(find_column(&headers, "no_hp"), Some(2), "an exact match comes first");
/// assert_eq!(find_column(&headers, "NO HP"), Some(1));
/// assert_eq!(find_column(&headers, "tgl_lahir"), Some(3));
/// assert_eq!(find_column(&headers, "email"), None);
/// ```
pub fn find_column<S: AsRef<str>>(headers: &[S], name: &str) -> Option<usize> {
    if let Some(i) = headers.iter().position(|h| h.as_ref() == name) {
        return Some(i);
    }
    let wanted = normalize_header(name);
    headers.iter().position(|h| normalize_header(h.as_ref()) == wanted)
}

/// The column names for an error message, joined by `, `. A header row can be a data row in
/// disguise (an export without headers), so a name that looks like personal data is masked
/// ([`mask_if_personal`](crate::mask_if_personal)).
///
/// ```
/// use crm_core::column_list;
/// assert_eq!(
///     column_list(&["nik", "3201014101900001", "081234567890", "budi@mail.id", "no_hp"]),
///     "nik, 3201********0001, 08********90, b***@mail.id, no_hp"
/// );
/// ```
pub fn column_list<S: AsRef<str>>(headers: &[S]) -> String {
    let names: Vec<String> =
        headers.iter().map(|h| crate::mask_if_personal(h.as_ref()).into_owned()).collect();
    names.join(", ")
}
