//! Verifying claims against computed figures: for each check, the interval its wording allows
//! (in the printed unit and in the figure's), the computed value, the implied factor, and a
//! verdict. Comparisons cross-multiply unit scales, so no division stands between a figure
//! and its verdict. Never prints.

use super::file::{About, Check, Claim, ClaimsFile, Measure};
use super::relation::{allowed_under, band, target, Interval, Relation};
use super::unit::ClaimUnit;
use crate::decimal::{self, CalcError, RoundingRule};
use crate::diag::{Diagnostic, Span};
use crate::figures;
use crate::ledger::Ledger;
use crate::register::Derived;
use crate::units::DimKind;
use rust_decimal::Decimal;
use std::sync::Arc;

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
    /// Whether the figure's value is its input quantities restated rather than calculated:
    /// an activity (energy, mass, volume, a count) summed from input columns with no factor
    /// applied, or one input row's own ratio. A claim that agrees with such a figure confirms
    /// the inputs were entered as published, not any calculation.
    fn restates_input(&self, name: &str, year: i32) -> bool;
    /// Every figure name the source produces (to suggest one for a misspelt name).
    fn names(&self) -> Vec<String>;
}

/// Whether a register unit is an activity an input column holds: energy, mass (not of a
/// gas), volume, or a count (`1`).
fn is_activity_unit(unit: &str) -> bool {
    unit == "1"
        || ClaimUnit::parse(unit).is_ok_and(|u| {
            u.gas.is_none()
                && u.per.is_none()
                && matches!(u.kind, DimKind::Energy | DimKind::Mass | DimKind::Volume)
        })
}

/// A register activity total with no basis: input quantities, converted and summed; the
/// number of rows summed. Not a chain figure, to which a register may add (solar's MWh to
/// `energy.total`): that one also holds calorific values.
fn activity_total(l: &Ledger, name: &str, year: i32) -> Option<u64> {
    if figures::definition(name).is_some() {
        return None;
    }
    let t = l.totals.get(name, year)?;
    (t.basis.is_none() && is_activity_unit(t.unit)).then_some(t.entries)
}

fn ledger_restates(l: &Ledger, name: &str, year: i32, depth: u32) -> bool {
    // Chain figures apply calorific values and factors; changes and ratios are calculated.
    if depth > 8 || name.starts_with("change.") || figures::definition(name).is_some() {
        return false;
    }
    if l.totals.get(name, year).is_some() {
        return activity_total(l, name, year).is_some();
    }
    match l.derived.get(name) {
        // A sum of restated inputs restates them.
        Some(Derived::Plus { terms, .. }) => {
            let present: Vec<&String> = terms
                .iter()
                .filter(|t| l.totals.get(t, year).is_some() || l.derived.contains_key(*t))
                .collect();
            !present.is_empty()
                && present
                    .iter()
                    .all(|t| ledger_restates(l, t, year, depth + 1))
        }
        // A ratio of two quantities of one row each (a component's recycled mass over its
        // mass: the row's own recycled percentage); a ratio over several rows is a weighted
        // mean, a calculation.
        Some(Derived::Ratio {
            numerator,
            denominator,
            ..
        }) => {
            activity_total(l, numerator, year) == Some(1)
                && activity_total(l, denominator, year) == Some(1)
        }
        None => false,
    }
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
    fn restates_input(&self, name: &str, year: i32) -> bool {
        ledger_restates(self, name, year, 0)
    }
    fn names(&self) -> Vec<String> {
        Ledger::names(self)
    }
}

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The computed value lies in the interval the wording allows, and it was calculated.
    Consistent,
    /// The value lies in the interval, but it is an input quantity restated (the activity
    /// basis, or a figure that sums input columns with no factor): it confirms the inputs
    /// match the publication, not a calculation.
    RestatesInput,
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
            Status::RestatesInput => "restates an input",
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
    /// The factors the printed numbers allow once their rounding is taken into account:
    /// lowest allowed value ÷ highest allowed activity to highest ÷ lowest (rounded at 16
    /// places); `None` when an interval is one-sided.
    pub range: Option<(Decimal, Decimal)>,
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

/// The interval a check's wording allows in its printed unit, under the publication's rounding
/// rule and the check's reading of "about".
pub fn allowed_interval(check: &Check, rule: RoundingRule) -> Result<Interval, CalcError> {
    match (check.relation, check.about) {
        (Relation::About, About::Within(pct)) if !check.precision_given => {
            band(check.relation, check.printed.value, pct)
        }
        _ => allowed_under(check.relation, check.printed.value, check.precision, rule),
    }
}

