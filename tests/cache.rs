//! The computation cache (`src/cache`): a result read back equals the one computed from the
//! rows, field for field, and a stale or damaged cache is never used.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::cache::{self, CacheUse};
use carbonledger::calc::{compute, Computation, RunOptions};
use carbonledger::project::Project;
use common::every_kind::every_kind_project;
use common::lines::snapshot;
use common::write_files;
use std::path::{Path, PathBuf};

/// Every field of a computation, chains with their resolved factors included.
fn everything(c: &Computation) -> String {
    format!("{c:#?}")
}

fn fresh(dir: &Path) -> Computation {
    let p = Project::open(dir).unwrap();
    compute(&p, RunOptions::default()).unwrap()
}

/// The cache folder of a test project: beside it, so that tests do not share one.
fn cache_folder(dir: &Path) -> PathBuf {
    dir.with_extension("cache")
}

/// The cache file of a test project.
fn cache_file(dir: &Path) -> PathBuf {
    cache::file_in(&cache_folder(dir), &Project::open(dir).unwrap())
}

fn cached(dir: &Path) -> (Computation, CacheUse) {
    let p = Project::open(dir).unwrap();
    cache::computation_in(&cache_folder(dir), &p, RunOptions::default()).unwrap()
}

/// Runs the binary with the test project's cache folder: (exit code, stdout, stderr).
fn cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .env(cache::CACHE_DIR_VAR, cache_folder(dir))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The `at` (file:line) of every changed line of `diff --format json`.
fn changed_at(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["at"].as_str().unwrap().to_string())
        .collect()
}

/// Computes, stores, reads back; the read-back computation equals a fresh one.
fn assert_reads_back(dir: &Path) {
    let _ = std::fs::remove_dir_all(cache_folder(dir));
    let want = everything(&fresh(dir));
    let (first, how) = cached(dir);
    assert!(matches!(how, CacheUse::Stored { .. }), "{how:?}");
    assert_eq!(everything(&first), want);
    let (second, how) = cached(dir);
    assert_eq!(how, CacheUse::Hit);
    assert_eq!(everything(&second), want);
}

