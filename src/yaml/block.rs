//! The quick way through the block-style YAML that case files are written
//! in (examples/, `redress import csv`): a mapping of plain, single- or
//! double-quoted scalars, nested block mappings and lists, and one-line
//! flow collections such as `- { on: 2026-03-02, event: received }`.
//!
//! It reads that subset into borrowed [`Node`]s with no YAML value tree
//! and no event stream, and gives up (`None`) at anything it does not
//! read exactly as serde_yaml would: anchors, tags, block or multi-line
//! scalars, escapes, tabs, carriage returns, odd indentation, a repeated
//! key, a scalar that YAML reads as a number or null, directives, a
//! byte-order mark. The caller then reads the file the full way, which
//! reports every problem at its line; so this reader never has to say
//! what is wrong, only that it is not sure.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{Deserializer, IntoDeserializer, Visitor};

/// A value of the subset, borrowing the text.
#[derive(Debug, PartialEq)]
pub(super) enum Node<'a> {
    Str(&'a str),
    Bool(bool),
    Map(Vec<(&'a str, Node<'a>)>),
    Seq(Vec<Node<'a>>),
}

/// Deeper than the formats go (five levels); past it the file goes the
/// full way, so recursion here stays shallow whatever the input.
const MAX_NESTING: usize = 8;

/// More keys in one mapping than a case has facts or an event has keys;
/// past it the file goes the full way, so that the check for a repeated
/// key, a scan, stays cheap.
const MAX_KEYS: usize = 256;

/// The top-level mapping of `text`, or `None` when the full reader must
/// read it.
pub(super) fn parse(text: &str) -> Option<Node<'_>> {
    if text.len() > super::MAX_BYTES || !plain_text(text) {
        return None;
    }
    // `...` ends a document; nothing but comments may follow it.
    let mut end = text.len();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "..." {
            end = start;
            let after = Lines {
                text,
                pos: start + line.len(),
            };
            if after.peek().is_some() {
                return None;
            }
            break;
        }
        start += line.len();
    }
    let mut lines = Lines {
        text: &text[..end],
        pos: 0,
    };
    // A document of a multi-document file starts at its `---` line.
    if let Some(line) = lines.peek() {
        if line.indent == 0 && line.rest == "---" {
            lines.advance(&line);
        }
    }
    if lines.peek()?.indent != 0 {
        return None;
    }
    let node = block(&mut lines, 0, 0)?;
    lines.peek().is_none().then_some(node)
}

/// Only characters YAML takes as they are: no tab, carriage return,
/// control character, byte-order mark or Unicode line break.
fn plain_text(text: &str) -> bool {
    if text.is_ascii() {
        return text
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b));
    }
    text.chars().all(|c| match c {
        '\n' => true,
        ' '..='~' => true,
        '\u{a0}'..='\u{d7ff}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
        '\u{10000}'..='\u{10ffff}' => true,
        _ => false,
    })
}

/// A line that holds something: its indentation and the rest.
struct Line<'a> {
    indent: usize,
    rest: &'a str,
    next: usize,
}

/// The lines of the text, blank lines and whole-line comments passed over.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        let mut pos = self.pos;
        while pos < self.text.len() {
            let end = self.text[pos..]
                .find('\n')
                .map_or(self.text.len(), |i| pos + i);
            let line = &self.text[pos..end];
            let body = line.trim_start_matches(' ');
            if !(body.is_empty() || body.starts_with('#')) {
                return Some(Line {
                    indent: line.len() - body.len(),
                    rest: body.trim_end_matches(' '),
                    next: end + 1,
                });
            }
            pos = end + 1;
        }
        None
    }

    fn advance(&mut self, line: &Line<'a>) {
        self.pos = line.next;
    }
}

/// The block mapping or list whose first line is indented `indent`.
fn block<'a>(lines: &mut Lines<'a>, indent: usize, depth: usize) -> Option<Node<'a>> {
    let line = lines.peek()?;
    if depth > MAX_NESTING || line.indent != indent {
        return None;
    }
    if is_item(line.rest) {
        list(lines, indent, depth)
    } else {
        map(lines, indent, None, depth)
    }
}

fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// A block list at `indent`.
fn list<'a>(lines: &mut Lines<'a>, indent: usize, depth: usize) -> Option<Node<'a>> {
    let mut items = Vec::new();
    while let Some(line) = lines.peek() {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return None;
        }
        // A line at the list's own indentation that is not an item is a
        // key of the mapping the list is in (`events:` at column 1): that
        // mapping judges it.
        if !is_item(line.rest) {
            break;
        }
        let item = line.rest.get(1..)?;
        let body = item.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            return None;
        }
        // Where the item's own text starts: a mapping on the item's line
        // goes on at that column.
        let column = indent + 1 + (item.len() - body.len());
        if body.starts_with(['{', '[', '"', '\'']) || key_of(body).is_none() {
            items.push(inline(body, depth + 1)?);
            lines.advance(&line);
            if lines.peek().is_some_and(|l| l.indent > indent) {
                return None;
            }
        } else {
            lines.advance(&line);
            items.push(map(lines, column, Some(body), depth + 1)?);
            if lines.peek().is_some_and(|l| l.indent > indent) {
                return None;
            }
        }
    }
    Some(Node::Seq(items))
}

/// `key: value` or `key:` at the start of `body`: the key and what
/// follows its colon.
fn key_of(body: &str) -> Option<(&str, &str)> {
    let (key, value) = body.split_once(':')?;
    if !is_key(key) || !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key, value.trim_start_matches(' ')))
}

/// The keys case files use: words of letters, digits and `_`, not
/// starting with a digit, and none that YAML reads as null or a boolean.
fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && resolve(key).is_some_and(|n| matches!(n, Node::Str(_)))
}

/// A block mapping at `indent`; `first` is its first line's text when it
/// starts on a list item's line.
fn map<'a>(
    lines: &mut Lines<'a>,
    indent: usize,
    first: Option<&'a str>,
    depth: usize,
) -> Option<Node<'a>> {
    let mut pairs: Vec<(&'a str, Node<'a>)> = Vec::new();
    let mut pending = first;
    loop {
        let body = match pending.take() {
            Some(body) => body,
            None => {
                let Some(line) = lines.peek() else { break };
                if line.indent < indent {
                    break;
                }
                if line.indent > indent || is_item(line.rest) {
                    return None;
                }
                lines.advance(&line);
                line.rest
            }
        };
        let (key, value) = key_of(body)?;
        if pairs.len() >= MAX_KEYS || pairs.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let node = if value.is_empty() || value.starts_with('#') {
            // The value is the block below: deeper, or a list at the
            // key's own indentation.
            let next = lines.peek()?;
            if next.indent > indent || (next.indent == indent && is_item(next.rest)) {
                block(lines, next.indent, depth + 1)?
            } else {
                return None;
            }
        } else {
            let node = inline(value, depth + 1)?;
            // A deeper line would continue the scalar over lines.
            if lines.peek().is_some_and(|l| l.indent > indent) {
                return None;
            }
            node
        };
        pairs.push((key, node));
    }
    Some(Node::Map(pairs))
}

/// A value on one line after a key or a list item's dash, with an
/// optional comment after it.
fn inline(text: &str, depth: usize) -> Option<Node<'_>> {
    let (node, rest) = match text.as_bytes().first()? {
        b'{' | b'[' => flow(text, depth)?,
        b'"' | b'\'' => quoted(text)?,
        _ => {
            let value = match text.find(" #") {
                Some(i) => text[..i].trim_end_matches(' '),
                None => text,
            };
            if value.contains(": ") || value.ends_with(':') {
                return None;
            }
            return plain(value);
        }
    };
    // A comment after the value needs a space before it.
    let after = rest.trim_start_matches(' ');
    (rest.is_empty() || (rest.starts_with(' ') && (after.is_empty() || after.starts_with('#'))))
        .then_some(node)
}

/// A quoted scalar without escapes, and the text after it.
fn quoted(text: &str) -> Option<(Node<'_>, &str)> {
    let quote = text.as_bytes()[0] as char;
    let inner = &text[1..];
    let end = inner.find(quote)?;
    let value = &inner[..end];
    let rest = &inner[end + 1..];
    if (quote == '"' && value.contains('\\')) || (quote == '\'' && rest.starts_with('\'')) {
        return None;
    }
    // A comment after a closing quote needs a space before it.
    if rest.starts_with('#') {
        return None;
    }
    Some((Node::Str(value), rest))
}

/// A plain scalar: `true` and `false`, or text that YAML reads as a
/// string. Null, other spellings of booleans, and anything that could be
/// a number (but a date) go the full way.
fn plain(value: &str) -> Option<Node<'_>> {
    let first = value.chars().next()?;
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return None;
    }
    resolve(value)
}

