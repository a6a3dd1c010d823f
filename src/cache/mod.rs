//! The computation cache: a project's per-chain sums and row accounting kept in the user's
//! cache folder (`location`; never in the project folder, which no command but `init` and
//! `lock` writes), keyed by the content of everything the computation depends on (`key`). A later command on unchanged inputs reads them back instead
//! of reading every row again — what makes `diff --set`, `explain`, `verify`, `bridge` and
//! `export` after a `compute` fast at millions of rows.
//!
//! Never trusted: the stored key must equal the inputs' key computed now, the body must match
//! its own checksum, every chain must resolve again to the chain it was (factors are never
//! read from the cache, only the sums), and anything that does not read back means the rows
//! are read and the cache is written again.

mod codec;
mod key;
mod prune;

pub use key::{key, Keyed, BUILD_ID, FORMAT};
pub use prune::KEEP_UNUSED;

use crate::calc::{compute, Computation, ResolveOptions, Resolver, RunOptions};
use crate::diag::Diagnostic;
use crate::project::Project;
use std::io::Write;
use std::path::PathBuf;

/// The environment variable naming the cache folder (else `$XDG_CACHE_HOME/carbonledger`,
/// else `$HOME/.cache/carbonledger`).
pub const CACHE_DIR_VAR: &str = "CARBONLEDGER_CACHE_DIR";

/// What the cache did for a computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheUse {
    /// Read back: no row was read.
    Hit,
    /// Computed from the rows and stored (`why` the cache was not used: none yet, stale,
    /// unreadable).
    Stored {
        /// Why the rows were read.
        why: String,
    },
    /// Computed from the rows and not stored.
    NotStored {
        /// Why not.
        why: String,
    },
}

/// The cache folder: `$CARBONLEDGER_CACHE_DIR`, `$XDG_CACHE_HOME/carbonledger` or
/// `$HOME/.cache/carbonledger` (`None`: nowhere to keep a cache).
pub fn folder() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var(CACHE_DIR_VAR)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("carbonledger")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("carbonledger")))
}

/// The cache file of a project in `folder`: one per project folder (its canonical path,
/// hashed), replaced by each computation stored for it.
pub fn file_in(folder: &std::path::Path, project: &Project) -> PathBuf {
    let dir = project
        .dir
        .canonicalize()
        .unwrap_or_else(|_| project.dir.clone());
    let id = xxhash_rust::xxh3::xxh3_64(dir.to_string_lossy().as_bytes());
    folder.join(format!("{id:016x}.bin"))
}

/// `compute(project, options)`, read back from the project's cache (in `folder()`) when its
/// key matches, else computed and stored. File-level problems are never cached: they are
/// returned as `compute` returns them, on every run.
pub fn computation(
    project: &Project,
    options: RunOptions,
) -> Result<(Computation, CacheUse), Vec<Diagnostic>> {
    match folder() {
        Some(f) => computation_in(&f, project, options),
        None => Ok((
            compute(project, options)?,
            CacheUse::NotStored {
                why: format!("no cache folder ({CACHE_DIR_VAR}, XDG_CACHE_HOME and HOME unset)"),
            },
        )),
    }
}

/// `computation` with the cache kept in `folder`.
pub fn computation_in(
    folder: &std::path::Path,
    project: &Project,
    options: RunOptions,
) -> Result<(Computation, CacheUse), Vec<Diagnostic>> {
    let k = match key(project, options) {
        Ok(k) => k,
        Err(e) => {
            return Ok((
                compute(project, options)?,
                CacheUse::NotStored {
                    why: format!("the inputs could not be hashed: {e}"),
                },
            ))
        }
    };
    let file = file_in(folder, project);
    let why = match std::fs::read(&file) {
        Ok(bytes) => match read(project, options, &k.key, &bytes) {
            Ok(mut comp) => {
                // The thread count is the run's, not the cached one's.
                comp.threads = options.threads;
                prune::touch(&file);
                return Ok((comp, CacheUse::Hit));
            }
            Err(why) => why,
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no cache yet".to_string(),
        Err(e) => format!("the cache could not be read: {e}"),
    };
    let comp = compute(project, options)?;
    // Inputs that changed while they were read are described by no key: not stored.
    let use_ = if !k.unchanged() {
        CacheUse::NotStored {
            why: "an input changed while it was read".into(),
        }
    } else {
        match write(&file, &k.key, &comp) {
            Ok(()) => {
                let unused = std::time::SystemTime::now().checked_sub(KEEP_UNUSED);
                if let Some(before) = unused {
                    prune::prune(folder, &file, before);
                }
                CacheUse::Stored { why }
            }
            Err(e) => CacheUse::NotStored {
                why: format!("{}: {e}", file.display()),
            },
        }
    };
    Ok((comp, use_))
}

/// The first line of a cache file: its format and key. The body follows, then a last line
/// with the body's checksum (written last, so that the body can stream to the file).
fn header(k: &str) -> String {
    format!("{FORMAT} key={k}\n")
}

fn trailer(body_hash: u64) -> String {
    format!("\nbody={body_hash:016x}\n")
}

/// The computation a cache file holds, if it is for key `k` and reads back whole.
fn read(
    project: &Project,
    options: RunOptions,
    k: &str,
    bytes: &[u8],
) -> Result<Computation, String> {
    let damaged = || "the cache is damaged (cut off, or its checksum differs)".to_string();
    let head = header(k);
    if !bytes.starts_with(head.as_bytes()) {
        return Err(if bytes.starts_with(FORMAT.as_bytes()) {
            "the inputs, options or carbonledger changed since it was stored".into()
        } else {
            damaged()
        });
    }
    let rest = &bytes[head.len()..];
    let last = rest
        .strip_suffix(b"\n")
        .and_then(|r| r.iter().rposition(|b| *b == b'\n'))
        .ok_or_else(damaged)?;
    let body = &rest[..last];
    if &rest[last..] != trailer(xxhash_rust::xxh3::xxh3_64(body)).as_bytes() {
        return Err(damaged());
    }
    let resolver = Resolver::new(
        project,
        ResolveOptions {
            strict: options.strict,
        },
    );
    codec::read(body, &resolver, options.threads)
}

/// Hashes what passes through it.
struct Hashing<W> {
    out: W,
    hash: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes the cache file whole or not at all (a temporary file renamed over it), streaming
/// the computation into it.
fn write(file: &std::path::Path, k: &str, comp: &Computation) -> std::io::Result<()> {
    let dir = file
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
    let written = (|| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        out.write_all(header(k).as_bytes())?;
        let mut body = Hashing {
            out,
            hash: xxhash_rust::xxh3::Xxh3::new(),
        };
        postcard::to_io(&codec::Storing(comp), &mut body).map_err(std::io::Error::other)?;
        let Hashing { mut out, hash } = body;
        out.write_all(trailer(hash.digest()).as_bytes())?;
        // No fsync: a file cut short by a crash fails its checksum and is rebuilt.
        drop(out.into_inner().map_err(|e| e.into_error())?);
        std::fs::rename(&tmp, file)?;
        // The same project's file of format 1 (JSON) is never read again; removing it is
        // housekeeping, so a failure to remove it is not a failure to store.
        let _ = std::fs::remove_file(file.with_extension("json"));
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
