//! Streaming a project's activity files through resolution and calculation into per-chain
//! sums. Memory is bounded by the number of distinct chains (facility × year × carrier ×
//! unit dimension × explicit factor) plus a fixed-size duplicate filter, never by rows.
//!
//! Duplicate rows are found exactly in bounded memory: a fixed Bloom filter over each row's
//! identity flags candidates in the first pass; only if there are candidates does a second
//! pass confirm them by comparing the identities themselves (kept for candidates only); only if
//! some are confirmed is the calculation run once more without them.

use super::chain::{calculate, Accum, Chain};
use super::resolve::{ResolveError, ResolveOptions, Resolver};
use crate::activity::{
    parse_energy_row, parse_fugitive_row, Activity, Subject, ENERGY_COLUMNS, FUGITIVE_COLUMNS,
};
use crate::decimal::parse_amount;
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{read_table, Column, RowRef};
use crate::project::Project;
use crate::units::lookup;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
            InputFile::Energy => "energy.csv",
            InputFile::Fugitive => "fugitive.csv",
        }
    }
    fn required(self) -> bool {
        self == InputFile::Energy
    }
    fn columns(self) -> &'static [Column] {
        match self {
            InputFile::Energy => &ENERGY_COLUMNS,
            InputFile::Fugitive => &FUGITIVE_COLUMNS,
        }
    }
    fn ref_col(self) -> usize {
        match self {
            InputFile::Energy => 6,
            InputFile::Fugitive => 5,
        }
    }
    fn parse(self, row: &RowRef<'_>, project: &Project) -> Result<Activity, Vec<Diagnostic>> {
        match self {
            InputFile::Energy => parse_energy_row(row, &project.facilities),
            InputFile::Fugitive => parse_fugitive_row(row, &project.facilities),
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

/// The most decimal places of a base unit (kg, J, kgce) a line result may have: sums of such
/// values up to 10^16 stay within Decimal's 28 digits.
const MAX_LINE_SCALE: u32 = 12;

/// Options for a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Refuse fallbacks.
    pub strict: bool,
}

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
}

impl Computation {
    /// Total rows rejected.
    pub fn rejected_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
}

/// The identity of a chain, as small integers: hashing and comparing it costs a few
/// instructions per row (gas names and factor references are interned once).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ChainKey {
    year: i32,
    facility: usize,
    subject: u32,
    unit: u16,
    factor: u32,
}

/// Interned gas names and factor references of one pass.
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

/// The identity of a validated row for duplicate detection, normalised so that aliases
/// (`电力` = `electricity`, `r410a` = `R-410A`) and trailing zeros (`1100.0` = `1100`) do not
/// hide a duplicate: facility, period, carrier or gas, quantity in base units, and `ref`.
fn identity_text(a: &Activity, reference: &str) -> String {
    let subject = match &a.subject {
        Subject::Carrier(c) => c.name().to_string(),
        Subject::Gas(g) => g.clone(),
    };
    format!(
        "{}\u{1f}{}\u{1f}{subject}\u{1f}{:?}\u{1f}{}\u{1f}{reference}",
        a.facility,
        a.period,
        a.qty.kind,
        a.qty.base.normalize()
    )
}

fn identity_fingerprint(a: &Activity, reference: &str) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    a.facility.hash(&mut h);
    a.period.hash(&mut h);
    a.subject.hash(&mut h);
    a.qty.kind.hash(&mut h);
    let b = a.qty.base.normalize();
    b.mantissa().hash(&mut h);
    b.scale().hash(&mut h);
    reference.hash(&mut h);
    let h1 = h.finish();
    // A second, independent-enough 64 bits for the filter's bit positions (SplitMix64 finaliser).
    let mut z = h1 ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (h1, z ^ (z >> 31))
}

/// A fixed-size (32 MiB) blocked Bloom filter over row identities: each identity sets six
/// bits inside one 512-bit block, so a lookup touches one cache line.
struct Bloom {
    blocks: Vec<[u64; 8]>,
}

