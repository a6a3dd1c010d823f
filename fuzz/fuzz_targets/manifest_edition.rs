//! The manifest and factor edition files: `project::Manifest::parse` and
//! `factors::parse_edition` (an `edition.toml` and its `factors.csv`).
//!
//! Input: the first byte picks the parser (even: manifest; odd: edition); for an edition the
//! rest is split at the first NUL byte into `edition.toml` and `factors.csv`.
//!
//! Invariants checked:
//! - no panic;
//! - a diagnostic names a line within the file (0 meaning the whole file);
//! - a manifest read has its reporting years sorted without duplicates and its base year
//!   among them; an edition read has the set and edition of its folder and only factors with
//!   valid keys and non-negative values.
#![no_main]

use carbonledger::diag::Diagnostic;
use carbonledger::factors::parse_edition;
use carbonledger::project::Manifest;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fn lines_of(text: &str) -> u64 {
    text.split('\n').count() as u64
}

fn check_lines(diags: &[Diagnostic], limits: &[(&str, u64)]) {
    assert!(!diags.is_empty(), "an error without a diagnostic");
    for d in diags {
        let max = limits
            .iter()
            .find(|(name, _)| *name == &*d.span.file)
            .map(|(_, max)| *max);
        if let Some(max) = max {
            assert!(
                d.span.line <= max,
                "{} past the last line {max}: {d:?}",
                d.span
            );
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&pick, bytes)) = input.split_first() else {
        return;
    };
    if pick % 2 == 0 {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let file: Arc<str> = "carbonledger.toml".into();
        match Manifest::parse(&file, text) {
            Ok(m) => {
                assert!(m.reporting_years.windows(2).all(|w| w[0] < w[1]));
                assert!(m.reporting_years.contains(&m.base_year));
                for y in &m.reporting_years {
                    let _ = m.edition_for(*y, "cn-mee-grid");
                }
            }
            Err(d) => check_lines(&d, &[("carbonledger.toml", lines_of(text))]),
        }
    } else {
        let split = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let (toml, csv) = bytes.split_at(split);
        let csv = csv.get(1..).unwrap_or_default();
        let (Ok(toml), Ok(csv)) = (std::str::from_utf8(toml), std::str::from_utf8(csv)) else {
            return;
        };
        match parse_edition("fz/set/1", toml, csv, "fuzz") {
            Ok(e) => {
                assert_eq!((e.set.as_str(), e.edition.as_str()), ("set", "1"));
                for (k, f) in &e.factors {
                    assert_eq!(k, &f.key);
                    assert!(!f.value.is_sign_negative() || f.value.is_zero(), "{f:?}");
                }
            }
            Err(d) => check_lines(
                &d,
                &[
                    ("fz/set/1/edition.toml", lines_of(toml)),
                    ("fz/set/1/factors.csv", lines_of(csv)),
                ],
            ),
        }
    }
});
