//! Every diagnostic against a file that triggers it: `fixtures/bad/base/` is a minimal valid
//! project, and each sibling folder `fixtures/bad/<case>/` holds the files that replace or add
//! to those of a copy of base. Each test pins the exit code, the exact first diagnostic
//! line (with the temporary project folder shown as `<DIR>`), the hint and the error count,
//! and checks that nothing panics.
//!
//! Tests marked `#[ignore = "bug: …"]` describe the behaviour we want, not the current one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad")
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh copy of `base/` with the files of `case` laid over it.
fn project(case: &str) -> PathBuf {
    let dir = common::scratch().join(format!(
        "carbonledger-bad-{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        case
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    common::lines::copy_dir(&cases_dir().join("base"), &dir);
    if case != "base" {
        common::lay_case(&cases_dir().join(case), &dir);
    }
    dir
}

/// Runs `carbonledger <args[0]> DIR <args[1..]>`; the folder is shown as `<DIR>` in the output.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let (sub, rest) = args.split_first().expect("a subcommand");
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg(sub)
        .arg(dir)
        .args(rest)
        .output()
        .unwrap();
    let shown = dir.display().to_string();
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&shown, "<DIR>");
    let code = out.status.code().unwrap_or(-1);
    let (stdout, stderr) = (clean(&out.stdout), clean(&out.stderr));
    assert_no_panic(code, &stderr);
    (code, stdout, stderr)
}

/// Runs a command on a copy of base overlaid with `case`.
fn run_case(case: &str, args: &[&str]) -> (i32, String, String) {
    let dir = project(case);
    let result = run_in(&dir, args);
    let _ = fs::remove_dir_all(&dir);
    result
}

fn assert_no_panic(code: i32, stderr: &str) {
    assert_ne!(code, 101, "the program panicked:\n{stderr}");
    assert_ne!(code, -1, "the program was killed by a signal:\n{stderr}");
    assert!(
        !stderr.contains("panicked"),
        "the program panicked:\n{stderr}"
    );
}

/// The `  = hint: ` line of the first diagnostic, if it has one.
fn first_hint(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .find_map(|l| l.strip_prefix("  = hint: "))
}

/// The `  | ` source line of the first diagnostic, if it has one.
fn first_source(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .find_map(|l| l.strip_prefix("  | "))
}

fn summary(errors: usize) -> String {
    format!(
        "{errors} error{}, 0 warnings",
        if errors == 1 { "" } else { "s" }
    )
}

/// `check` on `case` exits 1 with `first` as the first line of standard error, `hint` as its
/// hint (None: no hint line) and `errors` errors in all. Returns standard error.
fn expect(case: &str, args: &[&str], first: &str, hint: Option<&str>, errors: usize) -> String {
    let (code, out, err) = run_case(case, args);
    assert_eq!(code, 1, "exit code for {case}; stderr:\n{err}");
    assert_eq!(out, "", "nothing on stdout for {case}");
    assert_eq!(
        err.lines().next().unwrap_or(""),
        first,
        "first line for {case}; stderr:\n{err}"
    );
    assert_eq!(first_hint(&err), hint, "hint for {case}; stderr:\n{err}");
    assert_eq!(
        err.lines().last().unwrap_or(""),
        summary(errors),
        "summary for {case}; stderr:\n{err}"
    );
    err
}

fn check(case: &str, first: &str, hint: Option<&str>) -> String {
    expect(case, &["check"], first, hint, 1)
}

// ---------------------------------------------------------------------------------------------
// The base project itself is clean.

