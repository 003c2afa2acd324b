//! The output folder is never anything but tiendo's: `build` replaces only a folder that is
//! missing, empty or written by tiendo, resolves symbolic links before deciding, never touches a
//! file, keeps `output/` in place at every moment of the swap, and lets one build at a time in.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{every_kind_project, text, tiendo, tree};

/// Runs `build` in `work` with `args`, expecting a refusal that mentions every word of `says`.
fn refused(work: &Path, args: &[&str], says: &[&str]) {
    let out = tiendo(work, &[&["build"][..], args].concat());
    let stderr = text(&out).1;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} must be refused:\n{stderr}"
    );
    for word in says {
        assert!(
            stderr.contains(word),
            "{args:?}: expected {word:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("= hint:"), "{stderr}");
}

#[test]
fn a_folder_of_unrelated_files_is_never_replaced() {
    let (work, _) = every_kind_project("unrelated");
    let documents = work.join("Documents");
    fs::create_dir_all(documents.join("2024")).unwrap();
    fs::write(documents.join("bao-cao.docx"), "báo cáo quý").unwrap();
    fs::write(documents.join("2024/so-lieu.xlsx"), "số liệu").unwrap();
    fs::write(documents.join("index.html"), "<p>my own page</p>").unwrap();
    let before = tree(&documents);
    refused(
        &work,
        &["--output", "Documents"],
        &["Documents", "did not write", "--force"],
    );
    assert_eq!(
        tree(&documents),
        before,
        "every file is still there, unchanged"
    );

    // A home folder inside the output folder is refused even with --force.
    let home = work.join("Documents/user");
    fs::create_dir_all(&home).unwrap();
    fs::write(home.join(".bashrc"), "export A=1").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .args(["build", "--force", "--output", "Documents"])
        .current_dir(&work)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("contains your home folder"),
        "{}",
        text(&out).1
    );
    assert!(home.join(".bashrc").is_file());

    // With --force the user has said the files may go.
    fs::remove_dir_all(&home).unwrap();
    let out = tiendo(&work, &["build", "--force", "--output", "Documents"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(documents.join(".tiendo-output").is_file() && !documents.join("bao-cao.docx").exists());
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn links_are_resolved_before_any_check() {
    let (work, content) = every_kind_project("links");
    std::os::unix::fs::symlink(&work, work.with_extension("link")).unwrap();
    let through_link = work.with_extension("link").join("content");
    let before = tree(&content);
    refused(
        &work,
        &["--force", "--output", through_link.to_str().unwrap()],
        &["content folder"],
    );
    assert_eq!(tree(&content), before, "content/ untouched");

    // An output folder that is a link to a folder: the site goes into the folder it names,
    // and the link stays a link.
    let real = work.join("www");
    fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, work.join("site")).unwrap();
    let out = tiendo(&work, &["build", "--output", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(
        fs::symlink_metadata(work.join("site"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("index.html").is_file());
    fs::remove_file(work.with_extension("link")).unwrap();
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn a_file_is_never_treated_as_a_folder() {
    let (work, _) = every_kind_project("file");
    fs::write(work.join("notes.txt"), "ghi chú").unwrap();
    std::os::unix::fs::symlink(work.join("notes.txt"), work.join("notes-link")).unwrap();
    for target in ["notes.txt", "notes-link"] {
        refused(
            &work,
            &["--force", "--output", target],
            &["is a file, not a folder"],
        );
    }
    assert_eq!(
        fs::read_to_string(work.join("notes.txt")).unwrap(),
        "ghi chú"
    );
    assert!(
        fs::symlink_metadata(work.join("notes-link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let names: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "nothing renamed aside: {names:?}"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn an_output_written_by_an_earlier_tiendo_is_recognised() {
    let (work, _) = every_kind_project("legacy");
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    fs::remove_file(work.join("output/.tiendo-output")).unwrap();
    let out = tiendo(&work, &["build", "--deny-warnings"]);
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("earlier tiendo"), "{stderr}");
    assert!(work.join("output/.tiendo-output").is_file());
    let again = tiendo(&work, &["build"]);
    assert!(text(&again).1.is_empty(), "said once: {}", text(&again).1);
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn a_second_build_of_the_same_folder_is_refused_while_the_first_runs() {
    let (work, _) = every_kind_project("concurrent");
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    let mut first = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .arg("build")
        .current_dir(&work)
        .env("TIENDO_TEST_WRITE_DELAY_MS", "100")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = work.join(".output.tiendo-lock");
    let locked = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        fs::read_to_string(&lock).is_ok_and(|pid| pid == first.id().to_string())
    });
    assert!(locked, "the first build holds the lock");
    refused(
        &work,
        &[],
        &["another tiendo build", &first.id().to_string()],
    );
    let status = first.wait().unwrap();
    assert!(status.success(), "the first build is not disturbed");
    assert!(work.join("output/index.html").is_file());
    let names: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "nothing left behind: {names:?}"
    );
    fs::remove_dir_all(&work).unwrap();
}

/// `strace` kills the build at its Nth rename: whatever the moment, `output/` is there, whole.
#[test]
fn a_build_killed_at_any_rename_leaves_a_whole_output() {
    if Command::new("strace").arg("-V").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "strace is required in CI");
        println!("SKIPPED kill-at-rename test: strace is missing (apt-get install strace)");
        return;
    }
    let (work, content) = every_kind_project("kill-rename");
    assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
    let sector = content.join("tinh-2024/sectors/kinh-te.yaml");
    let original = fs::read_to_string(&sector).unwrap();
    for when in 1..=3 {
        let old = tree(&work.join("output"));
        let figure = format!("value: 6.{when},");
        fs::write(&sector, original.replace("value: 6.9,", &figure)).unwrap();
        let expected = work.join("expected");
        let clean = tiendo(&work, &["build", "--output", expected.to_str().unwrap()]);
        assert_eq!(clean.status.code(), Some(0));
        let new = tree(&expected);
        fs::remove_dir_all(&expected).unwrap();
        assert_ne!(old, new);
        let killed = Command::new("strace")
            .args(["-f", "-o", "/dev/null", "-e"])
            .arg(format!(
                "inject=rename,renameat,renameat2:signal=SIGKILL:when={when}"
            ))
            .arg(env!("CARGO_BIN_EXE_tiendo"))
            .arg("build")
            .current_dir(&work)
            .output()
            .unwrap();
        let now = tree(&work.join("output"));
        if killed.status.success() {
            // The build made fewer renames than `when`: it finished.
            assert_eq!(now, new, "rename {when}: the finished build's output");
        } else {
            assert_eq!(
                now, old,
                "rename {when}: killed, the previous output stays whole"
            );
        }
        // The next build repairs whatever the killed one left, and publishes the change.
        assert_eq!(tiendo(&work, &["build"]).status.code(), Some(0));
        assert_eq!(tree(&work.join("output")), new);
        let names: Vec<String> = fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "cleaned up: {names:?}"
        );
    }
    fs::remove_dir_all(&work).unwrap();
}
