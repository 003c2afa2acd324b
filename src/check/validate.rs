//! Checks the meaning of what `load` parsed and builds the typed plan. Every problem is
//! collected with its file, line and column; the model is only used when there are none.

use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Loc, closest};
use crate::input::{self, ActualValue, Direction, SeriesKind};
use crate::load::{PlanSource, SectorSource, Text};
use crate::model::*;
use crate::period::{self, Period};
use crate::status::Status;
use crate::yaml::{Doc, Spans};

/// Figures and task updates from a plan's spreadsheet, merged into its sectors.
#[path = "updates.rs"]
mod updates;

/// Which language a site shows content in: Vietnamese (the plan's own), or any language the
/// theme has, from each text's translation (`tr: {fr: …}`, or the `_en` fields for English),
/// falling back to the Vietnamese text, which is then marked as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    code: [u8; 16],
    len: u8,
}

impl Texts {
    /// The texts a site in `locale` shows.
    pub fn of(locale: &str) -> Texts {
        let mut code = [0; 16];
        let len = locale.len().min(16);
        code[..len].copy_from_slice(&locale.as_bytes()[..len]);
        Texts {
            code,
            len: u8::try_from(len).unwrap_or(0),
        }
    }

    /// The language code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code[..usize::from(self.len)]).unwrap_or("vi")
    }

    /// Whether the site shows the content in its own language, Vietnamese.
    pub fn vietnamese(&self) -> bool {
        self.code() == "vi"
    }
}

/// Whether validation records where indicators, actuals and tasks are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locations {
    /// Record them (for `check`'s editorial warnings).
    Record,
    /// Skip it (a build has no use for them).
    Skip,
}

struct Checker<'a> {
    file: &'a Text,
    spans: &'a Spans,
    diags: &'a mut Vec<Diagnostic>,
    texts: Texts,
    locations: Locations,
    /// For a spreadsheet, where its cells are (messages name the cell); `None` for YAML.
    cells: Option<crate::sheet::Place<'a>>,
}

impl Checker<'_> {
    /// Text `field` in the site's language (see [`pick`]).
    fn pick(
        &self,
        field: &'static str,
        vi: &str,
        en: &Option<String>,
        tr: &input::Tr,
        untranslated: &mut Vec<&'static str>,
    ) -> String {
        pick(self.texts, field, (vi, en, tr), untranslated)
    }

    /// Checks an entity's translations: language codes, and only the `allowed` fields.
    fn translations(&mut self, path: &str, tr: &input::Tr, allowed: &[&str]) {
        let path = if path.is_empty() {
            "tr".to_string()
        } else {
            format!("{path}.tr")
        };
        for (lang, fields) in tr {
            let code_ok = (2..=8).contains(&lang.len())
                && lang.chars().all(|c| c.is_ascii_lowercase() || c == '-');
            if !code_ok {
                self.error(
                    &format!("{path}.{lang}"),
                    format!("`{lang}` is not a language code"),
                    "use the code of a language the theme has, e.g. `en` or `fr` (its i18n file's name)",
                );
            }
            for field in fields.keys() {
                if !allowed.contains(&field.as_str()) {
                    let hint = match closest(field, allowed) {
                        Some(k) => format!(
                            "did you mean `{k}`? Translatable here: {}",
                            allowed.join(", ")
                        ),
                        None => format!("translatable here: {}", allowed.join(", ")),
                    };
                    self.error(
                        &format!("{path}.{lang}.{field}"),
                        format!("`{field}` has no translation here"),
                        hint,
                    );
                }
            }
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.report(Diagnostic::error, path, message.into(), hint.into());
    }

    fn warn(&mut self, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.report(Diagnostic::warning, path, message.into(), hint.into());
    }

    /// A diagnostic of the kind `make` builds, at the line and column of `path` in this file.
    fn report(
        &mut self,
        make: fn(&std::path::Path, usize, usize, String) -> Diagnostic,
        path: &str,
        message: String,
        hint: String,
    ) {
        let (line, col) = self.spans.get(path);
        let message = match self.cells {
            None => message,
            Some(place) => {
                let cell = place.cell(crate::sheet::Cell { row: line, col });
                format!("{cell}: {message}")
            }
        };
        self.diags.push(
            make(&self.file.path, line, col, message)
                .with_source(&self.file.text)
                .with_hint(hint),
        );
    }

    /// `url` when it is an acceptable web address, else an error at `path` naming `what`.
    fn web_url(&mut self, path: &str, what: &str, url: &str) -> Option<String> {
        match crate::weburl::check(url) {
            Ok(_) => Some(url.to_string()),
            Err(r) => {
                self.error(path, format!("{what}: {}", r.reason), r.hint);
                None
            }
        }
    }

    fn loc(&self, path: &str) -> Loc {
        if self.locations == Locations::Skip {
            return Loc::default();
        }
        let (line, column) = self.spans.get(path);
        Loc {
            file: self.file.path.clone(),
            line,
            column,
        }
    }

    fn date(&mut self, path: &str, text: &str) -> Option<NaiveDate> {
        let parsed = iso_date(text.trim());
        if parsed.is_none() || text.trim().len() != 10 {
            let rule = "write dates as YYYY-MM-DD, e.g. 2024-01-19, and check the day exists in that month";
            let hint = guessed(date_meant(text).map(|d| d.to_string()), rule);
            self.error(path, format!("`{text}` is not a valid date"), hint);
            return None;
        }
        parsed
    }

    fn finite(&mut self, path: &str, v: f64) -> Option<f64> {
        if v.is_finite() {
            Some(v)
        } else {
            self.error(
                path,
                "the number must be finite",
                "write a plain number such as 7.5 or 50400",
            );
            None
        }
    }

    fn id(&mut self, path: &str, id: &str, what: &str) -> bool {
        let ok = is_safe_id(id);
        if !ok {
            self.error(
                path,
                format!("{what} id `{id}` may only use lowercase letters a–z, digits and `-`"),
                format!("try `{}`", crate::slug::slugify(id)),
            );
        }
        ok
    }
}

