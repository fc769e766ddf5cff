//! Marketing RFM features per customer: days since the last purchase, number of purchases,
//! money spent.

use std::collections::HashSet;

use chrono::NaiveDate;
use ndarray::Array2;

use crate::error::{Error, Reject, RejectReason};
use crate::intern::{Hasher, Interner, Texts, hash_str, hasher};
use crate::text::{day_number, from_day_number, parse_amount, parse_date};

/// What counts as one purchase for `frequency`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
pub(crate) struct Agg {
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
    pub(crate) const EMPTY: Agg = Agg {
        first: NO_PURCHASE,
        last: i32::MIN,
        purchases: 0,
        money: 0.0,
        carry: 0.0,
        first_key: 0,
        last_key: 0,
    };

    /// Adds a used row of customer `i` (its index in `seen`).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn apply(
        &mut self,
        seen: &mut HashSet<(u32, u64), Hasher>,
        i: u32,
        day: i32,
        amount: f64,
        invoice: u64,
        net_return: bool,
        frequency: FrequencyBasis,
    ) {
        if net_return {
            self.add(-amount.abs());
            return;
        }
        self.add(amount);
        self.first = self.first.min(day);
        self.last = self.last.max(day);
        let key = match frequency {
            FrequencyBasis::Rows => {
                self.purchases += 1;
                return;
            }
            FrequencyBasis::Invoices => invoice,
            FrequencyBasis::Days => day as u64,
        };
        // Distinct keys per customer, exactly; see `Agg::first_key`.
        if self.purchases == 0 {
            self.first_key = key;
        } else if key == self.last_key {
            return;
        } else if self.purchases == 1 {
            seen.insert((i, self.first_key));
            seen.insert((i, key));
        } else if !seen.insert((i, key)) {
            self.last_key = key;
            return;
        }
        self.purchases += 1;
        self.last_key = key;
    }

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

/// What a row is, before its customer is looked up.
enum Step {
    Reject(&'static str, RejectReason),
    AfterAsOf(i32),
    ReturnIgnored(i32),
    /// A used row: its day, invoice hash (0 unless counting invoices), and whether it is a
    /// return netted against the customer's money.
    Use {
        day: i32,
        invoice: u64,
        net_return: bool,
    },
}

impl Step {
    #[inline]
    fn of(tx: &Transaction<'_>, as_of: i32, options: FeatureOptions) -> Step {
        if tx.customer.is_empty() {
            return Step::Reject("customer", RejectReason::Empty);
        }
        if !tx.amount.is_finite() {
            return Step::Reject("amount", RejectReason::NotFinite);
        }
        let invoice = match (options.frequency, tx.invoice) {
            (FrequencyBasis::Invoices, None | Some("")) => {
                return Step::Reject("invoice", RejectReason::Empty);
            }
            (FrequencyBasis::Invoices, Some(id)) => hash_str(id),
            _ => 0,
        };
        let day = day_number(tx.date);
        if day > as_of {
            return Step::AfterAsOf(day);
        }
        let is_return = tx.returned || tx.amount < 0.0;
        if is_return && options.returns == ReturnPolicy::Ignore {
            return Step::ReturnIgnored(day);
        }
        Step::Use { day, invoice, net_return: is_return && options.returns == ReturnPolicy::Net }
    }
}

/// Writes a customer id and its extra keys, joined by [`KEY_SEP`], into `buf`.
pub(crate) fn compose_key(buf: &mut String, customer: &str, keys: &[&str]) {
    buf.clear();
    buf.push_str(customer);
    for key in keys {
        buf.push(KEY_SEP);
        buf.extend(key.chars().map(|c| if c == KEY_SEP { ' ' } else { c }));
    }
}

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
    tally: Tally,
    /// The customer id and extra keys of the row being added, joined by [`KEY_SEP`].
    key_buf: String,
    /// The previous used row's customer (and keys) and its index: a basket's lines come
    /// together, so most rows need no lookup.
    last_id: String,
    last_index: Option<u32>,
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
            tally: Tally::default(),
            key_buf: String::new(),
            last_id: String::new(),
            last_index: None,
        }
    }

    /// Adds one transaction. An empty customer id, a non-finite amount or (when frequency
    /// counts invoices) a missing invoice id makes it a reject.
    pub fn push(&mut self, tx: Transaction<'_>) {
        let position = self.tally.usage.rows + 1;
        let Some((day, invoice, net_return)) =
            self.tally.take(&tx, position, self.as_of, self.options)
        else {
            return;
        };
        let id = if tx.keys.is_empty() {
            tx.customer
        } else {
            compose_key(&mut self.key_buf, tx.customer, tx.keys);
            &self.key_buf
        };
        let i = match self.last_index {
            Some(i) if self.last_id == id => i,
            _ => {
                let (i, new) = self.ids.intern(id);
                if new {
                    self.aggs.push(Agg::EMPTY);
                }
                self.last_id.clear();
                self.last_id.push_str(id);
                self.last_index = Some(i);
                i
            }
        };
        self.aggs[i as usize].apply(
            &mut self.seen,
            i,
            day,
            tx.amount,
            invoice,
            net_return,
            self.options.frequency,
        );
    }

    /// Adds one transaction given as text, parsing the date with [`crm_core::parse_date`] and the
    /// amount with [`crm_core::parse_amount`]; `row` is the caller's row number for rejects.
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
            return self.tally.reject(row, "date", RejectReason::date(date));
        };
        let Some(amount_value) = parse_amount(amount) else {
            return self.tally.reject(row, "amount", RejectReason::amount(amount));
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
        self.tally.reject(row, field, reason);
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
        let FeatureBuilder { as_of, options, ids, aggs, tally, .. } = self;
        tally.check(as_of)?;
        let mut out = Assembly::new(as_of, options, tally.usage, tally.rejects, aggs.len());
        for (id, a) in ids.into_ids().iter().zip(&aggs) {
            out.push(id, a);
        }
        Ok(out.0)
    }
}

