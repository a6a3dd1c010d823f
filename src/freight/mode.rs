//! Transport modes: the names accepted in `shipments.csv`, the figure-name form of each, and
//! the key of its default intensity in the freight factor set. No numbers live here.

use super::shipments::DistanceBasis;
use std::fmt;

/// A transport mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Air freight (dedicated freighter or belly).
    Air,
    /// Deep-sea container ship.
    SeaContainer,
    /// Bulk carrier.
    SeaBulk,
    /// Freight train.
    Rail,
    /// Road (heavy goods vehicle).
    Road,
    /// Inland waterway barge.
    InlandWaterway,
}

impl Mode {
    /// Every mode, in report order.
    pub const ALL: [Mode; 6] = [
        Mode::Air,
        Mode::SeaContainer,
        Mode::SeaBulk,
        Mode::Rail,
        Mode::Road,
        Mode::InlandWaterway,
    ];

    /// Parses a mode name (case-insensitive; `-`, space and `_` alike; common synonyms and the
    /// Chinese names of a Chinese export).
    ///
    /// ```
    /// use carbonledger::freight::Mode;
    /// assert_eq!(Mode::parse("Sea container"), Some(Mode::SeaContainer));
    /// assert_eq!(Mode::parse("铁路"), Some(Mode::Rail));
    /// assert_eq!(Mode::parse("sea"), None); // container or bulk must be said
    /// ```
    pub fn parse(text: &str) -> Option<Mode> {
        // The figure-name forms as they are, without the copies that normalise the others.
        if let Some(m) = Mode::ALL.into_iter().find(|m| m.name() == text) {
            return Some(m);
        }
        let t = text.trim().to_lowercase().replace(['-', ' '], "_");
        Some(match t.as_str() {
            "air" | "air_freight" | "空运" | "航空" => Mode::Air,
            "sea_container" | "container_ship" | "container" | "海运" | "集装箱海运" => {
                Mode::SeaContainer
            }
            "sea_bulk" | "bulk" | "bulk_carrier" | "散货海运" => Mode::SeaBulk,
            "rail" | "train" | "freight_train" | "铁路" | "铁运" => Mode::Rail,
            "road" | "hgv" | "truck" | "lorry" | "公路" | "陆运" => Mode::Road,
            "inland_waterway" | "iww" | "barge" | "内河" => Mode::InlandWaterway,
            _ => return None,
        })
    }

