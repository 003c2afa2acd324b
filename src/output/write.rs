//! Writes the rendered site atomically: everything goes into a fresh folder beside `output/`,
//! which is exchanged with `output/` in one step only once every file is written. A failed or
//! killed build leaves the previous output as it was, and there is no moment without `output/`.
//! Which folder may be replaced at all is [`crate::outdir`]'s decision.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::outdir::{MARKER, MARKER_TEXT};

/// A rendered file, with its path relative to the output folder (always `/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path inside `output/`.
    pub path: String,
    /// File content.
    pub bytes: Vec<u8>,
}

/// What writing the site changed, for the summary line and for upload tools.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files that are new or whose bytes changed.
    pub written: usize,
    /// Files kept as they were (same inode, same modification time).
    pub unchanged: usize,
    /// Files of the previous output that the new site no longer has.
    pub removed: usize,
}

/// Writes one file (a message, a workbook) whole or not at all: into a file beside it, then
/// renamed into place, so an interrupted write never leaves half a file.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tiendo-tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
}

/// Where rendered files go. Rendering streams every file into a sink as soon as it is made, so
/// a large site never sits in memory whole.
pub trait Sink: Sync {
    /// Takes one finished file.
    fn put(&self, page: Page) -> io::Result<()>;
}

/// Throws the files away (for `check`, which renders only to find template errors).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _page: Page) -> io::Result<()> {
        Ok(())
    }
}

/// Keeps the files in memory (for `serve` and tests).
#[derive(Debug, Default)]
pub struct Memory {
    pages: Mutex<Vec<Page>>,
    /// Whether each file is kept LZ4-compressed (see [`Memory::new`]).
    pack: bool,
}

impl Memory {
    /// Keeps the files as they are, or with `pack` each LZ4-compressed on the thread that made
    /// it: `serve` holds a whole site, several times smaller so (a national site is over a
    /// gigabyte of HTML). The same bytes always compress to the same bytes, so comparing packed
    /// files still finds exactly the changed ones.
    pub fn new(pack: bool) -> Self {
        Memory {
            pack,
            ..Memory::default()
        }
    }

    /// The files received, sorted by path.
    pub fn into_pages(self) -> Vec<Page> {
        let mut pages = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        pages
    }
}

impl Sink for Memory {
    fn put(&self, mut page: Page) -> io::Result<()> {
        if self.pack {
            page.bytes = lz4_flex::compress_prepend_size(&page.bytes);
        }
        self.pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(page);
        Ok(())
    }
}

/// Writes into a fresh folder beside `output/`, which replaces `output/` only on [`commit`].
/// Files whose bytes are unchanged are hard-linked from the previous output, so they keep
/// their modification time and `rsync` or an object-store sync uploads only what changed.
/// Dropping an uncommitted staging folder deletes it: the previous output stays as it was.
///
/// [`commit`]: Staging::commit
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    paths: Mutex<BTreeSet<String>>,
    /// Folders already created inside the staging folder (one `mkdir` each, not one per file).
    folders: Mutex<HashSet<PathBuf>>,
    /// Whether there is a previous output to compare with.
    previous: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    delay: Option<std::time::Duration>,
    committed: bool,
}

