//! One icon per status: its own shape, in its group's colour. Defined once here and drawn both
//! as the badge beside every status word (HTML, [`svg`]) and inside the charts ([`draw`]), so
//! the two always agree. No two statuses share a shape (a test checks it): a reader who cannot
//! tell the colours apart still tells the statuses apart.

use std::sync::LazyLock;

use crate::chart::Canvas;
use crate::chart::palette::{self, PAPER};
use crate::status::{Group, Status};

/// One piece of an icon, on a 16 × 16 grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Part {
    /// A filled polygon in the group colour.
    Fill(&'static [(i32, i32)]),
    /// A filled circle: centre and radius.
    Disc((i32, i32), i32),
    /// An outlined circle.
    Ring((i32, i32), i32),
    /// An outlined polygon.
    Outline(&'static [(i32, i32)]),
    /// A stroke drawn over the shape: white on a filled icon, in colour on an outlined one.
    Mark(&'static [(i32, i32)]),
}

use Part::{Disc, Fill, Mark, Outline, Ring};

const CHECK: Part = Mark(&[(4, 8), (7, 11), (12, 5)]);

/// The parts of a status's icon, back to front.
pub fn parts(s: Status) -> &'static [Part] {
    match s {
        // A disc with a tick.
        Status::Achieved => &[Disc((8, 8), 7), CHECK],
        // A star: better than asked, in whichever direction is better.
        Status::BetterThanTarget => &[Fill(&[
            (8, 0),
            (10, 6),
            (16, 6),
            (11, 10),
            (13, 16),
            (8, 12),
            (3, 16),
            (5, 10),
            (0, 6),
            (6, 6),
        ])],
        // A square with a cross: the year is settled and the target missed.
        Status::NotAchieved => &[
            Fill(&[(1, 1), (15, 1), (15, 15), (1, 15)]),
            Mark(&[(5, 5), (11, 11)]),
            Mark(&[(11, 5), (5, 11)]),
        ],
        // An arrow forward.
        Status::OnTrack => &[Fill(&[
            (1, 6),
            (9, 6),
            (9, 2),
            (15, 8),
            (9, 14),
            (9, 10),
            (1, 10),
        ])],
        // A warning triangle.
        Status::AtRisk => &[
            Fill(&[(8, 1), (15, 15), (1, 15)]),
            Mark(&[(8, 6), (8, 10)]),
            Mark(&[(8, 12), (8, 13)]),
        ],
        // A diamond with a minus: short of the path, the year not over.
        Status::Behind => &[
            Fill(&[(8, 0), (16, 8), (8, 16), (0, 8)]),
            Mark(&[(4, 8), (12, 8)]),
        ],
        // An empty cell.
        Status::NoData => &[Outline(&[(1, 5), (15, 5), (15, 11), (1, 11)])],
        // An hourglass.
        Status::NotYetDue => &[Outline(&[
            (3, 1),
            (13, 1),
            (8, 8),
            (13, 15),
            (3, 15),
            (8, 8),
        ])],
        // A hexagon with a tick.
        Status::Done => &[
            Fill(&[(4, 1), (12, 1), (16, 8), (12, 15), (4, 15), (0, 8)]),
            CHECK,
        ],
        // A pennant (shield) with a tick.
        Status::DoneLate => &[
            Fill(&[(1, 1), (15, 1), (15, 9), (8, 15), (1, 9)]),
            Mark(&[(4, 6), (7, 9), (12, 4)]),
        ],
        // Fast forward: under way.
        Status::OnSchedule => &[
            Fill(&[(1, 2), (8, 8), (1, 14)]),
            Fill(&[(8, 2), (15, 8), (8, 14)]),
        ],
        // A stop sign with an exclamation mark.
        Status::Overdue => &[
            Fill(&[
                (5, 0),
                (11, 0),
                (16, 5),
                (16, 11),
                (11, 16),
                (5, 16),
                (0, 11),
                (0, 5),
            ]),
            Mark(&[(8, 4), (8, 9)]),
            Mark(&[(8, 12), (8, 13)]),
        ],
        // An empty ring.
        Status::NotStarted => &[Ring((8, 8), 6)],
    }
}

fn hollow(parts: &[Part]) -> bool {
    !parts.iter().any(|p| matches!(p, Fill(_) | Disc(..)))
}

fn points(pts: &[(i32, i32)]) -> String {
    let list: Vec<String> = pts.iter().map(|(x, y)| format!("{x},{y}")).collect();
    list.join(" ")
}

/// The icon's SVG elements for a `viewBox="0 0 16 16"` badge; the stylesheet colours them
/// (fill and `color` by group, `.mark` strokes, `.hollow` outlines).
pub fn svg(s: Status) -> &'static str {
    static ALL: LazyLock<Vec<String>> = LazyLock::new(|| {
        Status::ALL
            .iter()
            .map(|&s| {
                let parts = parts(s);
                let mark = if hollow(parts) { "mark dark" } else { "mark" };
                parts
                    .iter()
                    .map(|p| match p {
                        Fill(pts) => format!("<polygon points=\"{}\"/>", points(pts)),
                        Disc((x, y), r) => format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/>"),
                        Ring((x, y), r) => {
                            format!("<circle class=\"hollow\" cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/>")
                        }
                        Outline(pts) => {
                            format!("<polygon class=\"hollow\" points=\"{}\"/>", points(pts))
                        }
                        Mark(pts) => {
                            format!("<polyline class=\"{mark}\" points=\"{}\"/>", points(pts))
                        }
                    })
                    .collect()
            })
            .collect()
    });
    let i = Status::ALL.iter().position(|x| *x == s).unwrap_or(0);
    &ALL[i]
}

