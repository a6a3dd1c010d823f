//! `shipments.csv`: one row per leg of a shipment. This module turns a row into a validated
//! [`Leg`] — or every problem with the row, each at its column — and does nothing else: no
//! factor is looked up and nothing is calculated here.

use super::geodesy::Point;
use super::mode::Mode;
use crate::activity::Period;
use crate::decimal::parse_amount;
use crate::diag::Diagnostic;
use crate::factors::FactorRef;
use crate::ingest::{Column, RowRef};
use crate::units::{lookup_kind, AnyUnit, DimKind};
use compact_str::CompactString;
use rust_decimal::Decimal;

macro_rules! columns {
    ($($name:literal $req:literal),* $(,)?) => {
        /// The columns of `shipments.csv`, in the order the calculation refers to them.
        pub const COLUMNS: &[Column] = &[$(Column { name: $name, required: $req }),*];

        /// The index of a column in [`COLUMNS`], by name (also when compiling: see `c!`).
        pub const fn index_of(name: &str) -> Option<usize> {
            let mut i = 0;
            while i < COLUMNS.len() {
                if same(COLUMNS[i].name.as_bytes(), name.as_bytes()) {
                    return Some(i);
                }
                i += 1;
            }
            None
        }

        /// The index of a column in [`COLUMNS`] (for spans), by name; 0 for a name that is
        /// not one (a name given at run time, such as an error's column).
        pub fn col(name: &str) -> usize {
            match index_of(name) {
                Some(i) => i,
                None => 0,
            }
        }
    };
}

columns! {
    "shipment" true, "leg" true, "period" true, "mass" true, "mass_unit" true, "mode" true,
    "origin" true, "destination" true, "distance" false, "distance_unit" false,
    "origin_lat" false, "origin_lon" false, "destination_lat" false, "destination_lon" false,
    "baseline_mode" false, "baseline_distance" false, "baseline_distance_unit" false,
    "lane" false, "saf_share_pct" false, "saf_fuel" false, "factor" false,
    "cargo_per_teu" false, "cargo_per_teu_unit" false, "note" false,
    "operation" false, "distance_basis" false, "teu" false, "reefer" false,
    "temperature" false,
}

/// Byte-wise equality that can run when compiling.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A column of `shipments.csv`: its index in [`COLUMNS`] and its name. Made by `c!`, which
/// finds the index when compiling, so that reading a row compares no names and a misspelt
/// column does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    /// Index in [`COLUMNS`].
    pub at: usize,
    /// The column's name.
    pub name: &'static str,
}

impl Col {
    /// The column named `name`, for `c!`, which calls it when compiling: a name that is not
    /// a column stops the build there (the panic is a compile error, never a run-time one).
    #[allow(clippy::panic)]
    pub const fn named(name: &'static str) -> Col {
        match index_of(name) {
            Some(at) => Col { at, name },
            None => panic!("not a column of shipments.csv"),
        }
    }
}

impl std::fmt::Display for Col {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The [`Col`] of a column of `shipments.csv`, found when compiling.
macro_rules! c {
    ($name:literal) => {
        const { $crate::freight::shipments::Col::named($name) }
    };
}
pub(crate) use c;

/// The counterfactual of a mode shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The mode the goods would otherwise have gone by.
    pub mode: Mode,
    /// Its distance, when given (else from the ends' coordinates).
    pub distance: Option<(Decimal, AnyUnit)>,
    /// Lane id for `avoided.logistics.mode_shift.<lane>`.
    pub lane: String,
}

/// Sustainable aviation fuel on an air leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saf {
    /// Share of the leg's fuel (by energy) that is SAF, in percent.
    pub share_pct: Decimal,
    /// Its life-cycle emissions value, `SET:KEY` (e.g. `icao-corsia:hefa.uco`).
    pub fuel: FactorRef,
}

