//! Renewables, market-based scope 2 and avoided emissions, computed by hand. Factors: MEE
//! 2023 electricity CO2 factors (North China 0.6361, national excluding market-traded
//! non-fossil 0.6096, national fossil 0.8273 kg CO2/kWh), IPCC 2006 natural gas (56 100 kg
//! CO2, 1 kg CH4, 0.1 kg N2O per TJ), AR5 GWPs (CH4 28, N2O 265), GB/T 2589-2020 electricity
//! 0.1229 kgce/kWh.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use carbonledger::diag::Diagnostic;
use carbonledger::ledger::Ledger;
use common::{d, manifest, project, run};
use rust_decimal::Decimal;
use std::path::Path;

const TWO: &str = "id,name,country,grid,equity_share_pct,operational_control,financial_control\n\
F1,Plant,CN,cn-mee-grid:north,100,yes,yes\n\
F2,JV plant,CN,cn-mee-grid:north,40,no,no\n";

/// 1 000 MWh at F1 in 2025; F2 (a 40% joint venture) 500 MWh.
const ENERGY: &str = "facility,period,carrier,quantity,unit\nF1,2025,electricity,1000,MWh\nF2,2025,electricity,500,MWh\n";

fn with(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn ledger(dir: &Path) -> Ledger {
    let (p, c) = run(dir, false);
    Ledger::from_computation(&p, c, false)
}

fn value(l: &Ledger, name: &str, year: i32) -> Decimal {
    l.figure(name, year)
        .unwrap()
        .unwrap_or_else(|| panic!("no figure {name} {year}"))
        .value
}

fn errors(l: &Ledger) -> Vec<&Diagnostic> {
    l.diagnostics.iter().filter(|d| d.is_error()).collect()
}

const INSTR_HEAD: &str =
    "id,kind,facility,period,quantity,unit,market,vintage,serials,factor,note\n";

/// Partial certificate cover: F1 consumed 1 000 MWh and redeems 300 GEC (300 MWh).
/// Market-based: 300 MWh × 0 + 700 MWh × 0.6096 t/MWh (residual-mix substitute) = 426.72 t.
/// Location-based: 1 000 × 0.6361 = 636.1 t. F2 is outside operational control (0%).
/// Renewable energy consumed: 300 MWh; share of 1 000 MWh consumed = 30%.
#[test]
fn market_based_with_partial_certificate_cover() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}G1,gec,F1,2025,300,MWh,CN,2025,GEC0001..GEC0300,,\n"),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    assert_eq!(value(&l, "ghg.scope2.location", 2025), d("636.1"));
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("426.72"));
    assert_eq!(value(&l, "ghg.total.market", 2025), d("426.72"));
    assert_eq!(value(&l, "energy.renewable", 2025), d("300"));
    assert_eq!(value(&l, "energy.renewable_share", 2025), d("30"));
}

/// Equity share: F2 at 40%, 500 MWh, 200 MWh of green power trade. Market-based:
/// (500 − 200) × 0.6096 × 0.4 = 73.152 t; renewable consumed 200 × 0.4 = 80 MWh. F1 has no
/// instruments: 1 000 × 0.6096 = 609.6 t. Location: (1 000 + 500 × 0.4) × 0.6361 = 763.32 t.
#[test]
fn market_based_under_equity_share() {
    let dir = project(&manifest("equity_share", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}T1,green_power_trade,F2,2025,200,MWh,CN,,,,\n"),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    assert_eq!(value(&l, "ghg.scope2.location", 2025), d("763.32"));
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("682.752"));
    assert_eq!(value(&l, "energy.renewable", 2025), d("80"));
}

/// Claiming 1 200 MWh against 1 000 MWh consumed is refused at the quantity column, and the
/// instrument is not applied: market-based stays 1 000 × 0.6096 = 609.6 t.
#[test]
fn an_over_claim_is_refused() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}A,green_power_trade,F1,2025,800,MWh,CN,,,,\nB,green_power_trade,F1,2025,400,MWh,CN,,,,\n"),
        )],
    );
    let l = ledger(&dir);
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].code, "over-claim");
    assert_eq!(
        e[0].span.to_string(),
        format!("{}:3:5", dir.join("instruments.csv").display())
    );
    assert!(
        e[0].message.contains("1200 MWh") && e[0].message.contains("1000 MWh"),
        "{}",
        e[0].message
    );
    assert_eq!(l.rejected_rows(), 1);
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("121.92")); // (1000 − 800) × 0.6096
}

