//! Transport chain elements priced by an operation category of `operations.csv` (ISO 14083):
//! a leg on a transport operation, a hub visit at a hub operation. Each element's activity
//! (tonne-km, weighted TEU-km, tonnes handled) takes its share of the operation's emissions:
//! activity × Σ (energy × factor) ÷ the operation's activity — the operation's intensity
//! applied to the element, which is also the allocation of a round's emissions to the
//! shipments on it. One calculation line per energy row and life-cycle stage, so `lines.csv`
//! shows every published factor; one division each, flagged when it does not terminate.

use super::distance::{leg_distance, DistanceSource, LegDistance, Target};
use super::operation::{EnergyUse, OpKind, Operation, Operations, TempGroup};
use super::shipments::{HubVisit, Leg};
use crate::calc::{show, ResolveError, Step};
use crate::decimal::{self, CalcError};
use crate::products::ProductFactor;
use crate::project::Project;
use crate::register::{Contribution, Entry, StepValue, Term, TermStep};
use crate::units::{AnyUnit, DimKind, Distance, Mass, Qty};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Activity already allocated to each round (operation with no stated activity), by
/// (id, year), in the operation's unit: the sum over the elements that name it.
pub type Allocated = BTreeMap<(String, i32), Decimal>;

/// No round allocated on its legs' own distance basis (passenger trips: passenger-km).
pub static NO_ROUNDS: BTreeSet<(String, i32)> = BTreeSet::new();

/// What pricing an element needs besides the project.
#[derive(Clone, Copy)]
pub struct OpContext<'a> {
    /// The project.
    pub project: &'a Project,
    /// Refuse fallbacks.
    pub strict: bool,
    /// shipments.csv as shown.
    pub file: &'a Arc<str>,
    /// The operations.
    pub ops: &'a Operations,
    /// The rounds' summed activity.
    pub allocated: &'a Allocated,
    /// The rounds (operations stating no activity) whose legs all share one distance basis:
    /// their legs are allocated on that basis as it is.
    pub uniform: &'a BTreeSet<(String, i32)>,
}

fn err(code: &'static str, column: &'static str, message: String, hint: &str) -> ResolveError {
    ResolveError {
        code,
        message,
        hint: hint.to_string(),
        column,
    }
}

fn calc(e: CalcError) -> ResolveError {
    err(
        "overflow",
        "mass",
        e.to_string(),
        "check the row's quantities",
    )
}

/// The operation `id` of `year`, of kind `kind`.
fn find<'a>(
    ops: &'a Operations,
    id: &str,
    year: i32,
    kind: OpKind,
) -> Result<&'a Operation, ResolveError> {
    let op = ops.get(id, year).ok_or_else(|| {
        let known = ops.ids(year);
        err(
            "unknown-operation",
            "operation",
            format!("operation `{id}` has no row of {year} in operations.csv"),
            &if known.is_empty() {
                "operations.csv defines no operation of that year".to_string()
            } else {
                format!("operations.csv defines: {}", known.join(", "))
            },
        )
    })?;
    if op.kind != kind {
        return Err(err(
            "unknown-operation",
            "operation",
            format!(
                "operation `{id}` is a {} operation (operations.csv line {}), but this row is a {}",
                op.kind.name(),
                op.line,
                if kind == OpKind::Hub { "hub" } else { "leg" }
            ),
            "a leg names a transport operation; a hub row a hub operation",
        ));
    }
    Ok(op)
}

fn mass_of(m: (Decimal, AnyUnit)) -> Result<Qty<Mass>, ResolveError> {
    let u =
        m.1.typed::<Mass>()
            .map_err(|e| err("wrong-dimension", "mass_unit", e.to_string(), "a mass unit"))?;
    Qty::new(m.0, u).map_err(calc)
}

