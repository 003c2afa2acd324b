//! The status engine: pure functions deciding where each indicator, milestone and task stands.
//! The rules are published on the methodology page; keep the two in step.

use chrono::NaiveDate;

use crate::model::{Actual, Direction, Indicator, SeriesKind, Target, Task, TaskState, Value};
pub use crate::model::{GROUPS, Group, Status};

impl Group {
    /// Stable machine name, used in CSS classes, colours and translations (`group_<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Group::Met => "met",
            Group::OnTrack => "on_track",
            Group::AtRisk => "at_risk",
            Group::Short => "short",
            Group::NoData => "no_data",
            Group::NotYetDue => "not_yet_due",
        }
    }
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 13] = [
        Status::Achieved,
        Status::BetterThanTarget,
        Status::NotAchieved,
        Status::OnTrack,
        Status::AtRisk,
        Status::Behind,
        Status::NoData,
        Status::NotYetDue,
        Status::Done,
        Status::DoneLate,
        Status::OnSchedule,
        Status::Overdue,
        Status::NotStarted,
    ];

    /// Stable machine name, used in data files, CSS classes and translations.
    pub fn key(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::BetterThanTarget => "better_than_target",
            Status::NotAchieved => "not_achieved",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Behind => "behind",
            Status::NoData => "no_data",
            Status::NotYetDue => "not_yet_due",
            Status::Done => "done",
            Status::DoneLate => "done_late",
            Status::OnSchedule => "on_schedule",
            Status::Overdue => "overdue",
            Status::NotStarted => "not_started",
        }
    }

    /// Parses a machine name.
    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The names of earlier versions, still accepted in overrides: `exceeded` (now
    /// `better_than_target`) and `off_track` (now `not_achieved` for a settled figure, `behind`
    /// for a part-year one; [`assess`] picks the one that fits the figure).
    pub fn from_old_key(key: &str) -> Option<Status> {
        match key {
            "exceeded" => Some(Status::BetterThanTarget),
            "off_track" => Some(Status::NotAchieved),
            _ => None,
        }
    }

    /// The group this status counts under in summaries.
    pub fn group(self) -> Group {
        match self {
            Status::Achieved | Status::BetterThanTarget | Status::Done | Status::DoneLate => {
                Group::Met
            }
            Status::OnTrack | Status::OnSchedule => Group::OnTrack,
            Status::AtRisk => Group::AtRisk,
            Status::NotAchieved | Status::Behind | Status::Overdue => Group::Short,
            Status::NoData => Group::NoData,
            Status::NotYetDue | Status::NotStarted => Group::NotYetDue,
        }
    }

    /// Whether readers should be pointed at it: at risk, behind, not achieved, overdue.
    pub fn needs_attention(self) -> bool {
        matches!(self.group(), Group::AtRisk | Group::Short)
    }

    /// The word that fits a figure's standing: final words become their part-year
    /// counterparts for a provisional figure, and the reverse for a settled one (at risk has no
    /// settled counterpart and stays). Used on editors' overrides, so that a reader never sees a
    /// settled word on a provisional figure.
    pub fn fitted(self, provisional: bool) -> Status {
        use Status::*;
        match (self, provisional) {
            (Achieved | BetterThanTarget, true) => OnTrack,
            (NotAchieved, true) => Behind,
            (OnTrack, false) => Achieved,
            (Behind, false) => NotAchieved,
            (s, _) => s,
        }
    }
}

/// The outcome for an indicator, with what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The status shown.
    pub status: Status,
    /// Index into `actuals` of the value judged, if any.
    pub latest: Option<usize>,
    /// The judged value is a partial-year or estimated figure.
    pub provisional: bool,
    /// For cumulative series, the pro-rata target the partial value was compared with.
    pub expected: Option<Target>,
    /// The editor's reason, when the status was overridden.
    pub override_reason: Option<String>,
    /// The status the rules give, before any override.
    pub computed: Status,
}

