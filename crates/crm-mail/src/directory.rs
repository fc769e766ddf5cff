//! The branch directory: who receives each branch's leads, and what is wrong with it.

use std::collections::{BTreeMap, BTreeSet};

use crm_core::mask_email;

use crate::address::{AddressPolicy, AddressProblem};
use crate::error::{Error, find_column, missing_column};

/// One directory row as the caller read it (e.g. with crm-excel). A value
/// [`crm_core::is_missing`] calls missing (empty, `-`, `NA`, `N/A`, ...) counts as empty.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryRow {
    /// The row number in the caller's file, for reports.
    pub row: u64,
    /// The branch (matched to the data's branch values, ignoring case and spaces).
    pub branch: String,
    /// A recipient address (empty for a row that only carries cc).
    pub email: String,
    /// An optional copy recipient.
    pub cc: String,
    /// The branch's area (region), for templates.
    pub area: String,
}

/// One branch's recipients.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    /// The branch name as written in the directory.
    pub branch: String,
    /// The area, if given.
    pub area: String,
    /// Valid "To" addresses, in directory order, without duplicates.
    pub to: Vec<String>,
    /// Valid "Cc" addresses.
    pub cc: Vec<String>,
}

/// Something wrong with the directory or its coverage of the data.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(tag = "kind", rename_all = "snake_case")
)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A branch in the data has no directory entry: its leads cannot be sent.
    NoEntry {
        /// The branch.
        branch: String,
    },
    /// A branch has entries, but no valid "To" address.
    NoValidRecipient {
        /// The branch.
        branch: String,
    },
    /// An address was refused (masked in the report).
    InvalidAddress {
        /// The directory row.
        row: u64,
        /// The branch.
        branch: String,
        /// `email` or `cc`.
        field: &'static str,
        /// The masked address.
        masked: String,
        /// Why.
        problem: AddressProblem,
    },
    /// The same address twice for one branch (kept once).
    Duplicate {
        /// The directory row of the repeat.
        row: u64,
        /// The branch.
        branch: String,
        /// The masked address.
        masked: String,
    },
    /// A directory row without a branch.
    NoBranch {
        /// The directory row.
        row: u64,
    },
}

impl Problem {
    /// The branch concerned (empty for a row without a branch).
    pub fn branch(&self) -> &str {
        match self {
            Problem::NoEntry { branch }
            | Problem::NoValidRecipient { branch }
            | Problem::InvalidAddress { branch, .. }
            | Problem::Duplicate { branch, .. } => branch,
            Problem::NoBranch { .. } => "",
        }
    }

    /// A one-line description without unmasked addresses.
    pub fn describe(&self) -> String {
        match self {
            Problem::NoEntry { branch } => format!("{branch}: no directory entry"),
            Problem::NoValidRecipient { branch } => format!("{branch}: no valid recipient"),
            Problem::InvalidAddress { row, branch, field, masked, problem } => {
                format!("{branch}: row {row}: {field} {masked}: {problem}")
            }
            Problem::Duplicate { row, branch, masked } => {
                format!("{branch}: row {row}: {masked} listed twice")
            }
            Problem::NoBranch { row } => format!("row {row}: no branch"),
        }
    }

    /// `no_entry`, `no_valid_recipient`, `invalid_address`, `duplicate` or `no_branch`.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::NoEntry { .. } => "no_entry",
            Problem::NoValidRecipient { .. } => "no_valid_recipient",
            Problem::InvalidAddress { .. } => "invalid_address",
            Problem::Duplicate { .. } => "duplicate",
            Problem::NoBranch { .. } => "no_branch",
        }
    }
}

/// Branch → recipients, built from rows with an [`AddressPolicy`].
#[derive(Clone, Debug, Default)]
pub struct Directory {
    branches: BTreeMap<String, Recipients>,
    problems: Vec<Problem>,
}

