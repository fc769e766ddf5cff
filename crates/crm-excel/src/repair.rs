//! Repairing delimited text exports whose records are broken across lines.
//!
//! Exports from operational systems (pipe- or tab-delimited TXT) often contain records split
//! over several physical lines, because a free-text field held a line break.
//! Knowing how many columns a record has, [`Repairer`] re-joins the pieces: it buffers lines
//! until the record has its delimiters, respecting quoted fields, and reports every line that
//! cannot be part of a record as a [`Reject`] with its line numbers and the reason.
//! Nothing is dropped silently: each physical line ends up in a record, in a reject, or counted
//! as a blank line in [`RepairStats`].
//!
//! Memory is bounded by the longest record (and [`RepairOptions::max_record_bytes`]), never by
//! the file size.
//!
//! # Limits
//! A break inside the *last* field of a record cannot be told from a complete record followed
//! by a stray line: the first part is emitted as the record (with a shortened last field) and
//! the rest is joined to the following record or rejected.
//! Breaks in any other field are recovered exactly.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::io::{BufRead, Write};

use crate::error::{ErrorKind, Result};

/// What replaces a line break inside a re-joined record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineJoin {
    /// A space: `Jl. Merdeka` + `No. 5` → `Jl. Merdeka No. 5`. Suits analysis and CSV output.
    #[default]
    Space,
    /// Nothing: the pieces are concatenated.
    Nothing,
    /// A `\n`, keeping the line break inside the field.
    Newline,
}

impl LineJoin {
    fn bytes(self) -> &'static [u8] {
        match self {
            LineJoin::Space => b" ",
            LineJoin::Nothing => b"",
            LineJoin::Newline => b"\n",
        }
    }
}

/// How text bytes are decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8, and Windows-1252 for any record that is not valid UTF-8.
    #[default]
    Auto,
    /// Windows-1252 (a superset of Latin-1 as browsers and Excel read it) for every record.
    Windows1252,
}

/// Options of a [`Repairer`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepairOptions {
    columns: usize,
    delimiter: u8,
    quote: Option<u8>,
    has_header: bool,
    join: LineJoin,
    encoding: TextEncoding,
    max_record_bytes: usize,
}

impl RepairOptions {
    /// Options for records of `columns` fields, with the defaults: `|` delimiter, `"` quotes,
    /// a header line, [`LineJoin::Space`], [`TextEncoding::Auto`], records up to 1 MiB.
    pub fn new(columns: usize) -> RepairOptions {
        RepairOptions {
            columns,
            delimiter: b'|',
            quote: Some(b'"'),
            has_header: true,
            join: LineJoin::Space,
            encoding: TextEncoding::Auto,
            max_record_bytes: 1 << 20,
        }
    }

    /// The field delimiter. Default: `|`.
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> RepairOptions {
        self.delimiter = delimiter;
        self
    }

    /// The quote character, or `None` when the export never quotes. A quote only opens a
    /// quoted field at the start of a field; inside one, a doubled quote is a literal quote.
    /// Default: `Some(b'"')`.
    #[must_use]
    pub fn quote(mut self, quote: Option<u8>) -> RepairOptions {
        self.quote = quote;
        self
    }

    /// Whether the first record is a header. Default: `true`.
    #[must_use]
    pub fn has_header(mut self, yes: bool) -> RepairOptions {
        self.has_header = yes;
        self
    }

    /// What replaces the line breaks inside a re-joined record. Default: [`LineJoin::Space`].
    #[must_use]
    pub fn join(mut self, join: LineJoin) -> RepairOptions {
        self.join = join;
        self
    }

    /// How bytes are decoded. Default: [`TextEncoding::Auto`].
    #[must_use]
    pub fn encoding(mut self, encoding: TextEncoding) -> RepairOptions {
        self.encoding = encoding;
        self
    }

    /// Longest record, in bytes, before the buffered lines are rejected. Default: 1 MiB.
    #[must_use]
    pub fn max_record_bytes(mut self, bytes: usize) -> RepairOptions {
        self.max_record_bytes = bytes.max(1);
        self
    }

    /// The number of fields per record.
    pub fn columns(&self) -> usize {
        self.columns
    }
}

/// Why lines were rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RejectReason {
    /// One line alone has more fields than a record.
    TooManyFields {
        /// Fields found.
        found: usize,
    },
    /// Lines that did not reach a full record before a line that starts a new one.
    Incomplete {
        /// Fields found.
        found: usize,
    },
    /// The file ended inside a record.
    UnexpectedEof {
        /// Fields found.
        found: usize,
    },
    /// The file ended inside a quoted field.
    UnterminatedQuote,
    /// The buffered lines grew past [`RepairOptions::max_record_bytes`].
    TooLong {
        /// The limit.
        limit: usize,
    },
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::TooManyFields { found } => write!(f, "too many fields ({found})"),
            RejectReason::Incomplete { found } => {
                write!(f, "incomplete record ({found} fields) followed by a new record")
            }
            RejectReason::UnexpectedEof { found } => {
                write!(f, "incomplete record ({found} fields) at end of file")
            }
            RejectReason::UnterminatedQuote => {
                f.write_str("quoted field not closed before end of file")
            }
            RejectReason::TooLong { limit } => write!(f, "record longer than {limit} bytes"),
        }
    }
}

