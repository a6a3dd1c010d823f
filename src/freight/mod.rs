//! Freight emissions per ISO 14083: the `freight` register over `shipments.csv`.
//!
//! The pipeline, one stage per module: a row becomes a validated leg (`shipments`); its
//! distance is given or comes from the great-circle distance of its ends (`geodesy`, the one
//! declared floating-point boundary) with the mode's ISO 14083 rule (`distance`); its
//! intensities are resolved from the factor library with the manifest's radiative-forcing
//! choice (`intensity`); and the leg becomes register entries — tonne-km, emissions by
//! life-cycle stage, the mode-shift counterfactual, the SAF reduction (`leg`).
//!
//! Figures (with category 9 instead of 4 when the manifest says so):
//! `ghg.scope3.cat4` (well-to-wheel, net of SAF), `ghg.scope3.cat4.ttw`, `ghg.scope3.cat4.wtt`,
//! `logistics.tkm`, `logistics.tkm.<mode>`, `logistics.by_mode.<mode>`,
//! `avoided.logistics.mode_shift`, `avoided.logistics.mode_shift.<lane>`,
//! `avoided.logistics.saf`, `logistics.saf.fossil_equivalent`, `logistics.saf.reduction` (%).

pub mod chain;
mod chunked;
pub mod distance;
pub mod element;
mod ends;
pub mod geodesy;
pub mod intensity;
pub mod leg;
pub mod mode;
pub mod operation;
mod outcome;
mod pipeline;
mod rows;
pub mod shipments;
mod sums;

pub use leg::{calculate, LegContext};
pub use mode::Mode;
pub use shipments::{parse_element, parse_leg, Element, Leg, COLUMNS};

use crate::calc::FileStats;
use crate::diag::{Diagnostic, Span};
use crate::ingest::read_table;
use crate::project::{Input, Project};
use crate::register::{Context, Derived, Entry, Report};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The input file of this register.
pub const FILE: &str = Input::Shipments.name();

/// The `freight` register: reads `shipments.csv` (absent → empty report) and sends one entry
/// per leg, plus one per mode shift and one per SAF reduction.
pub fn register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let mut report = Report::default();
    let project = ctx.project;
    let resolver =
        crate::calc::Resolver::new(project, crate::calc::ResolveOptions { strict: ctx.strict });
    let (ops, ops_read) = operation::read(project, &resolver);
    if let Some((stats, diags)) = ops_read {
        report.files.push(stats);
        report.diagnostics.extend(diags);
    }
    let path = project.path(Input::Shipments);
    if !project.has(Input::Shipments) {
        report.diagnostics.extend(unused_operations(
            &project.shown(Input::Operations),
            &ops,
            &BTreeSet::new(),
        ));
        return report;
    }
    let file: Arc<str> = project.shown(Input::Shipments);
    let (allocated, uniform) = if ops.is_empty() {
        (element::Allocated::new(), BTreeSet::new())
    } else {
        rounds(ctx, &file, &ops)
    };
    let ocx = element::OpContext {
        project,
        strict: ctx.strict,
        file: &file,
        ops: &ops,
        allocated: &allocated,
        uniform: &uniform,
    };
    let f = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            report.diagnostics.push(Diagnostic::error(
                "io-error",
                crate::diag::Span::file(&file),
                format!("cannot read {FILE}: {e}"),
            ));
            report.files.push(FileStats {
                file: file.to_string(),
                present: true,
                unread: true,
                ..FileStats::default()
            });
            return report;
        }
    };
    let years = project.manifest.reporting_years.clone();
    let cat = format!("ghg.scope3.cat{}", project.manifest.freight.category);
    let traced = ctx.traced;
    let price = |pricer: &pipeline::Pricer, line: u64, leg: &Leg| {
        let cx = LegContext {
            project,
            strict: ctx.strict,
            file: &pricer.file,
            memo: &pricer.memo,
            traced,
        };
        calculate(cx, line, leg)
    };
    let rcx = rows::RowCx {
        project,
        years: &years,
        ocx,
    };
    // The totals path reads large files in chunks on every core; the traced path (an entry
    // per leg, in file order) reads in one piece and may price on worker threads.
    let chunks = if traced {
        1
    } else {
        chunked::count(ctx.threads, &path)
    };
    let cx = chunked::ChunkCx {
        rows: &rcx,
        price: &price,
        file: &file,
        path: &path,
    };
    let whole = match (chunks > 1).then(|| chunked::run(cx, chunks)).flatten() {
        Some(c) => Whole::of_chunks(c, sink),
        None => serially(cx, f, ctx.threads, traced, sink),
    };
    let Whole {
        outcome,
        read,
        error,
        gaps,
        used_ops,
        any_hub,
        any_air,
    } = whole;
    if any_air {
        report.notes.push(radiative_forcing_note(project));
    }
    let mut stats = FileStats {
        file: file.to_string(),
        present: true,
        read,
        ..outcome.stats
    };
    let (modes, lanes, any_saf) = (outcome.modes, outcome.lanes, outcome.any_saf);
    let mut diags = resolve_pending(project, &file, outcome.diags, &mut stats);
    if let Some(mut d) = error {
        stats.unread = true;
        diags.append(&mut d);
    }
    diags.extend(gaps);
    diags.extend(unused_operations(
        &project.shown(Input::Operations),
        &ops,
        &used_ops,
    ));
    report.diagnostics.extend(diags);
    report.files.push(stats);
    report.names = names(&cat, &modes, &lanes, any_saf);
    if any_hub {
        report.names.push("logistics.hub".into());
    }
    report.names.extend(
        used_ops
            .iter()
            .map(|(id, _)| format!("logistics.by_operation.{id}"))
            .collect::<BTreeSet<_>>(),
    );
    if any_saf {
        report.derived.insert(
            "logistics.saf.reduction".into(),
            Derived::Ratio {
                numerator: "avoided.logistics.saf".into(),
                denominator: "logistics.saf.fossil_equivalent".into(),
                scale: Decimal::ONE_HUNDRED,
                unit: "%",
            },
        );
    }
    report
}

