//! Typed quantities, units and factors over exact decimals. The dimension is a type parameter,
//! so adding an energy to a mass, or applying a per-tonne-km factor to an energy, does not
//! compile. Values are held in the dimension's base unit (J, kg, m3, kg·m, kgce, kg CO2e).
//!
//! ```compile_fail
//! use carbonledger::units::{Qty, Factor, Energy, Co2e, MassDistance, KWH, TKM, KG_CO2E};
//! use rust_decimal::Decimal;
//! let energy = Qty::<Energy>::new(Decimal::from(100), KWH).unwrap();
//! let per_tkm = Factor::<Co2e, MassDistance>::new(Decimal::from(62), KG_CO2E, TKM).unwrap();
//! let _ = energy.apply(per_tkm); // a per-tonne-km factor applied to kWh: refused by the compiler
//! ```
//!
//! ```compile_fail
//! use carbonledger::units::{Qty, Energy, Mass, KWH, T};
//! use rust_decimal::Decimal;
//! let e = Qty::<Energy>::new(Decimal::from(1), KWH).unwrap();
//! let m = Qty::<Mass>::new(Decimal::from(1), T).unwrap();
//! let _ = e.checked_add(m); // energy + mass: refused by the compiler
//! ```

use super::dim::{Dim, DimKind, Distance, Mass, MassDistance};
use crate::decimal::{self, CalcError};
use rust_decimal::Decimal;
use std::fmt;
use std::marker::PhantomData;

/// A unit of dimension `D`: a symbol and its exact scale (base units per one of this unit).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Unit<D: Dim> {
    symbol: &'static str,
    scale: Decimal,
    _d: PhantomData<D>,
}

impl<D: Dim> Unit<D> {
    /// A unit with an exact scale to the base unit of `D`.
    pub const fn new(symbol: &'static str, scale: Decimal) -> Self {
        Unit {
            symbol,
            scale,
            _d: PhantomData,
        }
    }
    /// The canonical symbol, e.g. `kWh`.
    pub fn symbol(&self) -> &'static str {
        self.symbol
    }
    /// Base units per one of this unit, exact (kWh → 3600000).
    pub fn scale(&self) -> Decimal {
        self.scale
    }
}

impl<D: Dim> fmt::Debug for Unit<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (= {} {})",
            self.symbol,
            self.scale,
            D::KIND.base_symbol()
        )
    }
}

/// An exact quantity of dimension `D`, held in the base unit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty<D: Dim> {
    base: Decimal,
    _d: PhantomData<D>,
}

impl<D: Dim> fmt::Debug for Qty<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.base, D::KIND.base_symbol())
    }
}

/// The result of applying a factor: the quantity, and whether a division had to round it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied<D: Dim> {
    /// The resulting quantity.
    pub qty: Qty<D>,
    /// False when the factor's denominator did not divide the product exactly, so the value was
    /// rounded once to `decimal::LINE_DP` places of the base unit (recorded on the line).
    pub exact: bool,
}

impl<D: Dim> Qty<D> {
    /// Zero of this dimension.
    pub const ZERO: Self = Qty {
        base: Decimal::ZERO,
        _d: PhantomData,
    };

    /// `value` in `unit`, converted exactly to the base unit.
    ///
    /// ```
    /// use carbonledger::units::{Qty, Energy, WAN_KWH, MWH};
    /// use rust_decimal::Decimal;
    /// let q = Qty::<Energy>::new(Decimal::new(32, 1), WAN_KWH).unwrap(); // 3.2 万千瓦时
    /// assert_eq!(q.in_unit(MWH).unwrap().value.to_string(), "32");
    /// ```
    pub fn new(value: Decimal, unit: Unit<D>) -> Result<Self, CalcError> {
        Ok(Self::from_base(decimal::mul(value, unit.scale)?))
    }

    /// A quantity from a value already in the base unit.
    pub fn from_base(base: Decimal) -> Self {
        Qty {
            base,
            _d: PhantomData,
        }
    }

    /// The value in the base unit of `D`.
    pub fn base(self) -> Decimal {
        self.base
    }

    /// The value expressed in `unit` (one division; flagged when not exact).
    pub fn in_unit(self, unit: Unit<D>) -> Result<decimal::Quotient, CalcError> {
        decimal::div(self.base, unit.scale)
    }

    /// Exact sum.
    pub fn checked_add(self, rhs: Self) -> Result<Self, CalcError> {
        Ok(Self::from_base(decimal::add(self.base, rhs.base)?))
    }

    /// Exact difference.
    pub fn checked_sub(self, rhs: Self) -> Result<Self, CalcError> {
        Ok(Self::from_base(decimal::sub(self.base, rhs.base)?))
    }

    /// Scales by a pure number (an equity share, a recycled fraction), exactly.
    pub fn scale_by(self, k: Decimal) -> Result<Self, CalcError> {
        Ok(Self::from_base(decimal::mul(self.base, k)?))
    }

