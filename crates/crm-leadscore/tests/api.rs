//! The public surface: auto traits and serde.

use crm_leadscore::{
    BoostParams, Boosted, CalibrationBin, Candidate, Column, ColumnType, Confusion, Decile, Design,
    Encoder, Error, FeatureSpec, Forest, ForestParams, Frame, LeadModel, Logistic, Metrics, Model,
    ModelSpec, Monitoring, Problem, PsiBins, Scored, Split, SplitKind, Stage, StageReport,
    Suspicious, Targets, ThresholdRule, TrainOptions, TrainReport, Values,
};

fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn public_types_are_send_sync_and_debug() {
    assert_send_sync::<BoostParams>();
    assert_send_sync::<Boosted>();
    assert_send_sync::<CalibrationBin>();
    assert_send_sync::<Candidate>();
    assert_send_sync::<Column>();
    assert_send_sync::<ColumnType>();
    assert_send_sync::<Confusion>();
    assert_send_sync::<Decile>();
    assert_send_sync::<Design>();
    assert_send_sync::<Encoder>();
    assert_send_sync::<Error>();
    assert_send_sync::<FeatureSpec>();
    assert_send_sync::<Forest>();
    assert_send_sync::<ForestParams>();
    assert_send_sync::<Frame>();
    assert_send_sync::<LeadModel>();
    assert_send_sync::<Logistic>();
    assert_send_sync::<Metrics>();
    assert_send_sync::<Model>();
    assert_send_sync::<ModelSpec>();
    assert_send_sync::<Monitoring>();
    assert_send_sync::<Problem>();
    assert_send_sync::<PsiBins>();
    assert_send_sync::<Scored>();
    assert_send_sync::<Split>();
    assert_send_sync::<SplitKind>();
    assert_send_sync::<Stage>();
    assert_send_sync::<StageReport>();
    assert_send_sync::<Suspicious>();
    assert_send_sync::<Targets>();
    assert_send_sync::<ThresholdRule>();
    assert_send_sync::<TrainOptions>();
    assert_send_sync::<TrainReport>();
    assert_send_sync::<Values>();
}

#[test]
fn invalid_parameters_name_the_parameter() {
    let e = ModelSpec::default_for("svm", 1).unwrap_err();
    assert!(matches!(e, Error::InvalidParameter { name: "model", .. }));
    assert_eq!(e.to_string(), "invalid model: \"svm\" is not logistic, forest or boosted");
}

#[cfg(feature = "serde")]
#[test]
fn results_round_trip_through_serde() {
    let headers = ["source", "income", "booked"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = (0..300)
        .map(|i| {
            let source = ["web", "referral", "walk-in"][i % 3];
            let income = 2_000_000 + (i * 37_000) % 9_000_000;
            let booked = income > 6_000_000 && i % 4 != 1;
            vec![source.into(), income.to_string(), if booked { "ya" } else { "tidak" }.into()]
        })
        .collect();
    let (frame, _) = Frame::from_text(&headers, &rows, &[]);
    let mut opts = TrainOptions::new(Targets::Single { target: "booked".into(), positive: None });
    opts.families = vec!["logistic".into()];
    let text = serde_json::to_string(&opts).unwrap();
    assert_eq!(serde_json::from_str::<TrainOptions>(&text).unwrap(), opts);
    let (model, report) = LeadModel::train(&frame, &opts).unwrap();
    let text = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<TrainReport>(&text).unwrap(), report);
    let scored = model.score(&frame).unwrap();
    let json: serde_json::Value = serde_json::to_value(&scored).unwrap();
    assert_eq!(json["score"].as_array().unwrap().len(), 300);
    assert_eq!(serde_json::from_value::<Scored>(json).unwrap(), scored);
    let problem = Problem::FieldCount { row: 3, expected: 3, found: 2 };
    let json = serde_json::to_value(&problem).unwrap();
    assert_eq!(json["FieldCount"]["row"], 3);
    assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), problem);
}
