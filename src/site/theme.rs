//! The theme: Tera templates, the stylesheet and UI strings per language. The default theme is
//! compiled in; a project's `themes/<name>/` replaces any of its files by relative path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::load::Reader;

/// The default theme's files, by path relative to the theme folder.
const DEFAULT: &[(&str, &str)] = embed![
    "../../themes/default/":
    "style.css",
    "i18n/vi.yaml",
    "i18n/en.yaml",
    "templates/base.html",
    "templates/macros.html",
    "templates/parts.html",
    "templates/report.html",
    "templates/digest.html",
    "templates/digest.txt",
    "templates/updates.html",
    "templates/data.html",
    "templates/indicators.html",
    "templates/404.html",
    "templates/feed.xml",
    "templates/overview.html",
    "templates/sector.html",
    "templates/sector_body.html",
    "templates/methodology.html",
    "templates/plans.html",
];

/// Theme files are small; anything larger is a mistake.
const MAX_THEME_FILE: u64 = 2 * 1024 * 1024;

/// The built-in theme's strings and conventions for `code` (`vi`, `en`).
pub fn builtin_lang(code: &str) -> Option<Lang> {
    let rel = format!("i18n/{code}.yaml");
    let (_, text) = DEFAULT.iter().find(|(name, _)| *name == rel)?;
    crate::yaml::parse::<Lang>(Path::new(&rel), text)
        .ok()
        .map(|d| d.value)
}

/// Where the built-in theme's files say they come from, in messages.
const BUILT_IN: &str = "<built-in theme>";

/// A theme's language file written for an older tiendo lacks the strings added since: they
/// come from the built-in one in the same language, or in English for a language tiendo does
/// not ship, so its pages build and show words, not keys.
fn fill_missing(lang: &mut Lang, code: &str) {
    let Some(base) = builtin_lang(code).or_else(|| builtin_lang("en")) else {
        return;
    };
    for (have, from) in [
        (&mut lang.strings, base.strings),
        (&mut lang.status, base.status),
        (&mut lang.periods, base.periods),
    ] {
        for (key, text) in from {
            have.entry(key).or_insert(text);
        }
    }
}

/// A loaded theme, ready to render.
pub struct Theme {
    /// Parsed templates.
    pub tera: Tera,
    /// The stylesheet, inlined into every page.
    pub css: String,
    /// Languages by locale code.
    pub langs: BTreeMap<String, Lang>,
    /// Each template's file and text, to point render errors at the right line.
    pub origins: BTreeMap<String, (PathBuf, String)>,
}

/// One theme file and where it came from (for error messages).
struct File {
    origin: PathBuf,
    text: String,
}

/// Loads theme `name`, overriding the built-in default with files under `themes_dir/name/`.
pub fn load(themes_dir: &Path, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Theme> {
    let mut files: BTreeMap<String, File> = DEFAULT
        .iter()
        .map(|(rel, text)| {
            let origin = Path::new(BUILT_IN).join(rel);
            (
                rel.to_string(),
                File {
                    origin,
                    text: text.to_string(),
                },
            )
        })
        .collect();
    let dir = themes_dir.join(name);
    if dir.is_dir() {
        let reader = Reader::new(&dir, MAX_THEME_FILE);
        for e in WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !e.file_type().is_file() {
                continue;
            }
            let rel = e.path().strip_prefix(&dir).unwrap_or(e.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if let Some(t) = reader.read(e.path(), diags) {
                files.insert(
                    rel,
                    File {
                        origin: t.path,
                        text: t.text.to_string(),
                    },
                );
            }
        }
    } else if name != "default" {
        diags.push(
            Diagnostic::error(&dir, 0, 0, format!("theme `{name}` not found"))
                .with_hint("create that folder, or leave `theme` out to use the built-in default"),
        );
        return None;
    }

    let mut langs = BTreeMap::new();
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    let mut templates = Vec::new();
    for (rel, file) in &files {
        if let Some(code) = rel
            .strip_prefix("i18n/")
            .and_then(|r| r.strip_suffix(".yaml"))
        {
            match crate::yaml::parse::<Lang>(&file.origin, &file.text) {
                Ok(doc) => {
                    let mut lang = doc.value;
                    if !file.origin.starts_with(BUILT_IN) {
                        fill_missing(&mut lang, code);
                    }
                    langs.insert(code.to_string(), lang);
                }
                Err(d) => diags.push(d),
            }
        } else if let Some(tpl) = rel.strip_prefix("templates/") {
            templates.push((tpl.to_string(), file));
        }
    }
    let origins: BTreeMap<String, (PathBuf, String)> = templates
        .iter()
        .map(|(name, f)| (name.clone(), (f.origin.clone(), f.text.clone())))
        .collect();
    // Added together so components defined in one template resolve in the others.
    if let Err(e) =
        tera.add_raw_templates(templates.iter().map(|(n, f)| (n.as_str(), f.text.as_str())))
    {
        diags.push(template_error(&e, &origins));
    }
    let css = files
        .get("style.css")
        .map(|f| f.text.clone())
        .unwrap_or_default();
    Some(Theme {
        tera,
        css,
        langs,
        origins,
    })
}

/// Turns a Tera error into a diagnostic pointing into the template file it concerns.
pub fn template_error(
    e: &tera::Error,
    origins: &BTreeMap<String, (PathBuf, String)>,
) -> Diagnostic {
    let (name, message, line, col) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let span = r.span();
            (
                r.filename().to_string(),
                r.message().to_string(),
                span.start_line,
                span.start_col + 1,
            )
        }
        // Validation reports arrive as text: "error: MESSAGE\n --> NAME:LINE:COL ...".
        _ => parse_report(&e.to_string()),
    };
    let hint = "fix the template, or delete it from your theme to use the built-in one";
    match origins.get(&name) {
        Some((origin, text)) => Diagnostic::error(origin, line, col, message)
            .with_source(text)
            .with_hint(hint),
        None => Diagnostic::error(Path::new("<theme templates>"), 0, 0, message).with_hint(hint),
    }
}

fn parse_report(report: &str) -> (String, String, usize, usize) {
    let first = report.lines().next().unwrap_or_default();
    let message = first.trim_start_matches("error: ").to_string();
    let at = report
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap_or_default();
    let mut parts = at.rsplitn(3, ':');
    let col = parts
        .next()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(0);
    let line = parts
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let name = parts.next().unwrap_or_default().to_string();
    (name, message, line, col)
}
