//! A claim's wording as an interval: which values a relation ("over", "about", "down by")
//! allows around a printed number written at a given precision. Pure decimal arithmetic in
//! the printed number's own unit; units and figures are elsewhere.

use crate::decimal::{self, CalcError, RoundingRule};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// How a published number relates to the figure it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Strictly more than the printed number ("超 54,000").
    Over,
    /// The printed number or more ("不低于", "100%使用").
    AtLeast,
    /// The printed number, rounded, with trailing zeros of an integer counting as rounding
    /// ("约8,000" is at thousands).
    About,
    /// The printed number or less.
    AtMost,
    /// The printed number, rounded at its last written digit ("14.2%", "38,333 GJ").
    Exact,
    /// A change that fell by the printed amount: the figure is negative ("↓7%" is −7%).
    DownBy,
    /// A change that rose by the printed amount.
    UpBy,
}

impl Relation {
    /// Every relation, in documentation order.
    pub const ALL: [Relation; 7] = [
        Relation::Over,
        Relation::AtLeast,
        Relation::About,
        Relation::AtMost,
        Relation::Exact,
        Relation::DownBy,
        Relation::UpBy,
    ];

    /// The name used in `claims.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Over => "over",
            Relation::AtLeast => "at_least",
            Relation::About => "about",
            Relation::AtMost => "at_most",
            Relation::Exact => "exact",
            Relation::DownBy => "down_by",
            Relation::UpBy => "up_by",
        }
    }

    /// Reads a relation name as written in `claims.toml`.
    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.name() == s.trim())
    }

    /// Whether the printed precision matters (a rounding interval) or only the number (a
    /// one-sided bound).
    pub fn uses_precision(self) -> bool {
        !matches!(self, Relation::Over | Relation::AtLeast | Relation::AtMost)
    }
}

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Where it is.
    pub value: Decimal,
    /// Whether the end itself is allowed.
    pub inclusive: bool,
}

/// The values a claim's wording allows; an absent end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Lower end.
    pub low: Option<Bound>,
    /// Upper end.
    pub high: Option<Bound>,
}

impl Interval {
    /// Whether `x` (in the interval's unit) lies in the interval.
    ///
    /// ```
    /// use carbonledger::claims::{allowed, Relation};
    /// use rust_decimal::dec;
    /// let about = allowed(Relation::About, dec!(8000), dec!(1000)).unwrap();
    /// assert!(about.contains(dec!(7500)) && !about.contains(dec!(8500)));
    /// ```
    pub fn contains(&self, x: Decimal) -> bool {
        self.contains_by(|b| Ok::<_, CalcError>(x.cmp(&b)))
            .unwrap_or(false)
    }

    /// Whether a value lies in the interval, given how it compares with a bound (`cmp(b)` is
    /// the value's ordering against `b`). Lets a caller compare across units without dividing.
    pub fn contains_by<E>(
        &self,
        mut cmp: impl FnMut(Decimal) -> Result<Ordering, E>,
    ) -> Result<bool, E> {
        if let Some(l) = self.low {
            match cmp(l.value)? {
                Ordering::Less => return Ok(false),
                Ordering::Equal if !l.inclusive => return Ok(false),
                _ => {}
            }
        }
        if let Some(h) = self.high {
            match cmp(h.value)? {
                Ordering::Greater => return Ok(false),
                Ordering::Equal if !h.inclusive => return Ok(false),
                _ => {}
            }
        }
        Ok(true)
    }

    /// The same interval with each end mapped (e.g. converted to another unit by a positive
    /// factor, which keeps the order).
    pub fn map<E>(&self, mut f: impl FnMut(Decimal) -> Result<Decimal, E>) -> Result<Interval, E> {
        let mut end = |b: Option<Bound>| -> Result<Option<Bound>, E> {
            b.map(|b| {
                f(b.value).map(|value| Bound {
                    value,
                    inclusive: b.inclusive,
                })
            })
            .transpose()
        };
        Ok(Interval {
            low: end(self.low)?,
            high: end(self.high)?,
        })
    }
}

/// The target a relation compares with: the printed number, negated for a fall.
pub fn target(relation: Relation, printed: Decimal) -> Decimal {
    if relation == Relation::DownBy {
        -printed
    } else {
        printed
    }
}

/// The interval `relation` allows for a number printed as `printed` at `precision` (the value
/// of its last significant digit, in the same unit).
///
/// One-sided relations ignore the precision: "over 54,000" is `x > 54,000`. The others allow
/// exactly the values that round to the printed number (to a multiple of `precision`, half
/// away from zero): for a positive target `t`, `t − p/2 ≤ x < t + p/2`; for a negative one
/// (a fall, `down_by`) `t − p/2 < x ≤ t + p/2`, because −7.5 rounds away from zero to −8 and
/// −6.5 to −7; for a zero target both ends are open.
///
/// ```
/// use carbonledger::claims::{allowed, Relation};
/// use rust_decimal::dec;
/// // "↓7%": −7.5 < x ≤ −6.5.
/// let down = allowed(Relation::DownBy, dec!(7), dec!(1)).unwrap();
/// assert!(down.contains(dec!(-6.5)) && !down.contains(dec!(-7.5)));
/// // "2.64万吨" at 0.01万: 2.635 ≤ x < 2.645 (万t).
/// let t = allowed(Relation::Exact, dec!(2.64), dec!(0.01)).unwrap();
/// assert!(t.contains(dec!(2.635)) && !t.contains(dec!(2.645)));
/// ```
pub fn allowed(
    relation: Relation,
    printed: Decimal,
    precision: Decimal,
) -> Result<Interval, CalcError> {
    allowed_under(relation, printed, precision, RoundingRule::HalfAwayFromZero)
}

