//! `carbonledger factors list [DIR] | show [DIR] REF | diff [DIR] SET@A SET@B`: browse the
//! library (built-in editions, and the project's own sets under `DIR/factors/`).
//!
//! The project folder is named as in every other command: a positional DIR, default `.`;
//! `--project DIR` is kept as an alias. The default `.` adds `./factors/` only when `.` is a
//! project (has a `carbonledger.toml`); a folder named explicitly is always read.

mod json;
mod table;

pub use json::{DiffJson, ListJson, ShowJson, Versioned};

use super::common::print_diagnostics;
use super::output::OutputOpts;
use super::Exit;
use carbonledger::factors::{diff_editions, FactorRef, Library};
use carbonledger::report::{render_csv, render_text};
use std::fmt::Write as _;
use std::path::PathBuf;

/// `factors` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Every edition in the library.
    #[command(
        after_help = "Examples:\n  carbonledger factors list\n  carbonledger factors list fixtures/xiaomi-2025 --format csv"
    )]
    List {
        /// Project folder whose own factor sets (`DIR/factors/`) are listed too (default `.`).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// One edition (`SET@EDITION`), one value (`SET@EDITION:KEY`), or a set's editions (`SET`).
    #[command(
        override_usage = "carbonledger factors show [OPTIONS] [DIR] <REF>",
        after_help = "Examples:\n  carbonledger factors show ipcc-gwp@ar5\n  carbonledger factors show cn-mee-grid\n  carbonledger factors show fixtures/xiaomi-2025 cn-mee-grid@2023:north --format json"
    )]
    Show {
        /// `[DIR] REF`: the project folder (default `.`) and what to show.
        #[arg(num_args = 1..=2, required = true, value_name = "[DIR] REF")]
        args: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Values that differ between two editions of a set.
    #[command(
        override_usage = "carbonledger factors diff [OPTIONS] [DIR] <SET@A> <SET@B>",
        after_help = "Examples:\n  carbonledger factors diff cn-mee-grid@2022 cn-mee-grid@2023\n  carbonledger factors diff cn-mee-grid@2022 cn-mee-grid@2023 --format csv"
    )]
    Diff {
        /// `[DIR] SET@A SET@B`: the project folder (default `.`), the older and the newer edition.
        #[arg(num_args = 2..=3, required = true, value_name = "[DIR] SET@A SET@B")]
        args: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
}

/// Options of every `factors` subcommand.
#[derive(clap::Args, Debug)]
pub struct Common {
    /// The project folder, as the positional DIR (kept for earlier scripts).
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Output format (`csv` and `json` give exact values; `json` with `schema_version`).
    #[arg(long, value_enum, default_value_t = FactorsFormat::Table)]
    format: FactorsFormat,
    #[command(flatten)]
    output: OutputOpts,
}

/// Output format of `factors list`, `show` and `diff`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorsFormat {
    /// For reading.
    Table,
    /// CSV, header first, exact values.
    Csv,
    /// JSON.
    Json,
}

/// The project folder from the positional DIR or `--project`, and whether it was named.
fn project_dir(
    positional: Option<PathBuf>,
    alias: Option<PathBuf>,
) -> Result<(PathBuf, bool), Exit> {
    match (positional, alias) {
        (Some(_), Some(_)) => {
            eprintln!("error: name the project folder once: DIR or --project DIR");
            Err(Exit::Usage)
        }
        (Some(d), None) | (None, Some(d)) => Ok((d, true)),
        (None, None) => Ok((PathBuf::from("."), false)),
    }
}

/// The built-in library, plus the project's own sets.
fn library(dir: &std::path::Path, named: bool) -> Result<Library, Exit> {
    let mut lib = Library::builtin().map_err(|d| {
        print_diagnostics(&d);
        Exit::Io
    })?;
    use carbonledger::project::{shown_path, Input, FACTORS_DIR};
    if named || dir.join(Input::Manifest.name()).is_file() {
        let shown = shown_path(dir, FACTORS_DIR);
        let d = lib.add_project_dir(&dir.join(FACTORS_DIR), &shown);
        if !d.is_empty() {
            print_diagnostics(&d);
            return Err(Exit::Data);
        }
    }
    Ok(lib)
}

fn split_edition(s: &str) -> Result<(&str, &str), Exit> {
    s.split_once('@').ok_or_else(|| {
        eprintln!("error: `{s}` is not SET@EDITION");
        Exit::Usage
    })
}

fn json_text<T: serde::Serialize>(v: &T) -> Result<String, Exit> {
    Ok(format!(
        "{}\n",
        serde_json::to_string_pretty(v).map_err(|_| Exit::Io)?
    ))
}

pub fn run(c: Command) -> Exit {
    let result = match c {
        Command::List { dir, common } => list(dir, &common),
        Command::Show { args, common } => {
            let (dir, reference) = match args.as_slice() {
                [r] => (None, r.clone()),
                [d, r] => (Some(PathBuf::from(d)), r.clone()),
                _ => (None, String::new()),
            };
            show(dir, &reference, &common)
        }
        Command::Diff { args, common } => {
            let (dir, a, b) = match args.as_slice() {
                [a, b] => (None, a.clone(), b.clone()),
                [d, a, b] => (Some(PathBuf::from(d)), a.clone(), b.clone()),
                _ => (None, String::new(), String::new()),
            };
            diff(dir, &a, &b, &common)
        }
    };
    result.err().unwrap_or(Exit::Ok)
}