/// Where the rows went, as they are added: counts, rejects, and the earliest valid day.
#[derive(Debug)]
pub(crate) struct Tally {
    pub(crate) usage: Usage,
    pub(crate) rejects: Vec<Reject>,
    earliest: i32,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally { usage: Usage::default(), rejects: Vec::new(), earliest: i32::MAX }
    }
}

impl Tally {
    /// Counts a row (`position`: its 1-based place in the batch, the row number of a reject
    /// without [`Transaction::row`]); a used row's day, invoice hash and net-return flag.
    #[inline]
    pub(crate) fn take(
        &mut self,
        tx: &Transaction<'_>,
        position: u64,
        as_of: i32,
        options: FeatureOptions,
    ) -> Option<(i32, u64, bool)> {
        self.usage.rows += 1;
        let day = match Step::of(tx, as_of, options) {
            Step::Reject(field, reason) => {
                self.usage.rejected += 1;
                self.rejects.push(Reject { row: tx.row.unwrap_or(position), field, reason });
                return None;
            }
            Step::AfterAsOf(day) => {
                self.usage.after_as_of += 1;
                day
            }
            Step::ReturnIgnored(day) => {
                self.usage.returns_ignored += 1;
                day
            }
            Step::Use { day, invoice, net_return } => {
                self.earliest = self.earliest.min(day);
                self.usage.used += 1;
                return Some((day, invoice, net_return));
            }
        };
        self.earliest = self.earliest.min(day);
        None
    }

    /// Counts a rejected row.
    pub(crate) fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        self.usage.rows += 1;
        self.usage.rejected += 1;
        self.rejects.push(Reject { row, field, reason });
    }

    /// Adds a later part of the batch.
    pub(crate) fn absorb(&mut self, other: Tally) {
        let (u, o) = (&mut self.usage, other.usage);
        u.rows += o.rows;
        u.used += o.used;
        u.after_as_of += o.after_as_of;
        u.returns_ignored += o.returns_ignored;
        u.rejected += o.rejected;
        self.rejects.extend(other.rejects);
        self.earliest = self.earliest.min(other.earliest);
    }

    /// The error for a batch with no used row.
    pub(crate) fn check(&self, as_of: i32) -> Result<(), Error> {
        if self.usage.used > 0 {
            return Ok(());
        }
        if self.usage.after_as_of > 0 {
            return Err(Error::AsOfBeforeData {
                as_of: from_day_number(as_of),
                first: from_day_number(self.earliest),
            });
        }
        Err(Error::Empty { rows: self.usage.rows, rejected: self.usage.rejected })
    }
}

