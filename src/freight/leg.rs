//! One leg → its register entries: transport activity (tonne-km, exact), emissions per life-cycle
//! stage, the mode-shift counterfactual and the SAF reduction, each with its trace. Factors are
//! resolved here (through `intensity` and `distance`); the arithmetic is exact, with the one
//! division of the SAF ratio (and of a per-TEU conversion) flagged when it does not terminate.

use super::distance::{leg_distance, DistanceSource, LegDistance};
use super::intensity::{Basis, Intensities, Intensity, PerActivity, Request, Resolved, SafFactors};
use super::mode::Mode;
use super::shipments::Leg;
use crate::calc::{show, ResolveError, Step};
use crate::decimal::{self, CalcError};
use crate::project::Project;
use crate::register::{Contribution, Entry, Term, TermStep};
use crate::units::{Distance, Mass, MassDistance, Qty};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// A failed leg: the code, message, hint and the column to blame.
pub type LegError = ResolveError;

fn calc_err(e: CalcError) -> LegError {
    ResolveError {
        code: "overflow",
        message: e.to_string(),
        hint: "check the row's quantities".into(),
        column: "mass",
    }
}

const KG_PER_T: Decimal = Decimal::ONE_THOUSAND;

/// A step without a factor, kept only when the entry is traced: the totals read no step text,
/// only the factors cited (for the editions list) and the fallbacks (for their warnings).
fn note(steps: &mut Vec<Step>, traced: bool, label: &'static str, text: impl FnOnce() -> String) {
    if traced {
        steps.push(Step {
            label: label.into(),
            text: text(),
            factor: None,
        });
    }
}

/// A step's text when the entry is traced; empty (no allocation) for the totals alone.
fn say(traced: bool, text: impl FnOnce() -> String) -> String {
    if traced {
        text()
    } else {
        String::new()
    }
}

fn tkm_text(q: Qty<MassDistance>) -> String {
    show(q.base(), Decimal::from(1_000_000), "tkm")
}

/// Tonne-km of `mass` over `distance`, with its trace step and the radiative-forcing note.
fn tkm_steps(
    mass: Qty<Mass>,
    distance: Qty<Distance>,
    rf_note: Option<&str>,
    (steps, traced): (&mut Vec<Step>, bool),
) -> Result<Qty<MassDistance>, LegError> {
    let tkm = mass.times_distance(distance).map_err(calc_err)?;
    note(steps, traced, "tkm", || {
        format!(
            "{} × {} = {}",
            show(mass.base(), KG_PER_T, "t"),
            show(distance.base(), Decimal::ONE_THOUSAND, "km"),
            tkm_text(tkm)
        )
    });
    if let Some(n) = rf_note {
        note(steps, traced, "rf", || n.to_string());
    }
    Ok(tkm)
}

fn t_text(kg: Decimal) -> String {
    show(kg, KG_PER_T, "t CO2e")
}

/// Tonne-km of a mass × distance in kg·m (÷ 10^6, which always terminates).
fn tkm_of(kg_m: Decimal) -> Result<Decimal, LegError> {
    match decimal::shift_point(kg_m, 6) {
        Some(t) => Ok(t),
        None => Ok(decimal::div(kg_m, Decimal::from(1_000_000))
            .map_err(calc_err)?
            .value),
    }
}

fn to_t(kg: Decimal) -> Result<Decimal, LegError> {
    // Dividing by 1000 always terminates.
    match decimal::shift_point(kg, 3) {
        Some(t) => Ok(t),
        None => Ok(decimal::div(kg, KG_PER_T).map_err(calc_err)?.value),
    }
}

/// A distance's steps as the entry keeps them: all when traced, else those the totals read
/// (a factor cited, a fallback).
pub(super) fn kept(dsteps: Vec<Step>, traced: bool) -> impl Iterator<Item = Step> {
    dsteps
        .into_iter()
        .filter(move |s| traced || s.factor.is_some() || s.label == "fallback")
}

/// The distance as a step of a line: km, exact, with where it comes from (the distance
/// step's text, and the reference of any adjustment already inside it).
pub(super) fn distance_step(
    label: &str,
    distance: Qty<Distance>,
    dsteps: &[Step],
) -> Option<TermStep> {
    let km = decimal::div(distance.base(), Decimal::ONE_THOUSAND)
        .ok()?
        .value;
    let mut source = dsteps
        .iter()
        .find(|s| s.label != "adjust" && s.label != "fallback")
        .map_or_else(String::new, |s| s.text.clone());
    for f in dsteps
        .iter()
        .filter(|s| s.label == "adjust")
        .filter_map(|s| s.factor.as_ref())
    {
        source.push_str(&format!("; adjusted by {}", f.reference));
    }
    Some(TermStep::input(label, km, Decimal::ONE, "km", source))
}

