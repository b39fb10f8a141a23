//! Case files: YAML read against a compiled procedure into an engine
//! [`Case`], with every problem placed at its line.
//!
//! The format is in docs/cases.md. Reading reports every problem it finds;
//! replaying stops at the first event that cannot happen, and
//! [`locate_replay_error`] places that on the event's line.

pub mod bulk;
mod error;
mod expect;
pub mod locate;
pub mod quick;
mod quick_json;
mod yaml_words;

use std::sync::Arc;

use chrono::NaiveDate;
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;

use crate::calendar::{parse_date, CalendarError, CalendarHandle, BUILTIN_NAMES};
use crate::check::ir::{Builtin, EventId, FactId, Procedure, RoleId, Type, Unit, Value};
use crate::engine::{Case, CaseEvent, ExtensionRequest, Holder, ReplayError};
use crate::suggest::help_for;
use crate::yaml::{index, key, locate, Mapping, PathPart, SmallMap, Value as Yaml};

pub use error::{CaseError, CaseErrorKind, CaseProblem};
use expect::NOT_STARTED;
pub use expect::{compare, judge, reasons_of, Expect, ExpectedError, Judgement, Mismatch};

/// What `procedure:` and `version:` say, read before the procedure is
/// known (`redress test` uses it to find the procedure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub procedure: String,
    pub version: Option<String>,
}

/// A case file read against its procedure.
#[derive(Debug)]
pub struct Loaded {
    pub case: Case,
    pub calendar: CalendarHandle,
    pub expect: Option<Expect>,
    /// The case says it is received before the procedure's effective date
    /// on purpose (`before_effective: deliberate`).
    pub before_effective_deliberate: bool,
    /// The person the case names in a role, by role name.
    pub people: Vec<(String, String)>,
    /// Old forms still read, each a warning at its place (W0601).
    pub warnings: Vec<CaseError>,
}

/// The date of a parsed case's first event, if it is written as a date:
/// the `received` date versions are chosen by.
pub fn received_of(parsed: &Parsed) -> Option<NaiveDate> {
    let first = parsed.raw.events.first()?;
    match first.get(&Yaml::String("on".into()))? {
        Yaml::String(text) => parse_date(text).ok(),
        _ => None,
    }
}

/// The settings file a parsed case names (`settings: FILE`), relative to
/// the case file; the caller reads it and applies it to the procedure
/// before [`load_parsed`].
pub fn settings_of(parsed: &Parsed) -> Option<&str> {
    parsed.raw.settings.as_deref()
}

/// A case file parsed once, before its procedure is known: what
/// `procedure:` and `version:` say, to find the procedure, and the rest,
/// to read against it with [`load_parsed`].
pub struct Parsed {
    pub header: Header,
    raw: RawCase,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    procedure: Yaml,
    #[serde(default)]
    version: Option<Yaml>,
    case: Yaml,
    #[serde(default)]
    calendar: Option<String>,
    #[serde(default)]
    facts: SmallMap,
    /// The person in each role, for a team's lists (`redress status --by
    /// person`): `people: { line_manager: Sam Patel }`.
    #[serde(default)]
    people: SmallMap,
    events: Vec<SmallMap>,
    #[serde(default)]
    expect: Option<RawExpect>,
    /// `deliberate`: the case is received before the procedure took
    /// effect on purpose (otherwise `redress test` fails it).
    #[serde(default)]
    before_effective: Option<String>,
    /// The organisation's settings file, relative to the case file.
    #[serde(default)]
    settings: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    at: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    step: Option<String>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    due: Mapping,
    #[serde(default)]
    breaches: Option<Vec<String>>,
    #[serde(default)]
    routes: Option<Vec<String>>,
    #[serde(default)]
    late_with_reason: Option<Vec<String>>,
    #[serde(default)]
    error: Option<RawExpectedError>,
    /// `tracks: { remedial_actions: done }`.
    #[serde(default)]
    tracks: Mapping,
    /// `notices: { refusal_letter: overdue }`: notices a rejection owes.
    #[serde(default)]
    notices: Mapping,
}

/// `error: E0805` or `error: { code: E0803, reason: beyond_ceiling }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawExpectedError {
    Code(String),
    Reasoned(RawReasonedError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReasonedError {
    code: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct RawHeader {
    #[serde(default)]
    procedure: Option<Yaml>,
    #[serde(default)]
    version: Option<Yaml>,
}

const TOP_KEYS_HELP: &str =
    "a case file has `procedure`, `case`, `events`, and optionally `version`, `calendar`, `settings`, `facts`, `people` and `expect` (docs/cases.md)";

/// Where a value is in the file, worked out only when there is a problem
/// to place: a large file has many values and few problems.
type Place<'p> = &'p dyn Fn() -> Vec<PathPart>;

/// Keys every event may have; `extended` and `paused` have more.
/// `reason` is free text, as `note` is; it counts only where the event
/// meets a soft deadline late.
const EVENT_KEYS: [&str; 8] = [
    "on", "event", "by", "facts", "note", "reason", "person", "chair",
];

/// Reads a case file against its procedure.
pub struct Reader<'a> {
    name: &'a str,
    text: &'a str,
    source: Option<Arc<NamedSource<String>>>,
    procedure: &'a Procedure,
    errors: Vec<CaseError>,
    /// Problems past `MAX_SHOWN_PROBLEMS`, counted, and where the first was.
    unshown: usize,
    first_unshown: Vec<PathPart>,
    warnings: Vec<CaseError>,
}

/// The text of a scalar, for ids and versions written as numbers.
/// A value as a case file would write it on one line, for a message:
/// `[A. Patel, B. Khan]` rather than YAML's block list.
fn one_line(value: &Yaml) -> String {
    match value {
        Yaml::Sequence(items) => format!(
            "[{}]",
            items.iter().map(one_line).collect::<Vec<_>>().join(", ")
        ),
        Yaml::Mapping(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", one_line(k), one_line(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => scalar_text(other).unwrap_or_else(|| {
            crate::yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string()
        }),
    }
}

fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A file that cannot be read as YAML, as a case error at its place; a
/// syntax slip is said in plain words where it can be.
fn yaml_error(name: &str, text: &str, problem: &crate::yaml::Problem) -> CaseError {
    let message = problem.message.clone();
    let (message, help) =
        if let Some(plain) = yaml_words::plain_yaml_message(text, &message, problem.offset) {
            plain
        } else if message.contains("unknown field") || message.contains("missing field") {
            (message, TOP_KEYS_HELP.to_string())
        } else {
            (
                message,
                "check the YAML around this line; docs/cases.md shows the format".to_string(),
            )
        };
    error_at(
        text,
        &Arc::new(NamedSource::new(name, text.to_string())),
        problem.offset,
        CaseProblem::Load(CaseErrorKind::Yaml { message, help }),
    )
}

/// A problem placed at `offset` in a YAML file's text.
pub fn error_at(
    text: &str,
    source: &Arc<NamedSource<String>>,
    offset: usize,
    problem: CaseProblem,
) -> CaseError {
    let crate::yaml::Place {
        offset,
        line,
        column,
        length,
    } = crate::yaml::place(text, offset);
    CaseError {
        problem: Box::new(problem),
        source: Arc::clone(source),
        span: SourceSpan::from((offset, length)),
        line,
        column,
    }
}

/// Reads `procedure:` and `version:` only.
pub fn read_header(name: &str, text: &str) -> Result<Header, CaseError> {
    let raw: RawHeader = crate::yaml::parse(text).map_err(|e| yaml_error(name, text, &e))?;
    let source = Arc::new(NamedSource::new(name, text.to_string()));
    let procedure = raw
        .procedure
        .as_ref()
        .and_then(scalar_text)
        .ok_or_else(|| {
            error_at(
                text,
                &source,
                0,
                CaseProblem::Load(CaseErrorKind::MissingKey {
                    key: "procedure".into(),
                    context: "the case file".into(),
                    help: "name the procedure's id: `procedure: cafcass`".into(),
                }),
            )
        })?;
    Ok(Header {
        procedure,
        version: raw.version.as_ref().and_then(scalar_text),
    })
}

/// Parses a case file once: its header, to find the procedure, and the
/// rest for [`load_parsed`].
pub fn parse(name: &str, text: &str) -> Result<Parsed, CaseError> {
    let raw: RawCase = crate::yaml::parse(text).map_err(|e| yaml_error(name, text, &e))?;
    let header = Header {
        procedure: scalar_text(&raw.procedure).unwrap_or_default(),
        version: raw.version.as_ref().and_then(scalar_text),
    };
    Ok(Parsed { header, raw })
}

/// Parses a case written as JSON (a line of a JSON Lines file): the same
/// schema as a YAML case file, read by a JSON parser, which is many times
/// faster than the YAML one on the same text. Problems are placed the same
/// way, since JSON is YAML.
pub fn parse_json(name: &str, text: &str) -> Result<Parsed, CaseError> {
    let raw: RawCase = serde_json::from_str(text).map_err(|e| {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        let problem = crate::yaml::Problem {
            offset: (line_start + e.column().saturating_sub(1)).min(text.len()),
            message,
        };
        yaml_error(name, text, &problem)
    })?;
    let header = Header {
        procedure: scalar_text(&raw.procedure).unwrap_or_default(),
        version: raw.version.as_ref().and_then(scalar_text),
    };
    Ok(Parsed { header, raw })
}

/// Reads a case file against `procedure`, reporting every problem found.
pub fn load(name: &str, text: &str, procedure: &Procedure) -> Result<Loaded, Vec<CaseError>> {
    let parsed = parse(name, text).map_err(|e| vec![e])?;
    load_parsed(name, text, parsed, procedure)
}

/// Reads a parsed case file (`text` is what it was parsed from, to place
/// problems) against `procedure`, reporting every problem found.
pub fn load_parsed(
    name: &str,
    text: &str,
    parsed: Parsed,
    procedure: &Procedure,
) -> Result<Loaded, Vec<CaseError>> {
    let raw = parsed.raw;
    let mut reader = Reader {
        text,
        name,
        source: None,
        procedure,
        errors: Vec::new(),
        unshown: 0,
        first_unshown: Vec::new(),
        warnings: Vec::new(),
    };
    let loaded = reader.read(raw);
    match loaded {
        Some(mut loaded) if reader.errors.is_empty() => {
            loaded.warnings = reader.warnings;
            Ok(loaded)
        }
        _ => Err(reader.into_errors()),
    }
}

/// Places a replay error on the event (and key) it is about.
pub fn locate_replay_error(name: &str, text: &str, error: &ReplayError) -> CaseError {
    let mut path = vec![key("events"), index(error.event)];
    if let Some(k) = error.key {
        path.push(key(k));
    } else {
        path.push(key("event"));
    }
    let offset = locate(text, &path).unwrap_or(0);
    error_at(
        text,
        &Arc::new(NamedSource::new(name, text.to_string())),
        offset,
        CaseProblem::Replay(error.kind.clone()),
    )
}

