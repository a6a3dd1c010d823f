//! Base-year recalculation for structural changes (GHG Protocol Corporate Standard, chapter 5,
//! "Tracking emissions over time"): when a facility is acquired (or an activity insourced)
//! after the base year began, its base-year emissions are added to the base year; when one is
//! divested (or outsourced), its base-year emissions are removed — for the whole base year,
//! whatever the date in the year. Openings and closures are organic growth and decline: no
//! recalculation. The base year is restated when the cumulative change of its total
//! (scope 1 + 2, location-based) is at or above the manifest's `significance_threshold`.
//!
//! An acquired facility's base-year emissions are the rows of its days outside the boundary
//! (`Computation::outside`): the same rows, factors and calculation as every other line.

use crate::activity::{BoundaryEvent, Day};
use crate::calc::Computation;
use crate::decimal::{self, CalcError};
use crate::figures::{Filter, Measure};
use crate::project::Project;
use rust_decimal::Decimal;

/// Figures restated for the base year (`restated.<name>`), when the project has them.
pub const RESTATED: [&str; 5] = [
    "ghg.scope1",
    "ghg.scope2.location",
    "ghg.total.location",
    "energy.total",
    "intensity.ghg_per_energy",
];

/// Figures compared with the base year (`change_vs_base.<name>`), when the project has them.
pub const TREND: [&str; 7] = [
    "ghg.scope1",
    "ghg.scope2.location",
    "ghg.scope2.market",
    "ghg.total.location",
    "ghg.total.market",
    "energy.total",
    "intensity.ghg_per_energy",
];

/// Whether the base year of `name` is restated (`restated.<name>`) and compared with
/// (`change_vs_base.<name>`): the chain figures above, market-based scope 2 and its total,
/// scope 3 and its categories, and every intensity (per energy and per metric).
pub fn restated_name(name: &str) -> bool {
    RESTATED.contains(&name)
        || TREND.contains(&name)
        || name == "ghg.scope3"
        || name
            .strip_prefix("ghg.scope3.cat")
            .is_some_and(|c| c.parse::<u8>().is_ok())
        || name.starts_with("intensity.")
}

/// The structural changes since the base year began, by facility index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    /// The manifest's base year.
    pub base_year: i32,
    /// The significance threshold, in %.
    pub threshold_pct: Decimal,
    /// Facilities that entered by a structural change: (index, event, first day inside).
    pub added: Vec<(usize, BoundaryEvent, Day)>,
    /// Facilities that left by a structural change: (index, event, last day inside).
    pub removed: Vec<(usize, BoundaryEvent, Day)>,
    /// Facility ids, by index (for the verdict's words).
    pub ids: Vec<String>,
    /// Facilities whose share or control changed after the base year began (and by the end
    /// of the latest reporting year): (index, first day of its latest terms then, that terms
    /// index). Their base year is restated at those terms.
    pub reterms: Vec<(usize, Day, usize)>,
}

/// What one structural change moves the base year's total by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// Facility id.
    pub facility: String,
    /// The event.
    pub event: BoundaryEvent,
    /// Its date (first day inside for an entry, last day inside for an exit).
    pub date: Day,
    /// t CO2e added to (positive) or removed from (negative) the base year's
    /// `ghg.total.location`.
    pub delta: Decimal,
    /// For an acquisition: whether the project has its base-year rows at all.
    pub has_data: bool,
}

/// The base-year verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restatement {
    /// Base year.
    pub base_year: i32,
    /// `ghg.total.location` of the base year as reported.
    pub original: Decimal,
    /// Restated.
    pub restated: Decimal,
    /// (restated − original) / original × 100; `None` when the original is zero.
    pub change_pct: Option<Decimal>,
    /// The threshold, in %.
    pub threshold_pct: Decimal,
    /// Whether the base year is restated (|change| ≥ threshold).
    pub restate: bool,
    /// What moved it.
    pub moves: Vec<Move>,
    /// Other totals of the base year restated with it: (figure, as reported, restated), in
    /// t CO2e (market-based total, scope 3 where computed).
    pub also: Vec<(String, Decimal, Decimal)>,
}

