//! Each performance shortcut gives exactly what the plain path gives (no timing here; the
//! timings are in benches/ and docs/performance.md):
//!
//! * the spilled, partitioned duplicate check finds the duplicates a naive `HashMap` of row
//!   identities finds, with 1, 2 and 3 threads, on a file large enough to be read in chunks
//!   and spilled to disk;
//! * a chain copied from another facility of the same class (grid, control, equity share)
//!   equals the chain resolved for the facility itself, and so does the residual-mix chain the
//!   market-based register shares within a class;
//! * the registers run once: the editions the ledger recorded are the editions a fresh run of
//!   the registers cites, and the counterfactual for the intensity (registers that add to
//!   none of its inputs skipped) gives the intensity and its inputs the full ledger gives;
//! * the summing pass (a linear chain's quantities added, multiplied out once; rows read in
//!   batches) equals the visiting pass (every row's line calculated, a row at a time) over
//!   5,000 facilities.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use carbonledger::calc::{compute, InputFile, ResolveOptions, Resolver, RunOptions};
use carbonledger::ledger::{run_registers, Ledger};
use carbonledger::project::Project;
use common::{manifest, project};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

const CARRIERS: [(&str, &str); 4] = [
    ("electricity", "MWh"),
    ("electricity", "kWh"),
    ("natural_gas", "GJ"),
    ("diesel", "t"),
];

/// About 9.5 MB of rows (over the 8 MiB at which the check spills to partition files and the
/// file is read in chunks), with exact copies, copies whose quantity has a trailing zero, and
/// near-copies that differ only in `ref` (not duplicates). Returns the text and the lines
/// (1-based, physical) of the rows.
fn energy_with_duplicates() -> (String, Vec<(u64, String)>) {
    let mut s = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    let mut rows: Vec<(u64, String)> = Vec::new();
    let push = |s: &mut String, rows: &mut Vec<(u64, String)>, row: String| {
        s.push_str(&row);
        s.push('\n');
        rows.push((rows.len() as u64 + 2, row));
    };
    for i in 0..200_000u64 {
        let (carrier, unit) = CARRIERS[(i % 4) as usize];
        let row = format!(
            "F{},2025-{:02},{carrier},{}.{:02},{unit},,R{i},",
            i % 50,
            i % 12 + 1,
            i % 9973 + 1,
            i % 97 + 1
        );
        push(&mut s, &mut rows, row.clone());
        if i % 1009 == 0 && i > 0 {
            // An exact copy a little later, across the chunk boundary for some.
            let prev = rows[(i as usize * 7) % rows.len()].1.clone();
            push(&mut s, &mut rows, prev);
        }
        if i % 2003 == 0 {
            // The same row with a trailing zero on the quantity: the same identity.
            let copy = row.replace(&format!(",{unit},"), &format!("0,{unit},"));
            push(&mut s, &mut rows, copy);
        }
        if i % 3001 == 0 {
            // The same row under another ref: not a duplicate.
            let other = row.replace(&format!(",R{i},"), &format!(",S{i},"));
            push(&mut s, &mut rows, other);
        }
    }
    (s, rows)
}

/// The naive reference: a row is a duplicate when an earlier row has the same facility,
/// period, carrier, quantity (as a number), unit and ref.
fn naive_duplicates(rows: &[(u64, String)]) -> BTreeSet<u64> {
    let mut first: HashMap<(String, String, String, Decimal, String, String), u64> = HashMap::new();
    let mut dups = BTreeSet::new();
    for (line, row) in rows {
        let f: Vec<&str> = row.split(',').collect();
        let key = (
            f[0].to_string(),
            f[1].to_string(),
            f[2].to_string(),
            Decimal::from_str(f[3]).unwrap().normalize(),
            f[4].to_string(),
            f[6].to_string(),
        );
        if let std::collections::hash_map::Entry::Vacant(e) = first.entry(key) {
            e.insert(*line);
        } else {
            dups.insert(*line);
        }
    }
    dups
}

fn facilities(n: usize) -> String {
    let grids = ["north", "east", "south"];
    let mut s = String::from(
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "F{i},Site {i},CN,cn-mee-grid:{},{},{},yes\n",
            grids[i % 3],
            [100, 40, 100, 55][i % 4],
            if i % 5 == 0 { "no" } else { "yes" }
        ));
    }
    s
}

