//! Renders every file of the site into memory. Per plan: overview, one page per sector,
//! methodology, updates (with an Atom feed), open data, an indicator finder, report.html and
//! digest.html; per site: a plan index when there are several plans, a 404 page, and with a
//! `base_url` a sitemap and robots.txt. Pages are rendered in parallel; each plan's view is
//! built and converted to template values once, never per page.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Context, Value};

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::{Plan, Sector, Site};
use crate::opendata::SectorData;
use crate::status::{Rules, Status};
use crate::theme::{Theme, template_error};
use crate::view::{self, PlanView, SectorView, StatusView};
use crate::write::Sink;

/// A rendered file (defined with the writer, which every output goes to).
pub use crate::write::Page;

/// What rendering produced, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    /// HTML pages.
    pub pages: usize,
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

/// Collects what parallel renderers report.
#[derive(Default)]
struct Outcome {
    diags: Mutex<Vec<Diagnostic>>,
    paths: Mutex<Vec<String>>,
    charts: AtomicUsize,
}

impl Outcome {
    fn put(&self, sink: &dyn Sink, page: Page) {
        let path = page.path.clone();
        match sink.put(page) {
            Ok(()) => self
                .paths
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path),
            Err(e) => self.error(Diagnostic::error(
                &PathBuf::from(&path),
                0,
                0,
                format!("cannot write this file: {e}"),
            )),
        }
    }

    fn error(&self, d: Diagnostic) {
        self.diags.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }
}

/// Renders the site into `sink`, plan by plan in parallel, so only the plans being rendered are
/// in memory. Template and write errors become diagnostics.
pub fn render(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    render_plans(site, theme, sink, diags, None, &mut Memo::default())
}

/// What a render remembers of every plan, so that a later render of only some plans can still
/// make the site-wide pages (the plan index, the sitemap); with [`Memo::keep_views`], each
/// sector's view (its charts); and for the plans asked to [keep](Memo::keep), each sector's
/// template value, body and data too.
#[derive(Default)]
pub struct Memo {
    summaries: BTreeMap<String, PlanSummary>,
    paths: BTreeSet<String>,
    /// Whether every plan keeps its sectors' views.
    views: bool,
    /// Plans whose sectors are kept whole between renders, most recently asked for last.
    keeping: Vec<String>,
    kept: BTreeMap<String, Kept>,
}

/// How many plans keep their sectors between renders (each costs about as much memory as
/// its pages).
const KEEP: usize = 8;

/// What a plan's sectors looked like when last rendered.
struct Kept {
    rules: Rules,
    /// The plan's declared sources: notes in any sector may cite them by key.
    sources: crate::model::Sources,
    /// The plan header the kept bodies were rendered with.
    header: view::PlanHeader,
    sectors: HashMap<String, KeptSector>,
}

struct KeptSector {
    sector: Sector,
    view: Arc<SectorView>,
    /// The rest, for the plans kept whole.
    made: Option<Made>,
}

/// What rendering made of a sector besides its view.
struct Made {
    /// The view as a template value.
    value: Value,
    /// The body as the sector page and as report.html show it.
    bodies: (Value, Value),
    data: Arc<SectorData>,
}

impl Kept {
    /// The kept sector, if `s` is exactly what it was made from.
    fn get(&self, s: &Sector) -> Option<&KeptSector> {
        self.sectors.get(&s.id).filter(|k| k.sector == *s)
    }

    /// What was made of sector `s`, if it is exactly what it was made from.
    fn made(&self, s: &Sector) -> Option<&Made> {
        self.get(s).and_then(|k| k.made.as_ref())
    }
}

impl Memo {
    /// From its next render on, keeps the views, bodies and data of plan `id`'s sectors, so
    /// that a render after a change to one sector makes only that sector again. Only the last
    /// few plans asked for are kept.
    pub fn keep(&mut self, id: &str) {
        self.keeping.retain(|k| k != id);
        self.keeping.push(id.to_string());
        if self.keeping.len() > KEEP {
            let dropped = self.keeping.remove(0);
            if let Some(k) = self.kept.get_mut(&dropped) {
                k.sectors.values_mut().for_each(|s| s.made = None);
            }
        }
    }

