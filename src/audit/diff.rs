//! Auditing a single factor change: which chains, lines and register entries it touches, every
//! figure before and after, and whether it makes the base year's recalculation necessary
//! under the manifest's significance threshold. The project under the change is computed by
//! re-pricing (see `reprice`), with a full recompute as the checked fallback.

use super::change::{Change, ChangeError};
use super::reprice::{factors_differ, reprice_or_recompute, BodiesCompared, Method};
use crate::activity::{Activity, Subject};
use crate::calc::{
    calculate, for_each_line_within, Accum, Chain, Computation, InputFile, Line, RunOptions, Window,
};
use crate::decimal::{self, CalcError, RoundingRule};
use crate::diag::Diagnostic;
use crate::export::{entry_lines, ExportLine};
use crate::ledger::{run_registers_where, Ledger, Registered};
use crate::project::Project;
use crate::register::Contribution;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a diff could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The change does not apply to this project.
    #[error(transparent)]
    Change(#[from] ChangeError),
    /// Under the change, rows cannot be calculated (or the inputs have file-level problems).
    #[error("under the change, {} problem(s) stop the calculation", .0.len())]
    Data(Vec<Diagnostic>),
    /// A figure could not be held exactly.
    #[error(transparent)]
    Calc(#[from] CalcError),
}

/// One figure in one year, before and after the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureChange {
    /// Figure name.
    pub name: String,
    /// Year.
    pub year: i32,
    /// Unit.
    pub unit: &'static str,
    /// Value before (`None`: the figure does not apply).
    pub before: Option<Decimal>,
    /// Value after.
    pub after: Option<Decimal>,
}

impl FigureChange {
    /// `after − before` (in percentage points for a figure in %).
    pub fn delta(&self) -> Option<Decimal> {
        decimal::sub(self.after?, self.before?).ok()
    }

    /// `(after − before) / before × 100`; `None` for figures in % (their delta is in
    /// percentage points) and when `before` is zero.
    pub fn delta_pct(&self) -> Option<Decimal> {
        if self.unit == "%" {
            return None;
        }
        pct_change(self.before?, self.after?)
    }

    /// Whether before and after differ.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// `(after − before) / before × 100`, rounded to `decimal::FIGURE_DP` places when it does not
/// terminate; `None` when `before` is zero.
pub fn pct_change(before: Decimal, after: Decimal) -> Option<Decimal> {
    if before.is_zero() {
        return None;
    }
    let d = decimal::mul(decimal::sub(after, before).ok()?, Decimal::ONE_HUNDRED).ok()?;
    decimal::div(d, before)
        .ok()
        .map(|q| q.rounded(decimal::FIGURE_DP).normalize())
}

/// Every figure of either ledger in every reporting year, before and after; only those that
/// changed unless `all`.
pub fn figure_changes(
    before: &Ledger,
    after: &Ledger,
    all: bool,
) -> Result<Vec<FigureChange>, CalcError> {
    let mut names = before.names();
    for n in after.names() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut out = Vec::new();
    for &y in &before.years {
        for n in &names {
            let b = before.figure(n, y)?;
            let a = after.figure(n, y)?;
            let Some(unit) = b.as_ref().or(a.as_ref()).map(|f| f.unit) else {
                continue;
            };
            let fc = FigureChange {
                name: n.clone(),
                year: y,
                unit,
                before: b.map(|f| f.value),
                after: a.map(|f| f.value),
            };
            if all || fc.changed() {
                out.push(fc);
            }
        }
    }
    Ok(out)
}

/// A chain (facility × year × carrier or gas × unit × explicit factor) whose factors changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainChange {
    /// The chain before.
    pub before: Chain,
    /// The chain after.
    pub after: Chain,
    /// Its totals before.
    pub sums_before: Accum,
    /// Its totals after.
    pub sums_after: Accum,
}

type ChainKey = (
    i32,
    usize,
    usize,
    Subject,
    u16,
    Option<crate::factors::FactorRef>,
    crate::calc::SourceKind,
    Option<crate::calc::SourceKind>,
);

