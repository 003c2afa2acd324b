//! Open data downloads: the whole plan and each sector as JSON and CSV, with statuses and
//! sources. CSV is UTF-8 with a byte-order mark (so Excel shows Vietnamese), numbers use a
//! decimal point, and text cells that a spreadsheet would run as a formula are neutralised.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::{Actual, Indicator, Plan, Sector, Source, Target, Task, Value};
use crate::routes::data_file;
use crate::status::{Assessment, SectorStatus, Status};
use crate::unit::{Emit, Output, Piece, PlanCx};
use crate::write::Page;

#[derive(Serialize)]
struct PlanJson<'a> {
    id: &'a str,
    title: &'a str,
    issuer: &'a str,
    /// Null when the plan does not give it.
    document: Option<&'a str>,
    /// Null when the plan does not give it.
    date: Option<String>,
    year: i32,
    as_of: String,
    source_url: Option<&'a str>,
    sectors: Vec<SectorJson<'a>>,
}

#[derive(Serialize)]
struct SectorJson<'a> {
    id: &'a str,
    name: &'a str,
    lead: &'a str,
    section: Option<&'a str>,
    indicators: Vec<IndicatorJson<'a>>,
    tasks: Vec<TaskJson<'a>>,
}

#[derive(Serialize)]
struct TargetJson {
    kind: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    due: Option<String>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    title: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct ActualJson<'a> {
    period: String,
    value: Option<f64>,
    reached: Option<bool>,
    as_of: String,
    provisional: bool,
    source: Option<SourceJson<'a>>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct IndicatorJson<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    better: &'static str,
    section: Option<&'a str>,
    wording: Option<&'a str>,
    target: TargetJson,
    baseline: Option<f64>,
    baseline_period: Option<&'a str>,
    series: &'static str,
    status: &'static str,
    status_label: String,
    /// The status the rules give; differs from `status` only under an editor's override.
    rule_status: &'static str,
    provisional: bool,
    override_reason: Option<String>,
    latest_period: Option<String>,
    actuals: Vec<ActualJson<'a>>,
}

#[derive(Serialize)]
struct TaskJson<'a> {
    id: &'a str,
    text: &'a str,
    agency: &'a str,
    section: Option<&'a str>,
    due: String,
    status: &'static str,
    status_label: String,
    update_date: Option<String>,
    update_note: Option<&'a str>,
}

/// `url` if it passes the one URL rule. Validation already refused any other, so this only
/// guards open data against a model built some other way.
fn published(url: Option<&str>) -> Option<&str> {
    url.filter(|u| crate::weburl::is_acceptable(u))
}

fn source_json(s: &Option<Source>) -> Option<SourceJson<'_>> {
    s.as_ref().map(|s| SourceJson {
        title: &s.title,
        url: published(s.url.as_deref()),
    })
}

/// Kind, lower and upper bound (or due date) of a target, as in the CSV columns.
fn target_json(t: &Target) -> TargetJson {
    let (kind, min, max, due) = match *t {
        Target::Range { min, max } => ("range", Some(min), Some(max), None),
        Target::AtLeast(b) => ("at_least", Some(b), None, None),
        Target::MoreThan(b) => ("more_than", Some(b), None, None),
        Target::AtMost(b) => ("at_most", None, Some(b), None),
        Target::LessThan(b) => ("less_than", None, Some(b), None),
        Target::Exactly(n) => ("exactly", Some(n), Some(n), None),
        Target::Increase(n) => ("increase", Some(n), None, None),
        Target::Milestone { due } => ("milestone", None, None, Some(due.to_string())),
    };
    TargetJson {
        kind,
        min,
        max,
        due,
    }
}

fn actual_json(a: &Actual) -> ActualJson<'_> {
    let (value, reached) = match a.value {
        Value::Number(v) => (Some(v), None),
        Value::Reached(r) => (None, Some(r)),
    };
    ActualJson {
        period: a.period.code(),
        value,
        reached,
        as_of: a.as_of.to_string(),
        provisional: a.is_provisional(),
        source: source_json(&a.source),
        note: a.note.as_deref(),
    }
}

