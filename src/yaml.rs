//! Reading the YAML files users write: case files, simulation assumptions
//! and calendar files. Everything that reads YAML goes through here, so
//! that the YAML library can be swapped in one place (serde_yaml is
//! deprecated) and every file gets the same checks before the parser sees
//! it: a bounded size, a byte-order mark accepted, no NUL bytes, nesting
//! no deeper than [`MAX_DEPTH`] and no tags. Each check gives the byte
//! offset of the problem, so each reader can name the line.
//!
//! serde_yaml keeps no positions on the values it deserializes, but it does
//! put one on every error. To point at `events[3].outcome`, [`locate`]
//! reads the file again with a deserializer that walks that path and fails
//! on arrival; the error's location is the value's. This costs nothing
//! unless something is wrong.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde::Serialize;

pub use serde_yaml::{Mapping, Value};

mod block;

/// Reads block-style YAML of the subset case files use straight into `T`,
/// borrowing the text; `None` for anything outside the subset or that
/// does not fit `T`, which the caller then reads with [`parse`] to report
/// it. See `yaml/block.rs` for what the subset holds.
pub fn quick<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Option<T> {
    T::deserialize(block::parse(text)?).ok()
}

/// The largest YAML file read, the same bound as for procedures. A case
/// of 100,000 events fits; the memory a case takes is a small multiple of
/// this (docs/cases.md, "Limits").
pub const MAX_BYTES: usize = crate::source::MAX_FILE_BYTES;

/// The deepest nesting of mappings and sequences accepted. The formats
/// need five levels at most; the bound keeps the parser, whose time grows
/// with the square of the depth, away from pathological input.
pub const MAX_DEPTH: usize = 32;

/// Why a YAML file cannot be read, at a byte offset into its text as
/// given (byte-order mark included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A phase's typed error at a place in a YAML file: the error keeps its
/// code, message and help, the place becomes its label. Case files and
/// assumptions files both report through it, so neither needs the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<E> {
    pub error: E,
    pub span: miette::SourceSpan,
}

/// `error` at the value that starts at `offset` in `text`.
pub fn at<E>(text: &str, offset: usize, error: E) -> Located<E> {
    let place = place(text, offset);
    Located {
        error,
        span: miette::SourceSpan::from((place.offset, place.length)),
    }
}

impl<E: fmt::Display> fmt::Display for Located<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Located<E> {}

impl<E: miette::Diagnostic> miette::Diagnostic for Located<E> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.error.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".to_string()), self.span),
        )))
    }
}

/// Deserializes a YAML document after the checks above.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let body = checked(text)?;
    let skipped = text.len() - body.len();
    serde_yaml::from_str(body).map_err(|e| Problem {
        offset: skipped + e.location().map_or(0, |l| l.index()),
        message: reword(&strip_positions(&e.to_string())),
    })
}

/// serde_yaml's words where they would mislead: a number beyond 64 bits
/// is "invalid type … as u128", which says nothing of its size.
fn reword(message: &str) -> String {
    let huge = message.contains(" as u128") || message.contains(" as i128");
    match message.split_once("integer `") {
        Some((path, rest)) if huge => {
            let number = rest.split('`').next().unwrap_or_default();
            format!(
                "{path}the number {number} is too large; numbers here are at most {}",
                u64::MAX
            )
        }
        _ => message.to_string(),
    }
}