/// Parses `20 working days`, `3 weeks`, `1 month`. A duration longer than
/// the calendars' 230 years is refused here, where it can be called what
/// it is, rather than reported later as a date out of range.
pub fn parse_duration(text: &str) -> Option<(u32, Unit)> {
    let mut words = text.split_whitespace();
    let amount: u32 = words.next()?.parse().ok().filter(|n| *n > 0)?;
    let rest: Vec<&str> = words.collect();
    let (unit, most) = match rest.as_slice() {
        ["working" | "business", "day" | "days"] => (Unit::WorkingDays, 60_000),
        ["day" | "days"] => (Unit::Days, 84_000),
        ["week" | "weeks"] => (Unit::Weeks, 12_000),
        ["month" | "months"] => (Unit::Months, 2_760),
        ["year" | "years"] => (Unit::Years, 230),
        _ => return None,
    };
    (amount <= most).then_some((amount, unit))
}

/// The problems of one case file placed and shown; past it they are
/// counted (E0615).
const MAX_SHOWN_PROBLEMS: usize = 50;

impl Reader<'_> {
    fn error(&mut self, path: &[PathPart], kind: CaseErrorKind) {
        if self.errors.len() >= MAX_SHOWN_PROBLEMS {
            if self.unshown == 0 {
                self.first_unshown = path.to_vec();
            }
            self.unshown += 1;
            return;
        }
        self.place(path, kind);
    }

    /// Every problem read, and the count of those not shown, as one list.
    fn into_errors(mut self) -> Vec<CaseError> {
        if self.unshown > 0 {
            let path = std::mem::take(&mut self.first_unshown);
            self.place(
                &path,
                CaseErrorKind::TooManyProblems {
                    more: self.unshown,
                    shown: MAX_SHOWN_PROBLEMS,
                },
            );
        }
        self.errors
    }

    fn place(&mut self, path: &[PathPart], kind: CaseErrorKind) {
        let offset = locate(self.text, path).unwrap_or(0);
        // The file's text is copied into the error's source only when
        // there is an error, not for every case read.
        let (name, text) = (self.name, self.text);
        let source = self
            .source
            .get_or_insert_with(|| Arc::new(NamedSource::new(name, text.to_string())));
        let error = error_at(self.text, source, offset, CaseProblem::Load(kind));
        self.errors.push(error);
    }

    /// An old form still read: placed like an error, kept apart so that
    /// the case still loads.
    fn warn(&mut self, path: &[PathPart], kind: CaseErrorKind) {
        let before = self.errors.len();
        self.place(path, kind);
        self.warnings.extend(self.errors.drain(before..));
    }

    fn read(&mut self, raw: RawCase) -> Option<Loaded> {
        let procedure = self.procedure;
        let case_procedure = scalar_text(&raw.procedure).unwrap_or_default();
        if case_procedure != procedure.id {
            self.error(
                &[key("procedure")],
                CaseErrorKind::WrongProcedure {
                    case: case_procedure,
                    procedure: procedure.id.clone(),
                },
            );
            return None;
        }
        if let (Some(case_version), Some(version)) = (
            raw.version.as_ref().and_then(scalar_text),
            &procedure.version,
        ) {
            if &case_version != version {
                self.error(
                    &[key("version")],
                    CaseErrorKind::WrongVersion {
                        case: case_version,
                        procedure: version.clone(),
                    },
                );
            }
        }
        let case = scalar_text(&raw.case);
        if case.as_deref().is_none_or(|c| c.trim().is_empty()) {
            self.error(
                &[key("case")],
                CaseErrorKind::BadValue {
                    what: "case reference".into(),
                    found: crate::yaml::to_string(&raw.case)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                    expected: "give the case's reference: `case: CAF-2026-0042`".into(),
                },
            );
        }
        let calendar = self.calendar(raw.calendar.as_deref());
        let mut facts = vec![None; procedure.facts.len()];
        for (k, v) in raw.facts.iter() {
            if let Some((id, value)) = self.fact(&|| vec![key("facts")], k, v) {
                facts[id.index()] = Some(value);
            }
        }
        let events = self.events(&raw.events);
        let mut people = Vec::new();
        let mut holders = Vec::new();
        for (role, held) in raw.people.iter() {
            let path = [key("people"), key(&scalar_text(role).unwrap_or_default())];
            let Some(id) = self.role(&|| path.to_vec(), role) else {
                continue;
            };
            if let Some(held) = self.holder(&path, id, held) {
                people.push((procedure.roles[id.index()].name.clone(), held.words()));
                holders.push((id, held));
            }
        }
        let expect = raw.expect.and_then(|e| self.expect(e));
        let before_effective_deliberate = match raw.before_effective.as_deref() {
            None => false,
            Some("deliberate") => true,
            Some(other) => {
                self.error(
                    &[key("before_effective")],
                    CaseErrorKind::BadValue {
                        what: "value of `before_effective`".into(),
                        found: other.to_string(),
                        expected: "write `before_effective: deliberate` for a case received before the procedure took effect on purpose".into(),
                    },
                );
                false
            }
        };
        Some(Loaded {
            case: Case {
                id: case.unwrap_or_default(),
                facts,
                events,
                people: holders,
            },
            calendar: calendar?,
            expect,
            before_effective_deliberate,
            people,
            warnings: Vec::new(),
        })
    }

    /// The case's calendar if it names one, else the procedure's.
    fn calendar(&mut self, name: Option<&str>) -> Option<CalendarHandle> {
        let procedure = self.procedure;
        let name = name.unwrap_or(procedure.calendar_name());
        match procedure.calendar_named(name) {
            Ok(calendar) => Some(calendar),
            Err(_) => {
                let known: Vec<&str> = BUILTIN_NAMES
                    .iter()
                    .copied()
                    .chain(procedure.calendars.iter().map(|c| c.name.as_str()))
                    .collect();
                self.error(
                    &[key("calendar")],
                    CaseErrorKind::UnknownCalendar {
                        name: name.to_string(),
                        help: help_for(name, "calendar", known.iter().copied()),
                    },
                );
                None
            }
        }
    }

    /// A fact's value, typed against its declaration.
    fn fact(&mut self, at: Place<'_>, k: &Yaml, v: &Yaml) -> Option<(FactId, Value)> {
        let procedure = self.procedure;
        let name = scalar_text(k).unwrap_or_default();
        let path = || {
            let mut path = at();
            path.push(key(&name));
            path
        };
        let Some(i) = procedure.facts.iter().position(|f| f.name == name) else {
            self.error(
                &path(),
                CaseErrorKind::UnknownFact {
                    help: help_for(
                        &name,
                        "fact",
                        procedure.facts.iter().map(|f| f.name.as_str()),
                    ),
                    name,
                },
            );
            return None;
        };
        if procedure.setting(FactId(i as u32)).is_some() {
            self.error(&path(), CaseErrorKind::SettingInCase { name });
            return None;
        }
        let value = self.value(
            &path,
            &|| format!("value for fact `{name}`"),
            &procedure.facts[i].ty,
            v,
        )?;
        Some((FactId(i as u32), value))
    }

    /// A value of type `ty`. The words of the problem (`what`, and the
    /// suggestions) are worked out only when there is one: a large file
    /// has many valid values and few bad ones.
    fn value(
        &mut self,
        path: Place<'_>,
        what: &dyn Fn() -> String,
        ty: &Type,
        v: &Yaml,
    ) -> Option<Value> {
        let value = match ty {
            Type::Bool => v.as_bool().map(Value::Bool),
            Type::Date => v.as_str().and_then(|s| parse_date(s).ok()).map(Value::Date),
            Type::Duration => v
                .as_str()
                .and_then(parse_duration)
                .map(|(n, u)| Value::Duration(n, u)),
            Type::Text => scalar_text(v).map(Value::Text),
            Type::Enum(values) => v
                .as_str()
                .and_then(|s| values.iter().position(|x| x == s))
                .map(|i| Value::Enum(i as u32)),
        };
        if value.is_some() {
            return value;
        }
        let found = match v {
            Yaml::String(s) => s.clone(),
            other => crate::yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let expected = match ty {
            Type::Bool => "write `true` or `false`".to_string(),
            Type::Date => "write a date as YYYY-MM-DD, from 1970 to 2199".to_string(),
            Type::Duration => "write a duration such as `20 working days`, `4 weeks` or `1 month`, of at most 230 years".to_string(),
            Type::Text => "write text".to_string(),
            Type::Enum(values) => {
                match crate::suggest::did_you_mean(&found, values.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? The values are: {}", values.join(", ")),
                    None => format!("the values are: {}", values.join(", ")),
                }
            }
        };
        self.error(
            &path(),
            CaseErrorKind::BadValue {
                what: what(),
                found,
                expected,
            },
        );
        None
    }

    fn date(&mut self, path: Place<'_>, v: &Yaml) -> Option<NaiveDate> {
        if let Some(date) = v.as_str().and_then(quick_date) {
            return Some(date);
        }
        let text = scalar_text(v).unwrap_or_default();
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(
                    &path(),
                    CaseErrorKind::BadDate {
                        reason: date_problem(&text, &e),
                        text,
                    },
                );
                None
            }
        }
    }

    fn role(&mut self, path: Place<'_>, v: &Yaml) -> Option<RoleId> {
        let procedure = self.procedure;
        if let Some(i) = v
            .as_str()
            .and_then(|name| procedure.roles.iter().position(|r| r.name == name))
        {
            return Some(RoleId(i as u32));
        }
        let name = scalar_text(v).unwrap_or_default();
        match procedure.roles.iter().position(|r| r.name == name) {
            Some(i) => Some(RoleId(i as u32)),
            None => {
                self.error(
                    &path(),
                    CaseErrorKind::UnknownRole {
                        help: help_for(
                            &name,
                            "role",
                            procedure.roles.iter().map(|r| r.name.as_str()),
                        ),
                        name,
                    },
                );
                None
            }
        }
    }

    fn events(&mut self, raw: &[SmallMap]) -> Vec<CaseEvent> {
        let procedure = self.procedure;
        let mut events = Vec::new();
        let mut previous: Option<NaiveDate> = None;
        if raw.is_empty() {
            self.error(
                &[key("events")],
                CaseErrorKind::MissingKey {
                    key: "received".into(),
                    context: "`events`".into(),
                    help: "a case starts with `- { on: DATE, event: received }`".into(),
                },
            );
        }
        for (i, map) in raw.iter().enumerate() {
            let at = |k: &str| vec![key("events"), index(i), key(k)];
            let get = |k: &str| map.get_str(k);
            let Some(event_name) = get("event").and_then(scalar_text) else {
                let misspelt = map
                    .keys()
                    .filter_map(scalar_text)
                    .find(|k| crate::suggest::did_you_mean(k, ["event"]).is_some());
                let help = match &misspelt {
                    Some(k) => format!("did you mean `event` instead of `{k}`?"),
                    None => "each event has `on` (its date) and `event` (its name)".into(),
                };
                let path = match &misspelt {
                    Some(k) => vec![key("events"), index(i), key(k)],
                    None => vec![key("events"), index(i)],
                };
                self.error(
                    &path,
                    CaseErrorKind::MissingKey {
                        key: "event".into(),
                        context: format!("event {}", i + 1),
                        help,
                    },
                );
                continue;
            };
            let Some(id) = procedure.events.iter().position(|e| e.name == event_name) else {
                self.error(
                    &at("event"),
                    CaseErrorKind::UnknownEvent {
                        help: help_for(
                            &event_name,
                            "event",
                            procedure.events.iter().map(|e| e.name.as_str()),
                        ),
                        name: event_name,
                    },
                );
                continue;
            };
            let event = EventId(id as u32);
            let declared = &procedure.events[id];
            let builtin = Builtin::of(event);
            if i == 0 && builtin != Some(Builtin::Received) {
                self.error(
                    &at("event"),
                    CaseErrorKind::NotReceivedFirst {
                        event: event_name.clone(),
                    },
                );
            }
            let on = match get("on") {
                Some(v) => self.date(&|| at("on"), v),
                None => {
                    self.error(
                        &[key("events"), index(i)],
                        CaseErrorKind::MissingKey {
                            key: "on".into(),
                            context: format!("event `{event_name}`"),
                            help: "give the date it happened: `on: 2026-12-18`".into(),
                        },
                    );
                    None
                }
            };
            if let (Some(on), Some(prev)) = (on, previous) {
                if on < prev {
                    self.error(
                        &at("on"),
                        CaseErrorKind::OutOfOrder {
                            date: on.to_string(),
                            previous: prev.to_string(),
                        },
                    );
                }
            }
            previous = on.or(previous);

            let is_extended = builtin == Some(Builtin::Extended);
            let extra: &[&str] = match builtin {
                Some(Builtin::Extended) => &["until", "for", "deadline", "granted_by", "agreed_by"],
                Some(Builtin::Paused) => &["pause", "agreed_by"],
                Some(Builtin::Referred) => &["to"],
                Some(Builtin::Notice) => &["notice", "includes"],
                _ => &[],
            };
            let known = |k: &str| {
                EVENT_KEYS.contains(&k)
                    || extra.contains(&k)
                    || declared.params.iter().any(|p| p.name == k)
            };
            for k in map.keys() {
                if k.as_str().is_some_and(known) {
                    continue;
                }
                let k = scalar_text(k).unwrap_or_default();
                if !known(&k) {
                    // Listed only for the message: most events have no
                    // unknown key.
                    let mut allowed: Vec<&str> = EVENT_KEYS.to_vec();
                    allowed.extend(extra);
                    allowed.extend(declared.params.iter().map(|p| p.name.as_str()));
                    let help = match crate::suggest::did_you_mean(&k, allowed.iter().copied()) {
                        Some(s) => format!(
                            "did you mean `{s}`? `{event_name}` takes: {}",
                            allowed.join(", ")
                        ),
                        None => format!("`{event_name}` takes: {}", allowed.join(", ")),
                    };
                    self.error(
                        &[key("events"), index(i), key(&k)],
                        CaseErrorKind::UnknownKey {
                            key: k,
                            context: format!("for event `{event_name}`"),
                            help,
                        },
                    );
                }
            }

            let mut by = None;
            let mut also_by = Vec::new();
            let mut extension = None;
            if let Some(v) = get("by") {
                if is_extended {
                    match v.as_str().and_then(parse_duration) {
                        Some((n, u)) => {
                            extension = Some(ExtensionRequest::By(n, u));
                            self.warn(
                                &at("by"),
                                CaseErrorKind::ExtensionLengthUnderBy {
                                    length: scalar_text(v).unwrap_or_default(),
                                },
                            );
                        }
                        None => self.error(
                            &at("by"),
                            CaseErrorKind::BadValue {
                                what: "extension".into(),
                                found: scalar_text(v).unwrap_or_default(),
                                expected:
                                    "for `extended`, `by` is how much longer: `10 working days`, at most 230 years"
                                        .into(),
                            },
                        ),
                    }
                } else if let Some(roles) = v.as_sequence() {
                    // `by: [authority, independent_person]`: a joint decision.
                    for (r, role) in roles.iter().enumerate() {
                        let mut path = at("by");
                        path.push(index(r));
                        if let Some(id) = self.role(&|| path.clone(), role) {
                            if by.is_none() {
                                by = Some(id);
                            } else {
                                also_by.push(id);
                            }
                        }
                    }
                } else {
                    by = self.role(&|| at("by"), v);
                }
            }
            // `for: 10 working days`: how much longer, the key that took
            // over from `by:` on `extended`.
            if let Some(v) = get("for").filter(|_| is_extended) {
                match v.as_str().and_then(parse_duration) {
                    Some((n, u)) => extension = Some(ExtensionRequest::By(n, u)),
                    None => self.error(
                        &at("for"),
                        CaseErrorKind::BadValue {
                            what: "extension".into(),
                            found: scalar_text(v).unwrap_or_default(),
                            expected:
                                "`for` is how much longer: `10 working days`, at most 230 years"
                                    .into(),
                        },
                    ),
                }
            }
            if let Some(v) = get("until") {
                extension = self.date(&|| at("until"), v).map(ExtensionRequest::Until);
            }
            let agreed_by = match get("agreed_by") {
                Some(v) => self.role(&|| at("agreed_by"), v),
                None => None,
            };
            let mut data = vec![None; declared.params.len()];
            for (p, param) in declared.params.iter().enumerate() {
                match get(&param.name) {
                    Some(v) => {
                        data[p] = self.value(
                            &|| at(&param.name),
                            &|| format!("`{}` for `{event_name}`", param.name),
                            &param.ty,
                            v,
                        )
                    }
                    None => self.error(
                        &[key("events"), index(i)],
                        CaseErrorKind::MissingKey {
                            key: param.name.clone(),
                            context: format!("event `{event_name}`"),
                            help: match &param.ty {
                                Type::Enum(values) => format!(
                                    "say its `{}`: one of {}",
                                    param.name,
                                    values.join(", ")
                                ),
                                other => format!("say its `{}` ({})", param.name, other.describe()),
                            },
                        },
                    ),
                }
            }
            let mut facts = Vec::new();
            if let Some(v) = get("facts") {
                match v.as_mapping() {
                    Some(m) => {
                        for (fk, fv) in m {
                            if let Some(f) = self.fact(&|| at("facts"), fk, fv) {
                                facts.push(f);
                            }
                        }
                    }
                    None => self.error(
                        &at("facts"),
                        CaseErrorKind::BadValue {
                            what: "`facts`".into(),
                            found: scalar_text(v).unwrap_or_default(),
                            expected: "facts learnt with an event are a mapping: `facts: { observer_requested: true }`".into(),
                        },
                    ),
                }
            }
            if let Some(on) = on {
                events.push(CaseEvent {
                    on,
                    event,
                    by,
                    data,
                    extension,
                    deadline: get("deadline").and_then(scalar_text),
                    pause: get("pause").and_then(scalar_text),
                    agreed_by,
                    facts,
                    note: get("note").and_then(scalar_text),
                    reason: get("reason").and_then(scalar_text),
                    people: self.person(&at("person"), get("person")),
                    chair: get("chair").and_then(|v| {
                        self.name(
                            &at("chair"),
                            v,
                            "name the member who chaired the panel: `chair: A. Patel`",
                        )
                    }),
                    also_by,
                    to: get("to").and_then(|v| self.body(&at("to"), v)),
                    notice: get("notice").and_then(scalar_text),
                    granted_by: match get("granted_by") {
                        Some(v) => self.role(&|| at("granted_by"), v),
                        None => None,
                    },
                    includes: match get("includes") {
                        Some(Yaml::Sequence(items)) => {
                            items.iter().filter_map(scalar_text).collect()
                        }
                        Some(one) => scalar_text(one).into_iter().collect(),
                        None => Vec::new(),
                    },
                });
            }
        }
        events
    }

    /// `to: safeguarding` on `referred`: a body the procedure declares.
    fn body(&mut self, path: &[PathPart], value: &Yaml) -> Option<crate::check::ir::BodyId> {
        let name = scalar_text(value).unwrap_or_default();
        let bodies = &self.procedure.bodies;
        match bodies.iter().position(|b| b.name == name) {
            Some(i) => Some(crate::check::ir::BodyId(i as u32)),
            None => {
                self.error(
                    path,
                    CaseErrorKind::BadValue {
                        what: "body".into(),
                        found: name.clone(),
                        expected: help_for(&name, "body", bodies.iter().map(|b| b.name.as_str())),
                    },
                );
                None
            }
        }
    }

    /// `person: "A. Patel"` on an event, or a panel's members, `person:
    /// [A. Patel, B. Khan]`: names, never empty. Whether the acting role
    /// is a panel is the engine's to say, since without `by:` the role is
    /// the lead of the step the case is in.
    fn person(&mut self, path: &[PathPart], value: Option<&Yaml>) -> Vec<String> {
        const EXPECTED: &str = "name the person who made the event, `person: A. Patel`, or a panel's members, `person: [A. Patel, B. Khan]`";
        match value {
            None => Vec::new(),
            Some(Yaml::Sequence(items)) if !items.is_empty() => self.names(path, items, EXPECTED),
            Some(one) => self.name(path, one, EXPECTED).into_iter().collect(),
        }
    }

    /// One person's name: text, never empty; trimmed, as names are
    /// compared.
    fn name(&mut self, path: &[PathPart], value: &Yaml, expected: &str) -> Option<String> {
        match value {
            Yaml::String(p) if !p.trim().is_empty() => Some(p.trim().to_string()),
            other => {
                self.error(
                    path,
                    CaseErrorKind::BadValue {
                        what: "person".into(),
                        found: one_line(other),
                        expected: expected.into(),
                    },
                );
                None
            }
        }
    }

    /// Who the case's `people:` names in role `id`: one person (`officer:
    /// Sam Patel`), or, for a panel, its members (`review_panel: [A. Patel,
    /// B. Khan]`) or its members and chair (`review_panel: { members:
    /// [A. Patel, B. Khan], chair: A. Patel }`).
    fn holder(&mut self, path: &[PathPart], id: RoleId, value: &Yaml) -> Option<Holder> {
        let role = &self.procedure.roles[id.index()];
        let name = role.name.clone();
        let Some(panel) = role.panel else {
            return match value {
                // Kept as written, as the quick reader keeps it.
                Yaml::String(p) if !p.trim().is_empty() => Some(Holder::one(p.clone())),
                other => {
                    let panel_form = matches!(other, Yaml::Sequence(_) | Yaml::Mapping(_));
                    self.error(
                        path,
                        CaseErrorKind::BadValue {
                            what: "person".into(),
                            found: one_line(other),
                            expected: if panel_form {
                                format!("`{name}` is one person's role: name the person, `{name}: Sam Patel`; a list of members is for a role the procedure declares with `members`")
                            } else {
                                format!("name the person in the role: `{name}: Sam Patel`")
                            },
                        },
                    );
                    None
                }
            };
        };
        let expected = format!(
            "name the panel's members, `{name}: [A. Patel, B. Khan]`{}",
            if panel.chair {
                format!(", and its chair: `{name}: {{ members: [A. Patel, B. Khan], chair: A. Patel }}`")
            } else {
                String::new()
            }
        );
        let members_at = |path: &[PathPart]| {
            let mut at = path.to_vec();
            at.push(key("members"));
            at
        };
        match value {
            Yaml::Mapping(map) => {
                let mut held = Holder::default();
                let mut members = None;
                for (k, v) in map {
                    let mut at = path.to_vec();
                    match k.as_str() {
                        Some("members") => members = Some(v),
                        Some("chair") if panel.chair => {
                            at.push(key("chair"));
                            held.chair = self.name(&at, v, &expected);
                        }
                        other => {
                            let k = other
                                .map_or_else(|| scalar_text(k).unwrap_or_default(), str::to_string);
                            at.push(key(&k));
                            self.error(
                                &at,
                                CaseErrorKind::UnknownKey {
                                    key: k,
                                    context: format!("for panel `{name}`"),
                                    help: if panel.chair {
                                        "a panel has `members` and `chair`".into()
                                    } else {
                                        format!("a panel has `members`; `{name}` has no chair in this procedure")
                                    },
                                },
                            );
                        }
                    }
                }
                match members {
                    Some(Yaml::Sequence(items)) if !items.is_empty() => {
                        let at = members_at(path);
                        held.people = self.names(&at, items, &expected);
                    }
                    Some(other) => {
                        let name = self.name(&members_at(path), other, &expected);
                        held.people = name.into_iter().collect();
                    }
                    None => self.error(
                        path,
                        CaseErrorKind::MissingKey {
                            key: "members".into(),
                            context: format!("panel `{name}`"),
                            help: expected.clone(),
                        },
                    ),
                }
                (!held.people.is_empty()).then_some(held)
            }
            Yaml::Sequence(items) if !items.is_empty() => {
                let people = self.names(path, items, &expected);
                (!people.is_empty()).then_some(Holder {
                    people,
                    chair: None,
                })
            }
            one => self.name(path, one, &expected).map(Holder::one),
        }
    }

    /// A list of names, each at its index under `path`.
    fn names(&mut self, path: &[PathPart], items: &[Yaml], expected: &str) -> Vec<String> {
        let mut names = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mut at = path.to_vec();
            at.push(index(i));
            if let Some(name) = self.name(&at, item, expected) {
                names.push(name);
            }
        }
        names
    }

    fn expect(&mut self, raw: RawExpect) -> Option<Expect> {
        let procedure = self.procedure;
        let at = self.date(
            &|| vec![key("expect"), key("at")],
            &Yaml::String(raw.at.clone()),
        );
        let bad = |reader: &mut Self, path: Vec<PathPart>, message: String, help: String| {
            reader.error(&path, CaseErrorKind::BadExpect { message, help });
        };
        if let Some(status) = &raw.status {
            if !["open", "closed", "notreceived"].contains(&status.as_str()) {
                bad(
                    self,
                    vec![key("expect"), key("status")],
                    format!("`{status}` is not a status"),
                    "a case's status is `open` or `closed`".into(),
                );
            }
        }
        if let Some(step) = &raw.step {
            if procedure.step_named(step).is_none() {
                bad(
                    self,
                    vec![key("expect"), key("step")],
                    format!("procedure has no step `{step}`"),
                    help_for(
                        step,
                        "step",
                        procedure.steps.iter().map(|s| s.name.as_str()),
                    ),
                );
            }
        }
        if let Some(outcome) = &raw.outcome {
            if !procedure.outcomes.iter().any(|o| &o.name == outcome) {
                bad(
                    self,
                    vec![key("expect"), key("outcome")],
                    format!("procedure has no outcome `{outcome}`"),
                    help_for(
                        outcome,
                        "outcome",
                        procedure.outcomes.iter().map(|o| o.name.as_str()),
                    ),
                );
            }
        }
        let mut deadline_names: Vec<&str> = procedure
            .steps
            .iter()
            .flat_map(|s| {
                s.deadlines.iter().map(|d| d.name.as_str()).chain(
                    s.tasks
                        .iter()
                        .filter(|t| t.within.is_some())
                        .map(|t| t.name.as_str()),
                )
            })
            .collect();
        // A track's deadlines and timed tasks, in `due:` and `breaches:`.
        deadline_names.extend(procedure.tracks.iter().flat_map(|t| {
            t.deadlines.iter().map(|d| d.name.as_str()).chain(
                t.tasks
                    .iter()
                    .filter(|t| t.within.is_some())
                    .map(|t| t.name.as_str()),
            )
        }));
        // A timed referral is named by its body, in `due:` and `breaches:`.
        deadline_names.extend(
            procedure
                .routes
                .iter()
                .chain(procedure.steps.iter().flat_map(|s| &s.routes))
                .filter(|r| r.due.is_some())
                .map(|r| procedure.bodies[r.body.index()].name.as_str()),
        );
        // A notice a rejection owes is named by the notice, in `due:` and
        // `breaches:`.
        let owed_names: Vec<&str> = procedure
            .steps
            .iter()
            .flat_map(|s| s.rejects.iter().chain(&s.refusals))
            .filter_map(|r| r.notice.as_ref())
            .flat_map(|n| n.notices.iter().map(String::as_str))
            .collect();
        deadline_names.extend(owed_names.iter().copied());
        let mut due = Vec::new();
        for (k, v) in &raw.due {
            let name = scalar_text(k).unwrap_or_default();
            if !deadline_names.contains(&name.as_str()) {
                bad(
                    self,
                    vec![key("expect"), key("due"), key(&name)],
                    format!("procedure has no deadline `{name}`"),
                    help_for(&name, "deadline", deadline_names.iter().copied()),
                );
                continue;
            }
            let text = scalar_text(v);
            if text.as_deref() == Some(NOT_STARTED) {
                due.push((name, None));
            } else if let Some(t) = text.filter(|t| !t.starts_with(|c: char| c.is_ascii_digit())) {
                bad(
                    self,
                    vec![key("expect"), key("due"), key(&name)],
                    format!("`{t}` is neither a date nor `{NOT_STARTED}`"),
                    format!("write the due date as YYYY-MM-DD, or `{NOT_STARTED}` for a deadline whose anchor has not happened in this step"),
                );
            } else if let Some(d) = self.date(&|| vec![key("expect"), key("due"), key(&name)], v) {
                due.push((name, Some(d)));
            }
        }
        for (i, name) in raw.breaches.iter().flatten().enumerate() {
            if !deadline_names.contains(&name.as_str()) {
                bad(
                    self,
                    vec![key("expect"), key("breaches"), index(i)],
                    format!("procedure has no deadline `{name}`"),
                    help_for(name, "deadline", deadline_names.iter().copied()),
                );
            }
        }
        for (i, name) in raw.late_with_reason.iter().flatten().enumerate() {
            if !deadline_names.contains(&name.as_str()) {
                bad(
                    self,
                    vec![key("expect"), key("late_with_reason"), index(i)],
                    format!("procedure has no deadline `{name}`"),
                    help_for(name, "deadline", deadline_names.iter().copied()),
                );
            }
        }
        for (i, name) in raw.routes.iter().flatten().enumerate() {
            if !procedure.bodies.iter().any(|b| &b.name == name) {
                bad(
                    self,
                    vec![key("expect"), key("routes"), index(i)],
                    format!("procedure has no body `{name}`"),
                    help_for(
                        name,
                        "body",
                        procedure.bodies.iter().map(|b| b.name.as_str()),
                    ),
                );
            }
        }
        let mut tracks = Vec::new();
        for (k, v) in &raw.tracks {
            let name = scalar_text(k).unwrap_or_default();
            let path = || vec![key("expect"), key("tracks"), key(&name)];
            if !procedure.tracks.iter().any(|t| t.name == name) {
                bad(
                    self,
                    path(),
                    format!("procedure has no track `{name}`"),
                    help_for(
                        &name,
                        "track",
                        procedure.tracks.iter().map(|t| t.name.as_str()),
                    ),
                );
                continue;
            }
            let state = scalar_text(v).unwrap_or_default();
            if !expect::TRACK_STATES.contains(&state.as_str()) {
                bad(
                    self,
                    path(),
                    format!("`{state}` is not a track's state"),
                    "a track is `running`, `done` or `not started`".into(),
                );
                continue;
            }
            tracks.push((name, state));
        }
        let mut notices = Vec::new();
        for (k, v) in &raw.notices {
            let name = scalar_text(k).unwrap_or_default();
            let path = || vec![key("expect"), key("notices"), key(&name)];
            if !owed_names.contains(&name.as_str()) {
                bad(
                    self,
                    path(),
                    format!("no `reject` or `refuse` of the procedure requires notice `{name}`"),
                    if owed_names.is_empty() {
                        "`notices:` is for the notices a `reject … requires notice` owes; the procedure has none".into()
                    } else {
                        help_for(&name, "notice", owed_names.iter().copied())
                    },
                );
                continue;
            }
            let state = scalar_text(v).unwrap_or_default();
            if !expect::NOTICE_STATES.contains(&state.as_str()) {
                bad(
                    self,
                    path(),
                    format!("`{state}` is not an owed notice's state"),
                    "an owed notice is `due`, `overdue`, `sent`, `sent_late` or `not owed`".into(),
                );
                continue;
            }
            notices.push((name, state));
        }
        let error = match raw.error {
            None => None,
            Some(RawExpectedError::Code(code)) => Some(ExpectedError { code, reason: None }),
            Some(RawExpectedError::Reasoned(r)) => Some(ExpectedError {
                code: r.code,
                reason: r.reason,
            }),
        };
        if let Some(expected) = &error {
            let code = &expected.code;
            let reasons = reasons_of(code);
            if reasons.is_empty() {
                bad(
                    self,
                    vec![key("expect"), key("error")],
                    format!("`{code}` is not a code a replay stops with"),
                    "name the code the replay must stop with, such as `E0803` (docs/cases.md lists them with their reasons)".into(),
                );
            } else if let Some(reason) = &expected.reason {
                if !reasons.contains(&reason.as_str()) {
                    bad(
                        self,
                        vec![key("expect"), key("error"), key("reason")],
                        format!("`{reason}` is not a reason for {code}"),
                        help_for(reason, "reason", reasons.iter().copied()),
                    );
                }
            }
        }
        Some(Expect {
            at: at?,
            error,
            status: raw.status,
            step: raw.step,
            outcome: raw.outcome,
            due,
            breaches: raw.breaches,
            routes: raw.routes,
            late_with_reason: raw.late_with_reason,
            tracks,
            notices,
        })
    }
}

