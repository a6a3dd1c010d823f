//! Verifying claims against computed figures: for each check, the interval its wording allows
//! (in the printed unit and in the figure's), the computed value, the implied factor, and a
//! verdict. Comparisons cross-multiply unit scales, so no division stands between a figure
//! and its verdict. Never prints.

use super::file::{Check, Claim, Measure};
use super::relation::{allowed, target, Interval};
use super::unit::ClaimUnit;
use crate::decimal::{self, CalcError};
use crate::diag::Diagnostic;
use crate::ledger::Ledger;
use rust_decimal::Decimal;

/// A computed number with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// Exact value (or rounded at a declared place where `exact` is false).
    pub value: Decimal,
    /// Unit as the figure states it.
    pub unit: String,
    /// False when a non-terminating division was rounded on the way.
    pub exact: bool,
}

/// Where figures come from: the ledger, or a table in a test.
pub trait FigureSource {
    /// Whether any input of the project produces `name`.
    fn knows(&self, name: &str) -> bool;
    /// The figure's value in `year`, `None` when it does not apply.
    fn value(&self, name: &str, year: i32) -> Result<Option<Value>, CalcError>;
    /// The activity the figure was computed from, when it has one.
    fn basis(&self, name: &str, year: i32) -> Option<Value>;
    /// The figure ÷ its basis, with its unit.
    fn implied_factor(&self, name: &str, year: i32)
        -> Result<Option<(Decimal, String)>, CalcError>;
}

impl FigureSource for Ledger {
    fn knows(&self, name: &str) -> bool {
        Ledger::knows(self, name)
    }
    fn value(&self, name: &str, year: i32) -> Result<Option<Value>, CalcError> {
        Ok(self.figure(name, year)?.map(|f| Value {
            value: f.value,
            unit: f.unit.to_string(),
            exact: f.exact,
        }))
    }
    fn basis(&self, name: &str, year: i32) -> Option<Value> {
        let t = self.totals.get(name, year)?;
        let (b, unit) = t.basis?;
        Some(Value {
            value: b.normalize(),
            unit: unit.to_string(),
            exact: t.exact,
        })
    }
    fn implied_factor(
        &self,
        name: &str,
        year: i32,
    ) -> Result<Option<(Decimal, String)>, CalcError> {
        Ledger::implied_factor(self, name, year)
    }
}

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The computed value lies in the interval the wording allows.
    Consistent,
    /// It does not.
    Inconsistent,
    /// There is no computed value to compare (or it cannot be compared).
    NotComputed,
}

impl Status {
    /// As printed.
    pub fn name(self) -> &'static str {
        match self {
            Status::Consistent => "consistent",
            Status::Inconsistent => "inconsistent",
            Status::NotComputed => "not computed",
        }
    }
}

/// Why a check has no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// No input of the project produces the figure.
    UnknownFigure,
    /// The figure exists but has no value that year.
    NoValue,
    /// The figure has no single activity basis.
    NoBasis,
    /// The printed unit cannot be compared with the figure's: an error in the claims file.
    Unit(String),
    /// Arithmetic failed (overflow).
    Calc(String),
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Missing::UnknownFigure => write!(f, "no input of this project produces the figure"),
            Missing::NoValue => write!(f, "the figure has no value for this year"),
            Missing::NoBasis => write!(
                f,
                "the figure has no single activity basis (its contributions lack one or differ in unit)"
            ),
            Missing::Unit(s) => write!(f, "cannot compare units: {s}"),
            Missing::Calc(s) => write!(f, "{s}"),
        }
    }
}

