//! An activity input given as a folder of partition files: `energy/` in place of
//! `energy.csv`, holding CSV and Parquet files at any depth (hive-style folders such as
//! `year=2025/month=03/` are plain subfolders: a row's period is in the row). One listing
//! serves every reader, the cache key and the export seal, so all of them see the same files
//! in the same order.

use super::{entry_exists, Input, Project};
use std::path::{Path, PathBuf};

/// How a partition file is read, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionFormat {
    /// Comma-separated text with a header row, as the input's own `.csv` file.
    Csv,
    /// Apache Parquet (read by builds with the `engine` feature).
    Parquet,
}

/// One file of a folder input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its path below the project folder with `/` separators (`energy/year=2025/a.csv`), as
    /// lines, exports and the seal name it.
    pub name: String,
    /// How to read it.
    pub format: PartitionFormat,
}

/// The format of a file by its extension, in any case (`2025.CSV` is as much a CSV file as
/// `2025.csv`: skipping it would lose its rows).
fn format_of(path: &Path) -> Option<PartitionFormat> {
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("csv") {
        Some(PartitionFormat::Csv)
    } else if ext.eq_ignore_ascii_case("parquet") {
        Some(PartitionFormat::Parquet)
    } else {
        None
    }
}

/// Where an activity input's rows are when they are not its one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// A folder in place of the file (`energy/`): the folder, and its name below the project.
    Folder(PathBuf, String),
    /// An `[inputs]` glob pattern: the project folder, and the pattern.
    Pattern(PathBuf, String),
}

impl Listing {
    /// The files, in name order (see [`partition_files`] and [`pattern_files`]).
    pub fn files(&self) -> std::io::Result<Vec<PartitionFile>> {
        match self {
            Listing::Folder(folder, name) => partition_files(folder, name),
            Listing::Pattern(dir, pattern) => pattern_files(dir, pattern),
        }
    }

    /// The files the listing leaves out because they are neither CSV nor Parquet (hidden names
    /// aside), by name below the project folder, in name order: they are not read, and the
    /// reader says so rather than losing their rows without a word.
    pub fn skipped(&self) -> std::io::Result<Vec<String>> {
        let mut skipped = Vec::new();
        match self {
            Listing::Folder(folder, name) => walk_folder(folder, name, &mut skipped)?,
            Listing::Pattern(dir, pattern) => walk_pattern(dir, pattern, &mut skipped)?,
        };
        skipped.sort();
        Ok(skipped)
    }
}

/// How an activity input (energy, fugitive) is given when it is not its one file: the files
/// of an `[inputs]` pattern, or a folder `energy/` in place of `energy.csv` (an entry that
/// cannot be read is still the input, so that reading it fails instead of its rows counting
/// as none). `None` for the usual file. Two of the file, the folder and a pattern at once
/// is an error: the rows of one of them would be left out.
pub fn listing_of(project: &Project, input: Input) -> Option<std::io::Result<Listing>> {
    // The activity inputs only: the registers and the small files are one file each.
    if !matches!(input, Input::Energy | Input::Fugitive) {
        return None;
    }
    let file = project.path(input);
    let folder = file.with_extension("");
    let name = input.name().trim_end_matches(".csv");
    let has_file = entry_exists(&file);
    let has_folder = folder != file && entry_exists(&folder);
    let both = |what: &str| {
        Some(Err(std::io::Error::other(format!(
            "{what}; the rows of one of them would be left out: remove one"
        ))))
    };
    match (project.manifest.inputs.of(input), has_file, has_folder) {
        (Some(_), true, _) => both(&format!(
            "{} is in the project folder and [inputs] {name} names other files",
            input.name()
        )),
        (Some(_), false, true) => both(&format!(
            "a folder {name}/ is in the project folder and [inputs] {name} names other files"
        )),
        (Some(pattern), false, false) => Some(Ok(Listing::Pattern(
            project.dir.clone(),
            pattern.to_string(),
        ))),
        (None, true, true) => both(&format!(
            "both {} and a folder {name}/ are in the project folder",
            input.name()
        )),
        (None, false, true) => Some(Ok(Listing::Folder(folder, name.to_string()))),
        (None, _, false) => None,
    }
}

/// How an input read from several files is shown in the row accounting: the `[inputs]`
/// pattern, or the folder with a trailing `/`.
pub fn shown_folder(project: &Project, input: Input) -> String {
    match project.manifest.inputs.of(input) {
        Some(pattern) => super::shown_path(&project.dir, pattern).to_string(),
        None => format!(
            "{}/",
            super::shown_path(&project.dir, input.name().trim_end_matches(".csv"))
        ),
    }
}

/// How an input is named in words, below the project folder: its file (`energy.csv`), its
/// folder (`energy/`) or its `[inputs]` pattern.
pub fn input_label(project: &Project, input: Input) -> String {
    match project.manifest.inputs.of(input) {
        Some(pattern) => pattern.to_string(),
        None if listing_of(project, input).is_some() => {
            format!("{}/", input.name().trim_end_matches(".csv"))
        }
        None => input.name().to_string(),
    }
}

/// Whether `input` is read from several files (or its listing is in conflict): see
/// [`listing_of`].
pub fn partitioned(project: &Project, input: Input) -> bool {
    listing_of(project, input).is_some()
}

/// Whether a name is one that listings skip: `_SUCCESS`, `.crc` files, `_temporary/` and
/// `.staging/` folders of writers still at work.
fn hidden(name: &str) -> bool {
    name.starts_with(['.', '_'])
}

