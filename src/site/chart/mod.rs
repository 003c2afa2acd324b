//! SVG charts drawn with plotters: bullet charts for indicator cards, series charts for
//! indicators with several actuals, and status summaries. Geometry (scales, ticks, label
//! placement) is pure and unit-tested; text is measured with a bundled open-licence font
//! (DejaVu Sans, metrics only) so labels never overlap or run outside the chart, and stays
//! `<text>` in the output with its diacritics.

pub mod bullet;
pub mod icon;
pub mod series;
pub mod summary;
pub mod svg;

use std::fmt::Write as _;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The font used to measure text. Its name is the generic family the SVG asks browsers for.
const FAMILY: &str = "sans-serif";
static METRICS_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The font is compiled in and known to parse; a failure would only make widths estimated.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, METRICS_FONT);
    });
}

/// Colours: Okabe–Ito based, each at least 3:1 against white.
pub mod palette {
    use plotters::style::RGBColor;
    /// Text and actual values.
    pub const INK: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
    /// Secondary text, axes.
    pub const MUTED: RGBColor = RGBColor(0x5f, 0x68, 0x73);
    /// Light grid and track.
    pub const TRACK: RGBColor = RGBColor(0xe6, 0xe9, 0xed);
    /// Target lines and outlines.
    pub const TARGET: RGBColor = RGBColor(0x0b, 0x57, 0xa4);
    /// Target band fill (with a `TARGET` outline for contrast).
    pub const TARGET_FILL: RGBColor = RGBColor(0xc6, 0xdd, 0xf3);
    /// Baseline marker.
    pub const BASELINE: RGBColor = RGBColor(0x7a, 0x4d, 0x8f);
    /// White.
    pub const PAPER: RGBColor = RGBColor(0xff, 0xff, 0xff);

    /// The one table of status group colours: for icons and text-bearing badges (each at
    /// least 3:1 against white), and for the bars of the summary charts (where "not yet due"
    /// is a light grey, so the eye goes to what is due). Pages get the first as CSS variables
    /// (`--met`…) and the digest as `group_colors`; charts draw with both.
    pub const GROUPS: [(&str, RGBColor, RGBColor); 6] = [
        (
            "met",
            RGBColor(0x00, 0x7a, 0x5a),
            RGBColor(0x00, 0x7a, 0x5a),
        ),
        (
            "on_track",
            RGBColor(0x0b, 0x57, 0xa4),
            RGBColor(0x0b, 0x57, 0xa4),
        ),
        (
            "at_risk",
            RGBColor(0xa8, 0x5c, 0x00),
            RGBColor(0xa8, 0x5c, 0x00),
        ),
        (
            "short",
            RGBColor(0xb3, 0x26, 0x1e),
            RGBColor(0xb3, 0x26, 0x1e),
        ),
        (
            "no_data",
            RGBColor(0x5f, 0x68, 0x73),
            RGBColor(0x5f, 0x68, 0x73),
        ),
        (
            "not_yet_due",
            RGBColor(0x5f, 0x68, 0x73),
            RGBColor(0xc9, 0xce, 0xd6),
        ),
    ];

    /// `#rrggbb`.
    pub fn hex(c: RGBColor) -> String {
        format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
    }

    /// The icon and bar colours of a status group.
    fn colours(group: &str) -> Option<(RGBColor, RGBColor)> {
        GROUPS
            .iter()
            .find(|(k, ..)| *k == group)
            .map(|(_, icon, bar)| (*icon, *bar))
    }

    /// The icon colour of a status group.
    pub fn icon(group: &str) -> RGBColor {
        colours(group).map_or(MUTED, |(c, _)| c)
    }

    /// The bar colour of a status group.
    pub fn status(group: &str) -> RGBColor {
        colours(group).map_or(TRACK, |(_, c)| c)
    }

    /// Text colour readable on a status colour.
    pub fn on_status(group: &str) -> RGBColor {
        if group == "not_yet_due" { INK } else { PAPER }
    }
}