/// Text `field` in the site's language: the Vietnamese text on a Vietnamese site; elsewhere its
/// translation (`tr.<code>.<field>`, or `<field>_en` for English), or, without one, the
/// Vietnamese text with `field` added to `untranslated` (pages mark it `lang="vi"`).
fn pick(
    texts: Texts,
    field: &'static str,
    (vi, en, tr): (&str, &Option<String>, &input::Tr),
    untranslated: &mut Vec<&'static str>,
) -> String {
    if texts.vietnamese() {
        return vi.to_string();
    }
    let code = texts.code();
    // A baseline's and an update's `note` are recorded under their own names.
    let key = match field {
        "baseline_note" | "update_note" => "note",
        f => f,
    };
    let given = tr.get(code).and_then(|t| t.get(key)).or(match code {
        "en" => en.as_ref(),
        _ => None,
    });
    match given {
        Some(t) => t.clone(),
        None => {
            if !untranslated.contains(&field) {
                untranslated.push(field);
            }
            vi.to_string()
        }
    }
}

/// True for ids usable in file names and URLs: `a-z`, `0-9` and inner `-`.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Builds the site model from site.yaml (`site`) and the plans checked by [`one_plan`],
/// adding every problem to `diags`. `locales` are those the theme offers.
pub fn site(
    site: Option<&(Text, Doc<input::SiteFile>)>,
    locales: &[String],
    mut plans: Vec<Plan>,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    let Settings {
        title,
        locale,
        base_url,
        theme,
        email,
    } = match site {
        Some((file, doc)) => site_settings(file, doc, locales, diags),
        None => Settings {
            title: None,
            locale: "vi".to_string(),
            base_url: None,
            theme: "default".to_string(),
            email: Email::default(),
        },
    };
    // By `order` where given, the others after them by folder name.
    plans.sort_by(|a, b| {
        let key = |p: &Plan| (p.order.is_none(), p.order, p.id.clone());
        key(a).cmp(&key(b))
    });
    let title = title.unwrap_or_else(|| match plans.as_slice() {
        [only] => only.title.clone(),
        _ => "tiendo".to_string(),
    });
    Site {
        title,
        locale,
        base_url,
        theme,
        email,
        plans,
    }
}

/// Checks one plan of a site in `locale` (site.yaml's, or `vi`), adding its problems to
/// `diags`. With [`Locations::Record`], indicators, actuals and tasks remember where they are
/// written (for `check`).
pub fn one_plan(
    source: &PlanSource,
    locale: &str,
    locations: Locations,
    diags: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    plan(source, Texts::of(locale), locations, diags)
}

/// What site.yaml sets.
struct Settings {
    title: Option<String>,
    locale: String,
    base_url: Option<String>,
    theme: String,
    email: Email,
}

