//! Splitting a row by days: a bill whose period spans two reporting years, a facility's
//! entry into or exit from the boundary, or a change of its equity share or control
//! (`facility_changes.csv`), gives each part `days in the part / days of the row`
//! of the row's quantity. A part is kept exact when that fraction of the quantity terminates;
//! otherwise it is rounded to the manifest's `split_decimals` places and the last part takes
//! the remainder, so that the parts always add up to the row; with no `split_decimals` the row
//! is refused (`inexact-split`).

use super::calendar::Calendar;
use super::dates::{days_between, Day};
use crate::decimal::{self, RoundingRule};
use rust_decimal::Decimal;

/// The days a facility is inside the organisational boundary (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// First day inside (an acquisition or opening), if it entered during the record.
    pub from: Option<Day>,
    /// Last day inside (the day before a divestment or closure takes effect), if it left.
    pub to: Option<Day>,
}

impl Window {
    /// Whether a day is inside.
    pub fn contains(&self, d: Day) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
    /// Whether the window is the whole of time.
    pub fn is_always(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }
}

/// One part of a row: the days of one reporting year, all inside or all outside the
/// facility's window, all under one set of its terms (share and control).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Reporting year.
    pub year: i32,
    /// First day.
    pub first: Day,
    /// Last day.
    pub last: Day,
    /// Days in the part.
    pub days: u32,
    /// Its share of the row's quantity.
    pub quantity: Decimal,
    /// Whether the facility is inside the boundary on these days.
    pub inside: bool,
    /// The facility's terms on these days: 0 = as in facilities.csv, n = after its n-th
    /// change (`Facility::terms`).
    pub terms: usize,
}

/// How a calculation line was split from its row, recorded on the line (explain, lines.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// The row's first and last day.
    pub row: (Day, Day),
    /// Days of the row.
    pub row_days: u32,
    /// The part's first and last day.
    pub part: (Day, Day),
    /// Days of the part.
    pub part_days: u32,
    /// The row's quantity, as written.
    pub row_quantity: Decimal,
    /// `Some(places)` when the part was rounded to that many places (the manifest's
    /// `split_decimals`); `None` when it is the exact fraction.
    pub rounded: Option<u32>,
    /// The part took the remainder (row − the other parts) so that the parts add up.
    pub remainder: bool,
    /// The facility is outside the boundary on these days: the line counts in no figure of
    /// the year, only in the base-year restatement.
    pub outside: bool,
    /// The facility's terms on the part's days (`Part::terms`).
    pub terms: usize,
    /// The day the facility's terms of this part took effect (a share or control change of
    /// `facility_changes.csv`), when the row was cut at such a change.
    pub terms_from: Option<Day>,
}

impl Split {
    /// `92/365 days (2024-07-01..2025-06-30 → 2025-04-01..2025-06-30): 1000 × 92/365 = …`.
    pub fn describe(&self) -> String {
        let how = match (self.rounded, self.remainder) {
            (None, _) => "exact".to_string(),
            (Some(dp), false) => {
                format!("rounded to {dp} places by the manifest's split_decimals")
            }
            (Some(dp), true) => format!(
                "the remainder of the row after the other parts (rounded to {dp} places), so that the parts add up to the row"
            ),
        };
        format!(
            "{}/{} days of {}..{} → {}..{}: {} × {}/{} ({how}){}{}",
            self.part_days,
            self.row_days,
            self.row.0,
            self.row.1,
            self.part.0,
            self.part.1,
            self.row_quantity,
            self.part_days,
            self.row_days,
            if self.outside {
                "; outside the facility's time in the boundary: in no figure of the year, kept for the base-year restatement"
            } else {
                ""
            },
            self.terms_from.map_or(String::new(), |d| format!(
                "; under the share and control in force from {d} (facility_changes.csv)"
            ))
        )
    }
}

