//! A computation as the cache stores it, and back. Chains are stored by what they are
//! resolved from (`calc::ChainSpec`), not by their resolved factors: reading the cache
//! resolves them again under the project (one resolution per chain, as a what-if does),
//! so a factor is never read from the cache. Decimals are stored as their exact text.

use crate::activity::Subject;
use crate::calc::SpecResolver;
use crate::calc::{Accum, ChainSpec, Computation, FileStats, InputFile, Resolver, SourceKind};
use crate::calc::{DayCover, COVER_KINDS, DAY_WORDS, MAX_GASES};
use crate::diag::{Diagnostic, Severity, Span};
use crate::factors::FactorRef;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The stored computation, as read back (`Storing` writes it).
#[derive(Deserialize)]
pub struct Stored {
    chains: Vec<StoredChain>,
    outside: Vec<StoredChain>,
    diagnostics: Vec<StoredDiagnostic>,
    files: Vec<StoredFile>,
    duplicates: Vec<(String, Vec<u64>)>,
    duplicate_candidates: u64,
    notes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredChain {
    year: i32,
    facility: usize,
    terms: usize,
    subject: String,
    unit: String,
    explicit: Option<String>,
    kind: String,
    upstream_of: Option<String>,
    sums: StoredAccum,
}

#[derive(Serialize, Deserialize)]
struct StoredAccum {
    rows: u64,
    energy_j: String,
    tce_kgce: String,
    /// `(gas index, kg, kg CO2e)` of the gases with a non-zero total.
    gases: Vec<(usize, String, String)>,
    co2e_kg: String,
    pending_quantity: String,
    inexact: [u64; 3],
    covered: [u16; COVER_KINDS],
    /// Days covered once and twice, when some are.
    days: Option<([u64; DAY_WORDS], [u64; DAY_WORDS])>,
    first_byte: Option<u64>,
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

fn store_accum(a: &Accum) -> StoredAccum {
    StoredAccum {
        rows: a.rows,
        energy_j: text(a.energy_j),
        tce_kgce: text(a.tce_kgce),
        gases: (0..MAX_GASES)
            .filter(|i| !a.gas_kg[*i].is_zero() || !a.gas_co2e_kg[*i].is_zero())
            .map(|i| (i, text(a.gas_kg[i]), text(a.gas_co2e_kg[i])))
            .collect(),
        co2e_kg: text(a.co2e_kg),
        pending_quantity: text(a.pending_quantity),
        inexact: [a.inexact_rows, a.inexact_energy_rows, a.inexact_tce_rows],
        covered: a.covered,
        days: (a.days != DayCover::default()).then_some((a.days.once, a.days.twice)),
        first_byte: a.first_byte,
    }
}

fn read_accum(s: &StoredAccum) -> Result<Accum, String> {
    let mut a = Accum {
        rows: s.rows,
        energy_j: number(&s.energy_j)?,
        tce_kgce: number(&s.tce_kgce)?,
        co2e_kg: number(&s.co2e_kg)?,
        pending_quantity: number(&s.pending_quantity)?,
        inexact_rows: s.inexact[0],
        inexact_energy_rows: s.inexact[1],
        inexact_tce_rows: s.inexact[2],
        covered: s.covered,
        first_byte: s.first_byte,
        ..Accum::default()
    };
    for (i, kg, co2e) in &s.gases {
        if *i >= MAX_GASES {
            return Err(format!("gas index {i} out of range"));
        }
        a.gas_kg[*i] = number(kg)?;
        a.gas_co2e_kg[*i] = number(co2e)?;
    }
    if let Some((once, twice)) = s.days {
        a.days.once = once;
        a.days.twice = twice;
    }
    Ok(a)
}

fn store_chain(spec: &ChainSpec, sums: &Accum) -> StoredChain {
    StoredChain {
        year: spec.year,
        facility: spec.facility,
        terms: spec.terms,
        subject: spec.subject_text(),
        unit: spec.activity_unit.symbol.to_string(),
        explicit: spec.explicit.as_ref().map(ToString::to_string),
        kind: spec.kind.name().to_string(),
        upstream_of: spec.upstream_of.map(|k| k.name().to_string()),
        sums: store_accum(sums),
    }
}

fn read_spec(s: &StoredChain) -> Result<ChainSpec, String> {
    let kind = |k: &str| SourceKind::from_name(k).ok_or_else(|| format!("unknown kind `{k}`"));
    let subject: Subject = ChainSpec::parse_subject(&s.subject)
        .ok_or_else(|| format!("unknown subject `{}`", s.subject))?;
    Ok(ChainSpec {
        year: s.year,
        facility: s.facility,
        terms: s.terms,
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
        let mut st = s.serialize_struct("Stored", 7)?;
        st.serialize_field(
            "chains",
            &Seq(|| {
                comp.chains
                    .iter()
                    .zip(&comp.accums)
                    .map(|(c, a)| store_chain(&ChainSpec::of(c), a))
            }),
        )?;
        st.serialize_field(
            "outside",
            &Seq(|| {
                comp.outside
                    .iter()
                    .map(|(c, a)| store_chain(&ChainSpec::of(c), a))
            }),
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

impl Stored {
    /// The computation back, its chains resolved again by `resolver` (under the project the
    /// computation was made for). Anything that does not read back is an error: the caller
    /// then computes from the rows.
    pub fn computation(&self, resolver: &Resolver<'_>) -> Result<Computation, String> {
        let mut comp = Computation::default();
        let mut specs = SpecResolver::new(resolver);
        for s in &self.chains {
            let spec = read_spec(s)?;
            let chain = specs.resolve(&spec)?;
            if ChainSpec::of(&chain) != spec {
                return Err("a chain resolves to another chain".into());
            }
            comp.chains.push(chain);
            comp.accums.push(read_accum(&s.sums)?);
        }
        for s in &self.outside {
            let spec = read_spec(s)?;
            comp.outside
                .push((specs.resolve(&spec)?, read_accum(&s.sums)?));
        }
        let mut files: BTreeMap<String, Arc<str>> = BTreeMap::new();
        for d in &self.diagnostics {
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
                message: d.message.clone(),
                hint: d.hint.clone(),
                source_line: d.source_line.clone(),
            });
        }
        for f in &self.files {
            let mut rejected_quantity = BTreeMap::new();
            for (u, q) in &f.rejected_quantity {
                rejected_quantity.insert(u.clone(), number(q)?);
            }
            comp.files.push(FileStats {
                file: f.file.clone(),
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
        for (name, lines) in &self.duplicates {
            let file = InputFile::ALL
                .into_iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| format!("unknown input `{name}`"))?;
            comp.duplicates
                .insert(file, lines.iter().copied().collect());
        }
        comp.duplicate_candidates = self.duplicate_candidates;
        comp.notes = self.notes.clone();
        Ok(comp)
    }
}
