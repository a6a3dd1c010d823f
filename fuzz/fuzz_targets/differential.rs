//! Differential: small valid projects built from the fuzz bytes, computed by the library
//! (`Project::open` + `Ledger::compute` over files written to a temporary folder) and by a
//! reference written here from the method alone: quantity × unit scale × factor × share,
//! summed in exact decimals, duplicates (same facility, period, carrier or gas, quantity and
//! unit) counted once.
//!
//! The projects: 1–3 Chinese facilities on a regional grid (or the national average), any
//! consolidation approach, equity shares with one decimal, operational and financial control
//! yes/no; electricity (kWh, MWh, 万kWh, GWh and Chinese spellings) and natural gas (GJ, TJ,
//! MJ, t) rows, and refrigerant leaks (kg, t, g), for 2024 and 2025 by year, quarter or month;
//! LF or CRLF files. Factors: cn-mee-grid 2022 for 2024 and 2021/2022/2023 for 2025 (the 2021
//! edition has only national values: regions fall back to `national`), IPCC 2006 natural gas
//! (NCV 48.0 GJ/t; CO2 56 100, CH4 1, N2O 0.1 kg/TJ), AR5 GWP-100 (CH4 28, N2O 265,
//! refrigerants from the same edition). Factor values are read from the built-in library's
//! edition tables by key, not through the calculation's resolver.
//!
//! Invariants checked: the project opens and computes; every row is read, and the rejected
//! rows are exactly the duplicates and the rows whose results need more than 12 decimal places
//! of the base unit (the library's documented limit for exact sums); for each year `ghg.scope2.location`, `ghg.scope1`, `ghg.scope1.co2`,
//! `ghg.scope1.fugitive`, `ghg.total.location`, `energy.total` and `energy.total_gj` equal the
//! reference exactly and are flagged exact.
#![no_main]

use arbitrary::Arbitrary;
use carbonledger::calc::RunOptions;
use carbonledger::factors::Library;
use carbonledger::ledger::Ledger;
use carbonledger::project::Project;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

#[derive(Arbitrary, Debug)]
struct Input {
    consolidation: u8,
    edition_2025: u8,
    crlf: bool,
    facilities: Vec<Fac>,
    energy: Vec<EnergyRow>,
    fugitive: Vec<FugitiveRow>,
}

#[derive(Arbitrary, Debug)]
struct Fac {
    region: u8,
    equity: u8,
    equity_tenths: u8,
    percent_sign: bool,
    operated: u8,
    financial: u8,
}

#[derive(Arbitrary, Debug)]
struct When {
    year_2025: bool,
    period: u8,
}

#[derive(Arbitrary, Debug)]
struct EnergyRow {
    facility: u8,
    when: When,
    gas: bool,
    spelling: u8,
    unit: u8,
    mantissa: u32,
    scale: u8,
}

#[derive(Arbitrary, Debug)]
struct FugitiveRow {
    facility: u8,
    when: When,
    gas: u8,
    unit: u8,
    mantissa: u32,
    scale: u8,
}

const REGIONS: [&str; 8] = [
    "north",
    "northeast",
    "east",
    "central",
    "northwest",
    "south",
    "southwest",
    "national",
];
const EDITIONS_2025: [&str; 3] = ["2023", "2022", "2021"];
/// (text, kWh per unit).
const ELECTRICITY_UNITS: [(&str, i64); 7] = [
    ("kWh", 1),
    ("千瓦时", 1),
    ("度", 1),
    ("MWh", 1_000),
    ("万kWh", 10_000),
    ("万千瓦时", 10_000),
    ("GWh", 1_000_000),
];
/// (text, MJ per unit, or 0 for tonnes).
const GAS_UNITS: [(&str, i64); 5] = [
    ("GJ", 1_000),
    ("TJ", 1_000_000),
    ("MJ", 1),
    ("t", 0),
    ("吨", 0),
];
/// (text as written, GWP key).
const GASES: [(&str, &str); 6] = [
    ("HFC-134a", "hfc-134a"),
    ("hfc134a", "hfc-134a"),
    ("r410a", "r-410a"),
    ("R-410A", "r-410a"),
    ("SF6", "sf6"),
    ("R-404A", "r-404a"),
];
/// (text, grams per unit).
const MASS_UNITS: [(&str, i64); 5] = [
    ("kg", 1000),
    ("千克", 1000),
    ("t", 1_000_000),
    ("吨", 1_000_000),
    ("g", 1),
];

fn library() -> &'static Library {
    static L: OnceLock<Library> = OnceLock::new();
    L.get_or_init(|| Library::builtin().unwrap_or_else(|d| panic!("built-in library: {d:?}")))
}

