//! The `overlapping-periods` warning: rows of one facility, year and carrier (or gas) whose
//! periods are of different lengths and cover the same months (an annual total beside its
//! monthly bills, a bill's own range of days beside a quarter), or two bills given as ranges
//! of days with the same `ref` (one meter, or no ref at all) that cover the same day — the
//! usual signs of one consumption entered twice. Found from the chains' month and day masks;
//! only when there is such an overlap is the file read again, to point at the first row that
//! overlaps an earlier one (and, for ranges of days, to compare their `ref`s: bills of two
//! meters may cover the same days).

use std::collections::BTreeMap;

use super::chain::{Accum, DayCover, COVER_KINDS, DAY_WORDS};
use super::run::{Computation, InputFile};
use crate::activity::{
    parse_energy_row, parse_fugitive_row, segments, Day, Period, Subject, Window, ENERGY_COLUMNS,
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

/// What the rows of one group cover: months by kind of period, and days of ranges of days.
#[derive(Debug, Clone, Copy, Default)]
struct Cover {
    months: [u16; COVER_KINDS],
    days: DayCover,
}

impl Cover {
    /// Whether the group may hold one consumption twice (the day overlaps are candidates:
    /// their `ref`s are compared on the second reading).
    fn suspect(&self) -> bool {
        !overlaps(self.months).is_empty() || self.days.any_twice()
    }
}

/// The groups whose rows may hold one consumption twice (`Cover::suspect`), with the months
/// covered by their year, quarter and month rows and the days covered by their ranges of
/// days. The chains are taken by facility and year (the order a computation keeps them in,
/// so the sort finds them in order), and each facility's and year's few chains grouped by
/// carrier or gas among themselves: over 100,000 facilities there are 800,000 chains, and a
/// hash table of them all was most of this check. Only suspect groups get owned names.
fn suspect_groups(comp: &Computation) -> BTreeMap<Group, Cover> {
    let chains = &comp.chains;
    let mut order: Vec<usize> = (0..chains.len()).collect();
    order.sort_by_key(|&i| (chains[i].year, chains[i].facility));
    let mut out = BTreeMap::new();
    // The groups of one facility and year: its carriers and gases.
    let mut block: Vec<(&Subject, Cover)> = Vec::new();
    let mut at = None;
    let flush = |at: Option<(i32, usize)>,
                 block: &mut Vec<(&Subject, Cover)>,
                 out: &mut BTreeMap<Group, Cover>| {
        if let Some((year, facility)) = at {
            for (subject, cover) in block.drain(..).filter(|(_, c)| c.suspect()) {
                out.insert(group_of(facility, year, subject), cover);
            }
        }
    };
    for i in order {
        let (c, a) = (&chains[i], &comp.accums[i]);
        if at != Some((c.year, c.facility)) {
            flush(at, &mut block, &mut out);
            at = Some((c.year, c.facility));
        }
        let e = match block.iter().position(|(s, _)| *s == &c.subject) {
            Some(k) => k,
            None => {
                block.push((&c.subject, Cover::default()));
                block.len() - 1
            }
        };
        let cover = &mut block[e].1;
        for (x, y) in cover.months.iter_mut().zip(a.covered) {
            *x |= y;
        }
        cover.days.merge(&a.days.cover());
    }
    flush(at, &mut block, &mut out);
    out
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
    let flagged = suspect_groups(comp);
    if flagged.is_empty() {
        return Vec::new();
    }
    let mut places = Places::default();
    for file in InputFile::ALL {
        if flagged.keys().any(|g| g.3 == (file == InputFile::Fugitive)) {
            let found = first_overlaps(project, file, &flagged);
            places.months.extend(found.months);
            places.days.extend(found.days);
        }
    }
    let mut out = Vec::new();
    for (group, cover) in flagged {
        let (facility, year, subject, is_gas) = &group;
        let f = &project.facilities.list[*facility];
        if let Some((span, first, last)) = places.days.get(&group) {
            out.push(
                Diagnostic::warning(
                    "overlapping-periods",
                    span.clone(),
                    format!(
                        "{} {subject} {year}: two bills given as ranges of days with the same ref both cover {}: the same consumption may be counted twice",
                        f.id,
                        if first == last { first.to_string() } else { format!("{first} to {last}") }
                    ),
                )
                .with_hint("if they are bills of different meters, give each meter its own `ref`; otherwise keep one of them; `explain` lists the rows"),
            );
        }
        let mask = cover.months;
        if overlaps(mask).is_empty() {
            continue;
        }
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
            .months
            .get(&group)
            .cloned()
            .unwrap_or_else(|| Span::file(&super::run::input_shown(project, file)));
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

/// Where the overlaps of the flagged groups were found: for months, the period of the first
/// row that overlaps an earlier row of another length; for days, the period of the first row
/// whose days an earlier range of days with the same `ref` covers, and the first and last of
/// those days.
#[derive(Default)]
struct Places {
    months: BTreeMap<Group, Span>,
    days: BTreeMap<Group, (Span, Day, Day)>,
}

/// Reads `file` again and returns, for each flagged group in it, where its overlaps are (see
/// [`Places`]). A row is placed in the reporting years its days fall in (a fiscal year, a bill
/// across a year end), as the calculation places it. (Unreadable rows were reported by the
/// first reading; here they are skipped.) Memory: a day mask per `ref` of the groups whose
/// ranges of days overlap, and only those.
fn first_overlaps(project: &Project, file: InputFile, flagged: &BTreeMap<Group, Cover>) -> Places {
    let shown = project.shown(file.input());
    let path = project.path(file.input());
    let calendar = &project.manifest.calendar;
    let columns = match file {
        InputFile::Energy => &ENERGY_COLUMNS[..],
        InputFile::Fugitive => &FUGITIVE_COLUMNS[..],
    };
    let ref_column = columns.iter().position(|c| c.name == "ref");
    let mut seen: BTreeMap<Group, [u16; COVER_KINDS]> = BTreeMap::new();
    let mut seen_days: BTreeMap<(Group, String), [u64; DAY_WORDS]> = BTreeMap::new();
    let mut found = Places::default();
    let mut each = |row: &crate::ingest::RowRef<'_>| {
        let parsed = match file {
            InputFile::Energy => parse_energy_row(row, &project.facilities),
            InputFile::Fugitive => parse_fugitive_row(row, &project.facilities),
        };
        let Ok(a) = parsed else { return };
        let parts: Vec<(i32, Day, Day, Accum)> = match calendar.days_of(a.period) {
            Some((first, last)) => segments(first, last, calendar, Window::default(), &[])
                .into_iter()
                .map(|(year, f, l, _, _)| {
                    let mut own = Accum::default();
                    own.cover_part(a.period, f, l);
                    (year, f, l, own)
                })
                .collect(),
            None => Vec::new(),
        };
        for (year, first, last, own) in parts {
            let group = group_of(a.facility, year, &a.subject);
            let Some(cover) = flagged.get(&group) else {
                continue;
            };
            if matches!(a.period, Period::Days(..))
                && cover.days.any_twice()
                && !found.days.contains_key(&group)
            {
                let reference = ref_column.map(|i| row.get(i).trim()).unwrap_or_default();
                let mask = DayCover::range(first, last);
                let before = seen_days
                    .entry((group.clone(), reference.to_string()))
                    .or_default();
                if before.iter().zip(&mask).any(|(b, m)| b & m != 0) {
                    // The days of this row an earlier bill of the same ref already covers.
                    let days: Vec<Day> = (first.0..=last.0)
                        .map(Day)
                        .filter(|d| {
                            let bit = DayCover::range(*d, *d);
                            bit.iter().zip(before.iter()).any(|(x, b)| x & b != 0)
                        })
                        .collect();
                    if let (Some(f), Some(l)) = (days.first(), days.last()) {
                        found.days.insert(group.clone(), (row.span_of(1), *f, *l));
                    }
                } else {
                    for (b, m) in before.iter_mut().zip(mask) {
                        *b |= m;
                    }
                }
            }
            if overlaps(cover.months).is_empty() || found.months.contains_key(&group) {
                continue;
            }
            let before = seen.entry(group.clone()).or_default();
            let clash = (0..COVER_KINDS).any(|i| {
                own.covered[i] != 0
                    && (0..COVER_KINDS).any(|j| j != i && before[j] & own.covered[i] != 0)
            });
            if clash {
                found.months.insert(group, row.span_of(1));
            } else {
                for (x, y) in before.iter_mut().zip(own.covered) {
                    *x |= y;
                }
            }
        }
    };
    // A folder input: its partition files, as the calculation read them.
    match super::folder::FolderInput::open(project, file) {
        Some(Ok(folder)) => {
            let _ = folder.each_row(file, &mut each);
        }
        Some(Err(_)) => {}
        None => {
            let _ = read_chunk(&shown, &path, columns, (0, None), false, |row| {
                each(row);
                true
            });
        }
    }
    found
}
