//! `redress run`: replay one case and say where it stands.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::calendar::{load_calendar_file, parse_date, Calendar, CalendarHandle};
use crate::case::{load, locate_replay_error};
use crate::engine::replay;

use super::load::{compile_procedure, read_text};
use super::render::{render, CommandLine};
use super::Outcome;

#[derive(Args)]
pub(crate) struct RunArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    /// The case (YAML file).
    case: PathBuf,
    /// The date to report the case's state as of (default: today, or the
    /// last event's date when that is later).
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
    /// Count due dates in this calendar (YAML: base, weekend, closed),
    /// instead of the case's or the procedure's.
    #[arg(long, value_name = "FILE")]
    calendar_file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Yaml,
}

pub(crate) fn run(args: RunArgs) -> Outcome {
    let line = CommandLine::from_env();
    let at = match args.at.as_deref().map(parse_date) {
        Some(Ok(date)) => Some(date),
        Some(Err(e)) => {
            line.report(e.with_span(line.span_of(args.at.as_deref().unwrap_or_default())));
            return Outcome::Usage;
        }
        None => None,
    };
    let procedure = match compile_procedure(&args.procedure) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let case_name = args.case.to_string_lossy().into_owned();
    let Some(text) = read_text(&args.case) else {
        return Outcome::Usage;
    };
    let loaded = match load(&case_name, &text, &procedure) {
        Ok(loaded) => loaded,
        Err(errors) => {
            for e in &errors {
                eprint!("{}", render(e));
            }
            eprintln!("{case_name}: {} in the case file", plural(errors.len()));
            return Outcome::Invalid;
        }
    };
    let (at, note) = as_of(at, loaded.case.events.last().map(|e| e.on));
    let calendar = match &args.calendar_file {
        None => loaded.calendar,
        Some(path) => {
            let Some(text) = read_text(path) else {
                return Outcome::Usage;
            };
            match load_calendar_file(&path.to_string_lossy(), &text)
                .and_then(|spec| Calendar::from_spec(&spec))
            {
                Ok(c) => CalendarHandle::Custom(Box::new(c)),
                Err(e) => {
                    eprint!("{}", render(&e));
                    return Outcome::Usage;
                }
            }
        }
    };
    match replay(&procedure, calendar.get(), &loaded.case, at) {
        Ok(report) => {
            match args.format {
                Format::Human => {
                    if let Some(note) = note {
                        println!("{note}");
                    }
                    print!("{}", crate::report::human(&report));
                }
                Format::Json => match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("error: cannot write JSON: {e}"),
                },
                Format::Yaml => match crate::yaml::to_string(&report) {
                    Ok(text) => print!("{text}"),
                    Err(e) => eprintln!("error: cannot write YAML: {e}"),
                },
            }
            Outcome::Success
        }
        Err(error) => {
            eprint!(
                "{}",
                render(&locate_replay_error(&case_name, &text, &error))
            );
            Outcome::Invalid
        }
    }
}

fn plural(n: usize) -> String {
    format!("{n} {}", if n == 1 { "problem" } else { "problems" })
}

/// Today by default; but a case whose events are later than today is
/// reported as of its last event, with a note, rather than as not yet
/// received.
fn as_of(given: Option<NaiveDate>, last_event: Option<NaiveDate>) -> (NaiveDate, Option<String>) {
    if let Some(date) = given {
        return (date, None);
    }
    let today = chrono::Local::now().date_naive();
    match last_event {
        Some(last) if last > today => (
            last,
            Some(format!(
                "(as of the last event, {last}, which is after today, {today}; use --at to choose)"
            )),
        ),
        _ => (today, None),
    }
}
