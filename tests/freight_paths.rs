//! The freight register's two paths and its threads (issue #16): the totals path (legs summed
//! per batch and year, for `figures` and `compute`) and the traced path (an entry per leg, for
//! `explain` and `export`) give the same totals (with the same row counts), the same editions
//! cited per year, fallbacks, diagnostics and file counts, on one, two and three threads; the
//! entries of either path are the same, in the same order, on every thread count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::calc::{compute, RunOptions};
use carbonledger::project::Project;
use carbonledger::register::{Context, Entry, Report, Totals};
use std::collections::{BTreeMap, BTreeSet};

const HEADER: &str = "shipment,leg,period,mass,mass_unit,mode,origin,destination,distance,distance_unit,origin_lat,origin_lon,destination_lat,destination_lon,baseline_mode,baseline_distance,baseline_distance_unit,lane,saf_share_pct,saf_fuel,factor,cargo_per_teu,cargo_per_teu_unit,note\n";

const FACILITIES: &str = "id,name,country,grid,equity_share_pct,operational_control,financial_control\nP1,Plant,CN,cn-mee-grid:east,100,yes,yes\n";

/// Row `i` of a multi-mode file: sea with an air counterfactual and its road on-carriage,
/// rail with a counterfactual, air by coordinates with a SAF share, sea bulk; and now and
/// then a row that fails where it is priced (both ends at one point: zero distance), one
/// that fails where it is read (a mass that is not a number), and a duplicate leg.
fn row(i: u32) -> String {
    let q = 1 + i % 4;
    let mass = format!("{}.{}", 1 + (i * 7) % 80, i % 10);
    match i % 11 {
        0 => format!("S{i},1,2025-Q{q},{mass},t,air,Here,Here,,,31.1443,121.8083,31.1443,121.8083,,,,,,,,,,\n"),
        1 => format!("S{i},1,2025-Q{q},heavy,t,road,A,B,12,km,,,,,,,,,,,,,,\n"),
        2 => format!("S{i},1,2025-Q{q},{mass},t,road,A,B,12,km,,,,,,,,,,,,,,\n"),
        3 | 4 => format!(
            "S{i},1,2025-Q{q},{mass},t,sea_container,Shanghai,Rotterdam,10500,nmi,31.1443,121.8083,52.3086,4.7639,air,,,cn_eu_sea,,,,,,\n\
             S{i},2,2025-Q{q},{mass},t,road,Rotterdam,Tilburg,{},km,,,,,,,,,,,,,,\n",
            80 + i % 60
        ),
        6 => format!("S{},1,2025-Q{q},{mass},t,rail,Chongqing,Duisburg,11179,km,,,,,,,,,,,,,,\n", i - 1),
        5 => format!("S{i},1,2025-Q{q},{mass},t,rail,Chongqing,Duisburg,11179,km,29.7192,106.6417,50.0333,8.5706,air,,,cn_eu_rail,,,,,,\n"),
        7 | 8 => format!(
            "S{i},1,2025-Q{q},{mass},t,air,Shanghai PVG,Amsterdam AMS,,,31.1443,121.8083,52.3086,4.7639,,,,,{},icao-corsia:hefa.uco,,,,\n",
            5 + i % 50
        ),
        _ => format!("S{i},1,2025-Q{q},{mass},t,sea_bulk,Port Hedland,Qingdao,3{},nmi,,,,,,,,,,,,,,\n", i % 1000),
    }
}

fn project(legs: u32) -> Project {
    let mut toml = common::manifest("operational_control", "2023");
    toml.push_str("desnz = \"2025\"\niso-14083 = \"2023\"\nicao-corsia = \"default-values\"\n");
    toml.push_str("[freight]\nradiative_forcing = false\n");
    let dir = common::project(
        &toml,
        FACILITIES,
        "facility,period,carrier,quantity,unit,factor,ref,note\nP1,2025,electricity,1,MWh,,,\n",
        None,
    );
    let rows: String = (0..legs).map(row).collect();
    std::fs::write(dir.join("shipments.csv"), format!("{HEADER}{rows}")).unwrap();
    Project::open(&dir).unwrap()
}

/// The freight register's entries and report on one path and thread count.
fn run(project: &Project, traced: bool, threads: usize) -> (Vec<Entry>, Report) {
    let comp = compute(project, RunOptions::default()).unwrap();
    let ctx = Context {
        project,
        comp: &comp,
        strict: false,
        traced,
        threads,
    };
    let mut entries = Vec::new();
    let report = carbonledger::freight::register(&ctx, &mut |e| entries.push(e));
    (entries, report)
}

fn totals(entries: &[Entry]) -> Totals {
    let mut t = Totals::default();
    for e in entries {
        t.add(e).unwrap();
    }
    t
}

/// What the ledger reads of a register's entries besides their totals: the editions cited
/// per year of the parts, the fallbacks, the figure names.
fn read(entries: &[Entry]) -> impl PartialEq + std::fmt::Debug {
    let mut by_year: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    let mut fallbacks = BTreeSet::new();
    let mut names = BTreeSet::new();
    for e in entries {
        for s in &e.steps {
            if let Some(f) = &s.factor {
                for c in &e.parts {
                    by_year.entry(c.year).or_default().insert(f.edition.clone());
                }
            }
            if s.label == "fallback" {
                fallbacks.insert(s.text.clone());
            }
        }
        names.extend(e.parts.iter().map(|c| c.figure.clone()));
    }
    (by_year, fallbacks, names)
}

#[test]
fn totals_path_and_traced_path_agree_on_every_thread_count() {
    let p = project(5000);
    let (want, want_report) = run(&p, true, 1);
    let want_totals = totals(&want);
    // The file exercises what it is meant to: legs of every kind, and failures both where
    // rows are read and where legs are priced (the latter built from the row read again).
    assert!(want.len() > 5000, "{} entries", want.len());
    for figure in [
        "logistics.tkm.sea_bulk",
        "avoided.logistics.mode_shift.cn_eu_rail",
        "avoided.logistics.saf",
    ] {
        assert!(want_totals.has_name(figure), "{figure}");
    }
    let codes: Vec<&str> = want_report.diagnostics.iter().map(|d| d.code).collect();
    for code in ["zero-distance", "duplicate-row"] {
        assert!(codes.contains(&code), "no {code}");
    }
    let zero = want_report
        .diagnostics
        .iter()
        .find(|d| d.code == "zero-distance")
        .unwrap();
    assert!(
        zero.source_line
            .as_deref()
            .is_some_and(|s| s.contains("Here,Here")),
        "{zero:?}"
    );
    for threads in 1..=3 {
        let (traced, traced_report) = run(&p, true, threads);
        assert_eq!(traced, want, "traced entries on {threads} threads");
        assert_eq!(
            format!("{traced_report:?}"),
            format!("{want_report:?}"),
            "{threads} threads"
        );
        let (fast, fast_report) = run(&p, false, threads);
        assert_eq!(
            totals(&fast),
            want_totals,
            "totals path on {threads} threads"
        );
        assert_eq!(
            format!("{fast_report:?}"),
            format!("{want_report:?}"),
            "{threads} threads"
        );
        assert_eq!(read(&fast), read(&want), "{threads} threads");
        // Summed: far fewer entries than legs, and the same ones on every thread count.
        assert!(
            fast.len() * 20 < want.len(),
            "{} summed entries",
            fast.len()
        );
        assert_eq!(
            fast,
            run(&p, false, 1).0,
            "summed entries on {threads} threads"
        );
    }
}
