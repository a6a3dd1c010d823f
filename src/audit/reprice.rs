//! Re-pricing a finished computation under changed factors without reading a row again.
//!
//! A chain's totals are sums of `quantity × ratio` (see `calc::Plan`). For a result whose
//! folded ratio terminates, the calculation summed the chain's quantities `Q` and multiplied
//! once, so the total is exactly `Q × ratio`; under a new ratio it is exactly `Q × ratio'`.
//! `Q` is recovered from any such total by one division that must be exact (checked by
//! multiplying back). Results whose ratio did not change keep their totals. Anything else —
//! a ratio that needs a division per row, a chain whose gases differ, a chain that no longer
//! resolves, rows rejected before — falls back to reading and calculating everything again.
//! Re-pricing costs one resolution per chain, independent of the number of rows.

use crate::activity::Subject;
use crate::calc::{compute, Accum, Chain, ChainSpec, Computation, Folded, RunOptions, MAX_GASES};
use crate::calc::{ResolveOptions, Resolver, SourceKind, SpecResolver};
use crate::decimal;
use crate::diag::Diagnostic;
use crate::factors::FactorRef;
use crate::project::Project;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// How the changed computation was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Every chain re-priced from its totals; no row was read again.
    Repriced {
        /// Chains whose factors changed.
        changed: usize,
        /// Chains in all.
        chains: usize,
    },
    /// Every row read and calculated again.
    Recomputed {
        /// Why re-pricing did not apply.
        reason: String,
    },
}

/// Computes `after` (the project under a change) from `before`'s computation: re-priced when
/// every changed result is linear, else recomputed from the rows (the checked fallback).
pub fn reprice_or_recompute(
    before: &Computation,
    after: &Project,
    options: RunOptions,
) -> Result<(Computation, Method), Vec<Diagnostic>> {
    match reprice(before, after, options.strict) {
        Ok((comp, changed)) => Ok((
            comp,
            Method::Repriced {
                changed,
                chains: before.chains.len(),
            },
        )),
        Err(reason) => Ok((compute(after, options)?, Method::Recomputed { reason })),
    }
}

/// Re-prices every chain of `before` under `after`'s factors; returns the computation and how
/// many chains changed, or why re-pricing does not apply.
pub fn reprice(
    before: &Computation,
    after: &Project,
    strict: bool,
) -> Result<(Computation, usize), String> {
    if before.rejected_rows() > 0 {
        return Err("rows were rejected, and a change may accept or reject others".into());
    }
    let resolver = Resolver::new(after, ResolveOptions { strict });
    let mut specs = SpecResolver::new(&resolver);
    let mut chains = Vec::with_capacity(before.chains.len());
    let mut accums = Vec::with_capacity(before.accums.len());
    let mut changed = 0;
    let mut compared = BodiesCompared::default();
    // The category 3 lines of each row chain are resolved again with it (`calc::upstream`);
    // a change that adds or removes one (a well-to-tank edition without a key) is recomputed.
    let mut notes: BTreeSet<String> = BTreeSet::new();
    let mut old_kinds: BTreeMap<RowChain, Vec<SourceKind>> = BTreeMap::new();
    for c in &before.chains {
        if let Some(k) = c.upstream_of {
            old_kinds.entry(row_chain(c, k)).or_default().push(c.kind);
        }
    }
    for (old, acc) in before.chains.iter().zip(&before.accums) {
        let r = specs.resolve_row_chain(&ChainSpec::of(old))?;
        let new = match old.upstream_of {
            None => {
                let had = old_kinds
                    .get(&row_chain(old, old.kind))
                    .map_or(&[][..], Vec::as_slice);
                let has: Vec<SourceKind> = r.companions.iter().map(|c| c.kind).collect();
                if had.iter().any(|k| !has.contains(k)) || has.iter().any(|k| !had.contains(k)) {
                    return Err("the change adds or removes a scope 3 category 3 line".into());
                }
                notes.extend(r.notes);
                r.main
            }
            Some(_) => r
                .companions
                .into_iter()
                .find(|c| c.kind == old.kind)
                .ok_or("a scope 3 category 3 line has no row chain")?,
        };
        let differ = compared.differ(old, &new);
        if differ {
            changed += 1;
        }
        // Equal folded plans give equal totals; chains calculated step by step (no plan) are
        // kept only when their factors are unchanged.
        let same = match (&old.plan, &new.plan) {
            (Some(a), Some(b)) => a == b,
            (None, None) => !differ,
            _ => false,
        };
        let acc = if same {
            acc.clone()
        } else {
            reprice_chain(old, &new, acc)?
        };
        chains.push(new);
        accums.push(acc);
    }
    // Days outside the boundary are in no figure of their year, but the base-year restatement
    // adds an acquired facility's: they are re-priced like every other chain.
    let mut outside = Vec::with_capacity(before.outside.len());
    for (old, acc) in &before.outside {
        let new = specs.resolve(&ChainSpec::of(old))?;
        let same = match (&old.plan, &new.plan) {
            (Some(a), Some(b)) => a == b,
            (None, None) => !compared.differ(old, &new),
            _ => false,
        };
        let acc = if same {
            acc.clone()
        } else {
            reprice_chain(old, &new, acc)?
        };
        outside.push((new, acc));
    }
    Ok((
        Computation {
            chains,
            accums,
            diagnostics: before.diagnostics.clone(),
            files: before.files.clone(),
            duplicates: before.duplicates.clone(),
            duplicate_candidates: before.duplicate_candidates,
            engine_rows: before.engine_rows,
            threads: before.threads,
            outside,
            notes: notes.into_iter().collect(),
        },
        changed,
    ))
}

