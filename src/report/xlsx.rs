//! A disclosure report as a workbook: one sheet per section, one row per disclosure row, a
//! number column and an exact-text column per year, the change and the note; a sheet of the
//! factor citations. Deterministic (fixed creation date), so two runs give the same bytes.
//!
//! Declared float boundary: spreadsheet cells hold binary doubles, so the value cells are
//! converted to `f64` here (and only here in `report`); the exact decimal text stands beside
//! each number, and CSV/JSON stay the exact record.
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

use super::disclosure::Report;
use super::neutralise;
use super::render::{not_available, note_cell, year_head};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// A sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(id: &str) -> String {
    id.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

/// The workbook's bytes.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?)
            .set_title(&r.standard_title)
            .set_company(&r.organisation),
    );
    let bold = Format::new().set_bold();
    let lang = r.lang;
    let (h_ref, h_item, h_figs, h_unit, h_change, h_note, h_exact) = match lang {
        super::lang::Lang::En => (
            "reference",
            "item",
            "figures",
            "unit",
            "change %",
            "note",
            "exact",
        ),
        super::lang::Lang::Zh => ("条款", "项目", "数据项", "单位", "变化 %", "说明", "精确值"),
    };
    for s in &r.sections {
        let ws = wb.add_worksheet().set_name(sheet_name(s.id))?;
        ws.write_string_with_format(0, 0, neutralise(&s.title), &bold)?;
        let mut header: Vec<String> =
            vec![h_ref.into(), h_item.into(), h_figs.into(), h_unit.into()];
        for y in &r.years {
            header.push(year_head(*y, r.base_year, lang));
            header.push(format!("{y} {h_exact}"));
        }
        header.extend([h_change.to_string(), h_note.to_string()]);
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, h, &bold)?;
        }
        for (i, row) in s.rows.iter().enumerate() {
            let n = i as u32 + 2;
            ws.write_string(n, 0, neutralise(&row.reference))?;
            ws.write_string(n, 1, neutralise(&row.label))?;
            ws.write_string(n, 2, row.figures.join(" + "))?;
            ws.write_string(n, 3, row.unit.clone().unwrap_or_default())?;
            let mut c = 4u16;
            for y in &r.years {
                match row.values.iter().find(|v| v.year == *y) {
                    Some(v) => match (&v.exact_value, &v.value) {
                        (Some(d), Some(text)) => {
                            ws.write_number(n, c, d.to_f64().unwrap_or(f64::NAN))?;
                            ws.write_string(n, c + 1, text)?;
                        }
                        _ => {
                            ws.write_string(
                                n,
                                c,
                                v.missing
                                    .clone()
                                    .unwrap_or_else(|| not_available(lang).into()),
                            )?;
                        }
                    },
                    None if row.text.is_some() => {}
                    None => {
                        ws.write_string(n, c, not_available(lang))?;
                    }
                }
                c += 2;
            }
            ws.write_string(n, c, row.change_pct.clone().unwrap_or_default())?;
            ws.write_string(n, c + 1, neutralise(&note_cell(row)))?;
        }
        ws.set_column_width(1, 60)?;
        ws.set_column_width(header.len() as u16 - 1, 80)?;
    }
    let ws = wb.add_worksheet().set_name("citations")?;
    ws.write_string_with_format(0, 0, "edition", &bold)?;
    ws.write_string_with_format(0, 1, "citation", &bold)?;
    for (i, c) in r.citations.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, &c.edition)?;
        ws.write_string(i as u32 + 1, 1, neutralise(&c.text))?;
    }
    wb.save_to_buffer()
}
