//! Issue 14: scope 3. Category 3 (fuel- and energy-related activities) from the energy rows
//! already entered, against hand calculations from the published DESNZ 2025 tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::RunOptions;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn write(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "carbonledger-scope3-{}-{}",
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

fn ledger(dir: &Path, strict: bool) -> Ledger {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    Ledger::compute(&p, RunOptions { strict, threads: 0 }).unwrap_or_else(|d| panic!("{d:#?}"))
}

fn fig(l: &Ledger, name: &str) -> Option<Decimal> {
    l.figure(name, 2025).unwrap().map(|f| f.value)
}

fn manifest(extra: &str) -> String {
    format!(
        r#"organisation = "Example Engineering Ltd"
reporting_years = [2025]
base_year = 2025
[factors]
fuel_emissions = "desnz-fuels"
calorific_values = ["desnz-fuels"]
energy_basis = "gross"
purchased_heat = "desnz-electricity:heat_steam_district.co2e"
[years.2025.editions]
desnz-fuels = "2025"
desnz-electricity = "2025"
desnz = "2025"
ipcc-gwp = "ar5"
{extra}"#
    )
}

const FACILITIES: &str = "id,name,country,grid\nHQ,Works and office,GB,desnz:electricity_uk\n";

/// Gas billed in kWh (gross), diesel in litres, UK grid electricity and district heat.
const ENERGY: &str = "facility,period,carrier,quantity,unit,factor,ref,note,source\n\
HQ,2025,natural_gas,120000,kWh,,GAS-25,gas bills (gross),\n\
HQ,2025,diesel,8000,L,,FUEL-25,generator,\n\
HQ,2025,electricity,90000,kWh,,ELEC-25,,\n\
HQ,2025,heat,10000,kWh,,HEAT-25,district heat,\n";

fn uk_project(extra: &str) -> PathBuf {
    write(&[
        ("carbonledger.toml", &manifest(extra)),
        ("facilities.csv", FACILITIES),
        ("energy.csv", ENERGY),
    ])
}

/// The acceptance check of issue 14, slice 1. By hand, from DESNZ "Greenhouse gas reporting:
/// conversion factors 2025" (gov.uk, flat file, kg CO2e per unit):
///
/// - 'WTT- fuels', natural gas, kWh (Gross CV), ID 11_100_1004_6_1: 0.03021
///   × 120 000 kWh = 3 625.2 kg;
/// - 'WTT- fuels', diesel (average biofuel blend), litres, ID 11_101_1011_8_1: 0.61101
///   × 8 000 L = 4 888.08 kg;
///   → 3a, well-to-tank of fuels = 8 513.28 kg;
/// - 'WTT- UK electricity' (generation), ID 15_917_4000_5_1: 0.04590 × 90 000 kWh = 4 131 kg;
/// - 'WTT- heat and steam', district heat and steam, ID 16_919_4003_5_1: 0.03341 × 10 000 kWh
///   = 334.1 kg;
///   → 3b, well-to-tank of purchased energy = 4 465.1 kg;
/// - 'Transmission and distribution', T&D- UK electricity, ID 13_402_4000_5_1: 0.01853
///   × 90 000 kWh = 1 667.7 kg;
/// - 'WTT- UK electricity' (T&D), ID 15_918_4000_5_1: 0.00397 × 90 000 kWh = 357.3 kg;
/// - 'Transmission and distribution', district heat and steam distribution (5% loss), ID
///   13_403_4004_5_1: 0.00945 × 10 000 kWh = 94.5 kg;
/// - 'WTT- heat and steam', district heat & steam distribution, ID 16_920_4004_5_1: 0.00176
///   × 10 000 kWh = 17.6 kg;
///   → 3c, T&D losses = 2 137.1 kg.
///
/// Category 3 = 8 513.28 + 4 465.1 + 2 137.1 = 15 115.48 kg = 15.11548 t.
#[test]
fn category_3_equals_quantity_times_the_published_wtt_and_td_factors() {
    let l = ledger(&uk_project(""), false);
    assert_eq!(fig(&l, "ghg.scope3.cat3.wtt_fuels"), Some(d("8.51328")));
    assert_eq!(
        fig(&l, "ghg.scope3.cat3.wtt_purchased_energy"),
        Some(d("4.4651"))
    );
    assert_eq!(fig(&l, "ghg.scope3.cat3.td_losses"), Some(d("2.1371")));
    assert_eq!(fig(&l, "ghg.scope3.cat3"), Some(d("15.11548")));
    // No freight or other category: scope 3 is category 3.
    assert_eq!(fig(&l, "ghg.scope3"), Some(d("15.11548")));
    assert!(l.comp.notes.is_empty(), "{:?}", l.comp.notes);
    // No fallback on a scope 3 line: desnz-wtt@2025 is the edition named like
    // desnz-fuels@2025 (the diesel's own energy is one: DESNZ gives no calorific value).
    let falls: Vec<&String> = l
        .comp
        .chains
        .iter()
        .filter(|c| !c.counts_energy())
        .flat_map(|c| &c.fallbacks)
        .collect();
    assert!(falls.is_empty(), "{falls:?}");
}

