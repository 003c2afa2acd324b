//! Runs the theme's templates. [`Templates`] holds what every page shares, converted to
//! template values once per render; [`Templates::plan_values`] converts a plan's view once and
//! renders each sector's body once (for its page and for report.html); [`Templates::page`]
//! renders one page. Which pages exist is the outputs' business (`unit`, `pages`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use rayon::prelude::*;
use tera::value::Key;
use tera::{Context, Value};

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::{Plan, Sector, Site};
use crate::status::Status;
use crate::theme::{Theme, template_error};
use crate::view::{PlanView, StatusView};
use crate::write::Page;

/// A link to another plan, for the plan switcher.
#[derive(Debug, serde::Serialize)]
struct PlanLink {
    id: String,
    title: String,
}

/// One page to render: template, where it goes, and what it needs besides the shared context.
pub struct Job {
    /// Its path in the output.
    pub path: String,
    /// The template that renders it.
    pub template: &'static str,
    /// From the page to the site root.
    pub root: String,
    /// From the page to its plan's folder.
    pub plan_root: &'static str,
    /// The plan's view, converted once and shared by its pages.
    pub plan: Option<Value>,
    /// The page title.
    pub title: String,
    /// Its key for the navigation's `aria-current`.
    pub current: String,
    /// Named values only this page sees.
    pub extra: Vec<(&'static str, Value)>,
}

/// A plan's view as template values, shared by all its pages.
pub struct PlanValues {
    /// The plan's view, with `sectors` holding each sector's value.
    pub plan: Value,
    /// Each sector's view.
    pub sectors: Vec<Value>,
    /// Each sector's body as its page shows it (report.html shows it one heading level
    /// deeper, see [`Filled`]).
    pub bodies: Vec<Body>,
    /// What every page of the plan sees besides the plan: `statuses`, `base`, `columns`.
    pub shared: [(&'static str, Value); 3],
}

/// A sector's body: HTML as Tera wrote it. It never goes back into a template: pages show it
/// through a marker ([`body_marker`], [`Filled`]), so it is neither checked as UTF-8 again nor
/// copied into a template value and then into each page.
pub type Body = Arc<Vec<u8>>;

/// A sector's template value and its body, as a render made them.
pub type SectorValue = (Value, Body);

/// What a template sees as sector `n`'s body: a marker, `\0N\0`, filled in by [`Filled`].
/// Content can never hold a NUL (`read::control` refuses it), so a marker cannot be forged.
pub fn body_marker(n: usize) -> Value {
    Value::safe_string(&format!("\0{n}\0"))
}

/// What report.html's template sees as the sectors' bodies: a [`body_marker`] each.
pub fn body_markers(count: usize) -> Value {
    Value::from((0..count).map(body_marker).collect::<Vec<_>>())
}

/// A rendered page whose body markers are to be replaced with the sectors' bodies: as they
/// are on a sector's page, or with every heading one level deeper in the whole-plan report.
/// The report thus holds no second copy of the bodies, and it is written out in pieces
/// ([`crate::write::Sink::put_streamed`]), never whole in memory.
pub struct Filled<'a> {
    page: &'a [u8],
    bodies: &'a [Body],
    /// Each marker's start, end and sector number.
    markers: Vec<(usize, usize, usize)>,
    demote: bool,
}

impl<'a> Filled<'a> {
    /// Finds the markers in `page`; with `demote`, bodies go in one heading level deeper.
    pub fn new(page: &'a [u8], bodies: &'a [Body], demote: bool) -> Self {
        let marker = |at: usize| -> Option<(usize, usize)> {
            let rest = &page[at + 1..];
            let end = memchr::memchr(0, rest)?;
            let n = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
            Some((n, at + end + 2))
        };
        let mut markers = Vec::new();
        let mut from = 0;
        while let Some(i) = memchr::memchr(0, &page[from..]) {
            let at = from + i;
            match marker(at) {
                Some((n, end)) => {
                    markers.push((at, end, n));
                    from = end;
                }
                None => from = at + 1,
            }
        }
        Filled {
            page,
            bodies,
            markers,
            demote,
        }
    }

    fn body(&self, n: usize) -> &'a [u8] {
        self.bodies.get(n).map_or(&[], |b| b.as_slice())
    }

    /// The size of the filled page in bytes.
    pub fn size(&self) -> usize {
        let markers: usize = self.markers.iter().map(|(at, end, _)| end - at).sum();
        let bodies: usize = self.markers.iter().map(|m| self.body(m.2).len()).sum();
        self.page.len() - markers + bodies
    }