#[test]
fn spilled_duplicate_check_equals_a_naive_reference_at_any_thread_count() {
    let (energy, rows) = energy_with_duplicates();
    assert!(energy.len() > 8 << 20, "{} bytes", energy.len());
    let want = naive_duplicates(&rows);
    assert!(want.len() > 250, "{} duplicates", want.len());
    let dir = project(
        &manifest("operational_control", "2023"),
        &facilities(50),
        &energy,
        None,
    );
    let p = Project::open(&dir).unwrap();
    for threads in [1, 2, 3] {
        let c = compute(
            &p,
            RunOptions {
                strict: false,
                threads,
            },
        )
        .unwrap();
        let got = c
            .duplicates
            .get(&InputFile::Energy)
            .cloned()
            .unwrap_or_default();
        assert_eq!(got, want, "{threads} thread(s)");
        assert_eq!(c.rejected_rows(), want.len() as u64);
    }
}

#[test]
fn a_chain_copied_from_a_facility_of_the_same_class_equals_its_own_resolution() {
    // 60 facilities over 3 grids, with and without operational control, four equity shares:
    // under either consolidation many share a class, so most chains are copies.
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for i in 0..60 {
        for (j, (carrier, unit)) in CARRIERS.iter().enumerate() {
            for year in [2024, 2025] {
                energy.push_str(&format!(
                    "F{i},{year}-0{},{carrier},{}.5,{unit},,R{i}-{j},\n",
                    j + 1,
                    i + j + 1
                ));
            }
        }
        // An explicit factor too.
        energy.push_str(&format!(
            "F{i},2025-06,electricity,2,MWh,cn-mee-grid:national,X{i},\n"
        ));
    }
    for consolidation in ["operational_control", "equity_share"] {
        let dir = project(
            &manifest(consolidation, "2023"),
            &facilities(60),
            &energy,
            None,
        );
        let p = Project::open(&dir).unwrap();
        let c = compute(&p, RunOptions::default()).unwrap();
        assert_eq!(c.chains.len(), 60 * (4 * 2 + 1));
        let resolver = Resolver::new(&p, ResolveOptions { strict: false });
        for chain in &c.chains {
            let fresh = resolver
                .resolve(
                    chain.year,
                    chain.facility,
                    &chain.subject,
                    chain.activity_unit,
                    chain.explicit.as_ref(),
                )
                .unwrap();
            assert_eq!(chain, &fresh, "{consolidation}");
        }
    }
}

#[test]
fn a_market_based_line_priced_through_its_class_chain_equals_its_own_resolution() {
    // The market-based register resolves the residual-mix chain once per facility class
    // and year and shares it: every facility's line must still be its own chain (its
    // facility, share and reason), as a fresh resolution for that facility gives it.
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for i in 0..60 {
        for year in [2024, 2025] {
            energy.push_str(&format!(
                "F{i},{year}-03,electricity,{}.5,MWh,,E{i}-{year},\n",
                i + 1
            ));
        }
    }
    for consolidation in ["operational_control", "equity_share"] {
        let dir = project(
            &manifest(consolidation, "2023"),
            &facilities(60),
            &energy,
            None,
        );
        let p = Project::open(&dir).unwrap();
        let c = compute(&p, RunOptions::default()).unwrap();
        let resolver = Resolver::new(&p, ResolveOptions { strict: false });
        let mut seen = BTreeSet::new();
        run_registers(&p, &c, false, &mut |e| {
            for part in e.parts.iter().filter(|p| p.figure == "ghg.scope2.market") {
                for l in &part.lines {
                    let fresh = resolver
                        .resolve(
                            l.chain.year,
                            l.activity.facility,
                            &l.chain.subject,
                            l.chain.activity_unit,
                            l.chain.explicit.as_ref(),
                        )
                        .unwrap();
                    assert_eq!(l.chain, fresh, "{consolidation} {}", e.what);
                    let id = &p.facilities.list[l.activity.facility].id;
                    assert!(e.what.starts_with(&format!("{id} ")), "{}", e.what);
                    seen.insert((l.activity.facility, l.chain.year));
                }
            }
        });
        // Every facility-year with electricity inside the boundary: the twelve facilities
        // without operational control (every fifth) have none under that consolidation.
        let inside = if consolidation == "operational_control" {
            48
        } else {
            60
        };
        assert_eq!(seen.len(), inside * 2, "{consolidation}");
    }
}

