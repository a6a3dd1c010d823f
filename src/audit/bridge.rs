//! The year-on-year bridge: how the change in total emissions (`ghg.total.location`) and in
//! emissions per energy (`intensity.ghg_per_energy`) between two years splits into activity,
//! energy-mix, source-intensity, non-energy and factor-edition effects, with no residual.
//!
//! Method (docs/methodology.md, "Year-on-year bridge"):
//!
//! 1. **Factor editions** — the current year's activity under the current year's editions
//!    minus the same activity under the previous year's editions (the counterfactual is
//!    re-priced like a `diff`).
//! 2. The rest — the change at the previous year's editions — by the Shapley value, which for
//!    a sum of products is Sun's (1998) complete decomposition ("Changes in energy
//!    consumption and energy intensity: a complete decomposition model", Energy Economics
//!    20(1), 85–100; Ang, Liu & Chew 2003, Energy Policy 31(14), 1561–1566, show the
//!    equivalence). With sources i = facility × carrier, total energy A, shares Sᵢ = eᵢ/A and
//!    intensities Iᵢ = cᵢ/eᵢ: emissions C = Σ A·Sᵢ·Iᵢ + N (three factors per term: weights
//!    1/3 and 1/6) and intensity C/A = Σ Sᵢ·Iᵢ + N/A (two factors: weight 1/2); N is
//!    emissions with no energy (refrigerant releases). A source present in one year only
//!    takes the other year's intensity (its appearance is an energy-mix effect).
//!
//! Every term is an exact rational, so the effects add up to the change with no residual.
//! Presented as decimals, they are rounded to 16 places by the largest-remainder method so
//! that they add up exactly to the difference of the two published figures (see `apportion`).

use super::rational::{apportion, Ratio};
use super::reprice::{reprice_or_recompute, Method};
use crate::activity::{Carrier, Subject};
use crate::calc::{Computation, RunOptions};
use crate::decimal::{self, CalcError, FIGURE_DP};
use crate::diag::Diagnostic;
use crate::ledger::Ledger;
use crate::project::Project;
use crate::report::{Cell, Table};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Decimal places of a presented effect.
pub const EFFECT_DP: u32 = FIGURE_DP;

/// The effects, in report order: (id, label).
pub const EFFECTS: [(&str, &str); 5] = [
    ("activity", "activity (energy consumed)"),
    ("energy_mix", "energy mix (facility × carrier shares)"),
    ("source_intensity", "source intensity at constant editions"),
    ("non_energy", "non-energy emissions (refrigerants)"),
    ("factor_editions", "factor editions"),
];

/// One effect of a split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    /// Stable id (`activity`, `energy_mix`, `source_intensity`, `non_energy`, `factor_editions`).
    pub id: &'static str,
    /// Its exact value.
    pub exact: Ratio,
    /// Presented: rounded to `EFFECT_DP` places so that the effects add up to `Split::total`.
    pub value: Decimal,
}

/// A change between two years split into effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The figure whose change is split (`ghg.total.location`, `intensity.ghg_per_energy`, or
    /// `change.intensity.ghg_per_energy` for the split in percentage points).
    pub figure: String,
    /// Unit of the effects.
    pub unit: &'static str,
    /// The change: the difference of the two years' figures (or the change figure itself).
    pub total: Decimal,
    /// The sum of the exact effects (for the percentage-point split, of the presented
    /// intensity effects ÷ the previous year's intensity × 100).
    pub exact_total: Ratio,
    /// The effects, in `EFFECTS` order; their values add up to `total` exactly.
    pub effects: Vec<Effect>,
}

impl Split {
    /// The presented value of an effect.
    pub fn value(&self, id: &str) -> Option<Decimal> {
        self.effects.iter().find(|e| e.id == id).map(|e| e.value)
    }
}

