//! Reporting periods: a year, a quarter, a half, the first N months, or one month.

use chrono::NaiveDate;

/// Which part of the year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// The first `n` months, e.g. `9M`.
    FirstMonths(u32),
    /// Quarter 1–4.
    Quarter(u32),
    /// Half 1–2.
    Half(u32),
    /// One month 1–12.
    Month(u32),
    /// The whole year.
    Year,
}

/// A reporting period such as `2024-Q1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// Calendar year.
    pub year: i32,
    /// The part of the year.
    pub span: Span,
}

/// The accepted spellings, for error hints.
pub const FORMATS: &str =
    "2024, 2024-Q1…2024-Q4, 2024-H1/2024-H2, 2024-1M…2024-11M (first N months), 2024-01…2024-12";

impl Period {
    /// Parses `2024`, `2024-Q3`, `2024-H1`, `2024-9M` or `2024-06`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let num = |s: &str| s.parse::<u32>().ok();
        let span = match rest {
            None => Span::Year,
            Some(r) => match r.as_bytes().first()? {
                b'Q' | b'q' => Span::Quarter(num(&r[1..]).filter(|q| (1..=4).contains(q))?),
                b'H' | b'h' => Span::Half(num(&r[1..]).filter(|h| (1..=2).contains(h))?),
                _ if r.ends_with(['M', 'm']) => {
                    Span::FirstMonths(num(&r[..r.len() - 1]).filter(|m| (1..=12).contains(m))?)
                }
                _ if r.len() == 2 => Span::Month(num(r).filter(|m| (1..=12).contains(m))?),
                _ => return None,
            },
        };
        Some(match span {
            Span::FirstMonths(12) => Period {
                year,
                span: Span::Year,
            },
            span => Period { year, span },
        })
    }

    /// First and last month (1–12) covered.
    pub fn months(&self) -> (u32, u32) {
        match self.span {
            Span::Year => (1, 12),
            Span::FirstMonths(n) => (1, n),
            Span::Quarter(q) => (q * 3 - 2, q * 3),
            Span::Half(h) => (h * 6 - 5, h * 6),
            Span::Month(m) => (m, m),
        }
    }

    /// The first day of the period.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.months().0, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the period.
    pub fn end(&self) -> NaiveDate {
        let (_, last) = self.months();
        let (y, m) = if last == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, last + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// The share of the year elapsed at the end of the period (0.25 for Q1, 0.75 for 9M).
    pub fn elapsed_fraction(&self) -> f64 {
        f64::from(self.months().1) / 12.0
    }

    /// True when the period ends with the year, so its value settles an annual target.
    pub fn ends_year(&self) -> bool {
        self.months().1 == 12
    }

    /// A sort key: by end date, then longer periods after shorter ones ending the same day.
    pub fn sort_key(&self) -> (NaiveDate, u32) {
        let (first, last) = self.months();
        (self.end(), last - first)
    }

    /// The canonical spelling, as used in data files and downloads.
    pub fn code(&self) -> String {
        match self.span {
            Span::Year => format!("{}", self.year),
            Span::FirstMonths(n) => format!("{}-{n}M", self.year),
            Span::Quarter(q) => format!("{}-Q{q}", self.year),
            Span::Half(h) => format!("{}-H{h}", self.year),
            Span::Month(m) => format!("{}-{m:02}", self.year),
        }
    }
}