/// Lines that could not be made into a record.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reject {
    /// First 1-based line.
    pub first_line: u64,
    /// Last 1-based line.
    pub last_line: u64,
    /// Why.
    pub reason: RejectReason,
    /// The lines as read (decoded, joined with `\n`).
    pub raw: String,
}

impl Reject {
    /// The header of a rejects CSV: `first_line,last_line,reason,raw`.
    pub const CSV_HEADER: [&'static str; 4] = ["first_line", "last_line", "reason", "raw"];

    /// The reject as a rejects-CSV record (see [`Reject::CSV_HEADER`]).
    pub fn into_csv_record(self) -> [String; 4] {
        [self.first_line.to_string(), self.last_line.to_string(), self.reason.to_string(), self.raw]
    }
}

/// Counts of a repair run.
///
/// Every line read is in exactly one of: the header, an intact record, a repaired record, a
/// rejected group of lines, or a blank line, so
/// `lines == header_lines + intact + repaired_lines + rejected_lines + blank_lines`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RepairStats {
    /// Physical lines read (the header included).
    pub lines: u64,
    /// Lines of the header record.
    pub header_lines: u64,
    /// Records that were complete on one line (the header not included).
    pub intact: u64,
    /// Records re-joined from several lines.
    pub repaired: u64,
    /// Lines that went into repaired records.
    pub repaired_lines: u64,
    /// Groups of lines rejected.
    pub rejected: u64,
    /// Lines in rejected groups.
    pub rejected_lines: u64,
    /// Blank lines between records.
    pub blank_lines: u64,
    /// Records decoded as Windows-1252 because they were not valid UTF-8.
    pub transcoded: u64,
}

impl RepairStats {
    /// Good records out of good and rejected ones (1.0 for an empty file).
    pub fn success_rate(&self) -> f64 {
        let good = self.intact + self.repaired;
        let total = good + self.rejected;
        if total == 0 { 1.0 } else { good as f64 / total as f64 }
    }
}

/// One item read by a [`Repairer`].
#[derive(Debug)]
pub enum Event<'a> {
    /// The header record.
    Header(Record<'a>),
    /// A data record, intact or repaired.
    Record(Record<'a>),
    /// Lines that could not be made into a record.
    Reject(Reject),
}

/// A record with exactly [`RepairOptions::columns`] fields, borrowed from the repairer.
#[derive(Debug)]
pub struct Record<'a> {
    text: &'a str,
    fields: Fields<'a>,
    first_line: u64,
    last_line: u64,
}

/// Where a record's fields are in its text.
#[derive(Clone, Copy, Debug)]
enum Fields<'a> {
    /// The text is the fields joined by this (ASCII) delimiter, none quoted: fields are found
    /// by splitting when asked for, which keeps pass-through fast.
    Delimited { delimiter: char, len: usize },
    /// Byte ranges of unquoted, decoded fields in the text.
    Spans(&'a [(usize, usize)]),
}

impl<'a> Record<'a> {
    /// The number of fields.
    pub fn len(&self) -> usize {
        match self.fields {
            Fields::Delimited { len, .. } => len,
            Fields::Spans(spans) => spans.len(),
        }
    }

    /// Whether the record has no fields (never true for records a repairer yields).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A field by index.
    pub fn get(&self, index: usize) -> Option<&'a str> {
        self.iter().nth(index)
    }

    /// The fields in order.
    pub fn iter(&self) -> FieldIter<'a> {
        match self.fields {
            Fields::Delimited { delimiter, .. } => FieldIter::Split(self.text.split(delimiter)),
            Fields::Spans(spans) => FieldIter::Spans(self.text, spans.iter()),
        }
    }

    /// The record as one line of delimited text, when no field was quoted and the text is the
    /// fields joined by the delimiter (the common case, and the fast one to pass through).
    pub fn line(&self) -> Option<&'a str> {
        match self.fields {
            Fields::Delimited { .. } => Some(self.text),
            Fields::Spans(_) => None,
        }
    }

    /// The first 1-based line of the record.
    pub fn first_line(&self) -> u64 {
        self.first_line
    }

    /// The last 1-based line of the record.
    pub fn last_line(&self) -> u64 {
        self.last_line
    }

    /// Whether the record was re-joined from several lines.
    pub fn is_repaired(&self) -> bool {
        self.last_line > self.first_line
    }
}

/// Iterator over the fields of a [`Record`].
#[derive(Debug)]
pub enum FieldIter<'a> {
    #[doc(hidden)]
    Split(std::str::Split<'a, char>),
    #[doc(hidden)]
    Spans(&'a str, std::slice::Iter<'a, (usize, usize)>),
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            FieldIter::Split(split) => split.next(),
            FieldIter::Spans(text, spans) => spans.next().map(|&(a, b)| &text[a..b]),
        }
    }
}

