//! The workbook: the same lines as `lines.csv`, each result cell a live formula of its
//! quantity, conversion, calorific value, factor, GWP and share cells, where the calorific
//! value, factor and GWP cells look their reference up on the factors sheet (edit a factor
//! there and every line and total re-prices); an inventory sheet where every value is a
//! formula: additive figures a SUMIFS over the lines of the figure and year, derived ones
//! their formula over other inventory cells. No number on the inventory sheet is typed.
//!
//! Memory: unlike the CSV tables, which `write` streams to their files, the workbook holds
//! every line (the `ExportLine`s, and the sheet's cells in `rust_xlsxwriter`) until its bytes
//! are made; it is written only while the lines fit in a sheet (`MAX_LINES`), so that is its
//! bound: 6.2 GB measured at 936,923 lines (docs/performance.md, streaming export).
//!
//! Declared float boundary: spreadsheet cells hold binary doubles, so this file converts exact
//! decimals to `f64` for the cells (and only here). The CSV tables remain the exact record;
//! every cell also carries the exact decimal text beside it.
#![allow(clippy::disallowed_types, clippy::float_arithmetic)]

use super::formula::FigureFormula;
use super::lines::{ExportLine, Method};
use crate::decimal::FIGURE_DP;
use crate::figures::Figure;
use crate::register::StepValue;
use crate::report::neutralise;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;

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

/// Columns of lines.csv the lines sheet leaves out: the gas mass (no formula reads it) and the
/// fallbacks (text for `lines.csv` and `entries.csv`).
const SHEET_OMITS: [&str; 2] = ["gas_t", "fallbacks"];

/// Columns of the lines sheet, in order: those of `lines.csv` (one list, `LINE_HEADER`), and
/// the exact value as text after the value's formula.
fn line_columns() -> impl Iterator<Item = &'static str> {
    super::LINE_HEADER
        .iter()
        .copied()
        .filter(|c| !SHEET_OMITS.contains(c))
        .chain(["value_exact"])
}

