//! Features on all cores: chunks of rows checked and hashed in parallel and sorted into
//! partitions by customer, each partition then aggregated in row order on its own thread.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::{Error, RejectReason};
use crate::features::{
    Agg, Assembly, FeatureBuilder, FeatureOptions, Features, Tally, Transaction, Usage, compose_key,
};
use crate::intern::{Hasher, hasher};
use crate::text::day_number;

/// Where rows go: a [`FeatureBuilder`] (one thread) or a [`ChunkSink`] (one chunk of a
/// [`ParallelFeatureBuilder`]), so that a reader can feed either.
pub trait TransactionSink {
    /// Adds one transaction (see [`FeatureBuilder::push`]).
    fn push(&mut self, tx: Transaction<'_>);

    /// Records a row that could not be read as a transaction (see
    /// [`FeatureBuilder::reject`]).
    fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason);
}

impl TransactionSink for FeatureBuilder {
    #[inline]
    fn push(&mut self, tx: Transaction<'_>) {
        FeatureBuilder::push(self, tx);
    }

    fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        FeatureBuilder::reject(self, row, field, reason);
    }
}

/// Partitions of the customers: enough that a partition's table stays in cache for a
/// million customers, few enough that a chunk's rows fill each one's buffer.
const BITS: u32 = 8;
const PARTS: usize = 1 << BITS;

/// Batches at least this long are aggregated in parallel by [`Features::from_slice`].
pub(crate) const PARALLEL_ROWS: usize = 65_536;

/// The flag of a netted return in [`Row::index`], whose other bits number the row in its
/// chunk: a chunk holds fewer than 2^31 rows.
pub(crate) const NET_RETURN: u32 = 1 << 31;

/// The 128-bit key that tells customers apart: the text itself when it is ASCII without
/// NUL and at most 16 bytes long (most ids: codes, phone numbers, NIKs), zero-padded into
/// two little-endian words, so such ids are never confused; otherwise two foldhash hashes
/// with different seeds, with the top bit of the second set (an ASCII byte never sets it,
/// so hashed keys and texts cannot meet).
#[inline]
fn customer_key(id: &str) -> (u64, u64) {
    use std::hash::BuildHasher;
    let bytes = id.as_bytes();
    if bytes.len() <= 16 && bytes.iter().all(|&c| c != 0 && c.is_ascii()) {
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        let (lo, hi) = buf.split_at(8);
        let word = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        return (word(lo), word(hi));
    }
    let second = foldhash::fast::FixedState::with_seed(0x9e37_79b9_7f4a_7c15);
    (hasher().hash_one(id), second.hash_one(id) | 1 << 63)
}

/// Whether a key is a hash (the id is kept beside it) rather than the id's text.
#[inline]
fn is_hashed(key: (u64, u64)) -> bool {
    key.1 >> 63 != 0
}

/// The partition of a key: its top bits after mixing both words.
#[inline]
fn partition(key: (u64, u64)) -> usize {
    let mixed = (key.0 ^ key.1.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (64 - BITS)) as usize
}

/// The id of a customer key that is the id's text (see [`customer_key`]).
#[inline]
fn key_text(key: (u64, u64), buf: &mut [u8; 16]) -> Option<&str> {
    if is_hashed(key) {
        return None;
    }
    buf[..8].copy_from_slice(&key.0.to_le_bytes());
    buf[8..].copy_from_slice(&key.1.to_le_bytes());
    let len = buf.iter().position(|&b| b == 0).unwrap_or(16);
    std::str::from_utf8(&buf[..len]).ok()
}

/// A used row, as the parallel aggregation keeps it (40 bytes).
struct Row {
    key: (u64, u64),
    /// The row's place in its chunk (0-based); the top bit flags a netted return.
    index: u32,
    day: i32,
    amount: f64,
    invoice: u64,
}

/// The rows of one chunk, checked, hashed and sorted into partitions by the thread that
/// read the chunk; given to the closure of [`ParallelFeatureBuilder::push_chunks`].
///
/// Row numbers given to a sink ([`Transaction::row`], [`reject`](TransactionSink::reject))
/// count from the chunk's start: the builder adds the spans of the chunks before it (what
/// their closures returned). A row without a number is numbered by its place among all the
/// rows pushed into the builder, as [`FeatureBuilder`] numbers it.
pub struct ChunkSink {
    as_of: i32,
    options: FeatureOptions,
    parts: Vec<Vec<Row>>,
    tally: Tally,
    /// Which of `tally.rejects` are numbered by their place (the others by their row).
    by_place: Vec<usize>,
    /// The ids of rows whose key is a hash: (row index, start, end) in `long_text`.
    long: Vec<(u32, u32, u32)>,
    long_text: String,
    key_buf: String,
}