/// The file read: what its items came to, and what is settled over the whole file.
struct Whole {
    outcome: outcome::Outcome,
    /// Rows read.
    read: u64,
    /// Why the file could not be read to its end.
    error: Option<Vec<Diagnostic>>,
    /// The leg gaps.
    gaps: Vec<Diagnostic>,
    used_ops: BTreeSet<(String, i32)>,
    any_hub: bool,
    /// Whether a row names air (see `rows::Rows::any_air`).
    any_air: bool,
}

impl Whole {
    /// The chunks' entries sent on and their outcomes added, in file order.
    fn of_chunks(c: chunked::Chunks, sink: &mut dyn FnMut(Entry)) -> Whole {
        let mut whole = Whole {
            outcome: outcome::Outcome::default(),
            read: c.rows,
            error: None,
            gaps: c.gaps,
            used_ops: BTreeSet::new(),
            any_hub: false,
            any_air: false,
        };
        let mut ends = Vec::with_capacity(c.chunks.len());
        for chunk in c.chunks {
            chunk.entries.into_iter().for_each(&mut *sink);
            whole.outcome.then(chunk.outcome);
            whole.used_ops.extend(chunk.rows.used_ops);
            whole.any_hub |= chunk.rows.any_hub;
            whole.any_air |= chunk.rows.any_air;
            ends.push((chunk.rows.ends, chunk.rows.places));
        }
        drop_aside(ends);
        whole
    }
}

/// Drops `v` on a thread of its own: freeing a million legs' ends (a string each) took a tenth
/// of a second at the end of a run, with the other core idle. Where no thread can be started
/// it is dropped here.
fn drop_aside<T: Send + 'static>(v: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(v));
}

