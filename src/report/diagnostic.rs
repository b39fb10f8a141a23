//! Diagnostics for people (miette's graphical report) and as the JSON
//! document `check --format json` prints (schema in docs/cli.md). Both are
//! views of [`Diagnostic`]s and their [`SourceMap`], nothing else; SARIF
//! and GitHub output are in [`super::ci`].

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, SourceMap};

/// Lines longer than this are not reprinted in reports (a megabyte of
/// junk on one line); the place is named instead.
const MAX_SHOWN_LINE: usize = 1000;

/// Diagnostics as people read them: each with its code, message, the
/// lines it points at (`file:line:column`) and its help. Colour and
/// Unicode box-drawing only when `colour` is set.
pub fn human(diagnostics: &[Diagnostic], map: &SourceMap, colour: bool) -> String {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    let mut out = String::new();
    for d in diagnostics {
        let shown = Shown::new(d, map);
        let before = out.len();
        if handler.render_report(&mut out, &shown).is_err() {
            out.truncate(before);
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        if shown.source.is_none() {
            if let Some(place) = d.place(map) {
                out.push_str(&format!(
                    "  at {}:{}:{}\n",
                    map.name(place.file),
                    place.line,
                    place.column
                ));
            }
        }
    }
    out
}

/// A diagnostic as miette renders it: the primary label's file as the
/// source, and the labels in that file.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
}

impl<'a> Shown<'a> {
    fn new(diagnostic: &'a Diagnostic, map: &SourceMap) -> Shown<'a> {
        let Some(file) = diagnostic.file() else {
            return Shown {
                diagnostic,
                source: None,
                labels: Vec::new(),
            };
        };
        let text = map.text(file);
        let first = diagnostic.labels.first().map_or(0, |l| l.span.start);
        if line_length_at(text, first) > MAX_SHOWN_LINE {
            return Shown {
                diagnostic,
                source: None,
                labels: Vec::new(),
            };
        }
        let labels = diagnostic
            .labels
            .iter()
            .filter(|l| l.file == file)
            .map(|l| {
                let start = l.span.start.min(text.len());
                let end = l.span.end.clamp(start, text.len());
                LabeledSpan::new(l.text.clone(), start, end - start)
            })
            .collect();
        Shown {
            diagnostic,
            source: Some(NamedSource::new(map.name(file), text.to_string())),
            labels,
        }
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diagnostic.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.diagnostic.is_error() {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<_>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
}

fn line_length_at(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let start = text.as_bytes()[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let end = text.as_bytes()[offset..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |i| offset + i);
    end - start
}

/// One diagnostic in `check --format json`: the primary label's place,
/// lines and columns from 1, columns in characters.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Located<'a> {
    pub code: &'a str,
    pub severity: &'static str,
    pub message: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<&'a str>,
}

impl<'a> Located<'a> {
    pub fn new(d: &'a Diagnostic, map: &SourceMap) -> Located<'a> {
        let (line, column, end_line, end_column) = d.place(map).map_or((1, 1, 1, 1), |p| {
            (p.line, p.column, p.end_line, p.end_column)
        });
        Located {
            code: &d.code,
            severity: d.severity.as_str(),
            message: &d.message,
            line,
            column,
            end_line,
            end_column,
            help: d.help.as_deref(),
        }
    }
}

/// `check --format json`: every file in the map, in order, with the
/// diagnostics whose primary label is in it, and the totals.
#[derive(Serialize)]
pub struct Json<'a> {
    pub files: Vec<JsonFile<'a>>,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    pub path: &'a str,
    pub diagnostics: Vec<Located<'a>>,
}

pub fn json<'a>(diagnostics: &'a [Diagnostic], map: &'a SourceMap) -> Json<'a> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    Json {
        files: map
            .files()
            .map(|(id, file)| JsonFile {
                path: &file.name,
                diagnostics: diagnostics
                    .iter()
                    .filter(|d| d.file() == Some(id))
                    .map(|d| Located::new(d, map))
                    .collect(),
            })
            .collect(),
        errors,
        warnings: diagnostics.len() - errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one() -> (Vec<Diagnostic>, SourceMap) {
        let mut map = SourceMap::new();
        map.add_text("empty.proc", "");
        let file = map.add_text("a.proc", "role r\nlead x\n");
        let d = Diagnostic {
            code: "E0202".into(),
            severity: crate::diagnostic::Severity::Error,
            message: "unknown role `x`".into(),
            labels: vec![crate::diagnostic::Label {
                file,
                span: 12..13,
                text: Some("not declared".into()),
            }],
            help: Some("declare it".into()),
        };
        (vec![d], map)
    }

    #[test]
    fn human_output_names_the_file_line_and_column() {
        let (d, map) = one();
        let text = human(&d, &map, false);
        assert!(text.contains("a.proc:2:6"), "{text}");
        assert!(
            text.contains("E0202") && text.contains("help: declare it"),
            "{text}"
        );
    }

    #[test]
    fn json_lists_every_file_and_puts_each_diagnostic_under_its_own() {
        let (d, map) = one();
        let value = serde_json::to_value(json(&d, &map)).unwrap_or_default();
        assert_eq!(value["files"][0]["diagnostics"], serde_json::json!([]));
        assert_eq!(value["files"][1]["diagnostics"][0]["line"], 2);
        assert_eq!(value["files"][1]["diagnostics"][0]["end_column"], 7);
        assert_eq!(value["errors"], 1);
    }

    #[test]
    fn a_line_too_long_to_show_is_named_instead() {
        let mut map = SourceMap::new();
        let file = map.add_text("long.proc", &"x".repeat(5000));
        let d = Diagnostic {
            code: "E0005".into(),
            severity: crate::diagnostic::Severity::Error,
            message: "too long".into(),
            labels: vec![crate::diagnostic::Label {
                file,
                span: 0..1,
                text: None,
            }],
            help: None,
        };
        let text = human(&[d], &map, false);
        assert!(text.contains("at long.proc:1:1"), "{text}");
        assert!(!text.contains("xxxx"), "{text}");
    }
}
