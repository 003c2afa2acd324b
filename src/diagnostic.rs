//! Problems found in the user's content or theme, reported like rustc: file, line, column, the
//! source line with a caret, what was expected and a hint.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, but the site is still built.
    Warning,
}

/// Where something was written: file, line and column (1-based; 0 when unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loc {
    /// The file.
    pub file: PathBuf,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// One problem, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in, as the user named it (relative to where tiendo runs).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The source line the problem is on, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// An error at a place in a file.
    pub fn error(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A warning at a recorded location.
    pub fn warning_at(at: &Loc, message: impl Into<String>) -> Self {
        Diagnostic::warning(&at.file, at.line, at.column, message)
    }

    /// A warning at a place in a file.
    pub fn warning(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    /// Adds a hint saying how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the offending source line, taken from the file's text.
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            // A control character would be sent to the terminal as is: show a stand-in.
            self.source_line = text.lines().nth(self.line - 1).map(|l| {
                l.chars()
                    .map(|c| {
                        if crate::control::is_refused(c) {
                            '\u{fffd}'
                        } else {
                            c
                        }
                    })
                    .collect()
            });
        }
        self
    }

    /// `file:line:column`, the location as editors and terminals understand it.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let (shown, caret_at) = window(src, self.column.saturating_sub(1));
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {shown}")?;
            writeln!(f, "{pad} | {}^", " ".repeat(caret_at))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// At most this many characters of a source line are shown.
const SHOWN: usize = 100;

/// The part of `line` to show around character `col` (tabs widened to 4), and where the caret
/// goes in it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = if chars.len() > SHOWN {
        col.saturating_sub(SHOWN / 2).min(chars.len() - SHOWN)
    } else {
        0
    };
    let end = (start + SHOWN).min(chars.len());
    let width = |c: &char| if *c == '\t' { 4 } else { 1 };
    let mut shown: String = chars[start..end]
        .iter()
        .map(|c| {
            if *c == '\t' {
                "    ".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut caret: usize = chars[start..col.clamp(start, end)].iter().map(width).sum();
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

/// Sorts diagnostics by file and position so reports are stable and easy to follow.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// The known name closest to `given`, if it is close enough to be a likely typo.
pub fn closest<'a>(given: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(given, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_source_and_caret() {
        let d = Diagnostic::error(Path::new("a.yaml"), 2, 3, "bad")
            .with_source("x: 1\ny: oops\n")
            .with_hint("fix it");
        let text = d.to_string();
        assert!(text.starts_with("a.yaml:2:3: error: bad\n"), "{text}");
        assert!(text.contains("2 | y: oops\n  |   ^\n"), "{text}");
        assert!(text.ends_with("= hint: fix it\n"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, caret) = window(&line, 500);
        assert!(shown.chars().count() <= SHOWN + 2);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert_eq!(window("\tx: 1", 1), ("    x: 1".to_string(), 4));
    }

    #[test]
    fn closest_finds_typos_only() {
        let known = ["name", "unit", "target"];
        assert_eq!(closest("nmae", &known), Some("name"));
        assert_eq!(closest("targte", &known), Some("target"));
        assert_eq!(closest("zzzz", &known), None);
    }
}
