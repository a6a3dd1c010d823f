//! Chunked, multi-threaded reading gives exactly the results of one thread: the same figures,
//! the same diagnostics in the same order, duplicates found across chunks, and a quoted field
//! spanning a chunk boundary handled by reading the file in one piece.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use carbonledger::calc::{compute, Computation, RunOptions};
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use common::{manifest, project};

fn energy(rows: usize, quoted_newline_at: Option<usize>) -> String {
    let mut s = String::from("facility,period,carrier,quantity,unit,factor,ref,note\n");
    for i in 0..rows {
        let (carrier, unit) = match i % 3 {
            0 => ("electricity", "MWh"),
            1 => ("natural_gas", "GJ"),
            _ => ("diesel", "t"),
        };
        let fac = ["F1", "F2", "JV"][i % 3];
        // A 40 kB quoted note of 20 000 lines starting at the middle row, so it covers the midpoint.
        let big = format!("\"{}\"", "x\n".repeat(20_000));
        let note = if Some(i) == quoted_newline_at {
            big.as_str()
        } else {
            ""
        };
        s.push_str(&format!(
            "{fac},2025-{:02},{carrier},{}.{:03},{unit},,R{i},{note}\n",
            i % 12 + 1,
            i % 997 + 1,
            i % 1000
        ));
    }
    // A duplicate of the first row, at the very end (in another chunk).
    s.push_str("F1,2025-01,electricity,1.000,MWh,,R0,\n");
    // A bad row in the last chunk.
    s.push_str("F9,2025-01,electricity,1,MWh,,X,\n");
    s
}

fn run(dir: &std::path::Path, threads: usize) -> (Computation, String) {
    let p = Project::open(dir).unwrap();
    let c = compute(
        &p,
        RunOptions {
            strict: false,
            threads,
        },
    )
    .unwrap();
    let figs = Ledger::from_computation(&p, c.clone(), false)
        .figures(None)
        .unwrap();
    let text = figs
        .iter()
        .map(|f| format!("{} {} {} {}\n", f.name, f.year, f.value, f.exact))
        .collect::<String>();
    (c, text)
}

fn check_same(energy_csv: &str) {
    let fac = "id,name,country,grid,equity_share_pct\nF1,One,CN,cn-mee-grid:north,100\nF2,Two,CN,cn-mee-grid:east,100\nJV,Three,CN,cn-mee-grid:south,40\n";
    let dir = project(&manifest("equity_share", "2023"), fac, energy_csv, None);
    let (one, one_text) = run(&dir, 1);
    assert!(
        one.rejected_rows() == 2,
        "one duplicate and one unknown facility: {:?}",
        one.diagnostics
    );
    assert!(one.diagnostics.iter().any(|d| d.code == "duplicate-row"));
    for threads in [2, 3, 7] {
        let (many, many_text) = run(&dir, threads);
        assert_eq!(one_text, many_text, "figures differ with {threads} threads");
        assert_eq!(
            one.diagnostics, many.diagnostics,
            "diagnostics differ with {threads} threads"
        );
        assert_eq!(
            one.files, many.files,
            "row accounting differs with {threads} threads"
        );
        assert_eq!(one.accums, many.accums);
    }
}

#[test]
fn chunked_reading_equals_one_thread() {
    check_same(&energy(3000, None));
}

#[test]
fn quoted_newline_across_a_boundary_falls_back_to_one_piece() {
    // Put multi-line quoted fields near each likely split point.
    let text = energy(3000, Some(1500));
    let middle = text.len() / 2;
    let start = text.find("\"x\n").unwrap();
    assert!(
        start < middle && middle < start + 40_000,
        "the quoted field covers the midpoint"
    );
    check_same(&text);
}
