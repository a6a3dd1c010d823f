//! The line table of an export: one row per contribution to one additive figure — each result
//! of every calculation line (each gas's CO2e, the energy content, the standard coal) once for
//! every figure it feeds, and every register entry's contribution (`register_lines`) — each
//! with the values that re-perform it as one product: `value = quantity × conversion ×
//! calorific_value × factor (or ÷ factor) × gwp × share`, where `conversion` is the exact unit
//! conversion between the published units. Summing the rows of a figure and year gives it.

use crate::activity::{Activity, Subject};
use crate::calc::{Chain, EnergyConv, GasStep, Line, UsedFactor};
use crate::decimal;
use crate::figures::{definition, Definition, Filter, Measure};
use crate::register::TermStep;
use crate::units::{parse_factor_unit, DimKind};
use rust_decimal::Decimal;

/// An exact ratio, printed as a decimal when it terminates and as `num/den` otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    /// Numerator.
    pub num: Decimal,
    /// Denominator.
    pub den: Decimal,
}

impl Ratio {
    /// `num / den`, reduced to a decimal when the division terminates.
    pub fn new(num: Decimal, den: Decimal) -> Ratio {
        match decimal::div(num, den) {
            Ok(q) if q.exact => Ratio {
                num: q.value.normalize(),
                den: Decimal::ONE,
            },
            _ => Ratio {
                num: num.normalize(),
                den: den.normalize(),
            },
        }
    }
    /// Multiplied by `k`.
    pub fn times(self, k: Decimal) -> Ratio {
        decimal::mul(self.num, k).map_or(self, |n| Ratio::new(n, self.den))
    }
    /// Divided by `k`.
    pub fn over(self, k: Decimal) -> Ratio {
        decimal::mul(self.den, k).map_or(self, |d| Ratio::new(self.num, d))
    }
    /// As text: `1000` or `1000000000/3600000`.
    pub fn text(&self) -> String {
        if self.den == Decimal::ONE {
            self.num.to_string()
        } else {
            format!("{}/{}", self.num, self.den)
        }
    }
}

/// What a row's value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultKind {
    /// CO2e of one gas (t CO2e), with the gas.
    Emission(String),
    /// Energy content (GJ).
    Energy,
    /// Standard coal (tce).
    Tce,
    /// A register contribution: what its figure measures (`CO2e`, `energy`, `tce`, `mass`, …).
    Register(String),
}

/// How a row's value is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The product of the row's columns.
    Product,
    /// The activity itself (a register figure that is an amount, not a calculation): value =
    /// quantity × conversion.
    Activity,
    /// The register's own calculation (a counterfactual, an allocation, a recycled-content
    /// mix): the value as computed, its steps in `entries.csv`; not a product of the columns.
    Given,
}

impl Method {
    /// As written in `lines.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Product => "product",
            Method::Activity => "activity",
            Method::Given => "given",
        }
    }
}

/// One row of `lines.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportLine {
    /// The additive figure the row feeds (empty until [`each_figure`] assigns it).
    pub figure: String,
    /// How the value is obtained.
    pub method: Method,
    /// Input file name (`energy.csv`).
    pub file: String,
    /// Input line.
    pub line: u64,
    /// Facility id.
    pub facility: String,
    /// Period as written.
    pub period: String,
    /// Reporting year.
    pub year: i32,
    /// `scope 1` / `scope 2` / `scope 3`.
    pub scope: String,
    /// `stationary`, `fugitive`, `purchased`, `mobile`, `process`; `wtt`, `td_loss`, `td_wtt`,
    /// `wtt_and_td` for category 3 lines.
    pub source: &'static str,
    /// Carrier or gas of the row.
    pub subject: String,
    /// What the value is.
    pub kind: ResultKind,
    /// Quantity as written.
    pub quantity: Decimal,
    /// Its unit.
    pub unit: String,
    /// Exact unit conversion between the published units.
    pub conversion: Ratio,
    /// Calorific value (1 when none is used).
    pub calorific: Option<UsedFactor>,
    /// The factor and whether it divides (the kgce definition) rather than multiplies.
    pub factor: Option<UsedFactor>,
    /// True for `÷ factor`.
    pub divide: bool,
    /// GWP (1 when none applies).
    pub gwp: Option<UsedFactor>,
    /// Further steps of a register line (a distance, an allocation, an efficiency, a
    /// reduction, a deduction), in order; empty for an energy or fugitive row.
    pub steps: Vec<TermStep>,
    /// Consolidation share (fraction).
    pub share: Decimal,
    /// Mass of the gas (t), for emission rows.
    pub gas_t: Option<Decimal>,
    /// The value in its unit (t CO2e, GJ, tce): the calculation's own result.
    pub value: Decimal,
    /// Unit of `value`.
    pub value_unit: &'static str,
    /// False when a non-terminating division rounded the value.
    pub exact: bool,
    /// Fallbacks of the chain.
    pub fallbacks: String,
}

