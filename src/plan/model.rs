//! The typed plan that every later stage works on: built by `validate`, never by hand.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::Loc;
pub use crate::input::{Direction, SeriesKind, TaskState};
use crate::period::Period;

/// The whole site: one or more plans.
#[derive(Debug)]
pub struct Site {
    /// Site title.
    pub title: String,
    /// Page language code; its strings come from the theme's `i18n/<locale>.yaml`.
    pub locale: String,
    /// Public address, if published.
    pub base_url: Option<String>,
    /// Theme name.
    pub theme: String,
    /// Who `tiendo email` writes from and to (addresses checked).
    pub email: Email,
    /// Plans, by `order` then id.
    pub plans: Vec<Plan>,
}

/// The addresses of the email `tiendo email` writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Email {
    /// Sender.
    pub from: Option<String>,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Mail server, `host[:port]`.
    pub smtp: Option<String>,
}

/// One plan document with its sectors.
#[derive(Debug)]
pub struct Plan {
    /// Folder name; also its path in the site when there are several plans.
    pub id: String,
    /// Full title.
    pub title: String,
    /// Short title for navigation.
    pub short_title: String,
    /// Issuing body.
    pub issuer: String,
    /// Document number, if known.
    pub document: Option<String>,
    /// Issue date, if known.
    pub date: Option<NaiveDate>,
    /// Position among the site's plans (lower first), if given.
    pub order: Option<i64>,
    /// Plan year.
    pub year: i32,
    /// Where the document can be read.
    pub source_url: Option<String>,
    /// Date statuses are evaluated at.
    pub as_of: NaiveDate,
    /// Where `as_of` came from.
    pub as_of_from: AsOf,
    /// Where plan.yaml sets `as_of` (or, without one, its `year`).
    pub at: Loc,
    /// Relative shortfall that is "at risk" rather than "off track" (0.1 = 10 %).
    pub tolerance: f64,
    /// `tiendo check` warns when the latest actual is older than this many days.
    pub stale_after_days: u32,
    /// Days after a period ends by which its figure is expected.
    pub report_lag_days: u32,
    /// Markdown introduction (`overview.md`), if any.
    pub overview_md: Option<String>,
    /// Sectors by display order.
    pub sectors: Vec<Sector>,
    /// The sources declared in plan.yaml, by key (notes may cite them by key).
    pub sources: Sources,
    /// Where each declared source is written (for `check`).
    pub sources_at: BTreeMap<String, Loc>,
    /// Texts shown in Vietnamese on a site in another language, for want of a translation
    /// (pages mark them `lang="vi"`): field names (`title`, `issuer`, `document`).
    pub untranslated: Vec<&'static str>,
}

/// Where a plan's status date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Written in plan.yaml.
    Given,
    /// The newest publication date in the data (no `as_of` in plan.yaml).
    NewestFigure,
}

/// A sector or responsible agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    /// File name without extension.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Lead agency.
    pub lead: String,
    /// Display order.
    pub order: i64,
    /// Place in the plan document.
    pub section: Option<String>,
    /// Markdown commentary.
    pub commentary_md: String,
    /// Where the commentary came from, for error messages.
    pub commentary_file: Option<PathBuf>,
    /// Indicators in file order.
    pub indicators: Vec<Indicator>,
    /// Tasks in file order.
    pub tasks: Vec<Task>,
    /// Texts shown in Vietnamese on a site in another language, for want of a translation
    /// (pages mark them `lang="vi"`): field names (`name`, `lead`).
    pub untranslated: Vec<&'static str>,
}

/// A target kind with its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// `min ≤ x ≤ max`.
    Range {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `x ≥ b`.
    AtLeast(f64),
    /// `x > b`.
    MoreThan(f64),
    /// `x ≤ b`.
    AtMost(f64),
    /// `x < b`.
    LessThan(f64),
    /// `x = n`.
    Exactly(f64),
    /// `x − baseline ≥ n`.
    Increase(f64),
    /// Reached by the date.
    Milestone {
        /// Due date.
        due: NaiveDate,
    },
}

/// A cited source, resolved from a key, URL or citation. Its texts are shared: a declared
/// source is cited by thousands of figures on a national site, and each citation is a copy of
/// two pointers, not of the texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Title or citation.
    pub title: Arc<str>,
    /// Link, if any.
    pub url: Option<Arc<str>>,
}

/// The starting value of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Value.
    pub value: f64,
    /// Period, e.g. `2023`.
    pub period: String,
    /// Source.
    pub source: Option<Source>,
    /// Note.
    pub note: Option<String>,
}

/// A reported value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A milestone outcome.
    Reached(bool),
}

