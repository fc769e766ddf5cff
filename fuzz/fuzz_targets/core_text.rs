//! Fuzzes crm-core's hand-written text parsers: no panic on any text; a parsed date or
//! date-time prints to text that parses back to the same value; an amount is finite; a
//! normalised phone number is a fixed point of the normaliser; a mask keeps the length
//! in characters and never shows more than half of a value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(dt) = crm_core::parse_datetime(text) {
        assert_eq!(crm_core::parse_datetime(&dt.to_string()), Some(dt), "{text:?}");
        assert_eq!(crm_core::parse_date(text), Some(dt.date()));
    } else {
        assert_eq!(crm_core::parse_date(text), None);
    }
    if let Ok(v) = crm_core::parse_amount(text) {
        assert!(v.is_finite(), "{text:?}");
    }
    if let Some(national) = crm_core::normalize_phone(text) {
        assert_eq!(crm_core::normalize_phone(&national).as_ref(), Some(&national));
    }
    let _ = crm_core::parse_bool(text);
    let _ = crm_core::check_email(text);
    let masked = crm_core::mask(text);
    if !text.trim().contains('@') {
        let n = text.trim().chars().count();
        assert_eq!(masked.chars().count(), n);
        assert!(masked.chars().filter(|&c| c != '*').count() * 2 <= n);
    }
    let escaped = crm_core::escape_html(text);
    assert!(!escaped.contains(['<', '>', '"', '\'']));
    assert!(!crm_core::is_formula_like(&crm_core::neutralize_formula(text)));
});