impl Structure {
    /// The structural changes of a project: entries after the base year began and exits
    /// before the latest reporting year ended.
    pub fn of(project: &Project) -> Structure {
        let m = &project.manifest;
        let mut s = Structure {
            base_year: m.base_year,
            threshold_pct: m.significance_threshold_pct,
            ids: project
                .facilities
                .list
                .iter()
                .map(|f| f.id.clone())
                .collect(),
            ..Structure::default()
        };
        let Some((base_first, _)) = m.calendar.range(m.base_year) else {
            return s;
        };
        let latest = m.reporting_years.last().copied().unwrap_or(m.base_year);
        let Some((_, latest_last)) = m.calendar.range(latest) else {
            return s;
        };
        for (i, f) in project.facilities.list.iter().enumerate() {
            let latest_terms = f.changes.iter().filter(|c| c.from <= latest_last).count();
            if let Some(c) = f
                .changes
                .iter()
                .take(latest_terms)
                .rfind(|c| c.from > base_first)
            {
                s.reterms.push((i, c.from, latest_terms));
            }
            if let (Some(ev), Some(from)) = (f.entry, f.window.from) {
                if ev.is_structural() && from > base_first && from <= latest_last {
                    s.added.push((i, ev, from));
                }
            }
            if let (Some(ev), Some(to)) = (f.exit, f.window.to) {
                if ev.is_structural() && to >= base_first && to < latest_last {
                    s.removed.push((i, ev, to));
                }
            }
        }
        s
    }

