//! What can go wrong while replaying a case. The engine knows events by
//! their position in the case, not by where they stand in a file; the case
//! loader turns [`ReplayError::event`] into a span.

use chrono::NaiveDate;
use miette::Diagnostic;
use thiserror::Error;

/// A replay stopped at an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// The event's position in the case's list of events.
    pub event: usize,
    /// The key of the event the problem is about, if one (`by`, `until`).
    pub key: Option<&'static str>,
    pub kind: ReplayErrorKind,
}

#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum ReplayErrorKind {
    /// An event the current step does not allow.
    #[error("`{event}` on {on} is not allowed in step `{step}`")]
    #[diagnostic(code(E0801), help("{allowed}"))]
    NotAllowed {
        event: String,
        on: NaiveDate,
        step: String,
        allowed: String,
    },

    /// A transition whose required tasks are not done.
    #[error("`{event}` on {on} needs {tasks} done first")]
    #[diagnostic(
        code(E0802),
        help("record each task as an event before `{event}`: `- {{ on: …, event: {first} }}`")
    )]
    TasksNotDone {
        event: String,
        on: NaiveDate,
        tasks: String,
        first: String,
    },

    /// An extension the procedure does not allow.
    #[error("extension refused: {reason}")]
    #[diagnostic(code(E0803), help("{help}"))]
    ExtensionRefused { reason: String, help: String },

    /// A pause or resumption the step does not allow.
    #[error("{reason}")]
    #[diagnostic(code(E0804), help("{help}"))]
    PauseRefused { reason: String, help: String },

    /// An escalation request after its window closed.
    #[error("`{event}` on {on} is too late: the window closed on {closed}")]
    #[diagnostic(
        code(E0805),
        help("the request had to be made by {closed}; the case moved on by itself the day after")
    )]
    WindowClosed {
        event: String,
        on: NaiveDate,
        closed: NaiveDate,
    },

    /// An event after the case ended.
    #[error("`{event}` on {on} comes after the case ended ({outcome} on {ended})")]
    #[diagnostic(
        code(E0806),
        help("a case that has reached an outcome or been withdrawn takes no further events")
    )]
    AfterEnd {
        event: String,
        on: NaiveDate,
        outcome: String,
        ended: NaiveDate,
    },

    /// A guard needs a fact the case does not give.
    #[error("the case does not give fact `{fact}`, which {needed_by} needs")]
    #[diagnostic(code(E0807), help("add it under `facts:`, or on the event where it became known (`facts: {{ {fact}: … }}`)"))]
    MissingFact { fact: String, needed_by: String },

    /// No transition on the event has a guard that holds.
    #[error("no transition on `{event}` applies in step `{step}`")]
    #[diagnostic(code(E0808), help("the transitions on `{event}` need: {guards}"))]
    NoTransitionApplies {
        event: String,
        step: String,
        guards: String,
    },

    /// An event made by a role the procedure does not give it to.
    #[error("`{event}` is made by {expected}, not {by}")]
    #[diagnostic(code(E0809), help("correct `by`, or leave it out"))]
    WrongRole {
        event: String,
        by: String,
        expected: String,
    },

    /// Date arithmetic left the calendar's range.
    #[error("a due date falls outside the calendar's years: {message}")]
    #[diagnostic(code(E0811), help("dates must stay within 1970 to 2199"))]
    DateOutOfRange { message: String },
}
