//! A project kept in memory between rebuilds, for `serve`. A change inside plan folders reloads,
//! re-checks and re-renders only those plans (and the few site-wide pages); anything else — a
//! theme, `site.yaml`, a plan added or removed — rebuilds everything. A plan whose files failed
//! to load stays in every later partial rebuild until it passes, so a fix anywhere never hides
//! an error elsewhere.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostic::{self, Diagnostic, has_errors};
use crate::load::PlanSource;
use crate::outputs::{self, Memo};
use crate::write::Page;
use crate::{Options, Prepared, load, validate, write};

/// A successfully rendered project, ready to re-render parts of.
pub struct Session {
    opts: Options,
    /// Whether files are handed back LZ4-compressed ([`write::Memory::new`]).
    pack: bool,
    project: Prepared,
    memo: Memo,
    /// Plans (by id) whose last reload failed.
    dirty: BTreeSet<String>,
}

/// What a rebuild produced.
#[derive(Debug)]
pub struct Rebuilt {
    /// The files made: every file of the site, or of the re-rendered plans and the site pages
    /// (LZ4-compressed for a session started with [`Session::start_packed`]).
    pub pages: Vec<Page>,
    /// Output folders whose files `pages` replace wholesale (files missing from `pages` are
    /// gone); `None` when `pages` is the whole site.
    pub replaces: Option<Vec<String>>,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// How long it took, in milliseconds.
    pub millis: u128,
}

impl Rebuilt {
    /// Brings `files` (path → bytes, the whole site as last built) up to date; returns the
    /// paths that appeared, changed or went away.
    pub fn apply(self, files: &mut HashMap<String, Vec<u8>>) -> Vec<String> {
        // The files this rebuild replaces wholesale; what is left of them afterwards is gone.
        let mut old: HashMap<String, Vec<u8>> = match &self.replaces {
            None => std::mem::take(files),
            Some(dirs) => {
                let keys: Vec<String> = files
                    .keys()
                    .filter(|k| dirs.iter().any(|d| k.starts_with(d.as_str())))
                    .cloned()
                    .collect();
                keys.into_iter()
                    .filter_map(|k| files.remove_entry(&k))
                    .collect()
            }
        };
        let mut changed = Vec::new();
        for page in self.pages {
            let before = old.remove(&page.path).or_else(|| files.remove(&page.path));
            if before.as_ref() != Some(&page.bytes) {
                changed.push(page.path.clone());
            }
            files.insert(page.path, page.bytes);
        }
        changed.extend(old.into_keys());
        changed.sort();
        changed
    }
}

impl Session {
    /// Loads, checks and renders the whole project.
    pub fn start(opts: &Options) -> Result<(Session, Rebuilt), Vec<Diagnostic>> {
        Session::begin(opts, false)
    }

    /// Like [`Session::start`], but this session hands back every file LZ4-compressed
    /// (`serve`, which keeps the whole site in memory).
    pub fn start_packed(opts: &Options) -> Result<(Session, Rebuilt), Vec<Diagnostic>> {
        Session::begin(opts, true)
    }

    fn begin(opts: &Options, pack: bool) -> Result<(Session, Rebuilt), Vec<Diagnostic>> {
        let started = Instant::now();
        let memory = write::Memory::new(pack);
        let (site, project, memo) = crate::render_prepared(opts, &memory, crate::Run::Kept)?;
        let session = Session {
            opts: opts.clone(),
            pack,
            project,
            memo,
            dirty: BTreeSet::new(),
        };
        let rebuilt = Rebuilt {
            pages: memory.into_pages(),
            replaces: None,
            warnings: site.warnings,
            millis: started.elapsed().as_millis(),
        };
        Ok((session, rebuilt))
    }

    /// Rebuilds what the `changed` files affect, or says `None` when a change reaches beyond
    /// plan folders and everything must be rebuilt with [`Session::start`].
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Option<Result<Rebuilt, Vec<Diagnostic>>> {
        let plans = self.affected(changed)?;
        for (id, files) in &plans {
            // Plan-wide settings and the overview may show in every sector's body.
            if !files.iter().all(|f| self.in_sectors(id, f)) {
                self.memo.forget(id);
            }
            self.memo.keep(id);
        }
        self.update(&plans)
    }