    /// Whether there is anything to restate.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.reterms.is_empty()
    }

    /// Whether the facility's base year is restated at its latest terms.
    pub fn reterms(&self, facility: usize) -> bool {
        self.reterms.iter().any(|r| r.0 == facility) && !self.removes(facility)
    }

    /// The project with every facility of `reterms` under its latest terms on every day
    /// (its changes folded in), whose computation gives the restated base-year chains of
    /// those facilities; `None` when no share or control changed.
    pub fn latest_terms_project(&self, project: &Project) -> Option<Project> {
        if self.reterms.is_empty() {
            return None;
        }
        let mut p = project.clone();
        for &(i, _, n) in &self.reterms {
            if let Some(f) = p.facilities.list.get_mut(i) {
                let t = f.terms(n);
                f.equity_share = t.equity_share;
                f.operational_control = t.operational_control;
                f.financial_control = t.financial_control;
                f.changes.clear();
            }
        }
        Some(p)
    }

    /// Whether the restatement removes the facility's base-year lines (divested, outsourced).
    pub fn removes(&self, facility: usize) -> bool {
        self.removed.iter().any(|r| r.0 == facility)
    }

    /// Whether the restatement adds the facility's base-year days outside the boundary.
    pub fn adds(&self, facility: usize) -> bool {
        self.added.iter().any(|a| a.0 == facility) && !self.removes(facility)
    }

    /// The restated base-year sum of an additive figure, in base units (kg, J, kgce): the
    /// reported lines of facilities not divested, plus the lines of acquired facilities'
    /// days outside the boundary in the base year.
    pub fn restated_sum(
        &self,
        comp: &Computation,
        filter: &Filter,
        measure: &Measure,
    ) -> Result<Decimal, CalcError> {
        let mut total = Decimal::ZERO;
        for (c, a) in comp.chains.iter().zip(&comp.accums) {
            if c.year == self.base_year && filter.covers(c) && !self.removes(c.facility) {
                total = decimal::add(total, measure.of_accum(c, a)?)?;
            }
        }
        for (c, a) in &comp.outside {
            if c.year == self.base_year && filter.covers(c) && self.adds(c.facility) {
                total = decimal::add(total, measure.of_accum(c, a)?)?;
            }
        }
        Ok(total)
    }

    /// The base year's computation restated for the structural changes: the chains of
    /// facilities divested (or outsourced) since are left out of the base year, and the
    /// base-year days outside the boundary of facilities acquired (or insourced) are counted
    /// as if inside — merged into their chain when the facility was also inside on other
    /// days of the base year. Other years are as computed. Every figure of the base year,
    /// registers included, is then computed from it the usual way (`Ledger::restated_base`).
    ///
    /// `latest` is the computation of [`Structure::latest_terms_project`]: the base-year
    /// chains of facilities whose share or control changed are taken from it.
    pub fn restated_computation(
        &self,
        comp: &Computation,
        latest: Option<&Computation>,
    ) -> Result<Computation, CalcError> {
        let by = self.base_year;
        let retermed = |f: usize| latest.is_some() && self.reterms(f);
        let mut chains = Vec::with_capacity(comp.chains.len());
        let mut accums = Vec::with_capacity(comp.accums.len());
        for (c, a) in comp.chains.iter().zip(&comp.accums) {
            if c.year == by && (self.removes(c.facility) || retermed(c.facility)) {
                continue;
            }
            chains.push(c.clone());
            accums.push(a.clone());
        }
        let mut extra: Vec<(&crate::calc::Chain, &crate::calc::Accum)> = Vec::new();
        if let Some(l) = latest {
            for (c, a) in l.chains.iter().zip(&l.accums) {
                if c.year == by && self.reterms(c.facility) {
                    extra.push((c, a));
                }
            }
        }
        let outside: Vec<(&crate::calc::Chain, &crate::calc::Accum)> = comp
            .outside
            .iter()
            .filter(|(c, _)| !retermed(c.facility))
            .chain(
                latest
                    .map(|l| &l.outside[..])
                    .unwrap_or_default()
                    .iter()
                    .filter(|(c, _)| self.reterms(c.facility)),
            )
            .map(|(c, a)| (c, a))
            .collect();
        for (c, a) in extra {
            chains.push(c.clone());
            accums.push(a.clone());
        }
        for (c, a) in outside {
            if c.year != by || !self.adds(c.facility) {
                continue;
            }
            match chains.iter().position(|x| x.same_identity(c)) {
                Some(i) => accums[i].merge(a)?,
                None => {
                    chains.push(c.clone());
                    accums.push(a.clone());
                }
            }
        }
        Ok(Computation {
            chains,
            accums,
            diagnostics: Vec::new(),
            files: comp.files.clone(),
            duplicates: comp.duplicates.clone(),
            duplicate_candidates: comp.duplicate_candidates,
            engine_rows: comp.engine_rows,
            threads: comp.threads,
            outside: Vec::new(),
            notes: comp.notes.clone(),
        })
    }

    /// Whether a register contribution of the base year belongs to a facility the
    /// restatement removes (all its calculation lines are that facility's).
    pub fn removes_contribution(&self, c: &crate::register::Contribution) -> bool {
        c.year == self.base_year
            && c.lines.first().is_some_and(|l| {
                let f = l.activity.facility;
                self.removes(f) && c.lines.iter().all(|l| l.activity.facility == f)
            })
    }

    /// The verdict on `ghg.total.location` of the base year; `None` when nothing changed
    /// structurally.
    ///
    /// `restated` is the restated computation ([`Structure::restated_computation`]).
    pub fn verdict(
        &self,
        comp: &Computation,
        restated: &Computation,
    ) -> Result<Option<Restatement>, CalcError> {
        if self.is_empty() {
            return Ok(None);
        }
        let t = Decimal::from(1000);
        let by = self.base_year;
        let original = sum_where(comp, by, |_| true, false)?;
        let restated_total = sum_where(restated, by, |_| true, false)?;
        let mut moves = Vec::new();
        for &(i, event, date) in &self.added {
            if self.removes(i) {
                continue;
            }
            let delta = sum_where(comp, by, |f| f == i, true)?;
            let has_data = comp
                .outside
                .iter()
                .map(|(c, a)| (c, a))
                .chain(comp.chains.iter().zip(&comp.accums))
                .any(|(c, a)| c.facility == i && c.year == by && a.rows > 0);
            moves.push(Move {
                facility: self.ids.get(i).cloned().unwrap_or_default(),
                event,
                date,
                delta: decimal::div(delta, t)?.value,
                has_data,
            });
        }
        for &(i, event, date) in &self.removed {
            let delta = sum_where(comp, by, |f| f == i, false)?;
            moves.push(Move {
                facility: self.ids.get(i).cloned().unwrap_or_default(),
                event,
                date,
                delta: -decimal::div(delta, t)?.value,
                has_data: true,
            });
        }
        // A share or control change moves the facility's base year by its restated lines
        // less its reported ones and less what an acquisition of it already added.
        for &(i, date, _) in &self.reterms {
            if self.removes(i) {
                continue;
            }
            let now = sum_where(restated, by, |f| f == i, false)?;
            let before = sum_where(comp, by, |f| f == i, false)?;
            let acquired = if self.adds(i) {
                sum_where(comp, by, |f| f == i, true)?
            } else {
                Decimal::ZERO
            };
            let delta = decimal::sub(decimal::sub(now, before)?, acquired)?;
            moves.push(Move {
                facility: self.ids.get(i).cloned().unwrap_or_default(),
                event: BoundaryEvent::TermsChange,
                date,
                delta: decimal::div(delta, t)?.value,
                has_data: true,
            });
        }
        let original = decimal::div(original, t)?.value;
        let restated = decimal::div(restated_total, t)?.value;
        let change_pct = if original.is_zero() {
            None
        } else {
            Some(
                decimal::div(
                    decimal::mul(decimal::sub(restated, original)?, Decimal::ONE_HUNDRED)?,
                    original,
                )?
                .rounded(decimal::FIGURE_DP),
            )
        };
        let restate = change_pct.is_some_and(|p| p.abs() >= self.threshold_pct)
            || (original.is_zero() && !restated.is_zero());
        Ok(Some(Restatement {
            base_year: by,
            original,
            restated,
            change_pct,
            threshold_pct: self.threshold_pct,
            restate,
            moves,
            also: Vec::new(),
        }))
    }
}

