//! `facility_changes.csv`: a facility's equity share or control changing on a date (a stake
//! bought or sold, control gained or lost, GHG Protocol Corporate Standard ch. 3 and 5). Each
//! row gives the first day of the new terms; a blank value keeps the terms before it. Rows of
//! the activity files that span a change are split by days at it (`split::segments`), each
//! part calculated under its own terms.

use super::dates::Day;
use super::facility::Facilities;
use crate::diag::{Diagnostic, Span};
use crate::ingest::{read_table, Column};
use rust_decimal::Decimal;
use std::io::Read;
use std::sync::Arc;

/// What decides a facility's consolidation share on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Terms {
    /// The organisation's equity share, as a fraction (0–1).
    pub equity_share: Decimal,
    /// Whether the organisation has operational control.
    pub operational_control: bool,
    /// Whether the organisation has financial control.
    pub financial_control: bool,
}

/// A change of a facility's terms, in force from `from` (included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsChange {
    /// First day of the new terms.
    pub from: Day,
    /// The terms from that day on (blank values of the row filled from the terms before).
    pub terms: Terms,
    /// Where the change was written.
    pub span: Span,
}

/// The columns of `facility_changes.csv`.
pub const COLUMNS: [Column; 6] = [
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "date",
        required: true,
    },
    Column {
        name: "equity_share_pct",
        required: false,
    },
    Column {
        name: "operational_control",
        required: false,
    },
    Column {
        name: "financial_control",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
];

/// One row as written: (facility index, date, share, operational, financial, span).
type Written = (
    usize,
    Day,
    Option<Decimal>,
    Option<bool>,
    Option<bool>,
    Span,
);

/// Reads `facility_changes.csv` into the facilities' `changes`, in date order.
pub fn read_facility_changes<R: Read>(
    file: &Arc<str>,
    input: R,
    facilities: &mut Facilities,
) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut rows: Vec<Written> = Vec::new();
    let res = read_table(file, input, &COLUMNS, |row| {
        if let Some(d) = row.shape_error() {
            diags.push(d);
            return;
        }
        let id = row.get(0);
        let Some(facility) = facilities.index_of(id) else {
            let known = facilities.ids().join(", ");
            let (msg, hint) = if id.is_empty() {
                (
                    "facility is empty".to_string(),
                    format!("known facilities: {known}"),
                )
            } else {
                (
                    format!("facility `{id}` is not in facilities.csv"),
                    format!("known facilities: {known}"),
                )
            };
            let code = if id.is_empty() {
                "missing-value"
            } else {
                "unknown-facility"
            };
            diags.push(
                Diagnostic::error(code, row.span_of(0), msg)
                    .with_hint(hint)
                    .with_source(row.text()),
            );
            return;
        };
        let date = match row.get(1) {
            "" => {
                diags.push(
                    Diagnostic::error("missing-value", row.span_of(1), "a change needs its date")
                        .with_hint("the first day of the new share or control, YYYY-MM-DD")
                        .with_source(row.text()),
                );
                return;
            }
            t => match Day::parse(t) {
                Some(d) => d,
                None => {
                    diags.push(
                        Diagnostic::error(
                            "bad-date",
                            row.span_of(1),
                            format!("`{t}` is not a date"),
                        )
                        .with_hint("write the day as YYYY-MM-DD, e.g. 2025-07-01")
                        .with_source(row.text()),
                    );
                    return;
                }
            },
        };
        let share = match row.get(2) {
            "" => None,
            _ => super::facility::parse_share(row, 2, &mut diags),
        };
        let flag = |col: usize, name: &str, diags: &mut Vec<Diagnostic>| match row.get(col) {
            "" => None,
            _ => Some(super::facility::parse_bool(row, col, name, diags)),
        };
        let op = flag(3, "operational_control", &mut diags);
        let fin = flag(4, "financial_control", &mut diags);
        if row.get(2).is_empty() && op.is_none() && fin.is_none() {
            diags.push(
                Diagnostic::error("missing-value", row.span_of(2), "a change changes nothing")
                    .with_hint("give the new equity_share_pct, operational_control or financial_control (blank keeps the value before)")
                    .with_source(row.text()),
            );
            return;
        }
        if let Some((.., span)) = rows.iter().find(|r| r.0 == facility && r.1 == date) {
            diags.push(
                Diagnostic::error(
                    "duplicate-change",
                    row.span_of(1),
                    format!("{id} already changes on {date} (line {})", span.line),
                )
                .with_hint(
                    "write one row per facility and date, with every value that changes that day",
                )
                .with_source(row.text()),
            );
            return;
        }
        rows.push((facility, date, share, op, fin, row.span()));
    });
    if let Err(mut d) = res {
        diags.append(&mut d);
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    rows.sort_by_key(|r| (r.0, r.1));
    for (facility, from, share, op, fin, span) in rows {
        let f = &mut facilities.list[facility];
        let before = f.terms(f.changes.len());
        f.changes.push(TermsChange {
            from,
            terms: Terms {
                equity_share: share.unwrap_or(before.equity_share),
                operational_control: op.unwrap_or(before.operational_control),
                financial_control: fin.unwrap_or(before.financial_control),
            },
            span,
        });
    }
    Ok(())
}
