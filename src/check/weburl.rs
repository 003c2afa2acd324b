//! The one rule for web addresses given in content (`base_url`, `source_url`, `sources.*.url`,
//! inline `source:` links): an absolute `https://` or `http://` address with a plain host, nothing
//! that a browser would read differently from us. Validation rejects everything else, so pages,
//! feeds and open data only ever publish addresses that passed here, and a link's label (its
//! host) is the host the browser will really visit.
//!
//! Written by hand rather than with the `url` crate: WHATWG parsing is deliberately lenient
//! (it drops tabs and newlines, reads `\` as `/`, accepts user names), which is exactly what must
//! be refused here, and the crate would bring a Unicode stack just to say no.

/// Longest address accepted, in bytes; real ones are far shorter.
const MAX_LEN: usize = 2048;

/// Why an address was refused: a message fragment and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong, e.g. "a `javascript:` address is never published".
    pub reason: String,
    /// How to fix it.
    pub hint: &'static str,
}

const HINT: &str = "write the page's full web address, e.g. https://thongke.gov.vn/bao-cao";

fn refuse(reason: impl Into<String>) -> Refusal {
    Refusal {
        reason: reason.into(),
        hint: HINT,
    }
}

/// Checks `text` and returns the host a browser would visit (lowercase, as written otherwise).
pub fn check(text: &str) -> Result<&str, Refusal> {
    if text.is_empty() {
        return Err(refuse("the address is empty"));
    }
    if text.len() > MAX_LEN {
        return Err(refuse(format!(
            "the address is {} bytes long, more than {MAX_LEN}",
            text.len()
        )));
    }
    if let Some(c) = text.chars().find(|c| hidden(*c)) {
        return Err(Refusal {
            reason: format!(
                "the address contains {} (U+{:04X})",
                if c == '\n' || c == '\r' {
                    "a line break"
                } else if c.is_whitespace() {
                    "a space"
                } else {
                    "an invisible character"
                },
                u32::from(c)
            ),
            hint: "remove it; a space inside an address is written %20",
        });
    }
    if text.contains('\\') {
        return Err(refuse(
            "the address contains `\\`, which browsers read as `/`",
        ));
    }
    if text.starts_with("//") {
        return Err(refuse(
            "a scheme-relative address (`//…`) takes its scheme from the page that shows it",
        ));
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(match scheme_of(text) {
            Some(s) => refuse(format!("a `{s}:` address is never published")),
            None => refuse("not an absolute web address"),
        });
    };
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return Err(match scheme_of(text) {
            Some(s) => refuse(format!("a `{s}:` address is never published")),
            None => refuse("not an absolute web address"),
        });
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(refuse(
            "the address has a user name before `@`, which hides the real host",
        ));
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if !authority.ends_with(']') => {
            if port.is_empty()
                || port.len() > 5
                || !port.bytes().all(|b| b.is_ascii_digit())
                || port.parse::<u32>().map_or(true, |p| p > 65535)
            {
                return Err(refuse(format!("`{port}` is not a port number")));
            }
            h
        }
        _ => authority,
    };
    if !plain_host(host) {
        return Err(refuse(if host.is_empty() {
            "the address has no host".to_string()
        } else {
            format!("`{host}` is not a host name")
        }));
    }
    Ok(host)
}

/// True when `text` is an acceptable address.
pub fn is_acceptable(text: &str) -> bool {
    check(text).is_ok()
}

/// The label for an accepted address: its host without `www.`, lowercase; `None` when refused.
pub fn label(text: &str) -> Option<String> {
    let host = check(text).ok()?.to_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// True when `text` is meant as an address rather than a citation: it has `://`, starts with
/// `//` or with a scheme that is never a citation's first word.
pub fn looks_like_address(text: &str) -> bool {
    text.contains("://")
        || text.starts_with("//")
        || scheme_of(text).is_some_and(|s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "http" | "https" | "javascript" | "data" | "vbscript" | "file"
            )
        })
}

/// The scheme `text` starts with (`javascript` in `javascript:x`), if any.
fn scheme_of(text: &str) -> Option<&str> {
    let (s, _) = text.split_once(':')?;
    let mut bytes = s.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(s)
}

/// Characters that make an address read differently from how it looks.
fn hidden(c: char) -> bool {
    // Of ASCII (most addresses), exactly the C0 controls, space and DEL: one comparison.
    if c.is_ascii() {
        return c <= ' ' || c == '\u{7f}';
    }
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// A DNS name (letters, possibly non-ASCII, digits, `-`, dot-separated) or a bracketed IPv6.
fn plain_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_ascii_is_exactly_controls_space_and_del() {
        for b in 0u8..=0x7F {
            let c = char::from(b);
            assert_eq!(hidden(c), b <= b' ' || b == 0x7F, "{b:#x}");
        }
    }

    #[test]
    fn web_addresses_pass_with_their_host() {
        for (url, host) in [
            ("https://thtg.vn/", "thtg.vn"),
            (
                "http://www.tiengiang.gov.vn/bao-cao?x=1#a",
                "www.tiengiang.gov.vn",
            ),
            ("HTTPS://Thongke.gov.vn", "Thongke.gov.vn"),
            ("https://a.vn:8443/p", "a.vn"),
            ("https://[::1]/", "[::1]"),
            ("https://sở.vn/", "sở.vn"),
        ] {
            assert_eq!(check(url), Ok(host), "{url}");
        }
        assert_eq!(label("https://WWW.Thtg.vn/x").as_deref(), Some("thtg.vn"));
    }

    #[test]
    fn everything_else_is_refused() {
        for url in [
            "",
            "javascript:alert(1)",
            "JavaScript://alert(1)",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "//evil.example/x?https://thtg.vn/",
            "https://thtg.vn\nDisallow: /",
            "https://thtg.vn/ x",
            " https://thtg.vn/",
            "https://thtg.vn\u{202E}/",
            "https://thtg.vn@evil.example/",
            "https://evil.example\\@thtg.vn/",
            "https:///path",
            "https://",
            "https://a..vn/",
            "https://a.vn:80x/",
            "https://a.vn:99999/",
            "ftp://a.vn/",
            "thtg.vn/bao-cao",
            "mailto:a@b.vn",
        ] {
            assert!(check(url).is_err(), "{url:?} was accepted");
            assert_eq!(label(url), None);
        }
        assert!(check(&format!("https://a.vn/{}", "x".repeat(3000))).is_err());
    }

    #[test]
    fn addresses_are_told_from_citations() {
        for t in [
            "https://a.vn",
            "//a.vn",
            "javascript:x",
            "DATA:x",
            "file:a",
            "x://y",
        ] {
            assert!(looks_like_address(t), "{t}");
        }
        for t in ["Niên giám thống kê 2023", "Báo cáo số 5: tình hình", "S1"] {
            assert!(!looks_like_address(t), "{t}");
        }
    }
}
