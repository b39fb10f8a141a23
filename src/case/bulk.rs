//! Files holding many cases: YAML with several documents (`---`), and JSON
//! Lines (one case a line, the same schema as a YAML case file). A file is
//! cut into documents, each read like a case file of its own; a problem's
//! place in a document is moved by the document's offset, so that it names
//! the line of the whole file.

use std::path::Path;

use crate::yaml::Value;

/// How a file holds its cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// YAML: one case, or several documents separated by `---` lines.
    Yaml,
    /// JSON Lines: one case a line; blank lines are skipped.
    JsonLines,
}

/// The extensions of case files, as folders are searched for them.
pub const CASE_EXTENSIONS: [&str; 4] = ["yaml", "yml", "jsonl", "ndjson"];

impl Layout {
    /// By extension: `.jsonl` and `.ndjson` are JSON Lines, anything else
    /// YAML (of which a single JSON document is a case).
    pub fn of(path: &Path) -> Layout {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson") => Layout::JsonLines,
            _ => Layout::Yaml,
        }
    }
}

/// One case's text in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub text: &'a str,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// The line `text` starts on, from 1.
    pub line: usize,
}

/// The cases of a file's text. A YAML document that holds nothing but
/// blank lines and comments (before the first `---`, say) is not a case.
pub fn documents(text: &str, layout: Layout) -> Vec<Document<'_>> {
    match layout {
        Layout::JsonLines => lines(text)
            .filter(|(_, _, l)| !l.trim().is_empty())
            .map(|(offset, line, l)| Document {
                text: l,
                offset,
                line,
            })
            .collect(),
        Layout::Yaml => {
            let mut docs = Vec::new();
            let (mut start, mut start_line) = (0, 1);
            for (offset, line, l) in lines(text) {
                if offset > start && is_separator(l) {
                    docs.push(Document {
                        text: &text[start..offset],
                        offset: start,
                        line: start_line,
                    });
                    start = offset;
                    start_line = line;
                }
            }
            docs.push(Document {
                text: &text[start..],
                offset: start,
                line: start_line,
            });
            docs.retain(|d| has_content(d.text));
            if docs.is_empty() {
                // An empty file is one (empty) case, so that it is
                // reported rather than passed over.
                docs.push(Document {
                    text,
                    offset: 0,
                    line: 1,
                });
            }
            docs
        }
    }
}

/// Each line with its byte offset and number, without its line ending.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').enumerate().map(move |(i, raw)| {
        let at = offset;
        offset += raw.len();
        let l = raw.strip_suffix('\n').unwrap_or(raw);
        (at, i + 1, l.strip_suffix('\r').unwrap_or(l))
    })
}

/// A YAML document marker: `---` alone, or followed by a space or tab.
fn is_separator(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

fn has_content(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !(t.is_empty() || t.starts_with('#') || is_separator(l) || t == "...")
    })
}

/// The `case:` id of a document that did not read as a case, to name it
/// in the problem; `None` when the document does not get that far.
pub fn case_id(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        case: Value,
    }
    let id: Id = crate::yaml::parse(text).ok()?;
    match id.case {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_documents_keep_their_lines_and_offsets() {
        let text = "# a team's cases\n---\ncase: A\n---\ncase: B\n...\n";
        let docs = documents(text, Layout::Yaml);
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].line, docs[1].line), (2, 4));
        assert_eq!(&text[docs[1].offset..], docs[1].text);
        assert_eq!(case_id(docs[1].text).as_deref(), Some("B"));
    }

    #[test]
    fn a_file_without_separators_is_one_case() {
        let text = "case: A\nevents: []\n";
        assert_eq!(
            documents(text, Layout::Yaml),
            vec![Document {
                text,
                offset: 0,
                line: 1
            }]
        );
    }

    #[test]
    fn json_lines_skip_blank_lines_and_count_every_line() {
        let text = "{\"case\": \"A\"}\r\n\n{\"case\": 7}\n";
        let docs = documents(text, Layout::JsonLines);
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[1].line, docs[1].text), (3, "{\"case\": 7}"));
        assert_eq!(case_id(docs[1].text).as_deref(), Some("7"));
    }
}
