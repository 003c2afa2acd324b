//! Which folder a build may replace, and the lock that keeps two builds out of one folder.
//!
//! A build replaces its output folder wholesale, so the folder must be one that tiendo owns:
//! missing, empty, or carrying the [`MARKER`] file that every build writes. Anything else is
//! refused unless `--force` is given, and some folders (the file-system root, the home folder,
//! the content and theme folders, the current folder and their parents, anything that is not a
//! folder) are refused even then. Every check runs on the path with symbolic links resolved.

use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

/// The file every build writes at the top of the output folder: its presence says the folder
/// was written by tiendo and may be replaced.
pub const MARKER: &str = ".tiendo-output";

/// The marker's text, for a person who finds the file.
pub const MARKER_TEXT: &str = "This folder is written by tiendo (tiendo build) and replaced \
whole on every build.\nFiles added here by hand are deleted by the next build: keep them \
in content/ instead.\n";

/// File types an earlier tiendo (before the marker existed) wrote.
const LEGACY_EXTENSIONS: [&str; 5] = ["html", "xml", "csv", "json", "txt"];

/// An output folder this build may replace, held under a lock until dropped.
#[derive(Debug)]
pub struct Claimed {
    /// The folder's real path (symbolic links resolved); the new site is swapped in here.
    pub path: PathBuf,
    /// The folder holds an earlier tiendo build without the marker (recognised by its files).
    pub legacy: bool,
    /// Held for the whole build.
    _lock: Lock,
}

/// A locked lock file, removed again when the build ends.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    _file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked: a build that opened the old file finds, once it holds
        // the lock, that the path no longer names it, and starts again (see [`lock`]).
        let _ = fs::remove_file(&self.path);
    }
}

/// Why a folder may not be replaced: what is wrong, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong, naming the folder.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

fn refuse(message: impl Into<String>, hint: impl Into<String>) -> Refusal {
    Refusal {
        message: message.into(),
        hint: hint.into(),
    }
}

const DEDICATED: &str = "choose a dedicated folder for the site, such as `output`";

/// Checks that `output` may be replaced by a build of `content` and locks it against other
/// builds. With `force`, a non-empty folder without the marker is accepted too (never the
/// folders listed in the module documentation).
pub fn claim(output: &Path, content: &Path, force: bool) -> Result<Claimed, Refusal> {
    let shown = output.display();
    if let Ok(meta) = fs::symlink_metadata(output)
        && meta.file_type().is_symlink()
        && fs::metadata(output).is_err()
    {
        return Err(refuse(
            format!(
                "the output folder {shown} is a symbolic link to something that does not exist"
            ),
            "remove the link, or point it at an existing folder",
        ));
    }
    let out = resolve(output);
    check_protected(&out, content, &shown.to_string())?;
    let existing = match fs::metadata(&out) {
        Ok(meta) if !meta.is_dir() => {
            return Err(refuse(
                format!("the output {shown} is a file, not a folder; it was left as it is"),
                DEDICATED,
            ));
        }
        Ok(_) => true,
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(refuse(
                format!("cannot read the output folder {shown}: {e}"),
                "check the folder's permissions, or choose another folder with --output",
            ));
        }
    };
    let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
    fs::create_dir_all(&parent).map_err(|e| {
        refuse(
            format!("cannot create the folder {}: {e}", parent.display()),
            "check the permissions, or choose another folder with --output",
        )
    })?;
    let lock = lock(&out, &shown.to_string())?;
    let mut legacy = false;
    if existing {
        match ownership(&out) {
            Owner::Tiendo => {}
            Owner::LegacyTiendo => legacy = true,
            Owner::Other(example) if !force => {
                return Err(refuse(
                    format!(
                        "the output folder {shown} already holds files that tiendo did not write \
                         (such as {example}); a build would delete them"
                    ),
                    format!(
                        "{DEDICATED}, or, if everything in {shown} may be deleted, build with --force"
                    ),
                ));
            }
            Owner::Other(_) => {}
        }
    }
    Ok(Claimed {
        path: out,
        legacy,
        _lock: lock,
    })
}

/// The absolute path with every symbolic link resolved: the longest existing part is
/// canonicalised, the rest appended as written (`..` there drops the previous component).
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = abs.components().collect();
    for n in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..n].iter().collect();
        if let Ok(mut real) = fs::canonicalize(&prefix) {
            real.extend(&parts[n..]);
            return normalise(&real);
        }
    }
    normalise(&abs)
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Refuses folders whose replacement would destroy something that is never a build, whatever
/// they hold.
fn check_protected(out: &Path, content: &Path, shown: &str) -> Result<(), Refusal> {
    if out.parent().is_none() {
        return Err(refuse(
            "the output folder cannot be the file-system root",
            DEDICATED,
        ));
    }
    let mut protected: Vec<(PathBuf, &str)> = Vec::new();
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        protected.push((resolve(Path::new(&home)), "your home folder"));
    }
    let content = resolve(content);
    protected.push((
        crate::project_dir(&content).join("themes"),
        "the themes folder",
    ));
    protected.push((content.clone(), "the content folder"));
    if let Ok(cwd) = std::env::current_dir() {
        protected.push((resolve(&cwd), "the current folder"));
    }
    for (path, what) in &protected {
        if path == out {
            return Err(refuse(
                format!("the output folder {shown} is {what}"),
                DEDICATED,
            ));
        }
        if path.starts_with(out) {
            return Err(refuse(
                format!("the output folder {shown} contains {what}"),
                DEDICATED,
            ));
        }
    }
    if out.starts_with(&content) {
        return Err(refuse(
            format!("the output folder {shown} is inside the content folder"),
            "put the output beside content/, not inside it (the default is `output`)",
        ));
    }
    Ok(())
}