/// The files an `[inputs]` pattern matches, relative to the project folder `dir`, in name
/// order: only `.csv` and `.parquet` files, never a folder, and never a file below a hidden
/// name the pattern's wildcards matched (`lake/**/*.csv` skips `lake/_temporary/…`; a
/// pattern that names `_x/` itself reads it). The project folder's own path is taken
/// literally (a `[` in it is not a wildcard).
pub fn pattern_files(dir: &Path, pattern: &str) -> std::io::Result<Vec<PartitionFile>> {
    walk_pattern(dir, pattern, &mut Vec::new())
}

/// [`pattern_files`], with the names of the files matched but not CSV or Parquet put in
/// `skipped`.
fn walk_pattern(
    dir: &Path,
    pattern: &str,
    skipped: &mut Vec<String>,
) -> std::io::Result<Vec<PartitionFile>> {
    let base = dir
        .to_str()
        .ok_or_else(|| std::io::Error::other("the project folder's path is not UTF-8"))?;
    let full = format!(
        "{}{}{pattern}",
        glob::Pattern::escape(base),
        std::path::MAIN_SEPARATOR
    );
    // The pattern's leading components without wildcards: what the user named literally.
    let literal = pattern
        .split('/')
        .take_while(|c| !c.contains(['*', '?', '[']))
        .count();
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let paths =
        glob::glob_with(&full, options).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = Vec::new();
    for path in paths {
        let path = path.map_err(|e| std::io::Error::other(e.to_string()))?;
        let below = path.strip_prefix(dir).unwrap_or(&path);
        let name = below
            .to_str()
            .ok_or_else(|| {
                std::io::Error::other(format!("{}: a path that is not UTF-8", path.display()))
            })?
            .replace(std::path::MAIN_SEPARATOR, "/");
        if name.split('/').skip(literal).any(hidden) {
            continue;
        }
        // `metadata` follows links: a link to nowhere is an error, never a skipped file.
        if std::fs::metadata(&path)?.is_dir() {
            continue;
        }
        let Some(format) = format_of(&path) else {
            skipped.push(name);
            continue;
        };
        out.push(PartitionFile { path, name, format });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every `.csv` and `.parquet` file under `folder` (which is `relative` below the project),
/// sorted by path so that rows are numbered and duplicates ordered the same way on every run.
/// Hidden names (see `hidden`) are skipped, and so are files of other kinds. A folder that
/// cannot be listed is an error, never an input with no rows.
pub fn partition_files(folder: &Path, relative: &str) -> std::io::Result<Vec<PartitionFile>> {
    walk_folder(folder, relative, &mut Vec::new())
}

/// [`partition_files`], with the names of the files that are not CSV or Parquet put in
/// `skipped`.
fn walk_folder(
    folder: &Path,
    relative: &str,
    skipped: &mut Vec<String>,
) -> std::io::Result<Vec<PartitionFile>> {
    let mut out = Vec::new();
    let mut pending = vec![(folder.to_path_buf(), relative.to_string())];
    while let Some((dir, name)) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                return Err(std::io::Error::other(format!(
                    "{}: a file name that is not UTF-8",
                    entry.path().display()
                )));
            };
            if hidden(file_name) {
                continue;
            }
            let path = entry.path();
            let child = format!("{name}/{file_name}");
            // `metadata` follows links: a link to a folder is a folder, a link to nowhere an
            // error.
            if std::fs::metadata(&path)?.is_dir() {
                pending.push((path, child));
            } else if let Some(format) = format_of(&path) {
                out.push(PartitionFile {
                    path,
                    name: child,
                    format,
                });
            } else {
                skipped.push(child);
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The partition files of `input` when it is an `[inputs]` pattern or a folder (see
/// [`listing_of`]); `None` for the usual file.
pub fn input_partitions(
    project: &Project,
    input: Input,
) -> Option<std::io::Result<Vec<PartitionFile>>> {
    Some(listing_of(project, input)?.and_then(|l| l.files()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder.
    fn fresh(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "carbonledger-partitions-{tag}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn lists_csv_and_parquet_files_at_any_depth_in_name_order() {
        let root = fresh("list").join("energy");
        for f in [
            "year=2025/month=10/b.csv",
            "year=2025/month=02/a.parquet",
            "year=2024/z.csv",
            "top.csv",
            "year=2025/_SUCCESS",
            "year=2025/.part.crc",
            "_tmp/hidden.csv",
            "notes.txt",
            "year=2024/EXPORT.CSV",
            "year=2024/m.Parquet",
            "year=2024/m.csv.gz",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        let got: Vec<(String, PartitionFormat)> = partition_files(&root, "energy")
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.format))
            .collect();
        assert_eq!(
            got,
            vec![
                ("energy/top.csv".to_string(), PartitionFormat::Csv),
                (
                    "energy/year=2024/EXPORT.CSV".to_string(),
                    PartitionFormat::Csv
                ),
                (
                    "energy/year=2024/m.Parquet".to_string(),
                    PartitionFormat::Parquet
                ),
                ("energy/year=2024/z.csv".to_string(), PartitionFormat::Csv),
                (
                    "energy/year=2025/month=02/a.parquet".to_string(),
                    PartitionFormat::Parquet
                ),
                (
                    "energy/year=2025/month=10/b.csv".to_string(),
                    PartitionFormat::Csv
                ),
            ]
        );
        // What is neither CSV nor Parquet is named, hidden names aside.
        let listing = Listing::Folder(root.clone(), "energy".into());
        assert_eq!(
            listing.skipped().unwrap(),
            ["energy/notes.txt", "energy/year=2024/m.csv.gz"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_nowhere_is_an_error_not_a_skipped_file() {
        let dir = fresh("link");
        let root = dir.join("energy");
        std::fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink(dir.join("gone.csv"), root.join("a.csv")).unwrap();
        assert!(partition_files(&root, "energy").is_err());
    }
}
