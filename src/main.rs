//! The `tiendo` command line: a thin layer over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tiendo::Options;
use tiendo::diagnostic::{Diagnostic, Severity};

/// Build a public transparency website from a government plan's targets and reported actuals.
#[derive(Parser)]
#[command(name = "tiendo", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from the content folder into the output folder.
    Build {
        /// Folder holding site.yaml and the plan folders.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Folder to write the site to (replaced atomically).
        #[arg(long, default_value = "output")]
        output: PathBuf,
        /// Theme folder name under themes/ (overrides site.yaml).
        #[arg(long)]
        theme: Option<String>,
    },
    /// Check the content and theme and print every problem, writing nothing.
    Check {
        /// Folder holding site.yaml and the plan folders.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Theme folder name under themes/ (overrides site.yaml).
        #[arg(long)]
        theme: Option<String>,
    },
    /// Print the JSON Schema of the content files (site, plan, sector).
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            content,
            output,
            theme,
        } => {
            let opts = Options {
                content,
                output: output.clone(),
                theme,
            };
            match tiendo::build(&opts) {
                Ok(s) => {
                    report(&s.warnings);
                    let index = output.join("index.html");
                    println!(
                        "built {} plan(s): {} pages, {} charts in {} ms ({} written, {} unchanged, {} removed); open {}",
                        s.plans,
                        s.pages,
                        s.charts,
                        s.elapsed.as_millis(),
                        s.written.written,
                        s.written.unchanged,
                        s.written.removed,
                        index.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => fail(
                    &diags,
                    "build failed; the previous output was left untouched",
                ),
            }
        }
        Command::Check { content, theme } => {
            let opts = Options {
                content,
                output: PathBuf::from("output"),
                theme,
            };
            let diags = tiendo::check(&opts);
            if tiendo::diagnostic::has_errors(&diags) {
                return fail(&diags, "check failed");
            }
            report(&diags);
            println!("content is valid ({} warning(s))", diags.len());
            ExitCode::SUCCESS
        }
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
    eprintln!("{what}: {errors} error(s)");
    ExitCode::from(1)
}
