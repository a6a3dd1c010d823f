//! What identifies a resolved chain, apart from its resolved factors: enough to resolve it
//! again under a project (the same project, for a cached computation; a changed one, for a
//! what-if). Resolving is a pure function of the project and these fields, so a chain
//! resolved again from its spec under an unchanged project equals the chain it came from.

use super::chain::{Chain, SourceKind};
use super::resolve::Resolver;
use crate::activity::{Carrier, Subject};
use crate::factors::FactorRef;
use crate::units::AnyUnit;

/// The fields a chain is resolved from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    /// Reporting year.
    pub year: i32,
    /// Facility index.
    pub facility: usize,
    /// The facility's terms index.
    pub terms: usize,
    /// Carrier or gas.
    pub subject: Subject,
    /// The unit its rows are given in.
    pub activity_unit: AnyUnit,
    /// The explicit factor its rows named.
    pub explicit: Option<FactorRef>,
    /// Its source kind.
    pub kind: SourceKind,
    /// For a scope 3 category 3 companion, the kind of its row's own chain.
    pub upstream_of: Option<SourceKind>,
}

impl ChainSpec {
    /// The spec of a resolved chain.
    pub fn of(c: &Chain) -> ChainSpec {
        ChainSpec {
            year: c.year,
            facility: c.facility,
            terms: c.terms,
            subject: c.subject.clone(),
            activity_unit: c.activity_unit,
            explicit: c.explicit.clone(),
            kind: c.kind,
            upstream_of: c.upstream_of,
        }
    }

    /// The subject as text: `carrier:NAME` or `gas:NAME`.
    pub fn subject_text(&self) -> String {
        match &self.subject {
            Subject::Carrier(k) => format!("carrier:{}", k.name()),
            Subject::Gas(g) => format!("gas:{g}"),
        }
    }

    /// The subject from `subject_text`'s form.
    pub fn parse_subject(text: &str) -> Option<Subject> {
        if let Some(k) = text.strip_prefix("carrier:") {
            return Carrier::parse(k).map(Subject::Carrier);
        }
        text.strip_prefix("gas:")
            .map(|g| Subject::Gas(g.to_string()))
    }

    /// Resolves the chain under `resolver`'s project: a row chain as its rows resolved it, a
    /// scope 3 category 3 companion as the one of its kind among its row chain's companions.
    pub fn resolve(&self, resolver: &Resolver<'_>) -> Result<Chain, String> {
        SpecResolver::new(resolver).resolve(self)
    }
}

/// A row chain resolved with its scope 3 category 3 companions, and the notes resolving them
/// gave.
#[derive(Clone)]
pub struct Resolved {
    /// The row chain.
    pub main: Chain,
    /// Its category 3 companions.
    pub companions: Vec<Chain>,
    /// What the companions could not include (once per body).
    pub notes: Vec<String>,
}

/// Everything of a row chain's spec but the facility and its terms: with the facility's
/// class, what its resolved body depends on.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Rest {
    year: i32,
    subject: Subject,
    unit: u16,
    explicit: Option<FactorRef>,
    kind: SourceKind,
}

/// Resolves many specs, each body once per facility class: the chains of facilities of one
/// class share their body, as the chains the rows resolved do (`calc::run`). A spec is
/// looked up by small keys (its facility's class as a number, its other fields as they
/// are), not by text: a cache read or a what-if looks up every chain, 800,000 of them over
/// 100,000 facilities.
pub struct SpecResolver<'r> {
    resolver: &'r Resolver<'r>,
    /// The facilities' classes (`calc::classes`).
    classes: super::FacilityClasses,
    bodies: rustc_hash::FxHashMap<(usize, Rest), Resolved>,
}

impl<'r> SpecResolver<'r> {
    /// Resolving through `resolver`.
    pub fn new(resolver: &'r Resolver<'r>) -> Self {
        SpecResolver {
            resolver,
            classes: Default::default(),
            bodies: Default::default(),
        }
    }

    /// The number of the class of `facility` under its terms `terms`.
    fn class(&mut self, facility: usize, terms: usize) -> usize {
        self.classes
            .number(&self.resolver.project.facilities, facility, terms) as usize
    }