/// 2^19 blocks of 512 bits = 2^28 bits = 32 MiB.
const BLOOM_BLOCKS_LOG2: u32 = 19;

impl Bloom {
    fn new() -> Self {
        Bloom {
            blocks: vec![[0; 8]; 1 << BLOOM_BLOCKS_LOG2],
        }
    }
    /// Inserts; returns true if the identity may have been seen before.
    fn insert(&mut self, (h1, h2): (u64, u64)) -> bool {
        let block = &mut self.blocks[(h1 >> (64 - BLOOM_BLOCKS_LOG2)) as usize];
        let mut seen = true;
        for i in 0..6 {
            let bit = (h2 >> (i * 9)) & 511;
            let (w, m) = ((bit >> 6) as usize, 1u64 << (bit & 63));
            seen &= block[w] & m != 0;
            block[w] |= m;
        }
        seen
    }
}

/// One calculated row, handed to a visitor.
pub struct LineVisit<'a> {
    /// The input file.
    pub file: InputFile,
    /// The validated row.
    pub activity: &'a Activity,
    /// Its chain id.
    pub chain_id: usize,
    /// Its chain.
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

struct Pass<'p> {
    project: &'p Project,
    resolver: Resolver<'p>,
    cache: FxHashMap<ChainKey, Result<usize, ResolveError>>,
    interner: Interner,
    comp: Computation,
}

impl<'p> Pass<'p> {
    fn new(project: &'p Project, options: RunOptions) -> Self {
        Pass {
            project,
            resolver: Resolver::new(
                project,
                ResolveOptions {
                    strict: options.strict,
                },
            ),
            cache: FxHashMap::default(),
            interner: Interner::default(),
            comp: Computation::default(),
        }
    }

