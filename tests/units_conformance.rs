//! uom's honest place: every scale in our unit table that uom also defines is checked against
//! uom's own definition. uom holds f64 coefficients, so this file is a declared float boundary
//! (a test, never on the path from input to figure). Where uom's literal is a truncation of
//! the legal definition we ship, the unit is on a named allow-list with both values.
#![allow(
    clippy::disallowed_types,
    clippy::float_arithmetic,
    clippy::unwrap_used
)]

use carbonledger::units::{lookup, UNITS};
use rust_decimal::Decimal;
use std::str::FromStr;
use uom::si::f64::{Energy, Length, Mass, Volume};
use uom::si::{energy, length, mass, volume};

/// The base-unit value of one of our units according to uom, as a decimal (shortest f64 repr).
fn uom_scale(symbol: &str) -> Option<f64> {
    Some(match symbol {
        "J" => Energy::new::<energy::joule>(1.0).get::<energy::joule>(),
        "kJ" => Energy::new::<energy::kilojoule>(1.0).get::<energy::joule>(),
        "MJ" => Energy::new::<energy::megajoule>(1.0).get::<energy::joule>(),
        "GJ" => Energy::new::<energy::gigajoule>(1.0).get::<energy::joule>(),
        "TJ" => Energy::new::<energy::terajoule>(1.0).get::<energy::joule>(),
        "Wh" => Energy::new::<energy::watt_hour>(1.0).get::<energy::joule>(),
        "kWh" => Energy::new::<energy::kilowatt_hour>(1.0).get::<energy::joule>(),
        "MWh" => Energy::new::<energy::megawatt_hour>(1.0).get::<energy::joule>(),
        "GWh" => Energy::new::<energy::gigawatt_hour>(1.0).get::<energy::joule>(),
        "kcal" => Energy::new::<energy::kilocalorie_it>(1.0).get::<energy::joule>(),
        "MMBtu" => Energy::new::<energy::btu_it>(1.0e6).get::<energy::joule>(),
        "g" => Mass::new::<mass::gram>(1.0).get::<mass::kilogram>(),
        "kg" => Mass::new::<mass::kilogram>(1.0).get::<mass::kilogram>(),
        "t" => Mass::new::<mass::ton>(1.0).get::<mass::kilogram>(),
        "lb" => Mass::new::<mass::pound>(1.0).get::<mass::kilogram>(),
        "short ton" => Mass::new::<mass::ton_short>(1.0).get::<mass::kilogram>(),
        "m3" => Volume::new::<volume::cubic_meter>(1.0).get::<volume::cubic_meter>(),
        "L" => Volume::new::<volume::liter>(1.0).get::<volume::cubic_meter>(),
        "kL" => Volume::new::<volume::kiloliter>(1.0).get::<volume::cubic_meter>(),
        "gal" => Volume::new::<volume::gallon>(1.0).get::<volume::cubic_meter>(),
        "bbl" => Volume::new::<volume::barrel>(1.0).get::<volume::cubic_meter>(),
        "scf" => Volume::new::<volume::cubic_foot>(1.0).get::<volume::cubic_meter>(),
        "m" => Length::new::<length::meter>(1.0).get::<length::meter>(),
        "km" => Length::new::<length::kilometer>(1.0).get::<length::meter>(),
        "mi" => Length::new::<length::mile>(1.0).get::<length::meter>(),
        "nmi" => Length::new::<length::nautical_mile>(1.0).get::<length::meter>(),
        _ => return None,
    })
}

/// Units whose uom literal is truncated: (symbol, uom's value, our exact legal definition).
const TRUNCATED_IN_UOM: [(&str, &str, &str); 6] = [
    ("MMBtu", "1055056000", "1055055852.62"), // uom btu_it 1055.056 J; Btu_IT = 1055.05585262 J
    ("lb", "0.4535924", "0.45359237"),        // international pound, 1959 agreement
    ("gal", "0.003785412", "0.003785411784"), // US gallon = 231 in³
    ("bbl", "0.1589873", "0.158987294928"),   // oil barrel = 42 US gal
    ("short ton", "907.1847", "907.18474"),   // 2000 lb
    ("scf", "0.02831685", "0.028316846592"),  // cubic foot = 0.3048^3 m3
];

#[test]
fn every_shared_unit_matches_uom_or_is_a_named_truncation() {
    let mut checked = 0;
    for u in UNITS {
        let Some(f) = uom_scale(u.symbol) else {
            continue;
        };
        // Shortest round-trip representation recovers uom's source literal.
        let uom = Decimal::from_str(&format!("{f}"))
            .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
            .unwrap()
            .normalize();
        match TRUNCATED_IN_UOM.iter().find(|(s, _, _)| *s == u.symbol) {
            Some((_, uom_value, ours)) => {
                assert_eq!(
                    uom,
                    Decimal::from_str(uom_value).unwrap().normalize(),
                    "{}: uom changed its literal",
                    u.symbol
                );
                assert_eq!(
                    u.scale.normalize(),
                    Decimal::from_str(ours).unwrap().normalize(),
                    "{}",
                    u.symbol
                );
            }
            None => assert_eq!(u.scale.normalize(), uom, "{} differs from uom", u.symbol),
        }
        checked += 1;
    }
    assert_eq!(checked, 26, "every unit uom knows was compared");
}

#[test]
fn chinese_aliases_resolve_to_their_units() {
    for (alias, symbol) in [
        ("千瓦时", "kWh"),
        ("万千瓦时", "万kWh"),
        ("兆瓦时", "MWh"),
        ("吉焦", "GJ"),
        ("吨", "t"),
        ("万吨", "万t"),
        ("吨标准煤", "tce"),
        ("立方米", "m3"),
        ("万立方米", "万m3"),
        ("升", "L"),
        ("吨公里", "tkm"),
    ] {
        assert_eq!(lookup(alias).unwrap().symbol, symbol, "{alias}");
    }
}
