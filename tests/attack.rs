//! Issue 11, the attack: a corpus of bad inputs generated from the reference fixture
//! (`fixtures/xiaomi-2025`, with a project-local factor set and a lockfile added), one
//! mutation of one file at a time, over every input file. For every mutation the commands that
//! compute (`compute`, `figures`, `explain`, `export`) and `check` must not panic or hang; a
//! defect must make each of them fail (exit 1) with a diagnostic naming the file, the physical
//! line (and the field, where one field is wrong) and a code; a harmless change (BOM, CRLF,
//! CR-only line ends, blank lines) must give the figures of the original.
//!
//! The corpus is written in Rust here so that `cargo test` guards it. Set `ATTACK_BIN` to run
//! another build of the binary (e.g. the release one); `ATTACK_ONLY=energy.csv,bom.csv` runs the
//! mutations of those files; `ATTACK_FULL=1` runs every command on every mutation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> PathBuf {
    std::env::var_os("ATTACK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_carbonledger")))
}

fn temp(tag: &str) -> PathBuf {
    let dir = common::scratch().join(format!(
        "carbonledger-attack-{}-{}-{tag}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The outcome of one run: exit code (None: killed after the time limit), standard error.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary with a time limit: a hang is a failure, not a stuck test.
fn run(args: &[&str]) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let out_reader = child.stdout.take().unwrap();
    let err_reader = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || std::io::read_to_string(out_reader).unwrap());
    let err_thread = std::thread::spawn(move || std::io::read_to_string(err_reader).unwrap());
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status.code().unwrap_or(-1));
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code,
        stdout: out_thread.join().unwrap(),
        stderr: err_thread.join().unwrap(),
    }
}

const LOCAL_EDITION: &str = r#"set = "cat"
edition = "1"
description = "A project-local set for the attack"

[citation]
publisher = "Attack Co."
title = "Test factors for tests/attack.rs"
published = "2025-01"
table = "Table 1"
licence = "CC0 (made up for a test)"
url = "https://example.org/factors"
"#;

const LOCAL_FACTORS: &str = "key,value,unit,gas,basis,table,note\n\
diesel.co2,74100,kg CO2/TJ,CO2,ncv,Table 1,\n\
diesel.ch4,3,kg CH4/TJ,CH4,ncv,Table 1,a note\n\
diesel.n2o,0.6,kg N2O/TJ,N2O,ncv,Table 1,\n";

/// Inputs the fixture does not have, added so that their files are attacked too: a control
/// change (on 2025-10-20, so that BJ-HQ's 46,000 MWh year splits exactly: 292/365 of it is
/// 36,800), a carrier's operation (unused: warned, still read and validated), scope 3 travel
/// and commuting, and metrics.
const EXTRA_INPUTS: [(&str, &str); 4] = [
    (
        "facility_changes.csv",
        "facility,date,equity_share_pct,operational_control,financial_control,note\n\
         BJ-HQ,2025-10-20,,no,,campus handed to a landlord\n",
    ),
    (
        "operations.csv",
        "operation,kind,period,energy,energy_unit,factor,wtt_factor,activity,activity_unit,reefer_weight,note\n\
         truck-fleet,transport,2025,12000,L,desnz-fuels:diesel.litre.co2e,desnz-wtt:diesel.litre.co2e,480000,tkm,,carrier fuel card\n\
         truck-fleet,transport,2025,1500,kWh,cn-mee-grid:north,,,,,depot chargers\n",
    ),
    (
        "scope3.csv",
        "category,period,description,quantity,unit,method,factor,supplier,price_year,supplier_emissions,supplier_emissions_unit,allocation_basis,supplier_total,supplier_total_unit,note\n\
         6,2025,LHR-JFK return economy,11110,pkm,average_data,desnz-travel:air.long_haul.economy.without_rf,,,,,,,,\n\
         6,2025,hotels UK,4,room_night,average_data,desnz-travel:hotel.uk,,,,,,,,\n\
         7,2025,commuting by bus,5000,pkm,average_data,desnz-travel:bus.average_local,,,,,,,,\n",
    ),
    (
        "metrics.csv",
        "period,metric,value,unit,note\n2024,revenue,365906000000,CNY,\n2025,revenue,400000000000,CNY,\n2025,employees,43000,FTE,\n",
    ),
];

