//! tiendo turns a government plan — YAML targets and actuals plus Markdown commentary — into a
//! static transparency site. Data flows one way: `load` → `validate` → `status::decide` →
//! `view` → `outputs` (each a `unit::Output`, templates run by `render`) → `write` (see
//! ARCHITECTURE.md for what each module owns).

#![warn(missing_docs, unreachable_pub)]

/// Files compiled into the binary, as `(path, text)` pairs: `embed!("../dir/": "a", "b/c")`
/// (the folder relative to the file that uses it).
macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!($dir, $name)))),*]
    };
}

// The folders follow the pipeline (ARCHITECTURE.md); module paths stay flat (`crate::view`),
// so a module's path says what it is and its folder says which stage it belongs to.

// Reading the content.
#[path = "read/control.rs"]
pub mod control;
#[path = "read/input.rs"]
pub mod input;
#[path = "read/load.rs"]
pub mod load;
#[path = "read/sheet.rs"]
pub mod sheet;
#[path = "read/yaml/mod.rs"]
pub mod yaml;

// Checking it.
#[path = "check/lint.rs"]
pub mod lint;
#[path = "check/validate.rs"]
pub mod validate;
#[path = "check/weburl.rs"]
pub mod weburl;

// The plan and its rules.
#[path = "plan/model.rs"]
pub mod model;
#[path = "plan/period.rs"]
pub mod period;
#[path = "plan/status.rs"]
pub mod status;

// The site's views, charts and templates.
#[path = "site/chart/mod.rs"]
pub mod chart;
#[path = "site/format.rs"]
pub mod format;
#[path = "site/markdown.rs"]
pub mod markdown;
#[path = "site/render.rs"]
pub mod render;
#[path = "site/routes.rs"]
pub mod routes;
#[path = "site/slug.rs"]
pub mod slug;
#[path = "site/theme.rs"]
pub mod theme;
#[path = "site/view.rs"]
pub mod view;

// The outputs and writing.
#[path = "output/email.rs"]
pub mod email;
#[path = "output/opendata.rs"]
pub mod opendata;
#[path = "output/outdir.rs"]
pub mod outdir;
#[path = "output/outputs.rs"]
pub mod outputs;
#[path = "output/pages.rs"]
pub mod pages;
#[path = "output/sitemap.rs"]
pub mod sitemap;
#[path = "output/unit.rs"]
pub mod unit;
#[path = "output/workbook.rs"]
pub mod workbook;
#[path = "output/write.rs"]
pub mod write;

// The preview.
#[path = "preview/serve/mod.rs"]
pub mod serve;
#[path = "preview/session.rs"]
pub mod session;

// Shared by every stage.
pub mod diagnostic;
pub mod init;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diagnostic::{Diagnostic, has_errors};

/// Where to read from and write to.
#[derive(Debug, Clone)]
pub struct Options {
    /// The content folder.
    pub content: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Theme name; overrides `site.yaml`.
    pub theme: Option<String>,
    /// Fail (write nothing) when there are warnings.
    pub deny_warnings: bool,
    /// Content files larger than this are refused.
    pub max_file_bytes: u64,
    /// Replace a non-empty output folder that tiendo did not write (see [`outdir`]).
    pub force: bool,
}