fn chain_key(c: &Chain) -> ChainKey {
    (
        c.year,
        c.facility,
        c.terms,
        c.subject.clone(),
        c.activity_unit.index,
        c.explicit.clone(),
        c.kind,
        c.upstream_of,
    )
}

/// Each chain of `before` with the chain of `after` of its identity, if any. A re-priced
/// computation has its chains in the order of the one it was re-priced from, so they are
/// paired by position when every position holds one identity; else by identity.
fn paired<'a>(
    before: &'a Computation,
    after: &'a Computation,
) -> Vec<Option<(&'a Chain, &'a Accum)>> {
    let aligned = before.chains.len() == after.chains.len()
        && before
            .chains
            .iter()
            .zip(&after.chains)
            .all(|(a, b)| a.same_identity(b));
    if aligned {
        return after.chains.iter().zip(&after.accums).map(Some).collect();
    }
    let after_by: BTreeMap<ChainKey, (&Chain, &Accum)> = after
        .chains
        .iter()
        .zip(&after.accums)
        .map(|(c, a)| (chain_key(c), (c, a)))
        .collect();
    before
        .chains
        .iter()
        .map(|c| after_by.get(&chain_key(c)).copied())
        .collect()
}

/// The chains whose factor references or values differ between two computations of the same rows.
pub fn chain_changes(before: &Computation, after: &Computation) -> Vec<ChainChange> {
    let pairs = paired(before, after);
    let mut out = Vec::new();
    let mut compared = BodiesCompared::default();
    for ((c, a), pair) in before.chains.iter().zip(&before.accums).zip(pairs) {
        if let Some((nc, na)) = pair {
            if compared.differ(c, nc) || a != na {
                out.push(ChainChange {
                    before: c.clone(),
                    after: nc.clone(),
                    sums_before: a.clone(),
                    sums_after: na.clone(),
                });
            }
        }
    }
    out
}

/// One input row whose factor changes.
pub struct LineChange<'a> {
    /// The file it was read from.
    pub file: InputFile,
    /// Its name below the project folder (see `LineVisit::name`).
    pub name: &'a str,
    /// The row.
    pub activity: &'a Activity,
    /// Its chain before the change.
    pub chain_before: &'a Chain,
    /// Its line before.
    pub before: &'a Line,
    /// Its chain after.
    pub chain_after: &'a Chain,
    /// Its line after.
    pub after: &'a Line,
}

