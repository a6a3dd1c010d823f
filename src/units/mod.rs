//! Units and quantities: compile-time dimensions over exact decimals (`dim`, `qty`) and the
//! run-time table that turns unit text into typed units (`registry`).

mod dim;
mod qty;
mod registry;

pub use dim::{
    Co2e, CoalEquivalent, Count, Dim, DimKind, Distance, Energy, GasMass, Mass, MassDistance,
    Money, PassengerDistance, Ratio, RoomNight, TeuDistance, Volume,
};
pub use qty::{AnyQty, Applied, Factor, Qty, Unit};
pub use registry::{
    lookup, lookup_kind, parse_factor_unit, AnyUnit, FactorUnit, UnitDef, UnitError, GJ, GWH, J,
    KG, KGCE, KG_CO2E, KG_GAS, KJ, KM, KWH, L, M3, MJ, MWH, ONE, PERCENT, T, TCE, TEUKM, TJ, TKM,
    T_CO2E, T_GAS, UNITS, WAN_KWH,
};
