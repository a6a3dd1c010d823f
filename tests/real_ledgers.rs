//! Issue 13: projects written from the README alone, with built-in factors only and no
//! `factor` column, computed against hand calculations from the published tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::RunOptions;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::path::Path;

mod common;
use common::dec as d;
use common::write_files as write;

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
    // By gas: DESNZ's "kg CO2e of CO2/CH4/N2O" columns count under their own gas (their CO2e
    // at the AR5 GWPs DESNZ embeds): CO2 120 000 × 0.18259 + 8 000 × 2.53763 = 42 211.84 kg;
    // CH4 120 000 × 0.00028 + 8 000 × 0.00029 = 35.92 kg; N2O 120 000 × 0.00009 + 8 000 ×
    // 0.03290 = 274 kg; the refrigerant under its own name.
    assert_eq!(fig(&l, "ghg.scope1.co2"), d("42.21184"));
    assert_eq!(fig(&l, "ghg.scope1.ch4"), d("0.03592"));
    assert_eq!(fig(&l, "ghg.scope1.n2o"), d("0.274"));
    assert_eq!(fig(&l, "ghg.scope1.r-410a"), d("4.80875"));
    assert_eq!(fig(&l, "ghg.scope1.co2e"), d("0"));
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
fn a_row_naming_the_default_source_counts_with_one_that_leaves_it_empty() {
    // `stationary` is what an empty `source` means for a fuel, and `fugitive` for a gas: a
    // row that writes it and one that does not are the same chain. They were two chain keys
    // with one chain identity, and one of them silently replaced the other (the 100,000 kWh
    // row vanished: 3.6592 t instead of 21.9552 t, exit 0). The UK SME's figures, with its
    // gas bill and refrigerant top-up split over two rows each: 120,000 kWh gross at DESNZ
    // 2025's 0.18296 kg CO2e/kWh = 21.9552 t; 2.5 kg of R-410A at AR5's 1,923.5 = 4.80875 t.
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works and office,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,natural_gas,100000,kWh,,GAS-A,,stationary\nHQ,2025,natural_gas,20000,kWh,,GAS-B,,\n",
        ),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source\nHQ,2025,R-410A,1,kg,A,,fugitive\nHQ,2025,R-410A,1.5,kg,B,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.stationary"), d("21.9552"));
    assert_eq!(fig(&l, "ghg.scope1.fugitive"), d("4.80875"));
    assert_eq!(fig(&l, "ghg.scope1"), d("26.76395"));
}

#[test]
fn rows_differing_only_in_their_source_are_not_duplicates() {
    // A standby generator's and the vans' diesel of one month, 1,000 L each, and an SF6
    // switchgear top-up beside the same mass used as a magnesium casting cover gas (process):
    // two consumptions each, told apart by `source`. They were refused as duplicates of each
    // other ("same facility, period, carrier, quantity, unit and ref"), and with
    // --allow-rejects the van diesel and the process SF6 were dropped. By hand (DESNZ 2025,
    // diesel per litre 2.53763 + 0.00029 + 0.03290 = 2.57082 kg CO2e/L; SF6 AR5 23,500):
    // stationary 1,000 L × 2.57082 = 2.57082 t; mobile the same 2.57082 t; fugitive and
    // process 1 kg × 23,500 = 23.5 t each; scope 1 = 2 × 2.57082 + 2 × 23.5 = 52.14164 t.
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works and office,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025-03,diesel,1000,L,,,standby generator,\nHQ,2025-03,diesel,1000,L,,,vans,mobile\n",
        ),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source\nHQ,2025,SF6,1,kg,,switchgear top-up,\nHQ,2025,SF6,1,kg,,magnesium casting cover gas,process\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(l.rejected_rows(), 0);
    assert_eq!(fig(&l, "ghg.scope1.stationary"), d("2.57082"));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), d("2.57082"));
    assert_eq!(fig(&l, "ghg.scope1.fugitive"), d("23.5"));
    assert_eq!(fig(&l, "ghg.scope1.process"), d("23.5"));
    assert_eq!(fig(&l, "ghg.scope1"), d("52.14164"));
    // Two copies of one row are still one row entered twice.
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works and office,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025-03,diesel,1000,L,,,vans,mobile\nHQ,2025-03,diesel,1000.0,L,,,vans again,mobile\nHQ,2025-03,diesel,1000,L,,,generator,stationary\nHQ,2025-03,diesel,1000,L,,,generator again,\n",
        ),
    ]);
    let dups = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(dups.rejected_rows(), 2);
    let lines: Vec<u64> = dups
        .all_diagnostics()
        .filter(|x| x.code == "duplicate-row")
        .map(|x| x.span.line)
        .collect();
    assert_eq!(lines, vec![3, 5]);
}

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

const CN_MANIFEST: &str = r#"organisation = "示例制造有限公司"
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[factors]
fuel_emissions = "cn-ghg-guidelines"
calorific_values = ["cn-ghg-guidelines", "steam-supplier"]
energy_basis = "net"
purchased_heat = "gbt-32150:heat"
[years.2025.editions]
cn-ghg-guidelines = "2015"
cn-mee-grid = "2023"
gbt-32150 = "2025"
gbt-2589 = "2020"
steam-supplier = "2025"
ipcc-gwp = "ar6"
"#;

/// The steam supplier's declared enthalpy, a project set (no default is published: the
/// guidelines take it from the steam's own pressure and temperature).
const STEAM_EDITION: &str = "set = \"steam-supplier\"\nedition = \"2025\"\ndescription = \"enthalpy of the purchased steam, from the supplier's 2025 statement\"\n[citation]\npublisher = \"Example steam supplier\"\ntitle = \"2025 steam statement\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"project data\"\nurl = \"https://example.org\"\n";

