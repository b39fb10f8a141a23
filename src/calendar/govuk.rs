//! Bank holidays as data: the UK Government's `bank-holidays.json`
//! (https://www.gov.uk/bank-holidays.json), so that a proclamation made
//! after a release is one file away rather than one release away.
//!
//! The format: an object whose keys are divisions (`england-and-wales`,
//! `scotland`, `northern-ireland`), each `{"division": …, "events":
//! [{"title", "date", "notes", "bunting"}]}`. `title`, `date` and `notes`
//! are used; other fields are allowed, so that a file downloaded from
//! gov.uk is read as it is.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use miette::{NamedSource, SourceSpan};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::holidays::{Division, Holiday, HolidaySource};
use super::text::{decode, offset_of};
use super::{CalendarError, BUILTIN_NAMES, FIRST_YEAR, LAST_YEAR};
use crate::suggest::did_you_mean;

/// The bank holidays a file lists, by division.
#[derive(Clone, Debug)]
pub struct HolidayFile {
    path: Arc<str>,
    divisions: Vec<(Division, Vec<Holiday>)>,
}

impl HolidayFile {
    /// The path the file was given as, which is also its days' source.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The days the file lists for `division`, or `None` when it has no
    /// entry for that division.
    pub fn days(&self, division: Division) -> Option<&[Holiday]> {
        self.divisions
            .iter()
            .find(|(d, _)| *d == division)
            .map(|(_, days)| days.as_slice())
    }

    /// The years the file covers for `division`: those with at least one
    /// day listed. Their computed days are replaced by the file's.
    pub fn years(&self, division: Division) -> BTreeSet<i32> {
        self.days(division)
            .unwrap_or_default()
            .iter()
            .map(|h| h.date.year())
            .collect()
    }
}

// Problems found while deserialising are raised through serde_json so that
// it attaches the line and column; these prefixes tell them apart again.
const UNKNOWN_DIVISION: &str = "unknown division: ";
const OUT_OF_RANGE: &str = "out of range: ";

struct Divisions(Vec<(Division, Vec<Holiday>)>);

#[derive(Deserialize)]
struct DivisionEntry {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    title: String,
    date: FileDate,
    /// gov.uk marks substitute days here ("Substitute day") rather than in
    /// the title; kept so that the day reads as the built-in ones do.
    #[serde(default)]
    notes: String,
}

struct FileDate(NaiveDate);

struct DivisionKey;

impl<'de> DeserializeSeed<'de> for DivisionKey {
    type Value = Division;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Division, D::Error> {
        let name = String::deserialize(deserializer)?;
        Division::from_name(&name)
            .ok_or_else(|| de::Error::custom(format!("{UNKNOWN_DIVISION}{name}")))
    }
}

impl<'de> Deserialize<'de> for Divisions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Map;
        impl<'de> Visitor<'de> for Map {
            type Value = Divisions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object whose keys are divisions such as \"scotland\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Divisions, A::Error> {
                let mut out: Vec<(Division, Vec<Holiday>)> = Vec::new();
                while let Some(division) = map.next_key_seed(DivisionKey)? {
                    let entry: DivisionEntry = map.next_value()?;
                    if out.iter().any(|(d, _)| *d == division) {
                        return Err(de::Error::custom(format!(
                            "division `{}` is given twice",
                            division.name()
                        )));
                    }
                    let days = entry
                        .events
                        .into_iter()
                        .map(|e| Holiday {
                            date: e.date.0,
                            title: if e.notes.trim().is_empty() {
                                e.title
                            } else {
                                format!("{} ({})", e.title, e.notes.trim())
                            },
                            source: HolidaySource::Rule,
                        })
                        .collect();
                    out.push((division, days));
                }
                Ok(Divisions(out))
            }
        }
        deserializer.deserialize_map(Map)
    }
}

impl<'de> Deserialize<'de> for FileDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .ok()
            .filter(|_| super::is_iso_shape(&text))
            .ok_or_else(|| {
                de::Error::custom(format!("`{text}` is not a date written YYYY-MM-DD"))
            })?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            return Err(de::Error::custom(format!("{OUT_OF_RANGE}{text}")));
        }
        Ok(FileDate(date))
    }
}