/// Counts `a` and `b` bytes in one pass; written over fixed-size chunks so it vectorises.
fn count_two(bytes: &[u8], a: u8, b: u8) -> (usize, usize) {
    let (chunks, rest) = bytes.as_chunks::<64>();
    let (mut na, mut nb) = (0usize, 0usize);
    for chunk in chunks {
        let (mut ca, mut cb) = (0u8, 0u8);
        for &x in chunk {
            ca += u8::from(x == a);
            cb += u8::from(x == b);
        }
        na += usize::from(ca);
        nb += usize::from(cb);
    }
    for &x in rest {
        na += usize::from(x == a);
        nb += usize::from(x == b);
    }
    (na, nb)
}

/// The quote state of a record being scanned.
#[derive(Clone, Copy, Debug, Default)]
struct QuoteState {
    in_quotes: bool,
    at_field_start: bool,
    /// A closing-quote candidate was the last byte (a following quote makes it an escape).
    after_quote: bool,
}

/// Reads delimited text and yields intact, repaired and rejected records.
///
/// ```
/// use crm_excel::{RepairEvent, RepairOptions, Repairer};
/// let text = "id|name|city\n1|Budi|Bekasi\n2|Siti\nAminah|Bogor\n3|x\n4|Andi|Depok\n";
/// let mut repairer = Repairer::new(text.as_bytes(), RepairOptions::new(3));
/// let mut names = Vec::new();
/// while let Some(event) = repairer.next_event()? {
///     match event {
///         RepairEvent::Header(_) => {}
///         RepairEvent::Record(r) => names.push(r.get(1).unwrap().to_owned()),
///         RepairEvent::Reject(r) => assert_eq!((r.first_line, r.last_line), (5, 5)),
///     }
/// }
/// assert_eq!(names, ["Budi", "Siti Aminah", "Andi"]);
/// assert_eq!(repairer.stats().repaired, 1);
/// # Ok::<(), crm_excel::Error>(())
/// ```
#[derive(Debug)]
pub struct Repairer<R> {
    input: R,
    options: RepairOptions,
    /// The current physical line.
    line: Vec<u8>,
    /// Lines to process again (after an overflow) before reading more input.
    pending: VecDeque<(u64, Vec<u8>)>,
    /// The lines of the record being assembled: line number, byte range in `rec`, delimiters.
    parts: Vec<(u64, usize, usize, usize)>,
    /// The record being assembled.
    rec: Vec<u8>,
    rec_first: u64,
    rec_last: u64,
    rec_lines: u64,
    rec_delims: usize,
    /// Whether a line of the record holds a quote character.
    rec_quoted: bool,
    quote: QuoteState,
    /// Decoded/unquoted text when the record bytes cannot be borrowed as they are.
    text: String,
    spans: Vec<(usize, usize)>,
    line_no: u64,
    header_done: bool,
    eof: bool,
    stats: RepairStats,
}

impl<R: BufRead> Repairer<R> {
    /// A repairer reading from `input`.
    pub fn new(input: R, options: RepairOptions) -> Repairer<R> {
        Repairer {
            input,
            header_done: !options.has_header,
            options,
            line: Vec::with_capacity(1024),
            pending: VecDeque::new(),
            parts: Vec::new(),
            rec: Vec::with_capacity(1024),
            rec_first: 0,
            rec_last: 0,
            rec_lines: 0,
            rec_delims: 0,
            rec_quoted: false,
            quote: QuoteState { at_field_start: true, ..QuoteState::default() },
            text: String::new(),
            spans: Vec::with_capacity(64),
            line_no: 0,
            eof: false,
            stats: RepairStats::default(),
        }
    }

    /// The counts so far.
    pub fn stats(&self) -> &RepairStats {
        &self.stats
    }

    /// The options.
    pub fn options(&self) -> &RepairOptions {
        &self.options
    }

    /// Reads the next physical line into `self.line` (without its line break); `false` at EOF.
    fn read_line(&mut self) -> Result<bool> {
        self.line.clear();
        if self.input.read_until(b'\n', &mut self.line)? == 0 {
            return Ok(false);
        }
        if self.line.last() == Some(&b'\n') {
            self.line.pop();
        }
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        self.line_no += 1;
        self.stats.lines += 1;
        if self.line_no == 1 && self.line.starts_with(b"\xEF\xBB\xBF") {
            self.line.drain(..3);
        }
        Ok(true)
    }

    /// Counts the delimiters of `line` outside quotes, continuing `state`; also says whether
    /// the line holds a quote character.
    fn count_delims(&self, line: &[u8], state: &mut QuoteState) -> (usize, bool) {
        let d = self.options.delimiter;
        let Some(q) = self.options.quote else {
            return (count_two(line, d, d).0, false);
        };
        let (n, quotes) = count_two(line, d, q);
        if quotes == 0 && !state.in_quotes && !state.after_quote {
            if let Some(&last) = line.last() {
                state.at_field_start = last == d;
            }
            return (n, false);
        }
        (self.count_quoted(line, state), true)
    }

