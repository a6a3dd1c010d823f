//! `freight --format json`: transport chains and their elements, exact.

/// The answer for one year.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct FreightJson {
    pub schema_version: u32,
    pub year: i32,
    /// One per shipment, by shipment id.
    pub chains: Vec<ChainJson>,
}

/// One transport chain (a shipment).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ChainJson {
    pub shipment: String,
    /// Its legs and hubs, by element number.
    pub elements: Vec<ElementJson>,
    #[serde(flatten)]
    pub amounts: AmountsJson,
}

/// One transport chain element (a row of shipments.csv).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ElementJson {
    pub element: u32,
    /// Its line in shipments.csv.
    pub line: u64,
    pub period: String,
    /// The mode, or `hub`.
    pub mode: String,
    pub place: String,
    #[serde(flatten)]
    pub amounts: AmountsJson,
}

/// What an element or a chain adds up to, as exact decimal strings.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct AmountsJson {
    pub tkm: String,
    pub ttw_kg_co2e: String,
    pub wtt_kg_co2e: String,
    pub wtw_kg_co2e: String,
    /// Well-to-wheel kg CO2e per tonne-km; none without tonne-km (a hub). Rounded at 16
    /// decimal places when the division does not terminate (`intensity_exact` false).
    pub intensity_kg_co2e_per_tkm: Option<String>,
    pub intensity_exact: Option<bool>,
}
