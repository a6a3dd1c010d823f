//! `carbonledger bridge [DIR] [--year Y]`: the year-on-year change of total emissions and of
//! emissions per energy, split into activity, energy-mix, source-intensity, non-energy and
//! factor-edition effects, with the answer to "how much of it is the new factor editions?".

use super::common::{load, ProjectOpts};
use super::output::OutputOpts;
use super::Exit;
use carbonledger::audit::{self, Method};
use carbonledger::calc::RunOptions;
use carbonledger::report::render_text;
use std::path::PathBuf;

/// Arguments of `bridge`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The year explained against the year before (default: the latest reporting year).
    #[arg(long)]
    year: Option<i32>,
    /// Output format (`csv`: the rows of the export's bridge.csv, every split's effects and
    /// total; `json` with `schema_version`; both exact decimals).
    #[arg(long, value_enum, default_value_t = BridgeFormat::Table)]
    format: BridgeFormat,
    #[command(flatten)]
    output: OutputOpts,
    #[command(flatten)]
    opts: ProjectOpts,
}

/// Output format of `bridge`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeFormat {
    /// The table and the answer, for reading.
    Table,
    /// The rows of the export's bridge.csv (exact decimals).
    Csv,
    /// JSON.
    Json,
}

/// The JSON shape's version (`bridge --format json`).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct BridgeJson {
    schema_version: u32,
    from: i32,
    to: i32,
    /// Sets whose edition differs: set, previous edition, current edition.
    editions: Vec<EditionJson>,
    /// `repriced` or `recomputed`.
    method: &'static str,
    splits: Vec<SplitJson>,
    /// Every register figure's change: activity, implied factor (or the change at constant
    /// editions) and factor editions.
    registers: Vec<RegisterJson>,
    /// Why `registers` is empty although the project has register figures, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    register_note: Option<String>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct RegisterJson {
    /// The figure's value in the earlier year (0 when absent).
    before: String,
    /// Its value in the year explained (0 when absent).
    after: String,
    /// The unit of the activity the change is split by, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    activity_unit: Option<&'static str>,
    #[serde(flatten)]
    split: SplitJson,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct EditionJson {
    set: String,
    from: String,
    to: String,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct SplitJson {
    figure: String,
    unit: &'static str,
    /// The change; the effects add up to it exactly.
    total: String,
    effects: Vec<EffectJson>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct EffectJson {
    id: &'static str,
    label: String,
    value: String,
}

fn to_json(b: &audit::Bridge) -> BridgeJson {
    let label = |id: &str| match audit::REGISTER_EFFECTS.iter().find(|e| e.0 == id) {
        Some((_, l)) if id != "factor_editions" => l.to_string(),
        _ => audit::label(b, id),
    };
    let split = |s: &audit::Split| SplitJson {
        figure: s.figure.clone(),
        unit: s.unit,
        total: s.total.normalize().to_string(),
        effects: s
            .effects
            .iter()
            .map(|e| EffectJson {
                id: e.id,
                label: label(e.id),
                value: e.value.normalize().to_string(),
            })
            .collect(),
    };
    BridgeJson {
        schema_version: SCHEMA_VERSION,
        from: b.from,
        to: b.to,
        editions: b
            .editions
            .iter()
            .map(|(set, from, to)| EditionJson {
                set: set.clone(),
                from: from.clone(),
                to: to.clone(),
            })
            .collect(),
        method: match &b.method {
            Method::Repriced { .. } => "repriced",
            Method::Recomputed { .. } => "recomputed",
        },
        splits: vec![
            split(&b.emissions),
            split(&b.intensity),
            split(&b.intensity_pp),
        ],
        registers: b
            .registers
            .iter()
            .map(|r| RegisterJson {
                before: r.before.normalize().to_string(),
                after: r.after.normalize().to_string(),
                activity_unit: r.basis,
                split: split(&r.split),
            })
            .collect(),
        register_note: b.register_note.clone(),
    }
}

/// The register figures' section of the text output: their table (product figures are many
/// and per product: they are in the csv and json output), its method, and any note.
fn register_text(b: &audit::Bridge, width: Option<u16>) -> String {
    let mut s = String::new();
    let product = |f: &str| f.starts_with("product.") || f == "products.count";
    let mut shown = b.clone();
    shown.registers.retain(|r| !product(&r.split.figure));
    let left = b.registers.len() - shown.registers.len();
    if !shown.registers.is_empty() {
        s.push('\n');
        s.push_str(&render_text(&[shown.register_table()], width));
        s.push_str("Register figures: figure = activity × implied factor, where the activity is the figure's basis (electricity consumed for market-based scope 2, MWh generated, tkm, GJ recovered; an amount is its own activity) and the implied factor is value ÷ activity. Factor editions as above; the rest by the Shapley value of the two factors; a figure whose contributions share no activity unit keeps the change at constant editions as one effect. The effects add up to the change exactly.\n");
    }
    if left > 0 {
        s.push_str(&format!(
            "{left} product figure(s) are split the same way in `--format csv` and `--format json`.\n"
        ));
    }
    if let Some(note) = &b.register_note {
        s.push_str(&format!("{note}\n"));
    }
    s
}

pub fn run(a: Args) -> Exit {
    let inner = || -> Result<(), Exit> {
        let (project, ledger) = load(&a.dir, &a.opts)?;
        let year = a
            .year
            .unwrap_or_else(|| ledger.years.last().copied().unwrap_or_default());
        let options = RunOptions {
            strict: a.opts.strict,
            threads: a.opts.threads,
        };
        let b = audit::bridge(&project, &ledger, year, options).map_err(|e| {
            if let audit::BridgeError::Data(d) = &e {
                super::common::print_diagnostics(d);
            }
            eprintln!("error: {e}");
            match e {
                audit::BridgeError::Undefined(_) => Exit::Usage,
                _ => Exit::Data,
            }
        })?;
        if a.format == BridgeFormat::Csv {
            let mut t = carbonledger::report::Table::new(
                "bridge",
                &["from_year", "to_year", "figure", "effect", "value", "unit"],
            );
            let n = |d: String| carbonledger::report::Cell::Num(d);
            let text = |d: String| carbonledger::report::Cell::Text(d);
            for (from, to, figure, effect, value, unit) in b.rows() {
                t.push(vec![
                    n(from.to_string()),
                    n(to.to_string()),
                    text(figure),
                    text(effect),
                    n(value.normalize().to_string()),
                    text(unit.to_string()),
                ]);
            }
            return a.output.write(&carbonledger::report::render_csv(&t));
        }
        if a.format == BridgeFormat::Json {
            return a.output.write(&format!(
                "{}\n",
                serde_json::to_string_pretty(&to_json(&b)).map_err(|_| Exit::Io)?
            ));
        }
        let rule = project.manifest.rounding;
        let mut s = format!(
            "carbonledger bridge — {} — {} → {}\n\n",
            project.manifest.organisation, b.from, b.to
        );
        s.push_str(&render_text(&[b.table()], a.output.width()));
        s.push_str(&b.answer(rule));
        s.push_str("\n\n");
        s.push_str(&format!(
            "Factor editions: the {to} activity under the {to} editions minus the same activity under the {from} editions ({}). The rest by the Shapley value (Sun 1998 complete decomposition) over sources = facility × carrier: emissions = Σ energy × share × intensity + non-energy emissions; intensity = Σ share × intensity + non-energy / energy. Effects are exact rationals, shown to {} decimal places by the largest-remainder method so that they add up to the difference of the published figures exactly. See docs/methodology.md.\n",
            match &b.method {
                Method::Repriced { changed, .. } => format!("{changed} chain(s) re-priced"),
                Method::Recomputed { .. } => "recomputed from the rows".to_string(),
            },
            audit::EFFECT_DP,
            to = b.to,
            from = b.from,
        ));
        s.push_str(&register_text(&b, a.output.width()));
        a.output.write(&s)
    };
    inner().err().unwrap_or(Exit::Ok)
}