fn indicator_json<'a>(i: &'a Indicator, a: &Assessment, lang: &Lang) -> IndicatorJson<'a> {
    IndicatorJson {
        id: &i.id,
        name: &i.name,
        unit: &i.unit,
        better: match i.better {
            crate::model::Direction::Higher => "higher",
            crate::model::Direction::Lower => "lower",
        },
        section: i.section.as_deref(),
        wording: i.wording.as_deref(),
        target: target_json(&i.target),
        baseline: i.baseline.as_ref().map(|b| b.value),
        baseline_period: i.baseline.as_ref().map(|b| b.period.as_str()),
        series: match i.series {
            crate::model::SeriesKind::Ytd => "ytd",
            crate::model::SeriesKind::Cumulative => "cumulative",
            crate::model::SeriesKind::PerPeriod => "per_period",
            crate::model::SeriesKind::Point => "point",
        },
        status: a.status.key(),
        status_label: lang.status(a.status.key()).to_string(),
        rule_status: a.computed.key(),
        provisional: a.provisional,
        override_reason: a.override_reason.clone(),
        latest_period: a.latest.map(|k| i.actuals[k].period.code()),
        actuals: i.actuals.iter().map(actual_json).collect(),
    }
}

fn task_json<'a>(t: &'a Task, s: Status, lang: &Lang) -> TaskJson<'a> {
    TaskJson {
        id: &t.id,
        text: &t.text,
        agency: &t.agency,
        section: t.section.as_deref(),
        due: t.due.to_string(),
        status: s.key(),
        status_label: lang.status(s.key()).to_string(),
        update_date: t.update.as_ref().map(|u| u.date.to_string()),
        update_note: t.update.as_ref().map(|u| u.note.as_str()),
    }
}

fn sector_json<'a>(s: &'a Sector, st: &SectorStatus, lang: &Lang) -> SectorJson<'a> {
    SectorJson {
        id: &s.id,
        name: &s.name,
        lead: &s.lead,
        section: s.section.as_deref(),
        indicators: s
            .indicators
            .iter()
            .zip(&st.indicators)
            .map(|(i, a)| indicator_json(i, a, lang))
            .collect(),
        tasks: s
            .tasks
            .iter()
            .zip(&st.tasks)
            .map(|(t, &status)| task_json(t, status, lang))
            .collect(),
    }
}

/// One sector's open data, made once for both its own files and the plan's: its JSON object
/// and its rows of the three CSV tables (without header).
#[derive(Debug, Default)]
pub struct SectorData {
    json: Vec<u8>,
    indicators: Vec<u8>,
    actuals: Vec<u8>,
    tasks: Vec<u8>,
}

/// `value` as JSON for the file at `path`. Serialising tiendo's own data cannot fail short of
/// a bug; if it ever does, the build reports it (and fails) instead of writing an empty file.
fn json<T: Serialize>(value: &T, path: &str, pretty: bool) -> Result<Vec<u8>, Diagnostic> {
    let made = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    made.map_err(|e| bug(path, "JSON", e))
}

/// A sector's open data.
pub fn sector_data(
    plan: &str,
    s: &Sector,
    st: &SectorStatus,
    lang: &Lang,
) -> Result<SectorData, Diagnostic> {
    let sj = sector_json(s, st, lang);
    let one = std::slice::from_ref(&sj);
    let (json_path, csv_path) = crate::routes::sector_data(&s.id);
    let rows = |made: csv::Result<Vec<u8>>| made.map_err(|e| bug(&csv_path, "CSV", e));
    Ok(SectorData {
        json: json(&sj, &json_path, false)?,
        indicators: rows(indicators_csv(plan, one))?,
        actuals: rows(actuals_csv(plan, one))?,
        tasks: rows(tasks_csv(plan, one))?,
    })
}

/// The open data of every plan, as an output: under the plan's folder, `data/plan.json`, the
/// three CSV tables, each sector's JSON and CSV, and the input's schema. Sectors are converted
/// in parallel, each once (or taken from what the last render kept); the plan's files are
/// their concatenation.
pub struct OpenData;

impl Output for OpenData {
    fn plan(&self, cx: &PlanCx<'_>, out: &Emit<'_>) -> Vec<Piece> {
        let (plan, dir) = (cx.plan, cx.dir);
        let kept = |s: &Sector| (cx.kept)(s).and_then(|p| p.downcast::<SectorData>().ok());
        let sectors: Vec<Arc<SectorData>> = plan
            .sectors
            .par_iter()
            .zip(&cx.decided.sectors)
            .map(|(s, st)| {
                let data = kept(s).unwrap_or_else(|| {
                    Arc::new(sector_data(&plan.id, s, st, cx.lang).unwrap_or_else(|d| {
                        out.error(d);
                        SectorData::default()
                    }))
                });
                let (json_path, csv_path) = crate::routes::sector_data(&s.id);
                let mut json = data.json.clone();
                json.push(b'\n');
                out.put(Page {
                    path: format!("{dir}{json_path}"),
                    bytes: json,
                });
                let csv = csv_file(&INDICATOR_COLUMNS, &[&data.indicators]);
                put_csv(out, format!("{dir}{csv_path}"), csv);
                data
            })
            .collect();
        let table = |key: &str, header: &[&str], rows: fn(&SectorData) -> &[u8]| {
            let parts: Vec<&[u8]> = sectors.iter().map(|d| rows(d)).collect();
            let path = format!("{dir}{}", data_file(key));
            put_csv(out, path, csv_file(header, &parts));
        };
        table("indicators_csv", &INDICATOR_COLUMNS, |d| &d.indicators);
        table("actuals_csv", &ACTUAL_COLUMNS, |d| &d.actuals);
        table("tasks_csv", &TASK_COLUMNS, |d| &d.tasks);
        let path = format!("{dir}{}", data_file("plan_json"));
        out.result(plan_json(plan, &sectors, &path).map(|bytes| Page { path, bytes }));
        let path = format!("{dir}{}", data_file("schema"));
        let schema = crate::input::schemas()
            .map_err(|e| bug(&path, "a JSON Schema", e))
            .and_then(|s| json(&s, &path, true));
        out.result(schema.map(|bytes| Page { path, bytes }));
        sectors.into_iter().map(|d| d as Piece).collect()
    }
}

