//! A computation as the cache stores it, and back. Chains are stored by what they are
//! resolved from (`calc::ChainSpec`), not by their resolved factors: reading the cache
//! resolves them again under the project (one resolution per chain, as a what-if does),
//! so a factor is never read from the cache. What chains share besides their facility (year,
//! subject, unit, explicit factor, kind) is stored once, in a table the chains point into: a
//! computation over 100,000 facilities has 800,000 chains and a few dozen such specs. A chain's
//! sums are stored exactly, as integer mantissas and scales (`Num`); other decimals as their
//! exact text.

use crate::activity::Subject;
use crate::calc::SpecResolver;
use crate::calc::{
    Accum, Chain, ChainSpec, Computation, FileStats, InputFile, Resolver, SourceKind,
};
use crate::calc::{DayCover, Days, COVER_KINDS, DAY_WORDS, MAX_GASES};
use crate::diag::{Diagnostic, Severity, Span};
use crate::factors::FactorRef;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

mod read;
pub use read::read;

/// What chains share besides their facility and its terms.
#[derive(Serialize, Deserialize)]
struct StoredSpec {
    year: i32,
    subject: String,
    unit: String,
    explicit: Option<String>,
    kind: String,
    upstream_of: Option<String>,
}

/// A chain as stored: written with its gases as a list, read back with them in place
/// (`ChainIn`); one type, so that both sides have the same fields in the same order.
#[derive(Serialize, Deserialize)]
struct StoredChain<G = Vec<(usize, Num, Num)>> {
    /// Index into the spec table (the stored computation's first field).
    spec: u32,
    facility: usize,
    terms: usize,
    sums: StoredAccum<G>,
}

/// A decimal exactly: its integer mantissa and its scale (`mantissa × 10^−scale`), small
/// numbers in few bytes (postcard writes integers as varints).
#[derive(Serialize, Deserialize, Clone, Copy, Default)]
struct Num(i128, u32);

impl Num {
    fn of(d: Decimal) -> Num {
        Num(d.mantissa(), d.scale())
    }

    fn value(&self) -> Result<Decimal, String> {
        Decimal::try_from_i128_with_scale(self.0, self.1).map_err(|e| {
            format!(
                "a stored number ({} × 10^−{}) does not read: {e}",
                self.0, self.1
            )
        })
    }
}

#[derive(Serialize, Deserialize)]
struct StoredAccum<G> {
    rows: u64,
    energy_j: Num,
    tce_kgce: Num,
    /// `(gas index, kg, kg CO2e)` of the gases with a non-zero total.
    gases: G,
    co2e_kg: Num,
    pending_quantity: Num,
    inexact: [u64; 3],
    covered: [u16; COVER_KINDS],
    /// Days covered once and twice, when some are.
    days: Option<([u64; DAY_WORDS], [u64; DAY_WORDS])>,
    first_byte: Option<u64>,
}

/// A stored chain as it reads back: its gases held in place, not in a list of their own.
type ChainIn = StoredChain<GasesIn>;

/// A stored list of `(gas index, kg, kg CO2e)`, read into a fixed array: a chain has at most
/// `MAX_GASES` gases, and a list of its own for each of 800,000 chains was most of the
/// allocations of a cache read.
#[derive(Default)]
struct GasesIn {
    len: usize,
    items: [(usize, Num, Num); MAX_GASES],
}

impl<'de> Deserialize<'de> for GasesIn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GasesIn, D::Error> {
        struct Items;
        impl<'de> serde::de::Visitor<'de> for Items {
            type Value = GasesIn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "at most {MAX_GASES} gases")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<GasesIn, A::Error> {
                let mut out = GasesIn::default();
                while let Some(item) = seq.next_element()? {
                    let slot = out
                        .items
                        .get_mut(out.len)
                        .ok_or_else(|| serde::de::Error::invalid_length(out.len + 1, &self))?;
                    *slot = item;
                    out.len += 1;
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Items)
    }
}