/// A factor value from an edition's table, checking its unit; falls back to the edition's
/// parent key as the method says.
fn factor(set: &str, edition: &str, key: &str, unit: &str) -> Decimal {
    let e = library()
        .edition(set, edition)
        .unwrap_or_else(|| panic!("no edition {set}@{edition}"));
    let f = e
        .factors
        .get(key)
        .or_else(|| e.fallback_key.as_ref().and_then(|k| e.factors.get(k)))
        .unwrap_or_else(|| panic!("no {key} in {set}@{edition}"));
    assert_eq!(f.unit_text, unit, "{set}@{edition}:{key}");
    f.value
}

fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let base = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("carbonledger-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fn period(w: &When) -> (i32, String) {
    let y = if w.year_2025 { 2025 } else { 2024 };
    let p = match w.period % 17 {
        0 => format!("{y}"),
        q @ 1..=4 => format!("{y}-Q{q}"),
        m => format!("{y}-{:02}", m - 4),
    };
    (y, p)
}

fn quantity(mantissa: u32, scale: u8) -> Decimal {
    Decimal::new(i64::from(mantissa.max(1)), u32::from(scale % 4))
}

/// Exact arithmetic for the reference (the library's checked product: exact or an error);
/// `None` when a value leaves Decimal's exact range (such inputs are skipped).
fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    carbonledger::decimal::mul(a, b).ok()
}

fn add(a: &mut Decimal, b: Decimal) -> Option<()> {
    *a = carbonledger::decimal::add(*a, b).ok()?;
    Some(())
}

#[derive(Default, Clone, Copy)]
struct Year {
    scope2_kg: Decimal,
    co2_kg: Decimal,
    ch4_kg_co2e: Decimal,
    n2o_kg_co2e: Decimal,
    fugitive_kg_co2e: Decimal,
    energy_j: Decimal,
}

/// Whether a row's results need more than the 12 decimal places of the base unit the
/// library sums exactly.
fn too_precise(values: &[Decimal]) -> bool {
    values.iter().any(|v| v.normalize().scale() > 12)
}

fn lf(lines: &[String], crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    lines.iter().map(|l| format!("{l}{end}")).collect()
}

