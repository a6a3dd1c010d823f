//! Product carbon footprints (ISO 14067 style, cradle to grave, per functional unit), recycled
//! content by the cut-off approach, and ISO 22628 recyclability and recoverability — the
//! `products` register. It reads `products.csv`, `bom.csv` and `product_stages.csv`, and
//! sends one entry per used row; it never prints.
//!
//! Figures (year = the product's assessment year):
//! `products.count` (1); `product.<id>.footprint`, `product.<id>.stage.<stage>` and
//! `product.<id>.component.<component>.footprint` (kg CO2e per functional unit);
//! `product.<id>.recycled_share.<material>` and
//! `product.<id>.component.<component>.recycled_share` (%, mass-weighted);
//! `product.<id>.recyclability` and `product.<id>.recoverability` (%, ISO 22628); and the
//! masses they are ratios of: `product.<id>.mass`, `.mass.<material>`,
//! `.mass.<material>.recycled`, `.component.<c>.mass`, `.component.<c>.mass.recycled`,
//! `.iso22628.m_p|m_d|m_m|m_tr|m_te|disposed`, `.iso22628.recyclable|recoverable` (kg).

mod factor;
mod input;
mod recovery;
mod table;

pub use factor::{
    apply_factor_value, apply_factor_value_per, resolve as resolve_factor,
    resolve_group as resolve_factor_group, FactorError, ProductFactor,
};
pub use input::{
    read_bom, read_products, read_stages, valid_id, BomLine, Product, Read, Stage, StageLine,
    BOM_COLUMNS, PRODUCT_COLUMNS, STAGE_COLUMNS,
};
pub use recovery::{rates, Route};
pub use table::{contribution_table, product_ids, ContributionLine};

use crate::calc::{FileStats, ResolveOptions, Resolver, Step};
use crate::decimal::{self, CalcError};
use crate::diag::{Diagnostic, Span};
use crate::project::Input;
use crate::register::{Context, Contribution, Derived, Entry, Report, Term, TermStep};
use crate::units::{lookup, AnyUnit};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const KG_CO2E: &str = "kg CO2e";
const KG: &str = "kg";
const PCT: &str = "%";

/// Figure names one product produces, in report order, and the derived definitions.
/// A product's names grow with its BOM lines, so membership is a set lookup.
#[derive(Default)]
struct Names {
    main: Vec<String>,
    helpers: Vec<String>,
    seen_main: std::collections::HashSet<String>,
    seen_helpers: std::collections::HashSet<String>,
}

impl Names {
    fn main(&mut self, n: String) {
        if self.seen_main.insert(n.clone()) {
            self.main.push(n);
        }
    }
    fn helper(&mut self, n: String) {
        if self.seen_helpers.insert(n.clone()) {
            self.helpers.push(n);
        }
    }
}

/// Row accounting for one file.
fn stats<T>(read: &Read<T>) -> FileStats {
    let mut s = FileStats {
        file: read.file.as_deref().unwrap_or_default().to_string(),
        present: read.file.is_some(),
        read: read.read,
        unread: read.unread,
        ..FileStats::default()
    };
    for (_, q) in &read.rejected {
        reject(&mut s, *q);
    }
    s
}

