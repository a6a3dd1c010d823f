//! Factor editions whose CO2e values carry a GWP edition of their own: DESNZ publishes kg
//! CO2e computed with AR5 GWP-100. Beside a manifest that weights gases with another GWP
//! edition (AR6, say) one total would add CO2e on two GWP bases; each such pairing is a
//! warning (`gwp-edition-mismatch`) at the manifest line that selects the edition.
//!
//! Only editions whose own `edition.toml` states the GWP basis of their CO2e are listed; an
//! edition that says nothing is not guessed at.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Span};
use crate::project::{key_span, Input, Project};

/// (set, edition, GWP edition of its CO2e values as `ipcc-gwp` names it, where it is said).
pub const EMBEDDED: &[(&str, &str, &str, &str)] = &[
    ("desnz", "2025", "ar5", "factors/desnz/2025/edition.toml: \"Values are kg CO2e (AR5 GWPs) per unit\""),
    ("desnz-fuels", "2024", "ar5", "factors/desnz-fuels/2024/edition.toml: \"per-gas columns (kg CO2e of CO2, of CH4, of N2O; AR5 GWPs)\""),
    ("desnz-fuels", "2025", "ar5", "factors/desnz-fuels/2025/edition.toml: \"per-gas columns (kg CO2e of CO2, of CH4, of N2O; AR5 GWPs)\""),
    ("desnz-refrigerants", "2024", "ar5", "factors/desnz-refrigerants/2024/edition.toml: \"kg CO2e per kg released (AR5 GWP-100 as used by DESNZ)\""),
    ("desnz-refrigerants", "2025", "ar5", "factors/desnz-refrigerants/2025/edition.toml: \"kg CO2e per kg released (AR5 GWP-100 as used by DESNZ)\""),
];

/// The GWP edition embedded in the CO2e values of `set@edition`, if it is known.
pub fn embedded_gwp(set: &str, edition: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|(s, e, _, _)| *s == set && *e == edition)
        .map(|(_, _, g, _)| *g)
}

/// A warning for each reporting year whose manifest selects an edition with CO2e on one GWP
/// edition and weights gases with another (`[factors] gwp` at the year's edition).
pub fn mismatches(project: &Project) -> Vec<Diagnostic> {
    let m = &project.manifest;
    let file = project.shown(Input::Manifest);
    let text = std::fs::read_to_string(project.path(Input::Manifest)).unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (year, sel) in &m.years {
        let Some(gwp) = m.edition_for(*year, &m.families.gwp) else {
            continue;
        };
        for (set, ed) in &sel.editions {
            let Some(embedded) = embedded_gwp(set, ed) else {
                continue;
            };
            if embedded == gwp || !seen.insert((set.clone(), ed.clone(), gwp.to_string())) {
                continue;
            }
            let span = match key_span(&file, &text, &format!("years.{year}.editions"), set) {
                s if s.line > 0 => s,
                _ => Span::file(&file),
            };
            out.push(
                Diagnostic::warning(
                    "gwp-edition-mismatch",
                    span,
                    format!(
                        "{set}@{ed} publishes CO2e on {} GWP-100, but {year} weights gases with {}@{gwp}: one total would mix CO2e of two GWP editions",
                        embedded.to_uppercase(),
                        m.families.gwp
                    ),
                )
                .with_hint(format!(
                    "select {}@{embedded} for {year}, or use factors per gas (kg CO2, CH4, N2O) that the chosen GWP edition weights",
                    m.families.gwp
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each listed edition states its GWP basis in its own edition.toml, as quoted.
    #[test]
    fn every_listed_edition_says_so_in_its_edition_file() {
        for (set, ed, gwp, said) in EMBEDDED {
            let path = format!(
                "{}/factors/{set}/{ed}/edition.toml",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let quote = said.split('"').nth(1).unwrap_or("<none>");
            assert!(text.contains(quote), "{path} does not say `{quote}`");
            assert!(quote.contains(&gwp.to_uppercase()), "{quote} names {gwp}");
        }
        assert_eq!(embedded_gwp("desnz", "2025"), Some("ar5"));
        assert_eq!(embedded_gwp("cn-mee-grid", "2023"), None);
    }
}
