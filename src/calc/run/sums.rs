//! Rows summed outside the core: a row source (an engine's `GROUP BY`) maps each row to its
//! chain with the core's own classification ([`linear_rows`]) and, for the rows of linear
//! chains, sums the quantities per chain key itself. The core checks each sum's bounds and
//! merges it into the chain's pending quantity, as if it had added the rows one by one.
//!
//! Only rows the core would add to a pending sum without any per-row arithmetic qualify: a
//! valid, non-duplicate row of a year, quarter or month in a reporting year, of a facility in
//! the boundary all the time under unchanged terms (so never split by days), whose chain is
//! linear (`Plan::linear_scale` with no division) and has no scope 3 companions, and whose
//! quantity has at most [`SUM_SCALE`] places and fewer than 28 digits at that scale. Every
//! other row is left to the core, which validates, rejects or sums it as it always does.

use super::{dedupe, InputFile, Project, RowRef, RunOptions, Slot, Worker, MAX_LINE_SCALE};
use crate::activity::Period;
use crate::diag::{Diagnostic, Span};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

/// The scale a source sums quantities at: every quantity the core sums linearly has at most
/// this many places.
pub const SUM_SCALE: u32 = MAX_LINE_SCALE;

/// A summed quantity is below 10^28 in units of 10^−[`SUM_SCALE`] (rust_decimal's 28 digits).
const UNIT_LIMIT: i128 = 10_000_000_000_000_000_000_000_000_000;

/// The fewest rows per chain a source's sum is not trusted for: below it, |sum| < 10^10 ×
/// 10^28 = 10^38 fits an `i128` (and a `Decimal128(38, s)`), so an engine whose decimal sum
/// wraps on overflow (DataFusion 55) cannot have wrapped, in its final sum or any partial one.
pub const MAX_SUMMED_ROWS: u64 = 10_000_000_000;

/// Separates the fields of a chain key (a row's fields never hold it: such a row is left to
/// the core).
const KEY_SEPARATOR: &str = "\u{1f}";

/// One row of a linear chain, as the core classified it for a source to sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearRow {
    /// The chain's key: the row's fields with the period as its year and the quantity, ref
    /// and note blanked, so the core can read the chain back.
    pub key: String,
    /// The quantity × 10^[`SUM_SCALE`] (see [`units_of`]).
    pub units: i128,
    /// The quantity's scale (0 for a zero quantity, which never changes a sum's scale).
    pub scale: u8,
    /// Its scale without trailing zeros.
    pub norm_scale: u8,
    /// The period's kind and months (see `chain::period_months`).
    pub kind: u8,
    /// See `kind`.
    pub mask: u16,
}

/// The sum of a chain key's rows of one period kind, as a source made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinearSum {
    /// The key (see [`LinearRow::key`]).
    pub key: String,
    /// The period kind.
    pub kind: u8,
    /// The sum of the rows' `units` (exact only for fewer than [`MAX_SUMMED_ROWS`] rows).
    pub units: i128,
    /// How many rows.
    pub rows: u64,
    /// The months covered, or-ed.
    pub mask: u16,
    /// The largest `scale` and `norm_scale` of the rows.
    pub scale: u8,
    /// See `scale`.
    pub norm_scale: u8,
}

/// The core's classification of a row (its fields in the input's column order) for a source
/// that sums: `Some` for a row of a linear chain (see the module), `None` for a row the core
/// must see.
pub type RowChain = Arc<dyn Fn(&[&str]) -> Option<LinearRow> + Send + Sync>;

/// A run's classification of one input's rows for a source that sums, with what another
/// process (a cluster's executor) needs to rebuild it with [`linear_rows`].
#[derive(Clone)]
pub struct ChainPlan {
    /// The classification.
    pub chain: RowChain,
    /// The run's options (`strict` changes how chains resolve).
    pub options: RunOptions,
    /// The identities that occur more than once in the input (their rows stay with the core).
    pub repeated: Arc<HashSet<String>>,
}

/// A quantity in units of 10^−[`SUM_SCALE`], or `None` when it has more places or does not
/// stay below 10^28 units.
pub fn units_of(q: Decimal) -> Option<i128> {
    let up = SUM_SCALE.checked_sub(q.scale())?;
    let units = q.mantissa().checked_mul(10i128.pow(up))?;
    (units.abs() < UNIT_LIMIT).then_some(units)
}

/// The sum a source made of `rows` quantities of at most `scale` places, as `units` at
/// [`SUM_SCALE`], back as an exact decimal of `scale` places; an error when the rows are too
/// many for the sum to be trusted, or the sum does not fit 28 digits.
pub fn sum_of(units: i128, rows: u64, scale: u32) -> Result<Decimal, String> {
    if rows >= MAX_SUMMED_ROWS {
        return Err(format!(
            "{rows} rows in one chain: an engine's sum of {MAX_SUMMED_ROWS} rows or more cannot be checked for overflow"
        ));
    }
    let Some(down) = SUM_SCALE.checked_sub(scale) else {
        return Err(format!("a sum of {scale} places, more than {SUM_SCALE}"));
    };
    let step = 10i128.pow(down);
    if units % step != 0 {
        return Err(format!(
            "a sum with more places than its rows' {scale} (the engine's sum is inconsistent)"
        ));
    }
    Decimal::try_from_i128_with_scale(units / step, scale).map_err(|_| {
        format!(
            "the sum of {rows} quantities is beyond 28 significant digits ({units} × 10^-{SUM_SCALE})"
        )
    })
}