/// Why a row could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// A part's fraction does not terminate and the manifest sets no `split_decimals`.
    Inexact {
        /// The part's days and the row's.
        days: (u32, u32),
    },
    /// A part cannot be held (overflow), or rounding left a negative remainder.
    Arithmetic(String),
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitError::Inexact { days: (d, n) } => write!(
                f,
                "{d}/{n} of the quantity has no exact decimal value, and carbonledger.toml sets no split_decimals"
            ),
            SplitError::Arithmetic(e) => write!(f, "{e}"),
        }
    }
}

/// One run of days of [`segments`]: (reporting year, first day, last day, inside the
/// window, terms index).
pub type Segment = (i32, Day, Day, bool, usize);

/// Cuts the days `first..=last` at reporting-year starts, at the window's ends and at the
/// days new terms take effect (`cuts`, in order: the first day of the facility's n-th
/// change of share or control; a part on or after the n-th cut has terms index n).
pub fn segments(
    first: Day,
    last: Day,
    calendar: &Calendar,
    window: Window,
    cuts: &[Day],
) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut cursor = first;
    while cursor <= last {
        let year = calendar.year_of(cursor);
        let mut end = calendar.range(year).map_or(last, |(_, e)| e.min(last));
        let inside = window.contains(cursor);
        if let Some(f) = window.from {
            if f > cursor && f <= end {
                end = f.prev();
            }
        }
        if let Some(t) = window.to {
            if t >= cursor && t < end {
                end = t;
            }
        }
        let terms = cuts.iter().filter(|c| **c <= cursor).count();
        if let Some(c) = cuts.iter().find(|c| **c > cursor) {
            if *c <= end {
                end = c.prev();
            }
        }
        out.push((year, cursor, end, inside, terms));
        cursor = end.next();
    }
    out
}

