//! Fuzzes `Nik::parse` and `check_nik`: no panic on any text, `is_valid` agrees with
//! `parse`, a parsed NIK round-trips through its text, and `check_nik` agrees with `parse`.
#![no_main]

use chrono::NaiveDate;
use crm_idvalidate::{Nik, Status, check_nik};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let parsed = Nik::parse(s);
    assert_eq!(Nik::is_valid(s), parsed.is_ok());
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let check = check_nik(s, as_of);
    if let Ok(nik) = parsed {
        let again: Nik = nik.to_string().parse().expect("a parsed NIK's text parses");
        assert_eq!(again, nik);
        assert_eq!(nik.masked().len(), 16);
        // parse accepts exactly what check_nik finds no error in, except a birth date after
        // as_of (parse does not know as_of).
        if check.status() == Status::Error {
            assert!(check.nik.is_none());
        }
    } else {
        assert_eq!(check.status(), Status::Error, "parse failed but check found no error");
    }
});
