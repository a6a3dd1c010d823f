//! The factor library is validated as a whole: every built-in edition loads, carries a complete
//! citation, and its values parse; broken editions are refused with the file and line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::factors::{parse_edition, FactorRef, Library};
use rust_decimal::Decimal;

#[test]
fn every_builtin_edition_loads_with_a_citation() {
    let lib = Library::builtin().unwrap_or_else(|d| panic!("{d:#?}"));
    let ids: Vec<String> = lib.editions().map(|e| e.id()).collect();
    for required in [
        "cn-mee-grid@2021",
        "cn-mee-grid@2022",
        "cn-mee-grid@2023",
        "ipcc-2006@2006",
        "ipcc-gwp@ar4",
        "ipcc-gwp@ar5",
        "ipcc-gwp@ar6",
        "gbt-2589@2020",
        "desnz@2025",
    ] {
        assert!(
            ids.iter().any(|i| i == required),
            "{required} missing from {ids:?}"
        );
    }
    for e in lib.editions() {
        let c = &e.citation;
        for f in [
            &c.publisher,
            &c.title,
            &c.published,
            &c.table,
            &c.licence,
            &c.url,
        ] {
            assert!(!f.trim().is_empty(), "{}: empty citation field", e.id());
        }
        assert!(!e.factors.is_empty(), "{} has no values", e.id());
        assert!(
            ["high", "medium", "low"].contains(&e.verification.confidence.as_str()),
            "{}: confidence",
            e.id()
        );
    }
}

#[test]
fn spot_values_are_the_published_ones() {
    let lib = Library::builtin().unwrap();
    let v = |r: &str| lib.get(&FactorRef::parse(r).unwrap()).unwrap().1.value;
    // MEE/NBS: North China grid 0.6776 (2022) and 0.6361 (2023); national fossil 0.8273 (2023).
    assert_eq!(v("cn-mee-grid@2022:north"), Decimal::new(6776, 4));
    assert_eq!(v("cn-mee-grid@2023:north"), Decimal::new(6361, 4));
    assert_eq!(v("cn-mee-grid@2023:national_fossil"), Decimal::new(8273, 4));
    // IPCC 2006 Table 1.4: natural gas 56 100 kg CO2/TJ; AR5 CH4 28, AR6 N2O 273.
    assert_eq!(v("ipcc-2006@2006:natural_gas.co2"), Decimal::from(56100));
    assert_eq!(v("ipcc-gwp@ar5:ch4"), Decimal::from(28));
    assert_eq!(v("ipcc-gwp@ar6:n2o"), Decimal::from(273));
}

/// Blends are shipped as printed; their composition (ASHRAE 34: R-410A 50/50 HFC-32/HFC-125;
/// R-404A 44/52/4 HFC-125/HFC-143a/HFC-134a) must reproduce them from the component GWPs
/// (exactly for AR5 and AR6; AR4's R-410A is printed rounded to 2088 from 2087.5).
#[test]
fn blend_gwps_agree_with_their_composition() {
    let lib = Library::builtin().unwrap();
    for ed in ["ar4", "ar5", "ar6"] {
        let v = |k: &str| {
            lib.get(&FactorRef::parse(&format!("ipcc-gwp@{ed}:{k}")).unwrap())
                .unwrap()
                .1
                .value
        };
        let r410a = Decimal::new(5, 1) * v("hfc-32") + Decimal::new(5, 1) * v("hfc-125");
        let r404a = Decimal::new(44, 2) * v("hfc-125")
            + Decimal::new(52, 2) * v("hfc-143a")
            + Decimal::new(4, 2) * v("hfc-134a");
        if ed == "ar4" {
            assert_eq!(r410a.round(), v("r-410a"), "{ed} R-410A");
            assert_eq!(r404a.round(), v("r-404a").round(), "{ed} R-404A");
        } else {
            assert_eq!(r410a.normalize(), v("r-410a").normalize(), "{ed} R-410A");
            assert_eq!(r404a.normalize(), v("r-404a").normalize(), "{ed} R-404A");
        }
    }
}

const TOML_OK: &str = r#"set = "x"
edition = "1"
description = "test"
[citation]
publisher = "P"
title = "T"
published = "2020"
table = "Table 1"
licence = "L"
url = "https://example.org"
"#;