/// The calculation lines of a leg's emissions: mass × distance × intensity, one per intensity
/// (tank-to-wheel or well-to-wheel, then well-to-tank), in t CO2e; a per-TEU-km intensity
/// takes one more step, `÷ cargo per TEU` (the leg's TEU-km are its tonne-km over the cargo
/// mass of one TEU). `None` for a per-TEU intensity without a cargo mass (refused anyway).
fn emission_terms(
    mass: (Decimal, crate::units::AnyUnit),
    cargo_per_teu: Option<(Decimal, crate::units::AnyUnit)>,
    distance: &TermStep,
    ints: &Intensities,
) -> Option<(Term, Option<Term>)> {
    let term = |i: &Intensity| -> Option<Term> {
        let fu = crate::units::parse_factor_unit(&i.used.unit).ok()?;
        // t = q × (kg per mass unit) × km × 1000 m/km × factor × (kg per factor numerator)
        //     ÷ (base units per factor denominator) ÷ 1000 kg/t
        let num = decimal::mul(mass.1.scale, fu.num.scale).ok()?;
        let mut t = Term::of(mass.0, mass.1.symbol, "CO2e").then(distance.clone());
        t.conversion = (num, fu.den.scale);
        if matches!(i.per, PerActivity::TeuDistance(_)) {
            // Per TEU-km: the denominator is TEU·m, so the kg of cargo per TEU divides too.
            let (v, u) = cargo_per_teu?;
            let mut cargo = TermStep::input(
                "cargo per TEU",
                v,
                Decimal::ONE,
                u.symbol,
                "shipments.csv cargo_per_teu".into(),
            );
            cargo.divide = true;
            t = t.then(cargo);
            t.conversion.1 = decimal::mul(t.conversion.1, u.scale).ok()?;
        }
        t.factor = Some(i.used.clone());
        Some(t)
    };
    let main = term(&ints.main)?;
    let wtt = match &ints.wtt {
        Some(w) => Some(term(w)?),
        None => None,
    };
    Some((main, wtt))
}

/// The line of a leg's tonne-km: mass × distance.
fn tkm_term(mass: (Decimal, crate::units::AnyUnit), distance: &TermStep) -> Term {
    let mut t = Term::of(mass.0, mass.1.symbol, "tkm").then(distance.clone());
    t.conversion = (mass.1.scale, Decimal::ONE_THOUSAND);
    t
}

/// The same lines, subtracted (a counterfactual's actual emissions).
fn deducted(terms: &[Term], why: &str) -> Vec<Term> {
    terms
        .iter()
        .map(|t| {
            t.clone().then(TermStep::input(
                "deducted",
                Decimal::NEGATIVE_ONE,
                Decimal::ONE,
                "1",
                why.to_string(),
            ))
        })
        .collect()
}

