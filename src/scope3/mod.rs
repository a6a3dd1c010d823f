//! Register `scope3`: the scope 3 categories other than the energy rows' category 3 and the
//! freight legs, one row of `scope3.csv` per purchase, trip, stay, waste stream or supplier
//! allocation. Each row becomes one entry whose contribution goes to `ghg.scope3.cat<N>` (the
//! ledger adds it to `ghg.scope3`). It must not price energy rows or freight legs again.
//!
//! Methods (GHG Protocol, Technical Guidance for Calculating Scope 3 Emissions, 2013, ch. 1 and
//! Appendix D): `average_data` and `spend_based` multiply the quantity by a cited factor (a spend
//! factor only in its own currency and price year); `supplier_specific` allocates a supplier's
//! scope 1 and 2 to what was bought by a stated basis; `hybrid` rows are either that
//! allocation or an average-data line (material inputs, transport, waste) of the same supplier.

mod row;

/// The columns of `scope3.csv`.
pub use row::COLUMNS as SCOPE3_COLUMNS;

use crate::calc::{ResolveOptions, Resolver, Step};
use crate::project::{Input, Project};
use crate::register::fields::read_optional;
use crate::register::{Context, Contribution, Entry, Report};
use row::{calculate, parse, COLUMNS};

/// Reads `scope3.csv` (absent: nothing) and sends one entry per row.
pub fn register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let mut report = Report::default();
    let project: &Project = ctx.project;
    let resolver = Resolver::new(project, ResolveOptions { strict: ctx.strict });
    let file = project.shown(Input::Scope3);
    let mut names: Vec<String> = Vec::new();
    let read = read_optional(project, Input::Scope3, &COLUMNS, |r| {
        let (parsed, mut diags, left_out) = parse(r, &project.manifest.reporting_years);
        let Some(p) = parsed else {
            return (diags, left_out);
        };
        match calculate(project, &resolver, &p) {
            Ok((kg, exact, steps)) => {
                let figure = format!("ghg.scope3.cat{}", p.category);
                if !names.contains(&figure) {
                    names.push(figure.clone());
                }
                let value = crate::decimal::div(kg, rust_decimal::Decimal::ONE_THOUSAND);
                match value {
                    Ok(t) => {
                        let mut c = Contribution::new(figure, p.period.year(), t.value, "t CO2e")
                            .with_basis(p.quantity, p.unit.symbol);
                        c.exact = exact && t.exact;
                        sink(Entry {
                            file: file.clone(),
                            line: r.line(),
                            what: format!("category {}: {}", p.category, p.description),
                            steps,
                            parts: vec![c],
                        });
                    }
                    Err(e) => diags.push(row::error(r, "overflow", 3, e.to_string(), None)),
                }
            }
            Err((code, column, message, hint)) => {
                diags.push(row::error(r, code, column, message, hint));
            }
        }
        (diags, left_out)
    });
    if let Some((stats, diags)) = read {
        report.files.push(stats);
        report.diagnostics.extend(diags);
    }
    names.sort_by_key(|n| {
        n.trim_start_matches("ghg.scope3.cat")
            .parse::<u8>()
            .unwrap_or(0)
    });
    report.names = names;
    report
}

/// A trace step with no factor.
fn step(label: &str, text: String) -> Step {
    Step {
        label: label.to_string(),
        text,
        factor: None,
    }
}
