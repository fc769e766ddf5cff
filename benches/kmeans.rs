//! Criterion benchmarks of crm-kmeans: K-Means on 1,000,000 x 3 blobs (k = 8, n_init = 10,
//! Hamerly and Lloyd) and the sampled silhouette (10,000 rows).
//!
//! Run with `cargo bench -p crm-benches --bench kmeans`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use crm_kmeans::{Algorithm, KMeans, silhouette_sampled};

#[path = "data.rs"]
mod data;

fn kmeans(c: &mut Criterion) {
    let x = data::blobs(1_000_000, 3);
    let mut group = c.benchmark_group("kmeans/1M x 3, k=8, n_init=10");
    group.sample_size(10);
    for (name, algorithm) in [("hamerly", Algorithm::Hamerly), ("lloyd", Algorithm::Lloyd)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                KMeans::params(8).n_runs(10).seed(0).algorithm(algorithm).fit(black_box(x.view()))
            })
        });
    }
    group.finish();
    let fit = KMeans::params(8).n_runs(1).fit(x.view()).expect("fit");
    let mut group = c.benchmark_group("kmeans/silhouette 1M");
    group.sample_size(10);
    group.bench_function("sample 10000", |b| {
        b.iter(|| silhouette_sampled(black_box(x.view()), &fit.labels, 10_000, 0))
    });
    group.finish();
}

criterion_group!(benches, kmeans);
criterion_main!(benches);
