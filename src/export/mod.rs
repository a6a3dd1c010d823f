//! The auditor's export: deterministic CSV tables of every calculation line, the inventory,
//! energy, avoided emissions, the factor editions used and the rejected rows; a data
//! dictionary; and a manifest with the SHA-256 of every input, factor and output file, which
//! `check` re-verifies. Text cells a spreadsheet would execute (`=`, `+`, `-`, `@`, tab, CR
//! first) are neutralised with a leading apostrophe.
//!
//! [`write()`] streams the tables that grow with the rows (lines, entries, avoided, rejects) to
//! their files as the rows are made (`sink`, `stream`), in constant memory, into a staging
//! folder moved into place at the end; [`collect`] holds every table and line in memory (the
//! workbook, `explain` and the tests read it). Both make their rows with the same code
//! (`growing_rows`, `fixed_tables`) and write the same bytes.

mod formula;
mod lines;
mod manifest;
mod register_lines;
mod restated;
mod sink;
mod stream;
mod xlsx;

pub use formula::{figure_formula, FigureFormula};
pub use lines::{chain_sums, each_figure, rows, ExportLine, Method, Ratio, ResultKind};
pub use manifest::{check, read_manifest, sha256_hex, Changed, Manifest, ManifestFile};
pub use register_lines::entry_lines;
pub use restated::{restated_out, tables as restated_tables};
pub use stream::STAGING;

use crate::activity::Carrier;
use crate::calc::{for_each_line, RunOptions};
use crate::diag::Diagnostic;
use crate::ledger::Ledger;
use crate::project::{Input, Project};
use crate::report::neutralise;
use sink::{Citing, Grows, Kept, LinesOnly, RowSink, Streaming, Used};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use stream::Staging;

/// Schema version of every table in this export format.
pub const SCHEMA_VERSION: u32 = 4;

/// A table: name, header, rows of cells (text cells are neutralised on writing).
pub struct Table {
    /// File name, e.g. `lines.csv`.
    pub name: &'static str,
    /// Column names (after the leading `schema` column).
    pub header: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A cell: text (neutralised) or a number (written as is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number, exact decimal text.
    Num(String),
}

impl Table {
    fn schema(&self) -> String {
        schema_of(self.name)
    }
    /// The table as CSV bytes, with a leading `schema` column.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = stream::csv_writer(Vec::new());
        let mut header = vec!["schema"];
        header.extend(&self.header);
        let _ = w.write_record(&header);
        let schema = self.schema();
        for r in &self.rows {
            let _ = w.write_record(record(&schema, r));
        }
        w.into_inner().unwrap_or_default()
    }
}

/// The `schema` column of a table: its name without `.csv`, and the schema version.
fn schema_of(name: &str) -> String {
    format!("{}/{SCHEMA_VERSION}", name.trim_end_matches(".csv"))
}

/// A row as written: the schema, then each cell (text neutralised). The one encoding of a row,
/// whether its table is written whole or streamed.
fn record(schema: &str, cells: &[Cell]) -> Vec<String> {
    let mut rec = Vec::with_capacity(cells.len() + 1);
    rec.push(schema.to_string());
    rec.extend(cells.iter().map(|c| match c {
        Cell::Text(s) => neutralise(s),
        Cell::Num(s) => s.clone(),
    }));
    rec
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}
fn n(s: impl ToString) -> Cell {
    Cell::Num(s.to_string())
}

