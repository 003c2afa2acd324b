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
}

/// The pages of every plan, in navigation order.
pub const PLAN_PAGES: [PlanPage; 8] = [
    page(
        "index.html",
        "overview.html",
        Title::Plan,
        "overview",
        Some("overview"),
        true,
    ),
    page(
        "methodology.html",
        "methodology.html",
        Title::Text("methodology"),
        "methodology",
        Some("methodology"),
        true,
    ),
    page(
        "updates.html",
        "updates.html",
        Title::Text("updates"),
        "updates",
        Some("updates"),
        true,
    ),
    page(
        "indicators.html",
        "indicators.html",
        Title::Text("find_indicators"),
        "indicators",
        Some("find_indicators"),
        true,
    ),
    page(
        "data.html",
        "data.html",
        Title::Text("open_data"),
        "data",
        Some("open_data"),
        true,
    ),
    page(
        "report.html",
        "report.html",
        Title::Plan,
        "report",
        Some("report_nav"),
        true,
    ),
    page(
        "digest.html",
        "digest.html",
        Title::Plan,
        "digest",
        None,
        false,
    ),
    page(
        "feed.xml",
        "feed.xml",
        Title::Text("updates"),
        "feed",
        None,
        false,
    ),
];

const fn page(
    file: &'static str,
    template: &'static str,
    title: Title,
    key: &'static str,
    nav: Option<&'static str>,
    sitemap: bool,
) -> PlanPage {
    PlanPage {
        file,
        template,
        title,
        key,
        nav,
        sitemap,
    }
}

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
