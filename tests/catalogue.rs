//! The catalogue of diagnostics: every code the library can emit has a case under
//! `fixtures/bad/`, and a test here that runs it and pins where the first diagnostic of that
//! code is reported (file, physical line, column) and the exit code. Message wording is not
//! pinned (tests/bad_inputs.rs does that for the energy and fugitive files).
//!
//! A case folder is laid over a copy of `fixtures/bad/base/`: its files replace or add to
//! base's, folders included (`factors/SET/EDITION/` for project-local factor sets; a folder
//! named like a file, e.g. `claims.toml/`, for a file that cannot be read; an empty file
//! `NAME.remove` for a base file the case does without, e.g. `energy.csv` when its rows are a
//! folder `energy/`).
//!
//! `every_code_in_src_has_a_case` reads the library's source and fails when a code appears
//! there that no case pins, so a new diagnostic cannot ship without its case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cases_dir() -> PathBuf {
    root().join("fixtures/bad")
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh copy of `base/` with the files and folders of `case` laid over it.
fn project(case: &str) -> PathBuf {
    let dir = common::scratch().join(format!(
        "carbonledger-catalogue-{}-{}-{case}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
    ));
    let _ = fs::remove_dir_all(&dir);
    common::lines::copy_dir(&cases_dir().join("base"), &dir);
    common::lay_case(&cases_dir().join(case), &dir);
    dir
}

/// Runs `carbonledger <args[0]> DIR <args[1..]>`; returns the exit code and standard error
/// with the folder shown as `<DIR>`.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let (sub, rest) = args.split_first().expect("a subcommand");
    let out = Command::new(env!("CARGO_BIN_EXE_carbonledger"))
        .arg(sub)
        .arg(dir)
        .args(rest)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "<DIR>");
    assert!(
        code != 101 && code != -1 && !err.contains("panicked"),
        "{args:?} panicked or was killed (exit {code}):\n{err}"
    );
    (code, err)
}

/// One diagnostic line, `LEVEL: <DIR>/PLACE: message [code]`, as (level, place, code).
fn parse(line: &str) -> Option<(&str, &str, &str)> {
    let (level, rest) = line.split_once(": ")?;
    if level != "error" && level != "warning" {
        return None;
    }
    let (place, message) = rest.split_once(": ")?;
    let code = message.strip_suffix(']')?.rsplit_once(" [")?.1;
    Some((level, place.strip_prefix("<DIR>/").unwrap_or(place), code))
}

/// A case: the folder, the command run on it, the exit code, and the first diagnostic of
/// `code`: its level and its place, `FILE`, `FILE:LINE` or `FILE:LINE:COLUMN` (COLUMN is the
/// CSV field number), FILE relative to the project.
struct Case {
    folder: &'static str,
    args: &'static [&'static str],
    exit: i32,
    level: &'static str,
    place: &'static str,
    code: &'static str,
}

