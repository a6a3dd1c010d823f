//! Small text helpers shared by the readers.

/// `s.trim()`, without its Unicode scan when the text is empty or starts and ends with a
/// visible ASCII character, as almost every CSV field and unit does.
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trims_as_str_trim_does() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            " a b ",
            "\ta\n",
            "\u{3000}吨\u{3000}",
            "吨",
            "a\u{a0}",
            "\u{a0}a",
            "12.5",
            "-",
            "\u{feff}x",
        ] {
            assert_eq!(super::trim(s), s.trim(), "{s:?}");
        }
    }
}
