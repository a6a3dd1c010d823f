//! The distance of a leg: as given (any distance unit of the unit table: km, mi, nmi, …), or
//! the great-circle distance between its ends with the ISO 14083 rule of its mode (air + 95 km,
//! road × 1.05, sea × 1.15) — unless the intensity applied says the adjustment is already
//! inside it. Everything here is exact except the great-circle distance itself, which arrives
//! rounded to 0.001 km from the geodesy boundary.

use super::geodesy::{great_circle_km, Point, EARTH_RADIUS_KM};
use super::intensity::used_factor;
use super::mode::{DistanceRule, Mode};
use super::shipments::DistanceBasis;
use crate::calc::{show, ResolveError, ResolveOptions, Resolver, Step};
use crate::decimal;
use crate::project::Project;
use crate::units::{AnyUnit, DimKind, Distance, Qty, KM};
use rust_decimal::Decimal;

/// Where a leg's distance comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceSource {
    /// A distance read from the row, in its unit.
    Given(Decimal, AnyUnit),
    /// The coordinates of both ends.
    Ends(Point, Point),
}

/// A distance with the steps that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegDistance {
    /// The distance the intensity is applied to.
    pub distance: Qty<Distance>,
    /// How it was obtained.
    pub steps: Vec<Step>,
}

fn km_text(q: Qty<Distance>) -> String {
    show(q.base(), Decimal::from(1000), "km")
}

fn fail(code: &'static str, column: &'static str, message: String, hint: &str) -> ResolveError {
    ResolveError {
        code,
        message,
        hint: hint.to_string(),
        column,
    }
}

fn calc(e: decimal::CalcError) -> ResolveError {
    fail("overflow", "distance", e.to_string(), "check the distance")
}

