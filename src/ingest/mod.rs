//! Reading input files as text: CSV tables streamed row by row with the span of every field,
//! and TOML documents. This layer knows nothing of carbon; it only guarantees that what it
//! hands on is UTF-8 text with a file, line and column, or a diagnostic saying why not.

mod chunks;
mod csvfile;
mod linescan;

pub use chunks::{chunk_bounds, consistent, count_lines, line_offsets, read_chunk};
pub use csvfile::{
    csv_reader, read_header, read_rows, read_table, Chunk, ChunkEnd, Column, Header, RowRef,
    TableStats,
};
pub use linescan::{scan_unquoted, Line};