/// Whether a quantity of a linear chain whose ratios have `ratio_scale` places is added to the
/// chain's pending sum without per-row arithmetic (the test `Worker::row` makes).
fn fits_linear(q: Decimal, ratio_scale: u32) -> bool {
    q.scale() + ratio_scale <= MAX_LINE_SCALE
        || q.normalize().scale() + ratio_scale <= MAX_LINE_SCALE
}

/// The key of a row's chain: its fields, with the period as `year` and the quantity ("1"),
/// ref and note blanked (they do not choose the chain); `None` when a field holds the
/// separator.
fn chain_key(fields: &[&str], file: InputFile, year: i32) -> Option<String> {
    if fields.iter().any(|f| f.contains(KEY_SEPARATOR)) {
        return None;
    }
    let year = year.to_string();
    let blank = [Some(file.ref_col()), file.column_index("note")];
    let parts: Vec<&str> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| match i {
            1 => year.as_str(),
            3 => "1",
            i if blank.contains(&Some(i)) => "",
            _ => *f,
        })
        .collect();
    Some(parts.join(KEY_SEPARATOR))
}

/// The fields of a chain key, as a row of the input's columns.
fn key_record(key: &str) -> crate::ingest::Record {
    crate::ingest::Record::from_fields(key.split(KEY_SEPARATOR), 0)
}

/// The core's classification of `file`'s rows for a source that sums (see the module):
/// `repeated` holds the identities of rows that occur more than once (left to the core, which
/// keeps the first). Chains are resolved once per key and process, as the core resolves them.
pub fn linear_rows(
    project: &Project,
    options: RunOptions,
    file: InputFile,
    repeated: Arc<HashSet<String>>,
) -> RowChain {
    let project = Arc::new(project.clone());
    let name: Arc<str> = Arc::from(file.name());
    let map: Vec<Option<usize>> = (0..file.columns().len()).map(Some).collect();
    let years: BTreeSet<i32> = project.manifest.reporting_years.iter().copied().collect();
    // Chain key → the ratio scale of its linear chain, or `None` (not summed outside).
    let chains: Mutex<FxHashMap<String, Option<u32>>> = Mutex::new(FxHashMap::default());
    Arc::new(move |fields: &[&str]| {
        let record = crate::ingest::Record::from_fields(fields.iter().copied(), 0);
        let row = RowRef::of_columns(&name, &record, &map);
        let a = file.parse(&row, &project).ok()?;
        if !repeated.is_empty() {
            let id = format!("{:?}", dedupe::identity(&row, &a, file.ref_col()));
            if repeated.contains(&id) {
                return None;
            }
        }
        // A range of days has no month kind; it marks days and may be split.
        let (kind, mask) = crate::calc::chain::period_months(a.period)?;
        let facility = &project.facilities.list[a.facility];
        let calendar = &project.manifest.calendar;
        let whole = facility.window.is_always() && facility.changes.is_empty();
        if !whole || !(calendar.is_gregorian() || matches!(a.period, Period::Year(_))) {
            return None;
        }
        let year = a.period.year();
        if !years.contains(&year) {
            return None;
        }
        let units = units_of(a.quantity)?;
        let key = chain_key(fields, file, year)?;
        let known = chains.lock().ok()?.get(&key).copied();
        let ratio = match known {
            Some(r) => r,
            None => {
                let mut worker = Worker::new(&project, options, file);
                let r = match worker.slot(&a, year) {
                    Slot::Chain(id) => {
                        let hot = worker.hot[id as usize];
                        match hot.linear {
                            Some((r, false)) if hot.companions == 0 => Some(r),
                            _ => None,
                        }
                    }
                    Slot::Error(_) => None,
                };
                chains.lock().ok()?.insert(key.clone(), r);
                r
            }
        }?;
        if !fits_linear(a.quantity, ratio) {
            return None;
        }
        let scale = if a.quantity.is_zero() {
            0
        } else {
            a.quantity.scale()
        };
        Some(LinearRow {
            key,
            units,
            scale: u8::try_from(scale).ok()?,
            norm_scale: u8::try_from(a.quantity.normalize().scale()).ok()?,
            kind: u8::try_from(kind).ok()?,
            mask,
        })
    })
}

