//! The disclosure report model: a standard's tables (HKEX ESG Reporting Code, ESRS E1, GHG
//! Protocol Corporate Standard, UK SECR) as typed rows, each naming the figures it shows and
//! the standard's paragraph or KPI. Values are the ledger's figures (or exact sums and
//! ×1000 conversions of them, named in the row); a row the project cannot fill carries the
//! reason in words, never a blank or a zero. Which rows a standard has lives in
//! `report::standards`; rendering lives in `report::render` and `report::html`.

use super::lang::{Lang, Text};
use crate::decimal::{self, CalcError, FIGURE_DP};
use crate::ledger::Ledger;
use crate::project::Project;
use rust_decimal::Decimal;
use serde::Serialize;

/// The JSON shape's version; raised whenever a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// A reporting standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Standard {
    /// HKEX ESG Reporting Code (Main Board Listing Rules Appendix C2).
    Hkex,
    /// ESRS E1 Climate change (Commission Delegated Regulation (EU) 2023/2772).
    Esrs,
    /// GHG Protocol Corporate Accounting and Reporting Standard (revised edition), ch. 9.
    Ghgp,
    /// UK Streamlined Energy and Carbon Reporting (SI 2018/1155).
    Secr,
}

impl Standard {
    /// The standard's full name.
    pub fn title(self) -> Text {
        use super::lang::t;
        match self {
            Standard::Hkex => t(
                "HKEX Environmental, Social and Governance Reporting Code (Listing Rules Appendix C2)",
                "香港联交所《环境、社会及管治报告守则》（《上市规则》附录C2）",
            ),
            Standard::Esrs => t(
                "ESRS E1 Climate change (Delegated Regulation (EU) 2023/2772)",
                "欧洲可持续发展报告准则 ESRS E1 气候变化（欧盟授权条例 2023/2772）",
            ),
            Standard::Ghgp => t(
                "GHG Protocol Corporate Accounting and Reporting Standard, chapter 9 (required information)",
                "温室气体核算体系《企业核算与报告标准》第9章（必须报告的信息）",
            ),
            Standard::Secr => t(
                "UK Streamlined Energy and Carbon Reporting (SI 2018/1155)",
                "英国《精简能源与碳排放报告》（SECR，SI 2018/1155）",
            ),
        }
    }
}

/// One year's value of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct YearValue {
    /// The year.
    pub year: i32,
    /// The exact value (a decimal string), when the year has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The same value as a number, for renderers.
    #[serde(skip)]
    pub exact_value: Option<Decimal>,
    /// False when a division on the way was rounded (see the figures' `exact`).
    pub exact: bool,
    /// Why there is no value this year, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// One row of a disclosure table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// The standard's paragraph or KPI (`A1.2`, `E1-6 §49(a)`).
    pub reference: String,
    /// What the row is, in the report language.
    pub label: String,
    /// The figures shown (summed when more than one), by name.
    pub figures: Vec<String>,
    /// Unit of the values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Values per reporting year (empty for a text row or a row that cannot be filled).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<YearValue>,
    /// Change of the latest year against the year before, % (exact, like `change.*` figures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_pct: Option<String>,
    /// A text answer (consolidation approach, methods, GWP source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why the project cannot fill this row, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_available: Option<String>,
    /// How the value was derived from the figures, when not shown as is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A titled group of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Section {
    /// Stable id (`hkex.a1`).
    pub id: &'static str,
    /// Title, in the report language.
    pub title: String,
    /// Rows.
    pub rows: Vec<Row>,
}

/// A factor edition cited by the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Citation {
    /// `set@edition`.
    pub edition: String,
    /// Publisher — title (published), table, address.
    pub text: String,
}

/// A disclosure report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// See [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The standard.
    pub standard: Standard,
    /// The standard's name, in the report language.
    pub standard_title: String,
    /// Report language.
    pub lang: Lang,
    /// Organisation.
    pub organisation: String,
    /// Reporting years shown, ascending.
    pub years: Vec<i32>,
    /// Base year.
    pub base_year: i32,
    /// Consolidation approach (manifest name).
    pub consolidation: String,
    /// The tables.
    pub sections: Vec<Section>,
    /// Every factor edition used in any reporting year.
    pub citations: Vec<Citation>,
    /// How values are rounded when presented (the manifest's rule, in the report language).
    pub rounding: String,
}

