//! Scope 3 category 3 from the energy rows: for the chain that prices an energy row, the
//! chains of its well-to-tank line and, for purchased electricity, heat and steam, of the
//! transmission-and-distribution loss and that loss's well-to-tank. Each is an ordinary chain
//! (scope 3, one CO2e step) calculated from the same row by the same calculator, so explain,
//! the line table and the export show it like any other line. It adds emissions only: the
//! energy is the scope 1 or 2 line's.
//!
//! Keys follow the publisher: the row's own factor `SET@EDITION:K[.gas]` has its well-to-tank
//! factor `W:K.co2e` in the set paired with SET (`[scope3] wtt_sets`, built in for DESNZ), and
//! its loss `SET@EDITION:K_td` (electricity) or `K_distribution` (heat and steam), whose own
//! well-to-tank is `W:K_td.co2e`. A loss published as a rate (`K_td` in `%/1` or `1/1`: a
//! country's average T&D loss) gives the energy × the row's own factor × the rate (Scope 3
//! Technical Guidance, formula [3.3]). A factor the sets do not publish gives no line and a
//! note, never a zero.

use super::chain::{Chain, ChainBody, GasStep, SourceKind, UsedFactor};
use super::resolve::{check_basis, ResolveError, Resolver};
use crate::activity::{Carrier, Scope, Subject};
use crate::factors::{Edition, FactorDef, FactorRef};
use crate::units::DimKind;
use rust_decimal::Decimal;

/// The category 3 chains of one energy chain, and what could not be computed, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upstream {
    /// Well-to-tank, T&D loss and well-to-tank of the loss, those the sets publish.
    pub chains: Vec<Chain>,
    /// Each part the sets do not publish for this chain (e.g. no well-to-tank set for
    /// `ipcc-2006`): shown by `compute`, so no gap is silent.
    pub notes: Vec<String>,
}

/// The gas suffixes of a per-gas key (`electricity_uk.co2`, `natural_gas.kwh_gross.co2e`,
/// DESNZ's outside-of-scopes `biodiesel_me.litre.biogenic_co2`).
const GAS_SUFFIXES: [&str; 5] = [".co2e", ".co2", ".ch4", ".n2o", ".biogenic_co2"];

fn base_key(key: &str) -> &str {
    GAS_SUFFIXES
        .iter()
        .find_map(|s| key.strip_suffix(s))
        .unwrap_or(key)
}

