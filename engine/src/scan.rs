//! The DataFusion plans, run on a `Cluster`: one that groups every row of an input on the
//! core's identity function to find repeated rows, and one that streams each file's rows, as
//! text, in file order. Every field is handed over as the text it holds (Parquet integers and decimals are
//! cast to their exact text; binary floating point is refused), so the core parses each value
//! with its own rules.

use crate::cluster::{within_deadline, Cluster};
use crate::files::{InputFormat, InputPath};
use crate::EngineError;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::{Column, ScalarValue};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{Expr, ScalarUDF};
use datafusion::prelude::{cast as cast_expr, SessionContext};
use datafusion::prelude::{lit, CsvReadOptions, DataFrame, ParquetReadOptions};
use futures::StreamExt;
use std::collections::HashSet;

/// What receives each streamed row: (file index, row number, the fields the file has, for
/// each requested column its index in those fields).
pub type OnRow<'a> = dyn FnMut(usize, u64, &[&str], &[Option<usize>]) + 'a;

pub(crate) fn query_error(
    path: &str,
) -> impl Fn(datafusion::error::DataFusionError) -> EngineError + '_ {
    move |e| EngineError::Query {
        path: path.to_string(),
        message: e.to_string(),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, EngineError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Io {
            path: "tokio runtime".into(),
            message: e.to_string(),
        })
}

/// One file as a frame of the `columns` (name, required) it has, each as text, and for each
/// of `columns` its position in the frame (`None`: the file lacks it). A missing required
/// column is an error; with `fill`, a missing optional one is empty text at its place instead.
pub(crate) async fn frame(
    ctx: &SessionContext,
    cluster: &Cluster,
    file: &InputPath,
    columns: &[(&str, bool)],
    fill: bool,
) -> Result<(DataFrame, Vec<Option<usize>>), EngineError> {
    let path = cluster.location(&file.path);
    let err = query_error(&path);
    // The file's own extension, as written: the reader filters by extension, and a partition
    // `2025.CSV` is read as a CSV file like `2025.csv` (never skipped as another kind).
    let ext = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let df = match file.format {
        InputFormat::Csv => {
            // Read the header first, then every column as text: inferred types would turn
            // `1.10` into a float.
            let probe = CsvReadOptions::new()
                .has_header(true)
                .comment(b'#')
                .file_extension(&ext);
            let header = ctx.read_csv(&path, probe).await.map_err(&err)?;
            let schema = Schema::new(
                header
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| Field::new(f.name(), DataType::Utf8, true))
                    .collect::<Vec<_>>(),
            );
            let opts = CsvReadOptions::new()
                .has_header(true)
                .comment(b'#')
                .file_extension(&ext)
                .schema(&schema);
            ctx.read_csv(&path, opts).await.map_err(&err)?
        }
        InputFormat::Parquet => ctx
            .read_parquet(&path, ParquetReadOptions::default().file_extension(&ext))
            .await
            .map_err(&err)?,
    };
    let mut exprs = Vec::with_capacity(columns.len());
    let mut map = Vec::with_capacity(columns.len());
    for (name, required) in columns {
        let found = df
            .schema()
            .fields()
            .iter()
            .find(|f| f.name() == name)
            .cloned();
        match found {
            Some(f) => {
                if matches!(
                    f.data_type(),
                    DataType::Float16 | DataType::Float32 | DataType::Float64
                ) {
                    return Err(EngineError::InexactColumn {
                        path: path.clone(),
                        column: name.to_string(),
                        kind: f.data_type().to_string(),
                    });
                }
                map.push(Some(exprs.len()));
                exprs.push(
                    cast_expr(Expr::Column(Column::from_name(*name)), DataType::Utf8).alias(*name),
                );
            }
            None if *required => {
                return Err(EngineError::MissingColumn {
                    path: path.clone(),
                    column: name.to_string(),
                })
            }
            None if fill => {
                map.push(Some(exprs.len()));
                exprs.push(lit(ScalarValue::Utf8(Some(String::new()))).alias(*name));
            }
            None => map.push(None),
        }
    }
    Ok((df.select(exprs).map_err(&err)?, map))
}

