//! Marketing RFM features per customer: days since the last purchase, number of purchases,
//! money spent.

use std::collections::HashSet;

use chrono::NaiveDate;
use ndarray::Array2;

use crate::error::{Error, Reject, RejectReason};
use crate::intern::{Hasher, Interner, hash_str, hasher};
use crate::text::{day_number, from_day_number, parse_amount, parse_date};

/// What counts as one purchase for `frequency`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrequencyBasis {
    /// Distinct invoice ids (a basket of 5 lines is one purchase); every row needs one.
    Invoices,
    /// Transaction rows, as R `rfm` and most pandas notebooks count.
    #[default]
    Rows,
    /// Distinct purchase dates (several purchases on one day count once).
    Days,
}

/// How `monetary` summarises the amounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MonetaryBasis {
    /// The sum of the amounts (R `rfm`, pyretailscience).
    #[default]
    Total,
    /// The sum divided by `frequency` (the mean per purchase).
    MeanPerPurchase,
}

/// What happens to returns and cancellations: rows with a negative amount, or flagged with
/// [`Transaction::returned`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReturnPolicy {
    /// A return subtracts its absolute amount from `monetary` but is not a purchase: it
    /// changes neither `frequency` nor the purchase dates. Customers whose only rows are
    /// returns get no features and are listed in [`Features::returns_only`].
    #[default]
    Net,
    /// Returns are left out (counted in [`Usage::returns_ignored`]).
    Ignore,
    /// Returns are ordinary rows: they count as purchases and their amount is added as
    /// given (what a plain `groupby().agg(count, sum)` does).
    AsPurchase,
}

/// The definitions used to compute [`Features`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FeatureOptions {
    /// What counts as a purchase.
    pub frequency: FrequencyBasis,
    /// How amounts are summarised.
    pub monetary: MonetaryBasis,
    /// How returns are handled.
    pub returns: ReturnPolicy,
}

impl FeatureOptions {
    /// Sets [`FeatureOptions::frequency`].
    pub fn frequency(mut self, basis: FrequencyBasis) -> Self {
        self.frequency = basis;
        self
    }

    /// Sets [`FeatureOptions::monetary`].
    pub fn monetary(mut self, basis: MonetaryBasis) -> Self {
        self.monetary = basis;
        self
    }

    /// Sets [`FeatureOptions::returns`].
    pub fn returns(mut self, policy: ReturnPolicy) -> Self {
        self.returns = policy;
        self
    }
}

/// One transaction line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transaction<'a> {
    /// The customer id (any text; compared exactly).
    pub customer: &'a str,
    /// The purchase date.
    pub date: NaiveDate,
    /// The amount; negative for a return.
    pub amount: f64,
    /// The invoice (basket, order) id, if the data has one.
    pub invoice: Option<&'a str>,
    /// Flagged as a return or cancellation (whatever the amount's sign).
    pub returned: bool,
    /// The caller's row number for rejects; `None` means the 1-based push position.
    pub row: Option<u64>,
    /// Extra keys the features are grouped by besides the customer (a store, a brand, a
    /// product line): one row of features per customer and key values. Empty: none.
    pub keys: &'a [&'a str],
}

/// Joins a customer id and its extra keys inside a [`FeatureBuilder`]; a key's own
/// separator characters become spaces.
const KEY_SEP: char = '\u{1f}';

impl<'a> Transaction<'a> {
    /// A purchase of `amount` by `customer` on `date`.
    pub fn new(customer: &'a str, date: NaiveDate, amount: f64) -> Self {
        Transaction { customer, date, amount, invoice: None, returned: false, row: None, keys: &[] }
    }

    /// Sets the extra keys (the same number, in the same order, on every row).
    pub fn keys(mut self, keys: &'a [&'a str]) -> Self {
        self.keys = keys;
        self
    }

    /// Sets the invoice id.
    pub fn invoice(mut self, invoice: &'a str) -> Self {
        self.invoice = Some(invoice);
        self
    }

    /// Flags the row as a return or cancellation.
    pub fn returned(mut self, returned: bool) -> Self {
        self.returned = returned;
        self
    }

    /// Sets the row number reported if the row is rejected.
    pub fn row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }
}

/// Where every row pushed into a [`FeatureBuilder`] went:
/// `rows == used + after_as_of + returns_ignored + rejected`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Rows pushed.
    pub rows: u64,
    /// Rows that entered the features (purchases and netted returns).
    pub used: u64,
    /// Rows dated after the as-of date, left out.
    pub after_as_of: u64,
    /// Returns left out under [`ReturnPolicy::Ignore`].
    pub returns_ignored: u64,
    /// Rows rejected (see [`Features::rejects`]).
    pub rejected: u64,
}

