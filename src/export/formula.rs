//! How each inventory figure follows from the line table or from other figures: additive
//! figures are the sum of their rows of `lines.csv`; derived ones (ratios, shares, intensities,
//! sums of figures, year-on-year changes) a formula over named figures, the same definitions
//! `Ledger::figure` evaluates.

use crate::figures::{definition, Definition};
use crate::ledger::Ledger;
use crate::register::Derived;
use rust_decimal::Decimal;

/// The formula of one figure in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureFormula {
    /// The sum of the figure's rows of `lines.csv` for the year.
    Sum,
    /// `numerator × scale ÷ denominator`, same year, rounded to 16 places.
    Ratio {
        /// Numerator figure.
        numerator: String,
        /// Denominator figure.
        denominator: String,
        /// 1, or 100 for a percentage.
        scale: Decimal,
    },
    /// `(of − of[year − 1]) × 100 ÷ of[year − 1]`, rounded to 16 places.
    Change {
        /// The figure compared.
        of: String,
    },
    /// The sum of other figures of the same year (those that exist that year).
    Plus {
        /// The figures added.
        terms: Vec<String>,
    },
    /// `(of − base[base_year]) × 100 ÷ base[base_year]`, rounded to 16 places: the change
    /// against the base year (`base` is `of`, or `restated.<of>` when the base year is restated).
    VsBase {
        /// The figure compared.
        of: String,
        /// The base-year figure compared with.
        base: String,
        /// The base year.
        base_year: i32,
    },
}

impl FigureFormula {
    /// As written in `inventory.csv`'s `formula` column.
    pub fn text(&self) -> String {
        match self {
            FigureFormula::Sum => "sum of lines".into(),
            FigureFormula::Ratio {
                numerator,
                denominator,
                scale,
            } if *scale == Decimal::ONE => format!("{numerator} / {denominator}"),
            FigureFormula::Ratio {
                numerator,
                denominator,
                scale,
            } => format!("{numerator} × {scale} / {denominator}"),
            FigureFormula::Change { of } => {
                format!("({of} − {of}[year−1]) × 100 / {of}[year−1]")
            }
            FigureFormula::Plus { terms } => terms.join(" + "),
            FigureFormula::VsBase {
                of,
                base,
                base_year,
            } => {
                format!("({of} − {base}[{base_year}]) × 100 / {base}[{base_year}]")
            }
        }
    }
}

/// The formula of `name` in `year`, in the order `Ledger::figure` decides it.
pub fn figure_formula(ledger: &Ledger, name: &str, year: i32) -> Option<FigureFormula> {
    if let Some(of) = name.strip_prefix("change_vs_base.") {
        let restate = ledger
            .restatement()
            .ok()
            .flatten()
            .is_some_and(|r| r.restate);
        return Some(FigureFormula::VsBase {
            of: of.to_string(),
            base: if restate {
                format!("restated.{of}")
            } else {
                of.to_string()
            },
            base_year: ledger.structure.base_year,
        });
    }
    if let Some(of) = name.strip_prefix("restated.") {
        // A restated sum is the sum of its rows of lines.csv; a restated ratio, of two.
        return match definition(of) {
            Some(Definition::Sum { .. }) => Some(FigureFormula::Sum),
            Some(Definition::Ratio {
                numerator,
                denominator,
            }) => Some(FigureFormula::Ratio {
                numerator: format!("restated.{numerator}"),
                denominator: format!("restated.{denominator}"),
                scale: Decimal::ONE,
            }),
            // A register or derived figure: its formula in the restated ledger, over the
            // restated figures where there are (a metric is not restated).
            _ => {
                let rl = ledger.restated_base.as_ref()?;
                let restated = |t: &String| {
                    let r = format!("restated.{t}");
                    if ledger.figure(&r, year).ok().flatten().is_some() {
                        r
                    } else {
                        t.clone()
                    }
                };
                match figure_formula(rl, of, year)? {
                    FigureFormula::Sum => Some(FigureFormula::Sum),
                    FigureFormula::Ratio {
                        numerator,
                        denominator,
                        scale,
                    } => Some(FigureFormula::Ratio {
                        numerator: restated(&numerator),
                        denominator: restated(&denominator),
                        scale,
                    }),
                    FigureFormula::Plus { terms } => Some(FigureFormula::Plus {
                        terms: terms.iter().map(restated).collect(),
                    }),
                    _ => None,
                }
            }
        };
    }
    if let Some(of) = name.strip_prefix("change.") {
        return Some(FigureFormula::Change { of: of.to_string() });
    }
    match definition(name) {
        Some(Definition::Sum { .. }) => Some(FigureFormula::Sum),
        Some(Definition::Ratio {
            numerator,
            denominator,
        }) => Some(FigureFormula::Ratio {
            numerator: numerator.to_string(),
            denominator: denominator.to_string(),
            scale: Decimal::ONE,
        }),
        Some(Definition::Change { of }) => Some(FigureFormula::Change { of }),
        None if ledger.totals.get(name, year).is_some() => Some(FigureFormula::Sum),
        None => match ledger.derived.get(name)? {
            Derived::Ratio {
                numerator,
                denominator,
                scale,
                ..
            } => Some(FigureFormula::Ratio {
                numerator: numerator.clone(),
                denominator: denominator.clone(),
                scale: *scale,
            }),
            Derived::Plus { terms, .. } => Some(FigureFormula::Plus {
                terms: terms.clone(),
            }),
        },
    }
}
