//! The whole pipeline as `tiendo check` runs it: load → validate → render → lint.
//!
//! The input is up to five files, separated by a line holding exactly `#>>>`:
//!
//! ```text
//! <p/sectors/kinh-te.yaml>
//! #>>>
//! <p/sectors/kinh-te.md>
//! #>>>
//! <p/plan.yaml>
//! #>>>
//! <p/overview.md>
//! #>>>
//! <site.yaml>
//! ```
//!
//! A part that is missing is not written, except `plan.yaml`, which then gets a small valid
//! default; so an input without any `#>>>` is simply the text of one sector file. Bytes are
//! written as they are (invalid UTF-8 included). The files live in a content folder unique to
//! this process, rewritten on every run. Any panic is a finding; every diagnostic is also
//! formatted, as the CLI prints them.

#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const DELIMITER: &[u8] = b"\n#>>>\n";

const DEFAULT_PLAN: &[u8] = b"title: K\xe1\xba\xbf ho\xe1\xba\xa1ch 2024\nissuer: UBND\ndocument: 1/KH-UBND\ndate: 2024-01-19\nyear: 2024\nsources:\n  BC9T:\n    title: B\xc3\xa1o c\xc3\xa1o 9 th\xc3\xa1ng\n    url: https://example.gov.vn/bc\n";

struct Dirs {
    content: PathBuf,
    output: PathBuf,
}

fn dirs() -> &'static Dirs {
    static DIRS: OnceLock<Dirs> = OnceLock::new();
    DIRS.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("tiendo-fuzz-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let content = base.join("content");
        fs::create_dir_all(content.join("p").join("sectors")).expect("create temp content dir");
        Dirs {
            content,
            output: base.join("output"),
        }
    })
}

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 4 {
        match rest.windows(DELIMITER.len()).position(|w| w == DELIMITER) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + DELIMITER.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fn put(path: &Path, bytes: Option<&[u8]>) {
    match bytes {
        Some(b) => fs::write(path, b).expect("write temp file"),
        None => {
            let _ = fs::remove_file(path);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let d = dirs();
    let parts = split(data);
    let part = |i: usize| parts.get(i).copied();
    let plan = d.content.join("p");
    put(&plan.join("sectors").join("kinh-te.yaml"), part(0));
    put(&plan.join("sectors").join("kinh-te.md"), part(1));
    put(&plan.join("plan.yaml"), Some(part(2).unwrap_or(DEFAULT_PLAN)));
    put(&plan.join("overview.md"), part(3));
    put(&d.content.join("site.yaml"), part(4));

    // The CLI's defaults (no theme override, warnings allowed, 10 MB per file).
    let diags = tiendo::check(&tiendo::Options::new(&d.content, &d.output));
    // Format every diagnostic, as `tiendo check` prints them.
    let mut sink = String::new();
    for diag in &diags {
        use std::fmt::Write;
        let _ = write!(sink, "{diag}");
    }
    std::hint::black_box(sink);
});
