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
    // Every refused character starts with a byte that `may_start_refused` flags, and such a
    // byte is never inside a character, so characters are decoded only there.
    let mut from = 0;
    while let Some(at) = first_byte(text.as_bytes(), from, may_start_refused) {
        let c = text[at..].chars().next()?;
        if is_refused(c) {
            return Some((at, c));
        }
        from = at + 1;
    }
    None
}

/// The first index from `from` on of a byte that `wanted` accepts. Blocks of bytes without one
/// are passed over whole: the test of a block has no early exit, so it compiles to vector
/// instructions, which matters for the megabytes of text that content checks and page
/// formatting search for rare bytes.
pub fn first_byte(bytes: &[u8], from: usize, wanted: impl Fn(u8) -> bool) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut start = from;
    while start < bytes.len() {
        let end = (start + BLOCK).min(bytes.len());
        let block = &bytes[start..end];
        if block.iter().fold(false, |any, &b| any | wanted(b)) {
            return block.iter().position(|&b| wanted(b)).map(|i| start + i);
        }
        start = end;
    }
    None
}

/// Bytes that may start a refused character: C0 controls but tab, line feed and carriage
/// return, DEL, 0xC2 (C1 controls are U+0080–U+009F) and 0xEF (U+FEFF). None of them is the
/// continuation of a character.
fn may_start_refused(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2 || b == 0xef
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

    #[test]
    fn finds_the_first_refused_character_at_any_place_in_long_text() {
        let naive = |t: &str| t.char_indices().find(|&(_, c)| is_refused(c));
        let line = "Tiền Giang đạt 7,02 % — ½\t“kế hoạch”\r\n";
        let base = line.repeat(8);
        assert_eq!(find(&base), None);
        for bad in ['\0', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{feff}'] {
            for (at, _) in base.char_indices() {
                let mut text = base.clone();
                text.insert(at, bad);
                text.push('\u{1}');
                assert_eq!(find(&text), naive(&text), "{bad:?} at {at}");
                assert_eq!(find(&text), Some((at, bad)));
            }
        }
    }
}
