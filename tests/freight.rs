//! Freight (issue #4): legs, distances, radiative forcing, TEU refusal, mode shift and SAF,
//! each against a value worked out by hand in the comment above its assertion, or against a
//! published value (named). Intensities are the built-in DESNZ 2025 rows unless a test says
//! otherwise:
//!
//! | mode | ttw kg CO2e/tkm | wtt kg CO2e/tkm | wtw |
//! |---|---|---|---|
//! | air, international, without RF | 0.53130 | 0.13516 | 0.66646 |
//! | air, international, with RF | 0.89939 | 0.13516 | 1.03455 |
//! | sea container | 0.01612 | 0.00365 | 0.01977 |
//! | sea bulk | 0.00353 | 0.00080 | 0.00433 |
//! | rail | 0.02779 | 0.00691 | 0.03470 |
//! | road (HGV) | 0.10163 | 0.02359 | 0.12522 |
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::calc::RunOptions;
use carbonledger::freight::geodesy::{great_circle_km, Point, EARTH_RADIUS_KM};
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use common::d;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const HEADER: &str = "shipment,leg,period,mass,mass_unit,mode,origin,destination,distance,distance_unit,origin_lat,origin_lon,destination_lat,destination_lon,baseline_mode,baseline_distance,baseline_distance_unit,lane,saf_share_pct,saf_fuel,factor,cargo_per_teu,cargo_per_teu_unit,note\n";

const FACILITIES: &str = "id,name,country,grid,equity_share_pct,operational_control,financial_control\nP1,Plant,CN,cn-mee-grid:east,100,yes,yes\n";

/// A manifest with the given `[freight]` body (empty: no table at all); `local` is the
/// `SET/EDITION` of a project set, chosen for 2025 (unchosen, its use is a fallback warning).
fn manifest(freight: &str, local: Option<&str>) -> String {
    let mut m = common::manifest("operational_control", "2023");
    m.push_str("desnz = \"2025\"\niso-14083 = \"2023\"\nicao-corsia = \"default-values\"\n");
    if let Some((set, edition)) = local.and_then(|p| p.split_once('/')) {
        m.push_str(&format!("{set} = \"{edition}\"\n"));
    }
    if !freight.is_empty() {
        m.push_str(&format!("[freight]\n{freight}\n"));
    }
    m
}

/// A project whose shipments.csv holds `rows` (after the header); `local` adds a project set.
fn project(freight: &str, rows: &str, local: Option<(&str, &str, &str)>) -> PathBuf {
    let dir = common::project(
        &manifest(freight, local.map(|(path, _, _)| path)),
        FACILITIES,
        "facility,period,carrier,quantity,unit,factor,ref,note\nP1,2025,electricity,1,MWh,,,\n",
        None,
    );
    std::fs::write(dir.join("shipments.csv"), format!("{HEADER}{rows}")).unwrap();
    if let Some((path, toml, csv)) = local {
        let ed = dir.join("factors").join(path);
        std::fs::create_dir_all(&ed).unwrap();
        std::fs::write(ed.join("edition.toml"), toml).unwrap();
        std::fs::write(ed.join("factors.csv"), csv).unwrap();
    }
    dir
}

fn ledger(dir: &Path) -> Ledger {
    let p = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    Ledger::compute(
        &p,
        RunOptions {
            strict: false,
            threads: 0,
        },
    )
    .unwrap_or_else(|d| panic!("{d:#?}"))
}

fn fig(l: &Ledger, name: &str) -> Decimal {
    l.figure(name, 2025)
        .unwrap()
        .unwrap_or_else(|| panic!("no figure {name}; diagnostics: {:#?}", l.diagnostics))
        .value
}

fn clean(l: &Ledger) {
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
}

/// The diagnostics as `code file:line:column message`, with the project folder cut off.
fn errors(l: &Ledger) -> Vec<String> {
    l.diagnostics
        .iter()
        .map(|x| {
            let s = x.span.to_string();
            let file = s
                .rsplit_once("shipments.csv")
                .map_or(s.clone(), |(_, r)| format!("shipments.csv{r}"));
            format!("{} {file} {}", x.code, x.message)
        })
        .collect()
}

