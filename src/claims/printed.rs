//! A number as a report printed it — "约8,000吨", "2.64万吨", "↓ 7%", "超 54,000 MWh",
//! "20余款" — read into its qualifier word, exact value, the precision its digits imply, and its
//! unit. Thousands separators are accepted here (and only here): a printed report groups
//! digits in threes, and a grouping that is not in threes is refused as ambiguous.

use super::file::About;
use super::relation::Relation;
use super::unit::{ClaimUnit, ClaimUnitError};
use crate::decimal::{parse_amount, AmountError};
use rust_decimal::Decimal;

/// Qualifier words in front of a number, longest first, and the relation each states.
const PREFIXES: &[(&str, Relation)] = &[
    ("不低于", Relation::AtLeast),
    ("不超过", Relation::AtMost),
    ("超过", Relation::Over),
    ("大于", Relation::Over),
    ("至少", Relation::AtLeast),
    ("至多", Relation::AtMost),
    ("大约", Relation::About),
    ("超", Relation::Over),
    ("逾", Relation::Over),
    ("约", Relation::About),
    (">", Relation::Over),
    ("≥", Relation::AtLeast),
    ("≤", Relation::AtMost),
    ("≈", Relation::About),
    ("~", Relation::About),
    ("↓", Relation::DownBy),
    ("↑", Relation::UpBy),
];

/// Qualifier words right after the number (or after 万/亿): "20余款" is more than 20.
const AFTER_NUMBER: &[(&str, Relation)] = &[("余", Relation::Over), ("多", Relation::Over)];

/// Qualifier words after the unit.
const SUFFIXES: &[(&str, Relation)] = &[("以上", Relation::AtLeast), ("以下", Relation::AtMost)];

/// A printed number, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The text as printed.
    pub text: String,
    /// The qualifier word found ("约", "↓", "余") and the relation it states.
    pub qualifier: Option<(String, Relation)>,
    /// The number, exactly as written (in `unit`, so "2.64万吨" is 2.64 of 万t).
    pub value: Decimal,
    /// Digits written after the decimal point.
    pub decimals: u32,
    /// Trailing zeros of an integer ("8,000" has 3).
    pub trailing_zeros: u32,
    /// The unit, with any 万/亿 multiplier.
    pub unit: ClaimUnit,
}

/// Why a printed value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintedError {
    /// No number where one was expected.
    #[error("no number in `{0}`")]
    NoNumber(String),
    /// Digits grouped other than in threes.
    #[error("`{0}` is not grouped in threes (1,234,567)")]
    BadGrouping(String),
    /// The digits are not a number.
    #[error("{0}")]
    Amount(#[from] AmountError),
    /// Two qualifier words.
    #[error("two qualifier words (`{0}` and `{1}`)")]
    TwoQualifiers(String, String),
    /// The unit.
    #[error("unit: {0}")]
    Unit(#[from] ClaimUnitError),
}

impl PrintedError {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            PrintedError::Unit(_) => "write the unit as printed (吨, 万吨, kWh, 万千瓦时, MWh, GJ, %, 款) or as a unit in README.md `Units`",
            PrintedError::TwoQualifiers(..) => "keep one qualifier word in `printed`; the rest of the sentence belongs in `wording`",
            _ => "write the number as printed, e.g. \"约8,000吨\", \"2.64万吨\", \"↓7%\", \"38,333 GJ\"",
        }
    }
}

impl Printed {
    /// The precision the digits imply, in `unit`: the value of the last written digit; for
    /// `about` an integer's trailing zeros count as rounding ("约8,000" → 1,000).
    ///
    /// ```
    /// use carbonledger::claims::{Printed, Relation};
    /// let p = Printed::parse("约8,000吨").unwrap();
    /// assert_eq!(p.implied_precision(Relation::About).to_string(), "1000");
    /// assert_eq!(p.implied_precision(Relation::Exact).to_string(), "1");
    /// assert_eq!(Printed::parse("2.64万吨").unwrap().implied_precision(Relation::About).to_string(), "0.01");
    /// ```
    pub fn implied_precision(&self, relation: Relation) -> Decimal {
        if self.decimals > 0 {
            Decimal::new(1, self.decimals)
        } else if relation == Relation::About && !self.value.is_zero() {
            Decimal::from(10i64.pow(self.trailing_zeros.min(18)))
        } else {
            Decimal::ONE
        }
    }

