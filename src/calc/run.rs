//! Streaming a project's activity files through resolution and calculation into per-chain
//! sums. Memory is bounded by the number of distinct chains (facility × year × carrier × unit
//! × explicit factor) plus the duplicate check's fixed buffers, never by rows.
//!
//! A large file is read in chunks, one per core, each by its own worker with its own chains
//! and sums; the chunks' results are merged by chain identity (exact addition is associative,
//! so the totals do not depend on the split), and the output is ordered by chain identity,
//! line and code, so it is the same bytes whatever the number of threads. Chunks start at line
//! boundaries; a quoted field that spans a boundary is detected afterwards and the file is then
//! read again in one piece.
//!
//! Duplicates (see `dedupe`): every row's fingerprint is spilled, partitioned by hash, and the
//! partitions checked after the first pass; only if a fingerprint repeats is the file read
//! again to confirm them; only if some are confirmed is the calculation repeated without them.

mod folder;
mod merged;
mod sums;

use super::folder::FolderInput;
use folder::run_folder;
use merged::{merge_runs, Packer, Runs, Unheld};

pub use sums::{
    linear_rows, sum_of, units_of, ChainPlan, LinearRow, LinearSum, RowChain, MAX_SUMMED_ROWS,
    SUM_SCALE,
};

use super::chain::{calculate, calculate_terms, Accum, Chain, Terms};
use super::dedupe::{self, Candidates, Spill};
use super::resolve::{ResolveError, ResolveOptions, Resolver};
use crate::activity::{
    parse_energy_row, parse_fugitive_row, split, Activity, Period, Split, Subject, ENERGY_COLUMNS,
    FUGITIVE_COLUMNS,
};
use crate::decimal::{parse_amount, CalcError};
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{
    chunk_bounds, consistent, line_offsets, read_chunk_batched, ChunkEnd, Column, RowRef, Rows,
};
use crate::project::{Input, Project};
use crate::units::lookup;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The activity files a project may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFile {
    /// `energy.csv` (required).
    Energy,
    /// `fugitive.csv` (optional).
    Fugitive,
}

impl InputFile {
    /// All, in processing order.
    pub const ALL: [InputFile; 2] = [InputFile::Energy, InputFile::Fugitive];
    /// File name.
    pub fn name(self) -> &'static str {
        match self {
            InputFile::Energy => Input::Energy.name(),
            InputFile::Fugitive => Input::Fugitive.name(),
        }
    }
    /// The project input it is.
    pub fn input(self) -> Input {
        match self {
            InputFile::Energy => Input::Energy,
            InputFile::Fugitive => Input::Fugitive,
        }
    }
    fn required(self) -> bool {
        self == InputFile::Energy
    }
    pub(super) fn columns(self) -> &'static [Column] {
        match self {
            InputFile::Energy => &ENERGY_COLUMNS,
            InputFile::Fugitive => &FUGITIVE_COLUMNS,
        }
    }
    pub(super) fn ref_col(self) -> usize {
        match self {
            InputFile::Energy => 6,
            InputFile::Fugitive => 5,
        }
    }
    pub(super) fn parse(
        self,
        row: &RowRef<'_>,
        project: &Project,
    ) -> Result<Activity, Vec<Diagnostic>> {
        match self {
            InputFile::Energy => parse_energy_row(row, &project.facilities),
            InputFile::Fugitive => parse_fugitive_row(row, &project.facilities),
        }
    }
    fn subject_name(self) -> &'static str {
        match self {
            InputFile::Energy => "carrier",
            InputFile::Fugitive => "gas",
        }
    }
    fn column_index(self, name: &str) -> Option<usize> {
        let name = if name == "gas" || name == "carrier" {
            if self == InputFile::Energy {
                "carrier"
            } else {
                "gas"
            }
        } else {
            name
        };
        let name = if name == "factor" && self == InputFile::Fugitive {
            "gas"
        } else {
            name
        };
        self.columns().iter().position(|c| c.name == name)
    }
}

fn too_precise(scale: u32) -> String {
    format!("its results need {scale} decimal places of the base unit (kg, J, kgce); more than {MAX_LINE_SCALE} cannot be summed exactly with other rows")
}

/// The most decimal places of a base unit (kg, J, kgce) a line result may have: sums of such
/// values up to 10^16 stay within Decimal's 28 digits.
const MAX_LINE_SCALE: u32 = 12;

/// Options for a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Refuse fallbacks.
    pub strict: bool,
    /// Worker threads for large files; 0 = one per available core.
    pub threads: usize,
}

/// Files smaller than this are read by one thread.
const PARALLEL_MIN_BYTES: u64 = 8 << 20;

/// Rows a worker reads before summing them (see `Worker::rows`): enough for the chains'
/// cache misses to overlap, few enough that the rows stay in the first-level cache.
const ROW_BATCH: usize = 32;

/// Past this many facilities a worker's chains outgrow a core's own caches (a facility has a
/// chain per carrier, unit and year), and its rows are read in batches.
const MANY_FACILITIES: usize = 4096;

/// Row accounting for one file: read = used + rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStats {
    /// The file as shown in messages.
    pub file: String,
    /// Whether it exists.
    pub present: bool,
    /// Data rows read.
    pub read: u64,
    /// Rows that produced a calculation line.
    pub used: u64,
    /// Rows rejected, each with at least one diagnostic.
    pub rejected: u64,
    /// What the rejected rows held, by unit symbol (rows whose quantity or unit could not be
    /// read are counted under `unreadable`).
    pub rejected_quantity: BTreeMap<String, Decimal>,
    /// Rejected rows whose quantity or unit could not be read.
    pub rejected_unreadable: u64,
    /// The file could not be read to its end (not UTF-8, a bad header, an unclosed quote,
    /// an I/O error): none of it may be used, and every command that needs it fails.
    pub unread: bool,
    /// Rows split by days into several lines (a bill across a year end, a facility entering
    /// or leaving the boundary); each is counted once in `used`.
    pub split: u64,
    /// Used rows with days outside their facility's time in the boundary (those parts count
    /// in no figure of the year, only in the base-year restatement).
    pub outside: u64,
}

impl FileStats {
    fn merge(&mut self, o: &FileStats) {
        self.present |= o.present;
        self.unread |= o.unread;
        self.read += o.read;
        self.used += o.used;
        self.rejected += o.rejected;
        self.rejected_unreadable += o.rejected_unreadable;
        self.split += o.split;
        self.outside += o.outside;
        for (u, q) in &o.rejected_quantity {
            let e = self.rejected_quantity.entry(u.clone()).or_default();
            *e = e.checked_add(*q).unwrap_or(*e);
        }
    }
}

/// The result of streaming a project.
#[derive(Debug, Clone, Default)]
pub struct Computation {
    /// Resolved chains; a chain's index is its id.
    pub chains: Vec<Chain>,
    /// Sums per chain, same index.
    pub accums: Vec<Accum>,
    /// Row-level problems (errors reject the row) and warnings, in file and line order.
    pub diagnostics: Vec<Diagnostic>,
    /// Accounting per file.
    pub files: Vec<FileStats>,
    /// Lines rejected as duplicates, per file.
    pub duplicates: BTreeMap<InputFile, BTreeSet<u64>>,
    /// Rows the duplicate filter flagged as possibly seen before (confirmed or cleared by
    /// reading the file again).
    pub duplicate_candidates: u64,
    /// The sums of the days rows spend outside their facility's time in the boundary, per
    /// chain: in no figure of the year; the base-year restatement adds an acquired
    /// facility's (`crate::years`).
    pub outside: Vec<(Chain, Accum)>,
    /// What the energy rows could not yield in scope 3 category 3 (no well-to-tank set, a
    /// factor the set does not publish), once each, sorted.
    pub notes: Vec<String>,
    /// Rows a row source summed itself (an engine's per-chain aggregate, see
    /// [`RowSource::sums`]) instead of handing them to the core one by one; 0 for the core's
    /// own reader.
    pub engine_rows: u64,
    /// The threads the run was given (`RunOptions::threads`; 0: one per core), which the
    /// registers run with too. Not part of the result: outputs do not depend on it.
    pub threads: usize,
}

impl Computation {
    /// Total rows rejected.
    pub fn rejected_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
}

/// The identity of a chain, as small integers: hashing and comparing it costs a few
/// instructions per row (gas names and factor references are interned once per worker).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ChainKey {
    year: i32,
    facility: u32,
    terms: u32,
    subject: u32,
    unit: u16,
    factor: u32,
    source: Option<crate::activity::Source>,
}

/// A chain key with the facility replaced by its class.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct TemplateKey {
    year: i32,
    class: u32,
    subject: u32,
    unit: u16,
    factor: u32,
    source: Option<crate::activity::Source>,
}

/// Where a chain key leads.
#[derive(Clone, Copy)]
enum Slot {
    Chain(u32),
    Error(u32),
}

impl Slot {
    /// Not yet resolved, in a `Slots` table.
    const UNSET: u32 = u32::MAX;
    const ERROR: u32 = 1 << 31;

