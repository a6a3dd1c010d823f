//! The reporting calendar: on which day a reporting year starts (`year_start = "04-01"` in
//! the manifest) and which calendar year names it (`year_label`). With the default
//! (`01-01`) reporting years are calendar years and nothing is split.

use super::dates::{days_between, Day};
use super::period::Period;

/// Which calendar year names a reporting year that does not start on 1 January.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YearLabel {
    /// The year in which it starts: 2025 = 2025-04-01..2026-03-31 (the default).
    #[default]
    Start,
    /// The year in which it ends: 2025 = 2024-04-01..2025-03-31.
    End,
}

impl YearLabel {
    /// `start` or `end`, as written in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            YearLabel::Start => "start",
            YearLabel::End => "end",
        }
    }
}

/// The first day of every reporting year, and how years are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Month of the first day, 1–12.
    pub start_month: u8,
    /// Day of month of the first day (29 February is refused).
    pub start_day: u8,
    /// Which calendar year names the reporting year.
    pub label: YearLabel,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::GREGORIAN
    }
}

impl Calendar {
    /// Calendar years.
    pub const GREGORIAN: Calendar = Calendar {
        start_month: 1,
        start_day: 1,
        label: YearLabel::Start,
    };

    /// Parses `MM-DD` (29 February is refused: a year must start every year).
    ///
    /// ```
    /// use carbonledger::activity::{Calendar, YearLabel};
    /// let c = Calendar::parse("04-01", YearLabel::Start).unwrap();
    /// assert_eq!(c.describe(2025), "2025 = 2025-04-01..2026-03-31");
    /// assert!(Calendar::parse("02-29", YearLabel::Start).is_none());
    /// ```
    pub fn parse(text: &str, label: YearLabel) -> Option<Calendar> {
        let (m, d) = text.trim().split_once('-')?;
        if m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (m, d): (u8, u8) = (m.parse().ok()?, d.parse().ok()?);
        // 2023 is not a leap year: a day valid in it is valid every year.
        Day::from_ymd(2023, m, d)?;
        Some(Calendar {
            start_month: m,
            start_day: d,
            label,
        })
    }

    /// Whether reporting years are calendar years.
    pub fn is_gregorian(&self) -> bool {
        self.start_month == 1 && self.start_day == 1
    }

    /// The calendar year in which reporting year `y` starts.
    fn begins_in(&self, y: i32) -> i32 {
        match self.label {
            YearLabel::End if !self.is_gregorian() => y - 1,
            _ => y,
        }
    }

    /// The first and last day of reporting year `y`.
    pub fn range(&self, y: i32) -> Option<(Day, Day)> {
        let first = Day::from_ymd(self.begins_in(y), self.start_month, self.start_day)?;
        let next = Day::from_ymd(self.begins_in(y + 1), self.start_month, self.start_day)?;
        Some((first, next.prev()))
    }

    /// Days in reporting year `y`.
    pub fn days_in(&self, y: i32) -> u32 {
        self.range(y).map_or(0, |(a, b)| days_between(a, b))
    }

    /// The reporting year a day falls in.
    pub fn year_of(&self, d: Day) -> i32 {
        let (y, m, dd) = d.ymd();
        let began = (m, dd) >= (self.start_month, self.start_day);
        let begins = if began { y } else { y - 1 };
        match self.label {
            YearLabel::End if !self.is_gregorian() => begins + 1,
            _ => begins,
        }
    }

    /// The days a period covers: a year is a reporting year (`2025` is FY2025 when the year
    /// does not start on 1 January); quarters and months are calendar quarters and months.
    pub fn days_of(&self, p: Period) -> Option<(Day, Day)> {
        match p {
            Period::Year(y) => self.range(y),
            other => other.calendar_days(),
        }
    }

    /// `2025 = 2025-04-01..2026-03-31`: the rule, stated for one year.
    pub fn describe(&self, y: i32) -> String {
        match self.range(y) {
            Some((a, b)) => format!("{y} = {a}..{b}"),
            None => format!("{y}"),
        }
    }
}

/// Why a quarter or a month cannot be given in a register file when reporting years do not
/// start on 1 January (those files count a row in one year, by its calendar year).
pub fn fiscal_period_problem(calendar: &Calendar, p: Period) -> Option<String> {
    (!calendar.is_gregorian() && matches!(p, Period::Quarter(..) | Period::Month(..))).then(|| {
        format!(
            "period {p} is a calendar quarter or month, and the reporting year is not the calendar year ({})",
            calendar.describe(p.year())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn april_years_named_by_start_or_end() {
        let start = Calendar {
            start_month: 4,
            start_day: 1,
            label: YearLabel::Start,
        };
        let end = Calendar {
            start_month: 4,
            start_day: 1,
            label: YearLabel::End,
        };
        let d = |y, m, dd| Day::from_ymd(y, m, dd).unwrap_or(Day(0));
        assert_eq!(start.range(2025), Some((d(2025, 4, 1), d(2026, 3, 31))));
        assert_eq!(end.range(2025), Some((d(2024, 4, 1), d(2025, 3, 31))));
        assert_eq!(start.year_of(d(2026, 3, 31)), 2025);
        assert_eq!(start.year_of(d(2026, 4, 1)), 2026);
        assert_eq!(end.year_of(d(2025, 3, 31)), 2025);
        assert_eq!(end.year_of(d(2025, 4, 1)), 2026);
        // FY2023 (start label) holds 29 February 2024.
        assert_eq!(start.days_in(2023), 366);
        assert_eq!(
            Calendar::GREGORIAN.range(2025),
            Some((d(2025, 1, 1), d(2025, 12, 31)))
        );
        assert_eq!(Calendar::GREGORIAN.year_of(d(2025, 12, 31)), 2025);
    }
}