/// Every column of every table: (table, column, meaning, unit).
pub const DICTIONARY: &[(&str, &str, &str, &str)] = &[
    ("*", "schema", "table name and schema version of this export format", ""),
    ("lines", "figure", "the additive figure the row feeds: summing value by (figure, year) gives inventory.csv (a calculation line appears once per figure it feeds)", ""),
    ("lines", "year", "reporting year", ""),
    ("lines", "file", "input file the row was read from", ""),
    ("lines", "line", "line number in that file", ""),
    ("lines", "facility", "facility id", ""),
    ("lines", "period", "period as written (year, quarter, month, day or FIRST..LAST days); a row split by days (a bill across a year end, a facility entering or leaving the boundary) gives `ROW → PART (d/D days, of ROW_QUANTITY)`, quantity being the part's", ""),
    ("lines", "scope", "GHG Protocol scope", ""),
    ("lines", "source", "stationary combustion, fugitive release, purchased energy; wtt, td_loss, td_wtt or wtt_and_td for an energy row's scope 3 category 3 lines; or register (an entry of solar, instruments, abatement, shipments, scope3.csv or the product files; line 0 = an aggregate of several rows)", ""),
    ("lines", "subject", "carrier or gas of the input row; for a register row, the entry (entries.csv `what`)", ""),
    ("lines", "result", "what value is: a gas (CO2, CH4, N2O, a refrigerant, CO2e), energy or tce", ""),
    ("lines", "method", "product: a published or supplier-reported value applies (value is the product of the columns); activity: an amount (energy, mass, tonne-km, a count, a metric as given; still the product of the columns); given: a safety net no register reaches (tests/lines.rs: none over every kind of line) — a register value no product of its columns equals, its steps in entries.csv, the product columns empty", ""),
    ("lines", "quantity", "quantity as written in the input", "unit"),
    ("lines", "unit", "unit of quantity", ""),
    ("lines", "conversion", "exact unit conversion between the published units (a decimal, or num/den when it does not terminate)", ""),
    ("lines", "calorific_value", "calorific value as published (1 when none is used)", "calorific_unit"),
    ("lines", "calorific_unit", "its unit", ""),
    ("lines", "calorific_ref", "its reference SET@EDITION:KEY", ""),
    ("lines", "factor_op", "x: value multiplies; ÷: value divides (the standard-coal definition)", ""),
    ("lines", "factor_value", "emission factor or coefficient as published (1 when none)", "factor_unit"),
    ("lines", "factor_unit", "its unit", ""),
    ("lines", "factor_ref", "its reference SET@EDITION:KEY", ""),
    ("lines", "gwp", "global warming potential (1 for CO2e factors and non-emission rows)", "kg CO2e/kg"),
    ("lines", "gwp_ref", "its reference", ""),
    ("lines", "step1_label", "a register line's further step: distance, allocation (the part of a residual-mix remainder), efficiency, saf share, reduction (1 − SAF value ÷ fossil baseline), deducted (−1: an amount subtracted), supplier emissions and supplier total, per item, cargo per TEU; step2_* to step5_* likewise", ""),
    ("lines", "step1_op", "x: the step's value multiplies; ÷: it divides", ""),
    ("lines", "step1_value", "the step's value (a decimal, or num/den when it does not terminate)", "step1_unit"),
    ("lines", "step1_unit", "its unit", ""),
    ("lines", "step1_ref", "a published value's reference SET@EDITION:KEY, 1 − A ÷ B for a reduction, or the input it comes from", ""),
    ("lines", "share", "consolidation share (a register's own shares — recycled, SAF, allocation — are steps; only a recycled-content mix found by the fallback search puts r or 1 − r here)", "1"),
    ("lines", "gas_t", "mass of the gas, after the share (emission rows)", "t"),
    ("lines", "value", "quantity × conversion × calorific_value × factor_value (or ÷) × gwp × each step (× or ÷) × share; where the product does not terminate, rounded once to 9 places of the base unit (12 places of t CO2e; exact = no)", "value_unit"),
    ("lines", "value_unit", "the figure's unit (t CO2e, MWh, GJ, tce, kg, tkm, …)", ""),
    ("lines", "exact", "no when a non-terminating division was rounded (9 decimal places of kg, J or kgce)", ""),
    ("lines", "fallbacks", "fallbacks taken when resolving the factors", ""),
    ("transport_chains", "year", "reporting year (the year of the element's period)", ""),
    ("transport_chains", "shipment", "shipment id: a transport chain (ISO 14083)", ""),
    ("transport_chains", "element", "the element's number (shipments.csv `leg`), or chain for the chain's sum", ""),
    ("transport_chains", "line", "the element's line in shipments.csv (explain shows its lines); empty for a chain", ""),
    ("transport_chains", "period", "the element's period as written", ""),
    ("transport_chains", "mode", "transport mode, or hub", ""),
    ("transport_chains", "place", "origin → destination, or the hub", ""),
    ("transport_chains", "tkm", "tonne-km on the distance the element was priced on (0 at a hub)", "tkm"),
    ("transport_chains", "ttw_kg_co2e", "tank-to-wheel (operation) emissions", "kg CO2e"),
    ("transport_chains", "wtt_kg_co2e", "well-to-tank (energy provision) emissions", "kg CO2e"),
    ("transport_chains", "wtw_kg_co2e", "well-to-wheel emissions net of any SAF reduction (what the freight category figure sums)", "kg CO2e"),
    ("transport_chains", "kg_co2e_per_tkm", "wtw_kg_co2e ÷ tkm; empty without tonne-km", "kg CO2e/tkm"),
    ("transport_chains", "intensity_exact", "no when the division did not terminate (rounded once to 16 places)", ""),
    ("restatement", "name", "figure name (restated-export folder OUT-restated-YEAR only)", ""),
    ("restatement", "year", "the base year", ""),
    ("restatement", "as_reported", "the base year's figure as reported (empty when it has none)", ""),
    ("restatement", "restated", "the base year's figure restated for structural changes (GHG Protocol Corporate Standard ch. 5)", ""),
    ("restatement", "unit", "unit of both", ""),
    ("moves", "facility", "facility whose structural change moved the base year (restated-export folder only)", ""),
    ("moves", "event", "acquisition, insourcing, divestment or outsourcing", ""),
    ("moves", "date", "first day inside (an entry) or last day inside (an exit)", ""),
    ("moves", "delta_t_co2e", "what it adds to (+) or removes from (−) the base year's ghg.total.location", "t CO2e"),
    ("moves", "has_base_year_rows", "for an acquisition: whether the project holds its base-year rows (no: the restatement is incomplete)", ""),
    ("inventory_by", "by", "what the figures are broken down by: facility, country or tag:NAME (a facility tag)", ""),
    ("inventory_by", "group", "the facility id, country code or tag value ((untagged) for facilities without the tag)", ""),
    ("inventory_by", "name", "figure name: the figures of the energy and fugitive rows that no register adds to; the groups of a sum add up to inventory.csv", ""),
    ("inventory_by", "year", "reporting year", ""),
    ("inventory_by", "value", "exact value", "unit"),
    ("inventory_by", "unit", "unit of value", ""),
    ("inventory_by", "exact", "no when a non-terminating division was rounded", ""),
    ("inventory", "name", "figure name (README: Figures)", ""),
    ("inventory", "year", "reporting year", ""),
    ("inventory", "value", "exact value", "unit"),
    ("inventory", "unit", "unit of value", ""),
    ("inventory", "exact", "no when a non-terminating division was rounded", ""),
    ("inventory", "formula", "sum of lines (the figure's rows of lines.csv), or the derived figure's formula over other figures (rounded to 16 places)", ""),
    ("energy", "year", "reporting year", ""),
    ("energy", "carrier", "energy carrier", ""),
    ("energy", "energy_mwh", "energy consumed", "MWh"),
    ("energy", "energy_gj", "energy consumed", "GJ"),
    ("energy", "energy_tce", "standard coal equivalent (GB/T 2589)", "tce"),
    ("avoided", "name", "avoided-emission figure (one row per contributing entry; avoided emissions are reported beside the inventory, never netted from it)", ""),
    ("avoided", "year", "year", ""),
    ("avoided", "value", "avoided emissions of this entry", "unit"),
    ("avoided", "unit", "t CO2e", ""),
    ("avoided", "activity", "the activity the value was computed from", "activity_unit"),
    ("avoided", "activity_unit", "its unit", ""),
    ("avoided", "implied_factor", "value ÷ activity", "implied_unit"),
    ("avoided", "implied_unit", "its unit", ""),
    ("avoided", "counterfactual_factors", "factors used, SET@EDITION:KEY = value unit", ""),
    ("avoided", "why", "why that counterfactual was chosen", ""),
    ("avoided", "file", "input file", ""),
    ("avoided", "line", "line in that file", ""),
    ("avoided", "what", "the entry", ""),
    ("products", "product", "product id (products.csv)", ""),
    ("products", "year", "assessment year", ""),
    ("products", "name", "product name", ""),
    ("products", "category", "category", ""),
    ("products", "functional_unit", "what the footprint is per", ""),
    ("products", "footprint_kg_co2e", "cradle-to-grave footprint per functional unit (product.<id>.footprint)", "kg CO2e"),
    ("products", "materials_kg_co2e", "materials stage (cut-off recycled content)", "kg CO2e"),
    ("products", "manufacturing_kg_co2e", "manufacturing stage", "kg CO2e"),
    ("products", "distribution_kg_co2e", "distribution stage", "kg CO2e"),
    ("products", "use_kg_co2e", "use stage over the lifetime", "kg CO2e"),
    ("products", "end_of_life_kg_co2e", "end-of-life stage", "kg CO2e"),
    ("products", "recycled_aluminium_pct", "mass-weighted recycled share of aluminium", "%"),
    ("products", "recycled_steel_pct", "mass-weighted recycled share of steel", "%"),
    ("products", "recyclability_pct", "ISO 22628 recyclability rate Rcyc", "%"),
    ("products", "recoverability_pct", "ISO 22628 recoverability rate Rcov", "%"),
    ("entries", "file", "input file of a register entry (solar, instruments, abatement, …); line 0 = an aggregate of several rows", ""),
    ("entries", "line", "line in that file", ""),
    ("entries", "what", "the entry", ""),
    ("entries", "figure", "the figure it feeds (one row per figure)", ""),
    ("entries", "year", "year", ""),
    ("entries", "value", "its contribution to the figure", "unit"),
    ("entries", "unit", "unit of value", ""),
    ("entries", "basis", "the activity the value was computed from, if any", "basis_unit"),
    ("entries", "basis_unit", "its unit", ""),
    ("entries", "exact", "no when a non-terminating division was rounded", ""),
    ("entries", "factors", "factors used, SET@EDITION:KEY = value unit", ""),
    ("entries", "trace", "the calculation, step by step", ""),
    ("factors_used", "reference", "factor SET@EDITION:KEY", ""),
    ("factors_used", "value", "value as published", "unit"),
    ("factors_used", "unit", "unit as published", ""),
    ("factors_used", "edition", "SET@EDITION", ""),
    ("factors_used", "publisher", "publisher", ""),
    ("factors_used", "title", "title", ""),
    ("factors_used", "published", "publication date", ""),
    ("factors_used", "table", "table or page", ""),
    ("factors_used", "licence", "licence or terms", ""),
    ("factors_used", "url", "address", ""),
    ("factors_used", "confidence", "verification grade (factors/README.md)", ""),
    ("rejects", "file", "input file", ""),
    ("rejects", "line", "line", ""),
    ("rejects", "column", "column (CSV field number), if one", ""),
    ("rejects", "code", "diagnostic code", ""),
    ("rejects", "message", "what is wrong", ""),
    ("rejects", "hint", "what to do", ""),
    ("dictionary", "table", "table", ""),
    ("dictionary", "column", "column", ""),
    ("dictionary", "meaning", "meaning", ""),
    ("dictionary", "unit", "unit", ""),
    ("bridge", "from_year", "previous year", ""),
    ("bridge", "to_year", "year explained", ""),
    ("bridge", "figure", "figure whose change is split (change.intensity.ghg_per_energy: in percentage points); every additive register figure too", ""),
    ("bridge", "effect", "activity, energy_mix, source_intensity, non_energy, factor_editions, or total (docs/methodology.md: year-on-year bridge); for a register figure: activity, implied_factor, factor_editions, or constant_editions where its contributions share no activity unit", ""),
    ("bridge", "value", "effect: exact rational rounded to 16 places by largest remainder so that the effects add up to total exactly", "unit"),
    ("bridge", "unit", "t CO2e, t CO2e/MWh or pp; a register figure's own unit", ""),
];

