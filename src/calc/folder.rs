//! The default reader over a folder input (`energy/` in place of `energy.csv`; see
//! `project::partition_files`): every partition file in name order, CSV files through the
//! core's own reader (so every row keeps its physical line and every file-level check of a
//! `.csv` input applies to each file), Parquet files through the engine crate's reader in
//! builds with the `engine` feature. `run::folder` reads the files, in parallel or in order.

use super::run::InputFile;
use crate::diag::{Diagnostic, Span};
use crate::ingest::RowRef;
use crate::project::{PartitionFile, PartitionFormat, Project};
use std::sync::Arc;

/// The files of one folder input, with the names diagnostics give them.
pub(super) struct FolderInput {
    files: Vec<(Arc<str>, PartitionFile)>,
    /// The folder as the row accounting shows it (`energy/`).
    pub shown: String,
    /// Files the listing names but does not read (neither CSV nor Parquet), as shown.
    skipped: Vec<Arc<str>>,
}

impl FolderInput {
    /// The folder of `file`'s input, when it is one: its files listed, or why they cannot be.
    /// A folder holding no `.csv` or `.parquet` file is an error, never an input of no rows.
    pub fn open(project: &Project, file: InputFile) -> Option<Result<Self, Vec<Diagnostic>>> {
        let listed = crate::project::input_partitions(project, file.input())?;
        let shown = crate::project::shown_folder(project, file.input());
        let failed = |message: String| {
            vec![Diagnostic::error(
                "unreadable-file",
                Span::file(&Arc::from(shown.as_str())),
                message,
            )
            .with_hint(
                "an input folder (or an [inputs] pattern) names the input's .csv (and, in `--features engine` builds, .parquet) files; restore what a link points to, or remove it",
            )]
        };
        let pattern = project.manifest.inputs.of(file.input()).is_some();
        Some(match listed {
            Err(e) => Err(failed(format!("cannot list the input's files: {e}"))),
            Ok(files) if files.is_empty() && pattern => Err(failed(format!(
                "the [inputs] pattern {shown} matches no .csv or .parquet file, so {} has no rows",
                file.name()
            ))),
            Ok(files) if files.is_empty() => Err(failed(format!(
                "the folder {shown} holds no .csv or .parquet file, so {} has no rows",
                file.name()
            ))),
            Ok(files) => {
                let skipped = match crate::project::listing_of(project, file.input()) {
                    Some(Ok(l)) => l.skipped(),
                    _ => Ok(Vec::new()),
                };
                match skipped {
                    Err(e) => Err(failed(format!("cannot list the input's files: {e}"))),
                    Ok(skipped) => Ok(FolderInput {
                        files: files
                            .into_iter()
                            .map(|f| (crate::project::shown_path(&project.dir, &f.name), f))
                            .collect(),
                        skipped: skipped
                            .iter()
                            .map(|n| crate::project::shown_path(&project.dir, n))
                            .collect(),
                        shown,
                    }),
                }
            }
        })
    }

    /// A warning per file of the folder (or pattern) that is not read: its rows would
    /// otherwise be missing without a word.
    pub fn skipped_warnings(&self) -> Vec<Diagnostic> {
        self.skipped
            .iter()
            .map(|f| unread(f, &self.shown))
            .collect()
    }
}

/// The warnings of [`FolderInput::skipped_warnings`] for an input read by an engine (which
/// lists the same files): none for an input that is one file, or whose listing fails (that is
/// reported where its files are read).
pub(super) fn unread_warnings(project: &Project, file: InputFile) -> Vec<Diagnostic> {
    let Some(Ok(listing)) = crate::project::listing_of(project, file.input()) else {
        return Vec::new();
    };
    let shown = crate::project::shown_folder(project, file.input());
    listing
        .skipped()
        .unwrap_or_default()
        .iter()
        .map(|n| unread(&crate::project::shown_path(&project.dir, n), &shown))
        .collect()
}