impl Options {
    /// Defaults for a project folder: `content/` in, `output/` out, 10 MB per file.
    pub fn new(content: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        Options {
            content: content.into(),
            output: output.into(),
            theme: None,
            deny_warnings: false,
            max_file_bytes: 10 * 1024 * 1024,
            force: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    /// Pages written.
    pub pages: usize,
    /// Charts drawn.
    pub charts: usize,
    /// Plans built.
    pub plans: usize,
    /// Files written, unchanged and removed.
    pub written: write::WriteStats,
    /// How long each stage took.
    pub timings: Timings,
    /// Wall time.
    pub elapsed: Duration,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
}

/// The folder holding `themes/`: the content folder's parent (the project folder).
pub(crate) fn project_dir(content: &Path) -> PathBuf {
    match content.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A loaded, valid project: the site, its theme, and the folder of each plan (by plan id).
pub(crate) struct Prepared {
    site: model::Site,
    theme: theme::Theme,
    dirs: BTreeMap<String, PathBuf>,
    /// The files as read, kept only for `serve` (see [`prepare`]).
    sources: Option<load::Content>,
}

/// A plan as [`prepare`] keeps it once read and checked.
struct Checked {
    plan: Option<model::Plan>,
    /// Its id and folder.
    dir: Option<(String, PathBuf)>,
    /// Its files as read, for `serve` only.
    source: Option<load::PlanSource>,
}

/// What a run keeps after rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Run {
    /// A build or check: the files as read are freed before rendering.
    Once,
    /// `serve`: the files as read and every sector's view are kept for partial rebuilds.
    Kept,
}

/// Loads and validates everything, returning the site and theme when there are no errors.
/// A [`Run::Kept`] keeps the files as read too; otherwise they are freed before rendering.
fn prepare(
    opts: &Options,
    locations: validate::Locations,
    run: Run,
    timings: &mut Timings,
    diags: &mut Vec<Diagnostic>,
) -> Option<Prepared> {
    // Each plan is checked on the thread that read it, as soon as it is read; a build then
    // drops its files, a `serve` keeps them.
    let content = load::load_each(
        &opts.content,
        opts.max_file_bytes,
        diags,
        &|locale, source, found| Checked {
            plan: validate::one_plan(&source, locale, locations, found),
            dir: (source.file.path.parent()).map(|d| (source.id.clone(), d.to_path_buf())),
            source: (run == Run::Kept).then_some(source),
        },
    );
    timings.lap("load, parse and check plans");
    let (mut dirs, mut plans, mut sources) = (BTreeMap::new(), Vec::new(), Vec::new());
    for checked in content.plans {
        dirs.extend(checked.dir);
        plans.extend(checked.plan);
        sources.extend(checked.source);
    }
    let theme_name = opts
        .theme
        .clone()
        .or_else(|| {
            content
                .site
                .as_ref()
                .and_then(|(_, d)| d.value.theme.clone())
        })
        .unwrap_or_else(|| "default".into());
    // The name becomes a path: check it before anything is read (site.yaml's own `theme` is
    // reported by validation).
    let theme = if validate::is_safe_id(&theme_name) {
        theme::load(
            &project_dir(&opts.content).join("themes"),
            &theme_name,
            diags,
        )
    } else {
        if opts.theme.is_some() {
            diags.push(
                Diagnostic::error(
                    &opts.content,
                    0,
                    0,
                    format!("--theme `{theme_name}` is not a plain folder name"),
                )
                .with_hint("name a folder under themes/, using letters a–z, digits and `-`"),
            );
        }
        None
    };
    let locales: Vec<String> = theme
        .as_ref()
        .map(|t| t.langs.keys().cloned().collect())
        .unwrap_or_default();
    timings.lap("theme");
    let site = validate::site(content.site.as_ref(), &locales, plans, diags);
    let sources = (run == Run::Kept).then(|| load::Content {
        site: content.site,
        plans: sources,
    });
    timings.lap("check site");
    if has_errors(diags) {
        return None;
    }
    Some(Prepared {
        site,
        theme: theme?,
        dirs,
        sources,
    })
}

/// Validates the content and theme without writing anything; returns every problem.
/// `today` is the date editorial warnings judge by (a plan year that is over, …).
pub fn check(opts: &Options, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if let Some(Prepared { site, theme, .. }) = prepare(
        opts,
        validate::Locations::Record,
        Run::Once,
        &mut Timings::start(),
        &mut diags,
    ) {
        // Rendering too (into nothing), so template errors surface in `check`.
        outputs::render(&site, &theme, &write::Discard, &mut diags);
        for plan in &site.plans {
            diags.extend(lint::lint(plan, &status::decide(plan)));
            diags.extend(lint::year_over(plan, today));
        }
    }
    attach_sources(&mut diags);
    diagnostic::sort(&mut diags);
    diags
}

/// Writes a ready-to-fill workbook for plan `plan` (the only plan when `None`) to `output`, or
/// by default to the plan folder's `updates.xlsx`, which `build` then reads. An existing file is
/// never replaced: it may hold figures. Returns where it was written.
pub fn template(
    opts: &Options,
    plan: Option<&str>,
    output: Option<&Path>,
) -> Result<PathBuf, Vec<Diagnostic>> {
    let prepared = prepare_valid(opts)?;
    let site = &prepared.site;
    let chosen = choose_plan(opts, site, plan, "template")?;
    let dir = prepared.dirs.get(&chosen.id).cloned().unwrap_or_default();
    let path = match output {
        Some(p) => p.to_path_buf(),
        None => {
            if let Ok(files) = sheet::find(&dir)
                && let Some(f) = files.first()
            {
                return Err(vec![
                    Diagnostic::error(
                        f,
                        0,
                        0,
                        "this file already holds the plan's updates, so it is not replaced",
                    )
                    .with_hint(
                        "fill that file, or pass --output to write a new workbook somewhere else",
                    ),
                ]);
            }
            dir.join(sheet::WORKBOOKS[0])
        }
    };
    if path.exists() {
        return Err(vec![
            Diagnostic::error(
                &path,
                0,
                0,
                "this file already exists: it may hold figures, so it is not replaced",
            )
            .with_hint("choose another file with --output, or move the old one away first"),
        ]);
    }
    let lang = prepared.theme.langs.get(&site.locale);
    let english = site.locale == "en";
    let written = lang
        .ok_or_else(|| "the theme has no strings for the site's locale".to_string())
        .and_then(|lang| workbook::workbook(chosen, lang, english).map_err(|e| e.to_string()))
        .and_then(|bytes| write::replace_file(&path, &bytes).map_err(|e| e.to_string()));
    match written {
        Ok(()) => Ok(path),
        Err(e) => Err(vec![Diagnostic::error(&path, 0, 0, format!("cannot write the workbook: {e}")).with_hint(
            "check that the folder exists and can be written to, and that the file is not open in Excel",
        )]),
    }
}

/// The valid project for a one-off command (`template`, `email`), or every problem found.
fn prepare_valid(opts: &Options) -> Result<Prepared, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let prepared = prepare(
        opts,
        validate::Locations::Skip,
        Run::Once,
        &mut Timings::start(),
        &mut diags,
    );
    prepared.ok_or_else(|| {
        diagnostic::sort(&mut diags);
        diags
    })
}

/// Plan `plan` of the site, or its only plan when `None`; otherwise an error naming the plans
/// `tiendo COMMAND PLAN` accepts.
fn choose_plan<'a>(
    opts: &Options,
    site: &'a model::Site,
    plan: Option<&str>,
    command: &str,
) -> Result<&'a model::Plan, Vec<Diagnostic>> {
    let chosen = match plan {
        Some(id) => site.plans.iter().find(|p| p.id == id),
        None if site.plans.len() == 1 => site.plans.first(),
        None => None,
    };
    chosen.ok_or_else(|| {
        let ids: Vec<&str> = site.plans.iter().map(|p| p.id.as_str()).collect();
        let message = match plan {
            Some(id) => format!("there is no plan `{id}` in {}", opts.content.display()),
            None => "this site has several plans: say which one".to_string(),
        };
        vec![
            Diagnostic::error(&opts.content, 0, 0, message).with_hint(format!(
                "run `tiendo {command} PLAN` with one of: {}",
                ids.join(", ")
            )),
        ]
    })
}

