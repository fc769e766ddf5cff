//! Reading workbooks and CSV written by other tools (openpyxl, xlwt; see data/branches/SOURCE.md;
//! Excel files from python-calamine, data/peers/SOURCE.md).

use chrono::NaiveDate;
use crm_excel::{
    Cell, ErrorKind, Format, HeaderRow, Passwords, ReaderBuilder, SheetSelector, Workbook,
};

use crate::util::data;

fn date(y: i32, m: u32, d: u32) -> Cell {
    Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

#[test]
fn xlsx_header_below_title_rows_is_found() {
    let reader = ReaderBuilder::new().from_path(data("branches/leads-bekasi.xlsx")).unwrap();
    assert_eq!(
        reader.headers(),
        ["Nama", "No HP", "No KTP", "Plafon", "Tanggal Lahir", "Email", "Aktif"]
    );
    assert_eq!(reader.header_row(), Some(3));
    assert_eq!(reader.position().sheet.as_deref(), Some("Leads"));
}

#[test]
fn xlsx_cells_are_typed_and_identifiers_keep_their_digits() {
    let mut reader = ReaderBuilder::new().from_path(data("branches/leads-bekasi.xlsx")).unwrap();
    let rows = reader.read_all().unwrap();
    let first = &rows[0];
    assert_eq!(first.number(), 4);
    assert_eq!(
        first.cells(),
        [
            Cell::from("Budi Santoso"),
            Cell::from("0812-3456-7890"),
            Cell::from("3216010101900001"),
            Cell::Int(15_000_000),
            date(1990, 1, 1),
            Cell::from("budi@example.co.id"),
            Cell::Bool(true),
        ]
    );
    // A phone typed into a number cell is a whole number, not 81311112222.0.
    assert_eq!(rows[1].cells()[1], Cell::Int(81_311_112_222));
    assert_eq!(rows[1].cells()[5], Cell::Empty);
    assert_eq!(rows[2].cells()[3], Cell::Float(12_500_000.5));
}

#[test]
fn ragged_row_keeps_its_stray_value_apart() {
    let mut reader = ReaderBuilder::new().from_path(data("branches/leads-bekasi.xlsx")).unwrap();
    let rows = reader.read_all().unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last.number(), 9);
    assert_eq!(last.cells().len(), 7);
    assert_eq!(last.stray_cells(), [("H".to_owned(), Cell::from("catatan di luar kolom"))]);
}

#[test]
fn csv_with_bom_semicolons_and_indonesian_dates() {
    let mut reader = ReaderBuilder::new().from_path(data("branches/leads-bogor.csv")).unwrap();
    assert_eq!(reader.headers(), ["NAMA", "HANDPHONE", "PLAFON", "TGL LAHIR", "E-MAIL"]);
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.len(), 4, "the blank line is a blank row");
    // A plain 13-digit number is typed as a number; its text form keeps every digit.
    assert_eq!(rows[0].cells()[1], Cell::Int(6_281_298_765_432));
    assert_eq!(rows[0].cells()[1].to_string(), "6281298765432");
    assert_eq!(rows[1].cells()[1], Cell::from("+62 812 3456 7890"));
    assert_eq!(rows[0].cells()[3], date(1988, 8, 17));
    assert!(rows[2].is_blank());
    assert_eq!(rows[3].cells()[0], Cell::from("André Pratama"));
    // The last field of a CRLF line has no `\r`; an empty one is empty.
    assert_eq!(rows[0].cells()[4], Cell::from("rina@example.co.id"));
    assert_eq!(rows[1].cells()[4], Cell::Empty);
    assert_eq!(rows[3].number(), 5);
}

#[test]
fn csv_in_windows_1252_is_decoded() {
    let mut reader = ReaderBuilder::new().from_path(data("branches/legacy-cp1252.csv")).unwrap();
    let names: Vec<String> = reader.rows().map(|r| r.unwrap().cells()[0].to_string()).collect();
    assert_eq!(names, ["André", "José"]);
}

#[test]
fn csv_types_can_be_left_as_text() {
    let mut reader = ReaderBuilder::new()
        .infer_types(false)
        .from_path(data("branches/leads-bogor.csv"))
        .unwrap();
    let row = reader.rows().next().unwrap().unwrap();
    assert_eq!(row.cells()[2], Cell::from("20000000"));
}

