//! `instruments.csv` and market-based scope 2 (GHG Protocol Scope 2 Guidance, 2015, ch. 6–7:
//! the hierarchy energy attribute certificates and contracts → supplier-specific rate →
//! residual mix → grid average). Each instrument row is checked (kind, market, vintage,
//! serials, no over-claim); then each facility's electricity in each year is charged: claimed
//! MWh at the instrument's rate (zero for renewable attributes), the rest at the residual mix
//! of its market — for China, MEE's national average excluding market-traded non-fossil
//! electricity, the documented substitute — recorded on every line.

use super::counterfactual::{in_unit, Calculated, ClassChains, Site, J_PER_MWH};
use super::serials::{parse_serials, Claimed};
use crate::activity::{Carrier, Period, Scope, Subject};
use crate::calc::{show, Step};
use crate::decimal::{self, CalcError};
use crate::diag::{Diagnostic, Span};
use crate::factors::FactorRef;
use crate::ingest::Column;
use crate::project::Input;
use crate::register::fields::{read_optional, Fields};
use crate::register::{Context, Contribution, Entry, Report};
use crate::units::{lookup, AnyQty, AnyUnit, DimKind};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The columns of `instruments.csv`.
pub const COLUMNS: [Column; 11] = [
    Column {
        name: "id",
        required: true,
    },
    Column {
        name: "kind",
        required: true,
    },
    Column {
        name: "facility",
        required: true,
    },
    Column {
        name: "period",
        required: true,
    },
    Column {
        name: "quantity",
        required: true,
    },
    Column {
        name: "unit",
        required: true,
    },
    Column {
        name: "market",
        required: true,
    },
    Column {
        name: "vintage",
        required: false,
    },
    Column {
        name: "serials",
        required: false,
    },
    Column {
        name: "factor",
        required: false,
    },
    Column {
        name: "note",
        required: false,
    },
];

/// A kind of contractual instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A green power trade (绿电交易) or bundled renewable supply contract.
    GreenPowerTrade,
    /// A power purchase agreement with a renewable generator.
    Ppa,
    /// China's Green Electricity Certificate (绿证, GEC).
    Gec,
    /// An I-REC certificate.
    IRec,
    /// A (US) Renewable Energy Certificate.
    Rec,
    /// A Renewable Energy Guarantee of Origin (Great Britain, Ofgem).
    Rego,
    /// A Guarantee of Origin (EU/EEA and Switzerland, EECS).
    Go,
    /// A Large-scale Generation Certificate (Australia, Clean Energy Regulator).
    Lgc,
    /// An accredited GreenPower product (Australia).
    GreenPower,
    /// A supplier-specific emission rate (needs a factor).
    SupplierSpecific,
}

/// EU and EEA member states and Switzerland, where Guarantees of Origin are the tracking
/// instrument (Directive (EU) 2018/2001 Art. 19; EECS).
const GO_MARKETS: [&str; 31] = [
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match k.as_str() {
            "green_power_trade" | "绿电交易" | "green_power" => Kind::GreenPowerTrade,
            "ppa" => Kind::Ppa,
            "gec" | "绿证" => Kind::Gec,
            "i_rec" | "irec" => Kind::IRec,
            "rec" => Kind::Rec,
            "rego" => Kind::Rego,
            "go" | "guarantee_of_origin" => Kind::Go,
            "lgc" => Kind::Lgc,
            "greenpower" | "green_power_product" => Kind::GreenPower,
            "supplier_specific" => Kind::SupplierSpecific,
            _ => return None,
        })
    }

    /// Name as written.
    pub fn name(self) -> &'static str {
        match self {
            Kind::GreenPowerTrade => "green_power_trade",
            Kind::Ppa => "ppa",
            Kind::Gec => "gec",
            Kind::IRec => "i-rec",
            Kind::Rec => "rec",
            Kind::Rego => "rego",
            Kind::Go => "go",
            Kind::Lgc => "lgc",
            Kind::GreenPower => "greenpower",
            Kind::SupplierSpecific => "supplier_specific",
        }
    }

    /// Whether the instrument can be claimed for electricity consumed in `country`: each
    /// tracking system's certificates only in its own market; I-RECs where no national
    /// system exists; contracts (PPA, supplier rate) anywhere.
    pub fn valid_in(self, country: &str) -> bool {
        let own = |c: &[&str]| c.contains(&country);
        match self {
            Kind::Gec | Kind::GreenPowerTrade => own(&["CN"]),
            Kind::Rego => own(&["GB"]),
            Kind::Go => GO_MARKETS.contains(&country),
            Kind::Lgc | Kind::GreenPower => own(&["AU"]),
            Kind::Rec => own(&["US"]),
            Kind::IRec => !own(&["US", "GB", "AU"]) && !GO_MARKETS.contains(&country),
            Kind::Ppa | Kind::SupplierSpecific => true,
        }
    }

    /// Where the instrument is valid, in words (for hints).
    fn markets(self) -> &'static str {
        match self {
            Kind::Gec | Kind::GreenPowerTrade => "CN",
            Kind::Rego => "GB",
            Kind::Go => "the EU/EEA and CH",
            Kind::Lgc | Kind::GreenPower => "AU",
            Kind::Rec => "US",
            Kind::IRec => {
                "markets without a national tracking system (not US, GB, AU, the EU/EEA, CH)"
            }
            Kind::Ppa | Kind::SupplierSpecific => "any market",
        }
    }

    /// Certificates are counted in MWh, one per MWh, and carry serials and a vintage.
    fn is_certificate(self) -> bool {
        matches!(
            self,
            Kind::Gec | Kind::IRec | Kind::Rec | Kind::Rego | Kind::Go | Kind::Lgc
        )
    }

    /// Whether the instrument conveys renewable attributes.
    fn is_renewable(self) -> bool {
        self != Kind::SupplierSpecific
    }
}

