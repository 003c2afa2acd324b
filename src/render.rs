//! Renders every page of the site into memory: one overview, one page per sector and a
//! methodology page per plan, and a plan index when the site holds several plans.

use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

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

/// A navigation link.
#[derive(Debug, Serialize)]
struct Link {
    key: String,
    label: String,
    href: String,
}

/// Everything rendered, with counts for the summary line.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Files to write.
    pub pages: Vec<Page>,
    /// Charts drawn.
    pub charts: usize,
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
    let r = Renderer { site, theme, lang };
    let mut out = Rendered::default();
    let several = site.plans.len() > 1;
    if several {
        out.pages.extend(r.page(
            "index.html",
            "plans.html",
            "",
            "",
            None,
            |ctx| {
                let plans: Vec<PlanView> = site
                    .plans
                    .iter()
                    .map(|p| view::plan_view(p, lang))
                    .collect();
                ctx.insert("plans", &plans);
                ctx.insert("title", &site.title);
            },
            diags,
        ));
    }
    for plan in &site.plans {
        let pv = view::plan_view(plan, lang);
        out.charts += pv.chart_count();
        let (dir, root) = if several {
            (format!("{}/", plan.id), "../")
        } else {
            (String::new(), "")
        };
        let statuses: Vec<StatusView> = Status::ALL.iter().map(|s| status_view(*s, lang)).collect();
        let base = site
            .base_url
            .as_deref()
            .map(|b| format!("{}/{dir}", b.trim_end_matches('/')));
        let columns = crate::opendata::column_docs(lang);
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
            ("feed.xml", "feed.xml", lang.t("updates"), "feed"),
        ];
        for (file, template, title, current) in top_level {
            let page = r.page(
                &format!("{dir}{file}"),
                template,
                root,
                "",
                Some(&pv),
                |ctx| {
                    ctx.insert("title", title);
                    ctx.insert("nav_current", current);
                    ctx.insert("statuses", &statuses);
                    ctx.insert("base", &base);
                    ctx.insert("columns", &columns);
                },
                diags,
            );
            out.pages.extend(page);
        }
        out.pages
            .extend(crate::opendata::files(plan, &view::rules(plan), lang, &dir));
        let sector_root = format!("{root}../");
        for sv in &pv.sectors {
            let page = r.page(
                &format!("{dir}{}", sv.href),
                "sector.html",
                &sector_root,
                "../",
                Some(&pv),
                |ctx| {
                    ctx.insert("sector", sv);
                    ctx.insert("title", &sv.name);
                    ctx.insert("nav_current", &sv.id);
                },
                diags,
            );
            out.pages.extend(page);
        }
    }
    out
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

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    lang: &'a Lang,
}

impl Renderer<'_> {
    /// Renders one page. `root` leads from the page to the site root, `plan_root` to its plan's
    /// overview folder.
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        path: &str,
        template: &str,
        root: &str,
        plan_root: &str,
        plan: Option<&PlanView>,
        fill: impl FnOnce(&mut Context),
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Page> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert("t", &self.lang.strings);
        ctx.insert("css", &self.theme.css);
        ctx.insert("site_title", &self.site.title);
        ctx.insert("root", root);
        ctx.insert("plan_root", plan_root);
        ctx.insert("several_plans", &(self.site.plans.len() > 1));
        ctx.insert("nav_current", "");
        if let Some(pv) = plan {
            ctx.insert("plan", pv);
            let label = format!(
                "{} · {} {}",
                pv.short_title,
                self.lang.t("data_as_of"),
                pv.as_of
            );
            ctx.insert("print_label", &css_string(&label));
            let mut nav = vec![Link {
                key: "overview".into(),
                label: self.lang.t("overview").to_string(),
                href: format!("{plan_root}index.html"),
            }];
            nav.extend(pv.sectors.iter().map(|s| Link {
                key: s.id.clone(),
                label: s.name.clone(),
                href: format!("{plan_root}{}", s.href),
            }));
            nav.push(Link {
                key: "methodology".into(),
                label: self.lang.t("methodology").to_string(),
                href: format!("{plan_root}methodology.html"),
            });
            ctx.insert("nav", &nav);
        }
        fill(&mut ctx);
        match self.theme.tera.render(template, &ctx) {
            Ok(html) => Some(Page {
                path: path.to_string(),
                bytes: html.into_bytes(),
            }),
            Err(e) => {
                diags.push(template_error(&e, &self.theme.origins));
                None
            }
        }
    }
}
