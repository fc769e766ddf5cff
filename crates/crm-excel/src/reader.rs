//! Reading workbooks (xlsx, xlsm, xlsb, xls, ods, incl. encrypted xlsx) and CSV into typed rows.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use calamine::{Reader as _, Sheets};

use crate::cell::Cell;
use crate::crypto::{self as decrypt, CFB_MAGIC, DecryptOptions, Encryption};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::guard;
use crate::header::normalize_header;
use crate::limit;
use crate::sheet::{Book, SheetStream};

/// The file formats this crate reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`), possibly encrypted.
    Xlsx,
    /// Binary workbook (`.xlsb`), possibly encrypted.
    Xlsb,
    /// Legacy Excel 97-2003 workbook (`.xls`).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Delimited text (`.csv`, `.tsv`, `.txt`).
    Csv,
}

impl Format {
    /// The format for a file name's extension, if it is one this crate reads.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xltx" | "xltm" => Some(Format::Xlsx),
            "xlsb" => Some(Format::Xlsb),
            "xls" | "xla" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

/// Which worksheet to read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SheetSelector {
    /// By 0-based position.
    Index(usize),
    /// By name (exact, then case-insensitive).
    Name(String),
}

/// Where the header row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderRow {
    /// The first row, among the first 20 non-empty ones, that holds only text, at least two
    /// values (unless the sheet is one column wide) and at least half as many values as the
    /// widest of those rows.
    /// Title rows such as `LAPORAN LEADS CABANG BEKASI` above the header are skipped.
    Auto,
    /// This 1-based row; the rows above it are counted ([`Reader::rows_above_header`]) and
    /// not read. An empty row there is [`ErrorKind::EmptyHeaderRow`], never the next row.
    Row(u64),
    /// No header: every row is data, and columns are named by their letter, `column_a`,
    /// `column_b`, ..., `column_z`, `column_aa`, ...
    None,
}

/// The name of a column without a header: `column_a` for column 0, `column_aa` for 26.
/// Lower case, so the name is its own [`normalize_header`] form and stays the same through
/// [`Aliases`](crate::Aliases) and [`Merger`](crate::Merger).
fn unnamed_column(index: u32) -> String {
    format!("column_{}", column_letter(index).to_ascii_lowercase())
}

/// [`ErrorKind::InvalidParameter`] for `HeaderRow::Row(0)`.
fn check_header(header: HeaderRow) -> Result<()> {
    if header == HeaderRow::Row(0) {
        return Err(ErrorKind::InvalidParameter {
            name: "header row",
            reason: "rows are numbered from 1".into(),
        }
        .into());
    }
    Ok(())
}

/// How many leading rows [`HeaderRow::Auto`] examines.
const HEADER_SCAN_ROWS: usize = 20;

/// Passwords to try on encrypted workbooks: a default list, and lists per file name.
///
/// File-specific passwords are tried first, then the defaults.
/// Passwords never appear in errors or `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Passwords {
    default: Vec<String>,
    per_file: HashMap<String, Vec<String>>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("default", &self.default.len())
            .field("per_file", &self.per_file.len())
            .finish()
    }
}

impl Passwords {
    /// No passwords.
    pub fn new() -> Passwords {
        Passwords::default()
    }

    /// Adds a password to try on every encrypted file.
    pub fn add(&mut self, password: &str) -> &mut Passwords {
        self.default.push(password.to_owned());
        self
    }

    /// Adds a password for one file, matched by file name (case-insensitive, any folder).
    pub fn add_for_file(&mut self, file_name: &str, password: &str) -> &mut Passwords {
        self.per_file.entry(file_name.to_lowercase()).or_default().push(password.to_owned());
        self
    }

    /// Adds the entries of a CSV file with the header `file,password`; a `*` file applies to
    /// every file.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the header is missing, naming the expected one.
    pub fn extend_from_csv<R: Read>(&mut self, rdr: R) -> Result<()> {
        let mut csv = csv::ReaderBuilder::new().from_reader(rdr);
        let headers = csv.headers()?.clone();
        let pos = |name: &str| headers.iter().position(|h| normalize_header(h) == name);
        let (Some(f), Some(p)) = (pos("file"), pos("password")) else {
            return Err(ErrorKind::InvalidConfig {
                what: "password",
                reason: "expected the header `file,password`".into(),
            }
            .into());
        };
        for record in csv.records() {
            let record = record?;
            let file = record.get(f).unwrap_or("").trim();
            let password = record.get(p).unwrap_or("");
            if file == "*" || file.is_empty() {
                self.add(password);
            } else {
                let name = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or(file);
                self.add_for_file(name, password);
            }
        }
        Ok(())
    }

    /// The passwords to try for a file, file-specific ones first.
    pub fn for_file(&self, path: &Path) -> Vec<&str> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_lowercase();
        let specific = self.per_file.get(&name).into_iter().flatten();
        specific.chain(&self.default).map(String::as_str).collect()
    }

    /// Whether no password was given at all.
    pub fn is_empty(&self) -> bool {
        self.default.is_empty() && self.per_file.is_empty()
    }
}

/// Configures and opens a [`Reader`].
///
/// ```no_run
/// use crm_excel::ReaderBuilder;
/// let mut reader = ReaderBuilder::new().sheet_name("Leads").password("rahasia").from_path("cabang.xlsx")?;
/// println!("{:?}", reader.headers());
/// for row in reader.rows() {
///     let row = row?;
///     println!("row {}: {:?}", row.number(), row.cells());
/// }
/// # Ok::<(), crm_excel::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ReaderBuilder {
    sheet: SheetSelector,
    header: HeaderRow,
    passwords: Passwords,
    delimiter: Option<u8>,
    infer_types: bool,
    max_unzipped_bytes: u64,
}

