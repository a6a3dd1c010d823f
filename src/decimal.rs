//! Exact decimal arithmetic and number parsing: the one place where text becomes a number and
//! where products, sums and quotients are checked. Nothing here rounds silently: a result that
//! would need more than rust_decimal's 28 decimal places is an error (products, sums) or is
//! flagged as inexact (quotients), never quietly cut.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Why a calculation step could not be carried out exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// The integer part of a result exceeds Decimal's range (about 7.9 × 10^28).
    #[error("overflow: {a} {op} {b} exceeds the decimal range (±7.9 × 10^28)")]
    Overflow {
        /// The operation symbol.
        op: &'static str,
        /// Left operand.
        a: Decimal,
        /// Right operand.
        b: Decimal,
    },
    /// The exact result needs more digits than Decimal holds; it would have been rounded.
    #[error(
        "precision: {a} {op} {b} needs more than 28 decimal digits; refusing to round it silently"
    )]
    Inexact {
        /// The operation symbol.
        op: &'static str,
        /// Left operand.
        a: Decimal,
        /// Right operand.
        b: Decimal,
    },
    /// An exact sum of many values (a figure) needs more digits than Decimal holds.
    #[error(
        "precision: the exact sum of {parts} values ({integer} and a fraction of {fraction_digits} decimal places) needs more than 28 decimal digits; refusing to round it silently"
    )]
    SumTooWide {
        /// How many values were summed.
        parts: u64,
        /// The sum's integer part (rounded toward minus infinity).
        integer: i128,
        /// Decimal places its fraction needs.
        fraction_digits: u32,
    },
    /// A division by zero (a zero factor denominator or a zero total).
    #[error("division by zero: {a} / 0")]
    DivisionByZero {
        /// The dividend.
        a: Decimal,
    },
    /// Two amounts of one figure in different units: adding them would be meaningless.
    #[error("units: {figure} is in {a} and cannot take an amount in {b}")]
    UnitMismatch {
        /// The figure's name.
        figure: String,
        /// The unit the figure already has.
        a: &'static str,
        /// The unit of the amount added.
        b: &'static str,
    },
}

/// Largest mantissa a Decimal can hold (2^96 − 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// Builds `±m × 10^-scale` if it fits a Decimal exactly, after removing trailing zeros.
fn exact_from_parts(negative: bool, mut m: u128, mut scale: u32) -> Option<Decimal> {
    while scale > 0 && m.is_multiple_of(10) {
        m /= 10;
        scale -= 1;
    }
    if m > MAX_MANTISSA || scale > 28 {
        return None;
    }
    let signed = i128::try_from(m).ok()?;
    let mut d = Decimal::from_i128_with_scale(signed, scale);
    d.set_sign_negative(negative && m != 0);
    Some(d)
}

/// `a × b`, exactly, or an error.
///
/// ```
/// use carbonledger::decimal::mul;
/// use rust_decimal::Decimal;
/// let kwh: Decimal = "1234.5".parse().unwrap();
/// let ef: Decimal = "0.5703".parse().unwrap();
/// assert_eq!(mul(kwh, ef).unwrap().to_string(), "704.03535");
/// // 0.1234567890123456789 squared needs 38 decimal places: refused, not rounded.
/// let x: Decimal = "0.1234567890123456789".parse().unwrap();
/// assert!(mul(x, x).is_err());
/// ```
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, CalcError> {
    // Fast path: rust_decimal kept every digit (the product's scale is the sum of the scales).
    if let Some(p) = a.checked_mul(b) {
        if p.scale() == a.scale() + b.scale() {
            return Ok(p);
        }
    }
    let (na, nb) = (a.normalize(), b.normalize());
    let Some(p) = na.checked_mul(nb) else {
        return Err(CalcError::Overflow { op: "×", a, b });
    };
    if p.scale() == na.scale() + nb.scale() {
        return Ok(p);
    }
    // rust_decimal rescaled the product: redo it on the mantissas to see whether digits were lost.
    let ma = na.mantissa().unsigned_abs();
    let mb = nb.mantissa().unsigned_abs();
    let negative = na.is_sign_negative() != nb.is_sign_negative();
    ma.checked_mul(mb)
        .and_then(|m| exact_from_parts(negative, m, na.scale() + nb.scale()))
        .ok_or(CalcError::Inexact { op: "×", a, b })
}

