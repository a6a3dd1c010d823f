//! `--engine datafusion` (builds with `--features engine` only): the same figures and the same
//! row accounting as the core's reader, on the reference fixture, on a project with bad rows,
//! and on the fixture's rows as a folder of hive-partitioned Parquet files.
#![cfg(feature = "engine")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carbonledger_engine::datafusion::arrow::array::{ArrayRef, Decimal128Array, StringArray};
use carbonledger_engine::datafusion::arrow::datatypes::DataType;
use carbonledger_engine::datafusion::arrow::record_batch::RecordBatch;
use carbonledger_engine::datafusion::parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const FIXTURE: &str = "fixtures/xiaomi-2025";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the repository root: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A copy of the fixture in a fresh folder under target/ (relative paths keep the shown
/// file names short and equal between runs).
fn copy_fixture(name: &str) -> String {
    let rel = format!("target/engine-tests/{name}-{}", std::process::id());
    let dir = root().join(&rel);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root().join(FIXTURE)).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
    }
    rel
}

/// The diagnostic codes of a run's standard error, sorted (a diagnostic's first line is
/// `LEVEL: FILE:LINE:COL: message [code]`; the positions differ between engines, the codes
/// must not).
fn codes(stderr: &str) -> Vec<String> {
    let mut v: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .filter_map(|l| l.strip_suffix(']'))
        .filter_map(|l| l.rsplit('[').next())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[test]
fn datafusion_figures_json_is_byte_identical_on_the_fixture() {
    let core = run(&["figures", FIXTURE, "--format", "json"]);
    let df = run(&[
        "figures",
        FIXTURE,
        "--engine",
        "datafusion",
        "--format",
        "json",
    ]);
    assert_eq!(core.0, 0, "{}", core.2);
    assert_eq!(df.0, 0, "{}", df.2);
    // Not a vacuous equality: the fixture's figures are there.
    assert!(core.1.contains("\"ghg.scope1\""));
    assert_eq!(core.1, df.1);
    let core = run(&["compute", FIXTURE, "--format", "json"]);
    let df = run(&[
        "compute",
        FIXTURE,
        "--engine",
        "datafusion",
        "--format",
        "json",
    ]);
    assert_eq!(core.0, 0, "{}", core.2);
    assert_eq!(core.1, df.1);
}

#[test]
fn datafusion_rejects_the_same_rows_as_the_core() {
    let dir = copy_fixture("bad-rows");
    let energy = root().join(&dir).join("energy.csv");
    let mut text = std::fs::read_to_string(&energy).unwrap();
    // A bad number, an unknown unit, a repeat of the BJ-HQ 2025 row, a year outside the
    // reporting years: four rejected rows of the 19 read, 15 used.
    text.push_str("BJ-HQ,2025,electricity,12x,MWh,,,\n");
    text.push_str("BJ-HQ,2025,electricity,100,MWhh,,,\n");
    text.push_str("BJ-HQ,2025,electricity,46000,MWh,,,\n");
    text.push_str("BJ-HQ,2031,electricity,5,MWh,,,\n");
    std::fs::write(&energy, text).unwrap();
    let args = [
        "compute",
        dir.as_str(),
        "--allow-rejects",
        "--format",
        "json",
    ];
    let core = run(&args);
    let df = run(&[&args[..], &["--engine", "datafusion"]].concat());
    assert_eq!(core.0, 0, "{}", core.2);
    assert_eq!(df.0, core.0, "{}", df.2);
    assert!(
        core.1
            .contains("\"read\": 19,\n      \"used\": 15,\n      \"rejected\": 4"),
        "{}",
        core.1
    );
    assert_eq!(core.1, df.1);
    assert_eq!(codes(&core.2), codes(&df.2), "{}\n---\n{}", core.2, df.2);
    assert!(df.2.contains("duplicate-row"), "{}", df.2);
    std::fs::remove_dir_all(root().join(&dir)).unwrap();
}

/// The fixture's energy rows, as text fields (its file has no quoted fields).
fn energy_rows() -> Vec<Vec<String>> {
    std::fs::read_to_string(root().join(FIXTURE).join("energy.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

const COLUMNS: [&str; 8] = [
    "facility", "period", "carrier", "quantity", "unit", "factor", "ref", "note",
];

/// Writes rows as one Parquet file; with `decimal`, the quantity column is a Decimal128
/// (scale 0: the fixture's quantities are whole numbers), else text.
fn write_parquet(path: &Path, rows: &[&Vec<String>], decimal: bool) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    for (i, name) in COLUMNS.iter().enumerate() {
        let values: Vec<&str> = rows.iter().map(|r| r[i].as_str()).collect();
        let array: ArrayRef = if decimal && *name == "quantity" {
            let ints: Vec<i128> = values.iter().map(|v| v.parse().unwrap()).collect();
            Arc::new(Decimal128Array::from(ints).with_data_type(DataType::Decimal128(20, 0)))
        } else {
            Arc::new(StringArray::from(values))
        };
        columns.push((name, array));
    }
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn a_folder_of_parquet_partitions_gives_the_figures_of_its_csv_twin() {
    let dir = copy_fixture("parquet");
    let project = root().join(&dir);
    std::fs::remove_file(project.join("energy.csv")).unwrap();
    let rows = energy_rows();
    assert_eq!(rows.len(), 15);
    // energy/year=YYYY/month=MM/part-0.parquet: 2024 in one file with decimal quantities,
    // 2025 split by quarter-like months with text quantities.
    let y2024: Vec<&Vec<String>> = rows.iter().filter(|r| r[1].starts_with("2024")).collect();
    write_parquet(
        &project.join("energy/year=2024/month=01/part-0.parquet"),
        &y2024,
        true,
    );
    let y2025: Vec<&Vec<String>> = rows.iter().filter(|r| r[1].starts_with("2025")).collect();
    let (a, b) = y2025.split_at(4);
    write_parquet(
        &project.join("energy/year=2025/month=01/part-0.parquet"),
        a,
        false,
    );
    write_parquet(
        // An extension in capitals is read like any other (never skipped).
        &project.join("energy/year=2025/month=07/part-0.PARQUET"),
        b,
        false,
    );
    let csv = run(&["figures", FIXTURE, "--format", "json"]);
    let parquet = run(&[
        "figures",
        dir.as_str(),
        "--engine",
        "datafusion",
        "--format",
        "json",
    ]);
    assert_eq!(parquet.0, 0, "{}", parquet.2);
    assert_eq!(csv.1, parquet.1);
    // The default reader reads the same folder (its Parquet files through the engine
    // crate's reader) to the same figures, with and without the cache.
    for cache in [&["--no-cache"][..], &[]] {
        let mut args = vec!["figures", dir.as_str(), "--format", "json"];
        args.extend_from_slice(cache);
        let default = run(&args);
        assert_eq!(default.0, 0, "{}", default.2);
        assert_eq!(csv.1, default.1);
    }
    // The row accounting names the folder and counts all 15 rows, under either reader.
    for engine in [&["--engine", "datafusion"][..], &[]] {
        let mut args = vec!["compute", dir.as_str(), "--format", "json"];
        args.extend_from_slice(engine);
        let acc = run(&args);
        assert!(
            acc.1.contains(&format!(
                "\"file\": \"{dir}/energy/\",\n      \"read\": 15,\n      \"used\": 15"
            )),
            "{engine:?}: {}",
            acc.1
        );
    }
    // A file that is neither CSV nor Parquet is not read, and each reader says so.
    std::fs::write(project.join("energy/year=2025/notes.txt"), "not data").unwrap();
    for engine in [&["--engine", "datafusion"][..], &[]] {
        let mut args = vec!["figures", dir.as_str(), "--no-cache"];
        args.extend_from_slice(engine);
        let out = run(&args);
        assert_eq!(out.0, 0, "{}", out.2);
        assert!(
            out.2.contains(&format!(
                "warning: {dir}/energy/year=2025/notes.txt: a file of the input {dir}/energy/ that is neither .csv nor .parquet: it is not read [unread-file]"
            )),
            "{engine:?}: {}",
            out.2
        );
    }
    std::fs::remove_dir_all(&project).unwrap();
}

#[test]
fn a_float_quantity_column_is_refused_as_inexact() {
    let dir = copy_fixture("float");
    let project = root().join(&dir);
    std::fs::remove_file(project.join("energy.csv")).unwrap();
    let path = project.join("energy/part-0.parquet");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let batch = RecordBatch::try_from_iter(vec![
        (
            "facility",
            Arc::new(StringArray::from(vec!["BJ-HQ"])) as ArrayRef,
        ),
        (
            "period",
            Arc::new(StringArray::from(vec!["2025"])) as ArrayRef,
        ),
        (
            "carrier",
            Arc::new(StringArray::from(vec!["electricity"])) as ArrayRef,
        ),
        (
            "quantity",
            Arc::new(carbonledger_engine::datafusion::arrow::array::Float64Array::from(vec![1.5]))
                as ArrayRef,
        ),
        ("unit", Arc::new(StringArray::from(vec!["MWh"])) as ArrayRef),
    ])
    .unwrap();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = run(&["figures", dir.as_str(), "--engine", "datafusion"]);
    assert_eq!(out.0, 1, "{}", out.2);
    assert!(out.2.contains("engine-error"), "{}", out.2);
    assert!(out.2.contains("column `quantity` is Float64"), "{}", out.2);
    std::fs::remove_dir_all(&project).unwrap();
}

/// An optional input that is a link to nowhere is an input that cannot be read, under this
/// engine as under the default reader: the command fails naming it, never computes as if the
/// file were absent (its rows silently none).
#[test]
fn a_dangling_link_for_an_optional_input_is_an_error_not_an_absent_file() {
    let dir = copy_fixture("dangling");
    let project = root().join(&dir);
    std::fs::remove_file(project.join("fugitive.csv")).unwrap();
    std::os::unix::fs::symlink(project.join("nowhere.csv"), project.join("fugitive.csv")).unwrap();
    let out = run(&["figures", dir.as_str(), "--engine", "datafusion"]);
    assert_ne!(out.0, 0, "{}{}", out.1, out.2);
    assert!(out.2.contains("fugitive.csv"), "{}", out.2);
    assert!(out.1.is_empty(), "no figures: {}", out.1);
    std::fs::remove_dir_all(&project).unwrap();
}

/// The fixture's energy rows `copies` times over, each with its own ref and a fraction of 0
/// to 3 places added to its quantity (so a chain's sum mixes scales, trailing zeros too).
fn generated_rows(copies: usize) -> Vec<Vec<String>> {
    let base = energy_rows();
    let mut out = Vec::new();
    for k in 0..copies {
        for (i, r) in base.iter().enumerate() {
            let mut r = r.clone();
            r[3] = format!("{}{}", r[3], ["", ".5", ".25", ".125", ".10"][(k + i) % 5]);
            r[6] = format!("gen-{k}-{i}");
            out.push(r);
        }
    }
    out
}

/// Writes `rows` as `parts` partition files under `project/energy/`, CSV and Parquet in
/// turn; with `reversed`, the files' path order is the reverse of the rows' order.
fn write_partitions(project: &Path, rows: &[Vec<String>], parts: usize, reversed: bool) {
    let per = rows.len().div_ceil(parts);
    for (k, chunk) in rows.chunks(per).enumerate() {
        let n = if reversed { parts - 1 - k } else { k };
        let dir = project.join(format!("energy/part={n}"));
        std::fs::create_dir_all(&dir).unwrap();
        if k % 2 == 0 {
            let mut text = COLUMNS.join(",") + "\n";
            for r in chunk {
                text.push_str(&(r.join(",") + "\n"));
            }
            std::fs::write(dir.join("rows.csv"), text).unwrap();
        } else {
            let refs: Vec<&Vec<String>> = chunk.iter().collect();
            write_parquet(&dir.join("rows.parquet"), &refs, false);
        }
    }
}

/// The per-chain sums of linear chains are made by DataFusion's aggregate (the library's
/// count of rows summed in the engine says so; without the in-engine path it is 0), and the
/// figures are the default engine's bytes on the same rows as one CSV file, whatever the
/// number and order of the partitions and the number of DataFusion's partitions. A row the core must reject still comes back one by
/// one, at its row number in its partition.
#[test]
fn per_chain_sums_made_in_datafusion_give_the_default_engines_figures() {
    use carbonledger::calc::{compute, compute_from, RunOptions};
    use carbonledger::engine::{Cluster, DataFusionSource};
    use carbonledger::project::Project;

    let rows = generated_rows(40);
    let twin = copy_fixture("sums-twin");
    let mut text = COLUMNS.join(",") + "\n";
    for r in &rows {
        text.push_str(&(r.join(",") + "\n"));
    }
    std::fs::write(root().join(&twin).join("energy.csv"), text).unwrap();
    let core = run(&["figures", twin.as_str(), "--format", "json"]);
    assert_eq!(core.0, 0, "{}", core.2);

    let mut engine_rows = Vec::new();
    for (name, parts, reversed) in [("sums-4", 4, false), ("sums-7", 7, true)] {
        let dir = copy_fixture(name);
        let project = root().join(&dir);
        std::fs::remove_file(project.join("energy.csv")).unwrap();
        write_partitions(&project, &rows, parts, reversed);
        let df = run(&[
            "figures",
            dir.as_str(),
            "--engine",
            "datafusion",
            "--format",
            "json",
        ]);
        assert_eq!(df.0, 0, "{}", df.2);
        assert_eq!(core.1, df.1, "{name}");
        // The same bytes whatever DataFusion's partitions of the sums (`--threads`).
        for threads in ["1", "5"] {
            let t = run(&[
                "figures",
                dir.as_str(),
                "--engine",
                "datafusion",
                "--threads",
                threads,
                "--format",
                "json",
            ]);
            assert_eq!(t.0, 0, "{}", t.2);
            assert_eq!(core.1, t.1, "{name} --threads {threads}");
        }

        let p = Project::open(Path::new(&dir)).unwrap();
        let comp = compute_from(
            &p,
            RunOptions::default(),
            &mut DataFusionSource::new(&p, Cluster::Embedded),
        )
        .unwrap();
        let energy = &comp.files[0];
        assert_eq!((energy.read, energy.used), (600, 600), "{name}");
        engine_rows.push(comp.engine_rows);
        std::fs::remove_dir_all(&project).unwrap();
    }
    // Most rows are summed in the engine, the same ones whatever the partitions; the core's
    // own reader sums none there.
    // (The other 197 are rows of chains that need per-row work, or whose places with the
    // ratios' pass 12.)
    assert_eq!(engine_rows, [403, 403]);
    let t = Project::open(Path::new(&twin)).unwrap();
    assert_eq!(compute(&t, RunOptions::default()).unwrap().engine_rows, 0);

    // A rejected row among summed ones keeps its row number in its partition (41: after 40
    // rows), read = used + rejected.
    let dir = copy_fixture("sums-reject");
    let project = root().join(&dir);
    std::fs::remove_file(project.join("energy.csv")).unwrap();
    write_partitions(&project, &rows[..40], 1, false);
    let csv = project.join("energy/part=0/rows.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("BJ-HQ,2025,electricity,100,MWhh,,bad,\n");
    std::fs::write(&csv, text).unwrap();
    let out = run(&[
        "compute",
        dir.as_str(),
        "--engine",
        "datafusion",
        "--allow-rejects",
        "--format",
        "json",
    ]);
    assert_eq!(out.0, 0, "{}", out.2);
    assert!(
        out.2.contains(&format!("{dir}/energy/part=0/rows.csv:41:")),
        "{}",
        out.2
    );
    assert!(
        out.1
            .contains("\"read\": 41,\n      \"used\": 40,\n      \"rejected\": 1"),
        "{}",
        out.1
    );
    std::fs::remove_dir_all(&project).unwrap();
}

/// Nine refrigerant rows of 28 digits (10^16 kg less 10^−12, the most a row summed in the
/// engine may hold) sum past 28 digits: DataFusion's `Decimal128` sum (which wraps on
/// overflow in 55.2) is checked on the way back and the command stops with `overflow`, naming
/// the chain, and prints no totals; the default engine refuses the same project with
/// `overflow` too (its total cannot be multiplied out).
#[test]
fn a_chain_sum_past_28_digits_in_the_engine_is_an_overflow_not_a_wrapped_total() {
    let dir = copy_fixture("sums-overflow");
    let mut text = String::from("facility,period,gas,quantity,unit,ref,note\n");
    for i in 0..9 {
        text.push_str(&format!(
            "WH-HOME,2025,HFC-134a,9999999999999999.999999999999,kg,r{i},\n"
        ));
    }
    std::fs::write(root().join(&dir).join("fugitive.csv"), text).unwrap();
    let args = ["compute", dir.as_str(), "--format", "json"];
    let df = run(&[&args[..], &["--engine", "datafusion"]].concat());
    assert_eq!(df.0, 1, "{}", df.2);
    assert!(df.1.is_empty(), "{}", df.1);
    assert_eq!(codes(&df.2), ["overflow"], "{}", df.2);
    assert!(
        df.2.contains("the 2025 quantity of HFC-134a at WH-HOME cannot be summed exactly"),
        "{}",
        df.2
    );
    let core = run(&args);
    assert_eq!(core.0, 1, "{}", core.2);
    assert!(core.1.is_empty(), "{}", core.1);
    assert_eq!(codes(&core.2), ["overflow"], "{}", core.2);
    std::fs::remove_dir_all(root().join(&dir)).unwrap();
}
