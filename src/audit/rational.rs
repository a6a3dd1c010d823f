//! Exact rational numbers of any size, for decompositions whose terms are quotients (shares,
//! intensities, Shapley weights of 1/3 and 1/6): sums of such terms are exact here, and are
//! turned into decimals only when presented (see `apportion`). Small and slow on purpose:
//! schoolbook multiplication, binary division and binary GCD over 32-bit limbs, for the tens to
//! thousands of terms a bridge has — never per input row.

use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A natural number: little-endian 32-bit limbs, no high zero limbs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Nat(Vec<u32>);

impl Nat {
    fn from_u128(mut v: u128) -> Nat {
        let mut l = Vec::new();
        while v > 0 {
            l.push(v as u32);
            v >>= 32;
        }
        Nat(l)
    }
    fn one() -> Nat {
        Nat(vec![1])
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn trim(mut self) -> Nat {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }
    fn bits(&self) -> u32 {
        match self.0.last() {
            None => 0,
            Some(top) => (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros()),
        }
    }
    fn bit(&self, i: u32) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }
    fn trailing_zeros(&self) -> u32 {
        let mut n = 0;
        for l in &self.0 {
            if *l == 0 {
                n += 32;
            } else {
                return n + l.trailing_zeros();
            }
        }
        n
    }
    fn cmp_nat(&self, o: &Nat) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
    fn add(&self, o: &Nat) -> Nat {
        let n = self.0.len().max(o.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let s = u64::from(*self.0.get(i).unwrap_or(&0))
                + u64::from(*o.0.get(i).unwrap_or(&0))
                + carry;
            out.push(s as u32);
            carry = s >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Nat(out)
    }
    /// `self − o`, for `self ≥ o`.
    fn sub(&self, o: &Nat) -> Nat {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut d = i64::from(self.0[i]) - i64::from(*o.0.get(i).unwrap_or(&0)) - borrow;
            borrow = 0;
            if d < 0 {
                d += 1 << 32;
                borrow = 1;
            }
            out.push(d as u32);
        }
        Nat(out).trim()
    }
    fn mul(&self, o: &Nat) -> Nat {
        if self.is_zero() || o.is_zero() {
            return Nat::default();
        }
        let mut out = vec![0u32; self.0.len() + o.0.len()];
        for (i, a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, b) in o.0.iter().enumerate() {
                let t = u64::from(*a) * u64::from(*b) + u64::from(out[i + j]) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            let mut k = i + o.0.len();
            while carry > 0 {
                let t = u64::from(out[k]) + carry;
                out[k] = t as u32;
                carry = t >> 32;
                k += 1;
            }
        }
        Nat(out).trim()
    }
    fn shr(&self, n: u32) -> Nat {
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        if limbs >= self.0.len() {
            return Nat::default();
        }
        let src = &self.0[limbs..];
        let mut out = Vec::with_capacity(src.len());
        for i in 0..src.len() {
            let lo = src[i] >> bits;
            let hi = if bits == 0 {
                0
            } else {
                src.get(i + 1).map_or(0, |h| h << (32 - bits))
            };
            out.push(lo | hi);
        }
        Nat(out).trim()
    }
    fn shl(&self, n: u32) -> Nat {
        if self.is_zero() {
            return Nat::default();
        }
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        let mut out = vec![0u32; limbs];
        let mut carry = 0u32;
        for l in &self.0 {
            out.push((l << bits) | carry);
            carry = if bits == 0 { 0 } else { l >> (32 - bits) };
        }
        if carry > 0 {
            out.push(carry);
        }
        Nat(out)
    }
    /// Quotient and remainder (`d` non-zero).
    fn divrem(&self, d: &Nat) -> (Nat, Nat) {
        if self.cmp_nat(d) == Ordering::Less {
            return (Nat::default(), self.clone());
        }
        if d.0.len() == 1 {
            let dv = u64::from(d.0[0]);
            let mut q = vec![0u32; self.0.len()];
            let mut r = 0u64;
            for i in (0..self.0.len()).rev() {
                let cur = (r << 32) | u64::from(self.0[i]);
                q[i] = (cur / dv) as u32;
                r = cur % dv;
            }
            return (Nat(q).trim(), Nat::from_u128(u128::from(r)));
        }
        let mut q = vec![0u32; self.0.len()];
        let mut r = Nat::default();
        for i in (0..self.bits()).rev() {
            r = r.shl(1);
            if self.bit(i) {
                if r.is_zero() {
                    r = Nat::one();
                } else {
                    r.0[0] |= 1;
                }
            }
            if r.cmp_nat(d) != Ordering::Less {
                r = r.sub(d);
                q[(i / 32) as usize] |= 1 << (i % 32);
            }
        }
        (Nat(q).trim(), r)
    }
    fn gcd(a: &Nat, b: &Nat) -> Nat {
        if a.is_zero() {
            return b.clone();
        }
        if b.is_zero() {
            return a.clone();
        }
        let (za, zb) = (a.trailing_zeros(), b.trailing_zeros());
        let k = za.min(zb);
        let (mut a, mut b) = (a.shr(za), b.shr(zb));
        loop {
            match a.cmp_nat(&b) {
                Ordering::Equal => return a.shl(k),
                Ordering::Greater => {
                    a = a.sub(&b);
                    a = a.shr(a.trailing_zeros());
                }
                Ordering::Less => {
                    b = b.sub(&a);
                    b = b.shr(b.trailing_zeros());
                }
            }
        }
    }
    fn pow10(n: u32) -> Nat {
        let mut r = Nat::one();
        let ten = Nat::from_u128(10);
        for _ in 0..n {
            r = r.mul(&ten);
        }
        r
    }
    fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0u128, |acc, l| (acc << 32) | u128::from(*l)),
        )
    }
}

