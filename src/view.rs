//! View models: the plan with statuses decided and every number, date and label formatted for
//! the page language. Templates only lay these out.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::chart;
use crate::format::Lang;
use crate::markdown;
use crate::model::{Actual, Indicator, Plan, Sector, SeriesKind, Source, Target, Task, Value};
use crate::status::{self, Assessment, GROUPS, Rules, Status};

/// A status as shown: machine key (for CSS and icons), group key and label.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// e.g. `done_late`.
    pub key: &'static str,
    /// The summary group, which picks the icon shape and colour: e.g. `achieved`.
    pub group: &'static str,
    /// Localised label.
    pub label: String,
}

impl StatusView {
    fn new(s: Status, lang: &Lang) -> Self {
        StatusView {
            key: s.key(),
            group: s.group().key(),
            label: lang.status(s.key()).to_string(),
        }
    }
}

/// A source link.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Title or citation.
    pub title: String,
    /// Link, if any.
    pub url: Option<String>,
    /// A short label for tables: the site's host name, or the title cut short.
    pub short: String,
}

fn source_view(s: &Option<Source>) -> Option<SourceView> {
    s.as_ref().map(|s| {
        // The label is the host the browser will visit, from the same check that let it in.
        let host = s.url.as_deref().and_then(crate::weburl::label);
        let url = host.as_ref().and(s.url.clone());
        let short = match host {
            Some(h) => h,
            None if s.title.chars().count() > 40 => {
                s.title.chars().take(39).collect::<String>() + "…"
            }
            None => s.title.clone(),
        };
        SourceView {
            title: s.title.clone(),
            url,
            short,
        }
    })
}

/// One reported value, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct ActualView {
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
}

/// An indicator card.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
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
    /// Baseline source.
    pub baseline_source: Option<SourceView>,
    /// Note on the baseline figure.
    pub baseline_note: Option<String>,
    /// The actual the status rests on.
    pub latest: Option<ActualView>,
    /// Every actual, oldest first.
    pub actuals: Vec<ActualView>,
    /// Status.
    pub status: StatusView,
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
    /// Sector name (for the overview).
    pub sector: String,
    /// Link to the card from the plan's root.
    pub href: String,
    /// Bullet chart (inline SVG); none for milestones.
    pub chart: Option<String>,
    /// Series chart (inline SVG) when there are two or more actuals.
    pub series_chart: Option<String>,
}

/// A task row.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
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
    /// Status.
    pub status: StatusView,
    /// Latest update date.
    pub update_date: Option<String>,
    /// Latest update note.
    pub update_note: Option<String>,
    /// Latest update source.
    pub update_source: Option<SourceView>,
}

/// A count of items in one status group.
#[derive(Debug, Clone, Serialize)]
pub struct CountView {
    /// The group's status.
    pub status: StatusView,
    /// How many.
    pub count: usize,
}

/// A sector page, or a row of the overview's matrix.
#[derive(Debug, Clone, Serialize)]
pub struct SectorView {
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
    /// Commentary as HTML.
    pub commentary_html: String,
    /// Indicator cards.
    pub indicators: Vec<IndicatorView>,
    /// Tasks.
    pub tasks: Vec<TaskView>,
    /// Indicators and tasks per status group, in `GROUPS` order.
    pub counts: Vec<CountView>,
    /// Number of indicators and tasks.
    pub total: usize,
    /// Stacked bar of `counts` (inline SVG).
    pub status_chart: Option<String>,
}

/// The plan's identity, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Short title.
    pub short_title: String,
    /// Issuing body.
    pub issuer: String,
    /// Document number.
    pub document: String,
    /// Issue date.
    pub date: String,
    /// Plan year.
    pub year: i32,
    /// Document link.
    pub source_url: Option<String>,
    /// Data as-of date.
    pub as_of: String,
    /// Tolerance, formatted as a percentage.
    pub tolerance: String,
    /// Introduction as HTML.
    pub overview_html: String,
    /// Sectors.
    /// Shared, so that `serve` can keep a sector's view for the next render without copying.
    /// Not serialised with the plan: rendering converts the sectors in parallel and adds them
    /// to the plan's template value as `sectors`.
    #[serde(skip)]
    pub sectors: Vec<Arc<SectorView>>,
    /// Headline indicators.
    pub headline: Vec<IndicatorView>,
    /// Counts over all sectors.
    pub counts: Vec<CountView>,
    /// Total indicators and tasks.
    pub total: usize,
    /// Every source cited, by title.
    pub sources: Vec<SourceView>,
    /// One status bar per sector (inline SVG).
    pub matrix_chart: Option<String>,
    /// Reported actuals and task updates, newest first.
    pub updates: Vec<UpdateView>,
    /// The newest update's date as `YYYY-MM-DD` (for the feed).
    pub updated_iso: String,
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
    /// Source.
    pub source: Option<SourceView>,
    /// A stable id for the feed entry.
    pub key: String,
}

