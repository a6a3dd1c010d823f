//! Resolving the factor a product line names into a CO2e factor for the line's quantity, and
//! applying it exactly. The factor's denominator must have the dimension of the quantity: a
//! per-kWh factor applied to a kilogram of material is refused here, with a message naming both.

use crate::calc::{Resolver, Step, UsedFactor};
use crate::decimal::{self, CalcError};
use crate::factors::{Edition, FactorDef, FactorRef};
use crate::project::Project;
use crate::units::{AnyUnit, DimKind};
use rust_decimal::Decimal;

/// A factor ready to apply: kg CO2e per one `den` unit is `value × num_scale × gwp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFactor {
    /// The factor as used (pinned reference, value, unit, citation).
    pub used: UsedFactor,
    /// Its denominator unit.
    pub den: AnyUnit,
    /// kg per one numerator unit (1 for kg, 1000 for t, 0.001 for g).
    pub num_scale: Decimal,
    /// The GWP applied when the factor is per gas rather than CO2e.
    pub gwp: Option<(Decimal, UsedFactor)>,
    /// Fallbacks taken to find it (nearest edition), in words.
    pub fallbacks: Vec<String>,
}

/// Why a factor cannot serve a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorError {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

fn used(ed: &Edition, def: &FactorDef) -> UsedFactor {
    UsedFactor::of(ed, def)
}

fn example(kind: DimKind) -> &'static str {
    match kind {
        DimKind::Mass => {
            "a material needs a factor per mass, e.g. desnz-materials:aluminium.primary (kg CO2e/t)"
        }
        DimKind::Energy => {
            "electricity needs a factor per energy, e.g. cn-mee-grid:national (kg CO2/kWh)"
        }
        DimKind::MassDistance => {
            "transport needs a factor per tonne-km, e.g. desnz@2025:freight.road.hgv (kg CO2e/tkm)"
        }
        _ => "name a factor whose unit is per the unit of this quantity",
    }
}

/// Resolves `r` for `year` as a factor applicable to a quantity of dimension `kind`.
pub fn resolve(
    project: &Project,
    resolver: &Resolver<'_>,
    r: &FactorRef,
    year: i32,
    kind: DimKind,
) -> Result<ProductFactor, FactorError> {
    let mut fallbacks = Vec::new();
    let (ed, def) = resolver
        .find(r, year, &mut fallbacks)
        .map_err(|e| FactorError {
            code: e.code,
            message: e.message,
            hint: e.hint,
        })?;
    of_def(project, resolver, ed, def, year, kind, fallbacks)
}

/// Resolves `r` as [`resolve`] does, or, when `r` names a per-gas group (`us-epa-hub:egrid.rfcw`
/// for `egrid.rfcw.co2`, `.ch4`, `.n2o`, as a facility's `grid` may), one factor per gas of
/// the group: the line is then their sum.
pub fn resolve_group(
    project: &Project,
    resolver: &Resolver<'_>,
    r: &FactorRef,
    year: i32,
    kind: DimKind,
) -> Result<Vec<ProductFactor>, FactorError> {
    let mut fallbacks = Vec::new();
    let found = resolver
        .find_group(r, year, &mut fallbacks)
        .map_err(|e| FactorError {
            code: e.code,
            message: e.message,
            hint: e.hint,
        })?;
    let mut out = Vec::with_capacity(found.len());
    for (i, (ed, def)) in found.into_iter().enumerate() {
        // The group's fallbacks are said once, on its first member.
        let fb = if i == 0 {
            std::mem::take(&mut fallbacks)
        } else {
            Vec::new()
        };
        out.push(of_def(project, resolver, ed, def, year, kind, fb)?);
    }
    Ok(out)
}

/// The factor `def` of `ed` as applicable to a quantity of dimension `kind`.
fn of_def(
    project: &Project,
    resolver: &Resolver<'_>,
    ed: &Edition,
    def: &FactorDef,
    year: i32,
    kind: DimKind,
    mut fallbacks: Vec<String>,
) -> Result<ProductFactor, FactorError> {
    let u = used(ed, def);
    if def.unit.den.kind != kind {
        return Err(FactorError {
            code: "factor-dimension-mismatch",
            message: format!(
                "factor {} is per {} ({}), but this quantity is a {} — a per-{} factor cannot apply to {}",
                u.reference,
                def.unit.den.symbol,
                def.unit.den.kind.name(),
                kind.name(),
                def.unit.den.symbol,
                kind.name()
            ),
            hint: example(kind).to_string(),
        });
    }
    let gwp = match def.unit.num.kind {
        DimKind::Co2e => None,
        DimKind::GasMass => {
            let gas = def.gas.clone().unwrap_or_default();
            let set = project.manifest.families.gwp.clone();
            let gwp_ref = FactorRef {
                set,
                edition: None,
                key: gas.to_ascii_lowercase(),
            };
            let (ged, gdef) =
                resolver
                    .find(&gwp_ref, year, &mut fallbacks)
                    .map_err(|e| FactorError {
                        code: "unknown-gas",
                        message: format!(
                            "no GWP for `{gas}` of factor {}: {}",
                            u.reference, e.message
                        ),
                        hint: e.hint,
                    })?;
            if gdef.unit.num.kind != DimKind::Co2e || gdef.unit.den.kind != DimKind::Mass {
                return Err(FactorError {
                    code: "bad-factor-unit",
                    message: format!("GWP {} is not kg CO2e/kg", used(ged, gdef).reference),
                    hint: "a GWP is `kg CO2e/kg`".into(),
                });
            }
            let per = decimal::mul(gdef.value, gdef.unit.num.scale)
                .and_then(|v| decimal::div(v, gdef.unit.den.scale))
                .map_err(|e| FactorError {
                    code: "overflow",
                    message: format!("GWP {}: {e}", used(ged, gdef).reference),
                    hint: String::new(),
                })?;
            if !per.exact {
                return Err(FactorError {
                    code: "bad-factor-unit",
                    message: format!(
                        "GWP {} does not convert exactly to kg CO2e/kg",
                        used(ged, gdef).reference
                    ),
                    hint: "a GWP is `kg CO2e/kg`".into(),
                });
            }
            let per = per.value;
            Some((per, used(ged, gdef)))
        }
        _ => {
            return Err(FactorError {
                code: "not-an-emission-factor",
                message: format!(
                    "factor {} ({}) is not an emission factor",
                    u.reference, def.unit_text
                ),
                hint: "an emission factor is a mass of CO2e (or of a gas) per unit of activity"
                    .into(),
            })
        }
    };
    Ok(ProductFactor {
        used: u,
        den: def.unit.den,
        num_scale: def.unit.num.scale,
        gwp,
        fallbacks,
    })
}

