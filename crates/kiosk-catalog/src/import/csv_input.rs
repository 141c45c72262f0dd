//! Reading an export file as CSV, whatever a spreadsheet did to it: a BOM,
//! UTF-16, Windows-1252 bytes, `;` as the separator, CRLF, quoted multi-line
//! cells, localized or re-cased headers. Every problem becomes an [`Issue`]
//! with the file, line and column, or an [`Error::Input`] when the file as a
//! whole cannot be read.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use super::{Issue, Issues, Rule};
use crate::error::{Error, Result};

/// A column an importer understands, with the header spellings it accepts.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// Other spellings in English (matched silently).
    pub aliases: &'static [&'static str],
    /// Spellings from localized exports (nl, id, zh, de, fr), reported as
    /// mapped.
    pub localized: &'static [&'static str],
    pub required: bool,
}

impl Column {
    pub const fn required(name: &'static str) -> Column {
        Column {
            name,
            aliases: &[],
            localized: &[],
            required: true,
        }
    }

    pub const fn optional(name: &'static str) -> Column {
        Column {
            name,
            aliases: &[],
            localized: &[],
            required: false,
        }
    }

    pub const fn aka(mut self, aliases: &'static [&'static str]) -> Column {
        self.aliases = aliases;
        self
    }

    pub const fn localized(mut self, localized: &'static [&'static str]) -> Column {
        self.localized = localized;
        self
    }
}

/// Limits that keep a hostile or mistaken input from taking the kiosk down.
///
/// The row limits are checked on the bytes before the CSV parser sees them
/// (`RowGuard`), so memory stays bounded whatever the file holds: the parser
/// never buffers more than one row of at most `max_row_bytes` and
/// `max_fields` fields.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_field_bytes: usize,
    /// Fields in one row, the header included.
    pub max_fields: usize,
    /// Bytes in one row.
    pub max_row_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 2 << 30,
            max_field_bytes: 1 << 20,
            max_fields: 4096,
            max_row_bytes: 16 << 20,
        }
    }
}

pub struct CsvFile {
    pub name: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// For each known column (by position in the importer's spec), the field
    /// index in this file.
    columns: Vec<Option<usize>>,
    spec: &'static [Column],
    headers: Vec<String>,
    record: csv::ByteRecord,
    line: u64,
    limits: Limits,
    total_bytes: u64,
}

/// One data row, with typed access to its fields.
pub struct Row<'a> {
    file: &'a CsvFile,
    pub line: u64,
}

const SNIFF_BYTES: usize = 64 * 1024;

