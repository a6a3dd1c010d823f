//! A register's entries, in the order it sends them, as one 128-bit digest (XXH3), so that a
//! what-if can tell which registers give the same entries on both sides without tracing them
//! or holding either side: over 100,000 facilities the market-based register sends 200,000
//! entries. Every field an entry's equality reads is fed in (each struct destructured, so
//! that a new field does not compile until it is), so entries that differ give different
//! digests but for a 2^-128 chance. A chain's resolved body and a published value, shared by
//! the entries of many facilities, are digested once each (a body from its `Debug` text,
//! which shows every field). Decimals go in as their 16 bytes, scale included: equal values
//! of different scales give different digests, which only makes a register be compared in
//! full, never taken for unchanged.

use super::{ChainLine, Contribution, Entry, StepValue, Term, TermStep};
use crate::activity::Activity;
use crate::calc::{Chain, ChainBody, Line, Step, UsedFactor};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use xxhash_rust::xxh3::Xxh3;

/// Bodies and published values remembered at most: a register that resolves a body per entry
/// would otherwise hold every one of them (the memo keeps each alive so that its address
/// cannot be reused).
const MAX_SHARED: usize = 4096;

/// Bytes gathered before they are hashed: the fields come a few bytes at a time, and the
/// hasher's own update costs more per call than a copy.
const BUFFER: usize = 64 * 1024;

/// A hasher that gathers its input and hashes it in large pieces (the same digest as hashing
/// the bytes in one piece).
struct Gathered {
    buf: Vec<u8>,
    hash: Xxh3,
}

impl Hasher for Gathered {
    fn write(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > BUFFER {
            self.hash.update(&self.buf);
            self.buf.clear();
        }
        self.buf.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        // Not used: the digest is 128 bits (`EntryDigest::finish`).
        0
    }
}

/// The digest of a sequence of entries.
pub struct EntryDigest {
    hash: Gathered,
    bodies: FxHashMap<usize, (Arc<ChainBody>, u128)>,
    factors: FxHashMap<usize, (UsedFactor, u128)>,
}

impl Default for EntryDigest {
    fn default() -> Self {
        EntryDigest {
            hash: Gathered {
                buf: Vec::with_capacity(BUFFER),
                hash: Xxh3::new(),
            },
            bodies: FxHashMap::default(),
            factors: FxHashMap::default(),
        }
    }
}

/// Writes formatted text into a hasher.
struct HashText<'a>(&'a mut Xxh3);

impl std::fmt::Write for HashText<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

impl EntryDigest {
    /// Adds the next entry.
    pub fn add(&mut self, e: &Entry) {
        let Entry {
            file,
            line,
            what,
            steps,
            parts,
        } = e;
        file.hash(&mut self.hash);
        line.hash(&mut self.hash);
        what.hash(&mut self.hash);
        steps.len().hash(&mut self.hash);
        for s in steps {
            let Step {
                label,
                text,
                factor,
            } = s;
            label.hash(&mut self.hash);
            text.hash(&mut self.hash);
            self.maybe_factor(factor.as_ref());
        }
        parts.len().hash(&mut self.hash);
        for c in parts {
            self.contribution(c);
        }
    }

    /// The digest of the entries added so far.
    pub fn finish(&self) -> u128 {
        let mut h = self.hash.hash.clone();
        h.update(&self.hash.buf);
        h.digest128()
    }

    fn decimal(&mut self, d: &Decimal) {
        self.hash.write(&d.serialize());
    }

    fn contribution(&mut self, c: &Contribution) {
        let Contribution {
            figure,
            year,
            value,
            unit,
            basis,
            exact,
            lines,
            terms,
            restates,
            entries,
        } = c;
        figure.hash(&mut self.hash);
        year.hash(&mut self.hash);
        self.decimal(value);
        unit.hash(&mut self.hash);
        basis.is_some().hash(&mut self.hash);
        if let Some((v, u)) = basis {
            self.decimal(v);
            u.hash(&mut self.hash);
        }
        exact.hash(&mut self.hash);
        entries.hash(&mut self.hash);
        terms.len().hash(&mut self.hash);
        for t in terms {
            self.term(t);
        }
        lines.len().hash(&mut self.hash);
        for l in lines {
            let ChainLine {
                activity,
                chain,
                line,
                steps,
            } = l;
            self.activity(activity);
            self.chain(chain);
            self.line(line);
            steps.len().hash(&mut self.hash);
            for s in steps {
                self.term_step(s);
            }
        }
        restates.is_some().hash(&mut self.hash);
        if let Some(c) = restates {
            self.chain(c);
        }
    }

