//! `carbonledger explain [DIR] FIGURE [--year Y]`: the figure's definition, then every
//! contributing row with its trace, and the check that the rows sum to the figure.

use super::common::{dir_and, load, ProjectOpts};
use super::json::Streamed;
use super::output::{OutputOpts, TextOut};
use super::Exit;
use carbonledger::calc::{for_each_line, show, trace_kept, RunOptions};
use carbonledger::decimal;
use carbonledger::figures::{definition, Definition};
use carbonledger::ledger::{run_registers, Ledger};
use carbonledger::register::Derived;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Arguments of `explain`.
#[derive(clap::Args, Debug)]
#[command(
    override_usage = "carbonledger explain [OPTIONS] [DIR] <FIGURE>",
    after_help = "Examples:\n  carbonledger explain fixtures/xiaomi-2025 ghg.scope2.location\n  carbonledger explain fixtures/xiaomi-2025 energy.total --year 2024 --format json"
)]
pub struct Args {
    /// `[DIR] FIGURE`: the project folder (default `.`) and the figure name, e.g. ghg.scope2.location.
    #[arg(num_args = 1..=2, required = true, value_name = "[DIR] FIGURE")]
    args: Vec<String>,
    /// Year (default: the latest reporting year).
    #[arg(long)]
    year: Option<i32>,
    /// Output format: the trace as text, JSON (`schema_version`, value, trace lines, sources), or
    /// CSV (one row per contributing line, the columns of an export's lines.csv).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// With `--group`: explain the figure of one group, by `facility`, `country` or `tag:NAME`.
    #[arg(long, value_name = "facility|country|tag:NAME", requires = "group")]
    by: Option<String>,
    /// The group explained (a facility id, a country code, a tag value).
    #[arg(long, requires = "by")]
    group: Option<String>,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

/// Output format of `explain`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    /// The trace as text.
    Text,
    /// JSON.
    Json,
    /// CSV: the figure's rows of lines.csv (`carbonledger export`), which sum to it.
    Csv,
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (dir, name) = dir_and(&a.args)?;
        let (project, ledger) = load(&dir, &a.opts)?;
        let year = a
            .year
            .unwrap_or_else(|| ledger.years.last().copied().unwrap_or_default());
        if !ledger.years.contains(&year) {
            eprintln!(
                "error: {year} is not one of reporting_years {:?}\n  = hint: pass --year with a reporting year",
                ledger.years
            );
            return Err(Exit::Usage);
        }
        let group = match (a.by.as_deref(), a.group.as_deref()) {
            (Some(b), Some(g)) => match carbonledger::years::GroupBy::parse(b) {
                Some(by) => Some((by, g.to_string())),
                None => {
                    eprintln!("error: --by takes facility, country or tag:NAME");
                    return Err(Exit::Usage);
                }
            },
            _ => None,
        };
        // The trace into `s`, as it is made (a paragraph per row: gigabytes over millions of
        // rows), with the rows `shown`.
        let traced = |s: &mut dyn std::fmt::Write, mut shown: Shown| {
            let at = (name.as_str(), year);
            match &group {
                Some(g) => explain_group(&dir, &project, &ledger, &a.opts, at, g, s, &mut shown),
                None => explain(&dir, &project, &ledger, &a.opts, at, s, &mut shown),
            }
        };
        let e = match a.format {
            ExplainFormat::Text => a.output.stream(|w| {
                let mut s = TextOut::new(w);
                let e = traced(&mut s, Shown::all())?;
                s.finish()?;
                Ok(e)
            })?,
            ExplainFormat::Csv => {
                // Whether the rows sum to the figure: counted and summed, not traced.
                let e = traced(&mut Nowhere, Shown::tally())?;
                a.output.stream(|out| {
                    contributing_lines(
                        &project,
                        &ledger,
                        &a.opts,
                        (&name, year),
                        group.as_ref(),
                        out,
                    )
                })?;
                e
            }
            ExplainFormat::Json => {
                // Whether the rows agree comes before the trace in the JSON: counted and
                // summed first, then the trace is written line by line as it is made (over
                // millions of rows it is gigabytes), its sources after it.
                let e = traced(&mut Nowhere, Shown::tally())?;
                let made = std::cell::RefCell::new(None);
                let streamed = {
                    let trace = Streamed::new(
                        &made,
                        Box::new(|each: &mut dyn FnMut(&str)| {
                            let mut lines = Lines {
                                line: String::new(),
                                each,
                            };
                            let e = traced(&mut lines, Shown::all());
                            lines.finish();
                            e
                        }),
                    );
                    let j = ExplainJson {
                        schema_version: SCHEMA_VERSION,
                        figure: &e.figure.name,
                        year: e.figure.year,
                        value: e.figure.value.to_string(),
                        unit: e.figure.unit,
                        exact: e.figure.exact,
                        agrees: e.agrees,
                        trace,
                        sources: SourcesOf(&made),
                    };
                    a.output.stream(|w| {
                        let written = serde_json::to_writer_pretty(&mut *w, &j)
                            .and_then(|()| w.write_all(b"\n").map_err(serde_json::Error::io));
                        match (made.borrow_mut().take(), written) {
                            (Some(Err(exit)), _) => Err(exit),
                            (Some(Ok(_)), Ok(())) => Ok(()),
                            _ => Err(Exit::Io),
                        }
                    })
                };
                streamed?;
                e
            }
        };
        if e.agrees {
            Ok(())
        } else {
            Err(Exit::Io)
        }
    };
    inner().err().unwrap_or(Exit::Ok)
}

