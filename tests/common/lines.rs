//! The line table as an auditor reads it: lines.csv read into rows, every inventory row tied
//! out from the lines, every line re-performed from its own columns.

use super::dec as d;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir`, by path relative to it, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.unwrap().iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Issue 12, item 2: every inventory row follows from lines.csv — an additive figure (formula
/// `sum of lines`) is the sum of its rows for the year, exactly (rounded to the figure's 16
/// places only where the figure or one of its lines is marked inexact), and a derived figure is its formula over
/// other inventory rows. Every row is checked, none is left without a formula.
pub fn assert_ties_out(out: &Path) {
    let lines = read_csv(&out.join("lines.csv"));
    let inv = read_csv(&out.join("inventory.csv"));
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    // Figures with a line whose value was rounded (`exact` = no, a division that did not
    // terminate): their lines sum to the figure up to that rounding, even when the figure
    // itself, from the chain's summed quantity, is exact.
    let mut rounded_lines: std::collections::BTreeSet<(String, String)> = Default::default();
    for r in &lines {
        let key = (r["figure"].clone(), r["year"].clone());
        if r["exact"] == "no" {
            rounded_lines.insert(key.clone());
        }
        *sums.entry(key).or_default() += d(&r["value"]);
    }
    let value: BTreeMap<(String, String), Decimal> = inv
        .iter()
        .map(|r| ((r["name"].clone(), r["year"].clone()), d(&r["value"])))
        .collect();
    let get = |name: &str, year: i64| value.get(&(name.to_string(), year.to_string())).copied();
    let round = |x: Decimal| {
        x.round_dp_with_strategy(16, rust_decimal::RoundingStrategy::MidpointNearestEven)
            .normalize()
    };
    let (mut additive, mut derived) = (0, 0);
    for r in &inv {
        let (name, year) = (&r["name"], r["year"].parse::<i64>().unwrap());
        let v = d(&r["value"]).normalize();
        let formula = r["formula"].as_str();
        if formula == "sum of lines" {
            let s = sums
                .get(&(name.clone(), r["year"].clone()))
                .copied()
                .unwrap_or_default();
            if r["exact"] == "yes" && !rounded_lines.contains(&(name.clone(), r["year"].clone())) {
                assert_eq!(s.normalize(), v, "{name} {year}: sum of its lines");
            } else {
                assert_eq!(round(s), v, "{name} {year}: sum of its lines, rounded");
            }
            additive += 1;
        } else if let Some(of) = name.strip_prefix("change.") {
            let (now, prev) = (get(of, year).unwrap(), get(of, year - 1).unwrap());
            assert_eq!(
                formula,
                format!("({of} − {of}[year−1]) × 100 / {of}[year−1]")
            );
            assert_eq!(
                round((now - prev) * Decimal::ONE_HUNDRED / prev),
                v,
                "{name}"
            );
            derived += 1;
        } else if let Some((n, den)) = formula.split_once(" / ") {
            let (n, scale) = match n.split_once(" × ") {
                Some((n, k)) => (n, d(k)),
                None => (n, Decimal::ONE),
            };
            let q = get(n, year).unwrap() * scale / get(den, year).unwrap();
            assert_eq!(round(q), v, "{name} {year} = {formula}");
            derived += 1;
        } else if formula.contains(" + ") || !formula.is_empty() {
            let total: Decimal = formula.split(" + ").filter_map(|t| get(t, year)).sum();
            assert_eq!(total.normalize(), v, "{name} {year} = {formula}");
            derived += 1;
        } else {
            panic!("{name} {year}: no formula");
        }
    }
    assert_eq!(additive + derived, inv.len());
    assert!(additive > 0 && derived > 0, "{additive} {derived}");
}

/// A column holding a decimal or `num/den`, as `(num, den)`.
pub fn fraction(text: &str) -> (Decimal, Decimal) {
    match text.split_once('/') {
        Some((n, m)) => (d(n), d(m)),
        None => (d(text), Decimal::ONE),
    }
}

/// Issue 12, item 1: every row of lines.csv re-performs from its own columns — value =
/// quantity × conversion × calorific value × factor (or ÷) × GWP × each step (× or ÷) × share,
/// exactly where `exact = yes` (and the product terminates); where `exact = no` the product does
/// not terminate and the value is it rounded once, at the places the value shows. No row is
/// `given`: every register contribution is a product of its columns. Returns how many rows
/// there were, and how many of them are register rows with further steps.
pub fn assert_reperforms(out: &Path) -> (usize, usize) {
    let lines = read_csv(&out.join("lines.csv"));
    let mut stepped = 0;
    // Exact arithmetic (an inexact product is an error, not a rounding).
    let mul = |a: Decimal, b: Decimal| carbonledger::decimal::mul(a, b).unwrap();
    for r in &lines {
        assert_ne!(r["method"], "given", "{r:?}");
        let (c, mut den) = fraction(&r["conversion"]);
        let mut num = mul(
            mul(mul(d(&r["quantity"]), c), d(&r["calorific_value"])),
            d(&r["gwp"]),
        );
        let f = d(&r["factor_value"]);
        if r["factor_op"] == "÷" {
            den = mul(den, f);
        } else {
            num = mul(num, f);
        }
        for i in 1..=5 {
            let v = &r[&format!("step{i}_value")];
            if v.is_empty() {
                assert!(r[&format!("step{i}_label")].is_empty(), "{r:?}");
                continue;
            }
            stepped += usize::from(i == 1);
            let (n, m) = fraction(v);
            if r[&format!("step{i}_op")] == "÷" {
                num = mul(num, m);
                den = mul(den, n);
            } else {
                num = mul(num, n);
                den = mul(den, m);
            }
        }
        num = mul(num, d(&r["share"]));
        let q = carbonledger::decimal::div(num, den).unwrap();
        let value = d(&r["value"]);
        let at = format!(
            "{}:{} {} {}",
            r["file"], r["line"], r["figure"], r["result"]
        );
        if r["exact"] == "yes" {
            assert!(
                q.exact,
                "{at}: marked exact, the product does not terminate"
            );
            assert_eq!(q.value.normalize(), value.normalize(), "{at}");
        } else {
            assert!(!q.exact, "{at}: marked inexact, the product terminates");
            assert_eq!(
                q.value.round_dp(value.scale()).normalize(),
                value.normalize(),
                "{at}: rounded once"
            );
        }
    }
    (lines.len(), stepped)
}

/// Issue 16, goal 5: the export folder `out` of the project `dir`, whose tables were streamed
/// to their files as their rows were made, holds exactly the bytes the tables kept in memory
/// give (`collect`, how every export was written before it streamed): each table whole, the
/// workbook, and a manifest listing them in the same order with their SHA-256 — and the same
/// for the restated export beside it, when the project has one. No file more, none fewer.
pub fn assert_same_as_collected(dir: &Path, out: &Path) {
    use carbonledger::calc::RunOptions;
    use carbonledger::export::{collect, read_manifest, restated_out, restated_tables};
    use carbonledger::export::{sha256_hex, workbook_bytes};
    let project = carbonledger::project::Project::open(dir).unwrap();
    let ledger = carbonledger::ledger::Ledger::compute(&project, RunOptions::default()).unwrap();
    let collected = collect(&project, &ledger, RunOptions::default()).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = collected
        .tables
        .iter()
        .map(|t| (t.name.to_string(), t.to_csv()))
        .collect();
    files.push((
        "workbook.xlsx".into(),
        workbook_bytes(&collected, true).unwrap(),
    ));
    assert_folder_holds(out, &files);
    match ledger.restatement().unwrap().filter(|v| v.restate) {
        Some(v) => {
            let beside: Vec<(String, Vec<u8>)> = restated_tables(&collected, &ledger, &v)
                .iter()
                .map(|t| (t.name.to_string(), t.to_csv()))
                .collect();
            assert_folder_holds(&restated_out(out, v.base_year), &beside);
        }
        None => assert!(!restated_out(out, ledger.structure.base_year).exists()),
    }

    /// `folder` holds `files` (whole, byte for byte) and its manifest, nothing else; the
    /// manifest lists `files` in order with their SHA-256.
    fn assert_folder_holds(folder: &Path, files: &[(String, Vec<u8>)]) {
        for (name, bytes) in files {
            let written = std::fs::read(folder.join(name)).unwrap();
            assert!(
                written == *bytes,
                "{}: {} bytes written, {} in memory",
                folder.join(name).display(),
                written.len(),
                bytes.len()
            );
        }
        let mut present: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        present.sort();
        let mut expected: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        expected.push("manifest.json".into());
        expected.sort();
        assert_eq!(present, expected, "{}", folder.display());
        let listed: Vec<(String, String)> = read_manifest(folder)
            .unwrap()
            .outputs
            .into_iter()
            .map(|f| (f.path, f.sha256))
            .collect();
        let hashed: Vec<(String, String)> = files
            .iter()
            .map(|(n, b)| (n.clone(), sha256_hex(b)))
            .collect();
        assert_eq!(listed, hashed, "{}/manifest.json", folder.display());
    }
}
