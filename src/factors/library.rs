//! The factor library: versioned, cited sets loaded from `factors/<set>/<edition>/`
//! (`edition.toml` for the citation, `factors.csv` for the values), built in or local to a
//! project. Loading validates everything — units parse, gases agree, keys are unique, the
//! citation is complete — and reports every problem with its file and line.

use super::reference::FactorRef;
use crate::decimal::parse_amount;
use crate::diag::{Diagnostic, Span};
use crate::ingest::{read_table, Column};
use crate::project::key_span;
use crate::units::{parse_factor_unit, Dim, DimKind, Factor, FactorUnit, Unit, UnitError};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

include!(concat!(env!("OUT_DIR"), "/builtin_factors.rs"));

/// Where an edition's values were published.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Publisher, in full.
    pub publisher: String,
    /// Document title (original and English gloss).
    pub title: String,
    /// Publication date (YYYY, YYYY-MM or YYYY-MM-DD).
    pub published: String,
    /// Table, annex or page where the values are printed.
    pub table: String,
    /// Licence or terms of use.
    pub licence: String,
    /// Address where it is published.
    pub url: String,
}

/// How the values of an edition were checked before they were shipped.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// When.
    pub checked: String,
    /// What was looked at.
    pub method: String,
    /// high | medium | low.
    pub confidence: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionToml {
    set: String,
    edition: String,
    description: String,
    fallback_key: Option<String>,
    /// A standard's table (IPCC 2006, GB/T 2589-2020) applies to any reporting year; an
    /// edition named by a year without it holds that year's data.
    #[serde(default)]
    any_year: bool,
    /// A GWP edition that publishes methane by origin for inventories (AR6 Table 7.15): CH4
    /// from fossil combustion takes `ch4_fossil`, not the undifferentiated `ch4`.
    #[serde(default)]
    ch4_by_origin: bool,
    citation: Citation,
    verification: Option<Verification>,
}

/// One factor value with its unit, gas and the place it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorDef {
    /// Key within the edition.
    pub key: String,
    /// The value, exactly as published.
    pub value: Decimal,
    /// The unit as written in the file.
    pub unit_text: String,
    /// The parsed unit.
    pub unit: FactorUnit,
    /// The gas column: the gas emitted, or for GWPs the gas whose GWP it is; `None` for ratios.
    pub gas: Option<String>,
    /// Basis tag (`location`, `ncv`, `gwp100`, `ttw`, …), may be empty.
    pub basis: String,
    /// Table/annex/row within the publication.
    pub table: String,
    /// The publication's own name for the row, or a remark.
    pub note: String,
    /// Where it was read.
    pub span: Span,
}

/// Whether `value` in `unit` can be held exactly in base units (kg, J, m3 per kg, J, m3), as
/// every calculation holds a factor: a factor that cannot is refused where it is written (a
/// factor file, `diff --set`), not by each row that would use it.
pub fn held_in_base_units(
    value: Decimal,
    unit: &FactorUnit,
) -> Result<(), crate::decimal::CalcError> {
    crate::decimal::mul(value, unit.num.scale)
        .and_then(|n| crate::decimal::div(n, unit.den.scale))
        .map(|_| ())
}

impl FactorDef {
    /// The value as a typed factor of `N` per `D`, or the dimension mismatch.
    pub fn typed<N: Dim, D: Dim>(&self) -> Result<Factor<N, D>, UnitError> {
        self.typed_as::<N, D>(self.unit.num.kind, self.unit.den.kind)
    }

    /// A GWP (`kg CO2e/kg` of a named gas) as CO2e per mass of that gas.
    pub fn typed_gwp(
        &self,
    ) -> Result<Factor<crate::units::Co2e, crate::units::GasMass>, UnitError> {
        let den = if self.unit.den.kind == DimKind::Mass {
            DimKind::GasMass
        } else {
            self.unit.den.kind
        };
        self.typed_as(self.unit.num.kind, den)
    }

