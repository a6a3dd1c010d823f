//! A resolved chain: everything needed to turn one kind of activity row (a facility, a year, a
//! carrier or gas, a unit dimension, an optional explicit factor) into emissions, energy and
//! standard coal — the typed factors, the references they came from, the consolidation share
//! and any fallback taken. Resolved once, shared by every row of that kind.

use crate::activity::{Scope, Subject};
use crate::decimal::CalcError;
use crate::units::{
    AnyQty, AnyUnit, Applied, Co2e, CoalEquivalent, Dim, DimKind, Energy, Factor, GasMass, Mass,
    Qty, Volume,
};
use rust_decimal::Decimal;
use std::sync::Arc;

/// A factor as used on a line: the pinned reference, its value and unit as published, and
/// which edition (with citation) it belongs to. One shared record: every step and line that
/// cites the factor holds it, and a copy costs one reference count, not one per text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsedFactor(Arc<FactorUse>);

/// What a [`UsedFactor`] records.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct FactorUse {
    /// `SET@EDITION:KEY` actually used (after any key fallback).
    pub reference: Arc<str>,
    /// The value as published.
    pub value: Decimal,
    /// Its unit as published.
    pub unit: Arc<str>,
    /// `SET@EDITION`.
    pub edition: Arc<str>,
    /// Short citation: publisher, title, table.
    pub citation: Arc<str>,
}

impl std::ops::Deref for UsedFactor {
    type Target = FactorUse;
    fn deref(&self) -> &FactorUse {
        &self.0
    }
}

impl From<FactorUse> for UsedFactor {
    fn from(u: FactorUse) -> UsedFactor {
        UsedFactor(Arc::new(u))
    }
}

impl UsedFactor {
    /// The address of the shared record: one per record while a holder keeps it alive.
    pub fn shared_id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The factor `def` of edition `ed`, as a line records it.
    pub fn of(ed: &crate::factors::Edition, def: &crate::factors::FactorDef) -> UsedFactor {
        UsedFactor::from(FactorUse {
            reference: format!("{}@{}:{}", ed.set, ed.edition, def.key).into(),
            value: def.value,
            unit: def.unit_text.as_str().into(),
            edition: ed.id().into(),
            citation: format!(
                "{}, {}, {}",
                ed.citation.publisher, ed.citation.title, def.table
            )
            .into(),
        })
    }

    /// The same factor with another citation (a fallback said on it).
    pub fn with_citation(&self, citation: Arc<str>) -> UsedFactor {
        UsedFactor::from(FactorUse {
            reference: Arc::clone(&self.reference),
            value: self.value,
            unit: Arc::clone(&self.unit),
            edition: Arc::clone(&self.edition),
            citation,
        })
    }
}

/// A factor that applies per energy, per mass or per volume of the activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerBasis<N: Dim> {
    /// Per unit of energy (the activity's, or its energy content through a calorific value).
    Energy(Factor<N, Energy>),
    /// Per unit of mass of the activity.
    Mass(Factor<N, Mass>),
    /// Per unit of volume of the activity.
    Volume(Factor<N, Volume>),
}

impl<N: Dim> PerBasis<N> {
    /// The dimension of the denominator.
    pub fn den_kind(&self) -> DimKind {
        match self {
            PerBasis::Energy(_) => DimKind::Energy,
            PerBasis::Mass(_) => DimKind::Mass,
            PerBasis::Volume(_) => DimKind::Volume,
        }
    }

    /// Applies to the activity, or to its energy content for per-energy factors.
    pub fn apply(
        &self,
        activity: AnyQty,
        energy: Option<Qty<Energy>>,
    ) -> Result<Applied<N>, LineError> {
        match self {
            PerBasis::Energy(f) => {
                let e = energy.ok_or(LineError::NoEnergy)?;
                Ok(e.apply(*f)?)
            }
            PerBasis::Mass(f) => Ok(activity
                .typed::<Mass>()
                .map_err(LineError::Dimension)?
                .apply(*f)?),
            PerBasis::Volume(f) => Ok(activity
                .typed::<Volume>()
                .map_err(LineError::Dimension)?
                .apply(*f)?),
        }
    }
}

/// Why a line could not be calculated (should not happen for a chain that resolved; kept as
/// a value so that it never panics).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Arithmetic could not be done exactly.
    #[error(transparent)]
    Calc(#[from] CalcError),
    /// A per-energy factor met an activity with no energy content.
    #[error("no energy content for a per-energy factor")]
    NoEnergy,
    /// The activity's dimension did not match the factor's denominator.
    #[error("activity of dimension {0} does not match the factor")]
    Dimension(DimKind),
}

/// How a row's quantity becomes energy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnergyConv {
    /// The quantity is an energy.
    Direct,
    /// Through a calorific value per mass.
    FromMass(Factor<Energy, Mass>, UsedFactor),
    /// Through a calorific value per volume.
    FromVolume(Factor<Energy, Volume>, UsedFactor),
    /// Not an energy (refrigerant releases).
    None,
}

