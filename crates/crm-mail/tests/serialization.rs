//! The `serde` feature: params, results and reports serialise with stable names.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use crm_mail::{
    AddressPolicy, Calendar, Channel, Directory, DirectoryRow, RunSummary, Security, SendOptions,
    TextBatch, TextProblem, autodebit_notices,
};
use serde_json::json;

#[track_caller]
fn round_trip<T>(value: &T) -> serde_json::Value
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, value);
    json
}

#[test]
fn directory_problems_serialise_with_their_kind() {
    let rows = vec![
        DirectoryRow {
            row: 2,
            branch: "Bogor".into(),
            email: "budi@localhost".into(),
            ..Default::default()
        },
        DirectoryRow {
            row: 3,
            branch: "Depok".into(),
            email: "ops@gmail.com".into(),
            ..Default::default()
        },
    ];
    let dir = Directory::from_rows(rows.clone(), &AddressPolicy::allow_domains(["acme.co.id"]));
    let problems = serde_json::to_value(dir.problems_for(["Bogor", "Bekasi"])).unwrap();
    assert_eq!(
        problems,
        json!([
            {"kind": "invalid_address", "row": 2, "branch": "Bogor", "field": "email",
             "masked": "b***@localhost", "problem": "no_dot"},
            {"kind": "invalid_address", "row": 3, "branch": "Depok", "field": "email",
             "masked": "o***@gmail.com", "problem": "domain_not_allowed"},
            {"kind": "no_valid_recipient", "branch": "Bogor"},
            {"kind": "no_entry", "branch": "Bekasi"},
        ])
    );
    round_trip(&rows[0]);
    round_trip(&AddressPolicy::allow_domains(["acme.co.id"]));
}

#[test]
fn send_options_and_summaries_round_trip() {
    let options = SendOptions {
        per_minute: Some(30),
        backoff: Duration::from_millis(500),
        ..SendOptions::default()
    };
    let json = round_trip(&options);
    assert_eq!(json["per_minute"], json!(30));
    let summary = RunSummary {
        sent: 3,
        failed: vec![("Bogor".into(), "permanent: 550 no such user".into())],
        ..RunSummary::default()
    };
    assert_eq!(round_trip(&summary)["failed"], json!([["Bogor", "permanent: 550 no such user"]]));
    assert_eq!(serde_json::to_value(Channel::WhatsApp).unwrap(), json!("whatsapp"));
    assert_eq!(serde_json::to_value(Security::StartTls).unwrap(), json!("starttls"));
}

#[test]
fn calendars_and_notices_round_trip() {
    let natal = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    let cal =
        Calendar::new(BTreeMap::from([(natal, "Natal".to_string())]), vec![chrono::Weekday::Sat]);
    let json = round_trip(&cal);
    assert_eq!(json["holidays"], json!({"2026-12-25": "Natal"}));
    let (notices, _) = autodebit_notices([(7, 25)], 2026, 12, &cal).unwrap();
    let json = round_trip(&notices);
    assert_eq!(json[0]["moved_to"], json!("2026-12-24"));
    assert_eq!(json[0]["row"], json!(7));
}

#[test]
fn text_problems_round_trip() {
    let batch = TextBatch {
        texts: vec![(2, "Halo Ibu Siti".into())],
        problems: vec![
            (3, TextProblem::Missing(vec!["due".into()])),
            (4, TextProblem::TooLong { length: 170, limit: 160 }),
        ],
    };
    let json = round_trip(&batch);
    assert_eq!(json["problems"][1], json!([4, {"too_long": {"length": 170, "limit": 160}}]));
}
