//! Criterion benchmarks of crm-rfm: features (distinct invoices), quantile scores and
//! segments from transactions already in memory — the work pandas does in
//! `groupby().agg()` + quantiles + `np.select` (benches/compare/rfm_pandas.py).
//!
//! Two ways in: `Features::from_slice` on rows already in memory (all cores), and the
//! streaming `FeatureBuilder` that `crm rfm` feeds while it reads (one core).
//!
//! Run with `cargo bench -p crm-benches --bench rfm` (the 10M-line case needs ~3 GB and a
//! minute to generate; filter with `-- 1M` for the small one).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crm_rfm::{
    FeatureBuilder, FeatureOptions, Features, FrequencyBasis, ScoreOptions, Scores, SegmentRules,
    Transaction,
};

#[path = "data.rs"]
mod data;

/// Streaming: one row at a time through a `FeatureBuilder` (what `crm rfm` does while it
/// reads a file).
fn streaming(lines: &[data::TxLine], as_of: NaiveDate) -> usize {
    let mut b =
        FeatureBuilder::new(as_of, FeatureOptions::default().frequency(FrequencyBasis::Invoices));
    for t in lines {
        b.push(Transaction::new(&t.customer, t.date, t.amount).invoice(&t.invoice));
    }
    score_and_segment(b.finish().expect("features"))
}

/// In memory: `Features::from_slice` on all cores.
fn in_memory(txs: &[Transaction<'_>], as_of: NaiveDate) -> usize {
    let options = FeatureOptions::default().frequency(FrequencyBasis::Invoices);
    score_and_segment(Features::from_slice(as_of, options, txs).expect("features"))
}

fn score_and_segment(features: Features) -> usize {
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
        let data = data::transactions(lines, customers, 7);
        let txs: Vec<Transaction<'_>> = data
            .iter()
            .map(|t| Transaction::new(&t.customer, t.date, t.amount).invoice(&t.invoice))
            .collect();
        group.bench_function(format!("{name}, in memory (from_slice)"), |b| {
            b.iter(|| in_memory(black_box(&txs), as_of))
        });
        group.bench_function(format!("{name}, streaming (FeatureBuilder)"), |b| {
            b.iter(|| streaming(black_box(&data), as_of))
        });
    }
    group.finish();
}

criterion_group!(benches, rfm);
criterion_main!(benches);
