//! The one column-matching rule, crm-excel's, with errors that name the file.

use crate::error::{Error, Result};

/// The index of the column `name` among `headers`: the exact name first, then the first
/// header with the same [`crm_excel::normalize_header`] form, so `customer_id` finds
/// `Customer ID` and `tgl-transaksi` finds `Tgl Transaksi` ([`crm_excel::column_index`],
/// the rule every crm-rs crate matches columns with).
///
/// ```
/// use crm_arrow::column_index;
/// let headers = ["Customer ID", "Tgl Transaksi", "Nilai"];
/// assert_eq!(column_index(&headers, "customer_id", "tx.csv")?, 0);
/// let err = column_index(&headers, "amount", "tx.csv").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"tx.csv: no column "amount" (columns: Customer ID, Tgl Transaksi, Nilai)"#
/// );
/// # Ok::<(), crm_arrow::Error>(())
/// ```
///
/// # Errors
/// [`Error::MissingColumn`] naming `file` and listing the columns it has (masked where a
/// header looks like personal data: a headerless file's first row).
pub fn column_index<S: AsRef<str>>(headers: &[S], name: &str, file: &str) -> Result<usize> {
    crm_excel::column_index(headers, name).map_err(|_| Error::MissingColumn {
        file: file.to_owned(),
        column: name.to_owned(),
        available: crm_excel::column_list(headers),
    })
}
