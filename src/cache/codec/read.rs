//! Reading a stored computation back, in one pass: the body is decoded (postcard, through
//! serde seeds) into the spec table, batches of chains with their sums, and the fields after
//! them; the chains are resolved again as their batches arrive. Over many chains the decoding
//! runs on a thread of its own while this thread resolves, so that reading 800,000 chains
//! (100,000 facilities) takes about the longer of the two halves, not their sum.
//!
//! The stored form of a chain is never held besides the computation: a batch of decoded
//! chains is emptied into the computation and its buffer handed back to the decoder.

use super::{read_accum, read_spec, ChainIn, StoredSpec};
use super::{Accum, Chain, ChainSpec, Computation, Resolver, SpecResolver, COVER_KINDS};
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use std::cell::RefCell;
use std::sync::mpsc;

/// Bodies smaller than this are read on one thread (a thread costs more than it saves).
const PIPELINE_MIN_BYTES: usize = 1 << 20;

/// Chains per batch handed from the decoder to the resolver.
pub(super) const BATCH: usize = 4096;

/// The computation stored in `body` (as `Storing` wrote it), its chains resolved again by
/// `resolver` (under the project the computation was made for), decoding on a thread of its
/// own when `threads` allows (as `RunOptions::threads`: 0 is one per core) and the body is
/// large. Anything that does not read back is an error (why, in words): the caller then
/// computes from the rows.
pub fn read(body: &[u8], resolver: &Resolver<'_>, threads: usize) -> Result<Computation, String> {
    let cores = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    read_body(
        body,
        resolver,
        cores > 1 && body.len() >= PIPELINE_MIN_BYTES,
        BATCH,
    )
}