fn site_settings(
    file: &Text,
    doc: &Doc<input::SiteFile>,
    locales: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Settings {
    let mut c = Checker {
        file,
        spans: &doc.spans,
        diags,
        texts: Texts::of("vi"),
        locations: Locations::Skip,
        cells: None,
    };
    let s = &doc.value;
    let locale = s.locale.clone().unwrap_or_else(|| "vi".into());
    if !locales.is_empty() && !locales.contains(&locale) {
        c.error(
            "locale",
            format!("unknown locale `{locale}`"),
            format!(
                "the theme has strings for: {} (add themes/<theme>/i18n/{locale}.yaml to offer another)",
                locales.join(", ")
            ),
        );
    }
    let base_url = s
        .base_url
        .as_deref()
        .and_then(|u| c.web_url("base_url", "base_url", u));
    let theme = s.theme.clone().unwrap_or_else(|| "default".into());
    if !is_safe_id(&theme) {
        c.error(
            "theme",
            format!("theme name `{theme}` is not a plain folder name"),
            "use letters a–z, digits and `-`",
        );
    }
    let title = match &s.title_en {
        Some(t) if locale == "en" => Some(t.clone()),
        _ => s.title.clone(),
    };
    let email = s
        .email
        .as_ref()
        .map_or_else(Email::default, |e| email(&mut c, e));
    Settings {
        title,
        locale,
        base_url,
        theme,
        email,
    }
}

/// The email addresses of site.yaml, each checked as a mailbox (`Name <a@b.vn>` or `a@b.vn`).
fn email(c: &mut Checker<'_>, e: &input::EmailFile) -> Email {
    let mut check = |path: String, address: &String| -> Option<String> {
        match address.parse::<lettre::message::Mailbox>() {
            Ok(_) => Some(address.trim().to_string()),
            Err(_) => {
                c.error(
                    &path,
                    format!("`{address}` is not an email address"),
                    "write it as name@domain.gov.vn, or as Name <name@domain.gov.vn>",
                );
                None
            }
        }
    };
    let from = e.from.as_ref().and_then(|a| check("email.from".into(), a));
    let mut list = |key: &str, all: &[String]| -> Vec<String> {
        let each = all.iter().enumerate();
        each.filter_map(|(i, a)| check(format!("email.{key}[{i}]"), a))
            .collect()
    };
    let to = list("to", &e.to);
    let cc = list("cc", &e.cc);
    Email {
        from,
        to,
        cc,
        smtp: e.smtp.clone(),
    }
}

/// Checks one plan into `diags`, which holds only this plan's problems.
fn plan(
    src: &PlanSource,
    texts: Texts,
    locations: Locations,
    diags: &mut Vec<Diagnostic>,
) -> Option<Plan> {
    let en = texts.code() == "en";
    let p = &src.doc.value;
    let mut c = Checker {
        file: &src.file,
        spans: &src.doc.spans,
        diags,
        texts,
        locations,
        cells: None,
    };
    if !is_safe_id(&src.id) {
        c.error(
            "",
            format!(
                "plan folder name `{}` may only use lowercase letters a–z, digits and `-`",
                src.id
            ),
            format!("rename the folder to `{}`", crate::slug::slugify(&src.id)),
        );
    }
    let date = p.date.as_ref().map(|d| c.date("date", d));
    let given_as_of = p.as_of.as_ref().and_then(|t| c.date("as_of", t));
    let sources_at = p
        .sources
        .keys()
        .map(|k| (k.clone(), c.loc(&format!("sources.{k}"))))
        .collect();
    let (as_of_from, at) = match p.as_of {
        Some(_) => (AsOf::Given, c.loc("as_of")),
        None => (AsOf::NewestFigure, c.loc("year")),
    };
    let (tolerance, source_url) = settings(&mut c, p);
    c.translations("", &p.tr, &["title", "short_title", "issuer", "document"]);
    let sources = declared_sources(&mut c, p);
    let sectors = sectors_of(src, &sources, (texts, locations), diags);
    if crate::diagnostic::has_errors(diags) {
        return None;
    }
    // A date that was given must be valid; one left out stays unknown.
    let date = match date {
        Some(d) => Some(d?),
        None => None,
    };
    let year_start = NaiveDate::from_ymd_opt(p.year, 1, 1)?;
    let as_of = given_as_of.unwrap_or_else(|| latest_date(&sectors).or(date).unwrap_or(year_start));
    let mut un = Vec::new();
    let title = pick(texts, "title", (&p.title, &p.title_en, &p.tr), &mut un);
    let translated = |f: &str| p.tr.get(texts.code()).and_then(|t| t.get(f)).cloned();
    Some(Plan {
        id: src.id.clone(),
        short_title: match (translated("short_title"), &p.short_title_en, &p.short_title) {
            (Some(t), _, _) => t,
            (None, Some(e), _) if en => e.clone(),
            // The short title in Vietnamese only where the title is Vietnamese too.
            (None, _, Some(s)) if texts.vietnamese() || un.contains(&"title") => s.clone(),
            _ => title.clone(),
        },
        title,
        issuer: pick(texts, "issuer", (&p.issuer, &p.issuer_en, &p.tr), &mut un),
        document: p
            .document
            .as_ref()
            .map(|d| pick(texts, "document", (d, &p.document_en, &p.tr), &mut un)),
        order: p.order,
        date,
        year: p.year,
        source_url,
        as_of,
        as_of_from,
        at,
        sources_at,
        tolerance: tolerance / 100.0,
        stale_after_days: p.stale_after_days.unwrap_or(180),
        report_lag_days: p.report_lag_days.unwrap_or(45),
        overview_md: match (&src.overview_tr, &src.overview) {
            (Some(e), _) => Some(e.text.to_string()),
            (_, o) => o.as_ref().map(|t| t.text.to_string()),
        },
        sectors,
        sources,
        untranslated: un,
    })
}

/// A hint: what the editor most likely meant, when it can be told, then the rule.
fn guessed(meant: Option<String>, rule: &str) -> String {
    match meant {
        Some(m) => format!("did you mean `{m}`? {rule}"),
        None => rule.to_string(),
    }
}

/// The date an editor most likely meant by `text` written as Vietnamese documents write dates
/// (`22/08/2024`, `22-8-2024`, `ngày 22 tháng 8 năm 2024`) or year first with other separators
/// (`2024/08/22`), for an error's hint; `None` when that is not clear.
fn date_meant(text: &str) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    let mut numbers = Vec::new();
    for word in period::words(&lower) {
        match word.parse::<u32>() {
            Ok(n) => numbers.push((n, word.len())),
            Err(_) if ["ngày", "tháng", "năm"].contains(&word) => {}
            Err(_) => return None,
        }
    }
    let date = |y: u32, m, d| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    match numbers.as_slice() {
        [(d, _), (m, _), (y, 4)] => date(*y, *m, *d),
        [(y, 4), (m, _), (d, _)] => date(*y, *m, *d),
        _ => None,
    }
}

/// A date written `YYYY-MM-DD`, as chrono reads it with `%Y-%m-%d`. Ten digits and dashes are
/// read directly (a national site has half a million dates, and chrono's format parser was a
/// fifth of checking a plan); anything else goes through chrono.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    }
    let num = |from: usize, to: usize| {
        b[from..to]
            .iter()
            .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)).ok()?, num(5, 7), num(8, 10))
}

/// A plan's sectors, checked and in display order, with the figures and task updates of its
/// spreadsheet merged in.
fn sectors_of(
    src: &PlanSource,
    sources: &Sources,
    (texts, locations): (Texts, Locations),
    diags: &mut Vec<Diagnostic>,
) -> Vec<Sector> {
    let p = &src.doc.value;
    let repeated = duplicate_sector_files(src, diags);
    let mut ids = IdRegistry::default();
    let mut sectors = Vec::new();
    // A repeated sector is not checked again: its ids would all be reported as duplicates.
    for s in src
        .sectors
        .iter()
        .filter(|s| !repeated.contains(&s.file.path))
    {
        if let Some(sector) = sector(s, p.year, sources, &mut ids, (texts, locations), diags) {
            sectors.push(sector);
        }
    }
    sectors.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    let files: BTreeMap<&str, &std::path::Path> = src
        .sectors
        .iter()
        .map(|s| (s.id.as_str(), s.file.path.as_path()))
        .collect();
    let context = updates::Context {
        year: p.year,
        sources,
        texts,
        locations,
        files: &files,
    };
    updates::merge(&src.updates, &mut sectors, &context, diags);
    sectors
}