/// `a + b`, exactly, or an error.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, CalcError> {
    if b.is_zero() {
        return Ok(a);
    }
    if a.is_zero() {
        return Ok(b);
    }
    let Some(s) = a.checked_add(b) else {
        return Err(CalcError::Overflow { op: "+", a, b });
    };
    let want = a.scale().max(b.scale());
    if s.scale() >= want {
        return Ok(s);
    }
    // The sum was rescaled; recompute on aligned mantissas.
    let align = |d: Decimal| -> Option<i128> {
        let k = want - d.scale();
        10i128
            .checked_pow(k)
            .and_then(|p| d.mantissa().checked_mul(p))
    };
    let exact = align(a)
        .zip(align(b))
        .and_then(|(x, y)| x.checked_add(y))
        .and_then(|m| exact_from_parts(m < 0, m.unsigned_abs(), want));
    exact.ok_or(CalcError::Inexact { op: "+", a, b })
}

/// Whether `|v| > limit`, compared as integers (`|mantissa|` against `limit × 10^scale`, at
/// most 2^126): a `Decimal` comparison rescales its operands first.
pub fn abs_exceeds(v: Decimal, limit: u32) -> bool {
    v.mantissa().unsigned_abs() > u128::from(limit) * 10u128.pow(v.scale())
}

/// `a − b`, exactly, or an error.
pub fn sub(a: Decimal, b: Decimal) -> Result<Decimal, CalcError> {
    add(a, -b).map_err(|e| match e {
        CalcError::Overflow { a, b, .. } => CalcError::Overflow {
            op: "−", a, b: -b
        },
        CalcError::Inexact { a, b, .. } => CalcError::Inexact {
            op: "−", a, b: -b
        },
        other => other,
    })
}

/// A quotient and whether it is exact. A non-terminating quotient (1/3) is rounded once, at
/// the 28th decimal place, and says so: the trace records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotient {
    /// The quotient, exact or rounded at 28 decimal places.
    pub value: Decimal,
    /// True when `value × divisor == dividend` exactly.
    pub exact: bool,
}

impl Quotient {
    /// The quotient, with a non-terminating one rounded (half to even) to `dp` decimal places
    /// so that it can be summed exactly with other values afterwards.
    pub fn rounded(self, dp: u32) -> Decimal {
        if self.exact {
            self.value
        } else {
            self.value.round_dp(dp).normalize()
        }
    }
}

/// Decimal places kept of a non-terminating quotient in a calculation line, in base units
/// (10^-9 J, 10^-9 kg, 10^-9 kgce): small enough never to show, large enough that sums of up
/// to about 10^19 base units stay exact.
pub const LINE_DP: u32 = 9;

/// Decimal places kept of a non-terminating quotient in a derived figure (unit conversions,
/// intensities, percentage changes).
pub const FIGURE_DP: u32 = 16;

/// `a / b`, with a flag saying whether the quotient is exact.
///
/// ```
/// use carbonledger::decimal::div;
/// use rust_decimal::Decimal;
/// let q = div(Decimal::from(1), Decimal::from(4)).unwrap();
/// assert_eq!((q.value.to_string().as_str(), q.exact), ("0.25", true));
/// let q = div(Decimal::from(1), Decimal::from(3)).unwrap();
/// assert!(!q.exact);
/// ```
pub fn div(a: Decimal, b: Decimal) -> Result<Quotient, CalcError> {
    if b.is_zero() {
        return Err(CalcError::DivisionByZero { a });
    }
    if let Some(q) = by_power_of_ten(a, b) {
        return Ok(Quotient {
            value: normalized(q),
            exact: true,
        });
    }
    let Some(q) = a.checked_div(b) else {
        return Err(CalcError::Overflow { op: "÷", a, b });
    };
    let exact = matches!(mul(q, b), Ok(back) if back == a);
    Ok(Quotient {
        value: normalized(q),
        exact,
    })
}