/// Every status of one sector, decided once: indicators and tasks in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorStatus {
    /// One per indicator.
    pub indicators: Vec<Assessment>,
    /// One per task.
    pub tasks: Vec<Status>,
}

/// Every status of a plan, decided once under its rules. Pages, the report, the digest, the
/// feed, open data and `check` all read this; none decides a status itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStatus {
    /// The rules applied.
    pub rules: Rules,
    /// One per sector, in plan order.
    pub sectors: Vec<SectorStatus>,
}

/// Decides every status of `plan` at its evaluation date.
pub fn decide(plan: &crate::model::Plan) -> PlanStatus {
    let rules = Rules::of(plan);
    PlanStatus {
        sectors: plan
            .sectors
            .iter()
            .map(|s| decide_sector(s, &rules))
            .collect(),
        rules,
    }
}

/// Decides every status of one sector.
pub fn decide_sector(s: &crate::model::Sector, rules: &Rules) -> SectorStatus {
    SectorStatus {
        indicators: s.indicators.iter().map(|i| assess(i, rules)).collect(),
        tasks: s
            .tasks
            .iter()
            .map(|t| assess_task(t, rules.as_of))
            .collect(),
    }
}

/// Rules that apply to a whole plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// The date statuses are evaluated at.
    pub as_of: NaiveDate,
    /// The last day of the plan year: when annual targets fall due.
    pub year_end: NaiveDate,
    /// Relative shortfall still counted as "at risk" for partial-year values.
    pub tolerance: f64,
}

impl Rules {
    /// The rules of a plan: evaluated at its `as_of` date, annual targets due at year end.
    pub fn of(plan: &crate::model::Plan) -> Rules {
        Rules {
            as_of: plan.as_of,
            year_end: NaiveDate::from_ymd_opt(plan.year, 12, 31).unwrap_or(plan.as_of),
            tolerance: plan.tolerance,
        }
    }
}

/// Decides the status of an indicator from its latest actual.
/// Actuals published after `rules.as_of` are not yet known and are ignored.
pub fn assess(ind: &Indicator, rules: &Rules) -> Assessment {
    let latest = latest_index(&ind.actuals, rules.as_of);
    let mut a = match latest {
        None => Assessment {
            status: unreported(ind.target, rules),
            latest: None,
            provisional: false,
            expected: None,
            override_reason: None,
            computed: Status::NoData,
        },
        Some(i) => judge_actual(ind, &ind.actuals[i], rules, i),
    };
    a.computed = a.status;
    if let Some(o) = &ind.status_override {
        // An override speaks about the figure shown: its word must fit that figure's standing.
        a.status = match a.latest {
            Some(_) => o.status.fitted(a.provisional),
            None => o.status,
        };
        a.override_reason = Some(o.reason.clone());
    }
    a
}

/// The status an indicator had on the day its actual number `index` was published (for the
/// updates page and feed).
pub fn at_publication(ind: &Indicator, index: usize, rules: &Rules) -> Assessment {
    let then = Rules {
        as_of: ind.actuals[index].as_of,
        ..*rules
    };
    assess(ind, &then)
}

/// The actual to judge: the one covering the latest period; among equal periods, the newest.
pub fn latest_index(actuals: &[Actual], as_of: NaiveDate) -> Option<usize> {
    (0..actuals.len())
        .filter(|&i| actuals[i].as_of <= as_of)
        .max_by_key(|&i| (actuals[i].period.sort_key(), actuals[i].as_of))
}

fn unreported(target: Target, rules: &Rules) -> Status {
    let due = match target {
        Target::Milestone { due } => due,
        _ => rules.year_end,
    };
    if rules.as_of <= due {
        Status::NotYetDue
    } else {
        Status::NoData
    }
}

