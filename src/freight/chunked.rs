//! The totals path on several cores: shipments.csv cut into byte ranges on row boundaries
//! (`ingest::chunk_bounds`), each range read, priced and summed on a thread of its own with
//! its own [`Rows`]. What depends on earlier rows is then settled in file order: the chunks'
//! ends are walked together (`ends::settle`) for the leg gaps, and a chunk that used an
//! element an earlier chunk had used is read again with those elements as seeds, so that its
//! rows are rejected as duplicates exactly as in one piece (rare: a re-read costs a chunk).
//!
//! Every chunk numbers its lines from the file's start, so diagnostics keep their lines; the
//! chunks' items are taken in chunk order, so they keep the file's order.

use super::ends::{settle, ChunkEnds};
use super::outcome::Outcome;
use super::pipeline::{self, Price};
use super::rows::{ElementId, RowCx, Rows};
use super::COLUMNS;
use crate::diag::Diagnostic;
use crate::ingest::{chunk_bounds, consistent, read_chunk, ChunkEnd};
use crate::register::Entry;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::Arc;

/// Below this size the file is read in one piece when the thread count is the register's
/// choice: a thread costs more than it saves on a small file.
const MIN_SPLIT: u64 = 4 << 20;

/// How many chunks to read the file in: `threads`, or with 0 one per core for a large file.
pub(super) fn count(threads: usize, path: &Path) -> usize {
    match threads {
        0 if std::fs::metadata(path).map_or(0, |m| m.len()) < MIN_SPLIT => 1,
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
}

/// One chunk read, priced and summed.
pub(super) struct Chunk {
    pub rows: Rows,
    pub outcome: Outcome,
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
    end: ChunkEnd,
}

/// The file read in chunks.
pub(super) struct Chunks {
    pub chunks: Vec<Chunk>,
    /// Rows read.
    pub rows: u64,
    /// The leg gaps over the whole file.
    pub gaps: Vec<Diagnostic>,
}

/// What reading a chunk needs.
#[derive(Clone, Copy)]
pub(super) struct ChunkCx<'a> {
    pub rows: &'a RowCx<'a>,
    pub price: &'a Price<'a>,
    pub file: &'a Arc<str>,
    pub path: &'a Path,
}

impl<'a> ChunkCx<'a> {
    /// How the totals path sums this file's legs.
    pub(super) fn summing(&self) -> super::sums::Summing<'a> {
        super::sums::Summing {
            file: self.file,
            category: self.rows.project.manifest.freight.category,
        }
    }
}

/// Reads the file in `n` chunks, or `None` when it cannot be (one chunk only, a file-level
/// problem, a quoted field across a boundary): the caller reads it in one piece, which
/// reports any problem as it always has.
pub(super) fn run(cx: ChunkCx<'_>, n: usize) -> Option<Chunks> {
    let bounds = chunk_bounds(cx.path, n);
    if bounds.len() < 2 {
        return None;
    }
    let none = vec![FxHashMap::default(); bounds.len()];
    let mut chunks: Vec<Chunk> = read_all(cx, &bounds, none)?
        .into_iter()
        .collect::<Option<_>>()?;
    let ends: Vec<ChunkEnd> = chunks.iter().map(|c| c.end).collect();
    if !consistent(&ends) {
        return None;
    }
    let mut settled = settle(cx.file, &ends_of(&chunks));
    if !settled.stands() {
        let again = read_all(cx, &bounds, settled.seeds)?;
        for (c, a) in chunks.iter_mut().zip(again) {
            if let Some(a) = a {
                *c = a;
            }
        }
        settled = settle(cx.file, &ends_of(&chunks));
        if !settled.stands() {
            return None;
        }
    }
    Some(Chunks {
        rows: chunks.iter().map(|c| c.end.rows).sum(),
        chunks,
        gaps: settled.gaps,
    })
}

fn ends_of(chunks: &[Chunk]) -> Vec<ChunkEnds<'_>> {
    chunks
        .iter()
        .map(|c| (c.rows.ends.as_slice(), &c.rows.places))
        .collect()
}

/// Reads every chunk that has seeds (all of them the first time: `seeds` are empty), each on
/// a thread, the first on this one; `None` for a chunk not read again. `None` when a chunk
/// cannot be read.
fn read_all(
    cx: ChunkCx<'_>,
    bounds: &[(u64, Option<u64>)],
    seeds: Vec<FxHashMap<ElementId, u64>>,
) -> Option<Vec<Option<Chunk>>> {
    let first = seeds.iter().all(FxHashMap::is_empty);
    let jobs: Vec<_> = bounds
        .iter()
        .zip(seeds)
        .map(|(b, s)| (first || !s.is_empty()).then_some((*b, s)))
        .collect();
    std::thread::scope(|scope| {
        let mut jobs = jobs.into_iter();
        let here = jobs.next().flatten();
        let handles: Vec<_> = jobs
            .map(|j| j.map(|(b, s)| scope.spawn(move || read_one(cx, b, s))))
            .collect();
        let mut out = Vec::with_capacity(bounds.len());
        out.push(match here {
            Some((b, s)) => Some(read_one(cx, b, s)?),
            None => None,
        });
        for h in handles {
            out.push(match h {
                // A thread that panicked: read in one piece (which would panic the same way).
                Some(h) => Some(h.join().ok().flatten()?),
                None => None,
            });
        }
        Some(out)
    })
}

/// Reads, prices and sums one chunk (line numbers from the file's start).
fn read_one(
    cx: ChunkCx<'_>,
    bounds: (u64, Option<u64>),
    seeds: FxHashMap<ElementId, u64>,
) -> Option<Chunk> {
    // The chunk's own copy of the file's name: every leg's spans and entries clone it, and
    // threads cloning one shared `Arc` contend for its count.
    let file: Arc<str> = Arc::from(&**cx.file);
    let cx = ChunkCx { file: &file, ..cx };
    let mut rows = Rows::seeded(seeds);
    let mut outcome = Outcome::default();
    let mut entries = Vec::new();
    let mut end = None;
    pipeline::run(
        1,
        cx.file,
        (cx.price, Some(cx.summing())),
        |emit| {
            end = read_chunk(cx.file, cx.path, COLUMNS, bounds, true, |row| {
                rows.read(cx.rows, row, emit);
                true
            })
            .ok();
        },
        &mut |item| outcome.apply(item, &mut |e| entries.push(e)),
    );
    let end = end.filter(|e| !e.misaligned)?;
    super::ends::sort(&mut rows.ends);
    Some(Chunk {
        rows,
        outcome,
        entries,
        end,
    })
}