/// The badge markup of a summary group: a bar swatch in the group's colour, as the segments of
/// the summary bars are drawn.
pub fn group_svg(_: Group) -> &'static str {
    "<rect class=\"swatch\" x=\"0.5\" y=\"3.5\" width=\"15\" height=\"9\" rx=\"1\"/>"
}

/// Draws the icon of `s` in a 16 px square whose top-left corner is `at`.
pub fn draw(c: &mut Canvas, s: Status, at: (i32, i32)) {
    let col = palette::icon(s.group().key());
    let parts = parts(s);
    let ink = if hollow(parts) { col } else { PAPER };
    let place = |pts: &[(i32, i32)]| -> Vec<(i32, i32)> {
        pts.iter().map(|(x, y)| (at.0 + x, at.1 + y)).collect()
    };
    for p in parts {
        match p {
            Fill(pts) => c.polygon(place(pts), col),
            Disc((x, y), r) => c.circle((at.0 + x, at.1 + y), *r, col, true),
            Ring((x, y), r) => c.circle((at.0 + x, at.1 + y), *r, col, false),
            Outline(pts) => {
                let mut closed = place(pts);
                closed.extend(closed.first().copied());
                c.line(closed, col, 2);
            }
            Mark(pts) => c.line(place(pts), ink, 2),
        }
    }
}

/// Draws a summary group's swatch in a 16 px square whose top-left corner is `at`.
pub fn draw_group(c: &mut Canvas, g: Group, at: (i32, i32)) {
    c.rect(
        (at.0, at.1 + 3),
        (at.0 + 16, at.1 + 13),
        palette::status(g.key()),
        true,
        0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_statuses_share_an_icon_shape() {
        // The outline of an icon is its filled and outlined parts, marks aside: two statuses
        // may not differ by their inner mark alone.
        let outlines: Vec<Vec<Part>> = Status::ALL
            .iter()
            .map(|&s| {
                parts(s)
                    .iter()
                    .filter(|p| !matches!(p, Mark(_)))
                    .copied()
                    .collect()
            })
            .collect();
        for (i, a) in outlines.iter().enumerate() {
            assert!(!a.is_empty(), "{:?} has no shape", Status::ALL[i]);
            for (j, b) in outlines.iter().enumerate().skip(i + 1) {
                assert_ne!(
                    a,
                    b,
                    "{:?} and {:?} share a shape",
                    Status::ALL[i],
                    Status::ALL[j]
                );
            }
        }
        let markup: std::collections::HashSet<&str> = Status::ALL.iter().map(|&s| svg(s)).collect();
        assert_eq!(markup.len(), Status::ALL.len());
    }

    #[test]
    fn icons_stay_on_their_grid() {
        for s in Status::ALL {
            for p in parts(s) {
                let pts: Vec<(i32, i32)> = match p {
                    Fill(p) | Outline(p) | Mark(p) => p.to_vec(),
                    Disc(c, r) | Ring(c, r) => vec![(c.0 - r, c.1 - r), (c.0 + r, c.1 + r)],
                };
                assert!(
                    pts.iter()
                        .all(|&(x, y)| (0..=16).contains(&x) && (0..=16).contains(&y)),
                    "{s:?}"
                );
            }
        }
    }
}
