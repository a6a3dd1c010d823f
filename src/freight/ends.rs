//! Where used legs start and end, settled over the whole file: the leg gaps of shipments
//! (leg n + 1 not starting where leg n ended) and, when the file was read in chunks, the
//! elements a later chunk used again (duplicates it could not see).
//!
//! Each chunk's map is kept in the order read (a hash probe per row finds a duplicate) and
//! sorted by element once the chunk is read ([`sort`]); the maps are walked together in
//! element order (a merge, no map of the whole file), so the gaps come out in the order one
//! map would give.

use super::rows::ElementId;
use crate::diag::{Diagnostic, Span};
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::ops::Bound;
use std::sync::Arc;

/// The places named in the file, each kept once: a million legs between a few ports keep
/// a few names, not two copies per leg.
#[derive(Default)]
pub(super) struct Places {
    ids: FxHashMap<String, usize>,
    names: Vec<String>,
}

impl Places {
    pub fn id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        let i = self.names.len();
        self.ids.insert(name.to_string(), i);
        self.names.push(name.to_string());
        i
    }

    fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }
}

/// Where a used leg starts and ends (places by id in its chunk's `Places`), and where its
/// origin is written: its line and the origin's field (0: none). Small, with no shared
/// reference to count: a million of these are kept.
pub(super) struct LegEnds {
    pub origin: usize,
    pub destination: usize,
    pub line: u64,
    pub origin_field: u32,
}

impl LegEnds {
    /// The span of the origin in `file`.
    fn origin_at(&self, file: &Arc<str>) -> Span {
        let line = Span::line(file, self.line);
        match self.origin_field {
            0 => line,
            f => line.at(f as usize),
        }
    }
}

/// A chunk's used elements with their ends: in the order read, until [`sort`]ed.
pub(super) type Ends = indexmap::IndexMap<ElementId, LegEnds, FxBuildHasher>;

/// The ends of one chunk (the whole file when read in one piece), sorted by element.
pub(super) type ChunkEnds<'a> = (&'a indexmap::map::Slice<ElementId, LegEnds>, &'a Places);

/// Sorts a chunk's ends by element, for the walk. Elements are unique in a chunk, so the
/// unstable sort has one result; a file written in shipment order is already sorted, which
/// the sort sees in one pass.
pub(super) fn sort(ends: &mut Ends) {
    ends.sort_unstable_keys();
}

/// Where the elements of `range` are in the sorted `m`: a range of indices.
fn indices(m: &indexmap::map::Slice<ElementId, LegEnds>, range: Range<'_>) -> (usize, usize) {
    let lo = match range.0 {
        Bound::Unbounded => 0,
        Bound::Included(k) => m.partition_point(|x, _| x < k),
        Bound::Excluded(k) => m.partition_point(|x, _| x <= k),
    };
    let hi = match range.1 {
        Bound::Unbounded => m.len(),
        Bound::Included(k) => m.partition_point(|x, _| x <= k),
        Bound::Excluded(k) => m.partition_point(|x, _| x < k),
    };
    (lo, hi.max(lo))
}

/// What the chunks' ends say together.
pub(super) struct Settled {
    /// A warning per leg gap, in element order.
    pub gaps: Vec<Diagnostic>,
    /// Per chunk, the elements an earlier chunk used first, with that first line: the chunk
    /// must be read again with them as seeds (empty when the chunk stands).
    pub seeds: Vec<FxHashMap<ElementId, u64>>,
}

impl Settled {
    /// Whether every chunk stands as read.
    pub fn stands(&self) -> bool {
        self.seeds.iter().all(FxHashMap::is_empty)
    }
}

