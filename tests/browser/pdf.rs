//! Reading a printed PDF back with poppler: the words of each page with their boxes
//! (`pdftotext -bbox-layout`), and from them how full a page is, where each part of the report
//! starts and what a page ends with.

use std::path::Path;
use std::process::Command;

use unicode_normalization::UnicodeNormalization;

/// One word and its box, in pt from the page's top left corner.
#[derive(Debug, Clone)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub y1: f64,
    pub text: String,
}

/// One printed page: its size and the words inside its margins (the running header and the page
/// number live in the margin boxes and are left out).
#[derive(Debug)]
pub struct Page {
    pub height: f64,
    pub words: Vec<Word>,
}

/// The pages of `pdf`, keeping only words between the top and bottom margins (pt).
pub fn pages(pdf: &Path, top: f64, bottom: f64) -> Vec<Page> {
    let out = Command::new("pdftotext")
        .arg("-bbox-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext -bbox-layout failed");
    let xhtml = String::from_utf8_lossy(&out.stdout);
    xhtml
        .split("<page ")
        .skip(1)
        .map(|page| {
            let height = attr(page, "height");
            let words = page
                .split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let text = unescape(&w[w.find('>')? + 1..w.find("</word>")?]);
                    Some(Word {
                        x0: attr(w, "xMin"),
                        y0: attr(w, "yMin"),
                        y1: attr(w, "yMax"),
                        text: text.nfc().collect(),
                    })
                })
                // Half a point of slack for glyphs whose box pokes past the content box.
                .filter(|w| w.y0 >= top - 0.5 && w.y1 <= height - bottom + 0.5)
                .collect();
            Page { height, words }
        })
        .collect()
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).map(|i| i + key.len()).unwrap_or(0);
    let end = start + tag[start..].find('"').unwrap_or(0);
    tag[start..end].parse().unwrap_or(0.0)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

impl Page {
    /// How much of the space between the margins is used, 0–1: the bottom of the lowest word,
    /// measured from the top margin, over the height between the margins. Text is what a reader
    /// sees as filled: charts carry their labels as text, card frames and rules do not count.
    pub fn fill(&self, top: f64, bottom: f64) -> f64 {
        let lowest = self.words.iter().map(|w| w.y1).fold(top, f64::max);
        ((lowest - top) / (self.height - top - bottom)).clamp(0.0, 1.0)
    }

    /// The words as lines, top to bottom, each left to right. A word joins the current line when
    /// its top is less than half a word's height below the line's top.
    pub fn lines(&self) -> Vec<Vec<&Word>> {
        let mut words: Vec<&Word> = self.words.iter().collect();
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        let mut lines: Vec<Vec<&Word>> = Vec::new();
        for w in words {
            match lines.last_mut() {
                Some(line) if w.y0 - line[0].y0 < (line[0].y1 - line[0].y0) / 2.0 => line.push(w),
                _ => lines.push(vec![w]),
            }
        }
        for line in &mut lines {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        }
        lines
    }

    /// Whether the page's text begins with these words (a heading at the top of the page). Up to
    /// two leading words with a digit are passed over: a number the theme may print before a
    /// heading ("3.", "B.II.1") from CSS, which the DOM's text does not hold.
    pub fn starts_with(&self, words: &[String]) -> bool {
        let lines = self.lines();
        let text: Vec<&str> = lines.iter().flatten().map(|w| w.text.as_str()).collect();
        let numbers = text
            .iter()
            .take(2)
            .take_while(|w| w.chars().any(|c| c.is_ascii_digit()))
            .count();
        (0..=numbers).any(|skip| {
            !words.is_empty()
                && text.len() >= skip + words.len()
                && text[skip..skip + words.len()]
                    .iter()
                    .zip(words)
                    .all(|(a, b)| *a == b)
        })
    }

    /// Whether the last whole lines of the page hold exactly these words, in any order (a table's
    /// header row wraps its cells over lines, so order across lines is not kept).
    pub fn ends_with(&self, words: &[String]) -> bool {
        let mut want: Vec<&str> = words.iter().map(String::as_str).collect();
        want.sort_unstable();
        let mut tail: Vec<&str> = Vec::new();
        for line in self.lines().iter().rev() {
            tail.extend(line.iter().map(|w| w.text.as_str()));
            if tail.len() >= want.len() {
                tail.sort_unstable();
                return !want.is_empty() && tail == want;
            }
        }
        false
    }
}

/// Words as pdftotext splits them: on white space, in NFC.
pub fn words(text: &[serde_json::Value]) -> Vec<String> {
    text.iter()
        .filter_map(|w| w.as_str())
        .map(|w| w.nfc().collect())
        .collect()
}
