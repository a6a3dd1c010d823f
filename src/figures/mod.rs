//! Named figures: per-chain sums → `ghg.scope1`, `energy.total`, `intensity.ghg_per_energy`, …
//! Every additive figure is defined once, as a filter over chains and a measure of a line, so
//! the figure and its `explain` (the same measure over the lines) cannot disagree. Derived
//! figures (intensity, year-on-year change) are quotients of additive ones.

use crate::activity::{Carrier, Scope, Subject};
use crate::calc::{Accum, Chain, Computation, Line, SourceKind, MAX_GASES};
use crate::decimal::{self, CalcError};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// A computed figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// Stable dotted name.
    pub name: String,
    /// Reporting year.
    pub year: i32,
    /// Exact value in `unit` (rounded to `decimal::FIGURE_DP` places only where `exact` is false).
    pub value: Decimal,
    /// Unit: `t CO2e`, `MWh`, `GJ`, `tce`, `t CO2e/MWh`, `%`.
    pub unit: &'static str,
    /// False when a division on the way could not be carried out exactly.
    pub exact: bool,
}

/// What an additive figure sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure {
    /// Total CO2e (kg → t).
    Co2e,
    /// CO2e of one gas (kg → t).
    GasCo2e(String),
    /// Energy (J → MWh).
    EnergyMwh,
    /// Energy (J → GJ).
    EnergyGj,
    /// Standard coal (kgce → tce).
    Tce,
}

impl Measure {
    /// The figure unit and the base units per figure unit.
    pub fn unit(&self) -> (&'static str, Decimal) {
        match self {
            Measure::Co2e | Measure::GasCo2e(_) => ("t CO2e", Decimal::from(1000)),
            Measure::EnergyMwh => ("MWh", Decimal::from(3_600_000_000u64)),
            Measure::EnergyGj => ("GJ", Decimal::from(1_000_000_000u64)),
            Measure::Tce => ("tce", Decimal::from(1000)),
        }
    }

    fn of_gases(
        chain: &Chain,
        gas: &str,
        vals: &[Decimal; MAX_GASES],
    ) -> Result<Decimal, CalcError> {
        // A chain may carry several factors in one gas: national tables publish CH4 and N2O
        // each already in CO2e, so `co2e` can appear twice. Every one counts.
        chain
            .gases
            .iter()
            .zip(vals.iter())
            .filter(|(s, _)| s.gas().eq_ignore_ascii_case(gas))
            .try_fold(Decimal::ZERO, |t, (_, v)| decimal::add(t, *v))
    }

    /// This measure of one line, in base units.
    pub fn of_line(&self, chain: &Chain, line: &Line) -> Result<Decimal, CalcError> {
        Ok(match self {
            Measure::Co2e => line.co2e_kg,
            Measure::GasCo2e(g) => Self::of_gases(chain, g, &line.gas_co2e_kg)?,
            Measure::EnergyMwh | Measure::EnergyGj => line.energy_j.unwrap_or_default(),
            Measure::Tce => line.tce_kgce.unwrap_or_default(),
        })
    }

    /// This measure of a chain's sums, in base units.
    pub fn of_accum(&self, chain: &Chain, acc: &Accum) -> Result<Decimal, CalcError> {
        Ok(match self {
            Measure::Co2e => acc.co2e_kg,
            Measure::GasCo2e(g) => Self::of_gases(chain, g, &acc.gas_co2e_kg)?,
            Measure::EnergyMwh | Measure::EnergyGj => acc.energy_j,
            Measure::Tce => acc.tce_kgce,
        })
    }
}

/// Which chains an additive figure covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Scope 1 and 2: every chain but the scope 3 ones.
    All,
    /// Scope 1.
    Scope1,
    /// Scope 1, one source kind.
    Scope1Kind(SourceKind),
    /// Scope 2 (location-based).
    Scope2,
    /// Scope 2, one carrier.
    Scope2Carrier(Carrier),
    /// Energy carriers only.
    EnergyCarriers,
    /// One carrier.
    Carrier(Carrier),
    /// Scope 3 (the category 3 lines of energy rows).
    Scope3,
    /// One part of category 3 (`CAT3_PARTS`).
    Cat3Part(&'static str),
}

