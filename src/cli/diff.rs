//! `carbonledger diff [DIR] --set REF=VALUE | --edition SET@EDITION`: what one factor change
//! does — the lines and register entries it touches, every figure before and after, and the
//! base-year recalculation verdict.

use super::common::{checked, computation, places, Format, KeptToExit, ProjectOpts};
use super::json::diff::{
    DiffJson, EntryJson, FigureChangeJson, LineJson, RegisterLineJson, VerdictJson,
};
use super::json::Streamed;
use super::output::OutputOpts;
use super::Exit;
use carbonledger::audit::{self, Change, DiffError, FigureChange, Method};
use carbonledger::calc::{shown_name, Chain, RunOptions, UsedFactor};
use carbonledger::decimal::{group_thousands, RoundingRule};
use carbonledger::report::{render_text, Cell, Table};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// One factor's value, in its published unit: `SET@EDITION:KEY=VALUE`, or `SET:KEY=VALUE`
    /// for the key in every edition the reporting years use.
    #[arg(
        long,
        value_name = "REF=VALUE",
        conflicts_with = "edition",
        required_unless_present = "edition"
    )]
    set: Option<String>,
    /// A whole edition, `SET@EDITION`, for every reporting year (or only `--year`). Rows that
    /// pin another edition explicitly keep it.
    #[arg(long, value_name = "SET@EDITION")]
    edition: Option<String>,
    /// With `--edition`: apply it in this reporting year only (repeatable).
    #[arg(long, requires = "edition")]
    year: Vec<i32>,
    /// List every figure, changed or not.
    #[arg(long)]
    all: bool,
    /// Do not read the rows again to list the changed lines (figures and chains only: fastest).
    #[arg(long)]
    no_lines: bool,
    /// Most rows to print in each table, chains, energy lines and register lines (0: every
    /// one); JSON lists every changed line.
    #[arg(long, default_value_t = 200)]
    max_lines: usize,
    /// Output format: `table`, `csv` (the figures before and after, exact) or `json` (everything, exact).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

fn fmt_value(v: Option<Decimal>, unit: &str, rule: RoundingRule) -> String {
    v.map_or("–".into(), |v| {
        group_thousands(&rule.round(v, places(unit)).to_string())
    })
}

fn fmt_delta(f: &FigureChange, rule: RoundingRule) -> String {
    f.delta().map_or("–".into(), |d| {
        let s = group_thousands(&rule.round(d, places(f.unit)).to_string());
        let s = if d > Decimal::ZERO {
            format!("+{s}")
        } else {
            s
        };
        if f.unit == "%" {
            format!("{s} pp")
        } else {
            s
        }
    })
}

/// The factors of `b` that differ from `a`'s, as text.
fn differing(a: &Chain, b: &Chain) -> (String, String) {
    let (fa, fb) = (a.used_factors(), b.used_factors());
    let show = |u: &UsedFactor| format!("{} = {} {}", u.reference, u.value, u.unit);
    let mut before = Vec::new();
    let mut after = Vec::new();
    for i in 0..fa.len().max(fb.len()) {
        let (x, y) = (fa.get(i), fb.get(i));
        let same = matches!((x, y), (Some(x), Some(y)) if x.reference == y.reference && x.value == y.value);
        if !same {
            before.push(x.map_or("–".into(), |u| show(u)));
            after.push(y.map_or("–".into(), |u| show(u)));
        }
    }
    if a.share != b.share {
        before.push(format!("share {}", a.share));
        after.push(format!("share {}", b.share));
    }
    (before.join("; "), after.join("; "))
}

/// `REF = VALUE` of each published value.
fn refs(f: &[(String, Decimal)]) -> Vec<String> {
    f.iter()
        .map(|(r, v)| format!("{r} = {}", v.normalize()))
        .collect()
}

/// A changed line as `diff` lists it (in JSON, and as a row of its table).
fn line_json(project: &carbonledger::project::Project, l: &audit::LineChange<'_>) -> LineJson {
    let (factor_before, factor_after) = differing(l.chain_before, l.chain_after);
    let delta = carbonledger::decimal::sub(l.after.co2e_kg, l.before.co2e_kg).unwrap_or_default();
    LineJson {
        at: format!("{}:{}", shown_name(project, l.name), l.activity.line),
        facility: project.facilities.list[l.chain_before.facility].id.clone(),
        period: l.activity.period.to_string(),
        subject: subject_name(l.chain_before),
        factor_before,
        factor_after,
        co2e_t_before: t_of_kg(l.before.co2e_kg),
        co2e_t_after: t_of_kg(l.after.co2e_kg),
        delta_t: t_of_kg(delta),
    }
}