impl Resolver<'_> {
    /// The category 3 chains of `main`, the chain of an energy row (none for gases, for
    /// scope 3 chains, or when `[scope3] cat3 = false`).
    pub fn resolve_upstream(&self, main: &Chain) -> Result<Upstream, ResolveError> {
        let mut out = Upstream::default();
        let opts = &self.project.manifest.scope3;
        let Subject::Carrier(carrier) = main.subject else {
            return Ok(out);
        };
        if !opts.cat3 || main.scope == Scope::Scope3 {
            return Ok(out);
        }
        // A blend's factors are its parts' × their shares: its well-to-tank is each part's.
        if let Some(blend) = carrier.blend() {
            self.blend_upstream(main, blend, &mut out)?;
            return Ok(out);
        }
        // The factor that priced the row names the publisher's key for this energy.
        let used = main.gases.iter().find_map(|g| match g {
            GasStep::Gas {
                factor: Some((_, u)),
                ..
            } => Some(u),
            GasStep::Co2e { used, .. } => Some(used),
            GasStep::Gas { factor: None, .. } => None,
        });
        let Some(r) = used.and_then(|u| FactorRef::parse(&u.reference).ok()) else {
            return Ok(out);
        };
        let Some(edition) = r.edition.as_deref() else {
            return Ok(out);
        };
        let base = base_key(&r.key);
        let wtt_set = opts.wtt_set_of(&r.set);
        // A set that publishes the upstream and T&D of its own grid factors as one scope 3
        // factor beside them (NGA: `nsw_act.scope3` next to `nsw_act`).
        if wtt_set.is_none() && !carrier.is_fuel() {
            let combined = FactorRef {
                set: r.set.clone(),
                edition: Some(edition.to_string()),
                key: format!("{base}.scope3"),
            };
            let mut fallbacks = Vec::new();
            if let Ok((ed, def)) = self.find(&combined, main.year, &mut fallbacks) {
                out.chains
                    .push(self.companion(main, ed, def, SourceKind::WttAndTd, fallbacks)?);
                return Ok(out);
            }
        }
        match wtt_set {
            None => out.notes.push(format!(
                "{carrier} priced by {}: no well-to-tank set is paired with `{}`, so its well-to-tank{} not computed (pair one under [scope3] wtt_sets)",
                r.set,
                r.set,
                if carrier.is_fuel() { " is" } else { " and its T&D loss are" }
            )),
            Some(w) => {
                if let Some(c) =
                    self.upstream_chain(main, w, edition, &format!("{base}.co2e"), SourceKind::Wtt, &mut out)?
                {
                    out.chains.push(c);
                }
            }
        }
        if carrier.is_fuel() || wtt_set.is_none() {
            return Ok(out);
        }
        // Transmission and distribution loss: published beside the energy's own factor.
        let loss = match carrier {
            Carrier::Electricity => format!("{base}_td"),
            _ => format!("{base}_distribution"),
        };
        let loss_ref = |key: String| FactorRef {
            set: r.set.clone(),
            edition: Some(edition.to_string()),
            key,
        };
        let mut fallbacks = Vec::new();
        let found = [format!("{loss}.co2e"), loss.clone()]
            .into_iter()
            .find_map(|k| self.find(&loss_ref(k), main.year, &mut fallbacks).ok());
        let Some((ed, def)) = found else {
            out.notes.push(format!(
                "{carrier} priced by {}@{edition}: the set publishes no transmission and distribution loss (`{loss}`), so none is computed",
                r.set
            ));
            return Ok(out);
        };
        let loss_chain =
            if def.unit.num.kind == DimKind::Ratio && def.unit.den.kind == DimKind::Ratio {
                self.loss_rate_chain(main, ed, def, fallbacks)?
            } else {
                self.companion(main, ed, def, SourceKind::TdLoss, fallbacks)?
            };
        out.chains.push(loss_chain);
        if let Some(w) = wtt_set {
            if let Some(c) = self.upstream_chain(
                main,
                w,
                edition,
                &format!("{loss}.co2e"),
                SourceKind::TdWtt,
                &mut out,
            )? {
                out.chains.push(c);
            }
        }
        Ok(out)
    }

    /// The well-to-tank of a blend (B7, B20, E10): one line whose steps are each part's
    /// well-to-tank factor × its share of the volume, the part keyed as the factor that priced
    /// it (`desnz-fuels@2025:diesel_mineral.litre.co2` → `desnz-wtt:diesel_mineral.litre.co2e`).
    /// Both parts or none: a part the sets do not publish is a note, never a partial line.
    fn blend_upstream(
        &self,
        main: &Chain,
        blend: crate::activity::Blend,
        out: &mut Upstream,
    ) -> Result<(), ResolveError> {
        let name = subject_name(main);
        let bio_share = rust_decimal::Decimal::new(i64::from(blend.bio_pct), 2);
        let mut parts: Vec<(FactorRef, rust_decimal::Decimal, &str)> = Vec::new();
        for g in &main.gases {
            let used = match g {
                GasStep::Gas {
                    factor: Some((_, u)),
                    ..
                } => u,
                GasStep::Co2e { used, .. } => used,
                GasStep::Gas { factor: None, .. } => continue,
            };
            // A part's reference is `SET@EDITION:KEY × SHARE% (…)`: the factor is its first word.
            let Some(r) = used
                .reference
                .split(' ')
                .next()
                .and_then(|t| FactorRef::parse(t).ok())
            else {
                continue;
            };
            let fuel = r.key.split('.').next().unwrap_or_default();
            let (share, what) = if blend.fossil_keys.contains(&fuel) {
                (rust_decimal::Decimal::ONE - bio_share, "fossil")
            } else {
                (bio_share, "biofuel")
            };
            if !parts.iter().any(|(_, _, w)| *w == what) {
                parts.push((r, share, what));
            }
        }
        if parts.len() != 2 {
            out.notes.push(format!(
                "{name}: the factors of its parts name no publisher key for each, so its well-to-tank is not computed"
            ));
            return Ok(());
        }
        let mut steps = Vec::new();
        let mut fallbacks = Vec::new();
        for (r, share, what) in &parts {
            let Some(edition) = r.edition.as_deref() else {
                return Ok(());
            };
            let Some(w) = self.project.manifest.scope3.wtt_set_of(&r.set) else {
                out.notes.push(format!(
                    "{name} priced by {}: no well-to-tank set is paired with `{}`, so its well-to-tank is not computed (pair one under [scope3] wtt_sets)",
                    r.set, r.set
                ));
                return Ok(());
            };
            let key = format!("{}.co2e", base_key(&r.key));
            let mut probe = Upstream::default();
            let Some(part) =
                self.upstream_chain(main, w, edition, &key, SourceKind::Wtt, &mut probe)?
            else {
                out.notes.push(format!(
                    "{name}: {} part: {}; so the blend's well-to-tank is not computed",
                    what,
                    probe.notes.join("; ")
                ));
                return Ok(());
            };
            let per_volume = part.gases.iter().all(|g| match g {
                GasStep::Co2e { factor, .. } => factor.den_kind() == crate::units::DimKind::Volume,
                _ => false,
            });
            if !per_volume {
                out.notes.push(format!(
                    "{name}: the well-to-tank `{key}` of its {what} part is not per volume, so the blend's well-to-tank is not computed"
                ));
                return Ok(());
            }
            fallbacks.extend(part.fallbacks.iter().cloned());
            for g in part.gases.iter().cloned() {
                steps.push(
                    super::resolve::part_step(g, *share, &format!("{what} part of {name}"))
                        .map_err(|e| {
                            super::resolve::err("overflow", "quantity", e.to_string(), "")
                        })?,
                );
            }
        }
        let mut c = ChainBody {
            scope: Scope::Scope3,
            kind: SourceKind::Wtt,
            energy: super::chain::EnergyConv::None,
            gases: steps,
            tce: None,
            fallbacks,
            plan: None,
            upstream_of: Some(main.kind),
            ..main.body().clone()
        };
        c.plan = super::chain::Plan::build(&c);
        out.chains.push(Chain::new(
            main.facility,
            main.terms,
            main.share_reason.clone(),
            c,
        ));
        Ok(())
    }

    /// The chain of `key` in the well-to-tank set `w`: the manifest's edition for the year,
    /// else the edition named like the row's own (`desnz-fuels@2025` → `desnz-wtt@2025`, one
    /// publication), else the nearest (a fallback). A key the edition lacks is a note.
    fn upstream_chain(
        &self,
        main: &Chain,
        w: &str,
        edition: &str,
        key: &str,
        kind: SourceKind,
        out: &mut Upstream,
    ) -> Result<Option<Chain>, ResolveError> {
        let lib = &self.project.library;
        let mut fallbacks = Vec::new();
        let ed = match self.project.manifest.edition_for(main.year, w) {
            Some(_) => self.edition_for(w, main.year, &mut fallbacks)?,
            None => match lib.edition(w, edition) {
                Some(ed) => ed,
                None => self.edition_for(w, main.year, &mut fallbacks)?,
            },
        };
        let Some(def) = ed.factors.get(key) else {
            out.notes.push(format!(
                "{}: {} publishes no `{key}`, so this {} is not computed",
                subject_name(main),
                ed.id(),
                match kind {
                    SourceKind::TdWtt => "well-to-tank of the T&D loss",
                    _ => "well-to-tank",
                }
            ));
            return Ok(None);
        };
        self.companion(main, ed, def, kind, fallbacks).map(Some)
    }

    /// The T&D loss of `main` where the set publishes a loss *rate* (`K_td` as a `%/1` or `1/1`
    /// share, e.g. a country's average loss rate) instead of a factor per unit consumed: the
    /// energy consumed × the factor that priced it × the loss rate, each of `main`'s gas steps
    /// scaled by the rate (GHG Protocol Scope 3 Technical Guidance, calculation formula [3.3]
    /// and Example [3.1]). The rate's reference and citation are on each step.
    fn loss_rate_chain(
        &self,
        main: &Chain,
        ed: &Edition,
        def: &FactorDef,
        fallbacks: Vec<String>,
    ) -> Result<Chain, ResolveError> {
        let loss = UsedFactor::of(ed, def);
        let rate = crate::decimal::mul(def.value, def.unit.num.scale)
            .and_then(|v| crate::decimal::div(v, def.unit.den.scale))
            .map_err(|e| super::resolve::err("overflow", "quantity", e.to_string(), ""))?;
        if !rate.exact || rate.value > Decimal::ONE || rate.value < Decimal::ZERO {
            return Err(super::resolve::err(
                "wrong-dimension",
                "carrier",
                format!(
                    "{} = {} {} is not a loss rate between 0 and 100%",
                    loss.reference, def.value, def.unit_text
                ),
                "a transmission and distribution loss rate is a share of the energy consumed",
            ));
        }
        let note = format!(
            "T&D loss rate {} = {} {}",
            loss.reference, def.value, def.unit_text
        );
        let mut gases = Vec::with_capacity(main.gases.len());
        for g in main.gases.iter().cloned() {
            let mut step = super::resolve::part_step(g, rate.value, &note)
                .map_err(|e| super::resolve::err("overflow", "quantity", e.to_string(), ""))?;
            let used = match &mut step {
                GasStep::Gas {
                    factor: Some((_, u)),
                    ..
                }
                | GasStep::Co2e { used: u, .. } => Some(u),
                GasStep::Gas { factor: None, .. } => None,
            };
            if let Some(u) = used {
                *u =
                    u.with_citation(format!("{}; loss rate: {}", u.citation, loss.citation).into());
            }
            gases.push(step);
        }
        let mut c = ChainBody {
            scope: Scope::Scope3,
            kind: SourceKind::TdLoss,
            gases,
            tce: None,
            fallbacks,
            plan: None,
            upstream_of: Some(main.kind),
            ..main.body().clone()
        };
        c.plan = super::chain::Plan::build(&c);
        Ok(Chain::new(
            main.facility,
            main.terms,
            main.share_reason.clone(),
            c,
        ))
    }

    /// `main` re-priced by one CO2e factor, as a scope 3 chain of `kind`.
    fn companion(
        &self,
        main: &Chain,
        ed: &Edition,
        def: &FactorDef,
        kind: SourceKind,
        mut fallbacks: Vec<String>,
    ) -> Result<Chain, ResolveError> {
        let step = self.gas_step(ed, def, main.year, &mut fallbacks)?;
        check_basis(&step, main.activity_kind, &main.energy, &def.unit_text)?;
        // A factor per litre or tonne needs no energy content: the companion then shows no
        // calorific step.
        let per_energy = match &step {
            GasStep::Co2e { factor, .. } => factor.den_kind() == crate::units::DimKind::Energy,
            GasStep::Gas {
                factor: Some((f, _)),
                ..
            } => f.den_kind() == crate::units::DimKind::Energy,
            GasStep::Gas { factor: None, .. } => false,
        };
        let mut c = ChainBody {
            scope: Scope::Scope3,
            kind,
            energy: if per_energy {
                main.energy.clone()
            } else {
                super::chain::EnergyConv::None
            },
            gases: vec![step],
            tce: None,
            fallbacks,
            plan: None,
            upstream_of: Some(main.kind),
            ..main.body().clone()
        };
        c.plan = super::chain::Plan::build(&c);
        Ok(Chain::new(
            main.facility,
            main.terms,
            main.share_reason.clone(),
            c,
        ))
    }
}

fn subject_name(c: &Chain) -> String {
    match &c.subject {
        Subject::Carrier(k) => k.name().to_string(),
        Subject::Gas(g) => g.clone(),
    }
}

/// The figure part a category 3 chain feeds: `wtt_fuels` (3a: upstream of fuels burnt on
/// site), `wtt_purchased_energy` (3b: upstream of the fuels that generated purchased
/// electricity, heat and steam) or `td_losses` (3c: generation of the energy lost in
/// transmission and distribution, and its upstream), or `wtt_and_td_purchased_energy` (3b and
/// 3c together, where the publisher gives only their sum).
pub fn cat3_part(c: &Chain) -> Option<&'static str> {
    if c.scope != Scope::Scope3 {
        return None;
    }
    let fuel = matches!(c.subject, Subject::Carrier(k) if k.is_fuel());
    match c.kind {
        SourceKind::Wtt if fuel => Some("wtt_fuels"),
        SourceKind::Wtt => Some("wtt_purchased_energy"),
        SourceKind::TdLoss | SourceKind::TdWtt => Some("td_losses"),
        SourceKind::WttAndTd => Some("wtt_and_td_purchased_energy"),
        _ => None,
    }
}
