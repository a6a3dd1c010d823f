//! Where used legs start and end, settled over the whole file: the leg gaps of shipments
//! (leg n + 1 not starting where leg n ended) and, when the file was read in chunks, the
//! elements a later chunk used again (duplicates it could not see).
//!
//! Each chunk's map is sorted by element; the maps are walked together in element order (a
//! merge, no map of the whole file), so the gaps come out in the order one map would give.

use super::rows::ElementId;
use crate::diag::{Diagnostic, Span};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
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

/// The ends of one chunk (the whole file when read in one piece).
pub(super) type ChunkEnds<'a> = (&'a BTreeMap<ElementId, LegEnds>, &'a Places);

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
/// earliest chunk's comes first and is the one kept).
pub(super) fn settle(file: &Arc<str>, chunks: &[ChunkEnds<'_>]) -> Settled {
    let mut heads: Vec<_> = chunks.iter().map(|(m, _)| m.iter().peekable()).collect();
    let mut seeds = vec![FxHashMap::default(); chunks.len()];
    let mut gaps = Vec::new();
    let mut prev: Option<(&ElementId, &LegEnds, &Places)> = None;
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
