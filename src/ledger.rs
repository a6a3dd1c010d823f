//! The ledger: everything a project computes — the energy/fugitive chains and every
//! register's totals — behind one figure lookup. `Ledger::figure(name, year)` is the single
//! answer to "what is this figure?" used by `compute`, `figures`, `explain`, `export`,
//! `verify` and `diff`.

use crate::calc::{compute, Computation, FileStats, RunOptions};
use crate::decimal::{self, CalcError};
use crate::diag::{Diagnostic, Span};
use crate::figures::{self, Definition, Figure};
use crate::project::Project;
use crate::register::{registers, Context, Derived, Entry, Totals};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The figures already found during one call of [`Ledger::figures`] (or one figure): a
/// ratio, a change, a change against the base year and the listing itself ask for the same
/// figures. Lives only for the call, so it can never outlive the ledger it describes.
#[derive(Default)]
struct Found {
    figures: std::cell::RefCell<std::collections::HashMap<(String, i32), Option<Figure>>>,
}

/// A computed project.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Reporting years, ascending.
    pub years: Vec<i32>,
    /// The energy and fugitive chains.
    pub comp: Computation,
    /// Register totals.
    pub totals: Totals,
    /// Figures registers define from other figures.
    pub derived: BTreeMap<String, Derived>,
    /// Register figure names in report order.
    pub register_names: Vec<String>,
    /// Register diagnostics (row-level errors reject the row).
    pub diagnostics: Vec<Diagnostic>,
    /// Register file accounting.
    pub files: Vec<FileStats>,
    /// What the registers' one run left for later steps, so that no command runs them again.
    pub register_run: RegisterRun,
    /// Structural changes of the boundary since the base year began (base-year restatement).
    pub structure: crate::years::Structure,
    /// The chains' sums by resolved body, made from `comp` on the first chain figure and kept
    /// for every later one: each is a pass over every chain (800,000 of them at 100,000
    /// facilities), and a command that asks for figures one at a time (`diff`, `explain`,
    /// `bridge`, the claims) made it once per figure. `comp` is not changed once the ledger
    /// is made.
    groups: std::sync::OnceLock<figures::ChainGroups>,
    /// The ledger of the restated computation (`Structure::restated_computation`), whose
    /// base-year figures are the `restated.*` figures of registers and derived figures
    /// (market-based scope 2, scope 3, intensities per metric); `None` without structural
    /// changes.
    pub restated_base: Option<Box<Ledger>>,
}

/// What one run of the registers leaves besides the totals: the factor editions their entries
/// cite (for the editions list, `lock` and the export manifest) and, per register, the figures
/// it added to (for the factor-edition effect, which re-prices only the chain figures).
#[derive(Debug, Clone, Default)]
pub struct RegisterRun {
    /// Editions (`SET@EDITION`) cited by any entry's steps.
    pub editions: BTreeSet<String>,
    /// Editions cited by entries with a contribution in the year.
    pub editions_by_year: BTreeMap<i32, BTreeSet<String>>,
    /// Per register (in `registers()` order): the figure names its entries added to, and
    /// whether it reported any diagnostic.
    pub figures: Vec<(BTreeSet<String>, bool)>,
    /// The registers' notes (`register::Report::notes`), in register order.
    pub notes: Vec<String>,
    /// Per register (in `registers()` order), the digest of the entries it sent
    /// (`register::digest`), when the ledger was made to be compared
    /// (`Ledger::from_computation_digested`); empty otherwise. A register that did not run
    /// has none.
    pub digests: Vec<Option<u128>>,
}

impl RegisterRun {
    /// Records one entry of register `index`.
    fn add(&mut self, index: usize, e: &Entry) {
        let cited: Vec<&std::sync::Arc<str>> = e
            .steps
            .iter()
            .filter_map(|s| s.factor.as_ref())
            .map(|u| &u.edition)
            .collect();
        for ed in &cited {
            if !self.editions.contains(&***ed) {
                self.editions.insert(ed.to_string());
            }
        }
        // The parts' years, each once (an entry's parts are nearly always of one year).
        let mut years: Vec<i32> = Vec::new();
        for p in &e.parts {
            if !years.contains(&p.year) {
                years.push(p.year);
            }
        }
        for y in years {
            let set = self.editions_by_year.entry(y).or_default();
            for ed in &cited {
                if !set.contains(&***ed) {
                    set.insert(ed.to_string());
                }
            }
        }
        if self.figures.len() <= index {
            self.figures.resize(index + 1, (BTreeSet::new(), false));
        }
        let names = &mut self.figures[index].0;
        for p in &e.parts {
            if !names.contains(&*p.figure) {
                names.insert(p.figure.to_string());
            }
        }
    }
}