fn reject(s: &mut FileStats, q: Option<(Decimal, &'static str)>) {
    s.rejected += 1;
    match q {
        Some((v, u)) => {
            let e = s.rejected_quantity.entry(u.to_string()).or_default();
            *e = decimal::add(*e, v).unwrap_or(*e);
        }
        None => s.rejected_unreadable += 1,
    }
}

fn step(label: &'static str, text: String) -> Step {
    Step {
        label: label.into(),
        text,
        factor: None,
    }
}

/// An overflow (or a result past 28 decimal places) of a line's quantity times its factors,
/// at the quantity's column.
fn overflow(span: Span, what: &str, e: &CalcError) -> Diagnostic {
    Diagnostic::error("overflow", span, format!("{what}: {e}")).with_hint(
        "the quantity times its factors cannot be held exactly (about 7.9 × 10^28, 28 decimal places); check the quantity and its unit at their source",
    )
}

/// The `products` register: products, their bills of materials and stages.
pub fn register(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry)) -> Report {
    let project = ctx.project;
    let mut report = Report::default();
    let mut diags = Vec::new();
    let products = read_products(project, &mut diags);
    let bom = read_bom(project, &mut diags);
    let stages = read_stages(project, &mut diags);
    if products.file.is_none() && bom.file.is_none() && stages.file.is_none() {
        return report;
    }
    let (mut pstats, mut bstats, mut sstats) = (stats(&products), stats(&bom), stats(&stages));
    let resolver = Resolver::new(project, ResolveOptions { strict: ctx.strict });
    let by_id: BTreeMap<&str, &Product> =
        products.rows.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut names: BTreeMap<String, Names> = BTreeMap::new();
    let mut derived: BTreeMap<String, Derived> = BTreeMap::new();
    let unknown = |span: &Span, id: &str| {
        Diagnostic::error(
            "unknown-product",
            span.clone(),
            format!("unknown product `{id}` (not defined, or rejected, in products.csv)"),
        )
        .with_hint(format!(
            "products: {}",
            by_id.keys().copied().collect::<Vec<_>>().join(", ")
        ))
    };

    // Products: each counts once.
    let pfile: Arc<str> = products
        .file
        .clone()
        .unwrap_or_else(|| project.shown(Input::Products));
    for p in &products.rows {
        pstats.used += 1;
        let facility = p
            .facility
            .map(|i| project.facilities.list[i].id.clone())
            .unwrap_or_else(|| "(none)".into());
        sink(Entry {
            file: Arc::clone(&pfile),
            line: p.line,
            what: format!(
                "{} — {} ({}), per {}",
                p.id, p.name, p.category, p.functional_unit
            ),
            steps: vec![step(
                "product",
                format!("assessed for {}, made at {facility}: counts 1", p.year),
            )],
            parts: vec![{
                // The line: this row of products.csv, one product.
                let mut c = Contribution::new("products.count", p.year, Decimal::ONE, "1");
                c.terms = vec![Term::of(Decimal::ONE, "1", "count")];
                c
            }],
        });
        let n = names.entry(p.id.clone()).or_default();
        n.main(format!("product.{}.footprint", p.id));
    }

    // Which products give ISO 22628 routes: then every one of their parts must.
    let mut routed: BTreeSet<&str> = BTreeSet::new();
    for b in &bom.rows {
        if b.route.is_some() {
            routed.insert(b.product.as_str());
        }
    }

    let kg = lookup("kg").ok();
    let bfile: Arc<str> = bom
        .file
        .clone()
        .unwrap_or_else(|| project.shown(Input::Bom));
    for b in &bom.rows {
        let held = Some((b.mass, b.unit.symbol));
        let Some(p) = by_id.get(b.product.as_str()) else {
            diags.push(unknown(&b.product_span, &b.product));
            reject(&mut bstats, held);
            continue;
        };
        if b.route.is_none() && routed.contains(b.product.as_str()) {
            diags.push(
                Diagnostic::error("missing-route", b.route_span.clone(), format!("product `{}` gives end-of-life routes for other parts but not for `{}`", b.product, b.component))
                    .with_hint("ISO 22628 assigns every part's mass to a route: pretreatment, dismantling, metal_separation, residue_recycling, energy_recovery or disposal"),
            );
            reject(&mut bstats, held);
            continue;
        }
        match material_entry(project, &resolver, p, b, kg, &bfile) {
            Ok((entry, _)) => {
                bstats.used += 1;
                let n = names.entry(p.id.clone()).or_default();
                let id = &p.id;
                n.main(format!("product.{id}.stage.materials"));
                n.main(format!("product.{id}.component.{}.footprint", b.component));
                let share = format!("product.{id}.recycled_share.{}", b.material);
                derived.insert(
                    share.clone(),
                    Derived::Ratio {
                        numerator: format!("product.{id}.mass.{}.recycled", b.material),
                        denominator: format!("product.{id}.mass.{}", b.material),
                        scale: Decimal::ONE_HUNDRED,
                        unit: PCT,
                    },
                );
                n.main(share);
                let cshare = format!("product.{id}.component.{}.recycled_share", b.component);
                derived.insert(
                    cshare.clone(),
                    Derived::Ratio {
                        numerator: format!("product.{id}.component.{}.mass.recycled", b.component),
                        denominator: format!("product.{id}.component.{}.mass", b.component),
                        scale: Decimal::ONE_HUNDRED,
                        unit: PCT,
                    },
                );
                n.main(cshare);
                n.helper(format!("product.{id}.mass"));
                n.helper(format!("product.{id}.mass.{}", b.material));
                n.helper(format!("product.{id}.mass.{}.recycled", b.material));
                n.helper(format!("product.{id}.component.{}.mass", b.component));
                n.helper(format!(
                    "product.{id}.component.{}.mass.recycled",
                    b.component
                ));
                if let Some(r) = b.route {
                    n.helper(format!("product.{id}.iso22628.{}", r.key()));
                    iso22628_definitions(id, &mut derived, n);
                }
                sink(entry);
            }
            Err(d) => {
                diags.push(d);
                reject(&mut bstats, held);
            }
        }
    }

    let sfile: Arc<str> = stages
        .file
        .clone()
        .unwrap_or_else(|| project.shown(Input::ProductStages));
    for s in &stages.rows {
        let held = Some((s.quantity, s.unit.symbol));
        let Some(p) = by_id.get(s.product.as_str()) else {
            diags.push(unknown(&s.product_span, &s.product));
            reject(&mut sstats, held);
            continue;
        };
        match stage_entry(project, &resolver, p, s, &sfile) {
            Ok((entry, _)) => {
                sstats.used += 1;
                names.entry(p.id.clone()).or_default().main(format!(
                    "product.{}.stage.{}",
                    p.id,
                    s.stage.name()
                ));
                sink(entry);
            }
            Err(d) => {
                diags.push(d);
                reject(&mut sstats, held);
            }
        }
    }

    // Products with BOM rows, as a set: a scan of bom.csv per product was quadratic.
    let with_bom: BTreeSet<&str> = bom.rows.iter().map(|b| b.product.as_str()).collect();
    for p in &products.rows {
        if !with_bom.contains(p.id.as_str()) {
            diags.push(
                Diagnostic::warning(
                    "no-bill-of-materials",
                    p.id_span.clone(),
                    format!(
                        "product `{}` has no rows in bom.csv: its footprint has no materials stage",
                        p.id
                    ),
                )
                .with_hint("list its components and materials in bom.csv"),
            );
        }
    }
    // Fallbacks are in the entries' traces (`fallback` steps); the ledger warns of them
    // once for every register, at carbonledger.toml, where an edition would be chosen.

    report.names.push("products.count".into());
    for p in &products.rows {
        if let Some(n) = names.remove(&p.id) {
            let mut main = n.main;
            // Stages in life-cycle order, then the rest as they came.
            let order = |s: &String| -> usize {
                let suffix = s.strip_prefix(&format!("product.{}.", p.id)).unwrap_or(s);
                match suffix {
                    "footprint" => 0,
                    "stage.materials" => 1,
                    "stage.manufacturing" => 2,
                    "stage.distribution" => 3,
                    "stage.use" => 4,
                    "stage.end_of_life" => 5,
                    x if x.starts_with("component.") && x.ends_with(".footprint") => 6,
                    x if x.starts_with("recycled_share.") => 7,
                    x if x.starts_with("component.") => 8,
                    "recyclability" => 9,
                    "recoverability" => 10,
                    _ => 11,
                }
            };
            main.sort_by_key(|s| order(s));
            report.names.extend(main);
            report.names.extend(n.helpers);
        }
    }
    report.derived = derived;
    report.diagnostics = diags;
    report.files = vec![pstats, bstats, sstats]
        .into_iter()
        .filter(|s| s.present)
        .collect();
    report
}