fn judge_actual(ind: &Indicator, actual: &Actual, rules: &Rules, index: usize) -> Assessment {
    let base = ind.baseline.as_ref().map(|b| b.value);
    // Only a final full-year figure settles the target; an estimate of the year is judged
    // as a part-year figure.
    let settles = !actual.is_provisional();
    let mut expected = None;
    let status = match (ind.target, actual.value) {
        (Target::Milestone { due }, Value::Reached(reached)) => {
            milestone(reached, actual.as_of, due, rules.as_of)
        }
        (_, Value::Reached(_)) | (Target::Milestone { .. }, Value::Number(_)) => Status::NoData,
        (target, Value::Number(v)) if settles => judge_final(target, ind.better, v, base),
        (target, Value::Number(v)) => {
            let fraction = actual.period.elapsed_fraction();
            // A running total of the whole year (an estimate) is compared with the target itself.
            let target = if ind.series == SeriesKind::Cumulative && fraction < 1.0 {
                let scaled = pro_rata(target, fraction);
                expected = Some(scaled);
                scaled
            } else {
                target
            };
            judge_partial(target, ind.better, v, base, rules.tolerance)
        }
    };
    Assessment {
        status,
        latest: Some(index),
        provisional: !settles,
        expected,
        override_reason: None,
        computed: status,
    }
}

/// Judges a value that settles the target (a full-year figure).
pub fn judge_final(target: Target, better: Direction, v: f64, baseline: Option<f64>) -> Status {
    let higher = better == Direction::Higher;
    let met = |ok: bool| {
        if ok {
            Status::Achieved
        } else {
            Status::NotAchieved
        }
    };
    match target {
        Target::AtLeast(b) => met(v >= b),
        Target::MoreThan(b) => met(v > b),
        Target::AtMost(b) => met(v <= b),
        Target::LessThan(b) => met(v < b),
        Target::Range { min, max } => {
            if v < min {
                if higher {
                    Status::NotAchieved
                } else {
                    Status::BetterThanTarget
                }
            } else if v > max {
                if higher {
                    Status::BetterThanTarget
                } else {
                    Status::NotAchieved
                }
            } else {
                Status::Achieved
            }
        }
        Target::Exactly(n) => {
            if v == n {
                Status::Achieved
            } else if (v > n) == higher {
                Status::BetterThanTarget
            } else {
                Status::NotAchieved
            }
        }
        Target::Increase(n) => match baseline {
            Some(b) => met(v - b >= n),
            None => Status::NoData,
        },
        Target::Milestone { .. } => Status::NoData,
    }
}

/// Judges a part-year or provisional value: met → on track; short by at most `tolerance` of the
/// bound → at risk; otherwise behind.
pub fn judge_partial(
    target: Target,
    better: Direction,
    v: f64,
    baseline: Option<f64>,
    tolerance: f64,
) -> Status {
    match judge_final(target, better, v, baseline) {
        Status::Achieved | Status::BetterThanTarget => Status::OnTrack,
        Status::NotAchieved => match shortfall(target, better, v, baseline) {
            Some(gap) if gap <= tolerance + 1e-12 => Status::AtRisk,
            _ => Status::Behind,
        },
        other => other,
    }
}

/// How far `v` misses the target, relative to the bound it misses.
fn shortfall(target: Target, better: Direction, v: f64, baseline: Option<f64>) -> Option<f64> {
    let rel = |bound: f64| (v - bound).abs() / bound.abs().max(f64::MIN_POSITIVE);
    match target {
        Target::AtLeast(b) | Target::MoreThan(b) | Target::AtMost(b) | Target::LessThan(b) => {
            Some(rel(b))
        }
        Target::Exactly(n) => Some(rel(n)),
        Target::Range { min, max } => Some(if better == Direction::Higher {
            rel(min)
        } else {
            rel(max)
        }),
        Target::Increase(n) => {
            baseline.map(|b| ((v - b) - n).abs() / n.abs().max(f64::MIN_POSITIVE))
        }
        Target::Milestone { .. } => None,
    }
}

/// Which bound a value is compared with, for the words that state the gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundKind {
    /// A single target value (floor, exact count, or baseline plus increase).
    Target,
    /// A ceiling (`at_most`, `less_than`).
    Ceiling,
    /// The lower end of a range.
    RangeMin,
    /// The upper end of a range.
    RangeMax,
}

