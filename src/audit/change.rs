//! A factor change to audit: one value (`--set REF=VALUE`) or a whole edition
//! (`--edition SET@EDITION`), and the project as it would be under that change. Applying a
//! change never touches a file: it returns a changed copy of the opened project.

use crate::calc::{ResolveOptions, Resolver};
use crate::decimal::parse_amount;
use crate::factors::FactorRef;
use crate::project::Project;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::fmt;

/// A change of factors to compare against the project as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// One factor takes another value, in its published unit. A reference without an edition
    /// (`SET:KEY`) changes the key in every edition the reporting years use.
    Value {
        /// The factor.
        reference: FactorRef,
        /// Its new value.
        value: Decimal,
    },
    /// Every reporting year that selects or uses `set` (or only `years`) takes `edition`.
    /// Rows that pin another edition explicitly (`SET@OTHER:KEY`) keep it.
    Edition {
        /// The set.
        set: String,
        /// The edition applied.
        edition: String,
        /// The years it applies to; `None` = every reporting year.
        years: Option<Vec<i32>>,
    },
}

/// Why a change cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// The text is not `REF=VALUE` or `SET@EDITION`.
    #[error("{0}")]
    Syntax(String),
    /// The set, edition or key is not in the library.
    #[error("{0}")]
    Unknown(String),
}

impl Change {
    /// Parses `SET@EDITION:KEY=VALUE` or `SET:KEY=VALUE`.
    ///
    /// ```
    /// use carbonledger::audit::Change;
    /// let c = Change::parse_set("cn-mee-grid@2023:north=0.7").unwrap();
    /// assert_eq!(c.to_string(), "cn-mee-grid@2023:north = 0.7");
    /// assert!(Change::parse_set("cn-mee-grid@2023:north").is_err());
    /// ```
    pub fn parse_set(text: &str) -> Result<Change, ChangeError> {
        let (r, v) = text.split_once('=').ok_or_else(|| {
            ChangeError::Syntax(format!(
                "`{text}` is not REF=VALUE (e.g. cn-mee-grid@2023:north=0.6361)"
            ))
        })?;
        let reference =
            FactorRef::parse(r).map_err(|e| ChangeError::Syntax(format!("--set: {e}")))?;
        let value = parse_amount(v.trim()).map_err(|e| {
            ChangeError::Syntax(format!(
                "--set: `{}` is not a value: {e} (write it in the factor's published unit)",
                v.trim()
            ))
        })?;
        if value.is_sign_negative() && !value.is_zero() {
            // As in a factor file: a sign typo would subtract emissions silently.
            return Err(ChangeError::Syntax(format!(
                "--set: `{}` is negative: emission factors, calorific values and GWPs are never negative",
                v.trim()
            )));
        }
        Ok(Change::Value { reference, value })
    }

    /// Parses `SET@EDITION`, applied to `years` (every reporting year when `None`).
    pub fn parse_edition(text: &str, years: Option<Vec<i32>>) -> Result<Change, ChangeError> {
        match text.trim().split_once('@') {
            Some((s, e)) if !s.is_empty() && !e.is_empty() && !e.contains(':') => {
                Ok(Change::Edition {
                    set: s.to_string(),
                    edition: e.to_string(),
                    years,
                })
            }
            _ => Err(ChangeError::Syntax(format!(
                "`{text}` is not SET@EDITION (e.g. cn-mee-grid@2022)"
            ))),
        }
    }

    /// The project as it would be under this change: a changed copy of its manifest (an
    /// edition) or of its factor library (a value).
    pub fn apply(&self, project: &Project) -> Result<Project, ChangeError> {
        let mut p = project.clone();
        match self {
            Change::Value { reference, value } => {
                let editions: Vec<String> = match &reference.edition {
                    Some(e) => vec![e.clone()],
                    None => editions_in_use(project, &reference.set)
                        .into_iter()
                        .collect(),
                };
                let mut done = 0;
                for ed in &editions {
                    let def = project
                        .library
                        .edition(&reference.set, ed)
                        .and_then(|e| e.factors.get(&reference.key));
                    if let Some(def) = def {
                        if let Err(e) = crate::factors::held_in_base_units(*value, &def.unit) {
                            return Err(ChangeError::Syntax(format!(
                                "--set: {value} {} cannot be held exactly: {e}",
                                def.unit_text
                            )));
                        }
                    }
                    if p.library
                        .override_value(&reference.set, ed, &reference.key, *value)
                        .is_some()
                    {
                        done += 1;
                    }
                }
                if done == 0 {
                    return Err(ChangeError::Unknown(format!(
                        "no factor `{reference}` in {}",
                        if editions.is_empty() {
                            format!(
                                "the library (no reporting year uses set `{}`)",
                                reference.set
                            )
                        } else {
                            editions
                                .iter()
                                .map(|e| format!("{}@{e}", reference.set))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    )));
                }
            }
            Change::Edition {
                set,
                edition,
                years,
            } => {
                if project.library.edition(set, edition).is_none() {
                    let known: Vec<String> = project
                        .library
                        .editions_of(set)
                        .map(|e| e.edition.clone())
                        .collect();
                    return Err(ChangeError::Unknown(if known.is_empty() {
                        format!("unknown factor set `{set}`")
                    } else {
                        format!(
                            "unknown edition `{set}@{edition}` (editions: {})",
                            known.join(", ")
                        )
                    }));
                }
                let reporting = &project.manifest.reporting_years;
                let targets: Vec<i32> = match years {
                    Some(ys) => {
                        if let Some(y) = ys.iter().find(|y| !reporting.contains(y)) {
                            return Err(ChangeError::Unknown(format!(
                                "{y} is not one of reporting_years {reporting:?}"
                            )));
                        }
                        ys.clone()
                    }
                    None => reporting.clone(),
                };
                for y in targets {
                    p.manifest
                        .years
                        .entry(y)
                        .or_default()
                        .editions
                        .insert(set.clone(), edition.clone());
                }
            }
        }
        Ok(p)
    }

    /// The set the change concerns.
    pub fn set(&self) -> &str {
        match self {
            Change::Value { reference, .. } => &reference.set,
            Change::Edition { set, .. } => set,
        }
    }
}

/// The editions of `set` that the reporting years resolve to (the manifest's choice, else the
/// nearest edition).
fn editions_in_use(project: &Project, set: &str) -> BTreeSet<String> {
    let r = Resolver::new(project, ResolveOptions { strict: false });
    project
        .manifest
        .reporting_years
        .iter()
        .filter_map(|y| r.edition_for(set, *y, &mut Vec::new()).ok())
        .map(|e| e.edition.clone())
        .collect()
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Value { reference, value } => write!(f, "{reference} = {value}"),
            Change::Edition {
                set,
                edition,
                years: None,
            } => write!(f, "{set} → edition {edition}"),
            Change::Edition {
                set,
                edition,
                years: Some(ys),
            } => write!(
                f,
                "{set} → edition {edition} in {}",
                ys.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}
