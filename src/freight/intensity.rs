//! Freight intensities: from a mode (or an explicit factor) and the manifest's radiative-forcing
//! choice to typed, cited per-tonne-km (or per-TEU-km) intensities, with what the factor set
//! says about them (tank-to-wheel, well-to-tank or well-to-wheel; whether the distance
//! adjustment is already inside); and the two factors of a SAF reduction. Resolution only: no
//! leg is calculated here.
//!
//! Conventions read from a factor row's `basis` column: the first `;`-separated token is
//! `ttw`, `wtt` or `wtw`; a token `daf-included` says the intensity already includes the
//! distance adjustment (DESNZ air factors carry an 8% uplift and apply to the plain great-circle
//! distance), so ISO 14083's addition or DAF is not applied on top.

use super::mode::Mode;
use crate::calc::{ResolveError, Resolver, UsedFactor};
use crate::factors::{Edition, FactorDef, FactorRef};
use crate::project::Project;
use crate::units::{Co2e, DimKind, Factor, MassDistance, TeuDistance};
use std::sync::Arc;

/// Which part of the life cycle an intensity covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Tank-to-wheel (operation).
    Ttw,
    /// Well-to-tank (fuel supply).
    Wtt,
    /// Well-to-wheel (both, one value).
    Wtw,
}

impl Basis {
    /// Name as written in the factor file.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Ttw => "ttw",
            Basis::Wtt => "wtt",
            Basis::Wtw => "wtw",
        }
    }
}

/// An intensity per transport activity, typed by its denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerActivity {
    /// Per tonne-km (mass × distance).
    MassDistance(Factor<Co2e, MassDistance>),
    /// Per TEU-km: usable for a mass-distance leg only with a cargo mass per TEU.
    TeuDistance(Factor<Co2e, TeuDistance>),
}

/// One resolved intensity row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intensity {
    /// The typed value.
    pub per: PerActivity,
    /// What it covers.
    pub basis: Basis,
    /// True when the set says the distance adjustment is inside the value.
    pub daf_included: bool,
    /// Reference, value, unit and citation.
    pub used: UsedFactor,
}

/// The intensities of one leg: the operation (or whole life cycle) row and, when the set gives
/// one, the fuel-supply row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intensities {
    /// Tank-to-wheel, or well-to-wheel when the set gives one value.
    pub main: Intensity,
    /// Well-to-tank, when `main` is tank-to-wheel and the set has a `<key>.wtt` row.
    pub wtt: Option<Intensity>,
    /// For air with radiative forcing: the same row without it (the SAF reduction applies to
    /// fuel life-cycle emissions only, not to non-CO2 effects).
    pub without_rf: Option<Intensity>,
    /// Edition fallbacks taken, in words.
    pub fallbacks: Vec<String>,
    /// How the radiative-forcing choice was applied (air only), in words.
    pub rf_note: Option<String>,
}

/// What the caller wants resolved.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Reporting year (chooses the edition).
    pub year: i32,
    /// The base key's set and key, edition optional (from an explicit factor or the mode's
    /// default in the manifest's intensity set).
    pub reference: &'a FactorRef,
    /// Whether the leg is air (the radiative-forcing variants apply).
    pub air: bool,
    /// The manifest's radiative-forcing choice (required for air).
    pub radiative_forcing: Option<bool>,
}

/// Builds the `UsedFactor` of a row.
pub fn used_factor(ed: &Edition, def: &FactorDef) -> UsedFactor {
    UsedFactor::of(ed, def)
}

fn fail(code: &'static str, message: String, hint: impl Into<String>) -> ResolveError {
    ResolveError {
        code,
        message,
        hint: hint.into(),
        column: "factor",
    }
}

fn typed(ed: &Edition, def: &FactorDef) -> Result<Intensity, ResolveError> {
    let used = used_factor(ed, def);
    let per = match (def.unit.num.kind, def.unit.den.kind) {
        (DimKind::Co2e, DimKind::MassDistance) => def.typed::<Co2e, MassDistance>().map(PerActivity::MassDistance),
        (DimKind::Co2e, DimKind::TeuDistance) => def.typed::<Co2e, TeuDistance>().map(PerActivity::TeuDistance),
        _ => {
            return Err(fail(
                "wrong-dimension",
                format!("{} is `{}`, not an intensity per tonne-km or per TEU-km", used.reference, def.unit_text),
                "a freight intensity is CO2e per tkm (e.g. `kg CO2e/tkm`, `g CO2e/tkm`) or per TEU-km (`g CO2e/TEUkm`)",
            ))
        }
    }
    .map_err(|e| fail("bad-factor-unit", format!("{}: {e}", used.reference), "see factors/README.md"))?;
    let mut tokens = def.basis.split(';').map(str::trim);
    let basis = match tokens.next().unwrap_or_default() {
        "ttw" => Basis::Ttw,
        "wtt" => Basis::Wtt,
        "wtw" => Basis::Wtw,
        other => {
            return Err(fail(
                "bad-factor-basis",
                format!("{} has basis `{other}`; a freight intensity says ttw, wtt or wtw", used.reference),
                "write the basis column as `ttw`, `wtt` or `wtw`, optionally followed by `;daf-included`",
            ))
        }
    };
    let daf_included = tokens.any(|t| t == "daf-included");
    Ok(Intensity {
        per,
        basis,
        daf_included,
        used,
    })
}

