//! Issue 12, item 1: every contribution to every figure is a line of one schema whose value is
//! the product of its own columns — also the kinds of line the reference fixture does not have:
//! scope 3 supplier allocations and per-item rows, metrics, per-TEU-km freight intensities, and
//! an explicit per-gas displaced factor whose product does not terminate. Each case is worked
//! out by hand in the comment above its assertions; the last test exports a project with every
//! kind of line and finds none `given`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::dec as d;
use common::every_kind::*;
use common::lines::{assert_reperforms, assert_ties_out, read_csv};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

type Row = BTreeMap<String, String>;

fn tmp(name: &str) -> PathBuf {
    let d = common::scratch().join(format!("carbonledger-lines-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Exports `dir` into a fresh folder and returns it, after checking that every line
/// re-performs from its columns (none `given`) and every inventory row ties out.
fn export(dir: &Path, name: &str) -> PathBuf {
    let out = tmp(name);
    let o = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_reperforms(&out);
    assert_ties_out(&out);
    out
}

/// A small project exported: its lines, and both folders removed when dropped.
struct Exported {
    dir: PathBuf,
    out: PathBuf,
    lines: Vec<Row>,
}

impl Drop for Exported {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_dir_all(&self.out);
    }
}

/// `small_project` with `files`, exported (checked by `export`), and its lines read.
fn exported(name: &str, files: &[(&str, String)]) -> Exported {
    let dir = small_project(name, files);
    let out = export(&dir, &format!("{name}-out"));
    let lines = read_csv(&out.join("lines.csv"));
    Exported { dir, out, lines }
}

/// The rows of `figure` from input line `line` of `file`.
fn rows<'a>(lines: &'a [Row], file: &str, line: u64, figure: &str) -> Vec<&'a Row> {
    lines
        .iter()
        .filter(|r| r["file"] == file && r["line"] == line.to_string() && r["figure"] == figure)
        .collect()
}

/// The one row of `figure` from `file:line`.
fn one<'a>(lines: &'a [Row], file: &str, line: u64, figure: &str) -> &'a Row {
    let r = rows(lines, file, line, figure);
    assert_eq!(r.len(), 1, "{file}:{line} {figure}: {r:#?}");
    r[0]
}

/// `(label, op, value, unit)` of each step of a row.
fn steps(r: &Row) -> Vec<(String, String, String, String)> {
    (1..=5)
        .filter(|i| !r[&format!("step{i}_label")].is_empty())
        .map(|i| {
            let c = |k: &str| r[&format!("step{i}_{k}")].clone();
            (c("label"), c("op"), c("value"), c("unit"))
        })
        .collect()
}

fn step(label: &str, op: &str, value: &str, unit: &str) -> (String, String, String, String) {
    (label.into(), op.into(), value.into(), unit.into())
}

/// The columns of a row a re-performing auditor multiplies (besides the steps).
fn product_columns(r: &Row) -> [&str; 6] {
    [
        r["quantity"].as_str(),
        r["unit"].as_str(),
        r["conversion"].as_str(),
        r["factor_op"].as_str(),
        r["factor_value"].as_str(),
        r["gwp"].as_str(),
    ]
}

/// A small project of one Chinese facility with the files given, and the local sets.
fn small_project(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = tmp(name);
    let mut toml = common::manifest("operational_control", "2023");
    toml.push_str(EDITIONS_2025);
    toml.push_str("iso-14083 = \"2023\"\nicao-corsia = \"default-values\"\n");
    toml.push_str("[freight]\nradiative_forcing = false\ncategory = 4\n");
    write(&dir, "carbonledger.toml", &toml);
    write(
        &dir,
        "facilities.csv",
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\nP1,Plant,CN,cn-mee-grid:east,100,yes,yes\n",
    );
    write(
        &dir,
        "energy.csv",
        "facility,period,carrier,quantity,unit,factor,ref,note\nP1,2025,electricity,1,MWh,,,\n",
    );
    write(&dir, "factors/office-eeio/2022/edition.toml", SPEND_TOML);
    write(&dir, "factors/office-eeio/2022/factors.csv", SPEND_CSV);
    write(&dir, "factors/test-teu/t1/edition.toml", TEU_TOML);
    write(&dir, "factors/test-teu/t1/factors.csv", TEU_CSV);
    for (path, text) in files {
        write(&dir, path, text);
    }
    dir
}

