//! Issue 14: scope 3. Category 3 (fuel- and energy-related activities) from the energy rows
//! already entered, against hand calculations from the published DESNZ 2025 tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger::calc::RunOptions;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::dec as d;
use common::write_files as write;

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
    // A fresh empty folder: export writes into a new or empty one.
    let export = write(&[]);
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

/// The project's own spend factor (test data standing for a supplier's or an EEIO table's
/// value, not a shipped factor): 0.5 kg CO2e per GBP in 2022 prices.
const LOCAL_SPEND_SET: [(&str, &str); 2] = [
    (
        "factors/office-eeio/2022/edition.toml",
        "set = \"office-eeio\"\nedition = \"2022\"\ndescription = \"test data: a spend factor in 2022 GBP\"\n[citation]\npublisher = \"carbonledger tests\"\ntitle = \"test spend factor\"\npublished = \"2022-01-01\"\ntable = \"test\"\nlicence = \"test data\"\nurl = \"https://example.org/test\"\n",
    ),
    (
        "factors/office-eeio/2022/factors.csv",
        "key,value,unit,gas,basis,table,note\noffice_supplies,0.5,kg CO2e/GBP,CO2e,spend;price_year=2022,test,test data\n",
    ),
];

const SCOPE3_HEADER: &str = "category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note\n";

fn scope3_project(rows: &str) -> PathBuf {
    let mut files: Vec<(&str, String)> = vec![
        ("carbonledger.toml", manifest("office-eeio = \"2022\"\n")),
        ("facilities.csv", FACILITIES.to_string()),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,electricity,1000,kWh,,,,\n"
                .to_string(),
        ),
        ("scope3.csv", format!("{SCOPE3_HEADER}{rows}")),
    ];
    for (p, t) in LOCAL_SPEND_SET {
        files.push((p, t.to_string()));
    }
    let dir = write(&[]);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Issue 14's second acceptance check, by hand from DESNZ "Greenhouse gas reporting: conversion