/// `read`, decoding on another thread when `pipelined`, in batches of `batch` chains. The
/// error is the same either way: batches are resolved in order, and a batch is resolved
/// whole before a problem decoding a later one is said.
pub(super) fn read_body(
    body: &[u8],
    resolver: &Resolver<'_>,
    pipelined: bool,
    batch: usize,
) -> Result<Computation, String> {
    let mut into = Assembler {
        resolver,
        resolving: None,
        comp: Computation::default(),
        outside: false,
        most: body.len() / MIN_CHAIN_BYTES,
    };
    let rest = if pipelined {
        std::thread::scope(|s| {
            let (parts, received) = mpsc::sync_channel::<Part>(4);
            let (emptied, reused) = mpsc::channel::<Vec<Decoded>>();
            let decoder = s.spawn(move || {
                decode(
                    body,
                    batch,
                    &mut Sending {
                        parts,
                        reused,
                        batch,
                    },
                )
            });
            let mut failure = None;
            for part in received.iter() {
                match into.take(part) {
                    Ok(Some(buffer)) => {
                        // The decoder may have finished: then the buffer is simply freed.
                        let _ = emptied.send(buffer);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            // The decoder stops at its next batch (it cannot hand it on).
            drop(received);
            let decoded = decoder
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            // What failed here came first: the decoder had gone past it.
            match failure {
                Some(e) => Err(e),
                None => decoded,
            }
        })
    } else {
        decode(body, batch, &mut Inline(&mut into, None))
    }?;
    rest.into(&mut into.comp)?;
    Ok(into.comp)
}

/// The fewest bytes a stored chain takes: a byte for each integer (postcard's varints) and
/// each option, two for each of its four decimals outside its gases.
const MIN_CHAIN_BYTES: usize = 3 + 1 + 2 * 4 + 1 + 3 + COVER_KINDS + 2;

/// A chain decoded, its sums read, not yet resolved.
struct Decoded {
    spec: u32,
    facility: usize,
    terms: usize,
    sums: Accum,
}

/// What the decoder hands on, in the body's order.
enum Part {
    /// The spec table.
    Table(Vec<ChainSpec>),
    /// A list of chains begins (the chains outside the boundary, or not), said to hold `len`.
    List { outside: bool, len: usize },
    /// Chains of the list begun last.
    Chains(Vec<Decoded>),
}

/// Where the decoder hands its parts.
trait Taker {
    /// Takes a part; an error stops the decoding.
    fn take(&mut self, part: Part) -> Result<(), String>;
    /// An empty buffer for the next batch (one handed back, if any).
    fn buffer(&mut self) -> Vec<Decoded>;
}

/// Parts taken on the decoder's own thread, with the last emptied buffer.
struct Inline<'a, 'r>(&'a mut Assembler<'r>, Option<Vec<Decoded>>);

impl Taker for Inline<'_, '_> {
    fn take(&mut self, part: Part) -> Result<(), String> {
        if let Some(buffer) = self.0.take(part)? {
            self.1 = Some(buffer);
        }
        Ok(())
    }
    fn buffer(&mut self) -> Vec<Decoded> {
        self.1.take().unwrap_or_default()
    }
}

/// Parts sent to the resolving thread; buffers come back from it.
struct Sending {
    parts: mpsc::SyncSender<Part>,
    reused: mpsc::Receiver<Vec<Decoded>>,
    batch: usize,
}

impl Taker for Sending {
    fn take(&mut self, part: Part) -> Result<(), String> {
        self.parts
            .send(part)
            .map_err(|_| "the reading stopped".to_string())
    }
    fn buffer(&mut self) -> Vec<Decoded> {
        self.reused
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(self.batch))
    }
}

/// The computation made from the parts, as they arrive.
struct Assembler<'r> {
    resolver: &'r Resolver<'r>,
    resolving: Option<Resolving<'r>>,
    comp: Computation,
    /// Whether the list being read is of chains outside the boundary.
    outside: bool,
    /// The most chains the body can hold: a list's stated length reserves no more (postcard
    /// bounds it by a byte an element; a chain's sums take 320 bytes in memory).
    most: usize,
}

impl Assembler<'_> {
    /// Takes a part; a batch's emptied buffer is given back.
    fn take(&mut self, part: Part) -> Result<Option<Vec<Decoded>>, String> {
        match part {
            Part::Table(table) => {
                self.resolving = Some(Resolving {
                    table,
                    specs: SpecResolver::new(self.resolver),
                    facilities: self.resolver.project().facilities.list.len(),
                });
                Ok(None)
            }
            Part::List { outside, len } => {
                self.outside = outside;
                let n = len.min(self.most);
                if outside {
                    self.comp.outside.reserve_exact(n);
                } else {
                    self.comp.chains.reserve_exact(n);
                    self.comp.accums.reserve_exact(n);
                }
                Ok(None)
            }
            Part::Chains(mut batch) => {
                let resolving = self.resolving.as_mut().ok_or("chains before their specs")?;
                for d in batch.drain(..) {
                    let chain = resolving.chain(&d, !self.outside)?;
                    if self.outside {
                        self.comp.outside.push((chain, d.sums));
                    } else {
                        self.comp.chains.push(chain);
                        self.comp.accums.push(d.sums);
                    }
                }
                Ok(Some(batch))
            }
        }
    }
}

/// What resolves the stored chains: the spec table, and the resolver that gives the chains of
/// one facility class one body.
struct Resolving<'r> {
    table: Vec<ChainSpec>,
    specs: SpecResolver<'r>,
    facilities: usize,
}

impl Resolving<'_> {
    /// The chain stored as `d`, resolved again; with `same`, it must resolve to the chain it
    /// was.
    fn chain(&mut self, d: &Decoded, same: bool) -> Result<Chain, String> {
        let mut spec = self
            .table
            .get(d.spec as usize)
            .ok_or_else(|| format!("spec {} out of range", d.spec))?
            .clone();
        if d.facility >= self.facilities {
            return Err(format!("facility {} out of range", d.facility));
        }
        spec.facility = d.facility;
        spec.terms = d.terms;
        let chain = self.specs.resolve(&spec)?;
        if same && ChainSpec::of(&chain) != spec {
            return Err("a chain resolves to another chain".into());
        }
        Ok(chain)
    }
}

