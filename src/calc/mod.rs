//! Calculation: resolve factors into chains (`resolve`), turn each activity row into a line
//! with a pure function (`chain::calculate`), and stream whole files into per-chain sums
//! (`run`). Lines are recomputed, never stored, so memory does not grow with rows.

mod carbon;
mod chain;
mod classes;
mod dedupe;
mod folder;
mod overlap;
mod resolve;
mod run;
mod spec;
mod trace;
mod upstream;

pub use chain::{
    calculate, calculate_stepwise, calculate_terms, Accum, Chain, ChainBody, DayCover, Days,
    EnergyConv, FactorUse, Folded, GasStep, Line, LineError, PerBasis, Plan, SourceKind, Terms,
    UsedFactor, BIOGENIC_CO2, COVER_KINDS, DAY_WORDS, MAX_GASES,
};
pub use classes::FacilityClasses;
pub use resolve::{ResolveError, ResolveOptions, Resolver};
pub use run::{
    compute, compute_from, for_each_line, for_each_line_within, for_each_outside_line,
    input_columns, input_shown, linear_rows, row_identity, shown_name, sum_of, units_of, ChainPlan,
    Computation, FileStats, InputFile, LineVisit, LinearRow, LinearSum, RowChain, RowIdentity,
    RowSource, RunOptions, SourceRow, Window, MAX_SUMMED_ROWS, SUM_SCALE,
};
pub use spec::{ChainSpec, SpecResolver};
pub use trace::{show, trace, trace_kept, Step};
pub use upstream::{cat3_part, Upstream};
