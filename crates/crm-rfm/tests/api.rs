//! The public API's conventions: thread-safe types, typed errors with the shared spellings,
//! the shared text conventions of crm-core, and serde output.

use chrono::NaiveDate;
use crm_rfm::{
    AudienceSpec, Error, FeatureBuilder, FeatureOptions, Members, ScoreOptions, Scores,
    SegmentRules, select_audience,
};

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}
    assert_send_sync::<crm_rfm::Audience>();
    assert_send_sync::<crm_rfm::AudienceSpec>();
    assert_send_sync::<crm_rfm::Backtest>();
    assert_send_sync::<crm_rfm::Btyd>();
    assert_send_sync::<crm_rfm::BtydBuilder>();
    assert_send_sync::<crm_rfm::Coverage>();
    assert_send_sync::<crm_rfm::Error>();
    assert_send_sync::<crm_rfm::FeatureBuilder>();
    assert_send_sync::<crm_rfm::Features>();
    assert_send_sync::<crm_rfm::Lifecycle>();
    assert_send_sync::<crm_rfm::Members>();
    assert_send_sync::<crm_rfm::Reject>();
    assert_send_sync::<crm_rfm::Scores>();
    assert_send_sync::<crm_rfm::SegmentRules>();
    assert_send_sync::<crm_rfm::Segments<'static>>();
    assert_send_sync::<crm_rfm::SegmentSummary>();
    assert_send_sync::<crm_rfm::Thresholds>();
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

#[test]
fn dates_and_amounts_follow_the_shared_conventions() {
    let mut b = FeatureBuilder::new(as_of(), FeatureOptions::default());
    // Day-first with dashes, compact, ISO with a time; Indonesian amounts with Rp and grouping.
    b.push_text(1, "C1", "14-03-2025", "Rp 15.000.000", None);
    b.push_text(2, "C1", "20250314", "12,5", None);
    b.push_text(3, "C1", "2025-03-14T10:22:05", "1,250,000.50", None);
    // `1.250` could be 1250 or 1.25: refused, not guessed.
    b.push_text(4, "C2", "2025-03-14", "1.250", None);
    let f = b.finish().unwrap();
    assert_eq!(f.usage().rejected, 1);
    assert_eq!(f.rejects()[0].row, 4);
    assert_eq!(f.rejects()[0].field, "amount");
    assert_eq!(f.customer(0).monetary, 15_000_000.0 + 12.5 + 1_250_000.5);
}

#[test]
fn a_bad_parameter_names_itself() {
    let mut b = FeatureBuilder::new(as_of(), FeatureOptions::default());
    b.push_text(1, "C1", "2025-03-14", "100", None);
    let f = b.finish().unwrap();
    let err = Scores::compute(&f, &ScoreOptions::new(1, Default::default())).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { name: "binning", .. }), "{err:?}");
    assert_eq!(err.to_string(), "invalid binning: bins must be 2 to 99, got 1");
}

#[test]
fn a_missing_column_lists_the_columns_there_are() {
    let members = Members::new(vec!["member_id".into(), "city".into()]);
    let spec = AudienceSpec::parse("where tier = gold").unwrap();
    let err = select_audience(&members, &spec, as_of(), &Default::default()).unwrap_err();
    assert_eq!(
        err,
        Error::MissingColumn {
            name: "tier".into(),
            available: vec!["member_id".into(), "city".into()]
        }
    );
    assert_eq!(err.to_string(), r#"missing column "tier" (the table has "member_id", "city")"#);
    // A header row that is really a data row: its phone number and e-mail are masked.
    let members = Members::new(vec!["081234567890".into(), "budi@mail.id".into(), "Gold".into()]);
    let err = select_audience(&members, &spec, as_of(), &Default::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"missing column "tier" (the table has "08********90", "b***@mail.id", "Gold")"#
    );
}

#[test]
fn segment_names_are_the_shared_vocabulary() {
    for rules in [SegmentRules::r_rfm(), SegmentRules::rf_map()] {
        for rule in rules.rules() {
            assert!(crm_core::segment::ALL.contains(&rule.name.as_str()), "{}", rule.name);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn results_serialise() {
    let mut b = FeatureBuilder::new(as_of(), FeatureOptions::default());
    b.push_text(7, "C1", "2025-12-30", "250000", None);
    b.push_text(8, "C2", "not a date", "1", None);
    let f = b.finish().unwrap();
    let json = serde_json::to_string(&f.customer(0)).unwrap();
    assert!(json.contains(r#""recency_days":2"#), "{json}");
    let reject = serde_json::to_string(&f.rejects()[0]).unwrap();
    assert!(reject.contains(r#""row":8"#), "{reject}");
}