/// A local set whose air row excludes the distance adjustment (test data, not a published
/// value: it exists to exercise the ISO 14083 distance rule) and a per-TEU-km row.
const LOCAL_TOML: &str = r#"set = "test-local"
edition = "t1"
description = "Test-only intensities (not published values) to exercise distance rules and TEU handling"
[citation]
publisher = "carbonledger tests"
title = "test-only"
published = "2026"
table = "-"
licence = "-"
url = "https://example.invalid/test"
"#;
const LOCAL_CSV: &str = "key,value,unit,gas,basis,table,note
air,1,kg CO2e/tkm,CO2e,wtw,-,test: excludes the distance adjustment
road,1,kg CO2e/tkm,CO2e,wtw,-,test: excludes the distance adjustment
container,50,g CO2e/TEUkm,CO2e,wtw,-,test: per TEU-km
";

// ---------------------------------------------------------------------------------------------
// One leg per mode, by hand: 10 t over 1000 km = 10,000 tkm each.

#[test]
fn one_leg_per_mode_by_hand() {
    let rows = "\
A,1,2025,10,t,air,X,Y,1000,km,,,,,,,,,,,,,,
S,1,2025,10,t,sea_container,X,Y,1000,km,,,,,,,,,,,,,,
B,1,2025,10,t,sea_bulk,X,Y,1000,km,,,,,,,,,,,,,,
R,1,2025,10,t,rail,X,Y,1000,km,,,,,,,,,,,,,,
H,1,2025,10,t,road,X,Y,1000,km,,,,,,,,,,,,,,
";
    let l = ledger(&project("radiative_forcing = false", rows, None));
    clean(&l);
    // 10,000 tkm × 0.66646 kg = 6,664.6 kg = 6.6646 t
    assert_eq!(fig(&l, "logistics.by_mode.air"), d("6.6646"));
    // 10,000 × 0.01977 = 197.7 kg
    assert_eq!(fig(&l, "logistics.by_mode.sea_container"), d("0.1977"));
    // 10,000 × 0.00433 = 43.3 kg
    assert_eq!(fig(&l, "logistics.by_mode.sea_bulk"), d("0.0433"));
    // 10,000 × 0.03470 = 347 kg
    assert_eq!(fig(&l, "logistics.by_mode.rail"), d("0.347"));
    // 10,000 × 0.12522 = 1,252.2 kg
    assert_eq!(fig(&l, "logistics.by_mode.road"), d("1.2522"));
    // 6.6646 + 0.1977 + 0.0433 + 0.347 + 1.2522 = 8.5048
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("8.5048"));
    // ttw: 5.313 + 0.1612 + 0.0353 + 0.2779 + 1.0163 = 6.8037; wtt: 1.3516 + 0.0365 + 0.008 + 0.0691 + 0.2359 = 1.7011
    assert_eq!(fig(&l, "ghg.scope3.cat4.ttw"), d("6.8037"));
    assert_eq!(fig(&l, "ghg.scope3.cat4.wtt"), d("1.7011"));
    assert_eq!(fig(&l, "logistics.tkm"), d("50000"));
    assert_eq!(fig(&l, "logistics.tkm.rail"), d("10000"));
}

#[test]
fn category_nine_when_the_manifest_says_so() {
    let rows = "R,1,2025,10,t,rail,X,Y,1000,km,,,,,,,,,,,,,,\n";
    let l = ledger(&project("category = 9", rows, None));
    clean(&l);
    assert_eq!(fig(&l, "ghg.scope3.cat9"), d("0.347"));
    assert!(l.figure("ghg.scope3.cat4", 2025).unwrap().is_none());
}

#[test]
fn inland_waterway_has_no_default_intensity() {
    let rows = "W,1,2025,10,t,inland_waterway,X,Y,100,km,,,,,,,,,,,,,,\n";
    let l = ledger(&project("", rows, None));
    assert_eq!(
        errors(&l),
        ["no-default-intensity shipments.csv:2:6 the built-in freight rows have no default intensity for inland_waterway"]
    );
}

// ---------------------------------------------------------------------------------------------
// Distances.