/// `d.normalize()` (trailing zeros stripped, −0 made 0), in 64-bit arithmetic when the
/// mantissa fits: the library's own strips digit by digit in 96 bits.
fn normalized(d: Decimal) -> Decimal {
    let wide = d.mantissa().unsigned_abs();
    let Ok(mut m) = u64::try_from(wide) else {
        // The last digit of a wider mantissa, from its two 64-bit halves (2^64 ends in 6):
        // without a trailing zero there is nothing to strip.
        let (hi, lo) = ((wide >> 64) as u64, wide as u64);
        if d.scale() == 0 || ((hi % 10) * 6 + lo % 10) % 10 != 0 {
            return d;
        }
        return d.normalize();
    };
    if m == 0 {
        return Decimal::ZERO;
    }
    let mut scale = d.scale();
    if scale == 0 || m % 10 != 0 {
        return d;
    }
    // Four zeros at a time first: products of decimals often end in many.
    while scale >= 4 && m % 10_000 == 0 {
        m /= 10_000;
        scale -= 4;
    }
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    Decimal::from_parts(m as u32, (m >> 32) as u32, 0, d.is_sign_negative(), scale)
}

/// `a / 10^k` as [`div`] gives it (normalised, exact) when the point can move `k` places
/// within the scale and 10^k fits in 64 bits (`div`'s own path, `by_power_of_ten`); `None`
/// otherwise (then [`div`] decides). For a divisor known to be a power of ten (kg → t,
/// kg·m → t·km), without `div`'s look at the divisor.
pub fn shift_point(a: Decimal, k: u32) -> Option<Decimal> {
    if k > 19 {
        return None;
    }
    let mut q = a;
    q.set_scale(a.scale().checked_add(k)?).ok()?;
    Some(normalized(q))
}

/// `a / b` when `b` is a positive power of ten (kg → t, m → km, per cent) and the quotient
/// fits in the scale: the same number with the point moved, no division. `None` otherwise.
fn by_power_of_ten(a: Decimal, b: Decimal) -> Option<Decimal> {
    if b.scale() != 0 || b.is_sign_negative() {
        return None;
    }
    // 64-bit arithmetic: a divisor's mantissa past 64 bits is no power of ten worth a path.
    let m = u64::try_from(b.mantissa()).ok().filter(|m| *m > 0)?;
    let k = m.ilog10();
    if 10u64.pow(k) != m {
        return None;
    }
    let mut q = a;
    q.set_scale(a.scale().checked_add(k)?).ok()?;
    Some(q)
}

/// Why a text field is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The field is empty.
    #[error("empty number")]
    Empty,
    /// A comma makes the number ambiguous (thousands separator or decimal comma).
    #[error("ambiguous number `{0}`: a comma may be a thousands separator or a decimal comma")]
    AmbiguousComma(String),
    /// Scientific notation, which spreadsheets produce after they have already dropped digits.
    #[error("number `{0}` is in scientific notation")]
    Scientific(String),
    /// More decimal digits than Decimal holds exactly.
    #[error("number `{0}` has more digits than can be held exactly (28 decimal places)")]
    TooPrecise(String),
    /// Too large for Decimal.
    #[error("number `{0}` is out of range")]
    OutOfRange(String),
    /// Anything else that is not a plain decimal number.
    #[error("malformed number `{0}`")]
    Malformed(String),
}

impl AmountError {
    /// The diagnostic code of this error, the same in every input file: an empty field is
    /// missing, `8,5` ambiguous, a number beyond the decimal range an overflow (never merely
    /// malformed), anything else malformed.
    pub fn code(&self) -> &'static str {
        match self {
            AmountError::Empty => "missing-value",
            AmountError::AmbiguousComma(_) => "ambiguous-number",
            AmountError::OutOfRange(_) => "overflow",
            AmountError::Scientific(_) | AmountError::TooPrecise(_) | AmountError::Malformed(_) => {
                "malformed-number"
            }
        }
    }

    /// A one-line suggestion for the user.
    pub fn hint(&self) -> &'static str {
        match self {
            AmountError::Empty => "give a quantity, or remove the row",
            AmountError::AmbiguousComma(_) => {
                "write numbers without grouping and with a point for decimals: 1234.5"
            }
            AmountError::Scientific(_) => {
                "write the number in full (1.2E+07 → 12000000); spreadsheets often drop digits in this form"
            }
            AmountError::TooPrecise(_) => "round the input at its source to at most 28 decimal places",
            AmountError::OutOfRange(_) => "numbers are limited to about 7.9 × 10^28; check the value at its source",
            AmountError::Malformed(_) => "write a plain decimal number such as 1234.5",
        }
    }
}