/// base units ÷ the operation unit's scale: the activity in the operation's unit.
fn in_unit(base: Decimal, unit: AnyUnit) -> Result<Decimal, ResolveError> {
    let q = decimal::div(base, unit.scale).map_err(calc)?;
    if !q.exact {
        return Err(err(
            "bad-operation",
            "operation",
            format!("the activity does not convert exactly into {}", unit.symbol),
            "measure the operation in tkm, TEUkm or t",
        ));
    }
    Ok(q.value)
}

/// A leg's allocation activity on `op`, in the operation's unit, with its steps; the leg's
/// distance; and the start of its calculation lines (mass or TEU × distance, with the
/// distance's basis and adjustment as its source), whose conversion gives the operation's
/// unit.
fn leg_activity(
    cx: OpContext<'_>,
    leg: &Leg,
    op: &Operation,
    source: DistanceSource,
    steps: &mut Vec<Step>,
) -> Result<(Decimal, Qty<Distance>, Term), ResolveError> {
    let LegDistance {
        distance,
        steps: dsteps,
    } = leg_distance(
        (cx.project, &super::distance::Memo::default()),
        cx.strict,
        leg.period.year(),
        leg.mode,
        source,
        leg.distance_basis,
        if op.given.is_none() && cx.uniform.contains(&(op.id.clone(), op.year)) {
            Target::AsGiven
        } else {
            Target::Actual
        },
        "distance",
        true,
    )?;
    let dstep = super::leg::distance_step("distance", distance, &dsteps).ok_or_else(|| {
        err(
            "overflow",
            "distance",
            "the distance does not convert to km".into(),
            "check the distance",
        )
    })?;
    steps.extend(dsteps);
    let km = show(distance.base(), Decimal::ONE_THOUSAND, "km");
    let m_per_km = Decimal::ONE_THOUSAND;
    let (act, prefix) = match op.basis.kind {
        DimKind::MassDistance => {
            let mass = mass_of(leg.mass)?;
            let base = decimal::mul(mass.base(), distance.base()).map_err(calc)?;
            let v = in_unit(base, op.basis)?;
            steps.push(Step {
                label: "allocation".into(),
                text: format!(
                    "by mass × distance: {} × {km} = {v} {}",
                    show(mass.base(), Decimal::ONE_THOUSAND, "t"),
                    op.basis.symbol
                ),
                factor: None,
            });
            let mut t = Term::of(leg.mass.0, leg.mass.1.symbol, "CO2e").then(dstep);
            t.conversion = (
                decimal::mul(leg.mass.1.scale, m_per_km).map_err(calc)?,
                op.basis.scale,
            );
            (v, t)
        }
        DimKind::TeuDistance => {
            let Some(teu) = leg.teu else {
                return Err(err(
                    "bad-operation",
                    "teu",
                    format!(
                        "operation `{}` is allocated by TEU-km, but the leg gives no `teu`",
                        op.id
                    ),
                    "give the TEU the shipment took on this leg",
                ));
            };
            let weight = if leg.reefer {
                op.reefer_weight.ok_or_else(|| {
                    err(
                        "bad-operation",
                        "reefer",
                        format!("a reefer leg on operation `{}`, which states no reefer_weight", op.id),
                        "give the operation's reefer_weight in operations.csv (what one reefer TEU counts as)",
                    )
                })?
            } else {
                Decimal::ONE
            };
            let teu_w = decimal::mul(teu, weight).map_err(calc)?;
            let base = decimal::mul(teu_w, distance.base()).map_err(calc)?;
            let v = in_unit(base, op.basis)?;
            steps.push(Step {
                label: "allocation".into(),
                text: if leg.reefer {
                    format!(
                        "by TEU × distance, reefer weighted: {teu} TEU × reefer weight {weight} (operations.csv) × {km} = {v} {}",
                        op.basis.symbol
                    )
                } else {
                    format!("by TEU × distance: {teu} TEU × {km} = {v} {}", op.basis.symbol)
                },
                factor: None,
            });
            let mut t = Term::of(teu, "TEU", "CO2e");
            if leg.reefer {
                t = t.then(TermStep::input(
                    "reefer weight",
                    weight,
                    Decimal::ONE,
                    "1",
                    format!("operations.csv reefer_weight of operation {}", op.id),
                ));
            }
            t = t.then(dstep);
            t.conversion = (m_per_km, op.basis.scale);
            (v, t)
        }
        _ => {
            return Err(err(
                "bad-operation",
                "operation",
                format!(
                    "operation `{}` is measured in {}: a freight leg cannot take a share of it",
                    op.id, op.basis.symbol
                ),
                "a freight operation is measured in tkm or TEUkm",
            ))
        }
    };
    Ok((act, distance, prefix))
}

