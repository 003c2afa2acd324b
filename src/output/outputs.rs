//! Makes every output of the site, plan by plan in parallel. The outputs are registered in
//! [`units`]; for each plan this module decides the statuses once, builds the view and its
//! template values once (reusing what `serve` kept of unchanged sectors), then hands the plan
//! to every output; after every plan, each output may add site-wide files. Only the plans being
//! made are in memory.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::{Plan, Sector, Site};
use crate::render::{SectorValue, Templates};
use crate::status::Rules;
use crate::theme::Theme;
use crate::unit::{Emit, Output, Piece, PlanCx, SiteCx};
use crate::view::{self, PlanSummary, SectorView};
use crate::write::Sink;

/// Every output, in the order their site-wide files are made (the sitemap last, as it lists
/// the others' pages). Adding an output: implement [`Output`] in its own file and list it here;
/// a page rendered from a template is a row of `routes::PLAN_PAGES` instead.
pub fn units() -> Vec<&'static dyn Output> {
    let pages = crate::routes::PLAN_PAGES.iter().map(|p| p as &dyn Output);
    let others: [&'static dyn Output; 4] = [
        &crate::pages::SectorPages,
        &crate::opendata::OpenData,
        &crate::pages::SitePages,
        &crate::sitemap::Sitemap,
    ];
    pages.chain(others).collect()
}

/// What rendering produced, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    /// HTML pages.
    pub pages: usize,
    /// Charts drawn.
    pub charts: usize,
}

/// Renders the whole site into `sink`. Template and write errors become diagnostics.
pub fn render(
    site: &Site,
    theme: &Theme,
    sink: &dyn Sink,
    diags: &mut Vec<Diagnostic>,
) -> Rendered {
    render_plans(site, theme, sink, diags, None, &mut Memo::default())
}

/// What a render remembers of every plan, so that a later render of only some plans can still
/// make the site-wide files (the plan index, the sitemap); with [`Memo::keep_views`], each
/// sector's view (its charts); and for the plans asked to [keep](Memo::keep), what every output
/// made of each sector too.
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

/// How many plans keep their sectors whole between renders (each costs about as much memory
/// as its pages).
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
    /// Its template value and bodies.
    value: SectorValue,
    /// What each output kept of it, by the output's place in [`units`].
    pieces: Vec<Option<Piece>>,
}

impl Kept {
    /// The kept sector, if `s` is exactly what it was made from.
    fn get(&self, s: &Sector) -> Option<&KeptSector> {
        self.sectors.get(&s.id).filter(|k| k.sector == *s)
    }
}

impl Memo {
    /// From its next render on, keeps what was made of plan `id`'s sectors, so that a render
    /// after a change to one sector makes only that sector again. Only the last few plans
    /// asked for are kept.
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

/// What a render keeps of a plan for the next one (`serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Nothing (a one-off build).
    Nothing,
    /// The sectors' views.
    Views,
    /// The sectors' views, template values, bodies and what every output kept.
    Whole,
}

/// Like [`render`], but renders only the plans in `only` (all when `None`) and the site-wide
/// files, taking what they need of the other plans from `memo`, which it updates.
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
    let columns = Value::from_serializable(&crate::opendata::column_docs(lang));
    let templates = Templates::new(site, theme, lang, columns);
    let units = units();
    let emit = Emit::new(sink);
    let (kept, keeping, views) = (&memo.kept, &memo.keeping, memo.views);
    let made: Vec<(PlanSummary, Option<Kept>)> = site
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
            let old = kept.get(&plan.id);
            let cx = Context {
                site,
                lang,
                templates: &templates,
                units: &units,
            };
            cx.plan(plan, old, keep, &emit)
        })
        .collect();
    memo.remember(site, only, made);
    let mut pages = 0;
    let mut count = |paths: Vec<String>, memo: &mut Memo| {
        pages += paths.iter().filter(|p| p.ends_with(".html")).count();
        memo.paths.extend(paths);
    };
    count(emit.take_paths(), memo);
    for unit in &units {
        let cx = SiteCx {
            site,
            lang,
            templates: &templates,
            // In the site's order of plans (`order`, then folder name).
            summaries: site
                .plans
                .iter()
                .filter_map(|p| memo.summaries.get(&p.id))
                .collect(),
            paths: &memo.paths,
        };
        unit.site(&cx, &emit);
        count(emit.take_paths(), memo);
    }
    let (errors, charts) = emit.finish();
    diags.extend(errors);
    Rendered { pages, charts }
}

/// What making any plan needs.
struct Context<'a> {
    site: &'a Site,
    lang: &'a Lang,
    templates: &'a Templates<'a>,
    units: &'a [&'static dyn Output],
}