/// Scope 3 rows, by hand (factor values: DESNZ 2025 flat file; cn-mee-grid 2023 national):
///
/// - line 3, brackets: 30 t bought × 1 200 t CO2e (supplier's scope 1 + 2) ÷ 2 400 t (its
///   output) = 15 t CO2e; conversion 1 (t bought and t produced cancel; t CO2e is the unit);
/// - line 4, hinges: 1 t × 1 000 t CO2e ÷ 3 t = 333.333… t, rounded once to 12 places of t
///   (9 of kg): 333.333333333333, `exact = no`;
/// - line 5, castings by revenue: 250 000 GBP × 800 t CO2e ÷ 10 000 000 GBP = 20 t;
/// - line 7, use of phones sold in China: 1 000 000 items × 12 kWh per item × 0.5306 kg CO2/kWh
///   × GWP 1 × 0.001 t/kg = 6 367.2 t;
/// - line 8, end of life: 1 200 000 items × 0.2 kg per item × 8.98311 kg CO2e/t × 10⁻⁶
///   (kg → t of waste, kg → t CO2e) = 2.1559464 t.
#[test]
fn scope3_allocations_and_per_item_rows_are_products_of_their_columns() {
    let e = exported(
        "scope3",
        &[("scope3.csv", format!("{SCOPE3_HEADER}{SCOPE3_ROWS}"))],
    );
    let lines = &e.lines;
    let cat1 = "ghg.scope3.cat1";
    let r = one(lines, "scope3.csv", 3, cat1);
    assert_eq!(
        (r["method"].as_str(), product_columns(r)),
        ("product", ["30", "t", "1", "x", "1", "1"])
    );
    assert_eq!(
        steps(r),
        [
            step("supplier emissions", "x", "1200", "t CO2e"),
            step("supplier total", "÷", "2400", "t")
        ]
    );
    assert_eq!((r["value"].as_str(), r["exact"].as_str()), ("15", "yes"));
    let r = one(lines, "scope3.csv", 4, cat1);
    assert_eq!(
        steps(r),
        [
            step("supplier emissions", "x", "1000", "t CO2e"),
            step("supplier total", "÷", "3", "t")
        ]
    );
    assert_eq!(
        (r["value"].as_str(), r["exact"].as_str()),
        ("333.333333333333", "no")
    );
    let r = one(lines, "scope3.csv", 5, cat1);
    assert_eq!(
        (product_columns(r), steps(r)),
        (
            ["250000", "GBP", "1", "x", "1", "1"],
            vec![
                step("supplier emissions", "x", "800", "t CO2e"),
                step("supplier total", "÷", "10000000", "GBP")
            ]
        )
    );
    assert_eq!(d(&r["value"]), d("20"));
    let r = one(lines, "scope3.csv", 7, "ghg.scope3.cat11");
    assert_eq!(
        (product_columns(r), steps(r)),
        (
            ["1000000", "item", "0.001", "x", "0.5306", "1"],
            vec![step("per item", "x", "12", "kWh")]
        )
    );
    assert_eq!(
        (r["factor_ref"].as_str(), r["gwp_ref"].as_str()),
        ("cn-mee-grid@2023:national", "ipcc-gwp@ar5:co2")
    );
    assert_eq!(d(&r["value"]), d("6367.2"));
    let r = one(lines, "scope3.csv", 8, "ghg.scope3.cat12");
    assert_eq!(
        (product_columns(r), steps(r)),
        (
            ["1200000", "item", "0.000001", "x", "8.98311", "1"],
            vec![step("per item", "x", "0.2", "kg")]
        )
    );
    assert_eq!(d(&r["value"]), d("2.1559464"));
}