/// The same certificate claimed twice — once in 2024, once in an overlapping 2025 range — is
/// refused with the serial and the earlier line.
#[test]
fn a_duplicate_certificate_serial_is_refused() {
    let energy = format!("{ENERGY}F1,2024,electricity,1000,MWh\n");
    let dir = project(&manifest("operational_control", "2023"), TWO, &energy, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!(
                "{INSTR_HEAD}G24,gec,F1,2024,100,MWh,CN,2024,GEC0001..GEC0100,,\nG25,gec,F1,2025,100,MWh,CN,2025,GEC0051..GEC0150,,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{e:?}");
    let dup = e.iter().find(|x| x.code == "duplicate-serial").unwrap();
    assert!(
        dup.message.contains("GEC0051") && dup.message.contains("line 2"),
        "{}",
        dup.message
    );
    assert_eq!(dup.span.line, 3);
    assert_eq!(dup.span.column, Some(9));
}

/// A certificate of 2023 vintage for 2025 consumption breaks the default rule (same year);
/// with `vintage_months_before = 3`, a 2024-10 certificate is accepted and a 2024-09 one not.
/// A certificate from another market is refused too.
#[test]
fn vintage_and_market_rules() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!(
                "{INSTR_HEAD}A,gec,F1,2025,10,MWh,CN,2023,,,\nB,i-rec,F1,2025,10,MWh,VN,2025,,,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let codes: Vec<&str> = errors(&l).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["vintage-outside-rule", "market-mismatch"]);

    let toml = format!(
        "{}\n[renewables]\nvintage_months_before = 3\n",
        manifest("operational_control", "2023")
    );
    let dir = project(&toml, TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}A,gec,F1,2025,10,MWh,CN,2024-10,,,\nB,gec,F1,2025,10,MWh,CN,2024-09,,,\n"),
        )],
    );
    let l = ledger(&dir);
    let e = errors(&l);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].code, e[0].span.line), ("vintage-outside-rule", 3));
}

/// An instrument of 0 MWh claims nothing. Zero certificates are no certificate: the row is
/// refused (an error on the quantity, column 5). A contract's month without delivery may be
/// true: the row is kept with a warning, and applies nothing — market-based stays
/// 1 000 MWh × 0.6096 t/MWh = 609.6 t (the residual-mix substitute of
/// `market_based_with_partial_certificate_cover`).
#[test]
fn an_instrument_of_nothing_is_refused_or_said() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!(
                "{INSTR_HEAD}G0,gec,F1,2025,0,MWh,CN,2025,,,\nP0,green_power_trade,F1,2025-03,0.000,MWh,CN,,,,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let zero: Vec<(bool, u64, usize)> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "zero-instrument")
        .map(|d| (d.is_error(), d.span.line, d.span.column.unwrap_or(0)))
        .collect();
    assert_eq!(zero, [(true, 2, 5), (false, 3, 5)], "{:?}", l.diagnostics);
    assert_eq!(errors(&l).len(), 1, "{:?}", l.diagnostics);
    let stats = l
        .files
        .iter()
        .find(|f| f.file.ends_with("instruments.csv"))
        .expect("instruments.csv is accounted for");
    assert_eq!((stats.read, stats.used, stats.rejected), (2, 1, 1));
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("609.6"));
}

/// Certificate serials must cover exactly the MWh claimed (one certificate per MWh).
#[test]
fn serial_count_must_match_the_quantity() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}A,gec,F1,2025,100,MWh,CN,2025,GEC0001..GEC0099,,\n"),
        )],
    );
    let codes: Vec<&str> = errors(&ledger(&dir)).iter().map(|e| e.code).collect();
    assert_eq!(codes, ["serial-count-mismatch"]);
}

const SOLAR_HEAD: &str = "facility,period,generated,self_consumed,exported,unit,note\n";