/// How far a value lies from its target, stated in the target's own unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap {
    /// Inside a target range.
    Inside,
    /// `value - bound`: positive above the bound, negative below, zero on it.
    From {
        /// The bound compared with.
        bound: BoundKind,
        /// The bound's value.
        at: f64,
        /// `value - at`.
        diff: f64,
    },
}

/// The gap between `v` and the nearest bound of `target` (with `baseline` for increases);
/// `None` for milestones and increases without a baseline.
pub fn gap(target: Target, v: f64, baseline: Option<f64>) -> Option<Gap> {
    let from = |bound, at: f64| {
        Some(Gap::From {
            bound,
            at,
            diff: v - at,
        })
    };
    match target {
        Target::AtLeast(b) | Target::MoreThan(b) | Target::Exactly(b) => from(BoundKind::Target, b),
        Target::AtMost(b) | Target::LessThan(b) => from(BoundKind::Ceiling, b),
        Target::Range { min, .. } if v < min => from(BoundKind::RangeMin, min),
        Target::Range { max, .. } if v > max => from(BoundKind::RangeMax, max),
        Target::Range { .. } => Some(Gap::Inside),
        Target::Increase(n) => baseline.and_then(|b| from(BoundKind::Target, b + n)),
        Target::Milestone { .. } => None,
    }
}

/// The share of an annual target expected after `fraction` of the year, for running totals.
pub fn pro_rata(target: Target, fraction: f64) -> Target {
    match target {
        Target::Range { min, max } => Target::Range {
            min: min * fraction,
            max: max * fraction,
        },
        Target::AtLeast(b) => Target::AtLeast(b * fraction),
        Target::MoreThan(b) => Target::MoreThan(b * fraction),
        Target::AtMost(b) => Target::AtMost(b * fraction),
        Target::LessThan(b) => Target::LessThan(b * fraction),
        // Part of the way to an exact count is "on track" once the path is reached.
        Target::Exactly(n) => Target::AtLeast(n * fraction),
        Target::Increase(n) => Target::Increase(n * fraction),
        m @ Target::Milestone { .. } => m,
    }
}

fn milestone(reached: bool, reported: NaiveDate, due: NaiveDate, as_of: NaiveDate) -> Status {
    match (reached, reported <= due, as_of <= due) {
        (true, true, _) => Status::Done,
        (true, false, _) => Status::DoneLate,
        (false, _, true) => Status::OnSchedule,
        (false, _, false) => Status::Overdue,
    }
}

