//! Locale-aware display of numbers, dates, periods and targets. The conventions (separators,
//! date pattern, period names) come from the theme's `i18n/<locale>.yaml`, so adding a language
//! needs no recompiling.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::model::Target;
use crate::period::{Period, Span};

/// A no-break space: between a number and its unit, and inside a unit.
pub const NBSP: &str = "\u{a0}";

/// `text` with a no-break space between each number and a following unit from `units` (and
/// inside that unit), so a line never ends between "6,60" and "%" in text editors wrote.
/// A unit counts only as a whole word: "10 xã" is bound, "10 xãs" is not.
pub fn bind_units(text: &str, units: &[String]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut i = 0;
    while let Some(at) = crate::control::first_byte(bytes, i, |b| b.is_ascii_digit()) {
        if bytes.get(at + 1) != Some(&b' ') {
            i = at + 1;
            continue;
        }
        let after = &text[at + 2..];
        let unit = units.iter().find(|u| {
            after.starts_with(u.as_str())
                && after[u.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        match unit {
            Some(u) => {
                out.push_str(&text[done..=at]);
                out.push_str(NBSP);
                out.push_str(&u.replace(' ', NBSP));
                i = at + 2 + u.len();
                done = i;
            }
            None => i = at + 1,
        }
    }
    out.push_str(&text[done..]);
    out
}

/// A language's conventions and UI strings, loaded from the theme.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lang {
    /// Name of the language in itself.
    pub name: String,
    /// Decimal separator.
    pub decimal: String,
    /// Thousands separator.
    pub group: String,
    /// What goes between a number and `%` (a space in Vietnamese, nothing in English).
    pub percent_space: String,
    /// Date pattern with `{d}`, `{dd}`, `{m}`, `{mm}`, `{month}`, `{yyyy}`.
    pub date: String,
    /// Month names, January first.
    pub months: Vec<String>,
    /// Short month names for chart axes.
    pub months_short: Vec<String>,
    /// Period patterns with `{y}`, `{q}`, `{qr}` (roman), `{n}`, `{m}`, `{mm}`, `{month}`.
    pub periods: BTreeMap<String, String>,
    /// Status labels by status key.
    pub status: BTreeMap<String, String>,
    /// Every other UI string, by key.
    pub strings: BTreeMap<String, String>,
}

impl Lang {
    /// A UI string; the key itself if the theme lacks it (validated when the theme loads).
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map_or(key, String::as_str)
    }

    /// A UI string with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut out = self.t(key).to_string();
        for (k, v) in values {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }

    /// A number with locale separators and as many decimals as it has (up to 4).
    pub fn number(&self, v: f64) -> String {
        // Whole numbers (most reported figures) skip the exact decimal expansion, which costs
        // more than the rest of this function; the text is the same either way.
        let fixed = if v.fract() == 0.0 && v.abs() < 1e15 {
            (v.abs() as u64).to_string()
        } else {
            format!("{:.4}", v.abs())
        };
        let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
        let frac = frac.trim_end_matches('0');
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(&self.group);
            }
            grouped.push(ch);
        }
        let sign = if v < 0.0 && (int != "0" || !frac.is_empty()) {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{}{frac}", self.decimal)
        }
    }

    /// A difference between two values in `unit`: percentage points for rates in % (`0,37 điểm
    /// %`), else a quantity; never broken across lines.
    pub fn difference(&self, v: f64, unit: &str) -> String {
        if unit == "%" {
            self.fill("gap_points", &[("n", &self.number(v))])
                .replace(' ', NBSP)
        } else {
            self.quantity(v, unit)
        }
    }

    /// A number with its unit: `7,5 %`, `5 tỷ USD`.
    pub fn quantity(&self, v: f64, unit: &str) -> String {
        self.with_unit(self.number(v), unit)
    }

    /// Joins a number and its unit with no-break spaces, so a line never ends between them
    /// (nor inside a unit of several words: `tỷ đồng`).
    fn with_unit(&self, text: String, unit: &str) -> String {
        match unit {
            "" => text,
            "%" => format!("{text}{}%", self.percent_space.replace(' ', NBSP)),
            u => format!("{text}{NBSP}{}", u.replace(' ', NBSP)),
        }
    }

    /// A date in the locale's pattern.
    pub fn date(&self, d: NaiveDate) -> String {
        fill_pattern(&self.date, |name| match name {
            "dd" => Some(format!("{:02}", d.day())),
            "d" => Some(d.day().to_string()),
            "mm" => Some(format!("{:02}", d.month())),
            "month" => Some(self.month(d.month()).to_string()),
            "m" => Some(d.month().to_string()),
            "yyyy" => Some(d.year().to_string()),
            _ => None,
        })
    }

    fn month(&self, m: u32) -> &str {
        self.months.get(m as usize - 1).map_or("", String::as_str)
    }

    /// A period's name: `Quý I/2024`, `9 tháng năm 2024`, `Q1 2024`.
    pub fn period(&self, p: &Period) -> String {
        let (key, n) = match p.span {
            Span::Year => ("year", 0),
            Span::Quarter(q) => ("quarter", q),
            Span::Half(h) => (if h == 1 { "half1" } else { "half2" }, h),
            Span::FirstMonths(n) => ("months", n),
            Span::Month(m) => ("month", m),
        };
        let pattern = self.periods.get(key).map_or("{y}", String::as_str);
        fill_pattern(pattern, |name| match name {
            "y" => Some(p.year.to_string()),
            "qr" => Some(
                crate::period::ROMAN
                    .get(n.saturating_sub(1) as usize)
                    .unwrap_or(&"")
                    .to_string(),
            ),
            "q" | "n" | "m" => Some(n.to_string()),
            "mm" => Some(format!("{n:02}")),
            "month" => Some(if key == "month" { self.month(n) } else { "" }.to_string()),
            _ => None,
        })
    }

    /// A target in short form: `7–7,5 %`, `≥ 8 %`, `+10 xã`, `trước 30/06/2024`.
    pub fn target(&self, t: &Target, unit: &str) -> String {
        match *t {
            Target::Range { min, max } => {
                self.with_unit(format!("{}–{}", self.number(min), self.number(max)), unit)
            }
            Target::AtLeast(b) => format!("≥{NBSP}{}", self.quantity(b, unit)),
            Target::MoreThan(b) => format!(">{NBSP}{}", self.quantity(b, unit)),
            Target::AtMost(b) => format!("≤{NBSP}{}", self.quantity(b, unit)),
            Target::LessThan(b) => format!("<{NBSP}{}", self.quantity(b, unit)),
            Target::Exactly(n) => self.quantity(n, unit),
            Target::Increase(n) => format!("+{}", self.quantity(n, unit)),
            Target::Milestone { due } => format!("{} {}", self.t("milestone_by"), self.date(due)),
        }
    }

    /// The label of a status.
    pub fn status<'a>(&'a self, key: &'a str) -> &'a str {
        self.status.get(key).map_or(key, String::as_str)
    }
}

