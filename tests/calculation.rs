//! Calculation cases computed by hand, each naming where its numbers come from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{d, fig, manifest, project, run};

const ONE_NORTH: &str = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:north\n";

/// 1000 GJ of natural gas, IPCC 2006 Vol. 2 defaults (Table 1.4: CO2 56 100 kg/TJ; Table 2.3,
/// manufacturing: CH4 1 kg/TJ, N2O 0.1 kg/TJ) with AR5 GWP-100 (WG1 Table 8.A.1: CH4 28, N2O 265).
/// By hand: CO2 = 1 TJ × 56 100 = 56 100 kg; CH4 = 1 kg × 28 = 28 kg CO2e;
/// N2O = 0.1 kg × 265 = 26.5 kg CO2e; total 56 154.5 kg = 56.1545 t CO2e.
#[test]
fn natural_gas_combustion_per_gas_ipcc_defaults_ar5() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025,natural_gas,1000,GJ\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope1.co2", 2025), d("56.1"));
    assert_eq!(fig(&p, &c, "ghg.scope1.ch4", 2025), d("0.028"));
    assert_eq!(fig(&p, &c, "ghg.scope1.n2o", 2025), d("0.0265"));
    assert_eq!(fig(&p, &c, "ghg.scope1", 2025), d("56.1545"));
    assert_eq!(fig(&p, &c, "energy.total_gj", 2025), d("1000"));
    // The same gas given as mass: 10 t × 48.0 GJ/t (IPCC Table 1.2 NCV) = 480 GJ → 0.48 × 56.1545.
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025,天然气,10,吨\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "energy.total_gj", 2025), d("480"));
    assert_eq!(fig(&p, &c, "ghg.scope1", 2025), d("26.95416"));
}

/// Diesel, 2.5 t: NCV 43.0 GJ/t → 107.5 GJ; CO2 74 100 kg/TJ → 7 965.75 kg; CH4 3 kg/TJ →
/// 0.3225 kg × 28 = 9.03 kg; N2O 0.6 kg/TJ → 0.0645 kg × 265 = 17.0925 kg; total 7 991.8725 kg.
#[test]
fn diesel_by_mass() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025,diesel,2.5,t\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope1", 2025), d("7.9918725"));
}

/// A refrigerant leak: 3.2 kg of R-410A × AR5 GWP 1 923.5 (50% HFC-32 × 677 + 50% HFC-125 ×
/// 3 170, as tabulated in the CLECAT/UBA Guide to ISO 14083, Table 19) = 6 155.2 kg CO2e.
#[test]
fn refrigerant_leak() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\n",
        Some("facility,period,gas,quantity,unit\nF1,2025,r410a,3.2,kg\nF1,2025,HFC-134a,0.01,t\n"),
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope1.r-410a", 2025), d("6.1552"));
    // 10 kg HFC-134a × 1 300 (AR5 Table 8.A.1) = 13 000 kg.
    assert_eq!(fig(&p, &c, "ghg.scope1.hfc-134a", 2025), d("13"));
    assert_eq!(fig(&p, &c, "ghg.scope1.fugitive", 2025), d("19.1552"));
}

/// One electricity line per grid region, 1 000 MWh each, MEE/NBS 2023 factors (kg CO2/kWh):
/// north 0.6361, northeast 0.5122, east 0.5500, central 0.5271, northwest 0.5543,
/// south 0.4042, southwest 0.2472 → t CO2 = 1 000 × factor.
#[test]
fn electricity_per_grid_region_2023() {
    let regions = [
        ("north", "636.1"),
        ("northeast", "512.2"),
        ("east", "550"),
        ("central", "527.1"),
        ("northwest", "554.3"),
        ("south", "404.2"),
        ("southwest", "247.2"),
    ];
    for (region, expected) in regions {
        let fac = format!("id,name,country,grid\nF1,Plant,CN,cn-mee-grid:{region}\n");
        let dir = project(
            &manifest("operational_control", "2023"),
            &fac,
            "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\n",
            None,
        );
        let (p, c) = run(&dir, false);
        assert_eq!(
            fig(&p, &c, "ghg.scope2.location", 2025),
            d(expected),
            "{region}"
        );
    }
}

/// The 2021 edition ships no regional values (only national averages could be confirmed), so a
/// North China facility falls back to the national 0.5568: recorded, and refused by --strict.
#[test]
fn parent_region_fallback_is_recorded_and_refused_when_strict() {
    let dir = project(
        &manifest("operational_control", "2021"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("556.8"));
    assert!(
        c.chains[0]
            .fallbacks
            .iter()
            .any(|f| f.contains("parent key `national`")),
        "{:?}",
        c.chains[0].fallbacks
    );
    let (_, strict) = run(&dir, true);
    assert_eq!(strict.rejected_rows(), 1);
    assert_eq!(strict.diagnostics[0].code, "fallback-refused");
}

/// Standard coal (GB/T 2589-2020): electricity 1 000 MWh × 0.1229 kgce/kWh = 122.9 tce;
/// natural gas has no confirmed coefficient in the shipped edition, so it converts by the
/// definition 1 kgce = 29 307 kJ: 29 307 GJ = 1 000 tce. Diesel by mass keeps one calorific
/// basis for its energy and its standard coal (issue 11): 10 t × 43.0 GJ/t (IPCC 2006 Vol. 2
/// Table 1.2) = 430 GJ, and 430 GJ ÷ 29.307 GJ/tce = 14.67226259937898… tce — not GB/T 2589's
/// 1.4571 kgce/kg, which embeds its own calorific value (42 652 kJ/kg).
#[test]
fn tce_conversion() {
    let energy = "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\nF1,2025,diesel,10,t\nF1,2025,natural_gas,29307,GJ\n";
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        energy,
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(
        fig(&p, &c, "energy.by_carrier_tce.electricity", 2025),
        d("122.9")
    );
    assert_eq!(
        fig(&p, &c, "energy.by_carrier_tce.diesel", 2025),
        d("14.672262599379")
    );
    assert_eq!(
        fig(&p, &c, "energy.by_carrier_tce.natural_gas", 2025),
        d("1000")
    );
    // 122.9 + 14.67226259937898… + 1000, presented to 12 places.
    assert_eq!(
        fig(&p, &c, "energy.total_tce", 2025),
        d("1137.572262599379")
    );
}

/// Chinese units: 3.2 万千瓦时 = 32 MWh; × 0.6361 = 20.3552 t CO2.
#[test]
fn chinese_units() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025-03,电力,3.2,万千瓦时\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "energy.total", 2025), d("32"));
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("20.3552"));
}