/// Resolutions already made in one run of the register, by (year, reference, air,
/// radiative forcing): a million legs over a few lanes resolve a few intensities, not a
/// million (each resolution formats its citations). Results are the same values
/// `resolve` returns, errors included, shared rather than cloned; a lookup builds no key
/// (the memo holds a few entries, searched in order).
#[derive(Default)]
pub struct Memo {
    /// Distances: great-circle distances and distance rules.
    pub distance: super::distance::Memo,
    map: std::cell::RefCell<Vec<(MemoKey, Resolved)>>,
    defaults: std::cell::RefCell<Vec<((i32, Mode), Resolved)>>,
    saf: std::cell::RefCell<Vec<((i32, FactorRef), SafResolved)>>,
}

type MemoKey = (i32, FactorRef, bool, Option<bool>);

/// A memoised resolution.
pub type Resolved = Result<Arc<Intensities>, ResolveError>;

impl Memo {
    /// `resolve`, remembered.
    pub fn resolve(&self, project: &Project, strict: bool, req: Request<'_>) -> Resolved {
        let same = |k: &MemoKey| {
            k.0 == req.year
                && k.1 == *req.reference
                && k.2 == req.air
                && k.3 == req.radiative_forcing
        };
        if let Some((_, r)) = self.map.borrow().iter().find(|(k, _)| same(k)) {
            return r.clone();
        }
        let r = resolve(project, strict, req).map(Arc::new);
        let key = (
            req.year,
            req.reference.clone(),
            req.air,
            req.radiative_forcing,
        );
        self.map.borrow_mut().push((key, r.clone()));
        r
    }

    /// `resolve` of the default row of `mode` in the manifest's intensity set (its key, no
    /// edition: the year's), remembered by (year, mode) so that a leg builds no reference;
    /// `None` when the mode has no default row.
    pub fn resolve_default(
        &self,
        project: &Project,
        strict: bool,
        year: i32,
        mode: Mode,
    ) -> Option<Resolved> {
        let key = mode.default_key()?;
        if let Some((_, r)) = self
            .defaults
            .borrow()
            .iter()
            .find(|((y, m), _)| *y == year && *m == mode)
        {
            return Some(r.clone());
        }
        let options = &project.manifest.freight;
        let reference = FactorRef {
            set: options.intensities.clone(),
            edition: None,
            key: key.to_string(),
        };
        let r = self.resolve(
            project,
            strict,
            Request {
                year,
                reference: &reference,
                air: mode == Mode::Air,
                radiative_forcing: options.radiative_forcing,
            },
        );
        self.defaults.borrow_mut().push(((year, mode), r.clone()));
        Some(r)
    }

    /// `resolve_saf`, remembered by (year, reference) the same way.
    pub fn saf(&self, project: &Project, strict: bool, year: i32, fuel: &FactorRef) -> SafResolved {
        if let Some((_, r)) = self
            .saf
            .borrow()
            .iter()
            .find(|((y, f), _)| *y == year && f == fuel)
        {
            return r.clone();
        }
        let r = resolve_saf(project, strict, year, fuel).map(Arc::new);
        self.saf
            .borrow_mut()
            .push(((year, fuel.clone()), r.clone()));
        r
    }
}

/// The two factors of a SAF reduction: the SAF's life-cycle intensity and the fossil jet fuel
/// baseline of the same edition, both CO2e per energy in one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafFactors {
    /// The SAF's row.
    pub lsf: UsedFactor,
    /// `fossil_jet.baseline` of the same edition.
    pub base: UsedFactor,
    /// Edition fallbacks taken, in words.
    pub fallbacks: Vec<String>,
}

/// A memoised SAF resolution.
pub type SafResolved = Result<Arc<SafFactors>, ResolveError>;

