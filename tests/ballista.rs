//! `--engine ballista` (builds with `--features engine` only): a Ballista scheduler and two
//! executors run as separate local processes of this binary (`engine-scheduler`,
//! `engine-executor`, on free loopback ports, killed when the test ends however it ends), and
//! the figures computed on them are the bytes the embedded engines compute: on the reference
//! fixture, and on a generated project of partitioned Parquet with rejected rows and a
//! duplicate across partitions. A run whose cluster cannot be reached fails with
//! `engine-error` and prints no totals.
//!
//! Outside CI a machine without a loopback network skips these tests with a message; with
//! `CI` set, anything missing fails them.
#![cfg(feature = "engine")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use carbonledger_engine::datafusion::arrow::array::{ArrayRef, StringArray};
use carbonledger_engine::datafusion::arrow::record_batch::RecordBatch;
use carbonledger_engine::datafusion::parquet::arrow::ArrowWriter;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FIXTURE: &str = "fixtures/xiaomi-2025";

/// The longest any one command may take (a debug build on a loaded 2-core machine).
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// Rows of the generated project (default 1,000,000; `CARBONLEDGER_BALLISTA_ROWS` overrides).
fn generated_rows() -> usize {
    std::env::var("CARBONLEDGER_BALLISTA_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Something the test needs is missing: in CI a failure, elsewhere a skip with a message.
fn missing(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set and the Ballista test cannot run: {what}");
    }
    eprintln!("skipping the Ballista test: {what}");
}

/// A free TCP port on 127.0.0.1 (the OS picks it; it is released for the process to take).
fn free_port() -> Option<u16> {
    let l = TcpListener::bind("127.0.0.1:0").ok()?;
    Some(l.local_addr().ok()?.port())
}

/// Runs the binary in the repository root, killed after `RUN_LIMIT`: (exit, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let dir = common::scratch().join(format!(
        "carbonledger-ballista-run-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code().unwrap_or(-1);
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`carbonledger {}` took longer than {RUN_LIMIT:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let r = (
        code,
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&err).unwrap(),
    );
    let _ = std::fs::remove_dir_all(&dir);
    r
}