/// CO2e (kg) of the base year's reported lines (or, with `outside`, the lines of days outside
/// the boundary) of the facilities `which` selects.
fn sum_where(
    comp: &Computation,
    year: i32,
    which: impl Fn(usize) -> bool,
    outside: bool,
) -> Result<Decimal, CalcError> {
    let mut total = Decimal::ZERO;
    if outside {
        for (c, a) in &comp.outside {
            if c.year == year && which(c.facility) {
                total = decimal::add(total, a.co2e_kg)?;
            }
        }
    } else {
        for (c, a) in comp.chains.iter().zip(&comp.accums) {
            if c.year == year && which(c.facility) {
                total = decimal::add(total, a.co2e_kg)?;
            }
        }
    }
    Ok(total)
}

impl Restatement {
    /// The verdict in words, naming what moved the base year.
    pub fn sentence(&self, rule: crate::decimal::RoundingRule) -> String {
        let t = |v: Decimal| format!("{} t CO2e", rule.round(v, 1));
        let moved: Vec<String> = self
            .moves
            .iter()
            .map(|m| {
                let when = match m.event {
                    BoundaryEvent::Acquisition
                    | BoundaryEvent::Insourcing
                    | BoundaryEvent::TermsChange => {
                        format!("from {}", m.date)
                    }
                    _ => format!("after {}", m.date),
                };
                let sign = if m.delta.is_sign_negative() {
                    "−"
                } else {
                    "+"
                };
                let missing = if m.has_data {
                    ""
                } else {
                    " (no base-year rows: the restatement is incomplete until they are given)"
                };
                format!(
                    "{} {} {when} {sign}{}{missing}",
                    m.facility,
                    m.event.name(),
                    t(m.delta.abs())
                )
            })
            .collect();
        let pct = self
            .change_pct
            .map_or("an undefined percentage (zero before)".to_string(), |p| {
                crate::audit::signed_pct(p, rule, 2)
            });
        let thr = format!("{}%", self.threshold_pct.normalize());
        let also: Vec<String> = self
            .also
            .iter()
            .map(|(n, a, b)| {
                let pct = if a.is_zero() {
                    String::new()
                } else {
                    decimal::div(
                        decimal::mul(
                            decimal::sub(*b, *a).unwrap_or_default(),
                            Decimal::ONE_HUNDRED,
                        )
                        .unwrap_or_default(),
                        *a,
                    )
                    .map(|p| {
                        format!(
                            " ({})",
                            crate::audit::signed_pct(p.rounded(decimal::FIGURE_DP), rule, 2)
                        )
                    })
                    .unwrap_or_default()
                };
                format!("{n} {} as reported, {} restated{pct}", t(*a), t(*b))
            })
            .collect();
        let also = if also.is_empty() {
            String::new()
        } else {
            format!(" Restated with it: {}.", also.join("; "))
        };
        format!(
            "Base year {} (GHG Protocol Corporate Standard ch. 5, structural changes): total emissions (ghg.total.location) {} as reported, {} restated ({pct}), {} the {thr} significance threshold: {}. Moved by: {}.{also}",
            self.base_year,
            t(self.original),
            t(self.restated),
            if self.restate { "at or above" } else { "below" },
            if self.restate { "RESTATED; change_vs_base.* figures compare with the restated base year" } else { "not restated; change_vs_base.* figures compare with the base year as reported" },
            moved.join("; ")
        )
    }
}
