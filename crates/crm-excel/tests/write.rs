//! Writing workbooks: round trips, formats, formula-like text, sheet splitting.

use std::io::Read;

use chrono::NaiveDate;
use crm_excel::{
    Cell, ColumnFormat, Passwords, ReaderBuilder, Table, TableStyle, Workbook, XlsxWriter,
};
use proptest::prelude::*;

fn read_back(bytes: Vec<u8>, sheet: usize) -> (Vec<String>, Vec<Vec<Cell>>) {
    let book = Workbook::from_bytes(bytes, None, &[], u64::MAX).unwrap();
    let mut reader = ReaderBuilder::new().sheet_index(sheet).from_workbook(book).unwrap();
    let headers = reader.headers().to_vec();
    let rows = reader.rows().map(|r| r.unwrap().into_cells()).collect();
    (headers, rows)
}

/// The XML of one part of an xlsx (zip) file.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

fn sample() -> Table {
    let mut t = Table::new(vec![
        "name".into(),
        "nik".into(),
        "plafon".into(),
        "rate".into(),
        "date".into(),
        "ok".into(),
    ]);
    t.push_row(vec![
        "Budi".into(),
        "3201014101900001".into(),
        Cell::Int(15_000_000),
        Cell::Float(0.125),
        Cell::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
        Cell::Bool(true),
    ])
    .unwrap();
    t.push_row(vec![
        "=1+1".into(),
        "0812".into(),
        Cell::Empty,
        Cell::Float(-3.5),
        Cell::Empty,
        Cell::Bool(false),
    ])
    .unwrap();
    t
}

#[test]
fn table_round_trips_through_xlsx() {
    for constant_memory in [true, false] {
        let mut xlsx = XlsxWriter::new();
        xlsx.constant_memory(constant_memory);
        xlsx.write_table("Leads", &sample()).unwrap();
        let (headers, rows) = read_back(xlsx.save_to_buffer().unwrap(), 0);
        assert_eq!(headers, sample().columns());
        assert_eq!(rows, sample().rows(), "constant_memory={constant_memory}");
    }
}

#[test]
fn formula_like_text_is_stored_as_text_with_a_quote_prefix() {
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("Leads", &sample()).unwrap();
    assert_eq!(xlsx.stats().formula_like_cells, 1);
    let bytes = xlsx.save_to_buffer().unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula element may be written");
    assert!(sheet.contains("=1+1"), "the text is stored inline in constant-memory mode");
    assert!(part(&bytes, "xl/styles.xml").contains("quotePrefix=\"1\""));
}

#[test]
fn header_is_frozen_filtered_and_columns_sized() {
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("Leads", &sample()).unwrap();
    let sheet = part(&xlsx.save_to_buffer().unwrap(), "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pane ySplit=\"1\""), "frozen header");
    assert!(sheet.contains("<autoFilter ref=\"A1:F3\""), "{sheet}");
    // The NIK column fits 16 digits: wider than the default 8.43.
    assert!(sheet.contains("<col min=\"2\" max=\"2\" width=\"17"), "{sheet}");
}

#[test]
fn table_style_writes_an_excel_table() {
    let mut xlsx = XlsxWriter::new();
    xlsx.table_style(Some(TableStyle::Medium2));
    xlsx.write_table("Leads", &sample()).unwrap();
    let bytes = xlsx.save_to_buffer().unwrap();
    let table = part(&bytes, "xl/tables/table1.xml");
    assert!(table.contains("ref=\"A1:F3\"") && table.contains("TableStyleMedium2"), "{table}");
    let (_, rows) = read_back(bytes, 0);
    assert_eq!(rows.len(), 2, "the table header is not duplicated into the data");
}

#[test]
fn duplicate_headers_get_an_autofilter_not_a_broken_table() {
    let mut t = Table::new(vec!["nik".into(), "NIK".into()]);
    t.push_row(vec!["1".into(), "2".into()]).unwrap();
    let mut xlsx = XlsxWriter::new();
    xlsx.table_style(Some(TableStyle::Medium2));
    xlsx.write_table("T", &t).unwrap();
    let bytes = xlsx.save_to_buffer().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    assert!(zip.by_name("xl/tables/table1.xml").is_err(), "no table part");
    assert!(part(&bytes, "xl/worksheets/sheet1.xml").contains("<autoFilter ref=\"A1:B2\""));
}