impl CsvFile {
    pub fn open(
        path: &Path,
        spec: &'static [Column],
        limits: Limits,
        issues: &mut Issues,
    ) -> Result<CsvFile> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(Error::io("opening", path))?;
        let total_bytes = file.metadata().map_err(Error::io("reading", path))?.len();
        if total_bytes > limits.max_file_bytes {
            return Err(Error::Limit(format!(
                "{name} is {}; the import limit is {} (set import.max_input_mib in kiosk.toml to raise it)",
                human_bytes(total_bytes),
                human_bytes(limits.max_file_bytes)
            )));
        }
        let mut file = BufReader::with_capacity(256 * 1024, file);
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        (&mut file)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(Error::io("reading", path))?;
        if head.is_empty() {
            return Err(input(
                &name,
                1,
                None,
                "the file is empty: expected a header row",
            ));
        }
        let (encoding, bom_len) = match head.as_slice() {
            [0xEF, 0xBB, 0xBF, ..] => (None, 3),
            [0xFF, 0xFE, ..] => (Some(encoding_rs::UTF_16LE), 2),
            [0xFE, 0xFF, ..] => (Some(encoding_rs::UTF_16BE), 2),
            _ => (None, 0),
        };
        if bom_len > 0 {
            issues.push(Issue::file_note(
                &name,
                if encoding.is_some() {
                    Rule::Transcoded
                } else {
                    Rule::BomStripped
                },
                match encoding {
                    Some(enc) => format!("the file is {}; read as UTF-8", enc.name()),
                    None => "a UTF-8 byte-order mark was removed".to_string(),
                },
            ));
        }
        let rest: Box<dyn Read + Send> =
            Box::new(io::Cursor::new(head[bom_len..].to_vec()).chain(file));
        let reader: Box<dyn Read + Send> = match encoding {
            Some(enc) => Box::new(Transcoder::new(rest, enc)),
            None => {
                if head.contains(&0) {
                    return Err(input(
                        &name,
                        1,
                        None,
                        "the file holds NUL bytes: expected a text (CSV) file, not a spreadsheet or binary",
                    ));
                }
                rest
            }
        };
        // Sniff the separator from the header line (outside quotes).
        let header_line: Vec<u8> = match encoding {
            Some(enc) => {
                let (text, _) = enc.decode_without_bom_handling(&head[bom_len..]);
                text.lines().next().unwrap_or("").as_bytes().to_vec()
            }
            None => head[bom_len..]
                .split(|b| *b == b'\n')
                .next()
                .unwrap_or(&[])
                .to_vec(),
        };
        let delimiter = sniff_delimiter(&header_line);
        if delimiter != b',' {
            issues.push(Issue::file_note(
                &name,
                Rule::Delimiter,
                format!(
                    "fields are separated by {:?}, not commas",
                    delimiter as char
                ),
            ));
        }
        let reader: Box<dyn Read + Send> =
            Box::new(RowGuard::new(Newlines::new(reader), delimiter, limits));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(reader);
        let mut header_record = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header_record)
            .map_err(|e| csv_error(&name, e))?;
        if !has_header {
            return Err(input(
                &name,
                1,
                None,
                "the file is empty: expected a header row",
            ));
        }
        let headers: Vec<String> = header_record
            .iter()
            .map(|h| decode_field(h).0.trim().to_string())
            .collect();
        let mut columns = vec![None; spec.len()];
        for (idx, header) in headers.iter().enumerate() {
            let key = header_key(header);
            if key.is_empty() {
                continue;
            }
            let found = spec.iter().enumerate().find_map(|(ci, col)| {
                if header_key(col.name) == key || col.aliases.iter().any(|a| header_key(a) == key) {
                    Some((ci, false))
                } else if col.localized.iter().any(|a| header_key(a) == key) {
                    Some((ci, true))
                } else {
                    None
                }
            });
            match found {
                Some((ci, localized)) if columns[ci].is_none() => {
                    columns[ci] = Some(idx);
                    if localized {
                        issues.push(Issue {
                            file: name.clone(),
                            line: 1,
                            column: Some(idx + 1),
                            field: Some(header.clone()),
                            rule: Rule::LocalizedHeader,
                            message: format!("header {header:?} read as {:?}", spec[ci].name),
                        });
                    }
                }
                Some(_) => issues.push(Issue {
                    file: name.clone(),
                    line: 1,
                    column: Some(idx + 1),
                    field: Some(header.clone()),
                    rule: Rule::UnknownColumn,
                    message: format!("column {header:?} appears twice; the first one is used"),
                }),
                None => {}
            }
        }
        let missing: Vec<&str> = spec
            .iter()
            .zip(&columns)
            .filter(|(col, found)| col.required && found.is_none())
            .map(|(col, _)| col.name)
            .collect();
        if !missing.is_empty() {
            return Err(input(
                &name,
                1,
                None,
                format!(
                    "missing required column{} {}; the header row has: {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing
                        .iter()
                        .map(|m| format!("{m:?}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    headers
                        .iter()
                        .map(|h| format!("{h:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Ok(CsvFile {
            name,
            reader,
            columns,
            spec,
            headers,
            record: csv::ByteRecord::new(),
            line: 1,
            limits,
            total_bytes,
        })
    }

    /// Size of the file on disk, for progress.
    /// Whether the file has `name` (or one of its other spellings) as a
    /// column, whatever its rows hold.
    pub fn has_column(&self, name: &str) -> bool {
        self.index_of(name).is_some()
    }

    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Bytes consumed so far (of the decoded stream).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.spec
            .iter()
            .position(|c| c.name == name)
            .and_then(|ci| self.columns[ci])
    }

    /// The next data row; blank lines are skipped.
    pub fn next_row(&mut self, issues: &mut Issues) -> Result<Option<Row<'_>>> {
        loop {
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(&self.name, e))?;
            if !more {
                return Ok(None);
            }
            self.line = self.record.position().map_or(self.line + 1, |p| p.line());
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if let Some((idx, field)) = self
                .record
                .iter()
                .enumerate()
                .find(|(_, f)| f.len() > self.limits.max_field_bytes)
            {
                return Err(input(
                    &self.name,
                    self.line,
                    Some(idx + 1),
                    format!(
                        "a field of {} exceeds the {} limit: an unclosed quote may have swallowed the rest of the file",
                        human_bytes(field.len() as u64),
                        human_bytes(self.limits.max_field_bytes as u64)
                    ),
                ));
            }
            // A quote that is never closed swallows the rest of the file
            // into the row's last field, leaving the row short.
            if self.record.len() < self.headers.len()
                && let Some(last) = self.record.iter().next_back()
                && last.contains(&b'\n')
            {
                let lines = last.iter().filter(|b| **b == b'\n').count() + 1;
                return Err(input(
                    &self.name,
                    self.line,
                    Some(self.record.len()),
                    format!(
                        "a quoted field opened here runs over {lines} lines to the end of the row, leaving {} of {} fields: expected a closing quote",
                        self.record.len(),
                        self.headers.len()
                    ),
                ));
            }
            if self.record.len() > self.headers.len()
                && self
                    .record
                    .iter()
                    .skip(self.headers.len())
                    .any(|f| !f.is_empty())
            {
                issues.push(Issue {
                    file: self.name.clone(),
                    line: self.line,
                    column: Some(self.headers.len() + 1),
                    field: None,
                    rule: Rule::RowWidth,
                    message: format!(
                        "the row has {} fields but the header has {}; the extra fields are ignored",
                        self.record.len(),
                        self.headers.len()
                    ),
                });
            }
            if self.record.iter().any(|f| std::str::from_utf8(f).is_err()) {
                issues.push(Issue {
                    file: self.name.clone(),
                    line: self.line,
                    column: self
                        .record
                        .iter()
                        .position(|f| std::str::from_utf8(f).is_err())
                        .map(|i| i + 1),
                    field: None,
                    rule: Rule::Encoding,
                    message: "bytes that are not UTF-8 were read as Windows-1252".to_string(),
                });
            }
            let line = self.line;
            return Ok(Some(Row { file: self, line }));
        }
    }
}

impl Row<'_> {
    /// Bytes of the file consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.file.bytes_read()
    }

    /// The trimmed value of a column, or `None` when it is absent or empty.
    pub fn get(&self, name: &str) -> Option<Cow<'_, str>> {
        let idx = self.file.index_of(name)?;
        let raw = self.file.record.get(idx)?;
        let (text, _) = decode_field(raw);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        Some(match text {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
        })
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(Cow::into_owned)
    }

    /// An issue about one field of this row.
    pub fn issue(&self, name: &str, rule: Rule, message: impl Into<String>) -> Issue {
        Issue {
            file: self.file.name.clone(),
            line: self.line,
            column: self.file.index_of(name).map(|i| i + 1),
            field: Some(name.to_string()),
            rule,
            message: message.into(),
        }
    }
}

