//! Facility classes: what a chain's resolution depends on besides the facility's identity —
//! its grid and its consolidation terms (control, equity share). Facilities of one class
//! resolve every activity to the same chain but for the facility, so a chain is resolved
//! once per class and shared (100,000 facilities over a handful of grids resolve a handful
//! of chains, not 100,000 × carriers). The streaming workers (`calc::run`), the spec resolver
//! of the cache and the what-if (`calc::spec`) and the registers that charge every facility
//! (`renewables::counterfactual`) number classes alike, here.

use crate::activity::Facilities;
use crate::factors::FactorRef;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

/// A facility's class under some terms: its grid, operational control, financial control and
/// equity share.
type Class = (Option<FactorRef>, bool, bool, Decimal);

/// Classes numbered in the order they are met; each facility's number kept, so that a
/// facility is classed once (under its own terms, in a list by facility: over 100,000
/// facilities a hash table of them missed the cache on every look-up).
#[derive(Default)]
pub struct FacilityClasses {
    /// Each facility's class number under its own terms (`u32::MAX`: not yet met).
    own: Vec<u32>,
    /// Class numbers under a facility's changed terms, by facility and terms.
    changed: FxHashMap<(usize, usize), u32>,
    classes: FxHashMap<Class, u32>,
}

impl FacilityClasses {
    /// The class number of `facility` (of `facilities`) under its terms `terms` (0: its own;
    /// n: from its n-th change on).
    pub fn number(&mut self, facilities: &Facilities, facility: usize, terms: usize) -> u32 {
        if terms == 0 {
            if let Some(&n) = self.own.get(facility).filter(|n| **n != u32::MAX) {
                return n;
            }
        } else if let Some(&n) = self.changed.get(&(facility, terms)) {
            return n;
        }
        let f = &facilities.list[facility];
        let t = f.terms(terms);
        let class = (
            f.grid.clone(),
            t.operational_control,
            t.financial_control,
            t.equity_share,
        );
        // Fewer classes than facilities, and facility indices are held in 32 bits.
        let next = self.classes.len() as u32;
        let n = *self.classes.entry(class).or_insert(next);
        if terms == 0 {
            if self.own.len() <= facility {
                self.own.resize(facility + 1, u32::MAX);
            }
            self.own[facility] = n;
        } else {
            self.changed.insert((facility, terms), n);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::{read_facilities, read_facility_changes};
    use std::sync::Arc;

    #[test]
    fn facilities_of_one_grid_and_terms_share_a_class_and_no_others() {
        let file: Arc<str> = "facilities.csv".into();
        let mut f = read_facilities(
            &file,
            "id,name,country,grid,equity_share_pct,operational_control,financial_control\n\
             A,a,CN,cn-mee-grid:north,100,yes,yes\n\
             B,b,CN,cn-mee-grid:north,100,yes,yes\n\
             C,c,CN,cn-mee-grid:east,100,yes,yes\n\
             D,d,CN,cn-mee-grid:north,60,yes,yes\n\
             E,e,CN,cn-mee-grid:north,100,no,yes\n"
                .as_bytes(),
        )
        .unwrap_or_else(|d| panic!("{d:?}"));
        // A's share falls to 60 %: from then on, D's class.
        read_facility_changes(
            &"facility_changes.csv".into(),
            "facility,date,equity_share_pct,operational_control,financial_control,note\n\
             A,2025-07-01,60,,,sold in part\n"
                .as_bytes(),
            &mut f,
        )
        .unwrap_or_else(|d| panic!("{d:?}"));
        let mut classes = FacilityClasses::default();
        // Numbered in the order met, each facility classed alike every time it is asked.
        for _ in 0..2 {
            let got: Vec<u32> = [(4, 0), (0, 0), (1, 0), (2, 0), (3, 0), (0, 1)]
                .iter()
                .map(|&(i, t)| classes.number(&f, i, t))
                .collect();
            assert_eq!(got, vec![0, 1, 1, 2, 3, 3]);
        }
    }
}
