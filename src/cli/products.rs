//! `carbonledger products [DIR] [--product ID] [--year Y]`: the product footprints — a summary
//! (footprint, recycled aluminium and steel, ISO 22628 rates) and, per product, the
//! contribution table whose lines add up exactly to the footprint.

use super::common::{load, Format, ProjectOpts};
use super::json::products::{ContributionJson, ProductJson, ProductsJson};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::decimal::group_thousands;
use carbonledger::ledger::Ledger;
use carbonledger::products::{contribution_table, product_ids, read_products};
use carbonledger::report::{render_csv, render_text, Cell, Table};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Arguments of `products`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Only this product (its id in products.csv).
    #[arg(long)]
    product: Option<String>,
    /// Year (default: the latest reporting year).
    #[arg(long)]
    year: Option<i32>,
    /// Output format (`csv` and `json` give exact values).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

fn fig(l: &Ledger, name: &str, year: i32) -> Result<Option<Decimal>, Exit> {
    l.figure(name, year)
        .map(|f| f.map(|f| f.value))
        .map_err(|e| {
            eprintln!("error: {e}");
            Exit::Data
        })
}

/// The product summary and contribution tables for `year` (only `only` when given), with their
/// JSON; every contribution table is checked to add up to its footprint.
pub fn tables(
    project: &carbonledger::project::Project,
    ledger: &Ledger,
    only: Option<&str>,
    year: i32,
    exact: bool,
) -> Result<(Table, Table, Vec<ProductJson>), Exit> {
    let rule = project.manifest.rounding;
    let show = |v: Option<Decimal>, dp: u32| -> String {
        match v {
            None => "–".into(),
            Some(v) if exact => v.normalize().to_string(),
            Some(v) => group_thousands(&rule.round(v, dp).to_string()),
        }
    };
    let mut diags = Vec::new();
    let meta = read_products(project, &mut diags).rows;
    let mut ids = product_ids(ledger);
    if let Some(p) = only {
        if !ids.iter().any(|i| i == p) {
            eprintln!(
                "error: no product `{p}` with a footprint\n  = hint: products: {}",
                ids.join(", ")
            );
            return Err(Exit::Usage);
        }
        ids.retain(|i| i == p);
    }
    let mut summary = Table::new(
            format!("Product footprints {year} (kg CO2e per functional unit; shares and ISO 22628 rates in %)"),
            &["product", "name", "functional_unit", "footprint_kg_co2e", "recycled_aluminium_pct", "recycled_steel_pct", "recyclability_pct", "recoverability_pct"],
        );
    let mut parts = Table::new(
        format!("Contributions {year} (lines add up exactly to the footprint)"),
        &["product", "stage", "component", "kg_co2e", "share_pct"],
    );
    let mut json = Vec::new();
    for id in &ids {
        let Some((lines, sum)) = contribution_table(ledger, id, year).map_err(|_| Exit::Data)?
        else {
            continue;
        };
        let total = fig(ledger, &format!("product.{id}.footprint"), year)?;
        if total != Some(sum) {
            eprintln!("error: the contributions of `{id}` sum to {sum}, not to its footprint");
            return Err(Exit::Io);
        }
        let m = meta.iter().find(|p| &p.id == id);
        let g = |n: &str| fig(ledger, &format!("product.{id}.{n}"), year);
        let (al, st, cyc, cov) = (
            g("recycled_share.aluminium")?,
            g("recycled_share.steel")?,
            g("recyclability")?,
            g("recoverability")?,
        );
        summary.push(vec![
            Cell::Text(id.clone()),
            Cell::Text(m.map(|p| p.name.clone()).unwrap_or_default()),
            Cell::Text(m.map(|p| p.functional_unit.clone()).unwrap_or_default()),
            Cell::Num(show(total, 3)),
            Cell::Num(show(al, 1)),
            Cell::Num(show(st, 1)),
            Cell::Num(show(cyc, 1)),
            Cell::Num(show(cov, 1)),
        ]);
        let mut jl = Vec::new();
        for l in &lines {
            let share = if sum.is_zero() {
                None
            } else {
                carbonledger::decimal::mul(l.kg_co2e, Decimal::ONE_HUNDRED)
                    .and_then(|x| carbonledger::decimal::div(x, sum))
                    .ok()
                    .map(|q| q.rounded(carbonledger::decimal::FIGURE_DP))
            };
            parts.push(vec![
                Cell::Text(id.clone()),
                Cell::Text(l.stage.clone()),
                Cell::Text(l.component.clone().unwrap_or_default()),
                Cell::Num(show(Some(l.kg_co2e), 3)),
                Cell::Num(show(share, 1)),
            ]);
            jl.push(ContributionJson {
                stage: l.stage.clone(),
                component: l.component.clone(),
                figure: l.figure.clone(),
                kg_co2e: l.kg_co2e.normalize().to_string(),
            });
        }
        parts.push(vec![
            Cell::Text(id.clone()),
            Cell::Text("total".into()),
            Cell::Text(String::new()),
            Cell::Num(show(Some(sum), 3)),
            Cell::Num(show(Some(Decimal::ONE_HUNDRED), 1)),
        ]);
        let s = |v: Option<Decimal>| v.map(|v| v.normalize().to_string());
        json.push(ProductJson {
            product: id.clone(),
            year,
            name: m.map(|p| p.name.clone()),
            functional_unit: m.map(|p| p.functional_unit.clone()),
            footprint_kg_co2e: s(total),
            recycled_aluminium_pct: s(al),
            recycled_steel_pct: s(st),
            recyclability_pct: s(cyc),
            recoverability_pct: s(cov),
            contributions: jl,
        });
    }
    Ok((summary, parts, json))
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (project, ledger) = load(&a.dir, &a.opts)?;
        let year = a
            .year
            .or_else(|| ledger.years.last().copied())
            .unwrap_or_default();
        let rule = project.manifest.rounding;
        let exact = a.format != Format::Table;
        let (summary, parts, json) = tables(&project, &ledger, a.product.as_deref(), year, exact)?;
        match a.format {
            Format::Json => a.output.write(&format!(
                "{}\n",
                serde_json::to_string_pretty(&ProductsJson {
                    schema_version: super::json::SCHEMA_VERSION,
                    year,
                    products: json,
                })
                .map_err(|_| Exit::Io)?
            )),
            Format::Csv => {
                a.output
                    .write(&format!("{}\n{}", render_csv(&summary), render_csv(&parts)))
            }
            Format::Table => a.output.write(&format!(
                "{}\nValues rounded for display ({}); `--format csv` gives every digit.\n",
                render_text(&[summary, parts], a.output.width()),
                rule.describe()
            )),
        }
    };
    inner().err().unwrap_or(Exit::Ok)
}
