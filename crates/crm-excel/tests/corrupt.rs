//! Damaged input never panics: every byte string is a workbook, an error, or not a workbook.

use std::io::{Cursor, Read, Write};

use crm_excel::{
    Encryption, ErrorKind, HeaderRow, ReaderBuilder, SheetSelector, Workbook, decrypt, encryption,
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
        "peers/base.xlsb",
        "peers/base.ods",
    ]
    .iter()
    .map(|name| bytes(name))
    .collect()
}

/// The offset of the only occurrence of `needle`.
#[track_caller]
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).position(|w| w == needle).expect("the fixture has it")
}

/// A damaged file can declare billions of cells. calamine would reserve or fill that much
/// memory, and a failed allocation aborts the process rather than returning an error, so
/// these are refused before parsing. Found by `damaged_workbooks_do_not_panic`: a flipped
/// byte in a `DIMENSIONS` record aborted the test binary.
#[test]
fn xls_declaring_billions_of_cells_is_refused() {
    let file = bytes("branches/leads-depok.xls");
    // DIMENSIONS (type 0x0200, 14 bytes): first row, last row (u32), first, last column.
    let at = find(&file, b"\x00\x02\x0e\x00") + 4;
    let mut declared = file.clone();
    declared[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    // The first LabelSst (type 0x00FD): row and column (u16 each) moved to (65535, 65535),
    // 4 billion cells away from the others.
    let at = find(&file, b"\xfd\x00\x0a\x00") + 4;
    let mut far = file.clone();
    far[at..at + 4].copy_from_slice(&[0xFF; 4]);
    for damaged in [declared, far] {
        let err = Workbook::from_bytes(damaged, None, &[], 4 << 30).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::OverLimit { .. }), "{err}");
        assert!(err.to_string().starts_with("a sheet's cell grid would need "), "{err}");
        assert!(err.to_string().ends_with("over the 4294967296 byte limit (damaged file?)"));
    }
    // The undamaged file still reads, through the same check.
    let mut book = Workbook::from_bytes(file, None, &[], 4 << 30).unwrap();
    let mut reader = book.sheet(&SheetSelector::Index(0), HeaderRow::Auto).unwrap();
    assert_eq!(reader.rows().count(), 2);
}

/// An xlsx whose shared-string table declares a trillion strings is refused before calamine
/// reserves room for them.
#[test]
fn xlsx_declaring_a_trillion_shared_strings_is_refused() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Nama").unwrap();
    sheet.write_string(1, 0, "Budi").unwrap();
    let file = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(&file)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = String::new();
        entry.read_to_string(&mut content).unwrap();
        if name == "xl/sharedStrings.xml" {
            let at = content.find("uniqueCount=\"").expect("the table declares its count") + 13;
            let end = at + content[at..].find('"').unwrap();
            content.replace_range(at..end, "1000000000000");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(content.as_bytes()).unwrap();
    }
    let damaged = out.finish().unwrap().into_inner();
    assert!(Workbook::from_bytes(file, None, &[], 4 << 30).is_ok());
    let err = Workbook::from_bytes(damaged, None, &[], 4 << 30).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::OverLimit { .. }), "{err}");
    assert!(err.to_string().starts_with("the shared-string table would need "), "{err}");
}

/// An ods cell of forty billion spaces is refused before calamine writes them out.
#[test]
fn ods_declaring_forty_billion_spaces_is_refused() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>
<table:table table:name="Leads"><table:table-row>
<table:table-cell office:value-type="string"><text:p>a<text:s text:c="40000000000"/></text:p>
</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>
</office:document-content>"#;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("mimetype", stored).unwrap();
    out.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    out.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
    out.write_all(content.as_bytes()).unwrap();
    let bomb = out.finish().unwrap().into_inner();
    let err = Workbook::from_bytes(bomb, None, &[], 4 << 30).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::OverLimit { .. }), "{err}");
    assert!(err.to_string().starts_with("an ods sheet's cells would need "), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Real files with bytes flipped, cut short or spliced.
    #[test]
    fn damaged_workbooks_do_not_panic(
        which in 0usize..7,
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
        // Random bytes cannot hold a compound file with an `EncryptionInfo` stream or a
        // workbook stream with FILEPASS: whatever the prefix, they are not encrypted.
        prop_assert_eq!(encryption(&data), Encryption::None);
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