fn iso22628_definitions(id: &str, derived: &mut BTreeMap<String, Derived>, n: &mut Names) {
    let term = |r: Route| format!("product.{id}.iso22628.{}", r.key());
    let cyc: Vec<String> = Route::ALL
        .iter()
        .filter(|r| r.recyclable())
        .map(|r| term(*r))
        .collect();
    let cov: Vec<String> = Route::ALL
        .iter()
        .filter(|r| r.recoverable())
        .map(|r| term(*r))
        .collect();
    let recyclable = format!("product.{id}.iso22628.recyclable");
    let recoverable = format!("product.{id}.iso22628.recoverable");
    derived.insert(
        recyclable.clone(),
        Derived::Plus {
            terms: cyc,
            unit: KG,
        },
    );
    derived.insert(
        recoverable.clone(),
        Derived::Plus {
            terms: cov,
            unit: KG,
        },
    );
    for (rate, of) in [
        ("recyclability", &recyclable),
        ("recoverability", &recoverable),
    ] {
        derived.insert(
            format!("product.{id}.{rate}"),
            Derived::Ratio {
                numerator: of.clone(),
                denominator: format!("product.{id}.mass"),
                scale: Decimal::ONE_HUNDRED,
                unit: PCT,
            },
        );
        n.main(format!("product.{id}.{rate}"));
    }
    n.helper(recyclable);
    n.helper(recoverable);
}

