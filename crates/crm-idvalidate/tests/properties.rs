//! Property tests: any input is handled, parsing round-trips, generated NIKs parse to the
//! fields they were made from.

use chrono::{Datelike, NaiveDate};
use crm_idvalidate::{Gender, Kk, Nik, check_kk, check_nik, districts};
use proptest::prelude::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// No input panics, and the two entry points agree.
    #[test]
    fn any_string_is_handled(s in "\\PC{0,24}|[0-9 .'-]{10,22}") {
        let parsed = Nik::parse(&s);
        prop_assert_eq!(Nik::is_valid(&s), parsed.is_ok());
        let check = check_nik(&s, as_of());
        if let Ok(nik) = parsed {
            // A parsed NIK re-parses to itself from its canonical text.
            prop_assert_eq!(nik.to_string().parse::<Nik>().unwrap(), nik);
            prop_assert!(check.is_valid() || check.nik.is_none());
        }
        let _ = Kk::parse(&s);
        let _ = check_kk(&s, as_of());
    }

    /// A NIK built from a real district, a real date in either century, either sex and a
    /// serial parses to exactly those fields.
    #[test]
    fn generated_niks_parse_to_their_fields(
        district in 0usize..7285,
        days in 0i64..(100 * 365),
        female in any::<bool>(),
        serial in 1u16..=9999,
    ) {
        let d = &districts()[district];
        let born = as_of() - chrono::Days::new(days as u64);
        let day = born.day() + if female { 40 } else { 0 };
        let text = format!("{}{:02}{:02}{:02}{:04}", d.code(), day, born.month(), born.year() % 100, serial);
        let nik = Nik::parse(&text).unwrap();
        prop_assert_eq!(nik.region().district_code(), d.code());
        prop_assert_eq!(nik.region().district_name(), Some(d.name()));
        prop_assert_eq!(nik.gender(), if female { Gender::Female } else { Gender::Male });
        prop_assert_eq!(nik.serial(), serial);
        let b = nik.birth_date(as_of()).unwrap();
        // The latest century not after as_of is chosen, so births within 100 years resolve
        // to themselves.
        prop_assert_eq!(b.date(), born);
        prop_assert_eq!(nik.to_string(), text);
    }
}
