//! `carbonledger verify [DIR] [--claims FILE]`: every published claim of `claims.toml` against
//! the computed figures — the wording, the published value, the interval the wording allows,
//! the computed value, the implied factor, and a verdict. Exit 0 when every claim is
//! consistent or restates an input; 1 when any is inconsistent or not computed, or the claims
//! file has errors (a printed unit that does not fit its figure among them).

use super::common::{load, print_diagnostics, Format, ProjectOpts};
use super::json::verify::{
    AmountJson, BoundJson, CheckCountsJson, CheckJson, ClaimJson, ComputedJson, ConflictFactorJson,
    ConflictJson, IntervalJson, PrecisionJson, PublishedFactorJson, RangeJson, RoundingJson,
    SummaryJson, VerifyJson,
};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::claims::{
    conflict_diagnostics, diagnostics, parse_claims, verify, About, CheckResult, ClaimResult,
    ClaimsFile, Interval, Measure, Relation, Status, Verification, CLAIMS_FILE,
};
use carbonledger::decimal::group_thousands;
use carbonledger::diag::{Diagnostic, Span};
use carbonledger::project::shown_path;
use carbonledger::report::{render_csv, Cell, Table};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Claims file (default: DIR/claims.toml).
    #[arg(long, value_name = "FILE")]
    claims: Option<PathBuf>,
    /// Output format: `table` (one block per claim), `csv` (one row per check, exact), `json`.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

fn read_claims(a: &Args) -> Result<ClaimsFile, Exit> {
    let (path, shown): (PathBuf, Arc<str>) = match &a.claims {
        Some(p) => (p.clone(), p.to_string_lossy().into()),
        None => (a.dir.join(CLAIMS_FILE), shown_path(&a.dir, CLAIMS_FILE)),
    };
    let bytes = std::fs::read(&path).map_err(|e| {
        print_diagnostics(&[Diagnostic::error(
            "missing-file",
            Span::file(&shown),
            format!("cannot read the claims: {e}"),
        )
        .with_hint("write a claims.toml (README.md `Claims`; `carbonledger init DIR` has a template) or name one with --claims FILE")]);
        Exit::Io
    })?;
    let text = carbonledger::ingest::utf8_text(&shown, bytes, false).map_err(|d| {
        print_diagnostics(&[d]);
        Exit::Data
    })?;
    parse_claims(&shown, &text).map_err(|d| {
        print_diagnostics(&d);
        Exit::Data
    })
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<Exit, Exit> {
        let file = read_claims(&a)?;
        let (project, ledger) = load(&a.dir, &a.opts)?;
        let v = verify(&*ledger, &file, project.manifest.rounding);
        // A unit that cannot be compared is a mistake in the claims file, a figure no input
        // produces perhaps a misspelling: say where.
        let mut diags = diagnostics(&file, &*ledger, &v.results);
        diags.extend(conflict_diagnostics(&file, &v));
        if !diags.is_empty() {
            print_diagnostics(&diags);
        }
        let text = match a.format {
            Format::Table => render_text(&file, &v),
            Format::Csv => render_csv(&table(&v)),
            Format::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&to_json(&file, &v)).map_err(|_| Exit::Io)?
            ),
        };
        a.output.write(&text)?;
        let passed = v
            .results
            .iter()
            .all(|r| matches!(r.status, Status::Consistent | Status::RestatesInput));
        Ok(if passed && !diags.iter().any(|d| d.is_error()) {
            Exit::Ok
        } else {
            Exit::Data
        })
    };
    match inner() {
        Ok(e) | Err(e) => e,
    }
}

/// The publication's rounding rule and where it came from, as one sentence.
fn rounding_text(v: &Verification) -> String {
    if v.rounding_stated {
        format!(
            "printed numbers were rounded {} (`rounding` in the claims file)",
            v.rounding.describe()
        )
    } else {
        format!(
            "printed numbers are read as rounded {}, assumed from carbonledger.toml [rounding]: the publication states no rule (give `rounding` in the claims file)",
            v.rounding.describe()
        )
    }
}