#[test]
fn broken_editions_are_refused_with_file_and_line() {
    let header = "key,value,unit,gas,basis,table,note\n";
    let cases = [
        (
            format!("{header}a,1,kg CO2/kWh,CO2,,t,\na,2,kg CO2/kWh,CO2,,t,\n"),
            "duplicate-factor-key",
            "<t>/x/1/factors.csv:3:1",
        ),
        (
            format!("{header}a,1,kg CO2/kWhh,CO2,,t,\n"),
            "unknown-unit-in-factor",
            "<t>/x/1/factors.csv:2:3",
        ),
        (
            format!("{header}a,1,kg CH4/kWh,CO2,,t,\n"),
            "factor-gas-mismatch",
            "<t>/x/1/factors.csv:2:4",
        ),
        (
            format!("{header}a,1.2.3,kg CO2/kWh,CO2,,t,\n"),
            "malformed-number",
            "<t>/x/1/factors.csv:2:2",
        ),
    ];
    for (csv, code, at) in cases {
        let err = parse_edition("<t>/x/1", TOML_OK, &csv, "test").unwrap_err();
        let code = if code == "unknown-unit-in-factor" {
            "bad-factor-unit"
        } else {
            code
        };
        assert_eq!(err[0].code, code, "{csv}");
        assert_eq!(err[0].span.to_string(), at, "{csv}");
    }
    let no_url = TOML_OK.replace("url = \"https://example.org\"", "url = \"\"");
    let err = parse_edition(
        "<t>/x/1",
        &no_url,
        &format!("{header}a,1,kg CO2/kWh,CO2,,t,\n"),
        "test",
    )
    .unwrap_err();
    assert_eq!(err[0].code, "missing-citation");
    let no_citation = TOML_OK.split("[citation]").next().unwrap().to_string();
    let err = parse_edition(
        "<t>/x/1",
        &no_citation,
        &format!("{header}a,1,kg CO2/kWh,CO2,,t,\n"),
        "test",
    )
    .unwrap_err();
    assert_eq!(err[0].code, "bad-edition-file");
}

/// Looks a pinned `SET@EDITION:KEY` up exactly, failing the test when it is absent.
fn published(lib: &Library, r: &str) -> Decimal {
    lib.get(&FactorRef::parse(r).unwrap())
        .unwrap_or_else(|| panic!("{r} is not in the built-in library"))
        .1
        .value
}