fn scales(u: &UsedFactor) -> (Decimal, Decimal) {
    parse_factor_unit(&u.unit).map_or((Decimal::ONE, Decimal::ONE), |f| (f.num.scale, f.den.scale))
}

/// The rows of one calculated line, in a fixed order: each gas, then energy, then tce.
pub fn rows(
    file: &str,
    a: &Activity,
    chain: &Chain,
    line: &Line,
    facility: &str,
) -> Vec<ExportLine> {
    let base = ExportLine {
        figure: String::new(),
        method: Method::Product,
        file: file.to_string(),
        line: a.line,
        facility: facility.to_string(),
        // A part of a row split by days names the row's days and its own (quantity is the part's).
        period: match &a.split {
            Some(sp) => format!(
                "{} → {}..{} ({}/{} days{})",
                a.period,
                sp.part.0,
                sp.part.1,
                sp.part_days,
                sp.row_days,
                match sp.rounded {
                    Some(dp) if sp.remainder =>
                        format!(", of {} the remainder at {dp} places", sp.row_quantity),
                    Some(dp) => format!(", of {} rounded to {dp} places", sp.row_quantity),
                    None => format!(", of {}", sp.row_quantity),
                }
            ),
            None => a.period.to_string(),
        },
        year: chain.year,
        scope: chain.scope.to_string(),
        source: chain.kind.name(),
        subject: match &a.subject {
            Subject::Carrier(c) => c.name().to_string(),
            Subject::Gas(g) => g.clone(),
        },
        kind: ResultKind::Energy,
        quantity: a.quantity,
        unit: a.unit.symbol.to_string(),
        conversion: Ratio::new(Decimal::ONE, Decimal::ONE),
        calorific: None,
        factor: None,
        divide: false,
        gwp: None,
        steps: Vec::new(),
        share: chain.share,
        gas_t: None,
        value: Decimal::ZERO,
        value_unit: "GJ",
        exact: true,
        fallbacks: chain.fallbacks.join("; "),
    };
    // Activity → energy (J per activity unit), through the published calorific value.
    let act = Ratio::new(a.unit.scale, Decimal::ONE);
    let (energy_ratio, calorific) = match &chain.energy {
        EnergyConv::FromMass(_, u) | EnergyConv::FromVolume(_, u) => {
            let (n, d) = scales(u);
            (Some(act.over(d).times(n)), Some(u.clone()))
        }
        EnergyConv::Direct => (Some(act), None),
        EnergyConv::None => (None, None),
    };
    let thousand = Decimal::from(1000);
    // A factor per energy applies to the energy content (through the calorific value); one per
    // mass or volume applies to the quantity. Either way: conversion to the factor's
    // denominator unit, from its numerator unit to kg, and kg to t.
    let per_factor = |per_energy: bool, u: &UsedFactor| -> (Ratio, Option<UsedFactor>) {
        let (n, d) = scales(u);
        let start = if per_energy {
            energy_ratio.unwrap_or(act)
        } else {
            act
        };
        (
            start.over(d).times(n).over(thousand),
            if per_energy { calorific.clone() } else { None },
        )
    };
    let mut out = Vec::new();
    for (i, step) in chain.gases.iter().enumerate() {
        let mut r = base.clone();
        r.value_unit = "t CO2e";
        r.gas_t = decimal::div(line.gas_kg[i], thousand).ok().map(|q| q.value);
        r.value = decimal::div(line.gas_co2e_kg[i], thousand).map_or(Decimal::ZERO, |q| q.value);
        r.exact = line.exact;
        match step {
            GasStep::Gas {
                gas,
                factor,
                gwp_used,
                ..
            } => {
                r.kind = ResultKind::Emission(gas.clone());
                r.gwp = Some(gwp_used.clone());
                match factor {
                    Some((f, u)) => {
                        let per_energy = matches!(f, crate::calc::PerBasis::Energy(_));
                        (r.conversion, r.calorific) = per_factor(per_energy, u);
                        r.factor = Some(u.clone());
                    }
                    None => r.conversion = act.over(thousand),
                }
            }
            GasStep::Co2e {
                factor, used, of, ..
            } => {
                r.kind = ResultKind::Emission(step.gas().to_string());
                // The CO2e of one gas: that gas's own mass is not known.
                if of.is_some() {
                    r.gas_t = None;
                }
                let per_energy = matches!(factor, crate::calc::PerBasis::Energy(_));
                (r.conversion, r.calorific) = per_factor(per_energy, used);
                r.factor = Some(used.clone());
            }
        }
        out.push(r);
    }
    if let (Some(er), Some(e)) = (energy_ratio, line.energy_j) {
        let mut r = base.clone();
        r.conversion = er.over(Decimal::from(1_000_000_000u64));
        r.calorific = calorific.clone();
        r.value =
            decimal::div(e, Decimal::from(1_000_000_000u64)).map_or(Decimal::ZERO, |q| q.value);
        r.exact = line.exact_energy;
        out.push(r);
    }
    if let (Some((f, u)), Some(t)) = (&chain.tce, line.tce_kgce) {
        let mut r = base.clone();
        r.kind = ResultKind::Tce;
        r.value_unit = "tce";
        r.value = decimal::div(t, thousand).map_or(Decimal::ZERO, |q| q.value);
        r.exact = line.exact_tce;
        r.factor = Some(u.clone());
        let per_energy = matches!(f, crate::calc::PerBasis::Energy(_));
        (r.conversion, r.calorific) = per_factor(per_energy, u);
        if parse_factor_unit(&u.unit).is_ok_and(|fu| fu.num.kind == DimKind::Energy) {
            // The kgce definition (kJ per kgce): energy ÷ value, so its units invert.
            let (n, d) = scales(u);
            let start = if per_energy {
                energy_ratio.unwrap_or(act)
            } else {
                act
            };
            r.divide = true;
            r.conversion = start.over(n).times(d).over(thousand);
        }
        out.push(r);
    }
    out
}

