//! `solar.csv`: on-site generation. Self-consumed solar is energy consumed (it counts in
//! `energy.total`, with no emissions), renewable energy consumed, and — beside the inventory,
//! never netted from it — emissions avoided at the grid factor it displaces. Exported solar
//! is neither consumed nor counted as renewable consumption: its attributes leave with it.

use super::counterfactual::{displaced_grid, in_unit, through_chain, Site, J_PER_GJ, J_PER_MWH};
use crate::activity::{Carrier, Period};
use crate::calc::Step;
use crate::decimal;
use crate::ingest::Column;
use crate::project::{Input, Project};
use crate::register::fields::{read_optional, Fields, PeriodsSeen};
use crate::register::{Contribution, Entry, Report};
use crate::units::{AnyQty, DimKind};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The columns of `solar.csv`.
pub const COLUMNS: [Column; 7] = [
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "generated",
        required: true,
    },
    Column {
        name: "self_consumed",
        required: true,
    },
    Column {
        name: "exported",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "note",
        required: false,
    },
];

/// The figure-unit names of on-site solar in the energy tables.
pub const CARRIER: &str = "onsite_solar";

/// Reads `solar.csv` and sends one entry per row.
pub fn run(project: &Project, strict: bool, sink: &mut dyn FnMut(Entry), report: &mut Report) {
    let mut seen: BTreeMap<(usize, Period), u64> = BTreeMap::new();
    let mut periods: PeriodsSeen<usize> = PeriodsSeen::default();
    let Some((stats, diags)) = read_optional(project, Input::Solar, &COLUMNS, |row| {
        let mut f = Fields::new(row);
        if f.ragged() {
            return (f.diags, None);
        }
        let facility = f.facility(0, &project.facilities);
        let period = f.period_in(1, &project.manifest);
        f.in_boundary((facility, period), 1, project);
        let generated = f.amount(2, "generated");
        let consumed = f.amount(3, "self_consumed");
        let exported = f.amount(4, "exported");
        let unit = f.unit(5, &[DimKind::Energy], "solar generation is energy");
        let left_out = consumed.zip(unit).map(|(q, u)| (q, u.symbol.to_string()));
        if let (Some(g), Some(c), Some(e)) = (generated, consumed, exported) {
            match decimal::add(c, e) {
                Ok(sum) if sum == g => {}
                Ok(sum) => f.error(
                    "solar-imbalance",
                    2,
                    format!("generated {g} ≠ self_consumed {c} + exported {e} = {sum}"),
                    Some("every kWh generated is either consumed on site or exported; correct the meter readings".into()),
                ),
                Err(err) => f.error("overflow", 2, err.to_string(), None),
            }
        }
        if let (Some(fac), Some(p)) = (facility, period) {
            if let Some(first) = seen.insert((fac, p), row.line()) {
                f.error(
                    "duplicate-row",
                    1,
                    format!(
                        "{} {p} already has a solar row (line {first})",
                        project.facilities.list[fac].id
                    ),
                    Some("give one row per facility and period".into()),
                );
            }
        }
        let (Some(fac), Some(p), Some(c), Some(u)) = (facility, period, consumed, unit) else {
            return (f.diags, left_out);
        };
        if f.diags.iter().any(|d| d.is_error()) {
            return (f.diags, left_out);
        }
        // An annual row beside its quarters counts the same generation twice: said, as such
        // rows of energy.csv are.
        if let Some(earlier) = periods.add(fac, p, row.line(), &project.manifest.calendar) {
            let what = format!("{} on-site solar", project.facilities.list[fac].id);
            f.overlapping(1, &what, p, earlier);
        }
        let Ok(energy_j) = decimal::mul(c, u.scale) else {
            f.error(
                "overflow",
                3,
                format!("{c} {} is too large", u.symbol),
                None,
            );
            return (f.diags, left_out);
        };
        let (displaces, why) = displaced_grid(project, fac);
        let site = Site {
            facility: fac,
            period: p,
            line: row.line(),
        };
        let qty = AnyQty {
            kind: DimKind::Energy,
            base: energy_j,
        };
        match through_chain(
            project,
            strict,
            site,
            Carrier::Electricity,
            qty,
            u,
            displaces.as_ref(),
        ) {
            Ok(calc) => {
                let year = p.year();
                let line = &calc.line;
                let e_j = line.energy_j.unwrap_or_default();
                let parts = (|| -> Result<Vec<Contribution>, decimal::CalcError> {
                    let (mwh_v, mwh_exact) = in_unit(e_j, J_PER_MWH)?;
                    let (gj_v, gj_exact) = in_unit(e_j, J_PER_GJ)?;
                    let tce =
                        decimal::div(line.tce_kgce.unwrap_or_default(), Decimal::from(1000))?.value;
                    let t = decimal::div(line.co2e_kg, Decimal::from(1000))?.value;
                    // Every part is a result of the one calculation line (energy, tce, CO2e).
                    let lines = vec![calc.calc.clone()];
                    let energy =
                        |name: &str, v: Decimal, unit: &'static str, exact: bool| Contribution {
                            exact,
                            lines: lines.clone(),
                            ..Contribution::new(name.to_string(), year, v, unit)
                        };
                    Ok(vec![
                        energy("energy.total", mwh_v, "MWh", mwh_exact),
                        energy("energy.total_gj", gj_v, "GJ", gj_exact),
                        energy("energy.total_tce", tce, "tce", line.exact_tce),
                        energy(
                            &format!("energy.by_carrier.{CARRIER}"),
                            mwh_v,
                            "MWh",
                            mwh_exact,
                        ),
                        energy(
                            &format!("energy.by_carrier_tce.{CARRIER}"),
                            tce,
                            "tce",
                            line.exact_tce,
                        ),
                        energy("energy.renewable", mwh_v, "MWh", mwh_exact),
                        energy("energy.renewable.onsite_solar", mwh_v, "MWh", mwh_exact),
                        Contribution {
                            exact: line.exact && mwh_exact,
                            lines: lines.clone(),
                            ..Contribution::new("avoided.onsite_solar", year, t, "t CO2e")
                                .with_basis(mwh_v, "MWh")
                        },
                        Contribution {
                            exact: line.exact,
                            lines: lines.clone(),
                            ..Contribution::new("avoided.total", year, t, "t CO2e")
                        },
                    ])
                })();
                match parts {
                    Ok(parts) => {
                        let mut steps = vec![Step {
                            label: "solar".into(),
                            text: format!(
                                "generated {} = self-consumed {} + exported {} {} (exported solar is not consumption and not renewable consumption)",
                                generated.unwrap_or_default(),
                                c,
                                exported.unwrap_or_default(),
                                u.symbol
                            ),
                            factor: None,
                        }];
                        steps.push(Step {
                            label: "why".into(),
                            text: why,
                            factor: None,
                        });
                        steps.extend(calc.steps);
                        steps.push(Step {
                            label: "note".into(),
                            text: "counts in energy consumed and renewable energy with zero emissions; the CO2e above is avoided, reported beside the inventory and never netted from it".into(),
                            factor: None,
                        });
                        sink(Entry {
                            file: project.shown(Input::Solar),
                            line: row.line(),
                            what: format!(
                                "{} {p} on-site solar, self-consumed",
                                project.facilities.list[fac].id
                            ),
                            steps,
                            parts,
                        });
                    }
                    Err(e) => f.error("overflow", 3, e.to_string(), None),
                }
            }
            Err((code, msg, hint)) => f.error(code, 0, msg, Some(hint)),
        }
        (f.diags, left_out)
    }) else {
        return;
    };
    report.files.push(stats);
    report.diagnostics.extend(diags);
}
