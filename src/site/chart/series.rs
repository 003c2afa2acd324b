//! The series chart for indicators with two or more actuals: values over the plan year's
//! months, with the target band (a pro-rata path for running totals), the baseline, and
//! provisional points drawn hollow.

use crate::chart::palette::{BASELINE, INK, MUTED, PAPER, TARGET, TARGET_FILL, TRACK};
use crate::chart::{Align, Canvas, Scale, domain, text_width, ticks};
use crate::model::Target;

/// One plotted point.
#[derive(Debug, Clone)]
pub struct Point {
    /// Last month (1–12) the value covers.
    pub month: u32,
    /// Value.
    pub value: f64,
    /// Partial-year or estimate.
    pub provisional: bool,
}

/// Everything the series chart shows, formatted for the page language.
#[derive(Clone)]
pub struct Series<'a> {
    /// Unique element id prefix.
    pub id: &'a str,
    /// Accessible title.
    pub title: &'a str,
    /// Accessible description.
    pub desc: &'a str,
    /// Points, in period order.
    pub points: Vec<Point>,
    /// The annual target.
    pub target: Target,
    /// A running total: the target grows from zero along the year.
    pub cumulative: bool,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Formats an axis number.
    pub fmt: &'a dyn Fn(f64) -> String,
    /// Label of the latest point.
    pub latest_label: String,
    /// The values' unit, written over the y axis (empty for none).
    pub unit: &'a str,
    /// Month names for the x axis, January first.
    pub months: &'a [String],
    /// Legend entries: actual, target, baseline.
    pub legend: [&'a str; 4],
}

/// The chart's viewBox width.
pub const WIDTH: i32 = 400;
/// Its height.
pub const HEIGHT: i32 = 248;
/// Room above the plot for two rows of legend and the unit.
const TOP: i32 = 62;
const BOTTOM: i32 = HEIGHT - 28;
const RIGHT: i32 = WIDTH - 12;
/// Large enough that the smallest text (`FONT - 1`) stays at least 11 CSS px when the 400-unit
/// view box is drawn 300 px wide (a card on a 390 px phone).
const FONT: u32 = 16;

fn target_bounds(t: &Target, base: Option<f64>) -> Vec<f64> {
    crate::chart::bullet::bounds(t, base)
}

/// The x scale: months 0 (start of year) to 12.
pub fn x_scale(left: i32) -> Scale {
    Scale {
        d0: 0.0,
        d1: 12.0,
        r0: f64::from(left),
        r1: f64::from(RIGHT),
    }
}

/// The y scale for these values.
pub fn y_scale(s: &Series<'_>) -> Scale {
    let mut values: Vec<f64> = s.points.iter().map(|p| p.value).collect();
    values.extend(target_bounds(&s.target, s.baseline));
    values.extend(s.baseline);
    if s.cumulative {
        values.push(0.0);
    }
    let (d0, d1) = domain(&values);
    Scale {
        d0,
        d1,
        r0: f64::from(BOTTOM),
        r1: f64::from(TOP),
    }
}

/// Draws the chart (callers only ask for two or more points).
pub fn draw(s: &Series<'_>) -> String {
    let ys = y_scale(s);
    let tick_values = ticks(ys.d0, ys.d1, 4);
    let tick_labels: Vec<String> = tick_values.iter().map(|v| (s.fmt)(*v)).collect();
    let left = tick_labels
        .iter()
        .map(|l| text_width(l, FONT - 1))
        .max()
        .unwrap_or(0)
        + 10;
    let xs = x_scale(left);
    let mut c = Canvas::new(WIDTH as u32, HEIGHT as u32);
    legend(&mut c, s);
    if !s.unit.is_empty() {
        c.text(s.unit, 2, TOP - 14, FONT - 1, MUTED, Align::Start);
    }
    // Grid lines, then their labels (which never overlap them): each kind is then one run of
    // one style in the SVG.
    for v in &tick_values {
        let y = ys.px(*v);
        c.line(vec![(left, y), (RIGHT, y)], TRACK, 1);
    }
    for (v, l) in tick_values.iter().zip(&tick_labels) {
        c.text(l, left - 6, ys.px(*v), FONT - 1, MUTED, Align::End);
    }
    target_area(&mut c, s, &xs, &ys, left);
    if let Some(b) = s.baseline {
        let y = ys.px(b);
        c.line(vec![(left, y), (RIGHT, y)], BASELINE, 1);
    }
    c.line(vec![(left, BOTTOM), (RIGHT, BOTTOM)], MUTED, 1);
    for m in [3u32, 6, 9, 12] {
        let x = xs.px(f64::from(m));
        c.line(vec![(x, BOTTOM), (x, BOTTOM + 4)], MUTED, 1);
    }
    for m in [3u32, 6, 9, 12] {
        let x = xs.px(f64::from(m));
        if let Some(name) = s.months.get(m as usize - 1) {
            let w = text_width(name, FONT - 1);
            let at = (x - w / 2).min(WIDTH - w - 1);
            c.text(name, at, BOTTOM + 14, FONT - 1, MUTED, Align::Start);
        }
    }
    let pts: Vec<(i32, i32)> = s
        .points
        .iter()
        .map(|p| (xs.px(f64::from(p.month)), ys.px(p.value)))
        .collect();
    c.line(pts.clone(), INK, 2);
    for (p, &xy) in s.points.iter().zip(&pts) {
        if p.provisional {
            c.circle(xy, 4, PAPER, true);
            c.circle(xy, 4, INK, false);
        } else {
            c.circle(xy, 5, INK, true);
        }
    }
    if let Some(&(x, y)) = pts.last() {
        let w = text_width(&s.latest_label, FONT);
        // Not clamp(): a label wider than the chart must not panic, it starts at the plot's left.
        let left_edge = (x - w / 2).min(WIDTH - w - 1).max(left);
        let above = y - 14;
        let ly = if above < TOP - 4 { y + 16 } else { above };
        // On a white ground, so a band edge or grid line never runs through the figure.
        c.rect(
            (left_edge - 2, ly - 9),
            (left_edge + w + 2, ly + 9),
            PAPER,
            true,
            0,
        );
        c.text(&s.latest_label, left_edge, ly, FONT, INK, Align::Start);
    }
    c.finish(s.id, "chart chart-series", s.title, s.desc)
}

