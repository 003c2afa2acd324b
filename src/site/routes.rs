//! Every output path and anchor of a site, in one place. The declared list of a plan's pages
//! drives what is rendered, the navigation, the sitemap and the preview's content types, so
//! adding a page touches this table and its template.

/// How a page is titled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Title {
    /// The plan's title.
    Plan,
    /// A UI string, by key.
    Text(&'static str),
}

/// One page every plan has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanPage {
    /// File name inside the plan's folder.
    pub file: &'static str,
    /// Template that renders it.
    pub template: &'static str,
    /// Its title.
    pub title: Title,
    /// Its key for the navigation's `aria-current` (and the templates' `nav_current`).
    pub key: &'static str,
    /// The UI string naming it in the main navigation, if it is there.
    pub nav: Option<&'static str>,
    /// Listed in the sitemap (pages for readers; not the feed or the email digest).
    pub sitemap: bool,
    /// Its template sees every sector's body (`bodies`), as the whole-plan report does.
    pub bodies: bool,
}

/// The pages of every plan, in navigation order. Each is an output of its own
/// (`pages::PlanPage`'s `Output`), rendered from its template.
pub static PLAN_PAGES: [PlanPage; 9] = [
    PlanPage {
        file: "index.html",
        template: "overview.html",
        title: Title::Plan,
        key: "overview",
        nav: Some("overview"),
        sitemap: true,
        bodies: false,
    },
    PlanPage {
        file: "methodology.html",
        template: "methodology.html",
        title: Title::Text("methodology"),
        key: "methodology",
        nav: Some("methodology"),
        sitemap: true,
        bodies: false,
    },
    PlanPage {
        file: "updates.html",
        template: "updates.html",
        title: Title::Text("updates"),
        key: "updates",
        nav: Some("updates"),
        sitemap: true,
        bodies: false,
    },
    PlanPage {
        file: "indicators.html",
        template: "indicators.html",
        title: Title::Text("find_indicators"),
        key: "indicators",
        nav: Some("find_indicators"),
        sitemap: true,
        bodies: false,
    },
    PlanPage {
        file: "data.html",
        template: "data.html",
        title: Title::Text("open_data"),
        key: "data",
        nav: Some("open_data"),
        sitemap: true,
        bodies: false,
    },
    PlanPage {
        file: "report.html",
        template: "report.html",
        title: Title::Plan,
        key: "report",
        nav: Some("report_nav"),
        sitemap: true,
        bodies: true,
    },
    PlanPage {
        file: "digest.html",
        template: "digest.html",
        title: Title::Plan,
        key: "digest",
        nav: None,
        sitemap: false,
        bodies: false,
    },
    PlanPage {
        file: "digest.txt",
        template: "digest.txt",
        title: Title::Plan,
        key: "digest_text",
        nav: None,
        sitemap: false,
        bodies: false,
    },
    PlanPage {
        file: "feed.xml",
        template: "feed.xml",
        title: Title::Text("updates"),
        key: "feed",
        nav: None,
        sitemap: false,
        bodies: false,
    },
];

/// The site's own pages (besides each plan's).
pub const NOT_FOUND: &str = "404.html";

/// A plan's folder inside the output: none when the site has one plan.
pub fn plan_dir(plans: usize, id: &str) -> String {
    if plans > 1 {
        format!("{id}/")
    } else {
        String::new()
    }
}

/// A sector's page, from the plan's folder.
pub fn sector_page(id: &str) -> String {
    format!("sectors/{id}.html")
}

/// An indicator card's anchor on its sector page.
pub fn indicator_anchor(id: &str) -> String {
    format!("i-{id}")
}

/// A task row's anchor on its sector page.
pub fn task_anchor(id: &str) -> String {
    format!("t-{id}")
}

/// A sector's open data, from the plan's folder: JSON and CSV.
pub fn sector_data(id: &str) -> (String, String) {
    (
        format!("data/sectors/{id}.json"),
        format!("data/sectors/{id}.csv"),
    )
}

/// A plan's open data files, from the plan's folder, by the key templates know them by
/// (`files.plan_json` …): the whole plan, its three tables and the input's JSON Schema.
pub const DATA_FILES: [(&str, &str); 5] = [
    ("plan_json", "data/plan.json"),
    ("indicators_csv", "data/indicators.csv"),
    ("actuals_csv", "data/actuals.csv"),
    ("tasks_csv", "data/tasks.csv"),
    ("schema", "data/tiendo.schema.json"),
];

/// The path of the open data file with `key` in [`DATA_FILES`].
pub fn data_file(key: &str) -> &'static str {
    DATA_FILES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("data/unknown", |(_, path)| path)
}

/// Whether an output file belongs in the sitemap.
pub fn in_sitemap(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    if path.contains("sectors/") {
        return path.ends_with(".html");
    }
    if file == NOT_FOUND {
        return false;
    }
    // The site's list of plans (index.html at the root) is a page for readers too.
    PLAN_PAGES.iter().any(|p| p.file == file && p.sitemap)
}

/// The content type the preview serves an output file with.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("xml") => "application/atom+xml; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_lists_pages_for_readers_only() {
        assert!(in_sitemap("index.html") && in_sitemap("a-2024/report.html"));
        assert!(in_sitemap("sectors/kinh-te.html"));
        assert!(!in_sitemap("digest.html") && !in_sitemap("a/feed.xml"));
        assert!(!in_sitemap("404.html") && !in_sitemap("data/plan.json"));
        assert!(!in_sitemap("data/sectors/kinh-te.json"));
        let keys: Vec<&str> = PLAN_PAGES.iter().map(|p| p.key).collect();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(keys, unique, "keys are unique");
    }
}
