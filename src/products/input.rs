//! Reading `products.csv`, `bom.csv` and `product_stages.csv` into typed rows, each problem a
//! diagnostic with file, line and column. Only text → typed values and row-local checks
//! (ids, numbers, units, duplicates) happen here; factors are resolved by the register.

use super::recovery::Route;
use crate::decimal::parse_amount;
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{read_table, Column, RowRef};
use crate::project::{Input, Project};
use crate::units::{lookup_kind, AnyUnit, DimKind};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One product: what is assessed, per which functional unit, in which year, made where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Identifier used in figure names (`product.<id>.footprint`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Category (phone, tablet, vehicle, …).
    pub category: String,
    /// The functional unit the footprint is per, in words (`one phone, 3 years of use`).
    pub functional_unit: String,
    /// Assessment year (a reporting year of the manifest).
    pub year: i32,
    /// The producing facility (index into the project's facilities), if named.
    pub facility: Option<usize>,
    /// 1-based line in `products.csv`.
    pub line: u64,
    /// Where its `id` was read (line and column of `products.csv`).
    pub id_span: Span,
}

/// One bill-of-materials line: a component's mass of one material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomLine {
    /// Product id.
    pub product: String,
    /// Component id (`midframe`, `body_in_white`).
    pub component: String,
    /// Material id (`aluminium`, `steel`).
    pub material: String,
    /// Mass as given.
    pub mass: Decimal,
    /// Unit of `mass` (a mass unit).
    pub unit: AnyUnit,
    /// Recycled share as given, in percent (0–100).
    pub recycled_pct: Decimal,
    /// Factor of the primary (virgin) material, per mass.
    pub primary: FactorRef,
    /// Factor of the recycled material, per mass (required when the share is above 0).
    pub recycled: Option<FactorRef>,
    /// ISO 22628 end-of-life route, if given.
    pub route: Option<Route>,
    /// 1-based line.
    pub line: u64,
    /// Span of the `product` column.
    pub product_span: Span,
    /// Span of the `mass` column.
    pub mass_span: Span,
    /// Span of the `primary_factor` column.
    pub primary_span: Span,
    /// Span of the `recycled_factor` column.
    pub recycled_span: Span,
    /// Span of the `eol_route` column.
    pub route_span: Span,
}

/// A life-cycle stage other than materials (which come from the bill of materials).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Energy (or fuel) used to make one unit.
    Manufacturing,
    /// Transport of one unit to the user, in tonne-km.
    Distribution,
    /// Energy used per year of use, over the lifetime.
    Use,
    /// Treatment of the product's mass at end of life.
    EndOfLife,
}

impl Stage {
    /// Every stage row kind, in report order.
    pub const ALL: [Stage; 4] = [
        Stage::Manufacturing,
        Stage::Distribution,
        Stage::Use,
        Stage::EndOfLife,
    ];

    /// The name used in files and figure names.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Manufacturing => "manufacturing",
            Stage::Distribution => "distribution",
            Stage::Use => "use",
            Stage::EndOfLife => "end_of_life",
        }
    }

    fn parse(s: &str) -> Option<Stage> {
        match s {
            "manufacturing" | "生产" | "制造" => Some(Stage::Manufacturing),
            "distribution" | "运输" | "分销" => Some(Stage::Distribution),
            "use" | "使用" => Some(Stage::Use),
            "end_of_life" | "eol" | "废弃" | "回收处理" => Some(Stage::EndOfLife),
            _ => None,
        }
    }

    /// The dimensions a quantity of this stage may have.
    pub fn allowed(self) -> &'static [DimKind] {
        match self {
            Stage::Manufacturing | Stage::Use => &[DimKind::Energy, DimKind::Mass, DimKind::Volume],
            Stage::Distribution => &[DimKind::MassDistance],
            Stage::EndOfLife => &[DimKind::Mass],
        }
    }
}

