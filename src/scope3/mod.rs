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

mod companion;
mod passenger;
mod row;
mod sold;

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
    let trips = passenger::prepare(project, &resolver);
    let mut used_ops = std::collections::BTreeSet::new();
    let mut stages: Option<Vec<crate::products::StageLine>> = None;
    // Every row's fields (trimmed, in the columns' order) and its line: a row equal to an
    // earlier one in every column is a copy (a second purchase says so in `note`).
    let mut seen: std::collections::HashMap<Vec<String>, u64> = std::collections::HashMap::new();
    let read = read_optional(project, Input::Scope3, &COLUMNS, |r| {
        let (parsed, mut diags, left_out) = parse(r, &project.manifest);
        let identity: Vec<String> = (0..COLUMNS.len())
            .map(|i| r.get(i).trim().to_string())
            .collect();
        if let Some(first) = seen.insert(identity, r.line()) {
            let d = row::error(
                r,
                "duplicate-row",
                0,
                format!("the same row as line {first} (every column equal): a copy would be counted twice"),
                Some("remove the copy; if it is a second purchase or trip, say so in `note`".into()),
            );
            return (vec![d], left_out);
        }
        let Some(p) = parsed else {
            return (diags, left_out);
        };
        if let Some(id) = &p.operation {
            let priced = match &trips {
                Some(t) => passenger::calculate(t, project, ctx.strict, &p),
                None => Err(crate::calc::ResolveError {
                    code: "unknown-operation",
                    message: format!("operation `{id}`: the project has no operations.csv"),
                    hint: "describe the operation's energy and activity in operations.csv".into(),
                    column: "operation",
                }),
            };
            match priced {
                Ok((parts, steps)) => {
                    used_ops.insert((id.clone(), p.year));
                    for c in &parts {
                        if !names.iter().any(|n| *n == *c.figure) {
                            names.push(c.figure.to_string());
                        }
                    }
                    sink(Entry {
                        file: file.clone(),
                        line: r.line(),
                        what: format!(
                            "category {}: {} (operation {id})",
                            p.category, p.description
                        ),
                        steps,
                        parts,
                    });
                }
                Err(e) => diags.push(row::error(
                    r,
                    e.code,
                    row::OPERATION,
                    e.message,
                    Some(e.hint),
                )),
            }
            return (diags, left_out);
        }
        if p.product.is_some() {
            let lines = stages.get_or_insert_with(|| sold::read(project));
            match sold::calculate(
                project,
                &resolver,
                lines,
                &p,
                (row::PRODUCT, row::FACTOR_COLUMN),
            ) {
                Ok((c, steps)) => {
                    if !names.iter().any(|n| *n == *c.figure) {
                        names.push(c.figure.to_string());
                    }
                    sink(Entry {
                        file: file.clone(),
                        line: r.line(),
                        what: format!("category {}: {}", p.category, p.description),
                        steps,
                        parts: vec![c],
                    });
                }
                Err((code, column, message, hint)) => {
                    diags.push(row::error(r, code, column, message, hint));
                }
            }
            return (diags, left_out);
        }
        match calculate(project, &resolver, &p) {
            Ok(row::Calculated {
                kg,
                exact,
                mut steps,
                term,
            }) => {
                let figure = format!("ghg.scope3.cat{}", p.category);
                if !names.contains(&figure) {
                    names.push(figure.clone());
                }
                let wtt = match companion::wtt(project, &resolver, &p) {
                    Some(Ok(w)) => Some(w),
                    Some(Err(note)) => {
                        steps.push(step("wtt", note));
                        None
                    }
                    None => None,
                };
                let value = crate::decimal::div(kg, rust_decimal::Decimal::ONE_THOUSAND);
                match value {
                    Ok(t) => {
                        let mut c = Contribution::new(figure.clone(), p.year, t.value, "t CO2e")
                            .with_basis(p.quantity, p.unit.symbol);
                        c.exact = exact && t.exact;
                        // The lines: a factor row's (companion), or a supplier allocation's
                        // in t CO2e (the register's kg ÷ 1000, as the value is).
                        c.terms = match term {
                            None => companion::lines(project, &resolver, &p),
                            Some(mut l) => crate::decimal::mul(
                                l.conversion.1,
                                rust_decimal::Decimal::ONE_THOUSAND,
                            )
                            .map(|d| {
                                l.conversion.1 = d;
                                vec![l]
                            })
                            .unwrap_or_default(),
                        };
                        sink(Entry {
                            file: file.clone(),
                            line: r.line(),
                            what: format!("category {}: {}", p.category, p.description),
                            steps,
                            parts: vec![c],
                        });
                        if let Some((parts, wsteps)) = wtt {
                            let name = format!("{figure}.wtt");
                            if !names.contains(&name) {
                                names.push(name);
                            }
                            sink(Entry {
                                file: file.clone(),
                                line: r.line(),
                                what: format!(
                                    "category {}: {} — well-to-tank",
                                    p.category, p.description
                                ),
                                steps: wsteps,
                                parts,
                            });
                        }
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
    if let Some(t) = &trips {
        report
            .diagnostics
            .extend(passenger::unused(project, t, &used_ops));
    }
    names.sort_by_key(|n| {
        let rest = n.trim_start_matches("ghg.scope3.cat");
        let (num, sub) = rest.split_once('.').unwrap_or((rest, ""));
        (num.parse::<u8>().unwrap_or(0), sub.to_string())
    });
    report.names = names;
    report
}

/// A trace step with no factor.
fn step(label: &'static str, text: String) -> Step {
    Step {
        label: label.into(),
        text,
        factor: None,
    }
}
