//! The pipeline on bad and unusual input: each case is a typed error or a documented,
//! finite result, never a panic or a NaN score.

use crm_leadscore::{
    ColumnType, Error, FeatureSpec, Frame, LeadModel, Problem, Targets, TrainOptions, Values,
};

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
    // The caller is told which cell was bad, by its 1-based row (rows[1] is row 2).
    assert_eq!(
        bad,
        vec![Problem::BadValue {
            row: 2,
            column: "income".into(),
            expected: ColumnType::Numeric,
            reason: "not a number".into()
        }],
    );
    assert_eq!(
        bad[0].to_string(),
        "row 2, column \"income\" (numeric): not a number; read as missing"
    );
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

/// Date-times are read with crm-core's conventions (more forms than 0.1.0 read: day-first
/// with `-`, offsets); a date alone in a date-time column is midnight.
#[test]
fn the_datetime_text_forms_parse() {
    let forms = [
        ("2025-03-01 09:30", "2025-03-01 09:30:00"),
        ("2025-03-01T09:30:15", "2025-03-01 09:30:15"),
        ("01/03/2025 17:05:00", "2025-03-01 17:05:00"),
        ("01-03-2025 7:05", "2025-03-01 07:05:00"),
        ("2025-03-01T23:30:00+07:00", "2025-03-01 23:30:00"),
        ("2025-03-01", "2025-03-01 00:00:00"),
    ];
    let headers = vec!["arrived".to_string()];
    let mut rows: Vec<Vec<String>> = forms.iter().map(|(t, _)| vec![t.to_string()]).collect();
    rows.push(vec!["2025-03-01 25:00".into()]);
    let types = [("arrived".to_string(), ColumnType::DateTime)];
    let (frame, problems) = Frame::from_text(&headers, &rows, &types);
    let Values::DateTime(v) = &frame.column("arrived").unwrap().values else { panic!() };
    assert_eq!(v.len(), forms.len() + 1);
    for ((text, want), got) in forms.iter().zip(v) {
        assert_eq!(got.map(|d| d.to_string()).as_deref(), Some(*want), "{text}");
    }
    assert_eq!(v[forms.len()], None);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].row(), forms.len() as u64 + 1);
    // Without the override the column is guessed a date-time: some values have a time.
    let (guessed, _) = Frame::from_text(&headers, &rows[..forms.len()], &[]);
    assert_eq!(guessed.column("arrived").unwrap().values.column_type(), ColumnType::DateTime);
}

/// Short rows are read as far as they go and long rows' extra fields are ignored, and each
/// is reported with its 1-based row and the field counts; nothing is silent.
#[test]
fn rows_with_the_wrong_number_of_fields_are_reported() {
    let (h, mut rows) = leads(6, 8);
    rows[1].truncate(4); // no `empty`, no `booked`
    rows[4].push("extra".into());
    let (frame, problems) = Frame::from_text(&h, &rows, &[]);
    assert_eq!(frame.rows(), 6);
    assert_eq!(
        problems,
        [
            Problem::FieldCount { row: 2, expected: 6, found: 4 },
            Problem::FieldCount { row: 5, expected: 6, found: 7 },
        ]
    );
    assert_eq!(
        problems[0].to_string(),
        "row 2: 4 fields for 6 columns; the last 2 read as missing"
    );
    assert_eq!(problems[1].to_string(), "row 5: 7 fields for 6 columns; the last 1 ignored");
    assert_eq!(frame.target("booked", Some("ya")).unwrap()[1], None);
}

/// Numbers are read as crm-core reads amounts: Indonesian grouping and decimal comma and a
/// Rupiah prefix are numbers; `1.250` (thousands or decimals?) keeps the column numeric and
/// is reported, not guessed.
#[test]
fn amounts_in_branch_formats_are_numbers_and_ambiguous_ones_are_reported() {
    let headers = vec!["income".to_string(), "code".to_string()];
    let rows: Vec<Vec<String>> = [
        ["Rp 15.000.000", "A1"],
        ["12,5", "B2"],
        ["1.250.000,75", "C3"],
        ["1.250", "D4"],
        ["-", "E5"],
        ["7500000", "F6"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    let (frame, problems) = Frame::from_text(&headers, &rows, &[]);
    let Values::Numeric(v) = &frame.column("income").unwrap().values else { panic!() };
    assert_eq!(v, &[Some(15_000_000.0), Some(12.5), Some(1_250_000.75), None, None, Some(7.5e6)]);
    assert_eq!(problems.len(), 1);
    assert!(matches!(
        &problems[0],
        Problem::BadValue { row: 4, column, expected: ColumnType::Numeric, reason }
            if column == "income" && reason.starts_with("ambiguous number")
    ));
    assert_eq!(frame.column("code").unwrap().values.column_type(), ColumnType::Categorical);
    // A column of text stays categorical: one value that is not a number is enough.
    let mixed: Vec<Vec<String>> = vec![vec!["12".into()], vec!["dua belas".into()]];
    let (frame, problems) = Frame::from_text(&headers[..1], &mixed, &[]);
    assert_eq!(frame.column("income").unwrap().values.column_type(), ColumnType::Categorical);
    assert!(problems.is_empty());
}

#[test]
fn a_missing_column_error_lists_the_columns_there_are() {
    let (h, rows) = leads(5, 9);
    let (frame, _) = Frame::from_text(&h, &rows, &[]);
    let e = frame.column("phone").unwrap_err();
    assert_eq!(e, Error::MissingColumn { name: "phone".into(), available: h.clone() },);
    assert_eq!(
        e.to_string(),
        "missing column \"phone\" (the columns are \"lead_id\", \"arrived\", \"source\", \"income\", \"empty\", \"booked\")"
    );
}

/// A model saved to JSON and loaded back is the same model and scores identically.
#[test]
fn a_saved_pipeline_loads_and_scores_identically() {
    let (model, _) = train(1_000);
    let back = LeadModel::from_json(&model.to_json()).unwrap();
    assert_eq!(back, model);
    let (h, rows) = leads(200, 10);
    let (frame, _) = Frame::from_text(&h, &rows, &model.input_types());
    let (a, b) = (model.score(&frame).unwrap(), back.score(&frame).unwrap());
    assert_eq!(a.score.len(), 200);
    assert_eq!(a, b);
    assert_eq!(model.monitor(&frame).unwrap(), back.monitor(&frame).unwrap());
}