/// On-site solar: 120 MWh generated = 100 self-consumed + 20 exported. Energy consumed grows
/// by the 100 MWh only (1 000 + 100 = 1 100 MWh, tce 1 100 000 kWh × 0.1229 = 135.19 tce);
/// renewable 100 MWh (9.0909…% of 1 100); avoided at F1's location-based factor
/// 100 × 0.6361 = 63.61 t, implied 0.6361 t/MWh; the inventory is unchanged (636.1 t).
#[test]
fn onsite_solar_counts_in_energy_and_avoids_at_the_displaced_grid_factor() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "solar.csv",
            &format!("{SOLAR_HEAD}F1,2025,120,100,20,MWh,\n"),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    assert_eq!(value(&l, "energy.total", 2025), d("1100"));
    assert_eq!(value(&l, "energy.total_tce", 2025), d("135.19"));
    assert_eq!(value(&l, "energy.renewable", 2025), d("100"));
    assert_eq!(value(&l, "avoided.onsite_solar", 2025), d("63.61"));
    assert_eq!(
        l.implied_factor("avoided.onsite_solar", 2025).unwrap(),
        Some((d("0.6361"), "t CO2e/MWh".to_string()))
    );
    assert_eq!(value(&l, "ghg.total.location", 2025), d("636.1"));
    // Under the residual-mix policy the same solar avoids 100 × 0.6096 = 60.96 t.
    let toml = format!(
        "{}\n[renewables]\ndisplaced_grid = \"residual_mix\"\n",
        manifest("operational_control", "2023")
    );
    let dir = project(&toml, TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "solar.csv",
            &format!("{SOLAR_HEAD}F1,2025,120,100,20,MWh,\n"),
        )],
    );
    assert_eq!(
        value(&ledger(&dir), "avoided.onsite_solar", 2025),
        d("60.96")
    );
}

/// An annual solar row beside a quarter of the same facility counts the quarter's generation
/// twice: both were used and nothing was said (energy.csv warns about such rows). F1 2025
/// 100 MWh self-consumed and F1 2025-Q1 30 MWh: renewable 130 MWh (both rows are still used,
/// as overlapping energy rows are), with `overlapping-periods` at the quarter's period column
/// naming 2025-01-01 to 2025-03-31; a Q2 row beside the Q1 row shares no day. The same for an
/// abatement project's annual row beside its quarter.
#[test]
fn an_annual_solar_or_abatement_row_beside_its_quarter_is_warned_about() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[
            (
                "solar.csv",
                &format!("{SOLAR_HEAD}F1,2025,100,100,0,MWh,\nF1,2025-Q1,30,30,0,MWh,\nF2,2025-Q1,10,10,0,MWh,\nF2,2025-Q2,10,10,0,MWh,\n"),
            ),
            (
                "abatement.csv",
                "id,facility,period,kind,quantity,unit,displaces,efficiency,scope,status,note\nled,F1,2025-Q2,electricity_saved,10,MWh,,,scope2,realised,\nled,F1,2025,electricity_saved,50,MWh,,,scope2,realised,\n",
            ),
        ],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    // 100 + 30 (F1) + 40% × (10 + 10) (F2, equity 40%, not under operational control: 0) = 130.
    assert_eq!(value(&l, "energy.renewable.onsite_solar", 2025), d("130"));
    assert_eq!(value(&l, "abatement.led", 2025), d("60"));
    let warned: Vec<(u64, &str)> = l
        .diagnostics
        .iter()
        .filter(|x| x.code == "overlapping-periods")
        .map(|x| (x.span.line, x.message.as_str()))
        .collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert_eq!(warned[0].0, 3);
    assert!(
        warned[0].1.contains(
            "F1 on-site solar 2025-Q1 overlaps 2025 on line 2 (2025-01-01 to 2025-03-31)"
        ),
        "{warned:?}"
    );
    assert_eq!(warned[1].0, 3);
    assert!(
        warned[1]
            .1
            .contains("project `led` 2025 overlaps 2025-Q2 on line 2 (2025-04-01 to 2025-06-30)"),
        "{warned:?}"
    );
}

/// generated ≠ self_consumed + exported is refused at the `generated` column.
#[test]
fn a_solar_balance_mismatch_is_refused() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "solar.csv",
            &format!("{SOLAR_HEAD}F1,2025,120,100,15,MWh,\n"),
        )],
    );
    let l = ledger(&dir);
    let e = errors(&l);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code, "solar-imbalance");
    assert_eq!((e[0].span.line, e[0].span.column), (2, Some(3)));
    assert!(e[0].message.contains("120") && e[0].message.contains("115"));
    assert_eq!(l.rejected_rows(), 1);
    assert!(l.figure("avoided.onsite_solar", 2025).unwrap().is_none());
    assert_eq!(value(&l, "energy.total", 2025), d("1000"));
}

const ABATE_HEAD: &str =
    "id,facility,period,kind,quantity,unit,displaces,efficiency,scope,status,note\n";

