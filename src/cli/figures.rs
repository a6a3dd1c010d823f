//! `carbonledger figures [DIR]`: every figure, every reporting year, exact.

use super::common::{load, Format, ProjectOpts};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::report::{render_csv, render_text, Cell, Table};
use std::path::PathBuf;

/// Arguments of `figures`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Only this year.
    #[arg(long)]
    year: Option<i32>,
    /// Output format (`json` gives exact decimal strings).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Break the chain figures down by `facility`, `country` or `tag:NAME` (a facility tag).
    #[arg(long, value_name = "facility|country|tag:NAME")]
    by: Option<String>,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let by = match a.by.as_deref().map(carbonledger::years::GroupBy::parse) {
            Some(None) => {
                eprintln!("error: --by takes facility, country or tag:NAME");
                return Err(Exit::Usage);
            }
            Some(Some(b)) => Some(b),
            None => None,
        };
        let (project, ledger) = load(&a.dir, &a.opts)?;
        if let Some(by) = by {
            return by_group(&project, &ledger, a.year, &by, a.format, &a.output);
        }
        let figs = ledger.figures(a.year).map_err(|e| {
            eprintln!("{e}");
            Exit::Data
        })?;
        match a.format {
            Format::Json => {
                // The bare array is kept as it is: other tools compare it byte for byte.
                let v: super::json::FiguresJson =
                    figs.iter().map(super::json::FigureJson::of).collect();
                a.output.write(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&v).map_err(|_| Exit::Io)?
                ))
            }
            Format::Csv | Format::Table => {
                let mut t = Table::new(
                    "Figures (exact)",
                    &["name", "year", "value", "unit", "exact"],
                );
                for f in &figs {
                    t.push(vec![
                        Cell::Text(f.name.clone()),
                        Cell::Num(f.year.to_string()),
                        Cell::Num(f.value.to_string()),
                        Cell::Text(f.unit.to_string()),
                        Cell::Text(
                            if f.exact {
                                "yes"
                            } else {
                                "rounded (see methodology)"
                            }
                            .into(),
                        ),
                    ]);
                }
                a.output.write(&if a.format == Format::Csv {
                    render_csv(&t)
                } else {
                    render_text(&[t], a.output.width())
                })
            }
        }
    };
    inner().err().unwrap_or(Exit::Ok)
}

/// `figures --by`: each figure that can be broken down, per group.
fn by_group(
    project: &carbonledger::project::Project,
    ledger: &carbonledger::ledger::Ledger,
    year: Option<i32>,
    by: &carbonledger::years::GroupBy,
    format: Format,
    output: &OutputOpts,
) -> Result<(), Exit> {
    let rows = carbonledger::years::groups::breakdown(project, ledger, year, by).map_err(|e| {
        eprintln!(
            "error: a figure by {} cannot be held exactly: {e}",
            by.name()
        );
        Exit::Data
    })?;
    let col = by.name();
    match format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| serde_json::json!({"by": col, "group": r.group, "name": r.figure.name, "year": r.figure.year, "value": r.figure.value.to_string(), "unit": r.figure.unit, "exact": r.figure.exact}))
                .collect();
            output.write(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).map_err(|_| Exit::Io)?
            ))
        }
        Format::Csv | Format::Table => {
            let mut t = Table::new(
                format!("Figures by {col} (exact; the groups of a sum add up to its total)"),
                &[col.as_str(), "name", "year", "value", "unit", "exact"],
            );
            for r in &rows {
                t.push(vec![
                    Cell::Text(r.group.clone()),
                    Cell::Text(r.figure.name.clone()),
                    Cell::Num(r.figure.year.to_string()),
                    Cell::Num(r.figure.value.to_string()),
                    Cell::Text(r.figure.unit.to_string()),
                    Cell::Text(
                        if r.figure.exact {
                            "yes"
                        } else {
                            "rounded (see methodology)"
                        }
                        .into(),
                    ),
                ]);
            }
            output.write(&if format == Format::Csv {
                render_csv(&t)
            } else {
                render_text(&[t], output.width())
            })
        }
    }
}