    /// Writes the filled page to `out`.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut done = 0;
        for &(at, end, n) in &self.markers {
            out.write_all(&self.page[done..at])?;
            if self.demote {
                crate::markdown::demote_headings_into(self.body(n), out)?;
            } else {
                out.write_all(self.body(n))?;
            }
            done = end;
        }
        out.write_all(&self.page[done..])
    }
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

/// A status and the rule that gives it, as the methodology page lists them.
#[derive(serde::Serialize)]
struct StatusRule {
    #[serde(flatten)]
    status: StatusView,
    rule: String,
}

/// What every page shares, converted to template values once.
pub struct Templates<'a> {
    site: &'a Site,
    theme: &'a Theme,
    lang: &'a Lang,
    t: Value,
    css: Value,
    plans: Value,
    /// Each status with its rule, for the methodology page.
    statuses: Value,
    /// The open-data column descriptions.
    columns: Value,
    /// The status group colours, as `[key, #hex]` pairs and as a map by key.
    group_colors: (Value, Value),
    /// A plan's main navigation, from the route table: file, label and key of each entry.
    nav: Value,
    /// A plan's open data files by key (`files.plan_json` …), from the route table.
    files: Value,
}

/// The CSS that names each cell of a history table (`table.actuals`) when a phone shows its
/// rows as blocks: one rule per column in the page's language, where a `data-label` on every
/// cell would repeat the names on each of hundreds of thousands of rows.
fn stack_labels(lang: &Lang) -> String {
    let rules: String = ["value", "as_of", "source"]
        .iter()
        .enumerate()
        .map(|(n, key)| {
            let label = css_string(&format!("{}: ", lang.t(key)));
            format!(
                ":root:not(.paginating) table.actuals td:nth-of-type({})::before{{content:{label}}}",
                n + 1
            )
        })
        .collect();
    format!("@media screen and (max-width: 40rem){{{rules}}}")
}

impl<'a> Templates<'a> {
    /// What every page of `site` shares; `columns` describes the open-data columns.
    pub fn new(site: &'a Site, theme: &'a Theme, lang: &'a Lang, columns: Value) -> Self {
        let plan_links: Vec<PlanLink> = site
            .plans
            .iter()
            .map(|p| PlanLink {
                id: p.id.clone(),
                title: p.short_title.clone(),
            })
            .collect();
        let statuses: Vec<StatusRule> = Status::ALL
            .iter()
            .map(|s| StatusRule {
                status: StatusView::new(*s, lang),
                rule: lang.t(&format!("rule_status_{}", s.key())).to_string(),
            })
            .collect();
        Templates {
            site,
            theme,
            lang,
            t: Value::from_serializable(&lang.strings),
            // The history tables' column names follow the theme's stylesheet, so a theme with
            // its own base.html or style.css still names them.
            css: Value::safe_string(&format!("{}{}", theme.css, stack_labels(lang))),
            plans: Value::from_serializable(&plan_links),
            statuses: Value::from_serializable(&statuses),
            columns,
            nav: {
                let entries: Vec<BTreeMap<&str, String>> = crate::routes::PLAN_PAGES
                    .iter()
                    .filter_map(|p| {
                        let label = p.nav?;
                        Some(BTreeMap::from([
                            ("file", p.file.to_string()),
                            ("label", lang.t(label).to_string()),
                            ("key", p.key.to_string()),
                        ]))
                    })
                    .collect();
                Value::from_serializable(&entries)
            },
            files: Value::from_serializable(&BTreeMap::from(crate::routes::DATA_FILES)),
            group_colors: {
                use crate::chart::palette::{GROUPS, hex};
                let pairs: Vec<(&str, String)> =
                    GROUPS.iter().map(|(k, icon, _)| (*k, hex(*icon))).collect();
                let map: BTreeMap<&str, String> = pairs.iter().cloned().collect();
                (
                    Value::from_serializable(&pairs),
                    Value::from_serializable(&map),
                )
            },
        }
    }