#[test]
fn great_circle_of_a_published_airport_pair() {
    // Rosetta Code, task "Haversine formula": BNA (36.12, −86.67) to LAX (33.94, −118.40) on a
    // sphere of 6371.0 km is 2886.44444283798… km; we round to 0.001 km.
    let bna = Point::new(d("36.12"), d("-86.67")).unwrap();
    let lax = Point::new(d("33.94"), d("-118.40")).unwrap();
    assert_eq!(
        great_circle_km(bna, lax, EARTH_RADIUS_KM).unwrap(),
        d("2886.444")
    );
    // The same page: 2887.25995… km with a radius of 6372.8 km.
    assert_eq!(
        great_circle_km(bna, lax, d("6372.8")).unwrap(),
        d("2887.260")
    );
}

#[test]
fn air_leg_from_coordinates_adds_95_km_unless_the_intensity_includes_an_adjustment() {
    let rows = "\
G,1,2025,1,t,air,BNA,LAX,,,36.12,-86.67,33.94,-118.40,,,,,,,test-local:air,,,
D,1,2025,1,t,air,BNA,LAX,,,36.12,-86.67,33.94,-118.40,,,,,,,,,,
";
    let l = ledger(&project(
        "radiative_forcing = false",
        rows,
        Some(("test-local/t1", LOCAL_TOML, LOCAL_CSV)),
    ));
    clean(&l);
    // Row G: 1 t × (2886.444 + 95) km = 2981.444 tkm, × 1 kg/tkm = 2.981444 t.
    // Row D: DESNZ air rows include their own 8% uplift (basis `daf-included`): 1 t × 2886.444 km.
    assert_eq!(fig(&l, "logistics.tkm.air"), d("5867.888"));
    // 2886.444 × 0.66646 = 1923.69946824 kg; + 2.981444 t
    assert_eq!(
        fig(&l, "logistics.by_mode.air"),
        d("2.981444") + d("1.92369946824")
    );
}

/// ISO 14083's road factor is defined on the shortest feasible distance (CLECAT/UBA guide to
/// ISO 14083, Table 3 p.23: road "SFD 1.05 SFD + 5 %"). Coordinates give a great-circle
/// distance, on which no rule is defined: refused at the coordinates, not adjusted.
#[test]
fn road_leg_from_coordinates_is_refused() {
    let rows = "R,1,2025,2,t,road,BNA,LAX,,,36.12,-86.67,33.94,-118.40,,,,,,,test-local:road,,,\n";
    let l = ledger(&project(
        "",
        rows,
        Some(("test-local/t1", LOCAL_TOML, LOCAL_CSV)),
    ));
    assert_eq!(
        errors(&l),
        ["bad-distance-basis shipments.csv:2:11 ISO 14083's distance adjustment factor for road is defined on the shortest feasible distance, not on the great-circle distance"]
    );
}

/// The same road factor on its own basis: 2886.444 km shortest feasible × 1.05 = 3030.7662 km;
/// 2 t × 3030.7662 km = 6061.5324 tkm.
#[test]
fn road_leg_on_a_shortest_feasible_distance_takes_the_distance_adjustment_factor() {
    let header = HEADER.replace(",note\n", ",note,distance_basis\n");
    let dir = project("", "", Some(("test-local/t1", LOCAL_TOML, LOCAL_CSV)));
    std::fs::write(
        dir.join("shipments.csv"),
        format!("{header}R,1,2025,2,t,road,X,Y,2886.444,km,,,,,,,,,,,test-local:road,,,,sfd\n"),
    )
    .unwrap();
    let l = ledger(&dir);
    clean(&l);
    assert_eq!(fig(&l, "logistics.tkm"), d("6061.5324"));
}

#[test]
fn a_leg_in_kg_and_miles_equals_the_hand_conversion() {
    let rows = "\
M,1,2025,2500,kg,road,X,Y,400,mi,,,,,,,,,,,,,,
K,1,2025,2.5,t,road,X,Y,643.7376,km,,,,,,,,,,,,,,
";
    let l = ledger(&project("", rows, None));
    clean(&l);
    // 2500 kg = 2.5 t; 400 mi × 1.609344 km/mi = 643.7376 km; 2.5 × 643.7376 = 1609.344 tkm per row.
    assert_eq!(fig(&l, "logistics.tkm"), d("3218.688"));
    // 1609.344 tkm × 0.12522 kg = 201.52205568 kg per row
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.40304411136"));
}