impl Staging {
    /// Prepares to replace `output`, cleaning up after any killed build first.
    pub fn begin(output: &Path) -> io::Result<Staging> {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        recover(output, &parent, &name);
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.new-{pid}"));
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            output: output.to_path_buf(),
            retired: parent.join(format!(".{name}.old-{pid}")),
            dir,
            paths: Mutex::new(BTreeSet::new()),
            folders: Mutex::default(),
            previous: output.is_dir(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            delay: test_delay(),
            committed: false,
        })
    }

    /// Swaps the staged site in for the previous output.
    pub fn commit(mut self) -> io::Result<WriteStats> {
        // Every output carries the marker that lets the next build replace it.
        self.put(Page {
            path: MARKER.into(),
            bytes: MARKER_TEXT.as_bytes().to_vec(),
        })?;
        let paths = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        let stats = WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed: count_removed(&self.output, &paths),
        };
        swap(&self.output, &self.dir, &self.retired)?;
        self.committed = true;
        Ok(stats)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, page: Page) -> io::Result<()> {
        let rel = Path::new(&page.path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(io::Error::other(format!(
                "refusing to write outside the output folder: {}",
                page.path
            )));
        }
        let target = self.dir.join(rel);
        if let Some(p) = target.parent() {
            let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            if !folders.contains(p) {
                fs::create_dir_all(p)?;
                folders.insert(p.to_path_buf());
            }
        }
        let old = self.output.join(rel);
        if self.previous && same_bytes(&old, &page.bytes) && fs::hard_link(&old, &target).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        } else {
            fs::write(&target, &page.bytes)?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(page.path);
        if let Some(d) = self.delay {
            std::thread::sleep(d);
        }
        Ok(())
    }
}

/// Cleans up after builds that were killed: a killed build leaves its staging folder behind,
/// and one killed between the two renames of `swap` leaves the old output retired but intact.
fn recover(output: &Path, parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut leftovers: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.starts_with(&format!(".{name}.new-")) || n.starts_with(&format!(".{name}.old-"))
        })
        .collect();
    leftovers.sort();
    for p in leftovers {
        let retired = p.to_string_lossy().contains(&format!(".{name}.old-"));
        if retired && !output.exists() {
            let _ = fs::rename(&p, output);
        } else {
            let _ = fs::remove_dir_all(&p);
        }
    }
}

/// Only for tests that kill a build part-way: `TIENDO_TEST_WRITE_DELAY_MS` slows every write.
/// Compiled into debug builds only (what `cargo test` runs); a release build has no hook.
#[cfg(not(debug_assertions))]
fn test_delay() -> Option<std::time::Duration> {
    None
}

/// See the release version above.
#[cfg(debug_assertions)]
fn test_delay() -> Option<std::time::Duration> {
    let ms: u64 = std::env::var("TIENDO_TEST_WRITE_DELAY_MS")
        .ok()?
        .parse()
        .ok()?;
    Some(std::time::Duration::from_millis(ms))
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

fn count_removed(output: &Path, keep: &BTreeSet<String>) -> usize {
    walkdir::WalkDir::new(output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let rel = e.path().strip_prefix(output).unwrap_or(e.path());
            !keep.contains(rel.to_string_lossy().replace('\\', "/").as_str())
        })
        .count()
}

