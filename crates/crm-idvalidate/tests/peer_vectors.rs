//! The 95 NIK/KK cases collected from other libraries' test suites and READMEs
//! (`data/peer_vectors.csv`, gathered while this crate was researched; each row's `source`
//! and `source_path` say which library, commit and file, or which observed run, it came
//! from), with the verdict the research recommends for each. Where this crate decides
//! otherwise, the row is listed in `DIVERGENCES` with the reason.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use crm_idvalidate::{Severity, check_kk, check_nik};

/// (value, id type, code this crate adds or leaves out, why).
const DIVERGENCES: &[(&str, &str, &str, &str)] = &[
    (
        "32 7300 010101 0001",
        "KK",
        "+KK_REFORMATTED",
        "KK inputs get the same Info code as NIKs when spaces are removed",
    ),
    ("32 7300 320180 0001", "KK", "+KK_REFORMATTED", "as above"),
    (
        "1234567890123456",
        "KK",
        "+KK_PLACEHOLDER",
        "the test number 1234567890123456 is a placeholder for KK as for NIK",
    ),
];

fn as_of() -> NaiveDate {
    // The research computed its verdicts on this day.
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

#[test]
fn peer_vectors_match_the_recommended_verdicts() {
    let mut rdr =
        csv::Reader::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/peer_vectors.csv"))
            .unwrap();
    let mut rows = 0;
    for record in rdr.records() {
        let r = record.unwrap();
        let (value, kind, status, codes, parse) = (&r[0], &r[1], &r[8], &r[9], &r[10]);
        rows += 1;
        let expected: BTreeSet<String> =
            codes.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect();
        let (actual, actual_status, derived): (BTreeSet<String>, _, String) = if kind == "NIK" {
            let c = check_nik(value, as_of());
            let mut derived = Vec::new();
            if let Some(region) = c.region {
                derived.push(format!("regency={}", region.regency_name()));
                if let Some(d) = region.district_name() {
                    derived.push(format!("district={d}"));
                }
            }
            (c.codes.iter().map(|c| c.to_string()).collect(), c.status(), derived.join("; "))
        } else {
            let c = check_kk(value, as_of());
            (c.codes.iter().map(|c| c.to_string()).collect(), c.status(), String::new())
        };
        let mut expected = expected;
        for (v, k, change, _) in DIVERGENCES {
            if *v == value && *k == kind {
                match change.split_at(1) {
                    ("+", code) => expected.insert(code.to_owned()),
                    (_, code) => expected.remove(code),
                };
            }
        }
        assert_eq!(actual, expected, "{kind} {value:?}");
        let status_word = match actual_status {
            crm_idvalidate::Status::Valid => "Valid",
            crm_idvalidate::Status::Warning => "Warning",
            crm_idvalidate::Status::Error => "Error",
        };
        assert_eq!(status_word, status, "{kind} {value:?}");
        // The regency and district the research derived, where it derived them.
        for part in
            parse.split("; ").filter(|p| p.starts_with("regency=") || p.starts_with("district="))
        {
            assert!(derived.contains(part), "{kind} {value:?}: {part} not in {derived}");
        }
    }
    assert_eq!(rows, 95);
}

#[test]
fn divergences_only_concern_info_or_added_errors() {
    for (_, _, change, _) in DIVERGENCES {
        let code: crm_idvalidate::Code = change[1..].parse().unwrap();
        assert!(change.starts_with('+'));
        assert!(matches!(code.severity(), Severity::Info | Severity::Error));
    }
}
