//! The site's HTML pages (and the Atom feed) as outputs: each page of the route table
//! (`routes::PLAN_PAGES`), one page per sector, and the site's own pages (404, and the list of
//! plans when there are several). Each is rendered from its template by `render::Templates`.

use tera::Value;

use crate::render::{Filled, Job, body_marker, body_markers};
use crate::routes::{NOT_FOUND, PlanPage, Title};
use crate::unit::{Emit, Output, Piece, PlanCx, SiteCx};
use crate::view::SectorLink;

/// Every row of the route table is an output: one page per plan, from its template.
impl Output for PlanPage {
    fn plan(&self, cx: &PlanCx<'_>, out: &Emit<'_>) -> Vec<Piece> {
        let mut extra = cx.values.shared.to_vec();
        if self.bodies {
            extra.push(("bodies", body_markers(cx.values.bodies.len())));
        }
        let title = match self.title {
            Title::Plan => cx.view.header.title.clone(),
            Title::Text(key) => cx.lang.t(key).to_string(),
        };
        let page = cx.templates.page(&Job {
            path: format!("{}{}", cx.dir, self.file),
            template: self.template,
            root: cx.root.to_string(),
            plan_root: "",
            plan: Some(cx.values.plan.clone()),
            title,
            current: self.key.to_string(),
            extra,
        });
        match page {
            Ok(page) if self.bodies => {
                let filled = Filled::new(&page.bytes, &cx.values.bodies, true);
                out.put_streamed(page.path.clone(), filled.size(), &mut |w| {
                    filled.write_to(w)
                });
            }
            made => out.result(made),
        }
        Vec::new()
    }
}

/// One page per sector, linking to its neighbours in plan order.
pub struct SectorPages;

impl Output for SectorPages {
    fn plan(&self, cx: &PlanCx<'_>, out: &Emit<'_>) -> Vec<Piece> {
        use rayon::prelude::*;
        let sectors = &cx.view.sectors;
        let link = |k: Option<usize>| {
            let s = k.and_then(|k| sectors.get(k));
            Value::from_serializable(&s.map(|s| SectorLink::of(s)))
        };
        sectors.par_iter().enumerate().for_each(|(k, sv)| {
            let page = cx.templates.page(&Job {
                path: format!("{}{}", cx.dir, sv.href),
                template: "sector.html",
                root: format!("{}../", cx.root),
                plan_root: "../",
                plan: Some(cx.values.plan.clone()),
                title: sv.name.clone(),
                current: sv.id.clone(),
                extra: vec![
                    ("sector", cx.values.sectors[k].clone()),
                    ("body", body_marker(k)),
                    ("prev", link(k.checked_sub(1))),
                    ("next", link(Some(k + 1))),
                ],
            });
            // A sector's page is small: filled in memory, so that an unchanged page is
            // compared with the previous output before anything is written.
            out.result(page.map(|mut page| {
                let filled = Filled::new(&page.bytes, &cx.values.bodies, false);
                let mut bytes = Vec::with_capacity(filled.size());
                // Writing to a Vec cannot fail.
                let _ = filled.write_to(&mut bytes);
                page.bytes = bytes;
                page
            }))
        });
        Vec::new()
    }
}

/// The site's own pages: 404, and with several plans the list of plans at the root.
pub struct SitePages;

impl Output for SitePages {
    fn site(&self, cx: &SiteCx<'_>, out: &Emit<'_>) {
        let page = |path: &str, template, title: String, current: &str, extra| Job {
            path: path.to_string(),
            template,
            root: String::new(),
            plan_root: "",
            plan: None,
            title,
            current: current.to_string(),
            extra,
        };
        let not_found = cx.lang.t("not_found").to_string();
        out.result(
            cx.templates
                .page(&page(NOT_FOUND, "404.html", not_found, "", Vec::new())),
        );
        if cx.site.plans.len() > 1 {
            let plans = Value::from_serializable(&cx.summaries);
            out.result(cx.templates.page(&page(
                "index.html",
                "plans.html",
                cx.site.title.clone(),
                "plans",
                vec![("plans", plans)],
            )));
        }
    }
}