/// A column of a batch as text (nulls read as empty).
pub(crate) fn texts(array: &ArrayRef, path: &str) -> Result<StringArray, EngineError> {
    let a = cast(array, &DataType::Utf8).map_err(|e| EngineError::Query {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(a.as_string::<i32>().clone())
}

/// The column of a skipping stream that holds each row's number in its file.
const ROW_NUMBER: &str = "carbonledger_row_number";

/// A file's frame without the rows `skip`'s classification maps to a chain (those are summed
/// by `chain_sums`), each remaining row with its number in the file as a last column. The
/// numbers are given before the filter (a window over the one ordered partition), so a row
/// keeps its position.
fn without_summed(
    df: DataFrame,
    columns: &[(&str, bool)],
    map: &[Option<usize>],
    (udf, context): (&ScalarUDF, &str),
) -> datafusion::error::Result<DataFrame> {
    let mut keep: Vec<Expr> = df
        .schema()
        .fields()
        .iter()
        .map(|f| Expr::Column(Column::from_name(f.name())))
        .collect();
    keep.push(Expr::Column(Column::from_name(ROW_NUMBER)));
    let summed = get_field(crate::sums::classify(udf, context, columns, map), "key");
    df.window(vec![row_number().alias(ROW_NUMBER)])?
        .filter(summed.is_null())?
        .select(keep)
}

/// Streams every row of `files`, file by file in the given order and each file's rows in file
/// order, to `on_row(file index, row number (1-based data row, header and comments not
/// counted), the fields the file has, for each of columns its index in those fields)`.
/// With `skip` (the chain UDF and its context), the rows it maps to a chain are left out (see
/// `chain_sums`); the others keep their numbers. On a cluster, each file is one job.
pub fn stream_rows(
    cluster: &Cluster,
    files: &[InputPath],
    columns: &[(&str, bool)],
    skip: Option<(&ScalarUDF, &str)>,
    on_row: &mut OnRow<'_>,
) -> Result<(), EngineError> {
    let udfs: Vec<ScalarUDF> = skip.iter().map(|(u, _)| (*u).clone()).collect();
    runtime()?.block_on(within_deadline(cluster, async {
        // One partition per file keeps its rows in file order.
        let ctx = cluster.session(true, 1, &udfs).await?;
        for (i, file) in files.iter().enumerate() {
            let path = cluster.location(&file.path);
            let (df, map) = frame(&ctx, cluster, file, columns, false).await?;
            let df = match skip {
                Some(s) => without_summed(df, columns, &map, s).map_err(query_error(&path))?,
                None => df,
            };
            let mut stream = df.execute_stream().await.map_err(query_error(&path))?;
            let mut row = 0u64;
            while let Some(batch) = stream.next().await {
                let batch = batch.map_err(query_error(&path))?;
                let mut cols = batch
                    .columns()
                    .iter()
                    .map(|c| texts(c, &path))
                    .collect::<Result<Vec<_>, _>>()?;
                let numbers = match skip {
                    Some(_) => cols.pop(),
                    None => None,
                };
                let mut fields: Vec<&str> = Vec::with_capacity(cols.len());
                for r in 0..batch.num_rows() {
                    fields.clear();
                    fields.extend(
                        cols.iter()
                            .map(|c| if c.is_null(r) { "" } else { c.value(r) }),
                    );
                    row = match &numbers {
                        Some(n) => n.value(r).parse().map_err(|_| EngineError::Query {
                            path: path.clone(),
                            message: format!("row number `{}` is not a number", n.value(r)),
                        })?,
                        None => row + 1,
                    };
                    on_row(i, row, &fields, &map);
                }
            }
        }
        Ok(())
    }))
}

/// The identities that more than one row of `files` has: every row is mapped to the core's
/// identity by `identity` (the UDF of `crate::identity_udf`, called with the constant
/// `context` before the row's fields), then grouped and counted by DataFusion in parallel
/// (on a cluster: by its executors, in one job). Rows that do not validate have no identity
/// and are left to the core to reject.
pub fn repeated_identities(
    cluster: &Cluster,
    files: &[InputPath],
    columns: &[(&str, bool)],
    identity: &ScalarUDF,
    context: &str,
) -> Result<HashSet<String>, EngineError> {
    if files.is_empty() {
        return Ok(HashSet::new());
    }
    let first = cluster.location(&files[0].path);
    runtime()?.block_on(within_deadline(cluster, async {
        let ctx = cluster
            .session(false, 0, std::slice::from_ref(identity))
            .await?;
        let mut all: Option<DataFrame> = None;
        for file in files {
            let path = cluster.location(&file.path);
            let (df, _) = frame(&ctx, cluster, file, columns, true).await?;
            let mut args: Vec<Expr> = vec![lit(ScalarValue::Utf8(Some(context.to_string())))];
            args.extend(
                columns
                    .iter()
                    .map(|(n, _)| Expr::Column(Column::from_name(*n))),
            );
            let ids = df
                .select(vec![identity.call(args).alias("id")])
                .map_err(query_error(&path))?;
            all = Some(match all {
                None => ids,
                Some(a) => a.union(ids).map_err(query_error(&path))?,
            });
        }
        let Some(all) = all else {
            return Ok(HashSet::new());
        };
        let err = query_error(&first);
        let id = || Expr::Column(Column::from_name("id"));
        let repeated = all
            .filter(id().is_not_null())
            .map_err(&err)?
            .aggregate(vec![id()], vec![count(lit(1)).alias("n")])
            .map_err(&err)?
            .filter(Expr::Column(Column::from_name("n")).gt(lit(1i64)))
            .map_err(&err)?
            .select(vec![id()])
            .map_err(&err)?
            .collect()
            .await
            .map_err(&err)?;
        let mut out = HashSet::new();
        for batch in repeated {
            let ids = texts(batch.column(0), &first)?;
            out.extend(ids.iter().flatten().map(str::to_string));
        }
        Ok(out)
    }))
}