#[test]
fn legacy_xls_is_read() {
    let mut reader = ReaderBuilder::new().from_path(data("branches/leads-depok.xls")).unwrap();
    assert_eq!(reader.headers(), ["Handphone", "Nama Lengkap", "Plafon", "Tgl Lahir"]);
    let rows = reader.read_all().unwrap();
    assert_eq!(
        rows[0].cells(),
        [
            Cell::from("0856 1111 2222"),
            Cell::from("Joko Susanto"),
            Cell::Int(4_000_000),
            date(1979, 7, 7)
        ]
    );
}

/// xlsb sheets are streamed cell by cell; they read as the same workbook saved as xlsx does,
/// and so does the ods twin (checked before parsing by `limit.rs`).
#[test]
fn xlsb_and_ods_read_like_the_same_xlsx() {
    let read = |name: &str| {
        let mut book = Workbook::open(data(name), &Passwords::new()).unwrap();
        let names = book.sheet_names().to_vec();
        let sheets: Vec<_> = (0..names.len())
            .map(|i| {
                let mut reader = book.sheet(&SheetSelector::Index(i), HeaderRow::None).unwrap();
                (reader.headers().to_vec(), reader.read_all().unwrap())
            })
            .collect();
        (names, sheets)
    };
    let (xlsb_names, xlsb) = read("peers/base.xlsb");
    let (xlsx_names, xlsx) = read("peers/base.xlsx");
    assert_eq!(xlsb_names, xlsx_names);
    assert_eq!(xlsb, xlsx);
    // The ods twin has no third sheet; its first sheet holds the same cells, except that
    // ods keeps times and durations as ISO 8601 text (`PT10H10M10S`) where xlsx has numbers.
    let (_, ods) = read("peers/base.ods");
    let (ods, xlsx) = (&ods[0].1[0], &xlsx[0].1[0]);
    assert_eq!(ods.cells()[..7], xlsx.cells()[..7]);
    assert_eq!(ods.cells()[7], Cell::from("PT10H10M10S"));
    let first = &xlsb[0].1[0];
    assert_eq!(first.cells()[..3], [Cell::from("String"), Cell::Int(1), Cell::Float(1.1)]);
    assert!(xlsb[1].1.is_empty(), "the second sheet is empty");
}

#[test]
fn sheets_by_name_and_index() {
    let mut book = Workbook::open(data("branches/two-sheets.xlsx"), &Passwords::new()).unwrap();
    assert_eq!(book.sheet_names(), ["Ringkasan", "Leads"]);
    let by_name = book.sheet(&SheetSelector::Name("leads".into()), HeaderRow::Auto).unwrap();
    assert_eq!(by_name.headers(), ["nama", "no_hp"]);
    let by_index =
        ReaderBuilder::new().sheet_index(1).from_path(data("branches/two-sheets.xlsx")).unwrap();
    assert_eq!(by_index.headers(), ["nama", "no_hp"]);
}

#[test]
fn missing_sheet_names_the_sheets_there_are() {
    let err = ReaderBuilder::new()
        .sheet_name("Data")
        .from_path(data("branches/two-sheets.xlsx"))
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::SheetNotFound { .. }));
    assert!(
        err.to_string()
            .ends_with("two-sheets.xlsx: no sheet named \"Data\" (sheets: Ringkasan, Leads)"),
        "{err}"
    );
}

#[test]
fn sheet_index_out_of_range() {
    let err = ReaderBuilder::new()
        .sheet_index(5)
        .from_path(data("branches/two-sheets.xlsx"))
        .unwrap_err();
    assert!(
        err.to_string().ends_with("sheet index 5 out of range (the workbook has 2 sheets)"),
        "{err}"
    );
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let err = ReaderBuilder::new().from_path("no/such/file.xlsx").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io(_)));
    assert!(err.to_string().starts_with("no/such/file.xlsx: "), "{err}");
}