/// One accepted instrument.
#[derive(Debug, Clone)]
struct Instrument {
    line: u64,
    id: String,
    kind: Kind,
    period: Period,
    energy_j: Decimal,
    quantity: Decimal,
    unit: AnyUnit,
    factor: Option<FactorRef>,
    serials: String,
}

/// Electricity consumed by a facility in a year: gross joules (before the consolidation
/// share), the share, and how many rows. When the facility's share changed during the year
/// (`facility_changes.csv`), the share is the year's: net ÷ gross joules.
#[derive(Debug, Clone, Copy, Default)]
struct Consumed {
    gross_j: Decimal,
    net_j: Decimal,
    share: Decimal,
    mixed: bool,
    seen: bool,
    rows: u64,
}

fn consumption(ctx: &Context<'_>) -> Result<BTreeMap<(usize, i32), Consumed>, CalcError> {
    let mut m: BTreeMap<(usize, i32), Consumed> = BTreeMap::new();
    for (c, a) in ctx.comp.chains.iter().zip(&ctx.comp.accums) {
        if c.subject != Subject::Carrier(Carrier::Electricity) || c.scope != Scope::Scope2 {
            continue;
        }
        let gross = if c.share.is_zero() {
            Decimal::ZERO
        } else if c.share == Decimal::ONE {
            // What the division by one gives (a quotient is normalized), without dividing.
            a.energy_j.normalize()
        } else {
            decimal::div(a.energy_j, c.share)?.value
        };
        let e = m.entry((c.facility, c.year)).or_default();
        e.gross_j = decimal::add(e.gross_j, gross)?;
        e.net_j = decimal::add(e.net_j, a.energy_j)?;
        e.mixed |= e.seen && e.share != c.share;
        e.seen = true;
        e.share = c.share;
        e.rows += a.rows;
    }
    for e in m.values_mut().filter(|e| e.mixed && !e.gross_j.is_zero()) {
        e.share = decimal::div(e.net_j, e.gross_j)?.value;
    }
    Ok(m)
}

/// Gross electricity (J, before the consolidation share) per facility and period as written,
/// from a second reading of the energy rows; `None` if they cannot be read again.
fn consumption_by_period(ctx: &Context<'_>) -> Option<BTreeMap<(usize, Period), Decimal>> {
    let mut m: BTreeMap<(usize, Period), Decimal> = BTreeMap::new();
    let mut overflow = false;
    let options = crate::calc::RunOptions {
        strict: ctx.strict,
        threads: ctx.threads,
    };
    let read = crate::calc::for_each_line(ctx.project, options, &ctx.comp.duplicates, &mut |v| {
        let a = v.activity;
        if a.subject == Subject::Carrier(Carrier::Electricity) && v.chain.scope == Scope::Scope2 {
            let e = m.entry((a.facility, a.period)).or_default();
            match decimal::add(*e, a.qty.base) {
                Ok(x) => *e = x,
                Err(_) => overflow = true,
            }
        }
    });
    (read.is_ok() && !overflow).then_some(m)
}

/// The electricity a facility consumed within period `p`, when its rows allow it: every row
/// of that facility that overlaps `p` must lie within it (an annual row cannot be split).
/// Reads the facility's own entries only (its keys are contiguous in `m`, in the order a
/// scan of the whole map would meet them).
fn period_consumption(
    m: &BTreeMap<(usize, Period), Decimal>,
    facility: usize,
    p: Period,
) -> Option<Decimal> {
    let (lo, hi) = month_index(p);
    let mut total = Decimal::ZERO;
    // `Year(i32::MIN)` is the least period: `Period` orders by variant, then by value.
    let own = m
        .range((facility, Period::Year(i32::MIN))..)
        .take_while(|(&(f, _), _)| f == facility);
    for (&(_, r), &e) in own {
        let (rlo, rhi) = month_index(r);
        if rhi < lo || rlo > hi {
            continue;
        }
        if rlo < lo || rhi > hi {
            return None;
        }
        total = decimal::add(total, e).ok()?;
    }
    Some(total)
}

fn month_index(p: Period) -> (i64, i64) {
    let y = i64::from(p.year()) * 12;
    match p {
        Period::Year(_) => (y, y + 11),
        Period::Quarter(_, q) => (y + 3 * (i64::from(q) - 1), y + 3 * i64::from(q) - 1),
        Period::Month(_, m) => (y + i64::from(m) - 1, y + i64::from(m) - 1),
        // Registers read periods with `Period::parse`, which gives no ranges of days.
        Period::Days(a, b) => {
            let (ya, ma, _) = a.ymd();
            let (yb, mb, _) = b.ymd();
            (
                i64::from(ya) * 12 + i64::from(ma) - 1,
                i64::from(yb) * 12 + i64::from(mb) - 1,
            )
        }
    }
}

