//! The `--engine datafusion` and `--engine ballista` row source: the activity inputs of a
//! project read by Apache DataFusion (`carbonledger-engine`), in this process or on a Ballista
//! cluster, instead of the core's CSV reader. Only glue: which files an input is, what the
//! engine's functions are, how the core's types cross into the engine's, and how the engine's
//! errors become diagnostics. Every rule stays in
//! the core (`calc::compute_from`).

mod context;

pub use carbonledger_engine::Cluster;
pub use context::{chain_context, chain_function, functions, identity_context, identity_function};

mod sums;

use crate::calc::{ChainPlan, InputFile, LinearSum, RowIdentity, RowSource, SourceRow};
use crate::diag::{Diagnostic, Span};
use crate::project::{PartitionFormat, Project};
use carbonledger_engine::{
    chain_sums, identity_udf, repeated_identities, stream_rows, IdentityResolver, InputFormat,
    InputPath,
};
use std::collections::HashSet;
use std::sync::Arc;

/// A project's activity inputs read by DataFusion: for each input, `energy.csv` when it is a
/// file, else the folder `energy/` of CSV and Parquet files (partitioned or not).
pub struct DataFusionSource<'p> {
    project: &'p Project,
    cluster: Cluster,
    partitions: usize,
}

impl<'p> DataFusionSource<'p> {
    /// The inputs of `project`, read on `cluster`.
    pub fn new(project: &'p Project, cluster: Cluster) -> Self {
        DataFusionSource {
            project,
            cluster,
            partitions: 0,
        }
    }

    /// The same, with the per-chain sums computed in `partitions` target partitions (0, the
    /// default: one per core). The results do not depend on it.
    pub fn with_partitions(self, partitions: usize) -> Self {
        DataFusionSource { partitions, ..self }
    }

    fn engine_name(&self) -> &'static str {
        match self.cluster {
            Cluster::Embedded => "DataFusion",
            Cluster::Ballista { .. } => "Ballista",
        }
    }

    /// The files of an input: its CSV file, or the partition files of its folder as every
    /// reader lists them (`project::partition_files`; a folder with none is an error).
    fn files(&self, file: InputFile) -> Result<Option<Vec<InputPath>>, Vec<Diagnostic>> {
        let listed = match crate::project::input_partitions(self.project, file.input()) {
            Some(listed) => listed,
            None => {
                let csv = self.project.path(file.input());
                if crate::project::entry_exists(&csv) {
                    return Ok(Some(vec![InputPath {
                        path: csv,
                        format: InputFormat::Csv,
                    }]));
                }
                if file == InputFile::Energy {
                    return Err(vec![Diagnostic::error(
                        "missing-file",
                        Span::file(&self.project.shown(file.input())),
                        format!(
                            "cannot read {}: neither the file nor a folder {} of CSV or Parquet files exists",
                            file.name(),
                            file.name().trim_end_matches(".csv")
                        ),
                    )
                    .with_hint("run `carbonledger init DIR` for templates of every file")]);
                }
                return Ok(None);
            }
        };
        let io = |message: String| carbonledger_engine::EngineError::Io {
            path: crate::project::shown_folder(self.project, file.input()),
            message,
        };
        let files = listed.map_err(|e| self.failed(file, &io(e.to_string())))?;
        if files.is_empty() {
            return Err(self.failed(
                file,
                &io("the folder holds no .csv or .parquet file".into()),
            ));
        }
        Ok(Some(
            files
                .into_iter()
                .map(|f| InputPath {
                    path: f.path,
                    format: match f.format {
                        PartitionFormat::Csv => InputFormat::Csv,
                        PartitionFormat::Parquet => InputFormat::Parquet,
                    },
                })
                .collect(),
        ))
    }

    fn failed(&self, file: InputFile, e: &carbonledger_engine::EngineError) -> Vec<Diagnostic> {
        vec![Diagnostic::error(
            "engine-error",
            Span::file(&self.project.shown(file.input())),
            format!("the {} engine could not read this input: {e}", self.engine_name()),
        )
        .with_hint(match self.cluster {
            Cluster::Embedded => "check the file against the input's columns; run without --engine to see the core reader's diagnostics",
            Cluster::Ballista { .. } => "check that the scheduler and its executors run (`carbonledger engine-scheduler`, `engine-executor`) and see the same files at the same paths; no totals were computed",
        })]
    }

    /// The chain UDF and its context for `file`'s rows in a run of `plan`: embedded, the
    /// core's classification itself; on a cluster, one the executors rebuild from the context.
    fn chain_udf(
        &self,
        file: InputFile,
        plan: &ChainPlan,
    ) -> Result<(carbonledger_engine::ScalarUDF, String), Vec<Diagnostic>> {
        match self.cluster {
            Cluster::Embedded => Ok((sums::local_chain_udf(plan.chain.clone()), String::new())),
            Cluster::Ballista { .. } => {
                let context = chain_context(self.project, file, plan).map_err(|message| {
                    self.failed(file, &carbonledger_engine::EngineError::Cluster { message })
                })?;
                Ok((chain_function(), context))
            }
        }
    }

    /// How a file of an input is shown: as the project shows its files (the paths are
    /// under the project folder already).
    fn shown_file(&self, path: &std::path::Path) -> Arc<str> {
        let s = path.to_string_lossy();
        Arc::from(s.strip_prefix("./").unwrap_or(&s))
    }
}