#[test]
fn damaged_files_are_errors_not_panics() {
    for name in ["bad/truncated.xlsx", "bad/not-a-workbook.xlsx", "bad/corrupt-zip.xlsx"] {
        let err = ReaderBuilder::new().from_path(data(name)).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Corrupt { .. } | ErrorKind::UnknownFormat),
            "{name}: {err}"
        );
        assert!(err.to_string().contains(name.rsplit('/').next().unwrap()), "{err}");
    }
}

#[test]
fn format_from_extension() {
    assert_eq!(Format::from_path("a/B.XLSX".as_ref()), Some(Format::Xlsx));
    assert_eq!(Format::from_path("b.tsv".as_ref()), Some(Format::Csv));
    assert_eq!(Format::from_path("c.pdf".as_ref()), None);
}

/// Row deserialisation needs the `serde` feature (on by default).
#[cfg(feature = "serde")]
mod deserialize {
    use chrono::NaiveDate;
    use crm_excel::ReaderBuilder;

    use crate::util::data;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Lead {
        #[serde(rename = "Nama")]
        name: String,
        #[serde(rename = "No KTP")]
        nik: String,
        #[serde(rename = "Plafon")]
        plafon: f64,
        #[serde(rename = "Tanggal Lahir")]
        birth_date: NaiveDate,
        #[serde(rename = "Email")]
        email: Option<String>,
    }

    #[test]
    fn rows_deserialize_into_structs() {
        let mut reader =
            ReaderBuilder::new().from_path(data("branches/leads-bekasi.xlsx")).unwrap();
        let leads: Vec<Lead> = reader.deserialize().collect::<Result<_, _>>().unwrap();
        assert_eq!(leads.len(), 5);
        assert_eq!(
            leads[1],
            Lead {
                name: "Siti Rahayu".into(),
                nik: "3216014102850002".into(),
                plafon: 7_500_000.0,
                birth_date: NaiveDate::from_ymd_opt(1985, 2, 1).unwrap(),
                email: None,
            }
        );
    }

    #[derive(Debug, serde::Deserialize)]
    struct Strict {
        #[serde(rename = "Nama")]
        _name: String,
        #[serde(rename = "Plafon")]
        _plafon: u32,
    }

    #[test]
    fn deserialize_errors_name_row_and_column() {
        let mut reader =
            ReaderBuilder::new().from_path(data("branches/leads-bekasi.xlsx")).unwrap();
        // 12,500,000.5 is not a u32.
        let err = reader.deserialize::<Strict>().find_map(Result::err).unwrap();
        let pos = err.position().unwrap();
        assert_eq!((pos.row, pos.column.as_deref()), (Some(6), Some("Plafon")));
        assert!(
            err.to_string()
                .contains("leads-bekasi.xlsx, sheet \"Leads\", row 6, column \"Plafon\""),
            "{err}"
        );
    }
}

fn biff5(header: HeaderRow) -> crm_excel::Result<crm_excel::Reader> {
    let mut book = Workbook::open(data("calamine/biff5_write.xls"), &Passwords::new())?;
    book.sheet(&SheetSelector::Index(0), header)
}

/// calamine's `biff5_write.xls` has no header row: automatic detection takes its last row,
/// and the three rows above it must be counted, not dropped unseen.
// See: issue 13 ("every input row accounted for, and no silent guesses").
#[test]
fn r13_rows_above_a_detected_header_are_counted() {
    let mut reader = biff5(HeaderRow::Auto).unwrap();
    assert_eq!(reader.header_row(), Some(4));
    assert_eq!(reader.headers(), ["baz", "column_b", "qux"]);
    assert_eq!(reader.rows_above_header(), 3);
    assert!(reader.read_all().unwrap().is_empty());
}

#[test]
fn header_row_n_reads_the_rows_below_it_and_counts_those_above() {
    let mut reader = biff5(HeaderRow::Row(2)).unwrap();
    assert_eq!(reader.headers(), ["TRUE", "FALSE", "column_c", "sheetjs"]);
    assert_eq!(reader.rows_above_header(), 1);
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.iter().map(|r| r.number()).collect::<Vec<_>>(), [3, 4]);

    // The header is as wide as its row: `sheetjs` in column D is a value without a header.
    let mut reader = biff5(HeaderRow::Row(1)).unwrap();
    assert_eq!(reader.headers(), ["1", "2", "3"]);
    assert_eq!(reader.rows_above_header(), 0);
    let rows = reader.read_all().unwrap();
    assert_eq!(rows[0].stray_cells(), [("D".to_owned(), Cell::from("sheetjs"))]);
}