/// The operation's activity: stated, or summed over the elements that name it.
fn operation_activity(
    cx: OpContext<'_>,
    op: &Operation,
) -> Result<(Decimal, String), ResolveError> {
    let (total, how) = match op.given {
        Some(g) => (g, "stated in operations.csv".to_string()),
        None => (
            cx.allocated
                .get(&(op.id.clone(), op.year))
                .copied()
                .unwrap_or_default(),
            "the sum over the shipments.csv rows that name it (a round: its emissions allocated to them)".to_string(),
        ),
    };
    if total.is_zero() {
        return Err(err(
            "bad-operation",
            "operation",
            format!(
                "operation `{}` has no activity to divide its emissions by",
                op.id
            ),
            "state the operation's activity in operations.csv",
        ));
    }
    Ok((total, how))
}

/// One life-cycle stage of one energy row, allocated: (kg CO2e, exact, line).
fn share(
    (act, prefix): (Decimal, &Term),
    total: Decimal,
    op: &Operation,
    u: &EnergyUse,
    f: &ProductFactor,
    how: &str,
) -> Result<(Decimal, bool, Term), ResolveError> {
    // kg = act × q × unit scale × value × kg per numerator unit × gwp ÷ (den scale × total)
    let mut num = decimal::mul(act, u.quantity).map_err(calc)?;
    num = decimal::mul(num, u.unit.scale).map_err(calc)?;
    num = decimal::mul(num, f.used.value).map_err(calc)?;
    num = decimal::mul(num, f.num_scale).map_err(calc)?;
    if let Some((g, _)) = &f.gwp {
        num = decimal::mul(num, *g).map_err(calc)?;
    }
    let den = decimal::mul(f.den.scale, total).map_err(calc)?;
    let q = decimal::div(num, den).map_err(calc)?;
    let kg = q.rounded(decimal::LINE_DP).normalize();
    let mut t = prefix
        .clone()
        .then(TermStep::input(
            "operation energy",
            u.quantity,
            Decimal::ONE,
            u.unit.symbol,
            format!(
                "operations.csv line {} energy of operation {}",
                u.line, op.id
            ),
        ))
        .then(TermStep {
            label: "operation activity".into(),
            divide: true,
            value: StepValue::Input {
                num: total,
                den: Decimal::ONE,
                source: format!("operation {}: {how}", op.id),
            },
            unit: op.basis.symbol.to_string(),
        });
    // prefix × its conversion = the activity in the operation's unit; then energy × factor
    // in kg (unit scale × kg per numerator unit ÷ the factor's denominator scale) ÷ 1000 → t.
    t.conversion = (
        decimal::mul(
            prefix.conversion.0,
            decimal::mul(u.unit.scale, f.num_scale).map_err(calc)?,
        )
        .map_err(calc)?,
        decimal::mul(
            prefix.conversion.1,
            decimal::mul(f.den.scale, Decimal::ONE_THOUSAND).map_err(calc)?,
        )
        .map_err(calc)?,
    );
    t.factor = Some(f.used.clone());
    t.gwp = f.gwp.as_ref().map(|(_, g)| g.clone());
    Ok((kg, q.exact, t))
}

