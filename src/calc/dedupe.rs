//! Duplicate rows, found exactly in bounded memory. Every validated row's identity —
//! facility, period, carrier or gas, quantity and unit (aliases and trailing zeros
//! normalised), and `ref` — is fingerprinted into a blocked Bloom filter of at most 128 MiB,
//! sized to the file and shared by all threads. Rows the filter has maybe seen are candidates; only if there are candidates is the
//! file read again, comparing the identities of candidate rows themselves.

use crate::activity::{Activity, Carrier, Period, Subject};
use crate::diag::{Diagnostic, Span};
use crate::ingest::{line_offsets, read_chunk, ChunkEnd, Column, RowRef};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// The subject of an identity: a carrier, or a gas by its canonical name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SubjectKey {
    Carrier(Carrier),
    Gas(String),
}

/// A row's normalised identity: borrowed where possible, so fingerprinting allocates nothing
/// for carriers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity<'a> {
    facility: &'a str,
    period: Period,
    subject: SubjectKey,
    quantity: (i128, u32),
    unit: u16,
    reference: &'a str,
}

/// A validated row's normalised identity: its facility and `ref` as written, and the parsed
/// period, carrier or gas, quantity (trailing zeros removed) and unit.
pub fn identity<'a>(row: &RowRef<'a>, a: &Activity, ref_col: usize) -> Identity<'a> {
    let q = a.quantity.normalize();
    Identity {
        facility: row.get(0),
        period: a.period,
        subject: match &a.subject {
            Subject::Carrier(c) => SubjectKey::Carrier(*c),
            Subject::Gas(g) => SubjectKey::Gas(g.clone()),
        },
        quantity: (q.mantissa(), q.scale()),
        unit: a.unit.index,
        reference: row.get(ref_col),
    }
}

