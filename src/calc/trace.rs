//! The trace of one line: every step from the input quantity to its contribution, with the
//! factor references, values, units and citations — recomputed from the row and its chain,
//! so nothing is stored per row.

use super::chain::{Chain, EnergyConv, GasStep, Line, PerBasis, UsedFactor};
use crate::activity::Activity;
use crate::decimal;
use crate::units::{Dim, DimKind};
use rust_decimal::Decimal;

/// One step of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What the step does: `activity`, `energy`, `CO2`, `CO2e`, `tce`, `share`, `fallback` (a
    /// constant but for a few composed labels: no allocation per step).
    pub label: std::borrow::Cow<'static, str>,
    /// The arithmetic, in words and numbers.
    pub text: String,
    /// The factor used, if any.
    pub factor: Option<UsedFactor>,
}

/// Shows a base-unit value in `unit` (scale = base units per unit): exact if it terminates,
/// else marked `≈` and rounded to 12 decimal places for reading (the figure keeps every digit).
pub fn show(base: Decimal, scale: Decimal, unit: &str) -> String {
    match decimal::div(base, scale) {
        Ok(q) if q.exact => format!("{} {unit}", q.value.normalize()),
        Ok(q) => format!("≈{} {unit}", q.value.round_dp(12).normalize()),
        Err(e) => format!("({e})"),
    }
}

fn base_text(kind: DimKind, base: Decimal) -> String {
    match kind {
        DimKind::Energy => format!(
            "{} (= {})",
            show(base, Decimal::from(3_600_000_000u64), "MWh"),
            show(base, Decimal::from(1_000_000_000u64), "GJ")
        ),
        DimKind::Mass | DimKind::GasMass => show(base, Decimal::from(1000), "t"),
        DimKind::Volume => show(base, Decimal::ONE, "m3"),
        DimKind::CoalEquivalent => show(base, Decimal::from(1000), "tce"),
        other => format!("{base} {}", other.base_symbol()),
    }
}

fn factor_text(u: &UsedFactor) -> String {
    format!("{} = {} {}", u.reference, u.value, u.unit)
}

fn basis_text<N: Dim>(p: &PerBasis<N>) -> &'static str {
    match p {
        PerBasis::Energy(_) => "energy",
        PerBasis::Mass(_) => "mass",
        PerBasis::Volume(_) => "volume",
    }
}

/// What a factor multiplies: the energy, or the quantity as given (per mass or volume).
fn applied_to<N: Dim>(p: &PerBasis<N>) -> &'static str {
    if matches!(p, PerBasis::Energy(_)) {
        "energy"
    } else {
        "quantity"
    }
}

/// The steps of one line.
pub fn trace(activity: &Activity, chain: &Chain, line: &Line) -> Vec<Step> {
    trace_kept(activity, chain, line, true)
}

