//! Case-management exports to case files: a CSV with one row per event
//! (or one row per case with a column per event) read through a mapping
//! that names the columns, into cases of the schema in docs/cases.md.
//!
//! Every bad row is an [`ImportError`] at its line and column; the rows
//! that are good still make their cases, and the caller decides whether
//! to write them (`--skip-bad`). Nothing here knows a procedure: the cases
//! are checked when they are replayed.

mod error;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use error::{ImportError, ImportErrorKind, InFile};

use crate::calendar::parse_date;
use crate::suggest::help_for;
use crate::yaml::Mapping as YamlMapping;

/// How an export holds its cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One row per event: columns for the case, the event and its date.
    Events,
    /// One row per case: a column per event holding its date (empty when
    /// it has not happened).
    Cases,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    layout: Option<Layout>,
    #[serde(default)]
    procedure: Option<String>,
    date_format: String,
    columns: RawColumns,
    #[serde(default)]
    facts: YamlMapping,
    #[serde(default)]
    people: YamlMapping,
    #[serde(default)]
    events: YamlMapping,
    #[serde(default)]
    values: YamlMapping,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    case: String,
    #[serde(default)]
    procedure: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A mapping file read: which column holds what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub layout: Layout,
    /// The procedure of every case, when no column names it.
    pub procedure: Option<String>,
    pub date_format: String,
    pub case: String,
    pub procedure_column: Option<String>,
    pub event: Option<String>,
    pub date: Option<String>,
    pub by: Option<String>,
    pub note: Option<String>,
    /// Fact name and the column holding it, in the mapping's order.
    pub facts: Vec<(String, String)>,
    /// Role and the column naming the person in that role.
    pub people: Vec<(String, String)>,
    /// For `layout: cases`: event name and the column holding its date.
    pub events: Vec<(String, String)>,
    /// The export's words for events and the procedure's names for them.
    pub values: HashMap<String, String>,
}

/// One case as a case file holds it (docs/cases.md).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportedCase {
    pub procedure: String,
    pub case: String,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub people: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub facts: serde_json::Map<String, serde_json::Value>,
    pub events: Vec<ImportedEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportedEvent {
    pub on: NaiveDate,
    pub event: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The cases made from the good rows, and a problem for every bad one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub cases: Vec<ImportedCase>,
    pub errors: Vec<ImportError>,
    /// Rows read, good and bad.
    pub rows: usize,
}

fn mapping_error(message: String, offset: usize) -> ImportError {
    ImportError {
        kind: ImportErrorKind::Mapping { message },
        file: InFile::Mapping,
        span: (offset, 1).into(),
    }
}

fn pairs(map: &YamlMapping, what: &str) -> Result<Vec<(String, String)>, ImportError> {
    map.iter()
        .map(|(k, v)| match (k.as_str(), v.as_str()) {
            (Some(k), Some(v)) => Ok((k.to_string(), v.to_string())),
            _ => Err(mapping_error(
                format!("`{what}` maps names to column names, both text"),
                0,
            )),
        })
        .collect()
}

/// Reads a mapping file.
pub fn read_mapping(text: &str) -> Result<Mapping, ImportError> {
    let raw: RawMapping =
        crate::yaml::parse(text).map_err(|p| mapping_error(p.message, p.offset))?;
    let layout = raw.layout.unwrap_or(Layout::Events);
    let events = pairs(&raw.events, "events")?;
    let values: HashMap<String, String> = pairs(&raw.values, "values")?.into_iter().collect();
    let need = |present: bool, what: &str| {
        if present {
            Ok(())
        } else {
            Err(mapping_error(what.to_string(), 0))
        }
    };
    match layout {
        Layout::Events => need(
            raw.columns.event.is_some() && raw.columns.date.is_some(),
            "`layout: events` needs `columns: { event: …, date: … }`",
        )?,
        Layout::Cases => need(
            !events.is_empty(),
            "`layout: cases` needs `events:`, each event's name and the column of its date",
        )?,
    }
    need(
        raw.procedure.is_some() || raw.columns.procedure.is_some(),
        "name the procedure: `procedure: cafcass`, or `columns: { procedure: … }`",
    )?;
    Ok(Mapping {
        layout,
        procedure: raw.procedure,
        date_format: raw.date_format,
        case: raw.columns.case,
        procedure_column: raw.columns.procedure,
        event: raw.columns.event,
        date: raw.columns.date,
        by: raw.columns.by,
        note: raw.columns.note,
        facts: pairs(&raw.facts, "facts")?,
        people: pairs(&raw.people, "people")?,
        events,
        values,
    })
}

