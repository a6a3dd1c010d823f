//! Dimensions: a closed set of zero-sized marker types, one per physical kind we calculate with.
//! Only this file names dimensions; it holds no numbers.

use std::fmt;

/// The run-time tag of a dimension, used where units arrive as text (CSV, factor files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DimKind {
    /// Energy; base unit joule (J).
    Energy,
    /// Mass of a material or fuel; base unit kilogram (kg).
    Mass,
    /// Volume; base unit cubic metre (m3).
    Volume,
    /// Distance; base unit metre (m).
    Distance,
    /// Transport activity, mass × distance; base unit kilogram-metre (kg·m).
    MassDistance,
    /// Container transport activity, twenty-foot equivalent units × distance; base unit TEU·m.
    TeuDistance,
    /// Standard-coal equivalent (GB/T 2589); base unit kilogram of standard coal (kgce).
    CoalEquivalent,
    /// Mass of one named greenhouse gas (CO2, CH4, N2O, a refrigerant); base unit kg of that gas.
    GasMass,
    /// Carbon-dioxide equivalent; base unit kg CO2e.
    Co2e,
    /// A pure number (a share, a percentage); base unit 1.
    Ratio,
    /// Passenger transport, passengers × distance; base unit passenger-metre.
    PassengerDistance,
    /// Hotel stays; base unit one room for one night.
    RoomNight,
    /// Items bought, sold or handled; base unit one item.
    Count,
    /// Floor or land area (a leased floor, a shop); base unit square metre (m2).
    Area,
    /// An amount of money. Every currency is its own unit of scale 1 and amounts are never
    /// converted between currencies: each use compares the currency symbols (a spend factor
    /// per GBP on a row in USD is refused, not converted 1:1).
    Money,
}

impl DimKind {
    /// Every dimension, in a stable order.
    pub const ALL: [DimKind; 15] = [
        DimKind::Energy,
        DimKind::Mass,
        DimKind::Volume,
        DimKind::Distance,
        DimKind::MassDistance,
        DimKind::TeuDistance,
        DimKind::CoalEquivalent,
        DimKind::GasMass,
        DimKind::Co2e,
        DimKind::Ratio,
        DimKind::PassengerDistance,
        DimKind::RoomNight,
        DimKind::Count,
        DimKind::Area,
        DimKind::Money,
    ];

    /// A short lowercase name for messages.
    pub fn name(self) -> &'static str {
        match self {
            DimKind::Energy => "energy",
            DimKind::Mass => "mass",
            DimKind::Volume => "volume",
            DimKind::Distance => "distance",
            DimKind::MassDistance => "mass × distance",
            DimKind::TeuDistance => "TEU × distance",
            DimKind::CoalEquivalent => "standard-coal equivalent",
            DimKind::GasMass => "mass of a gas",
            DimKind::Co2e => "CO2-equivalent",
            DimKind::Ratio => "ratio",
            DimKind::PassengerDistance => "passenger × distance",
            DimKind::RoomNight => "room-nights",
            DimKind::Count => "items",
            DimKind::Area => "area",
            DimKind::Money => "money",
        }
    }

    /// The symbol of the base unit values of this dimension are held in.
    pub fn base_symbol(self) -> &'static str {
        match self {
            DimKind::Energy => "J",
            DimKind::Mass | DimKind::GasMass => "kg",
            DimKind::Volume => "m3",
            DimKind::Distance => "m",
            DimKind::MassDistance => "kg·m",
            DimKind::TeuDistance => "TEU·m",
            DimKind::CoalEquivalent => "kgce",
            DimKind::Co2e => "kg CO2e",
            DimKind::Ratio => "1",
            DimKind::PassengerDistance => "passenger·m",
            DimKind::RoomNight => "room_night",
            DimKind::Count => "item",
            DimKind::Area => "m2",
            DimKind::Money => "(currency)",
        }
    }
}

impl fmt::Display for DimKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A compile-time dimension. Implemented only by the marker types below.
pub trait Dim: Copy + Eq + fmt::Debug + 'static {
    /// The run-time tag of this dimension.
    const KIND: DimKind;
}

macro_rules! dims {
    ($($(#[$doc:meta])* $name:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {}
        impl Dim for $name { const KIND: DimKind = DimKind::$kind; }
    )*};
}

dims! {
    /// Energy (J).
    Energy => Energy;
    /// Mass of a material or fuel (kg).
    Mass => Mass;
    /// Volume (m3).
    Volume => Volume;
    /// Distance (m).
    Distance => Distance;
    /// Mass × distance (kg·m); tonne-km is 10^6 of these.
    MassDistance => MassDistance;
    /// TEU × distance (TEU·m); TEU-km is 10^3 of these.
    TeuDistance => TeuDistance;
    /// Standard-coal equivalent (kgce).
    CoalEquivalent => CoalEquivalent;
    /// Mass of a named gas (kg). The gas itself is data carried beside the quantity.
    GasMass => GasMass;
    /// CO2-equivalent (kg CO2e).
    Co2e => Co2e;
    /// A pure number.
    Ratio => Ratio;
    /// Passengers × distance (passenger·m); passenger-km is 10^3 of these.
    PassengerDistance => PassengerDistance;
    /// Room-nights.
    RoomNight => RoomNight;
    /// Items.
    Count => Count;
    /// Money, in one currency (never converted).
    Money => Money;
}
