//! The typed syntax tree of a `.proc` file. Every node keeps its span so
//! that any later stage can point at the text it is about.
//!
//! Singleton header items (`version`, `start`, ...) are kept as lists so
//! that the checker, not the parser, reports a repeated one.

use chrono::NaiveDate;
use miette::SourceSpan;

/// A byte range in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> SourceSpan {
        SourceSpan::from((span.start, span.end.saturating_sub(span.start)))
    }
}

/// An identifier as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// `cite "7.2", "Appendix"`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Cite {
    pub labels: Vec<Text>,
    pub span: Span,
}

/// A date literal; `value` is `None` when the text is not a real date (the
/// error has been reported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub value: Option<NaiveDate>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    WorkingDays,
    Days,
    Weeks,
    Months,
    /// Calendar years: the day of the month kept, clamped to the month's
    /// end (29 February + 1 year is 28 February).
    Years,
}

/// `20 working days`, or the name of a `duration` fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Duration {
    Literal { amount: i64, unit: Unit, span: Span },
    Fact(Name),
}

impl Duration {
    pub fn span(&self) -> Span {
        match self {
            Duration::Literal { span, .. } => *span,
            Duration::Fact(name) => name.span,
        }
    }
}

/// What a time limit counts from: entry into the step, or an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    Entry(Span),
    /// An event, or a `date` fact: which one is decided by the checker.
    Event(Name),
    /// `latest(…)` or `earliest(…)` of dates.
    Date(Expr),
}

/// The type of a fact or of an event's data field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    Bool(Span),
    Date(Span),
    Duration(Span),
    Text(Span),
    Enum { values: Vec<Name>, span: Span },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Bool(s) | TypeExpr::Date(s) | TypeExpr::Duration(s) | TypeExpr::Text(s) => *s,
            TypeExpr::Enum { span, .. } => *span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
        }
    }
}

/// A guard expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Bool {
        value: bool,
        span: Span,
    },
    Date(DateLit),
    Duration {
        amount: i64,
        unit: Unit,
        span: Span,
    },
    Text(Text),
    /// A fact, an event's data field, or an enum value: which one is
    /// decided by the checker.
    Name(Name),
    Not {
        operand: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        span: Span,
    },
    In {
        operand: Box<Expr>,
        values: Vec<Name>,
        span: Span,
    },
    /// `received - 12 months`: a date moved by a duration.
    Shift {
        date: Box<Expr>,
        back: bool,
        by: Box<Expr>,
        span: Span,
    },
    /// `received` or `today` in a guard.
    Moment {
        moment: Moment,
        span: Span,
    },
    /// `date of acknowledge`.
    DateOf {
        event: Name,
        span: Span,
    },
    /// `latest(a, b, …)` (`latest` true) or `earliest(a, b, …)`.
    Extreme {
        latest: bool,
        dates: Vec<Expr>,
        span: Span,
    },
    /// `closed`: the case has an outcome.
    Closed {
        span: Span,
    },
    /// `missed response`: the deadline passed unmet in this visit.
    Missed {
        deadline: Name,
        span: Span,
    },
}

/// A day every case has, named by a reserved word in guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Moment {
    /// The day the case was received.
    Received,
    /// The day a rule is applied: the as-of date of `run`, the simulated day.
    Today,
}

impl Moment {
    pub const fn word(self) -> &'static str {
        match self {
            Moment::Received => "received",
            Moment::Today => "today",
        }
    }
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Bool { span, .. }
            | Expr::Duration { span, .. }
            | Expr::Not { span, .. }
            | Expr::Binary { span, .. }
            | Expr::In { span, .. }
            | Expr::Shift { span, .. }
            | Expr::Moment { span, .. }
            | Expr::DateOf { span, .. }
            | Expr::Extreme { span, .. }
            | Expr::Closed { span }
            | Expr::Missed { span, .. } => *span,
            Expr::Date(d) => d.span,
            Expr::Text(t) => t.span,
            Expr::Name(n) => n.span,
        }
    }
}

/// A whole `.proc` file: one procedure.
#[derive(Clone, Debug, Default)]
pub struct File {
    pub procedure: Option<ProcedureDecl>,
}

