//! The quick way through a valid case written as JSON (a line of a JSON
//! Lines file, or a YAML case file that is JSON, as exports are) or in
//! the block-style YAML of the examples ([`parse_yaml`], through
//! [`crate::yaml::quick`]): read straight into the engine's [`Case`],
//! borrowing the text, with no YAML value tree in between.
//!
//! It gives up, rather than report, at the first thing it does not
//! expect: a problem, a number or null where a case has text, an escaped
//! string, an `expect:` block. The caller then reads the case the full way
//! ([`super::parse_json`], [`super::load_parsed`]), which finds every
//! problem and places it on its line. So the quick way only ever returns
//! what the full way would for the same case, and all the words of every
//! message stay in one place.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::check::ir::{Builtin, Event, EventId, FactId, Procedure, RoleId, Type, Value};
use crate::engine::{Case, CaseEvent, ExtensionRequest, Holder};

use super::{parse_duration, quick_date, Loaded};

/// A case, as far as the quick way reads one. Any other top-level key
/// (`expect:` included) sends the case the full way.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub(super) struct QuickCase<'a> {
    #[serde(borrow)]
    pub(super) procedure: &'a str,
    #[serde(default, borrow)]
    pub(super) version: Option<&'a str>,
    #[serde(borrow)]
    pub(super) case: &'a str,
    #[serde(default, borrow)]
    pub(super) calendar: Option<&'a str>,
    #[serde(default, borrow)]
    pub(super) facts: Pairs<'a>,
    #[serde(default, borrow)]
    pub(super) people: Pairs<'a>,
    #[serde(borrow)]
    pub(super) events: Vec<Pairs<'a>>,
    #[serde(default, borrow)]
    pub(super) before_effective: Option<&'a str>,
}

/// A value the quick way accepts: a string without escapes, a boolean, or
/// a mapping of such values.
#[derive(Debug)]
pub(super) enum Quick<'a> {
    Str(&'a str),
    Bool(bool),
    Map(Pairs<'a>),
}

/// A mapping's pairs in file order; a repeated key is refused (the full
/// way says which).
#[derive(Default, Debug)]
pub(super) struct Pairs<'a>(Vec<(&'a str, Quick<'a>)>);

impl<'a> Pairs<'a> {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Pairs(Vec::with_capacity(capacity))
    }

    /// Adds a pair, or `None` for a repeated key or one too many.
    pub(super) fn push(&mut self, key: &'a str, value: Quick<'a>) -> Option<()> {
        if self.0.len() >= MAX_KEYS || self.0.iter().any(|(k, _)| *k == key) {
            return None;
        }
        self.0.push((key, value));
        Some(())
    }

    fn get(&self, key: &str) -> Option<&Quick<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Quick<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Quick<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a boolean or a mapping")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Quick::Str(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Quick::Bool(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                PairsVisitor.visit_map(map).map(Quick::Map)
            }
        }
        deserializer.deserialize_any(V)
    }
}

struct PairsVisitor;

/// More keys than a case's mapping ever has (the block YAML lexer's bound
/// too): past it the quick reader gives up, because its repeated-key check
/// looks back over the keys read so far and a crafted file of 150,000 keys
/// would take minutes; the full reader says what is wrong.
const MAX_KEYS: usize = 256;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Pairs<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Pairs::with_capacity(4);
        while let Some(key) = map.next_key::<&'de str>()? {
            let value = map.next_value()?;
            if pairs.push(key, value).is_none() {
                return Err(de::Error::custom("a repeated key, or too many keys"));
            }
        }
        Ok(pairs)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Pairs<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PairsVisitor)
    }
}

/// The procedure a case names, if `text` reads the quick way that far.
pub struct Header<'a> {
    pub procedure: &'a str,
    case: QuickCase<'a>,
}

/// Reads `text` as a JSON case, or `None` when it is anything else (the
/// full way will say what).
pub fn parse(text: &str) -> Option<Header<'_>> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let case = super::quick_json::case(text)?;
    Some(Header {
        procedure: case.procedure,
        case,
    })
}

