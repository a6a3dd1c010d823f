//! Versioned, cited emission-factor sets: loading and validating them (`library`), naming a
//! value (`reference`), and comparing editions (`compare`).

pub mod calorific_basis;
mod compare;
pub mod embedded_gwp;
mod library;
mod reference;

pub use compare::{diff_editions, EditionChange};
pub use library::{
    held_in_base_units, parse_edition, Citation, Edition, FactorDef, Found, Library, Verification,
    BUILTIN_FILES,
};
pub use reference::{FactorRef, RefSyntaxError};
