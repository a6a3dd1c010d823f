//! Keeping the cache folder from growing without end: a project folder that is deleted or
//! moved leaves its cache file behind (tens of MB over many facilities), and nothing would
//! read it again. Each cache file read back is marked as used; storing one removes the cache
//! files not used for `KEEP_UNUSED`, and temporary files that interrupted writes left.
//! Only files this module can tell are carbonledger's are removed: a cache folder named by
//! `CARBONLEDGER_CACHE_DIR` may hold other files.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a cache file is kept without being read or written.
pub const KEEP_UNUSED: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Marks `file` as used now (its modification time), so that `prune` keeps it. A failure
/// only means the file may be removed and built again later.
pub fn touch(file: &Path) {
    if let Ok(f) = std::fs::File::options().write(true).open(file) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// Removes from `folder` every cache file and leftover temporary file of carbonledger's last
/// used before `before`, except `keep`; returns how many were removed. Failures are skipped:
/// this is housekeeping, never a reason for a command to fail.
pub fn prune(folder: &Path, keep: &Path, before: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path == keep {
            continue;
        }
        let name = entry.file_name();
        let Some(kind) = name.to_str().and_then(kind_of) else {
            continue;
        };
        let unused = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < before);
        if unused && (kind == Kind::Temporary || is_cache_file(&path)) {
            removed += usize::from(std::fs::remove_file(&path).is_ok());
        }
    }
    removed
}

#[derive(PartialEq, Eq)]
enum Kind {
    /// `<16 hex digits>.bin` (`file_in`).
    Cache,
    /// `<16 hex digits>.<process id>.tmp` (a write that did not finish).
    Temporary,
}

/// What a file of this name in the cache folder is, if carbonledger names files so.
fn kind_of(name: &str) -> Option<Kind> {
    let (id, rest) = name.split_at_checked(16)?;
    if !id
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    if rest == ".bin" {
        return Some(Kind::Cache);
    }
    let pid = rest.strip_prefix('.')?.strip_suffix(".tmp")?;
    (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then_some(Kind::Temporary)
}

/// Whether the file starts as a cache file of any format does.
fn is_cache_file(path: &Path) -> bool {
    use std::io::Read;
    const MAGIC: &[u8] = b"carbonledger-cache ";
    let mut head = [0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_carbonledgers_names_are_taken() {
        assert!(kind_of("0123456789abcdef.bin") == Some(Kind::Cache));
        assert!(kind_of("0123456789abcdef.4242.tmp") == Some(Kind::Temporary));
        for other in [
            "0123456789ABCDEF.bin",
            "0123456789abcde.bin",
            "0123456789abcdefg.bin",
            "0123456789abcdef.json",
            "0123456789abcdef..tmp",
            "0123456789abcdef.12a.tmp",
            "notes.txt",
            "",
        ] {
            assert!(kind_of(other).is_none(), "{other}");
        }
    }
}