/// Parses a plain decimal number from text, exactly: no grouping, no exponent, no rounding.
///
/// ```
/// use carbonledger::decimal::parse_amount;
/// assert_eq!(parse_amount(" 12.50 ").unwrap().to_string(), "12.50");
/// assert!(parse_amount("1,234").is_err());
/// assert!(parse_amount("1.2E+07").is_err());
/// ```
pub fn parse_amount(text: &str) -> Result<Decimal, AmountError> {
    parse_plain(crate::text::trim(text).as_bytes()).map_or_else(|| parse_amount_checked(text), Ok)
}

/// The common case in one pass: `[+-]digits[.digits]` that fits a Decimal exactly. Anything
/// else (including every error) is left to `parse_amount_checked`.
fn parse_plain(b: &[u8]) -> Option<Decimal> {
    let (negative, body) = match b.first()? {
        b'-' => (true, b.get(1..)?),
        b'+' => (false, b.get(1..)?),
        _ => (false, b),
    };
    // The first 19 digits in 64 bits (10^19 − 1 fits), the rest in 128: 128-bit multiplication
    // with an overflow check is a call per digit.
    let mut small: u64 = 0;
    let mut mantissa: u128 = 0;
    let mut digits = 0u32;
    let mut scale: Option<u32> = None;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                let d = c - b'0';
                if digits < 19 {
                    small = small * 10 + u64::from(d);
                } else {
                    if digits == 19 {
                        mantissa = u128::from(small);
                    }
                    mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(d))?;
                }
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    let scale = scale.unwrap_or(0);
    if digits == 0 || scale > 28 {
        return None;
    }
    if digits <= 19 {
        // Zero is positive, as `from_i128_with_scale` makes it.
        return Some(Decimal::from_parts(
            small as u32,
            (small >> 32) as u32,
            0,
            negative && small != 0,
            scale,
        ));
    }
    if mantissa > MAX_MANTISSA {
        return None;
    }
    let m = i128::try_from(mantissa).ok()?;
    Some(Decimal::from_i128_with_scale(
        if negative { -m } else { m },
        scale,
    ))
}

/// The full parser, with a precise error for everything that is not a plain decimal.
fn parse_amount_checked(text: &str) -> Result<Decimal, AmountError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if s.contains(',') || s.contains('，') {
        return Err(AmountError::AmbiguousComma(s.to_string()));
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.contains(['e', 'E'])
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
    {
        return Err(AmountError::Scientific(s.to_string()));
    }
    let digits_ok = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit());
    if !digits_ok {
        return Err(AmountError::Malformed(s.to_string()));
    }
    match Decimal::from_str_exact(s) {
        Ok(d) => Ok(d),
        Err(rust_decimal::Error::Underflow) => Err(AmountError::TooPrecise(s.to_string())),
        Err(rust_decimal::Error::ExceedsMaximumPossibleValue)
        | Err(rust_decimal::Error::LessThanMinimumPossibleValue) => {
            Err(AmountError::OutOfRange(s.to_string()))
        }
        Err(_) => match Decimal::from_str(s) {
            // from_str_exact refuses some inputs from_str rounds; either way it is not exact.
            Ok(_) => Err(AmountError::TooPrecise(s.to_string())),
            Err(_) => Err(AmountError::OutOfRange(s.to_string())),
        },
    }
}

/// How a figure is rounded when it is presented (never inside a calculation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingRule {
    /// Half away from zero (2.5 → 3, −2.5 → −3): the spreadsheet ROUND rule. The default.
    #[default]
    HalfAwayFromZero,
    /// Half to even (2.5 → 2, 3.5 → 4): GB/T 8170 and ISO 80000-1 rule A.
    HalfEven,
}

