//! Duplicate rows, found exactly in bounded memory. Every validated row's identity —
//! facility, period, carrier or gas (with a screening row's equipment and stage), the source
//! it declares (its file's default the same as none), quantity and unit (aliases and
//! trailing zeros normalised), and `ref` — is fingerprinted; the fingerprints are partitioned by hash and
//! spilled to temporary files (`Spill`), and each partition is checked in a hash set after the pass. Records
//! seen twice are candidates; only if there are candidates is the file read again, comparing
//! the identities of candidate rows themselves (a duplicate is never decided on a hash).

use crate::activity::{Activity, Carrier, Period, Source, Subject};
use crate::diag::{Diagnostic, Span};
use crate::ingest::{line_offsets, read_chunk, ChunkEnd, Column, RowRef};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The subject of an identity: a carrier, or a gas by its canonical name with the screening
/// rate a row names (`equipment` and `stage`): the disposal of one unit and the operation of
/// another with the same charge are two events, not one row entered twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SubjectKey {
    Carrier(Carrier),
    Gas(String, Option<String>),
}

/// A row's normalised identity: borrowed where possible, so fingerprinting allocates nothing
/// for carriers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity<'a> {
    facility: &'a str,
    period: Period,
    subject: SubjectKey,
    /// The declared source, the file's default (stationary, fugitive) as none: a generator's
    /// and a fleet's diesel of one month with equal quantities are two rows, not one row
    /// entered twice.
    source: Option<Source>,
    quantity: (i128, u32),
    unit: u16,
    reference: &'a str,
}

