//! Splits and thresholds: the rules each function documents, on small inputs whose answer
//! can be worked out by hand, and by brute force over every threshold.

use chrono::NaiveDate;
use crm_leadscore::{
    Confusion, Error, ThresholdRule, choose_threshold, stratified_kfold, stratified_split,
    time_split,
};

/// 100 labels, 30 positive, in a fixed pattern.
fn labels() -> Vec<bool> {
    (0..100).map(|i| (i * 7) % 10 < 3).collect()
}

#[test]
fn stratified_kfold_partitions_the_rows_and_spreads_each_class() {
    let y = labels();
    let folds = stratified_kfold(&y, 4, 42).unwrap();
    assert_eq!(folds.len(), 4);
    let mut seen = vec![0; y.len()];
    for f in &folds {
        // Each part is the complement of the other within the rows, both ascending.
        assert_eq!(f.train.len() + f.test.len(), y.len());
        assert!(f.train.windows(2).all(|w| w[0] < w[1]) && f.test.windows(2).all(|w| w[0] < w[1]));
        assert!(f.test.iter().all(|i| f.train.binary_search(i).is_err()));
        for &i in &f.test {
            seen[i] += 1;
        }
        // 30 positives and 70 negatives over 4 folds: 7 or 8, and 17 or 18.
        let pos = f.test.iter().filter(|&&i| y[i]).count();
        assert!((7..=8).contains(&pos), "{pos} positives");
        assert!((17..=18).contains(&(f.test.len() - pos)), "{} negatives", f.test.len() - pos);
    }
    assert!(seen.iter().all(|&n| n == 1), "every row is tested exactly once");
    assert_eq!(stratified_kfold(&y, 4, 42).unwrap(), folds, "the seed fixes the folds");
    assert_ne!(stratified_kfold(&y, 4, 43).unwrap(), folds, "another seed, other folds");
}

#[test]
fn folds_must_be_between_2_and_the_smaller_class() {
    let y = labels();
    for k in [0, 1, 31] {
        let e = stratified_kfold(&y, k, 1).unwrap_err();
        assert_eq!(e.to_string(), format!("invalid folds: {k} folds for 30 positive of 100 rows"));
    }
    assert_eq!(stratified_kfold(&y, 30, 1).unwrap().len(), 30);
    assert!(stratified_kfold(&[], 2, 1).is_err());
}

#[test]
fn stratified_split_holds_out_the_share_of_each_class() {
    let y = labels();
    let s = stratified_split(&y, 0.25, 7).unwrap();
    // Each class rounded on its own: round(30 × 0.25) = 8 and round(70 × 0.25) = 18
    // (halves round away from zero).
    assert_eq!(s.test.len(), 26);
    assert_eq!(s.test.iter().filter(|&&i| y[i]).count(), 8);
    assert_eq!(s.train.len() + s.test.len(), 100);
    for share in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            stratified_split(&y, share, 7),
            Err(Error::InvalidParameter { name: "test share", .. })
        ));
    }
}

fn day(d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 3, d)
}

/// The test rows are those dated on or after the date at position ⌊n × (1 − share)⌋ of
/// the sorted known dates; rows without a date train.
#[test]
fn time_split_tests_the_latest_rows() {
    // Known dates sorted: 1 2 3 4 5 5 6 7 (8 of them); share 0.25: cut = sorted[6] = 6.
    let dates = vec![day(5), day(1), None, day(7), day(2), day(5), day(6), day(3), day(4)];
    let s = time_split(&dates, 0.25).unwrap();
    assert_eq!(s.test, [3, 6]);
    assert_eq!(s.train, [0, 1, 2, 4, 5, 7, 8]);
    // Share 0.5: cut = sorted[4] = the 5th, and both rows of that day are tested.
    let s = time_split(&dates, 0.5).unwrap();
    assert_eq!(s.test, [0, 3, 5, 6]);
    assert!(s.train.contains(&2), "the undated row trains");
    assert!(matches!(time_split(&[None, None], 0.25), Err(Error::Empty(_))));
    assert!(matches!(time_split(&dates, 1.0), Err(Error::InvalidParameter { .. })));
}

/// Every rule against a brute force over every distinct score: the best value, and among
/// equal values the highest threshold.
#[test]
fn choose_threshold_finds_the_best_threshold_by_brute_force() {
    let y = labels();
    // Scores that rank positives higher on the whole, with ties.
    let s: Vec<f64> = (0..100)
        .map(|i| ((i * 37) % 23) as f64 / 23.0 * 0.6 + if y[i] { 0.3 } else { 0.0 })
        .collect();
    let mut thresholds = s.clone();
    thresholds.sort_by(|a, b| b.total_cmp(a));
    thresholds.dedup();
    // The value each rule maximises, `None` where a threshold is not allowed.
    type Value = fn(&Confusion) -> Option<f64>;
    let rules: [(ThresholdRule, Value); 4] = [
        (ThresholdRule::FBeta(1.0), |c| Some(c.f_beta(1.0))),
        (ThresholdRule::FBeta(2.0), |c| Some(c.f_beta(2.0))),
        (ThresholdRule::Youden, |c| Some(c.recall() - c.fp as f64 / (c.fp + c.tn) as f64)),
        (ThresholdRule::MinRecall(0.9), |c| (c.recall() >= 0.9).then(|| c.precision())),
    ];
    for (rule, value) in rules {
        let mut best: Option<(f64, f64)> = None;
        for &t in &thresholds {
            let Some(v) = value(&Confusion::at(&y, &s, t)) else { continue };
            if best.is_none_or(|(bv, _)| v > bv) {
                best = Some((v, t));
            }
        }
        let c = choose_threshold(&y, &s, rule).unwrap();
        assert_eq!(c.threshold, best.unwrap().1, "{rule:?}");
        assert_eq!(c, Confusion::at(&y, &s, c.threshold), "{rule:?}");
    }
    let e = choose_threshold(&y, &s, ThresholdRule::MinRecall(1.5)).unwrap_err();
    assert_eq!(e.to_string(), "invalid threshold: no threshold meets the rule");
}
