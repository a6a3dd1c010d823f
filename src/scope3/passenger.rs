//! Trips of `scope3.csv` priced by a passenger transport operation of `operations.csv` (ISO
//! 14083 passenger transport): a company shuttle's or a chartered coach's own fuel over the
//! passenger-km it carried. The operation's activity is stated, or — left empty — the sum of
//! the trips that name it (a round, allocated to them by passenger-km). The calculation is the
//! freight elements' (`crate::freight::element`), so the lines are the same.

use super::row::{parse, Row, COLUMNS};
use crate::calc::{Resolver, Step};
use crate::freight::element::{self, Allocated, OpContext};
use crate::freight::operation::{self, Operations};
use crate::ingest::read_table;
use crate::project::{Input, Project};
use crate::register::Contribution;
use crate::units::DimKind;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The operations and the rounds' passenger-km, read once per run.
pub struct Passenger {
    ops: Operations,
    allocated: Allocated,
    file: Arc<str>,
}

/// Reads operations.csv (its problems are reported by the freight register) and sums the
/// passenger-km of the scope3.csv rows that name each operation; `None` when no row names one.
pub fn prepare(project: &Project, resolver: &Resolver<'_>) -> Option<Passenger> {
    let file = project.shown(Input::Scope3);
    let f = std::fs::File::open(project.path(Input::Scope3)).ok()?;
    let mut trips: Vec<Row> = Vec::new();
    let _ = read_table(&file, std::io::BufReader::new(f), &COLUMNS, |r| {
        if let (Some(row), _, _) = parse(r, &project.manifest) {
            if row.operation.is_some() {
                trips.push(row);
            }
        }
    });
    if trips.is_empty() {
        return None;
    }
    let (ops, _) = operation::read(project, resolver);
    let mut allocated = Allocated::new();
    for t in &trips {
        let Some(id) = &t.operation else { continue };
        let year = t.year;
        if let Some(a) = element::passenger_allocation(&ops, id, year, (t.quantity, t.unit)) {
            let sum = allocated.entry((id.clone(), year)).or_default();
            *sum = sum.checked_add(a).unwrap_or(*sum);
        }
    }
    Some(Passenger {
        ops,
        allocated,
        file,
    })
}

/// A trip's contributions (its category, and its well-to-tank part under `.wtt`) and trace.
pub fn calculate(
    p: &Passenger,
    project: &Project,
    strict: bool,
    row: &Row,
) -> Result<(Vec<Contribution>, Vec<Step>), crate::calc::ResolveError> {
    let id = row.operation.as_deref().unwrap_or_default();
    let year = row.year;
    let cx = OpContext {
        project,
        strict,
        file: &p.file,
        ops: &p.ops,
        allocated: &p.allocated,
        uniform: &element::NO_ROUNDS,
    };
    let mut steps = vec![Step {
        label: "activity".into(),
        text: format!(
            "{} {} ({}), on passenger operation {id}",
            row.quantity, row.unit.symbol, row.description
        ),
        factor: None,
    }];
    let (ttw, wtt, exact, ttw_terms, wtt_terms) =
        element::passenger_shares(cx, id, year, (row.quantity, row.unit), &mut steps)?;
    let t = |kg: Decimal| kg.checked_div(Decimal::ONE_THOUSAND).unwrap_or_default();
    let cat = format!("ghg.scope3.cat{}", row.category);
    let part = |figure: String, kg: Decimal, terms: Vec<crate::register::Term>| {
        let mut c = Contribution::new(figure, year, t(kg), "t CO2e")
            .with_basis(row.quantity, row.unit.symbol);
        c.exact = exact;
        c.terms = terms;
        c
    };
    let wtw = ttw.checked_add(wtt.unwrap_or_default()).unwrap_or(ttw);
    let mut parts = vec![part(
        cat.clone(),
        wtw,
        ttw_terms.iter().chain(wtt_terms.iter()).cloned().collect(),
    )];
    if let Some(w) = wtt {
        parts.push(part(format!("{cat}.wtt"), w, wtt_terms));
    }
    Ok((parts, steps))
}

/// A warning for each passenger operation no trip named.
pub fn unused(
    project: &Project,
    p: &Passenger,
    used: &BTreeSet<(String, i32)>,
) -> Vec<crate::diag::Diagnostic> {
    let mut all = used.clone();
    // Freight operations are the freight register's to warn about.
    for op in p.ops.all() {
        if op.basis.kind != DimKind::PassengerDistance {
            all.insert((op.id.clone(), op.year));
        }
    }
    crate::freight::unused_operations(&project.shown(Input::Operations), &p.ops, &all)
        .into_iter()
        .map(|d| d.with_hint("name it in the `operation` column of the scope3.csv trips it carried, or remove it"))
        .collect()
}