/// How the electricity's input is named in the entries: as a file (for spans) and in words.
/// Found once per run: each asks the file system whether energy.csv is a folder, and there is
/// an entry per facility and year.
struct EnergyInput {
    file: Arc<str>,
    label: String,
}

impl EnergyInput {
    fn of(project: &crate::project::Project) -> EnergyInput {
        EnergyInput {
            file: crate::calc::input_shown(project, crate::calc::InputFile::Energy),
            label: crate::project::input_label(project, Input::Energy),
        }
    }
}

/// Reads, checks and applies `instruments.csv`; sends the instrument and market-based entries.
pub fn run(ctx: &Context<'_>, sink: &mut dyn FnMut(Entry), report: &mut Report) {
    let project = ctx.project;
    report
        .diagnostics
        .extend(super::counterfactual::residual_mix_problems(project));
    let consumed = match consumption(ctx) {
        Ok(c) => c,
        Err(e) => {
            report.diagnostics.push(Diagnostic::error(
                "overflow",
                Span::file(&crate::calc::input_shown(
                    project,
                    crate::calc::InputFile::Energy,
                )),
                format!("electricity consumption per facility: {e}"),
            ));
            return;
        }
    };
    let energy = EnergyInput::of(project);
    let energy_file = &energy.file;
    let policy = &project.manifest.renewables;
    let mut claimed: BTreeMap<(usize, i32), Decimal> = BTreeMap::new();
    // Instruments for a quarter or a month are also checked against that period's
    // consumption, read from the energy rows the first time one is met.
    let mut by_period: Option<Option<BTreeMap<(usize, Period), Decimal>>> = None;
    let mut claimed_in_period: BTreeMap<(usize, Period), Decimal> = BTreeMap::new();
    let mut in_period: BTreeMap<(usize, Period), Option<Decimal>> = BTreeMap::new();
    // Instruments' own rates, resolved once per facility class, year, unit and factor (a
    // failed resolution is tried again at each row, so every such row is refused).
    let mut row_chains = ClassChains::default();
    let mut serials = Claimed::default();
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    let mut accepted: BTreeMap<(usize, i32), Vec<Instrument>> = BTreeMap::new();
    let read = read_optional(project, Input::Instruments, &COLUMNS, |row| {
        let mut f = Fields::new(row);
        if f.ragged() {
            return (f.diags, None);
        }
        let id = f.required(0, "id").map(str::to_string);
        let kind = f.required(1, "kind").and_then(|k| {
            let kind = Kind::parse(k);
            if kind.is_none() {
                f.error(
                    "unknown-instrument",
                    1,
                    format!("unknown instrument kind `{k}`"),
                    Some(
                        "one of green_power_trade, ppa, gec, i-rec, rec, rego, go, lgc, greenpower, supplier_specific".into(),
                    ),
                );
            }
            kind
        });
        let facility = f.facility(2, &project.facilities);
        let period = f.period_in(3, &project.manifest);
        f.in_boundary((facility, period), 3, project);
        let quantity = f.amount(4, "quantity");
        let unit = f.unit(5, &[DimKind::Energy], "an instrument covers electricity");
        let left_out = quantity.zip(unit).map(|(q, u)| (q, u.symbol.to_string()));
        let market = f.required(6, "market");
        let factor = f.factor_ref(9);
        if let Some(id) = &id {
            if let Some(first) = ids.get(id) {
                f.error(
                    "duplicate-row",
                    0,
                    format!("instrument id `{id}` already used on line {first}"),
                    Some("give each instrument its own id".into()),
                );
            }
        }
        if let (Some(m), Some(fac)) = (market, facility) {
            let country = &project.facilities.list[fac].country;
            if !m.eq_ignore_ascii_case(country) {
                f.error(
                    "market-mismatch",
                    6,
                    format!("instrument market `{m}` does not match facility {}'s market `{country}`", project.facilities.list[fac].id),
                    Some("GHG Protocol Scope 2 quality criteria: instruments must come from the market where the electricity is consumed".into()),
                );
            }
        }
        if let (Some(k), Some(fac)) = (kind, facility) {
            let country = &project.facilities.list[fac].country;
            if !k.valid_in(country) {
                f.error(
                    "instrument-outside-market",
                    1,
                    format!(
                        "a {} is not a valid instrument for electricity consumed in {country} (facility {})",
                        k.name(),
                        project.facilities.list[fac].id
                    ),
                    Some(format!("{} instruments are valid in {}; use the instrument of the market where the electricity is consumed (GHG Protocol Scope 2 Guidance, quality criteria)", k.name(), k.markets())),
                );
            }
        }
        if let (Some(k), Some(p)) = (kind, period) {
            let vintage = f.text(7);
            if vintage.is_empty() {
                if k.is_certificate() {
                    f.error(
                        "missing-value",
                        7,
                        format!(
                            "a {} certificate needs its vintage (generation year or month)",
                            k.name()
                        ),
                        Some("write e.g. 2025 or 2025-03".into()),
                    );
                }
            } else {
                match Period::parse(vintage).filter(|v| !matches!(v, Period::Quarter(..))) {
                    None => f.error(
                        "bad-period",
                        7,
                        format!("bad vintage `{vintage}`"),
                        Some("write a year (2025) or a month (2025-03)".into()),
                    ),
                    Some(v) => {
                        // The consumption year is the reporting year (April–March under
                        // `year_start = "04-01"`); vintages are calendar years or months.
                        let (lo, hi) = match project.manifest.calendar.range(p.year()) {
                            Some((a, b)) => month_index(Period::Days(a, b)),
                            None => month_index(Period::Year(p.year())),
                        };
                        let lo = lo - i64::from(policy.vintage_months_before);
                        let hi = hi + i64::from(policy.vintage_months_after);
                        let (vlo, vhi) = month_index(v);
                        if vlo < lo || vhi > hi {
                            f.error(
                                "vintage-outside-rule",
                                7,
                                format!("vintage {v} is outside the rule for consumption in {}: generation from {} months before to {} months after that year", project.manifest.calendar.describe(p.year()), policy.vintage_months_before, policy.vintage_months_after),
                                Some("set [renewables] vintage_months_before / vintage_months_after in carbonledger.toml to the rule you report under, or use certificates of a matching vintage".into()),
                            );
                        }
                    }
                }
            }
            if k == Kind::SupplierSpecific && factor.is_none() {
                f.error("missing-value", 9, "a supplier-specific rate needs its factor".into(), Some("name the supplier's published rate as a project-local factor, e.g. mysupplier@2025:rate".into()));
            }
        }
        let serial_text = f.text(8).to_string();
        let runs = if serial_text.is_empty() {
            Vec::new()
        } else {
            match parse_serials(&serial_text) {
                Ok(r) => r,
                Err(e) => {
                    f.error(
                        "bad-serial",
                        8,
                        e,
                        Some("list serials separated by `;`, ranges as FIRST..LAST".into()),
                    );
                    Vec::new()
                }
            }
        };
        if let (Some(k), Some(q), Some(u)) = (kind, quantity, unit) {
            if k.is_certificate() && !runs.is_empty() {
                let count: u128 = runs.iter().map(|r| r.count()).sum();
                let mwh = decimal::mul(q, u.scale)
                    .ok()
                    .and_then(|j| decimal::div(j, J_PER_MWH).ok());
                if mwh.is_none_or(|m| {
                    !m.exact || Decimal::from_i128_with_scale(count as i128, 0) != m.value
                }) {
                    f.error(
                        "serial-count-mismatch",
                        8,
                        format!("{count} certificate serial(s) listed for {q} {} (one certificate is 1 MWh)", u.symbol),
                        Some("the serials must cover exactly the quantity claimed".into()),
                    );
                }
            }
        }
        // An instrument of nothing is nearly always a slip (a blank written as 0, a total in
        // the wrong column). A certificate is one MWh each, so none of them is no certificate:
        // the row is refused. A contract's month without delivery may be true, so it is only
        // said.
        if let (Some(k), Some(q), Some(u)) = (kind, quantity, unit) {
            if q.is_zero() {
                let message = format!("a {} of {q} {} claims no electricity", k.name(), u.symbol);
                if k.is_certificate() {
                    f.error(
                        "zero-instrument",
                        4,
                        format!("{message}: a certificate is 1 MWh, so this row holds none"),
                        Some("write the MWh the certificates cover, or leave the row out".into()),
                    );
                } else {
                    f.diags.push(
                        Diagnostic::warning("zero-instrument", row.span_of(4), message)
                            .with_hint("write the MWh delivered, or leave the row out when nothing was delivered")
                            .with_source(row.text()),
                    );
                }
            }
        }
        // A quantity too large to hold in joules is an error of the row; dropped silently, the
        // instrument would be neither applied nor rejected.
        let energy_j = match quantity
            .zip(unit)
            .map(|(q, u)| (q, u, decimal::mul(q, u.scale)))
        {
            Some((_, _, Ok(j))) => Some(j),
            Some((q, u, Err(e))) => {
                f.error(
                    "overflow",
                    4,
                    format!("{q} {} cannot be held exactly: {e}", u.symbol),
                    Some("every quantity is held in base units (J); this one exceeds about 7.9 × 10^28 of them — check the value at its source".into()),
                );
                None
            }
            None => None,
        };
        if f.diags.iter().any(Diagnostic::is_error) {
            return (f.diags, left_out);
        }
        let (Some(id), Some(kind), Some(fac), Some(p), Some(q), Some(u), Some(j)) =
            (id, kind, facility, period, quantity, unit, energy_j)
        else {
            return (f.diags, left_out);
        };
        // The instrument's own rate is resolved here, so that a factor that cannot be used
        // rejects this row (at its `factor` column) rather than the facility's market-based
        // total later.
        if let Some(r) = &factor {
            let site = Site {
                facility: fac,
                period: Period::Year(p.year()),
                line: row.line(),
            };
            let qty = AnyQty {
                kind: DimKind::Energy,
                base: j,
            };
            if let Err((code, msg, hint)) = row_chains.check(
                project,
                ctx.strict,
                site,
                (Carrier::Electricity, qty, u),
                Some(r),
            ) {
                f.error(code, 9, msg, Some(hint).filter(|h| !h.is_empty()));
                return (f.diags, left_out);
            }
        }
        // Over-claim: instruments of a facility and year may not exceed its consumption.
        let year = p.year();
        let used = consumed.get(&(fac, year)).copied().unwrap_or_default();
        if used.rows > 0 && used.share.is_zero() {
            // The facility's electricity is outside the boundary (consolidation share 0): its
            // instruments have nothing to cover. Reported, not applied.
            f.diags.push(
                Diagnostic::warning(
                    "outside-boundary",
                    row.span_of(2),
                    format!(
                        "{} is outside the {} boundary (share 0): instrument {id} is not applied",
                        project.facilities.list[fac].id,
                        project.manifest.consolidation.name()
                    ),
                )
                .with_source(row.text()),
            );
            return (f.diags, left_out);
        }
        let before = claimed.get(&(fac, year)).copied().unwrap_or_default();
        let after = decimal::add(before, j).unwrap_or(Decimal::MAX);
        if after > used.gross_j {
            let mwh = |v: Decimal| show(v, J_PER_MWH, "MWh");
            f.error(
                "over-claim",
                4,
                format!(
                    "instruments for {} in {year} would claim {} but it consumed {} of electricity ({}, {} row(s)); {} already claimed",
                    project.facilities.list[fac].id,
                    mwh(after),
                    mwh(used.gross_j),
                    crate::project::input_label(project, Input::Energy),
                    used.rows,
                    mwh(before)
                ),
                Some("a facility cannot claim more renewable or supplier-specific electricity than it consumed; reduce the quantity or assign it to the facility that consumed it".into()),
            );
            return (f.diags, left_out);
        }
        if !matches!(p, Period::Year(_)) {
            let periods = by_period.get_or_insert_with(|| consumption_by_period(ctx));
            let before_p = claimed_in_period
                .get(&(fac, p))
                .copied()
                .unwrap_or_default();
            let after_p = decimal::add(before_p, j).unwrap_or(Decimal::MAX);
            // A facility's consumption in a period is found once, however many instruments
            // name that period.
            let used_in = periods.as_ref().map(|m| {
                *in_period
                    .entry((fac, p))
                    .or_insert_with(|| period_consumption(m, fac, p))
            });
            match used_in {
                Some(Some(used_p)) if after_p > used_p => {
                    let mwh = |v: Decimal| show(v, J_PER_MWH, "MWh");
                    f.error(
                        "over-claim",
                        4,
                        format!(
                            "instruments for {} in {p} would claim {} but it consumed {} of electricity in {p}; {} already claimed",
                            project.facilities.list[fac].id,
                            mwh(after_p),
                            mwh(used_p),
                            mwh(before_p)
                        ),
                        Some("an instrument for a quarter or month covers that period's consumption only".into()),
                    );
                    return (f.diags, left_out);
                }
                Some(Some(_)) => {
                    claimed_in_period.insert((fac, p), after_p);
                }
                _ => f.diags.push(
                    Diagnostic::warning(
                        "period-not-checked",
                        row.span_of(3),
                        format!(
                            "the electricity {} consumed in {p} cannot be isolated (its energy rows cover a longer period); the claim is checked against the year only",
                            project.facilities.list[fac].id
                        ),
                    )
                    .with_source(row.text()),
                ),
            }
        }
        if let Err((serial, at)) = serials.claim(&runs, row.line()) {
            f.error(
                "duplicate-serial",
                8,
                format!("certificate {serial} is already claimed on line {at}"),
                Some("each certificate may be claimed once, across rows and years".into()),
            );
            return (f.diags, left_out);
        }
        claimed.insert((fac, year), after);
        ids.insert(id.clone(), row.line());
        accepted.entry((fac, year)).or_default().push(Instrument {
            line: row.line(),
            id,
            kind,
            period: p,
            energy_j: j,
            quantity: q,
            unit: u,
            factor,
            serials: serial_text,
        });
        (f.diags, left_out)
    });
    if let Some((stats, diags)) = read {
        report.files.push(stats);
        report.diagnostics.extend(diags);
    }
    let file = project.shown(Input::Instruments);
    // Instrument entries: renewable electricity consumed through contracts and certificates.
    for ((fac, year), list) in &accepted {
        let share = consumed
            .get(&(*fac, *year))
            .map_or(Decimal::ONE, |c| c.share);
        for i in list.iter().filter(|i| i.kind.is_renewable()) {
            let part = decimal::mul(i.energy_j, share).and_then(|j| in_unit(j, J_PER_MWH));
            let Ok((mwh, exact)) = part else { continue };
            let mut steps = vec![Step {
                label: "instrument".into(),
                text: format!(
                    "{} {} {} {} for {} ({}), market {}",
                    i.kind.name(),
                    i.id,
                    i.quantity,
                    i.unit.symbol,
                    project.facilities.list[*fac].id,
                    i.period,
                    project.facilities.list[*fac].country
                ),
                factor: None,
            }];
            if !i.serials.is_empty() {
                steps.push(Step {
                    label: "serials".into(),
                    text: i.serials.clone(),
                    factor: None,
                });
            }
            steps.push(Step {
                label: "share".into(),
                text: format!("consolidation share {} → {mwh} MWh", share.normalize()),
                factor: None,
            });
            // The line: the quantity as written, in MWh, at the consolidation share.
            let mut term = crate::register::Term::of(i.quantity, i.unit.symbol, "energy");
            term.conversion = (i.unit.scale, J_PER_MWH);
            term.share = share;
            sink(Entry {
                file: file.clone(),
                line: i.line,
                what: format!(
                    "{} {} {}",
                    project.facilities.list[*fac].id,
                    i.period,
                    i.kind.name()
                ),
                steps,
                parts: vec![
                    Contribution {
                        exact,
                        terms: vec![term.clone()],
                        ..Contribution::new("energy.renewable", *year, mwh, "MWh")
                    },
                    Contribution {
                        exact,
                        terms: vec![term],
                        ..Contribution::new("energy.renewable.contractual", *year, mwh, "MWh")
                    },
                ],
            });
        }
    }
    // Market-based electricity, one entry per facility and year.
    let mwh_unit = lookup("MWh").ok();
    let mut chains = ClassChains::default();
    for (&(fac, year), used) in &consumed {
        let Some(mwh_unit) = mwh_unit else { break };
        let list = accepted.get(&(fac, year)).map(Vec::as_slice).unwrap_or(&[]);
        match market_entry(ctx, &mut chains, (fac, year), used, list, mwh_unit, &energy) {
            Ok(e) => sink(e),
            // Instruments' own rates were resolved at their rows, so what fails here is the
            // residual mix or the exempt share the manifest names (or an overflow of the
            // facility's total), each reported where it is written.
            Err((code, msg, hint)) => report.diagnostics.push(
                Diagnostic::error(
                    code,
                    if code == "overflow" {
                        Span::file(energy_file)
                    } else {
                        let table = if msg.starts_with(EXEMPT_TABLE) {
                            "exempt_share"
                        } else {
                            "residual_mix"
                        };
                        super::counterfactual::renewables_span(
                            project,
                            table,
                            &project.facilities.list[fac].country,
                        )
                    },
                    format!(
                        "market-based scope 2 for {} {year}: {msg}",
                        project.facilities.list[fac].id
                    ),
                )
                .with_hint(hint),
            ),
        }
    }
    // Heat and steam: no instruments apply, so market-based equals location-based.
    for (c, a) in ctx.comp.chains.iter().zip(&ctx.comp.accums) {
        let Subject::Carrier(k) = c.subject else {
            continue;
        };
        if c.scope != Scope::Scope2 || k == Carrier::Electricity {
            continue;
        }
        let Ok(t) = decimal::div(a.co2e_kg, Decimal::from(1000)) else {
            continue;
        };
        sink(Entry {
            file: energy_file.clone(),
            line: 0,
            what: format!("{} {} {} ({} row(s))", project.facilities.list[c.facility].id, c.year, k.name(), a.rows),
            steps: vec![Step {
                label: "market".into(),
                text: format!("no contractual instruments for purchased {}: market-based = location-based = {}", k.name(), show(a.co2e_kg, Decimal::from(1000), "t CO2e")),
                factor: None,
            }],
            parts: vec![Contribution { exact: a.inexact_rows == 0, restates: Some(Box::new(c.clone())), ..Contribution::new("ghg.scope2.market", c.year, t.value, "t CO2e") }],
        });
    }
}

