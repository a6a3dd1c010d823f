//! `carbonledger export [DIR] --out OUT` writes the auditor's tables and manifest;
//! `carbonledger export [DIR] --check OUT` re-hashes an export and names every file changed
//! since (DIR: the project, when it is not where the manifest says; `--project DIR` is kept
//! as an alias).

use super::common::{load, ProjectOpts};
use super::Exit;
use carbonledger::calc::RunOptions;
use carbonledger::export::{check, prepare_out, write, ExportError, Target};
use std::path::PathBuf;

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder (default `.`; with --check, default: where the manifest says).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Folder to write the export into: new, empty, or (with --force) a previous export.
    /// Never the project folder or a folder inside it.
    #[arg(long, required_unless_present = "check")]
    out: Option<PathBuf>,
    /// Replace the previous export in OUT (recognised by its manifest.json; a folder holding
    /// any other file is still refused).
    #[arg(long, conflicts_with = "check")]
    force: bool,
    /// Claims file to seal in the manifest (default: DIR/claims.toml, when present).
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    claims: Option<PathBuf>,
    /// Check an existing export against its manifest instead of writing one.
    #[arg(long, value_name = "OUT", conflicts_with = "out")]
    check: Option<PathBuf>,
    /// With --check: the project folder, as the positional DIR (kept for earlier scripts).
    #[arg(long, value_name = "DIR", requires = "check", conflicts_with = "dir")]
    project: Option<PathBuf>,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    if let Some(out) = &a.check {
        return match check(out, a.dir.as_deref().or(a.project.as_deref())) {
            Ok(changed) if changed.is_empty() => {
                println!(
                    "{}: every input, factor and output file matches its manifest",
                    out.display()
                );
                Exit::Ok
            }
            Ok(changed) => {
                for c in &changed {
                    println!("{} {}: {}", c.kind, c.what, c.path);
                }
                eprintln!(
                    "{} file{} changed since the export",
                    changed.len(),
                    if changed.len() == 1 { "" } else { "s" }
                );
                Exit::Data
            }
            Err(e) => {
                eprintln!("error: {e}");
                Exit::Io
            }
        };
    }
    let Some(out) = a.out.clone() else {
        return Exit::Usage;
    };
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    // Refuse a destination before any work.
    if let Err(e) = prepare_out(&dir, &out, a.force) {
        return refused(e);
    }
    if let Some(c) = a.claims.as_ref().filter(|c| !c.is_file()) {
        eprintln!("error: {}: no such claims file", c.display());
        return Exit::Io;
    }
    let (project, ledger) = match load(&dir, &a.opts) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let mut command = vec![
        "carbonledger".to_string(),
        "export".into(),
        dir.to_string_lossy().into_owned(),
        "--out".into(),
        "OUT".into(),
    ];
    if a.opts.strict {
        command.push("--strict".into());
    }
    if a.opts.allow_rejects {
        command.push("--allow-rejects".into());
    }
    if let Some(c) = &a.claims {
        command.push("--claims".into());
        command.push(c.to_string_lossy().into_owned());
    }
    let options = RunOptions {
        strict: a.opts.strict,
        threads: a.opts.threads,
    };
    let target = Target {
        out: &out,
        force: a.force,
        claims: a.claims.as_deref(),
    };
    match write(&project, &ledger, options, target, &command, &[]) {
        Ok(m) => {
            if !m.outputs.iter().any(|f| f.path == "workbook.xlsx") {
                eprintln!(
                    "warning: workbook.xlsx not written: the lines pass the spreadsheet limit of 1,048,575 rows (lines.csv holds them all)"
                );
            }
            println!(
                "wrote {} files to {} (manifest.json lists their SHA-256)",
                m.outputs.len() + 1,
                out.display()
            );
            if let Some(v) = ledger.restatement().ok().flatten().filter(|v| v.restate) {
                println!(
                    "wrote the base year {} restated to {} (GHG Protocol Corporate Standard ch. 5; its own manifest.json)",
                    v.base_year,
                    carbonledger::export::restated_out(&out, v.base_year).display()
                );
            }
            Exit::Ok
        }
        Err(e) => refused(e),
    }
}

fn refused(e: ExportError) -> Exit {
    match e {
        ExportError::Data(d) => {
            super::common::print_diagnostics(&d);
            Exit::Data
        }
        ExportError::Io(e) => {
            eprintln!("error: {e}");
            Exit::Io
        }
        ExportError::Refused(e) => {
            eprintln!("error: {e}");
            Exit::Usage
        }
    }
}
