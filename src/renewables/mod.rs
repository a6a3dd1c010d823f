//! Renewables and avoided emissions: on-site solar (`solar.csv`), contractual instruments and
//! market-based scope 2 (`instruments.csv`), and the abatement register (`abatement.csv`).

mod abatement;
mod counterfactual;
mod market;
mod serials;
mod solar;

pub use abatement::COLUMNS as ABATEMENT_COLUMNS;
pub use market::{Kind as InstrumentKind, COLUMNS as INSTRUMENT_COLUMNS};
pub use serials::{parse_serials, Run as SerialRun};
pub use solar::{CARRIER as ONSITE_SOLAR, COLUMNS as SOLAR_COLUMNS};

use crate::register::{Context, Derived, Entry, Report};
use rust_decimal::Decimal;

/// The renewables register: on-site solar, instruments, market-based scope 2.
pub fn register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let mut report = Report::default();
    solar::run(ctx.project, ctx.strict, sink, &mut report);
    market::run(ctx, sink, &mut report);
    report.derived.insert(
        "ghg.total.market".into(),
        Derived::Plus {
            terms: vec!["ghg.scope1".into(), "ghg.scope2.market".into()],
            unit: "t CO2e",
        },
    );
    report.derived.insert(
        "energy.renewable_share".into(),
        Derived::Ratio {
            numerator: "energy.renewable".into(),
            denominator: "energy.total".into(),
            scale: Decimal::ONE_HUNDRED,
            unit: "%",
        },
    );
    report.names = [
        "ghg.scope2.market",
        "ghg.scope2.market.electricity",
        "ghg.total.market",
        "energy.renewable",
        "energy.renewable.onsite_solar",
        "energy.renewable.contractual",
        "energy.renewable_share",
        "energy.by_carrier.onsite_solar",
        "energy.by_carrier_tce.onsite_solar",
        "avoided.onsite_solar",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    report
}

/// The abatement register: energy-saving and abatement projects.
pub fn abatement_register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let mut report = Report::default();
    abatement::run(ctx.project, ctx.strict, sink, &mut report);
    report.names.push("avoided.total".into());
    report.names.push("avoided.expected".into());
    report
}