/// csv 1.4 gives a record the line where it began reading, before the empty lines it skipped.
#[test]
fn csv_line_numbers_are_right_after_empty_lines() {
    let text = "name,phone\n\nBudi,0812\n\n\n\"Siti\nAminah\",0813\nJoko,0814";
    let mut reader = ReaderBuilder::new().from_csv_reader(std::io::Cursor::new(text)).unwrap();
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.iter().map(|r| r.number()).collect::<Vec<_>>(), [3, 6, 8]);
    let crlf = "name,phone\r\n\r\nBudi,0812\r\n";
    let mut reader = ReaderBuilder::new().from_csv_reader(std::io::Cursor::new(crlf)).unwrap();
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.iter().map(|r| r.number()).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn no_header_reads_every_row_with_columns_named_by_letter() {
    let mut reader = biff5(HeaderRow::None).unwrap();
    assert_eq!(reader.headers(), ["column_a", "column_b", "column_c", "column_d"]);
    assert_eq!((reader.header_row(), reader.rows_above_header()), (None, 0));
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].number(), 1);
    assert_eq!(rows[0].cells(), [Cell::Int(1), Cell::Int(2), Cell::Int(3), Cell::Empty]);
    assert_eq!(rows[1].cells()[3], Cell::from("sheetjs"));
}

#[test]
fn column_aa_follows_column_z() {
    let line = (1..=28).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let mut builder = ReaderBuilder::new();
    builder.header_row(HeaderRow::None);
    let reader = builder.from_csv_reader(std::io::Cursor::new(format!("{line}\n"))).unwrap();
    assert_eq!(&reader.headers()[24..], ["column_y", "column_z", "column_aa", "column_ab"]);
}

#[test]
fn header_row_zero_is_refused() {
    let err = biff5(HeaderRow::Row(0)).unwrap_err();
    assert!(err.to_string().ends_with("invalid header row: rows are numbered from 1"), "{err}");
    let mut builder = ReaderBuilder::new();
    builder.header_row(HeaderRow::Row(0));
    assert!(builder.from_csv_reader(std::io::Cursor::new("a,b\n")).is_err());
}

/// The row asked for is the header, or an error: never the next row with values.
#[test]
fn an_empty_header_row_is_an_error_not_the_next_row() {
    let err = biff5(HeaderRow::Row(9)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::EmptyHeaderRow { row: 9 }), "{err}");
    assert!(err.to_string().ends_with("sheet \"SheetJS\": header row 9 is empty"), "{err}");
    let csv = |header: u64, text: &'static str| {
        let mut builder = ReaderBuilder::new();
        builder.header_row(HeaderRow::Row(header));
        builder.from_csv_reader(std::io::Cursor::new(text))
    };
    let title = "LAPORAN LEADS\n\nname,phone\nBudi,0812\n";
    let err = csv(2, title).unwrap_err();
    assert_eq!(err.to_string(), "header row 2 is empty");
    assert!(matches!(csv(9, title).unwrap_err().kind(), ErrorKind::EmptyHeaderRow { row: 9 }));
    let reader = csv(3, title).unwrap();
    assert_eq!(reader.headers(), ["name", "phone"]);
    assert_eq!(reader.rows_above_header(), 1);
}

