//! Certificate serial numbers: single serials (`GEC2025000123`) and ranges
//! (`GEC2025000001..GEC2025000500`), held as numeric intervals per prefix so that the same
//! certificate claimed twice — in overlapping ranges, across rows or years — is found without
//! expanding ranges.

use std::collections::BTreeMap;

/// A run of serials: a prefix and an inclusive numeric range of the same width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Everything before the trailing digits.
    pub prefix: String,
    /// Number of trailing digits (serials of different widths are different serials).
    pub width: usize,
    /// First number.
    pub first: u128,
    /// Last number (≥ first).
    pub last: u128,
}

impl Run {
    /// How many certificates the run holds.
    pub fn count(&self) -> u128 {
        self.last - self.first + 1
    }
}

fn split(s: &str) -> Option<(&str, &str)> {
    let digits = s.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 30 {
        return None;
    }
    Some(s.split_at(s.len() - digits))
}

/// Parses a `;`-separated list of serials and ranges.
///
/// ```
/// use carbonledger::renewables::parse_serials;
/// let runs = parse_serials("GEC0001..GEC0010; GEC0020").unwrap();
/// assert_eq!(runs.iter().map(|r| r.count()).sum::<u128>(), 11);
/// assert!(parse_serials("GEC0010..GEC0001").is_err());
/// ```
pub fn parse_serials(text: &str) -> Result<Vec<Run>, String> {
    let mut runs = Vec::new();
    for item in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (a, b) = item.split_once("..").unwrap_or((item, item));
        let (a, b) = (a.trim(), b.trim());
        let (Some((pa, na)), Some((pb, nb))) = (split(a), split(b)) else {
            return Err(format!("`{item}` is not a serial ending in digits"));
        };
        if pa != pb || na.len() != nb.len() {
            return Err(format!(
                "`{item}`: both ends of a range must share the prefix and digit count"
            ));
        }
        let (Ok(first), Ok(last)) = (na.parse::<u128>(), nb.parse::<u128>()) else {
            return Err(format!("`{item}` is not a serial ending in digits"));
        };
        if last < first {
            return Err(format!("`{item}`: the range ends before it starts"));
        }
        runs.push(Run {
            prefix: pa.to_string(),
            width: na.len(),
            first,
            last,
        });
    }
    // Separators with nothing between them are not "no serials": the count check would be
    // passed over silently.
    if runs.is_empty() && !text.trim().is_empty() {
        return Err(format!("`{}` lists no serial", text.trim()));
    }
    Ok(runs)
}

/// Serials claimed so far, with the line that claimed them.
#[derive(Debug, Default)]
pub struct Claimed {
    by_prefix: BTreeMap<(String, usize), BTreeMap<u128, (u128, u64)>>,
}

impl Claimed {
    /// Claims `runs` for `line`; returns the first overlap (the serial and the earlier line)
    /// without claiming anything when there is one.
    pub fn claim(&mut self, runs: &[Run], line: u64) -> Result<(), (String, u64)> {
        for (i, r) in runs.iter().enumerate() {
            let key = (r.prefix.clone(), r.width);
            if let Some(m) = self.by_prefix.get(&key) {
                // The earliest claimed serial in the run: one covering its start, else the
                // first claimed run that starts inside it.
                let covering = m
                    .range(..=r.first)
                    .next_back()
                    .filter(|(_, (last, _))| *last >= r.first)
                    .map(|(_, &(_, at))| (r.first, at));
                let inside = m
                    .range(r.first..=r.last)
                    .next()
                    .map(|(&s, &(_, at))| (s, at));
                if let Some((n, at)) = covering.or(inside) {
                    return Err((format!("{}{:0w$}", r.prefix, n, w = r.width), at));
                }
            }
            for o in &runs[..i] {
                if o.prefix == r.prefix
                    && o.width == r.width
                    && o.first <= r.last
                    && r.first <= o.last
                {
                    let n = o.first.max(r.first);
                    return Err((format!("{}{:0w$}", r.prefix, n, w = r.width), line));
                }
            }
        }
        for r in runs {
            self.by_prefix
                .entry((r.prefix.clone(), r.width))
                .or_default()
                .insert(r.first, (r.last, line));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_ranges_across_rows_are_found_with_the_earlier_line() {
        let mut c = Claimed::default();
        c.claim(&parse_serials("A001..A100").unwrap(), 5).unwrap();
        c.claim(&parse_serials("A101..A200").unwrap(), 6).unwrap();
        assert_eq!(
            c.claim(&parse_serials("A150").unwrap(), 7),
            Err(("A150".into(), 6))
        );
        assert_eq!(
            c.claim(&parse_serials("A090..A300").unwrap(), 8),
            Err(("A090".into(), 5))
        );
        // Different width or prefix: different certificates.
        c.claim(&parse_serials("A0150; B150").unwrap(), 9).unwrap();
    }

    #[test]
    fn separators_alone_are_not_an_empty_list() {
        for text in [";", " ; ", ";;"] {
            assert!(parse_serials(text).is_err(), "{text:?}");
        }
        assert_eq!(parse_serials("").unwrap().len(), 0);
        assert_eq!(parse_serials("A1; A3;").unwrap().len(), 2);
    }

    #[test]
    fn a_row_overlapping_itself_is_a_duplicate() {
        let mut c = Claimed::default();
        assert_eq!(
            c.claim(&parse_serials("X10..X20; X15").unwrap(), 3),
            Err(("X15".into(), 3))
        );
    }
}