/// Splits `quantity` over the days `first..=last` by reporting year, window and changes of
/// terms (`cuts`, see [`segments`]).
pub fn split(
    quantity: Decimal,
    (first, last): (Day, Day),
    calendar: &Calendar,
    (window, cuts): (Window, &[Day]),
    split_decimals: Option<u32>,
    rule: RoundingRule,
) -> Result<Vec<Part>, SplitError> {
    let segs = segments(first, last, calendar, window, cuts);
    let total = days_between(first, last);
    let arith = |e: decimal::CalcError| SplitError::Arithmetic(e.to_string());
    let mut parts = Vec::with_capacity(segs.len());
    let mut exact = true;
    for &(year, a, b, inside, terms) in &segs {
        let days = days_between(a, b);
        let q = decimal::div(
            decimal::mul(quantity, Decimal::from(days)).map_err(arith)?,
            Decimal::from(total),
        )
        .map_err(arith)?;
        exact &= q.exact;
        parts.push(Part {
            year,
            first: a,
            last: b,
            days,
            quantity: q.value.normalize(),
            inside,
            terms,
        });
    }
    if exact || parts.len() == 1 {
        if let [only] = parts.as_mut_slice() {
            only.quantity = quantity;
        }
        return Ok(parts);
    }
    let Some(dp) = split_decimals else {
        let p = parts.iter().find(|p| {
            decimal::div(Decimal::from(p.days), Decimal::from(total)).is_ok_and(|q| !q.exact)
        });
        return Err(SplitError::Inexact {
            days: (p.map_or(0, |p| p.days), total),
        });
    };
    let n = parts.len();
    let mut rest = quantity;
    for p in parts.iter_mut().take(n - 1) {
        p.quantity = rule.round(p.quantity, dp);
        rest = decimal::sub(rest, p.quantity).map_err(arith)?;
    }
    if rest.is_sign_negative() && !rest.is_zero() {
        return Err(SplitError::Arithmetic(format!(
            "rounding the parts to {dp} places leaves a negative remainder ({rest})"
        )));
    }
    if let Some(last) = parts.last_mut() {
        last.quantity = rest;
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::YearLabel;
    use rust_decimal::dec;

    fn d(y: i32, m: u8, dd: u8) -> Day {
        Day::from_ymd(y, m, dd).unwrap_or(Day(0))
    }

    #[test]
    fn a_bill_across_the_april_year_end_is_split_by_days() {
        // 2026-03-01..2026-04-30: 31 days of March (FY2025) and 30 of April (FY2026), 61 days.
        let cal = Calendar {
            start_month: 4,
            start_day: 1,
            label: YearLabel::Start,
        };
        let parts = split(
            dec!(6100),
            (d(2026, 3, 1), d(2026, 4, 30)),
            &cal,
            (Window::default(), &[]),
            None,
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap_or_default();
        let got: Vec<_> = parts.iter().map(|p| (p.year, p.days, p.quantity)).collect();
        // 6100 × 31/61 = 3100, 6100 × 30/61 = 3000: exact.
        assert_eq!(got, vec![(2025, 31, dec!(3100)), (2026, 30, dec!(3000))]);
    }

    #[test]
    fn inexact_parts_are_refused_or_rounded_with_the_remainder_last() {
        let cal = Calendar::GREGORIAN;
        // 100 over 2024-12-01..2025-01-30 (61 days): 31/61 × 100 = 50.819672… does not
        // terminate: refused without split_decimals; at 3 places 50.820, the rest 49.180.
        let refused = split(
            dec!(100),
            (d(2024, 12, 1), d(2025, 1, 30)),
            &cal,
            (Window::default(), &[]),
            None,
            RoundingRule::HalfAwayFromZero,
        );
        assert_eq!(refused, Err(SplitError::Inexact { days: (31, 61) }));
        // Over 62 days the halves are exact (31/62 = 1/2).
        let halves = split(
            dec!(1000),
            (d(2024, 12, 1), d(2025, 1, 31)),
            &cal,
            (Window::default(), &[]),
            None,
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap_or_default();
        assert_eq!(
            halves.iter().map(|p| p.quantity).collect::<Vec<_>>(),
            vec![dec!(500), dec!(500)]
        );
        let parts = split(
            dec!(100),
            (d(2024, 12, 1), d(2025, 1, 30)),
            &cal,
            (Window::default(), &[]),
            Some(3),
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap_or_default();
        let got: Vec<_> = parts.iter().map(|p| (p.year, p.quantity)).collect();
        assert_eq!(got, vec![(2024, dec!(50.820)), (2025, dec!(49.180))]);
        assert_eq!(parts.iter().map(|p| p.quantity).sum::<Decimal>(), dec!(100));
    }

    #[test]
    fn a_window_cuts_the_year_at_the_acquisition_date() {
        // Acquired on 2025-07-01: an annual row of calendar 2025 (365 days) is 181 days
        // outside (January–June) and 184 inside.
        let w = Window {
            from: Some(d(2025, 7, 1)),
            to: None,
        };
        let parts = split(
            dec!(365),
            (d(2025, 1, 1), d(2025, 12, 31)),
            &Calendar::GREGORIAN,
            (w, &[]),
            None,
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap_or_default();
        let got: Vec<_> = parts
            .iter()
            .map(|p| (p.days, p.quantity, p.inside))
            .collect();
        assert_eq!(got, vec![(181, dec!(181), false), (184, dec!(184), true)]);
    }

    #[test]
    fn a_share_change_cuts_the_row_and_numbers_the_terms() {
        // Equity share changed on 2025-10-01 (the first day of the new terms): a calendar
        // 2025 row of 365 MWh is 273 days (January–September, terms 0) and 92 days
        // (October–December, terms 1): 273 + 92 = 365, each part exact.
        let parts = split(
            dec!(365),
            (d(2025, 1, 1), d(2025, 12, 31)),
            &Calendar::GREGORIAN,
            (Window::default(), &[d(2025, 10, 1)]),
            None,
            RoundingRule::HalfAwayFromZero,
        )
        .unwrap_or_default();
        let got: Vec<_> = parts
            .iter()
            .map(|p| (p.days, p.quantity, p.terms))
            .collect();
        assert_eq!(got, vec![(273, dec!(273), 0), (92, dec!(92), 1)]);
    }
}
