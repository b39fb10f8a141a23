//! Calendars declared by a procedure or loaded from a YAML file: a built-in
//! base, another weekend, extra closure days.

use std::fmt;

use chrono::{NaiveDate, Weekday};
use miette::{NamedSource, SourceSpan};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{parse_date, CalendarError, DEFAULT_CALENDAR};

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    name: Option<String>,
    base: Option<String>,
    weekend: Option<Vec<WeekdayName>>,
    #[serde(default)]
    closed: Vec<ClosedEntry>,
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

/// Reads a calendar file. `path` names the file in messages; `text` is its
/// content. The calendar's name defaults to the file's stem.
pub fn load_calendar_file(path: &str, text: &str) -> Result<CalendarSpec, CalendarError> {
    let fail = |message: String, offset: Option<usize>| CalendarError::CalendarFile {
        path: path.to_string(),
        message,
        source_code: std::sync::Arc::new(NamedSource::new(path, text.to_string())),
        span: offset.map(|o| SourceSpan::from((o.min(text.len()), 0))),
    };
    let file: CalendarFile = crate::yaml::parse(text).map_err(|p| {
        let at = crate::yaml::place(text, p.offset);
        fail(
            format!("line {}, column {}: {}", at.line, at.column, p.message),
            Some(at.offset),
        )
    })?;
    let name = file.name.unwrap_or_else(|| {
        std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "custom".to_string())
    });
    Ok(CalendarSpec {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_calendar_file() {
        let text = "base: scotland\nweekend: [friday, Saturday]\nclosed:\n  - { date: 2026-12-29, title: Office closure }\n";
        let spec = load_calendar_file("office.yaml", text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.name, "office");
        assert_eq!(spec.base, "scotland");
        assert_eq!(spec.weekend, Some(vec![Weekday::Fri, Weekday::Sat]));
        assert_eq!(spec.closed.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let text = "base: scotland\nclosed:\n  - { date: 2026-13-29, title: x }\n";
        let message = load_calendar_file("c.yaml", text)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(message.contains("line 3"), "{message}");
        let text = "base: scotland\nholidays: []\n";
        let message = load_calendar_file("c.yaml", text)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("line 2") && message.contains("holidays"),
            "{message}"
        );
    }
}