    fn packed(self) -> u32 {
        match self {
            Slot::Chain(id) => id,
            Slot::Error(i) => Slot::ERROR | i,
        }
    }
    fn unpacked(v: u32) -> Option<Slot> {
        match v {
            Slot::UNSET => None,
            v if v & Slot::ERROR != 0 => Some(Slot::Error(v & !Slot::ERROR)),
            v => Some(Slot::Chain(v)),
        }
    }
}

/// A chain key without its facility: what the rows of one carrier, unit, year and source
/// share across facilities.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ComboKey {
    year: i32,
    terms: u32,
    subject: u32,
    unit: u16,
    factor: u32,
    source: Option<crate::activity::Source>,
}

/// Chain keys to slots, as one dense array per combination of everything but the facility,
/// indexed by facility (4 bytes a facility): with 100,000 facilities and some 800,000 chains
/// a hash table of chain keys is tens of MiB and every probe missed the cache, where a
/// combination's array is 400 KB. Combinations past a memory bound fall back to a hash table
/// (rows that each name their own factor reference make a combination each).
struct Slots {
    combos: FxHashMap<ComboKey, u32>,
    dense: Vec<Vec<u32>>,
    sparse: FxHashMap<ChainKey, Slot>,
    /// The dense arrays' bound, in slots.
    limit: usize,
}

impl Default for Slots {
    fn default() -> Self {
        // 32 MiB of slots.
        Slots::with_limit(8 << 20)
    }
}

impl Slots {
    fn with_limit(limit: usize) -> Self {
        Slots {
            combos: FxHashMap::default(),
            dense: Vec::new(),
            sparse: FxHashMap::default(),
            limit,
        }
    }

    /// Where a chain key's slot is kept: its combination's array (created for a new
    /// combination while the bound allows), or the hash table.
    fn place(&mut self, key: &ChainKey, facilities: usize) -> Option<usize> {
        let combo = ComboKey {
            year: key.year,
            terms: key.terms,
            subject: key.subject,
            unit: key.unit,
            factor: key.factor,
            source: key.source,
        };
        if (key.facility as usize) >= facilities {
            return None;
        }
        if let Some(&c) = self.combos.get(&combo) {
            return Some(c as usize).filter(|&c| c < self.dense.len());
        }
        let c = self.combos.len();
        self.combos.insert(combo, c as u32);
        if c == self.dense.len() && (self.dense.len() + 1) * facilities <= self.limit {
            self.dense.push(vec![Slot::UNSET; facilities]);
            return Some(c);
        }
        None
    }

    fn get(&self, place: Option<usize>, key: &ChainKey) -> Option<Slot> {
        match place {
            Some(c) => Slot::unpacked(self.dense[c][key.facility as usize]),
            None => self.sparse.get(key).copied(),
        }
    }

    fn set(&mut self, place: Option<usize>, key: ChainKey, slot: Slot) {
        match place {
            Some(c) => self.dense[c][key.facility as usize] = slot.packed(),
            None => {
                self.sparse.insert(key, slot);
            }
        }
    }
}

#[cfg(test)]
mod slots_tests {
    use super::{ChainKey, Slot, Slots};

    fn key(year: i32, facility: u32, factor: u32) -> ChainKey {
        ChainKey {
            year,
            facility,
            terms: 0,
            subject: 1,
            unit: 2,
            factor,
            source: None,
        }
    }

    /// Every key reads back what was set for it, and nothing for keys never set, whether its
    /// combination got an array or (past the bound) the hash table.
    #[test]
    fn slots_read_back_what_was_set_under_any_bound() {
        for limit in [0, 4, 8, 1 << 20] {
            let mut slots = Slots::with_limit(limit);
            let mut set = Vec::new();
            for (i, (year, facility, factor)) in [
                (2024, 0, 0),
                (2024, 3, 0),
                (2025, 3, 0),
                (2024, 1, 7),
                (2025, 3, 7),
                (2024, 9, 0),
            ]
            .into_iter()
            .enumerate()
            {
                let k = key(year, facility, factor);
                let place = slots.place(&k, 4);
                assert!(slots.get(place, &k).is_none());
                let slot = if i % 2 == 0 {
                    Slot::Chain(i as u32 * 3)
                } else {
                    Slot::Error(i as u32)
                };
                slots.set(place, k, slot);
                set.push((k, slot.packed()));
            }
            for (k, packed) in &set {
                let place = slots.place(k, 4);
                assert_eq!(
                    slots.get(place, k).map(Slot::packed),
                    Some(*packed),
                    "limit {limit}"
                );
            }
            let never = key(2024, 2, 0);
            let place = slots.place(&never, 4);
            assert!(slots.get(place, &never).is_none());
            // Arrays only while they fit the bound: 4 slots each.
            assert!(slots.dense.len() * 4 <= limit);
        }
    }
}

/// The source a chain is keyed and resolved by: the one a row declares, with the default of
/// its file (`stationary` for a fuel, `fugitive` for a gas) the same as none, so that a row
/// that names the default and one that leaves it empty are one chain.
fn chain_source(s: Option<crate::activity::Source>) -> Option<crate::activity::Source> {
    use crate::activity::Source;
    match s {
        Some(Source::Stationary | Source::Fugitive) | None => None,
        other => other,
    }
}

/// Interned gas names and factor references of one worker.
#[derive(Default)]
struct Interner {
    gases: FxHashMap<String, u32>,
    factors: FxHashMap<FactorRef, u32>,
}

impl Interner {
    fn subject(&mut self, s: &Subject) -> u32 {
        match s {
            Subject::Carrier(c) => crate::activity::Carrier::ALL
                .iter()
                .position(|x| x == c)
                .unwrap_or(0) as u32,
            Subject::Gas(g) => {
                let n = self.gases.len() as u32;
                1000 + *self.gases.entry(g.clone()).or_insert(n)
            }
        }
    }
    fn factor(&mut self, f: Option<&FactorRef>) -> u32 {
        match f {
            None => 0,
            Some(r) => {
                let n = self.factors.len() as u32;
                1 + *self.factors.entry(r.clone()).or_insert(n)
            }
        }
    }
}

/// One calculated row, handed to a visitor.
pub struct LineVisit<'a> {
    /// The input file.
    pub file: InputFile,
    /// The file the row is in, below the project folder: `energy.csv`, or a partition file
    /// of a folder input (`energy/year=2025/part-0.csv`).
    pub name: &'a str,
    /// The validated row.
    pub activity: &'a Activity,
    /// Its chain (chain ids are per run; use the chain itself).
    pub chain: &'a Chain,
    /// The result.
    pub line: &'a super::chain::Line,
}

fn rejected_quantity(row: &RowRef<'_>, stats: &mut FileStats) {
    match (parse_amount(row.get(3)), lookup(row.get(4))) {
        (Ok(q), Ok(u)) if !row.is_ragged() => {
            let e = stats
                .rejected_quantity
                .entry(u.symbol.to_string())
                .or_default();
            *e = e.checked_add(q).unwrap_or(*e);
        }
        _ => stats.rejected_unreadable += 1,
    }
}

/// The hint of a sum or a part of a row past the exact range.
const OVERFLOW_HINT: &str = "a sum beyond 28 significant digits is almost always a unit mistake (kWh written as MWh, kg as t); check the largest quantities";

/// A chain total of `file` that passed the exact range when sums were added up.
fn total_overflow(file: &str, e: CalcError) -> Diagnostic {
    Diagnostic::error(
        "overflow",
        Span::file(&Arc::from(file)),
        format!("a total cannot be held exactly: {e}"),
    )
    .with_hint(OVERFLOW_HINT)
}

/// The results of one worker over one chunk of one file.
#[derive(Default)]
struct Part {
    chains: Runs,
    outside: Runs,
    diagnostics: Vec<Diagnostic>,
    stats: FileStats,
    candidates: Candidates,
    notes: BTreeSet<String>,
}

impl Part {
    /// The sums of `other` after these (merged at the end, by `assemble`).
    fn merge(&mut self, other: Part) -> Result<(), Unheld> {
        self.chains.append(other.chains)?;
        self.outside.append(other.outside)?;
        self.diagnostics.extend(other.diagnostics);
        self.stats.merge(&other.stats);
        self.candidates.extend(other.candidates);
        self.notes.extend(other.notes);
        Ok(())
    }
}

/// A chain's total that cannot be held exactly, said on its input.
fn unheld(project: &Project, u: Unheld) -> Diagnostic {
    let c = &u.chain;
    let f = &project.facilities.list[c.facility];
    let (what, file) = match &c.subject {
        Subject::Carrier(k) => (k.name().to_string(), InputFile::Energy),
        Subject::Gas(g) => (g.clone(), InputFile::Fugitive),
    };
    Diagnostic::error(
        "overflow",
        Span::file(&input_shown(project, file)),
        format!(
            "the {} total of {what} at {} cannot be held exactly: {}",
            c.year, f.id, u.error
        ),
    )
    .with_hint(OVERFLOW_HINT)
}

