//! The "buy till you die" definitions of recency, frequency and monetary value, as the
//! lifetimes and pymc-marketing libraries compute them for CLV models.
//!
//! They differ from marketing RFM ([`Features`](crate::Features)) on purpose: `recency` is
//! the customer's age at the last purchase (not the days since it), `frequency` counts
//! *repeat* purchase periods, and `monetary_value` is the mean spend per repeat period.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::error::{Error, Reject, RejectReason};
use crate::features::Usage;
use crate::intern::{Hasher, Interner, hasher};
use crate::text::{day_number, from_day_number};

/// The time unit transactions are floored to (pandas' `freq`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Period {
    /// Calendar days (`freq="D"`).
    #[default]
    Day,
    /// Weeks Monday to Sunday, floored to the Monday (`freq="W"`, i.e. pandas `W-SUN`).
    Week,
}

impl Period {
    fn floor(self, day: i32) -> i32 {
        match self {
            Period::Day => day,
            // Day number 1 (0001-01-01) is a Monday.
            Period::Week => day - (day - 1).rem_euclid(7),
        }
    }

    fn days(self) -> f64 {
        match self {
            Period::Day => 1.0,
            Period::Week => 7.0,
        }
    }
}

/// The options of lifetimes' `summary_data_from_transaction_data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BtydOptions {
    /// The period transactions are floored to (`freq`).
    pub period: Period,
    /// Periods per time unit of the results (`freq_multiplier`), at least 1.
    pub multiplier: u32,
    /// Count the first purchase in `frequency` and `monetary_value`
    /// (`include_first_transaction`).
    pub include_first: bool,
}

impl Default for BtydOptions {
    fn default() -> Self {
        BtydOptions { period: Period::Day, multiplier: 1, include_first: false }
    }
}

#[derive(Clone, Copy, Debug)]
struct Agg {
    first: i32,
    last: i32,
    periods: u32,
    total: f64,
    first_total: f64,
}

/// Accumulates transactions into BTYD summaries (the "buy till you die" definitions:
/// recency is the age at the last purchase, frequency counts repeat periods).
///
/// The rules, each as lifetimes 0.11.3 implements them:
/// 1. every date and the observation end are floored to the [`Period`]; rows whose floored
///    date is after the floored end are left out;
/// 2. a customer's rows in one period are one purchase whose value is their sum;
/// 3. `frequency` = purchase periods − 1 (or all periods with `include_first`);
/// 4. `recency` = (last period − first period) / period / multiplier;
/// 5. `T` = (end period − first period) / period / multiplier;
/// 6. `monetary_value` = mean value of the repeat periods (or of all periods with
///    `include_first`), 0 for one-time buyers. Amounts are used as given (no return policy).
#[derive(Debug)]
pub struct BtydBuilder {
    end: i32,
    options: BtydOptions,
    ids: Interner,
    aggs: Vec<Agg>,
    seen: HashSet<(u32, i32), Hasher>,
    usage: Usage,
    rejects: Vec<Reject>,
    earliest: i32,
}

impl BtydBuilder {
    /// A builder for summaries as of `observation_end` (`observation_period_end`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `options.multiplier` is 0.
    pub fn new(observation_end: NaiveDate, options: BtydOptions) -> Result<BtydBuilder, Error> {
        if options.multiplier == 0 {
            return Err(Error::InvalidParameter {
                name: "multiplier",
                reason: "must be at least 1".into(),
            });
        }
        Ok(BtydBuilder {
            end: options.period.floor(day_number(observation_end)),
            options,
            ids: Interner::new(),
            aggs: Vec::new(),
            seen: HashSet::with_hasher(hasher()),
            usage: Usage::default(),
            rejects: Vec::new(),
            earliest: i32::MAX,
        })
    }

    /// Adds one transaction; `row` is reported if it is rejected (empty customer id,
    /// non-finite amount).
    pub fn push(&mut self, row: u64, customer: &str, date: NaiveDate, amount: f64) {
        self.usage.rows += 1;
        if customer.is_empty() || !amount.is_finite() {
            self.usage.rejected += 1;
            let (field, reason) = if customer.is_empty() {
                ("customer", RejectReason::Empty)
            } else {
                ("amount", RejectReason::NotFinite)
            };
            self.rejects.push(Reject { row, field, reason });
            return;
        }
        let period = self.options.period.floor(day_number(date));
        self.earliest = self.earliest.min(period);
        if period > self.end {
            self.usage.after_as_of += 1;
            return;
        }
        self.usage.used += 1;
        let (i, new) = self.ids.intern(customer);
        if new {
            self.aggs.push(Agg {
                first: period,
                last: period,
                periods: 0,
                total: 0.0,
                first_total: 0.0,
            });
        }
        let a = &mut self.aggs[i as usize];
        if self.seen.insert((i, period)) {
            a.periods += 1;
        }
        a.total += amount;
        if period < a.first {
            a.first = period;
            a.first_total = amount;
        } else if period == a.first {
            a.first_total += amount;
        }
        a.last = a.last.max(period);
    }

    /// The summaries, one per customer in order of first row.
    ///
    /// # Errors
    /// [`Error::Empty`] or [`Error::AsOfBeforeData`] as for features.
    pub fn finish(self) -> Result<Btyd, Error> {
        let BtydBuilder { end, options, ids, aggs, usage, rejects, earliest, .. } = self;
        if usage.used == 0 {
            if usage.after_as_of > 0 {
                return Err(Error::AsOfBeforeData {
                    as_of: from_day_number(end),
                    first: from_day_number(earliest),
                });
            }
            return Err(Error::Empty { rows: usage.rows, rejected: usage.rejected });
        }
        let unit = options.period.days() * f64::from(options.multiplier);
        let rows = aggs
            .iter()
            .map(|a| {
                let (frequency, money, periods) = if options.include_first {
                    (a.periods, a.total, a.periods)
                } else {
                    (a.periods - 1, a.total - a.first_total, a.periods - 1)
                };
                BtydRow {
                    frequency: f64::from(frequency),
                    recency: f64::from(a.last - a.first) / unit,
                    t: f64::from(end - a.first) / unit,
                    monetary_value: if periods == 0 { 0.0 } else { money / f64::from(periods) },
                }
            })
            .collect();
        Ok(Btyd { ids: ids.into_ids(), rows, usage, rejects })
    }
}

/// One customer's BTYD summary (lifetimes' column names).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BtydRow {
    /// Repeat purchase periods (all periods with `include_first`).
    pub frequency: f64,
    /// Age at the last purchase, in periods × multiplier.
    pub recency: f64,
    /// Age at the observation end (`T`).
    pub t: f64,
    /// Mean value per repeat period; 0 for one-time buyers.
    pub monetary_value: f64,
}

/// BTYD summaries of many customers.
#[derive(Clone, Debug)]
pub struct Btyd {
    ids: Vec<Box<str>>,
    rows: Vec<BtydRow>,
    usage: Usage,
    rejects: Vec<Reject>,
}

impl Btyd {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `(customer id, summary)` pairs in order of first row.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, BtydRow)> + '_ {
        self.ids.iter().map(|s| &**s).zip(self.rows.iter().copied())
    }

    /// Where the input rows went.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// Rejected rows.
    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        for offset in 0..7 {
            let d = day_number(monday) + offset;
            assert_eq!(Period::Week.floor(d), day_number(monday));
        }
    }
}
