//! `redress days`: working-day arithmetic from the command line.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::calendar::{
    parse_date, Calendar, CalendarError, CalendarHandle, Holiday, DEFAULT_CALENDAR,
};

use crate::diagnostic::{Diagnostic, SourceMap};

use super::calendar_args::{calendar_file_handle, HolidaysArg};
use super::output::{errln, outln};
use super::render::{show, CommandLine};
use super::{HumanOrJson, Outcome};

#[derive(Subcommand)]
pub(crate) enum DaysCommand {
    /// The N-th working day after DATE (before it, for negative N).
    ///
    /// DATE itself is never counted. Prints the date alone, YYYY-MM-DD.
    Add {
        /// The starting date, YYYY-MM-DD.
        date: String,
        /// How many working days to add; negative counts backwards.
        #[arg(allow_negative_numbers = true)]
        n: i64,
        #[command(flatten)]
        options: DaysOptions,
    },
    /// Working days after FROM up to and including TO.
    Between {
        from: String,
        to: String,
        #[command(flatten)]
        options: DaysOptions,
    },
    /// Every bank holiday or closure day of YEAR, one a line, with where it
    /// comes from: rule, proclamation, closure, or a bank-holidays file.
    Holidays {
        year: i64,
        #[command(flatten)]
        options: DaysOptions,
    },
}

#[derive(Args)]
pub(crate) struct DaysOptions {
    /// A built-in calendar: england-and-wales, scotland or northern-ireland.
    #[arg(long, default_value = DEFAULT_CALENDAR)]
    calendar: String,
    /// A calendar file (YAML: base, weekend, closed, holidays); overrides --calendar.
    #[arg(long, value_name = "FILE")]
    calendar_file: Option<String>,
    #[command(flatten)]
    holidays: HolidaysArg,
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    format: HumanOrJson,
}

#[derive(Serialize)]
struct AddJson<'a> {
    calendar: &'a str,
    date: NaiveDate,
    working_days: i64,
    result: NaiveDate,
    /// The closure days passed over on the way, by name.
    skipped: Vec<HolidayJson<'a>>,
}

#[derive(Serialize)]
struct BetweenJson<'a> {
    calendar: &'a str,
    from: NaiveDate,
    to: NaiveDate,
    working_days: i64,
}

#[derive(Serialize)]
struct HolidaysJson<'a> {
    calendar: &'a str,
    year: i64,
    holidays: Vec<HolidayJson<'a>>,
}

#[derive(Serialize)]
struct HolidayJson<'a> {
    date: NaiveDate,
    title: &'a str,
    /// `rule`, `proclamation`, `closure`, or the bank-holidays file's path.
    source: &'a str,
}

fn holiday_json(holidays: &[Holiday]) -> Vec<HolidayJson<'_>> {
    holidays
        .iter()
        .map(|h| HolidayJson {
            date: h.date,
            title: &h.title,
            source: h.source.label(),
        })
        .collect()
}

pub(crate) fn run(command: DaysCommand) -> Outcome {
    let mut map = SourceMap::new();
    let line = CommandLine::from_env(&mut map);
    match execute(command, &line, &mut map) {
        Ok(()) => Outcome::Success,
        Err(diagnostic) => {
            show(&[diagnostic], &map);
            Outcome::Usage
        }
    }
}

/// The calendar asked for: a calendar file's problems are placed in the
/// file, an unknown built-in name at the argument.
fn choose_calendar(
    options: &DaysOptions,
    line: &CommandLine,
    map: &mut SourceMap,
) -> Result<CalendarHandle, Diagnostic> {
    let holidays = options.holidays.load(map)?;
    let calendar = match &options.calendar_file {
        Some(path) => calendar_file_handle(std::path::Path::new(path), map)?,
        None => Calendar::builtin(&options.calendar)
            .map(CalendarHandle::Builtin)
            .map_err(|e| line.at(&e, &options.calendar))?,
    };
    Ok(calendar.with_holidays(holidays.as_ref()))
}

fn date_arg(text: &str, line: &CommandLine) -> Result<NaiveDate, Diagnostic> {
    parse_date(text).map_err(|e| line.at(&e, text))
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(e) => errln!("error: cannot write JSON: {e}"),
    }
}

fn execute(
    command: DaysCommand,
    line: &CommandLine,
    map: &mut SourceMap,
) -> Result<(), Diagnostic> {
    match command {
        DaysCommand::Add { date, n, options } => {
            let calendar = choose_calendar(&options, line, map)?;
            let calendar = calendar.get();
            let start = date_arg(&date, line)?;
            let result = calendar
                .add_working_days(start, n)
                .map_err(|e| line.at(&e, &n.to_string()))?;
            match options.format {
                HumanOrJson::Human => outln!("{result}"),
                HumanOrJson::Json => {
                    let (from, to) = if result >= start {
                        (start, result)
                    } else {
                        (result, start)
                    };
                    print_json(&AddJson {
                        calendar: calendar.name(),
                        date: start,
                        working_days: n,
                        result,
                        skipped: holiday_json(calendar.closures_between(from, to)),
                    })
                }
            }
        }
        DaysCommand::Between { from, to, options } => {
            let calendar = choose_calendar(&options, line, map)?;
            let calendar = calendar.get();
            let a = date_arg(&from, line)?;
            let b = date_arg(&to, line)?;
            let count = calendar
                .working_days_between(a, b)
                .map_err(|e| line.at(&e, &to))?;
            match options.format {
                HumanOrJson::Human => outln!("{count}"),
                HumanOrJson::Json => print_json(&BetweenJson {
                    calendar: calendar.name(),
                    from: a,
                    to: b,
                    working_days: count,
                }),
            }
        }
        DaysCommand::Holidays { year, options } => {
            let calendar = choose_calendar(&options, line, map)?;
            let calendar = calendar.get();
            let in_year = i32::try_from(year)
                .map_err(|_| CalendarError::YearOutOfRange {
                    year,
                    first: crate::calendar::FIRST_YEAR,
                    last: crate::calendar::LAST_YEAR,
                    span: None,
                })
                .and_then(|y| calendar.holidays_in(y))
                .map_err(|e| line.at(&e, &year.to_string()))?;
            match options.format {
                HumanOrJson::Human => {
                    // The source is a last column, so `DATE  TITLE` still
                    // begins each line.
                    let width = in_year
                        .iter()
                        .map(|h| h.title.chars().count())
                        .max()
                        .unwrap_or(0);
                    for h in in_year {
                        outln!("{}  {:width$}  {}", h.date, h.title, h.source.label());
                    }
                }
                HumanOrJson::Json => print_json(&HolidaysJson {
                    calendar: calendar.name(),
                    year,
                    holidays: holiday_json(in_year),
                }),
            }
        }
    }
    Ok(())
}
