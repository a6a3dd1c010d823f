//! The `overlapping-periods` warning: rows of one facility, year and carrier (or gas) whose
//! periods are of different lengths and cover the same months (an annual total beside its
//! monthly bills, a bill's own range of days beside a quarter) — the usual sign of one
//! consumption entered twice. Found from the chains'
//! month masks; only when there is such an overlap is the file read again, to point at the
//! first row that overlaps an earlier one.

use std::collections::BTreeMap;

use super::chain::{Accum, COVER_KINDS};
use super::run::{Computation, InputFile};
use crate::activity::{
    parse_energy_row, parse_fugitive_row, segments, Subject, Window, ENERGY_COLUMNS,
    FUGITIVE_COLUMNS,
};
use crate::diag::{Diagnostic, Span};
use crate::ingest::read_chunk;
use crate::project::Project;

/// (facility, year, carrier or gas name, is a gas).
type Group = (usize, i32, String, bool);

fn group_of(facility: usize, year: i32, subject: &Subject) -> Group {
    match subject {
        Subject::Carrier(k) => (facility, year, k.name().to_string(), false),
        Subject::Gas(g) => (facility, year, g.clone(), true),
    }
}

/// Months covered by the year, quarter and month rows of each group.
fn masks(comp: &Computation) -> BTreeMap<Group, [u16; COVER_KINDS]> {
    let mut groups: BTreeMap<Group, [u16; COVER_KINDS]> = BTreeMap::new();
    for (c, a) in comp.chains.iter().zip(&comp.accums) {
        let e = groups
            .entry(group_of(c.facility, c.year, &c.subject))
            .or_default();
        for (x, y) in e.iter_mut().zip(a.covered) {
            *x |= y;
        }
    }
    groups
}

/// The kinds of period compared, in words.
const KINDS: [&str; COVER_KINDS] = ["the whole year", "quarters", "months", "ranges of days"];

/// The months two kinds of rows both cover, for each pair of kinds (i < j).
fn overlaps(mask: [u16; COVER_KINDS]) -> Vec<(usize, usize, u16)> {
    let mut out = Vec::new();
    for i in 0..COVER_KINDS {
        for j in i + 1..COVER_KINDS {
            if mask[i] & mask[j] != 0 {
                out.push((i, j, mask[i] & mask[j]));
            }
        }
    }
    out
}

/// A warning per facility, year and carrier (or gas) whose rows of different lengths cover
/// the same months: an annual row beside quarterly or monthly ones, a quarter beside its
/// months, or a bill's range of days beside any of them (every month it touches). Each row is still used (it may be a correction); the user must say which. The
/// warning is placed at the period of the first row (in file order) that covers a month an
/// earlier row of another length covers.
pub(super) fn overlapping_periods(project: &Project, comp: &Computation) -> Vec<Diagnostic> {
    let month_names = |mask: u16| -> String {
        (1..=12)
            .filter(|m| mask & (1 << (m - 1)) != 0)
            .map(|m: u16| format!("{m:02}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let flagged: BTreeMap<Group, [u16; COVER_KINDS]> = masks(comp)
        .into_iter()
        .filter(|(_, m)| !overlaps(*m).is_empty())
        .collect();
    if flagged.is_empty() {
        return Vec::new();
    }
    let mut places = BTreeMap::new();
    for file in InputFile::ALL {
        if flagged.keys().any(|g| g.3 == (file == InputFile::Fugitive)) {
            places.extend(first_overlaps(project, file, &flagged));
        }
    }
    let mut out = Vec::new();
    for (group, mask) in flagged {
        let (facility, year, subject, is_gas) = &group;
        let overlaps: Vec<String> = overlaps(mask)
            .into_iter()
            .map(|(i, j, m)| {
                format!(
                    "{} and {} both cover months {}",
                    KINDS[i],
                    KINDS[j],
                    month_names(m)
                )
            })
            .collect();
        let file = if *is_gas {
            InputFile::Fugitive
        } else {
            InputFile::Energy
        };
        let span = places
            .get(&group)
            .cloned()
            .unwrap_or_else(|| Span::file(&project.shown(file.input())));
        let f = &project.facilities.list[*facility];
        out.push(
            Diagnostic::warning(
                "overlapping-periods",
                span,
                format!(
                    "{} {subject} {year}: rows of different lengths overlap ({}): the same consumption may be counted twice",
                    f.id,
                    overlaps.join("; ")
                ),
            )
            .with_hint("keep either the annual total or the bills it sums, not both; `explain` lists the rows"),
        );
    }
    out
}

/// Reads `file` again and returns, for each flagged group in it, the period field of the first
/// row covering a month that an earlier row of another length covers. A row is placed in the
/// reporting years its days fall in (a fiscal year, a bill across a year end), as the
/// calculation places it. (Unreadable rows were reported by the first reading; here they are
/// skipped.)
fn first_overlaps(
    project: &Project,
    file: InputFile,
    flagged: &BTreeMap<Group, [u16; COVER_KINDS]>,
) -> BTreeMap<Group, Span> {
    let shown = project.shown(file.input());
    let path = project.path(file.input());
    let calendar = &project.manifest.calendar;
    let columns = match file {
        InputFile::Energy => &ENERGY_COLUMNS[..],
        InputFile::Fugitive => &FUGITIVE_COLUMNS[..],
    };
    let mut seen: BTreeMap<Group, [u16; COVER_KINDS]> = BTreeMap::new();
    let mut found: BTreeMap<Group, Span> = BTreeMap::new();
    let _ = read_chunk(&shown, &path, columns, (0, None), false, |row| {
        let parsed = match file {
            InputFile::Energy => parse_energy_row(row, &project.facilities),
            InputFile::Fugitive => parse_fugitive_row(row, &project.facilities),
        };
        let Ok(a) = parsed else { return };
        let parts: Vec<(i32, Accum)> = match calendar.days_of(a.period) {
            Some((first, last)) => segments(first, last, calendar, Window::default(), &[])
                .into_iter()
                .map(|(year, f, l, _, _)| {
                    let mut own = Accum::default();
                    own.cover_part(a.period, f, l);
                    (year, own)
                })
                .collect(),
            None => Vec::new(),
        };
        for (year, own) in parts {
            let group = group_of(a.facility, year, &a.subject);
            if !flagged.contains_key(&group) || found.contains_key(&group) {
                continue;
            }
            let before = seen.entry(group.clone()).or_default();
            let clash = (0..COVER_KINDS).any(|i| {
                own.covered[i] != 0
                    && (0..COVER_KINDS).any(|j| j != i && before[j] & own.covered[i] != 0)
            });
            if clash {
                found.insert(group, row.span_of(1));
            } else {
                for (x, y) in before.iter_mut().zip(own.covered) {
                    *x |= y;
                }
            }
        }
    });
    found
}