#[test]
fn nautical_miles() {
    let rows = "N,1,2025,1,t,sea_container,X,Y,1000,nmi,,,,,,,,,,,,,,\n";
    let l = ledger(&project("", rows, None));
    clean(&l);
    // 1000 nmi = 1852 km; 1852 tkm × 0.01977 = 36.61404 kg
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.03661404"));
}

#[test]
fn a_multi_leg_chain_sums_its_legs() {
    let rows = "\
C,1,2025,5,t,road,Factory,Port,80,km,,,,,,,,,,,,,,
C,2,2025,5,t,sea_container,Port,Port 2,2000,nmi,,,,,,,,,,,,,,
C,3,2025,5,t,rail,Port 2,Hub,600,km,,,,,,,,,,,,,,
";
    let l = ledger(&project("", rows, None));
    clean(&l);
    // road 5 × 80 = 400 tkm × 0.12522 = 50.088 kg
    // sea 5 × 3704 = 18,520 tkm × 0.01977 = 366.1404 kg
    // rail 5 × 600 = 3,000 tkm × 0.0347 = 104.1 kg
    // total 520.3284 kg over 21,920 tkm
    assert_eq!(fig(&l, "logistics.tkm"), d("21920"));
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.5203284"));
}

// ---------------------------------------------------------------------------------------------
// Radiative forcing.

#[test]
fn radiative_forcing_on_and_off() {
    let rows = "A,1,2025,10,t,air,X,Y,1000,km,,,,,,,,,,,,,,\n";
    let off = ledger(&project("radiative_forcing = false", rows, None));
    let on = ledger(&project("radiative_forcing = true", rows, None));
    clean(&off);
    clean(&on);
    // off: 10,000 × (0.53130 + 0.13516) = 6,664.6 kg; on: 10,000 × (0.89939 + 0.13516) = 10,345.5 kg
    assert_eq!(fig(&off, "ghg.scope3.cat4"), d("6.6646"));
    assert_eq!(fig(&on, "ghg.scope3.cat4"), d("10.3455"));
    assert_eq!(fig(&on, "ghg.scope3.cat4.ttw"), d("8.9939"));
    assert_eq!(fig(&on, "ghg.scope3.cat4.wtt"), d("1.3516"));
}

#[test]
fn radiative_forcing_is_never_implicit() {
    let rows = "A,1,2025,10,t,air,X,Y,1000,km,,,,,,,,,,,,,,\nR,1,2025,10,t,rail,X,Y,1000,km,,,,,,,,,,,,,,\n";
    // An older manifest without [freight]: it parses, rail works, the air leg is refused.
    let l = ledger(&project("", rows, None));
    assert_eq!(
        errors(&l),
        ["radiative-forcing-unset shipments.csv:2:6 air freight needs an explicit radiative-forcing choice"]
    );
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.347"));
    assert_eq!(
        l.files
            .iter()
            .map(|f| (f.read, f.used, f.rejected))
            .collect::<Vec<_>>(),
        [(2, 1, 1)]
    );
    // The note every report prints: the refused air leg still names air.
    assert_eq!(l.register_run.notes.len(), 1);
    assert!(l.register_run.notes[0].contains("NOT CHOSEN"));
    let l = ledger(&project("radiative_forcing = true", rows, None));
    assert_eq!(l.register_run.notes.len(), 1);
    assert!(l.register_run.notes[0].contains("INCLUDED"));
    // Nothing by air, as mode or baseline: no note.
    let rail = "R,1,2025,10,t,rail,X,Y,1000,km,,,,,,,,,,,,,,\n";
    assert!(ledger(&project("", rail, None))
        .register_run
        .notes
        .is_empty());
    // A mode shift from air names air.
    let shift = "R,1,2025,10,t,rail,X,Y,1000,km,,,,,air,900,km,cn_eu,,,,,,\n";
    let l = ledger(&project("radiative_forcing = false", shift, None));
    assert!(l.register_run.notes[0].contains("EXCLUDED"));
}