/// The element's share of every energy row: (ttw kg, wtt kg if any row has a WTT factor,
/// exact, ttw lines, wtt lines), with a step per row.
pub type Shares = (Decimal, Option<Decimal>, bool, Vec<Term>, Vec<Term>);

/// `group`: the temperature group of a hub visit — its group's own energy rows are divided by
/// the group's throughput, other groups' rows are not its own; rows of no group are shared by
/// all goods over the operation's whole activity.
fn shares(
    cx: OpContext<'_>,
    (act, prefix): (Decimal, &Term),
    op: &Operation,
    group: Option<TempGroup>,
    steps: &mut Vec<Step>,
) -> Result<Shares, ResolveError> {
    let (total, how) = operation_activity(cx, op)?;
    steps.push(Step {
        label: "operation".into(),
        text: format!(
            "operation {} ({} operation category, {}): {} energy row(s); activity {total} {} ({how}); share {act} ÷ {total}",
            op.id,
            op.kind.name(),
            op.year,
            op.uses.len(),
            op.basis.symbol
        ),
        factor: None,
    });
    let (mut ttw, mut wtt, mut exact) = (Decimal::ZERO, None::<Decimal>, true);
    let (mut ttw_terms, mut wtt_terms) = (Vec::new(), Vec::new());
    for u in &op.uses {
        let (total, how) = match (u.group, group) {
            (None, _) => (total, how.clone()),
            (Some(g), Some(v)) if g == v => match op.group_activity.get(&g) {
                Some(a) => (
                    *a,
                    format!(
                        "the throughput of its {} group, stated in operations.csv",
                        g.name()
                    ),
                ),
                None => continue,
            },
            _ => continue,
        };
        let stages = std::iter::once(("ttw", &u.main)).chain(u.wtt.as_ref().map(|w| ("wtt", w)));
        for (stage, f) in stages {
            let (kg, e, term) = share((act, prefix), total, op, u, f, &how)?;
            exact &= e;
            steps.push(Step {
                label: stage.into(),
                text: format!(
                    "{act} {} ÷ {total} {} × {} {} × {} {} = {}{}",
                    op.basis.symbol,
                    op.basis.symbol,
                    u.quantity,
                    u.unit.symbol,
                    f.used.value,
                    f.used.unit,
                    if e { "" } else { "≈" },
                    show(kg, Decimal::ONE_THOUSAND, "t CO2e")
                ),
                factor: Some(f.used.clone()),
            });
            if let Some((_, g)) = &f.gwp {
                steps.push(Step {
                    label: "gwp".into(),
                    text: format!("× GWP {} {}", g.value, g.reference),
                    factor: Some(g.clone()),
                });
            }
            if stage == "ttw" {
                ttw = decimal::add(ttw, kg).map_err(calc)?;
                ttw_terms.push(term);
            } else {
                wtt = Some(decimal::add(wtt.unwrap_or_default(), kg).map_err(calc)?);
                wtt_terms.push(term);
            }
        }
    }
    if !exact {
        steps.push(Step {
            label: "precision".into(),
            text: "a division did not terminate: each line rounded once to 9 decimal places of kg"
                .into(),
            factor: None,
        });
    }
    Ok((ttw, wtt, exact, ttw_terms, wtt_terms))
}

fn to_t(kg: Decimal) -> Result<Decimal, ResolveError> {
    Ok(decimal::div(kg, Decimal::ONE_THOUSAND).map_err(calc)?.value)
}

