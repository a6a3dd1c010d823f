//! What the subcommands share: the project options, loading and computing with diagnostics
//! printed to standard error, output formats and presentation rounding. Where output goes
//! (standard output or `-o FILE`) is `output`'s job.

use super::Exit;
use carbonledger::calc::{compute, Computation, RunOptions};
use carbonledger::decimal::{group_thousands, RoundingRule};
use carbonledger::diag::Diagnostic;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// Options every project command takes.
#[derive(clap::Args, Debug, Clone)]
pub struct ProjectOpts {
    /// Refuse fallbacks (nearest edition, parent region): every factor must be chosen explicitly.
    #[arg(long)]
    pub strict: bool,
    /// Report totals even though some rows were rejected (the left-out rows and quantities are listed).
    #[arg(long)]
    pub allow_rejects: bool,
    /// Worker threads for large files (default: one per core); with `--engine datafusion` or
    /// `ballista`, the partitions of the per-chain sums. Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// What reads and sums the activity rows: the built-in reader, or Apache DataFusion in
    /// this process or on an Apache Ballista cluster (both need a build with `--features
    /// engine`; they read `energy.csv` or a folder `energy/` of CSV and Parquet files). The
    /// figures are the same.
    #[arg(long, value_enum, default_value_t = Engine::Core)]
    pub engine: Engine,
    /// The Ballista scheduler that `--engine ballista` runs on, as HOST:PORT.
    #[arg(long, value_name = "HOST:PORT")]
    pub scheduler: Option<String>,
    /// With `--engine ballista`: fail the command when the cluster has not finished within
    /// this many seconds (0: no limit). A cluster that lost every executor keeps a job
    /// waiting for one to join, so set this for unattended runs.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub engine_timeout: u64,
    /// Read every row again instead of the computation kept (in the user's cache folder, or
    /// `$CARBONLEDGER_CACHE_DIR`) from an earlier run on the same inputs, and keep nothing.
    #[arg(long)]
    pub no_cache: bool,
}

/// The engine that reads and sums activity rows.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The built-in streaming reader (one machine, its threads).
    #[default]
    Core,
    /// Apache DataFusion, embedded (`--features engine` builds only).
    Datafusion,
    /// Apache DataFusion on an Apache Ballista cluster (`--scheduler HOST:PORT`;
    /// `--features engine` builds only).
    Ballista,
}

/// Computes with the chosen engine: the built-in one through the computation cache when
/// `cache` (the DataFusion engines read folders the cache key does not cover).
fn compute_with(
    project: &Project,
    options: RunOptions,
    opts: &ProjectOpts,
    cache: bool,
) -> Result<Result<Computation, Vec<Diagnostic>>, Exit> {
    if (opts.scheduler.is_some() || opts.engine_timeout > 0) && opts.engine != Engine::Ballista {
        let _ = writeln!(
            std::io::stderr().lock(),
            "error: --scheduler and --engine-timeout are for --engine ballista"
        );
        return Err(Exit::Usage);
    }
    match (opts.engine, cache) {
        (Engine::Core, false) => Ok(compute(project, options)),
        (Engine::Core, true) => {
            Ok(carbonledger::cache::computation(project, options).map(|(c, _)| c))
        }
        #[cfg(feature = "engine")]
        (Engine::Datafusion | Engine::Ballista, _) => {
            use carbonledger::engine::{Cluster, DataFusionSource};
            let cluster = match (opts.engine, &opts.scheduler) {
                (Engine::Ballista, Some(s)) => Cluster::Ballista {
                    scheduler: s.clone(),
                    deadline: (opts.engine_timeout > 0).then(|| {
                        std::time::Instant::now()
                            + std::time::Duration::from_secs(opts.engine_timeout)
                    }),
                },
                (Engine::Ballista, None) => {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "error: --engine ballista needs --scheduler HOST:PORT (a scheduler started with `carbonledger engine-scheduler`)"
                    );
                    return Err(Exit::Usage);
                }
                _ => Cluster::Embedded,
            };
            Ok(carbonledger::calc::compute_from(
                project,
                options,
                &mut DataFusionSource::new(project, cluster).with_partitions(options.threads),
            ))
        }
        #[cfg(not(feature = "engine"))]
        (Engine::Datafusion | Engine::Ballista, _) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "error: this carbonledger was built without the DataFusion and Ballista engines; build it with `cargo build --release --features engine`"
            );
            Err(Exit::Usage)
        }
    }
}

