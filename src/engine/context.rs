//! The row-identity function of a project as an engine's scalar UDF can rebuild it in another
//! process (a Ballista executor or scheduler): a context text naming the project folder, the
//! input, and a fingerprint of the files a row's identity depends on, and the resolver that
//! turns such a text back into `calc::row_identity`. Nothing else travels with a plan.

use crate::calc::{row_identity, InputFile, RowIdentity};
use crate::project::{Input, Project};
use carbonledger_engine::{identity_udf, IdentityResolver, ScalarUDF};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The first line of every context text (a version, so that an executor of another release
/// refuses a context it would read differently).
const MAGIC: &str = "carbonledger-row-identity/1";

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

/// The identity function a context text names: the project it names opened from its folder
/// (which this process must see at the same path), checked against the fingerprint.
fn resolve(context: &str) -> Result<RowIdentity, String> {
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
    Ok(row_identity(&project, file))
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
    vec![identity_function()]
}
