//! The content format: what editors write in `site.yaml`, `plan.yaml` and `sectors/*.yaml`.
//! These types mirror the files one to one (and generate the published JSON Schema); checking
//! meaning and turning them into the typed plan happens in `validate`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// `content/site.yaml` (optional): settings for the whole site.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// Site title; defaults to the plan's title when there is one plan.
    pub title: Option<String>,
    /// English site title, used when `locale` is `en`.
    pub title_en: Option<String>,
    /// Page language: `vi` (default) or `en`.
    pub locale: Option<String>,
    /// Public address of the site, e.g. `https://kehoach.tiengiang.gov.vn/`.
    pub base_url: Option<String>,
    /// Theme folder name under `themes/` (default `default`).
    pub theme: Option<String>,
    /// Who `tiendo email` writes from and to.
    pub email: Option<EmailFile>,
}

/// The addresses of the email `tiendo email` writes (flags override them).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailFile {
    /// Sender, e.g. `Văn phòng UBND tỉnh <vanphong@tiengiang.gov.vn>`.
    pub from: Option<String>,
    /// Recipients.
    #[serde(default)]
    pub to: Vec<String>,
    /// Copies.
    #[serde(default)]
    pub cc: Vec<String>,
    /// The mail server for `tiendo email --send`, `host` or `host:port` (587 by default). Its
    /// user name and password come only from the environment.
    pub smtp: Option<String>,
}

/// Translations of an entity's texts: language code → field → text.
pub type Tr = BTreeMap<String, BTreeMap<String, String>>;

/// `<plan>/plan.yaml`: the identity of one plan. The folder name is the plan's id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// Full title of the plan.
    pub title: String,
    /// Short name for navigation, e.g. "Tiền Giang 2024".
    pub short_title: Option<String>,
    /// English title, used when the site's locale is `en`.
    pub title_en: Option<String>,
    /// English short title.
    pub short_title_en: Option<String>,
    /// English name of the issuing body.
    pub issuer_en: Option<String>,
    /// Issuing body, e.g. "Ủy ban nhân dân tỉnh Tiền Giang".
    pub issuer: String,
    /// Document number, e.g. "20/KH-UBND"; leave it out when it is not known (pages then say
    /// so; never write a placeholder that would be published as fact).
    pub document: Option<String>,
    /// English form of the document number, e.g. "Plan 20/KH-UBND".
    pub document_en: Option<String>,
    /// Date the plan was issued, `YYYY-MM-DD`; leave it out when it is not known.
    pub date: Option<String>,
    /// Position among the plans of a site with several (lower first; plans without one come
    /// after, by folder name).
    pub order: Option<i64>,
    /// The year the plan covers.
    pub year: i32,
    /// Where the plan document can be read.
    pub source_url: Option<String>,
    /// Date the data is current to, `YYYY-MM-DD`; defaults to the latest as-of date in the data.
    pub as_of: Option<String>,
    /// Relative shortfall (in percent of the bound) within which a partial-year value is
    /// "at risk" rather than "off track". Default 10.
    pub tolerance_percent: Option<f64>,
    /// `tiendo check` warns when an indicator's latest actual is older than this many days
    /// (default 180).
    pub stale_after_days: Option<u32>,
    /// Days after a period ends by which its figure is expected, for `tiendo check` (default 45).
    pub report_lag_days: Option<u32>,
    /// Sources that actuals and baselines can cite by key.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceFile>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: title, short_title, issuer, document. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// A cited source.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// Title of the report or article.
    pub title: String,
    /// Where it can be read.
    pub url: Option<String>,
}