/// Puts `staging` in place of `output`. On Linux the two folders are exchanged in one
/// `renameat2(RENAME_EXCHANGE)`, so `output` always exists; elsewhere (or on a file system
/// without exchange) the old output is renamed aside first, and a build killed between the two
/// renames is repaired by the next one ([`recover`]).
fn swap(output: &Path, staging: &Path, retired: &Path) -> io::Result<()> {
    if !output.exists() {
        return fs::rename(staging, output);
    }
    match exchange(staging, output) {
        // `staging` now holds the previous output.
        Ok(()) => return fs::remove_dir_all(staging),
        Err(e) if !exchange_unsupported(&e) => return Err(e),
        Err(_) => {}
    }
    fs::rename(output, retired)?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(retired, output);
        return Err(e);
    }
    fs::remove_dir_all(retired)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Kernels and file systems without `RENAME_EXCHANGE` answer EINVAL or ENOSYS.
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if code == rustix::io::Errno::INVAL.raw_os_error()
            || code == rustix::io::Errno::NOSYS.raw_os_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_memory_keeps_files_compressed_and_deterministic() {
        let html = "<tr><td>10,29 %</td></tr>".repeat(400);
        let put = |m: &Memory| {
            m.put(Page {
                path: "a.html".into(),
                bytes: html.clone().into_bytes(),
            })
            .unwrap();
        };
        let (a, b) = (Memory::new(true), Memory::new(true));
        put(&a);
        put(&b);
        let (a, b) = (a.into_pages(), b.into_pages());
        assert!(
            a[0].bytes.len() * 10 < html.len(),
            "{} bytes",
            a[0].bytes.len()
        );
        assert_eq!(a, b, "the same file packs to the same bytes");
        let back = lz4_flex::decompress_size_prepended(&a[0].bytes).unwrap();
        assert_eq!(back, html.as_bytes());
    }

    /// Writes `pages` as the new content of `output`, swapping it in atomically.
    fn write_site(output: &Path, pages: &[Page]) -> io::Result<WriteStats> {
        let staging = Staging::begin(output)?;
        for page in pages {
            staging.put(page.clone())?;
        }
        staging.commit()
    }

    #[test]
    fn output_exists_at_every_moment_of_a_swap() {
        use std::sync::atomic::AtomicBool;
        let tmp = std::env::temp_dir().join(format!("tiendo-swap-{}", std::process::id()));
        let out = tmp.join("output");
        let page = |b: &str| Page {
            path: "index.html".into(),
            bytes: b.as_bytes().to_vec(),
        };
        write_site(&out, &[page("0")]).unwrap();
        let done = AtomicBool::new(false);
        let missing = std::thread::scope(|s| {
            let watcher = s.spawn(|| {
                let mut missing = 0;
                while !done.load(Ordering::Relaxed) {
                    if fs::symlink_metadata(&out).is_err() {
                        missing += 1;
                    }
                }
                missing
            });
            for i in 1..300 {
                write_site(&out, &[page(&i.to_string())]).unwrap();
            }
            done.store(true, Ordering::Relaxed);
            watcher.join().unwrap()
        });
        assert_eq!(missing, 0, "output/ was missing {missing} times");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "299");
        assert!(out.join(MARKER).is_file(), "every build writes the marker");
        let names: Vec<_> = fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["output"], "no staging folder left behind");
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn only_changed_files_are_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let tmp = std::env::temp_dir().join(format!("tiendo-changed-{}", std::process::id()));
        let out = tmp.join("output");
        let page = |p: &str, b: &str| Page {
            path: p.into(),
            bytes: b.as_bytes().to_vec(),
        };
        let first = write_site(
            &out,
            &[
                page("a.html", "a"),
                page("b.html", "b"),
                page("c.html", "c"),
            ],
        )
        .unwrap();
        assert_eq!(
            first,
            WriteStats {
                written: 4,
                unchanged: 0,
                removed: 0
            }
        );
        let inode = fs::metadata(out.join("a.html")).unwrap().ino();
        let second = write_site(&out, &[page("a.html", "a"), page("b.html", "B")]).unwrap();
        assert_eq!(
            second,
            WriteStats {
                written: 1,
                unchanged: 2,
                removed: 1
            }
        );
        assert_eq!(
            fs::metadata(out.join("a.html")).unwrap().ino(),
            inode,
            "unchanged file kept"
        );
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "B");
        assert!(!out.join("c.html").exists());
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn replaces_output_and_refuses_escaping_paths() {
        let tmp = std::env::temp_dir().join(format!("tiendo-write-{}", std::process::id()));
        let out = tmp.join("output");
        let page = |p: &str| Page {
            path: p.into(),
            bytes: b"x".to_vec(),
        };
        write_site(&out, &[page("a.html"), page("s/b.html")]).unwrap();
        write_site(&out, &[page("c.html")]).unwrap();
        assert!(out.join("c.html").is_file() && !out.join("a.html").exists());
        assert!(write_site(&out, &[page("../evil.html")]).is_err());
        assert!(
            out.join("c.html").is_file(),
            "a refused build keeps the old output"
        );
        assert!(!tmp.join("evil.html").exists());
        fs::remove_dir_all(&tmp).unwrap();
    }
}
