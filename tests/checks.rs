//! Issue 11, the checks that were missing: each input below was accepted silently (exit 0) on
//! the main of 2026-12-01 and is now an error or a warning naming its place.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use carbonledger::calc::{compute, RunOptions};
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use common::{d, manifest, project};
use rust_decimal::Decimal;
use std::path::Path;
use std::process::Command;

const ONE: &str = "id,name,country,grid,equity_share_pct\nF1,One,CN,cn-mee-grid:north,100\n";
const HEADER: &str = "facility,period,carrier,quantity,unit,factor,ref,note\n";

fn open_err(dir: &Path) -> Vec<carbonledger::diag::Diagnostic> {
    match Project::open(dir) {
        Ok(_) => panic!("{} opened", dir.display()),
        Err(d) => d,
    }
}

fn local_set(dir: &Path, set: &str, edition: &str, rows: &str) {
    let p = dir.join("factors").join(set).join(edition);
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(
        p.join("edition.toml"),
        format!("set = \"{set}\"\nedition = \"{edition}\"\ndescription = \"test values\"\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"L\"\nurl = \"https://example.org\"\n"),
    )
    .unwrap();
    std::fs::write(
        p.join("factors.csv"),
        format!("key,value,unit,gas,basis,table,note\n{rows}"),
    )
    .unwrap();
}

#[test]
fn country_must_be_an_iso_code_with_a_suggestion() {
    let fac = "id,name,country,grid,equity_share_pct\nF1,One,China,cn-mee-grid:north,100\nF2,Two,UK,,100\n";
    let dir = project(
        &manifest("operational_control", "2023"),
        fac,
        &format!("{HEADER}F1,2025,electricity,1,MWh,,,\n"),
        None,
    );
    let d = open_err(&dir);
    let bad: Vec<_> = d.iter().filter(|x| x.code == "unknown-country").collect();
    assert_eq!(bad.len(), 2, "{d:#?}");
    assert_eq!((bad[0].span.line, bad[0].span.column), (2, Some(3)));
    assert!(bad[0].hint.as_deref().unwrap_or("").contains("`CN`"));
    assert!(bad[1].hint.as_deref().unwrap_or("").contains("`GB`"));
}

#[test]
fn a_bad_grid_reference_is_reported_once_at_facilities_csv() {
    let fac = "id,name,country,grid,equity_share_pct\nF1,One,CN,cn-mee-grid:north,100\nF2,Two,CN,no-such-grid:east,100\n";
    let dir = project(
        &manifest("operational_control", "2023"),
        fac,
        &format!("{HEADER}F2,2025,electricity,1,MWh,,,\nF2,2025,electricity,2,MWh,,,\n"),
        None,
    );
    let d = open_err(&dir);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, "unknown-factor-set");
    assert!(d[0].span.file.ends_with("facilities.csv"));
    assert_eq!((d[0].span.line, d[0].span.column), (3, Some(4)));
}

#[test]
fn negative_factors_and_local_editions_of_built_in_sets_are_refused() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE,
        &format!("{HEADER}F1,2025,electricity,1,MWh,my-grid:north,,\n"),
        None,
    );
    local_set(
        &dir,
        "my-grid",
        "2025",
        "north,-0.5,kg CO2/kWh,CO2,location,1,\n",
    );
    // A local cn-mee-grid edition with an implausible 999 kg/kWh would be picked by the
    // nearest-edition rule for other years.
    local_set(
        &dir,
        "cn-mee-grid",
        "2025",
        "north,999,kg CO2/kWh,CO2,location,1,\n",
    );
    let d = open_err(&dir);
    let neg = d.iter().find(|x| x.code == "negative-factor").unwrap();
    assert!(neg.span.file.ends_with("my-grid/2025/factors.csv"));
    assert_eq!((neg.span.line, neg.span.column), (2, Some(2)));
    let shadow = d.iter().find(|x| x.code == "shadows-built-in-set").unwrap();
    assert!(shadow.span.file.contains("cn-mee-grid/2025"), "{shadow:?}");
}