/// Reads the file in one piece; legs are priced on `threads` workers (see `pipeline`) and,
/// on the totals path, summed.
fn serially(
    cx: chunked::ChunkCx<'_>,
    f: std::fs::File,
    threads: usize,
    traced: bool,
    sink: &mut dyn FnMut(Entry),
) -> Whole {
    let threads = match threads {
        // Measured at 1M legs on 2 cores: one thread (5.5 s CPU) beats two workers (9.2 s CPU,
        // more wall time too): the reading thread's own share (parsing, duplicates, the
        // ledger's totals, dropping entries) is over half the work, and handing every leg's
        // entries across cores costs more than pricing them there saves (docs/performance.md).
        0 => 1,
        n => n,
    };
    let mut rows = rows::Rows::default();
    let mut out = outcome::Outcome::default();
    let mut read_rows = 0u64;
    let mut read = Ok(crate::ingest::TableStats::default());
    // The totals path sums the legs where they were priced; the traced path keeps every entry.
    let sum = (!traced).then(|| cx.summing());
    pipeline::run(
        threads,
        cx.file,
        (cx.price, sum),
        |emit| {
            read = read_table(cx.file, std::io::BufReader::new(f), COLUMNS, |row| {
                read_rows += 1;
                rows.read(cx.rows, row, emit);
            });
        },
        &mut |item| out.apply(item, sink),
    );
    ends::sort(&mut rows.ends);
    let gaps = ends::settle(cx.file, &[(rows.ends.as_slice(), &rows.places)]).gaps;
    Whole {
        outcome: out,
        read: read_rows,
        error: read.err(),
        gaps,
        used_ops: rows.used_ops,
        any_hub: rows.any_hub,
        any_air: rows.any_air,
    }
}

/// The diagnostics in file order, the failed legs' built from their rows (read again, only
/// when a leg failed) as they would have been while reading: the column blamed, the row's
/// text; each failed row counted as rejected with its readable mass.
fn resolve_pending(
    project: &Project,
    file: &Arc<str>,
    pending: Vec<outcome::Pending>,
    stats: &mut FileStats,
) -> Vec<Diagnostic> {
    let mut failed: BTreeMap<u64, Option<Diagnostic>> = pending
        .iter()
        .filter_map(|p| match p {
            outcome::Pending::Leg(line, _) => Some((*line, None)),
            outcome::Pending::Ready(_) => None,
        })
        .collect();
    let mut errors: BTreeMap<u64, leg::LegError> = BTreeMap::new();
    let mut out = Vec::with_capacity(pending.len());
    let mut order = Vec::with_capacity(pending.len());
    for p in pending {
        match p {
            outcome::Pending::Ready(d) => order.push(Ok(d)),
            outcome::Pending::Leg(line, e) => {
                errors.insert(line, e);
                order.push(Err(line));
            }
        }
    }
    if !failed.is_empty() {
        if let Ok(f) = std::fs::File::open(project.path(Input::Shipments)) {
            let _ = read_table(file, std::io::BufReader::new(f), COLUMNS, |row| {
                let Some(slot) = failed.get_mut(&row.line()) else {
                    return;
                };
                let Some(e) = errors.get(&row.line()) else {
                    return;
                };
                outcome::rejected(stats, shipments::readable_mass(row));
                *slot = Some(
                    Diagnostic::error(
                        e.code,
                        row.span_of(shipments::col(e.column)),
                        e.message.clone(),
                    )
                    .with_hint(e.hint.clone())
                    .with_source(row.text()),
                );
            });
        }
    }
    for o in order {
        match o {
            Ok(d) => out.push(d),
            Err(line) => {
                let built = failed.get_mut(&line).and_then(Option::take);
                match (built, errors.remove(&line)) {
                    (Some(d), _) => out.push(d),
                    // The file changed under us: the diagnostic without its source.
                    (None, Some(e)) => {
                        stats.rejected += 1;
                        stats.rejected_unreadable += 1;
                        out.push(
                            Diagnostic::error(e.code, Span::line(file, line), e.message)
                                .with_hint(e.hint),
                        );
                    }
                    (None, None) => {}
                }
            }
        }
    }
    out
}