/// One stage row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageLine {
    /// Product id.
    pub product: String,
    /// Stage.
    pub stage: Stage,
    /// Quantity as given (per unit of product; per year for `use`).
    pub quantity: Decimal,
    /// Its unit.
    pub unit: AnyUnit,
    /// Years of use (the `use` stage only).
    pub years: Option<Decimal>,
    /// Explicit factor, if given.
    pub factor: Option<FactorRef>,
    /// 1-based line.
    pub line: u64,
    /// Span of the `product` column.
    pub product_span: Span,
    /// Span of the `quantity` column.
    pub quantity_span: Span,
    /// Span of the `unit` column.
    pub unit_span: Span,
    /// Span of the `factor` column.
    pub factor_span: Span,
}

/// A file's rows as read: the good ones, and the lines rejected with what they held.
#[derive(Debug, Clone, Default)]
pub struct Read<T> {
    /// File name as shown.
    pub file: Option<Arc<str>>,
    /// Rows that passed the row-local checks.
    pub rows: Vec<T>,
    /// Lines rejected while reading, with (quantity, unit) when they could be read.
    pub rejected: Vec<(u64, Option<(Decimal, &'static str)>)>,
    /// Data rows read.
    pub read: u64,
    /// The file could not be read to its end (see `FileStats::unread`).
    pub unread: bool,
}

/// The columns of `products.csv`.
pub const PRODUCT_COLUMNS: [Column; 7] = [
    col("id", true),
    col("name", true),
    col("category", true),
    col("functional_unit", true),
    col("year", true),
    col("facility", false),
    col("note", false),
];

/// The columns of `bom.csv`.
pub const BOM_COLUMNS: [Column; 10] = [
    col("product", true),
    col("component", true),
    col("material", true),
    col("mass", true),
    col("unit", true),
    col("recycled_pct", true),
    col("primary_factor", true),
    col("recycled_factor", false),
    col("eol_route", false),
    col("note", false),
];

/// The columns of `product_stages.csv`.
pub const STAGE_COLUMNS: [Column; 7] = [
    col("product", true),
    col("stage", true),
    col("quantity", true),
    col("unit", true),
    col("years", false),
    col("factor", false),
    col("note", false),
];

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

/// Whether `s` may be used inside a figure name: lowercase ASCII letters, digits, `-`, `_`.
pub fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn id_at(row: &RowRef<'_>, i: usize, what: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let s = row.get(i);
    if valid_id(s) {
        return Some(s.to_string());
    }
    if s.is_empty() {
        // An empty field is missing, as in every other file, not malformed.
        diags.push(
            Diagnostic::error("missing-value", row.span_of(i), format!("{what} is empty"))
                .with_hint(format!("give the {what}"))
                .with_source(row.text()),
        );
        return None;
    }
    diags.push(
        Diagnostic::error(
            "bad-id",
            row.span_of(i),
            format!("{what} `{s}` is not a valid id"),
        )
        .with_hint("ids become part of figure names: lowercase letters, digits, `-` and `_` (e.g. `xiaomi-15`, `body_in_white`)")
        .with_source(row.text()),
    );
    None
}

fn amount_at(row: &RowRef<'_>, i: usize, diags: &mut Vec<Diagnostic>) -> Option<Decimal> {
    match parse_amount(row.get(i)) {
        Ok(v) if v >= Decimal::ZERO => Some(v),
        Ok(v) => {
            diags.push(
                Diagnostic::error(
                    "negative-quantity",
                    row.span_of(i),
                    format!("`{v}` is negative"),
                )
                .with_hint("give the quantity per unit of product as a positive number")
                .with_source(row.text()),
            );
            None
        }
        Err(e) => {
            // The same codes as every other file: an empty field is missing, `8,5` ambiguous,
            // a number beyond the decimal range an overflow.
            let code = if row.get(i).is_empty() {
                "missing-value"
            } else {
                e.code()
            };
            diags.push(
                Diagnostic::error(code, row.span_of(i), e.to_string())
                    .with_hint(e.hint())
                    .with_source(row.text()),
            );
            None
        }
    }
}

fn unit_at(
    row: &RowRef<'_>,
    i: usize,
    allowed: &[DimKind],
    diags: &mut Vec<Diagnostic>,
) -> Option<AnyUnit> {
    match lookup_kind(row.get(i), allowed) {
        Ok(u) => Some(u),
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    if matches!(e, crate::units::UnitError::Mismatch { .. }) {
                        "wrong-dimension"
                    } else {
                        "unknown-unit"
                    },
                    row.span_of(i),
                    format!("{e} in column `unit`"),
                )
                .with_hint_opt(e.hint())
                .with_source(row.text()),
            );
            None
        }
    }
}

