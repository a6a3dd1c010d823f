//! Where the plans run: in this process (embedded DataFusion) or on an Apache Ballista cluster;
//! and the two long-running halves of such a cluster, a scheduler and an executor, as library
//! calls that a binary linking the core can make (so that the executors and the scheduler know
//! the core's functions by name, see `identity`). No cluster state is kept here.

use crate::EngineError;
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::utils::default_session_builder;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::execution::FunctionRegistry;
use datafusion::execution::SessionStateBuilder;
use datafusion::logical_expr::ScalarUDF;
use datafusion::prelude::{SessionConfig, SessionContext};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where an engine's plans run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cluster {
    /// Apache DataFusion in this process, on its threads.
    Embedded,
    /// An Apache Ballista cluster, through its scheduler at `HOST:PORT`. Its executors must
    /// read the input files at the paths this process sees them (a shared file system), and
    /// must have been started by a binary that registers the same functions (`run_executor`).
    Ballista {
        /// The scheduler's `HOST:PORT`.
        scheduler: String,
        /// When the whole run must have finished (`None`: wait as long as the cluster takes).
        /// Ballista keeps a job queued while no executor is alive (waiting for one to join),
        /// so without a deadline a run on a cluster that lost every executor waits forever.
        deadline: Option<std::time::Instant>,
    },
}

impl Cluster {
    /// The path a plan names a file by: as given in this process, absolute for a cluster
    /// (executors do not share this process's working folder).
    pub(crate) fn location(&self, path: &Path) -> String {
        let p: PathBuf = match self {
            Cluster::Embedded => path.to_path_buf(),
            Cluster::Ballista { .. } => {
                std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
            }
        };
        p.to_string_lossy().into_owned()
    }

    /// A session on this cluster with the functions `udfs`; `ordered`: one partition per
    /// file, so a file's rows come back in file order; else `partitions` target partitions
    /// (0: DataFusion's default, one per core).
    pub(crate) async fn session(
        &self,
        ordered: bool,
        partitions: usize,
        udfs: &[ScalarUDF],
    ) -> Result<SessionContext, EngineError> {
        let mut config = match self {
            Cluster::Embedded => SessionConfig::new(),
            Cluster::Ballista { .. } => SessionConfig::new_with_ballista(),
        };
        if ordered {
            config = config
                .with_target_partitions(1)
                .with_repartition_file_scans(false);
        } else if partitions > 0 {
            config = config.with_target_partitions(partitions);
        }
        let ctx = match self {
            Cluster::Embedded => SessionContext::new_with_config(config),
            Cluster::Ballista { scheduler, .. } => {
                let state = SessionStateBuilder::new()
                    .with_config(config)
                    .with_default_features()
                    .build();
                SessionContext::remote_with_state(&format!("df://{scheduler}"), state)
                    .await
                    .map_err(|e| EngineError::Cluster {
                        message: format!("scheduler {scheduler}: {e}"),
                    })?
            }
        };
        for u in udfs {
            ctx.register_udf(u.clone());
        }
        Ok(ctx)
    }
}

/// Runs `work` within the cluster's deadline: past it, the run fails (the job is abandoned,
/// nothing it computed is used).
pub(crate) async fn within_deadline<T>(
    cluster: &Cluster,
    work: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    let Cluster::Ballista {
        deadline: Some(deadline),
        scheduler,
    } = cluster
    else {
        return work.await;
    };
    match tokio::time::timeout_at((*deadline).into(), work).await {
        Ok(r) => r,
        Err(_) => Err(EngineError::Cluster {
            message: format!(
                "the Ballista cluster at {scheduler} did not finish the run before the deadline (--engine-timeout); are its executors alive?"
            ),
        }),
    }
}

fn cluster_error(what: &str) -> impl Fn(ballista_core::error::BallistaError) -> EngineError + '_ {
    move |e| EngineError::Cluster {
        message: format!("{what}: {e}"),
    }
}

fn server_runtime() -> Result<tokio::runtime::Runtime, EngineError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Cluster {
            message: format!("tokio runtime: {e}"),
        })
}

/// How a scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// The address its gRPC service listens on.
    pub bind: SocketAddr,
    /// Seconds without a heartbeat after which an executor is taken for dead (its tasks are
    /// run elsewhere, or the job fails).
    pub executor_timeout_seconds: u64,
}

/// Runs a Ballista scheduler until the process is stopped. Its sessions know `udfs` besides
/// DataFusion's and Ballista's functions, so that plans naming them can be planned.
pub fn run_scheduler(options: &SchedulerOptions, udfs: Vec<ScalarUDF>) -> Result<(), EngineError> {
    let udfs = Arc::new(udfs);
    let builder: ballista_scheduler::SessionBuilder = Arc::new(move |config: SessionConfig| {
        let mut state = default_session_builder(config)?;
        for u in udfs.iter() {
            state.register_udf(Arc::new(u.clone()))?;
        }
        Ok(state)
    });
    let timeout = options.executor_timeout_seconds.max(2);
    let mut config = SchedulerConfig::default()
        .with_hostname(options.bind.ip().to_string())
        .with_port(options.bind.port())
        .with_override_session_builder(builder);
    config.bind_host = options.bind.ip().to_string();
    config.executor_timeout_seconds = timeout;
    config.expire_dead_executor_interval_seconds = (timeout / 3).max(1);
    config.no_executors_grace_period_seconds = timeout;
    let config = Arc::new(config);
    server_runtime()?.block_on(async move {
        let cluster = BallistaCluster::new_from_config(&config)
            .await
            .map_err(cluster_error("scheduler"))?;
        start_server(cluster, options.bind, config)
            .await
            .map_err(cluster_error("scheduler"))
    })
}

/// How an executor runs.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's host.
    pub scheduler_host: String,
    /// The scheduler's port.
    pub scheduler_port: u16,
    /// The address the executor listens on.
    pub bind_host: String,
    /// The host name the scheduler and clients reach it at.
    pub advertised_host: String,
    /// Its Arrow Flight port (results and shuffle data are fetched from it).
    pub flight_port: u16,
    /// Its gRPC port (the scheduler pushes tasks to it).
    pub grpc_port: u16,
    /// Tasks it runs at once (0: one per core).
    pub concurrent_tasks: usize,
    /// Seconds between its heartbeats to the scheduler.
    pub heartbeat_seconds: u64,
}

/// Runs a Ballista executor until the process is stopped (or the scheduler tells it to stop).
/// Its function registry holds `udfs` besides DataFusion's and Ballista's functions, so the
/// tasks of plans naming them run.
pub fn run_executor(options: &ExecutorOptions, udfs: Vec<ScalarUDF>) -> Result<(), EngineError> {
    let mut registry = BallistaFunctionRegistry::default();
    for u in udfs {
        registry
            .scalar_functions
            .insert(u.name().to_string(), Arc::new(u));
    }
    let config = ExecutorProcessConfig {
        bind_host: options.bind_host.clone(),
        external_host: Some(options.advertised_host.clone()),
        port: options.flight_port,
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler_host.clone(),
        scheduler_port: options.scheduler_port,
        scheduler_connect_timeout_seconds: 30,
        vcores: options.concurrent_tasks,
        executor_heartbeat_interval_seconds: options.heartbeat_seconds.max(1),
        override_function_registry: Some(Arc::new(registry)),
        ..ExecutorProcessConfig::default()
    };
    server_runtime()?.block_on(async move {
        start_executor_process(Arc::new(config))
            .await
            .map_err(cluster_error("executor"))
    })
}