#[derive(Serialize, Deserialize)]
struct StoredDiagnostic {
    code: String,
    error: bool,
    file: String,
    line: u64,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
    source_line: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredFile {
    file: String,
    present: bool,
    read: u64,
    used: u64,
    rejected: u64,
    rejected_quantity: Vec<(String, String)>,
    rejected_unreadable: u64,
    unread: bool,
    split: u64,
    outside: u64,
}

fn text(d: Decimal) -> String {
    d.to_string()
}

fn number(s: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(s).map_err(|e| format!("a stored number `{s}` does not read: {e}"))
}

fn store_accum(a: &Accum) -> StoredAccum<Vec<(usize, Num, Num)>> {
    StoredAccum {
        rows: a.rows,
        energy_j: Num::of(a.energy_j),
        tce_kgce: Num::of(a.tce_kgce),
        gases: (0..MAX_GASES)
            .filter(|i| !a.gas_kg[*i].is_zero() || !a.gas_co2e_kg[*i].is_zero())
            .map(|i| (i, Num::of(a.gas_kg[i]), Num::of(a.gas_co2e_kg[i])))
            .collect(),
        co2e_kg: Num::of(a.co2e_kg),
        pending_quantity: Num::of(a.pending_quantity),
        inexact: [a.inexact_rows, a.inexact_energy_rows, a.inexact_tce_rows],
        covered: a.covered,
        days: {
            let d = a.days.cover();
            (d != DayCover::default()).then_some((d.once, d.twice))
        },
        first_byte: a.first_byte,
    }
}

fn read_accum(s: &StoredAccum<GasesIn>) -> Result<Accum, String> {
    let mut a = Accum {
        rows: s.rows,
        energy_j: s.energy_j.value()?,
        tce_kgce: s.tce_kgce.value()?,
        co2e_kg: s.co2e_kg.value()?,
        pending_quantity: s.pending_quantity.value()?,
        inexact_rows: s.inexact[0],
        inexact_energy_rows: s.inexact[1],
        inexact_tce_rows: s.inexact[2],
        covered: s.covered,
        first_byte: s.first_byte,
        ..Accum::default()
    };
    for (i, kg, co2e) in &s.gases.items[..s.gases.len] {
        if *i >= MAX_GASES {
            return Err(format!("gas index {i} out of range"));
        }
        a.gas_kg[*i] = kg.value()?;
        a.gas_co2e_kg[*i] = co2e.value()?;
    }
    if let Some((once, twice)) = s.days {
        a.days = Days::of(DayCover { once, twice });
    }
    Ok(a)
}

/// A chain's spec without its facility and terms: the key of `Stored::specs`.
type SpecKey = (
    i32,
    Subject,
    u16,
    Option<FactorRef>,
    SourceKind,
    Option<SourceKind>,
);

fn spec_key(c: &Chain) -> SpecKey {
    (
        c.year,
        c.subject.clone(),
        c.activity_unit.index,
        c.explicit.clone(),
        c.kind,
        c.upstream_of,
    )
}

fn store_spec(spec: &ChainSpec) -> StoredSpec {
    StoredSpec {
        year: spec.year,
        subject: spec.subject_text(),
        unit: spec.activity_unit.symbol.to_string(),
        explicit: spec.explicit.as_ref().map(ToString::to_string),
        kind: spec.kind.name().to_string(),
        upstream_of: spec.upstream_of.map(|k| k.name().to_string()),
    }
}

/// The spec table of `comp`'s chains (in and outside the boundary), in order of first use.
fn spec_table(comp: &Computation) -> (Vec<StoredSpec>, HashMap<SpecKey, u32>) {
    let mut table = Vec::new();
    let mut index = HashMap::new();
    for c in comp
        .chains
        .iter()
        .chain(comp.outside.iter().map(|(c, _)| c))
    {
        if let std::collections::hash_map::Entry::Vacant(v) = index.entry(spec_key(c)) {
            v.insert(table.len() as u32);
            table.push(store_spec(&ChainSpec::of(c)));
        }
    }
    (table, index)
}

fn store_chain(c: &Chain, sums: &Accum, index: &HashMap<SpecKey, u32>) -> StoredChain {
    StoredChain {
        // Every chain's key is in the table (`spec_table` went over these chains).
        spec: index.get(&spec_key(c)).copied().unwrap_or(u32::MAX),
        facility: c.facility,
        terms: c.terms,
        sums: store_accum(sums),
    }
}

/// A spec read back, at facility 0 under its first terms (each chain sets its own).
fn read_spec(s: &StoredSpec) -> Result<ChainSpec, String> {
    let kind = |k: &str| SourceKind::from_name(k).ok_or_else(|| format!("unknown kind `{k}`"));
    let subject: Subject = ChainSpec::parse_subject(&s.subject)
        .ok_or_else(|| format!("unknown subject `{}`", s.subject))?;
    Ok(ChainSpec {
        year: s.year,
        facility: 0,
        terms: 0,
        subject,
        activity_unit: crate::units::lookup(&s.unit).map_err(|e| e.to_string())?,
        explicit: s
            .explicit
            .as_deref()
            .map(FactorRef::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        kind: kind(&s.kind)?,
        upstream_of: s.upstream_of.as_deref().map(kind).transpose()?,
    })
}

/// A diagnostic code as the `&'static str` diagnostics carry: each distinct code read from a
/// cache is allocated once per process.
fn static_code(code: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    static CODES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(|| Mutex::new(BTreeSet::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = codes.get(code) {
        return c;
    }
    let c: &'static str = Box::leak(code.to_string().into_boxed_str());
    codes.insert(c);
    c
}

/// A sequence serialized from an iterator made on demand: one element's stored form is held at
/// a time, so writing the cache does not copy the computation.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// `comp` in the form [`Stored`] reads back.
pub struct Storing<'a>(pub &'a Computation);

impl Serialize for Storing<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let comp = self.0;
        let (table, index) = spec_table(comp);
        let mut st = s.serialize_struct("Stored", 8)?;
        st.serialize_field("specs", &table)?;
        st.serialize_field(
            "chains",
            &Seq(|| {
                comp.chains
                    .iter()
                    .zip(&comp.accums)
                    .map(|(c, a)| store_chain(c, a, &index))
            }),
        )?;
        st.serialize_field(
            "outside",
            &Seq(|| comp.outside.iter().map(|(c, a)| store_chain(c, a, &index))),
        )?;
        st.serialize_field(
            "diagnostics",
            &Seq(|| {
                comp.diagnostics.iter().map(|d| StoredDiagnostic {
                    code: d.code.to_string(),
                    error: d.is_error(),
                    file: d.span.file.to_string(),
                    line: d.span.line,
                    column: d.span.column,
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                    source_line: d.source_line.clone(),
                })
            }),
        )?;
        st.serialize_field(
            "files",
            &Seq(|| {
                comp.files.iter().map(|f| StoredFile {
                    file: f.file.clone(),
                    present: f.present,
                    read: f.read,
                    used: f.used,
                    rejected: f.rejected,
                    rejected_quantity: f
                        .rejected_quantity
                        .iter()
                        .map(|(u, q)| (u.clone(), text(*q)))
                        .collect(),
                    rejected_unreadable: f.rejected_unreadable,
                    unread: f.unread,
                    split: f.split,
                    outside: f.outside,
                })
            }),
        )?;
        st.serialize_field(
            "duplicates",
            &Seq(|| {
                comp.duplicates
                    .iter()
                    .map(|(f, lines)| (f.name(), Seq(move || lines.iter())))
            }),
        )?;
        st.serialize_field("duplicate_candidates", &comp.duplicate_candidates)?;
        st.serialize_field("notes", &comp.notes)?;
        st.end()
    }
}

/// The stored computation's fields after its chains.
struct Rest {
    diagnostics: Vec<StoredDiagnostic>,
    files: Vec<StoredFile>,
    duplicates: Vec<(String, Vec<u64>)>,
    duplicate_candidates: u64,
    notes: Vec<String>,
}

impl Rest {
    /// These fields read into `comp`.
    fn into(self, comp: &mut Computation) -> Result<(), String> {
        let mut files: BTreeMap<String, Arc<str>> = BTreeMap::new();
        for d in self.diagnostics {
            let file = files
                .entry(d.file.clone())
                .or_insert_with(|| d.file.as_str().into());
            comp.diagnostics.push(Diagnostic {
                code: static_code(&d.code),
                severity: if d.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                span: Span {
                    file: Arc::clone(file),
                    line: d.line,
                    column: d.column,
                },
                message: d.message,
                hint: d.hint,
                source_line: d.source_line,
            });
        }
        for f in self.files {
            let mut rejected_quantity = BTreeMap::new();
            for (u, q) in f.rejected_quantity {
                rejected_quantity.insert(u, number(&q)?);
            }
            comp.files.push(FileStats {
                file: f.file,
                present: f.present,
                read: f.read,
                used: f.used,
                rejected: f.rejected,
                rejected_quantity,
                rejected_unreadable: f.rejected_unreadable,
                unread: f.unread,
                split: f.split,
                outside: f.outside,
            });
        }
        for (name, lines) in self.duplicates {
            let file = InputFile::ALL
                .into_iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| format!("unknown input `{name}`"))?;
            comp.duplicates.insert(file, lines.into_iter().collect());
        }
        comp.duplicate_candidates = self.duplicate_candidates;
        comp.notes = self.notes;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::{compute, ResolveOptions, RunOptions};
    use crate::project::Project;

