//! `carbonledger lock`: the lockfile names every factor edition the figures use with its
//! SHA-256, a later run refuses when a locked edition changed, and re-locking accepts it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn project(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let d = common::scratch().join(format!("carbonledger-lock-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for e in std::fs::read_dir(root.join("fixtures/bad/base")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    d
}

const EDITION: &str = "set = \"site-meter\"\nedition = \"2025\"\ndescription = \"test\"\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"L\"\nurl = \"https://example.org\"\n";

#[test]
fn lock_names_the_editions_used_and_a_changed_one_is_refused() {
    let dir = project("changed");
    let local = dir.join("factors/site-meter/2025");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("edition.toml"), EDITION).unwrap();
    let csv = "key,value,unit,gas,basis,table,note\nx,0.5,kg CO2/kWh,CO2,,1,\n";
    std::fs::write(local.join("factors.csv"), csv).unwrap();
    let energy = std::fs::read_to_string(dir.join("energy.csv")).unwrap()
        + "PLANT-1,2025,electricity,10,MWh,site-meter@2025:x,meter-x,\n";
    std::fs::write(dir.join("energy.csv"), energy).unwrap();
    let d = dir.to_str().unwrap();
    let (code, out, err) = bin(&["lock", d]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("locked 6 factor editions in {d}/carbonledger.lock\n")
    );
    let lock = std::fs::read_to_string(dir.join("carbonledger.lock")).unwrap();
    let locked: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix('"'))
        .filter_map(|l| l.split_once('"'))
        .map(|(id, _)| id)
        .collect();
    // base: electricity in both years (two grid editions), diesel (IPCC 2006 factors and GWP,
    // GB/T 2589 standard coal), and the project-local meter; not the unused heat set.
    assert_eq!(
        locked,
        [
            "cn-mee-grid@2022",
            "cn-mee-grid@2023",
            "gbt-2589@2020",
            "ipcc-2006@2006",
            "ipcc-gwp@ar5",
            "site-meter@2025"
        ]
    );
    let (code, before, _) = bin(&["figures", d, "--format", "json"]);
    assert_eq!(code, 0);

    // The same value, a different text: the edition's content changed, so every run refuses.
    std::fs::write(local.join("factors.csv"), csv.replace("0.5", "0.50")).unwrap();
    for cmd in ["compute", "figures", "check"] {
        let (code, out, err) = bin(&[cmd, d]);
        assert_eq!(code, 1, "{cmd}: {out}{err}");
        let first = err.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("error: {d}/carbonledger.lock:10:1: factor edition site-meter@2025 ({d}/factors/site-meter/2025) differs from the locked one")),
            "{cmd}: {err}"
        );
        assert!(first.ends_with("[locked-edition-changed]"), "{err}");
    }
    // Restored, it runs again with the same numbers; re-locking accepts a change.
    std::fs::write(local.join("factors.csv"), csv).unwrap();
    assert_eq!(
        bin(&["figures", d, "--format", "json"]),
        (0, before, String::new())
    );
    std::fs::write(local.join("factors.csv"), csv.replace("0.5", "0.6")).unwrap();
    assert_eq!(bin(&["compute", d]).0, 1);
    assert_eq!(bin(&["lock", d]).0, 0);
    assert_eq!(bin(&["compute", d]).0, 0);

    // An edition that disappears from the library is named too.
    std::fs::remove_dir_all(dir.join("factors")).unwrap();
    std::fs::write(
        dir.join("energy.csv"),
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/base/energy.csv"),
        )
        .unwrap(),
    )
    .unwrap();
    let (code, _, err) = bin(&["compute", d]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("error: {d}/carbonledger.lock:10:1: locked factor edition site-meter@2025 is not in the library [locked-edition-missing]")),
        "{err}"
    );
}

/// Bug (badinputs branch): `lock` wrote a lockfile and exited 0 from a project whose rows it
/// could not all read (a file stopped by a malformed line, a rejected row), so the editions
/// those rows use were left out of the lock without a word.
#[test]
fn lock_refuses_a_project_with_unread_files_or_rejected_rows() {
    for (name, file, text) in [
        // A lone CR hides a row of the optional solar.csv from the reader: the file cannot be
        // read (energy.csv and fugitive.csv stopped lock before; the registers did not).
        (
            "unread",
            "solar.csv",
            "facility,period,generated,self_consumed,exported,unit,note\nPLANT-1,2025,10,10,0,MWh,\r# 2025\rPLANT-1,2024,10,10,0,MWh,\n",
        ),
        // A row with an unknown gas is rejected: its GWP edition is unknown.
        (
            "rejected",
            "fugitive.csv",
            "facility,period,gas,quantity,unit,ref,note\nPLANT-1,2025,HFC-999,2,kg,,\n",
        ),
    ] {
        let dir = project(name);
        std::fs::write(dir.join(file), text).unwrap();
        let (code, out, err) = bin(&["lock", dir.to_str().unwrap()]);
        assert_eq!(code, 1, "{name}: {out}{err}");
        assert!(err.contains(&format!("{file}:2:")), "{name}: {err}");
        assert!(err.contains("error: refusing to lock"), "{name}: {err}");
        assert!(
            !dir.join("carbonledger.lock").exists(),
            "{name}: no lockfile from a partly read project"
        );
    }
}
