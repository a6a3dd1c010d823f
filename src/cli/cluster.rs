//! `carbonledger engine-scheduler` and `carbonledger engine-executor` (hidden; builds with
//! `--features engine` only): the two halves of an Apache Ballista cluster for
//! `--engine ballista`, run by this binary so that they know carbonledger's functions by name.
//! They run until stopped; a failure to start is an I/O error (exit 3).

use super::Exit;
use carbonledger_engine::{run_executor, run_scheduler, ExecutorOptions, SchedulerOptions};
use std::io::Write;
use std::net::SocketAddr;

/// `engine-scheduler`.
#[derive(clap::Args, Debug)]
pub struct SchedulerArgs {
    /// The address the scheduler listens on (executors and `--scheduler` connect to it).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:50050")]
    bind: SocketAddr,
    /// Seconds without a heartbeat after which an executor is taken for dead.
    #[arg(long, default_value_t = 30)]
    executor_timeout: u64,
}

/// `engine-executor`.
#[derive(clap::Args, Debug)]
pub struct ExecutorArgs {
    /// The scheduler to register with.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:50050")]
    scheduler: String,
    /// The address the executor listens on (`0.0.0.0` in a container).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The host name the scheduler and the CLI reach this executor at (default: `--host`).
    #[arg(long)]
    advertise: Option<String>,
    /// Its Arrow Flight port (results are fetched from it).
    #[arg(long, default_value_t = 50051)]
    flight_port: u16,
    /// Its gRPC port (the scheduler sends it tasks there).
    #[arg(long, default_value_t = 50052)]
    grpc_port: u16,
    /// Tasks it runs at once (0: one per core).
    #[arg(long, default_value_t = 0)]
    concurrent_tasks: usize,
    /// Seconds between its heartbeats to the scheduler.
    #[arg(long, default_value_t = 5)]
    heartbeat: u64,
}

fn failed(what: &str, e: &carbonledger_engine::EngineError) -> Exit {
    let _ = writeln!(
        std::io::stderr().lock(),
        "error: {what}: {e} [engine-error]"
    );
    Exit::Io
}

/// Runs a scheduler until stopped.
pub fn scheduler(a: SchedulerArgs) -> Exit {
    let options = SchedulerOptions {
        bind: a.bind,
        executor_timeout_seconds: a.executor_timeout,
    };
    match run_scheduler(&options, carbonledger::engine::functions()) {
        Ok(()) => Exit::Ok,
        Err(e) => failed("the Ballista scheduler stopped", &e),
    }
}

/// Runs an executor until stopped.
pub fn executor(a: ExecutorArgs) -> Exit {
    let Some((host, port)) = a
        .scheduler
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
    else {
        let _ = writeln!(
            std::io::stderr().lock(),
            "error: --scheduler must be HOST:PORT, not `{}`",
            a.scheduler
        );
        return Exit::Usage;
    };
    let options = ExecutorOptions {
        scheduler_host: host,
        scheduler_port: port,
        advertised_host: a.advertise.unwrap_or_else(|| a.host.clone()),
        bind_host: a.host,
        flight_port: a.flight_port,
        grpc_port: a.grpc_port,
        concurrent_tasks: a.concurrent_tasks,
        heartbeat_seconds: a.heartbeat,
    };
    match run_executor(&options, carbonledger::engine::functions()) {
        Ok(()) => Exit::Ok,
        Err(e) => failed("the Ballista executor stopped", &e),
    }
}
