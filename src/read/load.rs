//! Reads `content/`: finds the site file, every plan folder (one holding `plan.yaml`), their
//! sector files and Markdown, decodes and NFC-normalises the text, and parses the YAML. Problems
//! are collected, never thrown, so one run reports them all.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use unicode_normalization::{IsNormalized, UnicodeNormalization};
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::input::{PlanFile, SectorFile, SiteFile};
use crate::yaml::{self, Doc};

/// A file's path and its decoded, normalised text.
#[derive(Debug)]
pub struct Text {
    /// Path as the user would type it.
    pub path: PathBuf,
    /// UTF-8 text in NFC, without a byte-order mark.
    pub text: Arc<str>,
}

/// Everything read from a content folder: its plans as read ([`PlanSource`]), or as
/// [`load_each`] made them.
#[derive(Debug)]
pub struct Content<P = PlanSource> {
    /// `site.yaml`, if present.
    pub site: Option<(Text, Doc<SiteFile>)>,
    /// Plans, ordered by id.
    pub plans: Vec<P>,
}

/// One plan folder.
#[derive(Debug)]
pub struct PlanSource {
    /// Folder name.
    pub id: String,
    /// `plan.yaml`.
    pub file: Text,
    /// Its parsed content.
    pub doc: Doc<PlanFile>,
    /// `overview.md`, if present.
    pub overview: Option<Text>,
    /// `overview.<lang>.md` in the site's language (not Vietnamese), if present.
    pub overview_tr: Option<Text>,
    /// Sector files, ordered by file name.
    pub sectors: Vec<SectorSource>,
    /// Figures and task updates from a spreadsheet beside the YAML, if any.
    pub updates: crate::sheet::Updates,
}

/// One sector file and its commentary.
#[derive(Debug)]
pub struct SectorSource {
    /// File stem.
    pub id: String,
    /// The YAML file.
    pub file: Text,
    /// Its parsed content.
    pub doc: Doc<SectorFile>,
    /// The Markdown commentary, if found.
    pub commentary: Option<Text>,
    /// `<id>.<lang>.md`, the commentary in the site's language (not Vietnamese), if present.
    pub commentary_tr: Option<Text>,
}

/// Reads files inside one folder only: anything that resolves outside it (a symbolic link, a
/// `../` path) is refused, and so are files over the size limit.
#[derive(Debug)]
pub struct Reader {
    root: PathBuf,
    max_bytes: u64,
    /// The site's language when it is not Vietnamese: commentary is read from
    /// `<name>.<lang>.md` too.
    lang: Option<String>,
    /// Folders already resolved: whether each lies inside the root. Resolving a path asks the
    /// file system about every component, and a national site has tens of thousands of files
    /// in a few hundred folders.
    folders: Mutex<HashMap<PathBuf, bool>>,
}

impl Reader {
    /// A reader confined to `root`, refusing files over `max_bytes`.
    pub fn new(root: &Path, max_bytes: u64) -> Self {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Reader {
            root,
            max_bytes,
            lang: None,
            folders: Mutex::default(),
        }
    }

    /// The same reader, for a site in `locale` (commentary in that language is read too).
    pub fn with_lang(mut self, locale: &str) -> Self {
        self.lang = (locale != "vi").then(|| locale.to_string());
        self
    }

    /// The file holding `name`'s Markdown in the site's language (`kinh-te.fr.md`), if the
    /// site is not Vietnamese.
    pub fn translated(&self, name: &str) -> Option<String> {
        self.lang.as_ref().map(|l| format!("{name}.{l}.md"))
    }

    /// True when `path` exists and resolves inside the root: a regular file (not a link) in a
    /// folder that resolves inside, or a link whose target does.
    pub fn inside(&self, path: &Path) -> bool {
        self.size_inside(path).is_some()
    }

