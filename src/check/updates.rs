//! Merges the figures and task updates of a plan's spreadsheet (`sheet`) into its sectors,
//! checked exactly as YAML figures are (`validate::actual`), with every problem reported at
//! the spreadsheet's row and column and naming the cell. A figure given both in YAML and in
//! the spreadsheet, or a task updated in both, is an error naming both places.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::{Checker, Locations, Texts, actual, source};
use crate::diagnostic::{Diagnostic, closest};
use crate::input::ActualFile;
use crate::load::Text;
use crate::model::{Actual, Sector, Sources, Target, Update};
use crate::sheet::{Cell, FigureRow, Place, Rows, TaskRow, Updates};
use crate::yaml::Spans;

/// What merging needs of the plan.
pub(super) struct Context<'a> {
    pub(super) year: i32,
    pub(super) sources: &'a Sources,
    pub(super) texts: Texts,
    pub(super) locations: Locations,
    /// Each sector's YAML file, by sector id (to name it when a figure is in both).
    pub(super) files: &'a BTreeMap<&'a str, &'a Path>,
}

/// For a figure in % read from a cell Excel formatted as a percentage (7,38 % is stored as
/// 0.0738): the figure it probably was, when the value is below 1 and the target's bound at
/// least 2.
fn percent_cell(unit: &str, target: &Target, value: &crate::model::Value) -> Option<String> {
    let crate::model::Value::Number(v) = *value else {
        return None;
    };
    let bound = match *target {
        Target::Range { min, .. } => min,
        Target::AtLeast(b) | Target::MoreThan(b) | Target::AtMost(b) | Target::LessThan(b) => b,
        Target::Exactly(n) => n,
        Target::Increase(_) | Target::Milestone { .. } => return None,
    };
    (unit.trim() == "%" && v > 0.0 && v < 1.0 && bound >= 2.0)
        .then(|| format!("{}", (v * 10000.0).round() / 100.0))
}

/// Every cell of the task rows, under YAML-like paths (`rows[3].status`).
fn task_spans(rows: &[TaskRow]) -> Spans {
    let mut map = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        map.insert(format!("rows[{k}]"), (r.at.row, r.at.col));
        map.insert(format!("rows[{k}].task"), (r.task.1.row, r.task.1.col));
        let cells = [
            ("status", r.status.map(|s| s.1)),
            ("done_on", r.done_on.as_ref().map(|d| d.1)),
            ("date", r.update.as_ref().map(|u| u.date.1)),
            (
                "source",
                r.update
                    .as_ref()
                    .and_then(|u| u.source.as_ref())
                    .map(|s| s.1),
            ),
        ];
        for (field, at) in cells {
            if let Some(at) = at {
                map.insert(format!("rows[{k}].{field}"), (at.row, at.col));
            }
        }
    }
    Spans::from_map(map)
}

impl Context<'_> {
    /// How a message names sector `id`'s YAML file.
    fn file_of(&self, id: &str) -> String {
        self.files.get(id).map_or_else(
            || format!("the sector file of `{id}`"),
            |f| f.display().to_string(),
        )
    }
}

/// The hint for an id the plan does not have: the closest one, or where ids are.
fn unknown(id: &str, known: &[&str]) -> String {
    match closest(id, known) {
        Some(near) => format!(
            "did you mean `{near}`? Ids are in the sector files and in `tiendo template`'s workbook"
        ),
        None => {
            "copy the id from the sector file, or make a workbook with `tiendo template`".into()
        }
    }
}

/// Adds the spreadsheet's figures and task updates to `sectors`.
pub(super) fn merge(
    updates: &Updates,
    sectors: &mut [Sector],
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(rows) = &updates.figures {
        figures(rows, sectors, cx, diags);
    }
    if let Some(rows) = &updates.tasks {
        tasks(rows, sectors, cx, diags);
    }
}

/// Every cell of the figure rows, under YAML-like paths (`rows[3].value`).
fn figure_spans(rows: &[FigureRow]) -> Spans {
    let mut map = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        let mut put = |field: &str, at: Cell| {
            map.insert(format!("rows[{k}]{field}"), (at.row, at.col));
        };
        put("", r.at);
        put(".indicator", r.indicator.1);
        put(".period", r.period.1);
        put(".value", r.value.1);
        put(".as_of", r.as_of.1);
        if let Some((_, at)) = &r.source {
            put(".source", *at);
        }
    }
    Spans::from_map(map)
}

/// The spreadsheet as a file messages name (its cells are not shown as text).
fn sheet_text<T>(rows: &Rows<T>) -> Text {
    Text {
        path: rows.file.clone(),
        text: Arc::from(""),
    }
}

/// A checker reporting at the spreadsheet's cells.
fn checker<'a>(
    file: &'a Text,
    spans: &'a Spans,
    place: Place<'a>,
    cx: &Context<'_>,
    diags: &'a mut Vec<Diagnostic>,
) -> Checker<'a> {
    Checker {
        file,
        spans,
        diags,
        texts: cx.texts,
        locations: cx.locations,
        cells: Some(place),
    }
}

