//! Reporting periods: a year (`2025`), a quarter (`2025-Q1`) or a month (`2025-03`).

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

    /// The calendar year the period falls in.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}
