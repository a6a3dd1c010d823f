//! The export manifest: what produced the export (tool, version, command, options) and the
//! SHA-256 of every file the run read — each project input present ([`Input::ALL`], the one
//! list every reader takes its file from), the claims file, the files of each factor edition
//! the figures used — and of every output file; and the check that re-hashes them and names
//! every file changed since, from any folder.

use crate::calc::RunOptions;
use crate::factors::BUILTIN_FILES;
pub use crate::project::sha256_hex;
use crate::project::{sha256_file, Input, Project};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One hashed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path: relative to the project (inputs and project-local factor files), `<built-in>/…`
    /// (factor files embedded in the binary), relative to the export folder (outputs).
    pub path: String,
    /// The factor edition `SET@EDITION` a factor file belongs to.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub edition: Option<String>,
    /// Table schema, for outputs.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub schema: Option<String>,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `carbonledger`.
    pub tool: String,
    /// Tool version.
    pub version: String,
    /// Manifest schema.
    pub schema: String,
    /// The command, with the output folder shown as `OUT` (so that two exports of the same
    /// inputs are byte-identical wherever they are written).
    pub command: Vec<String>,
    /// `--strict` was given.
    pub strict: bool,
    /// The project folder as given.
    pub project: String,
    /// The organisation.
    pub organisation: String,
    /// Reporting years.
    pub reporting_years: Vec<i32>,
    /// Every project input file the run read (those of [`Input::ALL`] that are present; a
    /// claims file named with `--claims` in place of `claims.toml`).
    pub inputs: Vec<ManifestFile>,
    /// The files of every factor edition the figures used (built-in or project-local).
    pub factors: Vec<ManifestFile>,
    /// Every output file but this manifest.
    pub outputs: Vec<ManifestFile>,
    /// What the tables are and are not.
    pub note: String,
}

impl Manifest {
    /// Hashes the project's inputs, the claims file (`claims`, or the project's
    /// `claims.toml`) and the files of the factor editions in `editions` (`SET@EDITION`)
    /// beside the given outputs.
    pub fn build(
        project: &Project,
        options: RunOptions,
        command: &[String],
        claims: Option<&Path>,
        editions: &BTreeSet<String>,
        outputs: Vec<ManifestFile>,
    ) -> Result<Manifest, String> {
        let mut inputs = Vec::new();
        let hash = |p: &Path| -> Result<String, String> {
            sha256_file(p).map_err(|e| format!("{}: {e}", p.display()))
        };
        for input in Input::ALL {
            if let Some(files) = crate::project::input_partitions(project, input) {
                // A folder input: each partition file, by its path below the project.
                for f in files.map_err(|e| format!("{}: {e}", input.name()))? {
                    inputs.push(ManifestFile {
                        sha256: hash(&f.path)?,
                        path: f.name,
                        edition: None,
                        schema: None,
                    });
                }
                continue;
            }
            let p = match (input, claims) {
                (Input::Claims, Some(c)) => c.to_path_buf(),
                _ => project.path(input),
            };
            if p.exists() {
                inputs.push(ManifestFile {
                    path: match (input, claims) {
                        (Input::Claims, Some(c)) => claims_path(&project.dir, c),
                        _ => input.name().to_string(),
                    },
                    edition: None,
                    schema: None,
                    sha256: hash(&p)?,
                });
            } else if matches!((input, claims), (Input::Claims, Some(_))) {
                return Err(format!("{}: no such file", p.display()));
            }
        }
        let mut factors = Vec::new();
        for id in editions {
            let (set, ed) = id.split_once('@').unwrap_or((id, ""));
            let Some(e) = project.library.edition(set, ed) else {
                return Err(format!("factor edition {id} is not in the library"));
            };
            for (path, text) in &e.files {
                factors.push(ManifestFile {
                    path: project.factor_file_path(path),
                    edition: Some(id.clone()),
                    schema: None,
                    sha256: sha256_hex(text.as_bytes()),
                });
            }
        }
        Ok(Manifest {
            tool: "carbonledger".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema: "manifest/1".into(),
            command: command.to_vec(),
            strict: options.strict,
            project: project.dir.to_string_lossy().into_owned(),
            organisation: project.manifest.organisation.clone(),
            reporting_years: project.manifest.reporting_years.clone(),
            inputs,
            factors,
            outputs,
            note: "CSV tables are the exact record (decimal strings). Spreadsheet cells hold binary doubles: a workbook re-performs the calculation to about 15 significant digits.".into(),
        })
    }

