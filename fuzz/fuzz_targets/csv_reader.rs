//! The CSV record reader and `read_table` under every input schema.
//!
//! Input: the first byte picks the schema, the rest is the file.
//!
//! Invariants checked:
//! - no panic, no hang;
//! - records start at strictly increasing physical lines, never overlap, and end within the
//!   file's physical line count (counted here from the bytes, independently of the reader);
//! - each record starts on a line that is not blank and not a `#` comment, and every such line
//!   is inside some record, up to the line of a file-level error (the records plus the error
//!   account for every line);
//! - `read_table` hands on exactly the records after the header, with the same lines;
//! - the same bytes with CRLF (or CR-only) line ends instead of LF give the same fields and the
//!   same line numbers (a quoted line end is compared as LF), and the same error at the same line;
//! - every accessor of a row (`get`, `span_of`, `text`, `shape_error`) and the energy,
//!   fugitive and shipment row parsers return without panicking.
#![no_main]

use carbonledger::activity::{
    parse_energy_row, parse_fugitive_row, read_facilities, Facilities, ENERGY_COLUMNS,
    FACILITY_COLUMNS, FUGITIVE_COLUMNS,
};
use carbonledger::freight::{parse_leg, COLUMNS as SHIPMENT_COLUMNS};
use carbonledger::ingest::{read_table, Column, ReadError, Record, RecordReader};
use carbonledger::products::{BOM_COLUMNS, PRODUCT_COLUMNS, STAGE_COLUMNS};
use carbonledger::renewables::{ABATEMENT_COLUMNS, INSTRUMENT_COLUMNS, SOLAR_COLUMNS};
use carbonledger::scope3::SCOPE3_COLUMNS;
use carbonledger::years::metrics::COLUMNS as METRIC_COLUMNS;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

const SCHEMAS: [(&str, &[Column]); 12] = [
    ("energy.csv", &ENERGY_COLUMNS),
    ("fugitive.csv", &FUGITIVE_COLUMNS),
    ("facilities.csv", &FACILITY_COLUMNS),
    ("solar.csv", &SOLAR_COLUMNS),
    ("instruments.csv", &INSTRUMENT_COLUMNS),
    ("abatement.csv", &ABATEMENT_COLUMNS),
    ("shipments.csv", SHIPMENT_COLUMNS),
    ("products.csv", &PRODUCT_COLUMNS),
    ("bom.csv", &BOM_COLUMNS),
    ("product_stages.csv", &STAGE_COLUMNS),
    ("scope3.csv", &SCOPE3_COLUMNS),
    ("metrics.csv", &METRIC_COLUMNS),
];

fn facilities() -> &'static Facilities {
    static F: OnceLock<Facilities> = OnceLock::new();
    F.get_or_init(|| {
        let text = "id,name,country,grid\nF1,Plant,CN,cn-mee-grid:north\nF2,Office,GB,\n";
        read_facilities(&"facilities.csv".into(), text.as_bytes()).unwrap_or_default()
    })
}

/// Records as the reader returns them: (line, lines spanned, fields), and how reading ended.
type Read = (Vec<(u64, u64, Vec<String>)>, Option<ReadError>);