/// Replaces each `{name}` in `pattern` with `value(name)` in one pass; unknown names stay.
fn fill_pattern(pattern: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, value(&after[..close])?)))
        {
            Some((close, v)) => {
                out.push_str(&v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn vi() -> Lang {
        serde_yaml::from_str(include_str!("../../themes/default/i18n/vi.yaml")).unwrap()
    }

    pub(crate) fn en() -> Lang {
        serde_yaml::from_str(include_str!("../../themes/default/i18n/en.yaml")).unwrap()
    }

    #[test]
    fn every_status_has_its_own_word_and_settled_words_never_describe_provisional_figures() {
        use crate::status::Status;
        for lang in [vi(), en()] {
            let words: Vec<&str> = Status::ALL.iter().map(|s| lang.status(s.key())).collect();
            for (s, w) in Status::ALL.iter().zip(&words) {
                assert_ne!(*w, s.key(), "{s:?} has no translation");
            }
            let distinct: std::collections::HashSet<&&str> = words.iter().collect();
            assert_eq!(
                distinct.len(),
                words.len(),
                "two statuses share a word: {words:?}"
            );
            // What a settled figure can be called, and what a provisional one can.
            for s in Status::ALL {
                let (settled, provisional) = (s.fitted(false), s.fitted(true));
                if settled != provisional {
                    assert_ne!(lang.status(settled.key()), lang.status(provisional.key()));
                }
            }
        }
    }

    #[test]
    fn numbers_in_free_text_keep_their_units() {
        let units = vec!["triệu đồng".to_string(), "xã".to_string(), "%".to_string()];
        assert_eq!(
            bind_units(
                "quý II 6,60 %, đạt 76,2 triệu đồng; thêm 10 xã, 10 xãs, 5 năm",
                &units
            ),
            "quý II 6,60\u{a0}%, đạt 76,2\u{a0}triệu\u{a0}đồng; thêm 10\u{a0}xã, 10 xãs, 5 năm"
        );
        assert_eq!(bind_units("", &units), "");
        assert_eq!(bind_units("7 %", &units), "7\u{a0}%");
        // At every place in a text longer than the blocks it is searched in.
        let prose = "Giáo dục và đào tạo, y tế, văn hóa tiếp tục được quan tâm; ".repeat(3);
        for (at, _) in prose.char_indices() {
            let text = format!("{}9 xã {}", &prose[..at], &prose[at..]);
            let bound = format!("{}9\u{a0}xã {}", &prose[..at], &prose[at..]);
            assert_eq!(bind_units(&text, &units), bound, "at {at}");
        }
        assert_eq!(bind_units("1 2 3 %", &units), "1 2 3\u{a0}%");
        assert_eq!(bind_units("có 3 ", &units), "có 3 ");
    }

    #[test]
    fn vietnamese_numbers() {
        let vi = vi();
        assert_eq!(vi.number(50400.0), "50.400");
        assert_eq!(vi.number(1234567.5), "1.234.567,5");
        assert_eq!(vi.quantity(7.5, "%"), "7,5\u{a0}%");
        assert_eq!(vi.quantity(7.02, "%"), "7,02\u{a0}%");
        assert_eq!(vi.number(0.1 + 0.2), "0,3");
        assert_eq!(vi.number(-3.0), "-3");
        assert_eq!(vi.number(-0.0), "0");
        // Whole numbers below 10^15 take a shorter way; the text must not change at the edge.
        assert_eq!(vi.number(999_999_999_999_999.0), "999.999.999.999.999");
        assert_eq!(vi.number(1e15), "1.000.000.000.000.000");
        assert_eq!(vi.number(-1e15), "-1.000.000.000.000.000");
        assert_eq!(vi.number(-0.00001), "0");
        assert_eq!(
            vi.quantity(5.0, "tỷ USD"),
            "5\u{a0}tỷ\u{a0}USD",
            "no line ends inside a quantity"
        );
    }

    #[test]
    fn english_numbers() {
        let en = en();
        assert_eq!(en.number(50400.0), "50,400");
        assert_eq!(en.quantity(7.5, "%"), "7.5%");
        assert_eq!(en.number(999.0), "999");
    }

    #[test]
    fn dates_and_periods() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 19).unwrap();
        assert_eq!(vi().date(d), "19/01/2024");
        assert_eq!(en().date(d), "19 January 2024");
        let p = |s| Period::parse(s).unwrap();
        assert_eq!(vi().period(&p("2024-Q1")), "Quý I/2024");
        assert_eq!(vi().period(&p("2024-9M")), "9 tháng năm 2024");
        assert_eq!(vi().period(&p("2024-H1")), "6 tháng đầu năm 2024");
        assert_eq!(vi().period(&p("2024-06")), "Tháng 6/2024");
        assert_eq!(en().period(&p("2024-06")), "June 2024");
        assert_eq!(en().period(&p("2024")), "2024");
    }

    #[test]
    fn targets() {
        let vi = vi();
        assert_eq!(
            vi.target(&Target::Range { min: 7.0, max: 7.5 }, "%"),
            "7–7,5\u{a0}%"
        );
        assert_eq!(vi.target(&Target::LessThan(3.0), "%"), "<\u{a0}3\u{a0}%");
        assert_eq!(
            vi.target(&Target::Exactly(1400.0), "người"),
            "1.400\u{a0}người"
        );
        assert_eq!(vi.target(&Target::Increase(10.0), "xã"), "+10\u{a0}xã");
    }
}
