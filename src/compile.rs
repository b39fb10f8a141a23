//! The front of the pipeline as one call: bytes in, a checked
//! [`Procedure`] or every problem found out.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};
use serde::Serialize;
use thiserror::Error;

use crate::analysis::paths;
use crate::check::ir::{DurationSpec, Unit};
use crate::check::{self, CheckError, Procedure};
use crate::source::{self, InputError, SourceFile};
use crate::syntax::ast::Span;
use crate::syntax::{self, SyntaxError};

/// Any problem with a `.proc` file, from any stage.
#[derive(Debug, Error, Diagnostic)]
pub enum Problem {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(InputError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(SyntaxError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(CheckError),
}

impl Problem {
    pub fn is_error(&self) -> bool {
        !matches!(self.severity(), Some(Severity::Warning))
    }
}

/// The result of compiling one file.
#[derive(Debug)]
pub struct Compiled {
    pub source: SourceFile,
    pub problems: Vec<Problem>,
    /// Present when there are no errors.
    pub procedure: Option<Procedure>,
}

impl Compiled {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// Each problem with its position, for machine-readable output.
    pub fn located(&self) -> Vec<Located> {
        self.problems
            .iter()
            .map(|p| Located::new(p, &self.source.text))
            .collect()
    }

    /// Each problem with the file's text attached, for rendering. A
    /// problem on a line too long to show (a megabyte of junk) is shown
    /// without its snippet.
    pub fn with_source(&self) -> impl Iterator<Item = WithSource<'_>> {
        let source = Arc::new(self.source.named_source());
        let text = &self.source.text;
        self.problems.iter().map(move |p| {
            let offset = p
                .labels()
                .and_then(|mut l| l.next())
                .map_or(0, |l| l.offset());
            WithSource {
                inner: p,
                source: (line_length_at(text, offset) <= MAX_SHOWN_LINE)
                    .then(|| Arc::clone(&source)),
            }
        })
    }
}

/// Compiles a file's bytes. `name` is how the file is named in messages.
pub fn compile(name: &str, bytes: &[u8]) -> Compiled {
    let source = match source::decode(name, bytes) {
        Ok(source) => source,
        Err(error) => {
            return Compiled {
                source: SourceFile::new(name, ""),
                problems: vec![Problem::Input(error)],
                procedure: None,
            }
        }
    };
    let (file, syntax_errors) = syntax::parse(&source.text);
    let mut problems: Vec<Problem> = syntax_errors.into_iter().map(Problem::Syntax).collect();
    let mut procedure = None;
    if let Some(file) = file {
        let checked = check::check(&file);
        problems.extend(checked.diagnostics.into_iter().map(Problem::Check));
        if problems.iter().all(|p| !p.is_error()) {
            procedure = checked.procedure;
        }
        // Lints that need the whole procedure's paths run on the checked
        // procedure, after checking: the checker knows nothing of them.
        let limit = file.procedure.as_ref().and_then(|d| d.limits.first());
        if let (Some(p), Some(limit)) = (&procedure, limit) {
            problems.extend(limit_warning(p, limit.span).map(Problem::Check));
        }
    }
    Compiled {
        source,
        problems,
        procedure,
    }
}

/// W0508 when some path's worst case exceeds the procedure's `limit`.
fn limit_warning(procedure: &Procedure, span: Span) -> Option<CheckError> {
    let limit = procedure.limit.as_ref()?;
    let DurationSpec::Fixed { amount, unit } = limit.duration else {
        return None;
    };
    let over = paths::over_limit(procedure)?;
    let written = check::describe_duration(amount, unit);
    Some(CheckError::LimitExceeded {
        limit: match unit {
            Unit::WorkingDays => written,
            _ => format!("{written} (about {} working days)", over.limit_working_days),
        },
        days: over.working_days,
        path: over.path,
        span: span.into(),
    })
}

/// Compiles `.proc` text already in memory.
pub fn compile_str(name: &str, text: &str) -> Compiled {
    compile(name, text.as_bytes())
}

/// A problem with the position of its first label, lines and columns
/// counted from 1, columns in characters.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Located {
    pub code: String,
    pub severity: &'static str,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: Option<String>,
}

impl Located {
    fn new(problem: &Problem, file_text: &str) -> Located {
        let span = problem
            .labels()
            .and_then(|mut labels| labels.next())
            .map(|l: LabeledSpan| (l.offset(), l.len()))
            .unwrap_or((0, 0));
        // Input errors carry their own text (the file could not be decoded).
        let own_text = problem.source_code().and_then(|s| {
            s.read_span(&(0, 0).into(), 0, usize::MAX)
                .ok()
                .map(|c| String::from_utf8_lossy(c.data()).into_owned())
        });
        let text = own_text.as_deref().unwrap_or(file_text);
        let (line, column) = position(text, span.0);
        let (end_line, end_column) = position(text, span.0 + span.1);
        Located {
            code: problem
                .code()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "E0000".into()),
            severity: if problem.is_error() {
                "error"
            } else {
                "warning"
            },
            message: problem.to_string(),
            line,
            column,
            end_line,
            end_column,
            help: problem.help().map(|h| h.to_string()),
        }
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

/// Lines longer than this are not reprinted in reports.
const MAX_SHOWN_LINE: usize = 1000;

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

impl WithSource<'_> {
    /// Whether this is a problem with the text itself (encoding or
    /// syntax), as opposed to one `check` finds in a procedure that parses.
    pub fn is_error_in_syntax(&self) -> bool {
        matches!(self.inner, Problem::Input(_) | Problem::Syntax(_))
    }
}

/// A problem shown against its file's text.
pub struct WithSource<'a> {
    inner: &'a Problem,
    source: Option<Arc<NamedSource<String>>>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.inner
            .source_code()
            .or(self.source.as_ref().map(|s| s.as_ref() as &dyn SourceCode))
    }
}