/// The remainder's line stated from the electricity consumed Q: the facility-year's MWh, then
/// × (1 − the market's exempt share) when it has one, then the part no instrument covers as
/// its allocation step — (Q − instruments) ÷ Q, or with an exempt share (Q × (1 − share) −
/// instruments) ÷ (Q × (1 − share)). Unchanged when the amounts are not exact in MWh.
fn allocated(
    mut calc: crate::register::ChainLine,
    consumed_j: Decimal,
    uncovered_j: Decimal,
    exempt: Option<&(Decimal, crate::calc::UsedFactor)>,
) -> crate::register::ChainLine {
    let after_j = match exempt {
        Some((ratio, _)) => match decimal::mul(consumed_j, Decimal::ONE - *ratio) {
            Ok(v) => v,
            _ => return calc,
        },
        None => consumed_j,
    };
    if consumed_j == uncovered_j && exempt.is_none() {
        return calc;
    }
    let (Ok((after, true)), Ok((rest, true))) =
        (in_unit(after_j, J_PER_MWH), in_unit(uncovered_j, J_PER_MWH))
    else {
        return calc;
    };
    let Ok(q) = decimal::div(consumed_j, calc.activity.unit.scale) else {
        return calc;
    };
    if !q.exact {
        return calc;
    }
    calc.activity.quantity = q.value;
    if let Some((ratio, used)) = exempt {
        calc.steps.push(crate::register::TermStep::input(
            "exempt share",
            Decimal::ONE - *ratio,
            Decimal::ONE,
            "1",
            format!(
                "1 − {} (the market's renewable share, of all the electricity consumed)",
                used.reference
            ),
        ));
    }
    if after_j != uncovered_j {
        let what = if exempt.is_some() {
            "electricity left after the exempt share not covered by instruments (instruments.csv): (consumed × (1 − share) − instruments) ÷ (consumed × (1 − share)), at the residual mix"
        } else {
            "electricity consumed (energy.csv) not covered by instruments (instruments.csv): (consumed − instruments) ÷ consumed, at the residual mix"
        };
        calc.steps.push(crate::register::TermStep::input(
            "allocation",
            rest,
            after,
            "1",
            what.into(),
        ));
    }
    calc
}