/// Builds every table of an export: lines (by re-streaming the inputs), inventory, energy,
/// avoided, factors used, rejects and the dictionary. Deterministic: rows are in file and
/// line order, figures in report order, factors by reference.
pub fn tables(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
) -> Result<Vec<Table>, Vec<Diagnostic>> {
    collect(project, ledger, options).map(|c| c.tables)
}

/// Everything an export holds: the tables, and the lines and figures the workbook is built from.
pub struct Collected {
    /// The CSV tables.
    pub tables: Vec<Table>,
    /// The lines: the chains' rows in file and line order, then the registers' entries.
    pub lines: Vec<ExportLine>,
    /// The figures, in report order.
    pub figures: Vec<crate::figures::Figure>,
    /// The formula of each figure (same order), `None` where none is known.
    pub formulas: Vec<Option<FigureFormula>>,
}

/// The tables of an export, in the order the manifest lists them.
const TABLE_ORDER: [&str; 12] = [
    "lines.csv",
    "inventory.csv",
    "inventory_by.csv",
    "energy.csv",
    "avoided.csv",
    "products.csv",
    "transport_chains.csv",
    "entries.csv",
    "factors_used.csv",
    "rejects.csv",
    "dictionary.csv",
    "bridge.csv",
];

/// Where `name` comes in [`TABLE_ORDER`] (other files after the tables).
fn table_rank(name: &str) -> usize {
    TABLE_ORDER
        .iter()
        .position(|t| *t == name)
        .unwrap_or(TABLE_ORDER.len())
}

/// Builds every table of an export (see `tables`) in memory, every line too: what the
/// workbook, `explain` and the tests read. [`write()`] writes the same bytes without holding
/// the lines.
pub fn collect(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
) -> Result<Collected, Vec<Diagnostic>> {
    let mut used = Used::new();
    let mut kept = Kept::default();
    growing_rows(project, ledger, options, &mut used, &mut kept)?;
    let fixed = fixed_tables(project, ledger, options, &used)?;
    let grown = |g: Grows, rows: Vec<Vec<Cell>>| Table {
        name: g.name(),
        header: g.header().to_vec(),
        rows,
    };
    let mut tables = fixed.tables;
    tables.extend([
        lines_table(&kept.lines),
        grown(Grows::Avoided, kept.avoided),
        grown(Grows::Entries, kept.entries),
        grown(Grows::Rejects, kept.rejects),
    ]);
    tables.sort_by_key(|t| table_rank(t.name));
    Ok(Collected {
        tables,
        lines: kept.lines,
        figures: fixed.figures,
        formulas: fixed.formulas,
    })
}

/// The rows of `lines.csv` that `keep` accepts, as CSV with the table's header and `schema`
/// column, written to `out` as they are made: the same bytes as `collect` and `Table::to_csv`
/// of those rows, without holding them (`explain --format csv` of a figure over millions of
/// rows). Returns how many rows were written.
pub fn write_lines(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    keep: &dyn Fn(&ExportLine) -> bool,
    out: &mut dyn std::io::Write,
) -> Result<u64, ExportError> {
    let mut sink = KeptLines {
        keep,
        schema: schema_of("lines.csv"),
        csv: stream::csv_writer(out),
        rows: 0,
        error: None,
    };
    let mut header = vec!["schema"];
    header.extend(LINE_HEADER);
    let head = sink.csv.write_record(&header);
    sink.error = head.err().map(|e| e.to_string());
    growing_rows(project, ledger, options, &mut Used::new(), &mut sink)
        .map_err(ExportError::Data)?;
    let KeptLines {
        csv, rows, error, ..
    } = sink;
    let flushed = csv.into_inner().map_err(|e| e.error().to_string());
    match error.map_or(flushed.map(|_| ()), Err) {
        Ok(()) => Ok(rows),
        Err(e) => Err(ExportError::Io(e)),
    }
}

/// The lines `keep` accepts, written as they come (see `write_lines`); the first error kept.
struct KeptLines<'k, 'w> {
    keep: &'k dyn Fn(&ExportLine) -> bool,
    schema: String,
    csv: csv::Writer<&'w mut dyn std::io::Write>,
    rows: u64,
    error: Option<String>,
}

impl RowSink for KeptLines<'_, '_> {
    fn line(&mut self, line: &ExportLine) {
        if self.error.is_some() || !(self.keep)(line) {
            return;
        }
        match write_fields(&mut self.csv, &self.schema, &line_fields(line)) {
            Ok(()) => self.rows += 1,
            Err(e) => self.error = Some(e.to_string()),
        }
    }
    fn row(&mut self, _: Grows, _: Vec<Cell>) {}
}

/// Makes every row of the tables that grow with the inputs, in order, and hands each to
/// `sink` as it is made: the chains' lines (file and line order, then the restatement's
/// trail), the registers' lines, entries and avoided emissions, and the rejected rows. Notes
/// in `used` every factor they cite.
fn growing_rows(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    used: &mut Used,
    sink: &mut dyn RowSink,
) -> Result<(), Vec<Diagnostic>> {
    let mut out = Citing::new(sink);
    chain_lines(project, ledger, options, used, &mut out)?;
    register_rows(project, ledger, options.strict, used, &mut out);
    for d in ledger.all_diagnostics().filter(|d| d.is_error()) {
        out.row(Grows::Rejects, reject_row(d));
    }
    // Every published value a line cites is on the factors sheet (the workbook looks it up);
    // after the chains' and registers' own, so the first seen of a reference is kept.
    for (r, u) in out.cited {
        used.entry(r).or_insert(u);
    }
    Ok(())
}

