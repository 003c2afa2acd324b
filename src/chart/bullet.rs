//! The compact bullet chart on every numeric indicator card: the target (a band for a range, a
//! threshold with its allowed side shaded, a mark for an exact count), the latest actual, the
//! baseline, and the status by icon and text.

use crate::chart::palette::{self, BASELINE, INK, MUTED, PAPER, TARGET, TARGET_FILL, TRACK};
use crate::chart::{Align, Canvas, Scale, Slot, domain, place, text_width};
use crate::model::Target;

/// Everything the bullet chart shows, already formatted for the page language.
#[derive(Debug, Clone)]
pub struct Bullet<'a> {
    /// Unique element id prefix.
    pub id: &'a str,
    /// Accessible title (the indicator name).
    pub title: &'a str,
    /// Accessible description stating the conclusion.
    pub desc: &'a str,
    /// The target.
    pub target: Target,
    /// Latest numeric actual.
    pub actual: Option<f64>,
    /// Its label, e.g. `7,02 %`.
    pub actual_label: Option<String>,
    /// Partial-year or estimated.
    pub provisional: bool,
    /// Baseline value and its label, e.g. `2023: 5,72 %`.
    pub baseline: Option<(f64, String)>,
    /// Pro-rata target for a partial cumulative value.
    pub expected: Option<Target>,
    /// Labels for the target's bounds, in the order of `bounds(target)`.
    pub bound_labels: Vec<String>,
    /// Status group key (icon shape) and label.
    pub status: (&'a str, &'a str),
}

/// The chart's size in px (its viewBox).
pub const WIDTH: i32 = 320;
/// Height.
pub const HEIGHT: i32 = 80;
const LEFT: i32 = 6;
const RIGHT: i32 = WIDTH - 6;
const TRACK_TOP: i32 = 38;
const TRACK_BOTTOM: i32 = 58;
const FONT: u32 = 13;

/// The target's bounds as drawn, with a baseline offset for "N more" targets.
pub fn bounds(target: &Target, baseline: Option<f64>) -> Vec<f64> {
    match *target {
        Target::Range { min, max } => vec![min, max],
        Target::AtLeast(b)
        | Target::MoreThan(b)
        | Target::AtMost(b)
        | Target::LessThan(b)
        | Target::Exactly(b) => {
            vec![b]
        }
        Target::Increase(n) => vec![baseline.unwrap_or(0.0) + n],
        Target::Milestone { .. } => vec![],
    }
}

/// The x-scale of the chart for these values.
pub fn scale(b: &Bullet<'_>) -> Scale {
    let base = b.baseline.as_ref().map(|(v, _)| *v);
    let mut values = bounds(&b.target, base);
    values.extend(b.actual);
    values.extend(base);
    if let Some(e) = &b.expected {
        values.extend(bounds(e, base));
    }
    let (d0, d1) = domain(&values);
    Scale {
        d0,
        d1,
        r0: f64::from(LEFT),
        r1: f64::from(RIGHT),
    }
}

/// Draws the chart; `None` for milestones, which have no scale.
pub fn draw(b: &Bullet<'_>) -> Option<String> {
    if matches!(b.target, Target::Milestone { .. }) {
        return None;
    }
    let base = b.baseline.as_ref().map(|(v, _)| *v);
    let s = scale(b);
    let mut c = Canvas::new(WIDTH as u32, HEIGHT as u32);
    status_row(&mut c, b.status);
    c.rect((LEFT, TRACK_TOP), (RIGHT, TRACK_BOTTOM), TRACK, true, 0);
    target_marks(&mut c, &s, &b.target, base);
    if let Some(e) = &b.expected {
        for x in bounds(e, base).into_iter().map(|v| s.px(v)) {
            c.polygon(
                vec![
                    (x - 5, TRACK_TOP - 7),
                    (x + 5, TRACK_TOP - 7),
                    (x, TRACK_TOP - 1),
                ],
                TARGET,
            );
        }
    }
    if let Some(v) = b.actual {
        let x = s.px(v);
        if b.provisional {
            c.rect((LEFT, 44), (x.max(LEFT + 1), 52), PAPER, true, 0);
            c.rect((LEFT, 44), (x.max(LEFT + 1), 52), INK, false, 2);
        } else {
            c.rect((LEFT, 44), (x.max(LEFT + 1), 52), INK, true, 0);
        }
        c.line(vec![(x, 40), (x, 56)], INK, 3);
    }
    if let Some(v) = base {
        let x = s.px(v);
        c.polygon(
            vec![
                (x, TRACK_BOTTOM + 1),
                (x - 5, TRACK_BOTTOM + 8),
                (x + 5, TRACK_BOTTOM + 8),
            ],
            BASELINE,
        );
    }
    labels(&mut c, &s, b, base);
    Some(c.finish(b.id, "chart chart-bullet", b.title, b.desc))
}