/// Quarters in Roman numerals, as Vietnamese documents number them ("Quý IV").
pub const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// The words of `lower` (a lowercased date or period as an editor wrote it): its runs of
/// letters and digits, so that `Quý I/2024` and `22/08/2024` read alike.
pub fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The period an editor most likely meant by `text` written the way a report writes it
/// ("Quý I/2024", "6 tháng đầu năm 2024", "9 tháng 2024", "tháng 3/2024", "3/2024", "Q1 2024"),
/// for an error's hint; `None` when that is not clear.
pub fn suggest(text: &str) -> Option<Period> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = words(&lower).collect();
    let is_year = |w: &str| w.len() == 4 && w.parse::<i32>().is_ok_and(|y| y >= 1900);
    let mut years = words.iter().filter(|w| is_year(w));
    let (Some(year), None) = (years.next(), years.next()) else {
        return None;
    };
    let year: i32 = year.parse().ok()?;
    let rest: Vec<&str> = words.iter().copied().filter(|w| !is_year(w)).collect();
    let num = |w: &str| w.parse::<u32>().ok();
    // Only the words periods are written with: "ngày 6 tháng 3" is a date, "tháng 3 và
    // tháng 4" two months.
    let roman = |w: &str| ROMAN.iter().position(|r| r.eq_ignore_ascii_case(w));
    let known = |w: &str| {
        ["quý", "tháng", "năm", "đầu", "cuối", "cả"].contains(&w)
            || roman(w).is_some()
            || w.trim_start_matches(['q', 'h', 't']).parse::<u32>().is_ok()
    };
    if !rest.iter().all(|w| known(w)) {
        return None;
    }
    let after = |word: &str| {
        let i = rest.iter().position(|w| *w == word)?;
        rest.get(i + 1).copied()
    };
    let before = |word: &str| {
        let i = rest.iter().position(|w| *w == word)?;
        i.checked_sub(1).and_then(|i| num(rest[i]))
    };
    let coded = |prefix: char, w: &str| w.strip_prefix(prefix).and_then(num);
    let span = if let Some(q) = after("quý").and_then(|w| num(w).or(roman(w).map(|i| i as u32 + 1)))
    {
        Span::Quarter(q)
    } else if let Some(q) = rest.iter().find_map(|w| coded('q', w)) {
        Span::Quarter(q)
    } else if let Some(h) = rest.iter().find_map(|w| coded('h', w)) {
        Span::Half(h)
    } else if let Some(n) = before("tháng") {
        match n {
            6 if rest.contains(&"cuối") => Span::Half(2),
            6 => Span::Half(1),
            12 => Span::Year,
            n => Span::FirstMonths(n),
        }
    } else if let Some(m) = after("tháng").and_then(num) {
        Span::Month(m)
    } else if let Some(m) = rest.iter().find_map(|w| coded('t', w)) {
        Span::Month(m)
    } else if let [m] = rest.as_slice()
        && let Some(m) = num(m)
    {
        Span::Month(m)
    } else if rest.iter().all(|w| ["năm", "cả"].contains(w)) {
        Span::Year
    } else {
        return None;
    };
    // Only what `parse` itself accepts.
    Period::parse(&Period { year, span }.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_code_for_a_period_written_in_words() {
        let s = |text: &str| suggest(text).map(|p| p.code());
        for (text, code) in [
            ("Quý I/2024", "2024-Q1"),
            ("quý 3 năm 2024", "2024-Q3"),
            ("Q4 2024", "2024-Q4"),
            ("6 tháng đầu năm 2024", "2024-H1"),
            ("6 tháng 2024", "2024-H1"),
            ("6 tháng cuối năm 2024", "2024-H2"),
            ("H2/2024", "2024-H2"),
            ("9 tháng 2024", "2024-9M"),
            ("9 tháng đầu năm 2024", "2024-9M"),
            ("12 tháng 2024", "2024"),
            ("Tháng 3/2024", "2024-03"),
            ("tháng 03 năm 2024", "2024-03"),
            ("T11/2024", "2024-11"),
            ("3/2024", "2024-03"),
            ("2024-3", "2024-03"),
            ("năm 2024", "2024"),
            ("Cả năm 2024", "2024"),
        ] {
            assert_eq!(s(text).as_deref(), Some(code), "{text}");
        }
        // A date, two years, a fifth quarter or words it cannot read: no guess.
        for text in [
            "22/08/2024",
            "2023-2024",
            "Quý V/2024",
            "tháng 13/2024",
            "đầu năm",
            "x 2024",
            "ngày 6 tháng 3 năm 2024",
            "tháng 3 và tháng 4/2024",
        ] {
            assert_eq!(s(text), None, "{text}");
        }
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_every_spelling() {
        assert_eq!(p("2024").span, Span::Year);
        assert_eq!(p("2024-Q3").span, Span::Quarter(3));
        assert_eq!(p("2024-H1").span, Span::Half(1));
        assert_eq!(p("2024-9M").span, Span::FirstMonths(9));
        assert_eq!(p("2024-12M").span, Span::Year);
        assert_eq!(p("2024-06").span, Span::Month(6));
        for bad in [
            "24", "2024-Q5", "2024-H3", "2024-13", "2024-0M", "2024-6", "x", "2024-",
        ] {
            assert!(Period::parse(bad).is_none(), "{bad} should not parse");
        }
    }

    #[test]
    fn ends_and_fractions() {
        assert_eq!(
            p("2024-H1").end(),
            NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()
        );
        assert_eq!(
            p("2024-02").end(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(
            p("2024").end(),
            NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
        );
        assert_eq!(p("2024-9M").elapsed_fraction(), 0.75);
        assert!(p("2024-Q4").ends_year() && p("2024-12").ends_year() && !p("2024-H1").ends_year());
        assert!(p("2024-Q2").sort_key() < p("2024-H1").sort_key());
        assert_eq!(p("2024-9m").code(), "2024-9M");
    }
}
