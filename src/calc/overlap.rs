//! The `overlapping-periods` warning: rows of one facility, year and carrier (or gas) whose
//! periods are of different lengths and cover the same months (an annual total beside its
//! monthly bills) — the usual sign of one consumption entered twice. Found from the chains'
//! month masks; only when there is such an overlap is the file read again, to point at the
//! first row that overlaps an earlier one.

use std::collections::BTreeMap;

use super::chain::Accum;
use super::run::{Computation, InputFile};
use crate::activity::{
    parse_energy_row, parse_fugitive_row, Subject, ENERGY_COLUMNS, FUGITIVE_COLUMNS,
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
fn masks(comp: &Computation) -> BTreeMap<Group, [u16; 3]> {
    let mut groups: BTreeMap<Group, [u16; 3]> = BTreeMap::new();
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

/// The months two lengths of rows both cover: (year & quarter, year & month, quarter & month).
fn overlaps([y, q, m]: [u16; 3]) -> [u16; 3] {
    [y & q, y & m, q & m]
}

/// A warning per facility, year and carrier (or gas) whose rows of different lengths cover
/// the same months: an annual row beside quarterly or monthly ones, or a quarter beside its
/// months. Each row is still used (it may be a correction); the user must say which. The
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
    let flagged: BTreeMap<Group, [u16; 3]> = masks(comp)
        .into_iter()
        .filter(|(_, m)| overlaps(*m) != [0; 3])
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
        let [yq, ym, qm] = overlaps(mask);
        let overlaps: Vec<String> = [
            (yq, "the whole year", "quarters"),
            (ym, "the whole year", "months"),
            (qm, "quarters", "months"),
        ]
        .iter()
        .filter(|(mask, _, _)| *mask != 0)
        .map(|(mask, a, b)| format!("{a} and {b} both cover months {}", month_names(*mask)))
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
/// row covering a month that an earlier row of another length covers. (Unreadable rows were
/// reported by the first reading; here they are skipped.)
fn first_overlaps(
    project: &Project,
    file: InputFile,
    flagged: &BTreeMap<Group, [u16; 3]>,
) -> BTreeMap<Group, Span> {
    let shown = project.shown(file.input());
    let path = project.path(file.input());
    let columns = match file {
        InputFile::Energy => &ENERGY_COLUMNS[..],
        InputFile::Fugitive => &FUGITIVE_COLUMNS[..],
    };
    let mut seen: BTreeMap<Group, [u16; 3]> = BTreeMap::new();
    let mut found: BTreeMap<Group, Span> = BTreeMap::new();
    let _ = read_chunk(&shown, &path, columns, (0, None), false, |row| {
        let parsed = match file {
            InputFile::Energy => parse_energy_row(row, &project.facilities),
            InputFile::Fugitive => parse_fugitive_row(row, &project.facilities),
        };
        let Ok(a) = parsed else { return };
        let group = group_of(a.facility, a.period.year(), &a.subject);
        if !flagged.contains_key(&group) || found.contains_key(&group) {
            return;
        }
        let mut own = Accum::default();
        own.cover(a.period);
        let before = seen.entry(group.clone()).or_default();
        let clash = (0..3).any(|i| {
            own.covered[i] != 0 && (0..3).any(|j| j != i && before[j] & own.covered[i] != 0)
        });
        if clash {
            found.insert(group, row.span_of(1));
        } else {
            for (x, y) in before.iter_mut().zip(own.covered) {
                *x |= y;
            }
        }
    });
    found
}
