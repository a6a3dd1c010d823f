//! An activity input given as a folder of partition files (`energy/` in place of
//! `energy.csv`), read by the default reader: the same rows give the same figures, lines and
//! exports as one CSV file; every diagnostic names the partition file and its physical line;
//! duplicates are found across files; the cache and the export seal see every partition file.
//! The oracle is the same project with the rows in one `energy.csv` (whose figures the other
//! suites check by hand).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const FIXTURE: &str = "fixtures/xiaomi-2025";
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh copy of the fixture, in a folder named `p` (so that shown paths have one length).
fn fixture_copy(tag: &str) -> PathBuf {
    let dir = common::scratch()
        .join(format!(
            "carbonledger-folders-{}-{}-{tag}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ))
        .join("p");
    let _ = fs::remove_dir_all(&dir);
    common::lines::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE), &dir);
    dir
}

/// The header and the data rows of a CSV file (comments and blank lines left out).
fn header_and_rows(path: &Path) -> (String, Vec<String>) {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header = lines.next().unwrap().to_string();
    (header, lines.map(str::to_string).collect())
}

/// Replaces `energy.csv` with `energy/`: the 2024 rows in `year=2024/part-0.csv`, the first
/// four 2025 rows in `year=2025/month=01/a.csv` after a comment line, the rest in
/// `year=2025/month=07/b.csv`; and `fugitive.csv` with `fugitive/all.csv`. Returns the
/// partition files written (name below the project, text).
fn partition(dir: &Path) -> Vec<(String, String)> {
    let (header, rows) = header_and_rows(&dir.join("energy.csv"));
    assert_eq!(rows.len(), 15);
    let (y2024, y2025): (Vec<&String>, Vec<&String>) = rows
        .iter()
        .partition(|r| r.split(',').nth(1).unwrap().starts_with("2024"));
    let (a, b) = y2025.split_at(4);
    let body = |rows: &[&String]| rows.iter().map(|r| format!("{r}\n")).collect::<String>();
    let (fh, frows) = header_and_rows(&dir.join("fugitive.csv"));
    let frows: Vec<&String> = frows.iter().collect();
    let files = vec![
        (
            "energy/year=2024/part-0.csv".to_string(),
            format!("{header}\n{}", body(&y2024)),
        ),
        (
            "energy/year=2025/month=01/a.csv".to_string(),
            format!("# January to June\n{header}\n{}", body(a)),
        ),
        (
            "energy/year=2025/month=07/b.csv".to_string(),
            format!("{header}\n{}", body(b)),
        ),
        (
            "fugitive/all.csv".to_string(),
            format!("{fh}\n{}", body(&frows)),
        ),
    ];
    for (name, text) in &files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    // Files that are not rows: skipped.
    fs::write(dir.join("energy/year=2025/_SUCCESS"), "").unwrap();
    fs::write(dir.join("energy/README.txt"), "not rows").unwrap();
    fs::remove_file(dir.join("energy.csv")).unwrap();
    fs::remove_file(dir.join("fugitive.csv")).unwrap();
    files
}

/// Runs the CLI in `dir`'s parent, the project named `p`, with its own cache folder.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .current_dir(dir.parent().unwrap())
        .env(
            "CARBONLEDGER_CACHE_DIR",
            dir.parent().unwrap().join("cache"),
        )
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `figures` of the project `p` in `dir`'s parent, without the cache, which must refuse
/// (exit 1); its standard error.
fn refused(dir: &Path) -> String {
    let (code, _, err) = run_in(dir, &["figures", "p", "--no-cache"]);
    assert_eq!(code, 1, "{err}");
    err
}