/// The chains' lines: every calculated row once per figure it feeds, the rows a register
/// restates under another figure, and the restatement's trail (`restated.*`).
fn chain_lines(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    used: &mut Used,
    out: &mut Citing<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let comp = &ledger.comp;
    let names = ledger.names();
    let sums = chain_sums(&names);
    // `restated.X` of an additive X: a sum of lines like X (chain_sums reads X's definition).
    let structure = &ledger.structure;
    let restated: Vec<(String, crate::figures::Filter, crate::figures::Measure)> = names
        .iter()
        .filter_map(|n| n.strip_prefix("restated."))
        .filter_map(|of| {
            chain_sums(&[of.to_string()])
                .into_iter()
                .next()
                .map(|(_, f, m)| (format!("restated.{of}"), f, m))
        })
        .collect();
    let restating = |c: &crate::calc::Chain| !restated.is_empty() && c.year == structure.base_year;
    // Facilities whose share or control changed: their restated lines are those of the
    // project under their latest terms (`Structure::latest_terms_project`).
    let latest = structure
        .latest_terms_project(project)
        .filter(|_| !restated.is_empty());
    let retermed = |f: usize| latest.is_some() && structure.reterms(f);
    // Chains a register restates under another figure (purchased heat at market-based scope
    // 2): their rows are written under that figure too.
    let mut entries = Vec::new();
    crate::ledger::run_registers(project, comp, options.strict, &mut |e| {
        if e.parts.iter().any(|c| c.restates.is_some()) {
            entries.push(e.clone());
        }
    });
    let market_restated = register_lines::restated(&entries);
    for_each_line(project, options, &comp.duplicates, &mut |v| {
        let facility = &project.facilities.list[v.chain.facility].id;
        for u in v.chain.used_factors() {
            sink::cite(used, u);
        }
        let mut line_rows = rows(v.name, v.activity, v.chain, v.line, facility);
        for r in &mut line_rows {
            each_figure(r, v.chain, &sums, &mut |l| out.line(l));
            if restating(v.chain)
                && !structure.removes(v.chain.facility)
                && !retermed(v.chain.facility)
            {
                each_figure(r, v.chain, &restated, &mut |l| out.line(l));
            }
        }
        if !market_restated.is_empty() {
            out.lines(register_lines::restated_rows(
                &line_rows,
                v.chain,
                &market_restated,
            ));
        }
    })?;
    // The restatement's trail: the base-year lines of acquired facilities' days outside the
    // boundary, which feed only `restated.*`.
    if !restated.is_empty() {
        crate::calc::for_each_outside_line(project, options, &comp.duplicates, &mut |v| {
            if !restating(v.chain)
                || !structure.adds(v.chain.facility)
                || retermed(v.chain.facility)
            {
                return;
            }
            let facility = &project.facilities.list[v.chain.facility].id;
            for u in v.chain.used_factors() {
                sink::cite(used, u);
            }
            for mut r in rows(v.name, v.activity, v.chain, v.line, facility) {
                each_figure(&mut r, v.chain, &restated, &mut |l| out.line(l));
            }
        })?;
    }
    if let Some(p2) = &latest {
        let mut visit = |v: &crate::calc::LineVisit<'_>, outside: bool| {
            let f = v.chain.facility;
            if !restating(v.chain) || !structure.reterms(f) || (outside && !structure.adds(f)) {
                return;
            }
            for u in v.chain.used_factors() {
                sink::cite(used, u);
            }
            let facility = &project.facilities.list[f].id;
            for mut r in rows(v.name, v.activity, v.chain, v.line, facility) {
                each_figure(&mut r, v.chain, &restated, &mut |l| out.line(l));
            }
        };
        crate::calc::for_each_line(p2, options, &comp.duplicates, &mut |v| visit(v, false))?;
        crate::calc::for_each_outside_line(p2, options, &comp.duplicates, &mut |v| visit(v, true))?;
    }
    Ok(())
}

/// A row of `rejects.csv`: a diagnostic of a rejected row.
fn reject_row(d: &Diagnostic) -> Vec<Cell> {
    vec![
        t(d.span.file.to_string()),
        n(d.span.line),
        n(d.span.column.map_or(String::new(), |c| c.to_string())),
        t(d.code),
        t(&d.message),
        t(d.hint.clone().unwrap_or_default()),
    ]
}

/// The tables whose size does not grow with the rows (inventory, groups, energy, products,
/// factors used, dictionary, bridge), and the figures and formulas the workbook is built from.
struct Fixed {
    tables: Vec<Table>,
    figures: Vec<crate::figures::Figure>,
    formulas: Vec<Option<FigureFormula>>,
}

/// Builds the [`Fixed`] tables; `used` holds every factor the lines and entries cite.
fn fixed_tables(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    used: &Used,
) -> Result<Fixed, Vec<Diagnostic>> {
    let figures = ledger.figures(None).map_err(|e| vec![e])?;
    let formulas: Vec<Option<FigureFormula>> = figures
        .iter()
        .map(|f| figure_formula(ledger, &f.name, f.year))
        .collect();
    let tables = vec![
        inventory_table(&figures, &formulas),
        inventory_by_table(project, ledger)?,
        energy_table(project, &figures),
        products_table(project, ledger)?,
        transport_chains_table(project, ledger, options.strict)?,
        factors_used_table(project, used),
        dictionary_table(),
        bridge_table(project, ledger, options),
    ];
    Ok(Fixed {
        tables,
        figures,
        formulas,
    })
}

/// `inventory.csv`: every figure with its formula.
fn inventory_table(
    figures: &[crate::figures::Figure],
    formulas: &[Option<FigureFormula>],
) -> Table {
    let mut inventory = Table {
        name: "inventory.csv",
        header: vec!["name", "year", "value", "unit", "exact", "formula"],
        rows: Vec::new(),
    };
    for (f, formula) in figures.iter().zip(formulas) {
        inventory.rows.push(vec![
            t(&f.name),
            n(f.year),
            n(f.value),
            t(f.unit),
            t(if f.exact { "yes" } else { "no" }),
            t(formula.as_ref().map_or(String::new(), FigureFormula::text)),
        ]);
    }
    inventory
}

/// `inventory_by.csv`: the figures by facility, country and each facility tag.
fn inventory_by_table(project: &Project, ledger: &Ledger) -> Result<Table, Vec<Diagnostic>> {
    let mut inventory_by = Table {
        name: "inventory_by.csv",
        header: vec!["by", "group", "name", "year", "value", "unit", "exact"],
        rows: Vec::new(),
    };
    let tags: std::collections::BTreeSet<&String> = project
        .facilities
        .list
        .iter()
        .flat_map(|f| f.tags.keys())
        .collect();
    let mut bys = vec![
        crate::years::GroupBy::Facility,
        crate::years::GroupBy::Country,
    ];
    bys.extend(
        tags.into_iter()
            .map(|t| crate::years::GroupBy::Tag(t.clone())),
    );
    for by in &bys {
        let rows = crate::years::groups::breakdown(project, ledger, None, by)
            .map_err(|e| vec![ledger.figure_error("inventory_by.csv", 0, &e)])?;
        for r in rows {
            inventory_by.rows.push(vec![
                t(by.name()),
                t(&r.group),
                t(&r.figure.name),
                n(r.figure.year),
                n(r.figure.value),
                t(r.figure.unit),
                t(if r.figure.exact { "yes" } else { "no" }),
            ]);
        }
    }
    Ok(inventory_by)
}

/// `energy.csv`: each year's energy by carrier in MWh, GJ and tce.
fn energy_table(project: &Project, figs: &[crate::figures::Figure]) -> Table {
    let mut energy = Table {
        name: "energy.csv",
        header: vec!["year", "carrier", "energy_mwh", "energy_gj", "energy_tce"],
        rows: Vec::new(),
    };
    for &y in &project.manifest.reporting_years {
        let carriers = Carrier::ALL
            .iter()
            .map(|c| c.name())
            .chain([crate::renewables::ONSITE_SOLAR]);
        for c in carriers {
            let get = |name: &str| {
                figs.iter()
                    .find(|f| f.year == y && f.name == name)
                    .map(|f| f.value.to_string())
            };
            if let Some(mwh) = get(&format!("energy.by_carrier.{c}")) {
                let gj = get(&format!("energy.by_carrier_gj.{c}")).unwrap_or_else(|| {
                    mwh.parse::<rust_decimal::Decimal>()
                        .ok()
                        .and_then(|m| m.checked_mul(rust_decimal::Decimal::new(36, 1)))
                        .map_or(String::new(), |g| g.normalize().to_string())
                });
                energy.rows.push(vec![
                    n(y),
                    t(c),
                    n(mwh),
                    n(gj),
                    n(get(&format!("energy.by_carrier_tce.{c}")).unwrap_or_default()),
                ]);
            }
        }
    }
    energy
}

