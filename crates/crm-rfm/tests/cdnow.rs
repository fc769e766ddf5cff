//! crm-rfm against independent references on real data: the CDNOW 1/10 sample (lifetimes'
//! data set), with features from a pandas groupby and BTYD summaries from lifetimes 0.11.3
//! (`tests/data/make_reference.py` writes them; `tests/data/SOURCE.md` says how).

use std::collections::HashMap;

use chrono::NaiveDate;
use crm_rfm::{
    Binning, BtydBuilder, BtydOptions, FeatureBuilder, FeatureOptions, Features, FrequencyBasis,
    Period, ScoreOptions, Scores, Transaction,
};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Tx {
    customer: String,
    date: NaiveDate,
    amount: f64,
}

fn transactions() -> Vec<Tx> {
    let mut rdr = csv::Reader::from_path(format!("{DATA}cdnow_sample.csv")).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            Tx { customer: r[0].to_string(), date: date(&r[1]), amount: r[3].parse().unwrap() }
        })
        .collect()
}

/// Reference rows keyed by customer id: column name -> text.
fn reference(file: &str) -> HashMap<String, HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(format!("{DATA}{file}")).unwrap();
    let header = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let row: HashMap<String, String> =
                header.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect();
            (r[0].to_string(), row)
        })
        .collect()
}

fn features(as_of: &str, frequency: FrequencyBasis) -> Features {
    let txs = transactions();
    let mut b = FeatureBuilder::new(date(as_of), FeatureOptions::default().frequency(frequency));
    for (i, t) in txs.iter().enumerate() {
        b.push(Transaction::new(&t.customer, t.date, t.amount).row(i as u64 + 2));
    }
    b.finish().unwrap()
}

fn check_features(as_of: &str, file: &str) {
    for (basis, column) in
        [(FrequencyBasis::Rows, "frequency_rows"), (FrequencyBasis::Days, "frequency_days")]
    {
        let f = features(as_of, basis);
        let want = reference(file);
        assert_eq!(f.len(), want.len(), "{file}: customers");
        for c in f.iter() {
            let w = &want[c.id];
            assert_eq!(c.recency_days.to_string(), w["recency_days"], "{}", c.id);
            assert_eq!(c.frequency.to_string(), w[column], "{}", c.id);
            // Bit-equal: the same Kahan summation as pandas.
            assert_eq!(c.monetary, w["monetary"].parse::<f64>().unwrap(), "{}", c.id);
            assert_eq!(c.first_purchase.to_string(), w["first_purchase"]);
            assert_eq!(c.last_purchase.to_string(), w["last_purchase"]);
        }
    }
}

#[test]
fn features_equal_pandas_groupby() {
    check_features("1998-07-01", "ref_features.csv");
}

#[test]
fn features_as_of_a_past_date_equal_pandas() {
    check_features("1997-09-30", "ref_features_asof_1997-09-30.csv");
    let f = features("1997-09-30", FrequencyBasis::Rows);
    let u = f.usage();
    assert_eq!(u.after_as_of, 1959);
    assert_eq!(u.rows, 6919);
    assert_eq!(u.used + u.after_as_of + u.rejected + u.returns_ignored, u.rows);
}

fn check_btyd(end: &str, period: Period, file: &str) {
    let mut b = BtydBuilder::new(date(end), BtydOptions { period, ..Default::default() }).unwrap();
    for (i, t) in transactions().iter().enumerate() {
        b.push(i as u64 + 2, &t.customer, t.date, t.amount);
    }
    let got = b.finish().unwrap();
    let want = reference(file);
    assert_eq!(got.len(), want.len());
    for (id, row) in got.iter() {
        let w = &want[id];
        let num = |k: &str| w[k].parse::<f64>().unwrap();
        assert_eq!(row.frequency, num("frequency"), "{id}");
        assert_eq!(row.recency, num("recency"), "{id}");
        assert_eq!(row.t, num("T"), "{id}");
        let (a, b) = (row.monetary_value, num("monetary_value"));
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{id}: {a} vs {b}");
    }
}

#[test]
fn btyd_days_equal_lifetimes() {
    check_btyd("1998-06-30", Period::Day, "ref_btyd_D.csv");
}

#[test]
fn btyd_weeks_equal_lifetimes() {
    check_btyd("1998-06-30", Period::Week, "ref_btyd_W.csv");
}

#[test]
fn btyd_with_a_past_observation_end_equals_lifetimes() {
    check_btyd("1997-12-31", Period::Day, "ref_btyd_D_asof_1997-12-31.csv");
}

fn check_scores(method: Binning, file: &str) -> Scores {
    let f = features("1998-07-01", FrequencyBasis::Rows);
    let scores = Scores::compute(&f, &ScoreOptions::new(5, method)).unwrap();
    let want = reference(file);
    for (i, c) in f.iter().enumerate() {
        let s = scores.get(i);
        let w = &want[c.id];
        assert_eq!(
            (s.r.to_string(), s.f.to_string(), s.m.to_string()),
            (w["r_score"].clone(), w["f_score"].clone(), w["m_score"].clone()),
            "{}",
            c.id
        );
    }
    scores
}

#[test]
fn quantile_scores_equal_numpy() {
    let scores = check_scores(Binning::Quantile, "ref_scores_quantile5.csv");
    let mut rdr = csv::Reader::from_path(format!("{DATA}ref_thresholds_quantile5.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        let k = ["recency", "frequency", "monetary"].iter().position(|d| *d == &r[0]).unwrap();
        let i: usize = r[1].parse().unwrap();
        let want: f64 = r[2].parse().unwrap();
        assert_eq!(scores.thresholds()[k].cuts[i - 1], want, "{} {i}", &r[0]);
    }
    // Frequency: half the customers bought once, so score 2 is empty (as with R rfm).
    let f_bins = &scores.thresholds()[1].bins;
    assert_eq!(f_bins[1].customers, 0);
    assert_eq!(f_bins[0].customers, 1205);
}

#[test]
fn ntile_scores_equal_sqlite() {
    let scores = check_scores(Binning::Ntile, "ref_scores_ntile5.csv");
    let counts: Vec<usize> = scores.thresholds()[2].bins.iter().map(|b| b.customers).collect();
    assert_eq!(counts, [472, 472, 471, 471, 471]);
}