/// Decides the status of a task from its reported state, deadline and the evaluation date.
/// A task nobody reported on is "not yet due" until its deadline and "no data" after it: we do
/// not claim it is overdue without a report.
pub fn assess_task(task: &Task, as_of: NaiveDate) -> Status {
    let late = as_of > task.due;
    let Some(state) = task.state else {
        return if late {
            Status::NoData
        } else {
            Status::NotYetDue
        };
    };
    match state {
        TaskState::Done => match task.done_on {
            Some(d) if d > task.due => Status::DoneLate,
            _ => Status::Done,
        },
        TaskState::DoneLate => Status::DoneLate,
        TaskState::Overdue => Status::Overdue,
        TaskState::InProgress | TaskState::NotStarted if late => Status::Overdue,
        TaskState::InProgress => Status::OnSchedule,
        TaskState::NotStarted => Status::NotStarted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Override;
    use crate::period::Period;

    const H: Direction = Direction::Higher;
    const L: Direction = Direction::Lower;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules(as_of: NaiveDate) -> Rules {
        Rules {
            as_of,
            year_end: d(2024, 12, 31),
            tolerance: 0.1,
        }
    }

    fn indicator(target: Target, series: SeriesKind, actuals: &[(&str, f64)]) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            unit: "%".into(),
            better: H,
            section: None,
            headline: false,
            wording: None,
            target,
            baseline: None,
            series,
            actuals: actuals
                .iter()
                .map(|(p, v)| Actual {
                    period: Period::parse(p).unwrap(),
                    value: Value::Number(*v),
                    // Published ten days after the period ends.
                    as_of: Period::parse(p).unwrap().end() + chrono::Days::new(10),
                    source: None,
                    note: None,
                    provisional: false,
                    at: Default::default(),
                    untranslated: Vec::new(),
                })
                .collect(),
            status_override: None,
            note: None,
            at: Default::default(),
            untranslated: Vec::new(),
        }
    }

    #[test]
    fn gaps_are_measured_from_the_nearest_bound() {
        let g = |t, v| gap(t, v, Some(100.0));
        let r = Target::Range { min: 4.0, max: 4.5 };
        assert_eq!(g(r, 4.2), Some(Gap::Inside));
        assert!(
            matches!(g(r, 3.63), Some(Gap::From { bound: BoundKind::RangeMin, diff, .. }) if (diff + 0.37).abs() < 1e-9)
        );
        assert!(
            matches!(g(r, 5.0), Some(Gap::From { bound: BoundKind::RangeMax, diff, .. }) if (diff - 0.5).abs() < 1e-9)
        );
        assert!(
            matches!(g(Target::AtLeast(104.0), 97.5), Some(Gap::From { bound: BoundKind::Target, diff, .. }) if (diff + 6.5).abs() < 1e-9)
        );
        assert!(matches!(
            g(Target::AtMost(76.2), 76.4),
            Some(Gap::From {
                bound: BoundKind::Ceiling,
                ..
            })
        ));
        assert!(
            matches!(g(Target::Increase(10.0), 105.0), Some(Gap::From { at, .. }) if at == 110.0)
        );
        assert_eq!(gap(Target::Increase(10.0), 105.0, None), None);
    }

    #[test]
    fn inclusive_and_strict_lower_bounds() {
        use Status::*;
        let at_least = Target::AtLeast(8.0);
        assert_eq!(judge_final(at_least, H, 7.99, None), NotAchieved);
        assert_eq!(judge_final(at_least, H, 8.0, None), Achieved);
        assert_eq!(judge_final(at_least, H, 8.01, None), Achieved);
        let more_than = Target::MoreThan(75.0);
        assert_eq!(judge_final(more_than, H, 74.9, None), NotAchieved);
        assert_eq!(judge_final(more_than, H, 75.0, None), NotAchieved);
        assert_eq!(judge_final(more_than, H, 75.1, None), Achieved);
    }

    #[test]
    fn inclusive_and_strict_upper_bounds() {
        use Status::*;
        let at_most = Target::AtMost(5.0);
        assert_eq!(judge_final(at_most, L, 4.9, None), Achieved);
        assert_eq!(judge_final(at_most, L, 5.0, None), Achieved);
        assert_eq!(judge_final(at_most, L, 5.1, None), NotAchieved);
        let less_than = Target::LessThan(3.0);
        assert_eq!(judge_final(less_than, L, 2.99, None), Achieved);
        assert_eq!(judge_final(less_than, L, 3.0, None), NotAchieved);
        assert_eq!(judge_final(less_than, L, 3.01, None), NotAchieved);
    }

    #[test]
    fn ranges_depend_on_direction() {
        use Status::*;
        let r = Target::Range { min: 7.0, max: 7.5 };
        for (v, higher, lower) in [
            (6.99, NotAchieved, BetterThanTarget),
            (7.0, Achieved, Achieved),
            (7.02, Achieved, Achieved),
            (7.5, Achieved, Achieved),
            (7.51, BetterThanTarget, NotAchieved),
        ] {
            assert_eq!(judge_final(r, H, v, None), higher, "higher-better {v}");
            assert_eq!(judge_final(r, L, v, None), lower, "lower-better {v}");
        }
    }

    #[test]
    fn exact_counts_and_increases() {
        use Status::*;
        let n = Target::Exactly(1400.0);
        assert_eq!(judge_final(n, H, 1399.0, None), NotAchieved);
        assert_eq!(judge_final(n, H, 1400.0, None), Achieved);
        assert_eq!(judge_final(n, H, 1401.0, None), BetterThanTarget);
        assert_eq!(judge_final(n, L, 1401.0, None), NotAchieved);
        let more = Target::Increase(10.0);
        assert_eq!(judge_final(more, H, 48.0, Some(39.0)), NotAchieved);
        assert_eq!(judge_final(more, H, 49.0, Some(39.0)), Achieved);
        assert_eq!(judge_final(more, H, 50.0, Some(39.0)), Achieved);
        assert_eq!(judge_final(more, H, 50.0, None), NoData);
    }

    #[test]
    fn partial_values_use_the_tolerance() {
        use Status::*;
        let t = Target::AtLeast(8.0);
        assert_eq!(judge_partial(t, H, 8.0, None, 0.1), OnTrack);
        assert_eq!(judge_partial(t, H, 7.2, None, 0.1), AtRisk); // exactly 10 % short
        assert_eq!(judge_partial(t, H, 7.19, None, 0.1), Behind);
        let cap = Target::LessThan(3.0);
        assert_eq!(judge_partial(cap, L, 3.3, None, 0.1), AtRisk);
        assert_eq!(judge_partial(cap, L, 3.31, None, 0.1), Behind);
        let r = Target::Range { min: 7.0, max: 7.5 };
        assert_eq!(judge_partial(r, H, 6.3, None, 0.1), AtRisk);
        assert_eq!(judge_partial(r, H, 6.18, None, 0.1), Behind);
        assert_eq!(judge_partial(r, H, 8.0, None, 0.1), OnTrack);
    }

    #[test]
    fn ytd_rates_compare_with_the_annual_bound_and_stay_provisional() {
        let ind = indicator(
            Target::Range { min: 7.0, max: 7.5 },
            SeriesKind::Ytd,
            &[("2024-H1", 5.56), ("2024-9M", 6.9)],
        );
        let a = assess(&ind, &rules(d(2024, 10, 10)));
        assert_eq!(a.status, Status::AtRisk);
        assert_eq!(a.latest, Some(1));
        assert!(a.provisional);
    }

    #[test]
    fn full_year_actual_settles_and_wins_over_older_partials() {
        let ind = indicator(
            Target::Range { min: 7.0, max: 7.5 },
            SeriesKind::Ytd,
            &[("2024", 7.02), ("2024-9M", 6.18)],
        );
        let a = assess(&ind, &rules(d(2025, 1, 15)));
        assert_eq!(
            (a.status, a.latest, a.provisional),
            (Status::Achieved, Some(0), false)
        );
    }

    #[test]
    fn cumulative_counts_follow_a_pro_rata_path() {
        let ind = indicator(
            Target::Exactly(1400.0),
            SeriesKind::Cumulative,
            &[("2024-H1", 700.0)],
        );
        let a = assess(&ind, &rules(d(2024, 7, 15)));
        assert_eq!(a.status, Status::OnTrack);
        assert_eq!(a.expected, Some(Target::AtLeast(700.0)));
        let behind = indicator(
            Target::Exactly(1400.0),
            SeriesKind::Cumulative,
            &[("2024-H1", 600.0)],
        );
        assert_eq!(
            assess(&behind, &rules(d(2024, 7, 15))).status,
            Status::Behind
        );
        let near = indicator(
            Target::Exactly(1400.0),
            SeriesKind::Cumulative,
            &[("2024-H1", 640.0)],
        );
        assert_eq!(assess(&near, &rules(d(2024, 7, 15))).status, Status::AtRisk);
    }

    #[test]
    fn actuals_published_after_the_evaluation_date_are_ignored() {
        let ind = indicator(Target::AtLeast(5.0), SeriesKind::Ytd, &[("2024-H1", 6.0)]);
        // The helper publishes the H1 figure on 2024-07-10.
        assert_eq!(
            assess(&ind, &rules(d(2024, 7, 9))).status,
            Status::NotYetDue
        );
        assert_eq!(assess(&ind, &rules(d(2024, 7, 10))).status, Status::OnTrack);
    }

    #[test]
    fn point_series_compare_the_latest_value() {
        let ind = indicator(
            Target::LessThan(3.0),
            SeriesKind::Point,
            &[("2024-03", 3.5), ("2024-12", 2.1)],
        );
        let mut ind = ind;
        ind.better = L;
        let a = assess(&ind, &rules(d(2025, 1, 15)));
        assert_eq!((a.status, a.provisional), (Status::Achieved, false));
    }

    #[test]
    fn nothing_reported_is_not_yet_due_then_no_data() {
        let ind = indicator(Target::AtLeast(8.0), SeriesKind::Ytd, &[]);
        assert_eq!(
            assess(&ind, &rules(d(2024, 12, 31))).status,
            Status::NotYetDue
        );
        assert_eq!(assess(&ind, &rules(d(2025, 1, 1))).status, Status::NoData);
    }

    #[test]
    fn milestones() {
        let due = d(2024, 6, 30);
        assert_eq!(
            milestone(true, d(2024, 6, 30), due, d(2024, 7, 1)),
            Status::Done
        );
        assert_eq!(
            milestone(true, d(2024, 7, 1), due, d(2024, 7, 1)),
            Status::DoneLate
        );
        assert_eq!(
            milestone(false, d(2024, 5, 1), due, d(2024, 6, 30)),
            Status::OnSchedule
        );
        assert_eq!(
            milestone(false, d(2024, 5, 1), due, d(2024, 7, 1)),
            Status::Overdue
        );
        let ind = indicator(Target::Milestone { due }, SeriesKind::Ytd, &[]);
        assert_eq!(
            assess(&ind, &rules(d(2024, 6, 30))).status,
            Status::NotYetDue
        );
        assert_eq!(assess(&ind, &rules(d(2024, 7, 1))).status, Status::NoData);
    }

    #[test]
    fn overrides_replace_the_status_and_keep_the_reason() {
        let mut ind = indicator(Target::AtLeast(8.0), SeriesKind::Ytd, &[("2024", 5.0)]);
        ind.status_override = Some(Override {
            status: Status::AtRisk,
            reason: "revised".into(),
        });
        let a = assess(&ind, &rules(d(2025, 1, 15)));
        assert_eq!(a.status, Status::AtRisk);
        assert_eq!(a.override_reason.as_deref(), Some("revised"));
    }

    #[test]
    fn tasks_by_state_and_deadline() {
        let mut t = Task {
            id: "t".into(),
            text: "t".into(),
            agency: "a".into(),
            section: None,
            due: d(2024, 3, 31),
            due_wording: None,
            state: Some(TaskState::InProgress),
            done_on: None,
            update: None,
            at: Default::default(),
            untranslated: Vec::new(),
        };
        assert_eq!(assess_task(&t, d(2024, 3, 31)), Status::OnSchedule);
        assert_eq!(assess_task(&t, d(2024, 4, 1)), Status::Overdue);
        t.state = Some(TaskState::NotStarted);
        assert_eq!(assess_task(&t, d(2024, 3, 1)), Status::NotStarted);
        assert_eq!(assess_task(&t, d(2024, 4, 1)), Status::Overdue);
        t.state = Some(TaskState::Done);
        assert_eq!(assess_task(&t, d(2024, 4, 1)), Status::Done);
        t.done_on = Some(d(2024, 4, 2));
        assert_eq!(assess_task(&t, d(2024, 5, 1)), Status::DoneLate);
        assert_eq!(Status::from_key("done_late"), Some(Status::DoneLate));
        t.state = None;
        assert_eq!(assess_task(&t, d(2024, 3, 31)), Status::NotYetDue);
        assert_eq!(assess_task(&t, d(2024, 4, 1)), Status::NoData);
        assert_eq!(Status::DoneLate.group(), Group::Met);
    }
}
