//! Calculating a quantity of energy through a factor, for registers: either through a
//! facility's resolved chain (consolidation share, energy, standard coal, per-gas CO2e and the
//! full trace — on-site solar, electricity saved, heat recovered, the market-based remainder),
//! or directly through one factor for activity outside the boundary (a supplier's generation).

use crate::activity::{Activity, Carrier, Period, Subject};
use crate::calc::{
    calculate_stepwise, trace_kept, Line, LineError, ResolveOptions, Resolver, Step, UsedFactor,
};
use crate::decimal::{self, CalcError};
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::project::{DisplacedGrid, Project};
use crate::units::{AnyQty, AnyUnit, Co2e, DimKind, Energy, GasMass, Qty};
use rust_decimal::Decimal;

/// A line calculated through a facility's chain.
pub struct Calculated {
    /// The line (base units, share applied).
    pub line: Line,
    /// Its trace.
    pub steps: Vec<Step>,
    /// The activity, chain and result, for the export's line table.
    pub calc: crate::register::ChainLine,
}

/// Why a counterfactual could not be calculated: code, message, hint.
pub type Problem = (&'static str, String, String);

/// Joules per MWh and per GJ.
pub const J_PER_MWH: Decimal = Decimal::from_parts(3_600_000_000, 0, 0, false, 0);
/// Joules per GJ.
pub const J_PER_GJ: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// `base` joules in `per` joules per unit, with the exactness of the division.
pub fn in_unit(base: Decimal, per: Decimal) -> Result<(Decimal, bool), CalcError> {
    let q = decimal::div(base, per)?;
    Ok((q.rounded(decimal::LINE_DP), q.exact))
}

/// Where a register line is: the facility, the period (its year picks the editions) and the
/// input line (0 for an aggregate).
#[derive(Debug, Clone, Copy)]
pub struct Site {
    /// Index into the project's facilities.
    pub facility: usize,
    /// Period.
    pub period: Period,
    /// Input line.
    pub line: u64,
}

/// Calculates `qty` of `carrier` at `site` through the chain the resolver builds (with
/// `explicit` as the emission factor, if given), shown in `shown_unit` in the trace.
pub fn through_chain(
    project: &Project,
    strict: bool,
    site: Site,
    carrier: Carrier,
    qty: AnyQty,
    shown_unit: AnyUnit,
    explicit: Option<&FactorRef>,
) -> Result<Calculated, Problem> {
    let Site {
        facility, period, ..
    } = site;
    let year = period.year();
    let resolver = Resolver::new(project, ResolveOptions { strict });
    let subject = Subject::Carrier(carrier);
    let chain = resolver
        .resolve(year, facility, &subject, shown_unit, explicit)
        .map_err(|e| (e.code, e.message, e.hint))?;
    let shared = explicit.cloned().map(std::sync::Arc::new);
    through_resolved(chain, site, qty, shown_unit, shared, true)
}

/// What a facility's chain depends on besides the facility: year, carrier, unit, explicit
/// factor (by number, `ClassChains::explicit`), and the facility's class (grid and
/// consolidation terms, by number, `calc::FacilityClasses`). Numbers, so that looking a
/// chain up costs no copy of a reference: it is done for every facility and year.
type ClassKey = (i32, Carrier, u16, usize, usize);

/// `through_chain` for a register that charges many facilities (market-based scope 2 of every
/// facility-year): a chain is resolved once per facility class and shared by the class's
/// facilities, as the energy pass does. Facilities whose terms change during the period and
/// failed resolutions (whose messages name the facility) are resolved on their own.
#[derive(Default)]
pub struct ClassChains {
    resolved: rustc_hash::FxHashMap<ClassKey, crate::calc::Chain>,
    /// The explicit factors met, numbered by position (a handful: residual mixes, rates),
    /// each held once and shared by the lines that name it.
    explicit: Vec<Option<std::sync::Arc<FactorRef>>>,
    /// The facilities' classes (`calc::classes`).
    classes: crate::calc::FacilityClasses,
    /// Each market's residual mix, as `residual_mix` reads it (once per market, not once per
    /// facility).
    residual: std::collections::HashMap<String, Option<FactorRef>>,
}

impl ClassChains {
    /// `residual_mix(project, country)`, read once per market.
    pub fn residual_mix(&mut self, project: &Project, country: &str) -> Option<FactorRef> {
        if let Some(r) = self.residual.get(country) {
            return r.clone();
        }
        let r = residual_mix(project, country);
        self.residual.insert(country.to_string(), r.clone());
        r
    }

    /// As `through_chain`; `traced` as `register::Context::traced` (without, the steps are
    /// those `calc::trace_kept` keeps for the totals).
    pub fn through(
        &mut self,
        (project, strict, traced): (&Project, bool, bool),
        site: Site,
        (carrier, qty, shown_unit): (Carrier, AnyQty, AnyUnit),
        explicit: Option<&FactorRef>,
    ) -> Result<Calculated, Problem> {
        let chain = self.chain(project, strict, site, carrier, shown_unit, explicit)?;
        let id = self.explicit_id(explicit);
        let shared = self.explicit.get(id).cloned().flatten();
        through_resolved(chain, site, qty, shown_unit, shared, traced)
    }

    /// The number of an explicit factor (`explicit`), given when first met.
    fn explicit_id(&mut self, explicit: Option<&FactorRef>) -> usize {
        match self.explicit.iter().position(|e| e.as_deref() == explicit) {
            Some(i) => i,
            None => {
                self.explicit
                    .push(explicit.cloned().map(std::sync::Arc::new));
                self.explicit.len() - 1
            }
        }
    }

    /// Whether `through` would succeed, with the problem it would give when not, without
    /// building the line's trace (a register that only checks a row's factor: an
    /// instrument's own rate, charged later in its facility's market-based total).
    pub fn check(
        &mut self,
        project: &Project,
        strict: bool,
        site: Site,
        (carrier, qty, shown_unit): (Carrier, AnyQty, AnyUnit),
        explicit: Option<&FactorRef>,
    ) -> Result<(), Problem> {
        let chain = self.chain(project, strict, site, carrier, shown_unit, explicit)?;
        // What `through_resolved` computes before its trace, with the same errors.
        calculate_stepwise(qty, &chain).map_err(line_problem)?;
        in_unit(qty.base, shown_unit.scale)
            .map_err(|e| ("overflow", e.to_string(), String::new()))?;
        Ok(())
    }

    /// The chain for `site`'s facility: shared within its class, or resolved on its own for
    /// a facility whose terms change (as `through_chain` resolves it).
    fn chain(
        &mut self,
        project: &Project,
        strict: bool,
        site: Site,
        carrier: Carrier,
        shown_unit: AnyUnit,
        explicit: Option<&FactorRef>,
    ) -> Result<crate::calc::Chain, Problem> {
        let f = &project.facilities.list[site.facility];
        let resolve = || {
            Resolver::new(project, ResolveOptions { strict })
                .resolve(
                    site.period.year(),
                    site.facility,
                    &Subject::Carrier(carrier),
                    shown_unit,
                    explicit,
                )
                .map_err(|e| (e.code, e.message, e.hint))
        };
        if !f.changes.is_empty() {
            return resolve();
        }
        let explicit_id = self.explicit_id(explicit);
        let class = self.classes.number(&project.facilities, site.facility, 0) as usize;
        let key = (
            site.period.year(),
            carrier,
            shown_unit.index,
            explicit_id,
            class,
        );
        Ok(match self.resolved.get(&key) {
            Some(c) => c.for_facility(site.facility, 0, c.share_reason.clone()),
            None => {
                let chain = resolve()?;
                self.resolved.insert(key, chain.clone());
                chain
            }
        })
    }
}

/// A line that cannot be calculated, as a register's problem.
fn line_problem(e: LineError) -> Problem {
    let code = match e {
        LineError::Calc(CalcError::Overflow { .. }) => "overflow",
        LineError::Calc(_) => "inexact-row",
        LineError::NoEnergy | LineError::Dimension(_) => "wrong-dimension",
    };
    (
        code,
        e.to_string(),
        "check the quantity and the factor".to_string(),
    )
}

/// Calculates `qty` through a chain already resolved for `site`'s facility.
fn through_resolved(
    chain: crate::calc::Chain,
    site: Site,
    qty: AnyQty,
    shown_unit: AnyUnit,
    explicit: Option<std::sync::Arc<FactorRef>>,
    traced: bool,
) -> Result<Calculated, Problem> {
    let Site {
        facility,
        period,
        line: line_no,
    } = site;
    let subject = chain.subject.clone();
    let line = calculate_stepwise(qty, &chain).map_err(line_problem)?;
    let (quantity, _) = in_unit(qty.base, shown_unit.scale)
        .map_err(|e| ("overflow", e.to_string(), String::new()))?;
    let activity = Activity {
        line: line_no,
        facility,
        period,
        subject,
        quantity: quantity.normalize(),
        unit: shown_unit,
        qty,
        factor: explicit,
        source: None,
        split: None,
    };
    let steps = trace_kept(&activity, &chain, &line, traced);
    Ok(Calculated {
        line,
        steps,
        calc: crate::register::ChainLine {
            activity,
            chain,
            line,
            steps: Vec::new(),
        },
    })
}

/// The factor electricity not taken from the grid is taken to displace at `facility`: the
/// facility's grid factor (`None`, resolved as usual) or its market's residual mix, with the
/// reason in words.
pub fn displaced_grid(project: &Project, facility: usize) -> (Option<FactorRef>, String) {
    let f = &project.facilities.list[facility];
    let policy = &project.manifest.renewables;
    match policy.displaced_grid {
        DisplacedGrid::Location => (
            None,
            format!(
                "counterfactual: the grid electricity it displaces, at {}'s location-based grid factor ([renewables] displaced_grid = \"location\")",
                f.id
            ),
        ),
        DisplacedGrid::ResidualMix => match residual_mix(project, &f.country) {
            Some(r) => (
                Some(r.clone()),
                format!(
                    "counterfactual: the grid electricity it displaces, at the residual mix of market {} ({r}), what market-based scope 2 would charge for it ([renewables] displaced_grid = \"residual_mix\")",
                    f.country
                ),
            ),
            None => (
                None,
                format!(
                    "counterfactual: no residual mix is configured for market {}; the location-based grid factor is used",
                    f.country
                ),
            ),
        },
    }
}

/// The residual-mix factor reference configured for a market, if any.
pub fn residual_mix(project: &Project, country: &str) -> Option<FactorRef> {
    project
        .manifest
        .renewables
        .residual_mix
        .get(country)
        .and_then(|t| FactorRef::parse(t).ok())
}

/// The manifest's residual-mix references that do not parse as `SET:KEY` or
/// `SET@EDITION:KEY`, each at its line and column of carbonledger.toml: unparsed, such a
/// market would be charged the grid average without a word. For a market no facility is in,
/// the residual mix and the exempt share are also checked against the factor library here:
/// nothing else would ever read them (a used market's are reported where they are applied).
pub fn residual_mix_problems(project: &Project) -> Vec<Diagnostic> {
    let file = project.shown(crate::project::Input::Manifest);
    let text =
        std::fs::read_to_string(project.path(crate::project::Input::Manifest)).unwrap_or_default();
    let mut out = Vec::new();
    let used = |market: &str| project.facilities.list.iter().any(|f| f.country == market);
    let renewables = &project.manifest.renewables;
    for (table, refs, hint) in [
        (
            "residual_mix",
            &renewables.residual_mix,
            "e.g. CN = \"cn-mee-grid:national_excl_market_nonfossil\"",
        ),
        (
            "exempt_share",
            &renewables.exempt_share,
            "e.g. AU = \"au-cer-rpp:rpp\"",
        ),
    ] {
        for (market, reference) in refs {
            let parsed = FactorRef::parse(reference);
            if table == "exempt_share" && used(market) {
                continue;
            }
            let problem = match &parsed {
                Err(e) => Some(("bad-factor-reference", e.to_string())),
                Ok(_) if used(market) => None,
                Ok(r) => unknown_in_library(&project.library, r),
            };
            if let Some((code, message)) = problem {
                out.push(
                    Diagnostic::error(
                        code,
                        table_place(&file, &text, table, market),
                        format!("[renewables.{table}] {market}: {message}"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    out
}

/// Why `r` names nothing in `library` (an unknown set, edition, or a key in none of the
/// set's editions, a per-gas group `KEY.co2` counting as the key), or `None`.
fn unknown_in_library(
    library: &crate::factors::Library,
    r: &FactorRef,
) -> Option<(&'static str, String)> {
    let eds: Vec<_> = match &r.edition {
        Some(ed) => library.edition(&r.set, ed).into_iter().collect(),
        None => library.editions_of(&r.set).collect(),
    };
    if eds.is_empty() {
        return Some(match &r.edition {
            Some(ed) if library.editions_of(&r.set).next().is_some() => (
                "unknown-edition",
                format!("{}@{ed} is not in the factor library", r.set),
            ),
            _ => (
                "unknown-factor-set",
                format!("the factor set `{}` is not in the factor library", r.set),
            ),
        });
    }
    let has = |e: &&crate::factors::Edition| {
        e.factors.contains_key(&r.key) || e.factors.contains_key(&format!("{}.co2", r.key))
    };
    if eds.iter().any(has) {
        None
    } else {
        Some((
            "unknown-factor",
            format!("key `{}` is in no edition of {}", r.key, r.set),
        ))
    }
}

/// Where `market = "…"` is written under `[renewables.<table>]` of carbonledger.toml
/// (`residual_mix`, `exempt_share`): the whole file when the manifest does not write it (a
/// default, such as Australia's exempt share).
pub fn renewables_span(project: &Project, table: &str, market: &str) -> Span {
    let file = project.shown(crate::project::Input::Manifest);
    let text =
        std::fs::read_to_string(project.path(crate::project::Input::Manifest)).unwrap_or_default();
    table_place(&file, &text, table, market)
}

/// Where `market = "…"` is written under `[renewables.<table>]`: the value's line and column
/// (the whole file when it cannot be found, e.g. an inline table).
fn table_place(file: &std::sync::Arc<str>, text: &str, table: &str, market: &str) -> Span {
    let header = format!("[renewables.{table}]");
    let mut inside = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') {
            inside = t.starts_with(&header);
            continue;
        }
        let Some((key, _)) = t.split_once('=') else {
            continue;
        };
        if inside && key.trim().trim_matches('"') == market {
            let at = line.find('=').map_or(0, |i| {
                i + 1 + line[i + 1..].len() - line[i + 1..].trim_start().len()
            });
            return Span::line(file, n as u64 + 1).at(line[..at].chars().count() + 1);
        }
    }
    Span::file(file)
}

fn used(ed: &crate::factors::Edition, def: &crate::factors::FactorDef) -> UsedFactor {
    UsedFactor::of(ed, def)
}

/// CO2e (kg) of `energy_j` joules through one per-energy factor `r` (a gas with the manifest's
/// GWP, or CO2e), outside any facility's boundary; returns the value, exactness and steps.
pub fn direct(
    project: &Project,
    strict: bool,
    year: i32,
    energy_j: Decimal,
    r: &FactorRef,
) -> Result<(Decimal, bool, Vec<Step>), Problem> {
    let resolver = Resolver::new(project, ResolveOptions { strict });
    let mut fallbacks = Vec::new();
    let (ed, def) = resolver
        .find(r, year, &mut fallbacks)
        .map_err(|e| (e.code, e.message, e.hint))?;
    let u = used(ed, def);
    let energy: Qty<Energy> = Qty::from_base(energy_j);
    let wrong = || {
        (
            "wrong-dimension",
            format!(
                "factor {} ({}) is not an emission factor per unit of energy",
                u.reference, def.unit_text
            ),
            "electricity displaced needs a factor such as kg CO2/kWh".to_string(),
        )
    };
    let overflow = |e: CalcError| ("overflow", e.to_string(), String::new());
    let t = |kg: Decimal| crate::calc::show(kg, Decimal::from(1000), "t");
    let mut steps = Vec::new();
    let (co2e, exact) = match def.unit.num.kind {
        DimKind::Co2e => {
            let f = def.typed::<Co2e, Energy>().map_err(|_| wrong())?;
            let a = energy.apply(f).map_err(overflow)?;
            steps.push(Step {
                label: "CO2e".into(),
                text: format!(
                    "energy × {} = {} {} = {} CO2e",
                    u.reference,
                    u.value,
                    u.unit,
                    t(a.qty.base())
                ),
                factor: Some(u.clone()),
            });
            (a.qty.base(), a.exact)
        }
        DimKind::GasMass => {
            let f = def.typed::<GasMass, Energy>().map_err(|_| wrong())?;
            let a = energy.apply(f).map_err(overflow)?;
            let gas = def.gas.clone().unwrap_or_default();
            steps.push(Step {
                label: gas.clone().into(),
                text: format!(
                    "energy × {} = {} {} = {} {gas}",
                    u.reference,
                    u.value,
                    u.unit,
                    t(a.qty.base())
                ),
                factor: Some(u.clone()),
            });
            let gref = FactorRef {
                set: project.manifest.families.gwp.clone(),
                edition: None,
                key: gas.to_ascii_lowercase(),
            };
            let (ged, gdef) = resolver
                .find(&gref, year, &mut fallbacks)
                .map_err(|e| (e.code, e.message, e.hint))?;
            let gu = used(ged, gdef);
            let g = gdef
                .typed_gwp()
                .map_err(|e| ("bad-factor-unit", e.to_string(), String::new()))?;
            // CO2e = energy × factor × GWP ÷ both denominators: every term multiplied first,
            // one division, rounded once as every line is (the gas above is shown, not
            // carried rounded into the GWP).
            let num = decimal::mul(decimal::mul(energy_j, f.num()).map_err(overflow)?, g.num())
                .map_err(overflow)?;
            let den = decimal::mul(f.per(), g.per()).map_err(overflow)?;
            let b = decimal::div(num, den).map_err(overflow)?;
            let kg = b.rounded(decimal::LINE_DP);
            steps.push(Step {
                label: "CO2e".into(),
                text: format!(
                    "{} {gas} × GWP {} = {} {} = {} CO2e",
                    t(a.qty.base()),
                    gu.reference,
                    gu.value,
                    gu.unit,
                    t(kg)
                ),
                factor: Some(gu),
            });
            (kg, b.exact)
        }
        _ => return Err(wrong()),
    };
    for f in fallbacks {
        steps.push(Step {
            label: "fallback".into(),
            text: f,
            factor: None,
        });
    }
    Ok((co2e, exact, steps))
}