/// Hands over a CSV file, or the bug that kept it from being made.
fn put_csv(out: &Emit<'_>, path: String, made: csv::Result<Vec<u8>>) {
    out.result(
        made.map_err(|e| bug(&path, "CSV", e))
            .map(|bytes| Page { path, bytes }),
    );
}

/// `data/plan.json`: the plan's header with every sector's object spliced in.
fn plan_json(plan: &Plan, sectors: &[Arc<SectorData>], path: &str) -> Result<Vec<u8>, Diagnostic> {
    let head = PlanJson {
        id: &plan.id,
        title: &plan.title,
        issuer: &plan.issuer,
        document: plan.document.as_deref(),
        date: plan.date.map(|d| d.to_string()),
        year: plan.year,
        as_of: plan.as_of.to_string(),
        source_url: published(plan.source_url.as_deref()),
        sectors: Vec::new(),
    };
    // `sectors` is the last field: splice the sectors' objects into its empty list.
    let mut whole = json(&head, path, false)?;
    debug_assert!(whole.ends_with(b"[]}"));
    whole.truncate(whole.len().saturating_sub(2));
    for (i, d) in sectors.iter().enumerate() {
        if i > 0 {
            whole.push(b',');
        }
        whole.extend_from_slice(&d.json);
    }
    whole.extend_from_slice(b"]}\n");
    Ok(whole)
}

/// A CSV file: byte-order mark, header, then the rows of every part.
fn csv_file(header: &[&str], parts: &[&[u8]]) -> csv::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header)?;
    let mut out = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(out)
}

/// A serialiser's failure on tiendo's own data: a bug, reported instead of an empty file.
fn bug(path: &str, what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        &std::path::PathBuf::from(path),
        0,
        0,
        format!("could not write {path} as {what}: {e}"),
    )
    .with_hint("this is a bug in tiendo, not in your content; please report it")
}

