//! `lifecycle`, `holdout` and `Binning::CutPoints` on small tables whose answers can be
//! worked out by hand (issue 20: they had no test).

use chrono::NaiveDate;
use crm_rfm::{
    Binning, Error, FeatureBuilder, FeatureOptions, Features, LifecycleOptions, ScoreOptions,
    Scores, Stage, holdout, lifecycle,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Features as of 2026-01-01 from `(customer, date, amount)` rows.
fn features(rows: &[(&str, &str, &str)]) -> Features {
    let mut b = FeatureBuilder::new(d("2026-01-01"), FeatureOptions::default());
    for (i, (c, date, amount)) in rows.iter().enumerate() {
        b.push_text(i as u64 + 1, c, date, amount, None);
    }
    b.finish().unwrap()
}

#[test]
fn lifecycle_stages_follow_the_documented_thresholds() {
    let f = features(&[
        ("active", "2025-12-01", "10"), // 31 days, twice: active
        ("active", "2025-11-01", "10"),
        ("first", "2025-12-20", "10"),   // 12 days, once: first-timer
        ("edge180", "2025-07-05", "10"), // exactly 180 days: not yet defecting
        ("edge180", "2025-06-01", "10"),
        ("defecting", "2025-07-04", "10"), // 181 days
        ("edge365", "2025-01-01", "10"),   // exactly 365 days: defecting, not inactive
        ("inactive", "2024-12-31", "10"),  // 366 days
    ]);
    let registered = ["active", "lead1", "lead2", "lead1", "first"];
    let l = lifecycle(&f, registered, LifecycleOptions::default()).unwrap();
    let stage = |id: &str| l.stages.iter().find(|(c, _)| c == id).map(|(_, s)| *s);
    assert_eq!(stage("active"), Some(Stage::Active));
    assert_eq!(stage("first"), Some(Stage::FirstTimer));
    assert_eq!(stage("edge180"), Some(Stage::Active));
    assert_eq!(stage("defecting"), Some(Stage::Defecting));
    assert_eq!(stage("edge365"), Some(Stage::Defecting));
    assert_eq!(stage("inactive"), Some(Stage::Inactive));
    assert_eq!(stage("lead1"), Some(Stage::Lead));
    assert_eq!(stage("lead2"), Some(Stage::Lead));
    // Counts in Stage::ALL order: lead, first-timer, active, defecting, inactive.
    assert_eq!(l.counts, [2, 1, 2, 2, 1]);
    assert_eq!(l.counts.iter().sum::<usize>(), l.stages.len());
    // Buyers missing from the member list, and the repeated registration.
    assert_eq!(l.not_registered, 4);
    assert_eq!(l.duplicate_registrations, 1);
    // The features' customers first, in their order, then the leads in the order given.
    let order: Vec<&str> = l.stages.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        order,
        ["active", "first", "edge180", "defecting", "edge365", "inactive", "lead1", "lead2"]
    );
}

#[test]
fn lifecycle_thresholds_are_options_and_must_be_ordered() {
    let f = features(&[("a", "2025-12-01", "10"), ("a", "2025-11-01", "10")]);
    let tight = LifecycleOptions { defecting_after_days: 30, inactive_after_days: 60 };
    assert_eq!(lifecycle(&f, [], tight).unwrap().stages[0].1, Stage::Defecting);
    let bad = LifecycleOptions { defecting_after_days: 90, inactive_after_days: 60 };
    let err = lifecycle(&f, [], bad).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "inactive_after_days", .. }), "{err}");
}

#[test]
fn holdout_counts_test_window_purchases_per_training_customer() {
    let train = features(&[("a", "2025-12-01", "10"), ("b", "2025-06-01", "10")]);
    let rows = [
        ("a", d("2025-12-01")), // training window: not counted
        ("a", d("2026-01-02")), // test window
        ("a", d("2026-02-01")), // test window, its last day
        ("b", d("2026-02-02")), // after the test window
        ("c", d("2026-01-15")), // new customer in the test window
        ("c", d("2026-01-16")),
        ("a", d("2026-01-01")), // the as-of day itself belongs to training
    ];
    let h = holdout(&train, d("2026-02-01"), rows).unwrap();
    assert_eq!(h.test_purchases, [2, 0]);
    assert!(h.bought(0) && !h.bought(1));
    assert_eq!(h.new_in_test, 1);
    assert_eq!(h.after_test, 1);
    let err = holdout(&train, d("2026-01-01"), []).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "test_end", .. }), "{err}");
}

#[test]
fn cut_points_score_one_plus_the_cuts_a_value_exceeds() {
    // Monetary 100, 200, 300, 400, 500 with cuts 200 and 400: a value equal to a cut point
    // does not exceed it.
    let rows: Vec<(String, &str, String)> =
        (1..=5).map(|i| (format!("C{i}"), "2025-12-01", (i * 100).to_string())).collect();
    let refs: Vec<(&str, &str, &str)> =
        rows.iter().map(|(c, d, a)| (c.as_str(), *d, a.as_str())).collect();
    let f = features(&refs);
    let mut options = ScoreOptions::new(5, Binning::Quantile);
    options.monetary = Binning::CutPoints(vec![200.0, 400.0]);
    let s = Scores::compute(&f, &options).unwrap();
    assert_eq!(s.m(), [1, 1, 2, 2, 3]);
    let t = s.thresholds().iter().find(|t| t.binning == Binning::CutPoints(vec![200.0, 400.0]));
    assert_eq!(t.unwrap().cuts, [200.0, 400.0]);

    for bad in [vec![], vec![400.0, 200.0], vec![f64::NAN]] {
        let mut o = options.clone();
        o.monetary = Binning::CutPoints(bad.clone());
        let err = Scores::compute(&f, &o).unwrap_err();
        assert!(matches!(err, Error::InvalidParameter { name: "binning", .. }), "{bad:?}: {err}");
    }
}
