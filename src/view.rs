//! View models: the plan with statuses decided and every number, date and label formatted for
//! the page language. Templates only lay these out.

use serde::Serialize;

use crate::format::Lang;
use crate::markdown;
use crate::model::{Actual, Indicator, Plan, Sector, Source, Target, Task, Value};
use crate::status::{self, GROUPS, Rules, Status};

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
}

fn source_view(s: &Option<Source>) -> Option<SourceView> {
    s.as_ref().map(|s| SourceView {
        title: s.title.clone(),
        url: s.url.clone().filter(|u| markdown::is_safe_url(u)),
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
    /// Editor's reason for an overridden status.
    pub override_reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Sector name (for the overview).
    pub sector: String,
    /// Link to the card from the plan's root.
    pub href: String,
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
    pub sectors: Vec<SectorView>,
    /// Headline indicators.
    pub headline: Vec<IndicatorView>,
    /// Counts over all sectors.
    pub counts: Vec<CountView>,
    /// Total indicators and tasks.
    pub total: usize,
    /// Every source cited, by title.
    pub sources: Vec<SourceView>,
}

/// Builds the plan's view with every status decided.
pub fn plan_view(plan: &Plan, lang: &Lang) -> PlanView {
    let rules = Rules {
        as_of: plan.as_of,
        year_end: chrono::NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(plan.as_of),
        tolerance: plan.tolerance,
    };
    let sectors: Vec<SectorView> = plan
        .sectors
        .iter()
        .map(|s| sector_view(s, &rules, lang))
        .collect();
    let headline = sectors
        .iter()
        .zip(&plan.sectors)
        .flat_map(|(sv, s)| {
            sv.indicators
                .iter()
                .zip(&s.indicators)
                .filter(|(_, i)| i.headline)
                .map(|(v, _)| v.clone())
        })
        .collect();
    let mut totals = vec![0; GROUPS.len()];
    for s in &sectors {
        for (t, c) in totals.iter_mut().zip(&s.counts) {
            *t += c.count;
        }
    }
    PlanView {
        id: plan.id.clone(),
        title: plan.title.clone(),
        short_title: plan.short_title.clone(),
        issuer: plan.issuer.clone(),
        document: plan.document.clone(),
        date: lang.date(plan.date),
        year: plan.year,
        source_url: plan.source_url.clone().filter(|u| markdown::is_safe_url(u)),
        as_of: lang.date(plan.as_of),
        tolerance: lang.quantity(plan.tolerance * 100.0, "%"),
        overview_html: plan
            .overview_md
            .as_deref()
            .map(|m| markdown::to_html(m, 1))
            .unwrap_or_default(),
        total: totals.iter().sum(),
        counts: counts(totals, lang),
        headline,
        sources: cited_sources(plan),
        sectors,
    }
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
    SectorView {
        id: s.id.clone(),
        name: s.name.clone(),
        lead: s.lead.clone(),
        section: s.section.clone(),
        commentary_html: markdown::to_html(&s.commentary_md, 2),
        total: indicators.len() + tasks.len(),
        counts: counts(totals, lang),
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
    IndicatorView {
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
        latest: a
            .latest
            .map(|idx| actual_view(&i.actuals[idx], &i.unit, lang)),
        actuals: i
            .actuals
            .iter()
            .map(|x| actual_view(x, &i.unit, lang))
            .collect(),
        status: StatusView::new(a.status, lang),
        provisional: a.provisional,
        expected: a.expected.map(|t| lang.target(&t, &i.unit)),
        override_reason: a.override_reason,
        note: i.note.clone(),
        sector: s.name.clone(),
    }
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