/// `unread-file`: `file` of the input shown as `input` is not read.
fn unread(file: &Arc<str>, input: &str) -> Diagnostic {
    Diagnostic::warning(
        "unread-file",
        Span::file(file),
        format!("a file of the input {input} that is neither .csv nor .parquet: it is not read"),
    )
    .with_hint("convert it to CSV (or Parquet), or move it out of the input; a name that starts with `.` or `_` is passed over without a word")
}

impl FolderInput {
    /// How many files the folder holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The shown name of file `i`.
    pub fn shown_file(&self, i: usize) -> &Arc<str> {
        &self.files[i].0
    }

    /// The name of file `i` below the project folder (`energy/year=2025/a.csv`).
    pub fn name(&self, i: usize) -> &str {
        &self.files[i].1.name
    }

    /// The bytes of all files together (what sizes the duplicate check's spill).
    pub fn bytes(&self) -> u64 {
        self.files
            .iter()
            .map(|(_, f)| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
            .sum()
    }

    /// Hands every row of file `i` to `on_row`, in file order. A file that cannot be read
    /// whole stops the reading with its diagnostics.
    pub fn rows_of(
        &self,
        i: usize,
        file: InputFile,
        on_row: &mut dyn FnMut(&RowRef<'_>),
    ) -> Result<(), Vec<Diagnostic>> {
        let (shown, part) = &self.files[i];
        match part.format {
            PartitionFormat::Csv => {
                crate::ingest::read_chunk(
                    shown,
                    &part.path,
                    file.columns(),
                    (0, None),
                    false,
                    |row| {
                        on_row(row);
                        true
                    },
                )?;
                Ok(())
            }
            PartitionFormat::Parquet => parquet_rows(shown, part, file, on_row),
        }
    }

    /// Hands every row of every file to `on_row`, files in name order and rows in file order.
    pub fn each_row(
        &self,
        file: InputFile,
        on_row: &mut dyn FnMut(&RowRef<'_>),
    ) -> Result<(), Vec<Diagnostic>> {
        (0..self.len()).try_for_each(|i| self.rows_of(i, file, on_row))
    }
}

/// The rows of one Parquet file, read by the engine crate's reader: numbered from 1 among
/// the file's rows (Parquet has no lines), each field as its exact text.
#[cfg(feature = "engine")]
fn parquet_rows(
    shown: &Arc<str>,
    part: &PartitionFile,
    file: InputFile,
    on_row: &mut dyn FnMut(&RowRef<'_>),
) -> Result<(), Vec<Diagnostic>> {
    let columns = super::run::input_columns(file);
    let input = carbonledger_engine::InputPath {
        path: part.path.clone(),
        format: carbonledger_engine::InputFormat::Parquet,
    };
    carbonledger_engine::stream_rows(
        &carbonledger_engine::Cluster::Embedded,
        &[input],
        &columns,
        None,
        &mut |_, n, fields, map| {
            let record = crate::ingest::Record::from_fields(fields.iter().copied(), n);
            on_row(&RowRef::of_columns(shown, &record, map));
        },
    )
    .map_err(|e| {
        vec![Diagnostic::error(
            "engine-error",
            Span::file(shown),
            format!("the Parquet reader could not read this file: {e}"),
        )
        .with_hint("Parquet columns must be the input's, as text, integers or decimals (never floating point)")]
    })
}

/// Without the `engine` feature there is no Parquet reader: the file is an error, never a
/// file of no rows.
#[cfg(not(feature = "engine"))]
fn parquet_rows(
    shown: &Arc<str>,
    _part: &PartitionFile,
    _file: InputFile,
    _on_row: &mut dyn FnMut(&RowRef<'_>),
) -> Result<(), Vec<Diagnostic>> {
    Err(vec![Diagnostic::error(
        "unreadable-file",
        Span::file(shown),
        "this carbonledger reads Parquet files only when built with the engine feature",
    )
    .with_hint(
        "build it with `cargo build --release --features engine`, or convert the file to CSV",
    )])
}
