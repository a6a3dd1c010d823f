//! Reading register tables: absent files, row accounting, and the typed fields every register
//! validates the same way (facility, period, amount, unit, factor reference), each problem a
//! diagnostic at the file, line and column.

use super::FileStats;
use crate::activity::{Facilities, Period};
use crate::decimal::{parse_amount, AmountError};
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{read_table, Column, RowRef};
use crate::project::{Input, Project};
use crate::units::{lookup_kind, AnyUnit, DimKind, UnitError};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Streams the optional table `name` of `project`: each row goes to `on_row`, which returns
/// the row's problems (none = used) and, for a rejected row, the quantity left out. Returns the
/// accounting and every diagnostic; an absent file gives `None`.
pub fn read_optional(
    project: &Project,
    input: Input,
    columns: &[Column],
    mut on_row: impl FnMut(&RowRef<'_>) -> (Vec<Diagnostic>, Option<(Decimal, String)>),
) -> Option<(FileStats, Vec<Diagnostic>)> {
    let path = project.path(input);
    if !project.has(input) {
        return None;
    }
    let shown: Arc<str> = project.shown(input);
    let mut stats = FileStats {
        file: shown.to_string(),
        present: true,
        ..FileStats::default()
    };
    let mut diags = Vec::new();
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                "unreadable-file",
                Span::file(&shown),
                format!("cannot read {}: {e}", input.name()),
            ));
            stats.unread = true;
            return Some((stats, diags));
        }
    };
    let res = read_table(&shown, std::io::BufReader::new(file), columns, |row| {
        stats.read += 1;
        let (mut d, left_out) = on_row(row);
        let rejected = d.iter().any(Diagnostic::is_error);
        if rejected {
            stats.rejected += 1;
            match left_out {
                Some((q, unit)) => {
                    let e = stats.rejected_quantity.entry(unit).or_default();
                    *e = e.checked_add(q).unwrap_or(*e);
                }
                None => stats.rejected_unreadable += 1,
            }
        } else {
            stats.used += 1;
        }
        diags.append(&mut d);
    });
    if let Err(mut d) = res {
        stats.unread = true;
        diags.append(&mut d);
    }
    Some((stats, diags))
}

/// The periods already read per subject (a facility's solar, a project's savings), with their
/// lines: a row whose days overlap an earlier row's of another period (an annual total beside
/// its quarters) counts the same days twice, and is warned about (`overlapping-periods`) as
/// such rows of `energy.csv` are. Equal periods are the caller's `duplicate-row`.
#[derive(Debug, Default)]
pub struct PeriodsSeen<K: Ord> {
    seen: std::collections::BTreeMap<
        K,
        Vec<(Period, crate::activity::Day, crate::activity::Day, u64)>,
    >,
}

impl<K: Ord> PeriodsSeen<K> {
    /// Records period `p` of `key` at `line`; returns the first earlier row of `key` with
    /// another period whose days overlap `p`'s: its period, line and the shared days.
    pub fn add(
        &mut self,
        key: K,
        p: Period,
        line: u64,
        calendar: &crate::activity::Calendar,
    ) -> Option<(Period, u64, crate::activity::Day, crate::activity::Day)> {
        let (a, b) = calendar.days_of(p)?;
        let rows = self.seen.entry(key).or_default();
        let found = rows
            .iter()
            .find(|(q, qa, qb, _)| *q != p && *qa <= b && a <= *qb)
            .map(|&(q, qa, qb, l)| (q, l, qa.max(a), qb.min(b)));
        rows.push((p, a, b, line));
        found
    }
}

/// Typed access to one row's fields, collecting every problem.
pub struct Fields<'r, 'a> {
    /// The row.
    pub row: &'r RowRef<'a>,
    /// Problems found so far.
    pub diags: Vec<Diagnostic>,
}

impl<'r, 'a> Fields<'r, 'a> {
    /// Starts reading `row`; a row with the wrong number of fields is reported at once.
    pub fn new(row: &'r RowRef<'a>) -> Self {
        Fields {
            row,
            diags: row.shape_error().into_iter().collect(),
        }
    }

    /// True when the row had the wrong number of fields (nothing else is worth reading).
    pub fn ragged(&self) -> bool {
        self.row.is_ragged()
    }

    /// Warns (`overlapping-periods`, at column `i`) that `what` in period `p` shares days
    /// with `earlier` (its period, line and the shared days): the same amount may be counted
    /// twice. The row is still used, as such rows of `energy.csv` are.
    pub fn overlapping(
        &mut self,
        i: usize,
        what: &str,
        p: Period,
        earlier: (Period, u64, crate::activity::Day, crate::activity::Day),
    ) {
        let (q, line, first, last) = earlier;
        let days = if first == last {
            first.to_string()
        } else {
            format!("{first} to {last}")
        };
        self.diags.push(
            Diagnostic::warning(
                "overlapping-periods",
                self.row.span_of(i),
                format!("{what} {p} overlaps {q} on line {line} ({days}): the same amount may be counted twice"),
            )
            .with_hint("keep either the longer period's total or the rows it sums, not both")
            .with_source(self.row.text()),
        );
    }