/// The sources declared in plan.yaml, by key, each address checked by the one URL rule.
fn declared_sources(c: &mut Checker<'_>, p: &input::PlanFile) -> Sources {
    p.sources
        .iter()
        .map(|(k, s)| {
            let path = format!("sources.{k}.url");
            let url = s
                .url
                .as_deref()
                .and_then(|u| c.web_url(&path, &format!("source `{k}` url"), u));
            (
                k.clone(),
                Source {
                    title: s.title.as_str().into(),
                    url: url.map(Into::into),
                },
            )
        })
        .collect()
}

/// Two files with one stem (`kinh-te.yaml` and `kinh-te.yml`) would be one sector page twice:
/// reports all but the first, and returns them.
fn duplicate_sector_files<'a>(
    src: &'a PlanSource,
    diags: &mut Vec<Diagnostic>,
) -> BTreeSet<&'a PathBuf> {
    let mut first: BTreeMap<&str, &PathBuf> = BTreeMap::new();
    let mut repeated = BTreeSet::new();
    for s in &src.sectors {
        if let Some(other) = first.get(s.id.as_str()) {
            repeated.insert(&s.file.path);
            diags.push(
                Diagnostic::error(
                    &s.file.path,
                    0,
                    0,
                    format!(
                        "sector id `{}` is given by two files: {} and {}",
                        s.id,
                        other.display(),
                        s.file.path.display()
                    ),
                )
                .with_hint(
                    "a sector's id is its file name without `.yaml` or `.yml`: rename or remove one of them",
                ),
            );
        } else {
            first.insert(&s.id, &s.file.path);
        }
    }
    repeated
}

/// The newest date anywhere in the data: the default "as of" date.
fn latest_date(sectors: &[Sector]) -> Option<NaiveDate> {
    let actuals = sectors
        .iter()
        .flat_map(|s| &s.indicators)
        .flat_map(|i| &i.actuals)
        .map(|a| a.as_of);
    let updates = sectors.iter().flat_map(|s| &s.tasks).flat_map(|t| {
        t.update
            .as_ref()
            .map(|u| u.date)
            .into_iter()
            .chain(t.done_on)
    });
    actuals.chain(updates).max()
}

/// The plan's year, tolerance and document link, checked: the tolerance (a fraction) and the
/// link.
fn settings(c: &mut Checker<'_>, p: &input::PlanFile) -> (f64, Option<String>) {
    if !(1900..=2200).contains(&p.year) {
        c.error(
            "year",
            format!("{} is not a plausible plan year", p.year),
            "write the four-digit year, e.g. 2024",
        );
    }
    let tolerance = p.tolerance_percent.unwrap_or(10.0);
    if !(0.0..=100.0).contains(&tolerance) {
        c.error(
            "tolerance_percent",
            "tolerance_percent must be between 0 and 100",
            "the default is 10",
        );
    }
    let source_url = p
        .source_url
        .as_deref()
        .and_then(|u| c.web_url("source_url", "source_url", u));
    (tolerance, source_url)
}

/// Ids already used in a plan, with where they were first defined.
#[derive(Default)]
struct IdRegistry {
    /// `kind:id` → the file and YAML path where it was first given.
    seen: BTreeMap<String, (PathBuf, String)>,
}

impl IdRegistry {
    fn claim(&mut self, c: &mut Checker<'_>, path: &str, kind: &str, id: &str) {
        let key = format!("{kind}:{id}");
        if let Some((file, first_path)) = self.seen.get(&key) {
            // Locations are looked up only now: valid content never pays for them.
            let first = if *file == c.file.path {
                format!("{}:{}", file.display(), c.spans.get(first_path).0)
            } else {
                file.display().to_string()
            };
            c.error(
                path,
                format!("duplicate {kind} id `{id}`"),
                format!("it is already used at {first}; ids must be unique within a plan"),
            );
        } else {
            self.seen
                .insert(key, (c.file.path.clone(), path.to_string()));
        }
    }
}

fn sector(
    src: &SectorSource,
    year: i32,
    sources: &Sources,
    ids: &mut IdRegistry,
    (texts, locations): (Texts, Locations),
    diags: &mut Vec<Diagnostic>,
) -> Option<Sector> {
    let s = &src.doc.value;
    thousands_errors(&src.file, diags);
    let mut c = Checker {
        file: &src.file,
        spans: &src.doc.spans,
        diags,
        texts,
        locations,
        cells: None,
    };
    if !is_safe_id(&src.id) {
        c.error(
            "",
            format!(
                "sector file name `{}` may only use lowercase letters a–z, digits and `-`",
                src.id
            ),
            format!(
                "rename the file to `{}.yaml`",
                crate::slug::slugify(&src.id)
            ),
        );
    }
    if src.commentary.is_none() && s.commentary.is_none() {
        c.diags.push(
            Diagnostic::warning(&src.file.path, 0, 0, "this sector has no commentary").with_hint(
                format!(
                    "add {}.md beside it with what the plan asks of this sector",
                    src.id
                ),
            ),
        );
    }
    let mut indicators = Vec::new();
    for (i, ind) in s.indicators.iter().enumerate() {
        let path = format!("indicators[{i}]");
        if c.id(&format!("{path}.id"), &ind.id, "indicator") {
            ids.claim(&mut c, &format!("{path}.id"), "indicator", &ind.id);
        }
        if let Some(ind) = indicator(&mut c, &path, ind, year, sources) {
            indicators.push(ind);
        }
    }
    let mut tasks = Vec::new();
    for (i, t) in s.tasks.iter().enumerate() {
        let path = format!("tasks[{i}]");
        if c.id(&format!("{path}.id"), &t.id, "task") {
            ids.claim(&mut c, &format!("{path}.id"), "task", &t.id);
        }
        let mut lead_un = Vec::new();
        let lead = c.pick("lead", &s.lead, &s.lead_en, &s.tr, &mut lead_un);
        let lead = (lead.as_str(), !lead_un.is_empty());
        if let Some(t) = task(&mut c, &path, t, year, lead, sources) {
            tasks.push(t);
        }
    }
    let commentary = match (&src.commentary_tr, &src.commentary) {
        (Some(e), _) => Some(e),
        (_, vi) => vi.as_ref(),
    };
    c.translations("", &s.tr, &["name", "lead"]);
    let mut un = Vec::new();
    Some(Sector {
        id: src.id.clone(),
        name: c.pick("name", &s.name, &s.name_en, &s.tr, &mut un),
        lead: c.pick("lead", &s.lead, &s.lead_en, &s.tr, &mut un),
        order: s.order,
        section: s.section.clone(),
        commentary_md: commentary.map(|t| t.text.to_string()).unwrap_or_default(),
        commentary_file: src.commentary.as_ref().map(|t| t.path.clone()),
        indicators,
        tasks,
        untranslated: un,
    })
}

