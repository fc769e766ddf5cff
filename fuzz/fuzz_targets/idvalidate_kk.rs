//! Fuzzes `Kk::parse` and `check_kk` with the same properties as the NIK target.
#![no_main]

use chrono::NaiveDate;
use crm_idvalidate::{Kk, Status, check_kk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let parsed = Kk::parse(s);
    assert_eq!(Kk::is_valid(s), parsed.is_ok());
    let check = check_kk(s, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    match parsed {
        Ok(kk) => assert_eq!(kk.to_string().parse::<Kk>().expect("round trip"), kk),
        Err(_) => {
            assert_eq!(check.status(), Status::Error, "parse failed but check found no error")
        }
    }
});
