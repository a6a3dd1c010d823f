//! ISO 22628 (GB/T 19515) end-of-life routes and the recyclability and recoverability rates.
//! Knows only masses and routes; never reads files or factors.
//!
//! The standard assigns every part of the vehicle, by mass, to the step of end-of-life
//! treatment that takes it: pre-treatment (mP: fluids, batteries, tyres, …), dismantling for
//! reuse or recycling (mD), metal separation after shredding (mM), and the non-metallic residue,
//! either recycled (mTr) or used for energy recovery (mTe). Then, with mV the vehicle mass:
//!
//! ```text
//! Rcyc = (mP + mD + mM + mTr) / mV × 100
//! Rcov = (mP + mD + mM + mTr + mTe) / mV × 100
//! ```
//!
//! Whatever takes none of these routes (residue landfilled) counts in mV only.

use crate::decimal::{self, CalcError, Quotient};
use rust_decimal::Decimal;

/// The end-of-life route of one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Route {
    /// Pre-treatment: removed first (fluids, batteries, tyres, filters, …). Term mP.
    Pretreatment,
    /// Dismantled for reuse or recycling. Term mD.
    Dismantling,
    /// Metals separated from the shredded hulk. Term mM.
    MetalSeparation,
    /// Non-metallic shredder residue that is recycled. Term mTr.
    ResidueRecycling,
    /// Non-metallic residue used for energy recovery. Term mTe.
    EnergyRecovery,
    /// Disposed of (landfill): counts in mV only.
    Disposal,
}

impl Route {
    /// Every route, in the standard's order.
    pub const ALL: [Route; 6] = [
        Route::Pretreatment,
        Route::Dismantling,
        Route::MetalSeparation,
        Route::ResidueRecycling,
        Route::EnergyRecovery,
        Route::Disposal,
    ];

    /// The name used in `bom.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Route::Pretreatment => "pretreatment",
            Route::Dismantling => "dismantling",
            Route::MetalSeparation => "metal_separation",
            Route::ResidueRecycling => "residue_recycling",
            Route::EnergyRecovery => "energy_recovery",
            Route::Disposal => "disposal",
        }
    }

    /// The standard's symbol for the mass on this route.
    pub fn term(self) -> &'static str {
        match self {
            Route::Pretreatment => "mP",
            Route::Dismantling => "mD",
            Route::MetalSeparation => "mM",
            Route::ResidueRecycling => "mTr",
            Route::EnergyRecovery => "mTe",
            Route::Disposal => "disposed",
        }
    }

    /// The figure-name suffix of the mass on this route (`product.<id>.iso22628.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Route::Pretreatment => "m_p",
            Route::Dismantling => "m_d",
            Route::MetalSeparation => "m_m",
            Route::ResidueRecycling => "m_tr",
            Route::EnergyRecovery => "m_te",
            Route::Disposal => "disposed",
        }
    }

    /// Whether the mass counts towards the recyclability rate (mP, mD, mM, mTr).
    pub fn recyclable(self) -> bool {
        matches!(
            self,
            Route::Pretreatment
                | Route::Dismantling
                | Route::MetalSeparation
                | Route::ResidueRecycling
        )
    }

    /// Whether the mass counts towards the recoverability rate (also mTe).
    pub fn recoverable(self) -> bool {
        self.recyclable() || self == Route::EnergyRecovery
    }

    /// Parses a route as written in `bom.csv` (English or Chinese).
    pub fn parse(s: &str) -> Option<Route> {
        match s {
            "pretreatment" | "pre-treatment" | "预处理" => Some(Route::Pretreatment),
            "dismantling" | "拆解" => Some(Route::Dismantling),
            "metal_separation" | "金属分离" => Some(Route::MetalSeparation),
            "residue_recycling" | "非金属残余物回收" | "残余物回收" => {
                Some(Route::ResidueRecycling)
            }
            "energy_recovery" | "能量回收" => Some(Route::EnergyRecovery),
            "disposal" | "landfill" | "填埋" => Some(Route::Disposal),
            _ => None,
        }
    }
}

/// The two rates, in percent, from the mass on each route (in any one mass unit).
///
/// ```
/// use carbonledger::products::{rates, Route};
/// use rust_decimal::Decimal;
/// let m = |v: i64| Decimal::from(v);
/// // 100 kg: 10 pre-treated, 20 dismantled, 50 metal, 5 residue recycled, 10 energy, 5 landfill
/// let parts = [(Route::Pretreatment, m(10)), (Route::Dismantling, m(20)),
///     (Route::MetalSeparation, m(50)), (Route::ResidueRecycling, m(5)),
///     (Route::EnergyRecovery, m(10)), (Route::Disposal, m(5))];
/// let (rcyc, rcov) = rates(&parts).unwrap();
/// assert_eq!((rcyc.value, rcov.value), (m(85), m(95)));
/// ```
pub fn rates(parts: &[(Route, Decimal)]) -> Result<(Quotient, Quotient), CalcError> {
    let mut total = Decimal::ZERO;
    let mut cyc = Decimal::ZERO;
    let mut cov = Decimal::ZERO;
    for (r, m) in parts {
        total = decimal::add(total, *m)?;
        if r.recyclable() {
            cyc = decimal::add(cyc, *m)?;
        }
        if r.recoverable() {
            cov = decimal::add(cov, *m)?;
        }
    }
    let pct = |x: Decimal| decimal::div(decimal::mul(x, Decimal::ONE_HUNDRED)?, total);
    Ok((pct(cyc)?, pct(cov)?))
}
