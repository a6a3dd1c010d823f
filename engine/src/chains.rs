//! The row-to-chain function as a DataFusion scalar UDF: the core classifies each row (its
//! own parsing, validation and chain resolution) and, for a row of a linear chain, returns the
//! chain's key, the quantity as a scaled integer and the months the row covers; other rows get
//! no key and stay with the core. Built like the identity UDF (`crate::identity`): a constant
//! context text first, resolved once per process into the core's function.

use crate::identity::context_of;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Int32Array, StringArray, StructArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{exec_err, Result as DfResult};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

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

/// How many resolved contexts one process keeps.
const CACHE_LIMIT: usize = 16;

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

struct RowChainUdf {
    signature: Signature,
    resolve: ChainResolver,
    cache: Mutex<HashMap<String, ChainFn>>,
}

impl std::fmt::Debug for RowChainUdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(CHAIN_UDF)
    }
}

// One UDF per name: two instances are interchangeable for the planner.
impl PartialEq for RowChainUdf {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for RowChainUdf {}
impl Hash for RowChainUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        CHAIN_UDF.hash(state);
    }
}

impl RowChainUdf {
    fn function(&self, context: &str) -> DfResult<ChainFn> {
        let Ok(mut cache) = self.cache.lock() else {
            return exec_err!("{CHAIN_UDF}: the context cache is unusable");
        };
        if let Some(f) = cache.get(context) {
            return Ok(f.clone());
        }
        let f = match (self.resolve)(context) {
            Ok(f) => f,
            Err(e) => return exec_err!("{CHAIN_UDF}: {e}"),
        };
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(context.to_string(), f.clone());
        Ok(f)
    }
}

impl ScalarUDFImpl for RowChainUdf {
    fn name(&self) -> &str {
        CHAIN_UDF
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Struct(row_fields()))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let context = context_of(args.args.first(), CHAIN_UDF)?;
        let classify = self.function(&context)?;
        let rows = args.number_rows;
        let mut columns = Vec::with_capacity(args.args.len().saturating_sub(1));
        for a in args.args.iter().skip(1) {
            let array = a.to_array(rows)?;
            columns.push(datafusion::arrow::compute::cast(&array, &DataType::Utf8)?);
        }
        let texts: Vec<&StringArray> = columns.iter().map(|a| a.as_string::<i32>()).collect();
        let mut fields: Vec<&str> = Vec::with_capacity(texts.len());
        let mut keys: Vec<Option<String>> = Vec::with_capacity(rows);
        let mut units: Vec<Option<i128>> = Vec::with_capacity(rows);
        let mut small: [Vec<Option<i32>>; 4] = Default::default();
        for r in 0..rows {
            fields.clear();
            fields.extend(
                texts
                    .iter()
                    .map(|c| if c.is_null(r) { "" } else { c.value(r) }),
            );
            let c = classify(&fields);
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
        }
        let units =
            Decimal128Array::from(units).with_precision_and_scale(SUM_PRECISION, SUM_SCALE)?;
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(keys)), Arc::new(units)];
        for column in small {
            arrays.push(Arc::new(Int32Array::from(column)));
        }
        Ok(ColumnarValue::Array(Arc::new(StructArray::try_new(
            row_fields(),
            arrays,
            None,
        )?)))
    }
}

/// The row-to-chain UDF of this process: `carbonledger_row_chain(context, field, …)`,
/// resolving each context through `resolve` once.
pub fn chain_udf(resolve: ChainResolver) -> ScalarUDF {
    ScalarUDF::new_from_impl(RowChainUdf {
        // Volatile, though it is a pure function: DataFusion 55 inlines an immutable call into
        // each field read of its struct and into filters, running the core's classification
        // once per use (seven times a row in the sums' plan); a volatile call runs once.
        signature: Signature::variadic(vec![DataType::Utf8], Volatility::Volatile),
        resolve,
        cache: Mutex::new(HashMap::new()),
    })
}
