//! The compiled procedure: what everything after `check` works on.
//!
//! Architecture invariant: nothing here refers to the AST. Names are
//! interned to indices, durations are normalised, and each step's
//! transitions are tabled by event.

use chrono::NaiveDate;

use crate::calendar::{Calendar, CalendarError, CalendarHandle, CalendarSpec, DEFAULT_CALENDAR};
pub use crate::syntax::ast::Unit;

macro_rules! index_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

index_type!(
    /// A step, by its position in [`Procedure::steps`].
    StepId,
    /// A role, by its position in [`Procedure::roles`].
    RoleId,
    /// A fact, by its position in [`Procedure::facts`].
    FactId,
    /// An event, by its position in [`Procedure::events`].
    EventId,
    /// An outcome, by its position in [`Procedure::outcomes`].
    OutcomeId,
    /// An external body, by its position in [`Procedure::bodies`].
    BodyId,
);

/// The events every procedure understands without declaring them. The
/// checker declares them first, in this order, so that each has the
/// [`EventId`] of its position here: the engine recognises them by id,
/// never by comparing names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// The complaint arrives: the first event of every case.
    Received,
    /// A deadline is given more time (`until:` or `by:`).
    Extended,
    /// The step's clocks stop under one of its `pause` rules.
    Paused,
    /// The clocks run again.
    Resumed,
    /// The complainant withdraws: the case ends with the `withdrawn` outcome.
    Withdrawn,
    /// A complaint turned away by a `reject` comes back.
    Resubmitted,
    /// A referral is made (`to: BODY`), discharging a `refer to` duty.
    Referred,
    /// A written notice is sent (`notice: NAME`, `includes: [...]`).
    Notice,
}

impl Builtin {
    pub const ALL: [Builtin; 8] = [
        Builtin::Received,
        Builtin::Extended,
        Builtin::Paused,
        Builtin::Resumed,
        Builtin::Withdrawn,
        Builtin::Resubmitted,
        Builtin::Referred,
        Builtin::Notice,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Builtin::Received => "received",
            Builtin::Extended => "extended",
            Builtin::Paused => "paused",
            Builtin::Resumed => "resumed",
            Builtin::Withdrawn => "withdrawn",
            Builtin::Resubmitted => "resubmitted",
            Builtin::Referred => "referred",
            Builtin::Notice => "notice",
        }
    }

    /// Its id in every compiled procedure.
    pub const fn id(self) -> EventId {
        EventId(self as u32)
    }

    /// The built-in event with this id, if it is one.
    pub fn of(id: EventId) -> Option<Builtin> {
        Builtin::ALL.get(id.index()).copied()
    }
}

/// The built-in events' names, in id order.
pub const BUILTIN_EVENTS: [&str; 8] = [
    Builtin::Received.name(),
    Builtin::Extended.name(),
    Builtin::Paused.name(),
    Builtin::Resumed.name(),
    Builtin::Withdrawn.name(),
    Builtin::Resubmitted.name(),
    Builtin::Referred.name(),
    Builtin::Notice.name(),
];

/// The outcome every procedure has, whether or not it declares it: the
/// complainant withdrew.
pub const WITHDRAWN_OUTCOME: &str = "withdrawn";

#[derive(Clone, Debug, PartialEq)]
pub struct Procedure {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    pub effective: Option<NaiveDate>,
    pub source: Option<String>,
    pub calendar: CalendarChoice,
    /// Calendars the procedure declares, by name.
    pub calendars: Vec<CalendarSpec>,
    /// The source's paragraph labels, for coverage.
    pub paragraphs: Vec<String>,
    pub limit: Option<Limit>,
    pub roles: Vec<Role>,
    pub facts: Vec<Fact>,
    pub events: Vec<Event>,
    pub bodies: Vec<Body>,
    /// Routes and referrals open throughout the case.
    pub routes: Vec<Route>,
    pub steps: Vec<Step>,
    pub outcomes: Vec<Outcome>,
    pub start: StepId,
    pub notes: Vec<Note>,
    /// `anywhere on E -> OUTCOME`: transitions of every open step.
    pub anywhere: Vec<Anywhere>,
    /// Every citation label used anywhere, in order of first use.
    pub cited: Vec<String>,
    /// Values each organisation may choose; each is also a fact (in
    /// `facts`, after the declared ones) whose value every case has.
    pub settings: Vec<Setting>,
    /// The date expressions time limits count from or end on, for
    /// [`Anchor::Date`].
    pub dates: Vec<Expr>,
    /// Written notices and what each must say (`notice … includes …`).
    pub notices: Vec<Notice>,
    /// `track NAME { … }`: duties that run beside the steps once a
    /// transition's `starts` sets them going; by position, as
    /// `Transition::starts` names them.
    pub tracks: Vec<Track>,
    /// Whether any guard reads `missed D`: only then does the engine work
    /// out a visit's unmet due dates before each event, which costs a
    /// clock reading per deadline on every event of every case.
    pub reads_missed: bool,
}

