//! Registers: the figures that do not come from the energy and fugitive chains — renewables
//! and market-based scope 2, avoided emissions, freight, product footprints. Each register is
//! a function that reads its own input files and hands every calculated input row to a sink
//! as an [`Entry`]: the row's contributions to named figures, with the trace that explains
//! them. The same function fills the totals (`Totals::add`, an associative merge) and feeds
//! `explain` (a sink that prints), so a figure and its explanation cannot disagree, and no
//! line is stored.

use crate::calc::{Computation, Step, UsedFactor};
use crate::decimal::{self, CalcError};
use crate::diag::Diagnostic;
use crate::project::Project;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod digest;
pub mod fields;

pub use crate::calc::FileStats;

/// One row's contribution to one figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// The figure's dotted name, e.g. `avoided.onsite_solar` (most are constants: no
    /// allocation per row).
    pub figure: Cow<'static, str>,
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
    /// The calculation lines the value is made of when the register computed it from its own
    /// inputs (a freight leg, a counterfactual, a SAF reduction): each is an activity and its
    /// steps, and their values add up to `value`. Empty otherwise.
    pub terms: Vec<Term>,
    /// The chain whose rows' CO2e the value is, when the register restates a chain under
    /// another figure (purchased heat at market = location): its lines are those rows, which
    /// the export writes under this figure too as it reads them.
    pub restates: Option<Box<crate::calc::Chain>>,
    /// How many rows' contributions this one is the sum of: 1, or more when a register sums
    /// its rows before sending them (freight's totals path), so that a total still counts
    /// the rows it is made of.
    pub entries: u64,
}

/// What a step multiplies or divides by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepValue {
    /// A value of the input row or derived from it (a distance, a blend share, an efficiency,
    /// an allocation, −1 for an amount deducted): `num / den`, exact.
    Input {
        /// Numerator.
        num: Decimal,
        /// Denominator (1 for a plain decimal).
        den: Decimal,
        /// Where it comes from, in words (the column, or how it was derived).
        source: String,
    },
    /// A published value.
    Factor(UsedFactor),
    /// `1 − a ÷ b` of two published values of one unit (a life-cycle emissions reduction:
    /// the SAF's value `a` against the fossil baseline `b`).
    Reduction(UsedFactor, UsedFactor),
}

/// One multiplicative step of a calculation line beyond its factor, GWP and share: a
/// distance, an allocation, a counterfactual sign, a boiler efficiency, a reduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermStep {
    /// What the step is: `distance`, `allocation`, `efficiency`, `saf share`, `reduction`,
    /// `deducted`.
    pub label: String,
    /// True when the step divides.
    pub divide: bool,
    /// Its value.
    pub value: StepValue,
    /// Its unit (`km`, `1`).
    pub unit: String,
}

impl TermStep {
    /// An input value `num / den` in `unit`.
    pub fn input(label: &str, num: Decimal, den: Decimal, unit: &str, source: String) -> Self {
        TermStep {
            label: label.to_string(),
            divide: false,
            value: StepValue::Input { num, den, source },
            unit: unit.to_string(),
        }
    }

    /// The step's value as an exact fraction `(num, den)`.
    pub fn fraction(&self) -> Result<(Decimal, Decimal), CalcError> {
        match &self.value {
            StepValue::Input { num, den, .. } => Ok((*num, *den)),
            StepValue::Factor(u) => Ok((u.value, Decimal::ONE)),
            StepValue::Reduction(a, b) => Ok((decimal::sub(b.value, a.value)?, b.value)),
        }
    }

    /// The reference column: `SET@EDITION:KEY`, `1 − A ÷ B`, or the input's source.
    pub fn reference(&self) -> String {
        match &self.value {
            StepValue::Input { source, .. } => source.clone(),
            StepValue::Factor(u) => u.reference.to_string(),
            StepValue::Reduction(a, b) => format!("1 − {} ÷ {}", a.reference, b.reference),
        }
    }

    /// The published values the step reads.
    pub fn factors(&self) -> Vec<&UsedFactor> {
        match &self.value {
            StepValue::Input { .. } => Vec::new(),
            StepValue::Factor(u) => vec![u],
            StepValue::Reduction(a, b) => vec![a, b],
        }
    }
}

/// One calculation line of a register contribution: `quantity × conversion × factor × gwp ×
/// steps × share`, in the contribution's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The activity as written (or as the register holds it, e.g. a leg's emissions).
    pub quantity: Decimal,
    /// Its unit.
    pub unit: String,
    /// Exact unit conversion `(num, den)` between the units of the quantity, steps and
    /// factor and the contribution's unit.
    pub conversion: (Decimal, Decimal),
    /// The published factor, if any.
    pub factor: Option<UsedFactor>,
    /// The GWP of the factor's gas, if any.
    pub gwp: Option<UsedFactor>,
    /// Further steps, in order.
    pub steps: Vec<TermStep>,
    /// Consolidation share.
    pub share: Decimal,
    /// What the value is (`CO2e`, `distance`, …) for the `result` column.
    pub result: String,
}

impl Term {
    /// A line of `quantity unit` with no factor yet (conversion 1, share 1).
    pub fn of(quantity: Decimal, unit: &str, result: &str) -> Self {
        Term {
            quantity,
            unit: unit.to_string(),
            conversion: (Decimal::ONE, Decimal::ONE),
            factor: None,
            gwp: None,
            steps: Vec::new(),
            share: Decimal::ONE,
            result: result.to_string(),
        }
    }

    /// The same line with one more step.
    pub fn then(mut self, step: TermStep) -> Self {
        self.steps.push(step);
        self
    }