/// The most recent entries shown on the updates page and in the feed.
const UPDATES_SHOWN: usize = 200;

/// A reported actual or task update, before it is formatted.
enum Reported<'a> {
    Actual(&'a Sector, &'a Indicator, &'a Actual),
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
                    .map(|a| (a.as_of, s.order, i.id.as_str(), Reported::Actual(s, i, a))),
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
            Reported::Actual(s, i, a) => {
                // The status readers saw on the day the figure was published.
                let then = Rules {
                    as_of: a.as_of,
                    ..*rules
                };
                let v = actual_view(a, &i.unit, lang);
                UpdateView {
                    date: lang.date(a.as_of),
                    date_iso: a.as_of.to_string(),
                    subject: i.name.clone(),
                    sector: s.name.clone(),
                    href: format!("sectors/{}.html#i-{}", s.id, i.id),
                    what: format!("{} ({})", v.value, v.period),
                    status: StatusView::new(status::assess(i, &then).status, lang),
                    source: v.source,
                    key: format!("{}/{}/{}/{}", plan.id, i.id, a.period.code(), a.as_of),
                }
            }
            Reported::Task(s, t, u) => UpdateView {
                date: lang.date(u.date),
                date_iso: u.date.to_string(),
                subject: t.text.clone(),
                sector: s.name.clone(),
                href: format!("sectors/{}.html#t-{}", s.id, t.id),
                what: u.note.clone(),
                status: StatusView::new(status::assess_task(t, u.date), lang),
                source: source_view(&u.source),
                key: format!("{}/{}/{}", plan.id, t.id, u.date),
            },
        })
        .collect()
}

impl PlanView {
    /// Number of charts drawn for this plan.
    pub fn chart_count(&self) -> usize {
        let sectors = self.sectors.iter().map(|s| {
            usize::from(s.status_chart.is_some())
                + s.indicators
                    .iter()
                    .map(|i| usize::from(i.chart.is_some()) + usize::from(i.series_chart.is_some()))
                    .sum::<usize>()
        });
        sectors.sum::<usize>() + usize::from(self.matrix_chart.is_some())
    }
}

/// The status rules of a plan.
pub fn rules(plan: &Plan) -> Rules {
    Rules {
        as_of: plan.as_of,
        year_end: chrono::NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(plan.as_of),
        tolerance: plan.tolerance,
    }
}

/// Builds the plan's view with every status decided.
pub fn plan_view(plan: &Plan, lang: &Lang) -> PlanView {
    plan_view_reusing(plan, lang, &|_| None)
}

/// [`plan_view`], taking each sector's view from `kept` when it has one (for `serve`, which
/// keeps the views of sectors that did not change).
pub fn plan_view_reusing(
    plan: &Plan,
    lang: &Lang,
    kept: &(dyn Fn(&Sector) -> Option<Arc<SectorView>> + Sync),
) -> PlanView {
    let rules = rules(plan);
    // Charts dominate the cost: sectors are drawn in parallel (order is kept).
    let sectors: Vec<Arc<SectorView>> = plan
        .sectors
        .par_iter()
        .map(|s| kept(s).unwrap_or_else(|| Arc::new(sector_view(s, &rules, lang))))
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
    let mut totals = vec![0; GROUPS.len()];
    for s in &sectors {
        for (t, c) in totals.iter_mut().zip(&s.counts) {
            *t += c.count;
        }
    }
    let matrix_chart = matrix_chart(plan, &sectors, lang);
    let updates = updates(plan, &rules, lang);
    PlanView {
        updated_iso: updates
            .first()
            .map_or_else(|| plan.as_of.to_string(), |u| u.date_iso.clone()),
        updates,
        matrix_chart,
        id: plan.id.clone(),
        title: plan.title.clone(),
        short_title: plan.short_title.clone(),
        issuer: plan.issuer.clone(),
        document: plan.document.clone(),
        date: lang.date(plan.date),
        year: plan.year,
        source_url: plan
            .source_url
            .clone()
            .filter(|u| crate::weburl::is_acceptable(u)),
        as_of: lang.date(plan.as_of),
        tolerance: lang.quantity(plan.tolerance * 100.0, "%"),
        overview_html: plan
            .overview_md
            .as_deref()
            .map(|m| markdown::to_html(m, 1, ""))
            .unwrap_or_default(),
        total: totals.iter().sum(),
        counts: counts(totals, lang),
        headline,
        sources: cited_sources(plan),
        sectors,
    }
}