fn decode_field(raw: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(raw) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(raw);
            (Cow::Owned(text.into_owned()), true)
        }
    }
}

/// Headers compare case-, accent- and punctuation-insensitively:
/// `Variant SKU`, `variant_sku` and ` VARIANT-SKU ` are the same column.
fn header_key(header: &str) -> String {
    kiosk_core::text::fold(header)
        .chars()
        .filter(|c| c.is_alphanumeric() || kiosk_core::text::is_cjk(*c))
        .collect()
}

fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for &b in line {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|i| (counts[*i], usize::from(*i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|e| e.is::<RowTooLarge>()) => {
            let too_large = io
                .into_inner()
                .and_then(|e| e.downcast::<RowTooLarge>().ok())
                .expect("checked above");
            Error::Input {
                file: file.to_string(),
                line: too_large.line,
                column: too_large.column,
                message: too_large.to_string(),
            }
        }
        csv::ErrorKind::Io(io) => Error::Input {
            file: file.to_string(),
            line,
            column: None,
            message: format!("reading failed: {io}"),
        },
        other => Error::Input {
            file: file.to_string(),
            line,
            column: None,
            message: format!("not valid CSV: {other:?}"),
        },
    }
}

pub fn input(file: &str, line: u64, column: Option<usize>, message: impl Into<String>) -> Error {
    Error::Input {
        file: file.to_string(),
        line,
        column,
        message: message.into(),
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Decodes a UTF-16 stream to UTF-8 as it is read.
struct Transcoder {
    inner: Box<dyn Read + Send>,
    decoder: encoding_rs::Decoder,
    in_buf: Vec<u8>,
    out_buf: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

impl Transcoder {
    fn new(inner: Box<dyn Read + Send>, encoding: &'static encoding_rs::Encoding) -> Transcoder {
        Transcoder {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            in_buf: vec![0; 64 * 1024],
            out_buf: Vec::new(),
            out_pos: 0,
            eof: false,
        }
    }
}

impl Read for Transcoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos >= self.out_buf.len() {
            if self.eof {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.in_buf)?;
            self.eof = n == 0;
            let mut out = String::with_capacity(n * 3 / 2 + 16);
            let max = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            out.reserve(max);
            let (_, _, _) = self
                .decoder
                .decode_to_string(&self.in_buf[..n], &mut out, self.eof);
            self.out_buf = out.into_bytes();
            self.out_pos = 0;
        }
        let n = buf.len().min(self.out_buf.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out_buf[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// Turns CRLF and lone CR line ends into LF before the CSV parser sees them,
/// so the parser's line numbers (which count LFs as it consumes them) name
/// the line each record starts on, whatever the file's line ends.
struct Newlines {
    inner: Box<dyn Read + Send>,
    in_buf: Vec<u8>,
    out_buf: Vec<u8>,
    out_pos: usize,
    pending_cr: bool,
}

impl Newlines {
    fn new(inner: Box<dyn Read + Send>) -> Newlines {
        Newlines {
            inner,
            in_buf: vec![0; 64 * 1024],
            out_buf: Vec::with_capacity(64 * 1024 + 1),
            out_pos: 0,
            pending_cr: false,
        }
    }

    fn refill(&mut self) -> io::Result<bool> {
        self.out_buf.clear();
        self.out_pos = 0;
        loop {
            let n = self.inner.read(&mut self.in_buf)?;
            if n == 0 {
                if self.pending_cr {
                    self.pending_cr = false;
                    self.out_buf.push(b'\n');
                }
                return Ok(!self.out_buf.is_empty());
            }
            for &b in &self.in_buf[..n] {
                if self.pending_cr && b != b'\n' {
                    self.out_buf.push(b'\n');
                }
                self.pending_cr = b == b'\r';
                if b != b'\r' {
                    self.out_buf.push(b);
                }
            }
            if !self.out_buf.is_empty() {
                return Ok(true);
            }
        }
    }
}

impl Read for Newlines {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.out_pos >= self.out_buf.len() && !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.out_buf.len() - self.out_pos);
        out[..n].copy_from_slice(&self.out_buf[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// A row over the limits, found by `RowGuard` before the parser buffers it.
#[derive(Debug)]
struct RowTooLarge {
    line: u64,
    column: Option<usize>,
    what: String,
}

impl std::fmt::Display for RowTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what)
    }
}

impl std::error::Error for RowTooLarge {}

/// Where `RowGuard` is in a field, as the CSV parser reads it: a quote
/// opens a quoted field only at the field's start, and `""` inside one is a
/// literal quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldState {
    Start,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Counts the fields and bytes of the row being read, tracking quotes the
/// way the parser does, and fails the read as soon as a row passes the
/// limits. The CSV parser grows its record buffer to hold a whole row (a
/// position per field), so without this a single line of commas takes
/// memory in proportion to the file.
struct RowGuard<R> {
    inner: R,
    delimiter: u8,
    limits: Limits,
    state: FieldState,
    /// The line the current row starts on, and the line being read.
    row_line: u64,
    line: u64,
    fields: usize,
    row_bytes: usize,
    failed: bool,
}

impl<R: Read> RowGuard<R> {
    fn new(inner: R, delimiter: u8, limits: Limits) -> RowGuard<R> {
        RowGuard {
            inner,
            delimiter,
            limits,
            state: FieldState::Start,
            row_line: 1,
            line: 1,
            fields: 1,
            row_bytes: 0,
            failed: false,
        }
    }

    fn check(&mut self, bytes: &[u8]) -> Result<(), RowTooLarge> {
        use FieldState::*;
        for &b in bytes {
            self.row_bytes += 1;
            if b == b'\n' {
                self.line += 1;
            }
            self.state = match (self.state, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (Start, b'"') | (QuoteInQuoted, b'"') => Quoted,
                (_, b'\n') => {
                    self.row_line = self.line;
                    self.fields = 1;
                    self.row_bytes = 0;
                    Start
                }
                (_, _) if b == self.delimiter => {
                    self.fields += 1;
                    Start
                }
                (_, _) => Unquoted,
            };
            if self.fields > self.limits.max_fields {
                return Err(RowTooLarge {
                    line: self.row_line,
                    column: Some(self.fields),
                    what: format!(
                        "the row has more than {} fields: expected one field per header column",
                        self.limits.max_fields
                    ),
                });
            }
            if self.row_bytes > self.limits.max_row_bytes {
                return Err(RowTooLarge {
                    line: self.row_line,
                    column: None,
                    what: format!(
                        "the row runs over {}, past the {} limit: expected the rows of a product export (an unclosed quote may have swallowed the rest of the file)",
                        human_bytes(self.row_bytes as u64),
                        human_bytes(self.limits.max_row_bytes as u64)
                    ),
                });
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for RowGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(0);
        }
        let n = self.inner.read(out)?;
        if let Err(too_large) = self.check(&out[..n]) {
            self.failed = true;
            return Err(io::Error::new(io::ErrorKind::InvalidData, too_large));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests;
