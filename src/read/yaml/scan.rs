//! A pass over a document before it becomes typed values, with the same parser: it bounds how
//! far anchors and aliases expand (counting bytes, not events: one 1 MiB string repeated by 2,000
//! aliases is a 1 MB file that needs gigabytes) and refuses control characters that escapes
//! such as `"\x1b"` write into a value. Text without those features skips it.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::control;
use crate::diagnostic::Diagnostic;

/// How many times its own size a document may grow by expanding aliases…
const GROWTH: u64 = 4;
/// …except that small files may always expand to this many bytes.
const FLOOR: u64 = 1 << 20;

/// The expanded size allowed for a document of `len` bytes.
pub(super) fn limit(len: usize) -> u64 {
    (len as u64).saturating_mul(GROWTH).max(FLOOR)
}

/// Checks `text` (the content of `file`); see the module comment.
pub(super) fn scan(file: &Path, text: &str) -> Result<(), Diagnostic> {
    if !has_aliases(text) && !has_control_escape(text) {
        return Ok(());
    }
    let state = State {
        remaining: Cell::new(limit(text.len())),
        found: Cell::new(None),
    };
    let Err(err) = Scan(&state).deserialize(serde_yaml::Deserializer::from_str(text)) else {
        return Ok(());
    };
    // serde's own bound on repeated values may stop the expansion before ours does.
    if state.found.get().is_none() && err.to_string().contains("repetition limit exceeded") {
        state.found.set(Some(Found::TooBig));
    }
    // Other errors are the typed parse's to report, in its words.
    match state.found.get() {
        None => Ok(()),
        Some(Found::Control(c)) => {
            let (line, col) = err.location().map_or((0, 0), |l| (l.line(), l.column()));
            Err(Diagnostic::error(
                file,
                line,
                col,
                format!("control character {} in a text value", control::name(c)),
            )
            .with_source(text)
            .with_hint(format!(
                "{}; an escape such as \\x1b or \\u0007 in double quotes writes one",
                control::HINT
            )))
        }
        Some(Found::TooBig) => {
            let (line, col, bytes) = locate_alias(text).unwrap_or((0, 0, true));
            let name = alias_name(text, line, col);
            let message = if bytes {
                format!(
                    "alias `{name}` expands the file beyond {} bytes",
                    limit(text.len())
                )
            } else {
                format!("alias `{name}` repeats values too many times")
            };
            Err(Diagnostic::error(file, line, col, message)
                .with_source(text)
                .with_hint(format!(
                    "an alias repeats its anchored value in full, and a file may grow to at most {GROWTH} times its size (at least {} MiB) this way: write the values out, or anchor smaller ones",
                    FLOOR >> 20
                )))
        }
    }
}

/// Aliases need an anchor (`&`) and an alias (`*`).
fn has_aliases(text: &str) -> bool {
    memchr::memchr(b'&', text.as_bytes()).is_some()
        && memchr::memchr(b'*', text.as_bytes()).is_some()
}

/// A double-quoted escape that can write a control character: `\0`, `\a`, `\b`, `\e`, `\v`,
/// `\f`, `\N` (U+0085) or a code (`\x..`, `\u....`, `\U........`).
fn has_control_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\\', bytes)
        .any(|i| bytes.get(i + 1).is_some_and(|b| b"0abevfNxuU".contains(b)))
}

#[derive(Clone, Copy)]
enum Found {
    TooBig,
    Control(char),
}

struct State {
    /// Bytes the document may still expand to.
    remaining: Cell<u64>,
    /// Why the scan stopped, when it was for one of our reasons.
    found: Cell<Option<Found>>,
}

/// Visits every value, following aliases as the typed parse will.
#[derive(Clone, Copy)]
struct Scan<'a>(&'a State);

