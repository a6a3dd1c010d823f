//! The audit workflow: `diff` of one factor change (lines, figures, base-year verdict; the
//! re-priced result equals a full recompute) and the year-on-year bridge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::audit::{self, Change, Diff, Method};
use carbonledger::calc::{compute, RunOptions};
use carbonledger::decimal;
use carbonledger::figures::{definition, Definition};
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use common::d as dec;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

const FIX: &str = "fixtures/xiaomi-2025";
const OPTS: RunOptions = RunOptions {
    strict: false,
    threads: 1,
};

fn open(dir: &Path) -> (Project, Ledger) {
    let p = Project::open(dir).unwrap_or_else(|e| panic!("{e:#?}"));
    let l = Ledger::compute(&p, OPTS).unwrap_or_else(|e| panic!("{e:#?}"));
    (p, l)
}

fn run_diff(dir: &Path, change: &Change) -> (Project, Diff) {
    let (p, l) = open(dir);
    let d = audit::diff(&p, l, change, OPTS, false).unwrap_or_else(|e| panic!("{e}"));
    (p, d)
}

fn edition(s: &str) -> Change {
    Change::parse_edition(s, None).unwrap()
}

fn figure(l: &Ledger, name: &str, year: i32) -> Decimal {
    l.figure(name, year)
        .unwrap()
        .unwrap_or_else(|| panic!("no {name} {year}"))
        .value
}

/// Every figure of a ledger, by (name, year).
fn all_figures(l: &Ledger) -> BTreeMap<(String, i32), Decimal> {
    l.figures(None)
        .unwrap()
        .into_iter()
        .map(|f| ((f.name, f.year), f.value))
        .collect()
}

/// The re-priced (or recomputed) ledger under the change equals computing the changed
/// project from its rows, figure by figure and chain total by chain total.
fn assert_same_as_full_recompute(d: &Diff) {
    let full = compute(&d.after_project, OPTS).unwrap_or_else(|e| panic!("{e:#?}"));
    let full = Ledger::from_computation(&d.after_project, full, false);
    assert_eq!(all_figures(&d.after), all_figures(&full));
    assert_eq!(d.after.comp.chains, full.comp.chains);
    assert_eq!(d.after.comp.accums, full.comp.accums);
}

/// Two facilities on two grids, one row each per year (line 2..5 of energy.csv).
fn two_facilities(threshold: &str, extra_rows: &str) -> std::path::PathBuf {
    let toml = format!(
        r#"organisation = "Two facilities"
reporting_years = [2024, 2025]
base_year = 2024
significance_threshold = "{threshold}"
[years.2024.editions]
cn-mee-grid = "2022"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
[years.2025.editions]
cn-mee-grid = "2023"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
"#
    );
    let facilities =
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\n\
        A,Plant A,CN,cn-mee-grid:north,100,yes,yes\n\
        B,Plant B,CN,cn-mee-grid:central,100,yes,yes\n";
    let energy = format!(
        "facility,period,carrier,quantity,unit,factor,ref,note\n\
        A,2024,electricity,1000,MWh,,,\n\
        B,2024,electricity,500,MWh,,,\n\
        A,2025,electricity,1000,MWh,,,\n\
        B,2025,electricity,600,MWh,,,\n{extra_rows}"
    );
    common::project(&toml, facilities, &energy, None)
}

// Hand arithmetic for `two_facilities` (grid factors in kg CO2/kWh = t CO2/MWh, CO2 GWP 1):
//   2024 (cn-mee-grid 2022): A 1000 × 0.6776 = 677.6; B 500 × 0.5395 = 269.75; total 947.35 t
//   2025 (cn-mee-grid 2023): A 1000 × 0.6361 = 636.1; B 600 × 0.5271 = 316.26; total 952.36 t

#[test]
fn edition_applied_to_the_base_year_is_significant_and_lists_its_lines() {
    let dir = two_facilities("5%", "");
    let (p, d) = run_diff(&dir, &edition("cn-mee-grid@2023"));
    // 2024 under 2023: A 636.1 + B 500 × 0.5271 = 263.55 → 899.65 t; Δ −47.7 t
    // −47.7 / 947.35 × 100 = −5.0351...% → at or above 5%: recalculate.
    assert_eq!(figure(&d.before, "ghg.total.location", 2024), dec("947.35"));
    assert_eq!(figure(&d.after, "ghg.total.location", 2024), dec("899.65"));
    assert_eq!(figure(&d.after, "ghg.total.location", 2025), dec("952.36"));
    let v = d.verdict.clone().unwrap();
    assert!(v.significant);
    assert_eq!(v.change_pct.unwrap().round_dp(4), dec("-5.0351"));
    assert!(
        v.sentence.starts_with("The base year (2024) is recalculated: applying cn-mee-grid@2023 moves its total emissions (ghg.total.location) by −5.04%"),
        "{}",
        v.sentence
    );
    // Two chains (the 2024 rows) change; the 2025 ones already use 2023.
    assert_eq!(d.chains.len(), 2);
    assert!(matches!(
        d.method,
        Method::Repriced {
            changed: 2,
            chains: 4
        }
    ));
    let mut lines = Vec::new();
    audit::changed_lines(&p, &d.before.comp, &d.after.comp, OPTS, None, &mut |l| {
        lines.push((
            l.activity.line,
            decimal::sub(l.after.co2e_kg, l.before.co2e_kg).unwrap(),
        ))
    })
    .unwrap();
    // A: 1000 MWh × (0.6361 − 0.6776) = −41.5 t; B: 500 × (0.5271 − 0.5395) = −6.2 t.
    assert_eq!(lines, vec![(2, dec("-41500")), (3, dec("-6200"))]);
    // Every changed figure, with the change.* figures of 2025.
    let names: Vec<(String, i32)> = d.figures.iter().map(|f| (f.name.clone(), f.year)).collect();
    assert!(names.contains(&("ghg.total.location".into(), 2024)));
    assert!(names.contains(&("intensity.ghg_per_energy".into(), 2024)));
    assert!(names.contains(&("change.ghg.total.location".into(), 2025)));
    assert!(!names.contains(&("ghg.total.location".into(), 2025)));
    assert_same_as_full_recompute(&d);
}

#[test]
fn the_manifest_threshold_decides_the_verdict() {
    // The same −5.0351% against a 6% threshold: not significant.
    let dir = two_facilities("6%", "");
    let (_, d) = run_diff(&dir, &edition("cn-mee-grid@2023"));
    let v = d.verdict.unwrap();
    assert!(!v.significant);
    assert!(v.sentence.contains("is not recalculated"), "{}", v.sentence);
    assert!(v.sentence.contains("below the 6% significance threshold"));
}

#[test]
fn one_value_changes_only_the_lines_that_use_it() {
    let dir = two_facilities("5%", "");
    // B's 2024 factor 0.5395 → 0.5: 500 × (0.5 − 0.5395) = −19.75 t; −19.75/947.35 = −2.0848%.
    let (_, d) = run_diff(
        &dir,
        &Change::parse_set("cn-mee-grid@2022:central=0.5").unwrap(),
    );
    assert_eq!(figure(&d.after, "ghg.total.location", 2024), dec("927.6"));
    let v = d.verdict.unwrap();
    assert!(!v.significant);
    assert_eq!(v.change_pct.unwrap().round_dp(4), dec("-2.0848"));
    assert_eq!(d.chains.len(), 1);
    assert_eq!(
        d.chains[0].after.used_factors()[0].reference.as_ref(),
        "cn-mee-grid@2022:central"
    );
}

