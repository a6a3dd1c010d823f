//! One row of `scope3.csv`: its columns, their validation (every problem a diagnostic at its
//! column), and its calculation into kg CO2e with the trace that explains it.

use super::step;
use crate::activity::Period;
use crate::calc::{Resolver, Step};
use crate::decimal;
use crate::diag::Diagnostic;
use crate::factors::FactorRef;
use crate::ingest::{Column, RowRef};
use crate::project::Project;
use crate::register::fields::Fields;
use crate::register::{Term, TermStep};
use crate::units::{lookup_kind, AnyUnit, DimKind};
use rust_decimal::Decimal;

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

/// The columns of `scope3.csv`, in order (the first six are required).
pub const COLUMNS: [Column; 22] = [
    col("category", true),
    col("period", true),
    col("description", true),
    col("quantity", true),
    col("unit", true),
    col("method", true),
    col("factor", false),
    col("supplier", false),
    col("price_year", false),
    col("supplier_emissions", false),
    col("supplier_emissions_unit", false),
    col("allocation_basis", false),
    col("supplier_total", false),
    col("supplier_total_unit", false),
    col("note", false),
    col("per_item", false),
    col("per_item_unit", false),
    col("exchange_rate", false),
    col("price_index", false),
    col("operation", false),
    col("product", false),
    col("occupancy", false),
];

const CATEGORY: usize = 0;
const QUANTITY: usize = 3;
const UNIT: usize = 4;
const METHOD: usize = 5;
const FACTOR: usize = 6;
const SUPPLIER: usize = 7;
const PRICE_YEAR: usize = 8;
const EMISSIONS: usize = 9;
const EMISSIONS_UNIT: usize = 10;
const BASIS: usize = 11;
const TOTAL: usize = 12;
const TOTAL_UNIT: usize = 13;
const PER_ITEM: usize = 15;
const PER_ITEM_UNIT: usize = 16;
const EXCHANGE_RATE: usize = 17;
const PRICE_INDEX: usize = 18;
/// The `operation` column.
pub const OPERATION: usize = 19;
/// The `product` column.
pub const PRODUCT: usize = 20;
/// The `occupancy` column.
const OCCUPANCY: usize = 21;
/// The `factor` column.
pub const FACTOR_COLUMN: usize = FACTOR;

/// The units a scope 3 quantity may have.
const ACTIVITY_KINDS: [DimKind; 12] = [
    DimKind::Money,
    DimKind::Area,
    DimKind::Ratio,
    DimKind::Count,
    DimKind::Mass,
    DimKind::Energy,
    DimKind::Volume,
    DimKind::Distance,
    DimKind::PassengerDistance,
    DimKind::RoomNight,
    DimKind::MassDistance,
    DimKind::TeuDistance,
];

/// How a row's emissions are obtained (GHG Protocol Scope 3 Technical Guidance, ch. 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Quantity (mass, items, distance, …) × an average emission factor.
    AverageData,
    /// Spend × an emission factor per unit of the same currency and price year.
    SpendBased,
    /// A supplier's scope 1 and 2, allocated to what was bought.
    SupplierSpecific,
    /// Part of a supplier's footprint: its allocated scope 1 and 2, or an average-data line
    /// for its material inputs, transport or waste.
    Hybrid,
}

impl Method {
    fn parse(s: &str) -> Option<Method> {
        Some(match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "average_data" | "average" => Method::AverageData,
            "spend_based" | "spend" => Method::SpendBased,
            "supplier_specific" | "supplier" => Method::SupplierSpecific,
            "hybrid" => Method::Hybrid,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Method::AverageData => "average-data",
            Method::SpendBased => "spend-based",
            Method::SupplierSpecific => "supplier-specific",
            Method::Hybrid => "hybrid",
        }
    }
}

/// The basis a supplier's emissions are allocated by (Scope 3 Standard, ch. 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Mass bought ÷ the supplier's total mass produced.
    Mass,
    /// Units bought ÷ the supplier's total units produced.
    Units,
    /// Spend ÷ the supplier's total revenue.
    Revenue,
    /// Volume of the goods ÷ the total volume (a warehouse's goods stored, Scope 3 Technical
    /// Guidance Example [4.5]).
    Volume,
    /// Floor area ÷ the total (occupied) floor area (a leased floor or factory, Examples [8.1]
    /// and [13.1]).
    Area,
    /// The reporting company's share of equity ÷ 100% (an equity investment, Example [15.1]):
    /// the quantity is the share (`%`), the total 100 `%`.
    Equity,
    /// The value invested ÷ the total project costs, equity plus debt (project finance and
    /// debt with known use of proceeds, Example [15.3]), in one currency.
    Investment,
}