/// A local Ballista cluster: its processes are killed when it is dropped (also when a test
/// panics), and their output kept in a log folder shown on failure.
struct LocalCluster {
    scheduler: SocketAddr,
    processes: std::sync::Mutex<Vec<(String, Child)>>,
    logs: PathBuf,
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let mut processes = match self.processes.lock() {
            Ok(p) => p,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (_, p) in processes.iter_mut() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

fn wait_for_port(addr: SocketAddr, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

impl LocalCluster {
    /// A scheduler and `executors` executors, each listening when this returns; `None` when
    /// there are no free loopback ports (outside CI only).
    fn start(name: &str, executors: usize) -> Option<LocalCluster> {
        let Some(port) = free_port() else {
            missing("no free port on 127.0.0.1");
            return None;
        };
        let logs = root().join(format!(
            "target/ballista-tests/{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&logs);
        std::fs::create_dir_all(&logs).unwrap();
        let scheduler: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut cluster = LocalCluster {
            scheduler,
            processes: std::sync::Mutex::new(Vec::new()),
            logs,
        };
        let bind = scheduler.to_string();
        cluster.spawn(
            "scheduler",
            &[
                "engine-scheduler",
                "--bind",
                &bind,
                "--executor-timeout",
                "6",
            ],
        );
        assert!(
            wait_for_port(scheduler, Duration::from_secs(60)),
            "the scheduler did not listen on {scheduler}: {}",
            cluster.log("scheduler")
        );
        for i in 0..executors {
            let (Some(flight), Some(grpc)) = (free_port(), free_port()) else {
                missing("no free port on 127.0.0.1");
                return None;
            };
            let (f, g) = (flight.to_string(), grpc.to_string());
            let name = format!("executor-{i}");
            cluster.spawn(
                &name,
                &[
                    "engine-executor",
                    "--scheduler",
                    &bind,
                    "--flight-port",
                    &f,
                    "--grpc-port",
                    &g,
                    "--concurrent-tasks",
                    "2",
                    "--heartbeat",
                    "2",
                ],
            );
            for p in [flight, grpc] {
                let addr: SocketAddr = format!("127.0.0.1:{p}").parse().unwrap();
                assert!(
                    wait_for_port(addr, Duration::from_secs(60)),
                    "{name} did not listen on {addr}: {}",
                    cluster.log(&name)
                );
            }
        }
        Some(cluster)
    }

    fn spawn(&mut self, name: &str, args: &[&str]) {
        let log = |s: &str| std::fs::File::create(self.logs.join(format!("{name}.{s}"))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(log("out"))
            .stderr(log("err"))
            .spawn()
            .unwrap();
        self.processes
            .lock()
            .unwrap()
            .push((name.to_string(), child));
    }

    fn log(&self, name: &str) -> String {
        let read = |s: &str| {
            std::fs::read_to_string(self.logs.join(format!("{name}.{s}"))).unwrap_or_default()
        };
        format!("{}{}", read("out"), read("err"))
    }

    /// Kills one process now (SIGKILL, as a crash would).
    fn kill(&self, name: &str) {
        let mut processes = self.processes.lock().unwrap();
        let (_, p) = processes.iter_mut().find(|(n, _)| n == name).unwrap();
        p.kill().unwrap();
        p.wait().unwrap();
    }

    /// `args` then `--engine ballista --scheduler` this cluster's scheduler, with a deadline.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let s = self.scheduler.to_string();
        let limit = (RUN_LIMIT.as_secs() - 60).to_string();
        run(&[
            args,
            &[
                "--engine",
                "ballista",
                "--scheduler",
                &s,
                "--engine-timeout",
                &limit,
            ],
        ]
        .concat())
    }
}

/// A copy of the fixture's files in a fresh folder under target/.
fn copy_fixture(name: &str) -> String {
    let rel = format!("target/ballista-tests/{name}-{}", std::process::id());
    let dir = root().join(&rel);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join(FIXTURE)).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    rel
}

const COLUMNS: [&str; 8] = [
    "facility", "period", "carrier", "quantity", "unit", "factor", "ref", "note",
];

/// The fixture's energy rows, as text fields (its file has no quoted fields).
fn energy_rows() -> Vec<Vec<String>> {
    std::fs::read_to_string(root().join(FIXTURE).join("energy.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| {
            let mut v: Vec<String> = l.split(',').map(str::to_string).collect();
            v.resize(COLUMNS.len(), String::new());
            v
        })
        .collect()
}

fn write_parquet(path: &Path, rows: &[Vec<String>]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let columns: Vec<(&str, ArrayRef)> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values: Vec<&str> = rows.iter().map(|r| r[i].as_str()).collect();
            (*name, Arc::new(StringArray::from(values)) as ArrayRef)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// What the generated project holds besides its valid rows.
struct Generated {
    dir: String,
    rows: usize,
    rejected: usize,
}

/// A project of `n` generated energy rows in hive-partitioned Parquet (`energy/year=Y/
/// part=K/part-0.parquet`, eight partitions): the fixture's rows repeated with varied exact
/// quantities (two decimals) and distinct refs, plus four bad rows (a bad number, an unknown
/// unit, a year outside the reporting years, and a copy of a row of the first partition in
/// the last one).
fn generate(n: usize) -> Generated {
    let dir = copy_fixture("generated");
    let project = root().join(&dir);
    std::fs::remove_file(project.join("energy.csv")).unwrap();
    let templates = energy_rows();
    const PARTS: usize = 8;
    let mut parts: Vec<Vec<Vec<String>>> = vec![Vec::new(); PARTS];
    for i in 0..n {
        let mut r = templates[i % templates.len()].clone();
        let q = (i * 7919) % 100_000 + 1;
        r[3] = format!("{}.{:02}", q / 100 + 1, q % 100);
        r[6] = format!("g{i}");
        parts[i * PARTS / n.max(1)].push(r);
    }
    let mut bad = templates[0].clone();
    bad[3] = "12x".into();
    bad[6] = "bad-number".into();
    parts[1].push(bad);
    let mut bad = templates[0].clone();
    bad[4] = "MWhh".into();
    bad[6] = "bad-unit".into();
    parts[2].push(bad);
    let mut bad = templates[0].clone();
    bad[1] = "2031".into();
    bad[6] = "bad-year".into();
    parts[3].push(bad);
    let repeated = parts[0][0].clone();
    parts[PARTS - 1].push(repeated);
    for (k, rows) in parts.iter().enumerate() {
        let year = if k < PARTS / 2 { 2024 } else { 2025 };
        write_parquet(
            &project.join(format!("energy/year={year}/part={k}/part-0.parquet")),
            rows,
        );
    }
    Generated {
        dir,
        rows: n + 4,
        rejected: 4,
    }
}

#[test]
fn ballista_computes_the_embedded_engines_bytes() {
    let Some(cluster) = LocalCluster::start("parity", 2) else {
        return;
    };
    // The reference fixture: figures and the computation, against the default engine.
    for command in ["figures", "compute"] {
        let core = run(&[command, FIXTURE, "--format", "json"]);
        let ballista = cluster.run(&[command, FIXTURE, "--format", "json"]);
        assert_eq!(core.0, 0, "{}", core.2);
        assert_eq!(
            ballista.0,
            0,
            "{}\n--- scheduler:\n{}",
            ballista.2,
            cluster.log("scheduler")
        );
        assert!(core.1.contains("\"ghg.scope1\"") || command == "compute");
        assert_eq!(core.1, ballista.1, "{command}");
    }

    // The generated project, against the embedded DataFusion engine on the same files.
    let g = generate(generated_rows());
    let started = Instant::now();
    let embedded = run(&[
        "compute",
        &g.dir,
        "--allow-rejects",
        "--format",
        "json",
        "--engine",
        "datafusion",
    ]);
    let embedded_took = started.elapsed();
    let started = Instant::now();
    let ballista = cluster.run(&["compute", &g.dir, "--allow-rejects", "--format", "json"]);
    let ballista_took = started.elapsed();
    eprintln!(
        "{} rows: embedded {embedded_took:?}, Ballista (2 executors) {ballista_took:?}",
        g.rows
    );
    assert_eq!(embedded.0, 0, "{}", embedded.2);
    assert_eq!(ballista.0, 0, "{}", ballista.2);
    let accounting = format!(
        "\"file\": \"{}/energy/\",\n      \"read\": {},\n      \"used\": {},\n      \"rejected\": {}",
        g.dir,
        g.rows,
        g.rows - g.rejected,
        g.rejected
    );
    assert!(embedded.1.contains(&accounting), "{}", embedded.1);
    assert_eq!(embedded.1, ballista.1);
    // The per-chain sums were made on the cluster: as many rows summed in the engine as the
    // embedded engine sums, not 0 (every row streamed to the CLI).
    {
        use carbonledger::calc::{compute_from, RunOptions};
        use carbonledger::engine::{Cluster, DataFusionSource};
        let p = carbonledger::project::Project::open(Path::new(&g.dir)).unwrap();
        let summed = |c: Cluster| {
            let mut source = DataFusionSource::new(&p, c);
            compute_from(&p, RunOptions::default(), &mut source)
                .unwrap()
                .engine_rows
        };
        let on_cluster = summed(Cluster::Ballista {
            scheduler: cluster.scheduler.to_string(),
            deadline: None,
        });
        eprintln!("rows summed in the engine on the cluster: {on_cluster}");
        assert!(on_cluster > 0);
        assert_eq!(on_cluster, summed(Cluster::Embedded));
    }
    // The same rejections: the duplicate across partitions names the first partition's row.
    let dup = |err: &str| {
        err.lines()
            .filter(|l| l.contains("[duplicate-row]"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(dup(&embedded.2).len(), 1, "{}", embedded.2);
    assert!(dup(&embedded.2)[0].contains("part=0/part-0.parquet:1: same facility"));
    assert_eq!(dup(&embedded.2), dup(&ballista.2));
    for code in [
        "[bad-number]",
        "[unknown-unit]",
        "[period-outside-reporting-years]",
    ] {
        assert_eq!(
            embedded.2.matches(code).count(),
            ballista.2.matches(code).count(),
            "{code}\n{}",
            ballista.2
        );
    }
    let figures = |e: &[&str]| {
        run(&[
            &[
                "figures",
                g.dir.as_str(),
                "--allow-rejects",
                "--format",
                "json",
            ][..],
            e,
        ]
        .concat())
    };
    let embedded = figures(&["--engine", "datafusion"]);
    let ballista = cluster.run(&["figures", &g.dir, "--allow-rejects", "--format", "json"]);
    assert_eq!(embedded.0, 0, "{}", embedded.2);
    assert!(embedded.1.contains("\"ghg.scope1\""));
    assert_eq!(embedded.1, ballista.1);

    // One executor dies while the generated project is being read: the other one finishes
    // the run, or the command fails with `engine-error`; never partial totals.
    let args = [
        "figures",
        g.dir.as_str(),
        "--allow-rejects",
        "--format",
        "json",
    ];
    let during = std::thread::scope(|s| {
        let run = s.spawn(|| cluster.run(&args));
        std::thread::sleep(Duration::from_secs(2));
        cluster.kill("executor-1");
        run.join().unwrap()
    });
    eprintln!(
        "an executor killed during the run: exit {} ({})",
        during.0,
        if during.0 == 0 {
            "the other executor finished it"
        } else {
            "the command failed"
        }
    );
    if during.0 == 0 {
        assert_eq!(during.1, embedded.1);
    } else {
        assert_eq!(during.0, 1, "{}", during.2);
        assert!(during.1.is_empty(), "{}", during.1);
        assert!(during.2.contains("[engine-error]"), "{}", during.2);
    }
    // And the cluster left with one executor still computes the same bytes.
    let after = cluster.run(&args);
    assert_eq!(after.0, 0, "{}", after.2);
    assert_eq!(after.1, embedded.1);
    std::fs::remove_dir_all(root().join(&g.dir)).unwrap();
}

#[test]
fn ballista_without_a_reachable_scheduler_fails_without_totals() {
    let Some(port) = free_port() else {
        missing("no free port on 127.0.0.1");
        return;
    };
    let scheduler = format!("127.0.0.1:{port}");
    let out = run(&[
        "figures",
        FIXTURE,
        "--format",
        "json",
        "--engine",
        "ballista",
        "--scheduler",
        &scheduler,
    ]);
    assert_eq!(out.0, 1, "{}", out.2);
    assert!(out.1.is_empty(), "{}", out.1);
    assert!(out.2.contains("[engine-error]"), "{}", out.2);
    assert!(out.2.contains("Ballista engine"), "{}", out.2);
}

/// A cluster whose only executor died: Ballista keeps the job waiting for an executor to
/// join (or fails it), and `--engine-timeout` bounds the wait; either way the command fails
/// with `engine-error` and prints no totals.
#[test]
fn ballista_without_live_executors_fails_without_totals() {
    let Some(cluster) = LocalCluster::start("no-executors", 1) else {
        return;
    };
    cluster.kill("executor-0");
    let s = cluster.scheduler.to_string();
    let started = Instant::now();
    let out = run(&[
        "figures",
        FIXTURE,
        "--format",
        "json",
        "--engine",
        "ballista",
        "--scheduler",
        &s,
        "--engine-timeout",
        "20",
    ]);
    assert_eq!(out.0, 1, "{}", out.2);
    assert!(out.1.is_empty(), "{}", out.1);
    assert!(out.2.contains("[engine-error]"), "{}", out.2);
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn engine_timeout_is_refused_without_ballista() {
    let out = run(&["figures", FIXTURE, "--engine-timeout", "5"]);
    assert_eq!(out.0, 2, "{}", out.2);
    assert!(out.2.contains("are for --engine ballista"), "{}", out.2);
}

#[test]
fn ballista_needs_a_scheduler_address() {
    let out = run(&["figures", FIXTURE, "--engine", "ballista"]);
    assert_eq!(out.0, 2, "{}", out.2);
    assert!(out.2.contains("--scheduler HOST:PORT"), "{}", out.2);
}
