//! The year-on-year bridge of register figures — market-based scope 2, on-site solar and
//! instruments, avoided emissions, freight, products, scope 3, metrics: each additive figure's
//! change from one year to the next split into the factor editions and, at constant editions,
//! its activity and its implied factor. Nothing here prints.
//!
//! A register figure is `V = A × I`: its activity `A` (the summed `basis` of its contributions —
//! MWh of solar or of electricity consumed, tonne-km, GJ recovered, kg of material — or, for a
//! figure that is itself an amount, the figure) times its implied factor `I = V ÷ A`, which
//! carries the mix of sources, their rates and the counterfactual chosen. As for the energy
//! lines (`bridge`): the factor-edition effect is this year's figure minus the same activity
//! under last year's editions; the rest is split by the Shapley value of the two factors,
//! activity `ΔA · (I₀ + I₁)/2` and implied factor `ΔI · (A₀ + A₁)/2`. A figure present in one
//! year only takes the other year's implied factor (its appearance is activity). A figure
//! whose contributions have no common activity unit keeps the change at constant editions as
//! one effect. Every effect is an exact rational; presented, they add up to the difference of
//! the two published figures. Figures the energy lines also add to (`energy.total`,
//! `ghg.scope3`) are left to the energy bridge; their register parts are figures of their own
//! (`energy.onsite_solar`, `ghg.scope3.cat1`, …).

use super::bridge::{split_with, BridgeError, Split};
use super::rational::Ratio;
use crate::ledger::Ledger;
use crate::register::Total;
use rust_decimal::Decimal;

/// The effects of a register figure's split, in report order: (id, label).
pub const REGISTER_EFFECTS: [(&str, &str); 4] = [
    (
        "activity",
        "activity (the figure's basis: MWh, tkm, GJ, kg, …)",
    ),
    (
        "implied_factor",
        "implied factor at constant editions (value ÷ activity: source mix, rates, counterfactual)",
    ),
    (
        "constant_editions",
        "change at constant editions (no common activity unit to split it by)",
    ),
    ("factor_editions", "factor editions"),
];

/// One register figure's change split into effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterSplit {
    /// The unit of the activity the split is by (`None`: not split by activity).
    pub basis: Option<&'static str>,
    /// The figure in the earlier year (0 when absent).
    pub before: Decimal,
    /// The figure in the later year (0 when absent).
    pub after: Decimal,
    /// The split: `activity`, `implied_factor` and `factor_editions`, or `constant_editions`
    /// and `factor_editions`.
    pub split: Split,
}

/// A figure's activity in a year: its summed basis, or the figure itself when it is an amount
/// (no basis, not CO2e). `None` when its contributions share no activity unit.
fn activity(t: &Total) -> Option<(Ratio, &'static str)> {
    match t.basis {
        Some((a, u)) => Some((Ratio::from_decimal(a), u)),
        None if !t.unit.contains("CO2e") && t.entries > 0 => {
            Some((Ratio::from_decimal(t.value), t.unit))
        }
        None => None,
    }
}

/// Activity and implied-factor effects of going from `v0` at activity `a0` to `v1` at `a1`
/// (Shapley, two factors); a side with no activity takes the other's implied factor.
fn activity_effects(v0: &Ratio, a0: &Ratio, v1: &Ratio, a1: &Ratio) -> Option<(Ratio, Ratio)> {
    let i0 = (!a0.is_zero()).then(|| v0.div(a0)).flatten();
    let i1 = (!a1.is_zero()).then(|| v1.div(a1)).flatten();
    let (i0, i1) = match (i0, i1) {
        (Some(x), Some(y)) => (x, y),
        // No activity in a year must mean no value there, else the split is not V = A × I.
        (None, Some(y)) if v0.is_zero() => (y.clone(), y),
        (Some(x), None) if v1.is_zero() => (x.clone(), x),
        _ => return None,
    };
    let half = Ratio::from_int(1).div(&Ratio::from_int(2))?;
    let act = a1.sub(a0).mul(&i0.add(&i1)).mul(&half);
    let rate = i1.sub(&i0).mul(&a0.add(a1)).mul(&half);
    Some((act, rate))
}

