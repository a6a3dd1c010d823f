//! Activity rows: `energy.csv` and `fugitive.csv` rows turned into typed, validated records,
//! or into diagnostics naming the file, line and column. A row is either an activity or
//! rejected with every reason found; nothing is dropped.

use super::carrier::Carrier;
use super::facility::Facilities;
use super::period::Period;
use crate::decimal::parse_amount;
use crate::diag::Diagnostic;
use crate::factors::FactorRef;
use crate::ingest::{Column, RowRef};
use crate::units::{lookup_kind, AnyQty, AnyUnit, DimKind, UnitError};
use rust_decimal::Decimal;

/// The columns of `energy.csv`.
pub const ENERGY_COLUMNS: [Column; 9] = [
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "carrier",
        required: true,
    },
    Column {
        name: "quantity",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "factor",
        required: false,
    },
    Column {
        name: "ref",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
    Column {
        name: "source",
        required: false,
    },
];

/// The columns of `fugitive.csv`.
pub const FUGITIVE_COLUMNS: [Column; 10] = [
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "gas",
        required: true,
    },
    Column {
        name: "quantity",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "ref",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
    Column {
        name: "source",
        required: false,
    },
    Column {
        name: "equipment",
        required: false,
    },
    Column {
        name: "stage",
        required: false,
    },
];

/// The default set of refrigerant screening rates (`equipment` column without a set).
pub const SCREENING_SET: &str = "nz-mfe-refrigeration";

/// What a row consumed or released.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// An energy carrier (`energy.csv`).
    Carrier(Carrier),
    /// A gas released (`fugitive.csv`), by its canonical name (`HFC-134a`, `R-410A`, `SF6`).
    Gas(String),
}

/// One validated activity row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The line it was read from (the file is known to the caller).
    pub line: u64,
    /// Index into the project's facilities.
    pub facility: usize,
    /// Period.
    pub period: Period,
    /// Carrier or gas.
    pub subject: Subject,
    /// Quantity as written.
    pub quantity: Decimal,
    /// Its unit.
    pub unit: AnyUnit,
    /// The quantity in base units.
    pub qty: AnyQty,
    /// An explicit factor for this row, overriding the default resolution.
    pub factor: Option<std::sync::Arc<FactorRef>>,
    /// The source the row declares (`source` column); `None` = the file's default
    /// (stationary combustion for fuels, fugitive release for gases).
    pub source: Option<Source>,
    /// When the row was split by days (a bill across a year end, a facility entering or
    /// leaving the boundary), this line's part: `quantity` and `qty` are then the part's.
    pub split: Option<Box<super::split::Split>>,
}

/// A declared scope 1 source (GHG Protocol Corporate Standard, ch. 4: stationary combustion,
/// mobile combustion, process emissions, fugitive emissions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Boilers, furnaces, generators.
    Stationary,
    /// Vehicles and mobile machinery.
    Mobile,
    /// Chemical or physical processes (e.g. calcination), not combustion.
    Process,
    /// Leaks and releases (refrigerants).
    Fugitive,
}

impl Source {
    /// Parses the `source` column (English or Chinese).
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "stationary" | "固定燃烧" | "固定源" => Source::Stationary,
            "mobile" | "移动燃烧" | "移动源" => Source::Mobile,
            "process" | "过程" | "过程排放" => Source::Process,
            "fugitive" | "逸散" | "逸散排放" => Source::Fugitive,
            _ => return None,
        })
    }
}

/// Reads the optional `source` column at `col`, allowing only `allowed`.
fn source_of(
    row: &RowRef<'_>,
    col: usize,
    allowed: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let text = row.get(col);
    if text.is_empty() {
        return None;
    }
    match Source::parse(text) {
        Some(s) if allowed.contains(&s) => Some(s),
        _ => {
            let names: Vec<&str> = allowed
                .iter()
                .map(|s| match s {
                    Source::Stationary => "stationary",
                    Source::Mobile => "mobile",
                    Source::Process => "process",
                    Source::Fugitive => "fugitive",
                })
                .collect();
            diags.push(
                Diagnostic::error(
                    "unknown-source",
                    row.span_of(col),
                    format!("`{text}` is not a source of this file"),
                )
                .with_hint(format!("source: {} (or empty)", names.join(", ")))
                .with_source(row.text()),
            );
            None
        }
    }
}