/// The figure's rows of the export's line table, as CSV with its header (and `schema`
/// column), written to `out` as they are made: the same columns as lines.csv, so a row reads
/// the same in both. A figure derived from others (a ratio, a change) has no rows of its own:
/// the header alone, and a note. With a group (`--by B --group G`), the rows of the group's
/// facilities only.
fn contributing_lines(
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    opts: &ProjectOpts,
    (name, year): (&str, i32),
    group: Option<&(carbonledger::years::GroupBy, String)>,
    out: &mut dyn std::io::Write,
) -> Result<(), Exit> {
    use carbonledger::export::{write_lines, ExportError, ExportLine};
    let options = RunOptions {
        strict: opts.strict,
        threads: opts.threads,
    };
    let in_group = |l: &ExportLine| -> bool {
        let Some((by, g)) = group else { return true };
        project
            .facilities
            .index_of(&l.facility)
            .is_some_and(|i| carbonledger::years::group_key(project, i, by) == *g)
    };
    let keep = |l: &ExportLine| l.figure == name && l.year == year && in_group(l);
    let rows = write_lines(project, ledger, options, &keep, out).map_err(|e| match e {
        ExportError::Data(d) => {
            super::common::print_diagnostics(&d);
            Exit::Data
        }
        ExportError::Io(e) | ExportError::Refused(e) => {
            eprintln!("error: {e}");
            Exit::Io
        }
    })?;
    if rows == 0 {
        eprintln!(
            "note: `{name}` has no contributing lines of its own (it is derived from other figures); `--format text` shows which"
        );
    }
    Ok(())
}

/// The JSON shape's version (`explain --format json`).
pub const SCHEMA_VERSION: u32 = 1;

/// `explain --format json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct ExplainJson<'a> {
    schema_version: u32,
    figure: &'a str,
    year: i32,
    value: String,
    unit: &'a str,
    exact: bool,
    /// Whether the contributing rows sum to the figure.
    agrees: bool,
    /// The trace, one line per element (as the text format prints it).
    #[schemars(with = "Vec<String>")]
    trace: Streamed<'a, str, Result<Explained, Exit>>,
    #[schemars(with = "Vec<SourceJson<'static>>")]
    sources: SourcesOf<'a>,
}

/// What making a trace gives: the explanation (with the sources it cites), or the exit.
type Made = std::cell::RefCell<Option<Result<Explained, Exit>>>;

/// The sources of the trace made before them (the `trace` array), as `{reference, citation}`.
pub(super) struct SourcesOf<'a>(&'a Made);

impl serde::Serialize for SourcesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let made = self.0.borrow();
        let sources = match &*made {
            Some(Ok(e)) => &e.sources,
            _ => &std::collections::BTreeMap::new(),
        };
        ser.collect_seq(sources.iter().map(|(reference, citation)| SourceJson {
            reference,
            citation,
        }))
    }
}

