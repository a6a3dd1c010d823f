//! Reporting periods: a year (`2025`), a quarter (`2025-Q1`) or a month (`2025-03`); in the
//! activity files also a day (`2025-03-31`) or a range of days (`2024-07-01..2025-06-30`, a
//! bill's own period).

use super::dates::Day;
use std::fmt;

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// A calendar quarter, 1–4.
    Quarter(i32, u8),
    /// A calendar month, 1–12.
    Month(i32, u8),
    /// Days from the first to the last, both included (`energy.csv` and `fugitive.csv` only).
    Days(Day, Day),
}

impl Period {
    /// Parses `2025`, `2025-Q1` or `2025-03`.
    ///
    /// ```
    /// use carbonledger::activity::Period;
    /// assert_eq!(Period::parse("2025-Q3"), Some(Period::Quarter(2025, 3)));
    /// assert_eq!(Period::parse("2025-03").map(|p| p.year()), Some(2025));
    /// assert_eq!(Period::parse("2025-13"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())
                .flatten()
                .filter(|y| (1900..=2200).contains(y))
        };
        match s.split_once('-') {
            None => year(s).map(Period::Year),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                    let q: u8 = (q.len() == 1).then(|| q.parse().ok()).flatten()?;
                    (1..=4).contains(&q).then_some(Period::Quarter(y, q))
                } else {
                    let m: u8 = (rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| rest.parse().ok())
                        .flatten()?;
                    (1..=12).contains(&m).then_some(Period::Month(y, m))
                }
            }
        }
    }

    /// Parses what an activity row may give: a period of [`Period::parse`], a day
    /// (`2025-03-31`) or a range of days `FIRST..LAST` (both included; LAST not before FIRST).
    ///
    /// ```
    /// use carbonledger::activity::{Day, Period};
    /// let p = Period::parse_activity("2024-07-01..2025-06-30").unwrap();
    /// assert_eq!(p, Period::Days(Day::parse("2024-07-01").unwrap(), Day::parse("2025-06-30").unwrap()));
    /// assert_eq!(Period::parse_activity("2025-06-30..2024-07-01"), None);
    /// assert_eq!(Period::parse_activity("2025-Q2"), Some(Period::Quarter(2025, 2)));
    /// ```
    pub fn parse_activity(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some(p) = Period::parse(s) {
            return Some(p);
        }
        match s.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (Day::parse(a.trim())?, Day::parse(b.trim())?);
                (a <= b).then_some(Period::Days(a, b))
            }
            None => Day::parse(s).map(|d| Period::Days(d, d)),
        }
    }

    /// The calendar year the period falls in (a range of days: the year of its first day; the
    /// reporting year of a row is the calendar's, `Calendar::parts`).
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
            Period::Days(a, _) => a.ymd().0,
        }
    }

    /// The first and last calendar day of a quarter, a month or a range (a year depends on the
    /// project's calendar: `None`).
    pub fn calendar_days(self) -> Option<(Day, Day)> {
        match self {
            Period::Year(_) => None,
            Period::Quarter(y, q) => {
                let m = 3 * q - 2;
                let last = m + 2;
                Some((
                    Day::from_ymd(y, m, 1)?,
                    Day::from_ymd(y, last, super::dates::days_in_month(y, last))?,
                ))
            }
            Period::Month(y, m) => Some((
                Day::from_ymd(y, m, 1)?,
                Day::from_ymd(y, m, super::dates::days_in_month(y, m))?,
            )),
            Period::Days(a, b) => Some((a, b)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Days(a, b) if a == b => write!(f, "{a}"),
            Period::Days(a, b) => write!(f, "{a}..{b}"),
        }
    }
}
