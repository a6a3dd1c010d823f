//! Units as data: every symbol and alias we accept (including the Chinese forms in Chinese
//! exports), each with its dimension and exact scale to the base unit. This is the only place
//! where a unit written as text becomes a typed unit.
//!
//! Where a scale is a legal definition rather than a power of ten it says so: the
//! international-table calorie and Btu, the international pound, US gallon and barrel, the
//! statute and nautical mile. `tests/units_conformance.rs` checks every scale that uom also
//! defines against uom's own definition.

use super::dim::{
    Co2e, CoalEquivalent, Dim, DimKind, Distance, Energy, GasMass, Mass, MassDistance, Ratio,
    TeuDistance, Volume,
};
use super::qty::Unit;
use rust_decimal::{dec, Decimal};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// One unit: canonical symbol, dimension, exact scale, accepted aliases and where the scale comes from.
#[derive(Debug, Clone, Copy)]
pub struct UnitDef {
    /// Canonical symbol, used in every output.
    pub symbol: &'static str,
    /// Dimension.
    pub kind: DimKind,
    /// Base units per one of this unit, exact.
    pub scale: Decimal,
    /// Other spellings accepted on input (Chinese forms, long names).
    pub aliases: &'static [&'static str],
    /// Where the scale comes from, when it is not a plain SI prefix.
    pub source: &'static str,
}