/// Runs every register over the project, sending each entry to `sink`; returns the merged
/// reports' parts.
pub fn run_registers(
    project: &Project,
    comp: &Computation,
    strict: bool,
    sink: &mut dyn FnMut(&Entry),
) -> (
    Vec<Diagnostic>,
    Vec<FileStats>,
    BTreeMap<String, Derived>,
    Vec<String>,
) {
    let (d, f, r, n, _, _) =
        run_some_registers(project, comp, (strict, true), &|_| true, &mut |_, e| {
            sink(e)
        });
    (d, f, r, n)
}

/// `run_registers` over the registers (by index in `registers()`) that `wanted` accepts; the
/// others send nothing.
pub fn run_registers_where(
    project: &Project,
    comp: &Computation,
    strict: bool,
    wanted: &dyn Fn(usize) -> bool,
    sink: &mut dyn FnMut(&Entry),
) {
    run_some_registers(project, comp, (strict, true), wanted, &mut |_, e| sink(e));
}

/// The registers' report parts, as `run_registers` returns them, and per register whether it
/// reported a diagnostic.
type RegisterParts = (
    Vec<Diagnostic>,
    Vec<FileStats>,
    BTreeMap<String, Derived>,
    Vec<String>,
    Vec<bool>,
    Vec<String>,
);

/// `run_registers` over the registers (by index in `registers()`) that `wanted` accepts; the
/// sink also gets the register's index. `traced`: whether the entries must carry their full
/// trace (see [`Context::traced`]); the totals alone do not need it.
fn run_some_registers(
    project: &Project,
    comp: &Computation,
    (strict, traced): (bool, bool),
    wanted: &dyn Fn(usize) -> bool,
    sink: &mut dyn FnMut(usize, &Entry),
) -> RegisterParts {
    let mut diagnosed = Vec::new();
    let ctx = Context {
        project,
        comp,
        strict,
        traced,
        threads: comp.threads,
    };
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let mut derived = BTreeMap::new();
    let mut names = Vec::new();
    let mut notes = Vec::new();
    // Register figure names already listed: thousands of products each add dozens of names,
    // so membership is a set lookup, not a scan of the list (which was quadratic).
    let mut listed: std::collections::HashSet<String> = std::collections::HashSet::new();
    // A register that used a set's nearest edition says so in the entry's trace; each such
    // fallback is also a warning (as the chains' are in `check`), so that none is silent.
    let mut fallbacks: BTreeSet<String> = BTreeSet::new();
    let mut rolled_up = false;
    for (index, (_, register)) in registers().iter().enumerate() {
        if !wanted(index) {
            diagnosed.push(false);
            continue;
        }
        let mut report = register(&ctx, &mut |mut e: Entry| {
            for s in e.steps.iter().filter(|s| s.label == "fallback") {
                fallbacks.insert(s.text.clone());
            }
            rolled_up |= roll_up_scope3(&mut e);
            sink(index, &e);
        });
        diagnosed.push(!report.diagnostics.is_empty());
        diags.append(&mut report.diagnostics);
        files.append(&mut report.files);
        derived.append(&mut report.derived);
        notes.append(&mut report.notes);
        for n in report.names {
            if listed.insert(n.clone()) {
                names.push(n);
            }
        }
    }
    if rolled_up && !names.iter().any(|n| n == "ghg.scope3") {
        let at = names
            .iter()
            .position(|n| n.starts_with("ghg.scope3."))
            .unwrap_or(names.len());
        names.insert(at, "ghg.scope3".to_string());
    }
    let in_chains: BTreeSet<&String> = comp
        .chains
        .iter()
        .flat_map(|c| c.fallbacks.iter())
        .collect();
    diags.extend(crate::factors::embedded_gwp::mismatches(project));
    diags.extend(crate::factors::calorific_basis::mixed_bases(project, comp));
    for f in fallbacks.iter().filter(|f| !in_chains.contains(f)) {
        diags.push(
            Diagnostic::warning("fallback", Span::file(&project.shown(crate::project::Input::Manifest)), f.clone())
                .with_hint("pin the edition or key in carbonledger.toml, or run with --strict to refuse fallbacks"),
        );
    }
    (diags, files, derived, names, diagnosed, notes)
}

/// Adds every contribution of an entry to a scope 3 category (`ghg.scope3.cat<N>`) to the
/// scope 3 total `ghg.scope3` as well, so that the total is a sum of lines like its
/// categories (the chains' category 3 lines feed it through its filter). Returns whether any
/// was added.
fn roll_up_scope3(e: &mut Entry) -> bool {
    let is_category = |f: &str| {
        f.strip_prefix("ghg.scope3.cat")
            .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=15).contains(&n)))
    };
    let extra: Vec<_> = e
        .parts
        .iter()
        .filter(|c| is_category(&c.figure))
        .map(|c| {
            let mut t = c.clone();
            t.figure = "ghg.scope3".into();
            t
        })
        .collect();
    let any = !extra.is_empty();
    e.parts.extend(extra);
    any
}

