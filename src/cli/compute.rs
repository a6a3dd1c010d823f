//! `carbonledger compute [DIR] [--year Y]`: the inventory for one year beside the previous one.

use super::common::{accounting, ledger_fallbacks, load, present, Format, ProjectOpts};
use super::json::{
    ComputeJson, FigureJson, GroupFigureJson, ImpliedJson, RestatementJson, RowsJson,
};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::calc::Computation;
use carbonledger::figures::Figure;
use carbonledger::project::Project;
use carbonledger::report::{render_csv, render_text, Cell, Table};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `compute`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Reporting year (default: the latest in carbonledger.toml).
    #[arg(long)]
    year: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also print the product footprint summary.
    #[arg(long)]
    products: bool,
    /// Also print scope 1, scope 2 and energy by `facility`, `country` or `tag:NAME` (json
    /// and csv: every figure that is broken down).
    #[arg(long, value_name = "facility|country|tag:NAME")]
    by: Option<String>,
    /// `all`: also print a column per reporting year, the restated base year and the change
    /// against the base year (json: `trend`; csv: every year's figures).
    #[arg(long, value_name = "all")]
    years: Option<String>,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

fn label(comp: &Computation, name: &str) -> String {
    let l = match name {
        "ghg.scope1" => "Scope 1",
        "ghg.scope1.stationary" => "  of which stationary combustion",
        "ghg.scope1.fugitive" => "  of which fugitive releases",
        "ghg.scope1.mobile" => "  of which mobile combustion",
        "ghg.scope1.process" => "  of which process emissions",
        "ghg.scope2.location" => "Scope 2 (location-based)",
        "ghg.scope2.market" => "Scope 2 (market-based)",
        "ghg.scope2.market.electricity" => "  of which electricity",
        "ghg.total.location" => "Total (scope 1 + 2, location-based)",
        "ghg.total.market" => "Total (scope 1 + 2, market-based)",
        "energy.renewable" => "Renewable energy consumed, MWh",
        "energy.renewable.onsite_solar" => "  of which on-site solar, self-consumed",
        "energy.renewable.contractual" => "  of which contracts and certificates",
        "energy.renewable_share" => "Renewable share of energy consumed, %",
        "avoided.onsite_solar" => "On-site solar, self-consumed",
        "avoided.total" => "Total avoided (realised)",
        "avoided.expected" => "Expected (not in the total)",
        "avoided.logistics.mode_shift" => "Logistics mode shift, all lanes",
        "avoided.logistics.saf" => "SAF on air legs (life-cycle)",
        "ghg.scope3" => "Scope 3 (the categories computed)",
        "ghg.scope3.cat3" => "Scope 3 cat. 3, fuel- and energy-related (WTT, T&D)",
        "ghg.scope3.cat3.wtt_fuels" => "  well-to-tank of fuels (3a)",
        "ghg.scope3.cat3.wtt_purchased_energy" => "  well-to-tank of purchased energy (3b)",
        "ghg.scope3.cat3.td_losses" => "  T&D losses and their well-to-tank (3c)",
        "ghg.scope3.cat3.wtt_and_td_purchased_energy" => {
            "  purchased energy, upstream and T&D together (3b + 3c)"
        }
        "ghg.scope3.cat4" => "Scope 3 cat. 4, transport (well-to-wheel, net of SAF)",
        "ghg.scope3.cat9" => "Scope 3 cat. 9, transport (well-to-wheel, net of SAF)",
        "ghg.scope3.cat4.ttw" | "ghg.scope3.cat9.ttw" => "  tank-to-wheel (fossil fuel)",
        "ghg.scope3.cat4.wtt" | "ghg.scope3.cat9.wtt" => "  well-to-tank",
        "logistics.tkm" => "Transport activity, tkm",
        "logistics.saf.reduction" => "SAF: reduction on the SAF legs, %",
        _ => "",
    };
    if !l.is_empty() {
        return l.to_string();
    }
    if let Some(c) = name
        .strip_prefix("ghg.scope3.cat")
        .and_then(|c| c.parse::<u8>().ok())
    {
        return format!("Scope 3 cat. {c}, {}", scope3_category(c));
    }
    if let Some(g) = name.strip_prefix("ghg.scope1.") {
        return format!("  of which {}", carbonledger::figures::gas_label(comp, g));
    }
    if let Some(c) = name.strip_prefix("ghg.scope2.location.") {
        return format!("  of which {c}");
    }
    if let Some(lane) = name.strip_prefix("avoided.logistics.mode_shift.") {
        return format!("  lane {lane}");
    }
    if let Some(m) = name.strip_prefix("logistics.by_mode.") {
        return format!("  {m}, t CO2e");
    }
    if let Some(m) = name.strip_prefix("logistics.tkm.") {
        return format!("  {m}, tkm");
    }
    if let Some(id) = name.strip_prefix("avoided.") {
        return format!("Project {id}");
    }
    name.to_string()
}

