//! `carbonledger bridge [DIR] [--year Y]`: the year-on-year change of total emissions and of
//! emissions per energy, split into activity, energy-mix, source-intensity, non-energy and
//! factor-edition effects, with the answer to "how much of it is the new factor editions?".

use super::common::{load, out, ProjectOpts};
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
    #[command(flatten)]
    opts: ProjectOpts,
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
        let rule = project.manifest.rounding;
        let mut s = format!(
            "carbonledger bridge — {} — {} → {}\n\n",
            project.manifest.organisation, b.from, b.to
        );
        s.push_str(&render_text(&[b.table()]));
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
        out(&s)
    };
    inner().err().unwrap_or(Exit::Ok)
}
