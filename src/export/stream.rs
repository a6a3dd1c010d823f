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

/// A file written and hashed on a thread of its own, in buffers handed over when full: the
/// rows of a large export are made on one thread, and the kernel's copy of the bytes and
/// their SHA-256 were a fifth of its time there. Bytes reach the file in the order written.
struct Offloaded {
    /// Full buffers to the thread (`None` once finished).
    full: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    /// Buffers the thread has written, to fill again.
    empty: std::sync::mpsc::Receiver<Vec<u8>>,
    buffer: Vec<u8>,
    /// Ends with the file's hash, or the first error writing it.
    thread: Option<std::thread::JoinHandle<std::io::Result<Sha256>>>,
}

/// The size of the buffers `Offloaded` hands over.
const OFFLOADED_BUFFER: usize = 1 << 20;

impl Offloaded {
    fn new(mut file: File) -> Offloaded {
        let (full, to_write) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (written, empty) = std::sync::mpsc::channel::<Vec<u8>>();
        let thread = std::thread::spawn(move || {
            let mut hasher = Sha256::new();
            for mut b in to_write {
                hasher.update(&b);
                file.write_all(&b)?;
                b.clear();
                // The other side may be gone (finished or dropped): the buffer is then freed.
                let _ = written.send(b);
            }
            file.flush()?;
            Ok(hasher)
        });
        Offloaded {
            full: Some(full),
            empty,
            buffer: Vec::with_capacity(OFFLOADED_BUFFER),
            thread: Some(thread),
        }
    }

    /// Hands the buffer to the thread; when the thread has stopped, its error.
    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(OFFLOADED_BUFFER));
        let full = std::mem::replace(&mut self.buffer, next);
        let sent = self.full.as_ref().map(|tx| tx.send(full).is_ok());
        match sent {
            Some(true) => Ok(()),
            // The thread stopped at an error (its receiver is gone): that error.
            _ => self.join().map(|_| ()),
        }
    }

    /// Waits for the thread: the hash of every byte handed over, or the first error.
    fn join(&mut self) -> std::io::Result<Sha256> {
        self.full = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(std::io::Error::other("the thread writing the file failed")),
            None => Err(std::io::Error::other("the file was already finished")),
        }
    }

    /// Hands over the rest, waits for the thread: the file's SHA-256.
    fn finish(mut self) -> std::io::Result<Sha256> {
        self.hand_over()?;
        self.join()
    }
}

impl Write for Offloaded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= OFFLOADED_BUFFER {
            self.hand_over()?;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        // Written when full, and by `finish`: nothing is held past the end.
        Ok(())
    }
}

impl Drop for Offloaded {
    /// A file given up (a failed export): the thread is stopped and waited for, so that
    /// nothing writes in the folder once it is removed.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.join();
        }
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
    csv: csv::Writer<Offloaded>,
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
            csv: csv_writer(Offloaded::new(file)),
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
        let offloaded = self.csv.into_inner().map_err(|e| failed(e.error()))?;
        let hasher = offloaded.finish().map_err(|e| failed(&e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes written in pieces of every size reach the file whole and in order, across
    /// several buffers, and the hash is the SHA-256 of those bytes.
    #[test]
    fn an_offloaded_file_holds_every_byte_in_order_and_its_hash() {
        let path =
            std::env::temp_dir().join(format!("carbonledger-offloaded-{}", std::process::id()));
        let mut expected = Vec::new();
        let mut w = Offloaded::new(File::create(&path).unwrap());
        let mut piece = 1usize;
        while expected.len() < 3 * OFFLOADED_BUFFER + 12345 {
            let bytes: Vec<u8> = (0..piece)
                .map(|i| (i * 31 + expected.len()) as u8)
                .collect();
            w.write_all(&bytes).unwrap();
            expected.extend_from_slice(&bytes);
            piece = piece * 7 % 100_003 + 1;
        }
        let hash = w.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert_eq!(hash.finalize(), Sha256::digest(&expected));
        std::fs::remove_file(&path).unwrap();
    }

    /// A file that cannot be written (a full disk) fails with the error of the write, not a
    /// message about the thread.
    #[test]
    fn an_offloaded_file_that_cannot_be_written_fails_with_the_write_error() {
        let full = File::options().write(true).open("/dev/full").unwrap();
        let mut w = Offloaded::new(full);
        let chunk = vec![b'x'; 64 * 1024];
        let mut failed = None;
        for _ in 0..(4 * OFFLOADED_BUFFER / chunk.len()) {
            if let Err(e) = w.write_all(&chunk) {
                failed = Some(e);
                break;
            }
        }
        let e = match failed {
            Some(e) => e,
            None => w.finish().err().unwrap(),
        };
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull, "{e}");
    }
}