/// How every exempt-share message begins, so that the error is placed at its own line.
const EXEMPT_TABLE: &str = "[renewables.exempt_share]";

/// A market's exempt share as a ratio, with the factor it came from.
type ExemptShare = Option<(Decimal, crate::calc::UsedFactor, Vec<String>)>;

/// The share of grid electricity market `country`'s own scheme makes renewable in `year`, as
/// a ratio with the factor it came from (`[renewables] exempt_share`; Australia's RPP by
/// default), or `None` for a market with none.
fn exempt_share(
    ctx: &Context<'_>,
    country: &str,
    year: i32,
) -> Result<ExemptShare, (&'static str, String, String)> {
    let project = ctx.project;
    let Some(text) = project.manifest.renewables.exempt_share.get(country) else {
        return Ok(None);
    };
    let r = FactorRef::parse(text).map_err(|e| {
        (
            "bad-factor-reference",
            format!("[renewables.exempt_share] {country}: {e}"),
            "e.g. AU = \"au-cer-rpp:rpp\"".to_string(),
        )
    })?;
    let resolver =
        crate::calc::Resolver::new(project, crate::calc::ResolveOptions { strict: ctx.strict });
    let mut notes = Vec::new();
    let (ed, def) = resolver.find(&r, year, &mut notes).map_err(|e| {
        (
            e.code,
            format!("{EXEMPT_TABLE} {country}: {}", e.message),
            e.hint,
        )
    })?;
    if def.unit.num.kind != DimKind::Ratio || def.unit.den.kind != DimKind::Ratio {
        return Err((
            "wrong-dimension",
            format!(
                "[renewables.exempt_share] {country}: {r} ({}) is not a share (`%/1`)",
                def.unit_text
            ),
            "an exempt share is a percentage of the electricity".to_string(),
        ));
    }
    let ratio = decimal::mul(def.value, def.unit.num.scale)
        .and_then(|v| decimal::div(v, def.unit.den.scale))
        .map_err(|e| ("overflow", e.to_string(), String::new()))?;
    if !ratio.exact || ratio.value > Decimal::ONE {
        return Err((
            "wrong-dimension",
            format!("[renewables.exempt_share] {country}: {r} is not a share between 0 and 100%"),
            "an exempt share is a percentage of the electricity".to_string(),
        ));
    }
    let used = crate::calc::UsedFactor::of(ed, def);
    // A nearest-edition fallback is said on the factor, where the step shows it, and is
    // returned to be reported as every fallback is (a warning, and under "Fallbacks").
    let used = if notes.is_empty() {
        used
    } else {
        used.with_citation(format!("{}; {}", used.citation, notes.join("; ")).into())
    };
    Ok(Some((ratio.value, used, notes)))
}