impl Scan<'_> {
    fn spend<E: de::Error>(self, bytes: usize) -> Result<(), E> {
        let left = self.0.remaining.get();
        match left.checked_sub(bytes as u64) {
            Some(rest) => {
                self.0.remaining.set(rest);
                Ok(())
            }
            None => self.stop(Found::TooBig),
        }
    }

    fn stop<E: de::Error>(self, why: Found) -> Result<(), E> {
        self.0.found.set(Some(why));
        Err(E::custom("stopped"))
    }
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if let Some((_, c)) = control::find(v) {
            return self.stop(Found::Control(c));
        }
        self.spend(v.len() + 1)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.spend(1)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(1)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!name value`): its tag and its content.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let ((), variant) = data.variant_seed(self)?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

/// Where the alias is that makes `text` expand too far, by the event parser's reckoning, and
/// whether it crosses the byte limit (else serde's limit of 100 alias uses per event).
fn locate_alias(text: &str) -> Option<(usize, usize, bool)> {
    let mut sizes = Sizes::default();
    // A text the event parser refuses keeps what was seen before the refusal.
    let _ = Parser::new_from_str(text).load(&mut sizes, false);
    let (bytes, uses) = (limit(text.len()), sizes.events.saturating_mul(100));
    sizes
        .aliases
        .iter()
        .find(|a| a.bytes > bytes || a.uses > uses)
        .map(|a| (a.at.0, a.at.1, a.bytes > bytes))
        .or_else(|| super::first_alias(text).map(|(l, c)| (l, c, true)))
}

/// One alias: where, and the expansion so far once it is followed.
struct AliasSeen {
    at: (usize, usize),
    bytes: u64,
    uses: u64,
}

/// Expanded size of the document as events arrive, in the same measure as [`Scan`] (or more),
/// and how many alias uses following them takes, as serde counts them.
#[derive(Default)]
struct Sizes {
    events: u64,
    bytes: u64,
    uses: u64,
    /// Expanded bytes and alias uses of each anchored value, by anchor id.
    anchored: HashMap<usize, (u64, u64)>,
    /// Open collections: their anchor id, and the totals when they started.
    open: Vec<(usize, u64, u64)>,
    aliases: Vec<AliasSeen>,
}

impl MarkedEventReceiver for Sizes {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.events += 1;
        match ev {
            Event::Scalar(v, _, anchor, _) => {
                let size = v.len() as u64 + 1;
                self.bytes += size;
                if anchor > 0 {
                    self.anchored.insert(anchor, (size, 0));
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, self.bytes, self.uses));
                self.bytes += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, bytes, uses)) = self.open.pop()
                    && anchor > 0
                {
                    let size = (self.bytes - bytes, self.uses - uses);
                    self.anchored.insert(anchor, size);
                }
            }
            Event::Alias(id) => {
                let (bytes, uses) = self.anchored.get(&id).copied().unwrap_or((0, 0));
                self.bytes = self.bytes.saturating_add(bytes);
                self.uses = self.uses.saturating_add(uses).saturating_add(1);
                self.aliases.push(AliasSeen {
                    at: (mark.line(), mark.col() + 1),
                    bytes: self.bytes,
                    uses: self.uses,
                });
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {
                self.events -= 1;
            }
        }
    }
}

/// The alias as written at `line`:`col` (`*name`), or `*…` when it cannot be read there.
fn alias_name(text: &str, line: usize, col: usize) -> String {
    let name: String = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|l| {
            l.chars()
                .skip(col.saturating_sub(1))
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .take(40)
                .collect()
        })
        .unwrap_or_default();
    if name.starts_with('*') && name.len() > 1 {
        name
    } else {
        "*…".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_of(text: &str) -> Result<(), Diagnostic> {
        scan(Path::new("s.yaml"), text)
    }

    #[test]
    fn a_big_string_repeated_by_aliases_is_refused_at_the_alias_that_crosses() {
        let big = "x".repeat(200_000);
        let text = format!("a: &s \"{big}\"\nb: [*s, *s, *s,\n  *s, *s]\n");
        let err = scan_of(&text).unwrap_err();
        // 200 KB written once and repeated four times stays under 1 MiB; the fifth crosses.
        assert_eq!((err.line, err.column), (3, 7));
        assert_eq!(
            err.message,
            "alias `*s` expands the file beyond 1048576 bytes"
        );
        assert!(scan_of(&format!("a: &s \"{big}\"\nb: [*s, *s]\n")).is_ok());
    }

    #[test]
    fn nested_anchors_count_every_level() {
        let text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n\
                    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
                    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n\
                    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let err = scan_of(text).unwrap_err();
        assert_eq!((err.line, err.column), (5, 36), "{err:?}");
        assert_eq!(err.message, "alias `*d` repeats values too many times");
        // Reused small values are fine.
        assert!(scan_of("s: &s {title: A, url: \"https://x\"}\nt: [*s, *s, *s]\n").is_ok());
    }

    #[test]
    fn control_characters_written_by_escapes_are_refused_where_the_value_is() {
        for (escape, name) in [
            ("\\0", "U+0000"),
            ("\\x1b", "U+001B"),
            ("\\u0007", "U+0007"),
            ("\\N", "U+0085"),
            ("\\e", "U+001B"),
        ] {
            let text = format!("a: ok\nb:\n  - \"x{escape}y\"\n");
            let err = scan_of(&text).unwrap_err();
            assert_eq!((err.line, err.column), (3, 5), "{escape}");
            assert_eq!(
                err.message,
                format!("control character {name} in a text value")
            );
        }
        // Tabs and newlines by escape, and backslashes in plain text, are fine.
        assert!(scan_of("a: \"x\\ty\\n\"\nb: C:\\x\\0\n").is_ok());
    }

    #[test]
    fn syntax_errors_are_left_to_the_typed_parse() {
        assert!(scan_of("a: &s [\nb: *s\n").is_ok());
    }
}