/// What a row shows.
#[derive(Debug, Clone)]
pub enum Content {
    /// The sum of these figures (one figure is shown as is), times `scale`, in `unit`
    /// (`None`: the figures' unit).
    Figures {
        /// Figure names.
        names: Vec<String>,
        /// Multiplier (1, or 1000 for MWh → kWh).
        scale: Decimal,
        /// Unit after scaling.
        unit: Option<&'static str>,
    },
    /// A text answer.
    Text(String),
    /// The row cannot be filled, because …
    Missing(Text),
    /// The row cannot be filled, because … (built from project data).
    MissingOwned(String),
}

/// A row before evaluation.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Paragraph or KPI.
    pub reference: &'static str,
    /// Label in the report language.
    pub label: String,
    /// What it shows.
    pub content: Content,
}

impl Spec {
    /// A row of one figure, shown as is.
    pub fn figure(reference: &'static str, label: Text, lang: Lang, name: &str) -> Spec {
        Spec::sum(reference, label, lang, &[name])
    }
    /// A row of the sum of figures.
    pub fn sum(reference: &'static str, label: Text, lang: Lang, names: &[&str]) -> Spec {
        Spec {
            reference,
            label: label.get(lang).to_string(),
            content: Content::Figures {
                names: names.iter().map(|s| s.to_string()).collect(),
                scale: Decimal::ONE,
                unit: None,
            },
        }
    }
    /// A row the project cannot fill.
    pub fn missing(reference: &'static str, label: Text, lang: Lang, why: Text) -> Spec {
        Spec {
            reference,
            label: label.get(lang).to_string(),
            content: Content::Missing(why),
        }
    }
    /// A text row.
    pub fn text(reference: &'static str, label: Text, lang: Lang, text: String) -> Spec {
        Spec {
            reference,
            label: label.get(lang).to_string(),
            content: Content::Text(text),
        }
    }
}

/// What a report is built from.
pub struct Inputs<'a> {
    /// The project.
    pub project: &'a Project,
    /// Its computed ledger.
    pub ledger: &'a Ledger,
    /// Language.
    pub lang: Lang,
}

/// A row's value in a year: the scaled sum, whether exact, the figures' unit, and the
/// figures that had no value that year.
type Summed = (Decimal, bool, String, Vec<String>);

/// The value of a row in one year: `None` when none of its figures has a value that year.
fn year_value(
    ledger: &Ledger,
    names: &[String],
    scale: Decimal,
    year: i32,
) -> Result<Option<Summed>, CalcError> {
    let mut total = Decimal::ZERO;
    let mut exact = true;
    let mut any = false;
    let mut unit = String::new();
    let mut absent = Vec::new();
    for n in names {
        match ledger.figure(n, year)? {
            Some(f) => {
                total = decimal::add(total, f.value)?;
                exact &= f.exact;
                any = true;
                unit = f.unit.to_string();
            }
            None => absent.push(n.clone()),
        }
    }
    if !any {
        return Ok(None);
    }
    Ok(Some((
        decimal::mul(total, scale)?.normalize(),
        exact,
        unit,
        absent,
    )))
}

/// `(now − prev) / prev × 100`, exactly as the `change.*` figures are computed.
pub fn change_pct(now: Decimal, prev: Decimal) -> Result<Option<Decimal>, CalcError> {
    if prev.is_zero() {
        return Ok(None);
    }
    let q = decimal::div(
        decimal::mul(decimal::sub(now, prev)?, Decimal::ONE_HUNDRED)?,
        prev,
    )?;
    Ok(Some(q.rounded(FIGURE_DP).normalize()))
}

