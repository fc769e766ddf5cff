//! Each report from a real result of its library: what it shows, that the caller's text is
//! escaped, and that no row of the data (ids, NIKs, names) gets into it.

use chrono::NaiveDate;

/// A page's basic shape: one whole document, no scripts, no external resources.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..40]);
    assert!(html.trim_end().ends_with("</html>"));
    for banned in ["<script", "http://", "https://", "<link", "<img"] {
        assert!(!html.contains(banned), "{banned}");
    }
}

#[test]
fn validation_counts_statuses_and_codes_without_a_nik_or_name() {
    use crm_idvalidate::{Record, RecordValidator};
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let records = [
        Record {
            nik: Some("3171015708900002"),
            name: Some("SITI AMINAH"),
            birth_date: Some("1990-08-17"),
            gender: Some("P"),
            ..Record::default()
        },
        Record { nik: Some("3171019999990002"), name: Some("BUDI <b>"), ..Record::default() },
        Record { nik: Some("12345"), ..Record::default() },
    ];
    let batch = RecordValidator::new(as_of).validate_batch(&records, |_| {});
    let html = crm_report::validation(&batch, "nasabah & co.xlsx", "2026-11-22");
    assert_self_contained(&html);
    assert!(html.contains("nasabah &amp; co.xlsx"));
    assert!(html.contains("3 records"), "{html}");
    assert!(html.contains("Records by status") && html.contains("Findings by code"));
    for code in batch.summary.by_code.keys() {
        assert!(html.contains(code.as_str()), "{code:?}");
    }
    for private in ["3171015708900002", "3171019999990002", "12345", "SITI", "BUDI"] {
        assert!(!html.contains(private), "{private}");
    }
}

#[test]
fn rfm_shows_every_segment_and_no_customer() {
    use crm_rfm::{FeatureOptions, Features, ScoreOptions, Scores, SegmentRules, Transaction};
    let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    let ids: Vec<String> = (0..60).map(|i| format!("CUST-{i:04}")).collect();
    let rows: Vec<Transaction<'_>> = (0..600usize)
        .map(|k| {
            let i = k * 7 % 60;
            let amount = 5_000.0 * (1 + k % 9) as f64;
            Transaction::new(&ids[i], d(1 + (k % 12) as u32, 1 + (i % 28) as u32), amount)
        })
        .collect();
    let features = Features::from_slice(d(12, 31), FeatureOptions::default(), &rows).unwrap();
    let scores = Scores::compute(&features, &ScoreOptions::new(3, Default::default())).unwrap();
    let rules = SegmentRules::r_rfm();
    let segments = rules.assign(&scores);
    let html = crm_report::rfm(&features, &scores, &segments, "tx.csv");
    assert_self_contained(&html);
    for i in 0..features.len() {
        let name = rules.names().nth(segments.index(i)).unwrap();
        assert!(html.contains(&crm_core::escape_html(name).into_owned()), "{name}");
    }
    assert!(!html.contains("CUST-"), "a customer id in the report");
}

#[test]
fn segments_chart_the_choice_of_k_and_profile_each_cluster() {
    use crm_kmeans::ndarray::Array2;
    use crm_kmeans::{KMeans, Pipeline, Scaling, Transform, choose_k};
    let rows: Vec<[f64; 3]> = (0..300)
        .map(|i| match i % 3 {
            0 => [5.0 + (i % 7) as f64, 20.0 + (i % 5) as f64, 9e6 + 1e5 * (i % 4) as f64],
            1 => [90.0 + (i % 11) as f64, 4.0 + (i % 3) as f64, 1.5e6 + 1e4 * (i % 9) as f64],
            _ => [400.0 + (i % 13) as f64, 1.0, 1e5 + 1e3 * (i % 6) as f64],
        })
        .collect();
    let x = Array2::from_shape_vec((300, 3), rows.concat()).unwrap();
    let features = ["recency_days", "frequency", "monetary"].map(String::from).to_vec();
    let seg = Pipeline::new(3)
        .transform(Transform::Log1p)
        .scaling(Scaling::Standard)
        .kmeans(KMeans::params(3).n_runs(4).seed(42))
        .fit(x.view(), &features)
        .unwrap();
    let scaled = x.mapv(f64::ln_1p);
    let selection =
        choose_k(scaled.view(), &KMeans::params(2).seed(7), &[2, 3, 4, 5], 300, 7).unwrap();
    let html = crm_report::segments(&seg, Some(&selection), &features, "rfm.csv");
    assert_self_contained(&html);
    assert!(html.contains("Elbow: inertia by k") && html.contains("Silhouette by k"));
    assert!(html.contains(&format!("Recommended k = {}", selection.recommended)));
    for p in &seg.profiles {
        assert!(html.contains(&crm_core::escape_html(&p.name).into_owned()), "{}", p.name);
    }
    assert!(html.contains("monetary mean"));
    // Without a k range there is no elbow.
    let html = crm_report::segments(&seg, None, &features, "rfm.csv");
    assert!(!html.contains("Elbow"));
}

#[test]
fn leads_show_both_stages_and_the_final_score_without_lead_rows() {
    use crm_leadscore::{Frame, LeadModel, Targets, TrainOptions};
    let headers = ["source", "income", "contacted", "booked"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = (0..400)
        .map(|i| {
            let source = ["walk-in", "web", "referral"][i % 3];
            let income = 2_000_000 + (i * 37_000) % 9_000_000;
            let contacted = source != "web" || i % 5 == 0;
            let booked = contacted && income > 6_000_000 && i % 3 != 1;
            vec![source.into(), income.to_string(), contacted.to_string(), booked.to_string()]
        })
        .collect();
    let (frame, _) = Frame::from_text(&headers, &rows, &[]);
    let mut opts = TrainOptions::new(Targets::TwoStage {
        contact: "contacted".into(),
        contact_positive: None,
        booking: "booked".into(),
        booking_positive: None,
    });
    opts.families = vec!["logistic".into()];
    let (_, report) = LeadModel::train(&frame, &opts).unwrap();
    let html = crm_report::leads(&report, "leads.csv");
    assert_self_contained(&html);
    assert!(html.contains("final P1 x P2"), "{html}");
    for stage in &report.stages {
        assert!(html.contains(&format!("Stage {}", stage.name)), "{}", stage.name);
    }
    assert!(html.contains("Deciles") && html.contains("ROC curve"));
    assert!(!html.contains("6000000") && !html.contains("walk-in,"));
}
