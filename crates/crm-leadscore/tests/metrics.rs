//! The metrics against scikit-learn 1.9.1 on shared inputs (`data/metrics.json`, written by
//! `data/make_reference.py` from the test-set probabilities in `data/pred_test.csv`;
//! `data/calibration.json`, written by `data/make_calibration_reference.py`).

use crm_leadscore::{
    Confusion, ThresholdRule, average_precision, brier, calibration, choose_threshold, deciles, ks,
    log_loss, psi, roc_auc, roc_curve,
};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DATA}metrics.json")).unwrap()).unwrap()
}

fn close(got: f64, want: &Value, what: &str) {
    let want = want.as_f64().unwrap_or_else(|| panic!("{what}: no number"));
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: {got} vs scikit-learn {want}"
    );
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

/// Labels and the three models' probabilities of `pred_test.csv`.
fn predictions() -> (Vec<bool>, [Vec<f64>; 3]) {
    let mut rdr = csv::Reader::from_path(format!("{DATA}pred_test.csv")).unwrap();
    let mut y = Vec::new();
    let mut p: [Vec<f64>; 3] = Default::default();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        y.push(&rec[1] == "1");
        for k in 0..3 {
            p[k].push(rec[2 + k].parse().unwrap());
        }
    }
    assert_eq!(y.len(), 11_303);
    (y, p)
}

/// Asserts equal lengths (a `zip` alone passes a short output), then each pair `close`.
#[track_caller]
fn close_all(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{what}[{i}]: {g} vs scikit-learn {w}");
    }
}

#[test]
fn metrics_of_the_three_models_equal_sklearns() {
    let r = reference();
    let (y, p) = predictions();
    for (k, name) in ["logistic", "forest", "boosted"].iter().enumerate() {
        let m = &r["models"][name];
        let s = &p[k];
        close(roc_auc(&y, s).unwrap(), &m["roc_auc"], &format!("{name} roc_auc"));
        close(average_precision(&y, s).unwrap(), &m["average_precision"], &format!("{name} AP"));
        close(log_loss(&y, s).unwrap(), &m["log_loss"], &format!("{name} log_loss"));
        close(brier(&y, s).unwrap(), &m["brier_score_loss"], &format!("{name} brier"));
        close(ks(&y, s).unwrap(), &m["ks"], &format!("{name} ks"));
        let c = Confusion::at(&y, s, 0.5);
        assert_eq!(
            (c.tn, c.fp, c.fn_, c.tp),
            (
                m["confusion"]["tn"].as_u64().unwrap() as usize,
                m["confusion"]["fp"].as_u64().unwrap() as usize,
                m["confusion"]["fn"].as_u64().unwrap() as usize,
                m["confusion"]["tp"].as_u64().unwrap() as usize
            ),
            "{name}"
        );
        close(c.precision(), &m["precision"], &format!("{name} precision"));
        close(c.recall(), &m["recall"], &format!("{name} recall"));
        close(c.f_beta(1.0), &m["f1"], &format!("{name} f1"));
        close(c.mcc(), &m["mcc"], &format!("{name} mcc"));
        let d = deciles(&y, s).unwrap();
        let want = m["deciles"].as_array().unwrap();
        assert_eq!(d.len(), want.len(), "{name}: deciles");
        for (ours, theirs) in d.iter().zip(want) {
            assert_eq!(
                ours.count as u64,
                theirs["count"].as_u64().unwrap(),
                "{name} decile {}",
                ours.decile
            );
            assert_eq!(
                ours.positives as u64,
                theirs["positives"].as_u64().unwrap(),
                "{name} decile {}",
                ours.decile
            );
            close(ours.lift, &theirs["lift"], &format!("{name} lift {}", ours.decile));
            close(ours.capture, &theirs["capture"], &format!("{name} capture {}", ours.decile));
            let what = |key: &str| format!("{name} {key} {}", ours.decile);
            assert_eq!(ours.decile as u64, theirs["decile"].as_u64().unwrap());
            assert_eq!(ours.cum_count as u64, theirs["cum_count"].as_u64().unwrap());
            assert_eq!(ours.cum_positives as u64, theirs["cum_positives"].as_u64().unwrap());
            close(ours.rate, &theirs["rate"], &what("rate"));
            close(ours.cum_lift, &theirs["cum_lift"], &what("cum_lift"));
            close(ours.min_score, &theirs["min_score"], &what("min_score"));
            close(ours.max_score, &theirs["max_score"], &what("max_score"));
        }
    }
}