/// What a row reads and writes of its chain besides the chain itself, kept together (one
/// cache line, not four arrays): with hundreds of thousands of chains each array was a cache
/// miss per row. Aligned to the line, so that one load brings all of it (see `Worker::rows`).
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
struct Hot {
    /// For a folded chain: the largest linear ratio scale and whether some result still needs
    /// a division per row (see `Plan::linear_scale`).
    linear: Option<(u32, bool)>,
    /// How many scope 3 chains follow this one (its category 3 lines, at the next ids).
    companions: u32,
    /// The pending quantity sum of a linear chain, and its rows.
    sum: Decimal,
    rows: u64,
    /// Months covered, as `Accum::covered`, by rows other than ranges of days; or-ed into the
    /// chain's sums at the end.
    covered: [u16; super::chain::COVER_KINDS],
    /// Where the chain's first row in this chunk starts: the least byte of its rows (rows
    /// come in file order, but a batch places a split row before the rows ahead of it).
    first: Option<u64>,
}

impl Hot {
    /// Notes a row of the chain starting at file byte `byte`.
    fn first_at(&mut self, byte: u64) {
        self.first = Some(self.first.map_or(byte, |f| f.min(byte)));
    }
}

/// A worker's per-chain sums besides `Hot`, made when a row first touches them: the rows of
/// a linear chain (nearly every chain) add to its `Hot` alone, and its sums are made from
/// that at the end, so that an untouched chain costs 4 bytes here, not a 400-byte `Accum`
/// (with 800,000 chains a worker's sums were hundreds of MiB of zeros).
#[derive(Default)]
struct Touched {
    /// Per chain id, 1 + the index of its sums in `list`, or 0 for none yet.
    at: Vec<u32>,
    list: Vec<Accum>,
}

impl Touched {
    /// Room for the next chain id.
    fn push(&mut self) {
        self.at.push(0);
    }

    /// The sums of chain `id` (empty when never touched).
    fn get(&self, id: usize) -> Accum {
        match self.at.get(id).copied().unwrap_or(0) {
            0 => Accum::default(),
            i => self.list[i as usize - 1].clone(),
        }
    }

    /// The sums of chain `id`, made when first asked for.
    fn at(&mut self, id: usize) -> &mut Accum {
        if self.at[id] == 0 {
            self.list.push(Accum::default());
            self.at[id] = self.list.len() as u32;
        }
        let i = self.at[id] as usize - 1;
        &mut self.list[i]
    }
}

/// A chain's sums handed to the packer: what its rows left in `Hot` (a linear chain's pending
/// sum, its rows, months and first byte) with its touched sums (at index `touched` of the
/// packer's full sums), if any.
fn packed(p: &mut Packer, c: Chain, touched: Option<usize>, hot: &Hot) {
    match touched {
        Some(i) => {
            let a = p.full_mut(i);
            a.pending_quantity = hot.sum;
            a.rows += hot.rows;
            a.first_byte = hot.first;
            for (mine, rows) in a.covered.iter_mut().zip(hot.covered) {
                *mine |= rows;
            }
            p.push_at(c, i);
        }
        None => p.push_pending(c, (hot.rows, hot.sum), hot.covered, hot.first),
    }
}

/// Resolves, calculates and sums the rows of one chunk.
struct Worker<'p> {
    project: &'p Project,
    file: InputFile,
    years: BTreeSet<i32>,
    resolver: Resolver<'p>,
    /// Chain key → resolved chain, or the error resolving it (probed once per row: see
    /// `Slots`).
    slots: Slots,
    /// Resolution errors, by `Slot::Error` index.
    errors: Vec<ResolveError>,
    /// Per chain id, what every row of the chain reads and writes, in one place (see `Hot`).
    hot: Vec<Hot>,
    interner: Interner,
    /// Per facility index, its interned class (`u32::MAX` until first seen).
    classes: super::FacilityClasses,
    /// Per facility index: 0 not yet seen, 1 plain, 2 not (see `plain`).
    facility_plain: Vec<u8>,
    /// Template key → the id of the first chain resolved for it (a successful resolution;
    /// errors are resolved per facility, as their messages may name it).
    templates: FxHashMap<TemplateKey, u32>,
    chains: Vec<Chain>,
    /// Per chain id, its sums besides `Hot` (see `Touched`).
    accums: Touched,
    /// Category 3 gaps, in words.
    notes: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    stats: FileStats,
    candidates: Candidates,
    /// Fingerprints not yet inserted into the filter.
    pending: dedupe::Pending,
    /// A visitor wants every line, so linear chains are calculated row by row too.
    visiting: bool,
    /// Per chain id, the sums of parts outside the facility's time in the boundary.
    outside: FxHashMap<usize, Accum>,
    /// The visitor wants the lines of days outside the boundary only (the base-year
    /// restatement's trail), instead of the lines of the figures.
    outside_only: bool,
    /// The name of the file being read, below the project folder (see `LineVisit::name`).
    name: Arc<str>,
    /// The rows of a batch, by their index in it, with their year and (once found) chain,
    /// waiting to be summed (see `rows`).
    found: Vec<(usize, Activity, i32, usize)>,
}

impl<'p> Worker<'p> {
    fn new(project: &'p Project, options: RunOptions, file: InputFile) -> Self {
        Worker {
            project,
            file,
            years: project.manifest.reporting_years.iter().copied().collect(),
            resolver: Resolver::new(
                project,
                ResolveOptions {
                    strict: options.strict,
                },
            ),
            slots: Slots::default(),
            errors: Vec::new(),
            hot: Vec::new(),
            interner: Interner::default(),
            classes: super::FacilityClasses::default(),
            facility_plain: Vec::new(),
            templates: FxHashMap::default(),
            chains: Vec::new(),
            accums: Touched::default(),
            notes: BTreeSet::new(),
            diagnostics: Vec::new(),
            stats: FileStats {
                file: project.shown(file.input()).to_string(),
                present: true,
                ..FileStats::default()
            },
            candidates: Candidates::default(),
            pending: dedupe::Pending::default(),
            visiting: false,
            outside: FxHashMap::default(),
            outside_only: false,
            name: Arc::from(file.name()),
            found: Vec::new(),
        }
    }

    /// The number of the class of a facility under its terms `terms` (`calc::classes`).
    fn class_of(&mut self, facility: usize, terms: usize) -> u32 {
        self.classes
            .number(&self.project.facilities, facility, terms)
    }

    /// Whether a facility is in the boundary all the time under unchanged terms, so that its
    /// rows fall in their period's year whole. Kept per worker as one byte per facility: with
    /// 100,000 facilities, reading the facility record for every row misses the cache.
    fn plain(&mut self, facility: usize) -> bool {
        if self.facility_plain.len() <= facility {
            self.facility_plain.resize(facility + 1, 0);
        }
        if self.facility_plain[facility] == 0 {
            let f = &self.project.facilities.list[facility];
            self.facility_plain[facility] = if f.window.is_always() && f.changes.is_empty() {
                1
            } else {
                2
            };
        }
        self.facility_plain[facility] == 1
    }

    fn reject(&mut self, row: &RowRef<'_>, mut d: Vec<Diagnostic>) {
        self.stats.rejected += 1;
        rejected_quantity(row, &mut self.stats);
        self.diagnostics.append(&mut d);
    }

    /// One row: validate, check for duplicates, resolve, calculate, sum.
    fn row(
        &mut self,
        row: &RowRef<'_>,
        exclude: &BTreeSet<u64>,
        spill: Option<&Spill>,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) {
        self.row_at::<false>(row, 0, exclude, spill, visit);
    }

    /// Rows read together, in passes whose look-ups are independent from row to row, so that
    /// their cache misses overlap (with hundreds of thousands of chains nearly every row's
    /// slot and `Hot` line is a miss, and taken a row at a time each miss stalled its row):
    /// every row validated (`row_at`, deferred), then every row's chain found (`chain_of`),
    /// then every found chain's `Hot` line loaded in one short loop, then the rows summed
    /// (`back`). The result is the rows one at a time: sums and counts do not depend on
    /// the order, a chain's first byte is the least, and diagnostics are sorted at the end.
    fn rows(
        &mut self,
        rows: Rows<'_>,
        exclude: &BTreeSet<u64>,
        spill: Option<&Spill>,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) {
        for (i, row) in rows.iter().enumerate() {
            self.row_at::<true>(&row, i, exclude, spill, visit);
        }
        let mut found = std::mem::take(&mut self.found);
        found.retain_mut(|(i, activity, year, id)| {
            let chain = rows
                .get(*i)
                .and_then(|row| self.chain_of(&row, activity, *year));
            *id = chain.unwrap_or(0);
            chain.is_some()
        });
        let touched = found.iter().fold(0u32, |t, (.., id)| {
            t.wrapping_add(self.hot.get(*id).map_or(0, |h| h.companions))
        });
        std::hint::black_box(touched);
        for (i, activity, _, id) in &found {
            if let Some(row) = rows.get(*i) {
                self.back(&row, activity, *id, visit);
            }
        }
        self.found = found;
        self.found.clear();
    }

