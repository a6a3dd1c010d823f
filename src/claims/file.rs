//! `claims.toml`: published figures to verify, read with serde and toml into validated
//! [`Claim`]s, with the file's choices of what "about" means (`about`) and of the
//! publication's rounding rule (`rounding`). Every problem is a diagnostic naming the file and
//! the line and column (in characters) of the offending key; all are reported together.
//! Nothing is computed here.

use super::printed::Printed;
use super::relation::Relation;
use crate::decimal::{self, parse_amount, RoundingRule};
use crate::diag::{Diagnostic, Span};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use toml::Spanned;

/// Which number of a figure a check compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The figure's value.
    Value,
    /// The activity the figure was computed from (its implied factor's denominator), e.g. the
    /// MWh of solar behind `avoided.onsite_solar`.
    Basis,
}

impl Measure {
    /// The name used in `claims.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Value => "value",
            Measure::Basis => "basis",
        }
    }
}

/// What "about" (约, 大约, ≈, ~) means for a number: the rounding interval it stands for.
/// Chosen in `claims.toml` with `about = "…"`, for the whole file or one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum About {
    /// The default, the tightest reading that still gives the word a meaning: the number was
    /// rounded at its last non-zero digit, so an integer's trailing zeros are the rounding
    /// ("约8,000" is to the nearest 1,000); a decimal at its last written digit. Written
    /// `about = "rounded"`.
    #[default]
    Rounded,
    /// Every written digit is significant, trailing zeros included ("约8,000" to the nearest
    /// 1): for a publication that says its round numbers are exact. `about = "every_digit"`.
    EveryDigit,
    /// Within a stated percentage of the number, ends included: `about = "±5%"`.
    Within(Decimal),
}

impl About {
    /// As written in `claims.toml`.
    pub fn name(self) -> String {
        match self {
            About::Rounded => "rounded".into(),
            About::EveryDigit => "every_digit".into(),
            About::Within(p) => format!("±{}%", p.normalize()),
        }
    }

    /// Reads a value of the `about` key.
    ///
    /// ```
    /// use carbonledger::claims::About;
    /// use rust_decimal::dec;
    /// assert_eq!(About::parse("rounded"), Some(About::Rounded));
    /// assert_eq!(About::parse("±5%"), Some(About::Within(dec!(5))));
    /// assert_eq!(About::parse("roughly"), None);
    /// ```
    pub fn parse(s: &str) -> Option<About> {
        let s = s.trim();
        match s {
            "rounded" => return Some(About::Rounded),
            "every_digit" => return Some(About::EveryDigit),
            _ => {}
        }
        let pct = s
            .strip_prefix('±')
            .or_else(|| s.strip_prefix("+-"))?
            .trim()
            .strip_suffix('%')?;
        let v = parse_amount(pct.trim()).ok()?;
        (v > Decimal::ZERO && v < Decimal::ONE_HUNDRED).then_some(About::Within(v))
    }
}

/// One number of a claim checked against one figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Line in `claims.toml` (of the `figure` key).
    pub line: u64,
    /// Column (1-based, in characters) of the `figure` key.
    pub column: usize,
    /// Figure name, e.g. `avoided.onsite_solar`.
    pub figure: String,
    /// Figure year.
    pub year: i32,
    /// Value or basis.
    pub measure: Measure,
    /// How the printed number relates to the figure.
    pub relation: Relation,
    /// The number as printed.
    pub printed: Printed,
    /// Precision in the printed unit: given, or implied by the digits.
    pub precision: Decimal,
    /// Whether `precision` was given explicitly.
    pub precision_given: bool,
    /// What "about" means here (the check's `about`, else the file's, else the default);
    /// used only by `relation = "about"` without an explicit precision.
    pub about: About,
}

/// A published statement and the checks that verify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Stable id, e.g. `solar-car`.
    pub id: String,
    /// The original wording, quoted.
    pub wording: String,
    /// Where it was published (page, section), if given.
    pub source: Option<String>,
    /// Line of the claim's `id`.
    pub line: u64,
    /// Column of the claim's `id` key.
    pub column: usize,
    /// One or more checks.
    pub checks: Vec<Check>,
}

