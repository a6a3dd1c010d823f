//! `facilities.csv`: the organisational boundary. Small, so read whole and indexed by id.

use crate::decimal::parse_amount;
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{read_table, Column, RowRef};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::io::Read;
use std::sync::Arc;

/// One facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    /// Identifier used by the activity files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The grid factor of the facility's electricity, `SET:KEY` (edition per year), if any.
    pub grid: Option<FactorRef>,
    /// The organisation's equity share, as a fraction (0–1).
    pub equity_share: Decimal,
    /// Whether the organisation has operational control.
    pub operational_control: bool,
    /// Whether the organisation has financial control.
    pub financial_control: bool,
    /// Where it was defined.
    pub span: Span,
    /// Where its `grid` was written (the row's span when the column is absent).
    pub grid_span: Span,
}

/// All facilities by id.
#[derive(Debug, Clone, Default)]
pub struct Facilities {
    /// In id order.
    pub list: Vec<Facility>,
    by_id: FxHashMap<String, usize>,
}

impl Facilities {
    /// The index of a facility by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
    /// Known ids, for hints.
    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|f| f.id.as_str()).collect()
    }
}

/// The columns of `facilities.csv`.
pub const COLUMNS: [Column; 7] = [
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "name",
        required: true,
    },
    Column {
        name: "country",
        required: true,
    },
    Column {
        name: "grid",
        required: false,
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
];

fn parse_bool(row: &RowRef<'_>, col: usize, name: &str, diags: &mut Vec<Diagnostic>) -> bool {
    match row.get(col).to_ascii_lowercase().as_str() {
        "" | "yes" | "y" | "true" | "1" | "是" => true,
        "no" | "n" | "false" | "0" | "否" => false,
        other => {
            diags.push(
                Diagnostic::error(
                    "bad-boolean",
                    row.span_of(col),
                    format!("`{other}` in column `{name}` is not yes or no"),
                )
                .with_source(row.text()),
            );
            true
        }
    }
}

/// Reads `facilities.csv`.
pub fn read_facilities<R: Read>(file: &Arc<str>, input: R) -> Result<Facilities, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = Facilities::default();
    let res = read_table(file, input, &COLUMNS, |row| {
        if let Some(d) = row.shape_error() {
            diags.push(d);
            return;
        }
        let id = row.get(0);
        if id.is_empty() {
            diags.push(
                Diagnostic::error("missing-value", row.span_of(0), "facility id is empty")
                    .with_source(row.text()),
            );
            return;
        }
        if out.by_id.contains_key(id) {
            diags.push(
                Diagnostic::error(
                    "duplicate-facility",
                    row.span_of(0),
                    format!("facility `{id}` is defined twice"),
                )
                .with_source(row.text()),
            );
            return;
        }
        let country = row.get(2);
        if country.is_empty() {
            diags.push(
                Diagnostic::error("missing-value", row.span_of(2), "country is empty")
                    .with_hint("write the ISO 3166-1 alpha-2 code, e.g. CN, GB, US, AU, DE")
                    .with_source(row.text()),
            );
        } else if !super::is_country_code(country) {
            let hint = match super::suggest_country(country) {
                Some(c) => format!("write the ISO 3166-1 alpha-2 code: `{c}`"),
                None => "write the ISO 3166-1 alpha-2 code, e.g. CN, GB, US, AU, DE".to_string(),
            };
            diags.push(
                Diagnostic::error(
                    "unknown-country",
                    row.span_of(2),
                    format!("`{country}` is not an ISO 3166-1 alpha-2 country code"),
                )
                .with_hint(hint)
                .with_source(row.text()),
            );
        }
        let grid = match row.get(3) {
            "" => None,
            g => match FactorRef::parse(g) {
                Ok(r) if r.edition.is_none() => Some(r),
                Ok(_) => {
                    diags.push(Diagnostic::error("pinned-grid-edition", row.span_of(3), format!("grid `{g}` names an edition")).with_hint("write the grid as SET:KEY (e.g. cn-mee-grid:north); the manifest chooses the edition for each year"));
                    None
                }
                Err(e) => {
                    diags.push(
                        Diagnostic::error("bad-factor-reference", row.span_of(3), e.to_string())
                        .with_hint("write the grid as SET:KEY, e.g. cn-mee-grid:north; `carbonledger factors show cn-mee-grid@2023` lists the regions")
                        .with_source(row.text()),
                    );
                    None
                }
            },
        };
        let equity_share = match row.get(4) {
            "" => Decimal::ONE,
            s => match parse_amount(s.strip_suffix('%').unwrap_or(s)) {
                Ok(v) if v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED => {
                    v / Decimal::ONE_HUNDRED
                }
                Ok(v) => {
                    diags.push(
                        Diagnostic::error(
                            "bad-share",
                            row.span_of(4),
                            format!("equity share {v}% is outside 0–100%"),
                        )
                        .with_source(row.text()),
                    );
                    Decimal::ONE
                }
                Err(e) => {
                    diags.push(
                        Diagnostic::error("malformed-number", row.span_of(4), e.to_string())
                            .with_hint(e.hint())
                            .with_source(row.text()),
                    );
                    Decimal::ONE
                }
            },
        };
        let operational_control = parse_bool(row, 5, "operational_control", &mut diags);
        let financial_control = parse_bool(row, 6, "financial_control", &mut diags);
        out.by_id.insert(id.to_string(), out.list.len());
        out.list.push(Facility {
            id: id.to_string(),
            name: row.get(1).to_string(),
            country: row.get(2).to_string(),
            grid,
            equity_share,
            operational_control,
            financial_control,
            span: row.span(),
            grid_span: row.span_of(3),
        });
    });
    if let Err(mut d) = res {
        diags.append(&mut d);
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}