#[derive(Clone, Copy, Debug)]
struct Agg {
    first: i32,
    last: i32,
    purchases: u32,
    money: f64,
    /// Kahan compensation of `money`.
    carry: f64,
    /// The first and the latest purchase key (invoice hash or day) of the customer: most
    /// customers have one key, and lines of one invoice come together, so the shared set
    /// of keys is only consulted when a customer's key changes to a second one.
    first_key: u64,
    last_key: u64,
}

impl Agg {
    /// Kahan summation, step for step as pandas' `groupby().sum()`, so sums equal pandas'
    /// to the last bit.
    #[inline]
    fn add(&mut self, amount: f64) {
        let y = amount - self.carry;
        let t = self.money + y;
        self.carry = t - self.money - y;
        self.money = t;
    }
}

const NO_PURCHASE: i32 = i32::MAX;

/// Accumulates transactions into per-customer features, one row at a time: memory grows
/// with customers (and distinct invoices or days), not with rows.
///
/// Bad rows never stop the batch: [`push_text`](Self::push_text) and
/// [`push`](Self::push) record them as [`Reject`]s, and [`finish`](Self::finish) accounts
/// for every row in [`Usage`].
#[derive(Debug)]
pub struct FeatureBuilder {
    as_of: i32,
    options: FeatureOptions,
    ids: Interner,
    aggs: Vec<Agg>,
    seen: HashSet<(u32, u64), Hasher>,
    usage: Usage,
    rejects: Vec<Reject>,
    earliest: i32,
    /// The customer id and extra keys of the row being added, joined by [`KEY_SEP`].
    key_buf: String,
}

impl FeatureBuilder {
    /// A builder for features as of the end of `as_of` (transactions on that day count,
    /// later ones are left out).
    pub fn new(as_of: NaiveDate, options: FeatureOptions) -> FeatureBuilder {
        FeatureBuilder {
            as_of: day_number(as_of),
            options,
            ids: Interner::new(),
            aggs: Vec::new(),
            seen: HashSet::with_hasher(hasher()),
            usage: Usage::default(),
            rejects: Vec::new(),
            earliest: i32::MAX,
            key_buf: String::new(),
        }
    }

    /// Adds one transaction. An empty customer id, a non-finite amount or (when frequency
    /// counts invoices) a missing invoice id makes it a reject.
    pub fn push(&mut self, tx: Transaction<'_>) {
        self.usage.rows += 1;
        let row = tx.row.unwrap_or(self.usage.rows);
        if tx.customer.is_empty() {
            return self.reject_counted(row, "customer", RejectReason::Empty);
        }
        if !tx.amount.is_finite() {
            return self.reject_counted(row, "amount", RejectReason::NotFinite);
        }
        let invoice = match (self.options.frequency, tx.invoice) {
            (FrequencyBasis::Invoices, None | Some("")) => {
                return self.reject_counted(row, "invoice", RejectReason::Empty);
            }
            (FrequencyBasis::Invoices, Some(id)) => hash_str(id),
            _ => 0,
        };
        let day = day_number(tx.date);
        self.earliest = self.earliest.min(day);
        if day > self.as_of {
            self.usage.after_as_of += 1;
            return;
        }
        let is_return = tx.returned || tx.amount < 0.0;
        if is_return && self.options.returns == ReturnPolicy::Ignore {
            self.usage.returns_ignored += 1;
            return;
        }
        self.usage.used += 1;
        let (i, new) = if tx.keys.is_empty() {
            self.ids.intern(tx.customer)
        } else {
            self.key_buf.clear();
            self.key_buf.push_str(tx.customer);
            for key in tx.keys {
                self.key_buf.push(KEY_SEP);
                self.key_buf.extend(key.chars().map(|c| if c == KEY_SEP { ' ' } else { c }));
            }
            self.ids.intern(&self.key_buf)
        };
        if new {
            self.aggs.push(Agg {
                first: NO_PURCHASE,
                last: i32::MIN,
                purchases: 0,
                money: 0.0,
                carry: 0.0,
                first_key: 0,
                last_key: 0,
            });
        }
        let agg = &mut self.aggs[i as usize];
        if is_return && self.options.returns == ReturnPolicy::Net {
            agg.add(-tx.amount.abs());
            return;
        }
        agg.add(tx.amount);
        agg.first = agg.first.min(day);
        agg.last = agg.last.max(day);
        let key = match self.options.frequency {
            FrequencyBasis::Rows => {
                agg.purchases += 1;
                return;
            }
            FrequencyBasis::Invoices => invoice,
            FrequencyBasis::Days => day as u64,
        };
        // Distinct keys per customer, exactly; see `Agg::first_key`.
        if agg.purchases == 0 {
            agg.first_key = key;
        } else if key == agg.last_key {
            return;
        } else if agg.purchases == 1 {
            self.seen.insert((i, agg.first_key));
            self.seen.insert((i, key));
        } else if !self.seen.insert((i, key)) {
            agg.last_key = key;
            return;
        }
        agg.purchases += 1;
        agg.last_key = key;
    }

