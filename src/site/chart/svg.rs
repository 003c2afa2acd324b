//! A plotters drawing backend that writes compact SVG. plotters' own SVG backend writes every
//! shape with every attribute (`<polyline fill="none" opacity="1" stroke="#5F6873"
//! stroke-width="1" points="131,220 131,224 "/>`), and a national site draws 82,000 charts. This
//! one writes what SVG needs and says each style once:
//!
//! - lines, outlines and filled shapes are `<path>`s; a run of shapes with the same style is one
//!   path of several subpaths (`M131 220v4M217 220v4`), since painting them together or one
//!   by one gives the same pixels;
//! - a run of circles or texts with the same style shares one `<g>` carrying that style;
//! - a filled circle drawn again as an outline (a hollow point) is one circle with both;
//! - text is centred on its `y` by moving the baseline, not with `dy="0.5ex"` on every text.
//!
//! The painting order is exactly the drawing order. Font family and size are the root element's
//! (see `chart::Canvas::finish`), so texts at that size do not repeat them.

use std::fmt::Write as _;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// The font size the root element sets, which texts at that size do not repeat.
pub const ROOT_FONT_SIZE: u32 = 15;

/// Where the baseline sits below the vertical centre of a line of text, as a share of the font
/// size: half the x-height of DejaVu Sans (0.547 em), what `dy="0.5ex"` said.
const CENTRE_TO_BASELINE: f64 = 0.2735;

/// Writing to a `String` cannot fail.
#[derive(Debug)]
pub enum Never {}

impl std::fmt::Display for Never {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {}
    }
}

impl std::error::Error for Never {}

type Result = std::result::Result<(), DrawingErrorKind<Never>>;

/// What the shapes of the current run are.
#[derive(Debug, PartialEq)]
enum Kind {
    /// Subpaths of one `<path>`.
    Path,
    /// `<circle>`s.
    Circle,
    /// `<text>`s.
    Text,
}

/// Consecutive shapes of one kind and style, written together.
#[derive(Debug)]
struct Run {
    kind: Kind,
    /// Its attributes, each with a leading space.
    style: String,
    /// The path data, or the elements without the style.
    items: String,
    /// How many circles or texts it holds.
    count: usize,
}

/// A filled circle not yet written: it may be outlined next.
#[derive(Debug, Clone, Copy)]
struct Disc {
    at: BackendCoord,
    r: u32,
    /// Its colour, as `hex` writes it.
    fill: (u8, u8, u8),
}

/// The backend. Draw into it, then take the SVG body with [`CompactSvg::finish`].
#[derive(Debug)]
pub struct CompactSvg {
    size: (u32, u32),
    body: String,
    run: Option<Run>,
    disc: Option<Disc>,
    /// A finished run's item buffer, for the next run (charts draw thousands of shapes).
    spare: String,
    /// Where each shape's style is written before it is compared with the run's.
    scratch: String,
}

impl CompactSvg {
    /// A canvas of `width` × `height` px.
    pub fn new(width: u32, height: u32) -> Self {
        Self::after(width, height, String::new())
    }

    /// A canvas whose elements are appended to `start` (the root element's opening and
    /// title): the chart is written into one buffer, sized by the caller.
    pub fn after(width: u32, height: u32, start: String) -> Self {
        CompactSvg {
            size: (width, height),
            body: start,
            run: None,
            disc: None,
            spare: String::new(),
            scratch: String::new(),
        }
    }

    /// What the canvas started with, then the SVG elements drawn.
    pub fn finish(mut self) -> String {
        self.flush_disc();
        self.flush();
        self.body
    }

    /// Adds one shape to the current run, starting a new run when kind or style differ: `style`
    /// writes its attributes (into a buffer kept for them), `item` the element.
    fn push(
        &mut self,
        kind: Kind,
        style: impl FnOnce(&mut String),
        item: impl FnOnce(&mut String),
    ) {
        self.scratch.clear();
        style(&mut self.scratch);
        let same = self
            .run
            .as_ref()
            .is_some_and(|r| r.kind == kind && r.style == self.scratch);
        if !same {
            self.flush();
            self.run = Some(Run {
                kind,
                style: self.scratch.clone(),
                items: std::mem::take(&mut self.spare),
                count: 0,
            });
        }
        if let Some(run) = &mut self.run {
            item(&mut run.items);
            run.count += 1;
        }
    }