/// One validated leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    /// Shipment id.
    pub shipment: CompactString,
    /// Leg number within the shipment (1, 2, …).
    pub leg: u32,
    /// Reporting period.
    pub period: Period,
    /// Mass carried, as given.
    pub mass: (Decimal, AnyUnit),
    /// Mode.
    pub mode: Mode,
    /// Origin name.
    pub origin: CompactString,
    /// Destination name.
    pub destination: CompactString,
    /// Distance as given.
    pub distance: Option<(Decimal, AnyUnit)>,
    /// Coordinates of both ends.
    pub ends: Option<(Point, Point)>,
    /// Mode-shift counterfactual.
    pub baseline: Option<Baseline>,
    /// SAF share.
    pub saf: Option<Saf>,
    /// Explicit intensity (base key; the RF variant and `.wtt` row are found from it).
    pub factor: Option<FactorRef>,
    /// Cargo mass per TEU, for per-TEU-km intensities.
    pub cargo_per_teu: Option<(Decimal, AnyUnit)>,
    /// The operation category (`operations.csv`) whose intensity the leg takes, instead of a
    /// default intensity.
    pub operation: Option<String>,
    /// What the distance is (`distance_basis`): as travelled, shortest feasible or
    /// great-circle. `None`: a given distance is actual, coordinates give great-circle.
    pub distance_basis: Option<DistanceBasis>,
    /// TEU carried, for an operation allocated by TEU-km.
    pub teu: Option<Decimal>,
    /// Whether the containers are refrigerated (reefers).
    pub reefer: bool,
}

/// What a distance measures (ISO 14083 §5.4.4): each distance rule applies to its own basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DistanceBasis {
    /// The distance actually travelled: used as it is.
    Actual,
    /// The shortest feasible distance: road and sea take their distance adjustment factor.
    ShortestFeasible,
    /// The great-circle distance: air takes its fixed addition.
    GreatCircle,
}

impl DistanceBasis {
    /// Parses `actual`, `sfd` (`shortest_feasible`) or `gcd` (`great_circle`).
    pub fn parse(s: &str) -> Option<DistanceBasis> {
        Some(match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "actual" => DistanceBasis::Actual,
            "sfd" | "shortest_feasible" => DistanceBasis::ShortestFeasible,
            "gcd" | "great_circle" => DistanceBasis::GreatCircle,
            _ => return None,
        })
    }

    /// As written in `distance_basis`.
    pub fn code(self) -> &'static str {
        match self {
            DistanceBasis::Actual => "actual",
            DistanceBasis::ShortestFeasible => "sfd",
            DistanceBasis::GreatCircle => "gcd",
        }
    }

    /// As written on a line.
    pub fn name(self) -> &'static str {
        match self {
            DistanceBasis::Actual => "actual distance",
            DistanceBasis::ShortestFeasible => "shortest feasible distance",
            DistanceBasis::GreatCircle => "great-circle distance",
        }
    }
}

/// A hub a shipment passes through (a row whose `mode` is `hub`): a transport chain element
/// of its own, priced by the hub operation category it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubVisit {
    /// Shipment id.
    pub shipment: CompactString,
    /// Element number within the shipment.
    pub leg: u32,
    /// Reporting period.
    pub period: Period,
    /// Mass handled, as given.
    pub mass: (Decimal, AnyUnit),
    /// The hub, as written in `origin`.
    pub hub: String,
    /// How the hub is priced.
    pub pricing: HubPricing,
    /// The temperature group the goods were handled in (`temperature`), for a hub operation
    /// whose energy is divided between groups.
    pub temperature: Option<super::operation::TempGroup>,
}

/// What prices a hub visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HubPricing {
    /// A hub operation category of operations.csv (the hub's own data).
    Operation(String),
    /// A default intensity per mass handled (`factor`), e.g. a cited hub default.
    Intensity(FactorRef),
}

/// One row of shipments.csv: a leg or a hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A leg: goods moved by a mode.
    Leg(Box<Leg>),
    /// A hub: goods transhipped or stored.
    Hub(HubVisit),
}

