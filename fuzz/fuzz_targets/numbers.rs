//! Numbers: `decimal::parse_amount` and the printed-number reader of claims
//! (`claims::Printed::parse`, with its unit reader `claims::ClaimUnit::parse`).
//!
//! Invariants checked:
//! - no panic;
//! - `parse_amount`: a value is exactly the number written (compared digit by digit with the
//!   trimmed text, independently of rust_decimal), keeps its written scale, and re-printed and
//!   re-parsed gives the same value and scale; every plain decimal (`[+-]digits[.digits]`) with
//!   at most 28 decimals and a mantissa below 2^96 is accepted;
//! - `Printed::parse`: the value's scale is the number of written decimals; the value re-printed
//!   (grouped in threes) with its qualifier word and unit parses to the same value, decimals,
//!   qualifier and unit; `implied_precision` returns for every relation;
//! - `ClaimUnit::parse`: a unit re-parsed from its own text is the same unit.
#![no_main]

use carbonledger::claims::{ClaimUnit, Printed, Relation};
use carbonledger::decimal::{group_thousands, parse_amount};
use libfuzzer_sys::fuzz_target;

/// The digits of a plain decimal text, as (negative, integer digits, fraction digits).
fn plain(s: &str) -> Option<(bool, &str, &str)> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()))
        .then_some((neg, int, frac))
}

/// The canonical text of a number from its digits: no leading zeros, no trailing fraction
/// zeros, no sign on zero.
fn canonical(neg: bool, int: &str, frac: &str) -> String {
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    let sign = if neg && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

fn check_amount(text: &str) {
    let res = parse_amount(text);
    let t = text.trim();
    if let Ok(d) = res {
        let (neg, int, frac) = plain(t).unwrap_or_else(|| panic!("`{t}` accepted as {d}"));
        let shown = d.to_string();
        let (sn, si, sf) = plain(&shown).unwrap_or_else(|| panic!("{d} prints as `{shown}`"));
        assert_eq!(
            canonical(neg, int, frac),
            canonical(sn, si, sf),
            "`{t}` read as {d}"
        );
        if frac.len() <= 28 {
            assert_eq!(
                d.scale() as usize,
                frac.len(),
                "`{t}` read with scale {}",
                d.scale()
            );
        }
        let again = parse_amount(&shown).unwrap_or_else(|e| panic!("{shown} re-parsed: {e}"));
        assert_eq!(
            (again, again.scale()),
            (d, d.scale()),
            "`{shown}` re-parsed"
        );
    } else if let Some((_, int, frac)) = plain(t) {
        // 2^96 − 1 = 79228162514264337593543950335 (29 digits).
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        let max = "79228162514264337593543950335";
        let fits = digits.len() < max.len() || (digits.len() == max.len() && digits <= max);
        assert!(
            !(frac.len() <= 28 && fits),
            "`{t}` is a plain decimal that fits but was refused: {res:?}"
        );
    }
}

const RELATIONS: [Relation; 3] = [Relation::About, Relation::Exact, Relation::Over];

fn check_printed(text: &str) {
    let Ok(p) = Printed::parse(text) else {
        return;
    };
    for r in RELATIONS {
        let _ = p.implied_precision(r);
    }
    if p.decimals <= 28 {
        assert_eq!(
            p.value.scale(),
            p.decimals,
            "`{text}`: {} has {} decimals",
            p.value,
            p.decimals
        );
    }
    let number = group_thousands(&p.value.to_string());
    let rebuilt = match &p.qualifier {
        None => format!("{number} {}", p.unit.text),
        Some((w, _)) if w == "余" || w == "多" => format!("{number}{w} {}", p.unit.text),
        Some((w, _)) if w == "以上" || w == "以下" => format!("{number} {}{w}", p.unit.text),
        Some((w, _)) => format!("{w}{number} {}", p.unit.text),
    };
    let q = Printed::parse(&rebuilt)
        .unwrap_or_else(|e| panic!("`{text}` read as {p:?}; re-printed `{rebuilt}`: {e}"));
    assert_eq!(
        (&q.qualifier, q.value, q.value.scale(), q.decimals, &q.unit),
        (&p.qualifier, p.value, p.value.scale(), p.decimals, &p.unit),
        "`{text}` re-printed as `{rebuilt}`"
    );
    if !p.value.is_zero() {
        assert_eq!(
            q.trailing_zeros, p.trailing_zeros,
            "`{text}` re-printed as `{rebuilt}`"
        );
    }
}

fn check_unit(text: &str) {
    let Ok(u) = ClaimUnit::parse(text) else {
        return;
    };
    let again = ClaimUnit::parse(&u.text).unwrap_or_else(|e| panic!("`{}`: {e}", u.text));
    assert_eq!(again, u);
    let _ = u.comparable_to(&u);
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    check_amount(text);
    check_printed(text);
    check_unit(text);
});