    /// Whether `file` (absolute) lies directly in plan `id`'s `sectors/` folder: a sector file
    /// or commentary, which can be read again on its own.
    fn in_sectors(&self, id: &str, file: &Path) -> bool {
        let sectors = self
            .project
            .dirs
            .get(id)
            .map(|d| absolute(&d.join("sectors")));
        sectors.is_some_and(|s| file.parent() == Some(s.as_path()))
    }

    /// The plan whose folder holds `path`.
    fn plan_of(&self, path: &Path) -> Option<String> {
        let path = absolute(path);
        self.project
            .dirs
            .iter()
            .find(|(_, dir)| path.starts_with(absolute(dir)))
            .map(|(id, _)| id.clone())
    }

    /// The plans (by id) that `changed` files belong to, each with its changed files (absolute,
    /// once each), plus the plans that failed last time; `None` when a change reaches beyond
    /// plan folders and everything must be rebuilt.
    fn affected(&self, changed: &[PathBuf]) -> Option<BTreeMap<String, BTreeSet<PathBuf>>> {
        // A lone plan is the whole site (and may give it its title): rebuild it all.
        if self.project.site.plans.len() < 2 {
            return None;
        }
        let mut plans: BTreeMap<String, BTreeSet<PathBuf>> = self
            .dirty
            .iter()
            .map(|id| (id.clone(), BTreeSet::new()))
            .collect();
        for path in changed {
            let id = self.plan_of(path)?;
            if !self.project.dirs[&id].join("plan.yaml").is_file() {
                return None;
            }
            plans.entry(id).or_default().insert(absolute(path));
        }
        Some(plans)
    }

    /// Reloads, checks and re-renders the plans in `changed` (by id, with their changed files).
    /// On errors the session keeps the last good version of each plan and remembers the
    /// failing ones for the next rebuild.
    /// `None` when a plan's place or name among the site's plans changed: every page's plan
    /// switcher shows them, so everything must be rebuilt.
    fn update(
        &mut self,
        changed: &BTreeMap<String, BTreeSet<PathBuf>>,
    ) -> Option<Result<Rebuilt, Vec<Diagnostic>>> {
        let started = Instant::now();
        let ids: BTreeSet<String> = changed.keys().cloned().collect();
        let reader = load::Reader::new(&self.opts.content, self.opts.max_file_bytes)
            .with_lang(&self.project.site.locale);
        let mut diags = Vec::new();
        let locale = self.project.site.locale.clone();
        let mut plans = Vec::new();
        for (id, files) in changed {
            let mut found = Vec::new();
            let source = self.reload(id, files, &reader, &mut found);
            if let Some(plan) = source
                .and_then(|s| validate::one_plan(s, &locale, validate::Locations::Skip, &mut found))
            {
                plans.push(plan);
            }
            diags.extend(found);
        }
        if has_errors(&diags) {
            // Every plan of this rebuild is read whole next time, failing or not: none of
            // them made it into the site.
            self.dirty.extend(ids.iter().cloned());
            diagnostic::sort(&mut diags);
            return Some(Err(diags));
        }
        let listed = |p: &crate::model::Plan| (p.short_title.clone(), p.order);
        let moved = plans.iter().any(|plan| {
            let old = self.project.site.plans.iter().find(|p| p.id == plan.id);
            old.is_some_and(|old| listed(old) != listed(plan))
        });
        if moved {
            return None;
        }
        for plan in plans {
            if let Some(old) = self.project.site.plans.iter_mut().find(|p| p.id == plan.id) {
                // Sector bodies see the whole plan: when its list of sectors changes, make
                // them all again.
                let outline = |p: &crate::model::Plan| -> Vec<(String, String, i64)> {
                    let s = p.sectors.iter();
                    s.map(|s| (s.id.clone(), s.name.clone(), s.order)).collect()
                };
                if outline(old) != outline(&plan) {
                    self.memo.forget(&plan.id);
                }
                *old = plan;
            }
        }
        let memory = write::Memory::new(self.pack);
        let site = &self.project.site;
        outputs::render_plans(
            site,
            &self.project.theme,
            &memory,
            &mut diags,
            Some(&ids),
            &mut self.memo,
        );
        diagnostic::sort(&mut diags);
        if has_errors(&diags) {
            self.dirty.extend(ids.iter().cloned());
            return Some(Err(diags));
        }
        self.dirty.clear();
        Some(Ok(Rebuilt {
            pages: memory.into_pages(),
            replaces: Some(ids.iter().map(|id| outputs::plan_dir(site, id)).collect()),
            warnings: diags,
            millis: started.elapsed().as_millis(),
        }))
    }
}

