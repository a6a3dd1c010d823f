//! Registers: the figures that do not come from the energy and fugitive chains — renewables
//! and market-based scope 2, avoided emissions, freight, product footprints. Each register is
//! a function that reads its own input files and hands every calculated input row to a sink
//! as an [`Entry`]: the row's contributions to named figures, with the trace that explains
//! them. The same function fills the totals (`Totals::add`, an associative merge) and feeds
//! `explain` (a sink that prints), so a figure and its explanation cannot disagree, and no
//! line is stored.

use crate::calc::{Computation, Step};
use crate::decimal::{self, CalcError};
use crate::diag::Diagnostic;
use crate::project::Project;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod fields;

pub use crate::calc::FileStats;

/// One row's contribution to one figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// The figure's dotted name, e.g. `avoided.onsite_solar`.
    pub figure: String,
    /// Reporting year.
    pub year: i32,
    /// Exact value, in `unit`.
    pub value: Decimal,
    /// The figure's unit: `t CO2e`, `MWh`, `GJ`, `tce`, `t`, `kg`, `tkm`, `1`.
    pub unit: &'static str,
    /// The activity the value was computed from, in its own unit (e.g. `MWh` of solar), so
    /// that the figure's implied factor (value ÷ activity) can be shown. `None` when the
    /// figure is itself an activity.
    pub basis: Option<(Decimal, &'static str)>,
    /// False when a non-terminating division was rounded on the way.
    pub exact: bool,
    /// The calculation lines the value is made of, when the register computed it through
    /// the chain machinery (market-based scope 2: each instrument at its own rate and the
    /// remainder at the residual mix): their CO2e adds up to `value`, and the export shows
    /// them as lines of the same schema as the energy rows. Empty otherwise.
    pub lines: Vec<ChainLine>,
}

/// One calculation line a contribution is made of: an activity, its resolved chain, and the
/// result (base units, share applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLine {
    /// The activity.
    pub activity: crate::activity::Activity,
    /// Its chain.
    pub chain: crate::calc::Chain,
    /// The result.
    pub line: crate::calc::Line,
}

impl Contribution {
    /// An exact contribution with no basis.
    pub fn new(figure: impl Into<String>, year: i32, value: Decimal, unit: &'static str) -> Self {
        Contribution {
            figure: figure.into(),
            year,
            value,
            unit,
            basis: None,
            exact: true,
            lines: Vec::new(),
        }
    }

    /// The same contribution, computed from `activity` (for implied factors).
    pub fn with_basis(mut self, activity: Decimal, unit: &'static str) -> Self {
        self.basis = Some((activity, unit));
        self
    }
}

/// One calculated input row (or one aggregate, e.g. a facility-year of market-based scope 2),
/// with the steps that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The input file as shown in messages.
    pub file: Arc<str>,
    /// 1-based line of the row; 0 for an entry that aggregates several rows.
    pub line: u64,
    /// What the entry is, in a few words: `BJ-CAR 2025 rooftop PV, self-consumed`.
    pub what: String,
    /// The trace: activity, factors with references and citations, conversions.
    pub steps: Vec<Step>,
    /// What the entry adds to which figures.
    pub parts: Vec<Contribution>,
}

/// A figure a register defines from other figures rather than by summing entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derived {
    /// `numerator / denominator × scale` in `unit` (e.g. a share in % with scale 100).
    Ratio {
        /// Numerator figure.
        numerator: String,
        /// Denominator figure.
        denominator: String,
        /// Multiplier (1 or 100).
        scale: Decimal,
        /// Unit of the result.
        unit: &'static str,
    },
    /// The sum of other figures, all in `unit`.
    Plus {
        /// The figures added.
        terms: Vec<String>,
        /// Their common unit.
        unit: &'static str,
    },
}

/// What a register run returns besides its entries.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Row-level problems (errors reject the row) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Row accounting per input file the register read (read = used + rejected).
    pub files: Vec<FileStats>,
    /// Figures defined from other figures, by name (registered per run, so they exist only
    /// when their inputs do).
    pub derived: BTreeMap<String, Derived>,
    /// Report-order of the figure names this register produces (additive and derived).
    pub names: Vec<String>,
}

/// What a register sees: the opened project and the chain computation (market-based scope 2
/// needs the electricity consumed per facility and year).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The project.
    pub project: &'a Project,
    /// The energy and fugitive computation.
    pub comp: &'a Computation,
    /// Refuse fallbacks.
    pub strict: bool,
}