/// The bridge between two consecutive reporting years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bridge {
    /// The previous year.
    pub from: i32,
    /// The year explained.
    pub to: i32,
    /// Sets whose edition differs between the two years: (set, previous, current).
    pub editions: Vec<(String, String, String)>,
    /// Total emissions (t CO2e).
    pub emissions: Split,
    /// Emissions per energy (t CO2e/MWh).
    pub intensity: Split,
    /// The year-on-year change of intensity (%), in percentage points.
    pub intensity_pp: Split,
    /// How the counterfactual (current activity, previous editions) was computed.
    pub method: Method,
    /// Every register figure's change, split into activity, implied factor and factor
    /// editions (`register_splits`).
    pub registers: Vec<super::register_bridge::RegisterSplit>,
    /// Why `registers` is empty although the project has register figures, if it is.
    pub register_note: Option<String>,
}

/// Why a bridge cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// The year has no previous reporting year, or a year has no energy or emissions.
    #[error("{0}")]
    Undefined(String),
    /// The counterfactual could not be computed.
    #[error("the counterfactual (current activity, previous editions) cannot be computed: {} problem(s)", .0.len())]
    Data(Vec<Diagnostic>),
    /// A value could not be held exactly.
    #[error(transparent)]
    Calc(#[from] CalcError),
}

/// Energy (MWh) and emissions (t CO2e) per source, and non-energy emissions, for one year.
#[derive(Default)]
struct Year {
    sources: BTreeMap<(usize, String), (Ratio, Ratio)>,
    non_energy: Ratio,
    energy: Ratio,
    emissions: Ratio,
}

/// A year's sources: each facility × carrier of the chains, plus energy that registers add to
/// the energy total with no location-based emissions (on-site solar, one source per carrier).
fn year_of(comp: &Computation, ledger: &Ledger, year: i32) -> Year {
    let mut y = chain_year(comp, year);
    for (name, yr) in ledger.totals.keys() {
        let Some(carrier) = name.strip_prefix("energy.by_carrier.") else {
            continue;
        };
        if *yr != year || Carrier::parse(carrier).is_some() {
            continue;
        }
        if let Some(t) = ledger.totals.get(name, year) {
            let mwh = Ratio::from_decimal(t.value);
            y.energy = y.energy.add(&mwh);
            let s = y
                .sources
                .entry((usize::MAX, carrier.to_string()))
                .or_default();
            s.0 = s.0.add(&mwh);
        }
    }
    y
}

fn chain_year(comp: &Computation, year: i32) -> Year {
    let kg_per_t = Ratio::from_int(1000);
    let j_per_mwh = Ratio::from_int(3_600_000_000);
    let mut y = Year::default();
    for (c, a) in comp.chains.iter().zip(&comp.accums) {
        // The bridge explains scope 1 + 2 (`ghg.total.location`): scope 3 lines are outside.
        if c.year != year || !c.counts_energy() {
            continue;
        }
        let t = Ratio::from_decimal(a.co2e_kg)
            .div(&kg_per_t)
            .unwrap_or_default();
        y.emissions = y.emissions.add(&t);
        match c.subject {
            Subject::Carrier(k) => {
                let mwh = Ratio::from_decimal(a.energy_j)
                    .div(&j_per_mwh)
                    .unwrap_or_default();
                y.energy = y.energy.add(&mwh);
                let s = y
                    .sources
                    .entry((c.facility, k.name().to_string()))
                    .or_default();
                s.0 = s.0.add(&mwh);
                s.1 = s.1.add(&t);
            }
            Subject::Gas(_) => y.non_energy = y.non_energy.add(&t),
        }
    }
    y
}

fn third() -> Ratio {
    Ratio::from_int(1)
        .div(&Ratio::from_int(3))
        .unwrap_or_default()
}
fn sixth() -> Ratio {
    Ratio::from_int(1)
        .div(&Ratio::from_int(6))
        .unwrap_or_default()
}
fn half() -> Ratio {
    Ratio::from_int(1)
        .div(&Ratio::from_int(2))
        .unwrap_or_default()
}

