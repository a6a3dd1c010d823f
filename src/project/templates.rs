//! Commented templates of every project file, written by `carbonledger init`. The templates
//! form a small valid project, so `check` passes on a fresh one.

use std::path::{Path, PathBuf};

/// The template files: (name, contents).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("carbonledger.toml", MANIFEST),
    ("facilities.csv", FACILITIES),
    ("facility_changes.csv", FACILITY_CHANGES),
    ("energy.csv", ENERGY),
    ("fugitive.csv", FUGITIVE),
    ("solar.csv", SOLAR),
    ("instruments.csv", INSTRUMENTS),
    ("abatement.csv", ABATEMENT),
    ("products.csv", PRODUCTS),
    ("bom.csv", BOM),
    ("product_stages.csv", PRODUCT_STAGES),
    ("claims.toml", CLAIMS),
    ("shipments.csv", SHIPMENTS),
    ("metrics.csv", METRICS),
    ("scope3.csv", SCOPE3),
];

const FACILITY_CHANGES: &str =
    "# Changes of a facility's equity share or control on a date (optional file).
# date: the first day of the new terms; a blank value keeps the value before (facilities.csv
# holds the terms before the first change). Rows of the activity files that span a change are
# split by days at it, each part under its own terms. e.g.
# PLANT-1,2025-07-01,80,,,a further 30% bought
facility,date,equity_share_pct,operational_control,financial_control,note
";

const METRICS: &str =
    "# Intensity denominators, one row per metric and reporting year (optional file).
# metric: a lower-case name (revenue, fte, production, floor_area); unit: a currency code with
# an optional scale (USD, EUR million, CNY billion) or FTE, employees, m2, ft2, t, kg, units, MWh,
# the same every year. Figures: metric.<name>, intensity.<name>.ghg_total_location,
# .ghg_total_market, .ghg_scope1 (t CO2e per unit), each with its change.
period,metric,value,unit,note
2025,revenue,120,USD million,net revenue as in the annual report
";

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
# First day of the reporting year (default 01-01: calendar years). With 04-01, 2025 is
# 2025-04-01..2026-03-31 (year_label = "start", the default) or 2024-04-01..2025-03-31 ("end").
# year_start = '04-01'
# Places a part of a row split by days is rounded to when its fraction does not terminate
# (the last part takes the remainder); without it such a row is refused.
# split_decimals = 3

# Where the energy (or fugitive) rows are when they are not energy.csv: a folder energy/ of
# CSV and Parquet files in its place is read as they are; elsewhere, a glob pattern.
# [inputs]
# energy = "lake/energy/**/*.parquet"

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

[renewables]
# The grid factor on-site solar and electricity savings displace: location (the facility's own
# grid factor) | residual_mix (what market-based scope 2 would charge for it).
displaced_grid = "location"
# Certificate vintage rule: generation from this many months before the consumption year (the
# reporting year: April-March under year_start = '04-01') to
# this many months after it (0 and 0: the same months).
vintage_months_before = 0
vintage_months_after = 0

[renewables.residual_mix]
# Residual-mix factor per market (ISO country code). China publishes no residual mix; MEE's
# national average excluding market-traded non-fossil electricity is the documented substitute.
CN = "cn-mee-grid:national_excl_market_nonfossil"

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
# operational_control, financial_control: yes/no (default yes);
# from, from_event: first day inside the boundary and acquisition | insourcing | opening (optional);
# to, to_event: last day inside and divestment | outsourcing | closure (optional);
# tags: NAME=VALUE; NAME=VALUE for breakdowns (`figures --by tag:NAME`).
id,name,country,grid,equity_share_pct,operational_control,financial_control,from,from_event,to,to_event,tags
PLANT-1,Example plant,CN,cn-mee-grid:east,100,yes,yes,,,,,business_unit=Operations
";

const ENERGY: &str = "# Energy consumed, one row per facility, period and carrier (or per invoice/meter with a ref).
# period: 2025, 2025-Q1, 2025-03, or a bill's days 2025-03-15..2025-04-14 (split by days). carrier: electricity, heat, steam (scope 2);
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

const SOLAR: &str =
    "# On-site generation, one row per facility and period. generated = self_consumed + exported,
# exactly. Self-consumed solar counts in energy consumed and renewable energy (no emissions) and
# avoids emissions at the displaced grid factor; exported solar counts in neither.
facility,period,generated,self_consumed,exported,unit,note
PLANT-1,2025,520,500,20,MWh,rooftop PV
";

const INSTRUMENTS: &str = "# Contractual instruments for market-based scope 2 (GHG Protocol Scope 2 Guidance).
# kind: green_power_trade (绿电交易) | ppa | gec (绿证) | i-rec | rec | supplier_specific (needs factor).
# market: ISO country code, must match the facility's. vintage: generation year or month
# (required for certificates). serials: `;`-separated, ranges FIRST..LAST, one per MWh.
# A facility may not claim more than it consumed in the year; a serial may be claimed once.
id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note
GEC-2025-1,gec,PLANT-1,2025,300,MWh,CN,2025,GEC2025X000001..GEC2025X000300,,green certificates
";

const ABATEMENT: &str =
    "# Energy-saving and abatement projects; avoided emissions are reported beside the inventory,
# never netted from it. kind: electricity_saved | heat_recovered | fuel_saved | supplier_renewable.
# displaces: electricity: empty (the [renewables] displaced_grid policy) or SET:KEY; heat/fuel: the
# fuel displaced (natural_gas, …); supplier_renewable: SET:KEY (required; facility may be empty).
# efficiency: heat_recovered only, of the boiler that would have made the heat (0.9 or 90%).
# status: realised (in avoided.total) | expected (in avoided.expected).
id,facility,period,kind,quantity,unit,displaces,efficiency,scope,status,note
heat-recovery,PLANT-1,2025,heat_recovered,900,GJ,natural_gas,0.9,scope1,realised,oven exhaust heat
";

