//! `carbonledger init --country`: the templates in one country's conventions — its national
//! factor sets chosen in the manifest (no `factor` column needed), its grid, its units and its
//! certificate kind. Only the files that differ by country are replaced; the rest are the
//! default templates.

use super::templates::{write_files, TEMPLATES};
use std::path::{Path, PathBuf};

/// A country (or market) whose conventions `init` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    /// China: MEE grid factors, the accounting guidelines' fuel defaults, 万千瓦时, 万立方米, 吨.
    Cn,
    /// United Kingdom: DESNZ factors, gas in kWh (gross CV), diesel in litres, REGOs.
    Gb,
    /// United States: EPA Hub factors, gallons and scf, eGRID subregions, RECs.
    Us,
    /// Australia: NGA Factors, gas in m3, state grids, LGCs.
    Au,
    /// European Union: IPCC 2006 fuels (net CV), GOs; no grid factor ships (AIB not shipped).
    Eu,
}

impl Country {
    /// Every country, in the order of the `--country` help.
    pub const ALL: [Country; 5] = [
        Country::Cn,
        Country::Gb,
        Country::Us,
        Country::Au,
        Country::Eu,
    ];

    /// Its code on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Country::Cn => "CN",
            Country::Gb => "GB",
            Country::Us => "US",
            Country::Au => "AU",
            Country::Eu => "EU",
        }
    }

    /// Parses a code (any case; `UK` is read as `GB`).
    pub fn parse(s: &str) -> Option<Country> {
        let s = s.trim().to_ascii_uppercase();
        let s = if s == "UK" { "GB".to_string() } else { s };
        Country::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The files that differ from the default templates: (name, contents).
    fn overrides(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Country::Cn => &[
                ("carbonledger.toml", CN_MANIFEST),
                ("facilities.csv", CN_FACILITIES),
                ("energy.csv", CN_ENERGY),
            ],
            Country::Gb => &[
                ("carbonledger.toml", GB_MANIFEST),
                ("facilities.csv", GB_FACILITIES),
                ("energy.csv", GB_ENERGY),
                ("instruments.csv", GB_INSTRUMENTS),
            ],
            Country::Us => &[
                ("carbonledger.toml", US_MANIFEST),
                ("facilities.csv", US_FACILITIES),
                ("energy.csv", US_ENERGY),
                ("instruments.csv", US_INSTRUMENTS),
                ("product_stages.csv", STAGES_WITHOUT_GRID),
            ],
            Country::Au => &[
                ("carbonledger.toml", AU_MANIFEST),
                ("facilities.csv", AU_FACILITIES),
                ("energy.csv", AU_ENERGY),
                ("instruments.csv", AU_INSTRUMENTS),
            ],
            Country::Eu => &[
                ("carbonledger.toml", EU_MANIFEST),
                ("facilities.csv", EU_FACILITIES),
                ("energy.csv", EU_ENERGY),
                ("instruments.csv", EU_INSTRUMENTS),
                ("claims.toml", EU_CLAIMS),
                ("product_stages.csv", STAGES_WITHOUT_GRID),
                ("solar.csv", EU_SOLAR),
            ],
        }
    }

    /// The full template set for this country.
    pub fn templates(self) -> Vec<(&'static str, &'static str)> {
        TEMPLATES
            .iter()
            .map(|(name, text)| {
                self.overrides()
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or((*name, *text), |o| *o)
            })
            .collect()
    }
}

/// Writes `country`'s templates into `dir`; refuses to overwrite any file.
pub fn write_country_templates(dir: &Path, country: Country) -> std::io::Result<Vec<PathBuf>> {
    write_files(dir, &country.templates())
}

