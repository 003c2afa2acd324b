//! `tiendo serve`: a preview server on loopback. The site is rendered in memory (never written),
//! `content/` and `themes/` are watched, and open pages reload themselves after each rebuild.
//! While the content is invalid the last good site stays up with the errors overlaid on every
//! page; it recovers as soon as the files are fixed. The reload script exists only here, never
//! in `build` output. The HTTP side, and how it bounds what clients can take, is in [`http`].

mod http;
mod watch;

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use notify::{RecursiveMode, Watcher};

use crate::Options;
use crate::session::{Rebuilt, Session};
use http::{Notifier, Response};

/// What the server currently serves.
#[derive(Default)]
struct State {
    /// Every file of the site, LZ4-compressed (see `write::Memory::new`).
    files: HashMap<String, Vec<u8>>,
    /// The version in which each file last changed (appeared, changed bytes or went away).
    changed: HashMap<String, u64>,
    /// Bumped after every rebuild, good or bad; pages poll for a change.
    version: u64,
    /// The diagnostics of the last failed rebuild, shown over the pages.
    errors: Option<String>,
    /// The version in which the error overlay last appeared, changed or went away.
    errors_changed: u64,
}

impl State {
    /// Takes a rebuild's files; returns how many changed.
    fn apply(&mut self, rebuilt: Rebuilt) -> usize {
        let version = self.version + 1;
        let changed = rebuilt.apply(&mut self.files);
        for path in &changed {
            self.changed.insert(path.clone(), version);
        }
        changed.len()
    }

    /// Whether the page at `key` must reload for a client that last saw `seen`.
    fn stale(&self, key: &str, seen: u64) -> bool {
        self.errors_changed > seen || self.changed.get(key).is_some_and(|v| *v > seen)
    }
}

struct Shared {
    state: Mutex<State>,
    /// Tells the server to answer the pages waiting for a change.
    changed: Notifier,
}

/// A page's reload request: it last saw version `seen` of the page at `key`.
struct Wait {
    seen: u64,
    key: String,
}

/// The path of the reload requests that served pages send.
const WAIT_PATH: &str = "/__tiendo/wait";

/// Serves the site on `127.0.0.1:port` (a free port when 0) until the process is stopped.
pub fn serve(opts: Options, port: u16) -> io::Result<()> {
    let server = http::Server::bind(port).map_err(|e| {
        io::Error::other(format!(
            "cannot listen on 127.0.0.1:{port}: {e} (try --port)"
        ))
    })?;
    let shared = Arc::new(Shared {
        state: Mutex::default(),
        changed: server.notifier(),
    });
    let mut session = None;
    rebuild(&opts, &shared, &mut session, None);
    println!(
        "serving http://127.0.0.1:{}/ — watching {} (Ctrl+C to stop)",
        server.port(),
        watched(&opts)
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(io::Error::other)?;
    for dir in watched(&opts) {
        watcher
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(io::Error::other)?;
    }
    let rebuild_shared = Arc::clone(&shared);
    std::thread::spawn(move || watch_loop(&opts, &rebuild_shared, &mut session, &rx));
    let served = server.run(shared);
    drop(watcher);
    served
}

/// Hands the memory a full rebuild freed back to the OS now: `serve` stays up for hours, and
/// the allocator (mimalloc, set in `main.rs`) would otherwise keep much of what the first build
/// of a large site needed. (After a partial rebuild, freed memory goes back on mimalloc's own
/// delay.) A no-op under any other allocator.
fn release_freed_memory() {
    // SAFETY: mimalloc documents `mi_collect` as callable at any time from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn watched(opts: &Options) -> Vec<PathBuf> {
    let themes = crate::project_dir(&opts.content).join("themes");
    let mut dirs = vec![opts.content.clone()];
    if themes.is_dir() {
        dirs.push(themes);
    }
    dirs
}

fn watch_loop(
    opts: &Options,
    shared: &Shared,
    session: &mut Option<Session>,
    rx: &Receiver<notify::Result<notify::Event>>,
) {
    while let Ok(changed) = watch::next_burst(rx) {
        match changed {
            Some(paths) if paths.is_empty() => {}
            paths => rebuild(opts, shared, session, paths.as_deref()),
        }
    }
}

/// Rebuilds what `changed` files affect (everything when `None`, or when they reach beyond
/// plan folders) and publishes the result; a failed rebuild keeps the last good files.
fn rebuild(
    opts: &Options,
    shared: &Shared,
    session: &mut Option<Session>,
    changed: Option<&[PathBuf]>,
) {
    let partial = match (session.as_mut(), changed) {
        (Some(s), Some(paths)) => s.rebuild(paths),
        _ => None,
    };
    let full = partial.is_none();
    let result = partial.unwrap_or_else(|| {
        Session::start_packed(opts).map(|(s, rebuilt)| {
            *session = Some(s);
            rebuilt
        })
    });
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let errors = match result {
        Ok(rebuilt) => {
            for w in &rebuilt.warnings {
                eprint!("{w}");
            }
            let (made, millis) = (rebuilt.pages.len(), rebuilt.millis);
            let changed = state.apply(rebuilt);
            println!("rebuilt {made} files in {millis} ms ({changed} changed)");
            None
        }
        Err(diags) => {
            // After a failed full rebuild the next change must rebuild everything again; a
            // failed partial one keeps the session, which remembers the failing plans.
            if full {
                *session = None;
            }
            let text: String = diags.iter().map(ToString::to_string).collect();
            eprint!("{text}");
            eprintln!("rebuild failed: still serving the last good site");
            Some(text)
        }
    };
    state.version += 1;
    if state.errors != errors {
        state.errors = errors;
        state.errors_changed = state.version;
    }
    let ok = state.errors.is_none();
    drop(state);
    shared.changed.notify();
    // Outside the lock: pages are served meanwhile.
    if full && ok {
        release_freed_memory();
    }
}

impl http::App for Shared {
    type Wait = Wait;

    fn wait(&self, target: &str) -> Option<Wait> {
        let query = target.strip_prefix(WAIT_PATH)?;
        let query = query.strip_prefix('?').or(query.is_empty().then_some(""))?;
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .unwrap_or_default()
        };
        Some(Wait {
            seen: param("v").parse().unwrap_or(0),
            key: page_key(&percent_decode(param("p"))),
        })
    }

    /// Once there was a rebuild after the version the page saw: the version now and whether
    /// the page changed since (or the error overlay did), so that only changed pages reload.
    fn news(&self, wait: &Wait, timed_out: bool) -> Option<Response> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.version == wait.seen && !timed_out {
            return None;
        }
        let (version, reload) = (state.version, state.stale(&wait.key, wait.seen));
        let json = format!("{{\"v\":{version},\"reload\":{reload}}}");
        Some(Response::new(200, "application/json", json))
    }

    fn answer(&self, target: &str) -> Response {
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        let key = page_key(path);
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let html = |page: &str| inject(page, state.version, state.errors.as_deref());
        let file = state
            .files
            .get(&key)
            .map(|packed| lz4_flex::decompress_size_prepended(packed));
        match file {
            // Compressed by this process: only a bug could make this fail.
            Some(Err(e)) => Response::new(
                500,
                "text/plain; charset=utf-8",
                format!("tiendo could not unpack {key}: {e}"),
            ),
            Some(Ok(bytes)) if key.ends_with(".html") => {
                let page = html(&String::from_utf8_lossy(&bytes));
                Response::new(200, crate::routes::content_type(&key), page)
            }
            Some(Ok(bytes)) => Response::new(200, crate::routes::content_type(&key), bytes),
            None => Response::new(404, "text/html; charset=utf-8", html(&not_found(&key))),
        }
    }
}