fn factor_at(row: &RowRef<'_>, i: usize, diags: &mut Vec<Diagnostic>) -> Option<Option<FactorRef>> {
    let s = row.get(i);
    if s.is_empty() {
        return Some(None);
    }
    match FactorRef::parse(s) {
        Ok(r) => Some(Some(r)),
        Err(e) => {
            diags.push(
                Diagnostic::error("bad-factor-reference", row.span_of(i), e.to_string())
                    .with_hint("write SET:KEY (edition from carbonledger.toml) or SET@EDITION:KEY, e.g. desnz-materials@2025:aluminium.primary")
                    .with_source(row.text()),
            );
            None
        }
    }
}

/// Reads one small table whole; `parse` turns a row into a value or `None` (after pushing
/// its diagnostics). An absent file is an empty read.
fn read_file<T>(
    project: &Project,
    input: Input,
    columns: &[Column],
    diags: &mut Vec<Diagnostic>,
    mut parse: impl FnMut(
        &RowRef<'_>,
        &mut Vec<Diagnostic>,
    ) -> Result<T, Option<(Decimal, &'static str)>>,
) -> Read<T> {
    let path = project.path(input);
    let mut out = Read {
        file: None,
        rows: Vec::new(),
        rejected: Vec::new(),
        read: 0,
        unread: false,
    };
    if !project.has(input) {
        return out;
    }
    let shown = project.shown(input);
    out.file = Some(Arc::clone(&shown));
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                "io-error",
                Span::file(&shown),
                format!("cannot read {}: {e}", input.name()),
            ));
            out.unread = true;
            return out;
        }
    };
    let res = read_table(&shown, std::io::BufReader::new(file), columns, |row| {
        out.read += 1;
        if let Some(d) = row.shape_error() {
            diags.push(d);
            out.rejected.push((row.line(), None));
            return;
        }
        match parse(row, diags) {
            Ok(v) => out.rows.push(v),
            Err(q) => out.rejected.push((row.line(), q)),
        }
    });
    if let Err(mut d) = res {
        out.unread = true;
        diags.append(&mut d);
    }
    out
}

/// Reads `products.csv`.
pub fn read_products(project: &Project, diags: &mut Vec<Diagnostic>) -> Read<Product> {
    let years = project.manifest.reporting_years.clone();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    read_file(
        project,
        Input::Products,
        &PRODUCT_COLUMNS,
        diags,
        |row, diags| {
            let before = diags.len();
            let id = id_at(row, 0, "product id", diags);
            for (i, what) in [(1, "name"), (2, "category"), (3, "functional_unit")] {
                if row.get(i).is_empty() {
                    diags.push(
                    Diagnostic::error("missing-value", row.span_of(i), format!("`{what}` is empty"))
                        .with_hint("every product needs a name, a category and the functional unit its footprint is per")
                        .with_source(row.text()),
                );
                }
            }
            let year = match row.get(4).parse::<i32>() {
                Ok(y) if years.contains(&y) => Some(y),
                Ok(y) => {
                    diags.push(
                    Diagnostic::error("year-not-reported", row.span_of(4), format!("assessment year {y} is not one of the reporting years in carbonledger.toml"))
                        .with_hint(format!("reporting years: {}", years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")))
                        .with_source(row.text()),
                );
                    None
                }
                Err(_) => {
                    diags.push(
                        Diagnostic::error(
                            "bad-year",
                            row.span_of(4),
                            format!("`{}` is not a year", row.get(4)),
                        )
                        .with_hint("write the assessment year, e.g. 2025")
                        .with_source(row.text()),
                    );
                    None
                }
            };
            let facility = match row.get(5) {
                "" => Some(None),
                f => match project.facilities.index_of(f) {
                    Some(i) => Some(Some(i)),
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "unknown-facility",
                                row.span_of(5),
                                format!("unknown facility `{f}`"),
                            )
                            .with_hint(format!(
                                "facilities: {}",
                                project.facilities.ids().join(", ")
                            ))
                            .with_source(row.text()),
                        );
                        None
                    }
                },
            };
            if let Some(id) = &id {
                if let Some(first) = seen.get(id) {
                    diags.push(
                        Diagnostic::error(
                            "duplicate-product",
                            row.span_of(0),
                            format!("product `{id}` is already defined at line {first}"),
                        )
                        .with_source(row.text()),
                    );
                    return Err(None);
                }
                seen.insert(id.clone(), row.line());
            }
            match (id, year, facility) {
                (Some(id), Some(year), Some(facility)) if diags.len() == before => Ok(Product {
                    id,
                    name: row.get(1).to_string(),
                    category: row.get(2).to_string(),
                    functional_unit: row.get(3).to_string(),
                    year,
                    facility,
                    line: row.line(),
                    id_span: row.span_of(0),
                }),
                _ => Err(None),
            }
        },
    )
}