#[test]
fn an_unpinned_reference_changes_the_key_in_every_edition_in_use() {
    let dir = two_facilities("5%", "");
    // north = 0.7 in both 2022 (2024) and 2023 (2025): 2024 A 700 → 969.75; 2025 A 700 → 1016.26.
    let (_, d) = run_diff(&dir, &Change::parse_set("cn-mee-grid:north=0.7").unwrap());
    assert_eq!(figure(&d.after, "ghg.total.location", 2024), dec("969.75"));
    assert_eq!(figure(&d.after, "ghg.total.location", 2025), dec("1016.26"));
    assert_same_as_full_recompute(&d);
}

#[test]
fn rows_pinning_another_edition_keep_it() {
    let dir = two_facilities(
        "5%",
        "A,2025,electricity,10,MWh,cn-mee-grid@2022:north,pinned,\n",
    );
    let (_, d) = run_diff(&dir, &edition("cn-mee-grid@2023"));
    assert_eq!(d.pinned.len(), 1);
    assert_eq!(d.pinned[0].1, 1);
    assert!(d.chains.iter().all(|c| c.before.explicit.is_none()));
}

#[test]
fn an_unknown_edition_or_key_is_an_error() {
    let dir = two_facilities("5%", "");
    let (p, l) = open(&dir);
    let e = audit::diff(&p, l.clone(), &edition("cn-mee-grid@1999"), OPTS, false).unwrap_err();
    assert!(
        e.to_string().contains("unknown edition `cn-mee-grid@1999`"),
        "{e}"
    );
    let c = Change::parse_set("cn-mee-grid@2023:atlantis=1").unwrap();
    let e = audit::diff(&p, l, &c, OPTS, false).unwrap_err();
    assert!(
        e.to_string()
            .contains("no factor `cn-mee-grid@2023:atlantis`"),
        "{e}"
    );
    assert!(Change::parse_set("cn-mee-grid@2023:north=1,5").is_err());
}

/// Acceptance: the fixture under the older grid edition.
#[test]
fn fixture_under_the_2022_grid_edition() {
    let (p, d) = run_diff(Path::new(FIX), &edition("cn-mee-grid@2022"));
    // Expected from the data: each 2025 electricity chain's energy × (2022 − 2023 factor).
    let lib = &p.library;
    let mut expected = Decimal::ZERO;
    for (c, a) in d.before.comp.chains.iter().zip(&d.before.comp.accums) {
        let Some(u) = c
            .used_factors()
            .into_iter()
            .find(|u| u.reference.starts_with("cn-mee-grid@2023:"))
        else {
            continue;
        };
        let key = u.reference.rsplit(':').next().unwrap();
        let old = lib.edition("cn-mee-grid", "2022").unwrap().factors[key].value;
        // kg CO2/kWh = t/MWh: MWh = J / 3.6e9; the share is 1 (operational control).
        let mwh = decimal::div(a.energy_j, dec("3600000000")).unwrap();
        assert!(mwh.exact);
        expected = decimal::add(expected, decimal::mul(mwh.value, old - u.value).unwrap()).unwrap();
    }
    let b = figure(&d.before, "ghg.total.location", 2025);
    let a = figure(&d.after, "ghg.total.location", 2025);
    assert_eq!(a - b, expected);
    // The base year already uses 2022: unchanged, no recalculation.
    assert_eq!(
        figure(&d.before, "ghg.total.location", 2024),
        figure(&d.after, "ghg.total.location", 2024)
    );
    let v = d.verdict.clone().unwrap();
    assert!(!v.significant);
    assert!(v
        .sentence
        .contains("leaves its total emissions (ghg.total.location) unchanged"));
    // The year-on-year change of intensity under the older edition is the change with the
    // 2025 intensity recomputed from the changed totals; it is smaller in magnitude.
    let i24 = figure(&d.before, "intensity.ghg_per_energy", 2024);
    let i25 = figure(&d.after, "intensity.ghg_per_energy", 2025);
    let ch = figure(&d.after, "change.intensity.ghg_per_energy", 2025);
    let want = decimal::div((i25 - i24) * Decimal::ONE_HUNDRED, i24)
        .unwrap()
        .rounded(decimal::FIGURE_DP);
    assert_eq!(ch, want);
    let ch_before = figure(&d.before, "change.intensity.ghg_per_energy", 2025);
    assert!(ch_before < ch && ch < Decimal::ZERO);
    // As the fixture README states (on-site solar in the energy total): −7.0395% with 2023,
    // −1.5483% with 2022.
    assert_eq!(ch_before.round_dp(4), dec("-7.0395"));
    assert_eq!(ch.round_dp(4), dec("-1.5483"));
    assert!(d
        .figures
        .iter()
        .any(|f| f.name == "change.intensity.ghg_per_energy" && f.year == 2025));
    assert_same_as_full_recompute(&d);
}

#[test]
fn fixture_changes_reprice_exactly_like_a_full_recompute() {
    for c in [
        edition("cn-mee-grid@2021"),
        edition("cn-mee-grid@2023"),
        edition("ipcc-gwp@ar6"),
        edition("ipcc-gwp@ar4"),
        Change::parse_set("cn-mee-grid:north=0.7").unwrap(),
        Change::parse_set("ipcc-2006@2006:natural_gas.co2=56000").unwrap(),
        Change::parse_set("ipcc-gwp@ar5:n2o=273").unwrap(),
        Change::parse_set("gbt-2589@2020:electricity=0.1").unwrap(),
    ] {
        let (_, d) = run_diff(Path::new(FIX), &c);
        assert_same_as_full_recompute(&d);
        assert!(!d.figures.is_empty(), "{c}: nothing changed");
        assert!(
            matches!(d.method, Method::Repriced { .. }),
            "{c}: {:?}",
            d.method
        );
    }
    // Natural gas's standard coal divides by 29307 kJ/kgce on every row: a change of that
    // definition cannot be re-priced from the totals, and is recomputed from the rows.
    // So is a calorific value of a fuel given by mass: its standard coal is that energy ÷
    // 29307 kJ/kgce (one calorific basis per row), a division per row.
    for c in [
        Change::parse_set("gbt-2589@2020:standard_coal=29271").unwrap(),
        Change::parse_set("ipcc-2006@2006:diesel.ncv=42.6").unwrap(),
    ] {
        let (_, d) = run_diff(Path::new(FIX), &c);
        assert!(
            matches!(&d.method, Method::Recomputed { reason } if reason.contains("division per row")),
            "{c}: {:?}",
            d.method
        );
        assert!(d.figures.iter().any(|f| f.name == "energy.total_tce"));
        assert_same_as_full_recompute(&d);
    }
}