/// What the chains of one kind of energy row share, with the source kind of the row's own
/// chain: a row chain and its category 3 lines have the same.
type RowChain = (
    i32,
    usize,
    usize,
    Subject,
    u16,
    Option<FactorRef>,
    SourceKind,
);

fn row_chain(c: &Chain, kind: SourceKind) -> RowChain {
    (
        c.year,
        c.facility,
        c.terms,
        c.subject.clone(),
        c.activity_unit.index,
        c.explicit.clone(),
        kind,
    )
}

/// `factors_differ` found once per pair of bodies (a chain's factors and share are its
/// body's): a computation over 100,000 facilities has 800,000 chains and a few dozen bodies.
/// Keyed by the bodies' addresses, so it lives no longer than the chains it compares.
#[derive(Default)]
pub struct BodiesCompared(rustc_hash::FxHashMap<(usize, usize), bool>);

impl BodiesCompared {
    /// Whether any factor reference or value of the chains differs (`factors_differ`).
    pub fn differ(&mut self, a: &Chain, b: &Chain) -> bool {
        *self
            .0
            .entry((a.body_id(), b.body_id()))
            .or_insert_with(|| factors_differ(a, b))
    }
}

/// Whether any factor reference or value of the chain differs.
pub fn factors_differ(a: &Chain, b: &Chain) -> bool {
    // Chains of one resolved body (the facilities of a class) have the same factors and share.
    if a.body_id() == b.body_id() {
        return false;
    }
    fn key(u: &crate::calc::UsedFactor) -> (&str, Decimal) {
        (&u.reference, u.value)
    }
    a.share != b.share
        || !a
            .each_used_factor()
            .map(key)
            .eq(b.each_used_factor().map(key))
}

/// The summed quantity of a chain, recovered from a linear total: `total / ratio`, exact.
fn quantity(pairs: &[(Option<Folded>, Decimal)]) -> Result<Option<Decimal>, String> {
    for (ratio, total) in pairs {
        let Some((num, per)) = ratio.map(|r| r.parts()) else {
            continue;
        };
        if per != Decimal::ONE || num.is_zero() {
            continue;
        }
        let q = decimal::div(*total, num).map_err(|e| e.to_string())?;
        if q.exact && decimal::mul(q.value, num).is_ok_and(|b| b == *total) {
            return Ok(Some(q.value));
        }
        return Err("a chain total is not its quantity times its ratio".into());
    }
    Ok(None)
}

