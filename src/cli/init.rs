//! `carbonledger init DIR`: a new project from commented templates.

use super::Exit;
use carbonledger::project::write_templates;
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the project in (created if missing; existing files are never overwritten).
    dir: PathBuf,
}

pub fn run(a: Args) -> Exit {
    match write_templates(&a.dir) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", f.display());
            }
            println!(
                "next: fill in the files, then `carbonledger check {}`",
                a.dir.display()
            );
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Io
        }
    }
}
