//! All YAML parsing lives here. Typed values come from serde_yaml (the maintained `serde_norway`
//! fork); a second, event-level pass with yaml-rust2 records where every value sits, so that
//! problems found later (a range whose minimum exceeds its maximum, a duplicate id) can still be
//! reported with a line and column.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::{Diagnostic, closest};

mod scan;

/// A parsed YAML document with the location of each of its values.
#[derive(Debug)]
pub struct Doc<T> {
    /// The typed value.
    pub value: T,
    /// Where each value is, by serde-style path (`indicators[2].target`).
    pub spans: Spans,
}

/// Line and column (both 1-based) of every value in a document, keyed by path. Recorded on
/// first use: a build of valid content never needs them.
#[derive(Debug, Default)]
pub struct Spans {
    text: Option<Arc<str>>,
    map: OnceLock<HashMap<String, (usize, usize)>>,
}

impl Spans {
    /// Spans given by path (a spreadsheet's cells, named like YAML paths).
    pub fn from_map(map: HashMap<String, (usize, usize)>) -> Self {
        Spans {
            text: None,
            map: OnceLock::from(map),
        }
    }

    /// The location of `path`, or of its nearest recorded parent.
    pub fn get(&self, path: &str) -> (usize, usize) {
        let map = self
            .map
            .get_or_init(|| record(self.text.as_deref().unwrap_or_default()).map);
        let mut p = path;
        loop {
            if let Some(at) = map.get(p) {
                return *at;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

/// Parses `text` (the content of `file`) into `T`, or explains why it cannot. Duplicate keys
/// of free-form mappings are found here too (serde only finds those of struct fields).
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str) -> Result<Doc<T>, Diagnostic> {
    check_nesting(file, text)?;
    scan::scan(file, text)?;
    let value = serde_yaml::from_str::<T>(text).map_err(|e| to_diagnostic(file, text, &e))?;
    let recorder = record(text);
    if let Some((key, (line, col))) = recorder.duplicates.first() {
        return Err(Diagnostic::error(
            file,
            *line,
            *col,
            format!("duplicate key `{key}` in this mapping"),
        )
        .with_source(text)
        .with_hint("each key may appear only once in a mapping; remove or rename one"));
    }
    Ok(Doc {
        value,
        spans: Spans {
            text: None,
            map: OnceLock::from(recorder.map),
        },
    })
}

/// Parses a document made only of structs (serde itself rejects their duplicate fields); value
/// locations are recorded only if something asks for one.
pub fn parse_structs<T: DeserializeOwned>(
    file: &Path,
    text: &Arc<str>,
) -> Result<Doc<T>, Diagnostic> {
    check_nesting(file, text)?;
    scan::scan(file, text)?;
    let value = serde_yaml::from_str::<T>(text).map_err(|e| to_diagnostic(file, text, &e))?;
    Ok(Doc {
        value,
        spans: Spans {
            text: Some(Arc::clone(text)),
            map: OnceLock::new(),
        },
    })
}

/// Deepest flow nesting (`[`, `{`) accepted. The YAML scanner spends time quadratic in the
/// depth before its own recursion limit stops it, so deep nesting is refused up front.
const MAX_FLOW_DEPTH: usize = 100;

/// One linear pass over `text`, outside quoted scalars and comments, refusing deep `[`/`{`.
/// Every character it looks for is ASCII, so it walks bytes: a byte of a multi-byte letter
/// never equals one of them, just as the letter would not.
fn check_nesting(file: &Path, text: &str) -> Result<(), Diagnostic> {
    let (mut depth, mut quote, mut comment, mut prev) = (0usize, None, false, b' ');
    let (mut line, mut line_start) = (1usize, 0usize);
    for (i, &c) in text.as_bytes().iter().enumerate() {
        let first = i == line_start;
        match c {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                comment = false;
            }
            _ if comment => {}
            b'#' if quote.is_none() && (prev == b' ' || prev == b'\t' || first) => comment = true,
            b'"' if quote == Some(b'"') && prev == b'\\' => {}
            b'"' | b'\'' if quote == Some(c) => quote = None,
            // A quote opens a quoted scalar only where a scalar can start (not in "People's").
            b'"' | b'\''
                if quote.is_none()
                    && (first || matches!(prev, b' ' | b'\t' | b'[' | b'{' | b',' | b':')) =>
            {
                quote = Some(c)
            }
            b'[' | b'{' if quote.is_none() => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    let col = text[line_start..i].chars().count() + 1;
                    return Err(Diagnostic::error(file, line, col, "the YAML nests too deeply")
                        .with_source(text)
                        .with_hint(format!("content never needs more than {MAX_FLOW_DEPTH} levels of [ ] or {{ }}: look for runaway brackets")));
                }
            }
            b']' | b'}' if quote.is_none() => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    Ok(())
}

/// Runs the event parser over `text`, recording value locations and duplicate keys.
fn record(text: &str) -> Recorder {
    let mut recorder = Recorder::default();
    // serde_yaml accepted the text, so the event parser accepts it too; a disagreement would only
    // cost us locations, never correctness.
    let _ = Parser::new_from_str(text).load(&mut recorder, false);
    recorder
}

fn to_diagnostic(file: &Path, text: &str, err: &serde_yaml::Error) -> Diagnostic {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .or_else(|| first_alias(text))
        .unwrap_or((0, 0));
    let message = plain_words(&strip_location(&err.to_string()));
    let at_error = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.chars().nth(column.saturating_sub(1)));
    let hint = match at_error {
        Some('\t') => Some("YAML does not allow tabs for indentation: replace them with spaces (set your editor to insert spaces)".to_string()),
        // `unit: %`, `note: @…`, `name: `…: characters YAML keeps for itself cannot start a
        // plain value.
        Some(c @ ('%' | '@' | '`')) if message.contains("cannot start a value") => Some(format!(
            "a value starting with `{c}` must be in quotes: write it as \"{c}…\" (đặt trong ngoặc kép, ví dụ unit: \"%\")"
        )),
        _ => hint_for(&message),
    };
    if let Some(((line, column), message, hint)) = syntax(text, line, column, &message) {
        return Diagnostic::error(file, line, column, message)
            .with_source(text)
            .with_hint(hint);
    }
    let mut d = Diagnostic::error(file, line, column, message).with_source(text);
    if let Some(h) = hint {
        d = d.with_hint(h);
    }
    d
}

/// The syntax slips editors make most, which the YAML parser reports where it noticed them, in
/// its own words: a quote left open (reported lines later as something else), a field without
/// its `:` (reported on the next line), a line out of step with its entry or a value holding
/// `: ` ("mapping values are not allowed"), and text after a closing quote. Each is told where
/// it is, in words that say what to type.
fn syntax(
    text: &str,
    line: usize,
    column: usize,
    message: &str,
) -> Option<((usize, usize), String, String)> {
    const SYNTAX: [&str; 7] = [
        "while scanning",
        "while parsing",
        "cannot start a value",
        "mapping values are not allowed",
        "did not find expected",
        "could not find expected",
        "end of stream",
    ];
    if !SYNTAX.iter().any(|m| message.contains(m)) {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let line_text = |n: usize| lines.get(n.wrapping_sub(1)).copied().unwrap_or_default();
    // A bad escape inside a closed quoted value is the parser's own, precise report.
    if !message.contains("escape")
        && let Some(at @ (open, _)) = quote_left_open(&lines, line, column)
    {
        let runs = if message.contains("end of stream") {
            "to the end of the file".to_string()
        } else {
            format!("to the next quote, on line {line}, where YAML then found: {message}")
        };
        return Some((
            at,
            "this quoted value is not closed on its line".into(),
            format!(
                "add the closing quote at the end of the value on line {open}; as it is, the \
                 value runs on {runs}"
            ),
        ));
    }
    if message.starts_with("could not find expected ':'") {
        const KEY: &str = "while scanning a simple key ";
        let (at, _) = at_line(&message[message.find(KEY)? + KEY.len()..])?;
        let words = line_text(at.0).trim_start().trim_start_matches("- ");
        let (field, rest) = words.split_once(' ').unwrap_or((words, ""));
        let is_field = !field.is_empty()
            && (field.bytes()).all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let example = if is_field {
            format!(
                "write a colon and a space after the name: `{field}: {}`; ",
                rest.trim()
            )
        } else {
            "a field needs a colon and a space after its name (`name: …`); ".to_string()
        };
        return Some((
            at,
            "this line has no `:` after its field name".into(),
            format!(
                "{example}a line that continues the text of the line above must be indented \
                 further than its field, or the text put in quotes"
            ),
        ));
    }
    let before: String = line_text(line)
        .chars()
        .take(column.saturating_sub(1))
        .collect();
    let before = before.trim_end();
    if message.starts_with("did not find expected key") && before.ends_with(['"', '\'']) {
        let (stray, other) = if before.ends_with('"') {
            ('"', "'…\"…'")
        } else {
            ('\'', "\"…'…\"")
        };
        return Some((
            (line, column),
            format!("text follows the closing quote `{stray}` of this value"),
            format!(
                "a quoted value ends at its closing quote: quote the whole value with the other \
                 kind of quote ({other}), or remove the stray `{stray}` if it is a typing slip"
            ),
        ));
    }
    if message.starts_with("mapping values are not allowed") {
        return out_of_step(&lines, line, column);
    }
    None
}

/// "mapping values are not allowed" at `line`, `column`: either the line's value holds `: `
/// (quote it), or the line is not lined up with its entry (say both columns).
fn out_of_step(
    lines: &[&str],
    line: usize,
    column: usize,
) -> Option<((usize, usize), String, String)> {
    let here = *lines.get(line.checked_sub(1)?)?;
    let indent = |l: &str| l.chars().take_while(|c| *c == ' ').count();
    let holds_colon = |value: &str| value.contains(": ") || value.trim_end().ends_with(':');
    let (key, value) = here.split_once(": ").unwrap_or(("", here));
    let key = key.trim().trim_start_matches("- ");
    if !key.is_empty() && holds_colon(value) {
        return Some((
            (line, column),
            format!("the value of `{key}` holds `: `, which YAML reads as a new field"),
            format!("put the value in quotes: `{key}: \"{}\"`", value.trim()),
        ));
    }
    let above = lines[..line - 1]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let field_column = |l: &str| {
        let i = indent(l);
        i + if l[i..].starts_with("- ") { 2 } else { 0 } + 1
    };
    let (mine, theirs) = (indent(here) + 1, field_column(above));
    if key.is_empty() || mine == theirs || !above.contains(": ") && !above.ends_with(':') {
        // A continuation of the value above that holds `: `.
        return Some((
            (line, column),
            "the text on this line holds `: `, which YAML reads as a new field".into(),
            "put the whole value in quotes, from its field on the lines above down to here".into(),
        ));
    }
    Some((
        (line, mine),
        "this line is not lined up with the line above it".into(),
        format!(
            "the fields of one entry start in the same column: `{key}` starts in column {mine}, \
             the field above it in column {theirs}. Indent with spaces to match"
        ),
    ))
}

/// Where a quoted value that runs over a line end starts, when it is still open at `line`,
/// `column` or was closed on that line before it. YAML allows such values, but in content they
/// are almost always a quote left open, which the parser reports lines later as something else.
/// A quote opens a value only where a value starts (after `key:`, `- `, `[`, `{`, `,` or at the
/// start of a line), so apostrophes in text are no quotes; comments and the lines of block
/// values (`note: |`) are skipped.
fn quote_left_open(lines: &[&str], line: usize, column: usize) -> Option<(usize, usize)> {
    let mut quote: Option<(char, usize, usize)> = None;
    let mut block: Option<usize> = None;
    let indent = |l: &str| l.chars().take_while(|c| *c == ' ').count();
    for (n, l) in lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, *l))
        .take(line)
    {
        if quote.is_none() {
            match block {
                Some(b) if l.trim().is_empty() || indent(l) > b => continue,
                _ => block = None,
            }
        }
        let mut before = String::new();
        let mut prev = ' ';
        for (k, c) in l.chars().enumerate().map(|(k, c)| (k + 1, c)) {
            if n == line && k >= column {
                return quote.filter(|q| q.1 < line).map(|q| (q.1, q.2));
            }
            match (c, quote) {
                ('#', None) if matches!(prev, ' ' | '\t') => break,
                ('"', Some(('"', _, _))) if prev == '\\' => {}
                (c, Some((q, from, at))) if c == q => {
                    if n == line && from < line {
                        return Some((from, at));
                    }
                    quote = None;
                }
                ('"' | '\'', None) => {
                    let b = before.trim_end();
                    if b.is_empty() || b.ends_with([':', '-', '[', '{', ',']) {
                        quote = Some((c, n, k));
                    }
                }
                _ => {}
            }
            before.push(c);
            prev = c;
        }
        let value = l.trim_end();
        let opens_block = quote.is_none()
            && (value.ends_with(['|', '>']) || value.ends_with("|-") || value.ends_with(">-"))
            && (value.contains(": ") || value.trim_start().starts_with("- "));
        if opens_block {
            block = Some(indent(l));
        }
    }
    quote.filter(|q| q.1 < line).map(|q| (q.1, q.2))
}

