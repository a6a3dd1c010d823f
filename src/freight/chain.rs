//! Results per transport chain element and per transport chain (ISO 14083's reporting of a
//! transport chain: each element's emissions and the chain's, with the intensity per
//! tonne-km). A shipment is a chain; its legs and hubs are its elements. The report is built
//! from the freight register's own entries — the very lines every figure sums — matched to
//! their shipments.csv rows by line: it calculates nothing of its own and never prints.

use super::shipments::{parse_element, Element, COLUMNS};
use crate::calc::Computation;
use crate::decimal::{self, CalcError};
use crate::ingest::read_table;
use crate::project::{Input, Project};
use crate::register::{Context, Entry};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What an element adds to, summed over its entries (the leg, its SAF reduction; a mode
/// shift's counterfactual is not the element's and is left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Tonne-km on the distance the element was priced on (`logistics.tkm`; 0 at a hub).
    pub tkm: Decimal,
    /// Tank-to-wheel (operation) emissions, t CO2e.
    pub ttw_t: Decimal,
    /// Well-to-tank (energy provision) emissions, t CO2e.
    pub wtt_t: Decimal,
    /// Well-to-wheel emissions net of any SAF reduction, t CO2e (the category figure).
    pub wtw_t: Decimal,
}

impl Amounts {
    fn add(&mut self, o: &Amounts) -> Result<(), CalcError> {
        self.tkm = decimal::add(self.tkm, o.tkm)?;
        self.ttw_t = decimal::add(self.ttw_t, o.ttw_t)?;
        self.wtt_t = decimal::add(self.wtt_t, o.wtt_t)?;
        self.wtw_t = decimal::add(self.wtw_t, o.wtw_t)?;
        Ok(())
    }

    /// Well-to-wheel kg CO2e per tonne-km: `wtw_t × 1000 ÷ tkm`, with whether the division
    /// terminated (else rounded once at the crate's quotient precision); `None` without
    /// tonne-km (a hub).
    ///
    /// ```
    /// use carbonledger::freight::chain::Amounts;
    /// use rust_decimal::Decimal;
    /// // 0.3707215 t over 6,575 tkm = 0.0563835… kg/tkm.
    /// let a = Amounts { tkm: Decimal::from(6575), wtw_t: "0.3707215".parse().unwrap(), ..Default::default() };
    /// let (v, exact) = a.intensity_kg_per_tkm().unwrap().unwrap();
    /// assert!(!exact);
    /// assert_eq!(v.round_dp(7).to_string(), "0.0563835");
    /// ```
    pub fn intensity_kg_per_tkm(&self) -> Result<Option<(Decimal, bool)>, CalcError> {
        if self.tkm.is_zero() {
            return Ok(None);
        }
        let kg = decimal::mul(self.wtw_t, Decimal::ONE_THOUSAND)?;
        let q = decimal::div(kg, self.tkm)?;
        Ok(Some((q.value, q.exact)))
    }
}

/// An element's or a chain's amounts as reported: kg CO2e rather than t, and the intensity
/// exact where its division terminates, else rounded once to [`decimal::FIGURE_DP`] places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KgAmounts {
    /// Tonne-km.
    pub tkm: Decimal,
    /// Tank-to-wheel, kg CO2e.
    pub ttw_kg: Decimal,
    /// Well-to-tank, kg CO2e.
    pub wtt_kg: Decimal,
    /// Well-to-wheel net of SAF, kg CO2e.
    pub wtw_kg: Decimal,
    /// kg CO2e per tonne-km and whether it is exact; `None` without tonne-km (a hub).
    pub intensity: Option<(Decimal, bool)>,
}

impl Amounts {
    /// The amounts in kg, with the intensity as reported (see [`KgAmounts`]).
    pub fn in_kg(&self) -> Result<KgAmounts, CalcError> {
        let kg = |t: Decimal| decimal::mul(t, Decimal::ONE_THOUSAND);
        let intensity = self.intensity_kg_per_tkm()?.map(|(v, exact)| {
            (
                if exact {
                    v
                } else {
                    v.round_dp(decimal::FIGURE_DP)
                },
                exact,
            )
        });
        Ok(KgAmounts {
            tkm: self.tkm,
            ttw_kg: kg(self.ttw_t)?,
            wtt_kg: kg(self.wtt_t)?,
            wtw_kg: kg(self.wtw_t)?,
            intensity,
        })
    }
}

/// One transport chain element: a leg or a hub visit, one row of shipments.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementResult {
    /// Its element number within the shipment (`leg`).
    pub element: u32,
    /// Its physical line in shipments.csv.
    pub line: u64,
    /// Its period as written.
    pub period: String,
    /// The mode (`road`, `sea_container`, …) or `hub`.
    pub mode: String,
    /// `origin → destination`, or the hub.
    pub place: String,
    /// Its amounts.
    pub amounts: Amounts,
}

