//! `carbonledger lock [DIR]`: writes `DIR/carbonledger.lock`, the SHA-256 of every factor
//! edition the project's figures use. Every later run that opens the project refuses, naming
//! the edition, when a locked edition's content differs; running `lock` again accepts it.

use super::common::{print_diagnostics, ProjectOpts};
use super::Exit;
use carbonledger::calc::{compute, RunOptions};
use carbonledger::ledger::{used_editions, Ledger};
use carbonledger::project::{render_lock, Input, Project};
use std::path::PathBuf;

/// Arguments of `lock`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    opts: ProjectOpts,
}

pub fn run(a: Args) -> Exit {
    // The lock being replaced is not checked: re-locking is how a change is accepted.
    let project = match Project::open_unlocked(&a.dir) {
        Ok(p) => p,
        Err(d) => {
            print_diagnostics(&d);
            return Exit::Data;
        }
    };
    let options = RunOptions {
        strict: a.opts.strict,
        threads: a.opts.threads,
    };
    let comp = match compute(&project, options) {
        Ok(c) => c,
        Err(d) => {
            print_diagnostics(&d);
            return Exit::Data;
        }
    };
    let ledger = Ledger::from_computation(&project, comp, a.opts.strict);
    // The editions used are those of the rows read: with a file not read to its end, or a
    // row rejected, the lock would leave out editions the project does use.
    let diags: Vec<_> = ledger.all_diagnostics().cloned().collect();
    if diags.iter().any(|d| d.is_error()) {
        print_diagnostics(&diags);
        eprintln!(
            "error: refusing to lock: the errors above leave rows unread or unused, so the editions they use are unknown; fix them and run `carbonledger lock` again"
        );
        return Exit::Data;
    }
    let editions = used_editions(&project, &ledger, a.opts.strict);
    let text = match render_lock(&project.library, &editions) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Io;
        }
    };
    let path = project.path(Input::Lock);
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("error: {}: {e}", path.display());
        return Exit::Io;
    }
    println!(
        "locked {} factor edition{} in {}",
        editions.len(),
        if editions.len() == 1 { "" } else { "s" },
        project.shown(Input::Lock)
    );
    Exit::Ok
}
