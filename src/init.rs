//! `tiendo init DIR`: a small working plan project to start from — one plan, two sectors, every
//! target kind, every field shown with a comment.

use std::io;
use std::path::{Path, PathBuf};

/// The starter project's files, by path relative to the new project folder.
const STARTER: &[(&str, &str)] = embed![
    "../starter/":
    "README.md",
    "content/site.yaml",
    "content/tinh-mau-2024/plan.yaml",
    "content/tinh-mau-2024/overview.md",
    "content/tinh-mau-2024/sectors/kinh-te.yaml",
    "content/tinh-mau-2024/sectors/kinh-te.md",
    "content/tinh-mau-2024/sectors/xa-hoi.yaml",
    "content/tinh-mau-2024/sectors/xa-hoi.md",
];

/// Writes the starter project into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not empty; choose a new folder", dir.display()),
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
