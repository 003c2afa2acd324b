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

    /// Takes one file that `write` writes in pieces, about `size` bytes in all: a sink that
    /// writes to disk streams it, so a file larger than any one piece (a national plan's
    /// report.html) is never whole in memory. Other sinks gather the pieces and [`put`] them.
    ///
    /// [`put`]: Sink::put
    fn put_streamed(&self, path: String, size: usize, write: Writer<'_>) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(size);
        write(&mut bytes)?;
        self.put(Page { path, bytes })
    }
}

/// Writes a streamed file's pieces in order (see [`Sink::put_streamed`]).
pub type Writer<'a> = &'a mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>;

/// Throws the files away (for `check`, which renders only to find template errors).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _page: Page) -> io::Result<()> {
        Ok(())
    }

    fn put_streamed(&self, _path: String, _size: usize, write: Writer<'_>) -> io::Result<()> {
        write(&mut io::sink())
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

impl Staging {
    /// Where `path` goes in the staging folder (its folder made), and where the previous
    /// output had it; refuses any path that would leave the output folder.
    fn place(&self, path: &str) -> io::Result<(PathBuf, PathBuf)> {
        let rel = Path::new(path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(io::Error::other(format!(
                "refusing to write outside the output folder: {path}"
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
        Ok((target, self.output.join(rel)))
    }

    /// Counts a file placed, `kept` when it is the previous output's file, and remembers it.
    fn placed(&self, path: String, kept: bool) {
        let count = if kept { &self.unchanged } else { &self.written };
        count.fetch_add(1, Ordering::Relaxed);
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path);
        if let Some(d) = self.delay {
            std::thread::sleep(d);
        }
    }
}

impl Sink for Staging {
    fn put(&self, page: Page) -> io::Result<()> {
        let (target, old) = self.place(&page.path)?;
        let kept =
            self.previous && same_bytes(&old, &page.bytes) && fs::hard_link(&old, &target).is_ok();
        if !kept {
            fs::write(&target, &page.bytes)?;
        }
        self.placed(page.path, kept);
        Ok(())
    }

    /// Streams the file into the staging folder; when it turns out to be the previous output's
    /// file byte for byte, that file is linked in its place instead (as [`put`] does).
    ///
    /// [`put`]: Sink::put
    fn put_streamed(&self, path: String, _size: usize, write: Writer<'_>) -> io::Result<()> {
        let (target, old) = self.place(&path)?;
        let mut file = io::BufWriter::with_capacity(1 << 16, fs::File::create(&target)?);
        write(&mut file)?;
        file.into_inner().map_err(io::IntoInnerError::into_error)?;
        let kept = self.previous && same_files(&old, &target) && link_over(&old, &target).is_ok();
        self.placed(path, kept);
        Ok(())
    }
}

/// Puts a hard link to `old` in place of `target` in one rename, so `target` is never missing.
fn link_over(old: &Path, target: &Path) -> io::Result<()> {
    let mut tmp = target.as_os_str().to_owned();
    tmp.push(".tiendo-link");
    let tmp = PathBuf::from(tmp);
    fs::hard_link(old, &tmp)
        .and_then(|()| fs::rename(&tmp, target))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
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

/// Whether two files hold the same bytes, read in pieces.
fn same_files(a: &Path, b: &Path) -> bool {
    use io::Read;
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if !ma.is_file() || ma.len() != mb.len() {
        return false;
    }
    let (Ok(mut ra), Ok(mut rb)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (mut pa, mut pb) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = match ra.read(&mut pa) {
            Ok(0) => return rb.read(&mut pb[..1]).is_ok_and(|m| m == 0),
            Ok(n) => n,
            Err(_) => return false,
        };
        if rb.read_exact(&mut pb[..n]).is_err() || pa[..n] != pb[..n] {
            return false;
        }
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
    fn streamed_files_are_written_whole_and_kept_when_unchanged() {
        use std::os::unix::fs::MetadataExt;
        let tmp = std::env::temp_dir().join(format!("tiendo-streamed-{}", std::process::id()));
        let out = tmp.join("output");
        // Pieces larger than the writer's buffer, and a last piece that differs.
        let stream = |last: &str| {
            let staging = Staging::begin(&out).unwrap();
            let piece = "x".repeat(50_000);
            let mut write = |w: &mut dyn io::Write| {
                for _ in 0..5 {
                    w.write_all(piece.as_bytes())?;
                }
                w.write_all(last.as_bytes())
            };
            staging
                .put_streamed("plan/report.html".into(), 250_001, &mut write)
                .unwrap();
            staging.commit().unwrap()
        };
        let stats = |written, unchanged| WriteStats {
            written,
            unchanged,
            removed: 0,
        };
        assert_eq!(stream("a"), stats(2, 0));
        let report = out.join("plan/report.html");
        let text = fs::read_to_string(&report).unwrap();
        assert_eq!((text.len(), text.ends_with("xa")), (250_001, true));
        let inode = fs::metadata(&report).unwrap().ino();
        assert_eq!(stream("a"), stats(0, 2), "the same bytes again");
        assert_eq!(fs::metadata(&report).unwrap().ino(), inode, "file kept");
        assert_eq!(stream("b"), stats(1, 1), "one byte changed at the end");
        assert!(fs::read_to_string(&report).unwrap().ends_with("xb"));
        assert_ne!(fs::metadata(&report).unwrap().ino(), inode);
        let names: Vec<_> = fs::read_dir(out.join("plan")).unwrap().collect();
        assert_eq!(names.len(), 1, "no link or partial file left beside it");
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