/// The interval the wording allows, expressed in the figure's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The interval.
    pub interval: Interval,
    /// The published number (the target, negative for a fall).
    pub published: Decimal,
    /// The figure's unit.
    pub unit: String,
    /// False when a conversion did not terminate and was rounded at 16 places (display only:
    /// the verdict compares exactly).
    pub exact: bool,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// The published number in the printed unit (negative for a fall).
    pub published: Decimal,
    /// The interval the wording allows, in the printed unit.
    pub allowed: Interval,
    /// The same in the figure's unit, once the figure's unit is known.
    pub converted: Option<Converted>,
    /// The computed value (figure value or basis).
    pub computed: Option<Value>,
    /// The figure's implied factor, where it has one.
    pub implied_factor: Option<(Decimal, String)>,
    /// Verdict.
    pub status: Status,
    /// Why there is no verdict.
    pub missing: Option<Missing>,
    /// Something a reader should know (e.g. CO2 compared with CO2e).
    pub note: Option<String>,
}

/// The factor a claim's own numbers imply: its printed value ÷ its printed activity, beside
/// the computed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFactor {
    /// The figure.
    pub figure: String,
    /// The published value, in the figure's unit (rounded at 16 places if not exact).
    pub published_value: (Decimal, String),
    /// The published activity, in the basis unit.
    pub published_basis: (Decimal, String),
    /// Published value ÷ published activity, in the computed factor's unit.
    pub value: Decimal,
    /// Unit, e.g. `t CO2e/MWh`.
    pub unit: String,
    /// False when the division did not terminate (rounded at 16 places).
    pub exact: bool,
}

/// One claim's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimResult {
    /// The claim.
    pub claim: Claim,
    /// Each check.
    pub checks: Vec<CheckResult>,
    /// Consistent only when every check is; inconsistent when any is.
    pub status: Status,
    /// The factor implied by the claim's printed value and printed activity, when the claim
    /// checks both a figure's value and its basis.
    pub published_factor: Option<PublishedFactor>,
}

fn evaluate_check(src: &dyn FigureSource, check: &Check) -> Result<CheckResult, CalcError> {
    let published = target(check.relation, check.printed.value);
    let allowed = allowed(check.relation, check.printed.value, check.precision)?;
    let mut r = CheckResult {
        check: check.clone(),
        published,
        allowed,
        converted: None,
        computed: None,
        implied_factor: None,
        status: Status::NotComputed,
        missing: None,
        note: None,
    };
    let computed = match check.measure {
        Measure::Value => src.value(&check.figure, check.year)?,
        Measure::Basis => {
            if src.value(&check.figure, check.year)?.is_some() {
                let b = src.basis(&check.figure, check.year);
                if b.is_none() {
                    r.missing = Some(Missing::NoBasis);
                    return Ok(r);
                }
                b
            } else {
                None
            }
        }
    };
    let Some(computed) = computed else {
        r.missing = Some(if src.knows(&check.figure) {
            Missing::NoValue
        } else {
            Missing::UnknownFigure
        });
        return Ok(r);
    };
    if check.measure == Measure::Value {
        r.implied_factor = src.implied_factor(&check.figure, check.year)?;
    }
    let figure_unit = match ClaimUnit::parse(&computed.unit) {
        Ok(u) => u,
        Err(e) => {
            r.missing = Some(Missing::Unit(format!(
                "the figure's unit `{}`: {e}",
                computed.unit
            )));
            r.computed = Some(computed);
            return Ok(r);
        }
    };
    let printed_unit = &check.printed.unit;
    match printed_unit.comparable_to(&figure_unit) {
        Ok(note) => r.note = note,
        Err(why) => {
            r.missing = Some(Missing::Unit(why));
            r.computed = Some(computed);
            return Ok(r);
        }
    }
    let mut exact = true;
    let interval = allowed.map(|b| {
        let q = printed_unit.convert(b, &figure_unit)?;
        exact &= q.exact;
        Ok::<_, CalcError>(q.rounded(decimal::FIGURE_DP))
    })?;
    let pq = printed_unit.convert(published, &figure_unit)?;
    exact &= pq.exact;
    r.converted = Some(Converted {
        interval,
        published: pq.rounded(decimal::FIGURE_DP),
        unit: computed.unit.clone(),
        exact,
    });
    let inside = allowed.contains_by(|b| figure_unit.compare(computed.value, printed_unit, b))?;
    r.status = if inside {
        Status::Consistent
    } else {
        Status::Inconsistent
    };
    r.computed = Some(computed);
    Ok(r)
}