impl RoundingRule {
    /// A short description for report footers.
    pub fn describe(self) -> &'static str {
        match self {
            RoundingRule::HalfAwayFromZero => "half away from zero",
            RoundingRule::HalfEven => "half to even",
        }
    }

    /// Rounds `d` to `dp` decimal places under this rule, keeping trailing zeros to `dp`.
    ///
    /// ```
    /// use carbonledger::decimal::RoundingRule;
    /// use rust_decimal::Decimal;
    /// let x: Decimal = "2.345".parse().unwrap();
    /// assert_eq!(RoundingRule::HalfAwayFromZero.round(x, 2).to_string(), "2.35");
    /// assert_eq!(RoundingRule::HalfEven.round(x, 2).to_string(), "2.34");
    /// assert_eq!(RoundingRule::HalfEven.round(Decimal::from(2), 1).to_string(), "2.0");
    /// ```
    pub fn round(self, d: Decimal, dp: u32) -> Decimal {
        let strategy = match self {
            RoundingRule::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingRule::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut r = d.round_dp_with_strategy(dp, strategy);
        r.rescale(dp);
        r
    }
}

/// Inserts thousands separators into the integer part of a plain decimal string (for tables).
///
/// ```
/// assert_eq!(carbonledger::decimal::group_thousands("-1234567.891"), "-1,234,567.891");
/// ```
pub fn group_thousands(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    /// Dividing by a power of ten moves the point: wherever the general division is exact
    /// the quotient is its quotient, digit for digit; where it is not (rust_decimal's division
    /// rounds a 28-digit mantissa that the moved point keeps whole) it is the dividend written
    /// with an exponent. Past the scale the general division takes over.
    #[test]
    fn dividing_by_a_power_of_ten_is_the_division() {
        let general = |a: Decimal, b: Decimal| {
            let q = a.checked_div(b).unwrap();
            (q.normalize(), matches!(mul(q, b), Ok(back) if back == a))
        };
        let check = |a: Decimal, b: Decimal| {
            let q = div(a, b).unwrap();
            let (g, g_exact) = general(a, b);
            if g_exact || by_power_of_ten(a, b).is_none() {
                assert_eq!((q.value, q.exact), (g, g_exact), "{a} / {b}");
                assert_eq!(q.value.to_string(), g.to_string(), "{a} / {b}");
            } else {
                // The dividend written with an exponent, as rust_decimal parses it.
                let k = b.mantissa().to_string().len() - 1;
                let moved = Decimal::from_scientific(&format!("{a}e-{k}")).unwrap();
                assert!(q.exact, "{a} / {b}");
                assert_eq!(
                    q.value.to_string(),
                    moved.normalize().to_string(),
                    "{a} / {b}"
                );
            }
        };
        let values = [
            "0",
            "1",
            "-1",
            "12.5",
            "1000",
            "0.001",
            "-987654.321",
            "123456789012345678.9012345678",
            "79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ];
        for v in values {
            let a: Decimal = v.parse().unwrap();
            for k in 0..29u32 {
                let b = Decimal::from_i128_with_scale(10i128.pow(k), 0);
                check(a, b);
                // Moving the point is the division wherever it can move.
                if let Some(q) = shift_point(a, k) {
                    let d = div(a, b).unwrap();
                    assert!(d.exact, "{a} / {b}");
                    assert_eq!(q.serialize(), d.value.serialize(), "{a} / {b}");
                } else {
                    assert!(by_power_of_ten(a, b).is_none(), "{a} / {b}");
                }
            }
        }
        // Not a power of ten, or negative: the general path.
        assert!(by_power_of_ten(Decimal::ONE, Decimal::from(20)).is_none());
        assert!(by_power_of_ten(Decimal::ONE, Decimal::from(1001)).is_none());
        assert!(by_power_of_ten(Decimal::ONE, Decimal::from(999)).is_none());
        assert!(by_power_of_ten(Decimal::ONE, Decimal::from(u64::MAX)).is_none());
        assert!(by_power_of_ten(Decimal::ONE, Decimal::from(-10)).is_none());
        assert!(by_power_of_ten(Decimal::ONE, "0.1".parse().unwrap()).is_none());
        // Past the scale: 1e-28 / 10 does not fit, and rounds on the general path.
        assert!(by_power_of_ten(
            "0.0000000000000000000000000001".parse().unwrap(),
            Decimal::TEN
        )
        .is_none());
    }

    #[test]
    fn the_one_pass_parse_is_the_full_parse() {
        let texts = [
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.000",
            "1",
            "-1",
            "+1",
            "12.5",
            "-12.50",
            "0.001",
            ".5",
            "5.",
            "-.5",
            "1234567890123456789",
            "9999999999999999999",
            "-9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "123456789.0123456789",
            "1.0000000000000000000000000001",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
            "0.0000000000000000000000000001",
            "0.00000000000000000000000000001",
            "7922816251426433759354395033.5",
            "00000000000000000000000000000000001",
        ];
        for t in texts {
            let fast = parse_plain(t.as_bytes());
            let full = parse_amount_checked(t).ok();
            if let Some(f) = fast {
                let full = full.unwrap_or_else(|| panic!("{t}: the full parse refuses it"));
                assert_eq!(f.serialize(), full.serialize(), "{t}");
            }
            assert_eq!(
                parse_amount(t).ok().map(|d| d.serialize()),
                full.map(|d| d.serialize()),
                "{t}"
            );
        }
        // Up to 19 digits the one pass takes it.
        assert!(parse_plain(b"-9999999999999999999").is_some());
        assert!(parse_plain(b"9999999999.999999999").is_some());
    }

    #[test]
    fn abs_exceeds_is_the_comparison() {
        let values = [
            "0",
            "-0",
            "90",
            "-90",
            "90.0000000000000000000000001",
            "-90.000001",
            "89.999999",
            "180",
            "180.5",
            "-180.0",
            "-181",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
        ];
        for v in values {
            let d: Decimal = v.parse().unwrap();
            for limit in [0u32, 90, 180, u32::MAX] {
                assert_eq!(
                    abs_exceeds(d, limit),
                    d.abs() > Decimal::from(limit),
                    "{v} {limit}"
                );
            }
        }
    }

    #[test]
    fn the_fast_normalization_is_the_librarys() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.000",
            "-0.000",
            "1",
            "-1",
            "10",
            "1.0",
            "1.500",
            "-1.500",
            "100.00",
            "0.0010",
            "18446744073709551615",
            "18446744073709551616",
            "1844674407370955161.50",
            "18446744073709551615000",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "0.0000000000000000000000000010",
        ]
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
        // Every scale of a mantissa with trailing zeros, both signs.
        for scale in 0..=28 {
            for m in [
                120_000i128,
                -120_000,
                7,
                10i128.pow(19),
                u64::MAX as i128 * 10,
                // Past 64 bits, ending in a digit that is not 0, and in several zeros.
                u64::MAX as i128 * 10 + 3,
                -(u64::MAX as i128 * 10 + 7),
                (u64::MAX as i128 + 1) * 10,
                10i128.pow(24),
                123_456_789_012_345_678_900_000,
            ] {
                values.push(Decimal::from_i128_with_scale(m, scale));
            }
        }
        for d in values {
            let (fast, lib) = (normalized(d), d.normalize());
            assert_eq!(fast.serialize(), lib.serialize(), "{d:?}");
        }
    }

    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    // Cases from the research note (shared/research/units-decimal.md §6.1), where rust_decimal's
    // own checked_mul returns Some with rounded digits.
    #[test]
    fn products_that_lose_digits_are_refused() {
        assert!(matches!(
            mul(d("1234567.890123456789"), d("0.987654321098765432")),
            Err(CalcError::Inexact { .. })
        ));
        assert!(mul(d("99999999999999.99"), d("99999999999999.99")).is_err());
        assert!(mul(d("0.0000000000001"), d("0.0000000000000001")).is_err());
    }

    #[test]
    fn realistic_products_are_exact() {
        assert_eq!(mul(d("1234.5"), d("0.5703")).unwrap(), d("704.03535"));
        assert_eq!(mul(d("0.5"), d("0.2")).unwrap(), d("0.1"));
        assert_eq!(mul(d("-2.5"), d("4")).unwrap(), d("-10"));
    }

    #[test]
    fn overflow_is_an_error() {
        let big = Decimal::MAX;
        assert!(matches!(mul(big, d("2")), Err(CalcError::Overflow { .. })));
        assert!(matches!(add(big, big), Err(CalcError::Overflow { .. })));
    }

    #[test]
    fn sums_that_lose_digits_are_refused() {
        // 10^20 + 10^-10 needs 31 significant digits.
        assert!(add(d("100000000000000000000"), d("0.0000000001")).is_err());
        assert_eq!(add(d("1.25"), d("2.5")).unwrap(), d("3.75"));
        assert_eq!(sub(d("1"), d("0.25")).unwrap(), d("0.75"));
    }

    #[test]
    fn parse_rejects_ambiguous_and_scientific() {
        assert!(matches!(
            parse_amount("1,234"),
            Err(AmountError::AmbiguousComma(_))
        ));
        assert!(matches!(
            parse_amount("1,5"),
            Err(AmountError::AmbiguousComma(_))
        ));
        assert!(matches!(
            parse_amount("1.2E+07"),
            Err(AmountError::Scientific(_))
        ));
        assert!(matches!(
            parse_amount("12 kWh"),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(parse_amount("."), Err(AmountError::Malformed(_))));
        assert!(matches!(parse_amount(""), Err(AmountError::Empty)));
        assert!(matches!(
            parse_amount("0.12345678901234567890123456789"),
            Err(AmountError::TooPrecise(_))
        ));
        assert!(matches!(
            parse_amount("99999999999999999999999999999999"),
            Err(AmountError::OutOfRange(_))
        ));
        assert_eq!(parse_amount("-0.5").unwrap(), d("-0.5"));
    }
}