/// A `YYYY-MM-DD` date read without a format parser, for the many valid
/// dates of a large file; anything else (and any date out of the
/// calendars' years) is left to [`parse_date`], which says what is wrong.
fn quick_date(text: &str) -> Option<NaiveDate> {
    if !crate::calendar::is_iso_shape(text) {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        text.as_bytes()[range]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let date = NaiveDate::from_ymd_opt(digits(0..4) as i32, digits(5..7), digits(8..10))?;
    crate::calendar::check_in_range(date).ok()?;
    Some(date)
}

/// Why a case's date cannot be used, said without repeating the date the
/// message already quotes.
fn date_problem(text: &str, error: &CalendarError) -> String {
    match error {
        CalendarError::InvalidDate { .. } => {
            let shaped = text.len() == 10
                && text.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if shaped {
                "there is no such day".to_string()
            } else {
                "it is not written as YYYY-MM-DD".to_string()
            }
        }
        CalendarError::DateOutOfRange { first, last, .. } => {
            format!("it is outside the years the calendars cover ({first} to {last})")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(
            parse_duration("20 working days"),
            Some((20, Unit::WorkingDays))
        );
        assert_eq!(parse_duration("1 month"), Some((1, Unit::Months)));
        assert_eq!(parse_duration("3  weeks"), Some((3, Unit::Weeks)));
        assert_eq!(parse_duration("0 days"), None);
        assert_eq!(parse_duration("twenty days"), None);
        assert_eq!(parse_duration("20 fortnights"), None);
        assert_eq!(parse_duration("2147483648 days"), None);
        assert_eq!(parse_duration("2760 months"), Some((2760, Unit::Months)));
    }
}
