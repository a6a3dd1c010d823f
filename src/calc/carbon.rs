//! A fuel's CO2 factor from the carbon content and oxidation rate a set publishes instead
//! of a CO2 factor (China's accounting guidelines): EF = C × OF × 44/12. Pure arithmetic on
//! two factor rows; resolving which rows, and what the factor is then used for, is not here.

use super::chain::UsedFactor;
use crate::factors::{Edition, FactorDef};
use crate::units::{DimKind, Energy, Factor, GasMass};
use rust_decimal::Decimal;

/// Molar mass of CO2 over that of carbon, as the guidelines write it: 44/12.
const CO2_PER_C: (i64, i64) = (44, 12);

/// A CO2 factor per energy derived from a carbon content and an oxidation rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedCo2 {
    /// kg CO2 per J, exact (a ratio when 44/12 does not terminate).
    pub factor: Factor<GasMass, Energy>,
    /// The line's record of it: both rows named, the value in the carbon row's units.
    pub used: UsedFactor,
}

/// The CO2 factor of `carbon` (mass of C per energy, e.g. `t C/TJ`) × `oxidation` (a ratio,
/// e.g. `%/1`) × 44/12.
///
/// ```text
/// 15.3 t C/TJ × 99 % × 44/12 = 55.539 t CO2/TJ   (China, natural gas)
/// ```
pub fn co2_factor(
    ed: &Edition,
    carbon: &FactorDef,
    oxidation: &FactorDef,
) -> Result<DerivedCo2, String> {
    let what = |d: &FactorDef, why: &str| {
        format!(
            "{}@{}:{} ({}) {why}",
            ed.set, ed.edition, d.key, d.unit_text
        )
    };
    if carbon.gas.as_deref() != Some("C")
        || carbon.unit.num.kind != DimKind::GasMass
        || carbon.unit.den.kind != DimKind::Energy
    {
        return Err(what(carbon, "is not a mass of carbon (C) per energy"));
    }
    if oxidation.unit.num.kind != DimKind::Ratio || oxidation.unit.den.kind != DimKind::Ratio {
        return Err(what(oxidation, "is not a ratio (`%/1`)"));
    }
    let overflow = |e: crate::decimal::CalcError| e.to_string();
    let mul = |a: Decimal, b: Decimal| crate::decimal::mul(a, b).map_err(overflow);
    // Oxidised fraction: value × its unit's scale over its denominator's (99 %/1 = 0.99).
    let ox_num = mul(oxidation.value, oxidation.unit.num.scale)?;
    let ox_per = oxidation.unit.den.scale;
    let c: Factor<GasMass, Energy> = carbon.typed().map_err(|e| e.to_string())?;
    let (m, n) = (Decimal::from(CO2_PER_C.0), Decimal::from(CO2_PER_C.1));
    let num = mul(mul(c.num(), ox_num)?, m)?;
    let per = mul(mul(c.per(), ox_per)?, n)?;
    let factor = Factor::from_ratio(num, per).map_err(overflow)?;
    // The value shown in the carbon row's own units (t CO2/TJ); exact when it terminates.
    let shown_num = mul(mul(carbon.value, ox_num)?, m)?;
    let shown = crate::decimal::div(shown_num, mul(ox_per, n)?).map_err(overflow)?;
    let used = UsedFactor::from(crate::calc::FactorUse {
        reference: format!(
            "{}@{}:{} × {} × 44/12",
            ed.set, ed.edition, carbon.key, oxidation.key
        )
        .into(),
        value: shown.value.normalize(),
        unit: format!("{} CO2/{}", carbon.unit.num.symbol, carbon.unit.den.symbol).into(),
        edition: ed.id().into(),
        citation: format!(
            "{}, {}, {}: carbon {} {} × oxidation {} {} × 44/12",
            ed.citation.publisher,
            ed.citation.title,
            carbon.table,
            carbon.value,
            carbon.unit_text,
            oxidation.value,
            oxidation.unit_text
        )
        .into(),
    });
    Ok(DerivedCo2 { factor, used })
}