    /// The file's size when it is [inside](Reader::inside).
    fn size_inside(&self, path: &Path) -> Option<u64> {
        match (path.symlink_metadata(), path.parent()) {
            (Ok(m), Some(folder)) if m.is_file() => self.folder_inside(folder).then_some(m.len()),
            _ => path
                .canonicalize()
                .is_ok_and(|p| p.starts_with(&self.root))
                .then(|| std::fs::metadata(path).map_or(0, |m| m.len())),
        }
    }

    fn folder_inside(&self, folder: &Path) -> bool {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let known = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(inside) = known.get(folder) {
            return *inside;
        }
        drop(known);
        let inside = folder
            .canonicalize()
            .is_ok_and(|p| p.starts_with(&self.root));
        self.folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(folder.to_path_buf(), inside);
        inside
    }

    /// Reads the file if it exists.
    pub fn read_optional(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Text> {
        if path.is_file() {
            self.read(path, diags)
        } else {
            None
        }
    }

    /// Reads a file as UTF-8, dropping a byte-order mark and normalising to NFC.
    pub fn read(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Text> {
        let bytes = self.read_bytes(path, diags)?;
        text_of(path, Ok(bytes), diags)
    }

    /// Reads a file's bytes (a spreadsheet), with the same checks as [`Reader::read`].
    pub fn read_bytes(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
        let Some(size) = self.size_inside(path) else {
            diags.push(
                Diagnostic::error(path, 0, 0, "refusing to read this file: it resolves outside the folder being read")
                    .with_hint("content must be real files inside the content folder: replace the link or `..` path with a copy"),
            );
            return None;
        };
        if size > self.max_bytes {
            diags.push(
                Diagnostic::error(
                    path,
                    0,
                    0,
                    format!(
                        "the file is {} bytes, over the limit of {} bytes",
                        size, self.max_bytes
                    ),
                )
                .with_hint("split it into smaller files, or raise the limit with --max-file-mb"),
            );
            return None;
        }
        // The size is known: read without asking for it again.
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
        let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
        match read {
            Ok(_) => Some(bytes),
            Err(e) => {
                diags.push(Diagnostic::error(
                    path,
                    0,
                    0,
                    format!("cannot read file: {e}"),
                ));
                None
            }
        }
    }
}

/// Reads and parses everything under `root`, adding every problem to `diags`.
pub fn load(root: &Path, max_bytes: u64, diags: &mut Vec<Diagnostic>) -> Content {
    load_each(root, max_bytes, diags, &|_, source, _| source)
}

/// Reads and parses everything under `root` like [`load`], handing each plan as soon as it
/// is read to `each`, with the site's language, on the thread that read it. A build checks
/// the plan there and drops its files: all plans' parsed files are then never held at once,
/// and the memory one plan's files took is reused for the next instead of being taken fresh
/// from the system, which must zero it first.
pub fn load_each<P: Send>(
    root: &Path,
    max_bytes: u64,
    diags: &mut Vec<Diagnostic>,
    each: &(dyn Fn(&str, PlanSource, &mut Vec<Diagnostic>) -> P + Sync),
) -> Content<P> {
    let mut content = Content {
        site: None,
        plans: Vec::new(),
    };
    let mut locale = "vi".to_string();
    let mut reader = Reader::new(root, max_bytes);
    if !root.is_dir() {
        diags.push(
            Diagnostic::error(root, 0, 0, "content folder not found")
                .with_hint("run tiendo from your project folder, or pass --content DIR"),
        );
        return content;
    }
    let site_path = root.join("site.yaml");
    if site_path.is_file()
        && let Some(text) = reader.read(&site_path, diags)
    {
        match yaml::parse::<SiteFile>(&site_path, &text.text) {
            Ok(doc) => {
                if let Some(l) = &doc.value.locale {
                    locale.clone_from(l);
                }
                reader = reader.with_lang(&locale);
                content.site = Some((text, doc));
            }
            Err(d) => diags.push(d),
        }
    }
    let mut plan_dirs: Vec<PathBuf> = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() == "plan.yaml")
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    plan_dirs.sort();
    if plan_dirs.iter().any(|d| d == root) {
        diags.push(
            Diagnostic::error(&root.join("plan.yaml"), 0, 0, "plan.yaml must be in a plan folder")
                .with_hint(format!(
                    "move plan.yaml, sectors/ and overview.md into a folder named after the plan, e.g. {}",
                    root.join("tinh-2024").display()
                )),
        );
    }
    duplicate_plan_ids(root, &plan_dirs, diags);
    // Plans and their sector files are read and parsed in parallel; problems are merged in order.
    let loaded: Vec<(Option<P>, Vec<Diagnostic>)> = plan_dirs
        .par_iter()
        .filter(|dir| *dir != root)
        .map(|dir| {
            let mut found = Vec::new();
            let plan = load_plan(dir, &reader, &mut found);
            (plan.map(|p| each(&locale, p, &mut found)), found)
        })
        .collect();
    for (plan, found) in loaded {
        diags.extend(found);
        content.plans.extend(plan);
    }
    warn_stray_yaml(root, &plan_dirs, diags);
    if plan_dirs.is_empty() {
        diags.push(
            Diagnostic::error(
                root,
                0,
                0,
                "no plan found: no folder here holds a plan.yaml",
            )
            .with_hint(
                "create <content>/<plan-id>/plan.yaml (see the README, or run `tiendo init`)",
            ),
        );
    }
    content
}

/// Plan folders are found at any depth, and a plan's id is its folder's name: two folders with
/// one name would be written into one output folder.
fn duplicate_plan_ids(root: &Path, plan_dirs: &[PathBuf], diags: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&std::ffi::OsStr, &PathBuf> = HashMap::new();
    for dir in plan_dirs.iter().filter(|d| *d != root) {
        let Some(name) = dir.file_name() else {
            continue;
        };
        if let Some(other) = first.insert(name, dir) {
            diags.push(
                Diagnostic::error(
                    &dir.join("plan.yaml"),
                    0,
                    0,
                    format!(
                        "plan id `{}` is given by two folders: {} and {}",
                        name.to_string_lossy(),
                        other.display(),
                        dir.display()
                    ),
                )
                .with_hint("a plan's id is its folder's name and names its output folder: rename or remove one of them"),
            );
        }
    }
}

/// Reads and parses the plan in `dir` (its `plan.yaml`, overview and sector files).
pub fn load_plan(dir: &Path, reader: &Reader, diags: &mut Vec<Diagnostic>) -> Option<PlanSource> {
    let id = dir.file_name()?.to_string_lossy().into_owned();
    let path = dir.join("plan.yaml");
    let file = reader.read(&path, diags)?;
    let doc = yaml::parse::<PlanFile>(&path, &file.text)
        .map_err(|d| diags.push(d))
        .ok();
    let overview = reader.read_optional(&dir.join("overview.md"), diags);
    let overview_tr = reader
        .translated("overview")
        .and_then(|f| reader.read_optional(&dir.join(f), diags));
    let mut sectors = Vec::new();
    let sector_dir = dir.join("sectors");
    let mut paths: Vec<PathBuf> = WalkDir::new(&sector_dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let loaded: Vec<(Option<SectorSource>, Vec<Diagnostic>)> = paths
        .par_iter()
        .map(|p| {
            let mut found = Vec::new();
            (load_sector(p, reader, &mut found), found)
        })
        .collect();
    for (sector, found) in loaded {
        diags.extend(found);
        sectors.extend(sector);
    }
    let updates = load_updates(dir, reader, diags);
    Some(PlanSource {
        id,
        file,
        doc: doc?,
        overview,
        overview_tr,
        sectors,
        updates,
    })
}

/// Reads the spreadsheet of updates beside a plan's YAML, if there is one.
fn load_updates(dir: &Path, reader: &Reader, diags: &mut Vec<Diagnostic>) -> crate::sheet::Updates {
    let mut updates = crate::sheet::Updates::default();
    let files = match crate::sheet::find(dir) {
        Ok(files) => files,
        Err(d) => {
            diags.push(d);
            return updates;
        }
    };
    for path in files {
        if path.extension().is_some_and(|x| x == "csv") {
            if let Some(text) = reader.read(&path, diags) {
                crate::sheet::read_csv(&path, &text.text, &mut updates, diags);
            }
        } else if let Some(bytes) = reader.read_bytes(&path, diags) {
            updates = crate::sheet::read_workbook(&path, bytes, diags).unwrap_or_default();
        }
    }
    updates
}

/// Reads and parses one sector file and its commentary.
pub fn load_sector(
    path: &Path,
    reader: &Reader,
    diags: &mut Vec<Diagnostic>,
) -> Option<SectorSource> {
    let id = path.file_stem()?.to_string_lossy().into_owned();
    let file = reader.read(path, diags)?;
    let doc = match yaml::parse_structs::<SectorFile>(path, &file.text) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let commentary = match &doc.value.commentary {
        Some(name) => {
            let md = dir.join(name);
            let problem = if !md.is_file() {
                Some((
                    format!("commentary file `{name}` not found"),
                    format!(
                        "create {} or correct the name (it is relative to this file)",
                        md.display()
                    ),
                ))
            } else if !reader.inside(&md) {
                Some((
                    format!("commentary file `{name}` is outside the content folder"),
                    "keep commentary beside the sector file, e.g. `commentary: kinh-te.md`"
                        .to_string(),
                ))
            } else {
                None
            };
            match problem {
                None => reader.read(&md, diags),
                Some((message, hint)) => {
                    let (line, col) = doc.spans.get("commentary");
                    diags.push(
                        Diagnostic::error(path, line, col, message)
                            .with_source(&file.text)
                            .with_hint(hint),
                    );
                    None
                }
            }
        }
        None => reader.read_optional(&dir.join(format!("{id}.md")), diags),
    };
    let commentary_tr = reader
        .translated(&id)
        .and_then(|f| reader.read_optional(&dir.join(f), diags));
    Some(SectorSource {
        id,
        file,
        doc,
        commentary,
        commentary_tr,
    })
}

/// YAML files outside any plan's `plan.yaml` and `sectors/` are ignored; say so, since they
/// are usually misplaced sector files.
fn warn_stray_yaml(root: &Path, plan_dirs: &[PathBuf], diags: &mut Vec<Diagnostic>) {
    for e in WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = e.path();
        let is_yaml = p.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if !e.file_type().is_file() || !is_yaml || p == root.join("site.yaml") {
            continue;
        }
        let known = plan_dirs
            .iter()
            .any(|d| p == d.join("plan.yaml") || p.parent() == Some(d.join("sectors").as_path()));
        if !known {
            diags.push(
                Diagnostic::warning(
                    p,
                    0,
                    0,
                    "this YAML file is not part of any plan and is ignored",
                )
                .with_hint(
                    "sector files belong in <plan>/sectors/; plan identity in <plan>/plan.yaml",
                ),
            );
        }
    }
}

/// Reads a file as UTF-8, dropping a byte-order mark and normalising to NFC (no checks on where
/// it is: use [`Reader::read`] for user content).
pub fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Text> {
    text_of(path, std::fs::read(path), diags)
}

fn text_of(
    path: &Path,
    read: std::io::Result<Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Text> {
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(
                path,
                0,
                0,
                format!("cannot read file: {e}"),
            ));
            return None;
        }
    };
    match decode(&bytes) {
        Ok(text) => match crate::control::find(&text) {
            None => Some(Text {
                path: path.to_path_buf(),
                text: Arc::from(text),
            }),
            Some((at, c)) => {
                let (line, col) = crate::control::line_col(&text, at);
                diags.push(
                    Diagnostic::error(
                        path,
                        line,
                        col,
                        format!("control character {} in the text", crate::control::name(c)),
                    )
                    .with_source(&text)
                    .with_hint(crate::control::HINT),
                );
                None
            }
        },
        Err((line, col)) => {
            diags.push(
                Diagnostic::error(path, line, col, "the file is not valid UTF-8 text").with_hint(
                    "save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)",
                ),
            );
            None
        }
    }
}