/// A Chinese factory in Chinese units: 天然气 in 万立方米, 原煤 and 焦炭 in 吨, 蒸汽 in 吨, 电力 in
/// 万千瓦时, with no `factor` column.
///
/// By hand, CO2 = quantity × 低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12, from the defaults
/// of China's accounting guidelines (常用化石燃料相关参数缺省值, GB/T 32151 表C.1):
/// - 天然气 50 万m3 × 389.31 GJ/万m3 = 19 465.5 GJ; × 15.3 tC/TJ × 99% × 44/12 = 55.539 t/TJ
///   → 1 081.0944045 t;
/// - 原煤 2 000 t × 20.908 GJ/t = 41 816 GJ; × 26.37 × 94% × 44/12 = 90.8886 t/TJ
///   → 3 800.5976976 t;
/// - 焦炭 300 t × 28.435 GJ/t = 8 530.5 GJ; × 29.5 × 93% × 44/12 = 100.595 t/TJ
///   → 858.1256475 t;
/// - 蒸汽 5 000 t × 2.7 GJ/t (the supplier's enthalpy) = 13 500 GJ × 0.11 t CO2/GJ (GB/T
///   32150-2025 §7.5.6) = 1 485 t;
/// - 电力 300 万kWh × 0.5306 kg CO2/kWh (MEE 2023 national average) = 1 591.8 t.
#[test]
fn a_chinese_factory_in_chinese_units() {
    let dir = write(&[
        ("carbonledger.toml", CN_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nSZ,苏州工厂,CN,cn-mee-grid:national\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nSZ,2025,天然气,50,万立方米,,,锅炉,\nSZ,2025,原煤,2000,吨,,,,\nSZ,2025,焦炭,300,吨,,,,\nSZ,2025,蒸汽,5000,吨,,,外购蒸汽,\nSZ,2025,电力,300,万千瓦时,,,,\n",
        ),
        ("factors/steam-supplier/2025/edition.toml", STEAM_EDITION),
        (
            "factors/steam-supplier/2025/factors.csv",
            "key,value,unit,gas,basis,table,note\nsteam.enthalpy,2.7,GJ/t,-,,1,enthalpy less feedwater\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let ng = d("1081.0944045");
    let coal = d("3800.5976976");
    let coke = d("858.1256475");
    assert_eq!(fig(&l, "ghg.scope1.stationary"), ng + coal + coke);
    assert_eq!(fig(&l, "ghg.scope1"), d("5739.8177496"));
    assert_eq!(fig(&l, "ghg.scope2.location"), d("1485") + d("1591.8"));
    // Energy on the net basis: 19 465.5 + 41 816 + 8 530.5 + 13 500 GJ, and 3 000 000 kWh
    // = 10 800 GJ.
    assert_eq!(fig(&l, "energy.total_gj"), d("94112"));
    // The guidelines count CO2 only for combustion: the missing CH4 and N2O are said.
    let notes: Vec<&String> = l.comp.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("no ch4 factor of raw_coal per mass")),
        "{notes:?}"
    );
}

/// Steam in tonnes with no enthalpy is refused at its unit, and says where to put one.
#[test]
fn steam_in_tonnes_needs_its_enthalpy() {
    let manifest = CN_MANIFEST
        .replace(", \"steam-supplier\"]", "]")
        .replace("steam-supplier = \"2025\"\n", "");
    let dir = write(&[
        ("carbonledger.toml", &manifest),
        (
            "facilities.csv",
            "id,name,country,grid\nSZ,苏州工厂,CN,cn-mee-grid:national\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nSZ,2025,蒸汽,5000,吨,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let d = l
        .all_diagnostics()
        .find(|d| d.code == "no-calorific-value")
        .unwrap_or_else(|| panic!("{:#?}", l.all_diagnostics().collect::<Vec<_>>()));
    assert_eq!((d.span.line, d.span.column), (2, Some(5)));
    assert!(d.hint.as_deref().unwrap_or("").contains("steam.enthalpy"));
}

/// Biomass and biofuels: their CO2 is biogenic, reported as `ghg.biogenic_co2` outside the
/// scopes; their CH4 and N2O count in scope 1 (GHG Protocol Corporate Standard, ch. 9).
///
/// By hand, from the DESNZ 2025 flat file ("Bioenergy" and "Outside of scopes"):
/// - wood chips 50 t × 43.43964 kg CO2e/t (ID 2_104_1044_15_1, CH4 and N2O) = 2 171.982 kg in
///   scope 1, and × 1 335.71 kg CO2/t (ID 99_104_1044_15_2) = 66 785.5 kg biogenic;
/// - biodiesel ME 1 000 L × 0.16751 kg CO2e/L (ID 2_103_1032_8_1) = 167.51 kg in scope 1,
///   and × 2.39 kg CO2/L (ID 99_103_1032_8_2) = 2 390 kg biogenic.
#[test]
fn biogenic_co2_is_reported_outside_the_scopes_uk() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,biomass,50,t,,,wood-chip boiler,\nHQ,2025,biodiesel,1000,L,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1"), d("2.339492"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("69.1755"));
    assert_eq!(fig(&l, "ghg.total.location"), d("2.339492"));
    // Well-to-tank, keyed as the factor that priced each row even when that is the biogenic
    // column: 'WTT- bioenergy' wood chips 30.40000 kg CO2e/t (ID 12_901_1044_15_1) × 50 t =
    // 1 520 kg; biodiesel ME 0.39508 kg CO2e/L (ID 12_900_1032_8_1) × 1 000 L = 395.08 kg.
    assert_eq!(fig(&l, "ghg.scope3.cat3.wtt_fuels"), d("1.91508"));
    assert!(l.comp.notes.is_empty(), "{:?}", l.comp.notes);
}

/// The EPA Hub's biomass fuels: Table 1 "Biodiesel (100%)" per gallon, 9.45 kg CO2 (biogenic),
/// 0.14 g CH4 and 0.01 g N2O: 500 gal → 4 725 kg biogenic CO2; CH4 0.07 kg × 28 = 1.96 kg and
/// N2O 0.005 kg × 265 = 1.325 kg (AR5) in scope 1.
#[test]
fn biogenic_co2_is_reported_outside_the_scopes_us() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,biodiesel,500,gal,,,B100 boiler,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1"), d("0.003285"));
    assert_eq!(fig(&l, "ghg.scope1.ch4"), d("0.00196"));
    assert_eq!(fig(&l, "ghg.scope1.n2o"), d("0.001325"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("4.725"));
    // Its energy from the Hub's heat content: 500 gal × 0.128 MMBtu (HHV).
    assert_eq!(fig(&l, "energy.total_gj"), d("64") * d("1.05505585262"));
    let names = carbonledger::figures::names(&l.comp);
    assert!(names.contains(&"ghg.biogenic_co2".to_string()));
    assert!(!names.iter().any(|n| n == "ghg.scope1.co2-biogenic"));
}

/// Refrigerant screening: no top-up records, so the release is the equipment's charge × its
/// default leakage rate (NZ Ministry for the Environment, "Measuring emissions" Appendix B,
/// Table B.1): a split air conditioner (<20 kW) with 12 kg of R-410A in operation leaks 3%
/// a year → 0.36 kg × 1 923.5 (AR5) = 692.46 kg CO2e; a self-contained unit installed with
/// 4 kg of HFC-32 loses 0.50% → 0.02 kg × 677 = 13.54 kg CO2e.
#[test]
fn refrigerant_screening_by_equipment_type() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        ("energy.csv", "facility,period,carrier,quantity,unit\n"),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source,equipment,stage\nHQ,2025,R-410A,12,kg,,office split AC,,split_ac,\nHQ,2025,HFC-32,4,kg,,new window unit,,self_contained_ac,installation\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.r-410a"), d("0.69246"));
    assert_eq!(fig(&l, "ghg.scope1.hfc-32"), d("0.01354"));
    assert_eq!(fig(&l, "ghg.scope1.fugitive"), d("0.706"));
}

/// An equipment type the screening set does not list is refused at the `equipment` column,
/// with the types it has in the hint.
#[test]
fn an_unknown_equipment_type_is_refused_at_its_column() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        ("energy.csv", "facility,period,carrier,quantity,unit\n"),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source,equipment,stage\nHQ,2025,R-410A,12,kg,,,,rooftop_ac,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let d = l
        .all_diagnostics()
        .find(|d| d.code == "unknown-factor")
        .unwrap_or_else(|| panic!("{:#?}", l.all_diagnostics().collect::<Vec<_>>()));
    assert!(d.span.file.ends_with("fugitive.csv"));
    assert_eq!((d.span.line, d.span.column), (2, Some(9)));
    assert!(d
        .hint
        .as_deref()
        .unwrap_or("")
        .contains("split_ac.operation"));
}

/// A blend the GWP edition does not print takes its GWP from its composition by mass (US EPA
/// Hub Table 12: R-407C = 23% HFC-32, 25% HFC-125, 52% HFC-134a) and the edition's component
/// GWPs (AR5, WG1 Ch.8 Table 8.A.1: 677, 3 170, 1 300): 0.23 × 677 + 0.25 × 3 170 + 0.52 ×
/// 1 300 = 1 624.21 exactly (the Hub prints 1 624); 10 kg → 16 242.1 kg CO2e.
#[test]
fn a_blend_gwp_is_computed_from_its_components() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        ("energy.csv", "facility,period,carrier,quantity,unit\n"),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source\nHQ,2025,R-407C,10,kg,,top-up,\nHQ,2025,R-410A,1,kg,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.r-407c"), d("16.2421"));
    // A blend the edition prints keeps its printed value (AR5 R-410A 1 923.5).
    assert_eq!(fig(&l, "ghg.scope1.r-410a"), d("1.9235"));
}