    fn fixture() -> (Project, Computation) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
        let project = Project::open(&dir).expect("the fixture opens");
        let comp = compute(&project, RunOptions::default()).expect("the fixture computes");
        (project, comp)
    }

    /// `body` read back, on one thread and pipelined, in batches of one chain, of three and
    /// of the usual size: the same computation, or the same error, every way.
    fn read_in(project: &Project, body: &[u8]) -> Result<Computation, String> {
        let resolver = Resolver::new(project, ResolveOptions { strict: false });
        let shown = |r: &Result<Computation, String>| match r {
            Ok(c) => format!("{c:?}"),
            Err(e) => e.clone(),
        };
        let first = read::read_body(body, &resolver, false, read::BATCH);
        for (pipelined, batch) in [
            (false, 1),
            (false, 3),
            (true, 1),
            (true, 3),
            (true, read::BATCH),
        ] {
            let other = read::read_body(body, &resolver, pipelined, batch);
            assert_eq!(
                shown(&other),
                shown(&first),
                "pipelined {pipelined}, batch {batch}"
            );
        }
        first
    }

    /// The stored form of `chains` (and nothing else) under `specs`.
    fn body(specs: &[StoredSpec], chains: &[StoredChain], tail: &[u8]) -> Vec<u8> {
        let mut out = postcard::to_allocvec(&(specs, chains)).expect("serializes");
        out.extend_from_slice(tail);
        out
    }