/// Builds the project files and the reference figures; `None` when the reference leaves
/// exact range.
#[allow(clippy::type_complexity)]
fn build(input: &Input) -> Option<([String; 4], [Year; 2], (u64, u64), (u64, u64))> {
    let consolidation = ["operational_control", "financial_control", "equity_share"]
        [usize::from(input.consolidation % 3)];
    let ed_2025 = EDITIONS_2025[usize::from(input.edition_2025) % EDITIONS_2025.len()];
    let manifest = format!(
        "organisation = \"Fuzz\"\nreporting_years = [2024, 2025]\nbase_year = 2024\nconsolidation = \"{consolidation}\"\n\
         [years.2024.editions]\ncn-mee-grid = \"2022\"\nipcc-2006 = \"2006\"\nipcc-gwp = \"ar5\"\ngbt-2589 = \"2020\"\n\
         [years.2025.editions]\ncn-mee-grid = \"{ed_2025}\"\nipcc-2006 = \"2006\"\nipcc-gwp = \"ar5\"\ngbt-2589 = \"2020\"\n"
    );
    let facs: Vec<&Fac> = input.facilities.iter().take(3).collect();
    if facs.is_empty() {
        return None;
    }
    let yes_no = |v: u8| match v % 5 {
        0 => ("yes", true),
        1 => ("no", false),
        2 => ("是", true),
        3 => ("否", false),
        _ => ("", true),
    };
    let mut fac_lines = vec![
        "id,name,country,grid,equity_share_pct,operational_control,financial_control".to_string(),
    ];
    let mut shares = Vec::new();
    let mut regions = Vec::new();
    for (i, f) in facs.iter().enumerate() {
        let region = REGIONS[usize::from(f.region) % REGIONS.len()];
        let tenths = u32::from(f.equity % 101) * 10 + u32::from(f.equity_tenths % 10);
        let tenths = tenths.min(1000);
        let pct = Decimal::new(i64::from(tenths), 1);
        let (op_text, op) = yes_no(f.operated);
        let (fin_text, fin) = yes_no(f.financial);
        let share = match consolidation {
            "equity_share" => pct / Decimal::ONE_HUNDRED,
            "operational_control" => Decimal::from(u8::from(op)),
            _ => Decimal::from(u8::from(fin)),
        };
        fac_lines.push(format!(
            "F{i},Facility {i},CN,cn-mee-grid:{region},{pct}{},{op_text},{fin_text}",
            if f.percent_sign { "%" } else { "" }
        ));
        shares.push(share);
        regions.push(region);
    }

    let mut years = [Year::default(); 2];
    let ng = |key: &str, unit: &str| factor("ipcc-2006", "2006", key, unit);
    let gwp = |key: &str| factor("ipcc-gwp", "ar5", key, "kg CO2e/kg");

    let mut seen = HashSet::new();
    let mut energy_lines = vec!["facility,period,carrier,quantity,unit".to_string()];
    let mut energy_rejected = 0;
    for r in input.energy.iter().take(12) {
        let fi = usize::from(r.facility) % facs.len();
        let (y, p) = period(&r.when);
        let q = quantity(r.mantissa, r.scale);
        let share = shares[fi];
        let yr = &mut years[usize::from(y == 2025)];
        let (carrier, unit_text, key) = if r.gas {
            let (u, per) = GAS_UNITS[usize::from(r.unit) % GAS_UNITS.len()];
            let c = if r.spelling % 2 == 0 {
                "natural_gas"
            } else {
                "天然气"
            };
            (c, u, ("natural_gas", u, per))
        } else {
            let (u, per) = ELECTRICITY_UNITS[usize::from(r.unit) % ELECTRICITY_UNITS.len()];
            let c = if r.spelling % 2 == 0 {
                "electricity"
            } else {
                "电力"
            };
            (c, u, ("electricity", u, per))
        };
        energy_lines.push(format!("F{fi},{p},{carrier},{q},{unit_text}"));
        // The identity the duplicate check compares: canonical carrier and unit, value.
        let canon_unit = match unit_text {
            "千瓦时" | "度" => "kWh",
            "万千瓦时" => "万kWh",
            "吨" => "t",
            u => u,
        };
        let n = q.normalize();
        if !seen.insert((fi, p.clone(), key.0, canon_unit, n.mantissa(), n.scale())) {
            energy_rejected += 1;
            continue;
        }
        // The row's results after the share; a row whose results need more than 12 decimal
        // places of the base unit is refused (`inexact-row`, see src/calc/run.rs).
        if key.0 == "electricity" {
            let kwh = mul(q, Decimal::from(key.2))?;
            let grid_ed = if y == 2025 { ed_2025 } else { "2022" };
            let ef = factor("cn-mee-grid", grid_ed, regions[fi], "kg CO2/kWh");
            let co2 = mul(mul(kwh, ef)?, share)?;
            let j = mul(mul(kwh, Decimal::from(3_600_000))?, share)?;
            if too_precise(&[co2, j]) {
                energy_rejected += 1;
                continue;
            }
            add(&mut yr.scope2_kg, co2)?;
            add(&mut yr.energy_j, j)?;
        } else {
            // Energy in MJ: by unit, or tonnes × NCV (GJ/t).
            let mj = if key.2 == 0 {
                mul(mul(q, ng("natural_gas.ncv", "GJ/t"))?, Decimal::from(1000))?
            } else {
                mul(q, Decimal::from(key.2))?
            };
            let tj = mul(mj, Decimal::new(1, 6))?;
            let co2 = mul(mul(tj, ng("natural_gas.co2", "kg CO2/TJ"))?, share)?;
            let ch4_kg = mul(mul(tj, ng("natural_gas.ch4", "kg CH4/TJ"))?, share)?;
            let n2o_kg = mul(mul(tj, ng("natural_gas.n2o", "kg N2O/TJ"))?, share)?;
            let ch4 = mul(ch4_kg, gwp("ch4"))?;
            let n2o = mul(n2o_kg, gwp("n2o"))?;
            let total = co2.checked_add(ch4)?.checked_add(n2o)?;
            let j = mul(mul(mj, Decimal::from(1_000_000))?, share)?;
            if too_precise(&[co2, ch4_kg, n2o_kg, ch4, n2o, total, j]) {
                energy_rejected += 1;
                continue;
            }
            add(&mut yr.co2_kg, co2)?;
            add(&mut yr.ch4_kg_co2e, ch4)?;
            add(&mut yr.n2o_kg_co2e, n2o)?;
            add(&mut yr.energy_j, j)?;
        }
    }

    let mut fug_lines = vec!["facility,period,gas,quantity,unit".to_string()];
    let mut fug_rejected = 0;
    for r in input.fugitive.iter().take(8) {
        let fi = usize::from(r.facility) % facs.len();
        let (y, p) = period(&r.when);
        let q = quantity(r.mantissa, r.scale);
        let (gas_text, key) = GASES[usize::from(r.gas) % GASES.len()];
        let (unit_text, grams) = MASS_UNITS[usize::from(r.unit) % MASS_UNITS.len()];
        fug_lines.push(format!("F{fi},{p},{gas_text},{q},{unit_text}"));
        let canon_unit = match unit_text {
            "千克" => "kg",
            "吨" => "t",
            u => u,
        };
        let n = q.normalize();
        if !seen.insert((fi, p.clone(), key, canon_unit, n.mantissa(), n.scale())) {
            fug_rejected += 1;
            continue;
        }
        let kg = mul(
            mul(mul(q, Decimal::from(grams))?, Decimal::new(1, 3))?,
            shares[fi],
        )?;
        let co2e = mul(kg, gwp(key))?;
        if too_precise(&[kg, co2e]) {
            fug_rejected += 1;
            continue;
        }
        let yr = &mut years[usize::from(y == 2025)];
        add(&mut yr.fugitive_kg_co2e, co2e)?;
    }
    let n_energy = (energy_lines.len() - 1) as u64;
    let n_fug = (fug_lines.len() - 1) as u64;
    Some((
        [
            manifest,
            lf(&fac_lines, input.crlf),
            lf(&energy_lines, input.crlf),
            lf(&fug_lines, input.crlf),
        ],
        years,
        (n_energy, energy_rejected),
        (n_fug, fug_rejected),
    ))
}

