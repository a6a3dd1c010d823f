//! The restated base-year export (GHG Protocol Corporate Standard ch. 5: when structural
//! changes pass the significance threshold, the base year is reported again as if the
//! boundary had been today's). Written beside the export, in `OUT-restated-YEAR/`, with its
//! own manifest: the base year's restated figures (`inventory.csv`, names without the
//! `restated.` prefix), the lines they sum (`lines.csv`: the original export's `restated.*`
//! rows), every figure as reported beside restated (`restatement.csv`) and what moved the
//! base year (`moves.csv`). It never adds a number the original export does not hold.

use super::{n, t, Cell, Collected, Table};
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

/// The tables of the restated export, from the original export's tables and the verdict.
pub fn tables(collected: &Collected, ledger: &Ledger, verdict: &Restatement) -> Vec<Table> {
    let by = verdict.base_year;
    let restated_rows = |name: &str| -> (Vec<&'static str>, Vec<Vec<Cell>>) {
        let Some(tb) = collected.tables.iter().find(|tb| tb.name == name) else {
            return (Vec::new(), Vec::new());
        };
        let rows = tb
            .rows
            .iter()
            .filter(|r| matches!(r.first(), Some(Cell::Text(f)) if f.starts_with("restated.")))
            .map(|r| r.iter().map(unprefixed).collect())
            .collect();
        (tb.header.clone(), rows)
    };
    let (inv_header, inv_rows) = restated_rows("inventory.csv");
    let (lines_header, lines_rows) = restated_rows("lines.csv");
    let mut restatement = Table {
        name: "restatement.csv",
        header: vec!["name", "year", "as_reported", "restated", "unit"],
        rows: Vec::new(),
    };
    for f in collected
        .figures
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
    vec![
        Table {
            name: "inventory.csv",
            header: inv_header,
            rows: inv_rows,
        },
        Table {
            name: "lines.csv",
            header: lines_header,
            rows: lines_rows,
        },
        restatement,
        moves,
    ]
}
