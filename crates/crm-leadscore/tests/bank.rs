//! crm-leadscore on UCI Bank Marketing (`data/bank-marketing/bank-full.csv`, without
//! `duration`), with scikit-learn's stratified 75/25 split (`data/bank_split.csv`): ROC-AUC
//! against scikit-learn / XGBoost (`data/reference.json`).

use crm_leadscore::{
    BoostParams, Encoder, FeatureSpec, ForestParams, Frame, Model, ModelSpec, roc_auc,
};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
const BANK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bank-marketing/bank-full.csv");

struct Bank {
    x_train: crm_leadscore::Design,
    y_train: Vec<bool>,
    x_test: crm_leadscore::Design,
    y_test: Vec<bool>,
}

fn bank() -> Bank {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(BANK)
        .expect("tests/data/bank-marketing/bank-full.csv");
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> =
        rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let split: Vec<bool> = std::fs::read_to_string(format!("{DATA}bank_split.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l == "test")
        .collect();
    assert_eq!(split.len(), rows.len());
    // `day` and the other numbers stay numeric; `y` is the target.
    let (frame, bad) = Frame::from_text(&headers, &rows, &[]);
    assert!(bad.is_empty());
    let y: Vec<bool> =
        frame.target("y", Some("yes")).unwrap().into_iter().map(|v| v.unwrap()).collect();
    let train: Vec<usize> = (0..rows.len()).filter(|&i| !split[i]).collect();
    let test: Vec<usize> = (0..rows.len()).filter(|&i| split[i]).collect();
    let spec = FeatureSpec {
        exclude: vec!["y".into()],
        leakage: vec!["duration".into()],
        min_level_count: 1,
        ..Default::default()
    };
    let enc = Encoder::fit(&frame.select(&train), &spec).unwrap();
    let x = enc.transform(&frame).unwrap();
    Bank {
        x_train: x.select(&train),
        y_train: train.iter().map(|&i| y[i]).collect(),
        x_test: x.select(&test),
        y_test: test.iter().map(|&i| y[i]).collect(),
    }
}

fn reference_auc(model: &str) -> f64 {
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DATA}reference.json")).unwrap())
            .unwrap();
    r["models"][model]["test_roc_auc"].as_f64().unwrap()
}

fn auc_of(spec: &ModelSpec, b: &Bank) -> f64 {
    let m = Model::fit(spec, &b.x_train, &b.y_train, false).unwrap();
    roc_auc(&b.y_test, &m.predict(&b.x_test)).unwrap()
}

#[test]
fn logistic_within_0_005_of_sklearn() {
    let b = bank();
    let got = auc_of(&ModelSpec::Logistic { c: 1.0 }, &b);
    let want = reference_auc("logistic");
    assert!((got - want).abs() <= 0.005, "logistic AUC {got} vs scikit-learn {want}");
}

#[test]
fn forest_within_0_01_of_sklearn() {
    let b = bank();
    let got = auc_of(&ModelSpec::Forest(ForestParams::default()), &b);
    let want = reference_auc("forest");
    assert!((got - want).abs() <= 0.01, "forest AUC {got} vs scikit-learn {want}");
}

#[test]
fn boosted_within_0_005_of_xgboost() {
    let b = bank();
    let got = auc_of(&ModelSpec::Boosted(BoostParams::default()), &b);
    let want = reference_auc("boosted");
    assert!((got - want).abs() <= 0.005, "boosted AUC {got} vs XGBoost {want}");
}