    /// Writes the current run.
    fn flush(&mut self) {
        let Some(mut run) = self.run.take() else {
            return;
        };
        let (body, style, items) = (&mut self.body, &run.style, &run.items);
        // One element carries its style itself; several share a group's.
        let single = |tag: &str, body: &mut String| {
            body.push_str(tag);
            body.push_str(style);
            body.push_str(items.strip_prefix(tag).unwrap_or(items));
        };
        match run.kind {
            Kind::Path => {
                let _ = write!(body, "<path{style} d=\"{items}\"/>");
            }
            Kind::Circle | Kind::Text if run.count > 1 => {
                let _ = write!(body, "<g{style}>{items}</g>");
            }
            Kind::Circle => single("<circle", body),
            Kind::Text => single("<text", body),
        }
        run.items.clear();
        self.spare = run.items;
    }

    /// Writes a held filled circle as it is.
    fn flush_disc(&mut self) {
        if let Some(d) = self.disc.take() {
            let fill = Hex(d.fill);
            self.circle(d.at, d.r, |s| {
                let _ = write!(s, " fill=\"{fill}\"");
            });
        }
    }

    fn circle(&mut self, (x, y): BackendCoord, r: u32, style: impl FnOnce(&mut String)) {
        self.push(Kind::Circle, style, |items| {
            let _ = write!(items, "<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/>");
        });
    }

    /// A stroked path through `points` (a subpath of the run's path), closed back to its start
    /// when `close` (so the first corner is joined like the others).
    fn stroke(&mut self, points: &[BackendCoord], color: BackendColor, width: u32, close: bool) {
        if points.len() < 2 || color.alpha == 0.0 {
            return;
        }
        let style = |s: &mut String| {
            let _ = write!(s, " fill=\"none\" stroke=\"{}\"", Hex(color.rgb));
            // 1 is SVG's default width.
            if width != 1 {
                let _ = write!(s, " stroke-width=\"{width}\"");
            }
        };
        self.push(Kind::Path, style, |d| {
            path_data(d, points.iter().copied(), close);
        });
    }

    /// A filled shape with corners `points` (a subpath of the run's path). Every subpath runs
    /// clockwise, so two overlapping shapes of one run add up under SVG's nonzero rule instead
    /// of cutting a hole where they overlap.
    fn fill(&mut self, points: &[BackendCoord], color: BackendColor) {
        if points.len() < 3 || color.alpha == 0.0 {
            return;
        }
        debug_assert!(color.alpha >= 1.0, "charts draw opaque colours only");
        let twice_area: i64 = points
            .iter()
            .zip(points.iter().cycle().skip(1))
            .map(|(&(x0, y0), &(x1, y1))| {
                i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0)
            })
            .sum();
        let style = |s: &mut String| {
            let _ = write!(s, " fill=\"{}\"", Hex(color.rgb));
        };
        self.push(Kind::Path, style, |d| {
            if twice_area < 0 {
                path_data(d, points.iter().rev().copied(), true);
            } else {
                path_data(d, points.iter().copied(), true);
            }
        });
    }
}

/// Appends path data through `points` with the shortest commands (`H`/`V` for straight runs),
/// closed with `Z` when `close`.
fn path_data(d: &mut String, points: impl Iterator<Item = BackendCoord>, close: bool) {
    let mut last: Option<BackendCoord> = None;
    for (x, y) in points {
        match last {
            None => {
                let _ = write!(d, "M{x} {y}");
            }
            Some((lx, ly)) if ly == y && lx != x => {
                let _ = write!(d, "H{x}");
            }
            Some((lx, ly)) if lx == x && ly != y => {
                let _ = write!(d, "V{y}");
            }
            Some(_) => {
                let _ = write!(d, "L{x} {y}");
            }
        }
        last = Some((x, y));
    }
    if close {
        d.push('Z');
    }
}

/// A colour as SVG writes it: `#rrggbb`, or `#fff` for white.
#[derive(Clone, Copy)]
struct Hex((u8, u8, u8));

