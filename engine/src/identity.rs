//! The row-identity function as a DataFusion scalar UDF that any process can run (see
//! `crate::udf`): a constant context text, then a row's fields; out comes the row's normalised
//! identity, or null for a row that does not validate.

use crate::udf::{core_udf, for_each_row, RowFunction};
use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{ScalarUDF, Volatility};
use std::sync::Arc;

/// The UDF's name in every registry (client, scheduler, executors).
pub const IDENTITY_UDF: &str = "carbonledger_row_identity";

/// The core's row identity: the fields of one row, in the caller's column order, to the
/// row's normalised identity, or `None` when the row does not validate.
pub type IdentityFn = Arc<dyn Fn(&[&str]) -> Option<String> + Send + Sync>;

/// Turns a context text into the identity function it names (for example by opening the
/// project it names), or says why it cannot.
pub type IdentityResolver = Arc<dyn Fn(&str) -> Result<IdentityFn, String> + Send + Sync>;

struct RowIdentity;

impl RowFunction for RowIdentity {
    const NAME: &'static str = IDENTITY_UDF;
    type Function = IdentityFn;

    fn return_type() -> DataType {
        DataType::Utf8
    }

    fn evaluate(identity: &IdentityFn, texts: &[&StringArray], rows: usize) -> DfResult<ArrayRef> {
        let mut out: Vec<Option<String>> = Vec::with_capacity(rows);
        for_each_row(texts, rows, |fields| out.push(identity(fields)));
        Ok(Arc::new(StringArray::from(out)))
    }
}

/// The row-identity UDF of this process: `carbonledger_row_identity(context, field, …)`,
/// resolving each context through `resolve` once.
pub fn identity_udf(resolve: IdentityResolver) -> ScalarUDF {
    core_udf::<RowIdentity>(resolve, Volatility::Immutable)
}
