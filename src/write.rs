//! Writes the rendered site atomically: everything goes into a fresh folder beside `output/`,
//! which replaces `output/` only once every file is written. A failed or killed build leaves the
//! previous output as it was.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::Page;

/// Refuses output folders whose replacement would destroy something that is not a build.
pub fn check_output_dir(output: &Path, content: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = normalise(&abs(output));
    let content = normalise(&abs(content));
    if out.parent().is_none() {
        return Err("the output folder cannot be the file-system root".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && normalise(&abs(&home)) == out
    {
        return Err("the output folder cannot be your home folder".into());
    }
    if content.starts_with(&out) {
        return Err(
            "the output folder cannot be the content folder or a folder that contains it".into(),
        );
    }
    Ok(())
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

/// Writes `pages` as the new content of `output`, swapping it in atomically.
pub fn write_site(output: &Path, pages: &[Page]) -> io::Result<()> {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.new-{pid}"));
    let retired = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let result = fill(&staging, pages).and_then(|()| swap(output, &staging, &retired));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn fill(dir: &Path, pages: &[Page]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    for page in pages {
        let rel = Path::new(&page.path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(io::Error::other(format!(
                "refusing to write outside the output folder: {}",
                page.path
            )));
        }
        let target = dir.join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&target, &page.bytes)?;
    }
    Ok(())
}

fn swap(output: &Path, staging: &Path, retired: &Path) -> io::Result<()> {
    if output.exists() {
        fs::rename(output, retired)?;
        if let Err(e) = fs::rename(staging, output) {
            let _ = fs::rename(retired, output);
            return Err(e);
        }
        fs::remove_dir_all(retired)
    } else {
        fs::rename(staging, output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        assert!(check_output_dir(Path::new("/"), Path::new("content")).is_err());
        assert!(check_output_dir(Path::new("."), Path::new("content")).is_err());
        assert!(check_output_dir(Path::new("content"), Path::new("content")).is_err());
        assert!(check_output_dir(Path::new("content/.."), Path::new("content")).is_err());
        assert!(check_output_dir(Path::new("output"), Path::new("content")).is_ok());
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