fn pin(c: &Case) {
    let dir = project(c.folder);
    let (exit, err) = run_in(&dir, c.args);
    let found = err
        .lines()
        .filter_map(parse)
        .find(|(_, _, code)| *code == c.code);
    assert_eq!(
        found,
        Some((c.level, c.place, c.code)),
        "{} {:?}: first `{}` diagnostic; stderr:\n{err}",
        c.folder,
        c.args,
        c.code
    );
    assert_eq!(
        exit, c.exit,
        "{} {:?}: exit code; stderr:\n{err}",
        c.folder, c.args
    );
    if c.level == "error" && c.args[0] == "check" && !c.args.contains(&"--strict") {
        // What check refuses, compute refuses too (unless the file is one compute never reads).
        let (exit, err) = run_in(&dir, &["compute"]);
        let compute_reads = !c.place.starts_with("claims.toml");
        if compute_reads {
            assert_ne!(
                exit, 0,
                "{}: compute exits 0 on an error; stderr:\n{err}",
                c.folder
            );
        }
    }
    if c.level == "warning" {
        let summary = err.lines().last().unwrap_or("");
        assert!(
            !summary.ends_with(" 0 warnings"),
            "{}: a warning is printed but not counted: {summary}",
            c.folder
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

macro_rules! catalogue {
    ($($(#[$attr:meta])* $name:ident: $folder:literal $args:expr => $exit:literal, $level:literal $place:literal [$code:literal];)*) => {
        const CASES: &[Case] = &[$(Case {
            folder: $folder,
            args: $args,
            exit: $exit,
            level: $level,
            place: $place,
            code: $code,
        }),*];
        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                pin(&Case { folder: $folder, args: $args, exit: $exit, level: $level, place: $place, code: $code });
            }
        )*
    };
}

const CHECK: &[&str] = &["check"];
const STRICT: &[&str] = &["check", "--strict"];
const VERIFY: &[&str] = &["verify"];

catalogue! {
    // -- energy.csv, fugitive.csv, facilities.csv (tests/bad_inputs.rs pins their messages) --
    ambiguous_number: "ambiguous-number" CHECK => 1, "error" "energy.csv:3:4" ["ambiguous-number"];
    bad_boolean: "bad-boolean" CHECK => 1, "error" "facilities.csv:2:6" ["bad-boolean"];
    bad_factor_reference: "bad-factor-reference" CHECK => 1, "error" "energy.csv:3:6" ["bad-factor-reference"];
    bad_period: "bad-period" CHECK => 1, "error" "energy.csv:3:2" ["bad-period"];
    bad_share: "bad-share" CHECK => 1, "error" "facilities.csv:2:5" ["bad-share"];
    duplicate_column: "duplicate-column" CHECK => 1, "error" "energy.csv:1:9" ["duplicate-column"];
    duplicate_facility: "duplicate-facility" CHECK => 1, "error" "facilities.csv:3:1" ["duplicate-facility"];
    // A duplicate is the whole row: no one column is wrong, so the place is where it starts.
    duplicate_row: "duplicate-row" CHECK => 1, "error" "energy.csv:4:1" ["duplicate-row"];
    empty_file: "empty-file" CHECK => 1, "error" "energy.csv" ["empty-file"];
    malformed_csv: "malformed-csv-multiline" CHECK => 1, "error" "energy.csv:3:8" ["malformed-csv"];
    // A comment line whose lone CRs run on into rows: where the first stray CR is.
    malformed_csv_lone_cr: "malformed-csv-lone-cr" CHECK => 1, "error" "energy.csv:3:1" ["malformed-csv"];
    unterminated_quote: "malformed-csv" CHECK => 1, "error" "energy.csv:3:4" ["unterminated-quote"];
    malformed_number: "malformed-number" CHECK => 1, "error" "energy.csv:3:4" ["malformed-number"];
    missing_column: "missing-column" CHECK => 1, "error" "energy.csv:1:4" ["missing-column"];
    missing_value: "missing-value" CHECK => 1, "error" "facilities.csv:2:1" ["missing-value"];
    negative_quantity: "negative-quantity" CHECK => 1, "error" "energy.csv:3:4" ["negative-quantity"];
    no_calorific_value: "no-calorific-value" CHECK => 1, "error" "energy.csv:3:5" ["no-calorific-value"];
    no_grid_factor: "no-grid-factor" CHECK => 1, "error" "energy.csv:2:1" ["no-grid-factor"];
    not_utf8: "not-utf8" CHECK => 1, "error" "energy.csv:2:3" ["not-utf8"];
    overflow: "overflow" CHECK => 1, "error" "energy.csv:3:4" ["overflow"];
    inexact_row: "precision" CHECK => 1, "error" "energy.csv:3:4" ["inexact-row"];
    period_outside_reporting_years: "period-outside-reporting-years" CHECK => 1, "error" "energy.csv:3:2" ["period-outside-reporting-years"];
    pinned_grid_edition: "pinned-grid-edition" CHECK => 1, "error" "facilities.csv:2:4" ["pinned-grid-edition"];
    unknown_carrier: "unknown-carrier" CHECK => 1, "error" "energy.csv:3:3" ["unknown-carrier"];
    unknown_column: "unknown-column" CHECK => 1, "error" "energy.csv:1:9" ["unknown-column"];
    unknown_country: "unknown-country" CHECK => 1, "error" "facilities.csv:2:3" ["unknown-country"];
    unknown_facility: "unknown-facility" CHECK => 1, "error" "energy.csv:3:1" ["unknown-facility"];
    // facilities.csv with a header and no rows: every activity row names an unknown facility.
    no_facilities: "no-facilities" CHECK => 1, "error" "energy.csv:2:1" ["unknown-facility"];
    many_problems: "many-problems" CHECK => 1, "error" "energy.csv:4:1" ["unknown-facility"];
    unknown_factor: "unknown-factor" CHECK => 1, "error" "energy.csv:3:6" ["unknown-factor"];
    unknown_factor_set_ref: "unknown-factor-set-ref" CHECK => 1, "error" "energy.csv:3:6" ["unknown-factor-set"];
    unknown_gas: "unknown-gas" CHECK => 1, "error" "fugitive.csv:2:3" ["unknown-gas"];
    unknown_unit: "unknown-unit" CHECK => 1, "error" "energy.csv:3:5" ["unknown-unit"];
    wrong_dimension: "wrong-dimension" CHECK => 1, "error" "energy.csv:3:5" ["wrong-dimension"];
    // A row with too few or too many fields: no one column is wrong.
    wrong_field_count: "wrong-field-count" CHECK => 1, "error" "energy.csv:3:6" ["wrong-field-count"];
    duplicate_row_alias: "duplicate-row-alias" CHECK => 1, "error" "energy.csv:4:1" ["duplicate-row"];
    missing_value_gas: "missing-value-gas" CHECK => 1, "error" "fugitive.csv:2:3" ["missing-value"];
    missing_value_energy_unit: "missing-value-unit" CHECK => 1, "error" "energy.csv:3:5" ["missing-value"];
    missing_value_energy_facility: "missing-value-facility" CHECK => 1, "error" "energy.csv:3:1" ["missing-value"];
    missing_value_energy_period: "missing-value-period" CHECK => 1, "error" "energy.csv:3:2" ["missing-value"];
    missing_value_energy_carrier: "missing-value-carrier" CHECK => 1, "error" "energy.csv:3:3" ["missing-value"];
    missing_value_energy_quantity: "missing-value-quantity" CHECK => 1, "error" "energy.csv:3:4" ["missing-value"];
    not_utf8_utf16: "not-utf8-utf16" CHECK => 1, "error" "energy.csv:1:1" ["not-utf8"];
    overflow_conversion: "overflow-conversion" CHECK => 1, "error" "energy.csv:3:4" ["overflow"];
    figure_sum_overflow: "figure-sum-overflow" CHECK => 1, "error" "fugitive.csv" ["overflow"];
    scientific_notation: "scientific-notation" CHECK => 1, "error" "energy.csv:3:4" ["malformed-number"];
    too_precise: "too-precise" CHECK => 1, "error" "energy.csv:3:4" ["malformed-number"];
    wrong_dimension_fugitive: "wrong-dimension-fugitive" CHECK => 1, "error" "fugitive.csv:2:5" ["wrong-dimension"];
    fugitive_period_outside_reporting_years: "fugitive-period-outside-reporting-years" CHECK => 1, "error" "fugitive.csv:3:2" ["period-outside-reporting-years"];
    fugitive_malformed_number: "fugitive-malformed-number" CHECK => 1, "error" "fugitive.csv:3:4" ["malformed-number"];
    fugitive_ambiguous_number: "fugitive-ambiguous-number" CHECK => 1, "error" "fugitive.csv:3:4" ["ambiguous-number"];
    fugitive_unknown_unit: "fugitive-unknown-unit" CHECK => 1, "error" "fugitive.csv:3:5" ["unknown-unit"];
    facilities_malformed_number: "facilities-malformed-number" CHECK => 1, "error" "facilities.csv:3:5" ["malformed-number"];
    facilities_bad_factor_reference: "facilities-bad-factor-reference" CHECK => 1, "error" "facilities.csv:3:4" ["bad-factor-reference"];
    facilities_unknown_factor: "facilities-unknown-factor" CHECK => 1, "error" "facilities.csv:2:4" ["unknown-factor"];
    facilities_unknown_factor_unused: "facilities-unknown-factor-unused" CHECK => 1, "error" "facilities.csv:3:4" ["unknown-factor"];
    facilities_missing_value_country: "facilities-missing-value-country" CHECK => 1, "error" "facilities.csv:3:3" ["missing-value"];
    // A boundary date without its event column: at the date.
    facilities_missing_value_event: "facilities-missing-value-event" CHECK => 1, "error" "facilities.csv:2:8" ["missing-value"];
    factor_carrier_mismatch: "factor-carrier-mismatch" CHECK => 1, "error" "energy.csv:3:6" ["factor-carrier-mismatch"];
    unknown_source: "unknown-source" CHECK => 1, "error" "energy.csv:4:9" ["unknown-source"];
    overlapping_periods: "overlapping-periods" CHECK => 0, "warning" "energy.csv:5:2" ["overlapping-periods"];
    no_heat_factor: "no-heat-factor" CHECK => 1, "error" "energy.csv:5:3" ["no-heat-factor"];
    // -- periods, boundary dates, tags, metrics.csv (issue 15) --
    bad_date: "bad-date" CHECK => 1, "error" "facilities.csv:2:8" ["bad-date"];
    unknown_event: "unknown-event" CHECK => 1, "error" "facilities.csv:2:9" ["unknown-event"];
    bad_tag: "bad-tag" CHECK => 1, "error" "facilities.csv:2:12" ["bad-tag"];
    inexact_split: "inexact-split" CHECK => 1, "error" "energy.csv:3:4" ["inexact-split"];
    outside_facility_dates: "outside-facility-dates" CHECK => 0, "warning" "energy.csv:2:2" ["outside-facility-dates"];
    split_outside_reporting_years: "split-outside-reporting-years" CHECK => 0, "warning" "energy.csv:2:2" ["split-outside-reporting-years"];
    period_in_fiscal_year: "period-in-fiscal-year" CHECK => 1, "error" "solar.csv:2:2" ["period-in-fiscal-year"];
    metric_unit_mismatch: "metric-unit-mismatch" CHECK => 1, "error" "metrics.csv:3:4" ["metric-unit-mismatch"];
    zero_metric: "zero-metric" CHECK => 1, "error" "metrics.csv:2:3" ["zero-metric"];
    duplicate_change: "duplicate-change" CHECK => 1, "error" "facility_changes.csv:3:2" ["duplicate-change"];
    register_outside_boundary: "register-outside-boundary" CHECK => 1, "error" "solar.csv:2:2" ["register-outside-boundary"];
    register_partly_outside_boundary: "register-partly-outside-boundary" CHECK => 0, "warning" "solar.csv:2:2" ["register-partly-outside-boundary"];

    // -- carbonledger.toml --
    bad_manifest: "bad-manifest" CHECK => 1, "error" "carbonledger.toml:6:1" ["bad-manifest"];
    manifest_calorific_values_set: "manifest-calorific-values-set" CHECK => 1, "error" "carbonledger.toml:13:1" ["unknown-factor-set"];
    manifest_consolidation: "manifest-consolidation" CHECK => 1, "error" "carbonledger.toml:5:17" ["bad-manifest"];
    manifest_displaced_grid: "manifest-displaced-grid" CHECK => 1, "error" "carbonledger.toml:33:18" ["bad-manifest"];
    manifest_edition_set_unknown: "manifest-edition-set-unknown" CHECK => 1, "error" "carbonledger.toml:24:1" ["unknown-factor-set"];
    manifest_freight_category: "manifest-freight-category" CHECK => 1, "error" "carbonledger.toml:34:1" ["bad-manifest"];
    manifest_freight_intensities: "manifest-freight-intensities" CHECK => 1, "error" "carbonledger.toml:34:1" ["unknown-factor-set"];
    manifest_freight_radiative_forcing: "manifest-freight-radiative-forcing" CHECK => 1, "error" "carbonledger.toml:33:21" ["bad-manifest"];
    manifest_freight_unknown_key: "manifest-freight-unknown-key" CHECK => 1, "error" "carbonledger.toml:34:1" ["bad-manifest"];
    manifest_purchased_heat: "manifest-purchased-heat" CHECK => 1, "error" "carbonledger.toml:16:1" ["bad-factor-reference"];
    manifest_reporting_years_empty: "manifest-reporting-years-empty" CHECK => 1, "error" "carbonledger.toml:3:1" ["bad-manifest"];
    // A residual mix that is not a reference, or names an unknown set, is reported where it is
    // written (it was the grid average without a word, or energy.csv with no line; compute
    // exited 0 without the market-based figure).
    manifest_residual_mix: "manifest-residual-mix" CHECK => 1, "error" "carbonledger.toml:33:6" ["bad-factor-reference"];
    manifest_residual_mix_unknown: "manifest-residual-mix-unknown" CHECK => 1, "error" "carbonledger.toml:33:6" ["unknown-factor-set"];
    manifest_rounding_rule: "manifest-rounding-rule" CHECK => 1, "error" "carbonledger.toml:9:8" ["bad-manifest"];
    manifest_significance_threshold: "manifest-significance-threshold" CHECK => 1, "error" "carbonledger.toml:6:1" ["bad-manifest"];
    manifest_significance_threshold_no_percent: "manifest-significance-threshold-no-percent" CHECK => 1, "error" "carbonledger.toml:6:1" ["bad-manifest"];
    manifest_toml_syntax: "manifest-toml-syntax" CHECK => 1, "error" "carbonledger.toml:2:31" ["bad-manifest"];
    manifest_vintage_months: "manifest-vintage-months" CHECK => 1, "error" "carbonledger.toml:33:25" ["bad-manifest"];
    manifest_years_key: "manifest-years-key" CHECK => 1, "error" "carbonledger.toml:25:1" ["bad-manifest"];
    manifest_years_not_reported: "manifest-years-not-reported" CHECK => 1, "error" "carbonledger.toml:32:1" ["bad-manifest"];
    bad_manifest_base_year: "bad-manifest-base-year" CHECK => 1, "error" "carbonledger.toml:4:1" ["bad-manifest"];
    unknown_edition: "unknown-edition" CHECK => 1, "error" "carbonledger.toml:21:1" ["unknown-edition"];
    unknown_factor_set: "unknown-factor-set" CHECK => 1, "error" "carbonledger.toml:12:1" ["unknown-factor-set"];
    // The manifest names no edition of a set whose editions are not years: reported at the
    // first row that needs it (its `factor` column), the hint naming the manifest key.
    no_edition_chosen: "no-edition-chosen" CHECK => 1, "error" "energy.csv:3:6" ["no-edition-chosen"];
    fallback: "fallback-refused" CHECK => 0, "warning" "carbonledger.toml" ["fallback"];
    fallback_refused: "fallback-refused" STRICT => 1, "error" "energy.csv:3:6" ["fallback-refused"];

    // -- project-local factor sets: factors/SET/EDITION/ --
    bad_edition_file: "bad-edition-file" CHECK => 1, "error" "factors/cat/1/edition.toml:1:1" ["bad-edition-file"];
    bad_factor_key: "bad-factor-key" CHECK => 1, "error" "factors/cat/1/factors.csv:2:1" ["bad-factor-key"];
    bad_factor_unit: "bad-factor-unit" CHECK => 1, "error" "factors/cat/1/factors.csv:2:3" ["bad-factor-unit"];
    bad_fallback_key: "bad-fallback-key" CHECK => 1, "error" "factors/cat/1/edition.toml:4:1" ["bad-fallback-key"];
    duplicate_factor_key: "duplicate-factor-key" CHECK => 1, "error" "factors/cat/1/factors.csv:3:1" ["duplicate-factor-key"];
    edition_path_mismatch: "edition-path-mismatch" CHECK => 1, "error" "factors/cat/1/edition.toml:2:1" ["edition-path-mismatch"];
    factor_gas_mismatch: "factor-gas-mismatch" CHECK => 1, "error" "factors/cat/1/factors.csv:2:4" ["factor-gas-mismatch"];
    missing_citation: "missing-citation" CHECK => 1, "error" "factors/cat/1/edition.toml:10:1" ["missing-citation"];
    negative_factor: "negative-factor" CHECK => 1, "error" "factors/cat/1/factors.csv:2:2" ["negative-factor"];
    shadows_built_in_set: "shadows-built-in-set" CHECK => 1, "error" "factors/cn-mee-grid/2025/edition.toml" ["shadows-built-in-set"];

    factors_missing_column: "factors-missing-column" CHECK => 1, "error" "factors/cat/1/factors.csv:1:3" ["missing-column"];
    factors_unknown_column: "factors-unknown-column" CHECK => 1, "error" "factors/cat/1/factors.csv:1:8" ["unknown-column"];
    factors_malformed_number: "factors-malformed-number" CHECK => 1, "error" "factors/cat/1/factors.csv:3:2" ["malformed-number"];
    factors_overflow: "factors-overflow" CHECK => 1, "error" "factors/cat/1/factors.csv:3:2" ["overflow"];
    factors_unterminated_quote: "factors-unterminated-quote" CHECK => 1, "error" "factors/cat/1/factors.csv:3:7" ["unterminated-quote"];
    factors_wrong_field_count: "factors-wrong-field-count" CHECK => 1, "error" "factors/cat/1/factors.csv:3:5" ["wrong-field-count"];
    factors_empty_file: "factors-empty-file" CHECK => 1, "error" "factors/cat/1/factors.csv" ["empty-file"];
    factors_not_utf8: "factors-not-utf8" CHECK => 1, "error" "factors/cat/1/factors.csv:3:7" ["not-utf8"];
    factors_missing_factors_csv: "factors-missing-factors-csv" CHECK => 1, "error" "factors/cat/1" ["bad-edition-file"];
    factors_missing_edition_toml: "factors-missing-edition-toml" CHECK => 1, "error" "factors/cat/1" ["missing-citation"];

    // -- carbonledger.lock --
    locked_edition_changed: "locked-edition-changed" CHECK => 1, "error" "carbonledger.lock:3:1" ["locked-edition-changed"];
    locked_edition_missing: "locked-edition-missing" CHECK => 1, "error" "carbonledger.lock:3:1" ["locked-edition-missing"];
    bad_lockfile: "bad-lockfile" CHECK => 1, "error" "carbonledger.lock:2:10" ["bad-lockfile"];

    // -- unreadable inputs --
    unreadable_file: "unreadable-file" CHECK => 1, "error" "claims.toml" ["unreadable-file"];
    io_error: "io-error" CHECK => 1, "error" "solar.csv" ["io-error"];
    unread_file: "unread-file" CHECK => 0, "warning" "energy/notes.txt" ["unread-file"];
    missing_file: "missing-file" VERIFY => 3, "error" "claims.toml" ["missing-file"];

    // -- solar.csv --
    solar_imbalance: "solar-imbalance" CHECK => 1, "error" "solar.csv:2:3" ["solar-imbalance"];

    // -- instruments.csv --
    unknown_instrument: "unknown-instrument" CHECK => 1, "error" "instruments.csv:2:2" ["unknown-instrument"];
    market_mismatch: "market-mismatch" CHECK => 1, "error" "instruments.csv:2:7" ["market-mismatch"];
    vintage_outside_rule: "vintage-outside-rule" CHECK => 1, "error" "instruments.csv:2:8" ["vintage-outside-rule"];
    bad_serial: "bad-serial" CHECK => 1, "error" "instruments.csv:2:9" ["bad-serial"];
    serial_count_mismatch: "serial-count-mismatch" CHECK => 1, "error" "instruments.csv:2:9" ["serial-count-mismatch"];
    duplicate_serial: "duplicate-serial" CHECK => 1, "error" "instruments.csv:3:9" ["duplicate-serial"];
    over_claim: "over-claim" CHECK => 1, "error" "instruments.csv:3:5" ["over-claim"];
    instrument_outside_market: "instrument-outside-market" CHECK => 1, "error" "instruments.csv:2:2" ["instrument-outside-market"];
    period_not_checked: "period-not-checked" CHECK => 0, "warning" "instruments.csv:2:4" ["period-not-checked"];
    outside_boundary: "outside-boundary" CHECK => 0, "warning" "instruments.csv:2:3" ["outside-boundary"];

    // -- abatement.csv --
    bad_id: "bad-id" CHECK => 1, "error" "abatement.csv:2:1" ["bad-id"];
    unknown_abatement_kind: "unknown-abatement-kind" CHECK => 1, "error" "abatement.csv:2:4" ["unknown-abatement-kind"];
    bad_status: "bad-status" CHECK => 1, "error" "abatement.csv:2:10" ["bad-status"];
    unknown_scope: "abatement-unknown-scope" CHECK => 1, "error" "abatement.csv:2:9" ["unknown-scope"];
    unknown_fuel: "unknown-fuel" CHECK => 1, "error" "abatement.csv:2:7" ["unknown-fuel"];
    bad_fraction: "bad-fraction" CHECK => 1, "error" "abatement.csv:2:8" ["bad-fraction"];
    bad_fraction_over_one: "bad-fraction-over-one" CHECK => 1, "error" "abatement.csv:2:8" ["bad-fraction"];
    abatement_bad_factor_reference: "abatement-bad-factor-reference" CHECK => 1, "error" "abatement.csv:2:7" ["bad-factor-reference"];

    // -- shipments.csv --
    bad_leg: "bad-leg" CHECK => 1, "error" "shipments.csv:2:2" ["bad-leg"];
    bad_lane: "bad-lane" CHECK => 1, "error" "shipments.csv:2:18" ["bad-lane"];
    bad_baseline: "bad-baseline" CHECK => 1, "error" "shipments.csv:2:15" ["bad-baseline"];
    bad_coordinates: "bad-coordinates" CHECK => 1, "error" "shipments.csv:2:11" ["bad-coordinates"];
    unknown_mode: "unknown-mode" CHECK => 1, "error" "shipments.csv:2:6" ["unknown-mode"];
    no_distance: "no-distance" CHECK => 1, "error" "shipments.csv:2:9" ["no-distance"];
    zero_distance: "zero-distance" CHECK => 1, "error" "shipments.csv:2:11" ["zero-distance"];
    saf_not_air: "saf-not-air" CHECK => 1, "error" "shipments.csv:2:19" ["saf-not-air"];
    bad_distance_basis: "bad-distance-basis" CHECK => 1, "error" "shipments.csv:2:11" ["bad-distance-basis"];
    // An air leg's actual distance against DESNZ air intensities, per great-circle tonne-km.
    distance_basis_mismatch: "distance-basis-mismatch" CHECK => 1, "error" "shipments.csv:2:11" ["distance-basis-mismatch"];
    unknown_operation: "unknown-operation" CHECK => 1, "error" "shipments.csv:2:12" ["unknown-operation"];
    bad_hub: "bad-hub" CHECK => 1, "error" "shipments.csv:2:12" ["bad-hub"];
    bad_temperature: "bad-temperature" CHECK => 1, "error" "shipments.csv:2:11" ["bad-temperature"];

    // -- operations.csv (ISO 14083 operation categories) --
    bad_operation: "operations-bad-operation" CHECK => 1, "error" "operations.csv:2:2" ["bad-operation"];
    operations_duplicate_row: "operations-duplicate-row" CHECK => 1, "error" "operations.csv:3:1" ["duplicate-row"];
    unused_operation: "unused-operation" CHECK => 0, "warning" "operations.csv:2" ["unused-operation"];
    // A factor per kWh on the gross calorific value beside diesel converted with IPCC's net one.
    mixed_calorific_basis: "mixed-calorific-basis" CHECK => 0, "warning" "carbonledger.toml:13:1" ["mixed-calorific-basis"];
    gwp_edition_mismatch: "gwp-edition-mismatch" CHECK => 0, "warning" "carbonledger.toml:32:1" ["gwp-edition-mismatch"];
    intensity_mode_mismatch: "intensity-mode-mismatch" CHECK => 1, "error" "shipments.csv:2:21" ["intensity-mode-mismatch"];
    missing_value_unit: "shipments-missing-value-unit" CHECK => 1, "error" "shipments.csv:2:10" ["missing-value-unit"];
    radiative_forcing_unset: "radiative-forcing-unset" CHECK => 1, "error" "shipments.csv:2:6" ["radiative-forcing-unset"];
    no_radiative_forcing_variant: "no-radiative-forcing-variant" CHECK => 1, "error" "shipments.csv:2:21" ["no-radiative-forcing-variant"];
    no_default_intensity: "no-default-intensity" CHECK => 1, "error" "shipments.csv:2:6" ["no-default-intensity"];
    no_baseline_distance: "no-baseline-distance" CHECK => 1, "error" "shipments.csv:2:16" ["no-baseline-distance"];
    no_distance_rule: "no-distance-rule" CHECK => 1, "error" "shipments.csv:2:9" ["no-distance-rule"];
    bad_factor_basis: "bad-factor-basis" CHECK => 1, "error" "shipments.csv:2:21" ["bad-factor-basis"];
    teu_intensity_needs_cargo_mass: "teu-intensity-needs-cargo-mass" CHECK => 1, "error" "shipments.csv:2:22" ["teu-intensity-needs-cargo-mass"];
    bad_factor: "bad-factor" CHECK => 1, "error" "shipments.csv:2:20" ["bad-factor"];
    leg_gap: "leg-gap" CHECK => 0, "warning" "shipments.csv:3:7" ["leg-gap"];

    // -- scope3.csv --
    bad_category: "scope3-bad-category" CHECK => 1, "error" "scope3.csv:2:1" ["bad-category"];
    scope3_duplicate_row: "scope3-duplicate-row" CHECK => 1, "error" "scope3.csv:3:1" ["duplicate-row"];
    unknown_method: "scope3-unknown-method" CHECK => 1, "error" "scope3.csv:2:6" ["unknown-method"];
    method_mismatch: "scope3-method-mismatch" CHECK => 1, "error" "scope3.csv:2:6" ["method-mismatch"];
    spend_currency_mismatch: "scope3-spend-currency-mismatch" CHECK => 1, "error" "scope3.csv:2:7" ["spend-currency-mismatch"];
    spend_price_year_mismatch: "scope3-spend-price-year-mismatch" CHECK => 1, "error" "scope3.csv:2:9" ["spend-price-year-mismatch"];
    scope3_bad_price_year: "scope3-bad-price-year" CHECK => 1, "error" "scope3.csv:2:9" ["bad-year"];
    bad_allocation: "scope3-bad-allocation" CHECK => 1, "error" "scope3.csv:2:12" ["bad-allocation"];
    zero_occupancy: "scope3-zero-occupancy" CHECK => 1, "error" "scope3.csv:2:8" ["zero-occupancy"];
    bad_conversion: "scope3-bad-conversion" CHECK => 1, "error" "scope3.csv:2:10" ["bad-conversion"];
    // -- products.csv, bom.csv, product_stages.csv --
    products_bad_id: "products-bad-id" CHECK => 1, "error" "products.csv:2:1" ["bad-id"];
    bad_year: "bad-year" CHECK => 1, "error" "products.csv:2:5" ["bad-year"];
    year_not_reported: "year-not-reported" CHECK => 1, "error" "products.csv:2:5" ["year-not-reported"];
    duplicate_product: "duplicate-product" CHECK => 1, "error" "products.csv:3:1" ["duplicate-product"];
    no_bill_of_materials: "no-bill-of-materials" CHECK => 0, "warning" "products.csv:2:1" ["no-bill-of-materials"];
    unknown_product: "unknown-product" CHECK => 1, "error" "bom.csv:2:1" ["unknown-product"];
    unknown_route: "unknown-route" CHECK => 1, "error" "bom.csv:2:9" ["unknown-route"];
    missing_route: "missing-route" CHECK => 1, "error" "bom.csv:3:9" ["missing-route"];
    bom_bad_share: "bom-bad-share" CHECK => 1, "error" "bom.csv:2:6" ["bad-share"];
    bom_duplicate_row: "bom-duplicate-row" CHECK => 1, "error" "bom.csv:3:2" ["duplicate-row"];
    factor_dimension_mismatch: "factor-dimension-mismatch" CHECK => 1, "error" "bom.csv:2:7" ["factor-dimension-mismatch"];
    not_an_emission_factor: "not-an-emission-factor" CHECK => 1, "error" "bom.csv:2:7" ["not-an-emission-factor"];
    // A register's fallback is a warning like a chain's, at the manifest that chooses editions
    // (it was silent for shipments and abatement, and attributed to products.csv).
    products_fallback: "products-fallback" CHECK => 0, "warning" "carbonledger.toml" ["fallback"];
    products_fallback_refused: "products-fallback" STRICT => 1, "error" "bom.csv:2:7" ["fallback-refused"];
    shipments_fallback: "shipments-fallback" CHECK => 0, "warning" "carbonledger.toml" ["fallback"];
    shipments_fallback_refused: "shipments-fallback" STRICT => 1, "error" "shipments.csv:2:21" ["fallback-refused"];
    abatement_fallback: "abatement-fallback" CHECK => 0, "warning" "carbonledger.toml" ["fallback"];
    abatement_fallback_refused: "abatement-fallback" STRICT => 1, "error" "abatement.csv:2:7" ["fallback-refused"];
    unknown_stage: "unknown-stage" CHECK => 1, "error" "product_stages.csv:2:2" ["unknown-stage"];
    unexpected_value: "unexpected-value" CHECK => 1, "error" "product_stages.csv:2:5" ["unexpected-value"];
    missing_factor: "missing-factor" CHECK => 1, "error" "product_stages.csv:2:6" ["missing-factor"];

    // -- claims.toml -- (the column is where the offending key starts; a unit that does not
    // fit its figure is reported at the claim's `figure` key)
    bad_claims: "bad-claims" CHECK => 1, "error" "claims.toml:7:1" ["bad-claims"];
    // A claims.toml of no bytes (or blanks only) is a file cut short, not a list of no claims.
    claims_empty_file: "claims-empty-file" VERIFY => 1, "error" "claims.toml" ["empty-file"];
    claims_empty_file_check: "claims-empty-file" CHECK => 1, "error" "claims.toml" ["empty-file"];
    unknown_relation: "unknown-relation" CHECK => 1, "error" "claims.toml:8:1" ["unknown-relation"];
    bad_printed_value: "bad-printed-value" CHECK => 1, "error" "claims.toml:9:1" ["bad-printed-value"];
    relation_mismatch: "relation-mismatch" CHECK => 1, "error" "claims.toml:9:1" ["relation-mismatch"];
    bad_precision: "bad-precision" CHECK => 1, "error" "claims.toml:10:1" ["bad-precision"];
    duplicate_claim: "duplicate-claim" CHECK => 1, "error" "claims.toml:12:1" ["duplicate-claim"];
    // Found once the figure is known: check evaluates the claims too (it exited 0 here).
    claim_unit_mismatch: "claim-unit-mismatch" CHECK => 1, "error" "claims.toml:7:1" ["claim-unit-mismatch"];
    claim_unit_mismatch_verify: "claim-unit-mismatch" VERIFY => 1, "error" "claims.toml:7:1" ["claim-unit-mismatch"];
    // A figure no input produces (a misspelling, or an input not given yet) is named where it
    // is written; verify reports the claim as not computed.
    unknown_figure: "unknown-figure" CHECK => 0, "warning" "claims.toml:7:1" ["unknown-figure"];
    // A finding about the publication: verify warns (and exits 1 on the claim the figure
    // contradicts); check says nothing.
    claim_factor_conflict: "claim-factor-conflict" VERIFY => 1, "warning" "claims.toml:19:1" ["claim-factor-conflict"];
    unknown_figure_verify: "unknown-figure" VERIFY => 1, "warning" "claims.toml:7:1" ["unknown-figure"];

    // -- every input file: the file-level problems (header, encoding, quotes, field count)
    // and the row-level problems each file shares with the others; the defect is on line 3
    // (line 1 for the header), after a valid row. check and compute both refuse each one.
    abatement_ambiguous_number: "abatement-ambiguous-number" CHECK => 1, "error" "abatement.csv:3:5" ["ambiguous-number"];
    abatement_bad_period: "abatement-bad-period" CHECK => 1, "error" "abatement.csv:3:3" ["bad-period"];
    abatement_duplicate_column: "abatement-duplicate-column" CHECK => 1, "error" "abatement.csv:1:12" ["duplicate-column"];
    abatement_duplicate_row: "abatement-duplicate-row" CHECK => 1, "error" "abatement.csv:3:1" ["duplicate-row"];
    abatement_empty_file: "abatement-empty-file" CHECK => 1, "error" "abatement.csv" ["empty-file"];
    abatement_malformed_csv: "abatement-malformed-csv" CHECK => 1, "error" "abatement.csv:3:11" ["malformed-csv"];
    abatement_malformed_number: "abatement-malformed-number" CHECK => 1, "error" "abatement.csv:3:5" ["malformed-number"];
    abatement_missing_column: "abatement-missing-column" CHECK => 1, "error" "abatement.csv:1:2" ["missing-column"];
    abatement_missing_value: "abatement-missing-value" CHECK => 1, "error" "abatement.csv:3:10" ["missing-value"];
    abatement_negative_quantity: "abatement-negative-quantity" CHECK => 1, "error" "abatement.csv:3:5" ["negative-quantity"];
    abatement_not_utf8: "abatement-not-utf8" CHECK => 1, "error" "abatement.csv:3:11" ["not-utf8"];
    abatement_period_outside_reporting_years: "abatement-period-outside-reporting-years" CHECK => 1, "error" "abatement.csv:3:3" ["period-outside-reporting-years"];
    abatement_supplier_missing_displaces: "abatement-supplier-missing-displaces" CHECK => 1, "error" "abatement.csv:2:7" ["missing-value"];
    abatement_unknown_column: "abatement-unknown-column" CHECK => 1, "error" "abatement.csv:1:12" ["unknown-column"];
    abatement_unknown_facility: "abatement-unknown-facility" CHECK => 1, "error" "abatement.csv:3:2" ["unknown-facility"];
    abatement_unknown_factor: "abatement-unknown-factor" CHECK => 1, "error" "abatement.csv:3:7" ["unknown-factor"];
    abatement_unknown_unit: "abatement-unknown-unit" CHECK => 1, "error" "abatement.csv:3:6" ["unknown-unit"];
    abatement_unterminated_quote: "abatement-unterminated-quote" CHECK => 1, "error" "abatement.csv:3:11" ["unterminated-quote"];
    abatement_wrong_dimension: "abatement-wrong-dimension" CHECK => 1, "error" "abatement.csv:3:6" ["wrong-dimension"];
    abatement_wrong_field_count: "abatement-wrong-field-count" CHECK => 1, "error" "abatement.csv:3:10" ["wrong-field-count"];
    bom_bad_factor_reference: "bom-bad-factor-reference" CHECK => 1, "error" "bom.csv:3:7" ["bad-factor-reference"];
    bom_duplicate_column: "bom-duplicate-column" CHECK => 1, "error" "bom.csv:1:11" ["duplicate-column"];
    bom_empty_file: "bom-empty-file" CHECK => 1, "error" "bom.csv" ["empty-file"];
    bom_malformed_csv: "bom-malformed-csv" CHECK => 1, "error" "bom.csv:3:10" ["malformed-csv"];
    bom_malformed_number: "bom-malformed-number" CHECK => 1, "error" "bom.csv:3:4" ["malformed-number"];
    bom_missing_column: "bom-missing-column" CHECK => 1, "error" "bom.csv:1:2" ["missing-column"];
    bom_missing_factor: "bom-missing-factor" CHECK => 1, "error" "bom.csv:3:7" ["missing-factor"];
    bom_missing_value: "bom-missing-value" CHECK => 1, "error" "bom.csv:3:3" ["missing-value"];
    bom_missing_value_mass: "bom-missing-value-mass" CHECK => 1, "error" "bom.csv:3:4" ["missing-value"];
    bom_negative_quantity: "bom-negative-quantity" CHECK => 1, "error" "bom.csv:3:4" ["negative-quantity"];
    bom_not_utf8: "bom-not-utf8" CHECK => 1, "error" "bom.csv:3:10" ["not-utf8"];
    bom_unknown_column: "bom-unknown-column" CHECK => 1, "error" "bom.csv:1:11" ["unknown-column"];
    bom_unknown_factor: "bom-unknown-factor" CHECK => 1, "error" "bom.csv:3:7" ["unknown-factor"];
    bom_unknown_product: "bom-unknown-product" CHECK => 1, "error" "bom.csv:3:1" ["unknown-product"];
    bom_unknown_unit: "bom-unknown-unit" CHECK => 1, "error" "bom.csv:3:5" ["unknown-unit"];
    bom_unterminated_quote: "bom-unterminated-quote" CHECK => 1, "error" "bom.csv:3:10" ["unterminated-quote"];
    bom_wrong_dimension: "bom-wrong-dimension" CHECK => 1, "error" "bom.csv:3:5" ["wrong-dimension"];
    bom_wrong_field_count: "bom-wrong-field-count" CHECK => 1, "error" "bom.csv:3:9" ["wrong-field-count"];
    facilities_duplicate_column: "facilities-duplicate-column" CHECK => 1, "error" "facilities.csv:1:8" ["duplicate-column"];
    facilities_empty_file: "facilities-empty-file" CHECK => 1, "error" "facilities.csv" ["empty-file"];
    facilities_malformed_csv: "facilities-malformed-csv" CHECK => 1, "error" "facilities.csv:3:7" ["malformed-csv"];
    facilities_missing_column: "facilities-missing-column" CHECK => 1, "error" "facilities.csv:1:2" ["missing-column"];
    facilities_not_utf8: "facilities-not-utf8" CHECK => 1, "error" "facilities.csv:3:7" ["not-utf8"];
    facilities_unknown_column: "facilities-unknown-column" CHECK => 1, "error" "facilities.csv:1:8" ["unknown-column"];
    facilities_unterminated_quote: "facilities-unterminated-quote" CHECK => 1, "error" "facilities.csv:3:7" ["unterminated-quote"];
    facilities_wrong_field_count: "facilities-wrong-field-count" CHECK => 1, "error" "facilities.csv:3:6" ["wrong-field-count"];
    fugitive_bad_period: "fugitive-bad-period" CHECK => 1, "error" "fugitive.csv:3:2" ["bad-period"];
    fugitive_duplicate_column: "fugitive-duplicate-column" CHECK => 1, "error" "fugitive.csv:1:8" ["duplicate-column"];
    fugitive_duplicate_row: "fugitive-duplicate-row" CHECK => 1, "error" "fugitive.csv:3:1" ["duplicate-row"];
    fugitive_empty_file: "fugitive-empty-file" CHECK => 1, "error" "fugitive.csv" ["empty-file"];
    fugitive_malformed_csv: "fugitive-malformed-csv" CHECK => 1, "error" "fugitive.csv:3:7" ["malformed-csv"];
    fugitive_missing_column: "fugitive-missing-column" CHECK => 1, "error" "fugitive.csv:1:2" ["missing-column"];
    fugitive_negative_quantity: "fugitive-negative-quantity" CHECK => 1, "error" "fugitive.csv:3:4" ["negative-quantity"];
    fugitive_not_utf8: "fugitive-not-utf8" CHECK => 1, "error" "fugitive.csv:3:7" ["not-utf8"];
    fugitive_unknown_column: "fugitive-unknown-column" CHECK => 1, "error" "fugitive.csv:1:8" ["unknown-column"];
    fugitive_unknown_facility: "fugitive-unknown-facility" CHECK => 1, "error" "fugitive.csv:3:1" ["unknown-facility"];
    fugitive_unterminated_quote: "fugitive-unterminated-quote" CHECK => 1, "error" "fugitive.csv:3:7" ["unterminated-quote"];
    fugitive_wrong_field_count: "fugitive-wrong-field-count" CHECK => 1, "error" "fugitive.csv:3:6" ["wrong-field-count"];
    instruments_ambiguous_number: "instruments-ambiguous-number" CHECK => 1, "error" "instruments.csv:3:5" ["ambiguous-number"];
    instruments_bad_factor_reference: "instruments-bad-factor-reference" CHECK => 1, "error" "instruments.csv:3:10" ["bad-factor-reference"];
    instruments_bad_period: "instruments-bad-period" CHECK => 1, "error" "instruments.csv:3:4" ["bad-period"];
    instruments_bad_vintage: "instruments-bad-vintage" CHECK => 1, "error" "instruments.csv:2:8" ["bad-period"];
    instruments_duplicate_column: "instruments-duplicate-column" CHECK => 1, "error" "instruments.csv:1:12" ["duplicate-column"];
    instruments_duplicate_row: "instruments-duplicate-row" CHECK => 1, "error" "instruments.csv:3:1" ["duplicate-row"];
    instruments_empty_file: "instruments-empty-file" CHECK => 1, "error" "instruments.csv" ["empty-file"];
    instruments_gec_missing_vintage: "instruments-gec-missing-vintage" CHECK => 1, "error" "instruments.csv:2:8" ["missing-value"];
    instruments_malformed_csv: "instruments-malformed-csv" CHECK => 1, "error" "instruments.csv:3:11" ["malformed-csv"];
    instruments_malformed_number: "instruments-malformed-number" CHECK => 1, "error" "instruments.csv:3:5" ["malformed-number"];
    instruments_missing_column: "instruments-missing-column" CHECK => 1, "error" "instruments.csv:1:2" ["missing-column"];
    instruments_missing_value: "instruments-missing-value" CHECK => 1, "error" "instruments.csv:3:1" ["missing-value"];
    instruments_missing_value_market: "instruments-missing-value-market" CHECK => 1, "error" "instruments.csv:3:7" ["missing-value"];
    instruments_negative_quantity: "instruments-negative-quantity" CHECK => 1, "error" "instruments.csv:3:5" ["negative-quantity"];
    instruments_zero_instrument: "instruments-zero-instrument" CHECK => 1, "error" "instruments.csv:2:5" ["zero-instrument"];
    instruments_not_utf8: "instruments-not-utf8" CHECK => 1, "error" "instruments.csv:3:11" ["not-utf8"];
    instruments_period_outside_reporting_years: "instruments-period-outside-reporting-years" CHECK => 1, "error" "instruments.csv:3:4" ["period-outside-reporting-years"];
    instruments_supplier_specific_missing_factor: "instruments-supplier-specific-missing-factor" CHECK => 1, "error" "instruments.csv:2:10" ["missing-value"];
    instruments_unknown_column: "instruments-unknown-column" CHECK => 1, "error" "instruments.csv:1:12" ["unknown-column"];
    instruments_unknown_facility: "instruments-unknown-facility" CHECK => 1, "error" "instruments.csv:3:3" ["unknown-facility"];
    instruments_unknown_factor: "instruments-unknown-factor" CHECK => 1, "error" "instruments.csv:3:10" ["unknown-factor"];
    instruments_unknown_unit: "instruments-unknown-unit" CHECK => 1, "error" "instruments.csv:3:6" ["unknown-unit"];
    instruments_unterminated_quote: "instruments-unterminated-quote" CHECK => 1, "error" "instruments.csv:3:11" ["unterminated-quote"];
    instruments_wrong_dimension: "instruments-wrong-dimension" CHECK => 1, "error" "instruments.csv:3:6" ["wrong-dimension"];
    instruments_wrong_field_count: "instruments-wrong-field-count" CHECK => 1, "error" "instruments.csv:3:10" ["wrong-field-count"];
    products_duplicate_column: "products-duplicate-column" CHECK => 1, "error" "products.csv:1:8" ["duplicate-column"];
    products_empty_file: "products-empty-file" CHECK => 1, "error" "products.csv" ["empty-file"];
    products_malformed_csv: "products-malformed-csv" CHECK => 1, "error" "products.csv:3:7" ["malformed-csv"];
    products_missing_column: "products-missing-column" CHECK => 1, "error" "products.csv:1:2" ["missing-column"];
    products_missing_value: "products-missing-value" CHECK => 1, "error" "products.csv:3:2" ["missing-value"];
    products_not_utf8: "products-not-utf8" CHECK => 1, "error" "products.csv:3:7" ["not-utf8"];
    products_unknown_column: "products-unknown-column" CHECK => 1, "error" "products.csv:1:8" ["unknown-column"];
    products_unknown_facility: "products-unknown-facility" CHECK => 1, "error" "products.csv:3:6" ["unknown-facility"];
    products_unterminated_quote: "products-unterminated-quote" CHECK => 1, "error" "products.csv:3:7" ["unterminated-quote"];
    products_wrong_field_count: "products-wrong-field-count" CHECK => 1, "error" "products.csv:3:6" ["wrong-field-count"];
    shipments_bad_factor_reference: "shipments-bad-factor-reference" CHECK => 1, "error" "shipments.csv:3:21" ["bad-factor-reference"];
    shipments_bad_period: "shipments-bad-period" CHECK => 1, "error" "shipments.csv:3:3" ["bad-period"];
    shipments_bad_share: "shipments-bad-share" CHECK => 1, "error" "shipments.csv:3:19" ["bad-share"];
    shipments_duplicate_column: "shipments-duplicate-column" CHECK => 1, "error" "shipments.csv:1:25" ["duplicate-column"];
    shipments_duplicate_row: "shipments-duplicate-row" CHECK => 1, "error" "shipments.csv:3:2" ["duplicate-row"];
    shipments_empty_file: "shipments-empty-file" CHECK => 1, "error" "shipments.csv" ["empty-file"];
    shipments_malformed_csv: "shipments-malformed-csv" CHECK => 1, "error" "shipments.csv:3:24" ["malformed-csv"];
    shipments_malformed_number: "shipments-malformed-number" CHECK => 1, "error" "shipments.csv:3:9" ["malformed-number"];
    shipments_missing_column: "shipments-missing-column" CHECK => 1, "error" "shipments.csv:1:2" ["missing-column"];
    shipments_missing_value: "shipments-missing-value" CHECK => 1, "error" "shipments.csv:3:1" ["missing-value"];
    shipments_negative_quantity: "shipments-negative-quantity" CHECK => 1, "error" "shipments.csv:3:4" ["negative-quantity"];
    shipments_not_utf8: "shipments-not-utf8" CHECK => 1, "error" "shipments.csv:3:24" ["not-utf8"];
    shipments_period_outside_reporting_years: "shipments-period-outside-reporting-years" CHECK => 1, "error" "shipments.csv:3:3" ["period-outside-reporting-years"];
    shipments_unknown_column: "shipments-unknown-column" CHECK => 1, "error" "shipments.csv:1:25" ["unknown-column"];
    shipments_unknown_edition: "shipments-unknown-edition" CHECK => 1, "error" "shipments.csv:3:21" ["unknown-edition"];
    shipments_unknown_factor: "shipments-unknown-factor" CHECK => 1, "error" "shipments.csv:3:21" ["unknown-factor"];
    shipments_unknown_unit: "shipments-unknown-unit" CHECK => 1, "error" "shipments.csv:3:5" ["unknown-unit"];
    shipments_unterminated_quote: "shipments-unterminated-quote" CHECK => 1, "error" "shipments.csv:3:24" ["unterminated-quote"];
    shipments_wrong_dimension: "shipments-wrong-dimension" CHECK => 1, "error" "shipments.csv:3:10" ["wrong-dimension"];
    shipments_wrong_field_count: "shipments-wrong-field-count" CHECK => 1, "error" "shipments.csv:3:23" ["wrong-field-count"];
    solar_ambiguous_number: "solar-ambiguous-number" CHECK => 1, "error" "solar.csv:3:3" ["ambiguous-number"];
    solar_bad_period: "solar-bad-period" CHECK => 1, "error" "solar.csv:3:2" ["bad-period"];
    solar_duplicate_column: "solar-duplicate-column" CHECK => 1, "error" "solar.csv:1:8" ["duplicate-column"];
    solar_duplicate_row: "solar-duplicate-row" CHECK => 1, "error" "solar.csv:3:2" ["duplicate-row"];
    solar_empty_file: "solar-empty-file" CHECK => 1, "error" "solar.csv" ["empty-file"];
    solar_malformed_csv: "solar-malformed-csv" CHECK => 1, "error" "solar.csv:3:7" ["malformed-csv"];
    solar_malformed_number: "solar-malformed-number" CHECK => 1, "error" "solar.csv:3:3" ["malformed-number"];
    solar_missing_column: "solar-missing-column" CHECK => 1, "error" "solar.csv:1:2" ["missing-column"];
    solar_missing_value: "solar-missing-value" CHECK => 1, "error" "solar.csv:3:1" ["missing-value"];
    solar_negative_quantity: "solar-negative-quantity" CHECK => 1, "error" "solar.csv:3:5" ["negative-quantity"];
    solar_not_utf8: "solar-not-utf8" CHECK => 1, "error" "solar.csv:3:7" ["not-utf8"];
    solar_overflow: "solar-overflow" CHECK => 1, "error" "solar.csv:3:3" ["overflow"];
    solar_period_outside_reporting_years: "solar-period-outside-reporting-years" CHECK => 1, "error" "solar.csv:3:2" ["period-outside-reporting-years"];
    solar_unknown_column: "solar-unknown-column" CHECK => 1, "error" "solar.csv:1:8" ["unknown-column"];
    solar_unknown_facility: "solar-unknown-facility" CHECK => 1, "error" "solar.csv:3:1" ["unknown-facility"];
    solar_unknown_unit: "solar-unknown-unit" CHECK => 1, "error" "solar.csv:3:6" ["unknown-unit"];
    solar_unterminated_quote: "solar-unterminated-quote" CHECK => 1, "error" "solar.csv:3:7" ["unterminated-quote"];
    solar_wrong_dimension: "solar-wrong-dimension" CHECK => 1, "error" "solar.csv:3:6" ["wrong-dimension"];
    solar_wrong_field_count: "solar-wrong-field-count" CHECK => 1, "error" "solar.csv:3:6" ["wrong-field-count"];
    stages_ambiguous_number: "stages-ambiguous-number" CHECK => 1, "error" "product_stages.csv:3:3" ["ambiguous-number"];
    stages_bad_factor_reference: "stages-bad-factor-reference" CHECK => 1, "error" "product_stages.csv:3:6" ["bad-factor-reference"];
    stages_duplicate_column: "stages-duplicate-column" CHECK => 1, "error" "product_stages.csv:1:8" ["duplicate-column"];
    stages_duplicate_row: "stages-duplicate-row" CHECK => 1, "error" "product_stages.csv:3:1" ["duplicate-row"];
    stages_empty_file: "stages-empty-file" CHECK => 1, "error" "product_stages.csv" ["empty-file"];
    stages_malformed_csv: "stages-malformed-csv" CHECK => 1, "error" "product_stages.csv:3:7" ["malformed-csv"];
    stages_malformed_number: "stages-malformed-number" CHECK => 1, "error" "product_stages.csv:3:3" ["malformed-number"];
    stages_missing_column: "stages-missing-column" CHECK => 1, "error" "product_stages.csv:1:2" ["missing-column"];
    stages_missing_value: "stages-missing-value" CHECK => 1, "error" "product_stages.csv:3:1" ["missing-value"];
    stages_negative_quantity: "stages-negative-quantity" CHECK => 1, "error" "product_stages.csv:3:3" ["negative-quantity"];
    stages_not_utf8: "stages-not-utf8" CHECK => 1, "error" "product_stages.csv:3:7" ["not-utf8"];
    stages_unknown_column: "stages-unknown-column" CHECK => 1, "error" "product_stages.csv:1:8" ["unknown-column"];
    stages_unknown_factor: "stages-unknown-factor" CHECK => 1, "error" "product_stages.csv:3:6" ["unknown-factor"];
    stages_unknown_product: "stages-unknown-product" CHECK => 1, "error" "product_stages.csv:3:1" ["unknown-product"];
    stages_unknown_unit: "stages-unknown-unit" CHECK => 1, "error" "product_stages.csv:3:4" ["unknown-unit"];
    stages_unterminated_quote: "stages-unterminated-quote" CHECK => 1, "error" "product_stages.csv:3:7" ["unterminated-quote"];
    stages_wrong_dimension: "stages-wrong-dimension" CHECK => 1, "error" "product_stages.csv:3:4" ["wrong-dimension"];
    stages_wrong_field_count: "stages-wrong-field-count" CHECK => 1, "error" "product_stages.csv:3:6" ["wrong-field-count"];
}

/// Kebab-case string literals in the source that are not diagnostic codes.
const NOT_CODES: &[(&str, &str)] = &[
    ("ipcc-2006", "a factor set name"),
    ("ipcc-gwp", "a factor set name"),
    ("gbt-2589", "a factor set name"),
    ("iso-14083", "a factor set name"),
    ("desnz-fuels", "a factor set name"),
    ("desnz-refrigerants", "a factor set name"),
    ("cn-mee-grid", "a factor set name"),
    ("nz-mfe-refrigeration", "a factor set name"),
    ("refrigerant-blends", "a factor set name"),
    ("default-values", "an edition name (icao-corsia)"),
    ("built-in", "the origin of an edition"),
    ("daf-included", "a token of a factor's basis column"),
    ("i-rec", "an instrument kind"),
    ("cut-off", "the recycled-content method"),
    ("pre-treatment", "an end-of-life route alias"),
    ("t-km", "a unit alias"),
    ("kg-km", "a unit alias"),
    ("tonne-km", "a unit alias"),
    ("electricity-change", "a claim id in the init template"),
    ("chart-scopes", "a chart id (report)"),
    ("chart-energy", "a chart id (report)"),
    ("chart-facilities", "a chart id (report)"),
    ("chart-trend", "a chart id (report)"),
    ("chart-bridge", "a chart id (report)"),
    ("non-energy", "a label of the bridge chart"),
    ("desnz-fuels", "a factor set name"),
    ("desnz-electricity", "a factor set name"),
    ("desnz-wtt", "a factor set name"),
    ("desnz-travel", "a factor set name"),
    ("desnz-travel-wtt", "a factor set name"),
    ("average-data", "a scope 3 method's name"),
    ("spend-based", "a scope 3 method's name"),
    ("supplier-specific", "a scope 3 method's name"),
    ("well-to-tank", "a label of a category 3 line"),
    ("passenger-km", "a unit alias"),
    ("room-night", "a unit alias"),
    ("room-nights", "a unit alias"),
];

/// Codes that no input can trigger, with the reason.
const UNREACHABLE: &[(&str, &str)] = &[
    // Raised only by `--engine datafusion`, which the default build (that runs these cases)
    // does not have; tests/engine.rs pins it in `--features engine` builds.
    ("engine-error", "only in builds with --features engine"),
    // Raised when the code's own bookkeeping is inconsistent (products: no kg unit in the
    // unit table), not by any input.
    ("internal", "an invariant of the unit table"),
    // A project's edition folder must say the set and edition it lives in
    // (edition-path-mismatch) and folder names are unique, so two project editions cannot
    // collide; built-in editions are checked by tests/factor_library.rs.
    (
        "duplicate-edition",
        "folder paths make project editions unique",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The string literal that opens at byte `at` (a `"`), if it is code-like.
fn literal_at(text: &str, at: usize) -> Option<&str> {
    let rest = &text[at + 1..];
    let end = rest.find('"')?;
    let s = &rest[..end];
    is_code(s).then_some(s)
}

/// Every diagnostic code in the library's source: each kebab-case string literal (outside
/// comments) that is not in NOT_CODES, and each one-word literal passed where a code goes
/// (`Diagnostic::error(`, `Diagnostic::warning(`, `code:`, and the modules' `error(`, `err(`,
/// `fail(` helpers, whose first argument is the code).
fn codes_in_src() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut codes = BTreeSet::new();
    for f in files {
        let text: String = fs::read_to_string(&f)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices('"') {
            let before = if i == 0 { b' ' } else { bytes[i - 1] };
            if before.is_ascii_alphanumeric() || before == b'"' {
                continue;
            }
            if let Some(s) = literal_at(&text, i) {
                if s.contains('-') && !NOT_CODES.iter().any(|(n, _)| *n == s) {
                    codes.insert(s.to_string());
                }
            }
        }
        for opener in [
            "Diagnostic::error(",
            "Diagnostic::warning(",
            "code: ",
            ".error(",
            "err(",
            "fail(",
        ] {
            for (i, _) in text.match_indices(opener) {
                let after = &text[i + opener.len()..];
                let skipped = after.len() - after.trim_start().len();
                let at = i + opener.len() + skipped;
                if bytes.get(at) == Some(&b'"') {
                    if let Some(s) = literal_at(&text, at) {
                        codes.insert(s.to_string());
                    }
                }
            }
        }
    }
    codes
}

#[test]
fn every_code_in_src_has_a_case() {
    let codes = codes_in_src();
    let pinned: BTreeSet<&str> = CASES.iter().map(|c| c.code).collect();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !pinned.contains(c.as_str()) && !UNREACHABLE.iter().any(|(u, _)| u == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes emitted in src/ with no case in tests/catalogue.rs (add fixtures/bad/<code>/ and a line to `catalogue!`): {missing:?}"
    );
    // The lists stay true: every pinned or listed code is in the source.
    for c in pinned.iter().chain(UNREACHABLE.iter().map(|(u, _)| u)) {
        assert!(
            codes.contains(*c),
            "`{c}` is listed here but no longer in src/"
        );
    }
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let all: String = files
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    for (n, _) in NOT_CODES {
        assert!(
            all.contains(&format!("\"{n}\"")),
            "NOT_CODES lists `{n}`, which is no longer in src/"
        );
    }
}

#[test]
fn every_case_folder_exists_and_is_run() {
    let folders: BTreeSet<String> = fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    for c in CASES {
        assert!(
            folders.contains(c.folder),
            "no folder fixtures/bad/{}",
            c.folder
        );
    }
    let run: BTreeSet<&str> = CASES.iter().map(|c| c.folder).collect();
    for f in folders.iter().filter(|f| *f != "base") {
        assert!(
            run.contains(f.as_str()),
            "fixtures/bad/{f} is not run by any test of tests/catalogue.rs"
        );
    }
}

/// The README's code list names every code.
#[test]
fn readme_lists_every_code() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Diagnostics")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    let missing: Vec<String> = codes_in_src()
        .into_iter()
        .filter(|c| !UNREACHABLE.iter().any(|(u, _)| u == c))
        .filter(|c| !section.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README `Diagnostics` does not list {missing:?}"
    );
}

/// The place of the first diagnostic of `c.code` on `dir` after `edit`, and the exit code.
fn place_after(c: &Case, edit: impl Fn(&Path)) -> (i32, Option<String>) {
    let dir = project(c.folder);
    edit(&dir);
    let (exit, err) = run_in(&dir, c.args);
    let _ = fs::remove_dir_all(&dir);
    let place = err
        .lines()
        .filter_map(parse)
        .find(|(_, _, code)| *code == c.code)
        .map(|(_, place, _)| place.to_string());
    (exit, place)
}

/// The cases whose diagnostic is in a CSV file at the top of the project, with their file.
fn csv_cases() -> impl Iterator<Item = (&'static Case, &'static str)> {
    CASES.iter().filter_map(|c| {
        let file = c.place.split(':').next()?;
        (file.ends_with(".csv") && !file.contains('/')).then_some((c, file))
    })
}

fn rewrite_csvs(dir: &Path, f: impl Fn(&[u8]) -> Vec<u8>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && p.extension().is_some_and(|x| x == "csv") {
            let bytes = fs::read(&p).unwrap();
            fs::write(&p, f(&bytes)).unwrap();
        }
    }
}

/// Issue #11: a CRLF copy of every case gives the same exit code and the same place (line
/// numbers counted from the bytes, whatever the line endings).
#[test]
fn every_csv_case_reports_the_same_place_with_crlf_line_endings() {
    assert!(csv_cases().count() > 200, "the CSV cases are all here");
    let mut wrong = Vec::new();
    for (c, _) in csv_cases() {
        let got = place_after(c, |dir| {
            rewrite_csvs(dir, |b| {
                let lf = String::from_utf8_lossy(b).replace("\r\n", "\n");
                if std::str::from_utf8(b).is_ok() {
                    lf.replace('\n', "\r\n").into_bytes()
                } else {
                    // Keep non-UTF-8 bytes as they are: only the line endings change.
                    let mut out = Vec::new();
                    for &x in b {
                        if x == b'\n' {
                            out.push(b'\r');
                        }
                        out.push(x);
                    }
                    out
                }
            })
        });
        if got != (c.exit, Some(c.place.to_string())) {
            wrong.push(format!(
                "{}: {got:?}, LF gives ({}, {})",
                c.folder, c.exit, c.place
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "CRLF changes the place:\n{}",
        wrong.join("\n")
    );
}

/// Issue #11: with a comment line before the header of every CSV, each diagnostic moves one
/// line down (header problems included), and nothing else changes.
#[test]
fn every_csv_case_reports_its_physical_line_after_a_comment_line() {
    let mut wrong = Vec::new();
    for (c, file) in csv_cases() {
        let got = place_after(c, |dir| {
            rewrite_csvs(dir, |b| {
                let mut out = b"# exported by a colleague's spreadsheet\n".to_vec();
                out.extend_from_slice(b);
                out
            })
        });
        let mut parts = c.place.splitn(3, ':');
        let (_, line, col) = (parts.next(), parts.next(), parts.next());
        let expected = match line.and_then(|l| l.parse::<u64>().ok()) {
            Some(l) => match col {
                Some(col) => format!("{file}:{}:{col}", l + 1),
                None => format!("{file}:{}", l + 1),
            },
            None => c.place.to_string(),
        };
        if got != (c.exit, Some(expected.clone())) {
            wrong.push(format!(
                "{}: {got:?}, expected ({}, {expected})",
                c.folder, c.exit
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "a comment line moves the place wrongly:\n{}",
        wrong.join("\n")
    );
}