/// Width of `text` at `size` px, measured with the bundled font.
pub fn text_width(text: &str, size: u32) -> i32 {
    // Labels repeat across thousands of charts (status names, units, months): measure once.
    // By size, then text: looked up without allocating.
    type Widths = std::collections::HashMap<u32, std::collections::HashMap<String, i32>>;
    thread_local! {
        static WIDTHS: std::cell::RefCell<Widths> = Default::default();
    }
    if let Some(w) = WIDTHS.with(|m| m.borrow().get(&size).and_then(|t| t.get(text)).copied()) {
        return w;
    }
    register_font();
    // plotters scales fonts by pixel height (ascent to descent), 1.24 times the em size that SVG's
    // font-size means: measure at the size plotters would need to draw `size` px text.
    let font = FontDesc::new(
        FontFamily::Name(FAMILY),
        f64::from(size) * 1.24,
        FontStyle::Normal,
    );
    let w = match font.box_size(text) {
        Ok((w, _)) => w as i32,
        // Without metrics, assume wide glyphs: overestimating never overlaps.
        Err(_) => (text.chars().count() as i32) * size as i32,
    };
    WIDTHS.with(|m| {
        let mut m = m.borrow_mut();
        let texts = m.entry(size).or_default();
        if texts.len() > 100_000 {
            texts.clear();
        }
        texts.insert(text.to_string(), w);
    });
    w
}

/// A linear map from data values to pixel positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Domain start.
    pub d0: f64,
    /// Domain end.
    pub d1: f64,
    /// Pixel at `d0`.
    pub r0: f64,
    /// Pixel at `d1`.
    pub r1: f64,
}

impl Scale {
    /// Maps a value to a pixel, rounded to the nearest whole pixel.
    pub fn px(&self, v: f64) -> i32 {
        let span = self.d1 - self.d0;
        let t = if span == 0.0 {
            0.5
        } else {
            (v - self.d0) / span
        };
        (self.r0 + t * (self.r1 - self.r0)).round() as i32
    }
}

/// A padded domain covering every value, starting at zero when all values are non-negative and
/// the padding would cross it.
pub fn domain(values: &[f64]) -> (f64, f64) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (mut lo, mut hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if finite.is_empty() {
        return (0.0, 1.0);
    }
    let span = if hi > lo {
        hi - lo
    } else {
        lo.abs().max(1.0) * 0.2
    };
    let pad = span * 0.15;
    let non_negative = lo >= 0.0;
    lo -= pad;
    hi += pad;
    if non_negative && lo < 0.0 {
        lo = 0.0;
    }
    (lo, hi)
}

/// Round tick values ("nice numbers") covering `[lo, hi]`, about `count` of them.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || count == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / count as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() * step;
    let mut out = Vec::new();
    let mut v = first;
    while v <= hi + step * 1e-9 {
        // Snap away float noise such as 0.30000000000000004.
        out.push((v / step).round() * step);
        v += step;
    }
    out
}

/// A label to place on one line: preferred centre and width, higher priority placed first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Preferred centre x.
    pub x: i32,
    /// Width in pixels.
    pub width: i32,
    /// Lower numbers are placed first and never moved by later ones.
    pub priority: u8,
}

/// Places labels on one line between `0` and `width` without overlaps (`gap` px apart): each
/// label goes as near its preferred centre as it can; labels that cannot fit are dropped
/// (`None`). Returns the chosen left edges, in input order.
pub fn place(slots: &[Slot], width: i32, gap: i32) -> Vec<Option<i32>> {
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| (slots[i].priority, i));
    let mut taken: Vec<(i32, i32)> = Vec::new();
    let mut out = vec![None; slots.len()];
    for i in order {
        let s = slots[i];
        if s.width > width {
            continue;
        }
        let clamp = |left: i32| left.clamp(0, width - s.width);
        let preferred = clamp(s.x - s.width / 2);
        let mut candidates = vec![preferred];
        for &(a, b) in &taken {
            candidates.push(clamp(b + gap));
            candidates.push(clamp(a - gap - s.width));
        }
        candidates.sort_by_key(|c| ((c - preferred).abs(), *c));
        let free = |left: i32| {
            taken
                .iter()
                .all(|&(a, b)| left + s.width + gap <= a || left >= b + gap)
        };
        if let Some(&left) = candidates.iter().find(|&&c| free(c)) {
            taken.push((left, left + s.width));
            out[i] = Some(left);
        }
    }
    out
}

/// Horizontal alignment of text at its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Anchor at the left edge.
    Start,
    /// Anchor at the centre.
    Middle,
    /// Anchor at the right edge.
    End,
}

/// A plotters SVG drawing area with the few primitives our charts use.
pub struct Canvas {
    width: u32,
    height: u32,
    /// Rows at the top left out of the view box.
    top: i32,
    ops: Vec<Op>,
}