    /// Keeps every plan's sector views (their charts) from the next render on: `serve` uses
    /// it so that even the first change to a plan draws only the changed sector again.
    pub fn keep_views(&mut self) {
        self.views = true;
    }

    /// Forgets what plan `id`'s sectors looked like (its plan-wide settings changed).
    pub fn forget(&mut self, id: &str) {
        self.kept.remove(id);
    }
}

/// The folder of a plan's files in the output: `""` for a lone plan, else `"<id>/"`.
pub fn plan_dir(site: &Site, id: &str) -> String {
    crate::routes::plan_dir(site.plans.len(), id)
}

/// Like [`render`], but renders only the plans in `only` (all when `None`) and the site-wide
/// pages, taking what they need of the other plans from `memo`, which it updates.
pub fn render_plans(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    diags: &mut Vec<Diagnostic>,
    only: Option<&BTreeSet<String>>,
    memo: &mut Memo,
) -> Rendered {
    let Some(lang) = theme.langs.get(&site.locale) else {
        diags.push(Diagnostic::error(
            &PathBuf::from("site.yaml"),
            0,
            0,
            format!("the theme has no strings for locale `{}`", site.locale),
        ));
        return Rendered::default();
    };
    let r = Renderer::new(site, theme, lang);
    let outcome = Outcome::default();
    let (kept, keeping, views) = (&memo.kept, &memo.keeping, memo.views);
    let rendered: Vec<(PlanSummary, Option<Kept>)> = site
        .plans
        .par_iter()
        .filter(|plan| only.is_none_or(|ids| ids.contains(&plan.id)))
        .map(|plan| {
            let keep = if keeping.contains(&plan.id) {
                Keep::Whole
            } else if views {
                Keep::Views
            } else {
                Keep::Nothing
            };
            r.plan(plan, kept.get(&plan.id), keep, &outcome, sink)
        })
        .collect();
    memo.remember(site, only, rendered);
    r.site_pages(memo, &outcome, sink);
    let paths = std::mem::take(&mut *outcome.paths.lock().unwrap_or_else(|e| e.into_inner()));
    memo.paths.extend(paths.iter().cloned());
    if let Some(base) = &site.base_url {
        for page in sitemap(base, &memo.paths) {
            outcome.put(sink, page);
        }
    }
    let mut errors = outcome
        .diags
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    errors.sort_by(|a, b| a.file.cmp(&b.file));
    errors.dedup();
    diags.extend(errors);
    Rendered {
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        charts: outcome.charts.into_inner(),
    }
}

/// Each sector's template value, and its body as its page and as report.html show it.
type SectorValues = (Vec<Value>, Vec<(Value, Value)>);

/// What to keep of a rendered plan: each sector's view, and with `made` its template value,
/// bodies and data too.
fn kept_of(
    plan: &Plan,
    pv: &PlanView,
    rules: Rules,
    header: view::PlanHeader,
    made: Option<SectorValues>,
    data: Vec<Arc<SectorData>>,
) -> Kept {
    let made: Vec<Option<Made>> = match made {
        Some((values, bodies)) => values
            .into_iter()
            .zip(bodies)
            .zip(data)
            .map(|((value, bodies), data)| {
                Some(Made {
                    value,
                    bodies,
                    data,
                })
            })
            .collect(),
        None => plan.sectors.iter().map(|_| None).collect(),
    };
    Kept {
        rules,
        sources: plan.sources.clone(),
        header,
        sectors: plan
            .sectors
            .iter()
            .zip(&pv.sectors)
            .zip(made)
            .map(|((s, view), made)| {
                let k = KeptSector {
                    sector: s.clone(),
                    view: Arc::clone(view),
                    made,
                };
                (s.id.clone(), k)
            })
            .collect(),
    }
}

/// What a render keeps of a plan for the next one (`serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Nothing (a one-off build).
    Nothing,
    /// The sectors' views.
    Views,
    /// The sectors' views, template values, bodies and data.
    Whole,
}

