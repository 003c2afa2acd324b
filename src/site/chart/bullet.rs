//! The compact bullet chart on every numeric indicator card: the target (a band for a range, a
//! threshold with its allowed side shaded, a mark for an exact count), the latest actual, the
//! baseline. The status is stated beside the chart in HTML (once per card), not inside it.
//!
//! Length encodes a value only on an axis that starts at zero (Stephen Few's rule for bullet
//! graphs): the actual is a bar from zero whenever zero is on the axis, which is every chart
//! except one whose values are all clustered far from zero ([`axis`]). There the axis is fitted
//! to the values, marked as broken at its start, labelled with tick values, and the actual is a
//! dot, not a bar, so no length can be read as a size.

use crate::chart::palette::{BASELINE, INK, MUTED, PAPER, TARGET, TARGET_FILL, TRACK};
use crate::chart::{Align, Canvas, Scale, Slot, domain, place, text_width};
use crate::model::Target;

/// Everything the bullet chart shows, already formatted for the page language.
#[derive(Clone)]
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
    /// Baseline value, its label (`2023: 5,72 %`) and a shorter one (`2023`) for when the
    /// label cannot sit over its pin.
    pub baseline: Option<(f64, String, String)>,
    /// Pro-rata target for a partial cumulative value.
    pub expected: Option<Target>,
    /// Labels for the target's bounds, in the order of `bounds(target)`.
    pub bound_labels: Vec<String>,
    /// The whole target in words (`7–7,5 %`), shown once under a range too narrow for two labels.
    pub target_label: String,
    /// Formats an axis tick value in the page language.
    pub number: &'a dyn Fn(f64) -> String,
}

impl std::fmt::Debug for Bullet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bullet")
            .field("id", &self.id)
            .field("target", &self.target)
            .field("actual", &self.actual)
            .finish_non_exhaustive()
    }
}

/// How the value axis of a bullet chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// From zero: the actual is a bar whose length is its value.
    Zero,
    /// Fitted to values clustered far from zero: the actual is a dot, the axis is marked as
    /// broken and labelled with tick values.
    Fitted,
}

/// Values that all lie within this share of the largest of them, on one side of zero, are
/// "clustered far from zero": on an axis from zero their differences would be under
/// 2 % of the track (6 px), so the axis is fitted to them instead.
pub const CLUSTERED: f64 = 0.02;

/// The axis rule (published on the methodology page): from zero, unless every value is on one
/// side of zero and they differ by less than [`CLUSTERED`] of the largest.
pub fn axis(values: &[f64]) -> Axis {
    let (lo, hi) = extent(values);
    if !lo.is_finite() || (lo <= 0.0 && hi >= 0.0) {
        return Axis::Zero;
    }
    let spread = hi - lo;
    if spread > 0.0 && spread < CLUSTERED * lo.abs().max(hi.abs()) {
        Axis::Fitted
    } else {
        Axis::Zero
    }
}

fn extent(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        })
}

/// A domain that includes zero, padded by 8 % on the side(s) away from it.
fn zero_domain(values: &[f64]) -> (f64, f64) {
    let (lo, hi) = extent(values);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let (mut d0, mut d1) = (lo.min(0.0), hi.max(0.0));
    let span = if d1 > d0 { d1 - d0 } else { 1.0 };
    if d1 > 0.0 || d0 == 0.0 {
        d1 += span * 0.08;
    }
    if d0 < 0.0 {
        d0 -= span * 0.08;
    }
    (d0, d1)
}

/// The chart's size in px (its viewBox).
pub const WIDTH: i32 = 320;
/// Height.
pub const HEIGHT: i32 = 80;
/// The top band left out of the view box (the chart once drew its status there).
const TOP: i32 = 18;
const LEFT: i32 = 6;
const RIGHT: i32 = WIDTH - 6;
const TRACK_TOP: i32 = 38;
const TRACK_BOTTOM: i32 = 58;
const FONT: u32 = 13;
const BAR_TOP: i32 = 44;
const BAR_BOTTOM: i32 = 52;

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

/// Every value the chart places: bounds, actual, baseline and pro-rata bounds.
fn values(b: &Bullet<'_>) -> Vec<f64> {
    let base = b.baseline.as_ref().map(|(v, ..)| *v);
    let mut values = bounds(&b.target, base);
    values.extend(b.actual);
    values.extend(base);
    if let Some(e) = &b.expected {
        values.extend(bounds(e, base));
    }
    values
}