#[test]
fn the_binary_prints_the_diff_and_the_verdict() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["diff", FIX, "--edition", "cn-mee-grid@2022"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "change: cn-mee-grid → edition 2022",
        "re-priced from the chain totals",
        "Lines whose factor changes (7)",
        "energy.csv:13",
        "cn-mee-grid@2023:north = 0.6361 kg CO2/kWh",
        "cn-mee-grid@2022:north = 0.6776 kg CO2/kWh",
        "change.intensity.ghg_per_energy",
        "The base year (2024) is not recalculated",
    ] {
        assert!(s.contains(needle), "missing `{needle}` in\n{s}");
    }
    let json = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args([
            "diff",
            FIX,
            "--edition",
            "cn-mee-grid@2023",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["verdict"]["significant"], serde_json::Value::Bool(true));
    assert_eq!(v["verdict"]["base_year"], 2024);
    assert_eq!(
        v["lines"].as_array().unwrap().len(),
        3,
        "the three 2024 electricity rows"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["diff", FIX, "--set", "north=1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// Bug (badinputs branch): `diff --set` took what a factor file refuses. A negative value
/// (a sign typo) was applied and the diff exited 0 with scope 2 falling; a value too large for
/// base units failed each row that used it, and a project-local factor's rows with
/// "is not per energy, mass or volume". Both are now usage errors (exit 2) that say why.
#[test]
fn diff_refuses_a_negative_value_or_one_too_large_for_base_units() {
    let run = |set: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args(["diff", FIX, "--set", set])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run("cn-mee-grid@2023:north=-0.5");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("error: --set: `-0.5` is negative: emission factors, calorific values and GWPs are never negative"),
        "{err}"
    );
    // Zero stays a value one may audit (a zero-carbon supply).
    let (code, err) = run("cn-mee-grid@2023:north=0");
    assert_eq!(code, Some(0), "{err}");

    // A project-local grid factor in t CO2/MWh: 7.9 × 10^27 t is 7.9 × 10^30 kg, more than a
    // decimal holds.
    let dir = common::scratch().join(format!("carbonledger-set-overflow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/base");
    std::fs::create_dir_all(dir.join("factors/cat/1")).unwrap();
    for f in ["carbonledger.toml", "facilities.csv", "fugitive.csv"] {
        std::fs::copy(base.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("energy.csv"),
        "facility,period,carrier,quantity,unit,factor,ref,note\n\
         PLANT-1,2024,electricity,1200,MWh,,,\n\
         PLANT-1,2025,electricity,1100,MWh,cat@1:grid,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("factors/cat/1/edition.toml"),
        "set = \"cat\"\nedition = \"1\"\ndescription = \"A local grid factor\"\n\n[citation]\n\
         publisher = \"Test Co.\"\ntitle = \"Test factors\"\npublished = \"2025-01\"\n\
         table = \"Table 1\"\nlicence = \"CC0\"\nurl = \"https://example.org/factors\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("factors/cat/1/factors.csv"),
        "key,value,unit,gas,basis,table,note\ngrid,0.5,t CO2/MWh,CO2,,Table 1,\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("diff")
        .arg(&dir)
        .args(["--set", "cat@1:grid=7922816251426433759354395033"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "error: --set: 7922816251426433759354395033 t CO2/MWh cannot be held exactly: overflow"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------
// Properties over generated projects.

const REGIONS: [&str; 4] = ["north", "central", "east", "south"];
const EDITIONS: [&str; 3] = ["2021", "2022", "2023"];

#[derive(Debug, Clone)]
struct Row {
    facility: usize,
    year: i32,
    kind: usize,
    quantity: Decimal,
}

fn row() -> impl Strategy<Value = Row> {
    (
        0usize..4,
        2024i32..=2025,
        0usize..4,
        1i64..5_000_000,
        0u32..4,
    )
        .prop_map(|(facility, year, kind, m, s)| Row {
            facility,
            year,
            kind,
            quantity: Decimal::new(m, s),
        })
}

fn generated(e24: &str, e25: &str, rows: &[Row], refrigerant: bool) -> std::path::PathBuf {
    let toml = format!(
        r#"organisation = "Generated"
reporting_years = [2024, 2025]
base_year = 2024
[years.2024.editions]
cn-mee-grid = "{e24}"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
[years.2025.editions]
cn-mee-grid = "{e25}"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
"#
    );
    let mut fac = String::from(
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\n",
    );
    for (i, r) in REGIONS.iter().enumerate() {
        fac.push_str(&format!(
            "F{i},Facility {i},CN,cn-mee-grid:{r},100,yes,yes\n"
        ));
    }
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for (i, r) in rows.iter().enumerate() {
        let (carrier, unit) = [
            ("electricity", "MWh"),
            ("electricity", "kWh"),
            ("natural_gas", "GJ"),
            ("diesel", "t"),
        ][r.kind];
        energy.push_str(&format!(
            "F{},{},{carrier},{},{unit},,R{i},\n",
            r.facility, r.year, r.quantity
        ));
    }
    let fugitive = refrigerant.then_some(
        "facility,period,gas,quantity,unit,ref,note\nF0,2024,R-410A,12.5,kg,,\nF1,2025,HFC-134a,3,kg,,\n",
    );
    common::project(&toml, &fac, &energy, fugitive)
}

/// A listing of the first k changed lines is the first k of the whole listing, read from the
/// first changed chain's first row, and counts every changed line all the same (from the
/// changed chains' rows).
fn assert_listing_prefixes(p: &Project, d: &Diff) {
    let listing = |limit: Option<usize>| {
        let mut v = Vec::new();
        let n = audit::changed_lines(p, &d.before.comp, &d.after.comp, OPTS, limit, &mut |l| {
            v.push((
                l.file,
                l.activity.line,
                l.chain_before.year,
                l.after.co2e_kg,
            ))
        })
        .unwrap();
        (n, v)
    };
    let (n, all) = listing(None);
    assert_eq!(n, all.len() as u64);
    for k in [0, 1, all.len() / 2, all.len(), all.len() + 1] {
        let (m, first) = listing(Some(k));
        assert_eq!(m, n, "limit {k}");
        assert_eq!(first[..], all[..k.min(all.len())], "limit {k}");
    }
}

/// Σ over changed lines of each additive figure's measure (after − before) equals the figure's
/// delta; and the same for register figures over changed entries.
fn assert_line_deltas_add_up(p: &Project, d: &Diff) {
    let mut sums: BTreeMap<(String, i32), Decimal> = BTreeMap::new();
    let names = d.before.names();
    audit::changed_lines(p, &d.before.comp, &d.after.comp, OPTS, None, &mut |l| {
        for n in &names {
            if let Some(Definition::Sum { filter, measure }) = definition(n) {
                if filter.covers(l.chain_before) {
                    let delta = decimal::sub(
                        measure.of_line(l.chain_after, l.after).unwrap(),
                        measure.of_line(l.chain_before, l.before).unwrap(),
                    )
                    .unwrap();
                    let e = sums.entry((n.clone(), l.chain_before.year)).or_default();
                    *e = decimal::add(*e, delta).unwrap();
                }
            }
        }
    })
    .unwrap();
    for n in &names {
        let Some(Definition::Sum { measure, .. }) = definition(n) else {
            continue;
        };
        let scale = measure.unit().1;
        for &y in &d.before.years {
            let (Some(b), Some(a)) = (
                d.before.figure(n, y).unwrap(),
                d.after.figure(n, y).unwrap(),
            ) else {
                continue;
            };
            let lines = sums.get(&(n.clone(), y)).copied().unwrap_or_default();
            let fig_delta = decimal::mul(a.value - b.value, scale).unwrap();
            if a.exact && b.exact {
                assert_eq!(lines, fig_delta, "{n} {y}");
            } else {
                // Figures rounded at 16 places of their unit.
                assert!(
                    (lines - fig_delta).abs() <= scale * dec("0.00000000000000011"),
                    "{n} {y}"
                );
            }
        }
    }
    assert_listing_prefixes(p, d);
    for e in &d.entries {
        let _ = e; // registers: checked below by figure
    }
    let mut reg: BTreeMap<(String, i32), Decimal> = BTreeMap::new();
    for e in &d.entries {
        for c in &e.parts_after {
            *reg.entry((c.figure.to_string(), c.year)).or_default() += c.value;
        }
        for c in &e.parts_before {
            *reg.entry((c.figure.to_string(), c.year)).or_default() -= c.value;
        }
    }
    for ((n, y), delta) in reg {
        let b = d
            .before
            .totals
            .get(&n, y)
            .map(|t| t.value)
            .unwrap_or_default();
        let a = d
            .after
            .totals
            .get(&n, y)
            .map(|t| t.value)
            .unwrap_or_default();
        assert_eq!(a - b, delta, "{n} {y}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Diffing the edition a project already uses against itself changes nothing.
    #[test]
    fn diffing_an_edition_against_itself_is_empty(
        rows in proptest::collection::vec(row(), 1..25),
        e in 0usize..3,
        fugitive in any::<bool>(),
    ) {
        let dir = generated(EDITIONS[e], EDITIONS[e], &rows, fugitive);
        let (p, d) = run_diff(&dir, &edition(&format!("cn-mee-grid@{}", EDITIONS[e])));
        prop_assert!(d.chains.is_empty());
        prop_assert!(d.figures.is_empty());
        prop_assert!(d.entries.is_empty());
        let mut n = 0;
        audit::changed_lines(&p, &d.before.comp, &d.after.comp, OPTS, None, &mut |_| n += 1).unwrap();
        prop_assert_eq!(n, 0);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Under any edition change, the changed lines' deltas add up to every additive figure's
    /// delta, and the re-priced figures equal a full recompute.
    #[test]
    fn line_deltas_add_up_to_figure_deltas(
        rows in proptest::collection::vec(row(), 1..25),
        e24 in 0usize..3,
        e25 in 0usize..3,
        to in 0usize..3,
        fugitive in any::<bool>(),
        only_base in any::<bool>(),
    ) {
        let dir = generated(EDITIONS[e24], EDITIONS[e25], &rows, fugitive);
        let years = only_base.then(|| vec![2024]);
        let change = Change::parse_edition(&format!("cn-mee-grid@{}", EDITIONS[to]), years).unwrap();
        let (p, d) = run_diff(&dir, &change);
        assert_line_deltas_add_up(&p, &d);
        assert_same_as_full_recompute(&d);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// The same for one value set to anything.
    #[test]
    fn one_value_line_deltas_add_up(
        rows in proptest::collection::vec(row(), 1..25),
        region in 0usize..4,
        m in 1i64..20_000,
        fugitive in any::<bool>(),
    ) {
        let dir = generated("2022", "2023", &rows, fugitive);
        let change = Change::parse_set(&format!("cn-mee-grid:{}={}", REGIONS[region], Decimal::new(m, 4))).unwrap();
        let (p, d) = run_diff(&dir, &change);
        assert_line_deltas_add_up(&p, &d);
        assert_same_as_full_recompute(&d);
        let _ = std::fs::remove_dir_all(dir);
    }
}

// ---------------------------------------------------------------------------------------
// The year-on-year bridge.

use carbonledger::audit::{bridge, Bridge, Ratio};

fn sum(s: &carbonledger::audit::Split) -> Decimal {
    s.effects.iter().map(|e| e.value).sum()
}

/// Acceptance: the fixture's 2025 change splits with no residual.
#[test]
fn fixture_bridge_adds_up_exactly() {
    let (p, l) = open(Path::new(FIX));
    let b: Bridge = bridge(&p, &l, 2025, OPTS).unwrap();
    let i24 = figure(&l, "intensity.ghg_per_energy", 2024);
    let i25 = figure(&l, "intensity.ghg_per_energy", 2025);
    // The presented effects add up to the published figures' difference, exactly.
    assert_eq!(sum(&b.intensity), i25 - i24);
    assert_eq!(b.intensity.total, i25 - i24);
    let c24 = figure(&l, "ghg.total.location", 2024);
    let c25 = figure(&l, "ghg.total.location", 2025);
    assert_eq!(sum(&b.emissions), c25 - c24);
    let change = figure(&l, "change.intensity.ghg_per_energy", 2025);
    assert_eq!(sum(&b.intensity_pp), change);
    // The exact effects add up to the exact change with no residual: for emissions the
    // figures are exact; for intensity the exact change is C25/A25 − C24/A24 from the sums.
    assert_eq!(b.emissions.exact_total, Ratio::from_decimal(c25 - c24));
    // Energy includes the on-site solar the solar register adds (MWh → J).
    let exact_intensity = |y: i32| {
        let (mut c, mut e) = (Decimal::ZERO, Decimal::ZERO);
        for (ch, a) in l.comp.chains.iter().zip(&l.comp.accums) {
            if ch.year == y {
                c += a.co2e_kg;
                e += a.energy_j;
            }
        }
        e += figure(&l, "energy.by_carrier.onsite_solar", y) * dec("3600000000");
        // kg/J → t/MWh: × 3.6e9 / 1000
        Ratio::from_decimal(c)
            .mul(&Ratio::from_int(3_600_000))
            .div(&Ratio::from_decimal(e))
            .unwrap()
    };
    assert_eq!(
        b.intensity.exact_total,
        exact_intensity(2025).sub(&exact_intensity(2024))
    );
    // Each presented intensity effect is within one unit of the 16th place of its exact value.
    for e in &b.intensity.effects {
        let diff = Ratio::from_decimal(e.value).sub(&e.exact);
        let unit = Ratio::from_decimal(dec("0.0000000000000001"));
        assert!(
            diff.sub(&unit).is_negative() && diff.add(&unit).neg().is_negative(),
            "{}",
            e.id
        );
    }
    // Intensity has no activity effect; the editions effect is the diff of the editions:
    // the 2025 emissions under the 2024 editions (cn-mee-grid 2022) differ by −(that diff).
    assert_eq!(b.intensity.value("activity"), Some(Decimal::ZERO));
    assert_eq!(
        b.editions,
        vec![("cn-mee-grid".into(), "2022".into(), "2023".into())]
    );
    let (_, d) = run_diff(Path::new(FIX), &edition("cn-mee-grid@2022"));
    let moved = figure(&d.after, "ghg.total.location", 2025) - c25;
    assert_eq!(b.emissions.value("factor_editions"), Some(-moved));
    // In percentage points: the change at constant editions is the change under the older
    // edition (diff), up to the figures' own rounding at 16 places.
    let at_old = figure(&d.after, "change.intensity.ghg_per_energy", 2025);
    let ops = change - b.intensity_pp.value("factor_editions").unwrap();
    assert!(
        (ops - at_old).abs() < dec("0.00000000000001"),
        "{ops} vs {at_old}"
    );
    // Within a facility × carrier, the intensity at constant editions does not change.
    assert_eq!(b.emissions.value("source_intensity"), Some(Decimal::ZERO));
    assert!(b
        .answer(p.manifest.rounding)
        .contains("The factor editions (cn-mee-grid 2022 → 2023) account for −5.49 pp"));
}

/// Two facilities on a local grid set chosen for hand arithmetic: A at 0.5 t/MWh (edition e1,
/// 2024) and 0.4 (e2, 2025), B at 0.3 in both; electricity A 1000 → 1000 MWh, B 1000 → 3000.
fn test_grid_project() -> std::path::PathBuf {
    let toml = r#"organisation = "Bridge by hand"
reporting_years = [2024, 2025]
base_year = 2024
[years.2024.editions]
test-grid = "e1"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
[years.2025.editions]
test-grid = "e2"
ipcc-2006 = "2006"
ipcc-gwp = "ar5"
gbt-2589 = "2020"
"#;
    let fac = "id,name,country,grid,equity_share_pct,operational_control,financial_control\n\
        A,A,CN,test-grid:a,100,yes,yes\nB,B,CN,test-grid:b,100,yes,yes\n";
    let energy = "facility,period,carrier,quantity,unit,factor,ref,note\n\
        A,2024,electricity,1000,MWh,,,\nB,2024,electricity,1000,MWh,,,\n\
        A,2025,electricity,1000,MWh,,,\nB,2025,electricity,3000,MWh,,,\n";
    let dir = common::project(toml, fac, energy, None);
    for (ed, a) in [("e1", "0.5"), ("e2", "0.4")] {
        let p = dir.join("factors/test-grid").join(ed);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("edition.toml"), format!("set = \"test-grid\"\nedition = \"{ed}\"\ndescription = \"test values\"\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"L\"\nurl = \"https://example.org\"\n")).unwrap();
        std::fs::write(
            p.join("factors.csv"),
            format!("key,value,unit,gas,basis,table,note\na,{a},kg CO2/kWh,CO2,location,1,\nb,0.3,kg CO2/kWh,CO2,location,1,\n"),
        )
        .unwrap();
    }
    dir
}

/// Two facilities with local factors chosen for hand arithmetic (see comments).
#[test]
fn two_facility_bridge_by_hand() {
    let dir = test_grid_project();
    let (p, l) = open(&dir);
    let b = bridge(&p, &l, 2025, OPTS).unwrap();
    // 2024 (e1): A 1000 × 0.5 + B 1000 × 0.3 = 800 t over 2000 MWh → 0.4 t/MWh
    // 2025 (e2): A 1000 × 0.4 + B 3000 × 0.3 = 1300 t over 4000 MWh → 0.325 t/MWh
    // 2025 at e1:  1000 × 0.5 + 3000 × 0.3 = 1400 t → 0.35 t/MWh
    // Editions: 1300 − 1400 = −100 t; 0.325 − 0.35 = −0.025 t/MWh.
    // Constant editions, shares S: A 0.5 → 0.25, B 0.5 → 0.75; intensities I: A 0.5, B 0.3.
    //   Intensity mix Σ ΔS·(I0+I1)/2 = −0.25·0.5 + 0.25·0.3 = −0.05; source intensity 0.
    //   Emissions (A: 2000 → 4000), activity Σ ΔA·[(S0I0 + S1I1)/3 + (S0I1 + S1I0)/6]
    //     = 2000 · [(0.25 + 0.125)/3 + (0.25 + 0.125)/6 + (0.15 + 0.225)/3 + (0.15 + 0.225)/6]
    //     = 2000 · 0.375 = 750;
    //   mix Σ ΔS·[(A0I0 + A1I1)/3 + (A0I1 + A1I0)/6]
    //     = −0.25 · [(1000 + 2000)/3 + (1000 + 2000)/6] + 0.25 · [(600 + 1200)/3 + (600 + 1200)/6]
    //     = −375 + 225 = −150.
    // pp of the −18.75% change (−0.075 / 0.4 × 100): mix −12.5, editions −6.25.
    let want = |s: &carbonledger::audit::Split, v: [&str; 5]| {
        let got: Vec<Decimal> = s.effects.iter().map(|e| e.value).collect();
        let v: Vec<Decimal> = v.iter().map(|x| dec(x)).collect();
        assert_eq!(got, v, "{}", s.figure);
    };
    want(&b.emissions, ["750", "-150", "0", "0", "-100"]);
    want(&b.intensity, ["0", "-0.05", "0", "0", "-0.025"]);
    want(&b.intensity_pp, ["0", "-12.5", "0", "0", "-6.25"]);
    assert_eq!(b.emissions.total, dec("500"));
    assert_eq!(b.intensity_pp.total, dec("-18.75"));
    assert_eq!(
        b.editions,
        vec![("test-grid".into(), "e1".into(), "e2".into())]
    );
    let a = b.answer(p.manifest.rounding);
    assert!(a.contains("fell 18.75%"), "{a}");
    assert!(
        a.contains("account for −6.25 pp (33.3% of the change)"),
        "{a}"
    );
    let rows = carbonledger::audit::bridge_rows(&p, &l, OPTS);
    // Three energy splits of five effects and a total, then each register figure's split.
    let registers: usize = b.registers.iter().map(|r| r.split.effects.len() + 1).sum();
    assert_eq!(rows.len(), 18 + registers);
    assert!(rows.contains(&(
        2024,
        2025,
        "ghg.total.location".into(),
        "activity".into(),
        dec("750"),
        "t CO2e"
    )));
}

/// Register figures are bridged like the energy lines (issue 12): the project above, with
/// on-site solar at both facilities (self-consumed, displacing the facility's grid factor:
/// `displaced_grid = "location"`, the default). By hand:
///
/// - `ghg.scope2.market`, with the residual mix of CN set to `test-grid:a` and a 1000 MWh green
///   power trade at B in 2025; activity the electricity consumed. 2024: 2000 MWh × 0.5 = 1000 t.
///   2025: A 1000 × 0.4 + B (3000 − 1000) × 0.4 = 1200 t; at the 2024 editions 500 + 1000 = 1500
///   t over 4000 MWh (0.375). Editions 1200 − 1500 = −300; activity 2000 × (0.5 + 0.375)/2 =
///   875; implied factor (0.375 − 0.5) × (2000 + 4000)/2 = −375; together +200.
/// - `avoided.onsite_solar`: 2024 A 100 × 0.5 + B 100 × 0.3 = 80 t over 200 MWh (0.4); 2025
///   A 100 × 0.4 + B 300 × 0.3 = 130 t, at the 2024 editions 100 × 0.5 + 300 × 0.3 = 140 t over
///   400 MWh (0.35). Editions −10; activity 200 × 0.375 = 75; implied factor −0.05 × 300 = −15;
///   together +50.
/// - `energy.renewable.onsite_solar` is an amount: 200 → 400 MWh, all activity.
#[test]
fn register_figures_are_bridged_by_hand() {
    let dir = test_grid_project();
    std::fs::write(
        dir.join("solar.csv"),
        "facility,period,generated,self_consumed,exported,unit,note\n\
         A,2024,100,100,0,MWh,\nB,2024,100,100,0,MWh,\n\
         A,2025,100,100,0,MWh,\nB,2025,300,300,0,MWh,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("instruments.csv"),
        "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n\
         GPT-B,green_power_trade,B,2025,1000,MWh,CN,2025,,,\n",
    )
    .unwrap();
    let toml = std::fs::read_to_string(dir.join("carbonledger.toml")).unwrap();
    std::fs::write(
        dir.join("carbonledger.toml"),
        format!("{toml}[renewables.residual_mix]\nCN = \"test-grid:a\"\n"),
    )
    .unwrap();
    let (p, l) = open(&dir);
    let b = bridge(&p, &l, 2025, OPTS).unwrap();
    assert_eq!(b.register_note, None);
    let split = |name: &str| {
        let r = b
            .registers
            .iter()
            .find(|r| r.split.figure == name)
            .unwrap_or_else(|| panic!("no split of {name}"));
        let effects: Vec<(&str, Decimal)> =
            r.split.effects.iter().map(|e| (e.id, e.value)).collect();
        (r.basis, r.before, r.after, effects)
    };
    assert_eq!(
        split("ghg.scope2.market"),
        (
            Some("MWh"),
            dec("1000"),
            dec("1200"),
            vec![
                ("activity", dec("875")),
                ("implied_factor", dec("-375")),
                ("factor_editions", dec("-300"))
            ]
        )
    );
    assert_eq!(
        split("avoided.onsite_solar"),
        (
            Some("MWh"),
            dec("80"),
            dec("130"),
            vec![
                ("activity", dec("75")),
                ("implied_factor", dec("-15")),
                ("factor_editions", dec("-10"))
            ]
        )
    );
    assert_eq!(
        split("energy.renewable.onsite_solar").3,
        vec![
            ("activity", dec("200")),
            ("implied_factor", dec("0")),
            ("factor_editions", dec("0"))
        ]
    );
    // The same splits are rows of bridge.csv, and the binary prints them.
    let rows = carbonledger::audit::bridge_rows(&p, &l, OPTS);
    assert!(rows.contains(&(
        2024,
        2025,
        "avoided.onsite_solar".into(),
        "implied_factor".into(),
        dec("-15"),
        "t CO2e"
    )));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["bridge", dir.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let solar = v["registers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["figure"] == "avoided.onsite_solar")
        .unwrap();
    assert_eq!(
        (
            solar["activity_unit"].as_str(),
            solar["total"].as_str(),
            solar["effects"][0]["value"].as_str()
        ),
        (Some("MWh"), Some("50"), Some("75"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_binary_answers_how_much_is_the_new_edition() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["bridge", FIX])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "Year-on-year bridge 2024 → 2025",
        "factor editions (cn-mee-grid 2022 → 2023)",
        "total change",
        "fell 7.04% from 2024 to 2025",
        "account for −5.49 pp",
    ] {
        assert!(s.contains(needle), "missing `{needle}` in\n{s}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// On any project with energy in both years, every split adds up to its figures' change
    /// exactly, and its exact effects to the exact change.
    #[test]
    fn bridges_add_up_on_generated_projects(
        rows in proptest::collection::vec(row(), 1..25),
        e24 in 0usize..3,
        e25 in 0usize..3,
        fugitive in any::<bool>(),
    ) {
        let mut rows = rows;
        // Energy in both years.
        rows.push(Row { facility: 0, year: 2024, kind: 0, quantity: dec("10") });
        rows.push(Row { facility: 1, year: 2025, kind: 2, quantity: dec("10") });
        let dir = generated(EDITIONS[e24], EDITIONS[e25], &rows, fugitive);
        let (p, l) = open(&dir);
        let b = bridge(&p, &l, 2025, OPTS).unwrap();
        let fig = |n: &str, y| figure(&l, n, y);
        prop_assert_eq!(sum(&b.emissions), fig("ghg.total.location", 2025) - fig("ghg.total.location", 2024));
        prop_assert_eq!(&b.emissions.exact_total, &Ratio::from_decimal(b.emissions.total));
        prop_assert_eq!(sum(&b.intensity), fig("intensity.ghg_per_energy", 2025) - fig("intensity.ghg_per_energy", 2024));
        prop_assert_eq!(sum(&b.intensity_pp), fig("change.intensity.ghg_per_energy", 2025));
        prop_assert_eq!(b.editions.is_empty(), e24 == e25);
        if e24 == e25 {
            prop_assert!(b.emissions.effects.iter().all(|e| e.id != "factor_editions" || e.exact.is_zero()));
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A changed register line: `(file:line, figure, year, before, after)`.
type RegisterLine = (String, String, i32, Option<Decimal>, Option<Decimal>);

/// The register lines of a diff (every changed line of every entry).
fn register_lines(d: &Diff) -> Vec<RegisterLine> {
    d.entries
        .iter()
        .flat_map(|e| {
            e.lines.iter().map(move |(b, a)| {
                let l = a.as_ref().or(b.as_ref()).unwrap();
                (
                    format!("{}:{}", e.file.rsplit('/').next().unwrap(), e.line),
                    l.figure.clone(),
                    l.year,
                    b.as_ref().map(|x| x.value.normalize()),
                    a.as_ref().map(|x| x.value.normalize()),
                )
            })
        })
        .collect()
}

/// Issue 12, item 2: `diff --set` of a residual mix lists the register lines that read it —
/// the market-based remainders and the abatement project that displaces it — like energy
/// lines, from the same line model as lines.csv.
#[test]
fn a_residual_mix_change_lists_the_register_lines_that_read_it() {
    let (_, d) = run_diff(
        Path::new(FIX),
        &Change::parse_set("cn-mee-grid@2023:national_excl_market_nonfossil=0.5").unwrap(),
    );
    let lines = register_lines(&d);
    // WH-HOME 2025: 40 000 MWh consumed, 6 000 MWh covered by instruments: 40 000 × 0.85 ×
    // 0.6096 kg/kWh = 20 726.4 t before, 40 000 × 0.85 × 0.5 = 17 000 t after.
    assert!(
        lines.contains(&(
            "energy.csv:0".into(),
            "ghg.scope2.market".into(),
            2025,
            Some(dec("20726.4")),
            Some(dec("17000"))
        )),
        "{lines:#?}"
    );
    // hypercasting saves 182 万kWh = 1 820 MWh of grid electricity at the residual mix:
    // 1 820 × 0.6096 = 1 109.472 t before, 1 820 × 0.5 = 910 t after.
    assert!(
        lines.contains(&(
            "abatement.csv:5".into(),
            "avoided.hypercasting".into(),
            2025,
            Some(dec("1109.472")),
            Some(dec("910"))
        )),
        "{lines:#?}"
    );
    // Every changed line reads the changed value, or is one of its entry's lines whose value
    // moved; none of 2024 (the 2022 edition) moves.
    assert!(lines.iter().all(|l| l.2 == 2025), "{lines:#?}");
}

/// Issue 12, item 2: `diff --set` of a freight intensity lists the legs' lines and the
/// mode-shift lines that deduct those legs.
#[test]
fn a_freight_intensity_change_lists_the_leg_and_counterfactual_lines() {
    let (_, d) = run_diff(
        Path::new(FIX),
        &Change::parse_set("desnz@2025:freight.rail=0.03").unwrap(),
    );
    let lines = register_lines(&d);
    // Line 13: 52 300 kg × 11 179 km = 584 661.7 tkm; × 0.02779 kg CO2e/tkm = 16.247748643 t,
    // × 0.03 = 17.539851 t.
    let ttw = (
        "shipments.csv:13".to_string(),
        "ghg.scope3.cat4.ttw".to_string(),
        2025,
        Some(dec("16.247748643")),
        Some(dec("17.539851")),
    );
    assert!(lines.contains(&ttw), "{lines:#?}");
    // The mode shift from air deducts the leg's actual emissions: the same line, × −1.
    assert!(
        lines.contains(&(
            "shipments.csv:13".into(),
            "avoided.logistics.mode_shift".into(),
            2025,
            Some(dec("-16.247748643")),
            Some(dec("-17.539851"))
        )),
        "{lines:#?}"
    );
    // Four rail legs, each: scope 3, cat4, cat4.ttw, by_mode.rail and three mode-shift
    // figures.
    assert_eq!(lines.len(), 28, "{lines:#?}");
}

/// Issue 12: `diff --format json` lists the changed lines of every kind — the energy rows under
/// `lines`, each register entry's rows of lines.csv under `entries[].lines`.
#[test]
fn diff_json_lists_energy_and_register_lines() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .arg("diff")
            .arg(FIX)
            .args(args)
            .args(["--format", "json"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let lines_of = |v: &serde_json::Value, at: &str| -> Vec<serde_json::Value> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["at"].as_str().unwrap().ends_with(at))
            .flat_map(|e| e["lines"].as_array().unwrap().clone())
            .collect()
    };
    // The rail leg of shipments.csv line 13 (hand numbers above): its tank-to-wheel line.
    let v = json(&["--set", "desnz@2025:freight.rail=0.03"]);
    let leg = lines_of(&v, "shipments.csv:13");
    let ttw = leg
        .iter()
        .find(|l| l["figure"] == "ghg.scope3.cat4.ttw")
        .unwrap();
    assert_eq!(
        (
            ttw["before"].as_str(),
            ttw["after"].as_str(),
            ttw["delta"].as_str(),
            ttw["factors_before"][0].as_str(),
            ttw["factors_after"][0].as_str()
        ),
        (
            Some("16.247748643"),
            Some("17.539851"),
            Some("1.292102357"),
            Some("desnz@2025:freight.rail = 0.02779"),
            Some("desnz@2025:freight.rail = 0.03")
        )
    );
    assert_eq!(leg.len(), 7, "{leg:#?}");
    // The 2022 grid edition: the energy rows, and the electricity saving of abatement.csv line
    // 5 (182万kWh = 1 820 MWh) at the residual mix, 0.6096 → 0.5856 kg CO2/kWh:
    // 1 109.472 → 1 065.792 t.
    let v = json(&["--edition", "cn-mee-grid@2022"]);
    assert!(!v["lines"].as_array().unwrap().is_empty());
    let saving = lines_of(&v, "abatement.csv:5");
    let own = saving
        .iter()
        .find(|l| l["figure"] == "avoided.hypercasting")
        .unwrap();
    assert_eq!(
        (own["before"].as_str(), own["after"].as_str()),
        (Some("1109.472"), Some("1065.792"))
    );
}

fn explain(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Issue 12, item 2: `explain` of a register figure prints its lines from the one line model,
/// in the trace format of the energy lines, and they sum to the figure.
#[test]
fn explain_prints_register_figures_as_lines() {
    let (code, s) = explain(&[FIX, "ghg.scope2.market", "--year", "2025"]);
    assert_eq!(code, 0, "{s}");
    for needle in [
        "energy.csv  WH-HOME  2025  WH-HOME 2025 electricity, market-based  (product)",
        "    allocation × 0.85 (electricity consumed",
        "    CO2       × cn-mee-grid@2023:national_excl_market_nonfossil = 0.6096 kg CO2/kWh",
        "    →         20726.4 t CO2e",
        "sum to 260299.2 t CO2e: equal to the figure",
    ] {
        assert!(s.contains(needle), "{needle:?} not in\n{s}");
    }
    // The SAF reduction: 237.5407928528 t × 35% × (89 − 13.9) ÷ 89, deducted.
    let (code, s) = explain(&[FIX, "ghg.scope3.cat4"]);
    assert_eq!(code, 0, "{s}");
    for needle in [
        "    saf share × 0.35 (shipments.csv saf_share_pct)",
        "    reduction × 75.1/89 (1 − icao-corsia@default-values:hefa.uco ÷ icao-corsia@default-values:fossil_jet.baseline)",
        "    deducted  × -1",
        "equal to the figure",
    ] {
        assert!(s.contains(needle), "{needle:?} not in\n{s}");
    }
    // Every register figure of 2025 (the products' aside) is explained by lines that sum to it.
    let (p, l) = open(Path::new(FIX));
    let _ = p;
    for n in l
        .register_names
        .iter()
        .filter(|n| !n.starts_with("product."))
    {
        if l.figure(n, 2025).unwrap().is_none() {
            continue;
        }
        let (code, s) = explain(&[FIX, n, "--year", "2025"]);
        assert_eq!(code, 0, "{n}: {s}");
    }
}

/// Every published value the fixture's figures read: the chains' factors and every factor
/// a register entry's lines or steps cite, as `SET@EDITION:KEY` with its value.
fn cited_factors(p: &Project, l: &Ledger) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    for c in &l.comp.chains {
        for u in c.used_factors() {
            out.insert(u.reference.to_string(), u.value);
        }
    }
    let facility = |i: usize| p.facilities.list[i].id.clone();
    carbonledger::ledger::run_registers(p, &l.comp, false, &mut |e| {
        for u in e.steps.iter().filter_map(|s| s.factor.as_ref()) {
            out.insert(u.reference.to_string(), u.value);
        }
        for line in carbonledger::export::entry_lines(e, &facility) {
            out.extend(audit::line_factors(&line));
        }
    });
    out
}

/// `diff` with the registers' digests (`Ledger::from_computation_digested`, as the command
/// loads it) runs again, traced, only the registers whose entries differ. For every value
/// the fixture reads, set one at a time to one more than published, and for every other
/// edition of each set it uses, the register entries listed are exactly those of the diff
/// that runs every register traced (a ledger without digests).
#[test]
fn skipping_registers_by_digest_lists_the_same_entries_for_every_factor_and_edition() {
    let p = Project::open(Path::new(FIX)).unwrap();
    let comp = compute(&p, OPTS).unwrap();
    let plain = Ledger::from_computation(&p, comp.clone(), false);
    let digested = Ledger::from_computation_digested(&p, comp, false);
    assert_eq!(
        digested.register_run.digests.len(),
        carbonledger::register::registers().len()
    );
    let mut changes: Vec<Change> = cited_factors(&p, &plain)
        .into_iter()
        .map(|(r, v)| Change::parse_set(&format!("{r}={}", v + Decimal::ONE)).unwrap())
        .collect();
    let sets: std::collections::BTreeSet<String> = changes
        .iter()
        .map(|c| match c {
            Change::Value { reference, .. } => reference.set.clone(),
            Change::Edition { set, .. } => set.clone(),
        })
        .collect();
    for set in &sets {
        for ed in p.library.editions_of(set) {
            changes.push(edition(&format!("{set}@{}", ed.edition)));
        }
    }
    assert!(changes.len() > 20, "{} changes", changes.len());
    let (mut compared, mut listed, mut skipped) = (0, 0, 0);
    for change in &changes {
        let full = audit::diff(&p, plain.clone(), change, OPTS, false);
        let fast = audit::diff(&p, digested.clone(), change, OPTS, false);
        let (full, fast) = match (full, fast) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{change:?}");
                continue;
            }
            (a, b) => panic!("{change:?}: {:?} against {:?}", a.err(), b.err()),
        };
        assert_eq!(full.entries, fast.entries, "{change:?}");
        compared += 1;
        listed += usize::from(!fast.entries.is_empty());
        let (db, da) = (
            &fast.before.register_run.digests,
            &fast.after.register_run.digests,
        );
        skipped += db.iter().zip(da).filter(|(b, a)| b == a).count();
    }
    // Not vacuous: changes that list entries, and registers that were skipped.
    assert!(
        compared > 20 && listed > 5 && skipped > 20,
        "{compared} compared, {listed} listing entries, {skipped} registers skipped"
    );
}

/// The register lines of `diff`'s table are listed up to `--max-lines`, as the energy lines
/// are, with a count of the rest; `--max-lines 0` and JSON list every one. The fixture's
/// residual mix (China's substitute) is read by the 2025 market-based entries and by the
/// avoided-emissions counterfactuals.
#[test]
fn diff_lists_register_lines_up_to_max_lines() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args([
                "diff",
                FIX,
                "--set",
                "cn-mee-grid@2023:national_excl_market_nonfossil=0.9",
            ])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    // Every register line, as JSON lists them (each entry's changed lines).
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--max-lines", "2", "--format", "json"])).unwrap();
    let listed: usize = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["lines"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(listed > 2, "{json}");
    // Table rows of the register-lines table: those naming an input file and a line.
    let title = format!("Register lines whose factor or value changes ({listed})");
    let rows = |s: &str| {
        let table = s
            .split(title.as_str())
            .nth(1)
            .unwrap_or_else(|| panic!("no `{title}` in\n{s}"));
        let table = table.split("Figures that change").next().unwrap();
        table.lines().filter(|l| l.contains(".csv")).count()
    };
    let two = run(&["--max-lines", "2"]);
    assert_eq!(rows(&two), 2, "{two}");
    let more = format!("… and {} more register line(s)", listed - 2);
    assert!(two.contains(&more), "{two}");
    let all = run(&["--max-lines", "0"]);
    assert_eq!(rows(&all), listed, "{all}");
    assert!(!all.contains("more register line(s)"), "{all}");
}

/// The chains of `diff`'s table are listed up to `--max-lines` too, with a count of the rest:
/// the fixture's north-China grid value of 2023 is read by the 2025 electricity chains of its
/// three facilities in that grid (BJ-PHONE, BJ-CAR, BJ-HQ).
#[test]
fn diff_lists_chains_up_to_max_lines() {
    let run = |max: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args(["diff", FIX, "--set", "cn-mee-grid@2023:north=0.9"])
            .args(["--max-lines", max])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let title = "Chains whose factors change (3)";
    let rows = |s: &str| {
        let table = s
            .split(title)
            .nth(1)
            .unwrap_or_else(|| panic!("no `{title}` in\n{s}"));
        let table = table.split("Lines whose factor changes").next().unwrap();
        ["BJ-PHONE", "BJ-CAR", "BJ-HQ"]
            .iter()
            .filter(|id| table.contains(&format!(" {id} ")))
            .count()
    };
    let two = run("2");
    assert_eq!(rows(&two), 2, "{two}");
    assert!(two.contains("… and 1 more chain(s)"), "{two}");
    let all = run("0");
    assert_eq!(rows(&all), 3, "{all}");
    assert!(!all.contains("more chain(s)"), "{all}");
}

/// `audit::ledgers` makes the ledger before a change on a second thread while it re-prices
/// and makes the ledger after (what `carbonledger diff` runs): with one thread or two, its
/// diff is the diff `audit::diff` makes one step after the other, change for change — the
/// chains, figures, register entries, verdict, method and pinned rows, every field.
#[test]
fn both_ledgers_at_once_give_the_diff_of_one_after_the_other() {
    let p = Project::open(Path::new(FIX)).unwrap_or_else(|e| panic!("{e:#?}"));
    let comp = compute(&p, OPTS).unwrap_or_else(|e| panic!("{e:#?}"));
    let mut listed_entries = 0;
    for c in [
        Change::parse_set("cn-mee-grid@2023:north=0.9").unwrap(),
        Change::parse_set("cn-mee-grid@2023:national_excl_market_nonfossil=0.9").unwrap(),
        edition("cn-mee-grid@2022"),
        edition("ipcc-gwp@ar6"),
        Change::parse_set("ipcc-2006@2006:diesel.ncv=42.6").unwrap(),
    ] {
        let before = Ledger::from_computation_digested(&p, comp.clone(), false);
        let serial = audit::diff(&p, before, &c, OPTS, true).unwrap_or_else(|e| panic!("{e}"));
        let shown = |d: &Diff| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                d.chains, d.figures, d.entries, d.verdict, d.method, d.pinned
            )
        };
        for threads in [1, 2] {
            let options = RunOptions {
                strict: false,
                threads,
            };
            let (before, after) = audit::ledgers(&p, comp.clone(), &c, options);
            let after = after.unwrap_or_else(|e| panic!("{e}"));
            let d = audit::diff_against(&p, before, after, &c, options, true)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(shown(&d), shown(&serial), "{c}, {threads} thread(s)");
        }
        assert!(!serial.figures.is_empty(), "{c}: nothing changed");
        listed_entries += serial.entries.len();
    }
    assert!(listed_entries > 0, "no change listed a register entry");
}

/// `diff --format json` writes each changed line as it is read again (millions over a large
/// project are never held): the JSON lists as many lines as the table counts, every line the
/// table lists with `--max-lines 0` in the same order, and `-o FILE` holds the bytes of
/// standard output. The fixture's north-China grid value of 2023 is read by the 2025
/// electricity rows of its three facilities in that grid.
#[test]
fn diff_json_lists_every_changed_line_as_the_table_does() {
    let dir = std::env::temp_dir().join(format!("carbonledger-diff-o-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("diff.json");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args(["diff", FIX, "--set", "cn-mee-grid@2023:north=0.9"])
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let json = run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lines = v["lines"].as_array().unwrap();
    let table = run(&["--max-lines", "0"]);
    let title = format!("Lines whose factor changes ({})", lines.len());
    assert!(
        lines.len() > 3 && table.contains(&title),
        "{title}\n{table}"
    );
    // The table's rows name `file:line` first, in the order JSON lists them.
    let at: Vec<&str> = lines.iter().map(|l| l["at"].as_str().unwrap()).collect();
    let listed = table.split(title.as_str()).nth(1).unwrap();
    let mut from = 0;
    for a in &at {
        let i = listed[from..]
            .find(&format!(" {a} "))
            .unwrap_or_else(|| panic!("{a} not in the table after {from}\n{listed}"));
        from += i + a.len();
    }
    assert_eq!(run(&["--format", "json", "-o", file.to_str().unwrap()]), "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), json);
    std::fs::remove_dir_all(&dir).unwrap();
}
