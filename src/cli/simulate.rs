//! `redress simulate`: many cases at once, under stated assumptions.

use std::path::PathBuf;

use clap::Args;
use thiserror::Error;

use chrono::NaiveDate;

use crate::calendar::parse_date;
use crate::check::ir::Procedure;
use crate::simulate::{
    arrival_period, assumed_per_working_day, human, load_assumptions, load_assumptions_each,
    simulate_versions, Assumptions, Config, Version,
};

use crate::diagnostic::{Diagnostic, SourceMap};

use super::calendar_args::HolidaysArg;
use super::load::{compile_procedure, read_source};
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The procedure (.proc file), or a folder holding the versions of one
    /// procedure: each simulated case uses the version in force on the
    /// day it is received.
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

/// `--start` before every version of a folder's procedure took effect.
#[derive(Debug, Error, miette::Diagnostic)]
#[error("--start {start} is before every version of `{id}`: the earliest, version {earliest_version}, takes effect on {earliest}")]
#[diagnostic(
    code(E1003),
    help("pass --start {earliest} or later; a case is simulated with the version in force on the day it is received, and none is in force before {earliest}")
)]
struct StartBeforeEveryVersion {
    start: NaiveDate,
    id: String,
    earliest: NaiveDate,
    earliest_version: String,
}

/// A folder given to simulate holding more than one procedure.
#[derive(Debug, Error, miette::Diagnostic)]
#[error("{folder} holds {count} procedures ({ids}); simulate needs one procedure, or the versions of one")]
#[diagnostic(
    code(E1004),
    help("give one .proc file, or a folder holding only the versions of one procedure (files declaring the same id)")
)]
struct SeveralProcedures {
    folder: String,
    count: usize,
    ids: String,
}

/// A folder given to simulate holding no procedure at all.
#[derive(Debug, Error, miette::Diagnostic)]
#[error("{folder} holds no .proc file; simulate needs a procedure, or a folder of its versions")]
#[diagnostic(
    code(E1005),
    help("give a .proc file, or the folder holding the versions of one procedure")
)]
struct NoProcedure {
    folder: String,
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
    // A folder is chosen from by date, case by case; one file given by
    // name is simulated as it always was, whatever its `effective` date.
    let by_date = args.procedure.is_dir();
    let mut versions = if by_date {
        match versions_in(&args.procedure, &line, &map) {
            Ok(v) => v,
            Err(outcome) => return outcome,
        }
    } else {
        match compile_procedure(&args.procedure) {
            Ok(p) => vec![p],
            Err(outcome) => return outcome,
        }
    };
    // In the order they took effect, as the simulation keeps them.
    versions.sort_by_key(|p| p.effective);
    let calendar_of = |p: &Procedure| match p.own_calendar() {
        Ok(c) => Ok(c.with_holidays(holidays.as_ref())),
        Err(e) => {
            errln!("error: {e}");
            Err(Outcome::Usage)
        }
    };
    let assumptions_file = match &args.assumptions {
        None => None,
        Some(path) => match read_source(path, &mut map) {
            Ok(file) => Some(file),
            Err(diagnostic) => {
                show(&[diagnostic], &map);
                return Outcome::Usage;
            }
        },
    };
    let config = Config {
        cases: args.cases,
        seed: args.seed,
        start,
        threads: args.threads,
    };
    // The versions the cases are received under: from the one in force on
    // --start (whose calendar they arrive by) to the one in force on the
    // last arrival.
    let from = in_force_on(&versions, start).unwrap_or(0);
    let (Some(at_start), Some(earliest)) = (versions.get(from), versions.first()) else {
        return Outcome::Usage;
    };
    let arrivals_calendar = match calendar_of(at_start) {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let per_day = assumptions_file.and_then(|f| assumed_per_working_day(map.text(f)));
    let period = arrival_period(arrivals_calendar.get(), per_day, &config);
    let first = period.map_or(start, |(first, _)| first);
    if by_date && in_force_on(&versions, first).is_none() {
        let argument = match &args.start {
            Some(given) => (given.clone(), "before every version".to_string()),
            None => (
                args.procedure.to_string_lossy().into_owned(),
                format!("no version in force on the default --start, {start}"),
            ),
        };
        let error = StartBeforeEveryVersion {
            start,
            id: earliest.id.clone(),
            earliest: earliest.effective.unwrap_or(start),
            earliest_version: earliest.version.clone().unwrap_or_else(|| "(none)".into()),
        };
        show(&[line.labelled(&error, &argument.0, &argument.1)], &map);
        return Outcome::Usage;
    }
    let to = period
        .and_then(|(_, last)| in_force_on(&versions, last))
        .unwrap_or(from)
        .max(from);
    let mut used = Vec::new();
    for p in versions.drain(..).skip(from).take(to + 1 - from) {
        match args.settings.apply_or_report(p) {
            Ok(p) => used.push(p),
            Err(outcome) => return outcome,
        }
    }
    let mut calendars = Vec::new();
    for p in &used {
        match calendar_of(p) {
            Ok(c) => calendars.push(c),
            Err(outcome) => return outcome,
        }
    }
    let assumptions = match assumptions_file {
        None => vec![Assumptions::default(); used.len()],
        Some(file) => {
            let read = match used.as_slice() {
                [one] => load_assumptions(map.name(file), map.text(file), one).map(|a| vec![a]),
                several => {
                    let named: Vec<(&Procedure, String)> =
                        several.iter().map(|p| (p, version_label(p))).collect();
                    load_assumptions_each(map.name(file), map.text(file), &named)
                }
            };
            match read {
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
    let simulated: Vec<Version<'_>> = used
        .iter()
        .zip(&calendars)
        .zip(&assumptions)
        .map(|((procedure, calendar), assumptions)| Version {
            procedure,
            calendar: calendar.get(),
            assumptions,
        })
        .collect();
    match simulate_versions(&simulated, &config) {
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

/// A version as an assumptions problem names it: "version 1.0 of
/// `complaints`".
fn version_label(p: &Procedure) -> String {
    match (&p.version, p.effective) {
        (Some(v), _) => format!("version {v} of `{}`", p.id),
        (None, Some(d)) => format!("the version of `{}` in force from {d}", p.id),
        (None, None) => format!("the version of `{}` without a date", p.id),
    }
}

/// The versions of the one procedure in a folder. A folder of several
/// procedures (E1004), or none (E1005), is a usage error at the argument.
fn versions_in(
    dir: &std::path::Path,
    line: &CommandLine,
    map: &SourceMap,
) -> Result<Vec<Procedure>, Outcome> {
    let found = super::test::procedures(&[dir.to_path_buf()]);
    let mut ids: Vec<&String> = found.keys().collect();
    ids.sort();
    let argument = dir.to_string_lossy();
    let folder = dir.display().to_string();
    let refused = match ids.as_slice() {
        [] => Some(line.labelled(&NoProcedure { folder }, &argument, "no procedure here")),
        [_] => None,
        several => Some(
            line.labelled(
                &SeveralProcedures {
                    folder,
                    count: several.len(),
                    ids: several
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                },
                &argument,
                "several procedures",
            ),
        ),
    };
    if let Some(diagnostic) = refused {
        show(&[diagnostic], map);
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

/// The position in `versions` (in the order they took effect) of the one
/// in force on `day`: the latest to take effect on or before it (a file
/// without `effective` is always in force), as `run` chooses.
fn in_force_on(versions: &[Procedure], day: NaiveDate) -> Option<usize> {
    versions
        .iter()
        .rposition(|p| p.effective.is_none_or(|e| e <= day))
}