impl Basis {
    fn kind(self) -> DimKind {
        match self {
            Basis::Mass => DimKind::Mass,
            Basis::Units => DimKind::Count,
            Basis::Revenue => DimKind::Money,
            Basis::Volume => DimKind::Volume,
            Basis::Area => DimKind::Area,
            Basis::Equity => DimKind::Ratio,
            Basis::Investment => DimKind::Money,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Basis::Mass => "mass",
            Basis::Units => "units",
            Basis::Revenue => "revenue",
            Basis::Volume => "volume",
            Basis::Area => "area",
            Basis::Equity => "equity share",
            Basis::Investment => "share of total project costs",
        }
    }
}

/// A supplier's scope 1 and 2 and the share of it the row takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The supplier's scope 1 + 2, in `emissions_unit` (CO2e).
    pub emissions: Decimal,
    /// Its mass unit (read as CO2e).
    pub emissions_unit: AnyUnit,
    /// The allocation basis.
    pub basis: Basis,
    /// The supplier's total of the basis (mass produced, units produced, revenue).
    pub total: Decimal,
    /// Its unit.
    pub total_unit: AnyUnit,
}

/// A validated row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// GHG Protocol scope 3 category, 1–15.
    pub category: u8,
    /// Period.
    pub period: Period,
    /// The reporting year it counts in (the calendar's: a month of February 2026 is FY2025
    /// when the year starts on 1 April).
    pub year: i32,
    /// What was bought, travelled, stayed or thrown away.
    pub description: String,
    /// The quantity.
    pub quantity: Decimal,
    /// Its unit.
    pub unit: AnyUnit,
    /// The method.
    pub method: Method,
    /// The factor, for average-data and spend-based rows (and hybrid ones without an allocation).
    pub factor: Option<FactorRef>,
    /// The supplier, as written.
    pub supplier: String,
    /// The price year of a spend.
    pub price_year: Option<i32>,
    /// The supplier allocation, for supplier-specific rows (and hybrid ones without a factor).
    pub allocation: Option<Allocation>,
    /// An amount per item (lifetime energy of a product sold, its mass at end of life): the
    /// factor then applies to `quantity` items × this amount.
    pub per_item: Option<(Decimal, AnyUnit)>,
    /// A cited exchange rate (factor currency per spend currency) for a spend in another
    /// currency than its factor's.
    pub exchange_rate: Option<FactorRef>,
    /// A cited price index (`SET:KEY`, read as `KEY.<year>`) to move a spend to its factor's
    /// price year.
    pub price_index: Option<FactorRef>,
    /// A passenger transport operation of operations.csv whose intensity the trip takes.
    pub operation: Option<String>,
    /// A product of products.csv whose use (category 11) or end-of-life (12) lines the units
    /// sold take.
    pub product: Option<String>,
    /// Passengers per vehicle: a trip in passenger-km priced by a factor per vehicle-km is
    /// divided by it (vehicle-km = passenger-km ÷ occupancy).
    pub occupancy: Option<Decimal>,
}

impl Row {
    /// The unit of the activity the factor applies to: the per-item amount's or the row's,
    /// and vehicle-km (`km`) for passenger-km divided by an occupancy.
    pub fn factor_unit(&self) -> AnyUnit {
        let u = self.per_item.map_or(self.unit, |(_, u)| u);
        match self.occupancy {
            // pkm and km have the same scale (1 000 passenger-metres, 1 000 metres): the
            // number of passenger-km is the number of vehicle-km before the division.
            Some(_) => crate::units::lookup("km").unwrap_or(u),
            None => u,
        }
    }
}

/// An error diagnostic at column `i` of `row`.
pub fn error(
    row: &RowRef<'_>,
    code: &'static str,
    i: usize,
    message: String,
    hint: Option<String>,
) -> Diagnostic {
    Diagnostic::error(code, row.span_of(i), message)
        .with_hint_opt(hint)
        .with_source(row.text())
}

/// A mass unit of CO2e (`t`, `kg`, `t CO2e`).
fn co2e_unit(f: &mut Fields<'_, '_>, i: usize) -> Option<AnyUnit> {
    let t = f.required(i, "supplier_emissions_unit")?;
    let t = t.strip_suffix("CO2e").unwrap_or(t).trim();
    match lookup_kind(t, &[DimKind::Mass]) {
        Ok(u) => Some(u),
        Err(e) => {
            f.error(
                "unknown-unit",
                i,
                format!("{e} in column `supplier_emissions_unit`"),
                Some("the supplier's scope 1 + 2 as a mass of CO2e: `t` or `kg`".into()),
            );
            None
        }
    }
}

