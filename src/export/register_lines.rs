//! A register entry's contributions as rows of the one line schema. A contribution is shown as
//! a product of its activity and the factors its steps cite when that product equals the
//! register's value exactly (`method = product`; a sum of such products, one row per factor,
//! when the register adds several, e.g. tank-to-wheel and well-to-tank); as the activity
//! itself when the figure is an amount (`activity`); as two rows sharing the activity when the
//! register mixes two factors by another amount of the entry (recycled content: `share` r at
//! the recycled factor, 1 − r at the primary one); otherwise as the register's own value
//! with its steps in `entries.csv` (`given`). It never invents a factor or a plug: every row's
//! value is the register's exact value or a product that was checked to equal it.

use super::lines::{rows, ExportLine, Method, Ratio, ResultKind};
use crate::calc::UsedFactor;
use crate::decimal;
use crate::register::{Contribution, Entry};

use crate::units::{lookup, parse_factor_unit, DimKind};
use rust_decimal::Decimal;

/// Base units per unit of a figure or activity unit (`t CO2e` → 1000 kg), if known.
fn scale_of(unit: &str) -> Option<Decimal> {
    if unit == "1" {
        return Some(Decimal::ONE);
    }
    let head = unit.split_whitespace().next()?;
    lookup(head).ok().map(|u| u.scale)
}

/// What a figure in `unit` measures, for the `result` column.
fn result_of(unit: &str) -> String {
    if unit.contains("CO2e") {
        return "CO2e".into();
    }
    match unit.split_whitespace().next().and_then(|u| lookup(u).ok()) {
        Some(u) if u.kind == DimKind::Energy => "energy".into(),
        Some(u) if u.kind == DimKind::CoalEquivalent => "tce".into(),
        Some(u) => u.kind.name().to_string(),
        None => unit.to_string(),
    }
}

/// The GWP among `cited` that applies to factor `f`: CO2e per mass, keyed by the gas of `f`'s
/// numerator (`…:ch4` for `kg CH4/TJ`). None for a factor already in CO2e.
fn gwp_for<'a>(f: &UsedFactor, cited: &[&'a UsedFactor]) -> Option<&'a UsedFactor> {
    let gas = parse_factor_unit(&f.unit).ok()?.gas?;
    if gas == "CO2e" {
        return None;
    }
    let key = format!(":{}", gas.to_ascii_lowercase());
    cited.iter().copied().find(|g| {
        g.reference.ends_with(&key)
            && parse_factor_unit(&g.unit)
                .is_ok_and(|u| u.num.kind == DimKind::Co2e && u.den.kind == DimKind::Mass)
    })
}

/// The rows of one entry: one or more per contribution. `facility` names a facility by its
/// index (for contributions made of calculation lines).
pub fn entry_lines(e: &Entry, facility: &dyn Fn(usize) -> String) -> Vec<ExportLine> {
    let file = e.file.rsplit('/').next().unwrap_or(&e.file).to_string();
    let mut factors: Vec<&UsedFactor> = Vec::new();
    for u in e.steps.iter().filter_map(|s| s.factor.as_ref()) {
        if !factors.iter().any(|f| f.reference == u.reference) {
            factors.push(u);
        }
    }
    // A GWP is looked up for the factor it weights, and is never the factor itself.
    let gwps = factors.clone();
    let plain: Vec<&UsedFactor> = factors
        .iter()
        .copied()
        .filter(|u| {
            !gwps
                .iter()
                .any(|f| gwp_for(f, &gwps).is_some_and(|g| g.reference == u.reference))
        })
        .collect();
    let mut out = Vec::new();
    for c in &e.parts {
        if c.restates.is_some() {
            // Its lines are the chain's rows, written as the rows are read (`restated_rows`).
            continue;
        }
        let base = ExportLine {
            figure: c.figure.to_string(),
            method: Method::Given,
            file: file.clone(),
            line: e.line,
            facility: String::new(),
            period: String::new(),
            year: c.year,
            scope: String::new(),
            source: "register",
            subject: e.what.clone(),
            kind: ResultKind::Register(result_of(c.unit)),
            quantity: c.value,
            unit: c.unit.to_string(),
            conversion: Ratio::new(Decimal::ONE, Decimal::ONE),
            calorific: None,
            factor: None,
            divide: false,
            gwp: None,
            steps: Vec::new(),
            share: Decimal::ONE,
            gas_t: None,
            value: c.value,
            value_unit: c.unit,
            exact: c.exact,
            fallbacks: String::new(),
        };
        match term_rows(&base, c).or_else(|| chain_rows(&base, c, facility)) {
            Some(rows) => out.extend(rows),
            None => out.extend(structure(&base, c, e, &plain, &gwps)),
        }
    }
    out
}