/// kg CO2e of `quantity` (in `unit`) under `f`: multiply every term first, divide once by the
/// factor's denominator scale. Returns the value and whether that division was exact (a
/// non-terminating quotient is rounded to `decimal::LINE_DP` places of a kg and flagged).
///
/// ```
/// use carbonledger::products::apply_factor_value;
/// use carbonledger::units::lookup;
/// use rust_decimal::Decimal;
/// // 150 kg of aluminium at 9115.90131 kg CO2e/t = 1367.3851965 kg CO2e
/// let (v, exact) = apply_factor_value("150".parse().unwrap(), lookup("kg").unwrap(),
///     "9115.90131".parse().unwrap(), Decimal::ONE, None, lookup("t").unwrap()).unwrap();
/// assert_eq!((v.to_string().as_str(), exact), ("1367.3851965", true));
/// ```
pub fn apply_factor_value(
    quantity: Decimal,
    unit: AnyUnit,
    value: Decimal,
    num_scale: Decimal,
    gwp: Option<Decimal>,
    den: AnyUnit,
) -> Result<(Decimal, bool), CalcError> {
    apply_factor_value_per(quantity, unit, value, num_scale, gwp, den, Decimal::ONE)
}

/// [`apply_factor_value`] of `quantity ÷ divisor` (passenger-km ÷ occupancy = vehicle-km),
/// in the same one division, so that a non-terminating quotient is rounded once.
pub fn apply_factor_value_per(
    quantity: Decimal,
    unit: AnyUnit,
    value: Decimal,
    num_scale: Decimal,
    gwp: Option<Decimal>,
    den: AnyUnit,
    divisor: Decimal,
) -> Result<(Decimal, bool), CalcError> {
    let mut n = decimal::mul(decimal::mul(quantity, unit.scale)?, value)?;
    n = decimal::mul(n, num_scale)?;
    if let Some(g) = gwp {
        n = decimal::mul(n, g)?;
    }
    let q = decimal::div(n, decimal::mul(den.scale, divisor)?)?;
    Ok((q.rounded(decimal::LINE_DP).normalize(), q.exact))
}

impl ProductFactor {
    /// kg CO2e of `quantity` in `unit` (whose dimension was checked at resolution).
    pub fn apply(&self, quantity: Decimal, unit: AnyUnit) -> Result<(Decimal, bool), CalcError> {
        apply_factor_value(
            quantity,
            unit,
            self.used.value,
            self.num_scale,
            self.gwp.as_ref().map(|(g, _)| *g),
            self.den,
        )
    }

    /// The calculation line of applying this factor to `quantity unit`, in kg CO2e: the
    /// same product `apply` forms (rounded once by the rule of every line).
    pub fn term(&self, quantity: Decimal, unit: AnyUnit) -> Option<crate::register::Term> {
        let mut t = crate::register::Term::of(quantity, unit.symbol, "CO2e");
        t.conversion = (
            decimal::mul(unit.scale, self.num_scale).ok()?,
            self.den.scale,
        );
        t.factor = Some(self.used.clone());
        t.gwp = self.gwp.as_ref().map(|(_, u)| u.clone());
        Some(t)
    }

    /// The trace steps of applying this factor to `what` giving `kg` kg CO2e.
    pub fn steps(&self, label: &'static str, what: &str, kg: Decimal, exact: bool) -> Vec<Step> {
        let gwp = match &self.gwp {
            Some((g, u)) => format!(" × GWP {} = {g} {}", u.reference, u.unit),
            None => String::new(),
        };
        let mut steps = vec![Step {
            label: label.into(),
            text: format!(
                "{what} × {} = {} {}{gwp} → {}{} kg CO2e",
                self.used.reference,
                self.used.value,
                self.used.unit,
                if exact { "" } else { "≈" },
                kg.normalize(),
            ),
            factor: Some(self.used.clone()),
        }];
        if let Some((_, u)) = &self.gwp {
            steps.push(Step {
                label: "CO2e".into(),
                text: format!("GWP {} = {} {}", u.reference, u.value, u.unit),
                factor: Some(u.clone()),
            });
        }
        for f in &self.fallbacks {
            steps.push(Step {
                label: "fallback".into(),
                text: f.clone(),
                factor: None,
            });
        }
        steps
    }
}
