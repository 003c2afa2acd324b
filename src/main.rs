//! The `tiendo` command line: a thin layer over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tiendo::Options;
use tiendo::diagnostic::{Diagnostic, Severity};

/// Build a public transparency website from a government plan's targets and reported actuals.
#[derive(Parser)]
#[command(name = "tiendo", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
        /// Folder to write the site to (replaced atomically; unchanged files are kept).
        #[arg(long, default_value = "output")]
        output: PathBuf,
    },
    /// Check content and theme and print every problem, including editorial warnings (stale,
    /// unsourced or missing figures, overdue tasks without an update). Writes nothing.
    Check {
        #[command(flatten)]
        input: Input,
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
    /// Print the JSON Schema of the content files (site, plan, sector).
    Schema,
}

fn main() -> ExitCode {
    // A bug must never greet an editor with a Rust backtrace.
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
    match Cli::parse().command {
        Command::Build { input, output } => build(input, output),
        Command::Check { input } => check(input),
        Command::Serve { input, port } => {
            match tiendo::serve::serve(options(&input, PathBuf::new()), port) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
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
            let schemas = tiendo::input::schemas();
            println!(
                "{}",
                serde_json::to_string_pretty(&schemas).unwrap_or_default()
            );
            ExitCode::SUCCESS
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

fn build(input: Input, output: PathBuf) -> ExitCode {
    let opts = options(&input, output.clone());
    match tiendo::build(&opts) {
        Ok(s) => {
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
            ExitCode::SUCCESS
        }
        Err(diags) => fail(
            &diags,
            "build failed; the previous output was left untouched",
        ),
    }
}

fn check(input: Input) -> ExitCode {
    let opts = options(&input, PathBuf::from("output"));
    let diags = tiendo::check(&opts);
    let denied = input.deny_warnings && !diags.is_empty();
    if tiendo::diagnostic::has_errors(&diags) || denied {
        return fail(&diags, "check failed");
    }
    report(&diags);
    println!("content is valid ({} warning(s))", diags.len());
    ExitCode::SUCCESS
}

fn report(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = write!(err, "{d}");
    }
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