/// Heat recovery: 900 GJ recovered that a 90%-efficient gas boiler would have made → 1 000 GJ
/// of natural gas not burnt = 1 TJ × (56 100 + 1 × 28 + 0.1 × 265) kg = 56.1545 t CO2e;
/// implied 56.1545 / 900 = 0.0623938… t/GJ. Electricity saved: 50 MWh × 0.6361 = 31.805 t.
/// A supplier's 1 000 MWh of PV, expected, × national fossil 0.8273 = 827.3 t (not in the total).
#[test]
fn abatement_heat_recovery_through_a_boiler_efficiency() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "abatement.csv",
            &format!(
                "{ABATE_HEAD}rto,F1,2025,heat_recovered,900,GJ,natural_gas,90%,scope1,realised,\n\
                 led,F1,2025,electricity_saved,50,MWh,,,scope2,realised,\n\
                 spv,,2025,supplier_renewable,1000,MWh,cn-mee-grid:national_fossil,,scope3.cat1,expected,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    assert_eq!(value(&l, "abatement.rto", 2025), d("900"));
    assert_eq!(value(&l, "avoided.rto", 2025), d("56.1545"));
    assert_eq!(value(&l, "avoided.led", 2025), d("31.805"));
    assert_eq!(value(&l, "avoided.spv", 2025), d("827.3"));
    assert_eq!(value(&l, "avoided.total", 2025), d("87.9595"));
    assert_eq!(value(&l, "avoided.expected", 2025), d("827.3"));
    let (implied, unit) = l.implied_factor("avoided.rto", 2025).unwrap().unwrap();
    assert_eq!(unit, "t CO2e/GJ");
    assert_eq!(implied.round_dp(6), d("0.062394"));
    // Avoided emissions never touch the inventory.
    assert_eq!(value(&l, "ghg.total.location", 2025), d("636.1"));
}

/// Bad abatement rows: unknown kind, a fuel that is not one, a missing efficiency.
#[test]
fn bad_abatement_rows_are_refused() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "abatement.csv",
            &format!(
                "{ABATE_HEAD}a,F1,2025,magic,1,GJ,,,scope1,realised,\n\
                 b,F1,2025,heat_recovered,1,GJ,electricity,0.9,scope1,realised,\n\
                 c,F1,2025,heat_recovered,1,GJ,natural_gas,,scope1,realised,\n\
                 d,F1,2025,electricity_saved,1,t,,,scope2,realised,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let codes: Vec<(u64, &str)> = errors(&l).iter().map(|e| (e.span.line, e.code)).collect();
    assert_eq!(
        codes,
        [
            (2, "unknown-abatement-kind"),
            (3, "unknown-fuel"),
            (4, "missing-value"),
            (5, "wrong-dimension")
        ]
    );
    assert_eq!(l.rejected_rows(), 4);
}

/// The reference fixture: renewable consumption over 54 000 MWh; on-site solar avoided prints
/// as 8,000 t at thousands; the supplier PV as 2.64万 t; the intensity still falls 7%.
#[test]
fn reference_fixture_renewables_claims() {
    let l = ledger(Path::new("fixtures/xiaomi-2025"));
    assert!(value(&l, "energy.renewable", 2025) > d("54000"));
    let solar = value(&l, "avoided.onsite_solar", 2025);
    assert_eq!((solar / d("1000")).round(), d("8"));
    let spv = value(&l, "avoided.supplier_pv", 2025);
    assert_eq!((spv / d("10000")).round_dp(2), d("2.64"));
    assert_eq!(
        value(&l, "change.intensity.ghg_per_energy", 2025).round(),
        d("-7")
    );
    assert_eq!(value(&l, "abatement.rto", 2025), d("38333"));
    assert_eq!(value(&l, "abatement.hypercasting", 2025), d("1820"));
    // Realised avoided emissions: solar, the realised projects and the logistics mode shift;
    // the expected supplier PV and the SAF reduction (inside scope 3) are not in the total.
    let parts = [
        "avoided.onsite_solar",
        "avoided.rto",
        "avoided.hypercasting",
        "avoided.logistics.mode_shift",
    ];
    let sum = parts
        .iter()
        .fold(Decimal::ZERO, |s, n| s + value(&l, n, 2025));
    assert_eq!(value(&l, "avoided.total", 2025), sum.round_dp(16));
    assert_eq!(value(&l, "avoided.expected", 2025), spv);
}