/// Emissions (kg CO2e) of `activity` at `intensity`, with the step that shows it.
fn apply(
    label: Cow<'static, str>,
    activity: Qty<MassDistance>,
    cargo_per_teu: Option<Qty<Mass>>,
    i: &Intensity,
    (steps, traced): (&mut Vec<Step>, bool),
) -> Result<(Decimal, bool), LegError> {
    match i.per {
        PerActivity::MassDistance(f) => {
            let out = activity.apply(f).map_err(calc_err)?;
            steps.push(Step {
                label,
                text: say(traced, || {
                    format!(
                        "{} × {} = {} {} = {}",
                        tkm_text(activity),
                        i.used.reference,
                        i.used.value,
                        i.used.unit,
                        t_text(out.qty.base())
                    )
                }),
                factor: Some(i.used.clone()),
            });
            Ok((out.qty.base(), out.exact))
        }
        PerActivity::TeuDistance(f) => {
            let Some(cargo) = cargo_per_teu else {
                return Err(ResolveError {
                    code: "teu-intensity-needs-cargo-mass",
                    message: format!(
                        "{} is per TEU-km but the leg is mass × distance (tkm); refusing to guess a cargo mass per TEU",
                        i.used.reference
                    ),
                    hint: "give cargo_per_teu and cargo_per_teu_unit (e.g. 10 t) for this leg, or use a per-tkm intensity".into(),
                    column: "cargo_per_teu",
                });
            };
            // kg = kg·m × factor ÷ (kg of cargo per TEU × TEU·m per factor unit): every term
            // multiplied first, one division, rounded once as every line is (the TEU-km are
            // shown, not rounded on the way).
            let num = decimal::mul(activity.base(), f.num()).map_err(calc_err)?;
            let den = decimal::mul(cargo.base(), f.per()).map_err(calc_err)?;
            let kg = decimal::div(num, den).map_err(calc_err)?;
            let teu = decimal::div(activity.base(), cargo.base()).map_err(calc_err)?;
            let teu_km = decimal::div(teu.value, Decimal::ONE_THOUSAND).map_err(calc_err)?;
            steps.push(Step {
                label,
                text: say(traced, || {
                    format!(
                        "{} ÷ {} cargo per TEU = {}{} TEU-km × {} = {} {} = {}",
                        tkm_text(activity),
                        show(cargo.base(), KG_PER_T, "t"),
                        if teu.exact && teu_km.exact { "" } else { "≈" },
                        teu_km.value.round_dp(decimal::LINE_DP).normalize(),
                        i.used.reference,
                        i.used.value,
                        i.used.unit,
                        t_text(kg.rounded(decimal::LINE_DP))
                    )
                }),
                factor: Some(i.used.clone()),
            });
            Ok((kg.rounded(decimal::LINE_DP), kg.exact))
        }
    }
}

/// Well-to-wheel emissions of an activity: (ttw or wtw kg, wtt kg if separate, exact).
fn emissions(
    activity: Qty<MassDistance>,
    cargo: Option<Qty<Mass>>,
    ints: &Intensities,
    prefix: &str,
    (steps, traced): (&mut Vec<Step>, bool),
) -> Result<(Decimal, Option<Decimal>, bool), LegError> {
    // The labels without formatting when there is no prefix (every leg's own emissions).
    let label = |name: &'static str| -> std::borrow::Cow<'static, str> {
        if prefix.is_empty() {
            name.into()
        } else {
            format!("{prefix}{name}").into()
        }
    };
    let (main, e1) = apply(
        label(ints.main.basis.name()),
        activity,
        cargo,
        &ints.main,
        (steps, traced),
    )?;
    let (wtt, e2) = match &ints.wtt {
        Some(w) => {
            let (v, e) = apply(label("wtt"), activity, cargo, w, (steps, traced))?;
            (Some(v), e)
        }
        None => (None, true),
    };
    Ok((main, wtt, e1 && e2))
}

fn distance_source(
    given: Option<(Decimal, crate::units::AnyUnit)>,
    leg: &Leg,
) -> Option<DistanceSource> {
    match (given, leg.ends) {
        (Some((v, u)), _) => Some(DistanceSource::Given(v, u)),
        (None, Some((a, b))) => Some(DistanceSource::Ends(a, b)),
        (None, None) => None,
    }
}

/// What the register needs to calculate legs.
#[derive(Clone, Copy)]
pub struct LegContext<'a> {
    /// The project.
    pub project: &'a Project,
    /// Refuse fallbacks.
    pub strict: bool,
    /// The input file as shown.
    pub file: &'a Arc<str>,
    /// Intensities resolved so far in this run.
    pub memo: &'a super::intensity::Memo,
    /// Whether entries carry their full trace (step texts, calculation lines) for `explain`
    /// and `export`; without, they carry what the totals read: contributions, the factors
    /// cited and the fallbacks. The values are the same either way.
    pub traced: bool,
}

/// The intensities of `mode`'s default row in the manifest's intensity set, for `year`.
fn default_intensities(cx: &LegContext<'_>, year: i32, mode: Mode) -> Result<Resolved, LegError> {
    cx.memo
        .resolve_default(cx.project, cx.strict, year, mode)
        .ok_or_else(|| ResolveError {
            code: "no-default-intensity",
            message: format!("the built-in freight rows have no default intensity for {mode}"),
            hint: "name an intensity in the `factor` column, e.g. from a project-local set (see README, Freight)".into(),
            column: "mode",
        })
}