// ---------------------------------------------------------------------------------------------
// TEU intensities.

#[test]
fn a_per_teu_intensity_needs_a_cargo_mass_per_teu() {
    let rows = "\
T,1,2025,20,t,sea_container,X,Y,1000,km,,,,,,,,,,,test-local:container,,,
U,1,2025,20,t,sea_container,X,Y,1000,km,,,,,,,,,,,test-local:container,10,t,
";
    let l = ledger(&project(
        "",
        rows,
        Some(("test-local/t1", LOCAL_TOML, LOCAL_CSV)),
    ));
    assert_eq!(
        errors(&l),
        ["teu-intensity-needs-cargo-mass shipments.csv:2:22 test-local@t1:container is per TEU-km but the leg is mass × distance (tkm); refusing to guess a cargo mass per TEU"]
    );
    // Row U: 20,000 tkm ÷ 10 t per TEU = 2,000 TEU-km × 50 g = 100 kg
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.1"));
}

// ---------------------------------------------------------------------------------------------
// Mode shift and SAF.

#[test]
fn mode_shift_by_hand() {
    let rows = "\
R,1,2025,10,t,rail,X,Y,1000,km,,,,,air,800,km,,,,,,,
S,1,2025,10,t,sea_container,X,Y,1000,km,,,,,air,800,km,my-lane,,,,,,
";
    let l = ledger(&project("radiative_forcing = false", rows, None));
    clean(&l);
    // counterfactual 10 t × 800 km × 0.66646 = 5,331.68 kg each
    // rail: 5,331.68 − 347 = 4,984.68 kg; sea: 5,331.68 − 197.7 = 5,133.98 kg
    assert_eq!(
        fig(&l, "avoided.logistics.mode_shift.air_to_rail"),
        d("4.98468")
    );
    assert_eq!(
        fig(&l, "avoided.logistics.mode_shift.my-lane"),
        d("5.13398")
    );
    assert_eq!(fig(&l, "avoided.logistics.mode_shift"), d("10.11866"));
}

#[test]
fn saf_reduction_by_hand() {
    let rows = "A,1,2025,10,t,air,X,Y,1000,km,,,,,,,,,50,icao-corsia:hefa.uco,,,,\n";
    let l = ledger(&project("radiative_forcing = false", rows, None));
    clean(&l);
    // all-fossil 6,664.6 kg × 50% × (89 − 13.9) / 89 = 2,811.862134831460674… kg (rounded once
    // to 9 decimal places of kg)
    assert_eq!(fig(&l, "avoided.logistics.saf"), d("2.811862134831"));
    assert_eq!(
        fig(&l, "ghg.scope3.cat4"),
        d("6.6646") - d("2.811862134831")
    );
    // 50 × 75.1 / 89 = 42.191011235955…%
    assert_eq!(
        fig(&l, "logistics.saf.reduction").round_dp(6),
        d("42.191011")
    );
    // With RF the reduction applies to the without-RF life cycle only: same tonnes, and
    // 2.811862134831 / 10.3455 × 100 = 27.18…% of the all-fossil emissions with RF.
    let on = ledger(&project("radiative_forcing = true", rows, None));
    assert_eq!(fig(&on, "avoided.logistics.saf"), d("2.811862134831"));
    assert_eq!(fig(&on, "logistics.saf.reduction").round_dp(2), d("27.18"));
}

