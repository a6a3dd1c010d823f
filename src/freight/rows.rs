//! Reading shipments.csv row by row: each row becomes [`Item`]s in file order, with what
//! depends on the rows before it settled here — the period's fiscal year, duplicates (by the
//! leg-ends map) — and hubs and legs of an operation priced where they are read. A plain leg
//! is sent on to be priced (see `pipeline`).
//!
//! One [`Rows`] reads the whole file, or one chunk of it (see `chunked`): a chunk sees only
//! its own earlier rows, so duplicates of rows in earlier chunks are given to it as `seeds`.

use super::element::{self, OpContext};
use super::ends::{Ends, LegEnds, Places};
use super::pipeline::Item;
use super::shipments::{self, parse_element, Element};
use crate::diag::Diagnostic;
use crate::ingest::RowRef;
use crate::project::Project;
use indexmap::map::Entry;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// A shipment's element: shipment id and element number.
pub(super) type ElementId = (compact_str::CompactString, u32);

/// The field of a row's origin (0: the file has none), as `LegEnds` keeps it.
fn origin_field(row: &RowRef<'_>) -> u32 {
    row.field_of(shipments::c!("origin").at)
        .and_then(|f| u32::try_from(f).ok())
        .unwrap_or(0)
}

/// What reading a row needs besides the rows before it.
#[derive(Clone, Copy)]
pub(super) struct RowCx<'a> {
    pub project: &'a Project,
    pub years: &'a [i32],
    pub ocx: OpContext<'a>,
}

/// The state of reading: where each used element starts and ends, and what was used.
#[derive(Default)]
pub(super) struct Rows {
    /// Where each used element starts and ends, by element; also the line each was first
    /// seen on, for duplicates (one map, one key each). In the order read until sorted for
    /// the walk (`ends::sort`).
    pub ends: Ends,
    pub places: Places,
    /// Operations used, by id and year.
    pub used_ops: BTreeSet<(String, i32)>,
    pub any_hub: bool,
    /// Whether any row names air as its mode or baseline mode, whether or not the row is
    /// used (the register's radiative-forcing note).
    pub any_air: bool,
    /// Elements first seen before this chunk, with their lines: rows naming them again are
    /// duplicates.
    seeds: FxHashMap<ElementId, u64>,
}

impl Rows {
    /// A reader for a chunk after elements `seeds` were seen (with their lines).
    pub fn seeded(seeds: FxHashMap<ElementId, u64>) -> Rows {
        Rows {
            seeds,
            ..Rows::default()
        }
    }

    /// The line an element was first seen on, if it was.
    fn first(&self, id: &ElementId) -> Option<u64> {
        let seeded = if self.seeds.is_empty() {
            None
        } else {
            self.seeds.get(id).copied()
        };
        seeded.or_else(|| self.ends.get(id).map(|e| e.line))
    }