/// 10^k for k = 0..=28.
const POW10_I128: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut k = 1;
    while k < 29 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// The integer part and the non-negative fraction (in units of 10^-scale) of mantissa `m` at
/// `scale` (at most 28): floor division by 10^scale, in 64-bit arithmetic when `m` and the
/// unit fit (a 128-bit division is a library call several times dearer).
fn split_point(m: i128, scale: u32) -> (i128, i128) {
    let s = scale as usize;
    match i64::try_from(m) {
        Ok(m) if s <= 18 => {
            let unit = POW10_I128[s] as i64;
            (
                i128::from(m.div_euclid(unit)),
                i128::from(m.rem_euclid(unit)),
            )
        }
        _ => {
            let unit = POW10_I128[s];
            (m.div_euclid(unit), m.rem_euclid(unit))
        }
    }
}

/// 10^28: the fraction unit of a [`WideSum`].
const FRACTION_ONE: i128 = 10_000_000_000_000_000_000_000_000_000;

/// An exact sum of many decimals whose partial sums may need more digits than a Decimal
/// holds, although the total does not (a fraction of one chain cancelled by another's, a
/// large part added before the small ones). The total depends on the values only, never on
/// their order or grouping: merging is exact integer addition. Held as an integer part and a
/// fraction in units of 10^-28 (every Decimal's scale is at most 28).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WideSum {
    integer: i128,
    /// In [0, 10^28).
    fraction: i128,
    parts: u64,
}