    /// Adds one transaction given as text, parsing the date with [`parse_date`] and the
    /// amount with [`parse_amount`]; `row` is the caller's row number for rejects.
    pub fn push_text(
        &mut self,
        row: u64,
        customer: &str,
        date: &str,
        amount: &str,
        invoice: Option<&str>,
    ) {
        self.push_text_with_keys(row, customer, date, amount, invoice, &[]);
    }

    /// [`push_text`](Self::push_text) with extra keys (see [`Transaction::keys`]).
    pub fn push_text_with_keys(
        &mut self,
        row: u64,
        customer: &str,
        date: &str,
        amount: &str,
        invoice: Option<&str>,
        keys: &[&str],
    ) {
        let Some(date_value) = parse_date(date) else {
            self.usage.rows += 1;
            let reason = if date.trim().is_empty() {
                RejectReason::Empty
            } else {
                RejectReason::Date(clip(date))
            };
            return self.reject_counted(row, "date", reason);
        };
        let Some(amount_value) = parse_amount(amount) else {
            self.usage.rows += 1;
            let reason = if amount.trim().is_empty() {
                RejectReason::Empty
            } else {
                RejectReason::Amount(clip(amount))
            };
            return self.reject_counted(row, "amount", reason);
        };
        self.push(Transaction {
            customer,
            date: date_value,
            amount: amount_value,
            invoice,
            returned: false,
            row: Some(row),
            keys,
        });
    }

    /// Records a row the caller could not even split into fields (a short line, say), so
    /// that it is counted in [`Usage`] and listed in [`Features::rejects`].
    pub fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        self.usage.rows += 1;
        self.reject_counted(row, field, reason);
    }

    fn reject_counted(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        self.usage.rejected += 1;
        self.rejects.push(Reject { row, field, reason });
    }

    /// Customers seen so far (including those with returns only).
    pub fn customers(&self) -> usize {
        self.ids.len()
    }

    /// The features of every customer with at least one purchase on or before the as-of
    /// date, in order of their first row.
    ///
    /// # Errors
    /// [`Error::Empty`] when no row was usable; [`Error::AsOfBeforeData`] when every valid
    /// row is after the as-of date.
    pub fn finish(self) -> Result<Features, Error> {
        let FeatureBuilder { as_of, options, ids, aggs, usage, rejects, earliest, .. } = self;
        if usage.used == 0 {
            if usage.after_as_of > 0 {
                return Err(Error::AsOfBeforeData {
                    as_of: from_day_number(as_of),
                    first: from_day_number(earliest),
                });
            }
            return Err(Error::Empty { rows: usage.rows, rejected: usage.rejected });
        }
        let ids = ids.into_ids();
        let n = aggs.iter().filter(|a| a.first != NO_PURCHASE).count();
        let mut f = Features {
            as_of,
            options,
            ids: Vec::with_capacity(n),
            recency: Vec::with_capacity(n),
            frequency: Vec::with_capacity(n),
            monetary: Vec::with_capacity(n),
            first: Vec::with_capacity(n),
            last: Vec::with_capacity(n),
            usage,
            rejects,
            returns_only: Vec::new(),
        };
        for (id, a) in ids.into_iter().zip(aggs) {
            if a.first == NO_PURCHASE {
                f.returns_only.push(id);
                continue;
            }
            f.ids.push(id);
            f.recency.push((as_of - a.last) as u32);
            f.frequency.push(a.purchases);
            f.monetary.push(match options.monetary {
                MonetaryBasis::Total => a.money,
                MonetaryBasis::MeanPerPurchase => a.money / f64::from(a.purchases),
            });
            f.first.push(a.first);
            f.last.push(a.last);
        }
        Ok(f)
    }
}