/// Reads a bank-holidays file. `path` names it in messages and becomes the
/// source of its days; `bytes` is its content.
pub fn load_holidays_file(path: &str, bytes: &[u8]) -> Result<HolidayFile, CalendarError> {
    let source = |text: &str| Arc::new(NamedSource::new(path, text.to_string()));
    let text = decode(bytes).map_err(|bad| CalendarError::HolidaysFile {
        path: path.to_string(),
        message: format!(
            "line {}, column {}: the file is not UTF-8 text",
            bad.line, bad.column
        ),
        source_code: source(&bad.lossy),
        span: Some(SourceSpan::from((bad.offset, 0))),
    })?;
    let divisions: Divisions = serde_json::from_str(&text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let offset = offset_of(&text, line, column);
        let full = e.to_string();
        let message = full
            .rfind(" at line ")
            .map_or(full.as_str(), |i| &full[..i])
            .to_string();
        // serde_json places the error at the offending string's closing
        // quote: underline the whole string.
        let quoted = |value: &str| {
            let len = value.len() + 2;
            let end = offset + 1;
            let start = end.saturating_sub(len);
            if text.get(start..end) == Some(format!("\"{value}\"").as_str()) {
                SourceSpan::from((start, len))
            } else {
                SourceSpan::from((offset, 0))
            }
        };
        if let Some(name) = message.strip_prefix(UNKNOWN_DIVISION) {
            let help = match did_you_mean(name, BUILTIN_NAMES) {
                Some(s) => format!(
                    "did you mean `{s}`? The divisions are: {}",
                    BUILTIN_NAMES.join(", ")
                ),
                None => format!("the divisions are: {}", BUILTIN_NAMES.join(", ")),
            };
            return CalendarError::UnknownDivision {
                path: path.to_string(),
                line,
                name: name.to_string(),
                help,
                source_code: source(&text),
                span: Some(quoted(name)),
            };
        }
        if let Some(date) = message.strip_prefix(OUT_OF_RANGE) {
            if let Ok(parsed) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                return CalendarError::HolidayOutOfRange {
                    path: path.to_string(),
                    line,
                    date: parsed,
                    first: FIRST_YEAR,
                    last: LAST_YEAR,
                    source_code: source(&text),
                    span: Some(quoted(date)),
                };
            }
        }
        CalendarError::HolidaysFile {
            path: path.to_string(),
            message: format!("line {line}, column {column}: {message}"),
            source_code: source(&text),
            span: Some(SourceSpan::from((offset, 0))),
        }
    })?;
    let path: Arc<str> = Arc::from(path);
    let mut divisions = divisions.0;
    for (_, days) in &mut divisions {
        for day in days.iter_mut() {
            day.source = HolidaySource::File(path.clone());
        }
        days.sort_by_key(|h| h.date);
        days.dedup_by_key(|h| h.date);
    }
    Ok(HolidayFile { path, divisions })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
  "scotland": {
    "division": "scotland",
    "events": [
      {"title": "Extra bank holiday", "date": "2026-06-15", "notes": "", "bunting": true}
    ]
  }
}"#;

    #[test]
    fn reads_the_govuk_shape_and_ignores_other_fields() {
        let file =
            load_holidays_file("bh.json", SAMPLE.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let days = file.days(Division::Scotland).unwrap_or_default();
        assert_eq!(days.len(), 1);
        assert_eq!(days[0].source.label(), "bh.json");
        assert_eq!(
            file.years(Division::Scotland)
                .into_iter()
                .collect::<Vec<_>>(),
            [2026]
        );
        assert!(file.days(Division::EnglandAndWales).is_none());
    }

    #[test]
    fn problems_name_their_line() {
        let bad = SAMPLE.replace("\"scotland\": {", "\"scotlnd\": {");
        let e = load_holidays_file("bh.json", bad.as_bytes())
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(&e, CalendarError::UnknownDivision { line: 2, .. }),
            "{e}"
        );
        let bad = SAMPLE.replace("2026-06-15", "2226-06-15");
        let e = load_holidays_file("bh.json", bad.as_bytes())
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(&e, CalendarError::HolidayOutOfRange { line: 5, .. }),
            "{e}"
        );
        let bad = SAMPLE.replace("\"title\": \"Extra bank holiday\", ", "");
        let e = load_holidays_file("bh.json", bad.as_bytes())
            .map(|_| ())
            .unwrap_err();
        assert!(
            e.to_string().contains("line 5") && e.to_string().contains("title"),
            "{e}"
        );
        let e = load_holidays_file("bh.json", b"{\n\xff}")
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("line 2, column 1"), "{e}");
    }
}