impl Memo {
    /// Forgets what the re-rendered (or removed) plans made before and remembers what they
    /// made now.
    fn remember(
        &mut self,
        site: &Site,
        only: Option<&BTreeSet<String>>,
        rendered: Vec<(PlanSummary, Option<Kept>)>,
    ) {
        let present: BTreeSet<&str> = site.plans.iter().map(|p| p.id.as_str()).collect();
        self.summaries
            .retain(|id, _| present.contains(id.as_str()) && only.is_some_and(|o| !o.contains(id)));
        self.kept.retain(|id, _| present.contains(id.as_str()));
        for (summary, keep) in rendered {
            if let Some(k) = keep {
                self.kept.insert(summary.header.id.clone(), k);
            }
            self.summaries.insert(summary.header.id.clone(), summary);
        }
        let dirs: Vec<String> = match only {
            Some(ids) if site.plans.len() > 1 => ids.iter().map(|id| plan_dir(site, id)).collect(),
            _ => vec![String::new()],
        };
        self.paths
            .retain(|p| !dirs.iter().any(|d| p.starts_with(d.as_str())));
    }
}

/// What the index of several plans shows of each.
#[derive(Debug, Serialize)]
struct PlanSummary {
    #[serde(flatten)]
    header: view::PlanHeader,
    coverage: String,
    indicator_counts: Vec<view::CountView>,
    task_counts: Vec<view::CountView>,
    attention: usize,
}

impl PlanSummary {
    fn of(pv: &PlanView) -> Self {
        PlanSummary {
            header: pv.header.clone(),
            coverage: pv.coverage.clone(),
            indicator_counts: pv.indicator_counts.clone(),
            task_counts: pv.task_counts.clone(),
            attention: pv.attention.len(),
        }
    }
}

/// What a plan's pages share: its template value, each sector's value and rendered body.
struct PlanValues {
    plan: Value,
    sectors: Vec<Value>,
    /// Each sector's body for its page and for report.html.
    bodies: Vec<(Value, Value)>,
}

/// The pages of one plan. `shared` holds the statuses, base URL and data columns.
fn plan_jobs(
    pv: &PlanView,
    lang: &Lang,
    dir: &str,
    root: &str,
    shared: &[Value; 3],
    plan: PlanValues,
) -> Vec<Job> {
    let extra = vec![
        ("statuses", shared[0].clone()),
        ("base", shared[1].clone()),
        ("columns", shared[2].clone()),
    ];
    let (page_bodies, report_bodies): (Vec<Value>, Vec<Value>) = plan.bodies.into_iter().unzip();
    let report_bodies = Value::from(report_bodies);
    let mut jobs: Vec<Job> = crate::routes::PLAN_PAGES
        .iter()
        .map(|page| {
            let mut extra = extra.clone();
            if page.template == "report.html" {
                extra.push(("bodies", report_bodies.clone()));
            }
            let title = match page.title {
                crate::routes::Title::Plan => pv.header.title.clone(),
                crate::routes::Title::Text(key) => lang.t(key).to_string(),
            };
            Job {
                path: format!("{dir}{}", page.file),
                template: page.template,
                root: root.to_string(),
                plan_root: "",
                plan: Some(plan.plan.clone()),
                title,
                current: page.key.to_string(),
                extra,
            }
        })
        .collect();
    // Each sector page links to its neighbours in plan order (not to every sector).
    let link = |k: Option<usize>| {
        let s = k.and_then(|k| pv.sectors.get(k));
        Value::from_serializable(&s.map(|s| view::SectorLink::of(s)))
    };
    jobs.extend(
        pv.sectors
            .iter()
            .zip(plan.sectors)
            .zip(page_bodies)
            .enumerate()
            .map(|(k, ((sv, sector), body))| Job {
                path: format!("{dir}{}", sv.href),
                template: "sector.html",
                root: format!("{root}../"),
                plan_root: "../",
                plan: Some(plan.plan.clone()),
                title: sv.name.clone(),
                current: sv.id.clone(),
                extra: vec![
                    ("sector", sector),
                    ("body", body),
                    ("prev", link(k.checked_sub(1))),
                    ("next", link(Some(k + 1))),
                ],
            }),
    );
    jobs
}