/// `/` → `index.html`, `/a/` → `a/index.html`, `/a/b.html` → `a/b.html`.
fn page_key(path: &str) -> String {
    let decoded = percent_decode(path.trim_start_matches('/'));
    if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn not_found(key: &str) -> String {
    // Requests are short (see `http`), but a 404 page need not repeat a long one.
    let key: String = key.chars().take(200).collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>404</h1><p>{} — <a href=\"/\">/</a></p></body></html>",
        escape(&key)
    )
}

/// Adds the reload script and, after a failed rebuild, the error overlay, before `</body>`.
pub fn inject(html: &str, version: u64, errors: Option<&str>) -> String {
    let overlay = errors.map_or_else(String::new, |e| {
        format!(
            "<div id=\"tiendo-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:9999;background:#fff4f2;color:#1b1f24;border-bottom:4px solid #b3261e;padding:1rem;font:14px/1.4 monospace\"><strong>tiendo: the content has errors; showing the last good build.</strong><pre style=\"white-space:pre-wrap\">{}</pre></div>",
            escape(e)
        )
    });
    let script = format!(
        "<script>(function(){{var v={version};function poll(){{fetch('/__tiendo/wait?v='+v+'&p='+encodeURIComponent(location.pathname)).then(function(r){{return r.json()}}).then(function(d){{if(d.reload){{location.reload()}}else{{v=d.v;poll()}}}}).catch(function(){{setTimeout(poll,1000)}})}}poll()}})()</script>"
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{overlay}{script}{}", &html[..i], &html[i..]),
        None => format!("{html}{overlay}{script}"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_pages() {
        assert_eq!(page_key("/"), "index.html");
        assert_eq!(page_key("/tinh-2024/"), "tinh-2024/index.html");
        assert_eq!(page_key("/sectors/a.html"), "sectors/a.html");
        assert_eq!(page_key("/Ti%E1%BB%81n"), "Tiền");
    }

    #[test]
    fn injects_reload_script_and_escaped_overlay() {
        let html = inject(
            "<html><body><p>x</p></body></html>",
            7,
            Some("a.yaml:1:1: error: <bad>"),
        );
        assert!(html.contains("var v=7;"));
        assert!(html.contains("&lt;bad&gt;") && !html.contains("<bad>"));
        assert!(html.ends_with("</script></body></html>"));
        assert!(!inject("<body></body>", 1, None).contains("tiendo-errors"));
    }
}