/// `init --country`: every country's templates compute with no error, from built-in factors
/// in that country's units. Scope 2 of 2025 by hand: CN 110 万kWh × 0.5500 kg CO2/kWh (MEE
/// 2023, East China grid) = 605 t; GB 1 100 000 kWh × 0.17700 kg CO2e/kWh (DESNZ 2025) =
/// 194.7 t; AU 1 100 000 kWh × 0.78 kg CO2-e/kWh (NGA 2025 Table 1, Victoria) = 858 t; EU
/// 1 100 MWh × 281 g CO2e/kWh (EEA, EU-27 2018) = 309.1 t.
#[test]
fn init_country_templates_compute() {
    use carbonledger::project::{write_country_templates, Country};
    for c in Country::ALL {
        let dir = write(&[]);
        write_country_templates(&dir, c).unwrap();
        let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{c:?}: {d:#?}"));
        let errors: Vec<_> = l
            .all_diagnostics()
            .filter(|d| d.severity == carbonledger::diag::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{c:?}: {errors:#?}");
        match c {
            Country::Cn => assert_eq!(fig(&l, "ghg.scope2.location"), d("605")),
            Country::Gb => assert_eq!(fig(&l, "ghg.scope2.location"), d("194.7")),
            Country::Au => assert_eq!(fig(&l, "ghg.scope2.location"), d("858")),
            Country::Eu => assert_eq!(fig(&l, "ghg.scope2.location"), d("309.1")),
            _ => {}
        }
    }
}

fn explain(dir: &Path, figure: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["explain", dir.to_str().unwrap(), figure])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `explain` of a biogenic figure and of a screening line shows every step: the activity,
/// the energy, the biogenic CO2 and that it is outside the scopes; the charge, the rate and
/// the GWP.
#[test]
fn explain_shows_biogenic_and_screening_steps() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,biodiesel,500,gal,,,,\n",
        ),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source,equipment,stage\nOH1,2025,R-410A,12,kg,,,,split_ac,\n",
        ),
    ]);
    let bio = explain(&dir, "ghg.biogenic_co2");
    for s in [
        "activity  500 gal",
        "calorific value us-epa-hub@2025:biodiesel_100pct.hhv = 0.128 MMBtu/gal",
        "us-epa-hub@2025:biodiesel_100pct.gallon.co2 = 9.45 kg CO2/gal (per volume) = 4.725 t CO2-biogenic",
        "outside the scopes",
        "equal to the figure",
    ] {
        assert!(bio.contains(s), "missing `{s}` in:\n{bio}");
    }
    let screening = explain(&dir, "ghg.scope1.fugitive");
    for s in [
        "activity  12 kg",
        "nz-mfe-refrigeration@appendix-b:split_ac.operation = 3 %/1 (per mass) = 0.00036 t R-410A",
        "GWP ipcc-gwp@ar5:r-410a = 1923.5 kg CO2e/kg = 0.69246 t CO2e",
    ] {
        assert!(screening.contains(s), "missing `{s}` in:\n{screening}");
    }
}

