//! Browser tests of built sites in Debian's headless Chromium (driven by playwright-core, see
//! tests/browser/check.mjs and layout.mjs). Every page of the bundled plan and of the long-notes
//! fixture is opened from file:// with the network blocked, at 390 px and at 1280 px: no failing
//! or external requests, no console errors, no axe violations, no table cell clipped, nothing
//! scrolling sideways, chart text at least 11 CSS px and no number on another line than its
//! unit. report.html is printed to A4 and read back with poppler: every sector starts a page, no
//! page is left near empty, no page ends with a table header, and the table of contents gives
//! each sector's page. Screenshots for reviewers are left in target/browser-shots/.
//!
//! One browser run (shared by the tests through a `OnceLock`) produces a JSON report; each test
//! asserts one kind of check and lists every failure with its page, width and element.
//!
//! Without Chromium, Node, poppler or the npm packages these tests say that they skipped; with
//! `CI` set (as `.ci/run` does) they are required.

mod common;
#[path = "browser/pdf.rs"]
mod pdf;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use common::root;

/// Chart text below this many CSS px fails.
const MIN_CHART_TEXT_PX: f64 = 11.0;
/// A printed page less full than this fails, unless a new part of the report starts after it.
const MIN_PAGE_FILL: f64 = 0.35;
/// The @page margins when report.html declares none that check.mjs can read: 16 mm, in pt.
const DEFAULT_MARGIN_PT: f64 = 16.0 * 72.0 / 25.4;

/// The sites the browser opens: a short name for messages and the content folder.
const SITES: [(&str, &str); 2] = [
    ("bundled", "content"),
    ("long-notes", "tests/fixtures/sites/long-notes/content"),
];

/// What one browser run found.
struct Run {
    /// check.mjs's report, with each site's `site` replaced by its short name.
    report: Value,
    pdf: PathBuf,
    /// report.html of the bundled site, as built.
    report_html: String,
    /// report.pdf read back.
    printed: Printed,
}

/// Scratch space of the runs, emptied when a run starts.
fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// Screenshots kept for reviewers (not committed): target/browser-shots/.
fn shots_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-shots")
}

/// Builds the sites and runs the browser once for all tests; an error is kept, not panicked,
/// so every test reports it instead of starting its own run.
fn run() -> &'static Run {
    static RUN: OnceLock<Result<Run, String>> = OnceLock::new();
    match RUN.get_or_init(browse) {
        Ok(run) => run,
        Err(e) => panic!("{e}"),
    }
}

