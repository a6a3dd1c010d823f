//! `carbonledger factors list | show REF | diff SET@A SET@B`: browse the library.

use super::common::{out, print_diagnostics};
use super::Exit;
use carbonledger::factors::{diff_editions, EditionChange, FactorRef, Library};
use carbonledger::report::{render_text, Cell, Table};
use std::fmt::Write as _;
use std::path::PathBuf;

/// `factors` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Every edition in the library.
    #[command(
        after_help = "Examples:\n  carbonledger factors list\n  carbonledger factors list --project fixtures/xiaomi-2025"
    )]
    List {
        /// Include a project's own factor sets (`DIR/factors/`).
        #[arg(long)]
        project: Option<PathBuf>,
        /// Output format (`json`: typed, with `schema_version`).
        #[arg(long, value_enum, default_value_t = FactorsFormat::Table)]
        format: FactorsFormat,
    },
    /// One edition (`SET@EDITION`), one value (`SET@EDITION:KEY`), or a set's editions (`SET`).
    #[command(
        after_help = "Examples:\n  carbonledger factors show ipcc-gwp@ar5\n  carbonledger factors show cn-mee-grid"
    )]
    Show {
        /// What to show.
        reference: String,
        /// Include a project's own factor sets.
        #[arg(long)]
        project: Option<PathBuf>,
        /// Output format (`json`: typed, exact decimal strings, with `schema_version`).
        #[arg(long, value_enum, default_value_t = FactorsFormat::Table)]
        format: FactorsFormat,
    },
    /// Values that differ between two editions of a set.
    #[command(
        after_help = "Examples:\n  carbonledger factors diff cn-mee-grid@2022 cn-mee-grid@2023"
    )]
    Diff {
        /// The older edition, `SET@EDITION`.
        a: String,
        /// The newer edition, `SET@EDITION`.
        b: String,
        /// Include a project's own factor sets.
        #[arg(long)]
        project: Option<PathBuf>,
        /// Output format (`json`: typed, exact decimal strings, with `schema_version`).
        #[arg(long, value_enum, default_value_t = FactorsFormat::Table)]
        format: FactorsFormat,
    },
}

/// Output format of `factors list`, `show` and `diff`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorsFormat {
    /// For reading.
    Table,
    /// JSON.
    Json,
}

/// The JSON shapes' version (`factors list|show --format json`).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(serde::Serialize)]
struct EditionJson<'a> {
    id: String,
    set: &'a str,
    edition: &'a str,
    description: &'a str,
    citation: CitationJson<'a>,
    verification: VerificationJson<'a>,
    origin: &'a str,
    values: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    factors: Vec<FactorJson<'a>>,
}

#[derive(serde::Serialize)]
struct CitationJson<'a> {
    publisher: &'a str,
    title: &'a str,
    published: &'a str,
    table: &'a str,
    licence: &'a str,
    url: &'a str,
}

#[derive(serde::Serialize)]
struct VerificationJson<'a> {
    checked: &'a str,
    method: &'a str,
    confidence: &'a str,
}

#[derive(serde::Serialize)]
struct FactorJson<'a> {
    key: &'a str,
    value: String,
    unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gas: Option<&'a str>,
    basis: &'a str,
    table: &'a str,
    note: &'a str,
}

fn edition_json(e: &carbonledger::factors::Edition, with_factors: bool) -> EditionJson<'_> {
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
            e.factors.values().map(factor_json).collect()
        } else {
            Vec::new()
        },
    }
}

fn factor_json(d: &carbonledger::factors::FactorDef) -> FactorJson<'_> {
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

fn json_out<T: serde::Serialize>(v: &T) -> Result<(), Exit> {
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(v).map_err(|_| Exit::Io)?
    ))
}

#[derive(serde::Serialize)]
struct Versioned<T: serde::Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    body: T,
}

fn library(project: Option<&PathBuf>) -> Result<Library, Exit> {
    let mut lib = Library::builtin().map_err(|d| {
        print_diagnostics(&d);
        Exit::Io
    })?;
    if let Some(dir) = project {
        let d = lib.add_project_dir(&dir.join("factors"), &dir.join("factors").to_string_lossy());
        if !d.is_empty() {
            print_diagnostics(&d);
            return Err(Exit::Data);
        }
    }
    Ok(lib)
}

fn split_edition(s: &str) -> Result<(&str, &str), Exit> {
    s.split_once('@').ok_or_else(|| {
        eprintln!("error: `{s}` is not SET@EDITION");
        Exit::Usage
    })
}