/// What `tiendo email` is asked for besides the content.
#[derive(Debug, Clone, Default)]
pub struct EmailRequest {
    /// The plan (may be left out when the site has one).
    pub plan: Option<String>,
    /// Addresses given as flags; each replaces site.yaml's `email:` value when given.
    pub addresses: email::Addresses,
    /// Where to write the message (default `<plan>.eml`).
    pub output: Option<PathBuf>,
    /// Attach the plan's indicators as CSV too.
    pub with_data: bool,
    /// Send it, or say what would be sent.
    pub send: Send,
    /// The mail server, `host[:port]` (default: site.yaml's `email.smtp`).
    pub smtp: Option<String>,
}

/// Writes plan `plan`'s update as an email message (`.eml`): the digest as text and HTML, and
/// report.html attached. An existing file is replaced only when tiendo wrote it. Returns the
/// path written.
pub fn email(opts: &Options, request: &EmailRequest) -> Result<Emailed, Vec<Diagnostic>> {
    let prepared = prepare_valid(opts)?;
    let site = &prepared.site;
    let plan = choose_plan(opts, site, request.plan.as_deref(), "email")?;
    let path = request
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.eml", plan.id)));
    let fail =
        |message: String, hint: &str| vec![Diagnostic::error(&path, 0, 0, message).with_hint(hint)];
    if path.exists() && !email::is_ours(&path) {
        return Err(fail(
            "this file exists and is not a message tiendo wrote, so it is not replaced".into(),
            "choose another file with --output",
        ));
    }
    let pages = plan_pages(&prepared, &plan.id)?;
    let dir = outputs::plan_dir(site, &plan.id);
    let page = |file: &str| {
        let want = format!("{dir}{file}");
        pages
            .iter()
            .find(|p| p.path == want)
            .map(|p| p.bytes.as_slice())
    };
    let text = |file: &str| page(file).map(String::from_utf8_lossy).unwrap_or_default();
    let lang = prepared.theme.langs.get(&site.locale).ok_or_else(|| {
        fail(
            "the theme has no strings for the site's locale".into(),
            "add its i18n file",
        )
    })?;
    let name = |what: &str| {
        let raw = format!("{} - {}", plan.short_title, lang.t(what));
        raw.replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|'], "-")
    };
    let mut files = vec![email::File {
        name: format!("{}.html", name("report_file")),
        content_type: "text/html; charset=utf-8",
        bytes: page("report.html").unwrap_or_default(),
    }];
    if request.with_data {
        files.push(email::File {
            name: format!("{}.csv", name("data_file")),
            content_type: "text/csv; charset=utf-8",
            bytes: page(routes::data_file("indicators_csv")).unwrap_or_default(),
        });
    }
    let (text_body, html_body) = (text("digest.txt"), text("digest.html"));
    let letter = email::Letter {
        subject: lang.fill(
            "email_subject",
            &[
                ("plan", &plan.short_title),
                ("date", &lang.date(plan.as_of)),
            ],
        ),
        date: plan.as_of,
        text: &text_body,
        html: &html_body,
        files,
    };
    let addresses = request.addresses.or(&site.email);
    let dated = match request.send {
        Send::No => email::Dated::StatusDate,
        Send::DryRun | Send::Yes => email::Dated::Now,
    };
    let (bytes, envelope) = email::message(&letter, &addresses, dated).map_err(|e| {
        fail(
            e,
            "set the addresses under `email:` in site.yaml, or pass --from and --to",
        )
    })?;
    let sent = match request.send {
        Send::No => None,
        Send::DryRun | Send::Yes => Some(
            deliver(request, &site.email, &addresses, (&bytes, &envelope))
                .map_err(|(message, hint)| fail(message, hint))?,
        ),
    };
    write::replace_file(&path, &bytes).map_err(|e| {
        fail(
            format!("cannot write the message: {e}"),
            "check that the folder can be written to",
        )
    })?;
    Ok(Emailed { path, sent })
}

