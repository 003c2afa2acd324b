//! Status summaries: a stacked bar of a sector's indicators and tasks by status, with a legend
//! of icon, label and count; and, for the overview, one such bar per sector.

use crate::chart::icon;
use crate::chart::palette::{self, INK};
use crate::chart::{Align, Canvas, text_width};
use crate::status::Group;

/// One status group's count.
#[derive(Debug, Clone)]
pub struct Count<'a> {
    /// The group, which picks the colour.
    pub group: Group,
    /// Localised label.
    pub label: &'a str,
    /// How many.
    pub count: usize,
}

const FONT: u32 = 13;

/// Draws a stacked bar with its legend. Returns `None` when there is nothing to count.
pub fn status_bar(id: &str, title: &str, desc: &str, counts: &[Count<'_>]) -> Option<String> {
    let total: usize = counts.iter().map(|c| c.count).sum();
    if total == 0 {
        return None;
    }
    let width = 320;
    let (left, right) = (2, width - 2);
    // Legend items flow left to right and wrap.
    let mut rows: Vec<Vec<(i32, &Count<'_>, String)>> = vec![Vec::new()];
    let mut x = left;
    for c in counts.iter().filter(|c| c.count > 0) {
        let text = format!("{} {}", c.label, c.count);
        let w = 20 + text_width(&text, FONT);
        if x + w > right && x > left {
            rows.push(Vec::new());
            x = left;
        }
        if let Some(r) = rows.last_mut() {
            r.push((x, c, text));
        }
        x += w + 14;
    }
    let height = 32 + 20 * rows.len() as i32;
    let mut canvas = Canvas::new(width as u32, height as u32);
    stacked(&mut canvas, counts, total, (left, right), (4, 24));
    for (i, row) in rows.iter().enumerate() {
        let y = 40 + 20 * i as i32;
        for (x, c, text) in row {
            icon::draw_group(&mut canvas, c.group, (*x, y - 8));
            canvas.text(text, *x + 20, y, FONT, INK, Align::Start);
        }
    }
    Some(canvas.finish(id, "chart chart-status", title, desc))
}

/// Draws a bar split by status between `x` bounds, counts inside the segments that fit them.
fn stacked(
    c: &mut Canvas,
    counts: &[Count<'_>],
    total: usize,
    (x0, x1): (i32, i32),
    (y0, y1): (i32, i32),
) {
    let span = f64::from(x1 - x0);
    let mut done = 0usize;
    for cnt in counts.iter().filter(|c| c.count > 0) {
        let a = x0 + (span * done as f64 / total as f64).round() as i32;
        done += cnt.count;
        let b = x0 + (span * done as f64 / total as f64).round() as i32;
        c.rect((a, y0), (b, y1), palette::status(cnt.group.key()), true, 0);
        let label = cnt.count.to_string();
        if b - a >= text_width(&label, FONT) + 6 {
            c.text(
                &label,
                (a + b) / 2,
                (y0 + y1) / 2,
                FONT,
                palette::on_status(cnt.group.key()),
                Align::Middle,
            );
        }
    }
}

/// One row of the overview matrix.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// Sector name.
    pub name: &'a str,
    /// Its counts, in the same group order for every row.
    pub counts: Vec<Count<'a>>,
}

/// One stacked bar per sector, bars scaled to the largest sector, names cut to fit.
pub fn matrix(id: &str, title: &str, desc: &str, rows: &[Row<'_>]) -> Option<String> {
    let max = rows
        .iter()
        .map(|r| r.counts.iter().map(|c| c.count).sum::<usize>())
        .max()?;
    if max == 0 {
        return None;
    }
    let width = 480;
    let name_w = 190;
    let height = 8 + 22 * rows.len() as i32;
    let mut c = Canvas::new(width as u32, height as u32);
    for (i, row) in rows.iter().enumerate() {
        let y = 4 + 22 * i as i32;
        c.text(
            &fit(row.name, name_w - 8),
            2,
            y + 9,
            FONT,
            INK,
            Align::Start,
        );
        let total: usize = row.counts.iter().map(|c| c.count).sum();
        if total > 0 {
            let end =
                name_w + ((width - 4 - name_w) as f64 * total as f64 / max as f64).round() as i32;
            stacked(&mut c, &row.counts, total, (name_w, end), (y, y + 18));
        }
    }
    Some(c.finish(id, "chart chart-matrix", title, desc))
}

/// `text` shortened with an ellipsis to at most `width` px.
///
/// The longest prefix that fits is found by galloping then bisecting, so a name of any length
/// costs a few measurements of at most twice the part that fits (cutting one character at a
/// time and measuring again took minutes for an 80,000-character name).
pub fn fit(text: &str, width: i32) -> String {
    if text_width(text, FONT) <= width {
        return text.to_string();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let candidate = |n: usize| -> String {
        let end = if n == 0 { 0 } else { ends[n - 1] };
        text[..end].trim_end().to_string() + "…"
    };
    let fits = |n: usize| n <= ends.len() && text_width(&candidate(n), FONT) <= width;
    // Invariant: `lo` fits (or is 0, which gives a bare ellipsis) and `hi` does not.
    let (mut lo, mut hi) = (0, 1);
    while fits(hi) {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    candidate(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> Vec<Count<'static>> {
        vec![
            Count {
                group: Group::Met,
                label: "Đạt",
                count: 3,
            },
            Count {
                group: Group::OnTrack,
                label: "Đúng tiến độ",
                count: 0,
            },
            Count {
                group: Group::AtRisk,
                label: "Có nguy cơ không đạt",
                count: 1,
            },
            Count {
                group: Group::Short,
                label: "Không đạt",
                count: 2,
            },
            Count {
                group: Group::NoData,
                label: "Chưa có số liệu",
                count: 4,
            },
            Count {
                group: Group::NotYetDue,
                label: "Chưa đến hạn",
                count: 5,
            },
        ]
    }

    #[test]
    fn status_bar_labels_every_nonzero_group() {
        let svg = status_bar("b", "Tình trạng", "3 đạt…", &counts()).unwrap();
        for label in [
            "Đạt 3",
            "Có nguy cơ không đạt 1",
            "Không đạt 2",
            "Chưa có số liệu 4",
            "Chưa đến hạn 5",
        ] {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert!(!svg.contains("Đúng tiến độ"), "zero groups are left out");
        assert!(svg.len() < 4096);
    }

    #[test]
    fn segments_are_proportional() {
        let svg = status_bar("b", "t", "d", &counts()).unwrap();
        // 15 items over 316 px: the first (3 items) ends at 2 + round(316*3/15) = 65.
        assert!(
            svg.contains("<rect x=\"2\" y=\"4\" width=\"63\" height=\"20\" fill=\"#007A5A\""),
            "{svg}"
        );
    }

    /// The former one-character-at-a-time cut, kept to prove the fast one gives the same text.
    fn fit_by_one(text: &str, width: i32) -> String {
        if text_width(text, FONT) <= width {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        for n in (1..=chars.len()).rev() {
            let candidate = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
            if text_width(&candidate, FONT) <= width {
                return candidate;
            }
        }
        "…".to_string()
    }

    #[test]
    fn fast_fit_cuts_exactly_where_the_slow_one_did() {
        let names = [
            "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tiền Giang",
            "Giao thông vận tải, xây dựng, quy hoạch đô thị và nông thôn mới",
            "Agriculture and Rural Development, Fisheries and Irrigation works",
            "Khoa học   và   công nghệ        ",
            "AVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAVAV",
            "Tài nguyên và Môi trường; Thông tin và Truyền thông; Nội vụ",
            "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM",
            "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
            "Ngắn",
            "",
        ];
        for name in names {
            for width in [0, 8, 40, 150, 182, 300] {
                assert_eq!(
                    fit(name, width),
                    fit_by_one(name, width),
                    "{name:?} at {width}"
                );
            }
        }
    }

    #[test]
    fn an_enormous_name_is_cut_quickly() {
        let name = "Nông nghiệp ".repeat(8_000);
        let started = std::time::Instant::now();
        let cut = fit(&name, 182);
        assert!(cut.ends_with('…') && text_width(&cut, FONT) <= 182);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn long_names_are_cut_to_fit() {
        let long = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tiền Giang";
        let cut = fit(long, 150);
        assert!(cut.ends_with('…') && text_width(&cut, FONT) <= 150);
        assert_eq!(fit("Ngắn", 150), "Ngắn");
        let rows = [Row {
            name: long,
            counts: counts(),
        }];
        let in_matrix = fit(long, 182);
        assert!(
            matrix("m", "t", "d", &rows)
                .unwrap()
                .contains(&format!(">{in_matrix}</text>"))
        );
    }
}
