//! The front of the pipeline as one call: bytes in, a checked
//! [`Procedure`] or every problem found out.

use miette::{Diagnostic as _, Severity};
use thiserror::Error;

use crate::analysis::paths;
use crate::check::ir::{DurationSpec, Unit};
use crate::check::{self, CheckError, Procedure};
use crate::diagnostic::{Diagnostic, FileId};
use crate::source::{self, InputError, SourceFile};
use crate::syntax::ast::Span;
use crate::syntax::{self, SyntaxError};

/// Any problem with a `.proc` file, from any stage.
#[derive(Debug, Error, miette::Diagnostic)]
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

    /// Whether this is a problem with the text itself (encoding or
    /// syntax), as opposed to one `check` finds in a procedure that parses.
    pub fn is_in_syntax(&self) -> bool {
        matches!(self, Problem::Input(_) | Problem::Syntax(_))
    }

    /// The diagnostic code, `E0202`.
    pub fn code(&self) -> String {
        miette::Diagnostic::code(self).map_or_else(String::new, |c| c.to_string())
    }
}

/// The result of compiling one file.
#[derive(Debug)]
pub struct Compiled {
    /// The text problems point into: the file's, or what could be shown of
    /// a file that is not text.
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

    /// Every problem as a diagnostic, placed in `file` (where the caller
    /// put [`Compiled::source`] in its source map).
    pub fn diagnostics(&self, file: FileId) -> Vec<Diagnostic> {
        self.problems
            .iter()
            .map(|p| Diagnostic::from_error(p, file))
            .collect()
    }
}

/// Compiles a file's bytes. `name` is how the file is named in messages.
pub fn compile(name: &str, bytes: &[u8]) -> Compiled {
    let source = match source::decode(name, bytes) {
        Ok(source) => source,
        Err((error, shown)) => {
            return Compiled {
                source: shown,
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
