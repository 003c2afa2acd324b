//! View models: the plan with statuses decided and every number, date and label formatted for
//! the page language. Templates only lay these out.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::chart;
use crate::format::Lang;
use crate::markdown;
use crate::model::{
    Actual, Baseline, Indicator, Plan, Sector, SeriesKind, Source, Sources, Target, Task, Value,
};
use crate::period::{Period, Span};
use crate::routes;
use crate::status::{self, Assessment, GROUPS, Group, PlanStatus, Rules, SectorStatus, Status};

/// A status (or a summary group) as shown: machine key, group key (colour), label and icon.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// e.g. `done_late`; for a group, the group's key.
    pub key: &'static str,
    /// The summary group, which picks the colour: e.g. `met`.
    pub group: &'static str,
    /// Localised label.
    pub label: String,
    /// The icon's SVG elements (a 16 × 16 view box), from [`crate::chart::icon`]: its own
    /// shape per status, a bar swatch per group.
    pub icon: &'static str,
}

impl StatusView {
    /// A status.
    pub fn new(s: Status, lang: &Lang) -> Self {
        StatusView {
            key: s.key(),
            group: s.group().key(),
            label: lang.status(s.key()).to_string(),
            icon: chart::icon::svg(s),
        }
    }

    /// A summary group.
    pub fn group(g: Group, lang: &Lang) -> Self {
        StatusView {
            key: g.key(),
            group: g.key(),
            label: lang.t(&format!("group_{}", g.key())).to_string(),
            icon: chart::icon::group_svg(g),
        }
    }
}

/// A source link.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Title or citation.
    pub title: Arc<str>,
    /// Link, if any.
    pub url: Option<Arc<str>>,
    /// A short label for tables: the site's host name, or the title cut short.
    pub short: String,
    /// Its key in plan.yaml's `sources:`, when it was declared there.
    pub key: Option<String>,
}

/// [`crate::weburl::label`] of a source's address, remembered: a national site cites the same
/// few hundred addresses from half a million figures.
fn host_label(url: &Arc<str>) -> Option<String> {
    type Labels = HashMap<Arc<str>, Option<String>>;
    thread_local! {
        static LABELS: std::cell::RefCell<Labels> = Default::default();
    }
    if let Some(known) = LABELS.with(|m| m.borrow().get(url).cloned()) {
        return known;
    }
    let label = crate::weburl::label(url);
    LABELS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() > 100_000 {
            m.clear();
        }
        m.insert(Arc::clone(url), label.clone());
    });
    label
}

fn source_view(s: &Option<Source>) -> Option<SourceView> {
    s.as_ref().map(|s| {
        // The label is the host the browser will visit, from the same check that let it in.
        let host = s.url.as_ref().and_then(host_label);
        let url = host.as_ref().and(s.url.clone());
        let short = match host {
            Some(h) => h,
            None if s.title.chars().count() > 40 => {
                s.title.chars().take(39).collect::<String>() + "…"
            }
            None => s.title.to_string(),
        };
        SourceView {
            title: s.title.clone(),
            url,
            short,
            key: None,
        }
    })
}

/// One reported value, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct ActualView {
    /// The note is shown in Vietnamese for want of a translation.
    pub note_vi: bool,
    /// Period code (`2024-Q1`).
    pub period_code: String,
    /// Period name.
    pub period: String,
    /// Value with unit.
    pub value: String,
    /// Publication date.
    pub as_of: String,
    /// Source.
    pub source: Option<SourceView>,
    /// Note.
    pub note: Option<String>,
    /// Estimate or partial-year.
    pub provisional: bool,
    /// The note's number among the card's footnotes, when it has a note.
    pub note_no: Option<usize>,
    /// The source's number in its sector's list of table sources ([`SectorView::table_sources`]),
    /// set on the rows of a history table (`IndicatorView::actuals`), not on `latest`.
    pub source_no: Option<usize>,
    /// The note as HTML: escaped, with cited source keys linked ([`cite`]).
    pub note_html: Option<String>,
}

/// An indicator card.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Fields shown in Vietnamese for want of a translation (pages mark them `lang="vi"`).
    pub vi: Vec<&'static str>,

    /// Anchor id on its sector page.
    pub anchor: String,
    /// Name.
    pub name: String,
    /// Place in the plan document.
    pub section: Option<String>,
    /// The document's wording.
    pub wording: Option<String>,
    /// Target kind key (`range`, `at_least`…).
    pub kind: &'static str,
    /// Target, formatted.
    pub target: String,
    /// Baseline, formatted, with its period.
    pub baseline: Option<String>,
    /// The judged figure's change from the baseline ("+1,3 điểm % so với 2023 (5,72 %)").
    pub change: Option<String>,
    /// Two or more actuals: the card shows their history (table and chart) and takes the
    /// full width.
    pub history: bool,
    /// Some actual in the history has a note (shown as a numbered footnote).
    pub history_notes: bool,
    /// Baseline source.
    pub baseline_source: Option<SourceView>,
    /// Note on the baseline figure.
    pub baseline_note: Option<String>,
    /// The baseline note as HTML, with cited source keys linked.
    pub baseline_note_html: Option<String>,
    /// The actual the status rests on.
    pub latest: Option<ActualView>,
    /// Every actual, oldest first.
    pub actuals: Vec<ActualView>,
    /// Status.
    pub status: StatusView,
    /// The status the rules give, when an editor's override shows another.
    pub computed: Option<StatusView>,
    /// The judged value is provisional.
    pub provisional: bool,
    /// Pro-rata target a partial cumulative value was compared with.
    pub expected: Option<String>,
    /// How far the judged figure lies from its target, in words ("thấp hơn mục tiêu 6,5 triệu
    /// đồng (94 % của mục tiêu)").
    pub gap: Option<String>,
    /// Editor's reason for an overridden status.
    pub override_reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// The note as HTML, with cited source keys linked.
    pub note_html: Option<String>,
    /// Sector name (for the overview).
    pub sector: String,
    /// Link to the card from the plan's root.
    pub href: String,
    /// Bullet chart (inline SVG); none for milestones.
    pub chart: Option<String>,
    /// Series chart (inline SVG) when there are two or more actuals.
    pub series_chart: Option<String>,
    /// The latest figure and the target as bars of table cells, for the email digest.
    pub bars: Option<Bars>,
}

/// A figure and its target drawn with table cells, which survive in mail clients that strip
/// SVG and images: zero-based, widths in percent of one scale (the larger of the figure and
/// the target's upper bound), so lengths compare truthfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bars {
    /// Width of the figure's bar.
    pub value: u32,
    /// Where the target begins (a range's minimum; 0 for one bound).
    pub target_from: u32,
    /// Width from `target_from` to the target's upper bound.
    pub target_span: u32,
}

