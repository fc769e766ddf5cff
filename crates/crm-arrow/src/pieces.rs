//! CSV text cut into pieces at record boundaries, so that the pieces can be parsed on
//! several threads: a stream is read in blocks of [`BLOCK`] bytes, each block cut after
//! its last complete record and split into pieces of about [`PIECE`] bytes.
//!
//! Where a block has no `"`, every line feed ends a record and the cuts are found with
//! `memchr`; a block with quotes is scanned record by record with csv-core (a quoted field
//! may hold a line feed). Each piece says whether its fields may be split at every `,`
//! and line feed ([`Piece::plain`]) or need a CSV parser.

use std::io::Read;

use crate::error::{Error, Result};

/// Bytes read per block: a million rows or so, enough for each partition of the RFM
/// aggregation to gather a few thousand rows, and small enough that the block and its rows
/// stay a small part of the run's memory.
pub(crate) const BLOCK: usize = 16 << 20;

/// Bytes per piece: one thread's share of a block, several per thread so that uneven
/// pieces even out.
pub(crate) const PIECE: usize = 2 << 20;

/// A block of whole records and where its pieces are.
#[derive(Debug, Default)]
pub(crate) struct Block {
    text: Vec<u8>,
    /// (start, end, plain) of each piece.
    cuts: Vec<(usize, usize, bool)>,
}

impl Block {
    /// The block's pieces.
    pub(crate) fn pieces(&self) -> Vec<Piece<'_>> {
        self.cuts
            .iter()
            .map(|&(start, end, plain)| Piece { text: &self.text[start..end], plain })
            .collect()
    }
}

/// A piece of a block: whole records, and whether they can be split without a CSV parser
/// (no `"` and no carriage return other than in a CRLF line end).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Piece<'a> {
    pub(crate) text: &'a [u8],
    pub(crate) plain: bool,
}

/// A CSV stream read block by block.
pub(crate) struct Blocks<R> {
    src: R,
    file: String,
    /// [`BLOCK`] and [`PIECE`], smaller in tests.
    block: usize,
    piece: usize,
    /// What the last read left after its last whole record.
    carry: Vec<u8>,
    eof: bool,
}

impl<R: Read> Blocks<R> {
    pub(crate) fn new(src: R, file: &str) -> Blocks<R> {
        Blocks::with_sizes(src, file, BLOCK, PIECE)
    }

    /// Blocks of `block` bytes cut into pieces of `piece` bytes.
    pub(crate) fn with_sizes(src: R, file: &str, block: usize, piece: usize) -> Blocks<R> {
        let file = file.to_owned();
        Blocks { src, file, block, piece, carry: Vec::new(), eof: false }
    }