    /// A row validated, checked for duplicates and given its year; then, with `DEFER`, put in
    /// `found` (as row `i` of its batch) to be resolved and summed with its batch, else
    /// resolved to its chain and summed.
    #[inline(always)]
    fn row_at<const DEFER: bool>(
        &mut self,
        row: &RowRef<'_>,
        i: usize,
        exclude: &BTreeSet<u64>,
        spill: Option<&Spill>,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) {
        let file = self.file;
        self.stats.read += 1;
        if exclude.contains(&row.line()) {
            // The duplicate diagnostic itself is added once per line by `compute`.
            self.stats.rejected += 1;
            rejected_quantity(row, &mut self.stats);
            return;
        }
        let activity = match file.parse(row, self.project) {
            Ok(a) => a,
            Err(d) => return self.reject(row, d),
        };
        if let Some(spill) = spill {
            let prekey = dedupe::prekey_of(row.get(0), activity.period, row.get(file.ref_col()));
            let id = dedupe::identity(row, &activity, file.ref_col());
            self.pending.push(dedupe::record(&id, prekey), spill);
        }
        let Some(year) = self.year_or_split(row, &activity, visit) else {
            return;
        };
        if !self.years.contains(&year) {
            let d = Diagnostic::error("period-outside-reporting-years", row.span_of(1), format!("period {} is outside reporting_years {:?}", activity.period, self.project.manifest.reporting_years))
                .with_hint("add the year to reporting_years in carbonledger.toml, or move the row to another project")
                .with_source(row.text());
            return self.reject(row, vec![d]);
        }
        if DEFER {
            self.found.push((i, activity, year, 0));
        } else if let Some(id) = self.chain_of(row, &activity, year) {
            self.back(row, &activity, id, visit);
        }
    }

    /// The chain of a row's activity in `year`, or `None` when it cannot be resolved (and the
    /// row is rejected).
    #[inline(always)]
    fn chain_of(&mut self, row: &RowRef<'_>, activity: &Activity, year: i32) -> Option<usize> {
        match self.slot(activity, year) {
            Slot::Chain(id) => Some(id as usize),
            Slot::Error(i) => {
                let e = &self.errors[i as usize];
                let col = self.file.column_index(e.column).unwrap_or(0);
                let d = Diagnostic::error(e.code, row.span_of(col), e.message.clone())
                    .with_hint(e.hint.clone())
                    .with_source(row.text());
                self.reject(row, vec![d]);
                None
            }
        }
    }

    /// A row on its chain `id`: calculated (in full, or its quantity added to a linear
    /// chain's pending sum) and summed, with its scope 3 companions; rejected whole when any
    /// part cannot be calculated or held exactly.
    #[inline(always)]
    fn back(
        &mut self,
        row: &RowRef<'_>,
        activity: &Activity,
        id: usize,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) {
        let file = self.file;
        // The row's category 3 lines, calculated (not yet added) first: a row whose scope 3
        // line cannot be calculated exactly is rejected whole, before anything is added.
        let mut upstream = Vec::new();
        for cid in id + 1..=id + self.hot[id].companions as usize {
            match calculate(activity.quantity, &self.chains[cid])
                .map_err(|e| e.to_string())
                .and_then(|l| {
                    if l.max_scale() > MAX_LINE_SCALE {
                        Err(too_precise(l.max_scale()))
                    } else {
                        Ok(l)
                    }
                }) {
                Ok(l) => upstream.push((cid, l)),
                Err(msg) => {
                    let d = Diagnostic::error("inexact-row", row.span_of(3), format!("cannot calculate this row's scope 3 category 3 line exactly: {msg}"))
                        .with_hint("round the quantity at its source to fewer decimal places, or split an implausibly large row")
                        .with_source(row.text());
                    return self.reject(row, vec![d]);
                }
            }
        }
        // A linear chain needs no per-row arithmetic unless a visitor wants the line.
        // A folded chain sums its quantities (the terminating results are multiplied out
        // once, at the end); only results that need a division are calculated per row.
        // The places of quantity × ratio are estimated from their scales; when the estimate
        // passes the limit the row is calculated in full, as `explain` and `export` calculate
        // it, so that every command accepts or rejects the same rows (found by fuzzing).
        let linear = match (self.hot[id].linear, self.visiting) {
            (Some((ratio_scale, nonlinear)), false) => {
                let q = activity.quantity;
                let scale = if q.scale() + ratio_scale > MAX_LINE_SCALE {
                    q.normalize().scale() + ratio_scale
                } else {
                    0
                };
                (scale <= MAX_LINE_SCALE).then_some(nonlinear)
            }
            _ => None,
        };
        let added = match linear {
            Some(nonlinear) => {
                let q = activity.quantity;
                let partial = if nonlinear {
                    calculate_terms(q, &self.chains[id], Terms::NonLinear)
                        .map(Some)
                        .map_err(|e| e.to_string())
                } else {
                    Ok(None)
                };
                match partial {
                    Ok(Some(l)) if l.max_scale() > MAX_LINE_SCALE => {
                        Err(too_precise(l.max_scale()))
                    }
                    Err(e) => Err(e),
                    Ok(partial) => {
                        let Hot { sum, rows, .. } = &mut self.hot[id];
                        let next = crate::decimal::add(*sum, q).map_err(|e| e.to_string());
                        let accums = &mut self.accums;
                        next.and_then(|s| {
                            if let Some(l) = &partial {
                                accums.at(id).add_values(l).map_err(|e| e.to_string())?;
                            }
                            *sum = s;
                            *rows += 1;
                            Ok(None)
                        })
                    }
                }
            }
            _ => calculate(activity.quantity, &self.chains[id])
                .map_err(|e| e.to_string())
                .and_then(|l| {
                    if l.max_scale() > MAX_LINE_SCALE {
                        Err(too_precise(l.max_scale()))
                    } else {
                        Ok(l)
                    }
                })
                .and_then(|l| {
                    self.accums
                        .at(id)
                        .add_line(&l)
                        .map(|()| Some(l))
                        .map_err(|e| e.to_string())
                }),
        };
        match added {
            Ok(l) => {
                self.stats.used += 1;
                match super::chain::period_months(activity.period) {
                    Some((i, mask)) => self.hot[id].covered[i] |= mask,
                    None => self.accums.at(id).cover(activity.period),
                }
                for cid in id..=id + upstream.len() {
                    self.hot[cid].first_at(row.byte());
                }
                if let Some(l) = l.filter(|_| !self.outside_only) {
                    visit(&LineVisit {
                        file,
                        name: &self.name,
                        activity,
                        chain: &self.chains[id],
                        line: &l,
                    });
                }
                for (cid, l) in &upstream {
                    if let Err(e) = self.accums.at(*cid).add_line(l) {
                        let d = Diagnostic::error(
                            "overflow",
                            row.span_of(3),
                            format!("the scope 3 category 3 total cannot be held exactly: {e}"),
                        )
                        .with_hint(OVERFLOW_HINT)
                        .with_source(row.text());
                        self.diagnostics.push(d);
                        continue;
                    }
                    if self.visiting && !self.outside_only {
                        visit(&LineVisit {
                            file,
                            name: &self.name,
                            activity,
                            chain: &self.chains[*cid],
                            line: l,
                        });
                    }
                }
            }
            Err(msg) => {
                let d = Diagnostic::error("inexact-row", row.span_of(3), format!("cannot calculate this row exactly: {msg}"))
                    .with_hint("round the quantity at its source to fewer decimal places, or split an implausibly large row")
                    .with_source(row.text());
                self.reject(row, vec![d]);
            }
        }
    }

    /// The chain of an activity in a year: resolved once per chain key, then cached.
    fn slot(&mut self, activity: &Activity, year: i32) -> Slot {
        let terms = activity.split.as_ref().map_or(0, |s| s.terms);
        let key = ChainKey {
            year,
            facility: activity.facility as u32,
            terms: terms as u32,
            subject: self.interner.subject(&activity.subject),
            unit: activity.unit.index,
            factor: self.interner.factor(activity.factor.as_deref()),
            source: chain_source(activity.source),
        };
        let place = self.slots.place(&key, self.project.facilities.list.len());
        if let Some(slot) = self.slots.get(place, &key) {
            return slot;
        }
        let slot = self.resolve_slot(activity, key, terms);
        self.slots.set(place, key, slot);
        slot
    }

