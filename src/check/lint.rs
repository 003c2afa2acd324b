//! Editorial warnings for `tiendo check`: data that is valid but probably needs attention before
//! publishing — stale or unsourced figures, targets still without any figure after their first
//! reporting period, overdue tasks nobody has commented on. Pure: model in, warnings out.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use crate::diagnostic::{Diagnostic, Loc};
use crate::model::{AsOf, Direction, Plan, Source, Target, Value};
use crate::status::{PlanStatus, Status};

/// When the plan year is over (`today` is after it) but statuses are still decided at a date
/// inside it, targets without a figure stay "not yet due" for good: says so, and what to set.
pub fn year_over(plan: &Plan, today: NaiveDate) -> Option<Diagnostic> {
    let year_end = NaiveDate::from_ymd_opt(plan.year, 12, 31)?;
    if today <= year_end || plan.as_of > year_end {
        return None;
    }
    let from = match plan.as_of_from {
        AsOf::Given => "the `as_of` in plan.yaml",
        AsOf::NewestFigure => {
            "the newest publication date in the data, as plan.yaml has no `as_of`"
        }
    };
    Some(
        Diagnostic::warning_at(
            &plan.at,
            format!(
                "the plan year {} is over, but statuses are decided as of {} ({from}): \
                 targets without a figure stay “not yet due” and tasks due after that date never become overdue",
                plan.year, plan.as_of
            ),
        )
        .with_hint(format!(
            "set `as_of:` in plan.yaml to the date the site reports on, e.g. `as_of: {today}`; \
             targets still without a figure then show “no data”"
        )),
    )
}

/// Warnings about the plan's shape: no sectors, a direction that contradicts the target, a
/// declared source nothing uses, a note citing a source key that is not declared.
fn shape(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if plan.sectors.is_empty() {
        out.push(
            Diagnostic::warning_at(&plan.at, format!("plan `{}` has no sectors", plan.id))
                .with_hint("add a file sectors/<id>.yaml with its indicators and tasks (see `tiendo init`)"),
        );
    }
    let indicators = plan.sectors.iter().flat_map(|s| &s.indicators);
    for i in indicators.clone() {
        let (kind, better, other) = match (i.better, &i.target) {
            (Direction::Lower, Target::AtLeast(_) | Target::MoreThan(_)) => {
                ("a minimum", "lower", "at_most")
            }
            (Direction::Higher, Target::AtMost(_) | Target::LessThan(_)) => {
                ("a maximum", "higher", "at_least")
            }
            _ => continue,
        };
        let flipped = if better == "lower" { "higher" } else { "lower" };
        out.push(
            Diagnostic::warning_at(&i.at, format!("`{}` is better {better}, but its target is {kind}", i.id))
                .with_hint(format!(
                    "if {better} is better, the target is probably `{other}`; if not, write `better: {flipped}`"
                )),
        );
    }
    let mut notes: Vec<(&Loc, &str)> = Vec::new();
    let mut used: Vec<&Source> = Vec::new();
    for i in indicators {
        notes.extend(i.note.as_deref().map(|n| (&i.at, n)));
        if let Some(b) = &i.baseline {
            notes.extend(b.note.as_deref().map(|n| (&i.at, n)));
            used.extend(&b.source);
        }
        for a in &i.actuals {
            notes.extend(a.note.as_deref().map(|n| (&a.at, n)));
            used.extend(&a.source);
        }
    }
    for t in plan.sectors.iter().flat_map(|s| &s.tasks) {
        if let Some(u) = &t.update {
            notes.push((&t.at, &u.note));
            used.extend(&u.source);
        }
    }
    let mut cited: BTreeSet<&str> = BTreeSet::new();
    for (at, note) in notes {
        // Whole words as `cite` links them (`S3`, `BC-9T`), and the parts of hyphenated ones
        // (`S1-S3` cites S1 and S3).
        let words = note.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        let parts = words
            .flat_map(|w| std::iter::once(w).chain(w.split('-').filter(move |_| w.contains('-'))));
        for word in parts {
            if plan.sources.contains_key(word) {
                cited.insert(word);
            } else if looks_like_a_key(word, plan) {
                let declared: Vec<&str> = plan.sources.keys().map(String::as_str).collect();
                out.push(
                    Diagnostic::warning_at(at, format!("a note cites `{word}`, but plan.yaml declares no source `{word}`"))
                        .with_hint(format!(
                            "declare it under `sources:` in plan.yaml, or correct the key (declared: {})",
                            declared.join(", ")
                        )),
                );
            }
        }
    }
    for (key, source) in &plan.sources {
        if !used.contains(&source) && !cited.contains(key.as_str()) {
            let at = plan.sources_at.get(key).unwrap_or(&plan.at);
            out.push(
                Diagnostic::warning_at(
                    at,
                    format!("source `{key}` is declared but no figure, update or note uses it"),
                )
                .with_hint(format!(
                    "cite it with `source: {key}` where it is used, or remove it from plan.yaml"
                )),
            );
        }
    }
    out
}

