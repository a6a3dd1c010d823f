//! A project folder: its manifest, its boundary, its factor library, and the paths of its
//! activity files. Opening a project reads the small files whole and validates them; the
//! activity files are streamed later, by the calculation.

mod init_country;
mod inputs;
mod lock;
mod manifest;
pub(crate) use manifest::key_span;
mod partitions;
mod templates;

pub use init_country::{write_country_templates, Country};
pub use inputs::{Input, FACTORS_DIR};
pub use lock::{
    check_lock, edition_digest, lower_hex, parse_lock, render_lock, sha256_file, sha256_hex, Lock,
    LOCK_FILE,
};
pub use manifest::{
    Consolidation, DisplacedGrid, EnergyBasis, Families, FreightOptions, InputPatterns, Manifest,
    RenewablesPolicy, Scope3Options, YearSelection,
};
pub use partitions::{
    input_label, input_partitions, listing_of, partition_files, partitioned, pattern_files,
    shown_folder, Listing, PartitionFile, PartitionFormat,
};
pub use templates::{write_files, write_templates, TEMPLATES};

use crate::activity::{read_facilities, read_facility_changes, Facilities};
use crate::diag::{Diagnostic, Span};
use crate::factors::Library;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An opened, validated project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project folder.
    pub dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// Facilities.
    pub facilities: Facilities,
    /// Built-in plus project-local factor editions.
    pub library: Library,
}

/// Whether the folder holds an entry at `path`, readable or not: a file, a folder, a link to
/// nowhere. An optional input is absent only when there is no such entry; one that is there
/// but cannot be read is an error of the commands that use it, never an empty file.
pub fn entry_exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// How a project file is named in messages: relative to the project folder's parent as given.
pub fn shown_path(dir: &Path, name: &str) -> Arc<str> {
    let p = dir.join(name);
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string().into()
}

fn read_text(dir: &Path, name: &str) -> Result<String, Diagnostic> {
    let shown = shown_path(dir, name);
    let bytes = std::fs::read(dir.join(name)).map_err(|e| {
        Diagnostic::error(
            "missing-file",
            Span::file(&shown),
            format!("cannot read {name}: {e}"),
        )
        .with_hint("run `carbonledger init DIR` for a project with every file templated")
    })?;
    crate::ingest::utf8_text(&shown, bytes, false)
}

/// Each facility's grid reference names a set in the library and a key of one of its
/// editions (or a set with a parent key to fall back to): reported at `facilities.csv`, once,
/// not at every row that uses the facility.
fn check_grids(facilities: &Facilities, lib: &Library) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for f in &facilities.list {
        let Some(g) = &f.grid else { continue };
        let eds: Vec<_> = lib.editions_of(&g.set).collect();
        if eds.is_empty() {
            diags.push(
                Diagnostic::error(
                    "unknown-factor-set",
                    f.grid_span.clone(),
                    format!(
                        "grid `{}:{}` names no factor set in the library",
                        g.set, g.key
                    ),
                )
                .with_hint(
                    "see `carbonledger factors list`; project sets go under factors/SET/EDITION/",
                ),
            );
        } else if !eds.iter().any(|e| {
            // A key, or a group of per-gas keys (`egrid.rfcw` → `egrid.rfcw.co2`, …).
            e.factors.contains_key(&g.key) || e.factors.contains_key(&format!("{}.co2", g.key))
        }) {
            let keys: Vec<&str> = eds
                .iter()
                .flat_map(|e| e.factors.keys().map(String::as_str))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            diags.push(
                Diagnostic::error(
                    "unknown-factor",
                    f.grid_span.clone(),
                    format!("grid key `{}` is in no edition of {}", g.key, g.set),
                )
                .with_hint(format!("keys of {}: {}", g.set, keys.join(", "))),
            );
        }
    }
    diags
}

impl Project {
    /// Opens the project in `dir`: manifest, facilities, factor library, and the check of
    /// `carbonledger.lock` when there is one (every locked edition unchanged). All problems
    /// are returned together.
    pub fn open(dir: &Path) -> Result<Project, Vec<Diagnostic>> {
        Project::open_with(dir, true)
    }

    /// Opens the project without checking `carbonledger.lock` (for `lock`, which replaces it).
    pub fn open_unlocked(dir: &Path) -> Result<Project, Vec<Diagnostic>> {
        Project::open_with(dir, false)
    }

