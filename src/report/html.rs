//! The HTML report: one self-contained file (inline CSS and SVG; no script, no external
//! font, image or style) with a standard's disclosure tables, the charts, the factor
//! citations and every shown figure's `explain` trace. Every value cell carries the exact
//! value in `data-value` and its figure names in `data-figures`, so a reader (or a test) can
//! check the page against `carbonledger figures`. Deterministic: no clock, no randomness.

use super::chart::esc;
use super::charts::Chart;
use super::disclosure::Report;
use super::lang::{Lang, NumberStyle};
use super::render::{cell, change_cell, note_cell, year_head};
use crate::decimal::RoundingRule;
use std::fmt::Write as _;

/// One figure's trace, as `carbonledger explain` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// Figure name.
    pub figure: String,
    /// Year.
    pub year: i32,
    /// The trace text.
    pub text: String,
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}\
table{border-collapse:collapse;margin:0 0 1.5em 0;font-size:13px}\
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;max-width:460px}\
th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}\
td.na{color:#8a4b00;font-style:italic}\
.charts{display:flex;flex-wrap:wrap;gap:12px}\
pre{font-size:11px;background:#f7f7f7;padding:6px;overflow-x:auto}\
details{margin:0 0 4px 0}footer{font-size:12px;color:#555}";

fn words(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::En => [
            "Disclosure tables",
            "Charts",
            "Factor citations",
            "Figure traces (carbonledger explain)",
            "reference",
            "item",
            "unit",
            "change %",
            "note",
            "Values are exact decimals rounded for display; each value cell carries every digit in its data-value attribute.",
        ],
        Lang::Zh => [
            "披露表",
            "图表",
            "排放因子出处",
            "数据追溯（carbonledger explain）",
            "条款",
            "项目",
            "单位",
            "变化 %",
            "说明",
            "表中数值为精确十进制数修约后的显示值；每个数值单元格的 data-value 属性保留全部数字。",
        ],
    }
}

/// Renders the page.
pub fn render_html(
    r: &Report,
    charts: &[Chart],
    traces: &[Trace],
    rule: RoundingRule,
    style: NumberStyle,
) -> String {
    let w = words(r.lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{} — {}</p>\n",
        r.lang.tag(),
        esc(&r.organisation),
        esc(&r.standard_title),
        esc(&r.standard_title),
        esc(&r.organisation),
        r.years
            .iter()
            .map(|y| year_head(*y, r.base_year, r.lang))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "<h2>{}</h2>", w[0]);
    for sec in &r.sections {
        let _ = writeln!(
            s,
            "<h3 id=\"{}\">{}</h3>\n<table class=\"disclosure\" data-section=\"{}\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th>",
            esc(sec.id),
            esc(&sec.title),
            esc(sec.id),
            w[4],
            w[5],
            w[6]
        );
        for y in &r.years {
            let _ = write!(s, "<th>{}</th>", esc(&year_head(*y, r.base_year, r.lang)));
        }
        let _ = writeln!(
            s,
            "<th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            w[7], w[8]
        );
        for row in &sec.rows {
            let _ = write!(
                s,
                "<tr data-reference=\"{}\" data-figures=\"{}\"><td>{}</td><td>{}</td><td>{}</td>",
                esc(&row.reference),
                esc(&row.figures.join(" + ")),
                esc(&row.reference),
                esc(&row.label),
                esc(row.unit.as_deref().unwrap_or(""))
            );
            for y in &r.years {
                let text = cell(row, *y, r.lang, rule, style);
                match row.values.iter().find(|v| v.year == *y) {
                    Some(v) if v.value.is_some() => {
                        let _ = write!(
                            s,
                            "<td class=\"num\" data-year=\"{y}\" data-value=\"{}\">{}</td>",
                            esc(v.value.as_deref().unwrap_or("")),
                            esc(&text)
                        );
                    }
                    _ if row.text.is_some() => {
                        let _ = write!(s, "<td>{}</td>", esc(&text));
                    }
                    _ => {
                        let _ = write!(s, "<td class=\"na\" data-year=\"{y}\">{}</td>", esc(&text));
                    }
                }
            }
            let _ = writeln!(
                s,
                "<td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&change_cell(row, rule)),
                esc(&note_cell(row))
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(s, "<h2>{}</h2>\n<div class=\"charts\">", w[1]);
    for c in charts {
        let _ = writeln!(
            s,
            "<figure data-chart=\"{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
            esc(c.id),
            c.svg,
            esc(&c.figures)
        );
    }
    s.push_str("</div>\n");
    let _ = writeln!(s, "<h2>{}</h2>\n<ul class=\"citations\">", w[2]);
    for c in &r.citations {
        let _ = writeln!(
            s,
            "<li><code>{}</code>: {}</li>",
            esc(&c.edition),
            esc(&c.text)
        );
    }
    s.push_str("</ul>\n");
    let _ = writeln!(s, "<h2>{}</h2>", w[3]);
    for t in traces {
        let _ = writeln!(
            s,
            "<details class=\"trace\" data-figure=\"{}\" data-year=\"{}\"><summary><code>{} {}</code></summary>\n<pre>{}</pre>\n</details>",
            esc(&t.figure),
            t.year,
            esc(&t.figure),
            t.year,
            esc(&t.text)
        );
    }
    let _ = writeln!(
        s,
        "<footer><p>{} ({}).</p><p>carbonledger {} — schema_version {}</p></footer>\n</body>\n</html>",
        w[9],
        esc(&r.rounding),
        env!("CARGO_PKG_VERSION"),
        r.schema_version
    );
    s
}
