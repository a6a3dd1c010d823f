//! The distance of a leg on the basis of the intensity applied to it: as given (any distance
//! unit of the unit table: km, mi, nmi, …) on its stated basis, or the great-circle distance
//! between its ends, then the ISO 14083 rule from that basis to the intensity's (air:
//! great-circle + 95 km; road: shortest feasible × 1.05; sea: shortest feasible × 1.15; rail
//! and inland waterway: shortest feasible = actual) — and a refusal for any pair of bases no
//! rule defines. Everything here is exact except the great-circle distance itself, which
//! arrives rounded to 0.001 km from the geodesy boundary.

use super::geodesy::{great_circle_km, GeodesyError, Point, EARTH_RADIUS_KM};
use super::intensity::used_factor;
use super::mode::{DistanceRule, Mode};
use super::shipments::DistanceBasis;
use crate::calc::{show, ResolveError, ResolveOptions, Resolver, Step, UsedFactor};
use crate::decimal;
use crate::factors::FactorDef;
use crate::project::Project;
use crate::units::{AnyUnit, DimKind, Distance, Qty, KM};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// What a pricing thread remembers of distances: the great-circle distances between ends
/// already met (a file names a few places many times) and the distance rules' factors by
/// year and key (resolved, cited and formatted once, not once per leg).
#[derive(Default)]
pub struct Memo {
    ends: RefCell<FxHashMap<EndsKey, Result<Decimal, GeodesyError>>>,
    rules: RefCell<Vec<((i32, &'static str), RuleResolved)>>,
}

/// Two ends by their exact representations (hashing a `Decimal` normalizes it first; equal
/// values written with other scales are only other entries).
type EndsKey = [[u8; 16]; 4];

/// A distance rule's factor, with its citation and the fallbacks its edition took.
struct Rule {
    def: FactorDef,
    used: UsedFactor,
    fallbacks: Vec<String>,
}

type RuleResolved = Result<Rc<Rule>, ResolveError>;

/// Distinct pairs of ends remembered at most (then forgotten and remembered afresh): bounded
/// memory whatever the file.
const ENDS_REMEMBERED: usize = 1 << 14;

impl Memo {
    fn great_circle(&self, a: Point, b: Point) -> Result<Decimal, GeodesyError> {
        let key = [a.lat, a.lon, b.lat, b.lon].map(|d| d.serialize());
        if let Some(r) = self.ends.borrow().get(&key) {
            return r.clone();
        }
        let r = great_circle_km(a, b, EARTH_RADIUS_KM);
        let mut ends = self.ends.borrow_mut();
        if ends.len() >= ENDS_REMEMBERED {
            ends.clear();
        }
        ends.insert(key, r.clone());
        r
    }

    fn rule(&self, project: &Project, strict: bool, year: i32, key: &'static str) -> RuleResolved {
        if let Some((_, r)) = self.rules.borrow().iter().find(|(k, _)| *k == (year, key)) {
            return r.clone();
        }
        let r = resolve_rule(project, strict, year, key).map(Rc::new);
        self.rules.borrow_mut().push(((year, key), r.clone()));
        r
    }
}

/// The factor `key` of the manifest's distance-rule set for `year`.
fn resolve_rule(
    project: &Project,
    strict: bool,
    year: i32,
    key: &str,
) -> Result<Rule, ResolveError> {
    let set = &project.manifest.freight.distance_rules;
    let resolver = Resolver::new(project, ResolveOptions { strict });
    let mut fallbacks = Vec::new();
    let ed = resolver.edition_for(set, year, &mut fallbacks)?;
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
    Ok(Rule {
        used: used_factor(ed, def),
        def: def.clone(),
        fallbacks,
    })
}

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

/// The distance an intensity is per tonne-km (or TEU-km) of: the basis a leg's distance is
/// brought to before the intensity applies (ISO 14083: the intensity's distance and the
/// activity's distance are one and the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Per tonne-km actually travelled: DESNZ's intensities (built from vehicle-km driven) and
    /// an operation's intensity from a carrier's fuel and stated tonne-km.
    Actual,
    /// Per tonne-km on the mode's planning basis with the adjustment inside the value (a factor
    /// row whose basis says `daf-included`): great-circle for air, shortest feasible otherwise.
    Planning,
    /// A round's allocation distance: every leg of the round is on one basis, used as it is
    /// (a distance rule would scale every share alike, or — air's + 95 km — unevenly).
    AsGiven,
}

impl Target {
    /// The target of an intensity that does (`daf-included`) or does not include the
    /// distance adjustment.
    pub fn of(daf_included: bool) -> Target {
        if daf_included {
            Target::Planning
        } else {
            Target::Actual
        }
    }
}

/// The basis a leg's own distance is on: `distance_basis` for a given distance (empty: the
/// basis `default`), great-circle for coordinates.
pub fn basis_of(
    given: bool,
    stated: Option<DistanceBasis>,
    default: DistanceBasis,
) -> DistanceBasis {
    if given {
        stated.unwrap_or(default)
    } else {
        DistanceBasis::GreatCircle
    }
}

/// The distance of a leg of `mode` from `source`, brought to the basis `target` of the
/// intensity applied. `basis` says what a given distance measures (none: the intensity's own
/// basis — actual for an intensity per actual tonne-km); coordinates give the great-circle
/// distance. Each ISO 14083 rule applies to its own basis only (ISO 14083:2023 as tabulated in
/// the CLECAT/UBA guide, Table 3 p.23: actual = great-circle + 95 km for air, shortest
/// feasible × 1.05 for road and × 1.15 for sea; p.22: rail's and inland waterways' actual
/// distance is their shortest feasible one). Any other pair of bases is refused: no rule
/// defines it. `label` names the step (`distance`, `baseline distance`). Without `traced` the
/// steps' texts are left empty (the totals read only their factors and fallbacks).
#[allow(clippy::too_many_arguments)]
pub fn leg_distance(
    (project, memo): (&Project, &Memo),
    strict: bool,
    year: i32,
    mode: Mode,
    source: DistanceSource,
    basis: Option<DistanceBasis>,
    target: Target,
    label: &'static str,
    traced: bool,
) -> Result<LegDistance, ResolveError> {
    let say = |text: &dyn Fn() -> String| if traced { text() } else { String::new() };
    let planning = mode.planning_basis();
    let wanted = match target {
        Target::Actual => Some(DistanceBasis::Actual),
        Target::Planning => Some(planning),
        Target::AsGiven => None,
    };
    let mut steps = Vec::new();
    let (q, basis, column) = match source {
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
            let default = wanted.unwrap_or(DistanceBasis::Actual);
            let b = basis.unwrap_or(default);
            let said = || {
                if basis.is_none() && b != DistanceBasis::Actual {
                    format!(
                        "{}: distance_basis empty, the intensity's own basis",
                        b.name()
                    )
                } else {
                    b.name().to_string()
                }
            };
            steps.push(Step {
                label: label.into(),
                text: say(&|| {
                    if unit.symbol == KM.symbol() {
                        format!("{} (given, {})", km_text(q), said())
                    } else {
                        format!(
                            "{value} {} = {} (given, {}; 1 {} = {} m)",
                            unit.symbol,
                            km_text(q),
                            said(),
                            unit.symbol,
                            unit.scale.normalize()
                        )
                    }
                }),
                factor: None,
            });
            let column = if basis.is_some() {
                "distance_basis"
            } else {
                "distance"
            };
            (q, b, column)
        }
        DistanceSource::Ends(a, b) => {
            let gcd_km = memo.great_circle(a, b).map_err(|e| {
                fail(
                    "bad-coordinates",
                    "origin_lat",
                    e.to_string(),
                    "latitude −90..90, longitude −180..180, decimal degrees",
                )
            })?;
            let gcd = Qty::new(gcd_km, KM).map_err(calc)?;
            steps.push(Step {
                label: label.into(),
                text: say(&|| format!(
                    "great-circle ({}, {}) → ({}, {}) = {} (haversine on a sphere of {EARTH_RADIUS_KM} km, computed in f64 and rounded to 0.001 km)",
                    a.lat, a.lon, b.lat, b.lon, km_text(gcd)
                )),
                factor: None,
            });
            (gcd, DistanceBasis::GreatCircle, "origin_lat")
        }
    };
    let Some(wanted) = wanted else {
        steps.push(Step {
            label: "basis".into(),
            text: say(&|| format!(
                "the {} as it is: the round's legs are all on it, and ISO 14083 shares a round on one distance basis between loading and unloading points",
                basis.name()
            )),
            factor: None,
        });
        return Ok(LegDistance { distance: q, steps });
    };
    if basis == wanted {
        if target == Target::Planning && basis != DistanceBasis::Actual {
            steps.push(Step {
                label: "adjust".into(),
                text: say(&|| format!(
                    "none: the intensity is per tonne-km on the {} and its factor set says the distance adjustment is already inside it",
                    basis.name()
                )),
                factor: None,
            });
        }
        return Ok(LegDistance { distance: q, steps });
    }
    if wanted != DistanceBasis::Actual {
        return Err(fail(
            "distance-basis-mismatch",
            column,
            format!(
                "the intensity is per tonne-km on the {} (its distance adjustment inside it), but the leg's distance is the {}: no ISO 14083 rule turns one into the other",
                wanted.name(),
                basis.name()
            ),
            &format!(
                "give the {} (distance_basis {}), or price the leg with an intensity per actual tonne-km",
                wanted.name(),
                wanted.code()
            ),
        ));
    }
    let rule = match (mode.distance_rule(), basis) {
        (Some(r @ DistanceRule::Add(_)), DistanceBasis::GreatCircle)
        | (Some(r @ DistanceRule::Factor(_)), DistanceBasis::ShortestFeasible) => r,
        (None, DistanceBasis::ShortestFeasible) => {
            steps.push(Step {
                label: "adjust".into(),
                text: say(&|| format!(
                    "none: the actual distance of a {mode} leg is its shortest feasible distance (the route network fixes it; ISO 14083, CLECAT/UBA guide p.22)"
                )),
                factor: None,
            });
            return Ok(LegDistance { distance: q, steps });
        }
        (None, _) => {
            return Err(fail(
                "no-distance-rule",
                if column == "origin_lat" { "distance" } else { column },
                format!(
                    "ISO 14083 gives no rule from the {} to the distance travelled for {mode}",
                    basis.name()
                ),
                "give the distance travelled (distance, distance_unit) for rail and inland-waterway legs",
            ));
        }
        (Some(DistanceRule::Add(_)), _) => {
            return Err(fail(
                "bad-distance-basis",
                column,
                format!("ISO 14083's rule for {mode} (+ 95 km) is defined on the great-circle distance, not on the {}", basis.name()),
                "give the great-circle distance (distance_basis gcd, or coordinates) or the distance flown (actual)",
            ));
        }
        (Some(DistanceRule::Factor(_)), _) => {
            return Err(fail(
                "bad-distance-basis",
                column,
                format!("ISO 14083's distance adjustment factor for {mode} is defined on the shortest feasible distance, not on the {}", basis.name()),
                "give the shortest feasible distance (distance_basis sfd) or the distance travelled (actual): coordinates give only the great-circle distance",
            ));
        }
    };
    let key = match rule {
        DistanceRule::Add(k) | DistanceRule::Factor(k) => k,
    };
    let resolved = memo.rule(project, strict, year, key)?;
    let Rule {
        def,
        used,
        fallbacks,
    } = &*resolved;
    let used = used.clone();
    for f in fallbacks {
        steps.push(Step {
            label: "fallback".into(),
            text: f.clone(),
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
                text: say(&|| {
                    format!(
                        "+ {} {} per leg ({}) = {}",
                        def.value,
                        def.unit.num.symbol,
                        used.reference,
                        km_text(q)
                    )
                }),
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
                text: say(&|| {
                    format!(
                        "× distance adjustment factor {} ({}) = {}",
                        def.value,
                        used.reference,
                        km_text(q)
                    )
                }),
                factor: Some(used),
            });
            q
        }
    };
    Ok(LegDistance { distance: q, steps })
}