impl RowSource for DataFusionSource<'_> {
    fn rows(
        &mut self,
        file: InputFile,
        columns: &[(&'static str, bool)],
        skip: Option<&ChainPlan>,
        row: &mut SourceRow<'_>,
    ) -> Result<bool, Vec<Diagnostic>> {
        let Some(files) = self.files(file)? else {
            return Ok(false);
        };
        let shown: Vec<Arc<str>> = files.iter().map(|f| self.shown_file(&f.path)).collect();
        let udf = skip.map(|p| self.chain_udf(file, p)).transpose()?;
        let skip = udf.as_ref().map(|(u, c)| (u, c.as_str()));
        stream_rows(
            &self.cluster,
            &files,
            columns,
            skip,
            &mut |i, n, fields, map| row(&shown[i], n, fields, map),
        )
        .map_err(|e| self.failed(file, &e))?;
        Ok(true)
    }

    fn sums(
        &mut self,
        file: InputFile,
        columns: &[(&'static str, bool)],
        plan: &ChainPlan,
    ) -> Result<Option<Vec<LinearSum>>, Vec<Diagnostic>> {
        let Some(files) = self.files(file)? else {
            return Ok(None);
        };
        let (udf, context) = self.chain_udf(file, plan)?;
        let found = chain_sums(
            &self.cluster,
            &files,
            columns,
            (&udf, &context),
            self.partitions,
        )
        .map_err(|e| self.failed(file, &e))?;
        Ok(Some(found.into_iter().map(sums::linear_sum).collect()))
    }

    fn repeated(
        &mut self,
        file: InputFile,
        columns: &[(&'static str, bool)],
        identity: RowIdentity,
    ) -> Result<HashSet<String>, Vec<Diagnostic>> {
        let Some(files) = self.files(file)? else {
            return Ok(HashSet::new());
        };
        // On a cluster the executors rebuild the identity from the context text; embedded,
        // the function the core handed over serves every context.
        let (udf, context) = match self.cluster {
            Cluster::Embedded => {
                let resolver: IdentityResolver = Arc::new(move |_| Ok(identity.clone()));
                (identity_udf(resolver), String::new())
            }
            Cluster::Ballista { .. } => {
                let context = identity_context(self.project, file).map_err(|message| {
                    self.failed(file, &carbonledger_engine::EngineError::Cluster { message })
                })?;
                (identity_function(), context)
            }
        };
        repeated_identities(&self.cluster, &files, columns, &udf, &context)
            .map_err(|e| self.failed(file, &e))
    }

    fn shown(&self, file: InputFile) -> String {
        if crate::project::partitioned(self.project, file.input()) {
            crate::project::shown_folder(self.project, file.input())
        } else {
            self.project.shown(file.input()).to_string()
        }
    }
}