impl Bars {
    /// The bars of figure `v` against `target`; none for a milestone, a negative or zero
    /// scale, or an increase without a baseline.
    pub fn of(v: f64, target: &Target, baseline: Option<f64>) -> Option<Bars> {
        let (lo, hi) = match *target {
            Target::Range { min, max } => (min, max),
            Target::AtLeast(b) | Target::MoreThan(b) | Target::AtMost(b) | Target::LessThan(b) => {
                (0.0, b)
            }
            Target::Exactly(n) => (0.0, n),
            Target::Increase(n) => (0.0, baseline? + n),
            Target::Milestone { .. } => return None,
        };
        let scale = v.max(hi);
        if v < 0.0 || lo < 0.0 || scale <= 0.0 || !scale.is_finite() {
            return None;
        }
        // Percent of the scale; a non-zero length never rounds away.
        let pct = |x: f64| {
            let p = (x / scale * 100.0).round().clamp(0.0, 100.0) as u32;
            if x > 0.0 { p.max(1) } else { p }
        };
        let target_from = pct(lo);
        Some(Bars {
            value: pct(v),
            target_from,
            target_span: pct(hi).saturating_sub(target_from).max(1),
        })
    }
}

/// A task row.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    /// Fields shown in Vietnamese for want of a translation (pages mark them `lang="vi"`).
    pub vi: Vec<&'static str>,

    /// Anchor id.
    pub anchor: String,
    /// Text.
    pub text: String,
    /// Responsible agency.
    pub agency: String,
    /// Place in the plan document.
    pub section: Option<String>,
    /// Deadline, formatted.
    pub due: String,
    /// The document's wording of the deadline.
    pub due_wording: Option<String>,
    /// The deadline in a phrase ("due 31/03/2024").
    pub due_text: String,
    /// Status.
    pub status: StatusView,
    /// Latest update date.
    pub update_date: Option<String>,
    /// Latest update note.
    pub update_note: Option<String>,
    /// The update note as HTML, with cited source keys linked.
    pub update_note_html: Option<String>,
    /// Latest update source.
    pub update_source: Option<SourceView>,
}

/// A count of items in one status group.
#[derive(Debug, Clone, Serialize)]
pub struct CountView {
    /// The group, as shown.
    pub status: StatusView,
    /// The group.
    #[serde(skip)]
    pub group: Group,
    /// How many.
    pub count: usize,
}

/// A sector page, or a row of the overview's matrix.
#[derive(Debug, Clone, Serialize)]
pub struct SectorView {
    /// Fields shown in Vietnamese for want of a translation (pages mark them `lang="vi"`).
    pub vi: Vec<&'static str>,

    /// Id (file stem).
    pub id: String,
    /// Name.
    pub name: String,
    /// Lead agency.
    pub lead: String,
    /// Place in the plan document.
    pub section: Option<String>,
    /// Link from the plan root.
    pub href: String,
    /// Its open data files.
    pub data: DataLinks,
    /// Commentary as HTML.
    pub commentary_html: String,
    /// Indicator cards.
    pub indicators: Vec<IndicatorView>,
    /// Tasks.
    pub tasks: Vec<TaskView>,
    /// Some task has an update (otherwise the tasks table has no update column).
    pub task_updates: bool,
    /// The sources the history tables cite, once each, in order of first citation: a row
    /// shows its source's number, the list under the cards its title and link. A monthly
    /// report is cited by every indicator of the sector, and its title on paper is what a
    /// reader needs (a host name repeated in every row told nothing; a link's title does
    /// not print).
    pub table_sources: Vec<SourceView>,
    /// Indicators per status group, in `GROUPS` order. (Templates see them in the plan's
    /// `matrix`; not serialised per sector, which would cost thousands of small maps.)
    #[serde(skip)]
    pub indicator_counts: Vec<CountView>,
    /// Tasks per status group, in `GROUPS` order.
    #[serde(skip)]
    pub task_counts: Vec<CountView>,
    /// Number of indicators and tasks.
    pub total: usize,
    /// Indicators with a published figure.
    pub reported_indicators: usize,
    /// Tasks with a reported state or update.
    pub reported_tasks: usize,
    /// Items needing attention (at risk, behind, not achieved, overdue).
    pub attention: usize,
    /// Stacked bar of the indicators' statuses (inline SVG).
    pub indicator_chart: Option<String>,
    /// Stacked bar of the tasks' statuses (inline SVG).
    pub task_chart: Option<String>,
}

impl SectorView {
    /// Drops what only templates read (cards, tasks, commentary, charts), keeping what the
    /// outputs read besides them (id, name, link, counts). A one-off build sheds each view once
    /// its template value is made: the value holds the same texts again.
    pub fn shed(&mut self) {
        self.commentary_html = String::new();
        self.indicators = Vec::new();
        self.tasks = Vec::new();
        self.table_sources = Vec::new();
        self.indicator_chart = None;
        self.task_chart = None;
    }
}

/// One item that needs a reader's attention, for the overview and the digest.
#[derive(Debug, Clone, Serialize)]
pub struct AttentionView {
    /// Fields shown in Vietnamese for want of a translation (pages mark them `lang="vi"`).
    pub vi: Vec<&'static str>,

    /// Indicator name or task text.
    pub name: String,
    /// `indicator` or `task`.
    pub kind: &'static str,
    /// Sector name.
    pub sector: String,
    /// Link from the plan root.
    pub href: String,
    /// Anchor of the card or row (for report.html).
    pub anchor: String,
    /// Status.
    pub status: StatusView,
    /// The figure and its gap, or the task's deadline, in words.
    pub detail: String,
    /// The figure is provisional.
    pub provisional: bool,
    /// Editor's reason for an overridden status.
    pub override_reason: Option<String>,
}

/// One row of the overview's matrix: a sector with something reported.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Sector id.
    pub id: String,
    /// Sector name.
    pub name: String,
    /// Link from the plan root.
    pub href: String,
    /// Indicators per group (empty when the sector has none).
    pub indicator_counts: Vec<CountView>,
    /// Number of indicators.
    pub indicators: usize,
    /// Tasks per group (empty when the sector has none).
    pub task_counts: Vec<CountView>,
    /// Number of tasks.
    pub tasks: usize,
    /// Items needing attention.
    pub attention: usize,
}

/// A link to a sector: in the line listing sectors with nothing reported, and between
/// neighbouring sector pages.
#[derive(Debug, Clone, Serialize)]
pub struct SectorLink {
    /// Sector id.
    pub id: String,
    /// Sector name.
    pub name: String,
    /// Link from the plan root.
    pub href: String,
}

impl SectorLink {
    /// The link to a sector's page.
    pub fn of(s: &SectorView) -> Self {
        SectorLink {
            id: s.id.clone(),
            name: s.name.clone(),
            href: s.href.clone(),
        }
    }
}