/// DESNZ, "Greenhouse gas reporting: conversion factors 2025", flat file
/// (ghg-conversion-factors-2025-flat-format), column "GHG Conversion Factor 2025"; the factor ID
/// of each value is given. Values read from the publication's flat file, not computed.
#[test]
fn desnz_2025_per_gas_sets_hold_the_published_values() {
    let lib = Library::builtin().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    for (r, v) in [
        // Fuels > Gaseous fuels > Natural gas, kWh (Gross CV): IDs 1_100_1004_6_1.._6_4.
        ("desnz-fuels@2025:natural_gas.kwh_gross.co2e", "0.18296"),
        ("desnz-fuels@2025:natural_gas.kwh_gross.co2", "0.18259"),
        ("desnz-fuels@2025:natural_gas.kwh_gross.ch4", "0.00028"),
        ("desnz-fuels@2025:natural_gas.kwh_gross.n2o", "0.00009"),
        // Fuels > Liquid fuels > Diesel (average biofuel blend), litres: IDs 1_101_1011_8_1.._8_4.
        ("desnz-fuels@2025:diesel.litre.co2e", "2.57082"),
        ("desnz-fuels@2025:diesel.litre.co2", "2.53763"),
        ("desnz-fuels@2025:diesel.litre.ch4", "0.00029"),
        ("desnz-fuels@2025:diesel.litre.n2o", "0.03290"),
        // Diesel (100% mineral diesel), litres: ID 1_101_1012_8_1.
        ("desnz-fuels@2025:diesel_mineral.litre.co2e", "2.66155"),
        // LPG, tonnes: ID 1_100_1003_15_1; Coal (industrial), tonnes: ID 1_102_1025_15_1.
        ("desnz-fuels@2025:lpg.tonne.co2e", "2939.36095"),
        ("desnz-fuels@2025:coal_industrial.tonne.co2e", "2395.28994"),
        // Outside of scopes > Biofuel > Biodiesel HVO, litres: ID 99_103_1036_8_2.
        (
            "desnz-fuels@2025:biodiesel_hvo.litre.biogenic_co2",
            "2.43000",
        ),
        // Refrigerant & other > Blends > R410A (Kyoto products only): ID 3_200_*.
        ("desnz-refrigerants@2025:r-410a", "1924.00000"),
        ("desnz-refrigerants@2025:sf6", "23500.00000"),
        // UK electricity, per gas: IDs 7_400_4000_5_1, 7_400_4000_5_2.
        ("desnz-electricity@2025:electricity_uk.co2e", "0.17700"),
        ("desnz-electricity@2025:electricity_uk.co2", "0.17489"),
        // WTT- UK electricity (generation): ID 15_917_4000_5_1; WTT- fuels natural gas m3.
        ("desnz-wtt@2025:electricity_uk.co2e", "0.04590"),
        ("desnz-wtt@2025:natural_gas.m3.co2e", "0.33660"),
        // Delivery vehicles > Vans > Class I, diesel, km: ID 5_303_3081_4_1.
        (
            "desnz-vehicles@2025:vans.class_i_up_to_1_305_tonnes.diesel.co2e",
            "0.15738",
        ),
    ] {
        assert_eq!(published(&lib, r), d(v), "{r}");
    }
    // The per-gas columns add up to the total as DESNZ prints them (natural gas, gross CV).
    let parts: Decimal = ["co2", "ch4", "n2o"]
        .iter()
        .map(|g| published(&lib, &format!("desnz-fuels@2025:natural_gas.kwh_gross.{g}")))
        .sum();
    assert_eq!(parts, d("0.18296"));
}

/// DESNZ, "Greenhouse gas reporting: conversion factors 2024", flat file version 1.1, sheet
/// "Factors by Category", column "GHG Conversion Factor 2024" (factor IDs given). Values read from
/// the publication, not computed.
#[test]
fn desnz_2024_per_gas_sets_hold_the_published_values() {
    let lib = Library::builtin().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    for (r, v) in [
        // Fuels > Gaseous fuels > Natural gas: kWh (Gross CV) ID 1_100_1004_6_1..4, m3 ID 1_100_1004_1_1.
        ("desnz-fuels@2024:natural_gas.kwh_gross.co2e", "0.18290"),
        ("desnz-fuels@2024:natural_gas.kwh_gross.co2", "0.18253"),
        ("desnz-fuels@2024:natural_gas.m3.co2e", "2.04542"),
        // Propane: litres and tonnes; Diesel (average biofuel blend), litres ID 1_101_1011_8_1.
        ("desnz-fuels@2024:propane.litre.co2e", "1.54357"),
        ("desnz-fuels@2024:propane.tonne.co2e", "2997.63233"),
        ("desnz-fuels@2024:diesel.litre.co2e", "2.51279"),
        // Processed fuel oils - residual oil, litres.
        (
            "desnz-fuels@2024:processed_residual_oil.litre.co2e",
            "3.17493",
        ),
        // UK electricity ID 7_400_4000_5_1; district heat and steam ID 10_401_4003_5_1.
        ("desnz-electricity@2024:electricity_uk.co2e", "0.20705"),
        ("desnz-electricity@2024:heat_steam_district.co2e", "0.17965"),
    ] {
        assert_eq!(published(&lib, r), d(v), "{r}");
    }
}

