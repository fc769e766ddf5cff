//! Writes the RFM report of a transaction CSV (customer, date, amount) to an HTML file.
//!
//! ```text
//! cargo run -p crm-report --example rfm_report -- tx.csv 2026-01-01 report.html
//! ```

use std::error::Error;

use chrono::NaiveDate;
use crm_rfm::{FeatureBuilder, FeatureOptions, ScoreOptions, Scores, SegmentRules};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, as_of, out] = args.as_slice() else {
        return Err(
            "usage: rfm_report TX.CSV AS_OF REPORT.HTML (columns customer,date,amount)".into()
        );
    };
    let as_of: NaiveDate = as_of.parse()?;
    let text = std::fs::read_to_string(input)?;
    let mut builder = FeatureBuilder::new(as_of, FeatureOptions::default());
    for (k, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let field = |i: usize| f.get(i).copied().unwrap_or("");
        builder.push_text(k as u64 + 1, field(0), field(1), field(2), None);
    }
    let features = builder.finish()?;
    let scores = Scores::compute(&features, &ScoreOptions::new(5, Default::default()))?;
    let rules = SegmentRules::r_rfm();
    let html = crm_report::rfm(&features, &scores, &rules.assign(&scores), input);
    std::fs::write(out, html)?;
    eprintln!(
        "{} customers ({} rows rejected); wrote {out}",
        features.len(),
        features.rejects().len()
    );
    Ok(())
}