/// `factors_used.csv`: every factor cited, by reference, with its citation.
fn factors_used_table(project: &Project, used: &Used) -> Table {
    let mut factors_used = Table {
        name: "factors_used.csv",
        header: vec![
            "reference",
            "value",
            "unit",
            "edition",
            "publisher",
            "title",
            "published",
            "table",
            "licence",
            "url",
            "confidence",
        ],
        rows: Vec::new(),
    };
    for (r, u) in used {
        let (set, ed) = u.edition.split_once('@').unwrap_or((&u.edition, ""));
        let e = project.library.edition(set, ed);
        let key = r.rsplit(':').next().unwrap_or_default();
        let table = e
            .and_then(|e| e.factors.get(key))
            .map_or(String::new(), |d| d.table.clone());
        let c = e.map(|e| (&e.citation, &e.verification));
        rows_push_factor(&mut factors_used, r, u, c, &table);
    }
    factors_used
}

/// `dictionary.csv`: [`DICTIONARY`].
fn dictionary_table() -> Table {
    let mut dictionary = Table {
        name: "dictionary.csv",
        header: vec!["table", "column", "meaning", "unit"],
        rows: Vec::new(),
    };
    for (tb, col, meaning, unit) in DICTIONARY {
        dictionary
            .rows
            .push(vec![t(*tb), t(*col), t(*meaning), t(*unit)]);
    }
    dictionary
}

/// `bridge.csv`: the year-on-year bridge.
fn bridge_table(project: &Project, ledger: &Ledger, options: RunOptions) -> Table {
    let mut bridge = Table {
        name: "bridge.csv",
        header: vec!["from_year", "to_year", "figure", "effect", "value", "unit"],
        rows: Vec::new(),
    };
    for (from, to, figure, effect, value, unit) in
        crate::audit::bridge_rows(project, ledger, options)
    {
        bridge.rows.push(vec![
            n(from),
            n(to),
            t(figure),
            t(effect),
            n(value),
            t(unit),
        ]);
    }
    bridge
}

/// Step column groups of `lines.csv` (a register line's distance, allocation, efficiency,
/// reduction or deduction), each `label, op, value, unit, ref`.
pub const MAX_STEPS: usize = 5;

/// Columns of `lines.csv` (the workbook's lines sheet takes its columns from here too).
pub(crate) const LINE_HEADER: [&str; 54] = [
    "figure",
    "year",
    "file",
    "line",
    "facility",
    "period",
    "scope",
    "source",
    "subject",
    "result",
    "method",
    "quantity",
    "unit",
    "conversion",
    "calorific_value",
    "calorific_unit",
    "calorific_ref",
    "factor_op",
    "factor_value",
    "factor_unit",
    "factor_ref",
    "gwp",
    "gwp_ref",
    "step1_label",
    "step1_op",
    "step1_value",
    "step1_unit",
    "step1_ref",
    "step2_label",
    "step2_op",
    "step2_value",
    "step2_unit",
    "step2_ref",
    "step3_label",
    "step3_op",
    "step3_value",
    "step3_unit",
    "step3_ref",
    "step4_label",
    "step4_op",
    "step4_value",
    "step4_unit",
    "step4_ref",
    "step5_label",
    "step5_op",
    "step5_value",
    "step5_unit",
    "step5_ref",
    "share",
    "gas_t",
    "value",
    "value_unit",
    "exact",
    "fallbacks",
];

/// A step's value as written: a decimal, or `num/den` when it does not terminate.
pub fn step_value_text(st: &crate::register::TermStep) -> String {
    st.fraction()
        .map_or_else(|e| e.to_string(), |(n, d)| Ratio::new(n, d).text())
}

/// `lines.csv`: every line, one row per figure it feeds.
fn lines_table(all: &[ExportLine]) -> Table {
    Table {
        name: "lines.csv",
        header: LINE_HEADER.to_vec(),
        rows: all.iter().map(line_row).collect(),
    }
}

/// A line's row of `lines.csv`, as cells.
fn line_row(r: &ExportLine) -> Vec<Cell> {
    line_fields(r).into_iter().map(Field::into_cell).collect()
}

/// A cell of a row written as it is made, borrowing the text the line holds: a line's row of
/// `lines.csv` is written once per figure it feeds (ten times an input row), and owned cells
/// cost some 110 allocations a row, a quarter of an export's time.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// Text (neutralised when written, as `Cell::Text`).
    Text(Cow<'a, str>),
    /// A number, exact decimal text.
    Num(Cow<'a, str>),
}

impl Field<'_> {
    fn into_cell(self) -> Cell {
        match self {
            Field::Text(s) => Cell::Text(s.into_owned()),
            Field::Num(s) => Cell::Num(s.into_owned()),
        }
    }
}

/// Writes a row of fields after its `schema` cell, as `record` makes a row of cells.
fn write_fields<W: std::io::Write>(
    csv: &mut csv::Writer<W>,
    schema: &str,
    fields: &[Field<'_>],
) -> csv::Result<()> {
    csv.write_field(schema)?;
    for f in fields {
        match f {
            Field::Text(s) if crate::report::formula_like(s) => csv.write_field(neutralise(s))?,
            Field::Text(s) | Field::Num(s) => csv.write_field(s.as_bytes())?,
        }
    }
    csv.write_record(None::<&[u8]>)
}

/// A line's row of `lines.csv`. A `given` row leaves the columns of the product empty.
fn line_fields(r: &ExportLine) -> Vec<Field<'_>> {
    fn t<'a>(s: impl Into<Cow<'a, str>>) -> Field<'a> {
        Field::Text(s.into())
    }
    fn n<'a>(s: impl Into<Cow<'a, str>>) -> Field<'a> {
        Field::Num(s.into())
    }
    fn opt(u: &Option<crate::calc::UsedFactor>) -> (Cow<'_, str>, &str, &str) {
        u.as_ref().map_or((Cow::Borrowed("1"), "", ""), |u| {
            (Cow::Owned(u.value.to_string()), &*u.unit, &*u.reference)
        })
    }
    let (cv, cu, cr) = opt(&r.calorific);
    let (fv, fu, fr) = opt(&r.factor);
    let (gv, _, gr) = opt(&r.gwp);
    let given = r.method == Method::Given;
    let product = |c: Field<'static>| if given { n("") } else { c };
    let mut row = Vec::with_capacity(LINE_HEADER.len());
    row.extend([
        t(&*r.figure),
        n(r.year.to_string()),
        t(&*r.file),
        n(r.line.to_string()),
        t(&*r.facility),
        t(&*r.period),
        t(&*r.scope),
        t(r.source),
        t(&*r.subject),
        t(r.result_name()),
        t(r.method.name()),
    ]);
    if given {
        row.extend([
            n(""),
            t(""),
            n(""),
            n(""),
            t(""),
            t(""),
            t(""),
            n(""),
            t(""),
            t(""),
            n(""),
            t(""),
        ]);
    } else {
        row.extend([
            n(r.quantity.normalize().to_string()),
            t(&*r.unit),
            n(r.conversion.text()),
            n(cv),
            t(cu),
            t(cr),
            t(if r.divide { "÷" } else { "x" }),
            n(fv),
            t(fu),
            t(fr),
            n(gv),
            t(gr),
        ]);
    }
    for i in 0..MAX_STEPS {
        match r.steps.get(i) {
            Some(st) => row.extend([
                t(&*st.label),
                t(if st.divide { "÷" } else { "x" }),
                n(step_value_text(st)),
                t(&*st.unit),
                t(st.reference()),
            ]),
            None => row.extend([t(""), t(""), n(""), t(""), t("")]),
        }
    }
    row.extend([
        product(n(r.share.normalize().to_string())),
        n(r.gas_t.map_or(String::new(), |g| g.normalize().to_string())),
        n(r.value.normalize().to_string()),
        t(r.value_unit),
        t(if r.exact { "yes" } else { "no" }),
        t(&*r.fallbacks),
    ]);
    row
}