    fn term(&mut self, t: &Term) {
        let Term {
            quantity,
            unit,
            conversion,
            factor,
            gwp,
            steps,
            share,
            result,
        } = t;
        self.decimal(quantity);
        unit.hash(&mut self.hash);
        self.decimal(&conversion.0);
        self.decimal(&conversion.1);
        self.maybe_factor(factor.as_ref());
        self.maybe_factor(gwp.as_ref());
        steps.len().hash(&mut self.hash);
        for s in steps {
            self.term_step(s);
        }
        self.decimal(share);
        result.hash(&mut self.hash);
    }

    fn term_step(&mut self, s: &TermStep) {
        let TermStep {
            label,
            divide,
            value,
            unit,
        } = s;
        label.hash(&mut self.hash);
        divide.hash(&mut self.hash);
        match value {
            StepValue::Input { num, den, source } => {
                0u8.hash(&mut self.hash);
                self.decimal(num);
                self.decimal(den);
                source.hash(&mut self.hash);
            }
            StepValue::Factor(u) => {
                1u8.hash(&mut self.hash);
                self.factor(u);
            }
            StepValue::Reduction(a, b) => {
                2u8.hash(&mut self.hash);
                self.factor(a);
                self.factor(b);
            }
        }
        unit.hash(&mut self.hash);
    }

    fn activity(&mut self, a: &Activity) {
        let Activity {
            line,
            facility,
            period,
            subject,
            quantity,
            unit,
            qty,
            factor,
            source,
            split,
        } = a;
        line.hash(&mut self.hash);
        facility.hash(&mut self.hash);
        period.hash(&mut self.hash);
        subject.hash(&mut self.hash);
        self.decimal(quantity);
        // A unit is its place in the table; its symbol and scale follow from it.
        unit.index.hash(&mut self.hash);
        unit.kind.hash(&mut self.hash);
        qty.kind.hash(&mut self.hash);
        self.decimal(&qty.base);
        factor.hash(&mut self.hash);
        source.hash(&mut self.hash);
        split.hash(&mut self.hash);
    }

    fn line(&mut self, l: &Line) {
        let Line {
            energy_j,
            tce_kgce,
            gas_kg,
            gas_co2e_kg,
            co2e_kg,
            exact,
            exact_energy,
            exact_tce,
        } = l;
        for d in [energy_j, tce_kgce] {
            d.is_some().hash(&mut self.hash);
            if let Some(d) = d {
                self.decimal(d);
            }
        }
        for d in gas_kg.iter().chain(gas_co2e_kg) {
            self.decimal(d);
        }
        self.decimal(co2e_kg);
        [exact, exact_energy, exact_tce].hash(&mut self.hash);
    }

    fn chain(&mut self, c: &Chain) {
        c.facility.hash(&mut self.hash);
        c.terms.hash(&mut self.hash);
        c.share_reason.hash(&mut self.hash);
        let body = self.body(c);
        body.hash(&mut self.hash);
    }

    /// The digest of a chain's body, found once per body.
    fn body(&mut self, c: &Chain) -> u128 {
        if let Some((_, d)) = self.bodies.get(&c.body_id()) {
            return *d;
        }
        let mut h = Xxh3::new();
        // Writing into a hasher cannot fail.
        let _ = std::fmt::write(&mut HashText(&mut h), format_args!("{:?}", c.body()));
        let d = h.digest128();
        if self.bodies.len() >= MAX_SHARED {
            self.bodies.clear();
        }
        self.bodies.insert(c.body_id(), (c.shared_body(), d));
        d
    }

    fn maybe_factor(&mut self, f: Option<&UsedFactor>) {
        f.is_some().hash(&mut self.hash);
        if let Some(f) = f {
            self.factor(f);
        }
    }