/// A biomass row priced by an explicit factor group still reports its CO2 as biogenic: EPA
/// Hub Table 1 wood and wood residuals, 10 short tons × 17.48 mmBtu = 174.8 mmBtu × 93.80 kg
/// CO2 = 16 396.24 kg biogenic; in scope 1, CH4 174.8 × 7.2 g = 1.25856 kg × 28 = 35.23968 kg
/// and N2O 174.8 × 3.6 g = 0.62928 kg × 265 = 166.7592 kg (AR5).
#[test]
fn an_explicit_factor_keeps_bioenergy_co2_biogenic() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,biomass,10,short ton,us-epa-hub:wood_and_wood_residuals,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("16.39624"));
    assert_eq!(fig(&l, "ghg.scope1"), d("0.03523968") + d("0.1667592"));
}

/// A product made at a facility whose grid is a per-gas group (`us-epa-hub:egrid.rfcw`: CO2,
/// CH4 and N2O rates) prices its manufacturing electricity through every gas of the group.
/// By hand, EPA Hub January 2025 Table 6 (eGRID2023, RFCW total output): 10 kWh = 0.01 MWh ×
/// (911.321 lb CO2 + 0.071 lb CH4 × 28 + 0.010 lb N2O × 265) × 0.45359237 kg/lb (AR5).
/// Before the fix the stage failed with `unknown-factor` (no key `egrid.rfcw`).
#[test]
fn product_stages_use_a_per_gas_grid_group() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit\nOH1,2025,electricity,1,MWh\n",
        ),
        (
            "products.csv",
            "id,name,category,functional_unit,year,facility\nwidget,Widget,test,one widget,2025,OH1\n",
        ),
        (
            "bom.csv",
            "product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route\n",
        ),
        (
            "product_stages.csv",
            "product,stage,quantity,unit,years,factor,note\nwidget,manufacturing,10,kWh,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let lb = d("0.45359237");
    let kg = d("0.01") * d("911.321") * lb
        + d("0.01") * d("0.071") * lb * d("28")
        + d("0.01") * d("0.010") * lb * d("265");
    assert_eq!(fig(&l, "product.widget.stage.manufacturing"), kg);
    assert_eq!(fig(&l, "product.widget.footprint"), kg);
}

/// A B7 blend in a van (mobile), UK: the fossil 93% priced as 100% mineral diesel, the 7%
/// biodiesel as biodiesel ME, each by its share of the litres (DESNZ 2025 flat file).
/// By hand, 1 000 L = 930 L mineral diesel + 70 L biodiesel:
/// - "Diesel (100% mineral diesel)" per litre, kg CO2e of CO2 2.62818, CH4 0.00029, N2O
///   0.03308 (IDs 1_101_1012_8_2..4): 930 × those = 2 444.2074 + 0.2697 + 30.7644
///   = 2 475.2415 kg;
/// - "Biodiesel ME" per litre, 0.16751 kg CO2e (CH4 and N2O, ID 2_103_1032_8_1): 70 × =
///   11.7257 kg in scope 1; outside of scopes 2.39 kg CO2 (ID 99_103_1032_8_2): 70 × = 167.3
///   kg biogenic.
///
/// Its well-to-tank likewise, part by part (below).
#[test]
fn a_b7_blend_splits_into_fossil_and_biogenic_parts_uk() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,B7,1000,L,,,van fuel cards,mobile\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), d("2.4869672"));
    assert_eq!(fig(&l, "ghg.scope1.co2"), d("2.4442074"));
    assert_eq!(fig(&l, "ghg.scope1.ch4"), d("0.0002697"));
    assert_eq!(fig(&l, "ghg.scope1.n2o"), d("0.0307644"));
    assert_eq!(fig(&l, "ghg.scope1.co2e"), d("0.0117257"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("0.1673"));
    assert_eq!(fig(&l, "ghg.total.location"), d("2.4869672"));
    // DESNZ ships no calorific values: the blend's energy is not counted, and that is said.
    let notes: Vec<&String> = l.comp.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("diesel_b7 in L: no calorific value per volume")),
        "{notes:?}"
    );
    // Its well-to-tank (scope 3 category 3) is each part's, by its share ('WTT- fuels',
    // "Diesel (100% mineral diesel)" litres 0.62409, ID 11_101_1012_8_1; 'WTT- bioenergy',
    // "Biodiesel ME" litres 0.39508, ID 12_900_1032_8_1): 930 × 0.62409 + 70 × 0.39508
    // = 580.4037 + 27.6556 = 608.0593 kg.
    assert_eq!(fig(&l, "ghg.scope3.cat3.wtt_fuels"), d("0.6080593"));
    assert!(l.comp.notes.is_empty(), "{:?}", l.comp.notes);
    let wtt = explain(&dir, "ghg.scope3.cat3.wtt_fuels");
    for s in [
        "fossil part of diesel_b7",
        "biofuel part of diesel_b7",
        "equal to the figure",
    ] {
        assert!(wtt.contains(s), "missing `{s}` in:\n{wtt}");
    }
}