/// The distance of a leg of `mode` from `source`, for an intensity that does (`daf_included`)
/// or does not include the distance adjustment. `basis` says what a given distance measures
/// (none: actual); coordinates give the great-circle distance. Each ISO 14083 rule applies to
/// its own basis: air's fixed addition to a great-circle distance, road's and sea's distance
/// adjustment factor to a shortest feasible distance (to a great-circle one only in place of
/// it, said on the line). `label` names the step (`distance`, `baseline distance`).
#[allow(clippy::too_many_arguments)]
pub fn leg_distance(
    project: &Project,
    strict: bool,
    year: i32,
    mode: Mode,
    source: DistanceSource,
    basis: Option<DistanceBasis>,
    daf_included: bool,
    label: &str,
) -> Result<LegDistance, ResolveError> {
    let mut steps = Vec::new();
    let (q, basis) = match source {
        DistanceSource::Given(value, unit) => {
            let u = unit.typed::<Distance>().map_err(|e| {
                fail(
                    "wrong-dimension",
                    "distance_unit",
                    e.to_string(),
                    "a distance unit: km, mi, nmi, m",
                )
            })?;
            let q = Qty::new(value, u).map_err(calc)?;
            let basis = basis.unwrap_or(DistanceBasis::Actual);
            steps.push(Step {
                label: label.to_string(),
                text: if unit.symbol == KM.symbol() {
                    format!("{} (given, {})", km_text(q), basis.name())
                } else {
                    format!(
                        "{value} {} = {} (given, {}; 1 {} = {} m)",
                        unit.symbol,
                        km_text(q),
                        basis.name(),
                        unit.symbol,
                        unit.scale.normalize()
                    )
                },
                factor: None,
            });
            (q, basis)
        }
        DistanceSource::Ends(a, b) => {
            let gcd_km = great_circle_km(a, b, EARTH_RADIUS_KM).map_err(|e| {
                fail(
                    "bad-coordinates",
                    "origin_lat",
                    e.to_string(),
                    "latitude −90..90, longitude −180..180, decimal degrees",
                )
            })?;
            let gcd = Qty::new(gcd_km, KM).map_err(calc)?;
            steps.push(Step {
                label: label.to_string(),
                text: format!(
                    "great-circle ({}, {}) → ({}, {}) = {} (haversine on a sphere of {EARTH_RADIUS_KM} km, computed in f64 and rounded to 0.001 km)",
                    a.lat, a.lon, b.lat, b.lon, km_text(gcd)
                ),
                factor: None,
            });
            (gcd, DistanceBasis::GreatCircle)
        }
    };
    if basis == DistanceBasis::Actual {
        return Ok(LegDistance { distance: q, steps });
    }
    if daf_included {
        steps.push(Step {
            label: "adjust".to_string(),
            text: "none: the intensity's factor set says its values already include the distance adjustment".to_string(),
            factor: None,
        });
        return Ok(LegDistance { distance: q, steps });
    }
    let Some(rule) = mode.distance_rule() else {
        return Err(fail(
            "no-distance-rule",
            "distance",
            format!("ISO 14083 gives no default adjustment from {} for {mode}", basis.name()),
            "give the distance travelled (distance, distance_unit) for rail and inland-waterway legs",
        ));
    };
    match (rule, basis) {
        (DistanceRule::Add(_), DistanceBasis::ShortestFeasible) => {
            return Err(fail(
                "bad-distance-basis",
                "distance_basis",
                format!("ISO 14083's rule for {mode} (+ 95 km) is defined on the great-circle distance, not on a shortest feasible one"),
                "give the great-circle distance (distance_basis gcd) or the distance flown (actual)",
            ));
        }
        (DistanceRule::Factor(_), DistanceBasis::GreatCircle) => steps.push(Step {
            label: "basis".into(),
            text: format!(
                "the {mode} distance adjustment factor is defined on the shortest feasible distance; the great-circle distance stands in for it here (give distance with distance_basis sfd or actual to apply each rule to its own basis)"
            ),
            factor: None,
        }),
        _ => {}
    }
    let set = &project.manifest.freight.distance_rules;
    let resolver = Resolver::new(project, ResolveOptions { strict });
    let mut fallbacks = Vec::new();
    let ed = resolver.edition_for(set, year, &mut fallbacks)?;
    let key = match rule {
        DistanceRule::Add(k) | DistanceRule::Factor(k) => k,
    };
    let def = ed.factors.get(key).ok_or_else(|| {
        fail(
            "unknown-factor",
            "distance",
            format!(
                "{}@{}:{key} is not in the factor library",
                ed.set, ed.edition
            ),
            "the distance-rule set needs the ISO 14083 rule keys",
        )
    })?;
    let used = used_factor(ed, def);
    for f in fallbacks {
        steps.push(Step {
            label: "fallback".into(),
            text: f,
            factor: None,
        });
    }
    let q = match rule {
        DistanceRule::Add(_) => {
            if def.unit.num.kind != DimKind::Distance {
                return Err(fail(
                    "bad-factor-unit",
                    "distance",
                    format!("{} is not a distance", used.reference),
                    "write it as `km/1`",
                ));
            }
            let add = Qty::<Distance>::from_base(
                decimal::mul(def.value, def.unit.num.scale).map_err(calc)?,
            );
            let q = q.checked_add(add).map_err(calc)?;
            steps.push(Step {
                label: "adjust".into(),
                text: format!(
                    "+ {} {} per leg ({}) = {}",
                    def.value,
                    def.unit.num.symbol,
                    used.reference,
                    km_text(q)
                ),
                factor: Some(used),
            });
            q
        }
        DistanceRule::Factor(_) => {
            if def.unit.num.kind != DimKind::Distance || def.unit.den.kind != DimKind::Distance {
                return Err(fail(
                    "bad-factor-unit",
                    "distance",
                    format!("{} is not a distance ratio", used.reference),
                    "write it as `km/km`",
                ));
            }
            let ratio = decimal::div(
                decimal::mul(def.value, def.unit.num.scale).map_err(calc)?,
                def.unit.den.scale,
            )
            .map_err(calc)?;
            let q = q.scale_by(ratio.value).map_err(calc)?;
            steps.push(Step {
                label: "adjust".into(),
                text: format!(
                    "× distance adjustment factor {} ({}) = {}",
                    def.value,
                    used.reference,
                    km_text(q)
                ),
                factor: Some(used),
            });
            q
        }
    };
    Ok(LegDistance { distance: q, steps })
}
