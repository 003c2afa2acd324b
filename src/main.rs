//! The `tiendo` command line: a thin layer over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use mimalloc::MiMalloc;
use tiendo::Options;
use tiendo::diagnostic::{Diagnostic, Severity};

/// Build a public transparency website from a government plan's targets and reported actuals.
#[derive(Parser)]
#[command(name = "tiendo", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print the time of each stage.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Args)]
struct Input {
    /// Folder holding site.yaml and the plan folders.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// Theme folder name under themes/ (overrides site.yaml).
    #[arg(long)]
    theme: Option<String>,
    /// Treat warnings as errors (exit 1), e.g. in a publishing pipeline.
    #[arg(long)]
    deny_warnings: bool,
    /// Refuse content files larger than this many megabytes.
    #[arg(long, default_value_t = 10)]
    max_file_mb: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from the content folder into the output folder.
    Build {
        #[command(flatten)]
        input: Input,
        /// Folder to write the site to (replaced atomically; unchanged files are kept). It must
        /// be missing, empty or written by tiendo before.
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// Replace the output folder even though it holds files tiendo did not write (they are
        /// deleted).
        #[arg(long)]
        force: bool,
        /// Print the time of each stage (as --verbose does).
        #[arg(long)]
        timings: bool,
    },
    /// Check content and theme and print every problem, including editorial warnings (stale,
    /// unsourced or missing figures, overdue tasks without an update). Writes nothing.
    Check {
        #[command(flatten)]
        input: Input,
        /// Judge as if today were this date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<chrono::NaiveDate>,
    },
    /// Preview the site on http://127.0.0.1:PORT/, rebuilding and reloading the open page after
    /// every change to content/ or themes/. Writes nothing.
    Serve {
        #[command(flatten)]
        input: Input,
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = 8024)]
        port: u16,
    },
    /// Create a small working plan project in DIR (which must be new or empty) to start from.
    Init {
        /// The new project folder.
        dir: PathBuf,
    },
    /// Write a ready-to-fill workbook (.xlsx) for a plan's next update: every indicator and task
    /// with its target and latest figure, and empty columns for new figures. By default it is
    /// written to the plan folder as updates.xlsx, which `build` reads.
    Template {
        #[command(flatten)]
        input: Input,
        /// The plan's folder name (may be left out when the site has one plan).
        plan: Option<String>,
        /// Where to write the workbook (an existing file is never replaced).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write a plan's update as an email message (.eml) that any mail client opens ready to
    /// send: the digest as text and HTML, and report.html attached.
    Email {
        #[command(flatten)]
        input: Input,
        /// The plan's folder name (may be left out when the site has one plan).
        plan: Option<String>,
        /// Where to write the message (default: PLAN.eml in this folder).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Sender, e.g. "Văn phòng UBND <vp@tinh.gov.vn>" (default: `email.from` in site.yaml).
        #[arg(long)]
        from: Option<String>,
        /// A recipient (repeat for more; default: `email.to` in site.yaml).
        #[arg(long)]
        to: Vec<String>,
        /// A copy (repeat for more; default: `email.cc` in site.yaml).
        #[arg(long)]
        cc: Vec<String>,
        /// Attach the plan's indicators as CSV too.
        #[arg(long)]
        with_data: bool,
        /// Send it over SMTP (STARTTLS; user and password from TIENDO_SMTP_USER and
        /// TIENDO_SMTP_PASSWORD), and write what was sent to the output file.
        #[arg(long)]
        send: bool,
        /// With --send: say what would be sent, without connecting.
        #[arg(long, requires = "send")]
        dry_run: bool,
        /// The mail server, HOST or HOST:PORT (default: `email.smtp` in site.yaml).
        #[arg(long)]
        smtp: Option<String>,
    },
    /// Print the JSON Schema of the content files (site, plan, sector).
    Schema,
}

