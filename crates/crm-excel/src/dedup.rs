//! De-duplication of rows by normalised key columns.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::cell::Cell;
use crate::error::Result;
use crate::header::normalize_header;
use crate::merge::SOURCE_COLUMNS;
use crate::table::Table;

/// How a key column's values are normalised before comparing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum KeyNorm {
    /// The value's text as is.
    Exact,
    /// Trimmed, inner white space collapsed, case-folded.
    Text,
    /// An Indonesian phone number in its national form ([`crm_core::normalize_phone`]).
    Phone,
    /// Digits only (NIK, KK, account numbers written with spaces or dots).
    Digits,
}

impl KeyNorm {
    /// The normalisation a column's name suggests: [`KeyNorm::Phone`] for phone-like names
    /// (`phone`, `hp`, `handphone`, `telp`, `wa`, `whatsapp`, `mobile`), [`KeyNorm::Digits`] for
    /// `nik` and `kk`, [`KeyNorm::Text`] otherwise.
    pub fn for_column(column: &str) -> KeyNorm {
        let name = normalize_header(column);
        let words: Vec<&str> = name.split('_').collect();
        let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
        if any(&["phone", "hp", "handphone", "telp", "telepon", "wa", "whatsapp", "mobile", "nohp"])
        {
            KeyNorm::Phone
        } else if any(&["nik", "kk", "ktp"]) {
            KeyNorm::Digits
        } else {
            KeyNorm::Text
        }
    }

    /// Normalises one value; `None` for an empty key part.
    pub fn apply(self, cell: &Cell) -> Option<String> {
        if cell.is_empty() {
            return None;
        }
        let text = cell.to_text();
        let out = match self {
            KeyNorm::Exact => text.into_owned(),
            KeyNorm::Text => text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
            // A value that is not a phone number keys as its trimmed text, so two copies of
            // the same unreadable value are still duplicates of each other.
            // A missing-value marker (`-`, `n/a`) is no key at all: leads without a phone
            // are not duplicates of each other.
            KeyNorm::Phone if crm_core::is_missing(&text) => String::new(),
            KeyNorm::Phone => {
                crm_core::normalize_phone(&text).unwrap_or_else(|| text.trim().to_owned())
            }
            KeyNorm::Digits => text.chars().filter(char::is_ascii_digit).collect(),
        };
        (!out.is_empty()).then_some(out)
    }
}

/// Which of a group of duplicates to keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Keep {
    /// The first row in table order.
    #[default]
    First,
    /// The last row in table order.
    Last,
    /// The row with the most non-empty cells (the first of those on a tie).
    MostComplete,
}

/// Where a row came from: its source, sheet and row there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Origin {
    /// The name of the source, as in the `source_file` column (see
    /// [`Input`](crate::Input)), e.g. `jakarta/leads.xlsx`.
    pub source: String,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// The 1-based row in the sheet, or line in a text file.
    pub row: u64,
}

/// A dropped duplicate: which row was dropped in favour of which.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Duplicate {
    /// Where the dropped row came from; `None` when the table has no provenance columns
    /// ([`SOURCE_COLUMNS`]), so that rows cannot be traced to a sheet.
    pub dropped: Option<Origin>,
    /// Where the row kept for its key came from; `None` as for `dropped`.
    pub kept: Option<Origin>,
    /// Index of the dropped row in the table de-duplicated.
    pub dropped_row_idx: usize,
    /// Index of the kept row in the table de-duplicated.
    pub kept_row_idx: usize,
    /// The normalised key, parts joined with `|`.
    pub key: String,
}

/// What [`Dedup::apply`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DedupReport {
    /// One entry per dropped row, in input order.
    pub duplicates: Vec<Duplicate>,
    /// Rows whose key columns were all empty: they are kept and never matched.
    pub empty_key_rows: usize,
}

/// De-duplicates a table by one or more key columns.
///
/// Rows whose normalised keys are equal are duplicates; one per key is kept (see [`Keep`])
/// and the rest are reported with the row kept for them, by index and, when the table has
/// [`Merger`](crate::Merger)'s provenance columns, by source and sheet row.
/// Kept rows stay in their input order, so applying the same `Dedup` twice changes nothing
/// the second time.
///
/// ```
/// use crm_excel::{Cell, Dedup, Keep, Table};
/// let mut t = Table::new(vec!["name".into(), "phone".into()]);
/// t.push_row(vec!["Budi".into(), "0812-3456-7890".into()])?;
/// t.push_row(vec!["BUDI".into(), "+6281234567890".into()])?;
/// let (t, report) = Dedup::new(Keep::First).key_auto("phone").apply(t)?;
/// assert_eq!(t.len(), 1);
/// let dup = &report.duplicates[0];
/// assert_eq!((dup.dropped_row_idx, dup.kept_row_idx), (1, 0));
/// assert_eq!(dup.dropped, None, "a table without provenance columns");
/// # Ok::<(), crm_excel::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dedup {
    keys: Vec<(String, KeyNorm)>,
    keep: Keep,
}