/// Decodes `body` whole, handing the table and the chains to `out` in batches of `batch`;
/// returns the fields after the chains.
fn decode(body: &[u8], batch: usize, out: &mut dyn Taker) -> Result<super::Rest, String> {
    let why = RefCell::new(None);
    let mut de = postcard::Deserializer::from_bytes(body);
    let read = Reading {
        out,
        why: &why,
        batch,
    }
    .deserialize(&mut de);
    match read {
        Ok(rest) => match de.finalize() {
            Ok([]) => Ok(rest),
            Ok(_) => Err("the cache does not read: bytes after its body".into()),
            Err(e) => Err(format!("the cache does not read: {e}")),
        },
        Err(e) => Err(why
            .into_inner()
            .unwrap_or_else(|| format!("the cache does not read: {e}"))),
    }
}

/// The fields of the stored computation, in their order.
const FIELDS: [&str; 8] = [
    "specs",
    "chains",
    "outside",
    "diagnostics",
    "files",
    "duplicates",
    "duplicate_candidates",
    "notes",
];

/// Decodes the stored computation (see `decode`); a reason that is not the format's is kept
/// in `why` (the format's errors carry no words of ours).
struct Reading<'a, 'o> {
    out: &'a mut (dyn Taker + 'o),
    why: &'a RefCell<Option<String>>,
    batch: usize,
}

/// `msg` kept in `why`, and an error of the format to stop the reading.
fn failed<E: serde::de::Error>(why: &RefCell<Option<String>>, msg: String) -> E {
    let e = E::custom(&msg);
    why.borrow_mut().get_or_insert(msg);
    e
}

impl<'de> DeserializeSeed<'de> for Reading<'_, '_> {
    type Value = super::Rest;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<super::Rest, D::Error> {
        d.deserialize_struct("Stored", &FIELDS, self)
    }
}

impl<'de> Visitor<'de> for Reading<'_, '_> {
    type Value = super::Rest;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a stored computation")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<super::Rest, A::Error> {
        let why = self.why;
        let mut field = 0;
        let mut missing = || {
            field += 1;
            serde::de::Error::invalid_length(field - 1, &"8 fields")
        };
        let specs: Vec<StoredSpec> = seq.next_element()?.ok_or_else(&mut missing)?;
        let table = specs
            .iter()
            .map(read_spec)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| failed(why, m))?;
        self.out
            .take(Part::Table(table))
            .map_err(|m| failed(why, m))?;
        for outside in [false, true] {
            seq.next_element_seed(ChainsIn {
                out: &mut *self.out,
                why,
                outside,
                batch: self.batch,
            })?
            .ok_or_else(&mut missing)?;
        }
        Ok(super::Rest {
            diagnostics: seq.next_element()?.ok_or_else(&mut missing)?,
            files: seq.next_element()?.ok_or_else(&mut missing)?,
            duplicates: seq.next_element()?.ok_or_else(&mut missing)?,
            duplicate_candidates: seq.next_element()?.ok_or_else(&mut missing)?,
            notes: seq.next_element()?.ok_or_else(&mut missing)?,
        })
    }
}

/// A stored list of chains, decoded and handed on in batches.
struct ChainsIn<'a, 'o> {
    out: &'a mut (dyn Taker + 'o),
    why: &'a RefCell<Option<String>>,
    outside: bool,
    batch: usize,
}

impl<'de> DeserializeSeed<'de> for ChainsIn<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ChainsIn<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("stored chains")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (out, why, batch) = (self.out, self.why, self.batch.max(1));
        let hand = |out: &mut dyn Taker, part: Part| {
            out.take(part).map_err(|m| failed::<A::Error>(why, m))
        };
        let len = seq.size_hint().unwrap_or(0);
        hand(
            out,
            Part::List {
                outside: self.outside,
                len,
            },
        )?;
        let mut chains = Vec::new();
        while let Some(s) = seq.next_element::<ChainIn>()? {
            if chains.capacity() == 0 {
                chains = out.buffer();
            }
            let sums = read_accum(&s.sums).map_err(|m| failed(why, m))?;
            chains.push(Decoded {
                spec: s.spec,
                facility: s.facility,
                terms: s.terms,
                sums,
            });
            if chains.len() >= batch {
                hand(out, Part::Chains(std::mem::take(&mut chains)))?;
            }
        }
        if !chains.is_empty() {
            hand(out, Part::Chains(chains))?;
        }
        Ok(())
    }
}