enum Op {
    Rect([(i32, i32); 2], RGBColor, bool, u32),
    Line(Vec<(i32, i32)>, RGBColor, u32),
    Poly(Vec<(i32, i32)>, RGBColor),
    Circle((i32, i32), i32, RGBColor, bool),
    Text(String, (i32, i32), u32, RGBColor, Align),
}

/// A text style's size, colour and alignment.
type TextKey = (u32, RGBColor, Align);

thread_local! {
    /// The text styles made so far on this thread, one per size, colour and alignment: making
    /// one reads plotters' global font table and copies the font's parsed tables, which cost
    /// more than drawing a chart's texts.
    static TEXT_STYLES: std::cell::RefCell<Vec<(TextKey, TextStyle<'static>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl Canvas {
    /// A blank canvas of the given size in px (the viewBox).
    pub fn new(width: u32, height: u32) -> Self {
        register_font();
        Canvas {
            width,
            height,
            top: 0,
            ops: Vec::new(),
        }
    }

    /// Leaves the top `rows` px out of the finished view box (nothing may be drawn there).
    pub fn crop_top(mut self, rows: i32) -> Self {
        self.top = rows.clamp(0, self.height as i32);
        self
    }

    /// A filled rectangle, or an outline of `stroke` px when `filled` is false.
    pub fn rect(
        &mut self,
        a: (i32, i32),
        b: (i32, i32),
        color: RGBColor,
        filled: bool,
        stroke: u32,
    ) {
        self.ops.push(Op::Rect([a, b], color, filled, stroke));
    }

    /// A polyline.
    pub fn line(&mut self, points: Vec<(i32, i32)>, color: RGBColor, width: u32) {
        self.ops.push(Op::Line(points, color, width));
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: Vec<(i32, i32)>, color: RGBColor) {
        self.ops.push(Op::Poly(points, color));
    }

    /// A circle, filled or outlined.
    pub fn circle(&mut self, c: (i32, i32), r: i32, color: RGBColor, filled: bool) {
        self.ops.push(Op::Circle(c, r, color, filled));
    }

    /// Text whose vertical centre is at `y`.
    pub fn text(&mut self, s: &str, x: i32, y: i32, size: u32, color: RGBColor, align: Align) {
        self.ops
            .push(Op::Text(s.to_string(), (x, y), size, color, align));
    }

    /// Draws everything through plotters' backend interface into compact SVG (see [`svg`])
    /// and returns the finished, accessible SVG element. Points are clamped to the canvas here
    /// (what a plotters drawing area would do).
    pub fn finish(self, id: &str, class: &str, title: &str, desc: &str) -> String {
        let h = self.height as i32;
        // The root element, title and description first, in a buffer about the chart's size.
        let mut start =
            String::with_capacity(512 + 48 * self.ops.len() + 2 * (title.len() + desc.len()));
        let _ = write!(
            start,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 {} {} {}\" class=\"{class}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"{FAMILY}\" font-size=\"{}\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
            self.top,
            self.width,
            h - self.top,
            svg::ROOT_FONT_SIZE,
            xml_escape(title),
            xml_escape(desc)
        );
        let mut svg = svg::CompactSvg::after(self.width, self.height, start);
        TEXT_STYLES.with_borrow_mut(|styles| self.draw(&mut svg, styles));
        let mut svg = svg.finish();
        svg.push_str("</svg>");
        svg
    }

    /// Draws every operation into `svg`, points clamped to the canvas.
    fn draw(&self, svg: &mut svg::CompactSvg, styles: &mut Vec<(TextKey, TextStyle<'static>)>) {
        let (w, h) = (self.width as i32, self.height as i32);
        let clamp = |(x, y): (i32, i32)| (x.clamp(0, w), y.clamp(0, h));
        for op in &self.ops {
            // Drawing into a String cannot fail.
            let _ = match op {
                Op::Rect([a, b], c, filled, width) => {
                    let (a, b) = (clamp(*a), clamp(*b));
                    let (a, b) = ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)));
                    svg.draw_rect(a, b, &style(*c, *filled, *width), *filled)
                }
                Op::Line(pts, c, width) => {
                    svg.draw_path(pts.iter().map(|p| clamp(*p)), &style(*c, false, *width))
                }
                Op::Poly(pts, c) => {
                    svg.fill_polygon(pts.iter().map(|p| clamp(*p)), &c.to_backend_color())
                }
                Op::Circle(p, r, c, filled) => svg.draw_circle(
                    clamp(*p),
                    (*r).max(0) as u32,
                    &style(*c, *filled, 2),
                    *filled,
                ),
                Op::Text(text, p, size, c, align) => {
                    let h = match align {
                        Align::Start => HPos::Left,
                        Align::Middle => HPos::Center,
                        Align::End => HPos::Right,
                    };
                    let key = (*size, *c, *align);
                    let i = match styles.iter().position(|(k, _)| *k == key) {
                        Some(i) => i,
                        None => {
                            // plotters sizes fonts by pixel height, 1.24 times the em size.
                            let style = FontDesc::new(
                                FontFamily::Name(FAMILY),
                                f64::from(*size) * 1.24,
                                FontStyle::Normal,
                            )
                            .color(c)
                            .pos(Pos::new(h, VPos::Center));
                            styles.push((key, style));
                            styles.len() - 1
                        }
                    };
                    svg.draw_text(text, &styles[i].1, clamp(*p))
                }
            };
        }
    }
}

