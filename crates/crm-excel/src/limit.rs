//! Limits on what a file may make the workbook parser allocate.
//!
//! calamine 0.38 sizes some buffers from numbers the file declares: an `.xls` sheet's
//! `DIMENSIONS` record (`rows × columns` cells reserved up front), the span between an
//! `.xls` sheet's first and last cell (a dense grid of that many cells), an `.xlsx`
//! shared-string table's `uniqueCount`, and the repeat counts of `.ods` rows and cells. A damaged file can declare billions of cells. When such
//! an allocation fails the process aborts: that is not a panic, so [`crate::guard`] cannot
//! contain it. So before calamine sees a file, this module reads those declared sizes itself and
//! refuses the file with [`ErrorKind::OverLimit`] when they would need more memory than the
//! reader's limit ([`crate::ReaderBuilder::max_unzipped_bytes`], 4 GiB by default).
//!
//! For `.xls`, calamine then parses a fresh container holding only the checked `Workbook`
//! stream, so that the bytes it reads are exactly the bytes that were checked, even when the
//! original container is damaged in a way two container readers could read differently.

use std::io::{BufReader, Cursor, Read, Write};

use crate::error::{Error, ErrorKind, Result};

/// Bytes of one cell reserved from an `.xls` `DIMENSIONS` record.
const RESERVED_CELL: u64 = std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;
/// Bytes of one cell of a sheet's dense grid.
const GRID_CELL: u64 = std::mem::size_of::<calamine::Data>() as u64;
/// Bytes of one cell of a sheet's formula grid.
const FORMULA_CELL: u64 = std::mem::size_of::<String>() as u64;
/// Bytes of one reserved shared string.
const SHARED_STRING: u64 = std::mem::size_of::<String>() as u64;