/// Who wrote a folder's files.
enum Owner {
    /// Empty, or carries the marker.
    Tiendo,
    /// No marker, but only the files an earlier tiendo wrote.
    LegacyTiendo,
    /// Something else; one of its files, for the message.
    Other(String),
}

fn ownership(dir: &Path) -> Owner {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return Owner::Other(dir.display().to_string());
    };
    let Some(first) = entries.next() else {
        return Owner::Tiendo;
    };
    if dir.join(MARKER).is_file() {
        return Owner::Tiendo;
    }
    let example = || {
        first
            .as_ref()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if !(dir.join("index.html").is_file() && dir.join("404.html").is_file()) {
        return Owner::Other(example());
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let Ok(entry) = entry else {
            return Owner::Other(example());
        };
        let kind = entry.file_type();
        let known = kind.is_dir()
            || (kind.is_file()
                && entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| LEGACY_EXTENSIONS.contains(&e)));
        if !known {
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            return Owner::Other(rel.display().to_string());
        }
    }
    Owner::LegacyTiendo
}

/// Locks `<parent>/.<name>.tiendo-lock` for the build; a second build of the same folder is
/// refused, naming the process that holds the lock. The file exists only while a build runs.
fn lock(out: &Path, shown: &str) -> Result<Lock, Refusal> {
    use std::os::unix::fs::MetadataExt;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let path = out
        .parent()
        .unwrap_or(Path::new("/"))
        .join(format!(".{name}.tiendo-lock"));
    let cannot = |e: io::Error| {
        refuse(
            format!("cannot create the lock file {}: {e}", path.display()),
            "check the permissions of the folder that holds the output folder",
        )
    };
    // A few rounds at most: each is lost only to a build that finished in between.
    for _ in 0..10 {
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (process {holder})")
                };
                return Err(refuse(
                    format!("another tiendo build is writing to {shown} right now{who}"),
                    "wait for it to finish, then run the command again",
                ));
            }
            Err(TryLockError::Error(e)) => return Err(cannot(e)),
        }
        let same = match (file.metadata(), fs::metadata(&path)) {
            (Ok(held), Ok(named)) => held.ino() == named.ino() && held.dev() == named.dev(),
            _ => false,
        };
        if !same {
            continue;
        }
        // Who holds the lock, for the message a second build prints.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()));
        return Ok(Lock { path, _file: file });
    }
    Err(refuse(
        format!("could not lock {shown}: other builds kept replacing the lock file"),
        "run the command again",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tiendo-outdir-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_folders_that_are_never_a_build() {
        let content = Path::new("content");
        for out in ["/", ".", "content", "content/..", "content/plan", "themes"] {
            assert!(claim(Path::new(out), content, true).is_err(), "{out}");
        }
    }

    #[test]
    fn resolves_links_before_comparing() {
        let tmp = scratch("links");
        let project = tmp.join("proj");
        fs::create_dir_all(project.join("content")).unwrap();
        std::os::unix::fs::symlink(&project, tmp.join("link")).unwrap();
        let through_link = tmp.join("link/content");
        let err = claim(&through_link, &project.join("content"), true).unwrap_err();
        assert!(err.message.contains("content folder"), "{err:?}");
        assert_eq!(
            resolve(&tmp.join("link/new/../x")),
            resolve(&project).join("x")
        );
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn replaces_only_empty_marked_or_earlier_tiendo_folders() {
        let tmp = scratch("owners");
        let content = tmp.join("content");
        let out = tmp.join("out");
        assert!(!claim(&out, &content, false).unwrap().legacy, "missing");
        fs::create_dir_all(&out).unwrap();
        assert!(claim(&out, &content, false).is_ok(), "empty");
        fs::write(out.join("notes.docx"), "x").unwrap();
        let err = claim(&out, &content, false).unwrap_err();
        assert!(err.message.contains("notes.docx") && err.hint.contains("--force"));
        assert!(claim(&out, &content, true).is_ok(), "--force");
        fs::remove_file(out.join("notes.docx")).unwrap();
        for f in ["index.html", "404.html", "data/plan.json"] {
            fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
            fs::write(out.join(f), "x").unwrap();
        }
        assert!(
            claim(&out, &content, false).unwrap().legacy,
            "earlier tiendo"
        );
        fs::write(out.join("data/photo.jpg"), "x").unwrap();
        assert!(claim(&out, &content, false).is_err(), "a foreign file");
        fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        assert!(!claim(&out, &content, false).unwrap().legacy, "marked");
        fs::write(tmp.join("file.txt"), "x").unwrap();
        let err = claim(&tmp.join("file.txt"), &content, true).unwrap_err();
        assert!(err.message.contains("not a folder"), "{err:?}");
        fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn a_second_claim_is_refused_while_the_first_holds() {
        let tmp = scratch("lock");
        let out = tmp.join("out");
        let first = claim(&out, &tmp.join("content"), false).unwrap();
        let err = claim(&out, &tmp.join("content"), false).unwrap_err();
        assert!(
            err.message
                .contains(&format!("process {}", std::process::id())),
            "{err:?}"
        );
        drop(first);
        assert!(!tmp.join(".out.tiendo-lock").exists(), "lock file removed");
        assert!(claim(&out, &tmp.join("content"), false).is_ok());
        fs::remove_dir_all(&tmp).unwrap();
    }
}
