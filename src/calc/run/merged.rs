//! A worker's per-chain sums in chain-identity order, and their merge across workers.
//!
//! Most chains are linear: their rows add a pending quantity, a row count, the months they
//! cover and a first byte, and every other sum stays zero until the chain is settled. Such a
//! chain's sums are held inline (some 50 bytes, no allocation); any other chain's whole
//! `Accum` (400 bytes) is boxed. Over 100,000 facilities a worker leaves 800,000 chains:
//! boxing each of them was a tenth of the run (the allocations on the workers, the frees on
//! the thread that assembles them).

use crate::calc::chain::{Accum, Chain, COVER_KINDS};
use crate::decimal::CalcError;
use rust_decimal::Decimal;

/// A chain and its sums.
pub(super) struct Summed {
    pub chain: Chain,
    sums: Packed,
}

impl Summed {
    pub fn new(chain: Chain, a: Accum) -> Summed {
        Summed {
            chain,
            sums: Packed::new(a),
        }
    }

    fn merge(&mut self, other: &Summed) -> Result<(), CalcError> {
        self.sums.merge(&other.sums)
    }

    /// The chain and its sums.
    pub fn into_parts(self) -> (Chain, Accum) {
        (self.chain, self.sums.accum())
    }
}

/// The sums of one chain (see the module's note).
enum Packed {
    /// Only these fields of the `Accum` are set; every other is zero (bit for bit).
    Pending {
        rows: u64,
        quantity: Decimal,
        covered: [u16; COVER_KINDS],
        first_byte: Option<u64>,
    },
    Full(Box<Accum>),
}

/// Whether `d` is the default zero, bit for bit (not `0.00` or `-0`, whose scale or sign a
/// sum would keep).
fn is_plain_zero(d: Decimal) -> bool {
    d.serialize() == [0; 16]
}

impl Packed {
    /// `a` held inline when only the pending fields are set.
    fn new(a: Accum) -> Packed {
        let zero_elsewhere = is_plain_zero(a.energy_j)
            && is_plain_zero(a.tce_kgce)
            && is_plain_zero(a.co2e_kg)
            && a.gas_kg.iter().all(|d| is_plain_zero(*d))
            && a.gas_co2e_kg.iter().all(|d| is_plain_zero(*d))
            && a.inexact_rows == 0
            && a.inexact_energy_rows == 0
            && a.inexact_tce_rows == 0
            && a.days == crate::calc::chain::Days::default();
        if zero_elsewhere {
            Packed::Pending {
                rows: a.rows,
                quantity: a.pending_quantity,
                covered: a.covered,
                first_byte: a.first_byte,
            }
        } else {
            Packed::Full(Box::new(a))
        }
    }

    /// The sums.
    fn accum(&self) -> Accum {
        match self {
            Packed::Pending {
                rows,
                quantity,
                covered,
                first_byte,
            } => Accum {
                rows: *rows,
                pending_quantity: *quantity,
                covered: *covered,
                first_byte: *first_byte,
                ..Accum::default()
            },
            Packed::Full(a) => (**a).clone(),
        }
    }

    /// Adds the sums of another part of the same chain: `Accum::merge`, field for field
    /// (two pending sums add only their pending fields, as every other is zero in both).
    fn merge(&mut self, other: &Packed) -> Result<(), CalcError> {
        match (&mut *self, other) {
            (
                Packed::Pending {
                    rows,
                    quantity,
                    covered,
                    first_byte,
                },
                Packed::Pending {
                    rows: r,
                    quantity: q,
                    covered: c,
                    first_byte: f,
                },
            ) => {
                *quantity = crate::decimal::add(*quantity, *q)?;
                *rows += r;
                for (a, b) in covered.iter_mut().zip(c) {
                    *a |= b;
                }
                *first_byte = match (*first_byte, *f) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                Ok(())
            }
            _ => {
                let mut a = self.accum();
                a.merge(&other.accum())?;
                *self = Packed::Full(Box::new(a));
                Ok(())
            }
        }
    }
}

/// The identity of a chain independent of any worker, used to merge and order results: what
/// its rows share, and its source kind (a stationary and a mobile diesel chain of one facility
/// are two chains, as are their scope 3 companions). Borrowed from the chain, so that ordering
/// hundreds of thousands of chains copies nothing.
type ChainId<'c> = (
    i32,
    usize,
    usize,
    &'c crate::activity::Subject,
    u16,
    &'c Option<crate::factors::FactorRef>,
    crate::calc::chain::SourceKind,
    Option<crate::calc::chain::SourceKind>,
);