/// A track: tasks and deadlines of their own, counted from the day a
/// transition starts it (`from entry`), until one of `done_on`.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub name: String,
    pub title: Option<String>,
    pub tasks: Vec<Task>,
    pub deadlines: Vec<Deadline>,
    /// `on E -> done`: the events that finish it.
    pub done_on: Vec<EventId>,
    pub notes: Vec<Note>,
    pub cites: Vec<String>,
}

impl Track {
    /// Whether `event` is one of the track's own: a task, a `met by` or a
    /// `-> done`. The checker keeps these apart from every step's events,
    /// so an event goes either to the main line or to one track.
    pub fn takes(&self, event: EventId) -> bool {
        self.done_on.contains(&event)
            || self.tasks.iter().any(|t| t.event == event)
            || self.deadlines.iter().any(|d| d.met_by.contains(&event))
    }
}

/// `setting escalation_window: duration = 20 working days`: a fact whose
/// value is the organisation's, not the case's. The engine gives every
/// case `value` ([`Procedure::fill_settings`]), so guards, durations and
/// anchors read it as they read any fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub fact: FactId,
    /// The procedure's own value.
    pub default: Value,
    /// The value in force: the default, or the organisation's.
    pub value: Value,
    /// The settings file the value came from, when not the default.
    pub from: Option<String>,
    /// Whether that file is the one the case names (`settings:`) rather
    /// than `--settings`: explanations say which.
    pub named_by_case: bool,
}

impl Procedure {
    /// The setting a fact is, if it is one.
    pub fn setting(&self, fact: FactId) -> Option<&Setting> {
        self.settings.iter().find(|s| s.fact == fact)
    }

    /// The value of a duration setting as an explanation says it, so a
    /// due date can be checked by hand: "15 working days (setting
    /// stage1_response, from org.yaml)"; `None` when `fact` is not one.
    pub fn setting_words(&self, fact: FactId) -> Option<String> {
        let setting = self.setting(fact)?;
        let Value::Duration(amount, unit) = &setting.value else {
            return None;
        };
        let name = self
            .facts
            .get(fact.index())
            .map_or("?", |f| f.name.as_str());
        let source = match (&setting.from, setting.named_by_case) {
            (Some(file), false) => format!("from --settings {file}"),
            (Some(file), true) => format!("from the case's settings file {file}"),
            (None, _) => "the procedure's default".to_string(),
        };
        Some(format!(
            "{} (setting {name}, {source})",
            super::describe_duration(*amount, *unit)
        ))
    }

    /// Gives every setting its value among a case's facts, whatever the
    /// case said (a case cannot give a setting; the reader refuses it).
    pub fn fill_settings(&self, facts: &mut Vec<Option<Value>>) {
        for setting in &self.settings {
            let i = setting.fact.index();
            if facts.len() <= i {
                facts.resize(i + 1, None);
            }
            facts[i] = Some(setting.value.clone());
        }
    }
}

/// `notice extension_notice to complainant "Extension letter" includes reason, new_date`.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub name: String,
    pub to: RoleId,
    pub title: Option<String>,
    /// What it must say, in the order written.
    pub includes: Vec<String>,
    pub cites: Vec<String>,
}

/// Which calendar due dates are counted in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarChoice {
    Builtin(String),
    /// One of [`Procedure::calendars`].
    Declared(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    pub duration: DurationSpec,
    pub anchor: Anchor,
    /// `beginning with`: the anchor day is the first day of the period.
    pub beginning: bool,
    pub cites: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub name: String,
    pub title: Option<String>,
    pub cites: Vec<String>,
    /// `, not also review_panel`: roles the same person may not also hold
    /// in a case (the engine checks both ways).
    pub not_also: Vec<RoleId>,
    /// `, members 3, chair`: the role is held by several people at once.
    pub panel: Option<Panel>,
}

/// A role held by a panel: how many distinct people sit on it, and
/// whether one of them chairs it. The checker makes `min` at least 1 and
/// never above `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panel {
    pub min: u32,
    /// `None` for `members at least N`.
    pub max: Option<u32>,
    pub chair: bool,
}

impl Panel {
    /// Whether `n` members is a size the panel may sit with.
    pub fn admits(&self, n: usize) -> bool {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }

