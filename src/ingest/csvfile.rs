//! Streaming CSV reader: one reusable record, a header checked against the columns the caller
//! expects, and each row handed to a callback with its line number. Memory does not grow with
//! the number of rows.

use super::record::{ReadError, Record, RecordReader};
use crate::diag::{Diagnostic, Span};
use std::io::Read;
use std::sync::Arc;

/// A column the caller expects.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Whether a file without it is an error.
    pub required: bool,
}

/// Counts for one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStats {
    /// Data rows read (header, blank and `#` comment lines excluded).
    pub rows: u64,
}

/// One data row: its fields, by the caller's column order, and where it was read.
pub struct RowRef<'a> {
    file: &'a Arc<str>,
    record: &'a Record,
    map: &'a [Option<usize>],
    fields: usize,
}

impl<'a> RowRef<'a> {
    /// A row of `record`, whose field holding the caller's column `i` is `map[i]` (`None`:
    /// the file has no such column), as an engine hands rows over.
    pub fn of_columns(
        file: &'a Arc<str>,
        record: &'a Record,
        map: &'a [Option<usize>],
    ) -> RowRef<'a> {
        RowRef {
            file,
            record,
            map,
            fields: record.len(),
        }
    }
    /// The file the row is in, as diagnostics show it.
    pub fn file(&self) -> &'a Arc<str> {
        self.file
    }
    /// The byte of the file where the row starts.
    pub fn byte(&self) -> u64 {
        self.record.byte
    }
    /// The 1-based physical line where the row starts.
    pub fn line(&self) -> u64 {
        self.record.line
    }
    /// The span of the whole row.
    pub fn span(&self) -> Span {
        Span::line(self.file, self.record.line)
    }
    /// The 1-based field number of the caller's column `i` in the file, if the file has it.
    pub fn field_of(&self, i: usize) -> Option<usize> {
        self.map.get(i).copied().flatten().map(|c| c + 1)
    }
    /// The span of the caller's column `i` (0-based index into the caller's column list).
    pub fn span_of(&self, i: usize) -> Span {
        match self.map.get(i).copied().flatten() {
            Some(c) => self.span().at(c + 1),
            None => self.span(),
        }
    }
    /// The trimmed text of the caller's column `i`, or "" when the column is absent.
    pub fn get(&self, i: usize) -> &'a str {
        self.map
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| self.record.get(c))
            .map(crate::text::trim)
            .unwrap_or("")
    }
    /// The row as it would appear in the file (for diagnostics).
    pub fn text(&self) -> String {
        self.record
            .iter()
            .map(|s| {
                if s.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
    /// True when the row cannot be read field by field: its field count differs from the
    /// header's, or its quoting is broken (see [`RowRef::shape_error`]).
    pub fn is_ragged(&self) -> bool {
        self.map.is_empty()
    }
    /// Number of fields in the row.
    pub fn field_count(&self) -> usize {
        self.record.len()
    }
    /// Why a ragged row cannot be read (`None` for a row of the header's shape): text after a
    /// closing quote, or the wrong number of fields (with the lines a quoted field spans, the
    /// usual sign of a stray quote).
    pub fn shape_error(&self) -> Option<Diagnostic> {
        let expected = self.fields;
        if !self.is_ragged() {
            return None;
        }
        if let Some((field, what)) = self.record.quoting {
            return Some(
                Diagnostic::error("malformed-csv", self.span().at(field), what)
                    .with_hint(
                        "quote the whole field, and double a quote meant as text: \"12\"\" pipe\"",
                    )
                    .with_source(self.text()),
            );
        }
        let n = self.record.len();
        if self.record.lines > 1 {
            let last = self.record.line + self.record.lines - 1;
            // The column is the field whose quote runs over the line end.
            let opened = self
                .record
                .iter()
                .position(|f| f.contains(['\n', '\r']))
                .map_or(1, |i| i + 1);
            return Some(
                Diagnostic::error(
                    "malformed-csv",
                    self.span().at(opened),
                    format!(
                        "a quoted field runs from line {} to line {last}: probably a stray quote (this record has {n} fields, the header has {expected})",
                        self.record.line
                    ),
                )
                .with_hint("close the quote on this line, or double a quote meant as text; the lines it swallowed are part of this one rejected record")
                .with_source(self.text()),
            );
        }
        Some(
            // The column is the first field too many, or the first one missing.
            Diagnostic::error(
                "wrong-field-count",
                self.span().at(n.min(expected) + 1),
                format!("row has {n} fields, the header has {expected}"),
            )
            .with_source(self.text()),
        )
    }
}

pub(super) fn not_utf8(
    file: &Arc<str>,
    line: u64,
    column: Option<usize>,
    bytes: &[u8],
) -> Diagnostic {
    let span = match column {
        Some(c) => Span::line(file, line).at(c),
        None => Span::line(file, line),
    };
    let utf16 =
        bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0);
    let gbk_like = bytes
        .windows(2)
        .any(|w| (0x81..=0xFE).contains(&w[0]) && (0x40..=0xFE).contains(&w[1]));
    let (guess, hint) = if utf16 {
        (
            " (it looks like UTF-16, as Excel's \"Unicode text\" export writes)",
            "re-save the file as CSV UTF-8, or convert it: `iconv -f UTF-16 -t UTF-8 in.csv > out.csv`",
        )
    } else if gbk_like {
        (
            " (the bytes look like GBK/GB18030, common in Chinese spreadsheet exports)",
            "re-save the file as CSV UTF-8, or convert it: `iconv -f GB18030 -t UTF-8 in.csv > out.csv`",
        )
    } else {
        ("", "re-save the file as CSV UTF-8")
    };
    Diagnostic::error(
        "not-utf8",
        span,
        format!("file is not valid UTF-8{guess}: it cannot be read, so none of its rows are used"),
    )
    .with_hint(hint)
}

/// The diagnostic of a record that stops the reading of its file.
fn read_error(file: &Arc<str>, e: ReadError) -> Diagnostic {
    match e {
        ReadError::NotUtf8 {
            line,
            field,
            sample,
        } => not_utf8(file, line, Some(field), &sample),
        ReadError::UnterminatedQuote { line, field } => Diagnostic::error(
            "unterminated-quote",
            Span::line(file, line).at(field),
            "a quote opens this field and never closes: every later line would be read into it, so the file cannot be read",
        )
        .with_hint("close the quote, or double a quote meant as text (\"12\"\" pipe\")"),
        ReadError::StrayLineEnd { line, field, byte } => {
            let (what, kind) = if byte == b'\r' {
                ("a carriage return (CR)", "LF (or CRLF)")
            } else {
                ("a line feed (LF)", "CR")
            };
            Diagnostic::error(
                "malformed-csv",
                Span::line(file, line).at(field),
                format!("{what} outside quotes inside a line of a file whose lines end with {kind}: an editor shows a new line here, so the file's line ends are mixed and it cannot be read"),
            )
            .with_hint("save the file with one kind of line end (re-save it as CSV UTF-8); a line break meant as text belongs inside a quoted field")
        }
        ReadError::Io(e) => Diagnostic::error(
            "io-error",
            Span::file(file),
            format!("cannot read file: {e}"),
        ),
    }
}

/// Streams a CSV table. The header must contain every required column; unknown columns are
/// an error too (a misspelt optional column would otherwise be silently ignored). Lines
/// starting with `#` are comments. Each data row goes to `on_row`; problems with the file
/// itself come back as diagnostics, and reading stops at the first file-level problem (the
/// caller must then treat the whole file as unread).
pub fn read_table<R: Read>(
    file: &Arc<str>,
    input: R,
    columns: &[Column],
    mut on_row: impl FnMut(&RowRef<'_>),
) -> Result<TableStats, Vec<Diagnostic>> {
    let (header, mut reader) = read_header(file, input, columns)?;
    let end = read_rows(file, &mut reader, &header, None, |row| {
        on_row(row);
        true
    })?;
    Ok(TableStats { rows: end.rows })
}

/// The validated header of a table: where each expected column is.
#[derive(Debug, Clone)]
pub struct Header {
    map: Vec<Option<usize>>,
    fields: usize,
    /// The physical line of the header.
    pub line: u64,
}

impl Header {
    /// The file column of the caller's column `i`.
    pub fn position(&self, i: usize) -> Option<usize> {
        self.map.get(i).copied().flatten()
    }
    /// The number of fields a row must have.
    pub fn fields(&self) -> usize {
        self.fields
    }
    /// A row over `record`.
    pub fn row<'a>(&'a self, file: &'a Arc<str>, record: &'a Record) -> RowRef<'a> {
        let map: &[Option<usize>] = if record.len() == self.fields && record.quoting.is_none() {
            &self.map
        } else {
            &[]
        };
        RowRef {
            file,
            record,
            map,
            fields: self.fields,
        }
    }
}