/// The figures of an element's emissions: the category (well-to-wheel), its ttw and wtt
/// parts, and `extra` figures of the same value; each with its lines and `basis`.
#[allow(clippy::too_many_arguments)]
fn emission_parts(
    cat: &str,
    year: i32,
    (ttw, wtt, exact, ttw_terms, wtt_terms): Shares,
    basis: (Decimal, &'static str),
    extra: &[String],
) -> Result<Vec<Contribution>, ResolveError> {
    let wtw = decimal::add(ttw, wtt.unwrap_or_default()).map_err(calc)?;
    let wtw_terms: Vec<Term> = ttw_terms.iter().chain(wtt_terms.iter()).cloned().collect();
    let part =
        |name: String, kg: Decimal, terms: Vec<Term>| -> Result<Contribution, ResolveError> {
            let mut c =
                Contribution::new(name, year, to_t(kg)?, "t CO2e").with_basis(basis.0, basis.1);
            c.exact = exact;
            c.terms = terms;
            Ok(c)
        };
    let mut out = vec![
        part(cat.to_string(), wtw, wtw_terms.clone())?,
        part(format!("{cat}.ttw"), ttw, ttw_terms)?,
    ];
    if let Some(w) = wtt {
        out.push(part(format!("{cat}.wtt"), w, wtt_terms)?);
    }
    for name in extra {
        out.push(part(name.clone(), wtw, wtw_terms.clone())?);
    }
    Ok(out)
}

/// The entries of a leg that names an operation: the leg, then its mode shift if any.
pub fn calculate_leg(cx: OpContext<'_>, line: u64, leg: &Leg) -> Result<Vec<Entry>, ResolveError> {
    let year = leg.period.year();
    let Some(id) = &leg.operation else {
        return Err(err(
            "bad-operation",
            "operation",
            "the leg names no operation".into(),
            "",
        ));
    };
    let op = find(cx.ops, id, year, OpKind::Transport)?;
    let source = source_of(leg)?;
    let mode = leg.mode;
    let mut steps = vec![Step {
        label: "activity".into(),
        text: format!(
            "{} {} by {mode}, {} → {}, on operation {id}",
            leg.mass.0, leg.mass.1.symbol, leg.origin, leg.destination
        ),
        factor: None,
    }];
    let (act, distance, prefix) = leg_activity(cx, leg, op, source, &mut steps)?;
    let mass = mass_of(leg.mass)?;
    let tkm_q = mass.times_distance(distance).map_err(calc)?;
    let tkm = decimal::div(tkm_q.base(), Decimal::from(1_000_000))
        .map_err(calc)?
        .value;
    let sh = shares(cx, (act, &prefix), op, None, &mut steps)?;
    let wtw_kg = decimal::add(sh.0, sh.1.unwrap_or_default()).map_err(calc)?;
    let exact = sh.2;
    let wtw_terms: Vec<Term> = sh.3.iter().chain(sh.4.iter()).cloned().collect();
    steps.push(Step {
        label: "wtw".into(),
        text: format!(
            "ttw + wtt = {}; {} of transport activity",
            show(wtw_kg, Decimal::ONE_THOUSAND, "t CO2e"),
            show(tkm_q.base(), Decimal::from(1_000_000), "tkm")
        ),
        factor: None,
    });
    let cat = format!("ghg.scope3.cat{}", cx.project.manifest.freight.category);
    let mut parts = emission_parts(
        &cat,
        year,
        sh,
        (tkm, "tkm"),
        &[
            format!("logistics.by_mode.{mode}"),
            format!("logistics.by_operation.{id}"),
        ],
    )?;
    for name in ["logistics.tkm".to_string(), format!("logistics.tkm.{mode}")] {
        let mut c = Contribution::new(name, year, tkm, "tkm");
        c.terms = vec![
            Term::of(leg.mass.0, leg.mass.1.symbol, "tkm").then(TermStep::input(
                "distance",
                decimal::div(distance.base(), Decimal::ONE_THOUSAND)
                    .map_err(calc)?
                    .value,
                Decimal::ONE,
                "km",
                steps
                    .iter()
                    .find(|s| s.label == "distance")
                    .map_or_else(String::new, |s| s.text.clone()),
            )),
        ];
        c.terms[0].conversion = (leg.mass.1.scale, Decimal::ONE_THOUSAND);
        parts.push(c);
    }
    let what = format!(
        "shipment {} leg {} ({}), {mode} {} → {} on operation {id}",
        leg.shipment, leg.leg, leg.period, leg.origin, leg.destination
    );
    let mut entries = vec![Entry {
        file: Arc::clone(cx.file),
        line,
        what: what.clone(),
        steps,
        parts,
    }];
    if let Some(b) = &leg.baseline {
        let lcx = super::LegContext {
            project: cx.project,
            strict: cx.strict,
            file: cx.file,
            memo: &super::intensity::Memo::default(),
            // Elements of an operation are always traced (their shares are the lines).
            traced: true,
        };
        let cargo = match leg.cargo_per_teu {
            Some(m) => Some(mass_of(m)?),
            None => None,
        };
        entries.push(super::leg::mode_shift(
            lcx,
            line,
            leg,
            b,
            tkm_q,
            cargo,
            (wtw_kg, exact, &wtw_terms),
            &what,
        )?);
    }
    Ok(entries)
}

/// Where a leg's distance comes from.
fn source_of(leg: &Leg) -> Result<DistanceSource, ResolveError> {
    match (leg.distance, leg.ends) {
        (Some((v, u)), _) => Ok(DistanceSource::Given(v, u)),
        (None, Some((a, b))) if a != b => Ok(DistanceSource::Ends(a, b)),
        (None, Some(_)) => Err(err(
            "zero-distance",
            "origin_lat",
            "origin and destination have the same coordinates: the leg would be 0 km".into(),
            "check the coordinates, or give the distance travelled in `distance`",
        )),
        (None, None) => Err(err(
            "no-distance",
            "distance",
            "the leg has neither a distance nor coordinates".into(),
            "give distance and distance_unit",
        )),
    }
}

/// A leg's or hub's allocation activity on its operation, for the rounds' sums (first pass
/// over shipments.csv); `None` when the element names no operation or cannot be priced (it
/// is then rejected in the second pass, with its problem).
pub fn allocation_activity(
    cx: OpContext<'_>,
    e: &super::shipments::Element,
) -> Option<((String, i32), Decimal)> {
    match e {
        super::shipments::Element::Leg(leg) => {
            let id = leg.operation.as_ref()?;
            let year = leg.period.year();
            let op = find(cx.ops, id, year, OpKind::Transport).ok()?;
            let source = source_of(leg).ok()?;
            let (act, _, _) = leg_activity(cx, leg, op, source, &mut Vec::new()).ok()?;
            Some(((id.clone(), year), act))
        }
        super::shipments::Element::Hub(h) => {
            let super::shipments::HubPricing::Operation(id) = &h.pricing else {
                return None;
            };
            let year = h.period.year();
            let op = find(cx.ops, id, year, OpKind::Hub).ok()?;
            let mass = mass_of(h.mass).ok()?;
            Some(((id.clone(), year), in_unit(mass.base(), op.basis).ok()?))
        }
    }
}

/// The entry of a hub visit: its mass handled × the hub operation's intensity, or × a
/// default intensity per mass handled.
pub fn calculate_hub(cx: OpContext<'_>, line: u64, h: &HubVisit) -> Result<Entry, ResolveError> {
    let year = h.period.year();
    let id = match &h.pricing {
        super::shipments::HubPricing::Operation(id) => id,
        super::shipments::HubPricing::Intensity(r) => return hub_default(cx, line, h, r),
    };
    let op = find(cx.ops, id, year, OpKind::Hub)?;
    let mass = mass_of(h.mass)?;
    let act = in_unit(mass.base(), op.basis)?;
    let t = decimal::div(mass.base(), Decimal::ONE_THOUSAND)
        .map_err(calc)?
        .value;
    let mut steps = vec![Step {
        label: "activity".into(),
        text: format!(
            "{} {} handled at {} (hub operation {id})",
            h.mass.0, h.mass.1.symbol, h.hub
        ),
        factor: None,
    }];
    let mut prefix = Term::of(h.mass.0, h.mass.1.symbol, "CO2e");
    prefix.conversion = (h.mass.1.scale, op.basis.scale);
    let group = temperature_group(op, h, &mut steps)?;
    let sh = shares(cx, (act, &prefix), op, group, &mut steps)?;
    let cat = format!("ghg.scope3.cat{}", cx.project.manifest.freight.category);
    let parts = emission_parts(
        &cat,
        year,
        sh,
        (t, "t"),
        &[
            "logistics.hub".to_string(),
            format!("logistics.by_operation.{id}"),
        ],
    )?;
    Ok(Entry {
        file: Arc::clone(cx.file),
        line,
        what: format!(
            "shipment {} element {} ({}), hub {} ({id})",
            h.shipment, h.leg, h.period, h.hub
        ),
        steps,
        parts,
    })
}

/// The temperature group a hub visit is priced in: required, and checked against the
/// operation, when the hub operation divides its energy between groups.
fn temperature_group(
    op: &Operation,
    h: &HubVisit,
    steps: &mut Vec<Step>,
) -> Result<Option<TempGroup>, ResolveError> {
    let id = &op.id;
    if !op.uses.iter().any(|u| u.group.is_some()) {
        if let Some(g) = h.temperature {
            steps.push(Step {
                label: "temperature group".into(),
                text: format!(
                    "{}: hub operation {id} has no temperature groups, one intensity for all its goods",
                    g.name()
                ),
                factor: None,
            });
        }
        return Ok(None);
    }
    if let Some(line) = op.ungrouped_activity {
        return Err(err(
            "bad-operation",
            "operation",
            format!("operation `{id}` divides its energy between temperature groups, but operations.csv line {line} states an activity for no group"),
            "state each group's throughput on a row of that group: the operation's activity is their sum",
        ));
    }
    if let Some(u) = op
        .uses
        .iter()
        .find(|u| u.group.is_some_and(|g| !op.group_activity.contains_key(&g)))
    {
        let g = u.group.map_or("", TempGroup::name);
        return Err(err(
            "bad-operation",
            "operation",
            format!("operation `{id}` has {g} energy on operations.csv line {} but states no {g} throughput", u.line),
            "give the group's tonnes handled in `activity` on one of its rows",
        ));
    }
    let groups: Vec<&str> = op.group_activity.keys().map(|g| g.name()).collect();
    let Some(g) = h.temperature.filter(|g| op.group_activity.contains_key(g)) else {
        return Err(err(
            "bad-hub",
            "temperature",
            format!(
                "hub operation `{id}` divides its energy between temperature groups ({}): the row says none of them",
                groups.join(", ")
            ),
            "give `temperature`: the group the goods were handled in",
        ));
    };
    steps.push(Step {
        label: "temperature group".into(),
        text: format!(
            "{}: energy shared by all goods ÷ the operation's whole throughput, plus the {} group's own energy ÷ its throughput (ISO 14083 multi-temperature hub operation category)",
            g.name(),
            g.name()
        ),
        factor: None,
    });
    Ok(Some(g))
}

/// A passenger operation (measured in passenger-km) of `id` and `year`, and a trip's activity
/// on it in the operation's unit with the start of its lines.
fn passenger_activity<'a>(
    ops: &'a Operations,
    id: &str,
    year: i32,
    pkm: (Decimal, AnyUnit),
) -> Result<(&'a Operation, Decimal, Term), ResolveError> {
    let op = find(ops, id, year, OpKind::Transport)?;
    if op.basis.kind != DimKind::PassengerDistance || pkm.1.kind != DimKind::PassengerDistance {
        return Err(err(
            "bad-operation",
            "operation",
            format!(
                "operation `{id}` is measured in {}: a trip in {} takes a share of a passenger operation (pkm) only",
                op.basis.symbol, pkm.1.symbol
            ),
            "measure the operation in pkm, and the trip too",
        ));
    }
    let base = decimal::mul(pkm.0, pkm.1.scale).map_err(calc)?;
    let act = in_unit(base, op.basis)?;
    let mut prefix = Term::of(pkm.0, pkm.1.symbol, "CO2e");
    prefix.conversion = (pkm.1.scale, op.basis.scale);
    Ok((op, act, prefix))
}