fn unit_of(
    row: &RowRef<'_>,
    allowed: &[DimKind],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<AnyUnit> {
    let text = row.get(4);
    if text.is_empty() {
        diags.push(
            Diagnostic::error("missing-value", row.span_of(4), "unit is empty")
                .with_hint(format!(
                    "give the unit of the quantity ({})",
                    allowed
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ))
                .with_source(row.text()),
        );
        return None;
    }
    lookup_kind(text, allowed)
        .map_err(|e| diags.push(unit_diag(row, 4, e, what)))
        .ok()
}

fn unit_diag(row: &RowRef<'_>, col: usize, e: UnitError, what: &str) -> Diagnostic {
    let code = match e {
        UnitError::Unknown { .. } => "unknown-unit",
        UnitError::Mismatch { .. } => "wrong-dimension",
        UnitError::BadFactorUnit { .. } => "unknown-unit",
    };
    let hint = e.hint();
    Diagnostic::error(
        code,
        row.span_of(col),
        format!("{e} in column `unit` ({what})"),
    )
    .with_hint_opt(hint)
    .with_source(row.text())
}

/// A required field left empty: `missing-value` at its cell, as in every other input file,
/// rather than "unknown facility ``" or "bad period ``".
fn empty(row: &RowRef<'_>, col: usize, name: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(
        "missing-value",
        row.span_of(col),
        format!("{name} is empty"),
    )
    .with_hint(hint)
    .with_source(row.text())
}

fn common(
    row: &RowRef<'_>,
    facilities: &Facilities,
    diags: &mut Vec<Diagnostic>,
) -> (Option<usize>, Option<Period>, Option<Decimal>) {
    let fid = row.get(0);
    let facility = match facilities.index_of(fid) {
        Some(i) => Some(i),
        None if fid.is_empty() => {
            diags.push(empty(
                row,
                0,
                "facility",
                "give the id of a facility of facilities.csv",
            ));
            None
        }
        None => {
            let known = facilities.ids();
            let shown = if known.is_empty() {
                "facilities.csv defines no facilities".to_string()
            } else if known.len() <= 8 {
                known.join(", ")
            } else {
                format!("{} and {} more", known[..8].join(", "), known.len() - 8)
            };
            diags.push(
                Diagnostic::error(
                    "unknown-facility",
                    row.span_of(0),
                    format!("unknown facility `{fid}`"),
                )
                .with_hint(format!("facilities.csv defines: {shown}"))
                .with_source(row.text()),
            );
            None
        }
    };
    let ptext = row.get(1);
    let period = Period::parse_activity(ptext);
    if ptext.is_empty() {
        diags.push(empty(row, 1, "period", "write a year (2025), a quarter (2025-Q1), a month (2025-03), a day (2025-03-31) or a bill's days (2025-03-15..2025-04-14)"));
    } else if period.is_none() {
        diags.push(
            Diagnostic::error(
                "bad-period",
                row.span_of(1),
                format!("bad period `{ptext}`"),
            )
            .with_hint("write a year (2025), a quarter (2025-Q1), a month (2025-03), a day (2025-03-31) or a bill's days (2025-03-15..2025-04-14)")
            .with_source(row.text()),
        );
    }
    let quantity = match parse_amount(row.get(3)) {
        _ if row.get(3).is_empty() => {
            diags.push(empty(
                row,
                3,
                "quantity",
                "give the row's quantity, in its unit",
            ));
            None
        }
        Ok(q) if q.is_sign_negative() && !q.is_zero() => {
            diags.push(
                Diagnostic::error("negative-quantity", row.span_of(3), format!("negative quantity {q}"))
                    .with_hint("consumption cannot be negative; correct the source row instead of adding a negative one")
                    .with_source(row.text()),
            );
            None
        }
        Ok(q) => Some(q),
        Err(e) => {
            let code = match e {
                crate::decimal::AmountError::AmbiguousComma(_) => "ambiguous-number",
                crate::decimal::AmountError::OutOfRange(_) => "overflow",
                _ => "malformed-number",
            };
            diags.push(
                Diagnostic::error(code, row.span_of(3), format!("{e} in column `quantity`"))
                    .with_hint(e.hint())
                    .with_source(row.text()),
            );
            None
        }
    };
    (facility, period, quantity)
}