/// How one gas's emission is calculated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GasStep {
    /// Mass of a named gas, then CO2e through its GWP.
    Gas {
        /// The gas (CO2, CH4, N2O, HFC-134a, …).
        gas: String,
        /// Emission factor (absent for a direct release, where the activity is the mass).
        factor: Option<(PerBasis<GasMass>, UsedFactor)>,
        /// GWP factor.
        gwp: Factor<Co2e, GasMass>,
        /// GWP reference.
        gwp_used: UsedFactor,
    },
    /// A CO2e factor that already embeds the GWPs (e.g. UK DESNZ).
    Co2e {
        /// The factor.
        factor: PerBasis<Co2e>,
        /// Its reference.
        used: UsedFactor,
        /// The gas whose CO2e this is, when the factor's key says (DESNZ's "kg CO2e of CH4"
        /// column, key `….ch4`): its result counts under that gas. `None`: all gases.
        of: Option<String>,
        /// The GWP edition the publisher embedded (`AR5`), when its edition says.
        embedded_gwp: Option<String>,
    },
}

/// The label of biogenic CO2: the CO2 of biomass and biofuels, reported outside the scopes
/// (`ghg.biogenic_co2`) and never in a line's CO2e total (GHG Protocol Corporate Standard).
pub const BIOGENIC_CO2: &str = "CO2-biogenic";

impl GasStep {
    /// True for biogenic CO2, which is not counted in the scopes.
    pub fn is_biogenic(&self) -> bool {
        self.gas() == BIOGENIC_CO2
    }

    /// The gas label of this step.
    pub fn gas(&self) -> &str {
        match self {
            GasStep::Gas { gas, .. } => gas,
            GasStep::Co2e { of, .. } => of.as_deref().unwrap_or("CO2e"),
        }
    }
}

/// What kind of source a chain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// Fuel burnt in stationary equipment: boilers, furnaces, generators (scope 1).
    Stationary,
    /// Gas released (scope 1).
    Fugitive,
    /// Purchased electricity, heat or steam, location-based (scope 2).
    Purchased,
    /// Fuel burnt in vehicles and mobile machinery the organisation controls (scope 1).
    Mobile,
    /// Gas released by a chemical or physical process, not combustion (scope 1).
    Process,
    /// Well-to-tank of a fuel or of purchased energy's generation: extraction, refining and
    /// transport before it reaches the organisation (scope 3 category 3).
    Wtt,
    /// Generation of the electricity (or heat) lost in transmission and distribution (scope 3
    /// category 3).
    TdLoss,
    /// Well-to-tank of the electricity (or heat) lost in transmission and distribution (scope
    /// 3 category 3).
    TdWtt,
    /// One factor for both the upstream of purchased electricity and its T&D loss, where the
    /// publisher gives only their sum (Australia's NGA scope 3 electricity factors).
    WttAndTd,
}

impl SourceKind {
    /// The name used in figure names and exports.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Stationary => "stationary",
            SourceKind::Fugitive => "fugitive",
            SourceKind::Purchased => "purchased",
            SourceKind::Mobile => "mobile",
            SourceKind::Process => "process",
            SourceKind::Wtt => "wtt",
            SourceKind::TdLoss => "td_loss",
            SourceKind::TdWtt => "td_wtt",
            SourceKind::WttAndTd => "wtt_and_td",
        }
    }
    /// The source a row declared for a chain of this kind (to resolve it again).
    pub fn declared(self) -> Option<crate::activity::Source> {
        use crate::activity::Source;
        match self {
            SourceKind::Mobile => Some(Source::Mobile),
            SourceKind::Process => Some(Source::Process),
            _ => None,
        }
    }
}

/// A resolved chain: the facility it is for, and what its rows share with every chain of a
/// facility of the same class (`ChainBody`: grid and consolidation terms), held once behind an
/// `Arc`. Read the body's fields through the chain (`chain.gases`); 100,000 facilities over a
/// handful of grids then hold a handful of bodies, and a chain costs a few dozen bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// Facility index.
    pub facility: usize,
    /// The facility's terms (share and control) the chain is under: 0 = as in facilities.csv,
    /// n = from its n-th change on (`Facility::terms`).
    pub terms: usize,
    /// Why the body's consolidation share (the facility's own change may be named).
    pub share_reason: Arc<str>,
    body: Arc<ChainBody>,
}

impl std::ops::Deref for Chain {
    type Target = ChainBody;
    fn deref(&self) -> &ChainBody {
        &self.body
    }
}

impl Chain {
    /// The chain of `body` at `facility` under its terms `terms`.
    pub fn new(
        facility: usize,
        terms: usize,
        share_reason: impl Into<Arc<str>>,
        body: ChainBody,
    ) -> Chain {
        Chain {
            facility,
            terms,
            share_reason: share_reason.into(),
            body: Arc::new(body),
        }
    }

    /// The identity of the chain's resolved body: chains with one body (the facilities of a
    /// class, in one year) have the same year, scope, source, subject, gases and factors, so
    /// every figure covers all of them or none (`figures::ChainGroups`).
    pub fn body_id(&self) -> usize {
        Arc::as_ptr(&self.body) as usize
    }