/// factors 2025" (flat file, kg CO2e per unit):
///
/// Category 1, purchased goods and services:
/// - spend-based: 10 000 GBP (2022 prices) × 0.5 kg CO2e/GBP (the project's own 2022 factor)
///   = 5 000 kg;
/// - supplier-specific: the supplier's scope 1 + 2 of 1 200 t CO2e, allocated by mass, 30 t
///   bought of its 2 400 t produced: 1 200 × 30 ÷ 2 400 = 15 t = 15 000 kg;
/// - hybrid, same supplier "Castings Ltd": its scope 1 + 2 of 800 t allocated by revenue,
///   250 000 GBP bought of 10 000 000 GBP revenue = 20 t, plus its material input, 5 t of
///   primary aluminium × 9 115.90131 kg CO2e/t ('Material use', ID 19_504_5104_15_1)
///   = 45 579.50655 kg;
///   → 85 579.50655 kg = 85.57950655 t.
///
/// Category 5, waste: 12 t commercial and industrial waste to landfill × 520.53270 kg CO2e/t
///   ('Waste disposal', ID 20_507_5313_15_1) = 6 246.3924 kg.
///
/// Category 6, business travel:
/// - London–New York return, economy, 2 × 5 555 km = 11 110 pkm × 0.06926 ('Business travel-
///   air', long-haul economy without RF, ID 21_316_3171_11_1) = 769.4786 kg;
/// - 1 200 pkm national rail × 0.03546 (ID 25_315_3147_11_1) = 42.552 kg;
/// - 4 room-nights UK × 10.4 ('Hotel stay', ID 29_600_4000_13_1) = 41.6 kg, 3 in China
///   × 53.5 (ID 29_600_4009_13_1) = 160.5 kg;
///   → 1 014.1306 kg.
///
/// Category 7, commuting: 5 000 pkm average local bus × 0.10385 (ID 25_314_3145_11_1)
///   = 519.25 kg.
///
/// Their well-to-tank companion lines (DESNZ 2025 'WTT- business travel- air' and 'WTT- pass
/// vehs & travel- land', desnz-travel-wtt@2025): 11 110 pkm × 0.02461 (ID 22_912_3171_11_1)
/// = 273.4171 kg and 1 200 pkm × 0.00897 (ID 26_911_3147_11_1) = 10.764 kg in category 6
/// (284.1811 kg; DESNZ publishes none for hotel stays), 5 000 pkm × 0.02649
/// (ID 26_910_3145_11_1) = 132.45 kg in category 7.
///
/// Category 3 from the one electricity row: 1 000 kWh × (0.04590 + 0.01853 + 0.00397) = 68.4 kg.
#[test]
fn a_scope3_file_computes_each_category_from_published_factors() {
    let dir = scope3_project(
        "1,2025,office supplies,10000,GBP,spend_based,office-eeio:office_supplies,Stationers Ltd,2022,,,,,,\n\
         1,2025,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,\n\
         1,2025,castings (supplier's scope 1+2),250000,GBP,hybrid,,Castings Ltd,,800,t CO2e,revenue,10000000,GBP,\n\
         1,2025,castings: aluminium input,5,t,hybrid,desnz-materials:aluminium.primary,Castings Ltd,,,,,,,\n\
         5,2025,general waste to landfill,12,t,average_data,desnz-waste:commercial_and_industrial_waste.landfill,,,,,,,,\n\
         6,2025,LHR-JFK return economy,11110,pkm,average_data,desnz-travel:air.long_haul.economy.without_rf,,,,,,,,\n\
         6,2025,rail,1200,passenger.km,average_data,desnz-travel:rail.national,,,,,,,,\n\
         6,2025,hotels UK,4,room_night,average_data,desnz-travel:hotel.uk,,,,,,,,\n\
         6,2025,hotels China,3,room_night,average_data,desnz-travel:hotel.china,,,,,,,,\n\
         7,2025,commuting by bus,5000,pkm,average_data,desnz-travel:bus.average_local,,,,,,,,\n",
    );
    let l = ledger(&dir, false);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat1"), Some(d("85.57950655")));
    assert_eq!(fig(&l, "ghg.scope3.cat5"), Some(d("6.2463924")));
    // 1 014.1306 + 284.1811 kg; 519.25 + 132.45 kg.
    assert_eq!(fig(&l, "ghg.scope3.cat6"), Some(d("1.2983117")));
    assert_eq!(fig(&l, "ghg.scope3.cat6.wtt"), Some(d("0.2841811")));
    assert_eq!(fig(&l, "ghg.scope3.cat7"), Some(d("0.6517")));
    assert_eq!(fig(&l, "ghg.scope3.cat7.wtt"), Some(d("0.13245")));
    assert_eq!(fig(&l, "ghg.scope3.cat3"), Some(d("0.0684")));
    // 85.57950655 + 6.2463924 + 1.2983117 + 0.6517 + 0.0684 = 93.84431065
    assert_eq!(fig(&l, "ghg.scope3"), Some(d("93.84431065")));
    // Scope 3 stays out of the scope 1 + 2 total: 1 000 kWh × 0.177 = 0.177 t.
    assert_eq!(fig(&l, "ghg.total.location"), Some(d("0.177")));
    let names = l.names();
    for n in [
        "ghg.scope3.cat1",
        "ghg.scope3.cat5",
        "ghg.scope3.cat6",
        "ghg.scope3.cat7",
    ] {
        assert!(names.contains(&n.to_string()), "{n}: {names:?}");
    }
    // Each category is explained line by line, and the lines add up to the figure.
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["ghg.scope3.cat1", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "by mass: 30 t of 2400 t = 0.0125 of it",
        "by revenue: 250000 GBP of 10000000 GBP = 0.025 of it",
        "spend in GBP 2022 prices",
        "desnz-materials@2025:aluminium.primary = 9115.90131",
        "4 lines sum to 85.57950655 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}

/// A spend factor is used only in its own currency and price year; a supplier allocation
/// must be by a basis the quantity and the total share.
#[test]
fn spend_and_allocation_mismatches_are_refused_at_their_column() {
    let cases = [
        (
            "1,2025,office supplies,10000,USD,spend_based,office-eeio:office_supplies,,2022,,,,,,\n",
            "spend-currency-mismatch",
            7,
        ),
        (
            "1,2025,office supplies,10000,GBP,spend_based,office-eeio:office_supplies,,2025,,,,,,\n",
            "spend-price-year-mismatch",
            9,
        ),
        (
            "1,2025,office supplies,10000,GBP,average_data,office-eeio:office_supplies,,,,,,,,\n",
            "method-mismatch",
            6,
        ),
        (
            "1,2025,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,revenue,2400,GBP,\n",
            "bad-allocation",
            5,
        ),
        (
            "1,2025,brackets,3000,t,supplier_specific,,Brackets plc,,1200,t,mass,2400,t,\n",
            "bad-allocation",
            4,
        ),
        ("16,2025,x,1,t,average_data,desnz-waste:commercial_and_industrial_waste.landfill,,,,,,,,\n", "bad-category", 1),
        ("1,2025,x,1,t,lca,desnz-waste:commercial_and_industrial_waste.landfill,,,,,,,,\n", "unknown-method", 6),
        // Bug (badinputs branch): a supplier's allocation on an average-data row, or a price
        // year on a row that is not a spend, was ignored without a word (the row computed
        // from its factor alone, `x` in those columns accepted).
        (
            "6,2025,hotels UK,4,room_night,average_data,desnz-travel:hotel.uk,Hilton,,1200,t,mass,2400,t,\n",
            "method-mismatch",
            10,
        ),
        (
            "6,2025,hotels UK,4,room_night,average_data,desnz-travel:hotel.uk,,x,,,,,,\n",
            "method-mismatch",
            9,
        ),
        (
            "1,2025,office supplies,10000,GBP,spend_based,office-eeio:office_supplies,Stationers Ltd,2022,,,mass,,,\n",
            "method-mismatch",
            12,
        ),
        // Bug (badinputs branch): a supplier's emissions or total too large to hold in kg
        // was reported at `quantity` (column 4), with no hint.
        (
            "1,2025,brackets,30,t,supplier_specific,,Brackets plc,,79228162514264337593543950335,t,mass,2400,t,\n",
            "overflow",
            10,
        ),
        (
            "1,2025,brackets,30,t,supplier_specific,,Brackets plc,,1200,t,mass,79228162514264337593543950335,t,\n",
            "overflow",
            13,
        ),
    ];
    for (row, code, column) in cases {
        let dir = scope3_project(row);
        let p = Project::open(&dir).unwrap();
        let l = Ledger::compute(&p, RunOptions::default()).unwrap();
        let d = l
            .all_diagnostics()
            .find(|d| d.is_error())
            .unwrap_or_else(|| panic!("{code}: no error"));
        assert_eq!(d.code, code, "{row}: {d:?}");
        assert_eq!(
            (d.span.line, d.span.column),
            (2, Some(column)),
            "{row}: {d:?}"
        );
        assert_eq!(l.rejected_rows(), 1, "{row}");
        assert_eq!(fig(&l, "ghg.scope3.cat1"), None, "{row}");
        if code == "overflow" {
            assert!(
                d.hint.as_deref().is_some_and(|h| h.contains("7.9 × 10^28")),
                "{d:?}"
            );
        }
    }
}

/// Categories 11 and 12 as rows of scope3.csv: units sold × an amount per unit × a factor.
/// By hand:
/// - use of sold products in China: 1 000 000 phones × 12 kWh over their life = 12 000 000 kWh
///   × 0.5306 kg CO2/kWh (MEE/NBS 2023 national grid average, cn-mee-grid@2023:national)
///   × GWP 1 = 6 367 200 kg;
/// - in the UK: 200 000 × 12 kWh = 2 400 000 kWh × 0.17700 kg CO2e/kWh (DESNZ 2025, UK
///   electricity, ID 7_400_4000_5_1) = 424 800 kg;
///   → category 11 = 6 792 t;
/// - end of life: 1 200 000 phones × 0.2 kg = 240 t of small WEEE to landfill × 8.98311 kg
///   CO2e/t (DESNZ 2025 'Waste disposal', WEEE - small, landfill, ID 20_503_5341_15_1)
///   = 2 155.9464 kg → category 12.
#[test]
fn use_and_end_of_life_of_sold_products_per_market() {
    let rows = "11,2025,phones sold in China,1000000,item,average_data,cn-mee-grid:national,,,,,,,,lifetime 3 years x 4 kWh,12,kWh\n\
                11,2025,phones sold in the UK,200000,item,average_data,desnz:electricity_uk,,,,,,,,,12,kWh\n\
                12,2025,phones at end of life,1200000,item,average_data,desnz-waste:weee_small.landfill,,,,,,,,,0.2,kg\n";
    let dir = scope3_project("");
    std::fs::write(
        dir.join("scope3.csv"),
        format!(
            "{}per_item,per_item_unit\n{rows}",
            SCOPE3_HEADER.trim_end().to_string() + ","
        ),
    )
    .unwrap();
    let toml = manifest("office-eeio = \"2022\"\ncn-mee-grid = \"2023\"\n");
    std::fs::write(dir.join("carbonledger.toml"), toml).unwrap();
    let l = ledger(&dir, false);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat11"), Some(d("6792")));
    assert_eq!(fig(&l, "ghg.scope3.cat12"), Some(d("2.1559464")));
    // A quantity per item needs the quantity in items.
    std::fs::write(
        dir.join("scope3.csv"),
        format!(
            "{}per_item,per_item_unit\n12,2025,scrap,5,t,average_data,desnz-waste:weee_small.landfill,,,,,,,,,0.2,kg\n",
            SCOPE3_HEADER.trim_end().to_string() + ","
        ),
    )
    .unwrap();
    let l = ledger(&dir, false);
    let e = l.all_diagnostics().find(|d| d.is_error()).unwrap();
    assert_eq!((e.code, e.span.column), ("method-mismatch", Some(16)));
}

/// Australia's NGA Factors publish the upstream and T&D of grid electricity as one scope 3
/// factor per state: 100 000 kWh in NSW × 0.03 kg CO2e/kWh (NGA Factors 2025, Table 1, scope 3
/// column, New South Wales and ACT) = 3 000 kg, one line of both parts (3b + 3c). NGA's scope 3
/// natural gas factors depend on the state and on metro or non-metro supply, which the project
/// does not say: no line, and a note.
#[test]
fn nga_electricity_has_one_combined_upstream_and_td_line() {
    let dir = write(&[
        (
            "carbonledger.toml",
            "organisation = \"Example Pty Ltd\"\nreporting_years = [2025]\nbase_year = 2025\n[factors]\nfuel_emissions = \"au-nga\"\ncalorific_values = [\"au-nga\"]\nenergy_basis = \"gross\"\n[years.2025.editions]\nau-nga = \"2025\"\nipcc-gwp = \"ar5\"\n",
        ),
        (
            "facilities.csv",
            "id,name,country,grid\nSYD,Sydney office,AU,au-nga:nsw_act\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nSYD,2025,electricity,100000,kWh,,,,\nSYD,2025,natural_gas,500,GJ,,,,\n",
        ),
    ]);
    let l = ledger(&dir, false);
    assert_eq!(
        fig(&l, "ghg.scope3.cat3.wtt_and_td_purchased_energy"),
        Some(d("3"))
    );
    assert_eq!(fig(&l, "ghg.scope3.cat3"), Some(d("3")));
    assert_eq!(fig(&l, "ghg.scope3.cat3.td_losses"), None);
    assert!(
        l.comp
            .notes
            .iter()
            .any(|n| n.starts_with("natural_gas priced by au-nga")),
        "{:?}",
        l.comp.notes
    );
}

/// Diesel burnt in a boiler and in vans at one facility, both in litres: two chains (stationary
/// and mobile) and two well-to-tank companions, none merged into another. By hand (DESNZ 2025,
/// 'Fuels', diesel (average biofuel blend) per litre: CO2 2.53763 + CH4 0.00029 + N2O 0.03290;
/// 'WTT- fuels' 0.61101, ID 11_101_1011_8_1): scope 1 = 3 000 L × 2.57082 = 7 712.46 kg, of
/// which 2 570.82 stationary and 5 141.64 mobile; well-to-tank 3 000 × 0.61101 = 1 833.03 kg.
#[test]
fn stationary_and_mobile_rows_of_one_fuel_stay_apart_with_their_companions() {
    let dir = write(&[
        ("carbonledger.toml", &manifest("")),
        ("facilities.csv", FACILITIES),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,diesel,1000,L,,B1,boiler,\nHQ,2025,diesel,2000,L,,V1,vans,mobile\n",
        ),
    ]);
    let l = ledger(&dir, false);
    assert_eq!(fig(&l, "ghg.scope1"), Some(d("7.71246")));
    assert_eq!(fig(&l, "ghg.scope1.stationary"), Some(d("2.57082")));
    assert_eq!(fig(&l, "ghg.scope1.mobile"), Some(d("5.14164")));
    assert_eq!(fig(&l, "ghg.scope3.cat3.wtt_fuels"), Some(d("1.83303")));
    assert_eq!(l.comp.chains.len(), 4);
    // Without category 3 too: before chains were told apart by their source, the mobile
    // chain replaced the stationary one when the rows' results were gathered (rows counted as
    // used, their emissions lost).
    std::fs::write(
        dir.join("carbonledger.toml"),
        manifest("[scope3]\ncat3 = false\n"),
    )
    .unwrap();
    let l = ledger(&dir, false);
    assert_eq!(fig(&l, "ghg.scope1"), Some(d("7.71246")));
    assert_eq!(l.comp.chains.len(), 2);
}

/// `diff` re-prices category 3 lines from their chain totals like any other line: setting the
/// natural-gas well-to-tank factor to 0.04 moves the 120 000 kWh row's line from 3.6252 t to
/// 120 000 × 0.04 = 4.8 t, and category 3 by the difference, without reading a row again.
#[test]
fn diff_reprices_category_3_lines() {
    let dir = uk_project("");
    let run = |set: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
            .arg("diff")
            .arg(&dir)
            .args(["--set", set, "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value =
        serde_json::from_str(&run("desnz-wtt@2025:natural_gas.kwh_gross.co2e=0.04")).unwrap();
    assert!(
        json["method"].as_str().unwrap().starts_with("re-priced"),
        "{json}"
    );
    let fig = |name: &str| {
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| (f["before"].clone(), f["after"].clone()))
            .unwrap_or_else(|| panic!("{name}: {json}"))
    };
    // 3a: 8.51328 t − 3.6252 + 4.8 = 9.68808 t; category 3: 15.11548 + 1.1748 = 16.29028 t.
    assert_eq!(
        fig("ghg.scope3.cat3.wtt_fuels"),
        ("8.51328".into(), "9.68808".into())
    );
    assert_eq!(
        fig("ghg.scope3.cat3"),
        ("15.11548".into(), "16.29028".into())
    );
}

/// Travel well-to-tank companion lines (DESNZ 2025 'WTT- business travel- air'): 2 000 pkm long-haul economy without RF × 0.06926 = 138.52 kg, its well-to-tank
/// 2 000 × 0.02461 (ID 22_912_3171_11_1) = 49.22 kg; a hotel night has no WTT row (DESNZ
/// publishes none) and gets a note in its trace, not a zero line. Off by `[scope3]
/// travel_wtt = false`. Both lines re-perform in lines.csv.
#[test]
fn travel_well_to_tank_is_a_companion_line_and_can_be_switched_off() {
    let rows = "6,2025,flight,2000,pkm,average_data,desnz-travel:air.long_haul.economy.without_rf,,,,,,,,\n\
                6,2025,hotel,1,room_night,average_data,desnz-travel:hotel.uk,,,,,,,,\n";
    let dir = scope3_project(rows);
    let l = ledger(&dir, false);
    // 138.52 + 49.22 + 10.4 (1 night UK) = 198.14 kg
    assert_eq!(fig(&l, "ghg.scope3.cat6"), Some(d("0.19814")));
    assert_eq!(fig(&l, "ghg.scope3.cat6.wtt"), Some(d("0.04922")));
    let export = write(&[]);
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
    let mut rd = csv::Reader::from_path(export.join("lines.csv")).unwrap();
    let header = rd.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let mut refs = Vec::new();
    for row in rd.records() {
        let f = row.unwrap();
        if &f[col("figure")] == "ghg.scope3.cat6" {
            assert_eq!(&f[col("method")], "product", "{f:?}");
            refs.push((
                f[col("factor_ref")].to_string(),
                f[col("value")].to_string(),
            ));
        }
    }
    refs.sort();
    assert_eq!(
        refs,
        [
            (
                "desnz-travel-wtt@2025:air.long_haul.economy.without_rf.co2e".to_string(),
                "0.04922".to_string()
            ),
            (
                "desnz-travel@2025:air.long_haul.economy.without_rf".to_string(),
                "0.13852".to_string()
            ),
            (
                "desnz-travel@2025:hotel.uk".to_string(),
                "0.0104".to_string()
            ),
        ]
    );
    let toml = dir.join("carbonledger.toml");
    let mut m = std::fs::read_to_string(&toml).unwrap();
    m.push_str("\n[scope3]\ntravel_wtt = false\n");
    std::fs::write(&toml, m).unwrap();
    let l = ledger(&dir, false);
    // 138.52 + 10.4 = 148.92 kg
    assert_eq!(fig(&l, "ghg.scope3.cat6"), Some(d("0.14892")));
    assert_eq!(fig(&l, "ghg.scope3.cat6.wtt"), None);
}

/// Test data (not shipped factors): a spend factor per US dollar in 2022 prices, and an
/// exchange rate of 1.25 USD per GBP for 2024, each in a project set of its own.
const LOCAL_USD_SETS: [(&str, &str); 4] = [
    (
        "factors/usd-eeio/2022/edition.toml",
        "set = \"usd-eeio\"\nedition = \"2022\"\ndescription = \"test data: a spend factor in 2022 USD\"\n[citation]\npublisher = \"carbonledger tests\"\ntitle = \"test spend factor\"\npublished = \"2022-01-01\"\ntable = \"test\"\nlicence = \"test data\"\nurl = \"https://example.org/test\"\n",
    ),
    (
        "factors/usd-eeio/2022/factors.csv",
        "key,value,unit,gas,basis,table,note\nservices,0.4,kg CO2e/USD,CO2e,spend;price_year=2022,test,test data\n",
    ),
    (
        "factors/fx-test/2024/edition.toml",
        "set = \"fx-test\"\nedition = \"2024\"\ndescription = \"test data: an exchange rate\"\n[citation]\npublisher = \"carbonledger tests\"\ntitle = \"test exchange rate\"\npublished = \"2025-01-01\"\ntable = \"test\"\nlicence = \"test data\"\nurl = \"https://example.org/test\"\n",
    ),
    (
        "factors/fx-test/2024/factors.csv",
        "key,value,unit,gas,basis,table,note\nusd_per_gbp.2024,1.25,USD/GBP,-,exchange_rate,test,test data\neur_per_gbp.2024,1.2,EUR/GBP,-,exchange_rate,test,test data\n",
    ),
];

fn converted_spend_project(row: &str) -> PathBuf {
    let mut files: Vec<(&str, String)> = vec![
        (
            "carbonledger.toml",
            manifest("usd-eeio = \"2022\"\nfx-test = \"2024\"\nus-bls-cpi-u = \"2024\"\n"),
        ),
        ("facilities.csv", FACILITIES.to_string()),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nHQ,2025,electricity,1000,kWh,,,,\n"
                .to_string(),
        ),
        (
            "scope3.csv",
            format!("category,period,description,quantity,unit,method,factor,price_year,exchange_rate,price_index\n{row}"),
        ),
    ];
    for (p, t) in LOCAL_USD_SETS {
        files.push((p, t.to_string()));
    }
    let dir = write(&[]);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A spend in another currency and price year than its factor converts through a cited
/// exchange rate and a cited price index, both on the line: 1 000 GBP of 2024 × 1.25 USD/GBP
/// (test rate) × CPI-U 2022 ÷ CPI-U 2024 (BLS annual averages 292.655 and 313.689,
/// us-bls-cpi-u@2024) × 0.4 kg CO2e/USD (test factor, 2022 prices) = 146 327.5 ÷ 313.689
/// = 466.4731629097… kg, rounded once to 466.47316291 kg.
#[test]
fn spend_converts_through_a_cited_exchange_rate_and_price_index() {
    let dir = converted_spend_project(
        "1,2025,consulting,1000,GBP,spend_based,usd-eeio:services,2024,fx-test:usd_per_gbp.2024,us-bls-cpi-u:cpi_u\n",
    );
    let l = ledger(&dir, false);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat1"), Some(d("0.46647316291")));
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["ghg.scope3.cat1", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "× 1.25 USD/GBP (fx-test@2024:usd_per_gbp.2024)",
        "× 292.655 (us-bls-cpi-u@2024:cpi_u.2022)",
        "÷ 313.689 (us-bls-cpi-u@2024:cpi_u.2024)",
        "1 line sums to 0.46647316291 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    // Without the rate, or with a rate into the wrong currency, the row is refused.
    for (row, code, column) in [
        ("1,2025,consulting,1000,GBP,spend_based,usd-eeio:services,2024,,us-bls-cpi-u:cpi_u\n", "spend-currency-mismatch", 7),
        ("1,2025,consulting,1000,GBP,spend_based,usd-eeio:services,2024,fx-test:usd_per_gbp.2024,\n", "spend-price-year-mismatch", 8),
        ("1,2025,consulting,1000,GBP,spend_based,usd-eeio:services,2024,fx-test:eur_per_gbp.2024,us-bls-cpi-u:cpi_u\n", "bad-conversion", 9),
    ] {
        let l = ledger(&converted_spend_project(row), false);
        let e = l
            .all_diagnostics()
            .find(|d| d.is_error())
            .unwrap_or_else(|| panic!("{code}: no error"));
        assert_eq!((e.code, e.span.column), (code, Some(column)), "{row}: {e:?}");
    }
}

/// A project spending in US dollars, priced by the built-in US EPA supply chain factors
/// (`us-epa-supply-chain@1.3`, chosen for 2025) and deflated by the built-in CPI-U.
fn epa_spend_project(rows: &str) -> PathBuf {
    write(&[
        (
            "carbonledger.toml",
            &manifest("us-epa-supply-chain = \"1.3\"\nus-bls-cpi-u = \"2024\"\n"),
        ),
        ("facilities.csv", FACILITIES),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\n",
        ),
        (
            "scope3.csv",
            &format!("category,period,description,quantity,unit,method,factor,price_year,price_index\n{rows}"),
        ),
    ])
}

/// Spend-based rows priced by the shipped US EPA factors, by hand from
/// SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv (US EPA, DOI 10.23719/1531143),
/// column "Supply Chain Emission Factors with Margins", kg CO2e per 2022 USD:
/// - line 287, 327310 Cement Manufacturing, 3.924 (also EPA's About document, Table 2):
///   25 000 USD × 3.924 = 98 100 kg (reference pinned to the edition);
/// - line 798, 541511 Custom Computer Programming Services, 0.084: 12 000 USD × 0.084
///   = 1 008 kg (edition chosen by carbonledger.toml);
///   → category 1 = 99 108 kg = 99.108 t.
#[test]
fn spend_is_priced_by_the_us_epa_supply_chain_factors() {
    let dir = epa_spend_project(
        "1,2025,cement,25000,USD,spend_based,us-epa-supply-chain@1.3:327310,2022,\n\
         1,2025,software development,12000,USD,spend_based,us-epa-supply-chain:541511,2022,\n",
    );
    let l = ledger(&dir, true);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat1"), Some(d("99.108")));
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["ghg.scope3.cat1", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "us-epa-supply-chain@1.3:327310 = 3.924",
        "us-epa-supply-chain@1.3:541511 = 0.084",
        "spend in USD 2022 prices",
        "2 lines sum to 99.108 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    // The factor is in 2022 prices: a 2024 spend without a price index is refused.
    let l = ledger(
        &epa_spend_project(
            "1,2025,cement,25000,USD,spend_based,us-epa-supply-chain@1.3:327310,2024,\n",
        ),
        false,
    );
    let e = l.all_diagnostics().find(|d| d.is_error()).unwrap();
    assert_eq!(
        (e.code, e.span.column),
        ("spend-price-year-mismatch", Some(8))
    );
}

/// A 2024-price spend moved to the factor's 2022 prices by CPI-U (us-bls-cpi-u@2024, BLS
/// annual averages: 2022 292.655, 2024 313.689), by hand: 10 000 USD × 292.655 ÷ 313.689
/// × 3.924 kg CO2e/USD (327310 Cement Manufacturing, line 287 of
/// SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv, with margins)
/// = 11 483 782.2 ÷ 313.689 = 36 608.8138251580… kg, rounded once to 36 608.813825158 kg.
#[test]
fn a_us_epa_spend_factor_takes_another_price_year_through_cpi_u() {
    let dir = epa_spend_project(
        "1,2025,cement,10000,USD,spend_based,us-epa-supply-chain@1.3:327310,2024,us-bls-cpi-u:cpi_u\n",
    );
    let l = ledger(&dir, true);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat1"), Some(d("36.608813825158")));
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["ghg.scope3.cat1", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "× 292.655 (us-bls-cpi-u@2024:cpi_u.2022)",
        "÷ 313.689 (us-bls-cpi-u@2024:cpi_u.2024)",
        "us-epa-supply-chain@1.3:327310 = 3.924",
        "1 line sums to 36.608813825158 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}

/// ISO 14083 passenger transport from an operator's own data: a company shuttle burnt 500 L
/// of diesel (DESNZ 2025: 2.57082 kg CO2e/L tank-to-wheel, ID 1_101_1011_8_1; 0.61101 well-to-
/// tank, ID 11_101_1011_8_1) carrying 6 000 pkm of commuting (category 7) and 4 000 pkm of
/// site visits (category 6); its emissions are allocated by passenger-km. Hand calculation:
/// ttw 500 × 2.57082 = 1 285.41 kg, wtt 500 × 0.61101 = 305.505 kg; category 7 takes 0.6:
/// 771.246 + 183.303 = 954.549 kg; category 6 takes 0.4: 514.164 + 122.202 = 636.366 kg.
#[test]
fn passenger_trips_share_an_operation_by_passenger_km() {
    let dir = write(&[
        ("carbonledger.toml", &manifest("")),
        ("facilities.csv", FACILITIES),
        ("energy.csv", "facility,period,carrier,quantity,unit,factor,ref,note,source\n"),
        (
            "scope3.csv",
            "category,period,description,quantity,unit,method,factor,operation\n\
             7,2025,commuting on the shuttle,6000,pkm,average_data,,shuttle\n\
             6,2025,site visits on the shuttle,4000,pkm,average_data,,shuttle\n",
        ),
        (
            "operations.csv",
            "operation,kind,period,energy,energy_unit,factor,wtt_factor,activity,activity_unit\n\
             shuttle,transport,2025,500,L,desnz-fuels@2025:diesel.litre.co2e,desnz-wtt@2025:diesel.litre.co2e,,pkm\n",
        ),
    ]);
    let l = ledger(&dir, false);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat7"), Some(d("0.954549")));
    assert_eq!(fig(&l, "ghg.scope3.cat7.wtt"), Some(d("0.183303")));
    assert_eq!(fig(&l, "ghg.scope3.cat6"), Some(d("0.636366")));
    assert_eq!(fig(&l, "ghg.scope3.cat6.wtt"), Some(d("0.122202")));
    // A trip on a freight operation, or on none, is refused.
    let dir = write(&[
        ("carbonledger.toml", &manifest("")),
        ("facilities.csv", FACILITIES),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\n",
        ),
        (
            "scope3.csv",
            "category,period,description,quantity,unit,method,factor,operation\n\
             7,2025,commuting,6000,pkm,average_data,,lorry\n\
             7,2025,commuting,6000,pkm,average_data,,nowhere\n",
        ),
        (
            "operations.csv",
            "operation,kind,period,energy,energy_unit,factor,wtt_factor,activity,activity_unit\n\
             lorry,transport,2025,500,L,desnz-fuels@2025:diesel.litre.co2e,,10000,tkm\n",
        ),
    ]);
    let l = ledger(&dir, false);
    let codes: Vec<&str> = l
        .all_diagnostics()
        .filter(|d| d.is_error())
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["bad-operation", "unknown-operation"]);
}

/// Categories 11 and 12 tied to the product footprint: the units sold take the product's own
/// use lines (4 kWh a year × 3 years = 12 kWh per phone, product_stages.csv) and end-of-life
/// lines (0.2 kg per phone), priced by the row's market factor when it gives one. Hand
/// calculation (the same numbers as the per-item test above, now read from the product):
/// China, the use line's own factor cn-mee-grid@2023:national 0.5306 kg CO2/kWh (GWP 1):
/// 1 000 000 × 12 × 0.5306 = 6 367 200 kg; UK, the row's DESNZ 2025 grid factor 0.17700
/// kg CO2e/kWh (ID 7_400_4000_5_1): 200 000 × 12 × 0.177 = 424 800 kg; category 11 = 6 792 t.
/// End of life: 1 200 000 × 0.2 kg = 240 t × 8.98311 kg CO2e/t (WEEE small, landfill, ID
/// 20_503_5341_15_1) = 2 155.9464 kg.
#[test]
fn use_and_end_of_life_tied_to_the_product_footprint() {
    let dir = write(&[
        (
            "carbonledger.toml",
            &manifest("cn-mee-grid = \"2023\"\ndesnz-waste = \"2025\"\n"),
        ),
        ("facilities.csv", FACILITIES),
        ("energy.csv", "facility,period,carrier,quantity,unit,factor,ref,note,source\n"),
        (
            "products.csv",
            "id,name,category,functional_unit,year,facility,note\nphone,Phone,phone,one phone over 3 years,2025,,\n",
        ),
        (
            "product_stages.csv",
            "product,stage,quantity,unit,years,factor,note\n\
             phone,use,4,kWh,3,cn-mee-grid@2023:national,charging\n\
             phone,end_of_life,0.2,kg,,desnz-waste@2025:weee_small.landfill,\n",
        ),
        (
            "scope3.csv",
            "category,period,description,quantity,unit,method,factor,product\n\
             11,2025,phones sold in China,1000000,item,average_data,,phone\n\
             11,2025,phones sold in the UK,200000,item,average_data,desnz-electricity@2025:electricity_uk.co2e,phone\n\
             12,2025,phones at end of life,1200000,item,average_data,,phone\n",
        ),
    ]);
    let l = ledger(&dir, false);
    assert!(
        l.all_diagnostics().all(|d| !d.is_error()),
        "{:#?}",
        l.all_diagnostics().collect::<Vec<_>>()
    );
    assert_eq!(fig(&l, "ghg.scope3.cat11"), Some(d("6792")));
    assert_eq!(fig(&l, "ghg.scope3.cat12"), Some(d("2.1559464")));
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("explain")
        .arg(&dir)
        .args(["ghg.scope3.cat11", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for needle in [
        "product_stages.csv line 2 (phone, use)",
        "2 lines sum to 6792 t CO2e: equal to the figure",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    // A product without the stage the category needs is refused at the `product` column.
    std::fs::write(
        dir.join("product_stages.csv"),
        "product,stage,quantity,unit,years,factor,note\nphone,use,4,kWh,3,cn-mee-grid@2023:national,\n",
    )
    .unwrap();
    let l = ledger(&dir, false);
    let e = l.all_diagnostics().find(|d| d.is_error()).unwrap();
    assert_eq!(
        (e.code, e.span.line, e.span.column),
        ("unknown-product", 4, Some(8))
    );
}
