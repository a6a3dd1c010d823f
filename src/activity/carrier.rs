//! Energy carriers: what a row of `energy.csv` consumed, the scope that follows from it, the
//! units it may be measured in, and the fuel key it is known by in the factor sets.

use crate::units::DimKind;
use std::fmt;

/// GHG Protocol scope of a calculation line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Direct emissions: fuels burnt on site, refrigerant releases.
    Scope1,
    /// Indirect emissions from purchased electricity, heat and steam.
    Scope2,
    /// Other indirect emissions: here the fuel- and energy-related activities (category 3)
    /// that an energy row also yields. Never counted in scope 1 or 2, nor in energy.
    Scope3,
}

/// An energy carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Carrier {
    /// Purchased electricity (scope 2).
    Electricity,
    /// Purchased heat / hot water (scope 2).
    Heat,
    /// Purchased steam (scope 2).
    Steam,
    /// Natural gas burnt on site (scope 1).
    NaturalGas,
    /// Diesel / gas oil (scope 1).
    Diesel,
    /// Motor gasoline (scope 1).
    Gasoline,
    /// Liquefied petroleum gas (scope 1).
    Lpg,
    /// Residual fuel oil (scope 1).
    FuelOil,
    /// Jet kerosene (scope 1).
    JetKerosene,
    /// Bituminous coal (scope 1).
    Coal,
    /// Kerosene for heating, "burning oil" (scope 1).
    Kerosene,
    /// Propane (scope 1).
    Propane,
    /// Compressed natural gas, as a vehicle fuel (scope 1).
    Cng,
    /// Liquefied natural gas (scope 1).
    Lng,
    /// Raw coal, 原煤, as China's statistics count it (scope 1).
    RawCoal,
    /// Coke, 焦炭 (scope 1).
    Coke,
    /// Coke-oven gas, 焦炉煤气 (scope 1).
    CokeOvenGas,
    /// Solid biomass, 生物质: wood chips (CH4 and N2O in scope 1, its CO2 biogenic).
    Biomass,
    /// Biogas, 沼气 (CH4 and N2O in scope 1, its CO2 biogenic).
    Biogas,
    /// Biodiesel (100%), 生物柴油 (CH4 and N2O in scope 1, its CO2 biogenic).
    Biodiesel,
    /// Bioethanol (100%), 燃料乙醇 (CH4 and N2O in scope 1, its CO2 biogenic).
    Bioethanol,
    /// Diesel with 7% biodiesel by volume (B7, the EN 590 maximum): its fossil and biogenic
    /// parts are priced apart (see [`Carrier::blend`]).
    DieselB7,
    /// Diesel with 20% biodiesel by volume (B20).
    DieselB20,
    /// Petrol with 10% ethanol by volume (E10, the EN 228 maximum).
    PetrolE10,
}

/// A fuel blend: a fossil fuel and a biofuel mixed in a stated share by volume. Each part is
/// priced as its own fuel on its share of the row's volume, so that the biofuel's CO2 is
/// biogenic (outside the scopes) and its CH4 and N2O count in scope 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blend {
    /// The fossil part.
    pub fossil: Carrier,
    /// The names the sets give the fossil part, pure (DESNZ's "100% mineral" first: its plain
    /// diesel and petrol already hold the UK's average biofuel share).
    pub fossil_keys: &'static [&'static str],
    /// The biofuel part.
    pub bio: Carrier,
    /// The biofuel's share of the volume, in percent (the number in the blend's name).
    pub bio_pct: u8,
}

impl Carrier {
    /// Every carrier, in report order.
    pub const ALL: [Carrier; 24] = [
        Carrier::Electricity,
        Carrier::Heat,
        Carrier::Steam,
        Carrier::NaturalGas,
        Carrier::Diesel,
        Carrier::Gasoline,
        Carrier::Lpg,
        Carrier::FuelOil,
        Carrier::JetKerosene,
        Carrier::Coal,
        Carrier::Kerosene,
        Carrier::Propane,
        Carrier::Cng,
        Carrier::Lng,
        Carrier::RawCoal,
        Carrier::Coke,
        Carrier::CokeOvenGas,
        Carrier::Biomass,
        Carrier::Biogas,
        Carrier::Biodiesel,
        Carrier::Bioethanol,
        Carrier::DieselB7,
        Carrier::DieselB20,
        Carrier::PetrolE10,
    ];