/// Text cut into lines as `str::lines` cuts it (at each `\n`, a `\r` before it dropped, the
/// last line kept without one), each handed to `each` when complete.
struct Lines<'f> {
    line: String,
    each: &'f mut dyn FnMut(&str),
}

impl Lines<'_> {
    /// Hands over the last line, when the text does not end with `\n`.
    fn finish(mut self) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            (self.each)(&line);
        }
    }
}

impl std::fmt::Write for Lines<'_> {
    fn write_str(&mut self, mut s: &str) -> std::fmt::Result {
        while let Some(i) = s.find('\n') {
            self.line.push_str(&s[..i]);
            let line = self.line.strip_suffix('\r').unwrap_or(&self.line);
            (self.each)(line);
            self.line.clear();
            s = &s[i + 1..];
        }
        self.line.push_str(s);
        Ok(())
    }
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct SourceJson<'a> {
    reference: &'a str,
    citation: &'a str,
}

/// A figure's explanation.
pub struct Explained {
    /// The figure.
    pub figure: carbonledger::figures::Figure,
    /// Whether the contributing rows sum to the figure (always true for derived figures).
    pub agrees: bool,
    /// Factor references cited by the trace, with their citations.
    pub sources: std::collections::BTreeMap<String, String>,
}

/// Explains one figure in one year; prints why not (unknown figure, no value) and fails.
pub fn explain(
    dir: &std::path::Path,
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    opts: &super::common::ProjectOpts,
    (name, year): (&str, i32),
    s: &mut dyn std::fmt::Write,
    shown: &mut Shown,
) -> Result<Explained, Exit> {
    let comp = &ledger.comp;
    let mut sources = std::collections::BTreeMap::new();
    let mut agrees = true;
    {
        let name = name.to_string();
        if !ledger.knows(&name) {
            eprintln!("error: unknown figure `{name}`\n  = hint: `carbonledger figures {}` lists every figure", dir.display());
            return Err(Exit::Usage);
        }
        let fig = ledger.figure(&name, year).map_err(|e| {
            eprintln!("{}", ledger.figure_error(&name, year, &e));
            Exit::Data
        })?;
        let Some(fig) = fig else {
            eprintln!("error: figure `{name}` has no value for {year}");
            return Err(Exit::Data);
        };
        let _ = writeln!(
            s,
            "{name} {year} = {} {}{}",
            fig.value,
            fig.unit,
            if fig.exact {
                ""
            } else {
                " (a non-terminating division was rounded; see docs/methodology.md)"
            }
        );
        if let Some((v, u)) = ledger.implied_factor(&name, year).map_err(|_| Exit::Data)? {
            let _ = writeln!(
                s,
                "  implied factor: {v} {u} (the figure ÷ the activity it was computed from)"
            );
        }
        if let Some(text) = base_year_text(ledger, project, &name, year) {
            let _ = s.write_str(&text);
            return Ok(Explained {
                figure: fig,
                agrees: true,
                sources,
            });
        }
        let def = match name.strip_prefix("change.") {
            Some(of) => Some(Definition::Change { of: of.to_string() }),
            None => definition(&name),
        };
        match def {
            None => {
                agrees = explain_register(
                    &mut *s,
                    shown,
                    project,
                    ledger,
                    opts,
                    &name,
                    year,
                    &fig,
                    dir,
                    &mut sources,
                )?
            }
            Some(Definition::Ratio {
                numerator,
                denominator,
            }) => {
                let n = ledger.figure(numerator, year).ok().flatten();
                let d = ledger.figure(denominator, year).ok().flatten();
                if let (Some(n), Some(d)) = (n, d) {
                    let _ = writeln!(
                        s,
                        "  = {numerator} / {denominator}\n  = {} {} / {} {}",
                        n.value, n.unit, d.value, d.unit
                    );
                    let _ = writeln!(
                        s,
                        "explain each part: `carbonledger explain {} {numerator} --year {year}`",
                        dir.display()
                    );
                }
            }
            Some(Definition::Change { of }) => {
                let now = ledger.figure(&of, year).ok().flatten();
                let prev = ledger.figure(&of, year - 1).ok().flatten();
                if let (Some(n), Some(p)) = (now, prev) {
                    let _ = writeln!(
                        s,
                        "  = ({of} {year} − {of} {}) / {of} {} × 100\n  = ({} − {}) / {} × 100",
                        year - 1,
                        year - 1,
                        n.value,
                        p.value,
                        p.value
                    );
                    let _ = writeln!(s, "explain each year: `carbonledger explain {} {of} --year {year}` and `--year {}`", dir.display(), year - 1);
                }
            }
            Some(Definition::Sum { filter, measure }) => {
                let (unit, scale) = measure.unit();
                let _ = writeln!(s, "  = the sum over the contributing rows below ({unit})\n");
                let mut total = Decimal::ZERO;
                let mut count = 0u64;
                let mut overflow = false;
                for_each_line(
                    project,
                    RunOptions {
                        strict: opts.strict,
                        threads: opts.threads,
                    },
                    &comp.duplicates,
                    &mut |v| {
                        if v.chain.year != year || !filter.covers(v.chain) {
                            return;
                        }
                        let measured = measure.of_line(v.chain, v.line);
                        let contribution = measured.clone().unwrap_or_default();
                        match measured.and_then(|c| decimal::add(total, c)) {
                            Ok(t) => total = t,
                            Err(_) => overflow = true,
                        }
                        count += 1;
                        let mut nowhere = Nowhere;
                        let Some((row, s)) = shown.place(&mut *s, &mut nowhere) else {
                            return;
                        };
                        let f = &project.facilities.list[v.chain.facility];
                        let subject = match &v.activity.subject {
                            carbonledger::activity::Subject::Carrier(c) => c.name().to_string(),
                            carbonledger::activity::Subject::Gas(g) => g.clone(),
                        };
                        let _ = writeln!(
                            s,
                            "{}:{}  {} ({})  {}  {}",
                            carbonledger::calc::shown_name(project, v.name),
                            v.activity.line,
                            f.id,
                            f.name,
                            v.activity.period,
                            subject
                        );
                        write_steps(
                            &mut *s,
                            trace_kept(v.activity, v.chain, v.line, row == Row::Shown),
                            &mut sources,
                        );
                        let _ = writeln!(s, "    {:<9} {}\n", "→", show(contribution, scale, unit));
                    },
                )
                .map_err(|_| Exit::Data)?;
                // Into the figure's unit by the figure's own rule: a quotient that does not
                // terminate (J → MWh) keeps FIGURE_DP places, as `figures::sum_figure` does.
                let mut total = decimal::div(total, scale)
                    .map_err(|_| Exit::Data)?
                    .rounded(decimal::FIGURE_DP);
                let (n, t) = register_entries(
                    &mut *s,
                    project,
                    ledger,
                    opts,
                    (&name, year),
                    &mut sources,
                    shown,
                );
                shown.note(&mut *s, &name, year);
                count += n;
                overflow |= t.is_none();
                total = decimal::add(total, t.unwrap_or_default()).unwrap_or(total);
                // A figure kept to 16 places when a line was rounded: the sum, rounded alike.
                if !fig.exact {
                    total = total.round_dp(decimal::FIGURE_DP);
                }
                let q = decimal::Quotient {
                    value: total,
                    exact: true,
                };
                agrees = !overflow && q.value.normalize() == fig.value.normalize();
                let sum = format!("{} {unit}", q.value.normalize());
                write_tally(
                    &mut *s,
                    (count, "row"),
                    &sum,
                    agrees,
                    "the figure",
                    &sources,
                );
            }
        }
        Ok(Explained {
            figure: fig,
            agrees,
            sources,
        })
    }
}