impl Default for ReaderBuilder {
    fn default() -> ReaderBuilder {
        ReaderBuilder::new()
    }
}

impl ReaderBuilder {
    /// A builder with the defaults: first sheet, automatic header row, no password, delimiter
    /// guessed, types inferred, 4 GiB limit on decompressed workbook parts.
    pub fn new() -> ReaderBuilder {
        ReaderBuilder {
            sheet: SheetSelector::Index(0),
            header: HeaderRow::Auto,
            passwords: Passwords::new(),
            delimiter: None,
            infer_types: true,
            max_unzipped_bytes: 4 << 30,
        }
    }

    /// Reads the sheet with this name. Default: the first sheet.
    pub fn sheet_name(&mut self, name: &str) -> &mut ReaderBuilder {
        self.sheet = SheetSelector::Name(name.to_owned());
        self
    }

    /// Reads the sheet at this 0-based position. Default: 0.
    pub fn sheet_index(&mut self, index: usize) -> &mut ReaderBuilder {
        self.sheet = SheetSelector::Index(index);
        self
    }

    /// Where the header row is. Default: [`HeaderRow::Auto`].
    pub fn header_row(&mut self, header: HeaderRow) -> &mut ReaderBuilder {
        self.header = header;
        self
    }

    /// Shorthand: `true` is [`HeaderRow::Auto`], `false` is [`HeaderRow::None`].
    pub fn has_headers(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.header = if yes { HeaderRow::Auto } else { HeaderRow::None };
        self
    }

    /// A password to try on encrypted workbooks. Default: none.
    pub fn password(&mut self, password: &str) -> &mut ReaderBuilder {
        self.passwords.add(password);
        self
    }

    /// Passwords to try on encrypted workbooks. Default: none.
    pub fn passwords(&mut self, passwords: Passwords) -> &mut ReaderBuilder {
        self.passwords = passwords;
        self
    }

    /// The field delimiter of delimited text.
    /// Default: tab for `.tsv`, otherwise guessed from the first line among `,` `;` `\t` `|`.
    pub fn delimiter(&mut self, delimiter: u8) -> &mut ReaderBuilder {
        self.delimiter = Some(delimiter);
        self
    }

    /// Whether text fields of CSV are typed with [`Cell::infer`]; when `false` every
    /// non-empty field is [`Cell::String`]. Default: `true`.
    pub fn infer_types(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.infer_types = yes;
        self
    }

    /// Refuses workbooks whose zip entries declare more than this many decompressed bytes in
    /// total (a guard against zip bombs), and workbooks that declare sizes that would make the
    /// parser allocate more than this many bytes ([`ErrorKind::OverLimit`]: an `.xls` sheet of
    /// billions of cells, an `.xlsx` table of billions of shared strings, an `.ods` sheet whose
    /// repeat counts stand for billions of cells). Default: 4 GiB.
    pub fn max_unzipped_bytes(&mut self, limit: u64) -> &mut ReaderBuilder {
        self.max_unzipped_bytes = limit;
        self
    }

    /// Opens a file, choosing the format by its first bytes and extension.
    ///
    /// # Errors
    /// I/O errors, [`ErrorKind::PasswordRequired`], [`ErrorKind::WrongPassword`],
    /// [`ErrorKind::SheetNotFound`], [`ErrorKind::NoHeader`], [`ErrorKind::Corrupt`], ...,
    /// each with the file (and sheet) in its position.
    pub fn from_path(&self, path: impl AsRef<Path>) -> Result<Reader> {
        let path = path.as_ref();
        self.open_path(path).map_err(|e| e.in_file(path))
    }

    fn open_path(&self, path: &Path) -> Result<Reader> {
        let mut file = File::open(path)?;
        let mut magic = [0u8; 8];
        let n = read_up_to(&mut file, &mut magic)?;
        file.rewind()?;
        if is_workbook_magic(&magic[..n]) {
            let book = Workbook::open_path(path, &self.passwords, self.max_unzipped_bytes)?;
            return self.from_workbook(book);
        }
        match Format::from_path(path) {
            Some(Format::Csv) | None if looks_like_text(&magic[..n]) || n == 0 => {
                let delimiter = self.delimiter.or_else(|| {
                    let tsv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
                    tsv.then_some(b'\t')
                });
                let mut builder = self.clone();
                builder.delimiter = delimiter;
                builder.from_csv_reader(BufReader::with_capacity(1 << 16, file)).map(|mut r| {
                    r.position.file = Some(path.to_path_buf());
                    r
                })
            }
            Some(format) => Err(ErrorKind::Corrupt {
                format: format.name(),
                reason: "the file does not start like one".into(),
            }
            .into()),
            None => Err(ErrorKind::UnknownFormat.into()),
        }
    }

    /// Reads delimited text from any reader; the whole input is streamed.
    ///
    /// # Errors
    /// I/O and CSV errors, [`ErrorKind::NoHeader`] for input with no rows when a header is
    /// expected.
    pub fn from_csv_reader<R: Read + Send + 'static>(&self, rdr: R) -> Result<Reader> {
        CsvSource::open(Box::new(rdr), self)
    }

    /// Reads a sheet of an opened [`Workbook`].
    ///
    /// # Errors
    /// [`ErrorKind::SheetNotFound`], [`ErrorKind::SheetIndexOutOfRange`],
    /// [`ErrorKind::NoHeader`] and [`ErrorKind::Corrupt`] for damaged sheets.
    pub fn from_workbook(&self, mut book: Workbook) -> Result<Reader> {
        book.sheet(&self.sheet, self.header)
    }
}

