//! Properties of the conventions on generated text.

use proptest::prelude::*;

proptest! {
    /// The national form of a phone number is a fixed point of the normaliser, whatever mix
    /// of country codes, trunk zeros and separators the input had (the fuzzer found
    /// `62 0 0062 ...` breaking this).
    #[test]
    fn a_normalised_phone_number_normalises_to_itself(text in "[+]?[0-9 .()/-]{0,24}") {
        if let Some(national) = crm_core::normalize_phone(&text) {
            prop_assert!(national.starts_with('0') && !national.starts_with("00"), "{national}");
            prop_assert_eq!(crm_core::normalize_phone(&national), Some(national.clone()));
        }
    }

    /// A number built from a country code and a national number comes back as that number.
    #[test]
    fn country_codes_give_the_national_number(
        code in prop_oneof![Just("+62"), Just("62"), Just("0062"), Just("+62 (0)")],
        rest in "8[1-9][0-9]{7,10}",
    ) {
        let national = format!("0{rest}");
        prop_assert_eq!(crm_core::normalize_phone(&format!("{code}{rest}")), Some(national));
    }
}