/// The key branches are matched on: trimmed, inner spaces collapsed, lower case.
pub fn branch_key(branch: &str) -> String {
    branch.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Directory {
    /// Builds the directory; refused addresses and duplicates become [`Problem`]s.
    ///
    /// ```
    /// use crm_mail::{AddressPolicy, Directory, DirectoryRow};
    /// let rows = vec![
    ///     DirectoryRow { row: 2, branch: "Bekasi".into(), email: "bekasi@acme.co.id".into(), ..Default::default() },
    ///     DirectoryRow { row: 3, branch: "Bogor".into(), email: "bogor@localhost".into(), ..Default::default() },
    /// ];
    /// let dir = Directory::from_rows(rows, &AddressPolicy::default());
    /// let problems = dir.problems_for(["Bekasi", "Bogor", "Depok"]);
    /// let kinds: Vec<&str> = problems.iter().map(|p| p.kind()).collect();
    /// assert_eq!(kinds, ["invalid_address", "no_valid_recipient", "no_entry"]);
    /// ```
    pub fn from_rows(
        rows: impl IntoIterator<Item = DirectoryRow>,
        policy: &AddressPolicy,
    ) -> Directory {
        let mut dir = Directory::default();
        for r in rows {
            if crm_core::is_missing(&r.branch) {
                if !(crm_core::is_missing(&r.email) && crm_core::is_missing(&r.cc)) {
                    dir.problems.push(Problem::NoBranch { row: r.row });
                }
                continue;
            }
            let entry = dir.branches.entry(branch_key(&r.branch)).or_insert_with(|| Recipients {
                branch: r.branch.trim().to_string(),
                ..Default::default()
            });
            if entry.area.is_empty() && !crm_core::is_missing(&r.area) {
                entry.area = r.area.trim().to_string();
            }
            for (field, value) in [("email", &r.email), ("cc", &r.cc)] {
                if crm_core::is_missing(value) {
                    continue;
                }
                match policy.check(value) {
                    Ok(addr) => {
                        let list = if field == "email" { &mut entry.to } else { &mut entry.cc };
                        let known = entry_has(list, &addr);
                        if known {
                            dir.problems.push(Problem::Duplicate {
                                row: r.row,
                                branch: entry.branch.clone(),
                                masked: mask_email(&addr),
                            });
                        } else {
                            list.push(addr);
                        }
                    }
                    Err(problem) => dir.problems.push(Problem::InvalidAddress {
                        row: r.row,
                        branch: entry.branch.clone(),
                        field,
                        masked: mask_email(value),
                        problem,
                    }),
                }
            }
        }
        // An address both in To and Cc stays in To only.
        for rec in dir.branches.values_mut() {
            let to: BTreeSet<String> = rec.to.iter().map(|a| a.to_lowercase()).collect();
            rec.cc.retain(|a| !to.contains(&a.to_lowercase()));
        }
        dir
    }

    /// Builds the directory from a table the caller read (a CSV file or a sheet): its header
    /// and `(row, cells)` pairs, with the row numbers the caller's file has (1-based, the
    /// header usually row 1). Columns are found by name, trimmed and ignoring case: `branch`
    /// and `email` are required, `cc` and `area` optional, others ignored. Then as
    /// [`from_rows`](Directory::from_rows).
    ///
    /// ```
    /// use crm_mail::{AddressPolicy, Directory};
    /// let header = ["Branch", "Email", "CC"];
    /// let rows = [(2, ["Bekasi", "bekasi@acme.co.id", "area.barat@acme.co.id"])];
    /// let dir = Directory::from_table(&header, rows, &AddressPolicy::default())?;
    /// assert_eq!(dir.get("bekasi").unwrap().cc, ["area.barat@acme.co.id"]);
    ///
    /// let err = Directory::from_table(&["branch", "mail"], [(2, ["Bekasi", "x@acme.co.id"])], &AddressPolicy::default())
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), r#"no column named "email" (columns: branch, mail)"#);
    /// # Ok::<(), crm_mail::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::MissingColumn`] naming the missing `branch` or `email` column and listing
    /// the table's columns.
    pub fn from_table<H, I, R, C>(
        header: &[H],
        rows: I,
        policy: &AddressPolicy,
    ) -> Result<Directory, Error>
    where
        H: AsRef<str>,
        I: IntoIterator<Item = (u64, R)>,
        R: AsRef<[C]>,
        C: AsRef<str>,
    {
        let required =
            |name: &str| find_column(header, name).ok_or_else(|| missing_column(name, header));
        let (branch, email) = (required("branch")?, required("email")?);
        let (cc, area) = (find_column(header, "cc"), find_column(header, "area"));
        let rows = rows.into_iter().map(|(row, cells)| {
            let cells = cells.as_ref();
            let get = |c: Option<usize>| {
                c.and_then(|c| cells.get(c)).map_or_else(String::new, |v| v.as_ref().to_string())
            };
            DirectoryRow {
                row,
                branch: get(Some(branch)),
                email: get(Some(email)),
                cc: get(cc),
                area: get(area),
            }
        });
        Ok(Directory::from_rows(rows, policy))
    }

    /// The recipients of a branch (matched ignoring case and spaces).
    pub fn get(&self, branch: &str) -> Option<&Recipients> {
        self.branches.get(&branch_key(branch))
    }

    /// Every branch, by key order.
    pub fn branches(&self) -> impl Iterator<Item = &Recipients> + '_ {
        self.branches.values()
    }

    /// Problems of the directory itself (invalid addresses, duplicates, rows without a
    /// branch), in row order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The directory's problems, then per branch of the data (distinct, in the order
    /// given): no entry, or no valid recipient.
    pub fn problems_for<'a>(
        &self,
        data_branches: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Problem> {
        let mut out = self.problems.clone();
        let mut seen = BTreeSet::new();
        for b in data_branches {
            let key = branch_key(b);
            if !seen.insert(key.clone()) {
                continue;
            }
            match self.branches.get(&key) {
                None => out.push(Problem::NoEntry { branch: b.trim().to_string() }),
                Some(r) if r.to.is_empty() => {
                    out.push(Problem::NoValidRecipient { branch: r.branch.clone() })
                }
                Some(_) => {}
            }
        }
        out
    }
}