fn status_row(c: &mut Canvas, (group, label): (&str, &str)) {
    icon(c, group, (LEFT + 6, 10), 6);
    c.text(label, LEFT + 17, 10, FONT, INK, Align::Start);
}

/// The status icon shapes of the stylesheet, so charts and badges agree.
pub fn icon(c: &mut Canvas, group: &str, (x, y): (i32, i32), r: i32) {
    let col = palette::status(group);
    match group {
        "achieved" => {
            c.circle((x, y), r, col, true);
            c.line(
                vec![
                    (x - r / 2, y),
                    (x - 1, y + r / 2),
                    (x + r / 2 + 1, y - r / 2),
                ],
                PAPER,
                2,
            );
        }
        "on_track" => c.polygon(
            vec![
                (x - r, y - r / 2),
                (x, y - r / 2),
                (x, y - r),
                (x + r, y),
                (x, y + r),
                (x, y + r / 2),
                (x - r, y + r / 2),
            ],
            col,
        ),
        "at_risk" => c.polygon(vec![(x, y - r), (x + r, y + r), (x - r, y + r)], col),
        "off_track" => {
            c.rect((x - r, y - r), (x + r, y + r), col, true, 0);
            c.line(
                vec![(x - r / 2, y - r / 2), (x + r / 2, y + r / 2)],
                PAPER,
                2,
            );
            c.line(
                vec![(x + r / 2, y - r / 2), (x - r / 2, y + r / 2)],
                PAPER,
                2,
            );
        }
        "no_data" => c.circle((x, y), r - 1, col, false),
        _ => {
            c.circle((x, y), r - 1, MUTED, false);
            c.line(
                vec![(x, y - r / 2), (x, y), (x + r / 2, y + r / 3)],
                MUTED,
                1,
            );
        }
    }
}

fn target_marks(c: &mut Canvas, s: &Scale, target: &Target, base: Option<f64>) {
    let (top, bottom) = (TRACK_TOP, TRACK_BOTTOM);
    let mark = |c: &mut Canvas, x: i32, strict: bool| {
        c.line(vec![(x, top - 4), (x, bottom + 4)], TARGET, 2);
        if strict {
            // An open circle: the bound itself does not count.
            c.circle((x, top - 4), 3, PAPER, true);
            c.circle((x, top - 4), 3, TARGET, false);
        }
    };
    match *target {
        Target::Range { min, max } => {
            let (a, b) = (s.px(min), s.px(max));
            c.rect((a, top), (b.max(a + 2), bottom), TARGET_FILL, true, 0);
            mark(c, a, false);
            mark(c, b, false);
        }
        Target::AtLeast(v) | Target::MoreThan(v) => {
            let x = s.px(v);
            c.rect((x, top), (RIGHT, bottom), TARGET_FILL, true, 0);
            mark(c, x, matches!(target, Target::MoreThan(_)));
        }
        Target::AtMost(v) | Target::LessThan(v) => {
            let x = s.px(v);
            c.rect((LEFT, top), (x, bottom), TARGET_FILL, true, 0);
            mark(c, x, matches!(target, Target::LessThan(_)));
        }
        Target::Increase(n) => {
            let x = s.px(base.unwrap_or(0.0) + n);
            c.rect((x, top), (RIGHT, bottom), TARGET_FILL, true, 0);
            mark(c, x, false);
        }
        Target::Exactly(n) => {
            let x = s.px(n);
            c.line(vec![(x, top - 6), (x, bottom + 6)], TARGET, 4);
        }
        Target::Milestone { .. } => {}
    }
}