    /// The same resolved body at another facility of its class (sharing it, not copying it).
    pub fn for_facility(&self, facility: usize, terms: usize, share_reason: Arc<str>) -> Chain {
        Chain {
            facility,
            terms,
            share_reason,
            body: Arc::clone(&self.body),
        }
    }

    /// The resolved body.
    pub fn body(&self) -> &ChainBody {
        &self.body
    }

    /// Whether `other` is the chain of the same rows: the same year, facility and terms,
    /// subject, unit, explicit factor and kind (its factors may differ: another edition).
    pub fn same_identity(&self, other: &Chain) -> bool {
        self.year == other.year
            && self.facility == other.facility
            && self.terms == other.terms
            && self.activity_unit.index == other.activity_unit.index
            && self.kind == other.kind
            && self.upstream_of == other.upstream_of
            && self.subject == other.subject
            && self.explicit == other.explicit
    }

    /// The resolved body, shared (a holder keeps it, and so its address, alive).
    pub fn shared_body(&self) -> Arc<ChainBody> {
        Arc::clone(&self.body)
    }
}

/// What a chain's rows share besides their facility: the activity, its scope and source, and
/// its resolved factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBody {
    /// Reporting year.
    pub year: i32,
    /// Carrier or gas.
    pub subject: Subject,
    /// The explicit factor the rows named, if any.
    pub explicit: Option<crate::factors::FactorRef>,
    /// Scope.
    pub scope: Scope,
    /// Source kind.
    pub kind: SourceKind,
    /// Dimension of the activity quantity.
    pub activity_kind: DimKind,
    /// The unit the rows of this chain are given in.
    pub activity_unit: AnyUnit,
    /// Consolidation share applied to every result (1 = 100%): the same for every facility
    /// of the class, and folded into the plan.
    pub share: Decimal,
    /// Activity → energy.
    pub energy: EnergyConv,
    /// One step per gas (per gas of each part of a blend), at most `MAX_GASES`.
    pub gases: Vec<GasStep>,
    /// Standard-coal conversion, for energy carriers.
    pub tce: Option<(PerBasis<CoalEquivalent>, UsedFactor)>,
    /// Fallbacks taken while resolving (nearest edition, parent region), in words.
    pub fallbacks: Vec<String>,
    /// The chain's factors folded into one ratio per result (see `Plan`).
    pub plan: Option<Plan>,
    /// For a scope 3 line of an energy row (`calc::upstream`): the source kind of the row's own
    /// chain, so that the companions of a stationary and of a mobile diesel chain stay apart.
    pub upstream_of: Option<SourceKind>,
}

/// One exact ratio from a row's quantity (in the row's unit) to a result in base units, after
/// the consolidation share: `result = quantity × num / per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    num: Decimal,
    per: Decimal,
}

impl Folded {
    /// The ratio as `(numerator, denominator)`; the denominator is 1 when it terminates.
    pub fn parts(&self) -> (Decimal, Decimal) {
        (self.num, self.per)
    }

    fn new(num: Decimal, per: Decimal) -> Result<Self, CalcError> {
        let q = crate::decimal::div(num, per)?;
        Ok(if q.exact {
            Folded {
                num: q.value,
                per: Decimal::ONE,
            }
        } else {
            Folded { num, per }
        })
    }
    fn then<N: Dim, D: Dim>(self, f: &Factor<N, D>) -> Result<Self, CalcError> {
        Folded::new(
            crate::decimal::mul(self.num, f.num())?,
            crate::decimal::mul(self.per, f.per())?,
        )
    }
    fn scaled(self, k: Decimal) -> Result<Self, CalcError> {
        Folded::new(crate::decimal::mul(self.num, k)?, self.per)
    }
    fn apply(self, quantity: Decimal) -> Result<(Decimal, bool), CalcError> {
        let p = crate::decimal::mul(quantity, self.num)?;
        if self.per == Decimal::ONE {
            return Ok((p, true));
        }
        let q = crate::decimal::div(p, self.per)?;
        Ok((q.rounded(crate::decimal::LINE_DP), q.exact))
    }
}

/// A chain's factors folded, once per chain, into one exact ratio per result: the row's unit
/// scale, calorific value, emission factor, GWP and consolidation share multiplied together.
/// A row then costs one multiplication per result and, in the common case where the ratio
/// terminates, no division. The stepwise calculation (`calculate_stepwise`) is the reference:
/// the two agree exactly whenever the stepwise one is exact (tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    energy: Option<Folded>,
    gas_mass: [Option<Folded>; MAX_GASES],
    gas_co2e: [Option<Folded>; MAX_GASES],
    tce: Option<Folded>,
}

impl Plan {
    /// The folded ratio of the energy result, if the activity is an energy carrier.
    pub fn energy_ratio(&self) -> Option<Folded> {
        self.energy
    }

    /// The folded ratios of each gas's mass, in the chain's gas order.
    pub fn gas_mass_ratios(&self) -> [Option<Folded>; MAX_GASES] {
        self.gas_mass
    }

    /// The folded ratios of each gas's CO2e, in the chain's gas order.
    pub fn gas_co2e_ratios(&self) -> [Option<Folded>; MAX_GASES] {
        self.gas_co2e
    }

    /// The folded ratio of the standard-coal result.
    pub fn tce_ratio(&self) -> Option<Folded> {
        self.tce
    }

