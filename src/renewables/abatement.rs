//! `abatement.csv`: energy-saving and abatement projects, and what each avoids. Avoided
//! emissions are always reported beside the inventory and never netted from it; each line
//! names its counterfactual factor, its citation and why it was chosen:
//! - electricity saved × the grid factor it displaces (the `[renewables] displaced_grid` policy,
//!   or an explicit factor);
//! - heat recovered ÷ the efficiency of the boiler that would have made it = fuel not burnt,
//!   × that fuel's per-gas factors and GWPs;
//! - fuel saved × the fuel's factors;
//! - a supplier's renewable generation × an explicit grid factor (scope 3 category 1 context,
//!   outside the boundary, usually "expected").

use super::counterfactual::{
    direct, displaced_grid, in_unit, through_chain, Site, J_PER_GJ, J_PER_MWH,
};
use crate::activity::{Carrier, Period};
use crate::calc::Step;
use crate::decimal::{self, CalcError};
use crate::ingest::Column;
use crate::project::{Input, Project};
use crate::register::fields::{read_optional, Fields};
use crate::register::{Contribution, Entry, Report, Term};
use crate::units::AnyQty;
use crate::units::DimKind;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The columns of `abatement.csv`.
pub const COLUMNS: [Column; 11] = [
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "kind",
        required: true,
    },
    Column {
        name: "quantity",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "displaces",
        required: false,
    },
    Column {
        name: "efficiency",
        required: false,
    },
    Column {
        name: "scope",
        required: true,
    },
    Column {
        name: "status",
        required: true,
    },
    Column {
        name: "note",
        required: false,
    },
];

/// What a project does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Electricity no longer consumed.
    ElectricitySaved,
    /// Heat recovered that a boiler would otherwise have made.
    HeatRecovered,
    /// Fuel no longer burnt.
    FuelSaved,
    /// Renewable generation at a supplier (outside the boundary).
    SupplierRenewable,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(
            match s
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "electricity_saved" => Kind::ElectricitySaved,
                "heat_recovered" => Kind::HeatRecovered,
                "fuel_saved" => Kind::FuelSaved,
                "supplier_renewable" | "supplier_renewable_generation" => Kind::SupplierRenewable,
                _ => return None,
            },
        )
    }
}

/// Whether the saving has happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Realised,
    Expected,
}