const TARGET_KINDS: &str = "range: [min, max], at_least, more_than, at_most, less_than, exactly, increase, milestone: YYYY-MM-DD";

fn target(c: &mut Checker<'_>, path: &str, t: &input::TargetFile) -> Option<Target> {
    let tp = format!("{path}.target");
    let mut found: Vec<(&str, Option<Target>)> = Vec::new();
    if let Some(r) = &t.range {
        let kp = format!("{tp}.range");
        let parsed = match r.as_slice() {
            [min, max] => match (c.finite(&kp, *min), c.finite(&kp, *max)) {
                (Some(min), Some(max)) if min <= max => Some(Target::Range { min, max }),
                (Some(min), Some(max)) => {
                    c.error(
                        &kp,
                        format!("range minimum {min} is greater than its maximum {max}"),
                        "write the range as [min, max], smaller number first",
                    );
                    None
                }
                _ => None,
            },
            _ => {
                c.error(
                    &kp,
                    format!("a range needs exactly two numbers, found {}", r.len()),
                    "write it as range: [7.0, 7.5]",
                );
                None
            }
        };
        found.push(("range", parsed));
    }
    let mut bound =
        |name: &'static str, v: Option<f64>, make: fn(f64) -> Target, c: &mut Checker<'_>| {
            if let Some(v) = v {
                let kp = format!("{tp}.{name}");
                found.push((name, c.finite(&kp, v).map(make)));
            }
        };
    bound("at_least", t.at_least, Target::AtLeast, c);
    bound("more_than", t.more_than, Target::MoreThan, c);
    bound("at_most", t.at_most, Target::AtMost, c);
    bound("less_than", t.less_than, Target::LessThan, c);
    bound("exactly", t.exactly, Target::Exactly, c);
    bound("increase", t.increase, Target::Increase, c);
    for (name, v) in [("exactly", t.exactly), ("increase", t.increase)] {
        if v.is_some_and(|v| v < 0.0) {
            c.error(
                &format!("{tp}.{name}"),
                format!("`{name}` is a count and cannot be negative"),
                "for a reduction, give the level to stay under with `at_most`, or the size of the cut as a positive number with `at_least`",
            );
        }
    }
    if let Some(due) = &t.milestone {
        let kp = format!("{tp}.milestone");
        found.push((
            "milestone",
            c.date(&kp, due).map(|due| Target::Milestone { due }),
        ));
    }
    match found.as_slice() {
        [(_, t)] => *t,
        [] => {
            c.error(
                &tp,
                "the target gives no kind",
                format!("give exactly one of: {TARGET_KINDS}"),
            );
            None
        }
        many => {
            let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
            c.error(
                &tp,
                format!(
                    "the target gives {} kinds ({}); give exactly one",
                    names.len(),
                    names.join(", ")
                ),
                format!("keep one of: {TARGET_KINDS}"),
            );
            None
        }
    }
}

fn source(
    c: &mut Checker<'_>,
    path: &str,
    given: Option<&String>,
    sources: &Sources,
) -> Option<Source> {
    let text = given?.trim();
    if let Some(s) = sources.get(text) {
        return Some(s.clone());
    }
    if crate::weburl::looks_like_address(text) {
        let url = c.web_url(path, "source link", text)?;
        let url: std::sync::Arc<str> = url.into();
        return Some(Source {
            title: url.clone(),
            url: Some(url),
        });
    }
    let looks_like_key = !text.is_empty()
        && text.len() <= 24
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if looks_like_key {
        let keys: Vec<&str> = sources.keys().map(String::as_str).collect();
        let hint = match closest(text, &keys) {
            Some(k) => {
                format!("did you mean `{k}`? sources are declared under `sources:` in plan.yaml")
            }
            None => format!(
                "declare it under `sources:` in plan.yaml (known: {}), or give a URL or a full citation",
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                }
            ),
        };
        c.error(path, format!("unknown source `{text}`"), hint);
        return None;
    }
    Some(Source {
        title: text.into(),
        url: None,
    })
}

/// An indicator's actuals, checked: periods in the plan year, dates, values of the right kind
/// (numbers, or reached/not for a milestone), sources, one figure per period and date.
fn actuals(
    c: &mut Checker<'_>,
    path: &str,
    ind: &input::IndicatorFile,
    year: i32,
    milestone: bool,
    sources: &Sources,
) -> Vec<Actual> {
    let mut actuals: Vec<Actual> = Vec::new();
    let mut seen = HashSet::new();
    for (i, a) in ind.actuals.iter().enumerate() {
        let ap = format!("{path}.actuals[{i}]");
        let Some(actual) = actual(c, &ap, a, year, milestone, sources) else {
            continue;
        };
        if !seen.insert((actual.period, actual.as_of)) {
            c.error(
                &format!("{ap}.period"),
                format!(
                    "two actuals for {} published on the same day",
                    actual.period.code()
                ),
                "keep one, or give a revised figure its own as_of date",
            );
        }
        actuals.push(actual);
    }
    actuals
}

