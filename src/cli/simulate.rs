//! `redress simulate`: many cases at once, under stated assumptions.

use std::path::PathBuf;

use clap::Args;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::calendar::parse_date;
use crate::simulate::{human, load_assumptions, simulate, Assumptions, Config};

use super::load::{compile_procedure, read_text};
use super::render::{render, CommandLine};
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    /// How many cases to simulate.
    #[arg(long, value_name = "N")]
    cases: u64,
    /// The random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Assumptions (YAML): facts, choices, event data, durations, arrivals.
    #[arg(long, value_name = "FILE")]
    assumptions: Option<PathBuf>,
    /// The first day cases arrive (default: today).
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// Threads to use (default: one a core); the result does not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    format: HumanOrJson,
}

/// Threads beyond a few a core only cost memory and start-up (each has its
/// own stack), and tens of thousands never start at all.
const THREADS_PER_CORE: usize = 4;

fn most_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()) * THREADS_PER_CORE
}

/// `--threads` beyond what the machine can use.
#[derive(Debug, Error, Diagnostic)]
#[error("--threads {threads} is more than this machine can use (at most {most}, {THREADS_PER_CORE} a core)")]
#[diagnostic(
    code(E1002),
    help("leave --threads out to use one a core; the result does not depend on the number of threads")
)]
struct TooManyThreads {
    threads: usize,
    most: usize,
    #[label("too many")]
    span: SourceSpan,
}

pub(crate) fn run(args: SimulateArgs) -> Outcome {
    let line = CommandLine::from_env();
    if args.cases == 0 {
        eprintln!("error: --cases must be at least 1");
        return Outcome::Usage;
    }
    if let Some(threads) = args.threads {
        let most = most_threads();
        if threads > most {
            line.report(TooManyThreads {
                threads,
                most,
                span: line.span_of(&threads.to_string()),
            });
            return Outcome::Usage;
        }
    }
    let start = match args.start.as_deref().map(parse_date) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            line.report(e.with_span(line.span_of(args.start.as_deref().unwrap_or_default())));
            return Outcome::Usage;
        }
        None => chrono::Local::now().date_naive(),
    };
    let procedure = match compile_procedure(&args.procedure) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let assumptions = match &args.assumptions {
        None => Assumptions::default(),
        Some(path) => {
            let Some(text) = read_text(path) else {
                return Outcome::Usage;
            };
            match load_assumptions(&path.to_string_lossy(), &text, &procedure) {
                Ok(a) => a,
                Err(errors) => {
                    for e in &errors {
                        eprint!("{}", render(e));
                    }
                    return Outcome::Invalid;
                }
            }
        }
    };
    let calendar = match procedure.own_calendar() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::Usage;
        }
    };
    let config = Config {
        cases: args.cases,
        seed: args.seed,
        start,
        threads: args.threads,
    };
    match simulate(&procedure, calendar.get(), &assumptions, &config) {
        Ok(summary) => {
            match args.format {
                HumanOrJson::Human => print!("{}", human(&summary)),
                HumanOrJson::Json => match serde_json::to_string_pretty(&summary) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("error: cannot write JSON: {e}"),
                },
            }
            Outcome::Success
        }
        Err(e) => {
            eprintln!("error: {e}");
            Outcome::Usage
        }
    }
}
