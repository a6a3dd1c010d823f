//! Breakdowns: the figures of the chains (scope 1, scope 2 location-based, energy, and their
//! ratios) by facility, country or a facility tag. Each group is the same sum over a subset of
//! the chains and the subsets partition them, so the groups add up to the total exactly
//! (exact addition is associative). Register figures (market-based scope 2, renewables,
//! freight, products) are not broken down.

use crate::calc::Computation;
use crate::decimal::{self, CalcError};
use crate::figures::{definition, Definition, Figure};
use crate::project::Project;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What figures are grouped by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// Facility id.
    Facility,
    /// ISO country code.
    Country,
    /// The value of a facility tag (`tags` column of facilities.csv).
    Tag(String),
}

/// The group of facilities without the tag.
pub const UNTAGGED: &str = "(untagged)";

impl GroupBy {
    /// Parses `facility`, `country` or `tag:NAME`.
    ///
    /// ```
    /// use carbonledger::years::GroupBy;
    /// assert_eq!(GroupBy::parse("tag:business_unit"), Some(GroupBy::Tag("business_unit".into())));
    /// assert_eq!(GroupBy::parse("site"), None);
    /// ```
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s.trim() {
            "facility" => Some(GroupBy::Facility),
            "country" => Some(GroupBy::Country),
            t => t
                .strip_prefix("tag:")
                .filter(|n| !n.is_empty())
                .map(|n| GroupBy::Tag(n.to_string())),
        }
    }

    /// As written on the command line.
    pub fn name(&self) -> String {
        match self {
            GroupBy::Facility => "facility".into(),
            GroupBy::Country => "country".into(),
            GroupBy::Tag(t) => format!("tag:{t}"),
        }
    }
}

/// The group of a facility.
pub fn group_key(project: &Project, facility: usize, by: &GroupBy) -> String {
    let f = &project.facilities.list[facility];
    match by {
        GroupBy::Facility => f.id.clone(),
        GroupBy::Country => f.country.clone(),
        GroupBy::Tag(t) => f
            .tags
            .get(t)
            .cloned()
            .unwrap_or_else(|| UNTAGGED.to_string()),
    }
}

/// Whether a figure can be broken down (a chain sum or a ratio of two).
pub fn groupable(name: &str) -> bool {
    matches!(
        definition(name),
        Some(Definition::Sum { .. } | Definition::Ratio { .. })
    )
}

/// An additive figure per group, in figure units, with whether it is exact.
type GroupSums = BTreeMap<String, (Decimal, bool)>;

/// Sums of an additive chain figure per group, in figure units, for one year.
fn sums(
    project: &Project,
    comp: &Computation,
    name: &str,
    year: i32,
    by: &GroupBy,
) -> Result<Option<GroupSums>, CalcError> {
    let Some(Definition::Sum { filter, measure }) = definition(name) else {
        return Ok(None);
    };
    let mut out: BTreeMap<String, (Decimal, bool)> = BTreeMap::new();
    for (c, a) in comp.chains.iter().zip(&comp.accums) {
        if c.year != year || !filter.covers(c) {
            continue;
        }
        let e = out
            .entry(group_key(project, c.facility, by))
            .or_insert((Decimal::ZERO, true));
        e.0 = decimal::add(e.0, measure.of_accum(c, a)?)?;
        e.1 &= match measure {
            crate::figures::Measure::Co2e | crate::figures::Measure::GasCo2e(_) => {
                a.inexact_rows == 0
            }
            crate::figures::Measure::EnergyMwh | crate::figures::Measure::EnergyGj => {
                a.inexact_energy_rows == 0
            }
            crate::figures::Measure::Tce => a.inexact_tce_rows == 0,
        };
    }
    let per = measure.unit().1;
    let mut figs = BTreeMap::new();
    for (g, (v, exact)) in out {
        let q = decimal::div(v, per)?;
        figs.insert(g, (q.rounded(decimal::FIGURE_DP), exact && q.exact));
    }
    Ok(Some(figs))
}

/// A figure per group for one year (`None` when the figure is not broken down). A group
/// with no lines of the figure is absent; a ratio's group is absent when its denominator is
/// zero.
pub fn by_group(
    project: &Project,
    comp: &Computation,
    name: &str,
    year: i32,
    by: &GroupBy,
) -> Result<Option<BTreeMap<String, Figure>>, CalcError> {
    let fig = |v: Decimal, unit: &'static str, exact: bool| Figure {
        name: name.to_string(),
        year,
        value: v.normalize(),
        unit,
        exact,
    };
    match definition(name) {
        Some(Definition::Sum { measure, .. }) => {
            let unit = measure.unit().0;
            Ok(sums(project, comp, name, year, by)?.map(|m| {
                m.into_iter()
                    .map(|(g, (v, e))| (g, fig(v, unit, e)))
                    .collect()
            }))
        }
        Some(Definition::Ratio {
            numerator,
            denominator,
        }) => {
            let (Some(n), Some(d)) = (
                sums(project, comp, numerator, year, by)?,
                sums(project, comp, denominator, year, by)?,
            ) else {
                return Ok(None);
            };
            let mut out = BTreeMap::new();
            for (g, (dv, de)) in d {
                if dv.is_zero() {
                    continue;
                }
                let (nv, ne) = n.get(&g).copied().unwrap_or((Decimal::ZERO, true));
                let q = decimal::div(nv, dv)?;
                out.insert(
                    g,
                    fig(
                        q.rounded(decimal::FIGURE_DP),
                        "t CO2e/MWh",
                        ne && de && q.exact,
                    ),
                );
            }
            Ok(Some(out))
        }
        _ => Ok(None),
    }
}

