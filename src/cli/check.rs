//! `carbonledger check [DIR]`: validate every input (manifest, facilities, factor library,
//! every activity row, factor resolution) without reporting figures. Prints nothing and exits
//! 0 when all is well; otherwise every problem as `file:line:column: message`, exit 1.

use super::common::{fallbacks, open, print_diagnostics};
use super::Exit;
use carbonledger::calc::{compute, RunOptions};
use std::path::PathBuf;

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Also refuse fallbacks.
    #[arg(long)]
    strict: bool,
    /// Worker threads for large files (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn run(a: Args) -> Exit {
    let project = match open(&a.dir) {
        Ok(p) => p,
        Err(e) => return e,
    };
    match compute(
        &project,
        RunOptions {
            strict: a.strict,
            threads: a.threads,
        },
    ) {
        Err(d) => {
            print_diagnostics(&d);
            Exit::Data
        }
        Ok(comp) => {
            // Fallbacks are warnings like any other, counted in the closing line.
            let notes: Vec<carbonledger::diag::Diagnostic> = fallbacks(&comp)
                .into_iter()
                .map(|f| {
                    carbonledger::diag::Diagnostic::warning(
                        "fallback",
                        carbonledger::diag::Span::file(&project.shown("carbonledger.toml")),
                        f,
                    )
                    .with_hint("pin the edition or key in carbonledger.toml, or run with --strict to refuse fallbacks")
                })
                .collect();
            // The registers (solar, instruments, abatement, …) validate their files too.
            let ledger = carbonledger::ledger::Ledger::from_computation(&project, comp, a.strict);
            let mut diags: Vec<_> = ledger.all_diagnostics().cloned().collect();
            diags.extend(notes);
            // claims.toml, when present, must parse (`verify` compares it with the figures).
            let claims = project.path("claims.toml");
            if claims.exists() {
                let shown = project.shown("claims.toml");
                match std::fs::read_to_string(&claims) {
                    Ok(text) => match carbonledger::claims::parse_claims(&shown, &text) {
                        Err(mut d) => diags.append(&mut d),
                        // What only the figures reveal: units and figure names.
                        Ok(file) => diags.extend(carbonledger::claims::figure_problems(
                            &carbonledger::claims::evaluate(&ledger, &file.claims),
                        )),
                    },
                    Err(e) => diags.push(carbonledger::diag::Diagnostic::error(
                        "unreadable-file",
                        carbonledger::diag::Span::file(&shown),
                        format!("cannot read claims.toml: {e}"),
                    )),
                }
            }
            // Warnings are shown too; only errors fail the check.
            if !diags.is_empty() {
                print_diagnostics(&diags);
            }
            if diags.iter().any(|d| d.is_error()) {
                Exit::Data
            } else {
                Exit::Ok
            }
        }
    }
}
