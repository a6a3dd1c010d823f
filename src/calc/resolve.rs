//! Resolving factors: from a row's facility, year, carrier (or gas), unit and optional explicit
//! factor to a `Chain` of typed, cited factors. Editions come from the manifest for the year;
//! a missing choice falls back to the nearest edition, a missing region to the set's parent
//! key, and both are recorded on the chain (and refused under `--strict`).

use super::chain::{Chain, ChainBody, EnergyConv, GasStep, PerBasis, SourceKind, UsedFactor};
use crate::activity::{Carrier, Scope, Source, Subject};
use crate::factors::{Edition, FactorDef, FactorRef};
use crate::project::{Consolidation, EnergyBasis, Project};
use crate::units::{Co2e, CoalEquivalent, Dim, DimKind, Energy, Factor, GasMass};
use rust_decimal::Decimal;

/// Why a chain could not be resolved: a message and hint, and which input column to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
    /// The column to point at: `factor`, `carrier`, `gas`, `unit` or `facility`.
    pub column: &'static str,
}

pub(super) fn err(
    code: &'static str,
    column: &'static str,
    message: String,
    hint: impl Into<String>,
) -> ResolveError {
    let mut hint = hint.into();
    if code == "overflow" && hint.is_empty() {
        // Every overflow says what to look at, as a row's own overflow does.
        hint = "the quantity times its conversions and factors exceeds what can be held exactly (about 7.9 × 10^28 in base units, 28 decimal places); check the quantity and its unit at their source".into();
    }
    ResolveError {
        code,
        message,
        hint,
        column,
    }
}

/// A GWP and the record of where it came from.
type Gwp = (Factor<Co2e, GasMass>, UsedFactor);

/// The set of refrigerant blend compositions (`<blend>.<component>`, % by mass).
const BLEND_SET: &str = "refrigerant-blends";

/// The `--strict` hint of a factor or calorific value the set does not publish.
const MISSING_FACTOR_HINT: &str = "--strict: give the row a `factor` (or a unit the set prices), or add the missing factor in a project set";

/// Resolution options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    /// Refuse every fallback (nearest edition, parent region).
    pub strict: bool,
}

/// Resolves chains for one project.
pub struct Resolver<'p> {
    pub(super) project: &'p Project,
    options: ResolveOptions,
}

fn used(ed: &Edition, def: &FactorDef) -> UsedFactor {
    UsedFactor::of(ed, def)
}

fn is_year_like(s: &str) -> Option<i32> {
    (s.len() == 4).then(|| s.parse().ok()).flatten()
}

impl<'p> Resolver<'p> {
    /// A resolver for `project`.
    pub fn new(project: &'p Project, options: ResolveOptions) -> Self {
        Resolver { project, options }
    }

