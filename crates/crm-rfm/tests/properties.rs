//! Properties of features and scores on generated transactions.

use chrono::NaiveDate;
use crm_rfm::{
    Binning, FeatureBuilder, FeatureOptions, FrequencyBasis, OTHERS, ReturnPolicy, ScoreOptions,
    Scores, SegmentRules, Transaction,
};
use proptest::prelude::*;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(n)
}

fn txs() -> impl Strategy<Value = Vec<(u8, i64, i32, u8)>> {
    prop::collection::vec((0u8..20, 0i64..400, -50i32..500, 0u8..6), 1..300)
}

proptest! {
    #[test]
    fn every_row_is_accounted_for_and_scores_are_in_range(
        rows in txs(),
        bins in 2u8..8,
        policy in prop_oneof![Just(ReturnPolicy::Net), Just(ReturnPolicy::Ignore), Just(ReturnPolicy::AsPurchase)],
        basis in prop_oneof![Just(FrequencyBasis::Rows), Just(FrequencyBasis::Invoices), Just(FrequencyBasis::Days)],
    ) {
        let as_of = day(300);
        let opts = FeatureOptions::default().returns(policy).frequency(basis);
        let mut b = FeatureBuilder::new(as_of, opts);
        let ids: Vec<String> = (0..20).map(|i| format!("C{i}")).collect();
        let invoices: Vec<String> = (0..6).map(|i| format!("INV{i}")).collect();
        for &(c, d, amount, inv) in &rows {
            let customer = if c == 19 { "" } else { ids[c as usize].as_str() };
            b.push(Transaction::new(customer, day(d), f64::from(amount)).invoice(&invoices[inv as usize]));
        }
        let Ok(f) = b.finish() else { return Ok(()); };
        let u = f.usage();
        prop_assert_eq!(u.rows, rows.len() as u64);
        prop_assert_eq!(u.used + u.after_as_of + u.returns_ignored + u.rejected, u.rows);
        prop_assert_eq!(u.rejected as usize, f.rejects().len());
        for c in f.iter() {
            prop_assert!(c.frequency >= 1);
            prop_assert!(c.last_purchase <= as_of && c.first_purchase <= c.last_purchase);
        }
        if f.is_empty() {
            // Only returns of customers who bought nothing: nobody to score, an error (not a
            // panic).
            let empty = Scores::compute(&f, &ScoreOptions::new(bins, Binning::Quantile));
            let is_empty_error = matches!(empty, Err(crm_rfm::Error::Empty { .. }));
            prop_assert!(is_empty_error, "{:?}", empty.err());
            return Ok(());
        }
        for method in [Binning::Quantile, Binning::Ntile] {
            let s = Scores::compute(&f, &ScoreOptions::new(bins, method.clone())).unwrap();
            for (i, score) in s.iter().enumerate() {
                prop_assert!((1..=bins).contains(&score.r) && (1..=bins).contains(&score.f) && (1..=bins).contains(&score.m));
                if method == Binning::Quantile {
                    // Equal values share a score; more recent never scores lower.
                    for j in 0..f.len() {
                        let (a, b) = (f.customer(i), f.customer(j));
                        if a.recency_days < b.recency_days { prop_assert!(score.r >= s.get(j).r); }
                        if a.frequency == b.frequency { prop_assert_eq!(score.f, s.get(j).f); }
                        if a.monetary <= b.monetary { prop_assert!(score.m <= s.get(j).m); }
                    }
                }
            }
            let total: usize = s.thresholds()[0].bins.iter().map(|b| b.customers).sum();
            prop_assert_eq!(total, f.len());
            let rules = SegmentRules::r_rfm();
            let segments = rules.assign(&s);
            let summary = segments.summary(&f);
            prop_assert_eq!(summary.iter().map(|x| x.customers).sum::<usize>(), f.len());
            prop_assert_eq!(&summary.last().unwrap().segment, OTHERS);
        }
    }
}

proptest! {
    /// Grouping by an extra key gives, for each key value, the features of that key's rows
    /// alone.
    #[test]
    fn extra_keys_equal_features_computed_per_key(rows in txs(), stores in prop::collection::vec(0u8..3, 300)) {
        let as_of = day(300);
        let opts = FeatureOptions::default().frequency(FrequencyBasis::Invoices);
        let ids: Vec<String> = (0..20).map(|i| format!("C{i}")).collect();
        let invoices: Vec<String> = (0..6).map(|i| format!("INV{i}")).collect();
        let names = ["Store A", "Store B", "Store\u{1f}C"];
        let keyed: Vec<[&str; 1]> = stores.iter().map(|&s| [names[s as usize]]).collect();
        let mut all = FeatureBuilder::new(as_of, opts);
        let mut per: Vec<FeatureBuilder> = (0..3).map(|_| FeatureBuilder::new(as_of, opts)).collect();
        for (k, &(c, d, amount, inv)) in rows.iter().enumerate() {
            let tx = Transaction::new(&ids[c as usize], day(d), f64::from(amount))
                .invoice(&invoices[inv as usize]);
            all.push(tx.keys(&keyed[k]));
            per[stores[k] as usize].push(tx);
        }
        let Ok(all) = all.finish() else { return Ok(()); };
        let mut seen = 0;
        for (s, b) in per.into_iter().enumerate() {
            let Ok(f) = b.finish() else { continue };
            let label = names[s].replace('\u{1f}', " ");
            for c in f.iter() {
                let i = (0..all.len())
                    .find(|&i| all.customer(i).id == c.id && all.keys(i).eq([label.as_str()]))
                    .expect("a row per customer and store");
                prop_assert_eq!(all.customer(i), c);
                seen += 1;
            }
        }
        prop_assert_eq!(seen, all.len());
    }
}