fn browse() -> Result<Run, String> {
    let work = work_dir();
    let shots = shots_dir();
    for dir in [&work, &shots] {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut built = Vec::new();
    for (name, content) in SITES {
        let out = work.join(name);
        let status = common::tiendo(
            &root(),
            &[
                "build",
                "--content",
                content,
                "--output",
                out.to_str().unwrap(),
            ],
        );
        if !status.status.success() {
            return Err(format!(
                "building {name} failed: {}",
                String::from_utf8_lossy(&status.stderr)
            ));
        }
        built.push(out);
    }
    let pdf = shots.join("report.pdf");
    let out = Command::new("node")
        .arg(root().join("tests/browser/check.mjs"))
        .arg("--pdf")
        .arg(&pdf)
        .arg("--shots")
        .arg(&shots)
        .args(&built)
        .output()
        .map_err(|e| format!("running node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "browser run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut report: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("check.mjs report: {e}"))?;
    for (site, (name, _)) in report["sites"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(SITES)
    {
        site["site"] = name.into();
    }
    let report_html = std::fs::read_to_string(built[0].join("report.html"))
        .map_err(|e| format!("report.html: {e}"))?;
    let printed = Printed::read(&report, &pdf);
    let run = Run {
        report,
        pdf,
        report_html,
        printed,
    };
    print_shots(&run, &shots)?;
    // Straight to stderr, past the test harness's capture, so it shows even when tests pass.
    let _ = writeln!(
        std::io::stderr(),
        "browser tests: screenshots and report.pdf for reviewers in {}",
        shots.display()
    );
    Ok(run)
}

/// Renders two printed pages for reviewers: the first page of the first sector and the middle
/// page of the report.
fn print_shots(run: &Run, shots: &Path) -> Result<(), String> {
    let printed = &run.printed;
    let first = printed.sectors().find_map(|(_, start)| start).unwrap_or(0) + 1;
    let middle = printed.pages.len().div_ceil(2);
    for (name, page) in [("print-first-sector", first), ("print-middle", middle)] {
        let n = page.to_string();
        let status = Command::new("pdftoppm")
            .args(["-r", "60", "-png", "-singlefile", "-f", &n, "-l", &n])
            .arg(&run.pdf)
            .arg(shots.join(format!("{name}-p{n}")))
            .status()
            .map_err(|e| format!("pdftoppm: {e}"))?;
        if !status.success() {
            return Err(format!("pdftoppm failed on page {n}"));
        }
    }
    Ok(())
}

/// Every page of every site, with its site's name.
fn all_pages(run: &Run) -> Vec<(String, &Value)> {
    run.report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|site| {
            let name = site["site"].as_str().unwrap();
            site["pages"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |p| (format!("{name}/{}", p["page"].as_str().unwrap()), p))
        })
        .collect()
}

/// Each page at each width: (`site/page at W px`, that width's layout findings).
fn layouts(run: &Run) -> Vec<(String, &Value)> {
    all_pages(run)
        .into_iter()
        .flat_map(|(name, page)| {
            let mut widths: Vec<(&String, &Value)> =
                page["layout"].as_object().unwrap().iter().collect();
            widths.sort_by_key(|(width, _)| width.parse::<u32>().unwrap_or(0));
            widths
                .into_iter()
                .map(move |(width, found)| (format!("{name} at {width} px"), found))
        })
        .collect()
}

/// Fails with every problem, one a line, or passes when there is none.
fn assert_none(what: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn list(found: &Value, key: &str) -> Vec<Value> {
    found[key].as_array().cloned().unwrap_or_default()
}

#[test]
fn pages_work_offline_and_pass_axe() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let run = run();
    let bundled = run.report["sites"][0]["pages"].as_array().unwrap();
    assert!(
        bundled.len() >= 30,
        "every page was opened: {}",
        bundled.len()
    );
    let mut problems = Vec::new();
    for (name, p) in all_pages(run) {
        for key in ["failed", "external", "console", "axe"] {
            for item in list(p, key) {
                problems.push(format!("{name}: {key}: {item}"));
            }
        }
        let scripts = if name.ends_with("/indicators.html") || name.ends_with("/report.html") {
            1
        } else {
            0
        };
        if p["scripts"] != scripts {
            problems.push(format!(
                "{name}: {} scripts; JavaScript only where it enhances",
                p["scripts"]
            ));
        }
        if p["headingJumps"] != 0 {
            problems.push(format!(
                "{name}: headings skip {} level(s)",
                p["headingJumps"]
            ));
        }
    }
    assert_none("problems", problems);
    let finder = &run.report["finder"];
    assert!(
        finder["shown"].as_u64() > Some(0) && finder["shown"] != finder["total"],
        "typing `tang truong` in the indicator finder filters by words without diacritics: {finder}"
    );
}

/// Check 1: a table cell whose content overflows or is cut, and a table whose wrapper has to
/// scroll sideways (a reader does not see that it scrolls, so its last columns count as cut).
#[test]
fn no_table_cell_is_clipped_at_390_or_1280_px() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let mut problems = Vec::new();
    for (at, found) in layouts(run()) {
        for c in list(found, "cells") {
            problems.push(format!(
                "{at}: {} (\"{}\"): {}",
                c["cell"].as_str().unwrap(),
                c["text"].as_str().unwrap(),
                c["why"].as_str().unwrap()
            ));
        }
        for s in list(found, "scrollers") {
            let element = s["element"].as_str().unwrap();
            if element.starts_with("table ") {
                problems.push(format!(
                    "{at}: {element} scrolls sideways: {}",
                    s["why"].as_str().unwrap()
                ));
            }
        }
    }
    assert_none("clipped table cells or sideways-scrolling tables", problems);
}

/// Check 2: the page, or any element other than a table wrapper (those are check 1), scrolls
/// sideways.
#[test]
fn nothing_scrolls_sideways_at_390_or_1280_px() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let mut problems = Vec::new();
    for (at, found) in layouts(run()) {
        let (scroll, client) = (found["scrollWidth"].as_i64(), found["clientWidth"].as_i64());
        if scroll > client {
            problems.push(format!(
                "{at}: the page scrolls sideways: {} px of content in a {} px viewport; {}",
                scroll.unwrap(),
                client.unwrap(),
                list(found, "tooWide")
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        for s in list(found, "scrollers") {
            let element = s["element"].as_str().unwrap();
            if !element.starts_with("table ") {
                problems.push(format!(
                    "{at}: {element} scrolls sideways: {}",
                    s["why"].as_str().unwrap()
                ));
            }
        }
    }
    assert_none("sideways scrolling", problems);
}

/// Check 3: chart text rendered smaller than 11 CSS px (layout.mjs explains the measure).
#[test]
fn chart_text_is_at_least_11_css_px_at_390_and_1280_px() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let mut problems = Vec::new();
    for (at, found) in layouts(run()) {
        // One line a chart: its texts share one scale, so they are too small together.
        let mut charts: BTreeMap<&str, Vec<(f64, &str)>> = BTreeMap::new();
        for t in found["chartText"].as_array().unwrap() {
            let px = t["px"].as_f64().unwrap();
            if px < MIN_CHART_TEXT_PX {
                charts
                    .entry(t["chart"].as_str().unwrap())
                    .or_default()
                    .push((px, t["text"].as_str().unwrap()));
            }
        }
        for (chart, texts) in charts {
            let smallest = texts.iter().map(|t| t.0).fold(f64::MAX, f64::min);
            let examples: Vec<String> = texts
                .iter()
                .take(3)
                .map(|t| format!("\"{}\"", t.1))
                .collect();
            problems.push(format!(
                "{at}: {chart}: {} text(s) below 11 px, down to {smallest:.1} px, e.g. {}",
                texts.len(),
                examples.join(", ")
            ));
        }
    }
    assert_none("charts with text below 11 CSS px", problems);
}

/// Check 4: a number at the end of one line and its unit at the start of the next.
#[test]
fn numbers_stay_on_the_line_of_their_unit_at_390_and_1280_px() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let mut problems = Vec::new();
    for (at, found) in layouts(run()) {
        for b in list(found, "unitBreaks") {
            problems.push(format!(
                "{at}: {}: \"{}\" breaks between number and unit in \"{}\"",
                b["element"].as_str().unwrap(),
                b["text"].as_str().unwrap(),
                b["context"].as_str().unwrap()
            ));
        }
    }
    assert_none("numbers separated from their unit", problems);
}

/// The printed report read back: its pages and the page each report part starts on.
struct Printed {
    pages: Vec<pdf::Page>,
    top: f64,
    bottom: f64,
    /// The report's parts (overview, sectors, methodology) as check.mjs read them.
    parts: Vec<Value>,
    /// For each part, the 0-based page whose text begins with its heading.
    starts: Vec<Option<usize>>,
}

impl Printed {
    fn read(report: &Value, pdf: &Path) -> Self {
        let facts = &report["print"];
        let margin = |side: &str| facts["margins"][side].as_f64().unwrap_or(DEFAULT_MARGIN_PT);
        let (top, bottom) = (margin("top"), margin("bottom"));
        let pages = pdf::pages(pdf, top, bottom);
        let parts = facts["parts"].as_array().cloned().unwrap_or_default();
        // Parts start in order, so each heading is looked for after the previous part's start.
        let mut from = 0;
        let starts = parts
            .iter()
            .map(|part| {
                let heading = pdf::words(part["heading"].as_array().unwrap());
                let found = (from..pages.len()).find(|&i| pages[i].starts_with(&heading));
                if let Some(i) = found {
                    from = i + 1;
                }
                found
            })
            .collect();
        Printed {
            pages,
            top,
            bottom,
            parts,
            starts,
        }
    }

    /// The index of the part page `i` (0-based) belongs to: the last part starting on or before it.
    fn part_at(&self, i: usize) -> Option<usize> {
        self.starts.iter().rposition(|s| s.is_some_and(|s| s <= i))
    }

    fn sectors(&self) -> impl Iterator<Item = (&Value, Option<usize>)> {
        self.parts
            .iter()
            .zip(self.starts.iter().copied())
            .filter(|(part, _)| part["sector"] == true)
    }
}

/// The name of a report part for messages: its heading.
fn part_name(part: &Value) -> String {
    pdf::words(part["heading"].as_array().unwrap()).join(" ")
}

#[test]
fn report_prints_on_a4_with_every_sector_starting_a_page() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let run = run();
    let info = String::from_utf8(
        Command::new("pdfinfo")
            .arg(&run.pdf)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(info.contains("(A4)"), "report prints on A4:\n{info}");
    let sectors = sector_names(&run.report_html);
    assert!(sectors.len() >= 26, "{sectors:?}");
    let printed = &run.printed;
    assert_eq!(
        printed.sectors().count(),
        sectors.len(),
        "check.mjs saw every sector"
    );
    let missing: Vec<String> = printed
        .sectors()
        .filter(|(_, start)| start.is_none())
        .map(|(part, _)| format!("sector `{}` does not start a printed page", part_name(part)))
        .collect();
    assert_none("sectors not starting a page", missing);
}

/// A page less than 35 % filled, unless a part of the report starts on the next page (the last
/// page of a sector, of the overview) or it is the last page. Fill is measured from the text's
/// boxes: see `pdf::Page::fill`.
#[test]
fn printed_pages_are_at_least_35_percent_filled() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let printed = &run().printed;
    let last = printed.pages.len().saturating_sub(1);
    let ends_a_part = |i: usize| i == last || printed.starts.contains(&Some(i + 1));
    let part_of = |i: usize| {
        printed
            .part_at(i)
            .map_or("the title and contents".into(), |p| {
                part_name(&printed.parts[p])
            })
    };
    let problems: Vec<String> = printed
        .pages
        .iter()
        .enumerate()
        .filter(|&(i, _)| !ends_a_part(i))
        .filter_map(|(i, page)| {
            let fill = page.fill(printed.top, printed.bottom);
            (fill < MIN_PAGE_FILL).then(|| {
                format!(
                    "report.pdf page {} of {} (in `{}`) is {:.0} % filled",
                    i + 1,
                    printed.pages.len(),
                    part_of(i),
                    fill * 100.0
                )
            })
        })
        .collect();
    assert_none("near-empty printed pages", problems);
}