/// A word shaped like the plan's source keys (letters then digits, with a declared key's
/// letters: `S12` when `S1`… are declared).
fn looks_like_a_key(word: &str, plan: &Plan) -> bool {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = word.len() - letters.len();
    digits > 0
        && !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && plan.sources.keys().any(|k| {
            k.trim_end_matches(|c: char| c.is_ascii_digit()) == letters && k.len() > letters.len()
        })
}

/// Every editorial warning for a plan, in file order, reading the statuses decided for it.
pub fn lint(plan: &Plan, decided: &PlanStatus) -> Vec<Diagnostic> {
    let mut out = shape(plan);
    let as_of = plan.as_of;
    let first_quarter_due = NaiveDate::from_ymd_opt(plan.year, 3, 31)
        .and_then(|d| d.checked_add_days(Days::new(u64::from(plan.report_lag_days))));
    for (s, st) in plan.sectors.iter().zip(&decided.sectors) {
        for (i, a) in s.indicators.iter().zip(&st.indicators) {
            for a in i.actuals.iter().filter(|a| a.source.is_none()) {
                out.push(
                    Diagnostic::warning_at(&a.at, format!("the {} figure of `{}` has no source", a.period.code(), i.id))
                        .with_hint("add `source:` (a key from plan.yaml, a URL or a citation) so readers can verify it"),
                );
            }
            let latest = a.latest.map(|k| &i.actuals[k]);
            match latest {
                Some(a) => {
                    let age = (as_of - a.as_of).num_days();
                    // A final year figure or a reached milestone is settled: no newer figure
                    // can come.
                    let settled = !a.is_provisional() || a.value == Value::Reached(true);
                    if age > i64::from(plan.stale_after_days) && !settled {
                        out.push(
                            Diagnostic::warning_at(
                                &a.at,
                                format!("the latest figure of `{}` is {age} days old (published {})", i.id, a.as_of),
                            )
                            .with_hint(format!(
                                "add the newer figure, or raise `stale_after_days` (now {}) in plan.yaml",
                                plan.stale_after_days
                            )),
                        );
                    }
                }
                None => {
                    let due = match i.target {
                        Target::Milestone { due } => {
                            due.checked_add_days(Days::new(u64::from(plan.report_lag_days)))
                        }
                        _ => first_quarter_due,
                    };
                    if due.is_some_and(|d| as_of > d) {
                        out.push(
                            Diagnostic::warning_at(&i.at, format!("`{}` has no actual yet", i.id))
                                .with_hint("add the first reported figure, or leave it: the site shows “no data”"),
                        );
                    }
                }
            }
        }
        for (t, &status) in s.tasks.iter().zip(&st.tasks) {
            if status == Status::Overdue && t.update.is_none() {
                out.push(
                    Diagnostic::warning_at(
                        &t.at,
                        format!("task `{}` is overdue and has no update", t.id),
                    )
                    .with_hint("add `update: {date: …, note: …}` saying where it stands"),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    fn lint_of(p: &Plan) -> Vec<Diagnostic> {
        lint(p, &crate::status::decide(p))
    }

    use super::*;
    use crate::diagnostic::Loc;
    use crate::model::*;
    use crate::period::Period;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn plan(indicators: Vec<Indicator>, tasks: Vec<Task>, as_of: NaiveDate) -> Plan {
        Plan {
            id: "p".into(),
            title: "t".into(),
            short_title: "t".into(),
            issuer: "i".into(),
            document: Some("d".into()),
            date: Some(d(2024, 1, 19)),
            order: None,
            year: 2024,
            source_url: None,
            as_of,
            as_of_from: AsOf::Given,
            at: Loc::default(),
            tolerance: 0.1,
            stale_after_days: 180,
            report_lag_days: 45,
            overview_md: None,
            sectors: vec![Sector {
                id: "s".into(),
                name: "s".into(),
                lead: "l".into(),
                order: 1,
                section: None,
                commentary_md: String::new(),
                commentary_file: None,
                indicators,
                tasks,
                untranslated: Vec::new(),
            }],
            sources: Default::default(),
            sources_at: Default::default(),
            untranslated: Vec::new(),
        }
    }

    fn indicator(id: &str, actuals: Vec<(&str, NaiveDate, bool)>) -> Indicator {
        Indicator {
            id: id.into(),
            name: id.into(),
            unit: "%".into(),
            better: Direction::Higher,
            section: None,
            headline: false,
            wording: None,
            target: Target::AtLeast(1.0),
            baseline: None,
            series: SeriesKind::Ytd,
            actuals: actuals
                .into_iter()
                .map(|(p, as_of, sourced)| Actual {
                    period: Period::parse(p).unwrap(),
                    value: Value::Number(2.0),
                    as_of,
                    source: sourced.then(|| Source {
                        title: "S".into(),
                        url: None,
                    }),
                    note: None,
                    provisional: false,
                    at: Loc {
                        file: "s.yaml".into(),
                        line: 9,
                        column: 7,
                    },
                    untranslated: Vec::new(),
                })
                .collect(),
            status_override: None,
            note: None,
            at: Loc {
                file: "s.yaml".into(),
                line: 3,
                column: 5,
            },
            untranslated: Vec::new(),
        }
    }

    #[test]
    fn warns_about_unsourced_stale_and_missing_figures() {
        let inds = vec![
            indicator("fresh", vec![("2024-09", d(2024, 10, 10), true)]),
            indicator("stale", vec![("2024-03", d(2024, 4, 10), true)]),
            indicator("unsourced", vec![("2024-09", d(2024, 10, 10), false)]),
            indicator("missing", vec![]),
        ];
        let warnings = lint_of(&plan(inds, vec![], d(2024, 11, 1)));
        let text: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}: {}", w.location(), w.message))
            .collect();
        assert_eq!(
            text,
            [
                "s.yaml:9:7: the latest figure of `stale` is 205 days old (published 2024-04-10)",
                "s.yaml:9:7: the 2024-09 figure of `unsourced` has no source",
                "s.yaml:3:5: `missing` has no actual yet",
            ]
        );
    }

    #[test]
    fn warns_about_the_plan_shape() {
        let messages =
            |p: &Plan| -> Vec<String> { shape(p).into_iter().map(|d| d.message).collect() };
        let mut empty = plan(vec![], vec![], d(2024, 10, 1));
        empty.sectors.clear();
        assert_eq!(messages(&empty), ["plan `p` has no sectors"]);

        let mut lower = indicator("thua", vec![]);
        lower.better = Direction::Lower;
        let mut higher = indicator("ngheo", vec![]);
        higher.target = Target::LessThan(3.0);
        let mut fine = indicator("no-xau", vec![]);
        fine.better = Direction::Lower;
        fine.target = Target::AtMost(3.0);
        assert_eq!(
            messages(&plan(vec![lower, higher, fine], vec![], d(2024, 10, 1))),
            [
                "`thua` is better lower, but its target is a minimum",
                "`ngheo` is better higher, but its target is a maximum",
            ]
        );

        let mut cited = indicator("grdp", vec![("2024-06", d(2024, 7, 10), false)]);
        cited.actuals[0].note = Some("Theo S1 và S12; S1-bis, XS2, 2024 không phải khoá.".into());
        let mut p = plan(vec![cited], vec![], d(2024, 10, 1));
        let source = |t: &str| Source {
            title: t.into(),
            url: None,
        };
        p.sources = [("S1", "cited"), ("S2", "unused"), ("S3", "used")]
            .into_iter()
            .map(|(k, t)| (k.to_string(), source(t)))
            .collect();
        p.sectors[0].indicators[0].actuals[0].source = Some(source("used"));
        assert_eq!(
            messages(&p),
            [
                "a note cites `S12`, but plan.yaml declares no source `S12`",
                "source `S2` is declared but no figure, update or note uses it",
            ]
        );
    }

    #[test]
    fn missing_figures_are_fine_before_the_first_report_is_due() {
        let warnings = lint_of(&plan(
            vec![indicator("missing", vec![])],
            vec![],
            d(2024, 5, 15),
        ));
        assert!(warnings.is_empty());
    }

    #[test]
    fn overdue_tasks_without_an_update() {
        let task = |id: &str, update: bool| Task {
            id: id.into(),
            text: "t".into(),
            agency: "a".into(),
            section: None,
            due: d(2024, 3, 31),
            due_wording: None,
            state: Some(TaskState::InProgress),
            done_on: None,
            update: update.then(|| Update {
                date: d(2024, 4, 2),
                note: "n".into(),
                source: None,
            }),
            at: Loc {
                file: "s.yaml".into(),
                line: 20,
                column: 5,
            },
            untranslated: Vec::new(),
        };
        let warnings = lint_of(&plan(
            vec![],
            vec![task("silent", false), task("noted", true)],
            d(2024, 6, 1),
        ));
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].message,
            "task `silent` is overdue and has no update"
        );
    }
}
