//! Dates and amounts from text (the shared conventions of crm-core) and the crate's day
//! numbers.

use chrono::{Datelike, NaiveDate};

/// A date in one of the shared forms ([`crm_core::parse_date`]).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    crm_core::parse_date(text).map(NaiveDate::from)
}

/// An amount in one of the shared forms ([`crm_core::parse_amount`]): `125000.50`,
/// `Rp 15.000.000`, `12,5`; ambiguous text such as `1.250` is not an amount.
pub(crate) fn parse_amount(text: &str) -> Option<f64> {
    crm_core::parse_amount(text).ok()
}

/// Days since 0001-01-01 (proleptic Gregorian), the crate's internal day number.
pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The date of a day number.
pub(crate) fn from_day_number(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day).expect("day numbers come from dates")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        let d = parse_date("2024-02-29").unwrap();
        assert_eq!(from_day_number(day_number(d)), d);
        assert_eq!(day_number(parse_date("0001-01-01").unwrap()), 1);
    }
}