fn reprice_chain(old: &Chain, new: &Chain, acc: &Accum) -> Result<Accum, String> {
    let (Some(op), Some(np)) = (&old.plan, &new.plan) else {
        return Err("a chain is calculated step by step (its factors do not fold)".into());
    };
    let gases = |c: &Chain| {
        c.gases
            .iter()
            .map(|g| g.gas().to_string())
            .collect::<Vec<_>>()
    };
    if gases(old) != gases(new) {
        return Err("a chain's gases differ under the change".into());
    }
    // (old ratio, new ratio, old total) for every result.
    let mut terms: Vec<(Option<Folded>, Option<Folded>, Decimal)> = vec![
        (op.energy_ratio(), np.energy_ratio(), acc.energy_j),
        (op.tce_ratio(), np.tce_ratio(), acc.tce_kgce),
    ];
    let (om, nm, oc, nc) = (
        op.gas_mass_ratios(),
        np.gas_mass_ratios(),
        op.gas_co2e_ratios(),
        np.gas_co2e_ratios(),
    );
    for i in 0..MAX_GASES {
        terms.push((om[i], nm[i], acc.gas_kg[i]));
    }
    for i in 0..MAX_GASES {
        terms.push((oc[i], nc[i], acc.gas_co2e_kg[i]));
    }
    let pairs: Vec<(Option<Folded>, Decimal)> = terms.iter().map(|(o, _, t)| (*o, *t)).collect();
    let mut q: Option<Option<Decimal>> = None;
    let mut out = Vec::with_capacity(terms.len());
    for (o, n, total) in &terms {
        if o == n {
            out.push(*total);
            continue;
        }
        let (Some(o), Some(n)) = (o, n) else {
            return Err("a chain gains or loses a result under the change".into());
        };
        let ((_, oper), (nnum, nper)) = (o.parts(), n.parts());
        if oper != Decimal::ONE || nper != Decimal::ONE {
            return Err("a changed result needs a division per row".into());
        }
        if q.is_none() {
            q = Some(quantity(&pairs)?);
        }
        let Some(Some(qv)) = q else {
            return Err("a chain's quantity cannot be recovered from its totals".into());
        };
        out.push(decimal::mul(qv, nnum).map_err(|e| e.to_string())?);
    }
    let mut a = acc.clone();
    a.energy_j = out[0];
    a.tce_kgce = out[1];
    let mut co2e = Decimal::ZERO;
    for i in 0..MAX_GASES {
        a.gas_kg[i] = out[2 + i];
        a.gas_co2e_kg[i] = out[2 + MAX_GASES + i];
    }
    // The chain's CO2e is the sum of its gases' CO2e, whatever the order rows were added in.
    for v in a.gas_co2e_kg {
        co2e = decimal::add(co2e, v).map_err(|e| e.to_string())?;
    }
    if acc.co2e_kg
        != acc
            .gas_co2e_kg
            .iter()
            .try_fold(Decimal::ZERO, |s, v| decimal::add(s, *v))
            .map_err(|e| e.to_string())?
    {
        return Err("a chain's CO2e is not the sum of its gases".into());
    }
    a.co2e_kg = co2e;
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Change;

    #[test]
    fn bodies_compared_once_agree_with_the_chains_compared_one_by_one() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
        let project = Project::open(&dir).expect("the fixture opens");
        let before = compute(&project, RunOptions::default()).expect("the fixture computes");
        // A grid value of the 2023 edition: the fixture's 2025 electricity chains change,
        // its 2024 chains and its fuels do not.
        let change = Change::parse_set("cn-mee-grid@2023:north=0.5").expect("parses");
        let after = change.apply(&project).expect("applies");
        let (repriced, changed) = reprice(&before, &after, false).expect("the fixture re-prices");
        let mut compared = BodiesCompared::default();
        let mut differ = 0;
        // Twice over, so that the second pass reads every answer from the memo.
        for _ in 0..2 {
            for (a, b) in before.chains.iter().zip(&repriced.chains) {
                assert_eq!(compared.differ(a, b), factors_differ(a, b));
                assert_eq!(compared.differ(b, a), factors_differ(b, a));
                assert!(!compared.differ(a, a));
                differ += usize::from(factors_differ(a, b));
            }
        }
        assert_eq!(differ, 2 * changed);
        assert!(changed > 0 && changed < before.chains.len());
    }
}