/// `<plan>/sectors/<id>.yaml`: one sector or responsible agency. The file name is its id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectorFile {
    /// Sector name, e.g. "Nông nghiệp và Phát triển nông thôn".
    pub name: String,
    /// English name, used when the site's locale is `en`.
    pub name_en: Option<String>,
    /// Lead agency, e.g. "Sở Nông nghiệp và Phát triển nông thôn".
    pub lead: String,
    /// English name of the lead agency.
    pub lead_en: Option<String>,
    /// Position in menus and tables (lower first).
    pub order: i64,
    /// Where the sector's part is in the plan document, e.g. "B.II.1".
    pub section: Option<String>,
    /// Markdown commentary file, relative to this file; defaults to `<id>.md` beside it.
    pub commentary: Option<String>,
    /// Quantified targets.
    #[serde(default)]
    pub indicators: Vec<IndicatorFile>,
    /// Qualitative tasks with deadlines.
    #[serde(default)]
    pub tasks: Vec<TaskFile>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: name, lead. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// One indicator: a target and the actuals reported against it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorFile {
    /// Id, unique in the plan: lowercase letters, digits and `-`.
    pub id: String,
    /// Name as readers should see it.
    pub name: String,
    /// English name, used when the site's locale is `en`.
    pub name_en: Option<String>,
    /// Unit, e.g. `%`, `tỷ USD`, `xã`.
    #[serde(default)]
    pub unit: String,
    /// English unit, e.g. `billion USD`.
    pub unit_en: Option<String>,
    /// Which direction is better: `higher` (default) or `lower`.
    pub better: Option<Direction>,
    /// Where the target is in the plan document, e.g. "B.II.10.b".
    pub section: Option<String>,
    /// Show among the plan's headline targets on the overview.
    #[serde(default)]
    pub headline: bool,
    /// The target as the document words it, e.g. "từ 7,0 - 7,5%".
    pub wording: Option<String>,
    /// The wording in English.
    pub wording_en: Option<String>,
    /// The target: exactly one kind.
    pub target: TargetFile,
    /// The starting point the target is measured from.
    pub baseline: Option<BaselineFile>,
    /// How partial-year actuals relate to the annual target (default `ytd`).
    pub series: Option<SeriesKind>,
    /// Reported values, in any order.
    #[serde(default)]
    pub actuals: Vec<ActualFile>,
    /// A status set by the editor instead of the computed one, with the reason shown.
    #[serde(rename = "override")]
    pub status_override: Option<OverrideFile>,
    /// A note shown on the indicator card.
    pub note: Option<String>,
    /// English note.
    pub note_en: Option<String>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: name, unit, wording, note. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// Which direction of change is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (growth, revenue).
    Higher,
    /// Less is better (bad debt, crime).
    Lower,
}

/// How a series of actuals accumulates over the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// Year-to-date rate (growth over the months so far): compared with the annual bound.
    Ytd,
    /// Running total that grows to the annual figure: compared with a pro-rata path.
    Cumulative,
    /// Each period's own value (a quarter's growth): compared with the annual bound.
    PerPeriod,
    /// A ratio at a point in time (bad-debt ratio): the latest value is compared.
    Point,
}

/// A target. Give exactly one of the fields.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    /// Inclusive range `[min, max]`, e.g. "từ 7,0 - 7,5%".
    pub range: Option<Vec<f64>>,
    /// Inclusive lower bound, e.g. "từ 8% trở lên", "ít nhất 80%".
    pub at_least: Option<f64>,
    /// Strict lower bound, e.g. "trên 75%".
    pub more_than: Option<f64>,
    /// Inclusive upper bound, e.g. "không quá 5%".
    pub at_most: Option<f64>,
    /// Strict upper bound, e.g. "dưới 3%".
    pub less_than: Option<f64>,
    /// An exact count, e.g. "1.400 thanh niên".
    pub exactly: Option<f64>,
    /// "N more" than the baseline, e.g. "thêm 10 xã".
    pub increase: Option<f64>,
    /// A dated yes/no outcome: the date it is due, `YYYY-MM-DD`.
    pub milestone: Option<String>,
}

/// The value a target is measured from.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// The baseline value.
    pub value: f64,
    /// Its period, e.g. `2023`.
    #[serde(deserialize_with = "text_or_number")]
    #[schemars(with = "PeriodSchema")]
    pub period: String,
    /// Source key from `plan.yaml`, a URL, or a citation.
    pub source: Option<String>,
    /// A note on the figure.
    pub note: Option<String>,
    /// English note.
    pub note_en: Option<String>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: note. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// One reported value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualFile {
    /// `2024`, `2024-Q1`…`Q4`, `2024-H1`/`H2`, `2024-9M` (first N months), `2024-06`.
    #[serde(deserialize_with = "text_or_number")]
    #[schemars(with = "PeriodSchema")]
    pub period: String,
    /// A number, or `true`/`false` for a milestone.
    pub value: ActualValue,
    /// When the figure was published, `YYYY-MM-DD`.
    pub as_of: String,
    /// Source key from `plan.yaml`, a URL, or a citation.
    pub source: Option<String>,
    /// A note on the figure (estimate, conflicting sources…).
    pub note: Option<String>,
    /// English note.
    pub note_en: Option<String>,
    /// An estimate or preliminary figure. A number published before its period ends must say
    /// which it is: `true` (an estimate), or `false` when it is already final (the event is
    /// over, e.g. the year's call-up is complete).
    pub provisional: Option<bool>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: note. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// A reported number, or a yes/no for milestones.
