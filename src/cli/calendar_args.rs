//! Calendar options shared by the commands that count working days, and
//! the reading of the files they name (the calendar module reads none).

use std::path::{Path, PathBuf};

use clap::Args;

use super::load::{read_file, ReadError};
use super::render::show;
use super::Outcome;
use crate::calendar::{
    load_calendar_file, load_holidays_file, Calendar, CalendarError, CalendarHandle, HolidayFile,
};
use crate::diagnostic::{Diagnostic, SourceMap};

/// `--holidays FILE`, flattened into `days`, `run`, `test` and `simulate`.
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct HolidaysArg {
    /// Bank holidays in gov.uk's bank-holidays.json format: for each year
    /// the file lists, its days replace the built-in ones of the
    /// calendar's division.
    #[arg(long, value_name = "FILE")]
    holidays: Option<PathBuf>,
}

impl HolidaysArg {
    /// The file given, read; `None` when no file was given.
    pub(crate) fn load(&self, map: &mut SourceMap) -> Result<Option<HolidayFile>, Diagnostic> {
        self.holidays
            .as_deref()
            .map(|path| read_holidays_file(path, None))
            .transpose()
            .map_err(|e| diagnostic(&e, map))
    }

    /// [`HolidaysArg::load`] for commands that stop on a bad file: the
    /// diagnostic is printed and the exit is a usage error, as for a bad
    /// calendar file.
    pub(crate) fn load_or_report(&self) -> Result<Option<HolidayFile>, Outcome> {
        let mut map = SourceMap::new();
        self.load(&mut map).map_err(|d| {
            show(&[d], &map);
            Outcome::Usage
        })
    }
}

/// A calendar error as one diagnostic. A calendar or bank-holidays file's
/// error carries that file's text; it joins the source map so that the
/// diagnostic can point at its line.
pub(crate) fn diagnostic(error: &CalendarError, map: &mut SourceMap) -> Diagnostic {
    use miette::Diagnostic as _;
    let own = error.source_code().and_then(|source| {
        let whole = source.read_span(&(0, 0).into(), 0, usize::MAX).ok()?;
        Some((
            whole.name().unwrap_or("calendar file").to_string(),
            String::from_utf8_lossy(whole.data()).into_owned(),
        ))
    });
    let (name, text) = own.unwrap_or_else(|| ("calendar".to_string(), String::new()));
    let file = map.add_text(&name, &text);
    Diagnostic::from_error(error, file)
}

fn read_holidays_file(path: &Path, named_by: Option<&str>) -> Result<HolidayFile, CalendarError> {
    let name = path.to_string_lossy();
    let bytes = read_bounded(path)
        .map_err(|e| CalendarError::holidays_file_unreadable(&name, &e, named_by))?;
    load_holidays_file(&name, &bytes)
}

/// A calendar or bank-holidays file's bytes, read as every file is: a
/// regular file only, and no more than the bound for YAML files.
fn read_bounded(path: &Path) -> Result<Vec<u8>, std::io::Error> {
    read_file(path, crate::yaml::MAX_BYTES).map_err(|e| match e {
        ReadError::Io(message) => std::io::Error::other(message),
        ReadError::TooLarge(size) => std::io::Error::other(format!(
            "it is {size} bytes; the limit is {}",
            crate::yaml::MAX_BYTES
        )),
    })
}

/// A calendar file, built: its base, weekend and closure days, and the
/// days of the bank-holidays file its `holidays:` key names (a path
/// relative to the calendar file).
pub(crate) fn read_calendar_file(path: &Path) -> Result<Calendar, CalendarError> {
    let name = path.to_string_lossy();
    let bytes =
        read_bounded(path).map_err(|e| CalendarError::calendar_file_unreadable(&name, &e))?;
    let file = load_calendar_file(&name, &bytes)?;
    let calendar = Calendar::from_spec(&file.spec)?;
    match &file.holidays {
        None => Ok(calendar),
        Some(relative) => {
            let beside = path.parent().unwrap_or(Path::new("")).join(relative);
            let holidays = read_holidays_file(&beside, Some(&name))?;
            Ok(calendar.with_holidays(&holidays))
        }
    }
}

/// A calendar file read into a handle, for commands that hold either kind.
pub(crate) fn calendar_file_handle(
    path: &Path,
    map: &mut SourceMap,
) -> Result<CalendarHandle, Diagnostic> {
    read_calendar_file(path)
        .map(|c| CalendarHandle::Custom(Box::new(c)))
        .map_err(|e| diagnostic(&e, map))
}