/// The plan's identity, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// Identity, dates and tolerance (what a sector body may see too).
    #[serde(flatten)]
    pub header: PlanHeader,
    /// Document link.
    pub source_url: Option<String>,
    /// Introduction as HTML, its headings under the overview page's title.
    pub overview_html: String,
    /// The same with every heading one level deeper, under report.html's "overview" part.
    pub overview_report_html: String,
    /// Sectors.
    /// Shared, so that `serve` can keep a sector's view for the next render without copying.
    /// Not serialised with the plan: rendering converts the sectors in parallel and adds them
    /// to the plan's template value as `sectors`.
    #[serde(skip)]
    pub sectors: Vec<Arc<SectorView>>,
    /// Headline indicators.
    pub headline: Vec<IndicatorView>,
    /// How much is reported, in one sentence ("9 of 35 indicators have a published figure; …").
    pub coverage: String,
    /// Indicators with a published figure, and all indicators.
    pub reported_indicators: usize,
    /// All indicators.
    pub indicator_total: usize,
    /// Tasks with a report, and all tasks.
    pub reported_tasks: usize,
    /// All tasks.
    pub task_total: usize,
    /// What needs attention, worst first: not achieved, overdue, behind, at risk.
    pub attention: Vec<AttentionView>,
    /// Indicators per group over all sectors.
    pub indicator_counts: Vec<CountView>,
    /// Tasks per group over all sectors.
    pub task_counts: Vec<CountView>,
    /// Total indicators and tasks.
    pub total: usize,
    /// Sectors with something reported, those needing attention first.
    pub matrix: Vec<MatrixRow>,
    /// Sectors with nothing reported yet, in plan order.
    pub quiet: Vec<SectorLink>,
    /// The words before the list of `quiet` sectors ("Nothing reported yet (14 sectors):").
    pub quiet_text: String,
    /// Every source cited, by title.
    pub sources: Vec<SourceView>,
    /// One indicator status bar per sector in `matrix` with indicators (inline SVG).
    pub matrix_chart: Option<String>,
    /// One task status bar per sector in `matrix` with tasks (inline SVG).
    pub task_matrix_chart: Option<String>,
    /// Reported actuals and task updates, newest first.
    pub updates: Vec<UpdateView>,
    /// The sources the updates page's rows cite, once each, in order of first citation.
    pub update_sources: Vec<SourceView>,
    /// The newest update's date as `YYYY-MM-DD` (for the feed).
    pub updated_iso: String,
    /// How many of `updates` the feed carries.
    pub feed_len: usize,
}

/// A sector's open data files, from the plan root.
#[derive(Debug, Clone, Serialize)]
pub struct DataLinks {
    /// Its JSON object.
    pub json: String,
    /// Its indicators as CSV.
    pub csv: String,
}

/// What the site's list of plans shows of each plan.
#[derive(Debug, Serialize)]
pub struct PlanSummary {
    /// Identity and dates.
    #[serde(flatten)]
    pub header: PlanHeader,
    /// How much is reported, in one sentence.
    pub coverage: String,
    /// Indicators per group.
    pub indicator_counts: Vec<CountView>,
    /// Tasks per group.
    pub task_counts: Vec<CountView>,
    /// How many items need attention.
    pub attention: usize,
}

impl PlanSummary {
    /// The summary of a plan's view.
    pub fn of(pv: &PlanView) -> Self {
        PlanSummary {
            header: pv.header.clone(),
            coverage: pv.coverage.clone(),
            indicator_counts: pv.indicator_counts.clone(),
            task_counts: pv.task_counts.clone(),
            attention: pv.attention.len(),
        }
    }
}

/// What a sector's body may show of its plan: the plan's identity and rules, nothing that
/// depends on other sectors. `serve` reuses a sector's body while these fields, the sector and
/// the rules stay the same, so a theme that prints any plan value in a body still gets the
/// same page as a full build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanHeader {
    /// Fields shown in Vietnamese for want of a translation (pages mark them `lang="vi"`).
    pub vi: Vec<&'static str>,

    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Short title.
    pub short_title: String,
    /// Issuing body.
    pub issuer: String,
    /// Document number, if the plan gives it.
    pub document: Option<String>,
    /// Issue date, if the plan gives it.
    pub date: Option<String>,
    /// Plan year.
    pub year: i32,
    /// Data as-of date.
    pub as_of: String,
    /// Tolerance, formatted.
    pub tolerance: String,
}

impl PlanHeader {
    /// The header of a plan, formatted for the page language.
    pub fn new(plan: &Plan, lang: &Lang) -> Self {
        PlanHeader {
            vi: plan.untranslated.clone(),
            id: plan.id.clone(),
            title: plan.title.clone(),
            short_title: plan.short_title.clone(),
            issuer: plan.issuer.clone(),
            document: plan.document.clone(),
            date: plan.date.map(|d| lang.date(d)),
            year: plan.year,
            as_of: lang.date(plan.as_of),
            tolerance: lang.quantity(plan.tolerance * 100.0, "%"),
        }
    }
}

/// One entry of the updates page and feed: a reported actual or a task update.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateView {
    /// Publication date, formatted.
    pub date: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date_iso: String,
    /// Indicator or task.
    pub subject: String,
    /// Sector name.
    pub sector: String,
    /// Link from the plan root.
    pub href: String,
    /// Value with period, or the update note.
    pub what: String,
    /// Status at that date.
    pub status: StatusView,
    /// The figure is provisional (part-year or estimate).
    pub provisional: bool,
    /// Editor's reason for an overridden status.
    pub override_reason: Option<String>,
    /// Source.
    pub source: Option<SourceView>,
    /// The source's number in the updates page's list ([`PlanView::update_sources`]).
    pub source_no: Option<usize>,
    /// A stable id for the feed entry.
    pub key: String,
}

/// The most recent entries shown on the updates page.
const UPDATES_SHOWN: usize = 200;
/// The most recent entries in the Atom feed (readers poll it: keep it light).
const FEED_SHOWN: usize = 50;

/// A reported actual or task update, before it is formatted.
enum Reported<'a> {
    Actual(&'a Sector, &'a Indicator, usize),
    Task(&'a Sector, &'a Task, &'a crate::model::Update),
}

