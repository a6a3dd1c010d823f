//! The content key of a computation: what its result depends on, hashed. Two runs with the
//! same key compute the same thing, so the second may read the first's result back.
//!
//! Hashed, in order: the cache format, the build (sources, dependency versions and built-in
//! factors, `build.rs`), the run options that change results, then every project input by
//! the name diagnostics give it, with its length and bytes (absent inputs by name alone; a
//! folder input as each of its partition files by name, length and bytes),
//! then the project-local factor files. XXH3-128 reads gigabytes a second, so the key of a
//! 600 MB input costs a small fraction of computing it; a 128-bit key makes an accidental
//! collision negligible (the cache protects against stale results, not against someone who
//! can write the inputs and would as easily write the cache).

use crate::calc::RunOptions;
use crate::project::{Input, Listing, Project, FACTORS_DIR};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use xxhash_rust::xxh3::Xxh3;

/// Bumped whenever what the cache holds changes meaning.
pub const FORMAT: &str = "carbonledger-cache 3";

/// The build's identity, from `build.rs`.
pub const BUILD_ID: &str = env!("CARBONLEDGER_BUILD_ID");

/// A key, with the length and modification time of every file hashed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed {
    /// 32 hex digits.
    pub key: String,
    stamps: Vec<(PathBuf, Option<(u64, std::time::SystemTime)>)>,
    /// The folder and pattern inputs, with the names of the files they listed.
    listings: Vec<(Listing, Vec<String>)>,
}

impl Keyed {
    /// Whether every file hashed still has the length and modification time it had, and
    /// every folder or pattern input still lists the same files: a file written to, added or
    /// removed while a computation read it is described by no key.
    pub fn unchanged(&self) -> bool {
        self.stamps.iter().all(|(p, s)| stamp(p) == *s)
            && self.listings.iter().all(|(l, names)| {
                l.files()
                    .is_ok_and(|f| f.iter().map(|f| &f.name).eq(names.iter()))
            })
    }
}

fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// The key of `project`'s computation under `options`.
pub fn key(project: &Project, options: RunOptions) -> std::io::Result<Keyed> {
    let mut stamps = Vec::new();
    let mut listings = Vec::new();
    let mut h = Xxh3::new();
    h.update(FORMAT.as_bytes());
    h.update(BUILD_ID.as_bytes());
    h.update(&[u8::from(options.strict)]);
    for input in Input::ALL {
        let path = project.path(input);
        // The name as diagnostics show it (it depends on how the folder was named).
        h.update(project.shown(input).as_bytes());
        if let Some(listing) = crate::project::listing_of(project, input) {
            // A folder or pattern input: every file, by name, in the order it is read.
            let listing = listing?;
            let files = listing.files()?;
            h.update(b"\0folder");
            for f in &files {
                h.update(f.name.as_bytes());
                h.update(b"\0");
                stamps.push((f.path.clone(), stamp(&f.path)));
                hash_file(&mut h, &f.path)?;
            }
            listings.push((listing, files.into_iter().map(|f| f.name).collect()));
            continue;
        }
        stamps.push((path.clone(), stamp(&path)));
        hash_file(&mut h, &path)?;
    }
    let mut local = Vec::new();
    files_below(&project.dir.join(FACTORS_DIR), &mut local)?;
    local.sort();
    for f in &local {
        h.update(f.to_string_lossy().as_bytes());
        stamps.push((f.clone(), stamp(f)));
        hash_file(&mut h, f)?;
    }
    Ok(Keyed {
        key: format!("{:032x}", h.digest128()),
        stamps,
        listings,
    })
}

/// The block size of a file's hash: each block is hashed on its own (in parallel), and the
/// key absorbs the blocks' digests in order, so the key does not depend on the thread count.
const BLOCK: u64 = 64 << 20;

/// Adds a file's length and the digests of its blocks (or a marker for an absent file) to
/// `h`.
fn hash_file(h: &mut Xxh3, path: &Path) -> std::io::Result<()> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            h.update(b"\0absent");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    h.update(&len.to_le_bytes());
    let blocks = len.div_ceil(BLOCK).max(1);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(usize::try_from(blocks).unwrap_or(usize::MAX));
    let next = AtomicU64::new(0);
    let digests: Vec<std::io::Result<Vec<(u64, u128)>>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    // A handle of its own per thread: reads at offsets without sharing a cursor.
                    let mut f = std::fs::File::open(path)?;
                    let mut mine = Vec::new();
                    let mut buf = vec![0u8; 1 << 20];
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        if b >= blocks {
                            return Ok(mine);
                        }
                        mine.push((b, hash_block(&mut f, b, len, &mut buf)?));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a hashing thread failed")))
            })
            .collect()
    });
    let mut all = Vec::new();
    for d in digests {
        all.extend(d?);
    }
    all.sort_unstable();
    for (_, d) in all {
        h.update(&d.to_le_bytes());
    }
    Ok(())
}

/// The digest of block `b` of a file of `len` bytes.
fn hash_block(f: &mut std::fs::File, b: u64, len: u64, buf: &mut [u8]) -> std::io::Result<u128> {
    let mut h = Xxh3::new();
    let (mut at, end) = (b * BLOCK, ((b + 1) * BLOCK).min(len));
    f.seek(SeekFrom::Start(at))?;
    while at < end {
        let want = usize::try_from(end - at).map_or(buf.len(), |w| w.min(buf.len()));
        let n = f.read(&mut buf[..want])?;
        if n == 0 {
            // Shorter than its length said: it changed while it was read.
            return Err(std::io::Error::other("the file changed while it was read"));
        }
        h.update(&buf[..n]);
        at += n as u64;
    }
    Ok(h.digest128())
}

/// Every file below `dir` (none when it does not exist).
fn files_below(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            files_below(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