fn read_up_to<R: Read>(rdr: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match rdr.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn is_workbook_magic(magic: &[u8]) -> bool {
    magic.starts_with(b"PK\x03\x04") || magic.starts_with(&CFB_MAGIC)
}

/// Text files have no NUL bytes at their start (UTF-16 is not supported).
fn looks_like_text(magic: &[u8]) -> bool {
    !magic.contains(&0)
}

/// An opened workbook: its sheet names and a way to read any of them.
///
/// Encrypted workbooks are decrypted in memory when opened.
pub struct Workbook {
    path: Option<PathBuf>,
    /// The (decrypted) file, shared with the parser threads.
    bytes: Arc<[u8]>,
    format: Format,
    book: Slot,
    names: Vec<String>,
    encrypted: bool,
}

/// Where the parsed workbook is: here, or lent to the thread reading a sheet.
enum Slot {
    Here(Box<Book>),
    Lent(mpsc::Receiver<Book>),
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbook")
            .field("path", &self.path)
            .field("sheets", &self.names)
            .field("encrypted", &self.encrypted)
            .finish()
    }
}

impl Workbook {
    /// Opens a workbook file, decrypting it with the first matching password if it is
    /// encrypted.
    ///
    /// # Errors
    /// As [`ReaderBuilder::from_path`]; the error names the file.
    pub fn open(path: impl AsRef<Path>, passwords: &Passwords) -> Result<Workbook> {
        let path = path.as_ref();
        Workbook::open_path(path, passwords, 4 << 30).map_err(|e| e.in_file(path))
    }

    fn open_path(path: &Path, passwords: &Passwords, max_unzipped: u64) -> Result<Workbook> {
        let bytes = std::fs::read(path)?;
        let mut book = Workbook::from_bytes(
            bytes,
            Format::from_path(path),
            &passwords.for_file(path),
            max_unzipped,
        )?;
        book.path = Some(path.to_path_buf());
        Ok(book)
    }

    /// Opens a workbook held in memory. `format` disambiguates zip-based formats when the
    /// content alone does not (pass `None` to sniff).
    ///
    /// # Errors
    /// As [`ReaderBuilder::from_path`], without a file name.
    pub fn from_bytes(
        bytes: Vec<u8>,
        format: Option<Format>,
        passwords: &[&str],
        max_unzipped: u64,
    ) -> Result<Workbook> {
        let (bytes, encrypted) = if bytes.starts_with(&CFB_MAGIC) {
            let scheme = match decrypt::open_cfb(&bytes) {
                Ok(mut container) => decrypt::encryption_in(&mut container),
                // Both an `.xls` and an encrypted `.xlsx` are compound files: name the one
                // the file name says, not always `.xls`.
                Err(e) => {
                    let format = match format {
                        Some(Format::Xls) => "xls",
                        Some(Format::Xlsx | Format::Xlsb) => decrypt::ENCRYPTED_PACKAGE,
                        _ => "OLE/CFB container (an .xls or an encrypted Office package)",
                    };
                    return Err(ErrorKind::Corrupt { format, reason: e.to_string() }.into());
                }
            };
            match scheme {
                Encryption::None => (bytes, false),
                Encryption::LegacyXls => {
                    return Err(ErrorKind::UnsupportedEncryption {
                        scheme: "legacy .xls encryption (XOR / RC4); save the file as .xlsx".into(),
                    }
                    .into());
                }
                Encryption::Extensible => {
                    return Err(ErrorKind::UnsupportedEncryption {
                        scheme: "ECMA-376 Extensible encryption".into(),
                    }
                    .into());
                }
                _ if passwords.is_empty() => return Err(ErrorKind::PasswordRequired.into()),
                _ => (decrypt::decrypt_with(&bytes, passwords, &DecryptOptions::default())?, true),
            }
        } else {
            (bytes, false)
        };
        let (bytes, format) = if bytes.starts_with(&CFB_MAGIC) {
            (limit::xls(&bytes, max_unzipped)?, Format::Xls)
        } else if bytes.starts_with(b"PK\x03\x04") {
            limit::zip(&bytes, max_unzipped)?;
            let format = sniff_zip(&bytes)
                .or(format.filter(|f| *f != Format::Csv && *f != Format::Xls))
                .unwrap_or(Format::Xlsx);
            (bytes, format)
        } else {
            return Err(ErrorKind::UnknownFormat.into());
        };
        let bytes: Arc<[u8]> = bytes.into();
        let book = open_book(&bytes, format)?;
        let names = book.sheet_names();
        Ok(Workbook {
            path: None,
            bytes,
            format,
            book: Slot::Here(Box::new(book)),
            names,
            encrypted,
        })
    }

    /// The names of the worksheets, in workbook order.
    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    /// Whether the file was encrypted (and decrypted on opening).
    pub fn was_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The file this workbook was opened from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn resolve_sheet(&self, selector: &SheetSelector) -> Result<String> {
        match selector {
            SheetSelector::Index(i) => self.names.get(*i).cloned().ok_or_else(|| {
                ErrorKind::SheetIndexOutOfRange { index: *i, count: self.names.len() }.into()
            }),
            SheetSelector::Name(name) => self
                .names
                .iter()
                .find(|n| *n == name)
                .or_else(|| self.names.iter().find(|n| n.eq_ignore_ascii_case(name)))
                .cloned()
                .ok_or_else(|| {
                    ErrorKind::SheetNotFound {
                        name: name.clone(),
                        available: self.names.join(", "),
                    }
                    .into()
                }),
        }
    }