#[test]
fn year_data_of_one_edition_used_for_another_year_is_a_fallback() {
    // desnz@2025 is the only DESNZ edition; a 2024 row on it is a fallback (and refused under
    // --strict), not silently the 2024 factor.
    let mut m = manifest("operational_control", "2023");
    m = m.replace(
        "[years.2025.editions]",
        "[years.2025.editions]\ndesnz = \"2025\"",
    );
    let dir = project(
        &m,
        "id,name,country,grid,equity_share_pct\nF1,One,GB,desnz:electricity_uk,100\n",
        &format!("{HEADER}F1,2024,electricity,1000,kWh,,,\nF1,2025,electricity,1000,kWh,,,\n"),
        None,
    );
    let p = Project::open(&dir).unwrap_or_else(|d| panic!("{d:#?}"));
    let c = compute(
        &p,
        RunOptions {
            strict: false,
            threads: 0,
        },
    )
    .unwrap_or_else(|d| panic!("{d:#?}"));
    let notes: Vec<&String> = c.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("desnz") && n.contains("2024") && n.contains("2025")),
        "{notes:?}"
    );
    let strict = compute(
        &p,
        RunOptions {
            strict: true,
            threads: 0,
        },
    )
    .unwrap();
    assert_eq!(strict.rejected_rows(), 1, "{:?}", strict.diagnostics);
    assert_eq!(strict.diagnostics[0].code, "fallback-refused");
    assert_eq!(strict.diagnostics[0].span.line, 2);
}

#[test]
fn co2e_factors_of_several_gases_all_count_in_the_by_gas_figure() {
    // A national table publishing CO2, CH4 and N2O each already in CO2e (per kWh): 1, 1 and
    // 1 kg CO2e/kWh × 1 000 kWh = 3 t CO2e in ghg.scope1 (was 1 t), 1 t under each gas its
    // key names (issue 13: DESNZ's CO2e-of-each-gas columns are attributed to their gas).
    let m = manifest("operational_control", "2023")
        .replace("[factors]", "[factors]\nfuel_emissions = \"nat\"")
        .replace(
            "[years.2025.editions]",
            "[years.2025.editions]\nnat = \"2025\"",
        );
    let dir = project(
        &m,
        ONE,
        &format!("{HEADER}F1,2025,natural_gas,1000,kWh,,,\n"),
        None,
    );
    local_set(
        &dir,
        "nat",
        "2025",
        "natural_gas.co2,1,kg CO2e/kWh,CO2e,,1,\nnatural_gas.ch4,1,kg CO2e/kWh,CO2e,,1,\nnatural_gas.n2o,1,kg CO2e/kWh,CO2e,,1,\n",
    );
    let p = Project::open(&dir).unwrap_or_else(|d| panic!("{d:#?}"));
    let l = Ledger::compute(
        &p,
        RunOptions {
            strict: false,
            threads: 0,
        },
    )
    .unwrap_or_else(|d| panic!("{d:#?}"));
    let fig = |n: &str| l.figure(n, 2025).unwrap().map(|f| f.value);
    assert_eq!(fig("ghg.scope1"), Some(d("3")));
    assert_eq!(fig("ghg.scope1.co2"), Some(d("1")));
    assert_eq!(fig("ghg.scope1.ch4"), Some(d("1")));
    assert_eq!(fig("ghg.scope1.n2o"), Some(d("1")));
    assert_eq!(fig("ghg.scope1.co2e"), Some(d("0")));
}