/// A page that ends with a table's header row or caption (or both), whose body rows are all on a
/// later page. Tables often share a caption and header (every card's history table), so a
/// failure names the tables with those words in the part of the report the page belongs to.
/// Limitation: a page whose two columns end at the same height (cards side by side) is missed
/// unless both columns end with the header.
#[test]
fn no_printed_page_ends_with_a_table_header() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let run = run();
    let printed = &run.printed;
    let tables = run.report["print"]["tables"].as_array().unwrap();
    let mut problems = Vec::new();
    for (i, page) in printed.pages.iter().enumerate() {
        let part = printed
            .part_at(i)
            .map(|p| printed.parts[p]["id"].as_str().unwrap());
        let mut found: Option<(&str, Vec<String>)> = None;
        let mut ids = Vec::new();
        for t in tables {
            let caption = pdf::words(t["caption"].as_array().unwrap());
            let header = pdf::words(t["header"].as_array().unwrap());
            let both = [caption.clone(), header.clone()].concat();
            let ends = [
                ("caption and header row", both),
                ("header row", header),
                ("caption", caption),
            ]
            .into_iter()
            .find(|(_, words)| page.ends_with(words));
            if let Some(ends) = ends {
                if part.is_none_or(|p| t["part"] == p) {
                    ids.push(format!("#{}", t["where"].as_str().unwrap()));
                }
                found.get_or_insert(ends);
            }
        }
        if let Some((what, words)) = found {
            problems.push(format!(
                "report.pdf page {} (in `{}`) ends with the {what} of a table (\"{}\": {}); its rows are on the next page",
                i + 1,
                part.unwrap_or("?"),
                words.join(" "),
                match ids.len() {
                    0 => "a table of another part".into(),
                    1 => ids[0].clone(),
                    _ => format!("one of {}", ids.join(", ")),
                }
            ));
        }
    }
    assert_none("orphaned table headers", problems);
}