/// One reported figure, checked: its period in the plan year, its date, a value of the right
/// kind (a number, or reached/not for a milestone), its source, and when it was published.
/// `ap` is its path in the file (a YAML path, or a spreadsheet row's).
fn actual(
    c: &mut Checker<'_>,
    ap: &str,
    a: &input::ActualFile,
    year: i32,
    milestone: bool,
    sources: &Sources,
) -> Option<Actual> {
    let period = match Period::parse(&a.period) {
        Some(p) if p.year == year => Some(p),
        Some(p) => {
            c.error(
                &format!("{ap}.period"),
                format!("period `{}` is outside the plan year {year}", a.period),
                format!(
                    "actuals report on the plan year; put the {} figure in `baseline`",
                    p.year
                ),
            );
            None
        }
        None => {
            let rule = format!("write one of: {}", period::FORMATS);
            c.error(
                &format!("{ap}.period"),
                format!("`{}` is not a period", a.period),
                guessed(period::suggest(&a.period).map(|p| p.code()), &rule),
            );
            None
        }
    };
    let as_of = c.date(&format!("{ap}.as_of"), &a.as_of);
    let value = match (a.value, milestone) {
        (ActualValue::Number(v), false) => c.finite(&format!("{ap}.value"), v).map(Value::Number),
        (ActualValue::Reached(b), true) => Some(Value::Reached(b)),
        (ActualValue::Number(_), true) => {
            c.error(
                &format!("{ap}.value"),
                "a milestone's actual is `true` (reached) or `false` (not yet)",
                "write value: true or value: false",
            );
            None
        }
        (ActualValue::Reached(_), false) => {
            c.error(
                &format!("{ap}.value"),
                "this indicator's actuals must be numbers",
                "write the reported figure, e.g. value: 7.02",
            );
            None
        }
    };
    let src = source(c, &format!("{ap}.source"), a.source.as_ref(), sources);
    let (period, as_of, value) = (period?, as_of?, value?);
    published_in_time(
        c,
        &format!("{ap}.as_of"),
        &period,
        as_of,
        &value,
        a.provisional,
    );
    c.translations(ap, &a.tr, &["note"]);
    let mut un = Vec::new();
    Some(Actual {
        at: c.loc(ap),
        period,
        value,
        as_of,
        source: src,
        note: a
            .note
            .as_ref()
            .map(|n| c.pick("note", n, &a.note_en, &a.tr, &mut un)),
        provisional: a.provisional == Some(true),
        untranslated: un,
    })
}

/// An error for each number written with a Vietnamese thousands point in `file`.
fn thousands_errors(file: &Text, diags: &mut Vec<Diagnostic>) {
    for (at, token) in thousands_points(&file.text) {
        let (line, col) = crate::control::line_col(&file.text, at);
        let digits = token.replace('.', "");
        let small = token.trim_end_matches('0');
        diags.push(
            Diagnostic::error(
                &file.path,
                line,
                col,
                format!(
                    "`{token}` reads as {small} in YAML, but in Vietnamese writing it is {digits}"
                ),
            )
            .with_source(&file.text)
            .with_hint(format!(
                "write numbers without a thousands separator: {digits} (or {small} if that is \
                 what it is)"
            )),
        );
    }
}

/// Plain YAML numbers written with a Vietnamese thousands point (`50.400`, `1.400`): one to
/// three digits, a point, three digits ending in 0, standing alone as a value (after `:`, `[`,
/// `,` or `- `, before the end of the line, `,`, `]`, `}` or a comment), outside quotes. YAML
/// reads them as 50.4 and 1.4. Returns each one's byte offset and text.
fn thousands_points(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for dot in memchr::memchr_iter(b'.', bytes) {
        let digits = |r: std::ops::Range<usize>| {
            bytes
                .get(r)
                .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        };
        if !digits(dot + 1..dot + 4) || bytes[dot + 3] != b'0' {
            continue;
        }
        let start = bytes[..dot]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let end = dot + 4;
        if !(1..=3).contains(&(dot - start)) {
            continue;
        }
        let before = bytes[..start].iter().rev().find(|b| **b != b' ');
        let after = bytes[end..].iter().find(|b| **b != b' ');
        let alone_before = matches!(before, Some(b':' | b'[' | b',' | b'-'));
        let alone_after = matches!(
            after,
            None | Some(b'\n' | b'\r' | b',' | b']' | b'}' | b'#')
        );
        let line_start = bytes[..start]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = &text[line_start..start];
        let quoted = line.matches('"').count() % 2 == 1 || line.matches('\'').count() % 2 == 1;
        let comment = line.contains(" #") || line.trim_start().starts_with('#');
        if alone_before && alone_after && !quoted && !comment {
            found.push((start, &text[start..end]));
        }
    }
    found
}

/// What is wrong with when a figure was published, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Published {
    /// Before its period began: almost always a typo (in the year especially).
    BeforeStart,
    /// A number published before its period ended without saying whether it is an estimate
    /// (`provisional: true`) or already final (`provisional: false`).
    EarlyUnmarked,
}

/// Checks a figure's publication date against its period: on or after its first day, and, for
/// a number published on or before its last day, marked either way.
fn published(
    period: &Period,
    as_of: NaiveDate,
    value: &Value,
    provisional: Option<bool>,
) -> Option<Published> {
    if as_of < period.start() {
        Some(Published::BeforeStart)
    } else if as_of <= period.end() && matches!(value, Value::Number(_)) && provisional.is_none() {
        Some(Published::EarlyUnmarked)
    } else {
        None
    }
}

