//! Self-contained HTML reports of crm-rs results: one page per run, with inline CSS and SVG
//! charts, no scripts and no external resources, so it opens offline, attaches to an e-mail
//! and prints as it shows.
//!
//! | function | from | shows |
//! |---|---|---|
//! | [`validation`] | crm-idvalidate's [`BatchResult`](crm_idvalidate::BatchResult) | records by status, findings by field and code (a heat map), counts by code |
//! | [`rfm`] | crm-rfm's [`Features`](crm_rfm::Features), [`Scores`](crm_rfm::Scores), [`Segments`](crm_rfm::Segments) | segment sizes and revenue, R x F heat maps, score thresholds |
//! | [`segments`] | crm-kmeans' [`Clustering`](crm_kmeans::Clustering) and [`KSelection`](crm_kmeans::KSelection) | elbow and silhouette by k, cluster sizes, profiles in original units |
//! | [`leads`] | crm-leadscore's [`TrainReport`](crm_leadscore::TrainReport) | test metrics per stage, gains, deciles, ROC curves, calibration, inputs |
//!
//! Reports hold counts, shares, thresholds and metrics, never a row of the data: no customer
//! id, NIK, phone, e-mail or name appears in them. Every text that comes from the caller or
//! the data (the input's name, segment and feature names) is escaped with
//! [`crm_core::escape_html`].
//!
//! # Example
//! ```
//! use chrono::NaiveDate;
//! use crm_rfm::{FeatureOptions, Features, ScoreOptions, Scores, SegmentRules, Transaction};
//!
//! let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
//! let rows: Vec<Transaction> = (0..40u32)
//!     .map(|i| {
//!         let id = ["C-1001", "C-1002", "C-1003", "C-1004"][i as usize % 4];
//!         Transaction::new(id, d(1 + i % 12, 1 + i % 28), 10_000.0 * f64::from(1 + i % 7))
//!     })
//!     .collect();
//! let features = Features::from_slice(d(12, 31), FeatureOptions::default(), &rows)?;
//! let scores = Scores::compute(&features, &ScoreOptions::new(2, Default::default()))?;
//! let rules = SegmentRules::rf_map();
//! let html = crm_report::rfm(&features, &scores, &rules.assign(&scores), "sales <2025>.csv");
//!
//! assert!(html.starts_with("<!doctype html>"));
//! assert!(html.contains("sales &lt;2025&gt;.csv")); // the caller's text, escaped
//! assert!(!html.contains("C-1001")); // no customer id
//! assert!(!html.contains("<script"));
//! # Ok::<(), crm_rfm::Error>(())
//! ```
//!
//! The pages are built with `write!` into one `String`: each is a few tables and charts
//! whose markup follows the data's shape (a row per segment, a cell per R x F pair), which a
//! template would only restate.

mod chart;
mod leads;
mod rfm;
mod segments;
mod validation;

pub use crate::leads::leads;
pub use crate::rfm::rfm;
pub use crate::segments::segments;
pub use crate::validation::validation;

/// Escapes text for HTML element content and attribute values ([`crm_core::escape_html`]).
pub(crate) fn escape(text: &str) -> String {
    crm_core::escape_html(text).into_owned()
}

/// The style every report shares.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}\
th{background:#f2f2f2}td.l,th.l{text-align:left}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}\
.muted{color:#666}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#x27;x&#x27;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