fn list(dir: Option<PathBuf>, c: &Common) -> Result<(), Exit> {
    let (dir, named) = project_dir(dir, c.project.clone())?;
    let lib = library(&dir, named)?;
    let text = match c.format {
        FactorsFormat::Json => json_text(&json::versioned(json::list(&lib)))?,
        FactorsFormat::Csv => render_csv(&table::editions("", lib.editions())),
        FactorsFormat::Table => render_text(
            &[table::editions("Factor library", lib.editions())],
            c.output.width(),
        ),
    };
    c.output.write(&text)
}

fn show(dir: Option<PathBuf>, reference: &str, c: &Common) -> Result<(), Exit> {
    let (dir, named) = project_dir(dir, c.project.clone())?;
    let lib = library(&dir, named)?;
    let mut s = String::new();
    if reference.contains(':') {
        let r = FactorRef::parse(reference).map_err(|e| {
            eprintln!("error: {e}");
            Exit::Usage
        })?;
        let Some((ed, d)) = lib.get(&r) else {
            eprintln!(
                "error: unknown factor `{reference}`\n  = hint: `carbonledger factors show {}@{}` lists its keys",
                r.set,
                r.edition.as_deref().unwrap_or("EDITION")
            );
            return Err(Exit::Data);
        };
        match c.format {
            FactorsFormat::Json => {
                s = json_text(&json::versioned(ShowJson::Value {
                    factor: json::factor(d),
                    edition: json::edition(ed, false),
                }))?
            }
            FactorsFormat::Csv => s = render_csv(&table::values(ed, std::iter::once(d))),
            FactorsFormat::Table => {
                let _ = writeln!(
                    s,
                    "{}@{}:{} = {} {}",
                    ed.set, ed.edition, d.key, d.value, d.unit_text
                );
                let _ = writeln!(
                    s,
                    "  gas: {}  basis: {}",
                    d.gas.as_deref().unwrap_or("-"),
                    if d.basis.is_empty() { "-" } else { &d.basis }
                );
                let _ = writeln!(s, "  table: {}\n  note: {}", d.table, d.note);
                let _ = writeln!(
                    s,
                    "  publisher: {}\n  title: {}\n  published: {}\n  licence: {}\n  address: {}",
                    ed.citation.publisher,
                    ed.citation.title,
                    ed.citation.published,
                    ed.citation.licence,
                    ed.citation.url
                );
                let _ = writeln!(s, "  read from: {}", d.span);
            }
        }
    } else if let Some((set, edn)) = reference.split_once('@') {
        let Some(ed) = lib.edition(set, edn) else {
            eprintln!("error: unknown edition `{reference}`");
            return Err(Exit::Data);
        };
        match c.format {
            FactorsFormat::Json => {
                s = json_text(&json::versioned(ShowJson::Edition(json::edition(ed, true))))?
            }
            FactorsFormat::Csv => s = render_csv(&table::values(ed, ed.factors.values())),
            FactorsFormat::Table => {
                let _ = writeln!(s, "{} — {}", ed.id(), ed.description);
                let _ = writeln!(s, "  publisher: {}\n  title: {}\n  published: {}\n  table: {}\n  licence: {}\n  address: {}", ed.citation.publisher, ed.citation.title, ed.citation.published, ed.citation.table, ed.citation.licence, ed.citation.url);
                let _ = writeln!(
                    s,
                    "  verification ({}, {}): {}\n",
                    ed.verification.confidence, ed.verification.checked, ed.verification.method
                );
                s.push_str(&render_text(
                    &[table::values(ed, ed.factors.values())],
                    c.output.width(),
                ));
            }
        }
    } else {
        if lib.editions_of(reference).next().is_none() {
            eprintln!("error: unknown factor set `{reference}`");
            return Err(Exit::Data);
        }
        match c.format {
            FactorsFormat::Json => {
                s = json_text(&json::versioned(ShowJson::Set {
                    set: reference,
                    editions: lib
                        .editions_of(reference)
                        .map(|e| json::edition(e, false))
                        .collect(),
                }))?
            }
            FactorsFormat::Csv => s = render_csv(&table::editions("", lib.editions_of(reference))),
            FactorsFormat::Table => {
                let eds: Vec<String> = lib.editions_of(reference).map(|e| e.id()).collect();
                let _ = writeln!(s, "{}", eds.join("\n"));
            }
        }
    }
    c.output.write(&s)
}

fn diff(dir: Option<PathBuf>, a: &str, b: &str, c: &Common) -> Result<(), Exit> {
    let (dir, named) = project_dir(dir, c.project.clone())?;
    let lib = library(&dir, named)?;
    let (sa, ea) = split_edition(a)?;
    let (sb, eb) = split_edition(b)?;
    let (Some(x), Some(y)) = (lib.edition(sa, ea), lib.edition(sb, eb)) else {
        eprintln!(
            "error: unknown edition `{}`",
            if lib.edition(sa, ea).is_none() { a } else { b }
        );
        return Err(Exit::Data);
    };
    let changes = diff_editions(x, y);
    let text = match c.format {
        FactorsFormat::Json => json_text(&json::versioned(json::diff(a, b, &changes)))?,
        FactorsFormat::Csv => render_csv(&table::diff_exact(&changes)),
        FactorsFormat::Table => {
            let t = table::diff_for_reading(a, b, &changes);
            if t.rows.is_empty() {
                format!("{}\n", t.title)
            } else {
                render_text(&[t], c.output.width())
            }
        }
    };
    c.output.write(&text)
}
