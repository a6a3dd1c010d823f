//! `carbonledger freight [DIR] [--year Y] [--format table|csv|json]`: results per transport
//! chain element and per transport chain (shipment), with the intensity per tonne-km; each
//! element names its shipments.csv line, whose lines `explain` shows.

use super::common::{load, Format, ProjectOpts};
use super::json::freight::{AmountsJson, ChainJson, ElementJson, FreightJson};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::decimal::group_thousands;
use carbonledger::freight::chain::{chains, Amounts};
use carbonledger::report::{render_csv, render_text, Cell, Table};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Arguments of `freight`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
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

/// An amount's kg, tkm and intensity, exact: (tkm, ttw kg, wtt kg, wtw kg, intensity).
type Shown = (Decimal, Decimal, Decimal, Decimal, Option<(Decimal, bool)>);

fn exact(a: &Amounts) -> Result<Shown, Exit> {
    let k = a.in_kg().map_err(|e| {
        eprintln!("error: {e}");
        Exit::Data
    })?;
    Ok((k.tkm, k.ttw_kg, k.wtt_kg, k.wtw_kg, k.intensity))
}

fn json(a: &Amounts) -> Result<AmountsJson, Exit> {
    let (tkm, ttw, wtt, wtw, i) = exact(a)?;
    let s = |d: Decimal| d.normalize().to_string();
    Ok(AmountsJson {
        tkm: s(tkm),
        ttw_kg_co2e: s(ttw),
        wtt_kg_co2e: s(wtt),
        wtw_kg_co2e: s(wtw),
        intensity_kg_co2e_per_tkm: i.map(|(v, _)| s(v)),
        intensity_exact: i.map(|(_, e)| e),
    })
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (project, ledger) = load(&a.dir, &a.opts)?;
        let year = a
            .year
            .or_else(|| ledger.years.last().copied())
            .unwrap_or_default();
        let list = chains(&project, &ledger.comp, a.opts.strict, year).map_err(|e| {
            eprintln!("error: {e}");
            Exit::Data
        })?;
        if a.format == Format::Json {
            let mut out = Vec::new();
            for c in &list {
                let mut elements = Vec::new();
                for e in &c.elements {
                    elements.push(ElementJson {
                        element: e.element,
                        line: e.line,
                        period: e.period.clone(),
                        mode: e.mode.clone(),
                        place: e.place.clone(),
                        amounts: json(&e.amounts)?,
                    });
                }
                out.push(ChainJson {
                    shipment: c.shipment.clone(),
                    elements,
                    amounts: json(&c.amounts)?,
                });
            }
            return a.output.write(&format!(
                "{}\n",
                serde_json::to_string_pretty(&FreightJson {
                    schema_version: super::json::SCHEMA_VERSION,
                    year,
                    chains: out,
                })
                .map_err(|_| Exit::Io)?
            ));
        }
        let rule = project.manifest.rounding;
        let table = a.format == Format::Table;
        let num = |v: Decimal, dp: u32| {
            Cell::Num(if table {
                group_thousands(&rule.round(v, dp).to_string())
            } else {
                v.normalize().to_string()
            })
        };
        let mut t = Table::new(
            format!("Transport chains {year} (ISO 14083: per element and per chain; well-to-wheel = ttw + wtt, net of SAF)"),
            &["shipment", "element", "line", "period", "mode", "place", "tkm", "ttw_kg_co2e", "wtt_kg_co2e", "wtw_kg_co2e", "kg_co2e_per_tkm"],
        );
        let mut row = |shipment: &str,
                       el: String,
                       line: String,
                       period: String,
                       mode: String,
                       place: String,
                       amounts: &Amounts|
         -> Result<(), Exit> {
            let (tkm, ttw, wtt, wtw, i) = exact(amounts)?;
            t.push(vec![
                Cell::Text(shipment.to_string()),
                Cell::Text(el),
                Cell::Text(line),
                Cell::Text(period),
                Cell::Text(mode),
                Cell::Text(place),
                num(tkm, 3),
                num(ttw, 3),
                num(wtt, 3),
                num(wtw, 3),
                i.map_or(Cell::Text(String::new()), |(v, _)| num(v, 5)),
            ]);
            Ok(())
        };
        for c in &list {
            for e in &c.elements {
                row(
                    &c.shipment,
                    e.element.to_string(),
                    e.line.to_string(),
                    e.period.clone(),
                    e.mode.clone(),
                    e.place.clone(),
                    &e.amounts,
                )?;
            }
            row(
                &c.shipment,
                "chain".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                &c.amounts,
            )?;
        }
        if table {
            a.output.write(&format!(
                "{}\nValues rounded for display ({}); `--format csv` gives every digit. `explain` shows each element's lines (shipments.csv:LINE).\n",
                render_text(&[t], a.output.width()),
                rule.describe()
            ))
        } else {
            a.output.write(&render_csv(&t))
        }
    };
    inner().err().unwrap_or(Exit::Ok)
}