#[derive(Debug, Clone, Copy, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum ActualValue {
    /// A measured value.
    Number(f64),
    /// Whether a milestone was reached.
    Reached(bool),
}

impl<'de> Deserialize<'de> for ActualValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ActualValueVisitor)
    }
}

/// Reads a number or true/false, and says in an editor's words what is wrong otherwise: above
/// all the decimal comma of Vietnamese writing (`7,38`), which YAML reads as text.
struct ActualValueVisitor;

impl serde::de::Visitor<'_> for ActualValueVisitor {
    type Value = ActualValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, or true or false for a milestone")
    }

    fn visit_f64<E>(self, v: f64) -> Result<ActualValue, E> {
        Ok(ActualValue::Number(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<ActualValue, E> {
        Ok(ActualValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<ActualValue, E> {
        Ok(ActualValue::Number(v as f64))
    }

    fn visit_bool<E>(self, v: bool) -> Result<ActualValue, E> {
        Ok(ActualValue::Reached(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ActualValue, E> {
        let t = v.trim();
        let comma = t.replace('.', "").replace(',', ".");
        if t.contains(',') && comma.parse::<f64>().is_ok() {
            return Err(E::custom(format!(
                "`{t}` is written with a decimal comma, which YAML reads as text; the number is `{comma}`"
            )));
        }
        Err(E::custom(format!("`{t}` is not a number")))
    }
}

/// An editor's status decision.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideFile {
    /// One of `achieved`, `better_than_target`, `not_achieved`, `on_track`, `at_risk`, `behind`,
    /// `no_data`, `not_yet_due` (the old `exceeded` and `off_track` are read with a warning).
    pub status: String,
    /// Why, shown to readers.
    pub reason: String,
    /// Why, in English.
    pub reason_en: Option<String>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: reason. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// A qualitative task.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskFile {
    /// Id, unique in the plan.
    pub id: String,
    /// What must be done.
    pub text: String,
    /// English text, used when the site's locale is `en`.
    pub text_en: Option<String>,
    /// Responsible agency; defaults to the sector's lead.
    pub agency: Option<String>,
    /// English name of the responsible agency.
    pub agency_en: Option<String>,
    /// Where the task is in the plan document.
    pub section: Option<String>,
    /// Deadline `YYYY-MM-DD`; defaults to the end of the plan year.
    pub due: Option<String>,
    /// The deadline as the document words it, e.g. "quý I/2024".
    pub due_wording: Option<String>,
    /// The deadline's wording in English, e.g. "Q1 2024".
    pub due_wording_en: Option<String>,
    /// Reported state; leave it out while nothing has been reported.
    pub status: Option<TaskState>,
    /// When it was completed, `YYYY-MM-DD` (for `done`).
    pub done_on: Option<String>,
    /// Latest progress note.
    pub update: Option<UpdateFile>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: text, agency, due_wording. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// Reported task state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Not begun.
    NotStarted,
    /// Under way.
    InProgress,
    /// Completed.
    Done,
    /// Completed after the deadline.
    DoneLate,
    /// Past the deadline and not completed.
    Overdue,
}

/// A dated progress note.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFile {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What happened.
    pub note: String,
    /// Source key, URL or citation.
    pub source: Option<String>,
    /// Translations for sites in other languages, by language code (any language the theme
    /// has), e.g. `tr: {fr: {...}}`; fields: note. English may also use the `_en` fields.
    #[serde(default)]
    pub tr: Tr,
}

/// Schema stand-in for periods, which may be written as a bare year.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum PeriodSchema {
    Year(i32),
    Text(String),
}

/// Accepts `2024` (a YAML number) as well as `"2024-Q1"`.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    Ok(
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "expected a period such as 2024, 2024-Q1, 2024-H1, 2024-9M or 2024-06",
            )
        })? {
            Raw::Int(i) => i.to_string(),
            Raw::Text(s) => s,
        },
    )
}

/// The JSON Schema of every content file, as published in `schema/`.
pub fn schemas() -> Result<BTreeMap<&'static str, serde_json::Value>, serde_json::Error> {
    let mut out = BTreeMap::new();
    out.insert(
        "site",
        serde_json::to_value(schemars::schema_for!(SiteFile))?,
    );
    out.insert(
        "plan",
        serde_json::to_value(schemars::schema_for!(PlanFile))?,
    );
    out.insert(
        "sector",
        serde_json::to_value(schemars::schema_for!(SectorFile))?,
    );
    Ok(out)
}
