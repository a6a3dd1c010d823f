//! `carbonledger.lock`: the SHA-256 of every factor edition a project uses, so that a later
//! run with the same inputs either gives the same numbers or refuses with the edition named.
//! This module writes, parses and checks the file; it does not decide which editions are used
//! (the ledger does).

use super::Input;
use crate::diag::{Diagnostic, Span};
use crate::factors::{Edition, Library};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    lower_hex(&Sha256::digest(bytes))
}

/// A digest as lowercase hex (how every SHA-256 is written).
pub fn lower_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, lowercase hex, read in pieces (an input of millions of rows is never
/// held whole).
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(lower_hex(&hasher.finalize())),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The digest of an edition's content: SHA-256 over each of its files (by file name, in order)
/// as `name`, newline, SHA-256 of the file, newline. Where the edition is stored (built in or
/// in the project) does not enter.
pub fn edition_digest(e: &Edition) -> String {
    let mut files: Vec<(&str, &str)> = e
        .files
        .iter()
        .map(|(p, t)| (p.rsplit('/').next().unwrap_or(p), t.as_ref()))
        .collect();
    files.sort_unstable();
    let mut text = String::new();
    for (name, content) in files {
        text.push_str(name);
        text.push('\n');
        text.push_str(&sha256_hex(content.as_bytes()));
        text.push('\n');
    }
    sha256_hex(text.as_bytes())
}

/// A parsed lockfile: `SET@EDITION` → (digest, 1-based line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    /// Locked editions: digest, and the line and character of the key.
    pub editions: BTreeMap<String, (String, (u64, usize))>,
}

/// The lockfile text for the given editions (`SET@EDITION`, each in `library`).
pub fn render_lock<'a>(
    library: &Library,
    editions: impl IntoIterator<Item = &'a String>,
) -> Result<String, String> {
    let mut out = String::from(
        "# carbonledger.lock: written by `carbonledger lock`. The SHA-256 of every factor edition\n\
         # the figures use; a run refuses when an edition's content differs. Re-run the command\n\
         # to accept a change.\n[editions]\n",
    );
    for id in editions {
        let (set, ed) = id.split_once('@').unwrap_or((id, ""));
        let e = library
            .edition(set, ed)
            .ok_or_else(|| format!("factor edition {id} is not in the library"))?;
        out.push_str(&format!("\"{id}\" = \"{}\"\n", edition_digest(e)));
    }
    Ok(out)
}

/// Parses a lockfile.
pub fn parse_lock(file: &Arc<str>, text: &str) -> Result<Lock, Vec<Diagnostic>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        editions: BTreeMap<String, String>,
    }
    let raw: Raw = toml::from_str(text).map_err(|e| {
        vec![Diagnostic::error(
            "bad-lockfile",
            e.span().map_or_else(
                || Span::file(file),
                |s| Span::at_offset(file, text, s.start),
            ),
            e.message().trim().to_string(),
        )
        .with_hint("re-create it with `carbonledger lock DIR`")]
    })?;
    // The line and character of an edition's key.
    let line_of = |id: &str| {
        let quoted = format!("\"{id}\"");
        text.lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with(&quoted))
            .map_or((0, 0), |(i, l)| {
                (
                    i as u64 + 1,
                    l.chars().take_while(|c| c.is_whitespace()).count() + 1,
                )
            })
    };
    Ok(Lock {
        editions: raw
            .editions
            .into_iter()
            .map(|(id, d)| {
                let line = line_of(&id);
                (id, (d, line))
            })
            .collect(),
    })
}

/// The place of a locked edition's key: its line and character, or the file when not found.
fn lock_span(file: &Arc<str>, (line, column): (u64, usize)) -> Span {
    match line {
        0 => Span::file(file),
        l => Span::line(file, l).at(column),
    }
}

/// Checks every locked edition against the library: one error per edition whose content
/// differs from its locked digest or that is no longer there.
pub fn check_lock(file: &Arc<str>, lock: &Lock, library: &Library) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (id, (digest, line)) in &lock.editions {
        let (set, ed) = id.split_once('@').unwrap_or((id, ""));
        match library.edition(set, ed) {
            None => diags.push(
                Diagnostic::error(
                    "locked-edition-missing",
                    lock_span(file, *line),
                    format!("locked factor edition {id} is not in the library"),
                )
                .with_hint("restore the edition, or run `carbonledger lock DIR` to lock the editions now in use"),
            ),
            Some(e) => {
                let now = edition_digest(e);
                if &now != digest {
                    diags.push(
                        Diagnostic::error(
                            "locked-edition-changed",
                            lock_span(file, *line),
                            format!(
                                "factor edition {id} ({}) differs from the locked one: SHA-256 {now}, locked {digest}",
                                e.origin
                            ),
                        )
                        .with_hint("a published edition is never edited: restore it, give the change its own edition, or run `carbonledger lock DIR` to accept it"),
                    );
                }
            }
        }
    }
    diags
}

/// The lockfile name, for messages.
pub const LOCK_FILE: &str = Input::Lock.name();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc_is_the_fips_180_2_example() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_lockfile_parses_with_the_line_of_each_edition() {
        let text = "# c\n[editions]\n\"a@1\" = \"x\"\n\"b@2\" = \"y\"\n";
        let l = parse_lock(&Arc::from("carbonledger.lock"), text).unwrap();
        assert_eq!(l.editions["b@2"], ("y".to_string(), (4, 1)));
        assert!(parse_lock(&Arc::from("l"), "[editions]\n\"a\" = 1\n").is_err());
    }
}
