//! The restated base-year export (GHG Protocol Corporate Standard ch. 5: when structural
//! changes pass the significance threshold, the base year is reported again as if the
//! boundary had been today's). Written beside the export, in `OUT-restated-YEAR/`, with its
//! own manifest: the base year's restated figures (`inventory.csv`, names without the
//! `restated.` prefix), the lines they sum (`lines.csv`: the original export's `restated.*`
//! rows), every figure as reported beside restated (`restatement.csv`) and what moved the
//! base year (`moves.csv`). It never adds a number the original export does not hold.

use super::{n, t, Cell, Collected, Field, Table};
use crate::figures::Figure;
use crate::ledger::Ledger;
use crate::years::Restatement;
use std::path::{Path, PathBuf};

/// Where the restated export of `out` goes: `OUT-restated-YEAR` beside it.
pub fn restated_out(out: &Path, base_year: i32) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!("{name}-restated-{base_year}"))
}

/// A cell's text with the `restated.` prefix of figure names removed.
fn unprefixed(c: &Cell) -> Cell {
    match c {
        Cell::Text(s) => Cell::Text(s.replace("restated.", "")),
        Cell::Num(s) => Cell::Num(s.clone()),
    }
}

/// A row of `lines.csv` as it is written (`Field`s) whose figure is a `restated.` one, without
/// the prefix (as `restated_row`); `None` for any other row.
pub fn restated_fields<'a>(row: &[Field<'a>]) -> Option<Vec<Field<'a>>> {
    match row.first() {
        Some(Field::Text(f)) if f.starts_with("restated.") => Some(
            row.iter()
                .map(|c| match c {
                    Field::Text(s) => Field::Text(s.replace("restated.", "").into()),
                    Field::Num(s) => Field::Num(s.clone()),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// A row of an export table whose first cell is a `restated.` figure, without the prefix;
/// `None` for any other row.
pub fn restated_row(row: &[Cell]) -> Option<Vec<Cell>> {
    match row.first() {
        Some(Cell::Text(f)) if f.starts_with("restated.") => {
            Some(row.iter().map(unprefixed).collect())
        }
        _ => None,
    }
}

/// The `restated.` rows of the table `name` among `tables`, unprefixed, under its header (no
/// header and no rows when it is absent).
fn restated_rows(tables: &[Table], name: &'static str) -> Table {
    let tb = tables.iter().find(|tb| tb.name == name);
    Table {
        name,
        header: tb.map_or_else(Vec::new, |tb| tb.header.clone()),
        rows: tb.map_or_else(Vec::new, |tb| {
            tb.rows.iter().filter_map(|r| restated_row(r)).collect()
        }),
    }
}

/// The tables of the restated export, from the original export's tables and the verdict:
/// inventory, lines, restatement, moves.
pub fn tables(collected: &Collected, ledger: &Ledger, verdict: &Restatement) -> Vec<Table> {
    let [inventory, restatement, moves] =
        fixed_tables(&collected.tables, &collected.figures, ledger, verdict);
    let lines = restated_rows(&collected.tables, "lines.csv");
    vec![inventory, lines, restatement, moves]
}

/// The restated export's tables but its lines (which `write` streams beside the export's
/// own): inventory, restatement, moves — from the original export's `tables` and `figures`.
pub fn fixed_tables(
    tables: &[Table],
    figures: &[Figure],
    ledger: &Ledger,
    verdict: &Restatement,
) -> [Table; 3] {
    let by = verdict.base_year;
    let inventory = restated_rows(tables, "inventory.csv");
    let mut restatement = Table {
        name: "restatement.csv",
        header: vec!["name", "year", "as_reported", "restated", "unit"],
        rows: Vec::new(),
    };
    for f in figures
        .iter()
        .filter(|f| f.year == by && f.name.starts_with("restated."))
    {
        let of = f.name.trim_start_matches("restated.");
        let reported = ledger.figure(of, by).ok().flatten();
        restatement.rows.push(vec![
            t(of),
            n(by),
            n(reported.map_or(String::new(), |r| r.value.to_string())),
            n(f.value),
            t(f.unit),
        ]);
    }
    let mut moves = Table {
        name: "moves.csv",
        header: vec![
            "facility",
            "event",
            "date",
            "delta_t_co2e",
            "has_base_year_rows",
        ],
        rows: Vec::new(),
    };
    for m in &verdict.moves {
        moves.rows.push(vec![
            t(m.facility.clone()),
            t(m.event.name()),
            t(m.date.to_string()),
            n(m.delta),
            t(if m.has_data { "yes" } else { "no" }),
        ]);
    }
    [inventory, restatement, moves]
}