/// The parts of every manifest that do not depend on the country.
macro_rules! manifest {
    ($organisation:literal, $factors:literal, $y2024:literal, $y2025:literal) => {
        concat!(
            "# carbonledger project manifest.\norganisation = \"",
            $organisation,
            "\"\nreporting_years = [2024, 2025]\nbase_year = 2024\nconsolidation = \"operational_control\"\nsignificance_threshold = \"5%\"\n\n[rounding]\nrule = \"half_away_from_zero\"\n\n[factors]\ngwp = \"ipcc-gwp\"\ncoal_equivalent = \"gbt-2589\"\n",
            $factors,
            "\n[renewables]\ndisplaced_grid = \"location\"\nvintage_months_before = 0\nvintage_months_after = 0\n\n[years.2024.editions]\nipcc-gwp = \"ar5\"\ngbt-2589 = \"2020\"\ncn-mee-grid = \"2022\"                  # product use phase (product_stages.csv)\n",
            $y2024,
            "\n[years.2025.editions]\nipcc-gwp = \"ar5\"\ngbt-2589 = \"2020\"\ncn-mee-grid = \"2023\"\ndesnz = \"2025\"                         # freight intensities (shipments.csv)\niso-14083 = \"2023\"\nicao-corsia = \"default-values\"\n",
            $y2025,
            "\n[freight]\nradiative_forcing = false\ncategory = 4\nintensities = \"desnz\"\n"
        )
    };
}

const CN_MANIFEST: &str = manifest!(
    "示例有限公司",
    "# China: the accounting guidelines' defaults (低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12),\n# energy on the net calorific basis; purchased heat and steam at GB/T 32150-2025's 0.11 t CO2/GJ.\n# Steam in 吨 needs `steam.enthalpy` (GJ/t) in a project set listed in calorific_values.\nfuel_emissions = \"cn-ghg-guidelines\"\ncalorific_values = [\"cn-ghg-guidelines\", \"ipcc-2006\"]\nenergy_basis = \"net\"\npurchased_heat = \"gbt-32150:heat\"\n\n[renewables.residual_mix]\nCN = \"cn-mee-grid:national_excl_market_nonfossil\"\n",
    "cn-ghg-guidelines = \"2015\"\nipcc-2006 = \"2006\"\ngbt-32150 = \"2025\"\n",
    "cn-ghg-guidelines = \"2015\"\nipcc-2006 = \"2006\"\ngbt-32150 = \"2025\"\n"
);

const CN_FACILITIES: &str = "# 组织边界：每个设施一行。grid: 电网排放因子 SET:KEY（华北 north, 东北 northeast, 华东 east,\n# 华中 central, 西北 northwest, 南方 south, 西南 southwest, 全国 national）。\nid,name,country,grid,equity_share_pct,operational_control,financial_control\nPLANT-1,示例工厂,CN,cn-mee-grid:east,100,yes,yes\n";

const CN_ENERGY: &str = "# 能源消费：每个设施、期间、能源品种一行。carrier 可写中文：电力、热力、蒸汽、天然气、原煤、焦炭、柴油……\n# unit: 万千瓦时、万立方米（标准状态）、吨、GJ……  source: stationary（默认）| mobile | process。\nfacility,period,carrier,quantity,unit,factor,ref,note,source\nPLANT-1,2024,电力,120,万千瓦时,,,,\nPLANT-1,2025,电力,110,万千瓦时,,,,\nPLANT-1,2025,天然气,12,万立方米,,,锅炉,\nPLANT-1,2025,原煤,800,吨,,,,\n";

const GB_MANIFEST: &str = manifest!(
    "Example Ltd",
    "# United Kingdom: DESNZ conversion factors under their own keys (gas per kWh gross CV, diesel\n# per litre, DESNZ's CO2/CH4/N2O columns); energy on the gross calorific basis, as UK bills are.\nfuel_emissions = \"desnz-fuels\"\ncalorific_values = [\"desnz-fuels\"]\nenergy_basis = \"gross\"\npurchased_heat = \"desnz-electricity:heat_steam_district.co2e\"\n",
    "desnz-fuels = \"2024\"\ndesnz-electricity = \"2024\"\n",
    "desnz-fuels = \"2025\"\ndesnz-electricity = \"2025\"\n"
);

const GB_FACILITIES: &str = "# The organisational boundary: one row per site. grid: desnz:electricity_uk (UK grid, kg CO2e/kWh).\nid,name,country,grid,equity_share_pct,operational_control,financial_control\nPLANT-1,Example works,GB,desnz:electricity_uk,100,yes,yes\n";

const GB_ENERGY: &str = "# Energy from bills and fuel cards. Gas in kWh as billed (gross CV); diesel in litres; source:\n# stationary (default) | mobile (vans and cars: DESNZ's factors per litre) | process.\nfacility,period,carrier,quantity,unit,factor,ref,note,source\nPLANT-1,2024,electricity,1200000,kWh,,,,\nPLANT-1,2025,electricity,1100000,kWh,,,,\nPLANT-1,2025,natural_gas,250000,kWh,,,gas bills,\nPLANT-1,2025,diesel,6000,L,,,van fuel cards,mobile\n";