#[derive(Clone, Debug)]
pub struct ProcedureDecl {
    pub name: Name,
    pub title: Text,
    pub span: Span,
    pub versions: Vec<Valued<Text>>,
    pub effective: Vec<Valued<DateLit>>,
    pub sources: Vec<Valued<Text>>,
    pub calendar_uses: Vec<Valued<Name>>,
    pub calendars: Vec<CalendarDecl>,
    pub paragraphs: Vec<ParagraphsDecl>,
    pub limits: Vec<LimitDecl>,
    pub roles: Vec<RoleDecl>,
    pub facts: Vec<FactDecl>,
    pub bodies: Vec<BodyDecl>,
    pub routes: Vec<RouteDecl>,
    pub starts: Vec<Valued<Name>>,
    pub steps: Vec<StepDecl>,
    pub outcomes: Vec<OutcomeDecl>,
    pub notes: Vec<NoteDecl>,
    pub settings: Vec<SettingDecl>,
    /// `anywhere on E -> OUTCOME "why"`.
    pub anywhere: Vec<AnywhereDecl>,
    /// `notice NAME to ROLE "Title" includes a, b`.
    pub notices: Vec<NoticeDecl>,
    /// `track NAME "Title" { task … deadline … on E -> done }`.
    pub tracks: Vec<TrackDecl>,
}

/// `track remedial_actions "Outstanding remedial actions" { … }`: duties
/// that run beside the steps once a transition starts them.
#[derive(Clone, Debug)]
pub struct TrackDecl {
    /// The track's name, title, cite, tasks, deadlines and notes, lowered
    /// as a step's are, so that every task and deadline form a step takes
    /// (and every checker and printer of them) serves a track too.
    pub body: StepDecl,
    /// `on E -> done`: the events that finish the track.
    pub done_on: Vec<TrackDone>,
    pub span: Span,
}