fn allocation(f: &mut Fields<'_, '_>, unit: Option<AnyUnit>) -> Option<Allocation> {
    let emissions = f.amount(EMISSIONS, "supplier_emissions");
    let emissions_unit = co2e_unit(f, EMISSIONS_UNIT);
    let basis = f.required(BASIS, "allocation_basis").and_then(|b| {
        let basis = match b.to_ascii_lowercase().as_str() {
            "mass" => Some(Basis::Mass),
            "units" | "unit" | "items" => Some(Basis::Units),
            "revenue" | "economic" => Some(Basis::Revenue),
            "volume" => Some(Basis::Volume),
            "area" | "floor_area" => Some(Basis::Area),
            "equity" | "equity_share" => Some(Basis::Equity),
            "investment" | "project_cost" => Some(Basis::Investment),
            _ => None,
        };
        if basis.is_none() {
            f.error(
                "bad-allocation",
                BASIS,
                format!("allocation basis `{b}` is none of mass, units, revenue, volume, area, equity, investment"),
                Some("allocate the supplier's emissions by `mass`, `units`, `revenue`, `volume`, `area`, `equity` or `investment` (GHG Protocol Scope 3 Standard, ch. 8; Technical Guidance, categories 8, 13 and 15)".into()),
            );
        }
        basis
    });
    let total = f.amount(TOTAL, "supplier_total");
    let total_unit = f.required(TOTAL_UNIT, "supplier_total_unit").and_then(|t| {
        lookup_kind(t, &ACTIVITY_KINDS)
            .map_err(|e| {
                f.error(
                    "unknown-unit",
                    TOTAL_UNIT,
                    format!("{e} in column `supplier_total_unit`"),
                    e.hint(),
                )
            })
            .ok()
    });
    let (emissions, emissions_unit, basis, total, total_unit) =
        (emissions?, emissions_unit?, basis?, total?, total_unit?);
    if total.is_zero() {
        f.error(
            "bad-allocation",
            TOTAL,
            "the supplier's total is 0: nothing to allocate by".into(),
            None,
        );
        return None;
    }
    if total_unit.kind != basis.kind() {
        f.error(
            "bad-allocation",
            TOTAL_UNIT,
            format!(
                "an allocation by {} needs the supplier's total in {}, not `{}` ({})",
                basis.name(),
                basis.kind().name(),
                total_unit.symbol,
                total_unit.kind.name()
            ),
            None,
        );
        return None;
    }
    if let Some(u) = unit {
        if u.kind != basis.kind() || (u.kind == DimKind::Money && u.symbol != total_unit.symbol) {
            f.error(
                "bad-allocation",
                UNIT,
                format!(
                    "the quantity bought (`{}`) and the supplier's total (`{}`) must be in the same {} to allocate by {}",
                    u.symbol,
                    total_unit.symbol,
                    if matches!(basis, Basis::Revenue | Basis::Investment) { "currency" } else { "dimension" },
                    basis.name()
                ),
                Some(format!("give the quantity bought in {}", basis.kind().name())),
            );
            return None;
        }
    }
    Some(Allocation {
        emissions,
        emissions_unit,
        basis,
        total,
        total_unit,
    })
}