    /// The folded ratios, in a fixed order.
    fn ratios(&self) -> impl Iterator<Item = &Folded> {
        self.energy
            .iter()
            .chain(self.gas_mass.iter().flatten())
            .chain(self.gas_co2e.iter().flatten())
            .chain(self.tce.iter())
    }

    /// A result whose ratio is a terminating decimal (no division per row) can be summed as
    /// quantities and multiplied once: Σ(qᵢ × r) = (Σqᵢ) × r exactly. Returns the largest
    /// scale among those ratios (a row's result scale is at most `q.scale() + it`) and whether
    /// some other result still needs a division per row.
    pub fn linear_scale(&self) -> (u32, bool) {
        let mut m = 0;
        let mut nonlinear = false;
        for r in self.ratios() {
            if r.per == Decimal::ONE {
                m = m.max(r.num.scale());
            } else {
                nonlinear = true;
            }
        }
        (m, nonlinear)
    }

    /// Folds a chain, or `None` when a folded ratio would not fit a decimal exactly (the
    /// stepwise calculation is then used).
    pub fn build(chain: &ChainBody) -> Option<Plan> {
        Self::try_build(chain).ok()
    }

    fn try_build(chain: &ChainBody) -> Result<Plan, CalcError> {
        let unit = Folded::new(chain.activity_unit.scale, Decimal::ONE)?;
        let energy = match &chain.energy {
            EnergyConv::Direct => Some(unit),
            EnergyConv::FromMass(f, _) => Some(unit.then(f)?),
            EnergyConv::FromVolume(f, _) => Some(unit.then(f)?),
            EnergyConv::None => None,
        };
        let per_basis = |b: &PerBasisAny| -> Result<Folded, CalcError> {
            match b {
                PerBasisAny::Energy(num, per) => energy
                    .ok_or(CalcError::DivisionByZero { a: Decimal::ZERO })
                    .and_then(|e| {
                        Folded::new(
                            crate::decimal::mul(e.num, *num)?,
                            crate::decimal::mul(e.per, *per)?,
                        )
                    }),
                PerBasisAny::Direct(num, per) => Folded::new(
                    crate::decimal::mul(unit.num, *num)?,
                    crate::decimal::mul(unit.per, *per)?,
                ),
            }
        };
        let mut plan = Plan {
            energy: None,
            gas_mass: [None; MAX_GASES],
            gas_co2e: [None; MAX_GASES],
            tce: None,
        };
        for (i, step) in chain.gases.iter().enumerate().take(MAX_GASES) {
            let (mass, co2e) = match step {
                GasStep::Gas { factor, gwp, .. } => {
                    let mass = match factor {
                        Some((f, _)) => per_basis(&PerBasisAny::of(f))?,
                        None => unit,
                    };
                    (mass, mass.then(gwp)?)
                }
                GasStep::Co2e { factor, .. } => {
                    let c = per_basis(&PerBasisAny::of(factor))?;
                    (c, c)
                }
            };
            plan.gas_mass[i] = Some(mass.scaled(chain.share)?);
            plan.gas_co2e[i] = Some(co2e.scaled(chain.share)?);
        }
        plan.energy = if chain.counts_energy() {
            energy.map(|e| e.scaled(chain.share)).transpose()?
        } else {
            None
        };
        plan.tce = match &chain.tce {
            Some((f, _)) => Some(per_basis(&PerBasisAny::of(f))?.scaled(chain.share)?),
            None => None,
        };
        Ok(plan)
    }
}

/// A per-basis factor with its dimension erased, for folding.
enum PerBasisAny {
    Energy(Decimal, Decimal),
    Direct(Decimal, Decimal),
}

impl PerBasisAny {
    fn of<N: Dim>(p: &PerBasis<N>) -> Self {
        match p {
            PerBasis::Energy(f) => PerBasisAny::Energy(f.num(), f.per()),
            PerBasis::Mass(f) => PerBasisAny::Direct(f.num(), f.per()),
            PerBasis::Volume(f) => PerBasisAny::Direct(f.num(), f.per()),
        }
    }
}

impl Line {
    /// The largest number of decimal places among the line's results.
    pub fn max_scale(&self) -> u32 {
        // A value's scale bounds its normalised scale: normalise only when it is large.
        let scale = |v: &Decimal| {
            if v.scale() > 12 {
                v.normalize().scale()
            } else {
                v.scale()
            }
        };
        let mut m = scale(&self.co2e_kg);
        for v in self
            .gas_kg
            .iter()
            .chain(self.gas_co2e_kg.iter())
            .chain(self.energy_j.iter())
            .chain(self.tce_kgce.iter())
        {
            m = m.max(scale(v));
        }
        m
    }
}

impl ChainBody {
    /// Whether the chain's lines count energy: a scope 3 line (the well-to-tank or the T&D
    /// loss of an energy row) adds emissions only; its energy is the scope 1 or 2 row's.
    pub fn counts_energy(&self) -> bool {
        self.scope != crate::activity::Scope::Scope3
    }

