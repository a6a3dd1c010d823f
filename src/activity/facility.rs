//! `facilities.csv`: the organisational boundary. Small, so read whole and indexed by id.

use super::dates::Day;
use super::split::Window;
use super::terms::{Terms, TermsChange};
use crate::decimal::parse_amount;
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::{read_table, Column, RowRef};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

/// One facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    /// Identifier used by the activity files.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The grid factor of the facility's electricity, `SET:KEY` (edition per year), if any.
    pub grid: Option<FactorRef>,
    /// The organisation's equity share, as a fraction (0–1).
    pub equity_share: Decimal,
    /// Whether the organisation has operational control.
    pub operational_control: bool,
    /// Whether the organisation has financial control.
    pub financial_control: bool,
    /// Where it was defined.
    pub span: Span,
    /// Where its `grid` was written (the row's span when the column is absent).
    pub grid_span: Span,
    /// The days it is inside the boundary (`from`, `to`; always when neither is given).
    pub window: Window,
    /// How it entered the boundary on `from` (acquisition, opening, insourcing).
    pub entry: Option<BoundaryEvent>,
    /// How it left the boundary after `to` (divestment, closure, outsourcing).
    pub exit: Option<BoundaryEvent>,
    /// Its tags (`tags` column, `NAME=VALUE; …`), for breakdowns by `tag:NAME`.
    pub tags: BTreeMap<String, String>,
    /// Its changes of share or control (`facility_changes.csv`), in date order; the columns
    /// above are its terms before the first.
    pub changes: Vec<TermsChange>,
}

impl Facility {
    /// Its terms under index `n`: 0 = as in facilities.csv, n = from its n-th change on.
    pub fn terms(&self, n: usize) -> Terms {
        match n.checked_sub(1).and_then(|i| self.changes.get(i)) {
            Some(c) => c.terms,
            None => Terms {
                equity_share: self.equity_share,
                operational_control: self.operational_control,
                financial_control: self.financial_control,
            },
        }
    }
    /// The first days of its changed terms, in order (where rows are cut).
    pub fn cuts(&self) -> Vec<Day> {
        self.changes.iter().map(|c| c.from).collect()
    }
    /// The first day terms index `n` is in force, for n ≥ 1.
    pub fn terms_from(&self, n: usize) -> Option<Day> {
        n.checked_sub(1)
            .and_then(|i| self.changes.get(i))
            .map(|c| c.from)
    }
}

/// A change of the organisational boundary (GHG Protocol Corporate Standard ch. 5): a
/// structural change (acquisition, divestment, insourcing, outsourcing) restates the base
/// year; organic growth or decline (opening, closure) does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoundaryEvent {
    /// Bought: inside from `from`.
    Acquisition,
    /// Built or started: inside from `from` (organic growth).
    Opening,
    /// An activity brought in-house.
    Insourcing,
    /// Sold: inside until `to`.
    Divestment,
    /// Shut down (organic decline).
    Closure,
    /// An activity handed to another company.
    Outsourcing,
    /// A change of equity share or control (`facility_changes.csv`): a partial transfer of
    /// ownership or control, restated in the base year at the latest terms.
    TermsChange,
}

impl BoundaryEvent {
    /// The name as written in facilities.csv.
    pub fn name(self) -> &'static str {
        match self {
            BoundaryEvent::Acquisition => "acquisition",
            BoundaryEvent::Opening => "opening",
            BoundaryEvent::Insourcing => "insourcing",
            BoundaryEvent::Divestment => "divestment",
            BoundaryEvent::Closure => "closure",
            BoundaryEvent::Outsourcing => "outsourcing",
            BoundaryEvent::TermsChange => "share or control change",
        }
    }
    /// Whether it is a structural change (restates the base year) rather than organic.
    pub fn is_structural(self) -> bool {
        !matches!(self, BoundaryEvent::Opening | BoundaryEvent::Closure)
    }
    const ENTRIES: [BoundaryEvent; 3] = [
        BoundaryEvent::Acquisition,
        BoundaryEvent::Opening,
        BoundaryEvent::Insourcing,
    ];
    const EXITS: [BoundaryEvent; 3] = [
        BoundaryEvent::Divestment,
        BoundaryEvent::Closure,
        BoundaryEvent::Outsourcing,
    ];
}