/// A fact's cell as a value: `true`/`false` (any case) and whole numbers
/// typed, anything else text. The procedure checks the type on replay.
fn fact_value(cell: &str) -> serde_json::Value {
    if cell.eq_ignore_ascii_case("true") {
        serde_json::Value::Bool(true)
    } else if cell.eq_ignore_ascii_case("false") {
        serde_json::Value::Bool(false)
    } else if let Ok(n) = cell.parse::<i64>() {
        serde_json::Value::from(n)
    } else {
        serde_json::Value::String(cell.to_string())
    }
}

/// The byte offset of cell `index` in a CSV line, quotes and all.
fn cell_offset(line: &str, index: usize) -> usize {
    let (mut cell, mut quoted) = (0, false);
    if index == 0 {
        return 0;
    }
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                cell += 1;
                if cell == index {
                    return i + 1;
                }
            }
            '\n' if !quoted => break,
            _ => {}
        }
    }
    line.len()
}

/// The columns the mapping names, by their index in the header.
struct Columns {
    case: usize,
    procedure: Option<usize>,
    event: Option<usize>,
    date: Option<usize>,
    by: Option<usize>,
    note: Option<usize>,
    facts: Vec<(String, usize)>,
    people: Vec<(String, usize)>,
    events: Vec<(String, usize)>,
}

/// Reads an export through a mapping. Cases are in the order of their
/// first row; a case's events are in date order (rows of one date keep
/// theirs); a fact takes the last non-empty value its rows give.
pub fn import(export: &str, mapping: &Mapping) -> Imported {
    let mut imported = Imported::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(export.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            imported.errors.push(ImportError {
                kind: ImportErrorKind::Csv {
                    message: e.to_string(),
                },
                file: InFile::Export,
                span: (0, 1).into(),
            });
            return imported;
        }
    };
    let header_line = export.lines().next().unwrap_or("");
    let find = |column: &str| -> Result<usize, ImportError> {
        header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| ImportError {
                kind: ImportErrorKind::NoSuchColumn {
                    column: column.to_string(),
                    header: header.join(", "),
                    help: help_for(column, "column", header.iter().map(String::as_str)),
                },
                file: InFile::Export,
                span: (0, header_line.len().max(1)).into(),
            })
    };
    let optional = |column: &Option<String>| column.as_deref().map(find).transpose();
    let named = |list: &[(String, String)]| -> Result<Vec<(String, usize)>, ImportError> {
        list.iter()
            .map(|(name, column)| Ok((name.clone(), find(column)?)))
            .collect()
    };
    let columns = (|| {
        Ok::<_, ImportError>(Columns {
            case: find(&mapping.case)?,
            procedure: optional(&mapping.procedure_column)?,
            event: optional(&mapping.event)?,
            date: optional(&mapping.date)?,
            by: optional(&mapping.by)?,
            note: optional(&mapping.note)?,
            facts: named(&mapping.facts)?,
            people: named(&mapping.people)?,
            events: named(&mapping.events)?,
        })
    })();
    let columns = match columns {
        Ok(c) => c,
        Err(e) => {
            imported.errors.push(e);
            return imported;
        }
    };
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                imported.rows += 1;
                let offset = e
                    .position()
                    .map_or(start, |p| p.byte() as usize)
                    .min(export.len());
                imported.errors.push(ImportError {
                    kind: ImportErrorKind::Csv {
                        message: match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => format!("{len} cells where the header has {expected_len}"),
                            _ => e.to_string(),
                        },
                    },
                    file: InFile::Export,
                    span: (offset, 1).into(),
                });
                continue;
            }
        }
        imported.rows += 1;
        let offset = record
            .position()
            .map_or(start, |p| p.byte() as usize)
            .min(export.len());
        let line = &export[offset..];
        let at = |i: usize| -> miette::SourceSpan {
            let from = offset + cell_offset(line, i);
            let len = record.get(i).map_or(0, str::len).max(1);
            (from, len).into()
        };
        match row(&record, &columns, mapping, &at) {
            Ok((case, procedure, mut events, facts, people)) => {
                let index = match by_id.get(&case) {
                    Some(&i) => {
                        if imported.cases[i].procedure != procedure {
                            let column = columns.procedure.unwrap_or(columns.case);
                            imported.errors.push(ImportError {
                                kind: ImportErrorKind::TwoProcedures {
                                    case: case.clone(),
                                    first: imported.cases[i].procedure.clone(),
                                    this: procedure,
                                },
                                file: InFile::Export,
                                span: at(column),
                            });
                            continue;
                        }
                        i
                    }
                    None => {
                        by_id.insert(case.clone(), imported.cases.len());
                        imported.cases.push(ImportedCase {
                            procedure,
                            case,
                            people: serde_json::Map::new(),
                            facts: serde_json::Map::new(),
                            events: Vec::new(),
                        });
                        imported.cases.len() - 1
                    }
                };
                let case = &mut imported.cases[index];
                case.events.append(&mut events);
                case.facts.extend(facts);
                case.people.extend(people);
            }
            Err(e) => imported.errors.push(e),
        }
    }
    for case in &mut imported.cases {
        case.events.sort_by_key(|e| e.on);
    }
    imported
}