    fn typed_as<N: Dim, D: Dim>(
        &self,
        num: DimKind,
        den: DimKind,
    ) -> Result<Factor<N, D>, UnitError> {
        if num != N::KIND || den != D::KIND {
            return Err(UnitError::Mismatch {
                input: self.unit_text.clone(),
                expected: vec![N::KIND, D::KIND],
                found: if num != N::KIND { num } else { den },
            });
        }
        Factor::new(
            self.value,
            Unit::<N>::new(self.unit.num.symbol, self.unit.num.scale),
            Unit::<D>::new(self.unit.den.symbol, self.unit.den.scale),
        )
        .map_err(|e| UnitError::BadFactorUnit {
            input: self.unit_text.clone(),
            reason: e.to_string(),
        })
    }
}

/// One edition of a set.
#[derive(Debug, Clone)]
pub struct Edition {
    /// Set name.
    pub set: String,
    /// Edition name.
    pub edition: String,
    /// What the set holds.
    pub description: String,
    /// Parent key used when a requested key (a region) is absent.
    pub fallback_key: Option<String>,
    /// True for a standard's table that applies to any reporting year; false for data of
    /// the year the edition is named by (using it for another year is a fallback).
    pub any_year: bool,
    /// Methane by origin (see the edition file's `ch4_by_origin`).
    pub ch4_by_origin: bool,
    /// Where it was published.
    pub citation: Citation,
    /// How it was checked.
    pub verification: Verification,
    /// `built-in` or the project path it was read from.
    pub origin: String,
    /// The values by key.
    pub factors: BTreeMap<String, FactorDef>,
    /// The files it was read from, with their contents (for hashing in exports).
    pub files: Vec<(String, Arc<str>)>,
}

impl Edition {
    /// `SET@EDITION`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.set, self.edition)
    }
}

/// All editions available to a project: the built-in ones plus the project's own.
#[derive(Debug, Clone, Default)]
pub struct Library {
    // Shared so that a copy of the built-in library (parsed once per process) is cheap.
    editions: BTreeMap<(String, String), Arc<Edition>>,
}

/// The outcome of looking a reference up.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The edition it came from.
    pub edition: &'a Edition,
    /// The value.
    pub def: &'a FactorDef,
    /// True when the key was absent and the edition's `fallback_key` was used instead.
    pub key_fallback: bool,
}

const FACTOR_COLUMNS: [Column; 7] = [
    Column {
        name: "key",
        required: true,
    },
    Column {
        name: "value",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "gas",
        required: true,
    },
    Column {
        name: "basis",
        required: true,
    },
    Column {
        name: "table",
        required: true,
    },
    Column {
        name: "note",
        required: true,
    },
];