    /// The canonical name used in files and figure names.
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Electricity => "electricity",
            Carrier::Heat => "heat",
            Carrier::Steam => "steam",
            Carrier::NaturalGas => "natural_gas",
            Carrier::Diesel => "diesel",
            Carrier::Gasoline => "gasoline",
            Carrier::Lpg => "lpg",
            Carrier::FuelOil => "fuel_oil",
            Carrier::JetKerosene => "jet_kerosene",
            Carrier::Coal => "coal",
            Carrier::Kerosene => "kerosene",
            Carrier::Propane => "propane",
            Carrier::Cng => "cng",
            Carrier::Lng => "lng",
            Carrier::RawCoal => "raw_coal",
            Carrier::Coke => "coke",
            Carrier::CokeOvenGas => "coke_oven_gas",
            Carrier::Biomass => "biomass",
            Carrier::Biogas => "biogas",
            Carrier::Biodiesel => "biodiesel",
            Carrier::Bioethanol => "bioethanol",
            Carrier::DieselB7 => "diesel_b7",
            Carrier::DieselB20 => "diesel_b20",
            Carrier::PetrolE10 => "petrol_e10",
        }
    }

    /// Accepted spellings besides the canonical name (Chinese exports use these).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Carrier::Electricity => &["电力", "电", "purchased_electricity"],
            Carrier::Heat => &["热力", "purchased_heat", "hot_water"],
            Carrier::Steam => &["蒸汽", "purchased_steam"],
            Carrier::NaturalGas => &["天然气", "natural gas", "gas"],
            Carrier::Diesel => &["柴油", "gas_oil", "gas/diesel oil"],
            Carrier::Gasoline => &["汽油", "petrol", "motor_gasoline"],
            Carrier::Lpg => &["液化石油气", "LPG"],
            Carrier::FuelOil => &["燃料油", "residual_fuel_oil", "heavy_fuel_oil"],
            Carrier::JetKerosene => &["航空煤油", "jet_fuel", "aviation_turbine_fuel"],
            Carrier::Coal => &["煤", "烟煤", "bituminous_coal"],
            Carrier::Kerosene => &["煤油", "burning_oil", "heating_kerosene"],
            Carrier::Propane => &["丙烷", "propane_gas"],
            Carrier::Cng => &["压缩天然气", "CNG", "compressed_natural_gas"],
            Carrier::Lng => &["液化天然气", "LNG", "liquefied_natural_gas"],
            Carrier::RawCoal => &["原煤"],
            Carrier::Coke => &["焦炭", "coal_coke"],
            Carrier::CokeOvenGas => &["焦炉煤气", "coke oven gas"],
            Carrier::Biomass => &["生物质", "wood_chips", "wood chips"],
            Carrier::Biogas => &["沼气"],
            Carrier::Biodiesel => &["生物柴油", "B100"],
            Carrier::Bioethanol => &["燃料乙醇", "ethanol", "E100"],
            Carrier::DieselB7 => &["B7"],
            Carrier::DieselB20 => &["B20"],
            Carrier::PetrolE10 => &["E10", "乙醇汽油"],
        }
    }

    /// Parses a carrier name or alias.
    pub fn parse(s: &str) -> Option<Carrier> {
        let s = s.trim();
        Carrier::ALL
            .into_iter()
            .find(|c| c.name() == s || c.aliases().contains(&s))
    }

    /// The scope its consumption falls in.
    pub fn scope(self) -> Scope {
        match self {
            Carrier::Electricity | Carrier::Heat | Carrier::Steam => Scope::Scope2,
            _ => Scope::Scope1,
        }
    }

    /// True for biomass and biofuels, whose combustion CO2 is biogenic (outside the scopes).
    pub fn is_biogenic(self) -> bool {
        matches!(
            self,
            Carrier::Biomass | Carrier::Biogas | Carrier::Biodiesel | Carrier::Bioethanol
        )
    }

    /// The parts of a blend (B7, B20, E10), by volume.
    pub fn blend(self) -> Option<Blend> {
        const DIESEL: &[&str] = &[
            "diesel_mineral",
            "diesel",
            "diesel_fuel",
            "distillate_fuel_oil_no_2",
        ];
        const PETROL: &[&str] = &["petrol_mineral", "gasoline", "petrol", "motor_gasoline"];
        let (fossil, fossil_keys, bio, bio_pct) = match self {
            Carrier::DieselB7 => (Carrier::Diesel, DIESEL, Carrier::Biodiesel, 7),
            Carrier::DieselB20 => (Carrier::Diesel, DIESEL, Carrier::Biodiesel, 20),
            Carrier::PetrolE10 => (Carrier::Gasoline, PETROL, Carrier::Bioethanol, 10),
            _ => return None,
        };
        Some(Blend {
            fossil,
            fossil_keys,
            bio,
            bio_pct,
        })
    }

    /// True for fuels burnt on site.
    pub fn is_fuel(self) -> bool {
        self.scope() == Scope::Scope1
    }

    /// The dimensions a quantity of this carrier may be given in.
    pub fn allowed_dims(self) -> &'static [DimKind] {
        match self {
            Carrier::Electricity | Carrier::Heat => &[DimKind::Energy],
            // Steam is billed in tonnes; its energy then needs the steam's enthalpy.
            Carrier::Steam => &[DimKind::Energy, DimKind::Mass],
            // A blend's shares are by volume.
            Carrier::DieselB7 | Carrier::DieselB20 | Carrier::PetrolE10 => &[DimKind::Volume],
            _ => &[DimKind::Energy, DimKind::Mass, DimKind::Volume],
        }
    }

    /// The fuel key in combustion factor sets (`<fuel>.co2`, `<fuel>.ncv`), for fuels.
    pub fn fuel_key(self) -> Option<&'static str> {
        self.factor_keys().first().copied()
    }

    /// The names the factor sets give this fuel, in the order they are tried: the IPCC's,
    /// then DESNZ's and US EPA's own spellings (`petrol`, `motor_gasoline`,
    /// `distillate_fuel_oil_no_2`), so that a national set's keys are used as published.
    pub fn factor_keys(self) -> &'static [&'static str] {
        match self {
            Carrier::NaturalGas => &["natural_gas"],
            Carrier::Diesel => &["diesel", "diesel_fuel", "distillate_fuel_oil_no_2"],
            Carrier::Gasoline => &["gasoline", "petrol", "motor_gasoline"],
            Carrier::Lpg => &["lpg", "liquefied_petroleum_gases_lpg"],
            Carrier::FuelOil => &["fuel_oil", "residual_fuel_oil_no_6", "residual_fuel_oil"],
            Carrier::JetKerosene => &[
                "jet_kerosene",
                "aviation_turbine_fuel",
                "kerosene_type_jet_fuel",
            ],
            Carrier::Coal => &["bituminous_coal", "coal_industrial", "bituminous"],
            Carrier::Kerosene => &["kerosene", "burning_oil"],
            Carrier::Propane => &["propane", "propane_gas"],
            Carrier::Cng => &["cng", "compressed_natural_gas_cng"],
            Carrier::Lng => &["lng", "liquefied_natural_gas_lng"],
            Carrier::RawCoal => &["raw_coal"],
            Carrier::Coke => &["coke", "coal_coke"],
            Carrier::CokeOvenGas => &["coke_oven_gas"],
            // DESNZ's and the EPA Hub's names (wood chips, biodiesel ME, ethanol 100%).
            Carrier::Biomass => &["biomass", "wood_chips", "wood_and_wood_residuals"],
            Carrier::Biogas => &["biogas", "other_biomass_gases"],
            Carrier::Biodiesel => &["biodiesel", "biodiesel_me", "biodiesel_100pct"],
            Carrier::Bioethanol => &["bioethanol", "ethanol_100pct"],
            // A blend is priced through its parts' names (`Carrier::blend`).
            Carrier::Electricity
            | Carrier::Heat
            | Carrier::Steam
            | Carrier::DieselB7
            | Carrier::DieselB20
            | Carrier::PetrolE10 => &[],
        }
    }

    /// The names its calorific value (per mass or volume) is published under: a fuel's
    /// factor keys, and `steam` for steam billed in tonnes (`steam.enthalpy`).
    pub fn calorific_keys(self) -> &'static [&'static str] {
        match self {
            Carrier::Steam => &["steam"],
            other => other.factor_keys(),
        }
    }

    /// The key of its standard-coal coefficient in a coal-equivalent set (GB/T 2589).
    pub fn coal_equivalent_key(self) -> &'static str {
        match self {
            Carrier::Coal => "raw_coal",
            other => other.name(),
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Scope1 => "scope 1",
            Scope::Scope2 => "scope 2",
            Scope::Scope3 => "scope 3",
        })
    }
}
