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
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (_project, ledger) = load(&a.dir, &a.opts)?;
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