fn valid_id(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Reads `abatement.csv` and sends one entry per row.
pub fn run(project: &Project, strict: bool, sink: &mut dyn FnMut(Entry), report: &mut Report) {
    let mut seen: BTreeMap<(String, Period), u64> = BTreeMap::new();
    let mut periods: crate::register::fields::PeriodsSeen<String> = Default::default();
    let mut names: Vec<String> = Vec::new();
    let read = read_optional(project, Input::Abatement, &COLUMNS, |row| {
        let mut f = Fields::new(row);
        if f.ragged() {
            return (f.diags, None);
        }
        let id = f.required(0, "id").map(str::to_string);
        if let Some(i) = &id {
            if !valid_id(i) {
                f.error("bad-id", 0, format!("project id `{i}` must be lower-case letters, digits, `_` or `-` (it becomes the figure name avoided.{i})"), None);
            }
        }
        let kind = f.required(3, "kind").and_then(|k| {
            let kind = Kind::parse(k);
            if kind.is_none() {
                f.error(
                    "unknown-abatement-kind",
                    3,
                    format!("unknown kind `{k}`"),
                    Some(
                        "one of electricity_saved, heat_recovered, fuel_saved, supplier_renewable"
                            .into(),
                    ),
                );
            }
            kind
        });
        let facility = if kind == Some(Kind::SupplierRenewable) && f.text(1).is_empty() {
            None
        } else {
            f.facility(1, &project.facilities)
        };
        let period = f.period_in(2, &project.manifest);
        f.in_boundary((facility, period), 2, project);
        let quantity = f.amount(4, "quantity");
        let allowed: &[DimKind] = match kind {
            Some(Kind::FuelSaved) => &[DimKind::Energy, DimKind::Mass, DimKind::Volume],
            _ => &[DimKind::Energy],
        };
        let unit = f.unit(5, allowed, "what the project saves or generates");
        let left_out = quantity.zip(unit).map(|(q, u)| (q, u.symbol.to_string()));
        let status = f
            .required(9, "status")
            .and_then(|s| match s.to_ascii_lowercase().as_str() {
                "realised" | "realized" => Some(Status::Realised),
                "expected" => Some(Status::Expected),
                _ => {
                    f.error(
                        "bad-status",
                        9,
                        format!("status `{s}` is neither realised nor expected"),
                        None,
                    );
                    None
                }
            });
        let scope = f.required(8, "scope").and_then(|s| {
            if is_scope(s) {
                Some(s.to_string())
            } else {
                f.error(
                    "unknown-scope",
                    8,
                    format!("scope `{s}` is not a scope of the GHG Protocol"),
                    Some("scope1, scope2, scope3, or scope3.cat1 … scope3.cat15".into()),
                );
                None
            }
        });
        let displaces = f.text(6).to_string();
        let fuel = match kind {
            Some(Kind::HeatRecovered | Kind::FuelSaved) => {
                let c = Carrier::parse(&displaces).filter(|c| c.is_fuel());
                if c.is_none() {
                    f.error(
                        "unknown-fuel",
                        6,
                        format!("`displaces` = `{displaces}` is not a fuel"),
                        Some("name the fuel the project displaces, e.g. natural_gas".into()),
                    );
                }
                c
            }
            _ => None,
        };
        let explicit = match kind {
            Some(Kind::ElectricitySaved | Kind::SupplierRenewable) => f.factor_ref(6),
            _ => None,
        };
        if kind == Some(Kind::SupplierRenewable) && explicit.is_none() && f.text(6).is_empty() {
            f.error(
                "missing-value",
                6,
                "a supplier's generation needs the grid factor it displaces".into(),
                Some("e.g. cn-mee-grid:national_fossil".into()),
            );
        }
        let efficiency = match kind {
            Some(Kind::HeatRecovered) => {
                let e = f.fraction(7, "efficiency");
                if e.is_some_and(|e| e.is_zero()) {
                    f.error(
                        "bad-fraction",
                        7,
                        "a boiler efficiency of 0 is not possible".into(),
                        None,
                    );
                }
                e
            }
            _ => None,
        };
        if let (Some(i), Some(p)) = (&id, period) {
            if let Some(first) = seen.insert((i.clone(), p), row.line()) {
                f.error(
                    "duplicate-row",
                    0,
                    format!("project `{i}` already has a row for {p} (line {first})"),
                    Some("give one row per project and period".into()),
                );
            }
        }
        if f.diags.iter().any(|d| d.is_error()) {
            return (f.diags, left_out);
        }
        // A project's annual row beside its quarters counts the same saving twice: said, as
        // such rows of energy.csv are.
        if let (Some(i), Some(p)) = (&id, period) {
            if let Some(earlier) = periods.add(i.clone(), p, row.line(), &project.manifest.calendar)
            {
                f.overlapping(2, &format!("project `{i}`"), p, earlier);
            }
        }
        let (Some(id), Some(kind), Some(p), Some(q), Some(u), Some(status), Some(scope)) =
            (id, kind, period, quantity, unit, status, scope)
        else {
            return (f.diags, left_out);
        };
        match entry(
            project,
            strict,
            row.line(),
            &id,
            kind,
            facility,
            p,
            q,
            u,
            fuel,
            explicit,
            efficiency,
            status,
            &scope,
        ) {
            Ok(e) => {
                for c in &e.parts {
                    if !names.iter().any(|n| *n == *c.figure) {
                        names.push(c.figure.to_string());
                    }
                }
                sink(e);
            }
            Err((code, msg, hint)) => {
                // An overflow is of the quantity (times a conversion or a factor); the other
                // problems are of what it displaces.
                let (column, hint) = if code == "overflow" {
                    (4, "every quantity is held in base units (J, kg); this one, times its conversions, exceeds about 7.9 × 10^28 of them — check the value at its source".to_string())
                } else {
                    (6, hint)
                };
                f.error(code, column, msg, Some(hint).filter(|h| !h.is_empty()))
            }
        }
        (f.diags, left_out)
    });
    if let Some((stats, diags)) = read {
        report.files.push(stats);
        report.diagnostics.extend(diags);
    }
    names.retain(|n| n != "avoided.total" && n != "avoided.expected");
    report.names.extend(names);
}

/// What an abatement activity in `unit` measures, for the line's `result` column.
fn activity_result(unit: &str) -> &'static str {
    match unit {
        "MWh" | "GJ" => "energy",
        "t" => "mass",
        _ => "volume",
    }
}

