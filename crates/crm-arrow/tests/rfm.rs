//! The RFM adapter: every row accounted for, text and typed columns alike, and the
//! documented output schema.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use crm_arrow::{
    Batches, ReadOptions, RfmColumns, read, rejects_batch, rejects_schema, rfm_batch, rfm_features,
    rfm_schema,
};
use crm_rfm::{FeatureOptions, Features, ScoreOptions, Scores, SegmentRules};

use crate::util::{data, texts};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

fn features(table: &Batches, columns: &RfmColumns) -> Features {
    rfm_features(table, columns, as_of(), FeatureOptions::default()).unwrap()
}

/// Ids, features and dates of every customer, for comparisons.
fn rows(f: &Features) -> Vec<String> {
    f.iter()
        .enumerate()
        .map(|(i, c)| {
            let keys: Vec<&str> = f.keys(i).collect();
            format!(
                "{} {keys:?} {} {} {} {} {}",
                c.id, c.recency_days, c.frequency, c.monetary, c.first_purchase, c.last_purchase
            )
        })
        .collect()
}

#[test]
fn every_row_of_a_text_table_is_used_after_the_as_of_date_or_rejected_by_line() {
    let tx = read(data("tx.csv"), &ReadOptions::new()).unwrap();
    let f = features(&tx, &RfmColumns::new("customer_id", "date", "amount"));
    let u = f.usage();
    assert_eq!((u.rows, u.used, u.after_as_of, u.rejected), (12, 7, 2, 3));
    let rejects: Vec<String> = f.rejects().iter().map(ToString::to_string).collect();
    assert_eq!(rejects, ["row 9: date: empty", "row 10: customer: empty", "row 11: amount: empty"]);
    assert_eq!(
        rows(&f),
        [
            "00017 [] 121 3 255000.5 2025-01-05 2025-03-01",
            "00042 [] 29 2 1450000 2024-11-20 2025-06-01",
            "C-0099 [] 31 1 9999.99 2025-05-30 2025-05-30",
        ]
    );
}

#[test]
fn typed_parquet_columns_give_the_features_of_their_text() {
    let text = read(data("tx.csv"), &ReadOptions::new()).unwrap();
    let typed = read(data("tx-pyarrow.parquet"), &ReadOptions::new()).unwrap();
    let by_store =
        RfmColumns::new("customer_id", "date", "amount").invoice("invoice").keys(["store"]);
    let (a, b) = (features(&text, &by_store), features(&typed, &by_store));
    assert_eq!(rows(&a), rows(&b));
    assert_eq!(a.usage(), b.usage());
    // Parquet rows are numbered from 1, CSV rows as lines (the header is line 1).
    let shifted: Vec<_> = b.rejects().iter().map(|r| (r.row + 1, r.field)).collect();
    let lines: Vec<_> = a.rejects().iter().map(|r| (r.row, r.field)).collect();
    assert_eq!(shifted, lines);

    // Timestamps count by their date, decimals as amounts, integer invoices as their digits.
    let other =
        RfmColumns::new("customer_id", "paid_at", "amount_dec").invoice("invoice").keys(["store"]);
    assert_eq!(rows(&features(&typed, &other)), rows(&b));
}

#[test]
fn a_column_of_the_wrong_type_is_an_error_naming_it() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("customer_id", DataType::Utf8, false),
        Field::new("date", DataType::Utf8, false),
        Field::new("amount", DataType::Boolean, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec!["C1"])),
        Arc::new(StringArray::from(vec!["2025-01-01"])),
        Arc::new(BooleanArray::from(vec![true])),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let table = Batches::new("mem", schema, vec![batch], 1);
    let err = rfm_features(
        &table,
        &RfmColumns::new("customer_id", "date", "amount"),
        as_of(),
        FeatureOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "mem: column \"amount\" is Boolean, not numbers or text");
    let err = rfm_features(
        &table,
        &RfmColumns::new("cust", "date", "amount"),
        as_of(),
        FeatureOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "mem: no column \"cust\" (columns: customer_id, date, amount)");
}

