//! `carbonledger init DIR`: a new project from commented templates.

use super::Exit;
use carbonledger::project::{write_country_templates, write_templates, Country};
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create the project in (created if missing; existing files are never overwritten).
    dir: PathBuf,
    /// Write the templates in one country's conventions: its national factor sets, grid,
    /// units and certificate kind (CN, GB, US, AU, EU).
    #[arg(long, value_parser = parse_country)]
    country: Option<Country>,
}

fn parse_country(s: &str) -> Result<Country, String> {
    Country::parse(s).ok_or_else(|| {
        let codes: Vec<&str> = Country::ALL.iter().map(|c| c.code()).collect();
        format!("unknown country `{s}`; one of {}", codes.join(", "))
    })
}

pub fn run(a: Args) -> Exit {
    let written = match a.country {
        Some(c) => write_country_templates(&a.dir, c),
        None => write_templates(&a.dir),
    };
    match written {
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