/// `factors show REF --format json`: a value with its edition, an edition, or a set's editions.
fn show_json(lib: &Library, reference: &str) -> Result<(), Exit> {
    #[derive(serde::Serialize)]
    struct Value<'a> {
        factor: FactorJson<'a>,
        edition: EditionJson<'a>,
    }
    #[derive(serde::Serialize)]
    struct Set<'a> {
        set: &'a str,
        editions: Vec<EditionJson<'a>>,
    }
    if reference.contains(':') {
        let r = FactorRef::parse(reference).map_err(|e| {
            eprintln!("error: {e}");
            Exit::Usage
        })?;
        let Some((ed, d)) = lib.get(&r) else {
            eprintln!("error: unknown factor `{reference}`");
            return Err(Exit::Data);
        };
        return json_out(&Versioned {
            schema_version: SCHEMA_VERSION,
            body: Value {
                factor: factor_json(d),
                edition: edition_json(ed, false),
            },
        });
    }
    if let Some((set, edn)) = reference.split_once('@') {
        let Some(ed) = lib.edition(set, edn) else {
            eprintln!("error: unknown edition `{reference}`");
            return Err(Exit::Data);
        };
        return json_out(&Versioned {
            schema_version: SCHEMA_VERSION,
            body: edition_json(ed, true),
        });
    }
    let eds: Vec<EditionJson<'_>> = lib
        .editions_of(reference)
        .map(|e| edition_json(e, false))
        .collect();
    if eds.is_empty() {
        eprintln!("error: unknown factor set `{reference}`");
        return Err(Exit::Data);
    }
    json_out(&Versioned {
        schema_version: SCHEMA_VERSION,
        body: Set {
            set: reference,
            editions: eds,
        },
    })
}

/// `factors diff A B --format json`: one object per changed, added or removed key.
fn diff_json(a: &str, b: &str, changes: &[EditionChange]) -> Result<(), Exit> {
    #[derive(serde::Serialize)]
    struct Change<'a> {
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
    #[derive(serde::Serialize)]
    struct Diff<'a> {
        from: &'a str,
        to: &'a str,
        changes: Vec<Change<'a>>,
    }
    let changes = changes
        .iter()
        .map(|c| match c {
            EditionChange::Changed {
                key,
                from,
                to,
                unit_from,
                unit_to,
            } => Change {
                key,
                change: "changed",
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                unit_from: Some(unit_from),
                unit_to: Some(unit_to),
            },
            EditionChange::Added { key, value, unit } => Change {
                key,
                change: "added",
                from: None,
                to: Some(value.to_string()),
                unit_from: None,
                unit_to: Some(unit),
            },
            EditionChange::Removed { key, value, unit } => Change {
                key,
                change: "removed",
                from: Some(value.to_string()),
                to: None,
                unit_from: Some(unit),
                unit_to: None,
            },
        })
        .collect();
    json_out(&Versioned {
        schema_version: SCHEMA_VERSION,
        body: Diff {
            from: a,
            to: b,
            changes,
        },
    })
}