/// All facilities by id.
#[derive(Debug, Clone, Default)]
pub struct Facilities {
    /// In id order.
    pub list: Vec<Facility>,
    by_id: IdIndex,
}

/// Facility ids to indices. Ids of up to 15 bytes (nearly all) are held inside the table, so
/// that a lookup compares bytes where the hash led rather than following a pointer to each
/// key's own allocation: with 100,000 facilities that pointer was a cache miss on every row.
/// An entry is 20 bytes, so that the table (2.3 MB over 100,000 facilities, against 4.6 MB
/// with 24-byte keys and 8-byte indices) stays in the caches the rows' chains also use.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    short: FxHashMap<ShortId, u32>,
    long: FxHashMap<String, usize>,
}

/// A short id, inline: its bytes (zero-padded) and, last, its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ShortId([u8; 16]);

impl ShortId {
    fn of(id: &str) -> Option<ShortId> {
        let b = id.as_bytes();
        let mut bytes = [0u8; 16];
        bytes
            .get_mut(..b.len())
            .filter(|_| b.len() < 16)?
            .copy_from_slice(b);
        bytes[15] = b.len() as u8;
        Some(ShortId(bytes))
    }
}

impl IdIndex {
    fn get(&self, id: &str) -> Option<usize> {
        match ShortId::of(id) {
            Some(k) => self.short.get(&k).map(|&i| i as usize),
            None => self.long.get(id).copied(),
        }
    }
    fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
    fn insert(&mut self, id: String, index: usize) {
        // An index past u32 (never: 4 billion facilities) is kept with the long ids.
        match (ShortId::of(&id), u32::try_from(index)) {
            (Some(k), Ok(i)) => {
                self.short.insert(k, i);
            }
            _ => {
                self.long.insert(id, index);
            }
        }
    }
}

impl Facilities {
    /// The index of a facility by id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id)
    }
    /// Known ids, for hints.
    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|f| f.id.as_str()).collect()
    }
}

/// The columns of `facilities.csv`.
pub const COLUMNS: [Column; 12] = [
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "name",
        required: true,
    },
    Column {
        name: "country",
        required: true,
    },
    Column {
        name: "grid",
        required: false,
    },
    Column {
        name: "equity_share_pct",
        required: false,
    },
    Column {
        name: "operational_control",
        required: false,
    },
    Column {
        name: "financial_control",
        required: false,
    },
    Column {
        name: "from",
        required: false,
    },
    Column {
        name: "from_event",
        required: false,
    },
    Column {
        name: "to",
        required: false,
    },
    Column {
        name: "to_event",
        required: false,
    },
    Column {
        name: "tags",
        required: false,
    },
];

/// A boundary date and its event: `from`/`from_event` (col, col + 1) or `to`/`to_event`.
fn dated_event(
    row: &RowRef<'_>,
    col: usize,
    allowed: &[BoundaryEvent],
    diags: &mut Vec<Diagnostic>,
) -> (Option<Day>, Option<BoundaryEvent>) {
    let (date, event) = (row.get(col), row.get(col + 1));
    let names = allowed
        .iter()
        .map(|e| e.name())
        .collect::<Vec<_>>()
        .join(", ");
    let day = match date {
        "" => None,
        t => match Day::parse(t) {
            Some(d) => Some(d),
            None => {
                diags.push(
                    Diagnostic::error("bad-date", row.span_of(col), format!("`{t}` is not a date"))
                        .with_hint("write the day as YYYY-MM-DD, e.g. 2025-07-01")
                        .with_source(row.text()),
                );
                None
            }
        },
    };
    let ev = match event {
        "" => {
            if day.is_some() {
                // Where the event goes; when the file has no such column, at the date.
                let at = Some(row.span_of(col + 1))
                    .filter(|s| s.column.is_some())
                    .unwrap_or_else(|| row.span_of(col));
                let column = COLUMNS[col + 1].name;
                diags.push(
                    Diagnostic::error("missing-value", at, format!("a boundary date needs its event in column `{column}` ({names})"))
                        .with_hint("an acquisition, divestment, insourcing or outsourcing restates the base year; an opening or closure does not")
                        .with_source(row.text()),
                );
            }
            None
        }
        t => match allowed.iter().find(|e| e.name() == t.to_ascii_lowercase()) {
            Some(e) => Some(*e),
            None => {
                diags.push(
                    Diagnostic::error(
                        "unknown-event",
                        row.span_of(col + 1),
                        format!("`{t}` is not an event of this column"),
                    )
                    .with_hint(format!("one of: {names}"))
                    .with_source(row.text()),
                );
                None
            }
        },
    };
    if ev.is_some() && day.is_none() && date.is_empty() {
        diags.push(
            Diagnostic::error("missing-value", row.span_of(col), "an event needs its date")
                .with_hint("write the day as YYYY-MM-DD")
                .with_source(row.text()),
        );
    }
    (day, ev)
}

