//! A worker's per-chain sums in chain-identity order, and their merge across workers.
//!
//! Most chains are linear: their rows add a pending quantity, a row count, the months they
//! cover and a first byte, and every other sum stays zero until the chain is settled. Such a
//! chain's sums are held inline (some 50 bytes); any other chain's whole `Accum` (320 bytes)
//! is kept in its worker's list of full sums, by index. Over 100,000 facilities a worker
//! leaves 800,000 chains: a box for each was a tenth of a run (allocated on the workers,
//! freed on the threads that merge them, which contended for the allocator's lock).

use crate::calc::chain::{Accum, Chain, COVER_KINDS};
use crate::decimal::CalcError;
use rust_decimal::Decimal;

/// A chain and its sums.
pub(super) struct Summed {
    pub chain: Chain,
    sums: Packed,
}

/// The sums of one chain (see the module's note).
#[derive(Clone, Copy)]
enum Packed {
    Pending(Pending),
    /// At this index of its run's full sums.
    Full(usize),
}

/// The only fields of an `Accum` set by the rows of a linear chain; every other is zero (bit
/// for bit).
#[derive(Clone, Copy)]
struct Pending {
    rows: u64,
    quantity: Decimal,
    covered: [u16; COVER_KINDS],
    first_byte: Option<u64>,
}

/// Whether `d` is the default zero, bit for bit (not `0.00` or `-0`, whose scale or sign a
/// sum would keep).
fn is_plain_zero(d: Decimal) -> bool {
    d.serialize() == [0; 16]
}

impl Pending {
    /// `a`'s pending fields, when every other field is zero.
    fn of(a: &Accum) -> Option<Pending> {
        let zero_elsewhere = is_plain_zero(a.energy_j)
            && is_plain_zero(a.tce_kgce)
            && is_plain_zero(a.co2e_kg)
            && a.gas_kg.iter().all(|d| is_plain_zero(*d))
            && a.gas_co2e_kg.iter().all(|d| is_plain_zero(*d))
            && a.inexact_rows == 0
            && a.inexact_energy_rows == 0
            && a.inexact_tce_rows == 0
            && a.days == crate::calc::chain::Days::default();
        zero_elsewhere.then_some(Pending {
            rows: a.rows,
            quantity: a.pending_quantity,
            covered: a.covered,
            first_byte: a.first_byte,
        })
    }

    /// The sums.
    fn accum(&self) -> Accum {
        Accum {
            rows: self.rows,
            pending_quantity: self.quantity,
            covered: self.covered,
            first_byte: self.first_byte,
            ..Accum::default()
        }
    }

    /// `Accum::merge` of two pending sums: only their pending fields, as every other is zero
    /// in both.
    fn merge(&mut self, o: &Pending) -> Result<(), CalcError> {
        self.quantity = crate::decimal::add(self.quantity, o.quantity)?;
        self.rows += o.rows;
        for (a, b) in self.covered.iter_mut().zip(o.covered) {
            *a |= b;
        }
        self.first_byte = match (self.first_byte, o.first_byte) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(())
    }
}

/// The sums of one identity while its parts are added up. Held inline: it lives while one
/// identity is merged.
#[allow(clippy::large_enum_variant)] // one at a time, on the stack
enum Sum {
    Pending(Pending),
    Full(Accum),
}

impl Sum {
    /// The sums `p`, whose full sums (if any) are in `full`.
    fn of(p: Packed, full: &[Accum]) -> Sum {
        match p {
            Packed::Pending(p) => Sum::Pending(p),
            Packed::Full(i) => Sum::Full(full[i].clone()),
        }
    }

    /// Adds another part `p` (full sums in `full`), as `Accum::merge` adds.
    fn merge(&mut self, p: Packed, full: &[Accum]) -> Result<(), CalcError> {
        match (&mut *self, p) {
            (Sum::Pending(a), Packed::Pending(b)) => a.merge(&b),
            (Sum::Full(a), Packed::Pending(b)) => a.merge(&b.accum()),
            (Sum::Full(a), Packed::Full(i)) => a.merge(&full[i]),
            (Sum::Pending(a), Packed::Full(i)) => {
                let mut sum = a.accum();
                sum.merge(&full[i])?;
                *self = Sum::Full(sum);
                Ok(())
            }
        }
    }