#[test]
fn the_result_batch_has_the_documented_schema() {
    // The table of the crate docs, read from src/lib.rs, is the schema.
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let documented: Vec<(String, String)> = lib
        .split("# The RFM schema")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("//! | `"))
        .map(|l| {
            let (name, rest) = l.split_once('`').unwrap();
            let ty = rest.trim_start_matches(" | ").split(' ').next().unwrap();
            (name.to_owned(), ty.to_owned())
        })
        .collect();
    let keyed = rfm_schema(&["toko".into()]);
    assert_eq!(keyed.field(1).name(), "toko");
    let actual: Vec<(String, String)> = rfm_schema(&[])
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().to_string()))
        .collect();
    assert_eq!(documented, actual);
    assert!(rfm_schema(&[]).fields().iter().all(|f| !f.is_nullable()));

    let tx = read(data("tx.csv"), &ReadOptions::new()).unwrap();
    let f = features(&tx, &RfmColumns::new("customer_id", "date", "amount").keys(["store"]));
    let scores = Scores::compute(&f, &ScoreOptions::new(3, Default::default())).unwrap();
    let rules = SegmentRules::r_rfm();
    let batch = rfm_batch(&f, &scores, &rules.assign(&scores), &["store".into()]);
    assert_eq!(*batch.schema(), rfm_schema(&["store".into()]));
    assert_eq!(batch.num_rows(), f.len());
    assert_eq!(texts(&batch, "customer_id")[0].as_deref(), Some("00017"));
    assert_eq!(texts(&batch, "store")[0].as_deref(), Some("Bekasi"));
    assert_eq!(texts(&batch, "first_purchase")[0].as_deref(), Some("2025-01-05"));

    let rejects = rejects_batch(&f);
    assert_eq!(*rejects.schema(), rejects_schema());
    assert_eq!(texts(&rejects, "row"), [Some("9".into()), Some("10".into()), Some("11".into())]);
}

#[test]
fn parquet_of_many_row_groups_gives_the_features_of_the_same_csv() {
    // 5,000 transactions, a bad date every 97th row and a bad amount every 89th.
    let mut csv = String::from("customer,date,amount,invoice\n");
    for k in 0..5_000u32 {
        let date = if k % 97 == 0 {
            "31/02/2025".to_owned()
        } else {
            format!("2025-0{}-1{}", 1 + k % 6, k % 10)
        };
        let amount = if k % 89 == 0 {
            "abc".to_owned()
        } else {
            format!("{}.{:02}", k * 37 % 1000, k % 100)
        };
        csv.push_str(&format!("C{},{date},{amount},I{}\n", k * 7919 % 613, k / 3));
    }
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("tx.csv");
    std::fs::write(&csv_path, &csv).unwrap();
    // Written with row groups of 700 rows: eight groups, decoded on both threads.
    let table = crm_arrow::read(&csv_path, &ReadOptions::new()).unwrap();
    let pq_path = dir.path().join("tx.parquet");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(700))
        .build();
    let file = std::fs::File::create(&pq_path).unwrap();
    let schema = table.schema().clone();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    for batch in table.batches() {
        writer.write(batch).unwrap();
    }
    let meta = writer.close().unwrap();
    assert_eq!(meta.num_row_groups(), 8);

    let columns = RfmColumns::new("customer", "date", "amount").invoice("invoice");
    let options = FeatureOptions::default().frequency(crm_rfm::FrequencyBasis::Invoices);
    let of = |path: &std::path::Path| {
        crm_arrow::rfm_features_of_file(path, &columns, as_of(), options).unwrap()
    };
    let (from_csv, from_parquet) = (of(&csv_path), of(&pq_path));
    assert_eq!(rows(&from_parquet), rows(&from_csv));
    assert_eq!(from_parquet.usage(), from_csv.usage());
    assert!(from_csv.usage().rejected > 80);
    // CSV rows are lines (the header is line 1), Parquet rows count from 1.
    let csv_rows: Vec<u64> = from_csv.rejects().iter().map(|r| r.row - 1).collect();
    let pq_rows: Vec<u64> = from_parquet.rejects().iter().map(|r| r.row).collect();
    assert_eq!(pq_rows, csv_rows);
    assert_eq!(from_csv.rejects()[0].to_string(), r#"row 2: date: not a date: "31/02/2025""#);
}
