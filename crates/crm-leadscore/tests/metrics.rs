//! The metrics against scikit-learn 1.9.1 on shared inputs (`data/metrics.json`, written by
//! `data/make_reference.py` from the test-set probabilities in `data/pred_test.csv`).

use crm_leadscore::{Confusion, average_precision, brier, deciles, ks, log_loss, psi, roc_auc};
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

#[test]
fn metrics_of_the_three_models_equal_sklearns() {
    let r = reference();
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
        for (ours, theirs) in d.iter().zip(m["deciles"].as_array().unwrap()) {
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
    for case in r["psi"].as_array().unwrap() {
        let got = psi(&floats(&case["expected"]), &floats(&case["actual"])).unwrap();
        close(got, &case["psi"], case["name"].as_str().unwrap());
    }
}

#[test]
fn a_single_class_is_an_error() {
    assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_err());
    assert!(roc_auc(&[true, false], &[f64::NAN, 0.2]).is_err());
}