/// [`allowed`] under the publication's rounding rule. Half to even (GB/T 8170) rounds a
/// midpoint to the even neighbour, so the interval of a number whose last digit (in units of
/// the precision) is even is closed at both ends, and of an odd one open at both:
///
/// ```
/// use carbonledger::claims::{allowed_under, Relation};
/// use carbonledger::decimal::RoundingRule::HalfEven;
/// use rust_decimal::dec;
/// // "约8,000" at thousands: 8 is even, so 7,500 and 8,500 both round to 8,000.
/// let even = allowed_under(Relation::About, dec!(8000), dec!(1000), HalfEven).unwrap();
/// assert!(even.contains(dec!(7500)) && even.contains(dec!(8500)));
/// // "↓7%": −7.5 rounds to −8 and −6.5 to −6, so neither end is allowed.
/// let odd = allowed_under(Relation::DownBy, dec!(7), dec!(1), HalfEven).unwrap();
/// assert!(!odd.contains(dec!(-7.5)) && !odd.contains(dec!(-6.5)) && odd.contains(dec!(-7)));
/// ```
pub fn allowed_under(
    relation: Relation,
    printed: Decimal,
    precision: Decimal,
    rule: RoundingRule,
) -> Result<Interval, CalcError> {
    let at = |value, inclusive| Some(Bound { value, inclusive });
    Ok(match relation {
        Relation::Over => Interval {
            low: at(printed, false),
            high: None,
        },
        Relation::AtLeast => Interval {
            low: at(printed, true),
            high: None,
        },
        Relation::AtMost => Interval {
            low: None,
            high: at(printed, true),
        },
        Relation::About | Relation::Exact | Relation::DownBy | Relation::UpBy => {
            let t = target(relation, printed);
            let half = decimal::mul(precision, Decimal::new(5, 1))?;
            let (lo, hi) = (decimal::sub(t, half)?, decimal::add(t, half)?);
            let (low_in, high_in) = match rule {
                // The end nearer zero rounds (away from zero) to t; the far end rounds past it.
                RoundingRule::HalfAwayFromZero => (t > Decimal::ZERO, t < Decimal::ZERO),
                // Both midpoints round to t when t is an even multiple of the precision.
                RoundingRule::HalfEven => {
                    let q = decimal::div(t, precision)?;
                    let even =
                        q.exact && q.value.fract().is_zero() && (q.value % Decimal::TWO).is_zero();
                    (even, even)
                }
            };
            Interval {
                low: at(lo, low_in),
                high: at(hi, high_in),
            }
        }
    })
}

/// The values within `pct` percent of the printed number (its target), both ends included:
/// the reading of "about" as a band (`about = "±5%"` in `claims.toml`).
///
/// ```
/// use carbonledger::claims::{band, Relation};
/// use rust_decimal::dec;
/// let b = band(Relation::About, dec!(8000), dec!(5)).unwrap();
/// assert!(b.contains(dec!(7600)) && b.contains(dec!(8400)) && !b.contains(dec!(8400.01)));
/// ```
pub fn band(relation: Relation, printed: Decimal, pct: Decimal) -> Result<Interval, CalcError> {
    let t = target(relation, printed);
    let d = decimal::div(decimal::mul(t.abs(), pct)?, Decimal::ONE_HUNDRED)?.value;
    Ok(Interval {
        low: Some(Bound {
            value: decimal::sub(t, d)?,
            inclusive: true,
        }),
        high: Some(Bound {
            value: decimal::add(t, d)?,
            inclusive: true,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn relation_names_round_trip() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.name()), Some(r));
        }
        assert_eq!(Relation::parse("roughly"), None);
    }

    #[test]
    fn zero_target_is_open_at_both_ends() {
        // −0.5 and 0.5 both round away from zero, to ∓1.
        let i = allowed(Relation::Exact, dec!(0), dec!(1)).unwrap();
        assert!(!i.contains(dec!(-0.5)) && i.contains(dec!(0)) && !i.contains(dec!(0.5)));
        assert!(i.contains(dec!(0.4999)) && i.contains(dec!(-0.4999)));
    }

    #[test]
    fn one_sided_relations() {
        let at_most = allowed(Relation::AtMost, dec!(10), dec!(1)).unwrap();
        assert!(at_most.contains(dec!(10)) && !at_most.contains(dec!(10.0001)));
        let at_least = allowed(Relation::AtLeast, dec!(100), dec!(1)).unwrap();
        assert!(at_least.contains(dec!(100)) && !at_least.contains(dec!(99.99)));
        let up = allowed(Relation::UpBy, dec!(5), dec!(1)).unwrap();
        assert!(up.contains(dec!(4.5)) && !up.contains(dec!(5.5)));
    }
}
