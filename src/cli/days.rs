//! `redress days`: working-day arithmetic from the command line.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::calendar::{
    load_calendar_file, parse_date, Calendar, CalendarError, CalendarHandle, Holiday,
    DEFAULT_CALENDAR,
};

use super::render::CommandLine;
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
    /// Every bank holiday or closure day of YEAR, one a line.
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
    /// A calendar file (YAML: base, weekend, closed); overrides --calendar.
    #[arg(long, value_name = "FILE")]
    calendar_file: Option<String>,
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
}

fn holiday_json(holidays: &[Holiday]) -> Vec<HolidayJson<'_>> {
    holidays
        .iter()
        .map(|h| HolidayJson {
            date: h.date,
            title: &h.title,
        })
        .collect()
}

pub(crate) fn run(command: DaysCommand) -> Outcome {
    let line = CommandLine::from_env();
    match execute(command, &line) {
        Ok(()) => Outcome::Success,
        Err(error) => {
            line.report(error);
            Outcome::Usage
        }
    }
}

fn choose_calendar(
    options: &DaysOptions,
    line: &CommandLine,
) -> Result<CalendarHandle, CalendarError> {
    if let Some(path) = &options.calendar_file {
        let text = super::load::read_string(std::path::Path::new(path)).map_err(|e| {
            CalendarError::CalendarFile {
                path: path.clone(),
                message: format!("cannot read the calendar file: {e}"),
                source_code: std::sync::Arc::new(miette::NamedSource::new(path, String::new())),
                span: None,
            }
        })?;
        let spec = load_calendar_file(path, &text)?;
        return Ok(CalendarHandle::Custom(Box::new(Calendar::from_spec(
            &spec,
        )?)));
    }
    Calendar::builtin(&options.calendar)
        .map(CalendarHandle::Builtin)
        .map_err(|e| e.with_span(line.span_of(&options.calendar)))
}

fn date_arg(text: &str, line: &CommandLine) -> Result<NaiveDate, CalendarError> {
    parse_date(text).map_err(|e| e.with_span(line.span_of(text)))
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}

fn execute(command: DaysCommand, line: &CommandLine) -> Result<(), CalendarError> {
    match command {
        DaysCommand::Add { date, n, options } => {
            let calendar = choose_calendar(&options, line)?;
            let calendar = calendar.get();
            let start = date_arg(&date, line)?;
            let result = calendar.add_working_days(start, n)?;
            match options.format {
                HumanOrJson::Human => println!("{result}"),
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
            let calendar = choose_calendar(&options, line)?;
            let calendar = calendar.get();
            let a = date_arg(&from, line)?;
            let b = date_arg(&to, line)?;
            let count = calendar.working_days_between(a, b)?;
            match options.format {
                HumanOrJson::Human => println!("{count}"),
                HumanOrJson::Json => print_json(&BetweenJson {
                    calendar: calendar.name(),
                    from: a,
                    to: b,
                    working_days: count,
                }),
            }
        }
        DaysCommand::Holidays { year, options } => {
            let calendar = choose_calendar(&options, line)?;
            let calendar = calendar.get();
            let in_year = i32::try_from(year)
                .map_err(|_| CalendarError::YearOutOfRange {
                    year,
                    first: crate::calendar::FIRST_YEAR,
                    last: crate::calendar::LAST_YEAR,
                    span: None,
                })
                .and_then(|y| calendar.holidays_in(y))
                .map_err(|e| e.with_span(line.span_of(&year.to_string())))?;
            match options.format {
                HumanOrJson::Human => {
                    for h in in_year {
                        println!("{}  {}", h.date, h.title);
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