fn to_qty(
    row: &RowRef<'_>,
    quantity: Decimal,
    unit: AnyUnit,
    diags: &mut Vec<Diagnostic>,
) -> Option<AnyQty> {
    match crate::decimal::mul(quantity, unit.scale) {
        Ok(base) => Some(AnyQty {
            kind: unit.kind,
            base,
        }),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "overflow",
                    row.span_of(3),
                    format!("{quantity} {} cannot be held exactly: {e}", unit.symbol),
            )
            .with_hint("every quantity is held in base units (J, kg, m3); this one exceeds about 7.9 × 10^28 of them — check the value at its source")
            .with_source(row.text()),
            );
            None
        }
    }
}

/// Validates one `energy.csv` row.
pub fn parse_energy_row(
    row: &RowRef<'_>,
    facilities: &Facilities,
) -> Result<Activity, Vec<Diagnostic>> {
    if let Some(d) = row.shape_error() {
        return Err(vec![d]);
    }
    let mut diags = Vec::new();
    let (facility, period, quantity) = common(row, facilities, &mut diags);
    let ctext = row.get(2);
    let carrier = Carrier::parse(ctext);
    // The carriers a hint lists, for an empty and for an unknown carrier alike.
    let carriers = || {
        let names: Vec<&str> = Carrier::ALL.iter().map(|c| c.name()).collect();
        format!("carriers: {}", names.join(", "))
    };
    if ctext.is_empty() {
        diags.push(empty(row, 2, "carrier", &carriers()));
    } else if carrier.is_none() {
        diags.push(
            Diagnostic::error(
                "unknown-carrier",
                row.span_of(2),
                format!("unknown carrier `{ctext}`"),
            )
            .with_hint(carriers())
            .with_source(row.text()),
        );
    }
    let allowed = carrier.map_or(
        &[DimKind::Energy, DimKind::Mass, DimKind::Volume][..],
        |c| c.allowed_dims(),
    );
    let what = carrier.map_or("energy", |c| c.name());
    let unit = unit_of(row, allowed, what, &mut diags);
    let factor = match row.get(5) {
        "" => None,
        f => match FactorRef::parse(f) {
            Ok(r) => Some(std::sync::Arc::new(r)),
            Err(e) => {
                diags.push(
                    Diagnostic::error("bad-factor-reference", row.span_of(5), e.to_string())
                        .with_hint("e.g. cn-mee-grid@2023:north or ipcc-2006:diesel.co2; `carbonledger factors list` shows the sets")
                        .with_source(row.text()),
                );
                None
            }
        },
    };
    let qty = match (quantity, unit) {
        (Some(q), Some(u)) => to_qty(row, q, u, &mut diags),
        _ => None,
    };
    let source = source_of(
        row,
        8,
        &[Source::Stationary, Source::Mobile, Source::Process],
        &mut diags,
    );
    if source.is_some() && carrier.is_some_and(|c| !c.is_fuel()) {
        diags.push(
            Diagnostic::error(
                "unknown-source",
                row.span_of(8),
                "a source applies to fuels burnt by the organisation, not to purchased energy",
            )
            .with_hint("leave `source` empty for electricity, heat and steam")
            .with_source(row.text()),
        );
    }
    match (facility, period, carrier, quantity, unit, qty) {
        (Some(facility), Some(period), Some(c), Some(quantity), Some(unit), Some(qty))
            if diags.is_empty() =>
        {
            Ok(Activity {
                line: row.line(),
                facility,
                period,
                subject: Subject::Carrier(c),
                quantity,
                unit,
                qty,
                factor,
                source,
                split: None,
            })
        }
        _ => Err(diags),
    }
}