/// Reads the rows again and calls `visit` for each row whose chain's factors differ between
/// `before` and `after` (computations of the same project under two sets of factors), in
/// file and line order: every such line, or the first `limit`. Returns how many lines change.
///
/// Each file is read from the first row of a changed chain (`Accum::first_byte`), and, with a
/// `limit`, only until that many lines are found; the count is then the changed chains' rows
/// (a chain has one line per row it sums: tested against the full reading).
pub fn changed_lines(
    project: &Project,
    before: &Computation,
    after: &Computation,
    options: RunOptions,
    limit: Option<usize>,
    visit: &mut dyn FnMut(&LineChange<'_>),
) -> Result<u64, Vec<Diagnostic>> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let pairs = paired(before, after);
    let mut from: BTreeMap<InputFile, u64> = BTreeMap::new();
    let mut rows = 0u64;
    // The changed chains after, by identity: the rows read again are paired with them.
    let mut changed: BTreeMap<ChainKey, &Chain> = BTreeMap::new();
    let mut compared = BodiesCompared::default();
    for ((c, a), pair) in before.chains.iter().zip(&before.accums).zip(pairs) {
        let Some((nc, _)) = pair.filter(|(nc, _)| compared.differ(c, nc)) else {
            continue;
        };
        changed.insert(chain_key(c), nc);
        rows += a.rows;
        let file = match c.subject {
            Subject::Carrier(_) => InputFile::Energy,
            Subject::Gas(_) => InputFile::Fugitive,
        };
        let at = a.first_byte.unwrap_or(0);
        from.entry(file)
            .and_modify(|b| *b = (*b).min(at))
            .or_insert(at);
    }
    let stop = AtomicBool::new(limit == Some(0));
    let window = Window { from, stop: &stop };
    let mut seen = 0u64;
    let mut failure = None;
    // A row's chain is looked up once per chain, by its body and facility (the body is kept
    // alive with the entry, so that its address names it for the whole pass).
    type Seen<'c> = rustc_hash::FxHashMap<
        (usize, usize, usize),
        (Arc<crate::calc::ChainBody>, Option<&'c Chain>),
    >;
    let mut chain_of: Seen<'_> = Seen::default();
    for_each_line_within(project, options, &before.duplicates, &window, &mut |v| {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let id = (v.chain.body_id(), v.chain.facility, v.chain.terms);
        let nc = match chain_of.get(&id) {
            Some((_, nc)) => *nc,
            None => {
                let nc = changed
                    .get(&chain_key(v.chain))
                    .copied()
                    .filter(|nc| factors_differ(v.chain, nc));
                chain_of.insert(id, (v.chain.shared_body(), nc));
                nc
            }
        };
        let Some(nc) = nc else {
            return;
        };
        match calculate(v.activity.quantity, nc) {
            Ok(line) => {
                seen += 1;
                if limit.is_some_and(|n| seen >= n as u64) {
                    stop.store(true, Ordering::Relaxed);
                }
                visit(&LineChange {
                    file: v.file,
                    name: v.name,
                    activity: v.activity,
                    chain_before: v.chain,
                    before: v.line,
                    chain_after: nc,
                    after: &line,
                })
            }
            Err(e) => {
                failure.get_or_insert_with(|| {
                    Diagnostic::error(
                        "inexact-row",
                        crate::diag::Span::line(
                            &crate::calc::shown_name(project, v.name),
                            v.activity.line,
                        ),
                        format!("under the change this row cannot be calculated exactly: {e}"),
                    )
                });
            }
        }
    })?;
    match failure {
        Some(d) => Err(vec![d]),
        None if stop.load(Ordering::Relaxed) => Ok(rows),
        None => Ok(seen),
    }
}

/// A register entry whose lines read a changed value or give another value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryChange {
    /// File.
    pub file: Arc<str>,
    /// Line (0 for an aggregate).
    pub line: u64,
    /// What the entry is.
    pub what: String,
    /// `(reference, value)` of each published value its lines read, before.
    pub factors_before: Vec<(String, Decimal)>,
    /// After.
    pub factors_after: Vec<(String, Decimal)>,
    /// Contributions before.
    pub parts_before: Vec<Contribution>,
    /// Contributions after.
    pub parts_after: Vec<Contribution>,
    /// The entry's calculation lines (rows of the one line schema, as `lines.csv` has them)
    /// that read a changed value or give another value: before and after, paired in order
    /// (`None` where one side has no such line).
    pub lines: Vec<(Option<ExportLine>, Option<ExportLine>)>,
}

/// One register line a change touches, as `diff` shows it: the figure it feeds, the published
/// values that differ on each side (only those), and its value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLineChange {
    /// The figure the line feeds.
    pub figure: String,
    /// Its year.
    pub year: i32,
    /// The unit of the value.
    pub unit: &'static str,
    /// `(reference, value)` read before and not after.
    pub factors_before: Vec<(String, Decimal)>,
    /// `(reference, value)` read after and not before.
    pub factors_after: Vec<(String, Decimal)>,
    /// The value before (`None`: no such line before).
    pub before: Option<Decimal>,
    /// The value after (`None`: no such line after).
    pub after: Option<Decimal>,
}

impl RegisterLineChange {
    /// After − before, when both sides have the line.
    pub fn delta(&self) -> Option<Result<Decimal, CalcError>> {
        Some(decimal::sub(self.after?, self.before?))
    }
}

