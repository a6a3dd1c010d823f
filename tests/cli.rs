//! The real binary against the reference fixture: the README's commands and their output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::cli as run;

const FIX: &str = "fixtures/xiaomi-2025";

#[test]
fn compute_prints_the_inventory_with_editions_and_accounting() {
    let (code, out, err) = run(&["compute", FIX]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Scope 1",
        "of which CO2",
        "of which CH4",
        "of which N2O",
        "Scope 2 (location-based)",
        "Total (scope 1 + 2, location-based)",
        "MWh",
        "GJ",
        "tce",
        "intensity.ghg_per_energy",
        "-7.0%",
        "cn-mee-grid@2023",
        "ipcc-gwp@ar5",
        "energy.csv: 15 rows read = 15 used + 0 rejected",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in\n{out}");
    }
}

#[test]
fn figures_json_gives_exact_decimal_strings() {
    let (code, out, _) = run(&["figures", FIX, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert!(arr
        .iter()
        .all(|f| f["value"].is_string() && f["unit"].is_string() && f["name"].is_string()));
    let change = arr
        .iter()
        .find(|f| f["name"] == "change.intensity.ghg_per_energy" && f["year"] == 2025)
        .unwrap();
    assert_eq!(change["unit"], "%");
    let value: rust_decimal::Decimal = change["value"].as_str().unwrap().parse().unwrap();
    assert_eq!(value.round().to_string(), "-7");
    let s2 = arr
        .iter()
        .find(|f| f["name"] == "ghg.scope2.location" && f["year"] == 2025)
        .unwrap();
    assert_eq!(s2["value"], "293334.8");
}

#[test]
fn explain_lists_rows_that_sum_exactly_to_the_figure() {
    let (code, out, err) = run(&["explain", FIX, "ghg.scope2.location", "--year", "2025"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ghg.scope2.location 2025 = 293334.8 t CO2e"),
        "{out}"
    );
    assert!(out.contains("cn-mee-grid@2023:north = 0.6361 kg CO2/kWh"));
    assert!(
        out.contains("32000 万kWh = 320000 MWh"),
        "the Chinese unit conversion is shown"
    );
    assert!(
        out.contains("7 rows sum to 293334.8 t CO2e: equal to the figure"),
        "{out}"
    );
    assert!(out.contains("Sources:"));
}

#[test]
fn explain_of_a_derived_figure_shows_its_formula() {
    let (code, out, _) = run(&["explain", FIX, "change.intensity.ghg_per_energy"]);
    assert_eq!(code, 0);
    assert!(out.contains("× 100"), "{out}");
    let (code, _, err) = run(&["explain", FIX, "ghg.scope9"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown figure `ghg.scope9`"));
}

#[test]
fn output_is_deterministic() {
    let a = run(&["figures", FIX, "--format", "csv"]);
    let b = run(&["figures", FIX, "--format", "csv"]);
    assert_eq!(a, b);
}

#[test]
fn factors_commands() {
    let (code, out, _) = run(&["factors", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("cn-mee-grid@2023") && out.contains("desnz@2025"));
    let (code, out, _) = run(&["factors", "show", "cn-mee-grid@2023:north"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("cn-mee-grid@2023:north = 0.6361 kg CO2/kWh"),
        "{out}"
    );
    assert!(out.contains("publisher:") && out.contains("address:"));
    let (code, out, _) = run(&["factors", "diff", "cn-mee-grid@2022", "cn-mee-grid@2023"]);
    assert_eq!(code, 0);
    // North China: (0.6361 − 0.6776) / 0.6776 = −6.1%.
    assert!(
        out.lines().any(|l| l.contains("north ")
            && l.contains("0.6776")
            && l.contains("0.6361")
            && l.contains("-6.1%")),
        "{out}"
    );
}

#[test]
fn init_writes_a_project_that_checks_clean() {
    let dir = common::scratch().join(format!("carbonledger-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    assert_eq!(run(&["init", d]).0, 0);
    let (code, out, err) = run(&["check", d]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", ""),
        "check prints nothing when all is well"
    );
    let (code, _, err) = run(&["init", d]);
    assert_eq!(code, 3, "init never overwrites");
    assert!(err.contains("already exist"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["compute", FIX, "--format", "xml"]).0, 2);
    assert_eq!(run(&["frobnicate"]).0, 2);
}

#[test]
fn compute_shows_market_based_beside_location_based_and_avoided_with_implied_factors() {
    let (code, out, err) = run(&["compute", FIX]);
    assert_eq!(code, 0, "{err}");
    let loc = out.find("Scope 2 (location-based)").unwrap();
    let mkt = out.find("Scope 2 (market-based)").unwrap();
    assert!(loc < mkt);
    for needle in [
        "Total (scope 1 + 2, market-based)",
        "Renewable energy consumed, MWh",
        "54,340.0",
        "Avoided emissions 2025, beside the inventory and never netted from it",
        "On-site solar, self-consumed",
        "0.6096 t CO2e/MWh",
        "0.8273 t CO2e/MWh",
        "solar.csv: 2 rows read = 2 used + 0 rejected",
        // The edition effect, the same as `bridge`'s: (I25 − I25 under the 2022 grid) / I24.
        "the factor editions (cn-mee-grid 2022 → 2023) account for −5.49 pp (78.0% of the change)",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn explain_avoided_onsite_solar_names_its_counterfactual_and_citation() {
    let (code, out, err) = run(&["explain", FIX, "avoided.onsite_solar", "--year", "2025"]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "avoided.onsite_solar 2025 = 8132.064 t CO2e",
        "implied factor: 0.6096 t CO2e/MWh",
        "counterfactual:",
        "cn-mee-grid@2023:national_excl_market_nonfossil = 0.6096 kg CO2/kWh",
        // The line: 1334 万kWh × 0.6096 kg CO2/kWh × 10 (万kWh × kg/kWh → t) = 8 132.064 t.
        "    activity  1334 万kWh",
        "    units     × 10 (unit conversion to t CO2e)",
        "    →         8132.064 t CO2e",
        "equal to the figure",
        "关于发布2023年电力二氧化碳排放因子的公告",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

/// `check` validates the register files and claims.toml too, not only energy and fugitive rows.
#[test]
fn check_validates_registers_and_claims() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIX);
    let dir = common::scratch().join(format!("carbonledger-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    let d = dir.to_str().unwrap();
    assert_eq!(run(&["check", d]).0, 0);
    // generated 1386 ≠ 1334 + 50
    let solar = std::fs::read_to_string(dir.join("solar.csv")).unwrap();
    std::fs::write(
        dir.join("solar.csv"),
        solar.replace("1386,1334,52", "1386,1334,50"),
    )
    .unwrap();
    let claims = std::fs::read_to_string(dir.join("claims.toml")).unwrap();
    std::fs::write(
        dir.join("claims.toml"),
        claims.replacen("relation = \"about\"", "relation = \"roughly\"", 1),
    )
    .unwrap();
    let (code, _, err) = run(&["check", d]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("solar.csv:5:3:") && err.contains("[solar-imbalance]"),
        "{err}"
    );
    assert!(
        err.contains("claims.toml:") && err.contains("[unknown-relation]"),
        "{err}"
    );
}

/// `explain` streams its trace (a paragraph per row: gigabytes over millions of rows) and its
/// CSV of lines: to standard output, and to `-o FILE` through a file beside it renamed when
/// done. The file holds the same bytes as standard output and the JSON's trace the same
/// lines; a failing explanation leaves no file and does not touch one already there.
#[test]
fn explain_streams_the_same_trace_to_standard_output_and_to_a_file() {
    let dir = common::scratch().join(format!("carbonledger-explain-o-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace.txt");
    let f = file.to_str().unwrap();
    let args = ["explain", FIX, "ghg.scope1", "--year", "2025"];
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let (code, to_file, err) = run(&[&args[..], &["-o", f]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(to_file.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), out);
    let (_, json, _) = run(&[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines: Vec<&str> = v["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(lines, out.lines().collect::<Vec<_>>());
    let json_file = dir.join("trace.json");
    let json_args = [&args[..], &["--format", "json"]].concat();
    let (code, _, err) = run(&[&json_args[..], &["-o", json_file.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&json_file).unwrap(), json);
    std::fs::remove_file(&json_file).unwrap();
    // The CSV of the figure's lines, streamed alike.
    let csv_args = [&args[..], &["--format", "csv"]].concat();
    let (code, csv_out, err) = run(&csv_args);
    assert_eq!(code, 0, "{err}");
    assert!(csv_out.lines().count() > 1);
    let csv_file = dir.join("lines.csv");
    let (code, _, err) = run(&[&csv_args[..], &["-o", csv_file.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&csv_file).unwrap(), csv_out);
    std::fs::remove_file(&csv_file).unwrap();
    let (code, _, err) = run(&["explain", FIX, "ghg.scope9", "-o", f]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), out);
    let other = dir.join("none.txt");
    let (code, _, _) = run(&["explain", FIX, "ghg.scope9", "-o", other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(!other.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
}
