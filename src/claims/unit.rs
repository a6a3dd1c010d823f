//! Units of claims: the unit a number was printed in ("万吨", "万千瓦时", "吨CO₂", "款") and the
//! unit of the figure it is checked against (`t CO2e`, `MWh`, `%`, `t CO2e/MWh`), each read
//! into an exact scale through the unit registry, and whether the two can be compared. It
//! never converts by dividing: comparisons multiply across (see [`ClaimUnit::compare`]).

use crate::decimal::{self, CalcError, Quotient};
use crate::units::{lookup, DimKind, UnitError};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Gas suffixes a printed mass may carry, longest first, with what they mean.
const GASES: &[(&str, &str)] = &[
    ("二氧化碳当量", "CO2e"),
    ("二氧化碳", "CO2"),
    ("CO_{2e}", "CO2e"),
    ("CO_{2}e", "CO2e"),
    ("CO₂当量", "CO2e"),
    ("CO2当量", "CO2e"),
    ("CO2-eq", "CO2e"),
    ("CO2eq", "CO2e"),
    ("CO₂e", "CO2e"),
    ("CO2e", "CO2e"),
    ("CO_{2}", "CO2"),
    ("CO₂", "CO2"),
    ("CO2", "CO2"),
    ("CH4", "CH4"),
    ("N2O", "N2O"),
];

/// Chinese counting words (classifiers) read as a pure count, unit `1`.
const COUNTS: &[&str] = &["款", "个", "台", "项", "件", "辆", "家", "座", "次"];

/// Multipliers written in front of a unit.
const MULTIPLIERS: &[(&str, i64)] = &[("万", 10_000), ("亿", 100_000_000)];

/// A unit read from text, with its exact scale to the base unit of its dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUnit {
    /// The text as written.
    pub text: String,
    /// Dimension of the numerator (a count is `Ratio`).
    pub kind: DimKind,
    /// The gas a mass is of (`CO2`, `CO2e`, …), if named.
    pub gas: Option<String>,
    /// Dimension of the denominator, for a compound unit such as `t CO2e/MWh`.
    pub per: Option<DimKind>,
    /// Base units of the numerator per one of this unit (multipliers such as 万 included).
    pub scale: Decimal,
    /// Base units of the denominator per one (1 for a simple unit).
    pub per_scale: Decimal,
}

/// Why a unit text was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimUnitError {
    /// No unit after the number.
    #[error("no unit")]
    Missing,
    /// Not a unit the registry, a multiplier or a counting word explains.
    #[error("{0}")]
    Unit(#[from] UnitError),
    /// A gas after something that is not a mass.
    #[error("a gas must follow a mass unit, not `{0}`")]
    GasAfterNonMass(String),
    /// Overflow building the scale.
    #[error("{0}")]
    Calc(#[from] CalcError),
}

fn simple(text: &str) -> Result<(DimKind, Option<String>, Decimal), ClaimUnitError> {
    let t = text.trim();
    let (body, gas) = match GASES.iter().find(|(s, _)| t.ends_with(s)) {
        Some((s, g)) => (t[..t.len() - s.len()].trim(), Some(g.to_string())),
        None => (t, None),
    };
    if body.is_empty() {
        return Err(ClaimUnitError::Missing);
    }
    let (kind, scale) = if COUNTS.contains(&body) {
        (DimKind::Ratio, Decimal::ONE)
    } else {
        match lookup(body) {
            Ok(u) => (u.kind, u.scale),
            Err(e) => {
                let multiplied = MULTIPLIERS.iter().find_map(|(m, k)| {
                    let rest = body.strip_prefix(m)?;
                    let (kind, scale) = if COUNTS.contains(&rest.trim()) {
                        (DimKind::Ratio, Decimal::ONE)
                    } else {
                        let u = lookup(rest).ok()?;
                        (u.kind, u.scale)
                    };
                    Some(decimal::mul(scale, Decimal::from(*k)).map(|s| (kind, s)))
                });
                match multiplied {
                    Some(r) => r?,
                    None => return Err(e.into()),
                }
            }
        }
    };
    if gas.is_some() && kind != DimKind::Mass {
        return Err(ClaimUnitError::GasAfterNonMass(body.to_string()));
    }
    Ok((kind, gas, scale))
}

impl ClaimUnit {
    /// Reads a unit as printed or as a figure states it.
    ///
    /// ```
    /// use carbonledger::claims::ClaimUnit;
    /// use carbonledger::units::DimKind;
    /// let wan_t = ClaimUnit::parse("万吨").unwrap();
    /// assert_eq!((wan_t.kind, wan_t.scale.to_string()), (DimKind::Mass, "10000000".into()));
    /// let g = ClaimUnit::parse("吨 CO_{2e}").unwrap();
    /// assert_eq!(g.gas.as_deref(), Some("CO2e"));
    /// assert_eq!(ClaimUnit::parse("t CO2e/MWh").unwrap().per, Some(DimKind::Energy));
    /// assert_eq!(ClaimUnit::parse("万GJ").unwrap().scale.to_string(), "10000000000000");
    /// ```
    pub fn parse(text: &str) -> Result<ClaimUnit, ClaimUnitError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ClaimUnitError::Missing);
        }
        let (num, den) = match t.rsplit_once('/') {
            Some((n, d)) => (n, Some(d)),
            None => (t, None),
        };
        let (kind, gas, scale) = simple(num)?;
        let (per, per_scale) = match den {
            None => (None, Decimal::ONE),
            Some(d) => {
                let (k, g, s) = simple(d)?;
                if let Some(g) = g {
                    return Err(ClaimUnitError::GasAfterNonMass(g));
                }
                (Some(k), s)
            }
        };
        Ok(ClaimUnit {
            text: t.to_string(),
            kind,
            gas,
            per,
            scale,
            per_scale,
        })
    }

    /// Whether a number in `self` (printed) can be compared with a figure in `figure`: an
    /// error says why not; `Ok(Some(note))` means yes, with something a reader should know.
    pub fn comparable_to(&self, figure: &ClaimUnit) -> Result<Option<String>, String> {
        if self.kind != figure.kind || self.per != figure.per {
            return Err(format!(
                "`{}` is {}, the figure's unit `{}` is {}",
                self.text,
                describe(self.kind, self.per),
                figure.text,
                describe(figure.kind, figure.per)
            ));
        }
        match (&self.gas, &figure.gas) {
            (Some(p), Some(f)) if p == f => Ok(None),
            (Some(p), Some(f)) if is_co2(p) && is_co2(f) => Ok(Some(format!(
                "printed as {p}, the figure is {f}; compared as the same mass"
            ))),
            (Some(p), Some(f)) => Err(format!("printed as a mass of {p}, the figure is of {f}")),
            (Some(p), None) => Err(format!(
                "printed as a mass of {p}, the figure `{}` is a plain mass",
                figure.text
            )),
            (None, _) => Ok(None),
        }
    }

    /// How `x` in unit `self` compares with `y` in unit `other`, exactly: `x·s₁·d₂` against
    /// `y·s₂·d₁` (scales `s`, denominator scales `d`), multiplications only.
    pub fn compare(
        &self,
        x: Decimal,
        other: &ClaimUnit,
        y: Decimal,
    ) -> Result<Ordering, CalcError> {
        let left = decimal::mul(decimal::mul(x, self.scale)?, other.per_scale)?;
        let right = decimal::mul(decimal::mul(y, other.scale)?, self.per_scale)?;
        Ok(left.cmp(&right))
    }

    /// `x` in `self` expressed in `other`; the quotient says whether it terminated.
    pub fn convert(&self, x: Decimal, other: &ClaimUnit) -> Result<Quotient, CalcError> {
        let num = decimal::mul(decimal::mul(x, self.scale)?, other.per_scale)?;
        let den = decimal::mul(other.scale, self.per_scale)?;
        decimal::div(num, den)
    }
}

