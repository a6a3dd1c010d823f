//! What the engine's two scalar UDFs (the row identity and the row-to-chain classification)
//! share: a constant context text first, turned once per process into the core's function
//! (through a resolver the process registered, kept for later batches), then a row's fields as
//! text. A Ballista executor finds such a UDF by name in its own registry, so a plan carries
//! nothing but the name, the columns and the context literal (no custom codec).

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result as DfResult, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// How many resolved contexts one process keeps (a long-lived executor serves many runs).
const CACHE_LIMIT: usize = 16;

/// One kind of row function: its name, what it returns, and how it turns the rows of a batch
/// (each row's fields, in the caller's column order) into one output array.
pub(crate) trait RowFunction: Send + Sync + 'static {
    /// The UDF's name in every registry (client, scheduler, executors).
    const NAME: &'static str;
    /// The core's function a context resolves to.
    type Function: Clone + Send + Sync;
    /// See `ScalarUDFImpl::return_type`.
    fn return_type() -> DataType;
    /// The output of `function` over the rows of `texts` (one text array per field; see
    /// [`for_each_row`]).
    fn evaluate(
        function: &Self::Function,
        texts: &[&StringArray],
        rows: usize,
    ) -> DfResult<ArrayRef>;
}

/// Turns a context text into the function it names (for example by opening the project it
/// names), or says why it cannot.
pub(crate) type Resolver<F> = Arc<dyn Fn(&str) -> Result<F, String> + Send + Sync>;

struct CoreUdf<K: RowFunction> {
    signature: Signature,
    resolve: Resolver<K::Function>,
    cache: Mutex<HashMap<String, K::Function>>,
}

impl<K: RowFunction> std::fmt::Debug for CoreUdf<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(K::NAME)
    }
}

// One UDF per name: two instances are interchangeable for the planner.
impl<K: RowFunction> PartialEq for CoreUdf<K> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<K: RowFunction> Eq for CoreUdf<K> {}
impl<K: RowFunction> Hash for CoreUdf<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        K::NAME.hash(state);
    }
}

impl<K: RowFunction> CoreUdf<K> {
    fn function(&self, context: &str) -> DfResult<K::Function> {
        let Ok(mut cache) = self.cache.lock() else {
            return exec_err!("{}: the context cache is unusable", K::NAME);
        };
        if let Some(f) = cache.get(context) {
            return Ok(f.clone());
        }
        let f = match (self.resolve)(context) {
            Ok(f) => f,
            Err(e) => return exec_err!("{}: {e}", K::NAME),
        };
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(context.to_string(), f.clone());
        Ok(f)
    }
}

/// Calls `f` with the fields of each of the `rows` rows of `texts`, in order; a null field
/// reads as an empty one, as in a CSV file.
pub(crate) fn for_each_row(texts: &[&StringArray], rows: usize, mut f: impl FnMut(&[&str])) {
    let mut fields: Vec<&str> = Vec::with_capacity(texts.len());
    for r in 0..rows {
        fields.clear();
        fields.extend(
            texts
                .iter()
                .map(|c| if c.is_null(r) { "" } else { c.value(r) }),
        );
        f(&fields);
    }
}

/// The context argument of a UDF: a constant text (a literal, so one value for the whole
/// batch).
fn context_of(arg: Option<&ColumnarValue>, name: &str) -> DfResult<String> {
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

impl<K: RowFunction> ScalarUDFImpl for CoreUdf<K> {
    fn name(&self) -> &str {
        K::NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(K::return_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let context = context_of(args.args.first(), K::NAME)?;
        let function = self.function(&context)?;
        let rows = args.number_rows;
        let mut columns = Vec::with_capacity(args.args.len().saturating_sub(1));
        for a in args.args.iter().skip(1) {
            let array = a.to_array(rows)?;
            columns.push(datafusion::arrow::compute::cast(&array, &DataType::Utf8)?);
        }
        let texts: Vec<&StringArray> = columns.iter().map(|a| a.as_string::<i32>()).collect();
        Ok(ColumnarValue::Array(K::evaluate(&function, &texts, rows)?))
    }
}

/// The UDF of kind `K` of this process: `K::NAME(context, field, …)`, resolving each context
/// through `resolve` once.
pub(crate) fn core_udf<K: RowFunction>(
    resolve: Resolver<K::Function>,
    volatility: Volatility,
) -> ScalarUDF {
    ScalarUDF::new_from_impl(CoreUdf::<K> {
        signature: Signature::variadic(vec![DataType::Utf8], volatility),
        resolve,
        cache: Mutex::new(HashMap::new()),
    })
}