/// A total in base units shown in figure units: exact, or (when the quotient does not
/// terminate) rounded once at 16 decimal places and flagged inexact, as figures are.
fn shown(base: Decimal, per: i64) -> (Decimal, bool) {
    let per = Decimal::from(per);
    match base.checked_div(per) {
        Some(q) if mul(q, per) == Some(base) => (q.normalize(), true),
        Some(q) => (q.round_dp(16).normalize(), false),
        None => (Decimal::ZERO, false),
    }
}

fuzz_target!(|input: Input| {
    let Some((files, years, energy, fugitive)) = build(&input) else {
        return;
    };
    let d = dir();
    for (name, text) in [
        "carbonledger.toml",
        "facilities.csv",
        "energy.csv",
        "fugitive.csv",
    ]
    .iter()
    .zip(&files)
    {
        std::fs::write(d.join(name), text).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    }
    let project = Project::open(d).unwrap_or_else(|e| panic!("open: {e:#?}\n{files:#?}"));
    let ledger = Ledger::compute(
        &project,
        RunOptions {
            strict: false,
            threads: 1,
        },
    )
    .unwrap_or_else(|e| panic!("compute: {e:#?}\n{files:#?}"));
    for f in ledger.all_files() {
        let (rows, dups) = if f.file.ends_with("energy.csv") {
            energy
        } else if f.file.ends_with("fugitive.csv") {
            fugitive
        } else {
            continue;
        };
        assert_eq!(
            (f.read, f.used, f.rejected),
            (rows, rows - dups, dups),
            "{}: {:#?}\n{files:#?}",
            f.file,
            (
                ledger.all_diagnostics().collect::<Vec<_>>(),
                &ledger.comp.duplicates,
                ledger.all_files().collect::<Vec<_>>()
            )
        );
    }
    for (i, y) in [2024, 2025].into_iter().enumerate() {
        let r = &years[i];
        // Sums of figures, exactly: a figure whose exact value needs more than the 28
        // significant digits of a decimal must be refused, never rounded (finding 5).
        let exact_sum = |parts: &[Decimal]| {
            parts
                .iter()
                .try_fold(Decimal::ZERO, |a, &b| carbonledger::decimal::add(a, b).ok())
        };
        let scope1 = exact_sum(&[r.co2_kg, r.ch4_kg_co2e, r.n2o_kg_co2e, r.fugitive_kg_co2e]);
        let total = scope1.and_then(|s| exact_sum(&[s, r.scope2_kg]));
        let want = [
            ("ghg.scope2.location", Some(shown(r.scope2_kg, 1000))),
            ("ghg.scope1", scope1.map(|v| shown(v, 1000))),
            ("ghg.scope1.co2", Some(shown(r.co2_kg, 1000))),
            ("ghg.scope1.fugitive", Some(shown(r.fugitive_kg_co2e, 1000))),
            ("ghg.total.location", total.map(|v| shown(v, 1000))),
            ("energy.total", Some(shown(r.energy_j, 3_600_000_000))),
            ("energy.total_gj", Some(shown(r.energy_j, 1_000_000_000))),
        ];
        for (name, value) in want {
            let got = ledger.figure(name, y);
            let Some(value) = value else {
                // Not exact in 28 digits: refused (or, where the library's order of sums
                // needs fewer digits, whatever it gives is not checked here).
                continue;
            };
            let got = got
                .unwrap_or_else(|e| panic!("{name} {y}: {e}\n{files:#?}"))
                .unwrap_or_else(|| panic!("no {name} {y}"));
            assert_eq!((got.value, got.exact), value, "{name} {y}\n{files:#?}");
        }
    }
});