/// How many contributing rows a trace shows (`None`: every one); the rest are summed and
/// their sources listed, and a note says how many were left out. The HTML report shows a
/// figure's first rows; `explain` shows every one.
pub struct Shown {
    limit: Option<u64>,
    rows: u64,
    /// Whether a row not shown still has its trace made, for the sources it cites.
    sourced: bool,
}

/// What to make of one contributing row.
#[derive(PartialEq)]
enum Row {
    /// Its trace, shown.
    Shown,
    /// Its trace, made for its sources only.
    Sourced,
    /// Nothing: it is counted and summed.
    Counted,
}

impl Shown {
    /// Every row.
    pub fn all() -> Shown {
        Shown {
            limit: None,
            rows: 0,
            sourced: true,
        }
    }

    /// The first `n` rows.
    pub fn first(n: u64) -> Shown {
        Shown {
            limit: Some(n),
            rows: 0,
            sourced: true,
        }
    }

    /// No row, and no source: the rows are only counted and summed (whether they agree with
    /// the figure, for `--format csv`, which writes the rows itself).
    fn tally() -> Shown {
        Shown {
            limit: Some(0),
            rows: 0,
            sourced: false,
        }
    }

    /// Counts a row; what to make of it.
    fn row(&mut self) -> Row {
        self.rows += 1;
        if self.limit.is_none_or(|n| self.rows <= n) {
            Row::Shown
        } else if self.sourced {
            Row::Sourced
        } else {
            Row::Counted
        }
    }