    /// The header record's fields (as text, invalid UTF-8 replaced) and the line feeds in
    /// it; an empty stream has no fields.
    pub(crate) fn header(&mut self) -> Result<(Vec<String>, u64)> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = (64 << 10).min(self.block);
        loop {
            self.fill(&mut buf, want)?;
            let mut ends = Vec::new();
            if let Some(len) = record_ends(&buf, self.eof, 1, &mut ends) {
                let end = skip_lf(&buf, ends.first().copied().unwrap_or(len));
                let header = &buf[..end];
                let fields = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(header)
                    .byte_records()
                    .next()
                    .transpose()
                    .map_err(|e| Error::io(&self.file, std::io::Error::other(e)))?
                    .map(|r| r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect())
                    .unwrap_or_default();
                let feeds = line_feeds(header);
                buf.drain(..end);
                self.carry = buf;
                return Ok((fields, feeds));
            }
            want *= 4;
        }
    }

    /// The next block of whole records, cut into pieces, read into `reuse`'s buffers (a
    /// block given back, so that its memory is not mapped again); `None` at the end.
    pub(crate) fn next_block(&mut self, reuse: Option<Block>) -> Result<Option<Block>> {
        let mut block = reuse.unwrap_or_default();
        block.cuts.clear();
        let buf = &mut block.text;
        buf.clear();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut want = self.block;
        let (cut, ends) = loop {
            self.fill(buf, want)?;
            if buf.is_empty() {
                return Ok(None);
            }
            let quoted = memchr::memchr(b'"', buf).is_some();
            if !quoted {
                let cut = if self.eof {
                    Some(buf.len())
                } else {
                    memchr::memrchr(b'\n', buf).map(|i| i + 1)
                };
                if let Some(cut) = cut {
                    break (cut, None);
                }
            } else {
                let mut ends = Vec::new();
                if let Some(cut) = record_ends(buf, self.eof, usize::MAX, &mut ends) {
                    break (skip_lf(buf, cut), Some(ends));
                }
            }
            // Not one whole record yet: read more.
            want = buf.len().max(want) * 2;
        };
        self.carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let text = &buf[..];
        let piece = self.piece;
        match ends {
            None => {
                let mut at = 0;
                while at < cut {
                    let end = if cut - at <= piece {
                        cut
                    } else {
                        let from = at + piece;
                        memchr::memchr(b'\n', &text[from..cut]).map_or(cut, |i| from + i + 1)
                    };
                    block.cuts.push((at, end, crlf_only(&text[at..end])));
                    at = end;
                }
            }
            Some(ends) => {
                let mut at = 0;
                for &end in &ends {
                    let end = skip_lf(text, end);
                    if end - at >= piece {
                        block.cuts.push((at, end, false));
                        at = end;
                    }
                }
                if at < cut {
                    block.cuts.push((at, cut, false));
                }
            }
        }
        Ok(Some(block))
    }

    /// Reads into `buf` until it holds `want` bytes or the stream ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> Result<()> {
        let mut filled = buf.len();
        if filled >= want || self.eof {
            return Ok(());
        }
        buf.resize(want, 0);
        while !self.eof && filled < want {
            match self.src.read(&mut buf[filled..want]) {
                Ok(0) => self.eof = true,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    buf.truncate(filled);
                    return Err(Error::io(&self.file, e));
                }
            }
        }
        buf.truncate(filled);
        Ok(())
    }
}

/// Scans `text` (which starts at a record boundary) with csv-core and pushes the end of each
/// of its first `max` complete records into `ends`; returns where the complete records end
/// (all of `text` when `eof`), or `None` when not one record is complete.
fn record_ends(text: &[u8], eof: bool, max: usize, ends: &mut Vec<usize>) -> Option<usize> {
    let mut rdr = csv_core::Reader::new();
    let mut out = vec![0u8; 1 << 16];
    let mut field_ends = [0usize; 1024];
    // `out` and `field_ends` are scratch: a call that fills them has still moved on.
    let mut at = 0;
    let mut last = None;
    loop {
        let input = if at < text.len() { &text[at..] } else { &[][..] };
        let (result, nin, _, _) = rdr.read_record(input, &mut out, &mut field_ends);
        at += nin;
        match result {
            csv_core::ReadRecordResult::InputEmpty => {
                if at >= text.len() && !eof {
                    return last;
                }
            }
            // Only where records end matters: the fields are dropped, and the buffers
            // written again from their start (each call makes progress into them).
            csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::OutputEndsFull => {
            }
            csv_core::ReadRecordResult::Record => {
                ends.push(at);
                last = Some(at);
                if ends.len() >= max {
                    return last;
                }
            }
            csv_core::ReadRecordResult::End => return Some(text.len()),
        }
    }
}

/// `end` moved past a line feed that completes a CRLF line end csv-core stopped inside.
fn skip_lf(text: &[u8], end: usize) -> usize {
    if end > 0 && text[end - 1] == b'\r' && text.get(end) == Some(&b'\n') { end + 1 } else { end }
}