/// A read claims file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsFile {
    /// The file as named in messages.
    pub file: Arc<str>,
    /// The publication the claims come from, if given.
    pub publication: Option<String>,
    /// The publication's rounding rule, when the file states it (`rounding = "half_even"`);
    /// otherwise `verify` assumes the project's `[rounding]` rule and says so.
    pub rounding: Option<RoundingRule>,
    /// The file-level reading of "about", when given.
    pub about: Option<About>,
    /// Claims in file order.
    pub claims: Vec<Claim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    publication: Option<String>,
    year: Option<Spanned<i64>>,
    rounding: Option<Spanned<String>>,
    about: Option<Spanned<String>>,
    #[serde(default)]
    claim: Vec<RawClaim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: Spanned<String>,
    wording: Spanned<String>,
    source: Option<String>,
    // A claim with one check may state it inline …
    figure: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
    measure: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    printed: Option<Spanned<String>>,
    precision: Option<Spanned<String>>,
    about: Option<Spanned<String>>,
    // … or list several.
    check: Option<Spanned<Vec<RawCheck>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    figure: Spanned<String>,
    year: Option<Spanned<i64>>,
    measure: Option<Spanned<String>>,
    relation: Spanned<String>,
    printed: Spanned<String>,
    precision: Option<Spanned<String>>,
    about: Option<Spanned<String>>,
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (u64, usize) {
    crate::diag::text_position(text, offset).unwrap_or((0, 0))
}

/// Line and column of the key whose value starts at `offset`: the name before the `=` on the
/// value's line (`figure = "…"` → the `f`), or the value itself when no key precedes it there.
fn key_position(text: &str, offset: usize) -> (u64, usize) {
    let Some(before) = text.get(..offset) else {
        return (0, 0);
    };
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let head = &before[start..];
    let key_start = head.rfind('=').map(|eq| {
        let name = head[..eq].trim_end();
        name.rfind(|c: char| c.is_whitespace() || c == '{' || c == ',')
            .map_or(0, |i| i + 1)
    });
    match key_start {
        Some(k) => position(text, start + k),
        None => position(text, offset),
    }
}