    /// Every factor the chain uses, in calculation order, without collecting them.
    pub fn each_used_factor(&self) -> impl Iterator<Item = &UsedFactor> {
        let energy = match &self.energy {
            EnergyConv::FromMass(_, u) | EnergyConv::FromVolume(_, u) => Some(u),
            _ => None,
        };
        let gases = self.gases.iter().flat_map(|g| {
            let (first, second) = match g {
                GasStep::Gas {
                    factor, gwp_used, ..
                } => (factor.as_ref().map(|(_, u)| u), Some(gwp_used)),
                GasStep::Co2e { used, .. } => (Some(used), None),
            };
            first.into_iter().chain(second)
        });
        energy
            .into_iter()
            .chain(gases)
            .chain(self.tce.as_ref().map(|(_, u)| u))
    }

    /// Every factor the chain uses, in calculation order.
    pub fn used_factors(&self) -> Vec<&UsedFactor> {
        self.each_used_factor().collect()
    }
}

/// Maximum gas steps per chain: CO2, CH4 and N2O of each part of a blend (fossil and bio).
pub const MAX_GASES: usize = 6;

/// The result of one row: per-gas masses and CO2e, energy and standard coal, after the
/// consolidation share. Values in base units (kg, kg CO2e, J, kgce).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Line {
    /// Energy content, if the activity is an energy carrier.
    pub energy_j: Option<Decimal>,
    /// Standard-coal equivalent.
    pub tce_kgce: Option<Decimal>,
    /// Mass of each gas (kg), in the chain's gas order; for CO2e steps, the CO2e.
    pub gas_kg: [Decimal; MAX_GASES],
    /// CO2e of each gas (kg).
    pub gas_co2e_kg: [Decimal; MAX_GASES],
    /// Total CO2e (kg).
    pub co2e_kg: Decimal,
    /// False when a division on the emissions path did not terminate and was rounded.
    pub exact: bool,
    /// False when the energy content was rounded.
    pub exact_energy: bool,
    /// False when the standard-coal value was rounded.
    pub exact_tce: bool,
}

/// Calculates one row: a pure function of the row's quantity (in the chain's unit) and its
/// resolved chain, through the chain's folded plan when it has one.
pub fn calculate(quantity: Decimal, chain: &ChainBody) -> Result<Line, LineError> {
    calculate_terms(quantity, chain, Terms::All)
}

/// Which results of a folded plan to calculate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// Every result.
    All,
    /// Only results whose ratio terminates (no division): these can be summed as quantities.
    Linear,
    /// Only results whose ratio needs a division.
    NonLinear,
}

impl Terms {
    fn wants(self, f: &Folded) -> bool {
        match self {
            Terms::All => true,
            Terms::Linear => f.per == Decimal::ONE,
            Terms::NonLinear => f.per != Decimal::ONE,
        }
    }
}

/// Calculates the selected results of one row (the others are left at zero).
pub fn calculate_terms(
    quantity: Decimal,
    chain: &ChainBody,
    terms: Terms,
) -> Result<Line, LineError> {
    let Some(plan) = &chain.plan else {
        let base = crate::decimal::mul(quantity, chain.activity_unit.scale)?;
        return calculate_stepwise(
            AnyQty {
                kind: chain.activity_kind,
                base,
            },
            chain,
        );
    };
    let mut line = Line {
        exact: true,
        exact_energy: true,
        exact_tce: true,
        ..Line::default()
    };
    if let Some(f) = plan.energy.filter(|f| terms.wants(f)) {
        let (v, e) = f.apply(quantity)?;
        line.energy_j = Some(v);
        line.exact_energy = e;
    }
    let mut total = Decimal::ZERO;
    for i in 0..MAX_GASES {
        if let Some(m) = plan.gas_mass[i].filter(|f| terms.wants(f)) {
            let (mv, me) = m.apply(quantity)?;
            line.gas_kg[i] = mv;
            line.exact &= me;
        }
        if let Some(c) = plan.gas_co2e[i].filter(|f| terms.wants(f)) {
            let (cv, ce) = c.apply(quantity)?;
            line.gas_co2e_kg[i] = cv;
            line.exact &= ce;
            if !chain.gases.get(i).is_some_and(GasStep::is_biogenic) {
                total = crate::decimal::add(total, cv)?;
            }
        }
    }
    line.co2e_kg = total;
    if let Some(f) = plan.tce.filter(|f| terms.wants(f)) {
        let (v, e) = f.apply(quantity)?;
        line.tce_kgce = Some(v);
        line.exact_tce = e;
    }
    Ok(line)
}