/// A register: reads its files and sends every entry to the sink.
pub type RegisterFn = fn(&Context<'_>, &mut dyn FnMut(Entry)) -> Report;

/// The sum of one figure's contributions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// Exact sum.
    pub value: Decimal,
    /// Unit.
    pub unit: &'static str,
    /// Summed activity basis, when every contribution had one in the same unit.
    pub basis: Option<(Decimal, &'static str)>,
    /// False when any contribution was rounded.
    pub exact: bool,
    /// Entries that contributed.
    pub entries: u64,
}

/// Totals of every register figure by (name, year). Adding is exact and order-free.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    map: BTreeMap<(String, i32), Total>,
}

impl Totals {
    /// Adds one entry's contributions; on overflow the totals are left unchanged for that
    /// contribution and the error returned.
    pub fn add(&mut self, e: &Entry) -> Result<(), CalcError> {
        for c in &e.parts {
            self.add_part(c)?;
        }
        Ok(())
    }

    fn add_part(&mut self, c: &Contribution) -> Result<(), CalcError> {
        let key = (c.figure.clone(), c.year);
        match self.map.get_mut(&key) {
            None => {
                self.map.insert(
                    key,
                    Total {
                        value: c.value,
                        unit: c.unit,
                        basis: c.basis,
                        exact: c.exact,
                        entries: 1,
                    },
                );
            }
            Some(t) => {
                let value = decimal::add(t.value, c.value)?;
                let basis = match (t.basis, c.basis) {
                    (Some((a, u)), Some((b, v))) if u == v => Some((decimal::add(a, b)?, u)),
                    _ => None,
                };
                t.value = value;
                t.basis = basis;
                t.exact &= c.exact;
                t.entries += 1;
            }
        }
        Ok(())
    }

    /// Merges other totals (associative and commutative).
    pub fn merge(&mut self, other: &Totals) -> Result<(), CalcError> {
        for ((name, year), t) in &other.map {
            let c = Contribution {
                figure: name.clone(),
                year: *year,
                value: t.value,
                unit: t.unit,
                basis: t.basis,
                exact: t.exact,
                lines: Vec::new(),
            };
            let before = self.map.get(&(name.clone(), *year)).map(|x| x.entries);
            self.add_part(&c)?;
            if let Some(x) = self.map.get_mut(&(name.clone(), *year)) {
                x.entries = before.unwrap_or(0) + t.entries;
            }
        }
        Ok(())
    }

    /// The total of a figure in a year.
    pub fn get(&self, name: &str, year: i32) -> Option<&Total> {
        self.map.get(&(name.to_string(), year))
    }

    /// Every (name, year) with a total.
    pub fn keys(&self) -> impl Iterator<Item = &(String, i32)> {
        self.map.keys()
    }
}

/// The registers, in report order. A register whose files are absent returns an empty report.
pub fn registers() -> &'static [(&'static str, RegisterFn)] {
    &[
        ("renewables", crate::renewables::register),
        ("abatement", crate::renewables::abatement_register),
        ("freight", crate::freight::register),
        ("products", crate::products::register),
        ("scope3", crate::scope3::register),
        ("metrics", crate::years::metrics::register),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn entry(parts: Vec<Contribution>) -> Entry {
        Entry {
            file: Arc::from("x.csv"),
            line: 2,
            what: String::new(),
            steps: vec![],
            parts,
        }
    }

    #[test]
    fn totals_sum_values_and_bases_exactly_in_any_grouping() {
        let a = entry(vec![Contribution::new(
            "avoided.x",
            2025,
            dec!(8.004),
            "t CO2e",
        )
        .with_basis(dec!(13.34), "MWh")]);
        let b = entry(vec![Contribution::new(
            "avoided.x",
            2025,
            dec!(0.6),
            "t CO2e",
        )
        .with_basis(dec!(1), "MWh")]);
        let mut one = Totals::default();
        one.add(&a).unwrap();
        one.add(&b).unwrap();
        let mut left = Totals::default();
        left.add(&b).unwrap();
        let mut right = Totals::default();
        right.add(&a).unwrap();
        left.merge(&right).unwrap();
        assert_eq!(one, left);
        let t = one.get("avoided.x", 2025).unwrap();
        assert_eq!(
            (t.value, t.basis, t.entries),
            (dec!(8.604), Some((dec!(14.34), "MWh")), 2)
        );
    }

    #[test]
    fn a_contribution_without_basis_drops_the_implied_factor() {
        let mut t = Totals::default();
        t.add(&entry(vec![Contribution::new(
            "a",
            2025,
            dec!(1),
            "t CO2e",
        )
        .with_basis(dec!(2), "MWh")]))
            .unwrap();
        t.add(&entry(vec![Contribution::new(
            "a",
            2025,
            dec!(1),
            "t CO2e",
        )]))
        .unwrap();
        assert_eq!(t.get("a", 2025).unwrap().basis, None);
    }
}
