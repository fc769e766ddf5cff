//! The pipeline on bad and unusual input: each case is a typed error or a documented,
//! finite result, never a panic or a NaN score.

use crm_leadscore::{ColumnType, Error, FeatureSpec, Frame, LeadModel, Targets, TrainOptions};

/// Generated leads: the booking rate rises with the hour of arrival and for referrals.
fn leads(n: usize, seed: u64) -> (Vec<String>, Vec<Vec<String>>) {
    let headers =
        ["lead_id", "arrived", "source", "income", "empty", "booked"].map(String::from).to_vec();
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    let rows = (0..n)
        .map(|i| {
            let hour = 8 + (next() * 12.0) as u32;
            let source = ["Website", "Referral", "Walk-in"][(next() * 3.0) as usize];
            let income = 3.0 + next() * 12.0;
            let p =
                0.05 + 0.05 * f64::from(hour - 8) + if source == "Referral" { 0.2 } else { 0.0 };
            let booked = next() < p;
            vec![
                format!("L{i}"),
                format!("2025-03-{:02} {hour:02}:{:02}", 1 + i % 28, (next() * 60.0) as u32),
                source.to_string(),
                format!("{income:.1}"),
                String::new(),
                if booked { "ya" } else { "tidak" }.to_string(),
            ]
        })
        .collect();
    (headers, rows)
}

fn options() -> TrainOptions {
    let mut opts =
        TrainOptions::new(Targets::Single { target: "booked".into(), positive: Some("ya".into()) });
    opts.features = FeatureSpec { exclude: vec!["lead_id".into()], ..Default::default() };
    opts.families = vec!["logistic".into()];
    opts
}

fn train(n: usize) -> (LeadModel, crm_leadscore::TrainReport) {
    let (h, rows) = leads(n, 7);
    let (frame, bad) = Frame::from_text(&h, &rows, &[]);
    assert!(bad.is_empty());
    LeadModel::train(&frame, &options()).unwrap()
}

#[test]
fn a_date_with_a_time_of_day_gives_hour_features_that_the_model_uses() {
    let (h, rows) = leads(50, 1);
    let (frame, _) = Frame::from_text(&h, &rows, &[]);
    let arrived = frame.column("arrived").unwrap();
    assert_eq!(arrived.values.column_type(), ColumnType::DateTime);
    let (model, report) = train(4_000);
    let hour = report.stages[0]
        .importance
        .iter()
        .find(|(name, _, _)| name == "arrived_hour")
        .expect("an hour feature");
    assert!(hour.2 > 0.02, "the hour carries signal: permutation drop {}", hour.2);
    assert!(report.stages[0].test.roc_auc > 0.65, "{}", report.stages[0].test.roc_auc);
    assert!(model.encoder.names().iter().any(|n| n == "arrived_weekday"));
}

#[test]
fn a_single_class_target_is_a_typed_error() {
    let (h, mut rows) = leads(200, 2);
    rows.iter_mut().for_each(|r| r[5] = "tidak".into());
    let (frame, _) = Frame::from_text(&h, &rows, &[]);
    match LeadModel::train(&frame, &options()) {
        Err(Error::SingleClass { target, positives: 0, rows: 200, .. }) => {
            assert_eq!(target, "booked")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_all_missing_column_is_dropped_with_its_reason() {
    let (_, report) = train(1_000);
    let (col, why) = report.dropped.iter().find(|(c, _)| c == "empty").expect("dropped");
    assert_eq!(col, "empty");
    assert!(!why.is_empty());
}

#[test]
fn unseen_categories_and_unparsable_numbers_still_score_finite() {
    let (model, _) = train(1_000);
    let (h, mut rows) = leads(20, 3);
    rows[0][2] = "Billboard".into(); // a source never seen in training
    rows[1][3] = "n/a x".into(); // not a number
    rows[2][1] = String::new(); // missing arrival
    let (frame, bad) = Frame::from_text(&h, &rows, &model.input_types());
    assert_eq!(bad, vec![("income".to_string(), 1)], "the caller is told which cell was bad");
    let scored = model.score(&frame).unwrap();
    assert!(scored.score.iter().all(|s| s.is_finite() && (0.0..=1.0).contains(s)));
}

#[test]
fn a_schema_mismatch_is_a_typed_error() {
    let (model, _) = train(1_000);
    let (h, rows) = leads(20, 4);
    // A column gone.
    let keep: Vec<usize> = (0..h.len()).filter(|&j| h[j] != "source").collect();
    let h2: Vec<String> = keep.iter().map(|&j| h[j].clone()).collect();
    let rows2: Vec<Vec<String>> =
        rows.iter().map(|r| keep.iter().map(|&j| r[j].clone()).collect()).collect();
    let (frame, _) = Frame::from_text(&h2, &rows2, &[]);
    assert!(matches!(model.score(&frame), Err(Error::Schema(m)) if m.contains("source")));
    // A column of another type.
    let (frame, _) = Frame::from_text(&h, &rows, &[("income".into(), ColumnType::Categorical)]);
    assert!(matches!(model.score(&frame), Err(Error::Schema(m)) if m.contains("income")));
}

#[test]
fn a_leakage_column_cannot_be_a_feature() {
    let (h, rows) = leads(300, 5);
    let (frame, _) = Frame::from_text(&h, &rows, &[]);
    let mut opts = options();
    opts.features.leakage = vec!["income".into()];
    opts.features.include = vec!["income".into(), "source".into()];
    assert_eq!(LeadModel::train(&frame, &opts).unwrap_err(), Error::Leakage("income".into()));
}

#[test]
fn the_datetime_text_forms_parse() {
    use crm_leadscore::parse_datetime;
    let t = |s: &str| parse_datetime(s).map(|d| d.to_string());
    assert_eq!(t("2025-03-01 09:30").as_deref(), Some("2025-03-01 09:30:00"));
    assert_eq!(t("2025-03-01T09:30:15").as_deref(), Some("2025-03-01 09:30:15"));
    assert_eq!(t("01/03/2025 17:05:00").as_deref(), Some("2025-03-01 17:05:00"));
    assert_eq!(t("2025-03-01").as_deref(), Some("2025-03-01 00:00:00"));
    assert_eq!(t("2025-03-01 25:00"), None);
}