impl Filter {
    /// Whether the chain is covered.
    pub fn covers(&self, c: &Chain) -> bool {
        let carrier = match &c.subject {
            Subject::Carrier(k) => Some(*k),
            Subject::Gas(_) => None,
        };
        match self {
            Filter::All => c.scope != Scope::Scope3,
            Filter::Scope1 => c.scope == Scope::Scope1,
            Filter::Scope1Kind(k) => c.scope == Scope::Scope1 && c.kind == *k,
            Filter::Scope2 => c.scope == Scope::Scope2,
            Filter::Scope2Carrier(k) => c.scope == Scope::Scope2 && carrier == Some(*k),
            Filter::EnergyCarriers => carrier.is_some() && c.counts_energy(),
            Filter::Carrier(k) => carrier == Some(*k) && c.counts_energy(),
            Filter::Scope3 => c.scope == Scope::Scope3,
            Filter::Cat3Part(p) => crate::calc::cat3_part(c) == Some(*p),
        }
    }
}

/// The definition of a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition {
    /// A sum of a measure over the lines of the chains a filter covers.
    Sum {
        /// Which chains.
        filter: Filter,
        /// What is summed.
        measure: Measure,
    },
    /// `numerator / denominator` of two additive figures of the same year.
    Ratio {
        /// Numerator figure name.
        numerator: &'static str,
        /// Denominator figure name.
        denominator: &'static str,
    },
    /// `(this year − previous year) / previous year × 100` of another figure.
    Change {
        /// The figure compared.
        of: String,
    },
}

/// Looks a figure name up: its definition, if it is a known name.
///
/// ```
/// use carbonledger::figures::{definition, Definition};
/// assert!(matches!(definition("ghg.scope2.location"), Some(Definition::Sum { .. })));
/// assert!(matches!(definition("change.intensity.ghg_per_energy"), Some(Definition::Change { .. })));
/// assert!(definition("ghg.scope7").is_none());
/// ```
pub fn definition(name: &str) -> Option<Definition> {
    let sum = |filter, measure| Some(Definition::Sum { filter, measure });
    if let Some(of) = name.strip_prefix("change.") {
        return definition(of).map(|_| Definition::Change { of: of.to_string() });
    }
    match name {
        "ghg.scope1" => sum(Filter::Scope1, Measure::Co2e),
        "ghg.scope1.stationary" => sum(Filter::Scope1Kind(SourceKind::Stationary), Measure::Co2e),
        "ghg.scope1.fugitive" => sum(Filter::Scope1Kind(SourceKind::Fugitive), Measure::Co2e),
        "ghg.scope1.mobile" => sum(Filter::Scope1Kind(SourceKind::Mobile), Measure::Co2e),
        "ghg.scope1.process" => sum(Filter::Scope1Kind(SourceKind::Process), Measure::Co2e),
        "ghg.scope2.location" => sum(Filter::Scope2, Measure::Co2e),
        "ghg.total.location" => sum(Filter::All, Measure::Co2e),
        // Scope 3 from the chains is category 3; registers add their categories to both.
        "ghg.scope3" | "ghg.scope3.cat3" => sum(Filter::Scope3, Measure::Co2e),
        // Outside the scopes: the CO2 of biomass and biofuels (never in the totals above).
        "ghg.biogenic_co2" => sum(
            Filter::All,
            Measure::GasCo2e(crate::calc::BIOGENIC_CO2.to_string()),
        ),
        "energy.total" => sum(Filter::EnergyCarriers, Measure::EnergyMwh),
        "energy.total_gj" => sum(Filter::EnergyCarriers, Measure::EnergyGj),
        "energy.total_tce" => sum(Filter::EnergyCarriers, Measure::Tce),
        "intensity.ghg_per_energy" => Some(Definition::Ratio {
            numerator: "ghg.total.location",
            denominator: "energy.total",
        }),
        _ => {
            if let Some(part) = name
                .strip_prefix("ghg.scope3.cat3.")
                .and_then(|p| CAT3_PARTS.into_iter().find(|k| *k == p))
            {
                return sum(Filter::Cat3Part(part), Measure::Co2e);
            }
            if let Some(gas) = name.strip_prefix("ghg.scope1.") {
                return sum(Filter::Scope1, Measure::GasCo2e(gas.to_string()));
            }
            if let Some(c) = name
                .strip_prefix("ghg.scope2.location.")
                .and_then(Carrier::parse)
            {
                return sum(Filter::Scope2Carrier(c), Measure::Co2e);
            }
            if let Some(c) = name
                .strip_prefix("energy.by_carrier.")
                .and_then(Carrier::parse)
            {
                return sum(Filter::Carrier(c), Measure::EnergyMwh);
            }
            if let Some(c) = name
                .strip_prefix("energy.by_carrier_tce.")
                .and_then(Carrier::parse)
            {
                return sum(Filter::Carrier(c), Measure::Tce);
            }
            None
        }
    }
}

