//! The report's charts: exact series taken from the ledger (and the year-on-year bridge),
//! labelled in the report language, drawn by `report::chart`. Index values (trend against
//! the base year) are computed here as exact decimals; only drawing uses floating point.

use super::chart::{self, Point, Series};
use super::lang::{present, t, Lang, NumberStyle};
use super::standards::carrier_label;
use crate::audit::Bridge;
use crate::decimal::{self, CalcError, RoundingRule};
use crate::ledger::Ledger;
use crate::project::Project;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A drawn chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Element id (`chart-scopes`).
    pub id: &'static str,
    /// Title, in the report language.
    pub title: String,
    /// What it shows, naming the figures.
    pub figures: String,
    /// The SVG element.
    pub svg: String,
}

/// How values are written in chart labels.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Language.
    pub lang: Lang,
    /// Rounding rule.
    pub rule: RoundingRule,
    /// Number style.
    pub numbers: NumberStyle,
}

impl Style {
    fn point(&self, v: Decimal, unit: &str) -> Point {
        Point {
            value: v,
            shown: format!("{} {unit}", present(v, unit, self.rule, self.numbers)),
        }
    }
}

fn value(ledger: &Ledger, name: &str, year: i32) -> Result<Option<Decimal>, CalcError> {
    Ok(ledger.figure(name, year)?.map(|f| f.value))
}

/// Scope 1, scope 2 (location-based) and computed scope 3 per reporting year, stacked.
pub fn scopes_by_year(ledger: &Ledger, st: Style) -> Result<Chart, CalcError> {
    let years: Vec<String> = ledger.years.iter().map(|y| y.to_string()).collect();
    let s3: Vec<String> = ledger
        .names()
        .into_iter()
        .filter(|n| {
            n.strip_prefix("ghg.scope3.cat")
                .is_some_and(|c| c.parse::<u32>().is_ok())
        })
        .collect();
    let mut series = Vec::new();
    for (label, names) in [
        (t("Scope 1", "范围一"), vec!["ghg.scope1".to_string()]),
        (
            t("Scope 2 (location-based)", "范围二（基于位置）"),
            vec!["ghg.scope2.location".to_string()],
        ),
        (
            t("Scope 3 (computed categories)", "范围三（已计算类别）"),
            s3.clone(),
        ),
    ] {
        let mut points = Vec::new();
        for y in &ledger.years {
            let mut total = None;
            for n in &names {
                if let Some(v) = value(ledger, n, *y)? {
                    total = Some(decimal::add(total.unwrap_or_default(), v)?);
                }
            }
            points.push(total.map(|v| st.point(v, "t CO2e")));
        }
        if points.iter().any(Option::is_some) {
            series.push(Series {
                label: label.get(st.lang).to_string(),
                points,
            });
        }
    }
    let title = t(
        "GHG emissions by scope and year (t CO2e)",
        "按范围和年度划分的温室气体排放（吨二氧化碳当量）",
    )
    .get(st.lang)
    .to_string();
    let mut figures = vec!["ghg.scope1", "ghg.scope2.location"];
    figures.extend(s3.iter().map(String::as_str));
    Ok(Chart {
        id: "chart-scopes",
        svg: chart::stacked_bars("chart-scopes", &title, &years, &series),
        title,
        figures: figures.join(", "),
    })
}

/// Energy consumed by carrier in `year`, largest first.
pub fn energy_mix(ledger: &Ledger, year: i32, st: Style) -> Result<Chart, CalcError> {
    let mut items = Vec::new();
    for n in ledger.names() {
        if let Some(c) = n.strip_prefix("energy.by_carrier.") {
            if let Some(v) = value(ledger, &n, year)? {
                items.push((carrier_label(c, st.lang), v));
            }
        }
    }
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let title = match st.lang {
        Lang::En => format!("Energy consumed by carrier, {year} (MWh)"),
        Lang::Zh => format!("{year}年按能源类型划分的能源消耗（兆瓦时）"),
    };
    let items: Vec<(String, Point)> = items
        .into_iter()
        .map(|(l, v)| (l, st.point(v, "MWh")))
        .collect();
    Ok(Chart {
        id: "chart-energy",
        svg: chart::hbars("chart-energy", &title, &items),
        title,
        figures: "energy.by_carrier.*".into(),
    })
}

