//! `carbonledger.toml`: the organisation, its reporting years and base year, the consolidation
//! approach, which factor set serves each activity family, which edition of each set applies
//! to each year, and the presentation options.

use crate::decimal::{parse_amount, RoundingRule};
use crate::diag::{Diagnostic, Span};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Most reporting years one project may list (every per-year table is bounded by it).
pub const MAX_REPORTING_YEARS: usize = 100;
/// How facilities are brought into the inventory (GHG Protocol Corporate Standard ch. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consolidation {
    /// 100% of facilities the organisation operates; others excluded.
    #[default]
    OperationalControl,
    /// 100% of facilities it financially controls; others excluded.
    FinancialControl,
    /// Each facility at the organisation's equity share.
    EquityShare,
}

impl Consolidation {
    /// Name as written in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Consolidation::OperationalControl => "operational_control",
            Consolidation::FinancialControl => "financial_control",
            Consolidation::EquityShare => "equity_share",
        }
    }
}

/// Which factor set serves each activity family.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Families {
    /// Per-gas combustion factors (`<fuel>.co2`, `.ch4`, `.n2o` per energy).
    pub fuel_emissions: String,
    /// Sets searched in order for a fuel's calorific value (`<fuel>.ncv`) matching the row's unit.
    pub calorific_values: Vec<String>,
    /// Standard-coal coefficients (`<carrier>` and `standard_coal`).
    pub coal_equivalent: String,
    /// Global warming potentials (`<gas>`).
    pub gwp: String,
    /// Factor for purchased heat and steam, as `SET:KEY` (edition per year).
    pub purchased_heat: Option<String>,
    /// The calorific basis of fuel quantities given in energy units (`kWh`, `GJ`, `MMBtu`):
    /// UK gas bills are in kWh gross, IPCC factors per TJ net.
    pub energy_basis: EnergyBasis,
}

/// Gross (higher) or net (lower) calorific value.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EnergyBasis {
    /// Net (lower) calorific value: IPCC, GB/T 2589, EU.
    #[default]
    Net,
    /// Gross (higher) calorific value: UK bills and DESNZ `kWh (Gross CV)`, US EPA (HHV).
    Gross,
}

impl EnergyBasis {
    /// `net` or `gross`.
    pub fn name(self) -> &'static str {
        match self {
            EnergyBasis::Net => "net",
            EnergyBasis::Gross => "gross",
        }
    }
    /// The `basis` column values of factor rows on this basis.
    pub fn factor_bases(self) -> &'static [&'static str] {
        match self {
            EnergyBasis::Net => &["ncv", "net", "lhv"],
            EnergyBasis::Gross => &["gcv", "gross", "hhv"],
        }
    }
}

impl Default for Families {
    fn default() -> Self {
        Families {
            fuel_emissions: "ipcc-2006".into(),
            calorific_values: vec!["ipcc-2006".into()],
            coal_equivalent: "gbt-2589".into(),
            gwp: "ipcc-gwp".into(),
            purchased_heat: None,
            energy_basis: EnergyBasis::Net,
        }
    }
}

/// Per-year selections.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct YearSelection {
    /// Edition of each set that applies to the year, e.g. `cn-mee-grid = "2023"`.
    #[serde(default)]
    pub editions: BTreeMap<String, String>,
}

/// Which grid factor electricity that is not bought (on-site solar, savings) is taken to displace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplacedGrid {
    /// The facility's own grid factor (location-based).
    #[default]
    Location,
    /// The residual mix of the facility's market (what market-based scope 2 would charge).
    ResidualMix,
}

/// Market-based scope 2 and renewables policy (`[renewables]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenewablesPolicy {
    /// Counterfactual grid factor for on-site solar and electricity savings.
    pub displaced_grid: DisplacedGrid,
    /// Months before the reporting year a certificate's vintage may start (0 = same year).
    pub vintage_months_before: u32,
    /// Months after the reporting year a certificate's vintage may fall.
    pub vintage_months_after: u32,
    /// The residual-mix factor per market (ISO country code), `SET:KEY`.
    pub residual_mix: BTreeMap<String, String>,
    /// The share of grid electricity a market's own scheme makes renewable, per market,
    /// `SET:KEY` of a `%/1` value for the year: Australia's renewable power percentage
    /// (`AU = "au-cer-rpp:rpp"`, the default). Applied to the electricity no instrument covers.
    pub exempt_share: BTreeMap<String, String>,
}