/// Category 3 adds emissions only: scope 1, scope 2, the scope 1 + 2 total and every energy
/// figure are the same with it on and off (`[scope3] cat3 = false`), and off there is no
/// scope 3 figure at all (not a zero).
#[test]
fn category_3_counts_no_energy_twice_and_can_be_switched_off() {
    let on = ledger(&uk_project(""), false);
    let off = ledger(&uk_project("[scope3]\ncat3 = false\n"), false);
    for name in [
        "ghg.scope1",
        "ghg.scope2.location",
        "ghg.total.location",
        "energy.total",
        "energy.total_gj",
        "energy.total_tce",
        "energy.by_carrier.electricity",
        "energy.by_carrier.heat",
        "energy.by_carrier.natural_gas",
    ] {
        assert_eq!(fig(&on, name), fig(&off, name), "{name}");
        assert!(fig(&on, name).is_some(), "{name}");
    }
    // Natural gas 120 000 + electricity 90 000 + heat 10 000 kWh = 220 MWh (the diesel has no
    // DESNZ calorific value per litre: its energy is a fallback, unchanged by category 3).
    assert_eq!(fig(&on, "energy.total"), Some(d("220")));
    for name in ["ghg.scope3", "ghg.scope3.cat3", "ghg.scope3.cat3.wtt_fuels"] {
        assert_eq!(fig(&off, name), None, "{name}");
        assert!(!off.names().contains(&name.to_string()), "{name}");
    }
    assert!(off.comp.chains.iter().all(|c| c.counts_energy()));
}

/// A set with no well-to-tank pair computes no category 3 line and says so for each carrier;
/// the reference fixture (IPCC 2006 fuels, MEE grid factors) keeps every figure it had.
#[test]
fn no_well_to_tank_set_is_said_not_zero() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let l = ledger(&root, false);
    assert_eq!(fig(&l, "ghg.scope3.cat3"), None);
    assert!(!l.names().iter().any(|n| n.starts_with("ghg.scope3.cat3")));
    for carrier in ["natural_gas", "diesel", "electricity"] {
        assert!(
            l.comp
                .notes
                .iter()
                .any(|n| n.starts_with(carrier) && n.contains("no well-to-tank set")),
            "{carrier}: {:?}",
            l.comp.notes
        );
    }
    // Scope 3 there is the freight register's category 4, rolled up into the total.
    assert_eq!(fig(&l, "ghg.scope3"), fig(&l, "ghg.scope3.cat4"));
    assert!(fig(&l, "ghg.scope3").is_some());
    assert_eq!(l.figure("ghg.scope3", 2024).unwrap(), None);
}

/// A well-to-tank set named for a project set under `[scope3] wtt_sets` is used, and a key it
/// does not publish is a note, not a zero.
#[test]
fn a_paired_set_without_the_key_is_a_note() {
    let dir = write(&[
        (
            "carbonledger.toml",
            &manifest("[scope3]\nwtt_sets = { \"desnz\" = \"desnz-materials\" }\n"),
        ),
        ("facilities.csv", FACILITIES),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,electricity,90000,kWh,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false);
    assert!(
        l.comp
            .notes
            .iter()
            .any(|n| n.contains("desnz-materials@2025 publishes no `electricity_uk.co2e`")),
        "{:?}",
        l.comp.notes
    );
    // The T&D loss is the grid set's own row: 90 000 kWh × 0.01853 = 1 667.7 kg.
    assert_eq!(fig(&l, "ghg.scope3.cat3.td_losses"), Some(d("1.6677")));
    assert_eq!(fig(&l, "ghg.scope3.cat3.wtt_purchased_energy"), None);
}

/// `explain` and the export's line table show the category 3 lines like any other: each
/// line names its factor, and the lines add up to the figure.
#[test]
fn explain_and_lines_show_category_3_lines() {
    let dir = uk_project("");
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["explain"])
        .arg(&dir)
        .args(["ghg.scope3.cat3", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "desnz-wtt@2025:natural_gas.kwh_gross.co2e = 0.03021",
        "desnz-wtt@2025:diesel.litre.co2e = 0.61101",
        "desnz-wtt@2025:electricity_uk.co2e = 0.04590",
        "desnz@2025:electricity_uk_td = 0.01853",
        "desnz-wtt@2025:electricity_uk_td.co2e = 0.00397",
        "desnz-electricity@2025:heat_steam_district_distribution.co2e = 0.00945",
        "8 rows sum to 15.11548 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    let export = std::env::temp_dir().join(format!(
        "carbonledger-scope3-export-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&export);
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--out")
        .arg(&export)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = std::fs::read_to_string(export.join("lines.csv")).unwrap();
    let header: Vec<&str> = lines.lines().next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let mut sum = Decimal::ZERO;
    let mut n = 0;
    for row in lines.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        if f[col("figure")] == "ghg.scope3.cat3" {
            assert_eq!(f[col("scope")], "scope 3");
            assert_eq!(f[col("value_unit")], "t CO2e");
            sum += d(f[col("value")]);
            n += 1;
        }
        // No scope 3 line feeds an energy figure.
        if f[col("figure")].starts_with("energy.") {
            assert_ne!(f[col("scope")], "scope 3", "{row}");
        }
    }
    assert_eq!(n, 8);
    assert_eq!(sum, d("15.11548"));
}