impl WideSum {
    /// Adds one value; fails only when the integer part passes ±1.7 × 10^38 (about 2 × 10^9
    /// values at the Decimal limit each).
    pub fn add(&mut self, d: Decimal) -> Result<(), CalcError> {
        let (integer, fraction) = split_point(d.mantissa(), d.scale());
        // < 10^28 after scaling to 28 places: no overflow.
        let fraction = fraction * POW10_I128[(28 - d.scale()) as usize];
        self.combine(integer, fraction, 1)
    }

    /// Merges another sum (associative and commutative).
    pub fn merge(&mut self, other: &WideSum) -> Result<(), CalcError> {
        self.combine(other.integer, other.fraction, other.parts)
    }

    fn combine(&mut self, integer: i128, fraction: i128, parts: u64) -> Result<(), CalcError> {
        let too_wide = || CalcError::SumTooWide {
            parts: self.parts.saturating_add(parts),
            integer: self.integer,
            fraction_digits: 28,
        };
        let mut integer = self.integer.checked_add(integer).ok_or_else(too_wide)?;
        let mut fraction = self.fraction + fraction;
        if fraction >= FRACTION_ONE {
            fraction -= FRACTION_ONE;
            integer = integer.checked_add(1).ok_or_else(too_wide)?;
        }
        self.integer = integer;
        self.fraction = fraction;
        self.parts = self.parts.saturating_add(parts);
        Ok(())
    }