/// Output format.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Tables for a terminal.
    #[default]
    Table,
    /// CSV on standard output.
    Csv,
    /// JSON on standard output (exact decimal strings).
    Json,
}

/// Prints diagnostics to standard error, with a count.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    let _ = std::io::stderr()
        .lock()
        .write_all(diagnostics_text(diags).as_bytes());
}

/// Diagnostics as text, one after another, then the count (nothing when there are none).
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for d in diags {
        let _ = writeln!(s, "{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let _ = writeln!(
            s,
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
    s
}

/// Opens the project or prints why not.
pub fn open(dir: &std::path::Path) -> Result<Project, Exit> {
    Project::open(dir).map_err(|d| {
        print_diagnostics(&d);
        if d.iter()
            .any(|x| x.code == "missing-file" && x.span.file.ends_with("carbonledger.toml"))
        {
            Exit::Io
        } else {
            Exit::Data
        }
    })
}

/// Fallback notes of every chain, deduplicated, in order.
pub fn fallbacks(comp: &Computation) -> Vec<String> {
    let set: BTreeSet<&String> = comp
        .chains
        .iter()
        .flat_map(|c| c.fallbacks.iter())
        .collect();
    set.into_iter().cloned().collect()
}

/// Fallback notes of the chains and of the registers' entries (freight intensities, the
/// market's exempt share, …), deduplicated, in order: every fallback a ledger warned of.
pub fn ledger_fallbacks(ledger: &Ledger) -> Vec<String> {
    let mut set: BTreeSet<String> = fallbacks(&ledger.comp).into_iter().collect();
    set.extend(
        ledger
            .all_diagnostics()
            .filter(|d| d.code == "fallback")
            .map(|d| d.message.clone()),
    );
    set.into_iter().collect()
}

/// A command's large value, left for the end of the process to free: the system takes the
/// process's memory back whole at exit, where freeing a ledger of 800,000 chains piece by
/// piece took a tenth of a second (over 100,000 facilities, 8 % of `figures` from the cache).
/// Only for values that hold nothing but memory (no file or temporary folder to remove).
pub type KeptToExit<T> = std::mem::ManuallyDrop<T>;

/// Opens and computes a project (chains and registers), enforcing the rejected-rows policy;
/// the computation is read from and kept in the project's cache unless `--no-cache`.
/// Returns the project and ledger (kept to the end of the process), or the exit code after
/// printing the problems.
pub fn load(
    dir: &std::path::Path,
    opts: &ProjectOpts,
) -> Result<(KeptToExit<Project>, KeptToExit<Ledger>), Exit> {
    let (project, comp) = computation(dir, opts)?;
    let ledger = Ledger::from_computation(&project, comp, opts.strict);
    let (project, ledger) = checked(project, ledger, opts)?;
    Ok((KeptToExit::new(project), KeptToExit::new(ledger)))
}

/// Opens a project and computes its chains (from the cache unless `--no-cache`), or the exit
/// code after printing the problems. The registers are left to the caller; `checked` then
/// enforces the rejected-rows policy on the ledger.
pub fn computation(
    dir: &std::path::Path,
    opts: &ProjectOpts,
) -> Result<(Project, Computation), Exit> {
    let project = open(dir)?;
    let options = RunOptions {
        strict: opts.strict,
        threads: opts.threads,
    };
    let comp = compute_with(&project, options, opts, !opts.no_cache)?.map_err(|d| {
        print_diagnostics(&d);
        Exit::Data
    })?;
    Ok((project, comp))
}

/// Prints a ledger's diagnostics and enforces the rejected-rows policy (`load`'s last step).
pub fn checked(
    project: Project,
    ledger: Ledger,
    opts: &ProjectOpts,
) -> Result<(Project, Ledger), Exit> {
    let diags: Vec<Diagnostic> = ledger.all_diagnostics().cloned().collect();
    if !diags.is_empty() {
        print_diagnostics(&diags);
    }
    let unread: Vec<&str> = ledger.unread_files().map(|f| f.file.as_str()).collect();
    if !unread.is_empty() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "refusing to report totals: {} could not be read to the end, so its rows cannot be accounted for; fix the file-level error above",
            unread.join(", ")
        );
        return Err(Exit::Data);
    }
    let rejected = ledger.rejected_rows();
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if rejected == 0 && errors > 0 {
        // An error that rejected no row (a residual mix that cannot be used, a figure that
        // could not be totalled) would otherwise leave a figure out with exit 0.
        let _ = writeln!(
            std::io::stderr().lock(),
            "refusing to report totals: {errors} error{} above rejected no row, so the figures it concerns would be missing; fix {}",
            if errors == 1 { "" } else { "s" },
            if errors == 1 { "it" } else { "them" }
        );
        return Err(Exit::Data);
    }
    if rejected > 0 {
        let mut e = std::io::stderr().lock();
        let left_out = left_out(&ledger);
        if opts.allow_rejects {
            let _ = writeln!(
                e,
                "warning: --allow-rejects: totals leave out {rejected} rejected row{} ({left_out})",
                if rejected == 1 { "" } else { "s" }
            );
        } else {
            let _ = writeln!(e, "refusing to report totals: {rejected} row{} rejected ({left_out}); fix them, or pass --allow-rejects to report without them", if rejected == 1 { "" } else { "s" });
            return Err(Exit::Data);
        }
    }
    Ok((project, ledger))
}

