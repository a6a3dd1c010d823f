//! `carbonledger check [DIR]`: validate every input (manifest, facilities, factor library,
//! every activity row, factor resolution) without reporting figures. Prints nothing and exits
//! 0 when all is well; otherwise every problem as `file:line:column: message`, exit 1.

use super::common::{diagnostics_text, fallbacks, print_diagnostics};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::calc::{compute, RunOptions};
use carbonledger::diag::{Diagnostic, Severity};
use carbonledger::project::Input;
use std::path::PathBuf;

/// Output format of `check`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// `file:line:column: message` with the line and a hint, on standard error.
    #[default]
    Text,
    /// One JSON object per diagnostic per line (JSON Lines), on standard output, for CI and editors.
    Json,
    /// One CSV row per diagnostic, on standard output.
    Csv,
}

/// The JSON Lines shape's version (`check --format json`).
pub const SCHEMA_VERSION: u32 = 1;

/// One diagnostic as a JSON line.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct DiagnosticJson<'a> {
    schema_version: u32,
    code: &'a str,
    severity: &'static str,
    file: &'a str,
    /// 1-based; 0 when the problem concerns the whole file.
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_line: Option<&'a str>,
}

/// Diagnostics as JSON Lines.
fn json_lines(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        let j = DiagnosticJson {
            schema_version: SCHEMA_VERSION,
            code: d.code,
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            file: &d.span.file,
            line: d.span.line,
            column: d.span.column,
            message: &d.message,
            hint: d.hint.as_deref(),
            source_line: d.source_line.as_deref(),
        };
        if let Ok(line) = serde_json::to_string(&j) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}

/// Diagnostics as CSV, header first.
fn csv_rows(diags: &[Diagnostic]) -> String {
    let mut t = carbonledger::report::Table::new(
        "",
        &[
            "severity", "code", "file", "line", "column", "message", "hint",
        ],
    );
    use carbonledger::report::Cell;
    for d in diags {
        t.push(vec![
            Cell::Text(
                match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                }
                .into(),
            ),
            Cell::Text(d.code.into()),
            Cell::Text(d.span.file.to_string()),
            Cell::Num(d.span.line.to_string()),
            Cell::Num(d.span.column.map_or(String::new(), |c| c.to_string())),
            Cell::Text(d.message.clone()),
            Cell::Text(d.hint.clone().unwrap_or_default()),
        ]);
    }
    carbonledger::report::render_csv(&t)
}

/// Prints diagnostics in the chosen format. Text goes to standard error unless `-o` names a
/// file; with `-o` the file is written even when there is nothing to say (an empty file), so
/// it always belongs to this run.
/// A closed pipe does not turn a failed check into a pass: only a write error is returned.
fn report(diags: &[Diagnostic], format: CheckFormat, output: &OutputOpts) -> Result<(), Exit> {
    if diags.is_empty() && output.output.is_none() {
        return Ok(());
    }
    let written = match format {
        CheckFormat::Text if output.output.is_none() => {
            print_diagnostics(diags);
            Ok(())
        }
        CheckFormat::Text => output.write(&diagnostics_text(diags)),
        CheckFormat::Json => output.write(&json_lines(diags)),
        CheckFormat::Csv => output.write(&csv_rows(diags)),
    };
    match written {
        Err(Exit::Ok) => Ok(()),
        other => other,
    }
}

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    #[command(flatten)]
    output: OutputOpts,
}

pub fn run(a: Args) -> Exit {
    let project = match carbonledger::project::Project::open(&a.dir) {
        Ok(p) => p,
        Err(d) => {
            if let Err(e) = report(&d, a.format, &a.output) {
                return e;
            }
            return if d
                .iter()
                .any(|x| x.code == "missing-file" && x.span.file.ends_with("carbonledger.toml"))
            {
                Exit::Io
            } else {
                Exit::Data
            };
        }
    };
    match compute(
        &project,
        RunOptions {
            strict: a.strict,
            threads: a.threads,
        },
    ) {
        Err(d) => match report(&d, a.format, &a.output) {
            Err(e) => e,
            Ok(()) => Exit::Data,
        },
        Ok(comp) => {
            // Fallbacks are warnings like any other, counted in the closing line.
            let notes: Vec<carbonledger::diag::Diagnostic> = fallbacks(&comp)
                .into_iter()
                .map(|f| {
                    carbonledger::diag::Diagnostic::warning(
                        "fallback",
                        carbonledger::diag::Span::file(&project.shown(Input::Manifest)),
                        f,
                    )
                    .with_hint("pin the edition or key in carbonledger.toml, or run with --strict to refuse fallbacks")
                })
                .collect();
            // The registers (solar, instruments, abatement, …) validate their files too.
            let ledger = carbonledger::ledger::Ledger::from_computation(&project, comp, a.strict);
            let mut diags: Vec<_> = ledger.all_diagnostics().cloned().collect();
            diags.extend(notes);
            // Every figure must be held exactly: a sum past 28 digits fails `compute`, so it
            // fails the check too.
            if let Err(d) = ledger.figures(None) {
                diags.push(d);
            }
            // claims.toml, when present, must parse (`verify` compares it with the figures).
            let claims = project.path(Input::Claims);
            if project.has(Input::Claims) {
                let shown = project.shown(Input::Claims);
                let text = std::fs::read(&claims)
                    .map(|b| carbonledger::ingest::utf8_text(&shown, b, false));
                match text {
                    // Parse errors, then the claims against the figures: a printed unit
                    // that does not fit its figure is an error, an unknown figure a warning.
                    Ok(Ok(text)) => {
                        diags.extend(carbonledger::claims::check_claims(&shown, &text, &ledger))
                    }
                    Ok(Err(d)) => diags.push(d),
                    Err(e) => diags.push(carbonledger::diag::Diagnostic::error(
                        "unreadable-file",
                        carbonledger::diag::Span::file(&shown),
                        format!("cannot read claims.toml: {e}"),
                    )),
                }
            }
            // Warnings are shown too; only errors fail the check.
            if let Err(e) = report(&diags, a.format, &a.output) {
                return e;
            }
            if diags.iter().any(|d| d.is_error()) {
                Exit::Data
            } else {
                Exit::Ok
            }
        }
    }
}
