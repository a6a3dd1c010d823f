//! A default build (without `--features engine`) refuses `--engine datafusion` as a usage
//! error (exit 2) that says how to build the engine, instead of silently using the core.
#![cfg(not(feature = "engine"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn engine_datafusion_without_the_feature_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(["figures", "fixtures/xiaomi-2025", "--engine", "datafusion"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cargo build --release --features engine"),
        "{err}"
    );
}
