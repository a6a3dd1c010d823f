//! The workbook: the same lines as `lines.csv`, each result cell a live formula of its
//! quantity, conversion, calorific value, factor, GWP and share cells; an inventory sheet whose
//! totals are SUMIFS over the lines; the factors with their citations.
//!
//! Declared float boundary: spreadsheet cells hold binary doubles, so this file converts exact
//! decimals to `f64` for the cells (and only here). The CSV tables remain the exact record;
//! every cell also carries the exact decimal text beside it.
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

use super::lines::ExportLine;
use crate::figures::Figure;
use crate::report::neutralise;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError,
};

/// Lines a workbook can hold: a sheet has 1 048 576 rows, one of them the header.
pub const MAX_LINES: usize = 1_048_575;

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// Text cells are neutralised like the CSV tables and always written as strings.
fn text(ws: &mut Worksheet, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    ws.write_string(row, col, neutralise(s))?;
    Ok(())
}

/// Column letters of the lines sheet, by name.
const LINE_COLUMNS: [&str; 24] = [
    "file",
    "line",
    "facility",
    "period",
    "year",
    "scope",
    "source",
    "subject",
    "result",
    "quantity",
    "unit",
    "conversion",
    "calorific_value",
    "calorific_unit",
    "factor_op",
    "factor_value",
    "factor_unit",
    "factor_ref",
    "gwp",
    "share",
    "value",
    "value_unit",
    "exact",
    "value_exact",
];

fn col(name: &str) -> u16 {
    LINE_COLUMNS
        .iter()
        .position(|c| *c == name)
        .map_or(0, |i| i as u16)
}