impl fmt::Debug for ChunkSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSink").field("usage", &self.tally.usage).finish_non_exhaustive()
    }
}

impl ChunkSink {
    fn new(as_of: i32, options: FeatureOptions) -> ChunkSink {
        ChunkSink {
            as_of,
            options,
            parts: (0..PARTS).map(|_| Vec::new()).collect(),
            tally: Tally::default(),
            by_place: Vec::new(),
            long: Vec::new(),
            long_text: String::new(),
            key_buf: String::new(),
        }
    }

    /// Empties the sink for another chunk, keeping its buffers.
    fn clear(&mut self) {
        for part in &mut self.parts {
            part.clear();
        }
        self.tally = Tally::default();
        self.by_place.clear();
        self.long.clear();
        self.long_text.clear();
    }

    /// The id of the row at `index` in the chunk, whose key is a hash.
    fn long_id(&self, index: u32) -> &str {
        let k = self.long.partition_point(|&(i, _, _)| i < index);
        let (_, start, end) = self.long[k];
        &self.long_text[start as usize..end as usize]
    }
}

impl TransactionSink for ChunkSink {
    #[inline]
    fn push(&mut self, tx: Transaction<'_>) {
        let index = self.tally.usage.rows;
        assert!(index < u64::from(NET_RETURN), "a chunk holds fewer than 2^31 rows");
        let rejects = self.tally.rejects.len();
        let Some((day, invoice, net_return)) =
            self.tally.take(&tx, index + 1, self.as_of, self.options)
        else {
            if tx.row.is_none() && self.tally.rejects.len() > rejects {
                self.by_place.push(rejects);
            }
            return;
        };
        let id = if tx.keys.is_empty() {
            tx.customer
        } else {
            compose_key(&mut self.key_buf, tx.customer, tx.keys);
            &self.key_buf
        };
        let key = customer_key(id);
        let index = index as u32;
        if is_hashed(key) {
            let start = self.long_text.len() as u32;
            self.long_text.push_str(id);
            self.long.push((index, start, self.long_text.len() as u32));
        }
        self.parts[partition(key)].push(Row {
            key,
            index: index | if net_return { NET_RETURN } else { 0 },
            day,
            amount: tx.amount,
            invoice,
        });
    }

    fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        self.tally.reject(row, field, reason);
    }
}

/// One partition's customers: their index, aggregates, first rows and long ids.
#[derive(Default)]
struct Part {
    index: Index,
    seen: HashSet<(u32, u64), Hasher>,
    customers: Vec<Customer>,
    /// The place of each customer's first row among all rows pushed.
    first: Vec<u64>,
    /// The ids of the customers whose key is a hash, by customer index (ascending).
    long: Vec<(u32, Box<str>)>,
}

/// A partition's customers by key: open addressing over 4-byte slots, each the customer's
/// index + 1 (0: empty) in its low 24 bits and 8 bits of the key's hash above them, at most
/// half full. The key itself is read from the customer, whose line the row updates next
/// anyway, so a lookup costs one slot and that line (a map holding the 16-byte keys costs
/// its own line more, and five times the memory).
#[derive(Default)]
struct Index {
    slots: Vec<u32>,
    len: usize,
}

/// Customers a partition holds at most (256 partitions: over 4 billion in all).
const MAX_PART_CUSTOMERS: usize = (1 << 24) - 1;

impl Index {
    /// The slot hash of a key: the two words multiplied into 128 bits and the halves
    /// folded together (foldhash's mix), so every bit of the key reaches every bit of the
    /// hash (ids share their first characters, which a plain multiply keeps in the low
    /// bits), independent of the partition's mix.
    #[inline]
    fn hash(key: (u64, u64)) -> u64 {
        let p =
            u128::from(key.0 ^ 0x243f_6a88_85a3_08d3) * u128::from(key.1 ^ 0x1319_8a2e_0370_7344);
        (p as u64) ^ ((p >> 64) as u64)
    }