fn factor_diag(span: &Span, e: factor::FactorError) -> Diagnostic {
    Diagnostic::error(e.code, span.clone(), e.message).with_hint(e.hint)
}

/// One bill-of-materials line: cut-off footprint, masses for the recycled shares and ISO 22628.
fn material_entry(
    project: &crate::project::Project,
    resolver: &Resolver<'_>,
    p: &Product,
    b: &BomLine,
    kg: Option<AnyUnit>,
    file: &Arc<str>,
) -> Result<(Entry, Vec<String>), Diagnostic> {
    let span = Span::line(file, b.line);
    let kind = b.unit.kind;
    let primary = resolve_factor(project, resolver, &b.primary, p.year, kind)
        .map_err(|e| factor_diag(&b.primary_span, e))?;
    let recycled = match (&b.recycled, b.recycled_pct.is_zero()) {
        (Some(r), false) => Some(
            resolve_factor(project, resolver, r, p.year, kind)
                .map_err(|e| factor_diag(&b.recycled_span, e))?,
        ),
        _ => None,
    };
    let kg = kg.ok_or_else(|| Diagnostic::error("internal", span.clone(), "no kg unit"))?;
    let what = format!("{} {} {}", p.id, b.component, b.material);
    let mass_span = b.mass_span.clone();
    let calc = || -> Result<_, CalcError> {
        let mass_kg = decimal::mul(b.mass, b.unit.scale)?;
        let r = decimal::div(b.recycled_pct, Decimal::ONE_HUNDRED)?.value;
        let recycled_kg = decimal::mul(mass_kg, r)?;
        let primary_kg = decimal::sub(mass_kg, recycled_kg)?;
        let (e1, x1) = primary.apply(primary_kg, kg)?;
        let (e2, x2) = match &recycled {
            Some(f) => f.apply(recycled_kg, kg)?,
            None => (Decimal::ZERO, true),
        };
        Ok((
            mass_kg,
            r,
            recycled_kg,
            primary_kg,
            e1,
            e2,
            decimal::add(e1, e2)?,
            x1 && x2,
        ))
    };
    let (mass_kg, r, recycled_kg, primary_kg, e1, e2, total, exact) =
        calc().map_err(|e| overflow(mass_span, &what, &e))?;
    let mut steps = vec![step(
        "activity",
        format!(
            "{} {} of {} in {} = {} kg; recycled share {}% (r = {})",
            b.mass,
            b.unit.symbol,
            b.material,
            b.component,
            mass_kg.normalize(),
            b.recycled_pct.normalize(),
            r.normalize()
        ),
    )];
    steps.extend(primary.steps(
        "primary",
        &format!("(1 − r) × mass = {} kg", primary_kg.normalize()),
        e1,
        exact,
    ));
    match &recycled {
        Some(f) => steps.extend(f.steps(
            "recycled",
            &format!("r × mass = {} kg", recycled_kg.normalize()),
            e2,
            exact,
        )),
        None => steps.push(step("recycled", "r = 0: no recycled part".into())),
    }
    steps.push(step(
        "cut-off",
        format!(
            "{} + {} = {} kg CO2e (cut-off: recycled input carries only its recycling burden)",
            e1.normalize(),
            e2.normalize(),
            total.normalize()
        ),
    ));
    if let Some(route) = b.route {
        steps.push(step(
            "ISO 22628",
            format!(
                "end-of-life route {}: {} kg counts in {}{}",
                route.name(),
                mass_kg.normalize(),
                route.term(),
                if route.recoverable() {
                    ""
                } else {
                    " (in mV only)"
                }
            ),
        ));
    }
    let id = &p.id;
    let y = p.year;
    // The lines: the mass at the primary factor for its share 1 − r, and at the recycled
    // factor for r (cut-off); the masses as written, in kg, the recycled one at r.
    let share = |label: &str, num: Decimal| {
        TermStep::input(
            label,
            num,
            Decimal::ONE_HUNDRED,
            "1",
            "bom.csv recycled_pct".into(),
        )
    };
    let rest = decimal::sub(Decimal::ONE_HUNDRED, b.recycled_pct).unwrap_or_default();
    let co2_terms: Vec<Term> = {
        let first = primary.term(b.mass, b.unit).map(|t| {
            if b.recycled_pct.is_zero() {
                t
            } else {
                t.then(share("primary share", rest))
            }
        });
        let second = recycled.as_ref().map(|f| {
            f.term(b.mass, b.unit)
                .map(|t| t.then(share("recycled share", b.recycled_pct)))
        });
        match (first, second) {
            (Some(a), None) => vec![a],
            (Some(a), Some(Some(b))) => vec![a, b],
            _ => Vec::new(),
        }
    };
    let mass_term = {
        let mut t = Term::of(b.mass, b.unit.symbol, "mass");
        t.conversion = (b.unit.scale, Decimal::ONE);
        t
    };
    let recycled_term = mass_term
        .clone()
        .then(share("recycled share", b.recycled_pct));
    let co2 = |name: String| Contribution {
        exact,
        terms: co2_terms.clone(),
        ..Contribution::new(name, y, total, KG_CO2E).with_basis(mass_kg, KG)
    };
    let mass = |name: String, v: Decimal, term: &Term| {
        let mut c = Contribution::new(name, y, v, KG);
        c.terms = vec![term.clone()];
        c
    };
    let mut parts = vec![
        co2(format!("product.{id}.footprint")),
        co2(format!("product.{id}.stage.materials")),
        co2(format!("product.{id}.component.{}.footprint", b.component)),
        mass(format!("product.{id}.mass"), mass_kg, &mass_term),
        mass(
            format!("product.{id}.mass.{}", b.material),
            mass_kg,
            &mass_term,
        ),
        mass(
            format!("product.{id}.mass.{}.recycled", b.material),
            recycled_kg,
            &recycled_term,
        ),
        mass(
            format!("product.{id}.component.{}.mass", b.component),
            mass_kg,
            &mass_term,
        ),
        mass(
            format!("product.{id}.component.{}.mass.recycled", b.component),
            recycled_kg,
            &recycled_term,
        ),
    ];
    if let Some(route) = b.route {
        parts.push(mass(
            format!("product.{id}.iso22628.{}", route.key()),
            mass_kg,
            &mass_term,
        ));
    }
    let mut fb = primary.fallbacks.clone();
    if let Some(f) = &recycled {
        fb.extend(f.fallbacks.iter().cloned());
    }
    Ok((
        Entry {
            file: Arc::clone(file),
            line: b.line,
            what: format!(
                "{} {}: {} {} {}, {}% recycled",
                p.id,
                b.component,
                b.mass,
                b.unit.symbol,
                b.material,
                b.recycled_pct.normalize()
            ),
            steps,
            parts,
        },
        fb,
    ))
}

