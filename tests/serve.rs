//! `tiendo serve` through the real binary: the served page carries the reload script, an edit
//! is served after the rebuild, broken content keeps the last good site with the errors overlaid,
//! and fixing the file recovers. The server also defends itself: oversized requests, foreign
//! `Host` names and hundreds of idle connections or waiting pages are refused or parked without
//! a thread each. Only generous time bounds are asserted (see the README for measurements).

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use std::{fs, thread};

use common::serve_client::{Server, get, request, version};

/// A server on a fresh copy of the every-kind fixture; remove the folder at the end.
fn start(name: &str) -> (Server, PathBuf) {
    let (work, _) = common::every_kind_project(name);
    (
        Server::start(env!("CARGO_BIN_EXE_tiendo"), &work, &[]),
        work,
    )
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
    let (server, work) = start("serve");
    let port = server.port;
    let page = "/sectors/kinh-te.html";
    let first = until(port, page, |b| b.contains("6,9\u{a0}%"));
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
    until(port, page, |b| b.contains("7,1\u{a0}%"));

    // Broken content: the last good site stays, with the errors on top.
    fs::write(&sector, yaml.replace("[7.0, 7.5]", "[7.5, 7.0]")).unwrap();
    let broken = until(port, page, |b| b.contains("tiendo-errors"));
    assert!(broken.contains("range minimum 7.5 is greater than its maximum 7"));
    assert!(broken.contains("7,1\u{a0}%"), "last good site still served");

    // Fixed again: the overlay disappears.
    fs::write(&sector, &yaml).unwrap();
    until(port, page, |b| {
        !b.contains("tiendo-errors") && b.contains("6,9\u{a0}%")
    });
    assert!(get(port, "/no-such-page.html").unwrap().contains("404"));
    assert!(!work.join("output").exists(), "serve writes nothing");
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn port_zero_prints_the_real_port() {
    // `Server::start` asks for `--port 0` and reads the port from the printed address.
    let (server, work) = start("serve-port0");
    assert_ne!(server.port, 0, "the printed port is the bound one");
    assert!(get(server.port, "/").unwrap().contains("var v="));
    drop(server);
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn oversized_requests_are_refused_quickly_and_not_echoed() {
    let (server, work) = start("serve-big");
    let port = server.port;
    let url = format!("/{}", "a".repeat(1 << 20));
    let started = Instant::now();
    let (status, body) = request(
        port,
        format!("GET {url} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    )
    .unwrap();
    assert!(status == 414 || status == 431, "1 MB URL: status {status}");
    assert!(
        body.len() < 1024,
        "the URL is not echoed: {} bytes",
        body.len()
    );
    assert!(started.elapsed() < Duration::from_secs(10));

    let headers = "X-Filler: 0123456789abcdef0123456789abcdef\r\n".repeat(2000);
    let (status, body) = request(
        port,
        format!("GET / HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n"),
    )
    .unwrap();
    assert_eq!(status, 431, "80 KB of headers");
    assert!(body.len() < 1024);

    let (status, _) = request(port, "POST / HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    assert_eq!(status, 405, "only GET and HEAD");
    let (status, body) = request(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    assert_eq!((status, body.len()), (200, 0), "HEAD has no body");
    drop(server);
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn only_loopback_host_names_are_served() {
    let (server, work) = start("serve-host");
    let port = server.port;
    let ask = |host: &str| {
        request(
            port,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
        .unwrap()
    };
    // A page on another site whose name was re-pointed at 127.0.0.1 (DNS rebinding) sends its
    // own name.
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "localhost.evil.example".to_string(),
        "".to_string(),
    ] {
        let (status, body) = ask(&host);
        assert!(
            status == 403 || status == 421,
            "Host {host:?}: status {status}"
        );
        assert!(!String::from_utf8_lossy(&body).contains("var v="));
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "LocalHost".to_string(),
    ] {
        let (status, body) = ask(&host);
        assert_eq!(status, 200, "Host {host:?}");
        assert!(String::from_utf8_lossy(&body).contains("var v="));
    }
    let (status, _) = request(port, "GET / HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(status, 400, "HTTP/1.1 requires a Host");
    drop(server);
    fs::remove_dir_all(&work).unwrap();
}

#[cfg(target_os = "linux")]
/// The number of threads of process `pid`.
fn threads(pid: u32) -> usize {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn idle_connections_and_waiting_pages_take_no_thread_each() {
    let (server, work) = start("serve-idle");
    let port = server.port;
    let v = version(&get(port, "/").unwrap());
    // 600 connections that send nothing or half a request (a slow-loris), and 100 pages waiting
    // for a change.
    let mut open = Vec::new();
    for i in 0..700 {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let sent = match i {
            0..300 => Ok(()),
            300..600 => s.write_all(b"GET / HTTP/1.1\r\nHost: loc"),
            _ => write!(
                s,
                "GET /__tiendo/wait?v={v}&p=%2F HTTP/1.1\r\nHost: localhost\r\n\r\n"
            ),
        };
        sent.unwrap();
        open.push(s);
    }
    thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let page = get(port, "/sectors/kinh-te.html").unwrap();
    let took = started.elapsed();
    let threads = threads(server.pid());
    assert!(page.contains("var v="), "a normal request is served");
    assert!(took < Duration::from_secs(5), "and promptly: {took:?}");
    assert!(threads < 64, "{threads} threads for 700 open connections");
    drop(open);
    drop(server);
    fs::remove_dir_all(&work).unwrap();
}
