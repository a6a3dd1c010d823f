//! Commented templates of every project file, written by `carbonledger init`. The templates
//! form a small valid project, so `check` passes on a fresh one.

use std::path::{Path, PathBuf};

/// The template files: (name, contents).
pub const TEMPLATES: [(&str, &str); 5] = [
    ("carbonledger.toml", MANIFEST),
    ("facilities.csv", FACILITIES),
    ("energy.csv", ENERGY),
    ("fugitive.csv", FUGITIVE),
    ("shipments.csv", SHIPMENTS),
];

const MANIFEST: &str = r#"# carbonledger project manifest.
organisation = "Example Co."
# Years computed; the change of each year against the previous one is reported.
reporting_years = [2024, 2025]
# Base year for the recalculation policy.
base_year = 2024
# operational_control | financial_control | equity_share (GHG Protocol Corporate Standard ch. 3)
consolidation = "operational_control"
# Base-year recalculation significance threshold (default 5%).
significance_threshold = "5%"

[rounding]
# How figures are rounded when presented (never inside a calculation):
# half_away_from_zero (default, the spreadsheet ROUND rule) | half_even (GB/T 8170)
rule = "half_away_from_zero"

[factors]
# Which factor set serves each activity family. Run `carbonledger factors list` for the library.
fuel_emissions = "ipcc-2006"           # <fuel>.co2 / .ch4 / .n2o per energy
calorific_values = ["ipcc-2006"]       # searched in order for <fuel>.ncv matching the row's unit
coal_equivalent = "gbt-2589"           # standard-coal coefficients
gwp = "ipcc-gwp"                       # global warming potentials
purchased_heat = "gbt-32150:heat"      # SET:KEY for purchased heat and steam

# Which edition of each set applies to each year. A set left out falls back to its nearest
# edition (reported; refused with --strict).
[years.2024.editions]
cn-mee-grid = "2022"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
gbt-32150 = "2025"

[years.2025.editions]
cn-mee-grid = "2023"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
gbt-32150 = "2025"
desnz = "2025"                         # freight intensities (shipments.csv)
iso-14083 = "2023"                     # freight distance rules
icao-corsia = "default-values"         # SAF life-cycle values

# Freight (shipments.csv). radiative_forcing has no default: air legs are refused until you
# choose. true = DESNZ "with RF" air intensities (non-CO2 effects included); false = without
# (ISO 14083 reports non-CO2 effects separately). The choice is printed with every air leg.
[freight]
radiative_forcing = false
category = 4                           # scope 3 category: 4 (upstream) or 9 (downstream)
intensities = "desnz"                  # set of the default intensity per mode
"#;

const FACILITIES: &str = "# The organisational boundary: one row per facility.
# id: used by the activity files; name; country: ISO 3166 code;
# grid: the grid factor of its electricity as SET:KEY (the manifest picks the edition per year),
#   e.g. cn-mee-grid:north (华北), :northeast, :east, :central, :northwest, :south, :southwest, :national;
# equity_share_pct: 0-100 (used under equity_share consolidation; default 100);
# operational_control, financial_control: yes/no (default yes).
id,name,country,grid,equity_share_pct,operational_control,financial_control
PLANT-1,Example plant,CN,cn-mee-grid:east,100,yes,yes
";

const ENERGY: &str = "# Energy consumed, one row per facility, period and carrier (or per invoice/meter with a ref).
# period: 2025, 2025-Q1 or 2025-03. carrier: electricity, heat, steam (scope 2);
#   natural_gas, diesel, gasoline, lpg, fuel_oil, jet_kerosene, coal (scope 1). Chinese names work too (电力, 天然气, 柴油 …).
# quantity: a plain decimal (no thousands separators). unit: kWh, MWh, 万千瓦时, GJ, t, 吨, …
# factor: optional explicit factor SET@EDITION:KEY or SET:KEY. ref: optional invoice or meter id (tells
#   legitimate repeats apart from duplicates). note: free text.
facility,period,carrier,quantity,unit,factor,ref,note
PLANT-1,2024,electricity,1200,MWh,,,
PLANT-1,2025,electricity,1100,MWh,,,
PLANT-1,2025,diesel,2.5,t,,,backup generator
";

const FUGITIVE: &str =
    "# Refrigerant and other gas releases (scope 1), e.g. from top-ups: mass x GWP.
# gas: HFC-134a, HFC-32, R-410A, R-404A, SF6, NF3, … unit: kg or t.
facility,period,gas,quantity,unit,ref,note
PLANT-1,2025,R-410A,3.2,kg,,chiller top-up
";

const SHIPMENTS: &str = "# Freight, one row per leg of a shipment (ISO 14083). Required: shipment, leg (1, 2, …),
# period, mass + mass_unit, mode (air, sea_container, sea_bulk, rail, road, inland_waterway),
# origin, destination, and either distance + distance_unit (km, mi, nmi) or the coordinates of
# both ends in decimal degrees (great-circle distance; + 95 km for air, x 1.05 road, x 1.15 sea
# unless the intensity already includes the adjustment).
# baseline_mode (+ baseline_distance, or coordinates for air): the mode shift's counterfactual,
#   reported as avoided.logistics.mode_shift(.<lane>); lane defaults to <baseline>_to_<mode>.
# saf_share_pct + saf_fuel (air only): percent SAF in the fuel and its cited life-cycle value,
#   e.g. icao-corsia:hefa.uco. factor: an explicit intensity SET:KEY (see README, Freight).
# cargo_per_teu + unit: needed when the intensity is per TEU-km.
shipment,leg,period,mass,mass_unit,mode,origin,destination,distance,distance_unit,origin_lat,origin_lon,destination_lat,destination_lon,baseline_mode,baseline_distance,baseline_distance_unit,lane,saf_share_pct,saf_fuel,factor,cargo_per_teu,cargo_per_teu_unit,note
S-1,1,2025,12,t,sea_container,Shanghai,Rotterdam,10500,nmi,31.1443,121.8083,52.3086,4.7639,air,,,,,,,,,air counterfactual between the airports
S-1,2,2025,12,t,road,Rotterdam,Warehouse,105,km,,,,,,,,,,,,,,
";

/// Writes the templates into `dir` (created if needed). Refuses to overwrite any file.
pub fn write_templates(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let existing: Vec<String> = TEMPLATES
        .iter()
        .filter(|(n, _)| dir.join(n).exists())
        .map(|(n, _)| n.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} already exist{} in {}; nothing written",
                existing.join(", "),
                if existing.len() == 1 { "s" } else { "" },
                dir.display()
            ),
        ));
    }
    let mut out = Vec::new();
    for (name, text) in TEMPLATES {
        let p = dir.join(name);
        std::fs::write(&p, text)?;
        out.push(p);
    }
    Ok(out)
}
