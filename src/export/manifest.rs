//! The export manifest: what produced the export (tool, version, command, options) and the
//! SHA-256 of every input file, every factor file of the library and every output file; and
//! the check that re-hashes them and names every file changed since.

use crate::calc::RunOptions;
use crate::factors::BUILTIN_FILES;
use crate::project::Project;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// One hashed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path: relative to the project (inputs), `<built-in>/…` or the project path (factors),
    /// relative to the export folder (outputs).
    pub path: String,
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
    /// The project's input files.
    pub inputs: Vec<ManifestFile>,
    /// Every factor file of the library (built in or project-local).
    pub factors: Vec<ManifestFile>,
    /// Every output file but this manifest.
    pub outputs: Vec<ManifestFile>,
    /// What the tables are and are not.
    pub note: String,
}

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const INPUTS: [&str; 4] = [
    "carbonledger.toml",
    "facilities.csv",
    "energy.csv",
    "fugitive.csv",
];

impl Manifest {
    /// Hashes the project's inputs and factor files beside the given outputs.
    pub fn build(
        project: &Project,
        options: RunOptions,
        command: &[String],
        outputs: Vec<ManifestFile>,
    ) -> Result<Manifest, String> {
        let mut inputs = Vec::new();
        for name in INPUTS {
            let p = project.path(name);
            if p.exists() {
                let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                inputs.push(ManifestFile {
                    path: name.to_string(),
                    schema: None,
                    sha256: sha256_hex(&bytes),
                });
            }
        }
        let mut factors = Vec::new();
        for e in project.library.editions() {
            for (path, text) in &e.files {
                factors.push(ManifestFile {
                    path: path.clone(),
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

/// A file that no longer matches the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// `input`, `factor` or `output`.
    pub kind: &'static str,
    /// The path as in the manifest.
    pub path: String,
    /// `modified` or `missing`.
    pub what: &'static str,
}

/// Re-hashes an export's outputs (in `out`), its inputs (in `project`, or the project folder
/// the manifest names) and its factor files (built-in files as this binary embeds them;
/// project-local ones from disk), and lists every file that changed.
pub fn check(out: &Path, project: Option<&Path>) -> Result<Vec<Changed>, String> {
    let text = std::fs::read_to_string(out.join("manifest.json"))
        .map_err(|e| format!("{}: {e}", out.join("manifest.json").display()))?;
    let m: Manifest = serde_json::from_str(&text).map_err(|e| format!("manifest.json: {e}"))?;
    let dir = project.map_or_else(|| Path::new(&m.project).to_path_buf(), Path::to_path_buf);
    let mut changed = Vec::new();
    let mut compare = |kind: &'static str, f: &ManifestFile, bytes: Option<Vec<u8>>| match bytes {
        None => changed.push(Changed {
            kind,
            path: f.path.clone(),
            what: "missing",
        }),
        Some(b) if sha256_hex(&b) != f.sha256 => changed.push(Changed {
            kind,
            path: f.path.clone(),
            what: "modified",
        }),
        Some(_) => {}
    };
    for f in &m.outputs {
        compare("output", f, std::fs::read(out.join(&f.path)).ok());
    }
    for f in &m.inputs {
        compare("input", f, std::fs::read(dir.join(&f.path)).ok());
    }
    for f in &m.factors {
        let bytes = match f.path.strip_prefix("<built-in>/") {
            Some(rel) => BUILTIN_FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| t.as_bytes().to_vec()),
            None => std::fs::read(&f.path).ok(),
        };
        compare("factor", f, bytes);
    }
    Ok(changed)
}
