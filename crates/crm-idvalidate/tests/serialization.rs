//! The `serde` feature: results serialise with stable text forms and read back equal.

use chrono::NaiveDate;
use crm_idvalidate::{
    BatchResult, Code, Field, Nik, NikCheck, Record, RecordResult, RecordValidator, Region,
    check_kk, check_nik,
};
use serde_json::json;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

#[track_caller]
fn round_trip<T>(value: &T) -> serde_json::Value
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, value);
    // Through text too (owned strings rather than borrowed ones).
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), value);
    json
}

#[test]
fn codes_serialise_as_their_stable_text() {
    assert_eq!(serde_json::to_value(Code::NikLength).unwrap(), json!("NIK_LENGTH"));
    for &code in Code::ALL {
        assert_eq!(round_trip(&code), json!(code.as_str()));
    }
    let err = serde_json::from_value::<Code>(json!("NIK_NOPE")).unwrap_err();
    assert_eq!(err.to_string(), "invalid finding code: unknown finding code");
}

#[test]
fn nik_check_round_trips() {
    let check = check_nik("3171 0157 0890 0002", as_of());
    let json = round_trip(&check);
    assert_eq!(json["codes"], json!(["NIK_REFORMATTED"]));
    assert_eq!(json["nik"], json!("3171015708900002"));
    assert_eq!(json["gender"], json!("female"));
    assert_eq!(json["birth_date"]["date"], json!("1990-08-17"));
    assert_eq!(json["region"]["district_code"], json!("317101"));
    assert_eq!(json["region"]["regency"], json!("Kota Administrasi Jakarta Pusat"));
    // A former regency code keeps its current successor.
    let old = round_trip(&check_nik("9101010101850001", as_of()));
    assert_eq!(old["region"]["current_regency_code"], json!("9301"));
    // An invalid number has no parsed value, only what could be derived.
    let bad = round_trip(&check_nik("3204113209970001", as_of()));
    assert_eq!(bad["nik"], json!(null));
    assert_eq!(bad["codes"], json!(["NIK_DAY_INVALID"]));
    round_trip(&check_kk("3273012501190001", as_of()));
}

#[test]
fn deserialising_never_repeats_a_number() {
    let err = serde_json::from_value::<Nik>(json!("3204113209970001")).unwrap_err().to_string();
    assert_eq!(err, "invalid NIK: invalid day (digits 7-8)");
    let err = serde_json::from_value::<Region>(json!({"district_code": "999999"})).unwrap_err();
    assert_eq!(err.to_string(), "unknown region code \"999999\"");
    let check: NikCheck = serde_json::from_value(json!({
        "codes": [], "nik": null, "region": {"district_code": "320411"},
        "birth_date": null, "gender": null, "serial": null
    }))
    .unwrap();
    assert_eq!(check.region.unwrap().district_name(), Some("Katapang"));
}

#[test]
fn record_results_and_batches_round_trip() {
    let records = [
        Record {
            nik: Some("3204114609970001"),
            name: Some("Siti Rahayu"),
            birthplace: Some("Bandunng"),
            birth_date: Some("09/06/1997"),
            gender: Some("P"),
            ..Record::default()
        },
        Record { nik: Some("3204110609970000"), name: Some("Budi"), ..Record::default() },
    ];
    let validator = RecordValidator::new(as_of());
    let one: RecordResult = validator.validate(&records[0]);
    let json = round_trip(&one);
    assert_eq!(json["status"], json!("warning"));
    assert_eq!(json["findings"][0]["field"], json!("nik"));
    assert_eq!(json["birthplace"]["kind"], json!("fuzzy"));
    assert_eq!(json["birthplace"]["place"]["level"], json!("regency"));

    let batch: BatchResult = validator.validate_batch(&records, |_| {});
    let json = round_trip(&batch);
    let summary = &json["summary"];
    assert_eq!(summary["records"], json!(2));
    assert_eq!(summary["by_status"], json!({"warning": 1, "error": 1}));
    assert_eq!(summary["by_code"]["NIK_SERIAL_ZERO"], json!(1));
    assert_eq!(summary["by_field"]["nik"], json!(2));
    assert_eq!(summary["by_field_code"]["nik"]["NIK_DOB_SWAPPED"], json!(1));
    assert_eq!(summary["by_field_code"]["name"]["NAME_ONE_WORD"], json!(1));
    assert_eq!(batch.summary.by_field_code[&(Field::Name, Code::NameOneWord)], 1);
}

#[test]
fn params_and_records_read_from_json() {
    let validator = RecordValidator::new(as_of()).ages(18, 90);
    round_trip(&validator);
    let text = r#"{"nik": "3204114609970001", "gender": "P"}"#;
    let record: Record<'_> = serde_json::from_str(text).unwrap();
    assert_eq!(
        record,
        Record { nik: Some("3204114609970001"), gender: Some("P"), ..Record::default() }
    );
    let matcher: crm_idvalidate::BirthplaceMatcher =
        serde_json::from_value(json!({"threshold": 250.0})).unwrap();
    assert_eq!(matcher.min_score(), 100.0, "clamped as the setter clamps");
}

#[test]
fn table_rows_serialise_as_code_and_name() {
    let r = crm_idvalidate::regency("3204").unwrap();
    assert_eq!(
        serde_json::to_value(r).unwrap(),
        json!({"code": "3204", "name": "Kabupaten Bandung"})
    );
    let nik = Nik::parse("9101010101850001").unwrap();
    assert_eq!(
        serde_json::to_value(nik.region().regency()).unwrap()["historical"]["current_code"],
        json!("9301")
    );
}

#[test]
fn regions_serialise_in_the_cli_field_order() {
    let check = check_nik("3204114609970001", as_of());
    let text = serde_json::to_string(&check.region).unwrap();
    assert_eq!(
        text,
        r#"{"province_code":"32","regency_code":"3204","district_code":"320411","province":"Jawa Barat","regency":"Kabupaten Bandung","district":"Katapang","current_regency_code":null,"current_district_code":null}"#
    );
}
