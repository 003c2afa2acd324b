//! `tiendo serve` through the real binary: the served page carries the reload script, an edit
//! is served after the rebuild, broken content keeps the last good site with the errors overlaid,
//! and fixing the file recovers. No timing is asserted (see the README for measurements).

mod common;

use std::time::{Duration, Instant};
use std::{fs, thread};

use common::serve_client::{Server, get, version};

/// Polls `path` until `ok` holds for its body, for at most 20 s.
fn until(port: u16, path: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        if let Some(body) = get(port, path).filter(|b| ok(b)) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting on {path}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_reloads_overlays_errors_and_recovers() {
    let (work, _) = common::every_kind_project("serve");
    let server = Server::start(env!("CARGO_BIN_EXE_tiendo"), &work, &[]);
    let port = server.port;
    let page = "/sectors/kinh-te.html";
    let first = until(port, page, |b| b.contains("6,9 %"));
    assert!(
        first.contains("/__tiendo/wait?v="),
        "served pages carry the reload script"
    );
    let version = version(&first);

    // A reload request returns once the site changes, telling the page whether it changed.
    let wait = |page: &'static str| {
        thread::spawn(move || get(port, &format!("/__tiendo/wait?v={version}&p={page}")))
    };
    let (shown, other) = (wait(page), wait("%2Fmethodology.html"));
    thread::sleep(Duration::from_millis(300));
    let sector = work.join("content/tinh-2024/sectors/kinh-te.yaml");
    let yaml = fs::read_to_string(&sector).unwrap();
    fs::write(&sector, yaml.replace("value: 6.9,", "value: 7.1,")).unwrap();
    let next = version + 1;
    assert_eq!(
        shown.join().unwrap().unwrap(),
        format!("{{\"v\":{next},\"reload\":true}}"),
        "the edited sector's page reloads"
    );
    assert_eq!(
        other.join().unwrap().unwrap(),
        format!("{{\"v\":{next},\"reload\":false}}"),
        "a page the edit does not touch stays"
    );
    until(port, page, |b| b.contains("7,1 %"));

    // Broken content: the last good site stays, with the errors on top.
    fs::write(&sector, yaml.replace("[7.0, 7.5]", "[7.5, 7.0]")).unwrap();
    let broken = until(port, page, |b| b.contains("tiendo-errors"));
    assert!(broken.contains("range minimum 7.5 is greater than its maximum 7"));
    assert!(broken.contains("7,1 %"), "last good site still served");

    // Fixed again: the overlay disappears.
    fs::write(&sector, &yaml).unwrap();
    until(port, page, |b| {
        !b.contains("tiendo-errors") && b.contains("6,9 %")
    });
    assert!(get(port, "/no-such-page.html").unwrap().contains("404"));
    assert!(!work.join("output").exists(), "serve writes nothing");
    fs::remove_dir_all(&work).unwrap();
}
