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
    project_of(&(0..legs).map(row).collect::<String>())
}

/// A project whose shipments.csv holds `rows` (after the header).
fn project_of(rows: &str) -> Project {
    let mut toml = common::manifest("operational_control", "2023");
    toml.push_str("desnz = \"2025\"\niso-14083 = \"2023\"\nicao-corsia = \"default-values\"\n");
    toml.push_str("[freight]\nradiative_forcing = false\n");
    let dir = common::project(
        &toml,
        FACILITIES,
        "facility,period,carrier,quantity,unit,factor,ref,note\nP1,2025,electricity,1,MWh,,,\n",
        None,
    );
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
                    by_year
                        .entry(c.year)
                        .or_default()
                        .insert(f.edition.to_string());
                }
            }
            if s.label == "fallback" {
                fallbacks.insert(s.text.clone());
            }
        }
        names.extend(e.parts.iter().map(|c| c.figure.to_string()));
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
        // Summed: far fewer entries than legs. (Which legs a sum holds depends on the
        // chunks the file was read in; what the ledger reads of them does not.)
        assert!(
            fast.len() * 20 < want.len(),
            "{} summed entries",
            fast.len()
        );
    }
}

/// A road leg of shipment `s`, element `n`, from `a` to `b`.
fn road(s: &str, n: u32, a: &str, b: &str) -> String {
    format!("{s},{n},2025-Q2,3.5,t,road,{a},{b},40,km,,,,,,,,,,,,,,\n")
}

#[test]
fn chunks_settle_duplicates_and_gaps_across_their_boundaries() {
    // Elements used again, and legs that do not join up, far apart in the file: in one chunk
    // and another whether it is read in one, two or three; rejected rows of every kind between.
    let body = |from: u32| (from..from + 1500).map(row).collect::<String>();
    let rows = [
        road("X1", 1, "A", "B"),
        body(0),
        road("X1", 1, "A", "B"),
        road("X2", 1, "C", "D"),
        body(2000),
        road("X2", 1, "C", "D"),
        road("X1", 1, "A", "B"),
        road("X1", 2, "Elsewhere", "E"),
        road("X2", 2, "D", "F"),
        road("X3", 2, "G", "H"),
        "X4,1,2019,3.5,t,road,A,B,40,km,,,,,,,,,,,,,,\n".to_string(),
        road("X3", 1, "F", "G"),
    ]
    .concat();
    let p = project_of(&rows);
    let (want, want_report) = run(&p, true, 1);
    let want_totals = totals(&want);
    let count = |r: &Report, code: &str| r.diagnostics.iter().filter(|d| d.code == code).count();
    let firsts: Vec<&str> = want_report
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("shipment X"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        firsts.contains(&"shipment X1 leg 1 appears twice (first on line 2)")
            && firsts
                .iter()
                .any(|m| m.starts_with("shipment X2 leg 1 appears twice"))
            && firsts
                .iter()
                .any(|m| m.starts_with("shipment X1 leg 2 starts at `Elsewhere`")),
        "{firsts:?}"
    );
    assert_eq!(count(&want_report, "period-outside-reporting-years"), 1);
    for threads in 1..=3 {
        let (fast, fast_report) = run(&p, false, threads);
        assert_eq!(totals(&fast), want_totals, "{threads} threads");
        assert_eq!(read(&fast), read(&want), "{threads} threads");
        assert_eq!(
            format!("{fast_report:?}"),
            format!("{want_report:?}"),
            "{threads} threads"
        );
    }
}
