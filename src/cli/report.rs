//! `carbonledger report DIR --standard hkex|esrs|ghgp|secr`: a standard's disclosure tables
//! (and, as HTML, charts, citations and each figure's trace) in English or Chinese.

use super::common::{load, ProjectOpts};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::report::disclosure::{self, Citation, Inputs, Standard};
use carbonledger::report::lang::{Lang, NumberStyle};
use carbonledger::report::render;
use std::path::PathBuf;

/// Contributing rows each figure's trace shows in the HTML report (the rest are summed and
/// counted; `explain` lists every one): a report stays readable, and small, over millions of rows.
const TRACE_ROWS: u64 = 100;

/// A standard, as named on the command line.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardArg {
    /// HKEX ESG Reporting Code: KPIs A1.1–A1.5, A2.1–A2.2 and Part D's GHG metrics.
    Hkex,
    /// ESRS E1-5 (energy consumption and mix) and E1-6 (gross scopes 1, 2, 3, totals).
    Esrs,
    /// GHG Protocol Corporate Standard, chapter 9's required information.
    Ghgp,
    /// UK Streamlined Energy and Carbon Reporting.
    Secr,
}

/// Report language.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangArg {
    /// English.
    En,
    /// Simplified Chinese (zh-CN).
    Zh,
}

/// Output format of `report`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Tables for a terminal, fitted to its width.
    Table,
    /// CSV, exact values.
    Csv,
    /// JSON, the typed report model (exact decimal strings, `schema_version`).
    Json,
    /// One self-contained HTML file: tables, SVG charts, factor citations, explain traces.
    Html,
    /// A workbook (needs `-o FILE`): a sheet per section, numbers beside their exact text.
    Xlsx,
}

/// Arguments of `report`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  carbonledger report fixtures/xiaomi-2025 --standard hkex --lang zh\n  carbonledger report fixtures/xiaomi-2025 --standard esrs --format json\n  carbonledger report fixtures/xiaomi-2025 --standard hkex --format html -o report.html"
)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The standard whose disclosure tables are built.
    #[arg(long, value_enum)]
    standard: StandardArg,
    /// Language of labels and notes.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    #[command(flatten)]
    output: OutputOpts,
    /// Chinese number style: values of 10 000 and more in 万 / 亿 (tables and HTML only).
    #[arg(long)]
    wan: bool,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    match run_inner(a) {
        Ok(()) => Exit::Ok,
        Err(e) => e,
    }
}

fn run_inner(a: Args) -> Result<(), Exit> {
    let (project, ledger) = load(&a.dir, &a.opts)?;
    let lang = match a.lang {
        LangArg::En => Lang::En,
        LangArg::Zh => Lang::Zh,
    };
    let standard = match a.standard {
        StandardArg::Hkex => Standard::Hkex,
        StandardArg::Esrs => Standard::Esrs,
        StandardArg::Ghgp => Standard::Ghgp,
        StandardArg::Secr => Standard::Secr,
    };
    let style = if a.wan {
        NumberStyle::WanYi
    } else {
        NumberStyle::Grouped
    };
    let citations = citations(&project, &ledger);
    let inputs = Inputs {
        project: &project,
        ledger: &ledger,
        lang,
    };
    let report = disclosure::build(&inputs, standard, citations).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Data
    })?;
    let rule = project.manifest.rounding;
    if a.format == ReportFormat::Xlsx && a.output.output.is_none() {
        eprintln!("error: --format xlsx writes a binary file: name it with -o FILE");
        return Err(Exit::Usage);
    }
    let bytes = match a.format {
        ReportFormat::Table => {
            render::render_table(&report, rule, style, a.output.width()).into_bytes()
        }
        ReportFormat::Csv => render::render_csv(&report).into_bytes(),
        ReportFormat::Json => render::render_json(&report)
            .map_err(|_| Exit::Io)?
            .into_bytes(),
        ReportFormat::Html => {
            html(&a.dir, &project, &ledger, &report, &a.opts, style)?.into_bytes()
        }
        ReportFormat::Xlsx => carbonledger::report::xlsx::workbook(&report).map_err(|e| {
            eprintln!("error: cannot build the workbook: {e}");
            Exit::Io
        })?,
    };
    a.output.write_bytes(&bytes)
}

/// Every factor edition used in any reporting year, with its citation.
fn citations(
    project: &carbonledger::project::Project,
    ledger: &carbonledger::ledger::Ledger,
) -> Vec<Citation> {
    let mut all = std::collections::BTreeMap::new();
    for y in &ledger.years {
        for (id, _) in super::compute::editions_used(project, ledger, *y) {
            let (set, ed) = id.split_once('@').unwrap_or((&id, ""));
            let text = project.library.edition(set, ed).map_or(String::new(), |e| {
                let c = &e.citation;
                format!(
                    "{} — {} ({}); {}; {}",
                    c.publisher, c.title, c.published, c.table, c.url
                )
            });
            all.insert(id, text);
        }
    }
    all.into_iter()
        .map(|(edition, text)| Citation { edition, text })
        .collect()
}

/// The HTML page: the report, five charts and the trace of every figure it shows.
fn html(
    dir: &std::path::Path,
    project: &carbonledger::project::Project,
    ledger: &carbonledger::ledger::Ledger,
    report: &disclosure::Report,
    opts: &ProjectOpts,
    numbers: NumberStyle,
) -> Result<String, Exit> {
    use carbonledger::report::charts;
    let calc = |e: carbonledger::decimal::CalcError| {
        eprintln!("error: {e}");
        Exit::Data
    };
    let rule = project.manifest.rounding;
    let st = charts::Style {
        lang: report.lang,
        rule,
        numbers,
    };
    let year = ledger.years.last().copied().unwrap_or_default();
    let mut list = vec![
        charts::scopes_by_year(ledger, st).map_err(calc)?,
        charts::energy_mix(ledger, year, st).map_err(calc)?,
        charts::top_facilities(project, ledger, year, 10, st).map_err(calc)?,
        charts::trend(ledger, project.manifest.base_year, st).map_err(calc)?,
    ];
    let options = carbonledger::calc::RunOptions {
        strict: opts.strict,
        threads: opts.threads,
    };
    match carbonledger::audit::bridge(project, ledger, year, options) {
        Ok(b) => list.push(charts::waterfall(ledger, &b, st).map_err(calc)?),
        // A single reporting year has no bridge; the other charts still stand.
        Err(e) => eprintln!("note: no year-on-year bridge chart: {e}"),
    }
    let mut traces = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (_, row) in report.rows() {
        for name in &row.figures {
            for v in row.values.iter().filter(|v| v.value.is_some()) {
                if ledger.figure(name, v.year).ok().flatten().is_none()
                    || !seen.insert((name.clone(), v.year))
                {
                    continue;
                }
                let mut text = String::new();
                super::explain::explain(
                    dir,
                    project,
                    ledger,
                    opts,
                    (name, v.year),
                    &mut text,
                    &mut super::explain::Shown::first(TRACE_ROWS),
                )?;
                traces.push(carbonledger::report::html::Trace {
                    figure: name.clone(),
                    year: v.year,
                    text,
                });
            }
        }
    }
    Ok(carbonledger::report::html::render_html(
        report, &list, &traces, rule, numbers,
    ))
}
