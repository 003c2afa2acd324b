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

/// One stacked bar per sector, bars scaled to the largest sector. Names wrap at word
/// boundaries onto two lines; only a name longer than that is cut, after a whole word.
pub fn matrix(id: &str, title: &str, desc: &str, rows: &[Row<'_>]) -> Option<String> {
    let max = rows
        .iter()
        .map(|r| r.counts.iter().map(|c| c.count).sum::<usize>())
        .max()?;
    if max == 0 {
        return None;
    }
    // 400 units wide, so 13 px text stays above 11 CSS px when drawn 358 px wide (a phone).
    let width = 400;
    let name_w = 170;
    let names: Vec<Vec<String>> = rows.iter().map(|r| wrap(r.name, name_w - 8, 2)).collect();
    let row_h = |lines: usize| if lines > 1 { 36 } else { 22 };
    let height = 8 + names.iter().map(|n| row_h(n.len())).sum::<i32>();
    let mut c = Canvas::new(width as u32, height as u32);
    let mut y = 4;
    for (row, lines) in rows.iter().zip(&names) {
        let h = row_h(lines.len());
        for (k, line) in lines.iter().enumerate() {
            let ly = y + h / 2 + (2 * k as i32 - lines.len() as i32 + 1) * 8;
            c.text(line, 2, ly, FONT, INK, Align::Start);
        }
        let total: usize = row.counts.iter().map(|c| c.count).sum();
        if total > 0 {
            let end =
                name_w + ((width - 4 - name_w) as f64 * total as f64 / max as f64).round() as i32;
            let top = y + (h - 18) / 2;
            stacked(&mut c, &row.counts, total, (name_w, end), (top, top + 18));
        }
        y += h;
    }
    Some(c.finish(id, "chart chart-matrix", title, desc))
}

/// `text` broken at spaces into at most `lines` lines of at most `width` px. What does not fit
/// ends the last line with an ellipsis after the last whole word that fits (or, for one word
/// wider than a line, mid-word). Each measurement is of at most a line plus one word, and the
/// work stops once the lines are full, so any length of text costs the same.
pub fn wrap(text: &str, width: i32, lines: usize) -> Vec<String> {
    wrap_with(text, width, lines, &mut |t| text_width(t, FONT))
}

fn wrap_with(
    text: &str,
    width: i32,
    lines: usize,
    measure: &mut dyn FnMut(&str) -> i32,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate) <= width {
            line = candidate;
            continue;
        }
        let last = out.len() + 1 == lines;
        if line.is_empty() || last {
            // The last line, or a word wider than a line: cut here with an ellipsis.
            let cut = if line.is_empty() {
                fit_with(word, width, measure)
            } else {
                ellipsis(&line, width, measure)
            };
            out.push(cut);
            return out;
        }
        out.push(std::mem::take(&mut line));
        line = word.to_string();
        if measure(&line) > width {
            if out.len() + 1 == lines || words.peek().is_none() {
                out.push(fit_with(word, width, measure));
                return out;
            }
            out.push(fit_with(word, width, measure));
            line.clear();
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// `line` (which fits) with an ellipsis after it, dropping whole words until that fits.
fn ellipsis(line: &str, width: i32, measure: &mut dyn FnMut(&str) -> i32) -> String {
    let mut words: Vec<&str> = line.split(' ').collect();
    while !words.is_empty() {
        let text = words.join(" ") + "…";
        if measure(&text) <= width {
            return text;
        }
        words.pop();
    }
    fit_with(line, width, measure)
}

/// `text` shortened with an ellipsis to at most `width` px, measured by `measure`.
///
/// The longest prefix that fits is found by galloping then bisecting, so a name of any length
/// costs a few measurements of at most twice the part that fits (cutting one character at a
/// time and measuring again took minutes for an 80,000-character name).
fn fit_with(text: &str, width: i32, measure: &mut dyn FnMut(&str) -> i32) -> String {
    if measure(text) <= width {
        return text.to_string();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let candidate = |n: usize| -> String {
        let end = if n == 0 { 0 } else { ends[n - 1] };
        text[..end].trim_end().to_string() + "…"
    };
    let mut fits = |n: usize| n <= ends.len() && measure(&candidate(n)) <= width;
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

    /// [`fit_with`] with the bundled font's widths.
    fn fit(text: &str, width: i32) -> String {
        fit_with(text, width, &mut |t| text_width(t, FONT))
    }

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
            svg.contains("<path fill=\"#007a5a\" d=\"M2 4H65V24H2Z\"/>"),
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
    fn enormous_names_cost_a_bounded_amount_of_measuring() {
        // Not timed: the work is counted. The whole text is measured once by `fit`, then only
        // prefixes of at most about twice what fits; `wrap` never measures more than a line and
        // a word at a time.
        let name = "Nông nghiệp ".repeat(8_000);
        let (mut calls, mut longest) = (0, 0);
        let mut measure = |t: &str| {
            calls += 1;
            if t.len() < name.len() {
                longest = longest.max(t.chars().count());
            }
            text_width(t, FONT)
        };
        let cut = fit_with(&name, 182, &mut measure);
        assert!(cut.ends_with('…') && text_width(&cut, FONT) <= 182);
        assert!(calls <= 2 * 20, "{calls} measurements");
        assert!(
            longest <= 4 * cut.chars().count(),
            "measured {longest} characters"
        );
        let (mut calls, mut longest) = (0, 0);
        let lines = wrap_with(&name, 162, 2, &mut |t| {
            calls += 1;
            longest = longest.max(t.chars().count());
            text_width(t, FONT)
        });
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(
            calls <= 20 && longest <= 40,
            "{calls} calls, {longest} characters"
        );
    }

    #[test]
    fn names_wrap_at_words_and_are_cut_only_after_two_lines() {
        let lines = wrap("Nông nghiệp và Phát triển nông thôn", 162, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, FONT) <= 162 && !l.contains('…'))
        );
        assert_eq!(lines.join(" "), "Nông nghiệp và Phát triển nông thôn");
        let long = wrap(
            "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tiền Giang và các huyện, thị xã",
            162,
            2,
        );
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'), "{long:?}");
        // The cut falls after a whole word.
        let kept = long[1].trim_end_matches('…');
        assert!(
            "Sở Nông nghiệp và Phát triển nông thôn tỉnh Tiền Giang và các huyện, thị xã"
                .contains(&format!("{} {kept} ", long[0]))
        );
        assert_eq!(wrap("Ngắn", 162, 2), vec!["Ngắn".to_string()]);
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
        let svg = matrix("m", "t", "d", &rows).unwrap();
        for line in wrap(long, 162, 2) {
            assert!(svg.contains(&format!(">{line}</text>")), "{line}: {svg}");
        }
    }
}