#[allow(clippy::too_many_arguments)]
fn entry(
    project: &Project,
    strict: bool,
    line_no: u64,
    id: &str,
    kind: Kind,
    facility: Option<usize>,
    period: Period,
    quantity: Decimal,
    unit: crate::units::AnyUnit,
    fuel: Option<Carrier>,
    explicit: Option<crate::factors::FactorRef>,
    efficiency: Option<Decimal>,
    status: Status,
    scope: &str,
) -> Result<Entry, (&'static str, String, String)> {
    let ov = |e: CalcError| ("overflow", e.to_string(), String::new());
    let year = period.year();
    let base = decimal::mul(quantity, unit.scale).map_err(ov)?;
    let mut steps = vec![Step {
        label: "project".into(),
        text: format!(
            "{id}: {quantity} {} ({}; {scope}; {})",
            unit.symbol,
            match kind {
                Kind::ElectricitySaved => "electricity saved",
                Kind::HeatRecovered => "heat recovered",
                Kind::FuelSaved => "fuel saved",
                Kind::SupplierRenewable => "supplier renewable generation",
            },
            if status == Status::Realised {
                "realised"
            } else {
                "expected"
            }
        ),
        factor: None,
    }];
    // The calculation lines the avoided emissions are made of (through the chain), if any.
    let mut lines: Vec<crate::register::ChainLine> = Vec::new();
    let mut terms: Vec<Term> = Vec::new();
    let (co2e_kg, exact, activity, activity_unit, activity_exact) = match kind {
        Kind::ElectricitySaved | Kind::SupplierRenewable => {
            let (mwh, mwh_exact) = in_unit(base, J_PER_MWH).map_err(ov)?;
            let (kg, exact) = match (facility, kind) {
                (Some(fac), Kind::ElectricitySaved) | (Some(fac), Kind::SupplierRenewable)
                    if explicit.is_none() || kind == Kind::ElectricitySaved =>
                {
                    let (r, why) = match &explicit {
                        Some(r) => (
                            Some(r.clone()),
                            format!(
                                "counterfactual: explicit factor {r} (abatement.csv `displaces`)"
                            ),
                        ),
                        None => displaced_grid(project, fac),
                    };
                    steps.push(Step {
                        label: "why".into(),
                        text: why,
                        factor: None,
                    });
                    let site = Site {
                        facility: fac,
                        period,
                        line: line_no,
                    };
                    let qty = AnyQty {
                        kind: DimKind::Energy,
                        base,
                    };
                    let c = through_chain(
                        project,
                        strict,
                        site,
                        Carrier::Electricity,
                        qty,
                        unit,
                        r.as_ref(),
                    )?;
                    steps.extend(c.steps.into_iter().filter(|s| s.label != "tce"));
                    lines.push(c.calc);
                    (c.line.co2e_kg, c.line.exact)
                }
                _ => {
                    let Some(r) = explicit else {
                        return Err((
                            "missing-value",
                            "no displaced factor".into(),
                            "name one in `displaces`".into(),
                        ));
                    };
                    steps.push(Step { label: "why".into(), text: format!("counterfactual: explicit factor {r} (abatement.csv `displaces`): generation outside the boundary, no consolidation share"), factor: None });
                    let (kg, exact, s) = direct(project, strict, year, base, &r)?;
                    // The line: the quantity as written at the factor (and its gas's GWP).
                    let cited: Vec<&crate::calc::UsedFactor> =
                        s.iter().filter_map(|st| st.factor.as_ref()).collect();
                    if let Some(fu) = cited
                        .first()
                        .and_then(|f| crate::units::parse_factor_unit(&f.unit).ok())
                    {
                        let mut t = Term::of(quantity, unit.symbol, "CO2e");
                        t.conversion = (
                            decimal::mul(unit.scale, fu.num.scale).map_err(ov)?,
                            decimal::mul(fu.den.scale, Decimal::from(1000)).map_err(ov)?,
                        );
                        t.factor = cited.first().map(|f| (*f).clone());
                        t.gwp = cited.get(1).map(|f| (*f).clone());
                        terms.push(t);
                    }
                    steps.push(Step {
                        label: "activity".into(),
                        text: format!("{quantity} {} = {mwh} MWh", unit.symbol),
                        factor: None,
                    });
                    steps.extend(s);
                    (kg, exact)
                }
            };
            (kg, exact, mwh, "MWh", mwh_exact)
        }
        Kind::HeatRecovered | Kind::FuelSaved => {
            let (Some(fac), Some(fuel)) = (facility, fuel) else {
                return Err(("missing-value", "no facility or fuel".into(), String::new()));
            };
            steps.push(Step { label: "why".into(), text: format!("counterfactual: {} burnt on site at {}, with the manifest's fuel factors and GWPs", fuel.name(), project.facilities.list[fac].id), factor: None });
            let shown = if unit.kind == DimKind::Energy {
                crate::units::lookup("GJ").unwrap_or(unit)
            } else {
                unit
            };
            // The fuel's emissions for the heat itself, exactly; the boiler efficiency then
            // divides each gas's line once (fuel = heat ÷ efficiency, so emissions = heat × EF
            // ÷ efficiency).
            let site = Site {
                facility: fac,
                period,
                line: line_no,
            };
            let qty = AnyQty {
                kind: unit.kind,
                base,
            };
            let c = through_chain(project, strict, site, fuel, qty, shown, None)?;
            steps.extend(c.steps.into_iter().filter(|s| s.label != "tce"));
            let mut calc = c.calc;
            let (kg, div_exact) = match efficiency {
                Some(e) => {
                    // Each gas's line is divided by the efficiency and rounded once, as every
                    // calculation line is; the avoided emissions are their sum.
                    let mut kg = Decimal::ZERO;
                    let mut all_exact = true;
                    for g in &c.line.gas_co2e_kg {
                        let q = decimal::div(*g, e).map_err(ov)?;
                        kg = decimal::add(kg, q.rounded(decimal::LINE_DP)).map_err(ov)?;
                        all_exact &= q.exact;
                    }
                    let q = decimal::Quotient {
                        value: kg,
                        exact: all_exact,
                    };
                    calc.steps.push(crate::register::TermStep {
                        label: "efficiency".into(),
                        divide: true,
                        value: crate::register::StepValue::Input {
                            num: e,
                            den: Decimal::ONE,
                            source: "abatement.csv efficiency: the fuel not burnt is the heat ÷ the boiler efficiency".into(),
                        },
                        unit: "1".into(),
                    });
                    steps.push(Step {
                        label: "boiler".into(),
                        text: format!(
                            "÷ boiler efficiency {}: the fuel not burnt is the heat ÷ {} → {} CO2e{}",
                            e.normalize(),
                            e.normalize(),
                            crate::calc::show(kg, Decimal::from(1000), "t"),
                            if q.exact { "" } else { " (each gas rounded once to 10^-9 kg)" }
                        ),
                        factor: None,
                    });
                    (kg, q.exact)
                }
                None => (c.line.co2e_kg, true),
            };
            lines.push(calc);
            let (act, act_unit, act_exact) = match unit.kind {
                DimKind::Energy => {
                    let (gj, e) = in_unit(base, J_PER_GJ).map_err(ov)?;
                    (gj, "GJ", e)
                }
                DimKind::Mass => (
                    decimal::div(base, Decimal::from(1000)).map_err(ov)?.value,
                    "t",
                    true,
                ),
                _ => (base, "m3", true),
            };
            (kg, c.line.exact && div_exact, act, act_unit, act_exact)
        }
    };
    let t = decimal::div(co2e_kg, Decimal::from(1000))
        .map_err(ov)?
        .value;
    let mut parts = vec![
        Contribution {
            exact: activity_exact,
            terms: vec![{
                // The line: the quantity as written, in the activity's unit.
                let per = match activity_unit {
                    "MWh" => J_PER_MWH,
                    "GJ" => J_PER_GJ,
                    "t" => Decimal::from(1000),
                    _ => Decimal::ONE,
                };
                let mut t = Term::of(quantity, unit.symbol, activity_result(activity_unit));
                t.conversion = (unit.scale, per);
                t
            }],
            ..Contribution::new(format!("abatement.{id}"), year, activity, activity_unit)
        },
        Contribution {
            exact,
            lines: lines.clone(),
            terms: terms.clone(),
            ..Contribution::new(format!("avoided.{id}"), year, t, "t CO2e")
                .with_basis(activity, activity_unit)
        },
    ];
    let total = if status == Status::Realised {
        "avoided.total"
    } else {
        "avoided.expected"
    };
    parts.push(Contribution {
        exact,
        lines,
        terms,
        ..Contribution::new(total, year, t, "t CO2e")
    });
    steps.push(Step {
        label: "note".into(),
        text: if status == Status::Realised {
            "avoided emissions, reported beside the inventory and never netted from it".into()
        } else {
            "expected (not yet realised): in avoided.expected, not in avoided.total".into()
        },
        factor: None,
    });
    Ok(Entry {
        file: project.shown(Input::Abatement),
        line: line_no,
        what: format!("{id} {period}"),
        steps,
        parts,
    })
}

/// Whether `s` names a scope a project affects: `scope1`, `scope2`, `scope3` or one of the 15
/// categories of scope 3 (`scope3.cat1` … `scope3.cat15`). The column is words for the reader,
/// but a typo (`scope4`, `scope 2`) would otherwise pass into every trace unnoticed.
fn is_scope(s: &str) -> bool {
    match s.strip_prefix("scope3.cat") {
        Some(n) => {
            !n.starts_with(['0', '+']) && n.parse::<u8>().is_ok_and(|n| (1..=15).contains(&n))
        }
        None => matches!(s, "scope1" | "scope2" | "scope3"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_scope;

    #[test]
    fn the_scopes_and_the_fifteen_categories_and_nothing_else() {
        for s in ["scope1", "scope2", "scope3", "scope3.cat1", "scope3.cat15"] {
            assert!(is_scope(s), "{s}");
        }
        for s in [
            "scope4",
            "scope 2",
            "Scope2",
            "scope3.cat0",
            "scope3.cat16",
            "scope3.cat01",
            "scope3.cat+1",
            "scope3.cat",
            "",
        ] {
            assert!(!is_scope(s), "{s}");
        }
    }
}