/// The axis kind and x-scale of the chart.
pub fn scale(b: &Bullet<'_>) -> (Axis, Scale) {
    let values = values(b);
    let kind = axis(&values);
    let (d0, d1) = match kind {
        Axis::Zero => zero_domain(&values),
        Axis::Fitted => domain(&values),
    };
    let s = Scale {
        d0,
        d1,
        r0: f64::from(LEFT),
        r1: f64::from(RIGHT),
    };
    (kind, s)
}

/// Draws the chart; `None` for milestones, which have no scale.
pub fn draw(b: &Bullet<'_>) -> Option<String> {
    if matches!(b.target, Target::Milestone { .. }) {
        return None;
    }
    let base = b.baseline.as_ref().map(|(v, ..)| *v);
    let (kind, s) = scale(b);
    // Drawn on the full canvas; the view box starts below the unused top band.
    let mut c = Canvas::new(WIDTH as u32, HEIGHT as u32).crop_top(TOP);
    c.rect((LEFT, TRACK_TOP), (RIGHT, TRACK_BOTTOM), TRACK, true, 0);
    target_marks(&mut c, &s, &b.target, base);
    let ticks = axis_marks(&mut c, &s, kind);
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
        match kind {
            Axis::Zero => {
                // The bar runs from zero to the value; a hollow bar is a provisional figure.
                let zero = s.px(0.0);
                let (a, z) = (zero.min(x), zero.max(x));
                if z > a {
                    c.rect((a, BAR_TOP), (z, BAR_BOTTOM), PAPER, true, 0);
                    // A 1 px outline, as the charts were reviewed with (plotters' own SVG
                    // backend drew every outlined rectangle 1 px wide).
                    c.rect((a, BAR_TOP), (z, BAR_BOTTOM), INK, !b.provisional, 1);
                }
                c.line(vec![(x, 40), (x, 56)], INK, 3);
            }
            Axis::Fitted => {
                // A dot: no length to read. Hollow when provisional.
                c.circle((x, 48), 6, if b.provisional { PAPER } else { INK }, true);
                c.circle((x, 48), 6, INK, false);
            }
        }
    }
    if let Some(v) = base {
        let x = s.px(v);
        // A pin under the track (⊥): not a triangle, which is the at-risk icon's shape.
        // Its foot ends 2 px above the labels' tallest letters, whichever label lies under it.
        c.line(
            vec![(x, TRACK_BOTTOM - 3), (x, TRACK_BOTTOM + 5)],
            BASELINE,
            2,
        );
        c.line(
            vec![(x - 4, TRACK_BOTTOM + 5), (x + 4, TRACK_BOTTOM + 5)],
            BASELINE,
            2,
        );
    }
    labels(&mut c, &s, b, base, &ticks);
    Some(c.finish(b.id, "chart chart-bullet", b.title, b.desc))
}

/// Zero's line (when the axis runs below it), or the fitted axis's break mark and ticks; returns
/// the tick values to label.
fn axis_marks(c: &mut Canvas, s: &Scale, kind: Axis) -> Vec<f64> {
    match kind {
        Axis::Zero => {
            let zero = s.px(0.0);
            if zero > LEFT {
                c.line(
                    vec![(zero, TRACK_TOP - 2), (zero, TRACK_BOTTOM + 2)],
                    MUTED,
                    1,
                );
            }
            vec![0.0]
        }
        Axis::Fitted => {
            // Two slanted strokes over the track's start: the axis does not begin at zero.
            for dx in [0, 4] {
                c.line(
                    vec![
                        (LEFT + 2 + dx, TRACK_BOTTOM + 3),
                        (LEFT + 6 + dx, TRACK_TOP - 3),
                    ],
                    MUTED,
                    1,
                );
            }
            let ticks = crate::chart::ticks(s.d0, s.d1, 4);
            for t in &ticks {
                let x = s.px(*t);
                c.line(vec![(x, TRACK_BOTTOM), (x, TRACK_BOTTOM + 3)], MUTED, 1);
            }
            ticks
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
            // Thicker than a bound's mark; 5 px beyond the track leaves the labels above and
            // below it clear of the line, Vietnamese dots below and marks above included.
            c.line(vec![(x, top - 5), (x, bottom + 5)], TARGET, 4);
        }
        Target::Milestone { .. } => {}
    }
}