/// Checks a zip-based workbook: the decompressed size of all entries, the shared-string
/// count each `sharedStrings.xml` declares and the cells of an `.ods` file's sheets.
pub(crate) fn zip(bytes: &[u8], limit: u64) -> Result<()> {
    let corrupt = |e: zip::result::ZipError| -> Error {
        ErrorKind::Corrupt { format: "xlsx", reason: e.to_string() }.into()
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    // The central directory's sizes, also present when entries use data descriptors.
    let mut total: u64 = 0;
    let mut tables = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(corrupt)?;
        total = total.saturating_add(entry.size());
        // calamine finds the table next to the workbook part, matching names without regard
        // to case: checking every entry with that name covers wherever it looks.
        if entry.name_raw().to_ascii_lowercase().ends_with(b"sharedstrings.xml") {
            tables.push(i);
        }
    }
    if total > limit {
        return Err(ErrorKind::TooLarge { limit_bytes: limit }.into());
    }
    if let Ok(content) = archive.by_name("content.xml") {
        let need = ods_need(content);
        if need > limit {
            return Err(over("an ods sheet's cells", need, limit));
        }
    }
    for i in tables {
        // An entry that cannot be decompressed cannot be read by calamine either.
        let Ok(entry) = archive.by_index(i) else { continue };
        if let Some(count) = unique_count(entry) {
            let need = count.saturating_mul(SHARED_STRING);
            if need > limit {
                return Err(over("the shared-string table", need, limit));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` of a shared-string table's `<sst>` element, when it is a number.
fn unique_count(entry: impl Read) -> Option<u64> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let attr = e.try_get_attribute("uniqueCount").ok()??;
                return attr.value.parse().ok();
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => buf.clear(),
        }
    }
}

/// Bytes of one cell of an `.ods` sheet: its value and its formula.
const ODS_CELL: u64 = GRID_CELL + FORMULA_CELL;
/// calamine's cap on the cells of an `.ods` row.
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Checks the sheets of an `.ods` file's `content.xml`.
///
/// Repeat counts let a few bytes of XML stand for millions of cells, each holding a copy of
/// the cell's text, and `<text:s text:c="N"/>` for N spaces. This follows calamine 0.38's
/// reading: empty cells at the end of a row and empty rows before the first or after the last
/// filled row cost nothing; a filled row repeated N times is copied N times; empty rows
/// between filled ones become rows of empty cells as wide as the widest row.
fn ods_need(content: impl Read) -> u64 {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut need: u64 = 0;
    let mut sheet = OdsSheet::default();
    let mut row = OdsRow::default();
    let mut row_repeats = 1;
    loop {
        let (event, empty) = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return need.saturating_add(sheet.need()),
            Ok(Event::Start(e)) => (e.into_owned(), false),
            Ok(Event::Empty(e)) => (e.into_owned(), true),
            Ok(Event::End(e)) => {
                match e.name().as_ref() {
                    "table:table-row" => sheet.add(std::mem::take(&mut row), row_repeats),
                    "table:table" => need = need.saturating_add(std::mem::take(&mut sheet).need()),
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        buf.clear();
        let number = |name: &str| -> u64 {
            event
                .try_get_attribute(name)
                .ok()
                .flatten()
                .and_then(|a| a.value.trim().parse().ok())
                .unwrap_or(1)
        };
        match event.name().as_ref() {
            "table:table-row" if empty => {
                sheet.add(OdsRow::default(), number("table:number-rows-repeated"))
            }
            "table:table-row" => row_repeats = number("table:number-rows-repeated"),
            "table:table-cell" | "table:covered-table-cell" => {
                let repeats = number("table:number-columns-repeated");
                let mut filled = false;
                let mut text: u64 = 0;
                for attr in event.attributes().flatten() {
                    let key = attr.key.as_ref();
                    if key.starts_with("office:") && key.ends_with("value")
                        || key == "table:formula"
                    {
                        filled = true;
                        text = text.saturating_add(attr.value.len() as u64);
                    } else if key == "office:value-type" && &*attr.value == "string" {
                        filled = true;
                    }
                }
                if !empty {
                    text = text.saturating_add(cell_text(&mut xml));
                }
                row.add(repeats, filled, text);
            }
            _ => {}
        }
    }
}

/// The bytes of text in a cell's content, up to the end of the cell.
fn cell_text<R: std::io::BufRead>(xml: &mut quick_xml::Reader<R>) -> u64 {
    use quick_xml::events::Event;
    let mut buf = Vec::new();
    let mut text: u64 = 0;
    loop {
        let size = match xml.read_event_into(&mut buf) {
            Ok(Event::Text(t)) => t.len() as u64,
            Ok(Event::GeneralRef(_)) => 4,
            Ok(Event::Start(e) | Event::Empty(e)) if e.name().as_ref() == "text:s" => e
                .try_get_attribute("text:c")
                .ok()
                .flatten()
                .and_then(|a| a.value.trim().parse().ok())
                .unwrap_or(1),
            Ok(Event::Start(_) | Event::Empty(_)) => 1,
            Ok(Event::End(e))
                if matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                return text;
            }
            Ok(Event::Eof) | Err(_) => return text,
            Ok(_) => 0,
        };
        text = text.saturating_add(size);
        buf.clear();
    }
}

/// One `.ods` row as calamine stores it.
#[derive(Default)]
struct OdsRow {
    /// Cells stored, up to the last filled one.
    cells: u64,
    /// Their bytes.
    bytes: u64,
    /// Empty cells not stored yet: stored only if a filled cell follows them.
    pending: u64,
    filled: bool,
}

impl OdsRow {
    fn add(&mut self, repeats: u64, filled: bool, text: u64) {
        if !filled {
            self.pending = self.pending.saturating_add(repeats);
            return;
        }
        let room = ODS_MAX_COLUMNS.saturating_sub(self.cells);
        let empty = self.pending.min(room);
        let copies = repeats.min(room - empty);
        self.cells += empty + copies;
        self.bytes = self
            .bytes
            .saturating_add(empty * ODS_CELL)
            .saturating_add(copies.saturating_mul(ODS_CELL.saturating_add(text)));
        self.pending = 0;
        self.filled = true;
    }
}

/// One `.ods` sheet's running total.
#[derive(Default)]
struct OdsSheet {
    /// The rows as read.
    read: u64,
    /// The rows as copied into the sheet's grid.
    grid: u64,
    /// Empty rows after the last filled row: in the grid only if a filled row follows.
    pending_empty_rows: u64,
    empty_rows: u64,
    width: u64,
    seen_filled: bool,
}

impl OdsSheet {
    fn add(&mut self, row: OdsRow, repeats: u64) {
        self.read = self.read.saturating_add(row.bytes);
        if row.filled {
            if self.seen_filled {
                self.empty_rows = self.empty_rows.saturating_add(self.pending_empty_rows);
            }
            self.pending_empty_rows = 0;
            self.seen_filled = true;
            self.grid = self.grid.saturating_add(repeats.saturating_mul(row.bytes));
            self.width = self.width.max(row.cells);
        } else if self.seen_filled {
            self.pending_empty_rows = self.pending_empty_rows.saturating_add(repeats);
        }
    }

    fn need(&self) -> u64 {
        let empty = self.empty_rows.saturating_mul(self.width).saturating_mul(ODS_CELL);
        self.read.saturating_add(self.grid).saturating_add(empty)
    }
}

/// Checks an `.xls` file and returns a container holding only its checked `Workbook` stream.
pub(crate) fn xls(bytes: &[u8], limit: u64) -> Result<Vec<u8>> {
    let corrupt = |reason: String| -> Error { ErrorKind::Corrupt { format: "xls", reason }.into() };
    let mut container = crate::crypto::open_cfb(bytes).map_err(|e| corrupt(e.to_string()))?;
    // calamine reads the BIFF8 name, then the BIFF5 one.
    let name = ["Workbook", "Book"]
        .into_iter()
        .find(|name| container.is_stream(name))
        .ok_or_else(|| corrupt("it has no Workbook stream".into()))?;
    let mut stream = Vec::new();
    container
        .open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| corrupt(e.to_string()))?;
    let need = biff_need(&stream);
    if need > limit {
        return Err(over("a sheet's cell grid", need, limit));
    }
    // Version 3 (512-byte sectors): calamine refuses a version 4 container whose root entry
    // has no mini stream, which is what a version 4 container with one large stream has.
    let rebuild = || -> std::io::Result<Vec<u8>> {
        let out = Cursor::new(Vec::with_capacity(stream.len() + stream.len() / 64 + 4096));
        let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, out)?;
        out.create_stream(name)?.write_all(&stream)?;
        out.flush()?;
        Ok(out.into_inner().into_inner())
    };
    rebuild().map_err(|e| corrupt(e.to_string()))
}

fn over(part: &'static str, need_bytes: u64, limit_bytes: u64) -> Error {
    ErrorKind::OverLimit { part, need_bytes, limit_bytes }.into()
}

/// The bytes calamine would allocate for the sheets of a BIFF `Workbook` stream.
///
/// This follows calamine 0.38's `Xls::parse_workbook`: the sheets are found through the
/// `BoundSheet8` records of the globals substream, and each sheet is walked from its offset,
/// with `CONTINUE` records joined to the record before them and embedded substreams skipped.
/// Records calamine would refuse as too short are counted when they are long enough to carry
/// a position, so the figure can only be too high for a file calamine refuses anyway.
fn biff_need(stream: &[u8]) -> u64 {
    let mut offsets = Vec::new();
    for (typ, data) in Records(stream) {
        match typ {
            // BoundSheet8: the sheet's offset in the stream.
            0x0085 if data.len() >= 4 => offsets.push(u32_at(data, 0) as usize),
            // EOF of the globals.
            0x000A => break,
            _ => {}
        }
    }
    offsets
        .into_iter()
        .filter_map(|at| stream.get(at..))
        .fold(0u64, |need, sheet| need.saturating_add(sheet_need(sheet)))
}

/// The bytes calamine would allocate for one sheet.
fn sheet_need(sheet: &[u8]) -> u64 {
    let mut reserved: u64 = 0;
    let mut cells = Span::default();
    let mut formulas = Span::default();
    let mut formula_at = (0, 0);
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in Records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let at = |data: &[u8]| (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
        match typ {
            // BOF: the sheet's own, then those of embedded charts.
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => reserved = reserved.saturating_add(dimensions_cells(data)),
            // Number, Label, RString, BoolErr, Rk, LabelSst.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if data.len() >= 4 => {
                cells.add(at(data));
            }
            // String: the value of the formula before it.
            0x0207 => cells.add(formula_at),
            // MulRk: a row of 6-byte values from a first column.
            0x00BD if data.len() >= 6 => {
                let (row, first) = at(data);
                let count = (data.len() - 6).div_ceil(6) as u32;
                if count > 0 {
                    cells.add((row, first));
                    cells.add((row, first + count - 1));
                }
            }
            // Formula.
            0x0006 if data.len() >= 20 => {
                formula_at = at(data);
                cells.add(formula_at);
                formulas.add(formula_at);
            }
            0x000A => break,
            _ => {}
        }
    }
    reserved
        .saturating_mul(RESERVED_CELL)
        .saturating_add(cells.area().saturating_mul(GRID_CELL))
        .saturating_add(formulas.area().saturating_mul(FORMULA_CELL))
}

/// The cells calamine reserves for a `DIMENSIONS` record, with its (release build) arithmetic.
fn dimensions_cells(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    let (start, end) = if last_row >= 1 && last_col >= 1 {
        ((first_row, first_col), (last_row - 1, last_col - 1))
    } else {
        ((first_row, first_col), (first_row, first_col))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// The bounding box of cell positions.
#[derive(Default)]
struct Span {
    bounds: Option<((u32, u32), (u32, u32))>,
}

impl Span {
    fn add(&mut self, (row, col): (u32, u32)) {
        self.bounds = Some(match self.bounds {
            None => ((row, col), (row, col)),
            Some((low, high)) => {
                ((low.0.min(row), low.1.min(col)), (high.0.max(row), high.1.max(col)))
            }
        });
    }

    fn area(&self) -> u64 {
        self.bounds
            .map_or(0, |(low, high)| u64::from(high.0 - low.0 + 1) * u64::from(high.1 - low.1 + 1))
    }
}

/// BIFF records as calamine's `RecordIter` reads them: type and data, with the `CONTINUE`
/// records that follow a record skipped; ends at the first record that does not fit.
struct Records<'a>(&'a [u8]);

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let typ = u16_at(self.0, 0);
        let len = usize::from(u16_at(self.0, 2));
        if self.0.len() < 4 || self.0.len() < len + 4 {
            self.0 = &[];
            return None;
        }
        let (record, rest) = self.0.split_at(len + 4);
        self.0 = rest;
        while self.0.len() > 4 && u16_at(self.0, 0) == 0x003C {
            let len = usize::from(u16_at(self.0, 2));
            if self.0.len() < len + 4 {
                self.0 = &[];
                break;
            }
            self.0 = &self.0[len + 4..];
        }
        Some((typ, &record[4..]))
    }
}

/// The little-endian `u16` at `at`, 0 past the end.
fn u16_at(data: &[u8], at: usize) -> u16 {
    data.get(at..at + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

/// The little-endian `u32` at `at`, 0 past the end.
fn u32_at(data: &[u8], at: usize) -> u32 {
    data.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn dimensions(first_row: u32, last_row: u32, first_col: u16, last_col: u16) -> Vec<u8> {
        let mut data = first_row.to_le_bytes().to_vec();
        data.extend(last_row.to_le_bytes());
        data.extend(first_col.to_le_bytes());
        data.extend(last_col.to_le_bytes());
        data.extend([0, 0]);
        data
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend([0; 10]);
        record(0x0203, &data)
    }

    /// A globals substream pointing at one sheet made of `body`.
    fn workbook(body: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 5, 0]);
        let eof = record(0x000A, &[]);
        let sheet_at = (bof.len() + 4 + 6 + eof.len()) as u32;
        let mut bound = sheet_at.to_le_bytes().to_vec();
        bound.extend([0, 0]);
        let mut stream = [bof.clone(), record(0x0085, &bound), eof.clone()].concat();
        assert_eq!(stream.len(), sheet_at as usize);
        stream.extend(record(0x0809, &[0, 6, 0x10, 0]));
        for r in body {
            stream.extend(r);
        }
        stream.extend(eof);
        stream
    }

    #[test]
    fn dimensions_follow_calamines_arithmetic() {
        assert_eq!(dimensions_cells(&dimensions(0, 10, 0, 3)), 30);
        // An empty sheet declares nothing and gets one cell.
        assert_eq!(dimensions_cells(&dimensions(0, 0, 0, 0)), 1);
        // A first column past 0xFF counts from column 0.
        assert_eq!(dimensions_cells(&dimensions(0, 1, 300, 256)), 256);
        // A first row after the last wraps around to billions of rows.
        assert_eq!(dimensions_cells(&dimensions(5, 3, 0, 1)), u64::from(u32::MAX - 1));
        assert_eq!(dimensions_cells(&[0; 7]), 0);
    }

    #[test]
    fn a_sane_sheet_needs_little() {
        let body = [record(0x0200, &dimensions(0, 3, 0, 2)), number(0, 0), number(2, 1)];
        let need = biff_need(&workbook(&body));
        assert_eq!(need, 6 * RESERVED_CELL + 6 * GRID_CELL);
    }

    #[test]
    fn declared_or_spread_out_cells_are_counted() {
        let declared = [record(0x0200, &dimensions(0, u32::MAX, 0, 255))];
        assert!(biff_need(&workbook(&declared)) > 1 << 40);
        let spread = [number(0, 0), number(65535, 65535)];
        assert_eq!(biff_need(&workbook(&spread)), (1 << 32) * GRID_CELL);
    }

    #[test]
    fn continue_records_and_embedded_charts_are_skipped() {
        let body = [
            number(0, 0),
            // A CONTINUE holding what looks like a huge DIMENSIONS record.
            record(0x003C, &record(0x0200, &dimensions(0, u32::MAX, 0, 255))),
            // A chart substream with a far cell.
            record(0x0809, &[0, 6, 0x20, 0]),
            number(60000, 200),
            record(0x000A, &[]),
        ];
        assert_eq!(biff_need(&workbook(&body)), GRID_CELL);
    }

    #[test]
    fn truncated_streams_end_the_walk() {
        let mut stream = workbook(&[number(0, 0)]);
        stream.truncate(stream.len() - 3);
        assert_eq!(biff_need(&stream), GRID_CELL);
        assert_eq!(biff_need(&[0x85, 0, 200, 0]), 0);
    }

    fn ods(rows: &str) -> u64 {
        let xml = format!(
            "<office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"S\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        ods_need(xml.as_bytes())
    }

    #[test]
    fn ods_cells_are_counted_as_calamine_stores_them() {
        let cell = r#"<table:table-cell office:value-type="float" office:value="1"/>"#;
        let one = ODS_CELL + 1;
        assert_eq!(ods(&format!("<table:table-row>{cell}</table:table-row>")), 2 * one);
        // Trailing empty cells and rows cost nothing, as LibreOffice writes them.
        let trailing = r#"<table:table-cell table:number-columns-repeated="1023"/>"#;
        let empty_rows = r#"<table:table-row table:number-rows-repeated="1048575">
            <table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        let sheet = format!("<table:table-row>{cell}{trailing}</table:table-row>{empty_rows}");
        assert_eq!(ods(&sheet), 2 * one);
        // A filled row repeated is copied; empty rows between filled ones are stored.
        let repeated = format!(
            r#"<table:table-row table:number-rows-repeated="1000">{cell}</table:table-row>"#
        );
        assert_eq!(ods(&repeated), one + 1000 * one);
        let gap = format!("{repeated}{empty_rows}<table:table-row>{cell}</table:table-row>");
        assert_eq!(ods(&gap), 1001 * one + 2 * one + 1_048_575 * ODS_CELL);
    }

    #[test]
    fn ods_bombs_are_counted() {
        // One cell of text repeated across a row, the row repeated a million times.
        let wide = r#"<table:table-row table:number-rows-repeated="1000000">
            <table:table-cell table:number-columns-repeated="16384" office:value-type="string">
            <text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(ods(wide) > 1 << 40);
        // A cell of four billion spaces.
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string">
            <text:p><text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row>"#;
        assert!(ods(spaces) > 4_000_000_000);
    }

    #[test]
    fn unique_count_is_read_from_the_sst_element() {
        let xml = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount="12"><si/></sst>"#;
        assert_eq!(unique_count(&xml[..]), Some(12));
        assert_eq!(unique_count(&br#"<sst uniqueCount="many"/>"#[..]), None);
        assert_eq!(unique_count(&b"<other/>"[..]), None);
    }
}
