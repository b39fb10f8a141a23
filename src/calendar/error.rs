use std::sync::Arc;

use chrono::NaiveDate;
use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::suggest::did_you_mean;

use super::{BUILTIN_NAMES, FIRST_YEAR, LAST_YEAR};

/// What can go wrong when naming, building or using a calendar.
///
/// The calendar does not know where the offending text came from (a
/// command-line argument, a `.proc` file): whoever does places the error
/// there when it becomes a [`crate::diagnostic::Diagnostic`]. The `span`
/// fields are left unset; they go when the calendar's constructors are next
/// changed.
#[derive(Debug, Error, Diagnostic, Clone)]
pub enum CalendarError {
    /// A date that is not a real `YYYY-MM-DD` date.
    #[error("`{text}` is not a date")]
    #[diagnostic(code(E0701), help("write dates as YYYY-MM-DD, for example 2026-12-18"))]
    InvalidDate {
        text: String,
        #[label("not a date")]
        span: Option<SourceSpan>,
    },

    /// A date outside the years the calendars cover.
    #[error("{date} is outside the years the calendars cover ({first} to {last})")]
    #[diagnostic(code(E0702), help("use a date from {first}-01-01 to {last}-12-31"))]
    DateOutOfRange {
        date: NaiveDate,
        first: i32,
        last: i32,
        #[label("out of range")]
        span: Option<SourceSpan>,
    },

    /// Arithmetic whose result would leave the covered years.
    #[error("{working_days} working days from {date} falls outside the years the calendars cover ({first} to {last})")]
    #[diagnostic(
        code(E0703),
        help("use a smaller count or a date further from the range's ends")
    )]
    ResultOutOfRange {
        date: NaiveDate,
        working_days: i64,
        first: i32,
        last: i32,
    },

    /// A year outside the covered range.
    #[error("{year} is outside the years the calendars cover ({first} to {last})")]
    #[diagnostic(code(E0704), help("ask for a year from {first} to {last}"))]
    YearOutOfRange {
        year: i64,
        first: i32,
        last: i32,
        #[label("out of range")]
        span: Option<SourceSpan>,
    },

    /// A calendar name that is neither built in nor declared.
    #[error("unknown calendar `{name}`")]
    #[diagnostic(code(E0705), help("{help}"))]
    UnknownCalendar {
        name: String,
        help: String,
        #[label("not a known calendar")]
        span: Option<SourceSpan>,
    },

    /// A calendar whose weekend covers every day of the week.
    #[error("calendar `{name}` has no working days: every day of the week is in its weekend")]
    #[diagnostic(code(E0706), help("list at most six days under `weekend`"))]
    NoWorkingDays {
        name: String,
        /// The calendar file, when the calendar came from one.
        #[source_code]
        source_code: Option<Arc<NamedSource<String>>>,
        #[label("every day of the week")]
        span: Option<SourceSpan>,
    },

    /// A calendar file that cannot be read as a calendar: unreadable, not
    /// UTF-8, not YAML of the calendar's shape, or an unknown `base`.
    #[error("{path}: {message}")]
    #[diagnostic(code(E0707), help("{help}"))]
    CalendarFile {
        path: String,
        message: String,
        help: String,
        #[source_code]
        source_code: Arc<NamedSource<String>>,
        #[label("here")]
        span: Option<SourceSpan>,
    },

    /// A bank-holidays file that cannot be read: unreadable, not UTF-8,
    /// not JSON, or JSON not of gov.uk's `bank-holidays.json` shape.
    #[error("{path}: {message}")]
    #[diagnostic(
        code(E0708),
        help("a bank-holidays file has gov.uk's format (https://www.gov.uk/bank-holidays.json): {{\"scotland\": {{\"division\": \"scotland\", \"events\": [{{\"title\": \"Extra bank holiday\", \"date\": \"2026-06-15\", \"notes\": \"\", \"bunting\": true}}]}}}}")
    )]
    HolidaysFile {
        path: String,
        message: String,
        #[source_code]
        source_code: Arc<NamedSource<String>>,
        #[label("here")]
        span: Option<SourceSpan>,
    },

    /// A division in a bank-holidays file that is not one of the three.
    #[error("{path}: line {line}: unknown division `{name}`")]
    #[diagnostic(code(E0709), help("{help}"))]
    UnknownDivision {
        path: String,
        line: usize,
        name: String,
        help: String,
        #[source_code]
        source_code: Arc<NamedSource<String>>,
        #[label("not a division")]
        span: Option<SourceSpan>,
    },

    /// A day in a bank-holidays file outside the years the calendars cover.
    #[error(
        "{path}: line {line}: {date} is outside the years the calendars cover ({first} to {last})"
    )]
    #[diagnostic(
        code(E0710),
        help("remove the day, or keep to days from {first}-01-01 to {last}-12-31")
    )]
    HolidayOutOfRange {
        path: String,
        line: usize,
        date: NaiveDate,
        first: i32,
        last: i32,
        #[source_code]
        source_code: Arc<NamedSource<String>>,
        #[label("out of range")]
        span: Option<SourceSpan>,
    },
}

/// What a calendar file holds, for the help line of its errors.
pub(crate) const CALENDAR_FILE_HELP: &str = "a calendar file has `base` (a built-in calendar), optional `name`, `weekend: [saturday, sunday]`, `closed: [{date: 2026-12-29, title: \"Office closure\"}]` and `holidays: bank-holidays.json` (docs/calendars.md)";

impl CalendarError {
    pub(crate) fn out_of_range(date: NaiveDate) -> CalendarError {
        CalendarError::DateOutOfRange {
            date,
            first: FIRST_YEAR,
            last: LAST_YEAR,
            span: None,
        }
    }

    pub fn unknown(name: &str) -> CalendarError {
        let known = BUILTIN_NAMES.join(", ");
        let help = match did_you_mean(name, BUILTIN_NAMES) {
            Some(s) => format!("did you mean `{s}`? The built-in calendars are: {known}"),
            None => format!("the built-in calendars are: {known}"),
        };
        CalendarError::UnknownCalendar {
            name: name.to_string(),
            help,
            span: None,
        }
    }

    /// A calendar file that could not be read at all.
    pub fn calendar_file_unreadable(path: &str, error: &std::io::Error) -> CalendarError {
        CalendarError::CalendarFile {
            path: path.to_string(),
            message: format!("cannot read the calendar file: {error}"),
            help: CALENDAR_FILE_HELP.to_string(),
            source_code: Arc::new(NamedSource::new(path, String::new())),
            span: None,
        }
    }

    /// A bank-holidays file that could not be read at all. `named_by`
    /// says which calendar file named it, when one did.
    pub fn holidays_file_unreadable(
        path: &str,
        error: &std::io::Error,
        named_by: Option<&str>,
    ) -> CalendarError {
        let by = named_by
            .map(|c| format!(" (named by `holidays:` in {c})"))
            .unwrap_or_default();
        CalendarError::HolidaysFile {
            path: path.to_string(),
            message: format!("cannot read the bank-holidays file{by}: {error}"),
            source_code: Arc::new(NamedSource::new(path, String::new())),
            span: None,
        }
    }
}
