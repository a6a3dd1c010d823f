//! Where a command's output goes: standard output, or the file named by `-o FILE`. One writer
//! for every command (as xsv has one writer configuration), so `-o` behaves the same
//! everywhere: a file is written whole to a temporary file beside it and renamed over the
//! target, so a run that fails (or is interrupted) never leaves a partial file, and a file it
//! replaces stays intact until the new one is complete.

use super::Exit;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `-o FILE` option every command that prints a report takes.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutputOpts {
    /// Write the output to FILE instead of standard output (whole, or not at all: written
    /// beside FILE, then renamed over it).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputOpts {
    /// Width to fit terminal tables to: the terminal's, when the output goes to standard
    /// output and that is a terminal; otherwise none (tables are never wrapped, so files and
    /// pipes get the same bytes on every machine).
    pub fn width(&self) -> Option<u16> {
        if self.output.is_some() {
            return None;
        }
        terminal_width()
    }

    /// Writes text: see [`OutputOpts::write_bytes`].
    pub fn write(&self, text: &str) -> Result<(), Exit> {
        self.write_bytes(text.as_bytes())
    }

    /// Writes the whole output: to standard output (a closed pipe is not an error), or
    /// atomically to the `-o` file.
    pub fn write_bytes(&self, bytes: &[u8]) -> Result<(), Exit> {
        match &self.output {
            None => stdout(bytes),
            Some(path) => write_atomically(path, bytes).map_err(|e| {
                eprintln!("error: cannot write {}: {e}", path.display());
                Exit::Io
            }),
        }
    }

    /// Streams the output, for outputs too large to hold (a trace of millions of rows):
    /// `write` writes it to standard output as it goes (a closed pipe ends the program
    /// quietly), or to the `-o` file as `write_bytes` does, whole or not at all (a temporary
    /// file beside it, renamed over it when `write` succeeds, removed when it fails).
    pub fn stream<T>(
        &self,
        write: impl FnOnce(&mut dyn Write) -> Result<T, Exit>,
    ) -> Result<T, Exit> {
        match &self.output {
            None => {
                let mut o = Piped {
                    out: std::io::BufWriter::new(std::io::stdout().lock()),
                    closed: false,
                };
                let made = write(&mut o);
                let flushed = o.flush();
                if o.closed {
                    return Err(Exit::Ok);
                }
                let made = made?;
                flushed.map(|()| made).map_err(|_| Exit::Io)
            }
            Some(path) => {
                let mut made = None;
                let written = write_atomically_with(path, |f| {
                    let mut b = std::io::BufWriter::new(f);
                    let r = write(&mut b);
                    b.flush()?;
                    let failed = r.is_err();
                    made = Some(r);
                    if failed {
                        Err(std::io::Error::other("the command failed"))
                    } else {
                        Ok(())
                    }
                });
                match (made, written) {
                    // The command's own failure, said by it.
                    (Some(Err(e)), _) => Err(e),
                    (Some(Ok(t)), Ok(())) => Ok(t),
                    (_, Err(e)) => {
                        eprintln!("error: cannot write {}: {e}", path.display());
                        Err(Exit::Io)
                    }
                    (None, Ok(())) => Err(Exit::Io),
                }
            }
        }
    }
}

/// Standard output that notes a closed pipe: its reader (e.g. `head`) has what it wanted, and
/// the program ends quietly, whatever the writing made of the error.
struct Piped<W> {
    out: W,
    closed: bool,
}

impl<W: Write> Piped<W> {
    fn noted<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        }
        r
    }
}

impl<W: Write> Write for Piped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.out.write(buf);
        self.noted(r)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.out.flush();
        self.noted(r)
    }
}

/// Text written through to a byte writer as it is made (with `write!`), keeping the first
/// error: a formatter's error carries none, and writing stops at the first.
pub struct TextOut<'a> {
    out: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl<'a> TextOut<'a> {
    /// Text written to `out`.
    pub fn new(out: &'a mut dyn Write) -> Self {
        TextOut { out, error: None }
    }

    /// Whether everything was written (a closed standard output is [`OutputOpts::stream`]'s
    /// to end quietly).
    pub fn finish(self) -> Result<(), Exit> {
        match self.error {
            None => Ok(()),
            Some(_) => Err(Exit::Io),
        }
    }
}

impl std::fmt::Write for TextOut<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

/// The terminal's width when standard output is a terminal.
fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // comfy-table asks the terminal (through its tty feature); a table needs nothing more.
    let mut probe = comfy_table::Table::new();
    probe.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    probe.width()
}

/// Writes to standard output; a closed pipe (e.g. `| head`) ends the program quietly.
fn stdout(bytes: &[u8]) -> Result<(), Exit> {
    let mut o = std::io::stdout().lock();
    match o.write_all(bytes).and_then(|_| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Exit::Ok),
        Err(_) => Err(Exit::Io),
    }
}

/// Writes `bytes` to a temporary file in `path`'s folder, syncs it, and renames it to `path`
/// (a file it replaces keeps its permissions); the temporary file is removed when any step
/// fails.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes))
}

/// `write_atomically` of what `write` writes to the temporary file.
fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file name"))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        // A replaced file keeps its permissions.
        if let Ok(m) = std::fs::metadata(path) {
            f.set_permissions(m.permissions())?;
        }
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