/// One transport chain: a shipment's elements in order, and their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainResult {
    /// The shipment id.
    pub shipment: String,
    /// Its elements, by element number.
    pub elements: Vec<ElementResult>,
    /// The sum of its elements.
    pub amounts: Amounts,
}

/// The amounts one entry adds to in `year`, for the category figure `cat`.
fn amounts_of(e: &Entry, cat: &str, year: i32) -> Result<Amounts, CalcError> {
    let (ttw, wtt) = (format!("{cat}.ttw"), format!("{cat}.wtt"));
    let mut a = Amounts::default();
    for c in e.parts.iter().filter(|c| c.year == year) {
        let slot = match &*c.figure {
            "logistics.tkm" => &mut a.tkm,
            f if f == cat => &mut a.wtw_t,
            f if f == ttw => &mut a.ttw_t,
            f if f == wtt => &mut a.wtt_t,
            _ => continue,
        };
        *slot = decimal::add(*slot, c.value)?;
    }
    Ok(a)
}

/// Every transport chain of `year`, by shipment id, each element by element number. Rows
/// the freight register rejected are in no chain (their diagnostics are the ledger's).
pub fn chains(
    project: &Project,
    comp: &Computation,
    strict: bool,
    year: i32,
) -> Result<Vec<ChainResult>, CalcError> {
    Ok(chains_of_years(project, comp, strict, &[year])?
        .remove(&year)
        .unwrap_or_default())
}

/// The transport chains of each of `years` (see [`chains`]), from one run of the freight
/// register and one reading of shipments.csv: an element belongs to the year of its period.
pub fn chains_of_years(
    project: &Project,
    comp: &Computation,
    strict: bool,
    years: &[i32],
) -> Result<BTreeMap<i32, Vec<ChainResult>>, CalcError> {
    let cat = format!("ghg.scope3.cat{}", project.manifest.freight.category);
    let ctx = Context {
        project,
        comp,
        strict,
        traced: true,
        threads: comp.threads,
    };
    // Per shipments.csv line, its amounts in each year.
    let mut by_line: BTreeMap<u64, BTreeMap<i32, Amounts>> = BTreeMap::new();
    let mut failed = None;
    super::register(&ctx, &mut |e| {
        if failed.is_some() || e.line == 0 {
            return;
        }
        let line = by_line.entry(e.line).or_default();
        for &year in years {
            let added =
                amounts_of(&e, &cat, year).and_then(|a| line.entry(year).or_default().add(&a));
            if let Err(x) = added {
                failed = Some(x);
                return;
            }
        }
    });
    if let Some(x) = failed {
        return Err(x);
    }
    let mut out: BTreeMap<i32, BTreeMap<String, Vec<ElementResult>>> = BTreeMap::new();
    let path = project.path(Input::Shipments);
    let Ok(f) = std::fs::File::open(&path) else {
        return Ok(BTreeMap::new());
    };
    let reporting = project.manifest.reporting_years.clone();
    let _ = read_table(
        &project.shown(Input::Shipments),
        std::io::BufReader::new(f),
        COLUMNS,
        |row| {
            let Some(amounts) = by_line.get(&row.line()) else {
                return;
            };
            let Ok(e) = parse_element(row, &reporting) else {
                return;
            };
            let (year, shipment, element, period, mode, place) = match &e {
                Element::Leg(l) => (
                    l.period.year(),
                    l.shipment.clone(),
                    l.leg,
                    l.period.to_string(),
                    l.mode.name().to_string(),
                    format!("{} → {}", l.origin, l.destination),
                ),
                Element::Hub(h) => (
                    h.period.year(),
                    h.shipment.clone(),
                    h.leg,
                    h.period.to_string(),
                    "hub".to_string(),
                    h.hub.clone(),
                ),
            };
            let Some(amounts) = amounts.get(&year) else {
                return;
            };
            out.entry(year)
                .or_default()
                .entry(shipment.into())
                .or_default()
                .push(ElementResult {
                    element,
                    line: row.line(),
                    period,
                    mode,
                    place,
                    amounts: amounts.clone(),
                });
        },
    );
    let mut all = BTreeMap::new();
    for (year, shipments) in out {
        let mut chains = Vec::with_capacity(shipments.len());
        for (shipment, mut elements) in shipments {
            elements.sort_by_key(|e| e.element);
            let mut amounts = Amounts::default();
            for e in &elements {
                amounts.add(&e.amounts)?;
            }
            chains.push(ChainResult {
                shipment,
                elements,
                amounts,
            });
        }
        all.insert(year, chains);
    }
    Ok(all)
}