/// Builds [`Features`] from the customers' ids and aggregates, in order of their first row.
pub(crate) struct Assembly(pub(crate) Features);

impl Assembly {
    pub(crate) fn new(
        as_of: i32,
        options: FeatureOptions,
        usage: Usage,
        rejects: Vec<Reject>,
        customers: usize,
    ) -> Assembly {
        Assembly(Features {
            as_of,
            options,
            ids: Texts::with_capacity(customers),
            recency: Vec::with_capacity(customers),
            frequency: Vec::with_capacity(customers),
            monetary: Vec::with_capacity(customers),
            first: Vec::with_capacity(customers),
            last: Vec::with_capacity(customers),
            usage,
            rejects,
            returns_only: Texts::default(),
        })
    }

    /// Adds the next customer (a customer with returns only goes to `returns_only`).
    #[inline]
    pub(crate) fn push(&mut self, id: &str, a: &Agg) {
        let f = &mut self.0;
        if a.first == NO_PURCHASE {
            f.returns_only.push(id);
            return;
        }
        f.ids.push(id);
        f.recency.push((f.as_of - a.last) as u32);
        f.frequency.push(a.purchases);
        f.monetary.push(match f.options.monetary {
            MonetaryBasis::Total => a.money,
            MonetaryBasis::MeanPerPurchase => a.money / f64::from(a.purchases),
        });
        f.first.push(a.first);
        f.last.push(a.last);
    }

    /// Adds the customers of `other` (a finished piece), after this one's.
    pub(crate) fn append(&mut self, other: &Features) {
        let f = &mut self.0;
        f.ids.append(&other.ids);
        f.recency.extend_from_slice(&other.recency);
        f.frequency.extend_from_slice(&other.frequency);
        f.monetary.extend_from_slice(&other.monetary);
        f.first.extend_from_slice(&other.first);
        f.last.extend_from_slice(&other.last);
        f.returns_only.append(&other.returns_only);
    }
}

/// The customer id of an interned customer-and-keys text.
fn customer_part(s: &str) -> &str {
    s.split(KEY_SEP).next().unwrap_or(s)
}

/// RFM features of many customers, as columns (one entry per customer, in order of each
/// customer's first transaction row).
#[derive(Clone, Debug)]
pub struct Features {
    as_of: i32,
    options: FeatureOptions,
    ids: Texts,
    recency: Vec<u32>,
    frequency: Vec<u32>,
    monetary: Vec<f64>,
    first: Vec<i32>,
    last: Vec<i32>,
    usage: Usage,
    rejects: Vec<Reject>,
    returns_only: Texts,
}