impl EntryChange {
    /// The entry's changed lines, one per line and figure it feeds (the rows of lines.csv).
    pub fn line_changes(&self) -> Vec<RegisterLineChange> {
        self.lines
            .iter()
            .filter_map(|(b, a)| {
                let l = a.as_ref().or(b.as_ref())?;
                let fb = b.as_ref().map(line_factors).unwrap_or_default();
                let fa = a.as_ref().map(line_factors).unwrap_or_default();
                let only = |x: &[(String, Decimal)], y: &[(String, Decimal)]| {
                    x.iter().filter(|f| !y.contains(f)).cloned().collect()
                };
                Some(RegisterLineChange {
                    figure: l.figure.clone(),
                    year: l.year,
                    unit: l.value_unit,
                    factors_before: only(&fb, &fa),
                    factors_after: only(&fa, &fb),
                    before: b.as_ref().map(|x| x.value),
                    after: a.as_ref().map(|x| x.value),
                })
            })
            .collect()
    }
}

/// The published values a line reads, `(reference, value)`, in column order: calorific
/// value, factor, GWP, then the steps' (a reduction reads two).
pub fn line_factors(l: &ExportLine) -> Vec<(String, Decimal)> {
    [&l.calorific, &l.factor, &l.gwp]
        .into_iter()
        .flatten()
        .chain(l.steps.iter().flat_map(|s| s.factors()))
        .map(|u| (u.reference.to_string(), u.value))
        .collect()
}

fn entry_factors(lines: &[ExportLine]) -> Vec<(String, Decimal)> {
    let mut v: Vec<(String, Decimal)> = Vec::new();
    for f in lines.iter().flat_map(line_factors) {
        if !v.contains(&f) {
            v.push(f);
        }
    }
    v
}

/// An entry's key: its file, line and description.
type EntryKey = (Arc<str>, u64, String);

/// Entries keyed by file, line and description, in the order sent: their contributions and
/// lines (all that a change is made of; the entries' step texts are not kept).
type Keyed = BTreeMap<EntryKey, Vec<(Vec<Contribution>, Vec<ExportLine>)>>;

/// A facility's id by index, as an entry's lines name it.
fn facility_id(p: &Project) -> impl Fn(usize) -> String + '_ {
    |i: usize| {
        p.facilities
            .list
            .get(i)
            .map_or_else(String::new, |f| f.id.clone())
    }
}

fn keyed(p: &Project, c: &Computation, strict: bool, wanted: &dyn Fn(usize) -> bool) -> Keyed {
    let facility = facility_id(p);
    let mut v: Keyed = BTreeMap::new();
    run_registers_where(p, c, strict, wanted, &mut |e| {
        let lines = entry_lines(e, &facility);
        v.entry((e.file.clone(), e.line, e.what.clone()))
            .or_default()
            .push((e.parts.clone(), lines));
    });
    v
}

/// The lines, paired in order, that read another value or give another value.
fn changed_pairs(
    lb: &[ExportLine],
    la: &[ExportLine],
) -> Vec<(Option<ExportLine>, Option<ExportLine>)> {
    (0..lb.len().max(la.len()))
        .map(|i| (lb.get(i).cloned(), la.get(i).cloned()))
        .filter(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => line_factors(x) != line_factors(y) || x.value != y.value,
            _ => true,
        })
        .collect()
}

/// The change of one entry, `None` when its lines and contributions are the same.
fn entry_change(
    (file, line, what): &EntryKey,
    before: Option<&(Vec<Contribution>, Vec<ExportLine>)>,
    after: Option<(&[Contribution], &[ExportLine])>,
) -> Option<EntryChange> {
    let (pb, lb) = before.map_or((&[][..], &[][..]), |(p, l)| (p.as_slice(), l.as_slice()));
    let (pa, la) = after.unwrap_or((&[], &[]));
    let lines = changed_pairs(lb, la);
    (!lines.is_empty() || pb != pa).then(|| EntryChange {
        file: file.clone(),
        line: *line,
        what: what.clone(),
        factors_before: entry_factors(lb),
        factors_after: entry_factors(la),
        parts_before: pb.to_vec(),
        parts_after: pa.to_vec(),
        lines,
    })
}