/// Calculates one row step by step (activity → energy → gas → CO2e → share): the reference
/// implementation, also used when a chain cannot be folded.
///
/// The consolidation share is applied last, to each result, so that a line's trace reads
/// activity → energy → gas → CO2e → share.
pub fn calculate_stepwise(activity: AnyQty, chain: &ChainBody) -> Result<Line, LineError> {
    let (energy, exact_energy): (Option<Qty<Energy>>, bool) = match &chain.energy {
        EnergyConv::Direct => (
            Some(activity.typed::<Energy>().map_err(LineError::Dimension)?),
            true,
        ),
        EnergyConv::FromMass(f, _) => {
            let a = activity
                .typed::<Mass>()
                .map_err(LineError::Dimension)?
                .apply(*f)?;
            (Some(a.qty), a.exact)
        }
        EnergyConv::FromVolume(f, _) => {
            let a = activity
                .typed::<Volume>()
                .map_err(LineError::Dimension)?
                .apply(*f)?;
            (Some(a.qty), a.exact)
        }
        EnergyConv::None => (None, true),
    };
    // Emissions per energy inherit the energy's rounding.
    let mut exact = exact_energy;
    let mut line = Line::default();
    let share = chain.share;
    let mut total = Qty::<Co2e>::ZERO;
    for (i, step) in chain.gases.iter().enumerate().take(MAX_GASES) {
        let (mass, co2e) = match step {
            GasStep::Gas { factor, gwp, .. } => {
                let mass = match factor {
                    Some((f, _)) => {
                        let a = f.apply(activity, energy)?;
                        exact &= a.exact;
                        a.qty
                    }
                    None => activity.typed::<GasMass>().map_err(LineError::Dimension)?,
                };
                let c = mass.apply(*gwp)?;
                exact &= c.exact;
                (mass.base(), c.qty)
            }
            GasStep::Co2e { factor, .. } => {
                let a = factor.apply(activity, energy)?;
                exact &= a.exact;
                (a.qty.base(), a.qty)
            }
        };
        let co2e = co2e.scale_by(share)?;
        line.gas_kg[i] = crate::decimal::mul(mass, share)?;
        line.gas_co2e_kg[i] = co2e.base();
        if !step.is_biogenic() {
            total = total.checked_add(co2e)?;
        }
    }
    line.co2e_kg = total.base();
    line.energy_j = match energy {
        Some(e) if chain.counts_energy() => Some(e.scale_by(share)?.base()),
        _ => None,
    };
    let mut exact_tce = exact_energy;
    line.tce_kgce = match &chain.tce {
        Some((f, _)) => {
            let a = f.apply(activity, energy)?;
            exact_tce &= a.exact;
            Some(a.qty.scale_by(share)?.base())
        }
        None => None,
    };
    line.exact = exact;
    line.exact_energy = exact_energy;
    line.exact_tce = exact_tce;
    Ok(line)
}

/// Running sums of the lines of one chain. Merging two accumulators is exact addition, so
/// the order and grouping of rows never changes a total.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Accum {
    /// Rows summed.
    pub rows: u64,
    /// Energy (J), after the share.
    pub energy_j: Decimal,
    /// Standard coal (kgce), after the share.
    pub tce_kgce: Decimal,
    /// Per-gas mass (kg), after the share.
    pub gas_kg: [Decimal; MAX_GASES],
    /// Per-gas CO2e (kg), after the share.
    pub gas_co2e_kg: [Decimal; MAX_GASES],
    /// CO2e (kg), after the share.
    pub co2e_kg: Decimal,
    /// Summed row quantities of a linear chain, not yet multiplied out (see `Plan::linear_scale`);
    /// `settle` turns them into the totals above.
    pub pending_quantity: Decimal,
    /// Lines whose emissions were rounded by a non-terminating division.
    pub inexact_rows: u64,
    /// Lines whose energy was rounded.
    pub inexact_energy_rows: u64,
    /// Lines whose standard-coal value was rounded.
    pub inexact_tce_rows: u64,
    /// Months of the year covered by rows for the whole year, for a quarter, for a month and
    /// by a range of days (a bill's own period: every month it touches; bit m−1 for month m):
    /// rows of different lengths that cover the same month are the usual sign of one
    /// consumption entered twice (an annual total beside its monthly bills, a half-year bill
    /// beside the fourth quarter).
    pub covered: [u16; COVER_KINDS],
    /// The days covered by rows given as a range of days, once and more than once: two bills
    /// of one meter that cover the same day are the other sign of a double count.
    pub days: Days,
    /// Where the chain's first row starts in its file (a byte offset), so that its lines can
    /// be listed without reading the rows before it (`audit::changed_lines`); `None` for sums
    /// not made from rows.
    pub first_byte: Option<u64>,
}

/// Days of one reporting year covered by ranges-of-days rows: a bit per day, at the day's
/// number modulo 384 (a reporting year is at most 366 consecutive days, so no two of its days
/// share a bit). `twice` holds the days covered by two rows or more. Merging is associative
/// and commutative, so the chains' masks can be summed in any order, like their totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCover {
    /// Days covered by at least one row.
    pub once: [u64; DAY_WORDS],
    /// Days covered by at least two rows.
    pub twice: [u64; DAY_WORDS],
}

/// A chain's day masks (`DayCover`), held apart and only once some row of the chain is given
/// as a range of days: nearly no chain has one, and the 96 bytes of the masks in each of
/// 800,000 chains' sums were a fifth of them, written and read by every command.
#[derive(Debug, Clone, Default)]
pub struct Days(Option<Box<DayCover>>);

/// Equal when they cover the same days (masks made and left empty equal none).
impl PartialEq for Days {
    fn eq(&self, other: &Days) -> bool {
        self.cover() == other.cover()
    }
}

impl Eq for Days {}