fn labels(c: &mut Canvas, s: &Scale, b: &Bullet<'_>, base: Option<f64>, ticks: &[f64]) {
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
        .map(|(v, l)| (l.clone(), s.px(v), 0, MUTED))
        .collect();
    if let [(l0, x0, ..), (l1, x1, ..)] = items.as_slice() {
        // Two bound labels that would have to move apart (and could swap sides) become one.
        let room = (text_width(l0, FONT - 1) + text_width(l1, FONT - 1)) / 2 + 6;
        if x1 - x0 < room {
            let centre = (x0 + x1) / 2;
            items = vec![(b.target_label.clone(), centre, 0, MUTED)];
        }
    }
    if let Some((v, l, _)) = &b.baseline {
        items.push((l.clone(), s.px(*v), 1, BASELINE));
    }
    let mut slots: Vec<Slot> = items
        .iter()
        .map(|(l, x, p, _)| Slot {
            x: *x,
            width: text_width(l, FONT - 1),
            priority: *p,
        })
        .collect();
    let mut placed = place(&slots, WIDTH, 6);
    // The baseline's label names its pin only while it lies under it: pushed aside by the
    // target's label it would name that instead. Then only the year, or nothing (the card
    // states the baseline in words).
    if let (Some((v, _, short)), Some(k)) = (&b.baseline, items.len().checked_sub(1)) {
        let pin = s.px(*v);
        let over =
            |left: Option<i32>, width: i32| left.is_some_and(|l| l <= pin && pin <= l + width);
        if !over(placed[k], slots[k].width) {
            items[k].0 = short.clone();
            slots[k].width = text_width(short, FONT - 1);
            placed = place(&slots, WIDTH, 6);
            if !over(placed[k], slots[k].width) {
                placed[k] = None;
            }
        }
    }
    let mut taken = Vec::new();
    for (((l, _, _, col), left), slot) in items.iter().zip(placed).zip(&slots) {
        if let Some(left) = left {
            c.text(l, left, 72, FONT - 1, *col, Align::Start);
            taken.push((left, left + slot.width));
        }
    }
    // Tick values give way to every other label, and are shown only right under their tick:
    // a tick value moved aside would point at the wrong place.
    for t in ticks {
        let text = (b.number)(*t);
        let width = text_width(&text, FONT - 2);
        let left = s.px(*t) - width / 2;
        let inside = left >= 0 && left + width <= WIDTH;
        let free = taken
            .iter()
            .all(|&(a, z)| left + width + 4 <= a || left >= z + 4);
        if inside && free {
            c.text(&text, left, 72, FONT - 2, MUTED, Align::Start);
            taken.push((left, left + width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::{rect_d, subpaths};

    fn bullet(target: Target, actual: Option<f64>) -> Bullet<'static> {
        Bullet {
            id: "c-x",
            title: "Tăng trưởng GRDP",
            desc: "7,02 % so với mục tiêu 7–7,5 %: đạt",
            target,
            actual,
            actual_label: actual.map(|v| format!("{v} %")),
            provisional: false,
            baseline: Some((5.72, "2023: 5,72 %".into(), "2023".into())),
            expected: None,
            bound_labels: bounds(&target, Some(5.72))
                .iter()
                .map(|v| format!("{v}"))
                .collect(),
            target_label: "7–7,5 %".into(),
            number: &|v| format!("{v}"),
        }
    }

    #[test]
    fn range_band_spans_exactly_its_interval() {
        let b = bullet(Target::Range { min: 7.0, max: 7.5 }, Some(7.02));
        let (_, s) = scale(&b);
        let svg = draw(&b).unwrap();
        let (a, z) = (s.px(7.0), s.px(7.5));
        let band = (
            "fill=\"#c6ddf3\"".to_string(),
            rect_d((a, TRACK_TOP), (z, TRACK_BOTTOM)),
        );
        assert!(subpaths(&svg).contains(&band), "band {band:?} in {svg}");
    }

    #[test]
    fn thresholds_shade_the_allowed_side() {
        for (t, left_side) in [(Target::AtLeast(8.0), false), (Target::LessThan(3.0), true)] {
            let b = bullet(t, Some(5.0));
            let (_, s) = scale(&b);
            let x = s.px(bounds(&t, None)[0]);
            let svg = draw(&b).unwrap();
            let band = if left_side {
                rect_d((LEFT, TRACK_TOP), (x, TRACK_BOTTOM))
            } else {
                rect_d((x, TRACK_TOP), (RIGHT, TRACK_BOTTOM))
            };
            let band = ("fill=\"#c6ddf3\"".to_string(), band);
            assert!(subpaths(&svg).contains(&band), "{t:?}: {band:?}");
        }
    }

    #[test]
    fn actual_lands_at_its_coordinate() {
        let b = bullet(Target::AtLeast(8.0), Some(9.0));
        let x = scale(&b).1.px(9.0);
        let svg = draw(&b).unwrap();
        let mark = (
            "fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"3\"".to_string(),
            format!("M{x} 40V56"),
        );
        assert!(subpaths(&svg).contains(&mark), "{svg}");
    }

    /// The y coordinates a subpath visits (`M x y`, `L x y`, `H x`, `V y`).
    fn ys(d: &str) -> Vec<i32> {
        let mut out = Vec::new();
        let mut cmd = 'M';
        let mut nums = Vec::new();
        let flush = |cmd: char, nums: &mut Vec<i32>, out: &mut Vec<i32>| {
            match cmd {
                'M' | 'L' => out.extend(nums.chunks(2).filter_map(|p| p.get(1))),
                'V' => out.extend(nums.iter()),
                _ => {}
            }
            nums.clear();
        };
        for token in d.split_inclusive(|c: char| c.is_ascii_alphabetic() || c == ' ') {
            let (num, next) = match token.chars().last() {
                Some(c) if c.is_ascii_alphabetic() => (&token[..token.len() - 1], Some(c)),
                _ => (token.trim_end(), None),
            };
            if let Ok(n) = num.parse() {
                nums.push(n);
            }
            if let Some(c) = next {
                flush(cmd, &mut nums, &mut out);
                cmd = c;
            }
        }
        flush(cmd, &mut nums, &mut out);
        out
    }

    #[test]
    fn marks_keep_clear_of_the_labels() {
        // The labels under the track (12 px, baseline y 75) begin at about y 66 with their
        // accents; the actual's label above it (13 px, baseline y 32) ends at about y 33 with
        // dots below (ị, ạ). The baseline's pin and an exact target's line stay between.
        for t in [Target::Exactly(7.0), Target::Range { min: 7.0, max: 7.5 }] {
            let svg = draw(&bullet(t, Some(6.9))).unwrap();
            let marks: Vec<i32> = subpaths(&svg)
                .into_iter()
                .filter(|(style, _)| {
                    style.contains("stroke=\"#7a4d8f\"") || style.contains("stroke-width=\"4\"")
                })
                .flat_map(|(_, d)| ys(&d))
                .collect();
            assert!(marks.len() >= 3, "{svg}");
            assert!(
                marks.iter().all(|y| (33..=63).contains(y)),
                "{t:?}: {marks:?} in {svg}"
            );
        }
    }

    #[test]
    fn a_baseline_label_lies_over_its_pin_or_is_left_out() {
        // (target, actual, baseline, label shown): a pin far from other labels keeps its
        // whole label; one just past the target's label has room for its year only; one
        // under the target's label gets none.
        for (target, actual, base, shown) in [
            (Target::AtLeast(8.0), 8.5, 3.0, Some("2023: 3 %")),
            (Target::AtLeast(5.0), 6.0, 6.1, Some("2023")),
            (Target::AtLeast(5.0), 6.0, 5.4, None),
        ] {
            let mut b = bullet(target, Some(actual));
            b.baseline = Some((base, "2023: 3 %".into(), "2023".into()));
            b.bound_labels = vec!["5 tỷ USD".into()];
            let (_, s) = scale(&b);
            let svg = draw(&b).unwrap();
            let label = svg.split("fill=\"#7a4d8f\" x=\"").nth(1).map(|r| {
                let x = r.split('"').next().unwrap().parse::<i32>().unwrap();
                let text = r.split_once('>').unwrap().1.split('<').next().unwrap();
                (x, text)
            });
            assert_eq!(label.map(|l| l.1), shown, "{base}: {svg}");
            if let Some((left, text)) = label {
                let pin = s.px(base);
                let width = text_width(text, FONT - 1);
                assert!(left <= pin && pin <= left + width, "{base}: {svg}");
            }
        }
    }

    #[test]
    fn accessible_small_and_deterministic() {
        let b = bullet(Target::Range { min: 7.0, max: 7.5 }, Some(7.02));
        let svg = draw(&b).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 18 320 62\""),
            "the unused top band is left out of the view box: {svg}"
        );
        assert!(
            svg.contains("role=\"img\"")
                && svg.contains("<title id=\"c-x-t\">Tăng trưởng GRDP</title>")
        );
        assert!(svg.contains("<desc id=\"c-x-d\">7,02 % so với mục tiêu 7–7,5 %: đạt</desc>"));
        assert!(
            !svg.contains(">Đạt</text>"),
            "the card states the status, not the chart"
        );
        assert!(svg.len() < 4096, "{} bytes", svg.len());
        assert_eq!(svg, draw(&b).unwrap());
        insta::assert_snapshot!("bullet_range", svg);
    }

    /// The bar in a chart: its left edge and width (`BAR_TOP` row), if one is drawn.
    fn bar(svg: &str) -> Option<(i32, i32)> {
        subpaths(svg).iter().find_map(|(_, d)| {
            let (x, rest) = d.strip_prefix('M')?.split_once(&format!(" {BAR_TOP}H"))?;
            let (z, _) = rest.split_once(&format!("V{BAR_BOTTOM}"))?;
            let (x, z): (i32, i32) = (x.parse().ok()?, z.parse().ok()?);
            Some((x, z - x))
        })
    }

    #[test]
    fn bars_start_at_zero_and_their_length_is_their_value() {
        // Misses of 74 %, 81 %, 94 % and 97.5 % of a floor of 104, and exactly on a count.
        let mut seen = Vec::new();
        for (target, v) in [
            (Target::AtLeast(104.0), 76.96),
            (Target::AtLeast(104.0), 84.24),
            (Target::AtLeast(104.0), 97.76),
            (Target::AtLeast(104.0), 101.4),
            (Target::Exactly(1400.0), 1400.0),
            (Target::AtMost(4.5), 3.63),
        ] {
            let mut b = bullet(target, Some(v));
            b.baseline = None;
            let (kind, s) = scale(&b);
            assert_eq!(kind, Axis::Zero, "{target:?}");
            let svg = draw(&b).unwrap();
            let (x, w) = bar(&svg).expect("a bar");
            assert_eq!(x, LEFT, "the bar starts at zero, the track's start");
            let k = f64::from(RIGHT - LEFT) / (s.d1 - s.d0);
            assert!(
                (f64::from(w) - v * k).abs() <= 1.0,
                "{target:?} {v}: width {w}"
            );
            let bound = bounds(&target, None)[0];
            let at_bound = (v / bound * f64::from(s.px(bound) - LEFT)).round() as i32;
            assert!(
                (w - at_bound).abs() <= 1,
                "{v} of {bound}: {w} vs {at_bound}"
            );
            assert!(
                !seen.contains(&svg),
                "two different shortfalls drawn identically"
            );
            seen.push(svg);
        }
    }

    #[test]
    fn values_clustered_far_from_zero_get_a_dot_on_a_fitted_axis() {
        // +0.3 % over an upper bound of 76.2: on an axis from zero the gap would be 0.7 px.
        let mut b = bullet(Target::AtMost(76.2), Some(76.4));
        b.baseline = None;
        assert_eq!(scale(&b).0, Axis::Fitted);
        let svg = draw(&b).unwrap();
        assert_eq!(
            bar(&svg),
            None,
            "no bar on an axis that does not start at zero"
        );
        assert!(svg.contains("<circle"), "the actual is a dot");
        assert!(
            svg.contains(">76.2<") || svg.contains(">76.3<"),
            "tick values label the axis: {svg}"
        );
        // Negative values still draw from zero.
        assert_eq!(axis(&[-1.5, 7.0]), Axis::Zero);
        assert_eq!(axis(&[7.0, 7.5, 5.72]), Axis::Zero);
        assert_eq!(axis(&[1400.0, 1400.0]), Axis::Zero);
    }

    #[test]
    fn milestones_have_no_bullet() {
        let due = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert!(draw(&bullet(Target::Milestone { due }, None)).is_none());
    }
}