/// Validates a row. Returns the row (when it has no error), every problem, and what a
/// rejected row left out (its quantity and unit, when readable).
pub fn parse(
    r: &RowRef<'_>,
    manifest: &crate::project::Manifest,
) -> (Option<Row>, Vec<Diagnostic>, Option<(Decimal, String)>) {
    let mut f = Fields::new(r);
    if f.ragged() {
        return (None, f.diags, None);
    }
    let category = f.required(CATEGORY, "category").and_then(|c| {
        let n = c.parse::<u8>().ok().filter(|n| (1..=15).contains(n));
        if n.is_none() {
            f.error(
                "bad-category",
                CATEGORY,
                format!("category `{c}` is not a GHG Protocol scope 3 category (1 to 15)"),
                Some("e.g. 1 purchased goods and services, 5 waste, 6 business travel, 7 employee commuting, 11 use of sold products".into()),
            );
        }
        n
    });
    let period = f.reporting_period(1, manifest);
    let description = f.required(2, "description").map(str::to_string);
    let quantity = f.amount(QUANTITY, "quantity");
    let unit = f.unit(UNIT, &ACTIVITY_KINDS, "a scope 3 activity");
    let left_out = quantity.zip(unit).map(|(q, u)| (q, u.symbol.to_string()));
    let method = f.required(METHOD, "method").and_then(|m| {
        let method = Method::parse(m);
        if method.is_none() {
            f.error(
                "unknown-method",
                METHOD,
                format!("method `{m}` is none of average_data, spend_based, supplier_specific, hybrid"),
                Some("the GHG Protocol's calculation methods: average_data (quantity × factor), spend_based (spend × factor per currency), supplier_specific, hybrid".into()),
            );
        }
        method
    });
    let factor = f.factor_ref(FACTOR);
    let operation = match f.text(OPERATION) {
        "" => None,
        o if !crate::freight::operation::valid_id(o) => {
            f.error(
                "bad-operation",
                OPERATION,
                format!("operation `{o}` must be lowercase ASCII letters, digits, `_` or `-`"),
                Some("the id of a passenger operation in operations.csv".into()),
            );
            None
        }
        o => {
            if method != Some(Method::AverageData)
                || !f.text(FACTOR).is_empty()
                || unit.is_some_and(|u| u.kind != DimKind::PassengerDistance)
            {
                f.error(
                    "bad-operation",
                    OPERATION,
                    "a trip on an operation is an average_data row in pkm with no `factor`: the operation's data price it".into(),
                    None,
                );
            }
            Some(o.to_string())
        }
    };
    let product = match f.text(PRODUCT) {
        "" => None,
        p => {
            if !matches!(category, Some(11 | 12))
                || method != Some(Method::AverageData)
                || unit.is_some_and(|u| u.kind != DimKind::Count)
                || !f.text(PER_ITEM).is_empty()
            {
                f.error(
                    "method-mismatch",
                    PRODUCT,
                    "a row tied to a product is category 11 or 12, average_data, in items sold, with no per_item (the product's stage lines give it)".into(),
                    None,
                );
            }
            Some(p.to_string())
        }
    };
    let supplier = f.text(SUPPLIER).to_string();
    let allocated =
        !f.text(EMISSIONS).is_empty() || !f.text(BASIS).is_empty() || !f.text(TOTAL).is_empty();
    let money = unit.is_some_and(|u| u.kind == DimKind::Money);
    let mut price_year = None;
    let mut alloc = None;
    // A supplier's allocation on a row whose method does not allocate, or a price year on a
    // row that is not a spend, would be ignored: the row computed otherwise than its data say.
    let allocates = matches!(method, Some(Method::SupplierSpecific | Method::Hybrid));
    if allocated && method.is_some() && !allocates {
        let at = [EMISSIONS, BASIS, TOTAL]
            .into_iter()
            .find(|&c| !f.text(c).is_empty())
            .unwrap_or(EMISSIONS);
        f.error(
            "method-mismatch",
            at,
            format!(
                "a {} row does not allocate a supplier's emissions: `supplier_emissions`, `allocation_basis` and `supplier_total` would be ignored",
                method.map_or("", |m| m.name())
            ),
            Some("use method supplier_specific (or hybrid) for an allocation, or leave those columns empty".into()),
        );
    }
    if method.is_some() && method != Some(Method::SpendBased) && !f.text(PRICE_YEAR).is_empty() {
        f.error(
            "method-mismatch",
            PRICE_YEAR,
            "a price year applies to spend_based rows only: here it would be ignored".into(),
            Some("leave `price_year` empty, or use method spend_based for a spend".into()),
        );
    }
    match method {
        Some(Method::SpendBased) => {
            if unit.is_some() && !money {
                f.error("method-mismatch", UNIT, format!("a spend-based row is an amount of money, not `{}`", f.text(UNIT)), Some("give the spend in its currency (GBP, USD, EUR, CNY, …), or use method average_data".into()));
            }
            if f.text(FACTOR).is_empty() {
                f.required(FACTOR, "factor");
            }
            price_year = f.required(PRICE_YEAR, "price_year").and_then(|y| {
                let v = y.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y));
                if v.is_none() {
                    f.error(
                        "bad-year",
                        PRICE_YEAR,
                        format!("price year `{y}` is not a year"),
                        Some("the year the prices of the spend are in, e.g. 2025".into()),
                    );
                }
                v
            });
        }
        Some(m) => {
            if money && m != Method::SupplierSpecific && !(m == Method::Hybrid && allocated) {
                f.error("method-mismatch", METHOD, format!("a quantity of money (`{}`) is a spend: method {} takes a physical quantity", f.text(UNIT), m.name()), Some("use method spend_based, or give the physical quantity (kg, items, pkm, …)".into()));
            }
            let needs_allocation =
                m == Method::SupplierSpecific || (m == Method::Hybrid && allocated);
            if (m == Method::SupplierSpecific || m == Method::Hybrid) && supplier.is_empty() {
                f.required(SUPPLIER, "supplier");
            }
            if needs_allocation {
                if !f.text(FACTOR).is_empty() {
                    f.error("method-mismatch", FACTOR, format!("a {} row that allocates a supplier's emissions takes no factor", m.name()), Some("put the supplier's material inputs, transport and waste on rows of their own (method hybrid, same supplier) with their factors".into()));
                }
                alloc = allocation(&mut f, unit);
            } else if f.text(FACTOR).is_empty()
                && f.text(OPERATION).is_empty()
                && f.text(PRODUCT).is_empty()
            {
                f.required(FACTOR, "factor");
            }
        }
        None => {}
    }
    let per_item = if f.text(PER_ITEM).is_empty() {
        None
    } else {
        let v = f.amount(PER_ITEM, "per_item");
        let u = f.required(PER_ITEM_UNIT, "per_item_unit").and_then(|t| {
            lookup_kind(t, &ACTIVITY_KINDS)
                .map_err(|e| {
                    f.error(
                        "unknown-unit",
                        PER_ITEM_UNIT,
                        format!("{e} in column `per_item_unit`"),
                        e.hint(),
                    )
                })
                .ok()
        });
        if unit.is_some_and(|u| u.kind != DimKind::Count) {
            f.error(
                "method-mismatch",
                PER_ITEM,
                format!("an amount per item needs the quantity in items, not `{}`", f.text(UNIT)),
                Some("give the units sold (or bought) as `item`, and the amount each one uses or weighs in per_item".into()),
            );
        }
        if alloc.is_some() || method == Some(Method::SpendBased) {
            f.error(
                "method-mismatch",
                PER_ITEM,
                "an amount per item applies to a factor row (average_data or hybrid), not to a spend or an allocation".into(),
                None,
            );
        }
        v.zip(u)
    };
    let occupancy = if f.text(OCCUPANCY).is_empty() {
        None
    } else {
        let v = f.amount(OCCUPANCY, "occupancy");
        if v.is_some_and(|v| v.is_zero()) {
            f.error(
                "zero-occupancy",
                OCCUPANCY,
                "an occupancy of 0 passengers per vehicle: the vehicle-km would be a division by zero".into(),
                Some("give the average number of passengers per vehicle (e.g. 2)".into()),
            );
        }
        let activity = per_item.map_or(unit, |(_, u)| Some(u));
        if activity.is_some_and(|u| u.kind != DimKind::PassengerDistance)
            || alloc.is_some()
            || !matches!(method, Some(Method::AverageData | Method::Hybrid))
            || !f.text(OPERATION).is_empty()
            || !f.text(PRODUCT).is_empty()
        {
            f.error(
                "method-mismatch",
                OCCUPANCY,
                "an occupancy turns passenger-km into vehicle-km: it applies to a trip in `pkm` (or items × per_item pkm) priced by a factor per vehicle-km".into(),
                Some("give the trip in pkm with a factor per km (vehicle-km), or leave occupancy empty".into()),
            );
        }
        v.filter(|v| !v.is_zero())
    };
    let exchange_rate = f.factor_ref(EXCHANGE_RATE);
    let price_index = f.factor_ref(PRICE_INDEX);
    if (exchange_rate.is_some() || price_index.is_some()) && method != Some(Method::SpendBased) {
        let at = if exchange_rate.is_some() {
            EXCHANGE_RATE
        } else {
            PRICE_INDEX
        };
        f.error(
            "method-mismatch",
            at,
            "an exchange rate or price index converts a spend: it applies to spend_based rows only"
                .into(),
            None,
        );
    }
    let has_error = f.diags.iter().any(Diagnostic::is_error);
    let row = match (category, period, description, quantity, unit, method) {
        (
            Some(category),
            Some((period, year)),
            Some(description),
            Some(quantity),
            Some(unit),
            Some(method),
        ) if !has_error => Some(Row {
            category,
            period,
            year,
            description,
            quantity,
            unit,
            method,
            factor,
            supplier,
            price_year,
            allocation: alloc,
            per_item,
            exchange_rate,
            price_index,
            operation,
            product,
            occupancy,
        }),
        _ => None,
    };
    (row, f.diags, left_out)
}