fn updates(plan: &Plan, rules: &Rules, lang: &Lang) -> Vec<UpdateView> {
    // Order everything cheaply, then format only the entries shown.
    let mut all: Vec<(chrono::NaiveDate, i64, &str, Reported<'_>)> = Vec::new();
    for s in &plan.sectors {
        for i in &s.indicators {
            all.extend(
                i.actuals
                    .iter()
                    .enumerate()
                    .map(|(k, a)| (a.as_of, s.order, i.id.as_str(), Reported::Actual(s, i, k))),
            );
        }
        for t in &s.tasks {
            if let Some(u) = &t.update {
                all.push((u.date, s.order, t.id.as_str(), Reported::Task(s, t, u)));
            }
        }
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    all.truncate(UPDATES_SHOWN);
    all.into_iter()
        .map(|(_, _, _, item)| match item {
            Reported::Actual(s, i, k) => {
                let a = &i.actuals[k];
                // The status readers saw on the day the figure was published.
                let then = status::at_publication(i, k, rules);
                let v = actual_view(a, &i.unit, lang);
                UpdateView {
                    date: lang.date(a.as_of),
                    date_iso: a.as_of.to_string(),
                    subject: i.name.clone(),
                    sector: s.name.clone(),
                    href: format!(
                        "{}#{}",
                        routes::sector_page(&s.id),
                        routes::indicator_anchor(&i.id)
                    ),
                    what: format!("{} ({})", v.value, period_text(&v, lang)),
                    status: StatusView::new(then.status, lang),
                    provisional: v.provisional,
                    override_reason: then.override_reason,
                    source: v.source,
                    source_no: None,
                    key: format!("{}/{}/{}/{}", plan.id, i.id, a.period.code(), a.as_of),
                }
            }
            Reported::Task(s, t, u) => UpdateView {
                date: lang.date(u.date),
                date_iso: u.date.to_string(),
                subject: t.text.clone(),
                sector: s.name.clone(),
                href: format!(
                    "{}#{}",
                    routes::sector_page(&s.id),
                    routes::task_anchor(&t.id)
                ),
                what: u.note.clone(),
                status: StatusView::new(status::assess_task(t, u.date), lang),
                provisional: false,
                override_reason: None,
                source: source_view(&u.source),
                source_no: None,
                key: format!("{}/{}/{}", plan.id, t.id, u.date),
            },
        })
        .collect()
}

impl PlanView {
    /// Number of charts drawn for this plan.
    pub fn chart_count(&self) -> usize {
        let sectors = self.sectors.iter().map(|s| {
            usize::from(s.indicator_chart.is_some())
                + usize::from(s.task_chart.is_some())
                + s.indicators
                    .iter()
                    .map(|i| usize::from(i.chart.is_some()) + usize::from(i.series_chart.is_some()))
                    .sum::<usize>()
        });
        sectors.sum::<usize>()
            + usize::from(self.matrix_chart.is_some())
            + usize::from(self.task_matrix_chart.is_some())
    }
}

/// Builds the plan's view from the statuses decided for it.
pub fn plan_view(plan: &Plan, decided: &PlanStatus, lang: &Lang) -> PlanView {
    plan_view_reusing(plan, decided, PlanHeader::new(plan, lang), lang, &|_| None)
}

/// [`plan_view`], taking each sector's view from `kept` when it has one (for `serve`, which
/// keeps the views of sectors that did not change).
pub fn plan_view_reusing(
    plan: &Plan,
    decided: &PlanStatus,
    header: PlanHeader,
    lang: &Lang,
    kept: &(dyn Fn(&Sector) -> Option<Arc<SectorView>> + Sync),
) -> PlanView {
    let rules = &decided.rules;
    // Charts dominate the cost: sectors are drawn in parallel (order is kept).
    let sectors: Vec<Arc<SectorView>> = plan
        .sectors
        .par_iter()
        .zip(&decided.sectors)
        .map(|(s, st)| kept(s).unwrap_or_else(|| Arc::new(sector_view(s, st, &plan.sources, lang))))
        .collect();
    let headline = sectors
        .iter()
        .zip(&plan.sectors)
        .flat_map(|(sv, s)| {
            sv.indicators
                .iter()
                .zip(&s.indicators)
                .filter(|(_, i)| i.headline)
                .map(|(v, _)| headline_copy(v))
        })
        .collect();
    let sum = |pick: fn(&SectorView) -> &Vec<CountView>| {
        let mut totals = vec![0; GROUPS.len()];
        for s in &sectors {
            for (t, c) in totals.iter_mut().zip(pick(s)) {
                *t += c.count;
            }
        }
        totals
    };
    let (ind_totals, task_totals) = (sum(|s| &s.indicator_counts), sum(|s| &s.task_counts));
    let indicator_total: usize = ind_totals.iter().sum();
    let task_total: usize = task_totals.iter().sum();
    let reported_indicators = sectors.iter().map(|s| s.reported_indicators).sum();
    let reported_tasks = sectors.iter().map(|s| s.reported_tasks).sum();
    let coverage = lang.fill(
        "coverage",
        &[
            (
                "reported_indicators",
                &lang.number(reported_indicators as f64),
            ),
            ("indicators", &lang.number(indicator_total as f64)),
            ("reported_tasks", &lang.number(reported_tasks as f64)),
            ("tasks", &lang.number(task_total as f64)),
        ],
    );
    let (matrix, quiet) = matrix_rows(&sectors);
    let indicator_matrix = matrix_chart(plan, &matrix, lang, false);
    let task_matrix_chart = matrix_chart(plan, &matrix, lang, true);
    let overview_html = plan
        .overview_md
        .as_deref()
        .map(|m| markdown::to_html(m, 1, ""))
        .unwrap_or_default();
    let mut updates = updates(plan, rules, lang);
    let update_sources = number_sources(updates.iter_mut().map(|u| (&u.source, &mut u.source_no)));
    PlanView {
        update_sources,
        feed_len: updates.len().min(FEED_SHOWN),
        updated_iso: updates
            .first()
            .map_or_else(|| plan.as_of.to_string(), |u| u.date_iso.clone()),
        updates,
        matrix_chart: indicator_matrix,
        task_matrix_chart,
        header,
        source_url: plan
            .source_url
            .clone()
            .filter(|u| crate::weburl::is_acceptable(u)),
        overview_report_html: markdown::demote_headings(&overview_html),
        overview_html,
        total: indicator_total + task_total,
        coverage,
        reported_indicators,
        indicator_total,
        reported_tasks,
        task_total,
        attention: attention(&sectors, decided, lang),
        indicator_counts: counts(ind_totals, lang),
        task_counts: counts(task_totals, lang),
        matrix,
        quiet_text: lang.fill("quiet_sectors", &[("n", &quiet.len().to_string())]),
        quiet,
        headline,
        sources: cited_sources(plan),
        sectors,
    }
}

/// Severity order of the statuses that need attention: a settled miss first, then overdue
/// tasks, then part-year shortfalls.
fn severity(s: Status) -> u8 {
    match s {
        Status::NotAchieved => 0,
        Status::Overdue => 1,
        Status::Behind => 2,
        _ => 3,
    }
}

/// Everything needing attention, worst first, then in plan order.
/// Which of an attention item's texts are in Vietnamese for want of a translation: the item's
/// `fields`, and `sector` when its sector's name is.
fn attention_vi(
    item: &[&'static str],
    sector: &[&'static str],
    fields: &[&str],
) -> Vec<&'static str> {
    let own = item.iter().copied().filter(|f| fields.contains(f));
    own.chain(sector.contains(&"name").then_some("sector"))
        .collect()
}

fn attention(sectors: &[Arc<SectorView>], decided: &PlanStatus, lang: &Lang) -> Vec<AttentionView> {
    let mut items: Vec<(u8, AttentionView)> = Vec::new();
    for (s, st) in sectors.iter().zip(&decided.sectors) {
        for (i, a) in s.indicators.iter().zip(&st.indicators) {
            if a.status.needs_attention() {
                let mut detail = match &i.latest {
                    Some(l) => format!("{} ({})", l.value, period_text(l, lang)),
                    None => String::new(),
                };
                if let Some(g) = &i.gap {
                    detail.push_str(&format!("; {g}"));
                }
                items.push((
                    severity(a.status),
                    AttentionView {
                        vi: attention_vi(&i.vi, &s.vi, &["name", "reason"]),
                        name: i.name.clone(),
                        kind: "indicator",
                        sector: s.name.clone(),
                        href: i.href.clone(),
                        anchor: i.anchor.clone(),
                        status: i.status.clone(),
                        detail,
                        provisional: i.provisional,
                        override_reason: i.override_reason.clone(),
                    },
                ));
            }
        }
        for (t, &status) in s.tasks.iter().zip(&st.tasks) {
            if status.needs_attention() {
                items.push((
                    severity(status),
                    AttentionView {
                        vi: attention_vi(&t.vi, &s.vi, &["text"])
                            .into_iter()
                            .map(|f| if f == "text" { "name" } else { f })
                            .collect(),
                        name: t.text.clone(),
                        kind: "task",
                        sector: s.name.clone(),
                        href: format!("{}#{}", s.href, t.anchor),
                        anchor: t.anchor.clone(),
                        status: t.status.clone(),
                        detail: t.due_text.clone(),
                        provisional: false,
                        override_reason: None,
                    },
                ));
            }
        }
    }
    // Stable: plan order within each severity.
    items.sort_by_key(|(k, _)| *k);
    items.into_iter().map(|(_, a)| a).collect()
}

/// The matrix rows (sectors with something reported, those needing attention first, then in
/// plan order) and the sectors with nothing reported.
fn matrix_rows(sectors: &[Arc<SectorView>]) -> (Vec<MatrixRow>, Vec<SectorLink>) {
    let mut rows = Vec::new();
    let mut quiet = Vec::new();
    for s in sectors {
        if s.reported_indicators + s.reported_tasks == 0 {
            quiet.push(SectorLink::of(s));
            continue;
        }
        let keep = |c: &Vec<CountView>, n: usize| if n > 0 { c.clone() } else { Vec::new() };
        rows.push(MatrixRow {
            id: s.id.clone(),
            name: s.name.clone(),
            href: s.href.clone(),
            indicator_counts: keep(&s.indicator_counts, s.indicators.len()),
            indicators: s.indicators.len(),
            task_counts: keep(&s.task_counts, s.tasks.len()),
            tasks: s.tasks.len(),
            attention: s.attention,
        });
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.attention));
    (rows, quiet)
}

fn chart_counts(counts: &[CountView]) -> Vec<chart::summary::Count<'_>> {
    counts
        .iter()
        .map(|c| chart::summary::Count {
            group: c.group,
            label: &c.status.label,
            count: c.count,
        })
        .collect()
}

fn counts_text(counts: &[CountView]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{}: {}", c.status.label, c.count))
        .collect();
    parts.join("; ")
}

/// One bar per matrix row that has indicators (or, with `tasks`, a task with a report).
fn matrix_chart(plan: &Plan, rows: &[MatrixRow], lang: &Lang, tasks: bool) -> Option<String> {
    fn pick(r: &MatrixRow, tasks: bool) -> &Vec<CountView> {
        if tasks {
            &r.task_counts
        } else {
            &r.indicator_counts
        }
    }
    let shown: Vec<&MatrixRow> = rows
        .iter()
        .filter(|r| {
            let c = pick(r, tasks);
            // A tasks bar only where some task was reported: all-grey bars say nothing.
            !c.is_empty()
                && (!tasks
                    || c.iter().any(|c| {
                        !matches!(c.group, Group::NoData | Group::NotYetDue) && c.count > 0
                    }))
        })
        .collect();
    let chart_rows: Vec<chart::summary::Row<'_>> = shown
        .iter()
        .map(|r| chart::summary::Row {
            name: &r.name,
            counts: chart_counts(pick(r, tasks)),
        })
        .collect();
    let desc: Vec<String> = shown
        .iter()
        .map(|r| format!("{}: {}", r.name, counts_text(pick(r, tasks))))
        .collect();
    let (id, title) = if tasks {
        (format!("mt-{}", plan.id), lang.t("matrix_title_tasks"))
    } else {
        (format!("m-{}", plan.id), lang.t("matrix_title"))
    };
    chart::summary::matrix(&id, title, &desc.join(". "), &chart_rows)
}

/// A headline card's indicator, its chart re-labelled so the overview and the sector's card can
/// share one page (report.html) without duplicate element ids.
fn headline_copy(v: &IndicatorView) -> IndicatorView {
    let mut copy = v.clone();
    copy.chart = v
        .chart
        .as_ref()
        .map(|svg| svg.replace("\"c-", "\"hc-").replace(" c-", " hc-"));
    copy
}

fn counts(totals: Vec<usize>, lang: &Lang) -> Vec<CountView> {
    GROUPS
        .iter()
        .zip(totals)
        .map(|(g, count)| CountView {
            status: StatusView::group(*g, lang),
            group: *g,
            count,
        })
        .collect()
}

/// Every source of the plan: those declared in plan.yaml, with their keys, in natural key order
/// (S1, S2, …, S10), then any other source cited by title or address.
fn cited_sources(plan: &Plan) -> Vec<SourceView> {
    let natural = |k: &str| {
        let digits = k.len() - k.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (head, tail) = k.split_at(k.len() - digits);
        (
            head.to_string(),
            tail.parse::<u64>().unwrap_or(0),
            k.to_string(),
        )
    };
    let mut keyed: Vec<(&String, &Source)> = plan.sources.iter().collect();
    keyed.sort_by_key(|(k, _)| natural(k));
    let mut views: Vec<SourceView> = keyed
        .into_iter()
        .filter_map(|(k, s)| {
            let mut v = source_view(&Some(s.clone()))?;
            v.key = Some(k.clone());
            Some(v)
        })
        .collect();
    let mut others: Vec<&Source> = Vec::new();
    for s in &plan.sectors {
        for i in &s.indicators {
            others.extend(i.actuals.iter().filter_map(|a| a.source.as_ref()));
            others.extend(i.baseline.iter().filter_map(|b| b.source.as_ref()));
        }
        others.extend(
            s.tasks
                .iter()
                .filter_map(|t| t.update.as_ref()?.source.as_ref()),
        );
    }
    let mut rest: Vec<SourceView> = Vec::new();
    for s in others {
        let known = |v: &SourceView| v.title == s.title && v.url == s.url;
        if !views.iter().any(known) && !rest.iter().any(known) {
            rest.extend(source_view(&Some(s.clone())));
        }
    }
    rest.sort_by(|a, b| (&a.title, &a.url).cmp(&(&b.title, &b.url)));
    views.extend(rest);
    views
}

fn tally(groups: impl Iterator<Item = Group>) -> Vec<usize> {
    let mut totals = vec![0; GROUPS.len()];
    for g in groups {
        if let Some(i) = GROUPS.iter().position(|x| *x == g) {
            totals[i] += 1;
        }
    }
    totals
}

fn sector_view(s: &Sector, st: &SectorStatus, sources: &Sources, lang: &Lang) -> SectorView {
    let prose = &Prose::of(sources, s);
    let href = routes::sector_page(&s.id);
    let mut indicators: Vec<IndicatorView> = s
        .indicators
        .iter()
        .zip(&st.indicators)
        .map(|(i, a)| indicator_view(i, a, s, &href, prose, lang))
        .collect();
    let table_sources = number_table_sources(&mut indicators);
    let tasks: Vec<TaskView> = s
        .tasks
        .iter()
        .zip(&st.tasks)
        .map(|(t, &status)| task_view(t, status, prose, lang))
        .collect();
    let indicator_counts = counts(tally(st.indicators.iter().map(|a| a.status.group())), lang);
    let task_counts = counts(tally(st.tasks.iter().map(|t| t.group())), lang);
    let bar = |id: String, title: &str, c: &[CountView], n: usize| {
        if n == 0 {
            return None;
        }
        chart::summary::status_bar(&id, title, &counts_text(c), &chart_counts(c))
    };
    let indicator_chart = bar(
        format!("st-{}", s.id),
        lang.t("status_chart_indicators"),
        &indicator_counts,
        indicators.len(),
    );
    let task_chart = bar(
        format!("stt-{}", s.id),
        lang.t("status_chart_tasks"),
        &task_counts,
        tasks.len(),
    );
    let attention = st
        .indicators
        .iter()
        .map(|a| a.status)
        .chain(st.tasks.iter().copied())
        .filter(|x| x.needs_attention())
        .count();
    SectorView {
        vi: s.untranslated.clone(),
        indicator_chart,
        task_chart,
        indicator_counts,
        task_counts,
        reported_indicators: st.indicators.iter().filter(|a| a.latest.is_some()).count(),
        reported_tasks: s
            .tasks
            .iter()
            .filter(|t| t.state.is_some() || t.update.is_some())
            .count(),
        attention,
        id: s.id.clone(),
        name: s.name.clone(),
        lead: s.lead.clone(),
        section: s.section.clone(),
        commentary_html: markdown::to_html(&prose.text(&s.commentary_md), 2, &s.id),
        total: indicators.len() + tasks.len(),
        task_updates: s.tasks.iter().any(|t| t.update.is_some()),
        table_sources,
        href,
        data: {
            let (json, csv) = routes::sector_data(&s.id);
            DataLinks { json, csv }
        },
        indicators,
        tasks,
    }
}

/// A figure's period, with "provisional" when it is.
fn period_text(v: &ActualView, lang: &Lang) -> String {
    if v.provisional {
        format!("{}, {}", v.period, lang.t("provisional"))
    } else {
        v.period.clone()
    }
}

fn target_kind(t: &Target) -> &'static str {
    match t {
        Target::Range { .. } => "range",
        Target::AtLeast(_) => "at_least",
        Target::MoreThan(_) => "more_than",
        Target::AtMost(_) => "at_most",
        Target::LessThan(_) => "less_than",
        Target::Exactly(_) => "exactly",
        Target::Increase(_) => "increase",
        Target::Milestone { .. } => "milestone",
    }
}