/// First pass over shipments.csv: the rounds whose legs share one distance basis, and the
/// activity of every element that names an operation, summed per operation, so that a
/// round's emissions are shared by the elements on it.
fn rounds(
    ctx: &Context<'_>,
    file: &Arc<str>,
    ops: &operation::Operations,
) -> (element::Allocated, BTreeSet<(String, i32)>) {
    let mut out = element::Allocated::new();
    let years = ctx.project.manifest.reporting_years.clone();
    // Two streaming passes (memory stays flat on large files): the bases, then the activities.
    let each = |f: &mut dyn FnMut(&Element)| {
        let Ok(file_in) = std::fs::File::open(ctx.project.path(Input::Shipments)) else {
            return;
        };
        let _ = read_table(file, std::io::BufReader::new(file_in), COLUMNS, |row| {
            if row.shape_error().is_some() {
                return;
            }
            if let Ok(e) = parse_element(row, &years) {
                f(&e);
            }
        });
    };
    // ISO 14083 shares a round on one distance basis: a round whose legs are all on one basis
    // is allocated on it as it is; a mixed one is brought to the distance travelled.
    let mut bases: BTreeMap<(String, i32), BTreeSet<shipments::DistanceBasis>> = BTreeMap::new();
    each(&mut |e| {
        if let Element::Leg(leg) = e {
            let Some(id) = &leg.operation else { return };
            let year = leg.period.year();
            if ops.get(id, year).is_some_and(|op| op.given.is_none()) {
                bases
                    .entry((id.clone(), year))
                    .or_default()
                    .insert(distance::basis_of(
                        leg.distance.is_some(),
                        leg.distance_basis,
                        shipments::DistanceBasis::Actual,
                    ));
            }
        }
    });
    let uniform: BTreeSet<(String, i32)> = bases
        .into_iter()
        .filter(|(_, b)| b.len() == 1)
        .map(|(k, _)| k)
        .collect();
    let empty = element::Allocated::new();
    let ocx = element::OpContext {
        project: ctx.project,
        strict: ctx.strict,
        file,
        ops,
        allocated: &empty,
        uniform: &uniform,
    };
    each(&mut |e| {
        if let Some((key, act)) = element::allocation_activity(ocx, e) {
            let sum = out.entry(key).or_default();
            *sum = sum.checked_add(act).unwrap_or(*sum);
        }
    });
    (out, uniform)
}

/// A warning for each operation no element used: its emissions are in no figure.
pub(crate) fn unused_operations(
    file: &Arc<str>,
    ops: &operation::Operations,
    used: &BTreeSet<(String, i32)>,
) -> Vec<Diagnostic> {
    // Passenger operations are scope3.csv's, which warns of its own.
    ops.all()
        .filter(|op| op.basis.kind != crate::units::DimKind::PassengerDistance)
        .filter(|op| !used.contains(&(op.id.clone(), op.year)))
        .map(|op| {
            Diagnostic::warning(
                "unused-operation",
                Span::line(file, op.line),
                format!(
                    "operation {} of {} is named by no row of shipments.csv: none of its emissions are counted",
                    op.id, op.year
                ),
            )
            .with_hint("name it in the `operation` column of the legs or hubs it served, or remove it")
        })
        .collect()
}

fn names(cat: &str, modes: &BTreeSet<Mode>, lanes: &BTreeSet<String>, saf: bool) -> Vec<String> {
    let mut v = vec![
        cat.to_string(),
        format!("{cat}.ttw"),
        format!("{cat}.wtt"),
        "logistics.tkm".to_string(),
    ];
    v.extend(modes.iter().map(|m| format!("logistics.tkm.{m}")));
    v.extend(modes.iter().map(|m| format!("logistics.by_mode.{m}")));
    if !lanes.is_empty() {
        v.push("avoided.logistics.mode_shift".into());
        v.extend(
            lanes
                .iter()
                .map(|l| format!("avoided.logistics.mode_shift.{l}")),
        );
    }
    if saf {
        v.extend([
            "avoided.logistics.saf".into(),
            "logistics.saf.fossil_equivalent".into(),
            "logistics.saf.reduction".into(),
        ]);
    }
    v
}

/// What every report that includes air freight must say about radiative forcing (the
/// register's note when a row names air as its mode or baseline mode, valid or not).
fn radiative_forcing_note(project: &Project) -> String {
    match project.manifest.freight.radiative_forcing {
        Some(true) => "Air freight: radiative forcing INCLUDED (carbonledger.toml [freight] radiative_forcing = true; DESNZ 'with RF' intensities)".to_string(),
        Some(false) => "Air freight: radiative forcing EXCLUDED (carbonledger.toml [freight] radiative_forcing = false; DESNZ 'without RF' intensities, as ISO 14083 reports non-CO2 effects separately)".to_string(),
        None => "Air freight: radiative forcing NOT CHOSEN — air legs are rejected until carbonledger.toml [freight] sets radiative_forcing".to_string(),
    }
}