/// The facilities with the largest scope 1 + 2 (location-based) emissions from the activity
/// rows in `year` (register figures such as freight are not per facility).
pub fn top_facilities(
    project: &Project,
    ledger: &Ledger,
    year: i32,
    n: usize,
    st: Style,
) -> Result<Chart, CalcError> {
    let mut per: BTreeMap<usize, Decimal> = BTreeMap::new();
    for (c, a) in ledger.comp.chains.iter().zip(&ledger.comp.accums) {
        if c.year == year && c.counts_energy() {
            let e = per.entry(c.facility).or_default();
            *e = decimal::add(*e, a.co2e_kg)?;
        }
    }
    let mut items: Vec<(String, Decimal)> = Vec::new();
    for (i, kg) in per {
        let tonnes = decimal::div(kg, Decimal::ONE_THOUSAND)?.rounded(decimal::FIGURE_DP);
        let name = project
            .facilities
            .list
            .get(i)
            .map_or(i.to_string(), |f| format!("{} {}", f.id, f.name));
        items.push((name, tonnes));
    }
    items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    items.truncate(n);
    let n = items.len();
    let title = match st.lang {
        Lang::En => {
            format!("Top {n} facilities by scope 1 + 2 emissions (location-based), {year} (t CO2e)")
        }
        Lang::Zh => {
            format!("{year}年范围一及二排放（基于位置）最高的 {n} 个设施（吨二氧化碳当量）")
        }
    };
    let items: Vec<(String, Point)> = items
        .into_iter()
        .map(|(l, v)| (l, st.point(v, "t CO2e")))
        .collect();
    Ok(Chart {
        id: "chart-facilities",
        svg: chart::hbars("chart-facilities", &title, &items),
        title,
        figures: "energy and fugitive rows per facility (the chains behind ghg.scope1 and ghg.scope2.location)".into(),
    })
}

/// Total emissions, energy and intensity against the base year (= 100).
pub fn trend(ledger: &Ledger, base_year: i32, st: Style) -> Result<Chart, CalcError> {
    let years: Vec<String> = ledger.years.iter().map(|y| y.to_string()).collect();
    let mut series = Vec::new();
    let names = [
        (
            "ghg.total.location",
            t(
                "Scope 1 + 2 emissions (location-based)",
                "范围一及二排放（基于位置）",
            ),
        ),
        ("energy.total", t("Energy consumed", "能源消耗")),
        (
            "intensity.ghg_per_energy",
            t("Emissions per MWh", "每兆瓦时排放"),
        ),
    ];
    for (name, label) in names {
        let Some(base) = value(ledger, name, base_year)? else {
            continue;
        };
        if base.is_zero() {
            continue;
        }
        let mut points = Vec::new();
        for y in &ledger.years {
            points.push(match value(ledger, name, *y)? {
                Some(v) => {
                    let idx = decimal::div(decimal::mul(v, Decimal::ONE_HUNDRED)?, base)?
                        .rounded(decimal::FIGURE_DP);
                    Some(Point {
                        value: idx,
                        shown: present(idx, "", st.rule, NumberStyle::Grouped),
                    })
                }
                None => None,
            });
        }
        series.push(Series {
            label: label.get(st.lang).to_string(),
            points,
        });
    }
    let title = match st.lang {
        Lang::En => format!("Trend against the base year {base_year} (index, {base_year} = 100)"),
        Lang::Zh => format!("相对基准年 {base_year} 的趋势（指数，{base_year} = 100）"),
    };
    Ok(Chart {
        id: "chart-trend",
        svg: chart::index_lines("chart-trend", &title, &years, &series),
        title,
        figures: "ghg.total.location, energy.total, intensity.ghg_per_energy".into(),
    })
}

/// An effect's label in the report language.
fn effect_label(id: &str, lang: Lang) -> String {
    let text = match id {
        "activity" => t("activity", "活动量"),
        "energy_mix" => t("energy mix", "能源结构"),
        "source_intensity" => t("source intensity", "排放源强度"),
        "non_energy" => t("non-energy", "非能源排放"),
        "factor_editions" => t("factor editions", "因子版本"),
        _ => return id.to_string(),
    };
    text.get(lang).to_string()
}

/// The year-on-year bridge of total emissions as a waterfall.
pub fn waterfall(ledger: &Ledger, b: &Bridge, st: Style) -> Result<Chart, CalcError> {
    let from = value(ledger, "ghg.total.location", b.from)?.unwrap_or_default();
    let to = value(ledger, "ghg.total.location", b.to)?.unwrap_or_default();
    let steps: Vec<(String, Point)> = b
        .emissions
        .effects
        .iter()
        .map(|e| (effect_label(e.id, st.lang), st.point(e.value, "t CO2e")))
        .collect();
    let title = match st.lang {
        Lang::En => format!(
            "Year-on-year bridge of scope 1 + 2 emissions, {} → {} (t CO2e)",
            b.from, b.to
        ),
        Lang::Zh => format!(
            "范围一及二排放同比变化分解，{} → {}（吨二氧化碳当量）",
            b.from, b.to
        ),
    };
    let (a, z) = (b.from.to_string(), b.to.to_string());
    Ok(Chart {
        id: "chart-bridge",
        svg: chart::waterfall(
            "chart-bridge",
            &title,
            (&a, &st.point(from, "t CO2e")),
            &steps,
            (&z, &st.point(to, "t CO2e")),
        ),
        title,
        figures: "ghg.total.location and `carbonledger bridge` effects".into(),
    })
}
