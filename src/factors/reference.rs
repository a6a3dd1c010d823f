//! Factor references: `SET@EDITION:KEY` (fully pinned) or `SET:KEY` (edition chosen by the
//! manifest for the reporting year).

use std::fmt;

/// A reference to one factor value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactorRef {
    /// Set name, e.g. `cn-mee-grid`.
    pub set: String,
    /// Edition, e.g. `2023`; `None` when the manifest chooses it per year.
    pub edition: Option<String>,
    /// Key within the edition, e.g. `north`.
    pub key: String,
}

/// Why a reference does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed factor reference `{0}`: expected SET@EDITION:KEY or SET:KEY")]
pub struct RefSyntaxError(pub String);

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl FactorRef {
    /// Parses `SET@EDITION:KEY` or `SET:KEY`.
    ///
    /// ```
    /// use carbonledger::factors::FactorRef;
    /// let r = FactorRef::parse("cn-mee-grid@2023:north").unwrap();
    /// assert_eq!((r.set.as_str(), r.edition.as_deref(), r.key.as_str()), ("cn-mee-grid", Some("2023"), "north"));
    /// assert_eq!(FactorRef::parse("ipcc-2006:natural_gas.co2").unwrap().edition, None);
    /// assert!(FactorRef::parse("north").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, RefSyntaxError> {
        let t = text.trim();
        let err = || RefSyntaxError(t.to_string());
        let (head, key) = t.split_once(':').ok_or_else(err)?;
        let (set, edition) = match head.split_once('@') {
            Some((s, e)) => (s, Some(e)),
            None => (head, None),
        };
        if !valid_name(set) || !valid_name(key) || edition.is_some_and(|e| !valid_name(e)) {
            return Err(err());
        }
        Ok(FactorRef {
            set: set.to_string(),
            edition: edition.map(str::to_string),
            key: key.to_string(),
        })
    }

    /// The same reference pinned to an edition.
    pub fn pinned(&self, edition: &str) -> FactorRef {
        FactorRef {
            edition: Some(edition.to_string()),
            ..self.clone()
        }
    }
}

impl fmt::Display for FactorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.edition {
            Some(e) => write!(f, "{}@{}:{}", self.set, e, self.key),
            None => write!(f, "{}:{}", self.set, self.key),
        }
    }
}