/// The Shapley effect of the first factor of `x·y·z` going from `(x0, y0, z0)` to
/// `(x1, y1, z1)`: `Δx · [(y0z0 + y1z1)/3 + (y0z1 + y1z0)/6]`.
///
/// ```
/// use carbonledger::audit::{shapley3, Ratio};
/// let r = |i| Ratio::from_int(i);
/// // 1·1·1 → 2·3·4: the three effects add up to 24 − 1 = 23.
/// let (x, y, z) = ((r(1), r(2)), (r(1), r(3)), (r(1), r(4)));
/// let ex = shapley3(&x, &y, &z);
/// let ey = shapley3(&y, &x, &z);
/// let ez = shapley3(&z, &x, &y);
/// assert_eq!(ex.add(&ey).add(&ez), r(23));
/// ```
pub fn shapley3(x: &(Ratio, Ratio), y: &(Ratio, Ratio), z: &(Ratio, Ratio)) -> Ratio {
    let dx = x.1.sub(&x.0);
    let same = y.0.mul(&z.0).add(&y.1.mul(&z.1)).mul(&third());
    let cross = y.0.mul(&z.1).add(&y.1.mul(&z.0)).mul(&sixth());
    dx.mul(&same.add(&cross))
}

/// The Shapley effect of the first factor of `x·y`: `Δx · (y0 + y1)/2`.
pub fn shapley2(x: &(Ratio, Ratio), y: &(Ratio, Ratio)) -> Ratio {
    x.1.sub(&x.0).mul(&y.0.add(&y.1).mul(&half()))
}

/// The exact effects of the change from `y0` to `y1` at constant editions, for emissions
/// and for intensity: (activity, energy mix, source intensity, non-energy).
fn constant_edition_effects(y0: &Year, y1: &Year) -> Option<([Ratio; 4], [Ratio; 4])> {
    let a = (y0.energy.clone(), y1.energy.clone());
    let mut keys: Vec<&(usize, String)> = y0.sources.keys().collect();
    for k in y1.sources.keys() {
        if !y0.sources.contains_key(k) {
            keys.push(k);
        }
    }
    let zero = (Ratio::zero(), Ratio::zero());
    let mut em = [Ratio::zero(), Ratio::zero(), Ratio::zero(), Ratio::zero()];
    let mut it = em.clone();
    for k in keys {
        let (e0, c0) = y0.sources.get(k).unwrap_or(&zero);
        let (e1, c1) = y1.sources.get(k).unwrap_or(&zero);
        let s = (e0.div(&a.0)?, e1.div(&a.1)?);
        let i = match (e0.is_zero(), e1.is_zero()) {
            (false, false) => (c0.div(e0)?, c1.div(e1)?),
            (true, false) => (c1.div(e1)?, c1.div(e1)?),
            (false, true) => (c0.div(e0)?, c0.div(e0)?),
            (true, true) => continue,
        };
        em[0] = em[0].add(&shapley3(&a, &s, &i));
        em[1] = em[1].add(&shapley3(&s, &a, &i));
        em[2] = em[2].add(&shapley3(&i, &a, &s));
        it[1] = it[1].add(&shapley2(&s, &i));
        it[2] = it[2].add(&shapley2(&i, &s));
    }
    em[3] = y1.non_energy.sub(&y0.non_energy);
    it[3] = y1.non_energy.div(&a.1)?.sub(&y0.non_energy.div(&a.0)?);
    Some((em, it))
}

fn split(
    figure: &str,
    unit: &'static str,
    total: Decimal,
    exact: [Ratio; 5],
) -> Result<Split, BridgeError> {
    split_with(
        figure,
        unit,
        total,
        EFFECTS.iter().map(|e| e.0).zip(exact).collect(),
    )
}

