//! A case written as JSON (a line of a JSON Lines file, or an export's
//! case file) read byte by byte into the quick reader's borrowed values,
//! without serde: the caseload spends most of its reading time here, and
//! a reader that knows the one shape a case has does the work of
//! serde_json's generic one in a fraction of the instructions.
//!
//! Like the rest of the quick way it gives up (`None`) at anything it does
//! not expect: an escape, a number, `null`, a list anywhere but `events`,
//! a key the case schema lacks, a repeated key, nesting past
//! [`MAX_DEPTH`], text after the case. The full reader then says what is
//! wrong, at its line, so giving up is always safe.

use super::quick::{Pairs, Quick, QuickCase};

/// Deeper than a case's values ever nest (an event's `facts:` is the
/// deepest, at three); past it a crafted line cannot take the stack.
const MAX_DEPTH: usize = 8;

/// The case in `text`, or `None` when the full reader must read it.
pub(super) fn case(text: &str) -> Option<QuickCase<'_>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let case = reader.case()?;
    reader.skip_space();
    (reader.at == reader.bytes.len()).then_some(case)
}

/// Where the string starting `bytes` ends (its closing quote), or `None`
/// at an escape, a control character or the end of the text. Eight bytes
/// are looked at a time while none of them is special: most of a case's
/// text is in its strings.
fn closing_quote(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether any byte of `word` is zero (exact for whether, not which).
    let any_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS != 0;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_ne_bytes(eight);
        let special = any_zero(word ^ (ONES * u64::from(b'"')))
            || any_zero(word ^ (ONES * u64::from(b'\\')))
            // A byte below 0x20: a control character.
            || word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
        if special {
            break;
        }
        at += 8;
    }
    loop {
        match *bytes.get(at)? {
            b'"' => return Some(at),
            b'\\' | 0..=0x1f => return None,
            _ => at += 1,
        }
    }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte that is not space, consumed.
    fn next(&mut self) -> Option<u8> {
        self.skip_space();
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// A string whose opening quote has been read, up to its closing one;
    /// an escape or a control character gives up (serde_json would need
    /// to unescape it, or refuse it).
    fn string_rest(&mut self) -> Option<&'a str> {
        let start = self.at;
        let end = start + closing_quote(self.bytes.get(start..)?)?;
        // Both ends are ASCII quotes, so the slice is on char boundaries.
        let text = self.text.get(start..end)?;
        self.at = end + 1;
        Some(text)
    }

    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        self.string_rest()
    }

    /// A string, a boolean or a mapping.
    fn value(&mut self, depth: usize) -> Option<Quick<'a>> {
        self.skip_space();
        match *self.bytes.get(self.at)? {
            b'"' => {
                self.at += 1;
                self.string_rest().map(Quick::Str)
            }
            b'{' => self.pairs(depth + 1).map(Quick::Map),
            b't' => self.word("true").map(|()| Quick::Bool(true)),
            b'f' => self.word("false").map(|()| Quick::Bool(false)),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        if self.bytes.get(self.at..end)? != word.as_bytes() {
            return None;
        }
        self.at = end;
        // `trueish` is not a boolean.
        match self.bytes.get(self.at) {
            Some(b) if b.is_ascii_alphanumeric() => None,
            _ => Some(()),
        }
    }

    /// A mapping, its pairs in file order, with the quick reader's rules
    /// (no repeated key, at most `MAX_KEYS` keys).
    fn pairs(&mut self, depth: usize) -> Option<Pairs<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.expect(b'{')?;
        let mut pairs = Pairs::with_capacity(4);
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(pairs);
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value(depth)?;
            pairs.push(key, value)?;
            match self.next()? {
                b',' => {}
                b'}' => return Some(pairs),
                _ => return None,
            }
        }
    }

    /// `events`: a list of mappings.
    fn events(&mut self) -> Option<Vec<Pairs<'a>>> {
        self.expect(b'[')?;
        let mut events = Vec::with_capacity(16);
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(events);
        }
        loop {
            events.push(self.pairs(2)?);
            match self.next()? {
                b',' => {}
                b']' => return Some(events),
                _ => return None,
            }
        }
    }

    /// The case's own mapping: the keys of [`QuickCase`], each once.
    fn case(&mut self) -> Option<QuickCase<'a>> {
        self.expect(b'{')?;
        let mut case = QuickCase::default();
        let (mut procedure, mut name, mut events) = (None, None, None);
        let mut seen = [false; 8];
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            let slot = match key {
                "procedure" => 0,
                "version" => 1,
                "case" => 2,
                "calendar" => 3,
                "facts" => 4,
                "people" => 5,
                "events" => 6,
                "before_effective" => 7,
                _ => return None,
            };
            if std::mem::replace(&mut seen[slot], true) {
                return None;
            }
            match slot {
                0 => procedure = Some(self.string()?),
                1 => case.version = Some(self.string()?),
                2 => name = Some(self.string()?),
                3 => case.calendar = Some(self.string()?),
                4 => case.facts = self.pairs(1)?,
                5 => case.people = self.pairs(1)?,
                6 => events = Some(self.events()?),
                _ => case.before_effective = Some(self.string()?),
            }
            match self.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        case.procedure = procedure?;
        case.case = name?;
        case.events = events?;
        Some(case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json's reading of the same text gives, for comparison.
    fn by_serde(text: &str) -> Option<String> {
        serde_json::from_str::<QuickCase<'_>>(text)
            .ok()
            .map(|c| format!("{c:?}"))
    }

    fn by_hand(text: &str) -> Option<String> {
        case(text).map(|c| format!("{c:?}"))
    }

    /// The hand reader reads what serde_json reads, the same way; where it
    /// gives up, serde_json either refuses too or reads something the full
    /// reader handles (an escape, `null` for an optional key).
    #[test]
    fn reads_what_serde_json_reads() {
        let base = r#"{"procedure":"cafcass","case":"A-1","facts":{"complainant_is":"adult","x":true,"y":false},"events":[{"on":"2026-01-05","event":"received"},{"on":"2026-01-06","event":"record","facts":{"a":"b"}}]}"#;
        let same = [
            base.to_string(),
            format!(" \n{base}\r\n\t"),
            r#"{ "procedure" : "p" , "version" : "2.0", "case" : "c", "calendar": "scotland", "people": {"lead": "A. Patel"}, "events" : [ ], "before_effective": "deliberate" }"#.to_string(),
            r#"{"procedure":"p","case":"c","events":[{}],"facts":{}}"#.to_string(),
            "{\"procedure\":\"p\",\"case\":\"caf\u{e9} \u{1f600}\",\"events\":[]}".to_string(),
        ];
        for text in &same {
            assert!(by_hand(text).is_some(), "{text}");
            assert_eq!(by_hand(text), by_serde(text), "{text}");
        }
        let refused = [
            // Escapes, numbers, null, lists, control characters.
            r#"{"procedure":"p","case":"a \"b\"","events":[]}"#,
            r#"{"procedure":"p","case":"c","facts":{"n":7},"events":[]}"#,
            r#"{"procedure":"p","case":"c","version":null,"events":[]}"#,
            r#"{"procedure":"p","case":"c","events":[{"by":["a","b"]}]}"#,
            "{\"procedure\":\"p\",\"case\":\"c\u{1}\",\"events\":[]}",
            // Missing, unknown and repeated keys.
            r#"{"procedure":"p","events":[]}"#,
            r#"{"procedure":"p","case":"c","events":[],"expect":{}}"#,
            r#"{"procedure":"p","case":"c","case":"d","events":[]}"#,
            r#"{"procedure":"p","case":"c","events":[{"on":"a","on":"b"}]}"#,
            // Broken or trailing text, words that are not booleans.
            r#"{"procedure":"p","case":"c","events":[]} x"#,
            r#"{"procedure":"p","case":"c","events":[],}"#,
            r#"{"procedure":"p","case":"c","events":[{"a":trueish}]}"#,
            r#"{"procedure":"p","case":"c","events":[{"a":tru}]}"#,
            r#"{"procedure":"p","case":"c","events":["#,
            "",
        ];
        for text in refused {
            assert_eq!(by_hand(text), None, "{text}");
        }
    }

    /// The eight-at-a-time scan finds a quote, an escape or a control
    /// character wherever it falls in or across a block of eight, and
    /// passes over UTF-8 and every other byte.
    #[test]
    fn a_string_ends_at_its_first_quote_wherever_it_falls() {
        for before in 0..20 {
            let plain = "x".repeat(before);
            let text = "\u{e9}x~".repeat(before);
            assert_eq!(
                closing_quote(format!("{plain}\"tail").as_bytes()),
                Some(before)
            );
            for special in ["\\", "\u{1}", "\n", "\u{1f}"] {
                assert_eq!(
                    closing_quote(format!("{plain}{special}\"").as_bytes()),
                    None
                );
            }
            assert_eq!(
                closing_quote(format!("{text}\"").as_bytes()),
                Some(text.len())
            );
            assert_eq!(closing_quote(text.as_bytes()), None);
        }
    }

    /// Nesting past the bound gives up rather than taking the stack.
    #[test]
    fn deep_nesting_gives_up() {
        let deep = format!(
            r#"{{"procedure":"p","case":"c","facts":{}true{},"events":[]}}"#,
            r#"{"a":"#.repeat(100_000),
            "}".repeat(100_000)
        );
        assert_eq!(by_hand(&deep), None);
    }
}