impl Context<'_> {
    /// Every output's files for one plan; returns its summary and what to keep of it for the
    /// next render. `kept` is what the last render kept of the plan.
    fn plan(
        &self,
        plan: &Plan,
        kept: Option<&Kept>,
        keep: Keep,
        emit: &Emit<'_>,
    ) -> (PlanSummary, Option<Kept>) {
        let lang = self.lang;
        // Every status of the plan, decided once; every output reads it.
        let decided = crate::status::decide(plan);
        // A body sees only the plan's header, never values that depend on other sectors; what
        // was kept is reused only while everything it was made from is unchanged.
        let header = view::PlanHeader::new(plan, lang);
        let old = kept.filter(|k| {
            k.rules == decided.rules && k.sources == plan.sources && k.header == header
        });
        // Each sector is compared with what was kept of it once (a deep comparison), not once
        // for every output that asks.
        let same: HashMap<&str, &KeptSector> = plan
            .sectors
            .iter()
            .filter_map(|s| Some((s.id.as_str(), old?.get(s)?)))
            .collect();
        let kept_sector = |s: &Sector| same.get(s.id.as_str()).copied();
        let mut pv = view::plan_view_reusing(plan, &decided, header.clone(), lang, &|s| {
            kept_sector(s).map(|k| Arc::clone(&k.view))
        });
        emit.charts(pv.chart_count());
        let dir = plan_dir(self.site, &plan.id);
        let base = self
            .site
            .base_url
            .as_deref()
            .map(|b| format!("{}/{dir}", b.trim_end_matches('/')));
        let reuse = |s: &Sector| kept_sector(s)?.made.as_ref().map(|m| m.value.clone());
        let values = self
            .templates
            // Nothing kept for a later render: the template values are all the pages need.
            .plan_values(
                plan,
                &mut pv,
                keep == Keep::Nothing,
                base.as_deref(),
                &reuse,
                &|d| emit.error(d),
            );
        let pieces: Vec<Vec<Piece>> = self
            .units
            .par_iter()
            .enumerate()
            .map(|(n, unit)| {
                let kept = |s: &Sector| {
                    let made = kept_sector(s)?.made.as_ref()?;
                    made.pieces.get(n).cloned().flatten()
                };
                let cx = PlanCx {
                    site: self.site,
                    plan,
                    decided: &decided,
                    lang,
                    view: &pv,
                    values: &values,
                    dir: &dir,
                    root: if self.site.plans.len() > 1 { "../" } else { "" },
                    templates: self.templates,
                    kept: &kept,
                };
                unit.plan(&cx, emit)
            })
            .collect();
        let made = (keep == Keep::Whole).then(|| {
            let sectors = values.sectors.iter().zip(&values.bodies).enumerate();
            sectors
                .map(|(i, (value, bodies))| Made {
                    value: (value.clone(), bodies.clone()),
                    pieces: pieces.iter().map(|p| p.get(i).cloned()).collect(),
                })
                .collect()
        });
        let kept = (keep != Keep::Nothing).then(|| kept_of(plan, &pv, decided.rules, header, made));
        (PlanSummary::of(&pv), kept)
    }
}

/// What to keep of a rendered plan: each sector's view, and with `made` what was made of it.
fn kept_of(
    plan: &Plan,
    pv: &view::PlanView,
    rules: Rules,
    header: view::PlanHeader,
    made: Option<Vec<Made>>,
) -> Kept {
    let mut made = made.map(Vec::into_iter);
    let sectors = plan.sectors.iter().zip(&pv.sectors);
    Kept {
        rules,
        sources: plan.sources.clone(),
        header,
        sectors: sectors
            .map(|(s, view)| {
                let k = KeptSector {
                    sector: s.clone(),
                    view: Arc::clone(view),
                    made: made.as_mut().and_then(Iterator::next),
                };
                (s.id.clone(), k)
            })
            .collect(),
    }
}

impl Memo {
    /// Forgets what the re-rendered (or removed) plans made before and remembers what they
    /// made now.
    fn remember(
        &mut self,
        site: &Site,
        only: Option<&BTreeSet<String>>,
        made: Vec<(PlanSummary, Option<Kept>)>,
    ) {
        let present: BTreeSet<&str> = site.plans.iter().map(|p| p.id.as_str()).collect();
        self.summaries
            .retain(|id, _| present.contains(id.as_str()) && only.is_some_and(|o| !o.contains(id)));
        self.kept.retain(|id, _| present.contains(id.as_str()));
        for (summary, keep) in made {
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
