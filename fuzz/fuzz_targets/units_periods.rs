//! Units, factor units, periods and factor references: `units::lookup`, `units::lookup_kind`,
//! `units::parse_factor_unit`, `activity::Period::parse`, `factors::FactorRef::parse`.
//!
//! Invariants checked:
//! - no panic;
//! - `lookup`: a unit found is the table's entry at its index, is found again by its canonical
//!   symbol, and only the exact (trimmed) text of a symbol or alias finds it; `lookup_kind`
//!   agrees with `lookup` for every set of one dimension;
//! - `parse_factor_unit`: the canonical text `to_text()` parses back to the same unit;
//! - `Period::parse`: agrees with a reference reading of `YYYY`, `YYYY-Qn`/`YYYY-qn`, `YYYY-MM`
//!   (years 1900–2200), and a period printed and re-parsed is the same period;
//! - `FactorRef::parse`: a reference printed and re-parsed is the same reference.
#![no_main]

use carbonledger::activity::Period;
use carbonledger::factors::FactorRef;
use carbonledger::units::{lookup, lookup_kind, parse_factor_unit, DimKind, UnitError, UNITS};
use libfuzzer_sys::fuzz_target;

fn check_unit(text: &str) {
    let t = text.trim();
    let res = lookup(text);
    let named = UNITS
        .iter()
        .position(|u| u.symbol == t || u.aliases.contains(&t));
    match (&res, named) {
        (Ok(u), Some(i)) => {
            let def = &UNITS[usize::from(u.index)];
            assert_eq!(usize::from(u.index), i, "`{t}`");
            assert_eq!(
                (def.symbol, def.kind, def.scale),
                (u.symbol, u.kind, u.scale)
            );
            let again = lookup(u.symbol).unwrap_or_else(|e| panic!("{}: {e}", u.symbol));
            assert_eq!(&again, u);
        }
        (Err(UnitError::Unknown { suggestion, .. }), None) => {
            if let Some(s) = suggestion {
                assert!(
                    lookup(s).is_ok(),
                    "suggestion `{s}` for `{t}` is not a unit"
                );
            }
        }
        (r, n) => panic!("`{t}`: lookup gave {r:?}, the table names entry {n:?}"),
    }
    for k in DimKind::ALL {
        match (lookup_kind(text, &[k]), &res) {
            (Ok(a), Ok(b)) => assert!(a == *b && b.kind == k),
            (Err(UnitError::Mismatch { found, .. }), Ok(b)) => {
                assert!(found == b.kind && b.kind != k)
            }
            (Err(UnitError::Unknown { .. }), Err(UnitError::Unknown { .. })) => {}
            (a, b) => panic!("`{t}` as {k:?}: lookup_kind {a:?}, lookup {b:?}"),
        }
    }
}

fn check_factor_unit(text: &str) {
    let Ok(u) = parse_factor_unit(text) else {
        return;
    };
    let shown = u.to_text();
    let again = parse_factor_unit(&shown).unwrap_or_else(|e| panic!("`{text}` → `{shown}`: {e}"));
    assert_eq!(again, u, "`{text}` → `{shown}`");
}

/// The reference reading of a period.
fn period(s: &str) -> Option<Period> {
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: &[u8]| -> Option<i32> {
        r.iter()
            .all(u8::is_ascii_digit)
            .then(|| r.iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0')))
    };
    let year = num(b.get(..4)?).filter(|y| (1900..=2200).contains(y))?;
    match &b[4..] {
        [] => Some(Period::Year(year)),
        [b'-', b'Q' | b'q', q @ b'1'..=b'4'] => Some(Period::Quarter(year, q - b'0')),
        [b'-', m1, m2] => {
            let m = num(&[*m1, *m2])?;
            (1..=12)
                .contains(&m)
                .then(|| Period::Month(year, u8::try_from(m).unwrap_or(0)))
        }
        _ => None,
    }
}

fn check_period(text: &str) {
    let p = Period::parse(text);
    assert_eq!(p, period(text), "`{text}`");
    if let Some(p) = p {
        assert_eq!(Period::parse(&p.to_string()), Some(p));
    }
}

fn check_ref(text: &str) {
    if let Ok(r) = FactorRef::parse(text) {
        let shown = r.to_string();
        assert_eq!(
            FactorRef::parse(&shown).ok(),
            Some(r),
            "`{text}` → `{shown}`"
        );
    }
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    check_unit(text);
    check_factor_unit(text);
    check_period(text);
    check_ref(text);
});
