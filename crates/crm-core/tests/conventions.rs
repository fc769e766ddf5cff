//! Each convention of crm-core against its vector file in `tests/data/`.

use crate::util::cases;

#[test]
fn dates() {
    for c in cases("dates.tsv") {
        let got = crm_core::parse_datetime(&c.input).map(|d| d.to_string());
        let want = (c.expected[0] != "-").then(|| c.expected[0].clone());
        assert_eq!(got, want, "dates.tsv:{}: {:?}", c.line, c.input);
        // parse_date is parse_datetime's date, for every line.
        let date = crm_core::parse_date(&c.input).map(|d| d.to_string());
        assert_eq!(date, want.map(|w| w[..10].to_string()), "dates.tsv:{}", c.line);
    }
}

#[test]
fn amounts() {
    for c in cases("amounts.tsv") {
        let got = crm_core::parse_amount(&c.input);
        match c.expected[0].strip_prefix("- ") {
            Some(reason) => {
                let err = got.expect_err(&format!("amounts.tsv:{}: {:?}", c.line, c.input));
                let kind = err.to_string();
                assert!(kind.starts_with(reason), "amounts.tsv:{}: {kind:?}", c.line);
            }
            None => {
                let want: f64 = c.expected[0].parse().unwrap();
                assert_eq!(got, Ok(want), "amounts.tsv:{}: {:?}", c.line, c.input);
            }
        }
    }
}

#[test]
fn amounts_never_repeat_their_text_in_errors() {
    for c in cases("amounts.tsv") {
        if let Err(e) = crm_core::parse_amount(&c.input)
            && c.input.trim().len() > 2
        {
            assert!(!e.to_string().contains(c.input.trim()), "amounts.tsv:{}", c.line);
        }
    }
}

#[test]
fn booleans() {
    for c in cases("booleans.tsv") {
        let want = match c.expected[0].as_str() {
            "true" => Some(true),
            "false" => Some(false),
            "-" => None,
            other => panic!("booleans.tsv:{}: expected {other:?}", c.line),
        };
        assert_eq!(crm_core::parse_bool(&c.input), want, "booleans.tsv:{}: {:?}", c.line, c.input);
    }
}

#[test]
fn missing_values() {
    for c in cases("missing.tsv") {
        let want: bool = c.expected[0].parse().unwrap();
        assert_eq!(crm_core::is_missing(&c.input), want, "missing.tsv:{}: {:?}", c.line, c.input);
    }
}

#[test]
fn phones() {
    for c in cases("phones.tsv") {
        let want = (c.expected[0] != "-").then(|| c.expected[0].clone());
        let got = crm_core::normalize_phone(&c.input);
        assert_eq!(got, want, "phones.tsv:{}: {:?}", c.line, c.input);
        let mobile = c.expected[1] == "mobile";
        assert_eq!(
            got.as_deref().is_some_and(crm_core::is_mobile),
            mobile,
            "phones.tsv:{}",
            c.line
        );
        assert_eq!(crm_core::normalize_mobile(&c.input), want.filter(|_| mobile));
        // The national form is a fixed point.
        if let Some(n) = &got {
            assert_eq!(crm_core::normalize_phone(n).as_ref(), Some(n), "phones.tsv:{}", c.line);
        }
    }
}

#[test]
fn masks() {
    for c in cases("masks.tsv") {
        let got = crm_core::mask(&c.input);
        assert_eq!(got, c.expected[0], "masks.tsv:{}: {:?}", c.line, c.input);
        assert_eq!(crm_core::mask_email(&c.input), got, "one rule: masks.tsv:{}", c.line);
    }
}

#[test]
fn masks_hide_the_middle_of_every_length() {
    let digits = "3201014101900001234567";
    for n in 0..=digits.len() {
        let masked = crm_core::mask(&digits[..n]);
        assert_eq!(masked.chars().count(), n);
        let shown = masked.chars().filter(|&c| c != '*').count();
        assert!(shown * 2 <= n, "{n} digits show {shown}");
    }
}

#[test]
fn emails() {
    for c in cases("emails.tsv") {
        let got = crm_core::check_email(&c.input);
        match c.expected[0].strip_prefix("- ") {
            Some(reason) => {
                let err = got.expect_err(&format!("emails.tsv:{}: {:?}", c.line, c.input));
                assert_eq!(err.to_string(), reason, "emails.tsv:{}: {:?}", c.line, c.input);
            }
            None => assert_eq!(got.as_deref(), Ok(c.expected[0].as_str()), "emails.tsv:{}", c.line),
        }
    }
}

#[test]
fn html() {
    for c in cases("html.tsv") {
        assert_eq!(crm_core::escape_html(&c.input), c.expected[0], "html.tsv:{}", c.line);
    }
}

#[test]
fn csv_formulas() {
    for c in cases("formulas.tsv") {
        let got = crm_core::neutralize_formula(&c.input);
        assert_eq!(got, c.expected[0], "formulas.tsv:{}: {:?}", c.line, c.input);
        assert_eq!(crm_core::is_formula_like(&c.input), got != c.input, "formulas.tsv:{}", c.line);
    }
}

#[test]
fn quantiles_equal_numpy_linear() {
    // numpy 2.4.6: np.quantile([3, 1, 4, 1, 5, 9, 2, 6], [0, .1, .25, .5, .75, .9, 1]).
    let mut v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
    v.sort_by(f64::total_cmp);
    let want = [1.0, 1.0, 1.75, 3.5, 5.25, 6.8999999999999995, 9.0];
    for (p, w) in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0].into_iter().zip(want) {
        assert_eq!(crm_core::quantile_sorted(&v, p), w, "p = {p}");
    }
    assert_eq!(crm_core::quantile_sorted(&[7.5], 0.3), 7.5);
}

#[cfg(feature = "serde")]
#[test]
fn dates_serialise_as_iso_text() {
    let d = crm_core::parse_date("14/03/2025").unwrap();
    assert_eq!(serde_json::to_string(&d).unwrap(), "\"2025-03-14\"");
    assert_eq!(serde_json::from_str::<crm_core::Date>("\"2025-03-14\"").unwrap(), d);
    assert!(serde_json::from_str::<crm_core::Date>("\"2025-02-30\"").is_err());
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}
    assert_send_sync::<crm_core::Date>();
    assert_send_sync::<crm_core::Time>();
    assert_send_sync::<crm_core::DateTime>();
    assert_send_sync::<crm_core::DateError>();
    assert_send_sync::<crm_core::AmountError>();
    assert_send_sync::<crm_core::EmailError>();
    assert_send_sync::<crm_core::QuantilePosition>();
}
