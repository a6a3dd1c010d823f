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

use carbonledger::activity::{Day, Period};
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

/// A reference reading of `YYYY-MM-DD` (1900–2200, a real calendar date) as (y, m, d) and
/// its day number counted from 1900-01-01 (1900 is not a leap year, 2000 is).
fn day(s: &str) -> Option<((i32, u8, u8), i64)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: &[u8]| -> Option<i64> {
        r.iter()
            .all(u8::is_ascii_digit)
            .then(|| r.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..])?);
    let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let lengths = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > lengths[m as usize - 1]
    {
        return None;
    }
    let years: i64 = (1900..y).map(|y| if leap(y) { 366 } else { 365 }).sum();
    let months: i64 = lengths[..m as usize - 1].iter().sum();
    Some(((y as i32, m as u8, d as u8), years + months + d - 1))
}

/// `Period::parse_activity` against a reference: a period of `Period::parse`, else a range
/// `FIRST..LAST` of two days with LAST not before FIRST, else one day; a day's number, date
/// and printed form agree with the reference; a period re-parses from its printed form.
fn check_activity_period(text: &str) {
    let t = text.trim();
    let p = Period::parse_activity(text);
    if let Some(q) = Period::parse(text) {
        assert_eq!(p, Some(q), "`{text}`");
        return;
    }
    let reference = match t.split_once("..") {
        Some((a, b)) => day(a.trim()).zip(day(b.trim())).filter(|(a, b)| a.1 <= b.1),
        None => day(t).map(|d| (d, d)),
    };
    match (p, reference) {
        (None, None) => {}
        (Some(Period::Days(a, b)), Some((ra, rb))) => {
            assert_eq!((a.ymd(), b.ymd()), (ra.0, rb.0), "`{text}`");
            assert_eq!(i64::from(b.0 - a.0), rb.1 - ra.1, "`{text}`: days between");
            let first = Day::parse(&a.to_string()).map(|d| d.0);
            assert_eq!(first, Some(a.0), "`{text}`: {a} does not read back");
            let again = Period::parse_activity(&Period::Days(a, b).to_string());
            assert_eq!(again, Some(Period::Days(a, b)), "`{text}`");
        }
        (p, r) => panic!("`{text}`: parse_activity gave {p:?}, the reference {r:?}"),
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
    check_activity_period(text);
    check_ref(text);
});