/// The `tags` column: `NAME=VALUE` pairs separated by `;`.
fn tags_of(row: &RowRef<'_>, col: usize, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pair in row
        .get(col)
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match pair.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
            Some((k, v))
                if !k.is_empty()
                    && !v.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    && !out.contains_key(k) =>
            {
                out.insert(k.to_string(), v.to_string());
            }
            _ => diags.push(
                Diagnostic::error(
                    "bad-tag",
                    row.span_of(col),
                    format!("`{pair}` is not a tag NAME=VALUE (or names a tag twice)"),
                )
                .with_hint("e.g. business_unit=Retail; region=EU (names: letters, digits, _ and -)")
                .with_source(row.text()),
            ),
        }
    }
    out
}

/// A yes/no column (blank = yes).
pub(super) fn parse_bool(
    row: &RowRef<'_>,
    col: usize,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match row.get(col).to_ascii_lowercase().as_str() {
        "" | "yes" | "y" | "true" | "1" | "是" => true,
        "no" | "n" | "false" | "0" | "否" => false,
        other => {
            diags.push(
                Diagnostic::error(
                    "bad-boolean",
                    row.span_of(col),
                    format!("`{other}` in column `{name}` is not yes or no"),
                )
                .with_source(row.text()),
            );
            true
        }
    }
}

/// An `equity_share_pct` column (0–100, `%` allowed) as a fraction; `None` after a
/// diagnostic.
pub(super) fn parse_share(
    row: &RowRef<'_>,
    col: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Decimal> {
    let s = row.get(col);
    match parse_amount(s.strip_suffix('%').unwrap_or(s)) {
        Ok(v) if v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED => Some(v / Decimal::ONE_HUNDRED),
        Ok(v) => {
            diags.push(
                Diagnostic::error(
                    "bad-share",
                    row.span_of(col),
                    format!("equity share {v}% is outside 0–100%"),
                )
                .with_source(row.text()),
            );
            None
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(e.code(), row.span_of(col), e.to_string())
                    .with_hint(e.hint())
                    .with_source(row.text()),
            );
            None
        }
    }
}