/// The parts of category 3 (GHG Protocol Scope 3 Standard, table 5.4: activities 3a, 3b, 3c).
pub const CAT3_PARTS: [&str; 4] = [
    "wtt_fuels",
    "wtt_purchased_energy",
    "td_losses",
    "wtt_and_td_purchased_energy",
];

/// Sums an additive figure for a year, in figure units.
pub fn sum_figure(
    comp: &Computation,
    year: i32,
    filter: &Filter,
    measure: &Measure,
) -> Result<(Decimal, bool), CalcError> {
    ChainGroups::of(comp)?.sum(comp, year, filter, measure)
}

/// The sums of chains that share a resolved body (`Chain::body_id`): every figure covers
/// all chains of a group or none, so a figure is a pass over the groups instead of over every
/// chain (100,000 facilities of a few classes make 800,000 chains and a few dozen groups;
/// every figure of a listing was a pass over all of them). Summed wide, as `sum_figure`
/// always summed: the total depends on the values only, never on their grouping.
#[derive(Debug, Clone, Default)]
pub struct ChainGroups {
    groups: Vec<Group>,
}

#[derive(Debug, Clone)]
struct Group {
    /// One chain of the group (its index in the computation).
    rep: usize,
    co2e_kg: decimal::WideSum,
    energy_j: decimal::WideSum,
    tce_kgce: decimal::WideSum,
    gas_co2e_kg: [decimal::WideSum; MAX_GASES],
    inexact_rows: bool,
    inexact_energy_rows: bool,
    inexact_tce_rows: bool,
}

impl ChainGroups {
    /// The groups of a computation's chains, in one pass.
    pub fn of(comp: &Computation) -> Result<ChainGroups, CalcError> {
        let mut index: rustc_hash::FxHashMap<usize, usize> = Default::default();
        let mut groups: Vec<Group> = Vec::new();
        for (i, (chain, acc)) in comp.chains.iter().zip(&comp.accums).enumerate() {
            let g = *index.entry(chain.body_id()).or_insert_with(|| {
                groups.push(Group {
                    rep: i,
                    co2e_kg: Default::default(),
                    energy_j: Default::default(),
                    tce_kgce: Default::default(),
                    gas_co2e_kg: Default::default(),
                    inexact_rows: false,
                    inexact_energy_rows: false,
                    inexact_tce_rows: false,
                });
                groups.len() - 1
            });
            let g = &mut groups[g];
            g.co2e_kg.add(acc.co2e_kg)?;
            g.energy_j.add(acc.energy_j)?;
            g.tce_kgce.add(acc.tce_kgce)?;
            for (w, v) in g.gas_co2e_kg.iter_mut().zip(&acc.gas_co2e_kg) {
                w.add(*v)?;
            }
            g.inexact_rows |= acc.inexact_rows > 0;
            g.inexact_energy_rows |= acc.inexact_energy_rows > 0;
            g.inexact_tce_rows |= acc.inexact_tce_rows > 0;
        }
        Ok(ChainGroups { groups })
    }

    /// Whether some chain of `year` is covered by `filter`.
    pub fn any(&self, comp: &Computation, year: i32, filter: &Filter) -> bool {
        self.groups.iter().any(|g| {
            let c = &comp.chains[g.rep];
            c.year == year && filter.covers(c)
        })
    }