/// Whether the rows add up to the contribution's value exactly.
fn adds_up(rows: &[ExportLine], c: &Contribution) -> bool {
    rows.iter()
        .try_fold(Decimal::ZERO, |s, r| decimal::add(s, r.value).ok())
        .is_some_and(|s| s.normalize() == c.value.normalize())
}

/// A contribution the register states as calculation lines of its own (`Contribution::terms`):
/// one row each, its value the product of its columns by the rule of every line, when they
/// add up to the register's value.
fn term_rows(base: &ExportLine, c: &Contribution) -> Option<Vec<ExportLine>> {
    if c.terms.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for t in &c.terms {
        if t.steps.len() > super::MAX_STEPS {
            return None;
        }
        let mut r = base.clone();
        r.quantity = t.quantity;
        r.unit = t.unit.clone();
        r.conversion = Ratio::new(t.conversion.0, t.conversion.1);
        r.factor = t.factor.clone();
        r.gwp = t.gwp.clone();
        r.steps = t.steps.clone();
        r.share = t.share;
        r.kind = ResultKind::Register(t.result.clone());
        (r.value, r.exact) = r.evaluate()?;
        // A CO2e line without a published value is priced by a reported one (a supplier's
        // scope 1 + 2 allocated): a product all the same, not an amount.
        let priced = r.factor.is_some()
            || r.steps.iter().any(|s| !s.factors().is_empty())
            || t.result == "CO2e";
        r.method = if priced {
            Method::Product
        } else {
            Method::Activity
        };
        out.push(r);
    }
    adds_up(&out, c).then_some(out)
}

/// A contribution the register computed through the chain machinery: the rows of its
/// calculation lines that measure what the figure measures (CO2e, energy in GJ or MWh,
/// standard coal), each with the line's further steps, when they add up to its value exactly.
fn chain_rows(
    base: &ExportLine,
    c: &Contribution,
    facility: &dyn Fn(usize) -> String,
) -> Option<Vec<ExportLine>> {
    if c.lines.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for l in &c.lines {
        if l.steps.len() > super::MAX_STEPS {
            return None;
        }
        let name = facility(l.activity.facility);
        for mut r in rows(&base.file, &l.activity, &l.chain, &l.line, &name) {
            let fits = matches!(
                (&r.kind, c.unit),
                (ResultKind::Emission(_), "t CO2e")
                    | (ResultKind::Energy, "GJ" | "MWh")
                    | (ResultKind::Tce, "tce")
            );
            if !fits {
                continue;
            }
            if c.unit == "MWh" {
                r.conversion = r.conversion.over(Decimal::new(36, 1));
                r.value_unit = "MWh";
            }
            r.figure = c.figure.to_string();
            r.subject = base.subject.clone();
            r.source = "register";
            r.steps = l.steps.clone();
            if !l.steps.is_empty() || c.unit == "MWh" {
                (r.value, r.exact) = r.evaluate()?;
            }
            out.push(r);
        }
    }
    adds_up(&out, c).then_some(out)
}