    /// The size in words: "exactly 3 members", "at least 2 members",
    /// "2 to 4 members".
    pub fn size_words(&self) -> String {
        let plural = |n: u32| if n == 1 { "member" } else { "members" };
        match self.max {
            Some(max) if max == self.min => format!("exactly {max} {}", plural(max)),
            Some(max) => format!("{} to {max} {}", self.min, plural(max)),
            None => format!("at least {} {}", self.min, plural(self.min)),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub name: String,
    pub title: Option<String>,
    pub ty: Type,
    pub cites: Vec<String>,
    /// `, fixed "why"`: once the case gives the fact, no later event may
    /// change it. `Some("")` when no reason is written.
    pub fixed: Option<String>,
}

/// The type of a fact or of an event's data field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    Bool,
    Date,
    Duration,
    Text,
    /// Named values; a value is its position in the list.
    Enum(Vec<String>),
}

impl Type {
    /// How the type is named in messages.
    pub fn describe(&self) -> String {
        match self {
            Type::Bool => "condition (true or false)".into(),
            Type::Date => "date".into(),
            Type::Duration => "duration".into(),
            Type::Text => "text".into(),
            Type::Enum(values) => format!("choice of {}", values.join(" | ")),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub name: String,
    /// Data the event carries, such as an adjudication's `outcome`.
    pub params: Vec<Param>,
    pub builtin: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub name: String,
    pub kind: Option<BodyKind>,
    pub title: String,
    pub cites: Vec<String>,
}

/// What sort of external body a route leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Ombudsman,
    Regulator,
    ProfessionalBody,
    Police,
    Safeguarding,
    Legal,
    Internal,
    Other,
}

impl BodyKind {
    pub const NAMES: [&'static str; 8] = [
        "ombudsman",
        "regulator",
        "professional_body",
        "police",
        "safeguarding",
        "legal",
        "internal",
        "other",
    ];

