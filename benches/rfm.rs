//! Criterion benchmarks of crm-rfm: features (distinct invoices), quantile scores and
//! segments from transactions already in memory — the work pandas does in
//! `groupby().agg()` + quantiles + `np.select` (benches/compare/rfm_pandas.py).
//!
//! Run with `cargo bench -p crm-benches --bench rfm` (the 10M-line case needs ~2 GB and a
//! minute to generate; filter with `-- 1M` for the small one).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crm_rfm::{
    FeatureBuilder, FeatureOptions, FrequencyBasis, ScoreOptions, Scores, SegmentRules, Transaction,
};

#[path = "data.rs"]
mod data;

fn pipeline(lines: &[data::TxLine], as_of: NaiveDate) -> usize {
    let mut b =
        FeatureBuilder::new(as_of, FeatureOptions::default().frequency(FrequencyBasis::Invoices));
    for t in lines {
        b.push(Transaction::new(&t.customer, t.date, t.amount).invoice(&t.invoice));
    }
    let features = b.finish().expect("features");
    let scores = Scores::compute(&features, &ScoreOptions::default()).expect("scores");
    let rules = SegmentRules::r_rfm();
    let segments = rules.assign(&scores);
    segments.index(0) + features.len()
}

fn rfm(c: &mut Criterion) {
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut group = c.benchmark_group("rfm/features+scores+segments");
    group.sample_size(10);
    for (name, lines, customers) in
        [("1M lines", 1_000_000, 100_000), ("10M lines", 10_000_000, 1_000_000)]
    {
        group.throughput(Throughput::Elements(lines as u64));
        group.bench_function(name, |b| {
            let data = data::transactions(lines, customers, 7);
            b.iter(|| pipeline(black_box(&data), as_of))
        });
    }
    group.finish();
}

criterion_group!(benches, rfm);
criterion_main!(benches);