/// The GHG Protocol Scope 3 Standard's name of category `c`.
fn scope3_category(c: u8) -> &'static str {
    match c {
        1 => "purchased goods and services",
        2 => "capital goods",
        3 => "fuel- and energy-related",
        4 => "upstream transportation",
        5 => "waste generated in operations",
        6 => "business travel",
        7 => "employee commuting",
        8 => "upstream leased assets",
        9 => "downstream transportation",
        10 => "processing of sold products",
        11 => "use of sold products",
        12 => "end-of-life of sold products",
        13 => "downstream leased assets",
        14 => "franchises",
        _ => "investments",
    }
}

/// Editions used in a year, by the chains and by the register entries, with a short citation.
pub fn editions_used(
    project: &Project,
    ledger: &carbonledger::ledger::Ledger,
    year: i32,
) -> BTreeMap<String, String> {
    let mut editions: Vec<String> = Vec::new();
    for c in ledger.comp.chains.iter().filter(|c| c.year == year) {
        editions.extend(c.used_factors().into_iter().map(|u| u.edition.to_string()));
    }
    // Recorded when the ledger ran the registers (they are not run again).
    if let Some(eds) = ledger.register_run.editions_by_year.get(&year) {
        editions.extend(eds.iter().cloned());
    }
    let mut m = BTreeMap::new();
    for id in editions {
        let (set, ed) = id.split_once('@').unwrap_or((&id, ""));
        let cite = project.library.edition(set, ed).map_or(String::new(), |e| {
            format!(
                "{} — {} ({})",
                e.citation.publisher, e.citation.title, e.citation.published
            )
        });
        m.insert(id, cite);
    }
    m
}

/// An implied factor for reading: per tonne-km in kg (t/tkm values are tiny), else as is.
fn implied_text(
    v: rust_decimal::Decimal,
    unit: &str,
    rule: carbonledger::decimal::RoundingRule,
) -> String {
    match unit.strip_suffix("/tkm").and_then(|n| n.strip_prefix("t ")) {
        Some(gas) => match carbonledger::decimal::mul(v, rust_decimal::Decimal::ONE_THOUSAND) {
            Ok(kg) => format!("{} kg {gas}/tkm", rule.round(kg, 4)),
            Err(_) => format!("{v} {unit}"),
        },
        None => format!("{} {unit}", rule.round(v, 4)),
    }
}

pub fn run(a: Args) -> Exit {
    match run_inner(a) {
        Ok(()) => Exit::Ok,
        Err(e) => e,
    }
}

