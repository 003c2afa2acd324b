//! End-to-end tests through the real `tiendo` binary: fixture sites, the bad-input corpus, the
//! bundled plan and the command-line contract.

mod common;

use std::fs;
use std::process::Command;

use common::{copy_dir, every_kind_project, root, scratch, sorted_entries, text, tiendo, tree};

/// The readable text of an HTML fragment: tags dropped, whitespace collapsed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if let Some(end) = skip_until {
            if rest.starts_with(end) {
                skip_until = None;
                i += end.len();
            } else {
                i += rest.chars().next().unwrap().len_utf8();
            }
            continue;
        }
        if rest.starts_with("<svg") {
            skip_until = Some("</svg>");
            continue;
        }
        let c = rest.chars().next().unwrap();
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
        i += c.len_utf8();
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    collapsed.join(" ")
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

#[test]
fn every_kind_fixture_builds_and_reads_right() {
    let out_dir = scratch("every-kind");
    let fixture = root().join("tests/fixtures/sites/every-kind");
    let out = tiendo(&fixture, &["build", "--output", out_dir.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("built 1 plan(s): 9 pages"), "{stdout}");
    assert!(stderr.is_empty(), "no warnings expected: {stderr}");
    let files: Vec<String> = tree(&out_dir).into_keys().collect();
    assert_eq!(
        files,
        [
            ".tiendo-output",
            "404.html",
            "data.html",
            "data/actuals.csv",
            "data/indicators.csv",
            "data/plan.json",
            "data/sectors/kinh-te.csv",
            "data/sectors/kinh-te.json",
            "data/tasks.csv",
            "data/tiendo.schema.json",
            "digest.html",
            "digest.txt",
            "feed.xml",
            "index.html",
            "indicators.html",
            "methodology.html",
            "report.html",
            "sectors/kinh-te.html",
            "updates.html"
        ]
    );
    // Open data: BOM, neutralised formulas, statuses and sources.
    let tasks = fs::read(out_dir.join("data/tasks.csv")).unwrap();
    assert!(tasks.starts_with(b"\xEF\xBB\xBFplan_id,sector_id,task_id,task,"));
    let tasks = String::from_utf8(tasks).unwrap();
    assert!(
        tasks.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Bấm vào đây\"\")\","),
        "{tasks}"
    );
    let indicators = fs::read_to_string(out_dir.join("data/indicators.csv")).unwrap();
    assert!(indicators.contains("tinh-2024,kinh-te,Kinh tế,grdp,Tăng trưởng GRDP,%,higher,range,7,7.5,,,2024-9M,6.9,2024-10-10,true,at_risk,at_risk,,Báo cáo 9 tháng,https://example.gov.vn/bc-9-thang"), "{indicators}");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("data/plan.json")).unwrap()).unwrap();
    let grdp = &json["sectors"][0]["indicators"][0];
    assert_eq!(
        (
            grdp["status"].as_str(),
            grdp["actuals"].as_array().unwrap().len()
        ),
        (Some("at_risk"), 2)
    );
    assert_eq!(grdp["target"]["min"], 7.0);
    // Updates: newest first, with the status on the day of publication.
    let updates = fs::read_to_string(out_dir.join("updates.html")).unwrap();
    let rows = visible_text(main_of(&updates));
    let (a, b, c) = (
        rows.find("10/10/2024").unwrap(),
        rows.find("10/07/2024").unwrap(),
        rows.find("21/06/2024").unwrap(),
    );
    assert!(a < b && b < c, "{rows}");
    assert!(
        rows.contains("Đã tổ chức hội nghị."),
        "task updates are listed"
    );
    let feed = fs::read_to_string(out_dir.join("feed.xml")).unwrap();
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\""
    ));
    assert_eq!(
        feed.matches("<entry>").count(),
        9,
        "8 actuals and 1 task update"
    );
    assert!(feed.contains("<updated>2024-10-10T00:00:00Z</updated>"));

    let sector = fs::read_to_string(out_dir.join("sectors/kinh-te.html")).unwrap();
    insta::assert_snapshot!("every_kind_sector", visible_text(main_of(&sector)));
    let overview = fs::read_to_string(out_dir.join("index.html")).unwrap();
    insta::assert_snapshot!("every_kind_overview", visible_text(main_of(&overview)));
    let methodology = fs::read_to_string(out_dir.join("methodology.html")).unwrap();
    assert!(
        methodology.contains("thiếu không quá 10\u{a0}% so với mức giao"),
        "tolerance is published"
    );

    // Hostile commentary and task text are shown as text, never run.
    assert!(
        !sector.contains("<script>alert"),
        "raw HTML must be escaped"
    );
    assert!(
        !sector.to_lowercase().contains("href=\"javascript"),
        "unsafe link must be dropped"
    );
    assert!(
        sector.contains("<a href=\"#\">liên kết xấu</a>")
            && sector.contains("href=\"https://example.gov.vn\"")
    );
    assert!(
        sector.contains("&lt;Công ty&gt; &amp; &quot;đô thị&quot;")
            || sector.contains("&lt;Công ty&gt; &amp; &#34;đô thị&#34;")
    );
    // The sector body is shared with report.html, one heading level deeper there.
    let report = fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(sector.contains("<h2 id=\"sec-kinh-te-commentary\">"));
    assert!(sector.contains("<h3>Khó khăn</h3>"), "commentary heading");
    assert!(report.contains("<h3 id=\"sec-kinh-te-commentary\">"));
    assert!(report.contains("<h4>Khó khăn</h4>"), "commentary heading");
    // Every page is self-contained: CSS inline, no external stylesheet or script.
    for page in [&sector, &overview, &methodology] {
        assert!(
            page.contains("<style>")
                && !page.contains("<link rel=\"stylesheet\"")
                && !page.contains("<script")
        );
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
    }
    fs::remove_dir_all(&out_dir).unwrap();
}