fn target_area(c: &mut Canvas, s: &Series<'_>, xs: &Scale, ys: &Scale, left: i32) {
    let x0 = left;
    let x1 = RIGHT;
    // For running totals the target grows along the year: y(m) = bound × m / 12.
    let at = |v: f64, m: f64| {
        if s.cumulative {
            ys.px(v * m / 12.0)
        } else {
            ys.px(v)
        }
    };
    let (top, bottom) = (ys.px(ys.d1), ys.px(ys.d0));
    let band = |c: &mut Canvas, lo: &dyn Fn(f64) -> i32, hi: &dyn Fn(f64) -> i32| {
        c.polygon(
            vec![(x0, hi(0.0)), (x1, hi(12.0)), (x1, lo(12.0)), (x0, lo(0.0))],
            TARGET_FILL,
        );
    };
    let edge = |c: &mut Canvas, v: f64| {
        c.line(
            vec![(xs.px(0.0), at(v, 0.0)), (xs.px(12.0), at(v, 12.0))],
            TARGET,
            2,
        );
    };
    match s.target {
        Target::Range { min, max } => {
            band(c, &|m| at(min, m), &|m| at(max, m));
            edge(c, min);
            edge(c, max);
        }
        Target::AtLeast(v) | Target::MoreThan(v) | Target::Increase(v) => {
            let v = if matches!(s.target, Target::Increase(_)) {
                s.baseline.unwrap_or(0.0) + v
            } else {
                v
            };
            band(c, &|m| at(v, m), &|_| top);
            edge(c, v);
        }
        Target::AtMost(v) | Target::LessThan(v) => {
            band(c, &|_| bottom, &|m| at(v, m));
            edge(c, v);
        }
        Target::Exactly(v) => edge(c, v),
        Target::Milestone { .. } => {}
    }
}

/// What a legend entry shows.
#[derive(Clone, Copy)]
enum Key {
    Final,
    Provisional,
    Target,
    Baseline,
}