fn style(c: RGBColor, filled: bool, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: c.to_rgba(),
        filled,
        stroke_width: width,
    }
}

/// Escapes text for XML element content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_maps_ends_and_middle() {
        let s = Scale {
            d0: 7.0,
            d1: 8.0,
            r0: 10.0,
            r1: 110.0,
        };
        assert_eq!((s.px(7.0), s.px(7.5), s.px(8.0)), (10, 60, 110));
    }

    #[test]
    fn domain_pads_and_keeps_zero_floor() {
        assert_eq!(domain(&[0.5, 10.0]), (0.0, 10.0 + 9.5 * 0.15));
        let (lo, hi) = domain(&[7.0, 7.5]);
        assert!(lo < 7.0 && lo > 6.8 && hi > 7.5 && hi < 7.7, "{lo} {hi}");
        let (lo, hi) = domain(&[5.0]);
        assert!(lo < 5.0 && hi > 5.0);
        assert_eq!(domain(&[]), (0.0, 1.0));
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(6.8, 7.7, 4), vec![7.0, 7.25, 7.5]);
        let t = ticks(0.0, 0.9, 3);
        assert_eq!(t, vec![0.0, 0.5]);
    }

    #[test]
    fn labels_never_overlap_and_stay_inside() {
        let slots = [
            Slot {
                x: 100,
                width: 40,
                priority: 0,
            },
            Slot {
                x: 105,
                width: 40,
                priority: 1,
            },
            Slot {
                x: 2,
                width: 30,
                priority: 2,
            },
            Slot {
                x: 318,
                width: 30,
                priority: 2,
            },
        ];
        let placed = place(&slots, 320, 4);
        let boxes: Vec<(i32, i32)> = placed
            .iter()
            .zip(&slots)
            .filter_map(|(p, s)| p.map(|l| (l, l + s.width)))
            .collect();
        assert_eq!(placed[0], Some(80), "the first label keeps its place");
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= 0 && a.1 <= 320, "inside: {a:?}");
            for b in &boxes[i + 1..] {
                assert!(a.1 + 4 <= b.0 || b.1 + 4 <= a.0, "overlap {a:?} {b:?}");
            }
        }
        assert_eq!(placed[2], Some(0));
        assert_eq!(placed[3], Some(290));
    }

    #[test]
    fn labels_that_cannot_fit_are_dropped() {
        let slots = [
            Slot {
                x: 50,
                width: 90,
                priority: 0,
            },
            Slot {
                x: 50,
                width: 90,
                priority: 1,
            },
        ];
        assert_eq!(place(&slots, 100, 4), vec![Some(5), None]);
    }

    #[test]
    fn widths_match_the_rendered_em_size() {
        // DejaVu Sans advances: "M" 0.863 em, digits 0.636 em. Measuring may overestimate a
        // little (never under): labels then keep a margin in narrower system fonts.
        let w = text_width("MMMMMMMMMM", 13);
        assert!(
            (112..=125).contains(&w),
            "10 × M at 13 px is about 112 px, measured {w}"
        );
        let digits = text_width("0123456789", 10);
        assert!((63..=70).contains(&digits), "{digits}");
    }

    #[test]
    fn vietnamese_is_measured_narrower_than_its_bytes() {
        let text = "Tăng trưởng GRDP đạt 7,02 %";
        let w = text_width(text, 12);
        assert!(w > 100 && w < 220, "{w}");
        assert!((w as usize) < text.len() * 12 / 2 * 2);
    }
}
