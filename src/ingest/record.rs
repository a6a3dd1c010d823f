//! The one CSV record reader every input goes through: RFC 4180 quoting, `#` comment lines,
//! blank lines skipped, LF, CRLF or CR-only line endings, a UTF-8 byte-order mark. It counts
//! physical lines itself, from the bytes it consumes, so a record's line number is the line an
//! editor shows whatever the line endings, blank lines or quoted newlines before it; the same
//! counter serves diagnostics, traces and the duplicate check. A quote that never closes is
//! an error at the line and field where it opened, never a field that swallows the rest of
//! the file.

use std::io::Read;

/// One record: its fields as UTF-8 text, where it starts, and how many lines it spans.
#[derive(Debug, Clone, Default)]
pub struct Record {
    text: String,
    ends: Vec<usize>,
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Byte of the file where the record starts.
    pub byte: u64,
    /// Physical lines the record spans (more than 1 when a quoted field holds a newline).
    pub lines: u64,
    /// A quoting problem that does not stop reading: the 1-based field and what is wrong
    /// (text after a closing quote).
    pub quoting: Option<(usize, &'static str)>,
}

impl Record {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    /// True when the record has no fields (never for a record the reader returns).
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    /// Field `i` (0-based), untrimmed.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        // Fields are stored as read, one separator byte between them.
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        self.text.get(start..end)
    }
    /// A record of the given fields at line `line` (for rows an engine read from a file of
    /// another format, or a partition: the line is then the row's number in its file).
    pub fn from_fields<'f>(fields: impl IntoIterator<Item = &'f str>, line: u64) -> Record {
        let mut text = String::new();
        let mut ends = Vec::new();
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(f);
            ends.push(text.len());
        }
        Record {
            text,
            ends,
            line,
            byte: 0,
            lines: 1,
            quoting: None,
        }
    }
    /// Every field in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).filter_map(move |i| self.get(i))
    }
}

/// Why a record could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The bytes of a record are not UTF-8 (or hold NUL bytes, as UTF-16 text does).
    NotUtf8 {
        /// Physical line of the record.
        line: u64,
        /// 1-based field holding the first bad byte.
        field: usize,
        /// A few of the record's bytes, to guess the encoding from.
        sample: Vec<u8>,
    },
    /// A quoted field reached the end of the file without its closing quote.
    UnterminatedQuote {
        /// Physical line where the quote opened.
        line: u64,
        /// 1-based field that the quote opens.
        field: usize,
    },
    /// A line end of the other kind than the file's (a CR alone in a file of LF or CRLF line
    /// ends, an LF in a file of CR line ends) outside a quoted field: an editor shows a new
    /// line there, which the reader would have joined to the one before (a comment would have
    /// hidden the rows after it), so the file cannot be read.
    StrayLineEnd {
        /// Physical line (as this reader counts them) holding the stray byte.
        line: u64,
        /// 1-based field holding it.
        field: usize,
        /// The byte: `\r` or `\n`.
        byte: u8,
    },
    /// The underlying reader failed.
    Io(String),
}

/// Which byte ends a line. Decided once per file from its first bytes: a file with no `\n`
/// but a `\r` (classic Mac, some exports) is read with `\r` as the line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terminator {
    Lf,
    Cr,
}

const BLOCK: usize = 1 << 20;

/// Streams records from a byte source.
pub struct RecordReader<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// File byte of `buf[0]`.
    base: u64,
    /// Lines completed before `buf[pos]`.
    lines_before: u64,
    term: Option<Terminator>,
    at_file_start: bool,
}

impl<R: Read> RecordReader<R> {
    /// A reader at the start of a file.
    pub fn new(input: R) -> Self {
        Self::at(input, 0, 0, true)
    }

    /// A reader whose first byte is file byte `byte`, after `lines` complete lines (for a
    /// chunk of a file that starts at a line boundary).
    pub fn at(input: R, byte: u64, lines: u64, at_file_start: bool) -> Self {
        RecordReader {
            input,
            buf: Vec::new(),
            pos: 0,
            len: 0,
            eof: false,
            base: byte,
            lines_before: lines,
            term: if at_file_start {
                None
            } else {
                Some(Terminator::Lf)
            },
            at_file_start,
        }
    }