/// Per-TEU-km intensities (test-teu@t1:container, 50 g CO2e/TEUkm, test data), by hand:
///
/// - TEU-A: 20 t × 1 000 km ÷ 10 t per TEU = 2 000 TEU-km × 50 g = 100 kg = 0.1 t; the line is
///   20 t × distance 1 000 km ÷ cargo per TEU 10 t × 50 × conversion 10⁻⁶ (t → kg 10³,
///   g → kg 10⁻³, over TEU·m per TEU-km 10³ and kg per t of cargo 10³; km → m and kg → t cancel);
/// - TEU-B: the same leg at 7 t per TEU: 20 000 ÷ 7 TEU-km × 50 g = 142.857142857142… kg,
///   rounded once to 9 places of kg: 0.142857142857 t, `exact = no`. Its air counterfactual
///   (DESNZ 2025 without radiative forcing: 20 t × 800 km × (0.53130 + 0.13516) kg/tkm = 10 663.36 kg) less
///   the leg's own line = 10.663360000000 − 0.142857142857 = 10.520502857143 t avoided.
#[test]
fn a_per_teu_km_intensity_is_a_line_with_its_cargo_step() {
    let e = exported(
        "teu",
        &[("shipments.csv", format!("{SHIPMENTS_HEADER}{TEU_ROWS}"))],
    );
    let lines = &e.lines;
    let r = one(lines, "shipments.csv", 2, "ghg.scope3.cat4");
    assert_eq!(
        (r["method"].as_str(), product_columns(r)),
        ("product", ["20", "t", "0.000001", "x", "50", "1"])
    );
    assert_eq!(
        steps(r),
        [
            step("distance", "x", "1000", "km"),
            step("cargo per TEU", "÷", "10", "t")
        ]
    );
    assert_eq!((d(&r["value"]), r["exact"].as_str()), (d("0.1"), "yes"));
    let r = one(lines, "shipments.csv", 3, "ghg.scope3.cat4");
    assert_eq!(steps(r)[1], step("cargo per TEU", "÷", "7", "t"), "{r:#?}");
    assert_eq!(
        (r["value"].as_str(), r["exact"].as_str()),
        ("0.142857142857", "no")
    );
    // The mode shift: the counterfactual's two lines and the leg's line deducted.
    let shift = rows(lines, "shipments.csv", 3, "avoided.logistics.mode_shift");
    assert_eq!(shift.len(), 3, "{shift:#?}");
    let total: rust_decimal::Decimal = shift.iter().map(|r| d(&r["value"])).sum();
    assert_eq!(total, d("10.520502857143"));
    assert!(shift.iter().any(
        |r| steps(r).last() == Some(&step("deducted", "x", "-1", "1"))
            && steps(r)[1] == step("cargo per TEU", "÷", "7", "t")
    ));
}

/// SAF on a leg priced per TEU-km (TEU-C: 20 t by air over 1 000 km at 7 t per TEU, the test
/// intensity 50 g CO2e/TEUkm, 35% HEFA from used cooking oil: ICAO CORSIA default life-cycle
/// value 13.9 g CO2e/MJ against the fossil jet baseline 89), by hand: the leg's line is
/// 20 × 1 000 ÷ 7 × 50 × 10⁻⁶ = 1/7 t; the reduction is 1/7 × 0.35 × (1 − 13.9/89) =
/// 1/7 × 0.35 × 75.1/89 = 0.0421910112359… t, rounded once: 0.042191011236 (rounding the leg's
/// emissions first would not be the product of the line's columns). Deducted from category 4 it
/// is a line of five steps: distance, cargo per TEU, saf share, reduction, deducted.
#[test]
fn a_saf_reduction_on_a_per_teu_km_leg_is_one_line() {
    let e = exported(
        "saf-teu",
        &[("shipments.csv", format!("{SHIPMENTS_HEADER}{TEU_ROWS}"))],
    );
    let lines = &e.lines;
    let r = one(lines, "shipments.csv", 4, "avoided.logistics.saf");
    assert_eq!(
        steps(r),
        [
            step("distance", "x", "1000", "km"),
            step("cargo per TEU", "÷", "7", "t"),
            step("saf share", "x", "0.35", "1"),
            step("reduction", "x", "75.1/89", "1"),
        ]
    );
    assert_eq!(
        (r["value"].as_str(), r["exact"].as_str()),
        ("0.042191011236", "no")
    );
    let deducted: Vec<_> = rows(lines, "shipments.csv", 4, "ghg.scope3.cat4")
        .into_iter()
        .filter(|r| steps(r).len() == 5)
        .collect();
    assert_eq!(deducted.len(), 1, "{deducted:#?}");
    assert_eq!(
        (steps(deducted[0])[4].clone(), deducted[0]["value"].as_str()),
        (step("deducted", "x", "-1", "1"), "-0.042191011236")
    );
}