/// What the registers make of a computation: everything of a ledger but the computation
/// itself. Made from a borrowed computation, so that other work may read it meanwhile (`diff`
/// makes the ledger before a change on one thread while it re-prices on another), and joined
/// to it by `Ledger::join`.
#[derive(Debug)]
pub struct Registered {
    totals: Totals,
    derived: BTreeMap<String, Derived>,
    register_names: Vec<String>,
    diagnostics: Vec<Diagnostic>,
    files: Vec<FileStats>,
    register_run: RegisterRun,
    structure: crate::years::Structure,
    restated_base: Option<Box<Ledger>>,
}

impl Registered {
    /// What every register makes of `comp`, with each register's digest of its entries when
    /// `digested` (see `Ledger::from_computation_digested`).
    pub fn of(project: &Project, comp: &Computation, strict: bool, digested: bool) -> Registered {
        Registered::with(project, comp, (strict, digested), &|_| true)
    }

    /// `of`, running only the registers (by index in `registers()`) that `wanted` accepts.
    fn with(
        project: &Project,
        comp: &Computation,
        (strict, digested): (bool, bool),
        wanted: &dyn Fn(usize) -> bool,
    ) -> Registered {
        let structure = crate::years::Structure::of(project);
        // Facilities whose share or control changed: their rows computed again under the
        // latest terms (the restated base year's lines of those facilities).
        let latest = structure.latest_terms_project(project).and_then(|p| {
            compute(
                &p,
                RunOptions {
                    strict,
                    threads: comp.threads,
                },
            )
            .ok()
        });
        let restated_base = if structure.is_empty() {
            None
        } else {
            structure
                .restated_computation(comp, latest.as_ref())
                .ok()
                .map(|rc| {
                    Box::new(Ledger::restated_ledger(
                        project, rc, strict, wanted, &structure,
                    ))
                })
        };
        let mut registered = Registered::plain(project, comp, (strict, digested), wanted, None);
        registered.structure = structure;
        registered.restated_base = restated_base;
        registered
    }

    /// A ledger without restatement: the chains and the registers' totals (only of the
    /// contributions `keep` accepts, when given).
    fn plain(
        project: &Project,
        comp: &Computation,
        (strict, digested): (bool, bool),
        wanted: &dyn Fn(usize) -> bool,
        keep: Option<&dyn Fn(&crate::register::Contribution) -> bool>,
    ) -> Registered {
        let mut totals = Totals::default();
        let mut overflow = Vec::new();
        let mut register_run = RegisterRun::default();
        let mut digests: Vec<Option<crate::register::digest::EntryDigest>> = Vec::new();
        let (mut diagnostics, files, derived, register_names, diagnosed, notes) =
            run_some_registers(project, comp, (strict, false), wanted, &mut |index, e| {
                let kept;
                let e = match keep {
                    Some(k) => {
                        let mut x = e.clone();
                        x.parts.retain(|c| k(c));
                        kept = x;
                        &kept
                    }
                    None => e,
                };
                register_run.add(index, e);
                if digested {
                    if digests.len() <= index {
                        digests.resize_with(index + 1, || None);
                    }
                    digests[index].get_or_insert_with(Default::default).add(e);
                }
                if let Err(err) = totals.add(e) {
                    overflow.push(
                        Diagnostic::error(
                            "overflow",
                            Span::line(&e.file, e.line),
                            format!("{}: {err}", e.what),
                        )
                        .with_hint("adding this row to its figure's total passes the exact range (about 7.9 × 10^28, 28 decimal places): check its quantity and unit, and the other rows of the figure"),
                    );
                }
            });
        register_run
            .figures
            .resize(diagnosed.len(), (BTreeSet::new(), false));
        for (f, d) in register_run.figures.iter_mut().zip(diagnosed) {
            f.1 = d;
        }
        register_run.notes = notes;
        if digested {
            // A register that ran and sent no entry has the digest of none; one that did not
            // run (not `wanted`) has no digest.
            register_run.digests = (0..register_run.figures.len())
                .map(|i| {
                    wanted(i).then(|| {
                        digests.get(i).and_then(Option::as_ref).map_or_else(
                            || crate::register::digest::EntryDigest::default().finish(),
                            |d| d.finish(),
                        )
                    })
                })
                .collect();
        }
        diagnostics.append(&mut overflow);
        Registered {
            totals,
            derived,
            register_names,
            diagnostics,
            files,
            register_run,
            structure: crate::years::Structure::default(),
            restated_base: None,
        }
    }
}

