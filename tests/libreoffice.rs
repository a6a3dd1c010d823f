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

mod common;

const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>en-US</value></prop></item>
</oor:items>
"#;

fn tmp(name: &str) -> PathBuf {
    let d = common::scratch().join(format!("carbonledger-lo-{}-{name}", std::process::id()));
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
    // One profile per conversion: tests run in parallel, and a shared profile is locked.
    let stem = xlsx.file_stem().unwrap().to_string_lossy();
    let profile = tmp(&format!("profile-{stem}"));
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

/// `carbonledger ARGS --format json` on the fixture, parsed.
fn json(args: &[&str]) -> serde_json::Value {
    json_of(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025"),
        args,
    )
}

/// `carbonledger ARGS DIR --format json`, parsed.
fn json_of(dir: &Path, args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Relative difference within 1e-9 (absolute for a zero figure).
fn close(lo: f64, exact: Decimal) -> bool {
    let x = exact.to_f64().unwrap();
    (lo - x).abs() <= 1e-9 * x.abs().max(1.0)
}

fn no_cache_workbook() -> Vec<u8> {
    let (p, c) = fixture();
    workbook_of(&p, c)
}

/// The workbook of a project, with no cached results.
fn workbook_of(p: &Project, c: carbonledger::calc::Computation) -> Vec<u8> {
    let collected = collect(
        p,
        &carbonledger::ledger::Ledger::from_computation(p, c, false),
        RunOptions::default(),
    )
    .unwrap();
    workbook_bytes(&collected, false).unwrap()
}

/// LibreOffice's value of every inventory row, by (name, year).
fn recalculated(xlsx: &[u8], name: &str) -> Option<Vec<(String, String, f64)>> {
    let dir = tmp(name);
    let path = dir.join(format!("{name}.xlsx"));
    std::fs::write(&path, xlsx).unwrap();
    libreoffice_csv(&path, &dir)?;
    let inv = read(&dir.join(format!("{name}-inventory.csv")));
    assert_eq!(inv[0][..4], ["name", "year", "unit", "value"]);
    Some(
        inv.iter()
            .skip(1)
            .map(|r| {
                let v = r[3]
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("{} {}: LibreOffice shows {:?}", r[0], r[1], r[3]));
                (r[0].clone(), r[1].clone(), v)
            })
            .collect(),
    )
}

/// Every recalculated inventory row equals the figure `figures` prints (1e-9 relative), one
/// row per figure in the same order.
fn assert_equals_figures(rows: &[(String, String, f64)], figures: &serde_json::Value) {
    let figures = figures.as_array().unwrap();
    assert_eq!(rows.len(), figures.len(), "one inventory row per figure");
    for (f, (name, year, lo)) in figures.iter().zip(rows) {
        assert_eq!(
            (f["name"].as_str().unwrap(), f["year"].to_string()),
            (name.as_str(), year.clone())
        );
        let exact: Decimal = f["value"].as_str().unwrap().parse().unwrap();
        assert!(
            close(*lo, exact),
            "{name} {year}: LibreOffice {lo}, figures {exact}"
        );
    }
}

/// Issue 12, item 3: recalculated from formulas alone, every inventory row equals `figures`.
#[test]
fn libreoffice_recalculates_every_inventory_figure() {
    let Some(rows) = recalculated(&no_cache_workbook(), "recalc") else {
        return;
    };
    assert_equals_figures(&rows, &json(&["figures"]));
    // The figure the issue found wrong: 2024 location-based electricity is 206 668 t, not
    // 1 342 152.5 t (the GJ and tce lines are not added any more).
    let e = rows
        .iter()
        .find(|(n, y, _)| n == "ghg.scope2.location.electricity" && y == "2024")
        .unwrap();
    assert!(close(e.2, Decimal::from(206_668)), "{e:?}");
}

/// The same over every kind of line, not only the fixture's: scope 3 allocations (÷ the
/// supplier's total) and per-item rows, per-TEU-km legs (÷ cargo per TEU) and their mode shift,
/// an explicit per-gas displaced factor, metrics, purchased heat and steam at market.
#[test]
fn libreoffice_recalculates_every_kind_of_line() {
    let dir = common::every_kind::every_kind_project(&tmp("every-kind"));
    let p = Project::open(&dir).unwrap();
    let c = compute(&p, RunOptions::default()).unwrap();
    let Some(rows) = recalculated(&workbook_of(&p, c), "every") else {
        return;
    };
    assert_equals_figures(&rows, &json_of(&dir, &["figures"]));
    assert!(rows.iter().any(|(n, _, _)| n == "ghg.scope3.cat11"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Replaces the value of the factor `reference` on the factors sheet of `xlsx` by `value`:
/// what an auditor does by typing into the cell.
fn edit_factor(xlsx: &[u8], reference: &str, value: &str) -> Vec<u8> {
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    use std::io::{Read, Write};
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let names = wb.sheet_names();
    let sheet = names.iter().position(|n| n == "factors").unwrap() + 1;
    let range = wb.worksheet_range("factors").unwrap();
    let row = range.rows().position(|r| r[0] == reference).unwrap() + 1;
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let target = format!("xl/worksheets/sheet{sheet}.xml");
    let mut edited = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == target {
            let text = String::from_utf8(bytes).unwrap();
            let at = text.find(&format!("r=\"B{row}\"")).unwrap();
            let v = at + text[at..].find("<v>").unwrap() + 3;
            let end = v + text[v..].find("</v>").unwrap();
            bytes = format!("{}{value}{}", &text[..v], &text[end..]).into_bytes();
            edited = true;
        }
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file(name, opts).unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert!(edited);
    out.finish().unwrap().into_inner()
}

/// Issue 12, item 3: the workbook is a what-if tool. Typing a new value into one factor cell
/// re-prices every line and total: after recalculation every inventory row equals `diff --set`
/// of the same change.
#[test]
fn editing_one_factor_cell_reprices_like_diff_set() {
    // Scope 2 of 2025, the totals, the intensity, its change and the products made in the north.
    assert_whatif("cn-mee-grid@2023:north", "0.7", "whatif", 10);
}

/// The same for the values register lines read: an air freight intensity (the legs, the
/// mode-shift counterfactuals and the SAF lines re-price through their factor cells) and the
/// SAF's life-cycle value (the reduction step is `1 − SAF ÷ baseline` over two lookups).
#[test]
fn editing_a_register_factor_reprices_its_lines_like_diff_set() {
    assert_whatif(
        "desnz@2025:freight.air.international.without_rf",
        "0.6",
        "whatif-air",
        5,
    );
    assert_whatif("icao-corsia@default-values:hefa.uco", "20", "whatif-saf", 3);
}

fn assert_whatif(reference: &str, value: &str, name: &str, at_least: usize) {
    let xlsx = edit_factor(&no_cache_workbook(), reference, value);
    let Some(rows) = recalculated(&xlsx, name) else {
        return;
    };
    let diff = json(&["diff", "--set", &format!("{reference}={value}"), "--all"]);
    let figures = diff["figures"].as_array().unwrap();
    let mut changed = 0;
    for (name, year, lo) in &rows {
        let f = figures
            .iter()
            .find(|f| f["name"] == name.as_str() && &f["year"].to_string() == year)
            .unwrap_or_else(|| panic!("{name} {year}: not in diff --set"));
        let value = |k: &str| f[k].as_str().map(|s| s.parse::<Decimal>().unwrap());
        let after = value("after").unwrap();
        assert!(
            close(*lo, after),
            "{name} {year}: LibreOffice {lo}, diff --set {after}"
        );
        if value("before") != Some(after) {
            changed += 1;
        }
    }
    assert!(
        changed >= at_least,
        "{reference}: {changed} figures changed"
    );
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
    let header: Vec<String> = (0..53)
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
        f.contains("*") && f.contains("L2"),
        "a live formula of the row's cells: {f}"
    );
    // The factor cell looks its reference up on the factors sheet.
    let fcol = header.iter().position(|c| c == "factor_value").unwrap() as u32;
    let lookup = formulas.get_value((1, fcol)).cloned().unwrap_or_default();
    assert!(lookup.contains("factors!"), "{lookup}");
    // No typed number on the inventory sheet: every number there is a formula's result.
    let inv = wb.worksheet_range("inventory").unwrap();
    let inv_f = wb.worksheet_formula("inventory").unwrap();
    let mut numbers = 0;
    for (r, row) in inv.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if matches!(cell, Data::Float(_) | Data::Int(_)) {
                let f = inv_f
                    .get_value((r as u32, c as u32))
                    .cloned()
                    .unwrap_or_default();
                assert!(
                    !f.is_empty(),
                    "inventory row {r} column {c}: a typed number"
                );
                numbers += 1;
            }
        }
    }
    assert_eq!(numbers, inv.height() - 1, "one value per figure");
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