/// The steps a trace is made of, as a register's entry keeps them (see
/// `register::Context::traced`): every step with its text when `traced`; else only the steps
/// that cite a factor (without text) and the fallback steps (with theirs), which is what the
/// totals, the editions list and the fallback warnings read — formatting the rest costs more
/// than the arithmetic when a register prices every facility-year.
pub fn trace_kept(activity: &Activity, chain: &Chain, line: &Line, traced: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut push = |label: &str, text: &dyn Fn() -> String, factor: Option<&UsedFactor>| {
        if traced || factor.is_some() || label == "fallback" {
            steps.push(Step {
                label: label.to_string().into(),
                text: if traced || label == "fallback" {
                    text()
                } else {
                    String::new()
                },
                factor: factor.cloned(),
            })
        }
    };
    push(
        "activity",
        &|| {
            format!(
                "{} {} = {}",
                activity.quantity,
                activity.unit.symbol,
                base_text(activity.qty.kind, activity.qty.base)
            )
        },
        None,
    );
    if let Some(sp) = &activity.split {
        push(
            "split",
            &|| {
                format!(
                    "{} = {} {}",
                    sp.describe(),
                    activity.quantity.normalize(),
                    activity.unit.symbol
                )
            },
            None,
        );
    }
    let share_inv = |v: Decimal| {
        if chain.share.is_zero() {
            None
        } else {
            decimal::div(v, chain.share).ok().map(|q| q.value)
        }
    };
    match &chain.energy {
        EnergyConv::Direct => {}
        EnergyConv::FromMass(_, u) | EnergyConv::FromVolume(_, u) => {
            let e = || {
                if chain.counts_energy() {
                    line.energy_j
                        .and_then(share_inv)
                        .map_or("(excluded)".to_string(), |e| base_text(DimKind::Energy, e))
                } else {
                    "the energy the factor applies to (counted once, by the row's scope 1 or 2 line)"
                        .to_string()
                }
            };
            push(
                "energy",
                &|| format!("× calorific value {} → {}", factor_text(u), e()),
                Some(u),
            );
        }
        EnergyConv::None => {}
    }
    for (i, g) in chain.gases.iter().enumerate() {
        let mass = || share_inv(line.gas_kg[i]);
        let co2e = || share_inv(line.gas_co2e_kg[i]);
        let t = |v: Option<Decimal>| {
            v.map_or("(excluded)".to_string(), |v| {
                show(v, Decimal::from(1000), "t")
            })
        };
        match g {
            GasStep::Gas {
                gas,
                factor,
                gwp_used,
                ..
            } => {
                if let Some((f, u)) = factor {
                    push(
                        gas,
                        &|| {
                            format!(
                                "{} × {} (per {}) = {} {gas}",
                                applied_to(f),
                                factor_text(u),
                                basis_text(f),
                                t(mass())
                            )
                        },
                        Some(u),
                    );
                } else {
                    push(gas, &|| format!("released {} {gas}", t(mass())), None);
                }
                push(
                    "CO2e",
                    &|| {
                        format!(
                            "{} {gas} × GWP {} = {} CO2e",
                            t(mass()),
                            factor_text(gwp_used),
                            t(co2e())
                        )
                    },
                    Some(gwp_used),
                );
            }
            GasStep::Co2e {
                factor,
                used,
                of,
                embedded_gwp,
            } => {
                push(
                    "CO2e",
                    &|| {
                        let of_gas = of.as_ref().map_or(String::new(), |g| format!(" of {g}"));
                        let gwp = embedded_gwp
                            .as_ref()
                            .map_or(String::new(), |a| format!(": {a}, per the publisher"));
                        format!(
                            "{} × {} (per {}) = {} CO2e{of_gas} (GWPs embedded in the factor{gwp})",
                            applied_to(factor),
                            factor_text(used),
                            basis_text(factor),
                            t(co2e())
                        )
                    },
                    Some(used),
                );
            }
        }
        if g.is_biogenic() {
            push(
                "outside",
                &|| {
                    "biogenic CO2: reported as ghg.biogenic_co2, outside the scopes, and not in the line's total (GHG Protocol)".to_string()
                },
                None,
            );
        }
    }
    if let Some((_, u)) = &chain.tce {
        let v = || {
            line.tce_kgce
                .and_then(share_inv)
                .map_or("(excluded)".to_string(), |v| {
                    show(v, Decimal::from(1000), "tce")
                })
        };
        let how = if u.reference.ends_with(":standard_coal") {
            "energy ÷ the standard-coal definition"
        } else {
            "quantity × coefficient"
        };
        push(
            "tce",
            &|| format!("{how} {} = {}", factor_text(u), v()),
            Some(u),
        );
    }
    if !chain.counts_energy() {
        push(
            "scope",
            &|| {
                format!(
                    "scope 3 category 3 ({}): emissions only, no energy",
                    chain.kind.name()
                )
            },
            None,
        );
    }
    push("share", &|| chain.share_reason.to_string(), None);
    for f in &chain.fallbacks {
        push("fallback", &|| f.clone(), None);
    }
    if !(line.exact && line.exact_energy && line.exact_tce) {
        push(
            "precision",
            &|| {
                "a division did not terminate: rounded once to 9 decimal places of the base unit (10^-9 J, kg, kgce)".to_string()
            },
            None,
        );
    }
    steps
}