/// Moves every heading of a rendered HTML fragment one level deeper (`<h2 id="x">` becomes
/// `<h3 id="x">`; `<h6>` stays). Text from content is always escaped, so `<h` followed by a
/// digit only occurs in markup from the theme and from Markdown headings.
pub fn demote_headings(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut done = 0;
    for lt in memchr::memchr_iter(b'<', bytes) {
        let h = if bytes.get(lt + 1) == Some(&b'/') {
            lt + 2
        } else {
            lt + 1
        };
        let (Some(b'h'), Some(&d @ b'1'..=b'5'), Some(b'>' | b' ')) =
            (bytes.get(h), bytes.get(h + 1), bytes.get(h + 2))
        else {
            continue;
        };
        out.push_str(&html[done..h + 1]);
        out.push(char::from(d + 1));
        done = h + 2;
    }
    out.push_str(&html[done..]);
    out
}

/// `sitemap.xml` listing every page readers should find, and `robots.txt` pointing to it.
fn sitemap(base: &str, paths: &BTreeSet<String>) -> Vec<Page> {
    let base = base.trim_end_matches('/');
    let mut urls: Vec<String> = paths
        .iter()
        .map(|p| p.as_str())
        .filter(|p| crate::routes::in_sitemap(p))
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

/// A status and the rule that gives it, as the methodology page lists them.
#[derive(serde::Serialize)]
struct StatusRule {
    #[serde(flatten)]
    status: StatusView,
    rule: String,
}

/// What every page shares, converted to template values once.
struct Renderer<'a> {
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
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme, lang: &'a Lang) -> Self {
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
        Renderer {
            site,
            theme,
            lang,
            t: Value::from_serializable(&lang.strings),
            css: Value::from_serializable(&theme.css),
            plans: Value::from_serializable(&plan_links),
            statuses: Value::from_serializable(&statuses),
            columns: Value::from_serializable(&crate::opendata::column_docs(lang)),
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
}

impl Renderer<'_> {
    /// Every page and data file of one plan, handed to `sink`; returns its summary and what
    /// to keep of it for the next render. `kept` is what the last render kept of the plan.
    fn plan(
        &self,
        plan: &Plan,
        kept: Option<&Kept>,
        keep: Keep,
        outcome: &Outcome,
        sink: &dyn Sink,
    ) -> (PlanSummary, Option<Kept>) {
        let lang = self.lang;
        // Every status of the plan, decided once; everything below reads it.
        let decided = crate::status::decide(plan);
        let rules = decided.rules;
        // A body sees only the plan's header, never values that depend on other sectors;
        // kept bodies are reused only while everything they were made from is unchanged.
        let header = view::PlanHeader::new(plan, lang);
        let old =
            kept.filter(|k| k.rules == rules && k.sources == plan.sources && k.header == header);
        let pv = view::plan_view_reusing(plan, &decided, header.clone(), lang, &|s| {
            old.and_then(|k| k.get(s)).map(|k| Arc::clone(&k.view))
        });
        outcome
            .charts
            .fetch_add(pv.chart_count(), Ordering::Relaxed);
        let dir = plan_dir(self.site, &plan.id);
        let root = if self.site.plans.len() > 1 { "../" } else { "" };
        let base = self
            .site
            .base_url
            .as_deref()
            .map(|b| format!("{}/{dir}", b.trim_end_matches('/')));
        let shared = [
            self.statuses.clone(),
            Value::from_serializable(&base),
            self.columns.clone(),
        ];
        let (sectors, bodies) = self.sector_values(plan, &pv, &header, old, &shared, outcome);
        let mut fields = Value::from_serializable(&pv).into_map().unwrap_or_default();
        fields.insert(Key::from("sectors"), Value::from(sectors.clone()));
        // Values share their text: keeping them copies nothing.
        let keep_made = (keep == Keep::Whole).then(|| (sectors.clone(), bodies.clone()));
        let jobs = plan_jobs(
            &pv,
            lang,
            &dir,
            root,
            &shared,
            PlanValues {
                plan: Value::from(fields),
                sectors,
                bodies,
            },
        );
        let ((), data) = rayon::join(
            || {
                jobs.par_iter().for_each(|job| match self.page(job) {
                    Ok(page) => outcome.put(sink, page),
                    Err(d) => outcome.error(d),
                })
            },
            || {
                crate::opendata::files(
                    plan,
                    &decided,
                    lang,
                    &dir,
                    &|page| outcome.put(sink, page),
                    &|d| outcome.error(d),
                    &|s| old.and_then(|k| k.made(s)).map(|k| Arc::clone(&k.data)),
                )
            },
        );
        let kept =
            (keep != Keep::Nothing).then(|| kept_of(plan, &pv, rules, header, keep_made, data));
        (PlanSummary::of(&pv), kept)
    }

    /// Each sector's template value and its body as its page and report.html show it (one
    /// heading level deeper), converted in parallel or taken from what `old` kept.
    fn sector_values(
        &self,
        plan: &Plan,
        pv: &PlanView,
        header: &view::PlanHeader,
        old: Option<&Kept>,
        shared: &[Value; 3],
        outcome: &Outcome,
    ) -> SectorValues {
        let sectors: Vec<Value> = pv
            .sectors
            .par_iter()
            .zip(&plan.sectors)
            .map(|(sv, s)| match old.and_then(|k| k.made(s)) {
                Some(k) => k.value.clone(),
                None => Value::from_serializable(sv.as_ref()),
            })
            .collect();
        let header_value = Value::from_serializable(header);
        let bodies = sectors
            .par_iter()
            .zip(&plan.sectors)
            .map(|(sector, s)| {
                if let Some(k) = old.and_then(|k| k.made(s)) {
                    return k.bodies.clone();
                }
                let body = self
                    .sector_body(&header_value, sector, shared)
                    .unwrap_or_else(|d| {
                        outcome.error(d);
                        String::new()
                    });
                (
                    Value::safe_string(&body),
                    Value::safe_string(&demote_headings(&body)),
                )
            })
            .collect();
        (sectors, bodies)
    }

    /// The site's own pages: 404, and with several plans the list of plans.
    fn site_pages(&self, memo: &Memo, outcome: &Outcome, sink: &dyn Sink) {
        let summaries: Vec<&PlanSummary> = memo.summaries.values().collect();
        let mut jobs = vec![Job {
            path: crate::routes::NOT_FOUND.into(),
            template: "404.html",
            root: String::new(),
            plan_root: "",
            plan: None,
            title: self.lang.t("not_found").to_string(),
            current: String::new(),
            extra: Vec::new(),
        }];
        if self.site.plans.len() > 1 {
            jobs.push(Job {
                path: "index.html".into(),
                template: "plans.html",
                root: String::new(),
                plan_root: "",
                plan: None,
                title: self.site.title.clone(),
                current: "plans".into(),
                extra: vec![("plans", Value::from_serializable(&summaries))],
            });
        }
        for job in &jobs {
            match self.page(job) {
                Ok(page) => outcome.put(sink, page),
                Err(d) => outcome.error(d),
            }
        }
    }

    /// One sector's body, rendered once for both its page and report.html. It sees the plan,
    /// the sector and the strings but no page paths, since it is shared by pages at different
    /// depths.
    fn sector_body(
        &self,
        plan: &Value,
        sector: &Value,
        shared: &[Value; 3],
    ) -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("plan", plan.clone());
        ctx.insert_value("sector", sector.clone());
        ctx.insert_value("statuses", shared[0].clone());
        self.theme
            .tera
            .render("sector_body.html", &ctx)
            .map_err(|e| template_error(&e, &self.theme.origins))
    }

    fn page(&self, job: &Job) -> Result<Page, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("lang", &self.site.locale);
        ctx.insert_value("t", self.t.clone());
        ctx.insert_value("css", self.css.clone());
        ctx.insert_value("group_colors", self.group_colors.0.clone());
        ctx.insert_value("nav", self.nav.clone());
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
    use super::demote_headings;

    #[test]
    fn headings_move_one_level_deeper() {
        assert_eq!(
            demote_headings(r#"<h2 id="a">A</h2><h3>B</h3><h5>C</h5><h6>D</h6>"#),
            r#"<h3 id="a">A</h3><h4>B</h4><h6>C</h6><h6>D</h6>"#
        );
    }

    #[test]
    fn other_markup_and_text_stay() {
        let html = "<header><hr><html>&lt;h2&gt; <h2x> <p>h2</p> <svg><text>h1</text></svg> đ <h";
        assert_eq!(demote_headings(html), html);
    }
}