fn legend(c: &mut Canvas, s: &Series<'_>) {
    // Each kind of point the chart draws gets its own entry: a filled dot only when some figure
    // is final, a hollow one when some is provisional.
    let mut items: Vec<(Key, &str)> = Vec::new();
    if s.points.iter().any(|p| !p.provisional) {
        items.push((Key::Final, s.legend[0]));
    }
    if s.points.iter().any(|p| p.provisional) {
        items.push((Key::Provisional, s.legend[1]));
    }
    items.push((Key::Target, s.legend[2]));
    if s.baseline.is_some() {
        items.push((Key::Baseline, s.legend[3]));
    }
    // Entries flow left to right and wrap onto a second row; none is dropped.
    let mut placed: Vec<(Key, &str, i32, i32)> = Vec::new();
    let (mut x, mut y) = (4, 12);
    for (key, l) in items {
        let w = 22 + text_width(l, FONT - 1);
        if x + w > WIDTH - 2 && x > 4 {
            (x, y) = (4, y + 18);
        }
        placed.push((key, l, x, y));
        x += w + 12;
    }
    for (key, l, left, y) in placed {
        match key {
            Key::Final | Key::Provisional => {
                c.line(vec![(left, y), (left + 16, y)], INK, 2);
                let fill = if matches!(key, Key::Final) {
                    INK
                } else {
                    PAPER
                };
                c.circle((left + 8, y), 4, fill, true);
                c.circle((left + 8, y), 4, INK, false);
            }
            Key::Target => {
                c.rect((left, y - 5), (left + 16, y + 5), TARGET_FILL, true, 0);
                c.line(vec![(left, y - 5), (left + 16, y - 5)], TARGET, 2);
            }
            Key::Baseline => c.line(vec![(left, y), (left + 16, y)], BASELINE, 1),
        }
        c.text(l, left + 22, y, FONT - 1, INK, Align::Start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::subpaths;

    fn series(target: Target, cumulative: bool) -> String {
        let months: Vec<String> = (1..=12).map(|m| format!("T{m}")).collect();
        let fmt = |v: f64| format!("{v}");
        let s = Series {
            id: "s-x",
            title: "GRDP",
            desc: "Tăng trưởng GRDP qua các kỳ",
            points: vec![
                Point {
                    month: 6,
                    value: 5.56,
                    provisional: true,
                },
                Point {
                    month: 9,
                    value: 6.18,
                    provisional: true,
                },
                Point {
                    month: 12,
                    value: 7.02,
                    provisional: false,
                },
            ],
            target,
            cumulative,
            baseline: Some(5.72),
            fmt: &fmt,
            latest_label: "7,02 %".into(),
            unit: "%",
            months: &months,
            legend: ["Số liệu", "Số liệu tạm tính", "Mục tiêu", "Năm 2023"],
        };
        draw(&s)
    }

    #[test]
    fn accessible_small_deterministic() {
        let svg = series(Target::Range { min: 7.0, max: 7.5 }, false);
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=\"s-x-t\">GRDP</title>"));
        assert!(svg.len() < 12 * 1024, "{} bytes", svg.len());
        assert_eq!(svg, series(Target::Range { min: 7.0, max: 7.5 }, false));
        assert!(svg.contains(">T12</text>") && svg.contains(">Mục tiêu</text>"));
        insta::assert_snapshot!("series_range", svg);
    }

    #[test]
    fn provisional_points_are_hollow_and_final_filled() {
        let svg = series(Target::AtLeast(7.0), false);
        // Hollow: a white fill with an ink outline, alone or in a group of such circles.
        let style = "fill=\"#fff\" stroke=\"#1b1f24\" stroke-width=\"2\"";
        let grouped: usize = svg
            .split(&format!("<g {style}>"))
            .skip(1)
            .map(|g| g[..g.find("</g>").unwrap_or(0)].matches("<circle").count())
            .sum();
        assert_eq!(
            grouped + svg.matches(&format!("<circle {style}")).count(),
            3,
            "two provisional points and the legend's hollow dot: {svg}"
        );
        assert!(
            svg.contains(">Số liệu tạm tính</text>") && svg.contains(">Số liệu</text>"),
            "the legend names both kinds of point: {svg}"
        );
        assert_eq!(
            svg.matches("<circle fill=\"#1b1f24\" cx=").count(),
            1,
            "one final point: {svg}"
        );
    }

    #[test]
    fn labels_wider_than_the_chart_do_not_panic() {
        // Found by fuzzing: a long unit made the latest-value label wider than the chart.
        let months: Vec<String> = (1..=12).map(|m| format!("T{m}")).collect();
        let fmt = |v: f64| format!("{v}");
        for (label, value) in [
            (
                "2 nghìn tỷ đồng (giá so sánh năm 2010, chưa gồm thuế nhập khẩu)".to_string(),
                2.0,
            ),
            (format!("{} %", 1e47), 1e47),
        ] {
            let s = Series {
                id: "s-x",
                title: "x",
                desc: "x",
                points: vec![
                    Point {
                        month: 6,
                        value: 1.0,
                        provisional: true,
                    },
                    Point {
                        month: 9,
                        value,
                        provisional: true,
                    },
                ],
                target: Target::AtLeast(1.0),
                cumulative: false,
                baseline: None,
                fmt: &fmt,
                latest_label: label,
                unit: "",
                months: &months,
                legend: ["a", "p", "b", "c"],
            };
            let svg = draw(&s);
            assert!(
                svg.contains("role=\"img\"") && svg.len() < 12 * 1024,
                "{svg}"
            );
        }
    }

    #[test]
    fn cumulative_target_grows_from_zero() {
        let svg = series(Target::AtLeast(8.0), true);
        // The target edge starts at y(0) on the left: the x-axis baseline of a zero-floored scale.
        assert!(
            subpaths(&svg)
                .iter()
                .any(|(style, d)| style.contains("#0b57a4")
                    && d.starts_with(&format!("M{} {BOTTOM}L", 35))),
            "{svg}"
        );
    }
}