    fn open_with(dir: &Path, locked: bool) -> Result<Project, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut manifest_text = String::new();
        let manifest = match read_text(dir, Input::Manifest.name()) {
            Ok(t) => {
                let m = Manifest::parse(&shown_path(dir, Input::Manifest.name()), &t)
                    .map_err(|mut d| diags.append(&mut d))
                    .ok();
                manifest_text = t;
                m
            }
            Err(d) => {
                diags.push(d);
                None
            }
        };
        let fac_name = shown_path(dir, Input::Facilities.name());
        let mut facilities = match std::fs::File::open(dir.join(Input::Facilities.name())) {
            Ok(f) => read_facilities(&fac_name, std::io::BufReader::new(f))
                .map_err(|mut d| diags.append(&mut d))
                .ok(),
            Err(e) => {
                diags.push(
                    Diagnostic::error("missing-file", Span::file(&fac_name), format!("cannot read facilities.csv: {e}"))
                        .with_hint("every project needs facilities.csv (the organisational boundary); `carbonledger init DIR` writes a template"),
                );
                None
            }
        };
        let changes_path = dir.join(Input::FacilityChanges.name());
        if let (Some(f), true) = (facilities.as_mut(), entry_exists(&changes_path)) {
            let shown = shown_path(dir, Input::FacilityChanges.name());
            match std::fs::File::open(&changes_path) {
                Ok(file) => {
                    if let Err(mut d) =
                        read_facility_changes(&shown, std::io::BufReader::new(file), f)
                    {
                        diags.append(&mut d);
                    }
                }
                Err(e) => diags.push(
                    Diagnostic::error(
                        "io-error",
                        Span::file(&shown),
                        format!("cannot read facility_changes.csv: {e}"),
                    )
                    .with_hint("check the file's permissions"),
                ),
            }
        }
        let mut library = match Library::builtin() {
            Ok(l) => Some(l),
            Err(mut d) => {
                diags.append(&mut d);
                None
            }
        };
        let local = dir.join(FACTORS_DIR);
        // A `factors` that is there but no folder (a link to nowhere, a file) is an error of
        // add_project_dir, not a project without sets.
        if let (Some(lib), true) = (library.as_mut(), entry_exists(&local)) {
            let mut d = lib.add_project_dir(&local, &shown_path(dir, FACTORS_DIR));
            diags.append(&mut d);
        }
        if let (Some(m), Some(lib)) = (&manifest, &library) {
            let mut d = m.check_sets(
                &shown_path(dir, Input::Manifest.name()),
                &manifest_text,
                lib,
            );
            diags.append(&mut d);
        }
        if let (Some(f), Some(lib)) = (&facilities, &library) {
            diags.extend(check_grids(f, lib));
        }
        if let (Some(lib), true) = (&library, locked && entry_exists(&dir.join(LOCK_FILE))) {
            let shown = shown_path(dir, LOCK_FILE);
            match read_text(dir, LOCK_FILE).map(|t| parse_lock(&shown, &t)) {
                Ok(Ok(lock)) => diags.append(&mut check_lock(&shown, &lock, lib)),
                Ok(Err(mut d)) => diags.append(&mut d),
                Err(d) => diags.push(d),
            }
        }
        match (manifest, facilities, library) {
            (Some(manifest), Some(facilities), Some(library)) if diags.is_empty() => Ok(Project {
                dir: dir.to_path_buf(),
                manifest,
                facilities,
                library,
            }),
            _ => Err(diags),
        }
    }

    /// The path of a project file, whether or not it exists.
    pub fn path(&self, input: Input) -> PathBuf {
        self.dir.join(input.name())
    }

    /// Whether the project holds `input`, readable or not (see [`entry_exists`]).
    pub fn has(&self, input: Input) -> bool {
        entry_exists(&self.path(input))
    }

    /// How a project file is named in messages.
    pub fn shown(&self, input: Input) -> Arc<str> {
        shown_path(&self.dir, input.name())
    }

    /// The path of a factor file as an export manifest records it: `<built-in>/…` for a file
    /// embedded in the binary, else relative to the project folder (`factors/SET/EDITION/…`).
    pub fn factor_file_path(&self, shown: &str) -> String {
        let local = shown_path(&self.dir, FACTORS_DIR);
        match shown.strip_prefix(local.as_ref()) {
            Some(rest) if !shown.starts_with("<built-in>/") => format!("{FACTORS_DIR}{rest}"),
            _ => shown.to_string(),
        }
    }
}
