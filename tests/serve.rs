//! `tiendo serve` through the real binary: the served page carries the reload script, an edit
//! is served after the rebuild, broken content keeps the last good site with the errors overlaid,
//! and fixing the file recovers. No timing is asserted (see the README for measurements).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::{fs, thread};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    text.split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

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
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_tiendo"))
            .args(["serve", "--port", &port.to_string()])
            .current_dir(&work)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let page = "/sectors/kinh-te.html";
    let first = until(port, page, |b| b.contains("6,9 %"));
    assert!(
        first.contains("/__tiendo/wait?v="),
        "served pages carry the reload script"
    );
    let version: u64 = first
        .split("var v=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .parse()
        .unwrap();

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
