//! Comparing two editions of a set, value by value.

use super::library::Edition;
use rust_decimal::Decimal;

/// One key's change between two editions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditionChange {
    /// Present only in the newer edition.
    Added {
        /// Key.
        key: String,
        /// Value in the newer edition.
        value: Decimal,
        /// Its unit.
        unit: String,
    },
    /// Present only in the older edition.
    Removed {
        /// Key.
        key: String,
        /// Value in the older edition.
        value: Decimal,
        /// Its unit.
        unit: String,
    },
    /// Present in both with a different value or unit.
    Changed {
        /// Key.
        key: String,
        /// Older value.
        from: Decimal,
        /// Newer value.
        to: Decimal,
        /// Older unit.
        unit_from: String,
        /// Newer unit.
        unit_to: String,
    },
}

/// Lists every key whose value or unit differs between `a` and `b`, in key order.
pub fn diff_editions(a: &Edition, b: &Edition) -> Vec<EditionChange> {
    let mut out = Vec::new();
    for (k, fa) in &a.factors {
        match b.factors.get(k) {
            None => out.push(EditionChange::Removed {
                key: k.clone(),
                value: fa.value,
                unit: fa.unit_text.clone(),
            }),
            Some(fb) if fa.value != fb.value || fa.unit != fb.unit => {
                out.push(EditionChange::Changed {
                    key: k.clone(),
                    from: fa.value,
                    to: fb.value,
                    unit_from: fa.unit_text.clone(),
                    unit_to: fb.unit_text.clone(),
                })
            }
            Some(_) => {}
        }
    }
    for (k, fb) in &b.factors {
        if !a.factors.contains_key(k) {
            out.push(EditionChange::Added {
                key: k.clone(),
                value: fb.value,
                unit: fb.unit_text.clone(),
            });
        }
    }
    out.sort_by(|x, y| key_of(x).cmp(key_of(y)));
    out
}

fn key_of(c: &EditionChange) -> &str {
    match c {
        EditionChange::Added { key, .. }
        | EditionChange::Removed { key, .. }
        | EditionChange::Changed { key, .. } => key,
    }
}