    /// Counts a row; where its text goes (`s`, or nowhere when it is not shown) and what to
    /// make of it, or `None` when it is only counted.
    fn place<'s>(
        &mut self,
        s: &'s mut dyn std::fmt::Write,
        nowhere: &'s mut Nowhere,
    ) -> Option<(Row, &'s mut dyn std::fmt::Write)> {
        match self.row() {
            Row::Shown => Some((Row::Shown, s)),
            Row::Sourced => Some((Row::Sourced, nowhere)),
            Row::Counted => None,
        }
    }

    /// The note on the rows left out, if any.
    fn note(&self, s: &mut dyn std::fmt::Write, name: &str, year: i32) {
        if let Some(n) = self.limit.filter(|n| self.rows > *n) {
            let _ = writeln!(
                s,
                "… {} more rows not shown here (summed below): `carbonledger explain {name} --year {year}` lists every one\n",
                self.rows - n
            );
        }
    }
}

/// Text that goes nowhere: a row not shown still has its sources recorded.
struct Nowhere;

impl std::fmt::Write for Nowhere {
    fn write_str(&mut self, _: &str) -> std::fmt::Result {
        Ok(())
    }
}

/// Writes trace steps indented under their line, and records the citation of each published
/// value they read among the sources printed at the end.
fn write_steps(
    s: &mut dyn std::fmt::Write,
    steps: impl IntoIterator<Item = carbonledger::calc::Step>,
    sources: &mut std::collections::BTreeMap<String, String>,
) {
    for st in steps {
        let _ = writeln!(s, "    {:<9} {}", st.label, st.text);
        if let Some(u) = st.factor {
            sources.insert(u.reference.to_string(), u.citation.to_string());
        }
    }
}

/// The closing lines of an explanation: how many rows sum to what, whether that is `whose`
/// value, and the sources of the factors shown.
fn write_tally(
    s: &mut dyn std::fmt::Write,
    (count, noun): (u64, &str),
    sum: &str,
    agrees: bool,
    whose: &str,
    sources: &std::collections::BTreeMap<String, String>,
) {
    let _ = writeln!(
        s,
        "{count} {noun}{} to {sum}: {} {whose}",
        if count == 1 { " sums" } else { "s sum" },
        if agrees { "equal to" } else { "DIFFERENT from" },
    );
    let _ = writeln!(s, "\nSources:");
    for (r, c) in sources {
        let _ = writeln!(s, "  {r}: {c}");
    }
}

