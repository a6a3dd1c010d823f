//! The totals path's sums: the entries of a batch of legs added up where they were priced,
//! so that the ledger adds a few entries per batch instead of one or more per leg.
//!
//! A sum keeps exactly what the ledger's totals read of an entry (see `ledger::Ledger::plain`
//! and `RegisterRun::add`): per figure and year the exact value, its basis, whether every
//! part was exact and how many parts it sums (`Contribution::entries`); the factors cited
//! (one step per edition) and the fallbacks (one step per text). Adding is exact, so the
//! totals are the same however the legs are grouped. Sums are kept per year, because the
//! editions a year cites are those of the entries with a contribution in it.

use super::pipeline::{Item, BATCH};
use super::Mode;
use crate::calc::Step;
use crate::decimal::{self, CalcError};
use crate::register::{Contribution, Entry};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A batch's priced legs, summed: what the register reports of them, and their entries.
#[derive(Default)]
pub(super) struct Summed {
    /// Legs used.
    pub legs: u64,
    /// Their modes.
    pub modes: BTreeSet<Mode>,
    /// The lanes of their mode shifts.
    pub lanes: BTreeSet<String>,
    /// Whether any had a SAF share.
    pub saf: bool,
    /// The sums (one entry per year), after any entry that could not be summed, as it was.
    pub entries: Vec<Entry>,
}

/// Sums the priced legs of every [`BATCH`] items into one [`Item::Summed`], given after the
/// batch's other items (diagnostics, rejects, failed legs, rows priced on the reading
/// thread), which pass as they come. Without a file to sum for, every item passes.
pub(super) struct Folder<'a> {
    sum: Option<Summing<'a>>,
    items: usize,
    summed: Summed,
    sums: Sums,
}

impl<'a> Folder<'a> {
    pub(super) fn new(sum: Option<Summing<'a>>) -> Self {
        Folder {
            sum,
            items: 0,
            summed: Summed::default(),
            sums: Sums::default(),
        }
    }

    pub(super) fn push(&mut self, item: Item, emit: &mut dyn FnMut(Item)) {
        match item {
            Item::Priced(line, leg, Ok(entries)) => {
                let Some(sum) = self.sum else {
                    return self.pass(Item::Priced(line, leg, Ok(entries)), emit);
                };
                let s = &mut self.summed;
                s.legs += 1;
                s.modes.insert(leg.mode);
                if let Some(b) = &leg.baseline {
                    if !s.lanes.contains(&b.lane) {
                        s.lanes.insert(b.lane.clone());
                    }
                }
                s.saf |= leg.saf.is_some();
                for (nth, e) in entries.into_iter().enumerate() {
                    // One that cannot be summed (an overflow, a unit clash, a trace) goes on
                    // alone: the ledger reports it as it would have, described as the traced
                    // path describes it (the totals path prices without the words).
                    if let Err(mut e) = self.sums.add(line, e) {
                        if e.what.is_empty() {
                            e.what = super::leg::what(&leg, nth, sum.category);
                        }
                        s.entries.push(e);
                    }
                }
            }
            other => return self.pass(other, emit),
        }
        self.counted(emit);
    }

    fn pass(&mut self, item: Item, emit: &mut dyn FnMut(Item)) {
        emit(item);
        self.counted(emit);
    }

    /// Counts an item; every [`BATCH`] items the sums go on.
    fn counted(&mut self, emit: &mut dyn FnMut(Item)) {
        self.items += 1;
        if self.items == BATCH {
            self.flush(emit);
        }
    }

    pub(super) fn finish(mut self, emit: &mut dyn FnMut(Item)) {
        self.flush(emit);
    }

    fn flush(&mut self, emit: &mut dyn FnMut(Item)) {
        self.items = 0;
        let (Some(Summing { file, .. }), true) = (self.sum, self.summed.legs > 0) else {
            return;
        };
        let mut summed = std::mem::take(&mut self.summed);
        summed
            .entries
            .extend(std::mem::take(&mut self.sums).into_entries(file));
        emit(Item::Summed(Box::new(summed)));
    }
}

/// Where the totals path sums: the file its entries are of, and the scope 3 category of its
/// legs' figures (to describe an entry that cannot be summed).
#[derive(Clone, Copy)]
pub(super) struct Summing<'a> {
    /// The file as shown.
    pub file: &'a Arc<str>,
    /// The manifest's freight category (4 or 9).
    pub category: u8,
}

/// Sums of entries, per year in the order first seen.
#[derive(Default)]
struct Sums {
    years: Vec<Year>,
    /// Reused for every entry (no allocation per entry).
    undo: Vec<Before>,
}