    /// The precision under a reading of "about" (see [`About`]); for any other relation the
    /// value of the last written digit.
    ///
    /// ```
    /// use carbonledger::claims::{About, Printed, Relation};
    /// let p = Printed::parse("约8,000吨").unwrap();
    /// assert_eq!(p.precision_under(Relation::About, About::Rounded).to_string(), "1000");
    /// assert_eq!(p.precision_under(Relation::About, About::EveryDigit).to_string(), "1");
    /// ```
    pub fn precision_under(&self, relation: Relation, about: About) -> Decimal {
        match (relation, about) {
            (Relation::About, About::EveryDigit) => self.implied_precision(Relation::Exact),
            _ => self.implied_precision(relation),
        }
    }

    /// Reads a printed value.
    ///
    /// ```
    /// use carbonledger::claims::{Printed, Relation};
    /// let p = Printed::parse("↓ 7%").unwrap();
    /// assert_eq!((p.value.to_string(), p.qualifier.unwrap().1), ("7".into(), Relation::DownBy));
    /// let p = Printed::parse("20余款").unwrap();
    /// assert_eq!(p.qualifier.unwrap().1, Relation::Over);
    /// assert!(Printed::parse("1,23 t").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Printed, PrintedError> {
        let mut qualifier: Option<(String, Relation)> = None;
        let mut note = |word: &str, r: Relation| -> Result<(), PrintedError> {
            if let Some((q, _)) = &qualifier {
                return Err(PrintedError::TwoQualifiers(q.clone(), word.to_string()));
            }
            qualifier = Some((word.to_string(), r));
            Ok(())
        };
        let mut rest = text.trim();
        if let Some((w, r)) = PREFIXES.iter().find(|(w, _)| rest.starts_with(w)) {
            note(w, *r)?;
            rest = rest[w.len()..].trim_start();
        }
        // The number: an optional sign, digits grouped by commas, an optional fraction.
        let end = rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_digit() || c == ',' || c == '.' || (i == 0 && (c == '-' || c == '−')))
            })
            .map_or(rest.len(), |(i, _)| i);
        let (number, after) = rest.split_at(end);
        let number = number.replace('−', "-");
        if !number.chars().any(|c| c.is_ascii_digit()) {
            return Err(PrintedError::NoNumber(text.trim().to_string()));
        }
        let (int_part, frac) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number.as_str(), ""),
        };
        let digits = int_part.trim_start_matches('-');
        // Only the integer part is grouped: a comma after the point ("0.510,004") is refused
        // whether or not the integer part has commas too.
        if frac.contains(',') {
            return Err(PrintedError::BadGrouping(number.clone()));
        }
        if digits.contains(',') {
            let groups: Vec<&str> = digits.split(',').collect();
            let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups.iter().skip(1).all(|g| g.len() == 3);
            if !ok {
                return Err(PrintedError::BadGrouping(number.clone()));
            }
        }
        let plain = number.replace(',', "");
        let value = parse_amount(&plain)?;
        let decimals = u32::try_from(frac.len()).unwrap_or(u32::MAX);
        let trailing_zeros = if decimals == 0 {
            let d = digits.replace(',', "");
            u32::try_from(d.len() - d.trim_end_matches('0').len()).unwrap_or(0)
        } else {
            0
        };
        // 余/多 after the number, or after a 万/亿 multiplier ("2万余吨").
        let mut unit_text = after.trim_start().to_string();
        for (w, r) in AFTER_NUMBER {
            for m in ["", "万", "亿"] {
                let lead = format!("{m}{w}");
                if unit_text.starts_with(&lead) {
                    note(w, *r)?;
                    unit_text = format!("{m}{}", &unit_text[lead.len()..]);
                }
            }
        }
        let trimmed = unit_text.trim_end().to_string();
        let mut unit_text = trimmed.as_str();
        if let Some((w, r)) = SUFFIXES.iter().find(|(w, _)| unit_text.ends_with(w)) {
            note(w, *r)?;
            unit_text = unit_text[..unit_text.len() - w.len()].trim_end();
        }
        let unit = ClaimUnit::parse(unit_text)?;
        Ok(Printed {
            text: text.trim().to_string(),
            qualifier,
            value,
            decimals,
            trailing_zeros,
            unit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn reads_the_seed_numbers() {
        let cases = [
            ("约8,000吨", dec!(8000), Some(Relation::About), "吨"),
            ("2.64万吨", dec!(2.64), None, "万吨"),
            (
                "约3,188万千瓦时",
                dec!(3188),
                Some(Relation::About),
                "万千瓦时",
            ),
            ("182万kWh", dec!(182), None, "万kWh"),
            ("38,333 GJ", dec!(38333), None, "GJ"),
            ("↓ 7%", dec!(7), Some(Relation::DownBy), "%"),
            ("14.2%", dec!(14.2), None, "%"),
            ("超 54,000 MWh", dec!(54000), Some(Relation::Over), "MWh"),
            (
                "约2,471吨 CO_{2e}",
                dec!(2471),
                Some(Relation::About),
                "吨 CO_{2e}",
            ),
            ("20余款", dec!(20), Some(Relation::Over), "款"),
            (
                "54,000 MWh以上",
                dec!(54000),
                Some(Relation::AtLeast),
                "MWh",
            ),
        ];
        for (text, value, rel, unit) in cases {
            let p = Printed::parse(text).unwrap();
            assert_eq!(p.value, value, "{text}");
            assert_eq!(p.qualifier.map(|q| q.1), rel, "{text}");
            assert_eq!(p.unit.text, unit, "{text}");
        }
        let p = Printed::parse("2万余吨").unwrap();
        assert_eq!((p.value, p.unit.text.as_str()), (dec!(2), "万吨"));
    }

    #[test]
    fn refuses_what_is_not_a_printed_number() {
        assert!(matches!(
            Printed::parse("1,23 t"),
            Err(PrintedError::BadGrouping(_))
        ));
        assert!(matches!(
            Printed::parse("12,3456 t"),
            Err(PrintedError::BadGrouping(_))
        ));
        assert!(matches!(
            Printed::parse("约 吨"),
            Err(PrintedError::NoNumber(_))
        ));
        assert!(matches!(
            Printed::parse("约超8,000吨"),
            Err(PrintedError::NoNumber(_))
        ));
        assert!(matches!(
            Printed::parse("约20余款"),
            Err(PrintedError::TwoQualifiers(..))
        ));
        assert!(matches!(Printed::parse("8000"), Err(PrintedError::Unit(_))));
        // Found by fuzzing (fuzz/artifacts-found/numbers-comma-in-fraction): a comma after the
        // point was dropped when the integer part had none, reading 0.510004 for this text.
        for text in [".510004,,000 MWh", "1.234,567 t", "0.5,0 t", "1,234.5,6 t"] {
            assert!(
                matches!(Printed::parse(text), Err(PrintedError::BadGrouping(_))),
                "{text}"
            );
        }
        assert!(matches!(
            Printed::parse("8000 furlongs"),
            Err(PrintedError::Unit(_))
        ));
    }

    #[test]
    fn precision_from_the_written_digits() {
        let p = |s: &str, r| Printed::parse(s).unwrap().implied_precision(r);
        assert_eq!(p("约8,000吨", Relation::About), dec!(1000));
        assert_eq!(p("约2,471吨", Relation::About), dec!(1));
        assert_eq!(p("约30%", Relation::About), dec!(10));
        assert_eq!(p("2.64万吨", Relation::About), dec!(0.01));
        assert_eq!(p("8,000.0吨", Relation::About), dec!(0.1));
        assert_eq!(p("100%", Relation::Exact), dec!(1));
        assert_eq!(p("↓ 7%", Relation::DownBy), dec!(1));
    }
}