/// Where the first alias (`*name`) is: serde_yaml reports alias expansion problems without a
/// location.
fn first_alias(text: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let chars: Vec<char> = line.chars().collect();
        (1..chars.len()).find_map(|j| {
            let opens =
                chars[j] == '*' && matches!(chars[j - 1], ' ' | '[' | ',' | '{' | ':' | '-');
            let named = chars
                .get(j + 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_');
            (opens && named).then_some((i + 1, j + 1))
        })
    })
}

/// Removes serde_yaml's " at line N column M", which the diagnostic already shows.
fn strip_location(raw: &str) -> String {
    let Some(i) = raw.find(" at line ") else {
        return raw.to_string();
    };
    match at_line(&raw[i + 1..]) {
        Some((_, after)) => format!("{}{after}", &raw[..i]),
        None => raw.to_string(),
    }
}

/// `at line N column M` at the start of a parser message's `text`: the place, and what follows.
fn at_line(text: &str) -> Option<((usize, usize), &str)> {
    let (line, rest) = text.strip_prefix("at line ")?.split_once(" column ")?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let column = rest[..digits].parse().ok()?;
    Some(((line.parse().ok()?, column), &rest[digits..]))
}

/// Replaces Rust type names in serde messages with words editors know.
fn plain_words(message: &str) -> String {
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected i32", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list")
        .replace("unknown variant `", "unknown value `")
        .replace("expected a boolean", "expected true or false")
        .replace("invalid type: map", "invalid type: a mapping (key: value)")
        .replace("expected struct ", "expected a mapping (key: value) for ")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace(
            "data did not match any variant of untagged enum ActualValue",
            "expected a number, or true or false for a milestone",
        )
        .replace(
            "found character that cannot start any token, while scanning for the next token",
            "this character cannot start a value (YAML keeps it for itself)",
        )
}

