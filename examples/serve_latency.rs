//! Measures `tiendo serve`'s edit-to-reload time: from saving a changed sector file to the open
//! page learning it must reload and fetching the new page, as a browser tab does.
//!
//! ```sh
//! cargo build --release --bin tiendo --example serve_latency
//! target/release/examples/serve_latency --content /tmp/nat/content [--runs 15]
//! ```
//!
//! It copies nothing: it edits the first sector file of the first plan (toggling the first
//! reported value) and restores it at the end. The server is `target/release/tiendo` (or the
//! binary named by `TIENDO`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use std::{env, fs, thread};

#[path = "../tests/common/serve_client.rs"]
mod serve_client;

use serve_client::{Server, get, version};

fn first_dir(dir: &Path, want: impl Fn(&Path) -> bool) -> PathBuf {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("readable folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| want(p))
        .collect();
    entries.sort();
    entries.into_iter().next().expect("a matching entry")
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let content = PathBuf::from(arg("--content").expect("--content DIR"));
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(15);
    let plan = first_dir(&content, |p| p.join("plan.yaml").is_file());
    let several = fs::read_dir(&content)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("plan.yaml").is_file())
        .count()
        > 1;
    let sector = first_dir(&plan.join("sectors"), |p| {
        p.extension().is_some_and(|x| x == "yaml")
    });
    let original = fs::read_to_string(&sector).unwrap();
    let at = original.find("value: ").expect("a reported value") + "value: ".len();
    let end = at + original[at..].find([',', '}', '\n']).unwrap();
    let value: f64 = original[at..end].trim().parse().expect("a number");
    let page = format!(
        "/{}sectors/{}.html",
        if several {
            format!("{}/", plan.file_name().unwrap().to_string_lossy())
        } else {
            String::new()
        },
        sector.file_stem().unwrap().to_string_lossy()
    );

    let bin = env::var("TIENDO").unwrap_or_else(|_| "target/release/tiendo".into());
    let started = Instant::now();
    let content_arg = content.to_string_lossy().into_owned();
    let server = Server::start(
        &bin,
        Path::new("."),
        &["--quiet", "--content", &content_arg],
    );
    let port = server.port;
    let mut body = loop {
        if let Some(b) = get(port, &page).filter(|b| b.contains("var v=")) {
            break b;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "server up");
        thread::sleep(Duration::from_millis(20));
    };
    println!(
        "serving {page} after {} ms (first full build)",
        started.elapsed().as_millis()
    );
    // Let the server settle after its first build, as it has by the time anyone edits.
    thread::sleep(Duration::from_secs(2));

    let mut times = Vec::new();
    for run in 0..runs {
        let v = version(&body);
        // The long-poll a page holds open: returns once a rebuild changed this page.
        let page_for_wait = page.clone();
        let waiter = thread::spawn(move || {
            loop {
                let answer = get(port, &format!("/__tiendo/wait?v={v}&p={page_for_wait}"))
                    .unwrap_or_default();
                if answer.contains("\"reload\":true") {
                    return Instant::now();
                }
            }
        });
        thread::sleep(Duration::from_millis(200));
        let new_value = value + 0.01 * (run as f64 + 1.0);
        let edited = format!("{}{new_value}{}", &original[..at], &original[end..]);
        let t0 = Instant::now();
        fs::write(&sector, edited).unwrap();
        waiter.join().unwrap();
        let fresh = get(port, &page).unwrap();
        let took = t0.elapsed();
        assert_ne!(fresh, body, "the page changed");
        body = fresh;
        times.push(took.as_secs_f64() * 1000.0);
    }
    fs::write(&sector, &original).unwrap();
    // What the server holds after its first build and these edits, and the most it ever held.
    let status = fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap_or_default();
    let kb = |key: &str| {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    };
    if let (Some(rss), Some(hwm)) = (kb("VmRSS:"), kb("VmHWM:")) {
        println!(
            "server memory: {} MB held, {} MB at most",
            rss / 1000,
            hwm / 1000
        );
    }
    // The first edit of a plan renders all of it; later ones redraw only the changed sector.
    let first = times.remove(0);
    times.sort_by(f64::total_cmp);
    println!("edit -> reload signal -> page fetched: first edit {first:.0} ms");
    if !times.is_empty() {
        println!(
            "  next {} edits: median {:.0} ms (min {:.0}, max {:.0})",
            times.len(),
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }
}