    /// [`count_delims`](Self::count_delims) for lines with quotes: a byte-by-byte state machine.
    fn count_quoted(&self, line: &[u8], state: &mut QuoteState) -> usize {
        let d = self.options.delimiter;
        let q = self.options.quote.unwrap_or(d);
        let mut n = 0;
        for &b in line {
            if state.in_quotes {
                if state.after_quote {
                    state.after_quote = false;
                    if b == q {
                        continue; // an escaped quote
                    }
                    state.in_quotes = false; // the previous quote closed the field
                } else if b == q {
                    state.after_quote = true;
                    continue;
                } else {
                    continue;
                }
            }
            if b == d {
                n += 1;
                state.at_field_start = true;
            } else {
                if b == q && state.at_field_start {
                    state.in_quotes = true;
                }
                state.at_field_start = false;
            }
        }
        n
    }

    /// The next header, record or reject; `None` at the end of the input.
    ///
    /// # Errors
    /// I/O errors, and [`ErrorKind::InvalidParameter`] when the header line does not have the
    /// expected number of fields.
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>> {
        let need = self.options.columns.saturating_sub(1);
        if self.options.columns == 0 {
            return Err(ErrorKind::InvalidParameter {
                name: "columns",
                reason: "must be at least 1".into(),
            }
            .into());
        }
        loop {
            let line_no = match self.pending.pop_front() {
                Some((no, bytes)) => {
                    self.line = bytes;
                    no
                }
                None => {
                    if self.eof || !self.read_line()? {
                        self.eof = true;
                        if self.rec_lines == 0 {
                            return Ok(None);
                        }
                        let reason = if self.quote.in_quotes && !self.quote.after_quote {
                            RejectReason::UnterminatedQuote
                        } else {
                            RejectReason::UnexpectedEof { found: self.rec_delims + 1 }
                        };
                        let reject = self.take_reject(reason);
                        return self.reject_event(reject);
                    }
                    self.line_no
                }
            };
            if self.rec_lines == 0 && self.line.is_empty() {
                self.stats.blank_lines += 1;
                continue;
            }
            let mut state = self.quote;
            let joined_by_text = !self.options.join.bytes().is_empty();
            if self.rec_lines > 0 && state.in_quotes && state.after_quote && joined_by_text {
                // A quote ended the previous line and the join character follows it: it
                // closed the field. (Joined by nothing, a quote starting this line escapes it.)
                state.in_quotes = false;
                state.after_quote = false;
            }
            if self.rec_lines > 0 && !state.in_quotes && joined_by_text {
                // The join character now starts the field, so a quote after it is literal.
                state.at_field_start = false;
            }
            let line = std::mem::take(&mut self.line);
            let (delims, line_quoted) = self.count_delims(&line, &mut state);
            self.line = line;
            let total = self.rec_delims + delims;
            let too_long = self.rec.len() + self.line.len() > self.options.max_record_bytes;
            if total > need || (too_long && self.rec_lines > 0) {
                if self.rec_lines > 0 {
                    let line = std::mem::take(&mut self.line);
                    self.pending.push_front((line_no, line));
                    if too_long && total <= need {
                        let reject = self.take_reject(RejectReason::TooLong {
                            limit: self.options.max_record_bytes,
                        });
                        return self.reject_event(reject);
                    }
                    // The buffered lines do not complete a record with this line. Reject only
                    // the first of them and process the rest again: they may be the start of
                    // a record broken across lines (a truncated record followed by a broken
                    // one loses only the truncated one).
                    let reject = self.take_first_part_reject();
                    return self.reject_event(reject);
                }
                let reject = Reject {
                    first_line: line_no,
                    last_line: line_no,
                    reason: RejectReason::TooManyFields { found: delims + 1 },
                    raw: decode_lossy(&self.line).into_owned(),
                };
                self.stats.rejected += 1;
                self.stats.rejected_lines += 1;
                return self.reject_event(reject);
            }
            if self.rec_lines == 0 {
                std::mem::swap(&mut self.rec, &mut self.line);
                self.rec_first = line_no;
                self.parts.clear();
                self.parts.push((line_no, 0, self.rec.len(), delims));
            } else {
                self.rec.extend_from_slice(self.options.join.bytes());
                let start = self.rec.len();
                self.rec.extend_from_slice(&self.line);
                self.parts.push((line_no, start, self.rec.len(), delims));
            }
            self.rec_quoted |= line_quoted;
            self.rec_last = line_no;
            self.rec_lines += 1;
            self.rec_delims = total;
            self.quote = state;
            let closed = !state.in_quotes || state.after_quote;
            if total == need && closed {
                if self.rec.len() > self.options.max_record_bytes {
                    let reject = self.take_reject(RejectReason::TooLong {
                        limit: self.options.max_record_bytes,
                    });
                    return self.reject_event(reject);
                }
                return self.record_event().map(Some);
            }
            // A record ending exactly at the delimiter count but inside quotes, or short of
            // delimiters, continues on the next line.
        }
    }