    /// The name used in figure names (`logistics.by_mode.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Air => "air",
            Mode::SeaContainer => "sea_container",
            Mode::SeaBulk => "sea_bulk",
            Mode::Rail => "rail",
            Mode::Road => "road",
            Mode::InlandWaterway => "inland_waterway",
        }
    }

    /// `logistics.tkm.<name>`, as a constant (a million legs name it a million times).
    pub fn tkm_figure(self) -> &'static str {
        match self {
            Mode::Air => "logistics.tkm.air",
            Mode::SeaContainer => "logistics.tkm.sea_container",
            Mode::SeaBulk => "logistics.tkm.sea_bulk",
            Mode::Rail => "logistics.tkm.rail",
            Mode::Road => "logistics.tkm.road",
            Mode::InlandWaterway => "logistics.tkm.inland_waterway",
        }
    }

    /// `logistics.by_mode.<name>`, as a constant.
    pub fn by_mode_figure(self) -> &'static str {
        match self {
            Mode::Air => "logistics.by_mode.air",
            Mode::SeaContainer => "logistics.by_mode.sea_container",
            Mode::SeaBulk => "logistics.by_mode.sea_bulk",
            Mode::Rail => "logistics.by_mode.rail",
            Mode::Road => "logistics.by_mode.road",
            Mode::InlandWaterway => "logistics.by_mode.inland_waterway",
        }
    }

    /// The family of the mode as freight intensity keys name it (`freight.<family>.…`):
    /// `air`, `sea`, `rail`, `road` or `inland_waterway`.
    pub fn family(self) -> &'static str {
        match self {
            Mode::Air => "air",
            Mode::SeaContainer | Mode::SeaBulk => "sea",
            Mode::Rail => "rail",
            Mode::Road => "road",
            Mode::InlandWaterway => "inland_waterway",
        }
    }

    /// The mode family an intensity key names, when one of its dot-separated parts is a mode
    /// word (`freight.road.hgv` → `road`; `freight.sea.container` → `sea`); `None` for a key
    /// that names no mode (a project-local key such as `supplier_x_tkm`), which is not checked.
    ///
    /// ```
    /// use carbonledger::freight::Mode;
    /// assert_eq!(Mode::family_of_key("freight.road.hgv"), Some("road"));
    /// assert_eq!(Mode::family_of_key("freight.air.long_haul.with_rf"), Some("air"));
    /// assert_eq!(Mode::family_of_key("supplier_x_tkm"), None);
    /// ```
    pub fn family_of_key(key: &str) -> Option<&'static str> {
        key.split('.').find_map(|part| {
            Some(match part {
                "air" | "aviation" => "air",
                "sea" | "shipping" | "container" | "bulk" => "sea",
                "rail" | "train" => "rail",
                "road" | "hgv" | "truck" | "lorry" | "van" => "road",
                "inland_waterway" | "iww" | "barge" => "inland_waterway",
                _ => return None,
            })
        })
    }

    /// Key of the default intensity in the built-in DESNZ freight rows, if the set has one.
    /// Air is the non-UK "international" row: the UK-specific hauls are chosen with an
    /// explicit factor.
    pub fn default_key(self) -> Option<&'static str> {
        match self {
            Mode::Air => Some("freight.air.international"),
            Mode::SeaContainer => Some("freight.sea.container"),
            Mode::SeaBulk => Some("freight.sea.bulk"),
            Mode::Rail => Some("freight.rail"),
            Mode::Road => Some("freight.road.hgv"),
            Mode::InlandWaterway => None,
        }
    }

    /// The ISO 14083 distance rule that turns this mode's planning distance (great-circle for
    /// air, shortest feasible for road and sea) into the distance travelled, as a key of the
    /// distance-rule set; `None` for rail and inland waterway, whose distance travelled is
    /// their shortest feasible distance.
    /// The distance ISO 14083 plans this mode's transport activity on: great-circle for air,
    /// shortest feasible for every other mode (CLECAT/UBA guide to ISO 14083, Table 3 p.23).
    pub fn planning_basis(self) -> DistanceBasis {
        match self {
            Mode::Air => DistanceBasis::GreatCircle,
            _ => DistanceBasis::ShortestFeasible,
        }
    }

    /// The ISO 14083 distance rule (see [`Mode::planning_basis`]).
    pub fn distance_rule(self) -> Option<DistanceRule> {
        match self {
            Mode::Air => Some(DistanceRule::Add("distance.air.addition")),
            Mode::Road => Some(DistanceRule::Factor("distance.road.daf")),
            Mode::SeaContainer | Mode::SeaBulk => Some(DistanceRule::Factor("distance.sea.daf")),
            Mode::Rail | Mode::InlandWaterway => None,
        }
    }
}

/// How a mode's planning distance becomes the distance travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistanceRule {
    /// Add a fixed distance (air: + 95 km), key of the value.
    Add(&'static str),
    /// Multiply by a distance adjustment factor (road 1.05, sea 1.15), key of the value.
    Factor(&'static str),
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_constants_are_the_formatted_names() {
        for m in Mode::ALL {
            assert_eq!(m.tkm_figure(), format!("logistics.tkm.{m}"));
            assert_eq!(m.by_mode_figure(), format!("logistics.by_mode.{m}"));
            assert_eq!(Mode::parse(m.name()), Some(m));
        }
    }
}