    /// The index of `key`'s customer, or `customers.len()` after reserving a slot for it
    /// (the caller pushes it).
    #[inline]
    fn find_or_insert(&mut self, key: (u64, u64), customers: &[Customer]) -> u32 {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow(customers);
        }
        let hash = Index::hash(key);
        let tag = (hash >> 56) as u32;
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                let next = customers.len();
                assert!(next < MAX_PART_CUSTOMERS, "more than 2^24 customers in one partition");
                self.slots[at] = (tag << 24) | (next as u32 + 1);
                self.len += 1;
                return next as u32;
            }
            if slot >> 24 == tag {
                let i = (slot & 0xff_ffff) - 1;
                if customers[i as usize].key == key {
                    return i;
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table (16 slots at first) and puts every customer back.
    fn grow(&mut self, customers: &[Customer]) {
        let size = (self.slots.len() * 2).max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        let mask = size - 1;
        for (i, c) in customers.iter().enumerate() {
            let hash = Index::hash(c.key);
            let tag = (hash >> 56) as u32;
            let mut at = hash as usize & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = (tag << 24) | (i as u32 + 1);
        }
    }
}

/// A customer of a partition: its aggregate and key on one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Customer {
    agg: Agg,
    key: (u64, u64),
}

impl Part {
    fn new() -> Part {
        Part {
            index: Index::default(),
            seen: HashSet::with_hasher(hasher()),
            customers: Vec::new(),
            first: Vec::new(),
            long: Vec::new(),
        }
    }

    /// Adds the rows of one chunk that fall in this partition, in row order; `base` is the
    /// place of the chunk's first row among all rows pushed.
    fn add(&mut self, sink: &ChunkSink, rows: &[Row], base: u64, options: FeatureOptions) {
        // The lines of a basket come together: the previous row's customer is the likeliest.
        let mut last: Option<((u64, u64), u32)> = None;
        for r in rows {
            let i = match last {
                Some((key, i)) if key == r.key => i,
                _ => {
                    let next = self.customers.len() as u32;
                    let i = self.index.find_or_insert(r.key, &self.customers);
                    if i == next {
                        let index = r.index & !NET_RETURN;
                        self.customers.push(Customer { agg: Agg::EMPTY, key: r.key });
                        self.first.push(base + u64::from(index));
                        if is_hashed(r.key) {
                            self.long.push((i, sink.long_id(index).into()));
                        }
                    }
                    last = Some((r.key, i));
                    i
                }
            };
            self.customers[i as usize].agg.apply(
                &mut self.seen,
                i,
                r.day,
                r.amount,
                r.invoice,
                r.index & NET_RETURN != 0,
                options.frequency,
            );
        }
    }

    /// The id of customer `i`, whose key is a hash.
    fn long_id(&self, i: u32) -> &str {
        let k = self.long.partition_point(|&(c, _)| c < i);
        &self.long[k].1
    }
}

/// [`FeatureBuilder`] on all cores, fed chunk by chunk: a reader hands over a batch of
/// chunks (pieces of a file, record batches), each chunk is read by one thread into a
/// [`ChunkSink`], which checks its rows and sorts them by customer into partitions, and
/// then every partition's new rows are aggregated, in row order, on the thread that owns
/// the partition. The result equals [`FeatureBuilder`]'s for the same rows in the same
/// order: the same customers in the same order (of their first row), sums to the bit, the
/// same [`Usage`] and rejects, whatever the number of threads and however the rows are cut
/// into chunks.
///
/// Memory grows with the customers (and their distinct invoices or days), plus the rows of
/// the batch being added (40 bytes a row). Customers are told apart by their id itself when
/// it is ASCII without NUL and at most 16 bytes long (with extra keys: the id and keys
/// joined), and otherwise by a 128-bit hash of it (foldhash, two seeds): two different long
/// ids would have to collide in both halves to be merged, odds below 1e-20 for a billion
/// customers.
///
/// ```
/// use chrono::NaiveDate;
/// use crm_rfm::{FeatureOptions, ParallelFeatureBuilder, Transaction, TransactionSink};
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// // Two pieces of a CSV file, without its header; rows are numbered from each piece's start.
/// let pieces = ["C1,2025-01-05,100\nC2,2025-02-01,40\n", "C1,2025-03-01,60\nC3,soon,5\n"];
/// let mut builder = ParallelFeatureBuilder::new(d(6, 30), FeatureOptions::default());
/// builder.push_chunks(&pieces, |text, sink| {
///     let mut lines = 0;
///     for (k, line) in text.lines().enumerate() {
///         lines += 1;
///         let row = k as u64 + 1;
///         let f: Vec<&str> = line.split(',').collect();
///         match crm_core::parse_date(f[1]) {
///             Some(date) => {
///                 let amount = f[2].parse().unwrap_or(f64::NAN);
///                 sink.push(Transaction::new(f[0], date.into(), amount).row(row));
///             }
///             None => sink.reject(row, "date", crm_rfm::RejectReason::date(f[1])),
///         }
///     }
///     lines // the piece's span of row numbers
/// });
/// let features = builder.finish()?;
/// assert_eq!(features.ids().collect::<Vec<_>>(), ["C1", "C2"]);
/// assert_eq!(features.customer(0).monetary, 160.0);
/// assert_eq!(features.rejects()[0].row, 4); // the second piece's row 2
/// # Ok::<(), crm_rfm::Error>(())
/// ```
pub struct ParallelFeatureBuilder {
    as_of: i32,
    options: FeatureOptions,
    parts: Vec<Part>,
    tally: Tally,
    /// Rows pushed or rejected so far: the place of the next chunk's first row.
    places: u64,
    /// The row-number offset of the next chunk (the spans so far).
    rows: u64,
    /// Sinks of earlier batches, emptied, for the next.
    spare: Vec<ChunkSink>,
}

