//! Properties of de-duplication.

use crm_excel::{Cell, Dedup, Keep, KeyNorm, Table};
use proptest::prelude::*;

fn table(rows: &[(String, String)]) -> Table {
    let mut t = Table::new(vec!["phone".into(), "name".into()]);
    for (p, n) in rows {
        t.push_row(vec![Cell::infer(p), Cell::infer(n)]).unwrap();
    }
    t
}

fn phone() -> impl Strategy<Value = String> {
    prop_oneof![
        "0812[0-9]{3}",
        "\\+62 812[0-9]{3}",
        "62812[0-9]{3}",
        "812-[0-9]{3}",
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every row is kept or reported once; applying the same dedup again changes nothing;
    /// no two kept rows share a key.
    #[test]
    fn dedup_is_idempotent_and_accounts_for_every_row(
        rows in prop::collection::vec((phone(), "[a-c ]{0,3}"), 0..60),
        keep in prop_oneof![Just(Keep::First), Just(Keep::Last), Just(Keep::MostComplete)],
    ) {
        let t = table(&rows);
        let dedup = Dedup::new(keep).key("phone", KeyNorm::Phone).key_auto("name");
        let (once, report) = dedup.apply(t.clone()).unwrap();
        prop_assert_eq!(once.len() + report.duplicates.len(), t.len());
        let (twice, again) = dedup.apply(once.clone()).unwrap();
        prop_assert!(again.duplicates.is_empty());
        prop_assert_eq!(&twice, &once);
        let mut seen = std::collections::HashSet::new();
        for row in once.rows() {
            let key = (KeyNorm::Phone.apply(&row[0]), KeyNorm::Text.apply(&row[1]));
            if key != (None, None) {
                prop_assert!(seen.insert(key), "two kept rows share a key");
            }
        }
        for d in &report.duplicates {
            prop_assert!(d.kept_row_idx != d.dropped_row_idx);
        }
    }
}
