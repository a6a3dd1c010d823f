//! Calendar days, for bill periods and boundary dates: a day is a count of days since
//! 1970-01-01 in the proleptic Gregorian calendar, so that the length of a range and the
//! overlap of two ranges are integer subtractions (no time zones, no clocks).

use std::fmt;

/// One calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

/// Whether `y` is a leap year (Gregorian).
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`.
pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl Day {
    /// The day of a valid date, or `None` (month 13, 30 February, …).
    ///
    /// ```
    /// use carbonledger::activity::Day;
    /// assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
    /// assert_eq!(Day::from_ymd(2024, 2, 30), None);
    /// ```
    pub fn from_ymd(y: i32, m: u8, d: u8) -> Option<Day> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Days from civil (H. Hinnant's algorithm), with March as the first month of the
        // computational year so that the leap day is its last.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i32::from(m);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i32::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i32, u8, u8) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// Parses `YYYY-MM-DD` (years 1900–2200, as reporting years are bounded).
    ///
    /// ```
    /// use carbonledger::activity::Day;
    /// let d = Day::parse("2025-03-31").unwrap();
    /// assert_eq!(d.to_string(), "2025-03-31");
    /// assert_eq!(Day::parse("2025-3-31"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<i32> {
            let t = s.get(r)?;
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())
                .flatten()
        };
        let y = digits(0..4).filter(|y| (1900..=2200).contains(y))?;
        let m = u8::try_from(digits(5..7)?).ok()?;
        let d = u8::try_from(digits(8..10)?).ok()?;
        Day::from_ymd(y, m, d)
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }

    /// The day before.
    pub fn prev(self) -> Day {
        Day(self.0 - 1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days from `first` to `last`, both included (0 when `last` is before `first`).
pub fn days_between(first: Day, last: Day) -> u32 {
    u32::try_from(last.0 - first.0 + 1).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Day::from_ymd(1900, 1, 1).map(|d| d.0).unwrap_or_default();
        let end = Day::from_ymd(2200, 12, 31).map(|d| d.0).unwrap_or_default();
        let mut prev: Option<(i32, u8, u8)> = None;
        for n in start..=end {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
            if let Some((py, pm, pd)) = prev {
                assert!((y, m, d) > (py, pm, pd));
            }
            prev = Some((y, m, d));
        }
    }

    #[test]
    fn leap_years_by_the_gregorian_rule() {
        // 2000 is a leap year (divisible by 400), 1900 and 2100 are not (by 100).
        assert!(is_leap(2000) && is_leap(2024) && !is_leap(1900) && !is_leap(2100));
        let days = |y| {
            days_between(
                Day::from_ymd(y, 1, 1).unwrap_or(Day(0)),
                Day::from_ymd(y, 12, 31).unwrap_or(Day(0)),
            )
        };
        assert_eq!((days(2024), days(2025), days(2100)), (366, 365, 365));
    }
}