#[test]
fn bad_rows_are_reported_at_their_column() {
    let rows = "\
A,1,2025,10,t,boat,X,Y,1000,km,,,,,,,,,,,,,,
A,2,2025,10,t,rail,X,Y,1000,kg,,,,,,,,,,,,,,
A,3,2025,10,t,rail,X,Y,1000,km,,,,,,,,,30,icao-corsia:hefa.uco,,,,
A,3,2025,10,t,rail,X,Y,1000,km,,,,,,,,,,,,,,
A,4,2025,10,t,rail,X,Y,,,,,,,,,,,,,,,,
A,5,2025,10,t,rail,X,Y,10,km,,,,,,,,,,,,,,
A,5,2025,10,t,rail,X,Y,10,km,,,,,,,,,,,,,,
";
    let l = ledger(&project("", rows, None));
    assert_eq!(
        errors(&l),
        [
            "unknown-mode shipments.csv:2:6 unknown transport mode `boat` in column `mode`",
            "wrong-dimension shipments.csv:3:10 unit `kg` is mass, expected distance in column `distance_unit`",
            "saf-not-air shipments.csv:4:19 a SAF share is given on a leg that is not air freight",
            "no-distance shipments.csv:6:9 the leg has neither a distance nor the coordinates of both ends",
            "duplicate-row shipments.csv:8:2 shipment A leg 5 appears twice (first on line 7)",
        ]
    );
    // Seven rows read: rows 5 (A 3, first valid one) and 7 (A 5) used.
    let f = &l.files[0];
    assert_eq!((f.read, f.used, f.rejected), (7, 2, 5));
    assert_eq!(f.rejected_quantity.get("t"), Some(&d("50")));
}

// ---------------------------------------------------------------------------------------------
// The reference fixture.

#[test]
fn fixture_mode_shift_prints_as_2471_tonnes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let l = ledger(&dir);
    assert!(
        !l.diagnostics
            .iter()
            .any(|x| x.span.file.contains("shipments")),
        "{:#?}",
        l.diagnostics
    );
    let v = fig(&l, "avoided.logistics.mode_shift");
    // Published: 减排约2,471吨CO2e. Sea lane 250 t × (8,910.542 km × 0.66646 − 19,446 km ×
    // 0.01977) = 1,388.51810033 t; rail lane 217.3 t × (8,055.471 × 0.66646 − 11,179 × 0.0347)
    // = 1,082.314346248018 t; total 2,470.832446578018 t.
    assert_eq!(v, d("2470.832446578018"));
    assert_eq!(v.round(), d("2471"));
    // The SAF legs: 35% HEFA-UCO: 35 × (89 − 13.9) / 89 = 29.53…% ("about 30%").
    assert_eq!(fig(&l, "logistics.saf.reduction").round_dp(2), d("29.53"));
}

#[test]
fn the_glec_template_loads_as_a_project_set_once_filled() {
    // The template ships no values; a project adds its own row (here a test-only value).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates/glec-local");
    let toml = std::fs::read_to_string(root.join("edition.toml")).unwrap();
    let csv = std::fs::read_to_string(root.join("factors.csv")).unwrap()
        + "air.test,500,g CO2e/tkm,CO2e,wtw,-,test-only value\n";
    let rows = "G,1,2025,2,t,air,BNA,LAX,,,36.12,-86.67,33.94,-118.40,,,,,,,glec:air.test,,,\n";
    let l = ledger(&project(
        "radiative_forcing = false",
        rows,
        Some(("glec/v3.2", &toml, &csv)),
    ));
    clean(&l);
    // 2 t × (2886.444 + 95) km = 5962.888 tkm × 0.5 kg = 2981.444 kg
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("2.981444"));
    assert!(l.figure("ghg.scope3.cat4.ttw", 2025).unwrap().is_none());
}

/// A shipment whose leg 2 does not start where leg 1 ended is warned about (a missing leg or
/// a place spelt two ways), at leg 2's `origin`; both legs still count.
#[test]
fn a_gap_between_legs_is_warned() {
    let rows = "\
C,1,2025,5,t,road,Factory,Port,80,km,,,,,,,,,,,,,,
C,2,2025,5,t,rail,Harbour,Hub,600,km,,,,,,,,,,,,,,
";
    let l = ledger(&project("", rows, None));
    assert!(
        l.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        errors(&l)
    );
    let w: Vec<String> = l
        .diagnostics
        .iter()
        .map(|d| format!("{}:{}:{:?}", d.code, d.span.line, d.span.column))
        .collect();
    assert_eq!(w, ["leg-gap:3:Some(7)"]);
    assert_eq!(fig(&l, "logistics.tkm"), d("3400"));
}

