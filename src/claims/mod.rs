//! Published claims and their verification: `claims.toml` read into claims (`file`), each
//! printed number read with its qualifier, precision and unit (`printed`, `unit`), the wording
//! turned into the interval of values it allows (`relation`), and each check compared with the
//! computed figure (`eval`). Exact decimal arithmetic throughout; nothing here prints.
//!
//! The semantics, in one place (tested in `tests/claims.rs`): "约8,000" (about, trailing zeros
//! of an integer count as rounding) allows 7,500 ≤ x < 8,500; "超54,000" (over) needs
//! x > 54,000; "↓7%" (down_by, a change in %) allows −7.5 < x ≤ −6.5; "2.64万吨" allows
//! 26,350 ≤ x < 26,450 t. Every interval of a rounded number is the set of values that round
//! to it half away from zero, hence closed at the end nearer zero and open at the other.

mod eval;
mod file;
mod printed;
mod relation;
mod unit;

pub use eval::{
    evaluate, evaluate_claim, figure_problems, CheckResult, ClaimResult, Converted, FigureSource,
    Missing, PublishedFactor, Status, Value,
};
pub use file::{parse_claims, Check, Claim, ClaimsFile, Measure};
pub use printed::{Printed, PrintedError};
pub use relation::{allowed, target, Bound, Interval, Relation};
pub use unit::{ClaimUnit, ClaimUnitError};

/// The file name of a project's claims.
pub const CLAIMS_FILE: &str = "claims.toml";