const GB_INSTRUMENTS: &str = "# Contractual instruments for market-based scope 2. In Great Britain: rego (Renewable Energy\n# Guarantees of Origin), market GB. serials: `;`-separated, ranges FIRST..LAST, one per MWh.\nid,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nREGO-2025-1,rego,PLANT-1,2025,300,MWh,GB,2025,R000001..R000300,,renewable tariff\n";

const US_MANIFEST: &str = manifest!(
    "Example Inc.",
    "# United States: the EPA GHG Emission Factors Hub under its own keys (per gallon, scf, short ton;\n# mobile CO2 per gallon), energy on the higher heating value (gross) basis.\nfuel_emissions = \"us-epa-hub\"\ncalorific_values = [\"us-epa-hub\"]\nenergy_basis = \"gross\"\npurchased_heat = \"us-epa-hub:steam_heat\"\n",
    "us-epa-hub = \"2025\"\n",
    "us-epa-hub = \"2025\"\n"
);

const US_FACILITIES: &str = "# The organisational boundary: one row per facility. grid: the eGRID subregion, e.g.\n# us-epa-hub:egrid.rfcw (RFC West), egrid.camx, egrid.erct, egrid.newe, …\nid,name,country,grid,equity_share_pct,operational_control,financial_control\nPLANT-1,Example plant,US,us-epa-hub:egrid.rfcw,100,yes,yes\n";

const US_ENERGY: &str = "# Energy in the units of the bill: MWh, gallons (gal), scf, short tons. source: stationary\n# (default) | mobile (fleet fuel: the Hub's mobile CO2 per gallon) | process.\nfacility,period,carrier,quantity,unit,factor,ref,note,source\nPLANT-1,2024,electricity,1200,MWh,,,,\nPLANT-1,2025,electricity,1100,MWh,,,,\nPLANT-1,2025,diesel,800,gal,,,standby generator,\nPLANT-1,2025,gasoline,4000,gal,,,fleet fuel cards,mobile\n";

const US_INSTRUMENTS: &str = "# Contractual instruments for market-based scope 2. In the United States: rec (Renewable\n# Energy Certificates), market US. serials: `;`-separated, ranges FIRST..LAST, one per MWh.\nid,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nREC-2025-1,rec,PLANT-1,2025,300,MWh,US,2025,REC000001..REC000300,,unbundled RECs\n";

const AU_MANIFEST: &str = manifest!(
    "Example Pty Ltd",
    "# Australia: the National Greenhouse Accounts Factors under their own keys (natural gas per GJ\n# with its energy content per m3; transport fuels per kL), energy on the gross basis.\nfuel_emissions = \"au-nga\"\ncalorific_values = [\"au-nga\"]\nenergy_basis = \"gross\"\npurchased_heat = \"gbt-32150:heat\"\n\n# Market-based: the NGA residual mix factor, after the renewable power percentage of the year\n# (au-cer-rpp, the default [renewables.exempt_share] of AU) and your LGCs and GreenPower.\n[renewables.residual_mix]\nAU = \"au-nga:residual_mix\"\n",
    "au-nga = \"2025\"\ngbt-32150 = \"2025\"\n",
    "au-nga = \"2025\"\ngbt-32150 = \"2025\"\n"
);

const AU_FACILITIES: &str = "# The organisational boundary: one row per facility. grid: the state or territory grid,\n# au-nga:nsw_act, :vic, :qld, :sa, :wa_swis, :tas, :nt_dkis.\nid,name,country,grid,equity_share_pct,operational_control,financial_control\nPLANT-1,Example plant,AU,au-nga:vic,100,yes,yes\n";

const AU_ENERGY: &str = "# Energy in the units of the bill: kWh, m3 of pipeline gas, kL of fuel. source: stationary\n# (default) | mobile (vehicles: the NGA transport factors) | process.\nfacility,period,carrier,quantity,unit,factor,ref,note,source\nPLANT-1,2024,electricity,1200000,kWh,,,,\nPLANT-1,2025,electricity,1100000,kWh,,,,\nPLANT-1,2025,natural_gas,30000,m3,,,gas bills,\nPLANT-1,2025,diesel,12,kL,,,fleet fuel cards,mobile\n";

