//! The workbook re-performs the calculation in a real spreadsheet engine: LibreOffice
//! (headless, Debian's package, installed by `.ci/run`) recalculates a workbook written with
//! no cached results, and its totals equal carbonledger's figures at the displayed precision.
//! The shipped workbook is read back with calamine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_types,
    clippy::float_arithmetic
)]

use carbonledger::calc::{compute, RunOptions};
use carbonledger::export::{collect, workbook_bytes};
use carbonledger::project::Project;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>en-US</value></prop></item>
</oor:items>
"#;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("carbonledger-lo-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fixture() -> (Project, carbonledger::calc::Computation) {
    let p = Project::open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025"))
        .unwrap();
    let c = compute(&p, RunOptions::default()).unwrap();
    (p, c)
}

/// Converts every sheet of `xlsx` to CSV with LibreOffice, recalculating on load.
fn libreoffice_csv(xlsx: &Path, out: &Path) -> Option<()> {
    if Command::new("soffice").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "LibreOffice (soffice) is missing in CI: .ci/run installs libreoffice-calc"
        );
        eprintln!("skipped: soffice not installed (`apt-get install libreoffice-calc`)");
        return None;
    }
    let profile = tmp("profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(profile.join("user/registrymodifications.xcu"), PROFILE).unwrap();
    let o = Command::new("soffice")
        .env("HOME", &profile)
        .env("LC_ALL", "C.UTF-8")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(out)
        .arg(xlsx)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.lines().any(|l| l.starts_with("Error")),
        "soffice: {err}"
    );
    Some(())
}

fn read(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Rounds half away from zero to `dp` places, on the exact value and on LibreOffice's text.
fn shown(s: &str, dp: u32) -> Decimal {
    s.parse::<Decimal>()
        .unwrap()
        .round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[test]
fn libreoffice_recalculates_the_workbook_to_carbonledgers_figures() {
    let (p, c) = fixture();
    let collected = collect(
        &p,
        &carbonledger::ledger::Ledger::from_computation(&p, c.clone(), false),
        RunOptions::default(),
    )
    .unwrap();
    // No cached results: every value LibreOffice prints, it computed.
    let bytes = workbook_bytes(&collected, false).unwrap();
    let dir = tmp("recalc");
    let xlsx = dir.join("recalc.xlsx");
    std::fs::write(&xlsx, bytes).unwrap();
    if libreoffice_csv(&xlsx, &dir).is_none() {
        return;
    }
    // Inventory: each SUMIFS total equals the figure at the displayed precision (0.1 t, GJ, tce).
    let inv = read(&dir.join("recalc-inventory.csv"));
    let mut compared = 0;
    for row in inv.iter().skip(1) {
        let (name, year, unit, lo, exact) = (&row[0], &row[1], &row[2], &row[3], &row[4]);
        let dp = if unit == "t CO2e/MWh" { 4 } else { 1 };
        if [
            "ghg.scope1",
            "ghg.scope2.location",
            "ghg.total.location",
            "energy.total_gj",
            "energy.total_tce",
            "ghg.scope1.co2",
            "ghg.scope1.r-410a",
        ]
        .contains(&name.as_str())
        {
            assert_ne!(lo, "0", "{name} {year}: not recalculated");
            assert_eq!(shown(lo, dp), shown(exact, dp), "{name} {year}");
            compared += 1;
        }
    }
    assert_eq!(compared, 14, "7 totals × 2 years");
    // Lines: every recalculated value equals the exact value to 6 decimal places.
    let lines = read(&dir.join("recalc-lines.csv"));
    let h = &lines[0];
    let (v, x) = (
        h.iter().position(|c| c == "value").unwrap(),
        h.iter().position(|c| c == "value_exact").unwrap(),
    );
    for row in lines.iter().skip(1) {
        assert_eq!(shown(&row[v], 6), shown(&row[x], 6), "{row:?}");
    }
    // Every line of lines.csv is in the sheet (same count as the collected lines).
    assert_eq!(lines.len() - 1, collected.lines.len());
}

#[test]
fn the_shipped_workbook_reads_back_with_formulas_and_inert_text() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let (p, c) = fixture();
    let collected = collect(
        &p,
        &carbonledger::ledger::Ledger::from_computation(&p, c.clone(), false),
        RunOptions::default(),
    )
    .unwrap();
    let bytes = workbook_bytes(&collected, true).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let values = wb.worksheet_range("lines").unwrap();
    let formulas = wb.worksheet_formula("lines").unwrap();
    let header: Vec<String> = (0..24)
        .map(|c| {
            values
                .get_value((0, c))
                .map_or(String::new(), |d| d.to_string())
        })
        .collect();
    let vcol = header.iter().position(|c| c == "value").unwrap() as u32;
    let xcol = header.iter().position(|c| c == "value_exact").unwrap() as u32;
    let f = formulas.get_value((1, vcol)).cloned().unwrap_or_default();
    assert!(
        f.contains("*") && f.contains("J2"),
        "a live formula of the row's cells: {f}"
    );
    let cached = match values.get_value((1, vcol)) {
        Some(Data::Float(x)) => *x,
        other => panic!("{other:?}"),
    };
    let exact: Decimal = values
        .get_value((1, xcol))
        .unwrap()
        .to_string()
        .parse()
        .unwrap();
    assert!((cached - exact.to_f64().unwrap()).abs() < 1e-9);
}

#[test]
fn a_formula_named_facility_is_inert_in_the_workbook() {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let dir = tmp("inert");
    for f in [
        "carbonledger.toml",
        "facilities.csv",
        "energy.csv",
        "fugitive.csv",
    ] {
        let text = std::fs::read_to_string(src.join(f))
            .unwrap()
            .replace("BJ-HQ,", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",");
        std::fs::write(dir.join(f), text).unwrap();
    }
    let p = Project::open(&dir).unwrap();
    let c = compute(&p, RunOptions::default()).unwrap();
    let collected = collect(
        &p,
        &carbonledger::ledger::Ledger::from_computation(&p, c.clone(), false),
        RunOptions::default(),
    )
    .unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(
        workbook_bytes(&collected, true).unwrap(),
    ))
    .unwrap();
    let values = wb.worksheet_range("lines").unwrap();
    let formulas = wb.worksheet_formula("lines").unwrap();
    let cell = values
        .rows()
        .flat_map(|r| r.iter())
        .find(|d| matches!(d, Data::String(s) if s.contains("HYPERLINK")))
        .cloned();
    assert_eq!(
        cell,
        Some(Data::String("'=HYPERLINK(\"http://x\",\"y\")".into())),
        "stored as text, neutralised"
    );
    assert!(
        !formulas
            .rows()
            .flat_map(|r| r.iter())
            .any(|f| f.contains("HYPERLINK")),
        "never a formula"
    );
}
