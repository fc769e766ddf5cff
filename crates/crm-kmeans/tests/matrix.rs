//! `FeatureMatrix::from_text`: every row is in the matrix or a reject, with its reason.

use crm_kmeans::{Error, FeatureMatrix, RejectReason, Transform};

fn matrix(rows: &[(u64, [&str; 3])], transform: Transform) -> Result<FeatureMatrix, Error> {
    let headers = ["id", "Recency (days)", "monetary"];
    let features = ["recency_days".to_owned(), "MONETARY".to_owned()];
    FeatureMatrix::from_text(&headers, rows.iter().map(|(n, r)| (*n, &r[..])), &features, transform)
}

#[test]
fn every_row_is_used_or_rejected_with_the_first_bad_feature() {
    let rows = [
        (2, ["C1", " 5 ", "250000"]),
        (3, ["C2", "", "1"]),
        (4, ["C3", "7", "Rp 1.000"]),
        (5, ["C4", "NaN", "1"]),
        (6, ["C5", "-1", "1"]),
        (7, ["C6", "-0.5", "1e3"]),
        (8, ["C7", "x", ""]),
    ];
    let m = matrix(&rows, Transform::Log1p).unwrap();
    assert_eq!(m.used, [0, 5]);
    assert_eq!(m.x.row(0).to_vec(), [5.0, 250000.0]);
    assert_eq!(m.x.row(1).to_vec(), [-0.5, 1000.0]);
    let rejects: Vec<(u64, &str, &RejectReason)> =
        m.rejects.iter().map(|r| (r.row, r.column.as_str(), &r.reason)).collect();
    assert_eq!(
        rejects,
        [
            (3, "recency_days", &RejectReason::Empty),
            (4, "MONETARY", &RejectReason::NotANumber("********".into())),
            (5, "recency_days", &RejectReason::NotFinite),
            (6, "recency_days", &RejectReason::LogDomain(-1.0)),
            (8, "recency_days", &RejectReason::NotANumber("x".into())),
        ]
    );
    assert_eq!(m.used.len() + m.rejects.len(), rows.len());
    // Without log1p, -1 is a value like any other.
    let m = matrix(&rows, Transform::None).unwrap();
    assert_eq!(m.used, [0, 4, 5]);
}

#[test]
fn a_missing_feature_is_an_error_listing_the_columns_masked() {
    let headers = ["nama", "081234567890"];
    let rows: [(u64, &[&str]); 0] = [];
    let err = FeatureMatrix::from_text(&headers, rows, &["monetary".to_owned()], Transform::None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "feature \"monetary\": no such column (columns: nama, 08********90)"
    );
}
