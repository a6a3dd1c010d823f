//! Renders a disclosure [`Report`] as a terminal table (fitted to a width the caller gives),
//! CSV (one line per row and year-independent columns) or JSON (the typed model, exact decimal
//! strings, with `schema_version`).

use super::disclosure::{Report, Row};
use super::lang::{present, Lang, NumberStyle};
use crate::decimal::RoundingRule;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table as Comfy};

/// Words for the column headers.
fn head(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => ["reference", "item", "unit", "change %", "figures", "note"],
        Lang::Zh => ["条款", "项目", "单位", "变化 %", "数据项", "说明"],
    }
}

/// The header of a year column (`2024 (base year)`).
pub fn year_head(year: i32, base: i32, lang: Lang) -> String {
    match (year == base, lang) {
        (true, Lang::En) => format!("{year} (base year)"),
        (true, Lang::Zh) => format!("{year}（基准年）"),
        (false, _) => year.to_string(),
    }
}

/// "not available" in the report language.
pub fn not_available(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "not available",
        Lang::Zh => "无法提供",
    }
}

/// The presented cell of a row in one year (rounded for reading), or the words for why not.
pub fn cell(row: &Row, year: i32, lang: Lang, rule: RoundingRule, style: NumberStyle) -> String {
    if row.text.is_some() {
        // The answer is in the note column: it is one text for every year.
        return "—".to_string();
    }
    if row.not_available.is_some() {
        return not_available(lang).to_string();
    }
    let unit = row.unit.as_deref().unwrap_or("");
    match row.values.iter().find(|v| v.year == year) {
        Some(v) => match (&v.exact_value, &v.missing) {
            (Some(d), _) => present(*d, unit, rule, style),
            (None, Some(m)) => m.clone(),
            (None, None) => not_available(lang).to_string(),
        },
        None => not_available(lang).to_string(),
    }
}

/// The presented change, `+12.34%`.
pub fn change_cell(row: &Row, rule: RoundingRule) -> String {
    match row
        .change_pct
        .as_deref()
        .and_then(|c| c.parse::<rust_decimal::Decimal>().ok())
    {
        Some(c) => {
            let s = present(c, "%", rule, NumberStyle::Grouped);
            if c.is_sign_positive() && !c.is_zero() {
                format!("+{s}")
            } else {
                s
            }
        }
        None => "–".to_string(),
    }
}

/// The note column: a text row's answer, the reason a row is not filled, or how it was derived.
pub fn note_cell(row: &Row) -> String {
    row.text
        .clone()
        .or_else(|| row.not_available.clone())
        .or_else(|| row.note.clone())
        .unwrap_or_default()
}

/// The terminal tables, fitted to `width` when given (see [`crate::report::render_text`]).
pub fn render_table(
    r: &Report,
    rule: RoundingRule,
    style: NumberStyle,
    width: Option<u16>,
) -> String {
    let h = head(r.lang);
    let mut out = format!("{} — {}\n\n", r.standard_title, r.organisation);
    for s in &r.sections {
        let mut c = Comfy::new();
        c.load_style(presets::UTF8_FULL_CONDENSED).force_no_tty();
        if let Some(w) = width {
            c.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        let mut header: Vec<String> = vec![h[0].into(), h[1].into(), h[2].into()];
        header.extend(r.years.iter().map(|y| year_head(*y, r.base_year, r.lang)));
        header.extend([h[3].to_string(), h[5].to_string()]);
        c.set_header(header);
        for row in &s.rows {
            let mut cells = vec![
                comfy_table::Cell::new(&row.reference),
                comfy_table::Cell::new(&row.label),
                comfy_table::Cell::new(row.unit.as_deref().unwrap_or("")),
            ];
            for y in &r.years {
                let text = cell(row, *y, r.lang, rule, style);
                let cc = comfy_table::Cell::new(text);
                cells.push(if row.values.is_empty() {
                    cc
                } else {
                    cc.set_alignment(CellAlignment::Right)
                });
            }
            cells.push(
                comfy_table::Cell::new(change_cell(row, rule)).set_alignment(CellAlignment::Right),
            );
            cells.push(comfy_table::Cell::new(note_cell(row)));
            c.add_row(cells);
        }
        out.push_str(&s.title);
        out.push('\n');
        out.push_str(&c.to_string());
        out.push_str("\n\n");
    }
    out.push_str(&match r.lang {
        Lang::En => format!(
            "Values rounded for display ({}); `--format json` or `carbonledger figures` gives every digit.\n",
            r.rounding
        ),
        Lang::Zh => format!(
            "表中数值仅为显示而修约（{}）；`--format json` 或 `carbonledger figures` 给出全部精确数字。\n",
            r.rounding
        ),
    });
    out
}

/// CSV: one line per row, exact values, a column per year.
pub fn render_csv(r: &Report) -> String {
    let h = head(r.lang);
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header: Vec<String> = vec![
        "section".into(),
        h[0].into(),
        h[1].into(),
        h[4].into(),
        h[2].into(),
    ];
    header.extend(r.years.iter().map(|y| y.to_string()));
    header.extend(["change_pct".to_string(), h[5].to_string()]);
    let _ = w.write_record(&header);
    for (s, row) in r.rows() {
        let mut rec = vec![
            s.id.to_string(),
            super::neutralise(&row.reference),
            super::neutralise(&row.label),
            row.figures.join(" + "),
            row.unit.clone().unwrap_or_default(),
        ];
        for y in &r.years {
            rec.push(if let Some(t) = &row.text {
                super::neutralise(t)
            } else if row.not_available.is_some() {
                not_available(r.lang).to_string()
            } else {
                row.values
                    .iter()
                    .find(|v| v.year == *y)
                    .and_then(|v| v.value.clone().or_else(|| v.missing.clone()))
                    .unwrap_or_else(|| not_available(r.lang).to_string())
            });
        }
        rec.push(row.change_pct.clone().unwrap_or_default());
        rec.push(super::neutralise(&note_cell(row)));
        let _ = w.write_record(&rec);
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// JSON: the typed model.
pub fn render_json(r: &Report) -> Result<String, serde_json::Error> {
    Ok(format!("{}\n", serde_json::to_string_pretty(r)?))
}