fn letter(c: u16) -> String {
    let mut s = String::new();
    let mut n = c as u32 + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// A SUMIFS over the lines' values for one figure, when the figure is a sum of lines.
fn sumifs(name: &str, year: i32, last: u32) -> Option<String> {
    let rng = |c: &str| format!("lines!${0}$2:${0}${1}", letter(col(c)), last);
    let value = rng("value");
    let y = format!("{},{year}", rng("year"));
    let crit = |c: &str, v: &str| format!(",{},\"{v}\"", rng(c));
    let f = match name {
        "ghg.scope1" => format!(
            "{y}{}{}",
            crit("value_unit", "t CO2e"),
            crit("scope", "scope 1")
        ),
        "ghg.scope2.location" => format!(
            "{y}{}{}",
            crit("value_unit", "t CO2e"),
            crit("scope", "scope 2")
        ),
        "ghg.total.location" => format!("{y}{}", crit("value_unit", "t CO2e")),
        "ghg.scope1.stationary" => format!(
            "{y}{}{}",
            crit("value_unit", "t CO2e"),
            crit("source", "stationary")
        ),
        "ghg.scope1.fugitive" => format!(
            "{y}{}{}",
            crit("value_unit", "t CO2e"),
            crit("source", "fugitive")
        ),
        "energy.total_gj" => format!("{y}{}", crit("result", "energy")),
        "energy.total_tce" => format!("{y}{}", crit("result", "tce")),
        _ => {
            if let Some(g) = name.strip_prefix("ghg.scope1.") {
                format!(
                    "{y}{}{}",
                    crit("scope", "scope 1"),
                    crit("result", &g.to_uppercase())
                )
            } else if let Some(c) = name.strip_prefix("ghg.scope2.location.") {
                format!("{y}{}{}", crit("scope", "scope 2"), crit("subject", c))
            } else if let Some(c) = name.strip_prefix("energy.by_carrier_gj.") {
                format!("{y}{}{}", crit("result", "energy"), crit("subject", c))
            } else if let Some(c) = name.strip_prefix("energy.by_carrier_tce.") {
                format!("{y}{}{}", crit("result", "tce"), crit("subject", c))
            } else {
                return None;
            }
        }
    };
    Some(format!("=SUMIFS({value},{f})"))
}

/// Builds the workbook's bytes. Deterministic: a fixed creation date and no timestamps. With
/// `cached`, each formula also stores its result (what a reader that does not recalculate
/// shows); without, the formulas stand alone (a test proves a spreadsheet engine recomputes them).
pub fn workbook(
    lines: &[ExportLine],
    figures: &[Figure],
    factors: &[Vec<String>],
    register: &std::collections::BTreeMap<(String, i32), rust_decimal::Decimal>,
    cached: bool,
) -> Result<Vec<u8>, XlsxError> {
    let cache = |f: Formula, v: f64| {
        if cached {
            f.set_result(v.to_string())
        } else {
            f
        }
    };
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?)
            .set_title("carbonledger export"),
    );
    let bold = Format::new().set_bold();

    let about = wb.add_worksheet().set_name("about")?;
    let notes = [
        "carbonledger export: each result cell of the lines sheet is a live formula of its row's quantity, conversion, calorific value, factor, GWP and share cells;",
        "the inventory sheet's totals are SUMIFS over the lines sheet.",
        "Spreadsheet numbers are binary doubles (about 15 significant digits): the CSV tables beside this workbook are the exact record,",
        "and each value also appears as exact decimal text (column value_exact; inventory column value_exact).",
    ];
    for (i, n) in notes.iter().enumerate() {
        about.write_string(i as u32, 0, *n)?;
    }

    let ws = wb.add_worksheet().set_name("lines")?;
    for (i, h) in LINE_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        let x = r + 1; // spreadsheet row number
        text(ws, r, col("file"), l.file)?;
        ws.write_number(r, col("line"), l.line as f64)?;
        text(ws, r, col("facility"), &l.facility)?;
        text(ws, r, col("period"), &l.period)?;
        ws.write_number(r, col("year"), l.year as f64)?;
        text(ws, r, col("scope"), &l.scope)?;
        text(ws, r, col("source"), l.source)?;
        text(ws, r, col("subject"), &l.subject)?;
        text(ws, r, col("result"), &l.result_name())?;
        ws.write_number(r, col("quantity"), num(l.quantity))?;
        text(ws, r, col("unit"), l.unit)?;
        if l.conversion.den == Decimal::ONE {
            ws.write_number(r, col("conversion"), num(l.conversion.num))?;
        } else {
            let v = num(l.conversion.num) / num(l.conversion.den);
            ws.write_formula(
                r,
                col("conversion"),
                cache(
                    Formula::new(format!("={}/{}", l.conversion.num, l.conversion.den)),
                    v,
                ),
            )?;
        }
        let (cv, cu) = l
            .calorific
            .as_ref()
            .map_or((Decimal::ONE, String::new()), |c| (c.value, c.unit.clone()));
        ws.write_number(r, col("calorific_value"), num(cv))?;
        text(ws, r, col("calorific_unit"), &cu)?;
        text(ws, r, col("factor_op"), if l.divide { "÷" } else { "x" })?;
        let (fv, fu, fr) = l
            .factor
            .as_ref()
            .map_or((Decimal::ONE, String::new(), String::new()), |f| {
                (f.value, f.unit.clone(), f.reference.clone())
            });
        ws.write_number(r, col("factor_value"), num(fv))?;
        text(ws, r, col("factor_unit"), &fu)?;
        text(ws, r, col("factor_ref"), &fr)?;
        ws.write_number(
            r,
            col("gwp"),
            num(l.gwp.as_ref().map_or(Decimal::ONE, |g| g.value)),
        )?;
        ws.write_number(r, col("share"), num(l.share))?;
        let c = |n: &str| format!("{}{x}", letter(col(n)));
        let product = format!(
            "{}*{}*{}*{}*{}",
            c("quantity"),
            c("conversion"),
            c("calorific_value"),
            c("gwp"),
            c("share")
        );
        let f = if l.divide {
            format!("={product}/{}", c("factor_value"))
        } else {
            format!("={product}*{}", c("factor_value"))
        };
        ws.write_formula(r, col("value"), cache(Formula::new(f), num(l.value)))?;
        text(ws, r, col("value_unit"), l.value_unit)?;
        text(ws, r, col("exact"), if l.exact { "yes" } else { "no" })?;
        ws.write_string(r, col("value_exact"), l.value.normalize().to_string())?;
    }
    let last = lines.len() as u32 + 1;

    let inv = wb.add_worksheet().set_name("inventory")?;
    for (i, h) in ["name", "year", "unit", "value", "value_exact"]
        .iter()
        .enumerate()
    {
        inv.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    for (i, f) in figures.iter().enumerate() {
        let r = i as u32 + 1;
        text(inv, r, 0, &f.name)?;
        inv.write_number(r, 1, f.year as f64)?;
        text(inv, r, 2, f.unit)?;
        // A total fed by register entries too (on-site solar in energy) adds their sum, which
        // entries.csv itemises, to the live SUMIFS over the lines.
        let formula =
            sumifs(&f.name, f.year, last).map(|sf| match register.get(&(f.name.clone(), f.year)) {
                Some(extra) if !extra.is_zero() => format!("{sf}+{}", extra.normalize()),
                _ => sf,
            });
        match formula {
            Some(formula) => {
                inv.write_formula(r, 3, cache(Formula::new(formula), num(f.value)))?;
            }
            None => {
                inv.write_number(r, 3, num(f.value))?;
            }
        }
        inv.write_string(r, 4, f.value.to_string())?;
    }

    let fs = wb.add_worksheet().set_name("factors")?;
    for (r, row) in factors.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if r == 0 {
                fs.write_string_with_format(0, c as u16, v, &bold)?;
            } else {
                text(fs, r as u32, c as u16, v)?;
            }
        }
    }
    wb.save_to_buffer()
}