/// Equity share: a 40% joint venture under equity_share consolidation contributes 40% of its
/// emissions and energy; under operational control, a facility not operated contributes nothing.
#[test]
fn consolidation() {
    let fac = "id,name,country,grid,equity_share_pct,operational_control\nF1,Plant,CN,cn-mee-grid:north,100,yes\nJV,Joint venture,CN,cn-mee-grid:east,40,no\n";
    let energy = "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\nJV,2025,electricity,1000,MWh\n";
    let dir = project(&manifest("equity_share", "2023"), fac, energy, None);
    let (p, c) = run(&dir, false);
    // 636.1 + 0.4 × 550 = 856.1
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("856.1"));
    assert_eq!(fig(&p, &c, "energy.total", 2025), d("1400"));
    let dir = project(&manifest("operational_control", "2023"), fac, energy, None);
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("636.1"));
    assert_eq!(
        c.files[0].used, 2,
        "an excluded facility's row is used at 0%, not dropped"
    );
}

/// Purchased heat: 1 000 GJ × 0.11 t CO2/GJ (GB/T 32150-2025 default) = 110 t; heat's
/// standard coal 0.03412 kgce/MJ (GB/T 2589-2020) × 10^6 MJ = 34.12 tce.
#[test]
fn purchased_heat() {
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        "facility,period,carrier,quantity,unit\nF1,2025,heat,1000,GJ\n",
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("110"));
    assert_eq!(fig(&p, &c, "energy.total_tce", 2025), d("34.12"));
}

/// Intensity and its year-on-year change, by hand: 2024: 1 000 MWh × 0.6776 = 677.6 t →
/// 0.6776 t/MWh; 2025: 1 000 MWh × 0.6361 = 636.1 t → 0.6361; change = (0.6361 − 0.6776) /
/// 0.6776 × 100 = −6.1245572609208972845336481…% (the grid-edition effect alone).
#[test]
fn intensity_change_from_edition_alone() {
    let energy = "facility,period,carrier,quantity,unit\nF1,2024,electricity,1000,MWh\nF1,2025,electricity,1000,MWh\n";
    let dir = project(
        &manifest("operational_control", "2023"),
        ONE_NORTH,
        energy,
        None,
    );
    let (p, c) = run(&dir, false);
    assert_eq!(fig(&p, &c, "intensity.ghg_per_energy", 2024), d("0.6776"));
    assert_eq!(fig(&p, &c, "intensity.ghg_per_energy", 2025), d("0.6361"));
    let change = fig(&p, &c, "change.intensity.ghg_per_energy", 2025);
    assert_eq!(change, d("-6.1245572609208973"));
}

/// An explicit per-litre CO2e factor (UK DESNZ 2025 flat file, diesel average biofuel blend,
/// 2.57082 kg CO2e/L) prices a row in litres without a calorific value (issue 13): 1 000 L ×
/// 2.57082 = 2.57082 t CO2e. Its energy cannot be known, which is recorded as a fallback
/// (energy.total leaves it out, and says so) and refused under --strict.
#[test]
fn per_litre_factor_without_calorific_value_counts_emissions_and_says_energy_is_missing() {
    let dir = project(&manifest("operational_control", "2023"), ONE_NORTH, "facility,period,carrier,quantity,unit,factor\nF1,2025,diesel,1000,L,desnz@2025:diesel.litre\n", None);
    let (p, c) = run(&dir, false);
    assert_eq!(c.rejected_rows(), 0, "{:?}", c.diagnostics);
    assert_eq!(fig(&p, &c, "ghg.scope1", 2025), d("2.57082"));
    assert_eq!(fig(&p, &c, "energy.total", 2025), d("0"));
    assert!(c
        .chains
        .iter()
        .flat_map(|c| &c.fallbacks)
        .any(|n| n.contains("energy of these rows is not counted")));
    let (_, strict) = run(&dir, true);
    assert_eq!(strict.rejected_rows(), 1);
    assert_eq!(strict.diagnostics[0].code, "fallback-refused");
}

/// The reference fixture: 2025 intensity falls by 7% at integer-percent rounding.
#[test]
fn xiaomi_fixture_intensity_down_7_percent() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let (p, c) = run(&dir, true);
    assert_eq!(c.rejected_rows(), 0);
    let change = fig(&p, &c, "change.intensity.ghg_per_energy", 2025);
    assert_eq!(
        carbonledger::decimal::RoundingRule::HalfAwayFromZero.round(change, 0),
        d("-7")
    );
    // Scope 2 by hand (README of the fixture): 2025 north 62 000 + 320 000 + 46 000 MWh × 0.6361
    // = 272 250.8 t; central 40 000 MWh × 0.5271 = 21 084 t; total 293 334.8 t.
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2025), d("293334.8"));
    assert_eq!(fig(&p, &c, "ghg.scope2.location", 2024), d("206668"));
}
