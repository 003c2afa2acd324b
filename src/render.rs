//! Renders every file of the site into memory. Per plan: overview, one page per sector,
//! methodology, updates (with an Atom feed), open data, an indicator finder, report.html and
//! digest.html; per site: a plan index when there are several plans, a 404 page, and with a
//! `base_url` a sitemap and robots.txt. Pages are rendered in parallel; each plan's view is
//! built and converted to template values once, never per page.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::Site;
use crate::status::Status;
use crate::theme::{Theme, template_error};
use crate::view::{self, PlanView, StatusView};

/// A rendered file, with its path relative to the output folder (always `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path inside `output/`.
    pub path: String,
    /// File content.
    pub bytes: Vec<u8>,
}

/// Everything rendered, with counts for the summary line.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Files to write, sorted by path.
    pub pages: Vec<Page>,
    /// Charts drawn.
    pub charts: usize,
}

/// A link to another plan, for the plan switcher.
#[derive(Debug, Serialize)]
struct PlanLink {
    id: String,
    title: String,
}

/// One page to render: template, where it goes, and what it needs besides the shared context.
struct Job {
    path: String,
    template: &'static str,
    /// From the page to the site root.
    root: String,
    /// From the page to its plan's folder.
    plan_root: &'static str,
    /// The plan's view, converted once and shared by its pages.
    plan: Option<Value>,
    title: String,
    current: String,
    extra: Vec<(&'static str, Value)>,
}

/// Renders the site; template errors become diagnostics.
pub fn render(site: &Site, theme: &Theme, diags: &mut Vec<Diagnostic>) -> Rendered {
    let Some(lang) = theme.langs.get(&site.locale) else {
        diags.push(Diagnostic::error(
            &PathBuf::from("site.yaml"),
            0,
            0,
            format!("the theme has no strings for locale `{}`", site.locale),
        ));
        return Rendered::default();
    };
    let several = site.plans.len() > 1;
    let views: Vec<PlanView> = site
        .plans
        .par_iter()
        .map(|p| view::plan_view(p, lang))
        .collect();
    let mut out = Rendered {
        charts: views.iter().map(PlanView::chart_count).sum(),
        ..Rendered::default()
    };
    let statuses: Vec<StatusView> = Status::ALL.iter().map(|s| status_view(*s, lang)).collect();
    let statuses = Value::from_serializable(&statuses);
    let columns = Value::from_serializable(&crate::opendata::column_docs(lang));
    let plan_links: Vec<PlanLink> = site
        .plans
        .iter()
        .map(|p| PlanLink {
            id: p.id.clone(),
            title: p.short_title.clone(),
        })
        .collect();

    let mut jobs = Vec::new();
    if several {
        jobs.push(Job {
            path: "index.html".into(),
            template: "plans.html",
            root: String::new(),
            plan_root: "",
            plan: None,
            title: site.title.clone(),
            current: "plans".into(),
            extra: vec![("plans", Value::from_serializable(&views))],
        });
    }
    jobs.push(Job {
        path: "404.html".into(),
        template: "404.html",
        root: String::new(),
        plan_root: "",
        plan: None,
        title: lang.t("not_found").to_string(),
        current: String::new(),
        extra: Vec::new(),
    });
    for (plan, pv) in site.plans.iter().zip(&views) {
        let (dir, root) = if several {
            (format!("{}/", plan.id), "../")
        } else {
            (String::new(), "")
        };
        let base = site
            .base_url
            .as_deref()
            .map(|b| format!("{}/{dir}", b.trim_end_matches('/')));
        let plan_value = Value::from_serializable(pv);
        let shared = [
            ("statuses", statuses.clone()),
            ("base", Value::from_serializable(&base)),
            ("columns", columns.clone()),
        ];
        let top_level = [
            ("index.html", "overview.html", pv.title.as_str(), "overview"),
            (
                "methodology.html",
                "methodology.html",
                lang.t("methodology"),
                "methodology",
            ),
            ("report.html", "report.html", pv.title.as_str(), "report"),
            ("digest.html", "digest.html", pv.title.as_str(), "digest"),
            ("updates.html", "updates.html", lang.t("updates"), "updates"),
            ("data.html", "data.html", lang.t("open_data"), "data"),
            (
                "indicators.html",
                "indicators.html",
                lang.t("find_indicators"),
                "indicators",
            ),
            ("feed.xml", "feed.xml", lang.t("updates"), "feed"),
        ];
        for (file, template, title, current) in top_level {
            jobs.push(Job {
                path: format!("{dir}{file}"),
                template,
                root: root.to_string(),
                plan_root: "",
                plan: Some(plan_value.clone()),
                title: title.to_string(),
                current: current.to_string(),
                extra: shared.to_vec(),
            });
        }
        for sv in &pv.sectors {
            jobs.push(Job {
                path: format!("{dir}{}", sv.href),
                template: "sector.html",
                root: format!("{root}../"),
                plan_root: "../",
                plan: Some(plan_value.clone()),
                title: sv.name.clone(),
                current: sv.id.clone(),
                extra: vec![("sector", Value::from_serializable(sv))],
            });
        }
        out.pages
            .extend(crate::opendata::files(plan, &view::rules(plan), lang, &dir));
    }

    let r = Renderer {
        site,
        theme,
        lang,
        t: Value::from_serializable(&lang.strings),
        css: Value::from_serializable(&theme.css),
        plans: Value::from_serializable(&plan_links),
    };
    let results: Vec<Result<Page, Diagnostic>> = jobs.par_iter().map(|job| r.page(job)).collect();
    for result in results {
        match result {
            Ok(page) => out.pages.push(page),
            Err(d) => diags.push(d),
        }
    }
    if let Some(base) = &site.base_url {
        out.pages.extend(sitemap(base, &out.pages));
    }
    out.pages.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `sitemap.xml` listing every page readers should find, and `robots.txt` pointing to it.
fn sitemap(base: &str, pages: &[Page]) -> Vec<Page> {
    let base = base.trim_end_matches('/');
    let mut urls: Vec<String> = pages
        .iter()
        .map(|p| p.path.as_str())
        .filter(|p| p.ends_with(".html") && *p != "404.html" && !p.ends_with("digest.html"))
        .map(|p| format!("{base}/{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    urls.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            crate::chart::xml_escape(&u)
        ));
    }
    xml.push_str("</urlset>\n");
    vec![
        Page {
            path: "sitemap.xml".into(),
            bytes: xml.into_bytes(),
        },
        Page {
            path: "robots.txt".into(),
            bytes: format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n").into_bytes(),
        },
    ]
}

/// A CSS string literal (quoted) for `content:` in print margin boxes.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' | '>' | '&' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn status_view(s: Status, lang: &Lang) -> StatusView {
    StatusView {
        key: s.key(),
        group: s.group().key(),
        label: lang.status(s.key()).to_string(),
    }
}

