//! Reading input files as text: CSV tables streamed row by row with the span of every field,
//! and TOML documents. This layer knows nothing of carbon; it only guarantees that what it
//! hands on is UTF-8 text with a file, line and column, or a diagnostic saying why not.

mod chunks;
mod csvfile;
mod record;
mod text;

pub use chunks::{
    chunk_bounds, consistent, count_lines, line_offsets, read_chunk, read_chunk_batched,
};
pub use csvfile::{
    read_batches, read_header, read_rows, read_table, ChunkEnd, Column, Header, RowRef, Rows,
    TableStats,
};
pub use record::{ReadError, Record, RecordReader};
pub use text::utf8_text;