    /// A published value as used (reference, value, unit, edition, citation), digested once
    /// per shared record.
    fn factor(&mut self, f: &UsedFactor) {
        let id = f.shared_id();
        let d = match self.factors.get(&id) {
            Some((_, d)) => *d,
            None => {
                let mut h = Xxh3::new();
                f.hash(&mut h);
                let d = h.digest128();
                if self.factors.len() >= MAX_SHARED {
                    self.factors.clear();
                }
                self.factors.insert(id, (f.clone(), d));
                d
            }
        };
        d.hash(&mut self.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::{FactorUse, Step, UsedFactor};
    use crate::register::{Term, TermStep};
    use rust_decimal::Decimal;

    fn factor(reference: &str, value: Decimal) -> UsedFactor {
        UsedFactor::from(FactorUse {
            reference: reference.into(),
            value,
            unit: "kg CO2e/tkm".into(),
            edition: "x@1".into(),
            citation: "test".into(),
        })
    }

    /// An entry of one contribution of one term: 10 tkm at `f`.
    fn entry(f: UsedFactor, value: Decimal, share: Decimal) -> Entry {
        let mut term = Term::of(Decimal::TEN, "tkm", "CO2e");
        term.factor = Some(f.clone());
        term.share = share;
        let term = term.then(TermStep::input(
            "distance",
            Decimal::ONE,
            Decimal::ONE,
            "1",
            "given".into(),
        ));
        Entry {
            file: Arc::from("shipments.csv"),
            line: 2,
            what: "leg".into(),
            steps: vec![Step {
                label: "factor".into(),
                text: String::new(),
                factor: Some(f),
            }],
            parts: vec![Contribution {
                terms: vec![term],
                ..Contribution::new("ghg.scope3.cat4", 2025, value, "t CO2e")
            }],
        }
    }

    fn digest(entries: &[Entry]) -> u128 {
        let mut d = EntryDigest::default();
        for e in entries {
            d.add(e);
        }
        d.finish()
    }

    #[test]
    fn equal_entries_give_equal_digests_and_any_difference_another() {
        let one = Decimal::ONE;
        let f = factor("x@1:road", Decimal::new(5, 2));
        let a = entry(f.clone(), one, one);
        assert_eq!(
            digest(std::slice::from_ref(&a)),
            digest(&[entry(factor("x@1:road", Decimal::new(50, 3)), one, one)])
        );
        // A factor's value, its reference alone, a value, a share, an input step, the order of
        // entries, one entry more: each gives another digest.
        let other_value = entry(factor("x@1:road", Decimal::new(6, 2)), one, one);
        let other_reference = entry(factor("x@2:road", Decimal::new(5, 2)), one, one);
        let other_figure = entry(f.clone(), Decimal::TWO, one);
        let other_share = entry(f.clone(), one, Decimal::new(5, 1));
        let mut other_what = a.clone();
        other_what.what.push('!');
        let mut other_step = a.clone();
        if let StepValue::Input { num, .. } = &mut other_step.parts[0].terms[0].steps[0].value {
            *num = Decimal::TWO;
        }
        let base = digest(&[a.clone(), other_figure.clone()]);
        for changed in [
            vec![other_value, other_figure.clone()],
            vec![other_reference, other_figure.clone()],
            vec![a.clone(), other_share],
            vec![other_what, other_figure.clone()],
            vec![other_step, other_figure.clone()],
            vec![other_figure.clone(), a.clone()],
            vec![a.clone(), other_figure.clone(), a.clone()],
            vec![a.clone()],
        ] {
            assert_ne!(digest(&changed), base, "{changed:?}");
        }
        // Past the gathering buffer, one entry more or less still shows.
        let many: Vec<Entry> = (0..2000).map(|_| a.clone()).collect();
        assert_ne!(digest(&many), digest(&many[1..]));
    }

    #[test]
    fn gathering_gives_the_digest_of_the_bytes_in_one_piece() {
        use std::hash::Hasher;
        let bytes: Vec<u8> = (0..3 * BUFFER + 17).map(|i| (i * 31 % 251) as u8).collect();
        let mut g = EntryDigest::default();
        // Pieces of 1 to 1000 bytes, so that some cross the buffer's end.
        let mut at = 0;
        let mut n = 1;
        while at < bytes.len() {
            let end = (at + n).min(bytes.len());
            g.hash.write(&bytes[at..end]);
            at = end;
            n = n * 7 % 1000 + 1;
        }
        assert_eq!(g.finish(), xxhash_rust::xxh3::xxh3_128(&bytes));
    }
}
