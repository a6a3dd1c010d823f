//! `operations.csv`: ISO 14083 transport operation categories (TOCs) and hub operation
//! categories (HOCs) built from a carrier's or a hub's own data — the energy it consumed, each
//! row with its cited emission factor, and the activity it delivered (tonne-km, TEU-km,
//! passenger-km; tonnes handled at a hub). An operation's intensity is its emissions ÷ its
//! activity (ISO 14083 §5, the TOC / HOC intensity); a transport chain element that names
//! the operation takes activity × intensity. When no row gives the activity, the operation is
//! one vehicle's round (or one voyage): its activity is the sum over the elements that name
//! it, so its emissions are allocated to them in proportion (by tonne-km, by TEU-km with a
//! reefer weighting, or by tonnes handled). Reading and resolving only: elements are
//! calculated in `element`.

use crate::calc::Resolver;
use crate::decimal;
use crate::diag::Diagnostic;
use crate::factors::FactorRef;
use crate::ingest::Column;
use crate::products::{resolve_factor, ProductFactor};
use crate::project::{Input, Project};
use crate::register::fields::{read_optional, Fields};
use crate::register::FileStats;
use crate::units::{lookup_kind, AnyUnit, DimKind};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const fn col(name: &'static str, required: bool) -> Column {
    Column { name, required }
}

/// The columns of `operations.csv`, in order (the first six are required).
pub const COLUMNS: [Column; 12] = [
    col("operation", true),
    col("kind", true),
    col("period", true),
    col("energy", true),
    col("energy_unit", true),
    col("factor", true),
    col("wtt_factor", false),
    col("activity", false),
    col("activity_unit", false),
    col("reefer_weight", false),
    col("note", false),
    col("group", false),
];

const ID: usize = 0;
const KIND: usize = 1;
const PERIOD: usize = 2;
const ENERGY: usize = 3;
const ENERGY_UNIT: usize = 4;
const FACTOR: usize = 5;
const WTT: usize = 6;
const ACTIVITY: usize = 7;
const ACTIVITY_UNIT: usize = 8;
const REEFER: usize = 9;
const GROUP: usize = 11;

/// A temperature group of a multi-temperature hub operation category: its own energy and
/// refrigerant, divided by its own throughput, on top of the energy shared by all goods
/// (ISO 14083 §9.5.3, as the CLECAT/UBA guide to ISO 14083 restates it, Example 5 pp.35–36).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TempGroup {
    /// Goods at ambient temperature.
    Ambient,
    /// Chilled goods.
    Chilled,
    /// Frozen goods.
    Frozen,
}

impl TempGroup {
    /// Parses `ambient`, `chilled` (`cooled`) or `frozen`.
    pub fn parse(s: &str) -> Option<TempGroup> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "ambient" => TempGroup::Ambient,
            "chilled" | "cooled" => TempGroup::Chilled,
            "frozen" => TempGroup::Frozen,
            _ => return None,
        })
    }

    /// As written.
    pub fn name(self) -> &'static str {
        match self {
            TempGroup::Ambient => "ambient",
            TempGroup::Chilled => "chilled",
            TempGroup::Frozen => "frozen",
        }
    }
}

/// What an operation category covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A transport operation category: vehicles moving freight or passengers.
    Transport,
    /// A hub operation category: transhipment, warehousing.
    Hub,
}

impl OpKind {
    /// As written in the file.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::Transport => "transport",
            OpKind::Hub => "hub",
        }
    }
}

/// One energy row of an operation: a quantity consumed and its cited factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnergyUse {
    /// Line in operations.csv.
    pub line: u64,
    /// Quantity consumed, as written.
    pub quantity: Decimal,
    /// Its unit.
    pub unit: AnyUnit,
    /// The operation (tank-to-wheel) factor.
    pub main: ProductFactor,
    /// The well-to-tank factor, when given.
    pub wtt: Option<ProductFactor>,
    /// The temperature group whose goods alone use it (none: every group's goods).
    pub group: Option<TempGroup>,
}

