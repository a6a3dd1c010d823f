//! Recomputing any year: the base-year restatement for structural changes of the boundary
//! (`restate`), breakdowns of figures by facility, country or tag (`groups`), and intensity
//! denominators (`metrics`).

pub mod groups;
pub mod metrics;
pub mod restate;

pub use groups::{group_key, GroupBy};
pub use restate::{Move, Restatement, Structure};