    /// The file byte the reader will read next.
    pub fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Reads more input, keeping `buf[keep..]`; false at the end of the input.
    fn fill(&mut self, keep: usize) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        if keep > 0 {
            self.buf.copy_within(keep..self.len, 0);
            self.len -= keep;
            self.pos -= keep;
            self.base += keep as u64;
        }
        // Start small (most inputs are small files) and grow by doubling up to a block.
        if self.buf.len() - self.len < 8 * 1024 {
            let grow = self.buf.len().clamp(64 * 1024, BLOCK);
            self.buf.resize(self.len + grow, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e.to_string())),
            }
        }
    }

    fn terminator(&mut self) -> Result<u8, ReadError> {
        if let Some(t) = self.term {
            return Ok(t.byte());
        }
        while !self.eof && self.len - self.pos < 64 * 1024 {
            if !self.fill(0)? {
                break;
            }
        }
        let head = &self.buf[self.pos..self.len];
        let t = if memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some() {
            Terminator::Cr
        } else {
            Terminator::Lf
        };
        if self.at_file_start && head.starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
        }
        self.term = Some(t);
        Ok(t.byte())
    }

    /// Reads the next record into `rec`, skipping blank and `#` comment lines; `Ok(false)` at
    /// the end of the input.
    pub fn read(&mut self, rec: &mut Record) -> Result<bool, ReadError> {
        let term = self.terminator()?;
        loop {
            // Make sure a whole line (or the rest of the input) is in the buffer.
            let nl = loop {
                if let Some(i) = memchr::memchr(term, &self.buf[self.pos..self.len]) {
                    break Some(self.pos + i);
                }
                if !self.fill(self.pos)? {
                    break None;
                }
            };
            if self.pos >= self.len {
                return Ok(false);
            }
            let end = nl.unwrap_or(self.len);
            let line = &self.buf[self.pos..end];
            let body = if term == b'\n' {
                line.strip_suffix(b"\r").unwrap_or(line)
            } else {
                line
            };
            let stray = stray_of(term);
            let skip = body.first() == Some(&b'#') || body.iter().all(u8::is_ascii_whitespace);
            if skip {
                // A comment must not hide lines that an editor shows after a stray line end.
                if body.first() == Some(&b'#') {
                    let trimmed = trim_end_crs(body, term);
                    if memchr::memchr(stray, trimmed).is_some() {
                        return Err(ReadError::StrayLineEnd {
                            line: self.lines_before + 1,
                            field: 1,
                            byte: stray,
                        });
                    }
                }
                self.pos = nl.map_or(self.len, |i| i + 1);
                self.lines_before += 1;
                continue;
            }
            rec.line = self.lines_before + 1;
            rec.byte = self.base + self.pos as u64;
            rec.quoting = None;
            rec.ends.clear();
            if split_plain(body, stray, &mut rec.ends) {
                // The common line: one pass found its fields, and it is ASCII without a
                // quote, a stray line end or a NUL (so it is UTF-8 and nothing to report).
                let mut bytes = std::mem::take(&mut rec.text).into_bytes();
                bytes.clear();
                bytes.extend_from_slice(body);
                rec.lines = 1;
                self.pos = nl.map_or(self.len, |i| i + 1);
                self.lines_before += 1;
                return finish(rec, bytes);
            }
            if memchr::memchr2(b'"', stray, trim_end_crs(body, term)).is_none() {
                let mut bytes = std::mem::take(&mut rec.text).into_bytes();
                bytes.clear();
                bytes.extend_from_slice(body);
                rec.ends.clear();
                for c in memchr::memchr_iter(b',', body) {
                    rec.ends.push(c);
                }
                rec.ends.push(body.len());
                rec.lines = 1;
                self.pos = nl.map_or(self.len, |i| i + 1);
                self.lines_before += 1;
                return finish(rec, bytes);
            }
            return self.read_quoted(rec, term);
        }
    }

    /// The slow path: a record with a quote character somewhere, which may span lines.
    fn read_quoted(&mut self, rec: &mut Record, term: u8) -> Result<bool, ReadError> {
        loop {
            match scan_quoted(&self.buf[self.pos..self.len], term, self.eof) {
                Scan::NeedMore => {
                    if !self.fill(self.pos)? {
                        // `eof` is now set; scan again to report what is open.
                        continue;
                    }
                }
                Scan::Unterminated { line, field } => {
                    return Err(ReadError::UnterminatedQuote {
                        line: self.lines_before + 1 + line,
                        field,
                    });
                }
                Scan::Stray { line, field } => {
                    return Err(ReadError::StrayLineEnd {
                        line: self.lines_before + 1 + line,
                        field,
                        byte: stray_of(term),
                    });
                }
                Scan::Done {
                    bytes,
                    ends,
                    consumed,
                    lines,
                    quoting,
                } => {
                    rec.ends = ends;
                    rec.lines = lines;
                    rec.quoting = quoting;
                    self.pos += consumed;
                    self.lines_before += lines;
                    return finish(rec, bytes);
                }
            }
        }
    }
}