    /// Reads one sheet with the given header row setting.
    ///
    /// The sheet is parsed on a background thread while its rows are consumed; dropping the
    /// reader stops that thread and waits for it. Reading another sheet after the reader is
    /// dropped reuses the parsed workbook; while a reader is still open it works but parses
    /// the workbook again.
    ///
    /// # Errors
    /// As [`ReaderBuilder::from_workbook`].
    pub fn sheet(&mut self, selector: &SheetSelector, header: HeaderRow) -> Result<Reader> {
        // A sheet that is not there is named with its workbook: a merge of many files must
        // say which one lacks it.
        let name = self.resolve_sheet(selector).map_err(|e| match &self.path {
            Some(p) => e.in_file(p),
            None => e,
        })?;
        let with_pos = |e: Error, path: &Option<PathBuf>| match path {
            Some(p) => e.in_sheet(&name).in_file(p),
            None => e.in_sheet(&name),
        };
        let book = self.take_book().map_err(|e| with_pos(e, &self.path))?;
        let (give_back, returned) = mpsc::channel();
        self.book = Slot::Lent(returned);
        let stream = SheetStream::spawn(book, name.clone(), self.format.name(), give_back);
        let mut reader =
            Reader::from_stream(stream, header).map_err(|e| with_pos(e, &self.path))?;
        reader.position =
            Position { file: self.path.clone(), sheet: Some(name), row: None, column: None };
        Ok(reader)
    }

    /// The parsed workbook: back from the last sheet's thread if it is done, parsed again
    /// otherwise (a reader of another sheet is still open).
    fn take_book(&mut self) -> Result<Book> {
        let taken = std::mem::replace(&mut self.book, Slot::Lent(mpsc::channel().1));
        match taken {
            Slot::Here(book) => Ok(*book),
            Slot::Lent(rx) => match rx.try_recv() {
                Ok(book) => Ok(book),
                Err(_) => open_book(&self.bytes, self.format),
            },
        }
    }
}

/// Parses a workbook's structure (sheets, shared strings, styles) with calamine.
fn open_book(bytes: &Arc<[u8]>, format: Format) -> Result<Book> {
    let corrupt =
        |e: String| -> Error { ErrorKind::Corrupt { format: format.name(), reason: e }.into() };
    let cursor = Cursor::new(Arc::clone(bytes));
    guard::parse(format.name(), || {
        Ok(match format {
            Format::Xlsx => {
                Sheets::Xlsx(calamine::Xlsx::new(cursor).map_err(|e| corrupt(e.to_string()))?)
            }
            Format::Xlsb => {
                Sheets::Xlsb(calamine::Xlsb::new(cursor).map_err(|e| corrupt(e.to_string()))?)
            }
            Format::Ods => {
                Sheets::Ods(calamine::Ods::new(cursor).map_err(|e| corrupt(e.to_string()))?)
            }
            Format::Xls | Format::Csv => {
                Sheets::Xls(calamine::Xls::new(cursor).map_err(|e| corrupt(e.to_string()))?)
            }
        })
    })
}

/// Tells xlsx, xlsb and ods apart by the names inside the zip.
fn sniff_zip(bytes: &[u8]) -> Option<Format> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let has = |name: &[u8]| archive.file_names_raw().any(|n| n == name);
    if has(b"xl/workbook.bin") {
        Some(Format::Xlsb)
    } else if has(b"xl/workbook.xml") {
        Some(Format::Xlsx)
    } else if has(b"content.xml") {
        Some(Format::Ods)
    } else {
        None
    }
}

/// The letters of a 0-based column index: 0 → `A`, 27 → `AB`.
pub fn column_letter(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One data row of a sheet or delimited file.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    number: u64,
    cells: Vec<Cell>,
    stray: Vec<(String, Cell)>,
}

impl Row {
    /// Builds a row (for tests and callers assembling rows themselves).
    pub fn new(number: u64, cells: Vec<Cell>) -> Row {
        Row { number, cells, stray: Vec::new() }
    }

    /// The 1-based row number in the sheet, or the line number in a text file.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The cells, one per header column (missing cells are [`Cell::Empty`]).
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// Consumes the row and returns its cells.
    pub fn into_cells(self) -> Vec<Cell> {
        self.cells
    }

    /// The cell of a column, by index.
    pub fn get(&self, index: usize) -> Option<&Cell> {
        self.cells.get(index)
    }

    /// Non-empty values outside the header's columns (a ragged row), with the column each
    /// was in (a letter for workbooks, a 1-based field number for text).
    pub fn stray_cells(&self) -> &[(String, Cell)] {
        &self.stray
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty) && self.stray.is_empty()
    }
}

/// Rows another reader produced ([`Reader::from_rows`]).
type RowIter = Box<dyn Iterator<Item = Result<Row>> + Send>;

enum Source {
    /// A workbook sheet and the column its header starts at.
    Sheet(Box<SheetStream>, u32),
    Csv(Box<CsvSource>),
    Rows(RowIter),
}

/// A sheet or delimited file opened for reading: its headers and then its rows.
///
/// Workbook sheets are loaded when opened (a sheet holds at most 1,048,576 rows);
/// delimited text is streamed, so files of any size read in constant memory.
pub struct Reader {
    headers: Vec<String>,
    header_row: Option<u64>,
    rows_above_header: usize,
    source: Source,
    position: Position,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("headers", &self.headers)
            .field("position", &self.position)
            .finish()
    }
}