/// The figures of category `n` (4 or 9): the total, its tank-to-wheel and well-to-tank parts;
/// constants for the two categories a manifest may name.
fn category_figures(n: u8) -> [Cow<'static, str>; 3] {
    match n {
        4 => [
            "ghg.scope3.cat4",
            "ghg.scope3.cat4.ttw",
            "ghg.scope3.cat4.wtt",
        ]
        .map(Into::into),
        9 => [
            "ghg.scope3.cat9",
            "ghg.scope3.cat9.ttw",
            "ghg.scope3.cat9.wtt",
        ]
        .map(Into::into),
        n => {
            let cat = format!("ghg.scope3.cat{n}");
            let (ttw, wtt) = (format!("{cat}.ttw"), format!("{cat}.wtt"));
            [cat.into(), ttw.into(), wtt.into()]
        }
    }
}

fn leg_what(leg: &Leg) -> String {
    format!(
        "shipment {} leg {} ({}), {} {} → {}",
        leg.shipment, leg.leg, leg.period, leg.mode, leg.origin, leg.destination
    )
}

fn shift_what(leg_what: &str, b: &super::shipments::Baseline) -> String {
    format!("{leg_what}: mode shift from {} (lane {})", b.mode, b.lane)
}

fn saf_what(leg_what: &str, cat: &str) -> String {
    format!("{leg_what}: SAF life-cycle reduction (its own line, deducted from {cat})")
}

/// What the `nth` entry of a leg (in the order `calculate` gives them) is, in words, as the
/// traced path writes it: the leg, then its mode shift, then its SAF reduction, those it has.
pub(super) fn what(leg: &Leg, nth: usize, category: u8) -> String {
    let own = leg_what(leg);
    match (nth, &leg.baseline) {
        (0, _) => own,
        (1, Some(b)) => shift_what(&own, b),
        _ => saf_what(&own, &category_figures(category)[0]),
    }
}