/// Reads `text` as a block-style YAML case of the shape examples and
/// `redress import csv` write, or `None` for anything else (the full way
/// will say what, at its line).
pub fn parse_yaml(text: &str) -> Option<Header<'_>> {
    let case: QuickCase<'_> = crate::yaml::quick(text)?;
    Some(Header {
        procedure: case.procedure,
        case,
    })
}

/// The case read against `procedure`, or `None` at the first thing the
/// full reader would report or read differently.
pub fn load(header: Header<'_>, procedure: &Procedure) -> Option<Loaded> {
    let raw = header.case;
    if raw.procedure != procedure.id {
        return None;
    }
    if let (Some(case_version), Some(version)) = (raw.version, &procedure.version) {
        if case_version != version {
            return None;
        }
    }
    if raw.case.trim().is_empty() {
        return None;
    }
    let calendar = procedure
        .calendar_named(raw.calendar.unwrap_or(procedure.calendar_name()))
        .ok()?;
    let mut facts = vec![None; procedure.facts.len()];
    for (name, value) in &raw.facts.0 {
        let (id, value) = fact(procedure, name, value)?;
        facts[id.index()] = Some(value);
    }
    let events = events(procedure, &raw.events)?;
    let mut people = Vec::with_capacity(raw.people.0.len());
    let mut holders = Vec::with_capacity(raw.people.0.len());
    for (role, person) in &raw.people.0 {
        let Quick::Str(person) = person else {
            return None;
        };
        if person.trim().is_empty() {
            return None;
        }
        let id = role_of(procedure, role)?;
        // A panel's members and chair are read the full way.
        if procedure.roles[id.index()].panel.is_some() {
            return None;
        }
        holders.push((id, Holder::one(*person)));
        people.push((
            procedure.roles[id.index()].name.clone(),
            (*person).to_string(),
        ));
    }
    let before_effective_deliberate = match raw.before_effective {
        None => false,
        Some("deliberate") => true,
        Some(_) => return None,
    };
    Some(Loaded {
        case: Case {
            id: raw.case.to_string(),
            facts,
            events,
            people: holders,
        },
        calendar,
        expect: None,
        before_effective_deliberate,
        people,
        warnings: Vec::new(),
    })
}

fn role_of(procedure: &Procedure, name: &str) -> Option<RoleId> {
    let i = procedure.roles.iter().position(|r| r.name == name)?;
    Some(RoleId(i as u32))
}

fn str_of<'a>(value: &Quick<'a>) -> Option<&'a str> {
    match value {
        Quick::Str(s) => Some(s),
        _ => None,
    }
}

fn fact(procedure: &Procedure, name: &str, value: &Quick<'_>) -> Option<(FactId, Value)> {
    let i = procedure.facts.iter().position(|f| f.name == name)?;
    // A setting's value comes from the settings file; a case giving one
    // is refused the full way (E0630).
    if procedure.setting(FactId(i as u32)).is_some() {
        return None;
    }
    Some((FactId(i as u32), typed(&procedure.facts[i].ty, value)?))
}

/// A value of type `ty`, as [`super::Reader`] reads it from a string or a
/// boolean.
fn typed(ty: &Type, value: &Quick<'_>) -> Option<Value> {
    match (ty, value) {
        (Type::Bool, Quick::Bool(b)) => Some(Value::Bool(*b)),
        (Type::Date, Quick::Str(s)) => quick_date(s).map(Value::Date),
        (Type::Duration, Quick::Str(s)) => parse_duration(s).map(|(n, u)| Value::Duration(n, u)),
        (Type::Text, Quick::Str(s)) => Some(Value::Text((*s).to_string())),
        (Type::Enum(values), Quick::Str(s)) => values
            .iter()
            .position(|x| x == s)
            .map(|i| Value::Enum(i as u32)),
        _ => None,
    }
}

/// An event's keys, each found in one pass over its pairs (most events
/// have three or four, and every case has many events).
#[derive(Default)]
struct EventKeys<'q, 'a> {
    on: Option<&'q Quick<'a>>,
    by: Option<&'q Quick<'a>>,
    facts: Option<&'q Quick<'a>>,
    note: Option<&'q Quick<'a>>,
    reason: Option<&'q Quick<'a>>,
    until: Option<&'q Quick<'a>>,
    extension: Option<&'q Quick<'a>>,
    deadline: Option<&'q Quick<'a>>,
    pause: Option<&'q Quick<'a>>,
    agreed_by: Option<&'q Quick<'a>>,
    to: Option<&'q Quick<'a>>,
}

