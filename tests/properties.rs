//! Invariants, checked on generated inputs: parsing round-trips, exact products, and totals
//! that do not depend on the order or grouping of rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use carbonledger::calc::{Accum, Line};
use carbonledger::decimal::{add, mul, parse_amount};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s))
}

fn line(v: Decimal) -> Line {
    let mut gases = [Decimal::ZERO; carbonledger::calc::MAX_GASES];
    gases[0] = v;
    gases[1] = v;
    Line {
        energy_j: Some(v),
        tce_kgce: Some(v),
        gas_kg: gases,
        gas_co2e_kg: gases,
        co2e_kg: v,
        exact: true,
        exact_energy: true,
        exact_tce: true,
    }
}

proptest! {
    #[test]
    fn parse_display_roundtrip(x in amount()) {
        prop_assert_eq!(parse_amount(&x.to_string()).unwrap(), x);
    }

    /// Products of realistic values are exact: checked against i128 arithmetic on mantissas.
    #[test]
    fn products_are_exact(a in amount(), b in amount()) {
        let p = mul(a, b).unwrap();
        let exact = a.mantissa() * b.mantissa();
        prop_assert_eq!(p, Decimal::from_i128_with_scale(exact, a.scale() + b.scale()));
    }

    /// Summing lines in any order, or in two halves merged afterwards, gives the same totals.
    #[test]
    fn totals_do_not_depend_on_order_or_grouping(values in proptest::collection::vec(amount(), 1..60), split in 0usize..60) {
        let mut forward = Accum::default();
        for v in &values { forward.add_line(&line(*v)).unwrap(); }
        let mut backward = Accum::default();
        for v in values.iter().rev() { backward.add_line(&line(*v)).unwrap(); }
        let k = split.min(values.len());
        let (mut left, mut right) = (Accum::default(), Accum::default());
        for v in &values[..k] { left.add_line(&line(*v)).unwrap(); }
        for v in &values[k..] { right.add_line(&line(*v)).unwrap(); }
        left.merge(&right).unwrap();
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(&forward, &left);
        let total = values.iter().fold(Decimal::ZERO, |t, v| add(t, *v).unwrap());
        prop_assert_eq!(forward.co2e_kg, total);
    }
}

mod folded_plan {
    use super::*;
    use carbonledger::calc::{calculate, calculate_stepwise, compute, RunOptions};
    use carbonledger::project::Project;
    use carbonledger::units::AnyQty;

    /// The folded plan of every chain of the reference fixture gives exactly the stepwise
    /// result (activity → energy → gas → CO2e → share) for any quantity.
    #[test]
    fn plan_equals_stepwise_on_fixture_chains() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/xiaomi-2025");
        let p = Project::open(&dir).unwrap();
        let c = compute(&p, RunOptions::default()).unwrap();
        let mut runner = proptest::test_runner::TestRunner::default();
        for chain in &c.chains {
            assert!(chain.plan.is_some(), "every fixture chain folds");
            runner
                .run(&amount(), |q| {
                    let base = mul(q, chain.activity_unit.scale).unwrap();
                    let folded = calculate(q, chain).unwrap();
                    let stepwise = calculate_stepwise(
                        AnyQty {
                            kind: chain.activity_kind,
                            base,
                        },
                        chain,
                    )
                    .unwrap();
                    if stepwise.exact && stepwise.exact_energy && stepwise.exact_tce {
                        prop_assert_eq!(folded, stepwise);
                    } else {
                        prop_assert_eq!(folded.co2e_kg.round_dp(6), stepwise.co2e_kg.round_dp(6));
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
}