/// Turns serde's "unknown field `x`, expected one of ..." into a suggestion.
fn hint_for(message: &str) -> Option<String> {
    let after = |marker: &str| message.find(marker).map(|i| &message[i + marker.len()..]);
    if let Some(rest) = after("unknown field `") {
        let given = rest.split('`').next().unwrap_or_default();
        if !given.is_empty() && given.bytes().all(|b| b.is_ascii_digit()) {
            // `{…, value: 33,5, …}`: YAML reads `33` as the value and `5` as a new key.
            return Some(format!(
                "a number written with a decimal comma inside `{{…}}` splits in two: the digits \
                 after the comma (`{given}`) became a new entry. Write the number with a decimal \
                 point, e.g. `7.38`, not `7,38` (dùng dấu chấm thập phân)"
            ));
        }
    }
    if let Some(rest) = after("the number is `") {
        let number = rest.split('`').next().unwrap_or_default();
        return Some(format!(
            "write numbers with a decimal point: `{number}` (dùng dấu chấm thập phân)"
        ));
    }
    if message.ends_with("is not a number") {
        return Some(
            "write a plain number such as 7.38 or 50400 (a decimal point, no spaces or units), or true or false for a milestone"
                .to_string(),
        );
    }
    if let Some(rest) = after("unknown field `").or_else(|| after("unknown value `")) {
        let given = rest.split('`').next().unwrap_or_default();
        let known: Vec<&str> = rest
            .split('`')
            .skip(1)
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        return Some(match closest(given, &known) {
            Some(k) => format!("did you mean `{k}`? allowed here: {}", known.join(", ")),
            None if known.is_empty() => "remove this entry".to_string(),
            None => format!("allowed here: {}", known.join(", ")),
        });
    }
    if let Some(rest) = after("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return Some(format!(
            "add `{field}:` to this entry (see the README for its format)"
        ));
    }
    if message.contains("invalid type") {
        return Some(
            "check the value's type: numbers are plain (7.5, 50400), text may be quoted, lists start with `-`"
                .to_string(),
        );
    }
    if message.contains("recursion limit exceeded") {
        return Some("the YAML nests too deeply (over 128 levels); content never needs that: look for runaway brackets".into());
    }
    if message.contains("repetition limit exceeded") {
        return Some("anchors and aliases (`&name`, `*name`) expand too much here; write the values out instead".into());
    }
    if message.contains("while parsing") || message.contains("did not find expected") {
        return Some(
            "check indentation (spaces, not tabs), closing brackets and quotes; quote text that contains `: ` or starts with `[`, `{`, `*`, `&` or `!`"
                .to_string(),
        );
    }
    if message.contains("duplicate entry") || message.contains("duplicate field") {
        return Some(
            "each key may appear only once in a mapping; remove or rename one".to_string(),
        );
    }
    None
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        seen: std::collections::HashSet<String>,
        /// Set while this map is a list item whose location is not yet known.
        locate: bool,
    },
    Seq {
        path: String,
        index: usize,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    map: HashMap<String, (usize, usize)>,
    /// Keys given twice in one mapping, with where the second one is.
    duplicates: Vec<(String, (usize, usize))>,
}