fn actual_view(a: &Actual, unit: &str, lang: &Lang) -> ActualView {
    ActualView {
        period_code: a.period.code(),
        period: lang.period(&a.period),
        value: match a.value {
            Value::Number(v) => lang.quantity(v, unit),
            Value::Reached(true) => lang.t("milestone_reached").to_string(),
            Value::Reached(false) => lang.t("milestone_not_reached").to_string(),
        },
        as_of: lang.date(a.as_of),
        source: source_view(&a.source),
        note: a.note.clone(),
        note_vi: a.untranslated.contains(&"note"),
        provisional: a.is_provisional(),
        note_no: None,
        source_no: None,
        note_html: None,
    }
}

fn indicator_view(
    i: &Indicator,
    a: &Assessment,
    s: &Sector,
    sector_href: &str,
    prose: &Prose<'_>,
    lang: &Lang,
) -> IndicatorView {
    let anchor = routes::indicator_anchor(&i.id);
    let status = StatusView::new(a.status, lang);
    let gap = gap_text(i, a, lang);
    let actuals = numbered_notes(i.actuals.iter().map(|x| {
        let mut v = actual_view(x, &i.unit, lang);
        v.note_html = v.note.as_deref().map(|n| prose.note(n));
        v
    }));
    let latest = a.latest.and_then(|idx| actuals.get(idx)).cloned();
    let target = lang.target(&i.target, &i.unit);
    let (chart, series_chart) = charts(i, a, &status, gap.as_deref(), &latest, &target, lang);
    IndicatorView {
        vi: i.untranslated.clone(),
        chart,
        series_chart,
        href: format!("{sector_href}#{anchor}"),
        anchor,
        name: i.name.clone(),
        section: i.section.clone(),
        wording: i.wording.as_deref().map(|w| prose.text(w)),
        kind: target_kind(&i.target),
        target,
        baseline: i.baseline.as_ref().map(|b| {
            format!(
                "{} ({})",
                lang.quantity(b.value, &i.unit),
                baseline_period(b, lang)
            )
        }),
        change: change_text(i, a, lang),
        history: actuals.len() > 1,
        history_notes: actuals.iter().any(|x| x.note_no.is_some()),
        baseline_source: i.baseline.as_ref().and_then(|b| source_view(&b.source)),
        baseline_note: i.baseline.as_ref().and_then(|b| b.note.clone()),
        latest,
        actuals,
        note_html: i.note.as_deref().map(|n| prose.note(n)),
        baseline_note_html: i
            .baseline
            .as_ref()
            .and_then(|b| b.note.as_deref())
            .map(|n| prose.note(n)),
        status,
        computed: (a.override_reason.is_some() && a.computed != a.status)
            .then(|| StatusView::new(a.computed, lang)),
        provisional: a.provisional,
        expected: a.expected.map(|t| lang.target(&t, &i.unit)),
        gap,
        override_reason: a.override_reason.as_deref().map(|r| prose.text(r)),
        note: i.note.clone(),
        sector: s.name.clone(),
        bars: a
            .latest
            .and_then(|k| i.actuals.get(k))
            .and_then(|x| match x.value {
                Value::Number(v) => Bars::of(v, &i.target, i.baseline.as_ref().map(|b| b.value)),
                Value::Reached(_) => None,
            }),
    }
}

