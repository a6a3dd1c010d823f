//! The row-identity function as a DataFusion scalar UDF that any process can run: its first
//! argument is a constant text (the caller's *context*, e.g. which project and which input),
//! the others are a row's fields. The UDF turns the context into the core's identity function
//! once, through a resolver the process registered, and keeps it for later batches. A Ballista
//! executor finds the UDF by name in its own registry, so the plan carries nothing but the
//! name, the columns and the context literal (no custom codec).

use datafusion::arrow::array::{Array, AsArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result as DfResult, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The UDF's name in every registry (client, scheduler, executors).
pub const IDENTITY_UDF: &str = "carbonledger_row_identity";

/// The core's row identity: the fields of one row, in the caller's column order, to the
/// row's normalised identity, or `None` when the row does not validate.
pub type IdentityFn = Arc<dyn Fn(&[&str]) -> Option<String> + Send + Sync>;

/// Turns a context text into the identity function it names (for example by opening the
/// project it names), or says why it cannot.
pub type IdentityResolver = Arc<dyn Fn(&str) -> Result<IdentityFn, String> + Send + Sync>;

/// How many resolved contexts one process keeps (a long-lived executor serves many runs).
const CACHE_LIMIT: usize = 16;

struct RowIdentityUdf {
    signature: Signature,
    resolve: IdentityResolver,
    cache: Mutex<HashMap<String, IdentityFn>>,
}

impl std::fmt::Debug for RowIdentityUdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(IDENTITY_UDF)
    }
}

// One UDF per name: two instances are interchangeable for the planner.
impl PartialEq for RowIdentityUdf {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for RowIdentityUdf {}
impl Hash for RowIdentityUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        IDENTITY_UDF.hash(state);
    }
}

impl RowIdentityUdf {
    fn function(&self, context: &str) -> DfResult<IdentityFn> {
        let Ok(mut cache) = self.cache.lock() else {
            return exec_err!("{IDENTITY_UDF}: the context cache is unusable");
        };
        if let Some(f) = cache.get(context) {
            return Ok(f.clone());
        }
        let f = match (self.resolve)(context) {
            Ok(f) => f,
            Err(e) => return exec_err!("{IDENTITY_UDF}: {e}"),
        };
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(context.to_string(), f.clone());
        Ok(f)
    }
}

/// The context argument of the UDF `name`: a constant text (a literal, so one value for the
/// whole batch).
pub(crate) fn context_of(arg: Option<&ColumnarValue>, name: &str) -> DfResult<String> {
    match arg {
        Some(ColumnarValue::Scalar(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
        )) => Ok(s.clone()),
        Some(ColumnarValue::Array(a)) if !a.is_empty() && !a.is_null(0) => {
            match datafusion::arrow::compute::cast(a, &DataType::Utf8) {
                Ok(t) => Ok(t.as_string::<i32>().value(0).to_string()),
                Err(e) => exec_err!("{name}: context: {e}"),
            }
        }
        _ => exec_err!("{name}: the first argument must be a constant context text"),
    }
}

impl ScalarUDFImpl for RowIdentityUdf {
    fn name(&self) -> &str {
        IDENTITY_UDF
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let context = context_of(args.args.first(), IDENTITY_UDF)?;
        let identity = self.function(&context)?;
        let rows = args.number_rows;
        let mut columns = Vec::with_capacity(args.args.len().saturating_sub(1));
        for a in args.args.iter().skip(1) {
            let array = a.to_array(rows)?;
            columns.push(datafusion::arrow::compute::cast(&array, &DataType::Utf8)?);
        }
        let texts: Vec<&StringArray> = columns.iter().map(|a| a.as_string::<i32>()).collect();
        let mut fields: Vec<&str> = Vec::with_capacity(texts.len());
        let out: StringArray = (0..rows)
            .map(|r| {
                fields.clear();
                fields.extend(
                    texts
                        .iter()
                        .map(|c| if c.is_null(r) { "" } else { c.value(r) }),
                );
                identity(&fields)
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

/// The row-identity UDF of this process: `carbonledger_row_identity(context, field, …)`,
/// resolving each context through `resolve` once.
pub fn identity_udf(resolve: IdentityResolver) -> ScalarUDF {
    ScalarUDF::new_from_impl(RowIdentityUdf {
        signature: Signature::variadic(vec![DataType::Utf8], Volatility::Immutable),
        resolve,
        cache: Mutex::new(HashMap::new()),
    })
}