#[test]
fn synthetic_ties_and_edges_equal_sklearns() {
    let r = reference();
    for case in r["synthetic"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y: Vec<bool> =
            case["y"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() == 1).collect();
        let s = floats(&case["s"]);
        if !case["roc_auc"].is_null() {
            close(roc_auc(&y, &s).unwrap(), &case["roc_auc"], &format!("{name} roc_auc"));
            close(ks(&y, &s).unwrap(), &case["ks"], &format!("{name} ks"));
        }
        if !case["average_precision"].is_null() {
            close(
                average_precision(&y, &s).unwrap(),
                &case["average_precision"],
                &format!("{name} AP"),
            );
        }
        if s.iter().all(|v| (0.0..=1.0).contains(v)) && !case["log_loss"].is_null() {
            close(log_loss(&y, &s).unwrap(), &case["log_loss"], &format!("{name} log_loss"));
            close(brier(&y, &s).unwrap(), &case["brier_score_loss"], &format!("{name} brier"));
        }
    }
}

#[test]
fn psi_equals_the_reference_convention() {
    let r = reference();
    let cases = r["psi"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (expected, actual) = (floats(&case["expected"]), floats(&case["actual"]));
        let got = psi(&expected, &actual).unwrap();
        close(got, &case["psi"], name);
        // The bins kept with a model: numpy's decile edges and the floored proportions.
        let bins = crm_leadscore::PsiBins::of(&expected);
        close_all(&bins.edges, &floats(&case["edges"]), name);
        close_all(&bins.expected, &floats(&case["expected_prop_floored"]), name);
    }
}

/// `roc_curve` is scikit-learn's `roc_curve(drop_intermediate=False)`: the (0, 0) point
/// with an infinite threshold, then one point per distinct score, descending.
#[test]
fn roc_curves_equal_sklearns() {
    let r = reference();
    for case in r["synthetic"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y: Vec<bool> =
            case["y"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() == 1).collect();
        let s = floats(&case["s"]);
        let (fpr, tpr, thr) = roc_curve(&y, &s).unwrap();
        close_all(&fpr, &floats(&case["roc_fpr"]), &format!("{name} fpr"));
        close_all(&tpr, &floats(&case["roc_tpr"]), &format!("{name} tpr"));
        assert_eq!(thr[0], f64::INFINITY, "{name}");
        close_all(&thr[1..], &floats(&case["roc_thresholds_after_inf"]), &format!("{name} thr"));
    }
}