/// How the interval of a rounded printed number was read: the precision and, for an `about`
/// check, the reading of the word and where it came from.
fn reading_text(c: &CheckResult, file: &ClaimsFile) -> Option<String> {
    let ch = &c.check;
    if !ch.relation.uses_precision() {
        return None;
    }
    let unit = &ch.printed.unit.text;
    let p = num(ch.precision);
    if ch.precision_given {
        return Some(format!("to the given precision, {p} {unit}"));
    }
    if ch.relation != Relation::About {
        return Some(format!("to its last written digit, {p} {unit}"));
    }
    let word = ch
        .printed
        .qualifier
        .as_ref()
        .map_or_else(|| "about".to_string(), |(w, _)| format!("{w} (about)"));
    let from = if file.about.is_some() {
        "the claims file's"
    } else {
        "default"
    };
    Some(match ch.about {
        About::Within(pct) => format!(
            "{word}: within ±{}% of the number, ends included (about = \"{}\")",
            pct.normalize(),
            ch.about.name()
        ),
        About::EveryDigit => format!(
            "{word}: every written digit significant, to the nearest {p} {unit} (about = \"every_digit\")"
        ),
        About::Rounded => format!(
            "{word}: rounded at its last non-zero digit, to the nearest {p} {unit} (about = \"rounded\", {from}: the tightest reading that leaves the word a meaning)"
        ),
    })
}

/// The conflicts a claim takes part in, as one sentence each.
fn conflict_notes(v: &Verification, id: &str) -> Vec<String> {
    v.conflicts
        .iter()
        .filter(|c| c.claims.iter().any(|x| x == id))
        .map(conflict_text)
        .collect()
}

/// A factor shown at three places, as the issue and the fixture's comments quote them.
fn dp3(d: Decimal) -> String {
    let mut x = d.round_dp(3);
    x.rescale(3);
    x.to_string()
}

/// One conflict in words: both claims and their implied factors.
fn conflict_text(c: &carbonledger::claims::FactorConflict) -> String {
    let f = |i: usize| {
        let pf = &c.factors[i];
        let range = pf
            .range
            .map(|(lo, hi)| format!(" ({}–{} allowing for rounding)", dp3(lo), dp3(hi)))
            .unwrap_or_default();
        format!("`{}` {} {}{range}", c.claims[i], dp3(pf.value), pf.unit)
    };
    format!(
        "claims imply different factors for the same counterfactual: {} and {}; one avoided quantity per unit of activity cannot be both",
        f(0),
        f(1)
    )
}

fn num(d: Decimal) -> String {
    group_thousands(&d.normalize().to_string())
}

fn interval_text(i: &Interval, unit: &str, exact: bool) -> String {
    let approx = if exact { "" } else { "≈ " };
    let lt = |inclusive: bool| if inclusive { "≤" } else { "<" };
    match (i.low, i.high) {
        (Some(l), Some(h)) => format!(
            "{approx}{} {} x {} {} {unit}",
            num(l.value),
            lt(l.inclusive),
            lt(h.inclusive),
            num(h.value)
        ),
        (Some(l), None) => format!(
            "x {} {approx}{} {unit}",
            if l.inclusive { "≥" } else { ">" },
            num(l.value)
        ),
        (None, Some(h)) => format!("x {} {approx}{} {unit}", lt(h.inclusive), num(h.value)),
        (None, None) => "any value".to_string(),
    }
}

/// The allowed interval and published value, in the figure's unit when it is known.
fn allowed_text(c: &CheckResult) -> (String, String) {
    let p = &c.check.printed;
    let in_printed = format!("{} {}", num(c.published), p.unit.text);
    match &c.converted {
        Some(conv) => {
            let same = conv.unit == p.unit.text && conv.exact;
            let published = if same {
                in_printed
            } else {
                format!(
                    "{in_printed} = {}{} {}",
                    if conv.exact { "" } else { "≈ " },
                    num(conv.published),
                    conv.unit
                )
            };
            (
                published,
                interval_text(&conv.interval, &conv.unit, conv.exact),
            )
        }
        None => (in_printed, interval_text(&c.allowed, &p.unit.text, true)),
    }
}

