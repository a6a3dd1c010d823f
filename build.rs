//! Embeds the built-in factor library (`factors/<set>/<edition>/*`) into the binary, so that a
//! released binary carries exactly the factor files of its source tree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "csv")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Rust sources below `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            sources(&path, out)?;
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// FNV-1a over `bytes`, continuing from `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// An identity of the calculation this build performs: the sources, the dependency versions
/// and the built-in factors. The what-if cache (`src/cache`) keys its results by it, so that
/// a rebuilt carbonledger never reads back what an older build computed.
fn build_id(root: &Path, factor_files: &[PathBuf]) -> std::io::Result<u64> {
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files)?;
    files.sort();
    files.push(root.join("Cargo.toml"));
    files.push(root.join("Cargo.lock"));
    files.extend(factor_files.iter().cloned());
    let mut h = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        h = fnv(
            h,
            f.strip_prefix(root)
                .unwrap_or(f)
                .to_string_lossy()
                .as_bytes(),
        );
        h = fnv(h, &std::fs::read(f).unwrap_or_default());
    }
    Ok(h)
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let factors = root.join("factors");
    println!("cargo:rerun-if-changed=factors");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    collect(&factors, &mut files)?;
    files.sort();
    println!(
        "cargo:rustc-env=CARBONLEDGER_BUILD_ID={:016x}",
        build_id(&root, &files)?
    );
    let mut code = String::from("/// Built-in factor files: (path below `factors/`, contents).\npub static BUILTIN_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&factors)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("builtin_factors.rs");
    std::fs::write(out, code)
}