/// US EPA, "Emission Factors for Greenhouse Gas Inventories" (GHG Emission Factors Hub, last
/// modified January 15, 2025); table and row named per value. Values read from the publication.
#[test]
fn us_epa_hub_2025_holds_the_published_values() {
    let lib = Library::builtin().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    for (r, v) in [
        // Table 1 Stationary Combustion, Natural Gas (row 38).
        ("us-epa-hub@2025:natural_gas.hhv", "0.001026"),
        ("us-epa-hub@2025:natural_gas.co2", "53.06"),
        ("us-epa-hub@2025:natural_gas.ch4", "1.0"),
        ("us-epa-hub@2025:natural_gas.n2o", "0.10"),
        ("us-epa-hub@2025:natural_gas.scf.co2", "0.05444"),
        // Table 1, Distillate Fuel Oil No. 2 (row 55) and Anthracite (row 17).
        (
            "us-epa-hub@2025:distillate_fuel_oil_no_2.gallon.co2",
            "10.21",
        ),
        (
            "us-epa-hub@2025:distillate_fuel_oil_no_2.gallon.ch4",
            "0.41",
        ),
        ("us-epa-hub@2025:anthracite.short_ton.co2", "2602"),
        // Table 2 Mobile Combustion CO2: Motor Gasoline, Diesel Fuel (kg CO2 per gallon).
        ("us-epa-hub@2025:mobile.motor_gasoline.co2", "8.78"),
        ("us-epa-hub@2025:mobile.diesel_fuel.co2", "10.21"),
        // Table 3: gasoline passenger cars, model year 2022 (g per vehicle-mile).
        (
            "us-epa-hub@2025:mobile.gasoline.passenger_car.2022.ch4",
            "0.0050",
        ),
        (
            "us-epa-hub@2025:mobile.gasoline.passenger_car.2022.n2o",
            "0.0014",
        ),
        // Table 4: diesel medium- and heavy-duty vehicles, 2007-2022.
        (
            "us-epa-hub@2025:mobile.diesel.medium_and_heavy_duty_vehicles.2007_2022.n2o",
            "0.0431",
        ),
        // Table 6 (eGRID2023): US average total output CO2; AKGD (stored 899.003, shown 899.0).
        ("us-epa-hub@2025:egrid.us.co2", "771.523"),
        ("us-epa-hub@2025:egrid.akgd.co2", "899.003"),
        // Table 7 Steam and Heat; Table 12 R-410A.
        ("us-epa-hub@2025:steam_heat.co2", "66.33"),
        ("us-epa-hub@2025:gwp.r-410a", "1924"),
    ] {
        assert_eq!(published(&lib, r), d(v), "{r}");
    }
}

/// DCCEEW, "Australian National Greenhouse Accounts Factors 2025": Table 1 (scope 2 and 3
/// electricity by state), Table 2 (residual mix), Table 5 (natural gas) and Table 9 (transport).
/// Values read from transcriptions of the publication (see the edition's verification record).
#[test]
fn au_nga_2025_holds_the_published_values() {
    let lib = Library::builtin().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    for (r, v) in [
        ("au-nga@2025:nsw_act", "0.64"),
        ("au-nga@2025:vic", "0.78"),
        ("au-nga@2025:vic.scope3", "0.09"),
        ("au-nga@2025:residual_mix", "0.81"),
        ("au-nga@2025:natural_gas.energy_content", "0.0393"),
        ("au-nga@2025:natural_gas.co2", "51.4"),
        ("au-nga@2025:transport.diesel.energy_content", "38.6"),
        ("au-nga@2025:transport.diesel.light.n2o", "0.5"),
    ] {
        assert_eq!(published(&lib, r), d(v), "{r}");
    }
    // Table 5 prints the combined factor 51.53 for pipeline natural gas: the three gases sum to it.
    let combined: Decimal = ["co2", "ch4", "n2o"]
        .iter()
        .map(|g| published(&lib, &format!("au-nga@2025:natural_gas.{g}")))
        .sum();
    assert_eq!(combined, d("51.53"));
}

/// DESNZ prints each total and its CO2, CH4 and N2O columns rounded to five decimals, so the
/// three columns must add up to the total within 0.00002 (three half-units of the parts plus
/// one of the total). Checked for every fuel, unit and vehicle row of both editions; a value
/// mistyped or shifted to another row would break it.
#[test]
fn desnz_per_gas_columns_add_up_to_the_total() {
    let lib = Library::builtin().unwrap();
    let tolerance = Decimal::new(2, 5);
    for set in ["desnz-fuels", "desnz-electricity", "desnz-vehicles"] {
        for ed in ["2024", "2025"] {
            let e = lib.edition(set, ed).unwrap();
            let mut checked = 0;
            for (key, total) in &e.factors {
                let Some(base) = key.strip_suffix(".co2e") else {
                    continue;
                };
                let parts: Option<Vec<Decimal>> = ["co2", "ch4", "n2o"]
                    .iter()
                    .map(|g| e.factors.get(&format!("{base}.{g}")).map(|d| d.value))
                    .collect();
                let Some(parts) = parts else { continue };
                let sum: Decimal = parts.iter().sum();
                assert!(
                    (sum - total.value).abs() <= tolerance,
                    "{set}@{ed}:{key} is {} but its gases add up to {sum}",
                    total.value
                );
                checked += 1;
            }
            assert!(checked >= 5, "{set}@{ed}: only {checked} totals checked");
        }
    }
}