    /// Pretty JSON, keys in a fixed order.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).map_or_else(|_| String::new(), |s| s + "\n")
    }
}

/// The manifest path of a claims file given with `--claims`: relative to the project when it
/// lies inside it, else as given.
fn claims_path(project: &Path, claims: &Path) -> String {
    let inside = match (project.canonicalize(), claims.canonicalize()) {
        (Ok(p), Ok(c)) => c.strip_prefix(&p).ok().map(Path::to_path_buf),
        _ => None,
    };
    inside
        .unwrap_or_else(|| claims.to_path_buf())
        .to_string_lossy()
        .replace('\\', "/")
}

/// A file that no longer matches the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// `input`, `factor` or `output`.
    pub kind: &'static str,
    /// The path as in the manifest.
    pub path: String,
    /// `modified`, `missing`, `added` (an input absent at the export is there now), or
    /// `unreadable` (a folder or pattern input whose files cannot be listed now).
    pub what: &'static str,
}

/// Reads an export's manifest.
pub fn read_manifest(out: &Path) -> Result<Manifest, String> {
    let path = out.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Re-hashes an export's outputs (in `out`), its inputs (in `project`, or the project folder
/// the manifest names) and its factor files (built-in files as this binary embeds them;
/// project-local ones from the project folder), and lists every file that changed. Every
/// path is resolved against `out` or the project folder, never the current folder.
pub fn check(out: &Path, project: Option<&Path>) -> Result<Vec<Changed>, String> {
    let m = read_manifest(out)?;
    let dir: PathBuf = project.map_or_else(|| PathBuf::from(&m.project), Path::to_path_buf);
    if !dir.join(Input::Manifest.name()).is_file() {
        return Err(format!(
            "{}: no project there (the manifest names the project folder as it was given to export, `{}`); name it with --project DIR",
            dir.display(),
            m.project
        ));
    }
    let mut changed = Vec::new();
    // Files are hashed as they are read: a lines.csv of millions of rows is never held whole.
    let mut compare = |kind: &'static str, f: &ManifestFile, sha256: Option<String>| match sha256 {
        None => changed.push(Changed {
            kind,
            path: f.path.clone(),
            what: "missing",
        }),
        Some(h) if h != f.sha256 => changed.push(Changed {
            kind,
            path: f.path.clone(),
            what: "modified",
        }),
        Some(_) => {}
    };
    for f in &m.outputs {
        compare("output", f, sha256_file(&out.join(&f.path)).ok());
    }
    for f in &m.inputs {
        compare("input", f, sha256_file(&dir.join(&f.path)).ok());
    }
    for f in &m.factors {
        let sha256 = match f.path.strip_prefix("<built-in>/") {
            Some(rel) => BUILTIN_FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| sha256_hex(t.as_bytes())),
            None => sha256_file(&dir.join(&f.path)).ok(),
        };
        compare("factor", f, sha256);
    }
    let listed: BTreeSet<&str> = m.inputs.iter().map(|f| f.path.as_str()).collect();
    // A file of a folder or pattern input (`energy/a.csv`, `lake/b.parquet`) is not a claims
    // file named with --claims (TOML).
    let in_folder = |path: &str| {
        let path = path.to_ascii_lowercase();
        path.ends_with(".csv") || path.ends_with(".parquet")
    };
    let opened = crate::project::Project::open(&dir).ok();
    let claims_elsewhere = m
        .inputs
        .iter()
        .any(|f| Input::named(&f.path).is_none() && !in_folder(&f.path));
    for input in Input::ALL {
        if input == Input::Claims && claims_elsewhere {
            continue;
        }
        if let Some(files) = opened
            .as_ref()
            .and_then(|p| crate::project::input_partitions(p, input))
        {
            // A folder or `[inputs]` pattern: a file of it the export did not read was added
            // since. (A project that no longer opens has a changed input listed already.)
            match files {
                Ok(files) => {
                    for f in files {
                        if !listed.contains(f.name.as_str()) {
                            changed.push(Changed {
                                kind: "input",
                                path: f.name,
                                what: "added",
                            });
                        }
                    }
                }
                // The input's files cannot be listed now (a file beside its folder or
                // pattern, a link to nowhere): every command that reads it fails.
                Err(_) => changed.push(Changed {
                    kind: "input",
                    path: input.name().to_string(),
                    what: "unreadable",
                }),
            }
            continue;
        }
        if !listed.contains(input.name()) && dir.join(input.name()).exists() {
            changed.push(Changed {
                kind: "input",
                path: input.name().to_string(),
                what: "added",
            });
        }
    }
    Ok(changed)
}
