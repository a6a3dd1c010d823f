//! `products --format json`: per-product footprints and their contributions, exact.

/// The answer for one year.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ProductsJson {
    pub schema_version: u32,
    pub year: i32,
    pub products: Vec<ProductJson>,
}

/// One product.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ProductJson {
    /// Its id in products.csv.
    pub product: String,
    pub year: i32,
    pub name: Option<String>,
    pub functional_unit: Option<String>,
    pub footprint_kg_co2e: Option<String>,
    pub recycled_aluminium_pct: Option<String>,
    pub recycled_steel_pct: Option<String>,
    pub recyclability_pct: Option<String>,
    pub recoverability_pct: Option<String>,
    /// The lines that add up exactly to the footprint.
    pub contributions: Vec<ContributionJson>,
}

/// One contribution to a footprint.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ContributionJson {
    pub stage: String,
    pub component: Option<String>,
    /// The figure the contribution is part of.
    pub figure: String,
    pub kg_co2e: String,
}
