//! Which rows each standard's disclosure tables have, and which figures fill them. Only the
//! mapping lives here: values come from the ledger when `report::disclosure` evaluates the
//! rows. Paragraph numbers are those of the published texts (ESRS E1 as adopted by
//! Delegated Regulation (EU) 2023/2772; HKEX Appendix C2 KPIs; GHG Protocol Corporate
//! Standard chapter 9); where this project has no input for a row, the row says so.

use super::disclosure::{Content, Inputs, Spec, Standard};
use super::lang::{t, Lang, Text};
use crate::figures::gas_label;
use rust_decimal::Decimal;

/// A section: id, title and its rows.
pub type SectionSpec = (&'static str, Text, Vec<Spec>);

const NO_REVENUE: Text = t(
    "not computed: the project has no net revenue or production volume input to divide by",
    "未计算：项目没有可作分母的营业收入或产量输入",
);
const NOT_PER_METRIC: Text = t(
    "not computed: metrics.csv gives a denominator, but intensities per metric are computed for scope 1 + 2 only (intensity.<metric>.ghg_total_location, .ghg_total_market, .ghg_scope1)",
    "未计算：metrics.csv 提供了分母，但按指标计算的强度仅涵盖范围一及二（intensity.<指标>.ghg_total_location、.ghg_total_market、.ghg_scope1）",
);
/// The metrics of metrics.csv an intensity row divides by, in order of preference.
const INTENSITY_METRICS: [&str; 2] = ["revenue", "production"];
const NO_AIR: Text = t(
    "not computed: the project has no air-pollutant (NOx, SOx, particulate matter) inputs",
    "未计算：项目没有氮氧化物、硫氧化物、颗粒物等废气排放输入",
);
const NO_WASTE: Text = t(
    "not computed: the project has no waste inputs",
    "未计算：项目没有废弃物数据输入",
);
const NO_WATER: Text = t(
    "not computed: the project has no water inputs",
    "未计算：项目没有用水数据输入",
);
const NARRATIVE: Text = t(
    "narrative disclosure written by the issuer; not generated from figures",
    "由发行人撰写的叙述性披露，不由数据生成",
);
const GRID_MIX: Text = t(
    "not available: the generation mix of purchased grid electricity is not an input, so its fossil and nuclear shares cannot be split",
    "无法提供：项目未输入外购电网电力的发电结构，无法拆分化石与核能占比",
);

/// Fossil fuels burnt on site, by the ESRS E1 §38 breakdown.
const PETROLEUM: [&str; 5] = ["diesel", "gasoline", "lpg", "fuel_oil", "jet_kerosene"];

/// Figure names of the scope 3 categories the ledger has (`ghg.scope3.cat4`), ascending.
fn scope3_categories(inputs: &Inputs<'_>) -> Vec<(u32, String)> {
    let mut v: Vec<(u32, String)> = inputs
        .ledger
        .names()
        .into_iter()
        .filter_map(|n| {
            let c = n.strip_prefix("ghg.scope3.cat")?.parse::<u32>().ok()?;
            Some((c, n))
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The GHG Protocol Scope 3 Standard's category names.
fn category_name(c: u32) -> Text {
    match c {
        1 => t("purchased goods and services", "外购商品和服务"),
        2 => t("capital goods", "资本货物"),
        3 => t("fuel- and energy-related activities", "燃料和能源相关活动"),
        4 => t("upstream transportation and distribution", "上游运输和配送"),
        5 => t("waste generated in operations", "运营中产生的废弃物"),
        6 => t("business travel", "商务差旅"),
        7 => t("employee commuting", "员工通勤"),
        8 => t("upstream leased assets", "上游租赁资产"),
        9 => t(
            "downstream transportation and distribution",
            "下游运输和配送",
        ),
        10 => t("processing of sold products", "售出产品的加工"),
        11 => t("use of sold products", "售出产品的使用"),
        12 => t(
            "end-of-life treatment of sold products",
            "售出产品的报废处理",
        ),
        13 => t("downstream leased assets", "下游租赁资产"),
        14 => t("franchises", "特许经营"),
        _ => t("investments", "投资"),
    }
}

/// One row per Scope 3 category: the figure where the project computes it, else why not.
fn scope3_rows(inputs: &Inputs<'_>, reference: &'static str) -> Vec<Spec> {
    let lang = inputs.lang;
    let have = scope3_categories(inputs);
    (1..=15)
        .map(|c| {
            let name = category_name(c).get(lang);
            let label = match lang {
                Lang::En => format!("Scope 3 category {c}: {name}"),
                Lang::Zh => format!("范围三 类别{c}：{name}"),
            };
            match have.iter().find(|(k, _)| *k == c) {
                Some((_, fig)) => Spec {
                    reference,
                    label,
                    content: Content::Figures {
                        names: vec![fig.clone()],
                        scale: Decimal::ONE,
                        unit: None,
                    },
                },
                None => Spec {
                    reference,
                    label,
                    content: Content::Missing(t(
                        "not computed: the project has no activity data for this category",
                        "未计算：项目没有该类别的活动数据",
                    )),
                },
            }
        })
        .collect()
}

/// Scope 3 total over the computed categories.
fn scope3_total(inputs: &Inputs<'_>, reference: &'static str) -> Spec {
    let have = scope3_categories(inputs);
    let lang = inputs.lang;
    let cats: Vec<String> = have.iter().map(|(c, _)| c.to_string()).collect();
    let label = match lang {
        Lang::En => format!(
            "Gross Scope 3 GHG emissions (categories computed: {})",
            if cats.is_empty() {
                "none".to_string()
            } else {
                cats.join(", ")
            }
        ),
        Lang::Zh => format!(
            "范围三温室气体总排放量（已计算类别：{}）",
            if cats.is_empty() {
                "无".to_string()
            } else {
                cats.join("、")
            }
        ),
    };
    let names: Vec<String> = have.into_iter().map(|(_, n)| n).collect();
    if names.is_empty() {
        return Spec {
            reference,
            label,
            content: Content::Missing(t(
                "not computed: the project has no Scope 3 activity data",
                "未计算：项目没有范围三活动数据",
            )),
        };
    }
    Spec {
        reference,
        label,
        content: Content::Figures {
            names,
            scale: Decimal::ONE,
            unit: None,
        },
    }
}

/// Per-gas Scope 1 figures (`ghg.scope1.co2`, …) with their display names.
fn gas_figures(inputs: &Inputs<'_>) -> Vec<(String, String)> {
    inputs
        .ledger
        .names()
        .into_iter()
        .filter_map(|n| {
            let g = n.strip_prefix("ghg.scope1.")?;
            // ghg.scope1.<source> splits by source, not by gas.
            if matches!(g, "stationary" | "fugitive" | "mobile" | "process") || g.contains('.') {
                return None;
            }
            let label = gas_label(&inputs.ledger.comp, g);
            Some((n.clone(), label))
        })
        .collect()
}

/// Biogenic CO2, outside the scopes: `ghg.biogenic_co2` when a row burns biomass or a biofuel;
/// otherwise a row that says none is recorded, and why (never a zero).
/// Whether metrics.csv gave any denominator (`metric.<name>` figures).
fn has_metrics(inputs: &Inputs<'_>) -> bool {
    inputs
        .ledger
        .names()
        .iter()
        .any(|n| n.starts_with("metric."))
}

/// A row of scope 1 + 2 intensity per revenue (else production) from metrics.csv,
/// `intensity.<metric>.<suffix>`; without such a metric, the row says why.
fn per_metric(inputs: &Inputs<'_>, reference: &'static str, label: Text, suffix: &str) -> Spec {
    let names = inputs.ledger.names();
    for m in INTENSITY_METRICS {
        let name = format!("intensity.{m}.{suffix}");
        if names.contains(&name) {
            return Spec::figure(reference, label, inputs.lang, &name);
        }
    }
    no_intensity(inputs, reference, label)
}

/// A per-revenue row carbonledger does not compute: says whether a denominator was given.
fn no_intensity(inputs: &Inputs<'_>, reference: &'static str, label: Text) -> Spec {
    let why = if has_metrics(inputs) {
        NOT_PER_METRIC
    } else {
        NO_REVENUE
    };
    Spec::missing(reference, label, inputs.lang, why)
}

fn biogenic_row(inputs: &Inputs<'_>) -> Spec {
    let l = inputs.lang;
    let reference = t("ch. 9: biogenic CO2", "第9章：生物源二氧化碳").get(l);
    let label = t(
        "Direct CO2 emissions from biologically sequestered carbon (reported outside the scopes)",
        "生物源二氧化碳直接排放（在范围之外单独报告）",
    );
    if inputs
        .ledger
        .names()
        .iter()
        .any(|n| n == "ghg.biogenic_co2")
    {
        return Spec::figure(reference, label, l, "ghg.biogenic_co2");
    }
    Spec::missing(
        reference,
        label,
        l,
        t(
            "none recorded: no input row burns biomass or a biofuel (biomass, biogas, biodiesel, bioethanol and the blends B7, B20, E10: the carriers whose CO2 is wholly or partly biogenic)",
            "无记录：没有输入行燃烧生物质或生物燃料（生物质、沼气、生物柴油、燃料乙醇及B7、B20、E10混合燃料，即其二氧化碳全部或部分为生物源的能源品种）",
        ),
    )
}

/// The seven Kyoto gases (groups) none of whose members has a scope 1 figure, in words: the
/// Corporate Standard asks for each gas separately, so an absent one is named, never blank.
/// A gas key belongs to HFCs when it is an HFC or an R-4xx/R-5xx blend (mixtures of HFCs),
/// to PFCs when it is a perfluorocarbon (PFC-…, CF4, C2F6, C3F8, c-C4F8).
fn absent_kyoto_gases(inputs: &Inputs<'_>, l: Lang) -> String {
    // Keys compared without hyphens: `r-410a` and `r410a`, `c-c4f8` and `cc4f8` are one gas.
    let present: Vec<String> = gas_figures(inputs)
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("ghg.scope1."))
        .map(|g| {
            g.chars()
                .filter(|c| *c != '-')
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect();
    let has = |test: &dyn Fn(&str) -> bool| present.iter().any(|g| test(g));
    let groups: [(&str, bool); 7] = [
        ("CO2", has(&|g| g == "co2")),
        ("CH4", has(&|g| g.starts_with("ch4"))),
        ("N2O", has(&|g| g == "n2o")),
        (
            "HFCs",
            has(&|g| g.starts_with("hfc") || g.starts_with("r4") || g.starts_with("r5")),
        ),
        (
            "PFCs",
            has(&|g| {
                g.starts_with("pfc")
                    || matches!(g, "cf4" | "c2f6" | "c3f8" | "cc4f8" | "c4f8" | "c6f14")
            }),
        ),
        ("SF6", has(&|g| g == "sf6")),
        ("NF3", has(&|g| g == "nf3")),
    ];
    let absent: Vec<&str> = groups.iter().filter(|(_, p)| !p).map(|(g, _)| *g).collect();
    match (l, absent.is_empty()) {
        (Lang::En, true) => "none: every Kyoto gas has a row above".to_string(),
        (Lang::Zh, true) => "无：每种《京都议定书》气体均已在上方列出".to_string(),
        (Lang::En, false) => format!(
            "{}: no input row releases or emits them, so their scope 1 emissions are nil",
            absent.join(", ")
        ),
        (Lang::Zh, false) => format!(
            "{}：没有任何输入行排放这些气体，其范围一排放为零",
            absent.join("、")
        ),
    }
}

/// Energy carriers with a figure (`energy.by_carrier.X`), in report order.
fn carriers(inputs: &Inputs<'_>) -> Vec<String> {
    inputs
        .ledger
        .names()
        .into_iter()
        .filter_map(|n| n.strip_prefix("energy.by_carrier.").map(str::to_string))
        .collect()
}

/// A carrier's name in the report language.
pub fn carrier_label(c: &str, lang: Lang) -> String {
    let text = match c {
        "electricity" => t("purchased electricity", "外购电力"),
        "heat" => t("purchased heat", "外购热力"),
        "steam" => t("purchased steam", "外购蒸汽"),
        "natural_gas" => t("natural gas", "天然气"),
        "diesel" => t("diesel", "柴油"),
        "gasoline" => t("gasoline", "汽油"),
        "lpg" => t("liquefied petroleum gas", "液化石油气"),
        "fuel_oil" => t("fuel oil", "燃料油"),
        "jet_kerosene" => t("jet kerosene", "航空煤油"),
        "coal" => t("coal", "煤炭"),
        "onsite_solar" => t("on-site solar (self-consumed)", "自有光伏发电（自用）"),
        _ => return c.to_string(),
    };
    text.get(lang).to_string()
}

fn names_of(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

/// Factor editions chosen per year, in words (`2025: cn-mee-grid 2023, …`).
fn methods_text(inputs: &Inputs<'_>) -> String {
    let m = &inputs.project.manifest;
    let mut parts = Vec::new();
    for y in &inputs.ledger.years {
        if let Some(sel) = m.years.get(y) {
            let eds: Vec<String> = sel
                .editions
                .iter()
                .map(|(s, e)| format!("{s} {e}"))
                .collect();
            parts.push(format!("{y}: {}", eds.join(", ")));
        }
    }
    match inputs.lang {
        Lang::En => format!(
            "activity data × cited emission factors, exact decimals (carbonledger; docs/methodology.md); factor editions {}",
            parts.join("; ")
        ),
        Lang::Zh => format!(
            "活动数据 × 有出处的排放因子，精确十进制计算（carbonledger；docs/methodology.md）；因子版本 {}",
            parts.join("；")
        ),
    }
}

/// The GWP set and edition per year, with the publication's title.
fn gwp_text(inputs: &Inputs<'_>) -> String {
    let p = inputs.project;
    let set = &p.manifest.families.gwp;
    let mut parts = Vec::new();
    for y in &inputs.ledger.years {
        let ed = p.manifest.edition_for(*y, set).unwrap_or("?");
        let title = p
            .library
            .edition(set, ed)
            .map_or(String::new(), |e| format!(" — {}", e.description));
        parts.push(format!("{y}: {set} {ed}{title}"));
    }
    parts.join("; ")
}

fn consolidation_text(inputs: &Inputs<'_>) -> String {
    use crate::project::Consolidation;
    let c = inputs.project.manifest.consolidation;
    match (c, inputs.lang) {
        (Consolidation::OperationalControl, Lang::En) => "operational control".into(),
        (Consolidation::OperationalControl, Lang::Zh) => "运营控制权法".into(),
        (Consolidation::FinancialControl, Lang::En) => "financial control".into(),
        (Consolidation::FinancialControl, Lang::Zh) => "财务控制权法".into(),
        (Consolidation::EquityShare, Lang::En) => "equity share".into(),
        (Consolidation::EquityShare, Lang::Zh) => "股权比例法".into(),
    }
}

fn has(inputs: &Inputs<'_>, name: &str) -> bool {
    inputs.ledger.names().iter().any(|n| n == name)
}

/// A Scope 2 market-based row (priced at the residual mix where no instrument applies; a
/// project without a value says so when the row is evaluated).
fn market_row(inputs: &Inputs<'_>, reference: &'static str, label: Text) -> Spec {
    Spec::figure(reference, label, inputs.lang, "ghg.scope2.market")
}

/// Energy rows in kWh (MWh × 1000) for SECR.
fn kwh(reference: &'static str, label: String, names: Vec<String>) -> Spec {
    Spec {
        reference,
        label,
        content: Content::Figures {
            names,
            scale: Decimal::ONE_THOUSAND,
            unit: Some("kWh"),
        },
    }
}

/// The sections of a standard's report.
pub fn sections(inputs: &Inputs<'_>, standard: Standard) -> Vec<SectionSpec> {
    match standard {
        Standard::Hkex => hkex(inputs),
        Standard::Esrs => esrs(inputs),
        Standard::Ghgp => ghgp(inputs),
        Standard::Secr => secr(inputs),
    }
}

fn hkex(inputs: &Inputs<'_>) -> Vec<SectionSpec> {
    let l = inputs.lang;
    let mut a1 = Vec::new();
    a1.push(Spec::missing(
        "A1.1",
        t(
            "Types of emissions: air pollutants (NOx, SOx, particulate matter)",
            "排放物种类：废气（氮氧化物、硫氧化物、颗粒物）",
        ),
        l,
        NO_AIR,
    ));
    for (fig, gas) in gas_figures(inputs) {
        a1.push(Spec {
            reference: "A1.1",
            label: match l {
                Lang::En => format!("Types of emissions: Scope 1 {gas}"),
                Lang::Zh => format!("排放物种类：范围一 {gas}"),
            },
            content: Content::Figures {
                names: vec![fig],
                scale: Decimal::ONE,
                unit: None,
            },
        });
    }
    a1.push(Spec::figure(
        "A1.2",
        t(
            "Direct (Scope 1) GHG emissions",
            "直接（范围一）温室气体排放",
        ),
        l,
        "ghg.scope1",
    ));
    a1.push(Spec::figure(
        "A1.2",
        t(
            "Energy indirect (Scope 2) GHG emissions, location-based",
            "能源间接（范围二）温室气体排放（基于位置）",
        ),
        l,
        "ghg.scope2.location",
    ));
    a1.push(market_row(
        inputs,
        "A1.2",
        t(
            "Energy indirect (Scope 2) GHG emissions, market-based",
            "能源间接（范围二）温室气体排放（基于市场）",
        ),
    ));
    a1.push(Spec::figure(
        "A1.2",
        t(
            "Total Scope 1 and Scope 2 GHG emissions (location-based)",
            "范围一及范围二温室气体排放总量（基于位置）",
        ),
        l,
        "ghg.total.location",
    ));
    a1.push(Spec::figure(
        "A1.2",
        t(
            "GHG intensity per MWh of energy consumed (Scope 1 + 2, location-based)",
            "温室气体排放密度（每兆瓦时能耗，范围一及二，基于位置）",
        ),
        l,
        "intensity.ghg_per_energy",
    ));
    a1.push(per_metric(
        inputs,
        "A1.2",
        t(
            "GHG intensity per unit of production volume or revenue (Scope 1 + 2, location-based)",
            "温室气体排放密度（每产量单位或每项收入，范围一及二，基于位置）",
        ),
        "ghg_total_location",
    ));
    a1.push(Spec::missing(
        "A1.3",
        t("Hazardous waste produced", "所产生有害废弃物总量"),
        l,
        NO_WASTE,
    ));
    a1.push(Spec::missing(
        "A1.4",
        t("Non-hazardous waste produced", "所产生无害废弃物总量"),
        l,
        NO_WASTE,
    ));
    a1.push(Spec::missing(
        "A1.5",
        t(
            "Emission targets and steps taken to achieve them",
            "排放量目标及为达到目标所采取的步骤",
        ),
        l,
        NARRATIVE,
    ));
    let mut a2 = Vec::new();
    for c in carriers(inputs) {
        a2.push(Spec {
            reference: "A2.1",
            label: match l {
                Lang::En => format!(
                    "Energy consumption by type: {} (MWh = '000 kWh)",
                    carrier_label(&c, l)
                ),
                Lang::Zh => format!(
                    "按类型划分的能源消耗：{}（兆瓦时 = 千个千瓦时）",
                    carrier_label(&c, l)
                ),
            },
            content: Content::Figures {
                names: vec![format!("energy.by_carrier.{c}")],
                scale: Decimal::ONE,
                unit: None,
            },
        });
    }
    a2.push(Spec::figure(
        "A2.1",
        t(
            "Total energy consumption (MWh = '000 kWh)",
            "能源消耗总量（兆瓦时 = 千个千瓦时）",
        ),
        l,
        "energy.total",
    ));
    a2.push(Spec::figure(
        "A2.1",
        t(
            "Total energy consumption in standard coal equivalent",
            "能源消耗总量（折标准煤）",
        ),
        l,
        "energy.total_tce",
    ));
    a2.push(no_intensity(
        inputs,
        "A2.1",
        t(
            "Energy intensity per unit of production volume or revenue",
            "能源消耗密度（每产量单位或每项收入）",
        ),
    ));
    a2.push(Spec::missing(
        "A2.2",
        t("Water consumption in total and intensity", "总耗水量及密度"),
        l,
        NO_WATER,
    ));
    let mut d = vec![
        Spec::figure(
            t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
            t("Scope 1 GHG emissions", "范围一温室气体排放"),
            l,
            "ghg.scope1",
        ),
        Spec::figure(
            t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
            t(
                "Scope 2 GHG emissions, location-based",
                "范围二温室气体排放（基于位置）",
            ),
            l,
            "ghg.scope2.location",
        ),
        market_row(
            inputs,
            t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
            t(
                "Scope 2 GHG emissions, market-based",
                "范围二温室气体排放（基于市场）",
            ),
        ),
        scope3_total(
            inputs,
            t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
        ),
    ];
    d.extend(scope3_rows(
        inputs,
        t("Part D: Scope 3 by category", "D部分：按类别划分的范围三").get(l),
    ));
    d.push(Spec::text(
        t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
        t("Consolidation approach", "合并方法"),
        l,
        consolidation_text(inputs),
    ));
    d.push(Spec::text(
        t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
        t(
            "Measurement approach, inputs and assumptions",
            "计量方法、输入数据及假设",
        ),
        l,
        methods_text(inputs),
    ));
    d.push(Spec::text(
        t("Part D: GHG emissions", "D部分：温室气体排放").get(l),
        t("Global warming potentials used", "所用全球变暖潜能值"),
        l,
        gwp_text(inputs),
    ));
    vec![
        (
            "hkex.a1",
            t(
                "Aspect A1: Emissions (t CO2e)",
                "层面A1：排放物（吨二氧化碳当量）",
            ),
            a1,
        ),
        (
            "hkex.a2",
            t("Aspect A2: Use of resources", "层面A2：资源使用"),
            a2,
        ),
        (
            "hkex.d",
            t(
                "Part D: Climate-related disclosures — greenhouse gas emissions",
                "D部分：气候相关披露——温室气体排放",
            ),
            d,
        ),
    ]
}

fn fossil_fuels(inputs: &Inputs<'_>) -> Vec<String> {
    carriers(inputs)
        .into_iter()
        .filter(|c| c == "natural_gas" || c == "coal" || PETROLEUM.contains(&c.as_str()))
        .map(|c| format!("energy.by_carrier.{c}"))
        .collect()
}

fn breakdown_row(
    inputs: &Inputs<'_>,
    reference: &'static str,
    label: Text,
    carriers_of: &[&str],
) -> Spec {
    let names: Vec<String> = carriers(inputs)
        .into_iter()
        .filter(|c| carriers_of.contains(&c.as_str()))
        .map(|c| format!("energy.by_carrier.{c}"))
        .collect();
    if names.is_empty() {
        return Spec::missing(
            reference,
            label,
            inputs.lang,
            t(
                "none recorded: the project's energy rows have no carrier of this kind",
                "无记录：项目能源数据中没有此类能源",
            ),
        );
    }
    Spec::sum(reference, label, inputs.lang, &names_of(&names))
}

fn esrs(inputs: &Inputs<'_>) -> Vec<SectionSpec> {
    let l = inputs.lang;
    let fossil = fossil_fuels(inputs);
    let mut e15 = vec![
        Spec::figure(
            "E1-5 §37",
            t("Total energy consumption (MWh)", "能源消耗总量（兆瓦时）"),
            l,
            "energy.total",
        ),
        Spec::missing(
            "E1-5 §37(a)",
            t(
                "Total energy consumption from fossil sources",
                "来自化石能源的能源消耗总量",
            ),
            l,
            GRID_MIX,
        ),
    ];
    if fossil.is_empty() {
        e15.push(Spec::missing(
            "E1-5 §37(a)",
            t(
                "of which fossil fuels burnt on site",
                "其中：现场燃烧的化石燃料",
            ),
            l,
            t(
                "none recorded: the project's energy rows have no fossil fuel",
                "无记录：项目能源数据中没有化石燃料",
            ),
        ));
    } else {
        e15.push(Spec::sum(
            "E1-5 §37(a)",
            t(
                "of which fossil fuels burnt on site",
                "其中：现场燃烧的化石燃料",
            ),
            l,
            &names_of(&fossil),
        ));
    }
    e15.push(Spec::missing(
        "E1-5 §37(b)",
        t(
            "Total energy consumption from nuclear sources",
            "来自核能的能源消耗总量",
        ),
        l,
        GRID_MIX,
    ));
    if has(inputs, "energy.renewable") {
        e15.push(Spec::figure(
            "E1-5 §37(c)",
            t(
                "Total energy consumption from renewable sources",
                "来自可再生能源的能源消耗总量",
            ),
            l,
            "energy.renewable",
        ));
    } else {
        e15.push(Spec::missing(
            "E1-5 §37(c)",
            t(
                "Total energy consumption from renewable sources",
                "来自可再生能源的能源消耗总量",
            ),
            l,
            t(
                "not computed: the project records no renewable energy (solar.csv, instruments.csv)",
                "未计算：项目没有可再生能源记录（solar.csv、instruments.csv）",
            ),
        ));
    }
    e15.push(Spec::missing(
        "E1-5 §37(c)(i)",
        t(
            "Fuel consumption from renewable sources (incl. biomass)",
            "来自可再生来源的燃料消耗（含生物质）",
        ),
        l,
        t(
            "none recorded: the project has no renewable fuel carrier (carbonledger does not yet model biomass)",
            "无记录：项目没有可再生燃料（carbonledger 尚未支持生物质）",
        ),
    ));
    for (r, name, label) in [
        (
            "E1-5 §37(c)(ii)",
            "energy.renewable.contractual",
            t(
                "Purchased electricity, heat, steam and cooling from renewable sources",
                "外购的来自可再生来源的电力、热力、蒸汽和冷量",
            ),
        ),
        (
            "E1-5 §37(c)(iii)",
            "energy.renewable.onsite_solar",
            t(
                "Self-generated non-fuel renewable energy",
                "自产的非燃料可再生能源",
            ),
        ),
    ] {
        if has(inputs, name) {
            e15.push(Spec::figure(r, label, l, name));
        } else {
            e15.push(Spec::missing(
                r,
                label,
                l,
                t(
                    "none recorded in the project's renewable inputs",
                    "项目可再生能源输入中无记录",
                ),
            ));
        }
    }
    if has(inputs, "energy.renewable_share") {
        e15.push(Spec::figure(
            "E1-5 §37(c)",
            t(
                "Share of renewable sources in total energy consumption",
                "可再生能源占能源消耗总量的比例",
            ),
            l,
            "energy.renewable_share",
        ));
    }
    e15.push(breakdown_row(
        inputs,
        "E1-5 §38(a)",
        t(
            "Fuel consumption from coal and coal products",
            "煤炭及煤制品燃料消耗",
        ),
        &["coal"],
    ));
    e15.push(breakdown_row(
        inputs,
        "E1-5 §38(b)",
        t(
            "Fuel consumption from crude oil and petroleum products",
            "原油及石油制品燃料消耗",
        ),
        &PETROLEUM,
    ));
    e15.push(breakdown_row(
        inputs,
        "E1-5 §38(c)",
        t("Fuel consumption from natural gas", "天然气燃料消耗"),
        &["natural_gas"],
    ));
    e15.push(Spec::missing(
        "E1-5 §38(e)",
        t(
            "Purchased or acquired electricity, heat, steam and cooling from fossil sources",
            "外购的来自化石来源的电力、热力、蒸汽和冷量",
        ),
        l,
        GRID_MIX,
    ));
    e15.push(no_intensity(
        inputs,
        "E1-5 §40",
        t("Energy intensity per net revenue", "每单位净收入的能源强度"),
    ));

    let s3: Vec<String> = scope3_categories(inputs)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let mut loc = vec!["ghg.scope1".to_string(), "ghg.scope2.location".to_string()];
    loc.extend(s3.iter().cloned());
    let mut e16 = vec![
        Spec::figure(
            "E1-6 §44(a), §48(a)",
            t("Gross Scope 1 GHG emissions", "范围一温室气体总排放量"),
            l,
            "ghg.scope1",
        ),
        Spec::missing(
            "E1-6 §48(b)",
            t(
                "Percentage of Scope 1 GHG emissions from regulated emission trading schemes",
                "受监管排放交易体系覆盖的范围一排放占比",
            ),
            l,
            t(
                "not computed: the project does not record which sources an emission trading scheme covers",
                "未计算：项目未记录哪些排放源纳入排放交易体系",
            ),
        ),
        Spec::figure(
            "E1-6 §44(b), §49(a)",
            t(
                "Gross location-based Scope 2 GHG emissions",
                "基于位置的范围二温室气体总排放量",
            ),
            l,
            "ghg.scope2.location",
        ),
        market_row(
            inputs,
            "E1-6 §44(b), §49(b)",
            t(
                "Gross market-based Scope 2 GHG emissions",
                "基于市场的范围二温室气体总排放量",
            ),
        ),
        scope3_total(inputs, "E1-6 §44(c), §51"),
    ];
    e16.extend(scope3_rows(inputs, "E1-6 §51"));
    e16.push(Spec::sum(
        "E1-6 §44(d), §52(a)",
        t(
            "Total GHG emissions (location-based)",
            "温室气体排放总量（基于位置）",
        ),
        l,
        &names_of(&loc),
    ));
    if has(inputs, "ghg.scope2.market") {
        let mut mkt = vec!["ghg.scope1".to_string(), "ghg.scope2.market".to_string()];
        mkt.extend(s3.iter().cloned());
        e16.push(Spec::sum(
            "E1-6 §44(d), §52(b)",
            t(
                "Total GHG emissions (market-based)",
                "温室气体排放总量（基于市场）",
            ),
            l,
            &names_of(&mkt),
        ));
    } else {
        e16.push(market_row(
            inputs,
            "E1-6 §44(d), §52(b)",
            t(
                "Total GHG emissions (market-based)",
                "温室气体排放总量（基于市场）",
            ),
        ));
    }
    // §53 divides the total including scope 3, which no per-metric figure does.
    e16.push(no_intensity(
        inputs,
        "E1-6 §53",
        t(
            "GHG intensity per net revenue",
            "每单位净收入的温室气体排放强度",
        ),
    ));
    e16.push(Spec::text(
        t("E1-6 (application requirements)", "E1-6（应用要求）").get(l),
        t("Global warming potentials used", "所用全球变暖潜能值"),
        l,
        gwp_text(inputs),
    ));
    vec![
        (
            "esrs.e1-5",
            t(
                "E1-5 Energy consumption and mix (MWh)",
                "E1-5 能源消耗及结构（兆瓦时）",
            ),
            e15,
        ),
        (
            "esrs.e1-6",
            t(
                "E1-6 Gross Scopes 1, 2, 3 and total GHG emissions (t CO2e); base year, previous and current year, % change",
                "E1-6 范围一、二、三总排放量及温室气体排放总量（吨二氧化碳当量）；基准年、上年、本年及变化率",
            ),
            e16,
        ),
    ]
}

fn ghgp(inputs: &Inputs<'_>) -> Vec<SectionSpec> {
    let l = inputs.lang;
    let m = &inputs.project.manifest;
    let mut rows = vec![
        Spec::text(
            t("ch. 9: inventory boundary", "第9章：清单边界").get(l),
            t("Consolidation approach chosen", "所选合并方法"),
            l,
            consolidation_text(inputs),
        ),
        Spec::figure(
            t("ch. 9: scope 1", "第9章：范围一").get(l),
            t("Scope 1 emissions", "范围一排放"),
            l,
            "ghg.scope1",
        ),
        Spec::figure(
            t("ch. 9: scope 2", "第9章：范围二").get(l),
            t(
                "Scope 2 emissions (location-based)",
                "范围二排放（基于位置）",
            ),
            l,
            "ghg.scope2.location",
        ),
        market_row(
            inputs,
            t("Scope 2 Guidance ch. 7", "《范围二指南》第7章").get(l),
            t("Scope 2 emissions (market-based)", "范围二排放（基于市场）"),
        ),
    ];
    for (fig, gas) in gas_figures(inputs) {
        rows.push(Spec {
            reference: t("ch. 9: per gas", "第9章：分气体").get(l),
            label: match l {
                Lang::En => format!("Scope 1 emissions of {gas} (t CO2e)"),
                Lang::Zh => format!("范围一 {gas} 排放（吨二氧化碳当量）"),
            },
            content: Content::Figures {
                names: vec![fig],
                scale: Decimal::ONE,
                unit: None,
            },
        });
    }
    rows.push(Spec {
        reference: t("ch. 9: per gas", "第9章：分气体").get(l),
        label: t(
            "Kyoto gases with no scope 1 emissions recorded",
            "未记录范围一排放的《京都议定书》气体",
        )
        .get(l)
        .to_string(),
        content: Content::Text(absent_kyoto_gases(inputs, l)),
    });
    rows.push(Spec::missing(
        t("ch. 9: per gas", "第9章：分气体").get(l),
        t("Scope 2 emissions by gas", "范围二分气体排放"),
        l,
        t(
            "not available: the grid emission factors are published as CO2 (or CO2e) per kWh only",
            "无法提供：电网排放因子仅以每千瓦时二氧化碳（当量）发布",
        ),
    ));
    rows.push(biogenic_row(inputs));
    rows.push(scope3_total(
        inputs,
        t("ch. 9: optional, scope 3", "第9章：可选，范围三").get(l),
    ));
    rows.push(Spec::text(
        t("ch. 9: base year", "第9章：基准年").get(l),
        t("Base year chosen", "所选基准年"),
        l,
        m.base_year.to_string(),
    ));
    rows.push(Spec::figure(
        t("ch. 9: emissions over time", "第9章：历年排放").get(l),
        t(
            "Scope 1 + 2 emissions (location-based), every reporting year",
            "范围一及二排放（基于位置），各报告年度",
        ),
        l,
        "ghg.total.location",
    ));
    rows.push(Spec::text(
        t("ch. 9: recalculation policy", "第9章：重新计算政策").get(l),
        t("Base-year recalculation policy", "基准年重新计算政策"),
        l,
        match l {
            Lang::En => format!(
                "recalculate the base year when structural or methodological changes shift its emissions by {}% or more (significance_threshold in carbonledger.toml); `carbonledger diff` gives the verdict for a factor change",
                m.significance_threshold_pct.normalize()
            ),
            Lang::Zh => format!(
                "当结构或方法变化使基准年排放变动达到或超过 {}%（carbonledger.toml 的 significance_threshold）时重新计算基准年；因子变更的结论由 `carbonledger diff` 给出",
                m.significance_threshold_pct.normalize()
            ),
        },
    ));
    rows.push(Spec::text(
        t("ch. 9: methodologies", "第9章：方法学").get(l),
        t(
            "Methodologies and emission factors used",
            "所用方法学及排放因子",
        ),
        l,
        methods_text(inputs),
    ));
    rows.push(Spec::text(
        t("ch. 9: GWP", "第9章：全球变暖潜能值").get(l),
        t("Global warming potentials used", "所用全球变暖潜能值"),
        l,
        gwp_text(inputs),
    ));
    let missing: Vec<String> = (1..=15)
        .filter(|c| !scope3_categories(inputs).iter().any(|(k, _)| k == c))
        .map(|c| c.to_string())
        .collect();
    let rejected = inputs.ledger.rejected_rows();
    rows.push(Spec::text(
        t("ch. 9: exclusions", "第9章：排除项").get(l),
        t(
            "Sources, facilities and operations excluded",
            "排除的排放源、设施及业务",
        ),
        l,
        match l {
            Lang::En => format!(
                "Scope 3 categories not computed: {}; rows rejected from the inputs: {rejected}; facilities outside the {} boundary are excluded by the consolidation rule",
                if missing.is_empty() { "none".to_string() } else { missing.join(", ") },
                consolidation_text(inputs)
            ),
            Lang::Zh => format!(
                "未计算的范围三类别：{}；被拒绝的输入行：{rejected}；{}边界之外的设施按合并规则排除",
                if missing.is_empty() { "无".to_string() } else { missing.join("、") },
                consolidation_text(inputs)
            ),
        },
    ));
    vec![(
        "ghgp.ch9",
        t(
            "GHG Protocol Corporate Standard: required information (t CO2e)",
            "温室气体核算体系企业标准：必须报告的信息（吨二氧化碳当量）",
        ),
        rows,
    )]
}

fn secr(inputs: &Inputs<'_>) -> Vec<SectionSpec> {
    let l = inputs.lang;
    let mut rows = vec![kwh(
        t("SECR: energy use", "SECR：能源使用").get(l),
        t(
            "Energy consumption used to calculate emissions (kWh)",
            "用于计算排放的能源消耗（千瓦时）",
        )
        .get(l)
        .to_string(),
        vec!["energy.total".into()],
    )];
    for c in carriers(inputs) {
        rows.push(kwh(
            t("SECR: energy use", "SECR：能源使用").get(l),
            match l {
                Lang::En => format!("  of which {} (kWh)", carrier_label(&c, l)),
                Lang::Zh => format!("  其中：{}（千瓦时）", carrier_label(&c, l)),
            },
            vec![format!("energy.by_carrier.{c}")],
        ));
    }
    rows.push(Spec::figure(
        t("SECR: emissions", "SECR：排放").get(l),
        t(
            "Emissions from combustion of gas and fuels and from refrigerants (Scope 1)",
            "燃气、燃料燃烧及制冷剂排放（范围一）",
        ),
        l,
        "ghg.scope1",
    ));
    rows.push(Spec::figure(
        t("SECR: emissions", "SECR：排放").get(l),
        t(
            "Emissions from purchased electricity (Scope 2, location-based)",
            "外购电力排放（范围二，基于位置）",
        ),
        l,
        "ghg.scope2.location",
    ));
    rows.push(Spec::figure(
        t("SECR: emissions", "SECR：排放").get(l),
        t(
            "Total gross emissions (Scope 1 + 2, location-based)",
            "总排放量（范围一及二，基于位置）",
        ),
        l,
        "ghg.total.location",
    ));
    rows.push(Spec::figure(
        t("SECR: intensity ratio", "SECR：强度比").get(l),
        t(
            "Intensity ratio: t CO2e per MWh of energy consumed",
            "强度比：每兆瓦时能耗的吨二氧化碳当量",
        ),
        l,
        "intensity.ghg_per_energy",
    ));
    rows.push(Spec::text(
        t("SECR: methodology", "SECR：方法学").get(l),
        t("Methodology", "方法学"),
        l,
        methods_text(inputs),
    ));
    let countries: std::collections::BTreeSet<&str> = inputs
        .project
        .facilities
        .list
        .iter()
        .map(|f| f.country.as_str())
        .collect();
    rows.push(Spec {
        reference: t("SECR: UK share", "SECR：英国占比").get(l),
        label: t(
            "Proportion of energy and emissions in the UK and offshore",
            "英国及其近海区域的能源与排放占比",
        )
        .get(l)
        .to_string(),
        content: if countries.iter().all(|c| *c != "GB") {
            Content::MissingOwned(match l {
                Lang::En => format!(
                    "none: no facility is in the UK (facility countries: {})",
                    countries.into_iter().collect::<Vec<_>>().join(", ")
                ),
                Lang::Zh => format!(
                    "无：没有位于英国的设施（设施所在国家：{}）",
                    countries.into_iter().collect::<Vec<_>>().join("、")
                ),
            })
        } else {
            Content::Missing(t(
                "not computed: carbonledger does not yet split figures by country",
                "未计算：carbonledger 尚未按国家拆分数据",
            ))
        },
    });
    rows.push(Spec::missing(
        t("SECR: energy efficiency action", "SECR：能效措施").get(l),
        t(
            "Principal measures taken to increase energy efficiency",
            "提高能源效率的主要措施",
        ),
        l,
        NARRATIVE,
    ));
    vec![(
        "secr",
        t(
            "Streamlined Energy and Carbon Reporting",
            "精简能源与碳排放报告",
        ),
        rows,
    )]
}