    /// Resolves a chain key not seen before: a copy of its class's chain when one was
    /// resolved, else a resolution of its own.
    fn resolve_slot(&mut self, activity: &Activity, key: ChainKey, terms: usize) -> Slot {
        let year = key.year;
        let template = TemplateKey {
            year,
            class: self.class_of(activity.facility, terms),
            subject: key.subject,
            unit: key.unit,
            factor: key.factor,
            source: key.source,
        };
        let slot = match self.templates.get(&template) {
            // A facility of a class already resolved: its chain and scope 3 companions
            // (their notes are already recorded) share the resolved bodies, with this facility.
            Some(&first) => {
                let first = first as usize;
                let id = self.chains.len() as u32;
                for cid in first..=first + self.hot[first].companions as usize {
                    let model = &self.chains[cid];
                    let reason = if terms > 0 || model.terms > 0 {
                        // The share's reason names the facility's own change; the share
                        // itself is the class's (it is part of the class).
                        let (share, reason) = self.resolver.share(activity.facility, terms);
                        debug_assert_eq!(share, model.share);
                        Arc::from(reason)
                    } else {
                        model.share_reason.clone()
                    };
                    let chain = model.for_facility(activity.facility, terms, reason);
                    let companions = self.hot[cid].companions;
                    self.push_chain(chain, companions);
                }
                Slot::Chain(id)
            }
            None => match self.resolver.resolve_source(
                (year, activity.facility, terms),
                &activity.subject,
                activity.unit,
                activity.factor.as_deref(),
                key.source,
            ) {
                Ok(chain) => match self.resolver.resolve_upstream(&chain) {
                    Ok(up) => {
                        let id = self.chains.len() as u32;
                        self.templates.insert(template, id);
                        self.notes.extend(up.notes);
                        self.push_chain(chain, up.chains.len() as u32);
                        for c in up.chains {
                            self.push_chain(c, 0);
                        }
                        Slot::Chain(id)
                    }
                    Err(e) => {
                        self.errors.push(e);
                        Slot::Error(self.errors.len() as u32 - 1)
                    }
                },
                Err(e) => {
                    self.errors.push(e);
                    Slot::Error(self.errors.len() as u32 - 1)
                }
            },
        };
        slot
    }

    /// The reporting year of a row that falls in one year and is inside its facility's
    /// boundary (the common case, calculated by the caller); or `None` when the row was split
    /// by days, and each part placed here, or rejected.
    fn year_or_split(
        &mut self,
        row: &RowRef<'_>,
        activity: &Activity,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) -> Option<i32> {
        let project = self.project;
        let plain = self.plain(activity.facility);
        let facility = &project.facilities.list[activity.facility];
        let calendar = &project.manifest.calendar;
        match activity.period {
            Period::Days(..) => {}
            p if plain && calendar.is_gregorian() => return Some(p.year()),
            Period::Year(y) if plain => return Some(y),
            _ => {}
        }
        let Some(range) = calendar.days_of(activity.period) else {
            let d = Diagnostic::error(
                "bad-period",
                row.span_of(1),
                format!("period {} has no days in the calendar", activity.period),
            )
            .with_source(row.text());
            self.reject(row, vec![d]);
            return None;
        };
        let cuts = facility.cuts();
        let parts = match split(
            activity.quantity,
            range,
            calendar,
            (facility.window, &cuts),
            project.manifest.split_decimals,
            project.manifest.rounding,
        ) {
            Ok(p) => p,
            Err(e) => {
                let d = Diagnostic::error("inexact-split", row.span_of(3), format!("this row is split by days, and {e}"))
                    .with_hint("set split_decimals in carbonledger.toml (e.g. split_decimals = 3: each part rounded to 3 places of the row's unit, the last taking the remainder), or give the row in periods that do not cross a year end or a boundary date")
                    .with_source(row.text());
                self.reject(row, vec![d]);
                return None;
            }
        };
        if let [only] = parts.as_slice() {
            if only.inside && only.terms == 0 {
                return Some(only.year);
            }
        }
        self.place_parts(row, activity, range, &parts, visit);
        None
    }

    /// Calculates every part of a split row, and adds them only when all succeed (a row is
    /// used whole or rejected whole).
    fn place_parts(
        &mut self,
        row: &RowRef<'_>,
        activity: &Activity,
        range: (crate::activity::Day, crate::activity::Day),
        parts: &[crate::activity::Part],
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) {
        let n = parts.len();
        let rounded = parts
            .iter()
            .any(|p| p.quantity.scale() > activity.quantity.scale())
            .then_some(self.project.manifest.split_decimals)
            .flatten();
        let mut placed: Vec<(usize, bool, Activity, super::chain::Line)> = Vec::new();
        let mut dropped: Vec<&crate::activity::Part> = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if !self.years.contains(&p.year) {
                dropped.push(p);
                continue;
            }
            let mut a = activity.clone();
            a.quantity = p.quantity;
            a.qty.base = match crate::decimal::mul(p.quantity, activity.unit.scale) {
                Ok(b) => b,
                Err(e) => {
                    let d = Diagnostic::error(
                        "overflow",
                        row.span_of(3),
                        format!("a part of this row cannot be held exactly: {e}"),
                    )
                    .with_hint(OVERFLOW_HINT)
                    .with_source(row.text());
                    return self.reject(row, vec![d]);
                }
            };
            a.split = Some(Box::new(Split {
                row: range,
                row_days: crate::activity::days_between(range.0, range.1),
                part: (p.first, p.last),
                part_days: p.days,
                row_quantity: activity.quantity,
                rounded,
                remainder: rounded.is_some() && i + 1 == n,
                outside: !p.inside,
                terms: p.terms,
                terms_from: self.project.facilities.list[activity.facility].terms_from(p.terms),
            }));
            let id = match self.slot(&a, p.year) {
                Slot::Chain(id) => id as usize,
                Slot::Error(e) => {
                    let e = &self.errors[e as usize];
                    let col = self.file.column_index(e.column).unwrap_or(0);
                    let d = Diagnostic::error(e.code, row.span_of(col), e.message.clone())
                        .with_hint(e.hint.clone())
                        .with_source(row.text());
                    return self.reject(row, vec![d]);
                }
            };
            // The part's own line, then its scope 3 category 3 companions' (same quantity).
            for cid in id..=id + self.hot[id].companions as usize {
                let line = calculate(a.quantity, &self.chains[cid])
                    .map_err(|e| e.to_string())
                    .and_then(|l| {
                        if l.max_scale() > MAX_LINE_SCALE {
                            Err(too_precise(l.max_scale()))
                        } else {
                            Ok(l)
                        }
                    });
                match line {
                    Ok(l) => placed.push((cid, p.inside, a.clone(), l)),
                    Err(msg) => {
                        let d = Diagnostic::error("inexact-row", row.span_of(3), format!("cannot calculate a part of this row exactly: {msg}"))
                            .with_hint("round the quantity at its source to fewer decimal places, or set a smaller split_decimals")
                            .with_source(row.text());
                        return self.reject(row, vec![d]);
                    }
                }
            }
        }
        if placed.is_empty() {
            let d = Diagnostic::error("period-outside-reporting-years", row.span_of(1), format!("period {} is outside reporting_years {:?}", activity.period, self.project.manifest.reporting_years))
                .with_hint("add the year to reporting_years in carbonledger.toml, or move the row to another project")
                .with_source(row.text());
            return self.reject(row, vec![d]);
        }
        // Stage the sums, so that an overflow leaves nothing half added.
        let mut inside: FxHashMap<usize, Accum> = FxHashMap::default();
        let mut outside: FxHashMap<usize, Accum> = FxHashMap::default();
        for (id, is_inside, a, l) in &placed {
            let (target, current) = if *is_inside {
                (&mut inside, self.accums.get(*id))
            } else {
                (
                    &mut outside,
                    self.outside.get(id).cloned().unwrap_or_default(),
                )
            };
            let acc = target.entry(*id).or_insert(current);
            if let Err(e) = acc.add_line(l) {
                let d = Diagnostic::error(
                    "overflow",
                    row.span_of(3),
                    format!("a total cannot be held exactly: {e}"),
                )
                .with_hint(OVERFLOW_HINT)
                .with_source(row.text());
                return self.reject(row, vec![d]);
            }
            if let (true, Some(s)) = (*is_inside, &a.split) {
                acc.cover_part(activity.period, s.part.0, s.part.1);
            }
        }
        for (id, acc) in inside {
            *self.accums.at(id) = acc;
            self.hot[id].first_at(row.byte());
        }
        self.outside.extend(outside);
        self.stats.used += 1;
        self.stats.split += u64::from(parts.len() > 1);
        let facility = &self.project.facilities.list[activity.facility];
        let out: Vec<&crate::activity::Part> = parts
            .iter()
            .filter(|p| !p.inside && self.years.contains(&p.year))
            .collect();
        if !out.is_empty() {
            self.stats.outside += 1;
            let days: u32 = out.iter().map(|p| p.days).sum();
            let quantity = out
                .iter()
                .try_fold(Decimal::ZERO, |t, p| crate::decimal::add(t, p.quantity))
                .unwrap_or_default();
            let when = match (facility.window.from, facility.window.to) {
                (Some(f), Some(t)) => format!("from {f} to {t}"),
                (Some(f), None) => format!("from {f}"),
                (None, Some(t)) => format!("until {t}"),
                (None, None) => String::new(),
            };
            self.diagnostics.push(
                Diagnostic::warning(
                    "outside-facility-dates",
                    row.span_of(1),
                    format!(
                        "{} is in the boundary {when} (facilities.csv): {days} of the {} days of this row ({} {}) are outside, in no figure of the year",
                        facility.id,
                        crate::activity::days_between(range.0, range.1),
                        quantity.normalize(),
                        activity.unit.symbol
                    ),
                )
                .with_hint("these days are kept for the base-year restatement only; `explain` shows the split")
                .with_source(row.text()),
            );
        }
        for p in &dropped {
            self.diagnostics.push(
                Diagnostic::warning(
                    "split-outside-reporting-years",
                    row.span_of(1),
                    format!(
                        "{} of the {} days of this row ({}..{}, {} {}) fall in {}, which is not a reporting year: not counted",
                        p.days,
                        crate::activity::days_between(range.0, range.1),
                        p.first,
                        p.last,
                        p.quantity.normalize(),
                        activity.unit.symbol,
                        p.year
                    ),
                )
                .with_hint("add the year to reporting_years to count it, or give the row's days within the reporting years")
                .with_source(row.text()),
            );
        }
        for (id, is_inside, a, l) in &placed {
            if *is_inside != self.outside_only {
                visit(&LineVisit {
                    file: self.file,
                    name: &self.name,
                    activity: a,
                    chain: &self.chains[*id],
                    line: l,
                });
            }
        }
    }

    fn push_chain(&mut self, chain: Chain, companions: u32) {
        // Scope 3 lines are added row by row (their totals are small; no pending sum).
        let linear = if chain.counts_energy() {
            chain.plan.as_ref().map(|p| p.linear_scale())
        } else {
            None
        };
        self.hot.push(Hot {
            linear,
            companions,
            ..Hot::default()
        });
        self.chains.push(chain);
        self.accums.push();
    }

    fn finish(self, spill: Option<&Spill>) -> Result<Part, Diagnostic> {
        if let Some(s) = spill {
            self.pending.finish(s);
        }
        // The touched chains' sums become the packer's full sums where they are.
        let Touched { at, list } = self.accums;
        let mut chains = Packer::over(list, self.chains.len());
        let mut outside = Packer::with_capacity(self.outside.len());
        for (id, (c, hot)) in self.chains.into_iter().zip(self.hot).enumerate() {
            let touched = match at.get(id) {
                Some(&i) if i > 0 => Some(i as usize - 1),
                _ => None,
            };
            let rows = hot.rows + touched.map_or(0, |i| chains.full_mut(i).rows);
            match self.outside.get(&id) {
                Some(o) => {
                    // A chain only days outside the boundary used is in no figure.
                    if rows > 0 {
                        packed(&mut chains, c.clone(), touched, &hot);
                    }
                    outside.push(c, o.clone());
                }
                None => packed(&mut chains, c, touched, &hot),
            }
        }
        let overflow = |e| total_overflow(&self.stats.file, e);
        Ok(Part {
            chains: Runs::of(chains.sorted().map_err(overflow)?),
            outside: Runs::of(outside.sorted().map_err(overflow)?),
            diagnostics: self.diagnostics,
            stats: self.stats,
            candidates: self.candidates,
            notes: self.notes,
        })
    }
}