    /// Streams one file. `exclude` holds duplicate lines to reject; `bloom` collects candidates.
    fn stream(
        &mut self,
        file: InputFile,
        exclude: &BTreeSet<u64>,
        mut bloom: Option<(&mut Bloom, &mut HashSet<(u64, u64)>)>,
        visit: &mut dyn FnMut(&LineVisit<'_>),
    ) -> Result<(), Vec<Diagnostic>> {
        let shown = self.project.shown(file.name());
        let path = self.project.path(file.name());
        let mut stats = FileStats {
            file: shown.to_string(),
            ..FileStats::default()
        };
        let handle = match std::fs::File::open(&path) {
            Ok(h) => h,
            Err(_) if !file.required() && !path.exists() => {
                self.comp.files.push(stats);
                return Ok(());
            }
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    "missing-file",
                    Span::file(&shown),
                    format!("cannot read {}: {e}", file.name()),
                )
                .with_hint("run `carbonledger init DIR` for templates of every file")])
            }
        };
        stats.present = true;
        let years: BTreeSet<i32> = self
            .project
            .manifest
            .reporting_years
            .iter()
            .copied()
            .collect();
        let reader = std::io::BufReader::with_capacity(1 << 20, handle);
        let Pass {
            project,
            resolver,
            cache,
            interner,
            comp,
        } = self;
        let mut row_diags: Vec<Diagnostic> = Vec::new();
        let res = read_table(&shown, reader, file.columns(), |row| {
            stats.read += 1;
            let reject =
                |stats: &mut FileStats, diags: &mut Vec<Diagnostic>, mut d: Vec<Diagnostic>| {
                    stats.rejected += 1;
                    rejected_quantity(row, stats);
                    diags.append(&mut d);
                };
            if exclude.contains(&row.line()) {
                // The duplicate diagnostic itself is added by the caller, once per line.
                stats.rejected += 1;
                rejected_quantity(row, &mut stats);
                return;
            }
            let activity = match file.parse(row, project) {
                Ok(a) => a,
                Err(d) => return reject(&mut stats, &mut row_diags, d),
            };
            if let Some((bloom, candidates)) = bloom.as_mut() {
                let fp = identity_fingerprint(&activity, row.get(file.ref_col()));
                if bloom.insert(fp) {
                    candidates.insert(fp);
                }
            }
            let year = activity.period.year();
            if !years.contains(&year) {
                let d = Diagnostic::error("period-outside-reporting-years", row.span_of(1), format!("period {} is outside reporting_years {:?}", activity.period, project.manifest.reporting_years))
                    .with_hint("add the year to reporting_years in carbonledger.toml, or move the row to another project")
                    .with_source(row.text());
                return reject(&mut stats, &mut row_diags, vec![d]);
            }
            let key = ChainKey {
                year,
                facility: activity.facility,
                subject: interner.subject(&activity.subject),
                unit: activity.unit.index,
                factor: interner.factor(activity.factor.as_ref()),
            };
            let id = match cache.get(&key) {
                Some(r) => r.clone(),
                None => {
                    let r = resolver
                        .resolve(
                            year,
                            activity.facility,
                            &activity.subject,
                            activity.unit,
                            activity.factor.as_ref(),
                        )
                        .map(|chain| {
                            comp.chains.push(chain);
                            comp.accums.push(Accum::default());
                            comp.chains.len() - 1
                        });
                    cache.insert(key, r.clone());
                    r
                }
            };
            let id = match id {
                Ok(id) => id,
                Err(e) => {
                    let col = file.column_index(e.column).unwrap_or(0);
                    let d = Diagnostic::error(e.code, row.span_of(col), e.message)
                        .with_hint(e.hint)
                        .with_source(row.text());
                    return reject(&mut stats, &mut row_diags, vec![d]);
                }
            };
            let chain = &comp.chains[id];
            let line = calculate(activity.quantity, chain).map_err(|e| e.to_string()).and_then(|l| {
                if l.max_scale() > MAX_LINE_SCALE {
                    Err(format!("its results need {} decimal places of the base unit (kg, J, kgce); more than {MAX_LINE_SCALE} cannot be summed exactly with other rows", l.max_scale()))
                } else {
                    Ok(l)
                }
            });
            let added = line.as_ref().map_err(String::clone).and_then(|l| {
                let mut next = comp.accums[id];
                next.add_line(l).map_err(|e| e.to_string())?;
                Ok((next, *l))
            });
            match added {
                Ok((next, l)) => {
                    comp.accums[id] = next;
                    stats.used += 1;
                    visit(&LineVisit {
                        file,
                        activity: &activity,
                        chain_id: id,
                        chain,
                        line: &l,
                    });
                }
                Err(msg) => {
                    let d = Diagnostic::error(
                        "inexact-row",
                        row.span_of(3),
                        format!("cannot calculate this row exactly: {msg}"),
                    )
                    .with_hint("round the quantity at its source to fewer decimal places, or split an implausibly large row")
                    .with_source(row.text());
                    reject(&mut stats, &mut row_diags, vec![d]);
                }
            }
        });
        self.comp.diagnostics.append(&mut row_diags);
        self.comp.files.push(stats);
        res.map(|_| ())
    }
}

/// Confirms duplicate candidates by re-reading the file and comparing row identities.
fn confirm_duplicates(
    project: &Project,
    file: InputFile,
    candidates: &HashSet<(u64, u64)>,
) -> Result<Vec<(u64, u64, String)>, Vec<Diagnostic>> {
    let shown = project.shown(file.name());
    let handle = std::fs::File::open(project.path(file.name())).map_err(|e| {
        vec![Diagnostic::error(
            "missing-file",
            Span::file(&shown),
            e.to_string(),
        )]
    })?;
    let mut first: HashMap<String, u64> = HashMap::new();
    let mut dups = Vec::new();
    read_table(
        &shown,
        std::io::BufReader::with_capacity(1 << 20, handle),
        file.columns(),
        |row| {
            let Ok(a) = file.parse(row, project) else {
                return;
            };
            let reference = row.get(file.ref_col());
            if candidates.contains(&identity_fingerprint(&a, reference)) {
                let key = identity_text(&a, reference);
                match first.get(&key) {
                    Some(&l) => dups.push((row.line(), l, row.text())),
                    None => {
                        first.insert(key, row.line());
                    }
                }
            }
        },
    )?;
    Ok(dups)
}

