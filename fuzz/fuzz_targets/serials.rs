//! Certificate serial lists: `renewables::parse_serials`.
//!
//! Invariants checked:
//! - no panic;
//! - every run read has 1–30 digits, `first ≤ last`, a prefix that does not end in a digit,
//!   and a count that does not overflow;
//! - the runs printed back (`PREFIX00001..PREFIX00500; …`, zero-padded to their width) parse to
//!   the same runs, and so does each run on its own;
//! - one run per non-empty `;` item, in order.
#![no_main]

use carbonledger::renewables::{parse_serials, SerialRun};
use libfuzzer_sys::fuzz_target;

fn show(r: &SerialRun) -> String {
    let w = r.width;
    if r.first == r.last {
        format!("{}{:0w$}", r.prefix, r.first)
    } else {
        format!("{p}{:0w$}..{p}{:0w$}", r.first, r.last, p = r.prefix)
    }
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Ok(runs) = parse_serials(text) else {
        return;
    };
    let items = text.split(';').filter(|s| !s.trim().is_empty()).count();
    assert_eq!(runs.len(), items, "`{text}`: {runs:?}");
    for r in &runs {
        assert!((1..=30).contains(&r.width), "{r:?}");
        assert!(r.first <= r.last, "{r:?}");
        assert!(!r.prefix.ends_with(|c: char| c.is_ascii_digit()), "{r:?}");
        assert!(r.last < 10u128.pow(r.width as u32), "{r:?}");
        let _ = r.count();
        let alone =
            parse_serials(&show(r)).unwrap_or_else(|e| panic!("{r:?} → `{}`: {e}", show(r)));
        assert_eq!(alone, vec![r.clone()], "`{}`", show(r));
    }
    let shown = runs.iter().map(show).collect::<Vec<_>>().join("; ");
    let again = parse_serials(&shown).unwrap_or_else(|e| panic!("`{text}` → `{shown}`: {e}"));
    assert_eq!(again, runs, "`{text}` → `{shown}`");
});
