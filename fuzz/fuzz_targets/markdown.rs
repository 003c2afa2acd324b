//! `tiendo::markdown::to_html` must never panic, and its output must be safe to inline into a
//! page: raw HTML is shown as text, so the only tags are the ones pulldown-cmark itself emits,
//! no attribute is an event handler (`on…=`), and no `href`/`src` can run script
//! (`javascript:`, `vbscript:`, `data:`), after HTML entity decoding and the whitespace and
//! control characters a browser ignores.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// Tags pulldown-cmark writes for CommonMark + tables, footnotes, strikethrough.
const ALLOWED_TAGS: &[&str] = &[
    "a", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
];

const ALLOWED_ATTRS: &[&str] = &["href", "src", "alt", "title", "class", "id", "style", "start"];

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    for shift in [0, 2] {
        let html = tiendo::markdown::to_html(md, shift, "fuzz");
        check_html(&html);
    }
});

fn check_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "`<script` in output: {html:?}");
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        i = start + 1;
        let rest = &html[i..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        assert!(
            name_len > 0,
            "a `<` that does not start a tag was not escaped at byte {start}: {html:?}"
        );
        let name = rest[..name_len].to_ascii_lowercase();
        assert!(
            ALLOWED_TAGS.contains(&name.as_str()),
            "unexpected tag <{name}> (raw HTML passed through?): {html:?}"
        );
        // Attributes: name="value" pairs until `>` or `/>`.
        let mut j = html.len() - rest.len() + name_len;
        loop {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            assert!(j < bytes.len(), "unterminated tag <{name}>: {html:?}");
            if bytes[j] == b'>' {
                j += 1;
                break;
            }
            if html[j..].starts_with("/>") {
                j += 2;
                break;
            }
            let an_start = j;
            while j < bytes.len() && !b"= \t\n\r/>\"'".contains(&bytes[j]) {
                j += 1;
            }
            let attr = html[an_start..j].to_ascii_lowercase();
            assert!(!attr.is_empty(), "malformed attribute in <{name}>: {html:?}");
            assert!(
                !attr.starts_with("on"),
                "event-handler attribute `{attr}` in <{name}>: {html:?}"
            );
            assert!(
                ALLOWED_ATTRS.contains(&attr.as_str()),
                "unexpected attribute `{attr}` in <{name}>: {html:?}"
            );
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                assert!(
                    j < bytes.len() && bytes[j] == b'"',
                    "unquoted value of `{attr}` in <{name}>: {html:?}"
                );
                j += 1;
                let v_end = html[j..]
                    .find('"')
                    .map(|k| j + k)
                    .unwrap_or_else(|| panic!("unterminated `{attr}` value: {html:?}"));
                let value = &html[j..v_end];
                j = v_end + 1;
                assert!(
                    !value.contains(['<', '>']),
                    "unescaped `<`/`>` in `{attr}` value {value:?}: {html:?}"
                );
                if attr == "href" || attr == "src" {
                    let url = browser_url(value);
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        assert!(
                            !url.starts_with(scheme),
                            "script URL in {attr}={value:?} (browser sees {url:?}): {html:?}"
                        );
                    }
                }
            }
        }
        i = j;
    }
}

/// What a browser makes of an attribute value as a URL, as far as the scheme is concerned:
/// entities decoded, leading C0 controls and spaces dropped, tabs and newlines removed, lowercase.
fn browser_url(value: &str) -> String {
    let decoded = decode_entities(value);
    decoded
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => {
                    let num = ent.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