/// The base project: the reference fixture with [`EXTRA_INPUTS`], a project-local factor set
/// and its lockfile.
fn base() -> &'static Path {
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = temp("base");
        common::lines::copy_dir(&root().join("fixtures/xiaomi-2025"), &dir);
        for (name, text) in EXTRA_INPUTS {
            fs::write(dir.join(name), text).unwrap();
        }
        let ed = dir.join("factors/cat/1");
        fs::create_dir_all(&ed).unwrap();
        fs::write(ed.join("edition.toml"), LOCAL_EDITION).unwrap();
        fs::write(ed.join("factors.csv"), LOCAL_FACTORS).unwrap();
        let d = dir.to_str().unwrap();
        let lock = run(&["lock", d]);
        assert_eq!(lock.code, Some(0), "lock: {}", lock.stderr);
        let check = run(&["check", d]);
        assert_eq!(check.code, Some(0), "the base is clean: {}", check.stderr);
        dir
    })
}

/// The figures of the base project (what a harmless change must give again).
fn base_figures() -> &'static str {
    static FIGS: OnceLock<String> = OnceLock::new();
    FIGS.get_or_init(|| {
        let r = run(&["figures", base().to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stdout
    })
}

/// What a mutation must give.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// A harmless change: exit 0 and the original figures.
    Same,
    /// A defect at a physical line; with a field number when one field is wrong.
    At(usize, Option<usize>),
    /// A defect of the whole file (empty, not text): an error naming the file.
    File,
    /// A defect whose consequence is reported in another file (a product without a facility
    /// at the stage that needs its grid): an error with a line and a column, anywhere.
    Elsewhere,
    /// Not necessarily a defect (a header only): no panic, no hang, diagnostics well formed.
    NoCrash,
}

struct Mutation {
    file: String,
    name: String,
    bytes: Vec<u8>,
    expect: Expect,
}

// ---------- CSV mutations ----------