/// How editors' free text is shown: numbers bound to their units, notes with cited sources
/// linked.
pub struct Prose<'a> {
    sources: &'a Sources,
    /// The sector's units and `%`, longest first (so `triệu đồng` wins over `triệu`). Only
    /// the sector's own: its view then depends on nothing in other sectors, which `serve`
    /// relies on when it keeps the views of unchanged sectors.
    units: Vec<String>,
}

impl<'a> Prose<'a> {
    /// The rules for the text of one sector of a plan.
    pub fn of(sources: &'a Sources, sector: &Sector) -> Self {
        let mut units: Vec<String> = sector
            .indicators
            .iter()
            .map(|i| i.unit.clone())
            .filter(|u| !u.trim().is_empty())
            .chain(["%".to_string()])
            .collect();
        units.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        units.dedup();
        Prose { sources, units }
    }

    /// Plain text with numbers bound to their units.
    pub fn text(&self, text: &str) -> String {
        crate::format::bind_units(text, &self.units)
    }

    /// A note as HTML: numbers bound to their units, cited source keys linked.
    pub fn note(&self, text: &str) -> String {
        cite(&self.text(text), self.sources)
    }
}

/// A note as HTML: the text escaped, and every whole word that is a key of the plan's
/// `sources:` ("(S3)") made a link to that source (its title as the link's title), or, for a
/// source without a web address, marked with its title. The methodology page lists every
/// source with its key.
pub fn cite(text: &str, sources: &Sources) -> String {
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find(is_key_char) {
        // A word starts at `start` only after a character that cannot be part of a key.
        let end = rest[start..]
            .find(|c: char| !is_key_char(c))
            .map_or(rest.len(), |e| start + e);
        let before_ok = rest[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = rest[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&chart::xml_escape(&rest[..start]));
        let word = &rest[start..end];
        match sources.get(word).filter(|_| before_ok && after_ok) {
            Some(src) => match src
                .url
                .as_deref()
                .filter(|u| crate::weburl::is_acceptable(u))
            {
                Some(url) => out.push_str(&format!(
                    "<a href=\"{}\" title=\"{}\" rel=\"noopener\">{}</a>",
                    chart::xml_escape(url),
                    chart::xml_escape(&src.title),
                    chart::xml_escape(word)
                )),
                None => out.push_str(&format!(
                    "<abbr title=\"{}\">{}</abbr>",
                    chart::xml_escape(&src.title),
                    chart::xml_escape(word)
                )),
            },
            None => out.push_str(&chart::xml_escape(word)),
        }
        rest = &rest[end..];
    }
    out.push_str(&chart::xml_escape(rest));
    out
}

/// Numbers the sources of the sector's history tables in order of first citation and returns
/// them, each once.
fn number_table_sources(indicators: &mut [IndicatorView]) -> Vec<SourceView> {
    number_sources(
        indicators
            .iter_mut()
            .filter(|i| i.history)
            .flat_map(|i| i.actuals.iter_mut())
            .map(|a| (&a.source, &mut a.source_no)),
    )
}

/// Gives each cited source its number in a list, in order of first citation (a source is the
/// same when its title and link are), and returns the list.
fn number_sources<'a>(
    citations: impl Iterator<Item = (&'a Option<SourceView>, &'a mut Option<usize>)>,
) -> Vec<SourceView> {
    let mut numbers: HashMap<(Arc<str>, Option<Arc<str>>), usize> = HashMap::new();
    let mut listed = Vec::new();
    for (source, no) in citations {
        let Some(src) = source else { continue };
        let n = *numbers
            .entry((src.title.clone(), src.url.clone()))
            .or_insert_with(|| {
                listed.push(src.clone());
                listed.len()
            });
        *no = Some(n);
    }
    listed
}