    /// Turns one row into items (in file order), settling duplicates and pricing hubs and
    /// legs of operations.
    pub fn read(&mut self, cx: &RowCx<'_>, row: &RowRef<'_>, emit: &mut dyn FnMut(Item)) {
        let reject = |emit: &mut dyn FnMut(Item)| {
            emit(Item::Reject(shipments::readable_mass(row)));
        };
        if !self.any_air {
            self.any_air = [shipments::c!("mode").at, shipments::c!("baseline_mode").at]
                .into_iter()
                .any(|c| super::Mode::parse(row.get(c)) == Some(super::Mode::Air));
        }
        if let Some(d) = row.shape_error() {
            emit(diag(d));
            reject(emit);
            return;
        }
        let element = match parse_element(row, cx.years) {
            Ok(l) => match crate::activity::fiscal_period_problem(
                &cx.project.manifest.calendar,
                element_period(&l),
            ) {
                None => l,
                Some(msg) => {
                    emit(diag(
                        Diagnostic::error(
                            "period-in-fiscal-year",
                            row.span_of(shipments::c!("period").at),
                            msg,
                        )
                        .with_hint("give shipments per reporting year (e.g. 2025)")
                        .with_source(row.text()),
                    ));
                    reject(emit);
                    return;
                }
            },
            Err(d) => {
                for d in d {
                    emit(diag(d));
                }
                reject(emit);
                return;
            }
        };
        let leg = match element {
            Element::Leg(l) => l,
            Element::Hub(h) => {
                let id = (h.shipment.clone(), h.leg);
                if let Some(first) = self.first(&id) {
                    emit(duplicate(row, ("element", "legs and hubs"), &id, first));
                    reject(emit);
                    return;
                }
                let hub = self.places.id(&h.hub);
                self.ends.insert(
                    id,
                    LegEnds {
                        origin: hub,
                        destination: hub,
                        line: row.line(),
                        origin_field: origin_field(row),
                    },
                );
                match element::calculate_hub(cx.ocx, row.line(), &h) {
                    Ok(e) => {
                        self.any_hub = true;
                        if let shipments::HubPricing::Operation(o) = &h.pricing {
                            self.used_ops.insert((o.clone(), h.period.year()));
                        }
                        emit(Item::Used(vec![e]));
                    }
                    Err(e) => {
                        emit(diag(
                            Diagnostic::error(
                                e.code,
                                row.span_of(shipments::col(e.column)),
                                e.message,
                            )
                            .with_hint(e.hint)
                            .with_source(row.text()),
                        ));
                        reject(emit);
                    }
                }
                return;
            }
        };
        let id = (leg.shipment.clone(), leg.leg);
        // One look in the map: a duplicate, or the leg's ends inserted.
        let first = if self.seeds.is_empty() {
            None
        } else {
            self.seeds.get(&id).copied()
        };
        let slot = match (first, self.ends.entry(id)) {
            (Some(first), Entry::Occupied(o)) => Err((first, o.key().clone())),
            (Some(first), Entry::Vacant(v)) => Err((first, v.into_key())),
            (None, Entry::Occupied(o)) => Err((o.get().line, o.key().clone())),
            (None, Entry::Vacant(v)) => Ok(v),
        };
        match slot {
            Err((first, id)) => {
                emit(duplicate(row, ("leg", "legs"), &id, first));
                reject(emit);
                return;
            }
            Ok(v) => {
                v.insert(LegEnds {
                    origin: self.places.id(&leg.origin),
                    destination: self.places.id(&leg.destination),
                    line: row.line(),
                    origin_field: origin_field(row),
                });
            }
        }
        // A leg of an operation shares the operation's emissions: priced here, with the
        // allocation; a plain leg is priced by the pipeline.
        let Some(o) = &leg.operation else {
            emit(Item::Leg(row.line(), leg));
            return;
        };
        match element::calculate_leg(cx.ocx, row.line(), &leg) {
            Ok(entries) => {
                self.used_ops.insert((o.clone(), leg.period.year()));
                emit(Item::Priced(row.line(), leg, Ok(entries)));
            }
            Err(e) => {
                emit(diag(
                    Diagnostic::error(e.code, row.span_of(shipments::col(e.column)), e.message)
                        .with_hint(e.hint)
                        .with_source(row.text()),
                ));
                reject(emit);
            }
        }
    }
}

/// A row naming an element first seen on line `first`: `(what, whose)` say what it is
/// ("leg") and what a shipment numbers ("legs").
fn duplicate(row: &RowRef<'_>, (what, whose): (&str, &str), id: &ElementId, first: u64) -> Item {
    diag(
        Diagnostic::error(
            "duplicate-row",
            row.span_of(shipments::c!("leg").at),
            format!(
                "shipment {} {what} {} appears twice (first on line {first})",
                id.0, id.1
            ),
        )
        .with_hint(format!(
            "one row per {what}: number the {whose} of a shipment 1, 2, 3, …"
        ))
        .with_source(row.text()),
    )
}

/// A row's diagnostic as an item.
fn diag(d: Diagnostic) -> Item {
    Item::Diag(Box::new(d))
}

fn element_period(e: &Element) -> crate::activity::Period {
    match e {
        Element::Leg(l) => l.period,
        Element::Hub(h) => h.period,
    }
}