impl Worker<'_> {
    /// Merges a source's sum of a chain key's rows into the chain's pending sum, checking
    /// its bounds; counts its rows as read and used. `shown` names the input in messages.
    pub(super) fn add_sum(&mut self, s: &LinearSum, shown: &Arc<str>) -> Result<(), Diagnostic> {
        let file = self.file;
        let what = s.key.replace(KEY_SEPARATOR, ",");
        let refused = |why: &str| {
            Diagnostic::error(
                "engine-error",
                Span::file(shown),
                format!("the engine's sum of the chain of rows like `{what}` {why}"),
            )
            .with_hint(
                "run without --engine; if the project's files changed during the run, run again",
            )
        };
        let record = key_record(&s.key);
        let map: Vec<Option<usize>> = (0..file.columns().len()).map(Some).collect();
        let row = RowRef::of_columns(shown, &record, &map);
        let a = file
            .parse(&row, self.project)
            .map_err(|_| refused("names no chain"))?;
        let year = a.period.year();
        let Slot::Chain(id) = self.slot(&a, year) else {
            return Err(refused("names a chain that does not resolve"));
        };
        let id = id as usize;
        let hot = self.hot[id];
        let linear = match hot.linear {
            Some((r, false)) => u32::from(s.norm_scale) + r <= MAX_LINE_SCALE,
            _ => false,
        };
        let kind = usize::from(s.kind);
        if !linear
            || hot.companions > 0
            || u32::from(s.scale) > SUM_SCALE
            || kind >= hot.covered.len()
        {
            return Err(refused(
                "is of rows this process does not sum without per-row work",
            ));
        }
        let f = &self.project.facilities.list[a.facility];
        let subject = match &a.subject {
            crate::activity::Subject::Carrier(k) => k.name().to_string(),
            crate::activity::Subject::Gas(g) => g.clone(),
        };
        let overflow = |e: String| {
            Diagnostic::error(
                "overflow",
                Span::file(shown),
                format!(
                    "the {year} quantity of {subject} at {} cannot be summed exactly: {e}",
                    f.id
                ),
            )
            .with_hint(super::OVERFLOW_HINT)
        };
        let q = sum_of(s.units, s.rows, u32::from(s.scale)).map_err(overflow)?;
        let sum = crate::decimal::add(hot.sum, q).map_err(|e| overflow(e.to_string()))?;
        let hot = &mut self.hot[id];
        hot.sum = sum;
        hot.rows += s.rows;
        hot.covered[kind] |= s.mask;
        // Rows an engine hands over start at byte 0 (`Record::from_fields`).
        hot.first.get_or_insert(0);
        self.stats.read += s.rows;
        self.stats.used += s.rows;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{sum_of, units_of, MAX_SUMMED_ROWS, SUM_SCALE, UNIT_LIMIT};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn quantities_become_units_at_the_sum_scale_within_28_digits() {
        assert_eq!(units_of(d("1.5")), Some(1_500_000_000_000));
        assert_eq!(units_of(d("-0.000000000001")), Some(-1));
        // 13 places: left to the core.
        assert_eq!(units_of(d("0.0000000000001")), None);
        // 10^16 − 10^−12 is the largest that fits; 10^16 does not.
        assert_eq!(
            units_of(d("9999999999999999.999999999999")),
            Some(UNIT_LIMIT - 1)
        );
        assert_eq!(units_of(d("10000000000000000")), None);
        assert_eq!(units_of(d("-10000000000000000")), None);
    }

    #[test]
    fn sums_come_back_exactly_at_their_rows_scale() {
        let q = sum_of(4_500_000_000_000, 2, 2).unwrap_or_default();
        assert_eq!(q.to_string(), "4.50");
        assert_eq!(
            sum_of(-7, 3, 12).unwrap_or_default().to_string(),
            "-0.000000000007"
        );
        // A sum with places its rows cannot have is refused, not rounded.
        assert!(sum_of(1, 1, 2).is_err());
    }

    /// Near the bounds: the largest sum that fits 28 digits comes back, one unit more is an
    /// overflow, and a chain of 10^10 rows is refused whatever its sum (an engine's wrapping
    /// sum may have wrapped).
    #[test]
    fn sums_past_the_bounds_are_overflows_not_wrapped_values() {
        let max = Decimal::MAX.mantissa(); // 2^96 − 1
        assert_eq!(sum_of(max, 9, 12).map(|d| d.mantissa()), Ok(max));
        assert!(sum_of(max + 1, 9, 12).is_err());
        assert!(sum_of(-max - 1, 9, 12).is_err());
        // At 6 places, 28 digits hold < 7.93 × 10^22.
        let step = 10i128.pow(SUM_SCALE - 6);
        assert!(sum_of(max * step, 9, 6).is_ok());
        assert!(sum_of((max + 1) * step, 9, 6).is_err());
        assert!(sum_of(1, MAX_SUMMED_ROWS, 12).is_err());
        assert!(sum_of(1, MAX_SUMMED_ROWS - 1, 12).is_ok());
        // 2 × 10^10 rows just under the bound: an i128 sum wraps (to a negative value here),
        // and the row count refuses it before its value is looked at.
        let near = UNIT_LIMIT - 1;
        let rows = 2 * MAX_SUMMED_ROWS;
        let wrapped = (0..rows / 1_000_000_000).fold(0i128, |s, _| {
            s.wrapping_add(near.wrapping_mul(1_000_000_000))
        });
        assert!(wrapped < 0);
        assert!(sum_of(wrapped, rows, 12).is_err());
    }
}