/// Reads `facilities.csv`.
pub fn read_facilities<R: Read>(file: &Arc<str>, input: R) -> Result<Facilities, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = Facilities::default();
    let res = read_table(file, input, &COLUMNS, |row| {
        if let Some(d) = row.shape_error() {
            diags.push(d);
            return;
        }
        let id = row.get(0);
        if id.is_empty() {
            diags.push(
                Diagnostic::error("missing-value", row.span_of(0), "facility id is empty")
                    .with_source(row.text()),
            );
            return;
        }
        if out.by_id.contains_key(id) {
            diags.push(
                Diagnostic::error(
                    "duplicate-facility",
                    row.span_of(0),
                    format!("facility `{id}` is defined twice"),
                )
                .with_source(row.text()),
            );
            return;
        }
        let country = row.get(2);
        if country.is_empty() {
            diags.push(
                Diagnostic::error("missing-value", row.span_of(2), "country is empty")
                    .with_hint("write the ISO 3166-1 alpha-2 code, e.g. CN, GB, US, AU, DE")
                    .with_source(row.text()),
            );
        } else if !super::is_country_code(country) {
            let hint = match super::suggest_country(country) {
                Some(c) => format!("write the ISO 3166-1 alpha-2 code: `{c}`"),
                None => "write the ISO 3166-1 alpha-2 code, e.g. CN, GB, US, AU, DE".to_string(),
            };
            diags.push(
                Diagnostic::error(
                    "unknown-country",
                    row.span_of(2),
                    format!("`{country}` is not an ISO 3166-1 alpha-2 country code"),
                )
                .with_hint(hint)
                .with_source(row.text()),
            );
        }
        let grid = match row.get(3) {
            "" => None,
            g => match FactorRef::parse(g) {
                Ok(r) if r.edition.is_none() => Some(r),
                Ok(_) => {
                    diags.push(Diagnostic::error("pinned-grid-edition", row.span_of(3), format!("grid `{g}` names an edition")).with_hint("write the grid as SET:KEY (e.g. cn-mee-grid:north); the manifest chooses the edition for each year"));
                    None
                }
                Err(e) => {
                    diags.push(
                        Diagnostic::error("bad-factor-reference", row.span_of(3), e.to_string())
                        .with_hint("write the grid as SET:KEY, e.g. cn-mee-grid:north; `carbonledger factors show cn-mee-grid@2023` lists the regions")
                        .with_source(row.text()),
                    );
                    None
                }
            },
        };
        let equity_share = match row.get(4) {
            "" => Decimal::ONE,
            _ => parse_share(row, 4, &mut diags).unwrap_or(Decimal::ONE),
        };
        let operational_control = parse_bool(row, 5, "operational_control", &mut diags);
        let financial_control = parse_bool(row, 6, "financial_control", &mut diags);
        let (from, entry) = dated_event(row, 7, &BoundaryEvent::ENTRIES, &mut diags);
        let (to, exit) = dated_event(row, 9, &BoundaryEvent::EXITS, &mut diags);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                diags.push(
                    Diagnostic::error(
                        "bad-date",
                        row.span_of(9),
                        format!("`to` {t} is before `from` {f}"),
                    )
                    .with_hint("`from` is the first day inside the boundary, `to` the last")
                    .with_source(row.text()),
                );
            }
        }
        let tags = tags_of(row, 11, &mut diags);
        out.by_id.insert(id.to_string(), out.list.len());
        out.list.push(Facility {
            id: id.to_string(),
            name: row.get(1).to_string(),
            country: row.get(2).to_string(),
            grid,
            equity_share,
            operational_control,
            financial_control,
            span: row.span(),
            grid_span: row.span_of(3),
            window: Window { from, to },
            entry,
            exit,
            tags,
            changes: Vec::new(),
        });
    });
    if let Err(mut d) = res {
        diags.append(&mut d);
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod id_index_tests {
    use super::IdIndex;

    #[test]
    fn short_and_long_ids_are_found_and_only_themselves() {
        let ids = [
            "",
            "F1",
            "F1\0",
            "北京工厂",
            "fifteen bytes x",
            "sixteen bytes xy",
            "exactly twenty three by",
            "a much longer facility identifier than any inline key holds",
        ];
        let mut idx = IdIndex::default();
        for (i, id) in ids.iter().enumerate() {
            idx.insert(id.to_string(), i);
        }
        assert_eq!(ids[4].len(), 15);
        assert_eq!(ids[5].len(), 16);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(idx.get(id), Some(i), "{id:?}");
        }
        assert_eq!(idx.short.len(), 5, "ids of up to 15 bytes are inline");
        for absent in [
            "F",
            "F10",
            "f1",
            "北京",
            "fifteen bytes y",
            "sixteen bytes xz",
            "exactly twenty three bx",
        ] {
            assert_eq!(idx.get(absent), None, "{absent:?}");
            assert!(!idx.contains_key(absent));
        }
    }
}
