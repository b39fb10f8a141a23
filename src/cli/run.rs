//! `redress run`: replay one case and say where it stands.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::calendar::parse_date;
use crate::case::{load, locate_replay_error};
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::engine::replay;

use super::calendar_args::{calendar_file_handle, HolidaysArg};
use super::load::{compile_procedure, read_source};
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
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
    /// Count due dates in this calendar (YAML: base, weekend, closed,
    /// holidays), instead of the case's or the procedure's.
    #[arg(long, value_name = "FILE")]
    calendar_file: Option<PathBuf>,
    #[command(flatten)]
    holidays: HolidaysArg,
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
    let mut map = SourceMap::new();
    let line = CommandLine::from_env(&mut map);
    let at = match args.at.as_deref().map(parse_date) {
        Some(Ok(date)) => Some(date),
        Some(Err(e)) => {
            show(&[line.at(&e, args.at.as_deref().unwrap_or_default())], &map);
            return Outcome::Usage;
        }
        None => None,
    };
    let holidays = match args.holidays.load_or_report() {
        Ok(h) => h,
        Err(outcome) => return outcome,
    };
    let procedure = match compile_procedure(&args.procedure) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let case = match read_source(&args.case, &mut map) {
        Ok(file) => file,
        Err(diagnostic) => {
            show(&[diagnostic], &map);
            return Outcome::Usage;
        }
    };
    let (case_name, text) = (map.name(case).to_string(), map.text(case).to_string());
    let loaded = match load(&case_name, &text, &procedure) {
        Ok(loaded) => loaded,
        Err(errors) => {
            let diagnostics: Vec<Diagnostic> = errors
                .iter()
                .map(|e| Diagnostic::from_error(e, case))
                .collect();
            show(&diagnostics, &map);
            errln!("{case_name}: {} in the case file", plural(errors.len()));
            return Outcome::Invalid;
        }
    };
    let (at, note) = as_of(at, loaded.case.events.last().map(|e| e.on));
    let calendar = match &args.calendar_file {
        None => loaded.calendar,
        Some(path) => match calendar_file_handle(path, &mut map) {
            Ok(c) => c,
            Err(diagnostic) => {
                show(&[diagnostic], &map);
                return Outcome::Usage;
            }
        },
    }
    .with_holidays(holidays.as_ref());
    match replay(&procedure, calendar.get(), &loaded.case, at) {
        Ok(report) => {
            match args.format {
                Format::Human => {
                    if let Some(note) = note {
                        outln!("{note}");
                    }
                    out!("{}", crate::report::human(&report));
                }
                Format::Json => match serde_json::to_string_pretty(&report) {
                    Ok(text) => outln!("{text}"),
                    Err(e) => errln!("error: cannot write JSON: {e}"),
                },
                Format::Yaml => match crate::yaml::to_string(&report) {
                    Ok(text) => out!("{text}"),
                    Err(e) => errln!("error: cannot write YAML: {e}"),
                },
            }
            Outcome::Success
        }
        Err(error) => {
            let located = locate_replay_error(&case_name, &text, &error);
            show(&[Diagnostic::from_error(&located, case)], &map);
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