/// `make()`, and over many chains (with more than one thread) the computation's figure groups
/// made at the same time on another thread: the registers run on one core, and the groups of
/// 800,000 chains (over 100,000 facilities) took a tenth of a second after them.
fn beside_groups<T>(
    comp: &Computation,
    make: impl FnOnce() -> T,
) -> (T, Option<figures::ChainGroups>) {
    // Fewer chains are grouped in less time than a thread takes to start.
    const MANY: usize = 1 << 14;
    if comp.threads == 1 || comp.chains.len() < MANY {
        return (make(), None);
    }
    std::thread::scope(|s| {
        let groups = s.spawn(|| figures::ChainGroups::of(comp).ok());
        let made = make();
        match groups.join() {
            Ok(g) => (made, g),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

impl Ledger {
    /// Computes a project: the chains, then every register. A register file that could not
    /// be read to its end is an error, as a chain file's is.
    pub fn compute(project: &Project, options: RunOptions) -> Result<Ledger, Vec<Diagnostic>> {
        let comp = compute(project, options)?;
        Ledger::from_computation(project, comp, options.strict).readable()
    }

    /// The files that could not be read to their end (their rows are not accounted for).
    pub fn unread_files(&self) -> impl Iterator<Item = &FileStats> {
        self.all_files().filter(|f| f.unread)
    }

    /// The ledger, or every diagnostic when some file could not be read to its end.
    pub fn readable(self) -> Result<Ledger, Vec<Diagnostic>> {
        if self.unread_files().next().is_none() {
            Ok(self)
        } else {
            Err(self.all_diagnostics().cloned().collect())
        }
    }

    /// Adds the registers to a finished chain computation.
    pub fn from_computation(project: &Project, comp: Computation, strict: bool) -> Ledger {
        Ledger::from_computation_with(project, comp, (strict, false), &|_| true)
    }

    /// `from_computation`, keeping each register's digest of its entries
    /// (`RegisterRun::digests`), so that a what-if can tell which registers give the same
    /// entries on both sides without running them again traced.
    pub fn from_computation_digested(project: &Project, comp: Computation, strict: bool) -> Ledger {
        Ledger::from_computation_with(project, comp, (strict, true), &|_| true)
    }

    /// `from_computation` running only the registers (by index in `registers()`) that
    /// `wanted` accepts.
    fn from_computation_with(
        project: &Project,
        comp: Computation,
        flags: (bool, bool),
        wanted: &dyn Fn(usize) -> bool,
    ) -> Ledger {
        let (registered, groups) =
            beside_groups(&comp, || Registered::with(project, &comp, flags, wanted));
        Ledger::join(project, comp, registered).with_groups(groups)
    }

    /// The ledger with its chains' figure groups already made (`figures::ChainGroups::of`
    /// of its computation), if they are.
    pub fn with_groups(self, groups: Option<figures::ChainGroups>) -> Ledger {
        if let Some(g) = groups {
            let _ = self.groups.set(g);
        }
        self
    }

    /// The ledger of `comp` and what the registers made of it (`Registered::of` of the same
    /// computation).
    pub fn join(project: &Project, comp: Computation, registered: Registered) -> Ledger {
        let Registered {
            totals,
            derived,
            register_names,
            diagnostics,
            files,
            register_run,
            structure,
            restated_base,
        } = registered;
        Ledger {
            years: project.manifest.reporting_years.clone(),
            comp,
            totals,
            derived,
            register_names,
            diagnostics,
            files,
            register_run,
            structure,
            restated_base,
            groups: std::sync::OnceLock::new(),
        }
    }

    /// The ledger of a restated computation: the registers run over it, without the
    /// base-year contributions of facilities the restatement removes.
    fn restated_ledger(
        project: &Project,
        comp: Computation,
        strict: bool,
        wanted: &dyn Fn(usize) -> bool,
        structure: &crate::years::Structure,
    ) -> Ledger {
        let keep = |c: &crate::register::Contribution| !structure.removes_contribution(c);
        Ledger::plain(project, comp, (strict, false), wanted, Some(&keep))
    }

    /// A ledger without restatement: the chains and the registers' totals (only of the
    /// contributions `keep` accepts, when given).
    fn plain(
        project: &Project,
        comp: Computation,
        flags: (bool, bool),
        wanted: &dyn Fn(usize) -> bool,
        keep: Option<&dyn Fn(&crate::register::Contribution) -> bool>,
    ) -> Ledger {
        let registered = Registered::plain(project, &comp, flags, wanted, keep);
        Ledger::join(project, comp, registered)
    }

    /// The chains' sums by resolved body (see `groups`), made on first use.
    fn groups(&self) -> Result<&figures::ChainGroups, CalcError> {
        if let Some(g) = self.groups.get() {
            return Ok(g);
        }
        let g = figures::ChainGroups::of(&self.comp)?;
        Ok(self.groups.get_or_init(|| g))
    }

    /// The ledger of a counterfactual computation (the same inputs re-priced under other
    /// factor editions) for the figures `needed` only: a register is run again only when it
    /// reported a diagnostic in this ledger or its entries added to a figure those figures are
    /// made of (their terms, numerators and denominators, followed down), so that, e.g., the
    /// factor-edition effect on the intensity does not re-read shipments or products. Figures
    /// of the skipped registers are absent from the result.
    pub fn chain_counterfactual(
        &self,
        project: &Project,
        comp: Computation,
        strict: bool,
        needed: &[&str],
    ) -> Ledger {
        let mut inputs = BTreeSet::new();
        for n in needed {
            self.inputs_of(n, &mut inputs);
        }
        let figures = self.register_run.figures.clone();
        Ledger::from_computation_with(project, comp, (strict, false), &|i| {
            figures.get(i).is_none_or(|(names, diagnosed)| {
                *diagnosed || names.iter().any(|n| inputs.contains(n))
            })
        })
    }

    /// `name` and every figure its value is computed from.
    fn inputs_of(&self, name: &str, out: &mut BTreeSet<String>) {
        let name = name.strip_prefix("change.").unwrap_or(name);
        if !out.insert(name.to_string()) {
            return;
        }
        match figures::definition(name) {
            Some(Definition::Ratio {
                numerator,
                denominator,
            }) => {
                self.inputs_of(numerator, out);
                self.inputs_of(denominator, out);
            }
            Some(_) => {}
            None => match self.derived.get(name) {
                Some(Derived::Ratio {
                    numerator,
                    denominator,
                    ..
                }) => {
                    self.inputs_of(numerator, out);
                    self.inputs_of(denominator, out);
                }
                Some(Derived::Plus { terms, .. }) => {
                    for t in terms {
                        self.inputs_of(t, out);
                    }
                }
                None => {}
            },
        }
    }

    /// Rows rejected in every file, chains and registers.
    pub fn rejected_rows(&self) -> u64 {
        self.comp.rejected_rows() + self.files.iter().map(|f| f.rejected).sum::<u64>()
    }

    /// Every diagnostic: chains first, then registers.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.comp.diagnostics.iter().chain(&self.diagnostics)
    }

    /// Row accounting of every file read.
    pub fn all_files(&self) -> impl Iterator<Item = &FileStats> {
        self.comp.files.iter().chain(&self.files)
    }

    /// Whether `name` is a figure this ledger can compute (in some year).
    pub fn knows(&self, name: &str) -> bool {
        if let Some(of) = name
            .strip_prefix("change_vs_base.")
            .or_else(|| name.strip_prefix("restated."))
        {
            return self.knows(of);
        }
        if let Some(of) = name.strip_prefix("change.") {
            return self.knows(of);
        }
        figures::definition(name).is_some()
            || self.derived.contains_key(name)
            || self.totals.has_name(name)
    }

    /// Every figure name, in report order: the chain figures, then each register's.
    pub fn names(&self) -> Vec<String> {
        let mut v = figures::names(&self.comp);
        let mut listed: std::collections::HashSet<&str> = v.iter().map(String::as_str).collect();
        let mut extra = Vec::new();
        for n in &self.register_names {
            if listed.insert(n.as_str()) {
                extra.push(n.clone());
            }
        }
        v.append(&mut extra);
        // The trend against the base year: listed for three or more years, or when the
        // boundary changed structurally (two years: it is `change.*`).
        if self.years.len() > 2 || !self.structure.is_empty() {
            let mut extra = Vec::new();
            let compared: Vec<&String> = v
                .iter()
                .filter(|n| crate::years::restate::restated_name(n))
                .collect();
            if !self.structure.is_empty() {
                for n in &compared {
                    extra.push(format!("restated.{n}"));
                }
            }
            for n in &compared {
                extra.push(format!("change_vs_base.{n}"));
            }
            v.extend(extra);
        }
        v
    }

    /// The base-year verdict for structural changes (`None` when there are none).
    pub fn restatement(&self) -> Result<Option<crate::years::Restatement>, CalcError> {
        self.restatement_in(&Found::default())
    }

    fn restatement_in(
        &self,
        found: &Found,
    ) -> Result<Option<crate::years::Restatement>, CalcError> {
        let Some(rl) = &self.restated_base else {
            return Ok(None);
        };
        let Some(mut r) = self.structure.verdict(&self.comp, &rl.comp)? else {
            return Ok(None);
        };
        for n in ["ghg.total.market", "ghg.scope3"] {
            if let (Some(a), Some(b)) = (
                self.figure_in(n, r.base_year, found)?,
                self.figure_in(&format!("restated.{n}"), r.base_year, found)?,
            ) {
                r.also.push((n.to_string(), a.value, b.value));
            }
        }
        Ok(Some(r))
    }

    /// A figure of the base year restated for structural changes: a chain sum, or a ratio
    /// of two, from the chains; a figure a register adds to (on-site solar in energy.total,
    /// market-based scope 2, scope 3, intensities per metric) from the restated ledger.
    fn restated(&self, of: &str, year: i32, found: &Found) -> Result<Option<Figure>, CalcError> {
        if year != self.structure.base_year
            || self.structure.is_empty()
            || !crate::years::restate::restated_name(of)
        {
            return Ok(None);
        }
        // A register adds to it (or to a term of its ratio): from the restated ledger.
        let register_part = |n: &str| self.totals.get(n, year).is_some();
        // A share or control change: every restated figure from the restated ledger (its
        // lines at the latest terms are not the reported ones).
        let registered = !self.structure.reterms.is_empty()
            || match figures::definition(of) {
                Some(Definition::Sum { .. }) => register_part(of),
                Some(Definition::Ratio {
                    numerator,
                    denominator,
                }) => register_part(numerator) || register_part(denominator),
                _ => true,
            };
        if registered {
            let Some(rl) = &self.restated_base else {
                return Ok(None);
            };
            // A zero the base year does not report (no row of it either way) is not a
            // restatement.
            let reported = self.figure_in(of, year, found)?;
            return Ok(rl
                .figure(of, year)?
                .filter(|f| reported.is_some() || !f.value.is_zero())
                .map(|f| Figure {
                    name: format!("restated.{of}"),
                    ..f
                }));
        }
        let sum = |n: &str| -> Result<Option<(Decimal, &'static str)>, CalcError> {
            match figures::definition(n) {
                Some(Definition::Sum { filter, measure }) if !register_part(n) => {
                    let v = self.structure.restated_sum(&self.comp, &filter, &measure)?;
                    let (unit, per) = measure.unit();
                    Ok(Some((
                        decimal::div(v, per)?.rounded(decimal::FIGURE_DP),
                        unit,
                    )))
                }
                _ => Ok(None),
            }
        };
        let fig = |value: Decimal, unit: &'static str| Figure {
            name: format!("restated.{of}"),
            year,
            value: value.normalize(),
            unit,
            exact: true,
        };
        match figures::definition(of) {
            Some(Definition::Sum { .. }) => Ok(sum(of)?.map(|(v, u)| fig(v, u))),
            Some(Definition::Ratio {
                numerator,
                denominator,
            }) => {
                let (Some((n, _)), Some((d, _))) = (sum(numerator)?, sum(denominator)?) else {
                    return Ok(None);
                };
                if d.is_zero() {
                    return Ok(None);
                }
                let q = decimal::div(n, d)?;
                Ok(Some(Figure {
                    exact: q.exact,
                    ..fig(q.rounded(decimal::FIGURE_DP), "t CO2e/MWh")
                }))
            }
            _ => Ok(None),
        }
    }

    /// `(this year − base year) / base year × 100`, the base year restated when the verdict
    /// says so (then only figures that can be restated have one).
    fn change_vs_base(
        &self,
        of: &str,
        year: i32,
        found: &Found,
    ) -> Result<Option<Figure>, CalcError> {
        let by = self.structure.base_year;
        if year == by {
            return Ok(None);
        }
        let restate = self.restatement_in(found)?.is_some_and(|r| r.restate);
        let base = if restate {
            self.restated(of, by, found)?
        } else {
            self.figure_in(of, by, found)?
        };
        let (Some(base), Some(now)) = (base, self.figure_in(of, year, found)?) else {
            return Ok(None);
        };
        if base.value.is_zero() {
            return Ok(None);
        }
        let q = decimal::div(
            decimal::mul(decimal::sub(now.value, base.value)?, Decimal::ONE_HUNDRED)?,
            base.value,
        )?;
        Ok(Some(Figure {
            name: format!("change_vs_base.{of}"),
            year,
            value: q.rounded(decimal::FIGURE_DP).normalize(),
            unit: "%",
            exact: base.exact && now.exact && q.exact,
        }))
    }

    /// One figure in one year; `None` when it does not apply (no data that year, a change with
    /// no previous year, a ratio over zero).
    pub fn figure(&self, name: &str, year: i32) -> Result<Option<Figure>, CalcError> {
        self.figure_in(name, year, &Found::default())
    }

    /// A figure, looked up in `found` first and kept there.
    fn figure_in(&self, name: &str, year: i32, found: &Found) -> Result<Option<Figure>, CalcError> {
        let key = (name.to_string(), year);
        if let Some(f) = found.figures.borrow().get(&key) {
            return Ok(f.clone());
        }
        let f = self.figure_new(name, year, found)?;
        found.figures.borrow_mut().insert(key, f.clone());
        Ok(f)
    }

    fn figure_new(
        &self,
        name: &str,
        year: i32,
        found: &Found,
    ) -> Result<Option<Figure>, CalcError> {
        let finish = |value: Decimal, unit: &'static str, exact: bool| {
            Some(Figure {
                name: name.to_string(),
                year,
                value: value.normalize(),
                unit,
                exact,
            })
        };
        if let Some(of) = name.strip_prefix("change_vs_base.") {
            return self.change_vs_base(of, year, found);
        }
        if let Some(of) = name.strip_prefix("restated.") {
            return self.restated(of, year, found);
        }
        if let Some(of) = name.strip_prefix("change.") {
            if !self.years.contains(&(year - 1)) {
                return Ok(None);
            }
            let (Some(now), Some(prev)) = (
                self.figure_in(of, year, found)?,
                self.figure_in(of, year - 1, found)?,
            ) else {
                return Ok(None);
            };
            if prev.value.is_zero() {
                return Ok(None);
            }
            let q = decimal::div(
                decimal::mul(decimal::sub(now.value, prev.value)?, Decimal::ONE_HUNDRED)?,
                prev.value,
            )?;
            return Ok(finish(
                q.rounded(decimal::FIGURE_DP),
                "%",
                now.exact && prev.exact && q.exact,
            ));
        }
        let register = self.totals.get(name, year);
        match figures::definition(name) {
            Some(Definition::Sum { filter, measure }) => {
                // Scope 3 has a value only in a year something feeds it (not a zero).
                let scope3 = matches!(
                    filter,
                    figures::Filter::Scope3 | figures::Filter::Cat3Part(_)
                );
                let groups = self.groups()?;
                if scope3 && register.is_none() && !groups.any(&self.comp, year, &filter) {
                    return Ok(None);
                }
                let (mut v, mut exact) = groups.sum(&self.comp, year, &filter, &measure)?;
                if let Some(t) = register {
                    v = decimal::add(v, t.value)?;
                    exact &= t.exact;
                }
                Ok(finish(v, measure.unit().0, exact))
            }
            Some(Definition::Ratio {
                numerator,
                denominator,
            }) => self.ratio(
                (name, year),
                numerator,
                denominator,
                (Decimal::ONE, "t CO2e/MWh"),
                found,
            ),
            Some(Definition::Change { .. }) => Ok(None),
            None => {
                if let Some(t) = register {
                    let v = if t.exact {
                        t.value
                    } else {
                        t.value.round_dp(decimal::FIGURE_DP)
                    };
                    return Ok(finish(v, t.unit, t.exact));
                }
                match self.derived.get(name) {
                    Some(Derived::Ratio {
                        numerator,
                        denominator,
                        scale,
                        unit,
                    }) => self.ratio((name, year), numerator, denominator, (*scale, unit), found),
                    Some(Derived::Plus { terms, unit }) => {
                        let mut v = Decimal::ZERO;
                        let mut exact = true;
                        let mut any = false;
                        for t in terms {
                            if let Some(f) = self.figure_in(t, year, found)? {
                                v = decimal::add(v, f.value)?;
                                exact &= f.exact;
                                any = true;
                            }
                        }
                        Ok(if any { finish(v, unit, exact) } else { None })
                    }
                    None => Ok(None),
                }
            }
        }
    }

    fn ratio(
        &self,
        (name, year): (&str, i32),
        numerator: &str,
        denominator: &str,
        (scale, unit): (Decimal, &'static str),
        found: &Found,
    ) -> Result<Option<Figure>, CalcError> {
        let (Some(n), Some(d)) = (
            self.figure_in(numerator, year, found)?,
            self.figure_in(denominator, year, found)?,
        ) else {
            return Ok(None);
        };
        if d.value.is_zero() {
            return Ok(None);
        }
        let q = decimal::div(decimal::mul(n.value, scale)?, d.value)?;
        Ok(Some(Figure {
            name: name.to_string(),
            year,
            value: q.rounded(decimal::FIGURE_DP).normalize(),
            unit,
            exact: n.exact && d.exact && q.exact,
        }))
    }

    /// The implied factor of a register figure: its value ÷ the summed activity it was
    /// computed from (e.g. t CO2e per MWh of solar), when every contribution had one.
    pub fn implied_factor(
        &self,
        name: &str,
        year: i32,
    ) -> Result<Option<(Decimal, String)>, CalcError> {
        let Some(t) = self.totals.get(name, year) else {
            return Ok(None);
        };
        let Some((basis, unit)) = t.basis else {
            return Ok(None);
        };
        if basis.is_zero() {
            return Ok(None);
        }
        let q = decimal::div(t.value, basis)?;
        Ok(Some((
            q.rounded(decimal::FIGURE_DP).normalize(),
            format!("{}/{unit}", t.unit),
        )))
    }

    /// Every figure for every reporting year (or only `only_year`), in report order. A figure
    /// that cannot be held exactly is a diagnostic naming it, its year and its input file.
    pub fn figures(&self, only_year: Option<i32>) -> Result<Vec<Figure>, Diagnostic> {
        let names = self.names();
        let found = Found::default();
        let mut out = Vec::new();
        for &y in self
            .years
            .iter()
            .filter(|y| only_year.is_none_or(|o| o == **y))
        {
            for n in &names {
                match self.figure_in(n, y, &found) {
                    Ok(Some(f)) => out.push(f),
                    Ok(None) => {}
                    Err(e) => return Err(self.figure_error(n, y, &e)),
                }
            }
        }
        Ok(out)
    }

    /// The diagnostic of a figure whose sum or ratio overflows. A chain figure names the file,
    /// carrier (or gas) of the year's largest chain, where the mistake most likely
    /// is; a register figure its first file present.
    pub fn figure_error(&self, name: &str, year: i32, e: &CalcError) -> Diagnostic {
        let largest = if figures::definition(name).is_some() {
            self.largest_chain(year)
        } else {
            None
        };
        // A figure per unit of a metric (`intensity.revenue.…`, `metric.revenue`) is as much
        // of metrics.csv's value as of the emissions: name that file, not the first one.
        let metrics = self
            .files
            .iter()
            .find(|f| f.present && f.file.ends_with(crate::project::Input::Metrics.name()))
            .filter(|_| figures::definition(name).is_none())
            .filter(|_| name.starts_with("intensity.") || name.starts_with("metric."))
            .map(|f| f.file.clone());
        let (file, part) = match (largest, metrics) {
            (_, Some(file)) => (Some(file), String::new()),
            (Some((file, part)), None) => (Some(file), format!(" (its largest part: {part})")),
            (None, None) => (
                self.files
                    .iter()
                    .find(|f| f.present)
                    .map(|f| f.file.clone()),
                String::new(),
            ),
        };
        let file = file.unwrap_or_else(|| "carbonledger.toml".to_string());
        Diagnostic::error(
            "overflow",
            Span::file(&file.into()),
            format!("the {year} value of {name} cannot be held exactly: {e}{part}"),
        )
        .with_hint("a sum beyond 28 significant digits is almost always a unit mistake (kWh written as MWh, kg as t); check the largest quantities")
    }

    /// The file and a description of the chain of `year` with the largest CO2e or energy
    /// (compared by magnitude), or `None` when the year has no chain.
    fn largest_chain(&self, year: i32) -> Option<(String, String)> {
        let size = |a: &crate::calc::Accum| a.co2e_kg.abs().max(a.energy_j.abs());
        let (c, _) = self
            .comp
            .chains
            .iter()
            .zip(&self.comp.accums)
            .filter(|(c, _)| c.year == year)
            .max_by(|(_, a), (_, b)| size(a).cmp(&size(b)))?;
        let input = match c.subject {
            crate::activity::Subject::Gas(_) => crate::calc::InputFile::Fugitive,
            crate::activity::Subject::Carrier(_) => crate::calc::InputFile::Energy,
        };
        let file = self
            .comp
            .files
            .iter()
            .zip(crate::calc::InputFile::ALL)
            .find(|(_, i)| *i == input)
            .map(|(f, _)| f.file.clone())?;
        let subject = match &c.subject {
            crate::activity::Subject::Gas(g) => g.clone(),
            crate::activity::Subject::Carrier(k) => k.name().to_string(),
        };
        Some((file.clone(), format!("the {subject} rows of {file}")))
    }
}

/// Computes a project into a ledger; the convenience most callers want.
pub fn compute_ledger(project: &Project, options: RunOptions) -> Result<Ledger, Vec<Diagnostic>> {
    Ledger::compute(project, options)
}

/// Every factor edition (`SET@EDITION`) the figures use: the editions of every chain's factors
/// (energy, gases, GWP, standard coal) and of every factor a register entry's steps cite.
/// The export manifest hashes these editions' files, and `lock` locks them.
pub fn used_editions(
    project: &Project,
    ledger: &Ledger,
    strict: bool,
) -> std::collections::BTreeSet<String> {
    // The registers' editions were recorded when the ledger ran them (with its own `strict`).
    let _ = (project, strict);
    let mut used: std::collections::BTreeSet<String> = ledger
        .comp
        .chains
        .iter()
        .flat_map(|c| c.used_factors())
        .map(|u| u.edition.to_string())
        .collect();
    used.extend(ledger.register_run.editions.iter().cloned());
    used
}
