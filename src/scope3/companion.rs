//! The calculation lines of a factor row of `scope3.csv` (quantity × factor, so `lines.csv`
//! re-performs it rather than stating it), and its well-to-tank companion: a row priced by a
//! set whose publisher gives the well-to-tank of the same activities in another set (DESNZ
//! business travel → `desnz-travel-wtt`, or a pair under `[scope3] wtt_sets`) also yields
//! that line, under its category and `ghg.scope3.cat<N>.wtt`. Only adds emissions: the
//! activity is the row's.

use super::row::Row;
use crate::calc::{Resolver, Step};
use crate::decimal;
use crate::factors::FactorRef;
use crate::products::{apply_factor_value_per, resolve_factor, ProductFactor};
use crate::project::Project;
use crate::register::{Contribution, Term, TermStep};
use rust_decimal::Decimal;

/// Travel sets whose publisher gives the well-to-tank of their rows in another set, under
/// the row's key + `.co2e`.
const BUILT_IN: [(&str, &str); 1] = [("desnz-travel", "desnz-travel-wtt")];

/// The well-to-tank set paired with `set` for scope 3 rows.
fn wtt_set_of<'a>(project: &'a Project, set: &'a str) -> Option<&'a str> {
    project
        .manifest
        .scope3
        .wtt_sets
        .get(set)
        .map(String::as_str)
        .or_else(|| BUILT_IN.iter().find(|(s, _)| *s == set).map(|(_, w)| *w))
}

/// The quantity the factor applies to: (value, the unit of the factor's activity), and the
/// per-item and occupancy steps if any.
fn activity(row: &Row) -> Option<(Decimal, crate::units::AnyUnit, Vec<TermStep>)> {
    let mut steps = Vec::new();
    if let Some((v, u)) = row.per_item {
        steps.push(TermStep::input(
            "per item",
            v,
            Decimal::ONE,
            u.symbol,
            "scope3.csv per_item".into(),
        ));
    }
    if let Some(occ) = row.occupancy {
        let mut s = TermStep::input(
            "occupancy",
            occ,
            Decimal::ONE,
            "pkm/km",
            "scope3.csv occupancy (passengers per vehicle)".into(),
        );
        s.divide = true;
        steps.push(s);
    }
    Some((row.quantity, row.factor_unit(), steps))
}

/// The line of `row` under factor `f`, in t CO2e.
fn term(row: &Row, f: &ProductFactor) -> Option<Term> {
    let (q, unit, steps) = activity(row)?;
    let mut t = Term::of(q, row.unit.symbol, "CO2e");
    for s in steps {
        t = t.then(s);
    }
    // t = q × unit scale × value × kg per numerator unit (× gwp) ÷ denominator scale ÷ 1000
    t.conversion = (
        decimal::mul(unit.scale, f.num_scale).ok()?,
        decimal::mul(f.den.scale, Decimal::ONE_THOUSAND).ok()?,
    );
    t.factor = Some(f.used.clone());
    t.gwp = f.gwp.as_ref().map(|(_, g)| g.clone());
    Some(t)
}

/// The lines of a factor row's own contribution (empty for an allocation row or when the
/// factor cannot be resolved again).
pub fn lines(project: &Project, resolver: &Resolver<'_>, row: &Row) -> Vec<Term> {
    let Some(r) = &row.factor else {
        return Vec::new();
    };
    if row.allocation.is_some() {
        return Vec::new();
    }
    let kind = row.factor_unit().kind;
    let Ok(f) = resolve_factor(project, resolver, r, row.year, kind) else {
        return Vec::new();
    };
    let Some(mut t) = term(row, &f) else {
        return Vec::new();
    };
    if row.unit.kind == crate::units::DimKind::Money {
        // The spend's exchange rate and price index, as the row was priced.
        match super::row::spend_conversion(resolver, row, &f) {
            Ok(c) => t.steps.extend(c.terms),
            Err(_) => return Vec::new(),
        }
    }
    vec![t]
}

/// A companion line's contributions and trace.
pub type Companion = (Vec<Contribution>, Vec<Step>);

/// The well-to-tank companion of a factor row: its contributions (the category and
/// `.wtt`, t CO2e) and trace, or `None` when the row's set has no paired well-to-tank set, the
/// switch is off, or the paired set publishes nothing for the key (a note says so).
pub fn wtt(
    project: &Project,
    resolver: &Resolver<'_>,
    row: &Row,
) -> Option<Result<Companion, String>> {
    if !project.manifest.scope3.travel_wtt || row.allocation.is_some() {
        return None;
    }
    let r = row.factor.as_ref()?;
    let year = row.year;
    let kind = row.factor_unit().kind;
    let main = resolve_factor(project, resolver, r, year, kind).ok()?;
    let pinned = FactorRef::parse(&main.used.reference).ok()?;
    let w = wtt_set_of(project, &pinned.set)?;
    let wref = FactorRef {
        set: w.to_string(),
        edition: pinned.edition.clone(),
        key: format!("{}.co2e", pinned.key),
    };
    let f = match resolve_factor(project, resolver, &wref, year, kind) {
        Ok(f) => f,
        Err(e) => {
            return Some(Err(format!(
                "{}: no well-to-tank line ({}: {})",
                main.used.reference, wref, e.message
            )))
        }
    };
    let (q, unit, _) = activity(row)?;
    let qty = match row.per_item {
        Some((v, _)) => decimal::mul(q, v).ok()?,
        None => q,
    };
    let (kg, exact) = apply_factor_value_per(
        qty,
        unit,
        f.used.value,
        f.num_scale,
        f.gwp.as_ref().map(|(g, _)| *g),
        f.den,
        row.occupancy.unwrap_or(Decimal::ONE),
    )
    .ok()?;
    let t = decimal::div(kg, Decimal::ONE_THOUSAND).ok()?.value;
    let steps = vec![Step {
        label: "wtt".into(),
        text: format!(
            "well-to-tank of the same activity: {} {}{} × {} = {} {} → {}{} kg CO2e",
            qty.normalize(),
            unit.symbol,
            row.occupancy
                .map(|o| format!(" ÷ {} (occupancy)", o.normalize()))
                .unwrap_or_default(),
            f.used.reference,
            f.used.value,
            f.used.unit,
            if exact { "" } else { "≈" },
            kg.normalize()
        ),
        factor: Some(f.used.clone()),
    }];
    let terms: Vec<Term> = term(row, &f).into_iter().collect();
    let cat = format!("ghg.scope3.cat{}", row.category);
    let part = |figure: String| {
        let mut c =
            Contribution::new(figure, year, t, "t CO2e").with_basis(row.quantity, row.unit.symbol);
        c.exact = exact;
        c.terms = terms.clone();
        c
    };
    Some(Ok((
        vec![part(cat.clone()), part(format!("{cat}.wtt"))],
        steps,
    )))
}