    pub fn from_name(name: &str) -> Option<BodyKind> {
        Some(match name {
            "ombudsman" => BodyKind::Ombudsman,
            "regulator" => BodyKind::Regulator,
            "professional_body" => BodyKind::ProfessionalBody,
            "police" => BodyKind::Police,
            "safeguarding" => BodyKind::Safeguarding,
            "legal" => BodyKind::Legal,
            "internal" => BodyKind::Internal,
            "other" => BodyKind::Other,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// Open to the complainant, who may take it.
    Open,
    /// Made at once, alongside everything else.
    Referral,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub body: BodyId,
    pub kind: RouteKind,
    pub guard: Option<Expr>,
    pub cites: Vec<String>,
    /// On a referral: when it must be made, from the day its guard first
    /// holds; `None` for one only listed.
    pub due: Option<ReferralDue>,
    /// `within DURATION of ANCHOR`: the route closes when this ends.
    pub window: Option<RouteWindow>,
}

/// How long a route stays open after its anchor.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteWindow {
    pub duration: DurationSpec,
    pub anchor: WindowAnchor,
}

/// What a route's window counts from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WindowAnchor {
    /// The day the case had its outcome.
    Closed,
    /// Any other anchor: entry, an event (`received` among them), a date
    /// fact or a date expression.
    Anchor(Anchor),
}

/// When a referral must be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralDue {
    /// The same day the guard first holds.
    Immediately,
    Within(DurationSpec),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: String,
    pub title: Option<String>,
    pub lead: RoleId,
    /// `lead x, different from stage1`: steps whose lead may not be the
    /// person who leads this one.
    pub different_from: Vec<StepId>,
    /// What the `lead` line cites (`lead x, different from stage1 cite
    /// "6.13"`): the provisions a person rule comes from.
    pub lead_cites: Vec<String>,
    pub tasks: Vec<Task>,
    pub deadlines: Vec<Deadline>,
    pub pauses: Vec<Pause>,
    pub transitions: Vec<Transition>,
    /// The transitions on each event the step handles, by position in
    /// `transitions` in declaration order; sorted by event for binary
    /// search. Sparse, because a procedure may have thousands of events
    /// and a step handles a few.
    pub by_event: Vec<(EventId, Vec<u32>)>,
    pub escalations: Vec<Escalation>,
    pub otherwise: Option<Otherwise>,
    pub rejects: Vec<Refusal>,
    pub refusals: Vec<Refusal>,
    pub routes: Vec<Route>,
    /// `on entry when G -> T "why"`: on entering, after the refusals and
    /// rejections, the first that holds takes the case straight on. Every
    /// one has a target.
    pub entry_moves: Vec<Refusal>,
    /// `otherwise when G -> T`, tried in order when every window has
    /// closed; `otherwise` takes the case when none holds. Every one has a
    /// target and no reason.
    pub otherwise_when: Vec<Refusal>,
    /// `on missed DEADLINE -> T`, in order.
    pub missed_moves: Vec<MissedMove>,
    pub notes: Vec<Note>,
    pub cites: Vec<String>,
}

/// Text that carries no rule, with the paragraphs it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
    pub cites: Vec<String>,
}

impl Step {
    /// The transitions on `event`.
    pub fn transitions_on(&self, event: EventId) -> impl Iterator<Item = &Transition> {
        self.by_event
            .binary_search_by_key(&event, |(e, _)| *e)
            .ok()
            .and_then(|i| self.by_event.get(i))
            .into_iter()
            .flat_map(|(_, indices)| indices)
            .filter_map(|i| self.transitions.get(*i as usize))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub name: String,
    /// The event that marks the task done (it has the task's name).
    pub event: EventId,
    pub title: Option<String>,
    /// Who does it, when not the step's lead.
    pub by: Option<RoleId>,
    /// Present only when this holds; always when `None`.
    pub guard: Option<Expr>,
    pub within: Option<(DurationSpec, Anchor)>,
    /// `within … beginning with …`: the anchor day is the first day.
    pub within_beginning: bool,
    pub cites: Vec<String>,
    /// `requires notice A, B`: declared notices (by name) recorded before
    /// the task's event; the event is refused without them.
    pub notices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    pub name: String,
    pub duration: DurationSpec,
    pub anchor: Anchor,
    /// `beginning with`: the anchor day is the first day of the period.
    pub beginning: bool,
    pub extension: Extension,
    /// Rules on extending it, checked when a case records `extended`.
    pub extension_rules: ExtensionRules,
    /// Events that meet it; empty means leaving the step meets it.
    pub met_by: Vec<EventId>,
    pub cites: Vec<String>,
    /// `when G`: the deadline applies only while G holds, read whenever
    /// it is used, as a task's guard is; always when `None`.
    pub guard: Option<Expr>,
    /// `, or as soon as practicable`: met late by an event that records a
    /// `reason:`, it is "late, with reason", not a breach.
    pub soft: bool,
}

/// `, at most once, granted by ROLE, with notice to ROLE`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtensionRules {
    /// How many extensions a visit of the step may have.
    pub at_most: Option<u32>,
    /// The role that must grant each (`granted_by:` on the event).
    pub granted_by: Option<RoleId>,
    /// The role a notice must go to before each extension.
    pub notice_to: Option<RoleId>,
    /// The role that must agree to each (`agreed_by:` on the event).
    pub agreed_by: Option<RoleId>,
    /// `without good reason`: the ceiling is the usual limit, and an
    /// extension beyond it is allowed when the event gives a `reason:`.
    pub soft_cap: bool,
    /// `even after expiry`: an extension after the due date is allowed
    /// and shown as late; without it (or with `before expiry`) refused.
    pub after_expiry: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Extension {
    None,
    /// Extendable by agreement, without a ceiling.
    ByAgreement,
    /// Extendable up to this total time from the anchor.
    UpTo(DurationSpec),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pause {
    pub name: String,
    pub consent_of: Option<RoleId>,
    pub cites: Vec<String>,
    /// `when G`: the pause is allowed only when G holds on the day
    /// `paused` is recorded; always when `None`. A pause once begun runs
    /// until `resumed`, whatever the facts do meanwhile.
    pub guard: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    pub event: EventId,
    pub by: Option<RoleId>,
    /// `by a and b`: a joint decision; the event must record `by` and
    /// every one of these.
    pub also_by: Vec<RoleId>,
    pub guard: Option<Expr>,
    /// Tasks of the step, by position, that must be done first. A task
    /// whose guard does not hold is not required.
    pub requires: Vec<u32>,
    /// Tasks of the step, by position, that are due again afterwards. Only
    /// on a transition that stays in its step.
    pub reopens: Vec<u32>,
    pub target: Target,
    pub cites: Vec<String>,
    /// `starts TRACK`: tracks, by position in `Procedure::tracks`, this
    /// transition sets running.
    pub starts: Vec<u32>,
    /// `requires notice A, B`: declared notices (by name) recorded before
    /// the event; the event is refused without them.
    pub notices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Escalation {
    pub target: StepId,
    pub event: EventId,
    pub by: Option<RoleId>,
    pub within: DurationSpec,
    pub anchor: Anchor,
    /// `beginning with`: the anchor day is the first day of the window.
    pub beginning: bool,
    pub cites: Vec<String>,
    /// `when G`: the window exists only while G holds, read whenever it is
    /// used (as a deadline's `when` is); always when `None`.
    pub guard: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Otherwise {
    pub target: Target,
    pub cites: Vec<String>,
}

/// `anywhere on legal_proceedings_started -> closed_for_legal_action "…"`:
/// in every step, paused or turned away included, the event ends the case
/// with the outcome, unless the step has a rule of its own for the event.
#[derive(Clone, Debug, PartialEq)]
pub struct Anywhere {
    pub event: EventId,
    pub guard: Option<Expr>,
    pub target: OutcomeId,
    pub reason: Option<String>,
    pub cites: Vec<String>,
}

/// `on missed response -> stage2`: the day after the deadline's due date
/// (with its pauses and extensions) passes unmet, the case moves by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct MissedMove {
    /// The step's deadline, by position.
    pub deadline: usize,
    pub target: Target,
    pub cites: Vec<String>,
}

/// `reject when …` (the complaint is turned away at the step and may come
/// back) or `refuse when …` (the step is not opened).
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub guard: Expr,
    pub reason: Option<String>,
    pub target: Option<Target>,
    pub cites: Vec<String>,
    /// `requires notice N [within D]`: the rejection (or refusal) must be
    /// explained in writing; `None` for one that need not be.
    pub notice: Option<OwedNotice>,
}

/// The notices a `reject` or `refuse` owes from the day it happens.
#[derive(Clone, Debug, PartialEq)]
pub struct OwedNotice {
    /// Declared notices, by name, as `requires notice` on a task names them.
    pub notices: Vec<String>,
    /// `within D`, counted from the day of the rejection; `None`: due that
    /// same day.
    pub within: Option<DurationSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Step(StepId),
    Outcome(OutcomeId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub is_final: bool,
    pub text: Option<String>,
    pub cites: Vec<String>,
    /// Added by the checker rather than declared (`withdrawn`).
    pub builtin: bool,
    /// Routes in the outcome's block: considered only once the case has
    /// closed with this outcome, and then as a route reading `closed`
    /// (the case's closing does not shut them). Always `RouteKind::Open`.
    pub routes: Vec<Route>,
    /// Notes in the outcome's block.
    pub notes: Vec<Note>,
}

/// A length of time, as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationSpec {
    Fixed {
        amount: u32,
        unit: Unit,
    },
    /// Given per case by a `duration` fact.
    Fact(FactId),
}

/// What a time limit counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Entry into the step.
    Entry,
    /// The latest occurrence of an event.
    Event(EventId),
    /// The date a `date` fact gives.
    Fact(FactId),
    /// A date expression (`latest(incident_date, aware_on)`, or the date
    /// of `until …`), by position in [`Procedure::dates`].
    Date(u32),
}

/// The length of `until DATE`: the time limit ends on its anchor, the date.
pub const UNTIL: DurationSpec = DurationSpec::Fixed {
    amount: 0,
    unit: Unit::Days,
};

/// Whether a time limit is written `until DATE` (no duration of its own).
pub fn is_until(duration: DurationSpec, anchor: Anchor) -> bool {
    duration == UNTIL && matches!(anchor, Anchor::Date(_))
}

/// A value a guard can compute or compare; see [`Expr::eval`] for how
/// durations in different units compare.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Bool(bool),
    Date(NaiveDate),
    Duration(u32, Unit),
    Enum(u32),
    Text(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A type-checked guard.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Const(Value),
    Fact(FactId),
    /// A data field of the event being handled, by position.
    Param(u32),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(CompareOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<u32>),
    /// A date moved forward (or back, when `back`) by a duration;
    /// working days in the case's calendar.
    Shift {
        date: Box<Expr>,
        back: bool,
        by: Box<Expr>,
    },
    /// The day the case was received.
    Received,
    /// The day the rule is applied.
    Today,
    /// When the event last happened in the current visit of the step.
    DateOf(EventId),
    /// The latest (`true`) or earliest of dates.
    Extreme(bool, Vec<Expr>),
    /// The case has an outcome.
    Closed,
    /// The named deadline of the current visit's step passed unmet: true
    /// from the day after its due date.
    Missed(String),
}

/// Fifths of a calendar day in one working day: the unit of
/// [`approximate_length`] is chosen so that every unit is a whole number
/// of it.
pub const LENGTH_OF_A_WORKING_DAY: u64 = 7;

/// The approximate length of a duration, in fifths of a calendar day: the
/// one model every comparison of durations in different units uses (the
/// checker's E0408, guards, `redress paths` and its W0508 lint), since
/// working days and calendar time cannot be compared exactly without a
/// date. A week is 5 working days (7 days), a month 22 working days (30.8
/// days), a calendar day 5/7 of a working day; bank holidays are not
/// counted. In one unit, lengths compare exactly as the amounts do.
pub fn approximate_length(amount: u32, unit: Unit) -> u64 {
    let per = match unit {
        Unit::WorkingDays => LENGTH_OF_A_WORKING_DAY,
        Unit::Days => 5,
        Unit::Weeks => 5 * LENGTH_OF_A_WORKING_DAY,
        Unit::Months => 22 * LENGTH_OF_A_WORKING_DAY,
        Unit::Years => 12 * 22 * LENGTH_OF_A_WORKING_DAY,
    };
    u64::from(amount) * per
}

/// Orders two values of one type; durations by [`approximate_length`].
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Duration(x, u), Value::Duration(y, v)) if u != v => {
            approximate_length(*x, *u).cmp(&approximate_length(*y, *v))
        }
        _ => a.cmp(b),
    }
}