/// One customer's features.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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

    /// [`from_transactions`](Self::from_transactions) for transactions already in memory,
    /// on all cores, with the same result (customers, order, sums to the bit, usage and
    /// rejects) whatever the number of threads.
    ///
    /// Rows are first checked and hashed in parallel chunks and sorted into partitions by
    /// the hash of their customer (and extra keys); each partition's customers are then
    /// aggregated, in row order, in a table small enough to stay in cache, and the
    /// partitions are merged in order of each customer's first row: a
    /// [`ParallelFeatureBuilder`](crate::ParallelFeatureBuilder) given the whole slice,
    /// which documents how customers are told apart. Small batches (under 65,536 rows) go
    /// through [`FeatureBuilder`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use crm_rfm::{FeatureOptions, Features, Transaction};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let rows = [
    ///     Transaction::new("C1", d(1, 5), 100.0),
    ///     Transaction::new("C2", d(2, 1), 40.0),
    ///     Transaction::new("C1", d(3, 1), 60.0),
    /// ];
    /// let f = Features::from_slice(d(6, 30), FeatureOptions::default(), &rows)?;
    /// assert_eq!(f.customer(0).monetary, 160.0);
    /// # Ok::<(), crm_rfm::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`FeatureBuilder::finish`].
    pub fn from_slice(
        as_of: NaiveDate,
        options: FeatureOptions,
        transactions: &[Transaction<'_>],
    ) -> Result<Features, Error> {
        if transactions.len() < crate::parallel::PARALLEL_ROWS {
            return Features::from_transactions(as_of, options, transactions.iter().copied());
        }
        crate::parallel::from_slice(day_number(as_of), options, transactions)
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
            id: customer_part(self.ids.get(i)),
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
        self.ids.iter().map(customer_part)
    }

    /// The extra key values of row `i`, in the order given in [`Transaction::keys`]
    /// (none without extra keys).
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn keys(&self, i: usize) -> impl Iterator<Item = &str> + '_ {
        self.ids.get(i).split(KEY_SEP).skip(1)
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
        self.returns_only.iter().map(customer_part)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows with every kind of outcome: rejects, rows after the as-of date, returns, extra
    /// keys, repeated invoices.
    fn rows(n: usize, seed: u64) -> Vec<(String, i64, f64, String, bool, String)> {
        let mut s = seed;
        let mut next = move |m: u64| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 33) % m
        };
        (0..n)
            .map(|_| {
                let c = next(700);
                // Short ASCII ids (kept as they are), long and non-ASCII ones (hashed).
                let customer = match c {
                    0 => String::new(),
                    // 16 bytes (the longest kept as text), 17 (hashed), with a NUL (hashed).
                    c if c % 13 == 0 => format!("C{c:015}"),
                    c if c % 17 == 0 => format!("C{c:016}"),
                    c if c % 19 == 0 => format!("C{c}\0x"),
                    c if c % 7 == 0 => format!("pelanggan-nomor-{c}-jakarta"),
                    c if c % 11 == 0 => format!("Ñ{c}"),
                    c => format!("C{c}"),
                };
                let day = next(400) as i64;
                let amount = match next(20) {
                    0 => -(next(1000) as f64) / 7.0,
                    1 => f64::NAN,
                    _ => next(100_000) as f64 / 100.0,
                };
                let invoice = if next(50) == 0 { String::new() } else { format!("I{}", next(900)) };
                (customer, day, amount, invoice, next(30) == 0, format!("S{}", next(3)))
            })
            .collect()
    }

    #[test]
    fn the_parallel_aggregation_equals_the_streaming_builder() {
        let day0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let as_of = day0 + chrono::Duration::days(300);
        for seed in 1..4 {
            let data = rows(20_000, seed);
            let keys: Vec<[&str; 1]> = data.iter().map(|r| [r.5.as_str()]).collect();
            for with_keys in [false, true] {
                let txs: Vec<Transaction<'_>> = data
                    .iter()
                    .zip(&keys)
                    .map(|(r, k)| {
                        let tx = Transaction::new(&r.0, day0 + chrono::Duration::days(r.1), r.2)
                            .invoice(&r.3)
                            .returned(r.4);
                        if with_keys { tx.keys(k) } else { tx }
                    })
                    .collect();
                for frequency in
                    [FrequencyBasis::Rows, FrequencyBasis::Invoices, FrequencyBasis::Days]
                {
                    for returns in
                        [ReturnPolicy::Net, ReturnPolicy::Ignore, ReturnPolicy::AsPurchase]
                    {
                        let options =
                            FeatureOptions::default().frequency(frequency).returns(returns);
                        let slow = Features::from_transactions(as_of, options, txs.iter().copied())
                            .unwrap();
                        let fast =
                            crate::parallel::from_slice(day_number(as_of), options, &txs).unwrap();
                        let what =
                            format!("seed {seed} keys {with_keys} {frequency:?} {returns:?}");
                        assert_eq!(fast.ids, slow.ids, "{what}");
                        assert_eq!(fast.recency, slow.recency, "{what}");
                        assert_eq!(fast.frequency, slow.frequency, "{what}");
                        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&fast.monetary), bits(&slow.monetary), "{what}");
                        assert_eq!((&fast.first, &fast.last), (&slow.first, &slow.last), "{what}");
                        assert_eq!(fast.usage, slow.usage, "{what}");
                        assert_eq!(fast.rejects, slow.rejects, "{what}");
                        assert_eq!(fast.returns_only, slow.returns_only, "{what}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_parallel_aggregation_reports_an_as_of_before_the_data() {
        let day = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let txs = vec![Transaction::new("C1", day, 10.0); 10];
        let as_of = day_number(day) - 1;
        let err = crate::parallel::from_slice(as_of, FeatureOptions::default(), &txs).unwrap_err();
        assert!(matches!(err, Error::AsOfBeforeData { .. }), "{err:?}");
    }
}
