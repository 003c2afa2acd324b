//! `serve`'s partial rebuilds: after every kind of change inside a plan folder, the site kept in
//! memory and brought up to date by re-rendering only that plan must equal a full build of the
//! same files, byte for byte; changes elsewhere must ask for a full rebuild.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, root, scratch};
use tiendo::Options;
use tiendo::session::Session;

fn full(opts: &Options) -> HashMap<String, Vec<u8>> {
    let (_, pages) = tiendo::render_site(opts).expect("a full build succeeds");
    pages.into_iter().map(|p| (p.path, p.bytes)).collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Rebuilds after `changed`, applies the result, and checks it against a full build. Returns
/// the paths that changed.
fn step(
    session: &mut Session,
    files: &mut HashMap<String, Vec<u8>>,
    opts: &Options,
    changed: &[PathBuf],
) -> Vec<String> {
    let rebuilt = session
        .rebuild(changed)
        .expect("a change inside a plan folder rebuilds only that plan")
        .expect("the content is valid");
    assert!(
        rebuilt.pages.iter().all(|p| !p.path.starts_with("a-2024/")),
        "the other plan is not rendered again"
    );
    let changed = rebuilt.apply(files);
    let expected = full(opts);
    let mut paths: Vec<&String> = expected.keys().collect();
    paths.sort();
    for path in paths {
        assert!(
            files.get(path) == expected.get(path),
            "{path} differs from a full build"
        );
    }
    assert_eq!(files.len(), expected.len(), "same files as a full build");
    changed
}

/// A scratch project of two plans (`a-2024`: the every-kind fixture; `b-2024`: the starter)
/// with `site_yaml`; returns the project folder and its `content/`.
fn two_plans(name: &str, site_yaml: &str) -> (PathBuf, PathBuf) {
    let work = scratch(name);
    let content = work.join("content");
    copy_dir(
        &root().join("tests/fixtures/sites/every-kind/content/tinh-2024"),
        &content.join("a-2024"),
    );
    copy_dir(
        &root().join("starter/content/tinh-mau-2024"),
        &content.join("b-2024"),
    );
    fs::write(content.join("site.yaml"), site_yaml).unwrap();
    (work, content)
}

#[test]
fn partial_rebuilds_equal_full_builds() {
    let (work, content) = two_plans(
        "session",
        "title: Hai kế hoạch\nbase_url: https://kehoach.example.gov.vn/\n",
    );
    let opts = Options::new(&content, work.join("output"));
    let (mut session, first) = Session::start(&opts).expect("the project builds");
    assert!(first.replaces.is_none());
    let mut files = HashMap::new();
    first.apply(&mut files);
    assert_eq!(files, full(&opts));

    let b = content.join("b-2024");
    let economy = b.join("sectors/kinh-te.yaml");
    let society = b.join("sectors/xa-hoi.yaml");

    // One figure: its sector page, the plan pages showing it, its data files, the index.
    edit(&economy, "value: 6.9", "value: 7.2");
    let changed = step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&economy),
    );
    assert!(changed.contains(&"b-2024/sectors/kinh-te.html".to_string()));
    assert!(changed.contains(&"b-2024/data/sectors/kinh-te.json".to_string()));
    assert!(!changed.contains(&"b-2024/sectors/xa-hoi.html".to_string()));
    // The same sector again (its view and body are now kept between rebuilds).
    edit(&economy, "value: 7.2", "value: 7.4");
    step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&economy),
    );

    // Commentary, an editor's temporary file, and a sector removed and added back.
    edit(
        &b.join("sectors/xa-hoi.md"),
        "Sở Lao động",
        "Sở Lao động, mới,",
    );
    step(
        &mut session,
        &mut files,
        &opts,
        &[b.join("sectors/xa-hoi.md")],
    );
    fs::write(b.join("sectors/.kinh-te.yaml.swp"), "x").unwrap();
    step(
        &mut session,
        &mut files,
        &opts,
        &[b.join("sectors/.kinh-te.yaml.swp")],
    );
    let kept = fs::read_to_string(&society).unwrap();
    fs::remove_file(&society).unwrap();
    let changed = step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&society),
    );
    assert!(changed.contains(&"b-2024/sectors/xa-hoi.html".to_string()));
    assert!(!files.contains_key("b-2024/sectors/xa-hoi.html"));
    fs::write(&society, &kept).unwrap();
    step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&society),
    );

    // Invalid content: an error, the session keeps its last good state; the fix rebuilds.
    edit(&economy, "[7.0, 7.5]", "[7.5, 7.0]");
    let errors = session
        .rebuild(std::slice::from_ref(&economy))
        .unwrap()
        .unwrap_err();
    assert!(
        errors
            .iter()
            .any(|d| d.to_string().contains("greater than its maximum")),
        "{errors:?}"
    );
    // A change elsewhere in the plan still reports the unfixed file.
    edit(&society, "name:", "name: ");
    assert!(
        session
            .rebuild(std::slice::from_ref(&society))
            .unwrap()
            .is_err()
    );
    edit(&economy, "[7.5, 7.0]", "[7.0, 7.5]");
    step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&economy),
    );

    // A file in a folder under sectors/ is not a sector file (a full build ignores it too).
    fs::create_dir_all(b.join("sectors/old")).unwrap();
    fs::copy(&economy, b.join("sectors/old/kinh-te-2023.yaml")).unwrap();
    step(
        &mut session,
        &mut files,
        &opts,
        &[b.join("sectors/old/kinh-te-2023.yaml")],
    );

    // One batch touching two plans, one of them broken: neither change is lost once fixed.
    let a_economy = content.join("a-2024/sectors/kinh-te.yaml");
    edit(&a_economy, "value: 6.9,", "value: 6.8,");
    edit(&economy, "[7.0, 7.5]", "[7.5, 7.0]");
    let both = [a_economy.clone(), economy.clone()];
    assert!(session.rebuild(&both).unwrap().is_err());
    edit(&economy, "[7.5, 7.0]", "[7.0, 7.5]");
    session
        .rebuild(std::slice::from_ref(&economy))
        .unwrap()
        .unwrap()
        .apply(&mut files);
    assert_eq!(files, full(&opts), "the valid plan's change is kept");

    // Plan-wide settings reach every page of the plan.
    edit(
        &b.join("plan.yaml"),
        "# as_of: 2024-10-15",
        "as_of: 2024-10-20",
    );
    step(&mut session, &mut files, &opts, &[b.join("plan.yaml")]);

    // A plan's name or place among the plans shows in every page's plan switcher: a full
    // rebuild is needed (and gives the new order).
    edit(
        &b.join("plan.yaml"),
        "short_title: Tỉnh Mẫu 2024",
        "short_title: Tỉnh Mẫu\norder: 1",
    );
    assert!(session.rebuild(&[b.join("plan.yaml")]).is_none());

    // Beyond plan folders: a full rebuild is needed.
    assert!(session.rebuild(&[content.join("site.yaml")]).is_none());
    assert!(
        session
            .rebuild(&[content.join("c-2024/plan.yaml")])
            .is_none()
    );
    fs::remove_dir_all(&work).unwrap();
}