fn t_of_kg(kg: Decimal) -> String {
    carbonledger::calc::show(kg, Decimal::from(1000), "")
        .trim_end()
        .to_string()
}

fn subject_name(c: &Chain) -> String {
    match &c.subject {
        carbonledger::activity::Subject::Carrier(k) => k.name().to_string(),
        carbonledger::activity::Subject::Gas(g) => g.clone(),
    }
}

pub fn run(a: Args) -> Exit {
    match run_inner(a) {
        Ok(()) => Exit::Ok,
        Err(e) => e,
    }
}

fn run_inner(a: Args) -> Result<(), Exit> {
    let change = match (&a.set, &a.edition) {
        (Some(s), None) => Change::parse_set(s),
        (None, Some(e)) => Change::parse_edition(e, (!a.year.is_empty()).then(|| a.year.clone())),
        _ => {
            eprintln!("error: give one of --set REF=VALUE or --edition SET@EDITION");
            return Err(Exit::Usage);
        }
    }
    .map_err(|e| {
        eprintln!("error: {e}");
        Exit::Usage
    })?;
    let (project, comp) = computation(&a.dir, &a.opts)?;
    let options = RunOptions {
        strict: a.opts.strict,
        threads: a.opts.threads,
    };
    // The ledger before and the one after the change, made at once; the problems of the
    // project as it is are said (and refused) first, as `load` would.
    let (before, after) = audit::ledgers(&project, comp, &change, options);
    let (project, before) = checked(project, before, &a.opts)?;
    let d = after
        .and_then(|after| audit::diff_against(&project, before, after, &change, options, a.all))
        .map_err(|e| {
            match &e {
                DiffError::Data(diags) => {
                    super::common::print_diagnostics(diags);
                    eprintln!("error: {e}");
                }
                other => eprintln!("error: {other}"),
            }
            match e {
                DiffError::Change(_) => Exit::Usage,
                _ => Exit::Data,
            }
        })?;
    let (project, d) = (KeptToExit::new(project), KeptToExit::new(d));
    let rule = project.manifest.rounding;

    // The changed lines: one more reading of the rows, unless declined.
    let mut lines = Table::new(
        "",
        &[
            "line",
            "facility",
            "period",
            "subject",
            "factor before",
            "factor after",
            "t CO2e before",
            "t CO2e after",
            "delta t CO2e",
        ],
    );
    let mut line_count = 0u64;
    // The table lists the first `--max-lines` and counts the rest; JSON lists every line,
    // written as each is found (below); CSV holds the figures only.
    let listed = !a.no_lines && !d.chains.is_empty();
    if listed && a.format == Format::Table {
        let limit = (a.max_lines != 0).then_some(a.max_lines);
        line_count = audit::changed_lines(
            &project,
            &d.before.comp,
            &d.after.comp,
            options,
            limit,
            &mut |l| {
                let l = line_json(&project, l);
                lines.push(vec![
                    Cell::Text(l.at),
                    Cell::Text(l.facility),
                    Cell::Text(l.period),
                    Cell::Text(l.subject),
                    Cell::Text(l.factor_before),
                    Cell::Text(l.factor_after),
                    Cell::Num(l.co2e_t_before),
                    Cell::Num(l.co2e_t_after),
                    Cell::Num(l.delta_t),
                ]);
            },
        )
        .map_err(|diags| {
            super::common::print_diagnostics(&diags);
            Exit::Data
        })?;
    }
    let method = match &d.method {
        Method::Repriced { changed, chains } => format!(
            "re-priced from the chain totals: {changed} of {chains} chain{} changed, no row read again for the figures",
            if *chains == 1 { "" } else { "s" }
        ),
        Method::Recomputed { reason } => {
            format!("every row read and calculated again ({reason})")
        }
    };

    if a.format == Format::Json {
        // Every changed line, read again and written as it is found (millions over a large
        // project), then what the reading found.
        let made = std::cell::RefCell::new(None);
        let lines = Streamed::new(
            &made,
            Box::new(|each: &mut dyn FnMut(&LineJson)| {
                if !listed {
                    return Ok(0);
                }
                audit::changed_lines(
                    &project,
                    &d.before.comp,
                    &d.after.comp,
                    options,
                    None,
                    &mut |l| each(&line_json(&project, l)),
                )
            }),
        );
        let v = DiffJson {
            schema_version: super::json::SCHEMA_VERSION,
            change: change.to_string(),
            method: method.clone(),
            lines,
            entries: d
                .entries
                .iter()
                .map(|e| EntryJson {
                    at: format!("{}:{}", e.file, e.line),
                    what: e.what.to_string(),
                    factors_before: e
                        .factors_before
                        .iter()
                        .map(|(r, v)| format!("{r} = {v}"))
                        .collect(),
                    factors_after: e
                        .factors_after
                        .iter()
                        .map(|(r, v)| format!("{r} = {v}"))
                        .collect(),
                    lines: e
                        .line_changes()
                        .iter()
                        .map(|l| RegisterLineJson {
                            figure: l.figure.clone(),
                            year: l.year,
                            unit: l.unit,
                            factors_before: refs(&l.factors_before),
                            factors_after: refs(&l.factors_after),
                            before: l.before.map(|v| v.normalize().to_string()),
                            after: l.after.map(|v| v.normalize().to_string()),
                            delta: l
                                .delta()
                                .and_then(Result::ok)
                                .map(|v| v.normalize().to_string()),
                        })
                        .collect(),
                })
                .collect(),
            figures: d
                .figures
                .iter()
                .map(|f| FigureChangeJson {
                    name: f.name.clone(),
                    year: f.year,
                    unit: f.unit,
                    before: f.before.map(|v| v.to_string()),
                    after: f.after.map(|v| v.to_string()),
                    delta: f.delta().map(|v| v.normalize().to_string()),
                    delta_pct: f.delta_pct().map(|v| v.to_string()),
                })
                .collect(),
            verdict: d.verdict.as_ref().map(|v| VerdictJson {
                base_year: v.base_year,
                figure: v.figure.clone(),
                threshold_pct: v.threshold_pct.to_string(),
                before: v.before.to_string(),
                after: v.after.to_string(),
                change_pct: v.change_pct.map(|p| p.to_string()),
                significant: v.significant,
                sentence: v.sentence.clone(),
            }),
        };
        return a.output.stream(|w| {
            let written = serde_json::to_writer_pretty(&mut *w, &v)
                .and_then(|()| w.write_all(b"\n").map_err(serde_json::Error::io));
            match (made.borrow_mut().take(), written) {
                (Some(Err(diags)), _) => {
                    super::common::print_diagnostics(&diags);
                    Err(Exit::Data)
                }
                (Some(Ok(_)), Ok(())) => Ok(()),
                _ => Err(Exit::Io),
            }
        });
    }

    if a.format == Format::Csv {
        let mut t = Table::new(
            "",
            &[
                "name",
                "year",
                "unit",
                "before",
                "after",
                "delta",
                "delta_pct",
            ],
        );
        let v =
            |d: Option<Decimal>| Cell::Num(d.map_or(String::new(), |d| d.normalize().to_string()));
        for f in &d.figures {
            t.push(vec![
                Cell::Text(f.name.clone()),
                Cell::Num(f.year.to_string()),
                Cell::Text(f.unit.to_string()),
                v(f.before),
                v(f.after),
                v(f.delta()),
                v(f.delta_pct()),
            ]);
        }
        return a.output.write(&carbonledger::report::render_csv(&t));
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        "carbonledger diff — {}\nchange: {}\ncomputed: {method}\n",
        project.manifest.organisation, change
    );
    if d.chains.is_empty() && d.entries.is_empty() {
        let _ = writeln!(s, "No line and no register entry uses a changed factor.\n");
    }
    if !d.chains.is_empty() {
        let mut t = Table::new(
            format!(
                "Chains whose factors change ({}): facility × year × carrier or gas",
                d.chains.len()
            ),
            &[
                "year",
                "facility",
                "subject",
                "rows",
                "factor before",
                "factor after",
                "t CO2e before",
                "t CO2e after",
                "delta t CO2e",
            ],
        );
        // The first `--max-lines`, as the tables of lines below: over 100,000 facilities a
        // grid value's chains are tens of thousands (JSON lists their every line).
        let shown = if a.max_lines == 0 {
            d.chains.len()
        } else {
            a.max_lines.min(d.chains.len())
        };
        for c in &d.chains[..shown] {
            let (fb, fa) = differing(&c.before, &c.after);
            let delta = carbonledger::decimal::sub(c.sums_after.co2e_kg, c.sums_before.co2e_kg)
                .unwrap_or_default();
            t.push(vec![
                Cell::Num(c.before.year.to_string()),
                Cell::Text(project.facilities.list[c.before.facility].id.clone()),
                Cell::Text(subject_name(&c.before)),
                Cell::Num(c.sums_before.rows.to_string()),
                Cell::Text(fb),
                Cell::Text(fa),
                Cell::Num(t_of_kg(c.sums_before.co2e_kg)),
                Cell::Num(t_of_kg(c.sums_after.co2e_kg)),
                Cell::Num(t_of_kg(delta)),
            ]);
        }
        s.push_str(&render_text(&[t], a.output.width()));
        if shown < d.chains.len() {
            let _ = writeln!(
                s,
                "… and {} more chain(s) (--max-lines 0 lists every one)\n",
                d.chains.len() - shown
            );
        }
    }
    if !a.no_lines && line_count > 0 {
        lines.title = format!("Lines whose factor changes ({line_count})");
        s.push_str(&render_text(&[lines], a.output.width()));
        if a.max_lines != 0 && line_count > a.max_lines as u64 {
            let _ = writeln!(
                s,
                "… and {} more line(s) (--max-lines 0 lists every one)\n",
                line_count - a.max_lines as u64
            );
        }
    }
    if !d.pinned.is_empty() {
        let rows: u64 = d.pinned.iter().map(|(_, r)| r).sum();
        let _ = writeln!(
            s,
            "{rows} row(s) pin another edition of {} explicitly and keep it.\n",
            change.set()
        );
    }
    if !d.entries.is_empty() {
        // The registers' lines that read a changed value, like the energy lines above: one
        // row per line and figure it feeds (the rows of lines.csv), only the values that
        // changed; the whole trace is `explain`'s job. The first `--max-lines`, as above.
        let count = d.entries.iter().map(|e| e.lines.len()).sum::<usize>();
        let mut t = Table::new(
            format!("Register lines whose factor or value changes ({count})"),
            &[
                "line",
                "figure",
                "subject",
                "factor before",
                "factor after",
                "before",
                "after",
                "delta",
            ],
        );
        let shown = if a.max_lines == 0 {
            count
        } else {
            a.max_lines.min(count)
        };
        for e in &d.entries {
            if t.rows.len() >= shown {
                break;
            }
            let at = if e.line == 0 {
                e.file.to_string()
            } else {
                format!("{}:{}", e.file, e.line)
            };
            for l in e.line_changes().into_iter().take(shown - t.rows.len()) {
                let delta = match l.delta() {
                    Some(Ok(v)) => format!("{} {}", v.normalize(), l.unit),
                    Some(Err(_)) => "(overflow)".into(),
                    None => String::new(),
                };
                let value =
                    |x: Option<Decimal>| x.map_or(String::new(), |x| x.normalize().to_string());
                t.push(vec![
                    Cell::Text(at.clone()),
                    Cell::Text(format!("{} {}", l.figure, l.year)),
                    Cell::Text(e.what.clone()),
                    Cell::Text(refs(&l.factors_before).join("; ")),
                    Cell::Text(refs(&l.factors_after).join("; ")),
                    Cell::Num(value(l.before)),
                    Cell::Num(value(l.after)),
                    Cell::Num(delta),
                ]);
            }
        }
        s.push_str(&render_text(&[t], a.output.width()));
        if shown < count {
            let _ = writeln!(
                s,
                "… and {} more register line(s) (--max-lines 0 lists every one)\n",
                count - shown
            );
        }
    }
    let mut ft = Table::new(
        if a.all {
            "Figures before and after".to_string()
        } else {
            format!("Figures that change ({})", d.figures.len())
        },
        &[
            "figure", "year", "unit", "before", "after", "delta", "delta %",
        ],
    );
    for f in &d.figures {
        ft.push(vec![
            Cell::Text(f.name.clone()),
            Cell::Num(f.year.to_string()),
            Cell::Text(f.unit.to_string()),
            Cell::Num(fmt_value(f.before, f.unit, rule)),
            Cell::Num(fmt_value(f.after, f.unit, rule)),
            Cell::Num(fmt_delta(f, rule)),
            Cell::Num(f.delta_pct().map_or("–".into(), |p| {
                audit::signed_pct(p, rule, 2).replace('−', "-")
            })),
        ]);
    }
    if ft.rows.is_empty() {
        let _ = writeln!(s, "No figure changes.\n");
    } else {
        s.push_str(&render_text(&[ft], a.output.width()));
    }
    if let Some(v) = &d.verdict {
        let _ = writeln!(s, "{}", v.sentence);
    }
    let _ = writeln!(
        s,
        "Values are exact decimals rounded for display ({}); `--format json` gives every digit.",
        rule.describe()
    );
    a.output.write(&s)
}
