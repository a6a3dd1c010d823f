//! The contribution table of one product footprint: the materials stage split by component,
//! then every other stage. Its lines are figures of the ledger, so they add up to the
//! footprint exactly (each row contributed the same exact value to both). Reads figures only.

use crate::decimal::{self, CalcError};
use crate::ledger::Ledger;
use rust_decimal::Decimal;

/// One line of a contribution table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionLine {
    /// `materials` or a stage name.
    pub stage: String,
    /// The component, for materials lines.
    pub component: Option<String>,
    /// The figure the line shows.
    pub figure: String,
    /// kg CO2e per functional unit, exact.
    pub kg_co2e: Decimal,
}

/// The product ids that have a footprint figure, in report order.
pub fn product_ids(ledger: &Ledger) -> Vec<String> {
    ledger
        .register_names
        .iter()
        .filter_map(|n| {
            n.strip_prefix("product.")
                .and_then(|r| r.strip_suffix(".footprint"))
                .filter(|id| !id.contains('.'))
                .map(str::to_string)
        })
        .collect()
}

/// The contribution lines of `id` in `year` and their exact sum, or `None` when the product
/// has no footprint that year. The sum equals `product.<id>.footprint`; the caller may check.
pub fn contribution_table(
    ledger: &Ledger,
    id: &str,
    year: i32,
) -> Result<Option<(Vec<ContributionLine>, Decimal)>, CalcError> {
    let prefix = format!("product.{id}.");
    let mut lines = Vec::new();
    let mut stages = Vec::new();
    for n in &ledger.register_names {
        let Some(rest) = n.strip_prefix(&prefix) else {
            continue;
        };
        if let Some(c) = rest
            .strip_prefix("component.")
            .and_then(|c| c.strip_suffix(".footprint"))
        {
            if let Some(f) = ledger.figure(n, year)? {
                lines.push(ContributionLine {
                    stage: "materials".into(),
                    component: Some(c.to_string()),
                    figure: n.clone(),
                    kg_co2e: f.value,
                });
            }
        } else if let Some(s) = rest.strip_prefix("stage.") {
            if s != "materials" {
                if let Some(f) = ledger.figure(n, year)? {
                    stages.push(ContributionLine {
                        stage: s.to_string(),
                        component: None,
                        figure: n.clone(),
                        kg_co2e: f.value,
                    });
                }
            }
        }
    }
    lines.extend(stages);
    if lines.is_empty() {
        return Ok(None);
    }
    let mut sum = Decimal::ZERO;
    for l in &lines {
        sum = decimal::add(sum, l.kg_co2e)?;
    }
    Ok(Some((lines, sum)))
}