/// The activities a contribution may have been computed from: its basis, then the entry's
/// other amounts (a solar row's MWh for its tce) — never an emission, which would make the
/// product a restatement of the value.
fn activities(c: &Contribution, e: &Entry) -> Vec<(Decimal, &'static str)> {
    let mut v: Vec<(Decimal, &'static str)> = c.basis.into_iter().collect();
    for p in &e.parts {
        let amount = p.basis.is_none() && !std::ptr::eq(p, c) && !p.unit.contains("CO2e");
        for q in p
            .basis
            .into_iter()
            .chain(amount.then_some((p.value, p.unit)))
        {
            if !v.contains(&q) {
                v.push(q);
            }
        }
    }
    v
}

fn structure(
    base: &ExportLine,
    c: &Contribution,
    e: &Entry,
    plain: &[&UsedFactor],
    gwps: &[&UsedFactor],
) -> Vec<ExportLine> {
    let Some(to) = scale_of(c.unit) else {
        return vec![base.clone()];
    };
    let row = |(q, qu): (Decimal, &'static str), f: Option<&UsedFactor>| -> Option<ExportLine> {
        let from = scale_of(qu)?;
        let mut r = base.clone();
        r.quantity = q;
        r.unit = qu.to_string();
        let (num, den) = match f {
            Some(f) => {
                let fu = parse_factor_unit(&f.unit).ok()?;
                (
                    decimal::mul(from, fu.num.scale).ok()?,
                    decimal::mul(fu.den.scale, to).ok()?,
                )
            }
            None => (from, to),
        };
        r.conversion = Ratio::new(num, den);
        r.factor = f.cloned();
        r.gwp = f.and_then(|f| gwp_for(f, gwps)).cloned();
        let v = r.reperform()?;
        r.value = v.value;
        r.exact = v.exact;
        r.method = if f.is_some() {
            Method::Product
        } else {
            Method::Activity
        };
        Some(r)
    };
    let same = |rows: &[ExportLine]| -> bool {
        rows.iter().all(|r| r.exact)
            && rows
                .iter()
                .try_fold(Decimal::ZERO, |s, r| decimal::add(s, r.value).ok())
                .is_some_and(|s| s.normalize() == c.value.normalize())
    };
    let acts = activities(c, e);
    // One factor (with its gas's GWP), over each candidate activity.
    for &a in &acts {
        for f in plain {
            if let Some(r) = row(a, Some(f)) {
                if same(std::slice::from_ref(&r)) {
                    return vec![r];
                }
            }
        }
    }
    // A mix (recycled content): the activity in two shares, r at one factor and 1 − r at the
    // other, where r is another amount of the entry over the activity (recycled mass ÷ mass).
    if let Some(m) = c.basis {
        let shared = |f: &UsedFactor, share: Decimal| -> Option<ExportLine> {
            let mut r = row(m, Some(f))?;
            r.share = share;
            let v = r.reperform()?;
            (r.value, r.exact) = (v.value, v.exact);
            Some(r)
        };
        for &(q, qu) in &acts {
            if qu != m.1 || q <= Decimal::ZERO || q >= m.0 {
                continue;
            }
            let Some(r) = decimal::div(q, m.0).ok().filter(|r| r.exact) else {
                continue;
            };
            let Ok(rest) = decimal::sub(Decimal::ONE, r.value) else {
                continue;
            };
            for f in plain {
                for g in plain.iter().filter(|g| g.reference != f.reference) {
                    if let (Some(x), Some(y)) = (shared(f, rest), shared(g, r.value)) {
                        let pair = [x, y];
                        if same(&pair) {
                            return pair.to_vec();
                        }
                    }
                }
            }
        }
    }
    // Two factors added (tank-to-wheel and well-to-tank), one row each.
    for &a in &acts {
        for (i, f) in plain.iter().enumerate() {
            for g in &plain[i + 1..] {
                if let (Some(x), Some(y)) = (row(a, Some(f)), row(a, Some(g))) {
                    let pair = [x, y];
                    if same(&pair) {
                        return pair.to_vec();
                    }
                }
            }
        }
    }
    // An amount (energy, mass, tonne-km, a count; never an emission): another amount of the
    // entry in a convertible unit (never the value itself, which would restate it).
    if !c.unit.contains("CO2e") {
        for a in acts.iter().copied() {
            if let Some(r) = row(a, None) {
                if same(std::slice::from_ref(&r)) {
                    return vec![r];
                }
            }
        }
    }
    vec![base.clone()]
}

/// The chains registers restate under another figure, with that figure and year, from every
/// entry's contributions (`Contribution::restates`).
pub fn restated(entries: &[Entry]) -> Vec<(crate::calc::Chain, String)> {
    entries
        .iter()
        .flat_map(|e| &e.parts)
        .filter_map(|c| {
            c.restates
                .as_ref()
                .map(|ch| ((**ch).clone(), c.figure.to_string()))
        })
        .collect()
}

/// The rows of a calculation line restated under register figures: its CO2e rows, once for
/// each figure a register restates its chain under.
pub fn restated_rows(
    rows_of_line: &[ExportLine],
    chain: &crate::calc::Chain,
    restated: &[(crate::calc::Chain, String)],
) -> Vec<ExportLine> {
    let mut out = Vec::new();
    for (_, figure) in restated.iter().filter(|(c, _)| c == chain) {
        for r in rows_of_line
            .iter()
            .filter(|r| matches!(r.kind, ResultKind::Emission(_)))
        {
            let mut r = r.clone();
            r.figure = figure.clone();
            out.push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::Step;
    use rust_decimal::dec;
    use std::sync::Arc;

    fn factor(reference: &str, value: Decimal, unit: &str) -> UsedFactor {
        UsedFactor::from(crate::calc::FactorUse {
            reference: reference.into(),
            value,
            unit: unit.into(),
            edition: reference.split(':').next().unwrap_or_default().into(),
            citation: "".into(),
        })
    }

    fn entry(steps: Vec<Option<UsedFactor>>, parts: Vec<Contribution>) -> Entry {
        Entry {
            file: Arc::from("p/bom.csv"),
            line: 4,
            what: "w".into(),
            steps: steps
                .into_iter()
                .map(|factor| Step {
                    label: "s".into(),
                    text: String::new(),
                    factor,
                })
                .collect(),
            parts,
        }
    }

    #[test]
    fn a_mass_times_a_per_tonne_factor_is_a_product() {
        // 26 g of recycled aluminium × 995.07790 kg CO2e/t = 0.0258720254 kg CO2e.
        let e = entry(
            vec![
                Some(factor("m@1:primary", dec!(9115.90131), "kg CO2e/t")),
                Some(factor("m@1:closed", dec!(995.07790), "kg CO2e/t")),
            ],
            vec![Contribution::new("f", 2025, dec!(0.0258720254), "kg CO2e")
                .with_basis(dec!(0.026), "kg")],
        );
        let rows = entry_lines(&e, &|i| i.to_string());
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.method, Method::Product, "{r:?}");
        assert_eq!(r.factor.as_ref().map(|f| &*f.reference), Some("m@1:closed"));
        assert_eq!(r.conversion.text(), "0.001");
        assert_eq!(r.file, "bom.csv");
    }

    #[test]
    fn a_recycled_content_mix_is_two_shares_of_the_mass() {
        // 520 g, 50% recycled: 0.52 × 0.5 × 9115.90131 / 1000 + 0.52 × 0.5 × 995.07790 / 1000
        // = 2.3701343406 + 0.258720254 = 2.6288545946 kg CO2e (the fixture's laptop chassis).
        let e = entry(
            vec![
                Some(factor("m@1:primary", dec!(9115.90131), "kg CO2e/t")),
                Some(factor("m@1:closed", dec!(995.07790), "kg CO2e/t")),
            ],
            vec![
                Contribution::new("f", 2025, dec!(2.6288545946), "kg CO2e")
                    .with_basis(dec!(0.52), "kg"),
                Contribution::new("f.mass.recycled", 2025, dec!(0.26), "kg"),
            ],
        );
        let rows = entry_lines(&e, &|i| i.to_string());
        let mix: Vec<_> = rows.iter().filter(|r| r.figure == "f").collect();
        assert_eq!(mix.len(), 2);
        assert_eq!(
            mix.iter()
                .map(|r| (r.share, r.value, r.method))
                .collect::<Vec<_>>(),
            [
                (dec!(0.5), dec!(2.3701343406), Method::Product),
                (dec!(0.5), dec!(0.258720254), Method::Product)
            ]
        );
        // The scooter frame: 8.5 kg, 30% recycled: 8.5 × 0.7 × 9.11590131 = 54.2396127945 and
        // 8.5 × 0.3 × 0.99507790 = 2.537448645, together 56.7770614395 kg CO2e.
        let e = entry(
            vec![
                Some(factor("m@1:primary", dec!(9115.90131), "kg CO2e/t")),
                Some(factor("m@1:closed", dec!(995.07790), "kg CO2e/t")),
            ],
            vec![
                Contribution::new("f", 2025, dec!(56.7770614395), "kg CO2e")
                    .with_basis(dec!(8.5), "kg"),
                Contribution::new("f.mass.recycled", 2025, dec!(2.55), "kg"),
            ],
        );
        let values: Vec<_> = entry_lines(&e, &|i| i.to_string())
            .into_iter()
            .filter(|r| r.figure == "f")
            .map(|r| (r.share, r.value))
            .collect();
        assert_eq!(
            values,
            [
                (dec!(0.7), dec!(54.2396127945)),
                (dec!(0.3), dec!(2.537448645))
            ]
        );
    }

    #[test]
    fn a_value_no_product_reaches_is_given_not_plugged() {
        // 50% recycled: (0.5 × 9115.90131 + 0.5 × 995.07790) × 0.52 kg / 1000 — a mix.
        let e = entry(
            vec![
                Some(factor("m@1:primary", dec!(9115.90131), "kg CO2e/t")),
                Some(factor("m@1:closed", dec!(995.07790), "kg CO2e/t")),
            ],
            vec![Contribution::new("f", 2025, dec!(2.6288545946), "kg CO2e")
                .with_basis(dec!(0.52), "kg")],
        );
        let rows = entry_lines(&e, &|i| i.to_string());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].method, Method::Given);
        assert_eq!(rows[0].value, dec!(2.6288545946));
    }
}