#[test]
fn parallel_sheets_equal_sheets_written_row_by_row() {
    let at = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap().and_hms_opt(3, 4, 5).unwrap();
    let mut long = Table::new(vec!["n".into(), "text".into()]);
    for i in 0..2_500 {
        long.push_row(vec![Cell::Int(i), Cell::String(format!("=row {i}"))]).unwrap();
    }
    let empty = Table::new(vec!["x".into()]);
    let tables = [("Data", &long), ("Leads", &sample()), ("Empty", &empty), ("Data", &long)];
    let mut parallel = XlsxWriter::new();
    parallel.created(at).max_rows_per_sheet(1_000);
    parallel.write_tables(&tables.map(|(n, t)| (n, t))).unwrap();
    let mut serial = XlsxWriter::new();
    serial.created(at).max_rows_per_sheet(1_000);
    for (name, table) in tables {
        serial.begin_sheet(name, table.columns()).unwrap();
        for row in table.rows() {
            serial.write_row(row).unwrap();
        }
    }
    assert_eq!(parallel.stats(), serial.stats());
    assert_eq!(parallel.stats().sheets, 8);
    assert_eq!(parallel.stats().formula_like_cells, 5_001);
    assert_eq!(parallel.save_to_buffer().unwrap(), serial.save_to_buffer().unwrap());
}

#[test]
fn number_formats_apply_by_column() {
    let mut xlsx = XlsxWriter::new();
    xlsx.column_format("plafon", ColumnFormat::Thousands)
        .column_format("rate", ColumnFormat::Percent(1));
    xlsx.write_table("Leads", &sample()).unwrap();
    let styles = part(&xlsx.save_to_buffer().unwrap(), "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"#,##0\"") && styles.contains("formatCode=\"0.0%\""),
        "{styles}"
    );
}

#[test]
fn text_column_format_keeps_numbers_as_text() {
    let mut t = Table::new(vec!["phone".into()]);
    t.push_row(vec![Cell::Int(81234567890)]).unwrap();
    let mut xlsx = XlsxWriter::new();
    xlsx.column_format("phone", ColumnFormat::Text);
    xlsx.write_table("T", &t).unwrap();
    let (_, rows) = read_back(xlsx.save_to_buffer().unwrap(), 0);
    assert_eq!(rows[0][0], Cell::from("81234567890"));
}

#[test]
fn rows_past_the_sheet_limit_continue_on_new_sheets() {
    let mut t = Table::new(vec!["n".into()]);
    for i in 0..25 {
        t.push_row(vec![Cell::Int(i)]).unwrap();
    }
    let mut xlsx = XlsxWriter::new();
    xlsx.max_rows_per_sheet(10);
    xlsx.write_table("Data", &t).unwrap();
    assert_eq!(xlsx.stats().sheets, 3);
    let bytes = xlsx.save_to_buffer().unwrap();
    let book = Workbook::from_bytes(bytes.clone(), None, &[], u64::MAX).unwrap();
    assert_eq!(book.sheet_names(), ["Data", "Data (2)", "Data (3)"]);
    let all: Vec<Cell> =
        (0..3).flat_map(|s| read_back(bytes.clone(), s).1).map(|r| r[0].clone()).collect();
    assert_eq!(all, (0..25).map(Cell::Int).collect::<Vec<_>>());
}

#[test]
fn long_text_is_cut_to_excels_limit_and_counted() {
    let mut t = Table::new(vec!["note".into()]);
    t.push_row(vec![Cell::String("x".repeat(40_000))]).unwrap();
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("T", &t).unwrap();
    assert_eq!(xlsx.stats().truncated_cells, 1);
    let (_, rows) = read_back(xlsx.save_to_buffer().unwrap(), 0);
    assert_eq!(rows[0][0].to_string().len(), 32_767);
}

#[test]
fn saved_file_opens_with_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("Leads", &sample()).unwrap();
    let stats = xlsx.save(&path).unwrap();
    assert_eq!((stats.rows, stats.sheets), (2, 1));
    let book = Workbook::open(&path, &Passwords::new()).unwrap();
    assert_eq!(book.sheet_names(), ["Leads"]);
}

/// Cells whose text form survives Excel: no control characters, finite numbers, dates Excel
/// can represent.
fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        Just(Cell::Empty),
        "[ -~]{1,20}".prop_filter("not blank", |s| !s.trim().is_empty()).prop_map(Cell::String),
        "[A-Za-z ]{0,5}[àéöŋ€😀]{1,3}".prop_map(Cell::String),
        "0[0-9]{9,12}".prop_map(Cell::String),
        (-(1i64 << 52)..(1i64 << 52)).prop_map(Cell::Int),
        (-1e9f64..1e9).prop_filter("fractional", |x| x.fract() != 0.0).prop_map(Cell::Float),
        any::<bool>().prop_map(Cell::Bool),
        (1900i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            if date < NaiveDate::from_ymd_opt(1900, 3, 1).unwrap() {
                Cell::String(date.to_string())
            } else {
                Cell::Date(date)
            }
        }),
        // Not midnight: a date-time at 00:00:00 is stored as the serial day alone, which
        // reads back as a date (pinned by `a_midnight_date_time_reads_back_as_a_date`).
        (2000i32..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60)
            .prop_filter("not midnight", |&(_, _, _, h, mi, s)| (h, mi, s) != (0, 0, 0))
            .prop_map(|(y, mo, d, h, mi, s)| {
                Cell::DateTime(
                    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap(),
                )
            }),
    ]
}

