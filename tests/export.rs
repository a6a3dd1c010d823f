//! The auditor's export: deterministic bytes, lines that sum exactly to the inventory and
//! re-perform as one product each, neutralised formulas, and a check that names tampering.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("carbonledger-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn exporting_twice_gives_identical_bytes_whatever_the_threads() {
    let root = Path::new(ROOT);
    let (a, b) = (tmp("a"), tmp("b"));
    assert_eq!(
        bin(
            &[
                "export",
                "fixtures/xiaomi-2025",
                "--out",
                a.to_str().unwrap(),
                "--threads",
                "1"
            ],
            root
        )
        .0,
        0
    );
    assert_eq!(
        bin(
            &[
                "export",
                "fixtures/xiaomi-2025",
                "--out",
                b.to_str().unwrap(),
                "--threads",
                "3"
            ],
            root
        )
        .0,
        0
    );
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        12,
        "{names:?}: eleven tables and files (products.csv, entries.csv, bridge.csv), and the workbook"
    );
    for n in names {
        assert_eq!(
            std::fs::read(a.join(&n)).unwrap(),
            std::fs::read(b.join(&n)).unwrap(),
            "{n:?} differs"
        );
    }
}

#[test]
fn lines_sum_exactly_to_the_inventory_and_reperform() {
    let root = Path::new(ROOT);
    let out = tmp("sum");
    assert_eq!(
        bin(
            &[
                "export",
                "fixtures/xiaomi-2025",
                "--out",
                out.to_str().unwrap()
            ],
            root
        )
        .0,
        0
    );
    let lines = read_csv(&out.join("lines.csv"));
    let inv: BTreeMap<(String, String), Decimal> = read_csv(&out.join("inventory.csv"))
        .into_iter()
        .map(|r| ((r["name"].clone(), r["year"].clone()), d(&r["value"])))
        .collect();
    let sum = |year: &str, pred: &dyn Fn(&BTreeMap<String, String>) -> bool| {
        lines
            .iter()
            .filter(|r| r["year"] == year && pred(r))
            .fold(Decimal::ZERO, |s, r| s + d(&r["value"]))
    };
    // Register entries (solar, instruments, abatement) feed their figures through entries.csv.
    let entries = read_csv(&out.join("entries.csv"));
    let entry_sum = |year: &str, figure: &str| {
        entries
            .iter()
            .filter(|r| r["year"] == year && r["figure"] == figure)
            .fold(Decimal::ZERO, |s, r| s + d(&r["value"]))
    };
    for (name, year) in inv.keys() {
        let only_entries = ["avoided.", "ghg.scope2.market", "energy.renewable."];
        if only_entries.iter().any(|p| name.starts_with(p)) && !name.ends_with("_share") {
            // Inexact figures (a non-terminating division) are rounded to 16 places.
            assert_eq!(
                entry_sum(year, name).round_dp(16),
                inv[&(name.clone(), year.clone())],
                "{name} {year}"
            );
        }
    }
    for year in ["2024", "2025"] {
        let emis = |r: &BTreeMap<String, String>| r["value_unit"] == "t CO2e";
        assert_eq!(
            sum(year, &|r| emis(r) && r["scope"] == "scope 1"),
            inv[&("ghg.scope1".into(), year.into())],
            "{year}"
        );
        assert_eq!(
            sum(year, &|r| emis(r) && r["scope"] == "scope 2"),
            inv[&("ghg.scope2.location".into(), year.into())],
            "{year}"
        );
        assert_eq!(
            sum(year, &emis),
            inv[&("ghg.total.location".into(), year.into())],
            "{year}"
        );
        assert_eq!(
            sum(year, &|r| emis(r) && r["result"] == "CH4"),
            inv[&("ghg.scope1.ch4".into(), year.into())],
            "{year}"
        );
        // Energy: chain lines plus on-site solar (a register entry).
        assert_eq!(
            sum(year, &|r| r["result"] == "energy") + entry_sum(year, "energy.total_gj"),
            inv[&("energy.total_gj".into(), year.into())],
            "{year}"
        );
        assert_eq!(
            sum(year, &|r| r["result"] == "tce") + entry_sum(year, "energy.total_tce"),
            inv[&("energy.total_tce".into(), year.into())],
            "{year}"
        );
    }
    // Every exact row is the product of its published values: quantity × conversion ×
    // calorific value × factor (or ÷) × GWP × share.
    let mut checked = 0;
    for r in lines.iter().filter(|r| r["exact"] == "yes") {
        let conv = match r["conversion"].split_once('/') {
            Some((n, m)) => d(n) / d(m),
            None => d(&r["conversion"]),
        };
        let f = d(&r["factor_value"]);
        let mut v =
            d(&r["quantity"]) * conv * d(&r["calorific_value"]) * d(&r["gwp"]) * d(&r["share"]);
        v = if r["factor_op"] == "÷" { v / f } else { v * f };
        assert_eq!(
            v.normalize(),
            d(&r["value"]).normalize(),
            "line {} {}",
            r["line"],
            r["result"]
        );
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
    // Hand check (fixture README): line 9, 15 000 MWh × 1 × 0.6361 kg CO2/kWh × 1 × 1 = 9 541.5 t.
    let l9 = lines
        .iter()
        .find(|r| r["line"] == "9" && r["result"] == "CO2")
        .unwrap();
    assert_eq!(
        (
            l9["conversion"].as_str(),
            l9["factor_value"].as_str(),
            l9["value"].as_str()
        ),
        ("1", "0.6361", "9541.5")
    );
    let factors = read_csv(&out.join("factors_used.csv"));
    let north = factors
        .iter()
        .find(|r| r["reference"] == "cn-mee-grid@2023:north")
        .unwrap();
    assert!(north["publisher"].contains("Ministry of Ecology and Environment"));
    assert!(read_csv(&out.join("rejects.csv")).is_empty());
    assert!(read_csv(&out.join("dictionary.csv"))
        .iter()
        .any(|r| r["table"] == "lines" && r["column"] == "conversion"));
}

#[test]
fn formula_like_text_is_neutralised_and_the_check_names_tampering() {
    let root = Path::new(ROOT);
    let proj = tmp("proj");
    copy_dir(&root.join("fixtures/xiaomi-2025"), &proj);
    // A facility whose id is a spreadsheet formula, and a project-local factor set.
    let fac = std::fs::read_to_string(proj.join("facilities.csv"))
        .unwrap()
        .replace("BJ-HQ,", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",");
    std::fs::write(proj.join("facilities.csv"), fac).unwrap();
    let energy = std::fs::read_to_string(proj.join("energy.csv"))
        .unwrap()
        .replace("BJ-HQ,", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",");
    std::fs::write(proj.join("energy.csv"), energy).unwrap();
    let local = proj.join("factors/site-meter/2025");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("edition.toml"), "set = \"site-meter\"\nedition = \"2025\"\ndescription = \"test\"\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"L\"\nurl = \"https://example.org\"\n").unwrap();
    std::fs::write(
        local.join("factors.csv"),
        "key,value,unit,gas,basis,table,note\nx,1,kg CO2/kWh,CO2,,1,\n",
    )
    .unwrap();
    let out = tmp("out");
    let (code, _, err) = bin(
        &[
            "export",
            proj.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(code, 0, "{err}");
    let lines = std::fs::read_to_string(out.join("lines.csv")).unwrap();
    assert!(
        lines.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "neutralised with an apostrophe"
    );
    assert!(!lines.contains(",=HYPERLINK") && !lines.contains(",\"=HYPERLINK"));
    assert_eq!(
        bin(&["export", "--check", out.to_str().unwrap()], root).0,
        0
    );
    // Edit a factor file, an input and an output after the export: each is named.
    std::fs::write(
        local.join("factors.csv"),
        "key,value,unit,gas,basis,table,note\nx,2,kg CO2/kWh,CO2,,1,\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("fugitive.csv"),
        "facility,period,gas,quantity,unit\n",
    )
    .unwrap();
    std::fs::write(out.join("inventory.csv"), "tampered\n").unwrap();
    let (code, stdout, _) = bin(&["export", "--check", out.to_str().unwrap()], root);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("output modified: inventory.csv"),
        "{stdout}"
    );
    assert!(stdout.contains("input modified: fugitive.csv"), "{stdout}");
    assert!(
        stdout.lines().any(
            |l| l.starts_with("factor modified:") && l.ends_with("site-meter/2025/factors.csv")
        ),
        "{stdout}"
    );
    std::fs::remove_file(out.join("rejects.csv")).unwrap();
    let (_, stdout, _) = bin(&["export", "--check", out.to_str().unwrap()], root);
    assert!(stdout.contains("output missing: rejects.csv"), "{stdout}");
}

/// products.csv: one row per product; the stages add up exactly to the footprint, and the
/// YU7's shares and ISO 22628 rates are the published ones to one decimal.
#[test]
fn products_table_stages_add_up_to_the_footprint() {
    let out = tmp("products");
    let args = [
        "export",
        "fixtures/xiaomi-2025",
        "--out",
        out.to_str().unwrap(),
    ];
    assert_eq!(bin(&args, Path::new(ROOT)).0, 0);
    let rows = read_csv(&out.join("products.csv"));
    assert!(rows.len() > 20, "{}", rows.len());
    let cell = |r: &BTreeMap<String, String>, c: &str| -> Decimal {
        if r[c].is_empty() {
            Decimal::ZERO
        } else {
            d(&r[c])
        }
    };
    for r in &rows {
        let stages = [
            "materials_kg_co2e",
            "manufacturing_kg_co2e",
            "distribution_kg_co2e",
            "use_kg_co2e",
            "end_of_life_kg_co2e",
        ]
        .iter()
        .fold(Decimal::ZERO, |s, c| s + cell(r, c));
        assert_eq!(stages, d(&r["footprint_kg_co2e"]), "{}", r["product"]);
    }
    let yu7 = rows.iter().find(|r| r["product"] == "yu7").unwrap();
    assert_eq!(d(&yu7["recycled_aluminium_pct"]).round_dp(1), d("14.2"));
    assert_eq!(d(&yu7["recycled_steel_pct"]).round_dp(1), d("10.6"));
    assert_eq!(d(&yu7["recyclability_pct"]).round_dp(1), d("92.6"));
    assert_eq!(d(&yu7["recoverability_pct"]).round_dp(1), d("98.8"));
}