/// The files of plan `id` alone (and the site's own pages), rendered in memory: `email` needs
/// one plan's digests and report, not the whole site.
fn plan_pages(prepared: &Prepared, id: &str) -> Result<Vec<write::Page>, Vec<Diagnostic>> {
    let (memory, mut diags) = (write::Memory::default(), Vec::new());
    let only = std::collections::BTreeSet::from([id.to_string()]);
    let (site, theme) = (&prepared.site, &prepared.theme);
    let mut memo = outputs::Memo::default();
    outputs::render_plans(site, theme, &memory, &mut diags, Some(&only), &mut memo);
    if has_errors(&diags) {
        diagnostic::sort(&mut diags);
        return Err(diags);
    }
    Ok(memory.into_pages())
}

/// Sends `message` (or, with `--dry-run`, only says what would be sent); returns the summary
/// line, or what went wrong and its hint.
fn deliver(
    request: &EmailRequest,
    settings: &model::Email,
    addresses: &email::Addresses,
    (bytes, envelope): (&[u8], &lettre::address::Envelope),
) -> Result<String, (String, &'static str)> {
    if addresses.to.is_empty() && addresses.cc.is_empty() {
        return Err((
            "sending needs at least one recipient".to_string(),
            "set `email: {to: […]}` in site.yaml, or pass --to",
        ));
    }
    let server = request.smtp.clone().or_else(|| settings.smtp.clone());
    let server = server.ok_or((
        "sending needs a mail server".to_string(),
        "set `email: {smtp: mail.example.gov.vn:587}` in site.yaml, or pass --smtp HOST:PORT",
    ))?;
    let smtp = email::Smtp::from_env(&server)
        .map_err(|e| (e, "credentials come only from the environment"))?;
    let summary = format!(
        "{} to {} via {}:{}{} ({} bytes, {})",
        addresses.from.as_deref().unwrap_or_default(),
        [addresses.to.clone(), addresses.cc.clone()]
            .concat()
            .join(", "),
        smtp.host,
        smtp.port,
        if smtp.is_loopback() {
            ""
        } else {
            " with STARTTLS"
        },
        bytes.len(),
        match &smtp.credentials {
            Some((user, _)) => format!("logging in as {user}"),
            None => "without logging in".to_string(),
        }
    );
    if request.send == Send::Yes {
        smtp.send(envelope, bytes).map_err(|e| {
            (
                format!("the mail server refused the message: {e}"),
                "check the server, the port and the credentials",
            )
        })?;
    }
    Ok(summary)
}