fn published_factor(checks: &[CheckResult]) -> Result<Option<PublishedFactor>, CalcError> {
    for v in checks.iter().filter(|c| c.check.measure == Measure::Value) {
        let Some(b) = checks.iter().find(|c| {
            c.check.measure == Measure::Basis
                && c.check.figure == v.check.figure
                && c.check.year == v.check.year
        }) else {
            continue;
        };
        let (Some(cv), Some(cb), Some((_, unit))) = (&v.converted, &b.converted, &v.implied_factor)
        else {
            continue;
        };
        if cb.published.is_zero() {
            continue;
        }
        let q = decimal::div(cv.published, cb.published)?;
        return Ok(Some(PublishedFactor {
            figure: v.check.figure.clone(),
            published_value: (cv.published, cv.unit.clone()),
            published_basis: (cb.published, cb.unit.clone()),
            value: q.rounded(decimal::FIGURE_DP),
            unit: unit.clone(),
            exact: q.exact && cv.exact && cb.exact,
        }));
    }
    Ok(None)
}

/// Verifies one claim: every check, then the claim's verdict (inconsistent if any check is,
/// consistent only if every check is, otherwise not computed).
pub fn evaluate_claim(src: &dyn FigureSource, claim: &Claim) -> ClaimResult {
    let checks: Vec<CheckResult> = claim
        .checks
        .iter()
        .map(|c| {
            evaluate_check(src, c).unwrap_or_else(|e| CheckResult {
                check: c.clone(),
                published: target(c.relation, c.printed.value),
                allowed: allowed(c.relation, c.printed.value, c.precision).unwrap_or(Interval {
                    low: None,
                    high: None,
                }),
                converted: None,
                computed: None,
                implied_factor: None,
                status: Status::NotComputed,
                missing: Some(Missing::Calc(e.to_string())),
                note: None,
            })
        })
        .collect();
    let status = if checks.iter().any(|c| c.status == Status::Inconsistent) {
        Status::Inconsistent
    } else if !checks.is_empty() && checks.iter().all(|c| c.status == Status::Consistent) {
        Status::Consistent
    } else {
        Status::NotComputed
    };
    let published_factor = published_factor(&checks).ok().flatten();
    ClaimResult {
        claim: claim.clone(),
        checks,
        status,
        published_factor,
    }
}

/// Verifies every claim, in order.
pub fn evaluate(src: &dyn FigureSource, claims: &[Claim]) -> Vec<ClaimResult> {
    claims.iter().map(|c| evaluate_claim(src, c)).collect()
}

/// The problems of a claims file that only the figures reveal, each at its place in the file:
/// a printed unit that cannot be compared with the figure's (`claim-unit-mismatch`, an error)
/// and a figure that no input of the project produces (`unknown-figure`, a warning: a
/// misspelt name, or an input not given yet; `verify` reports the claim as not computed).
pub fn figure_problems(results: &[ClaimResult]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in results {
        for c in &r.checks {
            match &c.missing {
                Some(m @ Missing::Unit(_)) => out.push(
                    Diagnostic::error(
                        "claim-unit-mismatch",
                        c.check.printed_at.clone(),
                        format!("claim `{}`, `{}`: {m}", r.claim.id, c.check.figure),
                    )
                    .with_hint("write `printed` in a unit of the figure's dimension"),
                ),
                Some(Missing::UnknownFigure) => out.push(
                    Diagnostic::warning(
                        "unknown-figure",
                        c.check.figure_at.clone(),
                        format!(
                            "claim `{}`: no input of this project produces `{}`",
                            r.claim.id, c.check.figure
                        ),
                    )
                    .with_hint("check the name against README.md `Figures`, or add the input that produces it"),
                ),
                _ => {}
            }
        }
    }
    out
}