/// CLECAT/UBA, *Greenhouse gas emissions in the transport sector — Guide to ISO 14083* (2024),
/// Case example A, step 2, p.25: 10 t by road over a shortest feasible distance of 50 km (TCE 1),
/// by electric rail over 500 km (TCE 3, "no distance adjustment factor has to be used"), and
/// by road over an SFD of 100 km (TCE 5), the road intensity being per actual distance:
/// published transport activities 525 tkm (actual), 5,000 tkm and 1,050 tkm (actual).
/// carbonledger prices each at the DESNZ 2025 default intensity per actual tonne-km (table at
/// the top): 525 × 0.12522 = 65.7405 kg, 5,000 × 0.03470 = 173.5 kg, 1,050 × 0.12522 =
/// 131.481 kg; 370.7215 kg in all.
#[test]
fn clecat_case_a_shortest_feasible_distances_take_their_rule() {
    let header = HEADER.replace(",note\n", ",note,distance_basis\n");
    let dir = project("", "", None);
    std::fs::write(
        dir.join("shipments.csv"),
        format!(
            "{header}A,1,2025,10,t,road,A,CT Terminal A,50,km,,,,,,,,,,,,,,,sfd\n\
             A,2,2025,10,t,rail,CT Terminal A,CT Terminal B,500,km,,,,,,,,,,,,,,,sfd\n\
             A,3,2025,10,t,road,CT Terminal B,B,100,km,,,,,,,,,,,,,,,sfd\n"
        ),
    )
    .unwrap();
    let l = ledger(&dir);
    clean(&l);
    assert_eq!(fig(&l, "logistics.tkm.road"), d("1575"));
    assert_eq!(fig(&l, "logistics.tkm.rail"), d("5000"));
    assert_eq!(fig(&l, "ghg.scope3.cat4"), d("0.3707215"));
}

/// An air leg's actual distance cannot meet DESNZ air intensities, which are per great-circle
/// tonne-km with DESNZ's uplift inside: no ISO 14083 rule turns an actual distance back into a
/// great-circle one. The same distance stated as great-circle is priced as it is.
#[test]
fn an_actual_air_distance_against_a_great_circle_intensity_is_refused() {
    let header = HEADER.replace(",note\n", ",note,distance_basis\n");
    let dir = project("radiative_forcing = false", "", None);
    let ships =
        |basis: &str| format!("{header}A,1,2025,1,t,air,X,Y,1000,km,,,,,,,,,,,,,,,{basis}\n");
    std::fs::write(dir.join("shipments.csv"), ships("actual")).unwrap();
    let l = ledger(&dir);
    assert_eq!(
        errors(&l),
        ["distance-basis-mismatch shipments.csv:2:25 the intensity is per tonne-km on the great-circle distance (its distance adjustment inside it), but the leg's distance is the actual distance: no ISO 14083 rule turns one into the other"]
    );
    std::fs::write(dir.join("shipments.csv"), ships("gcd")).unwrap();
    let l = ledger(&dir);
    clean(&l);
    // 1 t × 1000 km × 0.66646 kg/tkm (without RF) = 0.66646 t.
    assert_eq!(fig(&l, "logistics.by_mode.air"), d("0.66646"));
}