impl Reader {
    fn from_stream(mut stream: SheetStream, header: HeaderRow) -> Result<Reader> {
        check_header(header)?;
        let mut rows_above_header = 0;
        let (headers, header_row, first_col) = match header {
            HeaderRow::None => {
                let ahead = stream.peek(HEADER_SCAN_ROWS)?;
                let seen: Vec<(u32, u32)> =
                    ahead.iter().filter_map(|(_, c)| Some((c.first()?.0, c.last()?.0))).collect();
                let empty = ahead.is_empty();
                let (first, last) = match stream.declared_columns() {
                    Some(cols) => cols,
                    None => (
                        seen.iter().map(|c| c.0).min().unwrap_or(0),
                        seen.iter().map(|c| c.1).max().unwrap_or(0),
                    ),
                };
                let headers =
                    if empty { Vec::new() } else { (first..=last).map(unnamed_column).collect() };
                (headers, None, first)
            }
            HeaderRow::Row(n) => {
                // Read up to the header row; rows above it are not data.
                loop {
                    let ahead = stream.peek(1)?;
                    match ahead.front() {
                        Some((r, _)) if u64::from(*r) + 1 < n => {
                            stream.skip_ahead(1);
                            rows_above_header += 1;
                        }
                        Some((r, cells)) if u64::from(*r) + 1 == n => {
                            let (headers, first) = header_names(cells);
                            stream.skip_ahead(1);
                            break (headers, Some(n), first);
                        }
                        // A sheet stores no empty rows: row `n` is empty or past the end.
                        _ => return Err(ErrorKind::EmptyHeaderRow { row: n }.into()),
                    }
                }
            }
            HeaderRow::Auto => {
                let ahead = stream.peek(HEADER_SCAN_ROWS)?;
                let idx = detect_header(ahead.iter().map(|(_, c)| c.as_slice()))
                    .ok_or(ErrorKind::NoHeader { scanned: ahead.len() })?;
                let (headers, first) = header_names(&ahead[idx].1);
                let row = u64::from(ahead[idx].0) + 1;
                // Rows above and including the header are not data; those above are counted.
                stream.skip_ahead(idx + 1);
                rows_above_header = idx;
                (headers, Some(row), first)
            }
        };
        Ok(Reader {
            headers,
            header_row,
            rows_above_header,
            source: Source::Sheet(Box::new(stream), first_col),
            position: Position::default(),
        })
    }

    /// A reader over rows that another source produced: a Parquet file decoded by
    /// crm-arrow, a database cursor. The rows keep the numbers they come with; each is cut or
    /// padded to the headers' width (cells beyond it become [`Row::stray_cells`], named by
    /// their 1-based field number). Errors the rows carry are returned as they are, with the
    /// file named once [`with_file`](Self::with_file) has set it.
    ///
    /// ```
    /// use crm_excel::{Cell, Reader, Row};
    /// let rows = vec![Ok(Row::new(1, vec![Cell::from("C1"), Cell::Int(250_000)]))];
    /// let mut reader = Reader::from_rows(vec!["customer".into(), "amount".into()], rows)
    ///     .with_file("tx.parquet");
    /// assert_eq!(reader.column_index("Customer")?, 0);
    /// let row = reader.rows().next().unwrap()?;
    /// assert_eq!(row.cells()[1], Cell::Int(250_000));
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    pub fn from_rows<I>(headers: Vec<String>, rows: I) -> Reader
    where
        I: IntoIterator<Item = Result<Row>>,
        I::IntoIter: Send + 'static,
    {
        Reader {
            headers,
            header_row: None,
            rows_above_header: 0,
            source: Source::Rows(Box::new(rows.into_iter())),
            position: Position::default(),
        }
    }

    /// Names the file this reader reads in its [`position`](Self::position) and in the
    /// errors its rows give (for a reader made with [`from_rows`](Self::from_rows) or
    /// [`ReaderBuilder::from_csv_reader`], which know no file; `-` for standard input).
    pub fn with_file(mut self, path: impl AsRef<Path>) -> Reader {
        self.position.file = Some(path.as_ref().to_path_buf());
        self
    }

    /// The column names, as written in the header (trimmed; blanks become `column_x`,
    /// repeats get `_2`, `_3`, ...).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The 1-based row (or line) of the header, if there is one.
    pub fn header_row(&self) -> Option<u64> {
        self.header_row
    }

    /// How many rows with values above the header row were passed over, not read as data:
    /// title rows that [`HeaderRow::Auto`] skipped, or the rows above a [`HeaderRow::Row`].
    /// Blank rows are not counted, for workbooks (which do not store them) and text alike.
    pub fn rows_above_header(&self) -> usize {
        self.rows_above_header
    }