impl Session {
    /// Brings plan `id`'s sources up to date with its changed `files` and returns them: only
    /// the changed sector files are read again when nothing else changed (and the plan did not
    /// fail last time), else the whole plan.
    fn reload(
        &mut self,
        id: &str,
        files: &BTreeSet<PathBuf>,
        reader: &load::Reader,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<&PlanSource> {
        let whole = self.dirty.contains(id) || !files.iter().all(|f| self.in_sectors(id, f));
        let dir = self.project.dirs.get(id)?;
        let sources = self.project.sources.as_mut()?;
        let plan = sources.plans.iter_mut().find(|p| p.id == id)?;
        if whole {
            *plan = load::load_plan(dir, reader, diags)?;
        } else {
            for file in files {
                reload_sector_file(plan, file, reader, diags);
            }
        }
        Some(plan)
    }
}

/// Updates `plan`'s sectors for a change to `file` in its `sectors` folder.
fn reload_sector_file(
    plan: &mut PlanSource,
    file: &Path,
    reader: &load::Reader,
    diags: &mut Vec<Diagnostic>,
) {
    let is_yaml = file.extension().is_some_and(|x| x == "yaml" || x == "yml");
    if is_yaml {
        return reload_one(plan, file.to_path_buf(), reader, diags);
    }
    // A commentary file: every sector that shows it, or whose default commentary it is. None
    // (an editor's temporary file, notes): nothing to redo. A sector that names a missing file
    // failed last time, and its plan is read whole.
    let shown = |t: &Option<load::Text>| t.as_ref().is_some_and(|t| absolute(&t.path) == file);
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let stem = name.as_deref().and_then(|n| {
        // `kinh-te.md` or a translation such as `kinh-te.en.md`.
        n.strip_suffix(".md")
            .map(|n| n.split('.').next().unwrap_or(n).to_owned())
    });
    let sectors: Vec<PathBuf> = plan
        .sectors
        .iter()
        .filter(|s| {
            shown(&s.commentary) || shown(&s.commentary_tr) || stem.as_deref() == Some(&s.id)
        })
        .map(|s| absolute(&s.file.path))
        .collect();
    for yaml in sectors {
        reload_one(plan, yaml, reader, diags);
    }
}

/// Reads sector file `yaml` (absolute) again into `plan`, or drops it when it is gone.
fn reload_one(
    plan: &mut PlanSource,
    yaml: PathBuf,
    reader: &load::Reader,
    diags: &mut Vec<Diagnostic>,
) {
    let was = plan
        .sectors
        .iter()
        .position(|s| absolute(&s.file.path) == yaml);
    if !yaml.is_file() {
        // Deleted.
        if let Some(i) = was {
            plan.sectors.remove(i);
        }
        return;
    }
    // Read it by the path it was first read by, so messages name it the same way.
    let path = was.map_or_else(|| yaml.clone(), |i| plan.sectors[i].file.path.clone());
    let Some(fresh) = load::load_sector(&path, reader, diags) else {
        // Unreadable or not YAML: reported; the plan is marked as failing.
        return;
    };
    match was {
        Some(i) => plan.sectors[i] = fresh,
        None => {
            let i = plan
                .sectors
                .partition_point(|s| absolute(&s.file.path) < yaml);
            plan.sectors.insert(i, fresh);
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