/// Resolves the SAF factors of `r` for `year`; errors blame the `saf_fuel` column.
pub fn resolve_saf(
    project: &Project,
    strict: bool,
    year: i32,
    r: &FactorRef,
) -> Result<SafFactors, ResolveError> {
    let column = "saf_fuel";
    let fail = |code: &'static str, message: String, hint: &str| ResolveError {
        code,
        message,
        hint: hint.to_string(),
        column,
    };
    let mut fallbacks = Vec::new();
    let ed = edition_of(project, strict, r, year, &mut fallbacks).map_err(|mut e| {
        e.column = column;
        e
    })?;
    let lsf = ed.factors.get(&r.key).ok_or_else(|| {
        fail(
            "unknown-factor",
            format!(
                "{}@{}:{} is not in the factor library",
                ed.set, ed.edition, r.key
            ),
            "see `carbonledger factors show icao-corsia@default-values`",
        )
    })?;
    let base = ed.factors.get("fossil_jet.baseline").ok_or_else(|| {
        fail(
            "unknown-factor",
            format!(
                "{}@{} has no `fossil_jet.baseline` row to compare the SAF with",
                ed.set, ed.edition
            ),
            "a SAF set needs the fossil jet fuel baseline in the same edition",
        )
    })?;
    if lsf.unit_text != base.unit_text
        || lsf.unit.num.kind != DimKind::Co2e
        || lsf.unit.den.kind != DimKind::Energy
    {
        return Err(fail(
            "wrong-dimension",
            format!(
                "{} ({}) and the baseline ({}) must both be CO2e per energy in one unit",
                lsf.key, lsf.unit_text, base.unit_text
            ),
            "e.g. `g CO2e/MJ`",
        ));
    }
    if base.value <= rust_decimal::Decimal::ZERO {
        return Err(fail(
            "bad-factor",
            "the fossil baseline is not positive".into(),
            "check the SAF set",
        ));
    }
    Ok(SafFactors {
        lsf: used_factor(ed, lsf),
        base: used_factor(ed, base),
        fallbacks,
    })
}

/// The edition `r` names, or the one `year` takes (its fallbacks noted in `fallbacks`).
fn edition_of<'p>(
    project: &'p Project,
    strict: bool,
    r: &FactorRef,
    year: i32,
    fallbacks: &mut Vec<String>,
) -> Result<&'p Edition, ResolveError> {
    match &r.edition {
        Some(e) => project.library.edition(&r.set, e).ok_or_else(|| {
            fail(
                "unknown-edition",
                format!("{}@{e} is not in the factor library", r.set),
                "see `carbonledger factors list`",
            )
        }),
        None => Resolver::new(project, crate::calc::ResolveOptions { strict })
            .edition_for(&r.set, year, fallbacks),
    }
}

/// Resolves the intensities of one leg (or of a counterfactual).
pub fn resolve(
    project: &Project,
    strict: bool,
    req: Request<'_>,
) -> Result<Intensities, ResolveError> {
    let mut fallbacks = Vec::new();
    let r = req.reference;
    let ed = edition_of(project, strict, r, req.year, &mut fallbacks)?;
    let get = |key: &str| ed.factors.get(key);
    let missing = |key: &str| {
        fail(
            "unknown-factor",
            format!(
                "{}@{}:{key} is not in the factor library",
                ed.set, ed.edition
            ),
            format!("see `carbonledger factors show {}@{}`", ed.set, ed.edition),
        )
    };
    let mut rf_note = None;
    let (main_def, without_rf_def) = if req.air {
        let Some(rf) = req.radiative_forcing else {
            return Err(ResolveError {
                code: "radiative-forcing-unset",
                message: "air freight needs an explicit radiative-forcing choice".to_string(),
                hint: "add `[freight]` with `radiative_forcing = true` or `false` to carbonledger.toml".to_string(),
                column: "mode",
            });
        };
        let with = format!("{}.with_rf", r.key);
        let without = format!("{}.without_rf", r.key);
        match (get(&with), get(&without), get(&r.key)) {
            (Some(w), Some(wo), _) if rf => {
                rf_note = Some(format!("radiative forcing INCLUDED (carbonledger.toml [freight] radiative_forcing = true): {}@{}:{with}", ed.set, ed.edition));
                (w, Some(wo))
            }
            (_, Some(wo), _) if !rf => {
                rf_note = Some(format!("radiative forcing EXCLUDED (carbonledger.toml [freight] radiative_forcing = false): {}@{}:{without}", ed.set, ed.edition));
                (wo, None)
            }
            (None, _, Some(plain)) if !rf => {
                rf_note = Some(format!("radiative forcing EXCLUDED (carbonledger.toml [freight] radiative_forcing = false); {}@{}:{} has no RF variant", ed.set, ed.edition, r.key));
                (plain, None)
            }
            _ if rf => {
                return Err(fail(
                    "no-radiative-forcing-variant",
                    format!(
                        "radiative_forcing = true, but {}@{} has no `{with}` row",
                        ed.set, ed.edition
                    ),
                    "choose a set with a with-RF air intensity, or set radiative_forcing = false",
                ))
            }
            _ => return Err(missing(&without)),
        }
    } else {
        (get(&r.key).ok_or_else(|| missing(&r.key))?, None)
    };
    let main = typed(ed, main_def)?;
    if main.basis == Basis::Wtt {
        return Err(fail(
            "bad-factor-basis",
            format!(
                "{} is a well-to-tank row; name the tank-to-wheel or well-to-wheel intensity",
                main.used.reference
            ),
            format!(
                "drop the `.wtt` suffix: the well-to-tank row `{}.wtt` is found from it",
                r.key
            ),
        ));
    }
    let wtt = match (main.basis, get(&format!("{}.wtt", r.key))) {
        (Basis::Ttw, Some(def)) => Some(typed(ed, def)?),
        _ => None,
    };
    let without_rf = without_rf_def.map(|d| typed(ed, d)).transpose()?;
    Ok(Intensities {
        main,
        wtt,
        without_rf,
        fallbacks,
        rf_note,
    })
}
