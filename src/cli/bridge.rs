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
    /// Output format (`csv` and `json`: the effects as exact decimals; `json` with `schema_version`).
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
    /// The table as CSV (exact decimals).
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
    let split = |s: &audit::Split| SplitJson {
        figure: s.figure.clone(),
        unit: s.unit,
        total: s.total.normalize().to_string(),
        effects: s
            .effects
            .iter()
            .map(|e| EffectJson {
                id: e.id,
                label: audit::label(b, e.id),
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
    }
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
            return a
                .output
                .write(&carbonledger::report::render_csv(&b.table()));
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
        a.output.write(&s)
    };
    inner().err().unwrap_or(Exit::Ok)
}