/// MEE/NBS 2022 provincial averages (附件《2022年电力二氧化碳排放因子》, as printed by 新京报
/// 2024-12-27): the five highest and five lowest provinces, the only ones shipped.
#[test]
fn cn_mee_provincial_2022_holds_the_published_values() {
    let lib = Library::builtin().unwrap();
    let v = |r: &str| lib.get(&FactorRef::parse(r).unwrap()).unwrap().1.value;
    for (key, value) in [
        ("hebei", "0.7252"),
        ("shanxi", "0.7096"),
        ("tianjin", "0.7041"),
        ("inner_mongolia", "0.6849"),
        ("anhui", "0.6782"),
        ("fujian", "0.4092"),
        ("guangxi", "0.4044"),
        ("qinghai", "0.1567"),
        ("sichuan", "0.1404"),
        ("yunnan", "0.1073"),
    ] {
        assert_eq!(
            v(&format!("cn-mee-grid-provincial@2022:{key}")),
            value.parse::<Decimal>().unwrap(),
            "{key}"
        );
    }
    // Provinces with a single source are not shipped.
    assert!(lib
        .get(&FactorRef::parse("cn-mee-grid-provincial@2022:jiangsu").unwrap())
        .is_none());
}

/// US EPA, "Supply Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6" (DOI
/// 10.23719/1531143), SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv, column
/// "Supply Chain Emission Factors with Margins" (kg CO2e per 2022 USD, purchaser price): the
/// 20 commodities of Table 2 ("Top 20 Supply Chain Emission Factors with Margins") of EPA's
/// "About the Supply Chain Greenhouse Gas Emission Factors v1.3 NAICS-6 Datasets" (July 5,
/// 2024), and rows of the file itself; every one of the 1 016 rows states its price year.
#[test]
fn us_epa_supply_chain_1_3_holds_the_published_values() {
    let lib = Library::builtin().unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    for (naics, v) in [
        // About v1.3, Table 2.
        ("327310", "3.924"),
        ("112111", "2.893"),
        ("112112", "2.893"),
        ("112130", "2.893"),
        ("112120", "1.724"),
        ("327410", "1.623"),
        ("327420", "1.623"),
        ("486110", "1.619"),
        ("486210", "1.619"),
        ("486910", "1.619"),
        ("486990", "1.619"),
        ("325120", "1.211"),
        ("325193", "1.184"),
        ("325194", "1.184"),
        ("325199", "1.184"),
        ("325311", "1.137"),
        ("325312", "1.137"),
        ("325314", "1.137"),
        ("112210", "1.128"),
        ("112410", "1.128"),
        // The file: line 2 (Soybean Farming), 798 (Custom Computer Programming Services),
        // 863 (Solid Waste Collection; About v1.3 Table 4 gives 0.988 too).
        ("111110", "0.532"),
        ("541511", "0.084"),
        ("562111", "0.988"),
    ] {
        assert_eq!(
            published(&lib, &format!("us-epa-supply-chain@1.3:{naics}")),
            d(v),
            "{naics}"
        );
    }
    let e = lib.edition("us-epa-supply-chain", "1.3").unwrap();
    assert_eq!(e.factors.len(), 1016);
    for (key, f) in &e.factors {
        assert!(
            key.len() == 6 && key.bytes().all(|b| b.is_ascii_digit()),
            "{key}"
        );
        assert_eq!(
            (f.unit_text.as_str(), f.basis.as_str()),
            ("kg CO2e/USD", "spend;price_year=2022"),
            "{key}"
        );
        assert!(f.value > Decimal::ZERO, "{key}");
    }
}