fn run_inner(a: Args) -> Result<(), Exit> {
    let by = match a.by.as_deref().map(carbonledger::years::GroupBy::parse) {
        Some(None) => {
            eprintln!("error: --by takes facility, country or tag:NAME");
            return Err(Exit::Usage);
        }
        Some(Some(b)) => Some(b),
        None => None,
    };
    if a.years.as_deref().is_some_and(|y| y != "all") {
        eprintln!("error: --years takes `all`");
        return Err(Exit::Usage);
    }
    let (project, ledger) = load(&a.dir, &a.opts)?;
    let comp = &ledger.comp;
    let m = &project.manifest;
    let year = a
        .year
        .unwrap_or_else(|| m.reporting_years.last().copied().unwrap_or_default());
    if !m.reporting_years.contains(&year) {
        eprintln!(
            "error: {year} is not one of reporting_years {:?}",
            m.reporting_years
        );
        return Err(Exit::Usage);
    }
    let figs = ledger.figures(None).map_err(|e| {
        eprintln!("{e}");
        Exit::Data
    })?;
    let get = |name: &str, y: i32| figs.iter().find(|f| f.name == name && f.year == y);
    let prev = year - 1;
    let has_prev = m.reporting_years.contains(&prev);
    let editions = editions_used(&project, &ledger, year);
    let falls = ledger_fallbacks(&ledger);
    let this_year: Vec<&Figure> = figs.iter().filter(|f| f.year == year).collect();
    let all_years = a.years.is_some();
    // `--by`: the figures per group, of the year (every year with `--years all`).
    let groups = match &by {
        Some(b) if a.format != Format::Table => Some(
            carbonledger::years::groups::breakdown(
                &project,
                &ledger,
                (!all_years).then_some(year),
                b,
            )
            .map_err(|e| {
                eprintln!(
                    "error: a figure by {} cannot be held exactly: {e}",
                    b.name()
                );
                Exit::Data
            })?,
        ),
        _ => None,
    };
    let by_name = by.as_ref().map(|b| b.name()).unwrap_or_default();
    // `--years all`: the trend figures of every year, restated base year, change vs base.
    let trend: Vec<&Figure> = figs
        .iter()
        .filter(|f| {
            let base = f
                .name
                .strip_prefix("restated.")
                .or_else(|| f.name.strip_prefix("change_vs_base."))
                .unwrap_or(&f.name);
            all_years && super::years::in_trend(base)
        })
        .collect();
    let restatement = ledger.restatement().ok().flatten();

    match a.format {
        Format::Json => {
            let v = ComputeJson {
                schema_version: super::json::SCHEMA_VERSION,
                organisation: &m.organisation,
                year,
                consolidation: m.consolidation.name(),
                figures: this_year.iter().map(|f| FigureJson::of(f)).collect(),
                implied_factors: this_year
                    .iter()
                    .filter_map(|f| {
                        let (v, u) = ledger.implied_factor(&f.name, year).ok().flatten()?;
                        Some(ImpliedJson {
                            name: &f.name,
                            value: v.to_string(),
                            unit: u.to_string(),
                        })
                    })
                    .collect(),
                factor_editions: editions.keys().map(String::as_str).collect(),
                fallbacks: falls.clone(),
                rows: comp
                    .files
                    .iter()
                    .filter(|f| f.present)
                    .map(|f| RowsJson {
                        file: &f.file,
                        read: f.read,
                        used: f.used,
                        rejected: f.rejected,
                    })
                    .collect(),
                by_group: groups.as_ref().map(|rows| {
                    rows.iter()
                        .map(|r| GroupFigureJson {
                            by: by_name.clone(),
                            group: &r.group,
                            figure: FigureJson::of(&r.figure),
                        })
                        .collect()
                }),
                trend: all_years.then(|| trend.iter().map(|f| FigureJson::of(f)).collect()),
                restatement: restatement.as_ref().map(|r| RestatementJson {
                    base_year: r.base_year,
                    figure: "ghg.total.location".into(),
                    original: r.original.to_string(),
                    restated: r.restated.to_string(),
                    change_pct: r.change_pct.map(|p| p.to_string()),
                    threshold_pct: r.threshold_pct.to_string(),
                    restate: r.restate,
                    sentence: r.sentence(m.rounding),
                }),
            };
            a.output.write(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).map_err(|_| Exit::Io)?
            ))
        }
        Format::Csv => {
            // One table: the year's figures (every year's with `--years all`), then with
            // `--by` each group's, marked in the `by` and `group` columns (empty for the
            // whole organisation).
            let mut head = vec!["name", "year", "value", "unit"];
            if groups.is_some() {
                head.extend(["by", "group"]);
            }
            let mut t = Table::new("", &head);
            let whole: Vec<&Figure> = if all_years {
                figs.iter().collect()
            } else {
                this_year.clone()
            };
            let mut push = |f: &Figure, group: Option<&str>| {
                let mut r = vec![
                    Cell::Text(f.name.clone()),
                    Cell::Num(f.year.to_string()),
                    Cell::Num(f.value.to_string()),
                    Cell::Text(f.unit.to_string()),
                ];
                if groups.is_some() {
                    r.push(Cell::Text(if group.is_some() {
                        by_name.clone()
                    } else {
                        String::new()
                    }));
                    r.push(Cell::Text(group.unwrap_or_default().to_string()));
                }
                t.push(r);
            };
            for f in whole {
                push(f, None);
            }
            for r in groups.iter().flatten() {
                push(&r.figure, Some(&r.group));
            }
            a.output.write(&render_csv(&t))
        }
        Format::Table => {
            let rule = m.rounding;
            let cols: Vec<String> = if has_prev {
                vec![
                    "".into(),
                    prev.to_string(),
                    year.to_string(),
                    "change".into(),
                ]
            } else {
                vec!["".into(), year.to_string()]
            };
            let colrefs: Vec<&str> = cols.iter().map(String::as_str).collect();
            let row = |name: &str, t: &mut Table| {
                let Some(now) = get(name, year) else { return };
                let mut r = vec![Cell::Text(label(comp, name))];
                if has_prev {
                    r.push(Cell::Num(
                        get(name, prev).map_or("–".into(), |f| present(f.value, f.unit, rule)),
                    ));
                }
                r.push(Cell::Num(present(now.value, now.unit, rule)));
                if has_prev {
                    let change = ledger
                        .figure(&format!("change.{name}"), year)
                        .ok()
                        .flatten();
                    r.push(Cell::Num(change.map_or("–".into(), |c| {
                        format!("{}%", present(c.value, "%", rule))
                    })));
                }
                t.push(r);
            };
            let mut ghg = Table::new(
                format!(
                    "GHG inventory, t CO2e ({})",
                    m.consolidation.name().replace('_', " ")
                ),
                &colrefs,
            );
            let names: Vec<String> = this_year.iter().map(|f| f.name.clone()).collect();
            let mut ghg_names: Vec<&String> =
                names.iter().filter(|n| n.starts_with("ghg.")).collect();
            // Scope 2 location- and market-based side by side, then scope 3, then the totals.
            // Scope 3: the total, then its categories in number order, each with its parts.
            let category = |n: &str| -> u8 {
                n.strip_prefix("ghg.scope3.cat")
                    .and_then(|c| c.split('.').next())
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0)
            };
            ghg_names.sort_by_key(|n| {
                if n.starts_with("ghg.scope1") {
                    (0, 0)
                } else if n.starts_with("ghg.scope2.location") {
                    (1, 0)
                } else if n.starts_with("ghg.scope2.market") {
                    (2, 0)
                } else if n.starts_with("ghg.scope3") {
                    (3, category(n))
                } else if n.as_str() == "ghg.total.location" {
                    (4, 0)
                } else {
                    (5, 0)
                }
            });
            for n in ghg_names {
                row(n, &mut ghg);
            }
            let mut renewables = Table::new("Renewable energy", &colrefs);
            for n in names.iter().filter(|n| n.starts_with("energy.renewable")) {
                row(n, &mut renewables);
            }
            let mut freight = Table::new("Freight (ISO 14083)", &colrefs);
            for n in names.iter().filter(|n| {
                n.as_str() == "logistics.tkm"
                    || n.starts_with("logistics.tkm.")
                    || n.starts_with("logistics.by_mode.")
                    || n.as_str() == "logistics.saf.reduction"
            }) {
                row(n, &mut freight);
            }
            let mut avoided = Table::new(
                format!("Avoided emissions {year}, beside the inventory and never netted from it"),
                &["", "t CO2e", "activity", "implied factor"],
            );
            let mut avoided_names: Vec<&String> =
                names.iter().filter(|n| n.starts_with("avoided.")).collect();
            // Projects first, then the totals.
            avoided_names.sort_by_key(|n| match n.as_str() {
                "avoided.total" => 1,
                "avoided.expected" => 2,
                _ => 0,
            });
            for n in avoided_names {
                let Some(f) = get(n, year) else { continue };
                let basis = ledger.totals.get(n, year).and_then(|t| t.basis);
                let implied = ledger.implied_factor(n, year).ok().flatten();
                avoided.push(vec![
                    Cell::Text(label(comp, n)),
                    Cell::Num(present(f.value, f.unit, rule)),
                    Cell::Num(basis.map_or("–".into(), |(v, u)| {
                        format!("{} {u}", present(v, u, rule))
                    })),
                    Cell::Num(implied.map_or("–".into(), |(v, u)| implied_text(v, &u, rule))),
                ]);
            }
            let mut energy = Table::new(
                format!("Energy consumed, {year}"),
                &["carrier", "MWh", "GJ", "tce"],
            );
            for n in names.iter().filter(|n| n.starts_with("energy.by_carrier.")) {
                let c = n.trim_start_matches("energy.by_carrier.");
                let mwh = get(n, year);
                let tce = get(&format!("energy.by_carrier_tce.{c}"), year);
                let gj = mwh.and_then(|f| f.value.checked_mul(rust_decimal::Decimal::new(36, 1)));
                energy.push(vec![
                    Cell::Text(c.to_string()),
                    Cell::Num(mwh.map_or("–".into(), |f| present(f.value, "MWh", rule))),
                    Cell::Num(gj.map_or("–".into(), |v| present(v, "GJ", rule))),
                    Cell::Num(tce.map_or("–".into(), |f| present(f.value, "tce", rule))),
                ]);
            }
            if let (Some(t), Some(g), Some(c)) = (
                get("energy.total", year),
                get("energy.total_gj", year),
                get("energy.total_tce", year),
            ) {
                energy.push(vec![
                    Cell::Text("total".into()),
                    Cell::Num(present(t.value, "MWh", rule)),
                    Cell::Num(present(g.value, "GJ", rule)),
                    Cell::Num(present(c.value, "tce", rule)),
                ]);
            }
            let mut intensity =
                Table::new("Intensity, t CO2e per MWh of energy consumed", &colrefs);
            row("intensity.ghg_per_energy", &mut intensity);
            if has_prev {
                let mut e = Table::new("", &colrefs);
                row("energy.total", &mut e);
                if let Some(r) = e.rows.pop() {
                    let mut r = r;
                    r[0] = Cell::Text("Energy consumed, MWh".into());
                    intensity.push(r);
                }
            }
            let mut text = format!("carbonledger — {} — {year}\n\n", m.organisation);
            if !m.calendar.is_gregorian() {
                text.push_str(&format!(
                    "Reporting year {} (year_start = {:02}-{:02}, named by the calendar year it {}s in)\n\n",
                    m.calendar.describe(year),
                    m.calendar.start_month,
                    m.calendar.start_day,
                    m.calendar.label.name()
                ));
            }
            let mut tables = vec![ghg, energy, intensity];
            if !renewables.rows.is_empty() {
                tables.push(renewables);
            }
            if !freight.rows.is_empty() {
                tables.push(freight);
            }
            if !avoided.rows.is_empty() {
                tables.push(avoided);
            }
            if let Some(by) = &by {
                tables.push(super::years::by_table(&project, &ledger, year, by, rule)?);
            }
            if a.years.is_some() {
                tables.push(super::years::trend_table(&ledger, rule)?);
            }
            if a.products {
                let (summary, _, _) =
                    super::products::tables(&project, &ledger, None, year, false)?;
                tables.push(summary);
            }
            text.push_str(&render_text(&tables, a.output.width()));
            if has_prev {
                // How much of the intensity change is the factor editions (cheap: re-priced
                // from the chain totals; `carbonledger bridge` has the full split).
                if let Some((eds, total, pp)) =
                    carbonledger::audit::edition_effect(&project, &ledger, year, a.opts.strict)
                {
                    text.push_str(&format!(
                        "{}\n",
                        carbonledger::audit::edition_sentence(&eds, total, pp, rule)
                    ));
                }
            }
            if let Some(r) = ledger.restatement().ok().flatten() {
                text.push_str(&format!("{}\n", r.sentence(rule)));
            }
            for note in &ledger.register_run.notes {
                text.push_str(&format!("{note}\n"));
            }
            text.push_str("Factor editions used:\n");
            for (e, c) in &editions {
                text.push_str(&format!("  {e}: {c}\n"));
            }
            text.push_str(if falls.is_empty() {
                "Fallbacks: none\n"
            } else {
                "Fallbacks:\n"
            });
            for f in &falls {
                text.push_str(&format!("  {f}\n"));
            }
            if !ledger.comp.notes.is_empty() {
                text.push_str("Scope 3 category 3 (well-to-tank, T&D losses), not computed:\n");
                for n in &ledger.comp.notes {
                    text.push_str(&format!("  {n}\n"));
                }
            }
            text.push_str("Rows:\n");
            for l in accounting(&ledger) {
                text.push_str(&format!("  {l}\n"));
            }
            text.push_str(&format!(
                "Values are exact decimals rounded for display ({}; t CO2e, MWh, GJ, tce to 0.1; intensity to 0.0001); `carbonledger figures` gives every digit.\n",
                rule.describe()
            ));
            a.output.write(&text)
        }
    }
}