/// The register entries whose lines differ between the two projects. Entries are paired by
/// file, line and description, in the order the registers send them; their lines (the same
/// rows `export` writes to `lines.csv`) in order. The entries before are held; those after
/// are compared as the registers send them (with 100,000 facilities each side is some
/// 200,000 traced entries). Changes come in the order of the keys before, an entry's in its
/// key's order (then the entries after beyond those before), then the keys only the project
/// after has, in order. Only the registers (by index in `register::registers()`) that
/// `wanted` accepts are run: those whose entries may differ.
pub fn entry_changes(
    before_project: &Project,
    before: &Computation,
    after_project: &Project,
    after: &Computation,
    strict: bool,
    wanted: &dyn Fn(usize) -> bool,
) -> Vec<EntryChange> {
    let b = keyed(before_project, before, strict, wanted);
    let facility = facility_id(after_project);
    // Per key: how many entries after were seen, and the changes found, by entry index.
    let mut seen: BTreeMap<EntryKey, usize> = BTreeMap::new();
    let mut found: BTreeMap<(bool, EntryKey, usize), EntryChange> = BTreeMap::new();
    run_registers_where(after_project, after, strict, wanted, &mut |e| {
        let key = (e.file.clone(), e.line, e.what.clone());
        let count = seen.entry(key.clone()).or_default();
        let i = *count;
        *count += 1;
        let la = entry_lines(e, &facility);
        let before = b.get(&key);
        let pair = before.and_then(|es| es.get(i));
        if let Some(c) = entry_change(&key, pair, Some((&e.parts, &la))) {
            found.insert((before.is_none(), key, i), c);
        }
    });
    // Entries before that no entry after pairs with.
    for (key, es) in &b {
        let paired = seen.get(key).copied().unwrap_or(0);
        for (i, e) in es.iter().enumerate().skip(paired) {
            if let Some(c) = entry_change(key, Some(e), None) {
                found.insert((false, key.clone(), i), c);
            }
        }
    }
    found.into_values().collect()
}

/// The base-year recalculation verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The manifest's base year.
    pub base_year: i32,
    /// The manifest's significance threshold, in %.
    pub threshold_pct: Decimal,
    /// The total-emissions figure the verdict rests on (the one that moves most).
    pub figure: String,
    /// Its base-year value before.
    pub before: Decimal,
    /// After.
    pub after: Decimal,
    /// The change, in % of `before` (`None` when `before` is zero).
    pub change_pct: Option<Decimal>,
    /// Whether |change| ≥ threshold: the base year is to be recalculated.
    pub significant: bool,
    /// How every reporting year's total emissions move, in % (same figure).
    pub years: Vec<(i32, Option<Decimal>)>,
    /// The disclosure the verdict implies, in one or two sentences.
    pub sentence: String,
}

/// Total-emissions figures the verdict considers, in order of preference.
pub const TOTAL_FIGURES: [&str; 2] = ["ghg.total.location", "ghg.total.market"];

/// A signed percentage for sentences: `−4.96%`, `+0.00%`.
pub fn signed_pct(v: Decimal, rule: RoundingRule, dp: u32) -> String {
    let r = rule.round(v, dp);
    if r.is_sign_negative() && !r.is_zero() {
        format!("−{}%", -r)
    } else {
        format!("+{}%", r.abs())
    }
}

