//! carbonledger's query-engine back end: Apache DataFusion, in this process or on an Apache
//! Ballista cluster, reads activity rows from CSV and Parquet files (one file, or a folder of
//! partitions such as `energy/year=2025/month=03/`), groups them on the core's row identity to
//! find duplicates, sums the rows of linear chains per chain key (`chain_sums`), and hands the
//! other rows, in file order, to the core. It knows nothing of carbon: what a row means, when it is valid and
//! how it is summed are the core's callbacks, so the engine cannot drift from the core's rules.
//!
//! It must not depend on the `carbonledger` package (that package depends on it, behind its
//! `engine` feature): everything it gets from the core is plain data and closures.

mod chains;
mod cluster;
mod files;
mod identity;
mod scan;
mod sums;
mod udf;

pub use chains::{
    chain_udf, ChainFn, ChainResolver, ChainRow, CHAIN_UDF, SUM_PRECISION, SUM_SCALE,
};
pub use cluster::{run_executor, run_scheduler, Cluster, ExecutorOptions, SchedulerOptions};
pub use files::{InputFormat, InputPath};
pub use identity::{identity_udf, IdentityFn, IdentityResolver, IDENTITY_UDF};
pub use scan::{repeated_identities, stream_rows, OnRow};
pub use sums::{chain_sums, ChainSum};

/// Why an engine could not read an input.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A file or folder could not be listed or opened.
    #[error("{path}: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A file lacks a required column.
    #[error("{path}: missing required column `{column}`")]
    MissingColumn {
        /// The file.
        path: String,
        /// The column.
        column: String,
    },
    /// A column holds binary floating point, which cannot carry an exact decimal quantity.
    #[error(
        "{path}: column `{column}` is {kind}; exact quantities must be written as text or decimal"
    )]
    InexactColumn {
        /// The file.
        path: String,
        /// The column.
        column: String,
        /// Its Arrow type.
        kind: String,
    },
    /// The cluster could not be reached, or a scheduler or executor could not start.
    #[error("{message}")]
    Cluster {
        /// What failed.
        message: String,
    },
    /// DataFusion failed (a malformed file, a row with the wrong number of fields).
    #[error("{path}: {message}")]
    Query {
        /// The file (or the input folder).
        path: String,
        /// DataFusion's message.
        message: String,
    },
}

/// The scalar UDF type, for callers that build the functions a cluster's processes register.
pub use datafusion::logical_expr::ScalarUDF;

/// The DataFusion this engine is built on (for callers that write test inputs, such as
/// Parquet partitions, with the same Arrow and Parquet versions).
pub use datafusion;