/// One figure of one group in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFigure {
    /// The group (facility id, country code or tag value).
    pub group: String,
    /// The figure.
    pub figure: Figure,
}

/// Register contributions per (figure, year) and group: a contribution whose calculation lines
/// all belong to one facility (market-based scope 2 is computed per facility and year) is that
/// facility's; a figure with any other contribution is `None` (not broken down).
pub type RegisterGroups = BTreeMap<(String, i32), Option<GroupSums>>;

/// Runs the registers once and groups their contributions (see [`RegisterGroups`]).
pub fn register_groups(
    project: &Project,
    ledger: &crate::ledger::Ledger,
    by: &GroupBy,
) -> Result<RegisterGroups, CalcError> {
    let mut out: RegisterGroups = BTreeMap::new();
    let mut err = None;
    crate::ledger::run_registers(project, &ledger.comp, false, &mut |e| {
        for c in &e.parts {
            let facility = c.lines.first().map(|l| l.activity.facility);
            let one = facility.filter(|f| c.lines.iter().all(|l| l.activity.facility == *f));
            let slot = out
                .entry((c.figure.to_string(), c.year))
                .or_insert_with(|| Some(BTreeMap::new()));
            match (one, slot.as_mut()) {
                (Some(f), Some(m)) => {
                    let g = m
                        .entry(group_key(project, f, by))
                        .or_insert((Decimal::ZERO, true));
                    match decimal::add(g.0, c.value) {
                        Ok(v) => g.0 = v,
                        Err(e) => err = Some(e),
                    }
                    g.1 &= c.exact;
                }
                _ => *slot = None,
            }
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

fn merge(into: &mut GroupSums, from: &GroupSums) -> Result<(), CalcError> {
    for (g, (v, e)) in from {
        let x = into.entry(g.clone()).or_insert((Decimal::ZERO, true));
        x.0 = decimal::add(x.0, *v)?;
        x.1 &= *e;
    }
    Ok(())
}

/// A figure's groups in figure units, chains and registers together; `None` when some part of
/// it cannot be attributed to a facility.
fn all_sums(
    project: &Project,
    ledger: &crate::ledger::Ledger,
    reg: &RegisterGroups,
    name: &str,
    year: i32,
    by: &GroupBy,
) -> Result<Option<GroupSums>, CalcError> {
    let register = ledger.totals.get(name, year).is_some();
    let mut out = match sums(project, &ledger.comp, name, year, by)? {
        Some(m) => m,
        None if register => BTreeMap::new(),
        None => match ledger.derived.get(name) {
            Some(crate::register::Derived::Plus { terms, .. }) => {
                let mut m = BTreeMap::new();
                for t in terms {
                    match all_sums(project, ledger, reg, t, year, by)? {
                        Some(x) => merge(&mut m, &x)?,
                        None => return Ok(None),
                    }
                }
                return Ok(Some(m));
            }
            _ => return Ok(None),
        },
    };
    if register {
        match reg.get(&(name.to_string(), year)) {
            Some(Some(x)) => merge(&mut out, x)?,
            _ => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// Every figure that can be broken down, per group, for every reporting year (or one), in
/// the ledger's report order: sums of the energy and fugitive rows, register figures whose
/// every contribution is one facility's (market-based scope 2), sums of those
/// (`ghg.total.market`), and ratios of chain sums.
pub fn breakdown(
    project: &Project,
    ledger: &crate::ledger::Ledger,
    only_year: Option<i32>,
    by: &GroupBy,
) -> Result<Vec<GroupFigure>, CalcError> {
    let reg = register_groups(project, ledger, by)?;
    let names = ledger.names();
    let mut out = Vec::new();
    for &y in ledger
        .years
        .iter()
        .filter(|y| only_year.is_none_or(|o| o == **y))
    {
        for n in &names {
            if let Some(m) = figure_groups(project, ledger, &reg, n, y, by)? {
                out.extend(
                    m.into_iter()
                        .map(|(group, figure)| GroupFigure { group, figure }),
                );
            }
        }
    }
    Ok(out)
}

/// One figure per group in one year (`None` when it is not broken down).
pub fn figure_groups(
    project: &Project,
    ledger: &crate::ledger::Ledger,
    reg: &RegisterGroups,
    name: &str,
    year: i32,
    by: &GroupBy,
) -> Result<Option<BTreeMap<String, Figure>>, CalcError> {
    if let Some(Definition::Ratio {
        numerator,
        denominator,
    }) = definition(name)
    {
        if ledger.totals.get(numerator, year).is_some()
            || ledger.totals.get(denominator, year).is_some()
        {
            return Ok(None);
        }
        return by_group(project, &ledger.comp, name, year, by);
    }
    let Some(sums) = all_sums(project, ledger, reg, name, year, by)? else {
        return Ok(None);
    };
    let Some(total) = ledger.figure(name, year)? else {
        return Ok(None);
    };
    Ok(Some(
        sums.into_iter()
            .map(|(g, (v, exact))| {
                (
                    g,
                    Figure {
                        name: name.to_string(),
                        year,
                        value: v.normalize(),
                        unit: total.unit,
                        exact,
                    },
                )
            })
            .collect(),
    ))
}