    /// The file and sheet being read.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// The index of a column by name: exact match first, then by normalised name.
    ///
    /// # Errors
    /// [`ErrorKind::MissingColumn`] listing the columns that exist.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        column_index(&self.headers, name)
    }

    /// The data rows. Rows with no value at all in a workbook are not returned (they do not
    /// exist in the file); blank lines of text are returned as blank rows.
    pub fn rows(&mut self) -> Rows<'_> {
        Rows { reader: self }
    }

    fn next_row(&mut self) -> Option<Result<Row>> {
        let width = self.headers.len();
        match &mut self.source {
            Source::Sheet(stream, first_col) => {
                let (r, cells) = match stream.next_row()? {
                    Ok(row) => row,
                    Err(e) => {
                        let e = match (&self.position.file, &self.position.sheet) {
                            (Some(f), Some(s)) => e.in_sheet(s).in_file(f),
                            _ => e,
                        };
                        return Some(Err(e));
                    }
                };
                let mut row = Row {
                    number: u64::from(r) + 1,
                    cells: vec![Cell::Empty; width],
                    stray: Vec::new(),
                };
                for (c, cell) in cells {
                    let idx = c.checked_sub(*first_col).map(|i| i as usize).filter(|&i| i < width);
                    match idx {
                        Some(i) => row.cells[i] = cell,
                        None => row.stray.push((column_letter(c), cell)),
                    }
                }
                Some(Ok(row))
            }
            Source::Csv(csv) => {
                let file = self.position.file.clone();
                csv.next_row(width).map(|r| {
                    r.map_err(|e| match &file {
                        Some(f) => e.in_file(f),
                        None => e,
                    })
                })
            }
            Source::Rows(rows) => match rows.next()? {
                Ok(mut row) => {
                    if row.cells.len() > width {
                        let extra = row.cells.split_off(width);
                        let stray = extra
                            .into_iter()
                            .enumerate()
                            .filter(|(_, c)| !c.is_empty())
                            .map(|(k, c)| ((width + k + 1).to_string(), c));
                        row.stray.extend(stray);
                    }
                    row.cells.resize(width, Cell::Empty);
                    Some(Ok(row))
                }
                Err(e) => Some(Err(match &self.position.file {
                    Some(f) => e.in_file(f),
                    None => e,
                })),
            },
        }
    }

    /// Deserializes each row into `T`, matching struct fields to header names.
    ///
    /// Values go through their text form (dates as `YYYY-MM-DD`), so `String` fields keep
    /// identifiers exactly and numeric fields parse numbers.
    ///
    /// ```
    /// use crm_excel::ReaderBuilder;
    /// #[derive(serde::Deserialize)]
    /// struct Lead { name: String, phone: String, plafon: Option<u64> }
    /// let csv = "name,phone,plafon\nBudi,0812345678,15000000\nSiti,0813,\n";
    /// let mut reader = ReaderBuilder::new().from_csv_reader(std::io::Cursor::new(csv))?;
    /// let leads: Vec<Lead> = reader.deserialize().collect::<Result<_, _>>()?;
    /// assert_eq!(leads[0].phone, "0812345678");
    /// assert_eq!(leads[1].plafon, None);
    /// # Ok::<(), crm_excel::Error>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn deserialize<T: serde::de::DeserializeOwned>(&mut self) -> Deserialize<'_, T> {
        let headers = csv::StringRecord::from(self.headers.clone());
        Deserialize { reader: self, headers, _marker: std::marker::PhantomData }
    }

    /// Reads every remaining row into memory.
    ///
    /// # Errors
    /// The first error a row gives.
    pub fn read_all(&mut self) -> Result<Vec<Row>> {
        self.rows().collect()
    }
}

/// The index of the column `name` in `headers`, by the rule every crm-rs crate matches
/// columns with: the exact name first, then the first header with the same
/// [`normalize_header`] form (`No. HP` finds `no_hp`).
///
/// ```
/// use crm_excel::column_index;
/// let headers = ["Customer ID", "Tgl Transaksi", "Nilai"];
/// assert_eq!(column_index(&headers, "customer_id")?, 0);
/// assert_eq!(column_index(&headers, "tgl-transaksi")?, 1);
/// assert_eq!(
///     column_index(&headers, "amount").unwrap_err().to_string(),
///     "no column named \"amount\" (columns: Customer ID, Tgl Transaksi, Nilai)"
/// );
/// # Ok::<(), crm_excel::Error>(())
/// ```
///
/// # Errors
/// [`ErrorKind::MissingColumn`] listing the columns that exist ([`column_list`](crate::column_list): masked
/// where a header looks like personal data).
pub fn column_index<S: AsRef<str>>(headers: &[S], name: &str) -> Result<usize> {
    crm_core::find_column(headers, name).ok_or_else(|| {
        ErrorKind::MissingColumn {
            name: name.to_owned(),
            available: crate::header::masked_columns(headers),
        }
        .into()
    })
}

/// Iterator over the rows of a [`Reader`].
#[derive(Debug)]
pub struct Rows<'r> {
    reader: &'r mut Reader,
}

impl Iterator for Rows<'_> {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        self.reader.next_row()
    }
}

/// Iterator returned by [`Reader::deserialize`].
#[cfg(feature = "serde")]
#[derive(Debug)]
pub struct Deserialize<'r, T> {
    reader: &'r mut Reader,
    headers: csv::StringRecord,
    _marker: std::marker::PhantomData<fn() -> T>,
}

#[cfg(feature = "serde")]
impl<T: serde::de::DeserializeOwned> Iterator for Deserialize<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let row = match self.reader.next_row()? {
            Ok(row) => row,
            Err(e) => return Some(Err(e)),
        };
        let record: csv::StringRecord = row.cells.iter().map(|c| c.to_text()).collect();
        Some(record.deserialize::<T>(Some(&self.headers)).map_err(|e| {
            let (field, message) = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => (err.field(), err.kind().to_string()),
                other => (None, format!("{other:?}")),
            };
            let column = field.and_then(|i| self.headers.get(i as usize)).map(str::to_owned);
            let mut err = Error::new(ErrorKind::Deserialize { message }).at_row(row.number);
            if let Some(column) = column {
                err = err.at_column(&column);
            }
            if let Some(file) = &self.reader.position.file {
                err = err.in_file(file);
            }
            if let Some(sheet) = &self.reader.position.sheet {
                err = err.in_sheet(sheet);
            }
            err
        }))
    }
}

/// Picks the header row among the first rows (see [`HeaderRow::Auto`]).
fn detect_header<'a>(rows: impl Iterator<Item = &'a [(u32, Cell)]> + Clone) -> Option<usize> {
    let widest = rows.clone().map(<[_]>::len).max()?;
    rows.enumerate()
        .find(|(_, cells)| {
            let all_text = cells.iter().all(|(_, c)| matches!(c, Cell::String(_)));
            let n = cells.len();
            all_text && (n >= 2 || widest == 1) && n * 2 >= widest
        })
        .map(|(i, _)| i)
}

/// Header names from a header row's cells, and the first column they start at.
fn header_names(cells: &[(u32, Cell)]) -> (Vec<String>, u32) {
    let Some(first) = cells.first().map(|c| c.0) else { return (Vec::new(), 0) };
    let last = cells.last().map_or(first, |c| c.0);
    let mut names = vec![String::new(); (last - first + 1) as usize];
    for (c, cell) in cells {
        names[(c - first) as usize] = cell.to_text().trim().to_owned();
    }
    for (i, name) in names.iter_mut().enumerate() {
        if name.is_empty() {
            *name = unnamed_column(first + i as u32);
        }
    }
    (dedupe_names(names), first)
}