/// Canonical gas name for a `fugitive.csv` gas column (`r410a`, `R410A` → `R-410A`).
pub fn canonical_gas(s: &str) -> String {
    let t = s.trim().to_ascii_uppercase().replace(' ', "");
    for prefix in ["HFC", "R", "PFC", "HCFC"] {
        if let Some(rest) = t
            .strip_prefix(prefix)
            .map(|r| r.strip_prefix('-').unwrap_or(r))
        {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                let tail = rest.to_string();
                let tail = if prefix == "HFC" {
                    tail.to_lowercase()
                } else {
                    tail
                };
                return format!("{prefix}-{tail}");
            }
        }
    }
    if t == "CO2E" {
        "CO2e".to_string()
    } else {
        t
    }
}

/// The screening rate a `fugitive.csv` row names: `equipment` (a key of the default set, or
/// `SET:KEY`) and `stage` (`operation`, the default; `installation`; `disposal`), as the factor
/// `SET:<equipment>.<stage>`. `None` when no equipment is named.
fn screening_rate(row: &RowRef<'_>, diags: &mut Vec<Diagnostic>) -> Option<FactorRef> {
    let equipment = row.get(8).trim();
    if equipment.is_empty() {
        return None;
    }
    let stage = match row.get(9).trim() {
        "" => "operation",
        s => s,
    };
    let r = if equipment.contains(':') {
        FactorRef::parse(equipment)
    } else {
        FactorRef::parse(&format!("{SCREENING_SET}:{equipment}"))
    };
    match r {
        Ok(mut r) => {
            r.key = format!("{}.{stage}", r.key);
            Some(r)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error("bad-factor-reference", row.span_of(8), e.to_string())
                    .with_hint("write an equipment key (`split_ac`) or SET:KEY")
                    .with_source(row.text()),
            );
            None
        }
    }
}

/// Validates one `fugitive.csv` row. The gas is checked against the GWP set when resolving.
pub fn parse_fugitive_row(
    row: &RowRef<'_>,
    facilities: &Facilities,
) -> Result<Activity, Vec<Diagnostic>> {
    if let Some(d) = row.shape_error() {
        return Err(vec![d]);
    }
    let mut diags = Vec::new();
    let (facility, period, quantity) = common(row, facilities, &mut diags);
    let gas = canonical_gas(row.get(2));
    if gas.is_empty() {
        diags.push(
            Diagnostic::error("missing-value", row.span_of(2), "gas is empty")
                .with_source(row.text()),
        );
    }
    // Screening (an `equipment` named): the quantity is the equipment's full charge, and the
    // gas released is that charge × the equipment's default rate for the `stage`.
    let screening = screening_rate(row, &mut diags);
    let what = if screening.is_some() {
        "refrigerant charge of the equipment"
    } else {
        "mass of gas released"
    };
    let unit = unit_of(row, &[DimKind::Mass], what, &mut diags);
    let qty = match (quantity, unit) {
        (Some(q), Some(u)) => to_qty(row, q, u, &mut diags).map(|a| AnyQty {
            kind: if screening.is_some() {
                DimKind::Mass
            } else {
                DimKind::GasMass
            },
            base: a.base,
        }),
        _ => None,
    };
    let source = source_of(row, 7, &[Source::Fugitive, Source::Process], &mut diags);
    match (facility, period, quantity, unit, qty) {
        (Some(facility), Some(period), Some(quantity), Some(unit), Some(qty))
            if diags.is_empty() =>
        {
            Ok(Activity {
                line: row.line(),
                facility,
                period,
                subject: Subject::Gas(gas),
                quantity,
                unit,
                qty,
                factor: screening.map(std::sync::Arc::new),
                source,
                split: None,
            })
        }
        _ => Err(diags),
    }
}