/// A split of `total` into the exact `effects` (id, value), presented to `EFFECT_DP` places so
/// that they add up to `total` exactly.
pub(super) fn split_with(
    figure: &str,
    unit: &'static str,
    total: Decimal,
    effects: Vec<(&'static str, Ratio)>,
) -> Result<Split, BridgeError> {
    let exact: Vec<Ratio> = effects.iter().map(|e| e.1.clone()).collect();
    let exact_total = exact.iter().fold(Ratio::zero(), |s, e| s.add(e));
    let values = apportion(&exact, total, EFFECT_DP).ok_or_else(|| {
        BridgeError::Undefined(format!("the {figure} effects do not fit a decimal"))
    })?;
    Ok(Split {
        figure: figure.to_string(),
        unit,
        total,
        exact_total,
        effects: effects
            .into_iter()
            .zip(values)
            .map(|((id, exact), value)| Effect { id, exact, value })
            .collect(),
    })
}

/// The edition of each set a year uses: the manifest's choice, and for sets it does not
/// choose, the edition its chains resolved to (chains with an explicit factor are left out:
/// a pinned edition is the row's choice, not the year's).
fn editions_of_year(project: &Project, comp: &Computation, year: i32) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = project
        .manifest
        .years
        .get(&year)
        .map(|s| s.editions.clone())
        .unwrap_or_default();
    for c in comp
        .chains
        .iter()
        .filter(|c| c.year == year && c.explicit.is_none() && c.counts_energy())
    {
        for u in c.used_factors() {
            if let Some((set, ed)) = u.edition.split_once('@') {
                m.entry(set.to_string()).or_insert_with(|| ed.to_string());
            }
        }
    }
    m
}

/// The project with `to`'s edition choices replaced by `from`'s, and the sets whose edition
/// differs: (set, edition in `from`, edition in `to`).
pub fn previous_editions(
    project: &Project,
    comp: &Computation,
    from: i32,
    to: i32,
) -> (Project, Vec<(String, String, String)>) {
    let (s0, s1) = (
        editions_of_year(project, comp, from),
        editions_of_year(project, comp, to),
    );
    let mut changed = Vec::new();
    for (set, e0) in &s0 {
        if let Some(e1) = s1.get(set) {
            if e1 != e0 {
                changed.push((set.clone(), e0.clone(), e1.clone()));
            }
        }
    }
    let mut p = project.clone();
    let entry = p.manifest.years.entry(to).or_default();
    for (set, e0) in s0 {
        entry.editions.insert(set, e0);
    }
    (p, changed)
}

fn fig(l: &Ledger, name: &str, year: i32) -> Result<Decimal, BridgeError> {
    l.figure(name, year)?
        .map(|f| f.value)
        .ok_or_else(|| BridgeError::Undefined(format!("{name} has no value for {year}")))
}

/// Splits the change from `year − 1` to `year` (see the module documentation).
pub fn bridge(
    project: &Project,
    ledger: &Ledger,
    year: i32,
    options: RunOptions,
) -> Result<Bridge, BridgeError> {
    bridge_with(project, ledger, year, options)
}

/// A set whose edition differs between two years: (set, earlier edition, later edition).
pub type EditionChange = (String, String, String);

/// The factor-edition effect alone, cheaply: the change in intensity from `year − 1` to `year`
/// in percentage points, and the part of it that is the factor editions (this year's activity
/// under this year's editions minus under last year's, ÷ last year's intensity × 100) — the
/// same edition effect as `bridge`, without the Shapley split of the rest. Only when the
/// counterfactual re-prices from the chain totals (no row is read again); `None` otherwise or
/// when no set changed edition. Returns (sets changed, total pp, editions pp).
pub fn edition_effect(
    project: &Project,
    ledger: &Ledger,
    year: i32,
    strict: bool,
) -> Option<(Vec<EditionChange>, Decimal, Decimal)> {
    let from = year - 1;
    if !ledger.years.contains(&from) {
        return None;
    }
    let (cf_project, editions) = previous_editions(project, &ledger.comp, from, year);
    if editions.is_empty() {
        return None;
    }
    let (cf, _) = super::reprice::reprice(&ledger.comp, &cf_project, strict).ok()?;
    // Only the intensity is read from the counterfactual: registers that add to none of its
    // inputs (freight, products) are not run again.
    let cf_ledger =
        ledger.chain_counterfactual(&cf_project, cf, strict, &["intensity.ghg_per_energy"]);
    let i0 = ledger.figure("intensity.ghg_per_energy", from).ok()??.value;
    let i1 = ledger.figure("intensity.ghg_per_energy", year).ok()??.value;
    let i1cf = cf_ledger
        .figure("intensity.ghg_per_energy", year)
        .ok()??
        .value;
    let total = ledger
        .figure("change.intensity.ghg_per_energy", year)
        .ok()??
        .value;
    let pp = decimal::div(
        decimal::mul(decimal::sub(i1, i1cf).ok()?, Decimal::ONE_HUNDRED).ok()?,
        i0,
    )
    .ok()?;
    Some((editions, total, pp.rounded(decimal::FIGURE_DP)))
}