impl<'q, 'a> EventKeys<'q, 'a> {
    /// The keys of `map`, or `None` at one this event may not have (the
    /// full reader names it) or one the quick way leaves to the full
    /// reader (`person`).
    fn of(map: &'q Pairs<'a>, builtin: Option<Builtin>, declared: &Event) -> Option<Self> {
        let mut keys = EventKeys::default();
        for (key, value) in &map.0 {
            let slot = match (*key, builtin) {
                ("event", _) => continue,
                // Who acted, and a panel's chair: read the full way.
                ("person" | "chair", _) => return None,
                ("on", _) => &mut keys.on,
                ("by", _) => &mut keys.by,
                ("facts", _) => &mut keys.facts,
                ("note", _) => &mut keys.note,
                ("reason", _) => &mut keys.reason,
                ("until", Some(Builtin::Extended)) => &mut keys.until,
                ("for", Some(Builtin::Extended)) => &mut keys.extension,
                ("deadline", Some(Builtin::Extended)) => &mut keys.deadline,
                ("pause", Some(Builtin::Paused)) => &mut keys.pause,
                ("agreed_by", Some(Builtin::Paused)) => &mut keys.agreed_by,
                ("to", Some(Builtin::Referred)) => &mut keys.to,
                (name, _) if declared.params.iter().any(|p| p.name == name) => continue,
                _ => return None,
            };
            *slot = Some(value);
        }
        Some(keys)
    }
}