#[test]
fn every_kind_of_line_reads_back_as_computed() {
    // Fuels, purchased energy with its scope 3 category 3 companions, refrigerants and the
    // registers' inputs beside them (the xiaomi fixture and more).
    let dir = common::scratch().join(format!("carbonledger-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert_reads_back(&every_kind_project(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

const FACILITIES: &str = "\
id,name,country,grid,equity_share_pct,operational_control,financial_control,from,from_event,to,to_event,tags
HQ,Head office,CN,cn-mee-grid:east,100,yes,yes,,,,,
NEW,Acquired plant,CN,cn-mee-grid:east,60,yes,yes,2024-10-01,acquisition,,,
";

/// Rows split by days (across the year end and at HQ's share change) and outside the
/// boundary, a duplicate, a rejected row.
const ENERGY: &str = "\
facility,period,carrier,quantity,unit,factor,ref,note
HQ,2024-12-01..2025-01-31,electricity,620,MWh,,,a bill across the year end
HQ,2025,natural_gas,365,GJ,,,
HQ,2025,natural_gas,365,GJ,,,the same row again
HQ,2025,diesel,12,furlongs,,,an unknown unit
NEW,2024,electricity,3660,MWh,,,partly before the acquisition
";

fn awkward_project() -> std::path::PathBuf {
    write_files(&[
        (
            "carbonledger.toml",
            &common::manifest("equity_share", "2022"),
        ),
        ("facilities.csv", FACILITIES),
        ("facility_changes.csv", "facility,date,equity_share_pct,operational_control,financial_control,note\nHQ,2025-07-01,80,,,a share bought: chains under new terms\n"),
        ("energy.csv", ENERGY),
    ])
}

#[test]
fn splits_outside_days_duplicates_and_rejects_read_back_as_computed() {
    let dir = awkward_project();
    let c = fresh(&dir);
    assert!(
        c.files[0].split > 0 && c.files[0].outside > 0,
        "{:?}",
        c.files
    );
    assert!(!c.outside.is_empty() && !c.duplicates.is_empty());
    assert!(c.files[0].rejected == 2, "{:?}", c.files);
    assert_reads_back(&dir);
}

#[test]
fn a_changed_input_is_read_again_and_the_cache_replaced() {
    let dir = awkward_project();
    assert_reads_back(&dir);
    // One digit of one row: the key changes, the rows are read, the result is the new one.
    let energy = ENERGY.replace(
        "HQ,2025,natural_gas,365,GJ,,,\n",
        "HQ,2025,natural_gas,730,GJ,,,\n",
    );
    std::fs::write(dir.join("energy.csv"), energy).unwrap();
    let (c, how) = cached(&dir);
    match &how {
        CacheUse::Stored { why } => assert!(why.contains("changed"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(everything(&c), everything(&fresh(&dir)));
    assert_eq!(cached(&dir).1, CacheUse::Hit);
    // The manifest is an input too.
    let toml = std::fs::read_to_string(dir.join("carbonledger.toml")).unwrap();
    std::fs::write(
        dir.join("carbonledger.toml"),
        toml.replace("ipcc-gwp = \"ar5\"", "ipcc-gwp = \"ar6\""),
    )
    .unwrap();
    assert!(matches!(cached(&dir).1, CacheUse::Stored { .. }));
    assert_eq!(everything(&cached(&dir).0), everything(&fresh(&dir)));
}

#[test]
fn a_damaged_cache_is_never_used() {
    let dir = awkward_project();
    assert_reads_back(&dir);
    let file = cache_file(&dir);
    let good = std::fs::read(&file).unwrap();
    let want = everything(&fresh(&dir));
    // A changed byte in the body, a cut-off file, an empty file, a header alone, and a body
    // whose checksum was made to match but which does not read.
    let header_end = good.iter().position(|b| *b == b'\n').unwrap();
    let mut flipped = good.clone();
    let at = header_end + (good.len() - header_end) / 2;
    flipped[at] ^= 1;
    let forged_body = b"\x05\xff\xff\xff\xff\xff not a computation";
    let mut forged = good[..=header_end].to_vec();
    forged.extend_from_slice(forged_body);
    forged.extend_from_slice(
        format!("\nbody={:016x}\n", xxhash_rust::xxh3::xxh3_64(forged_body)).as_bytes(),
    );
    for (what, bytes) in [
        ("a changed digit", flipped),
        ("a cut-off file", good[..good.len() / 2].to_vec()),
        ("an empty file", Vec::new()),
        ("a header alone", good[..=header_end].to_vec()),
        ("a body that does not read", forged),
    ] {
        std::fs::write(&file, &bytes).unwrap();
        let (c, how) = cached(&dir);
        assert!(matches!(how, CacheUse::Stored { .. }), "{what}: {how:?}");
        assert_eq!(everything(&c), want, "{what}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            good,
            "{what}: rewritten whole"
        );
    }
}

#[test]
fn the_cli_prints_the_same_bytes_from_the_cache_and_from_the_rows() {
    let dir = awkward_project();
    let d = dir.to_str().unwrap();
    let project = snapshot(&dir);
    let no_cache = cli(
        &dir,
        &[
            "figures",
            d,
            "--format",
            "json",
            "--allow-rejects",
            "--no-cache",
        ],
    );
    assert!(!cache_folder(&dir).exists(), "--no-cache keeps nothing");
    let first = cli(&dir, &["figures", d, "--format", "json", "--allow-rejects"]);
    assert!(cache_file(&dir).exists());
    let second = cli(&dir, &["figures", d, "--format", "json", "--allow-rejects"]);
    assert_eq!(no_cache.0, 0, "{}", no_cache.2);
    assert_eq!(first, no_cache);
    assert_eq!(second, no_cache);
    assert_eq!(
        snapshot(&dir),
        project,
        "the project folder is not written to"
    );
    // Diagnostics name the file as the command was given it: another spelling of the folder
    // is another key, so a message never names the folder of an earlier run.
    let dotted = format!("{d}/.");
    let other = cli(&dir, &["compute", &dotted, "--allow-rejects"]);
    assert!(
        other.2.contains(&format!("{d}/./energy.csv:")),
        "{}",
        other.2
    );
}

#[test]
fn a_project_the_cache_cannot_be_written_into_still_computes() {
    let dir = awkward_project();
    // A file where the cache folder would be.
    std::fs::write(cache_folder(&dir), "not a folder").unwrap();
    let (c, how) = cached(&dir);
    assert!(matches!(how, CacheUse::NotStored { .. }), "{how:?}");
    assert_eq!(everything(&c), everything(&fresh(&dir)));
}

#[test]
fn a_diff_lists_and_counts_the_changed_lines_as_a_full_reading_does() {
    // Rows split across the year end and days outside the boundary: a changed grid factor
    // touches lines of three chains; the first listed line is not the file's first row.
    let dir = awkward_project();
    let d = dir.to_str().unwrap();
    let diff = |extra: &[&str]| {
        let mut args = vec![
            "diff",
            d,
            "--set",
            "cn-mee-grid@2022:east=0.6",
            "--allow-rejects",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = cli(&dir, &args);
        assert_eq!(code, 0, "{err}");
        out
    };
    let uncached = diff(&["--format", "json", "--no-cache"]);
    let json = diff(&["--format", "json"]);
    assert_eq!(
        diff(&["--format", "json"]),
        json,
        "read back from the cache"
    );
    assert_eq!(uncached, json);
    let at = changed_at(&json);
    // The electricity rows: HQ's bill (lines of 2024 and 2025) and NEW's 2024 row.
    let energy = format!("{d}/energy.csv");
    assert_eq!(
        at,
        [
            format!("{energy}:2"),
            format!("{energy}:2"),
            format!("{energy}:6")
        ]
    );
    let table = diff(&["--max-lines", "1"]);
    assert!(table.contains(&format!("{energy}:2")), "{table}");
    assert!(!table.contains(&format!("{energy}:6")), "{table}");
    assert!(table.contains("… and 2 more line(s)"), "{table}");
    // A factor only the gas row uses: reading starts at that row (line 3: two lines, before
    // and after HQ's share change), and its duplicate on line 4 stays rejected.
    let (code, out, err) = cli(
        &dir,
        &[
            "diff",
            d,
            "--set",
            "ipcc-2006@2006:natural_gas.co2=56000",
            "--allow-rejects",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        changed_at(&out),
        [format!("{energy}:3"), format!("{energy}:3")]
    );
}

/// A cache of format 1 (JSON, `<hash>.json`) is never read by this build: storing the
/// computation in its place removes it, so that an upgrade leaves no orphan behind.
#[test]
fn storing_removes_the_same_projects_format_1_file() {
    let dir = awkward_project();
    let file = cache_file(&dir);
    let old = file.with_extension("json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&old, "carbonledger-cache 1 key=0\n{}\nbody=0\n").unwrap();
    assert!(matches!(cached(&dir).1, CacheUse::Stored { .. }));
    assert!(file.exists(), "the new file is stored");
    assert!(!old.exists(), "the format 1 file is removed");
}

/// The modification time of `file` set `age` ago.
fn aged(file: &Path, age: std::time::Duration) {
    let f = std::fs::File::options().write(true).open(file).unwrap();
    f.set_modified(std::time::SystemTime::now() - age).unwrap();
}

#[test]
fn cache_files_unused_for_a_month_are_removed_when_another_is_stored() {
    let dir = awkward_project();
    let _ = std::fs::remove_dir_all(cache_folder(&dir));
    let (_, how) = cached(&dir);
    assert!(matches!(how, CacheUse::Stored { .. }), "{how:?}");
    let own = cache_file(&dir);
    let folder = cache_folder(&dir);
    let old = cache::KEEP_UNUSED + std::time::Duration::from_secs(3600);
    let young = cache::KEEP_UNUSED - std::time::Duration::from_secs(3600);
    // Beside the project's own file: another project's, unused for longer than kept and for
    // less; a write that did not finish; and files that are not carbonledger's.
    let head = std::fs::read(&own).unwrap();
    let files = [
        ("00000000000000aa.bin", head.clone(), old, false),
        ("00000000000000bb.bin", head.clone(), young, true),
        (
            "00000000000000cc.77.tmp",
            b"carbonledger".to_vec(),
            old,
            false,
        ),
        (
            "00000000000000dd.bin",
            b"someone else's".to_vec(),
            old,
            true,
        ),
        ("notes.txt", head.clone(), old, true),
    ];
    for (name, bytes, age, _) in &files {
        std::fs::write(folder.join(name), bytes).unwrap();
        aged(&folder.join(name), *age);
    }
    // Read back, the project's own file is marked as used: though it was last written long
    // ago, the next store keeps it.
    aged(&own, old);
    assert_eq!(cached(&dir).1, CacheUse::Hit);
    let used = std::fs::metadata(&own).unwrap().modified().unwrap();
    assert!(used > std::time::SystemTime::now() - young);
    for (name, ..) in &files {
        assert!(folder.join(name).exists(), "{name} before a store");
    }
    // Another project stored in the same folder removes what was unused for too long.
    let other = every_kind_project(
        &common::scratch().join(format!("carbonledger-cache-prune-{}", std::process::id())),
    );
    let p = Project::open(&other).unwrap();
    let (_, how) = cache::computation_in(&folder, &p, RunOptions::default()).unwrap();
    assert!(matches!(how, CacheUse::Stored { .. }), "{how:?}");
    for (name, _, _, kept) in &files {
        assert_eq!(folder.join(name).exists(), *kept, "{name}");
    }
    assert!(own.exists());
    assert!(cache::file_in(&folder, &p).exists());
}
