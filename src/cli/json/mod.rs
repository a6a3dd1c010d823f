//! The typed JSON outputs of `figures`, `compute`, `diff`, `products` and `verify`: plain
//! structs deriving `Serialize` and `JsonSchema`, so `carbonledger schema NAME` prints the
//! schema the output is built from (published in docs/schema/). Every shape but `figures`
//! carries `schema_version`; `figures` keeps its bare array, which other tools compare byte
//! for byte (its schema describes that array). Numbers are exact decimal strings.

pub mod diff;
pub mod freight;
pub mod products;
pub mod verify;

use carbonledger::figures::Figure;
use std::cell::RefCell;

/// A JSON array whose elements are made while it is written, each handed over as it is made,
/// so that an array of millions of elements (a trace, a what-if's changed lines) is never held
/// whole. Making it gives a result (`R`: what the making found, or its failure), left in
/// `made` for what is written after the array and for the caller.
pub struct Streamed<'a, T: ?Sized, R> {
    make: RefCell<Option<Maker<'a, T, R>>>,
    made: &'a RefCell<Option<R>>,
}

/// What makes a streamed array: it hands each element to the function it is given.
type Maker<'a, T, R> = Box<dyn FnOnce(&mut dyn FnMut(&T)) -> R + 'a>;

impl<'a, T: ?Sized, R> Streamed<'a, T, R> {
    /// The array `make` makes; its result goes to `made`.
    pub fn new(made: &'a RefCell<Option<R>>, make: Maker<'a, T, R>) -> Self {
        Streamed {
            make: RefCell::new(Some(make)),
            made,
        }
    }
}

impl<T: serde::Serialize + ?Sized, R> serde::Serialize for Streamed<'_, T, R> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let make = self
            .make
            .borrow_mut()
            .take()
            .ok_or_else(|| S::Error::custom("a streamed array is written once"))?;
        let mut seq = ser.serialize_seq(None)?;
        let mut failed = None;
        let made = make(&mut |element: &T| {
            if failed.is_none() {
                failed = seq.serialize_element(element).err();
            }
        });
        *self.made.borrow_mut() = Some(made);
        match failed {
            Some(e) => Err(e),
            None => seq.end(),
        }
    }
}

/// The version of the shapes in this module (each bumps on an incompatible change).
pub const SCHEMA_VERSION: u32 = 1;

/// One figure, as `figures --format json` lists it (an array of these, no wrapper).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct FigureJson<'a> {
    /// The figure's name, e.g. `ghg.scope1`.
    name: &'a str,
    year: i32,
    /// Exact decimal.
    value: String,
    unit: &'a str,
    /// False when a non-terminating division was rounded (docs/methodology.md).
    exact: bool,
}

impl<'a> FigureJson<'a> {
    /// A figure as JSON.
    pub fn of(f: &'a Figure) -> Self {
        FigureJson {
            name: &f.name,
            year: f.year,
            value: f.value.to_string(),
            unit: f.unit,
            exact: f.exact,
        }
    }
}

/// `figures --format json`: the bare array (its schema has no version: the shape is fixed).
pub type FiguresJson<'a> = Vec<FigureJson<'a>>;

/// `compute --format json`: one year's inventory.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ComputeJson<'a> {
    pub schema_version: u32,
    pub organisation: &'a str,
    pub year: i32,
    /// `operational_control`, `financial_control` or `equity_share`.
    pub consolidation: &'a str,
    /// Every figure of the year.
    pub figures: Vec<FigureJson<'a>>,
    /// Figures that have one: the figure ÷ the activity it was computed from.
    pub implied_factors: Vec<ImpliedJson<'a>>,
    /// Factor editions the year uses, `SET@EDITION`.
    pub factor_editions: Vec<&'a str>,
    /// Fallbacks taken (nearest edition, parent key, …), in words.
    pub fallbacks: Vec<String>,
    /// Per input file: rows read = used + rejected.
    pub rows: Vec<RowsJson<'a>>,
    /// With `--by`: every figure that is broken down, per group, in the year (with
    /// `--years all`: in every reporting year). The groups of a sum add up to its total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_group: Option<Vec<GroupFigureJson<'a>>>,
    /// With `--years all`: the trend figures of every reporting year, the restated base year
    /// (`restated.*`) and the changes against the base year (`change_vs_base.*`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Vec<FigureJson<'a>>>,
    /// The base-year verdict, when the boundary changed structurally since the base year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restatement: Option<RestatementJson>,
}

/// A figure of one group (`figures --by`, `compute --by`).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct GroupFigureJson<'a> {
    /// `facility`, `country` or `tag:NAME`.
    pub by: String,
    /// The facility id, country code or tag value.
    pub group: &'a str,
    /// The figure.
    #[serde(flatten)]
    pub figure: FigureJson<'a>,
}

/// The base-year verdict (GHG Protocol Corporate Standard ch. 5).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RestatementJson {
    pub base_year: i32,
    /// The figure the significance test is on.
    pub figure: String,
    /// t CO2e, exact.
    pub original: String,
    pub restated: String,
    /// (restated − original) ÷ original × 100; absent when the original is zero.
    pub change_pct: Option<String>,
    pub threshold_pct: String,
    /// Whether the base year is restated.
    pub restate: bool,
    /// The verdict in words, naming what moved it.
    pub sentence: String,
}

/// An implied factor.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ImpliedJson<'a> {
    pub name: &'a str,
    pub value: String,
    pub unit: String,
}

/// The row accounting of one input file.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RowsJson<'a> {
    pub file: &'a str,
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
}