    /// Records an error at column `i`.
    pub fn error(&mut self, code: &'static str, i: usize, message: String, hint: Option<String>) {
        self.diags.push(
            Diagnostic::error(code, self.row.span_of(i), message)
                .with_hint_opt(hint)
                .with_source(self.row.text()),
        );
    }

    /// The trimmed text of column `i`.
    pub fn text(&self, i: usize) -> &'a str {
        self.row.get(i)
    }

    /// A required text field.
    pub fn required(&mut self, i: usize, name: &str) -> Option<&'a str> {
        let t = self.row.get(i);
        if t.is_empty() {
            self.error(
                "missing-value",
                i,
                format!("`{name}` is empty"),
                Some(format!("give a value for `{name}`")),
            );
            None
        } else {
            Some(t)
        }
    }

    /// A facility id, as an index into `facilities`.
    pub fn facility(&mut self, i: usize, facilities: &Facilities) -> Option<usize> {
        let id = self.required(i, "facility")?;
        let found = facilities.index_of(id);
        if found.is_none() {
            let known = facilities.ids();
            self.error(
                "unknown-facility",
                i,
                format!("unknown facility `{id}`"),
                Some(format!("facilities.csv defines: {}", known.join(", "))),
            );
        }
        found
    }

    /// A period (`2025`, `2025-Q1`, `2025-03`) of one of the reporting years.
    pub fn period(&mut self, i: usize, reporting_years: &[i32]) -> Option<Period> {
        let t = self.required(i, "period")?;
        let Some(p) = Period::parse(t) else {
            self.error(
                "bad-period",
                i,
                format!("bad period `{t}`"),
                Some("write a year (2025), a quarter (2025-Q1) or a month (2025-03)".into()),
            );
            return None;
        };
        if !reporting_years.contains(&p.year()) {
            // As in the activity files: a row of a year the project does not report would
            // be priced with another year's factors, or not at all.
            self.error(
                "period-outside-reporting-years",
                i,
                format!("period {p} is outside reporting_years {reporting_years:?}"),
                Some("add the year to reporting_years in carbonledger.toml, or move the row to another project".into()),
            );
            return None;
        }
        Some(p)
    }

    /// A period of one of the reporting years; when the reporting year does not start on
    /// 1 January, a whole reporting year only (these files count a row in one year).
    pub fn period_in(&mut self, i: usize, manifest: &crate::project::Manifest) -> Option<Period> {
        let p = self.period(i, &manifest.reporting_years)?;
        if let Some(msg) = crate::activity::fiscal_period_problem(&manifest.calendar, p) {
            self.error(
                "period-in-fiscal-year",
                i,
                msg,
                Some("give this file's rows per reporting year (e.g. 2025); energy.csv and fugitive.csv take months, quarters and days, split by days".into()),
            );
            return None;
        }
        Some(p)
    }

    /// Checks a register row against its facility's time in the boundary (`from`, `to` of
    /// facilities.csv): a period with no day inside is refused (`register-outside-boundary`);
    /// one partly inside is kept whole with a warning (`register-partly-outside-boundary`: a
    /// register row is not split by days).
    pub fn in_boundary(
        &mut self,
        (facility, period): (Option<usize>, Option<Period>),
        col: usize,
        project: &Project,
    ) {
        let (Some(fac), Some(p)) = (facility, period) else {
            return;
        };
        let f = &project.facilities.list[fac];
        let w = f.window;
        if w.is_always() {
            return;
        }
        let Some((a, b)) = project.manifest.calendar.days_of(p) else {
            return;
        };
        let when = match (w.from, w.to) {
            (Some(x), Some(y)) => format!("from {x} to {y}"),
            (Some(x), None) => format!("from {x}"),
            (None, Some(y)) => format!("until {y}"),
            (None, None) => String::new(),
        };
        let first_in = w.from.map_or(a, |x| x.max(a));
        let last_in = w.to.map_or(b, |y| y.min(b));
        if first_in > last_in {
            self.error(
                "register-outside-boundary",
                col,
                format!(
                    "{} is in the boundary {when} (facilities.csv): period {p} ({a}..{b}) is outside",
                    f.id
                ),
                Some("a facility's rows count only for its time in the boundary; remove the row (before an acquisition, its data belongs to the base-year restatement of energy.csv)".into()),
            );
        } else if first_in > a || last_in < b {
            self.diags.push(
                Diagnostic::warning(
                    "register-partly-outside-boundary",
                    self.row.span_of(col),
                    format!(
                        "{} is in the boundary {when} (facilities.csv): period {p} ({a}..{b}) is partly outside, and this row is counted whole",
                        f.id
                    ),
                )
                .with_hint("give the row for the facility's days in the boundary only (this file is not split by days)")
                .with_source(self.row.text()),
            );
        }
    }

    /// A period and the reporting year it falls in under the manifest's calendar: a year is a
    /// reporting year (FY2025 when the year starts on 1 April); a calendar quarter or month
    /// counts in the reporting year its days fall in, and is refused
    /// (`period-in-fiscal-year`) when it crosses a reporting-year start.
    pub fn reporting_period(
        &mut self,
        i: usize,
        manifest: &crate::project::Manifest,
    ) -> Option<(Period, i32)> {
        let t = self.required(i, "period")?;
        let Some(p) = Period::parse(t) else {
            self.error(
                "bad-period",
                i,
                format!("bad period `{t}`"),
                Some("write a year (2025), a quarter (2025-Q1) or a month (2025-03)".into()),
            );
            return None;
        };
        let cal = &manifest.calendar;
        let year = match (p, cal.days_of(p)) {
            (Period::Year(y), _) => y,
            (_, Some((a, b))) if cal.year_of(a) == cal.year_of(b) => cal.year_of(a),
            (_, days) => {
                let rule = days.map_or(String::new(), |(_, last)| cal.describe(cal.year_of(last)));
                self.error(
                    "period-in-fiscal-year",
                    i,
                    format!("period {p} crosses the start of a reporting year ({rule})"),
                    Some("give the row per reporting year, or per month".into()),
                );
                return None;
            }
        };
        let years = &manifest.reporting_years;
        if !years.contains(&year) {
            self.error(
                "period-outside-reporting-years",
                i,
                format!("period {p} (reporting year {year}) is outside reporting_years {years:?}"),
                Some("add the year to reporting_years in carbonledger.toml, or move the row to another project".into()),
            );
            return None;
        }
        Some((p, year))
    }

    /// An exact decimal amount; negative amounts are refused.
    pub fn amount(&mut self, i: usize, name: &str) -> Option<Decimal> {
        let t = self.required(i, name)?;
        match parse_amount(t) {
            Ok(q) if q.is_sign_negative() && !q.is_zero() => {
                self.error(
                    "negative-quantity",
                    i,
                    format!("negative {name} {q}"),
                    Some(format!("`{name}` cannot be negative")),
                );
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                let code = match e {
                    AmountError::AmbiguousComma(_) => "ambiguous-number",
                    AmountError::OutOfRange(_) => "overflow",
                    _ => "malformed-number",
                };
                self.error(
                    code,
                    i,
                    format!("{e} in column `{name}`"),
                    Some(e.hint().to_string()),
                );
                None
            }
        }
    }

    /// An optional amount (empty → `None` without a problem).
    pub fn optional_amount(&mut self, i: usize, name: &str) -> Option<Decimal> {
        if self.row.get(i).is_empty() {
            None
        } else {
            self.amount(i, name)
        }
    }

    /// A fraction written as `0.9`, `90%`; must lie in [0, 1].
    pub fn fraction(&mut self, i: usize, name: &str) -> Option<Decimal> {
        let t = self.required(i, name)?;
        let (body, pct) = match t.strip_suffix('%') {
            Some(b) => (b.trim(), true),
            None => (t, false),
        };
        let v = match parse_amount(body) {
            Ok(v) if pct => v.checked_div(Decimal::ONE_HUNDRED),
            Ok(v) => Some(v),
            Err(_) => None,
        };
        match v {
            Some(v) if v >= Decimal::ZERO && v <= Decimal::ONE => Some(v),
            _ => {
                self.error(
                    "bad-fraction",
                    i,
                    format!("`{name}` = `{t}` is not a fraction between 0 and 1 (or 0% and 100%)"),
                    Some("write e.g. 0.9 or 90%".into()),
                );
                None
            }
        }
    }

    /// A unit of one of the `allowed` dimensions.
    pub fn unit(&mut self, i: usize, allowed: &[DimKind], what: &str) -> Option<AnyUnit> {
        let t = self.required(i, "unit")?;
        match lookup_kind(t, allowed) {
            Ok(u) => Some(u),
            Err(e) => {
                let code = match e {
                    UnitError::Mismatch { .. } => "wrong-dimension",
                    _ => "unknown-unit",
                };
                let hint = e.hint();
                self.error(code, i, format!("{e} in column `unit` ({what})"), hint);
                None
            }
        }
    }

    /// An optional factor reference (`SET@EDITION:KEY` or `SET:KEY`).
    pub fn factor_ref(&mut self, i: usize) -> Option<FactorRef> {
        let t = self.row.get(i);
        if t.is_empty() {
            return None;
        }
        match FactorRef::parse(t) {
            Ok(r) => Some(r),
            Err(e) => {
                self.error(
                    "bad-factor-reference",
                    i,
                    e.to_string(),
                    Some("e.g. cn-mee-grid:national_fossil".into()),
                );
                None
            }
        }
    }
}
