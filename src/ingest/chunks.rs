//! Reading one CSV file in several chunks at once. A chunk starts at a line boundary and
//! stops before the first record that starts at or after the next chunk's start; a quoted
//! field containing a newline may make a "line boundary" fall inside a record, which
//! `consistent` detects afterwards (the caller then reads the file in one piece).

use super::csvfile::{read_batches, read_header, ChunkEnd, Column, RowRef, Rows};
use super::record::RecordReader;
use crate::diag::{Diagnostic, Span};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// `(start, stop)` byte bounds of up to `n` chunks of the file at `path`; one chunk when the
/// file is small or cannot be split.
pub fn chunk_bounds(path: &Path, n: usize) -> Vec<(u64, Option<u64>)> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let points = std::fs::File::open(path)
        .and_then(|mut f| split_points(&mut f, size, n.clamp(1, 64)))
        .unwrap_or_default();
    let starts: Vec<u64> = std::iter::once(0).chain(points).collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, starts.get(i + 1).copied()))
        .collect()
}

/// The line offset to add to each chunk's line numbers (chunks read without `absolute`), from
/// where each chunk stopped: the previous chunk saw the next one's first record, with its line.
pub fn line_offsets(ends: &[ChunkEnd]) -> Vec<u64> {
    let mut offsets = vec![0u64; ends.len()];
    for i in 1..ends.len() {
        if let (Some(abs), Some(rel)) = (ends[i - 1].next_record_line, ends[i].first_record_line) {
            offsets[i] = (abs + offsets[i - 1]).saturating_sub(rel);
        }
    }
    offsets
}

/// Whether every chunk stopped exactly where the next one's first record starts.
pub fn consistent(ends: &[ChunkEnd]) -> bool {
    ends.iter().all(|e| !e.misaligned)
        && ends
            .windows(2)
            .all(|w| w[0].next_record == w[1].first_record)
}

/// Byte offsets where chunks 1.. start: the first byte of a line after each even split point.
fn split_points(f: &mut std::fs::File, size: u64, n: usize) -> std::io::Result<Vec<u64>> {
    let mut points: Vec<u64> = Vec::new();
    for i in 1..n as u64 {
        let guess = size * i / n as u64;
        f.seek(SeekFrom::Start(guess))?;
        let mut buf = [0u8; 64 * 1024];
        let mut pos = guess;
        'scan: loop {
            let k = f.read(&mut buf)?;
            if k == 0 {
                break;
            }
            if let Some(j) = buf[..k].iter().position(|b| *b == b'\n') {
                pos += j as u64 + 1;
                break 'scan;
            }
            pos += k as u64;
        }
        if pos < size && points.last().is_none_or(|p| *p < pos) {
            points.push(pos);
        }
    }
    Ok(points)
}

/// Lines (newlines) before byte `upto`.
pub fn count_lines(f: &mut std::fs::File, upto: u64) -> std::io::Result<u64> {
    f.seek(SeekFrom::Start(0))?;
    let mut r = BufReader::with_capacity(1 << 20, f.take(upto));
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        n += memchr::memchr_iter(b'\n', &buf[..k]).count() as u64;
    }
}

/// Reads one chunk of the table at `path`: the header is always checked; rows are read from
/// byte `start` to before `stop`. With `absolute`, line numbers count from the file's start
/// (which costs a pass over the bytes before `start`); without, a chunk after the first
/// numbers its lines from 1 and the caller offsets them (see `line_offsets`).
pub fn read_chunk(
    shown: &Arc<str>,
    path: &Path,
    columns: &[Column],
    (start, stop): (u64, Option<u64>),
    absolute: bool,
    mut on_row: impl FnMut(&RowRef<'_>) -> bool,
) -> Result<ChunkEnd, Vec<Diagnostic>> {
    read_chunk_batched(shown, path, columns, (start, stop), absolute, 1, |rows| {
        rows.iter().all(|row| on_row(&row))
    })
}

/// [`read_chunk`], handing over up to `batch` rows at a time (see [`read_batches`]).
pub fn read_chunk_batched(
    shown: &Arc<str>,
    path: &Path,
    columns: &[Column],
    (start, stop): (u64, Option<u64>),
    absolute: bool,
    batch: usize,
    on_rows: impl FnMut(Rows<'_>) -> bool,
) -> Result<ChunkEnd, Vec<Diagnostic>> {
    let io = |e: std::io::Error| {
        vec![Diagnostic::error(
            "io-error",
            Span::file(shown),
            format!("cannot read: {e}"),
        )]
    };
    let h = std::fs::File::open(path).map_err(io)?;
    let (header, mut reader) = read_header(shown, h, columns)?;
    if start == 0 {
        return read_batches(shown, &mut reader, &header, stop, batch, on_rows);
    }
    let mut h = std::fs::File::open(path).map_err(io)?;
    let lines = if absolute {
        count_lines(&mut h, start).map_err(io)?
    } else {
        0
    };
    h.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut reader = RecordReader::at(h, start, lines, false);
    match read_batches(shown, &mut reader, &header, stop, batch, on_rows) {
        // Only a chunk that starts inside a quoted field can see a quote "open" and run to
        // the end; reading the file in one piece tells whether a quote really is unclosed.
        Err(d) if d.iter().any(|d| d.code == "unterminated-quote") => Ok(ChunkEnd {
            misaligned: true,
            ..ChunkEnd::default()
        }),
        other => other,
    }
}
