//! The core's row classification (`calc::linear_rows`) as the engine's chain UDF, and the
//! engine's per-chain sums back as the core's `LinearSum`: the two crates share no types.

use crate::calc::{LinearRow, LinearSum, RowChain};
use carbonledger_engine::{chain_udf, ChainFn, ChainResolver, ChainRow, ChainSum, ScalarUDF};
use std::sync::Arc;

fn chain_row(r: LinearRow) -> ChainRow {
    ChainRow {
        key: r.key,
        units: r.units,
        scale: r.scale,
        norm_scale: r.norm_scale,
        kind: r.kind,
        mask: r.mask,
    }
}

/// The core's classification as the engine's.
pub fn engine_chain(chain: RowChain) -> ChainFn {
    Arc::new(move |fields: &[&str]| chain(fields).map(chain_row))
}

/// The chain UDF of an embedded run: every context is the one classification (the
/// process that plans is the one that runs).
pub fn local_chain_udf(chain: RowChain) -> ScalarUDF {
    let f = engine_chain(chain);
    let resolver: ChainResolver = Arc::new(move |_| Ok(f.clone()));
    chain_udf(resolver)
}

/// An engine's sum as the core's.
pub fn linear_sum(s: ChainSum) -> LinearSum {
    LinearSum {
        key: s.key,
        kind: s.kind,
        units: s.units,
        rows: s.rows,
        mask: s.mask,
        scale: s.scale,
        norm_scale: s.norm_scale,
    }
}