    /// An additive figure of `year` (see [`sum_figure`]); `comp` is the computation the
    /// groups were made of.
    pub fn sum(
        &self,
        comp: &Computation,
        year: i32,
        filter: &Filter,
        measure: &Measure,
    ) -> Result<(Decimal, bool), CalcError> {
        let mut wide = decimal::WideSum::default();
        let mut exact = true;
        for g in &self.groups {
            let chain = &comp.chains[g.rep];
            if chain.year != year || !filter.covers(chain) {
                continue;
            }
            match measure {
                Measure::Co2e => wide.merge(&g.co2e_kg)?,
                Measure::GasCo2e(gas) => {
                    // A chain may carry several factors in one gas (see `of_gases`).
                    for (s, w) in chain.gases.iter().zip(&g.gas_co2e_kg) {
                        if s.gas().eq_ignore_ascii_case(gas) {
                            wide.merge(w)?;
                        }
                    }
                }
                Measure::EnergyMwh | Measure::EnergyGj => wide.merge(&g.energy_j)?,
                Measure::Tce => wide.merge(&g.tce_kgce)?,
            }
            exact &= !match measure {
                Measure::Co2e | Measure::GasCo2e(_) => g.inexact_rows,
                Measure::EnergyMwh | Measure::EnergyGj => g.inexact_energy_rows,
                Measure::Tce => g.inexact_tce_rows,
            };
        }
        let q = decimal::div(wide.value()?, measure.unit().1)?;
        Ok((q.rounded(decimal::FIGURE_DP), exact && q.exact))
    }
}

/// The canonical spelling of a gas named in a figure (`hfc-134a` → `HFC-134a`).
pub fn gas_label(comp: &Computation, lower: &str) -> String {
    comp.chains
        .iter()
        .flat_map(|c| c.gases.iter())
        .map(|g| g.gas())
        .find(|g| g.eq_ignore_ascii_case(lower))
        .unwrap_or(lower)
        .to_string()
}

/// The names of every figure the computation has, in report order.
pub fn names(comp: &Computation) -> Vec<String> {
    let mut gases = BTreeSet::new();
    let mut scope2 = BTreeSet::new();
    let mut carriers = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut cat3 = BTreeSet::new();
    let mut biogenic = false;
    for c in &comp.chains {
        kinds.insert(c.kind);
        if let Some(p) = crate::calc::cat3_part(c) {
            cat3.insert(p);
        }
        biogenic |= c.gases.iter().any(|g| g.is_biogenic());
        if c.scope == Scope::Scope1 {
            for g in c.gases.iter().filter(|g| !g.is_biogenic()) {
                gases.insert(g.gas().to_ascii_lowercase());
            }
        }
        if let Subject::Carrier(k) = c.subject {
            carriers.insert(k);
            if c.scope == Scope::Scope2 {
                scope2.insert(k);
            }
        }
    }
    // Conventional order: CO2, CH4, N2O, then other gases alphabetically.
    let rank = |g: &String| match g.as_str() {
        "co2" => 0,
        "ch4" => 1,
        "n2o" => 2,
        _ => 3,
    };
    let mut gases: Vec<String> = gases.into_iter().collect();
    gases.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    let mut v: Vec<String> = vec!["ghg.scope1".into()];
    v.extend(gases.iter().map(|g| format!("ghg.scope1.{g}")));
    v.extend(["ghg.scope1.stationary".into(), "ghg.scope1.fugitive".into()]);
    // Mobile and process sources are listed when a row declares them.
    for k in [SourceKind::Mobile, SourceKind::Process] {
        if kinds.contains(&k) {
            v.push(format!("ghg.scope1.{}", k.name()));
        }
    }
    if biogenic {
        v.push("ghg.biogenic_co2".into());
    }
    v.push("ghg.scope2.location".into());
    v.extend(scope2.iter().map(|c| format!("ghg.scope2.location.{c}")));
    if !cat3.is_empty() {
        v.extend(["ghg.scope3".into(), "ghg.scope3.cat3".into()]);
        v.extend(
            CAT3_PARTS
                .iter()
                .filter(|p| cat3.contains(*p))
                .map(|p| format!("ghg.scope3.cat3.{p}")),
        );
    }
    v.extend([
        "ghg.total.location".into(),
        "energy.total".into(),
        "energy.total_gj".into(),
        "energy.total_tce".into(),
    ]);
    v.extend(carriers.iter().map(|c| format!("energy.by_carrier.{c}")));
    v.extend(
        carriers
            .iter()
            .map(|c| format!("energy.by_carrier_tce.{c}")),
    );
    v.push("intensity.ghg_per_energy".into());
    for base in [
        "ghg.total.location",
        "energy.total",
        "intensity.ghg_per_energy",
    ] {
        v.push(format!("change.{base}"));
    }
    v
}
