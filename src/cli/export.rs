//! `carbonledger export [DIR] --out OUT` writes the auditor's tables and manifest;
//! `carbonledger export --check OUT` re-hashes an export and names every file changed since.

use super::common::{load, ProjectOpts};
use super::Exit;
use carbonledger::calc::RunOptions;
use carbonledger::export::{check, write, ExportError};
use std::path::PathBuf;

/// Arguments of `export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Folder to write the export into (created if missing; its files are replaced).
    #[arg(long, required_unless_present = "check")]
    out: Option<PathBuf>,
    /// Check an existing export against its manifest instead of writing one.
    #[arg(long, value_name = "OUT", conflicts_with = "out")]
    check: Option<PathBuf>,
    /// With --check: the project folder, when it is not where the manifest says.
    #[arg(long)]
    project: Option<PathBuf>,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    if let Some(out) = &a.check {
        return match check(out, a.project.as_deref()) {
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
    let (project, ledger) = match load(&a.dir, &a.opts) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let mut command = vec![
        "carbonledger".to_string(),
        "export".into(),
        a.dir.to_string_lossy().into_owned(),
        "--out".into(),
        "OUT".into(),
    ];
    if a.opts.strict {
        command.push("--strict".into());
    }
    if a.opts.allow_rejects {
        command.push("--allow-rejects".into());
    }
    let options = RunOptions {
        strict: a.opts.strict,
        threads: a.opts.threads,
    };
    match write(&project, &ledger, options, &out, &command, &[]) {
        Ok(m) => {
            println!(
                "wrote {} files to {} (manifest.json lists their SHA-256)",
                m.outputs.len() + 1,
                out.display()
            );
            Exit::Ok
        }
        Err(ExportError::Data(d)) => {
            super::common::print_diagnostics(&d);
            Exit::Data
        }
        Err(ExportError::Io(e)) => {
            eprintln!("error: {e}");
            Exit::Io
        }
    }
}