/// Splits one CSV line into fields (quotes kept out, `""` unescaped).
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn join(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains(',') || f.contains('"') || f.contains('\n') {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A CSV file as lines (LF, no terminators), with the index of its header line.
struct Csv {
    lines: Vec<String>,
    header: usize,
}

impl Csv {
    fn read(text: &str) -> Csv {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let header = lines
            .iter()
            .position(|l| !l.starts_with('#') && !l.trim().is_empty())
            .unwrap();
        Csv { lines, header }
    }
    fn columns(&self) -> Vec<String> {
        split(&self.lines[self.header])
    }
    fn rows(&self) -> Vec<usize> {
        (self.header + 1..self.lines.len())
            .filter(|&i| !self.lines[i].starts_with('#') && !self.lines[i].trim().is_empty())
            .collect()
    }
    fn text(&self) -> Vec<u8> {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s.into_bytes()
    }
    /// A copy with line `i`'s field `col` (0-based) replaced.
    fn with_field(&self, i: usize, col: usize, value: &str) -> Vec<u8> {
        let mut c = Csv {
            lines: self.lines.clone(),
            header: self.header,
        };
        let mut f = split(&c.lines[i]);
        f[col] = value.to_string();
        c.lines[i] = join(&f);
        c.text()
    }
}

/// Values that are wrong in a column, by the column's kind, and whether an empty value is
/// wrong there too.
fn bad_values(file: &str, column: &str) -> (Vec<&'static str>, bool) {
    const NUMBER: &[&str] = &[
        "-5",
        "1e5",
        "1,234",
        "NaN",
        "inf",
        "99999999999999999999999999999999",
        "0.00000000000000000000000000001",
        "12abc",
        "1 234",
        "１２",
        "0x10",
        "5%%",
    ];
    const PERIOD: &[&str] = &[
        "2025-13", "2025-Q5", "2025-00", "25", "2030", "garbage", "2025/01", "2025-1-1", "0",
    ];
    match (file, column) {
        (_, "quantity" | "generated" | "self_consumed" | "mass") => (NUMBER.to_vec(), true),
        (_, "exported" | "efficiency" | "recycled_pct" | "years" | "saf_share_pct") => {
            (NUMBER.to_vec(), false)
        }
        ("shipments.csv", "distance") => (NUMBER.to_vec(), false),
        // Empty: a 100% share.
        ("facilities.csv", "equity_share_pct") => (NUMBER.to_vec(), false),
        (_, "origin_lat" | "destination_lat") => (vec!["91", "NaN", "1e5", "1,234", "x"], false),
        (_, "period") => (PERIOD.to_vec(), true),
        ("products.csv", "year") => (vec!["2030", "25", "x", "-2025", "2025.5"], true),
        ("instruments.csv", "vintage") => (vec!["x", "1850", "2025.5"], false),
        (_, "unit" | "mass_unit") => (vec!["furlong", "MWh/kg"], true),
        ("shipments.csv", "distance_unit") => (vec!["furlong", "kg"], false),
        (_, "facility") => (vec!["NOPE", "bj-car "], true),
        ("bom.csv" | "product_stages.csv", "product") => (vec!["NOPE"], true),
        (_, "id" | "shipment") => (vec![], true),
        ("energy.csv", "carrier") => (vec!["unobtainium"], true),
        ("fugitive.csv", "gas") => (vec!["HFC-999"], true),
        (_, "factor" | "primary_factor") => {
            (vec!["nope:nothing", "cn-mee-grid@1999:north", ":"], false)
        }
        ("facilities.csv", "grid") => (vec!["cn-mee-grid:atlantis"], false),
        ("facilities.csv", "country") => (vec!["ZZ9", "China"], true),
        (_, "operational_control" | "financial_control") => (vec!["maybe"], false),
        ("instruments.csv" | "abatement.csv", "kind") => (vec!["nope"], true),
        ("shipments.csv", "mode") => (vec!["teleport"], true),
        ("shipments.csv", "leg") => (vec!["x", "-1"], true),
        ("abatement.csv", "status") => (vec!["nope"], true),
        ("abatement.csv", "scope") => (vec!["scope4", "scope 2", "scope3.cat16"], true),
        ("instruments.csv", "serials") => (vec!["X10..X1", "..", "A1..B5"], false),
        _ => (vec![], false),
    }
}

fn csv_mutations(file: &str, bytes: &[u8]) -> Vec<Mutation> {
    let text = std::str::from_utf8(bytes).unwrap();
    let csv = Csv::read(text);
    let cols = csv.columns();
    let rows = csv.rows();
    let h = csv.header;
    let d = rows[0];
    let z = *rows.last().unwrap();
    let n = cols.len();
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: Expect| {
        out.push(Mutation {
            file: file.to_string(),
            name: name.to_string(),
            bytes,
            expect,
        })
    };
    let with_lines = |f: &dyn Fn(&mut Vec<String>)| {
        let mut c = Csv {
            lines: csv.lines.clone(),
            header: h,
        };
        f(&mut c.lines);
        c.text()
    };

    // Harmless.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(bytes);
    add("bom", bom, Expect::Same);
    add(
        "crlf",
        text.replace('\n', "\r\n").into_bytes(),
        Expect::Same,
    );
    add(
        "cr-only",
        text.replace('\n', "\r").into_bytes(),
        Expect::Same,
    );
    add(
        "blank-lines",
        format!("{text}\n\n  \n").into_bytes(),
        Expect::Same,
    );

    // The whole file.
    add("empty", Vec::new(), Expect::File);
    add(
        "comments-only",
        csv.lines[..h]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .into_bytes(),
        Expect::File,
    );
    add(
        "header-only",
        with_lines(&|l| l.truncate(h + 1)),
        Expect::NoCrash,
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    add("utf16le-bom", utf16, Expect::File);
    let mut utf16be = Vec::new();
    for u in text.encode_utf16() {
        utf16be.extend_from_slice(&u.to_be_bytes());
    }
    add("utf16be", utf16be, Expect::File);

    // The header.
    add(
        "extra-column",
        with_lines(&|l| l[h].push_str(",extra")),
        Expect::At(h + 1, Some(n + 1)),
    );
    let first = cols[0].clone();
    add(
        "duplicate-column",
        with_lines(&|l| {
            l[h].push_str(&format!(",{first}"));
            for line in l.iter_mut().skip(h + 1) {
                if !line.starts_with('#') && !line.trim().is_empty() {
                    let v = split(line)[0].clone();
                    line.push_str(&format!(",{v}"));
                }
            }
        }),
        Expect::At(h + 1, Some(n + 1)),
    );
    add(
        "missing-column",
        with_lines(&|l| {
            for line in l.iter_mut().skip(h) {
                if !line.starts_with('#') && !line.trim().is_empty() {
                    let f = split(line);
                    *line = join(&f[1..]);
                }
            }
        }),
        Expect::At(h + 1, None),
    );
    add(
        "header-gbk",
        {
            let mut b = with_lines(&|l| l[h].push_str(",X"));
            // The X becomes the GBK bytes of 备注 ("note").
            let at = b.iter().position(|&c| c == b'X').unwrap();
            b.splice(at..at + 1, [0xB1, 0xB8, 0xD7, 0xA2]);
            b
        },
        Expect::At(h + 1, Some(n + 1)),
    );

    // Rows.
    add(
        "extra-field",
        with_lines(&|l| l[d].push_str(",x")),
        Expect::At(d + 1, None),
    );
    add(
        "missing-field",
        with_lines(&|l| {
            let f = split(&l[d]);
            l[d] = join(&f[..f.len() - 1]);
        }),
        Expect::At(d + 1, None),
    );
    add(
        "truncated",
        {
            let cut: usize = csv.lines[..z].iter().map(|l| l.len() + 1).sum::<usize>()
                + csv.lines[z].find(',').unwrap()
                + 1;
            bytes[..cut].to_vec()
        },
        Expect::At(z + 1, None),
    );
    add(
        "truncated-last-newline",
        bytes[..bytes.len() - 1].to_vec(),
        Expect::Same,
    );
    add(
        "unterminated-quote",
        with_lines(&|l| l[d].insert_str(0, "\"X")),
        Expect::At(d + 1, Some(1)),
    );
    {
        // An unterminated quote in the last field of the first row, as a free-text note.
        let mut c = Csv {
            lines: csv.lines.clone(),
            header: h,
        };
        let mut f = split(&c.lines[d]);
        f[n - 1] = String::new();
        c.lines[d] = format!("{},\"an open quote", join(&f[..n - 1]));
        add(
            "unterminated-quote-last",
            c.text(),
            Expect::At(d + 1, Some(n)),
        );
    }
    add(
        "gbk-in-row",
        {
            let mut b = csv.with_field(d, 0, "X");
            let start: usize = csv.lines[..d].iter().map(|l| l.len() + 1).sum();
            let at = start + b[start..].iter().position(|&c| c == b'X').unwrap();
            b.splice(at..at + 1, [0xD6, 0xD0, 0xCE, 0xC4]);
            b
        },
        Expect::At(d + 1, Some(1)),
    );
    add(
        "nul-bytes",
        with_lines(&|l| l[d].insert_str(0, "\0\0")),
        Expect::At(d + 1, Some(1)),
    );
    add(
        "trailing-garbage",
        with_lines(&|l| l.push("garbage".to_string())),
        Expect::At(csv.lines.len() + 1, None),
    );
    let dup = csv.lines[d].clone();
    add(
        "duplicate-row",
        with_lines(&|l| l.push(dup.clone())),
        Expect::At(csv.lines.len() + 1, None),
    );
    add(
        "duplicate-row-crlf",
        String::from_utf8(with_lines(&|l| l.push(dup.clone())))
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes(),
        Expect::At(csv.lines.len() + 1, None),
    );
    add(
        "duplicate-row-cr",
        String::from_utf8(with_lines(&|l| l.push(dup.clone())))
            .unwrap()
            .replace('\n', "\r")
            .into_bytes(),
        Expect::At(csv.lines.len() + 1, None),
    );

    // Fields.
    for (i, col) in cols.iter().enumerate() {
        let (values, empty_is_wrong) = bad_values(file, col);
        for v in values {
            add(
                &format!("{col}={v:?}"),
                csv.with_field(d, i, v),
                Expect::At(d + 1, Some(i + 1)),
            );
        }
        if empty_is_wrong {
            add(
                &format!("{col}=empty"),
                csv.with_field(d, i, ""),
                Expect::At(d + 1, Some(i + 1)),
            );
        }
    }
    // A duplicate id on a later row of a file keyed by id.
    if matches!(
        file,
        "facilities.csv" | "products.csv" | "instruments.csv" | "abatement.csv"
    ) && rows.len() > 1
    {
        let id = split(&csv.lines[d])[0].clone();
        add(
            "duplicate-id",
            csv.with_field(rows[1], 0, &id),
            Expect::At(rows[1] + 1, Some(1)),
        );
    }
    out
}

// ---------- TOML mutations ----------

fn toml_mutations(file: &str, bytes: &[u8]) -> Vec<Mutation> {
    let text = std::str::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_key = lines
        .iter()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && !t.starts_with('[') && t.contains('=')
        })
        .unwrap();
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: Expect| {
        out.push(Mutation {
            file: file.to_string(),
            name: name.to_string(),
            bytes,
            expect,
        })
    };
    let with_line = |at: usize, line: &str| {
        let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        l.insert(at, line.to_string());
        let mut s = l.join("\n");
        s.push('\n');
        s.into_bytes()
    };
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(bytes);
    add("bom", bom, Expect::Same);
    add(
        "crlf",
        text.replace('\n', "\r\n").into_bytes(),
        Expect::Same,
    );
    add("empty", Vec::new(), Expect::File);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    add("utf16le-bom", utf16, Expect::File);
    let half = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap();
    add("truncated", bytes[..half].to_vec(), Expect::NoCrash);
    let key_line = lines[first_key].to_string();
    add(
        "duplicate-key",
        with_line(first_key + 1, &key_line),
        Expect::At(first_key + 2, None),
    );
    add(
        "unknown-key",
        with_line(first_key + 1, "bogus_key = 1"),
        Expect::At(first_key + 2, None),
    );
    add(
        "unterminated-string",
        with_line(first_key + 1, "bogus = \"open"),
        Expect::At(first_key + 2, None),
    );
    add(
        "trailing-garbage",
        {
            let mut b = bytes.to_vec();
            b.extend_from_slice(b"garbage\n");
            b
        },
        Expect::At(lines.len() + 1, None),
    );
    add(
        "gbk-comment",
        {
            let mut b = with_line(first_key + 1, "# X");
            let start: usize = lines[..=first_key].iter().map(|l| l.len() + 1).sum();
            let at = start + b[start..].iter().position(|&c| c == b'X').unwrap();
            b.splice(at..at + 1, [0xD6, 0xD0, 0xCE, 0xC4]);
            b
        },
        Expect::At(first_key + 2, None),
    );
    add(
        "value-type",
        {
            let (k, _) = key_line.split_once('=').unwrap();
            let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            l[first_key] = format!("{k}= [[1]]");
            let mut s = l.join("\n");
            s.push('\n');
            s.into_bytes()
        },
        Expect::At(first_key + 1, None),
    );
    out
}

/// Manifest values that are wrong where they stand: (line text to find, replacement).
fn manifest_mutations(bytes: &[u8]) -> Vec<Mutation> {
    let text = std::str::from_utf8(bytes).unwrap();
    let edits: &[(&str, &str)] = &[
        ("reporting_years = [2024, 2025]", "reporting_years = []"),
        (
            "reporting_years = [2024, 2025]",
            "reporting_years = [0, 2025]",
        ),
        (
            "reporting_years = [2024, 2025]",
            "reporting_years = [2024, 2024, 2025]",
        ),
        ("base_year = 2024", "base_year = 0"),
        ("base_year = 2024", "base_year = 2023"),
        (
            "consolidation = \"operational_control\"",
            "consolidation = \"nope\"",
        ),
        (
            "significance_threshold = \"5%\"",
            "significance_threshold = \"-5%\"",
        ),
        (
            "significance_threshold = \"5%\"",
            "significance_threshold = \"1e5%\"",
        ),
        ("rule = \"half_away_from_zero\"", "rule = \"nope\""),
        ("radiative_forcing = false", "radiative_forcing = \"maybe\""),
        ("category = 4", "category = 99"),
        ("intensities = \"desnz\"", "intensities = \"nope\""),
        (
            "fuel_emissions = \"ipcc-2006\"",
            "fuel_emissions = \"nope\"",
        ),
        ("gwp = \"ipcc-gwp\"", "gwp = \"\""),
        (
            "purchased_heat = \"gbt-32150:heat\"",
            "purchased_heat = \":\"",
        ),
        (
            "displaced_grid = \"residual_mix\"",
            "displaced_grid = \"nope\"",
        ),
        ("vintage_months_before = 0", "vintage_months_before = -1"),
        ("cn-mee-grid = \"2022\"", "cn-mee-grid = \"1999\""),
        ("ipcc-gwp = \"ar5\"", "ipcc-gwp = \"ar9\""),
        ("desnz = \"2025\"", "nope-set = \"2025\""),
    ];
    let mut out = Vec::new();
    for (find, replace) in edits {
        let line = text
            .lines()
            .position(|l| l == *find)
            .unwrap_or_else(|| panic!("carbonledger.toml has no line `{find}`"));
        out.push(Mutation {
            file: "carbonledger.toml".into(),
            name: format!("{replace:?}"),
            bytes: text.replacen(find, replace, 1).into_bytes(),
            expect: Expect::At(line + 1, None),
        });
    }
    out
}

// ---------- running ----------

/// One diagnostic line, `LEVEL: PLACE: message [code]`, as (level, place, code).
fn parse_diag<'a>(line: &'a str, dir: &str) -> Option<(&'a str, String, &'a str)> {
    let (level, rest) = line.split_once(": ")?;
    if level != "error" && level != "warning" {
        return None;
    }
    let code = rest.strip_suffix(']').and_then(|r| r.rsplit_once(" ["))?.1;
    let place = rest.split_once(": ").map(|(p, _)| p).unwrap_or("");
    let place = place
        .strip_prefix(dir)
        .map(|p| p.trim_start_matches('/'))
        .unwrap_or(place);
    Some((level, place.to_string(), code))
}

