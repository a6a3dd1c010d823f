//! The renewables registers' two paths (issue #16): the totals path (`figures`, `compute`:
//! entries without step texts) and the traced path (`explain`, `export`) give the same
//! entries but for the texts — the same contributions (their calculation lines included),
//! the same factor-citing steps in the same order, and the same fallback steps with their
//! text — so the totals, the editions list and the fallback warnings cannot differ.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use carbonledger::calc::{compute, RunOptions};
use carbonledger::project::Project;
use carbonledger::register::{Context, Entry, Report};
use common::every_kind::every_kind_project;
use std::path::PathBuf;

fn run(project: &Project, traced: bool) -> (Vec<Entry>, Report) {
    let comp = compute(project, RunOptions::default()).unwrap();
    let ctx = Context {
        project,
        comp: &comp,
        strict: false,
        traced,
        threads: 0,
    };
    let mut entries = Vec::new();
    let report = carbonledger::renewables::register(&ctx, &mut |e| entries.push(e));
    (entries, report)
}

/// What the totals read of an entry's steps: the factor-citing steps (label and factor) and
/// the fallback steps (label and text), in order.
fn read_by_totals(e: &Entry) -> Vec<(String, String, Option<String>)> {
    e.steps
        .iter()
        .filter(|s| s.factor.is_some() || s.label == "fallback")
        .map(|s| {
            (
                s.label.to_string(),
                if s.label == "fallback" {
                    s.text.clone()
                } else {
                    String::new()
                },
                s.factor.as_ref().map(|u| format!("{u:?}")),
            )
        })
        .collect()
}

fn assert_same_but_texts(dir: &std::path::Path, market_entries_at_least: usize) {
    let project = Project::open(dir).unwrap_or_else(|d| panic!("{d:#?}"));
    let (traced, traced_report) = run(&project, true);
    let (plain, plain_report) = run(&project, false);
    assert_eq!(
        format!("{traced_report:?}"),
        format!("{plain_report:?}"),
        "diagnostics and row counts"
    );
    assert_eq!(traced.len(), plain.len(), "entries");
    let market = traced
        .iter()
        .filter(|e| e.what.ends_with("market-based"))
        .count();
    assert!(
        market >= market_entries_at_least,
        "{market} market-based entries"
    );
    for (t, p) in traced.iter().zip(&plain) {
        assert_eq!((&t.file, t.line, &t.what), (&p.file, p.line, &p.what));
        assert_eq!(t.parts, p.parts, "{}: contributions", t.what);
        assert_eq!(
            read_by_totals(t),
            read_by_totals(p),
            "{}: cited steps",
            t.what
        );
        // A market-based entry (one per facility and year) keeps nothing else on the totals
        // path, and no factor step's text; the per-row entries (solar, instruments) are cheap
        // enough to keep whole.
        assert!(
            !p.what.ends_with("market-based")
                || p.steps
                    .iter()
                    .all(|s| s.label == "fallback" || (s.factor.is_some() && s.text.is_empty())),
            "{}: {:?}",
            p.what,
            p.steps
        );
    }
    // The traced path still explains: every market-based entry says what was consumed.
    assert!(traced
        .iter()
        .filter(|e| e.what.ends_with("market-based"))
        .all(|e| e
            .steps
            .iter()
            .any(|s| s.label == "consumed" && !s.text.is_empty())));
}

fn tmp(name: &str) -> PathBuf {
    let d = common::scratch().join(format!(
        "carbonledger-register-paths-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The reference fixture with every kind of line: certificates, a supplier rate in lb/MWh
/// (priced at the instrument's own rate), solar, abatement, a residual mix.
#[test]
fn every_kind_of_renewables_entry_is_the_same_on_both_paths() {
    let dir = every_kind_project(&tmp("every"));
    // One entry per facility-year with electricity: seven in the fixture.
    assert_same_but_texts(&dir, 7);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Australia: the renewable power percentage as an exempt share (a factor-citing step of the
/// entry itself), LGCs, and a later year whose RPP edition is the nearest one (2024): a
/// fallback, which was said only in the factor's citation (no warning, "Fallbacks: none").
#[test]
fn an_exempt_share_is_the_same_on_both_paths() {
    let dir = common::write_files(&[
        (
            "carbonledger.toml",
            "organisation = \"Example Pty Ltd\"\nreporting_years = [2024, 2025]\nbase_year = 2024\nconsolidation = \"operational_control\"\n[factors]\nfuel_emissions = \"au-nga\"\ncalorific_values = [\"au-nga\"]\nenergy_basis = \"gross\"\n[renewables.residual_mix]\nAU = \"au-nga:residual_mix\"\n[years.2024.editions]\nau-nga = \"2025\"\nau-cer-rpp = \"2024\"\nipcc-gwp = \"ar5\"\n[years.2025.editions]\nau-nga = \"2025\"\nipcc-gwp = \"ar5\"\n",
        ),
        (
            "facilities.csv",
            "id,name,country,grid\nMEL,Melbourne plant,AU,au-nga:vic\nSYD,Sydney depot,AU,au-nga:nsw_act\n",
        ),
        (
            "energy.csv",
            "facility,period,carrier,quantity,unit,factor,ref,note,source\nMEL,2024,electricity,1000,MWh,,,,\nMEL,2025,electricity,900,MWh,,,,\nSYD,2025,electricity,120.5,MWh,,,,\n",
        ),
        (
            "instruments.csv",
            "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\nL1,lgc,MEL,2024,300,MWh,AU,2024,L001..L300,,surrendered\n",
        ),
    ]);
    assert_same_but_texts(&dir, 3);
    let project = Project::open(&dir).unwrap();
    let (plain, _) = run(&project, false);
    assert!(
        plain.iter().any(|e| e
            .steps
            .iter()
            .any(|s| s.label == "exempt" && s.factor.is_some())),
        "the exempt share is cited on the totals path"
    );
    // 2025 selects no au-cer-rpp edition: the nearest (2024) is a fallback, kept with its
    // words on the totals path, warned of and listed by `compute`.
    let fallback =
        "au-cer-rpp: carbonledger.toml chooses no edition for 2025; used the nearest, 2024";
    assert!(
        plain.iter().any(|e| e
            .steps
            .iter()
            .any(|s| s.label == "fallback" && s.text == fallback)),
        "the exempt share's fallback is a step of the totals path"
    );
    let (code, out, err) = common::cli(&["compute", dir.to_str().unwrap(), "--year", "2025"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{fallback} [fallback]")), "{err}");
    assert!(
        out.contains(&format!("Fallbacks:\n  {fallback}\n")),
        "{out}"
    );
    let (code, _, err) = common::cli(&["compute", dir.to_str().unwrap(), "--strict"]);
    assert_ne!(code, 0);
    assert!(err.contains("[fallback-refused]"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
