//! Problems with a case file, shown against the file's text.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use thiserror::Error;

use crate::engine::ReplayErrorKind;

/// What is wrong with a case file as read against its procedure.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum CaseErrorKind {
    /// YAML that does not parse, or a value of the wrong shape.
    #[error("{message}")]
    #[diagnostic(code(E0601), help("{help}"))]
    Yaml { message: String, help: String },

    /// A key the format does not have.
    #[error("unknown key `{key}` {context}")]
    #[diagnostic(code(E0602), help("{help}"))]
    UnknownKey {
        key: String,
        context: String,
        help: String,
    },

    /// A key the format requires.
    #[error("{context} has no `{key}`")]
    #[diagnostic(code(E0603), help("{help}"))]
    MissingKey {
        key: String,
        context: String,
        help: String,
    },

    /// A case for another procedure.
    #[error("this case is for procedure `{case}`, not `{procedure}`")]
    #[diagnostic(
        code(E0604),
        help("replay it against the `{case}` procedure, or correct `procedure:`")
    )]
    WrongProcedure { case: String, procedure: String },

    /// A case pinned to another version of the procedure.
    #[error("this case is for version {case} of the procedure, which is at version {procedure}")]
    #[diagnostic(
        code(E0605),
        help("update `version:` after checking the case still holds, or remove it")
    )]
    WrongVersion { case: String, procedure: String },

    /// A fact the procedure does not declare.
    #[error("procedure has no fact `{name}`")]
    #[diagnostic(code(E0606), help("{help}"))]
    UnknownFact { name: String, help: String },

    /// A case gives a value for a setting, which is the organisation's.
    #[error("`{name}` is a setting of the procedure, not a fact of the case")]
    #[diagnostic(
        code(E0630),
        help("an organisation chooses settings in a settings file: name it with `settings: FILE` in the case, or `--settings FILE` (docs/cases.md)")
    )]
    SettingInCase { name: String },

    /// A value of the wrong type, or not one of a choice's values.
    #[error("`{found}` is not a valid {what}")]
    #[diagnostic(code(E0607), help("{expected}"))]
    BadValue {
        what: String,
        found: String,
        expected: String,
    },

    /// An event no step of the procedure receives.
    #[error("procedure has no event `{name}`")]
    #[diagnostic(code(E0608), help("{help}"))]
    UnknownEvent { name: String, help: String },

    /// Events not in date order.
    #[error("this event ({date}) comes before the one above it ({previous})")]
    #[diagnostic(code(E0609), help("list events in the order they happened"))]
    OutOfOrder { date: String, previous: String },

    /// A case that does not start with `received`.
    #[error("the first event is `{event}`, but a case starts with `received`")]
    #[diagnostic(
        code(E0610),
        help("add `- {{ on: DATE, event: received }}` as the first event")
    )]
    NotReceivedFirst { event: String },

    /// A role the procedure does not declare.
    #[error("procedure has no role `{name}`")]
    #[diagnostic(code(E0611), help("{help}"))]
    UnknownRole { name: String, help: String },

    /// A calendar that is neither built in nor declared by the procedure.
    #[error("unknown calendar `{name}`")]
    #[diagnostic(code(E0612), help("{help}"))]
    UnknownCalendar { name: String, help: String },

    /// A date that is not a date, or is outside the calendars' years.
    #[error("`{text}` is not a usable date: {reason}")]
    #[diagnostic(code(E0613), help("write dates as YYYY-MM-DD, from 1970 to 2199"))]
    BadDate { text: String, reason: String },

    /// An `expect:` block that names something the procedure does not have.
    #[error("{message}")]
    #[diagnostic(code(E0614), help("{help}"))]
    BadExpect { message: String, help: String },

    /// More problems than are worth showing: the rest are counted, not
    /// placed, since placing each re-reads the file and a file of
    /// thousands of bad keys would take minutes to report.
    #[error("{more} more problems in this case file are not shown")]
    #[diagnostic(
        code(E0615),
        help("the first {shown} are listed above; fix them and run again to see the rest")
    )]
    TooManyProblems { more: usize, shown: usize },

    /// `by:` on an `extended` event giving how much longer: the old form,
    /// still read, since `by:` elsewhere names who made an event.
    #[error("`by: {length}` on `extended` gives how much longer; `by` is for who made an event")]
    #[diagnostic(
        code(W0601),
        severity(Warning),
        help(
            "write `for: {length}` (still read as before); say who granted it with `granted_by:`"
        )
    )]
    ExtensionLengthUnderBy { length: String },
}

/// A problem in a case file: read, or replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseProblem {
    Load(CaseErrorKind),
    Replay(ReplayErrorKind),
}

impl CaseProblem {
    fn inner(&self) -> &(dyn Diagnostic + Send + Sync + 'static) {
        match self {
            CaseProblem::Load(k) => k,
            CaseProblem::Replay(k) => k,
        }
    }
}

/// A problem at a place in a YAML file: the case phase's typed error, which
/// becomes a [`crate::diagnostic::Diagnostic`] in the file the caller put
/// in its source map. (`source`, `line` and `column` repeat what the source
/// map knows; nothing reads them, and they go when `error_at` is next
/// changed.)
#[derive(Debug, Clone)]
pub struct CaseError {
    pub problem: Box<CaseProblem>,
    pub source: Arc<NamedSource<String>>,
    pub span: SourceSpan,
    /// Line and column (from 1) of the span, for messages and JSON.
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.problem.inner(), f)
    }
}

impl std::error::Error for CaseError {}

impl Diagnostic for CaseError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.inner().code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.inner().help()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.problem.inner().severity()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some("here".to_string()),
            self.span,
        ))))
    }
}

impl CaseError {
    pub fn code(&self) -> String {
        Diagnostic::code(self)
            .map(|c| c.to_string())
            .unwrap_or_default()
    }
}
