//! `verify --format json`: every claim of claims.toml against the computed figures, exact.

/// The whole verification.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct VerifyJson {
    pub schema_version: u32,
    /// The claims file as named in messages.
    pub file: String,
    pub publication: Option<String>,
    pub rounding: RoundingJson,
    /// The default reading of `about`/`约` chosen in claims.toml.
    pub about: String,
    pub claims: Vec<ClaimJson>,
    /// Pairs of claims whose implied factors cannot both hold.
    pub factor_conflicts: Vec<ConflictJson>,
    pub summary: SummaryJson,
}

/// The publisher's rounding rule, and where it was stated.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RoundingJson {
    /// `half_away_from_zero` or `half_even`.
    pub rule: &'static str,
    /// `claims.toml` or `carbonledger.toml`.
    pub from: &'static str,
    pub text: String,
}

/// One claim.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ClaimJson {
    pub id: String,
    pub wording: String,
    pub source: Option<String>,
    /// `consistent`, `restates-input`, `inconsistent` or `not-computed`.
    pub status: String,
    pub checks: Vec<CheckJson>,
    pub published_implied_factor: Option<PublishedFactorJson>,
    pub warnings: Vec<String>,
}

/// One printed number of a claim against its figure.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckJson {
    pub figure: String,
    pub year: i32,
    pub measure: String,
    pub relation: String,
    /// The number as printed.
    pub printed: String,
    pub precision: PrecisionJson,
    pub published: AmountJson,
    pub allowed: IntervalJson,
    pub allowed_in_figure_unit: Option<IntervalJson>,
    pub computed: Option<ComputedJson>,
    pub implied_factor: Option<AmountJson>,
    pub status: String,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub about: String,
    pub rounding: String,
    pub reading: Option<String>,
    /// Where the check is written in claims.toml.
    pub line: u64,
    pub column: usize,
}

/// The precision a printed number carries.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct PrecisionJson {
    pub value: String,
    pub unit: String,
    /// Whether claims.toml states it (otherwise read from the printed digits).
    pub given: bool,
}

/// A value with its unit.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct AmountJson {
    pub value: String,
    pub unit: String,
}

/// A computed figure.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ComputedJson {
    pub value: String,
    pub unit: String,
    pub exact: bool,
}

/// The values a printed number allows; an open end is null.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct IntervalJson {
    pub low: Option<BoundJson>,
    pub high: Option<BoundJson>,
    pub unit: String,
    pub exact: bool,
}

/// One end of an interval.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct BoundJson {
    pub value: String,
    pub inclusive: bool,
}

/// The factor a claim's two printed numbers imply.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct PublishedFactorJson {
    pub figure: String,
    pub published_value: AmountJson,
    pub published_basis: AmountJson,
    pub value: String,
    pub unit: String,
    pub exact: bool,
    pub range: Option<RangeJson>,
}

/// A closed range.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RangeJson {
    pub low: String,
    pub high: String,
}

/// Two claims whose implied factors conflict.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ConflictJson {
    pub claims: Vec<String>,
    pub factors: Vec<ConflictFactorJson>,
}

/// One side of a conflict.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ConflictFactorJson {
    pub figure: String,
    pub value: String,
    pub unit: String,
    pub range: Option<RangeJson>,
}

/// Counts of claims and of checks by status.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct SummaryJson {
    pub claims: usize,
    pub consistent: usize,
    pub restates_input: usize,
    pub inconsistent: usize,
    pub not_computed: usize,
    pub checks: CheckCountsJson,
}

/// Counts of checks by status.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckCountsJson {
    pub checks: usize,
    pub consistent: usize,
    pub restates_input: usize,
    pub inconsistent: usize,
    pub not_computed: usize,
}