/// `products.csv`: one row per product with a footprint — its description, the footprint and
/// its stages (kg CO2e per functional unit), recycled aluminium and steel shares and the
/// ISO 22628 rates (%), all exact; empty cells where a product has no such figure.
fn products_table(project: &Project, ledger: &Ledger) -> Result<Table, Vec<Diagnostic>> {
    const STAGES: [&str; 5] = [
        "materials",
        "manufacturing",
        "distribution",
        "use",
        "end_of_life",
    ];
    let mut table = Table {
        name: "products.csv",
        header: vec![
            "product",
            "year",
            "name",
            "category",
            "functional_unit",
            "footprint_kg_co2e",
            "materials_kg_co2e",
            "manufacturing_kg_co2e",
            "distribution_kg_co2e",
            "use_kg_co2e",
            "end_of_life_kg_co2e",
            "recycled_aluminium_pct",
            "recycled_steel_pct",
            "recyclability_pct",
            "recoverability_pct",
        ],
        rows: Vec::new(),
    };
    let mut diags = Vec::new();
    let meta = crate::products::read_products(project, &mut diags).rows;
    let overflow = |e: crate::decimal::CalcError| {
        vec![Diagnostic::error(
            "overflow",
            crate::diag::Span::file(&project.shown(Input::Products)),
            e.to_string(),
        )]
    };
    for id in crate::products::product_ids(ledger) {
        let Some(m) = meta.iter().find(|p| p.id == id) else {
            continue;
        };
        let get = |name: String| -> Result<Cell, Vec<Diagnostic>> {
            Ok(n(ledger
                .figure(&name, m.year)
                .map_err(overflow)?
                .map_or(String::new(), |f| f.value.to_string())))
        };
        let mut row = vec![
            t(&id),
            n(m.year),
            t(&m.name),
            t(&m.category),
            t(&m.functional_unit),
            get(format!("product.{id}.footprint"))?,
        ];
        for st in STAGES {
            row.push(get(format!("product.{id}.stage.{st}"))?);
        }
        for f in [
            "recycled_share.aluminium",
            "recycled_share.steel",
            "recyclability",
            "recoverability",
        ] {
            row.push(get(format!("product.{id}.{f}"))?);
        }
        table.rows.push(row);
    }
    Ok(table)
}

/// `transport_chains.csv`: ISO 14083's results per transport chain element (each leg and hub
/// of shipments.csv, with its line) and per transport chain (shipment, element `chain`), for
/// every reporting year: tonne-km, tank-to-wheel, well-to-tank and well-to-wheel kg CO2e and
/// kg CO2e per tonne-km — the rows of `carbonledger freight --format csv`, with the year.
fn transport_chains_table(
    project: &Project,
    ledger: &Ledger,
    strict: bool,
) -> Result<Table, Vec<Diagnostic>> {
    let mut table = Table {
        name: "transport_chains.csv",
        header: vec![
            "year",
            "shipment",
            "element",
            "line",
            "period",
            "mode",
            "place",
            "tkm",
            "ttw_kg_co2e",
            "wtt_kg_co2e",
            "wtw_kg_co2e",
            "kg_co2e_per_tkm",
            "intensity_exact",
        ],
        rows: Vec::new(),
    };
    let failed = |e: crate::decimal::CalcError| {
        vec![Diagnostic::error(
            "overflow",
            crate::diag::Span::file(&project.shown(Input::Shipments)),
            format!("a transport chain's total cannot be held exactly: {e}"),
        )]
    };
    let years = &project.manifest.reporting_years;
    let all = crate::freight::chain::chains_of_years(project, &ledger.comp, strict, years)
        .map_err(failed)?;
    for (year, chains) in &all {
        for c in chains {
            let mut push = |element: String,
                            line: Cell,
                            period: &str,
                            mode: &str,
                            place: &str,
                            a: &crate::freight::chain::Amounts|
             -> Result<(), Vec<Diagnostic>> {
                let k = a.in_kg().map_err(failed)?;
                let num = |d: rust_decimal::Decimal| n(d.normalize());
                table.rows.push(vec![
                    n(year),
                    t(&c.shipment),
                    t(element),
                    line,
                    t(period),
                    t(mode),
                    t(place),
                    num(k.tkm),
                    num(k.ttw_kg),
                    num(k.wtt_kg),
                    num(k.wtw_kg),
                    k.intensity.map_or(n(""), |(v, _)| num(v)),
                    t(k.intensity
                        .map_or("", |(_, exact)| if exact { "yes" } else { "no" })),
                ]);
                Ok(())
            };
            for e in &c.elements {
                push(
                    e.element.to_string(),
                    n(e.line),
                    &e.period,
                    &e.mode,
                    &e.place,
                    &e.amounts,
                )?;
            }
            push("chain".into(), n(""), "", "", "", &c.amounts)?;
        }
    }
    Ok(table)
}

