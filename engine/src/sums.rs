//! The per-chain reduce inside DataFusion: every row of an input is mapped to its chain by the
//! core's classification (`crate::chains`), and the rows of linear chains are summed per chain
//! key by a `GROUP BY`, in parallel over all files and their partitions. Only the sums come
//! back; the core checks their bounds and merges them into its own per-chain sums.

use crate::chains::{row_fields, SUM_SCALE};
use crate::cluster::{within_deadline, Cluster};
use crate::files::InputPath;
use crate::scan::{frame, query_error, runtime, texts};
use crate::EngineError;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Int32Type, Int64Type};
use datafusion::common::{Column, ScalarValue};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::functions_aggregate::expr_fn::{bit_or, count, max, sum};
use datafusion::logical_expr::{Expr, ScalarUDF};
use datafusion::prelude::{lit, DataFrame};

/// The sum of one chain key's rows of one period kind, as the engine aggregated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSum {
    /// The chain's key, as the core's classification wrote it.
    pub key: String,
    /// The period kind the rows cover.
    pub kind: u8,
    /// The quantities' sum × 10^`SUM_SCALE` (exact while `rows` < 10^10, see
    /// `chains::SUM_PRECISION`).
    pub units: i128,
    /// How many rows were summed.
    pub rows: u64,
    /// The months the rows cover (bitwise or).
    pub mask: u16,
    /// The largest scale of a summed quantity, as written and without trailing zeros.
    pub scale: u8,
    /// See `scale`.
    pub norm_scale: u8,
}

fn col(name: &str) -> Expr {
    Expr::Column(Column::from_name(name))
}

/// The call of the classification on a frame's columns (`""` for a column the file lacks).
pub(crate) fn classify(
    udf: &ScalarUDF,
    context: &str,
    columns: &[(&str, bool)],
    present: &[Option<usize>],
) -> Expr {
    let mut args: Vec<Expr> = vec![lit(ScalarValue::Utf8(Some(context.to_string())))];
    for (i, (name, _)) in columns.iter().enumerate() {
        args.push(match present.get(i) {
            Some(Some(_)) => col(name),
            _ => lit(ScalarValue::Utf8(Some(String::new()))),
        });
    }
    udf.call(args)
}

fn small<T: TryFrom<i64>>(v: i64, what: &str, path: &str) -> Result<T, EngineError> {
    T::try_from(v).map_err(|_| EngineError::Query {
        path: path.to_string(),
        message: format!("the engine's {what} {v} is out of range"),
    })
}

/// The per-chain sums of the rows of `files` that `udf` (the UDF of `crate::chain_udf`,
/// called with the constant `context`) maps to a chain, sorted by key and kind, computed in
/// `partitions` target partitions (0: one per core; the sums do not depend on it). Rows it
/// leaves without a key are not in any sum (see `stream_rows`' `skip`).
pub fn chain_sums(
    cluster: &Cluster,
    files: &[InputPath],
    columns: &[(&str, bool)],
    (udf, context): (&ScalarUDF, &str),
    partitions: usize,
) -> Result<Vec<ChainSum>, EngineError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let first = cluster.location(&files[0].path);
    runtime()?.block_on(within_deadline(cluster, async {
        let ctx = cluster
            .session(false, partitions, std::slice::from_ref(udf))
            .await?;
        let mut all: Option<DataFrame> = None;
        for file in files {
            let path = cluster.location(&file.path);
            let (df, map) = frame(&ctx, cluster, file, columns, true).await?;
            let rows = df
                .select(vec![classify(udf, context, columns, &map).alias("c")])
                .map_err(query_error(&path))?;
            all = Some(match all {
                None => rows,
                Some(a) => a.union(rows).map_err(query_error(&path))?,
            });
        }
        let Some(all) = all else {
            return Ok(Vec::new());
        };
        let err = query_error(&first);
        let fields: Vec<Expr> = row_fields()
            .iter()
            .map(|f| get_field(col("c"), f.name().as_str()).alias(f.name()))
            .collect();
        // No filter on the key: DataFusion would evaluate the UDF again in it. Rows left to
        // the core form the one group without a key, skipped below.
        let batches = all
            .select(fields)
            .map_err(&err)?
            .aggregate(
                vec![col("key"), col("kind")],
                vec![
                    sum(col("units")).alias("units"),
                    count(lit(1)).alias("rows"),
                    bit_or(col("mask")).alias("mask"),
                    max(col("scale")).alias("scale"),
                    max(col("norm_scale")).alias("norm_scale"),
                ],
            )
            .map_err(&err)?
            .collect()
            .await
            .map_err(&err)?;
        let mut out = Vec::new();
        for batch in batches {
            let column = |name: &str, to: &DataType| {
                let Some(a) = batch.column_by_name(name) else {
                    return Err(EngineError::Query {
                        path: first.clone(),
                        message: format!("the sums lack the column {name}"),
                    });
                };
                cast(a, to).map_err(|e| EngineError::Query {
                    path: first.clone(),
                    message: e.to_string(),
                })
            };
            let keys = texts(&column("key", &DataType::Utf8)?, &first)?;
            let units = column(
                "units",
                &DataType::Decimal128(crate::chains::SUM_PRECISION, SUM_SCALE),
            )?;
            let units = units.as_primitive::<Decimal128Type>();
            let rows = column("rows", &DataType::Int64)?;
            let rows = rows.as_primitive::<Int64Type>();
            let ints: Vec<_> = ["kind", "mask", "scale", "norm_scale"]
                .iter()
                .map(|n| column(n, &DataType::Int32))
                .collect::<Result<_, _>>()?;
            let ints: Vec<_> = ints.iter().map(|a| a.as_primitive::<Int32Type>()).collect();
            for r in (0..batch.num_rows()).filter(|r| !keys.is_null(*r)) {
                let int = |i: usize| i64::from(ints[i].value(r));
                out.push(ChainSum {
                    key: keys.value(r).to_string(),
                    kind: small(int(0), "period kind", &first)?,
                    // A sum of no rows is null; a group has at least one.
                    units: if units.is_null(r) { 0 } else { units.value(r) },
                    rows: small(rows.value(r), "row count", &first)?,
                    mask: small(int(1), "month mask", &first)?,
                    scale: small(int(2), "scale", &first)?,
                    norm_scale: small(int(3), "scale", &first)?,
                });
            }
        }
        // Groups come back in hash order: sorted, the merge is the same on every run.
        out.sort_by(|a, b| (&a.key, a.kind).cmp(&(&b.key, b.kind)));
        Ok(out)
    }))
}