/// Each sector's entry in the table of contents ends with a `.toc-page` number that is the
/// printed page its heading starts.
#[test]
fn table_of_contents_gives_the_page_each_sector_starts() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let printed = &run().printed;
    let mut problems = Vec::new();
    for (part, start) in printed.sectors() {
        let name = part_name(part);
        let actual = start.map(|i| i + 1);
        let listed = part["tocPage"].as_str();
        match (part["inToc"] == true, listed, actual) {
            (false, ..) => problems.push(format!("`{name}` is not in the table of contents")),
            (true, None, _) => problems.push(format!(
                "`{name}`: no page number (.toc-page) in the table of contents; it starts on page {}",
                actual.map_or("?".into(), |p| p.to_string())
            )),
            (true, Some(listed), actual) if page_number(listed) != actual => {
                problems.push(format!(
                    "`{name}`: the table of contents says page {listed}, it starts on page {}",
                    actual.map_or("? (not at the top of any page)".into(), |p| p.to_string())
                ))
            }
            _ => {}
        }
    }
    assert_none("table of contents entries without the right page", problems);
}

/// The layout checks find what they are meant to find, and nothing else, on a page of known
/// defects beside look-alikes that are fine (tests/browser/known-defects/).
#[test]
fn layout_checks_find_known_defects_only() {
    if !common::browser_tools_or_skip() {
        return;
    }
    let out = Command::new("node")
        .arg(root().join("tests/browser/check.mjs"))
        .arg(root().join("tests/browser/known-defects"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (width, found) in report["sites"][0]["pages"][0]["layout"]
        .as_object()
        .unwrap()
    {
        let text = |key: &str| serde_json::to_string(&found[key]).unwrap();
        let (cells, scrollers, charts, breaks) = (
            text("cells"),
            text("scrollers"),
            text("chartText"),
            text("unitBreaks"),
        );
        for (found, want, not) in [
            (&cells, "#overflowing", "#fine-"),
            (&cells, "#clipped", "#fine-"),
            (&scrollers, "#scrolls", "#fine-"),
            (&scrollers, "#scroller", "#fine-"),
            (&breaks, "#broken", "#fine-"),
            (&breaks, "#split", "#fine-"),
            (&breaks, "#two-words", "#fine-"),
        ] {
            assert!(
                found.contains(want),
                "at {width} px, {want} not found in {found}"
            );
            assert!(
                !found.contains(not),
                "at {width} px, a fine element in {found}"
            );
        }
        let small: Vec<&Value> = found["chartText"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["px"].as_f64().unwrap() < MIN_CHART_TEXT_PX)
            .collect();
        assert_eq!(
            small.len(),
            1,
            "at {width} px: only `tiny` is small: {charts}"
        );
        assert_eq!(small[0]["text"], "tiny");
        assert!(
            (small[0]["px"].as_f64().unwrap() - 8.0).abs() < 0.01,
            "16 user units in a 400-unit viewBox drawn 200 px wide are 8 px: {charts}"
        );
        assert!(
            found["scrollWidth"].as_i64() > found["clientWidth"].as_i64(),
            "the 1400 px wide block makes the page scroll at {width} px"
        );
    }
}

/// Every page of the bundled site passes the Nu HTML checker with zero errors.
#[test]
fn bundled_site_is_valid_html() {
    if !common::browser_tools_or_skip() {
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
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_default();
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

/// The number in a table of contents entry's page text ("12", "tr. 12"): its last run of digits.
fn page_number(text: &str) -> Option<usize> {
    text.split(|c: char| !c.is_ascii_digit())
        .rfind(|s| !s.is_empty())?
        .parse()
        .ok()
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
