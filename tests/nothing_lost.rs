//! Issue 11, "nothing silently lost": a file that cannot be read fully is an error of every
//! command that uses it, never an empty file; every row read is used or rejected, counted from
//! the bytes, whatever the line endings; a defect planted at physical line N is reported at N.
//! Each test here failed on the main of 2026-12-01 (before the one record reader).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025")
}

/// A fresh copy of the reference fixture, each file passed through `edit(name, text)`.
fn copy_fixture(edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> PathBuf {
    let dir = common::scratch().join(format!(
        "carbonledger-lost-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(fixture()).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        let bytes = fs::read(e.path()).unwrap();
        fs::write(dir.join(&name), edit(&name, bytes)).unwrap();
    }
    dir
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        stderr,
    )
}

/// Inserts `column` into the header line (the first line not starting with `#`).
fn add_header_column(text: Vec<u8>, column: &str) -> Vec<u8> {
    let s = String::from_utf8(text).unwrap();
    let mut out = String::new();
    let mut done = false;
    for line in s.split_inclusive('\n') {
        if !done && !line.starts_with('#') && !line.trim().is_empty() {
            out.push_str(line.trim_end_matches('\n'));
            out.push(',');
            out.push_str(column);
            out.push('\n');
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// The physical line (1-based) of the header of `text`.
fn header_line(text: &str) -> usize {
    text.lines()
        .position(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        + 1
}

/// Every command that computes a project fails on it, naming `needle` (file:line:column and
/// code) in its diagnostics, and writes no export.
fn every_command_fails(dir: &Path, needle: &str) {
    let d = dir.to_str().unwrap();
    let out = dir.join("..").join(format!(
        "{}-export",
        dir.file_name().unwrap().to_string_lossy()
    ));
    let out_s = out.to_str().unwrap().to_string();
    for args in [
        vec!["check", d],
        vec!["compute", d],
        vec!["figures", d],
        vec!["explain", d, "ghg.total.location", "--year", "2025"],
        vec!["export", d, "--out", &out_s],
        vec!["compute", d, "--allow-rejects"],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?} must fail; stderr:\n{err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected `{needle}` in\n{err}"
        );
    }
    assert!(
        !out.join("inventory.csv").exists(),
        "export must not write tables from a partly read project"
    );
}

#[test]
fn an_extra_column_in_any_optional_file_fails_every_command() {
    for name in [
        "solar.csv",
        "instruments.csv",
        "abatement.csv",
        "shipments.csv",
        "bom.csv",
        "product_stages.csv",
        "products.csv",
        "fugitive.csv",
    ] {
        let original = fs::read_to_string(fixture().join(name)).unwrap();
        let line = header_line(&original);
        let fields = original.lines().nth(line - 1).unwrap().split(',').count();
        let dir = copy_fixture(|n, b| {
            if n == name {
                add_header_column(b, "extra")
            } else {
                b
            }
        });
        every_command_fails(
            &dir,
            &format!("{name}:{line}:{}: unknown column `extra`", fields + 1),
        );
    }
}

#[test]
fn an_empty_or_utf16_optional_file_fails_every_command() {
    let dir = copy_fixture(|n, b| if n == "solar.csv" { Vec::new() } else { b });
    every_command_fails(&dir, "solar.csv: file has no header row [empty-file]");
    // UTF-16 big-endian without a byte-order mark: every other byte is NUL.
    let dir = copy_fixture(|n, b| {
        if n == "abatement.csv" {
            b.iter().flat_map(|c| [0u8, *c]).collect()
        } else {
            b
        }
    });
    every_command_fails(&dir, "it looks like UTF-16");
}

#[test]
fn a_gbk_byte_in_an_optional_file_fails_every_command_at_its_line() {
    let text = fs::read_to_string(fixture().join("instruments.csv")).unwrap();
    let first_data = header_line(&text) + 1;
    // 电 in GBK (0xB5 0xE7) in the note of the first data row.
    let dir = copy_fixture(|n, b| {
        if n != "instruments.csv" {
            return b;
        }
        let mut out = Vec::new();
        for (i, line) in b.split_inclusive(|c| *c == b'\n').enumerate() {
            if i + 1 == first_data {
                let l = line.strip_suffix(b"\n").unwrap_or(line);
                out.extend_from_slice(l);
                out.extend_from_slice(b"\xB5\xE7\n");
            } else {
                out.extend_from_slice(line);
            }
        }
        out
    });
    every_command_fails(
        &dir,
        &format!("instruments.csv:{first_data}:11: file is not valid UTF-8"),
    );
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_line_not_a_swallowed_file() {
    // fugitive.csv: the note of the first data row (line 3) opens a quote that never closes.
    let dir = copy_fixture(|n, b| {
        if n != "fugitive.csv" {
            return b;
        }
        String::from_utf8(b)
            .unwrap()
            .replacen("chiller top-up", "\"chiller top-up", 1)
            .into_bytes()
    });
    every_command_fails(
        &dir,
        "fugitive.csv:3:7: a quote opens this field and never closes",
    );
    // energy.csv, first data row.
    let energy = fs::read_to_string(fixture().join("energy.csv")).unwrap();
    let first = header_line(&energy) + 1;
    let dir = copy_fixture(|n, b| {
        if n != "energy.csv" {
            return b;
        }
        let s = String::from_utf8(b).unwrap();
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        lines[first - 1].push_str(" \"unclosed");
        lines.join("\n").into_bytes()
    });
    let (code, _, err) = run(&["compute", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("energy.csv:{first}:8:")) && err.contains("[unterminated-quote]"),
        "{err}"
    );
}

fn to_crlf(b: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 20);
    for c in b {
        if c == b'\n' {
            out.push(b'\r');
        }
        out.push(c);
    }
    out
}

#[test]
fn a_crlf_copy_of_the_fixture_gives_the_same_figures_and_lines() {
    let crlf = copy_fixture(|n, b| if n.ends_with(".csv") { to_crlf(b) } else { b });
    let lf = fixture();
    let (c1, f1, e1) = run(&["figures", lf.to_str().unwrap(), "--format", "json"]);
    let (c2, f2, e2) = run(&["figures", crlf.to_str().unwrap(), "--format", "json"]);
    assert_eq!((c1, c2), (0, 0), "{e1}\n{e2}");
    assert_eq!(f1, f2, "figures differ between LF and CRLF");
    // The traces cite the same physical lines.
    let explain = |d: &Path| {
        run(&[
            "explain",
            d.to_str().unwrap(),
            "ghg.scope1.fugitive",
            "--year",
            "2025",
        ])
        .1
        .replace(d.to_str().unwrap(), "<DIR>")
    };
    assert_eq!(explain(&lf), explain(&crlf));
}

#[test]
fn a_duplicate_last_row_in_a_crlf_file_is_rejected_not_counted() {
    // The last row of fugitive.csv written twice, CRLF: HFC-134a stays 40 kg (not 80).
    let base = copy_fixture(|_, b| b);
    let dup = copy_fixture(|n, b| {
        if n != "fugitive.csv" {
            return b;
        }
        let s = String::from_utf8(b).unwrap();
        let last = s.trim_end().lines().last().unwrap().to_string();
        to_crlf(format!("{}\n{last}\n", s.trim_end()).into_bytes())
    });
    let lines = fs::read_to_string(dup.join("fugitive.csv"))
        .unwrap()
        .lines()
        .count();
    let (code, _, err) = run(&["compute", dup.to_str().unwrap()]);
    assert_eq!(code, 1, "a duplicate is rejected; stderr:\n{err}");
    assert!(
        err.contains(&format!(
            "fugitive.csv:{lines}:1: duplicate of line {}",
            lines - 1
        )),
        "{err}"
    );
    let fig = |d: &Path, extra: &[&str]| {
        let mut args = vec!["figures", d.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        run(&args).1
    };
    assert_eq!(fig(&base, &[]), fig(&dup, &["--allow-rejects"]));
}

#[test]
fn a_defect_after_blank_lines_and_crlf_is_reported_at_its_physical_line() {
    // Blank lines and a comment before the header, a blank line between rows, CRLF: the bad
    // unit sits on physical line 7.
    let fugitive = "# refrigerants\r\n\r\nfacility,period,gas,quantity,unit,ref,note\r\nBJ-CAR,2024,R-410A,110,kg,,a\r\n\r\nBJ-CAR,2025,R-410A,130,kg,,b\r\nWH-HOME,2025,HFC-134a,40,kgg,,c\r\n";
    let dir = copy_fixture(|n, b| {
        if n == "fugitive.csv" {
            fugitive.as_bytes().to_vec()
        } else {
            b
        }
    });
    let (code, _, err) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fugitive.csv:7:5: unknown unit"), "{err}");
    // The same with CR-only line endings.
    let cr = fugitive.replace("\r\n", "\r");
    let dir = copy_fixture(|n, b| {
        if n == "fugitive.csv" {
            cr.as_bytes().to_vec()
        } else {
            b
        }
    });
    let (code, _, err) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fugitive.csv:7:5: unknown unit"), "{err}");
}

#[test]
fn check_refuses_a_claim_whose_unit_does_not_fit_its_figure() {
    // abatement.rto is heat in GJ; a claim printed in 吨 (tonnes) cannot be compared with it.
    let dir = copy_fixture(|n, b| {
        if n != "claims.toml" {
            return b;
        }
        String::from_utf8(b)
            .unwrap()
            .replacen("printed = \"38,333 GJ\"", "printed = \"38,333 吨\"", 1)
            .into_bytes()
    });
    let text = fs::read_to_string(dir.join("claims.toml")).unwrap();
    let line = text.lines().position(|l| l == "id = \"rto\"").unwrap() + 1;
    let (code, _, err) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("claims.toml:{}:", line + 3)) && err.contains("cannot compare units"),
        "{err}"
    );
}

/// `energy.csv` of the fixture with its line `at` (1-based) replaced by `with`.
fn energy_with_line(at: usize, with: &dyn Fn(&[&str]) -> String) -> PathBuf {
    copy_fixture(|n, b| {
        if n != "energy.csv" {
            return b;
        }
        let s = String::from_utf8(b).unwrap();
        let lines: Vec<&str> = s.split('\n').collect();
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        out[at - 1] = with(&lines);
        out.join("\n").into_bytes()
    })
}

#[test]
fn a_lone_cr_in_a_file_of_lf_line_ends_stops_the_file_instead_of_hiding_rows() {
    // Bug (badinputs branch): a comment line whose lone CRs (an old Mac export pasted into an
    // LF file) run on into two data rows was one comment to the reader: compute read 13 of the
    // 15 rows, said `13 rows read = 13 used + 0 rejected` and exited 0 without BJ-PHONE's
    // 2025-Q1 and Q2 electricity (an editor shows those rows on lines 10 and 11).
    let energy = fs::read_to_string(fixture().join("energy.csv")).unwrap();
    assert!(energy
        .lines()
        .nth(8)
        .unwrap()
        .starts_with("BJ-PHONE,2025-Q1,"));
    let dir = energy_with_line(9, &|l| format!("# 2025 quarters\r{}\r{}", l[8], l[9]));
    // The fixture's line 10 is now part of line 9: drop it so the file holds each row once.
    let text = fs::read_to_string(dir.join("energy.csv")).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.remove(9);
    fs::write(dir.join("energy.csv"), lines.join("\n")).unwrap();
    every_command_fails(
        &dir,
        "energy.csv:9:1: a carriage return (CR) outside quotes inside a line of a file whose lines end with LF (or CRLF)",
    );
    let (_, _, err) = run(&["check", dir.to_str().unwrap()]);
    assert!(err.contains("[malformed-csv]"), "{err}");
    assert!(
        err.contains("hint: save the file with one kind of line end"),
        "{err}"
    );

    // A lone CR inside the note (field 8) of line 16: the text after it would have been read as
    // part of the note, not as the row an editor shows.
    let dir = energy_with_line(16, &|l| {
        format!("{}a\rBJ-HQ,2025-01,electricity,1,MWh,,,", l[15])
    });
    every_command_fails(&dir, "energy.csv:16:8: a carriage return (CR)");

    // A file that starts with CR line ends and goes on with LF: the reader takes LF (the
    // first 64 KiB hold one), and the CRs of the first lines are reported at line 1.
    let dir = copy_fixture(|n, b| {
        if n != "fugitive.csv" {
            return b;
        }
        let s = String::from_utf8(b).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        format!("{}\r{}\n", lines[..3].join("\r"), lines[3..].join("\n")).into_bytes()
    });
    every_command_fails(&dir, "fugitive.csv:1:1: a carriage return (CR)");
}

#[test]
fn crs_that_end_lines_or_sit_inside_quotes_are_no_stray_line_ends() {
    // CR CR LF line ends (a CRLF file converted twice) and a CR inside a quoted note: the
    // figures of the LF original, every row used.
    let dir = copy_fixture(|n, b| {
        if n != "energy.csv" {
            return b;
        }
        String::from_utf8(b)
            .unwrap()
            .replace('\n', "\r\r\n")
            .replacen("paint shop and boilers", "\"paint shop\rand boilers\"", 1)
            .into_bytes()
    });
    let figures = |d: &Path| run(&["figures", d.to_str().unwrap(), "--format", "json"]);
    let (c1, f1, e1) = figures(&fixture());
    let (c2, f2, e2) = figures(&dir);
    assert_eq!((c1, c2), (0, 0), "{e1}\n{e2}");
    assert_eq!(f1, f2);
    let (code, out, err) = run(&["compute", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("energy.csv: 15 rows read = 15 used + 0 rejected"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_factor_set_folder_that_cannot_be_listed_is_an_error_not_an_absent_set() {
    // Bug: a project set or edition folder that was a link to nowhere (a shared factor
    // library not checked out), or a file named `factors`, was passed over: every command
    // exited 0 without that set or edition, and a year that did not pin the edition took
    // the nearest one left.
    let edition = |dir: &Path, ed: &str| {
        let at = dir.join("factors/local-set").join(ed);
        fs::create_dir_all(&at).unwrap();
        fs::write(
            at.join("edition.toml"),
            format!("set = \"local-set\"\nedition = \"{ed}\"\ndescription = \"x\"\n\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025-01\"\ntable = \"1\"\nlicence = \"CC0\"\nurl = \"https://example.org\"\n"),
        )
        .unwrap();
        fs::write(
            at.join("factors.csv"),
            "key,value,unit,gas,basis,table,note\ndiesel.co2,74100,kg CO2/TJ,CO2,ncv,1,\n",
        )
        .unwrap();
    };
    let gone = |dir: &Path| dir.join("gone");
    for place in ["factors/local-set/2026", "factors/shared-set", "factors"] {
        let dir = copy_fixture(|_, b| b);
        if place == "factors" {
            fs::write(dir.join("factors"), "not a folder").unwrap();
        } else {
            edition(&dir, "2024");
            std::os::unix::fs::symlink(gone(&dir), dir.join(place)).unwrap();
        }
        every_command_fails(&dir, &format!("{place}: cannot read the folder: "));
        let (code, _, err) = run(&["factors", "list", dir.to_str().unwrap()]);
        assert_eq!(code, 1, "factors list, {place}: {err}");
        assert!(err.contains("[unreadable-file]"), "{place}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_nowhere_is_an_unreadable_input_not_an_absent_one() {
    // Bug (badinputs branch): an optional input that is there but cannot be opened (a
    // symbolic link to a file that is gone: a moved shared drive) was taken for an absent
    // file: compute exited 0 with no fugitive, solar, instrument, abatement, freight or
    // product figures, and no word about the file.
    for name in [
        "fugitive.csv",
        "solar.csv",
        "instruments.csv",
        "abatement.csv",
        "shipments.csv",
        "products.csv",
        "bom.csv",
        "product_stages.csv",
        // Not in the fixture: a link where the file would be.
        "scope3.csv",
        "metrics.csv",
        "operations.csv",
        "facility_changes.csv",
        "carbonledger.lock",
    ] {
        let dir = copy_fixture(|_, b| b);
        let _ = fs::remove_file(dir.join(name));
        std::os::unix::fs::symlink(dir.join("gone").join(name), dir.join(name)).unwrap();
        every_command_fails(&dir, &format!("{name}: cannot read {name}: "));
    }
    // claims.toml is read by check and verify, not by compute.
    let dir = copy_fixture(|_, b| b);
    fs::remove_file(dir.join("claims.toml")).unwrap();
    std::os::unix::fs::symlink(dir.join("gone.toml"), dir.join("claims.toml")).unwrap();
    for cmd in ["check", "verify"] {
        let (code, _, err) = run(&[cmd, dir.to_str().unwrap()]);
        assert_ne!(code, 0, "{cmd}: {err}");
        assert!(err.contains("claims.toml: cannot read"), "{cmd}: {err}");
    }
}

/// A copy of the fixture with `find` replaced by `with` in `file` (once).
fn fixture_with(file: &str, find: &str, with: &str) -> PathBuf {
    let dir = copy_fixture(|n, b| {
        if n != file {
            return b;
        }
        let s = String::from_utf8(b).unwrap();
        assert!(s.contains(find), "{file} has no `{find}`");
        s.replacen(find, with, 1).into_bytes()
    });
    dir
}

/// `check` and `compute` fail with `first` as the first error (place, message and code), which
/// has a hint; `compute --allow-rejects` counts the row as rejected (`accounting`).
fn one_row_rejected(dir: &Path, first: &str, accounting: &str) {
    let d = dir.to_str().unwrap();
    for args in [vec!["check", d], vec!["compute", d]] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        let first_error = err.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
        assert_eq!(
            first_error,
            format!("error: {d}/{first}"),
            "{args:?}: {err}"
        );
        let hint = err
            .lines()
            .skip_while(|l| !l.starts_with("error: "))
            .skip(1)
            .take_while(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
            .any(|l| l.trim_start().starts_with("= hint: "));
        assert!(hint, "{args:?}: no hint: {err}");
    }
    let (code, out, err) = run(&["compute", d, "--allow-rejects"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(accounting), "{accounting}\n{out}");
}

#[test]
fn an_instrument_too_large_to_hold_is_rejected_not_dropped() {
    // Bug (badinputs branch): an instrument of 7.9 × 10^27 MWh (its joules overflow) was
    // neither applied nor rejected: check and compute exited 0, `instruments.csv: 3 rows read
    // = 3 used + 0 rejected`, and energy.renewable.contractual fell from 41,000 to 16,000 MWh.
    let dir = fixture_with(
        "instruments.csv",
        "GPT-2025-CAR,green_power_trade,BJ-CAR,2025,25000,",
        "GPT-2025-CAR,green_power_trade,BJ-CAR,2025,7922816251426433759354395033,",
    );
    one_row_rejected(
        &dir,
        "instruments.csv:4:5: 7922816251426433759354395033 MWh cannot be held exactly: overflow: 7922816251426433759354395033 × 3600000000 exceeds the decimal range (±7.9 × 10^28) [overflow]",
        "instruments.csv: 3 rows read = 2 used + 1 rejected",
    );
}

#[test]
fn an_overflow_of_a_register_or_product_row_is_reported_at_its_quantity() {
    // Bugs (badinputs branch): abatement.csv's overflow was reported at `displaces` (column 7)
    // with no hint; bom.csv's and product_stages.csv's at the line only, with no hint.
    let dir = fixture_with(
        "abatement.csv",
        "rto,BJ-CAR,2025,heat_recovered,38333,",
        "rto,BJ-CAR,2025,heat_recovered,7922816251426433759354395033,",
    );
    one_row_rejected(
        &dir,
        "abatement.csv:4:5: overflow: 7922816251426433759354395033 × 1000000000 exceeds the decimal range (±7.9 × 10^28) [overflow]",
        "abatement.csv: 3 rows read = 2 used + 1 rejected",
    );
    let dir = fixture_with(
        "bom.csv",
        "xiaomi-15,midframe,aluminium,26,g,",
        "xiaomi-15,midframe,aluminium,7922816251426433759354395033,g,",
    );
    let (_, _, err) = run(&["check", dir.to_str().unwrap()]);
    let first = err.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
    assert!(
        first.contains("/bom.csv:4:4: xiaomi-15 midframe aluminium: ")
            && first.ends_with("[overflow]"),
        "{err}"
    );
    one_row_rejected(
        &dir,
        first
            .strip_prefix(&format!("error: {}/", dir.display()))
            .unwrap(),
        "bom.csv: 213 rows read = 212 used + 1 rejected",
    );
    let dir = fixture_with(
        "product_stages.csv",
        "xiaomi-15,manufacturing,8.5,kWh,",
        "xiaomi-15,manufacturing,7922816251426433759354395033,kWh,",
    );
    one_row_rejected(
        &dir,
        "product_stages.csv:3:3: xiaomi-15 manufacturing: overflow: 7922816251426433759354395033 × 3600000 exceeds the decimal range (±7.9 × 10^28) [overflow]",
        "product_stages.csv: 117 rows read = 116 used + 1 rejected",
    );
}

/// The first error line of `err` and whether a hint follows it.
fn first_error_and_hint(err: &str) -> (String, bool) {
    let mut lines = err.lines().skip_while(|l| !l.starts_with("error: "));
    let first = lines.next().unwrap_or("").to_string();
    let hint = lines
        .take_while(|l| !l.starts_with("error: ") && !l.starts_with("warning: "))
        .any(|l| l.trim_start().starts_with("= hint: "));
    (first, hint)
}

#[test]
fn a_total_past_the_exact_range_names_its_file_and_has_a_hint() {
    // Bug (badinputs branch): a chain total that overflowed (one fugitive row of 7.9 × 10^27
    // kg times its GWP) was reported with no hint.
    let dir = fixture_with(
        "fugitive.csv",
        "BJ-CAR,2024,R-410A,110,kg,",
        "BJ-CAR,2024,R-410A,7922816251426433759354395033,kg,",
    );
    let d = dir.to_str().unwrap();
    let (code, _, err) = run(&["compute", d]);
    assert_eq!(code, 1, "{err}");
    let (first, hint) = first_error_and_hint(&err);
    assert_eq!(
        first,
        format!("error: {d}/fugitive.csv: the 2024 total of R-410A at BJ-CAR cannot be held exactly: overflow: 7922816251426433759354395033 × 1923.5 exceeds the decimal range (±7.9 × 10^28) [overflow]")
    );
    assert!(hint, "{err}");

    // Bug (badinputs branch): an intensity per a metric of 10^-28 USD million, which cannot
    // be held, was reported in solar.csv (the first register file), not metrics.csv.
    let dir = copy_fixture(|_, b| b);
    fs::write(
        dir.join("metrics.csv"),
        "period,metric,value,unit,note\n2025,revenue,0.0000000000000000000000000001,USD million,\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let (code, _, err) = run(&["compute", d]);
    assert_eq!(code, 1, "{err}");
    let (first, hint) = first_error_and_hint(&err);
    assert!(
        first.starts_with(&format!(
            "error: {d}/metrics.csv: the 2025 value of intensity.revenue."
        )) && first.ends_with("[overflow]"),
        "{err}"
    );
    assert!(hint, "{err}");
}
