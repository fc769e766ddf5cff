//! Hamerly equals Lloyd from the same start; seeds make runs reproducible.

use crm_kmeans::{Algorithm, Init, KMeans, compare_from_start};
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
        let [(la, ia, na), (lb, ib, nb)] = compare_from_start(x.view(), start.view(), 300, 0.0);
        prop_assert_eq!(la, lb);
        prop_assert_eq!(na, nb);
        prop_assert!((ia - ib).abs() <= 1e-9 * ia.max(1.0));
    }
}

#[test]
fn same_seed_same_result_and_algorithms_agree() {
    let x = blobs(3000, 5);
    for init in [Init::KMeansPlusPlus, Init::Random] {
        let a =
            KMeans::new(6).init(init).seed(11).algorithm(Algorithm::Lloyd).fit(x.view()).unwrap();
        let b =
            KMeans::new(6).init(init).seed(11).algorithm(Algorithm::Hamerly).fit(x.view()).unwrap();
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.run_inertias.len(), 10);
        let c = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| KMeans::new(6).init(init).seed(11).fit(x.view()).unwrap());
        assert_eq!(b, c);
        assert_eq!(c.counts.iter().sum::<usize>(), 3000);
        let predicted = c.predict(x.view()).unwrap();
        assert_eq!(predicted, c.labels);
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = blobs(10, 1);
    assert!(KMeans::new(0).fit(x.view()).is_err());
    assert!(KMeans::new(11).fit(x.view()).is_err());
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(KMeans::new(1).fit(empty.view()).is_err());
    let mut nan = x.clone();
    nan[[4, 2]] = f64::NAN;
    let e = KMeans::new(2).fit(nan.view()).unwrap_err();
    assert_eq!(e.to_string(), "row 4, column \"#2\": value NaN is not finite");
}
