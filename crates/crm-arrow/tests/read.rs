//! Reading CSV, Parquet and workbooks: projections, declared types, errors.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema};
use crm_arrow::{ReadOptions, WriteOptions, read, write};

use crate::util::{data, texts, types};

#[test]
fn csv_reads_only_the_columns_asked_for_as_text_in_that_order() {
    let tx = read(data("tx.csv"), &ReadOptions::new().columns(["Store", "customer_id"])).unwrap();
    assert_eq!(tx.n_rows(), 12);
    let batch = &tx.batches()[0];
    assert_eq!(
        types(batch),
        [("store".into(), DataType::Utf8), ("customer_id".into(), DataType::Utf8)]
    );
    let ids = texts(batch, "customer_id");
    assert_eq!(ids[0].as_deref(), Some("00017"), "identifiers keep their leading zeros");
    assert_eq!(ids[8], None, "an empty field is null");
    assert_eq!((tx.row_number(0), tx.row_number(11)), (2, 13), "rows are numbered as lines");
}

#[test]
fn csv_columns_are_typed_by_a_declared_schema_and_split_into_batches() {
    let schema = Schema::new(vec![
        Field::new("date", DataType::Date32, true),
        Field::new("Amount", DataType::Float64, true),
    ]);
    let options = ReadOptions::new().schema(Arc::new(schema)).batch_size(5);
    let tx = read(data("tx.csv"), &options).unwrap();
    assert_eq!(tx.batches().len(), 3);
    let batch = &tx.batches()[0];
    assert_eq!(
        types(batch),
        [
            ("customer_id".into(), DataType::Utf8),
            ("date".into(), DataType::Date32),
            ("amount".into(), DataType::Float64),
            ("invoice".into(), DataType::Utf8),
            ("store".into(), DataType::Utf8),
        ]
    );
    assert_eq!(texts(batch, "amount")[1].as_deref(), Some("25000.5"));
    assert_eq!(texts(batch, "date")[0].as_deref(), Some("2025-01-05"));
}

#[test]
fn a_missing_column_names_the_file_and_lists_its_columns() {
    let path = data("tx.csv");
    let err = read(&path, &ReadOptions::new().columns(["customer_id", "nilai"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no column \"nilai\" (columns: customer_id, date, amount, invoice, store)",
            path.display()
        )
    );
    let tx = read(&path, &ReadOptions::new()).unwrap();
    assert!(matches!(tx.column_index("tgl"), Err(crm_arrow::Error::MissingColumn { .. })));
    assert_eq!(tx.column_index("Customer ID").unwrap(), 0);
}

#[test]
fn a_value_that_does_not_parse_is_an_error_with_the_value_masked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "customer_id,amount\nC1,100\n081234567890,Rp 15.000.000\n").unwrap();
    let schema = Schema::new(vec![Field::new("amount", DataType::Float64, true)]);
    let err = read(&path, &ReadOptions::new().schema(Arc::new(schema))).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, crm_arrow::Error::Arrow { .. }), "{text}");
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    assert!(!text.contains("081234567890") && !text.contains("15.000.000"), "{text}");
}

#[test]
fn a_file_of_another_type_is_refused_by_name() {
    let err = read("tx.json", &ReadOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tx.json: unsupported file type (expected .csv, .parquet, .xlsx, .xlsm, .xls, .xlsb, .ods or -)"
    );
}

#[test]
fn parquet_written_by_pyarrow_keeps_its_types_and_the_order_asked_for() {
    let options = ReadOptions::new().columns(["store", "date", "customer_id", "amount_dec"]);
    let tx = read(data("tx-pyarrow.parquet"), &options).unwrap();
    assert_eq!(tx.n_rows(), 12);
    assert_eq!((tx.row_number(0), tx.row_number(11)), (1, 12));
    let batch = &tx.batches()[0];
    assert_eq!(
        types(batch),
        [
            (
                "store".into(),
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
            ),
            ("date".into(), DataType::Date32),
            ("customer_id".into(), DataType::Utf8),
            ("amount_dec".into(), DataType::Decimal128(14, 2)),
        ]
    );
    assert_eq!(texts(batch, "customer_id")[0].as_deref(), Some("00017"));
    assert_eq!(texts(batch, "amount_dec")[1].as_deref(), Some("25000.50"));
    assert_eq!(texts(batch, "date")[7], None);
}