struct Reader<'a> {
    file: &'a Arc<str>,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Line and column of the key of a value.
    fn at<T>(&self, s: &Spanned<T>) -> (u64, usize) {
        key_position(self.text, s.span().start)
    }

    fn span<T>(&self, s: &Spanned<T>) -> Span {
        let (line, column) = self.at(s);
        Span::line(self.file, line).at(column)
    }

    fn error<T>(&mut self, code: &'static str, at: &Spanned<T>, msg: String, hint: &str) {
        let d = Diagnostic::error(code, self.span(at), msg);
        self.diags.push(if hint.is_empty() {
            d
        } else {
            d.with_hint(hint)
        });
    }

    fn year(&mut self, y: &Spanned<i64>) -> Option<i32> {
        match i32::try_from(*y.get_ref()) {
            Ok(v) if (1900..=2200).contains(&v) => Some(v),
            _ => {
                self.error(
                    "bad-claims",
                    y,
                    format!("`year = {}` is not a year", y.get_ref()),
                    "write a four-digit year, e.g. year = 2025",
                );
                None
            }
        }
    }

    fn about(&mut self, a: &Spanned<String>) -> Option<About> {
        let r = About::parse(a.get_ref());
        if r.is_none() {
            self.error(
                "bad-claims",
                a,
                format!("`about = \"{}\"` is not a reading of about", a.get_ref()),
                "about is \"rounded\" (default: rounded at the last non-zero digit), \"every_digit\" (trailing zeros significant) or a band such as \"±5%\"",
            );
        }
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        figure: &Spanned<String>,
        year: Option<&Spanned<i64>>,
        default_year: Option<i32>,
        measure: Option<&Spanned<String>>,
        relation: &Spanned<String>,
        printed: &Spanned<String>,
        precision: Option<&Spanned<String>>,
        about: Option<&Spanned<String>>,
        default_about: About,
    ) -> Option<Check> {
        let before = self.diags.len();
        let about = match about {
            Some(a) => self.about(a),
            None => Some(default_about),
        };
        let name = figure.get_ref().trim();
        let name_ok = !name.is_empty()
            && name.split('.').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if !name_ok {
            self.error(
                "bad-claims",
                figure,
                format!("`{name}` is not a figure name"),
                "figure names are dotted, e.g. ghg.scope1 or change.intensity.ghg_per_energy (see README.md `Figures`)",
            );
        }
        let year = match year {
            Some(y) => self.year(y),
            None => {
                if default_year.is_none() {
                    self.error(
                        "bad-claims",
                        figure,
                        format!("no year for `{name}`"),
                        "give `year` on the check, or once at the top of the file",
                    );
                }
                default_year
            }
        };
        let measure = match measure.map(|m| (m, m.get_ref().trim())) {
            None | Some((_, "value")) => Some(Measure::Value),
            Some((_, "basis")) => Some(Measure::Basis),
            Some((m, other)) => {
                self.error(
                    "bad-claims",
                    m,
                    format!("unknown measure `{other}`"),
                    "measure is `value` (default) or `basis` (the activity the figure was computed from)",
                );
                None
            }
        };
        let rel = Relation::parse(relation.get_ref());
        if rel.is_none() {
            self.error(
                "unknown-relation",
                relation,
                format!("unknown relation `{}`", relation.get_ref()),
                "relation is one of over, at_least, about, at_most, exact, down_by, up_by",
            );
        }
        let parsed = match Printed::parse(printed.get_ref()) {
            Ok(p) => Some(p),
            Err(e) => {
                let hint = e.hint();
                self.error(
                    "bad-printed-value",
                    printed,
                    format!("printed value `{}`: {e}", printed.get_ref()),
                    hint,
                );
                None
            }
        };
        if let (Some(p), Some(r)) = (&parsed, rel) {
            if let Some((word, says)) = &p.qualifier {
                if *says != r {
                    self.error(
                        "relation-mismatch",
                        printed,
                        format!(
                            "`{}` says `{word}` ({}), but the relation is `{}`",
                            p.text,
                            says.name(),
                            r.name()
                        ),
                        "make the relation say what the printed word says",
                    );
                }
            }
            if matches!(r, Relation::DownBy | Relation::UpBy) && p.value < Decimal::ZERO {
                self.error(
                    "bad-printed-value",
                    printed,
                    format!(
                        "`{}`: a {} amount is written without a sign",
                        p.text,
                        r.name()
                    ),
                    "write \"↓7%\" with relation down_by for a fall of 7%",
                );
            }
        }
        let mut precision_given = false;
        let prec = match (precision, &parsed, rel) {
            (Some(s), Some(p), Some(r)) => {
                precision_given = true;
                match parse_amount(s.get_ref()) {
                    Ok(v) if v > Decimal::ZERO => {
                        if let (Relation::About, Some(About::Within(_))) = (r, about) {
                            self.error(
                                "bad-precision",
                                s,
                                "a precision has no effect when `about` is a percentage band"
                                    .into(),
                                "remove `precision`, or give `about = \"rounded\"` for this check",
                            );
                        }
                        if !r.uses_precision() {
                            self.error(
                                "bad-precision",
                                s,
                                format!("`{}` compares with the number alone; a precision has no effect", r.name()),
                                "remove `precision`",
                            );
                        }
                        let multiple =
                            decimal::div(p.value, v).map(|q| q.exact && q.value.fract().is_zero());
                        if multiple != Ok(true) {
                            self.error(
                                "bad-precision",
                                s,
                                format!("printed `{}` is not a multiple of precision {v}", p.text),
                                "the precision is the value of the last digit the number was rounded to, in the printed unit (\"2.64万吨\" → 0.01)",
                            );
                        }
                        Some(v)
                    }
                    _ => {
                        self.error(
                            "bad-precision",
                            s,
                            format!("precision `{}` is not a positive number", s.get_ref()),
                            "write it as a string in the printed unit, e.g. precision = \"0.01\" for \"2.64万吨\"",
                        );
                        None
                    }
                }
            }
            (None, Some(p), Some(r)) => Some(p.precision_under(r, about.unwrap_or_default())),
            _ => None,
        };
        if self.diags.len() > before {
            return None;
        }
        let (line, column) = self.at(figure);
        Some(Check {
            line,
            column,
            figure: name.to_string(),
            year: year?,
            measure: measure?,
            relation: rel?,
            printed: parsed?,
            precision: prec?,
            precision_given,
            about: about?,
        })
    }
}