/// Fuel saved: 2 t of diesel no longer burnt (IPCC 2006: NCV 43.0 GJ/t → 86 GJ; CO2 74 100,
/// CH4 3, N2O 0.6 kg/TJ; AR5 28 and 265): 0.086 TJ × (74 100 + 84 + 159) kg/TJ = 6 393.498 kg.
#[test]
fn abatement_fuel_saved_by_mass() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "abatement.csv",
            &format!("{ABATE_HEAD}gen,F1,2025,fuel_saved,2,t,diesel,,scope1,realised,\n"),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    assert_eq!(value(&l, "abatement.gen", 2025), d("2"));
    assert_eq!(value(&l, "avoided.gen", 2025), d("6.393498"));
    assert_eq!(
        l.implied_factor("avoided.gen", 2025).unwrap(),
        Some((d("3.196749"), "t CO2e/t".to_string()))
    );
}

/// Under operational control F2 (not operated) is outside the boundary: its instrument is
/// reported with a warning and not applied, and is not mistaken for an over-claim.
#[test]
fn an_instrument_outside_the_boundary_is_reported_not_applied() {
    let dir = project(&manifest("operational_control", "2023"), TWO, ENERGY, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!("{INSTR_HEAD}T,green_power_trade,F2,2025,100,MWh,CN,,,,\n"),
        )],
    );
    let l = ledger(&dir);
    assert!(errors(&l).is_empty(), "{:?}", l.diagnostics);
    let w: Vec<&str> = l.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(w, ["outside-boundary"]);
    assert!(l.figure("energy.renewable", 2025).unwrap().is_none());
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("609.6"));
}

