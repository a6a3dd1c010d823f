//! The command-line conventions of issue 17 that every subcommand shares: `-o FILE` through one
//! writer (the same bytes as standard output, written whole or not at all), the project
//! folder named the same way everywhere, the formats each command takes, `explain --format
//! csv` as the figure's rows of lines.csv, tables fitted to a terminal and never to a pipe.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::cli as run;

const FIX: &str = "fixtures/xiaomi-2025";

fn temp(name: &str) -> PathBuf {
    let d = common::scratch().join(format!("carbonledger-conv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `figures --format json` as (name, year) → exact value.
fn figures() -> BTreeMap<(String, i64), Decimal> {
    let (code, out, err) = run(&["figures", FIX, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                (
                    f["name"].as_str().unwrap().to_string(),
                    f["year"].as_i64().unwrap(),
                ),
                f["value"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

/// Every command that prints a report writes the same bytes to `-o FILE` as to standard
/// output, and leaves no temporary file behind.
#[test]
fn dash_o_writes_what_standard_output_prints_for_every_command() {
    let dir = temp("o");
    let cases: Vec<Vec<&str>> = vec![
        vec!["compute", FIX],
        vec!["compute", FIX, "--format", "json"],
        vec!["figures", FIX, "--format", "csv"],
        vec!["figures", FIX, "--format", "json"],
        vec!["explain", FIX, "ghg.scope1"],
        vec!["explain", FIX, "ghg.scope1", "--format", "csv"],
        vec!["check", FIX, "--format", "json"],
        vec!["bridge", FIX, "--format", "csv"],
        vec!["diff", FIX, "--edition", "cn-mee-grid@2023"],
        vec!["verify", FIX, "--format", "json"],
        vec!["products", FIX, "--format", "csv"],
        vec!["factors", "list"],
        vec!["factors", "show", "ipcc-gwp@ar5", "--format", "csv"],
        vec![
            "factors",
            "diff",
            "cn-mee-grid@2022",
            "cn-mee-grid@2023",
            "--format",
            "json",
        ],
        vec!["report", FIX, "--standard", "ghgp", "--format", "csv"],
        vec!["schema", "compute"],
        vec!["completions", "bash"],
        vec!["man"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let (code, stdout, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let file = dir.join(format!("out-{i}"));
        let mut with_o = args.clone();
        let f = file.to_str().unwrap();
        with_o.extend(["-o", f]);
        let (code, printed, err) = run(&with_o);
        assert_eq!(code, 0, "{with_o:?}: {err}");
        assert_eq!(printed, "", "{with_o:?} printed to standard output");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            stdout,
            "{args:?}: -o FILE differs from standard output"
        );
        let (code, _, _) = run(&[&args[..], &["--output", f]].concat());
        assert_eq!(code, 0, "--output is -o");
    }
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("out-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A run that fails writes nothing: an earlier file stays as it was, and no partial or
/// temporary file is left; a folder that does not exist is an I/O error (exit 3).
#[test]
fn a_failed_run_never_leaves_a_partial_file() {
    let dir = temp("fail");
    let file = dir.join("figures.json");
    std::fs::write(&file, "earlier\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, _, _) = run(&["explain", FIX, "no.such.figure", "-o", f]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["figures", "fixtures/bad/no-such-project", "-o", f]);
    assert_ne!(code, 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "earlier\n");
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(names.len(), 1, "only the earlier file");
    let missing = dir.join("no-such-folder").join("out.json");
    let (code, _, err) = run(&["figures", FIX, "-o", missing.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert!(!missing.exists());
    let _ = std::fs::remove_dir_all(dir);
}

/// `check -o FILE` writes the file even when all is well (empty JSON Lines), so the file
/// always belongs to the run; a failing check writes its diagnostics there and exits 1.
#[test]
fn check_writes_its_file_when_all_is_well_and_when_not() {
    let dir = temp("check");
    let file = dir.join("check.jsonl");
    std::fs::write(&file, "stale\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, _, err) = run(&["check", FIX, "--format", "json", "-o", f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
    let toml = common::manifest("operational_control", "2023");
    let bad = common::project(
        &toml,
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\nF1,Plant,CN,cn-mee-grid:north,100,yes,yes\n",
        "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,kWhh\n",
        None,
    );
    let (code, _, _) = run(&["check", bad.to_str().unwrap(), "--format", "json", "-o", f]);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&file).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["file"], format!("{}/energy.csv", bad.display()));
    assert_eq!(first["line"], 2);
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(bad);
}

/// Every command that reads a project names it the same way: a positional DIR, default `.`.
#[test]
fn every_project_command_takes_the_folder_as_a_positional_dir() {
    for args in [
        vec!["compute"],
        vec!["figures"],
        vec!["export"],
        vec!["diff"],
        vec!["bridge"],
        vec!["check"],
        vec!["lock"],
        vec!["products"],
        vec!["verify"],
        vec!["report"],
        vec!["factors", "list"],
    ] {
        let (code, out, _) = run(&[&args[..], &["--help"]].concat());
        assert_eq!(code, 0);
        let usage = out.lines().find(|l| l.starts_with("Usage:")).unwrap();
        assert!(usage.contains("[DIR]"), "{args:?}: {usage}");
    }
    for (args, form) in [
        (vec!["explain"], "[DIR] <FIGURE>"),
        (vec!["factors", "show"], "[DIR] <REF>"),
        (vec!["factors", "diff"], "[DIR] <SET@A> <SET@B>"),
    ] {
        let (_, out, _) = run(&[&args[..], &["--help"]].concat());
        let usage = out.lines().find(|l| l.starts_with("Usage:")).unwrap();
        assert!(usage.ends_with(form), "{args:?}: {usage}");
    }
    // `init` creates the folder it names: a required positional.
    let (_, out, _) = run(&["init", "--help"]);
    assert!(out.contains("<DIR>"));
}

/// `factors` reads a project's own sets from the positional DIR or, as before, `--project`;
/// both at once is a usage error.
#[test]
fn factors_takes_dir_and_keeps_project_as_an_alias() {
    // A project with a set of its own under factors/ (test values, not a publication).
    let dir = common::project(
        &common::manifest("operational_control", "2023"),
        "id,name,country,grid,equity_share_pct\nF1,One,CN,cn-mee-grid:north,100\n",
        "facility,period,carrier,quantity,unit\nF1,2025,electricity,1,MWh\n",
        None,
    );
    let ed = dir.join("factors/site-meter/2025");
    std::fs::create_dir_all(&ed).unwrap();
    std::fs::write(
        ed.join("edition.toml"),
        "set = \"site-meter\"\nedition = \"2025\"\ndescription = \"test values\"\n[citation]\npublisher = \"P\"\ntitle = \"T\"\npublished = \"2025\"\ntable = \"1\"\nlicence = \"L\"\nurl = \"https://example.org\"\n",
    )
    .unwrap();
    std::fs::write(
        ed.join("factors.csv"),
        "key,value,unit,gas,basis,table,note\nboiler,2.5,kg CO2/kWh,CO2,,1,\n",
    )
    .unwrap();
    let p = dir.to_str().unwrap();
    let (code, positional, err) = run(&["factors", "list", p, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (code, alias, err) = run(&["factors", "list", "--project", p, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(positional, alias);
    let (code, _, _) = run(&["factors", "list", p, "--project", p]);
    assert_eq!(code, 2);
    let (code, a, _) = run(&[
        "factors",
        "show",
        p,
        "cn-mee-grid@2023:north",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let (_, b, _) = run(&[
        "factors",
        "show",
        "cn-mee-grid@2023:north",
        "--format",
        "json",
    ]);
    assert_eq!(a, b, "a built-in value reads the same with or without DIR");
    let (code, _, _) = run(&["factors", "diff", p, "cn-mee-grid@2022", "cn-mee-grid@2023"]);
    assert_eq!(code, 0);
    // The project's own sets are listed with DIR, not without it (the crate root is no project).
    let (_, without, _) = run(&["factors", "list", "--format", "json"]);
    let count = |s: &str| {
        serde_json::from_str::<Value>(s).unwrap()["editions"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&positional), count(&without) + 1);
    let (code, out, err) = run(&[
        "factors",
        "show",
        p,
        "site-meter@2025:boiler",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("site-meter@2025,boiler,2.5,kg CO2/kWh"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `explain`, `bridge`, `check` and `factors` each take `--format json` and `--format csv`.
#[test]
fn explain_bridge_check_and_factors_take_json_and_csv() {
    for args in [
        vec!["explain", FIX, "energy.total"],
        vec!["bridge", FIX],
        vec!["factors", "list"],
        vec!["factors", "show", "cn-mee-grid"],
        vec!["factors", "show", "cn-mee-grid@2023"],
        vec!["factors", "show", "cn-mee-grid@2023:north"],
        vec!["factors", "diff", "cn-mee-grid@2022", "cn-mee-grid@2023"],
    ] {
        let (code, out, err) = run(&[&args[..], &["--format", "json"]].concat());
        assert_eq!(code, 0, "{args:?}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["schema_version"], 1, "{args:?}");
        let (code, out, err) = run(&[&args[..], &["--format", "csv"]].concat());
        assert_eq!(code, 0, "{args:?}: {err}");
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let width = r.headers().unwrap().len();
        assert!(width > 1, "{args:?}");
        let rows: Vec<_> = r.records().map(|x| x.unwrap()).collect();
        assert!(!rows.is_empty(), "{args:?}");
        assert!(rows.iter().all(|x| x.len() == width), "{args:?}");
    }
    // check: nothing to say about the fixture, in either format.
    for f in ["json", "csv"] {
        let (code, out, _) = run(&["check", FIX, "--format", f]);
        assert_eq!((code, out.as_str()), (0, ""), "check --format {f}");
    }
}

/// `explain --format csv` is the figure's rows of lines.csv: the export's header, one row per
/// contribution, and the values sum to the figure `figures` prints (every digit).
#[test]
fn explain_csv_rows_are_the_lines_and_sum_to_the_figure() {
    let figs = figures();
    let out_dir = temp("export");
    let export = out_dir.join("audit");
    let (code, _, err) = run(&["export", FIX, "--out", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let lines_csv = std::fs::read_to_string(export.join("lines.csv")).unwrap();
    let header = lines_csv.lines().next().unwrap();
    for (figure, year) in [
        ("ghg.scope1", 2025),
        ("ghg.scope2.location", 2024),
        ("energy.total", 2025),
        ("ghg.scope1.ch4", 2025),
        // Diesel's GJ ÷ 3.6 does not terminate in MWh: the row says `exact` no.
        ("energy.by_carrier.diesel", 2025),
    ] {
        let y = year.to_string();
        let (code, out, err) = run(&["explain", FIX, figure, "--year", &y, "--format", "csv"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().next().unwrap(), header, "{figure}");
        let mut r = csv::Reader::from_reader(out.as_bytes());
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let mut sum = Decimal::ZERO;
        let mut count = 0;
        let mut all_exact = true;
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(&rec[col("figure")], figure);
            assert_eq!(&rec[col("year")], y);
            sum += rec[col("value")].parse::<Decimal>().unwrap();
            all_exact &= &rec[col("exact")] == "yes";
            count += 1;
            // Each row is a row of the export's lines.csv, byte for byte.
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&rec).unwrap();
            let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
            assert!(lines_csv.contains(line.trim_end()), "{figure}: {line}");
        }
        assert!(count > 0, "{figure}");
        let want = figs[&(figure.to_string(), year)];
        if all_exact {
            assert_eq!(sum, want, "{figure} {year}");
        } else {
            // The figure keeps FIGURE_DP places of the non-terminating quotient.
            let dp = carbonledger::decimal::FIGURE_DP;
            assert_eq!(sum.round_dp(dp), want, "{figure} {year}");
        }
    }
    // A ratio has no lines of its own: the header alone, and a note saying so.
    let (code, out, err) = run(&[
        "explain",
        FIX,
        "intensity.ghg_per_energy",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), header);
    assert!(err.contains("no contributing lines"));
    let _ = std::fs::remove_dir_all(out_dir);
}

/// `figures --format json` keeps its bare array of `{name, year, value, unit, exact}` in that
/// order (other engines compare it byte for byte), and its schema describes that array.
#[test]
fn figures_json_keeps_its_shape() {
    let (_, out, _) = run(&["figures", FIX, "--year", "2025", "--format", "json"]);
    assert!(out.starts_with(
        "[\n  {\n    \"name\": \"ghg.scope1\",\n    \"year\": 2025,\n    \"value\": \""
    ));
    let v: Value = serde_json::from_str(&out).unwrap();
    for f in v.as_array().unwrap() {
        let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "year", "value", "unit", "exact"]);
    }
    let (_, schema, _) = run(&["schema", "figures"]);
    let s: Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(s["type"], "array");
}

/// The library fits tables to the width the CLI gives: every line within it, numbers whole;
/// without a width nothing is wrapped.
#[test]
fn tables_fit_a_width_and_keep_numbers_whole() {
    use carbonledger::report::{render_text, Cell, Table};
    let mut t = Table::new("T", &["item", "2024", "2025"]);
    t.push(vec![
        Cell::Text(
            "Scope 3 category 4, upstream transportation and distribution, well-to-wheel".into(),
        ),
        Cell::Num("1,234,567.8".into()),
        Cell::Num("12,345,678.9".into()),
    ]);
    let fitted = render_text(std::slice::from_ref(&t), Some(50));
    for l in fitted.lines() {
        assert!(l.chars().count() <= 50, "{l}");
    }
    assert!(fitted.contains("1,234,567.8") && fitted.contains("12,345,678.9"));
    let piped = render_text(&[t], None);
    assert!(piped.lines().any(|l| l.chars().count() > 80));
}

/// Display width of a terminal line (CJK characters take two columns).
fn columns(l: &str) -> usize {
    l.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// On an 80-column terminal (a pseudo-terminal from util-linux `script`), the tables of
/// `compute` and `figures` stay within 80 columns; piped, the same command is not wrapped.
#[test]
fn compute_and_figures_fit_an_80_column_terminal() {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux `script` is missing in CI"
        );
        eprintln!("skipped: no `script` to make a pseudo-terminal");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_carbonledger");
    for sub in ["compute", "figures"] {
        let shell = format!("stty cols 80 rows 50; {bin} {sub} {FIX} 2>/dev/null");
        let out = Command::new(script)
            .args(["-qec", &shell, "/dev/null"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{sub}");
        let text = String::from_utf8(out.stdout).unwrap();
        let table_lines: Vec<&str> = text
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| l.starts_with(['┌', '│', '╞', '└', '├']))
            .collect();
        assert!(table_lines.len() > 10, "{sub}: {text}");
        for l in &table_lines {
            assert!(columns(l) <= 80, "{sub}: {} columns: {l}", columns(l));
        }
        let (_, piped, _) = run(&[sub, FIX]);
        assert!(
            piped.lines().any(|l| columns(l) > 80),
            "{sub}: piped output is not wrapped"
        );
    }
}

/// A project without freight, products, renewables or instruments: every row of every
/// standard, in both languages, shows a value, a text, or says in words why it cannot be
/// filled; the GHG Protocol table has its required rows.
#[test]
fn every_standard_says_in_words_what_a_small_project_cannot_fill() {
    let toml = common::manifest("operational_control", "2023");
    let dir = common::project(
        &toml,
        "id,name,country,grid,equity_share_pct,operational_control,financial_control\nF1,Plant,CN,cn-mee-grid:north,100,yes,yes\n",
        "facility,period,carrier,quantity,unit\nF1,2024,electricity,1000,kWh\nF1,2025,electricity,2500,kWh\nF1,2025,natural_gas,36,GJ\n",
        None,
    );
    let d = dir.to_str().unwrap();
    for standard in ["hkex", "esrs", "ghgp", "secr"] {
        for lang in ["en", "zh"] {
            let (code, out, err) = run(&[
                "report",
                d,
                "--standard",
                standard,
                "--lang",
                lang,
                "--format",
                "json",
            ]);
            assert_eq!(code, 0, "{standard} {lang}: {err}");
            let r: Value = serde_json::from_str(&out).unwrap();
            for s in r["sections"].as_array().unwrap() {
                for row in s["rows"].as_array().unwrap() {
                    let what = format!("{standard} {lang} {}: {}", row["reference"], row["label"]);
                    let vals = row["values"].as_array().filter(|v| !v.is_empty());
                    match vals {
                        Some(vals) => {
                            for v in vals {
                                let value = v["value"].as_str().filter(|s| !s.is_empty());
                                let missing = v["missing"].as_str().filter(|s| !s.is_empty());
                                assert!(value.is_some() || missing.is_some(), "{what}");
                            }
                        }
                        None => {
                            let text = row["text"].as_str().filter(|s| !s.trim().is_empty());
                            let na = row["not_available"]
                                .as_str()
                                .filter(|s| !s.trim().is_empty());
                            assert!(text.is_some() || na.is_some(), "{what}: blank");
                            let words = text.or(na).unwrap();
                            assert!(words.trim() != "0", "{what}: a bare zero");
                        }
                    }
                }
            }
        }
    }
    // GHG Protocol Corporate Standard ch. 9: the required rows are all there.
    let (_, out, _) = run(&["report", d, "--standard", "ghgp", "--format", "json"]);
    let r: Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<&Value> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .collect();
    let refs: Vec<&str> = rows
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    for needed in [
        "ch. 9: scope 1",
        "ch. 9: scope 2",
        "ch. 9: per gas",
        "ch. 9: biogenic CO2",
        "ch. 9: base year",
        "ch. 9: recalculation policy",
        "ch. 9: methodologies",
        "ch. 9: exclusions",
    ] {
        assert!(refs.contains(&needed), "ghgp lacks `{needed}`: {refs:?}");
    }
    // Electricity and natural gas only: CO2, CH4 and N2O have rows; the other four Kyoto
    // gases are named as having no emissions.
    let absent = rows
        .iter()
        .find(|r| r["label"] == "Kyoto gases with no scope 1 emissions recorded")
        .unwrap();
    assert_eq!(
        absent["text"].as_str().unwrap().split(':').next().unwrap(),
        "HFCs, PFCs, SF6, NF3"
    );
    for gas in ["CO2", "CH4", "N2O"] {
        assert!(
            rows.iter()
                .any(|r| r["label"] == format!("Scope 1 emissions of {gas} (t CO2e)")),
            "{gas}"
        );
    }
    // Scope 1 is natural gas only, so its per-gas rows add up to it in 2025.
    let s1 = rows
        .iter()
        .find(|r| r["reference"] == "ch. 9: scope 1")
        .unwrap();
    let value = |row: &Value| -> Decimal {
        row["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["year"] == 2025)
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let gases: Decimal = rows
        .iter()
        .filter(|r| {
            r["reference"] == "ch. 9: per gas"
                && r["label"]
                    .as_str()
                    .unwrap()
                    .starts_with("Scope 1 emissions of")
        })
        .map(|r| value(r))
        .sum();
    assert_eq!(gases, value(s1));
    let biogenic = rows
        .iter()
        .find(|r| r["reference"] == "ch. 9: biogenic CO2")
        .unwrap();
    assert!(biogenic["not_available"]
        .as_str()
        .unwrap()
        .starts_with("none recorded: no input row burns biomass"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A project that burns biomass and biodiesel: the GHG Protocol row of biogenic CO2 is the
/// `ghg.biogenic_co2` figure, outside scope 1. By hand from the DESNZ 2025 flat file
/// ("Outside of scopes"): wood chips 50 t × 1 335.71 kg CO2/t = 66 785.5 kg and biodiesel ME
/// 1 000 L × 2.39 kg CO2/L = 2 390 kg, 69.1755 t together; scope 1 holds only their CH4 and
/// N2O: 50 t × 43.43964 kg CO2e/t + 1 000 L × 0.16751 kg CO2e/L = 2.339492 t.
#[test]
fn ghgp_reports_biogenic_co2_outside_the_scopes() {
    let dir = common::project(
        r#"organisation = "Example Engineering Ltd"
reporting_years = [2025]
base_year = 2025
consolidation = "operational_control"
[factors]
fuel_emissions = "desnz-fuels"
calorific_values = ["desnz-fuels"]
energy_basis = "gross"
[years.2025.editions]
desnz-fuels = "2025"
desnz = "2025"
ipcc-gwp = "ar5"
"#,
        "id,name,country,grid\nHQ,Works,GB,desnz:electricity_uk\n",
        "facility,period,carrier,quantity,unit\nHQ,2025,biomass,50,t\nHQ,2025,biodiesel,1000,L\n",
        None,
    );
    let d = dir.to_str().unwrap();
    let (code, out, err) = run(&["report", d, "--standard", "ghgp", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    let rows: Vec<&Value> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .collect();
    let value = |reference: &str| -> Decimal {
        let row = rows.iter().find(|r| r["reference"] == reference).unwrap();
        row["values"][0]["value"].as_str().unwrap().parse().unwrap()
    };
    assert_eq!(value("ch. 9: biogenic CO2"), "69.1755".parse().unwrap());
    assert_eq!(value("ch. 9: scope 1"), "2.339492".parse().unwrap());
    let _ = std::fs::remove_dir_all(dir);
}