/// A text cell that cannot start a spreadsheet formula.
pub fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// CSV rows, without header.
fn csv_rows(header: &[&str], rows: Vec<Vec<String>>) -> csv::Result<Vec<u8>> {
    debug_assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "every row has every column"
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Column names of `indicators.csv` and the per-sector CSV files, documented on the data page.
pub const INDICATOR_COLUMNS: [&str; 21] = [
    "plan_id",
    "sector_id",
    "sector",
    "indicator_id",
    "indicator",
    "unit",
    "better",
    "target_kind",
    "target_min",
    "target_max",
    "baseline",
    "baseline_period",
    "latest_period",
    "latest_value",
    "latest_as_of",
    "provisional",
    "status",
    "rule_status",
    "override_reason",
    "source",
    "source_url",
];

fn indicators_csv(plan: &str, sectors: &[SectorJson<'_>]) -> csv::Result<Vec<u8>> {
    let mut rows = Vec::new();
    for s in sectors {
        for i in &s.indicators {
            let latest = i
                .latest_period
                .as_ref()
                .and_then(|p| i.actuals.iter().rev().find(|a| &a.period == p));
            let value = latest.map(|a| match (a.value, a.reached) {
                (Some(v), _) => v.to_string(),
                (None, Some(r)) => r.to_string(),
                _ => String::new(),
            });
            rows.push(vec![
                plan.to_string(),
                s.id.to_string(),
                safe_cell(s.name),
                i.id.to_string(),
                safe_cell(i.name),
                safe_cell(i.unit),
                i.better.to_string(),
                i.target.kind.to_string(),
                num(i.target.min),
                i.target.due.clone().unwrap_or_else(|| num(i.target.max)),
                num(i.baseline),
                safe_cell(i.baseline_period.unwrap_or_default()),
                i.latest_period.clone().unwrap_or_default(),
                value.unwrap_or_default(),
                latest.map(|a| a.as_of.clone()).unwrap_or_default(),
                i.provisional.to_string(),
                i.status.to_string(),
                i.rule_status.to_string(),
                safe_cell(i.override_reason.as_deref().unwrap_or_default()),
                latest
                    .and_then(|a| a.source.as_ref())
                    .map(|s| safe_cell(s.title))
                    .unwrap_or_default(),
                latest
                    .and_then(|a| a.source.as_ref())
                    .and_then(|s| published(s.url))
                    .map(safe_cell)
                    .unwrap_or_default(),
            ]);
        }
    }
    csv_rows(&INDICATOR_COLUMNS, rows)
}

/// Column names of `actuals.csv`.
pub const ACTUAL_COLUMNS: [&str; 12] = [
    "plan_id",
    "sector_id",
    "indicator_id",
    "indicator",
    "unit",
    "period",
    "value",
    "as_of",
    "provisional",
    "source",
    "source_url",
    "note",
];

fn actuals_csv(plan: &str, sectors: &[SectorJson<'_>]) -> csv::Result<Vec<u8>> {
    let mut rows = Vec::new();
    for s in sectors {
        for i in &s.indicators {
            for a in &i.actuals {
                rows.push(vec![
                    plan.to_string(),
                    s.id.to_string(),
                    i.id.to_string(),
                    safe_cell(i.name),
                    safe_cell(i.unit),
                    a.period.clone(),
                    a.value
                        .map(|v| v.to_string())
                        .or(a.reached.map(|r| r.to_string()))
                        .unwrap_or_default(),
                    a.as_of.clone(),
                    a.provisional.to_string(),
                    a.source
                        .as_ref()
                        .map(|s| safe_cell(s.title))
                        .unwrap_or_default(),
                    a.source
                        .as_ref()
                        .and_then(|s| published(s.url))
                        .map(safe_cell)
                        .unwrap_or_default(),
                    safe_cell(a.note.unwrap_or_default()),
                ]);
            }
        }
    }
    csv_rows(&ACTUAL_COLUMNS, rows)
}

/// Column names of `tasks.csv`.
pub const TASK_COLUMNS: [&str; 10] = [
    "plan_id",
    "sector_id",
    "task_id",
    "task",
    "agency",
    "section",
    "due",
    "status",
    "update_date",
    "update_note",
];

fn tasks_csv(plan: &str, sectors: &[SectorJson<'_>]) -> csv::Result<Vec<u8>> {
    let mut rows = Vec::new();
    for s in sectors {
        for t in &s.tasks {
            rows.push(vec![
                plan.to_string(),
                s.id.to_string(),
                t.id.to_string(),
                safe_cell(t.text),
                safe_cell(t.agency),
                safe_cell(t.section.unwrap_or_default()),
                t.due.clone(),
                t.status.to_string(),
                t.update_date.clone().unwrap_or_default(),
                safe_cell(t.update_note.unwrap_or_default()),
            ]);
        }
    }
    csv_rows(&TASK_COLUMNS, rows)
}

/// A documented column for the data page.
#[derive(Debug, Serialize)]
pub struct ColumnDoc {
    /// Column name.
    pub name: &'static str,
    /// Its meaning, from the theme's `column_<name>` string.
    pub meaning: String,
}

/// The documentation of every column, by file, for the data page.
pub fn column_docs(lang: &Lang) -> Vec<(&'static str, Vec<ColumnDoc>)> {
    let doc = |cols: &[&'static str]| {
        cols.iter()
            .map(|c| ColumnDoc {
                name: c,
                meaning: lang.t(&format!("column_{c}")).to_string(),
            })
            .collect()
    };
    vec![
        ("indicators.csv", doc(&INDICATOR_COLUMNS)),
        ("actuals.csv", doc(&ACTUAL_COLUMNS)),
        ("tasks.csv", doc(&TASK_COLUMNS)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-cmd"), "'-cmd");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("Sở Y tế"), "Sở Y tế");
    }

    #[test]
    fn csv_has_bom_header_and_quotes() {
        let rows = csv_rows(&["a", "b"], vec![vec!["x, y".into(), "\"q\"".into()]]).unwrap();
        let more = csv_rows(&["a", "b"], vec![vec!["z".into(), "".into()]]).unwrap();
        let bytes = csv_file(&["a", "b"], &[&more, &rows]).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFa,b\nz,\n"));
        assert!(
            String::from_utf8(bytes)
                .unwrap()
                .ends_with("\"x, y\",\"\"\"q\"\"\"\n")
        );
    }
}