fn verdict(c: &CheckResult) -> String {
    match (&c.missing, c.status) {
        (Some(m), _) => format!("{}: {m}", c.status.name()),
        (None, Status::RestatesInput) if c.check.measure == Measure::Basis => format!(
            "{}: the activity basis is the input quantity the figure was computed from; it agrees with the publication, which confirms the input, not a calculation",
            c.status.name()
        ),
        (None, Status::RestatesInput) => format!(
            "{}: the figure is input quantities restated (read from input columns, no factor applied); it agrees with the publication, which confirms the inputs, not a calculation",
            c.status.name()
        ),
        (None, _) => c.status.name().to_string(),
    }
}

fn render_text(file: &ClaimsFile, v: &Verification) -> String {
    let results = &v.results;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Claims: {}{}",
        file.file,
        file.publication
            .as_deref()
            .map(|p| format!(" — {p}"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "Rounding: {}.\n", rounding_text(v));
    for r in results {
        let _ = writeln!(s, "{} — {}", r.claim.id, r.status.name());
        let _ = writeln!(s, "  wording    {}", r.claim.wording);
        if let Some(src) = &r.claim.source {
            let _ = writeln!(s, "  source     {src}");
        }
        let n = r.checks.len();
        for (i, c) in r.checks.iter().enumerate() {
            let ch = &c.check;
            let label = if n > 1 {
                format!("check {}/{n}", i + 1)
            } else {
                "check".to_string()
            };
            let of = if ch.measure == Measure::Basis {
                "the activity basis of "
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {label:<10} {of}{} {}, {} \"{}\"",
                ch.figure,
                ch.year,
                ch.relation.name(),
                ch.printed.text,
            );
            let (published, allowed) = allowed_text(c);
            let _ = writeln!(s, "  published  {published}");
            if let Some(reading) = reading_text(c, file) {
                let _ = writeln!(s, "  reading    {reading}");
            }
            let _ = writeln!(s, "  allowed    {allowed}");
            let computed = match &c.computed {
                Some(v) => format!(
                    "{} {}{}",
                    num(v.value),
                    v.unit,
                    if v.exact {
                        ""
                    } else {
                        " (a non-terminating division was rounded; see docs/methodology.md)"
                    }
                ),
                None => "—".to_string(),
            };
            let _ = writeln!(s, "  computed   {computed}");
            if let Some((v, u)) = &c.implied_factor {
                let _ = writeln!(
                    s,
                    "  implied    {} {u} (the figure ÷ the activity it was computed from)",
                    num(*v)
                );
            }
            if let Some(note) = &c.note {
                let _ = writeln!(s, "  note       {note}");
            }
            let _ = writeln!(s, "  verdict    {}", verdict(c));
        }
        if let Some(pf) = &r.published_factor {
            let computed = r
                .checks
                .iter()
                .find_map(|c| c.implied_factor.as_ref())
                .map(|(v, _)| format!("; computed {}", num(*v)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  as published {} {} ÷ {} {} {} {} {}{computed}",
                num(pf.published_value.0),
                pf.published_value.1,
                num(pf.published_basis.0),
                pf.published_basis.1,
                if pf.exact { "=" } else { "≈" },
                num(pf.value.round_dp(6)),
                pf.unit
            );
        }
        for note in conflict_notes(v, &r.claim.id) {
            let _ = writeln!(s, "  warning    {note}");
        }
        s.push('\n');
    }
    let count = |st: Status| results.iter().filter(|r| r.status == st).count();
    let checks: Vec<&CheckResult> = results.iter().flat_map(|r| &r.checks).collect();
    let count_checks = |st: Status| checks.iter().filter(|c| c.status == st).count();
    let _ = writeln!(
        s,
        "{} claim{}: {} consistent, {} restate an input, {} inconsistent, {} not computed",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        count(Status::Consistent),
        count(Status::RestatesInput),
        count(Status::Inconsistent),
        count(Status::NotComputed)
    );
    let _ = writeln!(
        s,
        "{} check{}: {} consistent with a calculated figure, {} restate an input (they confirm the inputs, not a calculation), {} inconsistent, {} not computed",
        checks.len(),
        if checks.len() == 1 { "" } else { "s" },
        count_checks(Status::Consistent),
        count_checks(Status::RestatesInput),
        count_checks(Status::Inconsistent),
        count_checks(Status::NotComputed)
    );
    if !v.conflicts.is_empty() {
        let _ = writeln!(
            s,
            "{} warning{}: claims implying different factors for the same counterfactual",
            v.conflicts.len(),
            if v.conflicts.len() == 1 { "" } else { "s" }
        );
    }
    s
}

fn table(v: &Verification) -> Table {
    let results: &[ClaimResult] = &v.results;
    let mut t = Table::new(
        "Claims",
        &[
            "claim",
            "claim_status",
            "figure",
            "year",
            "measure",
            "relation",
            "printed",
            "precision",
            "precision_unit",
            "published",
            "low",
            "low_inclusive",
            "high",
            "high_inclusive",
            "interval_unit",
            "interval_exact",
            "computed",
            "computed_exact",
            "implied_factor",
            "implied_factor_unit",
            "status",
            "reason",
            "about",
            "rounding",
            "warning",
        ],
    );
    let yes_no = |b: bool| Cell::Text(if b { "yes" } else { "no" }.into());
    for r in results {
        for c in &r.checks {
            let ch = &c.check;
            // In the figure's unit once it is known, else in the printed unit.
            let (published, interval, unit, exact) = match &c.converted {
                Some(v) => (v.published, v.interval, v.unit.clone(), v.exact),
                None => (c.published, c.allowed, ch.printed.unit.text.clone(), true),
            };
            let end = |b: Option<carbonledger::claims::Bound>| match b {
                Some(b) => (
                    Cell::Num(b.value.normalize().to_string()),
                    yes_no(b.inclusive),
                ),
                None => (Cell::Num(String::new()), Cell::Text(String::new())),
            };
            let (lo, lo_inc) = end(interval.low);
            let (hi, hi_inc) = end(interval.high);
            let (iv, iu) = c
                .implied_factor
                .as_ref()
                .map(|(v, u)| (v.to_string(), u.clone()))
                .unwrap_or_default();
            t.push(vec![
                Cell::Text(r.claim.id.clone()),
                Cell::Text(r.status.name().into()),
                Cell::Text(ch.figure.clone()),
                Cell::Num(ch.year.to_string()),
                Cell::Text(ch.measure.name().into()),
                Cell::Text(ch.relation.name().into()),
                Cell::Text(ch.printed.text.clone()),
                Cell::Num(ch.precision.normalize().to_string()),
                Cell::Text(ch.printed.unit.text.clone()),
                Cell::Num(published.normalize().to_string()),
                lo,
                lo_inc,
                hi,
                hi_inc,
                Cell::Text(unit),
                yes_no(exact),
                Cell::Num(
                    c.computed
                        .as_ref()
                        .map(|v| v.value.to_string())
                        .unwrap_or_default(),
                ),
                c.computed
                    .as_ref()
                    .map_or(Cell::Text(String::new()), |v| yes_no(v.exact)),
                Cell::Num(iv),
                Cell::Text(iu),
                Cell::Text(c.status.name().into()),
                Cell::Text(
                    c.missing
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ),
                Cell::Text(about_key(c)),
                Cell::Text(rounding_key(c, v)),
                Cell::Text(conflict_notes(v, &r.claim.id).join("; ")),
            ]);
        }
    }
    t
}

/// The reading of "about" a check used, as `claims.toml` writes it (empty for other relations
/// and for a given precision).
fn about_key(c: &CheckResult) -> String {
    if c.check.relation == Relation::About && !c.check.precision_given {
        c.check.about.name()
    } else {
        String::new()
    }
}

/// The rounding rule an interval was read under (empty for one-sided relations and bands).
fn rounding_key(c: &CheckResult, v: &Verification) -> String {
    let ch = &c.check;
    let band = ch.relation == Relation::About
        && !ch.precision_given
        && matches!(ch.about, About::Within(_));
    if !ch.relation.uses_precision() || band {
        return String::new();
    }
    match v.rounding {
        carbonledger::decimal::RoundingRule::HalfAwayFromZero => "half_away_from_zero".into(),
        carbonledger::decimal::RoundingRule::HalfEven => "half_even".into(),
    }
}

fn interval_json(i: &Interval, unit: &str, exact: bool) -> IntervalJson {
    let end = |b: Option<carbonledger::claims::Bound>| {
        b.map(|b| BoundJson {
            value: b.value.normalize().to_string(),
            inclusive: b.inclusive,
        })
    };
    IntervalJson {
        low: end(i.low),
        high: end(i.high),
        unit: unit.to_string(),
        exact,
    }
}

fn range_json(r: Option<(Decimal, Decimal)>) -> Option<RangeJson> {
    r.map(|(lo, hi)| RangeJson {
        low: lo.to_string(),
        high: hi.to_string(),
    })
}

fn amount(value: impl ToString, unit: impl ToString) -> AmountJson {
    AmountJson {
        value: value.to_string(),
        unit: unit.to_string(),
    }
}

fn check_json(c: &CheckResult, file: &ClaimsFile, v: &Verification) -> CheckJson {
    let ch = &c.check;
    let p = &ch.printed;
    CheckJson {
        figure: ch.figure.clone(),
        year: ch.year,
        measure: ch.measure.name().to_string(),
        relation: ch.relation.name().to_string(),
        printed: p.text.clone(),
        precision: PrecisionJson {
            value: ch.precision.normalize().to_string(),
            unit: p.unit.text.to_string(),
            given: ch.precision_given,
        },
        published: amount(c.published.normalize(), &p.unit.text),
        allowed: interval_json(&c.allowed, &p.unit.text, true),
        allowed_in_figure_unit: c
            .converted
            .as_ref()
            .map(|v| interval_json(&v.interval, &v.unit, v.exact)),
        computed: c.computed.as_ref().map(|v| ComputedJson {
            value: v.value.to_string(),
            unit: v.unit.to_string(),
            exact: v.exact,
        }),
        implied_factor: c.implied_factor.as_ref().map(|(v, u)| amount(v, u)),
        status: c.status.name().to_string(),
        reason: c.missing.as_ref().map(|m| m.to_string()),
        note: c.note.clone(),
        about: about_key(c),
        rounding: rounding_key(c, v),
        reading: reading_text(c, file),
        line: ch.line,
        column: ch.column,
    }
}

fn to_json(file: &ClaimsFile, v: &Verification) -> VerifyJson {
    let results: &[ClaimResult] = &v.results;
    let claims = results
        .iter()
        .map(|r| ClaimJson {
            id: r.claim.id.clone(),
            wording: r.claim.wording.clone(),
            source: r.claim.source.clone(),
            status: r.status.name().to_string(),
            checks: r.checks.iter().map(|c| check_json(c, file, v)).collect(),
            published_implied_factor: r.published_factor.as_ref().map(|f| PublishedFactorJson {
                figure: f.figure.clone(),
                published_value: amount(f.published_value.0, &f.published_value.1),
                published_basis: amount(f.published_basis.0, &f.published_basis.1),
                value: f.value.to_string(),
                unit: f.unit.to_string(),
                exact: f.exact,
                range: range_json(f.range),
            }),
            warnings: conflict_notes(v, &r.claim.id),
        })
        .collect();
    let count = |st: Status| results.iter().filter(|r| r.status == st).count();
    let checks: Vec<&CheckResult> = results.iter().flat_map(|r| &r.checks).collect();
    let count_checks = |st: Status| checks.iter().filter(|c| c.status == st).count();
    let factor_conflicts = v
        .conflicts
        .iter()
        .map(|c| ConflictJson {
            claims: c.claims.to_vec(),
            factors: c
                .factors
                .iter()
                .map(|f| ConflictFactorJson {
                    figure: f.figure.clone(),
                    value: f.value.to_string(),
                    unit: f.unit.to_string(),
                    range: range_json(f.range),
                })
                .collect(),
        })
        .collect();
    VerifyJson {
        schema_version: super::json::SCHEMA_VERSION,
        file: file.file.to_string(),
        publication: file.publication.clone(),
        rounding: RoundingJson {
            rule: match v.rounding {
                carbonledger::decimal::RoundingRule::HalfAwayFromZero => "half_away_from_zero",
                carbonledger::decimal::RoundingRule::HalfEven => "half_even",
            },
            from: if v.rounding_stated {
                "claims.toml"
            } else {
                "carbonledger.toml"
            },
            text: rounding_text(v),
        },
        about: file.about.unwrap_or_default().name().to_string(),
        claims,
        factor_conflicts,
        summary: SummaryJson {
            claims: results.len(),
            consistent: count(Status::Consistent),
            restates_input: count(Status::RestatesInput),
            inconsistent: count(Status::Inconsistent),
            not_computed: count(Status::NotComputed),
            checks: CheckCountsJson {
                checks: checks.len(),
                consistent: count_checks(Status::Consistent),
                restates_input: count_checks(Status::RestatesInput),
                inconsistent: count_checks(Status::Inconsistent),
                not_computed: count_checks(Status::NotComputed),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use carbonledger::claims::{FigureSource, Value};
    use carbonledger::decimal::CalcError;
    use rust_decimal::dec;

    /// avoided.x 2025 = 8,004 t CO2e from 13,340 MWh.
    struct Solar;
    impl FigureSource for Solar {
        fn knows(&self, name: &str) -> bool {
            name == "avoided.x"
        }
        fn value(&self, name: &str, _: i32) -> Result<Option<Value>, CalcError> {
            Ok(self.knows(name).then(|| Value {
                value: dec!(8004),
                unit: "t CO2e".into(),
                exact: true,
            }))
        }
        fn basis(&self, name: &str, _: i32) -> Option<Value> {
            self.knows(name).then(|| Value {
                value: dec!(13340),
                unit: "MWh".into(),
                exact: true,
            })
        }
        fn implied_factor(&self, n: &str, _: i32) -> Result<Option<(Decimal, String)>, CalcError> {
            Ok(self.knows(n).then(|| (dec!(0.6), "t CO2e/MWh".into())))
        }
        fn restates_input(&self, _: &str, _: i32) -> bool {
            false
        }
        fn names(&self) -> Vec<String> {
            vec!["avoided.x".into()]
        }
    }

    #[test]
    fn text_shows_the_converted_interval_and_both_implied_factors() {
        let text = "year = 2025\n[[claim]]\nid = \"solar\"\nwording = \"w\"\n[[claim.check]]\nfigure = \"avoided.x\"\nrelation = \"about\"\nprinted = \"约0.8万吨CO₂\"\n[[claim.check]]\nfigure = \"avoided.x\"\nmeasure = \"basis\"\nrelation = \"exact\"\nprinted = \"1,334万千瓦时\"\n";
        let file = parse_claims(&"claims.toml".into(), text).unwrap();
        let v = verify(
            &Solar,
            &file,
            carbonledger::decimal::RoundingRule::HalfAwayFromZero,
        );
        let out = render_text(&file, &v);
        for needle in [
            "solar — consistent",
            // 0.8万 t at 0.1万 t: 7,500 ≤ x < 8,500 t.
            "published  0.8 万吨CO₂ = 8,000 t CO2e",
            "allowed    7,500 ≤ x < 8,500 t CO2e",
            "computed   8,004 t CO2e",
            "implied    0.6 t CO2e/MWh",
            "note       printed as CO2, the figure is CO2e",
            // 1,334万kWh = 13,340 MWh, ± 5 MWh.
            "allowed    13,335 ≤ x < 13,345 MWh",
            // 8,000 / 13,340 = 0.599700149…
            "as published 8,000 t CO2e ÷ 13,340 MWh ≈ 0.5997 t CO2e/MWh; computed 0.6",
            "1 claim: 1 consistent, 0 restate an input, 0 inconsistent, 0 not computed",
            // The basis half restates the input; the value half is a calculation.
            "2 checks: 1 consistent with a calculated figure, 1 restate an input",
            "reading    约 (about): rounded at its last non-zero digit, to the nearest 0.1 万吨CO₂ (about = \"rounded\", default",
            "Rounding: printed numbers are read as rounded half away from zero, assumed from carbonledger.toml [rounding]",
        ] {
            assert!(out.contains(needle), "missing `{needle}` in\n{out}");
        }
    }
}