/// Prints every register line contributing to `name` in `year` (the rows of the one line
/// schema `export` writes to lines.csv), in the trace format of the energy lines; returns
/// how many, and their exact sum in the figure's unit (`None` on overflow).
fn register_entries(
    s: &mut dyn std::fmt::Write,
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    opts: &super::common::ProjectOpts,
    (name, year): (&str, i32),
    sources: &mut std::collections::BTreeMap<String, String>,
    shown: &mut Shown,
) -> (u64, Option<Decimal>) {
    let mut count = 0u64;
    let mut total = Some(Decimal::ZERO);
    let mut restated: Vec<carbonledger::calc::Chain> = Vec::new();
    let facility = |i: usize| {
        project
            .facilities
            .list
            .get(i)
            .map_or_else(String::new, |f| f.id.clone())
    };
    run_registers(project, &ledger.comp, opts.strict, &mut |e| {
        if !e.parts.iter().any(|c| c.figure == name && c.year == year) {
            return;
        }
        let at = if e.line == 0 {
            e.file.to_string()
        } else {
            format!("{}:{}", e.file, e.line)
        };
        // The entry's reasons (counterfactual chosen, notes, fallbacks), once; the arithmetic
        // is the lines'.
        const CONTEXT: [&str; 12] = [
            "why",
            "note",
            "fallback",
            "rf",
            "solar",
            "project",
            "instrument",
            "serials",
            "shift",
            "basis",
            "prices",
            "allocated",
        ];
        let lines: Vec<carbonledger::export::ExportLine> =
            carbonledger::export::entry_lines(e, &facility)
                .into_iter()
                .filter(|l| l.figure == name && l.year == year)
                .collect();
        // A line the register states no steps for (`given`): its own trace stands in full.
        let given = lines
            .iter()
            .any(|l| l.method == carbonledger::export::Method::Given);
        let mut context: Vec<&carbonledger::calc::Step> = e
            .steps
            .iter()
            .filter(|st| given || CONTEXT.contains(&&*st.label))
            .collect();
        for l in &lines {
            count += 1;
            total = total.and_then(|t| decimal::add(t, l.value).ok());
            let mut nowhere = Nowhere;
            let Some((_, s)) = shown.place(&mut *s, &mut nowhere) else {
                continue;
            };
            let place = [l.facility.as_str(), l.period.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("  ");
            let _ = writeln!(
                s,
                "{at}  {}{}{}  ({})",
                place,
                if place.is_empty() { "" } else { "  " },
                e.what,
                l.method.name()
            );
            write_steps(s, context.drain(..).cloned(), sources);
            let steps = if l.method == carbonledger::export::Method::Given {
                vec![carbonledger::calc::Step {
                    label: "→".into(),
                    text: format!(
                        "{} {} (the register's value: no line states its steps)",
                        l.value.normalize(),
                        l.value_unit
                    ),
                    factor: None,
                }]
            } else {
                l.trace()
            };
            write_steps(s, steps, sources);
            let _ = writeln!(s);
        }
        for c in e
            .parts
            .iter()
            .filter(|c| c.figure == name && c.year == year)
        {
            if let Some(chain) = &c.restates {
                restated.push((**chain).clone());
            }
        }
    });
    // A chain a register restates (purchased heat at market = location): its rows, as read.
    if !restated.is_empty() {
        let options = RunOptions {
            strict: opts.strict,
            threads: opts.threads,
        };
        let read = for_each_line(project, options, &ledger.comp.duplicates, &mut |v| {
            if !restated.contains(v.chain) {
                return;
            }
            count += 1;
            let t = decimal::div(v.line.co2e_kg, Decimal::from(1000)).map(|q| q.value);
            total = total.and_then(|x| t.ok().and_then(|t| decimal::add(x, t).ok()));
            let mut nowhere = Nowhere;
            let Some((row, s)) = shown.place(&mut *s, &mut nowhere) else {
                return;
            };
            let f = &project.facilities.list[v.chain.facility];
            let _ = writeln!(
                s,
                "{}:{}  {} ({})  {}  market-based = location-based (no instrument applies)",
                carbonledger::calc::shown_name(project, v.name),
                v.activity.line,
                f.id,
                f.name,
                v.activity.period
            );
            write_steps(
                s,
                trace_kept(v.activity, v.chain, v.line, row == Row::Shown),
                sources,
            );
            let _ = writeln!(
                s,
                "    {:<9} {}\n",
                "→",
                show(v.line.co2e_kg, Decimal::from(1000), "t CO2e")
            );
        });
        if read.is_err() {
            total = None;
        }
    }
    (count, total)
}

/// Explains a figure no chain definition covers: a register sum, or a figure derived from others.
#[allow(clippy::too_many_arguments)]
fn explain_register(
    s: &mut dyn std::fmt::Write,
    shown: &mut Shown,
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    opts: &super::common::ProjectOpts,
    name: &str,
    year: i32,
    fig: &carbonledger::figures::Figure,
    dir: &std::path::Path,
    sources: &mut std::collections::BTreeMap<String, String>,
) -> Result<bool, Exit> {
    match ledger.derived.get(name) {
        Some(Derived::Ratio {
            numerator,
            denominator,
            scale,
            ..
        }) => {
            let n = ledger.figure(numerator, year).ok().flatten();
            let d = ledger.figure(denominator, year).ok().flatten();
            if let (Some(n), Some(d)) = (n, d) {
                let _ = writeln!(
                    s,
                    "  = {numerator} / {denominator}{}\n  = {} {} / {} {}{}",
                    if *scale == Decimal::ONE {
                        String::new()
                    } else {
                        format!(" × {scale}")
                    },
                    n.value,
                    n.unit,
                    d.value,
                    d.unit,
                    if *scale == Decimal::ONE {
                        String::new()
                    } else {
                        format!(" × {scale}")
                    },
                );
            }
            let _ = writeln!(
                s,
                "explain each part: `carbonledger explain {} {numerator} --year {year}`",
                dir.display()
            );
            Ok(true)
        }
        Some(Derived::Plus { terms, .. }) => {
            let _ = writeln!(s, "  = {}", terms.join(" + "));
            let parts: Vec<String> = terms
                .iter()
                .map(|t| {
                    ledger
                        .figure(t, year)
                        .ok()
                        .flatten()
                        .map_or("–".to_string(), |f| format!("{} {}", f.value, f.unit))
                })
                .collect();
            let _ = writeln!(s, "  = {}", parts.join(" + "));
            let _ = writeln!(
                s,
                "explain each part: `carbonledger explain {} TERM --year {year}`",
                dir.display()
            );
            Ok(true)
        }
        None => {
            let _ = writeln!(
                s,
                "  = the sum over the contributing lines below ({})\n",
                fig.unit
            );
            let (count, total) =
                register_entries(s, project, ledger, opts, (name, year), sources, shown);
            shown.note(s, name, year);
            // A figure kept to 16 places when a line was rounded: the sum, rounded alike.
            let total = total.map(|t| {
                if fig.exact {
                    t
                } else {
                    t.round_dp(decimal::FIGURE_DP)
                }
            });
            let agrees = total.is_some_and(|t| t.normalize() == fig.value.normalize());
            let sum = format!(
                "{} {}",
                total.map_or("(overflow)".to_string(), |t| t.normalize().to_string()),
                fig.unit
            );
            write_tally(s, (count, "line"), &sum, agrees, "the figure", sources);
            Ok(agrees)
        }
    }
}

/// `restated.*` and `change_vs_base.*`: the formula and the base-year verdict.
fn base_year_text(
    ledger: &Ledger,
    project: &carbonledger::project::Project,
    name: &str,
    year: i32,
) -> Option<String> {
    let by = ledger.structure.base_year;
    let verdict = ledger.restatement().ok().flatten();
    let rule = project.manifest.rounding;
    let mut s = String::new();
    if let Some(of) = name.strip_prefix("restated.") {
        let _ = writeln!(
            s,
            "  = {of} {by} over the boundary at the end of the latest reporting year: the base-year lines of facilities not divested or outsourced, plus the base-year lines (days outside the boundary) of facilities acquired or insourced since"
        );
    } else if let Some(of) = name.strip_prefix("change_vs_base.") {
        let restated = verdict.as_ref().is_some_and(|v| v.restate);
        let base = if restated {
            format!("restated.{of} {by}")
        } else {
            format!("{of} {by}")
        };
        let _ = writeln!(s, "  = ({of} {year} − {base}) / {base} × 100");
    } else {
        return None;
    }
    if let Some(v) = verdict {
        let _ = writeln!(s, "{}", v.sentence(rule));
    }
    Some(s)
}

/// `explain FIGURE --by B --group G`: the lines of one group, summed and checked against the
/// group's figure (a figure of the energy and fugitive rows that a register does not add to).
#[allow(clippy::too_many_arguments)]
fn explain_group(
    dir: &std::path::Path,
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    opts: &super::common::ProjectOpts,
    (name, year): (&str, i32),
    (by, group): &(carbonledger::years::GroupBy, String),
    s: &mut dyn std::fmt::Write,
    shown: &mut Shown,
) -> Result<Explained, Exit> {
    use carbonledger::years::{group_key, groups};
    let Some(Definition::Sum { filter, measure }) = definition(name) else {
        eprintln!("error: `{name}` is not broken down by group (only sums of the energy and fugitive rows are)\n  = hint: `carbonledger figures {} --by {}` lists the figures that are", dir.display(), by.name());
        return Err(Exit::Usage);
    };
    if ledger.totals.get(name, year).is_some() {
        eprintln!("error: a register adds to {name} in {year}: it is not broken down by group");
        return Err(Exit::Usage);
    }
    let figs = groups::by_group(project, &ledger.comp, name, year, by)
        .map_err(|e| {
            eprintln!("{}", ledger.figure_error(name, year, &e));
            Exit::Data
        })?
        .unwrap_or_default();
    let Some(fig) = figs.get(group).cloned() else {
        eprintln!(
            "error: {name} {year} has no group `{group}` by {}; groups: {}",
            by.name(),
            figs.keys().cloned().collect::<Vec<_>>().join(", ")
        );
        return Err(Exit::Data);
    };
    let (unit, scale) = measure.unit();
    let _ = writeln!(
        s,
        "{name} {year} [{} = {group}] = {} {}\n  = the sum over the contributing rows of the group below ({unit})\n",
        by.name(),
        fig.value,
        fig.unit
    );
    let mut sources = std::collections::BTreeMap::new();
    let mut total = Decimal::ZERO;
    let mut count = 0u64;
    let mut overflow = false;
    for_each_line(
        project,
        RunOptions {
            strict: opts.strict,
            threads: opts.threads,
        },
        &ledger.comp.duplicates,
        &mut |v| {
            if v.chain.year != year
                || !filter.covers(v.chain)
                || group_key(project, v.chain.facility, by) != *group
            {
                return;
            }
            let c = measure.of_line(v.chain, v.line).unwrap_or_default();
            match decimal::add(total, c) {
                Ok(t) => total = t,
                Err(_) => overflow = true,
            }
            count += 1;
            let mut nowhere = Nowhere;
            let Some((row, s)) = shown.place(&mut *s, &mut nowhere) else {
                return;
            };
            let f = &project.facilities.list[v.chain.facility];
            let _ = writeln!(
                s,
                "{}:{}  {} ({})  {}",
                carbonledger::calc::shown_name(project, v.name),
                v.activity.line,
                f.id,
                f.name,
                v.activity.period
            );
            write_steps(
                &mut *s,
                trace_kept(v.activity, v.chain, v.line, row == Row::Shown),
                &mut sources,
            );
            let _ = writeln!(s, "    {:<9} {}\n", "→", show(c, scale, unit));
        },
    )
    .map_err(|_| Exit::Data)?;
    shown.note(&mut *s, name, year);
    let q = decimal::div(total, scale).map_err(|_| Exit::Data)?;
    let agrees = !overflow && q.rounded(decimal::FIGURE_DP).normalize() == fig.value.normalize();
    let sum = format!("{} {unit}", q.rounded(decimal::FIGURE_DP).normalize());
    let whose = "the group's figure";
    write_tally(s, (count, "row"), &sum, agrees, whose, &sources);
    Ok(Explained {
        figure: fig,
        agrees,
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::Lines;
    use std::fmt::Write as _;

    /// Text written in pieces that cut lines (and a `\r\n`) anywhere is cut into the lines
    /// `str::lines` gives for the whole text.
    #[test]
    fn lines_are_cut_as_str_lines_cuts_them() {
        let texts = [
            "",
            "one",
            "one\n",
            "one\ntwo",
            "one\r\ntwo\r\n",
            "\n\nthree\n\n",
            "a\rb\n",
            "→ ünï\ncödé\n",
        ];
        for text in texts {
            for piece in 1..=3 {
                let mut got: Vec<String> = Vec::new();
                let mut lines = Lines {
                    line: String::new(),
                    each: &mut |l: &str| got.push(l.to_string()),
                };
                let chars: Vec<char> = text.chars().collect();
                for part in chars.chunks(piece) {
                    lines.write_str(&part.iter().collect::<String>()).unwrap();
                }
                lines.finish();
                assert_eq!(
                    got,
                    text.lines().collect::<Vec<_>>(),
                    "{text:?} in pieces of {piece}"
                );
            }
        }
    }
}