/// One operation category of one year: its energy rows and its activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Its id.
    pub id: String,
    /// Transport or hub.
    pub kind: OpKind,
    /// Reporting year.
    pub year: i32,
    /// Energy consumed, one entry per row.
    pub uses: Vec<EnergyUse>,
    /// The unit activity is measured and allocated in (tkm, TEUkm, pkm; t at a hub).
    pub basis: AnyUnit,
    /// Activity the rows state, summed, in `basis` (none: a round, allocated over the
    /// elements that name it).
    pub given: Option<Decimal>,
    /// How many TEU one reefer TEU counts as in a TEU-km allocation.
    pub reefer_weight: Option<Decimal>,
    /// Each temperature group's throughput, summed from its rows' `activity`.
    pub group_activity: BTreeMap<TempGroup, Decimal>,
    /// The line of a row that states activity without a group (refused in an operation with
    /// temperature groups, whose activity is the sum of its groups').
    pub ungrouped_activity: Option<u64>,
    /// First line of the operation in the file.
    pub line: u64,
}

/// Every operation of the project, by (id, year).
#[derive(Debug, Clone, Default)]
pub struct Operations {
    map: BTreeMap<(String, i32), Operation>,
}

impl Operations {
    /// The operation `id` of `year`.
    pub fn get(&self, id: &str, year: i32) -> Option<&Operation> {
        self.map.get(&(id.to_string(), year))
    }

    /// True when the project has no operations.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Every operation, by id then year.
    pub fn all(&self) -> impl Iterator<Item = &Operation> {
        self.map.values()
    }