fn market_entry(
    ctx: &Context<'_>,
    chains: &mut ClassChains,
    (fac, year): (usize, i32),
    used: &Consumed,
    list: &[Instrument],
    mwh_unit: AnyUnit,
    energy: &EnergyInput,
) -> Result<Entry, (&'static str, String, String)> {
    let project = ctx.project;
    let facility = &project.facilities.list[fac];
    let ov = |e: CalcError| ("overflow", e.to_string(), String::new());
    let mwh = |j: Decimal| show(j, J_PER_MWH, "MWh");
    // A step without a factor, kept only when the entry is traced (see `Context::traced`):
    // the totals read no step text, and this entry is made for every facility and year.
    let note = |steps: &mut Vec<Step>, label: &'static str, text: &dyn Fn() -> String| {
        if ctx.traced {
            steps.push(Step {
                label: label.into(),
                text: text(),
                factor: None,
            });
        }
    };
    let mut steps = Vec::new();
    note(&mut steps, "consumed", &|| {
        format!(
            "{} of electricity in {year} ({} row(s) of {})",
            mwh(used.gross_j),
            used.rows,
            energy.label
        )
    });
    let mut total_kg = Decimal::ZERO;
    let mut exact = true;
    let mut lines = Vec::new();
    let mut remaining = used.gross_j;
    let period = Period::Year(year);
    let residual = chains.residual_mix(project, &facility.country);
    let mut charge =
        |j: Decimal, r: Option<&FactorRef>| -> Result<Calculated, (&'static str, String, String)> {
            let site = Site {
                facility: fac,
                period,
                line: 0,
            };
            let qty = AnyQty {
                kind: DimKind::Energy,
                base: j,
            };
            chains.through(
                (project, ctx.strict, ctx.traced),
                site,
                (Carrier::Electricity, qty, mwh_unit),
                r,
            )
        };
    for i in list {
        remaining = decimal::sub(remaining, i.energy_j).map_err(ov)?;
        let head = || {
            format!(
                "instruments.csv:{} {} {} {} {}",
                i.line,
                i.kind.name(),
                i.id,
                i.quantity,
                i.unit.symbol
            )
        };
        match (&i.factor, i.kind.is_renewable()) {
            (None, true) => note(&mut steps, "claimed", &|| {
                format!("{}: renewable attributes, 0 t CO2e", head())
            }),
            (r, _) => {
                let c = charge(i.energy_j, r.as_ref())?;
                total_kg = decimal::add(total_kg, c.line.co2e_kg).map_err(ov)?;
                exact &= c.line.exact;
                lines.push(c.calc.clone());
                note(&mut steps, "claimed", &|| {
                    format!("{}: at the instrument's own rate", head())
                });
                steps.extend(
                    c.steps.into_iter().filter(|s| {
                        s.label != "activity" && s.label != "energy" && s.label != "tce"
                    }),
                );
            }
        }
    }
    // A market's own scheme may make a share of grid electricity renewable (Australia's
    // renewable power percentage). The NGA Factors apply it to all the grid electricity
    // consumed, and voluntary instruments come off what is left: residual = Q × (1 − RPP) −
    // instruments, never below zero. Only with a residual mix: the grid average already holds
    // every renewable share.
    let mut exempt = None;
    let share = if residual.is_some() {
        exempt_share(ctx, &facility.country, year)?
    } else {
        None
    };
    if let Some((ratio, used_share, fallbacks)) = share {
        let part = decimal::mul(used.gross_j, ratio).map_err(ov)?;
        steps.extend(fallbacks.into_iter().map(|text| Step {
            label: "fallback".into(),
            text,
            factor: None,
        }));
        steps.push(Step {
            label: "exempt".into(),
            text: if ctx.traced {
                format!(
                    "{} consumed × {} = {} {} (renewable under market {}'s own scheme: {}), 0 t CO2e",
                    mwh(used.gross_j),
                    used_share.reference,
                    used_share.value.normalize(),
                    used_share.unit,
                    facility.country,
                    used_share.citation
                )
            } else {
                String::new()
            },
            factor: Some(used_share.clone()),
        });
        remaining = decimal::sub(remaining, part).map_err(ov)?;
        if remaining.is_sign_negative() {
            let left = decimal::sub(used.gross_j, part).map_err(ov)?;
            note(&mut steps, "floor", &|| {
                format!(
                    "instruments exceed the {} left after the exempt share by {}: the remainder is 0, not negative",
                    mwh(left),
                    mwh(-remaining)
                )
            });
            remaining = Decimal::ZERO;
        }
        exempt = Some((ratio, used_share));
    }
    let uncovered = remaining;
    // In words only when traced: this entry is made for every facility and year.
    let why = || {
        match &residual {
        Some(r) => format!("residual mix of market {}: {r} ([renewables] residual_mix; China publishes no residual mix, MEE's national average excluding market-traded non-fossil electricity is the documented substitute)", facility.country),
        None => format!("no residual mix configured for market {}: grid average (the last tier of the GHG Protocol Scope 2 hierarchy)", facility.country),
    }
    };
    note(&mut steps, "remainder", &|| {
        format!(
            "{} not covered by instruments, at the {}",
            mwh(remaining),
            why()
        )
    });
    if !remaining.is_zero() {
        let c = charge(remaining, residual.as_ref())?;
        total_kg = decimal::add(total_kg, c.line.co2e_kg).map_err(ov)?;
        exact &= c.line.exact;
        lines.push(allocated(
            c.calc.clone(),
            used.gross_j,
            uncovered,
            exempt.as_ref(),
        ));
        steps.extend(
            c.steps
                .into_iter()
                .filter(|s| s.label != "activity" && s.label != "energy" && s.label != "tce"),
        );
    } else {
        note(&mut steps, "share", &|| {
            format!("consolidation share {}", used.share.normalize())
        });
    }
    let t = decimal::div(total_kg, Decimal::from(1000))
        .map_err(ov)?
        .value;
    // The activity: the electricity consumed (its implied factor is the market-based rate,
    // and the bridge splits the figure's change by it).
    let (consumed_mwh, _) = in_unit(used.gross_j, J_PER_MWH).map_err(ov)?;
    Ok(Entry {
        file: energy.file.clone(),
        line: 0,
        what: format!("{} {year} electricity, market-based", facility.id),
        steps,
        parts: vec![
            Contribution {
                exact,
                lines: lines.clone(),
                ..Contribution::new("ghg.scope2.market", year, t, "t CO2e")
                    .with_basis(consumed_mwh, "MWh")
            },
            Contribution {
                exact,
                lines,
                ..Contribution::new("ghg.scope2.market.electricity", year, t, "t CO2e")
                    .with_basis(consumed_mwh, "MWh")
            },
        ],
    })
}