/// A value written as YAML, for quoting it in a message or printing a
/// report; the error says why it cannot be.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// The text after a byte-order mark, if it passes the checks that come
/// before parsing.
pub fn checked(text: &str) -> Result<&str, Problem> {
    if text.len() > MAX_BYTES {
        return Err(Problem {
            offset: 0,
            message: format!(
                "the file is {} bytes; case, assumptions and calendar files are limited to {MAX_BYTES} bytes",
                text.len()
            ),
        });
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let skipped = text.len() - body.len();
    if let Some(i) = body.find('\0') {
        return Err(Problem {
            offset: skipped + i,
            message: "the file holds a NUL byte; YAML files are text".to_string(),
        });
    }
    prescan(body).map_err(|mut p| {
        p.offset += skipped;
        p
    })?;
    Ok(body)
}

/// Where the first byte that is not UTF-8 stands, for a file read as
/// bytes.
pub fn first_invalid_byte(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// A linear pass over the text that finds nesting deeper than
/// [`MAX_DEPTH`] and tags, without building anything. It follows YAML's
/// lexical rules only as far as they matter for those two: quoted
/// scalars, comments, block scalars, flow collections, and block
/// indentation. It over-counts rather than under-counts, which is harmless
/// this far below the bound.
fn prescan(text: &str) -> Result<(), Problem> {
    let bytes = text.as_bytes();
    // Indentation of the open block collections.
    let mut blocks: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    // Inside a `|` or `>` scalar: the indentation of the line it began on.
    let mut literal: Option<usize> = None;
    let mut start = 0;
    while start < bytes.len() {
        let end = text[start..].find('\n').map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let blank = line[indent..]
            .iter()
            .all(|&b| b == b' ' || b == b'\t' || b == b'\r');
        if let Some(parent) = literal {
            if blank || indent > parent {
                start = end + 1;
                continue;
            }
            literal = None;
        }
        let mut i = indent;
        if quote.is_none() && flow == 0 {
            if blank || line[indent] == b'#' {
                start = end + 1;
                continue;
            }
            while blocks.last().is_some_and(|&b| b >= indent) {
                blocks.pop();
            }
            blocks.push(indent);
        }
        let mut node_start = quote.is_none();
        while i < line.len() {
            let b = line[i];
            let next = line.get(i + 1).copied();
            let spaced = |n: Option<u8>| n.is_none_or(|n| n == b' ' || n == b'\t' || n == b'\r');
            if let Some(q) = quote {
                if q == b'"' && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    if q == b'\'' && next == Some(b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                }
                i += 1;
                continue;
            }
            if b == b'#' && (i == 0 || matches!(line[i - 1], b' ' | b'\t')) {
                break;
            }
            let depth = blocks.len() + flow;
            if depth > MAX_DEPTH {
                return Err(too_deep(start + i));
            }
            if flow > 0 && matches!(b, b'[' | b'{') {
                flow += 1;
                node_start = true;
            } else if flow > 0 && matches!(b, b']' | b'}') {
                flow -= 1;
                node_start = false;
            } else if (flow > 0 && b == b',')
                || (b == b':'
                    && (spaced(next) || (flow > 0 && matches!(next, Some(b',' | b']' | b'}')))))
            {
                // After a separator or a key's colon, a new node begins.
                node_start = true;
            } else if node_start {
                match b {
                    b' ' | b'\t' | b'\r' => {}
                    b'-' | b'?' if flow == 0 && spaced(next) => blocks.push(i),
                    b'[' | b'{' => flow += 1,
                    b'"' | b'\'' => {
                        quote = Some(b);
                        node_start = false;
                    }
                    b'!' => {
                        return Err(Problem {
                            offset: start + i,
                            message:
                                "YAML tags (such as `!Foo` or `!!str`) are not part of this format"
                                    .to_string(),
                        })
                    }
                    b'|' | b'>' if flow == 0 => {
                        literal = Some(indent);
                        break;
                    }
                    b'&' => {
                        // An anchor names the node that follows it.
                        while i < line.len() && !matches!(line[i], b' ' | b'\t') {
                            i += 1;
                        }
                        continue;
                    }
                    _ => node_start = false,
                }
            }
            i += 1;
        }
        if blocks.len() + flow > MAX_DEPTH {
            return Err(too_deep(start + indent.min(line.len())));
        }
        start = end + 1;
    }
    Ok(())
}

fn too_deep(offset: usize) -> Problem {
    Problem {
        offset,
        message: format!(
            "the YAML is nested more than {MAX_DEPTH} levels deep here; these files need five at most"
        ),
    }
}

/// serde_yaml writes "at line L column C" into its messages; the report
/// shows the position once, so the words are taken out.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(after.len());
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// One step of a path into a YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

/// A path such as `events[3].outcome`.
pub type YamlPath = Vec<PathPart>;

/// A key step of a path.
pub fn key(name: &str) -> PathPart {
    PathPart::Key(name.to_string())
}

/// An index step of a path.
pub fn index(i: usize) -> PathPart {
    PathPart::Index(i)
}

/// The byte offset of the value at `path`, or of the deepest part of the
/// path that exists.
pub fn locate(text: &str, path: &[PathPart]) -> Option<usize> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let skipped = text.len() - body.len();
    let deserializer = serde_yaml::Deserializer::from_str(body);
    match (Walk { path }).deserialize(deserializer) {
        Ok(()) => None,
        Err(e) => e.location().map(|l| skipped + l.index()),
    }
}

/// The message that marks "arrived"; any other error is a real one, whose
/// location is still the best we have.
const ARRIVED: &str = "arrived";

struct Walk<'p> {
    path: &'p [PathPart],
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((PathPart::Key(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(ARRIVED));
        };
        while let Some(k) = map.next_key::<Value>()? {
            if k.as_str() == Some(wanted.as_str()) {
                return map.next_value_seed(Walk { path: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        // The key is absent: the map itself is the best place to point.
        Err(de::Error::custom(ARRIVED))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((PathPart::Index(wanted), rest)) = self.path.split_first() else {
            return Err(de::Error::custom(ARRIVED));
        };
        let mut i = 0;
        loop {
            if i == *wanted {
                return match seq.next_element_seed(Walk { path: rest })? {
                    Some(()) => Ok(()),
                    None => Err(de::Error::custom(ARRIVED)),
                };
            }
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(ARRIVED));
            }
            i += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(ARRIVED))
    }
}

/// Where a problem stands: its byte offset (moved back to a character
/// boundary), line and column (from 1), and the length of the token that
/// starts there, for labelling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub length: usize,
}

/// The place of a byte offset in `text`.
pub fn place(text: &str, offset: usize) -> Place {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let rest = &text[offset..];
    let length = rest
        .find(['\n', ',', '}', ']', '#'])
        .map(|i| rest[..i].trim_end().len())
        .unwrap_or(rest.trim_end().len())
        .max(usize::from(!rest.is_empty()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Place {
        offset,
        line,
        column,
        length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "procedure: x\nevents:\n  - { on: 2026-01-01, event: received }\n  - on: 2026-01-02\n    event: foo\n    outcome: upheld\n";

    fn line_of(text: &str, offset: usize) -> usize {
        place(text, offset).line
    }

    #[test]
    fn finds_scalars_maps_and_missing_keys() {
        let at = |path: &[PathPart]| locate(TEXT, path).map(|o| line_of(TEXT, o));
        assert_eq!(at(&[key("procedure")]), Some(1));
        assert_eq!(at(&[key("events"), index(0)]), Some(3));
        assert_eq!(at(&[key("events"), index(1), key("outcome")]), Some(6));
        assert_eq!(at(&[key("events"), index(1), key("missing")]), Some(4));
    }

    #[test]
    fn a_byte_order_mark_is_read_past_and_counted_in_offsets() {
        let text = format!("\u{feff}{TEXT}");
        let raw: Mapping = parse(&text).unwrap_or_default();
        assert_eq!(raw.len(), 2);
        let path = [key("events"), index(1), key("outcome")];
        let without = locate(TEXT, &path).unwrap_or(0);
        assert_eq!(locate(&text, &path), Some(without + '\u{feff}'.len_utf8()));
    }

    fn depth_problem(text: &str) -> Option<usize> {
        checked(text)
            .err()
            .filter(|p| p.message.contains("nested"))
            .map(|p| line_of(text, p.offset))
    }

    #[test]
    fn deep_flow_and_block_nesting_is_refused_at_its_line() {
        let flow = format!("a: 1\nevents: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert_eq!(depth_problem(&flow), Some(2));
        let block = format!("a: 1\nb:\n  {}x\n", "- ".repeat(40));
        assert_eq!(depth_problem(&block), Some(3));
        let mut indented = String::from("a:\n");
        for i in 1..40 {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert!(depth_problem(&indented).is_some());
    }

    #[test]
    fn brackets_in_scalars_and_comments_are_not_nesting() {
        let many = "[".repeat(100);
        for text in [
            format!("note: a {many}\n"),
            format!("note: \"{many}\"\n"),
            format!("note: '{many}'\n"),
            format!("a: 1 # {many}\n"),
            format!("note: |\n  {many}\n  more\nb: 2\n"),
            format!("events:\n  - {{ on: 2026-01-01, note: \"{many}\" }}\n"),
        ] {
            assert_eq!(checked(&text).err(), None, "{text}");
        }
    }

    #[test]
    fn tags_and_nul_bytes_are_refused_at_their_line() {
        let tagged = "procedure: x\ncase: !Foo abc\n";
        let problem = checked(tagged).err();
        assert_eq!(problem.map(|p| line_of(tagged, p.offset)), Some(2));
        let nul = "a: 1\nb: x\0y\n";
        let problem = checked(nul).err();
        assert_eq!(problem.map(|p| line_of(nul, p.offset)), Some(2));
        assert_eq!(checked("note: \"!Foo\"\nother: a!b\n").err(), None);
    }

    #[test]
    fn a_small_map_keeps_order_and_refuses_duplicate_keys() {
        let map: SmallMap = parse("b: 1\na: 2\n").unwrap_or_default();
        let keys: Vec<_> = map.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(map.get(&Value::from("a")), Some(&Value::from(2)));
        for n in [2, 40] {
            let mut text: String = (0..n).map(|i| format!("k{i}: 1\n")).collect();
            text.push_str("k1: 2\n");
            let problem = parse::<SmallMap>(&text).err().map(|p| p.message);
            assert!(
                problem
                    .as_deref()
                    .is_some_and(|m| m.contains("duplicate entry with key k1")),
                "{problem:?}"
            );
        }
    }

    #[test]
    fn a_number_beyond_64_bits_is_called_too_large() {
        let problem = parse::<Mapping>("a:\n  fixed: 99999999999999999999\n").err();
        let message = problem.map(|p| p.message).unwrap_or_default();
        assert!(
            message.contains("99999999999999999999 is too large") && !message.contains("u128"),
            "{message}"
        );
    }
}

/// A mapping kept as a list of pairs, in file order: for the many small
/// mappings of a large file (a case's events), where a hash table for
/// each would cost more than the data. Lookups scan, which is faster than
/// hashing at these sizes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SmallMap(Vec<(Value, Value)>);

impl SmallMap {
    /// The value of `key`, the first if it is repeated.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of the string key `key`, without building a [`Value`]
    /// to compare with: looked up for every key of every event.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| matches!(k, Value::String(s) if s == key))
            .map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> serde::Deserialize<'de> for SmallMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SmallMap, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = SmallMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SmallMap, A::Error> {
                let mut pairs: Vec<(Value, Value)> = Vec::new();
                // Past a few keys, a set keeps the duplicate check linear.
                let mut keys: Option<std::collections::HashSet<Value>> = None;
                while let Some(pair) = map.next_entry::<Value, Value>()? {
                    let duplicate = match &mut keys {
                        Some(set) => !set.insert(pair.0.clone()),
                        None => pairs.iter().any(|(k, _)| *k == pair.0),
                    };
                    if duplicate {
                        return Err(de::Error::custom(format_args!(
                            "duplicate entry with key {}",
                            to_string(&pair.0).unwrap_or_default().trim()
                        )));
                    }
                    pairs.push(pair);
                    if keys.is_none() && pairs.len() > 16 {
                        keys = Some(pairs.iter().map(|(k, _)| k.clone()).collect());
                    }
                }
                pairs.shrink_to_fit();
                Ok(SmallMap(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}