const PRODUCTS: &str = "# Products whose cradle-to-grave footprint is assessed (optional file; with bom.csv and
# product_stages.csv). id: used in figure names (product.<id>.footprint): lowercase letters, digits, - and _.
# functional_unit: what the footprint is per, in words. year: the assessment year (a reporting year).
# facility: optional producing facility; manufacturing electricity without a factor uses its grid factor.
id,name,category,functional_unit,year,facility,note
kettle,Example kettle,small appliance,one kettle used 5 years,2025,PLANT-1,
";

const BOM: &str = "# Bill of materials, one row per component and material, per unit of product.
# mass + unit (g, kg, t). recycled_pct: recycled share of that mass, 0-100 (cut-off: (1-r) x primary + r x recycled).
# primary_factor / recycled_factor: per-mass factors SET:KEY or SET@EDITION:KEY (see `carbonledger factors show
#   desnz-materials@2025`); recycled_factor is required when recycled_pct > 0.
# eol_route (optional, ISO 22628 / GB/T 19515): pretreatment, dismantling, metal_separation, residue_recycling,
#   energy_recovery or disposal. Give it for every row of a product, or for none.
product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route,note
kettle,body,steel,0.6,kg,25,desnz-materials:steel.primary,desnz-materials:steel.closed_loop,metal_separation,
kettle,base,plastic,250,g,0,desnz-materials:plastics.pp.primary,,energy_recovery,
";

const PRODUCT_STAGES: &str = "# Life-cycle stages other than materials, per unit of product.
# stage: manufacturing (energy; no factor = the facility's grid), distribution (tkm x freight intensity),
#   use (quantity per year, with years = lifetime, x the grid factor of the use region), end_of_life (mass x factor).
product,stage,quantity,unit,years,factor,note
kettle,manufacturing,2.5,kWh,,,assembly electricity
kettle,distribution,0.9,tkm,,desnz@2025:freight.road.hgv,
kettle,use,90,kWh,5,cn-mee-grid:national,
kettle,end_of_life,0.85,kg,,desnz-materials:waste.weee_small.open_loop,
";

const CLAIMS: &str = r#"# Published claims to verify with `carbonledger verify` (optional file). Each claim quotes the
# published wording and names the figure that verifies it; `verify` says, per claim, whether
# the computed figure is consistent with the wording. See README.md `Claims`.
#
# publication: where the claims come from.  year: default year of every check.
publication = "Example Co. sustainability report 2025"
year = 2025

# One check, written inline:
#   figure    a figure name (`carbonledger figures` lists them), e.g. ghg.scope1
#   relation  over | at_least | about | at_most | exact | down_by | up_by
#   printed   the number as printed, with its unit and qualifier word: "约8,000吨", "2.64万吨",
#             "超 54,000 MWh", "↓7%", "38,333 GJ", "14.2%". The precision is read from the digits
#             (the last written digit; for `about`, trailing zeros of an integer count as
#             rounding: "约8,000" is at thousands); give `precision = "0.01"` (in the printed
#             unit) to override it.
[[claim]]
id = "electricity"
wording = "2025年外购电力1,100兆瓦时"
figure = "energy.by_carrier.electricity"
relation = "exact"
printed = "1,100兆瓦时"

# Several checks: one [[claim.check]] table each. `measure = "basis"` checks the activity a
# figure was computed from (the denominator of its implied factor) instead of its value.
[[claim]]
id = "electricity-change"
wording = "外购电力同比下降8%"
  [[claim.check]]
  figure = "change.energy.by_carrier.electricity"
  relation = "down_by"
  printed = "↓8%"
"#;

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

const SCOPE3: &str = "# Scope 3 beyond the energy rows (category 3) and shipments.csv (category 4 or 9): one row per
# purchase, trip, stay, commute, waste stream or supplier allocation. Required: category (1-15),
# period, description, quantity, unit, method. unit: a currency (GBP, USD, EUR, CNY, ...), item,
# t/kg, kWh, km, pkm (passenger-km), room_night, tkm.
# method: average_data (quantity x factor), spend_based (spend x factor per the same currency;
#   price_year must equal the factor's), supplier_specific (supplier_emissions allocated by
#   allocation_basis mass|units|revenue|volume: quantity / supplier_total), hybrid (an allocation row,
#   or an average-data row of that supplier's material inputs, transport or waste).
# Factors: desnz-travel (flights, rail, taxis, buses, hotels), desnz-waste, desnz-materials;
#   spend in USD: us-epa-supply-chain:<NAICS-6 code> (2022 prices; price_index us-bls-cpi-u:cpi_u).
category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note
6,2025,London-New York return economy,11110,pkm,average_data,desnz-travel:air.long_haul.economy.without_rf,,,,,,,,2 x 5555 km great-circle
6,2025,hotel nights UK,4,room_night,average_data,desnz-travel:hotel.uk,,,,,,,,
5,2025,general waste to landfill,12,t,average_data,desnz-waste:commercial_and_industrial_waste.landfill,,,,,,,,
1,2025,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,supplier's 2025 scope 1+2 and output
";

/// Writes the templates into `dir` (created if needed). Refuses to overwrite any file.
pub fn write_templates(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    write_files(dir, TEMPLATES)
}

/// Writes `files` (name, contents) into `dir` (created if needed), or none of them when any
/// already exists.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let existing: Vec<String> = files
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
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::write(&p, text)?;
        out.push(p);
    }
    Ok(out)
}