fn chain_id(c: &Chain) -> ChainId<'_> {
    (
        c.year,
        c.facility,
        c.terms,
        &c.subject,
        c.activity_unit.index,
        &c.explicit,
        c.kind,
        c.upstream_of,
    )
}

/// Chains with their sums, in chain-identity order, each identity once.
pub(super) type SortedSums = Vec<Summed>;

/// Sorts chains by identity and adds up the sums of chains with one identity (rows that name
/// the default source and rows that leave it empty), so that no sum replaces another.
pub(super) fn sorted_sums(v: Vec<Summed>) -> Result<SortedSums, CalcError> {
    // Sorted as small keys holding the identity's leading fields (year, facility, terms), so
    // that nearly every comparison is decided without reading the chain, and the rest compare
    // the whole identity: the same order as sorting by `chain_id` alone (stable: equal
    // identities keep their order).
    let mut order: Vec<(i32, usize, usize, usize)> = v
        .iter()
        .enumerate()
        .map(|(i, e)| (e.chain.year, e.chain.facility, e.chain.terms, i))
        .collect();
    order.sort_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| chain_id(&v[a.3].chain).cmp(&chain_id(&v[b.3].chain)))
    });
    let mut slots: Vec<Option<Summed>> = v.into_iter().map(Some).collect();
    let mut out: SortedSums = Vec::with_capacity(slots.len());
    for e in order.into_iter().filter_map(|k| slots[k.3].take()) {
        match out.last_mut() {
            Some(last) if chain_id(&last.chain) == chain_id(&e.chain) => last.merge(&e)?,
            _ => out.push(e),
        }
    }
    Ok(out)
}

/// Two sorted sums merged into one, in identity order (the sums of one identity added).
pub(super) fn merge_sums(a: SortedSums, b: SortedSums) -> Result<SortedSums, CalcError> {
    let mut out: SortedSums = Vec::with_capacity(a.len().max(b.len()));
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => chain_id(&x.chain).cmp(&chain_id(&y.chain)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => return Ok(out),
        };
        match (a.next_if(|_| order.is_le()), b.next_if(|_| order.is_ge())) {
            (Some(mut x), Some(y)) => {
                x.merge(&y)?;
                out.push(x);
            }
            (Some(x), None) | (None, Some(x)) => out.push(x),
            (None, None) => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::chain::DayCover;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    /// Sums of every kind a worker leaves: pending only, pending with a scaled zero elsewhere,
    /// with energy, with days, with a flag.
    fn kinds() -> Vec<Accum> {
        let pending = Accum {
            rows: 3,
            pending_quantity: d("12.50"),
            covered: [0, 0, 0b111, 0],
            first_byte: Some(40),
            ..Accum::default()
        };
        let mut days = DayCover::default();
        days.once[0] = 0b1010;
        vec![
            pending.clone(),
            Accum {
                rows: 1,
                pending_quantity: d("0.1"),
                first_byte: Some(7),
                ..Accum::default()
            },
            Accum::default(),
            Accum {
                energy_j: d("0.000"),
                ..pending.clone()
            },
            Accum {
                co2e_kg: d("-4.2"),
                gas_kg: [d("1"), d("0"), d("0"), d("0"), d("0"), d("2.5")],
                ..pending.clone()
            },
            Accum {
                days: crate::calc::chain::Days::of(days),
                ..pending.clone()
            },
            Accum {
                inexact_rows: 1,
                ..pending.clone()
            },
        ]
    }

    /// Held inline or boxed, each kind of sums reads back bit for bit, and any two merge as
    /// `Accum::merge` merges them: every field, every decimal's scale.
    #[test]
    fn sums_read_back_and_merge_as_accum_does() {
        for a in kinds() {
            let s = Packed::new(a.clone());
            assert_eq!(format!("{:?}", s.accum()), format!("{a:?}"));
            for b in kinds() {
                let mut want = a.clone();
                want.merge(&b).unwrap_or_else(|e| panic!("{e}"));
                let mut got = Packed::new(a.clone());
                got.merge(&Packed::new(b.clone()))
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(format!("{:?}", got.accum()), format!("{want:?}"));
                assert_eq!(got.accum(), want);
            }
        }
    }

    /// Pending sums held inline are checked as `Accum::merge` checks them: past the exact
    /// range is an error, not a wrapped value.
    #[test]
    fn pending_sums_past_the_range_are_an_error() {
        let big = Accum {
            pending_quantity: Decimal::MAX,
            ..Accum::default()
        };
        let mut s = Packed::new(big.clone());
        assert!(s.merge(&Packed::new(big)).is_err());
    }
}
