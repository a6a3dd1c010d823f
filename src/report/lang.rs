//! Report languages (English, simplified Chinese) and the presentation of numbers in them.
//! Every label of a disclosure row or a chart is written in both languages where it is
//! defined (a `Text` pair), so that no label can exist in one language only. Numbers are
//! rounded here for reading only; the exact value travels beside them.

use crate::decimal::{group_thousands, RoundingRule};
use rust_decimal::Decimal;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (zh-CN).
    Zh,
}

impl Lang {
    /// The BCP 47 tag (`en`, `zh-CN`), for the HTML `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

/// Builds a [`Text`] from its English and Chinese wording.
pub const fn t(en: &'static str, zh: &'static str) -> Text {
    Text { en, zh }
}

impl Text {
    /// The wording in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// How numbers are written for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// Thousands grouped with commas: `309,086.7`.
    #[default]
    Grouped,
    /// Chinese large-number units for values of 10 000 and more: `30.91万`, `1.20亿`.
    WanYi,
}

/// Decimal places shown for a unit.
pub fn places(unit: &str) -> u32 {
    match unit {
        "t CO2e/MWh" => 4,
        "%" => 2,
        _ => 1,
    }
}

/// A value rounded for reading under `rule`, in `style`.
///
/// ```
/// use carbonledger::decimal::RoundingRule;
/// use carbonledger::report::lang::{present, NumberStyle};
/// use rust_decimal::Decimal;
/// let v: Decimal = "309086.700195".parse().unwrap();
/// assert_eq!(present(v, "t CO2e", RoundingRule::HalfAwayFromZero, NumberStyle::Grouped), "309,086.7");
/// assert_eq!(present(v, "t CO2e", RoundingRule::HalfAwayFromZero, NumberStyle::WanYi), "30.91万");
/// let big: Decimal = "123456789".parse().unwrap();
/// assert_eq!(present(big, "MWh", RoundingRule::HalfAwayFromZero, NumberStyle::WanYi), "1.23亿");
/// ```
pub fn present(v: Decimal, unit: &str, rule: RoundingRule, style: NumberStyle) -> String {
    if style == NumberStyle::WanYi {
        // Dividing by a power of ten only moves the decimal point: exact.
        let abs = v.abs();
        let wan = Decimal::from(10_000);
        let yi = Decimal::from(100_000_000);
        if abs >= yi {
            let mut s = v;
            if s.set_scale(s.scale() + 8).is_ok() {
                return format!("{}亿", group_thousands(&rule.round(s, 2).to_string()));
            }
        } else if abs >= wan {
            let mut s = v;
            if s.set_scale(s.scale() + 4).is_ok() {
                return format!("{}万", rule.round(s, 2));
            }
        }
    }
    group_thousands(&rule.round(v, places(unit)).to_string())
}
