//! Damaged input never panics: every byte string is a workbook, an error, or not a workbook.

use crm_excel::{
    Encryption, HeaderRow, ReaderBuilder, SheetSelector, Workbook, decrypt, encryption,
};
use proptest::prelude::*;

use crate::util::bytes;

/// Opens bytes as a workbook and reads every sheet, ignoring errors: only panics fail.
fn read_everything(bytes: Vec<u8>) {
    let Ok(mut book) = Workbook::from_bytes(bytes, None, &["password"], 64 << 20) else { return };
    for i in 0..book.sheet_names().len() {
        if let Ok(mut reader) = book.sheet(&SheetSelector::Index(i), HeaderRow::Auto) {
            for row in reader.rows() {
                if row.is_err() {
                    break;
                }
            }
        }
    }
}

fn fixtures() -> Vec<Vec<u8>> {
    [
        "branches/leads-bekasi.xlsx",
        "branches/leads-depok.xls",
        "branches/two-sheets.xlsx",
        "encrypted/formula__agile.xlsx",
        "encrypted/formula__standard-3.2.xlsx",
    ]
    .iter()
    .map(|name| bytes(name))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Real files with bytes flipped, cut short or spliced.
    #[test]
    fn damaged_workbooks_do_not_panic(
        which in 0usize..5,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut data = fixtures().swap_remove(which);
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] = byte;
        }
        if truncate {
            let len = cut.index(data.len());
            data.truncate(len);
        }
        let _ = encryption(&data);
        let _ = decrypt(&data, "password");
        read_everything(data);
    }

    /// Arbitrary bytes behind each format's signature.
    #[test]
    fn arbitrary_bytes_do_not_panic(
        prefix in prop_oneof![Just(b"PK\x03\x04".to_vec()), Just(vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), Just(Vec::new())],
        body in prop::collection::vec(any::<u8>(), 0..2000),
    ) {
        let mut data = prefix;
        data.extend(body);
        prop_assert!(matches!(encryption(&data), Encryption::None | Encryption::Agile | Encryption::Standard | Encryption::Extensible | Encryption::LegacyXls));
        read_everything(data.clone());
        let mut csv = ReaderBuilder::new().from_csv_reader(std::io::Cursor::new(data)).map(Some).unwrap_or(None);
        if let Some(reader) = csv.as_mut() {
            for row in reader.rows() {
                if row.is_err() {
                    break;
                }
            }
        }
    }
}