/// Makes names unique by suffixing repeats with `_2`, `_3`, ...
pub(crate) fn dedupe_names(names: Vec<String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .into_iter()
        .map(|name| {
            let count = seen.entry(name.clone()).or_insert(0);
            *count += 1;
            if *count == 1 { name } else { format!("{name}_{count}") }
        })
        .collect()
}

/// Streaming reader of delimited text.
struct CsvSource {
    csv: csv::Reader<Tally<Box<dyn Read + Send>>>,
    /// The bytes read so far and the last of them (see [`CsvSource::next_raw_text`]).
    tally: Arc<Mutex<(u64, u8)>>,
    record: csv::ByteRecord,
    infer: bool,
    first_row: bool,
    pending: Option<Row>,
}

impl CsvSource {
    fn open(mut rdr: Box<dyn Read + Send>, builder: &ReaderBuilder) -> Result<Reader> {
        let delimiter = match builder.delimiter {
            Some(d) => d,
            None => {
                // Peek at the first line to guess the delimiter, then chain it back.
                let mut head = Vec::with_capacity(4096);
                rdr.by_ref().take(4096).read_to_end(&mut head)?;
                let d = guess_delimiter(&head);
                rdr = Box::new(Cursor::new(head).chain(rdr));
                d
            }
        };
        // Records end at `\n` and a trailing `\r` is stripped from the last field: with the
        // CRLF terminator, csv 1.4 reports the line of the previous record
        // (https://github.com/BurntSushi/rust-csv/issues/395), and row numbers must be right.
        let tally = Arc::new(Mutex::new((0, 0)));
        let csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(Tally { inner: rdr, seen: Arc::clone(&tally) });
        let mut src = CsvSource {
            csv,
            tally,
            record: csv::ByteRecord::new(),
            infer: builder.infer_types,
            first_row: true,
            pending: None,
        };
        check_header(builder.header)?;
        let mut headers = Vec::new();
        let mut header_row = None;
        let mut rows_above_header = 0;
        match builder.header {
            HeaderRow::None => {
                // Peek the first row to know the width.
                if let Some(row) = src.next_row(0).transpose()? {
                    headers = (0..row.stray.len() as u32).map(unnamed_column).collect();
                    src.pending = Some(Row {
                        number: row.number,
                        cells: row.stray.into_iter().map(|(_, c)| c).collect(),
                        stray: Vec::new(),
                    });
                }
            }
            HeaderRow::Auto | HeaderRow::Row(_) => {
                let wanted = match builder.header {
                    HeaderRow::Row(n) => Some(n),
                    _ => None,
                };
                loop {
                    let Some(row) = src.next_raw_text()? else {
                        return Err(match wanted {
                            Some(row) => ErrorKind::EmptyHeaderRow { row },
                            None => ErrorKind::NoHeader { scanned: 0 },
                        }
                        .into());
                    };
                    let (line, fields) = row;
                    let blank = fields.iter().all(|f| f.trim().is_empty());
                    let take = match wanted {
                        // The csv parser skips empty lines: a record past line `n` means
                        // line `n` was empty, and the next record is not the header.
                        Some(n) if line > n || (line == n && blank) => {
                            return Err(ErrorKind::EmptyHeaderRow { row: n }.into());
                        }
                        Some(n) => line == n,
                        None => !blank,
                    };
                    if !take {
                        rows_above_header += usize::from(!blank);
                    } else {
                        let names: Vec<String> = fields
                            .iter()
                            .enumerate()
                            .map(|(i, f)| {
                                let t = f.trim();
                                if t.is_empty() { unnamed_column(i as u32) } else { t.to_owned() }
                            })
                            .collect();
                        headers = dedupe_names(names);
                        header_row = Some(line);
                        break;
                    }
                }
            }
        }
        Ok(Reader {
            headers,
            header_row,
            rows_above_header,
            source: Source::Csv(Box::new(src)),
            position: Position::default(),
        })
    }

    /// The next record as decoded text fields, with its line number.
    ///
    /// The line is counted back from the end of the record, because the start csv 1.4 gives
    /// is where it began reading: before the empty lines it skipped, so every record after
    /// an empty line of an LF file had the number of a line above it. A record spans the
    /// line breaks inside its quoted fields and its terminator, which only the last record
    /// of the input can lack (when the input does not end with a line break).
    fn next_raw_text(&mut self) -> Result<Option<(u64, Vec<String>)>> {
        if !self.csv.read_byte_record(&mut self.record)? {
            return Ok(None);
        }
        let end = self.csv.position();
        let inner_breaks: usize =
            self.record.iter().map(|f| memchr::memchr_iter(b'\n', f).count()).sum();
        let (n_read, last_read) = *self.tally.lock().unwrap_or_else(|e| e.into_inner());
        let unterminated = end.byte() == n_read && last_read != b'\n';
        let spanned = inner_breaks as u64 + u64::from(!unterminated);
        let line = end.line().saturating_sub(spanned).max(1);
        let strip_bom = std::mem::take(&mut self.first_row);
        let last = self.record.len().saturating_sub(1);
        let fields = self
            .record
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let f = if strip_bom && i == 0 {
                    f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
                } else {
                    f
                };
                // The `\r` of a CRLF line end (see the terminator above).
                let f = if i == last { f.strip_suffix(b"\r").unwrap_or(f) } else { f };
                decode(f)
            })
            .collect();
        Ok(Some((line, fields)))
    }

    fn next_row(&mut self, width: usize) -> Option<Result<Row>> {
        if let Some(row) = self.pending.take() {
            return Some(Ok(row));
        }
        let (line, fields) = match self.next_raw_text() {
            Ok(Some(x)) => x,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let mut cells = Vec::with_capacity(width.max(fields.len()));
        let mut stray = Vec::new();
        for (i, text) in fields.into_iter().enumerate() {
            let cell = if self.infer {
                Cell::infer(&text)
            } else if text.is_empty() {
                Cell::Empty
            } else {
                Cell::String(text)
            };
            if i < width {
                cells.push(cell);
            } else if !cell.is_empty() || width == 0 {
                stray.push(((i + 1).to_string(), cell));
            }
        }
        cells.resize(width, Cell::Empty);
        Some(Ok(Row { number: line, cells, stray }))
    }
}