/// Whether `tiendo email` sends the message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Send {
    /// Only write the message file.
    #[default]
    No,
    /// Say what would be sent, without connecting.
    DryRun,
    /// Send it over SMTP.
    Yes,
}

/// What `tiendo email` did.
#[derive(Debug)]
pub struct Emailed {
    /// The message file written (what was, or would be, sent).
    pub path: PathBuf,
    /// With `--send` or `--dry-run`: sender, recipients, server and size.
    pub sent: Option<String>,
}

/// Adds the source line to diagnostics created without the file's text at hand.
fn attach_sources(diags: &mut [Diagnostic]) {
    let mut cache: std::collections::BTreeMap<PathBuf, Option<String>> = Default::default();
    // A spreadsheet's row is not a line of text to show (its column is the cell's).
    let sheet = |d: &Diagnostic| {
        d.file
            .extension()
            .is_some_and(|x| x == "csv" || x == "xlsx" || x == "ods")
    };
    for d in diags
        .iter_mut()
        .filter(|d| d.source_line.is_none() && d.line > 0 && !sheet(d))
    {
        let text = cache.entry(d.file.clone()).or_insert_with(|| {
            std::fs::read(&d.file)
                .ok()
                .and_then(|b| load::decode(&b).ok())
        });
        if let Some(text) = text {
            *d = d.clone().with_source(text);
        }
    }
}

/// What a render produced, and what it found on the way.
#[derive(Debug)]
pub struct Built {
    /// Pages and charts made.
    pub rendered: outputs::Rendered,
    /// Plans in it.
    pub plans: usize,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took.
    pub timings: Timings,
}

/// Wall time of each stage of a build, in order, with the process's peak memory at its end.
#[derive(Debug, Clone)]
pub struct Timings {
    last: Instant,
    /// Stage name, duration and peak resident memory so far in bytes (0 where unknown).
    pub stages: Vec<(&'static str, Duration, u64)>,
}

impl Timings {
    /// Starts timing.
    pub fn start() -> Self {
        Timings {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }

    /// Records the time since the previous lap as `stage`.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last, peak_memory()));
        self.last = now;
    }
}

/// The process's peak resident memory so far (Linux's `VmHWM`), 0 where unknown.
fn peak_memory() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}