#[test]
fn an_annual_row_beside_monthly_rows_is_warned_about() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE,
        &format!("{HEADER}F1,2025,electricity,12,MWh,,,\nF1,2025-01,electricity,1,MWh,,,\nF1,2025-Q2,electricity,3,MWh,,,\nF1,2025-03,diesel,1,t,,,\nF1,2025-Q3,diesel,1,t,,,\n"),
        None,
    );
    let (_, c) = common::run(&dir, false);
    let w: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|x| x.code == "overlapping-periods")
        .collect();
    // Electricity overlaps (year with month 01, year with Q2 = months 04–06); diesel's March
    // and Q3 do not.
    assert_eq!(w.len(), 1, "{:#?}", c.diagnostics);
    assert!(!w[0].is_error());
    assert!(
        w[0].message.contains("F1 electricity 2025")
            && w[0]
                .message
                .contains("the whole year and quarters both cover months 04, 05, 06")
            && w[0]
                .message
                .contains("the whole year and months both cover months 01"),
        "{}",
        w[0].message
    );
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn reporting_years_are_bounded_and_explain_refuses_other_years() {
    let m = manifest("operational_control", "2023").replace(
        "reporting_years = [2024, 2025]",
        "reporting_years = [0, 2024, 2025]",
    );
    let dir = project(
        &m,
        ONE,
        &format!("{HEADER}F1,2025,electricity,1,MWh,,,\n"),
        None,
    );
    let d = open_err(&dir);
    assert!(
        d.iter()
            .any(|x| x.code == "bad-manifest" && x.message.contains("reporting year 0")),
        "{d:#?}"
    );
    let years: Vec<String> = (1901..=2005).map(|y| y.to_string()).collect();
    let m = manifest("operational_control", "2023").replace(
        "reporting_years = [2024, 2025]",
        &format!("reporting_years = [{}, 2024, 2025]", years.join(", ")),
    );
    let dir = project(
        &m,
        ONE,
        &format!("{HEADER}F1,2025,electricity,1,MWh,,,\n"),
        None,
    );
    assert!(open_err(&dir)
        .iter()
        .any(|x| x.message.contains("at most 100")));
    let fix = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let (code, err) = cli(&[
        "explain",
        fix.to_str().unwrap(),
        "ghg.scope1",
        "--year",
        "2019",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("2019 is not one of reporting_years"), "{err}");
}

/// Found by the differential fuzz target (fuzz/artifacts-found/differential-inexact-row-natural-gas):
/// 1 866 542.895 MJ of natural gas at a 39.6% equity share was rejected by `compute` as needing
/// 13 decimal places (an estimate from the scales) while `explain`/`export`, calculating the row
/// in full, needed 12 and used it. Every command now accepts it, with the same CO2e.
#[test]
fn compute_and_the_line_listing_accept_the_same_rows() {
    let fac = "id,name,country,grid,equity_share_pct\nF0,Zero,CN,cn-mee-grid:north,39.6\n";
    let dir = project(
        &manifest("equity_share", "2023"),
        fac,
        &format!("{HEADER}F0,2024-09,natural_gas,1866542.895,MJ,,,\n"),
        None,
    );
    let (p, c) = common::run(&dir, false);
    assert_eq!(c.rejected_rows(), 0, "{:?}", c.diagnostics);
    let mut lines = Decimal::ZERO;
    let mut n = 0;
    carbonledger::calc::for_each_line(
        &p,
        RunOptions {
            strict: false,
            threads: 0,
        },
        &c.duplicates,
        &mut |v| {
            lines += v.line.co2e_kg;
            n += 1;
        },
    )
    .unwrap();
    assert_eq!(n, 1);
    assert_eq!(common::fig(&p, &c, "ghg.scope1", 2024), lines / d("1000"));
}

/// AR6 publishes methane by origin (WG1 Ch.7 Table 7.15: CH4-fossil 29.8, beside the
/// undifferentiated 27.9 of Table 7.SM.7): CH4 from burning natural gas takes 29.8. By hand:
/// 1 000 GJ = 1 TJ × 1 kg CH4/TJ (IPCC 2006 Vol.2 Table 2.3) = 1 kg × 29.8 = 29.8 kg.
#[test]
fn ar6_weights_fossil_combustion_methane_by_its_origin() {
    let m = manifest("operational_control", "2023").replace(
        "[years.2025.editions]\ncn-mee-grid = \"2023\"\nipcc-2006 = \"2006\"\nipcc-gwp = \"ar5\"",
        "[years.2025.editions]\ncn-mee-grid = \"2023\"\nipcc-2006 = \"2006\"\nipcc-gwp = \"ar6\"",
    );
    assert!(m.contains("ipcc-gwp = \"ar6\""));
    let dir = project(
        &m,
        ONE,
        &format!("{HEADER}F1,2025,natural_gas,1000,GJ,,,\n"),
        Some("facility,period,gas,quantity,unit,ref,note\nF1,2025,CH4,1,kg,,leak\nF1,2025,CH4-nonfossil,1,kg,,digester\n"),
    );
    let (p, c) = common::run(&dir, false);
    assert_eq!(c.rejected_rows(), 0, "{:?}", c.diagnostics);
    let stationary_ch4: Decimal = c
        .chains
        .iter()
        .zip(&c.accums)
        .filter(|(ch, _)| ch.kind == carbonledger::calc::SourceKind::Stationary)
        .flat_map(|(ch, a)| {
            ch.gases
                .iter()
                .zip(a.gas_co2e_kg.iter())
                .filter(|(g, _)| g.gas().eq_ignore_ascii_case("ch4"))
                .map(|(_, v)| *v)
                .collect::<Vec<_>>()
        })
        .sum();
    assert_eq!(stationary_ch4, d("29.8"));
    // A released gas of unknown origin keeps the undifferentiated 27.9; one named
    // non-fossil takes 27.0: 29.8 + 27.9 + 27.0 kg in all.
    assert_eq!(
        common::fig(&p, &c, "ghg.scope1", 2025)
            - common::fig(&p, &c, "ghg.scope1.co2", 2025)
            - common::fig(&p, &c, "ghg.scope1.n2o", 2025),
        d("0.0847")
    );
}
