//! The files of an input as the core lists them (one CSV file, or the CSV and Parquet files
//! of a folder in name order: `carbonledger::project::partition_files`), and how each is read.

use std::path::PathBuf;

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