/// How a change is named in the disclosure sentence.
pub fn change_words(change: &Change) -> String {
    match change {
        Change::Value { reference, value } => format!("setting {reference} to {value}"),
        Change::Edition {
            set,
            edition,
            years: None,
        } => format!("applying {set}@{edition}"),
        Change::Edition {
            set,
            edition,
            years: Some(ys),
        } => format!(
            "applying {set}@{edition} to {}",
            ys.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Judges the change against the manifest's significance threshold: the base year's total
/// emissions (location-based, and market-based where computed) before and after; the change
/// is significant when its magnitude is at or above the threshold.
pub fn verdict(
    project: &Project,
    change: &Change,
    before: &Ledger,
    after: &Ledger,
) -> Result<Option<Verdict>, CalcError> {
    let m = &project.manifest;
    let by = m.base_year;
    let mut best: Option<Verdict> = None;
    for name in TOTAL_FIGURES {
        let (Some(b), Some(a)) = (before.figure(name, by)?, after.figure(name, by)?) else {
            continue;
        };
        let pct = pct_change(b.value, a.value);
        let significant = pct.is_some_and(|p| p.abs() >= m.significance_threshold_pct);
        let mut years = Vec::new();
        for &y in &m.reporting_years {
            let (yb, ya) = (before.figure(name, y)?, after.figure(name, y)?);
            years.push((
                y,
                yb.zip(ya)
                    .and_then(|(yb, ya)| pct_change(yb.value, ya.value)),
            ));
        }
        let v = Verdict {
            base_year: by,
            threshold_pct: m.significance_threshold_pct,
            figure: name.to_string(),
            before: b.value,
            after: a.value,
            change_pct: pct,
            significant,
            years,
            sentence: String::new(),
        };
        let bigger = |x: &Verdict| x.change_pct.map(|p| p.abs()).unwrap_or_default();
        if best.as_ref().is_none_or(|o| bigger(&v) > bigger(o)) {
            best = Some(v);
        }
    }
    let Some(mut v) = best else {
        return Ok(None);
    };
    let rule = m.rounding;
    let thr = format!("{}%", v.threshold_pct.normalize());
    let moved = v.change_pct.map_or(
        "by an undefined percentage (zero before)".to_string(),
        |p| format!("by {}", signed_pct(p, rule, 2)),
    );
    let words = change_words(change);
    v.sentence = if v.before == v.after {
        format!(
            "The base year ({}) is not recalculated: {words} leaves its total emissions ({}) unchanged.",
            v.base_year, v.figure
        )
    } else if v.significant {
        format!(
            "The base year ({}) is recalculated: {words} moves its total emissions ({}) {moved}, at or above the {thr} significance threshold.",
            v.base_year, v.figure
        )
    } else {
        format!(
            "The base year ({}) is not recalculated: {words} moves its total emissions ({}) {moved}, below the {thr} significance threshold.",
            v.base_year, v.figure
        )
    };
    let others: Vec<String> = v
        .years
        .iter()
        .filter(|(y, p)| *y != v.base_year && p.is_some_and(|p| !p.is_zero()))
        .map(|(y, p)| format!("{y} by {}", signed_pct(p.unwrap_or_default(), rule, 2)))
        .collect();
    if !others.is_empty() {
        v.sentence.push_str(&format!(
            " The change moves the total emissions of {}.",
            others.join(", ")
        ));
    }
    Ok(Some(v))
}

/// A complete diff of one change.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The change.
    pub change: Change,
    /// How the changed computation was obtained.
    pub method: Method,
    /// The project under the change.
    pub after_project: Project,
    /// The ledger before.
    pub before: Ledger,
    /// The ledger after.
    pub after: Ledger,
    /// Chains whose factors changed.
    pub chains: Vec<ChainChange>,
    /// Figures that changed (every figure with `all`).
    pub figures: Vec<FigureChange>,
    /// Register entries that changed.
    pub entries: Vec<EntryChange>,
    /// The base-year verdict (`None` when no total-emissions figure exists).
    pub verdict: Option<Verdict>,
    /// Rows that pin another edition of the changed set explicitly (an edition change leaves
    /// them as they are): chains and their row counts.
    pub pinned: Vec<(Chain, u64)>,
}

/// The side of a what-if after the change: the changed project, its ledger, and how its
/// computation was made from the one before.
pub struct After {
    project: Project,
    ledger: Ledger,
    method: Method,
}

impl After {
    /// The computation `before` re-priced (or recomputed) under `change`, and its ledger,
    /// with each register's digest of its entries when `digested`.
    pub fn of(
        project: &Project,
        before: &Computation,
        change: &Change,
        options: RunOptions,
        digested: bool,
    ) -> Result<After, DiffError> {
        let after_project = change.apply(project)?;
        let (comp, method) =
            reprice_or_recompute(before, &after_project, options).map_err(DiffError::Data)?;
        let ledger = if digested {
            Ledger::from_computation_digested(&after_project, comp, options.strict)
        } else {
            Ledger::from_computation(&after_project, comp, options.strict)
        };
        Ok(After {
            project: after_project,
            ledger,
            method,
        })
    }
}

/// Both ledgers of a what-if, from the computation before the change: the ledger before
/// (with its registers' digests, `Ledger::from_computation_digested`) and the side after.
/// Each runs every register and reads only `comp`, so they are made at once, one on another
/// thread (`options.threads == 1`: one after the other); the results do not depend on it.
pub fn ledgers(
    project: &Project,
    comp: Computation,
    change: &Change,
    options: RunOptions,
) -> (Ledger, Result<After, DiffError>) {
    if options.threads == 1 {
        let registered = Registered::of(project, &comp, options.strict, true);
        let after = After::of(project, &comp, change, options, true);
        return (Ledger::join(project, comp, registered), after);
    }
    let (registered, groups, after) = std::thread::scope(|s| {
        // The figure groups of the chains before, made there after the registers: the
        // side after takes longer (it re-prices first).
        let before = s.spawn(|| {
            let r = Registered::of(project, &comp, options.strict, true);
            (r, crate::figures::ChainGroups::of(&comp).ok())
        });
        let after = After::of(project, &comp, change, options, true);
        match before.join() {
            Ok((r, g)) => (r, g, after),
            // The same panic as on this thread.
            Err(payload) => std::panic::resume_unwind(payload),
        }
    });
    (
        Ledger::join(project, comp, registered).with_groups(groups),
        after,
    )
}

/// Computes the diff of `change` against `before` (the project's ledger as it is).
pub fn diff(
    project: &Project,
    before: Ledger,
    change: &Change,
    options: RunOptions,
    all_figures: bool,
) -> Result<Diff, DiffError> {
    // With the digests of the registers' entries before (`Ledger::from_computation_digested`),
    // those after are kept too, and only registers whose digests differ are run again traced
    // to list their changed entries: the others send the same entries on both sides.
    let digested = !before.register_run.digests.is_empty();
    let after = After::of(project, &before.comp, change, options, digested)?;
    diff_against(project, before, after, change, options, all_figures)
}

/// The diff of `change` from its two ledgers (`ledgers`, or the ledger before and
/// `After::of`).
pub fn diff_against(
    project: &Project,
    before: Ledger,
    After {
        project: after_project,
        ledger: after,
        method,
    }: After,
    change: &Change,
    options: RunOptions,
    all_figures: bool,
) -> Result<Diff, DiffError> {
    let problems: Vec<Diagnostic> = after
        .all_diagnostics()
        .filter(|d| d.is_error())
        .filter(|d| !before.all_diagnostics().any(|b| b == *d))
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Err(DiffError::Data(problems));
    }
    let chains = chain_changes(&before.comp, &after.comp);
    let figures = figure_changes(&before, &after, all_figures)?;
    let (db, da) = (&before.register_run.digests, &after.register_run.digests);
    let may_differ = |i: usize| match (db.get(i), da.get(i)) {
        (Some(Some(b)), Some(Some(a))) => b != a,
        _ => true,
    };
    let entries = entry_changes(
        project,
        &before.comp,
        &after_project,
        &after.comp,
        options.strict,
        &may_differ,
    );
    let verdict = verdict(project, change, &before, &after)?;
    let pinned = match change {
        Change::Edition { set, edition, .. } => before
            .comp
            .chains
            .iter()
            .zip(&before.comp.accums)
            .filter(|(c, _)| {
                c.explicit.as_ref().is_some_and(|r| {
                    &r.set == set && r.edition.as_ref() != Some(edition) && r.edition.is_some()
                })
            })
            .map(|(c, a)| (c.clone(), a.rows))
            .collect(),
        Change::Value { .. } => Vec::new(),
    };
    Ok(Diff {
        change: change.clone(),
        method,
        after_project,
        before,
        after,
        chains,
        figures,
        entries,
        verdict,
        pinned,
    })
}