    /// Applies a factor per `D`, giving a quantity of `N`: multiply first, divide once.
    ///
    /// ```
    /// use carbonledger::units::{Qty, Factor, Energy, Co2e, KWH, KG_CO2E};
    /// use rust_decimal::Decimal;
    /// let e = Qty::<Energy>::new("1234.5".parse().unwrap(), KWH).unwrap();
    /// let ef = Factor::<Co2e, Energy>::new("0.5703".parse().unwrap(), KG_CO2E, KWH).unwrap();
    /// let out = e.apply(ef).unwrap();
    /// assert_eq!(out.qty.in_unit(KG_CO2E).unwrap().value.to_string(), "704.03535");
    /// assert!(out.exact);
    /// ```
    pub fn apply<N: Dim>(self, f: Factor<N, D>) -> Result<Applied<N>, CalcError> {
        let product = decimal::mul(self.base, f.num)?;
        if f.per == Decimal::ONE {
            return Ok(Applied {
                qty: Qty::from_base(product),
                exact: true,
            });
        }
        let q = decimal::div(product, f.per)?;
        Ok(Applied {
            qty: Qty::from_base(q.rounded(decimal::LINE_DP)),
            exact: q.exact,
        })
    }

    /// Forgets the compile-time dimension, for storage beside run-time data.
    pub fn erase(self) -> AnyQty {
        AnyQty {
            kind: D::KIND,
            base: self.base,
        }
    }
}

impl Qty<Mass> {
    /// Transport activity: mass × distance.
    pub fn times_distance(self, d: Qty<Distance>) -> Result<Qty<MassDistance>, CalcError> {
        Ok(Qty::from_base(decimal::mul(self.base, d.base)?))
    }
}

/// A quantity whose dimension is known only at run time (read from a CSV unit column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnyQty {
    /// The dimension.
    pub kind: DimKind,
    /// The value in the dimension's base unit.
    pub base: Decimal,
}

impl AnyQty {
    /// Narrows to a typed quantity, or reports the dimension found.
    pub fn typed<D: Dim>(self) -> Result<Qty<D>, DimKind> {
        if self.kind == D::KIND {
            Ok(Qty::from_base(self.base))
        } else {
            Err(self.kind)
        }
    }
}

/// A factor: so many `N` per `D`, held as an exact ratio `num / per` of base units, so that
/// building it never divides (0.5703 kg CO2e/kWh is 0.5703 kg per 3600000 J).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Factor<N: Dim, D: Dim> {
    num: Decimal,
    per: Decimal,
    _d: PhantomData<(N, D)>,
}

impl<N: Dim, D: Dim> fmt::Debug for Factor<N, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} per {} {}",
            self.num,
            N::KIND.base_symbol(),
            self.per,
            D::KIND.base_symbol()
        )
    }
}

impl<N: Dim, D: Dim> Factor<N, D> {
    /// `value` `num`-units per `den`-unit.
    pub fn new(value: Decimal, num: Unit<N>, den: Unit<D>) -> Result<Self, CalcError> {
        Self::from_ratio(decimal::mul(value, num.scale)?, den.scale)
    }

    /// A factor from base-unit numerator and denominator; simplified when the ratio is exact.
    pub fn from_ratio(num: Decimal, per: Decimal) -> Result<Self, CalcError> {
        if per.is_zero() {
            return Err(CalcError::DivisionByZero { a: num });
        }
        let q = decimal::div(num, per)?;
        let (num, per) = if q.exact {
            (q.value, Decimal::ONE)
        } else {
            (num, per)
        };
        Ok(Factor {
            num,
            per,
            _d: PhantomData,
        })
    }

    /// The factor expressed as `num`-units per `den`-unit.
    pub fn value_in(self, num: Unit<N>, den: Unit<D>) -> Result<decimal::Quotient, CalcError> {
        decimal::div(
            decimal::mul(self.num, den.scale)?,
            decimal::mul(self.per, num.scale)?,
        )
    }

    /// Numerator in base units of `N`.
    pub fn num(&self) -> Decimal {
        self.num
    }
    /// Denominator in base units of `D`.
    pub fn per(&self) -> Decimal {
        self.per
    }
}

impl<N: Dim, M: Dim> Factor<N, M> {
    /// Chains two factors: (N per M) then (M per D) gives N per D, exactly.
    ///
    /// ```
    /// use carbonledger::units::{Factor, GasMass, Energy, Mass, KG, TJ, GJ, T};
    /// use rust_decimal::Decimal;
    /// // 56100 kg CO2/TJ × 48.0 GJ/t = 2692.8 kg CO2/t (IPCC 2006, natural gas)
    /// let ef = Factor::<GasMass, Energy>::new(Decimal::from(56100), KG.gas(), TJ).unwrap();
    /// let ncv = Factor::<Energy, Mass>::new("48.0".parse().unwrap(), GJ, T).unwrap();
    /// let per_t = ef.chain(ncv).unwrap();
    /// assert_eq!(per_t.value_in(KG.gas(), T).unwrap().value.normalize().to_string(), "2692.8");
    /// ```
    pub fn chain<D: Dim>(self, inner: Factor<M, D>) -> Result<Factor<N, D>, CalcError> {
        Factor::from_ratio(
            decimal::mul(self.num, inner.num)?,
            decimal::mul(self.per, inner.per)?,
        )
    }
}

impl Unit<Mass> {
    /// The same mass unit, measuring a named gas (`kg` → `kg` of CO2, CH4, …).
    pub const fn gas(self) -> Unit<super::dim::GasMass> {
        Unit::new(self.symbol, self.scale)
    }
    /// The same mass unit, measuring CO2-equivalent.
    pub const fn co2e(self) -> Unit<super::dim::Co2e> {
        Unit::new(self.symbol, self.scale)
    }
}