fn evaluate_check(
    src: &dyn FigureSource,
    check: &Check,
    rule: RoundingRule,
) -> Result<CheckResult, CalcError> {
    let published = target(check.relation, check.printed.value);
    let allowed = allowed_interval(check, rule)?;
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
    let restates = check.measure == Measure::Basis || src.restates_input(&check.figure, check.year);
    r.status = if inside && restates {
        Status::RestatesInput
    } else if inside {
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
        let range = match (
            cv.interval.low,
            cv.interval.high,
            cb.interval.low,
            cb.interval.high,
        ) {
            (Some(vl), Some(vh), Some(bl), Some(bh))
                if bl.value > Decimal::ZERO && vl.value >= Decimal::ZERO =>
            {
                let lo = decimal::div(vl.value, bh.value)?.rounded(decimal::FIGURE_DP);
                let hi = decimal::div(vh.value, bl.value)?.rounded(decimal::FIGURE_DP);
                Some((lo, hi))
            }
            _ => None,
        };
        return Ok(Some(PublishedFactor {
            figure: v.check.figure.clone(),
            published_value: (cv.published, cv.unit.clone()),
            published_basis: (cb.published, cb.unit.clone()),
            value: q.rounded(decimal::FIGURE_DP),
            unit: unit.clone(),
            exact: q.exact && cv.exact && cb.exact,
            range,
        }));
    }
    Ok(None)
}

/// Verifies one claim: every check, then the claim's verdict (inconsistent if any check is;
/// not computed if any check is; consistent if every check agrees and at least one of them
/// agrees with a calculated figure; restates an input if every check only restates inputs).
/// Intervals of rounded numbers are read half away from zero; [`verify`] takes the rule.
pub fn evaluate_claim(src: &dyn FigureSource, claim: &Claim) -> ClaimResult {
    evaluate_claim_under(src, claim, RoundingRule::HalfAwayFromZero)
}