/// A lane id: lowercase ASCII letters, digits, `_` and `-`.
pub fn valid_lane(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

struct Reader<'r, 'a> {
    row: &'r RowRef<'a>,
    diags: Vec<Diagnostic>,
}

impl<'a> Reader<'_, 'a> {
    /// A cell, borrowed from the row (not from the reader, which records errors meanwhile:
    /// no copy of the cell is needed to report one).
    fn get(&self, c: Col) -> &'a str {
        self.row.get(c.at)
    }

    fn error(&mut self, code: &'static str, name: Col, msg: String, hint: Option<String>) {
        self.diags.push(
            Diagnostic::error(code, self.row.span_of(name.at), msg)
                .with_hint_opt(hint)
                .with_source(self.row.text()),
        );
    }

    fn required(&mut self, name: Col) -> Option<&'a str> {
        let v = self.get(name);
        if v.is_empty() {
            self.error(
                "missing-value",
                name,
                format!("column `{name}` is empty"),
                None,
            );
            return None;
        }
        Some(v)
    }

    fn amount(&mut self, name: Col, positive: bool) -> Option<Decimal> {
        let t = self.get(name);
        if t.is_empty() {
            return None;
        }
        match parse_amount(t) {
            Ok(v) if positive && v <= Decimal::ZERO => {
                self.error(
                    "negative-quantity",
                    name,
                    format!("`{name}` must be greater than zero, found {t}"),
                    None,
                );
                None
            }
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    e.code(),
                    name,
                    format!("{e} in column `{name}`"),
                    Some(e.hint().to_string()),
                );
                None
            }
        }
    }

    /// A quantity with its unit column, both present or both absent.
    fn quantity(
        &mut self,
        name: Col,
        unit_col: Col,
        kind: DimKind,
    ) -> Option<Option<(Decimal, AnyUnit)>> {
        let (v, u) = (self.get(name), self.get(unit_col));
        match (v.is_empty(), u.is_empty()) {
            (true, true) => return Some(None),
            (false, true) => {
                self.error(
                    "missing-value-unit",
                    unit_col,
                    format!("`{name}` is given but `{unit_col}` is empty"),
                    Some(format!("give the unit of `{name}`")),
                );
                return None;
            }
            (true, false) => {
                self.error(
                    "missing-value",
                    name,
                    format!("`{unit_col}` is given but `{name}` is empty"),
                    None,
                );
                return None;
            }
            _ => {}
        }
        let amount = self.amount(name, true);
        let unit = match lookup_kind(u, &[kind]) {
            Ok(u) => Some(u),
            Err(e) => {
                let code = if matches!(e, crate::units::UnitError::Mismatch { .. }) {
                    "wrong-dimension"
                } else {
                    "unknown-unit"
                };
                self.error(
                    code,
                    unit_col,
                    format!("{e} in column `{unit_col}`"),
                    e.hint(),
                );
                None
            }
        };
        Some(Some((amount?, unit?)))
    }

    fn coordinate(&mut self, name: Col, limit: u32) -> Option<Decimal> {
        let v = self.amount(name, false)?;
        if crate::decimal::abs_exceeds(v, limit) {
            self.error(
                "bad-coordinates",
                name,
                format!("`{name}` {v} is outside −{limit}..{limit} degrees"),
                Some("decimal degrees: latitude −90..90 (north positive), longitude −180..180 (east positive)".into()),
            );
            return None;
        }
        Some(v)
    }

    fn mode(&mut self, name: Col) -> Option<Mode> {
        let t = self.get(name);
        let m = Mode::parse(t);
        if m.is_none() {
            self.error(
                "unknown-mode",
                name,
                format!("unknown transport mode `{t}` in column `{name}`"),
                Some(format!("modes: {}", Mode::ALL.map(|m| m.name()).join(", "))),
            );
        }
        m
    }

    fn operation(&mut self) -> Option<String> {
        let t = self.get(c!("operation"));
        if t.is_empty() {
            return None;
        }
        if !valid_lane(t) {
            self.error(
                "bad-operation",
                c!("operation"),
                format!("operation `{t}` must be lowercase ASCII letters, digits, `_` or `-`"),
                Some("the id of an operation in operations.csv".into()),
            );
            return None;
        }
        Some(t.to_string())
    }

    fn distance_basis(&mut self) -> Option<DistanceBasis> {
        let t = self.get(c!("distance_basis"));
        if t.is_empty() {
            return None;
        }
        let b = DistanceBasis::parse(t);
        if b.is_none() {
            self.error(
                "bad-distance-basis",
                c!("distance_basis"),
                format!("distance basis `{t}` is none of actual, sfd, gcd"),
                Some("actual: as travelled; sfd: shortest feasible (road and sea take their adjustment factor); gcd: great-circle (air takes + 95 km)".into()),
            );
        }
        b
    }

    fn reefer(&mut self) -> Option<bool> {
        let t = self.get(c!("reefer"));
        // Nearly always empty: lowercased (a copy) only when given.
        if t.is_empty() {
            return Some(false);
        }
        match t.to_ascii_lowercase().as_str() {
            "no" | "n" | "false" | "0" => Some(false),
            "yes" | "y" | "true" | "1" => Some(true),
            other => {
                let other = other.to_string();
                self.error(
                    "bad-boolean",
                    c!("reefer"),
                    format!("`{other}` in column `reefer` is not yes or no"),
                    None,
                );
                None
            }
        }
    }

    fn reference(&mut self, name: Col) -> Option<Option<FactorRef>> {
        let t = self.get(name);
        if t.is_empty() {
            return Some(None);
        }
        match FactorRef::parse(t) {
            Ok(r) => Some(Some(r)),
            Err(e) => {
                self.error(
                    "bad-factor-reference",
                    name,
                    e.to_string(),
                    Some("e.g. `desnz:freight.air.long_haul` or `icao-corsia:hefa.uco`".into()),
                );
                None
            }
        }
    }
}

