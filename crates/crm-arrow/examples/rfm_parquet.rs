//! RFM scores of a transaction file (CSV, Parquet or a workbook) written as CSV, Parquet or
//! xlsx, through crm-arrow:
//!
//! ```sh
//! cargo run -p crm-arrow --example rfm_parquet -- tests/data/tx.csv 2025-06-30 rfm.parquet
//! ```
//!
//! The file needs `customer_id`, `date` and `amount` columns.

use std::process::exit;

use crm_arrow::{ReadOptions, RfmColumns, WriteOptions, read, rfm_batch, rfm_features, write};
use crm_rfm::{FeatureOptions, ScoreOptions, Scores, SegmentRules};

fn main() {
    if let Err(e) = try_main() {
        eprintln!("rfm_parquet: {e}");
        exit(1);
    }
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, as_of, out] = args.as_slice() else {
        return Err("usage: rfm_parquet TX_FILE AS_OF(YYYY-MM-DD) OUT(.csv|.parquet|.xlsx)".into());
    };
    let as_of: chrono::NaiveDate = as_of.parse()?;
    let columns = RfmColumns::new("customer_id", "date", "amount");
    let table = read(input, &ReadOptions::new().columns(columns.names()))?;
    let features = rfm_features(&table, &columns, as_of, FeatureOptions::default())?;
    let scores = Scores::compute(&features, &ScoreOptions::default())?;
    let rules = SegmentRules::r_rfm();
    let batch = rfm_batch(&features, &scores, &rules.assign(&scores), &[]);
    write(out, &batch.schema(), std::slice::from_ref(&batch), &WriteOptions::new())?;
    let u = features.usage();
    println!(
        "{} rows: {} used, {} after {as_of}, {} rejected; {} customers written to {out}",
        u.rows,
        u.used,
        u.after_as_of,
        u.rejected,
        features.len()
    );
    for r in features.rejects() {
        println!("  rejected: {r}");
    }
    Ok(())
}