    /// The ids known for `year`, for hints.
    pub fn ids(&self, year: i32) -> Vec<String> {
        self.map
            .keys()
            .filter(|(_, y)| *y == year)
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// An operation id: lowercase ASCII letters, digits, `_` and `-` (it names a figure).
pub fn valid_id(s: &str) -> bool {
    super::shipments::valid_lane(s)
}

/// The kinds of activity an operation may be measured in.
fn basis_kinds(kind: OpKind) -> &'static [DimKind] {
    match kind {
        OpKind::Transport => &[
            DimKind::MassDistance,
            DimKind::TeuDistance,
            DimKind::PassengerDistance,
        ],
        OpKind::Hub => &[DimKind::Mass],
    }
}

fn default_basis(kind: OpKind) -> Option<AnyUnit> {
    lookup_kind(
        match kind {
            OpKind::Transport => "tkm",
            OpKind::Hub => "t",
        },
        basis_kinds(kind),
    )
    .ok()
}

/// A factor for a quantity of `unit`: resolved, or the problem at `column`.
fn factor(
    project: &Project,
    resolver: &Resolver<'_>,
    f: &mut Fields<'_, '_>,
    column: usize,
    r: &FactorRef,
    year: i32,
    unit: AnyUnit,
) -> Option<ProductFactor> {
    match resolve_factor(project, resolver, r, year, unit.kind) {
        Ok(pf) => Some(pf),
        Err(e) => {
            f.error(e.code, column, e.message, Some(e.hint));
            None
        }
    }
}

/// One row, read: (id, kind, year, use, basis, given activity, reefer weight).
type ParsedRow = (
    String,
    OpKind,
    i32,
    EnergyUse,
    AnyUnit,
    Option<Decimal>,
    Option<Decimal>,
);

fn parse_row(
    project: &Project,
    resolver: &Resolver<'_>,
    f: &mut Fields<'_, '_>,
) -> Option<ParsedRow> {
    let id = f.required(ID, "operation").map(str::to_string);
    if let Some(i) = id.as_deref().filter(|i| !valid_id(i)) {
        f.error(
            "bad-operation",
            ID,
            format!("operation id `{i}` must be lowercase ASCII letters, digits, `_` or `-`"),
            Some("it becomes part of a figure name: logistics.by_operation.<id>".into()),
        );
    }
    let kind = f.required(KIND, "kind").and_then(|k| {
        let kind = match k.to_ascii_lowercase().as_str() {
            "transport" | "toc" => Some(OpKind::Transport),
            "hub" | "hoc" => Some(OpKind::Hub),
            _ => None,
        };
        if kind.is_none() {
            f.error(
                "bad-operation",
                KIND,
                format!("kind `{k}` is neither transport nor hub"),
                Some("transport: a transport operation category (vehicles); hub: a hub operation category (transhipment, warehousing)".into()),
            );
        }
        kind
    });
    let period = f.period_in(PERIOD, &project.manifest);
    let quantity = f.amount(ENERGY, "energy");
    let unit = f.required(ENERGY_UNIT, "energy_unit").and_then(|t| {
        match lookup_kind(t, &[DimKind::Energy, DimKind::Volume, DimKind::Mass]) {
            Ok(u) => Some(u),
            Err(e) => {
                f.error(
                    "unknown-unit",
                    ENERGY_UNIT,
                    format!("{e} in column `energy_unit`"),
                    Some("the fuel or energy consumed: L, kg, t, kWh, MWh, GJ, m3, …".to_string()),
                );
                None
            }
        }
    });
    let main_ref = f.factor_ref(FACTOR);
    if f.text(FACTOR).is_empty() {
        f.required(FACTOR, "factor");
    }
    let wtt_ref = f.factor_ref(WTT);
    let given = f.optional_amount(ACTIVITY, "activity");
    let basis = match (kind, f.text(ACTIVITY_UNIT)) {
        (None, _) => None,
        (Some(k), "") => {
            if !f.text(ACTIVITY).is_empty() {
                f.required(ACTIVITY_UNIT, "activity_unit");
            }
            default_basis(k)
        }
        (Some(k), t) => match lookup_kind(t, basis_kinds(k)) {
            Ok(u) => Some(u),
            Err(e) => {
                f.error(
                    "bad-operation",
                    ACTIVITY_UNIT,
                    format!("{e} in column `activity_unit` of a {} operation", k.name()),
                    Some(match k {
                        OpKind::Transport => {
                            "a transport operation's activity is tkm, TEUkm or pkm".into()
                        }
                        OpKind::Hub => "a hub operation's activity is the mass handled (t)".into(),
                    }),
                );
                None
            }
        },
    };
    if given.is_some_and(|g| g.is_zero()) {
        f.error(
            "bad-operation",
            ACTIVITY,
            "the operation's activity is 0: there is nothing to divide its emissions by".into(),
            Some(
                "leave `activity` empty to allocate over the shipments that name the operation"
                    .into(),
            ),
        );
    }
    let group = match f.text(GROUP) {
        "" => None,
        t => {
            let g = TempGroup::parse(t);
            if g.is_none() {
                f.error(
                    "bad-operation",
                    GROUP,
                    format!("group `{t}` is none of ambient, chilled, frozen"),
                    Some("the temperature group whose goods alone use the row's energy; empty for energy all goods share".into()),
                );
            } else if kind == Some(OpKind::Transport) {
                f.error(
                    "bad-operation",
                    GROUP,
                    format!("group `{t}` on a transport operation: temperature groups divide a hub's energy"),
                    Some("a reefer voyage is allocated by TEU-km with reefer_weight; leave `group` empty".into()),
                );
            }
            g
        }
    };
    let reefer = f.optional_amount(REEFER, "reefer_weight");
    if let Some(w) = reefer {
        if w <= Decimal::ZERO || basis.is_some_and(|b| b.kind != DimKind::TeuDistance) {
            f.error(
                "bad-operation",
                REEFER,
                format!("reefer_weight {w} applies to a positive weighting of an operation allocated by TEU-km"),
                Some("give the weight one reefer TEU counts as (e.g. the ratio the carrier states), on an operation whose activity_unit is TEUkm".into()),
            );
        }
    }
    let (id, kind, period, quantity, unit, main_ref) =
        (id?, kind?, period?, quantity?, unit?, main_ref?);
    let year = period.year();
    let main = factor(project, resolver, f, FACTOR, &main_ref, year, unit);
    let wtt = match &wtt_ref {
        Some(r) => Some(factor(project, resolver, f, WTT, r, year, unit)?),
        None => None,
    };
    if f.diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    Some((
        id,
        kind,
        year,
        EnergyUse {
            line: f.row.line(),
            quantity,
            unit,
            main: main?,
            wtt,
            group,
        },
        basis?,
        given,
        reefer,
    ))
}

/// Reads `operations.csv` (absent: no operations). Every row is used (it belongs to an
/// operation) or rejected with its problems; rows of one operation and year must agree on
/// kind, activity unit and reefer weight.
pub fn read(
    project: &Project,
    resolver: &Resolver<'_>,
) -> (Operations, Option<(FileStats, Vec<Diagnostic>)>) {
    let mut ops = Operations::default();
    // Every row's fields and line: a row equal to an earlier one in every column is a copy
    // (its energy would count twice); a second delivery of the same fuel says so in `note`.
    let mut seen: std::collections::HashMap<Vec<String>, u64> = std::collections::HashMap::new();
    let read = read_optional(project, Input::Operations, &COLUMNS, |r| {
        let mut f = Fields::new(r);
        if f.ragged() {
            return (f.diags, None);
        }
        let left_out = match (
            decimal::parse_amount(f.text(ENERGY)).ok(),
            lookup_kind(
                f.text(ENERGY_UNIT),
                &[DimKind::Energy, DimKind::Volume, DimKind::Mass],
            ),
        ) {
            (Some(q), Ok(u)) => Some((q, u.symbol.to_string())),
            _ => None,
        };
        let identity: Vec<String> = (0..COLUMNS.len())
            .map(|i| r.get(i).trim().to_string())
            .collect();
        if let Some(first) = seen.insert(identity, r.line()) {
            f.error(
                "duplicate-row",
                0,
                format!("the same row as line {first} (every column equal): its energy would be counted twice"),
                Some("remove the copy; if it is a second delivery, say so in `note`".into()),
            );
            return (f.diags, left_out);
        }
        let Some((id, kind, year, use_, basis, given, reefer)) =
            parse_row(project, resolver, &mut f)
        else {
            return (f.diags, left_out);
        };
        let line = r.line();
        let group_given = use_.group.zip(given);
        let ungrouped = (use_.group.is_none() && given.is_some()).then_some(line);
        let add_group = |op: &mut Operation, f: &mut Fields<'_, '_>| -> bool {
            if let Some((g, a)) = group_given {
                let sum = op.group_activity.entry(g).or_default();
                match decimal::add(*sum, a) {
                    Ok(v) => *sum = v,
                    Err(e) => {
                        f.error("overflow", ACTIVITY, e.to_string(), None);
                        return false;
                    }
                }
            }
            op.ungrouped_activity = op.ungrouped_activity.or(ungrouped);
            true
        };
        match ops.map.get_mut(&(id.clone(), year)) {
            None => {
                let mut op = Operation {
                    id: id.clone(),
                    kind,
                    year,
                    uses: vec![use_],
                    basis,
                    given,
                    reefer_weight: reefer,
                    group_activity: BTreeMap::new(),
                    ungrouped_activity: None,
                    line: r.line(),
                };
                if !add_group(&mut op, &mut f) {
                    return (f.diags, left_out);
                }
                ops.map.insert((id, year), op);
            }
            Some(op) => {
                let clash = if op.kind != kind {
                    Some((
                        KIND,
                        format!(
                            "operation {id} is a {} operation on line {}",
                            op.kind.name(),
                            op.line
                        ),
                    ))
                } else if op.basis.symbol != basis.symbol {
                    Some((
                        ACTIVITY_UNIT,
                        format!(
                            "operation {id} is measured in {} on line {}",
                            op.basis.symbol, op.line
                        ),
                    ))
                } else if reefer.is_some()
                    && op.reefer_weight.is_some()
                    && reefer != op.reefer_weight
                {
                    Some((
                        REEFER,
                        format!(
                            "operation {id} has reefer_weight {} on line {}",
                            op.reefer_weight.unwrap_or_default(),
                            op.line
                        ),
                    ))
                } else {
                    None
                };
                if let Some((c, msg)) = clash {
                    f.error(
                        "bad-operation",
                        c,
                        msg,
                        Some("every row of one operation and year has the same kind, activity unit and reefer weight".into()),
                    );
                    return (f.diags, left_out);
                }
                // Rows add up; a row without activity (a refrigerant top-up, a second fuel)
                // adds energy only. No row with activity at all: a round.
                let sum = match (op.given, given) {
                    (Some(a), Some(b)) => match decimal::add(a, b) {
                        Ok(s) => Some(s),
                        Err(e) => {
                            f.error("overflow", ACTIVITY, e.to_string(), None);
                            return (f.diags, left_out);
                        }
                    },
                    (a, b) => a.or(b),
                };
                if !add_group(op, &mut f) {
                    return (f.diags, left_out);
                }
                op.given = sum;
                op.reefer_weight = op.reefer_weight.or(reefer);
                op.uses.push(use_);
            }
        }
        (f.diags, left_out)
    });
    (ops, read)
}
