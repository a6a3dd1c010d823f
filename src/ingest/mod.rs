//! Reading input files as text: CSV tables streamed row by row with the span of every field,
//! and TOML documents. This layer knows nothing of carbon; it only guarantees that what it
//! hands on is UTF-8 text with a file, line and column, or a diagnostic saying why not.

mod csvfile;

pub use csvfile::{read_table, Column, RowRef, TableStats};
