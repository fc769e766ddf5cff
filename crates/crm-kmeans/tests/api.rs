//! The public surface: auto traits, parameter rules, the naming vocabulary, serde.

use crm_kmeans::{
    Algorithm, ClusterProfile, Clustering, Error, Init, KMeans, KMeansParams, KScore, KSelection,
    Kneedle, MODEL_FORMAT, Model, NAME_LADDER, Pipeline, Scaler, Scaling, Transform, default_names,
};
use ndarray::array;

fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn public_types_are_send_sync_and_debug() {
    assert_send_sync::<Algorithm>();
    assert_send_sync::<ClusterProfile>();
    assert_send_sync::<Clustering>();
    assert_send_sync::<Error>();
    assert_send_sync::<Init>();
    assert_send_sync::<KMeans>();
    assert_send_sync::<KMeansParams>();
    assert_send_sync::<KScore>();
    assert_send_sync::<KSelection>();
    assert_send_sync::<Kneedle>();
    assert_send_sync::<Model>();
    assert_send_sync::<Pipeline>();
    assert_send_sync::<Scaler>();
    assert_send_sync::<Scaling>();
    assert_send_sync::<Transform>();
}

fn six() -> ndarray::Array2<f64> {
    array![[1.0, 1.0], [1.2, 0.8], [0.9, 1.1], [8.0, 8.0], [8.2, 7.9], [7.8, 8.1]]
}

#[test]
fn n_runs_cannot_be_zero() {
    let e = KMeans::params(2).n_runs(0).fit(six().view()).unwrap_err();
    assert_eq!(e.to_string(), "invalid n_runs: must be at least 1");
}

#[test]
fn max_n_iterations_cannot_be_zero() {
    let e = KMeans::params(2).max_n_iterations(0).fit(six().view()).unwrap_err();
    assert_eq!(e.to_string(), "invalid max_n_iterations: must be at least 1");
}

#[test]
fn tolerance_must_be_finite_and_not_negative() {
    for tol in [-1e-4, f64::NAN, f64::INFINITY] {
        let e = KMeans::params(2).tolerance(tol).fit(six().view()).unwrap_err();
        assert!(matches!(e, Error::InvalidParameter { name: "tolerance", .. }), "{e}");
    }
}

#[test]
fn n_clusters_cannot_be_zero_or_above_the_rows() {
    for k in [0, 7] {
        let e = KMeans::params(k).fit(six().view()).unwrap_err();
        assert_eq!(e, Error::InvalidK { k, rows: 6 });
    }
}

#[test]
fn weight_errors_name_the_1_based_row() {
    let w = array![1.0, 1.0, -1.0, 1.0, 1.0, 1.0];
    let e = KMeans::params(2).fit_weighted(six().view(), Some(w.view())).unwrap_err();
    assert_eq!(e.to_string(), "sample weights: row 3: weight -1 is not a finite number >= 0");
}

#[test]
fn predict_gives_the_labels_fit_gave() {
    let model = KMeans::params(2).seed(3).fit(six().view()).unwrap();
    let labels: Vec<usize> = model.predict(six().view()).unwrap();
    assert_eq!(labels, model.labels);
    assert_eq!(model.labels.len(), 6);
    assert_eq!(model.counts, [3, 3]);
}

/// One vocabulary across crates: the K-Means ladder uses crm-rfm's segment names.
#[test]
fn cluster_names_are_crm_rfms_segment_names() {
    let rfm = [
        "Champions",
        "Loyal Customers",
        "Potential Loyalists",
        "Promising",
        "New Customers",
        "Need Attention",
        "About To Sleep",
        "At Risk",
        "Cannot Lose Them",
        "Hibernating",
        "Lost",
    ];
    for name in NAME_LADDER {
        assert!(rfm.contains(&name), "{name:?} is not one of crm-rfm's segment names");
    }
    assert_eq!(default_names(3), ["Champions", "Need Attention", "Lost"]);
    assert_eq!(default_names(5)[1], "Potential Loyalists");
    assert_eq!(default_names(9)[1], "Loyal Customers");
}

/// A model saved to JSON and loaded back assigns the same clusters; its format stays
/// [`MODEL_FORMAT`] 1.
#[test]
fn a_saved_model_loads_and_predicts_the_same() {
    let names = vec!["recency_days".to_string(), "monetary".to_string()];
    let seg = Pipeline::new(2).transform(Transform::Log1p).fit(six().view(), &names).unwrap();
    let json = seg.model.to_json();
    let back = Model::from_json(&json).unwrap();
    assert_eq!(back, seg.model);
    assert_eq!(MODEL_FORMAT, 1);
    assert_eq!(back.predict(&names, six().view()).unwrap(), seg.labels);
}

#[cfg(feature = "serde")]
#[test]
fn results_and_params_round_trip_through_serde() {
    let names = vec!["recency_days".to_string(), "monetary".to_string()];
    let params = KMeans::params(2).seed(5).init_method(Init::Random).algorithm(Algorithm::Lloyd);
    let text = serde_json::to_string(&params).unwrap();
    assert_eq!(serde_json::from_str::<KMeansParams>(&text).unwrap(), params);
    let model = params.fit(six().view()).unwrap();
    let text = serde_json::to_string(&model).unwrap();
    assert_eq!(serde_json::from_str::<KMeans>(&text).unwrap(), model);
    let pipeline = Pipeline::new(2).kmeans(params);
    let seg = pipeline.fit(six().view(), &names).unwrap();
    let text = serde_json::to_string(&seg).unwrap();
    assert_eq!(serde_json::from_str::<Clustering>(&text).unwrap(), seg);
    let profile: serde_json::Value = serde_json::to_value(&seg.profiles[0]).unwrap();
    assert_eq!(profile["name"], "Champions");
    assert_eq!(profile["size"], 3);
    let text = serde_json::to_string(&pipeline).unwrap();
    assert_eq!(serde_json::from_str::<Pipeline>(&text).unwrap(), pipeline);
}