fn entry_has(list: &[String], addr: &str) -> bool {
    list.iter().any(|a| a.eq_ignore_ascii_case(addr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::EmailError;

    fn row(row: u64, branch: &str, email: &str, cc: &str) -> DirectoryRow {
        DirectoryRow {
            row,
            branch: branch.into(),
            email: email.into(),
            cc: cc.into(),
            ..Default::default()
        }
    }

    #[test]
    fn problems_show_addresses_masked() {
        let dir = Directory::from_rows(
            [
                row(2, "Bekasi", "budi.santoso@localhost", ""),
                row(3, "Bekasi", "sari@acme.co.id", "Sari@ACME.co.id"),
                row(4, "Bekasi", "sari@acme.co.id", ""),
                row(5, "", "x@acme.co.id", ""),
            ],
            &AddressPolicy::default(),
        );
        let described: Vec<String> = dir.problems().iter().map(Problem::describe).collect();
        assert_eq!(
            described,
            [
                "Bekasi: row 2: email b***@localhost: domain without a dot",
                "Bekasi: row 4: s***@acme.co.id listed twice",
                "row 5: no branch",
            ]
        );
        assert!(matches!(
            dir.problems()[0],
            Problem::InvalidAddress { problem: AddressProblem::Invalid(EmailError::NoDot), .. }
        ));
        // An address in To and Cc stays in To only.
        assert_eq!(dir.get(" bekasi ").unwrap().cc, Vec::<String>::new());
    }

    #[test]
    fn missing_value_markers_are_empty_cells() {
        let dir = Directory::from_rows(
            [row(2, "Bekasi", "bekasi@acme.co.id", "-"), row(3, "N/A", "-", "NA")],
            &AddressPolicy::default(),
        );
        assert_eq!(dir.problems(), []);
        assert_eq!(dir.get("bekasi").unwrap().cc, Vec::<String>::new());
    }

    #[test]
    fn a_table_without_a_header_row_is_named_masked() {
        // The first data row taken for the header: the address in it is masked.
        let header = ["Bekasi", "budi.santoso@acme.co.id", "081234567890"];
        let err = Directory::from_table(
            &header,
            Vec::<(u64, [&str; 3])>::new(),
            &AddressPolicy::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"no column named "branch" (columns: Bekasi, b***@acme.co.id, 08********90)"#
        );
        let Error::MissingColumn { name, available } = err else { panic!("{err:?}") };
        assert_eq!((name.as_str(), available.len()), ("branch", 3));
    }

    #[test]
    fn table_columns_are_found_by_name_in_any_order() {
        let header = [" AREA ", "\u{feff}email", "Branch", "notes"];
        let rows = [(7, vec!["Barat", "bekasi@acme.co.id", "Bekasi", "x"]), (8, vec!["", "", ""])];
        let dir = Directory::from_table(&header, rows, &AddressPolicy::default()).unwrap();
        let r = dir.get("Bekasi").unwrap();
        assert_eq!(
            (r.area.as_str(), r.to.as_slice()),
            ("Barat", &["bekasi@acme.co.id".to_string()][..])
        );
        assert_eq!(dir.problems(), []);
    }
}
