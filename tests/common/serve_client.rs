//! A `tiendo serve` child process and a minimal HTTP client, shared by `tests/serve.rs` and
//! `examples/serve_latency.rs`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `tiendo serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// The loopback port it listens on, as it printed it.
    pub port: u16,
}

impl Server {
    /// Starts `bin serve --port 0 <args>` in `dir` and waits for the line that names its port;
    /// the rest of its output is discarded.
    pub fn start(bin: &str, dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(bin)
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tiendo runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|l| {
                let rest = l.split("serving http://127.0.0.1:").nth(1)?;
                rest.split('/').next()?.parse().ok()
            })
            .expect("serve prints the address it listens on");
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, port }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of `GET path`, or `None` when the server does not answer (yet).
pub fn get(port: u16, path: &str) -> Option<String> {
    let (status, body) = request(
        port,
        format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n"),
    )?;
    (status != 0).then(|| String::from_utf8_lossy(&body).into_owned())
}

/// Sends `raw` (from another thread, so that a server that stops reading cannot block it) and
/// returns the answer's status and body; status 0 when the answer has no status line. The whole
/// answer is read, up to 64 MiB.
pub fn request(port: u16, raw: impl Into<Vec<u8>>) -> Option<(u16, Vec<u8>)> {
    let s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let mut writer = s.try_clone().ok()?;
    let raw = raw.into();
    std::thread::spawn(move || writer.write_all(&raw));
    let mut out = Vec::new();
    // A server that refuses a request may reset the connection after answering: keep what came.
    let _ = s.take(64 << 20).read_to_end(&mut out);
    let (head, body) = split_answer(&out)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Some((status, body.to_vec()))
}

fn split_answer(out: &[u8]) -> Option<(String, &[u8])> {
    let end = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&out[..end]).into_owned();
    Some((head, &out[end + 4..]))
}

/// The site version a served page's reload script waits on.
pub fn version(page: &str) -> u64 {
    page.split("var v=")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .and_then(|v| v.parse().ok())
        .expect("served pages carry the reload script")
}
