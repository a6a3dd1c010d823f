//! The row-identity function and the row-to-chain classification of a project as an engine's
//! scalar UDFs can rebuild them in another process (a Ballista executor or scheduler): a
//! context text naming the project folder, the input, and a fingerprint of the files a row's
//! identity depends on (for the classification also the run's `--strict` and repeated
//! identities), and the resolvers that turn such a text back into `calc::row_identity` and
//! `calc::linear_rows`. Nothing else travels with a plan. A classification built from files
//! that differ in what the fingerprint does not cover (the factor library) cannot change a
//! sum: the CLI resolves every summed chain itself and refuses a sum of a chain it would not
//! sum linearly (`Worker::add_sum`).

use super::sums::engine_chain;
use crate::calc::{linear_rows, row_identity, ChainPlan, InputFile, RowIdentity, RunOptions};
use crate::project::{Input, Project};
use carbonledger_engine::{
    chain_udf, identity_udf, ChainFn, ChainResolver, IdentityResolver, ScalarUDF,
};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// The first line of every context text (a version, so that an executor of another release
/// refuses a context it would read differently).
const MAGIC: &str = "carbonledger-row-identity/1";

/// The first line of every chain context text (see [`chain_context`]).
const CHAIN_MAGIC: &str = "carbonledger-row-chain/1";

/// The project files a row's identity depends on (a row is parsed against the facilities;
/// the manifest is included so a changed project is never mistaken for the one planned).
const IDENTITY_FILES: [Input; 3] = [Input::Manifest, Input::Facilities, Input::FacilityChanges];

/// SHA-256 over the identity files of the project in `dir` (name, then content; an absent
/// file counts as absent, not as empty).
fn fingerprint(dir: &Path) -> Result<String, String> {
    let mut h = Sha256::new();
    for input in IDENTITY_FILES {
        h.update(input.name().as_bytes());
        match std::fs::read(dir.join(input.name())) {
            Ok(bytes) => {
                h.update(b"\x01");
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => h.update(b"\x00"),
            Err(e) => return Err(format!("{}: {e}", dir.join(input.name()).display())),
        }
    }
    Ok(crate::project::lower_hex(&h.finalize()))
}

/// The context text of `file`'s rows of `project`: the UDF's constant first argument.
pub fn identity_context(project: &Project, file: InputFile) -> Result<String, String> {
    let dir = std::path::absolute(&project.dir).map_err(|e| e.to_string())?;
    let dir = dir
        .to_str()
        .ok_or_else(|| format!("{}: the project folder's path is not UTF-8", dir.display()))?
        .to_string();
    let print = fingerprint(Path::new(&dir))?;
    Ok(format!("{MAGIC}\n{}\n{print}\n{dir}", file.name()))
}

/// The project and input an identity context text names: the project opened from its folder
/// (which this process must see at the same path), checked against the fingerprint.
fn open_context(context: &str) -> Result<(Project, InputFile), String> {
    let mut parts = context.splitn(4, '\n');
    let (Some(MAGIC), Some(name), Some(print), Some(dir)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a carbonledger row-identity context of this release".into());
    };
    let file = InputFile::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .ok_or_else(|| format!("unknown input `{name}`"))?;
    let dir = Path::new(dir);
    if fingerprint(dir)? != print {
        return Err(format!(
            "the project files at {} differ from those the command was planned with",
            dir.display()
        ));
    }
    let project = Project::open(dir).map_err(|d| {
        let first = d.first().map(ToString::to_string).unwrap_or_default();
        format!("cannot open the project at {}: {first}", dir.display())
    })?;
    Ok((project, file))
}

/// The identity function a context text names (see [`open_context`]).
fn resolve(context: &str) -> Result<RowIdentity, String> {
    let (project, file) = open_context(context)?;
    Ok(row_identity(&project, file))
}

/// The context text of the chain UDF for `file`'s rows of `project` in a run of `plan`: its
/// `--strict`, the identities repeated in the input (one a line; `Debug` text never holds a
/// line break), then the identity context. Sorted, so one run plans one text.
pub fn chain_context(
    project: &Project,
    file: InputFile,
    plan: &ChainPlan,
) -> Result<String, String> {
    let mut ids: Vec<&str> = plan.repeated.iter().map(String::as_str).collect();
    if ids.iter().any(|i| i.contains('\n')) {
        return Err("a repeated row's identity holds a line break".into());
    }
    ids.sort_unstable();
    let mut text = format!("{CHAIN_MAGIC}\n{}\n{}\n", plan.options.strict, ids.len());
    for id in ids {
        text.push_str(id);
        text.push('\n');
    }
    text.push_str(&identity_context(project, file)?);
    Ok(text)
}

/// The classification a chain context text names: `calc::linear_rows` over the project it
/// names, with the run's `--strict` and repeated identities.
fn resolve_chain(context: &str) -> Result<ChainFn, String> {
    let bad = || "not a carbonledger row-chain context of this release".to_string();
    let rest = context
        .strip_prefix(CHAIN_MAGIC)
        .and_then(|r| r.strip_prefix('\n'))
        .ok_or_else(bad)?;
    let (strict, rest) = rest.split_once('\n').ok_or_else(bad)?;
    let strict = match strict {
        "true" => true,
        "false" => false,
        _ => return Err(bad()),
    };
    let (n, mut rest) = rest.split_once('\n').ok_or_else(bad)?;
    let n: usize = n.parse().map_err(|_| bad())?;
    let mut repeated = HashSet::with_capacity(n);
    for _ in 0..n {
        let (id, r) = rest.split_once('\n').ok_or_else(bad)?;
        repeated.insert(id.to_string());
        rest = r;
    }
    let (project, file) = open_context(rest)?;
    let options = RunOptions {
        strict,
        ..RunOptions::default()
    };
    Ok(engine_chain(linear_rows(
        &project,
        options,
        file,
        Arc::new(repeated),
    )))
}

/// The chain UDF that rebuilds its classification from a context text (see
/// [`chain_context`]).
pub fn chain_function() -> ScalarUDF {
    let resolver: ChainResolver = Arc::new(resolve_chain);
    chain_udf(resolver)
}

/// The row-identity UDF that rebuilds its function from a context text
/// (see [`identity_context`]).
pub fn identity_function() -> ScalarUDF {
    let resolver: IdentityResolver = Arc::new(resolve);
    identity_udf(resolver)
}

/// The scalar UDFs carbonledger's plans call, for every process that plans or runs them
/// (the CLI, and the scheduler and executors of a cluster).
pub fn functions() -> Vec<ScalarUDF> {
    vec![identity_function(), chain_function()]
}
