//! `claims.toml`: `claims::parse_claims`.
//!
//! Invariants checked:
//! - no panic;
//! - every diagnostic names a line within the file (0 meaning the whole file);
//! - claims read have distinct, non-empty ids and at least one check each, and each check's
//!   precision is positive.
#![no_main]

use carbonledger::claims::parse_claims;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use std::sync::Arc;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let file: Arc<str> = "claims.toml".into();
    let lines = text.split('\n').count() as u64;
    match parse_claims(&file, text) {
        Ok(f) => {
            let mut ids = BTreeSet::new();
            for c in &f.claims {
                assert!(!c.id.is_empty());
                assert!(ids.insert(c.id.clone()), "claim `{}` twice", c.id);
                for k in &c.checks {
                    assert!(
                        k.precision.is_sign_positive() && !k.precision.is_zero(),
                        "{k:?}"
                    );
                }
            }
        }
        Err(d) => {
            assert!(!d.is_empty(), "an error without a diagnostic");
            for d in &d {
                assert!(
                    d.span.line <= lines,
                    "{} past the last line {lines}: {d:?}",
                    d.span
                );
            }
        }
    }
});
