//! Editorial warnings for `tiendo check`: data that is valid but probably needs attention before
//! publishing — stale or unsourced figures, targets still without any figure after their first
//! reporting period, overdue tasks nobody has commented on. Pure: model in, warnings out.

use chrono::{Days, NaiveDate};

use crate::diagnostic::Diagnostic;
use crate::model::{Plan, Target, Value};
use crate::status::{PlanStatus, Status};

/// Every editorial warning for a plan, in file order, reading the statuses decided for it.
pub fn lint(plan: &Plan, decided: &PlanStatus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
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
            document: "d".into(),
            date: d(2024, 1, 19),
            year: 2024,
            source_url: None,
            as_of,
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
            }],
            sources: Default::default(),
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
                })
                .collect(),
            status_override: None,
            note: None,
            at: Loc {
                file: "s.yaml".into(),
                line: 3,
                column: 5,
            },
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