    fn reject_event(&mut self, reject: Reject) -> Result<Option<Event<'_>>> {
        if !self.header_done {
            self.header_done = true;
            return Err(ErrorKind::InvalidParameter {
                name: "header",
                reason: format!(
                    "line {}: expected {} fields: {}",
                    reject.first_line, self.options.columns, reject.reason
                ),
            }
            .into());
        }
        Ok(Some(Event::Reject(reject)))
    }

    /// Turns the buffered lines into a reject and clears the buffer.
    fn take_reject(&mut self, reason: RejectReason) -> Reject {
        // The raw text holds the lines joined as a record would have been.
        let raw = decode_lossy(&self.rec).into_owned();
        let reject = Reject { first_line: self.rec_first, last_line: self.rec_last, reason, raw };
        self.stats.rejected += 1;
        self.stats.rejected_lines += self.rec_lines;
        self.reset_record();
        reject
    }

    /// Rejects the first buffered line and queues the others to be processed again.
    fn take_first_part_reject(&mut self) -> Reject {
        let (line_no, start, end, delims) = self.parts[0];
        let reject = Reject {
            first_line: line_no,
            last_line: line_no,
            reason: RejectReason::Incomplete { found: delims + 1 },
            raw: decode_lossy(&self.rec[start..end]).into_owned(),
        };
        // Queue in reverse so they come out in their original order, before the line that
        // overflowed (already at the front).
        for &(no, a, b, _) in self.parts[1..].iter().rev() {
            self.pending.push_front((no, self.rec[a..b].to_vec()));
        }
        self.stats.rejected += 1;
        self.stats.rejected_lines += 1;
        self.reset_record();
        reject
    }

    fn reset_record(&mut self) {
        self.rec.clear();
        self.parts.clear();
        self.rec_quoted = false;
        self.rec_lines = 0;
        self.rec_delims = 0;
        self.quote = QuoteState { at_field_start: true, ..QuoteState::default() };
    }

    /// Splits the complete record into fields and returns it.
    fn record_event(&mut self) -> Result<Event<'_>> {
        let first = self.rec_first;
        let last = self.rec_last;
        let lines = self.rec_lines;
        let is_header = !self.header_done;
        self.header_done = true;
        if is_header {
            self.stats.header_lines += lines;
        } else {
            if lines > 1 {
                self.stats.repaired += 1;
                self.stats.repaired_lines += lines;
            } else {
                self.stats.intact += 1;
            }
        }
        let has_quotes = self.rec_quoted;
        let rec = std::mem::take(&mut self.rec);
        self.reset_record();
        self.rec = rec;
        let d = self.options.delimiter;
        self.spans.clear();
        let utf8 =
            self.options.encoding == TextEncoding::Auto && std::str::from_utf8(&self.rec).is_ok();
        if !has_quotes && utf8 && d.is_ascii() {
            // Validated just above.
            let text = std::str::from_utf8(&self.rec).unwrap_or_default();
            let fields = Fields::Delimited { delimiter: char::from(d), len: self.options.columns };
            let record = Record { text, fields, first_line: first, last_line: last };
            return Ok(if is_header { Event::Header(record) } else { Event::Record(record) });
        }
        let text: &str = {
            if !utf8 && self.options.encoding == TextEncoding::Auto {
                self.stats.transcoded += 1;
            }
            self.text.clear();
            split_quoted(
                &self.rec,
                d,
                if has_quotes { self.options.quote } else { None },
                &mut self.text,
                &mut self.spans,
                utf8,
            );
            &self.text
        };
        let record =
            Record { text, fields: Fields::Spans(&self.spans), first_line: first, last_line: last };
        Ok(if is_header { Event::Header(record) } else { Event::Record(record) })
    }
}

