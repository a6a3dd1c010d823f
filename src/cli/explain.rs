//! `carbonledger explain [DIR] FIGURE [--year Y]`: the figure's definition, then every
//! contributing row with its trace, and the check that the rows sum to the figure.

use super::common::{dir_and, load, out, ProjectOpts};
use super::Exit;
use carbonledger::calc::{for_each_line, show, trace, RunOptions};
use carbonledger::decimal;
use carbonledger::figures::{compute_figure, definition, Definition};
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Arguments of `explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `[DIR] FIGURE`: the project folder (default `.`) and the figure name, e.g. ghg.scope2.location.
    #[arg(num_args = 1..=2, required = true, value_name = "[DIR] FIGURE")]
    args: Vec<String>,
    /// Year (default: the latest reporting year).
    #[arg(long)]
    year: Option<i32>,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (dir, name) = dir_and(&a.args)?;
        let (project, comp) = load(&dir, &a.opts)?;
        let years = project.manifest.reporting_years.clone();
        let year = a
            .year
            .unwrap_or_else(|| years.last().copied().unwrap_or_default());
        let Some(def) = definition(&name) else {
            eprintln!("error: unknown figure `{name}`\n  = hint: `carbonledger figures {}` lists every figure", dir.display());
            return Err(Exit::Usage);
        };
        let fig = compute_figure(&comp, &years, &name, year).map_err(|e| {
            eprintln!("error: {e}");
            Exit::Data
        })?;
        let Some(fig) = fig else {
            eprintln!("error: figure `{name}` has no value for {year}");
            return Err(Exit::Data);
        };
        let mut s = String::new();
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
        match def {
            Definition::Ratio {
                numerator,
                denominator,
            } => {
                let n = compute_figure(&comp, &years, numerator, year)
                    .ok()
                    .flatten();
                let d = compute_figure(&comp, &years, denominator, year)
                    .ok()
                    .flatten();
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
            Definition::Change { of } => {
                let now = compute_figure(&comp, &years, &of, year).ok().flatten();
                let prev = compute_figure(&comp, &years, &of, year - 1).ok().flatten();
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
            Definition::Sum { filter, measure } => {
                let (unit, scale) = measure.unit();
                let _ = writeln!(s, "  = the sum over the contributing rows below ({unit})\n");
                let mut total = Decimal::ZERO;
                let mut sources = std::collections::BTreeMap::new();
                let mut count = 0u64;
                let mut overflow = false;
                for_each_line(
                    &project,
                    RunOptions {
                        strict: a.opts.strict,
                        threads: a.opts.threads,
                    },
                    &comp.duplicates,
                    &mut |v| {
                        if v.chain.year != year || !filter.covers(v.chain) {
                            return;
                        }
                        let contribution = measure.of_line(v.chain, v.line);
                        match decimal::add(total, contribution) {
                            Ok(t) => total = t,
                            Err(_) => overflow = true,
                        }
                        count += 1;
                        let f = &project.facilities.list[v.chain.facility];
                        let subject = match &v.activity.subject {
                            carbonledger::activity::Subject::Carrier(c) => c.name().to_string(),
                            carbonledger::activity::Subject::Gas(g) => g.clone(),
                        };
                        let _ = writeln!(
                            s,
                            "{}:{}  {} ({})  {}  {}",
                            carbonledger::calc::shown_name(&project, v.file),
                            v.activity.line,
                            f.id,
                            f.name,
                            v.activity.period,
                            subject
                        );
                        for st in trace(v.activity, v.chain, v.line) {
                            let _ = writeln!(s, "    {:<9} {}", st.label, st.text);
                            if let Some(u) = st.factor {
                                sources.insert(u.reference.clone(), u.citation.clone());
                            }
                        }
                        let _ = writeln!(s, "    {:<9} {}\n", "→", show(contribution, scale, unit));
                    },
                )
                .map_err(|_| Exit::Data)?;
                let q = decimal::div(total, scale).map_err(|_| Exit::Data)?;
                let agrees = !overflow && q.value.normalize() == fig.value.normalize();
                let _ = writeln!(
                    s,
                    "{count} row{} sum to {} {unit}: {}",
                    if count == 1 { "" } else { "s" },
                    q.value.normalize(),
                    if agrees {
                        "equal to the figure"
                    } else {
                        "DIFFERENT from the figure"
                    }
                );
                let _ = writeln!(s, "\nSources:");
                for (r, c) in &sources {
                    let _ = writeln!(s, "  {r}: {c}");
                }
                if !agrees {
                    out(&s)?;
                    return Err(Exit::Io);
                }
            }
        }
        out(&s)
    };
    inner().err().unwrap_or(Exit::Ok)
}
