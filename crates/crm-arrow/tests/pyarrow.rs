//! crm-arrow against the real peer, pyarrow: a Parquet file pyarrow writes now reads as the
//! committed fixture does, and pyarrow reads crm's RFM output with its documented types and
//! values.
//!
//! These tests need Python with the pinned pyarrow of `tests/requirements-pyarrow.txt`; a
//! plain `cargo test` ignores them. `bash scripts/test.sh` installs it into a virtual
//! environment and runs them with `CRM_PYARROW_PYTHON` pointing at its python.

use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use crm_arrow::{ReadOptions, RfmColumns, WriteOptions, read, rfm_batch, rfm_features, write};
use crm_rfm::{FeatureOptions, ScoreOptions, Scores, SegmentRules};

mod util;

const NEEDS: &str = "needs pyarrow: CRM_PYARROW_PYTHON=<venv>/bin/python (scripts/test.sh)";

/// Runs `pyarrow_peer.py` with the pinned pyarrow; its standard output.
#[track_caller]
fn peer(args: &[&Path]) -> String {
    let python = std::env::var("CRM_PYARROW_PYTHON").expect(NEEDS);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pyarrow_peer.py");
    let out = Command::new(&python).arg(&script).args(args).output().expect("python runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs pyarrow: CRM_PYARROW_PYTHON=<venv>/bin/python (scripts/test.sh)"]
fn a_file_pyarrow_writes_now_reads_as_the_committed_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tx.parquet");
    peer(&["write".as_ref(), &path]);
    let now = read(&path, &ReadOptions::new()).unwrap();
    let fixture = read(util::data("tx-pyarrow.parquet"), &ReadOptions::new()).unwrap();
    assert_eq!(now.schema(), fixture.schema());
    assert_eq!(now.batches(), fixture.batches());
}

#[test]
#[ignore = "needs pyarrow: CRM_PYARROW_PYTHON=<venv>/bin/python (scripts/test.sh)"]
fn pyarrow_reads_the_rfm_output_with_its_types_and_values() {
    let tx = read(util::data("tx-pyarrow.parquet"), &ReadOptions::new()).unwrap();
    let columns = RfmColumns::new("customer_id", "date", "amount").keys(["store"]);
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let f = rfm_features(&tx, &columns, as_of, FeatureOptions::default()).unwrap();
    let scores = Scores::compute(&f, &ScoreOptions::new(5, Default::default())).unwrap();
    let rules = SegmentRules::r_rfm();
    let batch = rfm_batch(&f, &scores, &rules.assign(&scores), &["store".into()]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.parquet");
    write(&out, &batch.schema(), std::slice::from_ref(&batch), &WriteOptions::new()).unwrap();

    let seen: serde_json::Value = serde_json::from_str(&peer(&["read".as_ref(), &out])).unwrap();
    assert_eq!(
        seen["types"],
        serde_json::json!({
            "customer_id": "string", "store": "string", "recency_days": "uint32",
            "frequency": "uint32", "monetary": "double", "r_score": "uint8", "f_score": "uint8",
            "m_score": "uint8", "rfm_score": "uint32", "segment": "string",
            "first_purchase": "date32[day]", "last_purchase": "date32[day]",
        })
    );
    assert_eq!(seen["nullable"], serde_json::json!([]));
    assert_eq!(seen["rows"], rows_as_json(&batch));
}

/// The batch's rows as pyarrow's `to_pylist` gives them (dates as ISO text).
fn rows_as_json(batch: &RecordBatch) -> serde_json::Value {
    let schema = batch.schema();
    let mut rows = vec![serde_json::Map::new(); batch.num_rows()];
    for field in schema.fields() {
        let name = field.name();
        let text = util::texts(batch, name);
        for (row, value) in rows.iter_mut().zip(text) {
            let value = value.unwrap();
            let json = match field.data_type() {
                arrow_schema::DataType::Float64 => serde_json::json!(value.parse::<f64>().unwrap()),
                t if t.is_integer() => serde_json::json!(value.parse::<u64>().unwrap()),
                _ => serde_json::json!(value),
            };
            row.insert(name.clone(), json);
        }
    }
    serde_json::Value::Array(rows.into_iter().map(serde_json::Value::Object).collect())
}

/// A command's result table (crm-excel cells) written as Parquet reads in pyarrow with a
/// real type per column: identifiers as strings, counts as int64, scores as doubles, dates
/// as date32.
#[test]
#[ignore = "needs pyarrow: CRM_PYARROW_PYTHON=<venv>/bin/python (scripts/test.sh)"]
fn pyarrow_reads_a_table_written_as_parquet_with_a_type_per_column() {
    use crm_excel::{Cell, Table};
    let day = NaiveDate::from_ymd_opt(1997, 9, 6).unwrap();
    let mut table =
        Table::new(["NIK", "decile", "score", "nik_birth_date"].map(String::from).to_vec());
    table
        .push_row(vec![
            Cell::from("3204114609970001"),
            Cell::Int(1),
            Cell::Float(0.9),
            Cell::Date(day),
        ])
        .unwrap();
    table.push_row(vec![Cell::from("0812"), Cell::Empty, Cell::Int(0), Cell::Empty]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.parquet");
    crm_arrow::write_table(&out, &table, &WriteOptions::new()).unwrap();
    let seen: serde_json::Value = serde_json::from_str(&peer(&["read".as_ref(), &out])).unwrap();
    assert_eq!(
        seen["types"],
        serde_json::json!({
            "NIK": "string", "decile": "int64", "score": "double", "nik_birth_date": "date32[day]",
        })
    );
    assert_eq!(
        seen["rows"],
        serde_json::json!([
            {"NIK": "3204114609970001", "decile": 1, "score": 0.9, "nik_birth_date": "1997-09-06"},
            {"NIK": "0812", "decile": null, "score": 0.0, "nik_birth_date": null},
        ])
    );
}