/// Walks the chunks' ends in element order (chunks in file order, so on equal elements the
/// earliest chunk's comes first and is the one kept). A large file's walk is split at an
/// element into two halves walked on two threads (each half's gaps are in element order, and
/// the second half starts from the element before the split).
pub(super) fn settle(file: &Arc<str>, chunks: &[ChunkEnds<'_>]) -> Settled {
    debug_assert!(chunks.iter().all(|(m, _)| m.keys().is_sorted()));
    let total: usize = chunks.iter().map(|(m, _)| m.len()).sum();
    let split = (total >= SPLIT_AT)
        .then(|| {
            let (m, _) = chunks.iter().max_by_key(|(m, _)| m.len())?;
            m.get_index(m.len() / 2).map(|(k, _)| k)
        })
        .flatten();
    let Some(split) = split else {
        return walk(file, chunks, (Bound::Unbounded, Bound::Unbounded), None);
    };
    // The element just before the split, in the earliest chunk that has it.
    let before = chunks
        .iter()
        .filter_map(|(m, p)| {
            let (_, below) = indices(m, (Bound::Unbounded, Bound::Excluded(split)));
            below
                .checked_sub(1)
                .and_then(|i| m.get_index(i))
                .map(|(k, v)| (k, v, *p))
        })
        .fold(
            None,
            |best: Option<(&ElementId, &LegEnds, &Places)>, x| match best {
                Some(b) if b.0 >= x.0 => Some(b),
                _ => Some(x),
            },
        );
    let (first, second) = std::thread::scope(|s| {
        let second = s.spawn(|| {
            walk(
                file,
                chunks,
                (Bound::Included(split), Bound::Unbounded),
                before,
            )
        });
        let first = walk(
            file,
            chunks,
            (Bound::Unbounded, Bound::Excluded(split)),
            None,
        );
        (first, second.join())
    });
    let second = match second {
        Ok(s) => s,
        // The walk panicked there: again here, where the panic is reported.
        Err(_) => walk(
            file,
            chunks,
            (Bound::Included(split), Bound::Unbounded),
            before,
        ),
    };
    let mut settled = first;
    settled.gaps.extend(second.gaps);
    for (mine, theirs) in settled.seeds.iter_mut().zip(second.seeds) {
        mine.extend(theirs);
    }
    settled
}

/// Elements over all chunks from which the walk is split in two.
const SPLIT_AT: usize = 1 << 16;

type Range<'k> = (Bound<&'k ElementId>, Bound<&'k ElementId>);

/// The walk over the elements in `range`, `prev` the kept element before it (if any).
fn walk<'a>(
    file: &Arc<str>,
    chunks: &[ChunkEnds<'a>],
    range: Range<'_>,
    mut prev: Option<(&'a ElementId, &'a LegEnds, &'a Places)>,
) -> Settled {
    let mut heads: Vec<_> = chunks
        .iter()
        .map(|(m, _)| {
            let (lo, hi) = indices(m, range);
            m[lo..hi].iter().peekable()
        })
        .collect();
    let mut seeds = vec![FxHashMap::default(); chunks.len()];
    let mut gaps = Vec::new();
    loop {
        let mut best: Option<(usize, &ElementId)> = None;
        for (i, h) in heads.iter_mut().enumerate() {
            if let Some(&(k, _)) = h.peek() {
                if best.is_none_or(|(_, b)| k < b) {
                    best = Some((i, k));
                }
            }
        }
        let Some((i, _)) = best else { break };
        let Some((k, v)) = heads[i].next() else { break };
        let places = chunks[i].1;
        for (j, h) in heads.iter_mut().enumerate().skip(i + 1) {
            if h.next_if(|(x, _)| *x == k).is_some() {
                if let Some(s) = seeds.get_mut(j) {
                    s.insert(k.clone(), v.line);
                }
            }
        }
        if let Some((pk, pv, pp)) = prev {
            let next_leg = pk.0 == k.0 && pk.1 + 1 == k.1;
            let (end, start) = (pp.name(pv.destination), places.name(v.origin));
            if next_leg && !end.trim().eq_ignore_ascii_case(start.trim()) {
                gaps.push(
                    Diagnostic::warning(
                        "leg-gap",
                        v.origin_at(file),
                        format!(
                            "shipment {} leg {} starts at `{}` but leg {} (line {}) ended at `{}`",
                            k.0, k.1, start, pk.1, pv.line, end
                        ),
                    )
                    .with_hint("a leg may be missing, or a place is spelt two ways"),
                );
            }
        }
        prev = Some((k, v, places));
    }
    Settled { gaps, seeds }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two chunks' ends: shipments of one to three legs, with a gap in every seventh and an
    /// element of chunk 0 used again in chunk 1 every thirteenth (a duplicate to settle).
    fn chunks() -> Vec<(Ends, Places)> {
        let mut out: Vec<(Ends, Places)> = (0..2)
            .map(|_| (Ends::default(), Places::default()))
            .collect();
        let mut line = 1u64;
        for s in 0..40_000u32 {
            let c = usize::from(s >= 20_000);
            for leg in 1..=1 + s % 3 {
                let (m, p) = &mut out[c];
                let from = if s % 7 == 0 && leg > 1 {
                    "elsewhere"
                } else {
                    "hub"
                };
                let ends = LegEnds {
                    origin: p.id(from),
                    destination: p.id("hub"),
                    line,
                    origin_field: 7,
                };
                m.insert((format!("S{s}").into(), leg), ends);
                line += 1;
            }
            if s % 13 == 0 && c == 0 {
                let (m, p) = &mut out[1];
                let ends = LegEnds {
                    origin: p.id("hub"),
                    destination: p.id("hub"),
                    line: 1_000_000 + u64::from(s),
                    origin_field: 7,
                };
                m.insert((format!("S{s}").into(), 1), ends);
            }
        }
        for (m, _) in &mut out {
            sort(m);
        }
        out
    }

    #[test]
    fn the_walk_split_in_two_is_the_whole_walk() {
        let owned = chunks();
        let ends: Vec<ChunkEnds<'_>> = owned.iter().map(|(m, p)| (m.as_slice(), p)).collect();
        assert!(ends.iter().map(|(m, _)| m.len()).sum::<usize>() >= SPLIT_AT);
        let file: Arc<str> = Arc::from("shipments.csv");
        let split = settle(&file, &ends);
        let whole = walk(&file, &ends, (Bound::Unbounded, Bound::Unbounded), None);
        // Every gap: a shipment 7k's legs after the first start elsewhere (s % 3 of them).
        let expected: u32 = (0..40_000u32).filter(|s| s % 7 == 0).map(|s| s % 3).sum();
        assert_eq!(whole.gaps.len(), expected as usize);
        assert_eq!(split.gaps, whole.gaps);
        // Chunk 1 is read again with every element chunk 0 used first.
        assert_eq!(
            whole.seeds[1].len(),
            (0..20_000u32).filter(|s| s % 13 == 0).count()
        );
        assert_eq!(split.seeds, whole.seeds);
        // Read in the opposite order, the sorted ends walk the same.
        let reversed: Vec<(Ends, Places)> = chunks()
            .into_iter()
            .map(|(m, p)| {
                let mut r: Ends = m.into_iter().rev().collect();
                sort(&mut r);
                (r, p)
            })
            .collect();
        let ends: Vec<ChunkEnds<'_>> = reversed.iter().map(|(m, p)| (m.as_slice(), p)).collect();
        let again = settle(&file, &ends);
        assert_eq!(again.gaps, whole.gaps);
        assert_eq!(again.seeds, whole.seeds);
    }
}