impl Days {
    /// The masks (empty when none).
    pub fn cover(&self) -> DayCover {
        self.0.as_deref().copied().unwrap_or_default()
    }
    /// Marks the days `first..=last` (see `DayCover::mark`).
    pub fn mark(&mut self, first: crate::activity::Day, last: crate::activity::Day) {
        self.0
            .get_or_insert_with(Default::default)
            .mark(first, last);
    }
    /// Merges another chain part's masks (see `DayCover::merge`).
    pub fn merge(&mut self, other: &Days) {
        if let Some(o) = other.0.as_deref() {
            self.0.get_or_insert_with(Default::default).merge(o);
        }
    }
    /// The masks given whole (`None`: no day at all).
    pub fn of(cover: DayCover) -> Days {
        Days((cover != DayCover::default()).then(|| Box::new(cover)))
    }
}

/// Words of a [`DayCover`] mask: 6 × 64 = 384 bits.
pub const DAY_WORDS: usize = 6;

impl DayCover {
    /// The mask of the days `first..=last` (at most 366 of them; longer runs set every bit).
    pub fn range(first: crate::activity::Day, last: crate::activity::Day) -> [u64; DAY_WORDS] {
        const BITS: i64 = 64 * DAY_WORDS as i64;
        let mut mask = [0u64; DAY_WORDS];
        let len = i64::from(last.0) - i64::from(first.0) + 1;
        if len <= 0 {
            return mask;
        }
        if len >= BITS {
            return [u64::MAX; DAY_WORDS];
        }
        let mut bit = i64::from(first.0).rem_euclid(BITS);
        let mut left = len;
        while left > 0 {
            let word = (bit / 64) as usize;
            let offset = bit % 64;
            let take = left.min(64 - offset);
            let run = if take == 64 {
                u64::MAX
            } else {
                ((1u64 << take) - 1) << offset
            };
            mask[word] |= run;
            left -= take;
            bit = (bit + take) % BITS;
        }
        mask
    }

    /// Records one row's days.
    pub fn mark(&mut self, first: crate::activity::Day, last: crate::activity::Day) {
        self.add_mask(Self::range(first, last));
    }

    fn add_mask(&mut self, mask: [u64; DAY_WORDS]) {
        for ((once, twice), m) in self.once.iter_mut().zip(&mut self.twice).zip(mask) {
            *twice |= *once & m;
            *once |= m;
        }
    }

    /// Merges another cover of the same year: a day in both is covered twice.
    pub fn merge(&mut self, other: &DayCover) {
        for i in 0..DAY_WORDS {
            self.twice[i] |= other.twice[i] | (self.once[i] & other.once[i]);
            self.once[i] |= other.once[i];
        }
    }

    /// Whether some day is covered twice.
    pub fn any_twice(&self) -> bool {
        self.twice.iter().any(|w| *w != 0)
    }
}

/// The kinds of period the overlap check compares: year, quarter, month, range of days.
pub const COVER_KINDS: usize = 4;

/// The kind (index into `Accum::covered`) and months of a year, quarter or month, as a mask
/// (bit m−1 for month m); `None` for a range of days, which also marks its days.
pub fn period_months(period: crate::activity::Period) -> Option<(usize, u16)> {
    use crate::activity::Period;
    match period {
        Period::Year(_) => Some((0, 0x0FFF)),
        Period::Quarter(_, q) => Some((1, 0b111 << (3 * (u16::from(q) - 1)))),
        Period::Month(_, m) => Some((2, 1 << (u16::from(m) - 1))),
        Period::Days(..) => None,
    }
}