#[test]
fn base_is_valid() {
    let (code, out, err) = run_case("base", &["check"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, _, err) = run_case("base", &["compute"]);
    assert_eq!(code, 0, "{err}");
}

/// A case holds input files of a project (replacing base's or adding registers), a
/// `factors/` folder of project-local sets, an input folder (`energy/`, `fugitive/`) or a
/// marker `NAME.remove` for a base file it does without; tests/catalogue.rs pins where each
/// is reported.
#[test]
fn each_case_holds_only_input_files() {
    const INPUTS: [&str; 18] = [
        "carbonledger.toml",
        "carbonledger.lock",
        "facilities.csv",
        "facility_changes.csv",
        "energy.csv",
        "fugitive.csv",
        "solar.csv",
        "instruments.csv",
        "abatement.csv",
        "shipments.csv",
        "products.csv",
        "bom.csv",
        "product_stages.csv",
        "scope3.csv",
        "operations.csv",
        "claims.toml",
        "metrics.csv",
        "factors",
    ];
    for case in fs::read_dir(cases_dir()).unwrap() {
        let case = case.unwrap();
        for f in fs::read_dir(case.path()).unwrap() {
            let name = f.unwrap().file_name();
            let name = name.into_string().unwrap();
            let input = |n: &str| INPUTS.contains(&n) || n == "energy" || n == "fugitive";
            assert!(
                input(name.strip_suffix(".remove").unwrap_or(&name)),
                "{:?}: {name:?} is not an input file of a project",
                case.file_name()
            );
        }
    }
}

/// Every case under every reporting command: a diagnostic and exit 1 (or 0 where only a
/// fallback warning is involved), never a panic or an I/O exit.
#[test]
fn no_case_panics_under_any_command() {
    let commands: [&[&str]; 6] = [
        &["check"],
        &["check", "--strict"],
        &["compute"],
        &["compute", "--allow-rejects", "--format", "json"],
        &["figures", "--allow-rejects", "--format", "csv"],
        &["explain", "ghg.total.location"],
    ];
    for case in fs::read_dir(cases_dir()).unwrap() {
        let name = case.unwrap().file_name().into_string().unwrap();
        let dir = project(&name);
        for args in commands {
            let (code, _, err) = run_in(&dir, args);
            assert!(
                [0, 1].contains(&code),
                "{name} {args:?}: exit {code}\n{err}"
            );
        }
        let _ = fs::remove_dir_all(&dir);
    }
}

// ---------------------------------------------------------------------------------------------
// energy.csv: values.

#[test]
fn unknown_unit() {
    let err = check(
        "unknown-unit",
        "error: <DIR>/energy.csv:3:5: unknown unit `kwh` in column `unit` (electricity) [unknown-unit]",
        Some("did you mean `kWh`?"),
    );
    assert_eq!(
        first_source(&err),
        Some("PLANT-1,2025,electricity,1100,kwh,,,")
    );
}

#[test]
fn wrong_dimension() {
    check(
        "wrong-dimension",
        "error: <DIR>/energy.csv:3:5: unit `t` is mass, expected energy in column `unit` (electricity) [wrong-dimension]",
        Some("this column takes a unit of energy"),
    );
}

#[test]
fn wrong_dimension_in_fugitive() {
    check(
        "wrong-dimension-fugitive",
        "error: <DIR>/fugitive.csv:2:5: unit `kWh` is energy, expected mass in column `unit` (mass of gas released) [wrong-dimension]",
        Some("this column takes a unit of mass"),
    );
}

#[test]
fn malformed_number() {
    let err = check(
        "malformed-number",
        "error: <DIR>/energy.csv:3:4: malformed number `12a` in column `quantity` [malformed-number]",
        Some("write a plain decimal number such as 1234.5"),
    );
    assert_eq!(
        first_source(&err),
        Some("PLANT-1,2025,electricity,12a,MWh,,,")
    );
}

#[test]
fn malformed_number_scientific_notation() {
    check(
        "scientific-notation",
        "error: <DIR>/energy.csv:3:4: number `1.2E+07` is in scientific notation in column `quantity` [malformed-number]",
        Some("write the number in full (1.2E+07 → 12000000); spreadsheets often drop digits in this form"),
    );
}

#[test]
fn malformed_number_too_precise() {
    check(
        "too-precise",
        "error: <DIR>/energy.csv:3:4: number `0.12345678901234567890123456789` has more digits than can be held exactly (28 decimal places) in column `quantity` [malformed-number]",
        Some("round the input at its source to at most 28 decimal places"),
    );
}

#[test]
fn ambiguous_number() {
    let err = check(
        "ambiguous-number",
        "error: <DIR>/energy.csv:3:4: ambiguous number `1,234`: a comma may be a thousands separator or a decimal comma in column `quantity` [ambiguous-number]",
        Some("write numbers without grouping and with a point for decimals: 1234.5"),
    );
    // The source line is re-quoted as it was written.
    assert_eq!(
        first_source(&err),
        Some("PLANT-1,2025,electricity,\"1,234\",MWh,,,")
    );
}

#[test]
fn negative_quantity() {
    check(
        "negative-quantity",
        "error: <DIR>/energy.csv:3:4: negative quantity -1100 [negative-quantity]",
        Some("consumption cannot be negative; correct the source row instead of adding a negative one"),
    );
}

#[test]
fn overflow() {
    check(
        "overflow",
        "error: <DIR>/energy.csv:3:4: number `99999999999999999999999999999999` is out of range in column `quantity` [overflow]",
        Some("numbers are limited to about 7.9 × 10^28; check the value at its source"),
    );
}

/// A number too large to hold, or with a comma in it, gets the same code in every file that
/// the energy rows give it (`overflow`, `ambiguous-number`), not `malformed-number`: shipments,
/// the bill of materials and product stages, a project factor set, an equity share. The
/// `*-malformed-number` cases with their bad number replaced, each at the same place.
#[test]
fn number_codes_are_the_same_in_every_file() {
    let sites = [
        (
            "shipments-malformed-number",
            "shipments.csv",
            "1oo",
            "shipments.csv:3:9",
        ),
        ("bom-malformed-number", "bom.csv", "2b", "bom.csv:3:4"),
        (
            "stages-malformed-number",
            "product_stages.csv",
            "4.5.1",
            "product_stages.csv:3:3",
        ),
        (
            "factors-malformed-number",
            "factors/cat/1/factors.csv",
            "3o",
            "factors/cat/1/factors.csv:3:2",
        ),
        (
            "facilities-malformed-number",
            "facilities.csv",
            "fifty",
            "facilities.csv:3:5",
        ),
    ];
    for (case, file, bad, place) in sites {
        for (value, code) in [
            ("\"8,5\"", "ambiguous-number"),
            ("99999999999999999999999999999999", "overflow"),
        ] {
            let dir = project(case);
            let path = dir.join(file);
            let text = fs::read_to_string(&path).unwrap();
            assert!(text.contains(bad), "{case}: {bad} not in {file}");
            fs::write(&path, text.replacen(bad, value, 1)).unwrap();
            let (exit, _, err) = run_in(&dir, &["check"]);
            let first = err.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
            assert_eq!(exit, 1, "{case} {value}: {err}");
            assert!(
                first.starts_with(&format!("error: <DIR>/{place}: "))
                    && first.ends_with(&format!("[{code}]")),
                "{case} {value}: expected {place} [{code}], got: {first}"
            );
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

/// A claims.toml of comments only holds no claim, as a whitespace-only one does: `verify` and
/// `check` refuse it (`empty-file`) instead of passing 0 claims with exit 0.
#[test]
fn claims_of_comments_only_is_an_empty_file() {
    let dir = project("claims-empty-file");
    fs::write(
        dir.join("claims.toml"),
        "# Published claims to verify\n\n  # none written yet\r\n",
    )
    .unwrap();
    for args in [&["verify"][..], &["check"][..]] {
        let (exit, _, err) = run_in(&dir, args);
        assert_eq!(exit, 1, "{args:?}: {err}");
        assert_eq!(
            err.lines().next(),
            Some("error: <DIR>/claims.toml: claims.toml is empty [empty-file]"),
            "{args:?}: {err}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// A use stage of 0 years would price the product's use at nothing: refused at `years`
/// (`negative-quantity`, must be greater than zero, as a shipment's zero TEU is) by every
/// command that reads product_stages.csv, instead of a footprint without its use.
#[test]
fn use_stage_of_zero_years_is_refused() {
    let dir = project("stages-negative-quantity");
    let path = dir.join("product_stages.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("-8.5,kWh,3,", "8.5,kWh,0,")).unwrap();
    for args in [&["check"][..], &["products"][..], &["figures"][..]] {
        let (exit, _, err) = run_in(&dir, args);
        assert_eq!(exit, 1, "{args:?}: {err}");
        assert_eq!(
            err.lines().next(),
            Some("error: <DIR>/product_stages.csv:3:5: `years` must be greater than zero, found 0 [negative-quantity]"),
            "{args:?}: {err}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// `[factors] purchased_heat` naming a key that no edition of its set has is an error where it
/// is written, as a facility's grid key is, even in a project without a heat row (it passed,
/// and failed only once a heat row was added).
#[test]
fn purchased_heat_of_an_unknown_key_is_refused() {
    let dir = project("base");
    let path = dir.join("carbonledger.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("\"gbt-32150:heat\"", "\"gbt-32150:hot_water\""),
    )
    .unwrap();
    for args in [&["check"][..], &["compute"][..]] {
        let (exit, _, err) = run_in(&dir, args);
        assert_eq!(exit, 1, "{args:?}: {err}");
        assert_eq!(
            err.lines().next(),
            Some("error: <DIR>/carbonledger.toml:16:1: [factors] purchased_heat `gbt-32150:hot_water`: key `hot_water` is in no edition of gbt-32150 [unknown-factor]"),
            "{args:?}: {err}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// A residual mix or exempt share for a market no facility is in was never read, so a
/// reference to nothing passed `check` and `compute` with exit 0; now each is refused where
/// it is written. A used market's reference is reported once, where it is applied.
#[test]
fn renewables_references_of_an_unused_market_are_checked() {
    let dir = project("base");
    let path = dir.join("carbonledger.toml");
    let text = fs::read_to_string(&path).unwrap();
    // Lines 31 to 35 of the manifest (the base has 30).
    fs::write(
        &path,
        format!("{text}[renewables.residual_mix]\nCN = \"cn-mee-grid:national_excl_market_nonfossil\"\nFR = \"aib:fr\"\n[renewables.exempt_share]\nNZ = \"au-cer-rpp:nz\"\n"),
    )
    .unwrap();
    for args in [&["check"][..], &["compute"][..]] {
        let (exit, _, err) = run_in(&dir, args);
        assert_eq!(exit, 1, "{args:?}: {err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(
            errors,
            [
                "error: <DIR>/carbonledger.toml:33:6: [renewables.residual_mix] FR: the factor set `aib` is not in the factor library [unknown-factor-set]",
                "error: <DIR>/carbonledger.toml:35:6: [renewables.exempt_share] NZ: key `nz` is in no edition of au-cer-rpp [unknown-factor]",
            ],
            "{args:?}: {err}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

/// A quantity that parses but cannot be converted to base units (J) exactly.
#[test]
fn overflow_in_conversion() {
    check(
        "overflow-conversion",
        "error: <DIR>/energy.csv:3:4: 30000000000000000000 MWh cannot be held exactly: overflow: 30000000000000000000 × 3600000000 exceeds the decimal range (±7.9 × 10^28) [overflow]",
        Some("every quantity is held in base units (J, kg, m3); this one exceeds about 7.9 × 10^28 of them — check the value at its source"),
    );
}

#[test]
fn overflow_hints_are_actionable() {
    let (_, _, err) = run_case("overflow", &["check"]);
    let hint = first_hint(&err).unwrap_or("");
    assert!(!hint.contains("larger unit"), "{err}");
    let (_, _, err) = run_case("overflow-conversion", &["check"]);
    assert!(first_hint(&err).is_some(), "{err}");
}

#[test]
fn unknown_facility() {
    check(
        "unknown-facility",
        "error: <DIR>/energy.csv:3:1: unknown facility `PLANT-9` [unknown-facility]",
        Some("facilities.csv defines: PLANT-1"),
    );
}

#[test]
fn unknown_carrier() {
    check(
        "unknown-carrier",
        "error: <DIR>/energy.csv:3:3: unknown carrier `unobtainium` [unknown-carrier]",
        Some("carriers: electricity, heat, steam, natural_gas, diesel, gasoline, lpg, fuel_oil, jet_kerosene, coal, kerosene, propane, cng, lng, raw_coal, coke, coke_oven_gas, biomass, biogas, biodiesel, bioethanol, diesel_b7, diesel_b20, petrol_e10"),
    );
}

#[test]
fn bad_period() {
    check(
        "bad-period",
        "error: <DIR>/energy.csv:3:2: bad period `2025-13` [bad-period]",
        Some("write a year (2025), a quarter (2025-Q1), a month (2025-03), a day (2025-03-31) or a bill's days (2025-03-15..2025-04-14)"),
    );
}

#[test]
fn period_outside_reporting_years() {
    check(
        "period-outside-reporting-years",
        "error: <DIR>/energy.csv:3:2: period 2023 is outside reporting_years [2024, 2025] [period-outside-reporting-years]",
        Some("add the year to reporting_years in carbonledger.toml, or move the row to another project"),
    );
}

#[test]
fn no_calorific_value() {
    check(
        "no-calorific-value",
        "error: <DIR>/energy.csv:3:5: no net calorific value of natural_gas per volume in ipcc-2006 [no-calorific-value]",
        Some("give the quantity in energy units (GJ, MWh) or mass (t), or add `natural_gas.ncv` per volume to a project factor set listed in [factors] calorific_values"),
    );
}

#[test]
fn missing_value_unit() {
    let (code, _, err) = run_case("missing-value-unit", &["check"]);
    assert_eq!(code, 1);
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error: <DIR>/energy.csv:3:5: "), "{err}");
    assert!(first.ends_with("[missing-value]"), "{err}");
    assert!(!err.contains("did you mean `%`"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// energy.csv: factor references.

#[test]
fn unknown_factor() {
    check(
        "unknown-factor",
        "error: <DIR>/energy.csv:3:6: unknown factor `nonsense.co2` in ipcc-2006@2006 [unknown-factor]",
        Some("keys of ipcc-2006@2006: bituminous_coal.ch4, bituminous_coal.co2, bituminous_coal.n2o, bituminous_coal.ncv, diesel.ch4, diesel.co2, diesel.n2o, diesel.ncv, fuel_oil.ch4, fuel_oil.co2, fuel_oil.n2o, fuel_oil.ncv … (`carbonledger factors show ipcc-2006@2006`)"),
    );
}

#[test]
fn unknown_factor_set_in_row_reference() {
    let (code, _, err) = run_case("unknown-factor-set-ref", &["check"]);
    assert_eq!(code, 1);
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error: <DIR>/energy.csv:3:6: "), "{err}");
    assert!(first.contains("factor set `foo`"), "{err}");
    assert!(!first.contains("edition"), "{err}");
    assert_eq!(
        first_hint(&err),
        Some("see `carbonledger factors list` for the sets available")
    );
}

#[test]
fn bad_factor_reference() {
    check(
        "bad-factor-reference",
        "error: <DIR>/energy.csv:3:6: malformed factor reference `ipcc-2006@@:`: expected SET@EDITION:KEY or SET:KEY [bad-factor-reference]",
        Some("e.g. cn-mee-grid@2023:north or ipcc-2006:diesel.co2; `carbonledger factors list` shows the sets"),
    );
}

#[test]
fn bad_factor_reference_has_a_hint() {
    let (_, _, err) = run_case("bad-factor-reference", &["check"]);
    assert!(first_hint(&err).is_some(), "{err}");
}

// ---------------------------------------------------------------------------------------------
// energy.csv: rows.

#[test]
fn duplicate_row() {
    let err = check(
        "duplicate-row",
        "error: <DIR>/energy.csv:4:1: duplicate of line 3: same facility, period, carrier, quantity, unit, source and ref [duplicate-row]",
        Some("remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)"),
    );
    assert_eq!(
        first_source(&err),
        Some("PLANT-1,2025,electricity,1100,MWh,,,")
    );
}

#[test]
fn duplicate_row_spelt_differently() {
    check(
        "duplicate-row-alias",
        "error: <DIR>/energy.csv:4:1: duplicate of line 3: same facility, period, carrier, quantity, unit, source and ref [duplicate-row]",
        Some("remove one of them, or tell them apart with distinct `ref` values (e.g. invoice numbers)"),
    );
}

#[test]
fn wrong_field_count() {
    let err = check(
        "wrong-field-count",
        "error: <DIR>/energy.csv:3:6: row has 5 fields, the header has 8 [wrong-field-count]",
        None,
    );
    assert_eq!(
        first_source(&err),
        Some("PLANT-1,2025,electricity,1100,MWh")
    );
}

#[test]
fn unterminated_quote() {
    let (code, _, err) = run_case("malformed-csv", &["check"]);
    assert_eq!(code, 1);
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error: <DIR>/energy.csv:3"), "{err}");
    assert!(first.contains("quote"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// energy.csv: the file as a whole.

#[test]
fn missing_column() {
    check(
        "missing-column",
        "error: <DIR>/energy.csv:1:4: required column `quantity` is missing [missing-column]",
        Some("the header is: facility,period,carrier,unit,factor,ref,note"),
    );
}

#[test]
fn unknown_column() {
    check(
        "unknown-column",
        "error: <DIR>/energy.csv:1:9: unknown column `colour` [unknown-column]",
        Some("the columns of this file are: facility,period,carrier,quantity,unit,factor,ref,note,source"),
    );
}

#[test]
fn duplicate_column() {
    check(
        "duplicate-column",
        "error: <DIR>/energy.csv:1:9: column `unit` appears twice in the header [duplicate-column]",
        None,
    );
}

#[test]
fn not_utf8() {
    let err = check(
        "not-utf8",
        "error: <DIR>/energy.csv:2:3: file is not valid UTF-8 (the bytes look like GBK/GB18030, common in Chinese spreadsheet exports): it cannot be read, so none of its rows are used [not-utf8]",
        Some("re-save the file as CSV UTF-8, or convert it: `iconv -f GB18030 -t UTF-8 in.csv > out.csv`"),
    );
    assert_eq!(first_source(&err), None);
}

#[test]
fn not_utf8_utf16() {
    let (code, _, err) = run_case("not-utf8-utf16", &["check"]);
    assert_eq!(code, 1);
    let first = err.lines().next().unwrap_or("");
    assert!(first.ends_with("[not-utf8]"), "{err}");
    assert!(first.contains("UTF-16"), "{err}");
    assert!(!err.contains("GB18030"), "{err}");
}

#[test]
fn empty_file() {
    check(
        "empty-file",
        "error: <DIR>/energy.csv: file has no header row [empty-file]",
        Some("the first line must name the columns: facility,period,carrier,quantity,unit,factor,ref,note,source"),
    );
}

#[test]
fn missing_file() {
    let dir = project("base");
    fs::remove_file(dir.join("energy.csv")).unwrap();
    let (code, out, err) = run_in(&dir, &["check"]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "error: <DIR>/energy.csv: cannot read energy.csv: No such file or directory (os error 2) [missing-file]\n  = hint: run `carbonledger init DIR` for templates of every file\n1 error, 0 warnings\n"
    );
}

/// No manifest: the folder is not a project at all, which is exit 3 (I/O), not 1.
#[test]
fn missing_file_manifest() {
    let dir = project("base");
    fs::remove_file(dir.join("carbonledger.toml")).unwrap();
    let (code, _, err) = run_in(&dir, &["check"]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(code, 3, "{err}");
    assert_eq!(
        err.lines().next().unwrap_or(""),
        "error: <DIR>/carbonledger.toml: cannot read carbonledger.toml: No such file or directory (os error 2) [missing-file]"
    );
    assert_eq!(
        first_hint(&err),
        Some("run `carbonledger init DIR` for a project with every file templated")
    );
}

#[test]
fn missing_fugitive_file_is_allowed() {
    let dir = project("base");
    fs::remove_file(dir.join("fugitive.csv")).unwrap();
    let (code, _, err) = run_in(&dir, &["check"]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn missing_file_facilities_has_a_hint() {
    let dir = project("base");
    fs::remove_file(dir.join("facilities.csv")).unwrap();
    let (code, _, err) = run_in(&dir, &["check"]);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err.lines().next().unwrap_or(""),
        "error: <DIR>/facilities.csv: cannot read facilities.csv: No such file or directory (os error 2) [missing-file]"
    );
    assert!(first_hint(&err).is_some(), "{err}");
}

// ---------------------------------------------------------------------------------------------
// fugitive.csv.

#[test]
fn unknown_gas() {
    check(
        "unknown-gas",
        "error: <DIR>/fugitive.csv:2:3: no GWP for gas `HFC-9999` in ipcc-gwp@ar5 [unknown-gas]",
        Some("gases with a GWP in ipcc-gwp@ar5: ch4, ch4_fossil, co2, hfc-125, hfc-134a, hfc-143a, hfc-23, hfc-32, n2o, nf3, r-404a, r-410a, sf6"),
    );
}

#[test]
fn missing_value_gas() {
    check(
        "missing-value-gas",
        "error: <DIR>/fugitive.csv:2:3: gas is empty [missing-value]",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// facilities.csv.

#[test]
fn duplicate_facility() {
    check(
        "duplicate-facility",
        "error: <DIR>/facilities.csv:3:1: facility `PLANT-1` is defined twice [duplicate-facility]",
        None,
    );
}

/// Bug (badinputs branch): a boundary date in a file without the event column was reported at
/// the line only (`facilities.csv:2:`), naming no column to fix.
#[test]
fn missing_value_boundary_event_column_absent() {
    check(
        "facilities-missing-value-event",
        "error: <DIR>/facilities.csv:2:8: a boundary date needs its event in column `from_event` (acquisition, opening, insourcing) [missing-value]",
        Some("an acquisition, divestment, insourcing or outsourcing restates the base year; an opening or closure does not"),
    );
}

#[test]
fn missing_value_facility_id() {
    check(
        "missing-value",
        "error: <DIR>/facilities.csv:2:1: facility id is empty [missing-value]",
        None,
    );
}

#[test]
fn bad_share() {
    check(
        "bad-share",
        "error: <DIR>/facilities.csv:2:5: equity share 150% is outside 0–100% [bad-share]",
        None,
    );
}

#[test]
fn bad_boolean() {
    check(
        "bad-boolean",
        "error: <DIR>/facilities.csv:2:6: `maybe` in column `operational_control` is not yes or no [bad-boolean]",
        None,
    );
}

#[test]
fn pinned_grid_edition() {
    check(
        "pinned-grid-edition",
        "error: <DIR>/facilities.csv:2:4: grid `cn-mee-grid@2022:east` names an edition [pinned-grid-edition]",
        Some("write the grid as SET:KEY (e.g. cn-mee-grid:north); the manifest chooses the edition for each year"),
    );
}

/// Reported on each electricity row that needs the grid factor.
#[test]
fn no_grid_factor() {
    expect(
        "no-grid-factor",
        &["check"],
        "error: <DIR>/energy.csv:2:1: facility `PLANT-1` has no grid factor for its electricity [no-grid-factor]",
        Some("fill its `grid` column in facilities.csv (e.g. cn-mee-grid:north), or give the row a `factor`"),
        2,
    );
}

#[test]
fn unknown_facility_when_none_are_defined() {
    let (code, _, err) = run_case("no-facilities", &["check"]);
    assert_eq!(code, 1);
    let hint = first_hint(&err).unwrap_or("");
    assert!(!hint.trim_end().ends_with(':'), "{err}");
}

// ---------------------------------------------------------------------------------------------
// carbonledger.toml.

#[test]
fn bad_manifest_unknown_key() {
    check(
        "bad-manifest",
        "error: <DIR>/carbonledger.toml:6:1: unknown field `colour`, expected one of `organisation`, `reporting_years`, `base_year`, `consolidation`, `significance_threshold`, `rounding`, `factors`, `years`, `renewables`, `freight`, `scope3`, `year_start`, `year_label`, `split_decimals`, `inputs` [bad-manifest]",
        Some("see `carbonledger init` for a commented carbonledger.toml"),
    );
}

#[test]
fn bad_manifest_base_year_not_reported() {
    check(
        "bad-manifest-base-year",
        "error: <DIR>/carbonledger.toml:4:1: base_year 2023 is not one of reporting_years [bad-manifest]",
        Some("list the base year in reporting_years so that it is computed"),
    );
}

/// An edition the library lacks: reported on every row that needs it (4 rows).
#[test]
fn unknown_edition() {
    expect(
        "unknown-edition",
        &["check"],
        "error: <DIR>/carbonledger.toml:21:1: [years.2024.editions] selects ipcc-gwp@ar9, which is not in the factor library [unknown-edition]",
        Some("editions of ipcc-gwp: ar4, ar5, ar6"),
        2,
    );
}

/// Issue 12, item 5: a locked edition whose content differs refuses the run, naming it.
#[test]
fn locked_edition_changed() {
    for args in [
        &["check"][..],
        &["compute"],
        &["figures"],
        &["export", "--out", "/nonexistent/never"],
    ] {
        let (code, out, err) = run_case("locked-edition-changed", args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            err.starts_with("error: <DIR>/carbonledger.lock:3:1: factor edition cn-mee-grid@2023 (built-in) differs from the locked one: SHA-256 "),
            "{args:?}: {err}"
        );
        assert!(err.lines().next().unwrap_or("").ends_with(", locked 1111111111111111111111111111111111111111111111111111111111111111 [locked-edition-changed]"), "{err}");
        assert_eq!(first_hint(&err), Some("a published edition is never edited: restore it, give the change its own edition, or run `carbonledger lock DIR` to accept it"));
        assert_eq!(err.lines().last(), Some("1 error, 0 warnings"));
    }
}

#[test]
fn unknown_factor_set_in_manifest() {
    let (code, _, err) = run_case("unknown-factor-set", &["check"]);
    assert_eq!(code, 1);
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with("error: <DIR>/carbonledger.toml:"),
        "{err}"
    );
    assert!(first.ends_with("[unknown-factor-set]"), "{err}");
    assert!(!first.contains("no edition"), "{err}");
}

#[test]
fn fallback_refused_under_strict() {
    expect(
        "fallback-refused",
        &["check", "--strict"],
        "error: <DIR>/energy.csv:3:6: cn-mee-grid: carbonledger.toml chooses no edition for 2025; used the nearest, 2023 [fallback-refused]",
        Some("--strict: add `cn-mee-grid = \"2023\"` under [years.2025.editions]"),
        1,
    );
    // Without --strict the fallback is a warning and the check passes.
    let (code, out, err) = run_case("fallback-refused", &["check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(
        err,
        "warning: <DIR>/carbonledger.toml: cn-mee-grid: carbonledger.toml chooses no edition for 2025; used the nearest, 2023 [fallback]\n  = hint: pin the edition or key in carbonledger.toml, or run with --strict to refuse fallbacks\n0 errors, 1 warning\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Several problems: all reported, in file order, each row with every reason.

#[test]
fn many_problems_are_all_reported() {
    let (code, out, err) = run_case("many-problems", &["check"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    let heads: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(
        heads,
        [
            "error: <DIR>/energy.csv:4:1: unknown facility `PLANT-9` [unknown-facility]",
            "error: <DIR>/energy.csv:4:2: bad period `2025-13` [bad-period]",
            "error: <DIR>/energy.csv:4:4: malformed number `12a` in column `quantity` [malformed-number]",
            "error: <DIR>/energy.csv:4:5: unknown unit `kwh` in column `unit` (electricity) [unknown-unit]",
            "error: <DIR>/energy.csv:5:3: unknown carrier `unobtainium` [unknown-carrier]",
            "error: <DIR>/energy.csv:5:4: negative quantity -5 [negative-quantity]",
            "error: <DIR>/energy.csv:7:1: duplicate of line 6: same facility, period, carrier, quantity, unit, source and ref [duplicate-row]",
            "error: <DIR>/energy.csv:8:6: row has 5 fields, the header has 8 [wrong-field-count]",
        ],
        "{err}"
    );
    assert_eq!(err.lines().last(), Some("8 errors, 0 warnings"));
    // 6 rows read (the comment line is not a row), 4 of them rejected.
    let (code, out, err) = run_case("many-problems", &["compute", "--allow-rejects"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("<DIR>/energy.csv: 6 rows read = 2 used + 4 rejected"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rejected rows and totals.

#[test]
fn compute_refuses_totals_while_rows_are_rejected() {
    let (code, out, err) = run_case("unknown-facility", &["compute"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err.lines().next().unwrap_or(""),
        "error: <DIR>/energy.csv:3:1: unknown facility `PLANT-9` [unknown-facility]"
    );
    assert_eq!(
        err.lines().last().unwrap_or(""),
        "refusing to report totals: 1 row rejected (1100 MWh in <DIR>/energy.csv); fix them, or pass --allow-rejects to report without them"
    );
    let (code, out, _) = run_case("unknown-facility", &["figures"]);
    assert_eq!((code, out.as_str()), (1, ""));
}

/// A row whose quantity cannot be read is counted, not summed.
#[test]
fn compute_refusal_counts_unreadable_rows() {
    let (code, _, err) = run_case("malformed-number", &["compute"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err.lines().last().unwrap_or(""),
        "refusing to report totals: 1 row rejected (1 row with no readable quantity in <DIR>/energy.csv); fix them, or pass --allow-rejects to report without them"
    );
}

#[test]
fn compute_allow_rejects_reports_what_is_left_out() {
    let (code, out, err) = run_case("unknown-facility", &["compute", "--allow-rejects"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.lines().any(|l| l
            == "warning: --allow-rejects: totals leave out 1 rejected row (1100 MWh in <DIR>/energy.csv)"),
        "{err}"
    );
    // The diagnostics are still printed.
    assert!(err
        .starts_with("error: <DIR>/energy.csv:3:1: unknown facility `PLANT-9` [unknown-facility]"));
    assert!(
        out.contains("<DIR>/energy.csv: 2 rows read = 1 used + 1 rejected"),
        "{out}"
    );
}

#[test]
fn figures_allow_rejects_still_exits_zero() {
    let (code, out, err) = run_case(
        "unknown-facility",
        &["figures", "--allow-rejects", "--format", "csv"],
    );
    assert_eq!(code, 0, "{err}");
    // The only 2025 electricity row was rejected: scope 2 for 2025 is zero, 2024 is intact.
    assert!(out.contains("ghg.scope2.location,2025,0,t CO2e,"), "{out}");
    assert!(out.contains("ghg.scope2.location,2024,674"), "{out}");
    assert!(err.contains(
        "warning: --allow-rejects: totals leave out 1 rejected row (1100 MWh in <DIR>/energy.csv)"
    ));
}

#[test]
fn check_and_compute_agree_on_inexact_totals() {
    let (check_code, _, check_err) = run_case("precision", &["check"]);
    let (code, _, err) = run_case("precision", &["compute"]);
    assert_eq!(check_code, code, "check:\n{check_err}\ncompute:\n{err}");
    if code != 0 {
        let first = err.lines().next().unwrap_or("");
        assert!(first.starts_with("error: <DIR>/energy.csv:3"), "{err}");
        assert!(first.ends_with(']'), "{err}");
    }
}

/// Issue #11: two fugitive rows that each fit but whose scope 1 sum does not: HFC-23
/// 5 × 10^21 t × 12,400 (AR5) = 6.2 × 10^28 kg and HFC-134a 4 × 10^22 t × 1,300 = 5.2 × 10^28 kg
/// add up past the decimal range (±7.9 × 10^28). `check` and `figures` both fail, naming
/// fugitive.csv and its largest part, not energy.csv.
#[test]
fn a_figure_sum_past_the_range_names_the_file_of_its_largest_part() {
    for command in ["check", "figures"] {
        let (code, _, err) = run_case("figure-sum-overflow", &[command]);
        assert_eq!(code, 1, "{command}: {err}");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with(
                "error: <DIR>/fugitive.csv: the 2025 value of ghg.scope1 cannot be held exactly:"
            ),
            "{command}: {err}"
        );
        assert!(
            first.ends_with("(its largest part: the HFC-23 rows of <DIR>/fugitive.csv) [overflow]"),
            "{command}: {err}"
        );
    }
}
