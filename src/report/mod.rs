//! Reports as plain data — titled tables of text and number cells — and their renderers:
//! a terminal table (comfy-table), CSV and JSON. The renderers do no arithmetic; numbers arrive
//! already rounded for presentation (or exact, for machine formats). The disclosure reports
//! of `carbonledger report` live in the submodules: the model (`disclosure`), which rows each
//! standard has (`standards`), languages (`lang`), renderers (`render`, `html`, `xlsx`) and
//! charts (`charts` picks the series, `chart` draws the SVG). The model's sums of named figures
//! and its year-on-year changes are exact decimal operations, like the ledger's.

pub mod chart;
pub mod charts;
pub mod disclosure;
pub mod html;
pub mod lang;
pub mod render;
pub mod standards;
pub mod xlsx;

use comfy_table::{presets, CellAlignment, ContentArrangement, Table as Comfy};

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text (neutralised in CSV if a spreadsheet would run it as a formula).
    Text(String),
    /// A number, already formatted.
    Num(String),
}

impl Cell {
    fn raw(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Num(s) => s,
        }
    }
}

/// A titled table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Title printed above it on a terminal.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A new empty table.
    pub fn new(title: impl Into<String>, header: &[&str]) -> Self {
        Table {
            title: title.into(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    /// Appends a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

/// Renders tables for a terminal. With a `width` (the caller's terminal), tables are fitted to
/// it by wrapping text cells; numbers are never broken across lines. Without one (files, pipes,
/// tests) nothing is wrapped, so the output is the same bytes on every machine. The library
/// never asks the terminal itself: the CLI decides where the output goes.
pub fn render_text(tables: &[Table], width: Option<u16>) -> String {
    let mut out = String::new();
    for t in tables {
        if t.rows.is_empty() {
            continue;
        }
        let mut c = Comfy::new();
        c.load_style(presets::UTF8_FULL_CONDENSED)
            .force_no_tty()
            .set_header(t.header.clone());
        if let Some(w) = width {
            c.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        for r in &t.rows {
            c.add_row(r.iter().map(|cell| {
                let cc = comfy_table::Cell::new(cell.raw());
                match cell {
                    Cell::Num(_) => cc.set_alignment(CellAlignment::Right),
                    Cell::Text(_) => cc,
                }
            }));
        }
        if width.is_some() {
            keep_numbers_whole(&mut c, t);
        }
        out.push_str(&t.title);
        out.push('\n');
        out.push_str(&c.to_string());
        out.push_str("\n\n");
    }
    out
}

/// A column holding only numbers keeps its content width: a number split over two lines
/// misreads (1,234 / 567.8), a wrapped label does not.
fn keep_numbers_whole(c: &mut Comfy, t: &Table) {
    let columns = t.header.len();
    for i in 0..columns {
        let numeric = t
            .rows
            .iter()
            .all(|r| r.get(i).is_none_or(|cell| matches!(cell, Cell::Num(_))));
        if numeric {
            if let Some(col) = c.column_mut(i) {
                col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            }
        }
    }
}

/// Whether a spreadsheet would read the text as a formula (its first character): such text
/// is written with a leading `'` (`neutralise`).
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Neutralises text a spreadsheet would execute as a formula (`=`, `+`, `-`, `@`, tab, CR at
/// the start) by prefixing an apostrophe.
///
/// ```
/// assert_eq!(carbonledger::report::neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(carbonledger::report::neutralise("plant"), "plant");
/// ```
pub fn neutralise(s: &str) -> String {
    if formula_like(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Renders one table as CSV (header first).
pub fn render_csv(t: &Table) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(&t.header);
    for r in &t.rows {
        let _ = w.write_record(r.iter().map(|c| match c {
            Cell::Text(s) => neutralise(s),
            Cell::Num(s) => s.clone(),
        }));
    }
    w.into_inner()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