fn open(project: &Project, file: InputFile) -> Result<bool, Vec<Diagnostic>> {
    let path = project.path(file.input());
    match std::fs::File::open(&path) {
        Ok(_) => Ok(true),
        Err(_) if !file.required() && !project.has(file.input()) => Ok(false),
        Err(e) => Err(vec![Diagnostic::error(
            "missing-file",
            Span::file(&project.shown(file.input())),
            format!("cannot read {}: {e}", file.name()),
        )
        .with_hint("run `carbonledger init DIR` for templates of every file")]),
    }
}

fn thread_count(options: RunOptions, path: &std::path::Path) -> usize {
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        options.threads
    };
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    // Automatic threading only pays for large files; an explicit count always splits.
    if options.threads == 0 && size < PARALLEL_MIN_BYTES {
        1
    } else {
        threads
    }
}

/// Runs `work` on every chunk of a file, one thread each, and returns the results in file
/// order, or `None` when a quoted field spans a chunk boundary (read the file in one piece).
pub(super) fn in_chunks<T: Send>(
    path: &std::path::Path,
    threads: usize,
    work: impl Fn((u64, Option<u64>)) -> Result<(T, ChunkEnd), Vec<Diagnostic>> + Sync,
) -> Result<Option<Vec<(T, ChunkEnd)>>, Vec<Diagnostic>> {
    let bounds = chunk_bounds(path, threads);
    let results: Vec<Result<(T, ChunkEnd), Vec<Diagnostic>>> = if bounds.len() == 1 {
        bounds.iter().map(|b| work(*b)).collect()
    } else {
        std::thread::scope(|s| {
            let work = &work;
            let handles: Vec<_> = bounds.iter().map(|b| s.spawn(move || work(*b))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(vec![Diagnostic::error(
                            "internal",
                            Span::file(&Arc::from(path.to_string_lossy().as_ref())),
                            "a worker thread failed",
                        )])
                    })
                })
                .collect()
        })
    };
    let mut values = Vec::new();
    for r in results {
        values.push(r?);
    }
    let ends: Vec<ChunkEnd> = values.iter().map(|(_, e)| *e).collect();
    Ok(consistent(&ends).then_some(values))
}

