//! Markdown commentary to safe HTML. Raw HTML is shown as text (never passed through), links and
//! images only keep `http`, `https`, `mailto` or relative targets, and headings are shifted so
//! they nest under the page's own. Footnote ids are scoped and made unique, because a label is
//! written by the author (`[^main]`) and would otherwise become the element id as written.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Renders `md` to HTML under a heading of level `shift`: the document's headings keep their
/// order of depth but not their numbers, so its shallowest heading becomes `<h{shift + 1}>` and
/// each deeper level the next (capped at `<h6>`). An editor who writes `##` under a page's
/// `<h2>` (or skips from `#` to `###`) gets no gap in the outline that screen readers navigate.
/// Footnotes get ids `fn-<scope>_<label>` (`fn_<label>` for an empty scope): a sector passes its
/// id, so report.html, which joins every sector's commentary, still has each id once.
pub fn to_html(md: &str, shift: usize, scope: &str) -> String {
    let mut notes = Footnotes::new(scope);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH;
    let parsed: Vec<Event<'_>> = Parser::new_ext(md, options).collect();
    // The outline is the top-level headings': one quoted, listed or in a footnote takes the
    // rank of its level among them, and does not push them down.
    let mut used = BTreeSet::new();
    let mut depth = 0usize;
    for ev in &parsed {
        match ev {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => {
                depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1);
            }
            Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                used.insert(*level);
            }
            _ => {}
        }
    }
    let shifted = |level: HeadingLevel| {
        let rank = used.iter().take_while(|l| **l < level).count();
        HeadingLevel::try_from((shift + 1 + rank).min(6)).unwrap_or(HeadingLevel::H6)
    };
    let events = parsed.into_iter().map(|ev| match ev {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        // The file holds none (it is checked when read), but `&#27;` writes one.
        Event::Text(t) if crate::control::find(&t).is_some() => Event::Text(
            t.chars()
                .filter(|c| !crate::control::is_refused(*c))
                .collect::<String>()
                .into(),
        ),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shifted(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::FootnoteReference(label) => Event::FootnoteReference(notes.id(&label)),
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(notes.id(&label)))
        }
        other => other,
    });
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Footnote labels of one document and the ids they became.
struct Footnotes {
    prefix: String,
    ids: HashMap<String, CowStr<'static>>,
    used: BTreeSet<String>,
}

impl Footnotes {
    fn new(scope: &str) -> Self {
        Footnotes {
            prefix: if scope.is_empty() {
                "fn_".to_string()
            } else {
                format!("fn-{scope}_")
            },
            ids: HashMap::new(),
            used: BTreeSet::new(),
        }
    }

    /// The id for `label`, the same for each use; labels differing only in case are one note,
    /// as the parser matches them.
    fn id(&mut self, label: &str) -> CowStr<'static> {
        let key = label.to_lowercase();
        if let Some(id) = self.ids.get(&key) {
            return id.clone();
        }
        let slug = crate::slug::slugify(label);
        let base = format!(
            "{}{}",
            self.prefix,
            if slug.is_empty() { "note" } else { &slug }
        );
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.used.insert(id.clone());
        let id = CowStr::from(id);
        self.ids.insert(key, id.clone());
        id
    }
}

/// Writes a rendered HTML fragment to `out` with every heading one level deeper (`<h2 id="x">`
/// becomes `<h3 id="x">`; `<h6>` stays); the text keeps its length. Text from content is always
/// escaped, so `<h` followed by a digit only occurs in markup from the theme and from Markdown
/// headings.
pub fn demote_headings_into(bytes: &[u8], out: &mut dyn Write) -> io::Result<()> {
    let mut done = 0;
    for lt in memchr::memchr_iter(b'<', bytes) {
        let h = if bytes.get(lt + 1) == Some(&b'/') {
            lt + 2
        } else {
            lt + 1
        };
        let (Some(b'h'), Some(&d @ b'1'..=b'5'), Some(b'>' | b' ')) =
            (bytes.get(h), bytes.get(h + 1), bytes.get(h + 2))
        else {
            continue;
        };
        out.write_all(&bytes[done..h + 1])?;
        out.write_all(&[d + 1])?;
        done = h + 2;
    }
    out.write_all(&bytes[done..])
}