/// The rejected quantities in words.
pub fn left_out(ledger: &Ledger) -> String {
    let mut parts = Vec::new();
    for f in ledger.all_files() {
        for (unit, q) in &f.rejected_quantity {
            parts.push(format!("{} {unit} in {}", q.normalize(), f.file));
        }
        if f.rejected_unreadable > 0 {
            parts.push(format!(
                "{} row{} with no readable quantity in {}",
                f.rejected_unreadable,
                if f.rejected_unreadable == 1 { "" } else { "s" },
                f.file
            ));
        }
    }
    parts.join("; ")
}

/// `read = used + rejected` per file, in words.
pub fn accounting(ledger: &Ledger) -> Vec<String> {
    let comp = &ledger.comp;
    let mut v: Vec<String> = ledger
        .all_files()
        .filter(|f| f.present)
        .map(|f| {
            let mut l = format!(
                "{}: {} rows read = {} used + {} rejected",
                f.file, f.read, f.used, f.rejected
            );
            // Rows split by days, and days outside a facility's time in the boundary.
            if f.split > 0 || f.outside > 0 {
                l.push_str(&format!(
                    " ({} split by days, {} with days outside the boundary)",
                    f.split, f.outside
                ));
            }
            l
        })
        .collect();
    if comp.duplicate_candidates > 0 {
        v.push(format!(
            "duplicate check: {} candidate row(s) confirmed or cleared by a second reading",
            comp.duplicate_candidates
        ));
    }
    v
}

/// Decimal places shown on a terminal for a figure unit.
pub fn places(unit: &str) -> u32 {
    match unit {
        "t CO2e/MWh" => 4,
        _ => 1,
    }
}

/// A value rounded for presentation under the manifest's rule, with thousands grouping.
pub fn present(v: Decimal, unit: &str, rule: RoundingRule) -> String {
    group_thousands(&rule.round(v, places(unit)).to_string())
}

/// Splits `[DIR] X` positionals: one value is X in the current folder.
pub fn dir_and(args: &[String]) -> Result<(PathBuf, String), Exit> {
    match args {
        [x] => Ok((PathBuf::from("."), x.clone())),
        [d, x] => Ok((PathBuf::from(d), x.clone())),
        _ => {
            eprintln!("error: expected [DIR] FIGURE");
            Err(Exit::Usage)
        }
    }
}