/// Where a guard finds the values of facts and of the event's data.
pub trait Env {
    fn fact(&self, fact: FactId) -> Option<Value>;
    fn param(&self, index: u32) -> Option<Value>;
    /// The day the case was received, once it has been.
    fn received(&self) -> Option<NaiveDate> {
        None
    }
    /// The day the rule is applied.
    fn today(&self) -> Option<NaiveDate> {
        None
    }
    /// When `event` last happened in the current visit of the step.
    fn event_date(&self, _event: EventId) -> Option<NaiveDate> {
        None
    }
    /// Whether `event_date` is the case's history, so that no date means
    /// "has not happened" rather than "not known here".
    fn knows_events(&self) -> bool {
        false
    }
    /// Whether the case has an outcome; `None` where that is not known.
    fn closed(&self) -> Option<bool> {
        None
    }
    /// Whether the named deadline of the current visit passed unmet
    /// before today; `None` where that is not known.
    fn missed(&self, _deadline: &str) -> Option<bool> {
        None
    }
    /// `date` moved by `amount` (negative: back) of `unit`; working days
    /// need the case's calendar, so an environment without one cannot.
    fn shift(&self, date: NaiveDate, amount: i64, unit: Unit) -> Option<NaiveDate> {
        let calendar_free = match unit {
            Unit::WorkingDays => return None,
            Unit::Days => chrono::Days::new(amount.unsigned_abs()),
            Unit::Weeks => chrono::Days::new(amount.unsigned_abs().saturating_mul(7)),
            Unit::Months | Unit::Years => {
                let months = if unit == Unit::Years {
                    amount.saturating_mul(12)
                } else {
                    amount
                };
                let months = chrono::Months::new(u32::try_from(months.unsigned_abs()).ok()?);
                return if amount < 0 {
                    date.checked_sub_months(months)
                } else {
                    date.checked_add_months(months)
                };
            }
        };
        if amount < 0 {
            date.checked_sub_days(calendar_free)
        } else {
            date.checked_add_days(calendar_free)
        }
    }
}