/// Every `error:`/`warning:` line of `stderr` is a diagnostic with a place and a code.
fn malformed_diagnostics(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        .filter(|l| {
            let coded = l
                .strip_suffix(']')
                .and_then(|r| r.rsplit_once(" ["))
                .is_some_and(|(_, c)| {
                    !c.is_empty()
                        && c.chars()
                            .all(|x| x.is_ascii_lowercase() || x == '-' || x.is_ascii_digit())
                });
            !coded
        })
        .map(str::to_string)
        .collect()
}

/// The commands run on mutation number `i` of `file`, with the export folder: `check` and
/// `compute` always; `figures`, `explain` and `export` on every mutation with `ATTACK_FULL=1`
/// (about 3,600 runs), else on every fourth one and on every harmless change, so that a plain
/// `cargo test` on a debug build stays within minutes.
fn commands(i: usize, m: &Mutation, d: &str, out: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    if m.file == "claims.toml" {
        return vec![s(&["check", d]), s(&["verify", d])];
    }
    let mut all = vec![s(&["check", d]), s(&["compute", d])];
    let full = std::env::var_os("ATTACK_FULL").is_some();
    if full || i.is_multiple_of(4) || m.expect == Expect::Same {
        all.extend([
            s(&["figures", d]),
            s(&["explain", d, "ghg.total.location", "--year", "2025"]),
            s(&["export", d, "--out", out]),
        ]);
    }
    all
}