fn events(procedure: &Procedure, raw: &[Pairs<'_>]) -> Option<Vec<CaseEvent>> {
    if raw.is_empty() {
        return None;
    }
    let mut events = Vec::with_capacity(raw.len());
    let mut previous: Option<NaiveDate> = None;
    for (i, map) in raw.iter().enumerate() {
        let name = str_of(map.get("event")?)?;
        let id = procedure.events.iter().position(|e| e.name == name)?;
        let event = EventId(id as u32);
        let declared = &procedure.events[id];
        let builtin = Builtin::of(event);
        if i == 0 && builtin != Some(Builtin::Received) {
            return None;
        }
        let keys = EventKeys::of(map, builtin, declared)?;
        let on = quick_date(str_of(keys.on?)?)?;
        if previous.is_some_and(|p| on < p) {
            return None;
        }
        previous = Some(on);
        let by = match keys.by {
            // The old form of an extension's length, with its warning
            // (W0601): the full reader.
            Some(_) if builtin == Some(Builtin::Extended) => return None,
            Some(v) => Some(role_of(procedure, str_of(v)?)?),
            None => None,
        };
        let mut extension = None;
        if let Some(v) = keys.extension {
            let (n, u) = parse_duration(str_of(v)?)?;
            extension = Some(ExtensionRequest::By(n, u));
        }
        if let Some(v) = keys.until {
            extension = Some(ExtensionRequest::Until(quick_date(str_of(v)?)?));
        }
        let agreed_by = match keys.agreed_by {
            Some(v) => Some(role_of(procedure, str_of(v)?)?),
            None => None,
        };
        let mut data = Vec::with_capacity(declared.params.len());
        for param in &declared.params {
            data.push(Some(typed(&param.ty, map.get(&param.name)?)?));
        }
        let mut facts = Vec::new();
        if let Some(v) = keys.facts {
            let Quick::Map(pairs) = v else {
                return None;
            };
            for (name, value) in &pairs.0 {
                facts.push(fact(procedure, name, value)?);
            }
        }
        let text = |value: Option<&Quick<'_>>| match value {
            None => Some(None),
            Some(Quick::Str(s)) => Some(Some((*s).to_string())),
            Some(_) => None,
        };
        events.push(CaseEvent {
            on,
            event,
            by,
            data,
            extension,
            deadline: text(keys.deadline)?,
            pause: text(keys.pause)?,
            agreed_by,
            facts,
            note: text(keys.note)?,
            reason: text(keys.reason)?,
            // Who acted is read, and refused when malformed, the full way.
            people: Vec::new(),
            chair: None,
            also_by: Vec::new(),
            to: match keys.to {
                Some(v) => {
                    let name = str_of(v)?;
                    let i = procedure.bodies.iter().position(|b| b.name == name)?;
                    Some(crate::check::ir::BodyId(i as u32))
                }
                None => None,
            },
            notice: None,
            includes: Vec::new(),
            granted_by: None,
        });
    }
    Some(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_str;

    /// Every shipped example case, written as JSON without its `expect:`,
    /// reads the quick way into exactly what the full reader gives.
    #[test]
    fn the_quick_way_reads_every_example_as_the_full_reader_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for (proc_file, folder) in [("cafcass.proc", "cafcass"), ("babicm.proc", "babicm")] {
            let text = std::fs::read_to_string(root.join("procedures").join(proc_file))
                .unwrap_or_default();
            let Some(procedure) = compile_str(proc_file, &text).procedure else {
                panic!("{proc_file} does not compile");
            };
            let mut paths: Vec<_> = std::fs::read_dir(root.join("examples").join(folder))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            paths.sort();
            for path in paths {
                let yaml = std::fs::read_to_string(&path).unwrap_or_default();
                let Ok(mut value) = crate::yaml::parse::<serde_json::Value>(&yaml) else {
                    continue;
                };
                if let Some(map) = value.as_object_mut() {
                    map.remove("expect");
                }
                let json = value.to_string();
                let full = super::super::load("case.json", &json, &procedure);
                let quick = parse(&json).and_then(|h| load(h, &procedure));
                match (&full, &quick) {
                    (Ok(full), Some(quick)) => {
                        assert_eq!(format!("{full:?}"), format!("{quick:?}"), "{path:?}");
                        read += 1;
                    }
                    // A `notice` lists what it said, and the quick way
                    // reads no lists: it leaves such a case to the full
                    // reader, which the caller falls back to.
                    (Ok(_), None) if yaml.contains("event: notice") => {}
                    (Ok(_), None) => panic!("{path:?}: valid, but not read the quick way"),
                    (Err(_), Some(_)) => panic!("{path:?}: invalid, yet read the quick way"),
                    (Err(_), None) => {}
                }
            }
        }
        assert!(read >= 10, "only {read} examples read");
    }

    /// A problem, an escaped string or a number where text is expected
    /// sends the case the full way, which places the problem.
    #[test]
    fn anything_unexpected_goes_the_full_way() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("procedures/cafcass.proc"),
        )
        .unwrap_or_default();
        let Some(procedure) = compile_str("cafcass.proc", &text).procedure else {
            panic!("cafcass.proc does not compile");
        };
        let case = |events: &str| {
            format!(
                r#"{{"procedure":"cafcass","case":"A","facts":{{"complainant_is":"adult"}},"events":[{events}]}}"#
            )
        };
        let quick = |text: &str| parse(text).and_then(|h| load(h, &procedure)).is_some();
        assert!(quick(&case(r#"{"on":"2026-01-05","event":"received"}"#)));
        for events in [
            r#"{"on":"2026-02-30","event":"received"}"#,
            r#"{"on":"2026-01-05","event":"recieved"}"#,
            r#"{"on":"2026-01-05","event":"received","colour":"red"}"#,
            r#"{"on":"2026-01-05","event":"received","note":"a \"quoted\" word"}"#,
            r#"{"on":"2026-01-05","event":"received","note":7}"#,
            r#"{"on":"2026-01-05","event":"received","on":"2026-01-06"}"#,
            r#"{"on":"2026-01-05","event":"received"},{"on":"2026-01-04","event":"record"}"#,
        ] {
            assert!(!quick(&case(events)), "{events}");
        }
    }
    fn compiled(proc_file: &str) -> Procedure {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("procedures").join(proc_file)).unwrap_or_default();
        match compile_str(proc_file, &text).procedure {
            Some(procedure) => procedure,
            None => panic!("{proc_file} does not compile"),
        }
    }

    /// The case without its `expect:` block, which sends a case the full
    /// way.
    fn without_expect(yaml: &str) -> String {
        let mut out = String::new();
        let mut skipping = false;
        for line in yaml.split_inclusive('\n') {
            let top = !line.starts_with([' ', '#', '\n']);
            if top {
                skipping = line.starts_with("expect:");
            }
            if !skipping {
                out.push_str(line);
            }
        }
        out
    }

    /// Each one-line event `- { on: …, event: … }` written as a block
    /// mapping instead, where its values hold no brackets or quotes.
    fn as_block_events(yaml: &str) -> String {
        let mut out = String::new();
        for line in yaml.split_inclusive('\n') {
            let trimmed = line.trim_end();
            let inner = trimmed
                .strip_prefix("  - { ")
                .and_then(|l| l.strip_suffix(" }"))
                .filter(|i| !i.contains(['{', '[', '"', '\'', '#']));
            match inner {
                Some(inner) => {
                    for (n, pair) in inner.split(", ").enumerate() {
                        out.push_str(if n == 0 { "  - " } else { "    " });
                        out.push_str(pair);
                        out.push('\n');
                    }
                }
                None => out.push_str(line),
            }
        }
        out
    }

    /// Every shipped example case, in block-style YAML without its
    /// `expect:`, and again with its events as block mappings, reads the
    /// quick way into exactly what the full reader gives, or goes the full
    /// way; and most go the quick way.
    #[test]
    fn the_quick_way_reads_every_yaml_example_as_the_full_reader_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut read, mut seen) = (0, 0);
        for (proc_file, folder) in [("cafcass.proc", "cafcass"), ("babicm.proc", "babicm")] {
            let procedure = compiled(proc_file);
            let mut paths: Vec<_> = std::fs::read_dir(root.join("examples").join(folder))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .filter(|p| !p.to_string_lossy().contains("assumptions"))
                .collect();
            paths.sort();
            for path in paths {
                let yaml = without_expect(&std::fs::read_to_string(&path).unwrap_or_default());
                for text in [yaml.clone(), as_block_events(&yaml)] {
                    seen += 1;
                    let full = super::super::load("case.yaml", &text, &procedure);
                    let quick = parse_yaml(&text).and_then(|h| load(h, &procedure));
                    match (&full, &quick) {
                        (Ok(full), Some(quick)) => {
                            assert_eq!(format!("{full:?}"), format!("{quick:?}"), "{path:?}");
                            read += 1;
                        }
                        (Err(_), Some(_)) => panic!("{path:?}: invalid, yet read the quick way"),
                        _ => {}
                    }
                }
            }
        }
        assert!(
            read * 4 >= seen * 3,
            "only {read} of {seen} read the quick way"
        );
    }

    /// A case the subset does not hold, or that is wrong, goes the full
    /// way, which reports what the quick way never had to say, at its
    /// line.
    #[test]
    fn unusual_yaml_goes_the_full_way_and_is_reported_at_its_line() {
        let procedure = compiled("cafcass.proc");
        let base = "procedure: cafcass\ncase: A\nfacts:\n  complainant_is: adult\nevents:\n  - { on: 2026-01-05, event: received }\n";
        assert!(parse_yaml(base).and_then(|h| load(h, &procedure)).is_some());
        // (what is changed, the line of the full reader's first problem if
        // it has one)
        let table: [(&str, &str, Option<usize>); 18] = [
            ("case: A", "case: &a A", None),
            ("case: A", "case: !x A", Some(2)),
            ("case: A", "case: ~", Some(2)),
            ("case: A", "case: 123", None),
            ("case: A", "case: \"A\\u0041\"", None),
            ("case: A", "case: 'it''s'", None),
            ("case: A", "case: |\n  A", None),
            ("case: A", "case: A\n  B", None),
            ("case: A", "case: A\ncase: B", Some(1)),
            ("procedure", "\u{feff}procedure", None),
            ("adult\n", "adult\n   other_agency: none\n", Some(5)),
            ("  complainant_is", "\tcomplainant_is", Some(4)),
            ("\n", "\r\n", None),
            ("case: A", "case: A\0", Some(2)),
            ("2026-01-05, event", "2026-01-05,\n    event", None),
            ("2026-01-05", "2026-02-30", Some(6)),
            ("received }", "received, colour: red }", Some(6)),
            ("procedure", "%YAML 1.2\n---\nprocedure", None),
        ];
        for (from, to, line) in table {
            let text = base.replace(from, to);
            assert!(
                parse_yaml(&text)
                    .and_then(|h| load(h, &procedure))
                    .is_none(),
                "read the quick way: {text:?}"
            );
            let full = super::super::load("case.yaml", &text, &procedure);
            let first = full.as_ref().err().and_then(|e| e.first()).map(|e| e.line);
            assert_eq!(first, line, "{text:?}");
        }
    }

    /// A panel's members and chair (under `people:`, or `person: [..]`
    /// and `chair:` on an event) are read the full way only, from YAML
    /// and JSON alike; a case of the same procedure naming only one
    /// person's roles still reads the quick way, as the full reader does.
    #[test]
    fn panels_go_the_full_way() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text =
            std::fs::read_to_string(root.join("examples/panels/hillside.proc")).unwrap_or_default();
        let Some(procedure) = compile_str("hillside.proc", &text).procedure else {
            panic!("hillside.proc does not compile");
        };
        let base = "procedure: hillside\ncase: A\npeople:\n  headteacher: A. Patel\nevents:\n  - { on: 2026-03-02, event: received }\n";
        let as_json = |yaml: &str| -> String {
            crate::yaml::parse::<serde_json::Value>(yaml)
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        for text in [base.to_string(), as_json(base)] {
            let full = super::super::load("case.yaml", &text, &procedure);
            let quick = parse(&text)
                .or_else(|| parse_yaml(&text))
                .and_then(|h| load(h, &procedure));
            match (&full, &quick) {
                (Ok(full), Some(quick)) => assert_eq!(format!("{full:?}"), format!("{quick:?}")),
                _ => panic!("{text}: not read alike"),
            }
        }
        for (from, to) in [
            ("headteacher: A. Patel", "panel: [B. Khan, D. Lee, E. Ward]"),
            (
                "headteacher: A. Patel",
                "panel: { members: [B. Khan, D. Lee], chair: B. Khan }",
            ),
            ("headteacher: A. Patel", "panel: B. Khan"),
            ("received }", "received, person: [A. Patel, B. Khan] }"),
            ("received }", "received, chair: B. Khan }"),
        ] {
            let yaml = base.replace(from, to);
            for text in [yaml.clone(), as_json(&yaml)] {
                assert!(!text.is_empty(), "{yaml}");
                assert!(
                    super::super::load("case.yaml", &text, &procedure).is_ok(),
                    "{text}"
                );
                let quick = parse(&text)
                    .or_else(|| parse_yaml(&text))
                    .and_then(|h| load(h, &procedure));
                assert!(quick.is_none(), "read the quick way: {text}");
            }
        }
    }

    /// Each document of a multi-document file, cut at its `---` line,
    /// reads the quick way as the full reader reads it.
    #[test]
    fn each_document_of_a_multi_document_file_reads_the_quick_way() {
        use super::super::bulk::{documents, Layout};
        let procedure = compiled("cafcass.proc");
        let text = "# two cases\n---\nprocedure: cafcass\ncase: A\nfacts: { complainant_is: adult }\nevents:\n- on: 2026-01-05\n  event: received\n---\nprocedure: cafcass\ncase: B # the second\nfacts:\n  complainant_is: child\nevents:\n  - { on: '2026-01-06', event: \"received\" }\n...\n";
        let docs = documents(text, Layout::Yaml);
        assert_eq!(docs.len(), 2);
        for doc in docs {
            let full = super::super::load("cases.yaml", doc.text, &procedure);
            let quick = parse_yaml(doc.text).and_then(|h| load(h, &procedure));
            match (full, quick) {
                (Ok(full), Some(quick)) => assert_eq!(format!("{full:?}"), format!("{quick:?}")),
                (full, quick) => panic!("{:?}: {} {}", doc.text, full.is_ok(), quick.is_some()),
            }
        }
    }
}