/// Splits `rec` into unquoted, decoded fields appended to `text`, with their spans.
fn split_quoted(
    rec: &[u8],
    d: u8,
    quote: Option<u8>,
    text: &mut String,
    spans: &mut Vec<(usize, usize)>,
    utf8: bool,
) {
    let mut field: Vec<u8> = Vec::new();
    let mut push = |field: &mut Vec<u8>, text: &mut String| {
        let start = text.len();
        if utf8 {
            text.push_str(std::str::from_utf8(field).unwrap_or_default());
        } else {
            text.push_str(&encoding_rs::WINDOWS_1252.decode_without_bom_handling(field).0);
        }
        spans.push((start, text.len()));
        field.clear();
    };
    let q = quote.unwrap_or(0);
    let quoting = quote.is_some();
    let mut i = 0;
    let mut at_start = true;
    while i < rec.len() {
        let b = rec[i];
        if quoting && at_start && b == q {
            // A quoted field: read to the closing quote, unescaping doubled quotes.
            i += 1;
            while i < rec.len() {
                if rec[i] == q {
                    if rec.get(i + 1) == Some(&q) {
                        field.push(q);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                field.push(rec[i]);
                i += 1;
            }
            at_start = false;
            continue;
        }
        if b == d {
            push(&mut field, text);
            at_start = true;
        } else {
            field.push(b);
            at_start = false;
        }
        i += 1;
    }
    push(&mut field, text);
}

fn decode_lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Repairs delimited text into CSV: the header and every good record go to `out`
/// (comma-separated, quoted where needed), rejected lines to `rejects` with the columns
/// `first_line,last_line,reason,raw`.
///
/// # Errors
/// I/O errors, and a header with the wrong number of fields.
///
/// ```
/// use crm_excel::{repair_to_csv, RepairOptions};
/// let input = "id|address|city\n1|Jl. Merdeka 1|Bekasi\n2|Jl. A,\nNo. 5|Bogor\n";
/// let (mut out, mut rejects) = (Vec::new(), Vec::new());
/// let stats = repair_to_csv(input.as_bytes(), RepairOptions::new(3), &mut out, &mut rejects)?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "id,address,city\n1,Jl. Merdeka 1,Bekasi\n2,\"Jl. A, No. 5\",Bogor\n"
/// );
/// assert_eq!((stats.intact, stats.repaired, stats.rejected), (1, 1, 0));
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub fn repair_to_csv<R: BufRead, W: Write + Send, J: Write>(
    input: R,
    options: RepairOptions,
    out: W,
    rejects: J,
) -> Result<RepairStats> {
    let delimiter = options.delimiter;
    let single_column = options.columns == 1;
    let mut repairer = Repairer::new(input, options);
    let mut rej = csv::Writer::from_writer(rejects);
    rej.write_record(Reject::CSV_HEADER)?;
    // Output goes out in blocks through a second thread, so writing (mostly kernel time)
    // overlaps with parsing.
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let mut out = out;
            for block in full_rx {
                out.write_all(&block)?;
                let _ = empty_tx.send(block);
            }
            out.flush()
        });
        let mut block = Vec::with_capacity(OUT_BLOCK + (1 << 16));
        let parsed = (|| -> Result<()> {
            while let Some(event) = repairer.next_event()? {
                match event {
                    Event::Header(r) | Event::Record(r) => {
                        write_csv_record(&mut block, &r, delimiter, single_column);
                        if block.len() >= OUT_BLOCK {
                            let mut next = empty_rx
                                .try_recv()
                                .unwrap_or_else(|_| Vec::with_capacity(OUT_BLOCK));
                            next.clear();
                            if full_tx.send(std::mem::replace(&mut block, next)).is_err() {
                                // The writer failed; its error is reported below.
                                return Ok(());
                            }
                        }
                    }
                    Event::Reject(r) => rej.write_record(r.into_csv_record())?,
                }
            }
            if !block.is_empty() {
                let _ = full_tx.send(std::mem::take(&mut block));
            }
            Ok(())
        })();
        drop(full_tx);
        let written =
            writer.join().unwrap_or_else(|_| Err(std::io::Error::other("output thread panicked")));
        parsed?;
        written?;
        rej.flush()?;
        Ok(repairer.stats().clone())
    })
}

/// Bytes of CSV collected before they are handed to the output thread.
const OUT_BLOCK: usize = 1 << 20;

/// Appends a record as a CSV line: the record's own text with the delimiter turned into a
/// comma when no field needs quoting (the fast path), field by field otherwise.
fn write_csv_record(out: &mut Vec<u8>, record: &Record<'_>, delimiter: u8, single_column: bool) {
    if let Some(line) = record.line() {
        let start = out.len();
        out.extend_from_slice(line.as_bytes());
        if !(single_column && line.is_empty()) && delimit_in_place(&mut out[start..], delimiter) {
            out.push(b'\n');
            return;
        }
        out.truncate(start);
    }
    for (i, field) in record.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let needs_quotes = (single_column && field.is_empty())
            || field.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
        if needs_quotes {
            out.push(b'"');
            for b in field.bytes() {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(field.as_bytes());
        }
    }
    out.push(b'\n');
}