    #[test]
    fn a_computation_reads_back_chain_for_chain() {
        let (project, comp) = fixture();
        let stored = postcard::to_allocvec(&Storing(&comp)).expect("serializes");
        let back = read_in(&project, &stored).expect("reads back");
        assert_eq!(back.chains.len(), comp.chains.len());
        for ((a, x), (b, y)) in comp
            .chains
            .iter()
            .zip(&comp.accums)
            .zip(back.chains.iter().zip(&back.accums))
        {
            assert!(ChainSpec::of(a) == ChainSpec::of(b));
            assert!(x == y);
        }
        assert_eq!(back.outside.len(), comp.outside.len());
        assert_eq!(back.files.len(), comp.files.len());
        let mut longer = stored.clone();
        longer.push(0);
        assert_eq!(
            read_in(&project, &longer).err().as_deref(),
            Some("the cache does not read: bytes after its body")
        );
    }

    #[test]
    fn a_chain_of_too_many_gases_or_a_list_longer_than_its_body_does_not_read() {
        let (project, comp) = fixture();
        let (specs, index) = spec_table(&comp);
        let (c, a) = (&comp.chains[0], &comp.accums[0]);
        let mut chain = store_chain(c, a, &index);
        // Seven gases where a chain holds at most six: refused, not written past the array.
        chain.sums.gases = (0..MAX_GASES + 1)
            .map(|i| (i % MAX_GASES, Num::of(Decimal::ONE), Num::of(Decimal::ONE)))
            .collect();
        let err = read_in(&project, &body(&specs, &[chain], &[])).err();
        assert!(err.is_some_and(|e| e.starts_with("the cache does not read")));
        // A list said to hold 2^60 chains, cut off after a few bytes: refused.
        let mut huge = postcard::to_allocvec(&specs).expect("serializes");
        huge.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
        huge.extend_from_slice(&[1, 2, 3]);
        assert!(read_in(&project, &huge).is_err());
        // A chain of a facility the project does not have: refused with the reason.
        let mut far = store_chain(c, a, &index);
        far.facility = project.facilities.list.len();
        assert_eq!(
            read_in(&project, &body(&specs, &[far], &[])).err(),
            Some(format!(
                "facility {} out of range",
                project.facilities.list.len()
            ))
        );
    }
}