    /// The project it resolves under.
    pub fn project(&self) -> &'p Project {
        self.project
    }

    /// The edition of `set` for `year`: the manifest's choice, else the nearest (recorded).
    pub fn edition_for(
        &self,
        set: &str,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<&'p Edition, ResolveError> {
        let lib = &self.project.library;
        if let Some(ed) = self.project.manifest.edition_for(year, set) {
            return lib.edition(set, ed).ok_or_else(|| {
                err(
                    "unknown-edition",
                    "factor",
                    format!("carbonledger.toml selects {set}@{ed} for {year}, which is not in the factor library"),
                    format!("editions of {set}: {}", self.edition_names(set)),
                )
            });
        }
        let eds: Vec<&Edition> = lib.editions_of(set).collect();
        let chosen = match eds.as_slice() {
            [] => None,
            [only] => Some(*only),
            many => {
                let numbered: Vec<(i32, &Edition)> = many
                    .iter()
                    .filter_map(|e| is_year_like(&e.edition).map(|y| (y, *e)))
                    .collect();
                numbered
                    .iter()
                    .filter(|(y, _)| *y <= year)
                    .max_by_key(|(y, _)| *y)
                    .or_else(|| numbered.iter().min_by_key(|(y, _)| *y))
                    .map(|(_, e)| *e)
            }
        };
        let Some(ed) = chosen else {
            return Err(err(
                if eds.is_empty() {
                    "unknown-factor-set"
                } else {
                    "no-edition-chosen"
                },
                "factor",
                format!("no edition of `{set}` is chosen for {year}"),
                if eds.is_empty() {
                    "see `carbonledger factors list` for the sets available".to_string()
                } else {
                    format!("add `{set} = \"…\"` under [years.{year}.editions] in carbonledger.toml (editions: {})", self.edition_names(set))
                },
            ));
        };
        // Data of another year is a fallback even when the set has one edition (a 2024 UK
        // inventory must not silently use DESNZ 2025); a standard's table is not.
        let other_year = !ed.any_year && is_year_like(&ed.edition) != Some(year);
        if eds.len() > 1 || other_year {
            let note = format!(
                "{set}: carbonledger.toml chooses no edition for {year}; used the nearest, {}",
                ed.edition
            );
            let hint = format!(
                "--strict: add `{set} = \"{}\"` under [years.{year}.editions]",
                ed.edition
            );
            self.fallback(note, "factor", hint, fallbacks)?;
        }
        Ok(ed)
    }

    /// Records a fallback in words, or refuses it under `--strict` with `hint`.
    pub(super) fn fallback(
        &self,
        note: String,
        column: &'static str,
        hint: impl Into<String>,
        fallbacks: &mut Vec<String>,
    ) -> Result<(), ResolveError> {
        if self.options.strict {
            return Err(err("fallback-refused", column, note, hint.into()));
        }
        fallbacks.push(note);
        Ok(())
    }

    fn edition_names(&self, set: &str) -> String {
        let v: Vec<&str> = self
            .project
            .library
            .editions_of(set)
            .map(|e| e.edition.as_str())
            .collect();
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    }

    /// Finds `r` (pinning its edition for `year` when it has none), with key fallback recorded.
    pub fn find(
        &self,
        r: &FactorRef,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<(&'p Edition, &'p FactorDef), ResolveError> {
        if self.project.library.editions_of(&r.set).next().is_none() {
            return Err(err(
                "unknown-factor-set",
                "factor",
                format!("unknown factor set `{}` in `{r}`", r.set),
                "see `carbonledger factors list` for the sets available",
            ));
        }
        let ed = match &r.edition {
            Some(e) => self.project.library.edition(&r.set, e).ok_or_else(|| {
                err(
                    "unknown-factor",
                    "factor",
                    format!("unknown factor edition `{}@{}`", r.set, e),
                    format!("editions of {}: {}", r.set, self.edition_names(&r.set)),
                )
            })?,
            None => self.edition_for(&r.set, year, fallbacks)?,
        };
        if let Some(def) = ed.factors.get(&r.key) {
            return Ok((ed, def));
        }
        // A parent-key fallback only for a key some edition of the set has (a region this
        // edition does not list); an unknown key is a typo, not a region.
        let known_elsewhere = self
            .project
            .library
            .editions_of(&r.set)
            .any(|e| e.factors.contains_key(&r.key));
        if let Some(def) = ed
            .fallback_key
            .as_ref()
            .filter(|_| known_elsewhere)
            .and_then(|k| ed.factors.get(k))
        {
            let note = format!(
                "{}@{}: no key `{}`; used the parent key `{}`",
                ed.set, ed.edition, r.key, def.key
            );
            self.fallback(
                note,
                "factor",
                "--strict refuses parent-region fallbacks",
                fallbacks,
            )?;
            return Ok((ed, def));
        }
        Err(err(
            "unknown-factor",
            "factor",
            format!("unknown factor `{}` in {}", r.key, ed.id()),
            format!("keys of {}: {}", ed.id(), {
                let keys: Vec<&str> = ed.factors.keys().map(String::as_str).collect();
                if keys.len() > 12 {
                    format!(
                        "{} … (`carbonledger factors show {}`)",
                        keys[..12].join(", "),
                        ed.id()
                    )
                } else {
                    keys.join(", ")
                }
            }),
        ))
    }

    /// Looks up a reference that names one factor, or a group of per-gas factors: a key
    /// with no row of its own but rows `<key>.co2`, `.ch4`, `.n2o` (eGRID's
    /// `egrid.rfcw`, a DESNZ vehicle class) stands for all of them. A class that publishes
    /// only CH4 and N2O under its fuel (NGA Table 9: `transport.diesel.light.ch4`, `.n2o`,
    /// the CO2 per fuel as `transport.diesel.co2`) takes the CO2 of the key it is under.
    pub fn find_group(
        &self,
        r: &FactorRef,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<Vec<(&'p Edition, &'p FactorDef)>, ResolveError> {
        let single = match self.find(r, year, fallbacks) {
            Ok(found) => return Ok(vec![found]),
            Err(e) => e,
        };
        let member = |gas: &str| FactorRef {
            set: r.set.clone(),
            edition: r.edition.clone(),
            key: format!("{}.{gas}", r.key),
        };
        let co2_ref = match self.find(&member("co2"), year, &mut Vec::new()) {
            Ok(_) => member("co2"),
            Err(_) => match self.class_co2(r, year) {
                Some(parent) => parent,
                None => return Err(single),
            },
        };
        let Ok(co2) = self.find(&co2_ref, year, &mut Vec::new()) else {
            return Err(single);
        };
        let mut out = vec![self.find(&co2_ref, year, fallbacks).unwrap_or(co2)];
        for gas in ["ch4", "n2o"] {
            let key = format!("{}.{gas}", r.key);
            if let Some(def) = out[0].0.factors.get(&key) {
                out.push((out[0].0, def));
            }
        }
        Ok(out)
    }

    /// The CO2 of a class that publishes only CH4 and N2O (`<key>.ch4` or `.n2o`, no
    /// `<key>.co2`): the `.co2` row of the key it is under (`transport.diesel.light` →
    /// `transport.diesel.co2`), when that edition has both.
    fn class_co2(&self, r: &FactorRef, year: i32) -> Option<FactorRef> {
        let (parent, _) = r.key.rsplit_once('.')?;
        let at = |key: String| FactorRef {
            set: r.set.clone(),
            edition: r.edition.clone(),
            key,
        };
        let (ed, _) = self
            .find(&at(format!("{parent}.co2")), year, &mut Vec::new())
            .ok()?;
        ["ch4", "n2o"]
            .iter()
            .any(|gas| ed.factors.contains_key(&format!("{}.{gas}", r.key)))
            .then(|| at(format!("{parent}.co2")))
    }

    /// The consolidation share of a facility under its terms `terms`, and why.
    pub fn share(&self, facility: usize, terms: usize) -> (Decimal, String) {
        let fac = &self.project.facilities.list[facility];
        let f = fac.terms(terms);
        let (share, why): (Decimal, String) = match self.project.manifest.consolidation {
            Consolidation::OperationalControl if f.operational_control => {
                (Decimal::ONE, "operational control: 100%".into())
            }
            Consolidation::OperationalControl => (
                Decimal::ZERO,
                "operational control: not operated, excluded (0%)".into(),
            ),
            Consolidation::FinancialControl if f.financial_control => {
                (Decimal::ONE, "financial control: 100%".into())
            }
            Consolidation::FinancialControl => (
                Decimal::ZERO,
                "financial control: not controlled, excluded (0%)".into(),
            ),
            Consolidation::EquityShare => {
                let pct = (f.equity_share * Decimal::ONE_HUNDRED).normalize();
                (f.equity_share, format!("equity share: {pct}%"))
            }
        };
        match fac.changes.get(terms.wrapping_sub(1)) {
            Some(c) => (
                share,
                format!(
                    "{why}, from {} ({}:{})",
                    c.from,
                    crate::project::Input::FacilityChanges.name(),
                    c.span.line
                ),
            ),
            None => (share, why),
        }
    }

    /// The GWP of `gas`. Methane from combustion (`fossil`) takes the edition's fossil value
    /// where the edition publishes methane by origin (AR6: 29.8, not the undifferentiated
    /// 27.9); a released gas may name its origin itself (`CH4-fossil`, `CH4-nonfossil`).
    fn gwp(
        &self,
        gas: &str,
        year: i32,
        fallbacks: &mut Vec<String>,
        column: &'static str,
        fossil: bool,
    ) -> Result<(Factor<Co2e, GasMass>, UsedFactor), ResolveError> {
        let set = self.project.manifest.families.gwp.clone();
        let ed = self.edition_for(&set, year, fallbacks)?;
        let mut key = gas.to_ascii_lowercase().replace(['-', ' '], "_");
        if key == "ch4_non_fossil" {
            key = "ch4_nonfossil".into();
        }
        if key == "ch4" && fossil && ed.ch4_by_origin && ed.factors.contains_key("ch4_fossil") {
            key = "ch4_fossil".into();
        }
        let key = if ed.factors.contains_key(&key) {
            key
        } else {
            gas.to_ascii_lowercase()
        };
        if !ed.factors.contains_key(&key) {
            if let Some(blend) = self.blend_gwp(gas, ed)? {
                return Ok(blend);
            }
        }
        let def = ed.factors.get(&key).ok_or_else(|| {
            err(
                "unknown-gas",
                column,
                format!("no GWP for gas `{gas}` in {}", ed.id()),
                format!(
                    "gases with a GWP in {}: {}",
                    ed.id(),
                    ed.factors.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let f = def.typed_gwp().map_err(|e| {
            err(
                "bad-factor-unit",
                "factor",
                format!("{}: {e}", used(ed, def).reference),
                "a GWP is `kg CO2e/kg`",
            )
        })?;
        Ok((f, used(ed, def)))
    }

    /// The GWP of a refrigerant blend the GWP edition does not list, from its composition by
    /// mass (`refrigerant-blends`: `<blend>.<component>` in %): Σ share × the component's GWP
    /// in this edition, exactly. `None` when no composition of `gas` is known.
    fn blend_gwp(&self, gas: &str, gwp_ed: &Edition) -> Result<Option<Gwp>, ResolveError> {
        let blend = gas.to_ascii_lowercase();
        let prefix = format!("{blend}.");
        let Some(ed) = self
            .project
            .library
            .editions_of(BLEND_SET)
            .find(|ed| ed.factors.keys().any(|k| k.starts_with(&prefix)))
        else {
            return Ok(None);
        };
        let bad = |m: String| err("unknown-gas", "gas", m, format!("see {}", ed.id()));
        let ov = |e: crate::decimal::CalcError| err("overflow", "gas", e.to_string(), "");
        let (mut total, mut share_sum) = (Decimal::ZERO, Decimal::ZERO);
        let mut terms = Vec::new();
        for (key, def) in ed.factors.iter().filter(|(k, _)| k.starts_with(&prefix)) {
            let component = &key[prefix.len()..];
            let c = gwp_ed.factors.get(component).ok_or_else(|| {
                bad(format!(
                    "blend {gas}: component {component} has no GWP in {}",
                    gwp_ed.id()
                ))
            })?;
            if def.unit.num.kind != DimKind::Ratio || c.unit_text != "kg CO2e/kg" {
                return Err(bad(format!(
                    "blend {gas}: {key} is not a mass share in %/1"
                )));
            }
            let share = crate::decimal::mul(def.value, def.unit.num.scale).map_err(ov)?;
            let share = crate::decimal::div(share, def.unit.den.scale)
                .map_err(ov)?
                .value;
            share_sum = crate::decimal::add(share_sum, share).map_err(ov)?;
            total = crate::decimal::add(total, crate::decimal::mul(share, c.value).map_err(ov)?)
                .map_err(ov)?;
            terms.push(format!("{} {} × {}", def.value, def.unit_text, c.value));
        }
        if share_sum != Decimal::ONE {
            return Err(bad(format!(
                "blend {gas}: its shares in {} sum to {}, not 100%",
                ed.id(),
                share_sum * Decimal::ONE_HUNDRED
            )));
        }
        let f = Factor::<Co2e, GasMass>::from_ratio(total, Decimal::ONE).map_err(ov)?;
        let used = UsedFactor::from(crate::calc::FactorUse {
            reference: format!("{}:{blend} × {}", ed.id(), gwp_ed.id()).into(),
            value: total.normalize(),
            unit: "kg CO2e/kg".into(),
            edition: gwp_ed.id().into(),
            citation: format!(
                "{}, {}, {}: {}",
                ed.citation.publisher,
                ed.citation.title,
                ed.citation.table,
                terms.join(" + ")
            )
            .into(),
        });
        Ok(Some((f, used)))
    }

    /// Resolves an emission factor definition into a gas step, given the activity's energy availability.
    pub(super) fn gas_step(
        &self,
        ed: &Edition,
        def: &FactorDef,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<GasStep, ResolveError> {
        let u = used(ed, def);
        let bad = |what: &str| {
            err(
                "wrong-dimension",
                "factor",
                format!("factor {} ({}) {what}", u.reference, def.unit_text),
                "an emission factor is a mass of gas per energy, mass or volume of activity",
            )
        };
        match def.unit.num.kind {
            DimKind::Co2e => Ok(GasStep::Co2e {
                factor: per_basis::<Co2e>(def)
                    .ok_or_else(|| bad("is not per energy, mass or volume"))?,
                used: u,
                of: co2e_of_gas(&def.key),
                embedded_gwp: embedded_gwp(ed),
            }),
            DimKind::GasMass => {
                let gas = def.gas.clone().unwrap_or_default();
                // Emission factors are of combustion: every carrier shipped is fossil.
                let (gwp, gwp_used) = self.gwp(&gas, year, fallbacks, "factor", true)?;
                Ok(GasStep::Gas {
                    gas,
                    factor: Some((
                        per_basis::<GasMass>(def)
                            .ok_or_else(|| bad("is not per energy, mass or volume"))?,
                        u,
                    )),
                    gwp,
                    gwp_used,
                })
            }
            _ => Err(bad("is not an emission factor")),
        }
    }

    /// Resolves the chain for an activity of `subject` at `facility` in `year`, measured in
    /// `activity_kind`, with an optional explicit factor (the file's default source).
    pub fn resolve(
        &self,
        year: i32,
        facility: usize,
        subject: &Subject,
        activity_unit: crate::units::AnyUnit,
        explicit: Option<&FactorRef>,
    ) -> Result<Chain, ResolveError> {
        self.resolve_source((year, facility, 0), subject, activity_unit, explicit, None)
    }

    /// As [`Resolver::resolve`], for a row that declares its source (mobile combustion
    /// looks for the set's mobile factors first; process releases are their own figure).
    pub fn resolve_source(
        &self,
        (year, facility, terms): (i32, usize, usize),
        subject: &Subject,
        activity_unit: crate::units::AnyUnit,
        explicit: Option<&FactorRef>,
        source: Option<Source>,
    ) -> Result<Chain, ResolveError> {
        let (share, share_reason) = self.share(facility, terms);
        let body = self.resolve_body(
            (year, facility, share),
            subject,
            activity_unit,
            explicit,
            source,
        )?;
        Ok(Chain::new(facility, terms, share_reason, body))
    }

    /// What `resolve_source` resolves besides the facility: the factors of the facility's
    /// class (its grid) at consolidation share `share`.
    fn resolve_body(
        &self,
        (year, facility, share): (i32, usize, Decimal),
        subject: &Subject,
        activity_unit: crate::units::AnyUnit,
        explicit: Option<&FactorRef>,
        source: Option<Source>,
    ) -> Result<ChainBody, ResolveError> {
        let activity_kind = activity_unit.kind;
        let mut fallbacks = Vec::new();
        let fam = &self.project.manifest.families;
        let mut chain = ChainBody {
            year,
            subject: subject.clone(),
            scope: Scope::Scope1,
            kind: SourceKind::Fugitive,
            activity_kind,
            activity_unit,
            share,
            energy: EnergyConv::None,
            gases: Vec::new(),
            tce: None,
            fallbacks: Vec::new(),
            plan: None,
            explicit: explicit.cloned(),
            upstream_of: None,
        };
        let carrier = match subject {
            Subject::Gas(gas) => {
                if source == Some(Source::Process) {
                    chain.kind = SourceKind::Process;
                }
                let (gwp, gwp_used) = self.gwp(gas, year, &mut fallbacks, "gas", false)?;
                // Screening: the row's quantity is a charge, released at the equipment's rate.
                let factor = match explicit {
                    Some(r) => Some(self.screening_rate(r, year, &mut fallbacks)?),
                    None => None,
                };
                chain.gases.push(GasStep::Gas {
                    gas: gas.clone(),
                    factor,
                    gwp,
                    gwp_used,
                });
                chain.fallbacks = fallbacks;
                chain.plan = super::chain::Plan::build(&chain);
                return Ok(chain);
            }
            Subject::Carrier(c) => *c,
        };
        chain.scope = carrier.scope();
        chain.kind = match (carrier.is_fuel(), source) {
            (false, _) => SourceKind::Purchased,
            (true, Some(Source::Mobile)) => SourceKind::Mobile,
            (true, Some(Source::Process)) => SourceKind::Process,
            (true, _) => SourceKind::Stationary,
        };
        let mobile = chain.kind == SourceKind::Mobile;
        if let (Some(blend), None) = (carrier.blend(), explicit) {
            return self.resolve_blend(chain, blend, mobile, year, fallbacks);
        }

        // Activity → energy. A fuel by mass or volume with no calorific value may still be
        // priced by a factor per its own unit (DESNZ per litre); its energy is then not
        // known, which is said, and an emission factor per energy is refused below.
        let mut no_cv: Option<ResolveError> = None;
        chain.energy = match activity_kind {
            DimKind::Energy => EnergyConv::Direct,
            kind @ (DimKind::Mass | DimKind::Volume) => {
                if carrier.calorific_keys().is_empty() && carrier.blend().is_none() {
                    return Err(err(
                        "wrong-dimension",
                        "unit",
                        format!("{carrier} must be given in energy units"),
                        "use kWh, MWh, GJ, …",
                    ));
                }
                match self.calorific_value(carrier, mobile, kind, year, &mut fallbacks) {
                    Ok(e) => e,
                    Err(e) => {
                        no_cv = Some(e);
                        EnergyConv::None
                    }
                }
            }
            other => {
                return Err(err(
                    "wrong-dimension",
                    "unit",
                    format!("{carrier} cannot be measured in {other}"),
                    "use an energy, mass or volume unit",
                ))
            }
        };

        // Emission factors.
        if let Some(r) = explicit {
            for (ed, def) in self.find_group(r, year, &mut fallbacks)? {
                check_fits_carrier(carrier, def)?;
                let step = self.gas_step(ed, def, year, &mut fallbacks)?;
                // The CO2 of a bioenergy row is biogenic whichever factor prices it.
                let step = if carrier.is_biogenic()
                    && (def.key.ends_with(".biogenic_co2") || step.gas() == "CO2")
                {
                    biogenic(step)
                } else {
                    step
                };
                check_basis(&step, activity_kind, &chain.energy, &def.unit_text)?;
                chain.gases.push(step);
            }
        } else {
            match carrier {
                Carrier::Electricity => {
                    let f = &self.project.facilities.list[facility];
                    let grid = f.grid.as_ref().ok_or_else(|| {
                        err("no-grid-factor", "facility", format!("facility `{}` has no grid factor for its electricity", f.id), "fill its `grid` column in facilities.csv (e.g. cn-mee-grid:north), or give the row a `factor`")
                    })?;
                    for (ed, def) in self.find_group(grid, year, &mut fallbacks)? {
                        chain
                            .gases
                            .push(self.gas_step(ed, def, year, &mut fallbacks)?);
                    }
                }
                Carrier::Heat | Carrier::Steam => {
                    let r = fam.purchased_heat.as_deref().ok_or_else(|| {
                        err("no-heat-factor", "carrier", format!("no factor for purchased {carrier}"), "set `purchased_heat = \"gbt-32150:heat\"` under [factors] in carbonledger.toml, or give the row a `factor`")
                    })?;
                    let r = FactorRef::parse(r).map_err(|e| {
                        err(
                            "bad-factor-reference",
                            "carrier",
                            format!("carbonledger.toml purchased_heat: {e}"),
                            "write SET:KEY",
                        )
                    })?;
                    let (ed, def) = self.find(&r, year, &mut fallbacks)?;
                    chain
                        .gases
                        .push(self.gas_step(ed, def, year, &mut fallbacks)?);
                }
                fuel_carrier => {
                    let ed = self.edition_for(&fam.fuel_emissions, year, &mut fallbacks)?;
                    // With no calorific value, a missing factor per the row's own unit is
                    // best explained by the missing calorific value.
                    let steps = self
                        .fuel_gas_steps(
                            ed,
                            fuel_carrier,
                            fuel_carrier.factor_keys(),
                            activity_kind,
                            &chain.energy,
                            mobile,
                            year,
                            &mut fallbacks,
                        )
                        .map_err(|e| no_cv.clone().unwrap_or(e))?;
                    chain.gases.extend(steps);
                }
            }
        }
        if let Some(e) = no_cv {
            // Emissions per energy need the energy; per the row's own unit they do not.
            let per_energy = chain.gases.iter().any(|g| match g {
                GasStep::Gas {
                    factor: Some((f, _)),
                    ..
                } => f.den_kind() == DimKind::Energy,
                GasStep::Co2e { factor, .. } => factor.den_kind() == DimKind::Energy,
                GasStep::Gas { factor: None, .. } => false,
            });
            if per_energy {
                return Err(e);
            }
            self.fallback(
                format!(
                    "{carrier} in {}: no calorific value, so the energy of these rows is not counted in energy.* (emissions use a factor per {activity_kind})",
                    activity_unit.symbol
                ),
                "unit",
                MISSING_FACTOR_HINT,
                &mut fallbacks,
            )?;
        }

        // Standard coal equivalent.
        chain.tce =
            self.coal_equivalent(carrier, activity_kind, &chain.energy, year, &mut fallbacks)?;
        chain.fallbacks = fallbacks;
        chain.plan = super::chain::Plan::build(&chain);
        Ok(chain)
    }

    /// A blend (B7, B20, E10) by volume: each part's own per-volume factors from the
    /// `fuel_emissions` edition, on its share of the volume, so the biofuel's CO2 is biogenic
    /// and its CH4 and N2O count in scope 1; its energy through both parts' calorific values
    /// per volume, when the sets publish both.
    fn resolve_blend(
        &self,
        mut chain: ChainBody,
        blend: crate::activity::Blend,
        mobile: bool,
        year: i32,
        mut fallbacks: Vec<String>,
    ) -> Result<ChainBody, ResolveError> {
        let overflow = |e: crate::decimal::CalcError| err("overflow", "carrier", e.to_string(), "");
        let name = match &chain.subject {
            Subject::Carrier(c) => c.name(),
            Subject::Gas(_) => "blend",
        };
        let ed = self.edition_for(
            &self.project.manifest.families.fuel_emissions,
            year,
            &mut fallbacks,
        )?;
        let bio_share = Decimal::new(i64::from(blend.bio_pct), 2);
        let fossil_share = Decimal::ONE - bio_share;
        let parts = [
            (blend.fossil, blend.fossil_keys, fossil_share, "fossil"),
            (blend.bio, blend.bio.factor_keys(), bio_share, "biofuel"),
        ];
        let mut cvs = Vec::new();
        for (part, keys, share, what) in parts {
            let note = format!("{what} part of {name}");
            let cv = self
                .calorific_value(part, mobile, DimKind::Volume, year, &mut Vec::new())
                .ok();
            let hint = |mut e: ResolveError| {
                e.hint = format!(
                    "a blend's parts are priced per volume, or per energy through the part's own calorific value per volume: add `{}.litre.co2` (and .ch4, .n2o) to a project set, or give the {what} and the other part as two rows",
                    keys.first().copied().unwrap_or_default()
                );
                e
            };
            // Per volume first; else per energy through this part's own energy content per
            // volume (NGA: kg CO2-e/GJ × GJ/kL), so each part is priced on its own energy.
            let mut tried = Vec::new();
            let steps = match self.fuel_gas_steps(
                ed,
                part,
                keys,
                DimKind::Volume,
                &EnergyConv::None,
                mobile,
                year,
                &mut tried,
            ) {
                Ok(steps) => {
                    fallbacks.append(&mut tried);
                    steps
                }
                Err(e) => {
                    let Some(conv @ EnergyConv::FromVolume(f, u)) = &cv else {
                        return Err(hint(e));
                    };
                    let steps = self
                        .fuel_gas_steps(
                            ed,
                            part,
                            keys,
                            DimKind::Volume,
                            conv,
                            mobile,
                            year,
                            &mut fallbacks,
                        )
                        .map_err(hint)?;
                    steps
                        .into_iter()
                        .map(|s| through_part_energy(s, f, u))
                        .collect::<Result<Vec<_>, _>>()?
                }
            };
            for step in steps {
                chain
                    .gases
                    .push(part_step(step, share, &note).map_err(overflow)?);
            }
            cvs.push(cv);
        }
        chain.energy = match (&cvs[0], &cvs[1]) {
            (Some(EnergyConv::FromVolume(f1, u1)), Some(EnergyConv::FromVolume(f2, u2)))
                if u1.unit == u2.unit =>
            {
                let (p1, p2) = (fossil_share, bio_share);
                let mul = crate::decimal::mul;
                // One denominator when both are per the same unit (no needless digits).
                let (a, b, per) = if f1.per() == f2.per() {
                    (Decimal::ONE, Decimal::ONE, f1.per())
                } else {
                    (
                        f2.per(),
                        f1.per(),
                        mul(f1.per(), f2.per()).map_err(overflow)?,
                    )
                };
                let num = crate::decimal::add(
                    mul(mul(p1, f1.num()).map_err(overflow)?, a).map_err(overflow)?,
                    mul(mul(p2, f2.num()).map_err(overflow)?, b).map_err(overflow)?,
                )
                .map_err(overflow)?;
                let value = crate::decimal::add(
                    mul(p1, u1.value).map_err(overflow)?,
                    mul(p2, u2.value).map_err(overflow)?,
                )
                .map_err(overflow)?;
                let used = UsedFactor::from(crate::calc::FactorUse {
                    reference: format!(
                        "{} × {}% + {} × {}%",
                        u1.reference,
                        100 - u32::from(blend.bio_pct),
                        u2.reference,
                        blend.bio_pct
                    )
                    .into(),
                    value: value.normalize(),
                    unit: u1.unit.clone(),
                    edition: u1.edition.clone(),
                    citation: format!("{}; {}", u1.citation, u2.citation).into(),
                });
                EnergyConv::FromVolume(Factor::from_ratio(num, per).map_err(overflow)?, used)
            }
            _ => {
                self.fallback(
                    format!(
                        "{name} in {}: no calorific value per volume of both its parts, so the energy of these rows is not counted in energy.* (emissions use factors per volume)",
                        chain.activity_unit.symbol
                    ),
                    "unit",
                    MISSING_FACTOR_HINT,
                    &mut fallbacks,
                )?;
                EnergyConv::None
            }
        };
        if chain.gases.len() > super::chain::MAX_GASES {
            return Err(err(
                "unknown-factor",
                "carrier",
                format!(
                    "{name}: its parts have {} gas factors, more than the {} a line holds",
                    chain.gases.len(),
                    super::chain::MAX_GASES
                ),
                "give the parts as two rows",
            ));
        }
        chain.tce = self.coal_equivalent(
            blend.fossil,
            DimKind::Volume,
            &chain.energy,
            year,
            &mut fallbacks,
        )?;
        chain.fallbacks = fallbacks;
        chain.plan = super::chain::Plan::build(&chain);
        Ok(chain)
    }

    /// The calorific value of `carrier` per mass or volume, on the manifest's energy basis:
    /// `<fuel>.ncv` (net), or `<fuel>.gcv`, `.hhv`, `.energy_content` (gross), under any of
    /// the names the sets give the fuel (and their mobile variants for mobile rows).
    fn calorific_value(
        &self,
        carrier: Carrier,
        mobile: bool,
        kind: DimKind,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<EnergyConv, ResolveError> {
        let basis = self.project.manifest.families.energy_basis;
        // Steam's heat is its enthalpy (less the feedwater's), on neither calorific basis.
        let suffixes: &[&str] = match (carrier, basis) {
            (Carrier::Steam, _) => &["enthalpy"],
            (_, EnergyBasis::Net) => &["ncv"],
            (_, EnergyBasis::Gross) => &["gcv", "hhv", "energy_content"],
        };
        let mut tried = Vec::new();
        let sets = self.project.manifest.families.calorific_values.clone();
        for set in &sets {
            let Ok(ed) = self.edition_for(set, year, fallbacks) else {
                continue;
            };
            for prefix in key_prefixes(carrier.calorific_keys(), mobile, &[]) {
                for suffix in suffixes {
                    let key = format!("{prefix}.{suffix}");
                    let Some(def) = ed.factors.get(&key) else {
                        tried.push(key);
                        continue;
                    };
                    if def.unit.num.kind != DimKind::Energy || def.unit.den.kind != kind {
                        continue;
                    }
                    let u = used(ed, def);
                    let bad = |e: crate::units::UnitError| {
                        err(
                            "bad-factor-unit",
                            "unit",
                            format!("{}: {e}", u.reference),
                            "",
                        )
                    };
                    return Ok(match kind {
                        DimKind::Mass => EnergyConv::FromMass(def.typed().map_err(bad)?, u),
                        _ => EnergyConv::FromVolume(def.typed().map_err(bad)?, u),
                    });
                }
            }
        }
        let fuel = carrier
            .calorific_keys()
            .first()
            .copied()
            .unwrap_or_default();
        if carrier == Carrier::Steam {
            return Err(err(
                "no-calorific-value",
                "unit",
                format!(
                    "no enthalpy of steam per {kind} in {}: no default is published",
                    sets.join(", ")
                ),
                "give the steam in energy units (GJ), or add `steam.enthalpy` (GJ/t: the steam's enthalpy at its pressure and temperature, less the feedwater's) to a project factor set listed in [factors] calorific_values",
            ));
        }
        Err(err(
            "no-calorific-value",
            "unit",
            format!(
                "no {} calorific value of {carrier} per {kind} in {}",
                basis.name(),
                sets.join(", ")
            ),
            format!("give the quantity in energy units (GJ, MWh){}, or add `{fuel}.{}` per {kind} to a project factor set listed in [factors] calorific_values", if kind == DimKind::Volume { " or mass (t)" } else { "" }, suffixes[0]),
        ))
    }

    /// The per-gas combustion factors of a fuel from the `fuel_emissions` edition, under the
    /// publisher's own keys: for each of CO2, CH4 and N2O the first of `mobile.<fuel>.<gas>`
    /// and `transport.<fuel>.<gas>` (mobile rows), `<fuel>.<unit>.<gas>` for the row's own
    /// unit (`litre`, `tonne`, `kwh_gross`, `gallon`, …) and `<fuel>.<gas>` whose denominator
    /// fits the row and whose calorific basis is the manifest's. CO2 is required; a missing
    /// CH4 or N2O is said (a fallback), never silently zero.
    #[allow(clippy::too_many_arguments)]
    fn fuel_gas_steps(
        &self,
        ed: &'p Edition,
        carrier: Carrier,
        names: &[&str],
        activity_kind: DimKind,
        energy: &EnergyConv,
        mobile: bool,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<Vec<GasStep>, ResolveError> {
        let basis = self.project.manifest.families.energy_basis;
        let unit_keys: &[&str] = match (activity_kind, basis) {
            (DimKind::Energy, EnergyBasis::Gross) => &["kwh_gross", "gj_gross", "kwh", "gj"],
            (DimKind::Energy, EnergyBasis::Net) => &["kwh_net", "gj_net", "kwh", "gj"],
            (DimKind::Mass, _) => &["tonne", "kg", "short_ton"],
            (DimKind::Volume, _) => &["litre", "m3", "gallon", "scf"],
            _ => &[],
        };
        let prefixes = key_prefixes(names, mobile, unit_keys);
        let opposite = match basis {
            EnergyBasis::Net => EnergyBasis::Gross,
            EnergyBasis::Gross => EnergyBasis::Net,
        };
        let mut steps = Vec::new();
        let bio = carrier.is_biogenic();
        // CH4 or N2O not found, said after a bioenergy CO2e total is looked for.
        let mut missing = Vec::new();
        for gas in ["co2", "ch4", "n2o"] {
            // The CO2 of biomass and biofuels is biogenic: a set's outside-of-scopes row
            // (DESNZ `….biogenic_co2`) first, else its CO2 row (the EPA Hub's biomass fuels).
            let names: &[&str] = if bio && gas == "co2" {
                &["biogenic_co2", "co2"]
            } else {
                std::slice::from_ref(&gas)
            };
            let mut found = None;
            for (p, name) in prefixes
                .iter()
                .flat_map(|p| names.iter().map(move |n| (p, n)))
            {
                let key = format!("{p}.{name}");
                let Some(def) = ed.factors.get(&key) else {
                    continue;
                };
                // A factor per energy on the other calorific basis does not fit the row.
                if def.unit.den.kind == DimKind::Energy
                    && opposite
                        .factor_bases()
                        .contains(&def.basis.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                let step = self.gas_step(ed, def, year, fallbacks)?;
                if check_basis(&step, activity_kind, energy, &def.unit_text).is_ok() {
                    found = Some((p.clone(), step));
                    break;
                }
            }
            match found {
                Some((p, step)) => {
                    if mobile
                        && !p.starts_with("mobile.")
                        && !p.starts_with("transport.")
                        && gas != "co2"
                        && stationary_only(ed, &format!("{p}.{gas}"))
                    {
                        self.fallback(
                            format!(
                                "{}: no mobile-combustion {gas} factor of {carrier} per {activity_kind}; used `{p}.{gas}`",
                                ed.id()
                            ),
                            "carrier",
                            MISSING_FACTOR_HINT,
                            fallbacks,
                        )?;
                    }
                    steps.push(if bio && gas == "co2" {
                        biogenic(step)
                    } else {
                        step
                    });
                }
                None if gas == "co2" => {
                    if let Some(step) =
                        self.co2_from_carbon(ed, &prefixes, activity_kind, energy, year, fallbacks)?
                    {
                        steps.push(step);
                        continue;
                    }
                    let fuel = carrier.fuel_key().unwrap_or_default();
                    return Err(err(
                        "unknown-factor",
                        "carrier",
                        format!(
                            "{} has no CO2 factor of {carrier} that fits a row in {activity_kind} on the {} basis (tried {})",
                            ed.id(),
                            basis.name(),
                            prefixes
                                .iter()
                                .map(|p| format!("`{p}.co2`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        format!("add `{fuel}.co2` in a project factor set, give the row in another unit, or give it a `factor`"),
                    ));
                }
                None => missing.push(gas),
            }
        }
        // A bioenergy row's CO2e total is its CH4 and N2O (DESNZ: the CO2 is outside of
        // scopes), used when the set gives them no row of their own.
        if bio && missing.len() == 2 {
            let total = prefixes.iter().find_map(|p| {
                let def = ed.factors.get(&format!("{p}.co2e"))?;
                let step = self.gas_step(ed, def, year, &mut Vec::new()).ok()?;
                check_basis(&step, activity_kind, energy, &def.unit_text)
                    .is_ok()
                    .then_some(step)
            });
            if let Some(step) = total {
                steps.push(step);
                missing.clear();
            }
        }
        for gas in missing {
            self.fallback(
                format!(
                    "{}: no {gas} factor of {carrier} per {activity_kind}; its {gas} is not counted",
                    ed.id()
                ),
                "carrier",
                MISSING_FACTOR_HINT,
                fallbacks,
            )?;
        }
        Ok(steps)
    }

    /// A screening rate (`SET:<equipment>.<stage>`, a percentage of the charge) as the mass of
    /// gas released per mass of charge.
    fn screening_rate(
        &self,
        r: &FactorRef,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<(PerBasis<GasMass>, UsedFactor), ResolveError> {
        let (ed, def) = self.find(r, year, fallbacks).map_err(|mut e| {
            e.column = "equipment";
            if e.code == "unknown-factor" {
                let kinds: std::collections::BTreeSet<&str> = self
                    .project
                    .library
                    .editions_of(&r.set)
                    .flat_map(|ed| ed.factors.keys())
                    .map(|k| k.as_str())
                    .collect();
                e.hint = format!(
                    "equipment.stage rates of {}: {}",
                    r.set,
                    kinds.into_iter().collect::<Vec<_>>().join(", ")
                );
            }
            e
        })?;
        let u = used(ed, def);
        if def.unit.num.kind != DimKind::Ratio || def.unit.den.kind != DimKind::Ratio {
            return Err(err(
                "wrong-dimension",
                "equipment",
                format!("{} ({}) is not a rate (`%/1`)", u.reference, def.unit_text),
                "a screening rate is a percentage of the equipment's charge",
            ));
        }
        let num = crate::decimal::mul(def.value, def.unit.num.scale)
            .map_err(|e| err("overflow", "equipment", e.to_string(), ""))?;
        let f = Factor::<GasMass, crate::units::Mass>::from_ratio(num, def.unit.den.scale)
            .map_err(|e| err("overflow", "equipment", e.to_string(), ""))?;
        Ok((PerBasis::Mass(f), u))
    }

    /// The CO2 factor of a fuel whose set publishes its carbon content per unit of heat and
    /// its carbon oxidation rate (China's guidelines: `<fuel>.carbon`, `<fuel>.oxidation`)
    /// rather than a CO2 factor: carbon × oxidation × 44/12, exactly, the three named on
    /// the line.
    fn co2_from_carbon(
        &self,
        ed: &'p Edition,
        prefixes: &[String],
        activity_kind: DimKind,
        energy: &EnergyConv,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<Option<GasStep>, ResolveError> {
        for p in prefixes {
            let (Some(c), Some(o)) = (
                ed.factors.get(&format!("{p}.carbon")),
                ed.factors.get(&format!("{p}.oxidation")),
            ) else {
                continue;
            };
            let derived = super::carbon::co2_factor(ed, c, o)
                .map_err(|m| err("bad-factor-unit", "carrier", m, "see factors/README.md"))?;
            let (gwp, gwp_used) = self.gwp("CO2", year, fallbacks, "carrier", true)?;
            let step = GasStep::Gas {
                gas: "CO2".into(),
                factor: Some((PerBasis::Energy(derived.factor), derived.used)),
                gwp,
                gwp_used,
            };
            if check_basis(&step, activity_kind, energy, &c.unit_text).is_ok() {
                return Ok(Some(step));
            }
        }
        Ok(None)
    }

    fn coal_equivalent(
        &self,
        carrier: Carrier,
        activity_kind: DimKind,
        energy: &EnergyConv,
        year: i32,
        fallbacks: &mut Vec<String>,
    ) -> Result<Option<(PerBasis<CoalEquivalent>, UsedFactor)>, ResolveError> {
        let set = self.project.manifest.families.coal_equivalent.clone();
        let ed = self.edition_for(&set, year, fallbacks)?;
        // One calorific basis per row: when the row's energy came from a calorific value, its
        // standard coal is that energy ÷ the definition of 1 kgce, not a per-kg coefficient
        // that embeds another calorific value (IPCC bituminous NCV for GJ with GB/T 2589 raw
        // coal for tce put 4,386 GJ at 121.4 tce instead of 149.7).
        let energy_from_cv = matches!(
            energy,
            EnergyConv::FromMass(..) | EnergyConv::FromVolume(..)
        );
        // A carrier coefficient (kgce per physical unit) when one matches the row's measure…
        if let Some(def) = ed.factors.get(carrier.coal_equivalent_key()) {
            let den = def.unit.den.kind;
            if def.unit.num.kind == DimKind::CoalEquivalent
                && ((den == activity_kind && !energy_from_cv)
                    || (den == DimKind::Energy && *energy != EnergyConv::None))
            {
                if let Some(pb) = per_basis::<CoalEquivalent>(def) {
                    return Ok(Some((pb, used(ed, def))));
                }
            }
        }
        // …else the definition of standard coal applied to the energy content, when known.
        if *energy == EnergyConv::None {
            return Ok(None);
        }
        let def = ed.factors.get("standard_coal").ok_or_else(|| {
            err(
                "unknown-factor",
                "carrier",
                format!(
                    "{} has neither `{}` nor `standard_coal`",
                    ed.id(),
                    carrier.coal_equivalent_key()
                ),
                "",
            )
        })?;
        let per_kgce: Factor<Energy, CoalEquivalent> = def.typed().map_err(|e| {
            err(
                "bad-factor-unit",
                "carrier",
                format!("{}: {e}", used(ed, def).reference),
                "standard_coal is kJ/kgce",
            )
        })?;
        let inverse = Factor::<CoalEquivalent, Energy>::from_ratio(per_kgce.per(), per_kgce.num())
            .map_err(|e| err("overflow", "carrier", e.to_string(), ""))?;
        Ok(Some((PerBasis::Energy(inverse), used(ed, def))))
    }
}

/// An explicit factor must be one for the row's carrier: a grid factor (basis `location`,
/// `market`, …) on a fuel row, or a fuel's factor (`diesel.co2`) on a row of another carrier,
/// is a typo in the `factor` column, not a choice.
fn check_fits_carrier(carrier: Carrier, def: &FactorDef) -> Result<(), ResolveError> {
    let grid = matches!(
        def.basis.to_ascii_lowercase().as_str(),
        "location" | "market" | "nonbaseload" | "residual_mix"
    );
    let segments: Vec<&str> = def.key.split('.').collect();
    let fuel_of = Carrier::ALL.into_iter().find(|c| {
        c.factor_keys()
            .iter()
            .any(|k| segments.iter().any(|s| s == k))
    });
    let wrong = if carrier.is_fuel() {
        grid || fuel_of.is_some_and(|c| c != carrier)
    } else {
        fuel_of.is_some()
    };
    if wrong {
        let what = match fuel_of {
            Some(c) if !grid => format!("a factor of {c}"),
            _ => "a grid electricity factor".to_string(),
        };
        return Err(err(
            "factor-carrier-mismatch",
            "factor",
            format!(
                "factor `{}` is {what}, but the row's carrier is {carrier}",
                def.key
            ),
            "give the row a factor of its own carrier, or correct the carrier",
        ));
    }
    Ok(())
}

/// The same step, labelled biogenic CO2 (outside the scopes).
fn biogenic(step: GasStep) -> GasStep {
    match step {
        GasStep::Gas {
            factor,
            gwp,
            gwp_used,
            ..
        } => GasStep::Gas {
            gas: super::chain::BIOGENIC_CO2.into(),
            factor,
            gwp,
            gwp_used,
        },
        GasStep::Co2e {
            factor,
            used,
            embedded_gwp,
            ..
        } => GasStep::Co2e {
            factor,
            used,
            of: Some(super::chain::BIOGENIC_CO2.into()),
            embedded_gwp,
        },
    }
}

/// The gas a CO2e factor is of, from the last segment of its key (`natural_gas.kwh_gross.ch4`
/// is DESNZ's "kg CO2e of CH4"); a total (`….co2e`) or any other key is of all gases.
fn co2e_of_gas(key: &str) -> Option<String> {
    match key.rsplit('.').next() {
        Some("co2") => Some("CO2".into()),
        Some("ch4") => Some("CH4".into()),
        Some("n2o") => Some("N2O".into()),
        _ => None,
    }
}

/// The IPCC assessment whose GWPs a publisher's CO2e embeds, as its edition describes it
/// (`… kg CO2e (AR5 GWPs)`): the first of AR4, AR5, AR6 named in the description or title.
fn embedded_gwp(ed: &Edition) -> Option<String> {
    [&ed.description, &ed.citation.title].iter().find_map(|t| {
        ["AR4", "AR5", "AR6"]
            .into_iter()
            .find(|a| t.contains(a))
            .map(str::to_string)
    })
}

/// Whether a factor is published for stationary combustion only (its table or the
/// edition's description says so): using it for a vehicle is a fallback to say.
fn stationary_only(ed: &Edition, key: &str) -> bool {
    let says = |t: &str| t.to_ascii_lowercase().contains("stationary");
    ed.factors
        .get(key)
        .is_some_and(|d| says(&d.table) || says(&d.note))
        || says(&ed.description)
}

/// Key prefixes of a fuel's factors under each of `names` (the names the sets give the
/// fuel), most specific first: mobile variants (for mobile rows), then per the row's own
/// unit, then the fuel itself.
fn key_prefixes(names: &[&str], mobile: bool, unit_keys: &[&str]) -> Vec<String> {
    let mut v = Vec::new();
    for f in names {
        if mobile {
            v.push(format!("mobile.{f}"));
            v.push(format!("transport.{f}"));
        }
        for u in unit_keys {
            v.push(format!("{f}.{u}"));
        }
        v.push((*f).to_string());
    }
    v
}

/// Types a factor by its denominator into a per-energy, per-mass or per-volume factor of `N`.
fn per_basis<N: Dim>(def: &FactorDef) -> Option<PerBasis<N>> {
    match def.unit.den.kind {
        DimKind::Energy => def.typed::<N, Energy>().ok().map(PerBasis::Energy),
        DimKind::Mass => def
            .typed::<N, crate::units::Mass>()
            .ok()
            .map(PerBasis::Mass),
        DimKind::Volume => def
            .typed::<N, crate::units::Volume>()
            .ok()
            .map(PerBasis::Volume),
        _ => None,
    }
}

/// A blend part's factor per energy made per volume through the part's own calorific value
/// per volume (`69.9 kg CO2e/GJ × 38.6 GJ/kL = 2698.14 kg CO2e/kL`), exactly, recorded as
/// `<factor> × <calorific value>`; a factor already per volume is kept.
fn through_part_energy(
    step: GasStep,
    cv: &Factor<Energy, crate::units::Volume>,
    cv_used: &UsedFactor,
) -> Result<GasStep, ResolveError> {
    let ov = |e: crate::decimal::CalcError| err("overflow", "quantity", e.to_string(), "");
    let compose = |u: UsedFactor| -> Result<UsedFactor, ResolveError> {
        // The shown value in the factor's numerator unit per the calorific value's volume
        // unit: factor × CV × (CV's energy unit ÷ the factor's energy unit).
        let (num, per_energy) = u.unit.rsplit_once('/').unwrap_or((&*u.unit, ""));
        let (cv_energy, per_volume) = cv_used.unit.split_once('/').unwrap_or((&*cv_used.unit, ""));
        let scale = |t: &str| crate::units::lookup(t).map(|x| x.scale).ok();
        let (Some(a), Some(b)) = (scale(cv_energy), scale(per_energy)) else {
            return Err(err(
                "bad-factor-unit",
                "carrier",
                format!(
                    "{} ({}) cannot be made per volume through {} ({})",
                    u.reference, u.unit, cv_used.reference, cv_used.unit
                ),
                "give the part a factor per volume in a project set",
            ));
        };
        let value =
            crate::decimal::mul(crate::decimal::mul(u.value, cv_used.value).map_err(ov)?, a)
                .map_err(ov)?;
        let value = crate::decimal::div(value, b).map_err(ov)?.value;
        Ok(UsedFactor::from(crate::calc::FactorUse {
            reference: format!("{} × {}", u.reference, cv_used.reference).into(),
            value: value.normalize(),
            unit: format!("{}/{}", num.trim(), per_volume.trim()).into(),
            edition: u.edition.clone(),
            citation: format!("{}; {}", u.citation, cv_used.citation).into(),
        }))
    };
    Ok(match step {
        GasStep::Gas {
            gas,
            factor: Some((PerBasis::Energy(f), u)),
            gwp,
            gwp_used,
        } => GasStep::Gas {
            gas,
            factor: Some((PerBasis::Volume(f.chain(*cv).map_err(ov)?), compose(u)?)),
            gwp,
            gwp_used,
        },
        GasStep::Co2e {
            factor: PerBasis::Energy(f),
            used,
            of,
            embedded_gwp,
        } => GasStep::Co2e {
            factor: PerBasis::Volume(f.chain(*cv).map_err(ov)?),
            used: compose(used)?,
            of,
            embedded_gwp,
        },
        other => other,
    })
}

/// A step of one part of a blend: its factor × the part's share of the volume, recorded as
/// such on the line (`… × 93% (fossil part of diesel_b7)`), so every figure reads the share.
pub(super) fn part_step(
    step: GasStep,
    share: Decimal,
    note: &str,
) -> Result<GasStep, crate::decimal::CalcError> {
    let used_part = |u: UsedFactor| -> Result<UsedFactor, crate::decimal::CalcError> {
        Ok(UsedFactor::from(crate::calc::FactorUse {
            reference: format!(
                "{} × {}% ({note})",
                u.reference,
                crate::decimal::mul(share, Decimal::ONE_HUNDRED)?.normalize()
            )
            .into(),
            value: crate::decimal::mul(u.value, share)?.normalize(),
            unit: u.unit.clone(),
            edition: u.edition.clone(),
            citation: u.citation.clone(),
        }))
    };
    Ok(match step {
        GasStep::Gas {
            gas,
            factor: Some((f, u)),
            gwp,
            gwp_used,
        } => GasStep::Gas {
            gas,
            factor: Some((scale_basis(f, share)?, used_part(u)?)),
            gwp,
            gwp_used,
        },
        GasStep::Co2e {
            factor,
            used,
            of,
            embedded_gwp,
        } => GasStep::Co2e {
            factor: scale_basis(factor, share)?,
            used: used_part(used)?,
            of,
            embedded_gwp,
        },
        other @ GasStep::Gas { factor: None, .. } => other,
    })
}

/// A factor × a share.
fn scale_basis<N: Dim>(
    p: PerBasis<N>,
    share: Decimal,
) -> Result<PerBasis<N>, crate::decimal::CalcError> {
    let scale = |num: Decimal| crate::decimal::mul(num, share);
    Ok(match p {
        PerBasis::Energy(f) => PerBasis::Energy(Factor::from_ratio(scale(f.num())?, f.per())?),
        PerBasis::Mass(f) => PerBasis::Mass(Factor::from_ratio(scale(f.num())?, f.per())?),
        PerBasis::Volume(f) => PerBasis::Volume(Factor::from_ratio(scale(f.num())?, f.per())?),
    })
}

pub(super) fn check_basis(
    step: &GasStep,
    activity: DimKind,
    energy: &EnergyConv,
    unit: &str,
) -> Result<(), ResolveError> {
    let den = match step {
        GasStep::Gas {
            factor: Some((f, _)),
            ..
        } => f.den_kind(),
        GasStep::Co2e { factor, .. } => factor.den_kind(),
        GasStep::Gas { factor: None, .. } => return Ok(()),
    };
    if den == activity || (den == DimKind::Energy && *energy != EnergyConv::None) {
        Ok(())
    } else {
        Err(err(
            "wrong-dimension",
            "factor",
            format!("factor unit `{unit}` is per {den}, but the row is measured in {activity}"),
            format!("give the quantity in a unit of {den}, or choose a factor per {activity}"),
        ))
    }
}
