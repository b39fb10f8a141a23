//! The command line: parse arguments, call the library, render, and map
//! the result to an exit code. Nothing here decides what a procedure means.
//! Nothing here prints but through [`output`], which never panics.

#![warn(clippy::print_stdout, clippy::print_stderr)]

mod assess;
mod calendar_args;
mod cases;
mod check;
mod days;
mod diff;
mod doc;
mod fmt;
mod graph;
mod import;
mod load;
mod output;
mod paths;
mod render;
mod run;
mod settings_arg;
mod simulate;
mod status;
mod test;
mod walk;
mod write;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Output for people, or one JSON document, for the commands that offer
/// just those two.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum HumanOrJson {
    Human,
    Json,
}

/// How a command ended, as the process exit code other tools rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 0: everything checked, replayed or computed.
    Success,
    /// 1: the input is invalid, a test failed or a check failed.
    Invalid,
    /// 2: a usage or I/O error.
    Usage,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::Invalid => 1,
            Outcome::Usage => 2,
        })
    }
}

#[derive(Parser)]
#[command(
    name = "redress",
    version,
    about = "Check and execute organisational complaint procedures",
    long_about = "redress checks complaint procedures written as .proc files, replays \
                  and simulates complaint cases against them with due dates in working days \
                  over UK bank holidays, and turns them into documents, diagrams and diffs.\n\n\
                  Exit codes: 0 success; 1 invalid input, a failed check or test; 2 usage or I/O error.\n\
                  Documentation: README.md and docs/ in the repository."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate .proc files, or folders of them (default: procedures/).
    Check(check::CheckArgs),
    /// Replay a case against a procedure and say where it stands.
    Run(run::RunArgs),
    /// Replay every case file with an `expect:` block and compare (default: examples/).
    Test(test::TestArgs),
    /// A team's cases as of a date: overdue, due soon, windows closing, referrals, stopped, closed (default: cases/).
    Status(status::StatusArgs),
    /// Simulate many cases under stated assumptions: outcomes, durations, breach rates.
    Simulate(simulate::SimulateArgs),
    /// Every path from start to an outcome, with its least and most time.
    Paths(paths::PathsArgs),
    /// Put .proc files in the canonical layout (comments kept).
    Fmt(fmt::FmtArgs),
    /// What a revision of a procedure changes: steps, deadlines, guards, routes.
    Diff(diff::DiffArgs),
    /// A procedure as Markdown for people, with every statement cited.
    Doc(doc::DocArgs),
    /// A diagram of a procedure (Mermaid or Graphviz DOT).
    Graph(graph::GraphArgs),
    /// A procedure assessed against a standard it follows, provision by provision (docs/assess.md).
    Assess(assess::AssessArgs),
    /// Cases from a case-management export (CSV) through a mapping.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Working-day arithmetic over a bank-holiday calendar.
    #[command(subcommand)]
    Days(days::DaysCommand),
    /// A language server on standard input and output, for editors (docs/editors.md).
    Lsp,
}

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Outcome::Usage.into()
            } else {
                Outcome::Success.into()
            };
        }
    };
    // A generous stack for the recursive parser and checker; the nesting
    // limits keep real use far below it.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let outcome = match cli.command {
                Command::Check(args) => check::run(args),
                Command::Run(args) => run::run(args),
                Command::Test(args) => test::run(args),
                Command::Graph(args) => graph::run(args),
                Command::Assess(args) => assess::run(args),
                Command::Doc(args) => doc::run(args),
                Command::Diff(args) => diff::run(args),
                Command::Fmt(args) => fmt::run(args),
                Command::Paths(args) => paths::run(args),
                Command::Simulate(args) => simulate::run(args),
                Command::Status(args) => status::run(args),
                Command::Days(command) => days::run(command),
                Command::Import(command) => import::run(command),
                Command::Lsp => lsp(),
            };
            output::finish(outcome)
        });
    match worker.map(|handle| handle.join()) {
        Ok(Ok(outcome)) => outcome.into(),
        _ => {
            output::errln!("error: redress stopped unexpectedly; please report this with the input that caused it");
            Outcome::Usage.into()
        }
    }
}

/// `redress lsp`. The server writes JSON-RPC on standard output through
/// its own connection, never through `output`; only its failure is printed
/// here, on standard error. Exit 1 when the editor exits without shutting
/// the server down, as the protocol asks.
fn lsp() -> Outcome {
    match crate::lsp::run_stdio() {
        Ok(true) => Outcome::Success,
        Ok(false) => Outcome::Invalid,
        Err(error) => {
            output::errln!("error: {error}");
            Outcome::Usage
        }
    }
}