impl Dedup {
    /// A de-duplication with no keys yet (add them with [`Dedup::key`]).
    pub fn new(keep: Keep) -> Dedup {
        Dedup { keys: Vec::new(), keep }
    }

    /// Adds a key column with an explicit normalisation.
    #[must_use]
    pub fn key(mut self, column: &str, norm: KeyNorm) -> Dedup {
        self.keys.push((column.to_owned(), norm));
        self
    }

    /// Adds a key column normalised as its name suggests ([`KeyNorm::for_column`]).
    #[must_use]
    pub fn key_auto(self, column: &str) -> Dedup {
        let norm = KeyNorm::for_column(column);
        self.key(column, norm)
    }

    /// Removes duplicates and reports them.
    ///
    /// # Errors
    /// As [`Dedup::find`].
    pub fn apply(&self, mut table: Table) -> Result<(Table, DedupReport)> {
        let report = self.find(&table)?;
        table.remove_rows(report.duplicates.iter().map(|d| d.dropped_row_idx));
        Ok((table, report))
    }

    /// Finds the duplicates without removing them (remove them with
    /// [`Table::remove_rows`] once reported). Their origins are read from the provenance
    /// columns ([`SOURCE_COLUMNS`]) when the table has them.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumn`](crate::ErrorKind::MissingColumn) for an unknown key column,
    /// [`ErrorKind::InvalidParameter`](crate::ErrorKind::InvalidParameter) when no key was given.
    pub fn find(&self, table: &Table) -> Result<DedupReport> {
        let provenance: Option<Vec<usize>> =
            SOURCE_COLUMNS.iter().map(|c| table.columns().iter().position(|n| n == c)).collect();
        let origin = |i: usize| -> Option<Origin> {
            let [file, sheet, row] = provenance.as_deref()? else { return None };
            let row_cells = &table.rows()[i];
            let number = match row_cells[*row] {
                Cell::Int(n) => u64::try_from(n).ok()?,
                _ => return None,
            };
            let sheet = &row_cells[*sheet];
            Some(Origin {
                source: row_cells[*file].to_text().into_owned(),
                sheet: (!sheet.is_empty()).then(|| sheet.to_text().into_owned()),
                row: number,
            })
        };
        self.find_with(table, origin)
    }

    /// [`Dedup::find`] with the origin of each row given by `origin(row_idx)`.
    pub(crate) fn find_with(
        &self,
        table: &Table,
        origin: impl Fn(usize) -> Option<Origin>,
    ) -> Result<DedupReport> {
        if self.keys.is_empty() {
            return Err(crate::ErrorKind::InvalidParameter {
                name: "key",
                reason: "no key column given".into(),
            }
            .into());
        }
        let idx: Vec<(usize, KeyNorm)> = self
            .keys
            .iter()
            .map(|(c, n)| Ok((table.column_index(c)?, *n)))
            .collect::<Result<_>>()?;
        let mut report = DedupReport::default();
        // key -> index of the row currently kept for it
        let mut kept_for: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<Option<String>> = Vec::with_capacity(table.len());
        for (i, row) in table.rows().iter().enumerate() {
            let parts: Vec<Option<String>> = idx.iter().map(|(c, n)| n.apply(&row[*c])).collect();
            if parts.iter().all(Option::is_none) {
                report.empty_key_rows += 1;
                keys.push(None);
                continue;
            }
            let key =
                parts.into_iter().map(Option::unwrap_or_default).collect::<Vec<_>>().join("|");
            match kept_for.entry(key.clone()) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(mut o) => {
                    let current = *o.get();
                    let replace = match self.keep {
                        Keep::First => false,
                        Keep::Last => true,
                        Keep::MostComplete => {
                            filled(&table.rows()[i]) > filled(&table.rows()[current])
                        }
                    };
                    if replace {
                        o.insert(i);
                    }
                }
            }
            keys.push(Some(key));
        }
        for (i, key) in keys.iter().enumerate() {
            if let Some(k) = key {
                let kept = kept_for[k];
                if kept != i {
                    report.duplicates.push(Duplicate {
                        dropped: origin(i),
                        kept: origin(kept),
                        dropped_row_idx: i,
                        kept_row_idx: kept,
                        key: k.clone(),
                    });
                }
            }
        }
        Ok(report)
    }
}

