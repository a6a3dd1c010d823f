//! Published claims and their verification: `claims.toml` read into claims (`file`), each
//! printed number read with its qualifier, precision and unit (`printed`, `unit`), the wording
//! turned into the interval of values it allows (`relation`), and each check compared with the
//! computed figure (`eval`). Exact decimal arithmetic throughout; nothing here prints.
//!
//! The semantics, in one place (tested in `tests/claims.rs`): "约8,000" (about, trailing zeros
//! of an integer count as rounding) allows 7,500 ≤ x < 8,500; "超54,000" (over) needs
//! x > 54,000; "↓7%" (down_by, a change in %) allows −7.5 < x ≤ −6.5; "2.64万吨" allows
//! 26,350 ≤ x < 26,450 t. Every interval of a rounded number is the set of values that round
//! to it under the publication's rule (`rounding` in `claims.toml`, else the project's
//! `[rounding]`); half away from zero closes it at the end nearer zero. What 约 means is the
//! file's choice (`about`), by default rounding at the last non-zero digit. A check whose figure
//! is an input restated gets its own verdict, never "consistent" ([`Status::RestatesInput`]),
//! and claims whose printed numbers imply different factors for one counterfactual are found
//! ([`FactorConflict`]).

mod eval;
mod file;
mod printed;
mod relation;
mod unit;

pub use eval::{
    allowed_interval, check_claims, conflict_diagnostics, diagnostics, evaluate, evaluate_claim,
    nearest_figure, verify, CheckResult, ClaimResult, Converted, FactorConflict, FigureSource,
    Missing, PublishedFactor, Status, Value, Verification,
};
pub use file::{parse_claims, About, Check, Claim, ClaimsFile, Measure};
pub use printed::{Printed, PrintedError};
pub use relation::{allowed, allowed_under, band, target, Bound, Interval, Relation};
pub use unit::{ClaimUnit, ClaimUnitError};

/// The file name of a project's claims.
pub const CLAIMS_FILE: &str = "claims.toml";