impl fmt::Debug for ParallelFeatureBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParallelFeatureBuilder")
            .field("as_of", &crate::text::from_day_number(self.as_of))
            .field("options", &self.options)
            .field("customers", &self.customers())
            .field("usage", &self.tally.usage)
            .finish_non_exhaustive()
    }
}

impl ParallelFeatureBuilder {
    /// A builder for features as of the end of `as_of`, like [`FeatureBuilder::new`].
    pub fn new(as_of: NaiveDate, options: FeatureOptions) -> ParallelFeatureBuilder {
        ParallelFeatureBuilder::at(day_number(as_of), options)
    }

    fn at(as_of: i32, options: FeatureOptions) -> ParallelFeatureBuilder {
        ParallelFeatureBuilder {
            as_of,
            options,
            parts: (0..PARTS).map(|_| Part::new()).collect(),
            tally: Tally::default(),
            places: 0,
            rows: 0,
            spare: Vec::new(),
        }
    }

    /// Adds the rows of `chunks`, after the rows added before, in the chunks' order:
    /// `read(chunk, sink)` runs on a thread of rayon's pool for each chunk, pushes the
    /// chunk's rows into `sink` in order, and returns the chunk's span of row numbers (the
    /// lines of a piece of a file, the rows of a record batch), which numbers the rows of
    /// the chunks after it. Return 0 from every chunk to give rows their numbers as they
    /// are.
    ///
    /// Chunks of about a hundred thousand rows or more keep both halves of the work busy;
    /// a batch of at least a few million rows (or all of them) lets each partition's table
    /// stay in cache while its rows are added.
    ///
    /// # Panics
    /// If a chunk has 2^31 rows or more, or more than 4 GiB of ids longer than 16 bytes.
    pub fn push_chunks<C, F>(&mut self, chunks: &[C], read: F)
    where
        C: Sync,
        F: Fn(&C, &mut ChunkSink) -> u64 + Sync,
    {
        let (as_of, options) = (self.as_of, self.options);
        // Sinks are kept from batch to batch, emptied but with their buffers: a batch's
        // rows then land in memory already mapped, not in fresh pages the kernel must zero.
        while self.spare.len() < chunks.len() {
            self.spare.push(ChunkSink::new(as_of, options));
        }
        let mut sinks: Vec<(ChunkSink, u64)> =
            self.spare.drain(..chunks.len()).map(|sink| (sink, 0)).collect();
        sinks.par_iter_mut().zip(chunks).for_each(|((sink, span), chunk)| {
            *span = read(chunk, sink);
        });
        let mut bases = Vec::with_capacity(sinks.len());
        for (sink, span) in &mut sinks {
            let mut by_place = sink.by_place.iter().peekable();
            for (k, reject) in sink.tally.rejects.iter_mut().enumerate() {
                if by_place.next_if(|&&i| i == k).is_some() {
                    reject.row += self.places;
                } else {
                    reject.row += self.rows;
                }
            }
            bases.push(self.places);
            self.places += sink.tally.usage.rows;
            self.rows += *span;
            self.tally.absorb(std::mem::take(&mut sink.tally));
        }
        self.parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            for ((sink, _), &base) in sinks.iter().zip(&bases) {
                part.add(sink, &sink.parts[p], base, options);
            }
        });
        for (mut sink, _) in sinks {
            sink.clear();
            self.spare.push(sink);
        }
    }

    /// Records a row that could not be read as a transaction, after the rows added so far;
    /// `row` is taken as it is.
    pub fn reject(&mut self, row: u64, field: &'static str, reason: RejectReason) {
        self.tally.reject(row, field, reason);
        self.places += 1;
    }

    /// Customers seen so far (including those with returns only).
    pub fn customers(&self) -> usize {
        self.parts.iter().map(|p| p.customers.len()).sum()
    }

    /// The features, as [`FeatureBuilder::finish`] gives them.
    ///
    /// # Errors
    /// As [`FeatureBuilder::finish`].
    pub fn finish(self) -> Result<Features, Error> {
        let ParallelFeatureBuilder { as_of, options, parts, tally, .. } = self;
        tally.check(as_of)?;
        // Customers in order of their first row, as the streaming builder numbers them.
        let mut order: Vec<(u64, u32, u32)> = parts
            .iter()
            .enumerate()
            .flat_map(|(p, part)| {
                part.first.iter().enumerate().map(move |(i, &first)| (first, p as u32, i as u32))
            })
            .collect();
        order.par_sort_unstable_by_key(|&(first, _, _)| first);
        // Each stretch of customers on its own thread, then joined.
        let stretch = order.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let pieces: Vec<Features> = order
            .par_chunks(stretch)
            .map(|stretch| {
                let mut piece =
                    Assembly::new(as_of, options, Usage::default(), Vec::new(), stretch.len());
                let mut text = [0u8; 16];
                for &(_, p, i) in stretch {
                    let part = &parts[p as usize];
                    let c = &part.customers[i as usize];
                    match key_text(c.key, &mut text) {
                        Some(id) => piece.push(id, &c.agg),
                        None => piece.push(part.long_id(i), &c.agg),
                    }
                }
                piece.0
            })
            .collect();
        let mut out = Assembly::new(as_of, options, tally.usage, tally.rejects, order.len());
        for piece in &pieces {
            out.append(piece);
        }
        Ok(out.0)
    }
}