/// The customer id of an interned customer-and-keys text.
fn customer_part(s: &str) -> &str {
    s.split(KEY_SEP).next().unwrap_or(s)
}

/// Short, printable excerpt of a bad field (dates and amounts are not personal data, but
/// a misplaced column could be, so at most 12 characters are kept).
fn clip(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(12).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// RFM features of many customers, as columns (one entry per customer, in order of each
/// customer's first transaction row).
#[derive(Clone, Debug)]
pub struct Features {
    as_of: i32,
    options: FeatureOptions,
    ids: Vec<Box<str>>,
    recency: Vec<u32>,
    frequency: Vec<u32>,
    monetary: Vec<f64>,
    first: Vec<i32>,
    last: Vec<i32>,
    usage: Usage,
    rejects: Vec<Reject>,
    returns_only: Vec<Box<str>>,
}

/// One customer's features.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomerFeatures<'a> {
    /// The customer id.
    pub id: &'a str,
    /// Days from the last purchase to the as-of date (0 = bought on the as-of date).
    pub recency_days: u32,
    /// Purchases, per [`FrequencyBasis`].
    pub frequency: u32,
    /// Money, per [`MonetaryBasis`] and [`ReturnPolicy`].
    pub monetary: f64,
    /// Date of the first purchase.
    pub first_purchase: NaiveDate,
    /// Date of the last purchase.
    pub last_purchase: NaiveDate,
    /// Days from the first purchase to the as-of date.
    pub tenure_days: u32,
}

impl Features {
    /// Computes features from transactions in one call; see [`FeatureBuilder`] for the
    /// streaming form and the handling of bad rows.
    ///
    /// # Errors
    /// As [`FeatureBuilder::finish`].
    pub fn from_transactions<'a>(
        as_of: NaiveDate,
        options: FeatureOptions,
        transactions: impl IntoIterator<Item = Transaction<'a>>,
    ) -> Result<Features, Error> {
        let mut b = FeatureBuilder::new(as_of, options);
        for tx in transactions {
            b.push(tx);
        }
        b.finish()
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no customers (never true for a value returned by `finish`).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        from_day_number(self.as_of)
    }

    /// The definitions used.
    pub fn options(&self) -> FeatureOptions {
        self.options
    }

    /// Customer `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn customer(&self, i: usize) -> CustomerFeatures<'_> {
        CustomerFeatures {
            id: customer_part(&self.ids[i]),
            recency_days: self.recency[i],
            frequency: self.frequency[i],
            monetary: self.monetary[i],
            first_purchase: from_day_number(self.first[i]),
            last_purchase: from_day_number(self.last[i]),
            tenure_days: (self.as_of - self.first[i]) as u32,
        }
    }

    /// Every customer, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CustomerFeatures<'_>> + '_ {
        (0..self.len()).map(|i| self.customer(i))
    }

    /// The customer ids (with extra keys, a customer appears once per key values).
    pub fn ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.ids.iter().map(|s| customer_part(s))
    }

    /// The extra key values of row `i`, in the order given in [`Transaction::keys`]
    /// (none without extra keys).
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn keys(&self, i: usize) -> impl Iterator<Item = &str> + '_ {
        self.ids[i].split(KEY_SEP).skip(1)
    }

    /// Recency in days, per customer.
    pub fn recency_days(&self) -> &[u32] {
        &self.recency
    }

    /// Frequency, per customer.
    pub fn frequency(&self) -> &[u32] {
        &self.frequency
    }

    /// Monetary value, per customer.
    pub fn monetary(&self) -> &[f64] {
        &self.monetary
    }

    /// Where the input rows went.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// Rows that were rejected, with the reason.
    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }

    /// Customers (ids) whose only rows were returns, under [`ReturnPolicy::Net`] (with
    /// extra keys: once per key values).
    pub fn returns_only(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.returns_only.iter().map(|s| customer_part(s))
    }

    /// The features as an `n × 3` matrix with columns recency days, frequency, monetary —
    /// the input of a clustering (e.g. `crm-kmeans`).
    pub fn to_array(&self) -> Array2<f64> {
        let mut a = Array2::zeros((self.len(), 3));
        for (i, mut row) in a.rows_mut().into_iter().enumerate() {
            row[0] = f64::from(self.recency[i]);
            row[1] = f64::from(self.frequency[i]);
            row[2] = self.monetary[i];
        }
        a
    }
}