/// A failed calculation: code, column, message, hint.
pub type RowError = (&'static str, usize, String, Option<String>);

/// The price year a spend factor states in its `basis` column (`spend;price_year=2022`).
fn stated_price_year(basis: &str) -> Option<i32> {
    basis
        .split(';')
        .find_map(|t| t.trim().strip_prefix("price_year="))
        .and_then(|y| y.trim().parse().ok())
}

/// What a row computes: kg CO2e, whether it is exact, its trace, and its calculation line
/// (in kg CO2e; the product of its columns is the value by the rule of every line).
pub struct Calculated {
    /// kg CO2e (a non-terminating quotient rounded to `decimal::LINE_DP` places).
    pub kg: Decimal,
    /// False when that quotient was rounded.
    pub exact: bool,
    /// The trace, in words.
    pub steps: Vec<Step>,
    /// The line of a supplier allocation: the quantity bought × the supplier's emissions ÷
    /// its total (a factor row's lines are `companion::lines`). None otherwise, or on overflow.
    pub term: Option<Term>,
}

/// The calculation line of a supplier allocation, in kg CO2e: what was bought × the
/// supplier's scope 1 + 2 ÷ the supplier's total of the basis (one division, as the register
/// forms it).
fn allocation_term(row: &Row, a: &Allocation) -> Option<Term> {
    let mut t = Term::of(row.quantity, row.unit.symbol, "CO2e");
    t.conversion = (
        decimal::mul(row.unit.scale, a.emissions_unit.scale).ok()?,
        a.total_unit.scale,
    );
    let who = if row.supplier.is_empty() {
        String::new()
    } else {
        format!(", {}", row.supplier)
    };
    t.steps.push(TermStep::input(
        "supplier emissions",
        a.emissions,
        Decimal::ONE,
        &format!("{} CO2e", a.emissions_unit.symbol),
        format!("supplier_emissions (scope 1 + 2, supplier-reported{who})"),
    ));
    let mut total = TermStep::input(
        "supplier total",
        a.total,
        Decimal::ONE,
        a.total_unit.symbol,
        format!("supplier_total (allocation by {})", a.basis.name()),
    );
    total.divide = true;
    t.steps.push(total);
    Some(t)
}

/// kg CO2e of a row, whether it is exact, its trace and its line.
pub fn calculate(
    project: &Project,
    resolver: &Resolver<'_>,
    row: &Row,
) -> Result<Calculated, RowError> {
    let year = row.year;
    // An overflow names the column whose value overflowed (an allocation's supplier columns
    // as well as the quantity).
    let ov_at = |column: usize| {
        move |e: decimal::CalcError| -> RowError {
            (
                "overflow",
                column,
                e.to_string(),
                Some("every quantity is held in base units (kg, J, m3); this one exceeds about 7.9 × 10^28 of them — check the value at its source".into()),
            )
        }
    };
    let ov = ov_at(QUANTITY);
    let mut steps = vec![step(
        "activity",
        format!(
            "{} {} ({}, {}{})",
            row.quantity,
            row.unit.symbol,
            row.description,
            row.method.name(),
            if row.supplier.is_empty() {
                String::new()
            } else {
                format!(", supplier {}", row.supplier)
            }
        ),
    )];
    if let Some(a) = &row.allocation {
        // kg = E × q ÷ T: the supplier's emissions times the share bought, one division.
        let e_kg = decimal::mul(a.emissions, a.emissions_unit.scale).map_err(ov_at(EMISSIONS))?;
        let q = decimal::mul(row.quantity, row.unit.scale).map_err(ov)?;
        let t = decimal::mul(a.total, a.total_unit.scale).map_err(ov_at(TOTAL))?;
        if q > t {
            return Err((
                "bad-allocation",
                QUANTITY,
                format!(
                    "{} {} bought is more than the supplier's total {} {}",
                    row.quantity, row.unit.symbol, a.total, a.total_unit.symbol
                ),
                Some("the supplier's total is what it produced (or earned) in the period, all customers together".into()),
            ));
        }
        let share = decimal::div(q, t).map_err(ov)?;
        let kg = decimal::div(decimal::mul(e_kg, q).map_err(ov)?, t).map_err(ov)?;
        steps.push(step(
            "allocated",
            format!(
                "supplier {}: scope 1 + 2 = {} {} CO2e (supplier-reported), by {}: {} {} of {} {} = {}{} of it",
                row.supplier,
                a.emissions,
                a.emissions_unit.symbol,
                a.basis.name(),
                row.quantity,
                row.unit.symbol,
                a.total,
                a.total_unit.symbol,
                if share.exact { "" } else { "≈" },
                share.rounded(12).normalize()
            ),
        ));
        let value = kg.rounded(decimal::LINE_DP).normalize();
        steps.push(step(
            "CO2e",
            format!(
                "{} kg CO2e × {} ÷ {} = {}{} kg CO2e",
                e_kg.normalize(),
                q.normalize(),
                t.normalize(),
                if kg.exact { "" } else { "≈" },
                value
            ),
        ));
        return Ok(Calculated {
            kg: value,
            exact: kg.exact,
            steps,
            term: allocation_term(row, a),
        });
    }
    let Some(r) = &row.factor else {
        return Err((
            "missing-value",
            FACTOR,
            "`factor` is empty".into(),
            Some("give a value for `factor`".into()),
        ));
    };
    // Items × an amount per item (units sold × lifetime kWh, × kg at end of life).
    let (quantity, unit) = match row.per_item {
        Some((v, u)) => {
            let q = decimal::mul(row.quantity, v).map_err(ov)?;
            steps.push(step(
                "per item",
                format!(
                    "{} {} × {v} {} per item = {} {}",
                    row.quantity,
                    row.unit.symbol,
                    u.symbol,
                    q.normalize(),
                    u.symbol
                ),
            ));
            (q, u)
        }
        None => (row.quantity, row.unit),
    };
    // Passenger-km ÷ passengers per vehicle = vehicle-km, for a factor per vehicle-km.
    let unit = if let Some(occ) = row.occupancy {
        let vkm = decimal::div(quantity, occ).map_err(ov)?;
        steps.push(step(
            "occupancy",
            format!(
                "{} {} ÷ {} passengers per vehicle = {}{} vehicle-km",
                quantity.normalize(),
                unit.symbol,
                occ.normalize(),
                if vkm.exact { "" } else { "≈" },
                vkm.rounded(12).normalize()
            ),
        ));
        row.factor_unit()
    } else {
        unit
    };
    let f = crate::products::resolve_factor(project, resolver, r, year, unit.kind)
        .map_err(|e| (e.code, FACTOR, e.message, Some(e.hint)))?;
    if row.unit.kind == DimKind::Money {
        let conv = spend_conversion(resolver, row, &f)?;
        steps.extend(conv.steps);
        // kg = spend × Π multipliers × value × kg per numerator unit (× gwp) ÷ Π divisors
        //      ÷ the factor's denominator scale: one division.
        let mut num = decimal::mul(row.quantity, row.unit.scale).map_err(ov)?;
        let mut den = f.den.scale;
        for t in &conv.terms {
            let (n, d) = t.fraction().map_err(ov)?;
            let (n, d) = if t.divide { (d, n) } else { (n, d) };
            num = decimal::mul(num, n).map_err(ov)?;
            den = decimal::mul(den, d).map_err(ov)?;
        }
        num =
            decimal::mul(decimal::mul(num, f.used.value).map_err(ov)?, f.num_scale).map_err(ov)?;
        if let Some((g, _)) = &f.gwp {
            num = decimal::mul(num, *g).map_err(ov)?;
        }
        let q = decimal::div(num, den).map_err(ov)?;
        let kg = q.rounded(decimal::LINE_DP).normalize();
        let what = format!(
            "{} {} in {} {} prices",
            row.quantity, row.unit.symbol, f.den.symbol, conv.price_year
        );
        steps.extend(f.steps("CO2e", &what, kg, q.exact));
        return Ok(Calculated {
            kg,
            exact: q.exact,
            steps,
            term: None,
        });
    }
    let (kg, exact) = crate::products::apply_factor_value_per(
        quantity,
        unit,
        f.used.value,
        f.num_scale,
        f.gwp.as_ref().map(|(g, _)| *g),
        f.den,
        row.occupancy.unwrap_or(Decimal::ONE),
    )
    .map_err(ov)?;
    let what = match row.occupancy {
        Some(occ) => format!(
            "{} {} ÷ {} = vehicle-km",
            quantity.normalize(),
            row.per_item.map_or(row.unit, |(_, u)| u).symbol,
            occ.normalize()
        ),
        None => format!("{} {}", quantity.normalize(), unit.symbol),
    };
    steps.extend(f.steps("CO2e", &what, kg, exact));
    Ok(Calculated {
        kg,
        exact,
        steps,
        term: None,
    })
}

/// How a spend meets its factor's currency and price year: the steps of the line (a cited
/// exchange rate, a cited price index at the factor's year over the spend's), the trace, and
/// the price year reached.
pub struct SpendConversion {
    /// Line steps, in order.
    pub terms: Vec<crate::register::TermStep>,
    /// Trace steps.
    pub steps: Vec<Step>,
    /// The price year of the converted spend (the factor's).
    pub price_year: i32,
}

fn money_ratio(
    resolver: &Resolver<'_>,
    r: &FactorRef,
    year: i32,
    column: usize,
) -> Result<(crate::calc::UsedFactor, crate::units::FactorUnit), RowError> {
    let mut fallbacks = Vec::new();
    let (ed, def) = resolver
        .find(r, year, &mut fallbacks)
        .map_err(|e| (e.code, column, e.message, Some(e.hint)))?;
    Ok((crate::calc::UsedFactor::of(ed, def), def.unit.clone()))
}

/// The conversion of a spend row under factor `f`, or why none can be made.
pub fn spend_conversion(
    resolver: &Resolver<'_>,
    row: &Row,
    f: &crate::products::ProductFactor,
) -> Result<SpendConversion, RowError> {
    use crate::register::{StepValue, TermStep};
    let year = row.year;
    let mut out = SpendConversion {
        terms: Vec::new(),
        steps: Vec::new(),
        price_year: row.price_year.unwrap_or_default(),
    };
    if f.den.symbol != row.unit.symbol {
        let Some(r) = &row.exchange_rate else {
            return Err((
                "spend-currency-mismatch",
                FACTOR,
                format!(
                    "factor {} is per {}, but the spend is in {}",
                    f.used.reference, f.den.symbol, row.unit.symbol
                ),
                Some(format!("name a cited exchange rate ({} per {}) in `exchange_rate`, or choose a factor per {}", f.den.symbol, row.unit.symbol, row.unit.symbol)),
            ));
        };
        let (used, unit) = money_ratio(resolver, r, year, EXCHANGE_RATE)?;
        if unit.num.kind != DimKind::Money
            || unit.den.kind != DimKind::Money
            || unit.num.symbol != f.den.symbol
            || unit.den.symbol != row.unit.symbol
        {
            return Err((
                "bad-conversion",
                EXCHANGE_RATE,
                format!(
                    "exchange rate {} is `{}`; converting {} into the factor's {} needs {}/{}",
                    used.reference,
                    used.unit,
                    row.unit.symbol,
                    f.den.symbol,
                    f.den.symbol,
                    row.unit.symbol
                ),
                Some("an exchange rate's unit is `<factor currency>/<spend currency>`".into()),
            ));
        }
        out.steps.push(super::step(
            "exchange rate",
            format!(
                "{} {} × {} = {} {}/{} (the spend year's rate)",
                row.quantity,
                row.unit.symbol,
                used.reference,
                used.value,
                f.den.symbol,
                row.unit.symbol
            ),
        ));
        if let Some(s) = out.steps.last_mut() {
            s.factor = Some(used.clone());
        }
        out.terms.push(TermStep {
            label: "exchange rate".into(),
            divide: false,
            value: StepValue::Factor(used),
            unit: format!("{}/{}", f.den.symbol, row.unit.symbol),
        });
    } else if let Some(r) = &row.exchange_rate {
        return Err((
            "bad-conversion",
            EXCHANGE_RATE,
            format!("the spend is already in {}, the currency of factor {}: exchange rate {r} converts nothing", row.unit.symbol, f.used.reference),
            Some("leave `exchange_rate` empty".into()),
        ));
    }
    let mut ignored = Vec::new();
    let stated = resolver
        .find(
            row.factor.as_ref().ok_or((
                "missing-value",
                FACTOR,
                "`factor` is empty".to_string(),
                None,
            ))?,
            year,
            &mut ignored,
        )
        .ok()
        .and_then(|(_, def)| stated_price_year(&def.basis));
    let Some(factor_year) = stated else {
        return Err((
            "spend-price-year-mismatch",
            PRICE_YEAR,
            format!(
                "factor {} states no price year (`price_year=YYYY` in its basis column)",
                f.used.reference
            ),
            Some("a spend factor states the year its prices are in".into()),
        ));
    };
    let spend_year = row.price_year.unwrap_or_default();
    if factor_year != spend_year {
        let Some(p) = &row.price_index else {
            return Err((
                "spend-price-year-mismatch",
                PRICE_YEAR,
                format!("factor {} is in {factor_year} prices, but the spend is in {spend_year} prices", f.used.reference),
                Some("name a cited price index in `price_index` (`SET:KEY`, whose rows are `KEY.<year>`) to move the spend to the factor's year".into()),
            ));
        };
        let at = |y: i32| FactorRef {
            set: p.set.clone(),
            edition: p.edition.clone(),
            key: format!("{}.{y}", p.key),
        };
        let (to, to_unit) = money_ratio(resolver, &at(factor_year), year, PRICE_INDEX)?;
        let (from, from_unit) = money_ratio(resolver, &at(spend_year), year, PRICE_INDEX)?;
        let pure = |u: &crate::units::FactorUnit| {
            u.num.kind == DimKind::Ratio && u.den.kind == DimKind::Ratio
        };
        if !pure(&to_unit) || !pure(&from_unit) || from.value <= Decimal::ZERO {
            return Err((
                "bad-conversion",
                PRICE_INDEX,
                format!(
                    "price index {} and {} must be positive pure numbers (unit `1/1`)",
                    to.reference, from.reference
                ),
                None,
            ));
        }
        out.steps.push(Step {
            label: "price index".into(),
            text: format!(
                "× {} ÷ {} = {} ÷ {} ({spend_year} prices → {factor_year} prices, in {})",
                to.reference, from.reference, to.value, from.value, f.den.symbol
            ),
            factor: Some(to.clone()),
        });
        out.terms.push(TermStep {
            label: "price index".into(),
            divide: false,
            value: StepValue::Factor(to),
            unit: "1".into(),
        });
        out.terms.push(TermStep {
            label: "price index".into(),
            divide: true,
            value: StepValue::Factor(from),
            unit: "1".into(),
        });
    } else {
        if let Some(p) = &row.price_index {
            return Err((
                "bad-conversion",
                PRICE_INDEX,
                format!("the spend is already in {spend_year} prices, the factor's: price index {p} converts nothing"),
                Some("leave `price_index` empty".into()),
            ));
        }
        out.steps.push(super::step(
            "prices",
            format!(
                "spend in {} {spend_year} prices = the factor's price year",
                f.den.symbol
            ),
        ));
    }
    out.price_year = factor_year;
    Ok(out)
}