macro_rules! unit_consts {
    ($($(#[$doc:meta])* $name:ident: $dim:ty = $sym:literal, $scale:expr;)*) => {$(
        $(#[$doc])*
        pub const $name: Unit<$dim> = Unit::new($sym, $scale);
    )*};
}

unit_consts! {
    /// joule
    J: Energy = "J", dec!(1);
    /// kilojoule
    KJ: Energy = "kJ", dec!(1000);
    /// megajoule
    MJ: Energy = "MJ", dec!(1000000);
    /// gigajoule
    GJ: Energy = "GJ", dec!(1000000000);
    /// terajoule
    TJ: Energy = "TJ", dec!(1000000000000);
    /// kilowatt-hour
    KWH: Energy = "kWh", dec!(3600000);
    /// megawatt-hour
    MWH: Energy = "MWh", dec!(3600000000);
    /// gigawatt-hour
    GWH: Energy = "GWh", dec!(3600000000000);
    /// 万千瓦时: ten thousand kWh
    WAN_KWH: Energy = "万kWh", dec!(36000000000);
    /// kilogram
    KG: Mass = "kg", dec!(1);
    /// tonne
    T: Mass = "t", dec!(1000);
    /// cubic metre
    M3: Volume = "m3", dec!(1);
    /// litre
    L: Volume = "L", dec!(0.001);
    /// kilometre
    KM: Distance = "km", dec!(1000);
    /// tonne-kilometre
    TKM: MassDistance = "tkm", dec!(1000000);
    /// TEU-kilometre
    TEUKM: TeuDistance = "TEUkm", dec!(1000);
    /// kilogram of standard coal equivalent
    KGCE: CoalEquivalent = "kgce", dec!(1);
    /// tonne of standard coal equivalent
    TCE: CoalEquivalent = "tce", dec!(1000);
    /// kilogram CO2-equivalent
    KG_CO2E: Co2e = "kg", dec!(1);
    /// tonne CO2-equivalent
    T_CO2E: Co2e = "t", dec!(1000);
    /// kilogram of a named gas
    KG_GAS: GasMass = "kg", dec!(1);
    /// tonne of a named gas
    T_GAS: GasMass = "t", dec!(1000);
    /// percent
    PERCENT: Ratio = "%", dec!(0.01);
    /// a pure number
    ONE: Ratio = "1", dec!(1);
}

/// The unit table. Order is the order of `carbonledger units` style listings.
pub static UNITS: &[UnitDef] = &[
    // energy, base J
    UnitDef { symbol: "J", kind: DimKind::Energy, scale: dec!(1), aliases: &["joule", "焦", "焦耳"], source: "SI" },
    UnitDef { symbol: "kJ", kind: DimKind::Energy, scale: dec!(1000), aliases: &["千焦"], source: "SI" },
    UnitDef { symbol: "MJ", kind: DimKind::Energy, scale: dec!(1000000), aliases: &["兆焦"], source: "SI" },
    UnitDef { symbol: "GJ", kind: DimKind::Energy, scale: dec!(1000000000), aliases: &["吉焦", "gigajoule"], source: "SI" },
    UnitDef { symbol: "TJ", kind: DimKind::Energy, scale: dec!(1000000000000), aliases: &["太焦", "terajoule"], source: "SI" },
    UnitDef { symbol: "Wh", kind: DimKind::Energy, scale: dec!(3600), aliases: &["瓦时"], source: "1 W × 3600 s" },
    UnitDef { symbol: "kWh", kind: DimKind::Energy, scale: dec!(3600000), aliases: &["千瓦时", "度", "kW·h", "kW h", "kilowatt hour", "kilowatt hours"], source: "1 kW × 3600 s" },
    UnitDef { symbol: "MWh", kind: DimKind::Energy, scale: dec!(3600000000), aliases: &["兆瓦时", "MW·h", "megawatt hour", "megawatt hours"], source: "1 MW × 3600 s" },
    UnitDef { symbol: "GWh", kind: DimKind::Energy, scale: dec!(3600000000000), aliases: &["吉瓦时", "GW·h", "百万千瓦时"], source: "1 GW × 3600 s" },
    UnitDef { symbol: "万kWh", kind: DimKind::Energy, scale: dec!(36000000000), aliases: &["万千瓦时", "万度"], source: "10^4 kWh" },
    UnitDef { symbol: "亿kWh", kind: DimKind::Energy, scale: dec!(360000000000000), aliases: &["亿千瓦时", "亿度"], source: "10^8 kWh" },
    UnitDef { symbol: "kcal", kind: DimKind::Energy, scale: dec!(4186.8), aliases: &["千卡"], source: "international-table calorie: 1 cal_IT = 4.1868 J (5th International Conference on the Properties of Steam, 1956)" },
    UnitDef { symbol: "MMBtu", kind: DimKind::Energy, scale: dec!(1055055852.62), aliases: &["mmBtu", "MMBTU"], source: "international-table Btu: 1 Btu_IT = 1055.05585262 J" },
    // mass, base kg
    UnitDef { symbol: "g", kind: DimKind::Mass, scale: dec!(0.001), aliases: &["克", "gram", "grams"], source: "SI" },
    UnitDef { symbol: "kg", kind: DimKind::Mass, scale: dec!(1), aliases: &["千克", "公斤", "kilogram", "kilograms"], source: "SI" },
    UnitDef { symbol: "t", kind: DimKind::Mass, scale: dec!(1000), aliases: &["吨", "tonne", "tonnes", "metric ton"], source: "1 t = 1000 kg" },
    UnitDef { symbol: "kt", kind: DimKind::Mass, scale: dec!(1000000), aliases: &["千吨"], source: "10^3 t" },
    UnitDef { symbol: "万t", kind: DimKind::Mass, scale: dec!(10000000), aliases: &["万吨"], source: "10^4 t" },
    UnitDef { symbol: "Mt", kind: DimKind::Mass, scale: dec!(1000000000), aliases: &["百万吨"], source: "10^6 t" },
    UnitDef { symbol: "lb", kind: DimKind::Mass, scale: dec!(0.45359237), aliases: &["pound", "pounds", "lbs"], source: "international pound: 1 lb = 0.45359237 kg (1959 agreement)" },
    UnitDef { symbol: "short ton", kind: DimKind::Mass, scale: dec!(907.18474), aliases: &["short tons", "sh tn", "ton (US)"], source: "US short ton: 2000 international pounds = 907.18474 kg" },
    // volume, base m3
    UnitDef { symbol: "m3", kind: DimKind::Volume, scale: dec!(1), aliases: &["m³", "立方米", "方", "Nm3", "Nm³", "标准立方米", "标方"], source: "SI; Nm3 is a volume at reference conditions, read as m3 at the reference conditions of the factor applied" },
    UnitDef { symbol: "万m3", kind: DimKind::Volume, scale: dec!(10000), aliases: &["万立方米", "万m³", "万Nm3", "万Nm³", "万标准立方米", "万方"], source: "10^4 m3" },
    UnitDef { symbol: "L", kind: DimKind::Volume, scale: dec!(0.001), aliases: &["l", "升", "litre", "litres", "liter", "liters"], source: "1 L = 1 dm3 (CGPM 1964)" },
    UnitDef { symbol: "kL", kind: DimKind::Volume, scale: dec!(1), aliases: &["千升"], source: "10^3 L" },
    UnitDef { symbol: "gal", kind: DimKind::Volume, scale: dec!(0.003785411784), aliases: &["US gal", "gallon", "gallons"], source: "US liquid gallon: 231 in3 = 0.003785411784 m3" },
    UnitDef { symbol: "bbl", kind: DimKind::Volume, scale: dec!(0.158987294928), aliases: &["barrel", "barrels"], source: "oil barrel: 42 US gal = 0.158987294928 m3" },
    UnitDef { symbol: "scf", kind: DimKind::Volume, scale: dec!(0.028316846592), aliases: &["standard cubic foot", "standard cubic feet"], source: "cubic foot: 0.3048^3 m3 = 0.028316846592 m3 (international foot, 1959); scf is a volume at reference conditions, read as ft3 at the reference conditions of the factor applied (US EPA: 60 degF, 14.7 psia)" },
    // distance, base m
    UnitDef { symbol: "m", kind: DimKind::Distance, scale: dec!(1), aliases: &["米", "metre", "meter"], source: "SI" },
    UnitDef { symbol: "km", kind: DimKind::Distance, scale: dec!(1000), aliases: &["公里", "千米", "kilometre", "kilometer", "kilometres", "kilometers"], source: "SI" },
    UnitDef { symbol: "mi", kind: DimKind::Distance, scale: dec!(1609.344), aliases: &["mile", "miles"], source: "international statute mile: 1609.344 m" },
    UnitDef { symbol: "nmi", kind: DimKind::Distance, scale: dec!(1852), aliases: &["NM", "nautical mile", "nautical miles", "海里"], source: "international nautical mile: 1852 m" },
    // transport activity, base kg·m
    UnitDef { symbol: "tkm", kind: DimKind::MassDistance, scale: dec!(1000000), aliases: &["t·km", "t-km", "t km", "吨公里", "tonne-km"], source: "1 t × 1 km" },
    UnitDef { symbol: "kgkm", kind: DimKind::MassDistance, scale: dec!(1000), aliases: &["kg·km", "kg-km"], source: "1 kg × 1 km" },
    // container transport activity, base TEU·m (a per-TEU-km intensity needs a cargo mass per TEU to meet tkm)
    UnitDef { symbol: "TEUkm", kind: DimKind::TeuDistance, scale: dec!(1000), aliases: &["TEU·km", "TEU-km", "TEU km"], source: "1 twenty-foot equivalent unit × 1 km" },
    // standard-coal equivalent, base kgce (GB/T 2589: 1 kgce has a net calorific value of 29307 kJ)
    UnitDef { symbol: "kgce", kind: DimKind::CoalEquivalent, scale: dec!(1), aliases: &["千克标准煤", "千克标煤", "kg ce"], source: "GB/T 2589-2020: kilogram of standard coal equivalent" },
    UnitDef { symbol: "tce", kind: DimKind::CoalEquivalent, scale: dec!(1000), aliases: &["吨标准煤", "吨标煤", "t ce"], source: "1000 kgce" },
    UnitDef { symbol: "万tce", kind: DimKind::CoalEquivalent, scale: dec!(10000000), aliases: &["万吨标准煤", "万吨标煤"], source: "10^4 tce" },
    // ratios
    UnitDef { symbol: "%", kind: DimKind::Ratio, scale: dec!(0.01), aliases: &["percent", "pct"], source: "1/100" },
    UnitDef { symbol: "1", kind: DimKind::Ratio, scale: dec!(1), aliases: &["fraction"], source: "pure number" },
    // passenger transport, base passenger·m
    UnitDef { symbol: "pkm", kind: DimKind::PassengerDistance, scale: dec!(1000), aliases: &["passenger.km", "passenger-km", "passenger km", "p.km", "人公里"], source: "1 passenger × 1 km" },
    // hotel stays, items
    UnitDef { symbol: "room_night", kind: DimKind::RoomNight, scale: dec!(1), aliases: &["room-night", "room night", "room nights", "room per night", "间夜"], source: "one room for one night" },
    UnitDef { symbol: "item", kind: DimKind::Count, scale: dec!(1), aliases: &["items", "pcs", "件"], source: "one item" },
    // area, base m2
    UnitDef { symbol: "m2", kind: DimKind::Area, scale: dec!(1), aliases: &["m²", "平方米", "sqm"], source: "SI" },
    UnitDef { symbol: "ft2", kind: DimKind::Area, scale: dec!(0.09290304), aliases: &["ft²", "sq ft"], source: "square foot: 0.3048^2 m2 = 0.09290304 m2 (international foot, 1959)" },
    // money: ISO 4217 codes, each its own unit, never converted into another
    UnitDef { symbol: "GBP", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 pound sterling" },
    UnitDef { symbol: "USD", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 US dollar" },
    UnitDef { symbol: "EUR", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 euro" },
    UnitDef { symbol: "CNY", kind: DimKind::Money, scale: dec!(1), aliases: &["RMB"], source: "ISO 4217 renminbi yuan" },
    UnitDef { symbol: "JPY", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 yen" },
    UnitDef { symbol: "AUD", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 Australian dollar" },
    UnitDef { symbol: "HKD", kind: DimKind::Money, scale: dec!(1), aliases: &[], source: "ISO 4217 Hong Kong dollar" },
];

/// A unit whose dimension is known only at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyUnit {
    /// Dimension.
    pub kind: DimKind,
    /// Canonical symbol.
    pub symbol: &'static str,
    /// Base units per one of this unit.
    pub scale: Decimal,
    /// Position in `UNITS`, a compact identity.
    pub index: u16,
}

impl AnyUnit {
    /// Narrows to a typed unit of `D`, or reports a dimension mismatch.
    pub fn typed<D: Dim>(self) -> Result<Unit<D>, UnitError> {
        if self.kind == D::KIND {
            Ok(Unit::new(self.symbol, self.scale))
        } else {
            Err(UnitError::Mismatch {
                input: self.symbol.to_string(),
                expected: vec![D::KIND],
                found: self.kind,
            })
        }
    }
}

/// Why a unit text was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// Not in the table.
    #[error("unknown unit `{input}`")]
    Unknown {
        /// The text given.
        input: String,
        /// The closest known unit, if one is close.
        suggestion: Option<&'static str>,
    },
    /// Known, but of the wrong dimension for where it is used.
    #[error("unit `{input}` is {found}, expected {}", expected.iter().map(|k| k.name()).collect::<Vec<_>>().join(" or "))]
    Mismatch {
        /// The text given.
        input: String,
        /// The dimensions allowed here.
        expected: Vec<DimKind>,
        /// The dimension of the unit given.
        found: DimKind,
    },
    /// A factor unit not of the form `<unit> [gas]/<unit>`.
    #[error("factor unit `{input}`: {reason}")]
    BadFactorUnit {
        /// The text given.
        input: String,
        /// What is wrong.
        reason: String,
    },
}

impl UnitError {
    /// A suggestion for the user, if there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            UnitError::Unknown {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            UnitError::Unknown {
                suggestion: None, ..
            } => Some("see the unit table in README.md (`Units`)".to_string()),
            UnitError::Mismatch { expected, .. } => Some(format!(
                "this column takes a unit of {}",
                expected
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
            UnitError::BadFactorUnit { .. } => {
                Some("write factor units as `kg CO2/kWh`, `kg CH4/TJ`, `GJ/t`".to_string())
            }
        }
    }
}

fn index() -> &'static FxHashMap<&'static str, usize> {
    static INDEX: OnceLock<FxHashMap<&'static str, usize>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = FxHashMap::default();
        for (i, u) in UNITS.iter().enumerate() {
            m.insert(u.symbol, i);
            for a in u.aliases {
                m.insert(*a, i);
            }
        }
        m
    })
}

/// Looks up a unit by symbol or alias. Matching is exact (case matters: MWh and mWh differ by
/// 10^9); a case-insensitive or near match is only ever offered as a suggestion.
///
/// ```
/// use carbonledger::units::{lookup, DimKind, UnitError};
/// assert_eq!(lookup("万千瓦时").unwrap().symbol, "万kWh");
/// assert_eq!(lookup("吨标准煤").unwrap().kind, DimKind::CoalEquivalent);
/// assert!(matches!(lookup("kwh"), Err(UnitError::Unknown { suggestion: Some("kWh"), .. })));
/// ```
pub fn lookup(text: &str) -> Result<AnyUnit, UnitError> {
    let s = crate::text::trim(text);
    match index().get(s) {
        Some(&i) => {
            let u = &UNITS[i];
            Ok(AnyUnit {
                kind: u.kind,
                symbol: u.symbol,
                scale: u.scale,
                index: u16::try_from(i).unwrap_or(u16::MAX),
            })
        }
        None => Err(UnitError::Unknown {
            input: s.to_string(),
            suggestion: suggest(s),
        }),
    }
}

/// Looks up a unit and requires one of the given dimensions.
pub fn lookup_kind(text: &str, allowed: &[DimKind]) -> Result<AnyUnit, UnitError> {
    let u = lookup(text)?;
    if allowed.contains(&u.kind) {
        Ok(u)
    } else {
        Err(UnitError::Mismatch {
            input: text.trim().to_string(),
            expected: allowed.to_vec(),
            found: u.kind,
        })
    }
}

/// A symbol or alias, lower-cased once, as characters, with its entry.
struct Lowered {
    text: String,
    chars: Vec<char>,
    name: &'static str,
    index: usize,
}

/// Every symbol and alias, lower-cased once, sorted by name.
fn lowered() -> &'static [Lowered] {
    static LOWERED: OnceLock<Vec<Lowered>> = OnceLock::new();
    LOWERED.get_or_init(|| {
        let mut v: Vec<_> = index()
            .iter()
            .map(|(name, &i)| {
                let text = name.to_lowercase();
                Lowered {
                    chars: text.chars().collect(),
                    text,
                    name,
                    index: i,
                }
            })
            .collect();
        v.sort_unstable_by(|a, b| a.name.cmp(b.name));
        v
    })
}

fn suggest(s: &str) -> Option<&'static str> {
    let lower = s.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let limit = if s.chars().count() <= 3 { 1 } else { 2 };
    // Two rows of the distance table, reused for every unit compared.
    let mut rows = (Vec::new(), Vec::new());
    // The best is the least (distance, reached through an alias, symbol): the same whatever
    // the order of the table.
    let mut best: Option<(usize, bool, &'static str)> = None;
    for u in lowered() {
        // The edit distance is at least the difference in length: a text much longer than
        // every unit (a whole sentence in a unit column) is compared in O(1) per unit.
        if u.chars.len().abs_diff(chars.len()) > limit {
            continue;
        }
        let d = if u.text == lower {
            Some(0)
        } else {
            edit_distance_within(&chars, &u.chars, limit, &mut rows)
        };
        if let Some(d) = d {
            let sym = UNITS[u.index].symbol;
            let candidate = (d, sym != u.name, sym);
            if best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
    }
    best.map(|(_, _, s)| s)
}

/// The edit distance of `a` and `b` if it is at most `limit`, else `None`; stops as soon as
/// every entry of a row of the table passes the limit (no later row can come back under it).
fn edit_distance_within(
    a: &[char],
    b: &[char],
    limit: usize,
    (prev, cur): &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    prev.clear();
    prev.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        cur.clear();
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let v = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur.push(v);
        }
        if cur.iter().all(|&v| v > limit) {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

/// A factor's unit, parsed: numerator (with its gas, if any) per denominator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorUnit {
    /// Numerator unit. Its kind is `GasMass` or `Co2e` when a gas is named, else the unit's own.
    pub num: AnyUnit,
    /// The gas named in the numerator (`CO2`, `CH4`, `N2O`, `CO2e`), if any.
    pub gas: Option<String>,
    /// Denominator unit.
    pub den: AnyUnit,
}

impl FactorUnit {
    /// Canonical text, e.g. `kg CO2/kWh`.
    pub fn to_text(&self) -> String {
        match &self.gas {
            Some(g) => format!("{} {}/{}", self.num.symbol, g, self.den.symbol),
            None => format!("{}/{}", self.num.symbol, self.den.symbol),
        }
    }
}

/// Parses a factor unit such as `kg CO2/kWh`, `t CO2/MWh`, `kg CH4/TJ`, `GJ/t`, `kgce/kWh`.
///
/// ```
/// use carbonledger::units::{parse_factor_unit, DimKind};
/// let u = parse_factor_unit("kg CH4/TJ").unwrap();
/// assert_eq!((u.num.kind, u.gas.as_deref(), u.den.symbol), (DimKind::GasMass, Some("CH4"), "TJ"));
/// assert_eq!(parse_factor_unit("t CO2e/MWh").unwrap().num.kind, DimKind::Co2e);
/// ```
pub fn parse_factor_unit(text: &str) -> Result<FactorUnit, UnitError> {
    let bad = |reason: &str| UnitError::BadFactorUnit {
        input: text.to_string(),
        reason: reason.to_string(),
    };
    let (num_text, den_text) = text
        .rsplit_once('/')
        .ok_or_else(|| bad("no `/` between numerator and denominator"))?;
    let den = lookup(den_text)?;
    let mut parts = num_text.split_whitespace();
    let unit_text = parts.next().ok_or_else(|| bad("empty numerator"))?;
    let gas = parts.next().map(str::to_string);
    if parts.next().is_some() {
        return Err(bad("numerator must be `<unit>` or `<unit> <gas>`"));
    }
    let mut num = lookup(unit_text)?;
    if let Some(g) = &gas {
        if num.kind != DimKind::Mass {
            return Err(bad("a gas must follow a mass unit (`kg CO2`)"));
        }
        num.kind = if g == "CO2e" {
            DimKind::Co2e
        } else {
            DimKind::GasMass
        };
    }
    Ok(FactorUnit { num, gas, den })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(text: &str) -> Option<&'static str> {
        match lookup(text) {
            Err(UnitError::Unknown { suggestion, .. }) => suggestion,
            other => panic!("`{text}` should be unknown: {other:?}"),
        }
    }

    #[test]
    fn near_misses_are_suggested_at_one_or_two_edits() {
        assert_eq!(suggestion("kwh"), Some("kWh"));
        assert_eq!(suggestion("MWH"), Some("MWh"));
        // Two edits from `tonnes` (a 6-letter alias): still suggested, as its symbol.
        assert_eq!(suggestion("tones!"), Some("t"));
        assert_eq!(suggestion("kilogramz"), Some("kg"));
        // Three edits: too far.
        assert_eq!(suggestion("kilogramxyz"), None);
    }

    /// Found by fuzzing (fuzz/ target units_periods ran at ~100 inputs a second): every unknown
    /// unit was compared by edit distance with every symbol and alias, in time proportional to
    /// its length, so a long text in a unit column cost milliseconds per row. Texts longer
    /// than any unit by more than the edit limit are now skipped before the comparison; the
    /// answer is the same, since the distance is at least the difference in length.
    #[test]
    fn a_long_unknown_unit_has_no_suggestion() {
        let long = "kWh ".repeat(5000);
        assert_eq!(suggestion(&format!("x{long}")), None);
        assert_eq!(suggestion(&"度".repeat(4)), None);
    }

    /// The bounded distance with early exit equals the full Wagner–Fischer distance whenever
    /// that is within the limit, and is `None` otherwise (checked on every pair of a few
    /// words, by hand-picked cases and against the full table).
    #[test]
    fn the_bounded_distance_agrees_with_the_full_table() {
        fn full(a: &[char], b: &[char]) -> usize {
            let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in t.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in t[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let c = usize::from(a[i - 1] != b[j - 1]);
                    t[i][j] = (t[i - 1][j - 1] + c)
                        .min(t[i - 1][j] + 1)
                        .min(t[i][j - 1] + 1);
                }
            }
            t[a.len()][b.len()]
        }
        let words = [
            "",
            "kwh",
            "kWh",
            "mwh",
            "tonnes",
            "tones!",
            "t",
            "万千瓦时",
            "万kwh",
            "gj",
            "kgce",
            "abc",
        ];
        let mut rows = (Vec::new(), Vec::new());
        for a in words {
            for b in words {
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for limit in 0..4 {
                    let d = full(&a, &b);
                    let want = (d <= limit).then_some(d);
                    assert_eq!(
                        edit_distance_within(&a, &b, limit, &mut rows),
                        want,
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
        assert_eq!(
            edit_distance_within(&['k', 'w', 'h'], &['k', 'W', 'h'], 1, &mut rows),
            Some(1)
        );
    }
}
