//! The audit workflow: what a single factor change does to every line, entry and figure
//! (`diff`, computed fast by `reprice`), and how a year-on-year change splits into activity,
//! energy-mix and factor-edition effects (`bridge`). Nothing here prints.

mod bridge;
mod change;
mod diff;
mod rational;
mod register_bridge;
mod reprice;

pub use bridge::{
    bridge, bridge_rows, edition_effect, edition_sentence, label, previous_editions, shapley2,
    shapley3, Bridge, BridgeError, BridgeRow, Effect, Split, EFFECTS, EFFECT_DP,
};

pub use change::{Change, ChangeError};
pub use diff::{
    chain_changes, change_words, changed_lines, diff, diff_against, entry_changes, figure_changes,
    ledgers, line_factors, pct_change, signed_pct, verdict, After, ChainChange, Diff, DiffError,
    EntryChange, FigureChange, LineChange, RegisterLineChange, Verdict, TOTAL_FIGURES,
};
pub use rational::{apportion, Ratio};
pub use register_bridge::{register_splits, RegisterSplit, REGISTER_EFFECTS};
pub use reprice::{factors_differ, reprice, reprice_or_recompute, Method};