/// Reports a figure published at an impossible or unmarked time (see [`published`]).
fn published_in_time(
    c: &mut Checker<'_>,
    path: &str,
    period: &Period,
    as_of: NaiveDate,
    value: &Value,
    provisional: Option<bool>,
) {
    let Some(found) = published(period, as_of, value, provisional) else {
        return;
    };
    let (code, start, end) = (period.code(), period.start(), period.end());
    match found {
        Published::BeforeStart => c.error(
            path,
            format!("this {code} figure is dated {as_of}, before its period began on {start}"),
            format!(
                "check the date it was published (the year especially): a {code} figure is \
                 published after {start}"
            ),
        ),
        Published::EarlyUnmarked => {
            // The fix in the words of where the figure was written.
            let hint = match c.cells {
                Some(_) => "write `có` in the “Ước tính” (provisional) column if it is an \
                            estimate, or `không` if it is already final; or correct the date"
                    .to_string(),
                None => format!(
                    "add `provisional: true` to the figure (pages then mark it as an estimate); \
                     if it is already final (the event is over), write `provisional: false`; if \
                     the date is mistyped, correct it (perhaps {})",
                    as_of.with_year(as_of.year() + 1).unwrap_or(as_of)
                ),
            };
            c.error(
                path,
                format!(
                    "this {code} figure is dated {as_of}, before its period was over (it ends on \
                     {end}), so it is an estimate"
                ),
                hint,
            );
        }
    }
}

/// An editor's status override: a known status (the old names read with a warning) and a
/// reason.
fn status_override(
    c: &mut Checker<'_>,
    path: &str,
    ind: &input::IndicatorFile,
    un: &mut Vec<&'static str>,
) -> Option<Override> {
    ind.status_override.as_ref().and_then(|o| {
        let mut st = Status::from_key(&o.status);
        if let Some(new) = Status::from_old_key(&o.status).filter(|_| st.is_none()) {
            let name = match new {
                Status::NotAchieved => "`not_achieved` (a settled year) or `behind` (a part-year figure)".to_string(),
                other => format!("`{}`", other.key()),
            };
            c.warn(
                &format!("{path}.override.status"),
                format!("`{}` is the old name of this status; it is now {name}", o.status),
                match new {
                    Status::NotAchieved => "write `status: not_achieved` for a final full-year figure or `status: behind` for a part-year one; until then tiendo reads the old name and uses the word that fits the figure".to_string(),
                    other => format!("write `status: {}`; until then tiendo reads the old name", other.key()),
                },
            );
            st = Some(new);
        }
        if st.is_none() {
            let keys: Vec<&str> = Status::ALL.iter().map(|s| s.key()).collect();
            let hint = match closest(&o.status, &keys) {
                Some(k) => format!("did you mean `{k}`? allowed: {}", keys.join(", ")),
                None => format!("allowed: {}", keys.join(", ")),
            };
            c.error(
                &format!("{path}.override.status"),
                format!("unknown status `{}`", o.status),
                hint,
            );
        }
        if o.reason.trim().is_empty() {
            c.error(
                &format!("{path}.override.reason"),
                "an override needs a reason",
                "say why the computed status does not apply",
            );
        }
        c.translations(&format!("{path}.override"), &o.tr, &["reason"]);
        Some(Override {
            status: st?,
            reason: c.pick("reason", &o.reason, &o.reason_en, &o.tr, un),
        })
    })
}

fn indicator(
    c: &mut Checker<'_>,
    path: &str,
    ind: &input::IndicatorFile,
    year: i32,
    sources: &Sources,
) -> Option<Indicator> {
    let target = target(c, path, &ind.target);
    let mut un = Vec::new();
    c.translations(path, &ind.tr, &["name", "unit", "wording", "note"]);
    let baseline = ind.baseline.as_ref().and_then(|b| {
        let bp = format!("{path}.baseline");
        c.translations(&bp, &b.tr, &["note"]);
        let value = c.finite(&format!("{bp}.value"), b.value)?;
        Some(Baseline {
            value,
            period: b.period.clone(),
            source: source(c, &format!("{bp}.source"), b.source.as_ref(), sources),
            note: b
                .note
                .as_ref()
                .map(|n| c.pick("baseline_note", n, &b.note_en, &b.tr, &mut un)),
        })
    });
    if matches!(target, Some(Target::Increase(_))) && ind.baseline.is_none() {
        c.error(
            &format!("{path}.target"),
            "an `increase` target needs a baseline to count from",
            "add `baseline: {value: …, period: 2023, source: …}` to this indicator",
        );
    }
    let milestone = matches!(target, Some(Target::Milestone { .. }));
    let mut actuals = actuals(c, path, ind, year, milestone, sources);
    actuals.sort_by_key(|a| (a.period.sort_key(), a.as_of));
    let status_override = status_override(c, path, ind, &mut un);
    let tr = &ind.tr;
    Some(Indicator {
        at: c.loc(path),
        id: ind.id.clone(),
        name: c.pick("name", &ind.name, &ind.name_en, tr, &mut un),
        unit: c.pick("unit", &ind.unit, &ind.unit_en, tr, &mut un),
        better: ind.better.unwrap_or(Direction::Higher),
        section: ind.section.clone(),
        headline: ind.headline,
        wording: ind
            .wording
            .as_ref()
            .map(|w| c.pick("wording", w, &ind.wording_en, tr, &mut un)),
        target: target?,
        baseline,
        series: ind.series.unwrap_or(SeriesKind::Ytd),
        actuals,
        status_override,
        note: ind
            .note
            .as_ref()
            .map(|n| c.pick("note", n, &ind.note_en, tr, &mut un)),
        untranslated: un,
    })
}