/// The mass of a row that could be read (for the rejected-quantity account), even when the
/// row as a whole is rejected.
pub fn readable_mass(row: &RowRef<'_>) -> Option<(Decimal, &'static str)> {
    let v = parse_amount(row.get(c!("mass").at)).ok()?;
    let u = lookup_kind(row.get(c!("mass_unit").at), &[DimKind::Mass]).ok()?;
    Some((v, u.symbol))
}

/// Parses one row into a leg, or every problem with it.
pub fn parse_leg(row: &RowRef<'_>, years: &[i32]) -> Result<Leg, Vec<Diagnostic>> {
    let mut r = Reader {
        row,
        diags: Vec::new(),
    };
    let shipment = r.required(c!("shipment"));
    if !r.get(c!("temperature")).is_empty() {
        r.error(
            "bad-temperature",
            c!("temperature"),
            "`temperature` is the temperature group of goods handled at a hub; a leg leaves it empty".into(),
            Some("refrigerated containers on a leg are `reefer` = yes".into()),
        );
    }
    let leg = r.required(c!("leg")).and_then(|t| match t.parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            r.error(
                "bad-leg",
                c!("leg"),
                format!("leg `{t}` is not a leg number (1, 2, 3, …)"),
                None,
            );
            None
        }
    });
    let period = r
        .required(c!("period"))
        .and_then(|t| match Period::parse(t) {
            None => {
                r.error(
                    "bad-period",
                    c!("period"),
                    format!("period `{t}` is not a year, quarter or month"),
                    Some("write 2025, 2025-Q1 or 2025-03".into()),
                );
                None
            }
            Some(p) if !years.contains(&p.year()) => {
                r.error(
                    "period-outside-reporting-years",
                    c!("period"),
                    format!("period {p} is outside reporting_years {years:?}"),
                    None,
                );
                None
            }
            Some(p) => Some(p),
        });
    let mass = match r.required(c!("mass")) {
        Some(_) => r
            .quantity(c!("mass"), c!("mass_unit"), DimKind::Mass)
            .flatten(),
        None => None,
    };
    let mode = r.required(c!("mode")).and_then(|_| r.mode(c!("mode")));
    let origin = r.required(c!("origin"));
    let destination = r.required(c!("destination"));
    let distance = r.quantity(c!("distance"), c!("distance_unit"), DimKind::Distance);
    let coord_cols = [
        c!("origin_lat"),
        c!("origin_lon"),
        c!("destination_lat"),
        c!("destination_lon"),
    ];
    let given = coord_cols.iter().filter(|c| !r.get(**c).is_empty()).count();
    let ends = match given {
        0 => Some(None),
        4 => {
            let a = (
                r.coordinate(c!("origin_lat"), 90),
                r.coordinate(c!("origin_lon"), 180),
            );
            let b = (
                r.coordinate(c!("destination_lat"), 90),
                r.coordinate(c!("destination_lon"), 180),
            );
            match (a, b) {
                ((Some(la), Some(lo)), (Some(lb), Some(lob))) => {
                    match (Point::new(la, lo), Point::new(lb, lob)) {
                        (Ok(p), Ok(q)) => Some(Some((p, q))),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        _ => {
            let missing = coord_cols
                .iter()
                .find(|c| r.get(**c).is_empty())
                .copied()
                .unwrap_or(c!("origin_lat"));
            r.error(
                "missing-value",
                missing,
                format!("`{missing}` is empty: coordinates need all four of origin_lat, origin_lon, destination_lat, destination_lon"),
                None,
            );
            None
        }
    };
    if let (Some(None), Some(None)) = (&distance, &ends) {
        r.error(
            "no-distance",
            c!("distance"),
            "the leg has neither a distance nor the coordinates of both ends".into(),
            Some("give distance and distance_unit, or origin_lat, origin_lon, destination_lat, destination_lon".into()),
        );
    }
    let baseline_mode_text = r.get(c!("baseline_mode"));
    let baseline = if baseline_mode_text.is_empty() {
        for c in [
            c!("baseline_distance"),
            c!("baseline_distance_unit"),
            c!("lane"),
        ] {
            if !r.get(c).is_empty() {
                r.error(
                    "missing-value",
                    c!("baseline_mode"),
                    format!("`{c}` is given but `baseline_mode` is empty"),
                    Some(
                        "a mode shift names the mode the goods would otherwise have gone by".into(),
                    ),
                );
                break;
            }
        }
        Some(None)
    } else {
        let bm = r.mode(c!("baseline_mode"));
        let bd = r.quantity(
            c!("baseline_distance"),
            c!("baseline_distance_unit"),
            DimKind::Distance,
        );
        let lane_text = r.get(c!("lane"));
        let lane = match (bm, mode) {
            _ if !lane_text.is_empty() => {
                if valid_lane(lane_text) {
                    Some(lane_text.to_string())
                } else {
                    r.error(
                        "bad-lane",
                        c!("lane"),
                        format!("lane `{lane_text}` must be lowercase ASCII letters, digits, `_` or `-`"),
                        Some("it becomes part of a figure name: avoided.logistics.mode_shift.<lane>".into()),
                    );
                    None
                }
            }
            (Some(b), Some(m)) => Some(format!("{}_to_{}", b.name(), m.name())),
            _ => None,
        };
        if let (Some(b), Some(m)) = (bm, mode) {
            if b == m {
                r.error(
                    "bad-baseline",
                    c!("baseline_mode"),
                    format!("baseline mode {b} is the leg's own mode: there is no mode shift"),
                    Some("leave baseline_mode empty for a leg that did not change mode".into()),
                );
            }
        }
        match (bm, bd, lane) {
            (Some(mode), Some(distance), Some(lane)) => Some(Some(Baseline {
                mode,
                distance,
                lane,
            })),
            _ => None,
        }
    };
    let share = r.amount(c!("saf_share_pct"), false);
    let fuel = r.reference(c!("saf_fuel"));
    let saf = match (r.get(c!("saf_share_pct")).is_empty(), share, fuel) {
        (true, _, Some(None)) => Some(None),
        (true, _, Some(Some(_))) => {
            r.error(
                "missing-value",
                c!("saf_share_pct"),
                "`saf_fuel` is given but `saf_share_pct` is empty".into(),
                None,
            );
            None
        }
        (false, Some(s), Some(f)) => {
            let mut ok = true;
            if s <= Decimal::ZERO || s > Decimal::ONE_HUNDRED {
                r.error(
                    "bad-share",
                    c!("saf_share_pct"),
                    format!("saf_share_pct {s} is outside 0–100 (exclusive of 0)"),
                    Some("the percentage of the leg's fuel, by energy, that is SAF".into()),
                );
                ok = false;
            }
            if mode.is_some_and(|m| m != Mode::Air) {
                r.error(
                    "saf-not-air",
                    c!("saf_share_pct"),
                    "a SAF share is given on a leg that is not air freight".into(),
                    None,
                );
                ok = false;
            }
            match f {
                None => {
                    r.error(
                        "missing-value",
                        c!("saf_fuel"),
                        "`saf_share_pct` is given but `saf_fuel` is empty".into(),
                        Some("name the SAF's life-cycle value, e.g. `icao-corsia:hefa.uco`: the reduction is a cited input".into()),
                    );
                    None
                }
                Some(fuel) if ok => Some(Some(Saf { share_pct: s, fuel })),
                Some(_) => None,
            }
        }
        _ => None,
    };
    let factor = r.reference(c!("factor"));
    let cargo_per_teu = r.quantity(c!("cargo_per_teu"), c!("cargo_per_teu_unit"), DimKind::Mass);
    let operation = r.operation();
    if operation.is_some() && !r.get(c!("factor")).is_empty() {
        r.error(
            "bad-operation",
            c!("factor"),
            "a leg that names an operation takes its intensity from operations.csv, not from `factor`".into(),
            Some("leave `factor` empty, or `operation` empty".into()),
        );
    }
    if operation.is_some() && !r.get(c!("saf_share_pct")).is_empty() {
        r.error(
            "bad-operation",
            c!("saf_share_pct"),
            "a SAF share on a leg priced from a carrier's operation data: the carrier's fuel already says what was burnt".into(),
            Some("enter the SAF as its own energy row of the operation in operations.csv, with its factor".into()),
        );
    }
    let distance_basis = r.distance_basis();
    if distance_basis.is_some() && r.get(c!("distance")).is_empty() {
        r.error(
            "bad-distance-basis",
            c!("distance_basis"),
            "`distance_basis` describes a given distance, but `distance` is empty (coordinates give the great-circle distance)".into(),
            Some("give the distance, or leave distance_basis empty".into()),
        );
    }
    let teu = r.amount(c!("teu"), true);
    let reefer = r.reefer();
    if !r.diags.is_empty() {
        return Err(r.diags);
    }
    match (
        shipment,
        leg,
        period,
        mass,
        mode,
        origin,
        destination,
        distance,
        ends,
        baseline,
        saf,
        factor,
        cargo_per_teu,
        reefer,
    ) {
        (
            Some(shipment),
            Some(leg),
            Some(period),
            Some(mass),
            Some(mode),
            Some(origin),
            Some(destination),
            Some(distance),
            Some(ends),
            Some(baseline),
            Some(saf),
            Some(factor),
            Some(cargo_per_teu),
            Some(reefer),
        ) => Ok(Leg {
            shipment: CompactString::from(shipment),
            leg,
            period,
            mass,
            mode,
            origin: CompactString::from(origin),
            destination: CompactString::from(destination),
            distance,
            ends,
            baseline,
            saf,
            factor,
            cargo_per_teu,
            operation,
            distance_basis,
            teu,
            reefer,
        }),
        _ => Err(vec![Diagnostic::error(
            "missing-value",
            row.span(),
            "the row could not be read",
        )]),
    }
}

/// Parses one row into a leg or, when its mode is `hub`, a hub visit; or every problem.
pub fn parse_element(row: &RowRef<'_>, years: &[i32]) -> Result<Element, Vec<Diagnostic>> {
    if row.get(c!("mode").at).eq_ignore_ascii_case("hub") {
        parse_hub(row, years).map(Element::Hub)
    } else {
        parse_leg(row, years).map(|l| Element::Leg(Box::new(l)))
    }
}

/// The columns a hub row leaves empty: it moves nothing anywhere.
const NOT_AT_A_HUB: [Col; 14] = [
    c!("distance"),
    c!("distance_unit"),
    c!("origin_lat"),
    c!("origin_lon"),
    c!("destination_lat"),
    c!("destination_lon"),
    c!("baseline_mode"),
    c!("baseline_distance"),
    c!("lane"),
    c!("saf_share_pct"),
    c!("saf_fuel"),
    c!("cargo_per_teu"),
    c!("distance_basis"),
    c!("reefer"),
];

fn parse_hub(row: &RowRef<'_>, years: &[i32]) -> Result<HubVisit, Vec<Diagnostic>> {
    let mut r = Reader {
        row,
        diags: Vec::new(),
    };
    let shipment = r.required(c!("shipment"));
    let leg = r
        .required(c!("leg"))
        .and_then(|t| t.parse::<u32>().ok().filter(|n| *n > 0));
    if leg.is_none() && !r.get(c!("leg")).is_empty() {
        let t = r.get(c!("leg")).to_string();
        r.error(
            "bad-leg",
            c!("leg"),
            format!("leg `{t}` is not an element number (1, 2, 3, …)"),
            None,
        );
    }
    let period = r
        .required(c!("period"))
        .and_then(|t| Period::parse(t).filter(|p| years.contains(&p.year())));
    if period.is_none() && !r.get(c!("period")).is_empty() {
        let t = r.get(c!("period")).to_string();
        r.error(
            "bad-period",
            c!("period"),
            format!("period `{t}` is not a year, quarter or month of reporting_years {years:?}"),
            Some("write 2025, 2025-Q1 or 2025-03".into()),
        );
    }
    let mass = match r.required(c!("mass")) {
        Some(_) => r
            .quantity(c!("mass"), c!("mass_unit"), DimKind::Mass)
            .flatten(),
        None => None,
    };
    let hub = r.required(c!("origin"));
    let factor = r.reference(c!("factor"));
    let operation = match (r.operation(), factor) {
        (Some(o), Some(None)) => Some(HubPricing::Operation(o)),
        (None, Some(Some(f))) if r.get(c!("operation")).is_empty() => {
            Some(HubPricing::Intensity(f))
        }
        (Some(_), Some(Some(_))) => {
            r.error(
                "bad-hub",
                c!("factor"),
                "a hub row is priced by its operation or by a default intensity, not both".into(),
                Some("leave `factor` empty to use the hub operation's own data".into()),
            );
            None
        }
        _ => {
            if r.get(c!("operation")).is_empty() && r.get(c!("factor")).is_empty() {
                r.error(
                    "bad-hub",
                    c!("operation"),
                    "a hub row names the hub operation category it passed through, or a default intensity per tonne handled in `factor`".into(),
                    Some("give `operation` (a hub operation in operations.csv) or `factor` (an intensity per mass handled)".into()),
                );
            }
            None
        }
    };
    let temperature = match r.get(c!("temperature")).to_string().as_str() {
        "" => None,
        t => {
            let g = super::operation::TempGroup::parse(t);
            if g.is_none() {
                r.error(
                    "bad-temperature",
                    c!("temperature"),
                    format!("temperature `{t}` is none of ambient, chilled, frozen"),
                    Some("the temperature group the goods were handled in at the hub".into()),
                );
            }
            g
        }
    };
    for c in NOT_AT_A_HUB {
        if !r.get(c).is_empty() {
            r.error(
                "bad-hub",
                c,
                format!("a hub row moves nothing: `{c}` must be empty"),
                Some("put the transport before and after the hub on legs of their own".into()),
            );
            break;
        }
    }
    if !r.diags.is_empty() {
        return Err(r.diags);
    }
    match (shipment, leg, period, mass, hub, operation) {
        (Some(shipment), Some(leg), Some(period), Some(mass), Some(hub), Some(operation)) => {
            Ok(HubVisit {
                shipment: CompactString::from(shipment),
                leg,
                period,
                mass,
                hub: hub.to_string(),
                pricing: operation,
                temperature,
            })
        }
        _ => Err(vec![Diagnostic::error(
            "missing-value",
            row.span(),
            "the row could not be read",
        )]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn col_finds_every_column_at_its_index() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(col(c.name), i, "{}", c.name);
        }
        assert_eq!(col("no such column"), 0);
        assert_eq!(index_of("no such column"), None);
        // The compile-time look-up agrees with the run-time one.
        for c in [
            c!("shipment"),
            c!("mass_unit"),
            c!("temperature"),
            c!("reefer"),
        ] {
            assert_eq!(c.at, col(c.name));
            assert_eq!(COLUMNS[c.at].name, c.to_string());
        }
    }
}