#[test]
fn the_registers_run_once_and_the_chain_counterfactual_keeps_every_chain_figure() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    let p = Project::open(&dir).unwrap();
    let ledger = Ledger::compute(&p, RunOptions::default()).unwrap();
    // Editions: recorded in the ledger's one run = cited by a fresh run.
    let mut fresh = BTreeSet::new();
    let mut by_year: std::collections::BTreeMap<i32, BTreeSet<String>> = Default::default();
    run_registers(&p, &ledger.comp, false, &mut |e| {
        for s in &e.steps {
            if let Some(u) = &s.factor {
                fresh.insert(u.edition.to_string());
                for part in &e.parts {
                    by_year
                        .entry(part.year)
                        .or_default()
                        .insert(u.edition.to_string());
                }
            }
        }
    });
    assert!(fresh.iter().any(|e| e.starts_with("desnz")), "{fresh:?}");
    assert_eq!(ledger.register_run.editions, fresh);
    assert_eq!(ledger.register_run.editions_by_year, by_year);
    // The counterfactual ledger over the same computation, for the intensity the
    // factor-edition effect reads: the intensity and every figure it is made of are the full
    // ledger's.
    let cf = ledger.chain_counterfactual(
        &p,
        ledger.comp.clone(),
        false,
        &["intensity.ghg_per_energy"],
    );
    for name in [
        "intensity.ghg_per_energy",
        "ghg.total.location",
        "energy.total",
    ] {
        for &y in &ledger.years {
            let full = ledger.figure(name, y).unwrap();
            assert!(full.is_some(), "{name} {y}");
            assert_eq!(full, cf.figure(name, y).unwrap(), "{name} {y}");
        }
    }
    // The skipped registers (freight, products) are absent from the counterfactual.
    assert!(ledger.knows("logistics.tkm") && !cf.knows("logistics.tkm"));
}

/// Copies of a chain for facilities of the same class carry its scope 3 companions (well-to-
/// tank, T&D): 30 identical UK sites give exactly 30 times every summed figure of one site
/// (DESNZ 2025 fuels, electricity and its well-to-tank and T&D lines), including scope 3.
#[test]
fn copied_chains_keep_their_scope_3_companions() {
    let toml = r#"organisation = "Example"
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
"#;
    let site = |n: usize| {
        let mut fac = String::from("id,name,country,grid\n");
        let mut energy =
            String::from("facility,period,carrier,quantity,unit,factor,ref,note,source\n");
        for i in 0..n {
            fac.push_str(&format!("S{i},Site {i},GB,desnz:electricity_uk\n"));
            energy.push_str(&format!(
                "S{i},2025,natural_gas,120000,kWh,,GAS,,\nS{i},2025,diesel,8000,L,,FUEL,,\nS{i},2025,electricity,90000,kWh,,ELEC,,\nS{i},2025,heat,10000,kWh,,HEAT,,\n"
            ));
        }
        let dir = project(toml, &fac, &energy, None);
        let p = Project::open(&dir).unwrap();
        Ledger::compute(&p, RunOptions::default()).unwrap()
    };
    let one = site(1);
    let many = site(30);
    let mut checked = 0;
    for name in one.names() {
        let Some(carbonledger::figures::Definition::Sum { .. }) =
            carbonledger::figures::definition(&name)
        else {
            continue;
        };
        let a = one.figure(&name, 2025).unwrap().map(|f| f.value);
        let b = many.figure(&name, 2025).unwrap().map(|f| f.value);
        assert_eq!(
            b,
            a.map(|v| v * Decimal::from(30)).map(|v| v.normalize()),
            "{name}"
        );
        checked += 1;
    }
    assert!(checked > 10, "{checked}");
    assert!(one.figure("ghg.scope3", 2025).unwrap().is_some());
}