/// An E10 fleet, US: 90% motor gasoline and 10% ethanol (100%) by volume, each through the
/// EPA Hub's (January 2025) per-gallon factors. By hand, 1 000 gal = 900 + 100 gal:
/// - gasoline CO2 8.78 kg/gal (Table 2) × 900 = 7 902 kg; CH4 0.38 g/gal and N2O 0.08 g/gal
///   (Table 1, row 66) × 900 = 0.342 kg × 28 = 9.576 kg and 0.072 kg × 265 = 19.08 kg (AR5);
/// - ethanol CO2 5.75 kg/gal (Table 2) × 100 = 575 kg biogenic; CH4 0.09 g/gal and N2O 0.01
///   g/gal (Table 1, row 81) × 100 = 0.009 kg × 28 = 0.252 kg and 0.001 kg × 265 = 0.265 kg;
/// - scope 1 = 7 902 + 9.576 + 19.08 + 0.252 + 0.265 = 7 931.173 kg;
/// - energy (HHV) 900 × 0.125 + 100 × 0.084 = 120.9 MMBtu (0.1209 MMBtu/gal of the blend).
#[test]
fn an_e10_fleet_splits_into_fossil_and_biogenic_parts_us() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,E10,1000,gal,,,fleet,mobile\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), d("7.931173"));
    assert_eq!(fig(&l, "ghg.scope1.co2"), d("7.902"));
    assert_eq!(fig(&l, "ghg.scope1.ch4"), d("0.009828"));
    assert_eq!(fig(&l, "ghg.scope1.n2o"), d("0.019345"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("0.575"));
    assert_eq!(fig(&l, "energy.total_gj"), d("120.9") * d("1.05505585262"));
    let bio = explain(&dir, "ghg.biogenic_co2");
    for s in [
        "activity  1000 gal",
        "× 90% + us-epa-hub@2025:ethanol_100pct.hhv × 10% = 0.1209 MMBtu/gal",
        "us-epa-hub@2025:mobile.ethanol_100pct.co2 × 10% (biofuel part of petrol_e10) = 0.575 kg CO2/gal",
        "outside the scopes",
    ] {
        assert!(bio.contains(s), "missing `{s}` in:\n{bio}");
    }
}

/// A blend's shares are by volume: B20 in kWh is refused at the unit column.
#[test]
fn a_blend_must_be_given_by_volume() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,B20,1000,kWh,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let d = l
        .all_diagnostics()
        .find(|d| d.span.file.ends_with("energy.csv"))
        .unwrap_or_else(|| panic!("{:#?}", l.all_diagnostics().collect::<Vec<_>>()));
    assert_eq!((d.span.line, d.span.column), (2, Some(5)), "{d:#?}");
}