impl ExportLine {
    /// The product of the row's published values, exactly where it terminates: what a
    /// spreadsheet re-performing the row computes.
    pub fn reperform(&self) -> Option<decimal::Quotient> {
        let mut num = decimal::mul(self.quantity, self.conversion.num).ok()?;
        let mut den = self.conversion.den;
        if let Some(c) = &self.calorific {
            num = decimal::mul(num, c.value).ok()?;
        }
        if let Some(f) = &self.factor {
            if self.divide {
                den = decimal::mul(den, f.value).ok()?;
            } else {
                num = decimal::mul(num, f.value).ok()?;
            }
        }
        if let Some(g) = &self.gwp {
            num = decimal::mul(num, g.value).ok()?;
        }
        for st in &self.steps {
            let (n, d) = st.fraction().ok()?;
            let (n, d) = if st.divide { (d, n) } else { (n, d) };
            num = decimal::mul(num, n).ok()?;
            den = decimal::mul(den, d).ok()?;
        }
        num = decimal::mul(num, self.share).ok()?;
        decimal::div(num, den).ok()
    }

    /// The row's value from its columns, by the rule every register line follows: the
    /// product, exact where it terminates, else rounded once to 9 places of the base unit of
    /// `value_unit` (kg, J, kgce: 12 places of t CO2e), or to 9 places of the unit itself
    /// where it is no power of ten of its base (MWh). `None` on overflow.
    pub fn evaluate(&self) -> Option<(Decimal, bool)> {
        let q = self.reperform()?;
        if q.exact {
            return Some((q.value, true));
        }
        Some((q.rounded(line_dp(self.value_unit)), false))
    }

    /// The result name: the gas, `energy` or `tce`.
    pub fn result_name(&self) -> String {
        match &self.kind {
            ResultKind::Emission(g) => g.clone(),
            ResultKind::Energy => "energy".into(),
            ResultKind::Tce => "tce".into(),
            ResultKind::Register(r) => r.clone(),
        }
    }
}

/// Places a non-terminating line value keeps in `unit`: `LINE_DP` places of the base unit
/// when the unit is a power of ten of it, else `LINE_DP` places of the unit (MWh).
pub fn line_dp(unit: &str) -> u32 {
    let scale = if unit == "1" {
        Some(Decimal::ONE)
    } else {
        unit.split_whitespace()
            .next()
            .and_then(|u| crate::units::lookup(u).ok())
            .map(|u| u.scale)
    };
    // A power of ten of the base unit prints as 1 followed by zeros.
    let digits = scale.map(|s| s.normalize().to_string()).unwrap_or_default();
    match digits.strip_prefix('1') {
        Some(zeros) if zeros.chars().all(|c| c == '0') => decimal::LINE_DP + zeros.len() as u32,
        _ => decimal::LINE_DP,
    }
}

/// The additive figures of a ledger that are sums over the chains: name, filter, measure.
pub fn chain_sums(names: &[String]) -> Vec<(String, Filter, Measure)> {
    names
        .iter()
        .filter_map(|n| match definition(n) {
            Some(Definition::Sum { filter, measure }) => Some((n.clone(), filter, measure)),
            _ => None,
        })
        .collect()
}

