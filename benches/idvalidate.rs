//! Criterion benchmarks of crm-idvalidate: NIK parsing with region lookup, and full checks.
//!
//! Run with `cargo bench -p crm-benches --bench idvalidate`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use crm_idvalidate::{BirthplaceMatcher, Nik, check_nik};

#[path = "data.rs"]
mod data;

fn parse(c: &mut Criterion) {
    let inputs = data::niks(100_000, 11);
    let mut group = c.benchmark_group("idvalidate/nik");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| inputs.iter().filter(|s| Nik::parse(black_box(s)).is_ok()).count())
    });
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    group.bench_function("check", |b| {
        b.iter(|| inputs.iter().map(|s| check_nik(black_box(s), as_of).codes.len()).sum::<usize>())
    });
    group.finish();
}

fn birthplace(c: &mut Criterion) {
    let matcher = BirthplaceMatcher::new();
    let mut group = c.benchmark_group("idvalidate/birthplace");
    group.sample_size(10);
    // A distinct typo needs the fuzzy scan over ~7,800 names; exact names are a map lookup.
    let typos = ["Bandunng", "Surabayya", "Jogjakrta", "Tasikmalya", "Pekanbaruu", "Amsterdam"];
    group.throughput(Throughput::Elements(typos.len() as u64));
    group.bench_function("fuzzy", |b| {
        b.iter(|| typos.iter().map(|t| matcher.find(black_box(t)).score).sum::<f64>())
    });
    let exact =
        ["KAB. BANDUNG", "Surabaya", "Kebayoran Baru", "Ujung Pandang", "Djakarta", "Sleman"];
    group.throughput(Throughput::Elements(exact.len() as u64));
    group.bench_function("exact", |b| {
        b.iter(|| exact.iter().map(|t| matcher.find(black_box(t)).score).sum::<f64>())
    });
    group.finish();
}

criterion_group!(benches, parse, birthplace);
criterion_main!(benches);