/// Whether every carriage return in `text` is followed by a line feed.
fn crlf_only(text: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', text).all(|i| text.get(i + 1) == Some(&b'\n'))
}

/// The line feeds in `text`: the lines a piece spans, the lines of the pieces after it
/// starting after them (a piece may end in a lone carriage return, which the CSV parser
/// takes for a line end but a reader's line numbers do not).
pub(crate) fn line_feeds(text: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', text).count() as u64
}

/// Line numbers of record starts, counted as the records come.
#[derive(Debug, Default)]
pub(crate) struct LineCounter {
    /// Bytes counted so far, and the line feeds in them.
    counted: usize,
    feeds: u64,
}

impl LineCounter {
    /// The line (1-based) of the record the `csv` crate says starts at byte `start` of
    /// `text` (a position that may point at the blank lines or the line feed before it);
    /// records must come in order.
    pub(crate) fn line_at(&mut self, text: &[u8], start: usize) -> u64 {
        let skip = text[start..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        let start = (start + skip).min(text.len());
        if start > self.counted {
            self.feeds += memchr::memchr_iter(b'\n', &text[self.counted..start]).count() as u64;
            self.counted = start;
        }
        self.feeds + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(text: &str) -> (Vec<String>, u64, Vec<(String, bool)>) {
        let mut blocks = Blocks::new(text.as_bytes(), "t.csv");
        let (header, lines) = blocks.header().unwrap();
        let mut out = Vec::new();
        while let Some(block) = blocks.next_block(None).unwrap() {
            for p in block.pieces() {
                out.push((String::from_utf8(p.text.to_vec()).unwrap(), p.plain));
            }
        }
        (header, lines, out)
    }

    #[test]
    fn the_header_and_the_records_after_it() {
        let (h, n, p) = pieces_of("a,\"b\nc\",d\r\n1,2,3\r\n4,5,6");
        assert_eq!(h, ["a", "b\nc", "d"]);
        assert_eq!(n, 2);
        assert_eq!(p, [("1,2,3\r\n4,5,6".to_owned(), true)]);
        let (h, n, p) = pieces_of("");
        assert!(h.is_empty() && n == 0 && p.is_empty());
        let (h, _, p) = pieces_of("x,y\n");
        assert_eq!(h, ["x", "y"]);
        assert!(p.is_empty());
    }

    #[test]
    fn quotes_and_lone_carriage_returns_need_the_parser() {
        let (_, _, p) = pieces_of("a,b\n1,\"x\ny\"\n2,3\n");
        assert_eq!(p, [("1,\"x\ny\"\n2,3\n".to_owned(), false)]);
        let (_, _, p) = pieces_of("a,b\n1,2\r3,4\n");
        assert_eq!(p, [("1,2\r3,4\n".to_owned(), false)]);
    }

    #[test]
    fn records_longer_than_a_first_read_are_whole() {
        let long = "v".repeat(200_000);
        let text = format!("h\n{long}\n\"{long}\n{long}\"\n");
        let (_, _, p) = pieces_of(&text);
        let joined: String = p.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(joined, text[2..]);
    }

    #[test]
    fn records_are_numbered_by_the_line_they_start_on() {
        let text = b"h\r\n\n1,\"a\r\nb\"\r\n2,x\r3,y\n";
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(&text[..]);
        let mut counter = LineCounter::default();
        let lines: Vec<u64> = rdr
            .byte_records()
            .map(|r| counter.line_at(text, r.unwrap().position().unwrap().byte() as usize))
            .collect();
        assert_eq!(lines, [3, 5, 5]);
    }

    #[test]
    fn a_piece_spans_its_line_feeds() {
        assert_eq!(line_feeds(b""), 0);
        assert_eq!(line_feeds(b"a\nb"), 1);
        assert_eq!(line_feeds(b"a\nb\r"), 1);
        assert_eq!(line_feeds(b"a\r\nb\n"), 2);
    }
}