/// The sentence `compute` prints from `edition_effect`.
pub fn edition_sentence(
    editions: &[(String, String, String)],
    total: Decimal,
    pp: Decimal,
    rule: decimal::RoundingRule,
) -> String {
    let signed = |v: Decimal| {
        let r = rule.round(v, 2);
        if r.is_sign_negative() && !r.is_zero() {
            format!("−{} pp", -r)
        } else {
            format!("+{} pp", r.abs())
        }
    };
    let share = decimal::mul(pp, Decimal::ONE_HUNDRED)
        .ok()
        .filter(|_| !total.is_zero())
        .and_then(|x| decimal::div(x, total).ok())
        .map_or(String::new(), |q| {
            format!(" ({}% of the change)", rule.round(q.value, 1))
        });
    let rest = decimal::sub(total, pp).unwrap_or_default();
    let sets: Vec<String> = editions
        .iter()
        .map(|(s, a, c)| format!("{s} {a} → {c}"))
        .collect();
    format!(
        "Of the {}% change in emissions per energy, the factor editions ({}) account for {}{share}; the change at constant editions is {} (`carbonledger bridge` splits it).",
        signed(total).trim_end_matches(" pp"),
        sets.join(", "),
        signed(pp),
        signed(rest)
    )
}

fn bridge_with(
    project: &Project,
    ledger: &Ledger,
    year: i32,
    options: RunOptions,
) -> Result<Bridge, BridgeError> {
    let from = year - 1;
    if !ledger.years.contains(&from) || !ledger.years.contains(&year) {
        return Err(BridgeError::Undefined(format!(
            "{year} and {from} must both be reporting years"
        )));
    }
    let (cf_project, editions) = previous_editions(project, &ledger.comp, from, year);
    let (cf, method) =
        reprice_or_recompute(&ledger.comp, &cf_project, options).map_err(BridgeError::Data)?;
    if cf.rejected_rows() > ledger.comp.rejected_rows() {
        return Err(BridgeError::Data(cf.diagnostics));
    }
    let y0 = year_of(&ledger.comp, ledger, from);
    let y1 = year_of(&ledger.comp, ledger, year);
    let y1cf = year_of(&cf, ledger, year);
    for (y, d) in [(from, &y0), (year, &y1), (year, &y1cf)] {
        if d.energy.is_zero() {
            return Err(BridgeError::Undefined(format!(
                "{y} has no energy consumed: intensity and shares are undefined"
            )));
        }
    }
    let undefined = || BridgeError::Undefined("a share or intensity is undefined".into());
    let (em, it) = constant_edition_effects(&y0, &y1cf).ok_or_else(undefined)?;
    let [em_a, em_m, em_i, em_n] = em;
    let [it_a, it_m, it_i, it_n] = it;
    let ed_em = y1.emissions.sub(&y1cf.emissions);
    let i1 = y1.emissions.div(&y1.energy).ok_or_else(undefined)?;
    let i1cf = y1cf.emissions.div(&y1cf.energy).ok_or_else(undefined)?;
    let ed_it = i1.sub(&i1cf);

    let c0 = fig(ledger, "ghg.total.location", from)?;
    let c1 = fig(ledger, "ghg.total.location", year)?;
    let emissions = split(
        "ghg.total.location",
        "t CO2e",
        decimal::sub(c1, c0)?,
        [em_a, em_m, em_i, em_n, ed_em],
    )?;
    let i0f = fig(ledger, "intensity.ghg_per_energy", from)?;
    let i1f = fig(ledger, "intensity.ghg_per_energy", year)?;
    let pp = |r: &Ratio| -> Result<Ratio, BridgeError> {
        r.mul(&Ratio::from_int(100))
            .div(&Ratio::from_decimal(i0f))
            .ok_or_else(undefined)
    };
    let intensity = split(
        "intensity.ghg_per_energy",
        "t CO2e/MWh",
        decimal::sub(i1f, i0f)?,
        [it_a, it_m, it_i, it_n, ed_it],
    )?;
    // The change figure is (I1 − I0) / I0 × 100 of the published intensities, so its split
    // is the presented intensity split ÷ I0 × 100: exact sums of these add up to the change
    // figure before its rounding.
    let mut pp_exact: [Ratio; 5] = Default::default();
    for (slot, e) in pp_exact.iter_mut().zip(&intensity.effects) {
        *slot = pp(&Ratio::from_decimal(e.value))?;
    }
    let change = fig(ledger, "change.intensity.ghg_per_energy", year)?;
    let intensity_pp = split("change.intensity.ghg_per_energy", "pp", change, pp_exact)?;
    // The register figures: the same counterfactual, with the registers run on it.
    let cf_ledger = Ledger::from_computation(&cf_project, cf, options.strict);
    let lost = cf_ledger
        .rejected_rows()
        .saturating_sub(ledger.rejected_rows());
    let (registers, register_note) = if lost > 0 {
        (
            Vec::new(),
            Some(format!(
                "register figures are not split: {lost} row(s) cannot be priced under the {from} editions (`carbonledger diff` with those editions names them)"
            )),
        )
    } else {
        (
            super::register_bridge::register_splits(ledger, &cf_ledger, from, year)?,
            None,
        )
    };
    Ok(Bridge {
        from,
        to: year,
        editions,
        emissions,
        intensity,
        intensity_pp,
        method,
        registers,
        register_note,
    })
}

