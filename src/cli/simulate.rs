//! `redress simulate`: many cases at once, under stated assumptions.

use std::path::PathBuf;

use clap::Args;
use thiserror::Error;

use crate::calendar::parse_date;
use crate::check::ir::Procedure;
use crate::simulate::{arrival_period, human, load_assumptions, simulate, Assumptions, Config};

use crate::diagnostic::{Diagnostic, SourceMap};

use super::calendar_args::HolidaysArg;
use super::load::{compile_procedure, read_source};
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The procedure (.proc file), or a folder holding the versions of one
    /// procedure: the version in force on the simulated cases' received
    /// dates is used.
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
    let versions = if args.procedure.is_dir() {
        match versions_in(&args.procedure) {
            Ok(v) => v,
            Err(outcome) => return outcome,
        }
    } else {
        match compile_procedure(&args.procedure) {
            Ok(p) => vec![p],
            Err(outcome) => return outcome,
        }
    };
    // One file given by name is simulated as it always was, whatever its
    // `effective` date; a folder is chosen from by date.
    let by_date = args.procedure.is_dir();
    let chosen = match in_force_on(&versions, start).or(versions.first().filter(|_| !by_date)) {
        Some(p) => p.clone(),
        None => {
            let earliest = versions.iter().filter_map(|p| p.effective).min();
            errln!(
                "error: --start {start} is before every version of `{}`: the earliest takes effect on {}",
                versions[0].id,
                earliest.map(|d| d.to_string()).unwrap_or_default()
            );
            errln!(
                "  help: pass --start {} or later",
                earliest.map(|d| d.to_string()).unwrap_or_default()
            );
            return Outcome::Usage;
        }
    };
    let procedure = match args.settings.apply_or_report(chosen) {
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
    if let Some((first, last)) = arrival_period(calendar.get(), &assumptions, &config) {
        // Every simulated case must be received under the one version
        // chosen; a revision taking effect among them is refused rather
        // than silently simulated with the old rules.
        if let Some(next) = versions
            .iter()
            .filter(|p| p.effective.is_some_and(|e| e > start && e <= last))
            .min_by_key(|p| p.effective)
        {
            let on = next.effective.map(|d| d.to_string()).unwrap_or_default();
            errln!(
                "error: the simulated cases are received from {first} to {last}, and version {} of `{}` takes effect on {on}, between them",
                next.version.as_deref().unwrap_or("(none)"),
                next.id
            );
            errln!(
                "  help: simulate one version at a time: --start {on} or later for version {}, or fewer --cases (or a higher arrivals.per_working_day) so that every case is received before {on}",
                next.version.as_deref().unwrap_or("(none)")
            );
            return Outcome::Usage;
        }
    }
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

/// The versions of the one procedure in a folder. A folder of several
/// procedures, or none, is a usage error naming what was found.
fn versions_in(dir: &std::path::Path) -> Result<Vec<Procedure>, Outcome> {
    let found = super::test::procedures(&[dir.to_path_buf()]);
    let mut ids: Vec<&String> = found.keys().collect();
    ids.sort();
    if ids.len() != 1 {
        let list = ids
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        errln!(
            "error: {} holds {} procedures ({}); simulate needs the versions of one procedure",
            dir.display(),
            ids.len(),
            if list.is_empty() {
                "no .proc file"
            } else {
                &list
            }
        );
        errln!(
            "  help: give one .proc file, or a folder holding only the versions of one procedure"
        );
        return Err(Outcome::Usage);
    }
    match found.into_values().next() {
        Some(super::test::Found::Compiled(p)) => Ok(vec![*p]),
        Some(super::test::Found::Versions(v)) => Ok(v),
        Some(super::test::Found::Broken { report, .. }) => {
            errln!("{report}");
            Err(Outcome::Invalid)
        }
        None => Err(Outcome::Usage),
    }
}

/// The version in force on `day`: the latest to take effect on or before
/// it (a file without `effective` is always in force).
fn in_force_on(versions: &[Procedure], day: chrono::NaiveDate) -> Option<&Procedure> {
    versions
        .iter()
        .filter(|p| p.effective.is_none_or(|e| e <= day))
        .max_by_key(|p| p.effective)
}
