//! What identifies a resolved chain, apart from its resolved factors: enough to resolve it
//! again under a project (the same project, for a cached computation; a changed one, for a
//! what-if). Resolving is a pure function of the project and these fields, so a chain
//! resolved again from its spec under an unchanged project equals the chain it came from.

use super::chain::{Chain, SourceKind};
use super::resolve::Resolver;
use crate::activity::{Carrier, Subject};
use crate::factors::FactorRef;
use crate::units::AnyUnit;
use std::collections::HashMap;

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

/// What makes two facilities' chains share a resolved body: the grid and the consolidation
/// terms (as the streaming workers group them, `calc::run`).
type Class = (Option<FactorRef>, bool, bool, rust_decimal::Decimal);

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

/// Resolves many specs, each body once per facility class: the chains of facilities of one
/// class share their body, as the chains the rows resolved do (`calc::run`).
pub struct SpecResolver<'r> {
    resolver: &'r Resolver<'r>,
    bodies: HashMap<(Class, String), Resolved>,
}

impl<'r> SpecResolver<'r> {
    /// Resolving through `resolver`.
    pub fn new(resolver: &'r Resolver<'r>) -> Self {
        SpecResolver {
            resolver,
            bodies: HashMap::new(),
        }
    }

    /// The row chain of `spec` (itself, or the one a companion belongs to) with its
    /// companions, at `spec`'s facility.
    pub fn resolve_row_chain(&mut self, spec: &ChainSpec) -> Result<Resolved, String> {
        let main_kind = spec.upstream_of.unwrap_or(spec.kind);
        let f = &self.resolver.project.facilities.list[spec.facility];
        let class: Class = if spec.terms > 0 {
            let t = f.terms(spec.terms);
            (
                f.grid.clone(),
                t.operational_control,
                t.financial_control,
                t.equity_share,
            )
        } else {
            (
                f.grid.clone(),
                f.operational_control,
                f.financial_control,
                f.equity_share,
            )
        };
        // Everything of the row chain but the facility and its terms.
        let rest = format!(
            "{}|{}|{}|{:?}|{:?}",
            spec.year,
            spec.subject_text(),
            spec.activity_unit.index,
            spec.explicit,
            main_kind,
        );
        if let Some(model) = self.bodies.get(&(class.clone(), rest.clone())) {
            let reason: std::sync::Arc<str> = if spec.terms > 0 || model.main.terms > 0 {
                self.resolver.share(spec.facility, spec.terms).1.into()
            } else {
                model.main.share_reason.clone()
            };
            let here = |c: &Chain| c.for_facility(spec.facility, spec.terms, reason.clone());
            return Ok(Resolved {
                main: here(&model.main),
                companions: model.companions.iter().map(here).collect(),
                notes: Vec::new(),
            });
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
        let resolved = Resolved {
            main,
            companions: up.chains,
            notes: up.notes,
        };
        self.bodies.insert((class, rest), resolved.clone());
        Ok(resolved)
    }

    /// The chain of `spec`, equal to `spec.resolve(resolver)`.
    pub fn resolve(&mut self, spec: &ChainSpec) -> Result<Chain, String> {
        let r = self.resolve_row_chain(spec)?;
        if spec.upstream_of.is_none() {
            return Ok(r.main);
        }
        r.companions
            .into_iter()
            .find(|c| c.kind == spec.kind)
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
