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
use rust_decimal::Decimal;

macro_rules! columns {
    ($($name:literal $req:literal),* $(,)?) => {
        /// The columns of `shipments.csv`, in the order the calculation refers to them.
        pub const COLUMNS: &[Column] = &[$(Column { name: $name, required: $req }),*];
    };
}

columns! {
    "shipment" true, "leg" true, "period" true, "mass" true, "mass_unit" true, "mode" true,
    "origin" true, "destination" true, "distance" false, "distance_unit" false,
    "origin_lat" false, "origin_lon" false, "destination_lat" false, "destination_lon" false,
    "baseline_mode" false, "baseline_distance" false, "baseline_distance_unit" false,
    "lane" false, "saf_share_pct" false, "saf_fuel" false, "factor" false,
    "cargo_per_teu" false, "cargo_per_teu_unit" false, "note" false,
}

/// The index of a column in [`COLUMNS`] (for spans), by name.
pub fn col(name: &str) -> usize {
    COLUMNS.iter().position(|c| c.name == name).unwrap_or(0)
}

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
    pub shipment: String,
    /// Leg number within the shipment (1, 2, …).
    pub leg: u32,
    /// Reporting period.
    pub period: Period,
    /// Mass carried, as given.
    pub mass: (Decimal, AnyUnit),
    /// Mode.
    pub mode: Mode,
    /// Origin name.
    pub origin: String,
    /// Destination name.
    pub destination: String,
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

impl Reader<'_, '_> {
    fn get(&self, name: &str) -> &str {
        self.row.get(col(name))
    }

    fn error(&mut self, code: &'static str, name: &str, msg: String, hint: Option<String>) {
        self.diags.push(
            Diagnostic::error(code, self.row.span_of(col(name)), msg)
                .with_hint_opt(hint)
                .with_source(self.row.text()),
        );
    }

    fn required(&mut self, name: &str) -> Option<String> {
        let v = self.get(name).to_string();
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

    fn amount(&mut self, name: &str, positive: bool) -> Option<Decimal> {
        let t = self.get(name).to_string();
        if t.is_empty() {
            return None;
        }
        match parse_amount(&t) {
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
                    "malformed-number",
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
        name: &str,
        unit_col: &str,
        kind: DimKind,
    ) -> Option<Option<(Decimal, AnyUnit)>> {
        let (v, u) = (self.get(name).to_string(), self.get(unit_col).to_string());
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
        let unit = match lookup_kind(&u, &[kind]) {
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

    fn coordinate(&mut self, name: &str, limit: u32) -> Option<Decimal> {
        let v = self.amount(name, false)?;
        if v.abs() > Decimal::from(limit) {
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

    fn mode(&mut self, name: &str) -> Option<Mode> {
        let t = self.get(name).to_string();
        let m = Mode::parse(&t);
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

    fn reference(&mut self, name: &str) -> Option<Option<FactorRef>> {
        let t = self.get(name).to_string();
        if t.is_empty() {
            return Some(None);
        }
        match FactorRef::parse(&t) {
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
    let v = parse_amount(row.get(col("mass"))).ok()?;
    let u = lookup_kind(row.get(col("mass_unit")), &[DimKind::Mass]).ok()?;
    Some((v, u.symbol))
}

/// Parses one row into a leg, or every problem with it.
pub fn parse_leg(row: &RowRef<'_>, years: &[i32]) -> Result<Leg, Vec<Diagnostic>> {
    let mut r = Reader {
        row,
        diags: Vec::new(),
    };
    let shipment = r.required("shipment");
    let leg = r.required("leg").and_then(|t| match t.parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            r.error(
                "bad-leg",
                "leg",
                format!("leg `{t}` is not a leg number (1, 2, 3, …)"),
                None,
            );
            None
        }
    });
    let period = r.required("period").and_then(|t| match Period::parse(&t) {
        None => {
            r.error(
                "bad-period",
                "period",
                format!("period `{t}` is not a year, quarter or month"),
                Some("write 2025, 2025-Q1 or 2025-03".into()),
            );
            None
        }
        Some(p) if !years.contains(&p.year()) => {
            r.error(
                "period-outside-reporting-years",
                "period",
                format!("period {p} is outside reporting_years {years:?}"),
                None,
            );
            None
        }
        Some(p) => Some(p),
    });
    let mass = match r.required("mass") {
        Some(_) => r.quantity("mass", "mass_unit", DimKind::Mass).flatten(),
        None => None,
    };
    let mode = r.required("mode").and_then(|_| r.mode("mode"));
    let origin = r.required("origin");
    let destination = r.required("destination");
    let distance = r.quantity("distance", "distance_unit", DimKind::Distance);
    let coord_cols = [
        "origin_lat",
        "origin_lon",
        "destination_lat",
        "destination_lon",
    ];
    let given = coord_cols.iter().filter(|c| !r.get(c).is_empty()).count();
    let ends = match given {
        0 => Some(None),
        4 => {
            let a = (
                r.coordinate("origin_lat", 90),
                r.coordinate("origin_lon", 180),
            );
            let b = (
                r.coordinate("destination_lat", 90),
                r.coordinate("destination_lon", 180),
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
                .find(|c| r.get(c).is_empty())
                .copied()
                .unwrap_or("origin_lat");
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
            "distance",
            "the leg has neither a distance nor the coordinates of both ends".into(),
            Some("give distance and distance_unit, or origin_lat, origin_lon, destination_lat, destination_lon".into()),
        );
    }
    let baseline_mode_text = r.get("baseline_mode").to_string();
    let baseline = if baseline_mode_text.is_empty() {
        for c in ["baseline_distance", "baseline_distance_unit", "lane"] {
            if !r.get(c).is_empty() {
                r.error(
                    "missing-value",
                    "baseline_mode",
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
        let bm = r.mode("baseline_mode");
        let bd = r.quantity(
            "baseline_distance",
            "baseline_distance_unit",
            DimKind::Distance,
        );
        let lane_text = r.get("lane").to_string();
        let lane = match (bm, mode) {
            _ if !lane_text.is_empty() => {
                if valid_lane(&lane_text) {
                    Some(lane_text)
                } else {
                    r.error(
                        "bad-lane",
                        "lane",
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
                    "baseline_mode",
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
    let share = r.amount("saf_share_pct", false);
    let fuel = r.reference("saf_fuel");
    let saf = match (r.get("saf_share_pct").is_empty(), share, fuel) {
        (true, _, Some(None)) => Some(None),
        (true, _, Some(Some(_))) => {
            r.error(
                "missing-value",
                "saf_share_pct",
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
                    "saf_share_pct",
                    format!("saf_share_pct {s} is outside 0–100 (exclusive of 0)"),
                    Some("the percentage of the leg's fuel, by energy, that is SAF".into()),
                );
                ok = false;
            }
            if mode.is_some_and(|m| m != Mode::Air) {
                r.error(
                    "saf-not-air",
                    "saf_share_pct",
                    "a SAF share is given on a leg that is not air freight".into(),
                    None,
                );
                ok = false;
            }
            match f {
                None => {
                    r.error(
                        "missing-value",
                        "saf_fuel",
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
    let factor = r.reference("factor");
    let cargo_per_teu = r.quantity("cargo_per_teu", "cargo_per_teu_unit", DimKind::Mass);
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
        ) => Ok(Leg {
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
        }),
        _ => Err(vec![Diagnostic::error(
            "missing-value",
            row.span(),
            "the row could not be read",
        )]),
    }
}