fn col(name: &str) -> u16 {
    line_columns()
        .position(|c| c == name)
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

/// The inventory formula of one figure: a SUMIFS over the lines of its name and year (read
/// from the row's own name and year cells), or its formula over the cells of other figures —
/// a quotient rounded to the figures' 16 places as `Ledger::figure` rounds it, so that a change
/// of a small intensity (t CO2e per CNY) is computed from the same rounded intensities.
/// `None` when a figure it needs has no row (which `Ledger::figure` would not allow).
fn inventory_formula(
    f: &Figure,
    formula: Option<&FigureFormula>,
    x: u32,
    last_line: u32,
    rows: &BTreeMap<(&str, i32), u32>,
) -> Option<String> {
    let cell = |name: &str, year: i32| rows.get(&(name, year)).map(|r| format!("D{r}"));
    match formula? {
        FigureFormula::Sum => {
            let rng = |c: &str| format!("lines!${0}$2:${0}${1}", letter(col(c)), last_line);
            Some(format!(
                "=SUMIFS({},{},$A{x},{},$B{x})",
                rng("value"),
                rng("figure"),
                rng("year")
            ))
        }
        FigureFormula::Ratio {
            numerator,
            denominator,
            scale,
        } => {
            let (n, d) = (cell(numerator, f.year)?, cell(denominator, f.year)?);
            Some(if *scale == Decimal::ONE {
                format!("=ROUND({n}/{d},{FIGURE_DP})")
            } else {
                format!("=ROUND({n}*{}/{d},{FIGURE_DP})", scale.normalize())
            })
        }
        FigureFormula::Change { of } => {
            let (now, prev) = (cell(of, f.year)?, cell(of, f.year - 1)?);
            Some(format!("=ROUND(({now}-{prev})*100/{prev},{FIGURE_DP})"))
        }
        FigureFormula::Plus { terms } => {
            let cells: Vec<String> = terms.iter().filter_map(|t| cell(t, f.year)).collect();
            (!cells.is_empty()).then(|| format!("={}", cells.join("+")))
        }
        FigureFormula::VsBase {
            of,
            base,
            base_year,
        } => {
            let (now, b) = (cell(of, f.year)?, cell(base, *base_year)?);
            Some(format!("=ROUND(({now}-{b})*100/{b},{FIGURE_DP})"))
        }
    }
}

/// Builds the workbook's bytes. Deterministic: a fixed creation date and no timestamps. With
/// `cached`, each formula also stores its result (what a reader that does not recalculate
/// shows); without, the formulas stand alone (a test proves a spreadsheet engine recomputes them).
/// Fails when an inventory figure has no formula over the workbook's cells.
pub fn workbook(
    lines: &[ExportLine],
    figures: &[Figure],
    formulas: &[Option<FigureFormula>],
    factors: &[Vec<String>],
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
        "carbonledger export: each value cell of the lines sheet is a live formula of its row's quantity, conversion, calorific value, factor, GWP and share cells;",
        "the calorific value, factor and GWP cells look their reference up on the factors sheet: edit a value there (column value) and every line and total re-prices.",
        "Every value on the inventory sheet is a formula: a SUMIFS over the lines of the figure and year, or the figure's formula over other inventory cells (column formula).",
        "A register line's further steps (a distance, an allocation, a boiler efficiency, a SAF reduction, −1 for an amount deducted) are cells of their own: a typed input, a factor looked up, or 1 − one factor ÷ another.",
        "Spreadsheet numbers are binary doubles (about 15 significant digits): the CSV tables beside this workbook are the exact record,",
        "and each value also appears as exact decimal text (column value_exact; inventory column value_exact).",
    ];
    for (i, n) in notes.iter().enumerate() {
        about.write_string(i as u32, 0, *n)?;
    }

    // Factors first in the code (the lines look them up), last in the workbook's sheet order
    // does not matter to formulas.
    let last_factor = (factors.len() as u32).max(2);
    let lookup = |r: &str, x: u32| {
        format!(
            "=INDEX(factors!$B$2:$B${last_factor},MATCH({}{x},factors!$A$2:$A${last_factor},0))",
            letter(col(r))
        )
    };

    let ws = wb.add_worksheet().set_name("lines")?;
    for (i, h) in line_columns().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &bold)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        let x = r + 1; // spreadsheet row number
        text(ws, r, col("figure"), &l.figure)?;
        ws.write_number(r, col("year"), l.year as f64)?;
        text(ws, r, col("file"), &l.file)?;
        ws.write_number(r, col("line"), l.line as f64)?;
        text(ws, r, col("facility"), &l.facility)?;
        text(ws, r, col("period"), &l.period)?;
        text(ws, r, col("scope"), &l.scope)?;
        text(ws, r, col("source"), l.source)?;
        text(ws, r, col("subject"), &l.subject)?;
        text(ws, r, col("result"), &l.result_name())?;
        text(ws, r, col("method"), l.method.name())?;
        text(ws, r, col("value_unit"), l.value_unit)?;
        text(ws, r, col("exact"), if l.exact { "yes" } else { "no" })?;
        ws.write_string(r, col("value_exact"), l.value.normalize().to_string())?;
        if l.method == Method::Given {
            // The register's own value: an input of this sheet, like a quantity.
            ws.write_number(r, col("value"), num(l.value))?;
            continue;
        }
        ws.write_number(r, col("quantity"), num(l.quantity))?;
        text(ws, r, col("unit"), &l.unit)?;
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
        // A published value: looked up on the factors sheet by its reference; 1 when none.
        let mut published = |value: &str,
                             unit: Option<&str>,
                             reference: &str,
                             u: Option<&crate::calc::UsedFactor>|
         -> Result<(), XlsxError> {
            match u {
                Some(u) => {
                    text(ws, r, col(reference), &u.reference)?;
                    if let Some(unit) = unit {
                        text(ws, r, col(unit), &u.unit)?;
                    }
                    ws.write_formula(
                        r,
                        col(value),
                        cache(Formula::new(lookup(reference, x)), num(u.value)),
                    )?;
                }
                None => {
                    ws.write_number(r, col(value), 1.0)?;
                }
            }
            Ok(())
        };
        published(
            "calorific_value",
            Some("calorific_unit"),
            "calorific_ref",
            l.calorific.as_ref(),
        )?;
        published(
            "factor_value",
            Some("factor_unit"),
            "factor_ref",
            l.factor.as_ref(),
        )?;
        published("gwp", None, "gwp_ref", l.gwp.as_ref())?;
        text(ws, r, col("factor_op"), if l.divide { "÷" } else { "x" })?;
        ws.write_number(r, col("share"), num(l.share))?;
        let c = |n: &str| format!("{}{x}", letter(col(n)));
        let mut product = format!(
            "{}*{}*{}*{}*{}",
            c("quantity"),
            c("conversion"),
            c("calorific_value"),
            c("gwp"),
            c("share")
        );
        let mut divisors = Vec::new();
        if l.divide {
            divisors.push(c("factor_value"));
        } else {
            product.push_str(&format!("*{}", c("factor_value")));
        }
        // Further steps: an input value typed (like the quantity), a published value looked
        // up on the factors sheet, a reduction as 1 − one lookup ÷ another.
        for (i, st) in l.steps.iter().enumerate().take(super::MAX_STEPS) {
            let name = |part: &str| format!("step{}_{part}", i + 1);
            text(ws, r, col(&name("label")), &st.label)?;
            text(ws, r, col(&name("op")), if st.divide { "÷" } else { "x" })?;
            text(ws, r, col(&name("unit")), &st.unit)?;
            text(ws, r, col(&name("ref")), &st.reference())?;
            let (sn, sd) = st.fraction().unwrap_or((Decimal::ONE, Decimal::ONE));
            let by_ref = |reference: &str| {
                format!(
                    "INDEX(factors!$B$2:$B${last_factor},MATCH(\"{}\",factors!$A$2:$A${last_factor},0))",
                    reference.replace('"', "\"\"")
                )
            };
            let cell = col(&name("value"));
            let value = num(sn) / num(sd);
            match &st.value {
                StepValue::Input { num: n, den, .. } if *den == Decimal::ONE => {
                    ws.write_number(r, cell, num(*n))?;
                }
                StepValue::Input { num: n, den, .. } => {
                    ws.write_formula(r, cell, cache(Formula::new(format!("={n}/{den}")), value))?;
                }
                StepValue::Factor(u) => {
                    ws.write_formula(
                        r,
                        cell,
                        cache(Formula::new(format!("={}", by_ref(&u.reference))), value),
                    )?;
                }
                StepValue::Reduction(a, b) => {
                    ws.write_formula(
                        r,
                        cell,
                        cache(
                            Formula::new(format!(
                                "=1-{}/{}",
                                by_ref(&a.reference),
                                by_ref(&b.reference)
                            )),
                            value,
                        ),
                    )?;
                }
            }
            if st.divide {
                divisors.push(c(&name("value")));
            } else {
                product.push_str(&format!("*{}", c(&name("value"))));
            }
        }
        let f = if divisors.is_empty() {
            format!("={product}")
        } else {
            format!("={product}/({})", divisors.join("*"))
        };
        ws.write_formula(r, col("value"), cache(Formula::new(f), num(l.value)))?;
    }
    let last_line = (lines.len() as u32 + 1).max(2);

    let inv = wb.add_worksheet().set_name("inventory")?;
    for (i, h) in ["name", "year", "unit", "value", "value_exact", "formula"]
        .iter()
        .enumerate()
    {
        inv.write_string_with_format(0, i as u16, *h, &bold)?;
    }
    let rows: BTreeMap<(&str, i32), u32> = figures
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.name.as_str(), f.year), i as u32 + 2))
        .collect();
    for (i, f) in figures.iter().enumerate() {
        let r = i as u32 + 1;
        let formula = formulas.get(i).and_then(Option::as_ref);
        text(inv, r, 0, &f.name)?;
        // The year as text, so that the sheet holds no typed number (SUMIFS matches it
        // against the lines' numeric years all the same).
        inv.write_string(r, 1, f.year.to_string())?;
        text(inv, r, 2, f.unit)?;
        let Some(cell) = inventory_formula(f, formula, r + 1, last_line, &rows) else {
            return Err(XlsxError::ParameterError(format!(
                "{} {}: no formula over the workbook's cells",
                f.name, f.year
            )));
        };
        inv.write_formula(r, 3, cache(Formula::new(cell), num(f.value)))?;
        inv.write_string(r, 4, f.value.to_string())?;
        text(
            inv,
            r,
            5,
            &formula.map_or(String::new(), FigureFormula::text),
        )?;
    }

    let fs = wb.add_worksheet().set_name("factors")?;
    for (r, row) in factors.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if r == 0 {
                fs.write_string_with_format(0, c as u16, v, &bold)?;
            } else if c == 1 {
                // The value: a number the lines look up (edit it to re-price).
                match v.parse::<Decimal>() {
                    Ok(d) => {
                        fs.write_number(r as u32, 1, num(d))?;
                    }
                    Err(_) => text(fs, r as u32, 1, v)?,
                }
            } else {
                text(fs, r as u32, c as u16, v)?;
            }
        }
    }
    wb.save_to_buffer()
}