/// Loads, validates and renders everything into `sink`. Every problem is returned on failure;
/// the sink may then hold part of the site and must be discarded.
pub fn render_into(opts: &Options, sink: &dyn write::Sink) -> Result<Built, Vec<Diagnostic>> {
    render_prepared(opts, sink, Run::Once).map(|(site, _, _)| site)
}

/// Renders the whole site in memory: the site and its files, sorted by path.
pub fn render_site(opts: &Options) -> Result<(Built, Vec<write::Page>), Vec<Diagnostic>> {
    let memory = write::Memory::default();
    let site = render_into(opts, &memory)?;
    Ok((site, memory.into_pages()))
}

/// [`render_into`], also handing back the project and what rendering remembered of it.
pub(crate) fn render_prepared(
    opts: &Options,
    sink: &dyn write::Sink,
    run: Run,
) -> Result<(Built, Prepared, outputs::Memo), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut timings = Timings::start();
    let Some(prepared) = prepare(
        opts,
        validate::Locations::Skip,
        run,
        &mut timings,
        &mut diags,
    ) else {
        diagnostic::sort(&mut diags);
        return Err(diags);
    };
    let mut memo = outputs::Memo::default();
    if run == Run::Kept {
        // `serve`: keep every sector's charts too, for fast partial rebuilds.
        memo.keep_views();
    }
    let rendered = outputs::render_plans(
        &prepared.site,
        &prepared.theme,
        sink,
        &mut diags,
        None,
        &mut memo,
    );
    timings.lap("status, charts, pages and writing");
    diagnostic::sort(&mut diags);
    if has_errors(&diags) || (opts.deny_warnings && !diags.is_empty()) {
        return Err(diags);
    }
    let site = Built {
        rendered,
        plans: prepared.site.plans.len(),
        warnings: diags,
        timings,
    };
    Ok((site, prepared, memo))
}

/// Builds the site into `opts.output`. On any error nothing is written and every problem is
/// returned.
pub fn build(opts: &Options) -> Result<Summary, Vec<Diagnostic>> {
    let started = Instant::now();
    let claimed = outdir::claim(&opts.output, &opts.content, opts.force)
        .map_err(|r| vec![Diagnostic::error(&opts.output, 0, 0, r.message).with_hint(r.hint)])?;
    let fail =
        |diags: Vec<Diagnostic>, e: std::io::Error| {
            let mut diags = diags;
            let msg = format!("cannot write the site: {e}");
            diags.push(Diagnostic::error(&opts.output, 0, 0, msg).with_hint(
                "check the free disk space and the folder's permissions, then build again",
            ));
            diags
        };
    let staging = write::Staging::begin(&claimed.path).map_err(|e| fail(Vec::new(), e))?;
    // On error the staging folder is dropped, and with it everything written so far.
    let mut site = render_into(opts, &staging)?;
    let written = staging
        .commit()
        .map_err(|e| fail(site.warnings.clone(), e))?;
    if claimed.legacy {
        // Said once, and never a reason to fail a `--deny-warnings` pipeline: from this build on
        // the folder carries the marker.
        site.warnings.push(
            Diagnostic::warning(
                &opts.output,
                0,
                0,
                format!(
                    "{} had no {} file; it was recognised as a site written by an earlier tiendo and replaced",
                    opts.output.display(),
                    outdir::MARKER
                ),
            )
            .with_hint("nothing to do: the folder now carries the marker, which marks it as tiendo's to replace"),
        );
    }
    drop(claimed);
    Ok(Summary {
        pages: site.rendered.pages,
        charts: site.rendered.charts,
        plans: site.plans,
        written,
        elapsed: started.elapsed(),
        warnings: site.warnings,
        timings: {
            site.timings.lap("swap in");
            site.timings
        },
    })
}