fn task(
    c: &mut Checker<'_>,
    path: &str,
    t: &input::TaskFile,
    year: i32,
    (lead, lead_untranslated): (&str, bool),
    sources: &Sources,
) -> Option<Task> {
    let mut un = Vec::new();
    c.translations(path, &t.tr, &["text", "agency", "due_wording"]);
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31)?;
    let due = match &t.due {
        Some(d) => c.date(&format!("{path}.due"), d),
        None => Some(year_end),
    };
    let done_on = t
        .done_on
        .as_ref()
        .and_then(|d| c.date(&format!("{path}.done_on"), d));
    let update = t.update.as_ref().and_then(|u| {
        let date = c.date(&format!("{path}.update.date"), &u.date)?;
        c.translations(&format!("{path}.update"), &u.tr, &["note"]);
        Some(Update {
            date,
            note: c.pick("update_note", &u.note, &None, &u.tr, &mut un),
            source: source(
                c,
                &format!("{path}.update.source"),
                u.source.as_ref(),
                sources,
            ),
        })
    });
    if t.text.trim().is_empty() {
        c.error(
            &format!("{path}.text"),
            "a task needs its text",
            "copy the commitment from the plan document",
        );
    }
    Some(Task {
        at: c.loc(path),
        id: t.id.clone(),
        text: c.pick("text", &t.text, &t.text_en, &t.tr, &mut un),
        agency: match &t.agency {
            Some(a) => c.pick("agency", a, &t.agency_en, &t.tr, &mut un),
            None => {
                if lead_untranslated {
                    un.push("agency");
                }
                lead.to_string()
            }
        },
        section: t.section.clone(),
        due: due?,
        due_wording: t
            .due_wording
            .as_ref()
            .map(|w| c.pick("due_wording", w, &t.due_wording_en, &t.tr, &mut un)),
        state: t.status,
        done_on,
        update,
        untranslated: un,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_read_directly_match_chrono() {
        let chrono = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
        let mut texts = Vec::new();
        for y in ["0000", "0001", "1900", "2023", "2024", "2100", "9999"] {
            for m in 0..=13 {
                for day in 0..=32 {
                    texts.push(format!("{y}-{m:02}-{day:02}"));
                }
            }
        }
        let odd = [
            "2024-1-19",
            "2024-01-9",
            "+2024-01-19",
            "2024/01/19",
            "2024-01-1x",
            "20240-01-1",
            "",
            "2024-01-19 ",
            "２０２４-01-19",
            "2024-02-29",
            "2023-02-29",
        ];
        texts.extend(odd.iter().map(|t| t.to_string()));
        for t in &texts {
            assert_eq!(iso_date(t), chrono(t), "{t}");
        }
        assert_eq!(iso_date("2024-02-29"), Some(d(2024, 2, 29)));
    }

    #[test]
    fn a_date_written_as_documents_write_it_is_recognised_for_the_hint() {
        assert_eq!(date_meant("22/08/2024"), Some(d(2024, 8, 22)));
        assert_eq!(date_meant("22-8-2024"), Some(d(2024, 8, 22)));
        assert_eq!(date_meant("22.08.2024"), Some(d(2024, 8, 22)));
        assert_eq!(date_meant("ngày 5 tháng 1 năm 2024"), Some(d(2024, 1, 5)));
        assert_eq!(date_meant("2024/08/22"), Some(d(2024, 8, 22)));
        assert_eq!(date_meant("2024-8-2"), Some(d(2024, 8, 2)));
        // No such day, a two-digit year, a month and year, or other words: no guess.
        for text in [
            "31/02/2024",
            "22/08/24",
            "08/2024",
            "cuối tháng 8/2024",
            "Q3 2024",
        ] {
            assert_eq!(date_meant(text), None, "{text}");
        }
    }

    #[test]
    fn thousands_points_are_found_only_as_whole_values() {
        let tokens = |t| {
            thousands_points(t)
                .into_iter()
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
        };
        assert_eq!(tokens("value: 50.400\n"), ["50.400"]);
        assert_eq!(tokens("target: {exactly: 1.400}\n"), ["1.400"]);
        assert_eq!(
            tokens("target: {range: [50.400, 50.650]}\n"),
            ["50.400", "50.650"]
        );
        assert_eq!(
            tokens("- {period: 2024, value: 1.400, as_of: 2024-06-21}\n"),
            ["1.400"]
        );
        // Real decimals, text, quotes and comments are left alone.
        assert!(tokens("value: 7.38\nvalue: 0.125\nvalue: 3.125\nvalue: 1234.500\n").is_empty());
        assert!(tokens("note: \"chỉ tiêu 1.400 thanh niên\"\n").is_empty());
        assert!(tokens("note: chỉ tiêu 1.400 thanh niên\n").is_empty());
        assert!(tokens("value: 5 # 1.400 người\n").is_empty());
    }

    #[test]
    fn a_figure_is_published_after_its_period_begins_and_marked_when_early() {
        let q4 = Period::parse("2024-Q4").unwrap();
        let n = Value::Number(7.1);
        assert_eq!(
            published(&q4, d(2024, 9, 30), &n, Some(true)),
            Some(Published::BeforeStart)
        );
        assert_eq!(
            published(&q4, d(2024, 10, 1), &n, None),
            Some(Published::EarlyUnmarked)
        );
        assert_eq!(
            published(&q4, d(2024, 12, 31), &n, None),
            Some(Published::EarlyUnmarked)
        );
        assert_eq!(published(&q4, d(2024, 12, 31), &n, Some(true)), None);
        assert_eq!(published(&q4, d(2024, 12, 31), &n, Some(false)), None);
        assert_eq!(published(&q4, d(2025, 1, 1), &n, None), None);
        // A milestone may be reached before its period ends; not before it begins.
        let year = Period::parse("2024").unwrap();
        let reached = Value::Reached(true);
        assert_eq!(published(&year, d(2024, 6, 1), &reached, None), None);
        assert_eq!(
            published(&year, d(2023, 12, 31), &reached, None),
            Some(Published::BeforeStart)
        );
    }
}
