//! The computation cache: a project's per-chain sums and row accounting kept in
//! `.carbonledger/computation.json` under the project, keyed by the content of everything the
//! computation depends on (`key`). A later command on unchanged inputs reads them back instead
//! of reading every row again — what makes `diff --set`, `explain`, `verify`, `bridge` and
//! `export` after a `compute` fast at millions of rows.
//!
//! Never trusted: the stored key must equal the inputs' key computed now, the body must match
//! its own checksum, every chain must resolve again to the chain it was (factors are never
//! read from the cache, only the sums), and anything that does not read back means the rows
//! are read and the cache is written again.

mod codec;
mod key;

pub use key::{key, Keyed, BUILD_ID, FORMAT};

use crate::calc::{compute, Computation, ResolveOptions, Resolver, RunOptions};
use crate::diag::Diagnostic;
use crate::project::Project;
use std::path::PathBuf;

/// The folder below the project that holds the cache.
pub const CACHE_DIR: &str = ".carbonledger";
/// The cache file in it.
pub const CACHE_FILE: &str = "computation.json";

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

/// The cache file of a project.
pub fn path(project: &Project) -> PathBuf {
    project.dir.join(CACHE_DIR).join(CACHE_FILE)
}

/// `compute(project, options)`, read back from the project's cache when its key matches, else
/// computed and stored. File-level problems are never cached: they are returned as `compute`
/// returns them, on every run.
pub fn computation(
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
    let file = path(project);
    let why = match std::fs::read(&file) {
        Ok(bytes) => match read(project, options, &k.key, &bytes) {
            Ok(comp) => return Ok((comp, CacheUse::Hit)),
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
            Ok(()) => CacheUse::Stored { why },
            Err(e) => CacheUse::NotStored {
                why: format!("{}: {e}", file.display()),
            },
        }
    };
    Ok((comp, use_))
}

/// The first line of a cache file: format, key, and the checksum of the body after it.
fn header(k: &str, body: &[u8]) -> String {
    format!(
        "{FORMAT} key={k} body={:016x}\n",
        xxhash_rust::xxh3::xxh3_64(body)
    )
}

/// The computation a cache file holds, if it is for key `k` and reads back whole.
fn read(
    project: &Project,
    options: RunOptions,
    k: &str,
    bytes: &[u8],
) -> Result<Computation, String> {
    let nl = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("the cache has no header")?;
    let (head, body) = (&bytes[..=nl], &bytes[nl + 1..]);
    if head != header(k, body).as_bytes() {
        return Err(
            if head.starts_with(format!("{FORMAT} key={k} ").as_bytes()) {
                "the cache is damaged (its checksum differs)"
            } else {
                "the inputs, options or carbonledger changed since it was stored"
            }
            .into(),
        );
    }
    let stored: codec::Stored =
        serde_json::from_slice(body).map_err(|e| format!("the cache does not read: {e}"))?;
    let resolver = Resolver::new(
        project,
        ResolveOptions {
            strict: options.strict,
        },
    );
    stored.computation(&resolver)
}

/// Writes the cache file whole or not at all (a temporary file renamed over it).
fn write(file: &std::path::Path, k: &str, comp: &Computation) -> std::io::Result<()> {
    let body = serde_json::to_vec(&codec::Stored::of(comp)).map_err(std::io::Error::other)?;
    let dir = file
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!("{CACHE_FILE}.{}.tmp", std::process::id()));
    let mut out = header(k, &body).into_bytes();
    out.extend_from_slice(&body);
    std::fs::write(&tmp, out)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
