//! `redress run`: replay cases against a procedure and say where each
//! stands.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::calendar::{parse_date, CalendarHandle};
use crate::diagnostic::SourceMap;
use crate::engine::replay;

use super::calendar_args::{calendar_file_handle, HolidaysArg};
use super::cases::{gather, CaseFile, Procedures};
use super::load::compile_procedure;
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
use super::settings_arg::SettingsArg;
use super::Outcome;

#[derive(Args)]
pub(crate) struct RunArgs {
    /// The procedure (.proc file), or a folder of them: each case then
    /// uses the procedure it names, in the version in force on the day it
    /// was received (or the `version:` it pins).
    procedure: PathBuf,
    /// The cases: case files (one case, several YAML documents, or JSON
    /// Lines) or folders of them, reported one after another.
    #[arg(required = true, num_args = 1..)]
    cases: Vec<PathBuf>,
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
    #[command(flatten)]
    settings: SettingsArg,
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
    // A folder holds several versions of a procedure (or several
    // procedures): each case uses the one its header and received date
    // choose, as under `redress test`.
    let folder = args.procedure.is_dir();
    let found = if folder {
        super::test::procedures(std::slice::from_ref(&args.procedure))
    } else {
        Default::default()
    };
    let compiled = if folder {
        None
    } else {
        match compile_procedure(&args.procedure) {
            Ok(p) => Some(p),
            Err(outcome) => return outcome,
        }
    };
    let files = match gather(&args.cases) {
        Ok(files) => files,
        Err(outcome) => return outcome,
    };
    let forced = match &args.calendar_file {
        None => None,
        Some(path) => match calendar_file_handle(path, &mut map) {
            Ok(c) => Some(c),
            Err(diagnostic) => {
                show(&[diagnostic], &map);
                return Outcome::Usage;
            }
        },
    };
    let mut reports = Vec::new();
    let mut outcome = Outcome::Success;
    for path in &files {
        let file = match CaseFile::read(path) {
            Ok(file) => file,
            Err(unreadable) => {
                let (map, diagnostic) = *unreadable;
                show(&[diagnostic], &map);
                outcome = worse(outcome, Outcome::Usage);
                continue;
            }
        };
        for doc in file.documents() {
            let procedures = match &compiled {
                Some(procedure) => Procedures::One(procedure),
                None => Procedures::ById(&found),
            };
            let (loaded, procedure) =
                match file.load_settled(&doc, procedures, args.settings.settings.as_deref()) {
                    Ok(loaded) => loaded,
                    Err((diagnostics, map)) => {
                        show(&diagnostics, map.as_ref().unwrap_or(&file.map));
                        // E0615 counts the problems past those shown.
                        let shown = diagnostics.iter().filter(|d| d.code != "E0615").count();
                        let counted = if shown < diagnostics.len() {
                            format!("more than {shown} problems")
                        } else {
                            plural(shown)
                        };
                        errln!("{}: {counted} in the case file", file.name);
                        outcome = worse(outcome, Outcome::Invalid);
                        continue;
                    }
                };
            if !loaded.warnings.is_empty() {
                let warnings: Vec<_> = loaded
                    .warnings
                    .iter()
                    .map(|w| file.diagnostic(&doc, w))
                    .collect();
                show(&warnings, &file.map);
            }
            let (at, note) = as_of(at, loaded.case.events.last().map(|e| e.on));
            let calendar = match &forced {
                None => loaded.calendar,
                Some(forced) => CalendarHandle::Custom(Box::new(forced.get().clone())),
            }
            .with_holidays(holidays.as_ref());
            match replay(&procedure, calendar.get(), &loaded.case, at) {
                Ok(report) => {
                    if let Format::Human = args.format {
                        if !reports.is_empty() {
                            outln!();
                        }
                        if let Some(note) = note {
                            outln!("{note}");
                        }
                        out!("{}", crate::report::human(&report));
                    }
                    reports.push(report);
                }
                Err(error) => {
                    show(&[file.replay_diagnostic(&doc, &error)], &file.map);
                    outcome = worse(outcome, Outcome::Invalid);
                }
            }
        }
    }
    // One case file holding one case prints one document, as it always
    // has; several print a list, in the order given.
    let single = files.len() == 1 && args.cases.len() == 1 && !args.cases[0].is_dir();
    let printed = match args.format {
        Format::Human => Ok(()),
        Format::Json => if single && reports.len() == 1 {
            serde_json::to_string_pretty(&reports[0])
        } else {
            serde_json::to_string_pretty(&reports)
        }
        .map(|text| outln!("{text}"))
        .map_err(|e| format!("JSON: {e}")),
        Format::Yaml => if single && reports.len() == 1 {
            crate::yaml::to_string(&reports[0])
        } else {
            crate::yaml::to_string(&reports)
        }
        .map(|text| out!("{text}"))
        .map_err(|e| format!("YAML: {e}")),
    };
    if let Err(e) = printed {
        errln!("error: cannot write {e}");
        return Outcome::Usage;
    }
    outcome
}

/// The exit of several cases: the worst of theirs.
fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Usage, _) | (_, Outcome::Usage) => Outcome::Usage,
        (Outcome::Invalid, _) | (_, Outcome::Invalid) => Outcome::Invalid,
        _ => Outcome::Success,
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