/// Every chain figure summed over the groups of chains that share a resolved body equals the
/// same figure summed chain by chain (the definition: `Measure::of_accum` of every covered
/// chain, added wide), value and exactness, for every figure name and year — on the fixture
/// (fuels with gases in CO2e, category 3 companions, refrigerants) and on 600 facilities of
/// 12 classes whose chains share bodies.
#[test]
fn grouped_chain_figures_equal_the_chain_by_chain_sums() {
    use carbonledger::decimal::WideSum;
    use carbonledger::figures::{self, ChainGroups, Definition};
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for i in 0..6_000u64 {
        let (carrier, unit) = CARRIERS[(i % 4) as usize];
        energy.push_str(&format!(
            "F{},{}-{:02},{carrier},{}.{:03},{unit},,R{i},\n",
            i % 600,
            2024 + i % 2,
            i % 12 + 1,
            i % 977 + 1,
            i % 1000
        ));
    }
    let generated = project(
        &manifest("operational_control", "2023"),
        &facilities(600),
        &energy,
        None,
    );
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
    for dir in [fixture, generated] {
        let p = Project::open(&dir).unwrap();
        let comp = compute(
            &p,
            RunOptions {
                strict: false,
                threads: 0,
            },
        )
        .unwrap();
        let groups = ChainGroups::of(&comp).unwrap();
        let mut compared = 0;
        for name in figures::names(&comp) {
            let Some(Definition::Sum { filter, measure }) = figures::definition(&name) else {
                continue;
            };
            for &year in &p.manifest.reporting_years {
                let mut wide = WideSum::default();
                let mut exact = true;
                for (c, a) in comp.chains.iter().zip(&comp.accums) {
                    if c.year == year && filter.covers(c) {
                        wide.add(measure.of_accum(c, a).unwrap()).unwrap();
                        exact &= match measure {
                            figures::Measure::Co2e | figures::Measure::GasCo2e(_) => {
                                a.inexact_rows == 0
                            }
                            figures::Measure::EnergyMwh | figures::Measure::EnergyGj => {
                                a.inexact_energy_rows == 0
                            }
                            figures::Measure::Tce => a.inexact_tce_rows == 0,
                        };
                    }
                }
                let q =
                    carbonledger::decimal::div(wide.value().unwrap(), measure.unit().1).unwrap();
                let want = (
                    q.rounded(carbonledger::decimal::FIGURE_DP),
                    exact && q.exact,
                );
                assert_eq!(
                    groups.sum(&comp, year, &filter, &measure).unwrap(),
                    want,
                    "{name} {year} in {}",
                    dir.display()
                );
                compared += 1;
            }
        }
        assert!(compared >= 20, "{compared} figures compared");
    }
}

#[test]
fn the_summing_pass_equals_the_visiting_pass_at_many_facilities() {
    // `compute` adds a linear chain's quantities and multiplies the sum out once; a visiting
    // pass (`for_each_line`, as explain and export read) calculates every row's line. Both
    // must give the same chains, sums (first bytes and months covered included), rejections
    // and accounting, with and without threads. 5,000 facilities: more than the 4,096 past
    // which `compute` reads rows in batches (`calc::run::Worker::rows`), where the visiting
    // pass reads one at a time. Months, whole years, bills split at the year end (placed
    // ahead of the batch's other rows), duplicates and rows of unknown facilities.
    let n = 5000;
    let mut energy = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for i in 0..n {
        let first = format!("F{i},2025-0{},electricity,{i}.25,MWh,,A{i},\n", i % 9 + 1);
        energy.push_str(&first);
        if i % 7 == 0 {
            energy.push_str(&format!(
                "F{i},2024-12-22..2025-01-10,natural_gas,{}.5,GJ,,B{i},\n",
                i + 1
            ));
        }
        if i % 11 == 0 {
            energy.push_str(&format!("F{i},2024,diesel,0.{i},t,,C{i},\n"));
        }
        if i % 13 == 0 {
            energy.push_str(&first);
        }
        if i % 101 == 0 {
            energy.push_str(&format!("X{i},2025-02,electricity,1,MWh,,D{i},\n"));
        }
    }
    let dir = project(
        &manifest("equity_share", "2023"),
        &facilities(n),
        &energy,
        None,
    );
    let p = Project::open(&dir).unwrap();
    for threads in [1, 2] {
        let options = RunOptions {
            strict: false,
            threads,
        };
        let summed = compute(&p, options).unwrap();
        let duplicates = &summed.duplicates;
        assert_eq!(
            duplicates.get(&InputFile::Energy).map(BTreeSet::len),
            Some(n.div_ceil(13))
        );
        let visited =
            carbonledger::calc::for_each_line(&p, options, duplicates, &mut |_| {}).unwrap();
        assert!(summed.chains.len() > n, "{} chains", summed.chains.len());
        assert_eq!(summed.chains, visited.chains, "{threads} thread(s)");
        assert_eq!(summed.accums, visited.accums, "{threads} thread(s)");
        assert_eq!(summed.outside, visited.outside, "{threads} thread(s)");
        // The duplicates' own diagnostics are added by `compute`, not by the pass over rows.
        let shown = |c: &carbonledger::calc::Computation| -> Vec<String> {
            c.diagnostics
                .iter()
                .filter(|d| d.code != "duplicate-row")
                .map(|d| format!("{d:?}"))
                .collect()
        };
        let (b, s) = (shown(&summed), shown(&visited));
        assert_eq!(b.len(), n.div_ceil(101), "{threads} thread(s)");
        assert!(
            b == s,
            "{threads} thread(s): {:?}",
            b.iter().zip(&s).find(|(x, y)| x != y)
        );
        assert_eq!(
            format!("{:?}", summed.files),
            format!("{:?}", visited.files)
        );
        assert_eq!(
            summed.rejected_rows(),
            (n.div_ceil(13) + n.div_ceil(101)) as u64
        );
    }
}