#[test]
fn english_locale_formats_numbers_and_labels() {
    let (work, content) = every_kind_project("english");
    fs::write(content.join("site.yaml"), "locale: en\n").unwrap();
    let out = tiendo(&work, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let sector = output_file(&work, "sectors/kinh-te.html");
    assert!(sector.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(sector.contains("1,400\u{a0}người"), "English grouping");
    // On a phone each cell of a history table is named in the page's language (one CSS rule
    // per column, after the theme's stylesheet).
    assert!(
        sector.contains("table.actuals td:nth-of-type(1)::before{content:\"Value: \"}")
            && sector.contains("<table class=\"actuals stack\">"),
        "history tables are named on a phone"
    );
    assert!(sector.contains("7–7.5%"), "English decimals and percent");
    assert!(sector.contains("At risk") && sector.contains("9 months 2024"));
    assert!(
        sector.contains("<h1>Economy</h1>") && sector.contains("GRDP growth"),
        "English names"
    );
    assert!(sector.contains("Department of Planning and Investment"));
    assert!(
        sector.contains("<strong>leads</strong>"),
        "English commentary"
    );
    assert!(!sector.contains("Tăng trưởng GRDP</h3>"));
    // Text without an English version stays Vietnamese and says so (WCAG 3.1.2).
    assert!(
        sector.contains("<span lang=\"vi\">Trình phê duyệt Đề án phát triển hợp tác xã</span>"),
        "an untranslated task is marked lang=\"vi\""
    );
    assert!(
        !sector.contains("lang=\"vi\">GRDP growth"),
        "translated text is not marked"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn several_plans_get_an_index_and_their_own_folders() {
    let work = scratch("several");
    let content = work.join("content");
    let src = root().join("tests/fixtures/sites/every-kind/content/tinh-2024");
    copy_dir(&src, &content.join("tinh-2024"));
    copy_dir(&src, &content.join("tinh-2025"));
    let plan = content.join("tinh-2025/plan.yaml");
    let yaml = fs::read_to_string(&plan)
        .unwrap()
        .replace("year: 2024", "year: 2025")
        .replace("2024-10-15", "2025-10-15");
    // Listed first by its `order`; its document number and date are not known, so left out.
    let yaml: String = yaml
        .lines()
        .filter(|l| !l.starts_with("document:") && !l.starts_with("date:"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&plan, format!("{yaml}order: 1\n")).unwrap();
    // Actuals of the 2024 file fall outside 2025: the copy keeps only its tasks.
    let sector = content.join("tinh-2025/sectors/kinh-te.yaml");
    let s = fs::read_to_string(&sector).unwrap();
    let cut = s.find("indicators:").unwrap();
    let tasks = s.find("tasks:").unwrap();
    fs::write(&sector, format!("{}{}", &s[..cut], &s[tasks..])).unwrap();
    fs::write(
        content.join("site.yaml"),
        "title: Các kế hoạch của tỉnh Mẫu\n",
    )
    .unwrap();

    let out = tiendo(&work, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let files: Vec<String> = tree(&work.join("output")).into_keys().collect();
    assert_eq!(
        files,
        [
            ".tiendo-output",
            "404.html",
            "index.html",
            "tinh-2024/data.html",
            "tinh-2024/data/actuals.csv",
            "tinh-2024/data/indicators.csv",
            "tinh-2024/data/plan.json",
            "tinh-2024/data/sectors/kinh-te.csv",
            "tinh-2024/data/sectors/kinh-te.json",
            "tinh-2024/data/tasks.csv",
            "tinh-2024/data/tiendo.schema.json",
            "tinh-2024/digest.html",
            "tinh-2024/digest.txt",
            "tinh-2024/feed.xml",
            "tinh-2024/index.html",
            "tinh-2024/indicators.html",
            "tinh-2024/methodology.html",
            "tinh-2024/report.html",
            "tinh-2024/sectors/kinh-te.html",
            "tinh-2024/updates.html",
            "tinh-2025/data.html",
            "tinh-2025/data/actuals.csv",
            "tinh-2025/data/indicators.csv",
            "tinh-2025/data/plan.json",
            "tinh-2025/data/sectors/kinh-te.csv",
            "tinh-2025/data/sectors/kinh-te.json",
            "tinh-2025/data/tasks.csv",
            "tinh-2025/data/tiendo.schema.json",
            "tinh-2025/digest.html",
            "tinh-2025/digest.txt",
            "tinh-2025/feed.xml",
            "tinh-2025/index.html",
            "tinh-2025/indicators.html",
            "tinh-2025/methodology.html",
            "tinh-2025/report.html",
            "tinh-2025/sectors/kinh-te.html",
            "tinh-2025/updates.html",
        ]
    );
    let index = output_file(&work, "index.html");
    let (first, second) = (
        index.find("href=\"tinh-2025/index.html\"").unwrap(),
        index.find("href=\"tinh-2024/index.html\"").unwrap(),
    );
    assert!(first < second, "the plan with `order: 1` comes first");
    let overview = output_file(&work, "tinh-2025/index.html");
    assert!(
        visible_text(&overview).contains("Số văn bản chưa rõ Ngày ban hành chưa rõ"),
        "an unknown document and date are said to be unknown, never invented"
    );
    let json = output_file(&work, "tinh-2025/data/plan.json");
    assert!(
        json.contains(r#""document":null,"date":null"#),
        "{}",
        &json[..200]
    );
    let sector_page = output_file(&work, "tinh-2025/sectors/kinh-te.html");
    assert!(
        sector_page.contains("href=\"../../index.html\""),
        "plan switcher links to the index"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn every_bad_fixture_fails_with_its_located_message() {
    let bad = root().join("tests/fixtures/bad");
    let cases = sorted_entries(&bad);
    assert!(
        cases.len() >= 40,
        "the corpus needs at least 40 cases, has {}",
        cases.len()
    );
    // A previously published site that no failed build may touch.
    let published = scratch("published");
    let output = published.join("output");
    fs::create_dir_all(output.join("sectors")).unwrap();
    fs::write(output.join("index.html"), "<p>trang đã đăng</p>").unwrap();
    fs::write(output.join("sectors/kinh-te.html"), "<p>ngành</p>").unwrap();
    fs::write(output.join(".tiendo-output"), "").unwrap();
    let before = tree(&output);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let expected = expected.trim_end();
        assert!(!expected.is_empty(), "{name}: expected.txt is empty");
        let extra = fs::read_to_string(case.join("args.txt")).unwrap_or_default();
        let extra: Vec<&str> = extra.split_whitespace().collect();
        let out_arg = output.to_str().unwrap();
        let runs: [Vec<&str>; 2] = [
            [&["check"][..], &extra].concat(),
            [&["build", "--output", out_arg][..], &extra].concat(),
        ];
        for args in runs {
            let out = tiendo(&case, &args);
            let (_, stderr) = text(&out);
            let cmd = args[0];
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} ({cmd}): exit code; stderr:\n{stderr}"
            );
            let first = stderr
                .lines()
                .find(|l| l.contains("error:"))
                .unwrap_or_default();
            assert_eq!(first, expected, "{name} ({cmd}): first error line");
            assert!(
                stderr.contains("= hint:"),
                "{name} ({cmd}): every error carries a hint:\n{stderr}"
            );
            // Where the case gives one, the hint says what the editor most likely meant.
            if let Ok(hint) = fs::read_to_string(case.join("hint.txt")) {
                let hint = format!("= hint: {}", hint.trim_end());
                assert!(stderr.contains(&hint), "{name} ({cmd}): {hint}\n{stderr}");
            }
            assert!(
                !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
                "{name}: no panic"
            );
            // Editors read these: never a Rust type, serde's words or a Rust path.
            for word in ["enum", "variant", "struct", "serde", "::", "Option<", "f64"] {
                assert!(
                    !stderr.contains(word),
                    "{name} ({cmd}): the message speaks Rust (`{word}`):\n{stderr}"
                );
            }
            assert!(
                !case.join("output").exists(),
                "{name}: nothing written into the case"
            );
            assert_eq!(
                tree(&output),
                before,
                "{name} ({cmd}): the published output is untouched"
            );
        }
    }
    fs::remove_dir_all(&published).unwrap();
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let (work, content) = every_kind_project("atomic");
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    let before = tree(&work.join("output"));
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let broken = fs::read_to_string(&sector)
        .unwrap()
        .replace("[7.0, 7.5]", "[7.5, 7.0]");
    fs::write(&sector, broken).unwrap();
    let out = tiendo(&work, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("left untouched"));
    assert_eq!(tree(&work.join("output")), before);
    let leftovers: Vec<_> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging folders left behind: {leftovers:?}"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn check_reports_all_problems_at_once() {
    let (work, content) = every_kind_project("many");
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let s = fs::read_to_string(&sector)
        .unwrap()
        .replace("[7.0, 7.5]", "[7.5, 7.0]")
        .replace("due: 2024-07-01", "due: 2024-07-32")
        .replace(
            "value: 8.0, as_of: 2024-10-10, source: BC9T",
            "value: 8.0, as_of: 2024-10-10, source: BC9X",
        );
    fs::write(&sector, s).unwrap();
    let out = tiendo(&work, &["check"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.matches(": error: ").count(), 3, "{stderr}");
    assert!(stderr.ends_with("check failed: 3 error(s)\n"), "{stderr}");
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn usage_errors_exit_2_and_help_works() {
    let here = root();
    assert_eq!(
        tiendo(&here, &["build", "--no-such-flag"]).status.code(),
        Some(2)
    );
    assert_eq!(tiendo(&here, &["frobnicate"]).status.code(), Some(2));
    let help = tiendo(&here, &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help).0.contains("build") && text(&help).0.contains("check"));
    let version = tiendo(&here, &["--version"]);
    assert_eq!(
        text(&version).0.trim(),
        format!("tiendo {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn refuses_to_replace_the_content_folder_or_its_parents() {
    let fixture = root().join("tests/fixtures/sites/every-kind");
    for target in ["content", ".", "/"] {
        let out = tiendo(&fixture, &["build", "--output", target]);
        assert_eq!(out.status.code(), Some(1), "--output {target}");
    }
    assert!(fixture.join("content/tinh-2024/plan.yaml").is_file());
}

#[test]
fn published_schema_matches_the_content_types() {
    let out = tiendo(&root(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let committed = fs::read_to_string(root().join("schema/tiendo.schema.json")).unwrap();
    assert!(
        text(&out).0.trim_end() == committed.trim_end(),
        "schema/tiendo.schema.json is stale: run `cargo run -- schema > schema/tiendo.schema.json`"
    );
}

#[test]
fn theme_override_replaces_a_template_by_name() {
    let (work, _) = every_kind_project("theme");
    let tpl = work.join("themes/default/templates");
    fs::create_dir_all(&tpl).unwrap();
    let base = include_str!("../themes/default/templates/base.html").replace(
        "<main id=\"main\" class=\"wrap\">",
        "<main id=\"main\" class=\"wrap\"><p>Bản thử nghiệm</p>",
    );
    fs::write(tpl.join("base.html"), base).unwrap();
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    assert!(output_file(&work, "index.html").contains("<p>Bản thử nghiệm</p>"));

    // A broken template is reported with its file, line and column.
    fs::write(
        tpl.join("base.html"),
        "<html>\n{{ plan.title | nosuchfilter }}\n{% block content %}{% endblock content %}\n",
    )
    .unwrap();
    let out = tiendo(&work, &["build"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("themes/default/templates/base.html:2:"),
        "{stderr}"
    );
    fs::remove_dir_all(&work).unwrap();
}

/// `name: N` from the counts table written next to the bundled content.
fn declared(counts: &str, name: &str) -> usize {
    counts
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("content/COUNTS.md has no `{name}: N` line"))
}

#[test]
fn bundled_plan_builds_without_warnings_and_matches_its_counts() {
    let out_dir = scratch("bundled");
    let out = tiendo(&root(), &["build", "--output", out_dir.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.is_empty(),
        "the bundled plan must build with zero warnings:\n{stderr}"
    );
    assert!(stdout.contains("open "), "{stdout}");

    let counts = fs::read_to_string(root().join("content/COUNTS.md")).unwrap();
    let files = tree(&out_dir);
    let sectors: Vec<&String> = files.keys().filter(|k| k.starts_with("sectors/")).collect();
    let pages: Vec<String> = sectors
        .iter()
        .map(|k| String::from_utf8(files[*k].clone()).unwrap())
        .collect();
    let indicators: usize = pages
        .iter()
        .map(|p| p.matches("<article class=\"card").count())
        .sum();
    let tasks: usize = pages.iter().map(|p| p.matches("<tr id=\"t-").count()).sum();
    assert_eq!(sectors.len(), declared(&counts, "sectors"), "sector pages");
    assert_eq!(
        indicators,
        declared(&counts, "indicators"),
        "indicator cards"
    );
    assert_eq!(tasks, declared(&counts, "tasks"), "task rows");

    // The overview shows the four headline targets with their 2024 actuals.
    let overview = String::from_utf8(files["index.html"].clone()).unwrap();
    for (name, actual) in [
        ("Tốc độ tăng trưởng GRDP", "7,02 %"),
        ("GRDP bình quân đầu người", "76,4 triệu đồng"),
        ("Tổng kim ngạch xuất khẩu", "6 tỷ USD"),
        ("Tổng vốn đầu tư phát triển toàn xã hội", "51.100 tỷ đồng"),
    ] {
        let at = overview
            .find(name)
            .unwrap_or_else(|| panic!("headline {name} missing"));
        // Numbers and units are joined by no-break spaces.
        let actual = actual.replace(' ', "\u{a0}");
        assert!(overview[at..].contains(&actual), "{name} shows {actual}");
    }
    // Every chart is well-formed enough to carry its accessible title and description.
    for page in pages.iter().chain([&overview]) {
        assert_eq!(
            page.matches("<svg xmlns").count(),
            page.matches("role=\"img\" aria-labelledby").count()
        );
        assert_eq!(
            page.matches("<svg xmlns").count(),
            page.matches("</desc>").count()
        );
    }
    fs::remove_dir_all(&out_dir).unwrap();
}

#[test]
fn builds_are_byte_identical() {
    let a = scratch("det-a");
    let b = scratch("det-b");
    for dir in [&a, &b] {
        assert_eq!(
            tiendo(&root(), &["build", "--output", dir.to_str().unwrap()])
                .status
                .code(),
            Some(0)
        );
    }
    assert_eq!(tree(&a), tree(&b));
    fs::remove_dir_all(&a).unwrap();
    fs::remove_dir_all(&b).unwrap();
}

/// Element ids that occur more than once in a page.
fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut dups = Vec::new();
    for id in quoted_after(html, " id=\"") {
        if !seen.insert(id) {
            dups.push(id.to_string());
        }
    }
    dups
}

/// A page (or other file) of the site built in `work`.
fn output_file(work: &std::path::Path, page: &str) -> String {
    fs::read_to_string(work.join("output").join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The quoted value after each `marker` in `html`: `quoted_after(html, " id=\"")` is every id.
fn quoted_after<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.split(marker)
        .skip(1)
        .filter_map(|p| p.split('"').next())
        .collect()
}

/// Each stretch of `html` from an `open` to the next `close`, both left out.
fn sections<'a>(html: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    html.split(open)
        .skip(1)
        .filter_map(|p| p.split(close).next())
        .collect()
}

#[test]
fn report_and_digest_are_single_files_for_email() {
    let out_dir = scratch("email");
    let mut content = scratch("email-content");
    content.push("content");
    copy_dir(&root().join("content"), &content);
    fs::write(
        content.join("site.yaml"),
        "locale: vi\nbase_url: https://kehoach.example.gov.vn/tien-giang/\n",
    )
    .unwrap();
    let out = tiendo(
        &root(),
        &[
            "build",
            "--content",
            content.to_str().unwrap(),
            "--output",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);

    let report = fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(
        report.len() < 1_500_000,
        "report.html is {} bytes",
        report.len()
    );
    assert_eq!(duplicate_ids(&report), Vec::<String>::new());
    let sectors: Vec<String> = tree(&out_dir)
        .into_keys()
        .filter_map(|k| {
            k.strip_prefix("sectors/")?
                .strip_suffix(".html")
                .map(str::to_owned)
        })
        .collect();
    for id in &sectors {
        assert!(
            report.contains(&format!("<a href=\"#sec-{id}\">")),
            "table of contents links {id}"
        );
        assert!(
            report.contains(&format!("id=\"sec-{id}\"")),
            "report holds sector {id}"
        );
    }
    // In-page links only: the report must work as a lone attachment.
    for href in quoted_after(&report, "href=\"") {
        assert!(
            href.starts_with('#')
                || href.starts_with("http")
                || href.ends_with(".html")
                || href.starts_with("data:image/svg+xml,"),
            "{href}"
        );
    }

    // Furniture for a published site.
    let robots = fs::read_to_string(out_dir.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://kehoach.example.gov.vn/tien-giang/sitemap.xml"));
    let sitemap = fs::read_to_string(out_dir.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://kehoach.example.gov.vn/tien-giang/</loc>"));
    assert!(
        sitemap
            .contains("<loc>https://kehoach.example.gov.vn/tien-giang/sectors/so-y-te.html</loc>")
    );
    assert!(!sitemap.contains("404.html") && !sitemap.contains("digest.html"));
    let sector = fs::read_to_string(out_dir.join("sectors/so-y-te.html")).unwrap();
    assert!(sector.contains("<link rel=\"canonical\" href=\"https://kehoach.example.gov.vn/tien-giang/sectors/so-y-te.html\">"));
    assert!(sector.contains("<meta property=\"og:title\""));

    let digest = fs::read_to_string(out_dir.join("digest.html")).unwrap();
    assert!(
        digest.len() < 100_000,
        "digest.html is {} bytes",
        digest.len()
    );
    for banned in ["<style", "<svg", "data:", "<script", "<link"] {
        assert!(!digest.contains(banned), "digest must not use {banned}");
    }
    assert!(
        digest.contains("7,02\u{a0}%") && digest.contains("Đạt"),
        "headline actual and status"
    );
    assert!(
        digest.contains("href=\"https://kehoach.example.gov.vn/tien-giang/sectors/"),
        "links to the published pages when base_url is set"
    );
    fs::remove_dir_all(&out_dir).unwrap();
    fs::remove_dir_all(content.parent().unwrap()).unwrap();
}

#[test]
fn killed_build_leaves_previous_output_intact() {
    let (work, content) = every_kind_project("killed");
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    let before = tree(&work.join("output"));
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let changed = fs::read_to_string(&sector)
        .unwrap()
        .replace("value: 6.9,", "value: 7.1,");
    fs::write(&sector, changed).unwrap();

    // Every write is slowed to 200 ms, so the kill lands while the new site is being staged.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .arg("build")
        .current_dir(&work)
        .env("TIENDO_TEST_WRITE_DELAY_MS", "200")
        .spawn()
        .unwrap();
    let staging_seen = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::read_dir(&work).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".output.new-")
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staging_seen, "the build was killed while staging");
    assert_eq!(
        tree(&work.join("output")),
        before,
        "old output intact after the kill"
    );

    // The next build cleans up after the killed one and publishes the change.
    let out = tiendo(&work, &["build"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("removed"), "{}", text(&out).0);
    let names: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".output.")),
        "{names:?}"
    );
    assert_ne!(tree(&work.join("output")), before);
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn one_changed_figure_rewrites_only_the_pages_that_show_it() {
    let work = scratch("one-figure");
    let content = work.join("content");
    copy_dir(&root().join("content"), &content);
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    let before = tree(&work.join("output"));
    let sector = content.join("tien-giang-2024/sectors/so-nong-nghiep.yaml");
    let yaml = fs::read_to_string(&sector).unwrap();
    assert!(yaml.contains("value: 3.32"));
    fs::write(&sector, yaml.replacen("value: 3.32", "value: 3.35", 1)).unwrap();
    let out = tiendo(&work, &["build"]);
    let (stdout, _) = text(&out);
    let after = tree(&work.join("output"));
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        [
            "data/actuals.csv",
            "data/indicators.csv",
            "data/plan.json",
            "data/sectors/so-nong-nghiep.csv",
            "data/sectors/so-nong-nghiep.json",
            // The figure is at risk: the overview and the digest name it with its value.
            "digest.html",
            "digest.txt",
            "feed.xml",
            "index.html",
            "indicators.html",
            "report.html",
            "sectors/so-nong-nghiep.html",
            "updates.html"
        ],
        "only the files showing the figure change"
    );
    assert!(
        stdout.contains(&format!(
            "({} written, {} unchanged, 0 removed)",
            changed.len(),
            after.len() - changed.len()
        )),
        "{stdout}"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn check_warns_editorially_and_deny_warnings_fails() {
    let fixture = root().join("tests/fixtures/sites/every-kind");
    // Judged in the plan year (its `as_of` is 2024-10-15), so the year is not over yet.
    let out = tiendo(&fixture, &["check", "--today", "2024-11-01"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("content is valid (2 warning(s))"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains(
            "content/tinh-2024/sectors/kinh-te.yaml:39:5: warning: `no-xau` has no actual yet"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: task `hop-tac-xa` is overdue and has no update"),
        "{stderr}"
    );
    let denied = tiendo(
        &fixture,
        &["check", "--deny-warnings", "--today", "2024-11-01"],
    );
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        text(&denied)
            .1
            .contains("2 warning(s) denied by --deny-warnings")
    );
    // `build` does not run the editorial checks, so the fixture still builds.
    let out_dir = scratch("deny");
    let built = tiendo(
        &fixture,
        &[
            "build",
            "--deny-warnings",
            "--output",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(built.status.code(), Some(0), "{}", text(&built).1);
    fs::remove_dir_all(&out_dir).unwrap();
}

#[test]
fn check_warns_when_the_plan_year_is_over_but_statuses_are_not() {
    let fixture = root().join("tests/fixtures/sites/every-kind");
    let warning = "content/tinh-2024/plan.yaml:7:8: warning: the plan year 2024 is over, but \
                   statuses are decided as of 2024-10-15 (the `as_of` in plan.yaml)";
    for (today, warned) in [("2024-12-31", false), ("2025-01-01", true)] {
        let out = tiendo(&fixture, &["check", "--today", today]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(stderr.contains(warning), warned, "{today}: {stderr}");
        if warned {
            assert!(stderr.contains("e.g. `as_of: 2025-01-01`"), "{stderr}");
        }
    }
    // Without `as_of`, the newest publication date decides, and the warning names it.
    let work = scratch("year-over");
    copy_dir(&fixture.join("content"), &work.join("content"));
    let plan_yaml = work.join("content/tinh-2024/plan.yaml");
    let text_of = fs::read_to_string(&plan_yaml).unwrap();
    fs::write(&plan_yaml, text_of.replace("as_of: 2024-10-15\n", "")).unwrap();
    let out = tiendo(&work, &["check", "--today", "2026-12-02"]);
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("content/tinh-2024/plan.yaml:6:7: warning: the plan year 2024 is over")
            && stderr.contains("the newest publication date in the data"),
        "{stderr}"
    );
    let bad = tiendo(&fixture, &["check", "--today", "2025-13-01"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a wrong --today is a usage error"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn init_makes_a_project_that_builds_at_once() {
    let work = scratch("init");
    let project = work.join("ke-hoach");
    let out = tiendo(&work, &["init", "ke-hoach"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(text(&out).0.contains("cd ke-hoach && tiendo build"));
    let built = tiendo(&project, &["build"]);
    let (stdout, stderr) = text(&built);
    assert_eq!(built.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.is_empty(),
        "the starter builds without warnings: {stderr}"
    );
    assert!(stdout.contains("10 pages"), "{stdout}");
    // Judged within the sample's plan year (after it, `check` rightly asks for an `as_of`).
    let checked = tiendo(
        &project,
        &["check", "--deny-warnings", "--today", "2024-11-01"],
    );
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked).1);
    // What a new editor first sees: statuses, gaps and provisional marks in words.
    let page = fs::read_to_string(project.join("output/sectors/kinh-te.html")).unwrap();
    insta::assert_snapshot!("init_sector", visible_text(main_of(&page)));
    // Every target kind is shown in the starter.
    let sectors = fs::read_to_string(project.join("content/tinh-mau-2024/sectors/kinh-te.yaml"))
        .unwrap()
        + &fs::read_to_string(project.join("content/tinh-mau-2024/sectors/xa-hoi.yaml")).unwrap();
    for kind in [
        "range:",
        "at_least:",
        "more_than:",
        "at_most:",
        "less_than:",
        "exactly:",
        "increase:",
        "milestone:",
    ] {
        assert!(
            sectors.contains(&format!("target: {{{kind}")),
            "starter shows {kind}"
        );
    }
    // A second init into the same folder refuses to overwrite it.
    assert_eq!(tiendo(&work, &["init", "ke-hoach"]).status.code(), Some(1));
    fs::remove_dir_all(&work).unwrap();
}

/// The fuzzers' regression inputs (fuzz/regressions/load_validate, in the harness's format:
/// sector file, its Markdown, plan.yaml, overview.md and site.yaml separated by `#>>>` lines)
/// run through the real CLI: each ends with exit 0 or 1, quickly, and never with a panic.
#[test]
fn fuzz_regressions_never_panic() {
    let dir = root().join("fuzz/regressions/load_validate");
    let inputs = sorted_entries(&dir);
    assert!(inputs.len() >= 4, "{inputs:?}");
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let work = scratch(&format!("fuzz-{name}"));
        let plan_dir = work.join("content/p");
        fs::create_dir_all(plan_dir.join("sectors")).unwrap();
        let bytes = fs::read(&input).unwrap();
        let input_text = String::from_utf8_lossy(&bytes);
        let parts: Vec<&str> = input_text.split("\n#>>>\n").collect();
        let plan = "title: T\nissuer: I\ndocument: D\ndate: 2024-01-19\nyear: 2024\n";
        let files = [
            plan_dir.join("sectors/kinh-te.yaml"),
            plan_dir.join("sectors/kinh-te.md"),
            plan_dir.join("plan.yaml"),
            plan_dir.join("overview.md"),
            work.join("content/site.yaml"),
        ];
        for (i, path) in files.iter().enumerate() {
            match parts.get(i) {
                Some(part) if parts.len() > 1 || i == 0 => fs::write(path, part).unwrap(),
                _ if i == 2 => fs::write(path, plan).unwrap(),
                _ => {}
            }
        }
        let started = std::time::Instant::now();
        let out = tiendo(&work, &["check"]);
        let (_, stderr) = text(&out);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {stderr}");
        assert!(!stderr.contains("internal error"), "{name}: {stderr}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{name} is slow"
        );
        fs::remove_dir_all(&work).unwrap();
    }
}

#[test]
fn an_80000_character_sector_name_builds_in_bounded_time() {
    let (work, content) = every_kind_project("huge-name");
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let s = fs::read_to_string(&sector).unwrap();
    let name = "Kinh tế ".repeat(10_000);
    fs::write(
        &sector,
        s.replacen("name: Kinh tế\n", &format!("name: {name}\n"), 1),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let built = tiendo(&work, &["build"]);
    let took = started.elapsed();
    assert!(built.status.success(), "{:?}", text(&built));
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    let overview = output_file(&work, "index.html");
    assert!(overview.contains("Kinh tế Kinh tế") && overview.contains('…'));
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn footnote_ids_are_prefixed_and_unique_across_sectors() {
    let (work, content) = every_kind_project("footnotes");
    let sectors = content.join("tinh-2024/sectors");
    let notes = "Chính[^main] và một[^1].\n\n[^main]: Ghi chú chính.\n[^1]: Ghi chú một.\n";
    fs::write(sectors.join("kinh-te.md"), notes).unwrap();
    fs::write(
        sectors.join("xa-hoi.yaml"),
        "name: Xã hội\nlead: Sở Lao động\norder: 2\ntasks:\n  - {id: viec-lam, text: Tạo việc làm, due: 2024-12-31}\n",
    )
    .unwrap();
    fs::write(sectors.join("xa-hoi.md"), notes).unwrap();
    let built = tiendo(&work, &["build"]);
    assert!(built.status.success(), "{:?}", text(&built));
    for page in ["sectors/kinh-te.html", "sectors/xa-hoi.html", "report.html"] {
        let html = output_file(&work, page);
        assert_eq!(duplicate_ids(&html), Vec::<String>::new(), "{page}");
        let ids: std::collections::BTreeSet<&str> =
            quoted_after(&html, " id=\"").into_iter().collect();
        let targets = quoted_after(&html, "<sup class=\"footnote-reference\"><a href=\"#");
        assert!(targets.len() >= 2, "{page}: footnote references");
        for t in targets {
            assert!(t.starts_with("fn-") && ids.contains(t), "{page}: #{t}");
        }
    }
    fs::remove_dir_all(&work).unwrap();
}

/// One 1 MiB string anchored once and repeated by 2,000 aliases: a 1.2 MB file that once
/// needed over 20 GB. It is refused at the alias that crosses the bound, quickly.
#[test]
fn one_big_string_repeated_by_aliases_is_refused_fast() {
    let work = scratch("alias-bytes");
    let sectors = work.join("content/p/sectors");
    fs::create_dir_all(&sectors).unwrap();
    fs::write(
        work.join("content/p/plan.yaml"),
        "title: T\nissuer: I\ndocument: D\ndate: 2024-01-19\nyear: 2024\n",
    )
    .unwrap();
    let mut yaml = format!(
        "name: N\nlead: L\nsection: &s \"{}\"\nindicators:\n  - id: a\n    name: A\n    unit: \"%\"\n    target: {{at_least: 1}}\n    actuals:\n",
        "x".repeat(1 << 20)
    );
    // Parsing fails before anything could notice that these actuals repeat one another.
    yaml.push_str(
        &"      - {period: 2024-01, value: 1, as_of: 2024-02-01, note: *s}\n".repeat(2000),
    );
    fs::write(sectors.join("a.yaml"), yaml).unwrap();
    let started = std::time::Instant::now();
    let out = tiendo(&work, &["check"]);
    let elapsed = started.elapsed();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "content/p/sectors/a.yaml:13:62: error: alias `*s` expands the file beyond 4714776 bytes"
    );
    assert!(stderr.contains("= hint:"), "{stderr}");
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
    fs::remove_dir_all(&work).unwrap();
}

/// The inline SVG whose element ids start with `id`, from a page.
fn svg_by_id<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}-t\""))
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = html[..at].rfind("<svg").unwrap();
    let end = at + html[at..].find("</svg>").unwrap() + 6;
    &html[start..end]
}

#[test]
fn misses_of_different_sizes_are_drawn_and_worded_differently() {
    let out_dir = scratch("misses");
    let fixture = root().join("tests/fixtures/sites/misses");
    let out = tiendo(&fixture, &["build", "--output", out_dir.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The override written with the old name still builds, with a warning naming the new ones.
    assert!(
        stderr.contains("`off_track` is the old name of this status; it is now `not_achieved`")
            && stderr.contains("`behind`"),
        "{stderr}"
    );
    let page = fs::read_to_string(out_dir.join("sectors/thu.html")).unwrap();
    // Every bar starts at zero and its length is its share of the distance to the target line.
    let mut bodies = Vec::new();
    for (id, value, target) in [
        ("c-thieu-74", 740.0, 1000.0),
        ("c-thieu-81", 810.0, 1000.0),
        ("c-thieu-94", 97.76, 104.0),
        ("c-thieu-97", 39.0, 40.0),
    ] {
        let svg = svg_by_id(&page, id);
        // The bar is a rectangle from x = 6 (`M6 44H<end>V52`), the target a vertical line
        // (`M<x> 34V62`) in the target colour.
        let end = |svg: &str, from: &str| -> Option<i32> {
            let rest = &svg[svg.find(from)? + from.len()..];
            rest[..rest.find(|c: char| !c.is_ascii_digit())?]
                .parse()
                .ok()
        };
        let width =
            end(svg, "M6 44H").unwrap_or_else(|| panic!("{id}: no bar from zero in {svg}")) - 6;
        let line = svg
            .find("stroke=\"#0b57a4\" stroke-width=\"2\" d=\"")
            .unwrap_or_else(|| panic!("{id}: no target line in {svg}"));
        let target_x = end(&svg[line..], "d=\"M").unwrap();
        let expected = f64::from(target_x - 6) * value / target;
        assert!(
            (f64::from(width) - expected).abs() <= 1.0,
            "{id}: bar {width} px, expected {expected:.1} px"
        );
        // The picture without its words.
        bodies.push(svg[svg.find("</desc>").unwrap()..].to_string());
    }
    for (i, a) in bodies.iter().enumerate() {
        for b in &bodies[i + 1..] {
            assert_ne!(a, b, "two different shortfalls drawn identically");
        }
    }
    let words = visible_text(main_of(&page));
    for gap in [
        "thấp hơn mục tiêu 260 tỷ đồng (bằng 74 % mục tiêu)",
        "thấp hơn mục tiêu 190 tỷ đồng (bằng 81 % mục tiêu)",
        "thấp hơn mục tiêu 6,24 triệu đồng (bằng 94 % mục tiêu)",
        "thấp hơn mục tiêu 1 điểm %",
        "cao hơn mức trên của mục tiêu 0,2 triệu đồng (+0,3 %)",
        "thấp hơn mức dưới của mục tiêu 0,37 điểm % (thấp hơn là tốt)",
    ] {
        assert!(words.contains(gap), "missing gap {gap:?} in {words}");
    }
    insta::assert_snapshot!("misses_sector", words);
    let overview = fs::read_to_string(out_dir.join("index.html")).unwrap();
    insta::assert_snapshot!("misses_overview", visible_text(main_of(&overview)));
    fs::remove_dir_all(&out_dir).unwrap();
}

#[test]
fn provisional_flags_and_override_reasons_reach_every_output() {
    let out_dir = scratch("misses-everywhere");
    let fixture = root().join("tests/fixtures/sites/misses");
    let out = tiendo(&fixture, &["build", "--output", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    // `uoc-tinh`'s latest figure is a full-year estimate; `ghi-de`'s status is the editors'.
    let (estimate, figure) = ("Kim ngạch xuất khẩu", "4,2\u{a0}tỷ\u{a0}USD");
    let (overridden, reason) = (
        "Vốn đầu tư toàn xã hội",
        "Số 9 tháng chưa gồm vốn ngoài nhà nước.",
    );
    let mut seen = (0, 0);
    for (path, bytes) in tree(&out_dir) {
        let Ok(body) = String::from_utf8(bytes) else {
            continue;
        };
        if path.ends_with(".csv") || path.ends_with(".json") {
            continue;
        }
        if body.contains(overridden) {
            seen.0 += 1;
            assert!(
                body.contains(reason),
                "{path} shows the overridden status without its reason"
            );
        }
        // Every time the estimate is stated in words, "provisional" follows it; chart labels
        // (`</text>`) draw it hollow instead, and their `<desc>` says it.
        for (at, _) in body.match_indices(figure) {
            let after = &body[at + figure.len()..];
            if after.starts_with("</text>") {
                continue;
            }
            seen.1 += 1;
            let near: String = after.chars().take(80).collect();
            assert!(
                near.contains("tạm tính"),
                "{path}: {figure} without “tạm tính”: {near}"
            );
        }
        let _ = estimate;
    }
    // The sector page, report, overview, digest, indicators list, updates and feed.
    assert!(seen.0 >= 7 && seen.1 >= 7, "{seen:?}");
    for csv in ["data/indicators.csv", "data/sectors/thu.csv"] {
        let rows = fs::read_to_string(out_dir.join(csv)).unwrap();
        let row = rows.lines().find(|l| l.contains(",uoc-tinh,")).unwrap();
        assert!(row.contains(",true,behind,behind,"), "{csv}: {row}");
        let row = rows.lines().find(|l| l.contains(",ghi-de,")).unwrap();
        assert!(row.contains(reason), "{csv}: {row}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("data/plan.json")).unwrap()).unwrap();
    let inds = json["sectors"][0]["indicators"].as_array().unwrap();
    let by_id = |id: &str| inds.iter().find(|i| i["id"] == id).unwrap();
    assert_eq!(by_id("uoc-tinh")["provisional"], true);
    assert_eq!(by_id("uoc-tinh")["status"], "behind");
    assert_eq!(by_id("ghi-de")["override_reason"], reason);
    assert_eq!(by_id("thieu-74")["status"], "not_achieved");
    assert_eq!(by_id("cpi")["status"], "better_than_target");
    fs::remove_dir_all(&out_dir).unwrap();
}

#[test]
fn content_in_any_theme_language_with_untranslated_text_marked() {
    let (work, content) = every_kind_project("french");
    // A theme that adds French (its strings copied from English here).
    let i18n = work.join("themes/rieng/i18n");
    fs::create_dir_all(&i18n).unwrap();
    let en = fs::read_to_string(root().join("themes/default/i18n/en.yaml")).unwrap();
    fs::write(
        i18n.join("fr.yaml"),
        en.replace("name: English", "name: Français"),
    )
    .unwrap();
    fs::write(
        content.join("site.yaml"),
        "title: Suivi\nlocale: fr\ntheme: rieng\n",
    )
    .unwrap();
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let yaml = fs::read_to_string(&sector).unwrap().replacen(
        "  - id: grdp\n",
        "  - id: grdp\n    tr: {fr: {name: Croissance du PIBR}}\n",
        1,
    );
    fs::write(&sector, &yaml).unwrap();
    fs::write(
        content.join("tinh-2024/sectors/kinh-te.fr.md"),
        "Commentaire en français.\n",
    )
    .unwrap();
    let out = tiendo(&work, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let page = output_file(&work, "sectors/kinh-te.html");
    assert!(page.contains("<html lang=\"fr\""), "the page is French");
    assert!(
        page.contains("Commentaire en français."),
        "the commentary in the site's language"
    );
    assert!(
        page.contains(">Croissance du PIBR</h3>") && !page.contains("lang=\"vi\">Croissance"),
        "a translated name is French and unmarked"
    );
    assert!(
        page.contains("<h3 lang=\"vi\">Tăng trưởng nguồn vốn huy động</h3>"),
        "an untranslated name stays Vietnamese, marked lang=\"vi\": {}",
        &page[page
            .find("nguồn vốn huy động")
            .unwrap_or(0)
            .saturating_sub(80)..][..120]
    );
    // A translation of a field that has none is an error at its place, with the fix.
    fs::write(
        &sector,
        yaml.replace("{name: Croissance", "{nom: Croissance"),
    )
    .unwrap();
    let bad = tiendo(&work, &["check"]);
    let (_, stderr) = text(&bad);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr.contains("kinh-te.yaml:9:20: error: `nom` has no translation here")
            && stderr.contains("translatable here: name, unit, wording, note"),
        "{stderr}"
    );
    fs::remove_dir_all(&work).unwrap();
}

/// A history table's rows cite their sources by number; the sector's list under the cards
/// gives each source once, in full (title and link), where print and touch screens show it.
#[test]
fn history_rows_cite_sources_listed_once_in_full() {
    let (work, content) = every_kind_project("table-sources");
    let long = "Báo cáo nhanh của Sở Lao động - Thương binh và Xã hội, tháng 8/2024";
    fs::write(
        content.join("tinh-2024/sectors/xa-hoi.yaml"),
        format!(
            "name: Xã hội\nlead: Sở Lao động\norder: 2\nindicators:\n\
             \x20 - id: viec-lam\n    name: Lao động có việc làm mới\n    unit: người\n    series: cumulative\n    target: {{at_least: 30000}}\n    actuals:\n\
             \x20     - {{period: 2024-06, value: 12000, as_of: 2024-07-05, source: BC9T}}\n\
             \x20     - {{period: 2024-07, value: 15000, as_of: 2024-08-05, source: BC9T}}\n\
             \x20     - {{period: 2024-08, value: 17000, as_of: 2024-09-05, source: \"{long}\"}}\n\
             \x20 - id: ngheo\n    name: Tỷ lệ hộ nghèo\n    unit: \"%\"\n    series: point\n    target: {{at_most: 2}}\n    actuals:\n\
             \x20     - {{period: 2024-07, value: 2.4, as_of: 2024-08-05, source: https://example.gov.vn/ngheo}}\n\
             \x20     - {{period: 2024-08, value: 2.3, as_of: 2024-09-05, source: \"{long}\"}}\n"
        ),
    )
    .unwrap();
    // A sector whose id extends the first one's, a figure without a source, and commentary
    // and an overview with `##` headings.
    fs::write(
        content.join("tinh-2024/sectors/xa-hoi-2.yaml"),
        "name: Xã hội 2\nlead: Sở Y tế\norder: 3\nindicators:\n\
         \x20 - id: bac-si\n    name: Số bác sĩ trên vạn dân\n    unit: bác sĩ\n    series: point\n    target: {at_least: 10}\n    actuals:\n\
         \x20     - {period: 2024-07, value: 9, as_of: 2024-08-05, source: BC9T}\n\
         \x20     - {period: 2024-08, value: 9.5, as_of: 2024-09-05}\n",
    )
    .unwrap();
    fs::write(
        content.join("tinh-2024/sectors/xa-hoi-2.md"),
        "## Tình hình\n\nỔn định.\n",
    )
    .unwrap();
    fs::write(
        content.join("tinh-2024/overview.md"),
        "## Bối cảnh\n\nNăm bứt phá.\n",
    )
    .unwrap();
    let built = tiendo(&work, &["build"]);
    assert!(built.status.success(), "{:?}", text(&built));
    for page in ["sectors/xa-hoi.html", "report.html"] {
        let html = output_file(&work, page);
        assert_eq!(duplicate_ids(&html), Vec::<String>::new(), "{page}");
        for target in quoted_after(&html, "href=\"#ts-") {
            assert!(
                html.contains(&format!(" id=\"ts-{target}\"")),
                "{page}: #ts-{target}"
            );
        }
        // The report has a list per sector.
        let list = sections(&html, "<ol class=\"sources table-sources\">", "</ol>")
            .into_iter()
            .find(|l| l.contains("ts-xa-hoi_"))
            .unwrap_or_else(|| panic!("{page}: no list of table sources"));
        // Cited in order, each once: BC9T, the long title, the address.
        assert_eq!(
            list,
            format!(
                "<li id=\"ts-xa-hoi_1\"><a href=\"https://example.gov.vn/bc-9-thang\">Báo cáo 9 tháng</a></li>\
                 <li id=\"ts-xa-hoi_2\">{long}</li>\
                 <li id=\"ts-xa-hoi_3\"><a href=\"https://example.gov.vn/ngheo\" class=\"url\">https://example.gov.vn/ngheo</a></li>"
            ),
            "{page}"
        );
        let rows: Vec<&str> = sections(&html, "<table class=\"actuals stack\">", "</table>")
            .into_iter()
            .filter(|t| t.contains("ts-xa-hoi_"))
            .collect();
        assert_eq!(rows.len(), 2, "{page}: two history tables");
        let cited: Vec<&str> = rows
            .iter()
            .flat_map(|t| quoted_after(t, "<a href=\"#"))
            .collect();
        assert_eq!(
            cited,
            [
                "ts-xa-hoi_1",
                "ts-xa-hoi_1",
                "ts-xa-hoi_2",
                "ts-xa-hoi_3",
                "ts-xa-hoi_2"
            ],
            "{page}"
        );
        assert!(
            rows.iter().all(|t| !t.contains(" title=\"")),
            "{page}: no title held only in a tooltip"
        );
        // The series chart says what its line does; the table after it lists every figure.
        let desc = svg_by_id(&html, "s-viec-lam");
        assert!(
            desc.contains(
                "Lao động có việc làm mới qua 3 kỳ, từ Tháng 6/2024 12.000\u{a0}người (tạm tính) đến Tháng 8/2024 17.000\u{a0}người (tạm tính)."
            ) && !desc.contains("15.000"),
            "{page}: {desc}"
        );
    }
    let other = output_file(&work, "sectors/xa-hoi-2.html");
    assert!(
        other.contains("<td></td></tr>") && other.contains("<li id=\"ts-xa-hoi-2_1\">"),
        "a figure without a source has an empty cell; the other figure's source is listed"
    );
    assert!(
        other.contains("<h3>Tình hình</h3>"),
        "commentary under its <h2>"
    );
    let report = output_file(&work, "report.html");
    assert!(
        report.contains("<h4>Tình hình</h4>"),
        "one level deeper in the report"
    );
    assert!(
        report.contains("<h3>Bối cảnh</h3>"),
        "overview under the report's <h2>"
    );
    let overview = output_file(&work, "index.html");
    assert!(
        overview.contains("<h2>Bối cảnh</h2>"),
        "overview under the page's <h1>"
    );
    // The updates table cites its sources the same way, in a list of its own.
    let updates = output_file(&work, "updates.html");
    let cited = quoted_after(&updates, "href=\"#us_");
    assert!(cited.len() > 5, "{updates}");
    for n in &cited {
        assert!(updates.contains(&format!("<li id=\"us_{n}\">")), "#us_{n}");
    }
    assert_eq!(
        updates.matches(&format!(">{long}</li>")).count(),
        1,
        "listed once"
    );
    let table = sections(&updates, "<tbody>", "</tbody>")[0];
    assert!(
        !table.contains(" title=\""),
        "no title held only in a tooltip"
    );
    fs::remove_dir_all(&work).unwrap();
}

/// A theme's language file from an older tiendo lacks the strings added since; pages show the
/// built-in words for them, never a key.
#[test]
fn an_old_theme_language_file_gets_the_new_strings() {
    // The fixture's GRDP card has two figures, so a history table and its sources.
    let (work, _) = every_kind_project("old-lang");
    let i18n = work.join("themes/default/i18n");
    fs::create_dir_all(&i18n).unwrap();
    // The built-in file as it was before `table_sources:` was added.
    let older = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.trim_start().starts_with("table_sources:"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let vi = include_str!("../themes/default/i18n/vi.yaml");
    let old = older(vi);
    assert!(old.len() < vi.len());
    // Its chart description still asks for every figure.
    let old = old.replace("Nguồn số liệu", "Các nguồn").replace(
        "{name} qua {count} kỳ, từ {first} đến {last}.",
        "{name} qua các kỳ: {points}.",
    );
    fs::write(i18n.join("vi.yaml"), old).unwrap();
    let built = tiendo(&work, &["build"]);
    assert!(built.status.success(), "{:?}", text(&built));
    let html = output_file(&work, "sectors/kinh-te.html");
    assert!(
        html.contains(">Nguồn của các bảng số liệu</h3>"),
        "built-in word"
    );
    assert!(!html.contains("table_sources"), "no key shown");
    let methodology = output_file(&work, "methodology.html");
    assert!(
        methodology.contains(">Các nguồn</h2>"),
        "the theme's own words win"
    );
    assert!(
        html.contains("Tăng trưởng GRDP qua các kỳ: 6 tháng đầu năm 2024 5,56\u{a0}% (tạm tính), 9 tháng năm 2024 6,9\u{a0}% (tạm tính)."),
        "{{points}} filled"
    );
    // A language tiendo does not ship gets the new strings in English rather than failing.
    let fr = older(include_str!("../themes/default/i18n/en.yaml"));
    fs::write(
        i18n.join("fr.yaml"),
        fr.replace("name: English", "name: Français"),
    )
    .unwrap();
    fs::write(work.join("content/site.yaml"), "locale: fr\n").unwrap();
    let built = tiendo(&work, &["build"]);
    assert!(built.status.success(), "{:?}", text(&built));
    let html = output_file(&work, "sectors/kinh-te.html");
    assert!(
        html.contains(">Sources of the tables</h3>"),
        "English fallback"
    );
    fs::remove_dir_all(&work).unwrap();
}