    fn accum(self) -> Accum {
        match self {
            Sum::Pending(p) => p.accum(),
            Sum::Full(a) => a,
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

/// The part of a chain's identity that is its body's: `chain_id` without the year, facility
/// and terms it starts with.
fn rest_id(c: &Chain) -> RestId<'_> {
    let (_, _, _, subject, unit, explicit, kind, upstream_of) = chain_id(c);
    (subject, unit, explicit, kind, upstream_of)
}

type RestId<'c> = (
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

/// A worker's chains and sums as they are made, packed (see the module's note).
#[derive(Default)]
pub(super) struct Packer {
    sums: Vec<Summed>,
    full: Vec<Accum>,
}

/// A packer's chains in chain-identity order, each identity once (`Packer::sorted`).
#[derive(Default)]
pub(super) struct SortedSums(Packer);

impl Packer {
    pub fn with_capacity(n: usize) -> Packer {
        Packer {
            sums: Vec::with_capacity(n),
            full: Vec::new(),
        }
    }

    /// A packer whose full sums start as `full` (a worker's sums of the chains its rows
    /// touched), so that they are not copied: each is handed over by its index (`push_at`).
    pub fn over(full: Vec<Accum>, n: usize) -> Packer {
        Packer {
            sums: Vec::with_capacity(n),
            full,
        }
    }

    /// The full sums at `i` (see `over`).
    pub fn full_mut(&mut self, i: usize) -> &mut Accum {
        &mut self.full[i]
    }

    /// A chain whose sums, now final, are the full sums at `i` (see `over`).
    pub fn push_at(&mut self, chain: Chain, i: usize) {
        let sums = match Pending::of(&self.full[i]) {
            Some(p) => Packed::Pending(p),
            None => Packed::Full(i),
        };
        self.sums.push(Summed { chain, sums });
    }

    /// A chain whose rows only added a pending quantity, a count, the months they cover and
    /// a first byte.
    pub fn push_pending(
        &mut self,
        chain: Chain,
        (rows, quantity): (u64, Decimal),
        covered: [u16; COVER_KINDS],
        first_byte: Option<u64>,
    ) {
        let p = Pending {
            rows,
            quantity,
            covered,
            first_byte,
        };
        self.sums.push(Summed {
            chain,
            sums: Packed::Pending(p),
        });
    }

    /// A chain and its sums.
    pub fn push(&mut self, chain: Chain, a: Accum) {
        let sums = match Pending::of(&a) {
            Some(p) => Packed::Pending(p),
            None => {
                self.full.push(a);
                Packed::Full(self.full.len() - 1)
            }
        };
        self.sums.push(Summed { chain, sums });
    }

    /// Sorted by identity, the sums of chains with one identity (rows that name the default
    /// source and rows that leave it empty) added up, so that no sum replaces another.
    pub fn sorted(self) -> Result<SortedSums, CalcError> {
        let Packer { sums: v, mut full } = self;
        // Sorted as small keys that decide the whole identity: its leading fields (year,
        // facility, terms), then the rank of the rest of it (`rest_id`) among the worker's
        // bodies (a chain's rest is its body's: a few hundred bodies for 800,000 chains), then
        // the chain's place, so that equal identities keep their order. The same order as a
        // stable sort by `chain_id`, without reading a chain in a comparison.
        let mut order: Vec<(i32, usize, usize, u32, usize)> = {
            let mut body_of: rustc_hash::FxHashMap<usize, usize> = Default::default();
            let mut bodies: Vec<&Chain> = Vec::new();
            let body: Vec<usize> = v
                .iter()
                .map(|e| {
                    *body_of.entry(e.chain.body_id()).or_insert_with(|| {
                        bodies.push(&e.chain);
                        bodies.len() - 1
                    })
                })
                .collect();
            let mut by_rest: Vec<usize> = (0..bodies.len()).collect();
            by_rest.sort_by(|a, b| rest_id(bodies[*a]).cmp(&rest_id(bodies[*b])));
            // Dense ranks: bodies whose rests are equal rank equal.
            let mut rank = vec![0u32; bodies.len()];
            let mut r = 0u32;
            for (k, pair) in by_rest.windows(2).enumerate() {
                if rest_id(bodies[pair[0]]) != rest_id(bodies[pair[1]]) {
                    r += 1;
                }
                rank[by_rest[k + 1]] = r;
            }
            v.iter()
                .zip(body)
                .enumerate()
                .map(|(i, (e, b))| (e.chain.year, e.chain.facility, e.chain.terms, rank[b], i))
                .collect()
        };
        order.sort_unstable();
        let mut slots: Vec<Option<Summed>> = v.into_iter().map(Some).collect();
        let mut out: Vec<Summed> = Vec::with_capacity(slots.len());
        for e in order.into_iter().filter_map(|k| slots[k.4].take()) {
            match out.last_mut() {
                Some(last) if chain_id(&last.chain) == chain_id(&e.chain) => {
                    last.sums = add(last.sums, e.sums, &mut full)?;
                }
                _ => out.push(e),
            }
        }
        Ok(SortedSums(Packer { sums: out, full }))
    }
}

/// `more` added to `into`, as `Accum::merge` adds, their full sums (if any) in `full`: the sum
/// is full where either part was, and kept at that part's index (the other's is left unused).
fn add(into: Packed, more: Packed, full: &mut [Accum]) -> Result<Packed, CalcError> {
    Ok(match (into, more) {
        (Packed::Pending(mut a), Packed::Pending(b)) => {
            a.merge(&b)?;
            Packed::Pending(a)
        }
        (Packed::Full(i), Packed::Pending(b)) => {
            full[i].merge(&b.accum())?;
            Packed::Full(i)
        }
        (Packed::Pending(a), Packed::Full(j)) => {
            let mut sum = a.accum();
            sum.merge(&full[j])?;
            full[j] = sum;
            Packed::Full(j)
        }
        (Packed::Full(i), Packed::Full(j)) => {
            let b = std::mem::take(&mut full[j]);
            full[i].merge(&b)?;
            Packed::Full(i)
        }
    })
}

/// A chain whose total cannot be held exactly, where its sums were added up.
#[derive(Debug)]
pub(super) struct Unheld {
    pub chain: Chain,
    pub error: String,
}

/// Sorted sums not yet merged (a worker's, a file's). Parts are merged once, at the end, on
/// every thread (`merge_runs`): merging each pair as it came was a serial pass over every
/// chain per worker and per file.
#[derive(Default)]
pub(super) struct Runs(Vec<SortedSums>);

/// More runs than this are merged as they come, so that a folder of many files holds one
/// copy of each chain's sums, not one per file.
const MAX_RUNS: usize = 4;

impl Runs {
    /// One worker's sums.
    pub fn of(sums: SortedSums) -> Runs {
        Runs(vec![sums])
    }

    /// The runs of `other` after these.
    pub fn append(&mut self, other: Runs) -> Result<(), Unheld> {
        self.0.extend(other.0);
        if self.0.len() > MAX_RUNS {
            let all = std::mem::take(self);
            let merged = merge_runs(all, 1, Packer::default, |out: &mut Packer, c, a| {
                out.push(c, a);
                Ok(())
            })?;
            // One range: its chains are in identity order, each once.
            self.0.extend(merged.into_iter().map(SortedSums));
        }
        Ok(())
    }

    /// Sums in every run (an identity in several runs counts once in each).
    fn len(&self) -> usize {
        self.0.iter().map(|r| r.0.sums.len()).sum()
    }
}

/// Every run merged in identity order, each identity's sums of every run added (in the runs'
/// order) and handed to `push` with a sink of its range. The identities are split into up to
/// `threads` ranges at pivots taken from the longest run, each range merged on its own thread
/// into a sink made by `sink`; the sinks come back in order. Each identity is merged and
/// pushed before the next, so the error returned, the first in identity order, is the same
/// whatever the number of threads.
pub(super) fn merge_runs<S: Send>(
    runs: Runs,
    threads: usize,
    sink: impl Fn() -> S + Sync,
    push: impl Fn(&mut S, Chain, Accum) -> Result<(), Unheld> + Sync,
) -> Result<Vec<S>, Unheld> {
    // A range per thread only pays for itself over many chains.
    const PER_THREAD: usize = 1 << 14;
    let threads = threads.clamp(1, runs.len() / PER_THREAD + 1);
    let (lists, full): (Vec<Vec<Summed>>, Vec<Vec<Accum>>) =
        runs.0.into_iter().map(|r| (r.0.sums, r.0.full)).unzip();
    let ranges = split(lists, threads);
    let full = &full;
    if ranges.len() <= 1 {
        return ranges
            .into_iter()
            .map(|r| merge_range(r, full, &sink, &push))
            .collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|r| {
                let (sink, push) = (&sink, &push);
                scope.spawn(move || merge_range(r, full, sink, push))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The runs' lists cut into `n` ranges of identities (each a list per run, in the runs'
/// order): pivots at even places of the longest list, every list cut before its first
/// identity not less than each pivot.
fn split(lists: Vec<Vec<Summed>>, n: usize) -> Vec<Vec<Vec<Summed>>> {
    let longest = lists
        .iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.len(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let cuts: Vec<Vec<usize>> = match longest {
        Some(l) if n > 1 => {
            let pivots: Vec<&Chain> = (1..n)
                .filter_map(|k| lists[l].get(lists[l].len() * k / n))
                .map(|s| &s.chain)
                .collect();
            lists
                .iter()
                .map(|r| {
                    pivots
                        .iter()
                        .map(|p| r.partition_point(|s| chain_id(&s.chain) < chain_id(p)))
                        .collect()
                })
                .collect()
        }
        _ => return vec![lists],
    };
    let mut ranges: Vec<Vec<Vec<Summed>>> = (0..n).map(|_| Vec::new()).collect();
    for (mut list, cuts) in lists.into_iter().zip(cuts) {
        // From the last cut back, so that each tail is split off what remains of the list.
        let mut tails = Vec::with_capacity(cuts.len());
        for &cut in cuts.iter().rev() {
            tails.push(list.split_off(cut.min(list.len())));
        }
        // What was split off is given back (a large list shrinks in place).
        list.shrink_to_fit();
        ranges[0].push(list);
        for (range, tail) in ranges.iter_mut().skip(1).zip(tails.into_iter().rev()) {
            range.push(tail);
        }
    }
    ranges
}

/// One range of identities merged (see `merge_runs`): `lists[k]` is run `k`'s part of the
/// range, its full sums in `full[k]`.
fn merge_range<S>(
    lists: Vec<Vec<Summed>>,
    full: &[Vec<Accum>],
    sink: &impl Fn() -> S,
    push: &impl Fn(&mut S, Chain, Accum) -> Result<(), Unheld>,
) -> Result<S, Unheld> {
    let mut out = sink();
    let mut runs: Vec<std::vec::IntoIter<Summed>> = lists.into_iter().map(Vec::into_iter).collect();
    let no_full: &[Accum] = &[];
    let full_of = |k: usize| full.get(k).map_or(no_full, Vec::as_slice);
    loop {
        // The least identity at the head of a run, and the first run that has it.
        let mut least: Option<(usize, &Summed)> = None;
        for (i, run) in runs.iter().enumerate() {
            let Some(head) = run.as_slice().first() else {
                continue;
            };
            if least.is_none_or(|(_, l)| chain_id(&head.chain) < chain_id(&l.chain)) {
                least = Some((i, head));
            }
        }
        let Some(l) = least.map(|(l, _)| l) else {
            return Ok(out);
        };
        let Some(first) = runs[l].next() else {
            return Ok(out);
        };
        let mut sum = Sum::of(first.sums, full_of(l));
        for (k, run) in runs.iter_mut().enumerate().skip(l + 1) {
            let same = run
                .as_slice()
                .first()
                .is_some_and(|s| chain_id(&s.chain) == chain_id(&first.chain));
            if !same {
                continue;
            }
            if let Some(Err(e)) = run.next().map(|more| sum.merge(more.sums, full_of(k))) {
                return Err(Unheld {
                    chain: first.chain,
                    error: e.to_string(),
                });
            }
        }
        push(&mut out, first.chain, sum.accum())?;
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

    /// A chain of `facility` (every other part of its identity the same).
    fn chain(facility: usize) -> Chain {
        chain_of(2025, facility, 0, "SF6")
    }

    /// A chain of `gas` at `facility` under its terms `terms` in `year`, with a body of its
    /// own.
    fn chain_of(year: i32, facility: usize, terms: usize, gas: &str) -> Chain {
        let unit = crate::units::lookup("kWh").unwrap_or_else(|e| panic!("{e}"));
        Chain::new(
            facility,
            terms,
            "",
            crate::calc::chain::ChainBody {
                year,
                subject: crate::activity::Subject::Gas(gas.into()),
                explicit: None,
                scope: crate::activity::Scope::Scope1,
                kind: crate::calc::chain::SourceKind::Fugitive,
                activity_kind: crate::units::DimKind::Energy,
                activity_unit: unit,
                share: Decimal::ONE,
                energy: crate::calc::chain::EnergyConv::Direct,
                gases: Vec::new(),
                tce: None,
                fallbacks: Vec::new(),
                plan: None,
                upstream_of: None,
            },
        )
    }

    /// Runs of the sums `parts` (run k: chain `facility` with sums `parts[k]` for each
    /// facility), merged on `threads` threads: every chain and its sums, in order.
    fn merged(runs: Vec<Vec<(usize, Accum)>>, threads: usize) -> Vec<(usize, Accum)> {
        let mut all = Runs::default();
        for run in runs {
            let mut p = Packer::default();
            for (f, a) in run {
                p.push(chain(f), a);
            }
            let sorted = p.sorted().unwrap_or_else(|e| panic!("{e}"));
            all.append(Runs::of(sorted))
                .unwrap_or_else(|u| panic!("{u:?}"));
        }
        merge_runs(
            all,
            threads,
            Vec::new,
            |out: &mut Vec<(usize, Accum)>, c, a| {
                out.push((c.facility, a));
                Ok(())
            },
        )
        .unwrap_or_else(|u| panic!("{u:?}"))
        .into_iter()
        .flatten()
        .collect()
    }

    /// Held inline or in the full sums, each kind of sums reads back bit for bit, and any two
    /// parts of a chain merge as `Accum::merge` merges them: every field, every decimal's
    /// scale; within one worker's list (`Packer::sorted`) and across runs.
    #[test]
    fn sums_read_back_and_merge_as_accum_does() {
        for a in kinds() {
            let back = merged(vec![vec![(0, a.clone())]], 1);
            assert_eq!(format!("{back:?}"), format!("{:?}", vec![(0, a.clone())]));
            for b in kinds() {
                let mut want = a.clone();
                want.merge(&b).unwrap_or_else(|e| panic!("{e}"));
                let want = vec![(0, want)];
                let across = merged(vec![vec![(0, a.clone())], vec![(0, b.clone())]], 1);
                assert_eq!(format!("{across:?}"), format!("{want:?}"));
                let within = merged(vec![vec![(0, a.clone()), (0, b.clone())]], 1);
                assert_eq!(format!("{within:?}"), format!("{want:?}"));
            }
        }
    }

    /// Many runs (more than are kept apart) over many chains, each chain in some of them:
    /// merged on 1, 2 and 3 threads, every chain once, in order, with the sum of its parts in
    /// the runs' order (computed here one `Accum::merge` at a time).
    #[test]
    fn runs_merge_alike_on_any_number_of_threads() {
        let kinds = kinds();
        let chains = 40_000;
        let runs: Vec<Vec<(usize, Accum)>> = (0..7)
            .map(|r| {
                (0..chains)
                    .filter(|f| (f + r) % 3 != 0)
                    .map(|f| (f, kinds[(f * 7 + r) % kinds.len()].clone()))
                    .rev()
                    .collect()
            })
            .collect();
        let mut want: Vec<Option<Accum>> = vec![None; chains];
        for run in &runs {
            for (f, a) in run {
                match &mut want[*f] {
                    Some(w) => w.merge(a).unwrap_or_else(|e| panic!("{e}")),
                    w => *w = Some(a.clone()),
                }
            }
        }
        let want: Vec<(usize, Accum)> = want
            .into_iter()
            .enumerate()
            .filter_map(|(f, a)| a.map(|a| (f, a)))
            .collect();
        for threads in [1, 2, 3] {
            let got = merged(runs.clone(), threads);
            assert_eq!(got.len(), want.len());
            assert!(got == want, "{threads} threads");
        }
    }

    /// A worker's chains come out in the order of a stable sort by identity, each identity
    /// once with its parts added in the order they were made: chains that differ in any part
    /// of their identity (year, facility, terms, gas), and identities made more than once
    /// with bodies of their own (as rows that name the default source and rows that leave it
    /// empty are).
    #[test]
    fn a_workers_chains_are_sorted_by_identity_and_merged() {
        let gases = ["SF6", "HFC-134a", "CF4"];
        let kinds = kinds();
        // Every identity of 2 years × 40 facilities × 2 terms × 3 gases, some twice, in a
        // shuffled order (a stride prime to the count).
        let mut made: Vec<(Chain, Accum)> = Vec::new();
        let count = 2 * 40 * 2 * 3;
        for k in (0..count * 2).map(|i| (i * 37) % (count * 2)) {
            let id = k % count;
            if k >= count && id % 5 != 0 {
                continue;
            }
            let (year, rest) = (2024 + (id / 240) as i32, id % 240);
            let c = chain_of(year, rest / 6, (rest / 3) % 2, gases[rest % 3]);
            made.push((c, kinds[k % kinds.len()].clone()));
        }
        let mut want: Vec<(Chain, Accum)> = Vec::new();
        let mut by_id: Vec<usize> = (0..made.len()).collect();
        by_id.sort_by(|a, b| chain_id(&made[*a].0).cmp(&chain_id(&made[*b].0)));
        for i in by_id {
            let (c, a) = &made[i];
            match want.last_mut() {
                Some((w, sum)) if chain_id(w) == chain_id(c) => {
                    sum.merge(a).unwrap_or_else(|e| panic!("{e}"))
                }
                _ => want.push((c.clone(), a.clone())),
            }
        }
        let mut p = Packer::default();
        for (c, a) in &made {
            p.push(c.clone(), a.clone());
        }
        let SortedSums(got) = p.sorted().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.sums.len(), want.len());
        assert!(want.len() < made.len());
        for (g, (c, a)) in got.sums.iter().zip(&want) {
            assert!(chain_id(&g.chain) == chain_id(c));
            let sum = Sum::of(g.sums, &got.full).accum();
            assert_eq!(format!("{sum:?}"), format!("{a:?}"));
        }
    }

    /// Sums past the exact range are an error, not a wrapped value: inline, in the full
    /// sums, and across runs (naming the chain).
    #[test]
    fn sums_past_the_range_are_an_error() {
        let big = Accum {
            pending_quantity: Decimal::MAX,
            ..Accum::default()
        };
        let full = Accum {
            co2e_kg: Decimal::MAX,
            ..Accum::default()
        };
        for a in [big, full] {
            let mut p = Packer::default();
            p.push(chain(3), a.clone());
            p.push(chain(3), a.clone());
            assert!(p.sorted().is_err());
            let mut all = Runs::default();
            for _ in 0..2 {
                let mut p = Packer::default();
                p.push(chain(3), a.clone());
                let sorted = p.sorted().unwrap_or_else(|e| panic!("{e}"));
                all.append(Runs::of(sorted))
                    .unwrap_or_else(|u| panic!("{u:?}"));
            }
            let got = merge_runs(all, 1, || (), |_, _, _| Ok(()));
            assert!(matches!(got, Err(Unheld { chain, .. }) if chain.facility == 3));
        }
    }
}