fn is_co2(g: &str) -> bool {
    g == "CO2" || g == "CO2e"
}

fn describe(kind: DimKind, per: Option<DimKind>) -> String {
    let k = |k: DimKind| match k {
        DimKind::Ratio => "a ratio or count".to_string(),
        other => other.name().to_string(),
    };
    match per {
        None => k(kind),
        Some(p) => format!("{} per {}", k(kind), k(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn u(s: &str) -> ClaimUnit {
        ClaimUnit::parse(s).unwrap()
    }

    #[test]
    fn printed_units_convert_exactly_to_figure_units() {
        // 2.64万吨 = 26,400 t; 182万kWh = 1,820 MWh; 3,188万千瓦时 = 31,880 MWh.
        let q = u("万吨").convert(dec!(2.64), &u("t CO2e")).unwrap();
        assert_eq!((q.value, q.exact), (dec!(26400), true));
        assert_eq!(
            u("万kWh").convert(dec!(182), &u("MWh")).unwrap().value,
            dec!(1820)
        );
        assert_eq!(
            u("万千瓦时").convert(dec!(3188), &u("MWh")).unwrap().value,
            dec!(31880)
        );
        assert_eq!(
            u("%").convert(dec!(14.2), &u("1")).unwrap().value,
            dec!(0.142)
        );
        // GJ → MWh does not terminate (1 GJ = 0.2777… MWh) and says so; comparing never divides.
        assert!(!u("GJ").convert(dec!(1), &u("MWh")).unwrap().exact);
        assert_eq!(
            u("GJ").compare(dec!(3.6), &u("MWh"), dec!(1)).unwrap(),
            Ordering::Equal
        );
    }

    #[test]
    fn comparability() {
        assert!(u("吨").comparable_to(&u("t CO2e")).unwrap().is_none());
        assert!(u("吨CO₂").comparable_to(&u("t CO2e")).unwrap().is_some());
        assert!(u("吨").comparable_to(&u("MWh")).is_err());
        assert!(u("吨CO2").comparable_to(&u("t")).is_err());
        assert!(u("款").comparable_to(&u("1")).unwrap().is_none());
        assert!(u("万款").scale == dec!(10000));
        assert!(ClaimUnit::parse("furlong").is_err());
        assert!(ClaimUnit::parse("MWh CO2").is_err());
    }
}
