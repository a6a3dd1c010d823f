//! A fast path for re-reading a chunk of a CSV file in which no field is quoted: blocks are
//! split into lines and fields with `memchr`, without the full CSV state machine. Used only
//! where a few columns of every row are needed (the duplicate check's second reading); a chunk
//! that contains a quote character anywhere is left to the full parser.

use super::csvfile::{Header, RowRef};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// Most columns a line may have for the fast path.
const MAX_FIELDS: usize = 64;

/// One line of an unquoted chunk.
pub struct Line<'a> {
    /// 1-based line number within the chunk (the caller adds the lines of earlier chunks).
    pub number: u64,
    bytes: &'a [u8],
    ends: [usize; MAX_FIELDS],
    fields: usize,
}

/// Trims ASCII white space, and falls back to Unicode trimming (as `RowRef::get` does) when an
/// end is not plain ASCII.
fn trim(b: &[u8]) -> Option<&str> {
    match (b.first(), b.last()) {
        (Some(x), Some(y)) if x.is_ascii_graphic() && y.is_ascii_graphic() => {
            std::str::from_utf8(b).ok()
        }
        _ => std::str::from_utf8(b).ok().map(str::trim),
    }
}

impl<'a> Line<'a> {
    /// File column `i` (0-based), trimmed, if present and UTF-8.
    pub fn field(&self, i: usize) -> Option<&'a str> {
        if i >= self.fields {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        trim(self.bytes.get(start..self.ends[i])?)
    }

    /// Parses the line with the full CSV parser and hands it on as a row at `line` (for the
    /// rare line that needs every column).
    pub fn with_row<T>(
        &self,
        file: &Arc<str>,
        header: &Header,
        line: u64,
        f: impl FnOnce(&RowRef<'_>) -> T,
    ) -> Option<T> {
        let mut r = super::csvfile::csv_reader(self.bytes);
        let mut rec = csv::StringRecord::new();
        r.read_record(&mut rec).ok()?;
        Some(f(&header.row(file, line, &rec)))
    }
}

fn split(bytes: &[u8], number: u64) -> Line<'_> {
    let mut ends = [0usize; MAX_FIELDS];
    let mut fields = 0;
    for c in memchr::memchr_iter(b',', bytes) {
        if fields + 1 >= MAX_FIELDS {
            break;
        }
        ends[fields] = c;
        fields += 1;
    }
    ends[fields] = bytes.len();
    Line {
        number,
        bytes,
        ends,
        fields: fields + 1,
    }
}

/// Scans the lines of the chunk `[start, stop)` of `path`, skipping blank lines, `#` comments
/// and (when `start` is 0) the header. Returns the number of lines in the chunk, or `None` as
/// soon as a quote character is seen (the caller must then use the full parser).
pub fn scan_unquoted(
    path: &Path,
    (start, stop): (u64, Option<u64>),
    mut on_line: impl FnMut(&Line<'_>),
) -> std::io::Result<Option<u64>> {
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut r = f.take(stop.map_or(u64::MAX, |s| s - start));
    let mut buf = vec![0u8; 1 << 20];
    let mut carry: Vec<u8> = Vec::new();
    let mut number = 0u64;
    let mut header_seen = start > 0;
    let mut handle = |line: &[u8], number: u64| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty()
            || line.first() == Some(&b'#')
            || line.iter().all(u8::is_ascii_whitespace)
        {
            return;
        }
        if !header_seen {
            header_seen = true;
            return;
        }
        on_line(&split(line, number));
    };
    loop {
        let n = r.read(&mut buf)?;
        let data = &buf[..n];
        if memchr::memchr(b'"', data).is_some() {
            return Ok(None);
        }
        if n == 0 {
            if !carry.is_empty() {
                number += 1;
                handle(&carry, number);
            }
            return Ok(Some(number));
        }
        let mut pos = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            number += 1;
            if carry.is_empty() {
                handle(&data[pos..nl], number);
            } else {
                carry.extend_from_slice(&data[pos..nl]);
                handle(&carry, number);
                carry.clear();
            }
            pos = nl + 1;
        }
        carry.extend_from_slice(&data[pos..]);
    }
}
