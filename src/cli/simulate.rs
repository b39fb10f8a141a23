//! `redress simulate`: many cases at once, under stated assumptions.

use std::path::PathBuf;

use clap::Args;
use thiserror::Error;

use crate::calendar::parse_date;
use crate::simulate::{human, load_assumptions, simulate, Assumptions, Config};

use crate::diagnostic::{Diagnostic, SourceMap};

use super::calendar_args::HolidaysArg;
use super::load::{compile_procedure, read_source};
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    #[command(flatten)]
    settings: super::settings_arg::SettingsArg,
    /// How many cases to simulate.
    #[arg(long, value_name = "N")]
    cases: u64,
    /// The random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Assumptions (YAML): facts, choices, event data, durations, arrivals.
    #[arg(long, value_name = "FILE")]
    assumptions: Option<PathBuf>,
    /// The first day cases arrive (default: 2026-01-05, fixed so that the
    /// same command gives the same figures whatever day it is run).
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// Threads to use (default: one a core); the result does not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    #[command(flatten)]
    holidays: HolidaysArg,
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
#[derive(Debug, Error, miette::Diagnostic)]
#[error("--threads {threads} is more than this machine can use (at most {most}, {THREADS_PER_CORE} a core)")]
#[diagnostic(
    code(E1002),
    help("leave --threads out to use one a core; the result does not depend on the number of threads")
)]
struct TooManyThreads {
    threads: usize,
    most: usize,
}

pub(crate) fn run(args: SimulateArgs) -> Outcome {
    let mut map = SourceMap::new();
    let line = CommandLine::from_env(&mut map);
    if args.cases == 0 {
        errln!("error: --cases must be at least 1");
        return Outcome::Usage;
    }
    if let Some(threads) = args.threads {
        let most = most_threads();
        if threads > most {
            show(
                &[line.labelled(
                    &TooManyThreads { threads, most },
                    &threads.to_string(),
                    "too many",
                )],
                &map,
            );
            return Outcome::Usage;
        }
    }
    let start = match args.start.as_deref().map(parse_date) {
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            show(
                &[line.at(&e, args.start.as_deref().unwrap_or_default())],
                &map,
            );
            return Outcome::Usage;
        }
        None => crate::simulate::DEFAULT_START,
    };
    let holidays = match args.holidays.load_or_report() {
        Ok(h) => h,
        Err(outcome) => return outcome,
    };
    let procedure =
        match compile_procedure(&args.procedure).and_then(|p| args.settings.apply_or_report(p)) {
            Ok(p) => p,
            Err(outcome) => return outcome,
        };
    let assumptions = match &args.assumptions {
        None => Assumptions::default(),
        Some(path) => {
            let file = match read_source(path, &mut map) {
                Ok(file) => file,
                Err(diagnostic) => {
                    show(&[diagnostic], &map);
                    return Outcome::Usage;
                }
            };
            match load_assumptions(map.name(file), map.text(file), &procedure) {
                Ok(a) => a,
                Err(errors) => {
                    let diagnostics: Vec<Diagnostic> = errors
                        .iter()
                        .map(|e| Diagnostic::from_error(e, file))
                        .collect();
                    show(&diagnostics, &map);
                    return Outcome::Invalid;
                }
            }
        }
    };
    let calendar = match procedure.own_calendar() {
        Ok(c) => c.with_holidays(holidays.as_ref()),
        Err(e) => {
            errln!("error: {e}");
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
                HumanOrJson::Human => out!("{}", human(&summary)),
                HumanOrJson::Json => match serde_json::to_string_pretty(&summary) {
                    Ok(text) => outln!("{text}"),
                    Err(e) => errln!("error: cannot write JSON: {e}"),
                },
            }
            if summary.stopped_cases > 0 {
                errln!(
                    "error: the engine stopped {} of {} simulated cases (see the top of the report)",
                    summary.stopped_cases, summary.cases
                );
                return Outcome::Invalid;
            }
            Outcome::Success
        }
        Err(e) => {
            errln!("error: {e}");
            Outcome::Usage
        }
    }
}
