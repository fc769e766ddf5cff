//! Writing CSV, Parquet and xlsx, and reading each back.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use crm_arrow::{ReadOptions, WriteOptions, read, to_table, write, write_csv};
use crm_excel::{Cell, CsvFormulas};

fn sample() -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("day", DataType::Date32, true),
        Field::new("amount", DataType::Float64, true),
        Field::new("n", DataType::Int64, true),
        Field::new("ok", DataType::Boolean, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![Some("00017"), Some("=1+1"), None])),
        Arc::new(Date32Array::from(vec![Some(20_161), None, Some(0)])),
        Arc::new(Float64Array::from(vec![Some(125.0), Some(-0.5), None])),
        Arc::new(Int64Array::from(vec![Some(3), None, Some(-7)])),
        Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).unwrap()
}

#[test]
fn csv_text_is_neutralised_unless_raw_is_asked_and_numbers_never_are() {
    let batch = sample();
    let mut out = Vec::new();
    write_csv(&mut out, &batch.schema(), std::slice::from_ref(&batch), &WriteOptions::new())
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "id,day,amount,n,ok\n00017,2025-03-14,125,3,true\n'=1+1,,-0.5,,false\n,1970-01-01,,-7,\n"
    );
    let mut raw = Vec::new();
    let options = WriteOptions::new().csv_formulas(CsvFormulas::Raw);
    write_csv(&mut raw, &batch.schema(), &[batch], &options).unwrap();
    assert!(String::from_utf8(raw).unwrap().contains("\n=1+1,,-0.5,"));
}

#[test]
fn parquet_keeps_types_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let batch = sample();
    write(&path, &batch.schema(), std::slice::from_ref(&batch), &WriteOptions::new()).unwrap();
    let back = read(&path, &ReadOptions::new()).unwrap();
    assert_eq!(back.batches(), [batch]);
}

#[test]
fn xlsx_cells_take_the_kind_of_their_column() {
    let batch = sample();
    let table = to_table(&batch.schema(), &[batch]);
    assert_eq!(table.columns(), ["id", "day", "amount", "n", "ok"]);
    let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
    assert_eq!(
        table.rows()[0],
        [Cell::from("00017"), Cell::Date(date), Cell::Float(125.0), Cell::Int(3), Cell::Bool(true)]
    );
    assert_eq!(table.rows()[2][0], Cell::Empty);
}

#[test]
fn other_extensions_are_refused() {
    let batch = sample();
    let err = write("out.ods", &batch.schema(), &[batch], &WriteOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "out.ods: unsupported file type (expected .csv, .parquet, .xlsx or -)"
    );
}

/// A table of cells written as Parquet gets a type per column from its cells, and reads back
/// through `open` as the same cells.
#[test]
fn write_table_types_columns_by_their_cells_and_reads_back_the_same_cells() {
    use chrono::NaiveDate;
    use crm_excel::{Cell, ReaderBuilder, Table};
    let day = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap();
    let mut table = Table::new(
        ["nik", "plafon", "score", "lahir", "dihubungi", "aktif", "catatan", "kosong"]
            .map(String::from)
            .to_vec(),
    );
    table
        .push_row(vec![
            Cell::from("3201014101900001"),
            Cell::Int(15_000_000),
            Cell::Float(0.25),
            Cell::Date(day),
            Cell::DateTime(day.and_hms_opt(9, 30, 0).unwrap()),
            Cell::Bool(true),
            Cell::from("=1+1"),
            Cell::Empty,
        ])
        .unwrap();
    table
        .push_row(vec![
            Cell::from("3174055203850002"),
            Cell::Empty,
            Cell::Int(1),
            Cell::Empty,
            Cell::Date(day),
            Cell::Bool(false),
            Cell::Int(7),
            Cell::Empty,
        ])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    crm_arrow::write_table(&path, &table, &WriteOptions::new()).unwrap();
    let back = read(&path, &ReadOptions::new()).unwrap();
    assert_eq!(
        crate::util::types(&back.batches()[0]),
        [
            ("nik".into(), DataType::Utf8),
            ("plafon".into(), DataType::Int64),
            ("score".into(), DataType::Float64),
            ("lahir".into(), DataType::Date32),
            ("dihubungi".into(), DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, None)),
            ("aktif".into(), DataType::Boolean),
            ("catatan".into(), DataType::Utf8),
            ("kosong".into(), DataType::Utf8),
        ]
    );
    let rows = crm_arrow::open(&path, &ReaderBuilder::new()).unwrap().read_all().unwrap();
    let mut want = table.rows().to_vec();
    // A mixed column holds each value's text; a number in a Float64 column is a float;
    // a date in a timestamp column is its midnight.
    want[1][2] = Cell::Float(1.0);
    want[1][4] = Cell::DateTime(day.and_hms_opt(0, 0, 0).unwrap());
    want[1][6] = Cell::from("7");
    let got: Vec<Vec<Cell>> = rows.into_iter().map(|r| r.into_cells()).collect();
    assert_eq!(got, want);
}
