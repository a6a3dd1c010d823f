//! Writing an export without holding it: a table written to its file row by row, hashed as it
//! goes ([`TableFile`]), and the folder it is written in ([`Staging`]) — a hidden folder
//! inside the output folder, moved into place only once every file is complete, so a failed
//! or interrupted export never leaves a folder that looks like a finished one.

use super::{ExportError, ManifestFile};
use crate::project::lower_hex;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The hidden folder inside an output folder that an export writes into before its files are
/// moved into place. A folder left by an export that was killed is removed by the next one.
pub const STAGING: &str = ".carbonledger-export-partial";

/// A writer that hashes every byte it passes on (the manifest's SHA-256 of a streamed file).
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The CSV dialect of every export table (`\n` line ends); one place, so a table written row
/// by row and one written whole are the same bytes.
pub fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_writer(w)
}

/// One table written to its file as its rows come: the header at once, each row when given.
pub struct TableFile {
    /// The file's name in the export (`lines.csv`).
    name: &'static str,
    /// Where the file will be once the export is complete (named in error messages).
    shown: PathBuf,
    /// The `schema` column's value.
    schema: String,
    csv: csv::Writer<Hashing<File>>,
}

impl TableFile {
    /// Creates `name` in the staging folder and writes its header.
    pub fn create(
        staging: &Staging,
        name: &'static str,
        header: &[&str],
    ) -> Result<TableFile, ExportError> {
        let shown = staging.out.join(name);
        let file = File::create(staging.dir.join(name))
            .map_err(|e| ExportError::Io(format!("{}: {e}", shown.display())))?;
        let mut table = TableFile {
            name,
            schema: super::schema_of(name),
            shown,
            csv: csv_writer(Hashing {
                inner: file,
                hasher: Sha256::new(),
            }),
        };
        let mut record = vec!["schema"];
        record.extend(header);
        table
            .csv
            .write_record(&record)
            .map_err(|e| table.failed(&e))?;
        Ok(table)
    }

    /// Writes one row (text cells neutralised, as `Table::to_csv` writes them).
    pub fn row(&mut self, cells: &[super::Cell]) -> Result<(), ExportError> {
        let record = super::record(&self.schema, cells);
        self.csv.write_record(record).map_err(|e| self.failed(&e))
    }

    /// Writes one row of fields (as `row` writes cells).
    pub fn fields(&mut self, fields: &[super::Field<'_>]) -> Result<(), ExportError> {
        super::write_fields(&mut self.csv, &self.schema, fields).map_err(|e| self.failed(&e))
    }

    /// Flushes the file and returns its manifest entry.
    pub fn finish(self) -> Result<ManifestFile, ExportError> {
        let failed =
            |e: &dyn std::fmt::Display| ExportError::Io(format!("{}: {e}", self.shown.display()));
        let hashing = self.csv.into_inner().map_err(|e| failed(e.error()))?;
        let Hashing { mut inner, hasher } = hashing;
        inner.flush().map_err(|e| failed(&e))?;
        Ok(ManifestFile {
            path: self.name.to_string(),
            edition: None,
            schema: Some(self.schema.clone()),
            sha256: lower_hex(&hasher.finalize()),
        })
    }

    fn failed(&self, e: &dyn std::fmt::Display) -> ExportError {
        ExportError::Io(format!("{}: {e}", self.shown.display()))
    }
}

/// An output folder being written: its files go into [`STAGING`] inside it and are moved into
/// place by [`Staging::commit`]. Dropped without a commit (an error, a refusal), the staging
/// folder is removed, and so is the output folder when this export created it and it is
/// empty: the output folder is as it was.
pub struct Staging {
    /// The output folder.
    out: PathBuf,
    /// The staging folder inside it.
    dir: PathBuf,
    /// Whether this export created `out`.
    created_out: bool,
    committed: bool,
}

impl Staging {
    /// Creates the output folder if missing and an empty staging folder inside it (removing
    /// one a killed export left).
    pub fn begin(out: &Path) -> Result<Staging, ExportError> {
        let io = |p: &Path, e: std::io::Error| ExportError::Io(format!("{}: {e}", p.display()));
        let created_out = !out.exists();
        std::fs::create_dir_all(out).map_err(|e| io(out, e))?;
        let staging = Staging {
            out: out.to_path_buf(),
            dir: out.join(STAGING),
            created_out,
            committed: false,
        };
        if staging.dir.exists() {
            std::fs::remove_dir_all(&staging.dir).map_err(|e| io(&staging.dir, e))?;
        }
        std::fs::create_dir(&staging.dir).map_err(|e| io(&staging.dir, e))?;
        Ok(staging)
    }

    /// Writes a whole file into the staging folder and returns its manifest entry.
    pub fn file(
        &self,
        name: &str,
        schema: String,
        bytes: &[u8],
    ) -> Result<ManifestFile, ExportError> {
        std::fs::write(self.dir.join(name), bytes)
            .map_err(|e| ExportError::Io(format!("{}: {e}", self.out.join(name).display())))?;
        Ok(ManifestFile {
            path: name.to_string(),
            edition: None,
            schema: Some(schema),
            sha256: super::sha256_hex(bytes),
        })
    }

    /// Moves the staged `outputs` into the output folder, removes the `previous` export's
    /// files it does not replace, and writes `manifest` last. The previous manifest goes
    /// first, so an error part way leaves a folder no one takes for a finished export.
    pub fn commit(
        mut self,
        outputs: &[ManifestFile],
        previous: &[String],
        manifest: &str,
    ) -> Result<(), ExportError> {
        let io = |p: &Path, e: std::io::Error| ExportError::Io(format!("{}: {e}", p.display()));
        let sealed = self.out.join("manifest.json");
        if sealed.exists() {
            std::fs::remove_file(&sealed).map_err(|e| io(&sealed, e))?;
        }
        for f in outputs {
            let to = self.out.join(&f.path);
            std::fs::rename(self.dir.join(&f.path), &to).map_err(|e| io(&to, e))?;
        }
        for old in previous {
            if old != "manifest.json" && !outputs.iter().any(|f| f.path == *old) {
                let p = self.out.join(old);
                std::fs::remove_file(&p).map_err(|e| io(&p, e))?;
            }
        }
        let staged = self.dir.join("manifest.json");
        std::fs::write(&staged, manifest).map_err(|e| io(&sealed, e))?;
        std::fs::rename(&staged, &sealed).map_err(|e| io(&sealed, e))?;
        self.committed = true;
        // The export is complete and sealed; an empty staging folder left here (it cannot be
        // removed) is removed by the next export and ignored by `--check`.
        let _ = std::fs::remove_dir(&self.dir);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Best effort: an error is being returned already.
        let _ = std::fs::remove_dir_all(&self.dir);
        if self.created_out {
            let _ = std::fs::remove_dir(&self.out);
        }
    }
}