    /// The total as a Decimal, exactly, or an error when it needs more than 28 digits.
    pub fn value(&self) -> Result<Decimal, CalcError> {
        let mut places = 28u32;
        let mut fraction = self.fraction;
        while places > 0 && fraction % 10 == 0 {
            fraction /= 10;
            places -= 1;
        }
        let err = CalcError::SumTooWide {
            parts: self.parts,
            integer: self.integer,
            fraction_digits: places,
        };
        let m = self
            .integer
            .checked_mul(10i128.pow(places))
            .and_then(|i| i.checked_add(fraction))
            .ok_or(err.clone())?;
        exact_from_parts(m < 0, m.unsigned_abs(), places).ok_or(err)
    }
}

#[cfg(test)]
mod wide_sum_tests {
    use super::{add, WideSum};
    use rust_decimal::Decimal;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Finding 6 of the differential fuzz target: a fraction from one part cancelled by
    /// another's. 0.5 + 10^28 needs a mantissa of 10^29 (past 2^96) on its own; + 0.5 the
    /// total is 10^28 + 1.
    #[test]
    fn a_total_that_fits_is_exact_whatever_the_order() {
        let parts = [d("0.5"), d("10000000000000000000000000000"), d("0.5")];
        assert!(add(parts[0], parts[1]).is_err());
        for order in [[0, 1, 2], [1, 0, 2], [0, 2, 1], [2, 1, 0]] {
            let mut s = WideSum::default();
            for i in order {
                s.add(parts[i]).unwrap();
            }
            assert_eq!(s.value().unwrap(), d("10000000000000000000000000001"));
        }
    }

    #[test]
    fn negative_values_and_merges_are_exact() {
        // -1.25 + 0.75 = -0.5; merged with 3.1 + (-0.1) = 3: 2.5.
        let mut a = WideSum::default();
        a.add(d("-1.25")).unwrap();
        a.add(d("0.75")).unwrap();
        assert_eq!(a.value().unwrap(), d("-0.5"));
        let mut b = WideSum::default();
        b.add(d("3.1")).unwrap();
        b.add(d("-0.1")).unwrap();
        assert_eq!(b.value().unwrap(), d("3"));
        a.merge(&b).unwrap();
        assert_eq!(a.value().unwrap(), d("2.5"));
        // The smallest and the largest Decimal both pass through unchanged.
        for v in [
            Decimal::MAX,
            Decimal::MIN,
            d("0.0000000000000000000000000001"),
        ] {
            let mut s = WideSum::default();
            s.add(v).unwrap();
            assert_eq!(s.value().unwrap(), v);
        }
    }

    /// The split in 64 bits is the split in 128 bits: mantissas either side of ±2^63, at
    /// every scale.
    #[test]
    fn the_64_bit_split_is_the_128_bit_split() {
        let mantissas = [
            0i128,
            1,
            -1,
            7,
            -7,
            10,
            -10,
            123_456_789,
            -123_456_789,
            i64::MAX as i128,
            i64::MIN as i128,
            i64::MAX as i128 + 1,
            i64::MIN as i128 - 1,
            999_999_999_999_999_999,
            -1_000_000_000_000_000_000,
            79_228_162_514_264_337_593_543_950_335,
            -79_228_162_514_264_337_593_543_950_335,
        ];
        for m in mantissas {
            for scale in 0..=28u32 {
                let unit = 10i128.pow(scale);
                assert_eq!(
                    super::split_point(m, scale),
                    (m.div_euclid(unit), m.rem_euclid(unit)),
                    "{m} at scale {scale}"
                );
            }
        }
        for k in 0..29 {
            assert_eq!(super::POW10_I128[k], 10i128.pow(k as u32));
        }
    }

    #[test]
    fn a_total_past_28_digits_is_refused() {
        // 10^28 + 0.5 needs a mantissa of 10^29 (past 2^96 ≈ 7.9 × 10^28): refused.
        let mut s = WideSum::default();
        s.add(d("10000000000000000000000000000")).unwrap();
        s.add(d("0.5")).unwrap();
        assert!(s.value().is_err());
        // Decimal::MAX + 1 passes the range.
        let mut s = WideSum::default();
        s.add(Decimal::MAX).unwrap();
        s.add(Decimal::ONE).unwrap();
        assert!(s.value().is_err());
    }
}
