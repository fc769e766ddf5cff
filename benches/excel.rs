//! Criterion benchmarks of crm-excel: read, write, decrypt, repair, merge + dedup.
//!
//! Inputs are generated from fixed seeds in `benches/data.rs`; run with
//! `cargo bench -p crm-benches --bench excel`. Peer comparisons at full size are in
//! `benches/compare/` (see docs/benchmarks.md).

use std::hint::black_box;
use std::io::Cursor;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use crm_excel::{
    Dedup, EncryptOptions, Keep, RepairOptions, Table, Workbook, XlsxWriter, decrypt, encrypt,
    repair_to_csv,
};

#[path = "data.rs"]
mod data;

fn write(c: &mut Criterion) {
    let mut group = c.benchmark_group("excel/write");
    group.sample_size(10);
    for rows in [10_000usize, 100_000] {
        let table = data::leads_table(rows, 1);
        group.throughput(Throughput::Elements((rows * table.columns().len()) as u64));
        group.bench_with_input(BenchmarkId::from_parameter(rows), &table, |b, table| {
            b.iter(|| {
                let mut xlsx = XlsxWriter::new();
                xlsx.write_table("Data", table).unwrap();
                black_box(xlsx.save_to_buffer().unwrap())
            })
        });
    }
    group.finish();
}

fn workbook_bytes(table: &Table) -> Vec<u8> {
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("Data", table).unwrap();
    xlsx.save_to_buffer().unwrap()
}

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("excel/read");
    group.sample_size(10);
    for rows in [10_000usize, 100_000] {
        let table = data::leads_table(rows, 2);
        let bytes = workbook_bytes(&table);
        group.throughput(Throughput::Elements((rows * table.columns().len()) as u64));
        group.bench_with_input(BenchmarkId::from_parameter(rows), &bytes, |b, bytes| {
            b.iter(|| {
                let book = Workbook::from_bytes(bytes.clone(), None, &[], u64::MAX).unwrap();
                let mut reader = crm_excel::ReaderBuilder::new().from_workbook(book).unwrap();
                black_box(reader.rows().count())
            })
        });
    }
    group.finish();
}

fn decrypt_bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("excel/decrypt");
    group.sample_size(10);
    let zip = workbook_bytes(&data::leads_table(100_000, 3));
    let locked = encrypt(&zip, "rahasia", &EncryptOptions::new().seed(Some(3))).unwrap();
    group.throughput(Throughput::Bytes(locked.len() as u64));
    group.bench_function(BenchmarkId::new("agile", locked.len()), |b| {
        b.iter(|| black_box(decrypt(&locked, "rahasia").unwrap()))
    });
    group.finish();
}

fn repair(c: &mut Criterion) {
    let mut group = c.benchmark_group("excel/repair");
    group.sample_size(10);
    for records in [10_000usize, 100_000] {
        let text = data::broken_export(records, 30, 4);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(records), &text, |b, text| {
            b.iter(|| {
                let stats = repair_to_csv(
                    Cursor::new(text),
                    RepairOptions::new(30),
                    std::io::sink(),
                    std::io::sink(),
                )
                .unwrap();
                black_box(stats)
            })
        });
    }
    group.finish();
}

fn dedup(c: &mut Criterion) {
    let mut group = c.benchmark_group("excel/dedup");
    group.sample_size(10);
    for rows in [10_000usize, 100_000] {
        let table = data::leads_table(rows, 5);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_with_input(BenchmarkId::from_parameter(rows), &table, |b, table| {
            b.iter(|| black_box(Dedup::new(Keep::First).key_auto("phone").find(table).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, write, read, decrypt_bench, repair, dedup);
criterion_main!(benches);
