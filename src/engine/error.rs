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
        /// A stable key for why (see [`ReplayErrorKind::reason`]).
        reason: &'static str,
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
    ExtensionRefused {
        reason: String,
        help: String,
        why: ExtensionRefusal,
    },

    /// A pause or resumption the step does not allow.
    #[error("{reason}")]
    #[diagnostic(code(E0804), help("{help}"))]
    PauseRefused {
        reason: String,
        help: String,
        why: PauseRefusal,
    },

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
        help("a case that has reached an outcome or been withdrawn takes no further events, but for a notice a rejection still owes")
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

    /// An event that changes a fact the procedure declares `fixed`.
    /// The message is made whole by the engine (event, date, both values
    /// and why), so that the variant stays small.
    #[error("{message}")]
    #[diagnostic(
        code(E0820),
        help("once the case gives `{fact}`, it stays: leave it out of this event's `facts:`, or correct the value given first")
    )]
    FixedFactChanged { message: String, fact: String },

    /// An event made by a person the procedure's rules about people
    /// exclude (`lead x, different from stage1`; `role x, not also y`).
    #[error("{message}")]
    #[diagnostic(code(E0821), help("{help}"))]
    PersonRefused {
        message: String,
        help: String,
        /// `same_person_as_earlier_lead` or `roles_held_together`.
        reason: &'static str,
    },

    /// A joint decision (`on decided by a and b`) recorded without every
    /// role it names.
    #[error("{message}")]
    #[diagnostic(
        code(E0822),
        help("record every role that made the decision: `by: [{by}]`")
    )]
    JointDecisionIncomplete { message: String, by: String },

    /// A `referred` event without a body, or to a body no `refer to`
    /// rule names.
    #[error("{message}")]
    #[diagnostic(code(E0823), help("{help}"))]
    ReferralRefused {
        message: String,
        help: String,
        /// `no_body` or `no_referral_rule`.
        reason: &'static str,
    },

    /// A `notice` event naming no declared notice, or missing content the
    /// notice must include.
    #[error("{message}")]
    #[diagnostic(code(E0824), help("{help}"))]
    NoticeRefused {
        message: String,
        help: String,
        /// `unknown_notice` or `missing_content`.
        reason: &'static str,
    },

    /// A task or decision that `requires notice NAME`, with no such notice
    /// recorded in this visit of the step on or before its day.
    #[error("{message}")]
    #[diagnostic(code(E0825), help("{help}"))]
    NoticeRequired { message: String, help: String },

    /// A panel sitting with fewer or more members than its role declares
    /// (`members 3`), or several people named for one person's role.
    #[error("{message}")]
    #[diagnostic(code(E0830), help("{help}"))]
    PanelSize {
        message: String,
        help: String,
        /// `too_few_members`, `too_many_members` or `not_a_panel`.
        reason: &'static str,
    },

    /// A panel naming one member twice.
    #[error("{message}")]
    #[diagnostic(code(E0831), help("{help}"))]
    PanelMemberRepeated { message: String, help: String },

    /// A panel whose role has a chair (`members 3, chair`) sitting with
    /// none named or one who is not a member, or a chair named for a role
    /// that has none.
    #[error("{message}")]
    #[diagnostic(code(E0832), help("{help}"))]
    PanelChair {
        message: String,
        help: String,
        /// `no_chair`, `chair_not_member` or `no_chair_rule`.
        reason: &'static str,
    },

    /// Date arithmetic left the calendar's range.
    #[error("a due date falls outside the calendar's years: {message}")]
    #[diagnostic(code(E0811), help("dates must stay within 1970 to 2199"))]
    DateOutOfRange { message: String },
}

/// Why an extension was refused, as a stable key a case's `expect:` can
/// name (`error: { code: E0803, reason: beyond_ceiling }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefusal {
    /// The step has no deadline of that name.
    UnknownDeadline,
    /// The deadline (or every deadline of the step) is not extendable.
    NotExtendable,
    /// The step has several extendable deadlines and the event names none.
    WhichDeadline,
    /// The deadline's anchor has not happened in this visit of the step.
    NotStarted,
    AlreadyMet,
    /// Agreed after the due date had passed.
    AfterDue,
    /// Neither `until:` nor `by:`.
    NoNewDate,
    /// The new date is not later than the current one.
    NotLater,
    /// The new date is beyond the rule's `extendable to` ceiling.
    BeyondCeiling,
    /// More extensions than the rule's `at most`.
    TooMany,
    /// Not granted by the role the rule names (`granted by`).
    WrongGrantor,
    /// No notice to the role the rule names (`with notice to`).
    NoNotice,
    /// Not agreed by the role the rule names (`by agreement of`).
    NeedsAgreement,
}

/// Why a pause or resumption was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PauseRefusal {
    NoPauseRule,
    UnknownPause,
    NeedsAgreement,
    NotPaused,
    /// The pause rule's `when` is false for the case on the day.
    NotForCase,
}

impl ExtensionRefusal {
    pub const fn key(self) -> &'static str {
        match self {
            ExtensionRefusal::UnknownDeadline => "unknown_deadline",
            ExtensionRefusal::NotExtendable => "not_extendable",
            ExtensionRefusal::WhichDeadline => "which_deadline",
            ExtensionRefusal::NotStarted => "not_started",
            ExtensionRefusal::AlreadyMet => "already_met",
            ExtensionRefusal::AfterDue => "after_due",
            ExtensionRefusal::NoNewDate => "no_new_date",
            ExtensionRefusal::NotLater => "not_later",
            ExtensionRefusal::BeyondCeiling => "beyond_ceiling",
            ExtensionRefusal::TooMany => "too_many",
            ExtensionRefusal::WrongGrantor => "wrong_grantor",
            ExtensionRefusal::NoNotice => "no_notice",
            ExtensionRefusal::NeedsAgreement => "needs_agreement",
        }
    }
}

