//! The one interface every output of a site implements, in the spirit of mdBook's `Renderer`:
//! each plan page, the sector pages, the open data, the site's own pages and the sitemap is an
//! [`Output`] registered in `outputs::units`. An output is handed one plan at a time, with its
//! statuses decided once, its view built and converted to template values once, and gives back
//! files; after every plan, it may add site-wide files. Adding an output is one file that
//! implements this trait, one line in the registry, and its templates.

use std::any::Any;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostic::Diagnostic;
use crate::format::Lang;
use crate::model::{Plan, Sector, Site};
use crate::render::{PlanValues, Templates};
use crate::status::PlanStatus;
use crate::view::{PlanSummary, PlanView};
use crate::write::{Page, Sink, Writer};

/// What an output made of one sector, kept by `serve` and handed back (see
/// [`PlanCx::kept`]) while the sector is unchanged. Each output knows its own type.
pub type Piece = Arc<dyn Any + Send + Sync>;

/// One output of the site.
pub trait Output: Sync {
    /// Its files for one plan, handed to `out`. It may return one [`Piece`] per sector (in
    /// plan order) for the next render of this plan to reuse; most return nothing.
    fn plan(&self, _cx: &PlanCx<'_>, _out: &Emit<'_>) -> Vec<Piece> {
        Vec::new()
    }

    /// Its site-wide files, once per render, after every plan.
    fn site(&self, _cx: &SiteCx<'_>, _out: &Emit<'_>) {}
}

/// Everything an output may read of one plan.
pub struct PlanCx<'a> {
    /// The whole site (its settings, how many plans).
    pub site: &'a Site,
    /// The plan.
    pub plan: &'a Plan,
    /// Every status of the plan, decided once.
    pub decided: &'a PlanStatus,
    /// The page language.
    pub lang: &'a Lang,
    /// The plan's view: every figure formatted, every chart drawn. In a one-off build each
    /// sector's view has shed what its template value holds (cards, tasks, commentary, charts:
    /// see `SectorView::shed`); read those from [`PlanCx::values`].
    pub view: &'a PlanView,
    /// The view as template values, with each sector's rendered body.
    pub values: &'a PlanValues,
    /// The plan's folder in the output (`""` or `"<id>/"`).
    pub dir: &'a str,
    /// From the plan's folder to the site root (`""` or `"../"`).
    pub root: &'a str,
    /// The theme's templates and what every page shares.
    pub templates: &'a Templates<'a>,
    /// What this output made of a sector at the last render, if the sector, the plan's rules,
    /// sources and header are all unchanged since.
    pub kept: &'a (dyn Fn(&Sector) -> Option<Piece> + Sync),
}

/// Everything an output may read of the whole site, after every plan was made.
pub struct SiteCx<'a> {
    /// The site.
    pub site: &'a Site,
    /// The page language.
    pub lang: &'a Lang,
    /// The theme's templates and what every page shares.
    pub templates: &'a Templates<'a>,
    /// What the list of plans shows of each plan, in id order.
    pub summaries: Vec<&'a PlanSummary>,
    /// Every file of the site made so far (this render's and, for plans not made again, the
    /// last render's).
    pub paths: &'a BTreeSet<String>,
}

/// Where outputs hand their files and problems; safe to use from parallel outputs.
pub struct Emit<'a> {
    sink: &'a dyn Sink,
    diags: Mutex<Vec<Diagnostic>>,
    paths: Mutex<Vec<String>>,
    charts: AtomicUsize,
}

impl<'a> Emit<'a> {
    /// Hands files to `sink`.
    pub fn new(sink: &'a dyn Sink) -> Self {
        Emit {
            sink,
            diags: Mutex::default(),
            paths: Mutex::default(),
            charts: AtomicUsize::new(0),
        }
    }

    /// Hands over one finished file (a failure to take it becomes a problem).
    pub fn put(&self, page: Page) {
        let path = page.path.clone();
        self.taken(path, self.sink.put(page));
    }

    /// Hands over one file written in pieces (see [`Sink::put_streamed`]).
    pub fn put_streamed(&self, path: String, size: usize, write: Writer<'_>) {
        let done = self.sink.put_streamed(path.clone(), size, write);
        self.taken(path, done);
    }

    /// Remembers a file the sink took, or the problem that kept it from taking it.
    fn taken(&self, path: String, done: std::io::Result<()>) {
        match done {
            Ok(()) => lock(&self.paths).push(path),
            Err(e) => self.error(Diagnostic::error(
                &PathBuf::from(&path),
                0,
                0,
                format!("cannot write this file: {e}"),
            )),
        }
    }

    /// Hands over a rendered file, or the problem that kept it from being made.
    pub fn result(&self, made: Result<Page, Diagnostic>) {
        match made {
            Ok(page) => self.put(page),
            Err(d) => self.error(d),
        }
    }

    /// Reports a problem.
    pub fn error(&self, d: Diagnostic) {
        lock(&self.diags).push(d);
    }

    /// Counts charts drawn.
    pub fn charts(&self, n: usize) {
        self.charts.fetch_add(n, Ordering::Relaxed);
    }

    /// The paths handed over since the last call.
    pub fn take_paths(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.paths))
    }

    /// The problems reported (sorted by file, without repeats) and the charts counted.
    pub fn finish(self) -> (Vec<Diagnostic>, usize) {
        let mut errors = self.diags.into_inner().unwrap_or_else(|e| e.into_inner());
        errors.sort_by(|a, b| a.file.cmp(&b.file));
        errors.dedup();
        (errors, self.charts.into_inner())
    }
}

/// A lock that still works after another thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
