//! The one list of files a project opens. Every reader takes its file from here
//! (`Project::path` and `Project::shown` accept only an [`Input`]), so the export manifest
//! and the lockfile, which hash "every file the run read", cannot miss one.

/// A file of a project folder that carbonledger reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Input {
    /// `carbonledger.toml`: organisation, years, boundary, factor choices.
    Manifest,
    /// `carbonledger.lock`: the SHA-256 of every factor edition the project uses.
    Lock,
    /// `facilities.csv`: the organisational boundary.
    Facilities,
    /// `facility_changes.csv`: changes of a facility's equity share or control on a date.
    FacilityChanges,
    /// `energy.csv`: fuel and purchased energy.
    Energy,
    /// `fugitive.csv`: refrigerant and other releases.
    Fugitive,
    /// `instruments.csv`: energy attribute certificates and contracts.
    Instruments,
    /// `solar.csv`: on-site generation.
    Solar,
    /// `abatement.csv`: abatement projects.
    Abatement,
    /// `shipments.csv`: freight legs.
    Shipments,
    /// `products.csv`: products assessed.
    Products,
    /// `bom.csv`: product bills of materials.
    Bom,
    /// `product_stages.csv`: product life-cycle stages.
    ProductStages,
    /// `scope3.csv`: scope 3 purchases, travel, waste and supplier allocations.
    Scope3,
    /// `operations.csv`: ISO 14083 transport and hub operation categories from primary data.
    Operations,
    /// `claims.toml`: published claims (`verify`, `check`).
    Claims,
    /// `metrics.csv`: intensity denominators (revenue, FTE, production, floor area).
    Metrics,
}

impl Input {
    /// Every input, in the order the manifest lists them.
    pub const ALL: [Input; 17] = [
        Input::Manifest,
        Input::Lock,
        Input::Facilities,
        Input::FacilityChanges,
        Input::Energy,
        Input::Fugitive,
        Input::Instruments,
        Input::Solar,
        Input::Abatement,
        Input::Shipments,
        Input::Products,
        Input::Bom,
        Input::ProductStages,
        Input::Scope3,
        Input::Operations,
        Input::Claims,
        Input::Metrics,
    ];

    /// The file name inside the project folder.
    pub const fn name(self) -> &'static str {
        match self {
            Input::Manifest => "carbonledger.toml",
            Input::Lock => "carbonledger.lock",
            Input::Facilities => "facilities.csv",
            Input::FacilityChanges => "facility_changes.csv",
            Input::Energy => "energy.csv",
            Input::Fugitive => "fugitive.csv",
            Input::Instruments => "instruments.csv",
            Input::Solar => "solar.csv",
            Input::Abatement => "abatement.csv",
            Input::Shipments => "shipments.csv",
            Input::Products => "products.csv",
            Input::Bom => "bom.csv",
            Input::ProductStages => "product_stages.csv",
            Input::Scope3 => "scope3.csv",
            Input::Operations => "operations.csv",
            Input::Claims => "claims.toml",
            Input::Metrics => "metrics.csv",
        }
    }

    /// The input of that file name, if it is one.
    pub fn named(name: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.name() == name)
    }
}

/// The folder of project-local factor editions (`factors/<set>/<edition>/`).
pub const FACTORS_DIR: &str = "factors";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_round_trip() {
        for i in Input::ALL {
            assert_eq!(Input::named(i.name()), Some(i));
        }
        let mut names: Vec<_> = Input::ALL.iter().map(|i| i.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Input::ALL.len());
    }
}
