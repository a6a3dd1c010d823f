//! `metrics.csv`: intensity denominators — revenue (with its currency), employees (FTE),
//! production, floor area — per reporting year. Each row is an entry of the `metrics`
//! register giving `metric.<name>`; the intensities are ratios of the inventory's totals to
//! it: `intensity.<name>.ghg_total_location`, `.ghg_total_market` (scope 1 + 2, location-
//! and market-based) and `.ghg_scope1`, each with its `change.*` like every figure.

use crate::calc::Step;
use crate::ingest::Column;
use crate::project::{Input, Project};
use crate::register::fields::{read_optional, Fields};
use crate::register::{Context, Contribution, Derived, Entry, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

/// The columns of `metrics.csv`.
pub const COLUMNS: [Column; 5] = [
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "metric",
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
        name: "note",
        required: false,
    },
];

/// The inventory totals each metric divides: (suffix of the intensity figure, numerator).
pub const NUMERATORS: [(&str, &str); 3] = [
    ("ghg_total_location", "ghg.total.location"),
    ("ghg_total_market", "ghg.total.market"),
    ("ghg_scope1", "ghg.scope1"),
];

/// Units without a currency.
const PLAIN_UNITS: [&str; 8] = ["FTE", "employees", "m2", "ft2", "t", "kg", "units", "MWh"];
/// Scale words after a currency code.
const SCALES: [&str; 3] = ["thousand", "million", "billion"];

/// A metric's unit, checked: a currency code (three capital letters) with an optional scale
/// word (`USD million`), or one of the plain units.
pub fn metric_unit(text: &str) -> Option<String> {
    let t = text.split_whitespace().collect::<Vec<_>>();
    match t.as_slice() {
        [u] if PLAIN_UNITS.contains(u) => Some((*u).to_string()),
        [c] if is_currency(c) => Some((*c).to_string()),
        [c, s] if is_currency(c) && SCALES.contains(s) => Some(format!("{c} {s}")),
        _ => None,
    }
}

fn is_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}

/// Figure units are `&'static str`; a metric's unit (and `t CO2e/<unit>`) is interned once
/// per distinct text, so the memory held is bounded by the distinct units of metrics.csv.
fn intern(s: String) -> &'static str {
    static UNITS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let set = UNITS.get_or_init(|| Mutex::new(BTreeSet::new()));
    match set.lock() {
        Ok(mut g) => match g.get(s.as_str()) {
            Some(u) => u,
            None => {
                let u: &'static str = Box::leak(s.into_boxed_str());
                g.insert(u);
                u
            }
        },
        // A poisoned lock (a panicking thread) still gives a correct, if unshared, unit.
        Err(_) => Box::leak(s.into_boxed_str()),
    }
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The `metrics` register.
pub fn register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let mut report = Report::default();
    run(ctx.project, sink, &mut report);
    report
}

fn run(project: &Project, sink: &mut dyn FnMut(Entry), report: &mut Report) {
    let mut seen: BTreeMap<(i32, String), u64> = BTreeMap::new();
    let mut units: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let Some((stats, diags)) = read_optional(project, Input::Metrics, &COLUMNS, |row| {
        let mut f = Fields::new(row);
        if f.ragged() {
            return (f.diags, None);
        }
        let period = f.period_in(0, &project.manifest);
        if let Some(p) = period.filter(|p| !matches!(p, crate::activity::Period::Year(_))) {
            f.error(
                "bad-period",
                0,
                format!("period {p} is not a reporting year"),
                Some("give each metric per reporting year, e.g. 2025 (the sum or average over the year, as the metric is defined)".into()),
            );
        }
        let name = f.required(1, "metric").map(str::trim);
        if let Some(n) = name.filter(|n| !valid_name(n)) {
            f.error(
                "bad-id",
                1,
                format!("metric `{n}` is not a lower-case name"),
                Some("letters a–z, digits and _, e.g. revenue, fte, floor_area".into()),
            );
        }
        let value = f.amount(2, "value");
        let unit_text = f.required(3, "unit");
        let unit = unit_text.and_then(|u| {
            let found = metric_unit(u);
            if found.is_none() {
                f.error(
                    "unknown-unit",
                    3,
                    format!("`{u}` is not a metric unit"),
                    Some("a currency code with an optional scale (USD, EUR million, CNY billion), or FTE, employees, m2, ft2, t, kg, units, MWh".into()),
                );
            }
            found
        });
        let left_out = value.zip(unit.clone());
        let (Some(p), Some(n), Some(v), Some(u)) = (period, name, value, unit) else {
            return (f.diags, left_out);
        };
        if f.diags.iter().any(|d| d.is_error()) {
            return (f.diags, left_out);
        }
        if v.is_zero() {
            f.error(
                "zero-metric",
                2,
                format!("{n} is zero: an intensity per it is undefined"),
                Some("leave the year out instead".into()),
            );
            return (f.diags, left_out);
        }
        if let Some(first) = seen.insert((p.year(), n.to_string()), row.line()) {
            f.error(
                "duplicate-row",
                1,
                format!("{n} {p} is already given (line {first})"),
                Some("one row per metric and reporting year".into()),
            );
            return (f.diags, left_out);
        }
        match units.get(n) {
            Some((other, line)) if *other != u => {
                f.error(
                    "metric-unit-mismatch",
                    3,
                    format!("{n} is in {u} here and in {other} on line {line}"),
                    Some(
                        "give a metric in one unit in every year, so that its intensities compare"
                            .into(),
                    ),
                );
                return (f.diags, left_out);
            }
            Some(_) => {}
            None => {
                units.insert(n.to_string(), (u.clone(), row.line()));
            }
        }
        let unit: &'static str = intern(u);
        sink(Entry {
            file: project.shown(Input::Metrics),
            line: row.line(),
            what: format!("{n} {p}"),
            steps: vec![Step {
                label: "metric".into(),
                text: format!("{n} {p} = {v} {unit} (metrics.csv, as given)"),
                factor: None,
            }],
            // The line: the amount as given (an input, not a calculation), so that the
            // metric ties out from lines.csv like every additive figure.
            parts: vec![Contribution {
                terms: vec![crate::register::Term::of(v, unit, "metric")],
                ..Contribution::new(format!("metric.{n}"), p.year(), v, unit)
            }],
        });
        (f.diags, left_out)
    }) else {
        return;
    };
    for (n, (u, _)) in &units {
        let metric = format!("metric.{n}");
        report.names.push(metric.clone());
        for (suffix, numerator) in NUMERATORS {
            let name = format!("intensity.{n}.{suffix}");
            report.derived.insert(
                name.clone(),
                Derived::Ratio {
                    numerator: numerator.to_string(),
                    denominator: metric.clone(),
                    scale: rust_decimal::Decimal::ONE,
                    unit: intern(format!("t CO2e/{u}")),
                },
            );
            report.names.push(name.clone());
            report.names.push(format!("change.{name}"));
        }
    }
    report.files.push(stats);
    report.diagnostics.extend(diags);
}