fn filled(row: &[Cell]) -> usize {
    row.iter().filter(|c| !c.is_empty()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Phone keys: crm-core's national form, or the trimmed text when it is not a number.
    macro_rules! phone {
        ($name:ident, $input:expr, $expected:expr) => {
            #[test]
            fn $name() {
                assert_eq!(KeyNorm::Phone.apply(&Cell::from($input)).as_deref(), Some($expected));
            }
        };
    }

    phone!(plus62, "+62 812 3456 7890", "081234567890");
    phone!(sixty_two, "62-812-3456-7890", "081234567890");
    phone!(double_zero, "0062 81234567890", "081234567890");
    phone!(national, "0812.3456.7890", "081234567890");
    phone!(lost_zero, "81234567890", "081234567890");
    phone!(landline, "(021) 555-1234", "0215551234");
    phone!(short_62_is_kept, "6212", "6212");
    phone!(not_a_number, " tidak ada ", "tidak ada");

    #[test]
    fn a_missing_phone_is_no_key() {
        for text in ["-", " n/a ", "NA", "null"] {
            assert_eq!(KeyNorm::Phone.apply(&Cell::from(text)), None, "{text:?}");
        }
    }

    fn table(rows: &[[&str; 3]]) -> Table {
        let mut t = Table::new(vec!["name".into(), "phone".into(), "email".into()]);
        for r in rows {
            t.push_row(r.iter().map(|s| Cell::infer(s)).collect()).unwrap();
        }
        t
    }

    #[test]
    fn keep_last_keeps_the_later_row() {
        let t = table(&[["a", "0812", ""], ["b", "62812", ""], ["c", "0813", ""]]);
        let (t, r) = Dedup::new(Keep::Last).key("phone", KeyNorm::Digits).apply(t).unwrap();
        assert_eq!(t.len(), 3, "62812 and 0812 differ as digits");
        assert!(r.duplicates.is_empty());
        let t2 = table(&[["a", "081234567890", ""], ["b", "+6281234567890", ""]]);
        let (t2, r2) = Dedup::new(Keep::Last).key_auto("phone").apply(t2).unwrap();
        assert_eq!(t2.rows()[0][0], Cell::from("b"));
        assert_eq!(
            r2.duplicates,
            [Duplicate {
                dropped: None,
                kept: None,
                dropped_row_idx: 0,
                kept_row_idx: 1,
                key: "081234567890".into()
            }]
        );
    }

    #[test]
    fn origins_come_from_the_provenance_columns() {
        let mut t = Table::new(
            ["phone", "source_file", "source_sheet", "source_row"].map(String::from).to_vec(),
        );
        t.push_row(vec![
            "0812345678".into(),
            "jakarta/leads.xlsx".into(),
            "Leads".into(),
            Cell::Int(7),
        ])
        .unwrap();
        t.push_row(vec![
            "+62812345678".into(),
            "bandung/leads.csv".into(),
            Cell::Empty,
            Cell::Int(3),
        ])
        .unwrap();
        let report = Dedup::new(Keep::First).key_auto("phone").find(&t).unwrap();
        let dup = &report.duplicates[0];
        let at = |source: &str, sheet: Option<&str>, row| {
            Some(Origin { source: source.into(), sheet: sheet.map(String::from), row })
        };
        assert_eq!(dup.dropped, at("bandung/leads.csv", None, 3));
        assert_eq!(dup.kept, at("jakarta/leads.xlsx", Some("Leads"), 7));
    }

    #[test]
    fn most_complete_prefers_filled_rows() {
        let t = table(&[["a", "0812345678", ""], ["a", "0812345678", "a@x.id"]]);
        let (t, _) = Dedup::new(Keep::MostComplete).key_auto("phone").apply(t).unwrap();
        assert_eq!(t.rows()[0][2], Cell::from("a@x.id"));
    }

    #[test]
    fn empty_keys_are_never_duplicates() {
        let t = table(&[["a", "", ""], ["b", "", ""]]);
        let (t, r) = Dedup::new(Keep::First).key_auto("phone").apply(t).unwrap();
        assert_eq!((t.len(), r.empty_key_rows), (2, 2));
    }

    #[test]
    fn text_keys_fold_case_and_space() {
        let t = table(&[["Budi  Santoso", "", ""], [" budi santoso", "", ""]]);
        let (t, _) = Dedup::new(Keep::First).key_auto("name").apply(t).unwrap();
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn no_key_is_an_error() {
        assert!(Dedup::new(Keep::First).apply(table(&[])).is_err());
    }

    #[test]
    fn norm_for_column_names() {
        assert_eq!(KeyNorm::for_column("No HP"), KeyNorm::Phone);
        assert_eq!(KeyNorm::for_column("phone"), KeyNorm::Phone);
        assert_eq!(KeyNorm::for_column("nik"), KeyNorm::Digits);
        assert_eq!(KeyNorm::for_column("name"), KeyNorm::Text);
    }
}