#[test]
fn a_folder_of_csv_partitions_gives_the_figures_of_one_csv() {
    let one = fixture_copy("one");
    let parts = fixture_copy("parts");
    partition(&parts);
    for args in [
        &["figures", "p", "--format", "json", "--no-cache"][..],
        &["figures", "p", "--format", "json"],
        &["figures", "p", "--format", "json"], // read back from the cache
        &["report", "p", "--standard", "ghgp", "--format", "csv"],
    ] {
        let a = run_in(&one, args);
        let b = run_in(&parts, args);
        assert_eq!(a.0, 0, "{}", a.2);
        assert_eq!(b.0, 0, "{args:?}: {}", b.2);
        assert_eq!(a.1, b.1, "{args:?}");
    }
    // The row accounting names each folder and counts all its rows.
    let acc = run_in(&parts, &["compute", "p", "--format", "json", "--no-cache"]);
    assert_eq!(acc.0, 0, "{}", acc.2);
    for (folder, rows) in [("energy", 15), ("fugitive", 3)] {
        let want =
            format!("\"file\": \"p/{folder}/\",\n      \"read\": {rows},\n      \"used\": {rows}");
        assert!(acc.1.contains(&want), "{want}\n{}", acc.1);
    }
}

#[test]
fn explain_and_export_name_each_rows_partition_file_and_line() {
    let one = fixture_copy("one");
    let parts = fixture_copy("parts");
    let files = partition(&parts);
    // explain: every contributing row of scope 1 is named by its partition file and the
    // physical line it is on, and that line is the row.
    let (code, text, err) = run_in(&parts, &["explain", "p", "ghg.scope1", "--year", "2025"]);
    assert_eq!(code, 0, "{err}");
    let mut named = 0;
    for l in text.lines().filter(|l| l.starts_with("p/")) {
        let at = l.split_whitespace().next().unwrap();
        let (file, line) = at.rsplit_once(':').unwrap();
        let name = file.strip_prefix("p/").unwrap();
        let (_, body) = files.iter().find(|(n, _)| n == name).unwrap();
        let row = body
            .lines()
            .nth(line.parse::<usize>().unwrap() - 1)
            .unwrap();
        let facility = l.split_whitespace().nth(1).unwrap();
        assert!(row.starts_with(&format!("{facility},2025")), "{l} → {row}");
        named += 1;
    }
    // The 2025 natural gas and diesel rows and the fugitive rows of 2025.
    assert!(named >= 3, "{text}");
    // export: lines.csv holds the same lines as the one-CSV export, each naming its file and
    // line; the seal lists every partition file.
    let ea = one.parent().unwrap().join("out");
    let eb = parts.parent().unwrap().join("out");
    assert_eq!(run_in(&one, &["export", "p", "--out", "out"]).0, 0);
    let (code, _, err) = run_in(&parts, &["export", "p", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    let located = |dir: &Path| -> Vec<String> {
        let text = fs::read_to_string(dir.join("lines.csv")).unwrap();
        let mut v: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.splitn(6, ',').collect();
                format!("{},{},{},{}", f[0], f[1], f[2], f[5])
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(located(&ea), located(&eb));
    let lines = fs::read_to_string(eb.join("lines.csv")).unwrap();
    for l in lines.lines().skip(1) {
        let f: Vec<&str> = l.splitn(7, ',').collect();
        let (name, line, facility) = (f[3], f[4], f[5]);
        if !name.contains('/') {
            continue; // a register's file (solar.csv, shipments.csv, ...)
        }
        let (_, body) = files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is not a partition file"));
        let row = body
            .lines()
            .nth(line.parse::<usize>().unwrap() - 1)
            .unwrap();
        assert!(row.starts_with(&format!("{facility},")), "{l} → {row}");
    }
    let manifest = fs::read_to_string(eb.join("manifest.json")).unwrap();
    for (name, _) in &files {
        assert!(
            manifest.contains(&format!("\"path\": \"{name}\"")),
            "{name}"
        );
    }
    // No input entry for the absent file (the export's own energy.csv table has a schema).
    assert!(!manifest.contains("\"path\": \"energy.csv\",\n      \"sha256\""));
    assert!(!manifest.contains("\"path\": \"fugitive.csv\","));
    // The seal sees a partition file added since, and one changed.
    let (code, out, _) = run_in(&parts, &["export", "--check", "out"]);
    assert_eq!(code, 0, "{out}");
    fs::write(parts.join("energy/year=2025/month=07/c.csv"), "facility\n").unwrap();
    let b = parts.join("energy/year=2025/month=07/b.csv");
    let text = fs::read_to_string(&b).unwrap();
    fs::write(&b, format!("{text}# a comment\n")).unwrap();
    let (code, out, err) = run_in(&parts, &["export", "--check", "out"]);
    assert_eq!(code, 1, "{out}{err}");
    let said = format!("{out}{err}");
    assert!(said.contains("energy/year=2025/month=07/c.csv"), "{said}");
    assert!(said.contains("energy/year=2025/month=07/b.csv"), "{said}");
}

#[test]
fn diff_lists_the_changed_lines_of_every_partition() {
    let one = fixture_copy("one");
    let parts = fixture_copy("parts");
    partition(&parts);
    let args = [
        "diff",
        "p",
        "--set",
        "cn-mee-grid:north=0.55",
        "--format",
        "json",
    ];
    let a = run_in(&one, &args);
    let b = run_in(&parts, &args);
    assert_eq!(a.0, 0, "{}", a.2);
    assert_eq!(b.0, 0, "{}", b.2);
    assert!(b.1.contains("p/energy/year="), "{}", b.1);
    // The same changes, once the rows' places are left out.
    let strip = |s: &str| -> Vec<String> {
        let mut v: Vec<String> = s
            .lines()
            .filter(|l| !l.contains("\"at\""))
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(strip(&a.1), strip(&b.1));
}

#[test]
fn a_duplicate_in_another_partition_is_rejected_naming_both() {
    let dir = fixture_copy("dup");
    let files = partition(&dir);
    // The first 2024 row again at the end of the last 2025 file, and a bad quantity.
    let first = files[0].1.lines().nth(1).unwrap().to_string();
    let b = dir.join("energy/year=2025/month=07/b.csv");
    let text = fs::read_to_string(&b).unwrap();
    let at = text.lines().count() + 1;
    fs::write(
        &b,
        format!("{text}{first}\nBJ-CAR,2025,electricity,abc,MWh,,,\n"),
    )
    .unwrap();
    let err = refused(&dir);
    let want = [
        format!(
            "error: p/energy/year=2025/month=07/b.csv:{at}:1: duplicate of p/energy/year=2024/part-0.csv:2: same facility, period, carrier, quantity, unit, source and ref [duplicate-row]"
        ),
        format!(
            "error: p/energy/year=2025/month=07/b.csv:{}:4: malformed number `abc` in column `quantity` [malformed-number]",
            at + 1
        ),
    ];
    for w in &want {
        assert!(err.lines().any(|l| l == w), "{w}\n{err}");
    }
    assert!(err.contains("2 rows rejected"), "{err}");
    // Within one file the rule and wording are the default reader's own.
    let dir = fixture_copy("dup-same");
    partition(&dir);
    let a = dir.join("energy/year=2025/month=01/a.csv");
    let text = fs::read_to_string(&a).unwrap();
    let row = text.lines().nth(2).unwrap().to_string();
    fs::write(&a, format!("{text}{row}\n")).unwrap();
    let err = refused(&dir);
    let at = text.lines().count() + 1;
    let w = format!("error: p/energy/year=2025/month=01/a.csv:{at}:1: duplicate of line 3: same facility, period, carrier, quantity, unit, source and ref [duplicate-row]");
    assert!(err.lines().any(|l| l == w), "{w}\n{err}");
}

#[test]
fn the_cache_sees_a_changed_added_or_removed_partition() {
    let dir = fixture_copy("cache");
    partition(&dir);
    let figures = |d: &Path, cache: bool| {
        let mut args = vec!["figures", "p", "--format", "json"];
        if !cache {
            args.push("--no-cache");
        }
        let out = run_in(d, &args);
        assert_eq!(out.0, 0, "{}", out.2);
        out.1
    };
    let before = figures(&dir, true);
    assert_eq!(before, figures(&dir, true));
    // A quantity changed in one partition.
    let a = dir.join("energy/year=2025/month=01/a.csv");
    let text = fs::read_to_string(&a).unwrap();
    let (head, rest) = text.split_at(text.find("\nBJ-").unwrap() + 1);
    let (row, tail) = rest.split_at(rest.find('\n').unwrap());
    let mut f: Vec<String> = row.split(',').map(str::to_string).collect();
    f[3] = format!("{}1", f[3]);
    fs::write(&a, format!("{head}{}{tail}", f.join(","))).unwrap();
    let changed = figures(&dir, true);
    assert_ne!(before, changed);
    assert_eq!(changed, figures(&dir, false));
    // A partition added, then removed.
    let c = dir.join("energy/year=2025/month=07/c.csv");
    fs::write(
        &c,
        "facility,period,carrier,quantity,unit\nBJ-HQ,2025,electricity,1,MWh\n",
    )
    .unwrap();
    let added = figures(&dir, true);
    assert_ne!(changed, added);
    assert_eq!(added, figures(&dir, false));
    fs::remove_file(&c).unwrap();
    assert_eq!(changed, figures(&dir, true));
}

#[test]
fn a_folder_with_no_rows_files_or_an_unreadable_partition_is_an_error() {
    // No .csv or .parquet file: an error naming the folder, never an input of no rows.
    let dir = fixture_copy("empty");
    partition(&dir);
    fs::remove_dir_all(dir.join("energy")).unwrap();
    fs::create_dir_all(dir.join("energy/year=2025")).unwrap();
    fs::write(dir.join("energy/notes.txt"), "x").unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("error: p/energy/: the folder p/energy/ holds no .csv or .parquet file, so energy.csv has no rows [unreadable-file]"),
        "{err}"
    );
    // A partition missing a required column stops the command, naming that file.
    let dir = fixture_copy("column");
    partition(&dir);
    fs::write(
        dir.join("energy/year=2025/month=07/b.csv"),
        "facility,period,carrier,unit\nBJ-HQ,2025,electricity,MWh\n",
    )
    .unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("p/energy/year=2025/month=07/b.csv:1") && err.contains("[missing-column]"),
        "{err}"
    );
}

/// Without the `engine` feature there is no Parquet reader: a Parquet partition is an error
/// naming it (tests/engine.rs reads real Parquet files in `engine` builds).
#[cfg(not(feature = "engine"))]
#[test]
fn a_parquet_partition_needs_the_engine_build() {
    let dir = fixture_copy("parquet");
    partition(&dir);
    fs::write(dir.join("energy/year=2025/part-9.parquet"), b"PAR1").unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("error: p/energy/year=2025/part-9.parquet: this carbonledger reads Parquet files only when built with the engine feature [unreadable-file]"),
        "{err}"
    );
}

#[test]
fn overlapping_periods_across_partitions_name_the_later_row() {
    let dir = fixture_copy("overlap");
    let files = partition(&dir);
    // A March bill of a facility whose 2025 electricity is already a yearly row (in another
    // partition file): the warning points at the March row's period.
    let yearly = files[1..3]
        .iter()
        .flat_map(|(_, t)| t.lines())
        .find(|l| l.contains(",2025,electricity,"))
        .unwrap()
        .to_string();
    let facility = yearly.split(',').next().unwrap();
    let c = dir.join("energy/year=2025/month=07/c.csv");
    fs::write(
        &c,
        format!("facility,period,carrier,quantity,unit\n{facility},2025-03,electricity,100,MWh\n"),
    )
    .unwrap();
    let (_, _, err) = run_in(&dir, &["compute", "p", "--no-cache"]);
    assert!(
        err.lines().any(
            |l| l.starts_with("warning: p/energy/year=2025/month=07/c.csv:2:2: ")
                && l.ends_with("[overlapping-periods]")
        ),
        "{err}"
    );
}

/// The files are computed one per thread: the output (figures, row accounting and every
/// diagnostic, duplicates across files included) does not depend on the thread count.
#[test]
fn the_output_does_not_depend_on_the_thread_count() {
    let dir = fixture_copy("threads");
    let files = partition(&dir);
    let first = files[0].1.lines().nth(2).unwrap().to_string();
    let second = files[1].1.lines().nth(2).unwrap().to_string();
    // Copies of a 2024 row and of a 2025 row in a later file, one of them twice, and a row
    // that does not parse.
    let header = files[0].1.lines().next().unwrap();
    let c = dir.join("energy/year=2025/month=09/c.csv");
    fs::create_dir_all(c.parent().unwrap()).unwrap();
    fs::write(
        c,
        format!("{header}\nBJ-HQ,2025,electricity,x,MWh,,,\n{first}\n{second}\n{second}\n"),
    )
    .unwrap();
    let runs: Vec<(i32, String, String)> = ["1", "2", "3", "0"]
        .iter()
        .map(|t| {
            run_in(
                &dir,
                &[
                    "compute",
                    "p",
                    "--no-cache",
                    "--allow-rejects",
                    "--format",
                    "json",
                    "--threads",
                    t,
                ],
            )
        })
        .collect();
    assert_eq!(runs[0].0, 0, "{}", runs[0].2);
    assert_eq!(
        runs[0].2.matches("[duplicate-row]").count(),
        3,
        "{}",
        runs[0].2
    );
    assert!(
        runs[0]
            .2
            .contains("warning: --allow-rejects: totals leave out 4 rejected rows"),
        "{}",
        runs[0].2
    );
    for r in &runs[1..] {
        assert_eq!(r, &runs[0]);
    }
}

/// `[inputs] energy = "PATTERN"` names the files of an input anywhere (here a lake folder
/// beside the project's own files, `**` for any depth): the same figures as one CSV; the
/// rows' places name the matched files.
#[test]
fn an_inputs_pattern_names_the_files_of_an_input() {
    let one = fixture_copy("one");
    let dir = fixture_copy("pattern");
    let files = partition(&dir);
    fs::rename(dir.join("energy"), dir.join("lake")).unwrap();
    let toml = dir.join("carbonledger.toml");
    let manifest = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        format!("{manifest}\n[inputs]\nenergy = \"lake/**/*.csv\"\n"),
    )
    .unwrap();
    for args in [
        &["figures", "p", "--format", "json", "--no-cache"][..],
        &["figures", "p", "--format", "json"],
    ] {
        let a = run_in(&one, args);
        let b = run_in(&dir, args);
        assert_eq!(b.0, 0, "{}", b.2);
        assert_eq!(a.1, b.1);
    }
    let (code, text, err) = run_in(&dir, &["explain", "p", "ghg.scope1", "--year", "2025"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("p/lake/year=2025/"), "{text}");
    let acc = run_in(&dir, &["compute", "p", "--format", "json", "--no-cache"]);
    assert!(
        acc.1
            .contains("\"file\": \"p/lake/**/*.csv\",\n      \"read\": 15,"),
        "{}",
        acc.1
    );
    // A file the pattern does not match is not read: the 2024 file moved aside.
    let moved = dir.join("lake/year=2024/part-0.txt");
    fs::rename(dir.join("lake/year=2024/part-0.csv"), &moved).unwrap();
    let acc = run_in(&dir, &["compute", "p", "--format", "json", "--no-cache"]);
    let rows_2024 = files[0].1.lines().count() - 1;
    assert!(
        acc.1.contains(&format!(
            "\"file\": \"p/lake/**/*.csv\",\n      \"read\": {},",
            15 - rows_2024
        )),
        "{}",
        acc.1
    );
    fs::rename(&moved, dir.join("lake/year=2024/part-0.csv")).unwrap();
    // The project's own energy.csv beside a pattern: one of them would be left out.
    fs::write(
        dir.join("energy.csv"),
        "facility,period,carrier,quantity,unit\n",
    )
    .unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("energy.csv is in the project folder and [inputs] energy names other files; the rows of one of them would be left out: remove one [unreadable-file]"),
        "{err}"
    );
    fs::remove_file(dir.join("energy.csv")).unwrap();
    // A pattern that matches nothing, and one that is not a pattern.
    for (pattern, want) in [
        ("nowhere/*.csv", "error: p/nowhere/*.csv: the [inputs] pattern p/nowhere/*.csv matches no .csv or .parquet file, so energy.csv has no rows [unreadable-file]".to_string()),
        ("lake/***", format!("error: p/carbonledger.toml:{}:1: [inputs] energy = `lake/***` is not a glob pattern", manifest.lines().count() + 3)),
    ] {
        fs::write(
            &toml,
            format!("{manifest}\n[inputs]\nenergy = \"{pattern}\"\n"),
        )
        .unwrap();
        let (code, _, err) = run_in(&dir, &["figures", "p", "--no-cache"]);
        assert_ne!(code, 0, "{err}");
        assert!(err.contains(&want), "{want}\n{err}");
    }
}