/// Streams one file: in chunks on several threads when it is large and no visitor needs the
/// lines in order, else in one piece.
fn run_file(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    exclude: &BTreeSet<u64>,
    spill: Option<&Spill>,
    visit: Option<&mut dyn FnMut(&LineVisit<'_>)>,
    Pass {
        outside_only,
        window,
    }: Pass<'_>,
) -> Result<Part, Vec<Diagnostic>> {
    if !open(project, file)? {
        return Ok(Part::default());
    }
    let from = match window {
        Some(w) => match w.from.get(&file) {
            Some(b) => *b,
            None => return Ok(Part::default()),
        },
        None => 0,
    };
    let stopped = || window.is_some_and(|w| w.stop.load(std::sync::atomic::Ordering::Relaxed));
    let shown = project.shown(file.input());
    let path = project.path(file.input());
    let chunk =
        |bounds: (u64, Option<u64>), visiting: bool, visit: &mut dyn FnMut(&LineVisit<'_>)| {
            let mut worker = Worker::new(project, options, file);
            worker.visiting = visiting;
            worker.outside_only = outside_only;
            // Lines are numbered within the chunk and offset afterwards, except when excluding
            // duplicates by their absolute line or reading from a row of a window.
            // A visitor sees each line as its row is read, so it reads a row at a time; so do
            // projects whose chains fit a core's caches (batches cost them a few per cent).
            let many = project.facilities.list.len() > MANY_FACILITIES;
            let batch = if visiting || !many { 1 } else { ROW_BATCH };
            let end = read_chunk_batched(
                &shown,
                &path,
                file.columns(),
                bounds,
                !exclude.is_empty() || bounds.0 > 0,
                batch,
                |rows| {
                    if batch == 1 {
                        for row in rows.iter() {
                            worker.row(&row, exclude, spill, visit);
                        }
                    } else {
                        worker.rows(rows, exclude, spill, visit);
                    }
                    !stopped()
                },
            )?;
            Ok((worker.finish(spill).map_err(|d| vec![d])?, end))
        };
    if let Some(v) = visit {
        return chunk((from, None), true, v).map(|(p, _)| p);
    }
    let threads = thread_count(options, &path);
    let parts = match in_chunks(&path, threads, |b| {
        chunk(b, false, &mut |_| {}).map(|(p, e)| ((p, e), e))
    })? {
        Some(parts) => {
            let ends: Vec<ChunkEnd> = parts.iter().map(|(_, e)| *e).collect();
            let offsets = line_offsets(&ends);
            parts
                .into_iter()
                .zip(offsets)
                .map(|(((mut p, _), _), off)| {
                    if off > 0 {
                        for d in &mut p.diagnostics {
                            if d.span.line > 0 {
                                d.span.line += off;
                            }
                        }
                    }
                    p
                })
                .collect()
        }
        None => vec![chunk((0, None), false, &mut |_| {})?.0],
    };
    let mut it = parts.into_iter();
    let mut merged = it.next().unwrap_or_default();
    for p in it {
        merged.merge(p).map_err(|u| vec![unheld(project, u)])?;
    }
    Ok(merged)
}

fn run_once(
    project: &Project,
    options: RunOptions,
    exclude: &BTreeMap<InputFile, BTreeSet<u64>>,
    detect: bool,
    mut visit: Option<&mut dyn FnMut(&LineVisit<'_>)>,
    pass: Pass<'_>,
) -> Result<(Computation, AllCandidates), Vec<Diagnostic>> {
    let empty = BTreeSet::new();
    let mut fatal = Vec::new();
    let mut all = Part::default();
    let mut files = Vec::new();
    let mut candidates = BTreeMap::new();
    for file in InputFile::ALL {
        let v: Option<&mut dyn FnMut(&LineVisit<'_>)> = match visit.as_mut() {
            Some(v) => Some(&mut **v),
            None => None,
        };
        if let Some(folder) = FolderInput::open(project, file) {
            match folder.and_then(|f| run_folder(project, options, file, &f, v, pass)) {
                Ok(mut part) => {
                    files.push(std::mem::take(&mut part.stats));
                    if let Err(u) = all.merge(part) {
                        fatal.push(unheld(project, u));
                    }
                }
                Err(mut d) => fatal.append(&mut d),
            }
            continue;
        }
        let size = std::fs::metadata(project.path(file.input())).map_or(0, |m| m.len());
        let spill = detect.then(|| Spill::for_file_size(size));
        let present = project.has(file.input());
        match run_file(
            project,
            options,
            file,
            exclude.get(&file).unwrap_or(&empty),
            spill.as_ref(),
            v,
            pass,
        ) {
            Ok(mut part) => {
                if let Some(s) = &spill {
                    let threads = thread_count(options, &project.path(file.input()));
                    match s.candidates(threads) {
                        Ok(c) => part.candidates.extend(c),
                        Err(e) => fatal.push(Diagnostic::error(
                            "io-error",
                            Span::file(&project.shown(file.input())),
                            format!(
                                "the duplicate check's temporary files could not be read back: {e}"
                            ),
                        )),
                    }
                }
                part.stats.file = project.shown(file.input()).to_string();
                part.stats.present = present;
                files.push(std::mem::take(&mut part.stats));
                candidates.insert(file, std::mem::take(&mut part.candidates));
                if let Err(u) = all.merge(part) {
                    fatal.push(unheld(project, u));
                }
            }
            Err(mut d) => fatal.append(&mut d),
        }
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }
    Ok((assemble(project, options, files, all)?, candidates))
}

/// Turns the merged parts of every file into a computation: linear chains multiplied out,
/// diagnostics in file and line order.
fn assemble(
    project: &Project,
    options: RunOptions,
    files: Vec<FileStats>,
    mut all: Part,
) -> Result<Computation, Vec<Diagnostic>> {
    let mut comp = Computation {
        files,
        notes: std::mem::take(&mut all.notes).into_iter().collect(),
        ..Computation::default()
    };
    let fail = |u| vec![unheld(project, u)];
    comp.outside = merge_runs(
        std::mem::take(&mut all.outside),
        1,
        Vec::new,
        |out, c, a| {
            out.push((c, a));
            Ok(())
        },
    )
    .map_err(fail)?
    .into_iter()
    .flatten()
    .collect();
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    // Linear chains: the summed quantity multiplied out, once; each range of chains on its
    // own thread.
    let settled = merge_runs(
        std::mem::take(&mut all.chains),
        threads,
        || (Vec::new(), Vec::new()),
        |(chains, accums): &mut (Vec<Chain>, Vec<Accum>), c, mut a| {
            if let Err(e) = a.settle(&c) {
                return Err(Unheld {
                    chain: c,
                    error: e.to_string(),
                });
            }
            chains.push(c);
            accums.push(a);
            Ok(())
        },
    )
    .map_err(fail)?;
    // The first range's vectors grow to hold the rest (a large vector grows in place).
    let mut ranges = settled.into_iter();
    if let Some((chains, accums)) = ranges.next() {
        (comp.chains, comp.accums) = (chains, accums);
    }
    for (chains, accums) in ranges {
        comp.chains.extend(chains);
        comp.accums.extend(accums);
    }
    all.diagnostics
        .extend(super::overlap::overlapping_periods(project, &comp));
    all.diagnostics.sort_by(|a, b| {
        a.span
            .cmp(&b.span)
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    comp.diagnostics = all.diagnostics;
    Ok(comp)
}

/// Duplicate candidates per file (fingerprints the filter had maybe seen).
type AllCandidates = BTreeMap<InputFile, Candidates>;

/// Streams every activity file and returns the per-chain sums with the row accounting.
/// File-level problems (not UTF-8, missing columns, empty file) are returned as `Err`: the
/// rows of such a file cannot be accounted for.
pub fn compute(project: &Project, options: RunOptions) -> Result<Computation, Vec<Diagnostic>> {
    let (mut first, candidates) = run_once(
        project,
        options,
        &BTreeMap::new(),
        true,
        None,
        Pass::default(),
    )?;
    first.duplicate_candidates = candidates.values().map(|c| c.len() as u64).sum();
    first.threads = options.threads;
    let mut dups: BTreeMap<InputFile, Vec<dedupe::Duplicate>> = BTreeMap::new();
    for (file, cands) in &candidates {
        if cands.is_empty() {
            continue;
        }
        let path = project.path(file.input());
        let found = dedupe::confirm(
            &project.shown(file.input()),
            &path,
            file.columns(),
            file.ref_col(),
            |row| file.parse(row, project).ok(),
            cands,
            thread_count(options, &path),
        )?;
        if !found.is_empty() {
            dups.insert(*file, found);
        }
    }
    if dups.is_empty() {
        return Ok(first);
    }
    let exclude: BTreeMap<InputFile, BTreeSet<u64>> = dups
        .iter()
        .map(|(f, v)| (*f, v.iter().map(|(l, _, _)| *l).collect()))
        .collect();
    let (mut comp, _) = run_once(project, options, &exclude, false, None, Pass::default())?;
    for (file, found) in &dups {
        let shown = project.shown(file.input());
        for d in found {
            comp.diagnostics
                .push(dedupe::diagnostic(&shown, d, file.subject_name()));
        }
    }
    comp.duplicates = exclude;
    comp.duplicate_candidates = first.duplicate_candidates;
    comp.threads = options.threads;
    comp.diagnostics.sort_by(|a, b| {
        a.span
            .cmp(&b.span)
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    Ok(comp)
}

/// Streams every activity file again in order, calling `visit` for each calculated line (for
/// `explain` and exports), excluding the duplicates found by `compute`.
pub fn for_each_line(
    project: &Project,
    options: RunOptions,
    duplicates: &BTreeMap<InputFile, BTreeSet<u64>>,
    visit: &mut dyn FnMut(&LineVisit<'_>),
) -> Result<Computation, Vec<Diagnostic>> {
    run_once(
        project,
        options,
        duplicates,
        false,
        Some(visit),
        Pass::default(),
    )
    .map(|(c, _)| c)
}

/// What a visiting pass over the files visits: only the days outside the boundary, and only
/// part of each file.
#[derive(Clone, Copy, Default)]
struct Pass<'a> {
    outside_only: bool,
    window: Option<&'a Window<'a>>,
}

/// What [`for_each_line_within`] reads of each file: from which row, and until when.
pub struct Window<'a> {
    /// Per file, the byte where the first row to read starts; a file not named is not read.
    pub from: BTreeMap<InputFile, u64>,
    /// Set by the visitor when it has the lines it wants: reading stops after that row.
    pub stop: &'a std::sync::atomic::AtomicBool,
}

/// `for_each_line` over part of the files only: each file from the row `window` names (its
/// lines keep their numbers in the file) until the visitor sets `window.stop`. A chain's
/// first row is `Accum::first_byte`, so the lines of some chains can be listed without
/// reading the rows before the first of them.
pub fn for_each_line_within(
    project: &Project,
    options: RunOptions,
    duplicates: &BTreeMap<InputFile, BTreeSet<u64>>,
    window: &Window<'_>,
    visit: &mut dyn FnMut(&LineVisit<'_>),
) -> Result<(), Vec<Diagnostic>> {
    let pass = Pass {
        outside_only: false,
        window: Some(window),
    };
    run_once(project, options, duplicates, false, Some(visit), pass).map(|_| ())
}

/// Streams every activity file again in order, calling `visit` for each line of days outside
/// a facility's time in the boundary (in no figure of its year; the base-year restatement's).
pub fn for_each_outside_line(
    project: &Project,
    options: RunOptions,
    duplicates: &BTreeMap<InputFile, BTreeSet<u64>>,
    visit: &mut dyn FnMut(&LineVisit<'_>),
) -> Result<Computation, Vec<Diagnostic>> {
    let pass = Pass {
        outside_only: true,
        window: None,
    };
    run_once(project, options, duplicates, false, Some(visit), pass).map(|(c, _)| c)
}

/// How an activity input is shown in messages about the input as a whole: its file, or its
/// folder or `[inputs]` pattern.
pub fn input_shown(project: &Project, file: InputFile) -> Arc<str> {
    if crate::project::partitioned(project, file.input()) {
        Arc::from(crate::project::shown_folder(project, file.input()))
    } else {
        project.shown(file.input())
    }
}

/// How a file of the project's inputs, named below the project folder (`LineVisit::name`),
/// is shown in messages and listings.
pub fn shown_name(project: &Project, name: &str) -> Arc<str> {
    crate::project::shown_path(&project.dir, name)
}

/// Where an engine's rows come from: the activity files of one kind, read by something other
/// than the core's CSV reader (a query engine over CSV or Parquet files, a folder of
/// partitions). The core keeps every rule: it parses, validates, resolves and sums each row
/// it is handed exactly as it does the rows of `energy.csv`.
pub trait RowSource {
    /// Hands every row of `file`'s input to `row` as `(shown file, row number, the fields
    /// its file has, for each of `columns` its index in those fields or `None`)`, files in a
    /// stable order and rows in file order. Returns false when the input is absent, or the
    /// file-level problems that stop it being read.
    ///
    /// With `skip`, the rows it classifies (those [`RowSource::sums`] summed) are left out; the
    /// others keep their row numbers.
    fn rows(
        &mut self,
        file: InputFile,
        columns: &[(&'static str, bool)],
        skip: Option<&ChainPlan>,
        row: &mut SourceRow<'_>,
    ) -> Result<bool, Vec<Diagnostic>>;

    /// The per-chain sums of the rows of `file`'s input that `plan`'s classification (the
    /// core's, [`linear_rows`]) maps to a chain, made by the source itself; `None` when it
    /// does not sum (every row then comes through `rows`).
    fn sums(
        &mut self,
        _file: InputFile,
        _columns: &[(&'static str, bool)],
        _plan: &ChainPlan,
    ) -> Result<Option<Vec<LinearSum>>, Vec<Diagnostic>> {
        Ok(None)
    }

    /// The row identities (see [`RowIdentity`]) that occur more than once in `file`'s
    /// input, found by grouping every row on `identity` (`None` for a row that does not
    /// validate: such a row is rejected, never a duplicate).
    fn repeated(
        &mut self,
        file: InputFile,
        columns: &[(&'static str, bool)],
        identity: RowIdentity,
    ) -> Result<std::collections::HashSet<String>, Vec<Diagnostic>>;

    /// How the input of `file` is shown in the row accounting.
    fn shown(&self, file: InputFile) -> String;
}

/// What receives each row of a [`RowSource`]: (shown file, row number, the fields its file
/// has, for each input column its index in those fields or `None`).
pub type SourceRow<'a> = dyn FnMut(&Arc<str>, u64, &[&str], &[Option<usize>]) + 'a;

/// The core's definition of a duplicate row, as a function an engine can run on every row
/// (fields in the order of the input's columns): the row's normalised identity as text, or
/// `None` for a row that does not validate.
pub type RowIdentity = Arc<dyn Fn(&[&str]) -> Option<String> + Send + Sync>;

/// The columns of an input (name, required), in the order a [`RowSource`] hands fields over.
pub fn input_columns(file: InputFile) -> Vec<(&'static str, bool)> {
    file.columns()
        .iter()
        .map(|c| (c.name, c.required))
        .collect()
}

/// The identity function of `file`'s rows for an engine (owns a copy of the project, as an
/// engine may run it on any thread).
pub fn row_identity(project: &Project, file: InputFile) -> RowIdentity {
    let project = Arc::new(project.clone());
    let name: Arc<str> = Arc::from(file.name());
    let map: Vec<Option<usize>> = (0..file.columns().len()).map(Some).collect();
    Arc::new(move |fields: &[&str]| {
        let record = crate::ingest::Record::from_fields(fields.iter().copied(), 0);
        let row = RowRef::of_columns(&name, &record, &map);
        let activity = file.parse(&row, &project).ok()?;
        Some(format!(
            "{:?}",
            dedupe::identity(&row, &activity, file.ref_col())
        ))
    })
}

/// Streams every activity file through `source` (an engine) instead of the core's CSV reader,
/// with the same validation, resolution, duplicate rule and sums, and returns the same
/// computation `compute` returns for the same rows. Row positions are the rows' numbers in
/// their files as the source counts them.
pub fn compute_from(
    project: &Project,
    options: RunOptions,
    source: &mut dyn RowSource,
) -> Result<Computation, Vec<Diagnostic>> {
    let mut all = Part::default();
    let mut files = Vec::new();
    let mut duplicates: BTreeMap<InputFile, BTreeSet<u64>> = BTreeMap::new();
    let mut dup_diagnostics = Vec::new();
    let mut engine_rows = 0;
    for file in InputFile::ALL {
        let columns = input_columns(file);
        let repeated = Arc::new(source.repeated(file, &columns, row_identity(project, file))?);
        // The rows of linear chains, summed by the source when it can; the rest come one by one.
        let plan = ChainPlan {
            chain: linear_rows(project, options, file, repeated.clone()),
            options,
            repeated: repeated.clone(),
        };
        let sums = source.sums(file, &columns, &plan)?;
        let skip = sums.as_ref().map(|_| &plan);
        let mut read = RowsRead::new(project, options, file, &repeated, None);
        let present = source.rows(file, &columns, skip, &mut |shown, line, fields, map| {
            let record = crate::ingest::Record::from_fields(fields.iter().copied(), line);
            read.row(&RowRef::of_columns(shown, &record, map), &mut |_| {});
        })?;
        let shown: Arc<str> = Arc::from(source.shown(file));
        for s in sums.iter().flatten() {
            read.worker.add_sum(s, &shown).map_err(|d| vec![d])?;
            engine_rows += s.rows;
        }
        if !read.duplicates.is_empty() {
            duplicates.insert(file, std::mem::take(&mut read.duplicates));
        }
        dup_diagnostics.append(&mut read.diagnostics);
        if present {
            // The folder's files the source does not read, named as the default reader names
            // them.
            dup_diagnostics.extend(super::folder::unread_warnings(project, file));
        }
        let mut part = read.worker.finish(None).map_err(|d| vec![d])?;
        part.stats.file = source.shown(file);
        part.stats.present = present;
        if !present {
            part.stats = FileStats {
                file: source.shown(file),
                ..FileStats::default()
            };
        }
        files.push(std::mem::take(&mut part.stats));
        all.merge(part).map_err(|u| vec![unheld(project, u)])?;
    }
    all.diagnostics.append(&mut dup_diagnostics);
    let mut comp = assemble(project, options, files, all)?;
    comp.duplicates = duplicates;
    comp.engine_rows = engine_rows;
    comp.threads = options.threads;
    Ok(comp)
}

/// One input's rows handed over one at a time, in order, by something other than the chunked
/// reader (an engine, the files of a folder input): one worker, and duplicates found by their
/// identity — of the identities in `repeated` (those more than one row has), the first row is
/// kept and each later one rejected naming it, by file and row.
struct RowsRead<'p, 'r> {
    project: &'p Project,
    file: InputFile,
    worker: Worker<'p>,
    repeated: &'r std::collections::HashSet<String>,
    /// The first row of each repeated identity: its file, row and text.
    first: FxHashMap<String, (Arc<str>, u64, String)>,
    /// The rows rejected as duplicates (their numbers in their files).
    duplicates: BTreeSet<u64>,
    /// Their diagnostics.
    diagnostics: Vec<Diagnostic>,
    /// The shown name of the file the last row came from, and the project folder's shown
    /// prefix, to name each row's file below the project (`LineVisit::name`).
    last_file: Option<Arc<str>>,
    prefix: Arc<str>,
}

impl<'p, 'r> RowsRead<'p, 'r> {
    fn new(
        project: &'p Project,
        options: RunOptions,
        file: InputFile,
        repeated: &'r std::collections::HashSet<String>,
        pass: Option<Pass<'_>>,
    ) -> Self {
        let mut worker = Worker::new(project, options, file);
        if let Some(p) = pass {
            worker.visiting = true;
            worker.outside_only = p.outside_only;
        }
        RowsRead {
            project,
            file,
            worker,
            repeated,
            first: FxHashMap::default(),
            duplicates: BTreeSet::new(),
            diagnostics: Vec::new(),
            last_file: None,
            prefix: crate::project::shown_path(&project.dir, ""),
        }
    }

    fn row(&mut self, row: &RowRef<'_>, visit: &mut dyn FnMut(&LineVisit<'_>)) {
        let shown = row.file();
        if self.last_file.as_ref() != Some(shown) {
            let name = shown.strip_prefix(&*self.prefix).unwrap_or(shown);
            self.worker.name = Arc::from(name);
            self.last_file = Some(shown.clone());
        }
        let line = row.line();
        let mut exclude = None;
        if !self.repeated.is_empty() {
            if let Ok(a) = self.file.parse(row, self.project) {
                let id = format!("{:?}", dedupe::identity(row, &a, self.file.ref_col()));
                if self.repeated.contains(&id) {
                    match self.first.get(&id) {
                        Some((orig_file, orig, _)) => {
                            let what = self.file.subject_name();
                            let d = if orig_file == shown {
                                dedupe::diagnostic(shown, &(line, *orig, row.text()), what)
                            } else {
                                dedupe::diagnostic_across(
                                    (shown, line),
                                    (orig_file, *orig),
                                    row.text(),
                                    what,
                                )
                            };
                            self.diagnostics.push(d);
                            self.duplicates.insert(line);
                            exclude = Some(BTreeSet::from([line]));
                        }
                        None => {
                            self.first.insert(id, (shown.clone(), line, row.text()));
                        }
                    }
                }
            }
        }
        let none = BTreeSet::new();
        self.worker
            .row(row, exclude.as_ref().unwrap_or(&none), None, visit);
    }
}