/// A date-time at midnight has no time part in the sheet: Excel stores the serial day,
/// and the reader, which cannot tell it from a date, gives [`Cell::Date`]. (The property
/// test below drew 00:00:00 about once in 200 runs and failed on it.)
#[test]
fn a_midnight_date_time_reads_back_as_a_date() {
    let day = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
    let mut t = Table::new(vec!["a".into()]);
    t.push_row(vec![Cell::DateTime(day.and_hms_opt(0, 0, 0).unwrap())]).unwrap();
    t.push_row(vec![Cell::DateTime(day.and_hms_opt(0, 0, 1).unwrap())]).unwrap();
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("P", &t).unwrap();
    let book = Workbook::from_bytes(xlsx.save_to_buffer().unwrap(), None, &[], u64::MAX).unwrap();
    let mut reader = ReaderBuilder::new().from_workbook(book).unwrap();
    let back: Vec<Cell> = reader.rows().map(|r| r.unwrap().into_cells().remove(0)).collect();
    assert_eq!(back, [Cell::Date(day), Cell::DateTime(day.and_hms_opt(0, 0, 1).unwrap())]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Writing then reading gives back the same values.
    #[test]
    fn write_then_read_round_trips(rows in prop::collection::vec(prop::collection::vec(cell(), 4), 1..30)) {
        let mut t = Table::new(vec!["a".into(), "b".into(), "c".into(), "d".into()]);
        for r in &rows {
            t.push_row(r.clone()).unwrap();
        }
        let mut xlsx = XlsxWriter::new();
        xlsx.write_table("P", &t).unwrap();
        let bytes = xlsx.save_to_buffer().unwrap();
        let book = Workbook::from_bytes(bytes, None, &[], u64::MAX).unwrap();
        let mut reader = ReaderBuilder::new().from_workbook(book).unwrap();
        let mut back: Vec<Vec<Cell>> = reader.rows().map(|r| r.unwrap().into_cells()).collect();
        // Trailing all-empty rows do not exist in a sheet.
        let mut expected: Vec<Vec<Cell>> = rows.clone();
        while expected.last().is_some_and(|r| r.iter().all(Cell::is_empty)) {
            expected.pop();
        }
        back.retain(|r| !r.iter().all(Cell::is_empty));
        expected.retain(|r| !r.iter().all(Cell::is_empty));
        prop_assert_eq!(back, expected);
    }
}

/// xlsx keeps numbers as doubles: a whole-number float below 2^53 reads back as `Cell::Int`
/// (`-0.0` as 0), integers round-trip exactly below 2^53, amounts up to `f64::MAX` exactly.
/// From 2^53 on a number reads back as a `Float`, and digits past 2^53 are lost as in Excel:
/// `i64::MAX` reads back as the nearest double.
#[test]
fn numbers_at_the_limits_round_trip_through_xlsx_as_doubles() {
    let exact = [
        (Cell::Float(3.0), Cell::Int(3)),
        (Cell::Float(-0.0), Cell::Int(0)),
        (Cell::Float(1e15), Cell::Int(1_000_000_000_000_000)),
        (Cell::Float(2.5), Cell::Float(2.5)),
        (Cell::Int((1 << 53) - 1), Cell::Int((1 << 53) - 1)),
        (Cell::Int(1 - (1 << 53)), Cell::Int(1 - (1 << 53))),
        // 2^53 is the first whole double read back as a float (sheet.rs), exactly.
        (Cell::Int(1 << 53), Cell::Float(9_007_199_254_740_992.0)),
        (Cell::Float(1e308), Cell::Float(1e308)),
        (Cell::Float(-1e308), Cell::Float(-1e308)),
        (Cell::Float(f64::MAX), Cell::Float(f64::MAX)),
        // Past 2^53: the nearest double.
        (Cell::Int((1 << 53) + 1), Cell::Float(9_007_199_254_740_992.0)),
        (Cell::Int(i64::MAX), Cell::Float(9.223_372_036_854_776e18)),
        (Cell::Int(i64::MIN), Cell::Float(-9.223_372_036_854_776e18)),
    ];
    let mut table = Table::new(vec!["value".into()]);
    for (written, _) in &exact {
        table.push_row(vec![written.clone()]).unwrap();
    }
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("T", &table).unwrap();
    let (_, rows) = read_back(xlsx.save_to_buffer().unwrap(), 0);
    let got: Vec<&Cell> = rows.iter().map(|r| &r[0]).collect();
    let expected: Vec<&Cell> = exact.iter().map(|(_, read)| read).collect();
    assert_eq!(got, expected);
}
