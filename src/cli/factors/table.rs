//! The tables of `factors list|show|diff`: for a terminal (`table`) and, with exact values,
//! as CSV (`csv`: one row per edition, value or changed key, header first).

use carbonledger::decimal::{self, RoundingRule};
use carbonledger::factors::{Edition, EditionChange, FactorDef};
use carbonledger::report::{Cell, Table};
use rust_decimal::Decimal;

/// One row per edition.
pub fn editions<'a>(title: &str, list: impl Iterator<Item = &'a Edition>) -> Table {
    let mut t = Table::new(
        title,
        &[
            "edition",
            "values",
            "description",
            "published",
            "confidence",
            "origin",
        ],
    );
    for e in list {
        t.push(vec![
            Cell::Text(e.id()),
            Cell::Num(e.factors.len().to_string()),
            Cell::Text(e.description.clone()),
            Cell::Text(e.citation.published.clone()),
            Cell::Text(e.verification.confidence.clone()),
            Cell::Text(e.origin.clone()),
        ]);
    }
    t
}

/// One row per value, exact as published, with the edition it belongs to.
pub fn values<'a>(ed: &Edition, list: impl Iterator<Item = &'a FactorDef>) -> Table {
    let mut t = Table::new(
        "",
        &[
            "edition", "key", "value", "unit", "gas", "basis", "table", "note",
        ],
    );
    for d in list {
        t.push(vec![
            Cell::Text(ed.id()),
            Cell::Text(d.key.clone()),
            Cell::Num(d.value.to_string()),
            Cell::Text(d.unit_text.clone()),
            Cell::Text(d.gas.clone().unwrap_or_default()),
            Cell::Text(d.basis.clone()),
            Cell::Text(d.table.clone()),
            Cell::Text(d.note.clone()),
        ]);
    }
    t
}

/// The change in per cent, to 0.1, when the unit is the same and the old value is not zero.
fn percent(from: Decimal, to: Decimal, same_unit: bool) -> String {
    if from.is_zero() || !same_unit {
        return "–".to_string();
    }
    decimal::sub(to, from)
        .ok()
        .and_then(|d| decimal::mul(d, Decimal::ONE_HUNDRED).ok())
        .and_then(|d| decimal::div(d, from).ok())
        .map_or("–".into(), |q| {
            format!("{}%", RoundingRule::HalfAwayFromZero.round(q.value, 1))
        })
}

/// The changed keys for reading: old and new value side by side, the change in per cent.
pub fn diff_for_reading(a: &str, b: &str, changes: &[EditionChange]) -> Table {
    let mut t = Table::new(
        format!(
            "{a} → {b}: {} change{}",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        ),
        &["key", a, b, "change", "unit"],
    );
    for c in changes {
        t.push(match c {
            EditionChange::Changed {
                key,
                from,
                to,
                unit_from,
                unit_to,
            } => vec![
                Cell::Text(key.clone()),
                Cell::Num(from.to_string()),
                Cell::Num(to.to_string()),
                Cell::Num(percent(*from, *to, unit_from == unit_to)),
                Cell::Text(if unit_from == unit_to {
                    unit_from.clone()
                } else {
                    format!("{unit_from} → {unit_to}")
                }),
            ],
            EditionChange::Added { key, value, unit } => vec![
                Cell::Text(key.clone()),
                Cell::Num("–".into()),
                Cell::Num(value.to_string()),
                Cell::Text("added".into()),
                Cell::Text(unit.clone()),
            ],
            EditionChange::Removed { key, value, unit } => vec![
                Cell::Text(key.clone()),
                Cell::Num(value.to_string()),
                Cell::Num("–".into()),
                Cell::Text("removed".into()),
                Cell::Text(unit.clone()),
            ],
        });
    }
    t
}

/// The changed keys as CSV rows, the columns of the JSON (`key, change, from, to, unit_from,
/// unit_to`), empty where the JSON leaves a property out.
pub fn diff_exact(changes: &[EditionChange]) -> Table {
    let mut t = Table::new("", &["key", "change", "from", "to", "unit_from", "unit_to"]);
    let none = || Cell::Text(String::new());
    for c in changes {
        t.push(match c {
            EditionChange::Changed {
                key,
                from,
                to,
                unit_from,
                unit_to,
            } => vec![
                Cell::Text(key.clone()),
                Cell::Text("changed".into()),
                Cell::Num(from.to_string()),
                Cell::Num(to.to_string()),
                Cell::Text(unit_from.clone()),
                Cell::Text(unit_to.clone()),
            ],
            EditionChange::Added { key, value, unit } => vec![
                Cell::Text(key.clone()),
                Cell::Text("added".into()),
                none(),
                Cell::Num(value.to_string()),
                none(),
                Cell::Text(unit.clone()),
            ],
            EditionChange::Removed { key, value, unit } => vec![
                Cell::Text(key.clone()),
                Cell::Text("removed".into()),
                Cell::Num(value.to_string()),
                none(),
                Cell::Text(unit.clone()),
                none(),
            ],
        });
    }
    t
}