impl Recorder {
    /// The path of the value that the next event starts, and whether a key is expected instead.
    fn next_value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Map { path, key, .. }) => {
                let k = key.take().unwrap_or_default();
                Some(if path.is_empty() {
                    k
                } else {
                    format!("{path}.{k}")
                })
            }
            Some(Frame::Seq { path, index }) => {
                *index += 1;
                Some(format!("{path}[{}]", *index - 1))
            }
        }
    }

    fn is_list_item(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Seq { .. }))
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = (mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(text, ..) => {
                if let Some(Frame::Map {
                    path,
                    key,
                    locate,
                    seen,
                }) = self.stack.last_mut()
                    && key.is_none()
                {
                    if !seen.insert(text.clone()) {
                        self.duplicates.push((text.clone(), at));
                    }
                    if *locate {
                        self.map.insert(path.clone(), at);
                        *locate = false;
                    }
                    let child = if path.is_empty() {
                        text.clone()
                    } else {
                        format!("{path}.{text}")
                    };
                    self.map.insert(child, at);
                    *key = Some(text);
                    return;
                }
                if let Some(p) = self.next_value_path() {
                    self.map.insert(p, at);
                }
            }
            Event::Alias(_) => {
                if let Some(p) = self.next_value_path() {
                    self.map.insert(p, at);
                }
            }
            Event::MappingStart(..) => {
                let item = self.is_list_item();
                let path = self.next_value_path().unwrap_or_default();
                self.stack.push(Frame::Map {
                    path,
                    key: None,
                    locate: item,
                    seen: Default::default(),
                });
            }
            Event::SequenceStart(..) => {
                let path = self.next_value_path().unwrap_or_default();
                self.map.entry(path.clone()).or_insert(at);
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        range: Option<Vec<f64>>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Top {
        title: String,
        items: Vec<Item>,
    }

    const TEXT: &str = "title: T\nitems:\n  - name: a\n    range: [1, 2]\n  - name: b\n";

    #[test]
    fn records_locations_of_values_and_list_items() {
        let doc: Doc<Top> = parse(Path::new("t.yaml"), TEXT).unwrap();
        assert_eq!(doc.spans.get("title"), (1, 8));
        assert_eq!(doc.spans.get("items[0]"), (3, 5));
        assert_eq!(
            doc.spans.get("items[0].range"),
            (4, 5),
            "collections point at their key"
        );
        assert_eq!(doc.spans.get("items[1].name"), (5, 11));
        // Unknown paths fall back to the nearest parent.
        assert_eq!(doc.spans.get("items[1].name.deeper"), (5, 11));
    }

    #[test]
    fn common_syntax_slips_are_told_where_they_are_and_what_to_type() {
        let err = |text: &str| {
            let d = parse::<Top>(Path::new("t.yaml"), text).unwrap_err();
            (d.line, d.column, d.message, d.hint.unwrap_or_default())
        };
        // A field without its colon: the parser notices on the next line.
        let (line, col, message, hint) =
            err("title: T\nitems:\n  - range: [1]\n    name a tỉnh\n    range: [2]\n");
        assert_eq!((line, col), (4, 5), "{message}");
        assert_eq!(message, "this line has no `:` after its field name");
        assert!(hint.contains("`name: a tỉnh`"), "{hint}");
        // A quote left open: reported lines later as something else.
        let (line, col, message, hint) =
            err("title: \"T\nitems:\n  - name: \"a\"\n    range: [1, 2]\n");
        assert_eq!((line, col), (1, 8), "{message}");
        assert_eq!(message, "this quoted value is not closed on its line");
        assert!(hint.contains("on line 3"), "{hint}");
        // A value holding `: `.
        let (line, _, message, hint) = err("title: Kế hoạch: 2024\nitems: []\n");
        assert_eq!(line, 1);
        assert!(
            message.starts_with("the value of `title` holds `: `"),
            "{message}"
        );
        assert_eq!(hint, "put the value in quotes: `title: \"Kế hoạch: 2024\"`");
        // A line out of step with its entry.
        let (line, col, message, hint) = err("title: T\nitems:\n - name: a\n    range: [1]\n");
        assert_eq!((line, col), (4, 5), "{message}");
        assert_eq!(message, "this line is not lined up with the line above it");
        assert!(
            hint.contains("column 5, the field above it in column 4"),
            "{hint}"
        );
        // Text after a closing quote.
        let (line, _, message, _) = err("title: \"T\" tỉnh\nitems: []\n");
        assert_eq!(line, 1);
        assert_eq!(message, "text follows the closing quote `\"` of this value");
        // No false quotes: an apostrophe in text, a quote in a comment after a tab, a quote in
        // a block value.
        for text in [
            "title: Đầu tư 'cũ\nitems:\n  - range: [1]\n    name a\n    range: [2]\n",
            "title: T\t# \"x\nitems:\n  - range: [1]\n    name a\n    range: [2]\n",
            "title: |\n  Số liệu \"sơ bộ\nitems:\n  - range: [1]\n    name a\n    range: [2]\n",
        ] {
            let (line, _, message, _) = err(text);
            assert_eq!(
                message, "this line has no `:` after its field name",
                "{text}"
            );
            assert!(line >= 4, "{text}");
        }
        // A line out of step whose value is an address is not told to quote it.
        let (_, _, message, _) = err("title: T\nitems:\n - name: a\n    url: https://a.vn/b\n");
        assert_eq!(message, "this line is not lined up with the line above it");
        // A continuation line holding `: ` is told to quote the whole value.
        let (_, _, message, _) = err(
            "title: T\nitems:\n  - name: Tăng trưởng\n      GRDP cao, gồm\n      nông nghiệp: 3%\n",
        );
        assert_eq!(
            message,
            "the text on this line holds `: `, which YAML reads as a new field"
        );
        // A slip far down a long file is found in one pass over its lines.
        let long = format!(
            "title: T\nitems:\n - name: a{}\n    range: [1]\n",
            "\n".repeat(20_000)
        );
        assert_eq!(
            err(&long).2,
            "this line is not lined up with the line above it"
        );
        // Quotes over several lines that are closed where they should be are no slip.
        let (_, _, message, _) = err("title: \"T\n  U\"\nitmes: []\n");
        assert!(message.starts_with("unknown field `itmes`"), "{message}");
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let err = parse::<Top>(Path::new("t.yaml"), "title: T\nitmes: []\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(
            err.message.starts_with("unknown field `itmes`"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().starts_with("did you mean `items`?"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_fast() {
        let text = format!("a: {}\n", "[".repeat(1_000_000));
        let started = std::time::Instant::now();
        let err = parse::<Top>(Path::new("t.yaml"), &text).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(
            (err.line, err.column, err.message.as_str()),
            (1, 104, "the YAML nests too deeply")
        );
        // Brackets inside quotes and comments do not count.
        let quoted = format!(
            "title: \"{}\"\n# {}\nitems: []\n",
            "[".repeat(500),
            "{".repeat(500)
        );
        assert!(parse::<Top>(Path::new("t.yaml"), &quoted).is_ok());
        // The column counts letters, not bytes.
        let vietnamese = format!("a: 1\nb: \"Tiền Giang\" # đủ [\nc: {}\n", "[".repeat(200));
        let err = parse::<Top>(Path::new("t.yaml"), &vietnamese).unwrap_err();
        assert_eq!((err.line, err.column), (3, 104));
        let after_letters = format!("đề: {}\n", "{".repeat(200));
        let err = parse::<Top>(Path::new("t.yaml"), &after_letters).unwrap_err();
        assert_eq!((err.line, err.column), (1, 105));
    }

    #[test]
    fn duplicate_keys_in_maps_are_errors() {
        let text = "a:\n  x: 1\n  y: 2\n  x: 3\n";
        let err = parse::<
            std::collections::BTreeMap<String, std::collections::BTreeMap<String, i32>>,
        >(Path::new("m.yaml"), text)
        .unwrap_err();
        assert_eq!(
            (err.line, err.column, err.message.as_str()),
            (4, 3, "duplicate key `x` in this mapping")
        );
    }

    #[test]
    fn type_errors_carry_location_without_duplicate_suffix() {
        let err = parse::<Top>(
            Path::new("t.yaml"),
            TEXT.replace("[1, 2]", "[1, x]").as_str(),
        )
        .unwrap_err();
        assert_eq!(err.line, 4);
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }
}