impl Default for RenewablesPolicy {
    fn default() -> Self {
        RenewablesPolicy {
            displaced_grid: DisplacedGrid::Location,
            vintage_months_before: 0,
            vintage_months_after: 0,
            // China publishes no residual mix; MEE's national average excluding market-traded
            // non-fossil electricity is the documented substitute.
            residual_mix: BTreeMap::from([(
                "CN".to_string(),
                "cn-mee-grid:national_excl_market_nonfossil".to_string(),
            )]),
            // NGA Factors / Climate Active market-based method: the RPP share of grid
            // electricity is renewable (the LGCs retailers surrender under the LRET).
            exempt_share: BTreeMap::from([("AU".to_string(), "au-cer-rpp:rpp".to_string())]),
        }
    }
}

/// Freight options (`[freight]`): how shipments are reported. Absent in older manifests, so
/// every field has a default; radiative forcing has none on purpose (air freight needs an
/// explicit choice).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FreightOptions {
    /// Whether air-freight intensities include non-CO2 radiative forcing. `None` (not written)
    /// makes every air leg an error: the choice is never implicit.
    pub radiative_forcing: Option<bool>,
    /// GHG Protocol scope 3 category of the shipments: 4 (upstream transportation, default)
    /// or 9 (downstream).
    pub category: u8,
    /// The factor set of the default intensities per mode (edition per year from `[years]`).
    pub intensities: String,
    /// The set of the ISO 14083 distance rules (air addition, road and sea DAF).
    pub distance_rules: String,
}

impl Default for FreightOptions {
    fn default() -> Self {
        FreightOptions {
            radiative_forcing: None,
            category: 4,
            intensities: "desnz".into(),
            distance_rules: "iso-14083".into(),
        }
    }
}

/// Scope 3 options (`[scope3]`). Absent in older manifests: every field has a default.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Scope3Options {
    /// Category 3 from the energy rows (well-to-tank, T&D losses): on unless `false`.
    pub cat3: bool,
    /// Well-to-tank set of a factor set, `SET = "WTT-SET"`, added to the built-in pairs
    /// (`desnz`, `desnz-fuels`, `desnz-electricity` → `desnz-wtt`); a pair named here wins.
    pub wtt_sets: BTreeMap<String, String>,
    /// Well-to-tank companion lines of scope3.csv rows priced by a set with a paired
    /// well-to-tank set (DESNZ business travel): on unless `false`.
    pub travel_wtt: bool,
}

impl Default for Scope3Options {
    fn default() -> Self {
        Scope3Options {
            cat3: true,
            wtt_sets: BTreeMap::new(),
            travel_wtt: true,
        }
    }
}

/// Sets whose publisher gives the well-to-tank factors of their rows, under the same keys
/// (`<key>.co2e`), in another set.
const BUILT_IN_WTT_SETS: [(&str, &str); 3] = [
    ("desnz", "desnz-wtt"),
    ("desnz-fuels", "desnz-wtt"),
    ("desnz-electricity", "desnz-wtt"),
];

