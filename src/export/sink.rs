//! Where the rows of the tables that grow with the inputs go as they are made: kept in memory
//! ([`Kept`], for `collect`), only the lines kept ([`LinesOnly`], the workbook's second
//! pass), or written straight to their files ([`Streaming`], for `write`: constant memory).

use super::restated::restated_fields;
use super::stream::{Staging, TableFile};
use super::{line_fields, Cell, ExportError, ExportLine, Field, ManifestFile, LINE_HEADER};
use crate::calc::UsedFactor;
use std::collections::BTreeMap;

/// The factors an export cites, by reference (the first seen of each is kept).
pub type Used = BTreeMap<String, UsedFactor>;

/// Notes that `u` is cited, the first seen of each reference kept: no key is made for a
/// reference already noted (every line asks, millions of times).
pub fn cite(used: &mut Used, u: &UsedFactor) {
    if !used.contains_key(&*u.reference) {
        used.insert(u.reference.to_string(), u.clone());
    }
}

/// The tables besides `lines.csv` whose rows grow with the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grows {
    /// `entries.csv`: one row per register entry and figure it feeds.
    Entries,
    /// `avoided.csv`: one row per avoided-emission contribution.
    Avoided,
    /// `rejects.csv`: one row per error on a rejected row.
    Rejects,
}

impl Grows {
    /// The file name.
    pub fn name(self) -> &'static str {
        match self {
            Grows::Entries => "entries.csv",
            Grows::Avoided => "avoided.csv",
            Grows::Rejects => "rejects.csv",
        }
    }

    /// The columns (after `schema`).
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Grows::Entries => &[
                "file",
                "line",
                "what",
                "figure",
                "year",
                "value",
                "unit",
                "basis",
                "basis_unit",
                "exact",
                "factors",
                "trace",
            ],
            Grows::Avoided => &[
                "name",
                "year",
                "value",
                "unit",
                "activity",
                "activity_unit",
                "implied_factor",
                "implied_unit",
                "counterfactual_factors",
                "why",
                "file",
                "line",
                "what",
            ],
            Grows::Rejects => &["file", "line", "column", "code", "message", "hint"],
        }
    }
}

/// Where the rows of the growing tables go, one at a time, in the order they are made.
pub trait RowSink {
    /// A row of `lines.csv`.
    fn line(&mut self, line: &ExportLine);
    /// A row of another growing table.
    fn row(&mut self, table: Grows, cells: Vec<Cell>);
}

/// A sink that also notes the published values each line cites (the factors sheet lists
/// every one; the workbook looks them up there).
pub struct Citing<'s> {
    sink: &'s mut dyn RowSink,
    /// The values cited, the first seen of each reference kept.
    pub cited: Used,
}

