//! Control characters: which ones content may not hold, and finding them. They are invisible in
//! an editor, reach pages, CSV and the Atom feed unchanged, and a NUL or ESC makes the feed
//! invalid XML, so they are refused wherever text comes from.

/// True for characters that have no place in content text: C0 controls other than tab, line
/// feed and carriage return, DEL, C1 controls and a byte-order mark inside the text.
pub fn is_refused(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{feff}')
}

/// The byte offset and character of the first refused character in `text`.
pub fn find(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    // Every refused character starts with a byte below 0x20, 0x7F, 0xC2 (C1) or 0xEF (U+FEFF):
    // test bytes first, decode only there.
    let mut at = 0;
    while let Some(i) = bytes[at..]
        .iter()
        .position(|&b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xef)
    {
        let start = at + i;
        let c = text[start..].chars().next()?;
        if is_refused(c) {
            return Some((start, c));
        }
        at = start + c.len_utf8();
    }
    None
}

/// Line and column (1-based, in characters) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

/// How an error names `c`: `U+001B`.
pub fn name(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// The hint for a refused character.
pub const HINT: &str = "control characters are invisible and break pages, CSV and the feed: \
                        delete it (retype the text around it if unsure)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_controls_but_not_tabs_newlines_or_letters() {
        assert_eq!(find("a\tb\r\nc Tiền Giang — ½ ￯"), None);
        assert_eq!(find("ab\ncd\u{1b}"), Some((5, '\u{1b}')));
        assert_eq!(find("é\u{85}"), Some((2, '\u{85}')));
        assert_eq!(find("x\u{feff}"), Some((1, '\u{feff}')));
        assert_eq!(find("\u{7f}"), Some((0, '\u{7f}')));
        assert_eq!(line_col("ab\nẞd\0", 7), (2, 3));
        assert_eq!(name('\u{1b}'), "U+001B");
    }
}
