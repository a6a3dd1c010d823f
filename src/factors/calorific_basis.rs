//! One energy total on one calorific basis: fuel energy is counted on the net (lower) or the
//! gross (higher) calorific value, and the two differ by 5–10% (natural gas: about 10%). A
//! year whose fuel energy comes partly from net and partly from gross values — a calorific
//! value of the other basis, rows given in energy units on the project's `energy_basis`
//! beside masses converted with the other basis, or a factor per energy of the other basis
//! named explicitly — is warned about (`mixed-calorific-basis`).

use std::collections::BTreeMap;

use crate::activity::Subject;
use crate::calc::{Computation, EnergyConv, GasStep};
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::project::{key_span, EnergyBasis, Input, Project};
use crate::units::DimKind;

/// The calorific basis (`ncv` or `gcv`) of a used calorific value, from its basis column.
fn basis_of(project: &Project, reference: &str) -> Option<&'static str> {
    let r = FactorRef::parse(reference).ok()?;
    let ed = project.library.edition(&r.set, r.edition.as_deref()?)?;
    let def = ed.factors.get(&r.key)?;
    def.basis.split(';').map(str::trim).find_map(|t| match t {
        "ncv" => Some("ncv"),
        "gcv" => Some("gcv"),
        _ => None,
    })
}

/// A warning per reporting year whose fuel energy mixes net and gross calorific values, at
/// the manifest's `energy_basis` (or `calorific_values`) line.
pub fn mixed_bases(project: &Project, comp: &Computation) -> Vec<Diagnostic> {
    let stated = match project.manifest.families.energy_basis {
        EnergyBasis::Net => "ncv",
        EnergyBasis::Gross => "gcv",
    };
    // year → basis → an example of where it came from
    let mut by_year: BTreeMap<i32, BTreeMap<&'static str, String>> = BTreeMap::new();
    // What a chain adds depends on its resolved body alone, and a body met again adds nothing
    // new (the first example is kept): each body is looked at once, not once per facility.
    let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (c, a) in comp.chains.iter().zip(&comp.accums) {
        let Subject::Carrier(k) = &c.subject else {
            continue;
        };
        if !k.is_fuel() || a.energy_j.is_zero() || !seen.insert(c.body_id()) {
            continue;
        }
        let (basis, from) = match &c.energy {
            EnergyConv::Direct => (
                Some(stated),
                format!("{k} given in energy units (energy_basis)"),
            ),
            EnergyConv::FromMass(_, u) | EnergyConv::FromVolume(_, u) => {
                (basis_of(project, &u.reference), u.reference.to_string())
            }
            EnergyConv::None => (None, String::new()),
        };
        let year = by_year.entry(c.year).or_default();
        if let Some(b) = basis {
            year.entry(b).or_insert(from);
        }
        // A factor per energy applies to energy on its own basis (DESNZ publishes per kWh on
        // the gross calorific value).
        for step in &c.gases {
            let per_energy = match step {
                GasStep::Gas {
                    factor: Some((f, u)),
                    ..
                } => (f.den_kind() == DimKind::Energy).then_some(u),
                GasStep::Co2e { factor, used, .. } => {
                    (factor.den_kind() == DimKind::Energy).then_some(used)
                }
                GasStep::Gas { factor: None, .. } => None,
            };
            if let Some(u) = per_energy {
                if let Some(b) = basis_of(project, &u.reference) {
                    year.entry(b).or_insert_with(|| u.reference.to_string());
                }
            }
        }
    }
    let file = project.shown(Input::Manifest);
    let text = std::fs::read_to_string(project.path(Input::Manifest)).unwrap_or_default();
    let span = [("factors", "energy_basis"), ("factors", "calorific_values")]
        .iter()
        .map(|(s, k)| key_span(&file, &text, s, k))
        .find(|s| s.line > 0)
        .unwrap_or_else(|| Span::file(&file));
    let mut out = Vec::new();
    for (year, bases) in by_year {
        if let (Some(net), Some(gross)) = (bases.get("ncv"), bases.get("gcv")) {
            out.push(
                Diagnostic::warning(
                    "mixed-calorific-basis",
                    span.clone(),
                    format!(
                        "{year}: fuel energy is counted on net calorific values ({net}) and on gross ones ({gross}) in one total"
                    ),
                )
                .with_hint("use calorific values of one basis (`[factors] energy_basis` and `calorific_values`), or give fuels in energy units on that basis"),
            );
        }
    }
    out
}