/// The entries of one leg: the leg itself, then its mode shift and its SAF reduction when it
/// has them. The caller names figures with `category` (4 or 9).
pub fn calculate(cx: LegContext<'_>, line: u64, leg: &Leg) -> Result<Vec<Entry>, LegError> {
    let project = cx.project;
    let options = &project.manifest.freight;
    let year = leg.period.year();
    let [cat, cat_ttw, cat_wtt] = category_figures(options.category);
    let mode = leg.mode;
    let ints = match &leg.factor {
        Some(r) => {
            // An explicit intensity of another mode (a sea leg with a road intensity) would
            // price the leg as that mode: refused, not used.
            if let Some(family) = Mode::family_of_key(&r.key).filter(|f| *f != mode.family()) {
                return Err(ResolveError {
                    code: "intensity-mode-mismatch",
                    message: format!(
                        "the factor `{r}` is a {family} intensity, but the leg's mode is {mode}"
                    ),
                    hint: format!(
                        "name a {} intensity, or correct the mode",
                        mode.family().replace('_', " ")
                    ),
                    column: "factor",
                });
            }
            cx.memo.resolve(
                project,
                cx.strict,
                Request {
                    year,
                    reference: r,
                    air: mode == Mode::Air,
                    radiative_forcing: options.radiative_forcing,
                },
            )?
        }
        None => default_intensities(&cx, year, mode)??,
    };
    let mass_unit = leg.mass.1.typed::<Mass>().map_err(|e| ResolveError {
        code: "wrong-dimension",
        message: e.to_string(),
        hint: "a mass unit".into(),
        column: "mass_unit",
    })?;
    let mass = Qty::new(leg.mass.0, mass_unit).map_err(calc_err)?;
    let cargo = match leg.cargo_per_teu {
        Some((v, u)) => Some(
            Qty::new(
                v,
                u.typed::<Mass>().map_err(|e| ResolveError {
                    code: "wrong-dimension",
                    message: e.to_string(),
                    hint: "a mass unit".into(),
                    column: "cargo_per_teu_unit",
                })?,
            )
            .map_err(calc_err)?,
        ),
        None => None,
    };
    let Some(source) = distance_source(leg.distance, leg) else {
        return Err(ResolveError {
            code: "no-distance",
            message: "the leg has neither a distance nor coordinates".into(),
            hint: "give distance and distance_unit".into(),
            column: "distance",
        });
    };
    if let DistanceSource::Ends(a, b) = &source {
        if a == b {
            // Same coordinates at both ends: 0 km, and so 0 t, would pass unnoticed.
            return Err(ResolveError {
                code: "zero-distance",
                message: "origin and destination have the same coordinates: the leg would be 0 km"
                    .into(),
                hint: "check the coordinates, or give the distance travelled in `distance`".into(),
                column: "origin_lat",
            });
        }
    }
    let LegDistance {
        distance,
        steps: dsteps,
    } = leg_distance(
        (project, &cx.memo.distance),
        cx.strict,
        year,
        mode,
        source,
        leg.distance_basis,
        super::distance::Target::of(ints.main.daf_included),
        "distance",
        cx.traced,
    )?;
    let traced = cx.traced;
    // The calculation lines are the trace's, except that a SAF reduction is computed from
    // them (each line's exact product), so a SAF leg has them either way.
    let dstep = if traced || leg.saf.is_some() {
        distance_step("distance", distance, &dsteps)
    } else {
        None
    };
    let leg_terms = dstep
        .as_ref()
        .and_then(|d| emission_terms(leg.mass, leg.cargo_per_teu, d, &ints));
    let mut steps = Vec::with_capacity(6);
    note(&mut steps, traced, "activity", || {
        format!(
            "{} {} by {mode}, {} → {}",
            leg.mass.0, leg.mass.1.symbol, leg.origin, leg.destination
        )
    });
    steps.extend(kept(dsteps, traced));
    let tkm_q = tkm_steps(
        mass,
        distance,
        ints.rf_note.as_deref(),
        (&mut steps, traced),
    )?;
    for f in &ints.fallbacks {
        steps.push(Step {
            label: "fallback".into(),
            text: f.clone(),
            factor: None,
        });
    }
    let (main_kg, wtt_kg, exact) = emissions(tkm_q, cargo, &ints, "", (&mut steps, traced))?;
    let wtw_kg = decimal::add(main_kg, wtt_kg.unwrap_or_default()).map_err(calc_err)?;
    if wtt_kg.is_some() {
        note(&mut steps, traced, "wtw", || {
            format!("ttw + wtt = {}", t_text(wtw_kg))
        });
    } else if ints.main.basis == Basis::Ttw {
        note(&mut steps, traced, "wtw", || {
            "the set gives no well-to-tank row for this intensity: tank-to-wheel only".into()
        });
    }
    if !exact {
        note(&mut steps, traced, "precision", || {
            "a division did not terminate: rounded once to 9 decimal places of kg".into()
        });
    }
    let tkm = tkm_of(tkm_q.base())?;
    let wtw_t = to_t(wtw_kg)?;
    let with_basis = |name: Cow<'static, str>, v: Decimal, terms: Vec<Term>| {
        let mut c = Contribution::new(name, year, v, "t CO2e").with_basis(tkm, "tkm");
        c.exact = exact;
        c.terms = terms;
        c
    };
    // Without the trace the lines kept for a SAF reduction stay out of the contributions.
    let (main_terms, wtt_terms): (Vec<Term>, Vec<Term>) = match &leg_terms {
        Some((m, w)) if traced => (vec![m.clone()], w.iter().cloned().collect()),
        _ => (Vec::new(), Vec::new()),
    };
    let wtw_terms: Vec<Term> = match leg_terms {
        Some((m, w)) => std::iter::once(m).chain(w).collect(),
        None => Vec::new(),
    };
    let wtw_terms_shown = if traced {
        wtw_terms.clone()
    } else {
        Vec::new()
    };
    // At most six parts: the category, its two halves, two tonne-km figures and the mode's.
    let mut parts = Vec::with_capacity(6);
    parts.push(with_basis(cat.clone(), wtw_t, wtw_terms_shown.clone()));
    match ints.main.basis {
        Basis::Ttw => parts.push(with_basis(cat_ttw, to_t(main_kg)?, main_terms)),
        Basis::Wtw | Basis::Wtt => {}
    }
    if let Some(w) = wtt_kg {
        parts.push(with_basis(cat_wtt, to_t(w)?, wtt_terms));
    }
    let tkm_terms: Vec<Term> = dstep
        .iter()
        .filter(|_| traced)
        .map(|d| tkm_term(leg.mass, d))
        .collect();
    for name in ["logistics.tkm", mode.tkm_figure()] {
        let mut c = Contribution::new(name, year, tkm, "tkm");
        c.terms = tkm_terms.clone();
        parts.push(c);
    }
    parts.push(with_basis(
        mode.by_mode_figure().into(),
        wtw_t,
        wtw_terms_shown,
    ));
    // The words are for the trace; the totals path sums the entry, and describes it only when
    // it cannot (`sums::Folder`), with the same words.
    let what = if traced { leg_what(leg) } else { String::new() };
    let mut entries = Vec::with_capacity(
        1 + usize::from(leg.baseline.is_some()) + usize::from(leg.saf.is_some()),
    );
    entries.push(Entry {
        file: Arc::clone(cx.file),
        line,
        what: what.clone(),
        steps,
        parts,
    });
    if let Some(b) = &leg.baseline {
        entries.push(mode_shift(
            cx,
            line,
            leg,
            b,
            tkm_q,
            cargo,
            (wtw_kg, exact, &wtw_terms),
            &what,
        )?);
    }
    if let Some(s) = &leg.saf {
        entries.push(saf(
            cx,
            line,
            leg,
            s,
            (tkm_q, cargo, dstep.as_ref()),
            &ints,
            (
                wtw_kg,
                std::iter::once(main_kg).chain(wtt_kg).collect(),
                &wtw_terms,
            ),
            &what,
            cat.clone(),
        )?);
    }
    Ok(entries)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn mode_shift(
    cx: LegContext<'_>,
    line: u64,
    leg: &Leg,
    b: &super::shipments::Baseline,
    actual_tkm: Qty<MassDistance>,
    cargo: Option<Qty<Mass>>,
    (actual_kg, actual_exact, actual_terms): (Decimal, bool, &[Term]),
    what: &str,
) -> Result<Entry, LegError> {
    let project = cx.project;
    let year = leg.period.year();
    let ints = default_intensities(&cx, year, b.mode)?.map_err(|mut e| {
        e.column = "baseline_mode";
        e
    })?;
    let Some(source) = distance_source(b.distance, leg) else {
        return Err(ResolveError {
            code: "no-baseline-distance",
            message: format!("the {} counterfactual has no distance", b.mode),
            hint:
                "give baseline_distance and baseline_distance_unit, or the coordinates of both ends"
                    .into(),
            column: "baseline_distance",
        });
    };
    let LegDistance {
        distance,
        steps: dsteps,
    } = leg_distance(
        (project, &cx.memo.distance),
        cx.strict,
        year,
        b.mode,
        source,
        None,
        super::distance::Target::of(ints.main.daf_included),
        "baseline",
        cx.traced,
    )
    .map_err(|mut e| {
        e.column = "baseline_distance";
        e
    })?;
    let mass = {
        let u = leg.mass.1.typed::<Mass>().map_err(|e| ResolveError {
            code: "wrong-dimension",
            message: e.to_string(),
            hint: "a mass unit".into(),
            column: "mass_unit",
        })?;
        Qty::new(leg.mass.0, u).map_err(calc_err)?
    };
    let traced = cx.traced;
    // The lines: the counterfactual's emissions, and the leg's actual ones subtracted (the
    // trace's alone: no value is computed from them).
    let shift_terms: Vec<Term> = match (
        traced
            .then(|| distance_step("baseline distance", distance, &dsteps))
            .flatten()
            .and_then(|d| emission_terms(leg.mass, leg.cargo_per_teu, &d, &ints)),
        actual_terms.is_empty(),
    ) {
        (Some((m, w)), false) => std::iter::once(m)
            .chain(w)
            .chain(deducted(
                actual_terms,
                "the leg's actual emissions, subtracted from the counterfactual",
            ))
            .collect(),
        _ => Vec::new(),
    };
    let mut steps = Vec::with_capacity(6);
    note(&mut steps, traced, "shift", || {
        format!(
            "counterfactual: the same {} by {} instead of {}",
            show(mass.base(), KG_PER_T, "t"),
            b.mode,
            leg.mode
        )
    });
    steps.extend(kept(dsteps, traced));
    let cf_tkm = tkm_steps(
        mass,
        distance,
        ints.rf_note.as_deref(),
        (&mut steps, traced),
    )?;
    let (m, w, exact) = emissions(cf_tkm, cargo, &ints, "", (&mut steps, traced))?;
    let cf_kg = decimal::add(m, w.unwrap_or_default()).map_err(calc_err)?;
    let avoided_kg = decimal::sub(cf_kg, actual_kg).map_err(calc_err)?;
    note(&mut steps, traced, "avoided", || {
        format!(
            "counterfactual {} − actual {} = {}",
            t_text(cf_kg),
            t_text(actual_kg),
            t_text(avoided_kg)
        )
    });
    let t = to_t(avoided_kg)?;
    let tkm = tkm_of(actual_tkm.base())?;
    let part = |name: Cow<'static, str>| {
        let mut c = Contribution::new(name, year, t, "t CO2e").with_basis(tkm, "tkm");
        c.exact = exact && actual_exact;
        c.terms = shift_terms.clone();
        c
    };
    Ok(Entry {
        file: Arc::clone(cx.file),
        line,
        what: if traced {
            shift_what(what, b)
        } else {
            String::new()
        },
        steps,
        parts: vec![
            part("avoided.logistics.mode_shift".into()),
            part(format!("avoided.logistics.mode_shift.{}", b.lane).into()),
            // Realised avoided emissions beside the inventory, like solar and abatement
            // projects (the SAF reduction is not: it is already inside the scope 3 figure).
            Contribution {
                exact: exact && actual_exact,
                terms: shift_terms.clone(),
                ..Contribution::new("avoided.total", year, t, "t CO2e")
            },
        ],
    })
}

