//! `carbonledger schema NAME`: the JSON Schema of a typed JSON output, generated from the
//! structs that produce it (schemars), so the published schema (docs/schema/) cannot drift
//! from the output; tests/report.rs checks the published files against this command.

use super::output::OutputOpts;
use super::Exit;

/// Which output.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// `report --format json`.
    Report,
    /// `explain --format json`.
    Explain,
    /// One line of `check --format json`.
    Check,
    /// `bridge --format json`.
    Bridge,
    /// `figures --format json` (a bare array, no version: its shape is fixed).
    Figures,
    /// `compute --format json`.
    Compute,
    /// `diff --format json`.
    Diff,
    /// `products --format json`.
    Products,
    /// `freight --format json`.
    Freight,
    /// `verify --format json`.
    Verify,
    /// `factors list --format json`.
    FactorsList,
    /// `factors show --format json`.
    FactorsShow,
    /// `factors diff --format json`.
    FactorsDiff,
}

/// Arguments of `schema`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The output whose schema is printed.
    #[arg(value_enum)]
    name: Name,
    #[command(flatten)]
    output: OutputOpts,
}

pub fn run(a: Args) -> Exit {
    let mut schema = match a.name {
        Name::Report => schemars::schema_for!(carbonledger::report::disclosure::Report),
        Name::Explain => schemars::schema_for!(super::explain::ExplainJson<'static>),
        Name::Check => schemars::schema_for!(super::check::DiagnosticJson<'static>),
        Name::Bridge => schemars::schema_for!(super::bridge::BridgeJson),
        Name::Figures => schemars::schema_for!(super::json::FiguresJson<'static>),
        Name::Compute => schemars::schema_for!(super::json::ComputeJson<'static>),
        Name::Diff => schemars::schema_for!(super::json::diff::DiffJson<'static>),
        Name::Products => schemars::schema_for!(super::json::products::ProductsJson),
        Name::Freight => schemars::schema_for!(super::json::freight::FreightJson),
        Name::Verify => schemars::schema_for!(super::json::verify::VerifyJson),
        Name::FactorsList => {
            schemars::schema_for!(super::factors::Versioned<super::factors::ListJson<'static>>)
        }
        Name::FactorsShow => {
            schemars::schema_for!(super::factors::Versioned<super::factors::ShowJson<'static>>)
        }
        Name::FactorsDiff => {
            schemars::schema_for!(super::factors::Versioned<super::factors::DiffJson<'static>>)
        }
    };
    // Generic wrappers get a generated title (`Versioned`); name them after the output.
    let title = match a.name {
        Name::Figures => Some("Figures"),
        Name::FactorsList => Some("FactorsList"),
        Name::FactorsShow => Some("FactorsShow"),
        Name::FactorsDiff => Some("FactorsDiff"),
        _ => None,
    };
    if let Some(t) = title {
        schema.insert("title".to_string(), t.into());
    }
    match serde_json::to_string_pretty(&schema) {
        Ok(s) => match a.output.write(&format!("{s}\n")) {
            Ok(()) => Exit::Ok,
            Err(e) => e,
        },
        Err(_) => Exit::Io,
    }
}