impl Expr {
    /// Evaluates the guard. `None` when a value it needs is unknown.
    pub fn eval(&self, env: &dyn Env) -> Option<Value> {
        Some(match self {
            Expr::Const(v) => v.clone(),
            Expr::Fact(f) => env.fact(*f)?,
            Expr::Param(i) => env.param(*i)?,
            Expr::Not(e) => Value::Bool(!e.holds(env)?),
            Expr::And(a, b) => Value::Bool(a.holds(env)? && b.holds(env)?),
            Expr::Or(a, b) => Value::Bool(a.holds(env)? || b.holds(env)?),
            Expr::Compare(op, a, b) => {
                // A comparison with the date of an event that has not
                // happened is false, not undecided: "within 20 days of
                // acknowledge" does not hold before the acknowledgement.
                if a.awaits_event(env) || b.awaits_event(env) {
                    return Some(Value::Bool(false));
                }
                let (a, b) = (a.eval(env)?, b.eval(env)?);
                let order = compare(&a, &b);
                Value::Bool(match op {
                    CompareOp::Eq => order.is_eq(),
                    CompareOp::Ne => order.is_ne(),
                    CompareOp::Lt => order.is_lt(),
                    CompareOp::Le => order.is_le(),
                    CompareOp::Gt => order.is_gt(),
                    CompareOp::Ge => order.is_ge(),
                })
            }
            Expr::In(e, set) => match e.eval(env)? {
                Value::Enum(v) => Value::Bool(set.contains(&v)),
                _ => return None,
            },
            Expr::Shift { date, back, by } => {
                let (Value::Date(d), Value::Duration(n, unit)) = (date.eval(env)?, by.eval(env)?)
                else {
                    return None;
                };
                let n = i64::from(n);
                Value::Date(env.shift(d, if *back { -n } else { n }, unit)?)
            }
            Expr::Received => Value::Date(env.received()?),
            Expr::Today => Value::Date(env.today()?),
            Expr::DateOf(e) => Value::Date(env.event_date(*e)?),
            Expr::Closed => Value::Bool(env.closed()?),
            Expr::Missed(d) => Value::Bool(env.missed(d)?),
            Expr::Extreme(latest, dates) => {
                let mut found: Option<NaiveDate> = None;
                for d in dates {
                    let Value::Date(d) = d.eval(env)? else {
                        return None;
                    };
                    found = Some(match found {
                        Some(f) if *latest => f.max(d),
                        Some(f) => f.min(d),
                        None => d,
                    });
                }
                Value::Date(found?)
            }
        })
    }