/// The registers' rows: their lines (`lines.csv`), one row of `entries.csv` per entry and
/// figure it feeds (with its trace), and the avoided-emission rows (`avoided.csv`, with their
/// counterfactuals), each handed to `out` as the registers run.
fn register_rows(
    project: &Project,
    ledger: &Ledger,
    strict: bool,
    used: &mut Used,
    out: &mut Citing<'_>,
) {
    let facility = |i: usize| {
        project
            .facilities
            .list
            .get(i)
            .map_or_else(String::new, |f| f.id.clone())
    };
    // The restatement's trail of register figures: the base-year entries of the restated
    // computation (`Ledger::restated_base`), under `restated.<figure>`.
    if let Some(rl) = &ledger.restated_base {
        let s = &ledger.structure;
        crate::ledger::run_registers(project, &rl.comp, strict, &mut |e| {
            let mut e = e.clone();
            e.parts.retain(|c| {
                c.year == s.base_year
                    && !s.removes_contribution(c)
                    && crate::years::restate::restated_name(&c.figure)
            });
            for c in &mut e.parts {
                c.figure = format!("restated.{}", c.figure).into();
            }
            if !e.parts.is_empty() {
                out.lines(entry_lines(&e, &facility));
            }
        });
    }
    crate::ledger::run_registers(project, &ledger.comp, strict, &mut |e| {
        out.lines(entry_lines(e, &facility));
        let refs: Vec<String> = e
            .steps
            .iter()
            .filter_map(|s| s.factor.as_ref())
            .map(|u| {
                sink::cite(used, u);
                format!("{} = {} {}", u.reference, u.value, u.unit)
            })
            .collect();
        let trace: Vec<String> = e
            .steps
            .iter()
            .map(|s| format!("{}: {}", s.label, s.text))
            .collect();
        for c in &e.parts {
            let (b, bu) = c
                .basis
                .map_or((String::new(), ""), |(v, u)| (v.normalize().to_string(), u));
            out.row(
                Grows::Entries,
                vec![
                    t(e.file.to_string()),
                    n(e.line),
                    t(&e.what),
                    t(&*c.figure),
                    n(c.year),
                    n(c.value.normalize()),
                    t(c.unit),
                    n(&b),
                    t(bu),
                    t(if c.exact { "yes" } else { "no" }),
                    t(refs.join("; ")),
                    t(trace.join(" | ")),
                ],
            );
            let total = c.figure == "avoided.total" || c.figure == "avoided.expected";
            if c.figure.starts_with("avoided.") && !total {
                let implied = c.basis.filter(|(v, _)| !v.is_zero()).and_then(|(v, u)| {
                    crate::decimal::div(c.value, v)
                        .ok()
                        .map(|q| (q.rounded(crate::decimal::FIGURE_DP).normalize(), u))
                });
                let why = e
                    .steps
                    .iter()
                    .find(|s| s.label == "why")
                    .map_or(String::new(), |s| s.text.clone());
                out.row(
                    Grows::Avoided,
                    vec![
                        t(&*c.figure),
                        n(c.year),
                        n(c.value.normalize()),
                        t(c.unit),
                        n(&b),
                        t(bu),
                        n(implied.map_or(String::new(), |(v, _)| v.to_string())),
                        t(implied.map_or(String::new(), |(_, u)| format!("{}/{u}", c.unit))),
                        t(refs.join("; ")),
                        t(why),
                        t(e.file.to_string()),
                        n(e.line),
                        t(&e.what),
                    ],
                );
            }
        }
    });
}

fn rows_push_factor(
    table: &mut Table,
    r: &str,
    u: &crate::calc::UsedFactor,
    c: Option<(&crate::factors::Citation, &crate::factors::Verification)>,
    fac_table: &str,
) {
    let (p, ti, pu, li, url, conf) = c.map_or_else(Default::default, |(c, v)| {
        (
            c.publisher.clone(),
            c.title.clone(),
            c.published.clone(),
            c.licence.clone(),
            c.url.clone(),
            v.confidence.clone(),
        )
    });
    table.rows.push(vec![
        t(r),
        n(u.value),
        t(&*u.unit),
        t(&*u.edition),
        t(p),
        t(ti),
        t(pu),
        t(fac_table),
        t(li),
        t(url),
        t(conf),
    ]);
}

/// The workbook of a collected export (see `xlsx`); `cached` stores formula results too.
pub fn workbook_bytes(collected: &Collected, cached: bool) -> Result<Vec<u8>, String> {
    workbook_of(
        &collected.lines,
        &collected.figures,
        &collected.formulas,
        &collected.tables,
        cached,
    )
}

/// The workbook of `lines`, the figures and their formulas, its factors sheet the
/// `factors_used.csv` of `tables`.
fn workbook_of(
    lines: &[ExportLine],
    figures: &[crate::figures::Figure],
    formulas: &[Option<FigureFormula>],
    tables: &[Table],
    cached: bool,
) -> Result<Vec<u8>, String> {
    let factor_rows: Vec<Vec<String>> = tables
        .iter()
        .filter(|t| t.name == "factors_used.csv")
        .flat_map(|t| {
            std::iter::once(
                t.header
                    .iter()
                    .map(|h| (*h).to_string())
                    .collect::<Vec<_>>(),
            )
            .chain(t.rows.iter().map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) | Cell::Num(s) => s.clone(),
                    })
                    .collect()
            }))
        })
        .collect();
    xlsx::workbook(lines, figures, formulas, &factor_rows, cached).map_err(|e| e.to_string())
}

/// Where and how an export is written.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The output folder (created if missing).
    pub out: &'a Path,
    /// Replace a previous export in `out` (recognised by its `manifest.json`).
    pub force: bool,
    /// The claims file to seal in place of the project's `claims.toml`.
    pub claims: Option<&'a Path>,
}

/// The absolute form of `p`: `.` and `..` resolved, then symbolic links resolved as far as
/// the path exists.
fn absolute(p: &Path) -> PathBuf {
    use std::path::Component;
    let start = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut lexical = start;
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut cur = lexical.clone();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return rest.iter().rev().fold(c, |acc: PathBuf, n| acc.join(n));
        }
        match (cur.file_name().map(ToOwned::to_owned), cur.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                cur = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
}

/// Decides whether `out` may receive an export of the project in `dir`: never the project
/// folder or a folder inside it; an empty or missing folder; or, with `force`, a folder that
/// holds a previous export and nothing else. Returns the previous export's outputs.
pub fn prepare_out(dir: &Path, out: &Path, force: bool) -> Result<Vec<String>, ExportError> {
    let refuse = |why: String| Err(ExportError::Refused(format!("{}: {why}", out.display())));
    let project = absolute(dir);
    let target = absolute(out);
    if target == project {
        return refuse(
            "is the project folder: an export never writes among its inputs; choose a folder outside the project".into(),
        );
    }
    if target.starts_with(&project) {
        return refuse(format!(
            "lies inside the project folder {}: an export never writes among its inputs; choose a folder outside the project",
            dir.display()
        ));
    }
    if !out.exists() {
        return Ok(Vec::new());
    }
    if !out.is_dir() {
        return refuse("exists and is not a folder".into());
    }
    let mut present: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| ExportError::Io(format!("{}: {e}", out.display())))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // What an export that was killed left half-written: removed by this one.
        .filter(|name| name != stream::STAGING)
        .collect();
    present.sort();
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let previous = read_manifest(out).ok().filter(|m| m.tool == "carbonledger");
    let Some(previous) = previous else {
        return refuse(format!(
            "holds files this export did not write ({}); choose an empty or new folder",
            shorten(&present)
        ));
    };
    let ours: Vec<String> = previous.outputs.iter().map(|f| f.path.clone()).collect();
    let foreign: Vec<String> = present
        .into_iter()
        .filter(|p| p != "manifest.json" && !ours.contains(p))
        .collect();
    if !foreign.is_empty() {
        return refuse(format!(
            "holds a previous export and files it did not write ({}); choose an empty or new folder",
            shorten(&foreign)
        ));
    }
    if !force {
        return refuse(
            "holds a previous export (its manifest.json lists every file there); pass --force to replace it".into(),
        );
    }
    Ok(ours)
}

fn shorten(names: &[String]) -> String {
    let mut s = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 5 {
        s.push_str(&format!(" and {} more", names.len() - 5));
    }
    s
}

/// Lines [`write()`] keeps in memory while it streams them, for the workbook. A project with
/// more lines than this, but few enough for a sheet, has its lines made a second time when
/// the workbook is written, so that streaming never holds more than these.
pub const KEEP_FOR_WORKBOOK: usize = 32_768;

/// Writes an export into `target.out` (after [`prepare_out`]) and returns its manifest. The
/// tables that grow with the rows (lines, entries, avoided, rejects) are written as their
/// rows are made, in constant memory; the workbook, written when the lines fit in a sheet,
/// holds every line. Files go into a staging folder and are moved into place at the end, the
/// manifest last: a failed export leaves the output folder as it was.
pub fn write(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    target: Target<'_>,
    command: &[String],
    extra: &[(&str, Vec<u8>)],
) -> Result<Manifest, ExportError> {
    write_keeping(
        project,
        ledger,
        options,
        target,
        command,
        extra,
        KEEP_FOR_WORKBOOK,
    )
}

