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
        }
    }
}

/// The formula of `name` in `year`, in the order `Ledger::figure` decides it.
pub fn figure_formula(ledger: &Ledger, name: &str, year: i32) -> Option<FigureFormula> {
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