/// One stage row: its quantity (× years for use) through its factor, or for manufacturing
/// without a factor, through the producing facility's grid factor.
fn stage_entry(
    project: &crate::project::Project,
    resolver: &Resolver<'_>,
    p: &Product,
    s: &StageLine,
    file: &Arc<str>,
) -> Result<(Entry, Vec<String>), Diagnostic> {
    let (r, via) = match &s.factor {
        Some(r) => (r.clone(), String::new()),
        None => {
            let Some(fi) = p.facility else {
                return Err(Diagnostic::error("missing-factor", s.factor_span.clone(), format!("manufacturing of `{}` names no factor, and the product names no producing facility", p.id))
                    .with_hint("give the product a `facility` in products.csv (its grid factor is used), or name a factor here"));
            };
            let f = &project.facilities.list[fi];
            let Some(g) = &f.grid else {
                return Err(Diagnostic::error("no-grid-factor", s.factor_span.clone(), format!("facility `{}` has no grid factor for the manufacturing electricity of `{}`", f.id, p.id))
                    .with_hint("fill its `grid` column in facilities.csv, or name a factor here"));
            };
            if s.unit.kind != crate::units::DimKind::Energy {
                return Err(Diagnostic::error("wrong-dimension", s.unit_span.clone(), format!("without a factor, manufacturing is electricity through the grid of `{}`, but the unit `{}` is a {}", f.id, s.unit.symbol, s.unit.kind.name()))
                    .with_hint("give the electricity per unit in kWh, or name the factor for this quantity"));
            }
            (
                g.clone(),
                format!(" (grid of the producing facility {})", f.id),
            )
        }
    };
    // A facility's grid may be a per-gas group (eGRID CO2, CH4, N2O): one factor per gas.
    let group = resolve_factor_group(project, resolver, &r, p.year, s.unit.kind)
        .map_err(|e| factor_diag(&s.factor_span, e))?;
    let what = format!("{} {}", p.id, s.stage.name());
    let (quantity, qtext) = match s.years {
        Some(y) => {
            let q = decimal::mul(s.quantity, y)
                .map_err(|e| overflow(s.quantity_span.clone(), &what, &e))?;
            (
                q,
                format!(
                    "{} {} per year × {} years = {} {}",
                    s.quantity,
                    s.unit.symbol,
                    y,
                    q.normalize(),
                    s.unit.symbol
                ),
            )
        }
        None => (
            s.quantity,
            format!("{} {} per unit", s.quantity, s.unit.symbol),
        ),
    };
    let mut steps = vec![step("activity", format!("{} {qtext}{via}", s.stage.name()))];
    let mut kg = Decimal::ZERO;
    let mut exact = true;
    let mut terms = Vec::with_capacity(group.len());
    let mut fallbacks = Vec::new();
    for f in &group {
        let (part, part_exact) = f
            .apply(quantity, s.unit)
            .map_err(|e| overflow(s.quantity_span.clone(), &what, &e))?;
        kg = decimal::add(kg, part).map_err(|e| overflow(s.quantity_span.clone(), &what, &e))?;
        exact &= part_exact;
        steps.extend(f.steps(
            s.stage.name(),
            &format!("{} {}", quantity.normalize(), s.unit.symbol),
            part,
            part_exact,
        ));
        // The line: the quantity as written (× the years of use), at the factor.
        if let Some(t) = f.term(s.quantity, s.unit) {
            terms.push(match s.years {
                Some(y) => t.then(TermStep::input(
                    "years",
                    y,
                    Decimal::ONE,
                    "year",
                    "product_stages.csv years".into(),
                )),
                None => t,
            });
        }
        fallbacks.extend(f.fallbacks.iter().cloned());
    }
    if group.len() > 1 {
        steps.push(step(
            "sum",
            format!("{} gases of {r}: {} kg CO2e", group.len(), kg.normalize()),
        ));
    }
    let c = |name: String| Contribution {
        exact,
        terms: terms.clone(),
        ..Contribution::new(name, p.year, kg, KG_CO2E).with_basis(quantity, s.unit.symbol)
    };
    Ok((
        Entry {
            file: Arc::clone(file),
            line: s.line,
            what: format!("{} {}: {}", p.id, s.stage.name(), qtext),
            steps,
            parts: vec![
                c(format!("product.{}.footprint", p.id)),
                c(format!("product.{}.stage.{}", p.id, s.stage.name())),
            ],
        },
        fallbacks,
    ))
}