/// What every page shares, converted to template values once.
struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    lang: &'a Lang,
    t: Value,
    css: Value,
    plans: Value,
}

impl Renderer<'_> {
    fn page(&self, job: &Job) -> Result<Page, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("css", self.css.clone());
        ctx.insert("site_title", &self.site.title);
        ctx.insert("root", &job.root);
        ctx.insert("plan_root", job.plan_root);
        ctx.insert("title", &job.title);
        ctx.insert("nav_current", &job.current);
        ctx.insert("path", &job.path);
        if self.site.plans.len() > 1 {
            ctx.insert_value("plans_nav", self.plans.clone());
        }
        if let Some(base) = &self.site.base_url {
            let page = job.path.strip_suffix("index.html").unwrap_or(&job.path);
            ctx.insert(
                "canonical",
                &format!("{}/{page}", base.trim_end_matches('/')),
            );
        }
        if let Some(plan) = &job.plan {
            let text = |key: &str| {
                plan.get_from_path(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let (short, as_of) = (text("short_title"), text("as_of"));
            let label = format!("{short} · {} {as_of}", self.lang.t("data_as_of"));
            ctx.insert("print_label", &css_string(&label));
            ctx.insert_value("plan", plan.clone());
        }
        for (k, v) in &job.extra {
            ctx.insert_value(*k, v.clone());
        }
        match self.theme.tera.render(job.template, &ctx) {
            Ok(text) => Ok(Page {
                path: job.path.clone(),
                bytes: text.into_bytes(),
            }),
            Err(e) => Err(template_error(&e, &self.theme.origins)),
        }
    }
}
