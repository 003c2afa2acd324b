//! Markdown commentary to safe HTML. Raw HTML is shown as text (never passed through), links and
//! images only keep `http`, `https`, `mailto` or relative targets, and headings are shifted so
//! they nest under the page's own.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Renders `md` to HTML; `#` becomes a heading `shift` levels deeper (capped at `<h6>`).
pub fn to_html(md: &str, shift: usize) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(md, options).map(|ev| match ev {
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
            level: shifted(level, shift),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, shift))),
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
        other => other,
    });
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn shifted(level: HeadingLevel, shift: usize) -> HeadingLevel {
    let n = (level as usize + shift).min(6);
    HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
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
        );
        assert!(html.contains("<h3>T</h3>"), "{html}");
        assert!(html.contains("“Trích”"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn character_references_cannot_write_control_characters() {
        let html = to_html("a&#27;[31mb &#x7f;c&#133;d *e&#0;*", 0);
        assert_eq!(crate::control::find(&html), None, "{html:?}");
        assert!(html.contains("a[31mb cd"), "{html}");
    }

    #[test]
    fn raw_html_is_escaped() {
        let html = to_html(
            "a <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n",
            0,
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
        );
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("href=\"https://a.vn\""));
        assert!(html.contains("href=\"p.html#a:b\""));
        assert!(!is_safe_url("data:text/html,x"));
        assert!(is_safe_url("mailto:a@b.vn"));
    }
}