impl std::fmt::Display for Hex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            (255, 255, 255) => f.write_str("#fff"),
            (r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
        }
    }
}

impl DrawingBackend for CompactSvg {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result {
        Ok(())
    }

    fn present(&mut self) -> Result {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, color: BackendColor) -> Result {
        self.flush_disc();
        self.fill(&[(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)], color);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result {
        self.flush_disc();
        self.stroke(&[from, to], style.color(), style.stroke_width(), false);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result {
        self.flush_disc();
        let corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
        if fill {
            self.fill(&corners, style.color());
        } else {
            self.stroke(&corners, style.color(), style.stroke_width(), true);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result {
        self.flush_disc();
        let points: Vec<BackendCoord> = path.into_iter().collect();
        self.stroke(&points, style.color(), style.stroke_width(), false);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        at: BackendCoord,
        r: u32,
        style: &S,
        fill: bool,
    ) -> Result {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        if fill {
            self.flush_disc();
            self.disc = Some(Disc {
                at,
                r,
                fill: color.rgb,
            });
            return Ok(());
        }
        let (stroke, width) = (Hex(color.rgb), style.stroke_width());
        // A filled circle outlined right after it is one circle with fill and stroke.
        let fill = match self.disc.take() {
            Some(d) if d.at == at && d.r == r => Some(Hex(d.fill)),
            held => {
                self.disc = held;
                self.flush_disc();
                None
            }
        };
        self.circle(at, r, |s| {
            let _ = match fill {
                Some(fill) => write!(s, " fill=\"{fill}\""),
                None => write!(s, " fill=\"none\""),
            };
            let _ = write!(s, " stroke=\"{stroke}\" stroke-width=\"{width}\"");
        });
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result {
        self.flush_disc();
        let points: Vec<BackendCoord> = vert.into_iter().collect();
        self.fill(&points, style.color());
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        (x, y): BackendCoord,
    ) -> Result {
        self.flush_disc();
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        // plotters' font sizes are pixel heights, 1.24 times the em size SVG means.
        let size = (style.size() / 1.24).round().max(1.0) as u32;
        let anchor = style.anchor();
        let attrs = |attrs: &mut String| {
            match anchor.h_pos {
                HPos::Left => {}
                HPos::Center => attrs.push_str(" text-anchor=\"middle\""),
                HPos::Right => attrs.push_str(" text-anchor=\"end\""),
            }
            if size != ROOT_FONT_SIZE {
                let _ = write!(attrs, " font-size=\"{size}\"");
            }
            let _ = write!(attrs, " fill=\"{}\"", Hex(color.rgb));
        };
        let shift = f64::from(size) * CENTRE_TO_BASELINE;
        let y = match anchor.v_pos {
            VPos::Top => y + (f64::from(size) * 0.76).round() as i32,
            VPos::Center => y + shift.round() as i32,
            VPos::Bottom => y - shift.round() as i32,
        };
        self.push(Kind::Text, attrs, |items| {
            let _ = write!(
                items,
                "<text x=\"{x}\" y=\"{y}\">{}</text>",
                super::xml_escape(text)
            );
        });
        Ok(())
    }
}

/// Every subpath of every `<path>` in `svg`, each with its path's style (the attributes
/// before `d`), for tests that look for a shape.
#[cfg(test)]
pub(crate) fn subpaths(svg: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for element in svg.split("<path ").skip(1) {
        let element = &element[..element.find("/>").unwrap_or(element.len())];
        let Some((style, d)) = element.split_once(" d=\"") else {
            continue;
        };
        let d = d.trim_end_matches('"');
        for sub in d.split('M').filter(|s| !s.is_empty()) {
            out.push((style.to_string(), format!("M{sub}")));
        }
    }
    out
}

/// The subpath [`CompactSvg`] writes for a rectangle from `(x0, y0)` to `(x1, y1)`.
#[cfg(test)]
pub(crate) fn rect_d((x0, y0): BackendCoord, (x1, y1): BackendCoord) -> String {
    format!("M{x0} {y0}H{x1}V{y1}H{x0}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{BLACK, Color, RGBColor, ShapeStyle, WHITE};

    const GREY: RGBColor = RGBColor(0x5f, 0x68, 0x73);

    fn line(c: RGBColor, width: u32) -> ShapeStyle {
        ShapeStyle {
            color: c.to_rgba(),
            filled: false,
            stroke_width: width,
        }
    }

    fn solid(c: RGBColor) -> ShapeStyle {
        ShapeStyle {
            color: c.to_rgba(),
            filled: true,
            stroke_width: 1,
        }
    }

    #[test]
    fn runs_of_one_style_are_one_path() {
        let mut svg = CompactSvg::new(100, 100);
        let style = line(GREY, 1);
        for x in [10, 20, 30] {
            svg.draw_path([(x, 50), (x, 54)], &style).unwrap();
        }
        svg.draw_path([(0, 5), (80, 5), (80, 9)], &line(BLACK, 2))
            .unwrap();
        assert_eq!(
            svg.finish(),
            "<path fill=\"none\" stroke=\"#5f6873\" d=\"M10 50V54M20 50V54M30 50V54\"/>\
             <path fill=\"none\" stroke=\"#000000\" stroke-width=\"2\" d=\"M0 5H80V9\"/>"
        );
    }

    #[test]
    fn filled_shapes_are_closed_paths_and_order_is_kept() {
        let mut svg = CompactSvg::new(100, 100);
        svg.draw_rect((6, 38), (314, 58), &solid(GREY), true)
            .unwrap();
        svg.fill_polygon([(0, 0), (10, 0), (5, 8)], &solid(GREY))
            .unwrap();
        svg.draw_rect((6, 44), (20, 52), &line(BLACK, 1), false)
            .unwrap();
        svg.draw_rect((1, 1), (2, 2), &solid(GREY), true).unwrap();
        assert_eq!(
            svg.finish(),
            "<path fill=\"#5f6873\" d=\"M6 38H314V58H6ZM0 0H10L5 8Z\"/>\
             <path fill=\"none\" stroke=\"#000000\" d=\"M6 44H20V52H6Z\"/>\
             <path fill=\"#5f6873\" d=\"M1 1H2V2H1Z\"/>"
        );
    }

    #[test]
    fn a_filled_then_outlined_circle_is_one_hollow_point() {
        let mut svg = CompactSvg::new(100, 100);
        for x in [10, 20] {
            svg.draw_circle((x, 5), 4, &solid(WHITE), true).unwrap();
            svg.draw_circle((x, 5), 4, &line(BLACK, 2), false).unwrap();
        }
        svg.draw_circle((30, 5), 5, &solid(BLACK), true).unwrap();
        assert_eq!(
            svg.finish(),
            "<g fill=\"#fff\" stroke=\"#000000\" stroke-width=\"2\"><circle cx=\"10\" cy=\"5\" r=\"4\"/><circle cx=\"20\" cy=\"5\" r=\"4\"/></g>\
             <circle fill=\"#000000\" cx=\"30\" cy=\"5\" r=\"5\"/>"
        );
    }

    #[test]
    fn texts_share_their_style_and_are_centred_without_dy() {
        use plotters::style::text_anchor::Pos;
        use plotters::style::{FontDesc, FontFamily, FontStyle};
        let font = |px: f64, h| {
            FontDesc::new(FontFamily::Name("sans-serif"), px * 1.24, FontStyle::Normal)
                .color(&GREY)
                .pos(Pos::new(h, VPos::Center))
        };
        let mut svg = CompactSvg::new(100, 100);
        svg.draw_text("10", &font(14.0, HPos::Right), (39, 190))
            .unwrap();
        svg.draw_text("10,5 & <", &font(14.0, HPos::Right), (39, 129))
            .unwrap();
        svg.draw_text("T3", &font(15.0, HPos::Left), (122, 234))
            .unwrap();
        assert_eq!(
            svg.finish(),
            "<g text-anchor=\"end\" font-size=\"14\" fill=\"#5f6873\"><text x=\"39\" y=\"194\">10</text><text x=\"39\" y=\"133\">10,5 &amp; &lt;</text></g>\
             <text fill=\"#5f6873\" x=\"122\" y=\"238\">T3</text>"
        );
    }
}