fn labels(c: &mut Canvas, s: &Scale, b: &Bullet<'_>, base: Option<f64>) {
    if let (Some(v), Some(text)) = (b.actual, &b.actual_label) {
        let w = text_width(text, FONT);
        let slot = Slot {
            x: s.px(v),
            width: w,
            priority: 0,
        };
        if let Some(left) = place(&[slot], WIDTH, 0)[0] {
            c.text(text, left, 28, FONT, INK, Align::Start);
        }
    }
    let mut items: Vec<(String, i32, u8, plotters::style::RGBColor)> = bounds(&b.target, base)
        .into_iter()
        .zip(&b.bound_labels)
        .map(|(v, l)| (l.clone(), s.px(v), 0, TARGET))
        .collect();
    if let Some((v, l)) = &b.baseline {
        items.push((l.clone(), s.px(*v), 1, BASELINE));
    }
    let slots: Vec<Slot> = items
        .iter()
        .map(|(l, x, p, _)| Slot {
            x: *x,
            width: text_width(l, FONT - 1),
            priority: *p,
        })
        .collect();
    for ((l, _, _, col), left) in items.iter().zip(place(&slots, WIDTH, 6)) {
        if let Some(left) = left {
            c.text(
                l,
                left,
                72,
                FONT - 1,
                if *col == BASELINE { BASELINE } else { MUTED },
                Align::Start,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bullet(target: Target, actual: Option<f64>) -> Bullet<'static> {
        Bullet {
            id: "c-x",
            title: "Tăng trưởng GRDP",
            desc: "7,02 % so với mục tiêu 7–7,5 %: đạt",
            target,
            actual,
            actual_label: actual.map(|v| format!("{v} %")),
            provisional: false,
            baseline: Some((5.72, "2023: 5,72 %".into())),
            expected: None,
            bound_labels: bounds(&target, Some(5.72))
                .iter()
                .map(|v| format!("{v}"))
                .collect(),
            status: ("achieved", "Đạt"),
        }
    }

    #[test]
    fn range_band_spans_exactly_its_interval() {
        let b = bullet(Target::Range { min: 7.0, max: 7.5 }, Some(7.02));
        let s = scale(&b);
        let svg = draw(&b).unwrap();
        let (a, z) = (s.px(7.0), s.px(7.5));
        let band = format!(
            "<rect x=\"{a}\" y=\"{TRACK_TOP}\" width=\"{}\" height=\"{}\" fill=\"#C6DDF3\"",
            z - a,
            TRACK_BOTTOM - TRACK_TOP
        );
        assert!(svg.contains(&band), "band {band} in {svg}");
    }

    #[test]
    fn thresholds_shade_the_allowed_side() {
        for (t, left_side) in [(Target::AtLeast(8.0), false), (Target::LessThan(3.0), true)] {
            let b = bullet(t, Some(5.0));
            let s = scale(&b);
            let x = s.px(bounds(&t, None)[0]);
            let svg = draw(&b).unwrap();
            let band = if left_side {
                format!(
                    "<rect x=\"{LEFT}\" y=\"{TRACK_TOP}\" width=\"{}\"",
                    x - LEFT
                )
            } else {
                format!("<rect x=\"{x}\" y=\"{TRACK_TOP}\" width=\"{}\"", RIGHT - x)
            };
            assert!(svg.contains(&band), "{t:?}: {band}");
        }
    }

    #[test]
    fn actual_lands_at_its_coordinate() {
        let b = bullet(Target::AtLeast(8.0), Some(9.0));
        let x = scale(&b).px(9.0);
        let svg = draw(&b).unwrap();
        assert!(svg.contains(&format!("<polyline fill=\"none\" stroke=\"#1B1F24\" stroke-width=\"3\" points=\"{x},40 {x},56 \"")), "{svg}");
    }

    #[test]
    fn accessible_small_and_deterministic() {
        let b = bullet(Target::Range { min: 7.0, max: 7.5 }, Some(7.02));
        let svg = draw(&b).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 80\"")
        );
        assert!(
            svg.contains("role=\"img\"")
                && svg.contains("<title id=\"c-x-t\">Tăng trưởng GRDP</title>")
        );
        assert!(svg.contains("<desc id=\"c-x-d\">7,02 % so với mục tiêu 7–7,5 %: đạt</desc>"));
        assert!(svg.contains(">Đạt</text>"), "status as text");
        assert!(svg.len() < 4096, "{} bytes", svg.len());
        assert_eq!(svg, draw(&b).unwrap());
        insta::assert_snapshot!("bullet_range", svg);
    }

    #[test]
    fn milestones_have_no_bullet() {
        let due = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert!(draw(&bullet(Target::Milestone { due }, None)).is_none());
    }
}
