//! Calendars declared by a procedure or loaded from a YAML file: a built-in
//! base, another weekend, extra closure days, and (from a file) a
//! bank-holidays file to read.

use std::fmt;

use chrono::{NaiveDate, Weekday};
use miette::{NamedSource, SourceSpan};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::error::CALENDAR_FILE_HELP;
use super::text::decode;
use super::{parse_date, CalendarError, BUILTIN_NAMES, DEFAULT_CALENDAR};
use crate::suggest::did_you_mean;

/// A calendar built from a built-in one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarSpec {
    pub name: String,
    /// The name of the built-in calendar whose holidays it starts from.
    pub base: String,
    /// The days that are not working days; `None` keeps the base's.
    pub weekend: Option<Vec<Weekday>>,
    pub closed: Vec<ClosedDay>,
}

/// A day the organisation is closed on top of its base calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedDay {
    pub date: NaiveDate,
    pub title: String,
}

/// A calendar file: the calendar it declares, and the bank-holidays file
/// it names, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarFile {
    pub spec: CalendarSpec,
    /// The `holidays:` key as written: a path relative to the calendar
    /// file, for the caller to read.
    pub holidays: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendarFile {
    name: Option<String>,
    base: Option<String>,
    weekend: Option<Vec<WeekdayName>>,
    #[serde(default)]
    closed: Vec<ClosedEntry>,
    holidays: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClosedEntry {
    date: IsoDate,
    title: String,
}

/// A weekday written out in full, in any case: `saturday`, `Sunday`.
struct WeekdayName(Weekday);

/// A `YYYY-MM-DD` date within the covered years.
struct IsoDate(NaiveDate);

/// Parses a weekday name as written in calendar declarations.
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let day = match text.to_ascii_lowercase().as_str() {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

impl<'de> Deserialize<'de> for WeekdayName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = WeekdayName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a day of the week such as `saturday`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WeekdayName, E> {
                parse_weekday(v).map(WeekdayName).ok_or_else(|| {
                    E::custom(format!("`{v}` is not a day of the week (monday … sunday)"))
                })
            }
        }
        deserializer.deserialize_str(Name)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Date;
        impl Visitor<'_> for Date {
            type Value = IsoDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IsoDate, E> {
                parse_date(v)
                    .map(IsoDate)
                    .map_err(|e| E::custom(e.to_string()))
            }
        }
        deserializer.deserialize_str(Date)
    }
}

/// Reads a calendar file. `path` names the file in messages; `bytes` is
/// its content. The calendar's name defaults to the file's stem.
pub fn load_calendar_file(path: &str, bytes: &[u8]) -> Result<CalendarFile, CalendarError> {
    let fail = |message: String, help: String, text: &str, offset: Option<usize>| {
        CalendarError::CalendarFile {
            path: path.to_string(),
            message,
            help,
            source_code: std::sync::Arc::new(NamedSource::new(path, text.to_string())),
            span: offset.map(|o| SourceSpan::from((o.min(text.len()), 0))),
        }
    };
    let text = decode(bytes).map_err(|bad| {
        fail(
            format!(
                "line {}, column {}: the file is not UTF-8 text",
                bad.line, bad.column
            ),
            "save the file as UTF-8".to_string(),
            &bad.lossy,
            Some(bad.offset),
        )
    })?;
    let file: RawCalendarFile = crate::yaml::parse(&text).map_err(|p| {
        let at = crate::yaml::place(&text, p.offset);
        fail(
            format!("line {}, column {}: {}", at.line, at.column, p.message),
            CALENDAR_FILE_HELP.to_string(),
            &text,
            Some(at.offset),
        )
    })?;
    if let Some(base) = file.base.as_deref() {
        if !BUILTIN_NAMES.contains(&base) {
            let known = BUILTIN_NAMES.join(", ");
            let help = match did_you_mean(base, BUILTIN_NAMES) {
                Some(s) => format!("did you mean `{s}`? `base` is a built-in calendar: {known}"),
                None => format!("`base` is a built-in calendar: {known}"),
            };
            let (line, offset) = key_line(&text, "base");
            return Err(fail(
                format!("line {line}: unknown base calendar `{base}`"),
                help,
                &text,
                Some(offset),
            ));
        }
    }
    let name = file.name.unwrap_or_else(|| {
        std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "custom".to_string())
    });
    let spec = CalendarSpec {
        name,
        base: file.base.unwrap_or_else(|| DEFAULT_CALENDAR.to_string()),
        weekend: file
            .weekend
            .map(|days| days.into_iter().map(|d| d.0).collect()),
        closed: file
            .closed
            .into_iter()
            .map(|c| ClosedDay {
                date: c.date.0,
                title: c.title,
            })
            .collect(),
    };
    if spec.weekend.as_ref().is_some_and(|days| {
        let mut days = days.clone();
        days.sort_by_key(|d| d.num_days_from_monday());
        days.dedup();
        days.len() == 7
    }) {
        let (_, offset) = key_line(&text, "weekend");
        return Err(CalendarError::NoWorkingDays {
            name: spec.name,
            source_code: Some(std::sync::Arc::new(NamedSource::new(path, text.clone()))),
            span: Some(SourceSpan::from((offset, 0))),
        });
    }
    Ok(CalendarFile {
        spec,
        holidays: file.holidays,
    })
}

/// The line (1-based) and offset of a top-level key's value. serde_yaml
/// keeps no positions for values it read well, so the file is scanned for
/// the key; a calendar file is a small block mapping, where top-level keys
/// start their line.
fn key_line(text: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix(key) {
            if let Some(value) = rest.trim_start().strip_prefix(':') {
                let at = offset + line.len() - value.trim_start().len();
                return (i + 1, at);
            }
        }
        offset += line.len();
    }
    (1, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_calendar_file() {
        let text = "base: scotland\nweekend: [friday, Saturday]\nclosed:\n  - { date: 2026-12-29, title: Office closure }\n";
        let file =
            load_calendar_file("office.yaml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let spec = file.spec;
        assert_eq!(spec.name, "office");
        assert_eq!(spec.base, "scotland");
        assert_eq!(spec.weekend, Some(vec![Weekday::Fri, Weekday::Sat]));
        assert_eq!(spec.closed.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let text = "base: scotland\nclosed:\n  - { date: 2026-13-29, title: x }\n";
        let message = load_calendar_file("c.yaml", text.as_bytes())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.contains("line 3"), "{message}");
        let text = "base: scotland\nholiday: bh.json\n";
        let message = load_calendar_file("c.yaml", text.as_bytes())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("line 2") && message.contains("holiday"),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_base_is_placed_and_a_calendar_suggested() {
        let text = "name: office\nbase: scotlnd\n";
        let error = load_calendar_file("c.yaml", text.as_bytes())
            .map(|_| ())
            .unwrap_err();
        let CalendarError::CalendarFile { message, help, .. } = &error else {
            panic!("{error}");
        };
        assert!(message.starts_with("line 2"), "{message}");
        assert!(help.contains("did you mean `scotland`"), "{help}");
    }
}