/// An instrument for a quarter covers that quarter's consumption only: F1 consumed 300 MWh in
/// 2025-Q1 (monthly rows 100 + 200) and 700 MWh later; 350 MWh for 2025-Q1 is refused though
/// the year's 1 000 MWh would cover it, 300 MWh is accepted. F2's consumption is one annual
/// row, which cannot be split: its quarterly instrument is checked against the year, with a
/// warning.
#[test]
fn an_instrument_for_a_quarter_is_checked_against_that_quarter() {
    let energy = "facility,period,carrier,quantity,unit\n\
        F1,2025-01,electricity,100,MWh\nF1,2025-02,electricity,200,MWh\n\
        F1,2025-Q2,electricity,700,MWh\nF2,2025,electricity,500,MWh\n";
    let dir = project(&manifest("equity_share", "2023"), TWO, energy, None);
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!(
                "{INSTR_HEAD}A,green_power_trade,F1,2025-Q1,350,MWh,CN,,,,\n\
                 B,green_power_trade,F1,2025-Q1,300,MWh,CN,,,,\n\
                 C,green_power_trade,F2,2025-Q1,100,MWh,CN,,,,\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let found: Vec<(u64, &str)> = l
        .diagnostics
        .iter()
        .map(|d| (d.span.line, d.code))
        .collect();
    assert_eq!(found, [(2, "over-claim"), (4, "period-not-checked")]);
    assert!(
        l.diagnostics[0].message.contains("2025-Q1")
            && l.diagnostics[0].message.contains("300 MWh")
    );
    // Renewable consumed: 300 (F1, share 1) + 100 × 0.4 (F2) = 340 MWh.
    assert_eq!(value(&l, "energy.renewable", 2025), d("340"));
}

/// Issue 16 goal 3: a facility's consumption in a quarter or month is looked up among its own
/// rows only (not by scanning every facility's), once per facility and period however many
/// instruments name it, and an instrument's own rate is resolved once per facility class
/// (a factor that cannot be resolved is still refused at every row that names it). The
/// results are the ones the full scan and the per-row resolution gave.
///
/// F1 (100 %) consumed 100 MWh in 2025-01 and 200 MWh in 2025-02 (300 MWh in 2025); F2 (40 %)
/// 50 MWh in 2025-01 and 300 MWh in one 2025-Q2 row (350 MWh in 2025).
///   line 2  A  F1 2025-01  60 MWh gec       accepted (60 of F1's 100 MWh, not of 150)
///   line 3  B  F1 2025-01  40 MWh gec       accepted (100 of 100)
///   line 4  C  F1 2025-01   1 MWh gec       over-claim: 101 MWh > 100 MWh
///   line 5  D  F1 2025-Q1 200 MWh gpt       accepted (200 of F1's Q1 300 MWh; year 300 of 300)
///   line 6  E  F2 2025-01  50 MWh gpt       accepted (50 of F2's 50 MWh)
///   line 7  F  F2 2025-01   1 MWh gpt       over-claim: 51 MWh > 50 MWh
///   line 8  G  F2 2025-04  10 MWh gpt       period-not-checked (F2's Q2 row is longer), accepted
///   line 9  H  F2 2025-04  10 MWh gpt       period-not-checked again, accepted
///   line 10 S  F2 2025-Q2 100 MWh supplier  accepted at national fossil 0.8273 t/MWh
///   line 11 T  F2 2025-Q2 100 MWh supplier  accepted (the same class chain)
///   line 12 X  F2 2025-Q2   1 MWh supplier  refused: no such factor key
///   line 13 Y  F2 2025-Q2   1 MWh supplier  refused again, at its own row
/// Renewable: F1 60 + 40 + 200 = 300 MWh; F2 (50 + 10 + 10) × 0.4 = 28 MWh → 328 MWh.
/// Market-based 2025: F1 nothing left (0 t). F2: 200 MWh × 0.8273 = 165.46 t and the
/// remainder 350 − 70 − 200 = 80 MWh × 0.6096 (residual-mix substitute) = 48.768 t, × 0.4 =
/// 66.184 + 19.5072 = 85.6912 t.
#[test]
fn instruments_check_each_facilitys_own_periods_once_and_resolve_own_rates_per_class() {
    let energy = "facility,period,carrier,quantity,unit\n\
        F1,2025-01,electricity,100,MWh\nF1,2025-02,electricity,200,MWh\n\
        F2,2025-01,electricity,50,MWh\nF2,2025-Q2,electricity,300,MWh\n";
    let dir = project(&manifest("equity_share", "2023"), TWO, energy, None);
    let fossil = "cn-mee-grid:national_fossil";
    let nowhere = "cn-mee-grid:no_such_key";
    with(
        &dir,
        &[(
            "instruments.csv",
            &format!(
                "{INSTR_HEAD}A,gec,F1,2025-01,60,MWh,CN,2025,S0001..S0060,,\n\
                 B,gec,F1,2025-01,40,MWh,CN,2025-01,S0061..S0100,,\n\
                 C,gec,F1,2025-01,1,MWh,CN,2025,S0101,,\n\
                 D,green_power_trade,F1,2025-Q1,200,MWh,CN,,,,\n\
                 E,green_power_trade,F2,2025-01,50,MWh,CN,,,,\n\
                 F,green_power_trade,F2,2025-01,1,MWh,CN,,,,\n\
                 G,green_power_trade,F2,2025-04,10,MWh,CN,,,,\n\
                 H,green_power_trade,F2,2025-04,10,MWh,CN,,,,\n\
                 S,supplier_specific,F2,2025-Q2,100,MWh,CN,,,{fossil},\n\
                 T,supplier_specific,F2,2025-Q2,100000,kWh,CN,,,{fossil},\n\
                 X,supplier_specific,F2,2025-Q2,1,MWh,CN,,,{nowhere},\n\
                 Y,supplier_specific,F2,2025-Q2,1,MWh,CN,,,{nowhere},\n"
            ),
        )],
    );
    let l = ledger(&dir);
    let found: Vec<(u64, &str)> = l
        .diagnostics
        .iter()
        .map(|d| (d.span.line, d.code))
        .collect();
    assert_eq!(
        found,
        [
            (4, "over-claim"),
            (7, "over-claim"),
            (8, "period-not-checked"),
            (9, "period-not-checked"),
            (12, "unknown-factor"),
            (13, "unknown-factor"),
        ],
        "{:#?}",
        l.diagnostics
    );
    let msg = |line: u64| {
        l.diagnostics
            .iter()
            .find(|d| d.span.line == line)
            .unwrap()
            .message
            .clone()
    };
    assert!(
        msg(4).contains("claim 101 MWh but it consumed 100 MWh"),
        "{}",
        msg(4)
    );
    assert!(
        msg(7).contains("claim 51 MWh but it consumed 50 MWh"),
        "{}",
        msg(7)
    );
    assert!(
        msg(12).contains("unknown factor `no_such_key`"),
        "{}",
        msg(12)
    );
    assert_eq!(msg(12), msg(13));
    assert_eq!(value(&l, "energy.renewable", 2025), d("328"));
    assert_eq!(value(&l, "ghg.scope2.market", 2025), d("85.6912"));
}