fn valid_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// Parses one edition from its two files' contents. `prefix` names the folder in messages.
pub fn parse_edition(
    prefix: &str,
    edition_toml: &str,
    factors_csv: &str,
    origin: &str,
) -> Result<Edition, Vec<Diagnostic>> {
    let toml_name: Arc<str> = format!("{prefix}/edition.toml").into();
    let csv_name: Arc<str> = format!("{prefix}/factors.csv").into();
    let mut diags = Vec::new();
    let meta: EditionToml = match toml::from_str(edition_toml) {
        Ok(m) => m,
        Err(e) => {
            let span = e.span().map_or_else(
                || Span::file(&toml_name),
                |s| Span::at_offset(&toml_name, edition_toml, s.start),
            );
            return Err(vec![Diagnostic::error(
                "bad-edition-file",
                span,
                format!("edition.toml: {}", e.message()),
            )
            .with_hint("an edition needs set, edition, description and a [citation] with publisher, title, published, table, licence, url")]);
        }
    };
    let c = &meta.citation;
    for (field, v) in [
        ("publisher", &c.publisher),
        ("title", &c.title),
        ("published", &c.published),
        ("table", &c.table),
        ("licence", &c.licence),
        ("url", &c.url),
    ] {
        if v.trim().is_empty() {
            diags.push(Diagnostic::error(
                "missing-citation",
                key_span(&toml_name, edition_toml, "citation", field),
                format!("citation field `{field}` is empty"),
            ));
        }
    }
    if let Some((set, ed)) = prefix.rsplit('/').nth(1).zip(prefix.rsplit('/').next()) {
        if set != meta.set || ed != meta.edition {
            let key = if set != meta.set { "set" } else { "edition" };
            diags.push(Diagnostic::error(
                "edition-path-mismatch",
                key_span(&toml_name, edition_toml, "", key),
                format!(
                    "edition.toml says {}@{} but lives in {set}/{ed}",
                    meta.set, meta.edition
                ),
            ));
        }
    }
    let mut factors: BTreeMap<String, FactorDef> = BTreeMap::new();
    let read = read_table(&csv_name, factors_csv.as_bytes(), &FACTOR_COLUMNS, |row| {
        let span = row.span();
        if let Some(d) = row.shape_error() {
            diags.push(d);
            return;
        }
        let key = row.get(0);
        if !valid_key(key) {
            diags.push(Diagnostic::error(
                "bad-factor-key",
                row.span_of(0),
                format!("factor key `{key}` must be lowercase ascii, digits, `.`, `_` or `-`"),
            ));
            return;
        }
        let value = match parse_amount(row.get(1)) {
            Ok(v) => v,
            Err(e) => {
                diags.push(
                    Diagnostic::error(e.code(), row.span_of(1), e.to_string()).with_hint(e.hint()),
                );
                return;
            }
        };
        if value.is_sign_negative() && !value.is_zero() {
            // A removal or credit is not an emission factor; a sign typo would subtract
            // emissions silently.
            diags.push(
                Diagnostic::error(
                    "negative-factor",
                    row.span_of(1),
                    format!("factor `{key}` is negative ({value})"),
                )
                .with_hint("emission factors, calorific values and GWPs are never negative; report removals and credits apart"),
            );
            return;
        }
        let unit_text = row.get(2).to_string();
        let unit = match parse_factor_unit(&unit_text) {
            Ok(u) => u,
            Err(e) => {
                diags.push(
                    Diagnostic::error("bad-factor-unit", row.span_of(2), e.to_string())
                        .with_hint_opt(e.hint()),
                );
                return;
            }
        };
        // A value too large to hold in base units (kg, J, m3) would fail every row that uses
        // it with a misleading message, or be passed over for another factor: refuse it here.
        if let Err(e) = held_in_base_units(value, &unit) {
            diags.push(
                Diagnostic::error(
                    "overflow",
                    row.span_of(1),
                    format!("factor `{key}` of {value} {unit_text} cannot be held exactly: {e}"),
                )
                .with_hint("values are held in base units (kg, J, m3) up to about 7.9 × 10^28; check the value and its unit at their source"),
            );
            return;
        }
        let gas_col = row.get(3);
        let gas = (gas_col != "-" && !gas_col.is_empty()).then(|| gas_col.to_string());
        let is_gwp = row.get(4) == "gwp100";
        let consistent = match (&unit.gas, &gas) {
            (Some(ug), Some(g)) => ug == g || (is_gwp && ug == "CO2e"),
            (None, None) => true,
            _ => false,
        };
        if !consistent {
            diags.push(Diagnostic::error(
                "factor-gas-mismatch",
                row.span_of(3),
                format!("gas `{gas_col}` does not match the unit `{unit_text}`"),
            ));
            return;
        }
        if factors.contains_key(key) {
            diags.push(Diagnostic::error(
                "duplicate-factor-key",
                row.span_of(0),
                format!("factor key `{key}` appears twice in this edition"),
            ));
            return;
        }
        factors.insert(
            key.to_string(),
            FactorDef {
                key: key.to_string(),
                value,
                unit_text,
                unit,
                gas,
                basis: row.get(4).to_string(),
                table: row.get(5).to_string(),
                note: row.get(6).to_string(),
                span,
            },
        );
    });
    if let Err(mut d) = read {
        diags.append(&mut d);
    }
    if let Some(fk) = &meta.fallback_key {
        if !factors.contains_key(fk) && diags.is_empty() {
            diags.push(Diagnostic::error(
                "bad-fallback-key",
                key_span(&toml_name, edition_toml, "", "fallback_key"),
                format!("fallback_key `{fk}` is not a key of this edition"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Edition {
        set: meta.set,
        edition: meta.edition,
        description: meta.description,
        fallback_key: meta.fallback_key,
        any_year: meta.any_year,
        ch4_by_origin: meta.ch4_by_origin,
        citation: meta.citation,
        verification: meta.verification.unwrap_or_default(),
        origin: origin.to_string(),
        factors,
        files: vec![
            (format!("{prefix}/edition.toml"), Arc::from(edition_toml)),
            (format!("{prefix}/factors.csv"), Arc::from(factors_csv)),
        ],
    })
}

/// The folders in `dir` (name and path), following links; a file beside them (a README) is
/// passed over. `None`, with an `unreadable-file` error, when `dir` cannot be listed; an entry
/// that is a link to nowhere is such an error too.
fn listed_folders(
    dir: &Path,
    shown: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, std::path::PathBuf)>> {
    let unreadable = |shown: &str, e: &std::io::Error| {
        Diagnostic::error(
            "unreadable-file",
            Span::file(&Arc::from(shown)),
            format!("cannot read the folder: {e}"),
        )
        .with_hint("project factor sets are folders factors/SET/EDITION/; restore what a link points to, or remove it")
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(unreadable(shown, &e));
            return None;
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Err(e) => diags.push(unreadable(shown, &e)),
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy().into_owned();
                match std::fs::metadata(entry.path()) {
                    Ok(m) if m.is_dir() => out.push((name, entry.path())),
                    Ok(_) => {}
                    Err(e) => diags.push(unreadable(&format!("{shown}/{name}"), &e)),
                }
            }
        }
    }
    Some(out)
}

impl Library {
    /// The built-in library, embedded in the binary at build time. It is parsed once per
    /// process; each call returns a copy sharing the parsed editions.
    pub fn builtin() -> Result<Library, Vec<Diagnostic>> {
        static BUILTIN: std::sync::OnceLock<Result<Library, Vec<Diagnostic>>> =
            std::sync::OnceLock::new();
        BUILTIN.get_or_init(Library::parse_builtin).clone()
    }

    fn parse_builtin() -> Result<Library, Vec<Diagnostic>> {
        let mut lib = Library::default();
        let mut diags = Vec::new();
        let mut by_dir: BTreeMap<&str, (Option<&str>, Option<&str>)> = BTreeMap::new();
        for (path, text) in BUILTIN_FILES {
            if let Some((dir, name)) = path.rsplit_once('/') {
                let e = by_dir.entry(dir).or_default();
                match name {
                    "edition.toml" => e.0 = Some(text),
                    "factors.csv" => e.1 = Some(text),
                    _ => {}
                }
            }
        }
        for (dir, files) in by_dir {
            lib.add_dir(&format!("<built-in>/{dir}"), files, "built-in", &mut diags);
        }
        if diags.is_empty() {
            Ok(lib)
        } else {
            Err(diags)
        }
    }

    fn add_dir(
        &mut self,
        prefix: &str,
        files: (Option<&str>, Option<&str>),
        origin: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        let name: Arc<str> = prefix.into();
        match files {
            (Some(t), Some(c)) => match parse_edition(prefix, t, c, origin) {
                Ok(ed) => {
                    let k = (ed.set.clone(), ed.edition.clone());
                    match self.editions.entry(k) {
                        std::collections::btree_map::Entry::Occupied(o) => diags.push(
                            Diagnostic::error("duplicate-edition", Span::file(&name), format!("edition {}@{} is defined twice", o.key().0, o.key().1))
                                .with_hint("a published edition is never edited: give a corrected or local set its own name or edition"),
                        ),
                        std::collections::btree_map::Entry::Vacant(v) => {
                            v.insert(Arc::new(ed));
                        }
                    }
                }
                Err(mut d) => diags.append(&mut d),
            },
            (None, _) => diags.push(Diagnostic::error(
                "missing-citation",
                Span::file(&name),
                "edition folder has no edition.toml (the citation)",
            )),
            (_, None) => diags.push(Diagnostic::error(
                "bad-edition-file",
                Span::file(&name),
                "edition folder has no factors.csv",
            )),
        }
    }

    /// Adds a project's own editions from `dir` (`<dir>/<set>/<edition>/`), shown as `shown`.
    /// Nothing of the name `dir`: no project sets. A `dir`, set or edition that is there but
    /// cannot be listed (a link to nowhere, a file where the folder would be) is an error,
    /// never a set or edition that is absent.
    pub fn add_project_dir(&mut self, dir: &Path, shown: &str) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut dirs = Vec::new();
        if !crate::project::entry_exists(dir) {
            return diags;
        }
        if let Some(sets) = listed_folders(dir, shown, &mut diags) {
            for (set, set_path) in sets {
                let set_shown = format!("{shown}/{set}");
                for (ed, ed_path) in
                    listed_folders(&set_path, &set_shown, &mut diags).unwrap_or_default()
                {
                    dirs.push((set.clone(), ed, ed_path));
                }
            }
        }
        dirs.sort();
        for (set, ed, path) in dirs {
            let prefix = format!("{shown}/{set}/{ed}");
            if self
                .editions
                .values()
                .any(|e| e.set == set && e.origin == "built-in")
            {
                // A local edition of a built-in set would be picked by the nearest-edition
                // rule for other years, and looks like the publisher's own numbers.
                diags.push(
                    Diagnostic::error(
                        "shadows-built-in-set",
                        Span::file(&Arc::from(format!("{prefix}/edition.toml"))),
                        format!("project factor set `{set}` has the name of a built-in set"),
                    )
                    .with_hint(format!("give your own values their own set name (e.g. `{set}-local`), and refer to them as `{set}-local:KEY`")),
                );
                continue;
            }
            let read = |f: &str| -> Result<Option<String>, Diagnostic> {
                let p = path.join(f);
                if !crate::project::entry_exists(&p) {
                    return Ok(None);
                }
                let bytes = std::fs::read(&p).map_err(|e| {
                    Diagnostic::error(
                        "io-error",
                        Span::file(&Arc::from(format!("{prefix}/{f}"))),
                        e.to_string(),
                    )
                })?;
                let shown: Arc<str> = Arc::from(format!("{prefix}/{f}"));
                crate::ingest::utf8_text(&shown, bytes, f.ends_with(".csv")).map(Some)
            };
            match (read("edition.toml"), read("factors.csv")) {
                (Ok(t), Ok(c)) => {
                    self.add_dir(&prefix, (t.as_deref(), c.as_deref()), &prefix, &mut diags)
                }
                (Err(d), _) | (_, Err(d)) => diags.push(d),
            }
        }
        diags
    }

    /// Every edition, ordered by set then edition.
    pub fn editions(&self) -> impl Iterator<Item = &Edition> {
        self.editions.values().map(|e| &**e)
    }

    /// One edition.
    pub fn edition(&self, set: &str, edition: &str) -> Option<&Edition> {
        self.editions
            .get(&(set.to_string(), edition.to_string()))
            .map(|e| &**e)
    }

    /// The editions of a set, in order.
    pub fn editions_of(&self, set: &str) -> impl Iterator<Item = &Edition> + '_ {
        let set = set.to_string();
        self.editions
            .values()
            .map(|e| &**e)
            .filter(move |e| e.set == set)
    }

    /// Looks up a pinned reference, falling back to the edition's parent key when the key is
    /// absent (the caller records that fallback).
    pub fn find(&self, r: &FactorRef) -> Option<Found<'_>> {
        let ed = self.edition(&r.set, r.edition.as_deref()?)?;
        if let Some(def) = ed.factors.get(&r.key) {
            return Some(Found {
                edition: ed,
                def,
                key_fallback: false,
            });
        }
        let fk = ed.fallback_key.as_ref()?;
        ed.factors.get(fk).map(|def| Found {
            edition: ed,
            def,
            key_fallback: true,
        })
    }

    /// Replaces one value of an edition, for what-if comparisons (`carbonledger diff --set`):
    /// returns the value replaced, or `None` (and changes nothing) when the edition or key does
    /// not exist. The citation is kept; the factor's note says that the value was overridden.
    pub fn override_value(
        &mut self,
        set: &str,
        edition: &str,
        key: &str,
        value: Decimal,
    ) -> Option<Decimal> {
        let ed = self
            .editions
            .get_mut(&(set.to_string(), edition.to_string()))?;
        // Copy-on-write: the shared built-in edition stays as published.
        let def = Arc::make_mut(ed).factors.get_mut(key)?;
        let old = def.value;
        def.value = value;
        def.note = format!("overridden: {value} instead of the published {old}");
        Some(old)
    }

    /// Looks up a pinned reference exactly (no fallback).
    pub fn get(&self, r: &FactorRef) -> Option<(&Edition, &FactorDef)> {
        let ed = self.edition(&r.set, r.edition.as_deref()?)?;
        ed.factors.get(&r.key).map(|d| (ed, d))
    }
}