/// Reads `bom.csv`.
pub fn read_bom(project: &Project, diags: &mut Vec<Diagnostic>) -> Read<BomLine> {
    let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    read_file(project, Input::Bom, &BOM_COLUMNS, diags, |row, diags| {
        let before = diags.len();
        let product = id_at(row, 0, "product id", diags);
        let component = id_at(row, 1, "component id", diags);
        let material = id_at(row, 2, "material id", diags);
        let mass = amount_at(row, 3, diags);
        let unit = unit_at(row, 4, &[DimKind::Mass], diags);
        let quantity = mass.zip(unit).map(|(m, u)| (m, u.symbol));
        let pct = amount_at(row, 5, diags);
        if let Some(p) = pct {
            if p > Decimal::ONE_HUNDRED {
                diags.push(
                    Diagnostic::error("bad-share", row.span_of(5), format!("recycled share {p}% is above 100%"))
                        .with_hint("`recycled_pct` is the recycled share of this line's mass in percent, 0 to 100")
                        .with_source(row.text()),
                );
            }
        }
        let primary = factor_at(row, 6, diags);
        let recycled = factor_at(row, 7, diags);
        if let (Some(None), Some(_)) = (&primary, pct) {
            diags.push(
                Diagnostic::error("missing-factor", row.span_of(6), "`primary_factor` is empty")
                    .with_hint("name the cradle-to-gate factor of the virgin material, e.g. desnz-materials:aluminium.primary")
                    .with_source(row.text()),
            );
        }
        if let (Some(None), Some(p)) = (&recycled, pct) {
            if p > Decimal::ZERO {
                diags.push(
                    Diagnostic::error("missing-factor", row.span_of(7), format!("recycled share {p}% but `recycled_factor` is empty"))
                        .with_hint("the cut-off method needs the factor of the recycled material too, e.g. desnz-materials:aluminium.closed_loop")
                        .with_source(row.text()),
                );
            }
        }
        let route = match row.get(8) {
            "" => Some(None),
            r => match Route::parse(r) {
                Some(r) => Some(Some(r)),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "unknown-route",
                            row.span_of(8),
                            format!("unknown end-of-life route `{r}`"),
                        )
                        .with_hint(format!(
                            "ISO 22628 routes: {}",
                            Route::ALL
                                .iter()
                                .map(|r| r.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                        .with_source(row.text()),
                    );
                    None
                }
            },
        };
        if let (Some(p), Some(c), Some(m)) = (&product, &component, &material) {
            let key = (p.clone(), c.clone(), m.clone());
            if let Some(first) = seen.get(&key) {
                diags.push(
                    Diagnostic::error("duplicate-row", row.span_of(1), format!("product `{p}` component `{c}` material `{m}` is already listed at line {first}"))
                        .with_hint("give each component's material once, with its total mass")
                        .with_source(row.text()),
                );
                return Err(quantity);
            }
            seen.insert(key, row.line());
        }
        if diags.len() != before {
            return Err(quantity);
        }
        match (
            product, component, material, mass, unit, pct, primary, recycled, route,
        ) {
            (
                Some(product),
                Some(component),
                Some(material),
                Some(mass),
                Some(unit),
                Some(recycled_pct),
                Some(Some(primary)),
                Some(recycled),
                Some(route),
            ) => Ok(BomLine {
                product,
                component,
                material,
                mass,
                unit,
                recycled_pct,
                primary,
                recycled,
                route,
                line: row.line(),
                product_span: row.span_of(0),
                mass_span: row.span_of(3),
                primary_span: row.span_of(6),
                recycled_span: row.span_of(7),
                route_span: row.span_of(8),
            }),
            _ => Err(quantity),
        }
    })
}