fn figures(
    rows: &Rows<FigureRow>,
    sectors: &mut [Sector],
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let (file, spans) = (sheet_text(rows), figure_spans(&rows.rows));
    let mut c = checker(&file, &spans, rows.place(), cx, diags);
    let index: BTreeMap<String, (usize, usize)> = sectors
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            let ids = s.indicators.iter().enumerate();
            ids.map(move |(ii, i)| (i.id.clone(), (si, ii)))
        })
        .collect();
    // The sheet's figures by indicator, added once every row is checked against the YAML's.
    let mut added: BTreeMap<(usize, usize), Vec<Actual>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (k, r) in rows.rows.iter().enumerate() {
        let path = format!("rows[{k}]");
        let id = &r.indicator.0;
        let Some(&(si, ii)) = index.get(id) else {
            let known: Vec<&str> = index.keys().map(String::as_str).collect();
            c.error(
                &format!("{path}.indicator"),
                format!("this plan has no indicator `{id}`"),
                unknown(id, &known),
            );
            continue;
        };
        let sector = &sectors[si];
        let ind = &sector.indicators[ii];
        let given = ActualFile {
            period: r.period.0.clone(),
            value: r.value.0,
            as_of: r.as_of.0.clone(),
            source: r.source.as_ref().map(|s| s.0.clone()),
            note: r.note.clone(),
            note_en: None,
            provisional: r.provisional,
            tr: Default::default(),
        };
        let milestone = matches!(ind.target, Target::Milestone { .. });
        let Some(a) = actual(&mut c, &path, &given, cx.year, milestone, cx.sources) else {
            continue;
        };
        let code = a.period.code();
        if ind.actuals.iter().any(|y| y.period == a.period) {
            let there = cx.file_of(&sector.id);
            c.error(
                &format!("{path}.period"),
                format!("the {code} figure of `{id}` is also given in {there}"),
                "keep each figure in one place: delete it from the sector file or from the spreadsheet",
            );
            continue;
        }
        if !seen.insert((id.clone(), code.clone(), a.as_of)) {
            c.error(
                &format!("{path}.period"),
                format!("two {code} figures of `{id}` published on the same day"),
                "keep one row, or give a revised figure the date it was published",
            );
            continue;
        }
        if let Some(shown) = percent_cell(&ind.unit, &ind.target, &a.value) {
            c.warn(
                &format!("{path}.value"),
                format!(
                    "{} is far below the target for a figure in %: was the cell formatted as a \
                     percentage (Excel stores 7,38 % as 0,0738)?",
                    r.value_text()
                ),
                format!(
                    "type the figure as a plain number, e.g. {shown}, or leave it if {} is right",
                    r.value_text()
                ),
            );
        }
        added.entry((si, ii)).or_default().push(a);
    }
    for ((si, ii), mut new) in added {
        let actuals = &mut sectors[si].indicators[ii].actuals;
        actuals.append(&mut new);
        actuals.sort_by_key(|a| (a.period.sort_key(), a.as_of));
    }
}

fn tasks(
    rows: &Rows<TaskRow>,
    sectors: &mut [Sector],
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let (file, spans) = (sheet_text(rows), task_spans(&rows.rows));
    let mut c = checker(&file, &spans, rows.place(), cx, diags);
    let mut seen = BTreeSet::new();
    for (k, r) in rows.rows.iter().enumerate() {
        let path = format!("rows[{k}]");
        let id = &r.task.0;
        let found = sectors.iter_mut().find_map(|s| {
            s.tasks
                .iter_mut()
                .find(|t| t.id == *id)
                .map(|t| (s.id.clone(), t))
        });
        let Some((sector, task)) = found else {
            c.error(
                &format!("{path}.task"),
                format!("this plan has no task `{id}`"),
                "copy the id from the sector file, or make a workbook with `tiendo template`",
            );
            continue;
        };
        if !seen.insert(id.clone()) {
            c.error(
                &format!("{path}.task"),
                format!("task `{id}` has more than one row"),
                "give each task one row: its current status and latest progress note",
            );
            continue;
        }
        let there = cx.file_of(&sector);
        let twice = |what: &str| format!("task `{id}` has its {what} both here and in {there}");
        let keep = "keep it in one place: delete it from the sector file or from the spreadsheet";
        if let Some((state, _)) = r.status {
            if task.state.is_some() {
                c.error(&format!("{path}.status"), twice("status"), keep);
                continue;
            }
            task.state = Some(state);
        }
        if let Some((done_on, _)) = &r.done_on {
            if task.done_on.is_some() {
                c.error(&format!("{path}.done_on"), twice("completion date"), keep);
                continue;
            }
            task.done_on = c.date(&format!("{path}.done_on"), done_on);
        }
        if let Some(u) = &r.update {
            if task.update.is_some() {
                c.error(&format!("{path}.date"), twice("progress note"), keep);
                continue;
            }
            let src = u.source.as_ref().map(|s| s.0.clone());
            // A spreadsheet's note is the plan's own language.
            if !cx.texts.vietnamese() && !task.untranslated.contains(&"update_note") {
                task.untranslated.push("update_note");
            }
            task.update = c
                .date(&format!("{path}.date"), &u.date.0)
                .map(|date| Update {
                    date,
                    note: u.note.clone(),
                    source: source(&mut c, &format!("{path}.source"), src.as_ref(), cx.sources),
                });
        }
    }
}