/// Reads `claims.toml`; `file` names it in messages.
///
/// ```
/// use carbonledger::claims::parse_claims;
/// let text = "year = 2025\n[[claim]]\nid = \"x\"\nwording = \"约8,000吨\"\nfigure = \"avoided.onsite_solar\"\nrelation = \"about\"\nprinted = \"约8,000吨\"\n";
/// let f = parse_claims(&"claims.toml".into(), text).unwrap();
/// assert_eq!(f.claims[0].checks[0].precision.to_string(), "1000");
/// let bad = text.replace("about", "roughly");
/// let e = parse_claims(&"claims.toml".into(), &bad).unwrap_err();
/// assert_eq!(e[0].span.to_string(), "claims.toml:6:1");
/// ```
pub fn parse_claims(file: &Arc<str>, text: &str) -> Result<ClaimsFile, Vec<Diagnostic>> {
    // A file of nothing is a file cut short or saved empty, not a list of no claims; so is one
    // of comments only (as a CSV of comments only is), which `verify` would pass with 0 claims.
    let nothing = text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    });
    if nothing {
        return Err(vec![Diagnostic::error(
            "empty-file",
            Span::file(file),
            "claims.toml is empty",
        )
        .with_hint("add the published claims as [[claim]] tables (see `carbonledger init`), or delete the file")]);
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| position(text, s.start));
        let span = if column > 0 {
            Span::line(file, line).at(column)
        } else {
            Span::line(file, line)
        };
        vec![
            Diagnostic::error("bad-claims", span, e.message().trim().to_string()).with_hint(
                "see README.md `Claims` or `carbonledger init` for a commented claims.toml",
            ),
        ]
    })?;
    let mut r = Reader {
        file,
        text,
        diags: Vec::new(),
    };
    let default_year = raw.year.as_ref().and_then(|y| r.year(y));
    let file_about = raw.about.as_ref().and_then(|a| r.about(a));
    let default_about = file_about.unwrap_or_default();
    let rounding = match &raw.rounding {
        None => None,
        Some(s) => match s.get_ref().trim() {
            "half_away_from_zero" => Some(RoundingRule::HalfAwayFromZero),
            "half_even" => Some(RoundingRule::HalfEven),
            other => {
                r.error(
                    "bad-claims",
                    s,
                    format!("`rounding = \"{other}\"` is not a rounding rule"),
                    "rounding is the publication's rule: \"half_away_from_zero\" or \"half_even\" (GB/T 8170)",
                );
                None
            }
        },
    };
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut claims = Vec::new();
    for c in &raw.claim {
        let id = c.id.get_ref().trim().to_string();
        let (line, column) = r.at(&c.id);
        if id.is_empty() {
            r.error("bad-claims", &c.id, "empty claim id".into(), "");
        } else if let Some(first) = seen.insert(id.clone(), line) {
            r.error(
                "duplicate-claim",
                &c.id,
                format!("claim `{id}` is already defined at line {first}"),
                "give each claim its own id",
            );
        }
        if c.wording.get_ref().trim().is_empty() {
            r.error(
                "bad-claims",
                &c.wording,
                format!("claim `{id}` has an empty wording"),
                "quote the published sentence, in its original language",
            );
        }
        let inline = c.figure.is_some()
            || c.relation.is_some()
            || c.printed.is_some()
            || c.year.is_some()
            || c.measure.is_some()
            || c.precision.is_some();
        let mut checks = Vec::new();
        match (&c.check, inline) {
            (Some(list), true) => r.error(
                "bad-claims",
                list,
                format!("claim `{id}` has both inline check keys and [[claim.check]] tables"),
                "put every check in its own [[claim.check]] table",
            ),
            (Some(list), false) => {
                let claim_about = match &c.about {
                    Some(a) => r.about(a).unwrap_or(default_about),
                    None => default_about,
                };
                if list.get_ref().is_empty() {
                    r.error(
                        "bad-claims",
                        list,
                        format!("claim `{id}` has no checks"),
                        "",
                    );
                }
                for k in list.get_ref() {
                    if let Some(ch) = r.check(
                        &k.figure,
                        k.year.as_ref(),
                        default_year,
                        k.measure.as_ref(),
                        &k.relation,
                        &k.printed,
                        k.precision.as_ref(),
                        k.about.as_ref(),
                        claim_about,
                    ) {
                        checks.push(ch);
                    }
                }
            }
            (None, _) => match (&c.figure, &c.relation, &c.printed) {
                (Some(f), Some(rel), Some(p)) => {
                    if let Some(ch) = r.check(
                        f,
                        c.year.as_ref(),
                        default_year,
                        c.measure.as_ref(),
                        rel,
                        p,
                        c.precision.as_ref(),
                        c.about.as_ref(),
                        default_about,
                    ) {
                        checks.push(ch);
                    }
                }
                _ => {
                    let missing: Vec<&str> = [
                        ("figure", c.figure.is_none()),
                        ("relation", c.relation.is_none()),
                        ("printed", c.printed.is_none()),
                    ]
                    .into_iter()
                    .filter(|(_, m)| *m)
                    .map(|(k, _)| k)
                    .collect();
                    r.error(
                        "bad-claims",
                        &c.id,
                        format!("claim `{id}` lacks {}", missing.join(", ")),
                        "give figure, relation and printed (one check), or [[claim.check]] tables",
                    );
                }
            },
        }
        claims.push(Claim {
            id,
            wording: c.wording.get_ref().trim().to_string(),
            source: c.source.clone(),
            line,
            column,
            checks,
        });
    }
    if !r.diags.is_empty() {
        return Err(r.diags);
    }
    Ok(ClaimsFile {
        file: Arc::clone(file),
        publication: raw.publication,
        rounding,
        about: file_about,
        claims,
    })
}