/// Reads `product_stages.csv`.
pub fn read_stages(project: &Project, diags: &mut Vec<Diagnostic>) -> Read<StageLine> {
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    read_file(
        project,
        Input::ProductStages,
        &STAGE_COLUMNS,
        diags,
        |row, diags| {
            let before = diags.len();
            let product = id_at(row, 0, "product id", diags);
            let stage = match Stage::parse(row.get(1)) {
                Some(s) => Some(s),
                None => {
                    diags.push(
                    Diagnostic::error("unknown-stage", row.span_of(1), format!("unknown stage `{}`", row.get(1)))
                        .with_hint("stages: manufacturing, distribution, use, end_of_life (materials come from bom.csv)")
                        .with_source(row.text()),
                );
                    None
                }
            };
            let quantity = amount_at(row, 2, diags);
            let unit = stage.and_then(|s| unit_at(row, 3, s.allowed(), diags));
            let held = quantity.zip(unit).map(|(q, u)| (q, u.symbol));
            let years = match (stage, row.get(4)) {
                (Some(Stage::Use), "") => {
                    diags.push(
                    Diagnostic::error("missing-value", row.span_of(4), "the use stage needs `years` (the lifetime over which the yearly quantity is used)")
                        .with_hint("give the quantity per year and the years of use, e.g. 4 kWh and 3")
                        .with_source(row.text()),
                );
                    None
                }
                (Some(Stage::Use), _) => match amount_at(row, 4, diags) {
                    // A lifetime of no years would price the use stage at nothing, silently.
                    Some(y) if y.is_zero() => {
                        diags.push(
                            Diagnostic::error("negative-quantity", row.span_of(4), format!("`years` must be greater than zero, found {}", row.get(4)))
                                .with_hint("give the product's lifetime in years of use, e.g. 3, or remove the use row")
                                .with_source(row.text()),
                        );
                        None
                    }
                    y => y.map(Some),
                },
                (_, "") => Some(None),
                (_, y) => {
                    diags.push(
                    Diagnostic::error("unexpected-value", row.span_of(4), format!("`years` is {y} but only the use stage takes years"))
                        .with_hint("give this stage's quantity per unit of product, and leave `years` empty")
                        .with_source(row.text()),
                );
                    None
                }
            };
            let factor = factor_at(row, 5, diags);
            if let (Some(s), Some(None)) = (stage, &factor) {
                if s != Stage::Manufacturing {
                    diags.push(
                    Diagnostic::error("missing-factor", row.span_of(5), format!("the {} stage needs a `factor`", s.name()))
                        .with_hint(match s {
                            Stage::Distribution => "a freight intensity per tonne-km, e.g. desnz@2025:freight.sea.container",
                            Stage::Use => "the grid factor of the use region, e.g. cn-mee-grid:national",
                            _ => "a waste-treatment factor per mass, e.g. desnz-materials:waste.weee_small.open_loop",
                        })
                        .with_source(row.text()),
                );
                }
            }
            let text = row.text();
            if let Some(first) = seen.get(&text) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-row",
                        // The whole row repeats another: the place is where it starts.
                        row.span().at(1),
                        format!("the same row appears at line {first}"),
                    )
                    .with_hint(
                        "if both are real (two legs of one route), tell them apart in `note`",
                    )
                    .with_source(text),
                );
                return Err(held);
            }
            seen.insert(text, row.line());
            if diags.len() != before {
                return Err(held);
            }
            match (product, stage, quantity, unit, years, factor) {
                (
                    Some(product),
                    Some(stage),
                    Some(quantity),
                    Some(unit),
                    Some(years),
                    Some(factor),
                ) => Ok(StageLine {
                    product,
                    stage,
                    quantity,
                    unit,
                    years,
                    factor,
                    line: row.line(),
                    product_span: row.span_of(0),
                    quantity_span: row.span_of(2),
                    unit_span: row.span_of(3),
                    factor_span: row.span_of(5),
                }),
                _ => Err(held),
            }
        },
    )
}