impl Scope3Options {
    /// The well-to-tank set paired with `set`, if any.
    pub fn wtt_set_of(&self, set: &str) -> Option<&str> {
        self.wtt_sets.get(set).map(String::as_str).or_else(|| {
            BUILT_IN_WTT_SETS
                .iter()
                .find(|(s, _)| *s == set)
                .map(|(_, w)| *w)
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundingToml {
    #[serde(default)]
    rule: RoundingRule,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    organisation: String,
    reporting_years: Vec<i32>,
    base_year: i32,
    #[serde(default)]
    consolidation: Consolidation,
    significance_threshold: Option<String>,
    #[serde(default)]
    rounding: RoundingToml,
    #[serde(default)]
    factors: Families,
    #[serde(default)]
    years: BTreeMap<String, YearSelection>,
    #[serde(default)]
    renewables: RenewablesPolicy,
    #[serde(default)]
    freight: FreightOptions,
    #[serde(default)]
    scope3: Scope3Options,
    year_start: Option<String>,
    year_label: Option<String>,
    split_decimals: Option<u32>,
    #[serde(default)]
    inputs: InputPatterns,
}

/// `[inputs]`: where an activity input's rows are when they are not the project's own
/// `energy.csv` / `fugitive.csv` (nor a folder `energy/` in its place): a glob pattern of CSV
/// and Parquet files, relative to the project folder (`lake/energy/year=*/*.parquet`,
/// `**` for any depth).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputPatterns {
    /// The energy rows' files.
    pub energy: Option<String>,
    /// The fugitive rows' files.
    pub fugitive: Option<String>,
}

impl InputPatterns {
    /// The pattern given for `input`, if any.
    pub fn of(&self, input: super::Input) -> Option<&str> {
        match input {
            super::Input::Energy => self.energy.as_deref(),
            super::Input::Fugitive => self.fugitive.as_deref(),
            _ => None,
        }
    }
}

/// A validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Reporting organisation.
    pub organisation: String,
    /// Years reported, ascending.
    pub reporting_years: Vec<i32>,
    /// Base year for recalculation policy and comparisons.
    pub base_year: i32,
    /// Consolidation approach.
    pub consolidation: Consolidation,
    /// Base-year recalculation significance threshold, in percent (default 5).
    pub significance_threshold_pct: Decimal,
    /// Presentation rounding rule.
    pub rounding: RoundingRule,
    /// Set per activity family.
    pub families: Families,
    /// Edition selections per year.
    pub years: BTreeMap<i32, YearSelection>,
    /// Market-based scope 2 and renewables policy.
    pub renewables: RenewablesPolicy,
    /// Freight options.
    pub freight: FreightOptions,
    /// The first day of the reporting year and how years are named (`year_start`,
    /// `year_label`; calendar years by default).
    pub calendar: crate::activity::Calendar,
    /// Places a part of a row split by days is rounded to when its fraction does not
    /// terminate (`split_decimals`); `None` refuses such rows.
    pub split_decimals: Option<u32>,
    /// Scope 3 options.
    pub scope3: Scope3Options,
    /// Glob patterns naming an activity input's files (`[inputs]`).
    pub inputs: InputPatterns,
}

/// The section (`[a.b]` → `a.b`, `""` at the top) and key of each line of a TOML text that
/// sets a key, with its 1-based line and the 1-based character where the key (or `[`) starts.
/// Comments and the text of values are never taken for a key, so a diagnostic points at the
/// key itself, not at the first place its name appears. (A key inside a multi-line string or
/// array is not seen; such a key is not one of ours.)
fn keyed_lines(text: &str) -> Vec<(String, String, u64, usize)> {
    let mut out = Vec::new();
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let column = raw.chars().take_while(|c| c.is_whitespace()).count() + 1;
        if line.starts_with('[') {
            let inner = line.trim_start_matches('[');
            let end = inner.find(']').unwrap_or(inner.len());
            section = unquote_path(&inner[..end]);
            out.push((section.clone(), String::new(), i as u64 + 1, column));
        } else if let Some((key, _)) = line.split_once('=') {
            if !line.starts_with('#') {
                out.push((section.clone(), unquote_path(key), i as u64 + 1, column));
            }
        }
    }
    out
}

/// `a . "b-c"` → `a.b-c`.
fn unquote_path(path: &str) -> String {
    path.split('.')
        .map(|p| p.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

/// The span of `key` in `[section]` (`""`: the top level; a dotted key written from a parent
/// section is found too), or of the section header when `key` is empty; the file when neither
/// is written.
pub(crate) fn key_span(file: &Arc<str>, text: &str, section: &str, key: &str) -> Span {
    let full = if section.is_empty() {
        key.to_string()
    } else if key.is_empty() {
        section.to_string()
    } else {
        format!("{section}.{key}")
    };
    let found = keyed_lines(text).into_iter().find(|(s, k, _, _)| {
        let written = match (s.is_empty(), k.is_empty()) {
            (true, _) => k.clone(),
            (false, true) => s.clone(),
            (false, false) => format!("{s}.{k}"),
        };
        // A section is found at its first header or key, `[years.2025.editions]` included.
        written == full || (key.is_empty() && written.starts_with(&format!("{full}.")))
    });
    match found {
        Some((_, _, line, column)) => Span::line(file, line).at(column),
        None => Span::file(file),
    }
}

impl Manifest {
    /// Parses and validates a manifest; `file` names it in messages.
    pub fn parse(file: &Arc<str>, text: &str) -> Result<Manifest, Vec<Diagnostic>> {
        let raw: ManifestToml = toml::from_str(text).map_err(|e| {
            let span = e.span().map_or_else(
                || Span::file(file),
                |s| Span::at_offset(file, text, s.start),
            );
            vec![
                Diagnostic::error("bad-manifest", span, e.message().trim().to_string())
                    .with_hint("see `carbonledger init` for a commented carbonledger.toml"),
            ]
        })?;
        let mut diags = Vec::new();
        let find = |key: &str| key_span(file, text, "", key);
        let mut years: Vec<i32> = raw.reporting_years.clone();
        years.sort_unstable();
        years.dedup();
        if years.len() != raw.reporting_years.len() {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    find("reporting_years"),
                    "reporting_years lists a year twice",
                )
                .with_hint("list each inventory year once"),
            );
        }
        if years.is_empty() {
            diags.push(Diagnostic::error(
                "bad-manifest",
                find("reporting_years"),
                "reporting_years is empty",
            ));
        }
        // Inventory years of the calendar we report in; a year 0 or 10,000 years is a typo,
        // and a bounded list keeps every per-year table bounded.
        if let Some(bad) = years.iter().find(|y| !(1900..=2200).contains(*y)) {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    find("reporting_years"),
                    format!("reporting year {bad} is outside 1900–2200"),
                )
                .with_hint("list the inventory years, e.g. reporting_years = [2024, 2025]"),
            );
        }
        if years.len() > MAX_REPORTING_YEARS {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    find("reporting_years"),
                    format!(
                        "{} reporting years; at most {MAX_REPORTING_YEARS} are supported",
                        years.len()
                    ),
                )
                .with_hint(
                    "split a long history into several projects, or list only the years reported",
                ),
            );
        }
        for (key, pattern) in [
            ("energy", &raw.inputs.energy),
            ("fugitive", &raw.inputs.fugitive),
        ] {
            let Some(pattern) = pattern else { continue };
            let problem = if pattern.trim().is_empty() {
                Some("is empty".to_string())
            } else {
                glob::Pattern::new(pattern)
                    .err()
                    .map(|e| format!("is not a glob pattern: {e}"))
            };
            if let Some(problem) = problem {
                diags.push(
                    Diagnostic::error(
                        "bad-manifest",
                        key_span(file, text, "inputs", key),
                        format!("[inputs] {key} = `{pattern}` {problem}"),
                    )
                    .with_hint("name the input's CSV and Parquet files relative to the project folder, e.g. \"lake/energy/**/*.parquet\""),
                );
            }
        }
        if !years.contains(&raw.base_year) {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    find("base_year"),
                    format!("base_year {} is not one of reporting_years", raw.base_year),
                )
                .with_hint("list the base year in reporting_years so that it is computed"),
            );
        }
        let threshold = match raw.significance_threshold.as_deref() {
            None => Decimal::from(5),
            // The `%` is required: "0.05" could mean 5% (a fraction) or 0.05%, and reading
            // it either way would silently change every restatement verdict.
            Some(t) => match t.trim().strip_suffix('%').map(|n| parse_amount(n.trim())) {
                Some(Ok(v)) if v >= Decimal::ZERO => v,
                found => {
                    let message = if found.is_none() {
                        format!("significance_threshold `{t}` has no `%` sign: a fraction and a percentage cannot be told apart")
                    } else {
                        format!("significance_threshold `{t}` is not a percentage")
                    };
                    diags.push(
                        Diagnostic::error("bad-manifest", find("significance_threshold"), message)
                            .with_hint("write it as a percentage string, e.g. \"5%\""),
                    );
                    Decimal::from(5)
                }
            },
        };
        let mut by_year = BTreeMap::new();
        for (k, v) in raw.years {
            match k.parse::<i32>() {
                // A table for a year that is not reported is never read: a typo of a year
                // (`[years.2205]`) would otherwise leave the year meant without its editions.
                Ok(y) if !years.contains(&y) => diags.push(
                    Diagnostic::error(
                        "bad-manifest",
                        key_span(file, text, &format!("years.{k}"), ""),
                        format!("[years.{k}] is not one of reporting_years {years:?}: its editions would never be used"),
                    )
                    .with_hint(format!("add {y} to reporting_years, or remove the table")),
                ),
                Ok(y) => {
                    by_year.insert(y, v);
                }
                Err(_) => diags.push(Diagnostic::error(
                    "bad-manifest",
                    key_span(file, text, &format!("years.{k}"), ""),
                    format!("`years.{k}` is not a year"),
                )),
            }
        }
        if ![4, 9].contains(&raw.freight.category) {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    key_span(file, text, "freight", "category"),
                    format!(
                        "[freight] category {} is not a transport category of scope 3",
                        raw.freight.category
                    ),
                )
                .with_hint("4 (upstream transportation and distribution) or 9 (downstream)"),
            );
        }
        let label = match raw.year_label.as_deref() {
            None | Some("start") => crate::activity::YearLabel::Start,
            Some("end") => crate::activity::YearLabel::End,
            Some(other) => {
                diags.push(
                    Diagnostic::error(
                        "bad-manifest",
                        find("year_label"),
                        format!("year_label `{other}` is neither `start` nor `end`"),
                    )
                    .with_hint("`start`: FY2025 starts in 2025; `end`: FY2025 ends in 2025"),
                );
                crate::activity::YearLabel::Start
            }
        };
        let calendar = match raw.year_start.as_deref() {
            None => crate::activity::Calendar {
                label,
                ..crate::activity::Calendar::GREGORIAN
            },
            Some(t) => crate::activity::Calendar::parse(t, label).unwrap_or_else(|| {
                diags.push(
                    Diagnostic::error(
                        "bad-manifest",
                        find("year_start"),
                        format!("year_start `{t}` is not a day of every year as MM-DD"),
                    )
                    .with_hint("e.g. year_start = \"04-01\" for years from April to March (29 February is refused)"),
                );
                crate::activity::Calendar::GREGORIAN
            }),
        };
        if let Some(dp) = raw.split_decimals.filter(|dp| *dp > 12) {
            diags.push(
                Diagnostic::error(
                    "bad-manifest",
                    find("split_decimals"),
                    format!("split_decimals = {dp}: at most 12 places are kept of a line"),
                )
                .with_hint("e.g. split_decimals = 3 (places of the row's own unit)"),
            );
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        Ok(Manifest {
            calendar,
            split_decimals: raw.split_decimals,
            organisation: raw.organisation,
            reporting_years: years,
            base_year: raw.base_year,
            consolidation: raw.consolidation,
            significance_threshold_pct: threshold,
            rounding: raw.rounding.rule,
            families: raw.factors,
            years: by_year,
            renewables: raw.renewables,
            freight: raw.freight,
            scope3: raw.scope3,
            inputs: raw.inputs,
        })
    }

    /// Checks that every set and edition the manifest names exists in `library`; each problem
    /// points at the manifest line that names it.
    pub fn check_sets(
        &self,
        file: &Arc<str>,
        text: &str,
        library: &crate::factors::Library,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        // `freight.intensities` → the key `intensities` of `[freight]`; others are `[factors]`.
        let at = |key: &str| match key.split_once('.') {
            Some((section, k)) => key_span(file, text, section, k),
            None => key_span(file, text, "factors", key),
        };
        let known: Vec<String> = {
            let mut v: Vec<String> = library.editions().map(|e| e.set.clone()).collect();
            v.dedup();
            v
        };
        let mut named: Vec<(&str, String)> = vec![
            ("fuel_emissions", self.families.fuel_emissions.clone()),
            ("coal_equivalent", self.families.coal_equivalent.clone()),
            ("gwp", self.families.gwp.clone()),
        ];
        named.extend(
            self.families
                .calorific_values
                .iter()
                .map(|s| ("calorific_values", s.clone())),
        );
        named.push(("freight.intensities", self.freight.intensities.clone()));
        named.push((
            "freight.distance_rules",
            self.freight.distance_rules.clone(),
        ));
        for (from, to) in &self.scope3.wtt_sets {
            named.push(("scope3.wtt_sets", from.clone()));
            named.push(("scope3.wtt_sets", to.clone()));
        }
        if let Some(h) = &self.families.purchased_heat {
            // Checked here, where it is written, not first at a heat row that needs it.
            match crate::factors::FactorRef::parse(h) {
                Ok(r) => {
                    // Its key too, as a facility's grid is: a key in no edition of a known set
                    // would first fail at a heat row, and never in a project without one.
                    let eds: Vec<_> = library.editions_of(&r.set).collect();
                    if !eds.is_empty()
                        && !eds.iter().any(|e| {
                            e.factors.contains_key(&r.key)
                                || e.factors.contains_key(&format!("{}.co2", r.key))
                        })
                    {
                        diags.push(
                            Diagnostic::error(
                                "unknown-factor",
                                at("purchased_heat"),
                                format!(
                                    "[factors] purchased_heat `{h}`: key `{}` is in no edition of {}",
                                    r.key, r.set
                                ),
                            )
                            .with_hint(format!(
                                "see `carbonledger factors list` for the keys of {}, e.g. \"gbt-32150:heat\"",
                                r.set
                            )),
                        );
                    }
                    named.push(("purchased_heat", r.set.clone()));
                }
                Err(e) => diags.push(
                    Diagnostic::error(
                        "bad-factor-reference",
                        at("purchased_heat"),
                        format!("[factors] purchased_heat `{h}`: {e}"),
                    )
                    .with_hint("write SET:KEY, e.g. \"gbt-32150:heat\""),
                ),
            }
        }
        for (key, set) in named {
            if !known.contains(&set) {
                diags.push(
                    Diagnostic::error(
                        "unknown-factor-set",
                        at(key),
                        format!(
                            "{} names the factor set `{set}`, which is not in the factor library",
                            match key.split_once('.') {
                                Some((table, k)) => format!("[{table}] {k}"),
                                None => format!("[factors] {key}"),
                            }
                        ),
                    )
                    .with_hint(format!("sets available: {}", known.join(", "))),
                );
            }
        }
        for (year, sel) in &self.years {
            for (set, ed) in &sel.editions {
                if !known.contains(set) {
                    diags.push(
                        Diagnostic::error("unknown-factor-set", key_span(file, text, &format!("years.{year}.editions"), set), format!("[years.{year}.editions] names the factor set `{set}`, which is not in the factor library"))
                            .with_hint(format!("sets available: {}", known.join(", "))),
                    );
                } else if library.edition(set, ed).is_none() {
                    let eds: Vec<&str> = library
                        .editions_of(set)
                        .map(|e| e.edition.as_str())
                        .collect();
                    diags.push(
                        Diagnostic::error("unknown-edition", key_span(file, text, &format!("years.{year}.editions"), set), format!("[years.{year}.editions] selects {set}@{ed}, which is not in the factor library"))
                            .with_hint(format!("editions of {set}: {}", eds.join(", "))),
                    );
                }
            }
        }
        diags
    }

    /// The edition of `set` the manifest selects for `year`, if it names one.
    pub fn edition_for(&self, year: i32, set: &str) -> Option<&str> {
        self.years
            .get(&year)
            .and_then(|y| y.editions.get(set))
            .map(String::as_str)
    }
}