/// The splits of every additive register figure with a value in `from` or `to`, in the
/// ledger's report order; `cf` is the ledger of the same project with `to`'s edition choices
/// replaced by `from`'s (the counterfactual of the factor-edition effect).
pub fn register_splits(
    ledger: &Ledger,
    cf: &Ledger,
    from: i32,
    to: i32,
) -> Result<Vec<RegisterSplit>, BridgeError> {
    let mut out = Vec::new();
    for name in ledger.names() {
        // A figure the chains also add to (energy.total, ghg.scope3) is not the registers'
        // alone: its energy lines are the bridge above, its register parts their own figures.
        if crate::figures::definition(&name).is_some() {
            continue;
        }
        let (t0, t1) = (ledger.totals.get(&name, from), ledger.totals.get(&name, to));
        let Some(unit) = t1.or(t0).map(|t| t.unit) else {
            continue;
        };
        let t1cf = cf.totals.get(&name, to);
        let value = |t: Option<&Total>| t.map_or(Decimal::ZERO, |t| t.value);
        let (v0, v1, v1cf) = (
            Ratio::from_decimal(value(t0)),
            Ratio::from_decimal(value(t1)),
            Ratio::from_decimal(value(t1cf)),
        );
        let published = |y: i32| -> Result<Decimal, BridgeError> {
            Ok(ledger.figure(&name, y)?.map_or(Decimal::ZERO, |f| f.value))
        };
        let (before, after) = (published(from)?, published(to)?);
        let editions = v1.sub(&v1cf);
        // The activities of both years in one unit (an absent year: none of it).
        let acts = match (t0.map(activity), t1cf.map(activity)) {
            (Some(Some((a0, u0))), Some(Some((a1, u1)))) if u0 == u1 => Some((a0, a1, u0)),
            (None, Some(Some((a1, u)))) => Some((Ratio::zero(), a1, u)),
            (Some(Some((a0, u))), None) => Some((a0, Ratio::zero(), u)),
            _ => None,
        };
        let by_activity = acts.and_then(|(a0, a1, u)| {
            activity_effects(&v0, &a0, &v1cf, &a1).map(|(act, rate)| (act, rate, u))
        });
        let (basis, effects) = match by_activity {
            Some((act, rate, u)) => (
                Some(u),
                vec![
                    ("activity", act),
                    ("implied_factor", rate),
                    ("factor_editions", editions),
                ],
            ),
            None => (
                None,
                vec![
                    ("constant_editions", v1cf.sub(&v0)),
                    ("factor_editions", editions),
                ],
            ),
        };
        let total = crate::decimal::sub(after, before)?;
        out.push(RegisterSplit {
            basis,
            before,
            after,
            split: split_with(&name, unit, total, effects)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Ratio {
        Ratio::from_decimal(s.parse().unwrap_or_default())
    }

    #[test]
    fn activity_and_implied_factor_add_up_to_the_change() {
        // 200 MWh at 0.4 t/MWh (80 t) → 400 MWh at 0.35 t/MWh (140 t): activity
        // 200 × (0.4 + 0.35)/2 = 75, implied factor −0.05 × (200 + 400)/2 = −15; 75 − 15 = 60.
        let (a, i) = activity_effects(&r("80"), &r("200"), &r("140"), &r("400")).unwrap();
        assert_eq!((a, i), (r("75"), r("-15")));
        // A figure that appears: all activity, at its own implied factor.
        let (a, i) = activity_effects(&r("0"), &r("0"), &r("140"), &r("400")).unwrap();
        assert_eq!((a, i), (r("140"), r("0")));
        // A value without activity cannot be split by it.
        assert!(activity_effects(&r("5"), &r("0"), &r("140"), &r("400")).is_none());
    }
}
