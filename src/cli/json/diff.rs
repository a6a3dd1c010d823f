//! `diff --format json`: what one factor change does, exact.

/// The whole answer.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct DiffJson<'a> {
    pub schema_version: u32,
    /// The change, as given (`SET@EDITION:KEY=VALUE` or `SET@EDITION`).
    pub change: String,
    /// How the figures after were obtained, in words.
    pub method: String,
    /// The calculation lines whose result changed (empty with `--no-lines`).
    #[schemars(with = "Vec<LineJson>")]
    pub lines: super::Streamed<'a, LineJson, Result<u64, Vec<carbonledger::diag::Diagnostic>>>,
    /// The register entries (solar, instruments, …) whose factors changed.
    pub entries: Vec<EntryJson>,
    /// Figures before and after (only the changed ones, or every one with `--all`).
    pub figures: Vec<FigureChangeJson>,
    /// The base-year recalculation verdict, when the project has a base year.
    pub verdict: Option<VerdictJson>,
}

/// One changed calculation line.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct LineJson {
    /// `file:line`.
    pub at: String,
    pub facility: String,
    pub period: String,
    pub subject: String,
    pub factor_before: String,
    pub factor_after: String,
    pub co2e_t_before: String,
    pub co2e_t_after: String,
    pub delta_t: String,
}

/// One changed register entry.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct EntryJson {
    /// `file:line`.
    pub at: String,
    pub what: String,
    /// `REF = VALUE` per factor.
    pub factors_before: Vec<String>,
    pub factors_after: Vec<String>,
    /// The entry's lines (rows of lines.csv) that read a changed value or give another value.
    pub lines: Vec<RegisterLineJson>,
}

/// One changed register line: the figure it feeds, the published values that differ (only
/// those), and its value before and after (absent where one side has no such line).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RegisterLineJson {
    pub figure: String,
    pub year: i32,
    pub unit: &'static str,
    /// `REF = VALUE` read before and not after.
    pub factors_before: Vec<String>,
    /// `REF = VALUE` read after and not before.
    pub factors_after: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub delta: Option<String>,
}

/// One figure before and after.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct FigureChangeJson {
    pub name: String,
    pub year: i32,
    pub unit: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
    pub delta: Option<String>,
    pub delta_pct: Option<String>,
}

/// The base-year verdict.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct VerdictJson {
    pub base_year: i32,
    pub figure: String,
    pub threshold_pct: String,
    pub before: String,
    pub after: String,
    pub change_pct: Option<String>,
    pub significant: bool,
    pub sentence: String,
}
