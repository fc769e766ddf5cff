//! Fuzzes `crm_excel::Workbook::from_bytes` and the reading of every sheet: any bytes give a
//! workbook or an error, never a panic, an abort or an allocation past the reader's limit.
#![no_main]

use crm_excel::{HeaderRow, SheetSelector, Workbook, decrypt, encryption};
use libfuzzer_sys::fuzz_target;

/// The reader's limit: far below libFuzzer's 2 GiB allocation limit, so that an allocation the
/// limit should have refused is reported as a crash.
const LIMIT: u64 = 64 << 20;

fuzz_target!(|data: &[u8]| {
    let _ = encryption(data);
    let _ = decrypt(data, "password");
    let Ok(mut book) = Workbook::from_bytes(data.to_vec(), None, &["password"], LIMIT) else {
        return;
    };
    for i in 0..book.sheet_names().len() {
        if let Ok(mut reader) = book.sheet(&SheetSelector::Index(i), HeaderRow::Auto) {
            for row in reader.rows() {
                if row.is_err() {
                    break;
                }
            }
        }
    }
});