/// [`Features::from_slice`]'s parallel path: the slice cut into a few chunks per thread.
pub(crate) fn from_slice(
    as_of: i32,
    options: FeatureOptions,
    txs: &[Transaction<'_>],
) -> Result<Features, Error> {
    let chunk_len = txs.len().div_ceil(rayon::current_num_threads() * 4).max(4_096);
    let chunks: Vec<&[Transaction<'_>]> = txs.chunks(chunk_len).collect();
    let mut builder = ParallelFeatureBuilder::at(as_of, options);
    builder.push_chunks(&chunks, |rows, sink| {
        for tx in *rows {
            sink.push(*tx);
        }
        0
    });
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FrequencyBasis;

    /// Deterministic rows of every kind: short, long and non-ASCII ids, an empty one,
    /// returns, a NaN amount, rows after the as-of date, missing invoices.
    fn rows(n: usize) -> Vec<(String, i64, f64, String)> {
        let mut s = 7u64;
        let mut next = move |m: u64| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 33) % m
        };
        (0..n)
            .map(|_| {
                let c = next(3_000);
                let id = match c {
                    0 => String::new(),
                    c if c % 7 == 0 => format!("pelanggan-nomor-{c}-jakarta"),
                    c if c % 11 == 0 => format!("Ñ{c}"),
                    c => format!("C{c}"),
                };
                let amount = match next(30) {
                    0 => -5.5,
                    1 => f64::NAN,
                    _ => next(10_000) as f64 / 100.0,
                };
                let invoice =
                    if next(80) == 0 { String::new() } else { format!("I{}", next(5_000)) };
                (id, next(420) as i64, amount, invoice)
            })
            .collect()
    }

    #[test]
    fn batches_of_uneven_chunks_give_the_one_thread_result() {
        let day0 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let as_of = day0 + chrono::Duration::days(400);
        let data = rows(30_000);
        let tx = |k: usize| {
            let r = &data[k];
            Transaction::new(&r.0, day0 + chrono::Duration::days(r.1), r.2).invoice(&r.3)
        };
        for frequency in [FrequencyBasis::Rows, FrequencyBasis::Invoices, FrequencyBasis::Days] {
            let options = FeatureOptions::default().frequency(frequency);
            // One thread: rows numbered 2.. (a header line), every 1000th row unnumbered,
            // every 997th a reject its reader found, and a reject between the batches.
            let mut slow = FeatureBuilder::new(as_of, options);
            let push_slow = |slow: &mut FeatureBuilder, k: usize| {
                if k.is_multiple_of(997) {
                    slow.reject(k as u64 + 2, "date", RejectReason::Empty);
                } else if k.is_multiple_of(1000) {
                    slow.push(tx(k));
                } else {
                    slow.push(tx(k).row(k as u64 + 2));
                }
            };
            for k in 0..17_000 {
                push_slow(&mut slow, k);
            }
            slow.reject(99_999, "line", RejectReason::Empty);
            for k in 17_000..data.len() {
                push_slow(&mut slow, k);
            }
            let slow = slow.finish().unwrap();

            // The same rows in two batches of chunks of uneven lengths, numbered from each
            // chunk's start (the first chunk starts at the header, line 1).
            let mut fast = ParallelFeatureBuilder::new(as_of, options);
            let cuts = |from: usize, to: usize| -> Vec<(usize, usize)> {
                let mut out = Vec::new();
                let mut at = from;
                let mut len = 1;
                while at < to {
                    let end = (at + len).min(to);
                    out.push((at, end));
                    at = end;
                    len = len * 3 + 1;
                }
                out
            };
            let read = |&(from, to): &(usize, usize), sink: &mut ChunkSink| {
                let first = if from == 0 { 2 } else { 1 };
                for k in from..to {
                    let row = (k - from) as u64 + first;
                    if k.is_multiple_of(997) {
                        sink.reject(row, "date", RejectReason::Empty);
                    } else if k.is_multiple_of(1000) {
                        sink.push(tx(k));
                    } else {
                        sink.push(tx(k).row(row));
                    }
                }
                (to - from) as u64 + first - 1
            };
            fast.push_chunks(&cuts(0, 17_000), read);
            fast.reject(99_999, "line", RejectReason::Empty);
            fast.push_chunks(&cuts(17_000, data.len()), read);
            assert!(fast.customers() > 2_000);
            let fast = fast.finish().unwrap();

            let what = format!("{frequency:?}");
            assert_eq!(fast.ids().collect::<Vec<_>>(), slow.ids().collect::<Vec<_>>(), "{what}");
            assert_eq!(fast.recency_days(), slow.recency_days(), "{what}");
            assert_eq!(fast.frequency(), slow.frequency(), "{what}");
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(fast.monetary()), bits(slow.monetary()), "{what}");
            assert_eq!(fast.usage(), slow.usage(), "{what}");
            assert_eq!(fast.rejects(), slow.rejects(), "{what}");
            assert!(fast.rejects().iter().any(|r| r.row == 99_999));
            assert_eq!(
                fast.returns_only().collect::<Vec<_>>(),
                slow.returns_only().collect::<Vec<_>>(),
                "{what}"
            );
        }
    }

    #[test]
    fn the_index_finds_every_customer_once_among_ids_that_share_their_start() {
        let mut index = Index::default();
        let mut customers: Vec<Customer> = Vec::new();
        let ids: Vec<String> = (0..200_000).map(|i| format!("C{i:07}")).collect();
        for round in 0..2 {
            for (k, id) in ids.iter().enumerate() {
                let key = customer_key(id);
                let i = index.find_or_insert(key, &customers);
                if round == 0 {
                    assert_eq!(i as usize, customers.len());
                    customers.push(Customer { agg: Agg::EMPTY, key });
                } else {
                    assert_eq!(i as usize, k, "{id}");
                }
            }
        }
        assert_eq!(index.len, ids.len());
        assert!(index.slots.len() >= 2 * ids.len());
    }

    #[test]
    fn no_usable_row_is_the_one_thread_error() {
        let as_of = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut b = ParallelFeatureBuilder::new(as_of, FeatureOptions::default());
        b.push_chunks(&[()], |_, sink| {
            sink.reject(1, "date", RejectReason::Empty);
            1
        });
        let err = b.finish().unwrap_err();
        assert!(matches!(err, Error::Empty { rows: 1, rejected: 1 }), "{err:?}");
    }
}
