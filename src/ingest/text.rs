//! Whole files read as UTF-8 text (TOML documents, factor tables read at once): a file that is
//! not UTF-8 is a diagnostic at the physical line of its first bad byte — and, for a CSV, the
//! field — as the streaming CSV reader reports it; never a whole-file error with no place.

use std::sync::Arc;

use crate::diag::{Diagnostic, Span};

/// The text of `bytes`, or a `not-utf8` diagnostic at the first byte that is not UTF-8.
/// `csv`: the column is the CSV field number of that byte (quotes on its line respected).
pub fn utf8_text(file: &Arc<str>, bytes: Vec<u8>, csv: bool) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.into_bytes();
            let bad = std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let (line, field) = place_of(&bytes, bad);
            if csv {
                return Err(super::csvfile::not_utf8(file, line, Some(field), &bytes));
            }
            // The character of the bad byte on its line (the valid bytes before it count).
            let start = bytes[..bad]
                .iter()
                .rposition(|&b| b == b'\n' || b == b'\r')
                .map_or(0, |i| i + 1);
            let column =
                std::str::from_utf8(&bytes[start..bad]).map_or(1, |t| t.chars().count() + 1);
            Err(Diagnostic::error(
                "not-utf8",
                Span::line(file, line).at(column),
                "file is not valid UTF-8: it cannot be read",
            )
            .with_hint("save it as UTF-8 (with GBK bytes: `iconv -f GB18030 -t UTF-8`)"))
        }
    }
}

/// The 1-based physical line (LF, CRLF or CR ends) of byte `at`, and its 1-based CSV field.
fn place_of(bytes: &[u8], at: usize) -> (u64, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let mut line = 1u64;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n'));
        if ends {
            line += 1;
            line_start = i + 1;
        }
    }
    let mut field = 1;
    let mut quoted = false;
    for &b in before.get(line_start..).unwrap_or_default() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => field += 1,
            _ => {}
        }
    }
    (line, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(bytes: &[u8], csv: bool) -> (u64, Option<usize>) {
        let file: Arc<str> = Arc::from("f");
        let d = utf8_text(&file, bytes.to_vec(), csv).unwrap_err();
        assert_eq!(d.code, "not-utf8");
        (d.span.line, d.span.column)
    }

    #[test]
    fn the_first_bad_byte_is_placed_whatever_the_line_ends() {
        // GBK 中 (D6 D0) in the third field of line 3.
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!("a,b,c{nl}1,2,3{nl}4,\"x,y\",\u{0}");
            let mut b = text.into_bytes();
            b.pop();
            b.extend_from_slice(&[0xD6, 0xD0]);
            assert_eq!(place(&b, true), (3, Some(3)), "{nl:?}");
            // Not CSV (a TOML file): the character, after the 8 of `4,"x,y",`.
            assert_eq!(place(&b, false), (3, Some(9)), "{nl:?}");
        }
        assert_eq!(
            utf8_text(&Arc::from("f"), b"ok".to_vec(), true).unwrap(),
            "ok"
        );
    }
}