/// A validated row's normalised identity: its facility and `ref` as written, and the parsed
/// period, carrier or gas, source (the default as none), quantity (trailing zeros removed)
/// and unit.
pub fn identity<'a>(row: &RowRef<'a>, a: &Activity, ref_col: usize) -> Identity<'a> {
    let q = a.quantity.normalize();
    Identity {
        facility: row.get(0),
        period: a.period,
        subject: match &a.subject {
            Subject::Carrier(c) => SubjectKey::Carrier(*c),
            Subject::Gas(g) => SubjectKey::Gas(g.clone(), a.factor.as_ref().map(|r| r.to_string())),
        },
        source: match a.source {
            Some(Source::Stationary | Source::Fugitive) | None => None,
            other => other,
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

/// The record of one row: its identity's 64-bit fingerprint and its pre-key. Two copies of a
/// row have equal records; two different rows have equal records only if both 64-bit hashes
/// collide (and even then the second reading compares identities, so nothing is decided on a
/// hash).
pub fn record(identity: &Identity<'_>, prekey: u64) -> u128 {
    (u128::from(fingerprint(identity).0) << 64) | u128::from(prekey)
}

/// Partitions of the records of a large file (a partition is checked in memory on its own).
const PARTITIONS: usize = 256;
/// Records a worker holds per partition before appending them to the partition's file.
const BUFFERED: usize = 1024;
/// Files smaller than this keep their records in memory (one partition, never spilled).
const SPILL_MIN_BYTES: u64 = 8 << 20;

/// Exact duplicate detection in bounded memory, shared by the workers of one file. Every
/// validated row's record goes to one of 256 partitions (by hash); each worker buffers 16 KiB
/// per partition and appends full buffers to the partition's file in a private temporary
/// directory. After the pass each partition is read back alone into a hash set, and every
/// record seen twice is a candidate; only if there are candidates is the data file read again
/// (`confirm`). Memory: 4 MiB of buffers per worker and one partition at a time (about 16
/// bytes × rows / 256 and its set: 1–2 MiB at 10⁷ rows, 10–20 MiB at 10⁸).
/// The result is a set, so it does not depend on the number of threads or on the split.
/// When the temporary directory cannot be written, records stay in memory (still exact).
pub struct Spill {
    partitions: usize,
    dir: std::sync::Mutex<SpillDir>,
    workers: std::sync::atomic::AtomicU32,
    /// Records not written to disk (small files, the workers' last buffers when nothing was
    /// spilled, or everything when the directory cannot be written), by partition.
    memory: std::sync::Mutex<Vec<Vec<u128>>>,
}

/// The temporary directory, created on the first spill; removed when the `Spill` is dropped.
enum SpillDir {
    NotYet,
    Ready(std::path::PathBuf),
    Unavailable,
}

impl Spill {
    /// A spill for a file of `bytes` bytes (small files keep everything in memory).
    pub fn for_file_size(bytes: u64) -> Self {
        let partitions = if bytes >= SPILL_MIN_BYTES {
            PARTITIONS
        } else {
            1
        };
        Spill {
            partitions,
            dir: std::sync::Mutex::new(SpillDir::NotYet),
            workers: std::sync::atomic::AtomicU32::new(0),
            memory: std::sync::Mutex::new(vec![Vec::new(); partitions]),
        }
    }

    fn partition(&self, record: u128) -> usize {
        // The top bits of a mix of both halves (FxHash's high bits alone are weak).
        let h = mix((record >> 64) as u64 ^ (record as u64).rotate_left(32));
        (h >> 56) as usize & (self.partitions - 1)
    }

    /// The spill directory, created on first use; `None` when it cannot be.
    fn dir(&self) -> Option<std::path::PathBuf> {
        let mut d = self.dir.lock().ok()?;
        if let SpillDir::NotYet = *d {
            *d = SpillDir::Unavailable;
            let base = std::env::temp_dir();
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |t| t.subsec_nanos());
            for attempt in 0..16u32 {
                let p = base.join(format!(
                    "carbonledger_dedupe_{}_{nanos}_{attempt}",
                    std::process::id()
                ));
                if std::fs::create_dir(&p).is_ok() {
                    *d = SpillDir::Ready(p);
                    break;
                }
            }
        }
        match &*d {
            SpillDir::Ready(p) => Some(p.clone()),
            _ => None,
        }
    }

    /// Appends records to partition `p`'s file of worker `w`; false if it cannot.
    fn write(&self, w: u32, p: usize, records: &[u128]) -> bool {
        use std::io::Write;
        let Some(dir) = self.dir() else { return false };
        let mut bytes = Vec::with_capacity(records.len() * 16);
        for r in records {
            bytes.extend_from_slice(&r.to_le_bytes());
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("p{p:03}_w{w}")))
            .and_then(|mut f| f.write_all(&bytes))
            .is_ok()
    }

    fn keep(&self, p: usize, records: &mut Vec<u128>) {
        if let Ok(mut m) = self.memory.lock() {
            m[p].append(records);
        }
    }

    /// After every worker finished: the records seen more than once, found partition by
    /// partition on `threads` threads (each partition is its own: a record is in one).
    pub fn candidates(&self, threads: usize) -> Result<Candidates, std::io::Error> {
        let dir = match self.dir.lock() {
            Ok(d) => match &*d {
                SpillDir::Ready(p) => Some(p.clone()),
                _ => None,
            },
            Err(_) => None,
        };
        let files: Vec<std::path::PathBuf> = match &dir {
            Some(d) => std::fs::read_dir(d)?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let mut memory = match self.memory.lock() {
            Ok(mut m) => std::mem::take(&mut *m),
            Err(_) => Vec::new(),
        };
        memory.resize_with(self.partitions, Vec::new);
        let threads = threads.clamp(1, self.partitions);
        // Partition p to thread p mod threads, with its records kept in memory.
        let mut shares: Vec<Vec<(usize, Vec<u128>)>> = (0..threads).map(|_| Vec::new()).collect();
        for (p, records) in memory.into_iter().enumerate() {
            shares[p % threads].push((p, records));
        }
        let files = &files;
        let found: Vec<Result<Candidates, std::io::Error>> = if threads == 1 {
            shares
                .into_iter()
                .map(|share| repeated(share, files))
                .collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = shares
                    .into_iter()
                    .map(|share| scope.spawn(move || repeated(share, files)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        let mut out = Candidates::default();
        for f in found {
            out.extend(f?);
        }
        Ok(out)
    }
}

/// The records of each partition of `share` (its records kept in memory, and its spill files
/// among `files`, read and removed) seen more than once.
fn repeated(
    share: Vec<(usize, Vec<u128>)>,
    files: &[std::path::PathBuf],
) -> Result<Candidates, std::io::Error> {
    let mut out = Candidates::default();
    for (p, mut records) in share {
        let prefix = format!("p{p:03}_");
        for f in files {
            if f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
            {
                let bytes = std::fs::read(f)?;
                if bytes.len() % 16 != 0 {
                    return Err(std::io::Error::other(
                        "a spill file of the duplicate check is truncated",
                    ));
                }
                records.extend(bytes.chunks_exact(16).map(|c| {
                    let mut b = [0u8; 16];
                    b.copy_from_slice(c);
                    u128::from_le_bytes(b)
                }));
                std::fs::remove_file(f)?;
            }
        }
        // A hash set, not a sort: a record is one probe (sorting 16-byte records cost
        // about 460 instructions each).
        let mut seen: rustc_hash::FxHashSet<u128> = rustc_hash::FxHashSet::default();
        seen.reserve(records.len());
        for r in records {
            if !seen.insert(r) {
                out.add(((r >> 64) as u64, r as u64));
            }
        }
    }
    Ok(out)
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Ok(d) = self.dir.lock() {
            if let SpillDir::Ready(p) = &*d {
                let _ = std::fs::remove_dir_all(p);
            }
        }
    }
}

/// One worker's records not yet written, per partition.
#[derive(Default)]
pub struct Pending {
    worker: Option<u32>,
    buffers: Vec<Vec<u128>>,
    /// The spill directory could not be written: keep everything in memory.
    in_memory: bool,
}

impl Pending {
    /// Queues a row's record; appends the partition's buffer to its file when full.
    pub fn push(&mut self, record: u128, spill: &Spill) {
        if self.buffers.is_empty() {
            self.buffers = vec![Vec::new(); spill.partitions];
        }
        let p = spill.partition(record);
        let b = &mut self.buffers[p];
        b.push(record);
        if b.len() >= BUFFERED && spill.partitions > 1 && !self.in_memory {
            let w = *self.worker.get_or_insert_with(|| {
                spill
                    .workers
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            });
            if spill.write(w, p, b) {
                b.clear();
            } else {
                self.in_memory = true;
            }
        }
    }

    /// Hands the remaining records to the spill: to their files when this worker already
    /// spilled, else to memory.
    pub fn finish(mut self, spill: &Spill) {
        for (p, b) in self.buffers.iter_mut().enumerate() {
            if b.is_empty() {
                continue;
            }
            let written = match self.worker {
                Some(w) if !self.in_memory => spill.write(w, p, b),
                _ => false,
            };
            if !written {
                spill.keep(p, b);
            }
        }
    }
}

/// A row whose identity is a candidate's: its line, its identity as text, and the row's text.
type Hit = (u64, String, String);

/// A confirmed duplicate: its line, the line of the first copy, and its text.
pub type Duplicate = (u64, u64, String);

/// Records seen more than once in the first pass: their (fingerprint, pre-key) pairs, and the
/// pre-keys alone (a hash of facility, period and `ref` as written, which any equal row
/// shares), so the second reading can skip almost every row without computing its identity.
#[derive(Debug, Default, Clone)]
pub struct Candidates {
    fingerprints: HashSet<(u64, u64)>,
    prekeys: HashSet<u64>,
    rows: u64,
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
    /// Records one more row with a record seen before: (fingerprint, pre-key).
    pub fn add(&mut self, (fingerprint, prekey): (u64, u64)) {
        self.fingerprints.insert((fingerprint, prekey));
        self.prekeys.insert(prekey);
        self.rows += 1;
    }
    /// Adds another file part's candidates.
    pub fn extend(&mut self, other: Candidates) {
        self.fingerprints.extend(other.fingerprints);
        self.prekeys.extend(other.prekeys);
        self.rows += other.rows;
    }
    /// How many rows repeat a record seen before.
    pub fn len(&self) -> usize {
        self.rows as usize
    }
    /// True when nothing was flagged.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The row as a hit (its line, identity as text, and text) when its identity is a
    /// candidate's; the cheap pre-key rules out almost every other row before it is parsed.
    pub fn hit(
        &self,
        row: &RowRef<'_>,
        ref_col: usize,
        parse: impl Fn(&RowRef<'_>) -> Option<Activity>,
    ) -> Option<(u64, String, String)> {
        let k = prekey(row, ref_col).filter(|k| self.prekeys.contains(k))?;
        let a = parse(row)?;
        let id = identity(row, &a, ref_col);
        self.fingerprints
            .contains(&(fingerprint(&id).0, k))
            .then(|| (row.line(), format!("{id:?}"), row.text()))
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
    // Chunks number their lines from their own start (the same physical-line counter as the
    // first reading); the offsets come from where each chunk stopped. Each chunk lists, in
    // line order, the rows whose identity is a candidate's.
    let scan = |bounds: (u64, Option<u64>)| {
        let mut hits: Vec<Hit> = Vec::new();
        let end = read_chunk(file, path, columns, bounds, false, |row| {
            hits.extend(candidates.hit(row, ref_col, &parse));
            true
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

/// The diagnostic of a duplicate of a row in another file of the same input (a partition of
/// a folder input): the first copy is named by file and row.
pub fn diagnostic_across(
    (file, line): (&Arc<str>, u64),
    (orig_file, orig): (&Arc<str>, u64),
    text: String,
    what: &str,
) -> Diagnostic {
    Diagnostic::error(
        "duplicate-row",
        Span::line(file, line).at(1),
        format!("duplicate of {orig_file}:{orig}: same facility, period, {what}, quantity, unit, source and ref"),
    )
    .with_hint(
        "remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)",
    )
    .with_source(text)
}

/// The diagnostic of a confirmed duplicate.
pub fn diagnostic(file: &Arc<str>, (line, orig, text): &Duplicate, what: &str) -> Diagnostic {
    Diagnostic::error(
        "duplicate-row",
        // The whole row repeats another: the place is where it starts.
        Span::line(file, *line).at(1),
        format!("duplicate of line {orig}: same facility, period, {what}, quantity, unit, source and ref"),
    )
    .with_hint(
        "remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)",
    )
    .with_source(text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records 0..n with every 7th repeated once and every 1000th three times more.
    fn records(n: u64) -> Vec<u128> {
        let rec = |i: u64| (u128::from(mix(i)) << 64) | u128::from(mix(i ^ 0xABCD));
        let mut v: Vec<u128> = (0..n).map(rec).collect();
        v.extend((0..n).step_by(7).map(rec));
        for _ in 0..3 {
            v.extend((0..n).step_by(1000).map(rec));
        }
        // Interleave the repeats with the originals, deterministically.
        let len = v.len();
        for i in 0..len {
            let j = (mix(i as u64) % len as u64) as usize;
            v.swap(i, j);
        }
        v
    }

    /// The naive reference: every record seen more than once, and how many rows repeat one.
    fn reference(v: &[u128]) -> (std::collections::BTreeSet<(u64, u64)>, u64) {
        let mut count: HashMap<u128, u64> = HashMap::new();
        for r in v {
            *count.entry(*r).or_default() += 1;
        }
        let set = count
            .iter()
            .filter(|(_, c)| **c > 1)
            .map(|(r, _)| ((*r >> 64) as u64, *r as u64))
            .collect();
        (set, count.values().map(|c| c - 1).sum())
    }

    fn run(v: &[u128], file_bytes: u64, threads: usize, readers: usize) -> Candidates {
        let spill = Spill::for_file_size(file_bytes);
        let chunk = v.len().div_ceil(threads);
        std::thread::scope(|s| {
            for part in v.chunks(chunk) {
                let spill = &spill;
                s.spawn(move || {
                    let mut p = Pending::default();
                    for r in part {
                        p.push(*r, spill);
                    }
                    p.finish(spill);
                });
            }
        });
        spill.candidates(readers).unwrap()
    }

    /// The spilled, partitioned check finds exactly the records a HashMap count finds, with
    /// one, two and three threads writing and one to three reading back, spilled to disk (a
    /// large file) or kept in memory (a small one).
    #[test]
    fn candidates_equal_a_naive_count_at_any_thread_count() {
        let v = records(300_000);
        let (want, rows) = reference(&v);
        assert_eq!(rows, 300_000 / 7 + 1 + 3 * (300_000 / 1000));
        for bytes in [1 << 20, 64 << 20] {
            for threads in 1..=3 {
                for readers in 1..=3 {
                    let c = run(&v, bytes, threads, readers);
                    let got: std::collections::BTreeSet<(u64, u64)> =
                        c.fingerprints.iter().copied().collect();
                    assert_eq!(
                        got, want,
                        "{bytes} bytes, {threads} threads, {readers} readers"
                    );
                    assert_eq!(c.len() as u64, rows);
                }
            }
        }
    }

    /// Distinct records give no candidate, and the spill directory is removed afterwards.
    #[test]
    fn distinct_records_give_no_candidate_and_leave_no_file() {
        let v: Vec<u128> = (0..200_000u64)
            .map(|i| u128::from(mix(i)) << 64 | 7)
            .collect();
        let spill = Spill::for_file_size(64 << 20);
        let mut p = Pending::default();
        for r in &v {
            p.push(*r, &spill);
        }
        p.finish(&spill);
        let dir = spill.dir().unwrap();
        assert!(dir.exists());
        assert!(spill.candidates(2).unwrap().is_empty());
        drop(spill);
        assert!(!dir.exists());
    }
}
