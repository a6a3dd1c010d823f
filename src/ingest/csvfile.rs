//! Streaming CSV reader: one reusable record, a header checked against the columns the caller
//! expects, and each row handed to a callback with its line number. Memory does not grow with
//! the number of rows.

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
    line: u64,
    record: &'a csv::StringRecord,
    map: &'a [Option<usize>],
}

impl<'a> RowRef<'a> {
    /// The 1-based line number.
    pub fn line(&self) -> u64 {
        self.line
    }
    /// The span of the whole row.
    pub fn span(&self) -> Span {
        Span::line(self.file, self.line)
    }
    /// The span of the caller's column `i` (0-based index into the caller's column list).
    pub fn span_of(&self, i: usize) -> Span {
        match self.map.get(i).copied().flatten() {
            Some(c) => Span::line(self.file, self.line).at(c + 1),
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
            .map(trim)
            .unwrap_or("")
    }
    /// The row as it would appear in the file (for diagnostics).
    pub fn text(&self) -> String {
        self.record
            .iter()
            .map(|s| {
                if s.contains([',', '"', '\n']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Trims white space, with a fast path for the usual field that has none at either end.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

fn not_utf8(file: &Arc<str>, line: u64, column: Option<usize>, bytes: &[u8]) -> Diagnostic {
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
    Diagnostic::error("not-utf8", span, format!("file is not valid UTF-8{guess}")).with_hint(hint)
}

/// Streams a CSV table. The header must contain every required column; unknown columns are
/// an error too (a misspelt optional column would otherwise be silently ignored). Lines
/// starting with `#` are comments. Each data row goes to `on_row`; problems with the file
/// itself come back as diagnostics, and reading stops at the first file-level problem.
pub fn read_table<R: Read>(
    file: &Arc<str>,
    input: R,
    columns: &[Column],
    on_row: impl FnMut(&RowRef<'_>),
) -> Result<TableStats, Vec<Diagnostic>> {
    let (header, mut reader) = read_header(file, input, columns)?;
    let end = read_rows(file, &mut reader, &header, Chunk::default(), on_row)?;
    Ok(TableStats { rows: end.rows })
}

/// The validated header of a table: where each expected column is.
#[derive(Debug, Clone)]
pub struct Header {
    map: Vec<Option<usize>>,
    fields: usize,
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
    /// A row over `record` read at `line`.
    pub fn row<'a>(
        &'a self,
        file: &'a Arc<str>,
        line: u64,
        record: &'a csv::StringRecord,
    ) -> RowRef<'a> {
        let map: &[Option<usize>] = if record.len() == self.fields {
            &self.map
        } else {
            &[]
        };
        RowRef {
            file,
            line,
            record,
            map,
        }
    }
}

/// The CSV dialect every input uses: comma, `"` quotes, `#` comments, rows of any length
/// (a ragged row is reported, not fatal).
pub fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(input)
}

/// Where a chunk of rows starts in its file, and where it must stop.
#[derive(Debug, Clone, Copy, Default)]
pub struct Chunk {
    /// Lines before the chunk's first byte (added to every line number).
    pub line_offset: u64,
    /// The chunk's first byte in the file (added to every byte position).
    pub byte_offset: u64,
    /// Stop before a record that starts at or after this byte of the file.
    pub stop_at: Option<u64>,
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
}

/// Reads and checks the header, returning the reader positioned at the first data row.
pub fn read_header<R: Read>(
    file: &Arc<str>,
    input: R,
    columns: &[Column],
) -> Result<(Header, csv::Reader<R>), Vec<Diagnostic>> {
    let mut reader = csv_reader(input);
    let mut record = csv::ByteRecord::new();

    // Header.
    let mut header_line;
    loop {
        match reader.read_byte_record(&mut record) {
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
            Ok(true) => {
                header_line = record.position().map_or(1, |p| p.line());
                if record.len() == 1
                    && record
                        .get(0)
                        .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
                {
                    continue;
                }
                break;
            }
            Err(e) => return Err(vec![csv_error(file, &e)]),
        }
    }
    let mut names = Vec::with_capacity(record.len());
    for (i, f) in record.iter().enumerate() {
        let f = if i == 0 {
            f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f)
        } else {
            f
        };
        match std::str::from_utf8(f) {
            Ok(s) => names.push(s.trim().to_string()),
            Err(_) => return Err(vec![not_utf8(file, header_line, Some(i + 1), f)]),
        }
    }
    let mut diags = Vec::new();
    let map: Vec<Option<usize>> = columns
        .iter()
        .map(|c| names.iter().position(|n| n == c.name))
        .collect();
    for (c, m) in columns.iter().zip(&map) {
        if c.required && m.is_none() {
            diags.push(
                Diagnostic::error(
                    "missing-column",
                    Span::line(file, header_line),
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
        },
        reader,
    ))
}

/// Streams data rows from `reader` (positioned after the header, or at a chunk's start).
pub fn read_rows<R: Read>(
    file: &Arc<str>,
    reader: &mut csv::Reader<R>,
    header: &Header,
    chunk: Chunk,
    mut on_row: impl FnMut(&RowRef<'_>),
) -> Result<ChunkEnd, Vec<Diagnostic>> {
    let mut record = csv::ByteRecord::new();
    let mut end = ChunkEnd::default();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let (line, byte) = record.position().map_or((0, 0), |p| {
                    (p.line() + chunk.line_offset, p.byte() + chunk.byte_offset)
                });
                if chunk.stop_at.is_some_and(|s| byte >= s) {
                    end.next_record = Some(byte);
                    end.next_record_line = Some(line);
                    break;
                }
                end.first_record.get_or_insert(byte);
                end.first_record_line.get_or_insert(line);
                if record.len() == 1
                    && record
                        .get(0)
                        .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace))
                {
                    continue;
                }
                end.rows += 1;
                // One UTF-8 check per record; fields are then borrowed as &str.
                let srec = match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
                    Ok(r) => r,
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let br = e.into_byte_record();
                        return Err(vec![not_utf8(
                            file,
                            line,
                            Some(field + 1),
                            br.get(field).unwrap_or_default(),
                        )]);
                    }
                };
                let map: &[Option<usize>] = if srec.len() == header.fields {
                    &header.map
                } else {
                    &[]
                };
                on_row(&RowRef {
                    file,
                    line,
                    record: &srec,
                    map,
                });
                record = srec.into_byte_record();
            }
            Err(e) => return Err(vec![csv_error(file, &e)]),
        }
    }
    Ok(end)
}

impl RowRef<'_> {
    /// True when the row's field count differs from the header's (the row cannot be read).
    pub fn is_ragged(&self) -> bool {
        self.map.is_empty()
    }
    /// Number of fields in the row.
    pub fn field_count(&self) -> usize {
        self.record.len()
    }
}

fn csv_error(file: &Arc<str>, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => not_utf8(file, line, None, &[]),
        csv::ErrorKind::Io(io) => Diagnostic::error(
            "io-error",
            Span::file(file),
            format!("cannot read file: {io}"),
        ),
        _ => Diagnostic::error(
            "malformed-csv",
            Span::line(file, line),
            format!("malformed CSV: {e}"),
        )
        .with_hint("check the quoting on this line"),
    }
}
