//! Issue 13: projects written from the README alone, with built-in factors only and no
//! `factor` column, computed against hand calculations from the published tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::RunOptions;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn write(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "carbonledger-ledger-{}-{}",
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

fn ledger(dir: &Path, strict: bool) -> Result<Ledger, Vec<carbonledger::diag::Diagnostic>> {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    Ledger::compute(&p, RunOptions { strict, threads: 0 })
}

fn fig(l: &Ledger, name: &str) -> Decimal {
    l.figure(name, 2025)
        .unwrap()
        .unwrap_or_else(|| panic!("no figure {name}"))
        .value
}

const UK_MANIFEST: &str = r#"organisation = "Example Engineering Ltd"
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[factors]
fuel_emissions = "desnz-fuels"
calorific_values = ["desnz-fuels"]
energy_basis = "gross"
[years.2025.editions]
desnz-fuels = "2025"
desnz = "2025"
ipcc-gwp = "ar5"
"#;

/// A UK SME: gas billed in kWh (gross), van diesel from fuel cards in litres (mobile
/// combustion), an R-410A top-up, UK grid electricity backed by REGOs.
///
/// By hand, from the DESNZ "Greenhouse gas reporting: conversion factors 2025" flat file:
/// - natural gas, kWh (Gross CV): 0.18259 (CO2) + 0.00028 (CH4) + 0.00009 (N2O) kg CO2e/kWh
///   (IDs 1_100_1004_6_2..4) × 120 000 kWh = 21 955.2 kg;
/// - diesel (average biofuel blend), litres: 2.53763 + 0.00029 + 0.03290 kg CO2e/L
///   (IDs 1_101_1011_8_2..4) × 8 000 L = 20 566.56 kg, mobile;
/// - R-410A 2.5 kg × 1 923.5 (AR5, 50/50 HFC-32/HFC-125) = 4 808.75 kg;
/// - UK electricity 90 000 kWh × 0.17700 kg CO2e/kWh (ID 7_400_4000_5_1) = 15 930 kg, and 0
///   market-based under 90 REGOs (the UK residual mix is not shipped: no instrument-free
///   electricity is left to price).
#[test]
fn a_uk_sme_from_its_bills() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works and office,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,natural_gas,120000,kWh,,GAS-25,gas bills (gross),\nHQ,2025,diesel,8000,L,,FUEL-25,van fuel cards,mobile\nHQ,2025,electricity,90000,kWh,,ELEC-25,,\n",
        ),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note\nHQ,2025,R-410A,2.5,kg,,chiller top-up\n",
        ),
        (
            "instruments.csv",
            "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nR1,rego,HQ,2025,90,MWh,GB,2025,R00001..R00090,,green tariff\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.stationary"), d("21.9552"));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), d("20.56656"));
    assert_eq!(fig(&l, "ghg.scope1.fugitive"), d("4.80875"));
    assert_eq!(fig(&l, "ghg.scope1"), d("47.33051"));
    assert_eq!(fig(&l, "ghg.scope2.location"), d("15.93"));
    assert_eq!(fig(&l, "ghg.scope2.market"), d("0"));
    // The van diesel's energy is not known (no DESNZ calorific value ships), and says so.
    assert_eq!(fig(&l, "energy.total"), d("210"));
    let notes: Vec<&String> = l.comp.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("diesel in L: no calorific value")),
        "{notes:?}"
    );
    // --strict refuses that gap instead of reporting it.
    let strict = ledger(&dir, true).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(strict.rejected_rows(), 1);
    assert_eq!(strict.comp.diagnostics[0].code, "fallback-refused");
    assert_eq!(strict.comp.diagnostics[0].span.line, 3);
}

/// A Chinese GEC for a GB site is refused at the `kind` column.
#[test]
fn a_certificate_outside_its_market_is_refused() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,electricity,90000,kWh,,,,\n",
        ),
        (
            "instruments.csv",
            "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nG1,gec,HQ,2025,90,MWh,GB,2025,G01..G90,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "instrument-outside-market")
        .unwrap_or_else(|| panic!("{:#?}", l.diagnostics));
    assert!(d.span.file.ends_with("instruments.csv"));
    assert_eq!((d.span.line, d.span.column), (2, Some(2)));
    assert!(d
        .hint
        .as_deref()
        .unwrap_or("")
        .contains("gec instruments are valid in CN"));
}

const US_MANIFEST: &str = r#"organisation = "Example Manufacturing Inc."
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[factors]
fuel_emissions = "us-epa-hub"
calorific_values = ["us-epa-hub"]
energy_basis = "gross"
[years.2025.editions]
us-epa-hub = "2025"
ipcc-gwp = "ar5"
"#;

/// A US plant with a vehicle fleet, in gallons, on the RFC West eGRID subregion.
///
/// By hand, from the US EPA GHG Emission Factors Hub (January 2025):
/// - generator diesel (Table 1, Distillate Fuel Oil No. 2) 1 000 gal × 10.21 kg CO2/gal
///   = 10 210 kg; CH4 0.41 g/gal → 0.41 kg × 28 = 11.48 kg; N2O 0.08 g/gal → 0.08 kg × 265
///   = 21.2 kg (AR5); 10 242.68 kg;
/// - fleet gasoline 5 000 gal, mobile: CO2 8.78 kg/gal (Table 2) = 43 900 kg; CH4 and N2O
///   per gallon only in Table 1 (the Hub gives mobile CH4/N2O per vehicle-mile): 0.38 g/gal
///   → 1.9 kg × 28 = 53.2 kg, 0.08 g/gal → 0.4 kg × 265 = 106 kg; 44 059.2 kg;
/// - electricity 2 000 MWh × RFCW total output rates (Table 6, eGRID2023) 911.321 lb CO2,
///   0.071 lb CH4, 0.010 lb N2O per MWh, 1 lb = 0.45359237 kg.
#[test]
fn a_us_plant_with_a_fleet() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,diesel,1000,gal,,,standby generator,\nOH1,2025,gasoline,5000,gal,,,fleet fuel cards,mobile\nOH1,2025,electricity,2000,MWh,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let t = |kg: Decimal| kg / d("1000");
    assert_eq!(fig(&l, "ghg.scope1.stationary"), t(d("10242.68")));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), t(d("44059.2")));
    let lb = d("0.45359237");
    let kwh_kg = d("2000") * d("911.321") * lb
        + d("2000") * d("0.071") * lb * d("28")
        + d("2000") * d("0.010") * lb * d("265");
    assert_eq!(fig(&l, "ghg.scope2.location"), t(kwh_kg));
    // Energy from the Hub's heat contents (HHV): 1 000 gal × 0.138 MMBtu + 5 000 gal × 0.125
    // MMBtu = 763 MMBtu = 763 × 1.05505585262 GJ; plus 2 000 MWh.
    let gj = d("763") * d("1.05505585262");
    assert_eq!(fig(&l, "energy.total_gj"), gj + d("7200"));
    // The fleet's CH4/N2O come from the stationary table: said on the chain.
    let notes: Vec<&String> = l.comp.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("no mobile-combustion ch4 factor of gasoline")),
        "{notes:?}"
    );
}
