//! Browser tests of the built bundled site in Debian's headless Chromium (driven by
//! playwright-core, see tests/browser/check.mjs): pages opened from file:// with the network
//! blocked make no failing or external requests and log no console errors, nothing scrolls
//! sideways at 390 px, and report.html prints to A4 with every sector starting a page.
//!
//! Without Chromium, Node or the npm package these tests say that they skipped; with `CI` set
//! (as `.ci/run` does) they are required.

mod common;

use std::path::Path;
use std::process::Command;

use common::root;

/// Why the browser tests cannot run here, if they cannot.
fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut missing = Vec::new();
    if !Path::new(&chromium).exists() {
        missing.push(format!("chromium ({chromium})"));
    }
    for tool in ["node", "pdfinfo", "pdftotext", "java"] {
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

fn run_or_skip() -> bool {
    match missing_tools() {
        None => true,
        Some(what) if std::env::var_os("CI").is_some() => {
            panic!("browser tests are required in CI but these are missing: {what}")
        }
        Some(what) => {
            eprintln!(
                "SKIPPED browser tests: missing {what}. Install them (see .ci/run) to run these tests."
            );
            false
        }
    }
}

#[test]
fn bundled_site_works_offline_on_a_phone_and_on_paper() {
    if !run_or_skip() {
        return;
    }
    let work = std::env::temp_dir().join(format!("tiendo-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let site = work.join("site");
    common::build_bundled(&site);

    let pdf = work.join("report.pdf");
    let out = Command::new("node")
        .arg(root().join("tests/browser/check.mjs"))
        .args([&site, &pdf])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pages = report["pages"].as_array().unwrap();
    assert!(pages.len() >= 30, "every page was opened: {}", pages.len());
    for p in pages {
        let name = p["page"].as_str().unwrap();
        for key in ["failed", "external", "console", "axe"] {
            assert_eq!(
                p[key].as_array().unwrap().len(),
                0,
                "{name}: {key}: {}",
                p[key]
            );
        }
        let scripts = if name.ends_with("indicators.html") {
            1
        } else {
            0
        };
        assert_eq!(
            p["scripts"], scripts,
            "{name}: JavaScript only where it enhances"
        );
        assert_eq!(p["headingJumps"], 0, "{name}: headings in order");
        let (scroll, client) = (
            p["scrollWidth"].as_i64().unwrap(),
            p["clientWidth"].as_i64().unwrap(),
        );
        assert!(
            scroll <= client,
            "{name} scrolls sideways at 390 px: {scroll} > {client}"
        );
    }

    let info =
        String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.contains("(A4)"), "report prints on A4:\n{info}");
    let text = String::from_utf8(
        Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let page_tops: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.split_whitespace().take(40).collect::<Vec<_>>().join(" "))
        .collect();
    let report_html = std::fs::read_to_string(site.join("report.html")).unwrap();
    let sectors = sector_names(&report_html);
    assert!(sectors.len() >= 26, "{sectors:?}");
    for name in &sectors {
        let words = name.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            page_tops.iter().any(|top| top.contains(&words)),
            "sector `{name}` does not start a printed page"
        );
    }
    std::fs::remove_dir_all(&work).unwrap();
}

/// Every page of the bundled site passes the Nu HTML checker with zero errors.
#[test]
fn bundled_site_is_valid_html() {
    if !run_or_skip() {
        return;
    }
    let work = std::env::temp_dir().join(format!("tiendo-vnu-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let vi = work.join("vi");
    common::build_bundled(&vi);
    let vnu = root().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let out = Command::new("java")
        .args([
            "-jar",
            vnu.to_str().unwrap(),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
        ])
        .arg(&vi)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_default();
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert!(
        out.status.success() || !errors.is_empty(),
        "vnu failed to run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        errors.is_empty(),
        "{} HTML errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    std::fs::remove_dir_all(&work).unwrap();
}

/// Sector headings of report.html: `<h2 id="sec-…-h">NAME</h2>`.
fn sector_names(html: &str) -> Vec<String> {
    html.split("<h2 id=\"sec-")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('>')? + 1;
            let end = rest.find("</h2>")?;
            Some(rest[start..end].replace("&amp;", "&"))
        })
        .collect()
}