impl PauseRefusal {
    pub const fn key(self) -> &'static str {
        match self {
            PauseRefusal::NoPauseRule => "no_pause_rule",
            PauseRefusal::UnknownPause => "unknown_pause",
            PauseRefusal::NeedsAgreement => "needs_agreement",
            PauseRefusal::NotPaused => "not_paused",
            PauseRefusal::NotForCase => "pause_not_for_case",
        }
    }
}

/// Every reason key, by code, for docs and for checking an `expect:`.
pub const REASONS: &[(&str, &[&str])] = &[
    (
        "E0801",
        &[
            "not_received",
            "not_in_step",
            "window_not_open",
            "task_does_not_apply",
            "paused",
            "turned_away",
            "refusal_loop",
            "track_not_running",
            "window_not_for_case",
        ],
    ),
    ("E0802", &["tasks_not_done"]),
    (
        "E0803",
        &[
            "unknown_deadline",
            "not_extendable",
            "which_deadline",
            "not_started",
            "already_met",
            "after_due",
            "no_new_date",
            "not_later",
            "beyond_ceiling",
            "too_many",
            "wrong_grantor",
            "no_notice",
            "needs_agreement",
        ],
    ),
    (
        "E0804",
        &[
            "no_pause_rule",
            "unknown_pause",
            "needs_agreement",
            "not_paused",
            "pause_not_for_case",
        ],
    ),
    ("E0805", &["window_closed"]),
    ("E0806", &["after_end"]),
    ("E0807", &["missing_fact"]),
    ("E0808", &["no_transition_applies"]),
    ("E0809", &["wrong_role"]),
    ("E0811", &["date_out_of_range"]),
    ("E0820", &["fixed_fact_changed"]),
    (
        "E0821",
        &["same_person_as_earlier_lead", "roles_held_together"],
    ),
    ("E0822", &["not_joint"]),
    ("E0823", &["no_body", "no_referral_rule"]),
    ("E0824", &["unknown_notice", "missing_content"]),
    ("E0825", &["notice_required"]),
    (
        "E0830",
        &["too_few_members", "too_many_members", "not_a_panel"],
    ),
    ("E0831", &["repeated_member"]),
    ("E0832", &["no_chair", "chair_not_member", "no_chair_rule"]),
];

impl ReplayErrorKind {
    /// A stable key for why the event was refused: finer than the code
    /// (E0803 has nine), so that a scenario test can pin the reason.
    pub fn reason(&self) -> &'static str {
        match self {
            ReplayErrorKind::NotAllowed { reason, .. } => reason,
            ReplayErrorKind::TasksNotDone { .. } => "tasks_not_done",
            ReplayErrorKind::ExtensionRefused { why, .. } => why.key(),
            ReplayErrorKind::PauseRefused { why, .. } => why.key(),
            ReplayErrorKind::WindowClosed { .. } => "window_closed",
            ReplayErrorKind::AfterEnd { .. } => "after_end",
            ReplayErrorKind::MissingFact { .. } => "missing_fact",
            ReplayErrorKind::NoTransitionApplies { .. } => "no_transition_applies",
            ReplayErrorKind::WrongRole { .. } => "wrong_role",
            ReplayErrorKind::DateOutOfRange { .. } => "date_out_of_range",
            ReplayErrorKind::FixedFactChanged { .. } => "fixed_fact_changed",
            ReplayErrorKind::PersonRefused { reason, .. } => reason,
            ReplayErrorKind::JointDecisionIncomplete { .. } => "not_joint",
            ReplayErrorKind::ReferralRefused { reason, .. } => reason,
            ReplayErrorKind::NoticeRefused { reason, .. } => reason,
            ReplayErrorKind::NoticeRequired { .. } => "notice_required",
            ReplayErrorKind::PanelSize { reason, .. } => reason,
            ReplayErrorKind::PanelMemberRepeated { .. } => "repeated_member",
            ReplayErrorKind::PanelChair { reason, .. } => reason,
        }
    }

    /// The diagnostic code, as written in case files and docs.
    pub fn code_str(&self) -> &'static str {
        match self {
            ReplayErrorKind::NotAllowed { .. } => "E0801",
            ReplayErrorKind::TasksNotDone { .. } => "E0802",
            ReplayErrorKind::ExtensionRefused { .. } => "E0803",
            ReplayErrorKind::PauseRefused { .. } => "E0804",
            ReplayErrorKind::WindowClosed { .. } => "E0805",
            ReplayErrorKind::AfterEnd { .. } => "E0806",
            ReplayErrorKind::MissingFact { .. } => "E0807",
            ReplayErrorKind::NoTransitionApplies { .. } => "E0808",
            ReplayErrorKind::WrongRole { .. } => "E0809",
            ReplayErrorKind::DateOutOfRange { .. } => "E0811",
            ReplayErrorKind::FixedFactChanged { .. } => "E0820",
            ReplayErrorKind::PersonRefused { .. } => "E0821",
            ReplayErrorKind::JointDecisionIncomplete { .. } => "E0822",
            ReplayErrorKind::ReferralRefused { .. } => "E0823",
            ReplayErrorKind::NoticeRefused { .. } => "E0824",
            ReplayErrorKind::NoticeRequired { .. } => "E0825",
            ReplayErrorKind::PanelSize { .. } => "E0830",
            ReplayErrorKind::PanelMemberRepeated { .. } => "E0831",
            ReplayErrorKind::PanelChair { .. } => "E0832",
        }
    }
}
