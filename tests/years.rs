//! Recomputing any year (issue 15): an April–March year, bills split by days, facilities
//! acquired and divested, breakdowns, intensity per revenue, the base-year restatement.
//!
//! Every number is by hand from one published factor: the MEE/NBS 2023 East China grid factor,
//! cn-mee-grid@2023:east = 0.5500 kg CO2/kWh (生态环境部 关于发布2023年电力二氧化碳排放因子的公告,
//! regional table), with the AR5 GWP of CO2 = 1: t CO2e = MWh × 0.55.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::RunOptions;
use carbonledger::ledger::{compute_ledger, Ledger};
use carbonledger::project::Project;
use carbonledger::years::{groups, GroupBy};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn write_project(files: &[(&str, &str)]) -> PathBuf {
    let dir = common::scratch().join(format!(
        "carbonledger-years-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn manifest(extra: &str, years: &[i32], base: i32) -> String {
    let mut s = format!(
        "organisation = \"Three Years Ltd\"\n{extra}\nreporting_years = {years:?}\nbase_year = {base}\nsignificance_threshold = \"5%\"\n"
    );
    for y in years {
        s.push_str(&format!(
            "\n[years.{y}.editions]\ncn-mee-grid = \"2023\"\nipcc-2006 = \"2006\"\nipcc-gwp = \"ar5\"\ngbt-2589 = \"2020\"\n"
        ));
    }
    s
}

fn ledger(dir: &Path) -> (Project, Ledger) {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:?}"));
    let l = compute_ledger(&p, RunOptions::default()).unwrap_or_else(|d| panic!("{d:?}"));
    (p, l)
}

fn fig(l: &Ledger, name: &str, year: i32) -> Decimal {
    l.figure(name, year)
        .unwrap()
        .unwrap_or_else(|| panic!("{name} {year} has no value"))
        .value
}

const FACILITIES: &str = "\
id,name,country,grid,equity_share_pct,operational_control,financial_control,from,from_event,to,to_event,tags
HQ,Head office,CN,cn-mee-grid:east,100,yes,yes,,,,,business_unit=Corporate
NEW,Acquired plant,CN,cn-mee-grid:east,100,yes,yes,2024-10-01,acquisition,,,business_unit=Manufacturing
OLD,Divested plant,CN,cn-mee-grid:east,100,yes,yes,,,2025-06-30,divestment,business_unit=Manufacturing
";

/// FY2023 = 2023-04-01..2024-03-31 (366 days: 29 February 2024), FY2024 = 2024-04-01..
/// 2025-03-31 (365 days), FY2025 = 2025-04-01..2026-03-31.
const ENERGY: &str = "\
facility,period,carrier,quantity,unit,factor,ref,note
HQ,2023,electricity,1000,MWh,,,
HQ,2024-04-01..2025-02-28,electricity,1100,MWh,,,
HQ,2025-03-01..2025-04-30,electricity,610,MWh,,,bill across the year end
HQ,2025-05-01..2026-03-31,electricity,1200,MWh,,,
NEW,2023,electricity,3650,MWh,,,before the acquisition
NEW,2024,electricity,3650,MWh,,,
NEW,2025,electricity,4000,MWh,,,
OLD,2023,electricity,2000,MWh,,,
OLD,2024,electricity,2000,MWh,,,
OLD,2025-04-01..2025-06-30,electricity,500,MWh,,,
";

const METRICS: &str = "\
period,metric,value,unit,note
2023,revenue,50,USD million,
2024,revenue,60,USD million,
2025,revenue,80,USD million,
";

fn acceptance_project() -> PathBuf {
    write_project(&[
        (
            "carbonledger.toml",
            &manifest("year_start = \"04-01\"", &[2023, 2024, 2025], 2023),
        ),
        ("facilities.csv", FACILITIES),
        ("energy.csv", ENERGY),
        ("metrics.csv", METRICS),
    ])
}

#[test]
fn three_april_years_with_an_acquisition_and_a_divestment() {
    let dir = acceptance_project();
    let (p, l) = ledger(&dir);
    // The bill 2025-03-01..2025-04-30 (61 days) is split by days: 31/61 × 610 = 310 MWh in
    // FY2024, 30/61 × 610 = 300 MWh in FY2025.
    // NEW, acquired 2024-10-01, counts from its date: FY2024 has 182 of its 365 days,
    // 3650 × 182/365 = 1820 MWh; its FY2023 row is outside the boundary.
    // OLD, divested after 2025-06-30, counts until its date (its FY2025 bill ends then).
    let by = GroupBy::Facility;
    let mwh = |y: i32| {
        groups::by_group(&p, &l.comp, "energy.total", y, &by)
            .unwrap()
            .unwrap()
    };
    let fy24 = mwh(2024);
    assert_eq!(fy24["HQ"].value, d("1410")); // 1100 + 310
    assert_eq!(fy24["NEW"].value, d("1820"));
    assert_eq!(fy24["OLD"].value, d("2000"));
    let fy25 = mwh(2025);
    assert_eq!(fy25["HQ"].value, d("1500")); // 300 + 1200
    assert_eq!(fy25["NEW"].value, d("4000"));
    assert_eq!(fy25["OLD"].value, d("500"));
    let fy23 = mwh(2023);
    assert!(
        !fy23.contains_key("NEW"),
        "NEW was not in the boundary in FY2023"
    );
    // Totals: FY2023 3000 MWh → 1650 t; FY2024 5230 MWh → 2876.5 t; FY2025 6000 MWh → 3300 t.
    assert_eq!(fig(&l, "ghg.total.location", 2023), d("1650"));
    assert_eq!(fig(&l, "ghg.total.location", 2024), d("2876.5"));
    assert_eq!(fig(&l, "ghg.total.location", 2025), d("3300"));

    // The base year restated (GHG Protocol Corporate Standard ch. 5): NEW's FY2023 emissions
    // added (3650 × 0.55 = 2007.5 t), OLD's removed (2000 × 0.55 = 1100 t):
    // 1650 + 2007.5 − 1100 = 2557.5 t, +55% ≥ 5%: restated.
    let r = l.restatement().unwrap().unwrap();
    assert_eq!((r.original, r.restated), (d("1650"), d("2557.5")));
    assert_eq!(r.change_pct, Some(d("55")));
    assert!(r.restate);
    let moves: Vec<(String, &str, Decimal)> = r
        .moves
        .iter()
        .map(|m| (m.facility.clone(), m.event.name(), m.delta))
        .collect();
    assert_eq!(
        moves,
        vec![
            ("NEW".to_string(), "acquisition", d("2007.5")),
            ("OLD".to_string(), "divestment", d("-1100"))
        ]
    );
    assert_eq!(fig(&l, "restated.ghg.total.location", 2023), d("2557.5"));
    // change_vs_base FY2025 = (3300 − 2557.5) / 2557.5 × 100 = 29.03225806451612903…%
    assert_eq!(
        fig(&l, "change_vs_base.ghg.total.location", 2025).round_dp(12),
        d("29.032258064516")
    );

    // Intensity per revenue by hand: 3300 t / USD 80 million = 41.25 t CO2e per USD million;
    // FY2024: 2876.5 / 60 = 47.941666…
    assert_eq!(
        fig(&l, "intensity.revenue.ghg_total_location", 2025),
        d("41.25")
    );
    assert_eq!(
        l.figure("intensity.revenue.ghg_total_location", 2025)
            .unwrap()
            .unwrap()
            .unit,
        "t CO2e/USD million"
    );
    assert_eq!(
        fig(&l, "intensity.revenue.ghg_total_location", 2024).round_dp(6),
        d("47.941667")
    );
    // Its year-on-year change: (41.25 − 47.941666…) / 47.941666… = −13.957934990…%
    assert_eq!(
        fig(&l, "change.intensity.revenue.ghg_total_location", 2025).round_dp(6),
        d("-13.957935")
    );

    // compute prints the year rule and the verdict, naming what moved the base year.
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["compute"])
        .arg(&dir)
        .args(["--years", "all", "--by", "facility"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Reporting year 2025 = 2025-04-01..2026-03-31"),
        "{text}"
    );
    assert!(text.contains("RESTATED"), "{text}");
    assert!(
        text.contains("Moved by: NEW acquisition from 2024-10-01 +2007.5 t CO2e; OLD divestment after 2025-06-30 −1100.0 t CO2e"),
        "{text}"
    );
    assert!(text.contains("2023 restated"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The groups of every breakdown add up to the figure, in every year, by facility, country
/// and tag; returns the figures checked.
fn assert_groups_add_up(p: &Project, l: &Ledger) -> std::collections::BTreeSet<String> {
    let mut checked = std::collections::BTreeSet::new();
    for by in [
        GroupBy::Facility,
        GroupBy::Country,
        GroupBy::Tag("business_unit".into()),
    ] {
        let mut sums: std::collections::BTreeMap<(String, i32), (Decimal, bool)> =
            std::collections::BTreeMap::new();
        for r in groups::breakdown(p, l, None, &by).unwrap() {
            if r.figure.name.starts_with("intensity.") || r.figure.name.starts_with("change") {
                continue;
            }
            let e = sums
                .entry((r.figure.name.clone(), r.figure.year))
                .or_insert((Decimal::ZERO, true));
            e.0 += r.figure.value;
            e.1 &= r.figure.exact;
        }
        for ((n, y), (sum, exact)) in sums {
            let total = l.figure(&n, y).unwrap().unwrap();
            if exact && total.exact {
                assert_eq!(sum, total.value, "{n} {y} by {}", by.name());
                checked.insert(n);
            }
        }
    }
    checked
}

#[test]
fn figures_by_facility_country_and_tag_add_up_to_the_totals() {
    let dir = acceptance_project();
    let (p, l) = ledger(&dir);
    let checked = assert_groups_add_up(&p, &l);
    // Market-based scope 2 is computed per facility and year: it is broken down too.
    for n in [
        "ghg.total.location",
        "ghg.scope2.market",
        "ghg.total.market",
        "energy.total",
    ] {
        assert!(checked.contains(n), "{n} not broken down: {checked:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_generated_project_breaks_down_exactly() {
    // A deterministic generator (64-bit LCG, Knuth's MMIX constants): 12 facilities in three
    // countries and two business units, some entering or leaving, 400 rows of months, quarters,
    // years and day ranges with quantities of up to three decimals.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let mut fac = String::from("id,name,country,grid,equity_share_pct,operational_control,financial_control,from,from_event,to,to_event,tags\n");
    let countries = ["CN", "HK", "SG"];
    for i in 0..12 {
        let (from, fe) = if i % 5 == 1 {
            ("2024-07-15", "acquisition")
        } else if i % 7 == 2 {
            ("2024-01-01", "opening")
        } else {
            ("", "")
        };
        let (to, te) = if i % 6 == 3 {
            ("2025-02-10", "divestment")
        } else {
            ("", "")
        };
        fac.push_str(&format!(
            "F{i},Site {i},{},cn-mee-grid:east,{},yes,yes,{from},{fe},{to},{te},business_unit={}\n",
            countries[i % 3],
            50 + 10 * (i % 6),
            if i % 2 == 0 { "A" } else { "B" }
        ));
    }
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for r in 0..400 {
        let f = next(12);
        let period = match next(4) {
            0 => format!("{}", 2024 + next(2)),
            1 => format!("{}-Q{}", 2024 + next(2), 1 + next(4)),
            2 => format!("{}-{:02}", 2024 + next(2), 1 + next(12)),
            _ => {
                let start = 1 + next(27);
                format!(
                    "2024-{:02}-{start:02}..2025-{:02}-{:02}",
                    1 + next(12),
                    1 + next(12),
                    1 + next(28)
                )
            }
        };
        let q = format!("{}.{:03}", next(100_000), next(1000));
        let carrier = if next(3) == 0 {
            "diesel"
        } else {
            "electricity"
        };
        let unit = if carrier == "diesel" { "t" } else { "MWh" };
        energy.push_str(&format!("F{f},{period},{carrier},{q},{unit},,r{r},\n"));
    }
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest(
                "consolidation = \"equity_share\"\nsplit_decimals = 6",
                &[2024, 2025],
                2024,
            ),
        ),
        ("facilities.csv", &fac),
        ("energy.csv", &energy),
    ]);
    let (p, l) = ledger(&dir);
    assert!(
        l.comp.files[0].split > 0,
        "the generator gives rows split by days"
    );
    assert!(
        l.comp.files[0].outside > 0,
        "and rows outside a facility's dates"
    );
    assert_groups_add_up(&p, &l);
    // Every row read is used or rejected.
    let f = &l.comp.files[0];
    assert_eq!(f.read, f.used + f.rejected);
    assert_eq!(f.read, 400);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_split_is_exact_rounded_by_the_manifest_or_refused() {
    // 100 MWh over 2024-12-01..2025-01-30 (61 days): 31/61 × 100 = 50.8196721… does not
    // terminate. Without split_decimals the row is refused (inexact-split); with
    // split_decimals = 3 it is 50.820 MWh in 2024 and the remainder 49.180 MWh in 2025.
    let fac = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:east\n";
    let rows =
        "facility,period,carrier,quantity,unit\nF1,2024-12-01..2025-01-30,electricity,100,MWh\n";
    let refused = write_project(&[
        ("carbonledger.toml", &manifest("", &[2024, 2025], 2024)),
        ("facilities.csv", fac),
        ("energy.csv", rows),
    ]);
    let p = Project::open(&refused).unwrap();
    let c = carbonledger::calc::compute(&p, RunOptions::default()).unwrap();
    assert_eq!(c.files[0].rejected, 1);
    assert!(c.diagnostics.iter().any(|d| d.code == "inexact-split"));
    let rounded = write_project(&[
        (
            "carbonledger.toml",
            &manifest("split_decimals = 3", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("energy.csv", rows),
    ]);
    let (_, l) = ledger(&rounded);
    assert_eq!(fig(&l, "energy.total", 2024), d("50.820"));
    assert_eq!(fig(&l, "energy.total", 2025), d("49.180"));
    assert_eq!(
        fig(&l, "energy.total", 2024) + fig(&l, "energy.total", 2025),
        d("100"),
        "the parts add up to the row"
    );
    // explain shows the split on the line.
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&rounded)
        .args(["energy.total", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("split     30/61 days of 2024-12-01..2025-01-30 → 2025-01-01..2025-01-30: 100 × 30/61 (the remainder of the row after the other parts (rounded to 3 places)"),
        "{text}"
    );
    for dir in [refused, rounded] {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn calendar_years_are_not_split_and_the_xiaomi_fixture_is_unchanged() {
    // The reference fixture has calendar years and no boundary dates: no row is split, and
    // its published-claim figures are as before (README worked example: total location-based
    // 2025 = 309,086.7 t CO2e, rounded for display).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let (_, l) = ledger(&dir);
    assert!(l.comp.files.iter().all(|f| f.split == 0 && f.outside == 0));
    assert!(l.comp.outside.is_empty());
    assert_eq!(
        fig(&l, "ghg.total.location", 2025).round_dp(1),
        d("309086.7")
    );
    assert!(l.restatement().unwrap().is_none());
}

/// Reads an export table (RFC 4180 quoting; no field of these tables spans lines).
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (mut fields, mut cur, mut quoted) = (Vec::new(), String::new(), false);
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut cur)),
                    (c, _) => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        })
        .collect()
}

#[test]
fn export_writes_inventory_by_and_the_restatement_trail() {
    let dir = acceptance_project();
    let out = common::scratch().join(format!(
        "carbonledger-years-export-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&out);
    let st = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    // inventory_by.csv: the facilities' FY2025 totals, 825 + 2200 + 275 = 3300 t CO2e.
    let by = read_csv(&out.join("inventory_by.csv"));
    let total: Decimal = by
        .iter()
        .filter(|r| r[1] == "facility" && r[3] == "ghg.total.location" && r[4] == "2025")
        .map(|r| d(&r[5]))
        .sum();
    assert_eq!(total, d("3300"));
    let units: Decimal = by
        .iter()
        .filter(|r| r[1] == "tag:business_unit" && r[3] == "energy.total" && r[4] == "2024")
        .map(|r| d(&r[5]))
        .sum();
    assert_eq!(units, d("5230"));
    // lines.csv: the restated base year is a sum of lines — HQ's 1000 MWh and NEW's 3650 MWh
    // of FY2023 (outside the boundary then), not OLD's: 4650 MWh.
    let lines = read_csv(&out.join("lines.csv"));
    let header = &lines[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (fig, val, fac) = (col("figure"), col("value"), col("facility"));
    let restated: Vec<&Vec<String>> = lines
        .iter()
        .filter(|r| r.get(fig).is_some_and(|f| f == "restated.energy.total"))
        .collect();
    assert_eq!(
        restated.iter().map(|r| d(&r[val])).sum::<Decimal>(),
        d("4650")
    );
    assert!(restated.iter().all(|r| r[fac] != "OLD"));
    for p in [dir, out] {
        let _ = std::fs::remove_dir_all(&p);
    }
}

#[test]
fn explain_one_group() {
    let dir = acceptance_project();
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args([
            "ghg.total.location",
            "--year",
            "2024",
            "--by",
            "facility",
            "--group",
            "NEW",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // NEW in FY2024: 1820 MWh × 0.55 = 1001 t CO2e, one line, split 182/365 days.
    assert!(
        text.starts_with("ghg.total.location 2024 [facility = NEW] = 1001 t CO2e"),
        "{text}"
    );
    assert!(text.contains("182/365 days"), "{text}");
    assert!(
        text.contains("1 row sums to 1001 t CO2e: equal to the group's figure"),
        "{text}"
    );
    // The same group as CSV: NEW's rows only (one line, 1001 t), not HQ's or OLD's.
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args([
            "ghg.total.location",
            "--year",
            "2024",
            "--by",
            "facility",
            "--group",
            "NEW",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(rows[0].contains(",NEW,"), "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Equity share 50% until 2025-06-30, then 80% (a further 30% bought; facility_changes.csv),
/// operational control of a second site lost from 2025-10-01. By hand, calendar 2025:
///   JV,  365 MWh over the year: 181 days (Jan–Jun) × 50% + 184 days (Jul–Dec) × 80%
///        = 181 × 0.5 + 184 × 0.8 = 90.5 + 147.2 = 237.7 MWh → × 0.55 = 130.735 t CO2e.
///   OPS, 2025-Q3 92 MWh and 2025-07-01..2025-12-31 (184 days) 368 MWh:
///        under operational control until 2025-09-30 (92 days of the bill = 184 MWh) and not
///        from 2025-10-01 (92 days, 0%): equity consolidation counts it at its equity 100%.
#[test]
fn a_share_change_on_a_date_splits_rows_by_days_at_the_change() {
    let fac = "id,name,country,grid,equity_share_pct,operational_control,financial_control\n\
JV,Joint venture,CN,cn-mee-grid:east,50,yes,yes\n";
    let changes = "facility,date,equity_share_pct,operational_control,financial_control,note\n\
JV,2025-07-01,80,,,a further 30% bought\n";
    let rows = "facility,period,carrier,quantity,unit\nJV,2025,electricity,365,MWh\nJV,2024,electricity,100,MWh\n";
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest("consolidation = \"equity_share\"", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("facility_changes.csv", changes),
        ("energy.csv", rows),
    ]);
    let (_, l) = ledger(&dir);
    assert_eq!(fig(&l, "energy.total", 2025), d("237.7"));
    assert_eq!(fig(&l, "ghg.total.location", 2025), d("130.735"));
    // 2024 is before the change: 100 MWh × 50% = 50 MWh.
    assert_eq!(fig(&l, "energy.total", 2024), d("50"));
    assert_eq!(
        l.comp.files[0].split, 1,
        "the 2025 row is split at the change"
    );
    // explain records the split and the terms of each part on its line.
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["energy.total", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("181/365 days of 2025-01-01..2025-12-31 → 2025-01-01..2025-06-30"),
        "{text}"
    );
    assert!(
        text.contains("184/365 days of 2025-01-01..2025-12-31 → 2025-07-01..2025-12-31: 365 × 184/365 (exact); under the share and control in force from 2025-07-01 (facility_changes.csv)"),
        "{text}"
    );
    assert!(
        text.contains("equity share: 80%, from 2025-07-01 (facility_changes.csv:2)"),
        "{text}"
    );
    assert!(text.contains("equity share: 50%"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);

    // Operational control lost from 2025-10-01: a bill 2025-07-01..2025-12-31 of 368 MWh
    // (184 days) counts 92/184 × 368 = 184 MWh under control, 184 MWh at 0%.
    let fac = "id,name,country,grid\nOPS,Operated site,CN,cn-mee-grid:east\n";
    let changes = "facility,date,operational_control\nOPS,2025-10-01,no\n";
    let rows = "facility,period,carrier,quantity,unit\nOPS,2025-07-01..2025-12-31,electricity,368,MWh\nOPS,2025-Q1,electricity,50,MWh\n";
    let dir = write_project(&[
        ("carbonledger.toml", &manifest("", &[2024, 2025], 2024)),
        ("facilities.csv", fac),
        ("facility_changes.csv", changes),
        ("energy.csv", rows),
    ]);
    let (_, l) = ledger(&dir);
    // 184 + 50 (the first quarter, before the change) = 234 MWh; × 0.55 = 128.7 t.
    assert_eq!(fig(&l, "energy.total", 2025), d("234"));
    assert_eq!(fig(&l, "ghg.total.location", 2025), d("128.7"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bill's range of days beside a quarter of the same facility and carrier: the fourth
/// quarter is covered twice (2024-07-01..2024-12-31 touches months 07–12; 2024-Q4 is 10–12).
#[test]
fn a_range_of_days_overlapping_a_quarter_is_warned() {
    let fac = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:east\n";
    let rows = "facility,period,carrier,quantity,unit\nF1,2024-07-01..2024-12-31,electricity,184,MWh\nF1,2024-Q4,electricity,92,MWh\nF1,2025-01-01..2025-03-31,electricity,90,MWh\nF1,2025-Q2,electricity,91,MWh\n";
    let dir = write_project(&[
        ("carbonledger.toml", &manifest("", &[2024, 2025], 2024)),
        ("facilities.csv", fac),
        ("energy.csv", rows),
    ]);
    let p = Project::open(&dir).unwrap();
    let c = carbonledger::calc::compute(&p, RunOptions::default()).unwrap();
    let warned: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == "overlapping-periods")
        .map(|d| {
            format!(
                "{}:{} {}",
                d.span.line,
                d.span.column.unwrap_or(0),
                d.message
            )
        })
        .collect();
    // 2024 overlaps at line 3 (the quarter after the range); 2025's range and quarter do not.
    assert_eq!(
        warned,
        vec!["3:2 F1 electricity 2024: rows of different lengths overlap (quarters and ranges of days both cover months 10, 11, 12): the same consumption may be counted twice".to_string()]
    );
    let _ = std::fs::remove_dir_all(&dir);

    // Under an April year the range and the year row meet in FY2024 (2024-04-01..2025-03-31):
    // the range 2024-10-01..2025-01-31 touches months 10, 11, 12 and 01.
    let rows = "facility,period,carrier,quantity,unit\nF1,2024,electricity,365,MWh\nF1,2024-10-01..2025-01-31,electricity,123,MWh\n";
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest("year_start = \"04-01\"", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("energy.csv", rows),
    ]);
    let p = Project::open(&dir).unwrap();
    let c = carbonledger::calc::compute(&p, RunOptions::default()).unwrap();
    let warned: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == "overlapping-periods")
        .map(|d| format!("{} {}", d.span.line, d.message))
        .collect();
    assert_eq!(
        warned,
        vec!["3 F1 electricity 2024: rows of different lengths overlap (the whole year and ranges of days both cover months 01, 10, 11, 12): the same consumption may be counted twice".to_string()]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two bills given as ranges of days of one facility and carrier that cover the same days:
/// warned when their `ref` is the same (one meter, or none given), not when the refs differ
/// (two meters on offset billing cycles). Bills of one meter that only meet end to start are
/// not warned. Hand-worked: 2025-01-01..2025-01-31 and 2025-01-20..2025-02-19 share
/// 2025-01-20 to 2025-01-31; under ref M2 the second bill 2025-01-15..2025-02-14 meets M1's
/// first only (another ref); 2025-02-01..2025-02-28 after 2025-01-01..2025-01-31 shares none.
#[test]
fn two_bills_of_one_meter_covering_the_same_days_are_warned() {
    let fac = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:east\nF2,Office,CN,cn-mee-grid:east\n";
    let rows = "facility,period,carrier,quantity,unit,factor,ref\n\
        F1,2025-01-01..2025-01-31,electricity,31,MWh,,\n\
        F1,2025-02-01..2025-02-28,electricity,28,MWh,,\n\
        F1,2025-01-20..2025-02-19,electricity,31,MWh,,\n\
        F2,2025-01-01..2025-01-31,electricity,31,MWh,,M1\n\
        F2,2025-01-15..2025-02-14,electricity,31,MWh,,M2\n\
        F2,2025-02-01..2025-02-28,electricity,28,MWh,,M1\n";
    let dir = write_project(&[
        ("carbonledger.toml", &manifest("", &[2025], 2025)),
        ("facilities.csv", fac),
        ("energy.csv", rows),
    ]);
    let p = Project::open(&dir).unwrap();
    let c = carbonledger::calc::compute(&p, RunOptions::default()).unwrap();
    let warned: Vec<String> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == "overlapping-periods")
        .map(|d| {
            format!(
                "{}:{} {}",
                d.span.line,
                d.span.column.unwrap_or(0),
                d.message
            )
        })
        .collect();
    assert_eq!(
        warned,
        vec!["4:2 F1 electricity 2025: two bills given as ranges of days with the same ref both cover 2025-01-20 to 2025-02-19: the same consumption may be counted twice".to_string()]
    );
    // Each row is still used (a warning): 31 + 28 + 31 + 31 + 31 + 28 = 180 MWh.
    let (_, l) = ledger(&dir);
    assert_eq!(fig(&l, "energy.total", 2025), d("180"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `diff --edition` re-prices the days outside the boundary too: the restated base year of the
/// acceptance project under cn-mee-grid@2022 (East China 0.5617 kg CO2/kWh, the 2022
/// announcement's regional table) is (HQ 1000 + NEW's 3650 MWh outside the boundary in
/// FY2023) × 0.5617 = 4650 × 0.5617 = 2611.905 t CO2e; before it was 4650 × 0.55 = 2557.5.
/// (Not re-pricing NEW's days would give 1000 × 0.5617 + 3650 × 0.55 = 2569.2.)
#[test]
fn an_edition_diff_reprices_the_days_outside_the_boundary() {
    let dir = acceptance_project();
    let (p, before) = ledger(&dir);
    let change = carbonledger::audit::Change::parse_edition("cn-mee-grid@2022", None).unwrap();
    let diff = carbonledger::audit::diff(&p, before, &change, RunOptions::default(), true).unwrap();
    assert!(
        matches!(diff.method, carbonledger::audit::Method::Repriced { .. }),
        "{:?}",
        diff.method
    );
    assert_eq!(
        fig(&diff.after, "restated.ghg.total.location", 2023),
        d("2611.905")
    );
    assert_eq!(
        fig(&diff.before, "restated.ghg.total.location", 2023),
        d("2557.5")
    );
    // The same as computing the project under that edition from its rows.
    let text = std::fs::read_to_string(dir.join("carbonledger.toml"))
        .unwrap()
        .replace("cn-mee-grid = \"2023\"", "cn-mee-grid = \"2022\"");
    std::fs::write(dir.join("carbonledger.toml"), text).unwrap();
    let (_, recomputed) = ledger(&dir);
    assert_eq!(
        fig(&recomputed, "restated.ghg.total.location", 2023),
        d("2611.905")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Under an April year, scope3.csv months count in the reporting year their days fall in, and
/// the certificate vintage rule is the reporting year's months.
///
/// Supplier-specific category 1 rows (no factor: the supplier's 1 200 t CO2e allocated by mass,
/// 30 t bought of 2 400 t produced = 1 200 × 30 ÷ 2 400 = 15 t CO2e each):
///   2026-02 is in FY2025 (2025-04-01..2026-03-31), 2025-02 in FY2024.
/// GEC vintages with vintage_months_before = after = 0, consumption in FY2025: 2026-02 is
/// inside FY2025's months (April 2025 – March 2026), 2025-03 is not.
#[test]
fn registers_follow_the_fiscal_year() {
    let fac = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:east\n";
    let energy = "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\nF1,2024,electricity,1000,MWh\n";
    let scope3 = "category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note\n\
1,2026-02,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,\n\
1,2025-02,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,\n";
    let instruments = "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n\
G1,gec,F1,2025,100,MWh,CN,2026-02,,,\n\
G2,gec,F1,2025,100,MWh,CN,2025-03,,,\n";
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest("year_start = \"04-01\"", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("energy.csv", energy),
        ("scope3.csv", scope3),
        ("instruments.csv", instruments),
    ]);
    let (_, l) = ledger(&dir);
    assert_eq!(fig(&l, "ghg.scope3.cat1", 2025), d("15"));
    assert_eq!(fig(&l, "ghg.scope3.cat1", 2024), d("15"));
    let vintage: Vec<(u64, String)> = l
        .all_diagnostics()
        .filter(|d| d.code == "vintage-outside-rule")
        .map(|d| (d.span.line, d.message.clone()))
        .collect();
    assert_eq!(vintage.len(), 1, "{vintage:?}");
    assert_eq!(vintage[0].0, 3);
    assert!(
        vintage[0].1.contains(
            "vintage 2025-03 is outside the rule for consumption in 2025 = 2025-04-01..2026-03-31"
        ),
        "{vintage:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A quarter that crosses a reporting-year start (May years: 2025-Q2 is April–June) is
    // refused in scope3.csv rather than counted in a calendar year.
    let scope3 = "category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note\n\
1,2025-Q2,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,\n";
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest("year_start = \"05-01\"", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("energy.csv", energy),
        ("scope3.csv", scope3),
    ]);
    let p = Project::open(&dir).unwrap();
    let l = compute_ledger(&p, RunOptions::default());
    let codes: Vec<String> = match &l {
        Ok(l) => l.all_diagnostics().map(|d| d.code.to_string()).collect(),
        Err(ds) => ds.iter().map(|d| d.code.to_string()).collect(),
    };
    assert!(
        codes.iter().any(|c| c == "period-in-fiscal-year"),
        "{codes:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The restatement covers market-based scope 2 and the intensities per metric (GHG Protocol
/// Corporate Standard ch. 5: the base year is recalculated "as if" the acquired facility had
/// been inside, the divested one outside). Green-power trades in FY2023: HQ 100 MWh, OLD
/// 200 MWh; the remainder is priced at China's residual-mix substitute,
/// cn-mee-grid@2023:national_excl_market_nonfossil = 0.6096 kg CO2/kWh (MEE/NBS 2023
/// announcement: national average excluding market-traded non-fossil electricity).
///   market-based FY2023 as reported: HQ (1000 − 100) × 0.6096 = 548.64, OLD (2000 − 200)
///     × 0.6096 = 1097.28: 1645.92 t CO2e;
///   restated: HQ 548.64 + NEW's FY2023 3650 × 0.6096 = 2225.04 (OLD and its trade removed):
///     2773.68 t CO2e, +68.518…% (1127.76 / 1645.92);
///   intensity per revenue restated: location 2557.5 / 50 = 51.15, market 2773.68 / 50
///     = 55.4736 t CO2e per USD million (revenue is not restated: it is the user's figure);
///   change_vs_base of FY2025's location intensity 41.25 (3300 / 80): (41.25 − 51.15) / 51.15
///     × 100 = −19.35483870967741935…%; of FY2025's market total 6000 × 0.6096 = 3657.6:
///     (3657.6 − 2773.68) / 2773.68 × 100 = 31.868131868131…%.
#[test]
fn the_restatement_covers_market_based_scope2_and_intensities() {
    let dir = acceptance_project();
    std::fs::write(
        dir.join("instruments.csv"),
        "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n\
T1,green_power_trade,HQ,2023,100,MWh,CN,,,,\n\
T2,green_power_trade,OLD,2023,200,MWh,CN,,,,\n",
    )
    .unwrap();
    let (_, l) = ledger(&dir);
    assert_eq!(fig(&l, "ghg.scope2.market", 2023), d("1645.92"));
    assert_eq!(fig(&l, "restated.ghg.scope2.market", 2023), d("2773.68"));
    assert_eq!(fig(&l, "restated.ghg.total.market", 2023), d("2773.68"));
    assert_eq!(
        fig(&l, "restated.intensity.revenue.ghg_total_location", 2023),
        d("51.15")
    );
    assert_eq!(
        fig(&l, "restated.intensity.revenue.ghg_total_market", 2023),
        d("55.4736")
    );
    assert_eq!(
        fig(
            &l,
            "change_vs_base.intensity.revenue.ghg_total_location",
            2025
        )
        .round_dp(12),
        d("-19.354838709677")
    );
    assert_eq!(
        fig(&l, "change_vs_base.ghg.total.market", 2025).round_dp(12),
        d("31.868131868132")
    );
    let r = l.restatement().unwrap().unwrap();
    assert_eq!(
        r.also,
        vec![("ghg.total.market".to_string(), d("1645.92"), d("2773.68"))]
    );
    assert!(r
        .sentence(carbonledger::decimal::RoundingRule::HalfAwayFromZero)
        .contains("Restated with it: ghg.total.market 1645.9 t CO2e as reported, 2773.7 t CO2e restated (+68.52%)"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The restated base year is exported beside the original, in `OUT-restated-2023/`, with its
/// own manifest (GHG Protocol Corporate Standard ch. 5: the base year recalculated and
/// reported again). Its figures are the ones checked by hand in
/// `the_restatement_covers_market_based_scope2_and_intensities`, and each additive one is the
/// sum of its lines. On-site solar self-consumed in FY2023, HQ 100 MWh and OLD 40 MWh, is a
/// register's part of energy.total: reported 1000 + 2000 + 100 + 40 = 3140 MWh; restated
/// HQ 1000 + NEW 3650 + HQ's solar 100 = 4750 MWh (OLD's solar leaves with OLD).
#[test]
fn a_restated_export_is_written_beside_the_original() {
    let dir = acceptance_project();
    std::fs::write(
        dir.join("instruments.csv"),
        "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n\
T1,green_power_trade,HQ,2023,100,MWh,CN,,,,\n\
T2,green_power_trade,OLD,2023,200,MWh,CN,,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("solar.csv"),
        "facility,period,generated,self_consumed,exported,unit,note\n\
HQ,2023,100,100,0,MWh,\n\
OLD,2023,40,40,0,MWh,\n",
    )
    .unwrap();
    let out = common::scratch().join(format!(
        "carbonledger-years-restated-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let beside = PathBuf::from(format!("{}-restated-2023", out.display()));
    for p in [&out, &beside] {
        let _ = std::fs::remove_dir_all(p);
    }
    let st = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let said = String::from_utf8_lossy(&st.stdout);
    assert!(
        said.contains("wrote the base year 2023 restated to"),
        "{said}"
    );
    let rows = read_csv(&beside.join("restatement.csv"));
    let row = |n: &str| rows.iter().find(|r| r[1] == n).cloned().unwrap();
    assert_eq!(
        (
            d(&row("ghg.total.location")[3]),
            d(&row("ghg.total.location")[4])
        ),
        (d("1650"), d("2557.5"))
    );
    assert_eq!(
        (
            d(&row("ghg.total.market")[3]),
            d(&row("ghg.total.market")[4])
        ),
        (d("1645.92"), d("2773.68"))
    );
    // The lines of the restated export add up to its figures.
    let lines = read_csv(&beside.join("lines.csv"));
    let header = &lines[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let sum = |f: &str| -> Decimal {
        lines
            .iter()
            .filter(|r| r.get(col("figure")).is_some_and(|x| x == f))
            .map(|r| d(&r[col("value")]))
            .sum()
    };
    assert_eq!(sum("ghg.total.location"), d("2557.5"));
    assert_eq!(sum("ghg.scope2.market"), d("2773.68"));
    assert_eq!(sum("energy.total"), d("4750"));
    assert_eq!(
        (d(&row("energy.total")[3]), d(&row("energy.total")[4])),
        (d("3140"), d("4750"))
    );
    let inventory = read_csv(&beside.join("inventory.csv"));
    assert!(inventory
        .iter()
        .any(|r| r[1] == "ghg.total.location" && r[2] == "2023" && r[3] == "2557.5"));
    let moves = read_csv(&beside.join("moves.csv"));
    assert_eq!(moves.len(), 3, "a header and two moves: {moves:?}");
    // Its manifest seals it like any export.
    let check = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--check")
        .arg(&beside)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Streamed (its lines.csv beside the export's own) as the tables in memory give it.
    common::lines::assert_same_as_collected(&dir, &out);
    for p in [dir, out, beside] {
        let _ = std::fs::remove_dir_all(&p);
    }
}

/// Issue 15's acceptance, as a user would run it: `carbonledger init`, then an April–March
/// year over three years, a site acquired mid-year (NEW, 2024-10-01), a site divested (OLD,
/// after 2025-06-30), a bill across the year end, a joint venture whose operational control
/// passes to the partner on 2025-10-01, revenue per year; everything read back through the
/// CLI's JSON and CSV.
///
/// Grid factors as the template chooses them: FY2023 and FY2024 cn-mee-grid@2022:east =
/// 0.5617 kg CO2/kWh (MEE/NBS 2022 announcement, regional table), FY2025 cn-mee-grid@2023:east
/// = 0.5500 (2023 announcement).
///   FY2025: HQ 300 (30/61 of the 610 MWh bill) + 1200 = 1500 MWh, NEW 4000, OLD 500 (until
///     its date), JV 365 × 183/365 = 183 MWh (2025-04-01..2025-09-30 under control; 182 days
///     at 0%): 6183 MWh × 0.55 = 3400.65 t CO2e.
///   FY2024: HQ 1100 + 310 (31/61 of the bill) = 1410, NEW 3650 × 182/365 = 1820 (from its
///     date), OLD 2000: 5230 MWh × 0.5617 = 2937.691 t.
///   FY2023 (base): HQ 1000 + OLD 2000 = 3000 MWh × 0.5617 = 1685.1 t; restated: HQ 1000 +
///     NEW 3650 = 4650 MWh × 0.5617 = 2611.905 t (+55%, above 5%): NEW +3650 × 0.5617
///     = +2050.205, OLD −2000 × 0.5617 = −1123.4.
///   Intensity per revenue FY2025: 3400.65 / 80 = 42.508125 t CO2e per USD million.
#[test]
fn acceptance_on_a_fresh_init_project() {
    let root = write_project(&[]);
    let dir = root.join("inventory");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let p = dir.to_str().unwrap();
    assert_eq!(run(&["init", p]).0, 0);
    // The files this company does not use are removed, as a user would.
    for f in [
        "fugitive.csv",
        "solar.csv",
        "instruments.csv",
        "abatement.csv",
        "shipments.csv",
        "products.csv",
        "bom.csv",
        "product_stages.csv",
    ] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(dir.join("carbonledger.toml")).unwrap();
    let block_2024 = toml
        .split("[years.2024.editions]")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    let toml = toml
        .replace(
            "reporting_years = [2024, 2025]",
            "reporting_years = [2023, 2024, 2025]",
        )
        .replace("base_year = 2024", "base_year = 2023")
        .replace("# year_start = '04-01'", "year_start = '04-01'")
        .replace(
            "[years.2024.editions]",
            &format!("[years.2023.editions]{block_2024}\n\n[years.2024.editions]"),
        );
    std::fs::write(dir.join("carbonledger.toml"), toml).unwrap();
    std::fs::write(
        dir.join("facilities.csv"),
        "id,name,country,grid,equity_share_pct,operational_control,financial_control,from,from_event,to,to_event,tags\n\
HQ,Head office,CN,cn-mee-grid:east,100,yes,yes,,,,,\n\
NEW,Acquired plant,CN,cn-mee-grid:east,100,yes,yes,2024-10-01,acquisition,,,\n\
OLD,Divested plant,CN,cn-mee-grid:east,100,yes,yes,,,2025-06-30,divestment,\n\
JV,Joint venture,CN,cn-mee-grid:east,50,yes,yes,,,,,\n",
    )
    .unwrap();
    let changes = std::fs::read_to_string(dir.join("facility_changes.csv")).unwrap();
    std::fs::write(
        dir.join("facility_changes.csv"),
        format!("{changes}JV,2025-10-01,,no,,control passed to the partner\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("energy.csv"),
        "facility,period,carrier,quantity,unit,factor,ref,note\n\
HQ,2023,electricity,1000,MWh,,,\n\
HQ,2024-04-01..2025-02-28,electricity,1100,MWh,,,\n\
HQ,2025-03-01..2025-04-30,electricity,610,MWh,,,bill across the year end\n\
HQ,2025-05-01..2026-03-31,electricity,1200,MWh,,,\n\
NEW,2023,electricity,3650,MWh,,,before the acquisition\n\
NEW,2024,electricity,3650,MWh,,,\n\
NEW,2025,electricity,4000,MWh,,,\n\
OLD,2023,electricity,2000,MWh,,,\n\
OLD,2024,electricity,2000,MWh,,,\n\
OLD,2025-04-01..2025-06-30,electricity,500,MWh,,,\n\
JV,2025,electricity,365,MWh,,,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("metrics.csv"),
        "period,metric,value,unit,note\n2023,revenue,50,USD million,\n2024,revenue,60,USD million,\n2025,revenue,80,USD million,\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", p]);
    assert_eq!(code, 0, "{err}");

    let (code, json, err) = run(&[
        "compute", p, "--format", "json", "--by", "facility", "--years", "all",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let trend = |name: &str, year: i64| -> Decimal {
        let f = v["trend"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name && f["year"] == year)
            .unwrap_or_else(|| panic!("{name} {year} not in trend"));
        d(f["value"].as_str().unwrap())
    };
    assert_eq!(trend("ghg.total.location", 2025), d("3400.65"));
    assert_eq!(trend("ghg.total.location", 2024), d("2937.691"));
    assert_eq!(trend("ghg.total.location", 2023), d("1685.1"));
    assert_eq!(trend("energy.total", 2025), d("6183"));
    assert_eq!(trend("restated.ghg.total.location", 2023), d("2611.905"));
    assert_eq!(
        trend("intensity.revenue.ghg_total_location", 2025),
        d("42.508125")
    );
    // (3400.65 − 2611.905) × 100 / 2611.905, by hand in exact decimals.
    let vs_base = (d("3400.65") - d("2611.905")) * d("100") / d("2611.905");
    assert_eq!(
        trend("change_vs_base.ghg.total.location", 2025).round_dp(12),
        vs_base.round_dp(12)
    );
    // Figures by facility add up to the totals, in every year.
    for year in [2023i64, 2024, 2025] {
        let groups: Vec<(String, Decimal)> = v["by_group"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["name"] == "ghg.total.location" && g["year"] == year)
            .map(|g| {
                (
                    g["group"].as_str().unwrap().to_string(),
                    d(g["value"].as_str().unwrap()),
                )
            })
            .collect();
        let sum: Decimal = groups.iter().map(|g| g.1).sum();
        assert_eq!(sum, trend("ghg.total.location", year), "{year}: {groups:?}");
    }
    let r = &v["restatement"];
    assert_eq!(r["restate"], true);
    assert_eq!(d(r["restated"].as_str().unwrap()), d("2611.905"));
    assert_eq!(d(r["change_pct"].as_str().unwrap()), d("55"));

    // CSV: the acquired site's FY2024 line, 1820 MWh × 0.5617 = 1022.294 t.
    let (code, csv, err) = run(&[
        "compute", p, "--format", "csv", "--by", "facility", "--years", "all",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.lines()
            .any(|l| l == "ghg.total.location,2024,1022.294,t CO2e,facility,NEW"),
        "{csv}"
    );
    // The table prints the verdict, naming what moved the base year.
    let (code, text, err) = run(&["compute", p, "--years", "all", "--by", "facility"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("RESTATED"), "{text}");
    assert!(
        text.contains("Moved by: NEW acquisition from 2024-10-01 +2050.2 t CO2e; OLD divestment after 2025-06-30 −1123.4 t CO2e"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A share change is a partial transfer of ownership (GHG Protocol Corporate Standard ch. 5,
/// structural changes): the base year is restated at the latest terms. Equity share
/// consolidation; JV 50% until 2025-06-30, 80% from 2025-07-01; base year 2024; 0.55 t/MWh.
///   2024 as reported: HQ 2000 + JV 1000 × 50% = 2500 MWh → 1375 t CO2e;
///   restated at 80%: 2000 + 1000 × 80% = 2800 MWh → 1540 t (+12%, above 5%); the move:
///     JV +300 MWh × 0.55 = +165 t;
///   2025: HQ 2000 + JV 181 × 50% + 184 × 80% = 2000 + 237.7 = 2237.7 MWh → 1230.735 t;
///     vs the restated base: (1230.735 − 1540) / 1540 × 100 = −20.08214285714285714…%.
#[test]
fn a_share_change_restates_the_base_year_at_the_latest_terms() {
    let fac = "id,name,country,grid,equity_share_pct\nHQ,Head office,CN,cn-mee-grid:east,100\nJV,Joint venture,CN,cn-mee-grid:east,50\n";
    let changes = "facility,date,equity_share_pct\nJV,2025-07-01,80\n";
    let rows = "facility,period,carrier,quantity,unit\nHQ,2024,electricity,2000,MWh\nJV,2024,electricity,1000,MWh\nHQ,2025,electricity,2000,MWh\nJV,2025,electricity,365,MWh\n";
    let dir = write_project(&[
        (
            "carbonledger.toml",
            &manifest("consolidation = \"equity_share\"", &[2024, 2025], 2024),
        ),
        ("facilities.csv", fac),
        ("facility_changes.csv", changes),
        ("energy.csv", rows),
    ]);
    let (_, l) = ledger(&dir);
    assert_eq!(fig(&l, "ghg.total.location", 2024), d("1375"));
    assert_eq!(fig(&l, "restated.ghg.total.location", 2024), d("1540"));
    assert_eq!(fig(&l, "restated.energy.total", 2024), d("2800"));
    assert_eq!(fig(&l, "ghg.total.location", 2025), d("1230.735"));
    assert_eq!(
        fig(&l, "change_vs_base.ghg.total.location", 2025).round_dp(12),
        d("-20.082142857143")
    );
    let r = l.restatement().unwrap().unwrap();
    assert!(r.restate);
    assert_eq!(r.change_pct, Some(d("12")));
    let moves: Vec<(String, &str, Decimal)> = r
        .moves
        .iter()
        .map(|m| (m.facility.clone(), m.event.name(), m.delta))
        .collect();
    assert_eq!(
        moves,
        vec![("JV".to_string(), "share or control change", d("165"))]
    );
    assert!(r
        .sentence(carbonledger::decimal::RoundingRule::HalfAwayFromZero)
        .contains("Moved by: JV share or control change from 2025-07-01 +165.0 t CO2e"));
    // The export's restatement trail: the lines of restated.ghg.total.location sum to 1540,
    // JV's at its latest share.
    let out = common::scratch().join(format!(
        "carbonledger-years-terms-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let beside = PathBuf::from(format!("{}-restated-2024", out.display()));
    for p in [&out, &beside] {
        let _ = std::fs::remove_dir_all(p);
    }
    let st = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let lines = read_csv(&out.join("lines.csv"));
    let header = &lines[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let trail: Vec<&Vec<String>> = lines
        .iter()
        .filter(|r| {
            r.get(col("figure"))
                .is_some_and(|f| f == "restated.ghg.total.location")
        })
        .collect();
    assert_eq!(
        trail.iter().map(|r| d(&r[col("value")])).sum::<Decimal>(),
        d("1540")
    );
    assert!(trail
        .iter()
        .any(|r| r[col("facility")] == "JV" && d(&r[col("share")]) == d("0.8")));
    common::lines::assert_same_as_collected(&dir, &out);
    for p in [dir, out, beside] {
        let _ = std::fs::remove_dir_all(&p);
    }
}