const AU_INSTRUMENTS: &str = "# Contractual instruments for market-based scope 2. In Australia: lgc (Large-scale Generation\n# Certificates, surrendered) and greenpower, market AU. One certificate per MWh.\nid,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nLGC-2025-1,lgc,PLANT-1,2025,300,MWh,AU,2025,LGC000001..LGC000300,,surrendered LGCs\n";

const EU_MANIFEST: &str = manifest!(
    "Example GmbH",
    "# European Union: IPCC 2006 default fuel factors on the net calorific basis (as the EU ETS).\n# Electricity: the EU-27 grid average (EEA, 281 g CO2e/kWh, data year 2018; a later year takes\n# it as the nearest edition, said). No country grid or residual-mix factor ships (AIB's are not\n# redistributable): add your country's as a project set (docs/templates/aib-residual-mix-local/)\n# and name it in the facility's grid and under [renewables.residual_mix].\nfuel_emissions = \"ipcc-2006\"\ncalorific_values = [\"ipcc-2006\"]\nenergy_basis = \"net\"\npurchased_heat = \"gbt-32150:heat\"\n",
    "ipcc-2006 = \"2006\"\ngbt-32150 = \"2025\"\n",
    "ipcc-2006 = \"2006\"\ngbt-32150 = \"2025\"\n"
);

const EU_FACILITIES: &str = "# The organisational boundary: one row per facility. grid: eea-electricity:eu27 (the EU-27\n# average), or a project set's factor for your country, e.g. my-grid:de.\nid,name,country,grid,equity_share_pct,operational_control,financial_control\nPLANT-1,Example plant,DE,eea-electricity:eu27,100,yes,yes\n";

const EU_ENERGY: &str = "# Energy in the units of the bill: MWh or GJ (net CV), t of fuel. Electricity at the\n# facility's grid factor (facilities.csv).\nfacility,period,carrier,quantity,unit,factor,ref,note,source\nPLANT-1,2024,electricity,1200,MWh,,,,\nPLANT-1,2025,electricity,1100,MWh,,,,\nPLANT-1,2024,natural_gas,3200,GJ,,,,\nPLANT-1,2025,natural_gas,3000,GJ,,,gas bills,\nPLANT-1,2025,diesel,4,t,,,forklifts,mobile\n";

const EU_INSTRUMENTS: &str = "# Contractual instruments for market-based scope 2. In the EU and EEA: go (Guarantees of\n# Origin), market = the facility's country. One row per cancellation.\nid,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n";

const EU_CLAIMS: &str = r#"# Published claims to verify with `carbonledger verify` (optional file). See README.md `Claims`.
publication = "Example GmbH sustainability report 2025"
year = 2025

[[claim]]
id = "gas"
wording = "Natural gas use fell by 6.25%"
figure = "change.energy.by_carrier.natural_gas"
relation = "down_by"
printed = "↓6.25%"
"#;

/// Product stages without the grid-priced ones (manufacturing and use electricity take the
/// facility's grid factor, which must be a single factor, not a per-gas group).
const STAGES_WITHOUT_GRID: &str = "# Life-cycle stages other than materials, per unit of product.\n# stage: manufacturing (energy; needs a factor, or a facility grid that is one factor), distribution\n#   (tkm x freight intensity), use (quantity per year x years x a grid factor), end_of_life (mass x factor).\nproduct,stage,quantity,unit,years,factor,note\nkettle,distribution,0.9,tkm,,desnz@2025:freight.road.hgv,\nkettle,end_of_life,0.85,kg,,desnz-materials:waste.weee_small.open_loop,\n";

const EU_SOLAR: &str = "# On-site generation (needs the facility's grid factor, to value the avoided emissions).\n# generated = self_consumed + exported, exactly.\nfacility,period,generated,self_consumed,exported,unit,note\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_every_country_replaces_the_manifest() {
        assert_eq!(Country::parse("uk"), Some(Country::Gb));
        assert_eq!(Country::parse("cn"), Some(Country::Cn));
        assert_eq!(Country::parse("FR"), None);
        for c in Country::ALL {
            let t = c.templates();
            assert_eq!(t.len(), TEMPLATES.len());
            let manifest = t
                .iter()
                .find(|(n, _)| *n == "carbonledger.toml")
                .map(|f| f.1);
            assert!(
                manifest.is_some_and(|m| m.contains("fuel_emissions")),
                "{c:?}"
            );
        }
    }
}
