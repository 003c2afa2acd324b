//! `sitemap.xml`, listing every page readers should find (`routes::in_sitemap`), and
//! `robots.txt` pointing to it; made only when the site has a `base_url`.

use crate::routes::in_sitemap;
use crate::unit::{Emit, Output, SiteCx};
use crate::write::Page;

/// The sitemap and robots.txt, from every file the site has.
pub struct Sitemap;

impl Output for Sitemap {
    fn site(&self, cx: &SiteCx<'_>, out: &Emit<'_>) {
        let Some(base) = &cx.site.base_url else {
            return;
        };
        let base = base.trim_end_matches('/');
        let mut urls: Vec<String> = cx
            .paths
            .iter()
            .map(|p| p.as_str())
            .filter(|p| in_sitemap(p))
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
        out.put(Page {
            path: "sitemap.xml".into(),
            bytes: xml.into_bytes(),
        });
        out.put(Page {
            path: "robots.txt".into(),
            bytes: format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n").into_bytes(),
        });
    }
}
