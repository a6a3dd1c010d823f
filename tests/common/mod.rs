//! Helpers for tests that build small projects in temporary folders.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::{compute, Computation, RunOptions};
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod every_kind;
pub mod lines;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A manifest for 2024–2025 with the given consolidation and editions for both years.
pub fn manifest(consolidation: &str, grid_2025: &str) -> String {
    format!(
        r#"organisation = "Test"
reporting_years = [2024, 2025]
base_year = 2024
consolidation = "{consolidation}"
[factors]
purchased_heat = "gbt-32150:heat"
[years.2024.editions]
cn-mee-grid = "2022"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
gbt-32150 = "2025"
[years.2025.editions]
cn-mee-grid = "{grid_2025}"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
gbt-32150 = "2025"
"#
    )
}

/// The folder of this test process's projects, `<temp>/carbonledger-tests/<pid>/` (made if
/// need be). The first call removes the folders of earlier processes that are gone (where
/// `/proc` says which live): nothing else would, and a few runs of the suite would leave
/// hundreds behind. Every test that needs a folder makes it in here.
pub fn scratch() -> PathBuf {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let root = std::env::temp_dir().join("carbonledger-tests");
    SWEPT.call_once(|| {
        let proc = std::path::Path::new("/proc");
        if !proc.join("self").exists() {
            return;
        }
        for e in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let name = e.file_name();
            let pid = name.to_string_lossy();
            let ours = pid.parse::<u32>().is_ok_and(|p| p != std::process::id());
            if ours && !proc.join(&*pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
    let mine = root.join(std::process::id().to_string());
    let _ = std::fs::create_dir_all(&mine);
    mine
}

/// Lays the files and folders of a bad-input case (`fixtures/bad/<case>/`) over the project
/// copy at `dir`: each replaces or adds to the project's, and an empty file `NAME.remove`
/// removes the project's `NAME` (a case whose input is a folder does without the file).
pub fn lay_case(case: &std::path::Path, dir: &std::path::Path) {
    lines::copy_dir(case, dir);
    for e in std::fs::read_dir(case).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if let Some(gone) = name.strip_suffix(".remove") {
            std::fs::remove_file(dir.join(gone)).unwrap();
            std::fs::remove_file(dir.join(&name)).unwrap();
        }
    }
}

/// Writes a project into a fresh temporary folder.
pub fn project(toml: &str, facilities: &str, energy: &str, fugitive: Option<&str>) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = scratch().join(format!("test-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("carbonledger.toml"), toml).unwrap();
    std::fs::write(dir.join("facilities.csv"), facilities).unwrap();
    std::fs::write(dir.join("energy.csv"), energy).unwrap();
    if let Some(f) = fugitive {
        std::fs::write(dir.join("fugitive.csv"), f).unwrap();
    }
    dir
}

/// Opens and computes; panics with the diagnostics on failure (tests only).
pub fn run(dir: &std::path::Path, strict: bool) -> (Project, Computation) {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    let c = compute(&p, RunOptions { strict, threads: 0 }).unwrap_or_else(|d| panic!("{d:#?}"));
    (p, c)
}

/// The exact value of a figure.
pub fn fig(p: &Project, c: &Computation, name: &str, year: i32) -> Decimal {
    Ledger::from_computation(p, c.clone(), false)
        .figure(name, year)
        .unwrap()
        .unwrap_or_else(|| panic!("no figure {name} {year}"))
        .value
}

/// Parses a decimal literal.
pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Runs the built binary from the package root: (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// An exact decimal from its text.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Writes the named files (paths may have folders) into a fresh temporary project folder.
pub fn write_files(files: &[(&str, &str)]) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = scratch().join(format!("files-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}
