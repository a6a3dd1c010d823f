//! Commented templates of every project file, written by `carbonledger init`. The templates
//! form a small valid project, so `check` passes on a fresh one.

use std::path::{Path, PathBuf};

/// The template files: (name, contents).
pub const TEMPLATES: &[(&str, &str)] = &[
    ("carbonledger.toml", MANIFEST),
    ("facilities.csv", FACILITIES),
    ("energy.csv", ENERGY),
    ("fugitive.csv", FUGITIVE),
    ("claims.toml", CLAIMS),
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