impl Terminator {
    fn byte(self) -> u8 {
        match self {
            Terminator::Lf => b'\n',
            Terminator::Cr => b'\r',
        }
    }
}

/// The line-end byte that must not appear outside quotes in a file whose lines end with
/// `term`.
fn stray_of(term: u8) -> u8 {
    if term == b'\n' {
        b'\r'
    } else {
        b'\n'
    }
}

/// Whether the `stray` byte at `data[i]` is a line end of another kind inside a line, rather
/// than the CRs of a CRLF (or of a CR CR LF) line end, or at the end of the input.
/// `None`: the input must be read further to know.
fn is_stray(data: &[u8], i: usize, term: u8, eof: bool) -> Option<bool> {
    if term != b'\n' {
        return Some(true);
    }
    let mut j = i;
    while data.get(j) == Some(&b'\r') {
        j += 1;
    }
    match data.get(j) {
        Some(&b) => Some(b != b'\n'),
        None if eof => Some(false),
        None => None,
    }
}

/// Validates a record's bytes once; fields are then borrowed as `&str`.
fn finish(rec: &mut Record, bytes: Vec<u8>) -> Result<bool, ReadError> {
    let nul = memchr::memchr(0, &bytes);
    match (String::from_utf8(bytes), nul) {
        (Ok(s), None) => {
            rec.text = s;
            Ok(true)
        }
        (res, nul) => {
            let bytes = match res {
                Ok(s) => s.into_bytes(),
                Err(e) => e.into_bytes(),
            };
            let invalid = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
            let bad = match (nul, invalid) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).unwrap_or(0),
            };
            let field = rec.ends.iter().take_while(|e| **e <= bad).count() + 1;
            let field = field.min(rec.ends.len().max(1));
            Err(ReadError::NotUtf8 {
                line: rec.line,
                field,
                sample: bytes.iter().take(256).copied().collect(),
            })
        }
    }
}

