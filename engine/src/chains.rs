//! The row-to-chain function as a DataFusion scalar UDF: the core classifies each row (its
//! own parsing, validation and chain resolution) and, for a row of a linear chain, returns the
//! chain's key, the quantity as a scaled integer and the months the row covers; other rows get
//! no key and stay with the core. Built like the identity UDF (`crate::udf`): a constant context
//! text first, resolved once per process into the core's function.

use crate::udf::{core_udf, for_each_row, RowFunction};
use datafusion::arrow::array::{ArrayRef, Decimal128Array, Int32Array, StringArray, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{ScalarUDF, Volatility};
use std::sync::Arc;

/// The UDF's name in every registry.
pub const CHAIN_UDF: &str = "carbonledger_row_chain";

/// The scale of the quantities summed in the engine: the core's most decimal places of a
/// linear row's result (`MAX_LINE_SCALE`), so every quantity the core sums linearly fits.
pub const SUM_SCALE: i8 = 12;

/// The precision of the summed column. A row's quantity is at most 28 digits at
/// [`SUM_SCALE`] (checked by the core), so a sum of fewer than 10^10 rows stays below 10^38
/// and the wrapping `Decimal128` sum of DataFusion 55 cannot wrap.
pub const SUM_PRECISION: u8 = 38;

/// One row as the core classified it for an in-engine sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    /// The chain's key: text the core turns back into the chain.
    pub key: String,
    /// The quantity × 10^[`SUM_SCALE`] (|units| < 10^28).
    pub units: i128,
    /// The quantity's own scale, and its scale once trailing zeros are dropped.
    pub scale: u8,
    /// See `scale`.
    pub norm_scale: u8,
    /// Which kind of period the row covers, and the months as a bit mask.
    pub kind: u8,
    /// See `kind`.
    pub mask: u16,
}

/// The core's classification: the fields of one row (in the caller's column order) to the
/// row's chain, or `None` when the row must go through the core (rejected, a duplicate, split
/// by days, a chain that is not linear).
pub type ChainFn = Arc<dyn Fn(&[&str]) -> Option<ChainRow> + Send + Sync>;

/// Turns a context text into the classification it names, or says why it cannot.
pub type ChainResolver = Arc<dyn Fn(&str) -> Result<ChainFn, String> + Send + Sync>;

/// The struct the UDF returns, field by field (`key` is null for a row left to the core).
pub(crate) fn row_fields() -> Fields {
    Fields::from(vec![
        Field::new("key", DataType::Utf8, true),
        Field::new(
            "units",
            DataType::Decimal128(SUM_PRECISION, SUM_SCALE),
            true,
        ),
        Field::new("scale", DataType::Int32, true),
        Field::new("norm_scale", DataType::Int32, true),
        Field::new("kind", DataType::Int32, true),
        Field::new("mask", DataType::Int32, true),
    ])
}

struct RowChain;

impl RowFunction for RowChain {
    const NAME: &'static str = CHAIN_UDF;
    type Function = ChainFn;

    fn return_type() -> DataType {
        DataType::Struct(row_fields())
    }

    fn evaluate(classify: &ChainFn, texts: &[&StringArray], rows: usize) -> DfResult<ArrayRef> {
        let mut keys: Vec<Option<String>> = Vec::with_capacity(rows);
        let mut units: Vec<Option<i128>> = Vec::with_capacity(rows);
        let mut small: [Vec<Option<i32>>; 4] = Default::default();
        for_each_row(texts, rows, |fields| {
            let c = classify(fields);
            units.push(c.as_ref().map(|c| c.units));
            let parts = c.as_ref().map(|c| {
                [
                    i32::from(c.scale),
                    i32::from(c.norm_scale),
                    i32::from(c.kind),
                    i32::from(c.mask),
                ]
            });
            for (i, column) in small.iter_mut().enumerate() {
                column.push(parts.map(|p| p[i]));
            }
            keys.push(c.map(|c| c.key));
        });
        let units =
            Decimal128Array::from(units).with_precision_and_scale(SUM_PRECISION, SUM_SCALE)?;
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(keys)), Arc::new(units)];
        for column in small {
            arrays.push(Arc::new(Int32Array::from(column)));
        }
        Ok(Arc::new(StructArray::try_new(row_fields(), arrays, None)?))
    }
}

/// The row-to-chain UDF of this process: `carbonledger_row_chain(context, field, …)`,
/// resolving each context through `resolve` once.
pub fn chain_udf(resolve: ChainResolver) -> ScalarUDF {
    // Volatile, though it is a pure function: DataFusion 55 inlines an immutable call into
    // each field read of its struct and into filters, running the core's classification
    // once per use (seven times a row in the sums' plan); a volatile call runs once.
    core_udf::<RowChain>(resolve, Volatility::Volatile)
}