    /// Every event whose date the expression reads.
    pub fn events(&self, out: &mut Vec<EventId>) {
        match self {
            Expr::DateOf(e) if !out.contains(e) => out.push(*e),
            Expr::Shift { date, by, .. } => {
                date.events(out);
                by.events(out);
            }
            Expr::Extreme(_, dates) => dates.iter().for_each(|d| d.events(out)),
            Expr::Not(e) | Expr::In(e, _) => e.events(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                a.events(out);
                b.events(out);
            }
            _ => {}
        }
    }

    /// Whether the expression reads the date of an event that has not
    /// happened in this visit, so that it has no value yet.
    pub fn awaits_event(&self, env: &dyn Env) -> bool {
        self.event_awaited(env).is_some()
    }

    /// The first event whose date the expression reads and which has not
    /// happened in this visit.
    pub fn event_awaited(&self, env: &dyn Env) -> Option<EventId> {
        if !env.knows_events() {
            return None;
        }
        match self {
            Expr::DateOf(e) => env.event_date(*e).is_none().then_some(*e),
            Expr::Shift { date, by, .. } => date.event_awaited(env).or(by.event_awaited(env)),
            Expr::Extreme(_, dates) => dates.iter().find_map(|d| d.event_awaited(env)),
            Expr::Not(e) | Expr::In(e, _) => e.event_awaited(env),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                a.event_awaited(env).or(b.event_awaited(env))
            }
            _ => None,
        }
    }

    /// Whether the expression reads `closed`: a route that does stays
    /// open after the case has its outcome while it holds.
    pub fn reads_closed(&self) -> bool {
        match self {
            Expr::Closed => true,
            Expr::Shift { date, by, .. } => date.reads_closed() || by.reads_closed(),
            Expr::Extreme(_, dates) => dates.iter().any(Expr::reads_closed),
            Expr::Not(e) | Expr::In(e, _) => e.reads_closed(),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                a.reads_closed() || b.reads_closed()
            }
            _ => false,
        }
    }

    /// What the guard is once the case has closed, where that alone
    /// decides it (`not closed`, `x and not closed`): `Some(false)` is a
    /// guard no case that has its outcome can meet. Unknown terms make
    /// `None`, unless the other side of `and` or `or` decides.
    pub fn once_closed(&self) -> Option<bool> {
        match self {
            Expr::Closed => Some(true),
            Expr::Const(Value::Bool(b)) => Some(*b),
            Expr::Not(e) => e.once_closed().map(|b| !b),
            Expr::And(a, b) => match (a.once_closed(), b.once_closed()) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Expr::Or(a, b) => match (a.once_closed(), b.once_closed()) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The deadlines the expression reads with `missed`, in order, once each.
    pub fn missed_deadlines<'e>(&'e self, out: &mut Vec<&'e str>) {
        match self {
            Expr::Missed(d) if !out.contains(&d.as_str()) => out.push(d),
            Expr::Not(e) | Expr::In(e, _) => e.missed_deadlines(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                a.missed_deadlines(out);
                b.missed_deadlines(out);
            }
            _ => {}
        }
    }

    /// Whether the guard holds; `None` when it cannot be decided.
    pub fn holds(&self, env: &dyn Env) -> Option<bool> {
        match self.eval(env)? {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Every fact and event field the guard reads.
    pub fn inputs(&self, facts: &mut Vec<FactId>, params: &mut Vec<u32>) {
        match self {
            Expr::Const(_) => {}
            Expr::Fact(f) => {
                if !facts.contains(f) {
                    facts.push(*f)
                }
            }
            Expr::Param(p) => {
                if !params.contains(p) {
                    params.push(*p)
                }
            }
            Expr::Not(e) | Expr::In(e, _) => e.inputs(facts, params),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                a.inputs(facts, params);
                b.inputs(facts, params);
            }
            Expr::Shift { date, by, .. } => {
                date.inputs(facts, params);
                by.inputs(facts, params);
            }
            Expr::Extreme(_, dates) => {
                for d in dates {
                    d.inputs(facts, params);
                }
            }
            Expr::Received | Expr::Today | Expr::DateOf(_) | Expr::Closed | Expr::Missed(_) => {}
        }
    }
}

impl Procedure {
    pub fn step_named(&self, name: &str) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.name == name)
            .map(|i| StepId(i as u32))
    }

    pub fn event_named(&self, name: &str) -> Option<EventId> {
        self.events
            .iter()
            .position(|e| e.name == name)
            .map(|i| EventId(i as u32))
    }

    /// The outcome a withdrawal reaches: the declared `withdrawn`, or the
    /// one the checker adds to every procedure that does not declare it.
    pub fn withdrawn(&self) -> OutcomeId {
        let at = self
            .outcomes
            .iter()
            .position(|o| o.name == WITHDRAWN_OUTCOME)
            .unwrap_or(self.outcomes.len().saturating_sub(1));
        OutcomeId(at as u32)
    }

    /// The outcomes the procedure declares, without the built-in ones.
    pub fn declared_outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| !o.builtin)
    }

    pub fn step(&self, id: StepId) -> Option<&Step> {
        self.steps.get(id.index())
    }

    /// The name of the calendar due dates are counted in.
    pub fn calendar_name(&self) -> &str {
        match &self.calendar {
            CalendarChoice::Builtin(name) => name,
            CalendarChoice::Declared(i) => self
                .calendars
                .get(*i)
                .map_or(DEFAULT_CALENDAR, |c| c.name.as_str()),
        }
    }

    /// A calendar by name: one the procedure declares, or a built-in one.
    pub fn calendar_named(&self, name: &str) -> Result<CalendarHandle, CalendarError> {
        match self.calendars.iter().find(|c| c.name == name) {
            Some(spec) => Calendar::from_spec(spec).map(|c| CalendarHandle::Custom(Box::new(c))),
            None => Calendar::builtin(name).map(CalendarHandle::Builtin),
        }
    }

    /// The procedure's own calendar.
    pub fn own_calendar(&self) -> Result<CalendarHandle, CalendarError> {
        self.calendar_named(self.calendar_name())
    }

    /// The name of a step or outcome.
    pub fn target_name(&self, target: Target) -> &str {
        match target {
            Target::Step(s) => self.steps.get(s.index()).map(|s| s.name.as_str()),
            Target::Outcome(o) => self.outcomes.get(o.index()).map(|o| o.name.as_str()),
        }
        .unwrap_or("?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoInputs;
    impl Env for NoInputs {
        fn fact(&self, _: FactId) -> Option<Value> {
            None
        }
        fn param(&self, _: u32) -> Option<Value> {
            None
        }
    }

    fn holds(op: CompareOp, a: Value, b: Value) -> Option<bool> {
        Expr::Compare(op, Box::new(Expr::Const(a)), Box::new(Expr::Const(b))).holds(&NoInputs)
    }

    #[test]
    fn durations_in_different_units_compare_by_length() {
        let wd = |n| Value::Duration(n, Unit::WorkingDays);
        let weeks = |n| Value::Duration(n, Unit::Weeks);
        assert_eq!(
            holds(CompareOp::Gt, wd(20), weeks(3)),
            Some(true),
            "20 working days is four weeks"
        );
        assert_eq!(holds(CompareOp::Lt, wd(10), weeks(3)), Some(true));
        assert_eq!(
            holds(CompareOp::Eq, wd(15), weeks(3)),
            Some(true),
            "three weeks of working days"
        );
        assert_eq!(
            holds(CompareOp::Lt, Value::Duration(1, Unit::Months), weeks(5)),
            Some(true)
        );
        assert_eq!(holds(CompareOp::Lt, wd(3), wd(20)), Some(true));
    }

    #[test]
    fn a_month_is_22_working_days_and_30_point_8_days() {
        let month = Value::Duration(1, Unit::Months);
        let days = |n| Value::Duration(n, Unit::Days);
        assert_eq!(
            holds(
                CompareOp::Eq,
                month.clone(),
                Value::Duration(22, Unit::WorkingDays)
            ),
            Some(true)
        );
        assert_eq!(holds(CompareOp::Gt, month.clone(), days(30)), Some(true));
        assert_eq!(holds(CompareOp::Lt, month, days(31)), Some(true));
        assert_eq!(
            holds(
                CompareOp::Eq,
                days(7),
                Value::Duration(5, Unit::WorkingDays)
            ),
            Some(true),
            "a calendar week of days is five working days"
        );
    }
}