enum Scan {
    NeedMore,
    /// A line end of the other kind outside quotes (see `ReadError::StrayLineEnd`).
    Stray {
        /// Lines from the record's start to it.
        line: u64,
        field: usize,
    },
    Unterminated {
        /// Lines from the record's start to the opening quote.
        line: u64,
        field: usize,
    },
    Done {
        bytes: Vec<u8>,
        ends: Vec<usize>,
        consumed: usize,
        lines: u64,
        quoting: Option<(usize, &'static str)>,
    },
}

/// Scans one record from the start of `data`. A quote opens a quoted field only at the start
/// of a field (after optional spaces); inside it `""` is one quote and line ends are text; a
/// quote inside an unquoted field is text (as spreadsheets write `12" pipe`).
fn scan_quoted(data: &[u8], term: u8, eof: bool) -> Scan {
    let mut bytes = Vec::with_capacity(data.len().min(4096));
    let mut ends = Vec::new();
    let mut quoting = None;
    let mut lines = 0u64;
    let mut i = 0;
    let mut field_start = true;
    loop {
        if field_start {
            // Spaces before an opening quote are dropped with it (fields are trimmed anyway).
            let mut j = i;
            while j < data.len() && (data[j] == b' ' || data[j] == b'\t') {
                j += 1;
            }
            if j < data.len() && data[j] == b'"' {
                let open_line = lines;
                let field = ends.len() + 1;
                let mut k = j + 1;
                loop {
                    match data.get(k) {
                        None if eof => {
                            return Scan::Unterminated {
                                line: open_line,
                                field,
                            }
                        }
                        None => return Scan::NeedMore,
                        Some(b'"') => match data.get(k + 1) {
                            Some(b'"') => {
                                bytes.push(b'"');
                                k += 2;
                            }
                            None if !eof => return Scan::NeedMore,
                            _ => {
                                k += 1;
                                break;
                            }
                        },
                        Some(&b) => {
                            if b == term {
                                lines += 1;
                            }
                            bytes.push(b);
                            k += 1;
                        }
                    }
                }
                // After the closing quote: spaces, then a comma or the line end.
                while k < data.len() && (data[k] == b' ' || data[k] == b'\t') {
                    k += 1;
                }
                i = k;
                field_start = false;
                match data.get(i) {
                    None | Some(b',') => {}
                    Some(b'\r') if term == b'\n' => {}
                    Some(&b) if b == term => {}
                    Some(_) => {
                        if quoting.is_none() {
                            quoting = Some((field, "text after the closing quote of a field"));
                        }
                    }
                }
                continue;
            }
            field_start = false;
        }
        match data.get(i) {
            None if !eof => return Scan::NeedMore,
            None => {
                ends.push(bytes.len());
                return Scan::Done {
                    bytes,
                    ends,
                    consumed: i,
                    lines: lines + 1,
                    quoting,
                };
            }
            Some(b',') => {
                ends.push(bytes.len());
                bytes.push(b',');
                field_start = true;
                i += 1;
            }
            Some(&b) if b == term => {
                if term == b'\n' && bytes.last() == Some(&b'\r') && data.get(i - 1) == Some(&b'\r')
                {
                    bytes.pop();
                }
                ends.push(bytes.len());
                return Scan::Done {
                    bytes,
                    ends,
                    consumed: i + 1,
                    lines: lines + 1,
                    quoting,
                };
            }
            Some(&b) if b == stray_of(term) => match is_stray(data, i, term, eof) {
                None => return Scan::NeedMore,
                Some(true) => {
                    return Scan::Stray {
                        line: lines,
                        field: ends.len() + 1,
                    }
                }
                Some(false) => {
                    bytes.push(b);
                    i += 1;
                }
            },
            Some(&b) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
}

/// One pass over a line, a word (8 bytes) at a time: pushes the end of each comma-separated
/// field onto `ends` and says whether the line is plain — ASCII with no quote, no `stray`
/// byte and no NUL. A line that is not plain leaves `ends` to be cleared and is read by the
/// general path (which reports what it has).
fn split_plain(body: &[u8], stray: u8, ends: &mut Vec<usize>) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The high bit of each byte of `w` that equals `b`, exactly (no false positives).
    let equal = |w: u64, b: u8| {
        let x = w ^ (LOW * u64::from(b));
        !(((x & SEVEN) + SEVEN) | x | SEVEN)
    };
    let (words, tail) = body.as_chunks::<8>();
    for (n, word) in words.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        let odd = (w & !SEVEN) | equal(w, b'"') | equal(w, stray) | equal(w, 0);
        if odd != 0 {
            return false;
        }
        let mut commas = equal(w, b',');
        while commas != 0 {
            ends.push(n * 8 + (commas.trailing_zeros() / 8) as usize);
            commas &= commas - 1;
        }
    }
    let start = body.len() - tail.len();
    for (i, &b) in tail.iter().enumerate() {
        match b {
            b',' => ends.push(start + i),
            b'"' | 0 | 0x80.. => return false,
            _ if b == stray => return false,
            _ => {}
        }
    }
    ends.push(body.len());
    true
}

/// `body` without the CRs that end it in a file of LF line ends (a CRLF's, or a CR CR LF's).
fn trim_end_crs(body: &[u8], term: u8) -> &[u8] {
    if term != b'\n' {
        return body;
    }
    let mut end = body.len();
    while end > 0 && body[end - 1] == b'\r' {
        end -= 1;
    }
    &body[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Result<Vec<(u64, Vec<String>)>, ReadError> {
        let mut r = RecordReader::new(input);
        let mut rec = Record::default();
        let mut v = Vec::new();
        while r.read(&mut rec)? {
            v.push((rec.line, rec.iter().map(str::to_string).collect()));
        }
        Ok(v)
    }

    fn lines(input: &[u8]) -> Vec<u64> {
        all(input)
            .unwrap_or_default()
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    /// The word-at-a-time split agrees with its definition, byte by byte, on every line of up
    /// to 19 bytes over an alphabet of the bytes it looks for (each line end as the stray),
    /// sampled by a fixed-seed generator: 200,000 lines.
    #[test]
    fn the_word_split_is_the_byte_split() {
        let alphabet = [
            b',', b'"', b'\r', b'\n', 0, 0xc3, 0xa9, 0x7f, 0x80, b'a', b' ', b'1',
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..200_000 {
            let len = (next() % 20) as usize;
            let line: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            for stray in [b'\r', b'\n'] {
                let mut ends = Vec::new();
                let plain = split_plain(&line, stray, &mut ends);
                let expected = line
                    .iter()
                    .all(|&b| b != b'"' && b != stray && b != 0 && b.is_ascii());
                assert_eq!(plain, expected, "{line:?}");
                if plain {
                    let mut want: Vec<usize> = (0..len).filter(|&i| line[i] == b',').collect();
                    want.push(len);
                    assert_eq!(ends, want, "{line:?}");
                }
            }
        }
    }

    #[test]
    fn line_numbers_are_physical_whatever_the_line_endings() {
        let lf = b"a,b\n\n# note\n1,2\n\n3,4\n";
        let crlf = b"a,b\r\n\r\n# note\r\n1,2\r\n\r\n3,4\r\n";
        let cr = b"a,b\r\r# note\r1,2\r\r3,4\r";
        for input in [&lf[..], &crlf[..], &cr[..]] {
            assert_eq!(lines(input), vec![1, 4, 6]);
            let v = all(input).unwrap_or_default();
            assert_eq!(v[2].1, vec!["3", "4"]);
        }
    }

    #[test]
    fn a_quoted_newline_is_text_and_later_lines_keep_their_numbers() {
        let v = all(b"a,b\n\"x\ny\",2\n3,4\n").unwrap_or_default();
        assert_eq!(v[1], (2, vec!["x\ny".to_string(), "2".to_string()]));
        assert_eq!(v[2].0, 4);
        let v = all(b"a,b\r\n\"x\r\ny\",2\r\n3,4\r\n").unwrap_or_default();
        assert_eq!(v[1].1[0], "x\r\ny");
        assert_eq!(v[2].0, 4);
    }

    #[test]
    fn doubled_quotes_and_quotes_inside_unquoted_fields() {
        let v = all(b"\"say \"\"hi\"\"\",12\" pipe\n").unwrap_or_default();
        assert_eq!(v[0].1, vec!["say \"hi\"", "12\" pipe"]);
    }

    #[test]
    fn an_unterminated_quote_is_an_error_where_it_opens() {
        let e = all(b"a,b\n1,2\n3,\"open\n5,6\n7,8\n");
        assert_eq!(e, Err(ReadError::UnterminatedQuote { line: 3, field: 2 }));
    }

    #[test]
    fn text_after_a_closing_quote_is_flagged_not_fatal() {
        let mut r = RecordReader::new(&b"\"a\"b,c\nd,e\n"[..]);
        let mut rec = Record::default();
        assert_eq!(r.read(&mut rec), Ok(true));
        assert_eq!(rec.quoting.map(|q| q.0), Some(1));
        assert_eq!(r.read(&mut rec), Ok(true));
        assert_eq!(rec.get(0), Some("d"));
        assert_eq!(rec.line, 2);
    }

    #[test]
    fn bom_and_last_line_without_newline() {
        let v = all(b"\xEF\xBB\xBFa,b\n1,2").unwrap_or_default();
        assert_eq!(v[0].1, vec!["a", "b"]);
        assert_eq!(v[1], (2, vec!["1".to_string(), "2".to_string()]));
    }

    #[test]
    fn not_utf8_names_line_and_field_and_nul_counts_as_not_utf8() {
        assert!(matches!(
            all(b"a,b\n1,\xB5\xE7\n"),
            Err(ReadError::NotUtf8 {
                line: 2,
                field: 2,
                ..
            })
        ));
        assert!(matches!(
            all(b"\0a\0,\0b\n"),
            Err(ReadError::NotUtf8 { line: 1, .. })
        ));
    }

    #[test]
    fn a_line_end_of_another_kind_outside_quotes_stops_the_file() {
        let stray = |line, field, byte| Err(ReadError::StrayLineEnd { line, field, byte });
        // A comment whose CR hides two rows from the reader (but not from an editor).
        assert_eq!(all(b"a,b\n# note\r1,2\r3,4\n5,6\n"), stray(2, 1, b'\r'));
        assert_eq!(all(b"a,b\n1,2\r3,4\n"), stray(2, 2, b'\r'));
        assert_eq!(all(b"a,b\n\"x\ny\",2\r3,4\n"), stray(3, 2, b'\r'));
        // A file of CR line ends (none of LF in its first 64 KiB) that switches to LF.
        let mut cr = b"a,b\r".to_vec();
        cr.extend(b"1,2\r".repeat(20_000));
        cr.extend(b"3,4\n5,6\r");
        assert_eq!(all(&cr), stray(20_002, 2, b'\n'));
        // CRs that end a line, or sit inside quotes, are no stray line ends.
        let v = all(b"a,b\r\n1,2\r\r\n\"x\ry\",3\r\n4,5\r").unwrap_or_default();
        assert_eq!(v.len(), 4);
        assert_eq!(v[2], (3, vec!["x\ry".to_string(), "3".to_string()]));
        assert_eq!(v[3].0, 4);
    }

    #[test]
    fn records_longer_than_a_block_are_read_whole() {
        let long = "x".repeat(3 * BLOCK);
        let input = format!("a,b\n\"{long}\",1\n{long},2\n");
        let v = all(input.as_bytes()).unwrap_or_default();
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].1[0].len(), long.len());
        assert_eq!(v[2].1[1], "2");
        assert_eq!(v[2].0, 3);
    }
}