fn editions_words(b: &Bridge) -> String {
    if b.editions.is_empty() {
        "no set changed edition".to_string()
    } else {
        b.editions
            .iter()
            .map(|(s, a, c)| format!("{s} {a} → {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The label of an effect.
pub fn label(b: &Bridge, id: &str) -> String {
    let l = EFFECTS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, l)| l);
    if id == "factor_editions" {
        format!("{l} ({})", editions_words(b))
    } else {
        l.to_string()
    }
}

impl Bridge {
    /// The bridge as a table: one row per effect and a total, with exact values.
    pub fn table(&self) -> Table {
        let mut t = Table::new(
            format!(
                "Year-on-year bridge {} → {}: Shapley (Sun 1998) complete decomposition after the factor-edition counterfactual",
                self.from, self.to
            ),
            &[
                "effect",
                "ghg.total.location t CO2e",
                "intensity t CO2e/MWh",
                "change.intensity pp",
            ],
        );
        let n = |d: Decimal| Cell::Num(d.normalize().to_string());
        for (id, _) in EFFECTS {
            t.push(vec![
                Cell::Text(label(self, id)),
                n(self.emissions.value(id).unwrap_or_default()),
                n(self.intensity.value(id).unwrap_or_default()),
                n(self.intensity_pp.value(id).unwrap_or_default()),
            ]);
        }
        t.push(vec![
            Cell::Text("total change".into()),
            n(self.emissions.total),
            n(self.intensity.total),
            n(self.intensity_pp.total),
        ]);
        t
    }

    /// The answer to "how much of the change in intensity is the new factor editions?".
    pub fn answer(&self, rule: decimal::RoundingRule) -> String {
        let total = self.intensity_pp.total;
        let ed = self
            .intensity_pp
            .value("factor_editions")
            .unwrap_or_default();
        let ops = decimal::sub(total, ed).unwrap_or_default();
        let pp = |v: Decimal| {
            let r = rule.round(v, 2);
            if r.is_sign_negative() && !r.is_zero() {
                format!("−{} pp", -r)
            } else {
                format!("+{} pp", r.abs())
            }
        };
        let share = if total.is_zero() {
            String::new()
        } else {
            decimal::div(
                decimal::mul(ed, Decimal::ONE_HUNDRED).unwrap_or_default(),
                total,
            )
            .map(|q| format!(" ({}% of the change)", rule.round(q.value, 1)))
            .unwrap_or_default()
        };
        let word = if total.is_sign_negative() {
            "fell"
        } else {
            "rose"
        };
        let v = |id| self.intensity_pp.value(id).unwrap_or_default();
        format!(
            "Emissions per energy (intensity.ghg_per_energy) {word} {}% from {} to {}. The factor editions ({}) account for {}{share}; the rest, {}, is the change at constant editions: energy mix {}, source intensity {}, non-energy emissions {}.",
            rule.round(total.abs(), 2),
            self.from,
            self.to,
            editions_words(self),
            pp(ed),
            pp(ops),
            pp(v("energy_mix")),
            pp(v("source_intensity")),
            pp(v("non_energy")),
        )
    }
}

/// One row of `bridge.csv`: (from, to, figure, effect id or `total`, value, unit).
pub type BridgeRow = (i32, i32, String, String, Decimal, &'static str);

/// The bridges of every pair of consecutive reporting years as table rows (pairs whose bridge
/// is undefined, e.g. with no energy in a year, are left out).
pub fn bridge_rows(project: &Project, ledger: &Ledger, options: RunOptions) -> Vec<BridgeRow> {
    let mut rows = Vec::new();
    for w in ledger.years.windows(2) {
        if w[1] != w[0] + 1 {
            continue;
        }
        if let Ok(b) = bridge(project, ledger, w[1], options) {
            rows.extend(b.rows());
        }
    }
    rows
}

impl Bridge {
    /// The bridge as rows of `bridge.csv`: each effect and the total of each split — the
    /// energy lines' three, then every register figure's.
    pub fn rows(&self) -> Vec<BridgeRow> {
        let mut rows = Vec::new();
        let registers = self.registers.iter().map(|r| &r.split);
        for s in [&self.emissions, &self.intensity, &self.intensity_pp]
            .into_iter()
            .chain(registers)
        {
            for e in &s.effects {
                rows.push((
                    self.from,
                    self.to,
                    s.figure.clone(),
                    e.id.to_string(),
                    e.value,
                    s.unit,
                ));
            }
            rows.push((
                self.from,
                self.to,
                s.figure.clone(),
                "total".into(),
                s.total,
                s.unit,
            ));
        }
        rows
    }

    /// The register figures' splits as a table: one row per figure, with both years' values,
    /// the change and its effects (blank where a figure is not split that way).
    pub fn register_table(&self) -> Table {
        let (from, to) = (self.from.to_string(), self.to.to_string());
        let mut header = vec!["figure", "unit", from.as_str(), to.as_str(), "change"];
        header.extend(super::register_bridge::REGISTER_EFFECTS.iter().map(|e| e.0));
        header.push("activity unit");
        let mut t = Table::new(
            format!(
                "Register figures {} → {}: activity × implied factor (Shapley) after the factor-edition counterfactual",
                self.from, self.to
            ),
            &header,
        );
        let n = |d: Decimal| Cell::Num(d.normalize().to_string());
        for r in &self.registers {
            let mut row = vec![
                Cell::Text(r.split.figure.clone()),
                Cell::Text(r.split.unit.to_string()),
                n(r.before),
                n(r.after),
                n(r.split.total),
            ];
            for (id, _) in super::register_bridge::REGISTER_EFFECTS {
                row.push(
                    r.split
                        .value(id)
                        .map_or_else(|| Cell::Text(String::new()), n),
                );
            }
            row.push(Cell::Text(r.basis.unwrap_or_default().to_string()));
            t.push(row);
        }
        t
    }
}