/// A theme whose sector body prints plan values: `serve` must still equal a full build after
/// edits in two plans (issue 16's reproduction: with the whole plan in the body, deleting a
/// task in one sector left another sector's kept body showing the old total).
#[test]
fn a_theme_printing_plan_values_in_bodies_still_matches_full_builds() {
    let (work, content) = two_plans("session-theme", "title: Hai kế hoạch\ntheme: rieng\n");
    let templates = work.join("themes/rieng/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("sector_body.html"),
        "<p class=\"plan-values\">{{ plan.title }} · {{ plan.as_of }} · {{ plan.tolerance }}\
         {% if plan.total is defined %} · TOTAL {{ plan.total }}{% endif %}\
         {% if plan.sectors is defined %} · SECTORS {{ plan.sectors | length }}{% endif %}</p>\n\
         {{ <sector_body sector={sector} plan={plan} t={t} h={2}/> -}}",
    )
    .unwrap();
    let opts = Options::new(&content, work.join("output"));
    let (mut session, first) = Session::start(&opts).expect("the project builds");
    let mut files = HashMap::new();
    first.apply(&mut files);
    assert_eq!(files, full(&opts));
    let page = String::from_utf8(files["b-2024/sectors/xa-hoi.html"].clone()).unwrap();
    assert!(
        page.contains("class=\"plan-values\""),
        "the theme's body is used"
    );
    assert!(
        !page.contains("TOTAL") && !page.contains("SECTORS"),
        "a body sees only the plan's header"
    );

    // An edit makes serve keep this plan's sector bodies; then delete a task in one sector:
    // every other sector's kept body must still be right.
    let b = content.join("b-2024");
    let economy = b.join("sectors/kinh-te.yaml");
    edit(&economy, "value: 6.9", "value: 7.2");
    step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&economy),
    );
    let text = fs::read_to_string(&economy).unwrap();
    let tasks_at = text.find("tasks:").unwrap();
    let first_task = tasks_at + text[tasks_at..].find("\n  - id:").unwrap();
    let second_task = first_task + 1 + text[first_task + 1..].find("\n  - id:").unwrap();
    fs::write(
        &economy,
        format!("{}{}", &text[..first_task], &text[second_task..]),
    )
    .unwrap();
    step(
        &mut session,
        &mut files,
        &opts,
        std::slice::from_ref(&economy),
    );
    // And an edit in the other plan, then the plan settings of the first.
    edit(
        &content.join("a-2024/sectors/kinh-te.yaml"),
        "value: 6.9,",
        "value: 6.8,",
    );
    let expected = full(&opts);
    session
        .rebuild(&[content.join("a-2024/sectors/kinh-te.yaml")])
        .unwrap()
        .unwrap()
        .apply(&mut files);
    assert_eq!(files, expected, "after an edit in the other plan");
    edit(
        &b.join("plan.yaml"),
        "# as_of: 2024-10-15",
        "as_of: 2024-10-20",
    );
    step(&mut session, &mut files, &opts, &[b.join("plan.yaml")]);
    fs::remove_dir_all(&work).unwrap();
}