/// One reported actual.
#[derive(Debug, Clone, PartialEq)]
pub struct Actual {
    /// Period covered.
    pub period: Period,
    /// Value.
    pub value: Value,
    /// Publication date.
    pub as_of: NaiveDate,
    /// Source.
    pub source: Option<Source>,
    /// Note.
    pub note: Option<String>,
    /// Flagged as an estimate by the source.
    pub provisional: bool,
    /// Where it was written.
    pub at: Loc,
    /// Texts shown in Vietnamese on a site in another language, for want of a translation
    /// (pages mark them `lang="vi"`): field names (`note`).
    pub untranslated: Vec<&'static str>,
}

impl Actual {
    /// The one provisional rule: a figure is provisional when it covers part of the year or its
    /// source calls it an estimate. Only a final full-year figure settles a target.
    pub fn is_provisional(&self) -> bool {
        self.provisional || !self.period.ends_year()
    }
}

/// An editor's status decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Status to show.
    pub status: Status,
    /// Reason shown with it.
    pub reason: String,
}

/// An indicator with its target and actuals.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Id unique in the plan.
    pub id: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Better direction.
    pub better: Direction,
    /// Place in the plan document.
    pub section: Option<String>,
    /// Headline target.
    pub headline: bool,
    /// The document's wording.
    pub wording: Option<String>,
    /// Target.
    pub target: Target,
    /// Baseline.
    pub baseline: Option<Baseline>,
    /// How the series accumulates.
    pub series: SeriesKind,
    /// Actuals, oldest first.
    pub actuals: Vec<Actual>,
    /// Editor's override.
    pub status_override: Option<Override>,
    /// Note.
    pub note: Option<String>,
    /// Where it was written.
    pub at: Loc,
    /// Texts shown in Vietnamese on a site in another language, for want of a translation
    /// (pages mark them `lang="vi"`): field names (`name`, `unit`, `wording`, `note`, `reason`, `baseline_note`).
    pub untranslated: Vec<&'static str>,
}

/// A dated progress note.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// Date.
    pub date: NaiveDate,
    /// Text.
    pub note: String,
    /// Source.
    pub source: Option<Source>,
}

/// A qualitative task.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Id unique in the plan.
    pub id: String,
    /// What must be done.
    pub text: String,
    /// Responsible agency.
    pub agency: String,
    /// Place in the plan document.
    pub section: Option<String>,
    /// Deadline.
    pub due: NaiveDate,
    /// The document's wording of the deadline.
    pub due_wording: Option<String>,
    /// Reported state; `None` when nothing has been reported.
    pub state: Option<TaskState>,
    /// Completion date.
    pub done_on: Option<NaiveDate>,
    /// Latest update.
    pub update: Option<Update>,
    /// Where it was written.
    pub at: Loc,
    /// Texts shown in Vietnamese on a site in another language, for want of a translation
    /// (pages mark them `lang="vi"`): field names (`text`, `agency`, `due_wording`, `update_note`).
    pub untranslated: Vec<&'static str>,
}

/// Sources declared in a plan, by key.
pub type Sources = BTreeMap<String, Source>;

/// Where something stands. Indicators use the first eight; tasks and milestones the rest.
///
/// A settled (full-year, final) figure is judged *achieved*, *better than target* or *not
/// achieved*; a part-year or provisional figure *on track*, *at risk* or *behind*. No word is
/// shared between the two, so a reader can always tell "behind in June" from "missed the year".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// A settled figure meets the target.
    Achieved,
    /// A settled figure beats the target in the better direction (higher or lower).
    BetterThanTarget,
    /// A settled figure misses the target.
    NotAchieved,
    /// A part-year or provisional figure is on course for the target.
    OnTrack,
    /// A part-year or provisional figure falls short by no more than the tolerance.
    AtRisk,
    /// A part-year or provisional figure falls short beyond the tolerance.
    Behind,
    /// Due, but nothing was reported.
    NoData,
    /// Not due yet and nothing reported.
    NotYetDue,
    /// Completed on time.
    Done,
    /// Completed after the deadline.
    DoneLate,
    /// Under way and within the deadline.
    OnSchedule,
    /// Past the deadline and not completed.
    Overdue,
    /// Not begun, deadline not passed.
    NotStarted,
}

/// The broad groups summaries count in, in display order. Each has a colour; each status its
/// own icon shape within its group's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Achieved, better than target, done, done late.
    Met,
    /// On track, on schedule.
    OnTrack,
    /// At risk.
    AtRisk,
    /// Behind, not achieved, overdue: needs attention.
    Short,
    /// Due with nothing reported.
    NoData,
    /// Not yet due, not started.
    NotYetDue,
}

/// The groups used in summary counts, in display order.
pub const GROUPS: [Group; 6] = [
    Group::Met,
    Group::OnTrack,
    Group::AtRisk,
    Group::Short,
    Group::NoData,
    Group::NotYetDue,
];