/// A file, a folder and a pattern for the same input: any two at once is an error, never one
/// of them silently left out; the cache and `export --check` say so too.
#[test]
fn two_places_for_one_input_are_an_error() {
    let dir = fixture_copy("both");
    let files = partition(&dir);
    let (code, _, err) = run_in(&dir, &["export", "p", "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    // energy.csv back beside the folder.
    let header = files[0].1.lines().next().unwrap();
    fs::write(dir.join("energy.csv"), format!("{header}\n")).unwrap();
    for cache in [&["--no-cache"][..], &[]] {
        let mut args = vec!["figures", "p"];
        args.extend_from_slice(cache);
        let (code, _, err) = run_in(&dir, &args);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("both energy.csv and a folder energy/ are in the project folder; the rows of one of them would be left out: remove one"),
            "{err}"
        );
    }
    let (code, out, err) = run_in(&dir, &["export", "--check", "out"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("input unreadable: energy.csv"),
        "{out}{err}"
    );
    // A pattern beside the folder.
    fs::remove_file(dir.join("energy.csv")).unwrap();
    let toml = dir.join("carbonledger.toml");
    let manifest = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        format!("{manifest}\n[inputs]\nenergy = \"lake/*.csv\"\n"),
    )
    .unwrap();
    let err = refused(&dir);
    assert!(
        err.contains(
            "a folder energy/ is in the project folder and [inputs] energy names other files"
        ),
        "{err}"
    );
}

/// A pattern skips what writers leave while at work (`_temporary/`, `.staging/`, `_SUCCESS`)
/// below the part it names literally, as a folder's listing does; and the project folder's own
/// path is never read as a pattern (a `[` in it).
#[test]
fn a_pattern_skips_hidden_names_and_takes_the_project_path_literally() {
    let one = fixture_copy("one");
    let base = fixture_copy("x");
    // A project folder named `site[1]`, beside a folder `site1` that the unescaped pattern
    // would read instead.
    let dir = base.parent().unwrap().join("site[1]");
    fs::rename(&base, &dir).unwrap();
    let files = partition(&dir);
    fs::rename(dir.join("energy"), dir.join("lake")).unwrap();
    let decoy = base.parent().unwrap().join("site1/lake");
    fs::create_dir_all(&decoy).unwrap();
    fs::write(decoy.join("x.csv"), "not,a,project\n").unwrap();
    // A writer's leftovers: a second copy of a partition under _temporary/ and .staging/.
    for hidden in ["_temporary/0", ".staging"] {
        let d = dir.join("lake").join(hidden);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("part-0.csv"), &files[0].1).unwrap();
    }
    let toml = dir.join("carbonledger.toml");
    let manifest = fs::read_to_string(&toml).unwrap();
    fs::write(
        &toml,
        format!("{manifest}\n[inputs]\nenergy = \"lake/**/*.csv\"\n"),
    )
    .unwrap();
    let args = ["figures", "site[1]", "--format", "json", "--no-cache"];
    let got = run_in(&dir, &args);
    assert_eq!(got.0, 0, "{}", got.2);
    let want = run_in(&one, &["figures", "p", "--format", "json", "--no-cache"]);
    assert_eq!(want.1, got.1);
    // A pattern that names the hidden folder itself reads it.
    fs::write(
        &toml,
        format!("{manifest}\n[inputs]\nenergy = \"lake/_temporary/*/*.csv\"\n"),
    )
    .unwrap();
    // (Its 2024 rows only: the 2025 instruments then claim more than was consumed.)
    let acc = run_in(
        &dir,
        &[
            "compute",
            "site[1]",
            "--format",
            "json",
            "--no-cache",
            "--allow-rejects",
        ],
    );
    assert_eq!(acc.0, 0, "{}", acc.2);
    let rows = files[0].1.lines().count() - 1;
    assert!(
        acc.1.contains(&format!("\"file\": \"site[1]/lake/_temporary/*/*.csv\",\n      \"read\": {rows},\n      \"used\": {rows}")),
        "{}",
        acc.1
    );
}