struct Year {
    year: i32,
    parts: Vec<Contribution>,
    /// Where each figure's sum is in `parts`.
    at: FxHashMap<std::borrow::Cow<'static, str>, usize>,
    /// The same for figure names that are constants, by address and length: most parts name
    /// a constant, found here without hashing or comparing its text.
    at_static: FxHashMap<(usize, usize), usize>,
    /// One step per edition cited and per fallback.
    steps: Vec<Step>,
    /// The edition texts seen (each held, so that its address is not reused).
    seen: Vec<Arc<str>>,
    legs: u64,
    first: u64,
    last: u64,
}

/// What a part's sum was before an entry was added (to undo a failed entry).
struct Before {
    at: usize,
    value: rust_decimal::Decimal,
    basis: Option<(rust_decimal::Decimal, &'static str)>,
    exact: bool,
    entries: u64,
}

impl Sums {
    /// Adds an entry of a leg at `line`, or gives it back untouched when it cannot be summed:
    /// parts of no year or of several, a trace (lines, terms, a restated chain), or a sum
    /// that fails (overflow, a unit clash).
    fn add(&mut self, line: u64, e: Entry) -> Result<(), Entry> {
        let Some(year) = e.parts.first().map(|c| c.year) else {
            return Err(e);
        };
        let plain = |c: &Contribution| {
            c.year == year && c.lines.is_empty() && c.terms.is_empty() && c.restates.is_none()
        };
        if !e.parts.iter().all(plain) {
            return Err(e);
        }
        let i = match self.years.iter().position(|y| y.year == year) {
            Some(i) => i,
            None => {
                self.years.push(Year {
                    year,
                    parts: Vec::new(),
                    at: FxHashMap::default(),
                    at_static: FxHashMap::default(),
                    steps: Vec::new(),
                    seen: Vec::new(),
                    legs: 0,
                    first: line,
                    last: line,
                });
                self.years.len() - 1
            }
        };
        let y = &mut self.years[i];
        if y.add_parts(&e.parts, &mut self.undo).is_err() {
            return Err(e);
        }
        y.legs += 1;
        y.last = line;
        for s in e.steps {
            y.cite(s);
        }
        Ok(())
    }

    fn into_entries(self, file: &Arc<str>) -> impl Iterator<Item = Entry> + use<'_> {
        self.years.into_iter().map(|y| Entry {
            file: Arc::clone(file),
            // 0: an entry that aggregates several rows.
            line: 0,
            what: format!(
                "{} entries of {} summed (lines {}–{})",
                y.legs, y.year, y.first, y.last
            ),
            steps: y.steps,
            parts: y.parts,
        })
    }
}

impl Year {
    /// Adds every part or none.
    fn add_parts(
        &mut self,
        parts: &[Contribution],
        undo: &mut Vec<Before>,
    ) -> Result<(), CalcError> {
        undo.clear();
        let new_from = self.parts.len();
        for c in parts {
            if let Err(err) = self.add_part(c, undo) {
                for b in undo.drain(..).rev() {
                    let t = &mut self.parts[b.at];
                    (t.value, t.basis, t.exact, t.entries) = (b.value, b.basis, b.exact, b.entries);
                }
                for c in self.parts.drain(new_from..) {
                    self.at.remove(&*c.figure);
                }
                self.at_static.retain(|_, at| *at < new_from);
                return Err(err);
            }
        }
        Ok(())
    }

    /// Adds one part as `Totals` would.
    fn add_part(&mut self, c: &Contribution, undo: &mut Vec<Before>) -> Result<(), CalcError> {
        let constant = match &c.figure {
            std::borrow::Cow::Borrowed(name) => Some((name.as_ptr() as usize, name.len())),
            std::borrow::Cow::Owned(_) => None,
        };
        let known = match constant.and_then(|k| self.at_static.get(&k)) {
            Some(&at) => Some(at),
            None => {
                let at = self.at.get(&*c.figure).copied();
                if let (Some(k), Some(at)) = (constant, at) {
                    self.at_static.insert(k, at);
                }
                at
            }
        };
        let Some(at) = known else {
            if let Some(k) = constant {
                self.at_static.insert(k, self.parts.len());
            }
            self.at.insert(c.figure.clone(), self.parts.len());
            let mut first = Contribution::new(c.figure.clone(), c.year, c.value, c.unit);
            first.basis = c.basis;
            first.exact = c.exact;
            first.entries = c.entries;
            self.parts.push(first);
            return Ok(());
        };
        let t = &mut self.parts[at];
        if !std::ptr::eq(t.unit, c.unit) && t.unit != c.unit {
            return Err(CalcError::UnitMismatch {
                figure: c.figure.to_string(),
                a: t.unit,
                b: c.unit,
            });
        }
        let value = decimal::add(t.value, c.value)?;
        let basis = match (t.basis, c.basis) {
            (Some((a, u)), Some((b, v))) if u == v => Some((decimal::add(a, b)?, u)),
            _ => None,
        };
        undo.push(Before {
            at,
            value: t.value,
            basis: t.basis,
            exact: t.exact,
            entries: t.entries,
        });
        t.value = value;
        t.basis = basis;
        t.exact &= c.exact;
        t.entries += c.entries;
        Ok(())
    }