/// The months a run of days touches, as a mask (bit m−1 for month m).
pub fn months_touched(first: crate::activity::Day, last: crate::activity::Day) -> u16 {
    let (mut y, mut m, _) = first.ymd();
    let (ly, lm, _) = last.ymd();
    let mut mask = 0u16;
    // A part of one reporting year touches at most 13 calendar months.
    for _ in 0..13 {
        if (y, m) > (ly, lm) {
            break;
        }
        mask |= 1 << (u16::from(m) - 1);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    mask
}

impl Accum {
    /// Records the months `period` covers.
    pub fn cover(&mut self, period: crate::activity::Period) {
        let (i, mask) = match (period_months(period), period) {
            (Some(m), _) => m,
            (None, crate::activity::Period::Days(a, b)) => {
                self.days.mark(a, b);
                (3, months_touched(a, b))
            }
            (None, _) => return,
        };
        self.covered[i] |= mask;
    }

    /// Records the months of the days `first..=last`, a part of a row of `period` split at a
    /// year end or a boundary date, under the kind of the whole row.
    pub fn cover_part(
        &mut self,
        period: crate::activity::Period,
        first: crate::activity::Day,
        last: crate::activity::Day,
    ) {
        use crate::activity::Period;
        let i = match period {
            Period::Year(_) => 0,
            Period::Quarter(..) => 1,
            Period::Month(..) => 2,
            Period::Days(..) => {
                self.days.mark(first, last);
                3
            }
        };
        self.covered[i] |= months_touched(first, last);
    }

    /// Adds one line (a row); on error nothing is changed.
    pub fn add_line(&mut self, line: &Line) -> Result<(), CalcError> {
        self.add_values(line)?;
        self.rows += 1;
        Ok(())
    }

    /// Adds a line's values and precision flags without counting a row (partial lines of a
    /// row already counted, or a settled pending sum); on error nothing is changed.
    pub fn add_values(&mut self, line: &Line) -> Result<(), CalcError> {
        use crate::decimal::add;
        let mut gas_kg = self.gas_kg;
        let mut gas_co2e_kg = self.gas_co2e_kg;
        for i in 0..MAX_GASES {
            gas_kg[i] = add(gas_kg[i], line.gas_kg[i])?;
            gas_co2e_kg[i] = add(gas_co2e_kg[i], line.gas_co2e_kg[i])?;
        }
        let energy_j = match line.energy_j {
            Some(e) => add(self.energy_j, e)?,
            None => self.energy_j,
        };
        let tce_kgce = match line.tce_kgce {
            Some(t) => add(self.tce_kgce, t)?,
            None => self.tce_kgce,
        };
        let co2e_kg = add(self.co2e_kg, line.co2e_kg)?;
        self.gas_kg = gas_kg;
        self.gas_co2e_kg = gas_co2e_kg;
        self.energy_j = energy_j;
        self.tce_kgce = tce_kgce;
        self.co2e_kg = co2e_kg;
        self.inexact_rows += u64::from(!line.exact);
        self.inexact_energy_rows += u64::from(!line.exact_energy);
        self.inexact_tce_rows += u64::from(!line.exact_tce);
        Ok(())
    }

    /// Multiplies a linear chain's pending quantity out into the totals (once, after all rows).
    pub fn settle(&mut self, chain: &ChainBody) -> Result<(), LineError> {
        if self.pending_quantity.is_zero() {
            return Ok(());
        }
        let line = calculate_terms(self.pending_quantity, chain, Terms::Linear)?;
        self.add_values(&line)?;
        self.pending_quantity = Decimal::ZERO;
        Ok(())
    }

    /// Merges another accumulator of the same chain (associative and commutative).
    pub fn merge(&mut self, other: &Accum) -> Result<(), CalcError> {
        use crate::decimal::add;
        self.pending_quantity = add(self.pending_quantity, other.pending_quantity)?;
        self.rows += other.rows;
        self.energy_j = add(self.energy_j, other.energy_j)?;
        self.tce_kgce = add(self.tce_kgce, other.tce_kgce)?;
        for i in 0..MAX_GASES {
            self.gas_kg[i] = add(self.gas_kg[i], other.gas_kg[i])?;
            self.gas_co2e_kg[i] = add(self.gas_co2e_kg[i], other.gas_co2e_kg[i])?;
        }
        self.co2e_kg = add(self.co2e_kg, other.co2e_kg)?;
        self.inexact_rows += other.inexact_rows;
        self.inexact_energy_rows += other.inexact_energy_rows;
        self.inexact_tce_rows += other.inexact_tce_rows;
        for (a, b) in self.covered.iter_mut().zip(other.covered) {
            *a |= b;
        }
        self.days.merge(&other.days);
        self.first_byte = match (self.first_byte, other.first_byte) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(())
    }
}

#[cfg(test)]
mod day_cover_tests {
    use super::DayCover;
    use crate::activity::Day;

    /// The days a mask holds, by brute force over the 384 bits.
    fn bits(mask: [u64; super::DAY_WORDS]) -> Vec<usize> {
        (0..384)
            .filter(|b| mask[b / 64] & (1u64 << (b % 64)) != 0)
            .collect()
    }

    #[test]
    fn a_range_sets_one_bit_per_day_across_words_and_the_wrap() {
        // Day 380 to day 390: bits 380..=383 then 0..=6 (390 mod 384 = 6).
        let m = DayCover::range(Day(380), Day(390));
        let want: Vec<usize> = (0..=6).chain(380..=383).collect();
        assert_eq!(bits(m), want);
        // 60..=70 crosses the first word boundary: 11 bits.
        assert_eq!(
            bits(DayCover::range(Day(60), Day(70))),
            (60..=70).collect::<Vec<_>>()
        );
        // A whole leap year: 366 distinct bits; negative day numbers wrap the same way.
        assert_eq!(bits(DayCover::range(Day(-400), Day(-35))).len(), 366);
        assert!(bits(DayCover::range(Day(5), Day(4))).is_empty());
    }

    #[test]
    fn merging_in_any_grouping_finds_the_same_days_twice() {
        let rows = [(0, 30), (31, 58), (19, 49), (100, 100)];
        let one = |r: (i32, i32)| {
            let mut c = DayCover::default();
            c.mark(Day(r.0), Day(r.1));
            c
        };
        let mut left = one(rows[0]);
        for r in &rows[1..] {
            left.merge(&one(*r));
        }
        let mut a = one(rows[0]);
        a.merge(&one(rows[1]));
        let mut b = one(rows[2]);
        b.merge(&one(rows[3]));
        b.merge(&a);
        assert_eq!(left, b);
        // Days 19..=49 are covered twice (by the third row over the first two), nothing else.
        assert_eq!(bits(left.twice), (19..=49).collect::<Vec<_>>());
    }
}