    /// The line's value as the exact fraction `(num, den)` of its columns' product:
    /// quantity × conversion × factor × GWP × each step (× or ÷) × share, in its
    /// contribution's unit. A register that rounds a line rounds this, once.
    pub fn fraction(&self) -> Result<(Decimal, Decimal), CalcError> {
        self.fraction_then(&[])
    }

    /// The fraction of this line with further multiplying steps `more` (each `(num, den)`)
    /// after its own, as [`Term::then`] would give them, without building that line.
    pub fn fraction_then(
        &self,
        more: &[(Decimal, Decimal)],
    ) -> Result<(Decimal, Decimal), CalcError> {
        let mut num = decimal::mul(self.quantity, self.conversion.0)?;
        let mut den = self.conversion.1;
        for u in self.factor.iter().chain(&self.gwp) {
            num = decimal::mul(num, u.value)?;
        }
        for st in &self.steps {
            let (n, d) = st.fraction()?;
            let (n, d) = if st.divide { (d, n) } else { (n, d) };
            num = decimal::mul(num, n)?;
            den = decimal::mul(den, d)?;
        }
        for &(n, d) in more {
            num = decimal::mul(num, n)?;
            den = decimal::mul(den, d)?;
        }
        Ok((decimal::mul(num, self.share)?, den))
    }
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
    /// Steps applied to each result of the line after the chain (a boiler efficiency, the
    /// allocation of a residual-mix remainder).
    pub steps: Vec<TermStep>,
}

impl Contribution {
    /// An exact contribution with no basis.
    pub fn new(
        figure: impl Into<Cow<'static, str>>,
        year: i32,
        value: Decimal,
        unit: &'static str,
    ) -> Self {
        Contribution {
            figure: figure.into(),
            year,
            value,
            unit,
            basis: None,
            exact: true,
            lines: Vec::new(),
            terms: Vec::new(),
            restates: None,
            entries: 1,
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
    /// Sentences every report of these figures must print (freight: the radiative-forcing
    /// choice, when any row ships by air).
    pub notes: Vec<String>,
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
    /// Whether entries must carry their full trace (`explain`, `export`, `diff`). Without, a
    /// register may leave out what only a reader of the trace needs (step texts, calculation
    /// lines) but must send the same contributions, the factors its steps cite and its
    /// fallback steps: the totals, the editions list and the fallback warnings read those.
    pub traced: bool,
    /// Threads a register may price its rows on (0: the register's choice). Its totals do not
    /// depend on it, nor its entries on the traced path (how many rows an untraced entry sums
    /// may: the freight register sums each chunk of its file apart).
    pub threads: usize,
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
    /// By name, then year: a contribution finds its total by its name as it is, without
    /// building a key (a million legs add eight million contributions).
    map: BTreeMap<String, BTreeMap<i32, Total>>,
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
        let years = match self.map.get_mut(&*c.figure) {
            Some(y) => y,
            None => self.map.entry(c.figure.to_string()).or_default(),
        };
        match years.get_mut(&c.year) {
            None => {
                years.insert(
                    c.year,
                    Total {
                        value: c.value,
                        unit: c.unit,
                        basis: c.basis,
                        exact: c.exact,
                        entries: c.entries,
                    },
                );
            }
            Some(t) => {
                if t.unit != c.unit {
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
                t.value = value;
                t.basis = basis;
                t.exact &= c.exact;
                t.entries += c.entries;
            }
        }
        Ok(())
    }

    /// Merges other totals (associative and commutative).
    pub fn merge(&mut self, other: &Totals) -> Result<(), CalcError> {
        for (name, year, t) in other.iter() {
            let c = Contribution {
                figure: name.clone().into(),
                year: *year,
                value: t.value,
                unit: t.unit,
                basis: t.basis,
                exact: t.exact,
                lines: Vec::new(),
                terms: Vec::new(),
                restates: None,
                entries: t.entries,
            };
            let before = self.get(name, *year).map(|x| x.entries);
            self.add_part(&c)?;
            if let Some(x) = self
                .map
                .get_mut(name.as_str())
                .and_then(|y| y.get_mut(year))
            {
                x.entries = before.unwrap_or(0) + t.entries;
            }
        }
        Ok(())
    }

    /// The total of a figure in a year.
    pub fn get(&self, name: &str, year: i32) -> Option<&Total> {
        self.map.get(name)?.get(&year)
    }

    /// Whether a figure has a total in some year (a lookup, not a scan).
    pub fn has_name(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|y| !y.is_empty())
    }

    /// Every (name, year) with a total, in (name, year) order.
    pub fn keys(&self) -> impl Iterator<Item = (&String, &i32)> {
        self.iter().map(|(n, y, _)| (n, y))
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &i32, &Total)> {
        self.map
            .iter()
            .flat_map(|(n, ys)| ys.iter().map(move |(y, t)| (n, y, t)))
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

    #[test]
    fn amounts_of_one_figure_in_two_units_are_refused_not_added() {
        // 1 t CO2e + 2 MWh is not 3 of anything: the figure keeps its first amount.
        let mut t = Totals::default();
        t.add(&entry(vec![Contribution::new(
            "a",
            2025,
            dec!(1),
            "t CO2e",
        )]))
        .unwrap();
        let e = t
            .add(&entry(vec![Contribution::new("a", 2025, dec!(2), "MWh")]))
            .unwrap_err();
        assert_eq!(
            e,
            CalcError::UnitMismatch {
                figure: "a".into(),
                a: "t CO2e",
                b: "MWh"
            }
        );
        assert_eq!(t.get("a", 2025).unwrap().value, dec!(1));
        // The same in another year is its own total.
        t.add(&entry(vec![Contribution::new("a", 2024, dec!(2), "MWh")]))
            .unwrap();
    }
}