/// Numbers the notes of a card's actuals 1, 2, … in order, for footnotes under its table.
fn numbered_notes(actuals: impl Iterator<Item = ActualView>) -> Vec<ActualView> {
    let mut n = 0;
    actuals
        .map(|mut a| {
            if a.note.is_some() {
                n += 1;
                a.note_no = Some(n);
            }
            a
        })
        .collect()
}

/// The judged figure's change from the baseline, in the indicator's unit (percentage points
/// for rates in %).
fn change_text(i: &Indicator, a: &Assessment, lang: &Lang) -> Option<String> {
    let b = i.baseline.as_ref()?;
    let v = match i.actuals[a.latest?].value {
        Value::Number(v) => v,
        Value::Reached(_) => return None,
    };
    let diff = ((v - b.value) * 1e4).round() / 1e4;
    let sign = if diff > 0.0 { "+" } else { "" };
    let amount = lang.difference(diff, &i.unit);
    Some(lang.fill(
        "change_from_baseline",
        &[
            ("diff", &format!("{sign}{amount}")),
            ("period", &baseline_period(b, lang)),
            ("baseline", &lang.quantity(b.value, &i.unit)),
        ],
    ))
}

/// A baseline's period as readers see it: a year as a number (`2023`, short enough for a
/// chart label and clear in any language), any other period code in words (`2023-06` is
/// "Tháng 6/2023"), anything else as written.
fn baseline_period(b: &Baseline, lang: &Lang) -> String {
    match Period::parse(&b.period) {
        Some(p) if p.span == Span::Year => p.year.to_string(),
        Some(p) => lang.period(&p),
        None => b.period.clone(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The judged figure's distance from the target it was judged against, in words.
fn gap_text(i: &Indicator, a: &Assessment, lang: &Lang) -> Option<String> {
    use status::{BoundKind, Gap};
    let v = match a.latest.map(|idx| &i.actuals[idx].value)? {
        Value::Number(v) => *v,
        Value::Reached(_) => return None,
    };
    let target = a.expected.unwrap_or(i.target);
    let (bound, at, diff) = match status::gap(target, v, i.baseline.as_ref().map(|b| b.value))? {
        Gap::Inside => return Some(lang.t("gap_inside").to_string()),
        Gap::From { bound, at, diff } => (bound, at, diff),
    };
    let name = match (a.expected.is_some(), bound) {
        (true, _) => "gap_bound_path",
        (false, BoundKind::Target) => "gap_bound_target",
        (false, BoundKind::Ceiling) => "gap_bound_ceiling",
        (false, BoundKind::RangeMin) => "gap_bound_range_min",
        (false, BoundKind::RangeMax) => "gap_bound_range_max",
    };
    let name = lang.t(name);
    // Differences are rounded as the figures are (4 decimals), so float noise reads as equal.
    let diff = (diff * 1e4).round() / 1e4;
    if diff == 0.0 {
        return Some(lang.fill("gap_equal", &[("bound", name)]));
    }
    let amount = lang.difference(diff.abs(), &i.unit);
    let key = if diff > 0.0 { "gap_above" } else { "gap_below" };
    let mut text = lang.fill(key, &[("bound", name), ("diff", &amount)]);
    // "Below" reads as bad unless the reader is told lower is better here.
    if diff < 0.0 && i.better == crate::model::Direction::Lower {
        text.push_str(&format!(" ({})", lang.t("gap_lower_better")));
    }
    // A share of the target reads naturally only for amounts (not rates in %, nor increases,
    // where it would be a share of the level rather than of the increase).
    let amount_target = !matches!(i.target, Target::Increase(_));
    if i.unit != "%" && bound != BoundKind::Target && at > 0.0 {
        // Beside a ceiling or a range end, the relative distance ("+0,3 %") says how narrow it is.
        let pct = (diff / at * 1000.0).round() / 10.0;
        let sign = if pct > 0.0 { "+" } else { "" };
        text.push_str(&format!(" ({sign}{})", lang.quantity(pct, "%")));
    }
    if i.unit != "%" && amount_target && bound == BoundKind::Target && at > 0.0 && v >= 0.0 {
        let share = lang.quantity((v / at * 1000.0).round() / 10.0, "%");
        text.push_str(&format!(
            " ({})",
            lang.fill("gap_share", &[("share", &share), ("bound", name)])
        ));
    }
    Some(text)
}

/// The bullet chart and, with two or more numeric actuals, the series chart. `latest` is the
/// judged actual as the card shows it, `target_text` the target in words.
fn charts(
    i: &Indicator,
    a: &Assessment,
    status: &StatusView,
    gap: Option<&str>,
    latest: &Option<ActualView>,
    target_text: &str,
    lang: &Lang,
) -> (Option<String>, Option<String>) {
    let latest_number = a.latest.and_then(|idx| match i.actuals[idx].value {
        Value::Number(v) => Some(v),
        Value::Reached(_) => None,
    });
    let desc = match latest {
        Some(x) => lang.fill(
            "chart_desc",
            &[
                ("name", &i.name),
                ("actual", &x.value),
                ("period", &period_text(x, lang)),
                ("target", target_text),
                ("status", &status.label),
            ],
        ),
        None => lang.fill(
            "chart_desc_none",
            &[
                ("name", &i.name),
                ("target", target_text),
                ("status", &status.label),
            ],
        ),
    };
    // The gap in words, and an editor's reason, belong with the picture for a reader who
    // cannot see it.
    let mut desc = match gap {
        Some(g) => format!("{desc} {}.", capitalise(g)),
        None => desc,
    };
    if let Some(r) = &a.override_reason {
        desc.push_str(&format!(" {}: {r}", lang.t("override_reason")));
    }
    let base = i.baseline.as_ref().map(|b| b.value);
    let bound_labels = chart::bullet::bounds(&i.target, base)
        .iter()
        .map(|v| lang.quantity(*v, &i.unit))
        .collect();
    let bullet = chart::bullet::Bullet {
        id: &format!("c-{}", i.id),
        title: &i.name,
        desc: &desc,
        target: i.target,
        actual: latest_number,
        actual_label: latest_number.map(|v| lang.quantity(v, &i.unit)),
        provisional: a.provisional,
        baseline: i.baseline.as_ref().map(|b| {
            let period = baseline_period(b, lang);
            let label = format!("{period}: {}", lang.quantity(b.value, &i.unit));
            (b.value, label, period)
        }),
        expected: a.expected,
        bound_labels,
        target_label: target_text.to_string(),
        number: &|v| lang.number(v),
    };
    let bullet_svg = chart::bullet::draw(&bullet);
    (bullet_svg, series_chart(i, target_text, lang))
}

fn series_chart(i: &Indicator, target_text: &str, lang: &Lang) -> Option<String> {
    // One point per period: the newest figure wins when a period was revised.
    let mut points: Vec<(&Actual, f64)> = Vec::new();
    for x in &i.actuals {
        if let Value::Number(v) = x.value {
            match points.iter_mut().find(|(p, _)| p.period == x.period) {
                Some(slot) if slot.0.as_of <= x.as_of => *slot = (x, v),
                Some(_) => {}
                None => points.push((x, v)),
            }
        }
    }
    if points.len() < 2 {
        return None;
    }
    let figure = |(x, v): &(&Actual, f64)| {
        let mark = if x.is_provisional() {
            format!(" ({})", lang.t("provisional"))
        } else {
            String::new()
        };
        format!(
            "{} {}{mark}",
            lang.period(&x.period),
            lang.quantity(*v, &i.unit)
        )
    };
    let title = lang.fill("series_title", &[("name", &i.name)]);
    // The table after the chart lists every figure; the description says what the line
    // does. (A theme whose text still asks for `{points}` gets them.)
    let pattern = lang.t("series_desc");
    let listed = if pattern.contains("{points}") {
        points.iter().map(figure).collect::<Vec<_>>().join(", ")
    } else {
        String::new()
    };
    let desc = lang.fill(
        "series_desc",
        &[
            ("name", &i.name),
            ("count", &points.len().to_string()),
            ("first", &figure(&points[0])),
            ("last", &figure(&points[points.len() - 1])),
            ("points", &listed),
            ("target", target_text),
        ],
    );
    let fmt = |v: f64| lang.number(v);
    let latest = points
        .last()
        .map(|(_, v)| lang.quantity(*v, &i.unit))
        .unwrap_or_default();
    let baseline_legend = match &i.baseline {
        Some(b) => format!("{} {}", lang.t("legend_baseline"), baseline_period(b, lang)),
        None => String::new(),
    };
    let s = chart::series::Series {
        id: &format!("s-{}", i.id),
        title: &title,
        desc: &desc,
        points: points
            .iter()
            .map(|(x, v)| chart::series::Point {
                month: x.period.months().1,
                value: *v,
                provisional: x.is_provisional(),
            })
            .collect(),
        target: i.target,
        cumulative: i.series == SeriesKind::Cumulative,
        baseline: i.baseline.as_ref().map(|b| b.value),
        fmt: &fmt,
        latest_label: latest,
        unit: &i.unit,
        months: &lang.months_short,
        legend: [
            lang.t("legend_actual"),
            lang.t("legend_provisional"),
            lang.t("legend_target"),
            &baseline_legend,
        ],
    };
    Some(chart::series::draw(&s))
}

fn task_view(t: &Task, status: Status, prose: &Prose<'_>, lang: &Lang) -> TaskView {
    TaskView {
        vi: t.untranslated.clone(),
        due_text: lang.fill("due_on", &[("date", &lang.date(t.due))]),
        anchor: routes::task_anchor(&t.id),
        text: prose.text(&t.text),
        agency: t.agency.clone(),
        section: t.section.clone(),
        due: lang.date(t.due),
        due_wording: t.due_wording.as_deref().map(|w| prose.text(w)),
        status: StatusView::new(status, lang),
        update_date: t.update.as_ref().map(|u| lang.date(u.date)),
        update_note: t.update.as_ref().map(|u| u.note.clone()),
        update_note_html: t.update.as_ref().map(|u| prose.note(&u.note)),
        update_source: t.update.as_ref().and_then(|u| source_view(&u.source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let mut s = Sources::new();
        s.insert(
            "S3".into(),
            Source {
                title: "Báo \"Tuổi trẻ\" <Thủ đô>".into(),
                url: Some("https://example.gov.vn/a?b=1&c=2".into()),
            },
        );
        s.insert(
            "BC9T".into(),
            Source {
                title: "Báo cáo 9 tháng".into(),
                url: None,
            },
        );
        s.insert(
            "X".into(),
            Source {
                title: "bad".into(),
                url: Some("javascript:alert(1)".into()),
            },
        );
        s
    }

    #[test]
    fn email_bars_are_zero_based_on_one_scale() {
        let bars = |v: f64, t: Target| Bars::of(v, &t, None);
        // 7.02 against 7.0–7.5: the scale is the range's top.
        assert_eq!(
            bars(7.02, Target::Range { min: 7.0, max: 7.5 }),
            Some(Bars {
                value: 94,
                target_from: 93,
                target_span: 7
            })
        );
        // Above the target, the figure sets the scale.
        assert_eq!(
            bars(6.0, Target::AtLeast(5.0)),
            Some(Bars {
                value: 100,
                target_from: 0,
                target_span: 83
            })
        );
        // A tiny figure keeps a visible bar; an increase needs its baseline.
        assert_eq!(bars(0.1, Target::AtMost(100.0)).map(|b| b.value), Some(1));
        assert_eq!(bars(40.0, Target::Increase(10.0)), None);
        assert_eq!(
            Bars::of(43.0, &Target::Increase(10.0), Some(39.0)).map(|b| (b.value, b.target_span)),
            Some((88, 100))
        );
        // Nothing zero-based to draw: negative figures, milestones.
        assert_eq!(bars(-2.0, Target::AtLeast(5.0)), None);
        let due = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert_eq!(bars(1.0, Target::Milestone { due }), None);
    }

    #[test]
    fn a_baseline_period_code_is_shown_in_words_and_a_year_as_written() {
        let (vi, en) = (crate::format::tests::vi(), crate::format::tests::en());
        let period = |p: &str, lang: &Lang| {
            let b = Baseline {
                value: 39.0,
                period: p.into(),
                source: None,
                note: None,
            };
            baseline_period(&b, lang)
        };
        assert_eq!(period("2023-06", &vi), "Tháng 6/2023");
        assert_eq!(period("2023-Q4", &vi), "Quý IV/2023");
        assert_eq!(period("2023-06", &en), "June 2023");
        assert_eq!(period("2023", &vi), "2023");
        assert_eq!(period("2023-12M", &vi), "2023");
        assert_eq!(period("cuối năm 2023", &vi), "cuối năm 2023");
    }

    #[test]
    fn notes_link_cited_source_keys_and_escape_everything_else() {
        let html = cite(
            "Tăng 4,40 % (S3); theo BC9T & <script>alert(1)</script>",
            &sources(),
        );
        assert_eq!(
            html,
            "Tăng 4,40 % (<a href=\"https://example.gov.vn/a?b=1&amp;c=2\" title=\"Báo &quot;Tuổi trẻ&quot; &lt;Thủ đô&gt;\" rel=\"noopener\">S3</a>); theo <abbr title=\"Báo cáo 9 tháng\">BC9T</abbr> &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
        );
        // Only whole words are keys; an address the URL rule refuses is never a link.
        assert_eq!(cite("S30, XS3, S3b", &sources()), "S30, XS3, S3b");
        assert!(!cite("(X)", &sources()).contains("href"));
        assert_eq!(cite("Số liệu", &sources()), "Số liệu");
    }
}