#[allow(clippy::too_many_arguments)]
fn saf(
    cx: LegContext<'_>,
    line: u64,
    leg: &Leg,
    s: &super::shipments::Saf,
    (tkm_q, cargo, dstep): (Qty<MassDistance>, Option<Qty<Mass>>, Option<&TermStep>),
    ints: &Intensities,
    (all_fossil_kg, fossil_kgs, fossil_terms): (Decimal, Vec<Decimal>, &[Term]),
    what: &str,
    cat: Cow<'static, str>,
) -> Result<Entry, LegError> {
    let project = cx.project;
    let year = leg.period.year();
    let saf_factors = cx.memo.saf(project, cx.strict, year, &s.fuel)?;
    let SafFactors {
        lsf: lsf_used,
        base: base_used,
        fallbacks,
    } = &*saf_factors;
    // The SAF acts on the fuel's life-cycle emissions (well-to-wheel, without non-CO2 effects).
    let traced = cx.traced;
    let mut steps = Vec::with_capacity(6);
    if let Some(n) = &ints.rf_note {
        note(&mut steps, traced, "rf", || n.clone());
    }
    // The fuel's emissions per intensity (kg), with their lines when the leg has them.
    let (fuel_kgs, fuel_terms): (Vec<Decimal>, Cow<'_, [Term]>) = match &ints.without_rf {
        Some(wo) => {
            let only = Intensities {
                main: wo.clone(),
                wtt: ints.wtt.clone(),
                without_rf: None,
                fallbacks: vec![],
                rf_note: None,
            };
            note(&mut steps, traced, "basis", || {
                "SAF reduces the fuel's life-cycle emissions, not the radiative-forcing uplift: the without-RF intensity is the basis".into()
            });
            let (m, w, _) = emissions(tkm_q, cargo, &only, "fossil ", (&mut steps, traced))?;
            let terms = dstep
                .and_then(|d| emission_terms(leg.mass, leg.cargo_per_teu, d, &only))
                .map_or_else(Vec::new, |(m, w)| std::iter::once(m).chain(w).collect());
            (std::iter::once(m).chain(w).collect(), terms.into())
        }
        None => {
            note(&mut steps, traced, "basis", || {
                format!(
                    "all-fossil well-to-wheel emissions of the leg {}",
                    t_text(all_fossil_kg)
                )
            });
            (fossil_kgs, fossil_terms.into())
        }
    };
    let fuel_kg = fuel_kgs
        .iter()
        .try_fold(Decimal::ZERO, |a, b| decimal::add(a, *b))
        .map_err(calc_err)?;
    // The lines: each intensity's line of the fuel × the SAF share × (1 − SAF ÷ baseline),
    // rounded once as above; subtracted where it is deducted from the leg's figures.
    // Each intensity's emissions are reduced and rounded once, as every calculation line is;
    // the reduction is their sum. With the lines, from each line's exact product (a per-TEU-km
    // leg's emissions do not terminate before the reduction); without, from its emissions.
    let saving = decimal::sub(base_used.value, lsf_used.value).map_err(calc_err)?;
    let den = decimal::mul(Decimal::ONE_HUNDRED, base_used.value).map_err(calc_err)?;
    // The SAF lines' fractions: the fuel's lines then the share and the reduction (the
    // `saf_terms` below), computed without building those lines unless the trace shows them.
    let then = [
        (s.share_pct, Decimal::ONE_HUNDRED),
        (saving, base_used.value),
    ];
    let reduced: Vec<(Decimal, Decimal)> = if fuel_terms.len() == fuel_kgs.len() {
        fuel_terms
            .iter()
            .map(|t| {
                let (n, d) = t.fraction_then(&then)?;
                Ok((decimal::mul(n, Decimal::ONE_THOUSAND)?, d))
            })
            .collect::<Result<_, decimal::CalcError>>()
            .map_err(calc_err)?
    } else {
        fuel_kgs
            .iter()
            .map(|kg| {
                let n = decimal::mul(decimal::mul(*kg, s.share_pct)?, saving)?;
                Ok((n, den))
            })
            .collect::<Result<_, decimal::CalcError>>()
            .map_err(calc_err)?
    };
    let saf_terms: Vec<Term> = if traced {
        let reduction = TermStep {
            label: "reduction".into(),
            divide: false,
            value: crate::register::StepValue::Reduction(lsf_used.clone(), base_used.clone()),
            unit: "1".into(),
        };
        fuel_terms
            .iter()
            .cloned()
            .map(|t| {
                t.then(TermStep::input(
                    "saf share",
                    s.share_pct,
                    Decimal::ONE_HUNDRED,
                    "1",
                    "shipments.csv saf_share_pct".into(),
                ))
                .then(reduction.clone())
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut avoided_kg = Decimal::ZERO;
    let mut all_exact = true;
    for (num, den) in reduced {
        let q = decimal::div(num, den).map_err(calc_err)?;
        avoided_kg = decimal::add(avoided_kg, q.rounded(decimal::LINE_DP)).map_err(calc_err)?;
        all_exact &= q.exact;
    }
    let q = decimal::Quotient {
        value: avoided_kg,
        exact: all_exact,
    };
    for f in fallbacks {
        steps.push(Step {
            label: "fallback".into(),
            text: f.clone(),
            factor: None,
        });
    }
    steps.push(Step {
        label: "saf".into(),
        text: say(traced, || {
            format!(
                "SAF {}% of the fuel: {} = {} {}",
                s.share_pct, lsf_used.reference, lsf_used.value, lsf_used.unit
            )
        }),
        factor: Some(lsf_used.clone()),
    });
    steps.push(Step {
        label: "fossil".into(),
        text: say(traced, || {
            format!(
                "fossil jet baseline {} = {} {}",
                base_used.reference, base_used.value, base_used.unit
            )
        }),
        factor: Some(base_used.clone()),
    });
    note(&mut steps, traced, "avoided", || {
        format!(
            "{} × {}% × ({} − {}) ÷ {} = {}{}",
            t_text(fuel_kg),
            s.share_pct,
            base_used.value,
            lsf_used.value,
            base_used.value,
            t_text(avoided_kg),
            if q.exact {
                ""
            } else {
                " (the division by the baseline did not terminate: each intensity's part rounded once to 9 decimal places of kg)"
            }
        )
    });
    let t = to_t(avoided_kg)?;
    let fossil_t = to_t(all_fossil_kg)?;
    let tkm = tkm_of(tkm_q.base())?;
    let part = |name: Cow<'static, str>, v: Decimal| {
        let mut c = Contribution::new(name, year, v, "t CO2e").with_basis(tkm, "tkm");
        c.exact = q.exact;
        c.terms = if !traced {
            Vec::new()
        } else if v.is_sign_negative() {
            deducted(
                &saf_terms,
                "the SAF reduction, deducted from the leg's emissions",
            )
        } else {
            saf_terms.clone()
        };
        c
    };
    Ok(Entry {
        file: Arc::clone(cx.file),
        line,
        what: if traced {
            saf_what(what, &cat)
        } else {
            String::new()
        },
        steps,
        parts: vec![
            part("avoided.logistics.saf".into(), t),
            part(cat, -t),
            part("logistics.by_mode.air".into(), -t),
            {
                let mut c = part("logistics.saf.fossil_equivalent".into(), fossil_t);
                c.exact = true;
                c.terms = if traced {
                    fossil_terms.to_vec()
                } else {
                    Vec::new()
                };
                c
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{Distance, KM, T};

    #[test]
    fn tonne_km_is_exact() {
        // 12.5 t × 8,000.125 km = 100,001.5625 tkm
        let m = Qty::<Mass>::new("12.5".parse().unwrap(), T).unwrap();
        let d = Qty::<Distance>::new("8000.125".parse().unwrap(), KM).unwrap();
        let q = m.times_distance(d).unwrap();
        assert_eq!(tkm_text(q), "100001.5625 tkm");
    }
}