fn read_all(bytes: &[u8]) -> Read {
    let mut r = RecordReader::new(bytes);
    let mut rec = Record::default();
    let mut out = Vec::new();
    loop {
        match r.read(&mut rec) {
            Ok(true) => out.push((
                rec.line,
                rec.lines,
                rec.iter().map(str::to_string).collect(),
            )),
            Ok(false) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// Physical lines of `bytes` as the project defines them: split at LF (a CR before it is part
/// of the line end), or at CR in a file whose first 64 KiB hold a CR and no LF; a last line
/// without a line end counts. Each line says whether it holds data (not blank, not `#`).
fn physical_lines(bytes: &[u8]) -> Vec<bool> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let term = if !head.contains(&b'\n') && head.contains(&b'\r') {
        b'\r'
    } else {
        b'\n'
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines: Vec<&[u8]> = body.split(|&b| b == term).collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| {
            let l = if term == b'\n' {
                l.strip_suffix(b"\r").unwrap_or(l)
            } else {
                l
            };
            !(l.first() == Some(&b'#') || l.iter().all(u8::is_ascii_whitespace))
        })
        .collect()
}

fn check_accounting(bytes: &[u8], read: &Read) {
    let data = physical_lines(bytes);
    let total = data.len() as u64;
    let (records, err) = read;
    let mut covered = vec![false; data.len()];
    let mut next_free = 1u64;
    for (line, lines, fields) in records {
        assert!(*lines >= 1, "record at line {line} spans {lines} lines");
        assert!(
            *line >= next_free,
            "record at line {line} overlaps the one before"
        );
        let last = line + lines - 1;
        assert!(
            last <= total,
            "record at line {line}..{last} past the last line {total}"
        );
        assert!(
            data[(*line - 1) as usize],
            "record starts at blank or comment line {line}"
        );
        assert!(!fields.is_empty(), "record at line {line} has no fields");
        for l in *line..=last {
            covered[(l - 1) as usize] = true;
        }
        next_free = last + 1;
    }
    // Every data line before the end of the last record is inside a record.
    for (i, (d, c)) in data
        .iter()
        .zip(&covered)
        .enumerate()
        .take((next_free - 1) as usize)
    {
        assert!(!d || *c, "data line {} is in no record", i + 1);
    }
    // The first data line after it is where the failing record starts, if reading failed.
    let first_unread = (next_free..=total).find(|l| data[(*l - 1) as usize]);
    match (err, first_unread) {
        (None, None) => {}
        (None, Some(l)) => panic!("data line {l} is in no record and reading did not fail"),
        (Some(e), None) => panic!("reading failed ({e:?}) with every data line read"),
        (Some(e), Some(start)) => match e {
            ReadError::NotUtf8 { line, .. } => {
                assert_eq!(*line, start, "not-UTF-8 record reported at the wrong line")
            }
            ReadError::UnterminatedQuote { line, .. } => assert!(
                *line >= start && *line <= total,
                "unterminated quote at line {line}, its record starts at {start}, {total} lines"
            ),
            ReadError::Io(_) => panic!("I/O error reading memory: {e:?}"),
        },
    }
}

/// The reading of a converted file, with quoted line ends turned back into LF.
fn normalised(read: &Read, from: &str) -> Read {
    let (records, err) = read;
    let records = records
        .iter()
        .map(|(l, n, f)| (*l, *n, f.iter().map(|s| s.replace(from, "\n")).collect()))
        .collect();
    let err = err.clone().map(|e| match e {
        ReadError::NotUtf8 { line, field, .. } => ReadError::NotUtf8 {
            line,
            field,
            sample: Vec::new(),
        },
        other => other,
    });
    (records, err)
}

fn same_reading(lf: &Read, other: &Read, what: &str) {
    let lf = normalised(lf, "\n");
    assert_eq!(lf.0, other.0, "{what}: records differ from the LF reading");
    assert_eq!(
        lf.1, other.1,
        "{what}: how reading ended differs from the LF reading"
    );
}

fn check_table(name: &str, columns: &[Column], bytes: &[u8], read: &Read) {
    let file: Arc<str> = name.into();
    let mut rows = Vec::new();
    let res = read_table(&file, bytes, columns, |row| {
        rows.push(row.line());
        for i in 0..columns.len() + 2 {
            let _ = row.get(i);
            let _ = row.span_of(i);
        }
        let _ = row.text();
        let _ = row.field_count();
        if let Some(d) = row.shape_error() {
            assert!(
                row.is_ragged(),
                "shape error on a row of the header's shape: {d:?}"
            );
        }
        match name {
            "energy.csv" => drop(parse_energy_row(row, facilities())),
            "fugitive.csv" => drop(parse_fugitive_row(row, facilities())),
            "shipments.csv" => drop(parse_leg(row, &[2024, 2025])),
            _ => {}
        }
    });
    let (records, err) = read;
    match res {
        Ok(stats) => {
            assert!(
                err.is_none(),
                "read_table succeeded where the reader failed: {err:?}"
            );
            assert_eq!(stats.rows as usize, rows.len());
            let want: Vec<u64> = records.iter().skip(1).map(|r| r.0).collect();
            assert_eq!(
                rows, want,
                "read_table rows differ from the reader's records"
            );
        }
        Err(d) => {
            assert!(!d.is_empty(), "read_table failed without a diagnostic");
            // Rows already handed on are the reader's records after the header, in order.
            let want: Vec<u64> = records
                .iter()
                .skip(1)
                .take(rows.len())
                .map(|r| r.0)
                .collect();
            assert_eq!(rows, want);
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&pick, bytes)) = input.split_first() else {
        return;
    };
    let (name, columns) = SCHEMAS[usize::from(pick) % SCHEMAS.len()];
    let read = read_all(bytes);
    check_accounting(bytes, &read);
    check_table(name, columns, bytes, &read);

    // Line-end equivalence, for files written with LF only.
    if !bytes.contains(&b'\r') && bytes.contains(&b'\n') {
        let mut crlf = Vec::with_capacity(bytes.len() * 2);
        for &b in bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        let r = read_all(&crlf);
        check_accounting(&crlf, &r);
        same_reading(&read, &normalised(&r, "\r\n"), "CRLF");

        let cr: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'\n' { b'\r' } else { b })
            .collect();
        let r = read_all(&cr);
        check_accounting(&cr, &r);
        same_reading(&read, &normalised(&r, "\r"), "CR");
    }
});