/// `choose_threshold` against the optimum read off scikit-learn's curves: the F1-best
/// threshold of `precision_recall_curve` and the Youden-best of `roc_curve` (the first, that
/// is the highest, threshold among equal values, as numpy's `argmax`), and for a minimum
/// recall the most precise threshold that keeps it.
#[test]
fn chosen_thresholds_are_the_optima_of_sklearns_curves() {
    let r = reference();
    let mut compared = 0;
    for case in r["synthetic"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y: Vec<bool> =
            case["y"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() == 1).collect();
        if y.iter().all(|v| *v) || !y.iter().any(|v| *v) {
            continue;
        }
        let s = floats(&case["s"]);
        // precision_recall_curve: thresholds ascending; precision / recall have a last
        // (1, 0) point without a threshold.
        let (prec, rec, pthr) = (
            floats(&case["pr_precision"]),
            floats(&case["pr_recall"]),
            floats(&case["pr_thresholds"]),
        );
        assert_eq!(prec.len(), pthr.len() + 1);
        let f1 = |i: usize| {
            if prec[i] + rec[i] == 0.0 { 0.0 } else { 2.0 * prec[i] * rec[i] / (prec[i] + rec[i]) }
        };
        // Highest threshold among equal F1: scan from the top.
        let best = (0..pthr.len()).rev().fold(None, |b: Option<usize>, i| match b {
            Some(j) if f1(j) >= f1(i) => Some(j),
            _ => Some(i),
        });
        let c = choose_threshold(&y, &s, ThresholdRule::FBeta(1.0)).unwrap();
        assert_eq!(c.threshold, pthr[best.unwrap()], "{name}: F1");
        let (fpr, tpr, thr) = (
            floats(&case["roc_fpr"]),
            floats(&case["roc_tpr"]),
            floats(&case["roc_thresholds_after_inf"]),
        );
        // Skip sklearn's (0, 0) point: its threshold (infinity) is not a candidate.
        let j =
            (1..fpr.len()).fold(1, |b, i| if tpr[i] - fpr[i] > tpr[b] - fpr[b] { i } else { b });
        let c = choose_threshold(&y, &s, ThresholdRule::Youden).unwrap();
        assert_eq!(c.threshold, thr[j - 1], "{name}: Youden");
        let c = choose_threshold(&y, &s, ThresholdRule::MinRecall(0.5)).unwrap();
        let keep: Vec<usize> = (0..pthr.len()).filter(|&i| rec[i] >= 0.5).collect();
        let most_precise = keep
            .iter()
            .rev()
            .fold(keep[keep.len() - 1], |b, &i| if prec[i] > prec[b] { i } else { b });
        assert_eq!(c.threshold, pthr[most_precise], "{name}: min recall");
        assert!(c.recall() >= 0.5, "{name}");
        compared += 1;
    }
    assert!(compared >= 7, "{compared} cases compared");
}

/// `calibration` is `calibration_curve(strategy="uniform")`: the same non-empty bins, the
/// same observed and predicted rates and counts, with probabilities on bin edges (the
/// forest's shares of 300 trees, and synthetic ones on every edge) in the bin below.
#[test]
fn calibration_equals_sklearns_calibration_curve() {
    let text = std::fs::read_to_string(format!("{DATA}calibration.json")).unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let (y_test, p_test) = predictions();
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let bins = case["n_bins"].as_u64().unwrap() as usize;
        let (y, p) = match case["p"].as_str() {
            Some(column) => {
                let k = ["p_logistic", "p_forest", "p_boosted"].iter().position(|c| c == &column);
                (y_test.clone(), p_test[k.unwrap()].clone())
            }
            None => (
                case["y"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() == 1).collect(),
                floats(&case["p"]),
            ),
        };
        let got = calibration(&y, &p, bins).unwrap();
        let counts: Vec<u64> = got.iter().map(|b| b.count as u64).collect();
        let want: Vec<u64> =
            case["counts"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        assert_eq!(counts, want, "{name}: counts");
        let observed: Vec<f64> = got.iter().map(|b| b.observed).collect();
        close_all(&observed, &floats(&case["prob_true"]), &format!("{name} observed"));
        let predicted: Vec<f64> = got.iter().map(|b| b.predicted).collect();
        close_all(&predicted, &floats(&case["prob_pred"]), &format!("{name} predicted"));
        let edges = floats(&case["edges"]);
        assert!(got.iter().all(|b| edges.contains(&b.from) && edges.contains(&b.to)), "{name}");
    }
}

#[test]
fn calibration_refuses_what_sklearn_refuses() {
    let e = calibration(&[true, false], &[0.5], 10).unwrap_err();
    assert_eq!(e.to_string(), "invalid scores: 2 labels for 1 scores");
    let e = calibration(&[true, false], &[0.5, 1.5], 10).unwrap_err();
    assert_eq!(e.to_string(), "invalid probabilities: the probability of row 2 is outside [0, 1]");
    assert!(calibration(&[true], &[0.5], 0).is_err());
}

#[test]
fn a_single_class_is_an_error() {
    assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_err());
    assert!(roc_auc(&[true, false], &[f64::NAN, 0.2]).is_err());
}
