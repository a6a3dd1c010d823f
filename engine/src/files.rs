//! Which files make up an input: one CSV or Parquet file, or every such file under a folder
//! (hive-style partitions such as `year=2025/month=03/` are plain subfolders here: a row's
//! period is in the row, so partition values are not needed), in a stable sorted order.

use crate::EngineError;
use std::path::{Path, PathBuf};

/// The format of one input file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Comma-separated text with a header row; `#` lines are comments.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// One file of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPath {
    /// Where it is.
    pub path: PathBuf,
    /// How to read it.
    pub format: InputFormat,
}

fn format_of(path: &Path) -> Option<InputFormat> {
    match path.extension()?.to_str()? {
        "csv" => Some(InputFormat::Csv),
        "parquet" => Some(InputFormat::Parquet),
        _ => None,
    }
}

/// The files of an input: `path` itself when it is a `.csv` or `.parquet` file, else every
/// such file under the folder `path`, sorted by path (so rows are numbered and duplicates
/// ordered the same way on every run). Other files (`_SUCCESS`, `.crc`) are skipped.
pub fn list_inputs(path: &Path) -> Result<Vec<InputPath>, EngineError> {
    let io = |e: std::io::Error| EngineError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if path.is_file() {
        return match format_of(path) {
            Some(format) => Ok(vec![InputPath {
                path: path.to_path_buf(),
                format,
            }]),
            None => Err(EngineError::Io {
                path: path.display().to_string(),
                message: "not a .csv or .parquet file".into(),
            }),
        };
    }
    let mut out = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io)? {
            let p = entry.map_err(io)?.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(['.', '_']));
            if hidden {
                continue;
            }
            if p.is_dir() {
                pending.push(p);
            } else if let Some(format) = format_of(&p) {
                out.push(InputPath { path: p, format });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