    /// A plan's view as template values, each sector's body rendered once (sectors in
    /// parallel). `reuse` gives what an earlier render made of a sector that has not changed
    /// since; `base` is the plan's public address, if the site has one. With `shed`, each
    /// sector's view sheds what its template value holds again as soon as the value is made
    /// (see [`crate::view::SectorView::shed`]), so the two never both exist for a whole plan.
    pub fn plan_values(
        &self,
        plan: &Plan,
        pv: &mut PlanView,
        shed: bool,
        base: Option<&str>,
        reuse: &(dyn Fn(&Sector) -> Option<SectorValue> + Sync),
        fail: &(dyn Fn(Diagnostic) + Sync),
    ) -> PlanValues {
        // A body sees only the plan's header and its sector, so that reusing it is safe.
        let header = Value::from_serializable(&pv.header);
        let made: Vec<SectorValue> = pv
            .sectors
            .par_iter_mut()
            .zip(&plan.sectors)
            .map(|(sv, s)| {
                let made = reuse(s).unwrap_or_else(|| {
                    let sector = Value::from_serializable(sv.as_ref());
                    let body = self.sector_body(&header, &sector).unwrap_or_else(|d| {
                        fail(d);
                        Vec::new()
                    });
                    (sector, Arc::new(body))
                });
                if let Some(sv) = Arc::get_mut(sv).filter(|_| shed) {
                    sv.shed();
                }
                made
            })
            .collect();
        let (sectors, bodies): (Vec<Value>, Vec<Body>) = made.into_iter().unzip();
        // A struct always converts to a map.
        let mut fields = Value::from_serializable(&*pv)
            .into_map()
            .unwrap_or_default();
        fields.insert(Key::from("sectors"), Value::from(sectors.clone()));
        PlanValues {
            plan: Value::from(fields),
            sectors,
            bodies,
            shared: [
                ("statuses", self.statuses.clone()),
                ("base", Value::from_serializable(&base)),
                ("columns", self.columns.clone()),
            ],
        }
    }

    /// One sector's body, rendered once for both its page and report.html. It sees the plan's
    /// header, the sector, the statuses and the strings, but no page paths, since it is shared
    /// by pages at different depths.
    fn sector_body(&self, header: &Value, sector: &Value) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("plan", header.clone());
        ctx.insert_value("sector", sector.clone());
        ctx.insert_value("statuses", self.statuses.clone());
        let mut body = Vec::new();
        (self.theme.tera)
            .render_to("sector_body.html", &ctx, &mut body)
            .map_err(|e| template_error(&e, &self.theme.origins))?;
        Ok(body)
    }

    /// Renders one page.
    pub fn page(&self, job: &Job) -> Result<Page, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("css", self.css.clone());
        ctx.insert_value("group_colors", self.group_colors.0.clone());
        ctx.insert_value("nav", self.nav.clone());
        ctx.insert_value("files", self.files.clone());
        ctx.insert_value("group_colors_map", self.group_colors.1.clone());
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
        // Straight into bytes: `render` would check the whole page is UTF-8 once more.
        let mut bytes = Vec::new();
        match self.theme.tera.render_to(job.template, &ctx, &mut bytes) {
            Ok(()) => Ok(Page {
                path: job.path.clone(),
                bytes,
            }),
            Err(e) => Err(template_error(&e, &self.theme.origins)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Body, Filled, Value, body_markers};

    fn fill_bodies(page: &[u8], bodies: &[Body], demote: bool) -> String {
        let filled = Filled::new(page, bodies, demote);
        let mut out = Vec::new();
        filled.write_to(&mut out).unwrap();
        assert_eq!(
            filled.size(),
            out.len(),
            "the size announced is the size written"
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bodies_are_filled_in_their_places_demoted_in_the_report() {
        let body = |html: &str| Body::new(html.as_bytes().to_vec());
        let bodies = [body("<h2 id=\"a\">A</h2><p>x</p>"), body("<h3>B</h3>")];
        let m = |n: usize| format!("\0{n}\0");
        assert_eq!(
            body_markers(2),
            Value::from(vec![Value::safe_string(&m(0)), Value::safe_string(&m(1))])
        );
        let page = format!("<h1>P</h1>{}<hr>{}<p>\0</p>\0{}", m(1), m(0), m(1));
        assert_eq!(
            fill_bodies(page.as_bytes(), &bodies, true),
            "<h1>P</h1><h4>B</h4><hr><h3 id=\"a\">A</h3><p>x</p><p>\0</p>\0<h4>B</h4>",
            "each marker becomes its body; a lone NUL that is no marker stays"
        );
        assert_eq!(
            fill_bodies(format!("<main>{}</main>", m(0)).as_bytes(), &bodies, false),
            "<main><h2 id=\"a\">A</h2><p>x</p></main>",
            "a sector's page shows its body as rendered"
        );
    }
}