/// How reading a chunk ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChunkEnd {
    /// Data rows read.
    pub rows: u64,
    /// The file byte where the first record not read starts (when stopped by `stop_at`).
    pub next_record: Option<u64>,
    /// The file byte where the first record read starts.
    pub first_record: Option<u64>,
    /// The line of the record at `next_record` (numbered as this chunk numbers its lines).
    pub next_record_line: Option<u64>,
    /// The line of the first record read (numbered as this chunk numbers its lines).
    pub first_record_line: Option<u64>,
    /// The chunk started inside a quoted field (a quote it read as opening ran to the end):
    /// its rows mean nothing, and the file must be read in one piece.
    pub misaligned: bool,
}

/// Reads and checks the header, returning the reader positioned at the first data row.
pub fn read_header<R: Read>(
    file: &Arc<str>,
    input: R,
    columns: &[Column],
) -> Result<(Header, RecordReader<R>), Vec<Diagnostic>> {
    let mut reader = RecordReader::new(input);
    let mut record = Record::default();
    match reader.read(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(vec![Diagnostic::error(
                "empty-file",
                Span::file(file),
                "file has no header row",
            )
            .with_hint(format!(
                "the first line must name the columns: {}",
                columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
            ))])
        }
        Err(e) => return Err(vec![read_error(file, e)]),
    }
    let header_line = record.line;
    let names: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
    let mut diags = Vec::new();
    let map: Vec<Option<usize>> = columns
        .iter()
        .map(|c| names.iter().position(|n| n == c.name))
        .collect();
    for (c, m) in columns.iter().zip(&map) {
        if c.required && m.is_none() {
            // The column where it would belong: after the last expected column found before it.
            let at = columns
                .iter()
                .zip(&map)
                .take_while(|(x, _)| x.name != c.name)
                .filter_map(|(_, m)| *m)
                .max()
                .map_or(1, |p| p + 2)
                .min(names.len() + 1);
            diags.push(
                Diagnostic::error(
                    "missing-column",
                    Span::line(file, header_line).at(at),
                    format!("required column `{}` is missing", c.name),
                )
                .with_hint(format!("the header is: {}", names.join(","))),
            );
        }
    }
    for (i, n) in names.iter().enumerate() {
        if !columns.iter().any(|c| c.name == n) {
            diags.push(
                Diagnostic::error(
                    "unknown-column",
                    Span::line(file, header_line).at(i + 1),
                    format!("unknown column `{n}`"),
                )
                .with_hint(format!(
                    "the columns of this file are: {}",
                    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
                )),
            );
        }
        if names[..i].contains(n) {
            diags.push(Diagnostic::error(
                "duplicate-column",
                Span::line(file, header_line).at(i + 1),
                format!("column `{n}` appears twice in the header"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    Ok((
        Header {
            map,
            fields: names.len(),
            line: header_line,
        },
        reader,
    ))
}

/// Streams data rows from `reader` (positioned after the header, or at a chunk's start),
/// stopping before a record that starts at or after file byte `stop_at`.
pub fn read_rows<R: Read>(
    file: &Arc<str>,
    reader: &mut RecordReader<R>,
    header: &Header,
    stop_at: Option<u64>,
    mut on_row: impl FnMut(&RowRef<'_>) -> bool,
) -> Result<ChunkEnd, Vec<Diagnostic>> {
    read_batches(file, reader, header, stop_at, 1, |rows| {
        rows.iter().all(|row| on_row(&row))
    })
}

/// Rows read together, in file order: a caller that looks every row's state up first and
/// works on the rows afterwards has the look-ups' cache misses overlap (see
/// `calc::run::Worker::rows`).
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    file: &'a Arc<str>,
    header: &'a Header,
    records: &'a [Record],
}

impl<'a> Rows<'a> {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.records.len()
    }
    /// True when there are none (never for rows a reader hands over).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// Row `i` (0-based within the batch).
    pub fn get(&self, i: usize) -> Option<RowRef<'a>> {
        let record = self.records.get(i)?;
        Some(self.header.row(self.file, record))
    }
    /// The rows, in file order.
    pub fn iter(&self) -> impl Iterator<Item = RowRef<'a>> + 'a {
        let (file, header) = (self.file, self.header);
        self.records.iter().map(move |r| header.row(file, r))
    }
}

/// [`read_rows`], handing over up to `batch` rows at a time (every row once, in file order).
/// When `on_rows` returns false, reading stops after those rows.
pub fn read_batches<R: Read>(
    file: &Arc<str>,
    reader: &mut RecordReader<R>,
    header: &Header,
    stop_at: Option<u64>,
    batch: usize,
    mut on_rows: impl FnMut(Rows<'_>) -> bool,
) -> Result<ChunkEnd, Vec<Diagnostic>> {
    let mut records: Vec<Record> = (0..batch.max(1)).map(|_| Record::default()).collect();
    let mut end = ChunkEnd::default();
    loop {
        let mut n = 0;
        let mut last = false;
        let mut failed = None;
        while n < records.len() {
            match reader.read(&mut records[n]) {
                Ok(false) => {
                    last = true;
                    break;
                }
                Ok(true) => {
                    let record = &records[n];
                    if stop_at.is_some_and(|s| record.byte >= s) {
                        end.next_record = Some(record.byte);
                        end.next_record_line = Some(record.line);
                        last = true;
                        break;
                    }
                    end.first_record.get_or_insert(record.byte);
                    end.first_record_line.get_or_insert(record.line);
                    end.rows += 1;
                    n += 1;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        // The rows read before a read error are handed over first, as one at a time would.
        let more = n == 0
            || on_rows(Rows {
                file,
                header,
                records: &records[..n],
            });
        if let Some(e) = failed {
            return Err(vec![read_error(file, e)]);
        }
        if last || !more {
            break;
        }
    }
    Ok(end)
}