fn evaluate_claim_under(src: &dyn FigureSource, claim: &Claim, rule: RoundingRule) -> ClaimResult {
    let checks: Vec<CheckResult> = claim
        .checks
        .iter()
        .map(|c| {
            evaluate_check(src, c, rule).unwrap_or_else(|e| CheckResult {
                check: c.clone(),
                published: target(c.relation, c.printed.value),
                allowed: allowed_interval(c, rule).unwrap_or(Interval {
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
    let any = |st: Status| checks.iter().any(|c| c.status == st);
    let status = if any(Status::Inconsistent) {
        Status::Inconsistent
    } else if checks.is_empty() || any(Status::NotComputed) {
        Status::NotComputed
    } else if any(Status::Consistent) {
        Status::Consistent
    } else {
        Status::RestatesInput
    };
    let published_factor = published_factor(&checks).ok().flatten();
    ClaimResult {
        claim: claim.clone(),
        checks,
        status,
        published_factor,
    }
}

/// Verifies every claim, in order (intervals half away from zero; see [`verify`]).
pub fn evaluate(src: &dyn FigureSource, claims: &[Claim]) -> Vec<ClaimResult> {
    claims.iter().map(|c| evaluate_claim(src, c)).collect()
}

/// Two claims whose own printed numbers imply factors that cannot be the same, even allowing
/// for the rounding of every number: avoided emissions per unit of the same activity, so the
/// same counterfactual (e.g. the grid electricity that solar power displaces) valued twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorConflict {
    /// The two claims' ids, in file order.
    pub claims: [String; 2],
    /// Their published factors.
    pub factors: [PublishedFactor; 2],
}

/// `verify`'s whole answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// One result per claim, in file order.
    pub results: Vec<ClaimResult>,
    /// The rounding rule the intervals were read under.
    pub rounding: RoundingRule,
    /// True when `claims.toml` states it; false when the project's `[rounding]` was assumed.
    pub rounding_stated: bool,
    /// Claims implying different factors for the same counterfactual.
    pub conflicts: Vec<FactorConflict>,
}

/// Published factors of avoided-emission figures in one unit whose ranges do not overlap.
fn conflicts(results: &[ClaimResult]) -> Vec<FactorConflict> {
    let with: Vec<(&str, &PublishedFactor)> = results
        .iter()
        .filter_map(|r| {
            let f = r.published_factor.as_ref()?;
            f.figure
                .starts_with("avoided.")
                .then_some((r.claim.id.as_str(), f))
        })
        .collect();
    let mut out = Vec::new();
    for (i, (a, fa)) in with.iter().enumerate() {
        for (b, fb) in with.iter().skip(i + 1) {
            let (Some((alo, ahi)), Some((blo, bhi))) = (fa.range, fb.range) else {
                continue;
            };
            if fa.unit == fb.unit && (ahi < blo || bhi < alo) {
                out.push(FactorConflict {
                    claims: [a.to_string(), b.to_string()],
                    factors: [(*fa).clone(), (*fb).clone()],
                });
            }
        }
    }
    out
}

/// Verifies a claims file: every claim under the publication's rounding rule (the file's
/// `rounding`, else `project_rule`, the project's `[rounding]`), and the claims whose printed
/// numbers imply different factors for the same counterfactual.
pub fn verify(
    src: &dyn FigureSource,
    file: &ClaimsFile,
    project_rule: RoundingRule,
) -> Verification {
    let rounding = file.rounding.unwrap_or(project_rule);
    let results: Vec<ClaimResult> = file
        .claims
        .iter()
        .map(|c| evaluate_claim_under(src, c, rounding))
        .collect();
    let conflicts = conflicts(&results);
    Verification {
        results,
        rounding,
        rounding_stated: file.rounding.is_some(),
        conflicts,
    }
}

/// Edit distance (Levenshtein, in characters).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The known figure name nearest to `name`, when it is near enough to be a misspelling.
pub fn nearest_figure(name: &str, known: &[String]) -> Option<String> {
    let (prefix, base) = match name.strip_prefix("change.") {
        Some(b) => ("change.", b),
        None => ("", name),
    };
    let limit = (base.chars().count() / 3).max(2);
    known
        .iter()
        .filter(|k| !k.starts_with("change."))
        .map(|k| (distance(base, k), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| format!("{prefix}{k}"))
}

/// The diagnostics of verified claims, each at its `figure` key's line and column: a figure
/// no input produces (a warning, with the nearest figure name when one is close) and a
/// printed unit that does not fit the figure's (an error). See also [`conflict_diagnostics`].
pub fn diagnostics(
    file: &ClaimsFile,
    src: &dyn FigureSource,
    results: &[ClaimResult],
) -> Vec<Diagnostic> {
    let known = src.names();
    let mut out = Vec::new();
    for r in results {
        for c in &r.checks {
            let ch = &c.check;
            let span = Span::line(&file.file, ch.line).at(ch.column);
            match &c.missing {
                Some(Missing::UnknownFigure) => {
                    let hint = match nearest_figure(&ch.figure, &known) {
                        Some(n) => format!("did you mean `{n}`? (`carbonledger figures` lists every figure)"),
                        None => "`carbonledger figures` lists the figures this project produces; a claim on a figure no input produces is not computed".into(),
                    };
                    out.push(
                        Diagnostic::warning(
                            "unknown-figure",
                            span,
                            format!(
                                "claim `{}`: no input of this project produces `{}`",
                                r.claim.id, ch.figure
                            ),
                        )
                        .with_hint(hint),
                    );
                }
                Some(m @ Missing::Unit(_)) => out.push(
                    Diagnostic::error(
                        "claim-unit-mismatch",
                        span,
                        format!("claim `{}`, `{}`: {m}", r.claim.id, ch.figure),
                    )
                    .with_hint("write `printed` in a unit of the figure's dimension"),
                ),
                _ => {}
            }
        }
    }
    out
}

/// Warnings for the claims of a verification whose printed numbers imply different factors for
/// one counterfactual, each at the second claim's `id` key. A finding about the publication,
/// not the project's inputs: `verify` reports it, `check` does not.
pub fn conflict_diagnostics(file: &ClaimsFile, v: &Verification) -> Vec<Diagnostic> {
    let results = &v.results;
    let mut out = Vec::new();
    for c in &v.conflicts {
        let Some(second) = results.iter().find(|r| r.claim.id == c.claims[1]) else {
            continue;
        };
        let f = |i: usize| {
            let pf = &c.factors[i];
            let mut v = pf.value.round_dp(3);
            v.rescale(3);
            format!("`{}` {v} {}", c.claims[i], pf.unit)
        };
        out.push(
            Diagnostic::warning(
                "claim-factor-conflict",
                Span::line(&file.file, second.claim.line).at(second.claim.column),
                format!(
                    "claims imply different factors for the same counterfactual: {} and {}, even allowing for the rounding of every printed number",
                    f(0),
                    f(1)
                ),
            )
            .with_hint("avoided emissions per unit of the same activity should use one factor; check which counterfactual each claim assumes"),
        );
    }
    out
}

/// Everything `check` reports about a claims file: its parse errors, or, once it parses, the
/// [`diagnostics`] of its claims against the project's figures.
pub fn check_claims(file: &Arc<str>, text: &str, src: &dyn FigureSource) -> Vec<Diagnostic> {
    match super::file::parse_claims(file, text) {
        Err(d) => d,
        Ok(f) => diagnostics(&f, src, &evaluate(src, &f.claims)),
    }
}