/// An explicit per-gas displaced factor whose product does not terminate: 1 GJ of a supplier's
/// renewable generation displacing the EPA GHG Emission Factors Hub 2025 (Table 6, eGRID2023)
/// AKGD methane rate, 0.086 lb CH4/MWh, at the AR5 GWP of 28:
/// 1 GJ ÷ 3.6 GJ/MWh × 0.086 lb × 0.45359237 kg/lb × 28 = 0.3034028963777… kg CO2e, rounded once
/// to 9 places of kg: 0.303402896 kg = 0.000303402896 t (rounding the methane first, 0.010835818 kg × 28,
/// would give 0.000303402904 t: not the product of the line's columns).
#[test]
fn an_explicit_per_gas_displaced_factor_rounds_once_as_its_line_does() {
    let e = exported(
        "pergas",
        &[(
            "abatement.csv",
            format!("{ABATEMENT_HEADER}{ABATEMENT_ROW}"),
        )],
    );
    let lines = &e.lines;
    let r = one(lines, "abatement.csv", 2, "avoided.pv_us");
    assert_eq!(
        (
            r["method"].as_str(),
            r["factor_ref"].as_str(),
            r["gwp_ref"].as_str()
        ),
        (
            "product",
            "us-epa-hub@2025:egrid.akgd.ch4",
            "ipcc-gwp@ar5:ch4"
        )
    );
    assert_eq!(
        (
            r["quantity"].as_str(),
            r["unit"].as_str(),
            r["factor_value"].as_str(),
            r["gwp"].as_str()
        ),
        ("1", "GJ", "0.086", "28")
    );
    assert_eq!(
        (r["value"].as_str(), r["exact"].as_str()),
        ("0.000303402896", "no")
    );
}

/// A metric (an intensity's denominator) is a line too: the amount as given, so it ties out
/// from lines.csv like every additive figure: 365 906 000 000 CNY and 43 000 FTE (illustrative
/// amounts, not published ones).
#[test]
fn a_metric_is_a_line_of_its_amount() {
    let e = exported("metric", &[(
            "metrics.csv",
            "period,metric,value,unit,note\n2025,revenue,365906000000,CNY,\n2025,employees,43000,FTE,\n"
                .to_string(),
        )]);
    let lines = &e.lines;
    let r = one(lines, "metrics.csv", 2, "metric.revenue");
    assert_eq!(
        (
            r["method"].as_str(),
            r["quantity"].as_str(),
            r["unit"].as_str(),
            r["value"].as_str()
        ),
        ("activity", "365906000000", "CNY", "365906000000")
    );
}

/// Every kind of line in one project: the reference fixture (energy, fugitive, category 3,
/// solar, instruments and the residual-mix remainder, abatement with heat recovery, freight
/// legs, mode shift, SAF, products, BOM and stages) plus purchased heat and steam, scope3.csv
/// (spend, allocations, hybrid, per item), per-TEU-km legs, an explicit per-gas displaced
/// factor and metrics. No line is `given`, every line re-performs from its own columns and
/// every inventory row ties out (`export` above asserts all three).
#[test]
fn no_line_is_given_across_every_kind_of_line() {
    let dir = every_kind_project(&tmp("every"));
    let out = export(&dir, "every-out");
    let lines = read_csv(&out.join("lines.csv"));
    let e = Exported { dir, out, lines };
    let lines = &e.lines;
    // Every kind is there (so the absence of `given` is not the absence of the kind).
    let has = |what: &str, f: &dyn Fn(&Row) -> bool| {
        assert!(lines.iter().any(f), "no line of {what}");
    };
    let label = |r: &Row, l: &str| steps(r).iter().any(|s| s.0 == l);
    has("supplier allocation", &|r| label(r, "supplier total"));
    has("per item", &|r| label(r, "per item"));
    has("per TEU-km", &|r| label(r, "cargo per TEU"));
    has("residual-mix allocation", &|r| label(r, "allocation"));
    has("boiler efficiency", &|r| label(r, "efficiency"));
    has("mode shift", &|r| label(r, "deducted"));
    has("SAF reduction", &|r| label(r, "reduction"));
    has("SAF on a per-TEU-km leg, deducted", &|r| {
        steps(r).len() == 5
    });
    has("per-gas displaced", &|r| {
        r["factor_ref"] == "us-epa-hub@2025:egrid.akgd.ch4"
    });
    has("metric", &|r| r["figure"] == "metric.revenue");
    has("purchased heat at market", &|r| {
        r["figure"] == "ghg.scope2.market" && r["subject"] == "heat"
    });
    has("spend", &|r| {
        r["unit"] == "GBP" && r["factor_ref"].starts_with("office-eeio")
    });
}