/// Decodes UTF-8 text to NFC without a BOM, or gives the line and column of the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, (usize, usize)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        // Most files are already NFC; the quick check avoids rebuilding them.
        Ok(s) if is_nfc(s) => Ok(s.to_string()),
        Ok(s) => Ok(s.nfc().collect()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err((line, col))
        }
    }
}

/// Whether `s` is in NFC for certain (no means: normalise to be sure). Text made only of
/// [`plainly_nfc`] characters is; anything else goes through Unicode's quick check, which
/// looks up two tables for every non-ASCII character (a sixth of the load of a Vietnamese text).
fn is_nfc(s: &str) -> bool {
    s.chars().all(plainly_nfc)
        || unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// Characters that leave a text in NFC whatever stands around them (quick check "yes" and
/// combining class 0, checked against the Unicode tables by a test): Latin below the
/// combining diacritics, the precomposed Vietnamese letters, and dashes, quotes and the
/// ellipsis.
fn plainly_nfc(c: char) -> bool {
    c < '\u{300}' || matches!(c, '\u{1EA0}'..='\u{1EF9}' | '\u{2010}'..='\u{2027}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plainly_nfc_characters_are_nfc_starters_in_the_unicode_tables() {
        use unicode_normalization::char::canonical_combining_class;
        let mut checked = 0;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| plainly_nfc(c))
        {
            assert_eq!(
                unicode_normalization::is_nfc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "U+{:04X}",
                u32::from(c)
            );
            assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", u32::from(c));
            checked += 1;
        }
        assert_eq!(checked, 0x300 + 90 + 24);
        // A plain letter followed by a combining mark is not plain: the quick check decides.
        assert!(!is_nfc("Tie\u{0302}\u{0300}n"));
        assert!(is_nfc("Tiền Giang – “đạt” …"));
        assert!(
            is_nfc("Ελλάδα"),
            "other NFC text passes through the quick check"
        );
    }

    #[test]
    fn decode_strips_bom_and_normalises_to_nfc() {
        let nfd = "Tie\u{0302}\u{0300}n Giang";
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(nfd.as_bytes());
        assert_eq!(decode(&bytes).unwrap(), "Tiền Giang");
    }

    #[test]
    fn reader_resolves_links_and_folders_before_reading() {
        let base = std::env::temp_dir().join(format!("tiendo-reader-{}", std::process::id()));
        let (root, outside) = (base.join("root"), base.join("outside"));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("sub/a.md"), "a").unwrap();
        std::fs::write(outside.join("b.md"), "b").unwrap();
        let link = |target: &Path, at: &str| {
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, root.join(at)).unwrap();
        };
        link(&root.join("sub/a.md"), "to-inside.md");
        link(&outside.join("b.md"), "to-outside.md");
        link(&outside, "linked");
        let reader = Reader::new(&root, 1024);
        assert!(reader.inside(&root.join("sub/a.md")));
        assert!(reader.inside(&root.join("sub/../sub/a.md")));
        assert!(!reader.inside(&root.join("sub/../../outside/b.md")));
        assert!(!reader.inside(&root.join("missing.md")));
        if cfg!(unix) {
            assert!(reader.inside(&root.join("to-inside.md")));
            assert!(!reader.inside(&root.join("to-outside.md")));
            // A real file in a linked folder is judged by where the folder leads, every time.
            assert!(!reader.inside(&root.join("linked/b.md")));
            assert!(!reader.inside(&root.join("linked/b.md")));
        }
        let mut diags = Vec::new();
        assert_eq!(
            reader
                .read(&root.join("sub/a.md"), &mut diags)
                .map(|t| t.text.to_string()),
            Some("a".into())
        );
        assert!(
            reader
                .read(&root.join("to-outside.md"), &mut diags)
                .is_none()
                || !cfg!(unix)
        );
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn decode_locates_invalid_bytes() {
        assert_eq!(decode(b"ok\nab\xFFc"), Err((2, 3)));
    }
}
