//! What the register makes of its items, in file order: the rows counted (used, rejected with
//! their readable mass), the modes, lanes and SAF seen, the diagnostics in order, and the
//! entries sent on. A chunk's outcome is added after the chunks before it.

use super::pipeline::Item;
use super::Mode;
use crate::calc::FileStats;
use crate::diag::Diagnostic;
use crate::register::Entry;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// A diagnostic in file order: ready, or a leg's failure whose row is read again for it.
pub(super) enum Pending {
    Ready(Diagnostic),
    Leg(u64, super::leg::LegError),
}

/// The items of a file, or of a chunk of it, taken in.
#[derive(Default)]
pub(super) struct Outcome {
    /// Only the counts and the rejected mass are filled in.
    pub stats: FileStats,
    pub modes: BTreeSet<Mode>,
    pub lanes: BTreeSet<String>,
    pub any_saf: bool,
    pub diags: Vec<Pending>,
}

impl Outcome {
    /// Takes in one item, sending its entries to `sink`.
    pub fn apply(&mut self, item: Item, sink: &mut dyn FnMut(Entry)) {
        match item {
            Item::Diag(d) => self.diags.push(Pending::Ready(*d)),
            Item::Reject(mass) => rejected(&mut self.stats, mass),
            Item::Used(entries) => {
                self.stats.used += 1;
                entries.into_iter().for_each(sink);
            }
            Item::Priced(_, leg, Ok(entries)) => {
                self.stats.used += 1;
                self.modes.insert(leg.mode);
                if let Some(b) = leg.baseline {
                    self.lanes.insert(b.lane);
                }
                self.any_saf |= leg.saf.is_some();
                entries.into_iter().for_each(sink);
            }
            Item::Summed(s) => {
                self.stats.used += s.legs;
                self.modes.extend(s.modes);
                self.lanes.extend(s.lanes);
                self.any_saf |= s.saf;
                s.entries.into_iter().for_each(sink);
            }
            // Its diagnostic and rejected mass need the row, read again at the end (failures
            // are rare; the rows are not kept for them).
            Item::Priced(line, _, Err(e)) => self.diags.push(Pending::Leg(line, e)),
            Item::Leg(..) => {}
        }
    }

    /// Adds the outcome of the chunk after this one.
    pub fn then(&mut self, next: Outcome) {
        let (s, n) = (&mut self.stats, next.stats);
        s.used += n.used;
        s.rejected += n.rejected;
        s.rejected_unreadable += n.rejected_unreadable;
        for (u, v) in n.rejected_quantity {
            add_mass(s, u, v);
        }
        self.modes.extend(next.modes);
        self.lanes.extend(next.lanes);
        self.any_saf |= next.any_saf;
        self.diags.extend(next.diags);
    }
}

/// Counts a rejected row and its readable mass.
pub(super) fn rejected(stats: &mut FileStats, mass: Option<(Decimal, &'static str)>) {
    stats.rejected += 1;
    match mass {
        Some((v, u)) => add_mass(stats, u.to_string(), v),
        None => stats.rejected_unreadable += 1,
    }
}

fn add_mass(stats: &mut FileStats, unit: String, v: Decimal) {
    let e = stats.rejected_quantity.entry(unit).or_default();
    *e = e.checked_add(v).unwrap_or(*e);
}