/// The SplitMix64 finaliser: 64 well-mixed bits from 64.
fn mix(z: u64) -> u64 {
    let mut z = z ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 128-bit fingerprint of an identity (FxHash, deterministic). Its quality only affects how
/// often a non-duplicate becomes a candidate; candidates are always confirmed exactly.
pub fn fingerprint(identity: &Identity<'_>) -> (u64, u64) {
    let mut h = rustc_hash::FxHasher::default();
    identity.hash(&mut h);
    let h1 = h.finish();
    // Second 64 bits for the filter's bit positions (SplitMix64 finaliser of the first).
    (h1, mix(h1))
}

/// A blocked Bloom filter of at most 128 MiB: each identity sets 16 bits of one 512-bit block
/// (a cache line), so an insert touches one line. Inserts into a block are serialised by one
/// of 4,096 striped spin locks, so two threads inserting the same identity at the same moment
/// cannot both miss each other. At 10 million rows a block holds about five identities and a
/// row that was never seen is flagged with a probability near 10⁻¹²: a second reading of the
/// file (to confirm candidates) is then rare. (One 64-bit word per identity, as before, gave
/// about 40 false candidates at that size, and with them a second reading every time.)
pub struct Bloom {
    blocks: Vec<Block>,
    log2: u32,
    locks: Vec<AtomicBool>,
}

/// One cache line of filter bits.
#[repr(align(64))]
#[derive(Default)]
struct Block([AtomicU64; 8]);

/// Spin locks guarding the blocks (block i is guarded by lock i mod STRIPES).
const STRIPES: usize = 1 << 12;
/// Bits set per identity.
const BITS: u64 = 16;

impl Bloom {
    /// A filter for a file of `bytes` bytes: 2^21 blocks (128 MiB) for any file of 8 MiB or
    /// more, whatever its number of rows; smaller files get about one 64-bit word per 8 bytes.
    pub fn for_file_size(bytes: u64) -> Self {
        let want_words = if bytes >= 8 << 20 {
            1 << 24
        } else {
            (bytes / 8).max(1)
        };
        let want = (want_words / 8).max(1);
        let log2 = (64 - want.leading_zeros()).clamp(7, 21);
        Bloom {
            blocks: (0..1usize << log2).map(|_| Block::default()).collect(),
            log2,
            locks: (0..STRIPES).map(|_| AtomicBool::new(false)).collect(),
        }
    }
}

/// Rows waiting to be inserted into the filter, a batch at a time: the filter is far larger
/// than the caches, so each insert misses; touching a whole batch's words first lets those
/// misses overlap instead of stalling once per row.
#[derive(Default)]
pub struct Pending {
    items: Vec<((u64, u64), Option<u64>)>,
}

/// Rows per batch.
const BATCH: usize = 64;

impl Pending {
    /// Queues a row's fingerprint and pre-key; flushes into `bloom` when the batch is full.
    pub fn push(
        &mut self,
        item: ((u64, u64), Option<u64>),
        bloom: &Bloom,
        candidates: &mut Candidates,
    ) {
        self.items.push(item);
        if self.items.len() >= BATCH {
            self.flush(bloom, candidates);
        }
    }

    /// Inserts every queued row, recording those the filter may have seen.
    pub fn flush(&mut self, bloom: &Bloom, candidates: &mut Candidates) {
        let mut touch = 0u64;
        for (fp, _) in &self.items {
            touch ^= bloom.word(*fp).load(Ordering::Relaxed);
        }
        std::hint::black_box(touch);
        for (fp, pk) in self.items.drain(..) {
            if bloom.insert(fp) {
                candidates.add(fp, pk);
            }
        }
    }
}

impl Bloom {
    fn block_index(&self, (h1, _): (u64, u64)) -> usize {
        (h1 >> (64 - self.log2)) as usize
    }

    fn word(&self, fp: (u64, u64)) -> &AtomicU64 {
        &self.blocks[self.block_index(fp)].0[0]
    }

    /// Inserts a fingerprint; true if it may have been inserted before.
    pub fn insert(&self, fp: (u64, u64)) -> bool {
        // 16 bit positions in 0..512, 9 independent hash bits each (7 per 64-bit word; the
        // words after h2 by the SplitMix64 finaliser). Independent positions matter: two
        // identities sharing a block must not share a whole pattern.
        let (_, h2) = fp;
        let mut masks = [0u64; 8];
        let mut x = h2;
        for i in 0..BITS {
            if i % 7 == 0 && i > 0 {
                x = mix(x);
            }
            let pos = (x >> (9 * (i % 7))) & 511;
            masks[(pos >> 6) as usize] |= 1 << (pos & 63);
        }
        let index = self.block_index(fp);
        let block = &self.blocks[index].0;
        let lock = &self.locks[index & (STRIPES - 1)];
        while lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        let mut seen = true;
        for (w, m) in block.iter().zip(masks) {
            if m != 0 {
                let old = w.load(Ordering::Relaxed);
                seen &= old & m == m;
                w.store(old | m, Ordering::Relaxed);
            }
        }
        lock.store(false, Ordering::Release);
        seen
    }
}

/// A row whose identity is a candidate's: its line, its identity as text, and the row's text.
type Hit = (u64, String, String);

/// A confirmed duplicate: its line, the line of the first copy, and its text.
pub type Duplicate = (u64, u64, String);

/// Rows the filter flagged in the first pass: their fingerprints, and a cheap pre-key (a hash
/// of facility, period and `ref` as written) that any equal row shares, so the second reading
/// can skip almost every row without computing its full identity.
#[derive(Debug, Default, Clone)]
pub struct Candidates {
    fingerprints: HashSet<(u64, u64)>,
    prekeys: HashSet<u64>,
}

/// The cheap pre-key of a row (see `Candidates`).
pub fn prekey(row: &RowRef<'_>, ref_col: usize) -> Option<u64> {
    Some(prekey_of(
        row.get(0),
        Period::parse_activity(row.get(1))?,
        row.get(ref_col),
    ))
}

/// The pre-key from its parts (a validated row's period is already parsed).
pub fn prekey_of(facility: &str, period: Period, reference: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    facility.hash(&mut h);
    period.hash(&mut h);
    reference.hash(&mut h);
    h.finish()
}

impl Candidates {
    /// Records a flagged row by its fingerprint and pre-key.
    pub fn add(&mut self, fingerprint: (u64, u64), prekey: Option<u64>) {
        self.fingerprints.insert(fingerprint);
        if let Some(k) = prekey {
            self.prekeys.insert(k);
        }
    }
    /// Adds another worker's candidates.
    pub fn extend(&mut self, other: Candidates) {
        self.fingerprints.extend(other.fingerprints);
        self.prekeys.extend(other.prekeys);
    }
    /// How many rows were flagged.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }
    /// True when nothing was flagged.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

/// Reads the file again (in chunks, on `threads` threads) and confirms candidates by their
/// identities. Memory grows only with the number of candidates.
pub fn confirm(
    file: &Arc<str>,
    path: &std::path::Path,
    columns: &[Column],
    ref_col: usize,
    parse: impl Fn(&RowRef<'_>) -> Option<Activity> + Sync,
    candidates: &Candidates,
    threads: usize,
) -> Result<Vec<Duplicate>, Vec<Diagnostic>> {
    // Each chunk lists, in line order, the rows whose identity is a candidate's.
    let check = |row: &RowRef<'_>, hits: &mut Vec<Hit>| {
        if let Some(a) = parse(row) {
            let id = identity(row, &a, ref_col);
            if candidates.fingerprints.contains(&fingerprint(&id)) {
                hits.push((row.line(), format!("{id:?}"), row.text()));
            }
        }
    };
    // Chunks number their lines from their own start (the same physical-line counter as the
    // first reading); the offsets come from where each chunk stopped.
    let scan = |bounds: (u64, Option<u64>)| {
        let mut hits: Vec<Hit> = Vec::new();
        let end = read_chunk(file, path, columns, bounds, false, |row| {
            if prekey(row, ref_col).is_some_and(|k| candidates.prekeys.contains(&k)) {
                check(row, &mut hits);
            }
        })?;
        Ok((hits, end))
    };
    let chunks: Vec<Vec<Hit>> = match super::run::in_chunks(path, threads, scan)? {
        Some(c) => {
            let ends: Vec<ChunkEnd> = c.iter().map(|(_, e)| *e).collect();
            c.into_iter()
                .zip(line_offsets(&ends))
                .map(|((hits, _), off)| hits.into_iter().map(|(l, k, t)| (l + off, k, t)).collect())
                .collect()
        }
        None => vec![scan((0, None))?.0],
    };
    let mut first: HashMap<String, u64> = HashMap::new();
    let mut dups = Vec::new();
    for (line, key, text) in chunks.into_iter().flatten() {
        match first.get(&key) {
            Some(&l) => dups.push((line, l, text)),
            None => {
                first.insert(key, line);
            }
        }
    }
    Ok(dups)
}

/// The diagnostic of a confirmed duplicate.
pub fn diagnostic(file: &Arc<str>, (line, orig, text): &Duplicate, what: &str) -> Diagnostic {
    Diagnostic::error(
        "duplicate-row",
        Span::line(file, *line),
        format!("duplicate of line {orig}: same facility, period, {what}, quantity, unit and ref"),
    )
    .with_hint(
        "remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)",
    )
    .with_source(text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(i: u64) -> (u64, u64) {
        let h1 = mix(i.wrapping_mul(0x2545_F491_4F6C_DD1D));
        (h1, mix(h1))
    }

    /// A filter sized for a 64 MiB file (the full 128 MiB) holds a million distinct
    /// identities without flagging any, and flags every one inserted again.
    #[test]
    fn distinct_identities_are_not_flagged_and_repeats_are() {
        let bloom = Bloom::for_file_size(64 << 20);
        let flagged = (0..1_000_000u64).filter(|&i| bloom.insert(fp(i))).count();
        assert_eq!(flagged, 0);
        assert!((0..1_000u64).all(|i| bloom.insert(fp(i))));
    }

    /// Two threads inserting the same identities at the same time: for each identity at least
    /// one of the two inserts reports it as seen (a duplicate is never missed by a race).
    #[test]
    fn concurrent_inserts_of_the_same_identity_never_both_miss() {
        let bloom = Bloom::for_file_size(1 << 20);
        let n = 100_000u64;
        let (a, b) = std::thread::scope(|s| {
            let run = || {
                let bloom = &bloom;
                move || (0..n).map(|i| bloom.insert(fp(i))).collect::<Vec<bool>>()
            };
            let ta = s.spawn(run());
            let tb = s.spawn(run());
            (ta.join().unwrap(), tb.join().unwrap())
        });
        assert!(a.iter().zip(&b).all(|(x, y)| *x || *y));
    }
}