type Row = (
    String,
    String,
    Vec<ImportedEvent>,
    Vec<(String, serde_json::Value)>,
    Vec<(String, serde_json::Value)>,
);

/// One row's case id, procedure, events, facts and people.
fn row(
    record: &csv::StringRecord,
    columns: &Columns,
    mapping: &Mapping,
    at: &dyn Fn(usize) -> miette::SourceSpan,
) -> Result<Row, ImportError> {
    let cell = |i: usize| record.get(i).unwrap_or("");
    let error = |i: usize, kind: ImportErrorKind| ImportError {
        kind,
        file: InFile::Export,
        span: at(i),
    };
    let required = |i: usize, column: &str, what: &str| {
        let text = cell(i);
        if text.is_empty() {
            Err(error(
                i,
                ImportErrorKind::Empty {
                    column: column.to_string(),
                    what: what.to_string(),
                },
            ))
        } else {
            Ok(text.to_string())
        }
    };
    let date = |i: usize, column: &str| {
        let text = cell(i);
        NaiveDate::parse_from_str(text, &mapping.date_format)
            .ok()
            .filter(|d| crate::calendar::check_in_range(*d).is_ok())
            .or_else(|| parse_date(text).ok())
            .ok_or_else(|| {
                error(
                    i,
                    ImportErrorKind::BadDate {
                        text: text.to_string(),
                        column: column.to_string(),
                        format: mapping.date_format.clone(),
                    },
                )
            })
    };
    let case = required(columns.case, &mapping.case, "case id")?;
    let procedure = match (columns.procedure, &mapping.procedure) {
        (Some(i), fallback) => {
            let text = cell(i);
            match (text.is_empty(), fallback) {
                (false, _) => text.to_string(),
                (true, Some(p)) => p.clone(),
                (true, None) => required(
                    i,
                    mapping.procedure_column.as_deref().unwrap_or(""),
                    "procedure",
                )?,
            }
        }
        (None, Some(p)) => p.clone(),
        (None, None) => String::new(),
    };
    let optional = |i: Option<usize>| i.map(cell).filter(|t| !t.is_empty()).map(str::to_string);
    let mut events = Vec::new();
    match mapping.layout {
        Layout::Events => {
            if let (Some(e), Some(d)) = (columns.event, columns.date) {
                let name = required(e, mapping.event.as_deref().unwrap_or(""), "event")?;
                required(d, mapping.date.as_deref().unwrap_or(""), "date")?;
                let on = date(d, mapping.date.as_deref().unwrap_or(""))?;
                events.push(ImportedEvent {
                    on,
                    event: mapping.values.get(&name).cloned().unwrap_or(name),
                    by: optional(columns.by),
                    note: optional(columns.note),
                });
            }
        }
        Layout::Cases => {
            for ((name, column), (_, i)) in mapping.events.iter().zip(&columns.events) {
                if cell(*i).is_empty() {
                    continue;
                }
                events.push(ImportedEvent {
                    on: date(*i, column)?,
                    event: name.clone(),
                    by: None,
                    note: None,
                });
            }
        }
    }
    let facts = columns
        .facts
        .iter()
        .filter(|(_, i)| !cell(*i).is_empty())
        .map(|(name, i)| (name.clone(), fact_value(cell(*i))))
        .collect();
    let people = columns
        .people
        .iter()
        .filter(|(_, i)| !cell(*i).is_empty())
        .map(|(role, i)| (role.clone(), serde_json::Value::from(cell(*i))))
        .collect();
    Ok((case, procedure, events, facts, people))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_found_after_quoted_commas() {
        let line = "A,\"Smith, J\",03/03/2026\nnext";
        assert_eq!(
            &line[cell_offset(line, 2)..cell_offset(line, 2) + 10],
            "03/03/2026"
        );
        assert_eq!(cell_offset(line, 0), 0);
    }
}
