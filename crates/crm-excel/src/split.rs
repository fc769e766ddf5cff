//! Splitting a table into groups (one workbook per branch) with safe file names.

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::table::Table;

/// The group name of rows whose group column is empty.
pub const BLANK_GROUP: &str = "(blank)";

/// One group of a [`split_by`].
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The group's value as first written in the table (trimmed), or [`BLANK_GROUP`].
    pub name: String,
    /// A file stem safe on every platform and unique among the groups (see [`safe_file_stem`]).
    pub file_stem: String,
    /// The group's rows, with all the table's columns.
    pub table: Table,
}

/// Splits a table by the values of one column, in order of first appearance.
///
/// Values are grouped trimmed and case-insensitively (`Bekasi`, `BEKASI ` are one group);
/// rows with an empty value form the [`BLANK_GROUP`] group.
///
/// # Errors
/// [`ErrorKind::MissingColumn`](crate::ErrorKind::MissingColumn) when the column is not in the
/// table.
///
/// ```
/// use crm_excel::{split_by, Table};
/// let mut t = Table::new(vec!["branch".into(), "name".into()]);
/// t.push_row(vec!["Bekasi".into(), "Budi".into()])?;
/// t.push_row(vec!["../../etc".into(), "Siti".into()])?;
/// t.push_row(vec!["BEKASI".into(), "Andi".into()])?;
/// let groups = split_by(&t, "branch")?;
/// assert_eq!(groups.len(), 2);
/// assert_eq!(groups[0].table.len(), 2);
/// assert_eq!(groups[1].file_stem, "etc");
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub fn split_by(table: &Table, column: &str) -> Result<Vec<Group>> {
    let col = table.column_index(column)?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for row in table.rows() {
        let text = row[col].to_text();
        let name = text.trim();
        let name = if name.is_empty() { BLANK_GROUP } else { name };
        let i = *index.entry(name.to_lowercase()).or_insert_with(|| {
            groups.push(Group {
                name: name.to_owned(),
                file_stem: String::new(),
                table: Table::new(table.columns().to_vec()),
            });
            groups.len() - 1
        });
        groups[i].table.push_row(row.clone())?;
    }
    let mut used = HashSet::new();
    for g in &mut groups {
        let stem = safe_file_stem(&g.name);
        let mut candidate = stem.clone();
        let mut n = 2;
        while !used.insert(candidate.to_lowercase()) {
            candidate = format!("{stem}-{n}");
            n += 1;
        }
        g.file_stem = candidate;
    }
    Ok(groups)
}

/// A file stem made from an untrusted value (a branch name from a cell).
///
/// Keeps ASCII letters, digits, `-`, `_` and `.` (other characters become `_`, runs
/// collapsed), removes leading dots and separators so the name can never be `..` or hidden or
/// climb out of the output folder, avoids Windows device names (`CON`, `NUL`, `COM1`, ...),
/// and caps the length at 80; an empty result becomes `group`.
///
/// ```
/// use crm_excel::safe_file_stem;
/// assert_eq!(safe_file_stem("Jakarta Selatan"), "Jakarta_Selatan");
/// assert_eq!(safe_file_stem("../../etc/passwd"), "etc_passwd");
/// assert_eq!(safe_file_stem("CON"), "_CON");
/// assert_eq!(safe_file_stem("..."), "group");
/// ```
pub fn safe_file_stem(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        let keep = ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.');
        let ch = if keep { ch } else { '_' };
        if ch == '_' && out.ends_with('_') {
            continue;
        }
        out.push(ch);
    }
    let trimmed = out.trim_matches(|c| c == '.' || c == '_' || c == '-');
    let mut stem: String = trimmed.chars().take(80).collect();
    stem = stem.trim_end_matches(['.', '_']).to_owned();
    if stem.is_empty() {
        return "group".to_owned();
    }
    let upper = stem.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        stem.insert(0, '_');
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cell;

    macro_rules! stem {
        ($name:ident, $input:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(safe_file_stem($input), $expected);
            }
        };
    }

    stem!(plain, "Bekasi", "Bekasi");
    stem!(spaces, "Jakarta  Selatan", "Jakarta_Selatan");
    stem!(traversal, "../../x", "x");
    stem!(absolute, "/etc/passwd", "etc_passwd");
    stem!(windows_separators, "..\\..\\x", "x");
    stem!(hidden, ".bashrc", "bashrc");
    stem!(reserved, "nul", "_nul");
    stem!(reserved_with_ext, "com1.txt", "_com1.txt");
    stem!(unicode, "Cabang Bandung Timur – 2", "Cabang_Bandung_Timur_2");
    stem!(empty, "", "group");
    stem!(only_dots, "..", "group");

    #[test]
    fn long_names_are_capped() {
        assert_eq!(safe_file_stem(&"a".repeat(300)).len(), 80);
    }

    #[test]
    fn colliding_stems_get_suffixes() {
        let mut t = Table::new(vec!["branch".into()]);
        for v in ["a/b", "a b", "", "A/B "] {
            t.push_row(vec![Cell::from(v)]).unwrap();
        }
        let groups = split_by(&t, "branch").unwrap();
        let stems: Vec<&str> = groups.iter().map(|g| g.file_stem.as_str()).collect();
        assert_eq!(stems, ["a_b", "a_b-2", "blank"]);
        assert_eq!(groups[0].table.len(), 2, "a/b and A/B are one group");
        assert_eq!(groups[2].name, BLANK_GROUP);
    }
}