/// Runs one mutation; returns what is wrong with the outcome.
fn attack(i: usize, m: &Mutation) -> Vec<String> {
    let dir = temp("m");
    common::lines::copy_dir(base(), &dir);
    fs::write(dir.join(&m.file), &m.bytes).unwrap();
    let d = dir.to_str().unwrap().to_string();
    let out = format!("{d}-export");
    let mut wrong = Vec::new();
    let tag = format!("{} {}", m.file, m.name);
    for args in commands(i, m, &d, &out) {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&a);
        let cmd = a[0];
        match r.code {
            None => {
                wrong.push(format!("{tag}: `{cmd}` hangs"));
                continue;
            }
            Some(c) if c == 101 || c < 0 || r.stderr.contains("panicked") => {
                wrong.push(format!("{tag}: `{cmd}` panics (exit {c}): {}", r.stderr));
                continue;
            }
            _ => {}
        }
        let code = r.code.unwrap();
        for bad in malformed_diagnostics(&r.stderr) {
            wrong.push(format!(
                "{tag}: `{cmd}`: a diagnostic without a code: {bad}"
            ));
        }
        let errors: Vec<(String, &str)> = r
            .stderr
            .lines()
            .filter_map(|l| parse_diag(l, &d))
            .filter(|(level, _, _)| *level == "error")
            .map(|(_, p, c)| (p, c))
            .collect();
        let in_file = |p: &str| p == m.file || p.starts_with(&format!("{}:", m.file));
        match &m.expect {
            Expect::Same => {
                if code != 0 {
                    wrong.push(format!("{tag}: `{cmd}` exits {code}: {}", r.stderr));
                } else if cmd == "figures" && r.stdout != base_figures() {
                    wrong.push(format!("{tag}: `figures` differ from the original"));
                }
            }
            Expect::NoCrash => {}
            expect => {
                if code != 1 {
                    wrong.push(format!(
                        "{tag}: `{cmd}` exits {code} on a defect; stderr:\n{}",
                        r.stderr
                    ));
                    continue;
                }
                if cmd != "check" {
                    continue;
                }
                let ok = match expect {
                    Expect::File => errors.iter().any(|(p, _)| in_file(p)),
                    Expect::Elsewhere => errors.iter().any(|(p, _)| p.split(':').count() == 3),
                    Expect::At(line, col) => {
                        let want = match col {
                            Some(c) => format!("{}:{line}:{c}", m.file),
                            None => format!("{}:{line}", m.file),
                        };
                        errors.iter().any(|(p, _)| {
                            p == &want || (col.is_none() && p.starts_with(&format!("{want}:")))
                        })
                    }
                    _ => true,
                };
                if !ok {
                    wrong.push(format!(
                        "{tag}: no error at {expect:?}; stderr:\n{}",
                        r.stderr
                    ));
                }
            }
        }
    }
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_dir_all(&out);
    wrong
}

