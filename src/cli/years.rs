//! The tables `compute --by` and `compute --years all` add: figures per group, and the trend
//! of every reporting year against the (restated) base year.

use super::common::present;
use super::Exit;
use carbonledger::decimal::RoundingRule;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use carbonledger::report::{Cell, Table};
use carbonledger::years::{groups, GroupBy};

const BY_FIGURES: [(&str, &str); 5] = [
    ("ghg.scope1", "scope 1, t CO2e"),
    ("ghg.scope2.location", "scope 2 (location), t CO2e"),
    ("ghg.total.location", "total (location), t CO2e"),
    ("ghg.total.market", "total (market), t CO2e"),
    ("energy.total", "energy, MWh"),
];

/// Scope 1, scope 2 location-based, the totals and energy per group in one year, and their
/// totals (equal to the figures: the groups partition the lines); `–` for a figure that is
/// not broken down (a part of it is no facility's, e.g. on-site solar in energy.total).
pub fn by_table(
    project: &Project,
    ledger: &Ledger,
    year: i32,
    by: &GroupBy,
    rule: RoundingRule,
) -> Result<Table, Exit> {
    let col = by.name();
    let mut head = vec![col.as_str()];
    head.extend(BY_FIGURES.iter().map(|(_, l)| *l));
    let mut t = Table::new(format!("By {col}, {year}"), &head);
    let mut per: Vec<std::collections::BTreeMap<String, carbonledger::figures::Figure>> =
        Vec::new();
    let reg = groups::register_groups(project, ledger, by).map_err(|e| {
        eprintln!("error: a register figure by {col} cannot be held exactly: {e}");
        Exit::Data
    })?;
    for (n, _) in BY_FIGURES {
        let m = groups::figure_groups(project, ledger, &reg, n, year, by)
            .map_err(|e| {
                eprintln!("error: {n} by {col} cannot be held exactly: {e}");
                Exit::Data
            })?
            .unwrap_or_default();
        per.push(m);
    }
    let keys: std::collections::BTreeSet<&String> = per.iter().flat_map(|m| m.keys()).collect();
    for k in keys {
        let mut r = vec![Cell::Text(k.clone())];
        for m in &per {
            r.push(Cell::Num(
                m.get(k)
                    .map_or("–".into(), |f| present(f.value, f.unit, rule)),
            ));
        }
        t.push(r);
    }
    let mut total = vec![Cell::Text("total".into())];
    for (n, _) in BY_FIGURES {
        let f = ledger.figure(n, year).ok().flatten();
        total.push(Cell::Num(
            f.map_or("–".into(), |f| present(f.value, f.unit, rule)),
        ));
    }
    t.push(total);
    Ok(t)
}

/// Whether a figure is a row of the trend: the totals, intensities and metrics.
pub fn in_trend(name: &str) -> bool {
    carbonledger::years::restate::TREND.contains(&name)
        || (name.starts_with("intensity.") && !name.starts_with("change"))
        || name.starts_with("metric.")
}

/// Every reporting year, the restated base year, and the latest year's change against the
/// base year, for the totals and the intensities.
pub fn trend_table(ledger: &Ledger, rule: RoundingRule) -> Result<Table, Exit> {
    let by = ledger.structure.base_year;
    let latest = ledger.years.last().copied().unwrap_or(by);
    let restated = !ledger.structure.is_empty();
    let mut head: Vec<String> = vec![String::new()];
    for y in &ledger.years {
        head.push(if *y == by {
            format!("{y} (base)")
        } else {
            y.to_string()
        });
    }
    if restated {
        head.push(format!("{by} restated"));
    }
    head.push(format!("{latest} vs base"));
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new("Trend against the base year", &refs);
    let names = ledger.names();
    let rows: Vec<&String> = names.iter().filter(|n| in_trend(n)).collect();
    for n in rows {
        let mut r = vec![Cell::Text(n.clone())];
        for y in &ledger.years {
            let f = ledger.figure(n, *y).ok().flatten();
            r.push(Cell::Num(
                f.map_or("–".into(), |f| present(f.value, f.unit, rule)),
            ));
        }
        if restated {
            let f = ledger.figure(&format!("restated.{n}"), by).ok().flatten();
            r.push(Cell::Num(
                f.map_or("–".into(), |f| present(f.value, f.unit, rule)),
            ));
        }
        let c = ledger
            .figure(&format!("change_vs_base.{n}"), latest)
            .ok()
            .flatten();
        r.push(Cell::Num(c.map_or("–".into(), |c| {
            format!("{}%", present(c.value, "%", rule))
        })));
        t.push(r);
    }
    Ok(t)
}
