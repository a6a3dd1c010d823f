//! The command-line layer: argument parsing (clap), printing, exit codes. One file per
//! subcommand; each resolves its arguments, calls the library, and renders the result.
//!
//! Exit codes: 0 success; 1 bad data (diagnostics, rejected rows, inconsistent claims);
//! 2 usage error; 3 I/O or internal error. A closed pipe ends the program quietly.

mod bridge;
mod check;
#[cfg(feature = "engine")]
mod cluster;
mod common;
mod completions;
mod compute;
mod diff;
mod explain;
mod export;
mod factors;
mod figures;
mod freight;
mod init;
mod json;
mod lock;
mod output;
mod products;
mod report;
mod schema;
mod verify;
mod years;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok,
    /// Bad input data.
    Data,
    /// Bad command line.
    Usage,
    /// I/O or internal failure.
    Io,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Ok => 0,
            Exit::Data => 1,
            Exit::Usage => 2,
            Exit::Io => 3,
        })
    }
}

#[derive(Parser)]
#[command(name = "carbonledger", version, about = "Exact, unit-safe, cited carbon and energy accounting from CSV activity data", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The inventory: scopes, energy, intensity and the change against the previous year.
    #[command(
        after_help = "Examples:\n  carbonledger compute fixtures/xiaomi-2025\n  carbonledger compute fixtures/xiaomi-2025 --year 2024 --format json"
    )]
    Compute(compute::Args),
    /// Every figure with its name, year, exact value and unit.
    #[command(
        after_help = "Examples:\n  carbonledger figures fixtures/xiaomi-2025 --format json\n  carbonledger figures fixtures/xiaomi-2025 --year 2025 --format csv"
    )]
    Figures(figures::Args),
    /// The trace of one figure: every contributing row, factor and conversion.
    Explain(explain::Args),
    /// The auditor's tables and a hashed manifest; `--check OUT` verifies an export.
    #[command(
        after_help = "Examples:\n  carbonledger export fixtures/xiaomi-2025 --out audit\n  carbonledger export --check audit\n  carbonledger export fixtures/xiaomi-2025 --check audit   # the project somewhere else than the manifest says"
    )]
    Export(export::Args),
    /// Audit one factor change: changed lines, every figure before and after, base-year verdict.
    #[command(
        after_help = "Examples:\n  carbonledger diff fixtures/xiaomi-2025 --edition cn-mee-grid@2023\n  carbonledger diff fixtures/xiaomi-2025 --set cn-mee-grid:north=0.55"
    )]
    Diff(diff::Args),
    /// Split the year-on-year change into activity, energy-mix and factor-edition effects.
    #[command(
        after_help = "Examples:\n  carbonledger bridge fixtures/xiaomi-2025\n  carbonledger bridge fixtures/xiaomi-2025 --year 2025 --format json"
    )]
    Bridge(bridge::Args),
    /// Validate every input without reporting figures; prints nothing when all is well (`--format json`: JSON Lines).
    #[command(
        after_help = "Examples:\n  carbonledger check fixtures/xiaomi-2025\n  carbonledger check fixtures/xiaomi-2025 --format json   # one JSON object per line"
    )]
    Check(check::Args),
    /// Browse the factor library and compare editions.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  carbonledger factors list\n  carbonledger factors show ipcc-gwp@ar5\n  carbonledger factors diff cn-mee-grid@2022 cn-mee-grid@2023"
    )]
    Factors(factors::Command),
    /// Write a new project from commented templates.
    #[command(after_help = "Examples:\n  carbonledger init my-project")]
    Init(init::Args),
    /// Lock the factor editions the project uses (carbonledger.lock, their SHA-256).
    #[command(after_help = "Examples:\n  carbonledger lock fixtures/xiaomi-2025")]
    Lock(lock::Args),
    /// Product footprints: per-product summary and contribution tables.
    #[command(
        after_help = "Examples:\n  carbonledger products fixtures/xiaomi-2025\n  carbonledger products fixtures/xiaomi-2025 --product xiaomi-15"
    )]
    Products(products::Args),
    /// Freight per transport chain element and per chain (shipment), with kg CO2e per tonne-km.
    #[command(
        after_help = "Examples:\n  carbonledger freight fixtures/xiaomi-2025\n  carbonledger freight fixtures/xiaomi-2025 --format csv"
    )]
    Freight(freight::Args),
    /// Compare the published claims in claims.toml with the computed figures.
    #[command(
        after_help = "Examples:\n  carbonledger verify fixtures/xiaomi-2025\n  carbonledger verify fixtures/xiaomi-2025 --format json"
    )]
    Verify(verify::Args),
    /// A standard's disclosure tables (HKEX, ESRS E1, GHG Protocol, SECR) as a table, CSV, JSON or HTML.
    Report(report::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  carbonledger completions bash > ~/.local/share/bash-completion/completions/carbonledger\n  carbonledger completions zsh > ~/.zfunc/_carbonledger"
    )]
    Completions(completions::Args),
    /// Print the man page (roff) on standard output.
    #[command(
        after_help = "Examples:\n  carbonledger man > carbonledger.1 && man ./carbonledger.1"
    )]
    Man(completions::ManArgs),
    /// Print the JSON Schema of a JSON output (report, explain, check, bridge, figures, compute, diff, products, freight, verify, factors-list, factors-show, factors-diff).
    #[command(after_help = "Examples:\n  carbonledger schema report > report.schema.json")]
    Schema(schema::Args),
    /// Runs an Apache Ballista scheduler for `--engine ballista` (until stopped).
    #[cfg(feature = "engine")]
    #[command(hide = true)]
    EngineScheduler(cluster::SchedulerArgs),
    /// Runs an Apache Ballista executor for `--engine ballista` (until stopped).
    #[cfg(feature = "engine")]
    #[command(hide = true)]
    EngineExecutor(cluster::ExecutorArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => Exit::Usage.into(),
            };
        }
    };
    let exit = match cli.command {
        Command::Compute(a) => compute::run(a),
        Command::Figures(a) => figures::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Export(a) => export::run(a),
        Command::Check(a) => check::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Bridge(a) => bridge::run(a),
        Command::Factors(c) => factors::run(c),
        Command::Init(a) => init::run(a),
        Command::Lock(a) => lock::run(a),
        Command::Products(a) => products::run(a),
        Command::Freight(a) => freight::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Report(a) => report::run(a),
        Command::Completions(a) => completions::run(a, <Cli as clap::CommandFactory>::command()),
        Command::Schema(a) => schema::run(a),
        Command::Man(a) => completions::man(a, <Cli as clap::CommandFactory>::command()),
        #[cfg(feature = "engine")]
        Command::EngineScheduler(a) => cluster::scheduler(a),
        #[cfg(feature = "engine")]
        Command::EngineExecutor(a) => cluster::executor(a),
    };
    exit.into()
}