/// [`demote_headings_into`] a new string.
pub fn demote_headings(html: &str) -> String {
    let mut out = Vec::with_capacity(html.len());
    // Writing to a Vec cannot fail, and only ASCII digits change, so the text stays UTF-8.
    let _ = demote_headings_into(html.as_bytes(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Keeps web, mail and relative links; anything else (`javascript:`, `data:`, `file:`) becomes `#`.
pub fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// True for `http:`, `https:`, `mailto:` and scheme-less (relative or fragment) URLs.
pub fn is_safe_url(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            // A colon after a path, query or fragment delimiter is not a scheme.
            if lower[..colon].contains(['/', '?', '#']) {
                return true;
            }
            matches!(&lower[..colon], "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_footnotes_and_smart_quotes() {
        let html = to_html(
            "# T\n\n\"Trích\" dẫn[^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: ghi chú\n",
            2,
            "",
        );
        assert!(html.contains("<h3>T</h3>"), "{html}");
        assert!(html.contains("“Trích”"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn headings_follow_the_section_without_gaps() {
        let levels = |md: &str, shift: usize| -> Vec<String> {
            to_html(md, shift, "")
                .split("<h")
                .skip(1)
                .filter_map(|p| p.get(..1).map(str::to_string))
                .collect()
        };
        // `##` under a page's <h2> is its <h3>, `####` the next level, not <h6>.
        assert_eq!(levels("## A\n\n#### B\n\n## C\n", 2), ["3", "4", "3"]);
        assert_eq!(levels("# A\n\n### B\n\nC\n===\n", 1), ["2", "3", "2"]);
        assert_eq!(
            levels("# A\n## B\n### C\n#### D\n##### E\n###### F\n", 2),
            ["3", "4", "5", "6", "6", "6"]
        );
        assert!(levels("Chỉ có đoạn văn.\n", 2).is_empty());
        // A quoted or listed heading does not move the document's own.
        assert_eq!(
            levels("## A\n\n> # Điều 1\n\n- ### x\n\n## B\n", 2),
            ["3", "3", "4", "3"]
        );
        assert_eq!(levels("## A\n\n> #### q\n", 2), ["3", "4"]);
        assert!(to_html("### Tình hình\n", 2, "").contains("<h3>Tình hình</h3>"));
    }

    #[test]
    fn footnote_ids_are_scoped_unique_and_linked() {
        let md = "A[^main] B[^1] C[^Main] D[^a b] E[^a-b]\n\n[^main]: m\n[^1]: one\n[^a b]: x\n[^a-b]: y\n";
        let html = to_html(md, 2, "kinh-te");
        for id in [
            "fn-kinh-te_main",
            "fn-kinh-te_1",
            "fn-kinh-te_a-b",
            "fn-kinh-te_a-b-2",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
            assert!(html.contains(&format!("href=\"#{id}\"")), "{id}: {html}");
        }
        assert!(
            !html.contains("id=\"main\"") && !html.contains("id=\"1\""),
            "{html}"
        );
        assert_eq!(
            html.matches("href=\"#fn-kinh-te_main\"").count(),
            2,
            "{html}"
        );
        assert!(to_html("x[^1]\n\n[^1]: y\n", 1, "").contains("id=\"fn_1\""));
    }

    #[test]
    fn character_references_cannot_write_control_characters() {
        let html = to_html("a&#27;[31mb &#x7f;c&#133;d *e&#0;*", 0, "");
        assert_eq!(crate::control::find(&html), None, "{html:?}");
        assert!(html.contains("a[31mb cd"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html(
            "a <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n",
            0,
            "",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_are_neutralised() {
        let html = to_html(
            "[x](javascript:alert(1)) [y](https://a.vn) [z](JaVa\tScript:1) [w](p.html#a:b)",
            0,
            "",
        );
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("href=\"https://a.vn\""));
        assert!(html.contains("href=\"p.html#a:b\""));
        assert!(!is_safe_url("data:text/html,x"));
        assert!(is_safe_url("mailto:a@b.vn"));
    }

    #[test]
    fn headings_move_one_level_deeper() {
        assert_eq!(
            demote_headings(r#"<h2 id="a">A</h2><h3>B</h3><h5>C</h5><h6>D</h6>"#),
            r#"<h3 id="a">A</h3><h4>B</h4><h6>C</h6><h6>D</h6>"#
        );
    }

    #[test]
    fn other_markup_and_text_stay() {
        let html = "<header><hr><html>&lt;h2&gt; <h2x> <p>h2</p> <svg><text>h1</text></svg> đ <h";
        assert_eq!(demote_headings(html), html);
    }
}