/// On an xlsx with a title row, `HeaderRow::Row(3)` is the header auto-detection finds; a
/// row above it is a header of its own, and a row below it makes the header a data row.
#[test]
fn header_row_n_on_an_xlsx_with_a_title_row() {
    let read = |header: HeaderRow| {
        let mut builder = ReaderBuilder::new();
        builder.header_row(header);
        builder.from_path(data("branches/leads-bekasi.xlsx"))
    };
    let mut auto = read(HeaderRow::Auto).unwrap();
    let mut third = read(HeaderRow::Row(3)).unwrap();
    assert_eq!(third.headers(), auto.headers());
    assert_eq!((third.header_row(), third.rows_above_header()), (Some(3), 1));
    let rows = third.read_all().unwrap();
    assert_eq!(rows, auto.read_all().unwrap());
    assert_eq!(rows.iter().map(|r| r.number()).collect::<Vec<_>>(), [4, 5, 6, 7, 9]);

    let title = read(HeaderRow::Row(1)).unwrap();
    assert_eq!(
        (title.headers(), title.rows_above_header()),
        (&["DATA LEADS CABANG BEKASI".to_owned()][..], 0)
    );
    // Row 2 is blank (xlsx does not store it): an error, never row 3.
    let err = read(HeaderRow::Row(2)).unwrap_err();
    assert!(err.to_string().ends_with("sheet \"Leads\": header row 2 is empty"), "{err}");
    let mut fourth = read(HeaderRow::Row(4)).unwrap();
    assert_eq!(fourth.headers()[0], "Budi Santoso");
    assert_eq!(fourth.rows_above_header(), 2);
    assert_eq!(fourth.read_all().unwrap()[0].number(), 5);
}

/// A 0-byte `.csv` has no header row (and, read without one, no columns and no rows); a
/// 0-byte `.xlsx` is not an xlsx.
#[test]
fn empty_files_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, xlsx) = (dir.path().join("kosong.csv"), dir.path().join("kosong.xlsx"));
    std::fs::write(&csv, b"").unwrap();
    std::fs::write(&xlsx, b"").unwrap();
    let err = ReaderBuilder::new().from_path(&csv).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NoHeader { scanned: 0 }), "{err}");
    assert!(err.to_string().ends_with("kosong.csv: no header row found in the first 0 rows"));
    let mut builder = ReaderBuilder::new();
    builder.header_row(HeaderRow::None);
    let mut reader = builder.from_path(&csv).unwrap();
    assert!(reader.headers().is_empty());
    assert!(reader.read_all().unwrap().is_empty());
    for header in [HeaderRow::Auto, HeaderRow::None] {
        let mut builder = ReaderBuilder::new();
        builder.header_row(header);
        let err = builder.from_path(&xlsx).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Corrupt { format: "xlsx", .. }), "{err}");
        assert!(
            err.to_string().ends_with(
                "kosong.xlsx: not a readable xlsx file: the file does not start like one"
            ),
            "{err}"
        );
    }
}

/// Linux file names are bytes: a name that is not UTF-8 is read, kept as it is in the
/// error's position, and shown with U+FFFD in messages.
#[cfg(unix)]
#[test]
fn non_utf8_paths_are_read_and_named_in_errors() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join(std::ffi::OsStr::from_bytes(b"cab\xffang.csv"));
    std::fs::write(&csv, "name,phone\nBudi,0812\n").unwrap();
    let mut reader = ReaderBuilder::new().from_path(&csv).unwrap();
    assert_eq!(reader.read_all().unwrap()[0].cells(), [Cell::from("Budi"), Cell::from("0812")]);

    let xlsx = dir.path().join(std::ffi::OsStr::from_bytes(b"cab\xfe.xlsx"));
    std::fs::copy(data("branches/two-sheets.xlsx"), &xlsx).unwrap();
    let err = ReaderBuilder::new().sheet_name("Nope").from_path(&xlsx).unwrap_err();
    assert_eq!(err.position().and_then(|p| p.file.clone()), Some(xlsx.clone()));
    assert!(
        err.to_string()
            .ends_with("cab\u{fffd}.xlsx: no sheet named \"Nope\" (sheets: Ringkasan, Leads)"),
        "{err}"
    );
    let missing = dir.path().join(std::ffi::OsStr::from_bytes(b"hil\xfeang.xlsx"));
    let err = ReaderBuilder::new().from_path(&missing).unwrap_err();
    assert!(err.to_string().contains("hil\u{fffd}ang.xlsx: "), "{err}");
    assert!(matches!(err.kind(), ErrorKind::Io(_)), "{err}");

    let merged = crm_excel::Merger::new().merge(std::slice::from_ref(&csv)).unwrap();
    assert_eq!(merged.report.sources[0].name, "cab\u{fffd}ang.csv");
    assert_eq!(merged.report.sources[0].file, csv);
}