/// An exact rational number, always in lowest terms with a positive denominator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratio {
    neg: bool,
    num: Nat,
    den: Nat,
}

impl Default for Ratio {
    fn default() -> Self {
        Ratio::zero()
    }
}

impl Ratio {
    /// Zero.
    pub fn zero() -> Ratio {
        Ratio {
            neg: false,
            num: Nat::default(),
            den: Nat::one(),
        }
    }

    fn make(neg: bool, num: Nat, den: Nat) -> Ratio {
        if num.is_zero() {
            return Ratio::zero();
        }
        let g = Nat::gcd(&num, &den);
        let (num, den) = if g == Nat::one() {
            (num, den)
        } else {
            (num.divrem(&g).0, den.divrem(&g).0)
        };
        Ratio { neg, num, den }
    }

    /// The exact value of a decimal.
    ///
    /// ```
    /// use carbonledger::audit::Ratio;
    /// let third = Ratio::from_int(1).div(&Ratio::from_int(3)).unwrap();
    /// let sum = third.add(&third).add(&third);
    /// assert_eq!(sum, Ratio::from_int(1));
    /// assert_eq!(Ratio::from_decimal("0.25".parse().unwrap()).mul(&Ratio::from_int(4)), Ratio::from_int(1));
    /// ```
    pub fn from_decimal(d: Decimal) -> Ratio {
        Ratio::make(
            d.is_sign_negative(),
            Nat::from_u128(d.mantissa().unsigned_abs()),
            Nat::pow10(d.scale()),
        )
    }