fn chart_counts(counts: &[CountView]) -> Vec<chart::summary::Count<'_>> {
    counts
        .iter()
        .map(|c| chart::summary::Count {
            group: c.status.group,
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

fn matrix_chart(plan: &Plan, sectors: &[Arc<SectorView>], lang: &Lang) -> Option<String> {
    let rows: Vec<chart::summary::Row<'_>> = sectors
        .iter()
        .map(|s| chart::summary::Row {
            name: &s.name,
            counts: chart_counts(&s.counts),
        })
        .collect();
    let desc: Vec<String> = sectors
        .iter()
        .map(|s| format!("{}: {}", s.name, counts_text(&s.counts)))
        .collect();
    chart::summary::matrix(
        &format!("m-{}", plan.id),
        lang.t("matrix_title"),
        &desc.join(". "),
        &rows,
    )
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
        .map(|(s, count)| CountView {
            status: StatusView::new(*s, lang),
            count,
        })
        .collect()
}

fn cited_sources(plan: &Plan) -> Vec<SourceView> {
    let mut all: Vec<&Source> = Vec::new();
    for s in &plan.sectors {
        for i in &s.indicators {
            all.extend(i.actuals.iter().filter_map(|a| a.source.as_ref()));
            all.extend(i.baseline.iter().filter_map(|b| b.source.as_ref()));
        }
        all.extend(
            s.tasks
                .iter()
                .filter_map(|t| t.update.as_ref()?.source.as_ref()),
        );
    }
    let mut views: Vec<SourceView> = Vec::new();
    for s in all {
        if !views.iter().any(|v| v.title == s.title && v.url == s.url) {
            views.extend(source_view(&Some(s.clone())));
        }
    }
    views.sort_by(|a, b| (&a.title, &a.url).cmp(&(&b.title, &b.url)));
    views
}

fn sector_view(s: &Sector, rules: &Rules, lang: &Lang) -> SectorView {
    let href = format!("sectors/{}.html", s.id);
    let indicators: Vec<IndicatorView> = s
        .indicators
        .iter()
        .map(|i| indicator_view(i, s, &href, rules, lang))
        .collect();
    let tasks: Vec<TaskView> = s.tasks.iter().map(|t| task_view(t, rules, lang)).collect();
    let mut totals = vec![0; GROUPS.len()];
    let groups = indicators
        .iter()
        .map(|i| i.status.group)
        .chain(tasks.iter().map(|t| t.status.group));
    for g in groups {
        if let Some(i) = GROUPS.iter().position(|s| s.key() == g) {
            totals[i] += 1;
        }
    }
    let counts = counts(totals, lang);
    let status_chart = chart::summary::status_bar(
        &format!("st-{}", s.id),
        lang.t("status_chart_title"),
        &counts_text(&counts),
        &chart_counts(&counts),
    );
    SectorView {
        status_chart,
        counts,
        id: s.id.clone(),
        name: s.name.clone(),
        lead: s.lead.clone(),
        section: s.section.clone(),
        commentary_html: markdown::to_html(&s.commentary_md, 2, &s.id),
        total: indicators.len() + tasks.len(),
        href,
        indicators,
        tasks,
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
        provisional: a.provisional || !a.period.ends_year(),
    }
}

fn indicator_view(
    i: &Indicator,
    s: &Sector,
    sector_href: &str,
    rules: &Rules,
    lang: &Lang,
) -> IndicatorView {
    let a = status::assess(i, rules);
    let anchor = format!("i-{}", i.id);
    let status = StatusView::new(a.status, lang);
    let gap = gap_text(i, &a, lang);
    let (chart, series_chart) = charts(i, &a, &status, gap.as_deref(), lang);
    IndicatorView {
        chart,
        series_chart,
        href: format!("{sector_href}#{anchor}"),
        anchor,
        name: i.name.clone(),
        section: i.section.clone(),
        wording: i.wording.clone(),
        kind: target_kind(&i.target),
        target: lang.target(&i.target, &i.unit),
        baseline: i
            .baseline
            .as_ref()
            .map(|b| format!("{} ({})", lang.quantity(b.value, &i.unit), b.period)),
        baseline_source: i.baseline.as_ref().and_then(|b| source_view(&b.source)),
        baseline_note: i.baseline.as_ref().and_then(|b| b.note.clone()),
        latest: a
            .latest
            .map(|idx| actual_view(&i.actuals[idx], &i.unit, lang)),
        actuals: i
            .actuals
            .iter()
            .map(|x| actual_view(x, &i.unit, lang))
            .collect(),
        status,
        provisional: a.provisional,
        expected: a.expected.map(|t| lang.target(&t, &i.unit)),
        gap,
        override_reason: a.override_reason,
        note: i.note.clone(),
        sector: s.name.clone(),
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
    let amount = if i.unit == "%" {
        lang.fill("gap_points", &[("n", &lang.number(diff.abs()))])
    } else {
        lang.quantity(diff.abs(), &i.unit)
    };
    let key = if diff > 0.0 { "gap_above" } else { "gap_below" };
    let mut text = lang.fill(key, &[("bound", name), ("diff", &amount)]);
    // A share of the target reads naturally only for amounts (not rates in %, nor increases,
    // where it would be a share of the level rather than of the increase).
    let amount_target = !matches!(i.target, Target::Increase(_));
    if i.unit != "%" && amount_target && bound == BoundKind::Target && at > 0.0 && v >= 0.0 {
        let share = lang.quantity((v / at * 1000.0).round() / 10.0, "%");
        text.push_str(&format!(
            " ({})",
            lang.fill("gap_share", &[("share", &share), ("bound", name)])
        ));
    }
    Some(text)
}

/// The bullet chart and, with two or more numeric actuals, the series chart.
fn charts(
    i: &Indicator,
    a: &Assessment,
    status: &StatusView,
    gap: Option<&str>,
    lang: &Lang,
) -> (Option<String>, Option<String>) {
    let target_text = lang.target(&i.target, &i.unit);
    let latest = a.latest.map(|idx| &i.actuals[idx]);
    let latest_number = latest.and_then(|x| match x.value {
        Value::Number(v) => Some(v),
        Value::Reached(_) => None,
    });
    let desc = match latest {
        Some(x) => lang.fill(
            "chart_desc",
            &[
                ("name", &i.name),
                ("actual", &actual_view(x, &i.unit, lang).value),
                ("period", &lang.period(&x.period)),
                ("target", &target_text),
                ("status", &status.label),
            ],
        ),
        None => lang.fill(
            "chart_desc_none",
            &[
                ("name", &i.name),
                ("target", &target_text),
                ("status", &status.label),
            ],
        ),
    };
    // The gap in words belongs with the picture for a reader who cannot see it.
    let desc = match gap {
        Some(g) => format!("{desc} {}.", capitalise(g)),
        None => desc,
    };
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
            (
                b.value,
                format!("{}: {}", b.period, lang.quantity(b.value, &i.unit)),
            )
        }),
        expected: a.expected,
        bound_labels,
        target_label: target_text.clone(),
        status: (status.group, &status.label),
        number: &|v| lang.number(v),
    };
    let bullet_svg = chart::bullet::draw(&bullet);
    (bullet_svg, series_chart(i, &target_text, lang))
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
    let listed: Vec<String> = points
        .iter()
        .map(|(x, v)| format!("{} {}", lang.period(&x.period), lang.quantity(*v, &i.unit)))
        .collect();
    let title = lang.fill("series_title", &[("name", &i.name)]);
    let desc = lang.fill(
        "series_desc",
        &[
            ("name", &i.name),
            ("points", &listed.join(", ")),
            ("target", target_text),
        ],
    );
    let fmt = |v: f64| lang.number(v);
    let latest = points
        .last()
        .map(|(_, v)| lang.quantity(*v, &i.unit))
        .unwrap_or_default();
    let baseline_legend = match &i.baseline {
        Some(b) => format!("{} {}", lang.t("legend_baseline"), b.period),
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
                provisional: x.provisional || !x.period.ends_year(),
            })
            .collect(),
        target: i.target,
        cumulative: i.series == SeriesKind::Cumulative,
        baseline: i.baseline.as_ref().map(|b| b.value),
        fmt: &fmt,
        latest_label: latest,
        months: &lang.months_short,
        legend: [
            lang.t("legend_actual"),
            lang.t("legend_target"),
            &baseline_legend,
        ],
    };
    Some(chart::series::draw(&s))
}

fn task_view(t: &Task, rules: &Rules, lang: &Lang) -> TaskView {
    TaskView {
        anchor: format!("t-{}", t.id),
        text: t.text.clone(),
        agency: t.agency.clone(),
        section: t.section.clone(),
        due: lang.date(t.due),
        due_wording: t.due_wording.clone(),
        status: StatusView::new(status::assess_task(t, rules.as_of), lang),
        update_date: t.update.as_ref().map(|u| lang.date(u.date)),
        update_note: t.update.as_ref().map(|u| u.note.clone()),
        update_source: t.update.as_ref().and_then(|u| source_view(&u.source)),
    }
}