impl<'s> Citing<'s> {
    /// Passes rows on to `sink`.
    pub fn new(sink: &'s mut dyn RowSink) -> Citing<'s> {
        Citing {
            sink,
            cited: Used::new(),
        }
    }

    /// Passes each of `lines` on, in order.
    pub fn lines(&mut self, lines: Vec<ExportLine>) {
        for l in &lines {
            self.line(l);
        }
    }

    /// Passes a line on (lent: a sink that keeps it copies it).
    pub fn line(&mut self, l: &ExportLine) {
        let cited = [&l.calorific, &l.factor, &l.gwp]
            .into_iter()
            .flatten()
            .chain(l.steps.iter().flat_map(|s| s.factors()));
        for u in cited {
            cite(&mut self.cited, u);
        }
        self.sink.line(l);
    }

    /// Passes a row of another growing table on.
    pub fn row(&mut self, table: Grows, cells: Vec<Cell>) {
        self.sink.row(table, cells);
    }
}

/// Every row kept in memory.
#[derive(Default)]
pub struct Kept {
    pub lines: Vec<ExportLine>,
    pub entries: Vec<Vec<Cell>>,
    pub avoided: Vec<Vec<Cell>>,
    pub rejects: Vec<Vec<Cell>>,
}

impl RowSink for Kept {
    fn line(&mut self, line: &ExportLine) {
        self.lines.push(line.clone());
    }
    fn row(&mut self, table: Grows, cells: Vec<Cell>) {
        match table {
            Grows::Entries => self.entries.push(cells),
            Grows::Avoided => self.avoided.push(cells),
            Grows::Rejects => self.rejects.push(cells),
        }
    }
}

/// The lines kept, every other row dropped.
#[derive(Default)]
pub struct LinesOnly {
    pub lines: Vec<ExportLine>,
}

impl RowSink for LinesOnly {
    fn line(&mut self, line: &ExportLine) {
        self.lines.push(line.clone());
    }
    fn row(&mut self, _: Grows, _: Vec<Cell>) {}
}

/// The growing tables written to their files as their rows come, the `restated.*` lines
/// written to the restated export's `lines.csv` beside them, and the first lines kept for
/// the workbook. Nothing else is held, whatever the number of rows.
pub struct Streaming {
    lines: TableFile,
    entries: TableFile,
    avoided: TableFile,
    rejects: TableFile,
    /// The restated export's `lines.csv`, when there is one.
    restated: Option<TableFile>,
    /// The lines so far while there are at most `keep` (for the workbook); `None` past that.
    kept: Option<Vec<ExportLine>>,
    keep: usize,
    /// Lines written.
    count: usize,
    /// The first write error: the rows after it are dropped and the export fails with it.
    error: Option<ExportError>,
}

/// What [`Streaming`] wrote.
pub struct Streamed {
    /// The growing tables' manifest entries.
    pub outputs: Vec<ManifestFile>,
    /// The restated export's `lines.csv`, when there is one.
    pub restated_lines: Option<ManifestFile>,
    /// Lines written to `lines.csv`.
    pub count: usize,
    /// Every line, when there were at most `keep`.
    pub kept: Option<Vec<ExportLine>>,
}

impl Streaming {
    /// Creates the growing tables in `main` (and the restated lines in `beside`), keeping
    /// up to `keep` lines for the workbook.
    pub fn create(
        main: &Staging,
        beside: Option<&Staging>,
        keep: usize,
    ) -> Result<Streaming, ExportError> {
        let grows = |g: Grows| TableFile::create(main, g.name(), g.header());
        Ok(Streaming {
            lines: TableFile::create(main, "lines.csv", &LINE_HEADER)?,
            entries: grows(Grows::Entries)?,
            avoided: grows(Grows::Avoided)?,
            rejects: grows(Grows::Rejects)?,
            restated: match beside {
                Some(b) => Some(TableFile::create(b, "lines.csv", &LINE_HEADER)?),
                None => None,
            },
            kept: Some(Vec::new()),
            keep,
            count: 0,
            error: None,
        })
    }

    /// Flushes every file; the first error met while streaming, if any.
    pub fn finish(self) -> Result<Streamed, ExportError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let outputs = vec![
            self.lines.finish()?,
            self.entries.finish()?,
            self.avoided.finish()?,
            self.rejects.finish()?,
        ];
        let restated_lines = match self.restated {
            Some(f) => Some(f.finish()?),
            None => None,
        };
        Ok(Streamed {
            outputs,
            restated_lines,
            count: self.count,
            kept: self.kept,
        })
    }

    fn write_line(&mut self, row: &[Field<'_>]) -> Result<(), ExportError> {
        self.lines.fields(row)?;
        if let Some(f) = &mut self.restated {
            if let Some(r) = restated_fields(row) {
                f.fields(&r)?;
            }
        }
        Ok(())
    }

    fn keep_for_workbook(&mut self, line: &ExportLine) {
        match &mut self.kept {
            Some(k) if k.len() < self.keep => k.push(line.clone()),
            // Past `keep` none are held; the workbook, if the lines fit in it, makes them again.
            Some(_) => self.kept = None,
            None => {}
        }
    }
}

impl RowSink for Streaming {
    fn line(&mut self, line: &ExportLine) {
        if self.error.is_some() {
            return;
        }
        match self.write_line(&line_fields(line)) {
            Ok(()) => {
                self.count += 1;
                self.keep_for_workbook(line);
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn row(&mut self, table: Grows, cells: Vec<Cell>) {
        if self.error.is_some() {
            return;
        }
        let file = match table {
            Grows::Entries => &mut self.entries,
            Grows::Avoided => &mut self.avoided,
            Grows::Rejects => &mut self.rejects,
        };
        if let Err(e) = file.row(&cells) {
            self.error = Some(e);
        }
    }
}
