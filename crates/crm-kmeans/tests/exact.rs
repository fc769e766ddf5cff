//! Hamerly equals Lloyd from the same start; seeds make runs reproducible.

use crm_kmeans::{Algorithm, Init, KMeans, fit_from_start};
use ndarray::Array2;
use proptest::prelude::*;

fn blobs(n: usize, seed: u64) -> Array2<f64> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let centres = [[0.0, 0.0, 0.0], [4.0, 0.0, 1.0], [0.0, 5.0, 2.0], [3.0, 3.0, -3.0]];
    let mut v = Vec::with_capacity(n * 3);
    for i in 0..n {
        let c = centres[i % 4];
        for centre in c {
            v.push(centre + 2.0 * (next() + next() + next() - 1.5));
        }
    }
    Array2::from_shape_vec((n, 3), v).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn hamerly_gives_lloyds_labels(seed in 0u64..1000, k in 2usize..9, n in 50usize..600) {
        let x = blobs(n, seed);
        let start = x.select(ndarray::Axis(0), &(0..k).collect::<Vec<_>>());
        let [a, b] = fit_from_start(x.view(), None, start.view(), 300, 0.0).unwrap();
        prop_assert_eq!(a.labels, b.labels);
        prop_assert_eq!(a.n_iter, b.n_iter);
        prop_assert!((a.inertia - b.inertia).abs() <= 1e-9 * a.inertia.max(1.0));
    }
}

#[test]
fn same_seed_same_result_and_algorithms_agree() {
    let x = blobs(3000, 5);
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let params = KMeans::params(6).init_method(init).seed(11);
        let a = params.clone().algorithm(Algorithm::Lloyd).fit(x.view()).unwrap();
        let b = params.clone().algorithm(Algorithm::Hamerly).fit(x.view()).unwrap();
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.run_inertias.len(), 10);
        let c = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| params.fit(x.view()).unwrap());
        assert_eq!(b, c);
        assert_eq!(c.counts.iter().sum::<usize>(), 3000);
        let predicted = c.predict(x.view()).unwrap();
        assert_eq!(predicted, c.labels);
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = blobs(10, 1);
    assert!(KMeans::params(0).fit(x.view()).is_err());
    assert!(KMeans::params(11).fit(x.view()).is_err());
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(KMeans::params(1).fit(empty.view()).is_err());
    let mut nan = x.clone();
    nan[[4, 2]] = f64::NAN;
    let e = KMeans::params(2).fit(nan.view()).unwrap_err();
    // Rows are 1-based: the fifth row.
    assert_eq!(e.to_string(), "row 5, column \"#2\": value NaN is not finite");
}