/// Evaluates one row over the reporting years.
pub fn evaluate(ledger: &Ledger, years: &[i32], lang: Lang, spec: Spec) -> Result<Row, CalcError> {
    let mut row = Row {
        reference: spec.reference.to_string(),
        label: spec.label,
        figures: Vec::new(),
        unit: None,
        values: Vec::new(),
        change_pct: None,
        text: None,
        not_available: None,
        note: None,
    };
    match spec.content {
        Content::Text(s) => row.text = Some(s),
        Content::Missing(why) => row.not_available = Some(why.get(lang).to_string()),
        Content::MissingOwned(why) => row.not_available = Some(why),
        Content::Figures { names, scale, unit } => {
            let mut shown_unit = unit.map(str::to_string);
            let mut values = Vec::new();
            let mut partial = Vec::new();
            for &y in years {
                match year_value(ledger, &names, scale, y)? {
                    Some((v, exact, u, absent)) => {
                        if !absent.is_empty() {
                            partial.push(match lang {
                                Lang::En => format!(
                                    "{y} without {} (no value that year)",
                                    absent.join(", ")
                                ),
                                Lang::Zh => {
                                    format!("{y}年不含 {}（该年无数据）", absent.join("、"))
                                }
                            });
                        }
                        if shown_unit.is_none() {
                            shown_unit = Some(u);
                        }
                        values.push(YearValue {
                            year: y,
                            value: Some(v.to_string()),
                            exact_value: Some(v),
                            exact,
                            missing: None,
                        });
                    }
                    None => values.push(YearValue {
                        year: y,
                        value: None,
                        exact_value: None,
                        exact: true,
                        missing: Some(match lang {
                            Lang::En => format!("no data for {y}"),
                            Lang::Zh => format!("{y}年无数据"),
                        }),
                    }),
                }
            }
            if values.iter().all(|v| v.value.is_none()) {
                row.not_available = Some(match lang {
                    Lang::En => format!(
                        "not computed: the project's inputs give no value for {}",
                        names.join(" + ")
                    ),
                    Lang::Zh => format!("未计算：项目输入中没有 {} 的数据", names.join(" + ")),
                });
                row.figures = names;
                return Ok(row);
            }
            if let [.., p, n] = values.as_slice() {
                if let (Some(pv), Some(nv)) = (p.exact_value, n.exact_value) {
                    row.change_pct = change_pct(nv, pv)?.map(|c| c.to_string());
                }
            }
            if names.len() > 1 {
                let mut n = match lang {
                    Lang::En => format!("sum of {}", names.join(" + ")),
                    Lang::Zh => format!("{} 之和", names.join(" + ")),
                };
                for p in &partial {
                    n.push_str("; ");
                    n.push_str(p);
                }
                row.note = Some(n);
            }
            if scale != Decimal::ONE {
                let n = match lang {
                    Lang::En => format!("× {scale}"),
                    Lang::Zh => format!("× {scale}"),
                };
                row.note = Some(match row.note {
                    Some(s) => format!("{s}, {n}"),
                    None => n,
                });
            }
            row.figures = names;
            row.unit = shown_unit;
            row.values = values;
        }
    }
    Ok(row)
}

/// Builds the report of a standard.
pub fn build(
    inputs: &Inputs<'_>,
    standard: Standard,
    citations: Vec<Citation>,
) -> Result<Report, CalcError> {
    let m = &inputs.project.manifest;
    let years = inputs.ledger.years.clone();
    let mut sections = Vec::new();
    for (id, title, specs) in super::standards::sections(inputs, standard) {
        let mut rows = Vec::new();
        for s in specs {
            rows.push(evaluate(inputs.ledger, &years, inputs.lang, s)?);
        }
        sections.push(Section {
            id,
            title: title.get(inputs.lang).to_string(),
            rows,
        });
    }
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        standard,
        standard_title: standard.title().get(inputs.lang).to_string(),
        lang: inputs.lang,
        organisation: m.organisation.clone(),
        years,
        base_year: m.base_year,
        consolidation: m.consolidation.name().to_string(),
        sections,
        citations,
        rounding: match (inputs.lang, m.rounding) {
            (Lang::Zh, crate::decimal::RoundingRule::HalfAwayFromZero) => "四舍五入".to_string(),
            (Lang::Zh, crate::decimal::RoundingRule::HalfEven) => {
                "四舍六入五成双（GB/T 8170）".to_string()
            }
            (Lang::En, r) => r.describe().to_string(),
        },
    })
}

impl Report {
    /// Every row, in order, with its section.
    pub fn rows(&self) -> impl Iterator<Item = (&Section, &Row)> {
        self.sections
            .iter()
            .flat_map(|s| s.rows.iter().map(move |r| (s, r)))
    }
}