/// Lends a chain row to `visit` once for every additive figure it feeds (the figure's filter
/// covers the chain and its measure is the row's result), as that figure's row, in the
/// figure's unit: MWh rows divide the GJ row by 3.6 (the conversion shows it; the value is
/// exact where the division terminates). The row is the same afterwards. (A copy for each
/// figure was most of an export's allocations.)
pub fn each_figure(
    row: &mut ExportLine,
    chain: &Chain,
    sums: &[(String, Filter, Measure)],
    visit: &mut dyn FnMut(&ExportLine),
) {
    let figure = std::mem::take(&mut row.figure);
    let (conversion, value, exact, value_unit) =
        (row.conversion, row.value, row.exact, row.value_unit);
    for (name, filter, measure) in sums {
        if chain.year != row.year || !filter.covers(chain) {
            continue;
        }
        let fits = match (&row.kind, measure) {
            (ResultKind::Emission(g), Measure::Co2e) => g != crate::calc::BIOGENIC_CO2,
            (ResultKind::Energy, Measure::EnergyGj)
            | (ResultKind::Energy, Measure::EnergyMwh)
            | (ResultKind::Tce, Measure::Tce) => true,
            (ResultKind::Emission(g), Measure::GasCo2e(m)) => g.eq_ignore_ascii_case(m),
            _ => false,
        };
        if !fits {
            continue;
        }
        row.figure.clear();
        row.figure.push_str(name);
        if *measure == Measure::EnergyMwh {
            let k = Decimal::new(36, 1);
            row.conversion = conversion.over(k);
            match decimal::div(value, k) {
                Ok(q) => {
                    row.value = q.value;
                    row.exact = exact && q.exact;
                }
                Err(_) => {
                    row.value = value;
                    row.exact = false;
                }
            }
            row.value_unit = "MWh";
        } else {
            row.conversion = conversion;
            (row.value, row.exact, row.value_unit) = (value, exact, value_unit);
        }
        visit(row);
    }
    row.figure = figure;
    (row.conversion, row.value, row.exact, row.value_unit) = (conversion, value, exact, value_unit);
}

impl ExportLine {
    /// The line as trace steps, in the format `explain` prints an energy line's trace: the
    /// activity, each published value and step with its operator, reference and unit, the
    /// conversion, the share, and the value (`→`). Re-performing it is the product of the
    /// values shown, as in `lines.csv`.
    pub fn trace(&self) -> Vec<crate::calc::Step> {
        use crate::calc::Step;
        let step = |label: &str, text: String, factor: Option<&UsedFactor>| Step {
            label: label.to_string().into(),
            text,
            factor: factor.cloned(),
        };
        let mut out = vec![step(
            "activity",
            format!("{} {}", self.quantity.normalize(), self.unit),
            None,
        )];
        let published = |label: &str, op: &str, u: &UsedFactor| {
            step(
                label,
                format!("{op} {} = {} {}", u.reference, u.value, u.unit),
                Some(u),
            )
        };
        if let Some(c) = &self.calorific {
            out.push(published("energy", "× calorific value", c));
        }
        if let Some(f) = &self.factor {
            let label = match &self.kind {
                ResultKind::Emission(g) => g.clone(),
                ResultKind::Tce => "tce".into(),
                _ => "factor".into(),
            };
            out.push(published(&label, if self.divide { "÷" } else { "×" }, f));
        }
        if let Some(g) = &self.gwp {
            out.push(published("CO2e", "× GWP", g));
        }
        for st in &self.steps {
            let op = if st.divide { "÷" } else { "×" };
            let value = st
                .fraction()
                .map_or_else(|e| e.to_string(), |(n, d)| Ratio::new(n, d).text());
            let unit = if st.unit == "1" {
                String::new()
            } else {
                format!(" {}", st.unit)
            };
            let mut s = step(
                &st.label,
                format!("{op} {value}{unit} ({})", st.reference()),
                None,
            );
            s.factor = st.factors().first().map(|u| (*u).clone());
            out.push(s);
            for u in st.factors().iter().skip(1) {
                out.push(published("", "  with", u));
            }
        }
        out.push(step(
            "units",
            format!(
                "× {} (unit conversion to {})",
                self.conversion.text(),
                self.value_unit
            ),
            None,
        ));
        out.push(step("share", format!("× {}", self.share.normalize()), None));
        out.push(step(
            "→",
            format!(
                "{} {}{}",
                self.value.normalize(),
                self.value_unit,
                if self.exact {
                    ""
                } else {
                    " (the product does not terminate: rounded once)"
                }
            ),
            None,
        ));
        out
    }
}