    /// An integer.
    pub fn from_int(i: i64) -> Ratio {
        Ratio::make(
            i < 0,
            Nat::from_u128(u128::from(i.unsigned_abs())),
            Nat::one(),
        )
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// Whether it is below zero.
    pub fn is_negative(&self) -> bool {
        self.neg && !self.num.is_zero()
    }

    /// `−self`.
    pub fn neg(&self) -> Ratio {
        let mut r = self.clone();
        r.neg = !r.neg && !r.num.is_zero();
        r
    }

    /// `self + o`.
    pub fn add(&self, o: &Ratio) -> Ratio {
        let a = self.num.mul(&o.den);
        let b = o.num.mul(&self.den);
        let den = self.den.mul(&o.den);
        if self.neg == o.neg {
            return Ratio::make(self.neg, a.add(&b), den);
        }
        match a.cmp_nat(&b) {
            Ordering::Equal => Ratio::zero(),
            Ordering::Greater => Ratio::make(self.neg, a.sub(&b), den),
            Ordering::Less => Ratio::make(o.neg, b.sub(&a), den),
        }
    }

    /// `self − o`.
    pub fn sub(&self, o: &Ratio) -> Ratio {
        self.add(&o.neg())
    }

    /// `self × o`.
    pub fn mul(&self, o: &Ratio) -> Ratio {
        Ratio::make(
            self.neg != o.neg,
            self.num.mul(&o.num),
            self.den.mul(&o.den),
        )
    }

    /// `self ÷ o`, `None` when `o` is zero.
    pub fn div(&self, o: &Ratio) -> Option<Ratio> {
        if o.is_zero() {
            return None;
        }
        Some(Ratio::make(
            self.neg != o.neg,
            self.num.mul(&o.den),
            self.den.mul(&o.num),
        ))
    }

    /// The largest integer `k` with `k ≤ self × 10^dp`, and `self × 10^dp − k` (in [0, 1)).
    fn floor_units(&self, dp: u32) -> (i128, Ratio, bool) {
        let scaled = self.num.mul(&Nat::pow10(dp));
        let (q, r) = scaled.divrem(&self.den);
        let q = q.to_u128().and_then(|v| i128::try_from(v).ok());
        let Some(q) = q else {
            return (0, Ratio::zero(), false);
        };
        if !self.neg || r.is_zero() {
            return (
                if self.neg { -q } else { q },
                Ratio::make(false, r, self.den.clone()),
                true,
            );
        }
        // −(q + r/den) = −(q + 1) + (den − r)/den
        (
            -q - 1,
            Ratio::make(false, self.den.sub(&r), self.den.clone()),
            true,
        )
    }

    /// The value rounded half away from zero to `dp` decimal places (for showing an exact
    /// value); `None` when it does not fit a decimal.
    pub fn to_decimal(&self, dp: u32) -> Option<Decimal> {
        let (k, frac, ok) = self.floor_units(dp);
        if !ok {
            return None;
        }
        let half = Ratio::make(false, Nat::one(), Nat::from_u128(2));
        let up = match frac.cmp_ratio(&half) {
            Ordering::Greater => true,
            Ordering::Equal => !self.neg,
            Ordering::Less => false,
        };
        units_to_decimal(if up { k + 1 } else { k }, dp)
    }

    fn cmp_ratio(&self, o: &Ratio) -> Ordering {
        let d = self.sub(o);
        if d.is_zero() {
            Ordering::Equal
        } else if d.neg {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    }
}

fn units_to_decimal(k: i128, dp: u32) -> Option<Decimal> {
    if k.unsigned_abs() >= 1u128 << 96 || dp > 28 {
        return None;
    }
    Some(Decimal::from_i128_with_scale(k, dp).normalize())
}

/// Rounds exact values to `dp` decimal places so that they add up to `total` exactly
/// (largest-remainder or Hamilton method): each value is first rounded down; the units still
/// missing go, one each, to the values with the largest remainders (units in excess are taken
/// from the smallest remainders). A value exact at `dp` places stays exact whenever the others
/// can absorb the difference. Each result differs from its exact value by less than one unit
/// of the last place when `total` is within one unit per value of the exact sum. `None` when
/// `total` has more than `dp` places or a value does not fit a decimal.
///
/// ```
/// use carbonledger::audit::{apportion, Ratio};
/// use rust_decimal::Decimal;
/// let third = Ratio::from_int(1).div(&Ratio::from_int(3)).unwrap();
/// let parts = apportion(&[third.clone(), third.clone(), third], Decimal::ONE, 2).unwrap();
/// assert_eq!(parts.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["0.34", "0.33", "0.33"]);
/// ```
pub fn apportion(values: &[Ratio], total: Decimal, dp: u32) -> Option<Vec<Decimal>> {
    let (t, tf, ok) = Ratio::from_decimal(total).floor_units(dp);
    if !ok || !tf.is_zero() {
        return None;
    }
    let mut units = Vec::with_capacity(values.len());
    let mut rems = Vec::with_capacity(values.len());
    let mut sum = 0i128;
    for v in values {
        let (k, r, ok) = v.floor_units(dp);
        if !ok {
            return None;
        }
        sum = sum.checked_add(k)?;
        units.push(k);
        rems.push(r);
    }
    let mut missing = t.checked_sub(sum)?;
    // Rounding n values down leaves at most n units, and the total's own rounding a few more;
    // a larger gap means the values do not add up to the total at all.
    let slack = i128::try_from(values.len())
        .ok()?
        .checked_mul(2)?
        .checked_add(4)?;
    if missing.abs() > slack {
        return None;
    }
    // Candidates in order of preference: largest remainder first when adding a unit; when
    // removing, values already rounded down with the smallest remainders, exact ones last.
    let mut order: Vec<usize> = (0..values.len()).collect();
    if missing > 0 {
        order.sort_by(|a, b| rems[*b].cmp_ratio(&rems[*a]).then(a.cmp(b)));
    } else {
        order.sort_by(|a, b| {
            rems[*a]
                .is_zero()
                .cmp(&rems[*b].is_zero())
                .then(rems[*a].cmp_ratio(&rems[*b]))
                .then(a.cmp(b))
        });
    }
    if order.is_empty() {
        return (missing == 0).then(Vec::new);
    }
    let mut i = 0;
    while missing != 0 {
        let j = order[i % order.len()];
        if missing > 0 {
            units[j] += 1;
            missing -= 1;
        } else {
            units[j] -= 1;
            missing += 1;
        }
        i += 1;
    }
    units.into_iter().map(|k| units_to_decimal(k, dp)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn r(s: &str) -> Ratio {
        Ratio::from_decimal(s.parse().unwrap())
    }

    #[test]
    fn arithmetic_is_exact_on_large_numbers() {
        // (10^30 + 7) × (10^30 − 7) = 10^60 − 49, then ÷ (10^30 − 7) gives back 10^30 + 7.
        let a = Ratio::make(false, Nat::pow10(30).add(&Nat::from_u128(7)), Nat::one());
        let b = Ratio::make(false, Nat::pow10(30).sub(&Nat::from_u128(7)), Nat::one());
        let p = a.mul(&b);
        assert_eq!(
            p,
            Ratio::make(false, Nat::pow10(60).sub(&Nat::from_u128(49)), Nat::one())
        );
        assert_eq!(p.div(&b).unwrap(), a);
        // 1/6 + 1/3 = 1/2; 0.1 − 0.3 = −0.2
        let sixth = Ratio::from_int(1).div(&Ratio::from_int(6)).unwrap();
        let third = Ratio::from_int(1).div(&Ratio::from_int(3)).unwrap();
        assert_eq!(sixth.add(&third), r("0.5"));
        assert_eq!(r("0.1").sub(&r("0.3")), r("-0.2"));
        assert!(r("-0.2").is_negative());
    }

    #[test]
    fn division_and_gcd_agree_with_u128() {
        for (a, b) in [
            (1u128 << 100, 3u128 << 40),
            (987_654_321_987_654_321_987, 123_456_789_123),
            (u128::from(u64::MAX) * 3, u128::from(u64::MAX)),
        ] {
            let (q, rem) = Nat::from_u128(a).divrem(&Nat::from_u128(b));
            assert_eq!(q.to_u128(), Some(a / b));
            assert_eq!(rem.to_u128(), Some(a % b));
            let (mut x, mut y) = (a, b);
            while y != 0 {
                (x, y) = (y, x % y);
            }
            assert_eq!(
                Nat::gcd(&Nat::from_u128(a), &Nat::from_u128(b)).to_u128(),
                Some(x)
            );
        }
    }

    #[test]
    fn rounding_for_display() {
        let two_thirds = Ratio::from_int(-2).div(&Ratio::from_int(3)).unwrap();
        assert_eq!(two_thirds.to_decimal(4), Some(dec!(-0.6667)));
        assert_eq!(r("0.125").to_decimal(2), Some(dec!(0.13)));
        assert_eq!(r("-0.125").to_decimal(2), Some(dec!(-0.13)));
    }

    #[test]
    fn apportioned_values_add_up_to_the_total() {
        let third = Ratio::from_int(1).div(&Ratio::from_int(3)).unwrap();
        let parts = apportion(&[third.neg(), third.neg(), third.neg()], dec!(-1), 2).unwrap();
        assert_eq!(parts, vec![dec!(-0.33), dec!(-0.33), dec!(-0.34)]);
        // A total one unit below the exact sum takes the unit from an inexact value, not
        // from the exact zero.
        let parts = apportion(
            &[Ratio::zero(), third.clone(), third.clone()],
            dec!(0.65),
            2,
        )
        .unwrap();
        assert_eq!(parts, vec![dec!(0), dec!(0.32), dec!(0.33)]);
        assert!(apportion(&[third], dec!(0.001), 2).is_none());
    }
}