/// A plant in Yunnan on its provincial grid factor (MEE/NBS 2022 provincial average 0.1073 kg
/// CO2/kWh, 附件《2022年电力二氧化碳排放因子》): 100 万千瓦时 = 1 000 000 kWh × 0.1073 =
/// 107.3 t CO2; the 2025 year takes the nearest edition (2022), which is said.
#[test]
fn a_facility_on_its_provincial_grid_factor() {
    let dir = write(&[
        ("carbonledger.toml", CN_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nKM,昆明工厂,CN,cn-mee-grid-provincial:yunnan\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nKM,2025,电力,100,万千瓦时,,,,\n",
        ),
        ("factors/steam-supplier/2025/edition.toml", STEAM_EDITION),
        (
            "factors/steam-supplier/2025/factors.csv",
            "key,value,unit,gas,basis,table,note\nsteam.enthalpy,2.7,GJ/t,-,,1,enthalpy less feedwater\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope2.location"), d("107.3"));
}

const AU_MANIFEST: &str = r#"organisation = "Example Pty Ltd"
reporting_years = [2024]
base_year = 2024
consolidation = "operational_control"
[factors]
fuel_emissions = "au-nga"
calorific_values = ["au-nga"]
energy_basis = "gross"
[renewables.residual_mix]
AU = "au-nga:residual_mix"
[years.2024.editions]
au-nga = "2025"
au-cer-rpp = "2024"
ipcc-gwp = "ar5"
"#;

/// Australia's market-based scope 2 (NGA Factors market-based method: residual = electricity
/// × (1 − RPP) − voluntary renewables, × the residual mix factor). A Victorian site uses
/// 1 000 MWh and surrenders 300 LGCs: 1 000 × (1 − 18.48%, the 2024 renewable power
/// percentage, Clean Energy Regulator) = 815.2 MWh − 300 = 515.2 MWh × 0.81 t CO2-e/MWh (NGA
/// 2025 Table 2 residual mix) = 417.312 t. Location-based: 1 000 MWh × 0.78 (NGA 2025 Table 1,
/// Victoria) = 780 t.
#[test]
fn australia_market_based_takes_out_the_renewable_power_percentage() {
    let dir = write(&[
        ("carbonledger.toml", AU_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nMEL,Melbourne plant,AU,au-nga:vic\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nMEL,2024,electricity,1000,MWh,,,,\n",
        ),
        (
            "instruments.csv",
            "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nL1,lgc,MEL,2024,300,MWh,AU,2024,L001..L300,,surrendered\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    let fig = |n: &str| {
        l.figure(n, 2024)
            .unwrap()
            .unwrap_or_else(|| panic!("no figure {n}"))
            .value
    };
    assert_eq!(fig("ghg.scope2.location"), d("780"));
    assert_eq!(fig("ghg.scope2.market"), d("417.312"));
    // Without a residual mix the grid average (which holds every renewable share) is used
    // and no exempt share is taken: 700 MWh × 0.78 = 546 t.
    let no_residual = AU_MANIFEST.replace(
        "[renewables.residual_mix]\nAU = \"au-nga:residual_mix\"\n",
        "",
    );
    std::fs::write(dir.join("carbonledger.toml"), no_residual).unwrap();
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(
        l.figure("ghg.scope2.market", 2024).unwrap().unwrap().value,
        d("546")
    );
}

/// Refrigerant disposal through a project screening set (none ships: see
/// docs/templates/refrigerant-disposal-local/): a chiller with 200 kg of HFC-134a disposed of
/// on site, with 100% of the charge remaining and 95% recovered, releases 200 × 5% = 10 kg ×
/// 1 300 (AR5) = 13 000 kg CO2e; its annual operation at the same set's 15% is 30 kg × 1 300
/// = 39 000 kg CO2e. (Rates here are the test's own, not a published table.)
#[test]
fn refrigerant_disposal_through_a_project_screening_set() {
    let dir = write(&[
        ("carbonledger.toml", UK_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        ("energy.csv", "facility,period,carrier,quantity,unit\n"),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source,equipment,stage\nHQ,2025,HFC-134a,200,kg,,old chiller scrapped,,refrigerant-screening:chillers,disposal\nHQ,2025,HFC-134a,200,kg,,new chiller,,refrigerant-screening:chillers,operation\n",
        ),
        (
            "factors/refrigerant-screening/2025/edition.toml",
            "set = \"refrigerant-screening\"\nedition = \"2025\"\ndescription = \"test rates\"\nany_year = true\n[citation]\npublisher = \"test\"\ntitle = \"test\"\npublished = \"2025\"\ntable = \"test\"\nlicence = \"test\"\nurl = \"https://example.invalid\"\n[verification]\nchecked = \"2025-01-01\"\nmethod = \"test\"\nconfidence = \"low\"\n",
        ),
        (
            "factors/refrigerant-screening/2025/factors.csv",
            "key,value,unit,gas,basis,table,note\nchillers.disposal,5,%/1,-,,t,100% remaining × (1 − 95%)\nchillers.operation,15,%/1,-,,t,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.hfc-134a"), d("13") + d("39"));
}

/// An EU site on the EU-27 grid average (EEA, "Greenhouse gas emission intensity of electricity
/// generation in Europe", assessment of 2020-12-08: 281 g CO2e/kWh in 2018): 1 000 MWh ×
/// 281 g/kWh = 281 t; the 2025 year takes the 2018 edition, which is said.
#[test]
fn an_eu_site_on_the_eu27_grid_average() {
    let manifest = r#"organisation = "Example GmbH"
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[years.2025.editions]
ipcc-gwp = "ar5"
"#;
    let dir = write(&[
        ("carbonledger.toml", manifest),
        (
            "facilities.csv",
            "id,name,country,grid\nDE1,Werk,DE,eea-electricity:eu27\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nDE1,2025,electricity,1000,MWh,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope2.location"), d("281"));
    let notes: Vec<&String> = l.comp.chains.iter().flat_map(|c| &c.fallbacks).collect();
    assert!(notes.iter().any(|n| n.contains("2018")), "{notes:?}");
}

/// `explain` of a mobile and of a process figure shows every step. By hand (EPA Hub January
/// 2025): 5 000 gal of fleet gasoline × 8.78 kg CO2/gal (Table 2) = 43.9 t CO2; CH4 0.38 g/gal
/// (Table 1) × 28 = 0.0532 t and N2O 0.08 g/gal × 265 = 0.106 t (AR5): 44.0592 t. A process
/// release of 1 000 kg CO2 (calcination) × GWP 1 = 1 t.
#[test]
fn explain_shows_mobile_and_process_steps() {
    let dir = write(&[
        ("carbonledger.toml", US_MANIFEST),
        (
            "facilities.csv",
            "id,name,country,grid\nOH1,Ohio plant,US,us-epa-hub:egrid.rfcw\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nOH1,2025,gasoline,5000,gal,,,fleet fuel cards,mobile\n",
        ),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source\nOH1,2025,CO2,1000,kg,,calcination,process\n",
        ),
    ]);
    let mobile = explain(&dir, "ghg.scope1.mobile");
    for s in [
        "ghg.scope1.mobile 2025 = 44.0592 t CO2e",
        "activity  5000 gal",
        "calorific value us-epa-hub@2025:motor_gasoline.hhv = 0.125 MMBtu/gal",
        "us-epa-hub@2025:mobile.motor_gasoline.co2 = 8.78 kg CO2/gal (per volume) = 43.9 t CO2",
        "0.0019 t CH4 × GWP ipcc-gwp@ar5:ch4 = 28 kg CO2e/kg = 0.0532 t CO2e",
        "0.0004 t N2O × GWP ipcc-gwp@ar5:n2o = 265 kg CO2e/kg = 0.106 t CO2e",
        "no mobile-combustion ch4 factor of gasoline",
        "equal to the figure",
    ] {
        assert!(mobile.contains(s), "missing `{s}` in:\n{mobile}");
    }
    let process = explain(&dir, "ghg.scope1.process");
    for s in [
        "ghg.scope1.process 2025 = 1 t CO2e",
        "activity  1000 kg",
        "released 1 t CO2",
        "1 t CO2 × GWP ipcc-gwp@ar5:co2 = 1 kg CO2e/kg = 1 t CO2e",
        "equal to the figure",
    ] {
        assert!(process.contains(s), "missing `{s}` in:\n{process}");
    }
}

/// AR6 SF6 and PFCs (IPCC AR6 WG1 Ch.7 SM Table 7.SM.7, GWP-100: SF6 25 200, PFC-14 7 380):
/// switchgear losing 3 kg of SF6 → 3 × 25 200 = 75 600 kg = 75.6 t CO2e; an etcher releasing
/// 0.5 kg of CF4 (PFC-14) → 0.5 × 7 380 = 3 690 kg = 3.69 t; scope 1 fugitive 79.29 t.
#[test]
fn ar6_sf6_and_pfcs_are_priced_from_table_7sm7() {
    let manifest = UK_MANIFEST.replace("ipcc-gwp = \"ar5\"", "ipcc-gwp = \"ar6\"");
    let dir = write(&[
        ("carbonledger.toml", manifest.as_str()),
        (
            "facilities.csv",
            "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        ),
        ("energy.csv", "facility,period,carrier,quantity,unit\n"),
        (
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note,source\nHQ,2025,SF6,3,kg,,switchgear,\nHQ,2025,PFC-14,0.5,kg,,etcher,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.sf6"), d("75.6"));
    assert_eq!(fig(&l, "ghg.scope1.pfc-14"), d("3.69"));
    assert_eq!(fig(&l, "ghg.scope1.fugitive"), d("79.29"));
}

/// A project's own renewable power percentage set, as the examples state one.
fn local_rpp(value: &str) -> [(&'static str, String); 2] {
    [
        (
            "factors/local-rpp/2025/edition.toml",
            "set = \"local-rpp\"\nedition = \"2025\"\ndescription = \"test\"\nany_year = true\n[citation]\npublisher = \"test\"\ntitle = \"test\"\npublished = \"2025\"\ntable = \"test\"\nlicence = \"test\"\nurl = \"https://example.invalid\"\n[verification]\nchecked = \"2025-01-01\"\nmethod = \"test\"\nconfidence = \"low\"\n".to_string(),
        ),
        (
            "factors/local-rpp/2025/factors.csv",
            format!("key,value,unit,gas,basis,table,note\nrpp,{value},%/1,-,market,t,\n"),
        ),
    ]
}

/// NGA Factors 2025 (DCCEEW), Example 2, market-based electricity: a NSW site buys
/// 11 300 000 kWh of grid electricity, with an RPP of 18.195% (the example's own value) and
/// 800 MWh of LGCs voluntarily surrendered against its grid electricity (1 300 MWh
/// surrendered less the 500 MWh that cover its on-site generation, as the example nets them).
/// Residual = 11 300 000 × (1 − 0.18195) − 800 000 = 8 443 965 kWh; × 0.81 kg CO2-e/kWh (NGA
/// 2025 Table 2, residual mix, scope 2) = 6 839.61165 t. The example prints 7 768.4 t for
/// scope 2 + 3 at 0.81 + 0.11: 8 443 965 × 0.92 = 7 768.4478 t. The RPP applies to all the
/// grid electricity, not only to what the LGCs leave (that would give 10 500 000 × 0.81805 ×
/// 0.81 = 6 957.5 t). Instruments beyond what the RPP leaves floor the remainder at 0.
#[test]
fn nga_2025_example_2_applies_the_rpp_to_all_grid_electricity() {
    let manifest = AU_MANIFEST
        .replace("reporting_years = [2024]", "reporting_years = [2025]")
        .replace("base_year = 2024", "base_year = 2025")
        .replace("[years.2024.editions]", "[years.2025.editions]")
        .replace("au-cer-rpp = \"2024\"\n", "local-rpp = \"2025\"\n")
        + "[renewables.exempt_share]\nAU = \"local-rpp:rpp\"\n";
    let figure = |lgc_mwh: &str| {
        let [edition, rows] = local_rpp("18.195");
        let instruments = format!(
            "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nL1,lgc,SYD,2025,{lgc_mwh},MWh,AU,2025,,,voluntarily surrendered\n"
        );
        let dir = write(&[
            ("carbonledger.toml", manifest.as_str()),
            (
                "facilities.csv",
                "id,name,country,grid\nSYD,Sydney site,AU,au-nga:nsw_act\n",
            ),
            (
                "energy.csv",
                "facility,period,carrier,quantity,unit,factor,ref,note,source\nSYD,2025,electricity,11300000,kWh,,,,\n",
            ),
            ("instruments.csv", instruments.as_str()),
            (edition.0, edition.1.as_str()),
            (rows.0, rows.1.as_str()),
        ]);
        let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
        l.figure("ghg.scope2.market", 2025)
            .unwrap()
            .unwrap_or_else(|| panic!("no market-based figure"))
            .value
    };
    assert_eq!(figure("800"), d("6839.61165"));
    // 10 000 MWh of LGCs: more than the 9 243.965 MWh the RPP leaves, so nothing remains.
    assert_eq!(figure("10000"), d("0"));
}

/// An exempt share the manifest names wrongly is reported at its own line of
/// carbonledger.toml (`[renewables.exempt_share]`, line 16 here, the value at column 6), not
/// at the residual mix: an unknown key, a value that is not a share, a share over 100%.
#[test]
fn a_bad_exempt_share_is_reported_where_it_is_written() {
    let manifest = format!("{AU_MANIFEST}[renewables.exempt_share]\nAU = \"local-rpp:rpp\"\n")
        .replace("au-cer-rpp = \"2024\"\n", "local-rpp = \"2024\"\n");
    for (value, unit, code) in [
        ("", "%/1", "unknown-factor"),
        ("0.5", "GJ/t", "wrong-dimension"),
        ("150", "%/1", "wrong-dimension"),
    ] {
        let rows = if value.is_empty() {
            "key,value,unit,gas,basis,table,note\nother,10,%/1,-,market,t,\n".to_string()
        } else {
            format!("key,value,unit,gas,basis,table,note\nrpp,{value},{unit},-,market,t,\n")
        };
        let dir = write(&[
            ("carbonledger.toml", manifest.as_str()),
            (
                "facilities.csv",
                "id,name,country,grid\nMEL,Melbourne plant,AU,au-nga:vic\n",
            ),
            (
                "energy.csv",
                "facility,period,carrier,quantity,unit,factor,ref,note,source\nMEL,2024,electricity,1000,MWh,,,,\n",
            ),
            (
                "factors/local-rpp/2024/edition.toml",
                "set = \"local-rpp\"\nedition = \"2024\"\ndescription = \"test\"\nany_year = true\n[citation]\npublisher = \"test\"\ntitle = \"test\"\npublished = \"2024\"\ntable = \"test\"\nlicence = \"test\"\nurl = \"https://example.invalid\"\n[verification]\nchecked = \"2025-01-01\"\nmethod = \"test\"\nconfidence = \"low\"\n",
            ),
            ("factors/local-rpp/2024/factors.csv", rows.as_str()),
        ]);
        let errs = match ledger(&dir, false) {
            Err(d) => d,
            Ok(l) => l
                .all_diagnostics()
                .filter(|d| d.severity == carbonledger::diag::Severity::Error)
                .cloned()
                .collect(),
        };
        let e = errs
            .iter()
            .find(|d| d.message.contains("[renewables.exempt_share] AU"))
            .unwrap_or_else(|| panic!("{value}: {errs:#?}"));
        assert_eq!(e.code, code, "{value}: {e:#?}");
        assert!(e.span.file.ends_with("carbonledger.toml"), "{e:#?}");
        assert_eq!(
            (e.span.line, e.span.column),
            (16, Some(6)),
            "{value}: {e:#?}"
        );
    }
}

/// A blend under a set that publishes factors per energy only (the NGA Factors' style: kg
/// CO2-e per GJ, with each fuel's energy content per kL): each part is priced through its own
/// energy content. Diesel from NGA 2025 Table 9 (38.6 GJ/kL, 69.9 kg CO2-e/GJ); the biodiesel
/// rows are this test's own (34.6 GJ/kL; 0.07 kg CO2-e/GJ of CH4 and N2O together; 70 kg/GJ
/// biogenic CO2), as a project set would give them. B20 in a truck, 10 kL = 8 kL diesel +
/// 2 kL biodiesel:
/// - diesel 8 × 38.6 = 308.8 GJ × 69.9 = 21 585.12 kg CO2-e (scope 1);
/// - biodiesel 2 × 34.6 = 69.2 GJ × 0.07 = 4.844 kg CO2-e (scope 1), × 70 = 4 844 kg biogenic;
/// - scope 1 mobile 21 589.964 kg; energy 378 GJ.
#[test]
fn a_blend_under_per_energy_factors_takes_each_parts_energy_content() {
    let manifest = r#"organisation = "Example Pty Ltd"
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[factors]
fuel_emissions = "local-nga"
calorific_values = ["local-nga"]
energy_basis = "gross"
[years.2025.editions]
local-nga = "2025"
au-nga = "2025"
ipcc-gwp = "ar5"
"#;
    let dir = write(&[
        ("carbonledger.toml", manifest),
        (
            "facilities.csv",
            "id,name,country,grid\nMEL,Melbourne depot,AU,au-nga:vic\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nMEL,2025,B20,10,kL,,,truck fuel cards,mobile\n",
        ),
        (
            "factors/local-nga/2025/edition.toml",
            "set = \"local-nga\"\nedition = \"2025\"\ndescription = \"NGA 2025 Table 9 diesel and a test biodiesel\"\nany_year = true\n[citation]\npublisher = \"test\"\ntitle = \"test\"\npublished = \"2025\"\ntable = \"test\"\nlicence = \"test\"\nurl = \"https://example.invalid\"\n[verification]\nchecked = \"2025-01-01\"\nmethod = \"test\"\nconfidence = \"low\"\n",
        ),
        (
            "factors/local-nga/2025/factors.csv",
            "key,value,unit,gas,basis,table,note\n\
transport.diesel.energy_content,38.6,GJ/kL,-,gcv,NGA 2025 Table 9,\n\
transport.diesel.co2,69.9,kg CO2e/GJ,CO2e,gcv,NGA 2025 Table 9,\n\
transport.biodiesel.energy_content,34.6,GJ/kL,-,gcv,test,\n\
transport.biodiesel.co2e,0.07,kg CO2e/GJ,CO2e,gcv,test,CH4 and N2O\n\
transport.biodiesel.biogenic_co2,70,kg CO2e/GJ,CO2e,outside-scopes,test,\n",
        ),
    ]);
    let l = ledger(&dir, false).unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), d("21.589964"));
    assert_eq!(fig(&l, "ghg.biogenic_co2"), d("4.844"));
    assert_eq!(fig(&l, "energy.total_gj"), d("378"));
    let mobile = explain(&dir, "ghg.scope1.mobile");
    for s in [
        "local-nga@2025:transport.diesel.co2 × local-nga@2025:transport.diesel.energy_content × 80%",
        "equal to the figure",
    ] {
        assert!(mobile.contains(s), "missing `{s}` in:\n{mobile}");
    }
}