/// Where a mutation's defect is rightly reported somewhere other than the mutated field.
fn reported_elsewhere(m: &mut Mutation) {
    match (m.file.as_str(), m.name.as_str()) {
        // Optional: the stage that needs the producing facility's grid says so.
        ("products.csv", "facility=empty") => m.expect = Expect::Elsewhere,
        // The unit is a valid unit; it is the gas column that does not fit it.
        ("factors/cat/1/factors.csv", "unit=\"MWh/kg\"") => {
            if let Expect::At(l, Some(_)) = m.expect {
                m.expect = Expect::At(l, Some(4));
            }
        }
        _ => {}
    }
}

fn corpus() -> Vec<Mutation> {
    let mut all = Vec::new();
    let b = base();
    let mut files: Vec<String> = fs::read_dir(b)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".toml") || n.ends_with(".lock"))
        .collect();
    files.push("factors/cat/1/factors.csv".into());
    files.push("factors/cat/1/edition.toml".into());
    files.sort();
    let only = std::env::var("ATTACK_ONLY").ok();
    for f in files {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|o| o == f))
        {
            continue;
        }
        let bytes = fs::read(b.join(&f)).unwrap();
        if f.ends_with(".csv") {
            all.extend(csv_mutations(&f, &bytes));
        } else {
            all.extend(toml_mutations(&f, &bytes));
            if f == "carbonledger.toml" {
                all.extend(manifest_mutations(&bytes));
            }
        }
    }
    all.iter_mut().for_each(reported_elsewhere);
    all
}

#[test]
fn every_input_file_survives_the_attack() {
    let corpus = corpus();
    assert!(
        std::env::var("ATTACK_ONLY").is_ok() || corpus.len() > 300,
        "the corpus covers every file ({} mutations)",
        corpus.len()
    );
    let next = AtomicUsize::new(0);
    let wrong = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(m) = corpus.get(i) else { break };
                let w = attack(i, m);
                wrong.lock().unwrap().extend(w);
            });
        }
    });
    let wrong = wrong.into_inner().unwrap();
    // The base project is the one temporary folder every mutation was copied from.
    let _ = fs::remove_dir_all(base());
    assert!(
        wrong.is_empty(),
        "{} of {} mutations fail:\n{}",
        wrong.len(),
        corpus.len(),
        wrong.join("\n")
    );
}