/// A reader that counts the bytes read through it and keeps the last one.
struct Tally<R> {
    inner: R,
    // Shared with the reader, which asks where the text ended; a Mutex rather than an Rc
    // so that a `Reader` can move to another thread (the lock is taken once per buffer).
    seen: Arc<Mutex<(u64, u8)>>,
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(&last) = buf[..n].last() {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            *seen = (seen.0 + n as u64, last);
        }
        Ok(n)
    }
}

/// UTF-8 when valid, else Windows-1252 (which every byte sequence decodes as).
pub(crate) fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The most frequent of `,` `;` `\t` `|` in the first line (comma on a tie or none).
fn guess_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let mut best = (0usize, b',');
    for d in [b',', b';', b'\t', b'|'] {
        let n = memchr::memchr_iter(d, line).count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dropped reader has joined its parser, so the parsed workbook is back for the next
    /// sheet (it is not parsed again), even when the reader stopped after one row.
    #[test]
    fn a_dropped_reader_gives_the_workbook_back() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/branches/two-sheets.xlsx");
        let mut book =
            Workbook::from_bytes(std::fs::read(path).unwrap(), None, &[], 1 << 30).unwrap();
        for sheet in [0, 1, 0] {
            let mut reader = book.sheet(&SheetSelector::Index(sheet), HeaderRow::Auto).unwrap();
            assert!(reader.rows().next().is_some());
            drop(reader);
            let Slot::Lent(returned) = &book.book else { panic!("the book is lent out") };
            let back = returned.try_recv().expect("the parser has ended and sent the book");
            book.book = Slot::Here(Box::new(back));
        }
    }

    fn grid(rows: &[&[&str]]) -> SheetStream {
        let mut out: Vec<crate::sheet::SheetRow> = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let cells: Vec<(u32, Cell)> = row
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(|(c, v)| (c as u32, Cell::infer(v)))
                .collect();
            if !cells.is_empty() {
                out.push((r as u32, cells));
            }
        }
        SheetStream::from_rows(out)
    }

    #[test]
    fn auto_header_skips_title_rows() {
        let g = grid(&[
            &["LAPORAN LEADS CABANG BEKASI"],
            &[],
            &["Nama", "No HP", "Plafon"],
            &["Budi", "0812", "5000000"],
        ]);
        let mut r = Reader::from_stream(g, HeaderRow::Auto).unwrap();
        assert_eq!(r.headers(), ["Nama", "No HP", "Plafon"]);
        assert_eq!(r.header_row(), Some(3));
        let row = r.rows().next().unwrap().unwrap();
        assert_eq!(row.number(), 4);
        assert_eq!(row.cells()[2], Cell::Int(5_000_000));
    }

    #[test]
    fn header_row_with_numbers_is_not_a_header() {
        let g = grid(&[&["1", "2", "3"], &["a", "b", "c"]]);
        let r = Reader::from_stream(g, HeaderRow::Auto).unwrap();
        assert_eq!(r.header_row(), Some(2));
    }

    #[test]
    fn stray_cells_are_reported() {
        let g = grid(&[&["a", "b", ""], &["1", "2", "3"]]);
        let mut r = Reader::from_stream(g, HeaderRow::Auto).unwrap();
        let row = r.rows().next().unwrap().unwrap();
        assert_eq!(row.cells().len(), 2);
        assert_eq!(row.stray_cells(), [("C".to_owned(), Cell::Int(3))]);
    }

    #[test]
    fn blank_and_duplicate_headers_get_names() {
        let g = grid(&[&["name", "", "name"], &["x", "y", "z"]]);
        let r = Reader::from_stream(g, HeaderRow::Auto).unwrap();
        assert_eq!(r.headers(), ["name", "column_b", "name_2"]);
    }

    #[test]
    fn no_header_names_columns_by_letter() {
        let g = grid(&[&["1", "2"]]);
        let r = Reader::from_stream(g, HeaderRow::None).unwrap();
        assert_eq!(r.headers(), ["column_a", "column_b"]);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn delimiter_guess() {
        assert_eq!(guess_delimiter(b"a|b|c\n1,2|3|4"), b'|');
        assert_eq!(guess_delimiter(b"a;b;c"), b';');
        assert_eq!(guess_delimiter(b"abc"), b',');
    }

    #[test]
    fn windows_1252_is_decoded() {
        assert_eq!(decode(b"Caf\xe9"), "Café");
        assert_eq!(decode("Café".as_bytes()), "Café");
    }

    #[test]
    fn passwords_for_file_come_first() {
        let mut p = Passwords::new();
        p.add("umum");
        p.extend_from_csv("file,password\ncabang-a.xlsx,rahasia\n*,lain\n".as_bytes()).unwrap();
        assert_eq!(p.for_file(Path::new("/x/CABANG-A.xlsx")), ["rahasia", "umum", "lain"]);
        assert_eq!(p.for_file(Path::new("b.xlsx")), ["umum", "lain"]);
        assert!(!format!("{p:?}").contains("rahasia"));
    }
}