/// [`write()`], keeping at most `keep` lines for the workbook (the tests make it make them
/// again).
#[doc(hidden)]
pub fn write_keeping(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    target: Target<'_>,
    command: &[String],
    extra: &[(&str, Vec<u8>)],
    keep: usize,
) -> Result<Manifest, ExportError> {
    let out = target.out;
    let previous = prepare_out(&project.dir, out, target.force)?;
    // The restated base year goes beside the export (refused before anything is written).
    let verdict = ledger
        .restatement()
        .map_err(|e| ExportError::Io(e.to_string()))?
        .filter(|v| v.restate);
    let restated_previous = match &verdict {
        Some(v) => {
            let rout = restated_out(out, v.base_year);
            Some((prepare_out(&project.dir, &rout, target.force)?, rout))
        }
        None => None,
    };
    let main = Staging::begin(out)?;
    let beside = match &restated_previous {
        Some((_, rout)) => Some(Staging::begin(rout)?),
        None => None,
    };
    let mut used = Used::new();
    let mut sink = Streaming::create(&main, beside.as_ref(), keep)?;
    growing_rows(project, ledger, options, &mut used, &mut sink).map_err(ExportError::Data)?;
    let streamed = sink.finish()?;
    let fixed = fixed_tables(project, ledger, options, &used).map_err(ExportError::Data)?;
    let mut outputs = streamed.outputs;
    for tb in &fixed.tables {
        outputs.push(main.file(tb.name, tb.schema(), &tb.to_csv())?);
    }
    outputs.sort_by_key(|f| table_rank(&f.path));
    if let Some(lines) = workbook_lines(project, ledger, options, streamed.count, streamed.kept)? {
        let bytes = workbook_of(&lines, &fixed.figures, &fixed.formulas, &fixed.tables, true)
            .map_err(|e| ExportError::Io(format!("workbook.xlsx: {e}")))?;
        let schema = format!("workbook/{SCHEMA_VERSION}");
        outputs.push(main.file("workbook.xlsx", schema, &bytes)?);
    }
    for (name, bytes) in extra {
        let stem = name.rsplit_once('.').map_or(*name, |(s, _)| s);
        outputs.push(main.file(name, format!("{stem}/{SCHEMA_VERSION}"), bytes)?);
    }
    let seal = Seal {
        project,
        options,
        command,
        claims: target.claims,
        editions: crate::ledger::used_editions(project, ledger, options.strict),
    };
    let m = seal.manifest(outputs)?;
    main.commit(&m.outputs, &previous, &m.to_json())?;
    if let (Some(v), Some((previous, _)), Some(staging), Some(lines)) =
        (&verdict, restated_previous, beside, streamed.restated_lines)
    {
        let beside = Beside {
            staging,
            lines,
            previous,
        };
        write_restated(&seal, ledger, v, &fixed, beside)?;
    }
    Ok(m)
}

/// The lines the workbook is built from: those kept while streaming, or, when there were
/// more than were kept, all of them made again. `None` when they pass a sheet's rows (the
/// workbook is not written; lines.csv holds them all).
fn workbook_lines(
    project: &Project,
    ledger: &Ledger,
    options: RunOptions,
    count: usize,
    kept: Option<Vec<ExportLine>>,
) -> Result<Option<Vec<ExportLine>>, ExportError> {
    if count >= xlsx::MAX_LINES {
        return Ok(None);
    }
    if let Some(kept) = kept {
        return Ok(Some(kept));
    }
    let mut again = LinesOnly::default();
    growing_rows(project, ledger, options, &mut Used::new(), &mut again)
        .map_err(ExportError::Data)?;
    Ok(Some(again.lines))
}

/// What a manifest seals beside the outputs: the command, the project's inputs, the claims
/// file and the factor editions used.
struct Seal<'a> {
    project: &'a Project,
    options: RunOptions,
    command: &'a [String],
    claims: Option<&'a Path>,
    editions: std::collections::BTreeSet<String>,
}

impl Seal<'_> {
    fn manifest(&self, outputs: Vec<ManifestFile>) -> Result<Manifest, ExportError> {
        Manifest::build(
            self.project,
            self.options,
            self.command,
            self.claims,
            &self.editions,
            outputs,
        )
        .map_err(ExportError::Io)
    }
}

/// The restated export being written: its staging folder, its `lines.csv` (streamed beside
/// the export's own) and the files of a previous restated export there.
struct Beside {
    staging: Staging,
    lines: ManifestFile,
    previous: Vec<String>,
}

/// Writes the restated export (`OUT-restated-YEAR`): its inventory, the lines already
/// streamed, the restatement and the moves, and its own manifest.
fn write_restated(
    seal: &Seal<'_>,
    ledger: &Ledger,
    verdict: &crate::years::Restatement,
    fixed: &Fixed,
    beside: Beside,
) -> Result<(), ExportError> {
    let Beside {
        staging,
        lines,
        previous,
    } = beside;
    let [inventory, restatement, moves] =
        restated::fixed_tables(&fixed.tables, &fixed.figures, ledger, verdict);
    let staged = |tb: &Table| staging.file(tb.name, tb.schema(), &tb.to_csv());
    let outputs = vec![
        staged(&inventory)?,
        lines,
        staged(&restatement)?,
        staged(&moves)?,
    ];
    let mut rm = seal.manifest(outputs)?;
    rm.note = format!(
        "The base year {} restated for structural changes (GHG Protocol Corporate Standard ch. 5), beside the export it was written with: {} {}",
        verdict.base_year,
        verdict.sentence(seal.project.manifest.rounding),
        rm.note
    );
    staging.commit(&rm.outputs, &previous, &rm.to_json())
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// The inputs have problems.
    Data(Vec<Diagnostic>),
    /// A file could not be written or read.
    Io(String),
    /// The output folder may not receive an export (the project folder, inside it, or holding
    /// other files).
    Refused(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of fields written as it is made is the bytes of the same row of cells in a table
    /// written whole: text that a spreadsheet would read as a formula neutralised (numbers
    /// not), quotes, commas and line ends quoted, empty cells empty.
    #[test]
    fn fields_are_written_as_a_table_writes_cells() {
        let texts = [
            "=1+2",
            "-5",
            "+x",
            "@sum",
            "a,b",
            "q\"uote",
            "two\nlines",
            "",
            "÷",
            "ok",
        ];
        let mut fields = Vec::new();
        let mut cells = Vec::new();
        for s in texts {
            fields.extend([Field::Text(s.into()), Field::Num(s.into())]);
            cells.extend([Cell::Text(s.into()), Cell::Num(s.into())]);
        }
        let table = Table {
            name: "lines.csv",
            header: vec!["c"; cells.len()],
            rows: vec![cells.clone(), cells],
        };
        let mut w = stream::csv_writer(Vec::new());
        let mut header = vec!["schema"];
        header.extend(&table.header);
        w.write_record(&header).unwrap();
        for _ in 0..2 {
            write_fields(&mut w, &table.schema(), &fields).unwrap();
        }
        let streamed = w.into_inner().unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(table.to_csv()).unwrap()
        );
        // Not vacuous: the formula-like texts were neutralised, the numbers left alone.
        let whole = String::from_utf8(table.to_csv()).unwrap();
        assert!(whole.contains(",'=1+2,=1+2,'-5,-5,"), "{whole}");
    }
}