pub fn run(c: Command) -> Exit {
    let inner = || -> Result<(), Exit> {
        match c {
            Command::List { project, format } => {
                let lib = library(project.as_ref())?;
                if format == FactorsFormat::Json {
                    #[derive(serde::Serialize)]
                    struct List<'a> {
                        editions: Vec<EditionJson<'a>>,
                    }
                    return json_out(&Versioned {
                        schema_version: SCHEMA_VERSION,
                        body: List {
                            editions: lib.editions().map(|e| edition_json(e, false)).collect(),
                        },
                    });
                }
                let mut t = Table::new(
                    "Factor library",
                    &[
                        "edition",
                        "values",
                        "description",
                        "published",
                        "confidence",
                        "origin",
                    ],
                );
                for e in lib.editions() {
                    t.push(vec![
                        Cell::Text(e.id()),
                        Cell::Num(e.factors.len().to_string()),
                        Cell::Text(e.description.clone()),
                        Cell::Text(e.citation.published.clone()),
                        Cell::Text(e.verification.confidence.clone()),
                        Cell::Text(e.origin.clone()),
                    ]);
                }
                out(&render_text(&[t]))
            }
            Command::Show {
                reference,
                project,
                format,
            } => {
                let lib = library(project.as_ref())?;
                if format == FactorsFormat::Json {
                    return show_json(&lib, &reference);
                }
                let mut s = String::new();
                if reference.contains(':') {
                    let r = FactorRef::parse(&reference).map_err(|e| {
                        eprintln!("error: {e}");
                        Exit::Usage
                    })?;
                    let Some((ed, d)) = lib.get(&r) else {
                        eprintln!("error: unknown factor `{reference}`\n  = hint: `carbonledger factors show {}@{}` lists its keys", r.set, r.edition.as_deref().unwrap_or("EDITION"));
                        return Err(Exit::Data);
                    };
                    let _ = writeln!(
                        s,
                        "{}@{}:{} = {} {}",
                        ed.set, ed.edition, d.key, d.value, d.unit_text
                    );
                    let _ = writeln!(
                        s,
                        "  gas: {}  basis: {}",
                        d.gas.as_deref().unwrap_or("-"),
                        if d.basis.is_empty() { "-" } else { &d.basis }
                    );
                    let _ = writeln!(s, "  table: {}\n  note: {}", d.table, d.note);
                    let _ = writeln!(s, "  publisher: {}\n  title: {}\n  published: {}\n  licence: {}\n  address: {}", ed.citation.publisher, ed.citation.title, ed.citation.published, ed.citation.licence, ed.citation.url);
                    let _ = writeln!(s, "  read from: {}", d.span);
                } else if let Some((set, edn)) = reference.split_once('@') {
                    let Some(ed) = lib.edition(set, edn) else {
                        eprintln!("error: unknown edition `{reference}`");
                        return Err(Exit::Data);
                    };
                    let _ = writeln!(s, "{} — {}", ed.id(), ed.description);
                    let _ = writeln!(s, "  publisher: {}\n  title: {}\n  published: {}\n  table: {}\n  licence: {}\n  address: {}", ed.citation.publisher, ed.citation.title, ed.citation.published, ed.citation.table, ed.citation.licence, ed.citation.url);
                    let _ = writeln!(
                        s,
                        "  verification ({}, {}): {}\n",
                        ed.verification.confidence, ed.verification.checked, ed.verification.method
                    );
                    let mut t = Table::new("", &["key", "value", "unit", "gas", "basis", "table"]);
                    for d in ed.factors.values() {
                        t.push(vec![
                            Cell::Text(d.key.clone()),
                            Cell::Num(d.value.to_string()),
                            Cell::Text(d.unit_text.clone()),
                            Cell::Text(d.gas.clone().unwrap_or_else(|| "-".into())),
                            Cell::Text(d.basis.clone()),
                            Cell::Text(d.table.clone()),
                        ]);
                    }
                    s.push_str(&render_text(&[t]));
                } else {
                    let eds: Vec<String> = lib.editions_of(&reference).map(|e| e.id()).collect();
                    if eds.is_empty() {
                        eprintln!("error: unknown factor set `{reference}`");
                        return Err(Exit::Data);
                    }
                    let _ = writeln!(s, "{}", eds.join("\n"));
                }
                out(&s)
            }
            Command::Diff {
                a,
                b,
                project,
                format,
            } => {
                let lib = library(project.as_ref())?;
                let (sa, ea) = split_edition(&a)?;
                let (sb, eb) = split_edition(&b)?;
                let (Some(x), Some(y)) = (lib.edition(sa, ea), lib.edition(sb, eb)) else {
                    eprintln!(
                        "error: unknown edition `{}`",
                        if lib.edition(sa, ea).is_none() {
                            &a
                        } else {
                            &b
                        }
                    );
                    return Err(Exit::Data);
                };
                let changes = diff_editions(x, y);
                if format == FactorsFormat::Json {
                    return diff_json(&a, &b, &changes);
                }
                let mut t = Table::new(
                    format!(
                        "{a} → {b}: {} change{}",
                        changes.len(),
                        if changes.len() == 1 { "" } else { "s" }
                    ),
                    &["key", a.as_str(), b.as_str(), "change", "unit"],
                );
                for c in changes {
                    match c {
                        EditionChange::Changed {
                            key,
                            from,
                            to,
                            unit_from,
                            unit_to,
                        } => {
                            let pct = if from.is_zero() || unit_from != unit_to {
                                "–".to_string()
                            } else {
                                carbonledger::decimal::sub(to, from)
                                    .ok()
                                    .and_then(|d| {
                                        carbonledger::decimal::mul(
                                            d,
                                            rust_decimal::Decimal::ONE_HUNDRED,
                                        )
                                        .ok()
                                    })
                                    .and_then(|d| carbonledger::decimal::div(d, from).ok())
                                    .map_or("–".into(), |q| {
                                        format!(
                                            "{}%",
                                            carbonledger::decimal::RoundingRule::HalfAwayFromZero
                                                .round(q.value, 1)
                                        )
                                    })
                            };
                            let unit = if unit_from == unit_to {
                                unit_from
                            } else {
                                format!("{unit_from} → {unit_to}")
                            };
                            t.push(vec![
                                Cell::Text(key),
                                Cell::Num(from.to_string()),
                                Cell::Num(to.to_string()),
                                Cell::Num(pct),
                                Cell::Text(unit),
                            ]);
                        }
                        EditionChange::Added { key, value, unit } => t.push(vec![
                            Cell::Text(key),
                            Cell::Num("–".into()),
                            Cell::Num(value.to_string()),
                            Cell::Text("added".into()),
                            Cell::Text(unit),
                        ]),
                        EditionChange::Removed { key, value, unit } => t.push(vec![
                            Cell::Text(key),
                            Cell::Num(value.to_string()),
                            Cell::Num("–".into()),
                            Cell::Text("removed".into()),
                            Cell::Text(unit),
                        ]),
                    }
                }
                if t.rows.is_empty() {
                    out(&format!("{}\n", t.title))
                } else {
                    out(&render_text(&[t]))
                }
            }
        }
    };
    inner().err().unwrap_or(Exit::Ok)
}
