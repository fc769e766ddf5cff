//! Fuzzes `RecordValidator`: the first byte selects which fields are present, the rest is
//! split on `\n` into field values. No panic; the status is the worst finding's severity;
//! messages never contain a well-formed NIK unmasked.
#![no_main]

use chrono::NaiveDate;
use crm_idvalidate::{Nik, Record, RecordValidator, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mask, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let mut parts = text.split('\n');
    let mut next = |bit: u8| if mask & bit != 0 { parts.next() } else { None };
    let record = Record {
        nik: next(1),
        kk: next(2),
        name: next(4),
        birthplace: next(8),
        birth_date: next(16),
        gender: next(32),
        nik_was_number: mask & 64 != 0,
    };
    let validator = RecordValidator::new(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let result = validator.validate(&record);
    assert_eq!(result.status, Status::of(&result.codes()));
    if let Some(nik) = record.nik.and_then(|n| Nik::parse(n).ok()) {
        for f in &result.findings {
            assert!(!f.message.contains(nik.as_str()), "unmasked NIK in {:?}", f.message);
        }
    }
    let batch = validator.validate_batch(&[record, record], |_| {});
    assert_eq!(batch.results.len(), 2);
});
