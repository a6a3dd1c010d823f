//! The typed JSON of `factors list|show|diff --format json` (each with `schema_version`), and
//! the schemas `carbonledger schema factors-list|factors-show|factors-diff` print from them.

use carbonledger::factors::{EditionChange, FactorDef};

/// The JSON shapes' version (`factors list|show|diff --format json`).
pub const SCHEMA_VERSION: u32 = 1;

/// An output with its schema version in front.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Versioned<T: serde::Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    body: T,
}

/// Wraps a body with the current schema version.
pub fn versioned<T: serde::Serialize>(body: T) -> Versioned<T> {
    Versioned {
        schema_version: SCHEMA_VERSION,
        body,
    }
}

/// One edition, with its citation and (for `show SET@EDITION`) its values.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct EditionJson<'a> {
    id: String,
    set: &'a str,
    edition: &'a str,
    description: &'a str,
    citation: CitationJson<'a>,
    verification: VerificationJson<'a>,
    /// `built-in`, or the project folder the edition was read from.
    origin: &'a str,
    /// How many values the edition holds.
    values: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    factors: Vec<FactorJson<'a>>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct CitationJson<'a> {
    publisher: &'a str,
    title: &'a str,
    published: &'a str,
    table: &'a str,
    licence: &'a str,
    url: &'a str,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct VerificationJson<'a> {
    checked: &'a str,
    method: &'a str,
    confidence: &'a str,
}

/// One value of an edition; `value` is the exact decimal as published.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct FactorJson<'a> {
    key: &'a str,
    value: String,
    unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gas: Option<&'a str>,
    basis: &'a str,
    table: &'a str,
    note: &'a str,
}

/// `factors list --format json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ListJson<'a> {
    editions: Vec<EditionJson<'a>>,
}

/// `factors show --format json`: a value with its edition, an edition with its values, or a
/// set's editions, by what the reference names.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ShowJson<'a> {
    /// `SET@EDITION:KEY`.
    Value {
        /// The value.
        factor: FactorJson<'a>,
        /// Its edition (without the other values).
        edition: EditionJson<'a>,
    },
    /// `SET@EDITION`.
    Edition(EditionJson<'a>),
    /// `SET`.
    Set {
        /// The set.
        set: &'a str,
        /// Its editions, oldest first.
        editions: Vec<EditionJson<'a>>,
    },
}

/// `factors diff --format json`.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct DiffJson<'a> {
    from: &'a str,
    to: &'a str,
    changes: Vec<ChangeJson<'a>>,
}

/// One key that differs between the two editions.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ChangeJson<'a> {
    key: &'a str,
    /// `changed`, `added` or `removed`.
    change: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_to: Option<&'a str>,
}

/// An edition as JSON; its values only when `with_factors`.
pub fn edition(e: &carbonledger::factors::Edition, with_factors: bool) -> EditionJson<'_> {
    let c = &e.citation;
    let v = &e.verification;
    EditionJson {
        id: e.id(),
        set: &e.set,
        edition: &e.edition,
        description: &e.description,
        citation: CitationJson {
            publisher: &c.publisher,
            title: &c.title,
            published: &c.published,
            table: &c.table,
            licence: &c.licence,
            url: &c.url,
        },
        verification: VerificationJson {
            checked: &v.checked,
            method: &v.method,
            confidence: &v.confidence,
        },
        origin: &e.origin,
        values: e.factors.len(),
        factors: if with_factors {
            e.factors.values().map(factor).collect()
        } else {
            Vec::new()
        },
    }
}

/// A value as JSON.
pub fn factor(d: &FactorDef) -> FactorJson<'_> {
    FactorJson {
        key: &d.key,
        value: d.value.to_string(),
        unit: &d.unit_text,
        gas: d.gas.as_deref(),
        basis: &d.basis,
        table: &d.table,
        note: &d.note,
    }
}

/// Every edition of the library.
pub fn list(lib: &carbonledger::factors::Library) -> ListJson<'_> {
    ListJson {
        editions: lib.editions().map(|e| edition(e, false)).collect(),
    }
}

/// The changes between two editions.
pub fn diff<'a>(a: &'a str, b: &'a str, changes: &'a [EditionChange]) -> DiffJson<'a> {
    let changes = changes
        .iter()
        .map(|c| match c {
            EditionChange::Changed {
                key,
                from,
                to,
                unit_from,
                unit_to,
            } => ChangeJson {
                key,
                change: "changed",
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                unit_from: Some(unit_from),
                unit_to: Some(unit_to),
            },
            EditionChange::Added { key, value, unit } => ChangeJson {
                key,
                change: "added",
                from: None,
                to: Some(value.to_string()),
                unit_from: None,
                unit_to: Some(unit),
            },
            EditionChange::Removed { key, value, unit } => ChangeJson {
                key,
                change: "removed",
                from: Some(value.to_string()),
                to: None,
                unit_from: Some(unit),
                unit_to: None,
            },
        })
        .collect();
    DiffJson {
        from: a,
        to: b,
        changes,
    }
}
