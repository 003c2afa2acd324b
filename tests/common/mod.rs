//! Helpers shared by the integration tests: running the real binary, scratch folders, copying
//! fixtures and comparing output trees.

#![allow(dead_code)]

pub mod serve_client;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `tiendo` with `args` in `dir`, without colour.
pub fn tiendo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tiendo")
}

/// The project folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tiendo-test-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a folder recursively (symbolic links are copied as the files they point to).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A scratch project holding a copy of the every-kind fixture's content; returns the project
/// folder and its `content/`.
pub fn every_kind_project(name: &str) -> (PathBuf, PathBuf) {
    let work = scratch(name);
    let content = work.join("content");
    copy_dir(
        &root().join("tests/fixtures/sites/every-kind/content"),
        &content,
    );
    (work, content)
}

/// Builds the bundled plan into `output`, failing the test on any error.
pub fn build_bundled(output: &Path) {
    let built = tiendo(&root(), &["build", "--output", output.to_str().unwrap()]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The entries of `dir`, sorted by path.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// Why the browser tests (Chromium, Node and the npm packages, poppler, Java for the Nu HTML
/// checker) cannot run here, if they cannot.
fn missing_browser_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("chromium ({chromium})"));
    }
    for tool in ["node", "pdfinfo", "pdftotext", "pdftoppm", "java"] {
        if Command::new(tool).arg("-v").output().is_err() {
            missing.push(tool.to_string());
        }
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        missing.push("playwright-core (npm ci --prefix tests/browser)".into());
    }
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// True when the browser tests can run. Without their tools a test says once that it skipped
/// and passes, so `cargo test` works on a bare machine; with `CI` set (as `.ci/run` does) the
/// tools are required and their absence fails.
pub fn browser_tools_or_skip() -> bool {
    match missing_browser_tools() {
        None => true,
        Some(what) if std::env::var_os("CI").is_some() => {
            panic!("browser tests are required in CI but these are missing: {what}")
        }
        Some(what) => {
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                // Past the harness's capture, so a skip shows even though the tests pass.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED browser tests: missing {what}. Install them (see .ci/run) to run these tests."
                );
            });
            false
        }
    }
}
