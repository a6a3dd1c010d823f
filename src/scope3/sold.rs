//! Categories 11 and 12 tied to the product footprints already in the project: a row of
//! `scope3.csv` naming a product of `products.csv` (its `product` column) takes, for the units
//! sold, that product's use-phase lines (category 11: energy per year × lifetime years, from
//! `product_stages.csv` stage `use`) or its end-of-life lines (category 12: mass per unit,
//! stage `end_of_life`), priced by the row's own factor when it gives one (the market's grid
//! factor for the year sold, the market's treatment route) or else the stage line's. One
//! calculation line per stage line, so the product and the inventory cannot disagree on the
//! energy or mass per unit.

use super::row::{Row, RowError};
use crate::calc::{Resolver, Step};
use crate::decimal;
use crate::products::{apply_factor_value, read_stages, resolve_factor, Stage, StageLine};
use crate::project::Project;
use crate::register::{Contribution, Term, TermStep};
use rust_decimal::Decimal;

/// The stage lines of every product, read once per run (their problems are the products
/// register's to report).
pub fn read(project: &Project) -> Vec<StageLine> {
    let mut ignored = Vec::new();
    read_stages(project, &mut ignored).rows
}

/// The stage a category takes from a product: 11 use, 12 end of life.
pub fn stage_of(category: u8) -> Option<Stage> {
    match category {
        11 => Some(Stage::Use),
        12 => Some(Stage::EndOfLife),
        _ => None,
    }
}

/// The contribution of a product row (units sold × each stage line × its factor) and its
/// trace. `column` is the index of the row's `product` column, `factor_col` its `factor`'s.
pub fn calculate(
    project: &Project,
    resolver: &Resolver<'_>,
    stages: &[StageLine],
    row: &Row,
    (column, factor_col): (usize, usize),
) -> Result<(Contribution, Vec<Step>), RowError> {
    let id = row.product.as_deref().unwrap_or_default();
    let year = row.year;
    let ov = |e: decimal::CalcError| ("overflow", column, e.to_string(), None);
    let Some(stage) = stage_of(row.category) else {
        return Err((
            "method-mismatch",
            column,
            "a product's lines serve category 11 (use) or 12 (end of life)".into(),
            None,
        ));
    };
    let lines: Vec<&StageLine> = stages
        .iter()
        .filter(|l| l.product == id && l.stage == stage)
        .collect();
    if lines.is_empty() {
        return Err((
            "unknown-product",
            column,
            format!("product `{id}` has no `{}` line in product_stages.csv", stage.name()),
            Some("give the product's stage in product_stages.csv, or price the row with per_item and a factor".into()),
        ));
    }
    let mut steps = vec![Step {
        label: "activity".into(),
        text: format!(
            "{} {} of product {id} sold ({}); its {} lines from product_stages.csv",
            row.quantity,
            row.unit.symbol,
            row.description,
            stage.name()
        ),
        factor: None,
    }];
    let (mut kg, mut exact, mut terms) = (Decimal::ZERO, true, Vec::new());
    for l in lines {
        let Some(r) = row.factor.as_ref().or(l.factor.as_ref()) else {
            return Err((
                "missing-factor",
                factor_col,
                format!("product_stages.csv line {} has no factor, and the row gives none", l.line),
                Some("name the market's factor in `factor` (the grid of the country sold in, for category 11)".into()),
            ));
        };
        let f = resolve_factor(project, resolver, r, year, l.unit.kind)
            .map_err(|e| (e.code, factor_col, e.message, Some(e.hint)))?;
        let years = l.years.unwrap_or(Decimal::ONE);
        let q =
            decimal::mul(decimal::mul(row.quantity, l.quantity).map_err(ov)?, years).map_err(ov)?;
        let (v, e) = apply_factor_value(
            q,
            l.unit,
            f.used.value,
            f.num_scale,
            f.gwp.as_ref().map(|(g, _)| *g),
            f.den,
        )
        .map_err(ov)?;
        steps.push(Step {
            label: "CO2e".into(),
            text: format!(
                "{} items × {} {} per unit (line {}){} × {} = {} {} → {}{} kg CO2e",
                row.quantity,
                l.quantity,
                l.unit.symbol,
                l.line,
                l.years
                    .map_or_else(String::new, |y| format!(" × {y} years")),
                f.used.reference,
                f.used.value,
                f.used.unit,
                if e { "" } else { "≈" },
                v
            ),
            factor: Some(f.used.clone()),
        });
        kg = decimal::add(kg, v).map_err(ov)?;
        exact &= e;
        let mut t = Term::of(row.quantity, row.unit.symbol, "CO2e").then(TermStep::input(
            "per unit",
            l.quantity,
            Decimal::ONE,
            l.unit.symbol,
            format!(
                "product_stages.csv line {} ({id}, {})",
                l.line,
                stage.name()
            ),
        ));
        if let Some(y) = l.years {
            t = t.then(TermStep::input(
                "years",
                y,
                Decimal::ONE,
                "1",
                format!("product_stages.csv line {} years", l.line),
            ));
        }
        t.conversion = (
            decimal::mul(l.unit.scale, f.num_scale).map_err(ov)?,
            decimal::mul(f.den.scale, Decimal::ONE_THOUSAND).map_err(ov)?,
        );
        t.factor = Some(f.used.clone());
        t.gwp = f.gwp.as_ref().map(|(_, g)| g.clone());
        terms.push(t);
    }
    let t = decimal::div(kg, Decimal::ONE_THOUSAND).map_err(ov)?.value;
    let mut c = Contribution::new(format!("ghg.scope3.cat{}", row.category), year, t, "t CO2e")
        .with_basis(row.quantity, row.unit.symbol);
    c.exact = exact;
    c.terms = terms;
    Ok((c, steps))
}
