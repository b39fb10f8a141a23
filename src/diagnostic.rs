//! One diagnostic type for every phase: a `.proc` file, a case file, a
//! calendar file, an assumptions file or the command line itself.
//!
//! Each phase keeps its own typed error (a `thiserror` + `miette` enum with
//! a code, a help and labels) and knows nothing of files; it becomes a
//! [`Diagnostic`] in one place, [`Diagnostic::from_error`], which places
//! its labels in a file of a [`SourceMap`]. Every output (human, JSON,
//! SARIF, GitHub; `src/report/diagnostic.rs` and `src/report/ci.rs`) is
//! rendered from diagnostics and their source map alone.

use std::ops::Range;

use serde::Serialize;

use crate::source::SourceFile;

/// A file in a [`SourceMap`]. The command line is a file too, so that an
/// error about an argument is labelled like any other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId(usize);

/// The texts diagnostics point into, each with the name it is shown by.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file; files keep the order they were added in, which is the
    /// order reports list them.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// Adds a text under a name.
    pub fn add_text(&mut self, name: &str, text: &str) -> FileId {
        self.add(SourceFile::new(name, text))
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id.0).map_or("", |f| f.name.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id.0).map_or("", |f| &*f.text)
    }

    /// Every file, in the order added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }

    /// Line and column (from 1, the column in characters) of a byte
    /// offset in a file.
    pub fn position(&self, id: FileId, offset: usize) -> (usize, usize) {
        position(self.text(id), offset)
    }
}

/// Whether a diagnostic fails the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span of a file, with what to say under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    /// Byte offsets into the file's text.
    pub span: Range<usize>,
    pub text: Option<String>,
}

/// A problem found by any phase, ready to be shown in any format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code (`E0202`, `W0501`); docs/language.md and
    /// docs/cli.md list them all.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one: the place JSON, SARIF and
    /// GitHub output report.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

/// A diagnostic's primary place, lines and columns from 1, columns in
/// characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: FileId,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Diagnostic {
    /// The one conversion from a phase's typed error: its code, severity,
    /// message and help, and its labels placed in `file`. An error with no
    /// label of its own (the phase did not know where its input came from)
    /// is labelled at the start of `file`, so that every diagnostic from a
    /// file names a line; callers who know better use [`Diagnostic::at`].
    pub fn from_error(error: &dyn miette::Diagnostic, file: FileId) -> Diagnostic {
        let labels: Vec<Label> = error
            .labels()
            .map(|labels| {
                labels
                    .map(|l| Label {
                        file,
                        span: l.offset()..l.offset() + l.len(),
                        text: l.label().map(str::to_string),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Diagnostic {
            code: error
                .code()
                .map_or_else(|| "E0000".to_string(), |c| c.to_string()),
            severity: match error.severity() {
                Some(miette::Severity::Warning | miette::Severity::Advice) => Severity::Warning,
                _ => Severity::Error,
            },
            message: error.to_string(),
            labels: if labels.is_empty() {
                vec![Label {
                    file,
                    span: 0..0,
                    text: None,
                }]
            } else {
                labels
            },
            help: error.help().map(|h| h.to_string()),
        }
    }

    /// The same diagnostic pointing at `span` of `file` (an argument of
    /// the command line, say), in place of the labels it had.
    pub fn at(mut self, file: FileId, span: Range<usize>, text: Option<&str>) -> Diagnostic {
        self.labels = vec![Label {
            file,
            span,
            text: text.map(str::to_string),
        }];
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file of the primary label.
    pub fn file(&self) -> Option<FileId> {
        self.labels.first().map(|l| l.file)
    }

    /// The primary label's place.
    pub fn place(&self, map: &SourceMap) -> Option<Place> {
        let label = self.labels.first()?;
        let (line, column) = map.position(label.file, label.span.start);
        let (end_line, end_column) = map.position(label.file, label.span.end);
        Some(Place {
            file: label.file,
            line,
            column,
            end_line,
            end_column,
        })
    }
}

/// Line and column (from 1, column in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("unknown role `{name}`")]
    #[diagnostic(code(E0202), help("did you mean `manager`?"))]
    struct UnknownRole {
        name: String,
        #[label("not declared")]
        span: miette::SourceSpan,
    }

    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("no place")]
    #[diagnostic(code(E0701), severity(Warning))]
    struct Nowhere;

    #[test]
    fn a_typed_error_keeps_its_code_help_and_label_in_the_file_given() {
        let mut map = SourceMap::new();
        let file = map.add_text("a.proc", "role manager\nlead manger\n");
        let d = Diagnostic::from_error(
            &UnknownRole {
                name: "manger".into(),
                span: (18, 6).into(),
            },
            file,
        );
        assert_eq!(d.code, "E0202");
        assert_eq!(d.message, "unknown role `manger`");
        assert_eq!(d.help.as_deref(), Some("did you mean `manager`?"));
        assert_eq!(d.labels[0].text.as_deref(), Some("not declared"));
        let place = d.place(&map).map(|p| (p.line, p.column, p.end_column));
        assert_eq!(place, Some((2, 6, 12)));
    }

    #[test]
    fn an_error_without_a_label_is_placed_at_the_start_of_its_file() {
        let mut map = SourceMap::new();
        let file = map.add_text("x", "text");
        let d = Diagnostic::from_error(&Nowhere, file);
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.place(&map).map(|p| (p.line, p.column)), Some((1, 1)));
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        assert_eq!(position("é\nab", 4), (2, 2));
        assert_eq!(position("éa", 1), (1, 1), "inside a character");
        assert_eq!(position("ab", 99), (1, 3), "past the end");
    }
}