/// Turns `delimiter` bytes into commas; `false` (and the bytes half-changed) when a field
/// would need CSV quoting. Written over chunks so it vectorises.
fn delimit_in_place(bytes: &mut [u8], delimiter: u8) -> bool {
    let comma_is_data = u8::from(delimiter != b',');
    let (chunks, rest) = bytes.as_chunks_mut::<32>();
    let mut special = 0u8;
    for chunk in chunks {
        for x in chunk.iter_mut() {
            let b = *x;
            special |= u8::from(b == b'"')
                | u8::from(b == b'\n')
                | u8::from(b == b'\r')
                | (u8::from(b == b',') & comma_is_data);
            *x = if b == delimiter { b',' } else { b };
        }
        if special != 0 {
            return false;
        }
    }
    for x in rest {
        let b = *x;
        special |= u8::from(b == b'"')
            | u8::from(b == b'\n')
            | u8::from(b == b'\r')
            | (u8::from(b == b',') & comma_is_data);
        *x = if b == delimiter { b',' } else { b };
    }
    special == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a repair and returns (records as joined strings, reject line ranges, stats).
    fn run(
        input: &str,
        options: RepairOptions,
    ) -> (Vec<String>, Vec<(u64, u64, String)>, RepairStats) {
        let mut r = Repairer::new(input.as_bytes(), options);
        let mut records = Vec::new();
        let mut rejects = Vec::new();
        while let Some(e) = r.next_event().unwrap() {
            match e {
                Event::Header(rec) => {
                    records.push(format!("H:{}", rec.iter().collect::<Vec<_>>().join(",")))
                }
                Event::Record(rec) => records.push(rec.iter().collect::<Vec<_>>().join(",")),
                Event::Reject(rej) => {
                    rejects.push((rej.first_line, rej.last_line, rej.reason.to_string()))
                }
            }
        }
        (records, rejects, r.stats().clone())
    }

    fn opts(n: usize) -> RepairOptions {
        RepairOptions::new(n).has_header(false)
    }

    #[test]
    fn intact_records_pass_through() {
        let (recs, rej, stats) = run("a|b|c\n1|2|3\n", opts(3));
        assert_eq!(recs, ["a,b,c", "1,2,3"]);
        assert!(rej.is_empty());
        assert_eq!((stats.intact, stats.lines), (2, 2));
    }

    #[test]
    fn broken_record_is_rejoined_with_a_space() {
        let (recs, _, stats) = run("1|Jl. Merdeka\nNo. 5|Bekasi\n", opts(3));
        assert_eq!(recs, ["1,Jl. Merdeka No. 5,Bekasi"]);
        assert_eq!((stats.repaired, stats.repaired_lines), (1, 2));
    }

    #[test]
    fn record_broken_over_three_lines() {
        let (recs, _, _) = run("1|a\nb\nc|d\n", opts(3).join(LineJoin::Nothing));
        assert_eq!(recs, ["1,abc,d"]);
    }

    #[test]
    fn fragment_before_a_full_record_is_rejected_and_the_record_kept() {
        let (recs, rej, stats) = run("1|x\n2|y|z\n", opts(3));
        assert_eq!(recs, ["2,y,z"]);
        assert_eq!(
            rej,
            [(1, 1, "incomplete record (2 fields) followed by a new record".to_owned())]
        );
        assert_eq!(stats.rejected_lines, 1);
    }

    #[test]
    fn truncated_record_before_a_broken_one_loses_only_itself() {
        // Line 1 is truncated (3 of 4 fields); lines 2-3 are one record broken in two.
        let (recs, rej, stats) =
            run("1|a|x\n2|b|c\nd|e\n3|e|f|g\n", opts(4).join(LineJoin::Nothing));
        assert_eq!(recs, ["2,b,cd,e", "3,e,f,g"]);
        assert_eq!(
            rej,
            [(1, 1, "incomplete record (3 fields) followed by a new record".to_owned())]
        );
        assert_eq!(stats.repaired, 1);
    }

    #[test]
    fn line_with_too_many_fields_is_rejected() {
        let (recs, rej, _) = run("1|2|3|4\n5|6|7\n", opts(3));
        assert_eq!(recs, ["5,6,7"]);
        assert_eq!(rej, [(1, 1, "too many fields (4)".to_owned())]);
    }

    #[test]
    fn incomplete_record_at_eof_is_rejected() {
        let (_, rej, _) = run("1|2|3\n4|5", opts(3));
        assert_eq!(rej, [(2, 2, "incomplete record (2 fields) at end of file".to_owned())]);
    }

    #[test]
    fn blank_lines_between_records_are_counted() {
        let (recs, _, stats) = run("1|2\n\n\r\n3|4\n", opts(2));
        assert_eq!(recs.len(), 2);
        assert_eq!(stats.blank_lines, 2);
    }

    #[test]
    fn blank_line_inside_a_record_is_part_of_it() {
        let (recs, _, _) = run("1|a\n\nb|c\n", opts(3).join(LineJoin::Newline));
        assert_eq!(recs, ["1,a\n\nb,c"]);
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let (recs, _, _) = run("1|\"a|b\"|c\n", opts(3));
        assert_eq!(recs, ["1,a|b,c"]);
    }

    #[test]
    fn quoted_line_break_is_rejoined() {
        let (recs, _, _) = run("1|\"Jl. A\nNo. 1\"|c\n", opts(3).join(LineJoin::Newline));
        assert_eq!(recs, ["1,Jl. A\nNo. 1,c"]);
    }

    #[test]
    fn doubled_quotes_are_literal() {
        let (recs, _, _) = run("1|\"say \"\"hi\"\"\"|c\n", opts(3));
        assert_eq!(recs, ["1,say \"hi\",c"]);
    }

    #[test]
    fn quote_inside_unquoted_field_is_literal() {
        let (recs, _, _) = run("1|TV 32\" LED|c\n", opts(3));
        assert_eq!(recs, ["1,TV 32\" LED,c"]);
    }

    #[test]
    fn quote_closing_at_end_of_line() {
        let (recs, _, _) = run("1|x|\"c\"\n2|y|z\n", opts(3));
        assert_eq!(recs, ["1,x,c", "2,y,z"]);
    }

    #[test]
    fn unterminated_quote_is_rejected_at_eof() {
        let (_, rej, _) = run("1|\"open|x\n", opts(3));
        assert_eq!(rej[0].2, "quoted field not closed before end of file");
    }

    #[test]
    fn header_is_reported_and_not_counted() {
        let (recs, _, stats) = run("id|name\n1|a\n", RepairOptions::new(2));
        assert_eq!(recs, ["H:id,name", "1,a"]);
        assert_eq!(stats.intact, 1);
    }

    #[test]
    fn header_with_wrong_width_is_an_error() {
        let mut r = Repairer::new("a|b|c\n".as_bytes(), RepairOptions::new(2));
        let err = r.next_event().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid header: line 1: expected 2 fields: too many fields (3)"
        );
    }

    #[test]
    fn bom_and_crlf_are_stripped() {
        let (recs, _, _) = run("\u{feff}a|b\r\n1|2\r\n", opts(2));
        assert_eq!(recs, ["a,b", "1,2"]);
    }

    #[test]
    fn windows_1252_records_are_decoded() {
        let input: &[u8] = b"1|Caf\xe9\n";
        let mut r = Repairer::new(input, opts(2));
        match r.next_event().unwrap().unwrap() {
            Event::Record(rec) => assert_eq!(rec.get(1), Some("Café")),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.stats().transcoded, 1);
    }

    #[test]
    fn overlong_record_is_rejected() {
        let (recs, rej, _) = run("1|aaaa\nbbbb\nccc|d\n2|x|y\n", opts(3).max_record_bytes(8));
        assert_eq!(recs, ["2,x,y"]);
        let reasons: Vec<&str> = rej.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "record longer than 8 bytes",
                "record longer than 8 bytes",
                "incomplete record (2 fields) followed by a new record"
            ]
        );
    }

    #[test]
    fn every_line_is_accounted_for() {
        let input = "a|b|c\n1|2\n3\n\n4|5|6|7\n8|9|10\nx\n";
        for options in [opts(3), RepairOptions::new(3)] {
            let (_, _, s) = run(input, options);
            assert_eq!(
                s.header_lines + s.intact + s.repaired_lines + s.rejected_lines + s.blank_lines,
                s.lines
            );
        }
    }

    #[test]
    fn count_two_counts_across_chunk_boundaries() {
        let line: Vec<u8> = (0..200)
            .map(|i| {
                if i % 3 == 0 {
                    b'|'
                } else if i % 7 == 0 {
                    b'"'
                } else {
                    b'x'
                }
            })
            .collect();
        let expected = (
            line.iter().filter(|&&b| b == b'|').count(),
            line.iter().filter(|&&b| b == b'"').count(),
        );
        assert_eq!(count_two(&line, b'|', b'"'), expected);
    }

    #[test]
    fn delimit_in_place_turns_delimiters_into_commas_or_refuses() {
        let mut plain = b"a|b|c".repeat(20);
        assert!(delimit_in_place(&mut plain, b'|'));
        assert_eq!(plain, b"a,b,c".repeat(20));
        for special in [&b"a|b,c"[..], b"a|\"b\"", b"a|b\r", b"x|y\nz"] {
            let mut line = special.to_vec();
            assert!(!delimit_in_place(&mut line, b'|'), "{special:?}");
        }
        let mut commas = b"a,b,c".to_vec();
        assert!(delimit_in_place(&mut commas, b','));
    }

    #[test]
    fn csv_records_quote_only_where_needed() {
        let cases: [(&str, usize, &str); 4] = [
            ("a|b|c\n", 3, "a,b,c\n"),
            ("a|b,c|d\n", 3, "a,\"b,c\",d\n"),
            ("a|\"say \"\"hi\"\"\"|d\n", 3, "a,\"say \"\"hi\"\"\",d\n"),
            ("x\n\n\"\"\n", 1, "x\n\"\"\n"),
        ];
        for (input, columns, expected) in cases {
            let mut out = Vec::new();
            let options = RepairOptions::new(columns).has_header(false);
            repair_to_csv(input.as_bytes(), options, &mut out, std::io::sink()).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{input:?}");
        }
    }

    #[test]
    fn success_rate() {
        let s = RepairStats { intact: 3, repaired: 1, rejected: 1, ..RepairStats::default() };
        assert!((s.success_rate() - 0.8).abs() < 1e-12);
    }
}