/// Page rendering allocates many short-lived strings on two threads; glibc malloc spent
/// about 17 % of a national build's CPU in its own bookkeeping, mimalloc a fraction of that.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v3, the version libmimalloc-sys builds): how many
/// milliseconds freed memory waits before it goes back to the OS (default 1000).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A build frees and reallocates hundreds of megabytes; handing memory back to the OS after
/// a second made the kernel zero the same pages again and again (about 10 % of a national build).
/// Keep freed memory for reuse instead in the short-lived commands. Only done when the option
/// still has its documented default, so a different mimalloc (or `MIMALLOC_PURGE_DELAY` in the
/// environment) is left alone.
fn keep_freed_memory() {
    // SAFETY: plain reads and writes of an allocator option; mimalloc documents both as
    // callable at any time from any thread.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == 1000 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

/// A bug must never greet an editor with a Rust backtrace: a panic prints one plain line.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "tiendo: internal error{at}: {what}\nThis is a bug in tiendo, not in your content. Please report it with the files that caused it."
        );
    }));
}

fn main() -> ExitCode {
    quiet_panics();
    let cli = Cli::parse();
    // `serve` lives long: there, memory freed after the first build goes back to the OS.
    if !matches!(cli.command, Command::Serve { .. }) {
        keep_freed_memory();
    }
    let out = Console {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build {
            input,
            output,
            force,
            timings,
        } => build(
            input,
            output,
            force,
            Console {
                verbose: out.verbose || timings,
                ..out
            },
        ),
        Command::Check { input, today } => check(input, today.unwrap_or_else(today_utc), out),
        Command::Serve { input, port } => {
            match tiendo::serve::serve(options(&input, PathBuf::new()), port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Template {
            input,
            plan,
            output,
        } => template(&input, plan.as_deref(), output.as_deref(), out),
        Command::Email {
            input,
            plan,
            output,
            from,
            to,
            cc,
            with_data,
            send,
            dry_run,
            smtp,
        } => email(
            &input,
            out,
            tiendo::EmailRequest {
                plan,
                addresses: tiendo::email::Addresses { from, to, cc },
                output,
                with_data,
                send: match (send, dry_run) {
                    (_, true) => tiendo::Send::DryRun,
                    (true, false) => tiendo::Send::Yes,
                    (false, false) => tiendo::Send::No,
                },
                smtp,
            },
        ),
        Command::Init { dir } => match tiendo::init::init(&dir) {
            Ok(files) => {
                println!(
                    "created {} files in {}; next: cd {} && tiendo build",
                    files.len(),
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Schema => {
            match tiendo::input::schemas().and_then(|s| serde_json::to_string_pretty(&s)) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!(
                        "tiendo: internal error: the schema could not be written as JSON: {e}\nThis is a bug in tiendo, not in your content. Please report it."
                    );
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn options(input: &Input, output: PathBuf) -> Options {
    Options {
        theme: input.theme.clone(),
        deny_warnings: input.deny_warnings,
        max_file_bytes: input.max_file_mb.saturating_mul(1024 * 1024),
        ..Options::new(&input.content, output)
    }
}

/// How much to print.
#[derive(Clone, Copy)]
struct Console {
    quiet: bool,
    verbose: bool,
}

fn build(input: Input, output: PathBuf, force: bool, out: Console) -> ExitCode {
    let opts = Options {
        force,
        ..options(&input, output.clone())
    };
    // A spinner appears only when a build takes more than a second, and only on a terminal.
    let (finished, wait) = std::sync::mpsc::channel::<()>();
    let spinner = (!out.quiet).then(|| {
        std::thread::spawn(move || {
            let second = std::time::Duration::from_secs(1);
            if wait.recv_timeout(second) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let bar = indicatif::ProgressBar::new_spinner().with_message("building the site…");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let _ = wait.recv();
            bar.finish_and_clear();
        })
    });
    let result = tiendo::build(&opts);
    drop(finished);
    if let Some(h) = spinner {
        let _ = h.join();
    }
    match result {
        Ok(s) => {
            if !out.quiet {
                report(&s.warnings);
                println!(
                    "built {} plan(s): {} pages, {} charts in {} ms ({} written, {} unchanged, {} removed); open {}",
                    s.plans,
                    s.pages,
                    s.charts,
                    s.elapsed.as_millis(),
                    s.written.written,
                    s.written.unchanged,
                    s.written.removed,
                    output.join("index.html").display()
                );
            }
            if out.verbose {
                for (stage, d, peak) in &s.timings.stages {
                    let peak = match peak {
                        0 => String::new(),
                        b => format!("  (peak memory {} MB)", b / 1_000_000),
                    };
                    println!("  {:>9.1} ms  {stage}{peak}", d.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(diags) => fail(
            &diags,
            "build failed; the previous output was left untouched",
        ),
    }
}

/// `tiendo template`: a ready-to-fill workbook.
fn template(
    input: &Input,
    plan: Option<&str>,
    output: Option<&std::path::Path>,
    out: Console,
) -> ExitCode {
    let opts = options(input, PathBuf::from("output"));
    match tiendo::template(&opts, plan, output) {
        Ok(_) if out.quiet => ExitCode::SUCCESS,
        Ok(path) => {
            println!(
                "wrote {}; fill in the new figures, then run `tiendo check` and `tiendo build`",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags, "template failed"),
    }
}

/// `tiendo email`: the plan's update as a message file.
fn email(input: &Input, out: Console, request: tiendo::EmailRequest) -> ExitCode {
    let opts = options(input, PathBuf::from("output"));
    match tiendo::email(&opts, &request) {
        Ok(_) if out.quiet => ExitCode::SUCCESS,
        Ok(done) => {
            let path = done.path.display();
            match (request.send, done.sent) {
                (tiendo::Send::Yes, Some(what)) => {
                    println!("sent {what}; the message is in {path}")
                }
                (tiendo::Send::DryRun, Some(what)) => {
                    println!("would send {what} (dry run: nothing sent); the message is in {path}")
                }
                _ => println!("wrote {path}; open it in your mail client to check and send it"),
            }
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags, "email failed"),
    }
}

/// `YYYY-MM-DD`, for `--today`.
fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD, e.g. 2025-01-31"))
}

/// Today's date (UTC) from the system clock.
fn today_utc() -> chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map_or(chrono::NaiveDate::MIN, |t| t.date_naive())
}

fn check(input: Input, today: chrono::NaiveDate, out: Console) -> ExitCode {
    let opts = options(&input, PathBuf::from("output"));
    let diags = tiendo::check(&opts, today);
    let denied = input.deny_warnings && !diags.is_empty();
    if tiendo::diagnostic::has_errors(&diags) || denied {
        return fail(&diags, "check failed");
    }
    if !out.quiet {
        report(&diags);
        println!("content is valid ({} warning(s))", diags.len());
    }
    ExitCode::SUCCESS
}

/// Prints diagnostics to stderr, coloured on a terminal (anstream strips colour otherwise and
/// honours NO_COLOR).
fn report(diags: &[Diagnostic]) {
    let mut err = anstream::stderr().lock();
    for d in diags {
        let _ = write!(err, "{}", paint(d));
    }
}

fn paint(d: &Diagnostic) -> String {
    use anstyle::{AnsiColor, Style};
    let bold = Style::new().bold();
    let (label, colour) = match d.severity {
        Severity::Error => ("error", AnsiColor::Red),
        Severity::Warning => ("warning", AnsiColor::Yellow),
    };
    let kind = Style::new().bold().fg_color(Some(colour.into()));
    let hint = Style::new().fg_color(Some(AnsiColor::Cyan.into()));
    let plain = d.to_string();
    let mut out = String::new();
    for (i, line) in plain.lines().enumerate() {
        if i == 0 {
            let rest = line
                .strip_prefix(&format!("{}: {label}: ", d.location()))
                .unwrap_or(line);
            out.push_str(&format!(
                "{bold}{}{bold:#}: {kind}{label}{kind:#}: {rest}\n",
                d.location()
            ));
        } else if line.trim_start().starts_with("= hint:") {
            out.push_str(&format!("{hint}{line}{hint:#}\n"));
        } else if line.trim_end().ends_with('^') {
            out.push_str(&format!("{kind}{line}{kind:#}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
fn fail(diags: &[Diagnostic], what: &str) -> ExitCode {
    report(diags);
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if warnings > 0 && errors == 0 {
        eprintln!("{what}: {warnings} warning(s) denied by --deny-warnings");
    } else {
        eprintln!("{what}: {errors} error(s)");
    }
    ExitCode::from(1)
}