/// `carbonledger freight`: CLECAT Case A's three legs (above) as one transport chain, each
/// element with its shipments.csv line, tonne-km, ttw/wtt/wtw kg and kg CO2e per tonne-km, and
/// the chain's sum. By hand (DESNZ 2025, table at the top): road 525 tkm × 0.10163 = 53.35575
/// ttw, × 0.02359 = 12.38475 wtt, 65.7405 wtw, 0.12522 kg/tkm; rail 5,000 tkm → 138.95 +
/// 34.55 = 173.5, 0.0347 kg/tkm; road 1,050 tkm → 106.7115 + 24.7695 = 131.481; the chain
/// 6,575 tkm, ttw 53.35575 + 138.95 + 106.7115 = 299.01725, wtt 12.38475 + 34.55 + 24.7695 =
/// 71.70425, wtw 370.7215 kg, 370.7215 ÷ 6,575 = 0.05638349809885931…
/// kg/tkm (rounded at 16 places: the division does not terminate).
#[test]
fn freight_command_reports_each_element_and_the_chain() {
    let header = HEADER.replace(",note\n", ",note,distance_basis\n");
    let dir = project("", "", None);
    std::fs::write(
        dir.join("shipments.csv"),
        format!(
            "{header}A,3,2025,10,t,road,CT Terminal B,B,100,km,,,,,,,,,,,,,,,sfd\n\
             A,1,2025,10,t,road,A,CT Terminal A,50,km,,,,,,,,,,,,,,,sfd\n\
             A,2,2025,10,t,rail,CT Terminal A,CT Terminal B,500,km,,,,,,,,,,,,,,,sfd\n"
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("freight")
        .arg(&dir)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<&str> = text.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows,
        [
            "A,1,3,2025,road,A → CT Terminal A,525,53.35575,12.38475,65.7405,0.12522",
            "A,2,4,2025,rail,CT Terminal A → CT Terminal B,5000,138.95,34.55,173.5,0.0347",
            "A,3,2,2025,road,CT Terminal B → B,1050,106.7115,24.7695,131.481,0.12522",
            "A,chain,,,,,6575,299.01725,71.70425,370.7215,0.0563834980988593",
        ],
        "{text}"
    );
}

/// `export` writes the same per-element and per-chain results as `freight`, for every
/// reporting year, in `transport_chains.csv`. The 2025 chain is the one worked out by hand
/// above `freight_command_reports_each_element_and_the_chain`; the 2024 chain B is one road
/// leg of 2 t over 100 km = 200 tkm × 0.10163 = 20.326 kg ttw, × 0.02359 = 4.718 kg wtt,
/// 25.044 kg wtw, 25.044 ÷ 200 = 0.12522 kg/tkm (terminates: exact).
#[test]
fn export_writes_every_years_transport_chains() {
    let header = HEADER.replace(",note\n", ",note,distance_basis\n");
    let dir = project("", "", None);
    let toml = std::fs::read_to_string(dir.join("carbonledger.toml")).unwrap();
    std::fs::write(
        dir.join("carbonledger.toml"),
        toml.replace(
            "[years.2024.editions]\n",
            "[years.2024.editions]\ndesnz = \"2025\"\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("shipments.csv"),
        format!(
            "{header}A,3,2025,10,t,road,CT Terminal B,B,100,km,,,,,,,,,,,,,,,sfd\n\
             A,1,2025,10,t,road,A,CT Terminal A,50,km,,,,,,,,,,,,,,,sfd\n\
             A,2,2025,10,t,rail,CT Terminal A,CT Terminal B,500,km,,,,,,,,,,,,,,,sfd\n\
             B,1,2024,2,t,road,X,Y,100,km,,,,,,,,,,,,,,,actual\n"
        ),
    )
    .unwrap();
    let out = dir.with_extension("export");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg("export")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("transport_chains.csv")).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows,
        [
            "schema,year,shipment,element,line,period,mode,place,tkm,ttw_kg_co2e,wtt_kg_co2e,wtw_kg_co2e,kg_co2e_per_tkm,intensity_exact",
            "transport_chains/4,2024,B,1,5,2024,road,X → Y,200,20.326,4.718,25.044,0.12522,yes",
            "transport_chains/4,2024,B,chain,,,,,200,20.326,4.718,25.044,0.12522,yes",
            "transport_chains/4,2025,A,1,3,2025,road,A → CT Terminal A,525,53.35575,12.38475,65.7405,0.12522,yes",
            "transport_chains/4,2025,A,2,4,2025,rail,CT Terminal A → CT Terminal B,5000,138.95,34.55,173.5,0.0347,yes",
            "transport_chains/4,2025,A,3,2,2025,road,CT Terminal B → B,1050,106.7115,24.7695,131.481,0.12522,yes",
            "transport_chains/4,2025,A,chain,,,,,6575,299.01725,71.70425,370.7215,0.0563834980988593,no",
        ],
        "{text}"
    );
    // The dictionary describes every column of the table.
    let dict = std::fs::read_to_string(out.join("dictionary.csv")).unwrap();
    for col in rows[0].split(',').skip(1) {
        assert!(
            dict.contains(&format!(",transport_chains,{col},")),
            "{col} is not in dictionary.csv"
        );
    }
}