fn run_once(
    project: &Project,
    options: RunOptions,
    exclude: &BTreeMap<InputFile, BTreeSet<u64>>,
    mut detect: Option<&mut BTreeMap<InputFile, HashSet<(u64, u64)>>>,
    visit: &mut dyn FnMut(&LineVisit<'_>),
) -> Result<Computation, Vec<Diagnostic>> {
    let mut pass = Pass::new(project, options);
    let empty = BTreeSet::new();
    let mut fatal = Vec::new();
    for file in InputFile::ALL {
        let ex = exclude.get(&file).unwrap_or(&empty);
        let mut bloom = detect.as_ref().map(|_| Bloom::new());
        let mut cands = HashSet::new();
        let b = bloom.as_mut().map(|b| (b, &mut cands));
        if let Err(mut d) = pass.stream(file, ex, b, visit) {
            fatal.append(&mut d);
        }
        if let Some(det) = detect.as_mut() {
            det.insert(file, cands);
        }
    }
    if fatal.is_empty() {
        Ok(pass.comp)
    } else {
        Err(fatal)
    }
}

/// Streams every activity file and returns the per-chain sums with the row accounting.
/// File-level problems (not UTF-8, missing columns, empty file) are returned as `Err`: the
/// rows of such a file cannot be accounted for.
pub fn compute(project: &Project, options: RunOptions) -> Result<Computation, Vec<Diagnostic>> {
    let mut candidates = BTreeMap::new();
    let first = run_once(
        project,
        options,
        &BTreeMap::new(),
        Some(&mut candidates),
        &mut |_| {},
    )?;
    let mut dups: BTreeMap<InputFile, Vec<(u64, u64, String)>> = BTreeMap::new();
    for (file, cands) in &candidates {
        if !cands.is_empty() {
            let found = confirm_duplicates(project, *file, cands)?;
            if !found.is_empty() {
                dups.insert(*file, found);
            }
        }
    }
    if dups.is_empty() {
        return Ok(first);
    }
    let exclude: BTreeMap<InputFile, BTreeSet<u64>> = dups
        .iter()
        .map(|(f, v)| (*f, v.iter().map(|(l, _, _)| *l).collect()))
        .collect();
    let mut comp = run_once(project, options, &exclude, None, &mut |_| {})?;
    for (file, found) in &dups {
        let shown = project.shown(file.name());
        for (line, orig, text) in found {
            comp.diagnostics.push(
                Diagnostic::error("duplicate-row", Span::line(&shown, *line), format!("duplicate of line {orig}: same facility, period, {}, quantity, unit and ref", if *file == InputFile::Energy { "carrier" } else { "gas" }))
                    .with_hint("remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)")
                .with_source(text.clone()),
            );
        }
    }
    comp.duplicates = exclude;
    comp.diagnostics
        .sort_by(|a, b| a.span.cmp(&b.span).then_with(|| a.code.cmp(b.code)));
    Ok(comp)
}

/// Streams every activity file again, calling `visit` for each calculated line (for `explain`
/// and exports), excluding the duplicates found by `compute`.
pub fn for_each_line(
    project: &Project,
    options: RunOptions,
    duplicates: &BTreeMap<InputFile, BTreeSet<u64>>,
    visit: &mut dyn FnMut(&LineVisit<'_>),
) -> Result<Computation, Vec<Diagnostic>> {
    run_once(project, options, duplicates, None, visit)
}

/// Shared for callers that want the file's shown name.
pub fn shown_name(project: &Project, file: InputFile) -> Arc<str> {
    project.shown(file.name())
}