#[test]
fn a_workbook_reads_through_crm_excel_as_text_or_declared_types() {
    let dir = tempfile::tempdir().unwrap();
    let typed = Schema::new(vec![
        Field::new("date", DataType::Date32, true),
        Field::new("amount", DataType::Float64, true),
    ]);
    let tx = read(data("tx.csv"), &ReadOptions::new().schema(Arc::new(typed.clone()))).unwrap();
    let book = dir.path().join("tx.xlsx");
    write(&book, tx.schema(), tx.batches(), &WriteOptions::new().sheet("Transaksi")).unwrap();

    let text = read(&book, &ReadOptions::new().sheet("Transaksi").columns(["customer_id", "date"]))
        .unwrap();
    let batch = &text.batches()[0];
    assert_eq!(texts(batch, "customer_id")[0].as_deref(), Some("00017"));
    assert_eq!(texts(batch, "date")[0].as_deref(), Some("2025-01-05"));
    assert_eq!(text.row_number(0), 2, "the header is sheet row 1");

    let back = read(&book, &ReadOptions::new().schema(Arc::new(typed))).unwrap();
    assert_eq!(types(&back.batches()[0])[1..3], types(&tx.batches()[0])[1..3]);
    assert_eq!(texts(&back.batches()[0], "amount"), texts(&tx.batches()[0], "amount"));
}

/// `open` streams a file pyarrow wrote as crm-excel rows, each value the cell of its type.
#[test]
fn open_reads_a_pyarrow_parquet_file_as_typed_rows_numbered_from_1() {
    use chrono::NaiveDate;
    use crm_excel::{Cell, ReaderBuilder};
    let mut reader = crm_arrow::open(data("tx-pyarrow.parquet"), &ReaderBuilder::new()).unwrap();
    assert_eq!(
        reader.headers(),
        ["customer_id", "date", "paid_at", "amount", "amount_dec", "invoice", "store"]
    );
    let rows = reader.read_all().unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!((rows[0].number(), rows[11].number()), (1, 12));
    let day = NaiveDate::from_ymd_opt(2025, 1, 5).unwrap();
    assert_eq!(
        rows[1].cells(),
        [
            Cell::from("00017"),
            Cell::Date(day),
            Cell::DateTime(day.and_hms_opt(13, 45, 0).unwrap()),
            Cell::Float(25000.5),
            Cell::Float(25000.5),
            Cell::Int(1),
            Cell::from("Bekasi"),
        ]
    );
    // The CSV's empty fields are nulls in Parquet and empty cells here.
    let csv = read(data("tx.csv"), &ReadOptions::new()).unwrap();
    for (k, column) in ["customer_id", "date", "amount", "invoice", "store"].iter().enumerate() {
        let want = texts(&csv.batches()[0], column);
        let c = reader.column_index(column).unwrap();
        let got: Vec<Option<String>> = rows
            .iter()
            .map(|r| Some(r.cells()[c].to_text().into_owned()).filter(|t| !t.is_empty()))
            .collect();
        let want: Vec<Option<String>> = match k {
            // 150000 and 25000.5 in the CSV are the floats 150000 and 25000.5.
            2 => want
                .iter()
                .map(|v| v.as_ref().map(|s| s.parse::<f64>().unwrap().to_string()))
                .collect(),
            _ => want,
        };
        assert_eq!(got, want, "{column}");
    }
}

#[test]
fn open_names_the_file_of_a_damaged_parquet_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.parquet");
    std::fs::write(&path, b"PAR1 not really").unwrap();
    let err = crm_arrow::open(&path, &crm_excel::ReaderBuilder::new()).unwrap_err();
    assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
}