/// A trip's passenger-km on operation `id`, for a round's sum (first pass); `None` when it
/// cannot be priced (it is then rejected with its problem).
pub fn passenger_allocation(
    ops: &Operations,
    id: &str,
    year: i32,
    pkm: (Decimal, AnyUnit),
) -> Option<Decimal> {
    passenger_activity(ops, id, year, pkm)
        .ok()
        .map(|(_, a, _)| a)
}

/// A trip's share of a passenger transport operation (ISO 14083 passenger transport: the
/// operation's emissions ÷ its passenger-km × the trip's passenger-km), with its steps.
pub fn passenger_shares(
    cx: OpContext<'_>,
    id: &str,
    year: i32,
    pkm: (Decimal, AnyUnit),
    steps: &mut Vec<Step>,
) -> Result<Shares, ResolveError> {
    let (op, act, prefix) = passenger_activity(cx.ops, id, year, pkm)?;
    shares(cx, (act, &prefix), op, None, steps)
}

/// A hub visit at a default intensity per mass handled (`factor`: a cited hub default or the
/// hub operator's published intensity): mass × intensity, one line.
fn hub_default(
    cx: OpContext<'_>,
    line: u64,
    h: &HubVisit,
    r: &crate::factors::FactorRef,
) -> Result<Entry, ResolveError> {
    let year = h.period.year();
    let resolver = crate::calc::Resolver::new(
        cx.project,
        crate::calc::ResolveOptions { strict: cx.strict },
    );
    let f = crate::products::resolve_factor(cx.project, &resolver, r, year, DimKind::Mass)
        .map_err(|e| err(e.code, "factor", e.message, &e.hint))?;
    let (kg, exact) = crate::products::apply_factor_value(
        h.mass.0,
        h.mass.1,
        f.used.value,
        f.num_scale,
        f.gwp.as_ref().map(|(g, _)| *g),
        f.den,
    )
    .map_err(calc)?;
    let mass = mass_of(h.mass)?;
    let t_handled = decimal::div(mass.base(), Decimal::ONE_THOUSAND)
        .map_err(calc)?
        .value;
    let mut steps = vec![Step {
        label: "activity".into(),
        text: format!(
            "{} {} handled at {}, at a default intensity{}",
            h.mass.0,
            h.mass.1.symbol,
            h.hub,
            h.temperature
                .map(|g| format!(" ({} goods: the intensity given is for them)", g.name()))
                .unwrap_or_default()
        ),
        factor: None,
    }];
    steps.extend(f.steps(
        "CO2e",
        &format!("{} {}", h.mass.0, h.mass.1.symbol),
        kg,
        exact,
    ));
    let mut t = Term::of(h.mass.0, h.mass.1.symbol, "CO2e");
    t.conversion = (
        decimal::mul(h.mass.1.scale, f.num_scale).map_err(calc)?,
        decimal::mul(f.den.scale, Decimal::ONE_THOUSAND).map_err(calc)?,
    );
    t.factor = Some(f.used.clone());
    t.gwp = f.gwp.as_ref().map(|(_, g)| g.clone());
    let cat = format!("ghg.scope3.cat{}", cx.project.manifest.freight.category);
    let value = to_t(kg)?;
    let parts = [cat, "logistics.hub".to_string()]
        .into_iter()
        .map(|name| {
            let mut c = Contribution::new(name, year, value, "t CO2e").with_basis(t_handled, "t");
            c.exact = exact;
            c.terms = vec![t.clone()];
            c
        })
        .collect();
    Ok(Entry {
        file: Arc::clone(cx.file),
        line,
        what: format!(
            "shipment {} element {} ({}), hub {} (default intensity)",
            h.shipment, h.leg, h.period, h.hub
        ),
        steps,
        parts,
    })
}