    /// Keeps a step the ledger reads: the first citing each edition, each fallback once.
    fn cite(&mut self, s: Step) {
        // The legs of a run share their factors' texts: an edition text seen before (the same
        // pointer) needs no comparison; another is compared with those cited, then kept as seen.
        let edition = match &s.factor {
            Some(f) if !self.seen.iter().any(|e| Arc::ptr_eq(e, &f.edition)) => {
                self.seen.push(Arc::clone(&f.edition));
                !self
                    .steps
                    .iter()
                    .any(|k| k.factor.as_ref().is_some_and(|g| g.edition == f.edition))
            }
            _ => false,
        };
        let fallback = s.label == "fallback"
            && !self
                .steps
                .iter()
                .any(|k| k.label == "fallback" && k.text == s.text);
        if edition || fallback {
            self.steps.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::Period;
    use crate::factors::FactorRef;
    use crate::freight::shipments::{Baseline, Leg, Saf};
    use rust_decimal::Decimal;

    fn leg() -> Leg {
        let t = crate::units::lookup("t").unwrap();
        Leg {
            shipment: "S7".into(),
            leg: 2,
            period: Period::Quarter(2025, 3),
            mass: (Decimal::TEN, t),
            mode: Mode::Air,
            origin: "PVG".into(),
            destination: "AMS".into(),
            distance: None,
            ends: None,
            baseline: Some(Baseline {
                mode: Mode::Rail,
                distance: None,
                lane: "cn_eu".into(),
            }),
            saf: Some(Saf {
                share_pct: Decimal::TEN,
                fuel: FactorRef {
                    set: "corsia".into(),
                    edition: None,
                    key: "hefa.uco".into(),
                },
            }),
            factor: None,
            cargo_per_teu: None,
            operation: None,
            distance_basis: None,
            teu: None,
            reefer: false,
        }
    }

    fn entry(figure: &'static str, value: Decimal) -> Entry {
        Entry {
            file: "shipments.csv".into(),
            line: 9,
            what: String::new(),
            steps: Vec::new(),
            parts: vec![Contribution::new(figure, 2025, value, "t CO2e")],
        }
    }

    /// An entry the sums cannot take (here: its value overflows the sum) goes on alone, with
    /// the words the traced path gives it; the entries summed before it stay summed.
    #[test]
    fn an_entry_that_cannot_be_summed_goes_on_alone_with_its_words() {
        let file: Arc<str> = "shipments.csv".into();
        let mut folder = Folder::new(Some(Summing {
            file: &file,
            category: 4,
        }));
        let entries = vec![
            entry("ghg.scope3.cat4", Decimal::MAX),
            entry("avoided.logistics.mode_shift", Decimal::ONE),
            entry("ghg.scope3.cat4", Decimal::MAX),
        ];
        let mut out = Vec::new();
        folder.push(Item::Priced(9, Box::new(leg()), Ok(entries)), &mut |i| {
            out.push(i)
        });
        folder.finish(&mut |i| out.push(i));
        let [Item::Summed(s)] = out.as_slice() else {
            panic!("one summed item expected");
        };
        let whats: Vec<&str> = s.entries.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "shipment S7 leg 2 (2025-Q3), air PVG → AMS: SAF life-cycle reduction (its own line, deducted from ghg.scope3.cat4)",
                "2 entries of 2025 summed (lines 9–9)",
            ]
        );
        assert_eq!(s.entries[0].parts[0].value, Decimal::MAX);
        assert_eq!(s.entries[1].parts.len(), 2);
        assert_eq!(
            super::super::leg::what(&leg(), 1, 4),
            "shipment S7 leg 2 (2025-Q3), air PVG → AMS: mode shift from rail (lane cn_eu)"
        );
        assert_eq!(
            super::super::leg::what(&leg(), 0, 9),
            "shipment S7 leg 2 (2025-Q3), air PVG → AMS"
        );
    }
}