    /// The key of `spec`'s row chain, its body resolved (once per key); and whether it was
    /// resolved now (its notes are then given, once per body).
    fn model(&mut self, spec: &ChainSpec) -> Result<((usize, Rest), bool), String> {
        let main_kind = spec.upstream_of.unwrap_or(spec.kind);
        let key = (
            self.class(spec.facility, spec.terms),
            Rest {
                year: spec.year,
                subject: spec.subject.clone(),
                unit: spec.activity_unit.index,
                explicit: spec.explicit.clone(),
                kind: main_kind,
            },
        );
        if self.bodies.contains_key(&key) {
            return Ok((key, false));
        }
        let main = self
            .resolver
            .resolve_source(
                (spec.year, spec.facility, spec.terms),
                &spec.subject,
                spec.activity_unit,
                spec.explicit.as_ref(),
                main_kind.declared(),
            )
            .map_err(|e| format!("a chain no longer resolves: {}", e.message))?;
        let up = self
            .resolver
            .resolve_upstream(&main)
            .map_err(|e| format!("a chain no longer resolves: {}", e.message))?;
        self.bodies.insert(
            key.clone(),
            Resolved {
                main,
                companions: up.chains,
                notes: up.notes,
            },
        );
        Ok((key, true))
    }

    /// The resolved row chain of `key` and a function placing one of its chains at `spec`'s
    /// facility (the chains as resolved when `fresh`: they were resolved there).
    fn placed<'a>(
        &'a self,
        key: &(usize, Rest),
        spec: &'a ChainSpec,
        fresh: bool,
    ) -> Result<(&'a Resolved, impl Fn(&Chain) -> Chain + 'a), String> {
        let model = self
            .bodies
            .get(key)
            .ok_or("a resolved chain was not kept")?;
        let reason: Option<std::sync::Arc<str>> = if fresh {
            None
        } else if spec.terms > 0 || model.main.terms > 0 {
            Some(self.resolver.share(spec.facility, spec.terms).1.into())
        } else {
            Some(model.main.share_reason.clone())
        };
        let here = move |c: &Chain| match &reason {
            None => c.clone(),
            Some(r) => c.for_facility(spec.facility, spec.terms, r.clone()),
        };
        Ok((model, here))
    }

    /// The row chain of `spec` (itself, or the one a companion belongs to) with its
    /// companions, at `spec`'s facility.
    pub fn resolve_row_chain(&mut self, spec: &ChainSpec) -> Result<Resolved, String> {
        let (key, fresh) = self.model(spec)?;
        let (model, here) = self.placed(&key, spec, fresh)?;
        Ok(Resolved {
            main: here(&model.main),
            companions: model.companions.iter().map(&here).collect(),
            notes: if fresh {
                model.notes.clone()
            } else {
                Vec::new()
            },
        })
    }

    /// The chain of `spec`, equal to `spec.resolve(resolver)`.
    pub fn resolve(&mut self, spec: &ChainSpec) -> Result<Chain, String> {
        let (key, fresh) = self.model(spec)?;
        let (model, here) = self.placed(&key, spec, fresh)?;
        if spec.upstream_of.is_none() {
            return Ok(here(&model.main));
        }
        model
            .companions
            .iter()
            .find(|c| c.kind == spec.kind)
            .map(here)
            .ok_or_else(|| "the change adds or removes a scope 3 category 3 line".to_string())
    }
}

impl SourceKind {
    /// Every kind.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Stationary,
        SourceKind::Fugitive,
        SourceKind::Purchased,
        SourceKind::Mobile,
        SourceKind::Process,
        SourceKind::Wtt,
        SourceKind::TdLoss,
        SourceKind::TdWtt,
        SourceKind::WttAndTd,
    ];

    /// The kind named `name` (as [`SourceKind::name`] gives it).
    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_kind_name_reads_back() {
        for k in SourceKind::ALL {
            assert_eq!(SourceKind::from_name(k.name()), Some(k));
        }
        assert_eq!(SourceKind::from_name("scope9"), None);
    }

    #[test]
    fn subjects_read_back() {
        for s in [
            Subject::Carrier(Carrier::NaturalGas),
            Subject::Gas("HFC-134a".into()),
        ] {
            let spec_text = match &s {
                Subject::Carrier(k) => format!("carrier:{}", k.name()),
                Subject::Gas(g) => format!("gas:{g}"),
            };
            assert_eq!(ChainSpec::parse_subject(&spec_text), Some(s));
        }
        assert_eq!(ChainSpec::parse_subject("fuel:coal"), None);
    }
}