/// `on actions_completed -> done` inside a track.
#[derive(Clone, Debug)]
pub struct TrackDone {
    pub event: Name,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `anywhere on legal_proceedings_started -> closed_for_legal_action "…"`.
#[derive(Clone, Debug)]
pub struct AnywhereDecl {
    pub event: Name,
    pub guard: Option<Expr>,
    pub target: Name,
    pub reason: Option<Text>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `notice extension_notice to complainant "Extension letter" includes reason, new_date`.
#[derive(Clone, Debug)]
pub struct NoticeDecl {
    pub name: Name,
    pub to: Name,
    pub title: Option<Text>,
    pub includes: Vec<Name>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// A header item holding one value: `version "2.0"`, `start step1`.
#[derive(Clone, Debug)]
pub struct Valued<T> {
    pub value: T,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CalendarDecl {
    pub name: Name,
    pub base: Name,
    pub weekends: Vec<WeekendDecl>,
    pub closed: Vec<ClosedDecl>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct WeekendDecl {
    pub days: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ClosedDecl {
    pub date: DateLit,
    /// The last day of a closure period (`..2026-05-20`).
    pub until: Option<DateLit>,
    pub title: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ParagraphsDecl {
    pub labels: Vec<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct LimitDecl {
    pub duration: Duration,
    pub anchor: Anchor,
    /// `beginning with`: the anchor day counts.
    pub beginning: bool,
    /// `limit until DATE`.
    pub until: Option<Expr>,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RoleDecl {
    pub name: Name,
    pub title: Option<Text>,
    /// `, not also review_panel`: roles the same person may not also hold.
    pub not_also: Vec<Name>,
    /// `, members 3, chair`: the role is a panel.
    pub panel: Option<PanelDecl>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `, members 3`, `, members at least 2` or `, members 2 to 4`, and
/// `, chair` after it.
#[derive(Clone, Debug)]
pub struct PanelDecl {
    pub size: PanelSize,
    /// The span of `, chair`, when one member chairs the panel.
    pub chair: Option<Span>,
    /// The clause, from its comma to its last word.
    pub span: Span,
}

/// How many members a panel has, as written (the checker refuses a
/// count below 1 and a range upside down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelSize {
    Exactly(i64),
    AtLeast(i64),
    Between(i64, i64),
}

#[derive(Clone, Debug)]
pub struct FactDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub title: Option<Text>,
    /// `, fixed "why"`: once given, the fact may not change.
    pub fixed: Option<FixedDecl>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `setting escalation_window: duration = 20 working days "…"`: a value
/// an organisation may choose, with its default. The default is kept as
/// a guard literal (`Expr::Bool`, `Date`, `Duration`, `Text`, or `Name`
/// for a choice), so that the checker types it as it types guards.
#[derive(Clone, Debug)]
pub struct SettingDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Expr,
    pub title: Option<Text>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `, fixed "Once given, consent cannot be withdrawn"`.
#[derive(Clone, Debug)]
pub struct FixedDecl {
    pub reason: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct BodyDecl {
    pub name: Name,
    pub kind: Option<Name>,
    pub title: Text,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// `route to`: open to the complainant.
    Route,
    /// `refer to`: an immediate referral that runs alongside.
    Referral,
}

#[derive(Clone, Debug)]
pub struct RouteDecl {
    pub kind: RouteKind,
    pub body: Name,
    pub guard: Option<Expr>,
    /// `immediately` or `within DURATION`, on a `refer`: when it is due.
    pub due: Option<ReferDue>,
    pub cite: Option<Cite>,
    pub span: Span,
    /// `within DURATION of ANCHOR`, on a `route`: when it closes. An
    /// anchor named `closed` is the day the case has its outcome.
    pub window: Option<(Duration, Anchor)>,
}

#[derive(Clone, Debug)]
pub struct OutcomeDecl {
    pub name: Name,
    pub is_final: bool,
    pub text: Option<Text>,
    pub cite: Option<Cite>,
    pub span: Span,
    /// `{ … }` after the outcome line, as written (possibly empty), so that
    /// the printer keeps a block the author wrote.
    pub block: Option<OutcomeBlock>,
}

/// What an outcome's block holds: routes open only once the case has
/// closed with this outcome, and notes.
#[derive(Clone, Debug, Default)]
pub struct OutcomeBlock {
    /// Every one a `RouteKind::Route`: the grammar admits no `refer`.
    pub routes: Vec<RouteDecl>,
    pub notes: Vec<NoteDecl>,
    /// From `{` to `}`.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NoteDecl {
    pub text: Text,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct StepDecl {
    pub name: Name,
    pub title: Option<Text>,
    pub cite: Option<Cite>,
    pub span: Span,
    pub leads: Vec<Valued<Name>>,
    /// `lead x, different from stage1`: each by the span of its `lead`.
    pub lead_different: Vec<DifferentFrom>,
    pub tasks: Vec<TaskDecl>,
    pub deadlines: Vec<DeadlineDecl>,
    pub pauses: Vec<PauseDecl>,
    pub transitions: Vec<TransitionDecl>,
    pub escalations: Vec<EscalateDecl>,
    pub otherwise: Vec<Valued<Name>>,
    pub rejects: Vec<RefusalDecl>,
    pub refusals: Vec<RefusalDecl>,
    pub routes: Vec<RouteDecl>,
    /// `on entry when … -> T "why"`: moves straight on when entering.
    pub entry_moves: Vec<RefusalDecl>,
    /// `on missed DEADLINE -> T`.
    pub missed_moves: Vec<MissedDecl>,
    /// `otherwise when G -> T`, in order (the unguarded one is in
    /// `otherwise`); `reason` is always `None`.
    pub otherwise_when: Vec<RefusalDecl>,
    pub notes: Vec<NoteDecl>,
}

/// A rule on extending a deadline.
#[derive(Clone, Debug)]
pub enum ExtensionRule {
    /// `at most once` (1) or `at most N times`.
    AtMost {
        times: i64,
        span: Span,
    },
    GrantedBy(Name),
    WithNotice(Name),
    /// `by agreement of ROLE`.
    AgreementOf(Name),
    /// `extendable to D without good reason`: beyond D only with a reason.
    WithoutGoodReason(Span),
    /// `before expiry`: said explicitly, as every extension needs it unless
    /// the deadline says `even after expiry`.
    BeforeExpiry(Span),
    /// `even after expiry`: a late extension is allowed and shown as late.
    AfterExpiry(Span),
}

/// When a referral must be made, from the day its condition first holds.
#[derive(Clone, Debug)]
pub enum ReferDue {
    /// The same day.
    Immediately(Span),
    Within(Duration),
}

/// `, different from stage1` after a `lead`.
#[derive(Clone, Debug)]
pub struct DifferentFrom {
    /// The span of the `lead` it belongs to.
    pub lead: Span,
    pub step: Name,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TaskDecl {
    pub name: Name,
    pub title: Option<Text>,
    /// Who does it, when not the step's lead.
    pub by: Option<Name>,
    pub guard: Option<Expr>,
    pub within: Option<(Duration, Option<Anchor>)>,
    /// `within … beginning with …`: the anchor day counts.
    pub within_beginning: bool,
    /// `until DATE`: due on a date rather than within a duration.
    pub until: Option<Expr>,
    /// `requires notice A, B`: not done until those notices are recorded.
    pub notices: Vec<Name>,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Extension {
    ByAgreement(Span),
    UpTo(Duration),
}

#[derive(Clone, Debug)]
pub struct DeadlineDecl {
    pub name: Name,
    pub duration: Duration,
    pub anchor: Option<Anchor>,
    /// `beginning with`: the anchor day counts.
    pub beginning: bool,
    /// `until DATE` instead of a duration and anchor.
    pub until: Option<Expr>,
    pub extension: Option<Extension>,
    /// `, at most once`, `, granted by ROLE`, `, with notice to ROLE`.
    pub extension_rules: Vec<ExtensionRule>,
    pub met_by: Vec<Name>,
    /// `when G`: the deadline applies only while G holds.
    pub guard: Option<Expr>,
    /// `, or as soon as practicable`.
    pub soft: bool,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct PauseDecl {
    pub name: Name,
    pub consent_of: Option<Name>,
    /// `when G`: the pause is allowed only while G holds.
    pub guard: Option<Expr>,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug)]
pub struct TransitionDecl {
    pub event: Name,
    pub params: Vec<Param>,
    pub by: Option<Name>,
    /// `by a and b`: the roles after the first of a joint decision.
    pub also_by: Vec<Name>,
    pub guard: Option<Expr>,
    pub requires: Vec<Name>,
    /// Tasks done again after this transition (it must stay in its step).
    pub reopens: Vec<Name>,
    /// `starts TRACK, …`: tracks set running by this transition.
    pub starts: Vec<Name>,
    /// `requires notice A, B`: refused until those notices are recorded.
    pub notices: Vec<Name>,
    pub target: Name,
    pub cite: Option<Cite>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EscalateDecl {
    pub target: Name,
    pub event: Name,
    pub by: Option<Name>,
    pub within: Duration,
    pub anchor: Anchor,
    /// `beginning with`: the anchor day counts.
    pub beginning: bool,
    /// `until DATE`: the window closes on a date.
    pub until: Option<Expr>,
    /// `when G`: the window exists only while G holds.
    pub guard: Option<Expr>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `reject when …` or `refuse when …`.
#[derive(Clone, Debug)]
pub struct RefusalDecl {
    pub guard: Expr,
    pub reason: Option<Text>,
    pub target: Option<Name>,
    /// `requires notice N [within D]`, on a `reject` or `refuse`.
    pub notice: Option<OwedNoticeDecl>,
    pub cite: Option<Cite>,
    pub span: Span,
}

/// `requires notice refusal_letter within 5 working days` after a `reject`
/// or `refuse`: the notices that explain it, owed from the day it happens.
#[derive(Clone, Debug)]
pub struct OwedNoticeDecl {
    pub notices: Vec<Name>,
    /// `None`: due the same day.
    pub within: Option<Duration>,
    pub span: Span,
}

/// `on missed response -> stage2`: an automatic move the day after a
/// deadline of the step passes unmet.
#[derive(Clone, Debug)]
pub struct MissedDecl {
    pub deadline: Name,
    pub target: Name,
    pub cite: Option<Cite>,
    pub span: Span,
}