fn resolve(value: &str) -> Option<Node<'_>> {
    match value {
        "true" => return Some(Node::Bool(true)),
        "false" => return Some(Node::Bool(false)),
        "" | "~" | "null" | "Null" | "NULL" | "True" | "TRUE" | "False" | "FALSE" => return None,
        _ => {}
    }
    let unsigned = value.trim_start_matches(['+', '-']);
    let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && !value.contains(' ')
        && !is_date(value);
    let lower = unsigned.to_ascii_lowercase();
    if numeric || matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return None;
    }
    Some(Node::Str(value))
}

/// `YYYY-MM-DD` in digits, which YAML reads as a string here.
fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// A flow mapping or list that closes on its line, and the text after it.
fn flow(text: &str, depth: usize) -> Option<(Node<'_>, &str)> {
    if depth > MAX_NESTING {
        return None;
    }
    let map = text.starts_with('{');
    let close = if map { '}' } else { ']' };
    let mut rest = text[1..].trim_start_matches(' ');
    let mut pairs = Vec::new();
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(close) {
        let node = if map {
            Node::Map(pairs)
        } else {
            Node::Seq(items)
        };
        return Some((node, after));
    }
    loop {
        let key = if map {
            let (key, after) = rest.split_once(':')?;
            if !is_key(key)
                || !after.starts_with(' ')
                || pairs.len() >= MAX_KEYS
                || pairs.iter().any(|(k, _)| *k == key)
            {
                return None;
            }
            rest = after.trim_start_matches(' ');
            Some(key)
        } else {
            None
        };
        let (node, after) = match rest.as_bytes().first()? {
            b'{' | b'[' => flow(rest, depth + 1)?,
            b'"' | b'\'' => quoted(rest)?,
            _ => {
                let end = rest.find([',', '}', ']'])?;
                let value = rest[..end].trim_end_matches(' ');
                if value.contains([':', '#', '[', '{']) {
                    return None;
                }
                (plain(value)?, &rest[end..])
            }
        };
        match key {
            Some(key) => pairs.push((key, node)),
            None => items.push(node),
        }
        rest = after.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(close) {
            let node = if map {
                Node::Map(pairs)
            } else {
                Node::Seq(items)
            };
            return Some((node, after));
        }
        rest = rest.strip_prefix(',')?.trim_start_matches(' ');
        // A trailing comma, or an empty entry, goes the full way.
        if rest.starts_with([',', '}', ']']) {
            return None;
        }
    }
}

impl<'de> IntoDeserializer<'de, Error> for Node<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// A node read into any serde type, strings borrowed from the text, so
/// that the quick reader of JSON cases reads these too.
impl<'de> Deserializer<'de> for Node<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Str(s) => visitor.visit_borrowed_str(s),
            Node::Bool(b) => visitor.visit_bool(b),
            Node::Map(pairs) => {
                let mut access =
                    MapDeserializer::new(pairs.into_iter().map(|(k, v)| (Node::Str(k), v)));
                let value = visitor.visit_map(&mut access)?;
                access.end()?;
                Ok(value)
            }
            Node::Seq(items) => {
                let mut access = SeqDeserializer::new(items.into_iter());
                let value = visitor.visit_seq(&mut access)?;
                access.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shapes_case_files_use() {
        let text = "# c\nevents:\n- { on: 2026-01-05, by: [a, 'b'] }\n- on: \"x y\" # c\n  ok: true\nnote: 10 working days\n";
        let node = parse(text);
        let expected = Node::Map(vec![
            (
                "events",
                Node::Seq(vec![
                    Node::Map(vec![
                        ("on", Node::Str("2026-01-05")),
                        ("by", Node::Seq(vec![Node::Str("a"), Node::Str("b")])),
                    ]),
                    Node::Map(vec![("on", Node::Str("x y")), ("ok", Node::Bool(true))]),
                ]),
            ),
            ("note", Node::Str("10 working days")),
        ]);
        assert_eq!(node, Some(expected));
    }

    /// What YAML could read as another type, or the subset does not hold,
    /// is left to the full reader; so is input built to be slow.
    #[test]
    fn leaves_the_rest_to_the_full_reader() {
        let many: String = (0..300).map(|i| format!("k{i}: x\n")).collect();
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        for text in [
            "a: 12",
            "a: 1.5",
            "a: .inf",
            "a: ~",
            "a:",
            "a: True",
            "a: -x",
            "a: *x",
            "a: b: c",
            "a: \"x\"#c",
            "a: [x,]",
            "a: {b: c}x",
            "a:\n- x\n  - y",
            "'a': x",
            "1: x",
            "null: x",
            "a: x\n...\nb: y",
            many.as_str(),
            deep.as_str(),
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
